import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { finishesWithin } from '../../helpers/hang-guard.js';
import { locals } from '../../helpers/hcl-locals.js';
import { linesOf } from '../../helpers/iac-lines.js';


describe('Terraform functions: IP networks', () => {
  it('computes subnets, hosts and netmasks as Terraform does (its documented examples)', () => {
    const v = locals(`
variable "vpc_cidr" { default = "10.0.0.0/16" }
locals {
  subnet     = cidrsubnet(var.vpc_cidr, 8, 1)
  host_bits  = cidrsubnet("10.1.2.3/16", 4, 15)
  v6_subnet  = cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)
  host       = cidrhost("10.12.112.0/20", 268)
  v6_host    = cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)
  last       = cidrhost("10.0.0.0/24", -1)
  netmask    = cidrnetmask("172.16.0.0/12")
  subnets    = cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)
  v6_subnets = cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)
  half       = cidrsubnet("0.0.0.0/0", 1, 1)
}`);
    assert.equal(v.subnet, '10.0.1.0/24');
    assert.equal(v.host_bits, '10.1.240.0/20');
    assert.equal(v.v6_subnet, 'fd00:fd12:3456:7800:a200::/72');
    assert.equal(v.host, '10.12.113.12');
    assert.equal(v.v6_host, 'fd00:fd12:3456:7890::22');
    assert.equal(v.last, '10.0.0.255');
    assert.equal(v.netmask, '255.240.0.0');
    assert.deepEqual(v.subnets, ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']);
    assert.deepEqual(v.v6_subnets, ['fd00:fd12:3456:7800::/72', 'fd00:fd12:3456:7800:100::/72', 'fd00:fd12:3456:7800:200::/72', 'fd00:fd12:3456:7800:300::/88']);
    assert.equal(v.half, '128.0.0.0/1');
  });

  it('leaves unknown what Terraform refuses or what cannot be told', () => {
    const v = locals(`
locals {
  past_range    = cidrsubnet("10.0.0.0/16", 8, 256)
  too_long      = cidrsubnet("10.0.0.0/30", 4, 0)
  host_past     = cidrhost("10.0.0.0/24", 256)
  v6_netmask    = cidrnetmask("fd00::/8")
  no_room       = cidrsubnets("10.0.0.0/8", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)
  not_a_prefix  = cidrsubnet("10.0.0.0", 8, 1)
  unknown_base  = cidrsubnet(aws_vpc.main.cidr_block, 8, 1)
  unknown_num   = cidrhost("10.0.0.0/24", var.missing)
}`);
    for (const [name, value] of Object.entries(v)) assert.equal(value, '?', name);
  });

  it('judges a security group rule whose source is computed with cidrsubnet', () => {
    const rule = (cidr: string) => `variable "vpc_cidr" {\n  default = "10.0.0.0/8"\n}\n\nresource "aws_security_group_rule" "ssh" {\n  type              = "ingress"\n  security_group_id = "sg-0123456789abcdef0"\n  from_port         = 22\n  to_port           = 22\n  protocol          = "tcp"\n  cidr_blocks       = [${cidr}]\n}\n`;
    // 10.16.0.0/12: a private range wider than any one network.
    assert.deepEqual(linesOf('iac/tf-aws-sg-sensitive-port-wide-private', rule('cidrsubnet(var.vpc_cidr, 4, 1)')), [11]);
    // 10.0.1.0/24: one network's subnet.
    assert.deepEqual(linesOf('iac/tf-aws-sg-sensitive-port-wide-private', rule('cidrsubnet(var.vpc_cidr, 16, 1)')), []);
    assert.deepEqual(linesOf('iac/tf-aws-sg-open-to-internet', rule('cidrsubnet("0.0.0.0/0", 0, 0)')), [11]);
  });
});

describe('Terraform functions: regular expressions (RE2)', () => {
  it('gives the match, the groups as a list, or the named groups as an object', () => {
    const v = locals(`
locals {
  whole   = regex("[a-z]+", "53453453.345345aaabbbccc23454")
  groups  = regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")
  named   = regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")
  left    = regex("(a)|(b)", "b")
  all     = regexall("[a-z]+", "1234abcd5678efgh9")
  count   = length(regexall("[a-z]+", "1234abcd5678efgh9"))
  empties = regexall("a*", "baaac")
  none    = regexall("x", "abc")
  can     = can(regex("^[a-z]+$", "abc"))
  account = regex("^arn:aws:iam::(\\\\d{12}):", "arn:aws:iam::123456789012:role/x")[0]
}`);
    assert.equal(v.whole, 'aaabbbccc');
    assert.deepEqual(v.groups, ['2019', '02', '01']);
    assert.deepEqual(v.named, { scheme: 'https', authority: 'terraform.io' });
    assert.deepEqual(v.left, [null, 'b']);
    assert.deepEqual(v.all, ['abcd', 'efgh']);
    assert.equal(v.count, 2);
    // Go's rule: an empty match right after a match does not count.
    assert.deepEqual(v.empties, ['', 'aaa', '']);
    assert.deepEqual(v.none, []);
    assert.equal(v.can, true);
    assert.equal(v.account, '123456789012');
  });

  it('replaces with a /pattern/ as Go does, $1 and ${name} expanded', () => {
    const v = locals(`
locals {
  words   = replace("hello world", "/w.*d/", "everybody")
  digits  = replace("1.2.3", "/(\\\\d)/", "<$1>")
  named   = replace("abc", "/(?P<x>b)/", "$\${x}-$x-$1x")
  open    = replace("0.0.0.0/0", "/^0\\\\.0\\\\.0\\\\.0/", "10.0.0.0")
  slash   = replace("a/b", "/", "-")
}`);
    assert.equal(v.words, 'hello everybody');
    assert.equal(v.digits, '<1>.<2>.<3>');
    // `$1x` is the group named "1x" (none): empty, as in Go.
    assert.equal(v.named, 'ab-b-c');
    assert.equal(v.open, '10.0.0.0/0');
    assert.equal(v.slash, 'a-b');
  });

  // A hang guard: evaluated in a worker that must finish within a minute. It takes a fraction of a
  // second; a backtracking matcher would not finish `nested` (2^5000 ways to split the a's).
  it('leaves unknown what Terraform refuses, and patterns that would backtrack stay fast', async () => {
    const v = await finishesWithin<Record<string, unknown>>(60_000, new URL('../../helpers/hcl-locals.ts', import.meta.url), 'locals', `
locals {
  no_match    = regex("[a-z]+", "123")
  mixed       = regex("(?P<a>x)(y)", "xy")
  lookbehind  = regex("(?<!a)b", "cb")
  backref     = regex("(a)\\\\1", "aa")
  nested      = regex("(a+)+$", "${'a'.repeat(5000)}b")
  unknown_in  = regexall("[a-z]+", aws_thing.x.name)
}`);
    for (const [name, value] of Object.entries(v)) assert.equal(value, '?', name);
  });
});

describe('Terraform functions: text, numbers, collections, encodings', () => {
  it('evaluates the other pure functions modules use', () => {
    const v = locals(`
locals {
  sensitive    = sensitive("0.0.0.0/0")
  nonsensitive = nonsensitive(22)
  strcontains  = strcontains("0.0.0.0/0", "/0")
  chomp        = chomp("a\\n\\r\\n")
  trim         = trim("?!hello?!", "!?")
  indent       = indent(2, "a\\nb")
  strrev       = strrev("abc")
  substr       = substr("hello world", 1, 4)
  substr_end   = substr("hello world", -5, -1)
  title        = title("hello world-wide_web")
  formatlist   = formatlist("%s/32", ["10.0.0.1", "10.0.0.2"])
  numbers      = [abs(-3), ceil(4.2), floor(4.8), signum(-7), pow(2, 10), sum([1, 2, 3])]
  parseint     = [parseint("100", 2), parseint("-FF", 16), parseint("zz", 36)]
  slice        = slice(["a", "b", "c", "d"], 1, 3)
  chunklist    = chunklist(["a", "b", "c"], 2)
  intersection = setintersection(["a", "b", "c"], ["b", "c", "d"], ["c", "b"])
  matchkeys    = matchkeys(["i-1", "i-2", "i-3"], ["us-a", "us-b", "us-a"], ["us-a"])
  transpose    = transpose({ a = ["1", "2"], b = ["2", "3"] })
  base64       = base64decode(base64encode("user:pw"))
  urlencode    = urlencode("a b&c=d/é")
  yaml         = yamldecode("a: 1\\nb: [x, yes]\\nc: {d: null}")
}`);
    assert.equal(v.sensitive, '0.0.0.0/0');
    assert.equal(v.nonsensitive, 22);
    assert.equal(v.strcontains, true);
    assert.equal(v.chomp, 'a');
    assert.equal(v.trim, 'hello');
    assert.equal(v.indent, 'a\n  b');
    assert.equal(v.strrev, 'cba');
    assert.equal(v.substr, 'ello');
    assert.equal(v.substr_end, 'world');
    assert.equal(v.title, 'Hello World-Wide_web');
    assert.deepEqual(v.formatlist, ['10.0.0.1/32', '10.0.0.2/32']);
    assert.deepEqual(v.numbers, [3, 5, 4, -1, 1024, 6]);
    assert.deepEqual(v.parseint, [4, -255, 1295]);
    assert.deepEqual(v.slice, ['b', 'c']);
    assert.deepEqual(v.chunklist, [['a', 'b'], ['c']]);
    assert.deepEqual(v.intersection, ['b', 'c']);
    assert.deepEqual(v.matchkeys, ['i-1', 'i-3']);
    assert.deepEqual(v.transpose, { '1': ['a'], '2': ['a', 'b'], '3': ['b'] });
    assert.equal(v.base64, 'user:pw');
    assert.equal(v.urlencode, 'a+b%26c%3Dd%2F%C3%A9');
    assert.deepEqual(v.yaml, { a: 1, b: ['x', 'yes'], c: { d: null } });
  });

  it('gives lookup\'s default for a missing key, a null default included', () => {
    const v = locals(`
variable "account" { default = { scopes = ["cloud-platform"] } }
locals {
  given     = lookup(var.account, "scopes", null)
  defaulted = lookup(var.account, "email", "default")
  null_one  = lookup(var.account, "email", null)
  refused   = lookup(var.account, "email")
  unknown   = lookup(aws_thing.x.tags, "email", null)
}`);
    assert.deepEqual(v, { given: ['cloud-platform'], defaulted: 'default', null_one: null, refused: '?', unknown: '?' });
  });

  it('leaves unknown what Terraform refuses or what is not read exactly here', () => {
    const v = locals(`
locals {
  not_base64    = base64decode("not base64!")
  two_docs      = yamldecode("a: 1\\n---\\nb: 2")
  bad_yaml      = yamldecode("a: [1")
  graphemes     = strrev("né")
  slice_past    = slice(["a"], 0, 2)
  formatlist    = formatlist("%s", ["a"], ["b", "c"])
  sum_empty     = sum([])
  parseint_bad  = parseint("12", 2)
  unknown_input = upper(sensitive(aws_thing.x.name))
}`);
    for (const [name, value] of Object.entries(v)) assert.equal(value, '?', name);
  });
});

describe('Terraform functions: yamldecode of a text read again', () => {
  it('parses a text once: a module read in many contexts decodes its YAML file once (values are shared, never changed)', async () => {
    const { callFunction } = await import('../../../src/scanners/iac/terraform/hcl/functions.js');
    const text = 'agents:\n  - name: compute\n    role: roles/compute.serviceAgent\n';
    const first = callFunction('yamldecode', [text]);
    assert.deepEqual(first, { agents: [{ name: 'compute', role: 'roles/compute.serviceAgent' }] });
    assert.equal(callFunction('yamldecode', [text]), first);
    // A text that is not YAML stays unknown when read again.
    assert.equal(callFunction('yamldecode', ['a: [1']), UNKNOWN);
    assert.equal(callFunction('yamldecode', ['a: [1']), UNKNOWN);
  });
});

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { locals } from '../../helpers/hcl-locals.js';
import { fixturePath } from '../../helpers/paths.js';


describe('Terraform evaluation: for expressions, functions, nullable variables', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-for-expressions'), scannerSet: [iacScanner] });
  });
  const at = (ruleId: string) => result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);

  it('reads no warnings', () => {
    assert.deepEqual(result.warnings, []);
  });

  it('reads network interfaces a caller builds with a for expression: nat = false gives no external IP, nat = true does', () => {
    const found = at('iac/tf-gcp-instance-public-ip');
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /module\.edge_vm/);
    assert.doesNotMatch(found[0]!, /module\.private_vm/);
  });

  it('gives a nullable = false variable its default when a caller passes null', () => {
    const found = at('iac/tf-aws-database-not-encrypted');
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /storage_encrypted = false.*module\.db_plain/);
    assert.doesNotMatch(found[0]!, /db_default/);
  });

  it('reads security group rules made by a filtered for_each, sort(compact(distinct(concat(...)))) and try(...)', () => {
    const found = at('iac/tf-aws-sg-open-to-internet');
    assert.deepEqual(
      found.map((f) => f.split(' ')[0]),
      ['sg.tf:16', 'sg.tf:26'],
      found.join('\n'),
    );
    assert.match(found[0]!, /22\/tcp/);
  });

  it('evaluates list and map for expressions, conditions, grouping, sets and splats', () => {
    const v = locals(`
variable "list" { default = [{ name = "a", on = true, port = 1 }, { name = "b", on = false, port = 2 }, { name = "c", on = true, port = 3 }] }
variable "map" { default = { web = { port = 80 }, db = { port = 5432 } } }
locals {
  names   = [for x in var.list : x.name if x.on]
  ports   = { for k, v in var.map : k => v.port }
  grouped = { for x in var.list : x.on => x.name... }
  indexed = [for i, x in var.list : "\${i}:\${x.name}"]
  set     = [for k, v in toset(["b", "a", "b"]) : "\${k}=\${v}"]
  nested  = flatten([for k, v in var.map : [for i in range(2) : "\${k}-\${i}"]])
  merged  = merge([for k, v in var.map : { (k) = v.port }]...)
  splat   = var.list[*].name
}`);
    assert.deepEqual(v.names, ['a', 'c']);
    assert.deepEqual(v.ports, { db: 5432, web: 80 });
    assert.deepEqual(v.grouped, { true: ['a', 'c'], false: ['b'] });
    assert.deepEqual(v.indexed, ['0:a', '1:b', '2:c']);
    assert.deepEqual(v.set, ['a=a', 'b=b']);
    assert.deepEqual(v.nested, ['db-0', 'db-1', 'web-0', 'web-1']);
    assert.deepEqual(v.merged, { db: 5432, web: 80 });
    assert.deepEqual(v.splat, ['a', 'b', 'c']);
  });

  it('strips nulls from a map it can read in part: an unknown element stays, unknown; a list or object is never null', () => {
    const v = locals(`
variable "on" { default = null }
locals {
  body        = { a = "x", b = null, c = aws_thing.x.id, d = { e = aws_thing.x.id }, f = [aws_thing.x.id] }
  stripped    = { for k, v in local.body : k => v if v != null }
  as_list     = [for k, v in local.body : v if v != null]
  by_key      = { for k, v in local.body : k => v if k != var.on && aws_thing.x.ok }
  grouped     = { for k, v in local.body : "all" => v... if v != null }
  object_null = { e = aws_thing.x.id } == null
  list_null   = [aws_thing.x.id] != null
  null_null   = aws_thing.x.id == null
}`);
    assert.deepEqual(v.stripped, { a: 'x', c: '?', d: { e: '?' }, f: ['?'] });
    // Which elements a list or a grouping holds cannot be told; nor a condition on a known element.
    assert.equal(v.as_list, '?');
    assert.equal(v.by_key, '?');
    assert.equal(v.grouped, '?');
    assert.equal(v.object_null, false);
    assert.equal(v.list_null, true);
    assert.equal(v.null_null, '?');
  });

  it('keeps what cannot be told unknown, and never invents a value', () => {
    const v = locals(`
variable "list" { default = [{ name = "a" }, { name = "b" }] }
locals {
  over_resource = [for s in aws_subnet.all : s.cidr_block]
  unknown_if    = [for x in var.list : x.name if x.missing]
  unknown_item  = [for x in var.list : aws_thing.x[x.name].id]
  unknown_key   = { for x in var.list : aws_thing.x.id => x.name }
  duplicate_key = { for x in var.list : "same" => x.name }
  coalesce      = coalesce(aws_thing.x.id, "fallback")
  compared      = [aws_thing.x.id] == [null]
  try_unknown   = try(aws_thing.x.id, "fallback")
  try_missing   = try(var.list[0].port, 443)
  try_null      = try(var.list[5].name, "none")
  can_missing   = can(var.list[0].port)
  contains      = contains([aws_thing.x.id, "b"], "b")
  contains_no   = contains(["a", aws_thing.x.id], "b")
  alltrue       = alltrue([aws_thing.x.ok, false])
}`);
    assert.equal(v.over_resource, '?');
    assert.equal(v.unknown_if, '?');
    assert.deepEqual(v.unknown_item, ['?', '?']);
    assert.equal(v.unknown_key, '?');
    assert.equal(v.duplicate_key, '?');
    assert.equal(v.coalesce, '?');
    assert.equal(v.compared, '?');
    assert.equal(v.try_unknown, '?');
    assert.equal(v.try_missing, 443);
    assert.equal(v.try_null, 'none');
    assert.equal(v.can_missing, false);
    assert.equal(v.contains, '?');
    assert.equal(v.contains_no, '?');
    assert.equal(v.alltrue, false);
  });

  it('evaluates the functions security-relevant values are built with', () => {
    const v = locals(`
locals {
  sg      = sort(compact(distinct(concat(["10.0.0.0/8", ""], split(",", "0.0.0.0/0,10.0.0.0/8")))))
  keys    = keys({ b = 1, a = 2 })
  values  = values({ b = 1, a = 2 })
  lookup  = lookup({ a = 1 }, "b", 3)
  format  = format("%s:%d %%", "port", 22)
  verb    = format("%5s", "x")
  join    = join(",", ["a", "b"])
  replace = replace("0.0.0.0/0", "/0", "/8")
  regex   = replace("abc", "/b/", "x")
  upper   = upper("tcp")
  merged  = merge(null, { a = 1 }, { a = 2, b = 3 })
  length  = length({ a = 1, b = 2 })
  zip     = zipmap(["a", "b"], [1, 2])
  one     = one(["x"])
  union   = setunion(["b"], ["a", "b"])
}`);
    assert.deepEqual(v.sg, ['0.0.0.0/0', '10.0.0.0/8']);
    assert.deepEqual(v.keys, ['a', 'b']);
    assert.deepEqual(v.values, [2, 1]);
    assert.equal(v.lookup, 3);
    assert.equal(v.format, 'port:22 %');
    assert.equal(v.verb, '?');
    assert.equal(v.join, 'a,b');
    assert.equal(v.replace, '0.0.0.0/8');
    assert.equal(v.regex, 'axc');
    assert.equal(v.upper, 'TCP');
    assert.deepEqual(v.merged, { a: 2, b: 3 });
    assert.equal(v.length, 2);
    assert.deepEqual(v.zip, { a: 1, b: 2 });
    assert.equal(v.one, 'x');
    assert.deepEqual(v.union, ['a', 'b']);
  });

  it('bounds the work of nested for expressions over large collections', () => {
    const v = locals(`
locals {
  big     = range(1000)
  square  = [for a in local.big : [for b in local.big : [for c in local.big : a + b + c]]]
  key     = { "__proto__" = { polluted = true } }
  grouped = { for i in range(3) : "__proto__" => i... }
}`);
    // The budget runs out (10^9 elements asked): what it did not reach is unknown, never a made-up element.
    assert.ok(JSON.stringify(v.square).includes('?'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(v.grouped as object), ['__proto__']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { UNKNOWN, evaluate, type Scope } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { finishesWithin } from '../../helpers/hang-guard.js';
import { linesOf } from '../../helpers/iac-lines.js';

const RULE = 'iac/tf-aws-sg-open-to-internet';

/** Line and message of every finding of the rule. */
function hits(source: string, fileName = 'main.tf'): Array<{ line: number; message: string }> {
  return analyseFile(fileName, source, () => {})
    .findings.filter((f) => f.ruleId === RULE)
    .map((f) => ({ line: f.location.startLine, message: f.message }))
    .sort((a, b) => a.line - b.line);
}

const group = (dynamic: string, before = '') =>
  `${before}resource "aws_security_group" "g" {\n  name = "g"\n  dynamic "ingress" {\n${dynamic}    content {\n      from_port   = ingress.value\n      to_port     = ingress.value\n      protocol    = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n`;

describe('Terraform network rules: dynamic ingress blocks', () => {
  it('reads each element of a list of ports, with one finding on the CIDR line naming every sensitive port', () => {
    const found = hits(group('    for_each = [80, 22, 5432]\n'));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.line, 9);
    assert.match(found[0]!.message, /22\/tcp \(SSH\).*5432\/tcp \(PostgreSQL\)/);
    assert.doesNotMatch(found[0]!.message, /\b80\//);
  });

  it('reads the list from a variable default or a local, and stays silent on public web ports', () => {
    assert.deepEqual(linesOf(RULE, group('    for_each = var.ports\n', 'variable "ports" {\n  default = [3389]\n}\n')), [12]);
    assert.deepEqual(linesOf(RULE, group('    for_each = local.ports\n', 'locals {\n  ports = toset([443, 80])\n}\n')), []);
  });

  it('binds a named iterator, objects of a list and the keys and values of a map', () => {
    const objects =
      'resource "aws_security_group" "g" {\n  dynamic "ingress" {\n    for_each = [{ port = 443, cidrs = ["0.0.0.0/0"] }, { port = 6379, cidrs = ["10.0.0.0/8"] }, { port = 9200, cidrs = ["::/0"] }]\n    iterator = rule\n    content {\n      from_port        = rule.value.port\n      to_port          = rule.value["port"]\n      protocol         = "tcp"\n      ipv6_cidr_blocks = rule.value.cidrs\n    }\n  }\n}\n';
    const found = hits(objects);
    assert.deepEqual(found.map((h) => h.line), [9]);
    assert.match(found[0]!.message, /9200\/tcp/);
    assert.doesNotMatch(found[0]!.message, /6379/, 'Redis is open to a private range only');
    const map =
      'resource "aws_security_group" "g" {\n  dynamic "ingress" {\n    for_each = { ssh = [22, 22], wide = [0, 65535] }\n    content {\n      description = ingress.key\n      from_port   = ingress.value[0]\n      to_port     = ingress.value[1]\n      protocol    = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n';
    const wide = hits(map);
    assert.equal(wide.length, 1);
    assert.match(wide[0]!.message, /accepts every port/);
  });

  it('reads a for_each it cannot resolve, or an empty one, as one rule of unknown values (as before)', () => {
    const literal = (forEach: string) =>
      `variable "rules" {}\nresource "aws_security_group" "g" {\n  dynamic "ingress" {\n    for_each = ${forEach}\n    content {\n      from_port   = 22\n      to_port     = 22\n      protocol    = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf(RULE, literal('var.rules')), [9]);
    assert.deepEqual(linesOf(RULE, literal('[]')), [9]);
    assert.deepEqual(linesOf(RULE, group('    for_each = var.rules\n', 'variable "rules" {}\n')), [], 'ports unknown: cannot tell');
  });

  it('reads dynamic blocks of .tf.json files', () => {
    const json = JSON.stringify(
      {
        resource: {
          aws_security_group: {
            g: {
              dynamic: {
                ingress: {
                  for_each: [22],
                  content: { from_port: '${ingress.value}', to_port: '${ingress.value}', protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] },
                },
              },
            },
          },
        },
      },
      null,
      2,
    );
    const cidrLine = json.split('\n').findIndex((l) => l.includes('"cidr_blocks"')) + 1;
    assert.deepEqual(linesOf(RULE, json, 'main.tf.json'), [cidrLine]);
  });
});

describe('Terraform network rules: rule resources with for_each and count', () => {
  it('reads each.value of a map and of a set', () => {
    const map =
      'resource "aws_vpc_security_group_ingress_rule" "admin" {\n  for_each          = { ssh = 22, web = 443 }\n  security_group_id = "sg-0123456789abcdef0"\n  cidr_ipv4         = "0.0.0.0/0"\n  from_port         = each.value\n  to_port           = each.value\n  ip_protocol       = "tcp"\n}\n';
    const found = hits(map);
    assert.deepEqual(found.map((h) => h.line), [4]);
    assert.match(found[0]!.message, /22\/tcp \(SSH\)/);
    const set =
      'resource "aws_security_group_rule" "r" {\n  for_each          = toset(["3306", "443"])\n  type              = "ingress"\n  from_port         = each.key\n  to_port           = each.value\n  protocol          = "tcp"\n  ipv6_cidr_blocks  = ["::/0"]\n  security_group_id = "sg-0123456789abcdef0"\n}\n';
    assert.deepEqual(linesOf(RULE, set), [7]);
  });

  it('reads the rule type and sources from each element', () => {
    const rules =
      'locals {\n  rules = {\n    in_ssh  = { type = "ingress", port = 22, cidr = "10.0.0.0/8" }\n    out_all = { type = "egress", port = 0, cidr = "0.0.0.0/0" }\n    in_db   = { type = "ingress", port = 5432, cidr = "0.0.0.0/0" }\n  }\n}\nresource "aws_security_group_rule" "r" {\n  for_each          = local.rules\n  type              = each.value.type\n  from_port         = each.value.port\n  to_port           = each.value.port\n  protocol          = "tcp"\n  cidr_blocks       = [each.value.cidr]\n  security_group_id = "sg-0123456789abcdef0"\n}\n';
    const found = hits(rules);
    assert.deepEqual(found.map((h) => h.line), [14]);
    assert.match(found[0]!.message, /5432\/tcp/);
    assert.doesNotMatch(found[0]!.message, /22\/tcp/);
  });

  it('reads a security group with for_each whose dynamic block iterates over each.value', () => {
    const source =
      'resource "aws_security_group" "g" {\n  for_each = { web = [443], admin = [22, 3389] }\n  name     = each.key\n  dynamic "ingress" {\n    for_each = each.value\n    content {\n      from_port   = ingress.value\n      to_port     = ingress.value\n      protocol    = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n';
    const found = hits(source);
    assert.deepEqual(found.map((h) => h.line), [10]);
    assert.match(found[0]!.message, /22\/tcp \(SSH\), 3389/);
  });

  it('reads a count; a count of 0 makes nothing, an unreadable one is read as the resource written', () => {
    const counted = (count: string) =>
      `variable "n" {}\nresource "aws_security_group_rule" "r" {\n  count             = ${count}\n  type              = "ingress"\n  from_port         = 22\n  to_port           = 22\n  protocol          = "tcp"\n  cidr_blocks       = ["0.0.0.0/0"]\n  security_group_id = "sg-0123456789abcdef0"\n}\n`;
    assert.deepEqual(linesOf(RULE, counted('2')), [8], 'two identical instances, one finding');
    assert.deepEqual(linesOf(RULE, counted('0')), []);
    assert.deepEqual(linesOf(RULE, counted('var.n')), [8]);
    assert.deepEqual(linesOf(RULE, counted('length(["a", "b"])')), [8]);
  });
});

describe('Terraform evaluation: bound names and length()', () => {
  const exprOf = (text: string) => {
    const input = readTerraform(`locals {\n  x = ${text}\n}\n`, () => {});
    assert.ok(input);
    return input.scope.local('x');
  };

  it('reads a bound name with its attributes and indexes, and nothing else', () => {
    const scope: Scope = { variable: () => undefined, local: () => undefined, bound: (n) => (n === 'ingress' ? { key: 0, value: { port: 22, cidrs: ['0.0.0.0/0'] } } : undefined) };
    assert.equal(evaluate(exprOf('ingress.value.port'), scope), 22);
    assert.equal(evaluate(exprOf('ingress.value["cidrs"][0]'), scope), '0.0.0.0/0');
    assert.equal(evaluate(exprOf('ingress.key'), scope), 0);
    assert.equal(evaluate(exprOf('ingress.value.missing'), scope), UNKNOWN);
    assert.equal(evaluate(exprOf('egress.value'), scope), UNKNOWN);
    assert.equal(evaluate(exprOf('ingress.value.port')), UNKNOWN, 'unbound without a scope that binds it');
  });

  it('counts lists, maps and strings', () => {
    assert.equal(evaluate(exprOf('length([1, 2, 3])')), 3);
    assert.equal(evaluate(exprOf('length({ a = 1 })')), 1);
    assert.equal(evaluate(exprOf('length("abc")')), 3);
    assert.equal(evaluate(exprOf('length(var.unknown)')), UNKNOWN);
  });
});

describe('Terraform network rules: spot instance requests', () => {
  it('reports a public IP on a spot instance request like on an instance', () => {
    const spot = (extra: string) => `resource "aws_spot_instance_request" "s" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n${extra}}\n`;
    assert.deepEqual(linesOf('iac/tf-aws-ec2-public-ip', spot('  subnet_id = "subnet-0123456789abcdef0"\n  associate_public_ip_address = true\n')), [5]);
    assert.deepEqual(linesOf('iac/tf-aws-ec2-public-ip', spot('  subnet_id = "subnet-0123456789abcdef0"\n')), []);
  });
});

describe('Terraform network rules: hostile for_each', () => {
  // A hang guard: analysed in a worker that must finish within a minute. It takes well under a
  // second; reading the 2 million elements, each evaluating 2^40 values, would take hours.
  it('bounds the work of reading every element, even when each one is expensive to evaluate', async () => {
    const elements = Array.from({ length: 256 }, (_, i) => i).join(', ');
    const lines = ['locals {', '  l0 = "0.0.0.0/0"'];
    for (let i = 1; i <= 40; i++) lines.push(`  l${i} = [local.l${i - 1}, local.l${i - 1}]`);
    lines.push('}');
    for (let r = 0; r < 30; r++)
      lines.push(
        `resource "aws_security_group" "g${r}" {\n  for_each = toset([${elements}])\n  dynamic "ingress" {\n    for_each = [${elements}]\n    content {\n      from_port   = ingress.value\n      to_port     = each.value\n      protocol    = "tcp"\n      cidr_blocks = [local.l40, ingress.value]\n    }\n  }\n}`,
      );
    const found = await finishesWithin<ScannerFinding[]>(60_000, new URL('../../helpers/iac-lines.ts', import.meta.url), 'findingsOf', RULE, lines.join('\n') + '\n');
    assert.deepEqual(found, []);
  });
});

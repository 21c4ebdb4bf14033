import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../../../src/scanners/iac/terraform/hcl/ast.js';
import { EMPTY_SCOPE, UNKNOWN, evaluate } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { parseHcl } from '../../../src/scanners/iac/terraform/hcl/parser.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { policies } from '../../../src/scanners/iac/terraform/policy.js';
import { finishesWithin } from '../../helpers/hang-guard.js';

const SOURCE = [
  '# comment',
  'terraform {',
  '  required_version = ">= 1.5"',
  '}',
  '',
  '/* a block',
  '   comment */',
  'resource "aws_s3_bucket" "logs" {',
  '  bucket = "${var.env}-logs" // trailing',
  '  tags = {',
  '    Name              = "logs"',
  '    "kubernetes.io/x" = 1.5e3',
  '  }',
  '  count  = var.enabled ? 1 : 0',
  '  list   = [for s in var.subnets : s.id if s.public]',
  '  obj    = { for k, v in var.m : k => upper(v)... }',
  '  ids    = aws_instance.web[*].id',
  '  legacy = aws_instance.web.0.id',
  '  math   = !var.a && (1 + 2 * 3 >= 4) || -var.b < 0',
  '  multi  = [',
  '    "a",',
  '    "b",',
  '  ]',
  '  policy = <<EOF',
  '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "${aws_s3_bucket.b.arn}"}]}',
  'EOF',
  '  flush = <<-EOT',
  '    hello ${var.name}',
  '      indented',
  '    EOT',
  '  escaped = "a\\"b\\u00e9 $${literal}"',
  '  fn      = provider::aws::arn_parse("arn:aws:s3:::x")',
  '  ingress { from_port = 22 }',
  '  dynamic "ingress" {',
  '    for_each = var.rules',
  '    content {',
  '      cidr_blocks = ingress.value.cidrs',
  '    }',
  '  }',
  '}',
  '',
].join('\n');

function attr(name: string): Expr {
  const block = parseHcl(SOURCE).body.blocks[1]!;
  return block.body.attributes.find((a) => a.name === name)!.expr;
}

describe('HCL2 parser', () => {
  it('reads blocks, attributes and every expression form with their lines', () => {
    const file = parseHcl(SOURCE);
    assert.deepEqual(file.problems, []);
    const [terraform, bucket] = file.body.blocks;
    assert.equal(terraform!.type, 'terraform');
    assert.deepEqual(bucket!.labels, ['aws_s3_bucket', 'logs']);
    assert.equal(bucket!.line, 8);
    assert.equal(bucket!.endLine, 40);
    const kinds = Object.fromEntries(bucket!.body.attributes.map((a) => [a.name, a.expr.kind]));
    assert.deepEqual(kinds, {
      bucket: 'template',
      tags: 'object',
      count: 'conditional',
      list: 'for',
      obj: 'for',
      ids: 'splat',
      legacy: 'traversal',
      math: 'binary',
      multi: 'tuple',
      policy: 'template',
      flush: 'template',
      escaped: 'template',
      fn: 'call',
    });
    assert.equal(bucket!.body.attributes.find((a) => a.name === 'policy')!.line, 24);
    assert.deepEqual(
      bucket!.body.blocks.map((b) => [b.type, b.line]),
      [
        ['ingress', 33],
        ['dynamic', 34],
      ],
    );
  });

  it('reads a call whose ( is on the next line inside brackets, where new lines do not count', () => {
    const parsed = parseHcl('locals {\n  a = [\n    upper\n    ("x")\n  ]\n  b = (\n    lower\n    ("Y")\n  )\n}\n');
    assert.deepEqual(parsed.problems, []);
    const locals = parsed.body.blocks[0]!.body.attributes;
    assert.deepEqual(evaluate(locals[0]!.expr, EMPTY_SCOPE), ['X']);
    assert.equal(evaluate(locals[1]!.expr, EMPTY_SCOPE), 'y');
    // Outside brackets a new line ends the attribute.
    assert.ok(parseHcl('a = upper\n("x")\n').problems.length > 0);
  });

  it('reads identifiers of Unicode letters, as HCL does (ID_Start, then ID_Continue or -)', () => {
    const parsed = parseHcl('locals {\n  π      = 3.14159\n  größe  = "xl"\n  naïve-x = local.größe\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.body.blocks[0]!.body.attributes.map((a) => a.name), ['π', 'größe', 'naïve-x']);
    assert.equal(parsed.body.blocks.length, 2);
    // A character that is no letter is still an error.
    assert.match(parseHcl('locals {\n  a = 1 § 2\n}\n').problems[0]?.message ?? '', /unexpected character/);
  });

  it('keeps interpolations as text and decodes escapes', () => {
    const bucket = attr('bucket');
    assert.equal(bucket.kind === 'template' && bucket.text, '${var.env}-logs');
    const flush = attr('flush');
    assert.equal(flush.kind === 'template' && flush.text, 'hello ${var.name}\n  indented\n');
    assert.equal(evaluate(attr('escaped')), 'a"bé ${literal}');
    const legacy = attr('legacy');
    assert.deepEqual(legacy.kind === 'traversal' && legacy.path, ['aws_instance', 'web', '[0]', 'id']);
  });

  it('evaluates what the file alone decides and nothing more', () => {
    assert.deepEqual(evaluate(attr('tags')), { Name: 'logs', 'kubernetes.io/x': 1500 });
    assert.deepEqual(evaluate(attr('multi')), ['a', 'b']);
    assert.equal(evaluate(attr('count'), EMPTY_SCOPE), UNKNOWN);
    const tf = readTerraform(
      'variable "enabled" {\n  default = true\n}\nlocals {\n  name = "x-${var.enabled}"\n}\nresource "a" "b" {\n  n = var.enabled ? local.name : "no"\n}\n',
      () => {},
    )!;
    const n = tf.resources[0]!.block.body.attributes[0]!.expr;
    assert.equal(evaluate(n, tf.scope), 'x-true');
  });

  it('evaluates element (wrapping around) and lookup (with its default)', () => {
    const tf = readTerraform(
      'variable "rules" {\n  default = [["ssh", 22], ["rdp", 3389]]\n}\nvariable "ports" {\n  default = { web = 443 }\n}\nresource "a" "b" {\n  p = element(var.rules[1], 1)\n  w = element(["a", "b"], 3)\n  l = lookup(var.ports, "web", 80)\n  d = lookup(var.ports, "db", 5432)\n  u = lookup(var.ports, "db")\n}\n',
      () => {},
    )!;
    const values = tf.resources[0]!.block.body.attributes.map((a) => evaluate(a.expr, tf.scope));
    assert.deepEqual(values, [3389, 'b', 443, 5432, UNKNOWN]);
  });

  it('reads policies from heredoc JSON, jsonencode and policy documents', () => {
    const tf = readTerraform(
      'resource "aws_iam_policy" "a" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }] })\n}\n' +
        'data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["iam:PassRole"]\n    resources = ["*"]\n    principals {\n      type        = "AWS"\n      identifiers = ["*"]\n    }\n  }\n}\n' +
        'resource "aws_iam_role_policy" "r" {\n  policy = data.aws_iam_policy_document.d.json\n}\n' +
        'resource "aws_iam_policy" "h" {\n  policy = <<EOF\n{"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "${var.arn}"}}\nEOF\n}\n',
      () => {},
    )!;
    const found = [...policies(tf)].map((p) => [p.resource.address, p.line, p.statements[0]?.actions.join(','), p.statements[0]?.principals.join(',')]);
    assert.deepEqual(found, [
      ['aws_iam_policy.a', 2, 's3:*', ''],
      ['aws_iam_role_policy.r', 15, 'iam:PassRole', '*'],
      ['aws_iam_policy.h', 18, 'ec2:*', ''],
    ]);
  });

  it('reports syntax errors with their line and keeps the blocks around them', () => {
    const file = parseHcl('resource "x" "y" {\n  a = \n}\nresource "z" "w" {\n  b = "ok"\n}\n');
    assert.equal(file.problems[0]!.line, 2);
    assert.ok(file.body.blocks.some((b) => b.labels[0] === 'z'));
    const unterminated = parseHcl('resource "a" "b" {\n  x = "ok"\n}\nresource "c" "d" {\n  y = "never closed\n}\n');
    assert.equal(unterminated.problems[0]!.line, 5);
    assert.equal(unterminated.body.blocks[0]!.labels[0], 'a');
    for (const bad of ['}', 'a = [1, 2', 'resource "x" {', 'a = {\n b = ', 'x = <<EOF\nno end', '\u0000\u0001', 'a = "${', 'a = 1 b = 2']) {
      const result = parseHcl(bad);
      assert.ok(result.problems.length > 0, JSON.stringify(bad));
      assert.ok(result.problems.every((p) => p.line >= 1));
    }
  });

  it('bounds nesting depth and input size', () => {
    const deep = parseHcl(`a = ${'['.repeat(400)}${']'.repeat(400)}\n`);
    assert.match(deep.problems[0]!.message, /nested deeper/);
    // Unary operators nest too: 10,000 of them overflowed the stack (a contained exception with no line).
    for (const op of ['!', '-']) {
      const unary = parseHcl(`a = 1\nb = ${op.repeat(10_000)}1\n`);
      assert.equal(unary.problems[0]?.line, 2);
      assert.match(unary.problems[0]!.message, /nested deeper/);
    }
    assert.equal(parseHcl('a = !!true\nb = --1\n').problems.length, 0);
    const big = parseHcl('a = 1\n', { maxChars: 2, maxDepth: 10 });
    assert.match(big.problems[0]!.message, /larger than/);
  });

  // A hang guard: parsed in a worker that must finish within a minute. It takes well under a second;
  // copying the path at each step (quadratic: 15 s for 40,000 steps) would take several minutes.
  it('reads a traversal of many steps in time linear in them', async () => {
    const steps = 120_000;
    const long = await finishesWithin<ReturnType<typeof parseHcl>>(60_000, new URL('../../../src/scanners/iac/terraform/hcl/parser.ts', import.meta.url), 'parseHcl', `a = local.x${'[0]'.repeat(steps)}${'.b'.repeat(steps)}[var.i]\n`);
    const chain = long.body.attributes[0]!.expr;
    assert.ok(chain.kind === 'traversal' && chain.path.length === 2 * steps + 3 && chain.indexes?.length === 1);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Attribute, Block, Expr } from '../../../src/scanners/iac/terraform/hcl/ast.js';
import { parseHcl } from '../../../src/scanners/iac/terraform/hcl/parser.js';
import { fixturePath } from '../../helpers/paths.js';

const attribute = (block: Block, name: string): Attribute => block.body.attributes.find((a) => a.name === name)!;
const nested = (block: Block, ...types: string[]): Block => types.reduce((b, type) => b.body.blocks.find((c) => c.type === type)!, block);

describe('terraform HCL: new lines inside brackets', () => {
  const parsed = parseHcl(readFileSync(fixturePath('iac', 'tf-newlines', 'main.tf'), 'utf8'));
  const pool = parsed.body.blocks[0]!;

  it('reads a traversal that goes on on the next line inside parentheses', () => {
    assert.deepEqual(parsed.problems, []);
    const enabled = attribute(nested(pool, 'node_config', 'containerd_config', 'private_registry_access_config'), 'enabled');
    assert.equal(enabled.line, 6);
    assert.equal(enabled.endLine, 14);
    // (length(try(<traversal>, [])) > 0)
    const paren = enabled.expr as Extract<Expr, { kind: 'paren' }>;
    const comparison = paren.expr as Extract<Expr, { kind: 'binary' }>;
    const length = comparison.left as Extract<Expr, { kind: 'call' }>;
    const tryCall = length.args[0] as Extract<Expr, { kind: 'call' }>;
    const traversal = tryCall.args[0] as Extract<Expr, { kind: 'traversal' }>;
    assert.equal(traversal.kind, 'traversal');
    assert.deepEqual(traversal.path, ['var', 'node_config', 'containerd_config', 'private_registry_access_config', '["domains"]', 'certificate_authority_domain_config']);
    assert.deepEqual([traversal.line, traversal.endLine], [8, 11]);
  });

  it('reads a splat that goes on on the next line, and keeps new lines between the items of an object', () => {
    const ids = attribute(pool, 'ids').expr as Extract<Expr, { kind: 'paren' }>;
    assert.equal(ids.expr.kind, 'splat');
    assert.deepEqual((ids.expr as Extract<Expr, { kind: 'splat' }>).path, ['id']);
    const labels = attribute(pool, 'labels').expr as Extract<Expr, { kind: 'object' }>;
    assert.deepEqual(labels.items.map((item) => [item.keyName, item.line]), [['team', 21], ['tier', 22]]);
    assert.equal(attribute(pool, 'after').line, 24);
  });

  it('still ends an attribute at a new line outside brackets', () => {
    const broken = parseHcl('resource "x" "y" {\n  a = var.b\n  .c\n}\n');
    assert.equal(broken.problems.length > 0, true);
  });
});

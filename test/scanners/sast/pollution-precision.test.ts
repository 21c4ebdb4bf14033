import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { sastScanner } from '../../../src/scanners/sast/index.js';
import { returnsFreshContainer } from '../../../src/scanners/sast/analysis/ast-utils.js';
import { isParseFailure, parseSource, type AstNode } from '../../../src/scanners/sast/source/parse.js';
import { fixturePath } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';

/** The first function declaration of a snippet. */
function firstFunction(text: string): AstNode {
  const parsed = parseSource('x.js', text);
  if (isParseFailure(parsed)) throw new Error(parsed.message);
  const fn = parsed.program.body.find((n: AstNode) => n.type === 'FunctionDeclaration');
  assert.ok(fn, 'a function declaration');
  return fn;
}

describe('sast prototype pollution: one finding per flow', () => {
  it('reports the write of the value and names the recursive merge writes it stands for', async () => {
    const result = await runScan({ target: fixturePath('sast', 'merge-recursion'), scanners: ['sast'], scannerSet: [sastScanner] });
    const deepMerge = result.findings.filter((f) => f.ruleId === 'sast/prototype-pollution' && f.location.startLine >= 10 && f.location.startLine <= 22);
    assert.deepEqual(deepMerge.map((f) => f.location.startLine), [14]);
    const finding = deepMerge[0]!;
    assert.deepEqual((finding.related ?? []).map((l) => l.startLine), [17, 20]);
    assert.match(finding.message, /writes the recursive call's result to this target at lines 17 and 20\.$/);
    // Nothing stands for the recursion's write when the function writes no value of its own to the target.
    assert.ok(result.findings.some((f) => f.location.startLine === 30 && f.related === undefined));
  });

  it('keeps a finding per write when the writes do not belong to one recursion', async () => {
    const tree = tempTree({
      'package.json': JSON.stringify({ name: 'two-writes', version: '1.0.0', main: 'index.js' }),
      'index.js': [
        'function set(obj, a, b, v) {',
        '  const o = obj[a];',
        '  if (Array.isArray(v)) o[b] = v.concat([]);',
        '  else o[b] = v;',
        '  return obj;',
        '}',
        'module.exports = set;',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: tree.dir, scanners: ['sast'], scannerSet: [sastScanner] });
      const lines = result.findings.filter((f) => f.ruleId === 'sast/prototype-pollution').map((f) => f.location.startLine);
      assert.deepEqual(lines, [3, 4]);
    } finally {
      tree.cleanup();
    }
  });
});

describe('returnsFreshContainer', () => {
  it('holds for helpers that only return empty objects or arrays', () => {
    assert.equal(returnsFreshContainer(firstFunction('function f(k) { return /^\\d+$/.test(k) ? [] : {}; }')), true);
    assert.equal(returnsFreshContainer(firstFunction('function f(k) { if (k) return []; return {}; }')), true);
  });

  it('does not hold for helpers that may return data or nothing', () => {
    assert.equal(returnsFreshContainer(firstFunction('function f(k) { return k ? {} : k; }')), false);
    assert.equal(returnsFreshContainer(firstFunction('function f(k) { return { k }; }')), false);
    assert.equal(returnsFreshContainer(firstFunction('function f(k) { if (k) return {}; }')), true);
    assert.equal(returnsFreshContainer(firstFunction('function f(k) { k.x = 1; }')), false);
    // Returns of nested functions are theirs, not the helper's.
    assert.equal(returnsFreshContainer(firstFunction('function f(k) { const g = () => { return k; }; return []; }')), true);
  });
});

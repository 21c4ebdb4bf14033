import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSuppression, parseSuppressions } from '../../src/core/suppression.js';

test('parses rule, reason and comment styles', () => {
  const text = [
    'a() // secloop-ignore sast/command-injection -- input is a constant',
    '# secloop-ignore secrets/* -- test fixture',
    '/* secloop-ignore iac/root-user -- base image needs it */',
    '<!-- secloop-ignore sast/xss -- escaped upstream -->',
    '// secloop-ignore sast/xss',
    'nothing here',
  ].join('\n');
  assert.deepEqual(parseSuppressions(text), [
    { line: 1, pattern: 'sast/command-injection', reason: 'input is a constant' },
    { line: 2, pattern: 'secrets/*', reason: 'test fixture' },
    { line: 3, pattern: 'iac/root-user', reason: 'base image needs it' },
    { line: 4, pattern: 'sast/xss', reason: 'escaped upstream' },
    { line: 5, pattern: 'sast/xss', reason: null },
  ]);
});

test('applies to the same line or the line below, and to matching rules only', () => {
  const list = parseSuppressions('// secloop-ignore secrets/* -- fixture\nkey = 1\n\nkey = 2');
  assert.ok(findSuppression(list, 'secrets/aws', 1));
  assert.ok(findSuppression(list, 'secrets/aws', 2));
  assert.equal(findSuppression(list, 'secrets/aws', 4), undefined);
  assert.equal(findSuppression(list, 'sast/xss', 2), undefined);
});

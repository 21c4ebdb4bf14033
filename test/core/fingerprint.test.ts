import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintAll, lineHash } from '../../src/core/fingerprint.js';

test('fingerprints do not depend on line numbers', () => {
  const [a] = fingerprintAll([{ ruleId: 'r', path: 'a.js', key: 'exec(cmd)', line: 10 }]);
  const [b] = fingerprintAll([{ ruleId: 'r', path: 'a.js', key: 'exec(cmd)', line: 25 }]);
  assert.equal(a, b);
});

test('identical lines get distinct fingerprints by occurrence, in line order', () => {
  const fps = fingerprintAll([
    { ruleId: 'r', path: 'a.js', key: 'x', line: 30 },
    { ruleId: 'r', path: 'a.js', key: 'x', line: 5 },
  ]);
  assert.notEqual(fps[0], fps[1]);
  const [first] = fingerprintAll([{ ruleId: 'r', path: 'a.js', key: 'x', line: 2 }]);
  assert.equal(fps[1], first, 'the earlier line is occurrence 0');
});

test('rule, path and key all matter', () => {
  const base = { ruleId: 'r', path: 'a.js', key: 'x', line: 1 };
  const [fp] = fingerprintAll([base]);
  assert.notEqual(fingerprintAll([{ ...base, ruleId: 's' }])[0], fp);
  assert.notEqual(fingerprintAll([{ ...base, path: 'b.js' }])[0], fp);
  assert.notEqual(fingerprintAll([{ ...base, key: 'y' }])[0], fp);
  assert.match(fp!, /^[0-9a-f]{32}$/);
});

test('line hash ignores whitespace changes', () => {
  assert.equal(lineHash('  a   b ', 0), lineHash('a b', 0));
  assert.match(lineHash('a', 1), /:2$/);
});

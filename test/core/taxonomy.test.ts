import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { owaspFor, owaspTitle } from '../../src/core/taxonomy.js';
import { OWASP_TOP10 } from '../../src/core/owasp-top10-data.js';
import { sharedDataPath } from '../helpers/paths.js';

test('examples from the issue hold', () => {
  assert.deepEqual(owaspFor(['CWE-78']), ['A03:2021', 'A05:2025']);
  assert.ok(owaspFor(['CWE-798']).includes('A07:2021'));
  assert.deepEqual(owaspFor(['CWE-918']), ['A10:2021', 'A01:2025']);
  assert.deepEqual(owaspFor(['CWE-1104']), ['A06:2021', 'A03:2025']);
});

test('CWEs OWASP does not list map through their parent', () => {
  assert.deepEqual(owaspFor(['CWE-1321']), owaspFor(['CWE-915']));
  assert.deepEqual(owaspFor(['CWE-1321']), ['A08:2021', 'A08:2025']);
  assert.deepEqual(owaspFor(['CWE-943']), ['A03:2021', 'A05:2025']);
  assert.deepEqual(owaspFor(['CWE-250']), owaspFor(['CWE-269']));
});

test('unknown and malformed CWEs map to nothing', () => {
  assert.deepEqual(owaspFor(['CWE-999999', 'nonsense', '']), []);
});

test('titles', () => {
  assert.equal(owaspTitle('A03:2021'), 'Injection');
  assert.equal(owaspTitle('A03:2025'), 'Software Supply Chain Failures');
  assert.equal(owaspTitle('A11:2021'), undefined);
});

test('the table equals the published lists kept in shared/data', () => {
  const published = JSON.parse(readFileSync(sharedDataPath('owasp-top10-cwe.json'), 'utf8')) as {
    editions: Record<string, Record<string, { title: string; cwes: string[] }>>;
  };
  for (const edition of ['2021', '2025'] as const) {
    const ours = Object.fromEntries(OWASP_TOP10[edition].map((c) => [c.id, { title: c.title, cwes: c.cwes.map((n) => `CWE-${n}`) }]));
    assert.deepEqual(ours, published.editions[edition]);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTestCode, isTestCodeFinding, tagTestCode, TEST_CODE_CONVENTIONS, TEST_CODE_TAG } from '../../src/core/code-kind.js';

test('every convention has positive and negative examples, and they hold', () => {
  for (const convention of TEST_CODE_CONVENTIONS) {
    assert.ok(convention.examples.positive.length > 0 && convention.examples.negative.length > 0, convention.description);
    for (const path of convention.examples.positive) assert.equal(isTestCode(path), true, `${convention.description}: ${path} is test code`);
    for (const path of convention.examples.negative) assert.equal(isTestCode(path), false, `${convention.description}: ${path} is not test code`);
  }
});

test('test code by directory or file name, across ecosystems', () => {
  for (const path of [
    'test/a.js',
    'lib/tests/deep/b.ts',
    'packages/x/__tests__/c.jsx',
    'spec/d.rb',
    'app/specs/e.js',
    'internal/testdata/f.yaml',
    'test/fixtures/sca/package-lock.json',
    'src/__fixtures__/g.json',
    'e2e/h.spec.ts',
    'src/__mocks__/i.js',
    'src/j.test.mjs',
    'src/k.spec.tsx',
    'l_test.go',
    'test_m.py',
    'n_test.py',
    'conftest.py',
    'OTest.java',
    'p_spec.rb',
    'TEST/q.c',
  ]) {
    assert.equal(isTestCode(path), true, path);
  }
});

test('look-alike names are not test code', () => {
  for (const path of [
    'src/latest/x.js',
    'contest/a.js',
    'attestation.ts',
    'src/attest.ts',
    'protest.py',
    'test.py',
    'testing/x.go',
    'src/testutils.js',
    'respect/x.js',
    'specification/x.md',
    'e2ee/x.ts',
    'src/fixture/x.json',
    'mocks/x.js',
    'Contest.java',
    'Test.java',
    'inspect.rb',
    'latest.go',
    '.test.js',
    'test',
    '',
  ]) {
    assert.equal(isTestCode(path), false, path);
  }
});

test('the tag is added to existing tags once, and only for test code', () => {
  assert.deepEqual(tagTestCode({ a: 1 }, 'test/x.js'), { a: 1, tags: [TEST_CODE_TAG] });
  assert.deepEqual(tagTestCode({ tags: ['x'] }, 'test/x.js'), { tags: ['x', TEST_CODE_TAG] });
  assert.deepEqual(tagTestCode({ tags: [TEST_CODE_TAG] }, 'test/x.js'), { tags: [TEST_CODE_TAG] });
  const untouched = { tags: ['x'] };
  assert.equal(tagTestCode(untouched, 'src/x.js'), untouched);
  assert.equal(isTestCodeFinding({ properties: tagTestCode({}, 'x_test.go') }), true);
  assert.equal(isTestCodeFinding({ properties: { tags: 'test-code' } }), false);
  assert.equal(isTestCodeFinding({ properties: {} }), false);
});

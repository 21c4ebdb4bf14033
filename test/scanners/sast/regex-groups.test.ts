import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureCleaning, cleans } from '../../../src/scanners/sast/models/regex-groups.js';
import { testedClean } from '../../../src/scanners/sast/models/guards.js';

test('capture groups of word characters are clean for commands, paths and code, never for prototype keys', () => {
  const [, digits] = captureCleaning('^\\/users\\/(\\d+)$')!;
  for (const cls of ['command', 'path', 'code', 'sql', 'xss'] as const) assert.ok(cleans(digits!, cls), cls);
  assert.ok(!cleans(digits!, 'prototype'));
  assert.ok(!cleans(digits!, 'nosql'));
});

test('a dot keeps paths and request hosts open; a dollar keeps shell and SQL open', () => {
  const [, dotted] = captureCleaning('^([\\w.-]+)$')!;
  assert.ok(!cleans(dotted!, 'path'));
  assert.ok(!cleans(dotted!, 'ssrf'));
  assert.ok(cleans(dotted!, 'command'));
  const [, ident] = captureCleaning('^([a-zA-Z_$][0-9a-zA-Z_$]*)$')!;
  assert.ok(cleans(ident!, 'code'));
  assert.ok(!cleans(ident!, 'command'));
  assert.ok(!cleans(ident!, 'sql'));
});

test('groups that may hold anything clean nothing; groups are numbered as JavaScript numbers them', () => {
  const masks = captureCleaning('^\\/r\\/(?:v1|v2)\\/([a-z]+)\\/(.*)\\/(?<id>[0-9]{1,6})$')!;
  assert.equal(masks.length, 4);
  assert.ok(cleans(masks[1]!, 'path'));
  assert.equal(masks[2], 0);
  assert.ok(cleans(masks[3]!, 'command'));
  for (const p of ['([^/]+)', '(\\s+)', '((\\w)\\2)', '([!-~]+)', '(a b)']) assert.equal(captureCleaning(p)![1], 0, p);
  for (const p of ['(unclosed', 'a)b', '[abc']) assert.equal(captureCleaning(p), undefined, p);
});

test('a passing /^…$/.test() cleans what its characters cannot express', () => {
  assert.ok(cleans(testedClean('^[a-z0-9_-]+$'), 'path'));
  assert.ok(!cleans(testedClean('^[\\w.-]+$'), 'path'));
  assert.ok(!cleans(testedClean('^\\w+$'), 'prototype'));
  assert.equal(testedClean('^[a-z]+'), 0);
  const scoped = testedClean('^(@[\\w-]+\\/)?pkg-(one|two)-[\\w-]+$');
  assert.ok(cleans(scoped, 'command'));
  assert.ok(!cleans(scoped, 'path'), 'a slash still climbs directories');
  assert.ok(!cleans(scoped, 'ssrf'));
  assert.equal(testedClean('^a|[\\s\\S]*$'), 0, 'a top-level alternative escapes an anchor');
});

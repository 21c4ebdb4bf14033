import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileKind } from '../../../src/scanners/secrets/file-kind.js';

test('a file extension named like an Object property is an ordinary extension', () => {
  for (const name of ['a.constructor', 'b.__proto__', 'c.toString', 'd.hasOwnProperty']) assert.equal(fileKind(name), 'other', name);
  assert.equal(fileKind('config.yaml'), fileKind('x.yml'));
});

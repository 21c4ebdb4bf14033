import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileKind } from '../../../src/scanners/secrets/file-kind.js';

test('a file extension named like an Object property is an ordinary extension', () => {
  for (const name of ['a.constructor', 'b.__proto__', 'c.toString', 'd.hasOwnProperty']) assert.equal(fileKind(name), 'other', name);
  assert.equal(fileKind('config.yaml'), fileKind('x.yml'));
});

test('a GraphQL schema or query is code: its values are quoted, a bare word after a field is a type', () => {
  for (const name of ['schema.graphql', 'api/schema.graphqls', 'queries/user.gql']) assert.equal(fileKind(name), 'code', name);
});

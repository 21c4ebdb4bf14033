import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeldParses } from '../../../src/scanners/iac/held-parses.js';

test('a held parse is given only for the text it was made from, and let go by take', () => {
  const parses = new HeldParses<string>();
  parses.hold('a.yaml', 'x: 1', 'parse of x: 1');
  assert.equal(parses.get('a.yaml', 'x: 2'), undefined);
  assert.equal(parses.get('a.yaml', 'x: 1'), 'parse of x: 1');
  assert.equal(parses.heldChars, 4);
  // take lets go of the held parse even when its text differs.
  assert.equal(parses.take('a.yaml', 'x: 2'), undefined);
  assert.equal(parses.has('a.yaml'), false);
  assert.equal(parses.heldChars, 0);
});

test('parses past the budget are not held, and a new text replaces the old one', () => {
  const parses = new HeldParses<string>(10);
  parses.hold('a', '123456', 'A');
  parses.hold('b', '12345', 'B');
  assert.equal(parses.has('b'), false);
  assert.equal(parses.heldChars, 6);
  parses.hold('a', '1234567890', 'A2');
  assert.equal(parses.get('a', '1234567890'), 'A2');
  assert.equal(parses.heldChars, 10);
  assert.equal(parses.mostHeldChars, 10);
  parses.release('a');
  assert.equal(parses.heldChars, 0);
});

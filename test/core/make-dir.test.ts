import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { makeDir } from '../../src/core/make-dir.js';
import { tempTree } from '../helpers/tmp.js';

test('creates every missing folder, and is a no-op for an existing one', () => {
  const t = tempTree({});
  try {
    const deep = path.join(t.dir, 'a', 'b', 'c');
    makeDir(deep, 0o700);
    assert.ok(statSync(deep).isDirectory());
    assert.equal(statSync(path.join(t.dir, 'a')).mode & 0o777, 0o700);
    makeDir(deep);
  } finally {
    t.cleanup();
  }
});

test('fails at once where Node recursive mkdir would loop forever (/proc)', { skip: process.platform !== 'linux' }, () => {
  assert.throws(() => makeDir('/proc/secloop-test/x'), (e: NodeJS.ErrnoException) => typeof e.code === 'string');
});

test('a file in the way is an error, not a hang', () => {
  const t = tempTree({ file: 'x' });
  try {
    assert.throws(() => makeDir(path.join(t.dir, 'file', 'sub')));
  } finally {
    t.cleanup();
  }
});

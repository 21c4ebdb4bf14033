import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';

test('keygen creates a missing key folder, private to its owner (the README walk-through starts this way)', () => {
  const t = tempTree({});
  try {
    const key = path.join(t.dir, 'keys', 'owner');
    const run = runCli(['keygen', key]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(statSync(path.dirname(key)).mode & 0o777, 0o700);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(statSync(`${key}.pub`).mode & 0o777, 0o644);
    assert.equal(runCli(['keygen', key]).status, 2, 'an existing key is not overwritten');
  } finally {
    t.cleanup();
  }
});

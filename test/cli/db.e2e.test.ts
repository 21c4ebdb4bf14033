import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';

test('db update with no reachable source is one line and exit 2, not a stack trace', () => {
  const t = tempTree({});
  try {
    // Nothing listens on port 9 of the loopback address: the download is refused at once.
    const run = runCli(['db', 'update', '--ecosystems', 'npm', '--dir', t.dir], { env: { SECLOOP_OSV_DB_URL: 'http://127.0.0.1:9' } });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.match(run.stderr, /^secloop: could not update the local OSV database/);
  } finally {
    t.cleanup();
  }
});

test('db status on an empty directory says how to create the database', () => {
  const t = tempTree({});
  try {
    const run = runCli(['db', 'status', '--dir', t.dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /run secloop db update/);
  } finally {
    t.cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScan } from '../../src/engine/scan.js';
import { secretsScanner } from '../../src/scanners/secrets/index.js';
import { Git, parseUnifiedZeroDiff } from '../../src/workspace/git.js';
import { commitAll, git, initRepo, tempTree } from '../helpers/tmp.js';

test('parses unified=0 hunks, including quoted paths and pure deletions', () => {
  const diff = [
    'diff --git a/src/a.js b/src/a.js',
    '--- a/src/a.js',
    '+++ b/src/a.js',
    '@@ -3,0 +4,2 @@',
    '@@ -10 +12 @@',
    '@@ -20,3 +22,0 @@',
    'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
    '--- "a/caf\\303\\251.txt"',
    '+++ "b/caf\\303\\251.txt"',
    '@@ -1 +1 @@',
  ].join('\n');
  const changed = parseUnifiedZeroDiff(diff);
  const a = changed.get('src/a.js')!;
  assert.deepEqual(a.ranges, [[4, 5], [12, 12]]);
  assert.ok(a.has(5) && a.has(12) && !a.has(6) && !a.has(22));
  assert.ok(changed.get('café.txt')?.has(1));
});

test('repository detection, blame times and history', async () => {
  const t = tempTree({ 'a.txt': 'one\n' });
  try {
    assert.equal(await Git.open(t.dir), null);
    initRepo(t.dir);
    git(t.dir, 'add', '-A');
    git(t.dir, 'commit', '-q', '-m', 'first', '--date', '2024-01-01T00:00:00Z');
    t.write('a.txt', 'one\ntwo\n');
    commitAll(t.dir, 'second');
    const repo = (await Git.open(t.dir))!;
    assert.ok(repo);
    const times = await repo.blameTimes('a.txt');
    assert.equal(times.get(1), Date.UTC(2024, 0, 1) / 1000);
    assert.ok(times.get(2)! > times.get(1)!);
    const history = await repo.history();
    assert.equal(history.length, 2);
    assert.match(history[0]!.sha, /^[0-9a-f]{40}$/);
  } finally {
    t.cleanup();
  }
});

test('a repository config cannot make secloop run programs', async () => {
  const t = tempTree({ 'a.txt': 'one\n' });
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'first');
    const marker = `${t.dir}/pwned`;
    git(t.dir, 'config', 'core.fsmonitor', `touch ${marker}`);
    git(t.dir, 'config', 'core.pager', `touch ${marker}`);
    git(t.dir, 'config', 'diff.external', `touch ${marker}`);
    t.write('a.txt', 'one\nchanged\n');
    const repo = (await Git.open(t.dir))!;
    const changed = await repo.changedLines('HEAD');
    assert.ok(changed.get('a.txt')?.has(2));
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(marker), false);
  } finally {
    t.cleanup();
  }
});

test('tracked files an ignore pattern matches are listed, and a scan of a subfolder reads them', async () => {
  const secret = ['Sup3r', 'S3cret', 'Value9'].join('');
  const t = tempTree({
    'app/.gitignore': 'kustomize\n',
    'app/kustomize/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${secret}\n`,
    'app/kustomize/local.yaml': `password: ${secret}\n`,
  });
  try {
    initRepo(t.dir);
    git(t.dir, 'add', 'app/.gitignore');
    git(t.dir, 'add', '-f', 'app/kustomize/secret.yaml');
    git(t.dir, 'commit', '-q', '-m', 'first');
    assert.deepEqual(await (await Git.open(t.dir))!.trackedButIgnored(), ['app/kustomize/secret.yaml']);
    const result = await runScan({ target: path.join(t.dir, 'app'), scannerSet: [secretsScanner] });
    assert.deepEqual([...new Set(result.findings.map((f) => f.location.path))], ['kustomize/secret.yaml']);
  } finally {
    t.cleanup();
  }
});

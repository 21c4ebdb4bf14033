import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { commitAll, initRepo, tempTree } from '../helpers/tmp.js';

test('exit 2: unknown flag, with a one-line reason and no stack trace', () => {
  const run = runCli(['scan', '--no-such-flag']);
  assert.equal(run.status, 2);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.match(run.stderr, /unknown option '--no-such-flag'/);
});

test('exit 2: bad flag values', () => {
  assert.equal(runCli(['scan', '--fail-on', 'severe']).status, 2);
  assert.equal(runCli(['scan', '--format', 'pdf']).status, 2);
  const run = runCli(['scan', '--scanners', 'secrets,magic']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /unknown scanner 'magic'/);
});

test('exit 2: bad config names the key and line', () => {
  const t = tempTree({ 'secloop.yaml': 'failOn: high\nscanners:\n  secret: true\n', 'a.txt': 'x' });
  try {
    const run = runCli(['scan', t.dir]);
    assert.equal(run.status, 2);
    assert.equal(run.stderr.trim(), "secloop: secloop.yaml:3: 'scanners.secret' is not a known setting (did you mean 'secrets'?)");
  } finally {
    t.cleanup();
  }
});

test('exit 2: missing path', () => {
  const run = runCli(['scan', '/nonexistent/secloop-path']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^secloop: path does not exist: \/nonexistent\/secloop-path\n$/);
});

test('exit 2: --config that does not exist', () => {
  const run = runCli(['scan', '.', '--config', '/nonexistent/secloop.yaml']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cannot read config/);
});

// Root reads every file, so the unreadable cases run the CLI as "nobody" when the tests run as root.
const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
// That needs a checkout "nobody" can read (not one under a private home directory).
const nobodyCanRunCli =
  process.getuid?.() !== 0 ||
  spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(cliPath)}, require('fs').constants.R_OK)`], asNobody).status === 0;

test('an unreadable file given as the path is exit 2; inside a tree it is listed and the scan goes on', {
  skip: nobodyCanRunCli ? false : 'the checkout is not readable by uid 65534, so the CLI cannot run as a non-root user here',
}, () => {
  const t = tempTree({ 'ok.txt': 'fine\n', 'secret.txt': 'hidden\n' });
  try {
    chmodSync(t.dir, 0o755);
    chmodSync(path.join(t.dir, 'ok.txt'), 0o644);
    chmodSync(path.join(t.dir, 'secret.txt'), 0o000);
    const direct = runCli(['scan', path.join(t.dir, 'secret.txt')], asNobody);
    assert.equal(direct.status, 2, direct.stderr);
    assert.match(direct.stderr, /cannot read .*secret\.txt: permission denied/);

    const tree = runCli(['scan', t.dir, '--format', 'json', '--fail-on', 'low'], asNobody);
    assert.equal(tree.status, 0, tree.stderr);
    const report = JSON.parse(tree.stdout);
    if (report.scanners.length > 0) {
      assert.deepEqual(report.skipped, [{ path: 'secret.txt', reason: 'unreadable', detail: 'EACCES' }]);
    }
  } finally {
    t.cleanup();
  }
});

test('a directory with a symlink loop is scanned, the links are listed, exit 0', () => {
  const t = tempTree({ 'a/b/file.txt': 'hello\n' });
  try {
    symlinkSync('..', path.join(t.dir, 'a', 'b', 'up'));
    symlinkSync(path.join(t.dir, 'a'), path.join(t.dir, 'a', 'b', 'loop'));
    const run = runCli(['scan', t.dir, '--format', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.skipped.map((s: { path: string }) => s.path), ['a/b/loop', 'a/b/up']);
  } finally {
    t.cleanup();
  }
});

test('exit 0 on a clean tree; text report ends with the summary', () => {
  const t = tempTree({ 'README.md': '# hello\n' });
  try {
    const run = runCli(['scan', t.dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Summary\n\s+findings:\s+0/);
  } finally {
    t.cleanup();
  }
});

test('--output and --report write files; an unwritable output is exit 2', () => {
  const t = tempTree({ 'README.md': '# hello\n' });
  try {
    const out = path.join(t.dir, 'out', 'r.sarif');
    const html = path.join(t.dir, 'out', 'r.html');
    const run = runCli(['scan', t.dir, '--format', 'sarif', '--output', out, '--report', `html=${html}`]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).version, '2.1.0');
    assert.match(readFileSync(html, 'utf8'), /<!doctype html>/);
    writeFileSync(path.join(t.dir, 'file'), '');
    const bad = runCli(['scan', t.dir, '--output', path.join(t.dir, 'file', 'x.txt')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /cannot write/);
  } finally {
    t.cleanup();
  }
});

test('--since with an unknown ref is exit 2 with a clear reason', () => {
  const t = tempTree({ 'a.txt': 'x\n' });
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'one');
    const run = runCli(['scan', t.dir, '--since', 'origin/main']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /git ref 'origin\/main' does not exist/);
    const notRepo = tempTree({ 'a.txt': 'x' });
    try {
      const outside = runCli(['scan', notRepo.dir, '--since', 'HEAD']);
      assert.equal(outside.status, 2);
      assert.match(outside.stderr, /needs a git repository/);
    } finally {
      notRepo.cleanup();
    }
  } finally {
    t.cleanup();
  }
});

test('init writes the config and CI files and keeps existing ones', () => {
  const t = tempTree({});
  try {
    const first = runCli(['init', t.dir]);
    assert.equal(first.status, 0, first.stderr);
    for (const f of ['secloop.yaml', '.github/workflows/secloop.yml', '.gitlab/secloop.gitlab-ci.yml']) assert.ok(existsSync(path.join(t.dir, f)), f);
    // The config it writes is valid, and the CI files pass secloop's own configuration checks.
    mkdirSync(path.join(t.dir, 'src'));
    assert.equal(runCli(['scan', t.dir]).status, 0);
    const iac = JSON.parse(runCli(['scan', t.dir, '--scanners', 'iac', '--format', 'json']).stdout);
    assert.deepEqual(iac.findings, []);
    assert.ok(iac.summary.filesScanned >= 2);
    const second = runCli(['init', t.dir]);
    assert.match(second.stdout, /kept \(exists; --force to replace\) secloop\.yaml/);
  } finally {
    t.cleanup();
  }
});

test('hook install writes an executable pre-commit hook and refuses to replace a foreign one', () => {
  const t = tempTree({ 'a.txt': 'x' });
  try {
    initRepo(t.dir);
    const run = runCli(['hook', 'install', t.dir]);
    assert.equal(run.status, 0, run.stderr);
    const hook = path.join(t.dir, '.git', 'hooks', 'pre-commit');
    assert.match(readFileSync(hook, 'utf8'), /scan \. --staged --quiet/);
    writeFileSync(hook, '#!/bin/sh\necho mine\n');
    const again = runCli(['hook', 'install', t.dir]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /was not written by secloop; use --force/);
  } finally {
    t.cleanup();
  }
});

test('--version and --help exit 0', () => {
  assert.equal(runCli(['--version']).status, 0);
  assert.equal(runCli(['scan', '--help']).status, 0);
});

test('an output path that cannot be created is exit 2 at once (no hang on special file systems)', () => {
  const t = tempTree({ 'a.txt': 'x\n' });
  try {
    for (const flag of ['--output', '--write-baseline']) {
      const run = runCli(['scan', t.dir, '--scanners', 'secrets', flag, '/proc/secloop-test/out.json'], { timeout: 20_000 });
      assert.equal(run.status, 2, `${flag}: ${run.stderr}`);
      assert.match(run.stderr, /cannot write \/proc\/secloop-test\/out\.json/);
    }
  } finally {
    t.cleanup();
  }
});

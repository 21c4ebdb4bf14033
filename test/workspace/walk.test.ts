import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { walk } from '../../src/workspace/walk.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { scanFileAt } from '../../src/scanners/secrets/scan-file.js';
import { tempTree } from '../helpers/tmp.js';

const options = { ignore: [], maxFileSize: 1000, skipDirs: ['.git', 'node_modules'] };

test('honours nested .gitignore and .secloopignore, deeper files win', () => {
  const t = tempTree({
    '.gitignore': '*.log\nbuild/\n',
    '.secloopignore': 'docs/generated/**\n',
    'a.js': '',
    'x.log': '',
    'build/out.js': '',
    'docs/generated/api.md': '',
    'docs/guide.md': '',
    'pkg/.gitignore': '!keep.log\n',
    'pkg/keep.log': '',
    'pkg/drop.log': '',
    'node_modules/dep/index.js': '',
  });
  try {
    const result = walk(t.dir, options);
    assert.deepEqual(
      result.files.map((f) => f.path),
      ['.gitignore', '.secloopignore', 'a.js', 'docs/guide.md', 'pkg/.gitignore', 'pkg/keep.log'],
    );
    assert.ok(result.ignoredCount >= 4);
  } finally {
    t.cleanup();
  }
});

test('a file git tracks is walked although a .gitignore matches it, as git does; .secloopignore still leaves it out', () => {
  const t = tempTree({
    '.gitignore': 'kustomize\n*.env\n',
    '.secloopignore': 'kustomize/overlays/\n',
    'kustomize/base/secret.yaml': '',
    'kustomize/base/untracked.yaml': '',
    'kustomize/overlays/prod/patch.yaml': '',
    'deploy/prod.env': '',
    'deploy/local.env': '',
  });
  try {
    const tracked = new Set(['kustomize/base/secret.yaml', 'kustomize/overlays/prod/patch.yaml', 'deploy/prod.env']);
    assert.deepEqual(
      walk(t.dir, { ...options, tracked }).files.map((f) => f.path),
      ['.gitignore', '.secloopignore', 'deploy/prod.env', 'kustomize/base/secret.yaml'],
    );
    assert.deepEqual(walk(t.dir, options).files.map((f) => f.path), ['.gitignore', '.secloopignore']);
  } finally {
    t.cleanup();
  }
});

test('a file read although ignored (a lockfile) is walked where a .gitignore leaves it out, not in ignored folders or past .secloopignore', () => {
  const t = tempTree({
    '.gitignore': 'composer.lock\n*.lock\nvendor/\n',
    '.secloopignore': 'fixtures/\n',
    'composer.lock': '',
    'notes.lock': '',
    'vendor/acme/lib/composer.lock': '',
    'fixtures/composer.lock': '',
  });
  try {
    const readIgnored = (p: string) => p.endsWith('composer.lock');
    const walked = walk(t.dir, { ...options, readIgnored }).files;
    assert.deepEqual(walked.map((f) => f.path), ['.gitignore', '.secloopignore', 'composer.lock']);
    assert.equal(walked.find((f) => f.path === 'composer.lock')?.gitIgnored, true, 'marked for the scanners that read ignored files');
    assert.deepEqual(walk(t.dir, options).files.map((f) => f.path), ['.gitignore', '.secloopignore']);
  } finally {
    t.cleanup();
  }
});

test('config ignore patterns apply from the root', () => {
  const t = tempTree({ 'vendor/a.js': '', 'src/a.js': '', 'src/vendor/b.js': '' });
  try {
    const result = walk(t.dir, { ...options, ignore: ['/vendor/'] });
    assert.deepEqual(result.files.map((f) => f.path), ['src/a.js', 'src/vendor/b.js']);
  } finally {
    t.cleanup();
  }
});

test('large, binary-by-extension, symlinked and special files are listed as skipped, never silently', () => {
  const t = tempTree({ 'big.txt': 'x'.repeat(2000), 'logo.png': 'png', 'ok.txt': 'fine', 'sub/inner.txt': 'in' });
  try {
    symlinkSync('/etc/passwd', path.join(t.dir, 'outside'));
    symlinkSync('.', path.join(t.dir, 'sub', 'loop'));
    symlinkSync('..', path.join(t.dir, 'sub', 'up'));
    const result = walk(t.dir, options);
    assert.deepEqual(result.files.map((f) => f.path), ['ok.txt', 'sub/inner.txt']);
    assert.deepEqual(
      result.skipped.map((s) => [s.path, s.reason]),
      [
        ['big.txt', 'too-large'],
        ['logo.png', 'binary'],
        ['outside', 'symlink'],
        ['sub/loop', 'symlink'],
        ['sub/up', 'symlink'],
      ],
    );
  } finally {
    t.cleanup();
  }
});

test('binary content is detected when read and recorded once', async () => {
  const t = tempTree({ 'data.txt': 'text' });
  try {
    writeFileSync(path.join(t.dir, 'blob.dat'), Buffer.from([1, 2, 0, 3]));
    const walked = walk(t.dir, options);
    const workspace = new Workspace(walked.files, walked.skipped);
    const texts = await Promise.all(workspace.files.map((f) => f.text()));
    assert.deepEqual(texts, [null, 'text']);
    await workspace.files[0]!.text();
    assert.deepEqual(workspace.skipped, [{ path: 'blob.dat', reason: 'binary' }]);
  } finally {
    t.cleanup();
  }
});

test('an unreadable directory is listed and the walk goes on', { skip: process.getuid?.() === 0 ? 'root reads everything' : false }, () => {
  const t = tempTree({ 'a.txt': 'x' });
  try {
    mkdirSync(path.join(t.dir, 'locked'), { mode: 0o000 });
    const result = walk(t.dir, options);
    assert.deepEqual(result.skipped.map((s) => [s.path, s.reason]), [['locked', 'unreadable']]);
  } finally {
    t.cleanup();
  }
});

test('text() of a large file: binary found from its first bytes, text read whole', async () => {
  const t = tempTree({ 'big.txt': `${'line of text\n'.repeat(2000)}end\n` });
  try {
    writeFileSync(path.join(t.dir, 'big.dat'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.alloc(50_000, 65)]));
    const walked = walk(t.dir, { ...options, maxFileSize: 1_000_000 });
    const workspace = new Workspace(walked.files, walked.skipped);
    const [bin, txt] = await Promise.all(workspace.files.map((f) => f.text()));
    assert.equal(bin, null);
    assert.ok(txt?.endsWith('end\n'));
    assert.equal(txt?.length, 'line of text\n'.length * 2000 + 4);
    assert.deepEqual(workspace.skipped, [{ path: 'big.dat', reason: 'binary' }]);
  } finally {
    t.cleanup();
  }
});

test('unmeasured walk (as a scan runs it): no stat per file; a file over maxFileSize is recorded as too large when opened', async () => {
  const t = tempTree({ 'small.txt': 'short\n', 'big.txt': 'x'.repeat(20_000), 'mid.txt': 'y'.repeat(9_000) });
  try {
    const walked = walk(t.dir, { ...options, maxFileSize: 10_000, measure: false });
    assert.deepEqual(walked.files.map((f) => [f.path, f.size]), [['big.txt', undefined], ['mid.txt', undefined], ['small.txt', undefined]]);
    assert.deepEqual(walked.skipped, []);
    const workspace = new Workspace(walked.files, walked.skipped, { maxFileSize: 10_000 });
    const [big, mid, small] = workspace.files;
    assert.equal(await big!.text(), null);
    await assert.rejects(big!.read(), /20000 bytes > maxFileSize 10000/);
    assert.equal((await mid!.text())?.length, 9_000);
    assert.equal((await small!.read()).toString(), 'short\n');
    assert.deepEqual(workspace.skipped, [{ path: 'big.txt', reason: 'too-large', detail: '20000 bytes > maxFileSize 10000' }]);
  } finally {
    t.cleanup();
  }
});

test('a file swapped for a symbolic link or a FIFO after the walk is not followed and does not hang the read', { timeout: 10_000 }, async () => {
  const t = tempTree({ 'a.txt': 'first\n', 'b.txt': 'second\n', 'outside/secret.txt': 'not for the scan\n' });
  try {
    const walked = walk(t.dir, { ...options, measure: false });
    const workspace = new Workspace(walked.files, walked.skipped, { maxFileSize: 1_000_000 });
    rmSync(path.join(t.dir, 'a.txt'));
    symlinkSync(path.join(t.dir, 'outside', 'secret.txt'), path.join(t.dir, 'a.txt'));
    rmSync(path.join(t.dir, 'b.txt'));
    execFileSync('mkfifo', [path.join(t.dir, 'b.txt')]);
    const [a, b] = workspace.files;
    assert.equal(await a!.text(), null);
    assert.equal(scanFileAt('a.txt', a!.absPath, undefined, 1_000_000).skipped, 'unreadable');
    // A FIFO cannot be read at a position: listed as unreadable, at once.
    assert.equal(await b!.text(), null);
    assert.equal(scanFileAt('b.txt', b!.absPath, undefined, 1_000_000).skipped, 'unreadable');
    assert.deepEqual(workspace.skipped.map((s) => [s.path, s.reason, s.detail]), [
      ['a.txt', 'unreadable', 'ELOOP'],
      ['b.txt', 'unreadable', 'ESPIPE'],
    ]);
  } finally {
    t.cleanup();
  }
});

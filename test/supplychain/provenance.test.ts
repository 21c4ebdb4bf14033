import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { register as registerAttest } from '../../src/cli/attest.js';
import { register as registerVerifyProvenance } from '../../src/cli/verify-provenance.js';
import { parseEnvelope } from '../../src/supplychain/dsse.js';
import { writeKeyPair } from '../../src/supplychain/keys/keygen.js';
import { sourceUri } from '../../src/supplychain/slsa/source-info.js';
import { runCli } from './cli-driver.js';
import { tempDir } from './interop-helpers.js';

const BUILD_SCRIPT = "const fs=require('fs');fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/app.js','// built\\n'+fs.readFileSync('src/app.ts','utf8'))";

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=secloop test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

function repository(): { dir: string; cleanup: () => void; commit: string } {
  const made = tempDir('secloop-prov-');
  const { dir } = made;
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'app.ts'), 'export const answer = 42;\n');
  writeFileSync(path.join(dir, '.gitignore'), 'dist/\nkeys/\n*.jsonl\n');
  git(dir, 'init', '-q');
  // secloop-ignore secrets/basic-auth-url -- fake credential: the test checks provenance strips it
  git(dir, 'remote', 'add', 'origin', 'https://builder:s3cr3t-token@example.org/team/app.git');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
  mkdirSync(path.join(dir, 'keys'));
  writeKeyPair(path.join(dir, 'keys', 'builder'), { family: 'ed25519', format: 'securesystemslib' });
  writeKeyPair(path.join(dir, 'keys', 'other'), { family: 'ecdsa', format: 'pem' });
  return { ...made, commit: git(dir, 'rev-parse', 'HEAD') };
}

const BUILDER = 'https://ci.example.org/team/app/release';

async function attest(dir: string, extra: string[] = [], command: string[] = [process.execPath, '-e', BUILD_SCRIPT]) {
  return runCli(registerAttest, ['attest', 'provenance', '--key', 'keys/builder', '--artifact', 'dist/app.js', '--builder-id', BUILDER, ...extra, '--', ...command], { cwd: dir });
}

async function verify(dir: string, extra: string[] = [], key = 'keys/builder.pub', artifact = 'dist/app.js') {
  return runCli(registerVerifyProvenance, ['verify-provenance', artifact, '--provenance', 'provenance.intoto.jsonl', '--key', key, ...extra], { cwd: dir });
}

test('attest provenance runs the build and writes a signed SLSA v1 statement', async () => {
  const repo = repository();
  try {
    const result = await attest(repo.dir, ['--invocation-id', 'run-17']);
    assert.equal(result.exitCode, 0, result.stderr);
    const envelope = parseEnvelope(readFileSync(path.join(repo.dir, 'provenance.intoto.jsonl'), 'utf8'));
    assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.equal(statement.predicateType, 'https://slsa.dev/provenance/v1');
    assert.deepEqual(statement.subject, [{ name: 'dist/app.js', digest: { sha256: execFileSync('sha256sum', ['dist/app.js'], { cwd: repo.dir, encoding: 'utf8' }).split(' ')[0] } }]);
    const { buildDefinition, runDetails } = statement.predicate;
    assert.deepEqual(buildDefinition.resolvedDependencies, [{ uri: 'git+https://example.org/team/app.git', digest: { gitCommit: repo.commit } }]);
    assert.deepEqual(buildDefinition.externalParameters.command, [process.execPath, '-e', BUILD_SCRIPT]);
    assert.equal(runDetails.builder.id, BUILDER);
    assert.equal(runDetails.metadata.invocationId, 'run-17');
    assert.match(runDetails.metadata.startedOn, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(runDetails.metadata.finishedOn >= runDetails.metadata.startedOn);
    assert.ok(!JSON.stringify(statement).includes('s3cr3t'), 'credentials in the remote URL are not recorded');
  } finally {
    repo.cleanup();
  }
});

test('verify-provenance: passes for the artifact, its commit and builder; fails on every mismatch', async () => {
  const repo = repository();
  try {
    assert.equal((await attest(repo.dir)).exitCode, 0);
    const pass = await verify(repo.dir, ['--source-commit', repo.commit, '--builder-id', BUILDER]);
    assert.equal(pass.exitCode, 0, pass.stdout);
    assert.match(pass.stdout, /^PASS: dist\/app.js/);
    assert.match(pass.stdout, /ok {3}source commit: built from/);

    const wrongCommit = await verify(repo.dir, ['--source-commit', 'a'.repeat(40)]);
    assert.equal(wrongCommit.exitCode, 1);
    assert.match(wrongCommit.stdout, /FAIL source commit: expected source commit a{40}, provenance names/);
    const wrongBuilder = await verify(repo.dir, ['--builder-id', 'https://evil.example.org/']);
    assert.equal(wrongBuilder.exitCode, 1);
    assert.match(wrongBuilder.stdout, /FAIL builder/);
    const wrongKey = await verify(repo.dir, [], 'keys/other.pub');
    assert.equal(wrongKey.exitCode, 1);
    assert.match(wrongKey.stdout, /FAIL signature: no valid signature/);

    writeFileSync(path.join(repo.dir, 'other.bin'), 'not the artifact');
    const otherArtifact = await verify(repo.dir, [], 'keys/builder.pub', 'other.bin');
    assert.equal(otherArtifact.exitCode, 1);
    assert.match(otherArtifact.stdout, /FAIL subject: artifact sha256 [0-9a-f]{64} is not among the 1 subject/);

    // A payload swapped under the signature.
    const file = path.join(repo.dir, 'provenance.intoto.jsonl');
    const envelope = JSON.parse(readFileSync(file, 'utf8'));
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    statement.predicate.runDetails.builder.id = 'https://evil.example.org/';
    writeFileSync(file, JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
    const swapped = await verify(repo.dir);
    assert.equal(swapped.exitCode, 1);
    assert.match(swapped.stdout, /FAIL signature/);

    assert.equal((await verify(repo.dir, ['--source-commit', 'abc123'])).exitCode, 2);
    assert.equal((await verify(repo.dir, [], 'keys/builder.pub', 'missing.bin')).exitCode, 2);
  } finally {
    repo.cleanup();
  }
});

test('attest provenance: a failed build gets none, a dirty tree is refused unless allowed, ecdsa keys work', async () => {
  const repo = repository();
  try {
    const failed = await attest(repo.dir, [], [process.execPath, '-e', 'process.exit(2)']);
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stderr, /build exited with 2; no provenance written/);
    assert.ok(!existsSync(path.join(repo.dir, 'provenance.intoto.jsonl')));

    writeFileSync(path.join(repo.dir, 'src', 'app.ts'), 'export const answer = 43; // not committed\n');
    const dirty = await attest(repo.dir);
    assert.equal(dirty.exitCode, 2);
    assert.match(dirty.stderr, /tracked files differ from commit [0-9a-f]{12} \(src\/app.ts\)/);
    const allowed = await attest(repo.dir, ['--allow-dirty']);
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(path.join(repo.dir, 'provenance.intoto.jsonl'), 'utf8')).payload, 'base64').toString('utf8'));
    assert.equal(statement.predicate.buildDefinition.internalParameters.sourceTreeDirty, true);

    const ecdsa = await runCli(
      registerAttest,
      ['attest', 'provenance', '-k', 'keys/other', '-a', 'dist/app.js', '--builder-id', BUILDER, '--allow-dirty', '-o', 'ec.intoto.jsonl'],
      { cwd: repo.dir },
    );
    assert.equal(ecdsa.exitCode, 0, ecdsa.stderr);
    const checked = await runCli(registerVerifyProvenance, ['verify-provenance', 'dist/app.js', '-p', 'ec.intoto.jsonl', '-k', 'keys/other.pub'], { cwd: repo.dir });
    assert.equal(checked.exitCode, 0, checked.stdout);
  } finally {
    repo.cleanup();
  }
});

test('source URIs: credentials removed, scp-like remotes become ssh, local paths are not recorded', () => {
  assert.equal(sourceUri('https://user:token@example.org/a/b.git'), 'git+https://example.org/a/b.git');
  assert.equal(sourceUri('git@example.org:team/app.git'), 'git+ssh://example.org/team/app.git');
  assert.equal(sourceUri('ssh://git@example.org/team/app.git'), 'git+ssh://example.org/team/app.git');
  assert.equal(sourceUri('file:///srv/repo.git'), undefined);
  assert.equal(sourceUri('/srv/repo.git'), undefined);
});

test('verify-provenance survives hostile but validly signed payloads', async () => {
  const { signEnvelope } = await import('../../src/supplychain/dsse.js');
  const { generateSigningKey } = await import('../../src/supplychain/keys/key-files.js');
  const { verifyProvenance } = await import('../../src/supplychain/slsa/verify-provenance.js');
  const key = generateSigningKey('ed25519');
  const digest = 'a'.repeat(64);
  const payloads = [
    '{"_type": 123456789012345678901234567890}',
    '{"_type": "https://in-toto.io/Statement/v1", "predicateType": 1e999, "subject": [{"digest": {"sha256": 5}}]}',
    '{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1", "predicate": {"runDetails": {"builder": {"id": 99999999999999999999}}}, "subject": "x"}',
    'not json',
    '[]',
  ];
  for (const payload of payloads) {
    const envelope = signEnvelope('application/vnd.in-toto+json', Buffer.from(payload), [key]);
    const result = verifyProvenance({ artifactDigest: digest, provenanceText: JSON.stringify(envelope), keys: [key], builderId: 'b', sourceCommit: 'c'.repeat(40) });
    assert.equal(result.ok, false, payload);
    assert.ok(result.checks.some((check) => !check.ok));
  }
  assert.equal(verifyProvenance({ artifactDigest: digest, provenanceText: '', keys: [key] }).ok, false);
});

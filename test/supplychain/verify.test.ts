import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { register as registerVerify } from '../../src/cli/verify.js';
import { layoutFromDescription, expiresFrom } from '../../src/supplychain/intoto/layout-description.js';
import { readMetablockFile } from '../../src/supplychain/intoto/metablock.js';
import { runStep } from '../../src/supplychain/intoto/run-step.js';
import { signLayoutFile } from '../../src/supplychain/intoto/sign-layout.js';
import { loadSigningKeyFile } from '../../src/supplychain/keys/key-files.js';
import { writeKeyPair } from '../../src/supplychain/keys/keygen.js';
import { makeSecloopChain, type Chain } from './chain-fixture.js';
import { runCli } from './cli-driver.js';
import { tempDir } from './interop-helpers.js';

async function verify(chain: Chain, extra: string[] = []) {
  return runCli(registerVerify, ['verify', '--layout', chain.layout, '--layout-key', chain.ownerPublic, ...extra], { cwd: chain.dir });
}

function linkOf(dir: string, step: string): string {
  return path.join(dir, readdirSync(dir).find((file) => file.startsWith(`${step}.`) && file.endsWith('.link'))!);
}

test('a chain made by secloop verifies; links may live in --link-dir', async () => {
  const chain = await makeSecloopChain();
  try {
    const result = await verify(chain);
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.match(result.stderr, /running inspection 'check' from the layout/);
    assert.ok(readMetablockFile(path.join(chain.dir, 'check.link')).signatures.length === 0, 'unsigned inspection link written');
    mkdirSync(path.join(chain.dir, 'links'));
    for (const step of ['build', 'package']) {
      const file = linkOf(chain.dir, step);
      renameSync(file, path.join(chain.dir, 'links', path.basename(file)));
    }
    assert.equal((await verify(chain)).exitCode, 1);
    assert.equal((await verify(chain, ['--link-dir', 'links'])).exitCode, 0);
  } finally {
    chain.cleanup();
  }
});

test('a changed layout, a float, a malformed link and an unauthorized signer each fail with their stage', async () => {
  const chain = await makeSecloopChain();
  try {
    const layoutFile = path.join(chain.dir, chain.layout);
    const layoutText = readFileSync(layoutFile, 'utf8');
    writeFileSync(layoutFile, layoutText.replace('"threshold": 1', '"threshold": 0'));
    assert.match((await verify(chain)).stdout, /FAIL \(layout-signature\): .*invalid signature/);
    writeFileSync(layoutFile, layoutText.replace('"threshold": 1', '"threshold": 1.0'));
    assert.match((await verify(chain)).stdout, /FAIL \(layout\): .*threshold/);
    writeFileSync(layoutFile, layoutText);

    const buildLink = linkOf(chain.dir, 'build');
    const linkText = readFileSync(buildLink, 'utf8');
    writeFileSync(buildLink, '{"signatures": [], "signed": ');
    assert.match((await verify(chain)).stdout, /FAIL \(links\): cannot load link/);

    // A link under alice's file name, signed by bob.
    writeFileSync(buildLink, linkText);
    const bobLink = readMetablockFile(linkOf(chain.dir, 'package'));
    const forged = JSON.parse(linkText) as { signatures: unknown[] };
    forged.signatures = bobLink.signatures.map((s) => s.raw);
    writeFileSync(buildLink, JSON.stringify(forged));
    const forgedResult = await verify(chain);
    assert.equal(forgedResult.exitCode, 1);
    assert.match(forgedResult.stdout, /FAIL \(link-signatures\): step 'build'.*\n.*no signature found for key/);
    writeFileSync(buildLink, linkText);
    assert.equal((await verify(chain)).exitCode, 0);
  } finally {
    chain.cleanup();
  }
});

test('a failing inspection command fails verification', async () => {
  const chain = await makeSecloopChain();
  try {
    // Same products in the link, but the file on disk (what the inspection sees) differs.
    writeFileSync(path.join(chain.dir, 'app.bin'), 'changed after packaging');
    const result = await verify(chain);
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout, /FAIL \(inspection\): inspection 'check': got non-zero return value 1/);
  } finally {
    chain.cleanup();
  }
});

test('missing layout or key files are usage errors (exit 2)', async () => {
  const chain = await makeSecloopChain();
  try {
    const missingLayout = await runCli(registerVerify, ['verify', '-l', 'nope.layout', '-k', chain.ownerPublic], { cwd: chain.dir });
    assert.equal(missingLayout.exitCode, 2);
    assert.match(missingLayout.stderr, /nope.layout does not exist/);
    const missingKey = await runCli(registerVerify, ['verify', '-l', chain.layout, '-k', 'nope.pub'], { cwd: chain.dir });
    assert.equal(missingKey.exitCode, 2);
    const privateAsPublic = await runCli(registerVerify, ['verify', '-l', chain.layout, '-k', 'keys/owner'], { cwd: chain.dir });
    assert.equal(privateAsPublic.exitCode, 2);
    assert.match(privateAsPublic.stderr, /private key/);
  } finally {
    chain.cleanup();
  }
});

test('thresholds: two functionaries must both sign and agree on the artifacts; command mismatches only warn', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const name of ['owner', 'a', 'b']) writeKeyPair(path.join(dir, name), { family: 'ed25519', format: 'securesystemslib' });
    writeFileSync(path.join(dir, 'in.txt'), 'input');
    writeFileSync(
      path.join(dir, 'layout.yaml'),
      ['expires: 1y', 'keys: {a: a.pub, b: b.pub}', 'steps:', '  - name: review', '    functionaries: [a, b]', '    threshold: 2', '    expected_command: [reviewed]', '    expected_materials: [ALLOW in.txt]', ''].join('\n'),
    );
    signLayoutFile(path.join(dir, 'layout.yaml'), { keys: [loadSigningKeyFile(path.join(dir, 'owner'))], output: path.join(dir, 'root.layout') });
    const chain: Chain = { dir, cleanup, layout: 'root.layout', ownerPublic: 'owner.pub', ownerKeyType: 'ed25519', alicePublic: 'a.pub' };
    const sign = (key: string) => runStep({ name: 'review', key: loadSigningKeyFile(path.join(dir, key)), materials: ['in.txt'], command: [], cwd: dir });
    await sign('a');
    const one = await verify(chain);
    assert.match(one.stdout, /FAIL \(links\): step 'review' requires 2 link metadata file\(s\), found 1/);
    await sign('b');
    const both = await verify(chain);
    assert.equal(both.exitCode, 0, both.stdout);
    assert.match(both.stderr, /warning: run command \[\] in review\.[0-9a-f]{8}\.link differs from expected command \["reviewed"\]/);
    writeFileSync(path.join(dir, 'in.txt'), 'changed input');
    await sign('b');
    assert.match((await verify(chain)).stdout, /FAIL \(threshold\): links review\.[0-9a-f]{8}\.link and review\.[0-9a-f]{8}\.link have different artifacts/);
    // A copy of a's link under b's name does not count twice: b's key did not sign it.
    await sign('b');
    const bName = readdirSync(dir).filter((f) => f.startsWith('review.'));
    copyFileSync(path.join(dir, bName[0]!), path.join(dir, bName[1]!));
    assert.match((await verify(chain)).stdout, /FAIL \(link-signatures\): step 'review' requires at least 2/);
  } finally {
    cleanup();
  }
});

test('layout descriptions: errors name the problem', () => {
  const now = new Date('2024-01-31T12:00:00Z');
  const keys = tempDir();
  try {
    writeKeyPair(path.join(keys.dir, 'k'), { family: 'ecdsa', format: 'pem' });
    const describe = (yaml: string) => () => layoutFromDescription(`keys: {k: k.pub}\n${yaml}`, keys.dir, now);
    const step = (extra: string) => `steps:\n  - name: a\n    functionaries: [k]\n${extra}`;
    assert.throws(describe('expires: 1y\nstep: []\n'), /unknown field 'step'/);
    assert.throws(describe(step('    expected_products: [COPY x]\n')), /wrong rule format/);
    assert.throws(describe('steps:\n  - name: a\n    functionaries: [ghost]\n'), /functionary 'ghost' is not a key named under keys/);
    assert.throws(describe(step('    threshold: 2\n')), /threshold 2 is more than its 1 functionaries/);
    assert.throws(describe(step('    threshold: 1.5\n')), /threshold must be a whole number/);
    assert.throws(describe('steps:\n  - {name: a, functionaries: [k]}\n  - {name: a, functionaries: [k]}\n'), /already a step or inspection with name 'a'/);
    assert.throws(describe('steps:\n  - name: ../escape\n'), /without path separators/);
    assert.throws(describe('inspections:\n  - name: i\n'), /needs a run command/);
    assert.throws(describe('expires: tomorrow\n'), /expires 'tomorrow'/);
    assert.throws(describe('readme: &a [*a]\n'), /invalid YAML|readme must be a string/);
    assert.throws(describe(step(`    expected_command: 'make "unterminated'\n`)), /closing quotation/);
    assert.throws(() => layoutFromDescription('keys: {k: missing.pub}\n', keys.dir, now), /cannot read key file/);
    const layout = layoutFromDescription(
      `readme: r\nkeys: {k: k.pub}\n${step('    expected_command: make "all the things"\n    expected_products: ["MATCH \'a b\' WITH PRODUCTS FROM a"]\n')}`,
      keys.dir,
      now,
    );
    assert.equal(Object.keys(layout.keys).length, 1);
    assert.deepEqual(layout.steps[0]!.pubkeys, Object.keys(layout.keys));
    assert.deepEqual(layout.steps[0]!.expected_command, ['make', 'all the things']);
    assert.deepEqual(layout.steps[0]!.expected_products, [['MATCH', 'a b', 'WITH', 'PRODUCTS', 'FROM', 'a']]);
    assert.equal(layout.expires, '2024-02-29T12:00:00Z', 'default one month, clamped to the end of February');
  } finally {
    keys.cleanup();
  }
  const fail = (message: string): never => {
    throw new Error(message);
  };
  assert.equal(expiresFrom('30d', now, fail), '2024-03-01T12:00:00Z');
  assert.equal(expiresFrom('1y', now, fail), '2025-01-31T12:00:00Z');
  assert.equal(expiresFrom('2w', now, fail), '2024-02-14T12:00:00Z');
  assert.equal(expiresFrom('2030-01-01T00:00:00Z', now, fail), '2030-01-01T00:00:00Z');
});

test('hostile link files fail verification (exit 1) instead of crashing', async () => {
  const chain = await makeSecloopChain();
  try {
    const buildLink = linkOf(chain.dir, 'build');
    const original = readFileSync(buildLink, 'utf8');
    const variants = [
      original.replace('"return-value": 0', '"return-value": 123456789012345678901234567890'),
      original.replace('"return-value": 0', '"return-value": 0.0'),
      original.replace('"command": [', '"command": [99999999999999999999999, '),
      original.replace('"materials": {', '"materials": {"x": {"sha256": 5}, '),
      original.replace('"materials": {', '"materials": {"__proto__": {"sha256": "ab"}, '),
      original.replace('"signatures": [', '"signatures": [{"keyid": "zz", "sig": "00"}, '),
      original.replace('"_type": "link"', '"_type": "layout"'),
      '{"signed": ' + '['.repeat(5000),
      '"just a string"',
      '',
    ];
    for (const variant of variants) {
      writeFileSync(buildLink, variant);
      const result = await verify(chain);
      assert.equal(result.exitCode, 1, `${variant.slice(0, 80)}: ${result.stdout}${result.stderr}`);
      assert.match(result.stdout, /^FAIL \(/);
    }
  } finally {
    chain.cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { register as registerAttest } from '../../src/cli/attest.js';
import { register as registerLayout } from '../../src/cli/layout.js';
import { register as registerVerify } from '../../src/cli/verify.js';
import { pythonJsonDumps } from '../../src/supplychain/json/python-json.js';
import { parseStrictJson } from '../../src/supplychain/json/strict-json.js';
import { loadSigningKeyFile } from '../../src/supplychain/keys/key-files.js';
import { signLayoutFile } from '../../src/supplychain/intoto/sign-layout.js';
import { makeIntotoChain, makeSecloopChain, type Chain } from './chain-fixture.js';
import { runCli } from './cli-driver.js';
import { INTOTO_MISSING, intotoAvailable, runPython, runTool, tempDir } from './interop-helpers.js';

/**
 * Interoperability with the reference implementation, Debian's in-toto 1.3.1.
 * Skipped (with the reason) when in-toto-verify is not on PATH.
 */
const skip = intotoAvailable() ? false : INTOTO_MISSING;

async function secloopVerify(chain: Chain, layoutKey = chain.ownerPublic) {
  return runCli(registerVerify, ['verify', '--layout', chain.layout, '--layout-key', layoutKey], { cwd: chain.dir });
}

function intotoVerify(chain: Chain, layoutKey = chain.ownerPublic, keyType: string = chain.ownerKeyType) {
  return runTool('in-toto-verify', ['-l', chain.layout, '-k', layoutKey, '-t', keyType], chain.dir);
}

/** The in-toto-made chain is slow to make (RSA keys, several Python tools): made once, copied per test. */
let intotoTemplate: Chain | undefined;
function intotoChain(): Chain {
  intotoTemplate ??= makeIntotoChain();
  const copy = tempDir('intoto-chain-copy-');
  cpSync(intotoTemplate.dir, copy.dir, { recursive: true, verbatimSymlinks: true });
  return { ...intotoTemplate, dir: copy.dir, cleanup: copy.cleanup };
}
process.on('exit', () => intotoTemplate?.cleanup());

function linkFile(dir: string, step: string): string {
  const name = readdirSync(dir).find((file) => file.startsWith(`${step}.`) && file.endsWith('.link'));
  assert.ok(name, `no link for ${step} in ${dir}`);
  return path.join(dir, name);
}

for (const family of ['ed25519', 'ecdsa'] as const) {
  test(`in-toto-verify accepts a layout and links written by secloop (${family} keys)`, { skip }, async () => {
    const chain = await makeSecloopChain({ family });
    try {
      const reference = intotoVerify(chain);
      assert.equal(reference.status, 0, reference.stderr);
      const ours = await secloopVerify(chain);
      assert.equal(ours.exitCode, 0, ours.stdout + ours.stderr);
      assert.match(ours.stdout, /^PASS/);
      assert.match(ours.stdout, /inspection check: passed/);
    } finally {
      chain.cleanup();
    }
  });
}

test('secloop verify accepts links from in-toto-run and a layout from in-toto-sign (ed25519, ecdsa and rsa keys)', { skip }, async () => {
  const chain = intotoChain();
  try {
    const ours = await secloopVerify(chain);
    assert.equal(ours.exitCode, 0, ours.stdout + ours.stderr);
    assert.match(ours.stdout, /step build: 1 valid link/);
    assert.match(ours.stdout, /step package: 1 valid link/);
    assert.equal(intotoVerify(chain).status, 0);
    // The inspection link secloop leaves behind is the one in-toto-verify leaves behind.
    const ourInspection = readFileSync(path.join(chain.dir, 'check.link'), 'utf8');
    rmSync(path.join(chain.dir, 'check.link'));
    assert.equal(intotoVerify(chain).status, 0);
    assert.equal(readFileSync(path.join(chain.dir, 'check.link'), 'utf8'), ourInspection);
  } finally {
    chain.cleanup();
  }
});

interface FailureCase {
  title: string;
  make: () => Promise<Chain>;
  layoutKey?: (chain: Chain) => string;
  explains: RegExp;
}

const FAILURES: FailureCase[] = [
  {
    title: 'a tampered link',
    make: async () => {
      const chain = await makeSecloopChain();
      const file = linkFile(chain.dir, 'build');
      const block = parseStrictJson(readFileSync(file, 'utf8')) as { signed: { products: Record<string, { sha256: string }> } };
      block.signed.products['app.bin'] = { sha256: '0'.repeat(64) };
      writeFileSync(file, pythonJsonDumps(block, { indent: 1, sortKeys: true }));
      return chain;
    },
    explains: /FAIL \(link-signatures\): step 'build' requires at least 1 link\(s\) validly signed.*\n.*invalid signature/,
  },
  {
    title: 'an expired layout',
    make: () => makeSecloopChain({ expires: '2001-02-03T04:05:06Z' }),
    explains: /FAIL \(expiry\): layout expired on 2001-02-03T04:05:06Z/,
  },
  {
    title: 'a wrong layout key',
    make: () => makeSecloopChain(),
    layoutKey: (chain) => chain.alicePublic,
    explains: /FAIL \(layout-signature\): .*no signature found for key/,
  },
  {
    title: 'a missing step',
    make: async () => {
      const chain = await makeSecloopChain();
      rmSync(linkFile(chain.dir, 'package'));
      return chain;
    },
    explains: /FAIL \(links\): step 'package' requires 1 link metadata file\(s\), found 0/,
  },
  {
    title: 'a DISALLOW violation',
    make: () => makeSecloopChain({ extraProduct: true }),
    explains: /FAIL \(rules\): step 'build': 'DISALLOW \*' matched the following products of 'build': extra.txt/,
  },
];

for (const failure of FAILURES) {
  test(`${failure.title} fails in both in-toto-verify and secloop verify, with exit code 1`, { skip }, async () => {
    const chain = await failure.make();
    try {
      const layoutKey = failure.layoutKey?.(chain) ?? chain.ownerPublic;
      const reference = intotoVerify(chain, layoutKey);
      const ours = await secloopVerify(chain, layoutKey);
      assert.equal(reference.status, 1, `in-toto-verify: ${reference.stderr}`);
      assert.equal(ours.exitCode, reference.status);
      assert.match(ours.stdout, failure.explains);
    } finally {
      chain.cleanup();
    }
  });
}

test('both verifiers give exit 2 for bad usage', { skip }, async () => {
  const chain = await makeSecloopChain();
  try {
    assert.equal(runTool('in-toto-verify', ['-l', chain.layout], chain.dir).status, 2);
    assert.equal((await runCli(registerVerify, ['verify', '--layout', chain.layout], { cwd: chain.dir })).exitCode, 2);
  } finally {
    chain.cleanup();
  }
});

test('secloop attest run writes the same bytes as in-toto-run (ed25519 signatures are deterministic)', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const runs = ['ours', 'ref'].map((name) => path.join(dir, name));
    for (const root of runs) {
      mkdirSync(path.join(root, 'tree', 'sub', 'deeper'), { recursive: true });
      mkdirSync(path.join(root, 'tree', '.git'), { recursive: true });
      mkdirSync(path.join(root, 'tree', 'empty'), { recursive: true });
      writeFileSync(path.join(root, 'tree', 'a.txt'), 'a\n');
      writeFileSync(path.join(root, 'tree', 'sub', 'é ü.txt'), 'unicode name\n');
      writeFileSync(path.join(root, 'tree', 'sub', 'deeper', '😀.bin'), Buffer.from([0, 1, 2, 255]));
      writeFileSync(path.join(root, 'tree', '.git', 'HEAD'), 'ref: refs/heads/main\n');
      writeFileSync(path.join(root, 'tree', 'old.link'), '{}');
      writeFileSync(path.join(root, 'tree', 'x.pyc'), '');
      writeFileSync(path.join(root, 'tree', 'backup~'), '');
      symlinkSync('a.txt', path.join(root, 'tree', 'link-to-a'));
      symlinkSync('sub', path.join(root, 'tree', 'link-to-sub'));
      symlinkSync('missing', path.join(root, 'tree', 'broken'));
      writeFileSync(path.join(root, 'tree', 'weird\\name'), 'backslash\n');
    }
    const assertKeys = tempDir();
    try {
      assert.equal(runTool('in-toto-keygen', ['-t', 'ed25519', 'k'], assertKeys.dir).status, 0);
      const key = path.join(assertKeys.dir, 'k');
      const script = "process.stdout.write('h\\u00e9llo\\r\\nw\\u00f6rld \\ud83d\\ude00\\n');process.stderr.write('err\\r');process.exitCode=3";
      const command = [process.execPath, '-e', script];
      const ours = await runCli(
        registerAttest,
        ['attest', 'run', '--step', 'step-é', '--key', key, '-s', '-m', 'tree', 'nothing-here', '-p', '.', '--', ...command],
        { cwd: runs[0]! },
      );
      assert.equal(ours.exitCode, 1, 'the command exited 3');
      assert.match(ours.stderr, /exited with 3/);
      const reference = runTool('in-toto-run', ['-n', 'step-é', '-k', key, '-t', 'ed25519', '-s', '-m', 'tree', 'nothing-here', '-p', '.', '--', ...command], runs[1]!);
      assert.equal(reference.status, 0, reference.stderr);
      const name = readdirSync(runs[1]!).find((file) => file.endsWith('.link'))!;
      const ourBytes = readFileSync(path.join(runs[0]!, name));
      assert.equal(ourBytes.toString('utf8'), readFileSync(path.join(runs[1]!, name), 'utf8'));
      assert.match(ourBytes.toString('utf8'), /"tree\/sub\/\\u00e9 \\u00fc.txt"/);
      assert.match(ourBytes.toString('utf8'), /"tree\/link-to-sub\/deeper\/\\ud83d\\ude00.bin"/);
      assert.match(ourBytes.toString('utf8'), /"return-value": 3/);
    } finally {
      assertKeys.cleanup();
    }
  } finally {
    cleanup();
  }
});

test('links signed by secloop with in-toto-keygen RSA and encrypted ed25519 keys verify with in-toto-sign --verify', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(runTool('in-toto-keygen', ['-t', 'rsa', '-b', '2048', 'rsa'], dir).status, 0);
    runPython(`from securesystemslib import interface as i\ni.generate_and_write_ed25519_keypair('pw', filepath=${JSON.stringify(path.join(dir, 'ed-enc'))})`);
    writeFileSync(path.join(dir, 'f'), 'x');
    const rsa = await runCli(registerAttest, ['attest', 'run', '-n', 'review', '-k', 'rsa', '-m', 'f', '--no-command'], { cwd: dir });
    assert.equal(rsa.exitCode, 0, rsa.stderr);
    const rsaLink = linkFile(dir, 'review');
    assert.equal(runTool('in-toto-sign', ['-f', rsaLink, '-k', 'rsa.pub', '--verify'], dir).status, 0);
    const block = parseStrictJson(readFileSync(rsaLink, 'utf8')) as { signed: { command: unknown; byproducts: unknown } };
    assert.deepEqual(block.signed.command, []);
    assert.deepEqual(block.signed.byproducts, {});

    const noPassword = await runCli(registerAttest, ['attest', 'run', '-n', 'sign-off', '-k', 'ed-enc', '-x'], { cwd: dir });
    assert.equal(noPassword.exitCode, 2);
    assert.match(noPassword.stderr, /encrypted/);
    const encrypted = await runCli(registerAttest, ['attest', 'run', '-n', 'sign-off', '-k', 'ed-enc', '--password-env', 'KEY_PW', '-x'], { cwd: dir, env: { KEY_PW: 'pw' } });
    assert.equal(encrypted.exitCode, 0, encrypted.stderr);
    assert.equal(runTool('in-toto-sign', ['-f', linkFile(dir, 'sign-off'), '-k', 'ed-enc.pub', '-t', 'ed25519', '--verify'], dir).status, 0);
  } finally {
    cleanup();
  }
});

test('a tampered in-toto-run link and a missing in-toto-run link fail in both verifiers', { skip }, async () => {
  const chain = intotoChain();
  try {
    const file = linkFile(chain.dir, 'package');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"app.pkg"', '"app.pkg2"'));
    assert.equal(intotoVerify(chain).status, 1);
    const tampered = await secloopVerify(chain);
    assert.equal(tampered.exitCode, 1);
    assert.match(tampered.stdout, /FAIL \(link-signatures\): step 'package'/);
    rmSync(file);
    assert.equal(intotoVerify(chain).status, 1);
    assert.match((await secloopVerify(chain)).stdout, /FAIL \(links\): step 'package' requires 1/);
  } finally {
    chain.cleanup();
  }
});

test('a layout re-signed by secloop layout sign (JSON input) verifies in in-toto-verify; in-toto-sign --verify accepts it', { skip }, async () => {
  const chain = intotoChain();
  try {
    // Re-sign the in-toto layout with a secloop ed25519 owner key, through the CLI.
    const keygen = await import('../../src/supplychain/keys/keygen.js');
    keygen.writeKeyPair(path.join(chain.dir, 'keys', 'new-owner'), { family: 'ed25519', format: 'securesystemslib' });
    const signed = await runCli(registerLayout, ['layout', 'sign', chain.layout, '--key', 'keys/new-owner'], { cwd: chain.dir });
    assert.equal(signed.exitCode, 0, signed.stderr);
    assert.equal(runTool('in-toto-sign', ['-f', chain.layout, '-k', 'keys/new-owner.pub', '-t', 'ed25519', '--verify'], chain.dir).status, 0);
    assert.equal(intotoVerify(chain, 'keys/new-owner.pub', 'ed25519').status, 0);
    // The old owner's signature was replaced.
    assert.equal(intotoVerify(chain).status, 1);
    assert.equal((await secloopVerify(chain)).exitCode, 1);
    // --append keeps it: both keys verify.
    signLayoutFile(path.join(chain.dir, chain.layout), { keys: [loadSigningKeyFile(path.join(chain.dir, 'keys', 'owner'))], append: true });
    assert.equal(runTool('in-toto-verify', ['-l', chain.layout, '-k', 'keys/owner.pub', 'keys/new-owner.pub', '-t', 'rsa', 'ed25519'], chain.dir).status, 0);
    assert.equal((await runCli(registerVerify, ['verify', '-l', chain.layout, '-k', 'keys/owner.pub', 'keys/new-owner.pub'], { cwd: chain.dir })).exitCode, 0);
  } finally {
    chain.cleanup();
  }
});

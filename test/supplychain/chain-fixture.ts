import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runStep } from '../../src/supplychain/intoto/run-step.js';
import { signLayoutFile } from '../../src/supplychain/intoto/sign-layout.js';
import { loadSigningKeyFile } from '../../src/supplychain/keys/key-files.js';
import { writeKeyPair } from '../../src/supplychain/keys/keygen.js';
import { runPython, runTool, tempDir } from './interop-helpers.js';

/**
 * A two-step supply chain (build, package) with one inspection, made either entirely
 * by secloop or entirely by the in-toto reference tools, in a fresh temp directory:
 *
 *   src/a.c src/b.c --build (alice: cp src/a.c app.bin)--> app.bin
 *   app.bin --package (bob: cp app.bin app.pkg)--> app.pkg
 *   inspection check: node compares app.bin and app.pkg
 */

export interface Chain {
  dir: string;
  cleanup: () => void;
  layout: string;
  ownerPublic: string;
  /** Key type flag for in-toto-verify -t. */
  ownerKeyType: 'ed25519' | 'ecdsa' | 'rsa';
  alicePublic: string;
}

export const CHECK_SCRIPT = "const fs=require('fs');process.exit(fs.readFileSync('app.bin').equals(fs.readFileSync('app.pkg'))?0:1)";

export interface SecloopChainOptions {
  family?: 'ed25519' | 'ecdsa';
  expires?: string;
  /** A file the build step records as a product although no rule allows it. */
  extraProduct?: boolean;
}

function writeSources(dir: string): void {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'keys'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'a.c'), 'int main(void) { return 0; }\n');
  writeFileSync(path.join(dir, 'src', 'b.c'), '/* helper */\n');
}

export function layoutYaml(expires: string): string {
  return [
    `expires: ${expires}`,
    'readme: build and package',
    'keys:',
    '  alice: keys/alice.pub',
    '  bob: keys/bob.pub',
    'steps:',
    '  - name: build',
    '    functionaries: [alice]',
    '    expected_command: cp src/a.c app.bin',
    '    expected_materials:',
    '      - ALLOW src/*',
    '      - DISALLOW *',
    '    expected_products:',
    '      - MATCH src/* WITH MATERIALS FROM build',
    '      - CREATE app.bin',
    '      - DISALLOW *',
    '  - name: package',
    '    functionaries: [bob]',
    '    expected_command: [cp, app.bin, app.pkg]',
    '    expected_materials:',
    '      - MATCH app.bin WITH PRODUCTS FROM build',
    '      - MATCH src/* WITH MATERIALS FROM build',
    '      - DISALLOW *',
    '    expected_products:',
    '      - CREATE app.pkg',
    '      - DISALLOW *',
    'inspections:',
    '  - name: check',
    `    run: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(CHECK_SCRIPT)}]`,
    '    expected_materials:',
    '      - MATCH app.pkg WITH PRODUCTS FROM package',
    '      - ALLOW *',
    '    expected_products:',
    '      - ALLOW *',
    '',
  ].join('\n');
}

export async function makeSecloopChain(options: SecloopChainOptions = {}): Promise<Chain> {
  const { dir, cleanup } = tempDir('secloop-chain-');
  const family = options.family ?? 'ed25519';
  writeSources(dir);
  for (const name of ['owner', 'alice', 'bob']) writeKeyPair(path.join(dir, 'keys', name), { family, format: 'securesystemslib' });
  writeFileSync(path.join(dir, 'layout.yaml'), layoutYaml(options.expires ?? '1y'));
  const owner = loadSigningKeyFile(path.join(dir, 'keys', 'owner'));
  signLayoutFile(path.join(dir, 'layout.yaml'), { keys: [owner], output: path.join(dir, 'root.layout') });
  const quiet = { stdout: () => {}, stderr: () => {} };
  if (options.extraProduct) writeFileSync(path.join(dir, 'extra.txt'), 'not allowed\n');
  await runStep({
    name: 'build',
    key: loadSigningKeyFile(path.join(dir, 'keys', 'alice')),
    materials: ['src'],
    products: ['src', 'app.bin', ...(options.extraProduct ? ['extra.txt'] : [])],
    command: ['cp', 'src/a.c', 'app.bin'],
    cwd: dir,
    ...quiet,
  });
  await runStep({
    name: 'package',
    key: loadSigningKeyFile(path.join(dir, 'keys', 'bob')),
    materials: ['src', 'app.bin'],
    products: ['app.pkg'],
    command: ['cp', 'app.bin', 'app.pkg'],
    cwd: dir,
    ...quiet,
  });
  return { dir, cleanup, layout: 'root.layout', ownerPublic: 'keys/owner.pub', ownerKeyType: family, alicePublic: 'keys/alice.pub' };
}

function must(result: { status: number; stderr: string }, what: string): void {
  if (result.status !== 0) throw new Error(`${what} failed (${result.status}): ${result.stderr}`);
}

/** The same chain made by in-toto 1.3.1: in-toto-keygen, in-toto-run, the layout API and in-toto-sign. */
export function makeIntotoChain(): Chain {
  const { dir, cleanup } = tempDir('intoto-chain-');
  writeSources(dir);
  must(runTool('in-toto-keygen', ['-t', 'ed25519', 'keys/alice'], dir), 'in-toto-keygen alice');
  must(runTool('in-toto-keygen', ['-t', 'ecdsa', 'keys/bob'], dir), 'in-toto-keygen bob');
  must(runTool('in-toto-keygen', ['-t', 'rsa', '-b', '2048', 'keys/owner'], dir), 'in-toto-keygen owner');
  must(runTool('in-toto-run', ['-n', 'build', '-k', 'keys/alice', '-t', 'ed25519', '-m', 'src', '-p', 'src', 'app.bin', '--', 'cp', 'src/a.c', 'app.bin'], dir), 'in-toto-run build');
  must(runTool('in-toto-run', ['-n', 'package', '-k', 'keys/bob', '-t', 'ecdsa', '-m', 'src', 'app.bin', '-p', 'app.pkg', '--', 'cp', 'app.bin', 'app.pkg'], dir), 'in-toto-run package');
  runPython(
    [
      'import os, sys',
      'from securesystemslib import interface',
      'from in_toto.models.layout import Layout, Step, Inspection',
      'from in_toto.models.metadata import Metablock',
      `os.chdir(${JSON.stringify(dir)})`,
      'alice = interface.import_ed25519_publickey_from_file("keys/alice.pub")',
      'bob = interface.import_ecdsa_publickey_from_file("keys/bob.pub")',
      'layout = Layout()',
      'layout.set_relative_expiration(months=6)',
      'layout.add_functionary_key(alice)',
      'layout.add_functionary_key(bob)',
      'build = Step(name="build")',
      'build.pubkeys = [alice["keyid"]]',
      'build.set_expected_command_from_string("cp src/a.c app.bin")',
      'build.add_material_rule_from_string("ALLOW src/*")',
      'build.add_material_rule_from_string("DISALLOW *")',
      'build.add_product_rule_from_string("MATCH src/* WITH MATERIALS FROM build")',
      'build.add_product_rule_from_string("CREATE app.bin")',
      'build.add_product_rule_from_string("DISALLOW *")',
      'package = Step(name="package")',
      'package.pubkeys = [bob["keyid"]]',
      'package.set_expected_command_from_string("cp app.bin app.pkg")',
      'package.add_material_rule_from_string("MATCH app.bin WITH PRODUCTS FROM build")',
      'package.add_material_rule_from_string("MATCH src/* WITH MATERIALS FROM build")',
      'package.add_material_rule_from_string("DISALLOW *")',
      'package.add_product_rule_from_string("CREATE app.pkg")',
      'package.add_product_rule_from_string("DISALLOW *")',
      `check = Inspection(name="check", run=[${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(CHECK_SCRIPT)}])`,
      'check.add_material_rule_from_string("MATCH app.pkg WITH PRODUCTS FROM package")',
      'check.add_material_rule_from_string("ALLOW *")',
      'check.add_product_rule_from_string("ALLOW *")',
      'layout.steps = [build, package]',
      'layout.inspect = [check]',
      'Metablock(signed=layout).dump("layout.unsigned")',
    ].join('\n'),
  );
  must(runTool('in-toto-sign', ['-f', 'layout.unsigned', '-k', 'keys/owner', '-o', 'root.layout'], dir), 'in-toto-sign');
  return { dir, cleanup, layout: 'root.layout', ownerPublic: 'keys/owner.pub', ownerKeyType: 'rsa', alicePublic: 'keys/alice.pub' };
}

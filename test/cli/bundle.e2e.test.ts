import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dockerfilePlatform } from '../../src/scanners/iac/dockerfile/rules.js';
import { runCli } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { tempTree } from '../helpers/tmp.js';

// The CLI ships as a bundle (scripts/bundle.mjs) whose worker threads are separate entry
// points found by name: these runs are large enough to start them, and a thread that
// fails to start would surface as a warning (the work falls back to the main thread).

const token = ['ghp', 'rMkxjAMu7S52GqR1fft30x0Cir7izs3fqGUf'].join('_');

interface JsonReport {
  findings: Array<{ ruleId: string }>;
  warnings: Array<{ message: string }>;
}

test('bundled CLI: secrets worker threads scan a tree of 2,500 files', () => {
  const t = tempTree();
  try {
    for (let i = 0; i < 2500; i++) t.write(`src/m${Math.floor(i / 100)}/f${i}.js`, `export const value${i} = ${i};\n`);
    t.write('src/m7/deploy.js', `const auth = '${token}';\n`);
    const run = runCli(['scan', t.dir, '--scanners', 'secrets', '--format', 'json']);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.findings.map((f) => f.ruleId), ['secrets/github-pat']);
  } finally {
    t.cleanup();
  }
});

test('bundled CLI: SAST worker threads analyse two independent 1 MB packages', () => {
  const t = tempTree();
  try {
    for (const name of ['a', 'b']) {
      const filler = Array.from({ length: 24_000 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
      t.write(`${name}/package.json`, JSON.stringify({ name: `pkg-${name}`, version: '1.0.0' }));
      t.write(`${name}/index.js`, `const cp = require('child_process');\n${filler}\nmodule.exports = function run(cmd) { cp.exec(cmd); };\n`);
    }
    const run = runCli(['scan', t.dir, '--scanners', 'sast', '--library-inputs', '--format', 'json', '--fail-on', 'none']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.warnings, []);
    assert.equal(report.findings.filter((f) => f.ruleId === 'sast/command-injection').length, 2);
  } finally {
    t.cleanup();
  }
});

test("bundled yaml package: reads no environment variable per token (its debugging switches are read once, at load)", () => {
  // process.env is swapped for a proxy that counts reads once the package is loaded; the package as
  // published reads process.env.LOG_TOKENS for every token its parser meets, and LOG_STREAM for every one its composer does.
  const script = [
    `const { parseAllDocuments } = require(${JSON.stringify(path.join(path.dirname(cliPath), 'vendor', 'yaml.cjs'))});`,
    'let reads = 0;',
    'const env = process.env;',
    'process.env = new Proxy(env, { get: (target, key) => (reads++, target[key]) });',
    "const text = Array.from({ length: 200 }, (_, i) => `key${i}: [value, ${i}]`).join('\\n');",
    'const docs = parseAllDocuments(text);',
    'process.env = env;',
    'console.log(JSON.stringify({ reads, errors: docs[0].errors.length, keys: docs[0].contents.items.length }));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { reads: 0, errors: 0, keys: 200 });
});

test('the bundle leaves the rules\' examples out and keeps their descriptions', () => {
  const dir = path.dirname(cliPath);
  const code = readdirSync(dir).filter((file) => file.endsWith('.js')).map((file) => readFileSync(path.join(dir, file), 'utf8')).join('\n');
  // esbuild writes a string without quotes, backslashes or other than ASCII as JSON does.
  const plain = (text: string) => /^[\x20-\x7e\n]*$/.test(text) && !/["'`\\]/.test(text);
  const written = (text: string) => code.includes(JSON.stringify(text));
  const descriptions = dockerfilePlatform.rules.map((rule) => rule.description).filter(plain);
  const examples = dockerfilePlatform.rules.flatMap((rule) => [...rule.examples.positive, ...rule.examples.negative]).filter(plain);
  assert.ok(descriptions.length > 10 && examples.length > 20);
  assert.deepEqual(descriptions.filter((text) => !written(text)), []);
  assert.deepEqual(examples.filter(written), []);
});

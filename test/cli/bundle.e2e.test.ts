import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
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

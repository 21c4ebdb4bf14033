import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exceedsSafeNesting } from '../../../src/scanners/shared/js-nesting.js';
import { runCli } from '../../helpers/cli.js';
import { tempTree } from '../../helpers/tmp.js';

const deep = (n: number) => ({
  brackets: `x = ${'('.repeat(n)}1${')'.repeat(n)};\n`,
  arrays: `x = ${'['.repeat(n)}${']'.repeat(n)};\n`,
  assignments: `x${' = x'.repeat(n)};\n`,
  ternaries: `x = ${'a ? b : '.repeat(n)}c;\n`,
  arrows: `x = ${'() => '.repeat(n)}1;\n`,
  unary: `x = ${'!'.repeat(n)}1;\n`,
  ifs: `${'if (a) '.repeat(n)}x();\n`,
  loops: `${'for (;;) while (a) '.repeat(n / 2)}x();\n`,
  labels: `${'a: '.repeat(n)}x();\n`,
  elseIfs: `if (a) {}${' else if (a) {}'.repeat(n)}\n`,
  keywords: `x = ${'typeof void delete '.repeat(n)}x;\n`,
  typeArguments: `let x: ${'A<'.repeat(n)}B${'>'.repeat(n)};\n`,
});

/** Left-nesting chains: as deep as they are long; the parser survives about 60,000 of them on an 8 MB stack. */
const chains = (n: number) => ({
  sums: `x = ${Array(n).fill('1').join(' + ')};\n`,
  ands: `x = ${Array(n).fill('a').join(' && ')};\n`,
  shifts: `x = ${Array(n).fill('a').join(' >>> ')};\n`,
  coalescing: `x = ${Array(n).fill('a').join(' ?? ')};\n`,
});

test('long chains of binary operators are caught; the chains real code writes are not', () => {
  for (const [kind, text] of Object.entries(chains(30_000))) assert.equal(exceedsSafeNesting(text), true, kind);
  for (const [kind, text] of Object.entries(chains(2_000))) assert.equal(exceedsSafeNesting(text), false, kind);
  // Separators end a chain: a long array or many statements are fine.
  assert.equal(exceedsSafeNesting(`x = [${Array(60_000).fill('a + 1').join(', ')}];\n`), false);
  assert.equal(exceedsSafeNesting(Array(60_000).fill('a = b + c;').join('\n')), false);
});

test('every kind of deep nesting that crashes the parser is caught', () => {
  for (const [kind, text] of Object.entries(deep(20_000))) assert.equal(exceedsSafeNesting(text), true, kind);
});

test('real code stays under the limit: brackets in strings, comments and balanced code do not count', () => {
  const ordinary = [
    `const s = "${'('.repeat(5000)}"; // ${'['.repeat(5000)}`,
    `/* ${'{'.repeat(5000)} */ const t = \`${'('.repeat(5000)}\`;`,
    ...Array.from({ length: 2000 }, (_, i) => `function f${i}(a, b) { return a ? (b = a - 1) : [a, { b }]; }`),
  ].join('\n');
  assert.equal(exceedsSafeNesting(ordinary), false);
  for (const [kind, text] of Object.entries(deep(200))) assert.equal(exceedsSafeNesting(text), false, kind);
});

test('statements and keywords without semicolons or brackets between them stay under the limit', () => {
  const ordinary = Array.from({ length: 3000 }, (_, i) => `if (a${i}) { x = new A(typeof b) } else if (c) { y: for (const k of m) if (k) f(k) }\nlet v${i}: Map<string, Array<number>>`).join('\n');
  assert.equal(exceedsSafeNesting(ordinary), false);
});

test('a hostile deep file is a warning, and the scan (SAST and SCA imports) goes on instead of crashing', () => {
  const files: Record<string, string> = {
    'package.json': '{ "name": "p", "version": "1.0.0", "dependencies": { "left": "1.0.0" } }',
    'package-lock.json': '{ "name": "p", "lockfileVersion": 3, "packages": { "": { "name": "p", "dependencies": { "left": "1.0.0" } }, "node_modules/left": { "version": "1.0.0" } } }',
    'ok.js': "const { exec } = require('child_process');\nmodule.exports = (req, res) => exec(req.query.cmd);\n",
  };
  for (const [kind, text] of Object.entries(deep(20_000))) files[`${kind}.js`] = text;
  const t = tempTree(files);
  try {
    const run = runCli(['scan', t.dir, '--scanners', 'sast,sca', '--offline', '--format', 'json', '--fail-on', 'none']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    const deepWarnings = report.warnings.filter((w: { message: string }) => /nested too deeply \(over 1000 levels/.test(w.message));
    assert.equal(deepWarnings.length, Object.keys(deep(1)).length);
  } finally {
    t.cleanup();
  }
});

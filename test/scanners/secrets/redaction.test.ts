import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compiledDetectors } from '../../../src/scanners/secrets/detectors.js';
import { scanBytes } from '../../../src/scanners/secrets/engine/scan-bytes.js';
import { serialiseBaseline } from '../../../src/core/baseline.js';
import { runScan } from '../../../src/engine/scan.js';
import { writeHtml } from '../../../src/report/html.js';
import { writeJson } from '../../../src/report/json.js';
import { writeSarif } from '../../../src/report/sarif.js';
import { writeText } from '../../../src/report/text.js';
import { secretsScanner } from '../../../src/scanners/secrets/index.js';
import { generateCorpus } from '../../../bench/secrets/corpus/generate.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

/**
 * Nothing secloop writes may contain a planted secret: findings, messages, properties,
 * excerpts, warnings, every report format and the baseline, for the working tree and
 * for history findings of files deleted since.
 */
test('no report, baseline, excerpt or warning contains any planted secret', async () => {
  const tree = tempTree();
  try {
    const corpus = generateCorpus(tree.dir, { seed: 7, projects: 6 });
    initRepo(tree.dir);
    commitAll(tree.dir, 'planted');
    // Delete half of the planted files so that their secrets live only in history.
    const deleted = [...new Set(corpus.planted.map((p) => p.path))].filter((_, i) => i % 2 === 0);
    for (const file of deleted) rmSync(path.join(tree.dir, file), { force: true });
    commitAll(tree.dir, 'remove');
    git(tree.dir, 'gc', '-q');

    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner], options: { history: true } });
    assert.ok(result.findings.length >= corpus.planted.length * 0.9, `only ${result.findings.length} findings for ${corpus.planted.length} planted secrets`);
    assert.ok(result.findings.some((f) => f.properties['inHead'] === false), 'history findings are part of the check');

    const outputs: Record<string, string> = {
      json: writeJson(result),
      sarif: writeSarif(result),
      text: writeText(result, { color: false }),
      html: writeHtml(result),
      baseline: serialiseBaseline(result.findings),
      excerpts: JSON.stringify([...result.excerpts.values()]),
      warnings: JSON.stringify(result.warnings),
      findings: JSON.stringify(result.findings),
    };
    const secrets = [...new Set(corpus.planted.flatMap((p) => p.values))].filter((value) => value.length >= 8);
    assert.ok(secrets.length > corpus.planted.length);
    for (const [name, output] of Object.entries(outputs)) {
      const leaked = secrets.filter((secret) => output.includes(secret));
      assert.deepEqual(leaked.map((secret) => `${secret.slice(0, 4)}… (${secret.length} chars)`), [], `${name} output contains planted secrets`);
    }
  } finally {
    tree.cleanup();
  }
});

/**
 * The other secrets tests hold fake credentials as literals. Run them and grep everything
 * they print (test names, diagnostics, failure diffs) for each of those literals.
 */
test('the output of the secrets tests contains none of the secrets in their sources', () => {
  const here = fileURLToPath(import.meta.url);
  const extension = path.extname(here);
  const files = ['scanner', 'history', 'verify', 'checks'].map((name) => path.join(path.dirname(here), `${name}.test${extension}`));
  const literals = new Set<string>();
  for (const file of files) {
    for (const match of scanBytes(readFileSync(file), file.replace(/\.[jt]s$/, '.ts'), compiledDetectors())) {
      if (match.secret.length >= 8) literals.add(match.secret);
      if (match.pair) literals.add(match.pair.secret);
    }
  }
  assert.ok(literals.size >= 5, `expected the test sources to hold fake secrets, found ${literals.size}`);
  // Outside the parent test runner's child protocol, so that the output is the plain report.
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  const run = spawnSync(process.execPath, [...process.execArgv, '--test', '--test-reporter=spec', ...files], { encoding: 'utf8', timeout: 120_000, env });
  const output = `${run.stdout}\n${run.stderr}`;
  assert.match(output, /pass \d+/);
  const leaked = [...literals].filter((secret) => output.includes(secret));
  assert.deepEqual(leaked.map((secret) => `${secret.slice(0, 4)}… (${secret.length} chars)`), []);
});

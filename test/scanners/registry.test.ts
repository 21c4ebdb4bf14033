import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../src/engine/scan.js';
import { loadScanners } from '../../src/scanners/registry.js';
import { iacScanner } from '../../src/scanners/iac/index.js';
import type { ScannerFinding } from '../../src/core/finding.js';
import type { ScanWarning } from '../../src/scanners/scanner.js';
import { loadConfig } from '../../src/core/config.js';
import { Git } from '../../src/workspace/git.js';
import { commitAll, git, initRepo, tempTree } from '../helpers/tmp.js';

const IAC_FILES = {
  Dockerfile: 'FROM node:20\nUSER root\nCMD ["node", "a.js"]\n',
  '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./ci/build.sh\n',
  'ci/build.sh': 'curl -s http://example.org/install.sh | sh\n',
  'main.tf': 'resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n}\n',
  'a.js': 'module.exports = 1;\n',
};

test('given the files of a scan, a scanner that wants none of them is an idle stand-in; one that wants one, or that a rule setting names, loads', async () => {
  const [idle] = await loadScanners(['iac'], { paths: ['src/a.js', 'README.md'], keep: new Set() });
  assert.equal(idle!.id, 'iac');
  assert.equal(idle!.wants, iacScanner.wants, 'the stand-in wants what the scanner wants');
  assert.deepEqual(idle!.rules(), []);
  const [loaded] = await loadScanners(['iac'], { paths: ['src/a.js', 'Dockerfile'], keep: new Set() });
  assert.equal(loaded, iacScanner);
  const [kept] = await loadScanners(['iac'], { paths: ['src/a.js'], keep: new Set(['iac']) });
  assert.equal(kept, iacScanner);
  assert.equal((await loadScanners(['iac']))[0], iacScanner);
});

test('the IaC scanner finds nothing and warns of nothing in a scan none of whose files it wants', async () => {
  // What lets a scan of staged files leave it out: with the repository's IaC files committed and a source file staged.
  const t = tempTree(IAC_FILES);
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'one');
    t.write('a.js', 'module.exports = 2;\n');
    git(t.dir, 'add', 'a.js');
    for (const staged of [true, false]) {
      const findings: ScannerFinding[] = [];
      const warnings: ScanWarning[] = [];
      const secrets: string[] = [];
      const ctx = {
        root: t.dir,
        files: [],
        config: loadConfig(t.dir),
        options: { history: false, offline: true, verify: false, prodOnly: false, ...(staged ? { staged } : {}) },
        git: await Git.open(t.dir),
        progress: { tick: () => undefined },
        signal: new AbortController().signal,
        warn: (warning: ScanWarning) => warnings.push(warning),
        registerSecret: (value: string) => secrets.push(value),
      };
      for await (const finding of iacScanner.scan(ctx)) findings.push(finding);
      assert.deepEqual({ findings, warnings, secrets }, { findings: [], warnings: [], secrets: [] });
    }
  } finally {
    t.cleanup();
  }
});

test('a scan of staged files lists every scanner, and finds what it found when every scanner loaded', async () => {
  const t = tempTree(IAC_FILES);
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'one');
    t.write('a.js', "const app = require('express')();\nconst { exec } = require('child_process');\napp.get('/run', (req, res) => exec('ls ' + req.query.dir, () => res.end()));\n");
    t.write('Dockerfile', 'FROM node:20\nUSER root\nRUN curl -s http://example.org/x.sh | sh\nCMD ["node", "a.js"]\n');
    git(t.dir, 'add', 'a.js');
    const sourceOnly = await runScan({ target: t.dir, staged: true, options: { offline: true } });
    const everyScanner = await runScan({ target: t.dir, staged: true, options: { offline: true }, scannerSet: await loadScanners() });
    assert.deepEqual(sourceOnly.scanners, ['secrets', 'sast', 'sca', 'iac', 'posture']);
    assert.deepEqual(sourceOnly.findings.map((f) => f.ruleId), ['sast/command-injection']);
    assert.deepEqual({ findings: sourceOnly.findings, warnings: sourceOnly.warnings }, { findings: everyScanner.findings, warnings: everyScanner.warnings });
    git(t.dir, 'add', 'Dockerfile');
    const withDockerfile = await runScan({ target: t.dir, staged: true, options: { offline: true } });
    assert.ok(withDockerfile.findings.some((f) => f.scanner === 'iac' && f.location.path === 'Dockerfile'), 'a staged Dockerfile is scanned');
  } finally {
    t.cleanup();
  }
});

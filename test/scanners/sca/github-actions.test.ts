import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { scaScanner } from '../../../src/scanners/sca/index.js';
import { advisoryVersion, findParser, parseLockfile } from '../../../src/scanners/sca/lockfiles/index.js';
import { sarifErrors } from '../../helpers/schemas.js';
import { runCli } from '../../helpers/cli.js';
import { tempTree } from '../../helpers/tmp.js';

const SHA = 'a'.repeat(40);
const WORKFLOW = [
  'on: push',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4.1.2',
  '      - uses: Example-Org/Changed-Files@v35',
  `      - uses: example-org/setup-tool@${SHA} # v2.3.4`,
  `      - uses: example-org/other@${SHA}`,
  `      - uses: example-org/dated@${SHA} # 2026.01.02.1`,
  '      - uses: example-org/cache/restore@main',
  '      - uses: ./local-action',
  '      - uses: docker://alpine:3.20',
  '      - run: echo hi',
  '  call:',
  '    uses: example-org/workflows/.github/workflows/release.yml@v1.0.0',
  '',
].join('\n');

test('workflows and composite actions are read as GitHub Actions dependencies, with the version their ref names', () => {
  assert.ok(findParser('.github/workflows/ci.yml'));
  assert.ok(findParser('tools/action.yaml'));
  assert.equal(findParser('workflows/ci.yml'), undefined);
  const result = parseLockfile('.github/workflows/ci.yml', WORKFLOW)!;
  assert.deepEqual(result.warnings, []);
  const read = result.packages.map((p) => `${p.location.startLine} ${p.name}@${p.version} ${p.source}${p.flags ? ` ${p.flags.join(',')}` : ''} ${p.purl}`);
  assert.deepEqual(read, [
    '6 actions/checkout@4.1.2 registry pkg:githubactions/actions/checkout@4.1.2',
    '7 Example-Org/Changed-Files@35 registry moving-tag pkg:githubactions/example-org/changed-files@35',
    '8 example-org/setup-tool@2.3.4 registry pkg:githubactions/example-org/setup-tool@2.3.4',
    `9 example-org/other@${SHA} git pkg:githubactions/example-org/other@${SHA}`,
    // a four-part date tag in the comment is no release version: the commit, as for a bare SHA
    `10 example-org/dated@${SHA} git pkg:githubactions/example-org/dated@${SHA}`,
    '11 example-org/cache@main git pkg:githubactions/example-org/cache@main',
    '16 example-org/workflows@1.0.0 registry pkg:githubactions/example-org/workflows@1.0.0',
  ]);
  const composite = parseLockfile('action.yml', 'name: a\nruns:\n  using: composite\n  steps:\n    - uses: example-org/setup-tool@v2\n      with: { x: 1 }\n')!;
  assert.deepEqual(composite.packages.map((p) => `${p.location.startLine} ${p.name}@${p.version}`), ['5 example-org/setup-tool@2']);
  // A moving tag is compared with advisories as the newest release its line can have.
  assert.equal(advisoryVersion(result.packages[1]!), '35.999999999.999999999');
  assert.equal(advisoryVersion(composite.packages[0]!), '2.999999999.999999999');
  assert.equal(advisoryVersion(result.packages[0]!), '4.1.2');
});

test('an action with a published advisory is reported on its uses: line; a moving tag only when no release of its line is fixed', async () => {
  const advisory = (id: string, name: string, fixed: string) =>
    JSON.stringify({
      schema_version: '1.6.0',
      id,
      modified: '2025-03-15T00:00:00Z',
      summary: `Test: ${name} leaks secrets`,
      affected: [{ package: { ecosystem: 'GitHub Actions', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
      database_specific: { severity: 'HIGH', cwe_ids: ['CWE-506'] },
    });
  const t = tempTree({
    '.github/workflows/ci.yml': WORKFLOW,
    'db/A.json': advisory('GHSA-test-gha-0001', 'example-org/changed-files', '46.0.1'),
    'db/B.json': advisory('GHSA-test-gha-0002', 'example-org/setup-tool', '2.3.5'),
    'db/C.json': advisory('GHSA-test-gha-0003', 'actions/checkout', '4.1.0'),
    'db/D.json': advisory('GHSA-test-gha-0004', 'example-org/workflows', '1.5.0'),
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [scaScanner], options: { db: `${t.dir}/db` } });
    assert.deepEqual(result.warnings, []);
    const found = result.findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId} ${f.properties.purl}`).sort();
    assert.deepEqual(found, [
      '.github/workflows/ci.yml:16 sca/GHSA-test-gha-0004 pkg:githubactions/example-org/workflows@1.0.0',
      '.github/workflows/ci.yml:7 sca/GHSA-test-gha-0001 pkg:githubactions/example-org/changed-files@35',
      '.github/workflows/ci.yml:8 sca/GHSA-test-gha-0002 pkg:githubactions/example-org/setup-tool@2.3.4',
    ]);
    const moving = result.findings.find((f) => f.location.startLine === 7)!;
    assert.match(moving.message, /Upgrade to 46\.0\.1\..*the tag v35 moves to the newest 35\.x release, and none of them is fixed/i);
    assert.equal(moving.severity, 'high');

    // A fix inside the line: the moving tag already points at it.
    const fixedInLine = tempTree({ '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: example-org/changed-files@v45\n', 'db/A.json': advisory('GHSA-test-gha-0001', 'example-org/changed-files', '45.0.8') });
    try {
      assert.equal((await runScan({ target: fixedInLine.dir, scannerSet: [scaScanner], options: { db: `${fixedInLine.dir}/db` } })).findings.length, 0);
    } finally {
      fixedInLine.cleanup();
    }

    const sarif = runCli(['scan', t.dir, '--scanners', 'sca', '--db', `${t.dir}/db`, '--format', 'sarif']);
    assert.equal(sarif.status, 1, sarif.stderr);
    assert.deepEqual(sarifErrors(JSON.parse(sarif.stdout)), []);
  } finally {
    t.cleanup();
  }
});

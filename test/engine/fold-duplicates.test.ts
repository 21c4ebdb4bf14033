import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, ScannerId, Severity } from '../../src/core/finding.js';
import { readBaseline, serialiseBaseline } from '../../src/core/baseline.js';
import { foldDuplicates } from '../../src/engine/fold-duplicates.js';
import { runScan } from '../../src/engine/scan.js';
import { writeSarif } from '../../src/report/sarif.js';
import { writeText } from '../../src/report/text.js';
import { sarifErrors } from '../helpers/schemas.js';
import { tempTree } from '../helpers/tmp.js';

function finding(ruleId: string, scanner: ScannerId, cwe: string[], more: { line?: number; severity?: Severity; properties?: Record<string, unknown> } = {}): Finding {
  return {
    ruleId,
    scanner,
    severity: more.severity ?? 'high',
    confidence: 'high',
    title: ruleId,
    message: ruleId,
    cwe,
    owasp: [],
    location: { path: 'main.tf', startLine: more.line ?? 5 },
    fingerprint: `fp-${ruleId}-${more.line ?? 5}`,
    properties: more.properties ?? {},
  };
}

const byName = { recognisedBy: 'name' };
const ids = (findings: Finding[]) => findings.map((f) => f.ruleId).sort();

test('a password found by its name folds into the IaC rule that knows the attribute, whatever the severities', () => {
  const iac = finding('iac/gha-hardcoded-secret', 'iac', ['CWE-798'], { severity: 'low' });
  const secret = finding('secrets/password-in-yaml', 'secrets', ['CWE-798'], { properties: byName });
  const folded = foldDuplicates([secret, iac]);
  assert.deepEqual(ids(folded), ['iac/gha-hardcoded-secret']);
  assert.equal(folded[0]!.severity, 'low');
  assert.deepEqual(folded[0]!.alsoReportedBy, [{ ruleId: 'secrets/password-in-yaml', scanner: 'secrets', severity: 'high', fingerprint: 'fp-secrets/password-in-yaml-5' }]);
});

test('a secret recognised by its own format keeps the finding over the IaC rule', () => {
  const iac = finding('iac/dockerfile-secret-in-env', 'iac', ['CWE-798']);
  const key = finding('secrets/aws-access-key', 'secrets', ['CWE-798'], { severity: 'critical', properties: { recognisedBy: 'format' } });
  assert.deepEqual(ids(foldDuplicates([iac, key])), ['secrets/aws-access-key']);
});

test('a repository posture check folds into the IaC rule on the same line and CWE', () => {
  const latest = finding('iac/dockerfile-image-latest', 'iac', ['CWE-1357'], { severity: 'medium' });
  const unpinned = finding('posture/unpinned-dependencies', 'posture', ['CWE-1357'], { severity: 'info' });
  const root = finding('iac/dockerfile-no-user', 'iac', ['CWE-250'], { severity: 'medium' });
  const folded = foldDuplicates([unpinned, latest, root]);
  assert.deepEqual(ids(folded), ['iac/dockerfile-image-latest', 'iac/dockerfile-no-user']);
  assert.equal(folded.find((f) => f.ruleId === 'iac/dockerfile-no-user')!.alsoReportedBy, undefined);
});

test('nothing folds across lines, across CWEs, or within one scanner', () => {
  const a = finding('iac/tf-azure-hardcoded-password', 'iac', ['CWE-798']);
  const otherLine = finding('secrets/password-in-terraform', 'secrets', ['CWE-798'], { line: 6, properties: byName });
  const otherCwe = finding('secrets/private-key', 'secrets', ['CWE-321'], { properties: byName });
  const sameScanner = finding('iac/tf-aws-hardcoded-key', 'iac', ['CWE-798']);
  assert.deepEqual(ids(foldDuplicates([a, otherLine, otherCwe, sameScanner])), ids([a, otherLine, otherCwe, sameScanner]));
});

test('two rules of one scanner on the line each fold the other scanner only once', () => {
  const first = finding('iac/a', 'iac', ['CWE-798']);
  const second = finding('iac/b', 'iac', ['CWE-798'], { severity: 'medium' });
  const secret = finding('secrets/password-in-terraform', 'secrets', ['CWE-798'], { properties: byName });
  const folded = foldDuplicates([second, secret, first]);
  assert.deepEqual(ids(folded), ['iac/a', 'iac/b']);
  assert.equal(folded.find((f) => f.ruleId === 'iac/a')!.alsoReportedBy?.length, 1);
  assert.equal(folded.find((f) => f.ruleId === 'iac/b')!.alsoReportedBy, undefined);
});

// Built from parts so that secloop's scan of its own tests finds no password literal here.
const PASSWORD = ['Orders', 'Db', '-7413', '-kept'].join('');
const TREE = {
  'infra/main.tf': `resource "azurerm_mssql_server" "db" {\n  name                         = "orders"\n  version                      = "12.0"\n  administrator_login          = "sqladmin"\n  administrator_login_password = "${PASSWORD}"\n}\n`,
};

test('a scan with iac and secrets reports the Terraform password once, and a baseline written then covers a secrets-only scan', async () => {
  const t = tempTree(TREE);
  try {
    const both = await runScan({ target: t.dir, scanners: ['iac', 'secrets'] });
    const onLine5 = both.findings.filter((f) => f.location.path === 'infra/main.tf' && f.location.startLine === 5);
    assert.deepEqual(ids(onLine5), ['iac/tf-azure-hardcoded-password']);
    assert.deepEqual(onLine5[0]!.alsoReportedBy?.map((o) => o.ruleId), ['secrets/password-in-terraform']);

    const sarif = JSON.parse(writeSarif(both));
    assert.deepEqual(sarifErrors(sarif), []);
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'iac/tf-azure-hardcoded-password');
    assert.equal(result.properties.alsoReportedBy[0].ruleId, 'secrets/password-in-terraform');
    assert.match(writeText(both, { color: false }), /also reported by secrets\/password-in-terraform/);
    assert.doesNotMatch(writeText(both, { color: false }), new RegExp(PASSWORD));

    t.write('baseline.json', serialiseBaseline(both.findings));
    assert.equal(readBaseline(`${t.dir}/baseline.json`).size, both.findings.length + 1);
    const secretsOnly = await runScan({ target: t.dir, scanners: ['secrets'], baselineFile: `${t.dir}/baseline.json` });
    assert.deepEqual(secretsOnly.findings, []);
    assert.deepEqual(secretsOnly.suppressed.map((s) => s.finding.ruleId), ['secrets/password-in-terraform']);
  } finally {
    t.cleanup();
  }
});

test('a finding suppressed by its own rule does not hide the other scanner\'s finding on the line', async () => {
  const t = tempTree({
    'infra/main.tf': TREE['infra/main.tf'].replace('  administrator_login_password', '  # secloop-ignore secrets/password-in-terraform -- rotated weekly by the pipeline\n  administrator_login_password'),
  });
  try {
    const result = await runScan({ target: t.dir, scanners: ['iac', 'secrets'] });
    assert.deepEqual(ids(result.findings.filter((f) => f.location.startLine === 6)), ['iac/tf-azure-hardcoded-password']);
    assert.equal(result.findings.find((f) => f.location.startLine === 6)!.alsoReportedBy, undefined);
    assert.deepEqual(result.suppressed.map((s) => s.finding.ruleId), ['secrets/password-in-terraform']);
  } finally {
    t.cleanup();
  }
});

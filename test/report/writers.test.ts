import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../src/engine/scan.js';
import { writeSarif } from '../../src/report/sarif.js';
import { writeJson } from '../../src/report/json.js';
import { writeHtml } from '../../src/report/html.js';
import { writeText } from '../../src/report/text.js';
import { markerScanner } from '../helpers/marker-scanner.js';
import { sarifErrors } from '../helpers/schemas.js';
import { tempTree } from '../helpers/tmp.js';

async function sampleResult(): Promise<ScanResult> {
  const t = tempTree({
    'src/app.js': [
      'const a = 1;',
      'exec(cmd) // MARKER-critical TRACE RELATED',
      '// secloop-ignore sast/test-marker-low -- reviewed: constant',
      'MARKER-low',
      'MARKER-medium <script>alert(1)</script>',
    ].join('\n'),
    'notes.txt': 'MARKER-info\n',
  });
  try {
    return await runScan({ target: t.dir, scannerSet: [markerScanner] });
  } finally {
    t.cleanup();
  }
}

test('SARIF validates against the 2.1.0 schema and follows the conventions', async () => {
  const result = await sampleResult();
  const sarif = JSON.parse(writeSarif(result));
  assert.deepEqual(sarifErrors(sarif), []);
  assert.notDeepEqual(sarifErrors({ version: '2.1.0', runs: [{ results: [] }] }), [], 'the validator rejects a run without a tool');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'secloop');
  const rules = run.tool.driver.rules as Array<{ id: string; properties: Record<string, unknown>; help: { text: string } }>;
  const critical = rules.find((r) => r.id === 'sast/test-marker-critical')!;
  assert.equal(critical.properties['security-severity'], '9.5');
  assert.ok((critical.properties.tags as string[]).includes('external/cwe/cwe-78'));
  assert.ok((critical.properties.tags as string[]).includes('security'));
  assert.match(critical.help.text, /How to fix: Remove the marker/);
  assert.equal(rules.find((r) => r.id === 'sast/test-marker-medium')!.properties['security-severity'], '5.5');

  const results = run.results as Array<Record<string, any>>;
  const byRule = (id: string) => results.find((r) => r.ruleId === id)!;
  assert.equal(byRule('sast/test-marker-critical').level, 'error');
  assert.equal(byRule('sast/test-marker-medium').level, 'warning');
  assert.equal(byRule('sast/test-marker-info').level, 'note');
  const crit = byRule('sast/test-marker-critical');
  assert.equal(crit.locations[0].physicalLocation.artifactLocation.uri, 'src/app.js');
  assert.equal(crit.locations[0].physicalLocation.region.startLine, 2);
  assert.match(crit.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{16}:1$/);
  assert.match(crit.partialFingerprints['secloop/v1'], /^[0-9a-f]{32}$/);
  assert.equal(crit.codeFlows[0].threadFlows[0].locations.length, 2);
  assert.deepEqual(
    crit.relatedLocations.map((r: any) => [r.id, r.physicalLocation.region.startLine, r.message.text]),
    [[0, 1, 'the same flow writes here too']],
  );
  assert.deepEqual(crit.properties.owasp, ['A03:2021', 'A05:2025']);
  assert.equal(rules[crit.ruleIndex]!.id, crit.ruleId);
  const low = byRule('sast/test-marker-low');
  assert.deepEqual(low.suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'reviewed: constant' }]);
});

test('JSON and SARIF are deterministic', async () => {
  const a = await sampleResult();
  const b = await sampleResult();
  assert.equal(writeJson(a), writeJson(b));
  assert.equal(writeSarif(a), writeSarif(b));
  const json = JSON.parse(writeJson(a));
  assert.equal(json.summary.total, 3);
  assert.equal(json.suppressed.length, 1);
  assert.equal(json.suppressed[0].suppression.kind, 'inSource');
});

test('HTML is self-contained and escapes content', async () => {
  const html = writeHtml(await sampleResult());
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /<script src|<link /);
  assert.doesNotMatch(html, /<script>alert\(1\)<\/script>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /OWASP Top 10 2021/);
  assert.match(html, /A03:2021 Injection/);
  assert.match(html, /id="q"/);
});

test('text report groups by severity and ends with a summary', async () => {
  const text = writeText(await sampleResult(), { color: false });
  const order = ['CRITICAL (1)', 'MEDIUM (1)', 'INFO (1)', 'Summary'].map((h) => text.indexOf(h));
  assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), text);
  assert.match(text, /suppressed: 1 inline, 0 by baseline/);
  assert.match(text, /files:\s+2 scanned/);
  assert.doesNotMatch(text, /\x1b\[/, 'no colour codes when colour is off');
});

test('no writer shows a secret the scanner registered, not even in code excerpts', async () => {
  const secret = 'sk_live_' + 'Zq4X9tY2mB7nW1vK8pR3sL6d';
  const secretScanner: typeof markerScanner = {
    ...markerScanner,
    id: 'secrets',
    async *scan(ctx) {
      for (const file of ctx.files) {
        const text = (await file.text()) ?? '';
        const line = text.split('\n').findIndex((l) => l.includes(secret));
        if (line < 0) continue;
        ctx.registerSecret(secret);
        yield {
          ruleId: 'secrets/stripe-secret-key',
          scanner: 'secrets',
          severity: 'critical',
          confidence: 'high',
          title: 'Stripe secret key',
          message: `Stripe key ${secret} found`,
          cwe: ['CWE-798'],
          location: { path: file.path, startLine: line + 1 },
          properties: {},
          fingerprintKey: 'hash-of-secret',
        };
      }
    },
  };
  const t = tempTree({ 'config.js': `const a = 1;\nconst stripe = "${secret}";\nconst b = 2;\n` });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [secretScanner] });
    assert.equal(result.findings.length, 1);
    for (const output of [writeHtml(result), writeJson(result), writeSarif(result), writeText(result, { color: false })]) {
      assert.ok(!output.includes(secret), 'secret leaked into a report');
      assert.ok(!output.includes(secret.slice(8)), 'secret tail leaked into a report');
    }
    assert.match(writeHtml(result), /sk_l…\[32 chars, sha256:[0-9a-f]{12}\]/);
  } finally {
    t.cleanup();
  }
});

test('text: findings on one line with the same fix, trace and tags show them once; trace steps at the same place show only their note', async () => {
  const twoOnOneLine: typeof markerScanner = {
    ...markerScanner,
    id: 'sca',
    async *scan(ctx) {
      for (const id of ['ADV-1', 'ADV-2']) {
        yield {
          ruleId: `sca/${id}`, scanner: 'sca', severity: 'high', confidence: 'high', title: `pkg@1.0.0 ${id}`, message: id,
          cwe: ['CWE-1104'], location: { path: ctx.files[0]!.path, startLine: 1 }, properties: {},
          trace: [{ path: ctx.files[0]!.path, startLine: 1, message: 'app > pkg@1.0.0' }],
          fix: { summary: 'upgrade pkg to 1.2.0', versions: ['1.2.0'] },
        };
      }
    },
  };
  const t = tempTree({ 'lock.txt': 'pkg 1.0.0\n' });
  try {
    const text = writeText(await runScan({ target: t.dir, scannerSet: [twoOnOneLine] }), { color: false });
    assert.equal(text.split('fix: upgrade pkg to 1.2.0').length - 1, 1, text);
    // one trace and one tag line too, after the last of them (many Go stdlib advisories on one go.mod line)
    assert.equal(text.split('↳ app > pkg@1.0.0').length - 1, 1, text);
    assert.equal(text.split('CWE-1104').length - 1, 1, text);
    assert.ok(text.indexOf('↳ app > pkg@1.0.0') > text.indexOf('ADV-2'), text);
    assert.doesNotMatch(text, /↳ lock\.txt:1/);
  } finally {
    t.cleanup();
  }
});

test('text: a rule\'s fix is printed with its first finding only; another rule, or the same rule with other advice, prints its own', async () => {
  const advice: typeof markerScanner = {
    ...markerScanner,
    id: 'iac',
    async *scan(ctx) {
      const at = (startLine: number) => ({ path: ctx.files[0]!.path, startLine });
      const base = { scanner: 'iac' as const, confidence: 'high' as const, cwe: [], properties: {} };
      yield { ...base, ruleId: 'iac/a', severity: 'high', title: 'A', message: 'a1', location: at(1), fix: { summary: 'do A' } };
      yield { ...base, ruleId: 'iac/a', severity: 'medium', title: 'A', message: 'a2', location: at(2), fix: { summary: 'do A' } };
      yield { ...base, ruleId: 'iac/a', severity: 'medium', title: 'A', message: 'a3', location: at(3), fix: { summary: 'do A differently' } };
      yield { ...base, ruleId: 'iac/b', severity: 'medium', title: 'B', message: 'b1', location: at(4), fix: { summary: 'do B' } };
    },
  };
  const t = tempTree({ 'conf.txt': 'one\ntwo\nthree\nfour\n' });
  try {
    const text = writeText(await runScan({ target: t.dir, scannerSet: [advice] }), { color: false });
    const count = (needle: string) => text.split(needle).length - 1;
    assert.equal(count('fix: do A\n'), 1, text);
    assert.ok(text.indexOf('fix: do A\n') < text.indexOf('a2'), 'printed with the first (highest) finding');
    assert.equal(count('fix: do A differently'), 1);
    assert.equal(count('fix: do B'), 1);
    assert.match(text, /secloop explain RULE/);
  } finally {
    t.cleanup();
  }
});

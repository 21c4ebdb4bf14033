import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_CODE_TAG } from '../../src/core/code-kind.js';
import { gateExitCode } from '../../src/core/policy.js';
import { runScan, type ScanResult } from '../../src/engine/scan.js';
import { writeJson } from '../../src/report/json.js';
import { writeSarif } from '../../src/report/sarif.js';
import { writeText } from '../../src/report/text.js';
import { markerScanner } from '../helpers/marker-scanner.js';
import { sarifErrors } from '../helpers/schemas.js';
import { tempTree } from '../helpers/tmp.js';

async function scanTree(files: Record<string, string>): Promise<ScanResult> {
  const t = tempTree(files);
  try {
    return await runScan({ target: t.dir, scannerSet: [markerScanner] });
  } finally {
    t.cleanup();
  }
}

const tagsOf = (result: ScanResult, path: string) => result.findings.find((f) => f.location.path === path)?.properties.tags;

test('a finding under test/ is tagged test-code, one under src/ is not; severity and fingerprint stay', async () => {
  const result = await scanTree({ 'test/server.js': 'MARKER-high\n', 'src/server.js': 'MARKER-high\n', 'src/app.test.js': 'MARKER-low\n' });
  assert.deepEqual(tagsOf(result, 'test/server.js'), [TEST_CODE_TAG]);
  assert.deepEqual(tagsOf(result, 'src/app.test.js'), [TEST_CODE_TAG]);
  assert.equal(tagsOf(result, 'src/server.js'), undefined);
  const inTest = result.findings.find((f) => f.location.path === 'test/server.js')!;
  const inSrc = result.findings.find((f) => f.location.path === 'src/server.js')!;
  assert.equal(inTest.severity, 'high');
  assert.notEqual(inTest.fingerprint, inSrc.fingerprint);
});

test('suppressed findings in test code carry the tag too', async () => {
  const result = await scanTree({ 'test/a.js': '// secloop-ignore sast/test-marker-high -- fixture\nMARKER-high\n' });
  assert.equal(result.findings.length, 0);
  assert.deepEqual(result.suppressed[0]!.finding.properties.tags, [TEST_CODE_TAG]);
});

test('the gate leaves test code out only when asked', async () => {
  const onlyTest = await scanTree({ 'test/a.js': 'MARKER-critical\n', 'src/b.js': 'MARKER-low\n' });
  assert.equal(gateExitCode(onlyTest.findings, 'high'), 1);
  assert.equal(gateExitCode(onlyTest.findings, 'high', { excludeTestCode: true }), 0);
  assert.equal(gateExitCode(onlyTest.findings, 'low', { excludeTestCode: true }), 1, 'the finding in src/ still counts');
  const both = await scanTree({ 'test/a.js': 'MARKER-high\n', 'src/b.js': 'MARKER-high\n' });
  assert.equal(gateExitCode(both.findings, 'high', { excludeTestCode: true }), 1);
});

test('writers: SARIF result.properties.tags (valid 2.1.0), JSON properties, text marks the finding', async () => {
  const result = await scanTree({ 'test/a.js': 'MARKER-high\n', 'src/b.js': 'MARKER-medium\n' });
  const sarif = JSON.parse(writeSarif(result));
  assert.deepEqual(sarifErrors(sarif), []);
  const results = sarif.runs[0].results as Array<{ locations: any[]; properties: Record<string, unknown> }>;
  const at = (uri: string) => results.find((r) => r.locations[0].physicalLocation.artifactLocation.uri === uri)!;
  assert.deepEqual(at('test/a.js').properties.tags, [TEST_CODE_TAG]);
  assert.equal(at('src/b.js').properties.tags, undefined);

  const json = JSON.parse(writeJson(result));
  assert.deepEqual(json.findings.find((f: any) => f.location.path === 'test/a.js').properties.tags, [TEST_CODE_TAG]);

  const text = writeText(result, { color: false });
  const line = (path: string) => {
    const lines = text.split('\n');
    return lines[lines.findIndex((l) => l.trim() === path) + 1]!;
  };
  assert.match(line('test/a.js'), /\[sast\/test-marker-high\] \(test code\)$/);
  assert.doesNotMatch(line('src/b.js'), /test code/);
  assert.match(text, /test code:\s+1 of 2 findings/);
});

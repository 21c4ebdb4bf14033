import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runScan } from '../../src/engine/scan.js';
import { serialiseBaseline } from '../../src/core/baseline.js';
import { UsageError } from '../../src/core/errors.js';
import { markerScanner } from '../helpers/marker-scanner.js';
import { commitAll, git, initRepo, tempTree } from '../helpers/tmp.js';

const scan = (target: string, extra: Partial<Parameters<typeof runScan>[0]> = {}) =>
  runScan({ target, scannerSet: [markerScanner], ...extra });

test('findings carry OWASP ids, fingerprints and are sorted by severity', async () => {
  const t = tempTree({ 'a.js': 'x\nMARKER-low\nMARKER-critical\n', 'b.js': 'MARKER-high\n' });
  try {
    const result = await scan(t.dir);
    assert.deepEqual(result.findings.map((f) => f.severity), ['critical', 'high', 'low']);
    assert.deepEqual(result.findings[0]!.owasp, ['A03:2021', 'A05:2025']);
    assert.match(result.findings[0]!.fingerprint, /^[0-9a-f]{32}$/);
    assert.equal(result.filesScanned, 2);
  } finally {
    t.cleanup();
  }
});

test('a fingerprint is unchanged after inserting lines above the finding', async () => {
  const t = tempTree({ 'a.js': 'const a = 1;\nrun(); // MARKER-high\n' });
  try {
    const before = (await scan(t.dir)).findings[0]!;
    t.write('a.js', '// new header\n\n\nimport x from "y";\nconst a = 1;\nrun(); // MARKER-high\n');
    const after = (await scan(t.dir)).findings[0]!;
    assert.equal(after.location.startLine, 6);
    assert.equal(after.fingerprint, before.fingerprint);
  } finally {
    t.cleanup();
  }
});

test('baseline round trip: recorded findings are suppressed, new ones are not', async () => {
  const t = tempTree({ 'a.js': 'MARKER-high\n' });
  try {
    const first = await scan(t.dir);
    const baselineFile = path.join(t.dir, 'baseline.json');
    writeFileSync(baselineFile, serialiseBaseline(first.findings));
    assert.doesNotMatch(serialiseBaseline(first.findings), /MARKER/, 'a baseline holds no code');
    t.write('a.js', 'MARKER-high\nMARKER-medium\n');
    const second = await scan(t.dir, { baselineFile });
    assert.deepEqual(second.findings.map((f) => f.ruleId), ['sast/test-marker-medium']);
    assert.equal(second.suppressed.length, 1);
    assert.equal(second.suppressed[0]!.kind, 'external');
    assert.equal(second.suppressed[0]!.finding.fingerprint, first.findings[0]!.fingerprint);
  } finally {
    t.cleanup();
  }
});

test('a broken baseline is a usage error', async () => {
  const t = tempTree({ 'a.js': 'x', 'bad.json': '{nope' });
  try {
    await assert.rejects(scan(t.dir, { baselineFile: path.join(t.dir, 'bad.json') }), (e: unknown) => e instanceof UsageError && /not valid JSON/.test(e.message));
  } finally {
    t.cleanup();
  }
});

test("a suppression the scanner read in another tool's syntax is an in-source suppression with its justification", async () => {
  const t = tempTree({ 'a.js': 'MARKER-high FOREIGN-IGNORE(zizmor: ignore[template-injection])\nMARKER-high\n' });
  try {
    const result = await scan(t.dir);
    assert.deepEqual(result.findings.map((f) => f.location.startLine), [2]);
    assert.deepEqual(
      result.suppressed.map((s) => [s.finding.location.startLine, s.kind, s.justification]),
      [[1, 'inSource', 'zizmor: ignore[template-injection]']],
    );
  } finally {
    t.cleanup();
  }
});

test('inline suppression with a reason suppresses; without a reason it is reported', async () => {
  const t = tempTree({
    'a.js': [
      '// secloop-ignore sast/test-marker-high -- constant input, reviewed',
      'MARKER-high',
      'MARKER-high // secloop-ignore sast/test-marker-high',
      'MARKER-medium // secloop-ignore sast/* -- fixture',
    ].join('\n'),
  });
  try {
    const result = await scan(t.dir);
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.location.startLine, 3);
    assert.equal(result.findings[0]!.properties.suppressionRejected, 'secloop-ignore without a reason');
    assert.ok(result.warnings.some((w) => w.line === 3 && /has no reason/.test(w.message)));
    assert.deepEqual(
      result.suppressed.map((s) => [s.finding.location.startLine, s.kind, s.justification]),
      [
        [2, 'inSource', 'constant input, reviewed'],
        [4, 'inSource', 'fixture'],
      ],
    );
  } finally {
    t.cleanup();
  }
});

test('rule settings disable rules and override severity', async () => {
  const t = tempTree({
    'a.js': 'MARKER-high\nMARKER-low\n',
    'secloop.yaml': 'rules:\n  sast/test-marker-low: off\n  sast/test-marker-high: { severity: medium }\n',
  });
  try {
    const result = await scan(t.dir);
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.severity]), [['sast/test-marker-high', 'medium']]);
  } finally {
    t.cleanup();
  }
});

test('a rule id under rules: that no loaded scanner has is exit 2 with file, line and a suggestion', async () => {
  const typo = tempTree({ 'a.js': 'MARKER-high\n', 'secloop.yaml': 'failOn: high\nrules:\n  sast/test-marker-hgh: off\n' });
  const noScanner = tempTree({ 'a.js': 'MARKER-high\n', 'secloop.yaml': 'rules:\n  secret/github-pat: off\n' });
  // Rules of scanners that do not run this time are not checked (iac is not loaded here).
  const otherScanner = tempTree({ 'a.js': 'MARKER-high\n', 'secloop.yaml': 'rules:\n  iac/not-loaded-here: off\n' });
  try {
    await assert.rejects(scan(typo.dir), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(error.message, "secloop.yaml:3: 'rules.sast/test-marker-hgh' is not a known rule (did you mean 'sast/test-marker-high'?); `secloop explain` lists them");
      return true;
    });
    await assert.rejects(scan(noScanner.dir), /secloop\.yaml:2: 'rules\.secret\/github-pat' names no scanner/);
    assert.equal((await scan(otherScanner.dir)).findings.length, 1);
  } finally {
    typo.cleanup();
    noScanner.cleanup();
    otherScanner.cleanup();
  }
});

test('--since reports only findings on lines added or changed since the ref', async () => {
  const t = tempTree({ 'src/a.js': 'MARKER-high old\nkeep\n', 'src/b.js': 'clean\n' });
  try {
    initRepo(t.dir);
    const base = commitAll(t.dir, 'base');
    t.write('src/a.js', 'MARKER-high old\nkeep\nMARKER-medium new\n');
    t.write('src/b.js', 'MARKER-low changed\n');
    t.write('src/c.js', 'MARKER-info untracked\n');
    const result = await scan(t.dir, { since: base });
    assert.deepEqual(
      result.findings.map((f) => `${f.location.path}:${f.location.startLine}`).sort(),
      ['src/a.js:3', 'src/b.js:1', 'src/c.js:1'],
    );
    // From a subdirectory, paths stay relative to the scan root.
    const sub = await scan(path.join(t.dir, 'src'), { since: 'HEAD' });
    assert.deepEqual(sub.findings.map((f) => `${f.location.path}:${f.location.startLine}`).sort(), ['a.js:3', 'b.js:1', 'c.js:1']);
  } finally {
    t.cleanup();
  }
});

test('--since with a ref that does not exist is a clear usage error', async () => {
  const t = tempTree({ 'a.js': 'x\n' });
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'one');
    await assert.rejects(scan(t.dir, { since: 'origin/nope' }), (e: unknown) => e instanceof UsageError && /git ref 'origin\/nope' does not exist/.test(e.message));
    await assert.rejects(scan(t.dir, { since: '--output=/tmp/x' }), UsageError);
  } finally {
    t.cleanup();
  }
});

test('--staged scans the index, not the working tree', async () => {
  const t = tempTree({ 'a.js': 'clean\n' });
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'one');
    t.write('a.js', 'clean\nMARKER-high staged\n');
    git(t.dir, 'add', 'a.js');
    t.write('a.js', 'clean\nMARKER-high staged\nMARKER-critical not staged\n');
    const result = await scan(t.dir, { staged: true });
    assert.deepEqual(result.findings.map((f) => f.severity), ['high']);
  } finally {
    t.cleanup();
  }
});

test('a missing path is a usage error', async () => {
  await assert.rejects(scan('/nonexistent/secloop'), UsageError);
});

test('a scanner that throws becomes a warning, not a crash', async () => {
  const t = tempTree({ 'a.js': 'MARKER-high\n' });
  try {
    const broken = { ...markerScanner, id: 'iac' as const, async *scan() { throw new Error('boom'); } };
    const result = await runScan({ target: t.dir, scannerSet: [markerScanner, broken] });
    assert.equal(result.findings.length, 1);
    assert.ok(result.warnings.some((w) => w.scanner === 'iac' && /scanner failed: boom/.test(w.message)));
  } finally {
    t.cleanup();
  }
});

test('a finding that spans lines is kept by --since when any of its lines changed, and suppressed at its end line', async () => {
  const spanning: typeof markerScanner = {
    ...markerScanner,
    async *scan(ctx) {
      for (const file of ctx.files) {
        const text = (await file.text()) ?? '';
        const lines = text.split('\n');
        const start = lines.findIndex((l) => l.includes('BLOCK-START'));
        const end = lines.findIndex((l) => l.includes('BLOCK-END'));
        if (start < 0 || end < 0) continue;
        yield {
          ruleId: 'sast/test-marker-high', scanner: 'sast', severity: 'high', confidence: 'high', title: 't', message: 'm',
          cwe: [], location: { path: file.path, startLine: start + 1, endLine: end + 1 }, properties: {},
        };
      }
    },
  };
  const t = tempTree({ 'a.js': 'BLOCK-START\nrun one\nrun two\nBLOCK-END\n' });
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'base');
    t.write('a.js', 'BLOCK-START\nrun one\nrun two changed\nBLOCK-END\n');
    const since = await runScan({ target: t.dir, scannerSet: [spanning], since: 'HEAD' });
    assert.equal(since.findings.length, 1);
    t.write('a.js', 'BLOCK-START\nrun one\n# secloop-ignore sast/test-marker-high -- reviewed\nBLOCK-END\n');
    const suppressed = await runScan({ target: t.dir, scannerSet: [spanning] });
    assert.equal(suppressed.findings.length, 0);
    assert.equal(suppressed.suppressed.length, 1);
  } finally {
    t.cleanup();
  }
});

test('each file with findings gets its own excerpts and suppressions, its text read while earlier files are worked on', async () => {
  // More files than are read ahead, of different lengths, so that reads end out of order.
  const texts: Record<string, string> = {};
  for (let i = 0; i < 13; i++) {
    const pad = Array.from({ length: (i * 7) % 5 }, (_, k) => `const pad${k} = ${i};`).join('\n');
    const ignore = i % 3 === 0 ? `// secloop-ignore sast/test-marker-high -- fixture ${i}\n` : '';
    texts[`f${String(i).padStart(2, '0')}.js`] = `${pad}\n${ignore}run(${i}); // MARKER-high\n`;
  }
  const t = tempTree(texts);
  try {
    const result = await scan(t.dir);
    const all = [...result.findings, ...result.suppressed.map((s) => s.finding)];
    assert.equal(all.length, 13);
    for (const finding of all) {
      const i = Number(finding.location.path.slice(1, 3));
      const excerpt = result.excerpts.get(finding.fingerprint)!;
      assert.equal(excerpt.lines[finding.location.startLine - excerpt.startLine], `run(${i}); // MARKER-high`);
    }
    assert.deepEqual(
      result.suppressed.map((s) => s.justification).sort(),
      [0, 3, 6, 9, 12].map((i) => `fixture ${i}`).sort(),
    );
  } finally {
    t.cleanup();
  }
});

test("a warning's message is bounded: a reader quoting hostile input does not flood the report", async () => {
  const t = tempTree({ 'a.js': 'x\n' });
  try {
    const quoting = { ...markerScanner, async *scan(ctx: Parameters<typeof markerScanner.scan>[0]) { ctx.warn({ path: 'a.js', message: `cannot read requirement ${'a'.repeat(200_000)}` }); } };
    const result = await runScan({ target: t.dir, scannerSet: [quoting] });
    const message = result.warnings.find((w) => w.path === 'a.js')!.message;
    assert.ok(message.length < 1100, `${message.length} characters`);
    assert.match(message, /^cannot read requirement a+… \(199024 more characters\)$/);
  } finally {
    t.cleanup();
  }
});

test('a problem two scanners find in the same file is one warning', async () => {
  const t = tempTree({ 'a.js': 'x\n' });
  try {
    const saying = (id: 'sast' | 'iac') => ({ ...markerScanner, id, async *scan(ctx: Parameters<typeof markerScanner.scan>[0]) { ctx.warn({ path: 'a.js', line: 2, message: 'invalid YAML: unexpected end' }); ctx.warn({ path: 'a.js', line: 1, message: `only ${id} says this` }); } });
    const result = await runScan({ target: t.dir, scannerSet: [saying('sast'), saying('iac')] });
    assert.deepEqual(result.warnings.map((w) => `${w.line} ${w.message}`), ['1 only iac says this', '1 only sast says this', '2 invalid YAML: unexpected end']);
  } finally {
    t.cleanup();
  }
});

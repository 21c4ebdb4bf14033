import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { sastScanner } from '../../../src/scanners/sast/index.js';
import { fixturePath } from '../../helpers/paths.js';
import { readAnnotations } from './annotations.js';

/**
 * Every directory under test/fixtures/sast is a small project whose files say, line by
 * line, what must fire (`// ruleid: sast/x` above the line) and what must not
 * (`// ok: sast/x`). The scanner's findings must match the `ruleid` annotations exactly.
 */
const root = fixturePath('sast');
const projects = readdirSync(root).filter((name) => statSync(path.join(root, name)).isDirectory()).sort();

describe('sast fixtures (ruleid/ok annotations)', () => {
  it('has fixtures', () => assert.ok(projects.length >= 10));

  for (const project of projects) {
    it(project, async () => {
      const dir = path.join(root, project);
      const annotations = readAnnotations(dir);
      assert.ok(annotations.length > 0, `${project} has no annotations`);
      const result = await runScan({ target: dir, scanners: ['sast'], scannerSet: [sastScanner] });
      const failures = result.warnings.filter((w) => w.message.startsWith('scanner failed'));
      assert.deepEqual(failures, [], 'the scanner must not fail');

      const key = (p: string, line: number, rule: string) => `${p}:${line} ${rule}`;
      const actual = new Set(result.findings.map((f) => key(f.location.path, f.location.startLine, f.ruleId)));
      const expected = new Set(annotations.filter((a) => a.kind === 'ruleid').map((a) => key(a.path, a.line, a.ruleId)));
      const missing = [...expected].filter((k) => !actual.has(k));
      const unexpected = [...actual].filter((k) => !expected.has(k));
      assert.deepEqual({ missing, unexpected }, { missing: [], unexpected: [] });
      for (const ok of annotations.filter((a) => a.kind === 'ok')) {
        assert.ok(!actual.has(key(ok.path, ok.line, ok.ruleId)), `ok annotation fired: ${key(ok.path, ok.line, ok.ruleId)}`);
      }
      // Taint findings explain themselves: a trace from a source to the sink line.
      for (const f of result.findings.filter((x) => x.properties.kind !== 'pattern')) {
        assert.ok(f.trace && f.trace.length >= 2, `${f.ruleId} at ${f.location.path}:${f.location.startLine} has a trace`);
        assert.match(f.trace[0]!.message ?? '', /^source: /);
        const last = f.trace[f.trace.length - 1]!;
        assert.equal(last.startLine, f.location.startLine);
        assert.match(last.message ?? '', /^sink: /);
      }
    });
  }
});

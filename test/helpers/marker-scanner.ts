import type { ScannerFinding, Severity } from '../../src/core/finding.js';
import type { Scanner } from '../../src/scanners/scanner.js';

/**
 * A scanner for pipeline tests: every line containing `MARKER-<severity>` is a finding
 * of rule `sast/test-marker-<severity>`. It lets the core be tested without real rules.
 */
export const markerScanner: Scanner = {
  id: 'sast',
  description: 'test scanner: flags MARKER-<severity> lines',
  wants: (path) => path.endsWith('.js') || path.endsWith('.txt'),
  rules: () =>
    (['critical', 'high', 'medium', 'low', 'info'] as Severity[]).map((severity) => ({
      id: `sast/test-marker-${severity}`,
      title: `Test marker (${severity})`,
      description: 'A line carries a test marker.',
      remediation: 'Remove the marker.',
      severity,
      cwe: ['CWE-78'],
    })),
  async *scan(ctx) {
    for (const file of ctx.files) {
      const text = await file.text();
      ctx.progress.tick();
      if (text === null) continue;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const match = /MARKER-(critical|high|medium|low|info)/.exec(lines[i]!);
        if (!match) continue;
        const severity = match[1] as Severity;
        const finding: ScannerFinding = {
          ruleId: `sast/test-marker-${severity}`,
          scanner: 'sast',
          severity,
          confidence: 'high',
          title: `Test marker (${severity})`,
          message: `marker found in ${file.path}`,
          cwe: ['CWE-78'],
          location: { path: file.path, startLine: i + 1, startColumn: match.index + 1 },
          properties: {},
        };
        if (lines[i]!.includes('TRACE')) finding.trace = [
          { path: file.path, startLine: 1, message: 'source' },
          { path: file.path, startLine: i + 1, message: 'sink' },
        ];
        const foreign = /FOREIGN-IGNORE\((.+?)\)/.exec(lines[i]!);
        if (foreign) finding.inSourceSuppression = foreign[1]!;
        if (lines[i]!.includes('RELATED')) finding.related = [{ path: file.path, startLine: 1, message: 'the same flow writes here too' }];
        yield finding;
      }
    }
  },
};

import { SEVERITIES, type Finding, type Severity } from '../core/finding.js';
import type { ScanResult } from '../engine/scan.js';

export interface Summary {
  total: number;
  bySeverity: Record<Severity, number>;
  byScanner: Record<string, number>;
  byOwasp: Record<string, number>;
  suppressed: { inSource: number; baseline: number };
  filesScanned: number;
  filesSkipped: number;
  skippedByReason: Record<string, number>;
  warnings: number;
}

export function summarise(result: ScanResult): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byScanner: Record<string, number> = {};
  const byOwasp: Record<string, number> = {};
  for (const finding of result.findings) {
    bySeverity[finding.severity]++;
    byScanner[finding.scanner] = (byScanner[finding.scanner] ?? 0) + 1;
    for (const id of finding.owasp) byOwasp[id] = (byOwasp[id] ?? 0) + 1;
  }
  const skippedByReason: Record<string, number> = {};
  for (const skip of result.skipped) skippedByReason[skip.reason] = (skippedByReason[skip.reason] ?? 0) + 1;
  return {
    total: result.findings.length,
    bySeverity,
    byScanner: sortKeys(byScanner),
    byOwasp: sortKeys(byOwasp),
    suppressed: {
      inSource: result.suppressed.filter((s) => s.kind === 'inSource').length,
      baseline: result.suppressed.filter((s) => s.kind === 'external').length,
    },
    filesScanned: result.filesScanned,
    filesSkipped: result.skipped.length,
    skippedByReason: sortKeys(skippedByReason),
    warnings: result.warnings.length,
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The line a finding is at, as people write it: path:line[:column]. */
export function locationText(finding: Finding): string {
  const { path, startLine, startColumn } = finding.location;
  return `${path}:${startLine}${startColumn ? `:${startColumn}` : ''}`;
}

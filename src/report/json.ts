import type { ScanResult } from '../engine/scan.js';
import { summarise } from './summary.js';
import { TOOL_VERSION } from '../core/version.js';

/**
 * Machine-readable report. Deterministic: no timestamps or durations, sorted.
 */
export function writeJson(result: ScanResult): string {
  const report = {
    tool: { name: 'secloop', version: TOOL_VERSION },
    scanners: result.scanners,
    ...(result.since ? { since: result.since } : {}),
    summary: summarise(result),
    findings: result.findings,
    suppressed: result.suppressed.map((s) => ({ ...s.finding, suppression: { kind: s.kind, justification: s.justification } })),
    warnings: result.warnings,
    skipped: result.skipped,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

import { compareFindings, type Finding, type ScannerFinding } from '../core/finding.js';
import { fingerprintAll, lineHash } from '../core/fingerprint.js';
import { RuleCatalog } from '../core/rule.js';
import { owaspFor } from '../core/taxonomy.js';
import type { ScanResult } from '../engine/scan.js';
import type { ScanWarning } from '../scanners/scanner.js';
import type { OpsCheckResult } from './check.js';
import { OPS_RULES } from './rules.js';

/**
 * Turns an ops check into a ScanResult so that the same writers (text, json, sarif,
 * html) render it. Fingerprints use the socket (transport, address, port), not the
 * line, because several findings share the line of one declaration.
 */
export function toScanResult(check: OpsCheckResult, durationMs: number): ScanResult {
  // Rule settings from secloop.yaml apply as they do to `scan`.
  const settings = check.declarations.config.rules;
  const raw: ScannerFinding[] = check.findings.flatMap((f) => {
    const setting = settings[f.ruleId];
    if (setting && !setting.enabled) return [];
    return [{ ...f, severity: setting?.severity ?? f.severity }];
  });
  const fingerprints = fingerprintAll(
    raw.map((f) => ({ ruleId: f.ruleId, path: f.location.path, key: f.fingerprintKey ?? f.message, line: f.location.startLine })),
  );
  const lineHashes = new Map<string, string>();
  const findings: Finding[] = raw.map((f, i) => {
    const { fingerprintKey, ...rest } = f;
    const fingerprint = fingerprints[i]!;
    lineHashes.set(fingerprint, lineHash(fingerprintKey ?? f.message, 0));
    return { ...rest, owasp: f.owasp ?? owaspFor(f.cwe), fingerprint };
  });
  findings.sort(compareFindings);
  const warnings = [...check.warnings].sort(compareWarnings);
  return {
    root: check.declarations.root,
    config: check.declarations.config,
    scanners: ['ops'],
    findings,
    suppressed: [],
    warnings,
    skipped: [],
    filesScanned: check.declarations.filesRead,
    ignoredCount: 0,
    rules: new RuleCatalog().add(OPS_RULES),
    lineHashes,
    excerpts: new Map(),
    durationMs,
  };
}

function compareWarnings(a: ScanWarning, b: ScanWarning): number {
  const pa = a.path ?? '';
  const pb = b.path ?? '';
  return pa < pb ? -1 : pa > pb ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

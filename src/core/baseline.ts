import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { compareStrings, type Finding } from './finding.js';

/**
 * A baseline records findings a team accepts for now, by fingerprint only: no code,
 * no message, no secret. Findings in it are reported as suppressed, never dropped.
 */
export interface Baseline {
  version: 1;
  tool: 'secloop';
  findings: Array<{ fingerprint: string; ruleId: string; path: string }>;
}

export function makeBaseline(findings: readonly Finding[]): Baseline {
  // A folded finding's fingerprint is recorded too: a later scan with fewer scanners reports it alone.
  const entries = findings
    .flatMap((f) => [
      { fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.location.path },
      ...(f.alsoReportedBy ?? []).map((o) => ({ fingerprint: o.fingerprint, ruleId: o.ruleId, path: f.location.path })),
    ])
    .sort((a, b) => compareStrings(a.path, b.path) || compareStrings(a.ruleId, b.ruleId) || compareStrings(a.fingerprint, b.fingerprint));
  return { version: 1, tool: 'secloop', findings: entries };
}

export function serialiseBaseline(findings: readonly Finding[]): string {
  return `${JSON.stringify(makeBaseline(findings), null, 2)}\n`;
}

export function readBaseline(file: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'not valid JSON' : ((error as NodeJS.ErrnoException).code ?? String(error));
    throw new UsageError(`cannot read baseline ${file}: ${reason}`);
  }
  const entries = (data as Partial<Baseline> | null)?.findings;
  if (!Array.isArray(entries) || (data as Baseline).tool !== 'secloop')
    throw new UsageError(`baseline ${file} is not a secloop baseline (written by --write-baseline)`);
  const fingerprints = new Set<string>();
  for (const entry of entries) {
    if (typeof entry?.fingerprint === 'string') fingerprints.add(entry.fingerprint);
  }
  return fingerprints;
}

import { isTestCodeFinding } from './code-kind.js';
import type { FailOn } from './config.js';
import { severityRank, type Finding } from './finding.js';

export interface GateOptions {
  /** Findings tagged `test-code` do not count (they are still reported, at their severity). */
  excludeTestCode?: boolean;
}

/** Exit status of a scan (DESIGN.md): 0 passed, 1 findings at or above the threshold. */
export function gateExitCode(findings: readonly Finding[], failOn: FailOn, options: GateOptions = {}): 0 | 1 {
  if (failOn === 'none') return 0;
  const threshold = severityRank(failOn);
  const counts = (f: Finding) => !(options.excludeTestCode && isTestCodeFinding(f));
  return findings.some((f) => severityRank(f.severity) >= threshold && counts(f)) ? 1 : 0;
}

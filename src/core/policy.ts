import type { FailOn } from './config.js';
import { severityRank, type Finding } from './finding.js';

/** Exit status of a scan (DESIGN.md): 0 passed, 1 findings at or above the threshold. */
export function gateExitCode(findings: readonly Finding[], failOn: FailOn): 0 | 1 {
  if (failOn === 'none') return 0;
  const threshold = severityRank(failOn);
  return findings.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
}

import { compareStrings, severityRank, type Confidence, type Finding } from '../core/finding.js';

/**
 * One problem, one finding. Two scanners sometimes see the same problem on the same line:
 * a password in a Terraform attribute is both the IaC rule's hard-coded credential and the
 * secrets scanner's password, and a Dockerfile's `FROM app:latest` is both the IaC rule's
 * floating tag and the posture check's unpinned dependency. Findings of different scanners
 * on the same line that share a CWE are folded into the most specific of them (the way
 * DefectDojo marks cross-tool duplicates by CWE, file and line); the others are listed in its
 * `alsoReportedBy`, fingerprints included, so baselines written before keep matching.
 */
export function foldDuplicates(findings: readonly Finding[]): Finding[] {
  const byLine = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.location.path}\0${finding.location.startLine}`;
    const group = byLine.get(key);
    if (group) group.push(finding);
    else byLine.set(key, [finding]);
  }
  const out: Finding[] = [];
  for (const group of byLine.values()) {
    if (group.length === 1 || new Set(group.map((f) => f.scanner)).size === 1) {
      out.push(...group);
      continue;
    }
    out.push(...foldLine(group));
  }
  return out;
}

/** Folds the findings of one line: each cluster of the same problem keeps its most specific finding. */
function foldLine(group: readonly Finding[]): Finding[] {
  // Kept findings in order of preference, each with the findings folded into it.
  const kept = new Map<Finding, Finding[]>();
  for (const finding of [...group].sort(preferred)) {
    const owner = [...kept.keys()].find((k) => sameProblem(k, finding));
    if (owner) kept.get(owner)!.push(finding);
    else kept.set(finding, []);
  }
  return [...kept].map(([finding, others]) =>
    others.length === 0
      ? finding
      : { ...finding, alsoReportedBy: others.map((o) => ({ ruleId: o.ruleId, scanner: o.scanner, severity: o.severity, fingerprint: o.fingerprint })) },
  );
}

function sameProblem(a: Finding, b: Finding): boolean {
  return a.scanner !== b.scanner && a.cwe.some((cwe) => b.cwe.includes(cwe));
}

/**
 * Which finding of a cluster is kept: the one that knows most about the problem. A secret
 * recognised by its own format (an AWS key, a GitHub token) names the credential and can be
 * verified; a rule that reads the file's structure (IaC, SAST) knows which setting holds the
 * value and what it is for; a secret recognised only by the name it is assigned to, and a
 * repository-wide posture check, know least. Ties go to severity, then confidence.
 */
function preferred(a: Finding, b: Finding): number {
  return (
    specificity(b) - specificity(a) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

function specificity(finding: Finding): number {
  if (finding.scanner === 'secrets') return finding.properties['recognisedBy'] === 'name' ? 1 : 3;
  if (finding.scanner === 'posture') return 0;
  return 2;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };

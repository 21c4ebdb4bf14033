/** The one shape every scanner emits and every writer reads (DESIGN.md, "The Finding"). */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const SCANNER_IDS = [
  'secrets', 'sca', 'sast', 'iac', 'posture', 'threat', 'supplychain', 'dast', 'iast', 'ops',
] as const;
export type ScannerId = (typeof SCANNER_IDS)[number];

export interface Location {
  path: string;
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  /** Optional note for a trace step ("source: req.query.cmd"). */
  message?: string;
}

export interface FoldedFinding {
  ruleId: string;
  scanner: ScannerId;
  severity: Severity;
  fingerprint: string;
}

export interface Fix {
  summary: string;
  versions?: string[];
}

export interface Finding {
  ruleId: string;
  scanner: ScannerId;
  severity: Severity;
  confidence: Confidence;
  title: string;
  message: string;
  cwe: string[];
  owasp: string[];
  location: Location;
  trace?: Location[];
  /** Other places of the same problem (the other writes of one merge), as SARIF relatedLocations. */
  related?: Location[];
  fix?: Fix;
  fingerprint: string;
  /**
   * The same problem on the same line found by another scanner's rule, folded into this
   * finding (a password that is both an IaC rule's hard-coded credential and a secret).
   */
  alsoReportedBy?: FoldedFinding[];
  properties: Record<string, unknown>;
}

/**
 * What a scanner yields: a Finding before the pipeline fills in the derived fields.
 * `fingerprintKey` replaces the line text in the fingerprint where the line is not
 * the identity of the problem (a secret's hash, a package@version).
 */
export type ScannerFinding = Omit<Finding, 'fingerprint' | 'owasp' | 'alsoReportedBy'> & {
  owasp?: string[];
  fingerprintKey?: string;
  /**
   * The location is in content the scan root no longer holds (a blob in git history):
   * the pipeline must not read the file at that path for excerpts or suppressions.
   */
  outsideWorkingTree?: boolean;
  /**
   * The author suppressed this finding in the source with another tool's syntax that the
   * scanner reads (`# zizmor: ignore[audit]`, a CloudFormation resource's cfn_nag or
   * checkov metadata): the justification, reported as an in-source suppression like a
   * `secloop-ignore` with its reason.
   */
  inSourceSuppression?: string;
};

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

/** One severity lower (critical -> high -> medium -> low); low and info stay as they are. */
export function oneSeverityLower(severity: Severity): Severity {
  return severity === 'info' || severity === 'low' ? severity : SEVERITIES[SEVERITIES.indexOf(severity) + 1]!;
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function isScannerId(value: unknown): value is ScannerId {
  return typeof value === 'string' && (SCANNER_IDS as readonly string[]).includes(value);
}

/** Deterministic order: severity first, then place, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareStrings(a.location.path, b.location.path) ||
    a.location.startLine - b.location.startLine ||
    (a.location.startColumn ?? 0) - (b.location.startColumn ?? 0) ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { Confidence, ScannerFinding, ScannerId, Severity } from './finding.js';

/**
 * What a user reads about a rule: what it detects, why it matters, an example that
 * fires and how to fix it (the four parts zizmor documents for every audit).
 * Scanners publish their rules so that SARIF, HTML and `secloop explain` can use them.
 */
export interface RuleDoc {
  id: string;
  title: string;
  /** What it detects and why it matters. */
  description: string;
  remediation: string;
  severity: Severity;
  confidence?: Confidence;
  cwe: string[];
  helpUri?: string;
  tags?: string[];
}

/** A catalogue of rule docs by id; writers fall back to the finding's own fields. */
export class RuleCatalog {
  private readonly byId = new Map<string, RuleDoc>();

  add(rules: Iterable<RuleDoc>): this {
    for (const rule of rules) this.byId.set(rule.id, rule);
    return this;
  }

  get(id: string): RuleDoc | undefined {
    return this.byId.get(id);
  }

  all(): RuleDoc[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/**
 * The parts of a finding its rule gives (id, title, CWE, remediation, and the severity
 * and confidence unless the hit says otherwise), for a scanner whose rules are RuleDocs.
 */
export function findingOfRule(
  rule: Pick<RuleDoc, 'id' | 'title' | 'severity' | 'confidence' | 'cwe' | 'remediation'>,
  scanner: ScannerId,
  hit: { message: string; severity?: Severity },
): Pick<ScannerFinding, 'ruleId' | 'scanner' | 'severity' | 'confidence' | 'title' | 'message' | 'cwe' | 'fix'> {
  return {
    ruleId: rule.id,
    scanner,
    severity: hit.severity ?? rule.severity,
    confidence: rule.confidence ?? 'high',
    title: rule.title,
    message: hit.message,
    cwe: rule.cwe,
    fix: { summary: rule.remediation },
  };
}

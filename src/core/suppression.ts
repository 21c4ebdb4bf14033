/**
 * Inline suppressions: `secloop-ignore <ruleId> -- <reason>` in a comment on the
 * finding's line or the line above. The rule id may end in `*` ("secrets/*").
 * A suppression without a reason is not honoured: the finding stays and the
 * comment is reported, so nobody silences a finding without saying why.
 */
export interface InlineSuppression {
  line: number;
  pattern: string;
  reason: string | null;
}

const MARKER = /secloop-ignore(?:\s+([A-Za-z0-9_.\-/*]+))?(?:\s+--\s*(.*?))?\s*(?:\*\/|-->|#}|%>)?\s*$/;

export function parseSuppressions(text: string): InlineSuppression[] {
  if (!text.includes('secloop-ignore')) return [];
  const result: InlineSuppression[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = line.indexOf('secloop-ignore');
    if (at < 0) continue;
    const match = MARKER.exec(line.slice(at));
    if (!match) continue;
    const reason = match[2]?.trim() ?? '';
    result.push({ line: i + 1, pattern: match[1] ?? '', reason: reason.length > 0 ? reason : null });
  }
  return result;
}

export function matchesRule(pattern: string, ruleId: string): boolean {
  if (pattern === '') return false;
  if (pattern.endsWith('*')) return ruleId.startsWith(pattern.slice(0, -1));
  return pattern === ruleId;
}

/** The suppression covering a finding at `line` with `ruleId`, if any. */
export function findSuppression(
  suppressions: readonly InlineSuppression[],
  ruleId: string,
  line: number,
): InlineSuppression | undefined {
  return suppressions.find((s) => (s.line === line || s.line === line - 1) && matchesRule(s.pattern, ruleId));
}

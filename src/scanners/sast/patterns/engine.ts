import type { ScannerFinding } from '../../../core/finding.js';
import type { RuleDoc } from '../../../core/rule.js';
import type { AstNode, ParsedFile } from '../source/parse.js';
import { PATTERN_RULES, type PatternContext, type PatternRule } from './rules.js';

const byType = new Map<string, PatternRule[]>();
for (const rule of PATTERN_RULES) {
  for (const type of rule.nodeTypes) {
    const list = byType.get(type) ?? [];
    list.push(rule);
    byType.set(type, list);
  }
}

export function patternRuleDocs(): RuleDoc[] {
  return PATTERN_RULES.map((rule) => ({
    id: rule.id,
    title: rule.title,
    description: rule.description,
    remediation: rule.remediation,
    severity: rule.severity,
    confidence: rule.confidence,
    cwe: rule.cwe,
    tags: ['security', 'pattern'],
  }));
}

export interface PatternResult {
  findings: ScannerFinding[];
  /** Literal secrets the findings' lines show, for the pipeline to redact. */
  secrets: string[];
}

/** One walk over a file's AST; every rule sees the node types it asked for. */
export function runPatternRules(file: ParsedFile): PatternResult {
  const findings: ScannerFinding[] = [];
  const secrets: string[] = [];
  const ancestors: AstNode[] = [];
  const context: PatternContext = { ancestors, text: file.text };
  const seen = new Set<string>();
  const visit = (node: AstNode) => {
    const rules = byType.get(node.type);
    if (rules) {
      for (const rule of rules) {
        const match = rule.check(node, context);
        if (!match) continue;
        const start = file.lines.position(match.node.start);
        const key = `${rule.id}:${match.node.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (match.secret) secrets.push(match.secret);
        const end = file.lines.position(match.node.end);
        findings.push({
          ruleId: rule.id,
          scanner: 'sast',
          severity: rule.severity,
          confidence: rule.confidence,
          title: rule.title,
          message: match.message,
          cwe: [...rule.cwe],
          location: { path: file.path, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
          fix: { summary: rule.remediation },
          properties: { kind: 'pattern' },
        });
      }
    }
    ancestors.push(node);
    for (const key in node) {
      if (key === 'parent' || key === 'type' || key === 'start' || key === 'end') continue;
      const child = (node as Record<string, unknown>)[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c && typeof c === 'object' && typeof (c as AstNode).type === 'string') visit(c as AstNode);
      } else if (child && typeof child === 'object' && typeof (child as AstNode).type === 'string') visit(child as AstNode);
    }
    ancestors.pop();
  };
  try {
    visit(file.program);
  } catch (error) {
    // Pathological nesting: keep what was found before the stack ran out.
    if (!(error instanceof RangeError)) throw error;
  }
  return { findings, secrets };
}

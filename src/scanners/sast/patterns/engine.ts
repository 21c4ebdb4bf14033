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
  const library = findings.length > 0 ? bundledLibrary(file.path, file.text) : undefined;
  return { findings: library ? foldInLibrary(findings, library) : findings, secrets };
}

/**
 * A minified copy of a library committed to the project: a line no person writes (over 1,000
 * characters) in a file whose banner comment names the library and its version
 * (`/* PrismJS 1.30.0 ...`, `/*! jQuery v3.7.1 | ...`, ` * TinyMCE version 6.8.6`), or whose
 * name says it is minified (`plugin.min.js`). Its patterns are the library's to fix.
 */
export function bundledLibrary(path: string, text: string): string | undefined {
  const banner = /^\s*\/\*[!*]?\s*(?:\*\s+)?(?:@license\s+)?([A-Za-z@][\w.@/-]{1,40}(?: [A-Z][\w.-]{1,20})?)(?:\s+version)?\s+v?(\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)\b/.exec(text.slice(0, 400));
  const minifiedName = /[.-]min\.[cm]?js$/.test(path);
  if (!banner && !minifiedName) return undefined;
  let longest = 0;
  for (let start = 0; start < text.length && longest <= 1_000; ) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    longest = Math.max(longest, stop - start);
    start = stop + 1;
  }
  if (longest <= 1_000) return undefined;
  return banner ? `${banner[1]} ${banner[2]}` : path.slice(path.lastIndexOf('/') + 1);
}

/** One low finding per rule in a bundled library, the other places as related locations: the fix is to update the library. */
function foldInLibrary(findings: ScannerFinding[], library: string): ScannerFinding[] {
  const first = new Map<string, ScannerFinding>();
  for (const finding of findings) {
    const owner = first.get(finding.ruleId);
    if (owner) {
      (owner.related ??= []).push({ ...finding.location, message: finding.message });
      continue;
    }
    first.set(finding.ruleId, { ...finding, severity: 'low', properties: { ...finding.properties, bundledLibrary: library } });
  }
  return [...first.values()].map((finding) => {
    const more = finding.related?.length ?? 0;
    const where = `In a minified copy of ${library} committed to the project${more > 0 ? `, with ${more} more like it in this file (related locations)` : ''}: update the library, or report it upstream.`;
    return { ...finding, message: `${finding.message} ${where}` };
  });
}

import { owaspFor, owaspTitle } from '../core/taxonomy.js';
import type { RuleDoc } from '../core/rule.js';
import type { Scanner } from '../scanners/scanner.js';

/** A scanner, or another source of findings with rules of its own (`ops check`). */
export type RuleGroup = Pick<Scanner, 'id' | 'description'> & { rules(): readonly RuleDoc[] };

/**
 * docs/rules.md: one section per rule with what it detects and why it matters, its
 * severity, CWE and OWASP categories, and how to fix it, generated from the same records
 * that feed SARIF and `secloop explain`. Dependency advisories are not listed: they come
 * from the advisory database.
 */
export function rulesPage(scanners: readonly RuleGroup[]): string {
  const out: string[] = [
    '# secloop rules',
    '',
    'Generated from the rule records by `npm run docs`; do not edit by hand.',
    '`secloop explain <rule>` prints the same text. Dependency findings (`sca/<advisory id>`)',
    'come from the OSV advisory database and are not listed here.',
    '',
  ];
  for (const scanner of scanners) {
    const rules = [...scanner.rules()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (rules.length === 0) continue;
    out.push(`## ${scanner.id} (${rules.length} rules)`, '', scanner.description, '');
    out.push('| Rule | Severity | Title |', '|---|---|---|');
    for (const rule of rules) out.push(`| [\`${rule.id}\`](#${anchor(rule.id)}) | ${rule.severity} | ${cell(rule.title)} |`);
    out.push('');
    for (const rule of rules) out.push(...section(rule));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function section(rule: RuleDoc): string[] {
  const owasp = owaspFor(rule.cwe).map((id) => `${id} ${owaspTitle(id) ?? ''}`.trim());
  return [
    `### ${rule.id}`,
    '',
    `**${rule.title}**. Severity ${rule.severity}${rule.confidence ? `, confidence ${rule.confidence}` : ''}. ${[...rule.cwe, ...owasp].join('; ')}`,
    '',
    rule.description,
    '',
    `**How to fix:** ${rule.remediation}`,
    '',
  ];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

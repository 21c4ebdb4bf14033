import type { Hit } from '../rule.js';
import { isYMap, isYScalar, isYSeq, pair, type YNode } from '../yaml/tree.js';
import { coveredBy, type Covered, type Tool } from './suppression-map.js';
import type { CfnResource, CfnTemplate } from './template.js';

/**
 * Suppressions of other scanners written in a resource's `Metadata`, which secloop
 * honours for the checks it has a counterpart of (suppression-map.ts):
 *
 *   Metadata:
 *     cfn_nag:   { rules_to_suppress: [{ id: W2, reason: ... }] }
 *     guard:     { SuppressedRules: [INCOMING_SSH_DISABLED] }
 *     checkov:   { skip: [{ id: CKV_AWS_24, comment: ... }] }
 *
 * A suppression covers the hits of its secloop rules that lie in the resource (from its
 * logical id to its last line).
 */
export interface ForeignSuppression {
  tool: Tool;
  id: string;
  reason: string | undefined;
  /** Line of the suppression's entry in the Metadata. */
  line: number;
  resource: CfnResource;
  firstLine: number;
  lastLine: number;
  covers: Covered[];
}

/** Where each tool keeps its list, and the keys of an entry's id and reason (none: entries are plain ids). */
const LAYOUT: Array<{ tool: Tool; section: string; list: string; id?: string; reason?: string }> = [
  { tool: 'cfn_nag', section: 'cfn_nag', list: 'rules_to_suppress', id: 'id', reason: 'reason' },
  { tool: 'cfn-guard', section: 'guard', list: 'SuppressedRules' },
  { tool: 'checkov', section: 'checkov', list: 'skip', id: 'id', reason: 'comment' },
];

function lastLineOf(node: YNode | null | undefined, depth = 0): number {
  if (!node) return 0;
  if (depth > 200 || isYScalar(node)) return node.line;
  if (isYSeq(node)) return Math.max(node.line, ...node.items.map((item) => lastLineOf(item, depth + 1)));
  return Math.max(node.line, ...node.pairs.map((p) => Math.max(p.keyLine, lastLineOf(p.value, depth + 1))));
}

const scalarText = (node: YNode | null | undefined): string | undefined => (isYScalar(node) && node.value !== null ? String(node.value).trim() : undefined);

/** The foreign suppressions of every resource; malformed ones become warnings. */
export function readSuppressions(t: CfnTemplate, warn: (line: number, message: string) => void): ForeignSuppression[] {
  const out: ForeignSuppression[] = [];
  for (const r of t.resources) {
    const metadata = pair(r.node, 'Metadata')?.value;
    if (!isYMap(metadata)) continue;
    let lastLine: number | undefined;
    for (const layout of LAYOUT) {
      const section = pair(metadata, layout.section);
      if (!section) continue;
      const list = pair(section.value, layout.list);
      if (!list) continue;
      if (!isYSeq(list.value)) {
        warn(list.keyLine, `${layout.section} ${layout.list} of ${r.id} is not a list; its suppressions are not read`);
        continue;
      }
      for (const entry of list.value.items) {
        const id = layout.id ? scalarText(pair(entry, layout.id)?.value) : scalarText(entry);
        if (!id) {
          warn(entry.line, `a ${layout.section} suppression of ${r.id} has no rule id; it is not read`);
          continue;
        }
        const covers = coveredBy(layout.tool, id);
        if (covers.length === 0) continue;
        lastLine ??= lastLineOf(r.node);
        const reason = layout.reason ? scalarText(pair(entry, layout.reason)?.value) : undefined;
        out.push({ tool: layout.tool, id, reason: reason || undefined, line: entry.line, resource: r, firstLine: r.line, lastLine, covers });
      }
    }
  }
  return out;
}

/** The suppression that covers a hit of `ruleId`, if any. */
export function suppressionOf(suppressions: readonly ForeignSuppression[], ruleId: string, hit: Hit): ForeignSuppression | undefined {
  return suppressions.find(
    (s) =>
      hit.line >= s.firstLine &&
      hit.line <= s.lastLine &&
      s.covers.some((c) => c.rule === ruleId && (!c.only || c.only.test(hit.message))),
  );
}

const MAX_REASON = 160;

/** The justification a suppressed finding carries: the tool, the id and the author's reason. */
export function justificationOf(s: ForeignSuppression): string {
  const reason = s.reason ? (s.reason.length > MAX_REASON ? `${s.reason.slice(0, MAX_REASON)}...` : s.reason) : 'no reason given';
  return `${s.tool} ${s.id} in the Metadata of ${s.resource.id}: ${reason}`;
}

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
 *     cdk_nag:   { rules_to_suppress: [{ id: AwsSolutions-EC23, reason: ..., applies_to: [...] }] }
 *     guard:     { SuppressedRules: [INCOMING_SSH_DISABLED] }
 *     checkov:   { skip: [{ id: CKV_AWS_24, comment: ... }] }
 *
 * A suppression covers the hits of its secloop rules that lie in the resource (from its
 * logical id to its last line). cdk_nag suppressions in the template's own `Metadata`
 * (cdk-nag's stack suppressions) cover every resource.
 */
export interface ForeignSuppression {
  tool: Tool;
  id: string;
  reason: string | undefined;
  /** Line of the suppression's entry in the Metadata. */
  line: number;
  resource: CfnResource;
  /** Written in the template's Metadata rather than the resource's. */
  stack: boolean;
  firstLine: number;
  lastLine: number;
  covers: Covered[];
  /** cdk_nag `applies_to`: the finding ids of a granular rule the suppression is limited to. */
  appliesTo?: Array<string | RegExp>;
}

/** Where each tool keeps its list, and the keys of an entry's id and reason (none: entries are plain ids). */
const LAYOUT: Array<{ tool: Tool; section: string; list: string; id?: string; reason?: string }> = [
  { tool: 'cfn_nag', section: 'cfn_nag', list: 'rules_to_suppress', id: 'id', reason: 'reason' },
  { tool: 'cdk_nag', section: 'cdk_nag', list: 'rules_to_suppress', id: 'id', reason: 'reason' },
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

type Entry = Pick<ForeignSuppression, 'tool' | 'id' | 'reason' | 'line' | 'covers' | 'appliesTo'>;

const MAX_PATTERN = 200;

/**
 * A cdk-nag `applies_to` regex, written `/source/flags`. Patterns run only against
 * secloop's own short finding ids, but a hostile one could still backtrack without
 * end: long patterns, quantified groups, back-references and more than four
 * repetitions are refused.
 */
function appliesToRegex(text: string): RegExp | undefined {
  const m = /\/(.*)\/(.*)?/s.exec(text);
  const source = m?.[1];
  if (source === undefined || source.length > MAX_PATTERN) return undefined;
  const plain = source.replace(/\\./g, '');
  if (/\)[*+?{]|\\[1-9]|\\k</.test(source) || (plain.match(/[*+]|\{\d/g) ?? []).length > 4) return undefined;
  try {
    // g and y make test() stateful; they change nothing about a single match.
    return new RegExp(source, (m![2] ?? '').replace(/[gy]/g, ''));
  } catch {
    return undefined;
  }
}

/** A cdk_nag entry's `applies_to`; null when it is malformed (cdk-nag rejects the suppression). */
function readAppliesTo(node: YNode | null | undefined, where: string, warn: (line: number, message: string) => void): Array<string | RegExp> | undefined | null {
  if (node === undefined) return undefined;
  if (!isYSeq(node)) {
    warn(node?.line ?? 0, `cdk_nag applies_to of ${where} is not a list; the suppression is not read`);
    return null;
  }
  const out: Array<string | RegExp> = [];
  for (const item of node.items) {
    const plain = scalarText(item);
    const regex = plain === undefined ? scalarText(pair(item, 'regex')?.value) : undefined;
    const pattern = regex === undefined ? undefined : appliesToRegex(regex);
    if (plain === undefined && !pattern) {
      warn(item.line, `a cdk_nag applies_to entry of ${where} is neither a finding id nor a usable { regex: /.../ }; the suppression is not read`);
      return null;
    }
    out.push(plain ?? pattern!);
  }
  return out;
}

/** The mapped entries of one tool's list in a Metadata mapping; malformed ones become warnings. */
function readEntries(metadata: YNode, layout: (typeof LAYOUT)[number], where: string, warn: (line: number, message: string) => void): Entry[] {
  const section = pair(metadata, layout.section);
  if (!section) return [];
  const list = pair(section.value, layout.list);
  if (!list) return [];
  if (!isYSeq(list.value)) {
    warn(list.keyLine, `${layout.section} ${layout.list} of ${where} is not a list; its suppressions are not read`);
    return [];
  }
  const out: Entry[] = [];
  for (const entry of list.value.items) {
    const id = layout.id ? scalarText(pair(entry, layout.id)?.value) : scalarText(entry);
    if (!id) {
      warn(entry.line, `a ${layout.section} suppression of ${where} has no rule id; it is not read`);
      continue;
    }
    const covers = coveredBy(layout.tool, id);
    if (covers.length === 0) continue;
    let reason = layout.reason ? scalarText(pair(entry, layout.reason)?.value) : undefined;
    let appliesTo: Array<string | RegExp> | undefined;
    if (layout.tool === 'cdk_nag') {
      const read = readAppliesTo(pair(entry, 'applies_to')?.value, where, warn);
      if (read === null) continue;
      appliesTo = read;
      // cdk-nag writes a reason with characters beyond Latin-1 in base64.
      if (reason && scalarText(pair(entry, 'is_reason_encoded')?.value) === 'true') reason = Buffer.from(reason, 'base64').toString('utf8').trim();
    }
    out.push({ tool: layout.tool, id, reason: reason || undefined, line: entry.line, covers, ...(appliesTo ? { appliesTo } : {}) });
  }
  return out;
}

/** The foreign suppressions of every resource; malformed ones become warnings. */
export function readSuppressions(t: CfnTemplate, warn: (line: number, message: string) => void): ForeignSuppression[] {
  const out: ForeignSuppression[] = [];
  const stack = isYMap(t.metadata) ? readEntries(t.metadata, LAYOUT[1]!, 'the template', warn) : [];
  for (const r of t.resources) {
    const metadata = pair(r.node, 'Metadata')?.value;
    const own = isYMap(metadata) ? LAYOUT.flatMap((layout) => readEntries(metadata, layout, r.id, warn)) : [];
    if (own.length === 0 && stack.length === 0) continue;
    const lastLine = lastLineOf(r.node);
    for (const entry of own) out.push({ ...entry, resource: r, stack: false, firstLine: r.line, lastLine });
    for (const entry of stack) out.push({ ...entry, resource: r, stack: true, firstLine: r.line, lastLine });
  }
  return out;
}

/** Whether a suppression's cdk_nag `applies_to` names the finding ids of the hit's case. */
function appliesTo(s: ForeignSuppression, c: Covered): boolean {
  if (!s.appliesTo) return true;
  if (!c.findings) return false;
  return c.findings.every((spellings) => spellings.some((finding) => s.appliesTo!.some((a) => (typeof a === 'string' ? a === finding : a.test(finding)))));
}

/** The suppression that covers a hit of `ruleId`, if any. */
export function suppressionOf(suppressions: readonly ForeignSuppression[], ruleId: string, hit: Hit): ForeignSuppression | undefined {
  return suppressions.find(
    (s) =>
      hit.line >= s.firstLine &&
      hit.line <= s.lastLine &&
      s.covers.some((c) => c.rule === ruleId && (!c.only || c.only.test(hit.message)) && (!c.types || c.types.includes(s.resource.type)) && appliesTo(s, c)),
  );
}

const MAX_REASON = 160;

/** The justification a suppressed finding carries: the tool, the id and the author's reason. */
export function justificationOf(s: ForeignSuppression): string {
  const reason = s.reason ? (s.reason.length > MAX_REASON ? `${s.reason.slice(0, MAX_REASON)}...` : s.reason) : 'no reason given';
  return `${s.tool} ${s.id} in the ${s.stack ? 'template Metadata' : `Metadata of ${s.resource.id}`}: ${reason}`;
}

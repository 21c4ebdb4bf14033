/**
 * Inline suppressions of other Terraform scanners, which secloop honours for the checks it
 * has a counterpart of (suppression-map.ts), as in-source suppressions with the comment as
 * the reason:
 *
 *   checkov   `#checkov:skip=CKV_AWS_20,CKV_AWS_57:reason` inside a resource block (checkov's
 *             place) or on the line above it: covers that block.
 *   tfsec     `#tfsec:ignore:aws-s3-enable-bucket-logging`, and Trivy `#trivy:ignore:AVD-AWS-0089`
 *             or `#trivy:ignore:aws-s3-enable-logging`, with an optional `:exp:yyyy-mm-dd`: as
 *             Trivy reads them, a comment covers the blocks and attributes that start on its
 *             own line or the next one (so a comment above a resource covers the resource, one
 *             at the end of an attribute's line or above it covers that attribute); comment
 *             lines stacked above a line all cover it. An expired ignore (its date is past on
 *             the scan date) covers nothing, and says so; one limited to a workspace or by
 *             `[attribute=value]` selectors covers nothing either, as secloop cannot tell
 *             the workspace or which instance a finding belongs to.
 *   KICS      `# kics-scan ignore-line` covers its own line and the next; `# kics-scan
 *             ignore-block` the block or attribute that starts on the next line: every rule,
 *             as in KICS.
 *
 * They cover the hits of the Kubernetes rules on the kubernetes provider's resources too
 * (checkov's CKV_K8S_* ids, and KICS's comments).
 *
 * Ids secloop does not map suppress nothing, and say nothing: the comment is for the other tool.
 */
import type { Hit } from '../rule.js';
import type { Block, Body } from './hcl/ast.js';
import type { TfInput } from './model.js';
import { tfCoveredBy, type TfCovered } from './suppression-map.js';

export interface TfForeignSuppression {
  /** The comment as written, from its tool's prefix: the reason the finding carries. */
  comment: string;
  /** Line of the comment. */
  line: number;
  /** The line ranges the comment covers. */
  ranges: Array<{ first: number; last: number }>;
  /** The secloop rules covered; undefined for every rule (KICS). */
  covers?: TfCovered[];
}

interface Node {
  line: number;
  endLine: number;
}

/** Every block and attribute of the file, nested ones included, and the file's top-level resource and data blocks. */
function nodesOf(body: Body, out: Node[] = [], depth = 0): Node[] {
  if (depth > 100) return out;
  for (const a of body.attributes) out.push(a);
  for (const b of body.blocks) {
    out.push(b);
    nodesOf(b.body, out, depth + 1);
  }
  return out;
}

/** Lines that are inside a string (a heredoc or a multi-line quoted template): a `#` there is text, not a comment. */
function stringLines(body: Body, out = new Set<number>(), depth = 0): Set<number> {
  if (depth > 100) return out;
  for (const a of body.attributes) if ((a.expr.kind === 'template' || a.expr.kind === 'literal') && a.expr.endLine > a.expr.line) for (let l = a.expr.line + 1; l <= a.expr.endLine; l++) out.add(l);
  for (const b of body.blocks) stringLines(b.body, out, depth + 1);
  return out;
}

const CHECKOV = /(?:#|\/\/)\s*(?:checkov|bridgecrew|cortex):skip=\s*([A-Za-z_\d-]+(?:,[A-Za-z_\d-]+)*)(?::([^\n]*))?/;
/** One tfsec/Trivy rule in a comment (several may share a line, separated by white space). */
const TRIVY_RULE = /(?:^|[\s#/*])((?:tfsec|trivy):ignore:[^\s]+)/g;
const KICS = /(?:#|\/\/)\s*kics-scan\s+(ignore-line|ignore-block)\b/;
/** A comment that is the only thing on its line. */
const OWN_LINE = /^\s*(?:#|\/\/|\/\*)/;

const MAX_COMMENT = 160;
const shown = (text: string): string => (text.length > MAX_COMMENT ? `${text.slice(0, MAX_COMMENT)}...` : text);

/** The start of a day given as yyyy-mm-dd, UTC (Trivy's reading); undefined when it is not a date. */
function dayOf(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCDate() === Number(m[3]) && date.getUTCMonth() === Number(m[2]) - 1 ? date : undefined;
}

/**
 * The foreign suppressions of a Terraform file that name a check secloop maps (or, for
 * KICS, every check). `now` is the scan date, against which Trivy expiry dates are read.
 */
export function readTfSuppressions(text: string, input: Pick<TfInput, 'body'>, warn: (line: number, message: string) => void, now: Date = new Date()): TfForeignSuppression[] {
  if (!/checkov:skip=|bridgecrew:skip=|cortex:skip=|tfsec:ignore:|trivy:ignore:|kics-scan\s+ignore-/.test(text)) return [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const nodes = nodesOf(input.body);
  const inString = stringLines(input.body);
  const resources = input.body.blocks.filter((b) => b.type === 'resource' || b.type === 'data' || b.type === 'module');
  const startingAt = (line: number) => nodes.filter((n) => n.line === line);
  const out: TfForeignSuppression[] = [];

  // Trivy: comment lines stacked directly above a line take that line's place (Rules.shift).
  const trivyLines: number[] = [];
  lines.forEach((line, i) => {
    if (!inString.has(i + 1) && /(?:tfsec|trivy):ignore:/.test(line)) trivyLines.push(i + 1);
  });
  const trivyPlace = new Map<number, number>();
  for (let k = trivyLines.length - 1; k >= 0; k--) {
    const l = trivyLines[k]!;
    const below = trivyPlace.get(l + 1);
    trivyPlace.set(l, below !== undefined && OWN_LINE.test(lines[l - 1]!) ? below : l);
  }

  lines.forEach((line, i) => {
    const n = i + 1;
    if (inString.has(n)) return;

    const checkov = CHECKOV.exec(line);
    if (checkov) {
      // checkov reads the comments inside a block; secloop also takes the one just above it.
      const block = resources.find((b) => b.line < n && n < b.endLine) ?? resources.find((b) => b.line === n + 1 && OWN_LINE.test(line));
      if (block) {
        const reason = checkov[2]?.trim();
        for (const id of checkov[1]!.split(',')) {
          const covers = tfCoveredBy('checkov', id.trim());
          if (covers.length > 0) out.push({ comment: `checkov:skip=${id.trim()}${reason ? `: ${reason}` : ''}`, line: n, ranges: [{ first: block.line, last: block.endLine }], covers });
        }
      }
    }

    const kics = KICS.exec(line);
    if (kics) {
      if (kics[1] === 'ignore-line') out.push({ comment: 'kics-scan ignore-line', line: n, ranges: [{ first: n, last: n + 1 }] });
      else {
        const next = startingAt(n + 1);
        const last = Math.max(n + 1, ...next.map((x) => x.endLine));
        out.push({ comment: 'kics-scan ignore-block', line: n, ranges: [{ first: n, last }] });
      }
    }

    if (/(?:tfsec|trivy):ignore:/.test(line)) {
      const place = trivyPlace.get(n) ?? n;
      const covered = [...startingAt(place), ...startingAt(place + 1)].map((x) => ({ first: x.line, last: x.endLine }));
      for (const m of line.matchAll(TRIVY_RULE)) {
        const rule = m[1]!;
        const sections = rule.split(':');
        const tool = sections[0]!;
        const id = sections[2]!.replace(/\[.*$/, '');
        const covers = tfCoveredBy('trivy', id);
        if (covers.length === 0) continue;
        if (sections[2]!.includes('[')) {
          warn(n, `${tool}:ignore:${id} is limited by a [...] selector, which secloop cannot evaluate; it suppresses nothing`);
          continue;
        }
        let expiry: { text: string; day: Date | undefined } | undefined;
        let workspace = false;
        for (let k = 3; k + 1 < sections.length; k += 2) {
          if (sections[k] === 'exp') expiry = { text: sections[k + 1]!, day: dayOf(sections[k + 1]!) };
          else if (sections[k] === 'ws') workspace = true;
        }
        // Trivy takes an unreadable date as long past: the ignore no longer applies.
        if (expiry && !expiry.day) {
          warn(n, `${tool}:ignore:${id} has an expiry date that is not yyyy-mm-dd (${shown(expiry.text)}); like Trivy, secloop takes it as expired and suppresses nothing`);
          continue;
        }
        if (expiry?.day && expiry.day.getTime() <= now.getTime()) {
          warn(n, `${tool}:ignore:${id} expired on ${expiry.text}; it suppresses nothing`);
          continue;
        }
        if (workspace) {
          warn(n, `${tool}:ignore:${id} is limited to a workspace, which secloop cannot tell; it suppresses nothing`);
          continue;
        }
        if (covered.length > 0) out.push({ comment: shown(rule), line: n, ranges: covered, covers });
      }
    }
  });
  return out;
}

/** The resource type of the file's top-level block that holds a line, if any. */
export function typeAt(blocks: readonly Block[], line: number): string | undefined {
  const block = blocks.find((b) => (b.type === 'resource' || b.type === 'data') && b.line <= line && line <= b.endLine);
  return block?.labels[0];
}

/** The suppression that covers a hit of `ruleId`, if any. */
export function tfSuppressionOf(suppressions: readonly TfForeignSuppression[], input: TfInput, ruleId: string, hit: Hit): TfForeignSuppression | undefined {
  const lines = hit.detailLine === undefined ? [hit.line] : [hit.line, hit.detailLine];
  return suppressions.find((s) => s.ranges.some((r) => lines.some((l) => r.first <= l && l <= r.last)) && coversRule(s, ruleId, hit.message, () => typeAt(input.body.blocks, hit.line)));
}

/** Whether a suppression covers a hit of `ruleId` with this message, in a block of the resource type `typeOf` gives. */
export function coversRule(s: TfForeignSuppression, ruleId: string, message: string, typeOf: () => string | undefined): boolean {
  return !s.covers || s.covers.some((c) => c.rule === ruleId && (!c.only || c.only.test(message)) && (!c.types || c.types.includes(typeOf() ?? '')));
}

/** The justification a suppressed finding carries: the comment and its line (and its file, when it is another file's: a module call's). */
export function tfJustificationOf(s: TfForeignSuppression, path?: string): string {
  return `${shown(s.comment)} (line ${s.line}${path === undefined ? '' : ` of ${path}`})`;
}

import type { InlineSuppression } from '../../../core/suppression.js';

/**
 * zizmor's audits and the secloop rules that report the same problems. It is the mapping
 * the zizmor benchmark scores with (bench/zizmor-map.json, which a test keeps equal to it),
 * and the one `# zizmor: ignore[audit]` comments are honoured through.
 */
export const ZIZMOR_AUDIT_RULES: Readonly<Record<string, readonly string[]>> = {
  'template-injection': ['iac/gha-template-injection'],
  'unpinned-uses': ['iac/gha-unpinned-action'],
  'excessive-permissions': ['iac/gha-missing-permissions', 'iac/gha-write-all-permissions', 'iac/gha-broad-permissions'],
  artipacked: ['iac/gha-checkout-persist-credentials'],
  'github-env': ['iac/gha-github-env-injection'],
  'self-hosted-runner': ['iac/gha-self-hosted-public-trigger'],
  'insecure-commands': ['iac/gha-unsecure-commands'],
  'secrets-inherit': ['iac/gha-all-secrets-exposed'],
  'overprovisioned-secrets': ['iac/gha-all-secrets-exposed'],
  'hardcoded-container-credentials': ['iac/gha-hardcoded-secret'],
  'dangerous-triggers': ['iac/gha-dangerous-trigger'],
  'bot-conditions': ['iac/gha-spoofable-bot-check'],
  'unsound-condition': ['iac/gha-always-true-condition'],
  'cache-poisoning': ['iac/gha-release-cache-poisoning'],
  'unpinned-images': ['iac/gha-unpinned-container-image'],
  'use-trusted-publishing': ['iac/gha-publish-with-long-lived-token'],
  'unsound-contains': ['iac/gha-substring-condition'],
  'unredacted-secrets': ['iac/gha-unredacted-secret'],
  'archived-uses': ['iac/gha-archived-action', 'iac/precommit-archived-hook-repo'],
  'unpinned-tools': ['iac/gha-unpinned-tool'],
  misfeature: ['iac/gha-cmd-shell', 'iac/gha-setup-python-pip-install'],
  'typosquat-uses': ['iac/gha-typosquatted-action'],
  obfuscation: ['iac/gha-obfuscated-uses', 'iac/gha-constant-expression'],
  'unsound-ternary': ['iac/gha-unsound-ternary'],
  'github-app': ['iac/gha-broad-app-token'],
  'adhoc-packages': ['iac/gha-unpinned-package-install'],
  'dependabot-cooldown': ['posture/dependabot-no-cooldown'],
  'dependabot-execution': ['posture/dependabot-external-code-execution'],
  'insecure-url-scheme': ['iac/precommit-insecure-repo-url'],
  'forbidden-uses': ['iac/gha-forbidden-uses'],
};

/** zizmor's own pattern (crates/zizmor/src/finding/location.rs): exactly `# zizmor: ignore[a,b]`, then nothing or white space and anything. */
const IGNORE = /# zizmor: ignore\[(.+)\](?:\s+.*)?$/;

/** A zizmor comment as a suppression, with the last line it covers. */
export interface ZizmorSuppression extends InlineSuppression {
  /** The first line it covers, when above the comment's own (a comment inside the `on:` block covers all of it). */
  firstLine?: number;
  lastLine: number;
}

/** `  key:  # comment`: a line that opens a block mapping or list. */
const KEY_OPENER = /^(\s*)(?:[\w.-]+|"[^"]*"|'[^']*'):\s*#/;
/** `  - key: value`: the first line of a list entry (a step). */
const ENTRY_OPENER = /^(\s*)-(?:\s|$)/;

/**
 * The `# zizmor: ignore[audit, ...]` comments of a file, as suppressions of the secloop
 * rules mapped to each audit, with `zizmor: ignore[audit]` as the reason (the comment is
 * the author's decision, as a `secloop-ignore` with a reason is). Audits secloop has no
 * rule for are skipped.
 *
 * zizmor honours a comment on any line of a finding's span, and its spans include the
 * step or block the finding is in. So a comment on a line that opens a block
 * (`on: # zizmor: ignore[dangerous-triggers]`, where secloop reports the trigger inside
 * it) or a list entry (`- name: Publish # zizmor: ignore[use-trusted-publishing]`, where
 * secloop reports the step's `run:`) covers that block or entry; any other covers its
 * own line. Match them with `findZizmorSuppression`, not `findSuppression`: a comment at the
 * end of a line must not reach the next one, as a `secloop-ignore` on the line above does.
 */
export function zizmorSuppressions(text: string): ZizmorSuppression[] {
  if (!text.includes('zizmor: ignore[')) return [];
  const result: ZizmorSuppression[] = [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  lines.forEach((line, i) => {
    const audits = IGNORE.exec(line)?.[1];
    if (!audits) return;
    const on = onBlockAround(lines, i);
    const step = on ? undefined : stepAround(lines, i);
    const seen = new Set<string>();
    for (const audit of audits.split(',').map((a) => a.trim())) {
      const whole = step && STEP_SPAN_AUDITS.has(audit) ? step : undefined;
      const lastLine = on ? on.last : Math.max(blockEnd(lines, i), whole?.last ?? 0);
      const firstLine = on ? on.first : Math.min(i + 1, whole?.first ?? i + 1);
      for (const ruleId of ZIZMOR_AUDIT_RULES[audit] ?? []) {
        if (seen.has(ruleId)) continue;
        seen.add(ruleId);
        result.push({ line: i + 1, ...(firstLine !== i + 1 ? { firstLine } : {}), lastLine, pattern: ruleId, reason: `zizmor: ignore[${audit}]` });
      }
    }
  });
  return result;
}

/**
 * Audits whose findings also hold the whole step they are about (a hidden location in
 * zizmor's crates/zizmor/src/audit/*.rs, or artipacked's primary one, the checkout step
 * itself): zizmor honours a comment on any line of that step.
 */
const STEP_SPAN_AUDITS = new Set(['cache-poisoning', 'template-injection', 'unpinned-uses', 'adhoc-packages', 'use-trusted-publishing', 'artipacked']);

/**
 * The first and last lines (1-based) of the step (an entry of a `steps:` list) that line
 * index `i` is in, or undefined outside any step.
 */
function stepAround(lines: readonly string[], i: number): { first: number; last: number } | undefined {
  // The comment's own line may open the step; otherwise the step opens above, less indented.
  let limit = ENTRY_OPENER.test(lines[i]!) ? indentOf(lines[i]!) + 1 : SIGNIFICANT(lines[i]!) ? indentOf(lines[i]!) : Infinity;
  for (let k = i; k >= 0; k--) {
    const line = lines[k]!;
    if (!SIGNIFICANT(line) || indentOf(line) >= limit) continue;
    const entry = ENTRY_OPENER.exec(line);
    if (!entry) {
      limit = indentOf(line);
      if (limit === 0) return undefined;
      continue;
    }
    const indent = entry[1]!.length;
    // The entry's list: the key above it, less indented or at its own indentation (`steps:` then `- run:`).
    const parent = lines.slice(0, k).reverse().find((l) => SIGNIFICANT(l) && (indentOf(l) < indent || (indentOf(l) === indent && !ENTRY_OPENER.test(l))));
    if (parent !== undefined && /^\s*steps:\s*(?:#.*)?$/.test(parent)) return { first: k + 1, last: blockEnd(lines, k) };
    limit = indent;
  }
  return undefined;
}

const SIGNIFICANT = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');
const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * For a comment on a line of its own inside the top-level `on:` block (zizmor reports
 * dangerous-triggers on that whole block, and honours a comment on any of its lines): the
 * block's first and last lines (1-based). Undefined for any other line.
 */
function onBlockAround(lines: readonly string[], i: number): { first: number; last: number } | undefined {
  if (SIGNIFICANT(lines[i]!)) return undefined;
  const next = lines.findIndex((l, k) => k > i && SIGNIFICANT(l));
  if (next < 0 || indentOf(lines[next]!) === 0) return undefined;
  let top = i - 1;
  while (top >= 0 && !(SIGNIFICANT(lines[top]!) && indentOf(lines[top]!) === 0)) top--;
  if (top < 0 || !/^(?:on|"on"|'on'):\s*(?:#.*)?$/.test(lines[top]!)) return undefined;
  let last = top + 1;
  for (let k = top + 1; k < lines.length; k++) {
    if (!SIGNIFICANT(lines[k]!)) continue;
    if (indentOf(lines[k]!) === 0) break;
    last = k + 1;
  }
  return { first: top + 1, last };
}

/** The last line (1-based) of the block or list entry opened at index `i`, or line i+1 itself when the line opens none. */
function blockEnd(lines: readonly string[], i: number): number {
  const entry = ENTRY_OPENER.exec(lines[i]!);
  const key = entry ? undefined : KEY_OPENER.exec(lines[i]!);
  if (!entry && !key) return i + 1;
  const indent = (entry ?? key)![1]!.length;
  let last = i + 1;
  for (let k = i + 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const own = line.length - line.trimStart().length;
    // An entry holds what is indented below its dash; a key also holds a list at its own indentation (`steps:` then `- run:`).
    const inside = own > indent || (key !== undefined && own === indent && ENTRY_OPENER.test(line));
    if (!inside) break;
    last = k + 1;
  }
  return last;
}

/**
 * The zizmor comment that silences a finding of `ruleId` spanning `startLine` to `endLine`
 * (its detail line), if any: one whose covered lines meet the finding's.
 */
export function findZizmorSuppression(
  suppressions: readonly ZizmorSuppression[],
  ruleId: string,
  startLine: number,
  endLine = startLine,
): ZizmorSuppression | undefined {
  return suppressions.find((s) => s.pattern === ruleId && (s.firstLine ?? s.line) <= Math.max(startLine, endLine) && s.lastLine >= startLine);
}

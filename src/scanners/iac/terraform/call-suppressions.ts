/**
 * Suppressions written on a local module call, for the findings the call makes in the
 * module it calls (module-calls.ts): a checkov skip inside the module block or on the line
 * above it, a tfsec or Trivy ignore that covers the block (suppressions.ts reads both as
 * on a resource), and a `secloop-ignore <rule> -- <reason>` on the block's line or the
 * line above. checkov pushes a module block's skips down to everything the module holds
 * (its PR #1629), and Trivy matches a result against the module calls it came through.
 *
 * A suppression covers the findings made through its own call only: other calls of the
 * same module keep theirs. Through a chain of calls it covers what a nested call makes
 * when every call of the caller's own module, in the context that nested call was read
 * in, is suppressed for it; when only some are, the finding stays reported (secloop
 * names one caller chain per context and cannot split the count along it). A comment on
 * one argument of the call covers that argument only, and a KICS comment covers the
 * call's own lines (KICS does not follow modules).
 */
import { matchesRule, parseSuppressions } from '../../../core/suppression.js';
import type { Body } from './hcl/ast.js';
import type { CallOrigin, LocalCall } from './module-calls.js';
import { MAX_CHAIN, MAX_ORIGINS } from './module-calls.js';
import { coversRule, readTfSuppressions, tfJustificationOf } from './suppressions.js';

export interface CallSuppression {
  /** What the suppressed finding carries: the comment, its line and its file. */
  justification: string;
  /** Whether it covers a finding of `ruleId` with this message, in a resource of the type `typeOf` gives. */
  covers(ruleId: string, message: string, typeOf: () => string | undefined): boolean;
}

/**
 * Reads the suppressions written on each of `calls`, module blocks of the file at `path`, into the call.
 * A `secloop-ignore` without a reason is not honoured, and said: its findings are in the module's files.
 */
export function readCallSuppressions(path: string, text: string, body: Body, calls: readonly LocalCall[], warn: (warning: { path: string; line: number; message: string }) => void): void {
  // Expired or selector-limited ignores are said when the caller's file is analysed, not again here.
  const foreign = readTfSuppressions(text, { body }, () => {});
  const own = parseSuppressions(text);
  for (const call of calls) {
    const found: CallSuppression[] = [];
    for (const s of foreign) {
      if (!s.covers || !s.ranges.some((r) => r.first === call.block.line && r.last === call.block.endLine)) continue;
      found.push({ justification: tfJustificationOf(s, path), covers: (ruleId, message, typeOf) => coversRule(s, ruleId, message, typeOf) });
    }
    for (const s of own) {
      if (s.line !== call.line && s.line !== call.line - 1) continue;
      if (s.reason === null) {
        warn({ path, line: s.line, message: `secloop-ignore ${s.pattern} on module "${call.name}" has no reason ("-- <reason>"), so it is not honoured for the findings the call makes in the module` });
        continue;
      }
      found.push({ justification: `${s.reason} (line ${s.line} of ${path})`, covers: (ruleId) => matchesRule(s.pattern, ruleId) });
    }
    if (found.length > 0) call.suppressions = found;
  }
}

/**
 * The suppression that covers a finding for one call that makes it (`covers` tells one
 * that covers the finding): one on the call itself, or, for a call in a module that is
 * itself called, one that covers it for every call of that module in the context read.
 */
export function originSuppression(origin: CallOrigin, covers: (s: CallSuppression) => boolean, depth = 0): CallSuppression | undefined {
  const own = origin.call.suppressions?.find(covers);
  if (own) return own;
  const within = origin.within;
  // Past MAX_ORIGINS the context's calls are counted, not named: whether they suppress it cannot be told.
  if (!within || depth >= MAX_CHAIN || within.origins.length === 0 || within.origins.length >= MAX_ORIGINS) return undefined;
  let first: CallSuppression | undefined;
  for (const parent of within.origins) {
    const found = originSuppression(parent, covers, depth + 1);
    if (!found) return undefined;
    first ??= found;
  }
  return first;
}

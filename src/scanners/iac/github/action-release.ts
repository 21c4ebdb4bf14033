import { parseUses, type Step, type Workflow } from './model.js';

const FULL_SHA = /^[0-9a-f]{40}$/;
const RELEASE_TAG = /^v?(\d+)(?:\.(\d+))?(?:\.\d+)*$/;
const VERSION_COMMENT = /#\s*v?(\d+)(?:\.(\d+))?(?:\.\d+)*\b/;

/** A release of an action: its major and minor number (0 when the tag names none, `@v7`). */
export interface ActionRelease {
  major: number;
  minor: number;
}

/**
 * The release of a step's action: from its tag (`@v6`, `@v6.4.1`), or from the `# v6.4.1`
 * comment after a commit SHA, or else from such a comment on another use of the same
 * commit in the file. `unknown` for a commit no comment names; undefined for a branch.
 */
export function actionRelease(wf: Workflow, step: Step): ActionRelease | 'unknown' | undefined {
  const ref = parseUses(step.uses ?? '').ref ?? '';
  const tag = RELEASE_TAG.exec(ref);
  if (tag) return release(tag);
  if (!FULL_SHA.test(ref)) return undefined;
  const own = VERSION_COMMENT.exec(wf.lines[(step.usesLine ?? 0) - 1] ?? '');
  const other = own ?? wf.lines.map((line) => (line.includes(`@${ref}`) ? VERSION_COMMENT.exec(line) : null)).find((m) => m !== null);
  return other ? release(other) : 'unknown';
}

function release(match: RegExpExecArray): ActionRelease {
  return { major: Number(match[1]), minor: Number(match[2] ?? 0) };
}

/**
 * Expression contexts an outsider controls: a pull request title, an issue body, a
 * branch name, a commit message... Interpolated into a script with `${{ }}`, their
 * text becomes code. `*` stands for an array index or a `.*` filter.
 */
const ATTACKER_CONTROLLED = [
  'github.head_ref',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.pull_request.head.repo.description',
  'github.event.pull_request.head.repo.homepage',
  'github.event.pull_request.head.repo.name',
  'github.event.pull_request.head.repo.full_name',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.commits.*.committer.email',
  'github.event.commits.*.committer.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.head_commit.committer.email',
  'github.event.head_commit.committer.name',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.head_commit.committer.email',
  'github.event.workflow_run.head_commit.committer.name',
  'github.event.workflow_run.head_repository.description',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.event.check_suite.head_branch',
  'github.event.check_run.check_suite.head_branch',
  'github.event.check_suite.head_commit.message',
  'github.event.check_suite.head_commit.author.email',
  'github.event.check_suite.head_commit.author.name',
  'github.event.check_suite.head_commit.committer.email',
  'github.event.check_suite.head_commit.committer.name',
  'github.event.merge_group.head_commit.message',
  'github.event.merge_group.head_commit.author.email',
  'github.event.merge_group.head_commit.author.name',
  // An edited issue, pull request or discussion carries its old title and body; a
  // discussion's chosen answer, a wiki edit's title and summary, and the description a
  // forker gives their fork are written by outsiders too.
  'github.event.changes.title.from',
  'github.event.changes.body.from',
  'github.event.answer.body',
  'github.event.old_answer.body',
  'github.event.pages.*.title',
  'github.event.pages.*.summary',
  'github.event.forkee.description',
  'github.event.forkee.homepage',
  // File paths and names an outsider chooses: a pull request's workflow file (a
  // workflow_run event carries its name and path; the name only where `workflows:` has a
  // wildcard, see taint.ts), the files of a push, review comments.
  'github.event.workflow.name',
  'github.event.workflow.path',
  'github.event.workflow_run.name',
  'github.event.workflow_run.path',
  'github.event.commits.*.added.*',
  'github.event.commits.*.modified.*',
  'github.event.commits.*.removed.*',
  'github.event.head_commit.added.*',
  'github.event.head_commit.modified.*',
  'github.event.head_commit.removed.*',
  'github.event.comment.path',
  'github.event.comment.diff_hunk',
  'github.event.review_comment.path',
  'github.event.review_comment.diff_hunk',
  'github.event.pull_request.auto_merge.commit_message',
  'github.event.pull_request.auto_merge.commit_title',
];

function toPattern(path: string): string {
  return path
    .split('.')
    .map((part) => (part === '*' ? '(?:\\*|\\d+)' : part.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')))
    .join('\\.');
}

const CONTEXT = new RegExp(`(?<![\\w.])(?:${ATTACKER_CONTROLLED.map(toPattern).join('|')})(?![\\w])`, 'i');

/** `commits[0]['message']` -> `commits.0.message`, so one pattern covers both spellings. */
function normalise(expression: string): string {
  return expression.replace(/\[\s*(?:(\d+|\*)|'([^']*)'|"([^"]*)")\s*\]/g, (_m, index: string | undefined, single: string | undefined, double: string | undefined) => `.${index ?? single ?? double ?? ''}`);
}

/**
 * Whether the object at `path` (`github.event.pull_request`, `github.event.commits.0`)
 * holds attacker-controlled text somewhere below it: written out whole (as JSON), it
 * carries that text.
 */
export function holdsAttackerContext(path: string): boolean {
  const wanted = normalise(path).toLowerCase().split('.');
  return ATTACKER_CONTROLLED.some((entry) => {
    const parts = entry.split('.');
    return parts.length > wanted.length && wanted.every((part, i) => parts[i] === part || (parts[i] === '*' && /^(?:\d+|\*)$/.test(part)));
  });
}

/** `toJSON(github.event)` and friends dump the whole (attacker-written) payload. */
const WHOLE_EVENT = /\btoJSON\s*\(\s*github\.event(?:\.(?:issue|pull_request|comment|review|discussion|head_commit|commits|workflow_run))?\s*\)/i;

/** The attacker-controlled context an expression reads, if any. */
export function attackerContext(expression: string): string | undefined {
  const match = CONTEXT.exec(normalise(expression));
  if (match) return match[0];
  const whole = WHOLE_EVENT.exec(normalise(expression));
  return whole ? whole[0] : undefined;
}

import { get, isYScalar, items, text } from '../yaml/tree.js';
import { evaluate, parseExpression, type EventFacts } from './expression.js';
import { scriptOf, stepLabel, type Job, type Step, type Workflow } from './model.js';

/**
 * What keeps an outsider's pull request (or comment) from reaching a job or step of a
 * privileged workflow. `fork-blocked`: it never runs for a fork's pull request (a test of
 * the head repository, in an `if:` or in an earlier step that fails). `maintainer`: it
 * runs for one only after someone with write access acts: adds a given label, is the
 * author or commenter an author_association or permission check admits, approves a
 * deployment environment. `why` says which, for messages.
 */
export interface Gate {
  kind: 'fork-blocked' | 'maintainer';
  why: string;
  /** What holds it: an `if:`, an earlier step's check, the trigger's activity types, a deployment environment. */
  via?: 'if' | 'step' | 'trigger' | 'environment';
}

/** pull_request_target activity types only someone with triage or write access can cause. */
export const MAINTAINER_TYPES = new Set(['labeled', 'unlabeled', 'assigned', 'unassigned', 'milestoned', 'demilestoned', 'locked', 'unlocked']);

/** The activity types a trigger is limited to (empty: all). */
export function triggerTypes(wf: Workflow, trigger: string): string[] {
  const on = get(wf.root, 'on') ?? get(wf.root, 'true');
  const types = get(on, trigger, 'types');
  return isYScalar(types) ? [text(types) ?? ''] : items(types).map((t) => text(t) ?? '');
}

/** Whether only a maintainer's action (labelling, assigning) starts the trigger. */
export function maintainerOnlyTrigger(wf: Workflow, trigger: string): boolean {
  const types = triggerTypes(wf, trigger);
  return trigger === 'pull_request_target' && types.length > 0 && types.every((t) => MAINTAINER_TYPES.has(t));
}

const HEAD_REPO = String.raw`github\.event\.(?:pull_request\.head\.repo\.full_name|workflow_run\.head_repository\.full_name)`;
const HEAD_OWNER = String.raw`github\.event\.(?:pull_request\.head\.repo\.owner\.login|workflow_run\.head_repository\.owner\.login)`;

/**
 * The condition as it reads for a fork: the head repository compared with the base
 * repository (or a written-out name, which is the base's: a fork never has it) is unequal.
 */
export function forFork(condition: string): string {
  const pairs: Array<[string, string]> = [
    [HEAD_REPO, String.raw`(?:github\.repository|'[^']*')`],
    [HEAD_OWNER, String.raw`(?:github\.repository_owner|'[^']*')`],
  ];
  let out = condition;
  for (const [head, base] of pairs) {
    out = out
      .replace(new RegExp(`${head}\\s*(==|!=)\\s*${base}`, 'gi'), (_m, op: string) => (op === '==' ? 'false' : 'true'))
      .replace(new RegExp(`${base}\\s*(==|!=)\\s*${head}`, 'gi'), (_m, op: string) => (op === '==' ? 'false' : 'true'));
  }
  return out;
}

/** The pull request's author as the payload gives it: who opened it, which no one else can be. */
const AUTHOR = 'github.event.pull_request.user.login';
/** A login no named account has: an outsider's, in the conditions that name the author. */
const OUTSIDER_LOGIN = '\u0000outsider';
/** The account an author check names (`user.login == 'dependabot[bot]'`), for messages. */
const NAMED_AUTHOR = /pull_request\.user\.login\s*==\s*'([^']+)'|'([^']+)'\s*==\s*github\.event\.pull_request\.user\.login/;
const namedAuthor = (condition: string): string | undefined => {
  const match = NAMED_AUTHOR.exec(condition);
  return match?.[1] ?? match?.[2];
};

const PR_FORK = 'github.event.pull_request.head.repo.fork';
const RUN_FORK = 'github.event.workflow_run.head_repository.fork';

/** Triggers whose event carries the pull request (and so its head repository). */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

/**
 * The fork flags as they read for a fork's event of `trigger`: true where the event
 * carries them, null where it does not (an issue_comment has no github.event.pull_request,
 * so `!github.event.pull_request.head.repo.fork` is true for every commenter). Both true
 * when the trigger is not known.
 */
export function forkFacts(trigger: string | undefined): EventFacts {
  if (trigger === undefined) return { [PR_FORK]: true, [RUN_FORK]: true };
  return { [PR_FORK]: PULL_REQUEST_EVENTS.has(trigger) ? true : null, [RUN_FORK]: trigger === 'workflow_run' ? true : null };
}

const OUTSIDER: EventFacts = Object.fromEntries(['pull_request', 'comment', 'issue', 'review', 'review_comment'].map((o) => [`github.event.${o}.author_association`, 'NONE']));

/**
 * Whether the condition is false for a fork's event of `trigger`: always (`fork-blocked`),
 * or unless a maintainer set a label or an insider wrote it (`maintainer`); `open` when it
 * tests author_association and still admits an outsider.
 */
function conditionGate(condition: string, trigger: string | undefined): Gate['kind'] | 'author' | 'open' | undefined {
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  if (bare.includes('${{')) return undefined;
  const tree = parseExpression(forFork(bare));
  if (!tree) return undefined;
  const facts: EventFacts = { ...forkFacts(trigger), ...(trigger ? { 'github.event_name': trigger } : {}) };
  if (evaluate(tree, facts) === false) return 'fork-blocked';
  // Only pull requests a named account opened (`github.event.pull_request.user.login == 'dependabot[bot]'`): no outsider is that account.
  if (evaluate(tree, { ...facts, [AUTHOR]: trigger === undefined || PULL_REQUEST_EVENTS.has(trigger) ? OUTSIDER_LOGIN : null }) === false) return 'author';
  // A label no outsider can add: with no label of the event's, the condition fails.
  if (evaluate(tree, { ...facts, 'github.event.label.name': '\u0000' }) === false) return 'maintainer';
  // A label the pull request carries (`contains(github.event.pull_request.labels.*.name, 'safe')`): only a maintainer can have put it there.
  const unlabelled = bare.replace(PULL_REQUEST_LABEL, 'false');
  const withoutLabels = unlabelled === bare ? undefined : parseExpression(forFork(unlabelled));
  if (withoutLabels && evaluate(withoutLabels, facts) === false) return 'maintainer';
  // An outsider's author_association; a test that lets it through (`!= 'MEMBER'`) is no gate.
  const outsider = evaluate(tree, { ...facts, ...OUTSIDER });
  if (outsider === false) return 'maintainer';
  if (outsider !== 'unknown' && /author_association/i.test(bare)) return 'open';
  return undefined;
}

/** A test that the pull request carries a given label. */
const PULL_REQUEST_LABEL = /\bcontains\(\s*github\.event\.pull_request\.labels\.\*\.name\s*,\s*(?:'[^']*'|"[^"]*")\s*\)/gi;

/** An `if:` that runs the job even when a job it needs was skipped. */
const STATUS_OVERRIDE = /\b(?:always|failure|cancelled)\s*\(/i;

/** The job and the jobs it needs, transitively, as far as a skipped one skips it. */
export function gatingJobs(wf: Workflow, job: Job, seen = new Set<string>()): Job[] {
  if (seen.has(job.id)) return [];
  seen.add(job.id);
  const out = [job];
  if (STATUS_OVERRIDE.test(text(get(job.node, 'if')) ?? '')) return out;
  const needs = get(job.node, 'needs');
  const names = isYScalar(needs) ? [text(needs) ?? ''] : items(needs).map((n) => text(n) ?? '');
  for (const name of names) {
    const needed = wf.jobs.find((j) => j.id === name);
    if (needed) out.push(...gatingJobs(wf, needed, seen));
  }
  return out;
}

const PERMISSION_CHECK = /author_association|\/collaborators\/[^\s]*\/permission|getCollaboratorPermissionLevel|checkCollaborator|\bcollaborators\.check\b|\borgs\.checkMembership(?:ForUser)?\b|\/orgs\/[^\s]*\/members\//i;
const FORK_CHECK = /head\.repo\.(?:full_name|fork)\b|head_repository\.(?:full_name|fork)\b|isCrossRepository|headRepository(?:Owner)?\b/;
/** The collaborator check that answers 404, so that Octokit throws, for anyone who is not one: the step fails unless the script catches it. */
const THROWS_FOR_OUTSIDERS = /^(?![\s\S]*\bcatch\b)[\s\S]*(?:checkCollaborator|\bcollaborators\.check)\b/;
const FAILS = /setFailed|\bexit\s+[1-9]\d*\b|\bthrow\b|process\.exit\(\s*[1-9]/;

function checked(text: string): string {
  if (/author_association/i.test(text)) return 'author_association';
  return /checkMembership|\/orgs\/[^\s]*\/members\//i.test(text) ? "the user's membership of the organization" : "the user's permission on the repository";
}

/**
 * The strongest gate in front of `step` (or the job, when no step is given) for events of
 * `trigger`: fork-blocked before maintainer. Undefined when an outsider reaches it.
 */
export function gateOf(wf: Workflow, job: Job, step?: Step, trigger?: string): Gate | undefined {
  const jobs = gatingJobs(wf, job);
  // Steps that run before: the earlier ones of the job, and all of the jobs it needs.
  return gateBefore(wf, jobs, step, trigger, [...job.steps.filter((s) => !step || s.index < step.index), ...jobs.slice(1).flatMap((j) => j.steps)]);
}

/**
 * The strongest gate in front of the start of `job` for events of `trigger`: its `if:`,
 * those of the jobs it needs, their steps, a deployment environment. Unlike gateOf
 * without a step, a check among the job's own steps does not count: by then the job
 * already runs on its runner.
 */
export function jobGateOf(wf: Workflow, job: Job, trigger: string): Gate | undefined {
  const jobs = gatingJobs(wf, job);
  return gateBefore(wf, jobs, undefined, trigger, jobs.slice(1).flatMap((j) => j.steps));
}

function gateBefore(wf: Workflow, jobs: Job[], step: Step | undefined, trigger: string | undefined, before: Step[]): Gate | undefined {
  const conditions = [...(step ? [{ label: 'the step', node: get(step.node, 'if') }] : []), ...jobs.map((j) => ({ label: `job ${j.id}`, node: get(j.node, 'if') }))];
  let maintainer: Gate | undefined;
  for (const { label, node } of conditions) {
    const condition = text(node);
    if (condition === undefined) continue;
    const kind = conditionGate(condition, trigger);
    if (kind === 'fork-blocked') return { kind, why: `the if: of ${label} excludes pull requests from forks`, via: 'if' };
    if (kind === 'author') return { kind: 'fork-blocked', why: `the if: of ${label} admits only pull requests that ${namedAuthor(condition) ?? 'a named account'} opened`, via: 'if' };
    if (kind === 'open') continue;
    if (kind === 'maintainer' && !PERMISSION_CHECK.test(condition)) maintainer ??= { kind, why: `the if: of ${label} requires a label that only maintainers can add`, via: 'if' };
    else if (kind === 'maintainer' || PERMISSION_CHECK.test(condition)) maintainer ??= { kind: 'maintainer', why: `the if: of ${label} checks ${checked(condition)}`, via: 'if' };
  }
  for (const s of before) {
    const script = scriptOf(s);
    if (get(s.node, 'continue-on-error') !== undefined) continue;
    if (FORK_CHECK.test(script) && FAILS.test(script)) return { kind: 'fork-blocked', why: `an earlier step (${stepLabel(s)}) fails for pull requests from forks`, via: 'step' };
    // A check that only sets an output or a variable (`triage_allowed=true`) stops nothing: the step must fail the job.
    const guard = [script, text(get(s.node, 'if')) ?? ''].find((t) => PERMISSION_CHECK.test(t));
    if (guard && (FAILS.test(script) || THROWS_FOR_OUTSIDERS.test(script))) maintainer ??= { kind: 'maintainer', why: `an earlier step (${stepLabel(s)}) checks ${checked(guard)}`, via: 'step' };
  }
  if (trigger && maintainerOnlyTrigger(wf, trigger)) maintainer ??= { kind: 'maintainer', why: `only a maintainer's ${triggerTypes(wf, trigger).join('/')} starts it`, via: 'trigger' };
  const environment = jobs.map((j) => get(j.node, 'environment')).find((e) => e !== undefined);
  const name = text(environment) ?? text(get(environment, 'name'));
  if (environment !== undefined) maintainer ??= { kind: 'maintainer', why: `it deploys to the environment ${name ?? '(computed)'}, which can require a reviewer's approval`, via: 'environment' };
  return maintainer;
}

/**
 * The weakest gate in front of a step over the privileged triggers that reach it: none
 * when one of them reaches it open, else a maintainer's action before no forks at all.
 * Undefined also when no privileged trigger reaches the step.
 */
export function weakestGate(wf: Workflow, job: Job, step: Step, triggers: readonly string[]): Gate | undefined {
  const reached = triggers.filter((t) => runsFor(t, job, step));
  if (reached.length === 0) return undefined;
  const gates = reached.map((t) => gateOf(wf, job, step, t));
  return gates.some((g) => !g) ? undefined : (gates.find((g) => g!.kind === 'maintainer') ?? gates[0]);
}

/** Whether the step or its job can run at all for events of `trigger` (an `if:` on github.event_name can rule it out). */
export function runsFor(trigger: string, job: Job, step?: Step): boolean {
  for (const node of [get(job.node, 'if'), step ? get(step.node, 'if') : undefined]) {
    const condition = text(node);
    if (condition === undefined) continue;
    const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
    const tree = bare.includes('${{') ? undefined : parseExpression(bare);
    if (tree && evaluate(tree, { 'github.event_name': trigger }) === false) return false;
  }
  return true;
}


/**
 * Whether an `if:` in front of the step (its own, its job's, those of the jobs it needs)
 * admits only pull requests that a named account opened (`github.event.pull_request.user.login
 * == 'dependabot[bot]'`): an outsider's pull request never reaches it, so its branch name is
 * that account's. github.actor is no such test: another account's action can make the bot
 * the actor of a run.
 */
export function onlyNamedAuthor(wf: Workflow, job: Job, step?: Step): boolean {
  const conditions = [step ? get(step.node, 'if') : undefined, ...gatingJobs(wf, job).map((j) => get(j.node, 'if'))];
  return conditions.some((node) => {
    const condition = text(node);
    if (condition === undefined || !condition.includes(AUTHOR)) return false;
    const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
    const tree = bare.includes('${{') ? undefined : parseExpression(bare);
    return tree !== undefined && evaluate(tree, { [AUTHOR]: OUTSIDER_LOGIN }) === false;
  });
}

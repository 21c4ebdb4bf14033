import { get, isYMap, pair, text } from '../yaml/tree.js';
import { basename, commandsOf, effectiveWords, gitSubcommand, programOf, substitutions, type ShellCommand } from '../shell.js';
import { PRIVILEGED_TRIGGERS, expressions, inputDeclarations, isAction, jobLabel, onWindows, parseUses, scriptOf, stepLabel, stepShell, withValue, workflowRunFromMaintainers, type Job, type Step, type Workflow } from './model.js';
import { gateOf, runsFor, type Gate } from './gates.js';
import { isPrivileged } from './rule-kit.js';
import { downloadsOtherRunArtifacts, onlyListsArtifacts } from './artifacts.js';
import { endOfJob, matrixReferences, matrixValues, neededOutput, needsReferences, startOfJob } from './flow.js';
import { githubScriptTaint, taintOf, taintedVariable, untrustedSource, type Source } from './taint.js';
import { onlySetsItsOwnVariable } from './toolkit-env.js';
import { ownUsesLabel } from './own-repository.js';

/** Whether the action or reusable workflow a `uses:` names is one of the scan's: a local `./` one, or the scanned repository's by its full name. */
function followed(wf: Workflow, uses: string): boolean {
  return parseUses(uses).local || wf.callers?.namesOwnRepository?.(uses) === true;
}

/** A local composite action of the scan as a finding names it: `the local action .github/actions/x`, or by the full name its step uses, with the file that stands for it. */
function actionName(uses: string, action: Workflow): string {
  const path = action.path ?? uses;
  return parseUses(uses).local ? `the local action ${path}` : `the action ${ownUsesLabel(uses, path.replace(/\/action\.ya?ml$/i, ''))}`;
}

/** A reusable workflow of the scan as a finding names it: its path, or the full name the job calls it by, with the file that stands for it. */
function workflowName(job: Job, wf: Workflow): string {
  const uses = text(get(job.node, 'uses')) ?? '';
  const path = wf.path ?? 'a reusable workflow';
  return parseUses(uses).local || uses === '' ? path : ownUsesLabel(uses, path);
}

/** A ref or sha that names the pull request's (or the triggering run's) head rather than the base repository's code. */
export const UNTRUSTED_REF = /github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(?:sha|branch)|github\.event\.workflow_run\.head_commit\.id|refs\/pull\/|github\.event\.pull_request\.merge_commit_sha|github\.event\.issue\.pull_request|steps\.[\w-]+\.outputs\.(?:head_?)?(?:sha|ref)/i;

/** What an earlier step reads when it looks up the pull request's head: the API, the gh CLI, the payload. */
const PULL_REQUEST_LOOKUP = /\bhead\.(?:sha|ref)\b|pulls\.get\b|\/pulls\/|gh\s+pr\s+view\b|headRef(?:Name|Oid)\b|refs\/pull\//i;

/** A pull request's head as the API or the payload gives it: its sha, branch or repository. */
const HEAD_FIELD = /\bhead\.(?:sha|ref|repo\.(?:full_name|clone_url|name))\b|\bheadRef(?:Name|Oid)\b|\bheadRepository(?:Owner)?\b|\bhead_(?:sha|branch|repository)\b/;

/**
 * The lines of a script that set output `name` (`name=...` to GITHUB_OUTPUT,
 * `setOutput('name', ...)`), with the lines that assign a shell variable they read.
 */
function outputLines(script: string, name: string): string[] {
  const quoted = name.replace(/-/g, '\\-');
  const sets = new RegExp(`(?:^|[\\s"'])${quoted}=|setOutput\\(\\s*['"\`]${quoted}['"\`]|::set-output\\s+name=${quoted}::`, 'i');
  const lines = script.split('\n');
  const found = lines.filter((l) => sets.test(l));
  const variables = new Set(found.flatMap((l) => [...l.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]!)));
  const assigns = lines.filter((l) => [...variables].some((v) => new RegExp(`^\\s*(?:export\\s+|local\\s+|const\\s+|let\\s+)?${v}\\s*=`).test(l)));
  return [...found, ...assigns];
}

/**
 * `${{ steps.pr.outputs.X }}` where X names the head (`head`, `pr_head`), or names a sha or
 * ref that an earlier step of the job wrote after looking the pull request up, or whatever
 * X is called, the step wrote it from the head's sha or ref.
 */
export function pullRequestOutput(step: Step, value: string): boolean {
  for (const m of value.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/gi)) {
    const [, id, name] = m as unknown as [string, string, string];
    if (/head/i.test(name)) return true;
    const source = step.job.steps.find((s) => s.index < step.index && text(get(s.node, 'id')) === id);
    const script = source ? scriptOf(source) : '';
    if (/sha|ref/i.test(name) && PULL_REQUEST_LOOKUP.test(script)) return true;
    if (outputLines(script, name).some((l) => UNTRUSTED_REF.test(l) || HEAD_FIELD.test(l))) return true;
  }
  return false;
}

/** How deep a checkout's ref is followed through job outputs and matrix values. */
const MAX_REF_DEPTH = 6;

/**
 * Whether a checkout's `ref` (or `repository`, with `head`) names the pull request's code:
 * directly, through an output of an earlier step, as text an outsider wrote (a branch name,
 * a file of the triggering run's artifacts), or through an output of a job it needs or a
 * matrix value that does.
 */
function namesPullRequest(wf: Workflow | undefined, step: Step, value: string, head: (value: string) => boolean, depth = 0): boolean {
  // Behind a job output or a matrix value, an output is judged by what wrote it, not by its name (`sha` may be the base's).
  if (head(depth === 0 ? value : value.replace(/\bsteps\.[\w-]+\.outputs\.[\w-]+/gi, (m) => m.replace(/\.outputs\./i, '.outputs.$'))) || pullRequestOutput(step, value)) return true;
  if (!wf || !value.includes('${{')) return false;
  const taint = taintOf(wf, step);
  if (expressions(value).some((e) => { const source = untrustedSource(e.inner, taint, wf); return source !== undefined && source.severity === undefined; })) return true;
  if (depth >= MAX_REF_DEPTH) return false;
  for (const { job, name } of needsReferences(value)) {
    const output = neededOutput(wf, step.job, job, name);
    if (output && namesPullRequest(wf, endOfJob(output.job), output.value, head, depth + 1)) return true;
  }
  for (const path of matrixReferences(value)) if (matrixValues(step.job, path).some((v) => namesPullRequest(wf, step, v, head, depth + 1))) return true;
  return false;
}

/** The `with:` input (ref or repository) by which an actions/checkout step, or a local composite action's, fetches the pull request's code, if it does. */
export function untrustedCheckoutInput(step: Step, wf?: Workflow): ReturnType<typeof withValue> {
  if (!isAction(step, 'actions/checkout')) return actionCheckout(step, wf)?.input;
  const own = ownRunHead(wf);
  const ref = withValue(step, 'ref');
  if (ref && namesPullRequest(wf, step, ref.value, (v) => UNTRUSTED_REF.test(own(v)))) return ref;
  const repository = withValue(step, 'repository');
  return repository && namesPullRequest(wf, step, repository.value, (v) => /head\.repo|head_repository/.test(own(v))) ? repository : undefined;
}

/** `inputs.X` in an expression of a reusable workflow: what its caller passes in `with:`. */
const INPUT_REFERENCE = /(?<![\w.])inputs\.([\w-]+)/g;

/** Whether a value of a callee names the head for what it says besides the inputs it reads (those are judged with what the caller passes). */
function namesHeadItself(value: string, head: (value: string) => boolean): boolean {
  return head(value.replace(INPUT_REFERENCE, '')) || !/(?<![\w.])inputs\./.test(value);
}

/**
 * The checkout of the pull request's code inside the local composite action of the scan
 * that `step` uses (it runs in the caller's job, on the caller's event): an actions/checkout
 * step of the action whose `ref` or `repository` reads an input the step fills with the
 * head (`input`: that `with:` entry), or whose `default:` names the head when the step
 * passes none, or that names the head itself (`input` then stands on the step's `uses:`).
 */
export function actionCheckout(step: Step, wf: Workflow | undefined, events: Workflow | undefined = wf): { action: Workflow; inner: Step; input: NonNullable<ReturnType<typeof withValue>> } | undefined {
  if (!wf || !step.uses || !followed(wf, step.uses) || step.usesLine === undefined) return undefined;
  const action = wf.callers?.localAction?.(wf, step);
  if (!action) return undefined;
  const own = ownRunHead(wf);
  const heads = { ref: (v: string) => UNTRUSTED_REF.test(own(v)), repository: (v: string) => /head\.repo|head_repository/.test(own(v)) };
  const label = actionName(step.uses, action);
  // The action's steps read the caller's event: a checkout whose `if:` rules out every privileged event of the caller is none of its.
  const triggers = [...(events ?? wf).triggers.keys()].filter((t) => PRIVILEGED_TRIGGERS.has(t));
  for (const inner of action.jobs.flatMap((j) => j.steps)) {
    if (!isAction(inner, 'actions/checkout') || (triggers.length > 0 && !triggers.some((t) => runsFor(t, inner.job, inner)))) continue;
    for (const key of ['ref', 'repository'] as const) {
      const value = withValue(inner, key)?.value;
      if (value === undefined) continue;
      for (const [, name] of value.matchAll(INPUT_REFERENCE)) {
        const passed = (step.with?.pairs ?? []).find((p) => p.key.toLowerCase() === name!.toLowerCase());
        if (passed) {
          const given = withValue(step, passed.key);
          // Seen from a caller further up (`events`), the step's own inputs are judged with that caller's values, not here.
          if (given && namesPullRequest(wf, step, given.value, heads[key]) && (events === wf || namesHeadItself(given.value, heads[key]))) return { action, inner, input: { ...given, value: `${given.value.trim()}, which ${label} checks out` } };
          continue;
        }
        const fallback = inputDeclarations(action, name!).find((d) => d.source === 'action')?.default;
        if (fallback !== undefined && namesPullRequest(action, inner, fallback, heads[key]) && namesHeadItself(fallback, heads[key]))
          return { action, inner, input: { value: `${value.trim()} of ${label}, whose default, as the step passes none, is ${fallback.trim()}`, line: step.usesLine, node: step.node } };
      }
      if (namesPullRequest(action, inner, value, heads[key]) && namesHeadItself(value, heads[key]))
        return { action, inner, input: { value: `${value.trim()} in ${label}`, line: step.usesLine, node: step.node } };
    }
  }
  return undefined;
}

/** How many local reusable workflows deep a call is followed (GitHub nests at most ten). */
const MAX_CALL_DEPTH = 10;
/** Workflows visited to follow the calls of one job, every path through them counted. */
const MAX_CALL_VISITS = 200;

/**
 * A checkout of pull request code inside the local reusable workflow that `job` calls, or
 * inside one that workflow calls in turn, seen from the calling job. A called workflow runs
 * in its caller's event context: its `github.event` is the caller's event and its inputs
 * are what its caller passes, or their `default:` when the caller passes nothing.
 */
export interface CalledCheckout {
  /** The workflow that holds the checkout step. */
  callee: Workflow;
  /** The workflows the call goes through before it reaches `callee`, with the job of each that calls the next; empty for a direct call. */
  through: Array<{ wf: Workflow; job: Job }>;
  /** How a finding names each workflow of the route, the callee last: its path, or the full name of the scanned repository it is called by. */
  names: string[];
  /** The callee's actions/checkout step. */
  step: Step;
  /** The caller's line: the `with:` entry that passes the pull request's ref or repository, else the job's `uses:`. */
  line: number;
  /** What is checked out, as a phrase: the callee's value, and what the caller passes for it. */
  what: string;
  /** A called workflow that is privileged on its own finds the checkout itself: iac/gha-untrusted-checkout reports it there. */
  foundByCallee: boolean;
}

/** The path of the workflows a called checkout is reached by: `b.yml, which calls c.yml`. */
export function calledRoute(call: CalledCheckout): string {
  return call.names.join(', which calls ');
}

/** A value an input of a called workflow takes, as the text that gives it and where that text is read. */
interface InputValue {
  text: string;
  /** The workflow that writes the text, and the place in it whose outputs and matrix it reads. */
  wf: Workflow;
  at: Step;
  /** The outermost caller's line for it: its `with:` entry when the value is one, else its job's `uses:`. */
  line: number;
  /** How the value is given, as a phrase. */
  how: string;
  /** How many workflows down the chain the text is written: 0 for the outermost caller's own `with:`. */
  level: number;
}

/**
 * The checkouts of pull request code in the reusable workflows of the scan that `job`
 * calls, directly or through other local reusable workflows (at most {@link MAX_CALL_DEPTH}
 * deep, each workflow once on a path): a `ref` or `repository` that reads an input the
 * caller fills with the pull request's head, whether it passes it itself or a workflow on
 * the way forwards it (`ref: ${{ inputs.ref }}`), or whose `default:` names the head when
 * nothing is passed; or that names the head itself (`github.event.pull_request.head.sha`).
 */
export function calledCheckouts(wf: Workflow, job: Job): CalledCheckout[] {
  const uses = pair(job.node, 'uses');
  const first = wf.callers?.calledWorkflow?.(wf, job);
  if (!first || !uses) return [];
  const own = ownRunHead(wf);
  const heads = { ref: (v: string) => UNTRUSTED_REF.test(own(v)), repository: (v: string) => /head\.repo|head_repository/.test(own(v)) };
  /** Whether a value names the pull request's head: the outermost caller's own with: as it is, a text further down only for what it names besides the inputs it forwards. */
  const names = (v: InputValue, key: 'ref' | 'repository') =>
    namesPullRequest(v.wf, v.at, v.text, heads[key]) && (v.level === 0 || namesHeadItself(v.text, heads[key]));
  const found: CalledCheckout[] = [];
  let visits = 0;

  /** The values the inputs of `callee` take when `calling` (a job of `caller`) calls it; `outer` gives those of the caller's own inputs. */
  const inputsOf = (caller: Workflow, calling: Job, callee: Workflow, level: number, outer?: (name: string) => InputValue[]) => {
    const passedWith = get(calling.node, 'with');
    return (name: string): InputValue[] => {
      const entry = isYMap(passedWith) ? passedWith.pairs.find((p) => p.key.toLowerCase() === name.toLowerCase()) : undefined;
      const given = text(entry?.value);
      if (entry && given !== undefined) {
        const how = level === 0 ? `which ${jobLabel(calling)} passes as ${given.trim()}` : `which ${jobLabel(calling)} of ${caller.path ?? 'a reusable workflow'} passes as ${given.trim()}`;
        const own: InputValue = { text: given, wf: caller, at: startOfJob(calling), line: level === 0 ? entry.keyLine : uses.keyLine, how, level };
        // A caller further down forwards its own inputs: what they take, as the outermost caller gives them.
        const forwarded = outer ? [...given.matchAll(INPUT_REFERENCE)].flatMap((m) => outer(m[1]!).map((v) => ({ ...v, how: `${how}, ${v.how}` }))) : [];
        return [own, ...forwarded];
      }
      // Not passed: the callee's default, read with the caller's event (on an event of its own, the callee's inputs are empty).
      const fallback = inputDeclarations(callee, name).find((d) => d.source === 'workflow_call')?.default;
      const start = callee.jobs[0];
      if (fallback === undefined || !start) return [];
      return [{ text: fallback, wf: callee, at: startOfJob(start), line: uses.keyLine, how: `whose default, as ${jobLabel(calling)}${level === 0 ? '' : ` of ${caller.path ?? 'a reusable workflow'}`} passes none, is ${fallback.trim()}`, level }];
    };
  };

  const visit = (callee: Workflow, through: Array<{ wf: Workflow; job: Job }>, route: string[], inputs: (name: string) => InputValue[]) => {
    if (++visits > MAX_CALL_VISITS) return;
    const chain = [...through.map((t) => t.wf), callee];
    // A value written at `level` is seen as well by any privileged workflow of the chain down to that level, which reports it itself.
    const foundAt = (level: number) => chain.slice(0, level).some((w) => isPrivileged(w));
    /**
     * A step of the callee that uses a local composite action, which checks out what the
     * step passes it (`ref: ${{ inputs.ref }}`, forwarding the callee's own input), or the
     * head that the step's values, the action's defaults or the action itself name.
     */
    const actionHit = (step: Step): CalledCheckout | undefined => {
      const action = step.uses && followed(callee, step.uses) ? callee.callers?.localAction?.(callee, step) : undefined;
      if (!action) return undefined;
      const label = actionName(step.uses!, action);
      const triggers = [...wf.triggers.keys()].filter((t) => PRIVILEGED_TRIGGERS.has(t));
      for (const inner of action.jobs.flatMap((j) => j.steps)) {
        if (!isAction(inner, 'actions/checkout') || (triggers.length > 0 && !triggers.some((t) => runsFor(t, inner.job, inner)))) continue;
        for (const key of ['ref', 'repository'] as const) {
          for (const [, name] of (withValue(inner, key)?.value ?? '').matchAll(INPUT_REFERENCE)) {
            const passed = (step.with?.pairs ?? []).find((p) => p.key.toLowerCase() === name!.toLowerCase());
            const value = passed ? withValue(step, passed.key)?.value : undefined;
            for (const [, forwarded] of (value ?? '').matchAll(INPUT_REFERENCE)) {
              const given = inputs(forwarded!).find((v) => names(v, key));
              if (given) return { callee, through, names: route, step, line: given.line, what: `${value!.trim()}, which ${label} checks out, ${given.how}`, foundByCallee: foundAt(given.level) };
            }
          }
        }
      }
      const own = actionCheckout(step, callee, wf);
      return own ? { callee, through, names: route, step, line: uses.keyLine, what: own.input.value, foundByCallee: foundAt(chain.length) } : undefined;
    };
    for (const calleeJob of callee.jobs) {
      for (const step of calleeJob.steps) {
        // A step reached again by another path (another job on the way) is another call of it, with its own gates.
        let hit: CalledCheckout | undefined = isAction(step, 'actions/checkout') ? undefined : actionHit(step);
        for (const key of isAction(step, 'actions/checkout') ? (['ref', 'repository'] as const) : []) {
          const value = withValue(step, key)?.value;
          if (value === undefined || hit) continue;
          for (const [, name] of value.matchAll(INPUT_REFERENCE)) {
            const given = inputs(name!).find((v) => names(v, key));
            if (!given) continue;
            hit = { callee, through, names: route, step, line: given.line, what: `${value.trim()}, ${given.how}`, foundByCallee: foundAt(given.level) };
            break;
          }
          // The head named in the callee itself, not through an input (those are judged above, with the callers' values).
          if (!hit && names({ text: value, wf: callee, at: step, line: uses.keyLine, how: '', level: chain.length }, key))
            hit = { callee, through, names: route, step, line: uses.keyLine, what: value.trim(), foundByCallee: foundAt(chain.length) };
        }
        if (hit) found.push(hit);
      }
      // A job of the callee that calls another local reusable workflow: followed with the inputs it passes on.
      const next = get(calleeJob.node, 'uses') === undefined ? undefined : callee.callers?.calledWorkflow?.(callee, calleeJob);
      if (!next || chain.length >= MAX_CALL_DEPTH || [wf, ...chain].some((w) => w === next || (w.path !== undefined && w.path === next.path))) continue;
      visit(next, [...through, { wf: callee, job: calleeJob }], [...route, workflowName(calleeJob, next)], inputsOf(callee, calleeJob, next, chain.length, inputs));
    }
  };
  visit(first, [], [workflowName(job, first)], inputsOf(wf, job, first, 0));
  return found;
}

/**
 * The strongest gate in front of a called checkout for events of `trigger`: that of the
 * calling job (its `if:`, the jobs it needs), of the jobs on the way that call further,
 * else that of the callee's job and step, whose `if:` reads the caller's event.
 */
export function calledCheckoutGate(wf: Workflow, job: Job, call: CalledCheckout, trigger: string): Gate | undefined {
  const gates = [gateOf(wf, job, undefined, trigger), ...call.through.map((t) => gateOf(t.wf, t.job, undefined, trigger)), gateOf(call.callee, call.step.job, call.step, trigger)];
  return gates.find((g) => g?.kind === 'fork-blocked') ?? gates.find((g) => g !== undefined);
}

/** Whether a called checkout can run for events of `trigger`: neither the calling job's `if:`, nor those of the jobs on the way, nor the callee's rule the event out. */
export function calledCheckoutRunsFor(trigger: string, job: Job, call: CalledCheckout): boolean {
  return runsFor(trigger, job) && call.through.every((t) => runsFor(trigger, t.job)) && runsFor(trigger, call.step.job, call.step);
}

/** The head of the run a workflow_run event is about: its commit, branch and repository. */
const WORKFLOW_RUN_HEAD = /github\.event\.workflow_run\.(?:head_(?:sha|branch)|head_commit\.id|head_repository\.[\w.]+)/gi;

/**
 * In a workflow_run workflow whose upstream runs only maintainers start (push, schedule,
 * release...), the triggering run's head is a commit of the repository itself, not a
 * pull request's: a text with those references taken out; the text as it is otherwise.
 */
function ownRunHead(wf: Workflow | undefined): (text: string) => string {
  return wf !== undefined && workflowRunFromMaintainers(wf) ? (text) => text.replace(WORKFLOW_RUN_HEAD, '') : (text) => text;
}

const GIT_FETCH = /\bgit\s+(?:-[cC]\s+\S+\s+)*(?:fetch|pull|checkout|switch|clone|worktree)\b/;
const GH_PR_CHECKOUT = /\bgh\s+pr\s+checkout\b/;
/** `git fetch` alone: it adds the commits to the object store, and leaves the work tree as it is. */
const GIT_FETCH_ONLY = /\bgit\s+(?:-[cC]\s+\S+\s+)*fetch\b/;
/** Commands that put a fetched commit's files in the work tree, or apply them there. */
const TO_WORK_TREE =
  /\bgit\s+(?:-[cC]\s+\S+\s+)*(?:checkout|switch|reset|merge|rebase|cherry-pick|worktree|restore|read-tree|checkout-index|pull|am|apply|stash|archive)\b|\bgh\s+pr\s+checkout\b/;

/**
 * Whether a `git fetch` of the pull request on `line` of `step` only brings its commits in
 * to be compared (`git diff base..pr`, `git log`): neither that line nor any later one of
 * the job puts them in the work tree.
 */
function fetchedForComparison(step: Step, script: string, line: string): boolean {
  if (!GIT_FETCH_ONLY.test(line) || TO_WORK_TREE.test(line)) return false;
  const rest = script.slice(script.indexOf(line) + line.length);
  const later = step.job.steps.filter((s) => s.index > step.index);
  return !TO_WORK_TREE.test(rest) && later.every((s) => !TO_WORK_TREE.test(scriptOf(s)));
}
/**
 * The line that writes the event's text to GITHUB_ENV or GITHUB_PATH: through a tainted
 * env variable, or a shell variable assigned from one on an earlier line.
 */
function writesEventToEnv(script: string, env: Map<string, Source>): string | undefined {
  const tainted = new Map([...env].filter(([, source]) => source.severity === undefined));
  if (tainted.size === 0) return undefined;
  for (const line of script.split('\n')) {
    if (/^\s*#/.test(line) || !taintedVariable(line, tainted)) continue;
    if (/\$\{?GITHUB_(?:ENV|PATH)\b/.test(line)) return line;
    const assigned = /^\s*(?:export\s+|local\s+)?([A-Za-z_]\w*)=/.exec(line)?.[1];
    if (assigned) tainted.set(assigned, { text: assigned });
  }
  return undefined;
}

/** What {@link handlesUntrustedCode} found: the phrase, and the gate in front of it when every such step is gated. */
export interface UntrustedHandling {
  phrase: string;
  gate?: Gate;
  /** The step brings the pull request's files (a checkout, another run's artifacts) and no later step of its job runs them. */
  onlyRead?: boolean;
}

/** The first step of the job that runs, or hands a script, content from the event, as a phrase. */
function untrustedStep(wf: Workflow, step: Step): string | undefined {
  const checkout = untrustedCheckoutInput(step, wf);
  if (checkout) return `${stepLabel(step)} checks out the pull request's code (${checkout.value.trim()})`;
  if (downloadsOtherRunArtifacts(step, wf)) return `${stepLabel(step)} downloads artifacts of another run`;
  const script = scriptOf(step);
  const own = ownRunHead(wf);
  const line = script.split('\n').find((l) => GH_PR_CHECKOUT.test(l) || (GIT_FETCH.test(l) && (UNTRUSTED_REF.test(own(l)) || /\bpull\/\S+\/head\b/.test(l))));
  if (line && !fetchedForComparison(step, script, line)) return `${stepLabel(step)} fetches the pull request's code (${line.trim().slice(0, 80)})`;
  if (!script.includes('${{') && !/GITHUB_(?:ENV|PATH)\b|\b(?:exportVariable|addPath)\b/.test(script)) return undefined;
  const taint = taintOf(wf, step);
  const source = expressions(script).map((e) => untrustedSource(e.inner, taint, wf)).find((s) => s && !s.severity);
  if (source) return `${stepLabel(step)} expands ${source.text.replace(/ \([\s\S]*$/, '')} into a script`;
  // The variables of every later step, PATH included, become the event's text: code execution as surely as a checkout.
  const written = writesEventToEnv(script, taint.env);
  if (written) return `${stepLabel(step)} writes the event's text to ${/GITHUB_PATH/.test(written) ? 'GITHUB_PATH' : 'GITHUB_ENV'}`;
  const exported = githubScriptTaint(wf, step, taint).find((w) => w.kind !== 'output' && w.source.severity === undefined && !onlySetsItsOwnVariable(wf, step, w));
  if (exported) return `${stepLabel(step)} writes the event's text to ${exported.kind === 'path' ? 'GITHUB_PATH' : 'GITHUB_ENV'}`;
  return undefined;
}

/**
 * What in a workflow runs, or hands a script, content from the event that started it:
 * a checkout of the pull request's head, a shell fetch of it, artifacts of another run,
 * attacker-written text expanded into a script or written to GITHUB_ENV / GITHUB_PATH.
 * For `trigger`, steps and jobs whose `if:` rules that event out are skipped. The first
 * step no gate guards; else the first gated one with its gate; undefined when none.
 */
export function handlesUntrustedCode(wf: Workflow, trigger?: string): UntrustedHandling | undefined {
  let gated: UntrustedHandling | undefined;
  // A step that brings files no later step runs: named only when no step that runs them is found.
  let read: UntrustedHandling | undefined;
  // A step that only lists another run's artifacts: named only when no step that downloads them is found.
  const listing: { ungated?: UntrustedHandling; gated?: UntrustedHandling } = {};
  for (const job of wf.jobs) {
    // A local reusable workflow the job calls runs with this workflow's event: its checkouts count as the job's.
    for (const call of trigger ? calledCheckouts(wf, job) : []) {
      if (!calledCheckoutRunsFor(trigger!, job, call)) continue;
      const phrase = `${jobLabel(job)} calls ${calledRoute(call)}, whose ${stepLabel(call.step)} checks out the pull request's code (${call.what})`;
      const gate = calledCheckoutGate(wf, job, call, trigger!);
      const onlyRead = laterStepRunningFiles(call.callee, call.step) === undefined;
      if (!gate && !onlyRead) return { phrase };
      if (!gate) read ??= { phrase, onlyRead };
      else gated ??= { phrase, gate };
    }
    for (const step of job.steps) {
      if (trigger && !runsFor(trigger, job, step)) continue;
      const phrase = untrustedStep(wf, step);
      if (!phrase) continue;
      const gate = gateOf(wf, job, step, trigger);
      if (onlyListsArtifacts(step)) {
        if (!gate) listing.ungated ??= { phrase };
        else listing.gated ??= { phrase, gate };
        continue;
      }
      const bringsFiles = untrustedCheckoutInput(step, wf) !== undefined || downloadsOtherRunArtifacts(step, wf);
      const onlyRead = bringsFiles && laterStepRunningFiles(wf, step) === undefined;
      if (!gate && !onlyRead) return { phrase };
      if (!gate) read ??= { phrase, onlyRead };
      else gated ??= { phrase, gate };
    }
  }
  return read ?? listing.ungated ?? gated ?? listing.gated;
}

/**
 * Whether a workflow handles no code at all, neither the base repository's nor the pull
 * request's: no checkout, clone or fetch, no local action or reusable workflow (both run
 * code of the repository), no artifact download. What is left labels, comments or calls
 * the API through published actions and short scripts.
 */
export function handlesNoCode(wf: Workflow): boolean {
  for (const job of wf.jobs) {
    if (get(job.node, 'uses') !== undefined) return false;
    for (const step of job.steps) {
      if (isAction(step, 'actions/checkout') || isAction(step, 'actions/download-artifact') || downloadsOtherRunArtifacts(step, wf)) return false;
      if (step.uses && parseUses(step.uses).local) return false;
      const script = scriptOf(step);
      if (GIT_FETCH.test(script) || GH_PR_CHECKOUT.test(script) || /\bgh\s+repo\s+clone\b/.test(script)) return false;
    }
  }
  return true;
}

/**
 * Published actions that only read the work tree, upload or download files, set up a
 * toolchain or talk to the API: none of them runs a program or script of the checked-out
 * code. Any other action may (a build action, a linter that loads the project's plugins).
 */
const READING_ACTIONS = new Set([
  'actions/checkout', 'actions/upload-artifact', 'actions/download-artifact', 'actions/labeler',
  'actions/setup-node', 'actions/setup-python', 'actions/setup-go', 'actions/setup-java', 'actions/setup-dotnet',
  'peter-evans/create-or-update-comment', 'peter-evans/find-comment', 'marocchino/sticky-pull-request-comment',
  'thollander/actions-comment-pull-request', 'dorny/paths-filter', 'tj-actions/changed-files',
]);

/**
 * Programs that read, compare, copy or report files, or only talk to git or the API: run on
 * the pull request's files they do not execute them. git runs no hook or filter of the
 * checked-out tree (those live in .git/config and .git/hooks, which the checkout writes, not
 * the pull request). An interpreter, a build tool, a package manager, a program of the tree
 * (`./x`) or anything not listed here may run the pull request's code.
 */
const READING_PROGRAMS = new Set([
  'echo', 'printf', 'cat', 'ls', 'grep', 'egrep', 'fgrep', 'rg', 'jq', 'wc', 'head', 'tail', 'diff', 'cmp', 'sort', 'uniq', 'cut', 'tr',
  'test', '[', '[[', 'true', 'false', 'exit', 'set', 'export', 'unset', 'cd', 'pwd', 'mkdir', 'cp', 'mv', 'rm', 'touch', 'ln',
  'basename', 'dirname', 'realpath', 'readlink', 'stat', 'file', 'du', 'df', 'tee', 'date', 'sleep', 'base64', 'sha256sum', 'sha1sum', 'md5sum',
  'tar', 'zip', 'unzip', 'gzip', 'gunzip', 'git', 'gh', 'curl', 'wget', 'column', 'paste', 'comm', 'nl', 'fold', 'rev', 'seq',
  // A static analyser: it parses the files and matches its rules, and runs neither (save with the option below).
  'semgrep',
]);

/** Options by which a reading program runs a command or a script file (`find -exec`, `awk -f`, `sed -f`, `tar --to-command`, semgrep's Python rules). */
const RUNS_OPTION = /^(?:-exec|-execdir|-ok|-okdir|--to-command|--use-compress-program|-I|--checkpoint-action|--dangerously-allow-arbitrary-code-execution-from-rules)/;

/**
 * docker subcommands that manage containers and images that already exist, or the registry
 * login: none builds from the work tree (`build`, `compose`, `buildx`) or runs a new
 * container or command (`run`, `exec`, `create`), which may mount and run the checked-out files.
 */
const DOCKER_MANAGING = new Set(['ps', 'logs', 'inspect', 'images', 'pull', 'push', 'tag', 'rmi', 'rm', 'stop', 'kill', 'start', 'restart', 'wait', 'port', 'version', 'info', 'login', 'logout']);

/** `docker restart NAME` and the like: a docker command that runs nothing of the work tree. */
function dockerOnlyManages(command: ShellCommand): boolean {
  const words = effectiveWords(command).map((w) => w.text);
  if (basename(words[0] ?? '') !== 'docker') return false;
  const sub = words.slice(1).find((w) => !w.startsWith('-'));
  // An option before the subcommand may take a value (`--context x`, `-H host`): only the plain form is read.
  return sub !== undefined && words[1] === sub && DOCKER_MANAGING.has(sub);
}

/**
 * Images without an entrypoint of their own (a base system, or docker's, which runs its
 * arguments as a command or as a docker subcommand): a `uses: docker://` step of one runs its
 * `args:` as the command. Any other image runs its own program on the workspace, which it mounts.
 */
const COMMAND_IMAGES = new Set(['docker', 'alpine', 'busybox', 'ubuntu', 'debian']);

/**
 * The command a `uses: docker://IMAGE` step runs, when it is known: its `entrypoint:` with its
 * `args:`, or, for an image of {@link COMMAND_IMAGES}, its `args:` (nothing at all without
 * them: the image's default shell reads no script). Undefined when the image's own entrypoint runs.
 */
function dockerStepCommand(step: Step): string | undefined {
  const args = withValue(step, 'args')?.value.trim() ?? '';
  const entrypoint = withValue(step, 'entrypoint')?.value.trim();
  if (entrypoint) return `${entrypoint} ${args}`;
  const image = (step.uses ?? '').replace(/^docker:\/\//, '').replace(/@.*$/, '').replace(/:[^/]*$/, '').replace(/^(?:docker\.io\/)?(?:library\/)?/, '');
  return COMMAND_IMAGES.has(image) ? args : undefined;
}

/** The first command of a script that may run the checked-out code, as written; undefined when every command only reads. */
function runningCommand(script: string, depth = 0): string | undefined {
  for (const command of commandsOf(script)) {
    const program = programOf(command);
    if (program === undefined) {
      if (depth < 2) for (const sub of substitutions(command)) { const found = runningCommand(sub.script, depth + 1); if (found) return found; }
      continue;
    }
    if (dockerOnlyManages(command)) continue;
    if (!READING_PROGRAMS.has(program) || command.words.some((w) => RUNS_OPTION.test(w.text)) || gitRunsCode(command)) return commandText(command);
    if (depth < 2) for (const sub of substitutions(command)) { const found = runningCommand(sub.script, depth + 1); if (found) return found; }
  }
  return undefined;
}

/** git subcommands that run programs the repository's files name: submodule foreach, bisect run, `-c core.hooksPath=...`. */
function gitRunsCode(command: ShellCommand): boolean {
  const sub = gitSubcommand(command);
  if (!sub) return false;
  if (command.words.some((w) => /^(?:core\.hookspath|core\.fsmonitor|.*\.(?:textconv|command|clean|smudge|process))=/i.test(w.text))) return true;
  return (sub.name === 'submodule' && sub.args.some((a) => a.text === 'foreach')) || (sub.name === 'bisect' && sub.args.some((a) => a.text === 'run')) || sub.name === 'config';
}

function commandText(command: ShellCommand): string {
  return command.words.map((w) => w.text).join(' ').slice(0, 60);
}

/**
 * A github-script script that loads or runs nothing from files: no require or import beyond
 * Node's fs and path, no exec (the @actions/exec it is given), eval, Function or child_process.
 */
function scriptOnlyReads(script: string): boolean {
  const loads = [...script.matchAll(/\b(?:require|import)\s*\(\s*(['"`]?)([^'"`)\s]*)\1/g)].some((m) => !/^(?:node:)?(?:fs|path|fs\/promises)$/.test(m[2]!));
  return !loads && !/\bexec\s*\.|\beval\s*\(|\bnew\s+Function\b|child_process|\bio\.(?:cp|mv)\b/.test(script);
}

/**
 * The first step after `from` (a checkout of the pull request's code, or a download of
 * another run's artifacts), in the same job, that may run the files it brought, as a phrase:
 * a run step with a command that is not only reading (an install, a build, a test, a script
 * of the tree), a local action, a github-script that loads or runs files, or a published
 * action that is not known to only read. Undefined when every later step only reads,
 * uploads or reports.
 */
export function laterStepRunningFiles(wf: Workflow, from: Step): string | undefined {
  // A local action that checks the code out (the caller found it does) may run it itself, in its steps after its checkout.
  const action = from.uses && followed(wf, from.uses) ? wf.callers?.localAction?.(wf, from) : undefined;
  const inner = action?.jobs.flatMap((j) => j.steps).find((s) => isAction(s, 'actions/checkout'));
  const inside = action && inner ? laterStepRunningFiles(action, inner) : undefined;
  if (inside) return `${inside} in ${action!.path ?? 'the local action'}`;
  for (const step of from.job.steps) {
    if (step.index <= from.index) continue;
    if (step.uses) {
      const uses = parseUses(step.uses);
      if (uses.local) return `${stepLabel(step)} runs the local action ${step.uses} of the checked-out tree`;
      if (isAction(step, 'actions/github-script') && scriptOnlyReads(scriptOf(step))) continue;
      if (uses.docker) {
        // The image's entrypoint runs with the workspace mounted: the tree's code runs only if the command is one that runs it.
        const command = dockerStepCommand(step);
        const running = command === undefined ? undefined : runningCommand(command);
        if (command === undefined) return `${stepLabel(step)} runs ${uses.action} on the checked-out files`;
        if (running !== undefined) return `${stepLabel(step)} runs \`${running}\` in ${uses.action}`;
        continue;
      }
      if (!READING_ACTIONS.has(uses.action.toLowerCase())) return `${stepLabel(step)} runs ${uses.action} on the checked-out files`;
      continue;
    }
    if (!step.run || typeof step.run.value !== 'string') continue;
    const shell = stepShell(wf, step);
    if (shell === undefined ? onWindows(step.job) : !/^(?:bash|sh)\b/.test(shell)) return `${stepLabel(step)} runs a ${shell ?? 'PowerShell'} script`;
    // What a step writes to GITHUB_ENV or GITHUB_PATH steers every later program (LD_PRELOAD, a PATH entry in the tree).
    if (/\bGITHUB_(?:ENV|PATH)\b/.test(step.run.value)) return `${stepLabel(step)} writes to GITHUB_ENV or GITHUB_PATH`;
    const command = runningCommand(step.run.value);
    if (command !== undefined) return `${stepLabel(step)} runs \`${command}\``;
  }
  return undefined;
}

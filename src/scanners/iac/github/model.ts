import { resolveWithinRoot } from '../../../workspace/relative-path.js';
import { localScriptCalls, pathEnvironment } from '../local-scripts.js';
import type { ParseContext, ScriptRunSite } from '../rule.js';
import { scriptParts, type ScriptDialect, type ScriptPart } from '../script-dialect.js';
import { loadYamlCached } from '../yaml/cache.js';
import type { ZizmorConfig } from './zizmor-config.js';
import { duplicateKeyMessage, get, isYMap, isYScalar, isYSeq, items, pair, text, type YMap, type YNode, type YScalar } from '../yaml/tree.js';

/** A GitHub Actions workflow (or composite action) with source lines kept for exact locations. */
export interface Workflow {
  root: YMap;
  triggers: Map<string, number>;
  jobs: Job[];
  lines: string[];
  /** A composite action (action.yml with runs.using: composite) rather than a workflow. */
  composite: boolean;
  /** The file's path in the scan, when the scan knows the callers of its inputs. */
  path?: string;
  /** In a scan of the `.github` folder itself, what comes before `path` in the repository (`.github/`; ParseContext.github.prefix). */
  prefix?: string;
  /** Who fills the inputs of this action or reusable workflow, from the other files of the scan (callers.ts). */
  callers?: InputCallers;
  /** The scan's zizmor configuration, whose ignore rules and policies suppress findings (zizmor-config.ts). */
  zizmor?: ZizmorConfig;
}

/**
 * What the callers found in a scan pass to an input. `tainted`: one of them passes
 * attacker-controlled text (`caller` says which, `via` what). `safe`: every caller found
 * passes text an outsider cannot choose. `unknown`: none was found, or the chain of
 * callers could not be followed to its end; `why` ends a sentence about the input.
 */
export type InputVerdict =
  | { kind: 'tainted'; caller: string; via: string; origin: string; privileged: boolean }
  | { kind: 'safe' }
  | { kind: 'unknown'; severity: 'medium' | 'low'; why: string };

export interface InputCallers {
  verdict(callee: Workflow, input: string): InputVerdict;
  /** The steps and jobs of the scan's files that use this action or reusable workflow (`.github/workflows/ci.yml job test step "build"`). */
  usedBy?(callee: Workflow): string[];
  /** The jobs of the scan's workflows that call this reusable workflow (`uses: ./.github/workflows/build.yml`). */
  callingJobs?(callee: Workflow): Array<{ caller: Workflow; job: Job; label: string }>;
  /**
   * The events that start the workflows a workflow_run trigger names (`names`), found among
   * the workflows of the same repository in the scan and followed back through their own
   * workflow_run triggers; undefined when one of them is not in the scan (callers.ts).
   */
  upstreamEvents?(workflow: Workflow, names: readonly string[]): string[] | undefined;
  /** The reusable workflow of the scan that a job calls (`uses: ./.github/workflows/build.yml`); undefined when it is not in the scan. */
  calledWorkflow?(caller: Workflow, job: Job): Workflow | undefined;
  /** Where the local composite action a step uses sends one of its inputs (callers.ts). */
  inputSinks?(caller: Workflow, step: Step, input: string): InputSinks | undefined;
  /** The local composite action of the scan that a step uses (`uses: ./.github/actions/x`); undefined when it is not in the scan or is no composite action. */
  localAction?(caller: Workflow, step: Step): Workflow | undefined;
  /**
   * Whether a `uses:` names the scanned repository by its full name (`owner/repo/.github/actions/x@v1`),
   * which localAction and calledWorkflow follow as a local one; with `caller`, only when that is a workflow
   * of the repository's own `.github/workflows/` (callers.ts).
   */
  namesOwnRepository?(uses: string, caller?: Workflow): boolean;
  /**
   * The package.json at the root of the workflow's repository (beside `.github/`), parsed:
   * `null` when the scan's root holds none, undefined when it cannot be known (the root is
   * outside the scan, a scan of staged files, a file that is no JSON object).
   */
  packageJson?(workflow: Workflow): Record<string, unknown> | null | undefined;
  /** A file of the workflow's repository by its path from the repository root (a script a step sources); undefined when absent or not known, as for packageJson. */
  repositoryFile?(workflow: Workflow, path: string): string | undefined;
}

/**
 * The inputs of the actions that a composite action's steps give `${{ inputs.X }}` to
 * (`shared-key: ${{ inputs.shared-key }}`); `elsewhere` when the action also reads the
 * input in another place (a script, an env, a condition).
 */
export interface InputSinks {
  sinks: Array<{ step: Step; input: string }>;
  elsewhere: boolean;
}

export interface Job {
  id: string;
  node: YMap;
  line: number;
  steps: Step[];
  /** The steps of a composite action (`runs:`), which has no job of its own. */
  composite?: true;
}

export interface Step {
  job: Job;
  node: YMap;
  line: number;
  index: number;
  uses?: string;
  usesLine?: number;
  run?: YScalar;
  runLine?: number;
  with?: YMap;
}

export function readWorkflow(source: string, warn: (line: number, message: string) => void, context?: ParseContext): Workflow | undefined {
  const github = context?.github;
  // The scan's pre-pass (callers.ts) may have read this text already.
  const loaded = github?.loaded?.text === source ? github.loaded.result : loadYamlCached(source);
  for (const problem of loaded.problems) warn(problem.line, problem.message);
  for (const duplicate of loaded.duplicates) warn(duplicate.line, duplicateKeyMessage(duplicate, 'github-actions'));
  const root = loaded.documents[0]?.root;
  // A file of .github/workflows that parses but holds no jobs is one GitHub rejects: said, not skipped quietly.
  const inWorkflows = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test((github?.prefix ?? '') + (context?.path ?? ''));
  const notAWorkflow = (line: number, why: string) => {
    if (inWorkflows && loaded.problems.length === 0) warn(line, `${why}: GitHub rejects it as a workflow, so it is not checked`);
    return undefined;
  };
  if (!isYMap(root)) return notAWorkflow(1, root === null || root === undefined ? 'the file is empty' : 'the file is not a mapping of workflow keys');
  const lines = source.split('\n');
  const runs = get(root, 'runs');
  if (isYMap(runs) && text(get(runs, 'using')) === 'composite') {
    const job: Job = { id: 'composite', node: runs, line: pair(root, 'runs')!.keyLine, steps: [], composite: true };
    job.steps = stepsOf(job, get(runs, 'steps'), lines);
    return { root, triggers: new Map(), jobs: [job], lines, composite: true, ...scanFacts(github) };
  }
  const jobsNode = get(root, 'jobs');
  if (!isYMap(jobsNode)) return notAWorkflow(pair(root, 'jobs')?.keyLine ?? 1, pair(root, 'jobs') ? 'its jobs are not a mapping of job ids' : 'the file has no jobs');
  const jobs: Job[] = [];
  for (const p of jobsNode.pairs) {
    if (!isYMap(p.value)) continue;
    const job: Job = { id: p.key, node: p.value, line: p.keyLine, steps: [] };
    job.steps = stepsOf(job, get(p.value, 'steps'), lines);
    jobs.push(job);
  }
  return { root, triggers: triggersOf(root), jobs, lines, composite: false, ...scanFacts(github) };
}

function scanFacts(github: ParseContext['github']): Pick<Workflow, 'path' | 'callers' | 'zizmor'> {
  return github ? { path: github.path, ...(github.prefix ? { prefix: github.prefix } : {}), callers: github.callers, ...(github.zizmor ? { zizmor: github.zizmor } : {}) } : {};
}

/**
 * The entries of a `steps:` list, with the steps of a `parallel:` group (GitHub's parallel
 * steps) in their place: they run at the same time, after the steps above the group and
 * before those below it.
 */
function stepEntries(node: YNode | undefined): YNode[] {
  return items(node).flatMap((item) => {
    const group = isYMap(item) && !pair(item, 'uses') && !pair(item, 'run') ? get(item, 'parallel') : undefined;
    return isYSeq(group) ? items(group) : [item];
  });
}

function stepsOf(job: Job, node: YNode | undefined, lines: readonly string[]): Step[] {
  let after = 0;
  return stepEntries(node).flatMap((item, index) => {
    if (!isYMap(item)) return [];
    const uses = pair(item, 'uses');
    const run = pair(item, 'run');
    const withNode = get(item, 'with');
    const step: Step = { job, node: item, line: item.line, index };
    const usesText = text(uses?.value);
    if (uses && usesText !== undefined) {
      step.uses = usesText;
      step.usesLine = uses.keyLine;
    }
    if (run && isYScalar(run.value)) {
      step.run = run.value;
      step.runLine = run.keyLine;
    }
    if (isYMap(withNode)) step.with = withNode;
    // A step written as an alias (`- *checkout`) comes back with its anchor's lines: it is reported on its own entry instead.
    const alias = item.line <= after ? aliasEntry(lines, after) : undefined;
    if (alias !== undefined) {
      step.line = alias;
      if (step.usesLine !== undefined) step.usesLine = alias;
      if (step.runLine !== undefined) step.runLine = alias;
    }
    after = Math.max(after, alias ?? lastLine(item));
    return [step];
  });
}

/** The first `- *name` list entry after line `after` (1-based), if any. */
function aliasEntry(lines: readonly string[], after: number): number | undefined {
  for (let i = after; i < lines.length; i++) if (/^\s*-\s+\*[^\s#]+\s*(?:#.*)?$/.test(lines[i]!)) return i + 1;
  return undefined;
}

/** The last line a node's own keys and values start on. */
function lastLine(node: YNode): number {
  if (isYMap(node)) return Math.max(node.line, ...node.pairs.map((p) => (p.value ? Math.max(p.keyLine, lastLine(p.value)) : p.keyLine)));
  if (isYSeq(node)) return Math.max(node.line, ...node.items.map(lastLine));
  return node.line;
}

/** `on: push`, `on: [push, pull_request]` and `on: { push: ..., pull_request_target: ... }`. */
function triggersOf(root: YMap): Map<string, number> {
  const triggers = new Map<string, number>();
  const on = pair(root, 'on') ?? pair(root, 'true');
  if (!on) return triggers;
  const value = on.value;
  if (isYScalar(value) && typeof value.value === 'string') triggers.set(value.value, on.keyLine);
  else if (isYSeq(value)) for (const item of value.items) {
    const name = text(item);
    if (name) triggers.set(name, item.line);
  }
  else if (isYMap(value)) for (const p of value.pairs) triggers.set(p.key, p.keyLine);
  return triggers;
}

/**
 * The workflows a workflow_run trigger names (`on.workflow_run.workflows`), or undefined
 * when it names none or names them with an expression or a pattern secloop cannot match.
 */
export function workflowRunNames(wf: Workflow): string[] | undefined {
  const on = get(wf.root, 'on') ?? get(wf.root, 'true');
  const listed = get(get(on, 'workflow_run'), 'workflows');
  const names = isYSeq(listed) ? listed.items.map((item) => text(item)) : [text(listed)];
  if (names.length === 0 || names.some((n) => n === undefined || n.trim() === '' || /[*?[\]!]|\$\{\{/.test(n))) return undefined;
  return names.map((n) => n!.trim());
}

/**
 * Events of the base repository that only people with write access (or GitHub on their
 * schedule) cause: a workflow started only by these never runs for a fork's pull request.
 */
const MAINTAINER_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch', 'repository_dispatch', 'release', 'create', 'delete', 'merge_group', 'label', 'milestone', 'page_build', 'registry_package', 'branch_protection_rule', 'public']);

/**
 * A workflow_run workflow whose upstream workflows are all in the scan and are started
 * only by maintainers' events (push, schedule, release...), themselves or through their
 * own workflow_run: no run it follows was caused by a fork, and its branch, workflow file
 * and artifacts are the repository's own. `branches:` is no such limit (a fork names its
 * branch as it likes), so it is not read.
 */
export function workflowRunFromMaintainers(wf: Workflow): boolean {
  if (!wf.triggers.has('workflow_run') || !wf.callers?.upstreamEvents) return false;
  const known = fromMaintainers.get(wf);
  if (known !== undefined) return known;
  const names = workflowRunNames(wf);
  const events = names && wf.callers.upstreamEvents(wf, names);
  const answer = events !== undefined && events.length > 0 && events.every((e) => MAINTAINER_EVENTS.has(e));
  fromMaintainers.set(wf, answer);
  return answer;
}

/** The answers of {@link workflowRunFromMaintainers}, asked for every expression of a workflow. */
const fromMaintainers = new WeakMap<Workflow, boolean>();

/**
 * Events whose workflows run with a write token and secrets while handling data from outsiders.
 * Not pull_request_review and pull_request_review_comment: like pull_request, they run the
 * pull request's merge commit, and for a fork's pull request without secrets and with a
 * read-only token.
 */
export const PRIVILEGED_TRIGGERS = new Set(['pull_request_target', 'workflow_run', 'issue_comment', 'issues', 'discussion', 'discussion_comment', 'fork', 'watch', 'gollum']);

/**
 * pull_request_review and pull_request_review_comment run with secrets and a write token for
 * the base repository's own pull requests (a maintainer's branch, Dependabot's), and anyone
 * can review or comment on those: the text of the review or comment (REVIEWER_TEXT) is an
 * outsider's in a privileged run, while the pull request's code and title are not.
 */
export const REVIEW_TRIGGERS = new Set(['pull_request_review', 'pull_request_review_comment']);
export const REVIEWER_TEXT = /^github\.event\.(?:review|comment)\b/i;

/** Events anyone with a GitHub account can cause on a public repository. */
export const PUBLIC_TRIGGERS = new Set(['pull_request', 'pull_request_target', 'issue_comment', 'issues', 'discussion', 'discussion_comment', 'pull_request_review', 'pull_request_review_comment', 'fork', 'watch', 'workflow_run']);

export interface Expression {
  /** Text inside `${{ }}`, trimmed. */
  inner: string;
  /** The whole `${{ ... }}`. */
  raw: string;
  offset: number;
}

export function expressions(value: string): Expression[] {
  const out: Expression[] = [];
  const pattern = /\$\{\{([\s\S]*?)\}\}/g;
  for (const match of value.matchAll(pattern)) out.push({ inner: match[1]!.trim(), raw: match[0], offset: match.index });
  return out;
}

/** Whether a key's line opens a block scalar: `run: |` (literal) or `run: >` (folded), with chomping and indentation indicators. */
export function blockScalarOn(line: string): 'literal' | 'folded' | undefined {
  const indicator = /(?:^|[:-])\s*([|>])[-+]?\d*\s*(?:#.*)?$/.exec(line)?.[1];
  return indicator === '|' ? 'literal' : indicator === '>' ? 'folded' : undefined;
}

/**
 * The line where `needle` is written, searching from the scalar's first line: a
 * literal or folded block keeps its text on the lines below its key.
 */
export function lineOfText(workflow: Workflow, scalar: YScalar, needle: string, fallback: number, occurrence = 0): number {
  const start = scalar.line - 1;
  const body = typeof scalar.value === 'string' ? scalar.value : '';
  // A literal block (`|`) keeps its lines; a folded block (`>`) or a plain scalar joins them with spaces, each of which may stand for a line break.
  const literal = blockScalarOn(workflow.lines[start] ?? '') === 'literal';
  const span = body.split(literal ? '\n' : /[\n ]/).length + 2;
  const probe = needle.split('\n')[0]!.trim();
  const end = Math.min(workflow.lines.length, start + span);
  // In a literal block each line of the text is a line of the file: the n-th line of the text holding the probe is the n-th such line below the key.
  if (literal && occurrence > 0) {
    let seen = 0;
    for (let i = start + 1; i < end; i++) if (workflow.lines[i]!.includes(probe) && seen++ === occurrence) return i + 1;
  }
  for (let i = start; i < end; i++) {
    if (workflow.lines[i]!.includes(probe)) return i + 1;
  }
  // Text broken across the lines of a folded block (`--cpu ${{` then `inputs.cpu }}`): compared without whitespace, the line where it starts.
  const compact = needle.replace(/\s+/g, '');
  if (compact === '') return fallback;
  let joined = '';
  const owners: number[] = [];
  for (let i = start; i < end; i++) {
    const part = workflow.lines[i]!.replace(/\s+/g, '');
    joined += part;
    for (let k = 0; k < part.length; k++) owners.push(i);
  }
  const at = joined.indexOf(compact);
  return at >= 0 ? owners[at]! + 1 : fallback;
}

/** The line of a given offset inside a scalar's value (the line that holds that part of the text). */
export function lineOfOffset(workflow: Workflow, scalar: YScalar, offset: number, fallback: number): number {
  const body = typeof scalar.value === 'string' ? scalar.value : '';
  const lineStart = body.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = body.indexOf('\n', offset);
  const line = body.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const needle = line.trim() === '' ? body.slice(offset, offset + 40) : line;
  // The same text may stand on an earlier line too (`env` inside `cygpath $(command -v env)`): how many earlier lines hold it.
  const probe = needle.split('\n')[0]!.trim();
  const earlier = probe === '' ? 0 : body.slice(0, lineStart).split('\n').filter((l) => l.includes(probe)).length;
  return lineOfText(workflow, scalar, needle, fallback, earlier);
}

/**
 * `actions/checkout@v4` -> { action: actions/checkout, ref: v4 }. The path below
 * `owner/repo` is normalised (`actions/cache/./restore/`, `actions/cache//restore` and
 * `actions/cache/x/../restore` all name actions/cache/restore), as GitHub resolves it, so
 * that a redundant segment does not hide an action from the rules. Local actions
 * (`./path`) and the self-repository form (`$/path`, the action at the workflow's own
 * commit) are `local`.
 */
export function parseUses(uses: string): { action: string; ref?: string; local: boolean; docker: boolean } {
  if (uses.startsWith('./') || uses.startsWith('.\\') || uses.startsWith('$/')) return { action: uses, local: true, docker: false };
  if (uses.startsWith('docker://')) {
    const digest = uses.includes('@sha256:');
    return { action: uses, ...(digest ? { ref: uses.slice(uses.indexOf('@') + 1) } : {}), local: false, docker: true };
  }
  const at = uses.lastIndexOf('@');
  if (at < 0) return { action: normaliseActionPath(uses), local: false, docker: false };
  return { action: normaliseActionPath(uses.slice(0, at)), ref: uses.slice(at + 1), local: false, docker: false };
}

/** `owner/repo/a/./b//c/..` -> `owner/repo/a/b`; a `..` that would leave the repository is kept as written. */
function normaliseActionPath(action: string): string {
  const [owner, repo, ...rest] = action.split('/');
  if (owner === undefined || repo === undefined || rest.length === 0) return action;
  const kept: string[] = [];
  for (const segment of rest) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (kept.length === 0) return action;
      kept.pop();
    } else kept.push(segment);
  }
  return [owner, repo, ...kept].join('/');
}

/** What is redundant in the path of a `uses:` (`.`, `..`, empty segments), if anything. */
export function obfuscatedUsesPath(uses: string): string[] {
  if (uses.startsWith('docker://')) return [];
  let rest: string[];
  // `./` and `./path/` (a trailing slash) are the usual spellings of a local action.
  if (uses.startsWith('./') || uses.startsWith('$/')) rest = uses.replace(/\/$/, '').split('/').slice(1);
  else if (uses.startsWith('.\\')) return [];
  else {
    const at = uses.lastIndexOf('@');
    rest = (at < 0 ? uses : uses.slice(0, at)).split('/').slice(2);
  }
  const found = new Set<string>();
  for (const segment of rest) {
    if (segment === '.') found.add("a '.' segment");
    else if (segment === '..') found.add("a '..' segment");
    else if (segment === '') found.add('an empty segment');
  }
  return [...found];
}

/** An input as declared by a composite action (`inputs:`) or by a workflow's workflow_call or workflow_dispatch trigger. */
export interface InputDeclaration {
  /** `action` for a composite action's input. */
  source: 'action' | 'workflow_call' | 'workflow_dispatch';
  /** `string`, `boolean`, `number`, `choice`, `environment`; action inputs are always strings. */
  type: string;
  default?: string;
  required: boolean;
}

/**
 * Where `inputs.NAME` can get its value from. An empty list means the context is always
 * empty: a workflow without workflow_call or workflow_dispatch has no inputs.
 */
export function inputDeclarations(wf: Workflow, name: string): InputDeclaration[] {
  const read = (node: YNode | undefined | null, source: InputDeclaration['source']): InputDeclaration[] => {
    const declared = get(node, 'inputs');
    const input = isYMap(declared) ? declared.pairs.find((p) => p.key.toLowerCase() === name.toLowerCase())?.value : undefined;
    if (!isYMap(input)) return [];
    const fallback = get(input, 'default');
    const type = source === 'action' ? 'string' : (text(get(input, 'type')) ?? 'string').toLowerCase();
    return [{ source, type, ...(isYScalar(fallback) && fallback.value !== null ? { default: String(fallback.value) } : {}), required: isTrueish(get(input, 'required')) }];
  };
  if (wf.composite) return read(wf.root, 'action');
  const on = get(wf.root, 'on') ?? get(wf.root, 'true');
  return [...read(get(on, 'workflow_call'), 'workflow_call'), ...read(get(on, 'workflow_dispatch'), 'workflow_dispatch')];
}

function isTrueish(node: YNode | undefined | null): boolean {
  return isYScalar(node) && (node.value === true || node.value === 'true');
}

export function isAction(step: Step, name: string): boolean {
  if (!step.uses) return false;
  return parseUses(step.uses).action.toLowerCase() === name;
}

/** Env maps from workflow, job and step, innermost last. */
export function envScopes(workflow: Workflow, step?: Step, job?: Job): YMap[] {
  const scopes: Array<YNode | undefined> = [get(workflow.root, 'env'), get((step?.job ?? job)?.node, 'env')];
  if (step) scopes.push(get(step.node, 'env'));
  return scopes.filter(isYMap);
}

export function withValue(step: Step, key: string): { value: string; line: number; node: YNode } | undefined {
  const p = pair(step.with, key);
  const value = text(p?.value);
  return p && value !== undefined ? { value, line: p.keyLine, node: p.value! } : undefined;
}

export function jobLabel(job: Job): string {
  return `job ${job.id}`;
}

export function stepLabel(step: Step): string {
  const name = text(get(step.node, 'name')) ?? text(get(step.node, 'id')) ?? step.uses ?? `step ${step.index + 1}`;
  // A composite action's steps belong to no job: `action step "Build"`, as ci-scripts.ts names them.
  return step.job.composite ? `action step "${name}"` : `job ${step.job.id} step "${name}"`;
}

/** The shell script and the github-script script of a step, one after the other. */
export function scriptOf(step: Step): string {
  return [step.run, get(step.with, 'script')].map((n) => (isYScalar(n) && typeof n.value === 'string' ? n.value : '')).join('\n');
}

/** The shell a run step names (its own, or a defaults.run one); undefined for the runner's default. */
export function stepShell(wf: Workflow, step: Step): string | undefined {
  return runSetting(wf, step, 'shell');
}

/** A `defaults.run` setting of the workflow or a job, or the step's own. */
function runSetting(wf: Workflow, step: Step, key: 'working-directory' | 'shell'): string | undefined {
  for (const node of [step.node, get(step.job.node, 'defaults', 'run'), wf.composite ? undefined : get(wf.root, 'defaults', 'run')]) {
    const value = text(get(node, key));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Whether a job runs on a Windows runner, by a label of its runs-on as written. */
export function onWindows(job: Job): boolean {
  const runsOn = get(job.node, 'runs-on');
  const labels = isYScalar(runsOn) ? [text(runsOn)] : isYMap(runsOn) ? [text(get(runsOn, 'labels')), ...items(get(runsOn, 'labels')).map(text)] : items(runsOn).map(text);
  return labels.some((label) => label !== undefined && /windows/i.test(label));
}

/**
 * How a step's `run:` is read, with the folder it starts in: PowerShell for `shell: pwsh` or
 * `powershell` (or no shell on a Windows runner, whose default is pwsh), a POSIX shell
 * otherwise; the folder from the workspace root ('' the root), undefined when its
 * working-directory is not known as written.
 */
export function runShell(wf: Workflow, step: Step): { dialect: ScriptDialect; cwd: string | undefined } {
  const workdir = runSetting(wf, step, 'working-directory');
  return { dialect: runDialect(wf, step), cwd: workdir === undefined ? '' : workingDirectory(workdir) };
}

/** How a step's `run:` is read: PowerShell for `shell: pwsh` or `powershell` (or no shell on a Windows runner, whose default is pwsh), a POSIX shell otherwise. */
export function runDialect(wf: Workflow, step: Step): ScriptDialect {
  const shell = runSetting(wf, step, 'shell');
  return (shell === undefined ? onWindows(step.job) : /^(?:pwsh|powershell)\b/.test(shell)) ? 'powershell' : 'posix';
}

/**
 * The parts of a step's `run:` script that its shells read (scriptParts): the script in the
 * step's shell (runDialect) and, in PowerShell, the POSIX text it hands to bash (`bash -c "..."`).
 * A rule reads `part.text` as `part.dialect` and finds an offset of the scalar with `part.at`.
 */
export function runParts(wf: Workflow, step: Step): ScriptPart[] {
  return step.run && typeof step.run.value === 'string' ? scriptParts(step.run.value, runDialect(wf, step)) : [];
}

/**
 * The local scripts the steps of a workflow (or of a local composite action) run:
 * `run: ./scripts/release.sh`, `bash ./.github/scripts/publish.sh`, from the repository
 * root ($GITHUB_WORKSPACE) or the step's working-directory (its own, or a defaults.run
 * one). A step whose folder or shell is not known as written (an expression, a shell
 * other than a POSIX one, a Windows runner's default PowerShell) gives none.
 */
export function githubScriptRuns(wf: Workflow): ScriptRunSite[] {
  const usedBy = wf.composite ? wf.callers?.usedBy?.(wf) : undefined;
  return wf.jobs.flatMap((job) => job.steps.flatMap((step) => stepScriptRuns(wf, step).map((site) => (usedBy?.length ? { ...site, usedBy } : site))));
}

/** The local scripts one step's `run:` runs (githubScriptRuns), without the users of its composite action. */
export function stepScriptRuns(wf: Workflow, step: Step): ScriptRunSite[] {
  if (!step.run || typeof step.run.value !== 'string') return [];
  // From the repository root: in a scan of the .github folder, its actions are still under .github/.
  const action = wf.composite ? actionFolder(wf.path === undefined ? undefined : (wf.prefix ?? '') + wf.path) : undefined;
  const actionDir = action?.dir;
  const rootUnknown = action?.rootUnknown === true;
  const shell = runSetting(wf, step, 'shell');
  if (shell === undefined ? onWindows(step.job) : !/^(?:bash|sh|zsh)\b/.test(shell)) return [];
  const workdir = runSetting(wf, step, 'working-directory');
  // An action outside .github/ starts in its callers' workspace, not known; only its own folder is.
  const dir = workdir === undefined ? (rootUnknown ? undefined : '') : workingDirectory(workdir, actionDir, rootUnknown);
  if (dir === undefined && !rootUnknown) return [];
  const checkouts = rootUnknown ? undefined : checkoutsBefore(step);
  const who = wf.composite ? `action step "${text(get(step.node, 'name')) ?? text(get(step.node, 'id')) ?? `step ${step.index + 1}`}"` : stepLabel(step);
  const env = stepPathEnvironment(wf, step);
  const out: ScriptRunSite[] = [];
  for (const call of localScriptCalls(expressionsAsVariables(step.run.value), { dir }, { ...(actionDir !== undefined ? { actionDir } : {}), rootUnknown, ...(env.size > 0 ? { env } : {}) })) {
    const path = inRepository(call.path, checkouts);
    const cwd = call.cwd === undefined ? undefined : inRepository(call.cwd, checkouts);
    if (path !== undefined)
      out.push({
        path,
        cwd,
        how: call.how,
        ...(call.make ? { make: { ...call.make, dir: inRepository(call.make.dir, checkouts) ?? call.make.dir } } : {}),
        ...(call.args ? { args: call.args } : {}),
        ...(env.size > 0 ? { env } : {}),
        who,
        line: lineOfOffset(wf, step.run, call.offset, step.runLine!),
        ...(actionDir !== undefined ? { actionDir } : {}),
        ...(rootUnknown ? { rootUnknown } : {}),
      });
  }
  return out;
}

/**
 * The folder of a composite action, where `${{ github.action_path }}` leads: from the root
 * of the repository that holds it (the folder above `.github/`); for an action outside
 * `.github/` (at the root of a repository, `uses: ./`, or in any folder), whose repository
 * root is not known, from the scan root (`rootUnknown`). Undefined when the scan did not
 * say the file's path.
 */
function actionFolder(path: string | undefined): { dir: string; rootUnknown: boolean } | undefined {
  if (path === undefined) return undefined;
  const found = /^(?:(.*)\/)?(\.github\/.*)\/[^/]+$/.exec(path);
  if (found) return { dir: found[2]!, rootUnknown: false };
  const slash = path.lastIndexOf('/');
  return { dir: slash < 0 ? '' : path.slice(0, slash), rootUnknown: true };
}

/**
 * A working-directory from the repository root: relative, or under `${{ github.workspace }}`,
 * or (in a composite action whose folder is known) under `${{ github.action_path }}`; undefined otherwise
 * (and for all but the last when the repository root is not known).
 */
function workingDirectory(value: string, actionDir?: string, rootUnknown = false): string | undefined {
  const inAction = /^\$\{\{\s*github\.action_path\s*\}\}(?:\/|$)/.exec(value);
  if (inAction) {
    const rest = value.slice(inAction[0].length);
    return actionDir === undefined || /[$`*?~\\]/.test(rest) || rest.startsWith('/') ? undefined : resolveWithinRoot(actionDir, rest);
  }
  if (rootUnknown) return undefined;
  const rest = value.replace(/^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?)(?:\/|$)/, '');
  return /[$`*?~\\]/.test(rest) || rest.startsWith('/') ? undefined : resolveWithinRoot('', rest);
}

/**
 * The `env:` of the workflow, job and step whose value is a path (`SCRIPTS: ci`,
 * `TOOLS: ${{ github.workspace }}/tools`), as the step's shell sees them (pathEnvironment);
 * a value holding another expression is not known.
 */
function stepPathEnvironment(wf: Workflow, step: Step): Map<string, string> {
  const entries: Array<readonly [string, string | undefined]> = [];
  for (const scope of envScopes(wf, step)) {
    for (const entry of scope.pairs) {
      const value = isYScalar(entry.value) && typeof entry.value.value === 'string' ? expressionsAsVariables(entry.value.value).replace(/""/g, '') : undefined;
      entries.push([entry.key, value === undefined || value.includes('${{') ? undefined : value]);
    }
  }
  return pathEnvironment(entries);
}

/**
 * `${{ github.workspace }}`, `${{ github.action_path }}` and `${{ env.NAME }}` written as the
 * variables that hold the same values, padded with empty quotes to the same length so that
 * offsets stay those of the text: GitHub puts its value in before the shell splits words,
 * and the shell reader would split the expression. The quotes are `""`, empty inside a
 * double-quoted word as well as outside one (`"${{ github.workspace }}/x.sh"`). Any other
 * expression is read as a variable of unknown value (`${____}`), one word, of the same length.
 */
function expressionsAsVariables(script: string): string {
  return script.replace(/\$\{\{\s*(?:github\.(workspace|action_path)|env\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g, (match, name: string | undefined, env: string | undefined) => {
    const variable = env !== undefined ? `\${${env}}` : name === 'workspace' ? '$GITHUB_WORKSPACE' : '$GITHUB_ACTION_PATH';
    // An odd difference (`${{github.workspace }}`) leaves the text one character short: no line moves.
    return '""'.repeat(Math.floor((match.length - variable.length) / 2)) + variable;
  }).replace(/\$\{\{[\s\S]*?\}\}/g, (match) => `\${${'_'.repeat(match.length - 3)}}`); // any other: one word of unknown value
}

/**
 * Where the job's earlier actions/checkout steps put repositories in the workspace: this
 * repository's folder (`path:` of a checkout without another `repository:`; '' at the
 * root) and the folders of other repositories. Undefined without any checkout (a
 * composite action runs in its caller's workspace, which holds this repository).
 */
function checkoutsBefore(step: Step): { own: string | undefined; others: string[] } | undefined {
  let found: { own: string | undefined; others: string[] } | undefined;
  for (const earlier of step.job.steps.slice(0, step.index)) {
    if (!isAction(earlier, 'actions/checkout')) continue;
    found ??= { own: undefined, others: [] };
    const repository = withValue(earlier, 'repository')?.value;
    const written = withValue(earlier, 'path')?.value;
    const folder = written === undefined ? '' : workingDirectory(written);
    if (folder === undefined) continue;
    const own = repository === undefined || /^\$\{\{\s*github\.repository\s*\}\}$/.test(repository);
    if (own) {
      found.own = folder;
      found.others = found.others.filter((other) => other !== folder);
    } else {
      found.others.push(folder);
      if (found.own === folder) found.own = undefined;
    }
  }
  return found;
}

/** A path of the workspace as a path of this repository, when this repository's checkout holds it. */
function inRepository(workspacePath: string, checkouts: ReturnType<typeof checkoutsBefore>): string | undefined {
  if (!checkouts) return workspacePath;
  const under = (folder: string) => folder === '' || workspacePath === folder || workspacePath.startsWith(`${folder}/`);
  const own = checkouts.own;
  if (own === undefined || !under(own)) return undefined;
  // A checkout of another repository inside this one's folder holds what lies below it.
  if (checkouts.others.some((other) => other.length > own.length && under(other))) return undefined;
  return own === '' ? workspacePath : workspacePath === own ? '' : workspacePath.slice(own.length + 1);
}

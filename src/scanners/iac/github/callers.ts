import type { WorkspaceFile } from '../../../workspace/files.js';
import type { ParseContext } from '../rule.js';
import { readDirectly, type ReadText } from '../texts.js';
import { get, isYMap, loadYaml, text, type YamlLoadResult, type YMap } from '../yaml/tree.js';
import { expressions, inputDeclarations, jobLabel, parseUses, readWorkflow, stepLabel, workflowRunNames, type InputCallers, type InputSinks, type InputVerdict, type Job, type Step, type Workflow } from './model.js';
import { startOfJob } from './flow.js';
import { isPrivileged } from './rule-kit.js';
import { NO_TAINT, originOf, taintOf, untrustedSource, worst } from './taint.js';
import type { ZizmorConfig } from './zizmor-config.js';
import { ownPath } from './own-repository.js';

/** A step that uses a local action (`uses: ./path`), or a job that calls a local reusable workflow. */
interface CallSite {
  /** The calling file, read by the pre-pass. */
  caller: Workflow;
  /** `.github/workflows/ci.yml job test step "setup"`. */
  label: string;
  with?: YMap;
  /** The calling step; absent for a job (whose `with:` sees no env and no step outputs). */
  step?: Step;
  /** The calling job, for a job's `with:`: it reads the outputs of the jobs it needs and its matrix. */
  job?: Job;
  line: number;
  /** The call names the scanned repository by its full name (`owner/repo/.github/workflows/x.yml@main`), as other repositories do too. */
  byName?: boolean;
}

/** How many callers deep a forwarded input is followed (`inputs.x` passed on as `inputs.y`). */
const MAX_DEPTH = 4;
/** Call sites visited to judge one input, forwarding included. */
const MAX_SITES = 512;
const LOCAL_USES = /^\s*(?:-\s*)?uses\s*:\s*["']?(?:\.\/|\$\/)/m;
/** A `uses:` of an action or reusable workflow of some repository, which may be the scanned one's by its full name. */
const REPOSITORY_USES = /^\s*(?:-\s*)?uses\s*:\s*["']?[\w.-]+\/[\w.-]+[/@]/m;
const CANDIDATE = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$|(?:^|\/)action\.ya?ml$/i;
const WORKFLOW_FILE = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i;
/** How many workflow_run links back secloop follows to find the events that start a chain of workflows. */
const MAX_RUN_CHAIN = 4;

/**
 * The in-repository callers of local composite actions and reusable workflows, found in
 * one pass over the scan's workflow and action files before they are analysed: only the
 * files with a local `uses:` are read as YAML here, and that reading is handed on to
 * their own analysis (`context`). The inputs of a callee are then judged on demand, with
 * the taint rules of each caller, memoised per input.
 */
export class GithubCallers implements InputCallers {
  private readonly sites = new Map<string, CallSite[]>();
  private readonly loaded = new Map<string, { text: string; result: YamlLoadResult }>();
  private readonly memo = new Map<string, InputVerdict>();
  /** The text of each action file of the scan, read by the pre-pass; parsed when a caller's input is followed into it. */
  private readonly actionSources = new Map<string, string>();
  private readonly actions = new Map<string, Workflow | undefined>();
  /** The reusable workflows of the scan that jobs call, read on the first question (calledWorkflow). */
  private readonly called = new Map<string, Workflow | undefined>();
  /** The text of each workflow file of the scan, read by the pre-pass; parsed when a workflow_run names workflows. */
  private readonly workflowSources = new Map<string, string>();
  /** Per repository root: the name GitHub gives each workflow (its name:, else its path) and the events that start it. */
  private readonly namedWorkflows = new Map<string, Map<string, string[][]>>();
  private inner = new Map<string, InputVerdict>();
  /** Reads a file of the scan's root that the walk does not hand to the iac scanner (package.json); absent in a scan of staged files. */
  private rootReader: ((relative: string) => string | undefined) | undefined;
  private readonly manifests = new Map<string, Record<string, unknown> | null | undefined>();
  /** The repository files read so far by repositoryFile (scripts that steps source), by path from the scan root. */
  private readonly files = new Map<string, string | undefined>();
  private readonly stack: Array<{ key: string; shaped: boolean }> = [];
  private budget = 0;

  /**
   * Every path here is from the repository root: the scan's path with `prefix` before it,
   * which is the part of the scan root from `.github/` on when the scan is of that folder
   * (`secloop scan .github`), so that `uses: ./.github/workflows/build.yml` still names a file
   * of the scan. The workflows read and the labels keep the scan's paths. `self`: the scanned
   * repository's owner/repo on GitHub, when it is known: a `uses:` that names it by its full
   * name (`owner/repo/.github/workflows/x.yml@main`) is followed as a local one, into the
   * scan's file at that path from the repository root.
   */
  private constructor(
    private readonly paths: ReadonlySet<string>,
    private readonly prefix: string,
    private readonly self?: string,
  ) {}

  /**
   * `prefix`: githubScanPrefix of the scan root. `self`: the scanned repository's owner/repo,
   * asked only when a workflow or action of the scan uses one of some repository.
   */
  static async find(files: readonly WorkspaceFile[], read: ReadText = readDirectly, prefix = '', self?: () => Promise<string | undefined>): Promise<GithubCallers> {
    const sources: Array<{ path: string; at: string; source: string }> = [];
    for (const file of files) {
      const at = prefix + file.path;
      if (!CANDIDATE.test(at)) continue;
      const source = await read(file);
      if (source !== null) sources.push({ path: file.path, at, source });
    }
    const name = self && sources.some((s) => REPOSITORY_USES.test(s.source)) ? await self() : undefined;
    const index = new GithubCallers(new Set(files.map((f) => prefix + f.path)), prefix, name);
    const own = name === undefined ? undefined : new RegExp(`^\\s*(?:-\\s*)?uses\\s*:\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[/@]`, 'im');
    for (const { path, at, source } of sources) {
      if (/(?:^|\/)action\.ya?ml$/i.test(at)) index.actionSources.set(at, source);
      if (WORKFLOW_FILE.test(at)) index.workflowSources.set(at, source);
      if (LOCAL_USES.test(source) || own?.test(source)) index.add(path, source);
    }
    for (const list of index.sites.values()) list.sort((a, b) => (a.caller.path! < b.caller.path! ? -1 : a.caller.path! > b.caller.path! ? 1 : a.line - b.line));
    return index;
  }

  /** How the repository files beside `.github/` are read (package.json); without it they are unknown. */
  readRepositoryFilesWith(reader: (relative: string) => string | undefined): void {
    this.rootReader = reader;
  }

  packageJson(wf: Workflow): Record<string, unknown> | null | undefined {
    // In a scan of the .github folder the repository's root lies outside the scan.
    if (!this.rootReader || this.prefix !== '' || wf.path === undefined) return undefined;
    const path = `${repositoryRoot(wf.path)}package.json`;
    if (!this.manifests.has(path)) {
      const source = this.rootReader(path);
      let parsed: Record<string, unknown> | null | undefined = null;
      if (source !== undefined) {
        try {
          const value: unknown = JSON.parse(source);
          parsed = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
        } catch {
          parsed = undefined;
        }
      }
      this.manifests.set(path, parsed);
    }
    return this.manifests.get(path);
  }

  repositoryFile(wf: Workflow, path: string): string | undefined {
    if (!this.rootReader || this.prefix !== '' || wf.path === undefined) return undefined;
    const at = `${repositoryRoot(wf.path)}${path}`;
    if (!this.files.has(at)) this.files.set(at, this.rootReader(at));
    return this.files.get(at);
  }

  /** The parse context of a file of the scan, with the scan's zizmor configuration when it has one. */
  context(path: string, source: string, zizmor?: ZizmorConfig): ParseContext {
    const loaded = this.loaded.get(this.prefix + path);
    return { github: { path, ...this.prefixed(), callers: this, ...(loaded && loaded.text === source ? { loaded } : {}), ...(zizmor ? { zizmor } : {}) } };
  }

  private add(path: string, source: string): void {
    const loaded = { text: source, result: loadYaml(source) };
    const wf = readWorkflow(source, () => {}, { github: { path, ...this.prefixed(), callers: this, loaded } });
    if (!wf) return;
    this.loaded.set(this.prefix + path, loaded);
    const root = repositoryRoot(this.prefix + path);
    const record = (target: string | undefined, site: CallSite) => {
      if (target === undefined) return;
      const list = this.sites.get(target) ?? [];
      list.push(site);
      this.sites.set(target, list);
    };
    const byName = (value: string) => (parseUses(value).local ? {} : { byName: true });
    for (const job of wf.jobs) {
      const uses = text(get(job.node, 'uses'));
      const jobWith = get(job.node, 'with');
      const target = uses ? this.workflowPath(root, uses) : undefined;
      if (target !== undefined) record(this.paths.has(target) ? target : undefined, { caller: wf, label: `${path} ${jobLabel(job)}`, ...(isYMap(jobWith) ? { with: jobWith } : {}), job, line: job.line, ...byName(uses!) });
      for (const step of job.steps) {
        const action = step.uses ? this.actionPath(root, step.uses) : undefined;
        if (action !== undefined) record(action, { caller: wf, label: `${path} ${stepLabel(step)}`, ...(step.with ? { with: step.with } : {}), step, line: step.line, ...byName(step.uses!) });
      }
    }
  }

  /**
   * The path from the repository root of the reusable workflow a job's `uses:` names: a local
   * one, relative to `root` (the caller's repository), or one of the scanned repository by
   * its full name, from the scan's repository root. Undefined for any other.
   */
  private workflowPath(root: string, uses: string): string | undefined {
    if (parseUses(uses).local) return localPath(root, uses.replace(/@.*$/, ''));
    const own = ownPath(uses, this.self);
    return own === undefined ? undefined : localPath('', `./${own}`);
  }

  /** The action file (action.yml) of the scan that a step's `uses:` names: a local action, or one of the scanned repository by its full name. */
  private actionPath(root: string, uses: string): string | undefined {
    if (parseUses(uses).local) return this.actionFile(localPath(root, uses)) ?? this.actionFile(underGithub(root, uses));
    const own = ownPath(uses, this.self);
    return own === undefined ? undefined : this.actionFile(localPath('', `./${own}`));
  }

  /**
   * Whether a `uses:` names the scanned repository by its full name (`owner/repo/path@ref`),
   * which secloop follows as a local one. With `caller`, only in a workflow of the repository's
   * own `.github/workflows/`, which GitHub runs in this repository: one elsewhere (a template
   * under `example/`) runs in the repositories that copy it, for which this one is another.
   */
  namesOwnRepository(uses: string, caller?: Workflow): boolean {
    if (caller !== undefined && !/^\.github\/workflows\/[^/]+$/i.test(this.repoPath(caller))) return false;
    return ownPath(uses, this.self) !== undefined;
  }

  /** The prefix of a parse context, when there is one. */
  private prefixed(): { prefix?: string } {
    return this.prefix === '' ? {} : { prefix: this.prefix };
  }

  /** A file of the scan by its path from the repository root. */
  private repoPath(wf: Workflow): string {
    return wf.path === undefined ? '' : this.prefix + wf.path;
  }

  usedBy(callee: Workflow): string[] {
    return (this.sites.get(this.repoPath(callee)) ?? []).map((site) => site.label);
  }

  callingJobs(callee: Workflow): Array<{ caller: Workflow; job: Job; label: string }> {
    return (this.sites.get(this.repoPath(callee)) ?? []).flatMap((site) => (site.job && !site.step ? [{ caller: site.caller, job: site.job, label: site.label }] : []));
  }

  localAction(caller: Workflow, step: Step): Workflow | undefined {
    if (!step.uses) return undefined;
    const target = this.actionPath(repositoryRoot(this.repoPath(caller)), step.uses);
    if (target === undefined) return undefined;
    if (!this.actions.has(target)) {
      const source = this.actionSources.get(target);
      this.actions.set(target, source === undefined ? undefined : readWorkflow(source, () => {}, { github: { path: target.slice(this.prefix.length), ...this.prefixed(), callers: this } }));
    }
    const callee = this.actions.get(target);
    return callee?.composite ? callee : undefined;
  }

  inputSinks(caller: Workflow, step: Step, input: string): InputSinks | undefined {
    const callee = this.localAction(caller, step);
    if (!callee) return undefined;
    const name = input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const reads = (value: string) => expressions(value).some((e) => new RegExp(`(?<![\\w.])inputs\\.${name}(?![\\w-])|inputs\\[\\s*'${name}'\\s*\\]`, 'i').test(e.inner));
    const sinks: InputSinks['sinks'] = [];
    const sinkLines = new Set<number>();
    for (const s of callee.jobs.flatMap((job) => job.steps))
      for (const p of s.with?.pairs ?? []) {
        const value = text(p.value);
        if (value !== undefined && reads(value)) {
          sinks.push({ step: s, input: p.key });
          sinkLines.add(p.keyLine);
        }
      }
    const elsewhere = callee.lines.some((line, i) => !sinkLines.has(i + 1) && reads(line));
    return { sinks, elsewhere };
  }

  upstreamEvents(wf: Workflow, names: readonly string[]): string[] | undefined {
    const root = repositoryRoot(this.repoPath(wf));
    const byName = this.workflowsOf(root);
    const events = new Set<string>();
    const seen = new Set<string>();
    let frontier = [...names];
    for (let depth = 0; frontier.length > 0; depth++) {
      if (depth >= MAX_RUN_CHAIN) return undefined;
      const next: string[] = [];
      for (const name of frontier) {
        if (seen.has(name)) continue;
        seen.add(name);
        const found = byName.get(name);
        if (!found) return undefined;
        for (const triggers of found)
          for (const event of triggers) {
            if (event !== 'workflow_run') events.add(event);
            else if (triggers.upstream === undefined) return undefined;
            else next.push(...triggers.upstream);
          }
      }
      frontier = next;
    }
    return [...events].sort();
  }

  calledWorkflow(caller: Workflow, job: Job): Workflow | undefined {
    const uses = text(get(job.node, 'uses'));
    if (!uses) return undefined;
    const target = this.workflowPath(repositoryRoot(this.repoPath(caller)), uses);
    const source = target === undefined ? undefined : this.workflowSources.get(target);
    if (target === undefined || source === undefined) return undefined;
    if (!this.called.has(target)) {
      const loaded = this.loaded.get(target);
      const wf = readWorkflow(source, () => {}, { github: { path: target.slice(this.prefix.length), ...this.prefixed(), callers: this, ...(loaded && loaded.text === source ? { loaded } : {}) } });
      this.called.set(target, wf && !wf.composite ? wf : undefined);
    }
    return this.called.get(target);
  }

  /** The workflows of one repository by the name workflow_run matches them by, read on the first question about that repository. */
  private workflowsOf(root: string): Map<string, Array<string[] & { upstream?: string[] }>> {
    const known = this.namedWorkflows.get(root);
    if (known) return known;
    const byName = new Map<string, Array<string[] & { upstream?: string[] }>>();
    for (const [path, source] of this.workflowSources) {
      if (repositoryRoot(path) !== root) continue;
      const loaded = this.loaded.get(path);
      const wf = readWorkflow(source, () => {}, { github: { path: path.slice(this.prefix.length), ...this.prefixed(), ...(loaded && loaded.text === source ? { loaded } : {}) } });
      if (!wf || wf.composite) continue;
      // GitHub names a workflow without name: by its path in the repository.
      const name = text(get(wf.root, 'name'))?.trim() || path.slice(root.length);
      const triggers: string[] & { upstream?: string[] } = [...wf.triggers.keys()];
      if (wf.triggers.has('workflow_run')) {
        const upstream = workflowRunNames(wf);
        if (upstream) triggers.upstream = upstream;
      }
      const list = byName.get(name) ?? [];
      list.push(triggers);
      byName.set(name, list);
    }
    this.namedWorkflows.set(root, byName);
    return byName;
  }

  private actionFile(dir: string | undefined): string | undefined {
    if (dir === undefined) return undefined;
    const prefix = dir === '' ? '' : `${dir}/`;
    return [`${prefix}action.yml`, `${prefix}action.yaml`].find((p) => this.paths.has(p));
  }

  /**
   * Top-level verdicts are memoised; inside one, the verdicts of forwarded inputs are
   * memoised for that query only, and only when a cycle, the depth limit or the budget did
   * not shape them. So each answer depends on the files alone, never on the order in which
   * the files are analysed.
   */
  verdict(callee: Workflow, input: string): InputVerdict {
    const path = this.repoPath(callee);
    const key = `${path}\0${input.toLowerCase()}`;
    const top = this.stack.length === 0;
    if (top) {
      const known = this.memo.get(key);
      if (known) return known;
      this.budget = MAX_SITES;
      this.inner = new Map();
    } else {
      const known = this.inner.get(key);
      if (known) return known;
      if (this.stack.some((frame) => frame.key === key)) {
        // A cycle brings in nothing the other callers do not.
        this.stack[this.stack.length - 1]!.shaped = true;
        return { kind: 'safe' };
      }
      if (this.stack.length >= MAX_DEPTH) {
        this.stack[this.stack.length - 1]!.shaped = true;
        return { kind: 'unknown', severity: 'medium', why: `passed on through more than ${MAX_DEPTH} callers, more than secloop follows` };
      }
    }
    this.stack.push({ key, shaped: false });
    let verdict: InputVerdict;
    let frame: { key: string; shaped: boolean };
    try {
      verdict = this.judge(callee, path, input);
    } finally {
      frame = this.stack.pop()!;
    }
    if (top) this.memo.set(key, verdict);
    else if (!frame.shaped) this.inner.set(key, verdict);
    else this.stack[this.stack.length - 1]!.shaped = true;
    return verdict;
  }

  private judge(callee: Workflow, path: string, input: string): InputVerdict {
    const sites = this.sites.get(path) ?? [];
    // An action outside .github/ is there for other repositories too, whose callers the scan cannot see.
    const published = callee.composite && !/(?:^|\/)\.github\//.test(path);
    if (sites.length === 0) {
      if (!callee.composite) return { kind: 'unknown', severity: 'medium', why: 'with no caller in the scanned files; other repositories may call it with attacker-controlled text' };
      return published
        ? { kind: 'unknown', severity: 'medium', why: 'of an action other repositories may use, which may fill it with attacker-controlled text' }
        : { kind: 'unknown', severity: 'low', why: 'of an internal action with no caller found in the scan' };
    }
    // The default applies when a caller does not pass the input (a workflow's workflow_call declaration).
    const fallback = inputDeclarations(callee, input).find((d) => d.source !== 'workflow_dispatch')?.default;
    let weakest: Extract<InputVerdict, { kind: 'unknown' }> | undefined;
    for (const site of sites) {
      if (--this.budget < 0) {
        this.stack[this.stack.length - 1]!.shaped = true;
        return { kind: 'unknown', severity: 'medium', why: 'with more callers than secloop follows' };
      }
      const passed = site.with?.pairs.find((p) => p.key.toLowerCase() === input.toLowerCase());
      const value = passed ? text(passed.value) : fallback;
      const found = value === undefined ? [] : expressions(value);
      if (found.length === 0) continue;
      const taint = site.step ? taintOf(site.caller, site.step) : site.job ? taintOf(site.caller, startOfJob(site.job)) : NO_TAINT;
      const source = worst(found.map((e) => untrustedSource(e.inner, taint, site.caller)));
      if (!source) continue;
      const short = source.text.replace(/ \([\s\S]*$/, '');
      if (!source.severity) {
        const origin = originOf(source);
        return { kind: 'tainted', caller: site.label, via: short === origin ? short : `${short}, from ${origin}`, origin, privileged: source.privileged ?? isPrivileged(site.caller) };
      }
      if (!weakest || (source.severity === 'medium' && weakest.severity === 'low'))
        weakest = { kind: 'unknown', severity: source.severity, why: `that ${site.label} fills with ${short}, which may be attacker-controlled` };
    }
    if (published && weakest?.severity !== 'medium')
      return { kind: 'unknown', severity: 'medium', why: 'of an action other repositories may use (the callers in this repository pass values an outsider does not choose)' };
    // Called by its full name, the way other repositories call it: their values are not in the scan, and the verdict stays what it is without a caller here.
    if (sites.some((site) => site.byName) && weakest?.severity !== 'medium') {
      if (callee.composite) return weakest ?? { kind: 'unknown', severity: 'low', why: 'of an internal action that this repository uses by its full name, as other repositories may (its callers here pass values an outsider does not choose)' };
      return { kind: 'unknown', severity: 'medium', why: 'that this repository calls by its full name, as other repositories may, with attacker-controlled text (its callers here pass values an outsider does not choose)' };
    }
    return weakest ?? { kind: 'safe' };
  }
}

/**
 * What a scan whose root is the folder `.github` of a repository, or a folder inside it,
 * puts before its paths to make them paths from the repository root (`.github/`,
 * `.github/workflows/`); '' for any other root. `root` is absolute.
 */
export function githubScanPrefix(root: string): string {
  const segments = root.split(/[\\/]+/).filter((s) => s !== '');
  const at = segments.findLastIndex((s) => s.toLowerCase() === '.github');
  return at < 0 ? '' : `${segments.slice(at).join('/')}/`;
}

/** The directory holding `.github/` for a file under it (the repository a local `uses:` is relative to); the scan root otherwise. */
function repositoryRoot(path: string): string {
  const at = path.lastIndexOf('.github/');
  return at === 0 || (at > 0 && path[at - 1] === '/') ? path.slice(0, at) : '';
}

/** `./.github/actions/x/` under `root` -> `<root>.github/actions/x`; undefined when it leaves the repository. */
function localPath(root: string, uses: string): string | undefined {
  const kept: string[] = [];
  for (const segment of uses.slice(2).split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (kept.length === 0) return undefined;
      kept.pop();
    } else kept.push(segment);
  }
  return root + kept.join('/');
}

/**
 * A workflow that checks its repository out below the workspace (`path: src/app`) names
 * its own actions `./src/app/.github/actions/x`: the part from `.github/` on, in the same
 * repository.
 */
function underGithub(root: string, uses: string): string | undefined {
  const at = uses.lastIndexOf('/.github/');
  return at > 1 ? localPath(root, `./${uses.slice(at + 1)}`) : undefined;
}

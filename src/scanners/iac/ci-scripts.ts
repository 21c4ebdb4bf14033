import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ScannerFinding } from '../../core/finding.js';
import { normaliseLine } from '../../core/fingerprint.js';
import { picomatchPackage } from '../../core/packages.js';
import type { ScanWarning } from '../scanner.js';
import type { WorkspaceFile } from '../../workspace/files.js';
import { ConfinedDisk } from '../../workspace/confined-disk.js';
import { basenameOf, classify } from './detect.js';
import { isShellProgram, localScriptCalls, type MakeGoals, type ScriptCall } from './local-scripts.js';
import { loadMakefile, recipesOf, recipeShellLine, type MakeModel } from './makefiles.js';
import { PLATFORM_RULES } from './platforms.js';
import type { IacRule, Platform, ScriptRunSite } from './rule.js';
import { readIndexText, unstagedIndexFiles, type StagedIndex } from './staged-index.js';
import type { IacTexts } from './texts.js';
import { findingOfRule } from '../../core/rule.js';

/**
 * The shell scripts of the repository that CI jobs run (`- ./ci/build.sh`,
 * `run: bash scripts/release.sh`), judged by the rules that judge the jobs' own shell text
 * (their `scripts` judgements). The platforms say which scripts their files run
 * (PlatformRules.localScripts); this reads them after the scan loop, bounded (64 scripts
 * of 256 KiB at most), inside the scan root and never through a symbolic link that leads
 * out of it, from the scan's text store, the disk (ConfinedDisk) or, in a scan of staged
 * files, the index. A script is never run.
 *
 * The scripts a script runs are read too, and theirs, two levels below the job (deeper
 * ones are not; a script already on the chain is not read again). `make TARGET` (in a job
 * or a script) reads the Makefile make would (inside the scan root, through the same
 * reader; an absent one is made by the build) and judges the recipe lines of the target
 * and of the targets it leads to (makefiles.ts), on the Makefile's own lines; what those
 * recipes run is one more level. A problem is reported once, on the script's own line,
 * naming who runs it (the first job, the chain that leads there, how many other jobs);
 * each job's line that runs it is a related location.
 */

export const MAX_SCRIPT_BYTES = 256 * 1024;
export const MAX_SCRIPTS = 64;
/** Levels of scripts read below a job: a script the job runs, one that script runs, and one that one runs. */
export const MAX_SCRIPT_DEPTH = 2;
/** Jobs named as related locations of one finding. */
const MAX_RELATED = 5;


interface Run {
  platform: Platform;
  /** The CI file whose job runs the script (directly or through `via`). */
  file: string;
  who: string;
  line: number;
  /** The file of `line` when it is another file of the pipeline (a GitLab `!reference` tag took the line from there). */
  lineFile?: string;
  /** The repository root the CI file's jobs start in, from the scan root (the scan root itself when `rootUnknown`, or when `above`). */
  root: string;
  /**
   * In a scan of the `.github` folder itself (or a folder in it): the scan root's path from the
   * repository root above it (`.github/`). The run's paths are from that repository root; those
   * outside the scan root are not read.
   */
  above?: string;
  /** The folder the job's shell was in, from that root; undefined when not known. */
  cwd: string | undefined;
  /** For a step of a composite action: the action's folder, from that root. */
  actionDir?: string;
  /** The repository root is not known (a composite action outside `.github/`): only paths from the action's folder are. */
  rootUnknown?: boolean;
  how: ScriptRunSite['how'];
  /** For `make`: its targets and folder. */
  make?: MakeGoals;
  /** The job's variables that name paths (GitLab `variables:`, GitHub `env:`), seen by the scripts it runs. */
  env?: ReadonlyMap<string, string>;
  /** The scripts (and `make` runs) that lead from the job to this one, outermost first; empty when the job runs it. */
  via: Link[];
  /** For a step of a composite action: who uses the action. */
  usedBy?: string[];
  /** ScriptRunSite.fixed: what the conditions the job runs under fix. */
  fixed?: ReadonlySet<string>;
}

/** One script or Makefile on the chain from a job: its key in CiScripts.runs and how a message names it. */
interface Link {
  key: string;
  label: string;
}

interface Script {
  path: string;
  text: string;
}

/** What a run leads to: a script's text, or a Makefile read with its includes (the folder make runs in, `dir`). */
type Unit = { kind: 'script'; script: Script } | { kind: 'make'; model: MakeModel; dir: string };

type Warn = (warning: Omit<ScanWarning, 'scanner'>) => void;

export class CiScripts {
  private readonly runs = new Map<string, Run[]>();
  /** Folders holding a `.gitlab-ci.yml`: the root of the project whose pipeline files lie below. */
  private gitlabRoots: string[];
  private readonly byPath: Map<string, WorkspaceFile>;
  private readonly disk: ConfinedDisk;
  private reads = 0;
  private readonly unread: string[] = [];

  constructor(
    /** `githubPrefix`: in a scan of the `.github` folder itself, what comes before the scan's paths in the repository (callers.ts githubScanPrefix). */
    private readonly options: { root: string; files: readonly WorkspaceFile[]; texts: IacTexts; staged?: StagedIndex; warn: Warn; githubPrefix?: string },
  ) {
    this.byPath = new Map(options.files.map((file) => [file.path, file]));
    this.gitlabRoots = options.files.filter((file) => /^\.gitlab-ci\.ya?ml$/i.test(basenameOf(file.path))).map((file) => path.posix.dirname(file.path).replace(/^\.$/, ''));
    this.disk = new ConfinedDisk(options.root, MAX_SCRIPT_BYTES);
  }

  /** The local scripts that the jobs of an analysed CI file run (those `only` keeps). */
  add(file: string, platform: string | undefined, sites: readonly ScriptRunSite[] | undefined, only?: (script: string) => boolean): void {
    if (!sites?.length || (platform !== 'gitlab-ci' && platform !== 'github-actions')) return;
    // A scan of the .github folder: the workflows' repository root is above the scan root.
    const prefix = platform === 'github-actions' ? (this.options.githubPrefix ?? '') : '';
    const repository = prefix !== '' ? '' : this.repositoryRoot(file, platform);
    for (const site of sites) {
      // The sites of an action outside .github/ are from the scan root, where its own folder is known.
      const root = site.rootUnknown ? '' : repository;
      if (root === undefined) continue;
      const bases = { root, ...(prefix !== '' && !site.rootUnknown ? { above: prefix } : {}) };
      const at = inScan(bases, site.path);
      if (at === undefined || (only && !only(at))) continue;
      let make: MakeGoals | undefined;
      if (site.make) {
        const dir = dirInScan(bases, site.make.dir);
        if (dir === undefined) continue; // make runs outside the scan root
        make = { ...site.make, dir };
      }
      this.runOf(unitKey(at, make)).push({
        platform,
        file,
        ...(site.file ? { lineFile: site.file } : {}),
        ...(site.usedBy?.length ? { usedBy: site.usedBy } : {}),
        ...(site.actionDir !== undefined ? { actionDir: site.actionDir } : {}),
        ...(site.rootUnknown ? { rootUnknown: true } : {}),
        who: site.who,
        ...(site.fixed ? { fixed: site.fixed } : {}),
        line: site.line,
        ...bases,
        cwd: site.cwd,
        how: site.how,
        ...(make ? { make } : {}),
        ...(site.env?.size ? { env: site.env } : {}),
        via: [],
      });
    }
  }

  /**
   * In a scan of staged files, a staged script whose CI file is not staged: the CI files of
   * the index that the scan does not hold say who runs it (what will be committed with it).
   * Only the runs of staged scripts are kept.
   */
  private async addIndexPipelines(): Promise<void> {
    const staged = this.options.staged;
    if (!staged) return;
    let scripts: Set<string>;
    try {
      const prefix = await staged.git.prefix();
      scripts = new Set((await staged.git.stagedPaths()).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)).filter((p) => !this.byPath.has(p)));
    } catch (error) {
      this.options.warn({ message: `could not list the staged files (${(error as Error).message.split('\n')[0]}): staged local scripts of CI jobs are not checked` });
      return;
    }
    if (scripts.size === 0) return;
    const what = 'the CI files that run the staged local scripts are not read, nor those scripts';
    // In a scan of the .github folder itself, its workflows' folder from the scan root (`workflows/` for `.github/`).
    const githubPrefix = this.options.githubPrefix ?? '';
    const ownWorkflows = githubPrefix !== '' && '.github/workflows/'.startsWith(githubPrefix) ? [`:(glob)${'.github/workflows/'.slice(githubPrefix.length)}*.y*ml`] : [];
    const pipelines = await unstagedIndexFiles(this.options.files, staged, {
      pathspecs: [':(glob)**/.gitlab-ci.y*ml', ':(glob)**/*.gitlab-ci.y*ml', ':(glob)**/.github/workflows/*.y*ml', ':(glob)**/.github/**/action.y*ml', ...ownWorkflows],
      wanted: (p) => /\.ya?ml$/i.test(p),
      max: MAX_SCRIPTS,
      what,
    });
    // Composite actions outside .github/ (`uses: ./actions/setup`, an action.yml at the root), with what the budget leaves.
    if (pipelines.length < MAX_SCRIPTS)
      pipelines.push(
        ...(await unstagedIndexFiles(this.options.files, staged, {
          pathspecs: [':(glob)action.y*ml', ':(glob)**/action.y*ml'],
          wanted: (p) => /\.ya?ml$/i.test(p) && !/(?:^|\/)\.github\//.test(p),
          max: MAX_SCRIPTS - pipelines.length,
          what,
        })),
      );
    this.gitlabRoots = [...this.gitlabRoots, ...pipelines.filter((p) => /^\.gitlab-ci\.ya?ml$/i.test(basenameOf(p.path))).map((p) => path.posix.dirname(p.path).replace(/^\.$/, ''))];
    for (const pipeline of pipelines) {
      const platform = classify(pipeline.path, pipeline.text);
      const rules = PLATFORM_RULES.find((p) => p.platform === platform);
      if (!rules?.localScripts || (platform !== 'gitlab-ci' && platform !== 'github-actions')) continue;
      // A workflow or action knows its path through its own context (a composite action's folder).
      const input = rules.parse(pipeline.text, () => {}, { path: pipeline.path, ...(platform === 'github-actions' ? { github: { path: pipeline.path, ...(this.options.githubPrefix ? { prefix: this.options.githubPrefix } : {}) } } : {}) });
      if (input !== undefined) this.add(pipeline.path, platform, rules.localScripts(input), (script) => scripts.has(script));
    }
  }

  /**
   * Where a CI file's jobs start: GitLab starts every job at the root of the project, the
   * folder of the `.gitlab-ci.yml` above the file (an included file lies anywhere in it);
   * GitHub at the root of the repository that holds `.github/`. A workflow or action
   * elsewhere (a composite action published from its own folder runs in its caller's
   * repository) has none: only the paths from the action's own folder are known, from the
   * scan root (ScriptRunSite.rootUnknown).
   */
  private repositoryRoot(file: string, platform: 'gitlab-ci' | 'github-actions'): string | undefined {
    if (platform === 'github-actions') {
      const found = /^(?:(.*)\/)?\.github\//.exec(file);
      return found ? (found[1] ?? '') : undefined;
    }
    let best = '';
    for (const root of this.gitlabRoots) if ((root === '' || file.startsWith(`${root}/`)) && root.length > best.length) best = root;
    return best;
  }

  private runOf(scriptPath: string): Run[] {
    let list = this.runs.get(scriptPath);
    if (!list) this.runs.set(scriptPath, (list = []));
    return list;
  }

  /** Reads the scripts, then the scripts they run (two levels), and judges them all. */
  async *findings(registerSecret: (value: string, scope: string) => void): AsyncGenerator<ScannerFinding> {
    await this.addIndexPipelines();
    if (this.runs.size === 0) return;
    const units = new Map<string, Unit | undefined>();
    let level = [...this.runs.keys()].sort();
    for (let depth = 0; level.length > 0; depth++) {
      for (const key of level) if (!units.has(key)) units.set(key, await this.readUnit(key, this.runs.get(key)!));
      if (depth === MAX_SCRIPT_DEPTH) break;
      // The local scripts the scripts of this level run, from the folder their job ran them in
      // ($GITHUB_ACTION_PATH still that of the composite action whose step ran them).
      const next = new Set<string>();
      for (const key of level) {
        const unit = units.get(key);
        if (!unit) continue;
        const parsed = new Map<string, ScriptCall[]>();
        for (const run of this.runs.get(key)!.filter((r) => r.via.length === depth)) {
          const link = { key, label: labelOf(key, run) };
          for (const call of this.callsOf(unit, key, run, parsed)) {
            const inner = inScan(run, call.path);
            const makeDir = call.make ? dirInScan(run, call.make.dir) : undefined;
            // Outside the scan root (a scan of .github whose script runs one of the repository's other folders): not read.
            if (inner === undefined || (call.make && makeDir === undefined)) continue;
            const make = call.make ? { ...call.make, dir: makeDir! } : undefined;
            const innerKey = unitKey(inner, make);
            // No loop, and a job that reaches the script another way already is not counted again.
            if (innerKey === key || run.via.some((v) => v.key === innerKey)) continue;
            const list = this.runOf(innerKey);
            if (list.some((r) => r.file === run.file && r.who === run.who && r.line === run.line && r.lineFile === run.lineFile && sameMake(r.make, make))) continue;
            const { make: _outer, ...rest } = run;
            list.push({ ...rest, cwd: call.cwd, how: call.how, ...(make ? { make } : {}), via: [...run.via, link] });
            next.add(innerKey);
          }
        }
      }
      level = [...next].sort();
    }
    if (this.unread.length > 0)
      this.options.warn({
        path: this.unread[0]!,
        message: `CI jobs run ${this.unread.length} more local script${this.unread.length === 1 ? '' : 's'} than the ${MAX_SCRIPTS} a scan reads (${this.unread.slice(0, 3).join(', ')}${this.unread.length > 3 ? ', ...' : ''}); they were not checked.`,
      });
    // A link inside the root is read at its target: the runs of both paths judge one text.
    const byTarget = new Map<string, { script: Script; runs: Run[] }>();
    const makes: Array<{ key: string; model: MakeModel; dir: string; runs: Run[] }> = [];
    for (const [key, unit] of units) {
      if (!unit) continue;
      if (unit.kind === 'make') {
        makes.push({ key, model: unit.model, dir: unit.dir, runs: this.runs.get(key)! });
        continue;
      }
      const entry = byTarget.get(unit.script.path);
      if (entry) entry.runs.push(...this.runs.get(key)!);
      else byTarget.set(unit.script.path, { script: unit.script, runs: [...this.runs.get(key)!] });
    }
    const judged: Array<{ script: Script; runs: Run[] }> = [...byTarget.values()];
    judged.push(...this.makeTexts(makes));
    judged.sort((a, b) => (a.script.path < b.script.path ? -1 : a.script.path > b.script.path ? 1 : 0));
    const seen = new Set<string>();
    for (const { script, runs } of judged) yield* this.judge(script, runs, registerSecret, seen);
  }

  /** The local scripts and `make` runs a script or the recipes of a Makefile run, for one run of it (cached by what the calls depend on). */
  private callsOf(unit: Unit, key: string, run: Run, parsed: Map<string, ScriptCall[]>): ScriptCall[] {
    const cacheKey = `${run.root}\0${run.above ?? ''}\0${run.cwd ?? '\0'}\0${run.actionDir ?? '\0'}\0${run.rootUnknown === true}\0${envId(run.env)}\0${run.make ? `${run.make.dir}\0${run.make.targets.join(' ')}` : ''}`;
    const cached = parsed.get(cacheKey);
    if (cached) return cached;
    const bases = { ...(run.actionDir !== undefined ? { actionDir: run.actionDir } : {}), ...(run.rootUnknown ? { rootUnknown: true } : {}), ...(run.env ? { env: run.env } : {}) };
    // Paths of the calls are from the run's repository root, as the run's own are.
    let calls: ScriptCall[];
    if (unit.kind === 'script') {
      const dir = path.posix.dirname(fromScan(run, key)).replace(/^\.$/, '');
      calls = localScriptCalls(unit.script.text, { dir: run.cwd }, { ...bases, scriptDir: dir });
    } else {
      const dir = dirFromScan(run, unit.dir);
      // `$(MAKE) other` of the same Makefile is part of what this run makes (reachedRecipes follows it).
      calls = makeCommands(unit.model, run, dir).flatMap((text) => localScriptCalls(text, { dir }, { ...bases, makeDir: dir }).filter((call) => !sameMakefile(call, dir)));
    }
    parsed.set(cacheKey, calls);
    return calls;
  }

  /**
   * The texts to judge for the Makefiles: per file (a file that several make runs read, an
   * included one, once), the recipe lines the runs reach (what make gives the shell, on
   * their own lines; every other line blank), one text per set of runs that reach the same
   * lines, so that a finding names the jobs that run its line.
   */
  private makeTexts(makes: ReadonlyArray<{ model: MakeModel; dir: string; runs: Run[] }>): Array<{ script: Script; runs: Run[] }> {
    const byFile = new Map<string, { source: string[]; lines: Map<number, { text: string; runs: Set<Run> }> }>();
    const runs: Run[] = [];
    for (const { model, dir, runs: unitRuns } of makes) {
      for (const run of unitRuns) {
        runs.push(run);
        for (const { file, groups } of reachedRecipes(model, run, dirFromScan(run, dir))) {
          const { path: at, lines: source } = model.files[file]!;
          let entry = byFile.get(at);
          if (!entry) byFile.set(at, (entry = { source, lines: new Map() }));
          const lines = entry.lines;
          for (const group of groups)
            group.forEach((index, k) => {
              const line = lines.get(index) ?? { text: recipeShellLine(source[index]!, k === 0, k === 0 && !source[index]!.startsWith('\t')), runs: new Set<Run>() };
              line.runs.add(run);
              lines.set(index, line);
            });
        }
      }
    }
    const out: Array<{ script: Script; runs: Run[] }> = [];
    for (const [at, { source: sourceLines, lines }] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const source = { path: at, lines: sourceLines };
      const bySet = new Map<string, { runs: Run[]; lines: number[] }>();
      for (const [index, entry] of [...lines].sort(([a], [b]) => a - b)) {
        const set = runs.filter((r) => entry.runs.has(r));
        const id = set.map((r) => runs.indexOf(r)).join(',');
        const group = bySet.get(id) ?? { runs: set, lines: [] };
        group.lines.push(index);
        bySet.set(id, group);
      }
      for (const { runs: set, lines: indexes } of bySet.values()) {
        const text = source.lines.map(() => '');
        for (const index of indexes) text[index] = lines.get(index)!.text;
        out.push({ script: { path: source.path, text: text.join('\n') }, runs: set });
      }
    }
    return out;
  }

  /** The problems of one script, once per line and problem, whichever platforms' jobs run it. */
  private *judge(script: Script, runs: readonly Run[], registerSecret: (value: string, scope: string) => void, seen: Set<string>): Generator<ScannerFinding> {
    const runBy = describeRuns(runs);
    const lines = script.text.split('\n');
    const platforms = [...new Set(runs.map((r) => r.platform))];
    for (const platform of platforms) {
      const rules = PLATFORM_RULES.find((p) => p.platform === platform)?.rules ?? [];
      // What every job of the platform that runs the script has fixed.
      const fixed = runs.filter((r) => r.platform === platform).reduce<ReadonlySet<string> | undefined>((all, r) => (r.fixed === undefined ? new Set() : all === undefined ? r.fixed : new Set([...all].filter((n) => r.fixed!.has(n)))), undefined);
      for (const rule of rules) {
        if (!rule.scripts) continue;
        try {
          for (const hit of rule.scripts.check({ path: script.path, text: script.text, runBy, ...(fixed?.size ? { fixed } : {}) })) {
            const key = `${script.path}\0${rule.scripts.problem}\0${hit.line}\0${hit.key ?? hit.message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            if (hit.secret) registerSecret(hit.secret, script.path);
            yield toFinding(rule, { ...hit, path: script.path, lineText: lines[hit.line - 1] ?? '' }, runs);
          }
        } catch (error) {
          this.options.warn({ path: script.path, message: `rule ${rule.id} failed on this script: ${(error as Error).message}` });
        }
      }
    }
  }

  /** A script or a Makefile: its key says which (unitKey). */
  private async readUnit(key: string, runs: readonly Run[]): Promise<Unit | undefined> {
    const make = runs[0]!.make;
    if (make === undefined) {
      const script = await this.read(key, runs);
      return script && { kind: 'script', script };
    }
    const at = key.slice(0, key.indexOf('\0'));
    // Without -f, make reads the first of GNUmakefile, makefile and Makefile in its folder.
    const folder = path.posix.dirname(at).replace(/^\.$/, '');
    const names = make.file ? [at] : ['GNUmakefile', 'makefile', 'Makefile'].map((name) => (folder === '' ? name : `${folder}/${name}`));
    if (this.reads >= MAX_SCRIPTS) {
      this.unread.push(at);
      return undefined;
    }
    this.reads++;
    const who = describeRuns(runs);
    const warn = (file: string) => (why: string) => this.options.warn({ path: file, message: `${file}, read by make run by ${who}, ${why}; its recipes were not checked.` });
    let main: Script | undefined;
    for (const name of names) if ((main = await this.readText(name, warn(name)))) break;
    if (!main) return undefined; // absent: made by the build (`./configure`, cmake), or not in the scan
    const model = await loadMakefile(
      { path: main.path, lines: main.text.split('\n') },
      make.dir,
      async (include) => {
        if (this.reads >= MAX_SCRIPTS) return void this.unread.push(include), undefined;
        this.reads++;
        const text = await this.readText(include, warn(include));
        return text && { path: text.path, lines: text.text.split('\n') };
      },
      (include) => this.options.warn({ path: main!.path, message: `${main!.path} includes more files than a scan reads; ${include} and those after it were not checked.` }),
      new Map(make.variables ?? []),
      (pattern) => this.filesMatching(pattern),
    );
    if (model.unreadable) return warn(main.path)(model.unreadable), undefined;
    return { kind: 'make', model, dir: make.dir };
  }

  /** The scan's files a shell wildcard names, sorted (GNU make 4.3 sorts what `include` globs). */
  private filesMatching(pattern: string): string[] {
    const matches = picomatchPackage()(pattern, { dot: false });
    return [...this.byPath.keys()].filter((file) => matches(file)).sort();
  }

  /** A script's text, or undefined when it is not read: absent, not a shell script, or not safe to read (a warning says why). */
  private async read(at: string, runs: readonly Run[]): Promise<Script | undefined> {
    if (this.reads >= MAX_SCRIPTS) {
      this.unread.push(at);
      return undefined;
    }
    this.reads++;
    const who = describeRuns(runs);
    const warn = (why: string) => this.options.warn({ path: at, message: `${at}, run by ${who}, ${why}; its commands were not checked.` });
    const found = await this.readText(at, warn);
    if (found === undefined) return undefined;
    // Run as a program, a file is shell when its `#!` line says so (or it has none and a shell's name).
    if (runs.every((r) => r.how === 'program') && !isShellProgram(found.path, found.text)) return undefined;
    return found;
  }

  /** A text file of the scan root (or of the index, in a scan of staged files); `warn` says why one that is there is not read. */
  private readText(at: string, warn: (why: string) => void): Promise<Script | undefined> {
    return this.options.staged ? this.fromIndex(at, warn) : this.fromTree(at, warn);
  }

  private async fromTree(at: string, warn: (why: string) => void): Promise<Script | undefined> {
    const held = this.byPath.get(at);
    if (held) {
      const text = await this.options.texts.text(held);
      return text === null ? undefined : { path: at, text };
    }
    const text = await this.disk.readText(at);
    if (text !== undefined) return { path: at, text };
    // Not read: say why when it is there but not safe to read.
    const absolute = path.join(this.options.root, at);
    const stat = await lstat(absolute).catch(() => undefined);
    if (!stat) return undefined; // absent: made by the job itself (`./configure`), or not in the scan
    const realRoot = await realpath(this.options.root).catch(() => undefined);
    const real = await realpath(absolute).catch(() => undefined);
    const inside = realRoot !== undefined && real !== undefined && (real === realRoot || real.startsWith(realRoot + path.sep));
    if (stat.isSymbolicLink() || !(await this.disk.confined(at))) {
      if (!inside) return warn('is reached through a symbolic link that leads out of the scan root'), undefined;
      // A link inside the root: the file it names is read, and reported, at its own path.
      const target = path.relative(realRoot!, real!).split(path.sep).join('/');
      const text = await this.disk.readText(target);
      if (text !== undefined) return { path: target, text };
      const size = (await lstat(real!).catch(() => undefined))?.size ?? 0;
      return size > MAX_SCRIPT_BYTES ? (warn(`is larger than ${MAX_SCRIPT_BYTES / 1024} KiB`), undefined) : undefined;
    }
    if (stat.isFile() && stat.size > MAX_SCRIPT_BYTES) warn(`is larger than ${MAX_SCRIPT_BYTES / 1024} KiB`);
    return undefined; // binary, or no regular file
  }

  private fromIndex(at: string, warn: (why: string) => void): Promise<Script | undefined> {
    return readIndexText(this.options.staged!, at, MAX_SCRIPT_BYTES, warn);
  }
}

/**
 * A path from a run's repository root as a path from the scan root; undefined when it lies
 * outside the scan root (above it, in a scan of the `.github` folder itself).
 */
function inScan(run: Pick<Run, 'root' | 'above'>, p: string): string | undefined {
  if (run.above !== undefined) return p.startsWith(run.above) ? p.slice(run.above.length) : undefined;
  return run.root === '' ? p : `${run.root}/${p}`;
}

/** A folder from a run's repository root ('' for that root) as a folder from the scan root ('' for it); undefined outside the scan root. */
function dirInScan(run: Pick<Run, 'root' | 'above'>, dir: string): string | undefined {
  if (run.above !== undefined) return `${dir}/` === run.above ? '' : inScan(run, dir);
  return dir === '' ? run.root : inScan(run, dir);
}

/** A path of the scan as a path from a run's repository root (inScan reversed). */
function fromScan(run: Pick<Run, 'root' | 'above'>, p: string): string {
  if (run.above !== undefined) return run.above + p;
  return run.root === '' ? p : p.slice(run.root.length + 1);
}

/** A folder of the scan ('' for the scan root) as a folder from a run's repository root (dirInScan reversed). */
function dirFromScan(run: Pick<Run, 'root' | 'above'>, dir: string): string {
  if (run.above !== undefined) return dir === '' ? run.above.slice(0, -1) : run.above + dir;
  return dir === run.root ? '' : fromScan(run, dir);
}

/**
 * Where a run leads in CiScripts.runs: a script's path, or a Makefile's with `\0make`, whether
 * `-f` named it (without, make reads the first of GNUmakefile, makefile and Makefile), the
 * folder make runs in (where its includes are found) and the variables its command line sets.
 */
function unitKey(at: string, make: MakeGoals | undefined): string {
  return make ? `${at}\0make${make.file ? ' -f' : ''}\0${make.dir}\0${variablesId(make)}` : at;
}

/** The command line's variables of a make run, as one text. */
function variablesId(make: MakeGoals): string {
  return (make.variables ?? []).map(([name, value]) => `${name}=${value ?? '\0'}`).join('\0');
}

function sameMake(a: MakeGoals | undefined, b: MakeGoals | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.dir === b.dir && a.targets.join(' ') === b.targets.join(' ') && variablesId(a) === variablesId(b));
}

/** How a chain names a script or a make run: `ci/build.sh`, `make test of tools/Makefile`. */
function labelOf(key: string, run: Run): string {
  if (!run.make) return key;
  return `${makeCommand(run.make)} of ${key.slice(0, key.indexOf('\0'))}`;
}

function makeCommand(make: MakeGoals): string {
  return ['make', ...make.targets].join(' ');
}

const envIds = new WeakMap<object, number>();
let envCount = 0;
/** A number per environment map, for the cache of a script's calls. */
function envId(env: ReadonlyMap<string, string> | undefined): number {
  if (!env) return 0;
  let id = envIds.get(env);
  if (id === undefined) envIds.set(env, (id = ++envCount));
  return id;
}

/** `make x` or `$(MAKE) x` in a recipe, for the Makefile that holds it (no -f, same folder). */
function sameMakefile(call: ScriptCall, dir: string): boolean {
  return call.how === 'make' && call.make !== undefined && !call.make.file && call.make.dir === dir;
}

/**
 * The recipes a make run reaches: its goals (the default one when it names none), their
 * prerequisites, and the targets a recipe line asks of the same Makefile (`$(MAKE) lint`),
 * a few rounds deep. `dir` is the folder make runs in, from the run's repository root.
 */
function reachedRecipes(model: MakeModel, run: Run, dir: string): Array<{ file: number; groups: number[][] }> {
  const goals = run.make!.targets.length > 0 ? [...run.make!.targets] : model.defaultGoal !== undefined ? [model.defaultGoal] : [];
  let reached = recipesOf(model, goals);
  for (let round = 0; round < 4; round++) {
    const more: string[] = [];
    for (const text of recipeTexts(model, reached.recipes))
      for (const call of localScriptCalls(text, { dir }, { makeDir: dir }))
        if (sameMakefile(call, dir)) for (const target of call.make!.targets.length > 0 ? call.make!.targets : model.defaultGoal ? [model.defaultGoal] : []) if (!goals.includes(target)) more.push(target);
    if (more.length === 0) break;
    goals.push(...new Set(more));
    reached = recipesOf(model, goals);
  }
  return reached.recipes;
}

/** The shell text of each recipe line (a line and its continuations), or of each recipe under `.ONESHELL`. */
function recipeTexts(model: MakeModel, recipes: ReadonlyArray<{ file: number; groups: number[][] }>): string[] {
  const out: string[] = [];
  for (const { file, groups } of recipes) {
    const source = model.files[file]!.lines;
    const texts = groups.map((group) => group.map((index, k) => recipeShellLine(source[index]!, k === 0, k === 0 && !source[index]!.startsWith('\t'))).join('\n'));
    if (model.oneShell) out.push(texts.join('\n'));
    else out.push(...texts);
  }
  return out;
}

function makeCommands(model: MakeModel, run: Run, dir: string): string[] {
  return recipeTexts(model, reachedRecipes(model, run, dir));
}

/**
 * `job "release" of .gitlab-ci.yml`, `job "release" of .gitlab-ci.yml (through ci/build.sh) and 2 other jobs`,
 * `action step "Build" of .github/actions/build/action.yml (an action used by .github/workflows/ci.yml job test step "build")`.
 */
function describeRuns(runs: readonly Run[]): string {
  const jobs = [...new Map(runs.map((r) => [`${r.file}\0${r.who}`, r])).values()];
  const first = jobs[0]!;
  const others = jobs.length - 1;
  const users = first.usedBy ?? [];
  const action = users.length > 0 ? ` (an action used by ${users[0]}${users.length > 1 ? ` and ${users.length - 1} other${users.length === 2 ? '' : 's'}` : ''})` : '';
  const chain = [...first.via.map((link) => link.label), ...(first.make ? [makeCommand(first.make)] : [])];
  const through = chain.length === 0 ? '' : first.via.length === 0 ? ` (${chain[0]})` : ` (through ${chain.join(', then ')})`;
  return `${first.who} of ${first.file}${action}${through}${others > 0 ? ` and ${others} other job${others === 1 ? '' : 's'}` : ''}`;
}

function toFinding(rule: IacRule<unknown>, hit: { line: number; message: string; severity?: ScannerFinding['severity']; path: string; lineText: string }, runs: readonly Run[]): ScannerFinding {
  // One related location per line that runs the script; a template's line run by several jobs names the first and counts the others.
  const byLine = new Map<string, Run[]>();
  for (const run of runs) {
    const at = `${run.lineFile ?? run.file}:${run.line}`;
    byLine.set(at, [...(byLine.get(at) ?? []), run]);
  }
  const related = [...byLine.values()].slice(0, MAX_RELATED).map((same) => {
    const others = new Set(same.map((r) => r.who)).size - 1;
    return { ...same[0]!, who: others > 0 ? `${same[0]!.who} and ${others} other job${others === 1 ? '' : 's'}` : same[0]!.who, plural: others > 0 };
  });
  return {
    ...findingOfRule(rule, 'iac', hit),
    location: { path: hit.path, startLine: Math.max(1, hit.line) },
    related: related.map((r) => ({ path: r.lineFile ?? r.file, startLine: r.line, message: `${r.who} ${r.plural ? 'run' : 'runs'} ${r.via[0]?.label ?? (r.make ? makeCommand(r.make) : hit.path)}` })),
    properties: { platform: rule.platform, resource: runs[0]!.who, localScript: true },
    // The script may lie outside the files the walk gave (ignored): its line keeps the finding's identity.
    fingerprintKey: normaliseLine(hit.lineText),
  };
}

import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ScannerFinding } from '../../core/finding.js';
import { normaliseLine } from '../../core/fingerprint.js';
import type { ScanWarning } from '../scanner.js';
import type { WorkspaceFile } from '../../workspace/files.js';
import { ConfinedDisk } from '../../workspace/confined-disk.js';
import { basenameOf, classify } from './detect.js';
import { localScriptCalls } from './local-scripts.js';
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
 * A script a script runs is read too, one level down (a script of that one is not). A
 * problem is reported once, on the script's own line, naming who runs it (the first job
 * and how many others); each job's line that runs it is a related location.
 */

export const MAX_SCRIPT_BYTES = 256 * 1024;
export const MAX_SCRIPTS = 64;
/** Jobs named as related locations of one finding. */
const MAX_RELATED = 5;

/** Interpreters of a `#!` line that read POSIX shell. */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'busybox']);

interface Run {
  platform: Platform;
  /** The CI file whose job runs the script (directly or through `via`). */
  file: string;
  who: string;
  line: number;
  /** The file of `line` when it is another file of the pipeline (a GitLab `!reference` tag took the line from there). */
  lineFile?: string;
  /** The repository root the CI file's jobs start in, from the scan root (the scan root itself when `rootUnknown`). */
  root: string;
  /** The folder the job's shell was in, from that root; undefined when not known. */
  cwd: string | undefined;
  /** For a step of a composite action: the action's folder, from that root. */
  actionDir?: string;
  /** The repository root is not known (a composite action outside `.github/`): only paths from the action's folder are. */
  rootUnknown?: boolean;
  how: ScriptRunSite['how'];
  /** The script that runs this one, for a script one level down. */
  via?: string;
  /** For a step of a composite action: who uses the action. */
  usedBy?: string[];
}

interface Script {
  path: string;
  text: string;
}

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
    private readonly options: { root: string; files: readonly WorkspaceFile[]; texts: IacTexts; staged?: StagedIndex; warn: Warn },
  ) {
    this.byPath = new Map(options.files.map((file) => [file.path, file]));
    this.gitlabRoots = options.files.filter((file) => /^\.gitlab-ci\.ya?ml$/i.test(basenameOf(file.path))).map((file) => path.posix.dirname(file.path).replace(/^\.$/, ''));
    this.disk = new ConfinedDisk(options.root, MAX_SCRIPT_BYTES);
  }

  /** The local scripts that the jobs of an analysed CI file run (those `only` keeps). */
  add(file: string, platform: string | undefined, sites: readonly ScriptRunSite[] | undefined, only?: (script: string) => boolean): void {
    if (!sites?.length || (platform !== 'gitlab-ci' && platform !== 'github-actions')) return;
    const repository = this.repositoryRoot(file, platform);
    for (const site of sites) {
      // The sites of an action outside .github/ are from the scan root, where its own folder is known.
      const root = site.rootUnknown ? '' : repository;
      if (root === undefined) continue;
      const at = root === '' ? site.path : `${root}/${site.path}`;
      if (only && !only(at)) continue;
      this.runOf(at).push({
        platform,
        file,
        ...(site.file ? { lineFile: site.file } : {}),
        ...(site.usedBy?.length ? { usedBy: site.usedBy } : {}),
        ...(site.actionDir !== undefined ? { actionDir: site.actionDir } : {}),
        ...(site.rootUnknown ? { rootUnknown: true } : {}),
        who: site.who,
        line: site.line,
        root,
        cwd: site.cwd,
        how: site.how,
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
    const pipelines = await unstagedIndexFiles(this.options.files, staged, {
      pathspecs: [':(glob)**/.gitlab-ci.y*ml', ':(glob)**/*.gitlab-ci.y*ml', ':(glob)**/.github/workflows/*.y*ml', ':(glob)**/.github/**/action.y*ml'],
      wanted: (p) => /\.ya?ml$/i.test(p),
      max: MAX_SCRIPTS,
      what: 'the CI files that run the staged local scripts are not read, nor those scripts',
    });
    this.gitlabRoots = [...this.gitlabRoots, ...pipelines.filter((p) => /^\.gitlab-ci\.ya?ml$/i.test(basenameOf(p.path))).map((p) => path.posix.dirname(p.path).replace(/^\.$/, ''))];
    for (const pipeline of pipelines) {
      const platform = classify(pipeline.path, pipeline.text);
      const rules = PLATFORM_RULES.find((p) => p.platform === platform);
      if (!rules?.localScripts || (platform !== 'gitlab-ci' && platform !== 'github-actions')) continue;
      const input = rules.parse(pipeline.text, () => {}, { path: pipeline.path });
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

  /** Reads the scripts, then the scripts they run (one level), and judges them all. */
  async *findings(registerSecret: (value: string, scope: string) => void): AsyncGenerator<ScannerFinding> {
    await this.addIndexPipelines();
    if (this.runs.size === 0) return;
    const scripts = new Map<string, Script | undefined>();
    const direct = [...this.runs.keys()].sort();
    for (const at of direct) scripts.set(at, await this.read(at, this.runs.get(at)!));
    // One level down: the local scripts the scripts run, from the folder their job ran them in
    // ($GITHUB_ACTION_PATH still that of the composite action whose step ran them).
    for (const at of direct) {
      const script = scripts.get(at);
      if (!script) continue;
      const parsed = new Map<string, ReturnType<typeof localScriptCalls>>();
      for (const run of this.runs.get(at)!.filter((r) => r.via === undefined)) {
        const own = run.root === '' ? at : at.slice(run.root.length + 1);
        const dir = path.posix.dirname(own).replace(/^\.$/, '');
        const key = `${run.root}\0${run.cwd ?? '\0'}\0${run.actionDir ?? '\0'}\0${run.rootUnknown === true}`;
        const bases = { scriptDir: dir, ...(run.actionDir !== undefined ? { actionDir: run.actionDir } : {}), ...(run.rootUnknown ? { rootUnknown: true } : {}) };
        if (!parsed.has(key)) parsed.set(key, localScriptCalls(script.text, { dir: run.cwd }, bases));
        for (const call of parsed.get(key)!) {
          const inner = run.root === '' ? call.path : `${run.root}/${call.path}`;
          if (inner === at) continue;
          this.runOf(inner).push({ ...run, cwd: call.cwd, how: call.how, via: at });
        }
      }
    }
    for (const at of [...this.runs.keys()].sort()) if (!scripts.has(at)) scripts.set(at, await this.read(at, this.runs.get(at)!));
    if (this.unread.length > 0)
      this.options.warn({
        path: this.unread[0]!,
        message: `CI jobs run ${this.unread.length} more local script${this.unread.length === 1 ? '' : 's'} than the ${MAX_SCRIPTS} a scan reads (${this.unread.slice(0, 3).join(', ')}${this.unread.length > 3 ? ', ...' : ''}); they were not checked.`,
      });
    // A link inside the root is read at its target: the runs of both paths judge one text.
    const byTarget = new Map<string, { script: Script; runs: Run[] }>();
    for (const [at, script] of scripts) {
      if (!script) continue;
      const entry = byTarget.get(script.path);
      if (entry) entry.runs.push(...this.runs.get(at)!);
      else byTarget.set(script.path, { script, runs: [...this.runs.get(at)!] });
    }
    for (const [, { script, runs }] of [...byTarget].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) yield* this.judge(script, runs, registerSecret);
  }

  /** The problems of one script, once per line and problem, whichever platforms' jobs run it. */
  private *judge(script: Script, runs: readonly Run[], registerSecret: (value: string, scope: string) => void): Generator<ScannerFinding> {
    const runBy = describeRuns(runs);
    const lines = script.text.split('\n');
    const seen = new Set<string>();
    const platforms = [...new Set(runs.map((r) => r.platform))];
    for (const platform of platforms) {
      const rules = PLATFORM_RULES.find((p) => p.platform === platform)?.rules ?? [];
      for (const rule of rules) {
        if (!rule.scripts) continue;
        try {
          for (const hit of rule.scripts.check({ path: script.path, text: script.text, runBy })) {
            const key = `${rule.scripts.problem}\0${hit.line}\0${hit.key ?? hit.message}`;
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

  /** A script's text, or undefined when it is not read: absent, not a shell script, or not safe to read (a warning says why). */
  private async read(at: string, runs: readonly Run[]): Promise<Script | undefined> {
    if (this.reads >= MAX_SCRIPTS) {
      this.unread.push(at);
      return undefined;
    }
    this.reads++;
    const who = describeRuns(runs);
    const warn = (why: string) => this.options.warn({ path: at, message: `${at}, run by ${who}, ${why}; its commands were not checked.` });
    const found = this.options.staged ? await this.fromIndex(at, warn) : await this.fromTree(at, warn);
    if (found === undefined) return undefined;
    // Run as a program, a file is shell when its `#!` line says so (or it has none and a shell's name).
    if (runs.every((r) => r.how === 'program') && !isShellProgram(found.path, found.text)) return undefined;
    return found;
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

/** A file run as a program that the job's shell would run as shell: a `#!` line naming a POSIX shell, or none and no other language's extension. */
function isShellProgram(file: string, text: string): boolean {
  const shebang = /^#!\s*(\S+)(?:[ \t]+(?:-S[ \t]+)?(\S+))?/.exec(text);
  if (shebang) {
    const program = basenameOf(shebang[1]!) === 'env' ? basenameOf(shebang[2] ?? '') : basenameOf(shebang[1]!);
    return POSIX_SHELLS.has(program);
  }
  const name = basenameOf(file);
  return /\.(?:sh|bash|zsh|ksh)$/i.test(name) || !/\.[A-Za-z0-9]+$/.test(name);
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
  return `${first.who} of ${first.file}${action}${first.via ? ` (through ${first.via})` : ''}${others > 0 ? ` and ${others} other job${others === 1 ? '' : 's'}` : ''}`;
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
    related: related.map((r) => ({ path: r.lineFile ?? r.file, startLine: r.line, message: `${r.who} ${r.plural ? 'run' : 'runs'} ${r.via ?? hit.path}` })),
    properties: { platform: rule.platform, resource: runs[0]!.who, localScript: true },
    // The script may lie outside the files the walk gave (ignored): its line keeps the finding's identity.
    fingerprintKey: normaliseLine(hit.lineText),
  };
}

import type { WorkspaceFile } from '../../../workspace/files.js';
import { classify } from '../detect.js';
import { HeldParses } from '../held-parses.js';
import type { GitlabTrigger, ParseContext } from '../rule.js';
import type { ReadText } from '../texts.js';
import { loadYamlCached } from '../yaml/cache.js';
import type { YamlLoadResult } from '../yaml/tree.js';
import { childPipelines, includedPaths, localIncludes } from './includes.js';

/** A file found to be a pipeline by its content is read only up to this size (as the GitOps pass reads YAML). */
const MAX_PIPELINE_FILE = 1024 * 1024;
/** The project's default CI configuration: its jobs run in pipelines of their own, whatever triggers it as a child too. */
const DEFAULT_PIPELINE = /^\.gitlab-ci\.ya?ml$/i;
/** A line that may include files: `include:` at the top level, or in a job's `trigger:`. */
const INCLUDES = /^[ \t]*["']?include["']?[ \t]*:/m;

/**
 * The GitLab pipelines of the tree and the files they are made of. A pipeline starts at a
 * `.gitlab-ci.yml` (any file named `*gitlab-ci.yml`), or at a YAML file that its content
 * says is one (a CI configuration at a custom path, `ci/pipeline.yml`), and takes in its
 * local includes, and theirs (GitLab reads those from the repository root too). A job's
 * `trigger: include:` of local files starts a child pipeline: those files are a pipeline
 * of their own, run when the trigger job runs.
 *
 * The files included or triggered are checked as GitLab CI whatever their name and
 * content; each file's context holds the other files of its pipeline (a `!reference` tag
 * of one may name a job of another, a job of one may extend a template of another), and
 * for the file of a child pipeline, the trigger jobs that start it.
 */
export class GitlabPipelines {
  /** Files a pipeline includes (`include: local:`). */
  private readonly included = new Set<string>();
  /** The files of each file's pipeline(s), itself among them. */
  private readonly pipelineOf = new Map<string, string[]>();
  /** The trigger jobs that start each child pipeline's file, and the files of their pipelines. */
  private readonly triggersOf = new Map<string, Array<{ path: string; job: string }>>();
  /** Files found to be a pipeline's first file. */
  private readonly roots = new Set<string>();
  /** The first files of the pipelines each file is part of. */
  private readonly rootsOf = new Map<string, Set<string>>();
  /** Texts of pipeline files, kept as the scan loop reads them, so that each is read once. */
  private readonly texts = new Map<string, string | null>();
  /**
   * Parses of the files of pipelines of several files, by path: a file's analysis and the
   * other files' `!reference` and `extends` look-ups into it read one parse (gitlab-runner:
   * each of its 18 files was parsed twice). Held until the scan ends, within a budget of
   * characters (gitlab-runner holds its 18 pipeline files, 84K characters); past it, a
   * reader parses again.
   */
  private readonly parses = new HeldParses<YamlLoadResult>();

  private constructor(
    private readonly byPath: ReadonlyMap<string, WorkspaceFile>,
    private readonly read: ReadText,
    private readonly loadAhead: (path: string, text: string) => YamlLoadResult,
  ) {}

  /**
   * `inChart`: files under a Helm chart's folder (its templates, data and CRDs), never a pipeline found by its content.
   * `loadAhead`: how the files are parsed: the scan's parses (yaml/parses.ts), which hold a parse made before the loop reaches
   * the file (its includes, or another file's look-ups into it) for the loop's analysis.
   */
  static async find(files: readonly WorkspaceFile[], read: ReadText, inChart: (path: string) => boolean = () => false, loadAhead: (path: string, text: string) => YamlLoadResult = (_, text) => loadYamlCached(text)): Promise<GitlabPipelines> {
    const found = new GitlabPipelines(new Map(files.map((file) => [file.path, file])), read, loadAhead);
    await found.walk(files, inChart);
    return found;
  }

  private async walk(files: readonly WorkspaceFile[], inChart: (path: string) => boolean): Promise<void> {
    const yamlPaths = files.map((file) => file.path).filter((p) => /\.ya?ml$/i.test(p));
    // What each file includes and the child pipelines its jobs start, read once for every pipeline it is part of.
    const known = new Map<string, { includes: Set<string>; children: Array<{ job: string; paths: Set<string> }> }>();
    const parsed = async (path: string) => {
      let own = known.get(path);
      if (own) return own;
      const file = this.byPath.get(path);
      const text = file ? await this.read(file) : null;
      // The parse is held for the scan loop, which analyses the file.
      const load = (source: string) => this.loadAhead(path, source);
      const includes = text !== null && INCLUDES.test(text) ? includedPaths(localIncludes(text, load), yamlPaths) : new Set<string>();
      const children = text !== null && INCLUDES.test(text) && /^[ \t]*["']?trigger["']?[ \t]*:/m.test(text) ? childPipelines(text, load).map(({ job, paths }) => ({ job, paths: includedPaths(paths, yamlPaths) })) : [];
      known.set(path, (own = { includes, children }));
      return own;
    };
    const roots: string[] = [];
    for (const file of files) {
      if (!/\.ya?ml$/i.test(file.path)) continue;
      if (classify(file.path, '') === 'gitlab-ci') roots.push(file.path);
      else if ((file.size === undefined || file.size <= MAX_PIPELINE_FILE) && !inChart(file.path)) {
        // A pipeline at a path of its own matters here only when it includes files or triggers child pipelines.
        const text = await this.read(file);
        if (text !== null && text.length <= MAX_PIPELINE_FILE && INCLUDES.test(text) && classify(file.path, text) === 'gitlab-ci') roots.push(file.path);
      }
    }
    for (const root of roots) this.roots.add(root);
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i]!;
      const members = new Set([root]);
      for (const path of members) for (const next of (await parsed(path)).includes) members.add(next);
      for (const member of members) this.rootsOf.set(member, (this.rootsOf.get(member) ?? new Set()).add(root));
      if (members.size > 1) {
        for (const member of members) if (member !== root) this.included.add(member);
        for (const member of members) this.pipelineOf.set(member, [...new Set([...(this.pipelineOf.get(member) ?? []), ...members])]);
      }
      for (const member of members) {
        for (const { job, paths } of (await parsed(member)).children) {
          for (const child of paths) {
            const triggers = this.triggersOf.get(child) ?? [];
            if (!triggers.some((t) => t.path === member && t.job === job)) this.triggersOf.set(child, [...triggers, { path: member, job }]);
            if (!this.roots.has(child)) this.roots.add(child), roots.push(child);
          }
        }
      }
    }
  }

  /** 'gitlab-ci' for a file a pipeline includes or a trigger job starts: checked as GitLab CI whatever its name and content. */
  hint(path: string): 'gitlab-ci' | undefined {
    return this.included.has(path) || this.triggersOf.has(path) ? 'gitlab-ci' : undefined;
  }

  /**
   * The context of a GitLab file: the other files of its pipeline, when its `!reference`
   * tags or `extends` may need them; for a file whose jobs run only in child pipelines
   * (childTriggers), the trigger jobs that start them, with their files.
   */
  async context(path: string, text: string): Promise<Pick<ParseContext, 'gitlab'>> {
    // A file of no pipeline of several files, started by no trigger job: nothing beside it to read.
    if (!this.pipelineOf.has(path) && !this.triggersOf.has(path)) return {};
    this.texts.set(path, text);
    const files = text.includes('!reference') || /^[ \t]*extends[ \t]*:/m.test(text) ? await this.filesBeside(path) : [];
    const triggers = await this.triggers(path);
    // The file's own parse is the one the other files of its pipeline read, even when it reads none of theirs.
    const load = (file: string, source: string) => this.load(file, source);
    const roots = await this.rootsIncluding(path);
    if (files.length === 0 && triggers.length === 0 && roots.length === 0) return this.pipelineOf.has(path) ? { gitlab: { files, load } } : {};
    return { gitlab: { files, ...(triggers.length > 0 ? { triggers } : {}), ...(roots.length > 0 ? { roots } : {}), load } };
  }

  /**
   * The parse of a file of a pipeline: the one held for its text, else the scan's (yaml/parses.ts: made before the loop
   * reached the file, or now, and then held for the loop's analysis of it when the loop is yet to reach it), held if it fits.
   */
  private load(path: string, text: string): YamlLoadResult {
    const held = this.parses.get(path, text);
    if (held) return held;
    const loaded = this.loadAhead(path, text);
    if (!this.parses.has(path)) this.parses.hold(path, text, loaded);
    return loaded;
  }

  /**
   * For a file that pipelines include (not the project's `.gitlab-ci.yml`), the first file
   * of each, whose `workflow:` GitLab takes over any an included file writes; none when one
   * cannot be read.
   */
  private async rootsIncluding(path: string): Promise<Array<{ path: string; text: string }>> {
    if (!this.included.has(path) || DEFAULT_PIPELINE.test(path)) return [];
    const out: Array<{ path: string; text: string }> = [];
    for (const root of this.rootsOf.get(path) ?? []) {
      if (root === path) continue;
      const text = await this.textOf(root);
      if (text === null) return [];
      out.push({ path: root, text });
    }
    return out;
  }

  private onlyChild(path: string): boolean {
    // A file another pipeline includes runs its jobs there too.
    return this.triggersOf.has(path) && !DEFAULT_PIPELINE.test(path) && !this.included.has(path);
  }

  /**
   * The trigger jobs that start every pipeline a file's jobs run in: those of a child
   * pipeline's file that runs only as one (onlyChild), and for a file such files include
   * (and nothing else does), those of each of them. Undefined when a pipeline of the file
   * runs without a trigger job (the project's `.gitlab-ci.yml` includes it too).
   */
  private childTriggers(path: string): Array<{ path: string; job: string }> | undefined {
    if (this.onlyChild(path)) return this.triggersOf.get(path)!;
    const roots = [...(this.rootsOf.get(path) ?? [])].filter((root) => root !== path);
    if (roots.length === 0 || DEFAULT_PIPELINE.test(path) || this.triggersOf.has(path) || !roots.every((root) => this.onlyChild(root))) return undefined;
    return roots.flatMap((root) => this.triggersOf.get(root)!);
  }

  /** The trigger jobs of childTriggers, with their files and, for a trigger job of a child pipeline (a grandchild's), the trigger jobs that start it. */
  private async triggers(path: string, seen: ReadonlySet<string> = new Set([path])): Promise<GitlabTrigger[]> {
    const out: GitlabTrigger[] = [];
    for (const trigger of this.childTriggers(path) ?? []) {
      const text = await this.textOf(trigger.path);
      // A trigger job whose file cannot be read: its conditions are not known.
      if (text === null) return [];
      // A pipeline that starts itself again runs under the conditions of its first start, which the others repeat.
      const above = seen.has(trigger.path) ? [] : await this.triggers(trigger.path, new Set([...seen, trigger.path]));
      out.push({ path: trigger.path, text, job: trigger.job, files: await this.filesBeside(trigger.path), ...(above.length > 0 ? { triggers: above } : {}) });
    }
    return out;
  }

  /** The texts of the other files of a file's pipeline. */
  private async filesBeside(path: string): Promise<Array<{ path: string; text: string }>> {
    const files: Array<{ path: string; text: string }> = [];
    for (const member of this.pipelineOf.get(path) ?? []) {
      if (member === path) continue;
      const text = await this.textOf(member);
      if (text !== null) files.push({ path: member, text });
    }
    return files;
  }

  private async textOf(path: string): Promise<string | null> {
    if (!this.texts.has(path)) {
      const file = this.byPath.get(path);
      this.texts.set(path, file ? await this.read(file) : null);
    }
    return this.texts.get(path) ?? null;
  }
}

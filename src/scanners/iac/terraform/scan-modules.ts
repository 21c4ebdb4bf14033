import type { ScanWarning } from '../../scanner.js';
import type { ScannerFinding } from '../../../core/finding.js';
import { looksBinary, type WorkspaceFile } from '../../../workspace/files.js';
import type { Git } from '../../../workspace/git.js';
import { decodeUtf8 } from '../../../workspace/workspace.js';
import { IacTexts } from '../texts.js';
import { analyseFile, type FileAnalysis } from '../analyse.js';
import type { Platform } from '../rule.js';
import { directoryOf, ModuleDirectories, moduleDirectoryFiles, parseTerraformText, terraformRole, withOverrides, type DirectorySource, type MadeParse, type ParsedTerraform, type TfDirectoryScope } from './directory.js';
import { isOverrideFile, type OverrideSource } from './overrides.js';
import { TerraformParses } from './parses.js';
import type { Body } from './hcl/ast.js';
import { fileScope, readTerraform, type TfInput } from './model.js';
import { mayReadFiles, TerraformFiles } from './files.js';
import type { ModuleFiles } from './hcl/evaluate.js';
import { originSuppression, readCallSuppressions } from './call-suppressions.js';
import { typeAt } from './suppressions.js';
import { callerUses, declarationsOf, outputMentions, forwardedUses, localCalls, LocalModuleCalls, resolveLocalSource, variableWrites, MAX_CALLS, MAX_CHAIN, mayCallLocalModule, mergeContextFindings, variablesOnLines, type CallContext, type CallOrigin, type ContextRun, type LocalCall, type VariablesRead } from './module-calls.js';

/** A reference to a module call's output, in a file's text. */
const MODULE_OUTPUT = /(?<![\w.-])module\.[\w-]+(?:\[[^\]\n]*\])?\.[A-Za-z_]/;

/**
 * What the iac scanner's walk needs of Terraform module directories: each directory's
 * shared scope (directory.ts), the contexts in which local module calls of the scan
 * call it (module-calls.ts), and, with --staged, the sibling files of the index.
 */

/**
 * Analyses a Terraform file of a module that local module calls of the scan call, once
 * per context (terraform/module-calls.ts), and merges the findings: a rule that fires
 * on one line in several contexts gives one finding, which names the calls. The file is
 * parsed once for all its contexts, and a parse problem is reported once.
 */
export function analyseInContexts(path: string, text: string, calls: readonly CalledAs[], warn: (warning: Omit<ScanWarning, 'scanner'>) => void, platformHint: Platform | undefined): FileAnalysis {
  let parsed: ParsedTerraform | undefined;
  try {
    parsed = calls[0]?.terraform.takeParse(text) ?? parseTerraformText(text, path);
  } catch {
    parsed = undefined; // each analysis parses again and reports it
  }
  const reported = new Set<string>();
  const once = (warning: Omit<ScanWarning, 'scanner'>) => {
    const key = JSON.stringify([warning.path, warning.line, warning.message]);
    if (reported.has(key)) return;
    reported.add(key);
    warn(warning);
  };
  const runs: ContextRun[] = [];
  const secrets: string[] = [];
  let platform: string | undefined;
  for (const { context, terraform } of calls) {
    const scope: TfDirectoryScope = parsed ? { ...terraform, takeParse: (source) => (source === text ? parsed : undefined) } : terraform;
    const analysis = analyseFile(path, text, once, platformHint, { terraform: scope });
    platform = analysis.platform;
    secrets.push(...analysis.secrets);
    runs.push({ context, findings: analysis.findings });
  }
  const body = parsed?.body;
  // Locals do not depend on the context: the first one's scope reads them.
  const locals = body && calls[0] ? fileScope(body, calls[0].terraform) : undefined;
  const read = new Map<string, VariablesRead>();
  const variablesAt = (lines: readonly number[]): VariablesRead => {
    if (!body || !locals) return { settings: [], all: [] };
    const key = lines.join(',');
    let names = read.get(key);
    if (!names) read.set(key, (names = { settings: variablesOnLines(body, lines, locals, true), all: variablesOnLines(body, lines, locals) }));
    return names;
  };
  // What a module block's suppression covers is judged on the finding as the module file makes it: its rule, message and resource type.
  const suppressing = calls.some(({ context }) => context.origins.some((o) => o.call.suppressions || o.within));
  const suppressionOf = (finding: ScannerFinding, origin: CallOrigin) =>
    originSuppression(origin, (s) => s.covers(finding.ruleId, finding.message, () => (body ? typeAt(body.blocks, finding.location.startLine) : undefined)))?.justification;
  return { platform, findings: mergeContextFindings(runs, variablesAt, suppressing ? suppressionOf : undefined), secrets };
}

/** One context a file is analysed in, and the scope of its directory in that context. */
export interface CalledAs {
  context: CallContext;
  terraform: TfDirectoryScope;
}

/**
 * The Terraform module directories of the tree (terraform/directory.ts). A directory is
 * read when the scan reaches its first file: the texts read then are kept until the scan
 * reaches their file, so no file is read twice, and the parses made for variables and
 * locals are used again. A directory is let go once all its .tf files are analysed, so
 * memory holds the directories on the current path, not the whole tree.
 *
 * Before that, `prepare` finds the local module calls of the tree and the contexts each
 * called directory is analysed in (terraform/module-calls.ts): that reads every .tf file
 * once, keeps the texts that fit in the scan's IacTexts for the scan loop, and parses only the
 * files whose text may call a local module. A tree whose .tf files are all in one
 * directory has no calls to find. In a scan of staged files, the other Terraform files
 * of a staged file's directory are read from the index for its scope, never analysed.
 */
export class TerraformModules {
  /** Configuration files of each directory that has a scope, and the files read for it. */
  private readonly directories = new Map<string, { read: WorkspaceFile[]; left: number; scopes?: ModuleDirectories }>();
  private readonly ahead = new Map<string, string | null>();
  /** Texts read before the scan loop reaches their file (`text`), and the loop's own reads (`take`). */
  private readonly early: Pick<IacTexts, 'text' | 'take'>;
  /** The contexts of each called directory not analysed yet. */
  private readonly contexts = new Map<string, CallContext[]>();
  /** The parses of the scan's files, made once for the pre-passes and the scan loop. */
  private readonly parses = new TerraformParses();

  constructor(
    private readonly files: readonly WorkspaceFile[],
    private readonly warn: (warning: Omit<ScanWarning, 'scanner'>) => void,
    private readonly options: { git?: Git | null; maxFileSize?: number; signal?: AbortSignal; texts?: IacTexts; root?: string } = {},
  ) {
    this.early = options.texts ?? new IacTexts(files);
    // A scan of staged files reads the index: the working tree's files are not what will be committed.
    const staged = files.some((file) => file.fromIndex);
    this.fileReads = new TerraformFiles(staged ? undefined : options.root, files, (file) => this.early.text(file), options.maxFileSize);
  }

  /** The files of the scan that file functions read (files.ts). */
  private readonly fileReads: TerraformFiles;

  /** What each directory's file functions read, for the directories of these sources. */
  private async filesOf(sources: ReadonlyArray<{ path: string; text: string }>): Promise<Map<string, ModuleFiles>> {
    const byDirectory = new Map<string, string[]>();
    for (const source of sources) {
      if (terraformRole(source.path) !== 'configuration') continue;
      const dir = directoryOf(source.path);
      byDirectory.set(dir, [...(byDirectory.get(dir) ?? []), source.text]);
    }
    const out = new Map<string, ModuleFiles>();
    for (const [dir, texts] of byDirectory) {
      const files = await this.fileReads.forDirectory(dir, texts);
      if (files) out.set(dir, files);
    }
    return out;
  }

  async prepare(): Promise<void> {
    const context = await this.stagedContext();
    const all = [...this.files, ...context];
    const found = await this.findCalls(all);
    const byPath = new Map(all.map((file) => [file.path, file]));
    const selected = new Map<string, WorkspaceFile[]>();
    for (const path of moduleDirectoryFiles(all.map((file) => file.path), this.warn, new Set(found?.calls.map((c) => c.target)))) {
      const dir = directoryOf(path);
      const list = selected.get(dir);
      if (list) list.push(byPath.get(path)!);
      else selected.set(dir, [byPath.get(path)!]);
    }
    if (found) await this.readContexts(found.calls, found.declarations, selected);
    for (const [dir, read] of selected) this.directories.set(dir, { read, left: 0 });
    for (const file of this.files) {
      const entry = terraformRole(file.path) === 'configuration' ? this.directories.get(directoryOf(file.path)) : undefined;
      if (entry) entry.left++;
    }
  }

  /**
   * The local module calls of the tree's .tf files, and each caller's variables and
   * locals. In a directory with override files, the calls are read from the blocks as
   * the override files change them (a module call's arguments, or its source).
   */
  private async findCalls(all: readonly WorkspaceFile[]): Promise<{ calls: LocalCall[]; declarations: Map<string, Body> } | undefined> {
    const configurations = all.filter((file) => terraformRole(file.path) === 'configuration');
    const byDirectory = new Map<string, WorkspaceFile[]>();
    for (const file of configurations) {
      const dir = directoryOf(file.path);
      const list = byDirectory.get(dir);
      if (list) list.push(file);
      else byDirectory.set(dir, [file]);
    }
    if (byDirectory.size < 2) return undefined;
    const calls: LocalCall[] = [];
    const declarations = new Map<string, Body>();
    for (const [dir, files] of byDirectory) {
      if (this.options.signal?.aborted) return undefined;
      const { bodies, texts } = await this.callerBodies(files);
      const inDirectory: LocalCall[] = [];
      for (const [path, body] of bodies) {
        const made = localCalls(path, dir, body, (target) => byDirectory.has(target));
        if (made.length === 0) continue;
        // Read from the file's text: a directory with override files has none here, and its calls' comments are not read.
        const text = texts?.get(path);
        if (text !== undefined) readCallSuppressions(path, text, body, made, (warning) => this.warn(warning));
        if (calls.length + made.length > MAX_CALLS) {
          this.warn({ message: `more than ${MAX_CALLS} local module calls: they are not followed, and every module is analysed with the defaults of its variables` });
          return undefined;
        }
        calls.push(...made);
        inDirectory.push(...made);
        declarations.set(path, declarationsOf(body));
      }
      // How the directory uses the calls' outputs; not read through override files (their expressions are in other texts).
      if (texts) {
        const files = [...bodies].flatMap(([path, body]) => (texts.has(path) ? [{ body, text: texts.get(path)! }] : []));
        for (const call of inDirectory) {
          const uses = callerUses(files, call);
          const mentioned = outputMentions(files, call);
          if (mentioned) call.mentioned = mentioned;
          // An output handed to another local module that writes it into a resource as is: a use in that resource.
          const targets = new Map<string, ReadonlyMap<string, ReadonlyArray<{ type: string; attribute: string }>> | undefined>();
          for (const use of uses) {
            const source = /^module (\.\.?\/.*)$/.exec(use.block)?.[1];
            const target = source === undefined ? undefined : resolveLocalSource(dir, source);
            if (source === undefined || target === undefined || targets.has(source)) continue;
            targets.set(source, byDirectory.has(target) ? await this.variableWritesOf(target, byDirectory.get(target)!) : undefined);
          }
          call.uses = forwardedUses(uses, (source) => targets.get(source));
        }
      }
    }
    return calls.length > 0 ? { calls, declarations } : undefined;
  }

  private readonly writes = new Map<string, Map<string, Array<{ type: string; attribute: string }>>>();

  /** The resource attributes a module directory sets to a variable as is (module-calls.ts variableWrites), read once. */
  private async variableWritesOf(dir: string, files: readonly WorkspaceFile[]): Promise<Map<string, Array<{ type: string; attribute: string }>>> {
    const known = this.writes.get(dir);
    if (known) return known;
    const bodies: Body[] = [];
    // Override files may change what a resource is given: such a directory is not read here.
    for (const file of files.some((f) => isOverrideFile(f.path)) ? [] : files) {
      const text = await this.early.text(file);
      if (text === null || !/\bresource\b/.test(text)) continue;
      try {
        bodies.push(this.parses.parse(file.path, text).body);
      } catch {
        continue; // a parser bug: the scan loop meets it again and reports it
      }
    }
    const made = variableWrites(bodies);
    this.writes.set(dir, made);
    return made;
  }

  /**
   * The parsed bodies of a directory's files that may call a local module. With override
   * files, every file of the directory is parsed and the overrides merged in, when any of
   * them may call one; override files give no body of their own.
   */
  private async callerBodies(files: readonly WorkspaceFile[]): Promise<{ bodies: Map<string, Body>; texts?: Map<string, string> }> {
    const out = new Map<string, Body>();
    const texts = new Map<string, string>();
    let calling = false;
    for (const file of files) {
      const text = await this.early.text(file);
      if (text === null) continue;
      texts.set(file.path, text);
      calling ||= mayCallLocalModule(text);
    }
    if (!calling) return { bodies: out };
    const overridden = files.some((file) => isOverrideFile(file.path));
    const parsed: OverrideSource[] = [];
    for (const [path, text] of texts) {
      // Files that refer to a module's outputs too, for how the calls are used (callerUses).
      if (!overridden && !mayCallLocalModule(text) && !MODULE_OUTPUT.test(text)) continue;
      try {
        parsed.push({ path, text, body: this.parses.parse(path, text).body });
      } catch {
        continue; // a parser bug: the scan loop meets it again and reports it
      }
    }
    // Merge problems are reported when the scan loop reads the directory.
    if (overridden) return { bodies: withOverrides(parsed, () => {}).bodies };
    for (const file of parsed) out.set(file.path, file.body);
    return { bodies: out, texts };
  }

  /** The contexts of the called directories, read with the scopes of the callers' directories (let go once read). */
  private async readContexts(calls: readonly LocalCall[], declarations: ReadonlyMap<string, Body>, selected: ReadonlyMap<string, WorkspaceFile[]>): Promise<void> {
    const callers = new Map<string, ModuleDirectories>();
    for (const dir of new Set(calls.map((call) => call.dir))) {
      const members = selected.get(dir);
      if (!members) continue;
      const sources: DirectorySource[] = [];
      for (const member of members) {
        const text = await this.early.text(member);
        if (text === null) continue;
        const own = declarations.get(member.path);
        sources.push(own ? { path: member.path, text, parsed: { body: own, problems: [] } } : { path: member.path, text });
      }
      // Its problems are reported when the scan loop reads the directory.
      callers.set(dir, new ModuleDirectories(sources, () => {}, { keepParses: false, files: await this.filesOf(sources), parses: this.parses }));
    }
    // What a context costs: each configuration file of the directory is analysed once more.
    const sizes = new Map<string, number>();
    for (const target of new Set(calls.map((call) => call.target))) {
      let size = 0;
      for (const member of selected.get(target) ?? []) if (terraformRole(member.path) === 'configuration') size += (await this.early.text(member))?.length ?? 0;
      sizes.set(target, size);
    }
    const graph = new LocalModuleCalls(calls, declarations, (path, call) => callers.get(directoryOf(path))?.scopeFor(path, call), this.warn, (dir) => sizes.get(dir) ?? 0);
    for (const target of graph.targets()) {
      const contexts = graph.contextsOf(target);
      if (contexts && contexts.length > 0 && selected.has(target)) this.contexts.set(target, contexts);
    }
  }

  /**
   * In a scan of staged files, context from the index (what will be committed), never
   * analysed: the Terraform files beside a staged .tf file that are not staged
   * themselves, for its directory's scope; and, when a staged directory is a module that
   * other directories call by a local path, those callers (up a chain of four calls) and
   * the files beside them, so that the module is analysed as they deploy it.
   */
  private async stagedContext(): Promise<WorkspaceFile[]> {
    const git = this.options.git;
    const staged = this.files.filter((file) => file.fromIndex && terraformRole(file.path) === 'configuration');
    if (!git || staged.length === 0) return [];
    const stagedDirs = new Set(staged.map((file) => directoryOf(file.path)));
    try {
      const prefix = await git.prefix();
      const callers = await this.stagedCallers(git, prefix, stagedDirs);
      return await this.indexFilesOf(git, prefix, [...new Set([...stagedDirs, ...callers.dirs])].sort(), callers.read);
    } catch (error) {
      this.warn({ message: `could not read the Terraform files of the index beside the staged ones, or the callers of staged modules (their variables are not used): ${(error as Error).message.split('\n')[0]}` });
      return [];
    }
  }

  /**
   * The directories of the index whose files call a staged directory by a local source,
   * directly or through up to three more calls: the index's .tf files that name a local
   * source are found with one `git grep`, and only those are read.
   */
  private async stagedCallers(git: Git, prefix: string, stagedDirs: ReadonlySet<string>): Promise<{ dirs: Set<string>; read: Map<string, WorkspaceFile> }> {
    const read = new Map<string, WorkspaceFile>();
    let listed: string;
    try {
      listed = await git.run(['grep', '--cached', '-l', '-z', '-I', '-E', LOCAL_SOURCE_ERE, '--', '*.tf', '*.tf.json']);
    } catch (error) {
      // Exit status 1: no file matches.
      if ((error as { code?: unknown }).code === 1) return { dirs: new Set(), read };
      throw error;
    }
    const scanned = new Map(this.files.map((file) => [file.path, file]));
    const paths = listed.split('\0').filter((path) => path !== '' && terraformRole(path) === 'configuration');
    if (paths.length > MAX_CALLER_FILES) {
      this.warn({ message: `more than ${MAX_CALLER_FILES} Terraform files of the index call local modules: the callers of the staged modules are not looked up, and they are analysed with the defaults of their variables` });
      return { dirs: new Set(), read };
    }
    const callersOf = new Map<string, Set<string>>();
    for (const path of paths) {
      let file = scanned.get(path);
      if (!file) read.set(path, (file = indexedFile(git, prefix, path, this.options.maxFileSize)));
      const text = await this.early.text(file);
      if (text === null || !mayCallLocalModule(text)) continue;
      let body: Body;
      try {
        body = this.parses.parse(path, text).body;
      } catch {
        continue; // a parser bug: the scan reports it where it analyses the file
      }
      for (const call of localCalls(path, directoryOf(path), body, () => true)) {
        const set = callersOf.get(call.target) ?? new Set<string>();
        set.add(call.dir);
        callersOf.set(call.target, set);
      }
    }
    const dirs = new Set<string>();
    let frontier = [...stagedDirs];
    for (let depth = 0; depth < MAX_CHAIN && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const dir of frontier) {
        for (const caller of callersOf.get(dir) ?? []) {
          if (dirs.has(caller) || stagedDirs.has(caller)) continue;
          dirs.add(caller);
          next.push(caller);
        }
      }
      frontier = next;
    }
    return { dirs, read };
  }

  /** The Terraform files of the index in these directories that the scan does not analyse itself. */
  private async indexFilesOf(git: Git, prefix: string, dirs: readonly string[], known: ReadonlyMap<string, WorkspaceFile>): Promise<WorkspaceFile[]> {
    const scanned = new Set(this.files.map((file) => file.path));
    const wanted = new Set(dirs);
    const out: WorkspaceFile[] = [];
    for (let i = 0; i < dirs.length; i += 64) {
      // Glob magic: `*` stays within one directory; the directory's own name is matched literally.
      const specs = dirs.slice(i, i + 64).map((dir) => `:(glob)${dir === '' ? '' : `${dir.replace(/[*?[\]\\]/g, '\\$&')}/`}*`);
      const listed = await git.run(['ls-files', '-z', '--stage', '--', ...specs]);
      const seen = new Set<string>();
      for (const line of listed.split('\0')) {
        // `<mode> <object> <stage>\t<path>`: regular files only (a symbolic link's blob is its target's name), merged ones only.
        const entry = /^(100644|100755) [0-9a-f]+ 0\t(.+)$/s.exec(line);
        const path = entry?.[2];
        if (!path || seen.has(path) || scanned.has(path) || !terraformRole(path) || !wanted.has(directoryOf(path))) continue;
        seen.add(path);
        out.push(known.get(path) ?? indexedFile(git, prefix, path, this.options.maxFileSize));
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * The scan's configuration files whose text `wanted` accepts, each read with its
   * directory's scope as a root module's (its variables' definitions files and defaults,
   * its locals, the files its file functions read), before the scan loop reaches them: for
   * the pre-passes that need a few blocks evaluated (helm_release). Problems are reported by
   * the loop. `root` is the directory relative paths start from, undefined for a directory
   * other directories call as a module (its root module is not known here).
   */
  async inputsOf(wanted: (text: string) => boolean): Promise<Array<{ path: string; input: TfInput; module: string; root: string | undefined }>> {
    const byDirectory = new Map<string, Array<{ file: WorkspaceFile; text: string }>>();
    for (const file of this.files) {
      if (terraformRole(file.path) !== 'configuration') continue;
      const text = await this.early.text(file);
      if (text === null || !wanted(text)) continue;
      const dir = directoryOf(file.path);
      byDirectory.set(dir, [...(byDirectory.get(dir) ?? []), { file, text }]);
    }
    const out: Array<{ path: string; input: TfInput; module: string; root: string | undefined }> = [];
    for (const [dir, matched] of byDirectory) {
      const sources: Array<{ path: string; text: string }> = [];
      for (const member of this.directories.get(dir)?.read ?? matched.map((m) => m.file)) {
        const text = await this.early.text(member);
        if (text !== null) sources.push({ path: member.path, text });
      }
      const scopes = new ModuleDirectories(sources, () => {}, { keepParses: false, files: await this.filesOf(sources), parses: this.parses });
      for (const { file, text } of matched) {
        try {
          const input = readTerraform(text, () => {}, scopes.scopeFor(file.path), file.path);
          if (input) out.push({ path: file.path, input, module: dir, root: this.contexts.has(dir) ? undefined : dir });
        } catch {
          continue; // a parser bug: the scan loop meets it again and reports it
        }
      }
    }
    return out;
  }

  /**
   * A wanted file's text and, for a .tf file of a module directory, what it sees of the
   * directory; for a file of a called module, one scope per context (`calls`).
   */
  async read(file: WorkspaceFile): Promise<{ text: string | null; terraform?: TfDirectoryScope; calls?: CalledAs[]; parsed?: MadeParse }> {
    const dir = terraformRole(file.path) === 'configuration' ? directoryOf(file.path) : undefined;
    const entry = dir === undefined ? undefined : this.directories.get(dir);
    if (!entry) {
      const text = await this.early.take(file);
      // A file alone in its directory that reads files: a scope of its own, for them.
      const files = dir !== undefined && text !== null && mayReadFiles(text) ? await this.fileReads.forDirectory(dir, [text]) : undefined;
      // A file alone in its directory that calls a local module was parsed for its calls: that parse, for its analysis.
      const parsed = dir !== undefined && text !== null ? this.parses.takeHeld(file.path, text) : undefined;
      if (files) return { text, terraform: loneFileScope(files, parsed && { text: text!, parsed }) };
      return parsed ? { text, parsed: { text: text!, parsed } } : { text };
    }
    if (!entry.scopes) {
      const sources: Array<{ path: string; text: string }> = [];
      for (const member of entry.read) {
        const text = await this.early.take(member);
        if (terraformRole(member.path) === 'configuration') this.ahead.set(member.path, text);
        if (text !== null) sources.push({ path: member.path, text });
      }
      entry.scopes = new ModuleDirectories(sources, this.warn, { files: await this.filesOf(sources), parses: this.parses });
    }
    const text = this.ahead.has(file.path) ? this.ahead.get(file.path)! : await this.early.take(file);
    this.ahead.delete(file.path);
    const contexts = this.contexts.get(dir!);
    if (--entry.left <= 0) {
      this.directories.delete(dir!);
      this.contexts.delete(dir!);
      // Files of the directory that the scan does not analyse (staged context) were read for it.
      for (const member of entry.read) {
        this.ahead.delete(member.path);
        if (member.path !== file.path) this.parses.release(member.path);
      }
    }
    if (text === null) return { text };
    if (contexts) return { text, calls: contexts.map((context) => ({ context, terraform: { ...entry.scopes!.scopeFor(file.path, context.arguments)!, callerUses: context.uses, ...(context.handedOn ? { handedOn: context.handedOn } : {}), ...(context.unrouted.size > 0 ? { unroutedArguments: context.unrouted } : {}) } })) };
    const terraform = entry.scopes.scopeFor(file.path);
    return terraform ? { text, terraform } : { text };
  }
}

/** The scope of a configuration file alone in its directory: nothing but the files its file functions read. */
function loneFileScope(files: ModuleFiles, made: MadeParse | undefined): TfDirectoryScope {
  let given = made;
  const takeParse = (source: string): ParsedTerraform | undefined => {
    const out = given?.text === source ? given.parsed : undefined;
    given = undefined;
    return out;
  };
  return { assigned: () => undefined, variable: () => undefined, local: () => undefined, takeParse, files };
}

/** Files of the index that name a local module source, looked through for the callers of a staged module. */
const MAX_CALLER_FILES = 500;
/** LOCAL_SOURCE of module-calls.ts as a POSIX extended regular expression, for `git grep`. */
const LOCAL_SOURCE_ERE = '(source[[:space:]]*=[[:space:]]*|"source"[[:space:]]*:[[:space:]]*)"\\.\\.?/';

/** A file of the git index, read for context only (a staged file's sibling that is not staged, or a caller of a staged module); its text is read once. */
function indexedFile(git: Git, prefix: string, path: string, maxFileSize: number | undefined): WorkspaceFile {
  const read = async () => {
    const bytes = await git.readStaged(prefix + path);
    if (maxFileSize !== undefined && bytes.length > maxFileSize) throw new Error(`${bytes.length} bytes > maxFileSize ${maxFileSize}`);
    return bytes;
  };
  let text: Promise<string | null> | undefined;
  return {
    path,
    absPath: path,
    fromIndex: true,
    read,
    text() {
      text ??= read().then(
        (bytes) => (looksBinary(bytes) ? null : decodeUtf8(bytes)),
        () => null,
      );
      return text;
    },
  };
}

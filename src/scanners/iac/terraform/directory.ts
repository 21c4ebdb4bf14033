import { AddressIndex, mentionsAddress, withLocals } from './addresses.js';
import { childExpressions, type Attribute, type Block, type Body, type Expr, type Pos } from './hcl/ast.js';
import { UNKNOWN, evaluate, type ModuleFiles } from './hcl/evaluate.js';
import { parseHcl } from './hcl/parser.js';
import { equalValues } from './hcl/value.js';
import { parseTerraformJson, readJson, type JsonValue } from './json-syntax.js';
import type { TerraformParses } from './parses.js';
import { isOverrideFile, mergeOverrides, overrideSourceOf, type MergedOverrides, type OverrideFile, type OverrideSource } from './overrides.js';
import { requiredVersions } from './provider-versions.js';

/**
 * A Terraform module is a directory: every `.tf` and `.tf.json` file in it shares one
 * namespace of variables and locals, and the variable definitions files that Terraform
 * loads by itself (`terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars`,
 * `*.auto.tfvars.json`) give values that replace the defaults. A file is still analysed
 * on its own, but a name it does not define resolves in the rest of its directory:
 *
 *   var.x:   a definitions file's value; else this file's `variable "x"`; else another file's.
 *   local.x: this file's `locals`; else another file's.
 *
 * A file's own declaration wins over another file's: in a real module a name is declared
 * once, and in a folder of unrelated examples (test cases) each file keeps its own.
 * Definitions files are context only: they get no findings, and their values are never
 * quoted in a warning (they often hold secrets). Other `*.tfvars` and `*.tfvars.json`
 * files of the directory are loaded only when passed with `-var-file` (a test's
 * `fixtures.us-east-2.tfvars`, an environment's `prod.tfvars`): whether one applies is not
 * known, so a variable one of them sets is unknown, unless each of them gives the value
 * the variable has without them.
 *
 * Local modules. A directory that other directories of the scan call by a local path
 * (`module "db" { source = "./modules/db"  storage_encrypted = false }`; the path is
 * resolved from the caller's directory, by text, and must stay inside the scan root) is
 * analysed as those calls deploy it, not with its defaults (module-calls.ts):
 *
 *   - Before the analysis, every .tf file is read once (the texts are kept for the
 *     analysis within a budget) and only those whose text may name a local source are
 *     parsed. Each call's arguments are evaluated in the caller's own scope: its file, its
 *     directory, its definitions files, and its own callers' values up a chain of at most
 *     four calls (a caller further up, or met again in a cycle, is read as a root). A call
 *     with for_each or count is read per instance (rules/instances.ts); a for_each that
 *     cannot be read leaves `each` unknown.
 *   - A called directory is analysed once per distinct set of values (a context): var.x
 *     is the call's argument, else the default; definitions files do not apply (Terraform
 *     reads them for the root module only). An argument whose value cannot be told is
 *     unknown, which no rule fires on. A directory with more than sixteen contexts is
 *     analysed once with its defaults, with a warning; so are all modules when the calls
 *     of a tree exceed the work limits. A directory without callers is read as a root.
 *   - A finding stays on the called file's line. Its message names the call ("via
 *     module.db in main.tf:1"), and each call that makes it is a related location: the
 *     argument's line when the setting reads a variable the call sets, else the module
 *     block. A rule that fires on one line in several contexts gives one finding.
 *
 * Resources in other files. Rules that look for a resource's companions (a bucket's
 * aws_s3_bucket_public_access_block, the aws_iam_policy_document a policy is made from,
 * an account-wide setting) see the resource and data blocks of the directory's other
 * configuration files too: a module is often split by concern (s3.tf, iam.tf, data.tf).
 * Findings stay on the file's own blocks. A directory where two files declare the same
 * thing (a resource address, a variable, a local, an output, a module call, a provider's
 * default configuration) is not one module (Terraform would refuse it): it is read as a
 * folder of separate examples, and each file sees only its own blocks. Override files
 * (`override.tf`, `*_override.tf`) are merged into the other files' blocks
 * (overrides.ts), and never analysed on their own.
 *
 * In a scan of staged files (the pre-commit hook), the Terraform files of the index
 * beside a staged .tf file that are not staged themselves are read, from the index, for
 * its directory's scope, and so are the callers of a staged module and the files beside
 * them (scan-modules.ts); they get no findings.
 */

export type ParsedTerraform = { body: Body; problems: Array<{ line: number; message: string }> };

/** A file's parse made before its analysis (by the scan's pre-passes, parses.ts), and the text it was made from. */
export interface MadeParse {
  text: string;
  parsed: ParsedTerraform;
}

/** Parses of Terraform texts made through parseTerraformText, for tests to count. */
export const terraformParseStats = { parses: 0 };

/**
 * A file's text in the native syntax or the JSON syntax: a file named *.tf.json is JSON
 * (one that is not valid JSON, a top-level array or a leading comment, says so, not an
 * HCL error), and a text without a name whose first character is `{` is too (an HCL body
 * never starts with `{`). An empty *.tf.json reads as an empty body.
 */
export function parseTerraformText(source: string, path?: string): ParsedTerraform {
  const json = path !== undefined && path.toLowerCase().endsWith('.tf.json') ? source.trim() !== '' : /^\s*\{/.test(source.slice(0, 4096));
  terraformParseStats.parses++;
  return json ? parseTerraformJson(source) : parseHcl(source);
}

/** What one file of a module directory sees of the rest of it. */
export interface TfDirectoryScope {
  /** The value that a variable definitions file gives `var.name`. */
  assigned(name: string): Expr | undefined;
  /** The default of `var.name` as another file of the directory declares it. */
  variable(name: string): Expr | undefined;
  /** The type constraint of `var.name` as another file of the directory declares it. */
  variableType?(name: string): Expr | undefined;
  /** For an override file: its blocks that are configuration of their own, not merged into another file's (a provider's default configuration). */
  overrideBlocks?: readonly Block[];
  /** The files of the scan its expressions may read with file functions (files.ts), read before the analysis. */
  files?: ModuleFiles;
  /** The override files merged into the directory's blocks, in name order: findings on lines of their copies move to them (overrides.ts placeOverrideFindings). */
  overrides?: readonly OverrideFile[];
  /** `local.name` as another file of the directory defines it. */
  local(name: string): Expr | undefined;
  /** The parse of this file made while the directory was read (or, with the scan's parses, before), when the file still has this text. Given once. */
  takeParse(source: string): ParsedTerraform | undefined;
  /** The resource and data blocks of the directory's other configuration files, when it reads as one module. */
  others?(): readonly OtherFile[];
  /** The text of the file an expression of `others` comes from. */
  sourceOf?(expr: Expr): string | undefined;
  /** The source text of `local.name` as another file of the directory defines it. */
  localText?(name: string): string | undefined;
  /** The resource and data blocks of all the directory's files, indexed once for all of them. */
  blocks?(): ModuleBlocks;
  /**
   * The source texts of the output and module blocks of all the directory's files (through
   * which a resource may be used beyond what its files show), or undefined when the
   * directory's files are not all read as one module.
   */
  exported?(): readonly string[] | undefined;
  /** Whether the directory is read as a module call makes it (with the call's arguments), not on its own. */
  called?: boolean;
  /** The same object for every file of the directory read in one context (as the root module, or for one set of a module call's arguments): values read in it are the same for all of them. */
  context?: object;
  /** Read as module calls make it: how every one of those calls' callers uses the module's outputs (CallerUse). */
  callerUses?: readonly CallerUse[];
  /** Read as module calls make it: the outputs that any of those calls' callers may hand on (module-calls.ts CallContext handedOn); undefined when not known. */
  handedOn?: ReadonlySet<string>;
  /** Read as module calls make it: the variables that every one of those calls gives a subnet group that cannot reach an internet gateway (module-calls.ts CallContext unrouted). */
  unroutedArguments?: ReadonlySet<string>;
  /** The version constraints that the `terraform` and `provider` blocks of the directory's files give a provider (provider-versions.ts). */
  requiredVersions?(provider: string): readonly string[];
}

/**
 * The resource and data blocks of every file of a module directory, with the references
 * between them found once for all the files' analyses: each file's rules look up the
 * same companions, and doing it per file made a directory's work grow with the square
 * of its size.
 */
export class ModuleBlocks {
  private readonly index: AddressIndex<Block>;
  private readonly known: Set<Block>;
  private readonly mentioned = new WeakMap<Expr, readonly Block[]>();
  private readonly files: readonly OtherFile[];
  private readonly fileOf = new Map<Block, OtherFile>();
  private readonly referrers = new Map<(block: Block) => readonly Attribute[], Map<Block, Set<string>>>();
  private readonly references = new Map<string, Map<Block, Block[]>>();

  /** @param localText the source text of a local of the directory, for references through locals (addresses.ts `withLocals`). */
  constructor(
    files: Iterable<OtherFile>,
    private readonly localText: (name: string) => string | undefined = () => undefined,
  ) {
    this.files = [...files];
    for (const file of this.files) for (const block of file.blocks) this.fileOf.set(block, file);
    this.known = new Set(this.fileOf.keys());
    this.index = new AddressIndex(this.known, blockAddress);
  }

  has(block: Block): boolean {
    return this.known.has(block);
  }

  /** For each block, the resource blocks of `types` (all with none) whose attribute `name` mentions it; built once per question. */
  referencesBy(types: readonly string[] | undefined, name: string): ReadonlyMap<Block, readonly Block[]> {
    const key = `${name}\0${types ? types.join('\0') : '*'}`;
    let built = this.references.get(key);
    if (!built) {
      built = new Map();
      const wanted = types ? new Set(types) : undefined;
      for (const file of this.files) {
        for (const referrer of file.blocks) {
          if (referrer.type !== 'resource' || (wanted && !wanted.has(referrer.labels[0] ?? ''))) continue;
          const a = referrer.body.attributes.findLast((x) => x.name === name);
          if (!a) continue;
          for (const target of this.mentionedBy(a.expr, textIn(file.text, a.expr))) {
            const list = built.get(target);
            if (list) list.push(referrer);
            else built.set(target, [referrer]);
          }
        }
      }
      this.references.set(key, built);
    }
    return built;
  }

  /** Whether an attribute that `pick` chooses in a block of another file than the block's own mentions it. */
  mentionedElsewhere(block: Block, pick: (block: Block) => readonly Attribute[]): boolean {
    let from = this.referrers.get(pick);
    if (!from) {
      from = new Map();
      for (const file of this.files)
        for (const referrer of file.blocks)
          for (const a of pick(referrer))
            for (const target of this.mentionedBy(a.expr, textIn(file.text, a.expr))) {
              const set = from.get(target);
              if (set) set.add(file.path);
              else from.set(target, new Set([file.path]));
            }
      this.referrers.set(pick, from);
    }
    const own = this.fileOf.get(block)?.path;
    return [...(from.get(block) ?? [])].some((path) => path !== own);
  }

  /** The blocks an expression of the directory mentions; `text` is the expression's source text. */
  mentionedBy(expr: Expr, text: string): readonly Block[] {
    let found = this.mentioned.get(expr);
    if (!found) {
      const full = withLocals(text, this.localText);
      this.mentioned.set(expr, (found = [...this.index.candidates(full)].filter((b) => mentionsAddress(full, blockAddress(b)))));
    }
    return found;
  }
}

/** A block of another file of the module directory, and the text its expressions' offsets point into. */
export interface OtherFile {
  path: string;
  text: string;
  blocks: readonly Block[];
  /** Its module calls: those of well-known registry modules make resources too (modules/registry.ts). */
  modules?: readonly Block[];
}

/** `var-file` and `var-file-json`: a definitions file that Terraform loads only when passed with `-var-file`. */
export type TerraformRole = 'configuration' | 'values' | 'values-json' | 'var-file' | 'var-file-json';

/** How Terraform reads a file of a module directory by its name, if it does. */
export function terraformRole(path: string): TerraformRole | undefined {
  const name = basename(path).toLowerCase();
  if (name.endsWith('.tf') || name.endsWith('.tf.json')) return 'configuration';
  if (name === 'terraform.tfvars' || name.endsWith('.auto.tfvars')) return 'values';
  if (name === 'terraform.tfvars.json' || name.endsWith('.auto.tfvars.json')) return 'values-json';
  if (name.endsWith('.tfvars')) return 'var-file';
  if (name.endsWith('.tfvars.json')) return 'var-file-json';
  return undefined;
}

/** A variable definitions file, loaded by Terraform by itself or passed with `-var-file`: read for values only, never analysed on its own. */
export function isVariableValuesFile(path: string): boolean {
  const role = terraformRole(path);
  return role !== undefined && role !== 'configuration';
}

/** A definitions file that Terraform loads by itself. */
function isLoadedValuesFile(path: string): boolean {
  const role = terraformRole(path);
  return role === 'values' || role === 'values-json';
}

/** Configuration files, and definitions files, of one directory read for its scope; a directory of more is read in part (hostile or generated trees). */
export const MAX_FILES_PER_DIRECTORY = 200;
/**
 * Characters of configuration in a directory whose resources are read as the other files'
 * companions. The references between the blocks are found once for the directory
 * (ModuleBlocks), and the policies' escalation actions once per context, but each file's
 * analysis still walks the other files' resources, so the work grows with the square of
 * a directory's size. Larger directories (generated code) are read file by file.
 */
export const MAX_MODULE_CHARS = 1024 * 1024;
/** The parsers' own limit: a larger file is not parsed, so it declares nothing. */
const MAX_CHARS = 4 * 1024 * 1024;
/** Whether a configuration file may declare a variable or a local: others need no parse to be read for the directory. */
const DECLARES = /^[ \t]*(?:variable|locals|terraform)\b|"(?:variable|locals|terraform)"\s*:/m;

type Warn = (warning: { path: string; line?: number; message: string }) => void;

/**
 * The files of a scan that the module directories need read: the configuration and
 * definitions files of each directory that has more than one configuration file or a
 * definitions file (a lone file needs nothing else), or that is in `also` (a module
 * that other directories call: its file sees the calls' arguments through the scope),
 * at most MAX_FILES_PER_DIRECTORY of them per directory, in path order.
 */
export function moduleDirectoryFiles(paths: readonly string[], warn: Warn, also?: ReadonlySet<string>): string[] {
  const byDirectory = new Map<string, string[]>();
  for (const path of paths) {
    if (!terraformRole(path)) continue;
    const dir = directoryOf(path);
    const list = byDirectory.get(dir);
    if (list) list.push(path);
    else byDirectory.set(dir, [path]);
  }
  const out: string[] = [];
  for (const [dir, files] of byDirectory) {
    const configurations = files.filter((p) => terraformRole(p) === 'configuration').length;
    if (configurations === 0 || (configurations === 1 && files.length === 1 && !also?.has(dir))) continue;
    const sorted = [...files].sort(byName);
    for (const values of [false, true]) {
      const some = sorted.filter((p) => isVariableValuesFile(p) === values);
      if (some.length > MAX_FILES_PER_DIRECTORY)
        warn({ path: dir === '' ? '.' : dir, message: `only the first ${MAX_FILES_PER_DIRECTORY} of ${some.length} Terraform ${values ? 'variable definitions' : 'configuration'} files of this directory are read for its variables and locals${values ? '' : ' and as the other files\' resources (a companion resource in a later file is not seen)'}` });
      out.push(...some.slice(0, MAX_FILES_PER_DIRECTORY));
    }
  }
  return out;
}

interface Declared {
  /** The default, or the local's expression; undefined for a variable declared without a default. */
  expr: Expr | undefined;
  /** A variable's type constraint. */
  type?: Expr;
  /** A variable declared `nullable = false`: a null value given to it is its default instead (Terraform 1.1+). */
  notNullable?: boolean;
  /** A local's source text. */
  text?: string;
}

/** A file of a module directory; `parsed`, when given, is its parse (or a part of it holding at least its `variable` and `locals` blocks), used instead of parsing its text again. */
export type DirectorySource = { path: string; text: string; parsed?: ParsedTerraform };

/** The values that a module call gives the variables of the module it calls, as expressions that evaluate to them. */
export type CallArguments = ReadonlyMap<string, Expr>;

/**
 * How a module call's caller uses one of its outputs: `target_bucket =
 * module.logs.s3_bucket_id` in an aws_s3_bucket_logging is { block: 'aws_s3_bucket_logging',
 * attribute: 'target_bucket', output: 's3_bucket_id' }. `block` is the resource (or data
 * source) type the reference is written in, or `module <source>` for another module call's
 * argument; `attribute` is the attribute, or the key of the object item, whose value holds it.
 */
export interface CallerUse {
  block: string;
  attribute: string;
  output: string;
}

/** The module directories of a scan, read from the files that moduleDirectoryFiles chose. */
export class ModuleDirectories {
  private readonly directories = new Map<string, ModuleDirectory>();

  /**
   * With `keepParses: false` the parses made to read declarations are not kept for the
   * analysis; `files` are the files each directory's file functions read (files.ts).
   * With the scan's `parses` (parses.ts), a file is parsed through them, and `takeParse`
   * gives a file the directory did not parse the scan's parse of it: a directory read
   * before the scan loop (`keepParses: false`) leaves its parses there for the loop, and
   * the loop's directories take them.
   */
  constructor(sources: Iterable<DirectorySource>, warn: Warn, options: { keepParses?: boolean; files?: ReadonlyMap<string, ModuleFiles>; parses?: TerraformParses } = {}) {
    const byDirectory = new Map<string, DirectorySource[]>();
    for (const source of sources) {
      if (!terraformRole(source.path)) continue;
      const dir = directoryOf(source.path);
      const list = byDirectory.get(dir);
      if (list) list.push(source);
      else byDirectory.set(dir, [source]);
    }
    for (const [dir, files] of byDirectory) this.directories.set(dir, new ModuleDirectory(files, warn, options.keepParses ?? true, options.files?.get(dir), options.parses));
  }

  /**
   * The scope that a configuration file sees of its directory; undefined when it has none
   * to see. With the arguments of a module call, the directory is read as the module that
   * call makes: `var.x` is the argument, else the default; definitions files do not apply
   * (Terraform reads them for the root module only).
   */
  scopeFor(path: string, call?: CallArguments): TfDirectoryScope | undefined {
    if (terraformRole(path) !== 'configuration') return undefined;
    return this.directories.get(directoryOf(path))?.scopeFor(path, call);
  }
}

class ModuleDirectory {
  private readonly variables = new Map<string, Declared>();
  private readonly locals = new Map<string, Declared>();
  private readonly values = new Map<string, Expr>();
  /** The values that the `-var-file` files of the directory give (in name order), by variable. */
  private readonly varFileValues = new Map<string, Expr[]>();
  /** What `var.x` is when the var-files set x: known only when each of them gives the value it has without them. */
  private readonly chosen = new Map<string, Expr>();
  private readonly parses = new Map<string, { text: string; parsed: ParsedTerraform }>();
  /** Resource and data blocks by file; emptied when two files declare one address. */
  private readonly blocks = new Map<string, OtherFile>();
  private sources?: WeakMap<Expr, string>;
  /** What each file declares (declarationsIn), to tell a module from a folder of examples. */
  private readonly declared = new Map<string, string[]>();
  private indexed?: ModuleBlocks;
  /** The blocks of override files that are configuration of their own (overrides.ts). */
  private readonly standalone = new Map<string, Block[]>();
  /** The override files merged in, in name order. */
  private overrides: readonly OverrideFile[] = [];
  private readonly readsResources: boolean;
  /** The texts of the output and module blocks of every file (TfDirectoryScope.exported), and whether they are all of them. */
  private readonly exports: string[] = [];
  private exportsComplete: boolean;
  /** The `terraform` and `provider` blocks of every file: the provider versions the module admits. */
  private readonly settings: Body = { attributes: [], blocks: [] };

  constructor(
    files: DirectorySource[],
    warn: Warn,
    private readonly keepParses: boolean,
    private readonly moduleFiles?: ModuleFiles,
    private readonly store?: TerraformParses,
  ) {
    const sorted = [...files].sort((a, b) => byName(a.path, b.path));
    const configurations = sorted.filter((f) => terraformRole(f.path) === 'configuration');
    const chars = configurations.reduce((sum, f) => sum + f.text.length, 0);
    this.readsResources = keepParses && configurations.length > 1 && chars <= MAX_MODULE_CHARS;
    if (keepParses && configurations.length > 1 && !this.readsResources)
      warn({ path: directoryOf(configurations[0]!.path) || '.', message: `this directory holds ${Math.round(chars / 1024)} KB of Terraform configuration (more than ${MAX_MODULE_CHARS / 1024} KB): each file is checked without the resources of the others, so a companion in another file (a bucket's public access block, a policy document) is not seen` });
    // With override files, every file is read: any block may be the one an override merges into.
    const overridden = configurations.some((f) => isOverrideFile(f.path));
    this.exportsComplete = keepParses && !overridden && (configurations.length === 1 || this.readsResources);
    const read: Array<{ file: DirectorySource; parsed: ParsedTerraform }> = [];
    for (const file of configurations) {
      try {
        const parsed = this.parse(file, overridden);
        if (parsed) read.push({ file, parsed });
      } catch (error) {
        // Parsers report bad input as problems; an exception is a bug, contained here.
        warn({ path: file.path, message: `could not read this file's variables and locals: ${(error as Error).message}` });
      }
    }
    if (overridden) this.mergeOverrides(read, warn);
    for (const { file, parsed } of read) {
      if (this.keepParses && !file.parsed) this.parses.set(file.path, { text: file.text, parsed });
      if (!isOverrideFile(file.path)) this.declare(file, parsed);
    }
    if (!isOneModule(this.declared)) {
      this.blocks.clear();
      this.exportsComplete = false;
    }
    // Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name; a later value replaces an earlier one.
    const rank = (path: string) => (basename(path).toLowerCase() === 'terraform.tfvars' ? 0 : basename(path).toLowerCase() === 'terraform.tfvars.json' ? 1 : 2);
    const definitions = sorted.filter((f) => isLoadedValuesFile(f.path)).sort((a, b) => rank(a.path) - rank(b.path) || byName(a.path, b.path));
    // Then the files passed with -var-file, if any is: they replace the values of those loaded by themselves.
    const varFiles = sorted.filter((f) => isVariableValuesFile(f.path) && !isLoadedValuesFile(f.path));
    for (const file of [...definitions, ...varFiles]) {
      const role = terraformRole(file.path);
      try {
        const read = role === 'values' || role === 'var-file' ? valuesOfHcl(this.parseText(file.path, file.text, parseValues)) : valuesOfJson(file.text);
        if ('problem' in read) warn({ path: file.path, line: read.line, message: `${read.problem}; its variable values are not used` });
        else if (role === 'values' || role === 'values-json') for (const [name, expr] of read.values) this.values.set(name, expr);
        else for (const [name, expr] of read.values) this.varFileValues.set(name, [...(this.varFileValues.get(name) ?? []), expr]);
      } catch (error) {
        warn({ path: file.path, message: `could not read this variable definitions file: ${(error as Error).message}` });
      }
    }
  }

  /** The value of `var.name` in the root module: a definitions file's, else undefined (the declaration's default applies). */
  private rootValue(name: string): Expr | undefined {
    const given = this.values.get(name);
    // `nullable = false`: a null a definitions file gives is the default.
    if (given?.kind === 'literal' && given.value === null && this.variables.get(name)?.notNullable) return this.variables.get(name)!.expr ?? given;
    const chosen = this.varFileValues.get(name);
    if (!chosen) return given;
    let value = this.chosen.get(name);
    if (!value) {
      // Each -var-file gives what the variable has without them (often a test's fixture repeating the default): known.
      const without = given ?? this.variables.get(name)?.expr;
      const known = without !== undefined && chosen.every((expr) => equalValues(evaluate(expr), evaluate(without)) === true);
      const first = chosen[0]!;
      value = known ? without : { kind: 'value', value: UNKNOWN, line: first.line, column: first.column, endLine: first.endLine, start: first.start, end: first.end };
      this.chosen.set(name, value);
    }
    return value === this.variables.get(name)?.expr ? undefined : value;
  }

  /** The file's parse, when the directory needs it read. */
  private parse(file: DirectorySource, all: boolean): ParsedTerraform | undefined {
    // The scan loop's directories also read every file's resources for the other files.
    if (file.text.length > MAX_CHARS || !(this.readsResources || all || DECLARES.test(file.text))) return undefined;
    return file.parsed ?? this.parseText(file.path, file.text);
  }

  /** A file's parse: from the scan's parses when given (taken by the scan loop's directories, which keep it for the analysis), else made now. */
  private parseText(path: string, text: string, parse: (text: string, path: string) => ParsedTerraform = parseTerraformText): ParsedTerraform {
    if (!this.store) return parse(text, path);
    return this.keepParses ? this.store.take(path, text, parse) : this.store.parse(path, text, parse);
  }

  /** The override files merged into the blocks of the other files (overrides.ts), when those read as one module. */
  private mergeOverrides(read: Array<{ file: DirectorySource; parsed: ParsedTerraform }>, warn: Warn): void {
    const { bodies, standalone, overrides } = withOverrides(
      read.map((r) => ({ path: r.file.path, text: r.file.text, body: r.parsed.body })),
      warn,
    );
    for (const [path, blocks] of standalone) this.standalone.set(path, blocks);
    this.overrides = overrides;
    for (const r of read) {
      const body = bodies.get(r.file.path);
      if (body && body !== r.parsed.body) r.parsed = { body, problems: r.parsed.problems };
    }
  }

  private declare(file: DirectorySource, parsed: ParsedTerraform): void {
    if (this.exportsComplete) for (const block of parsed.body.blocks) if (block.type === 'output' || block.type === 'module') this.exports.push(file.text.slice(block.start, block.end));
    if (this.readsResources) {
      const blocks = parsed.body.blocks.filter((b) => b.type === 'resource' || b.type === 'data');
      const modules = parsed.body.blocks.filter((b) => b.type === 'module');
      if (blocks.length > 0 || modules.length > 0) this.blocks.set(file.path, { path: file.path, text: file.text, blocks, ...(modules.length > 0 ? { modules } : {}) });
      this.declared.set(file.path, declarationsIn(parsed.body));
    }
    for (const block of parsed.body.blocks) {
      const name = block.labels[0];
      if (block.type === 'terraform' || block.type === 'provider') this.settings.blocks.push(block);
      else if (block.type === 'variable' && name && !this.variables.has(name)) {
        const type = block.body.attributes.findLast((a) => a.name === 'type')?.expr;
        const nullable = block.body.attributes.findLast((a) => a.name === 'nullable')?.expr;
        const notNullable = nullable?.kind === 'literal' && nullable.value === false;
        this.variables.set(name, { expr: block.body.attributes.findLast((a) => a.name === 'default')?.expr, ...(type ? { type } : {}), ...(notNullable ? { notNullable } : {}) });
      } else if (block.type === 'locals') {
        for (const a of block.body.attributes) if (!this.locals.has(a.name)) this.locals.set(a.name, { expr: a.expr, text: textIn(file.text, a.expr) });
      }
    }
  }

  scopeFor(path: string, call?: CallArguments): TfDirectoryScope {
    return {
      context: call ?? this,
      ...(call ? { called: true } : {}),
      assigned: (name) => {
        if (!call) return this.rootValue(name);
        const given = call.get(name);
        // `nullable = false`: a null the caller gives is the default.
        if (given?.kind === 'literal' && given.value === null && this.variables.get(name)?.notNullable) return this.variables.get(name)!.expr ?? given;
        return given;
      },
      // The file asks only for names it does not declare, so the first declaration is another file's.
      variable: (name) => this.variables.get(name)?.expr,
      variableType: (name) => this.variables.get(name)?.type,
      overrideBlocks: this.standalone.get(path) ?? [],
      overrides: this.overrides,
      // Called by a module call, the root module (where relative paths start) is not this directory.
      ...(this.moduleFiles ? { files: call ? { module: this.moduleFiles.module, text: this.moduleFiles.text, list: this.moduleFiles.list } : this.moduleFiles } : {}),
      local: (name) => this.locals.get(name)?.expr,
      localText: (name) => this.locals.get(name)?.text,
      takeParse: (source) => {
        const cached = this.parses.get(path);
        // A file the directory did not parse: the scan's parse of it (made now if none is held).
        if (!cached) return this.store ? this.parseText(path, source) : undefined;
        this.parses.delete(path);
        return cached.text === source ? cached.parsed : undefined;
      },
      others: () => [...this.blocks.values()].filter((file) => file.path !== path),
      blocks: () => (this.indexed ??= new ModuleBlocks(this.blocks.values(), (name) => this.locals.get(name)?.text)),
      exported: () => (this.exportsComplete ? this.exports : undefined),
      requiredVersions: (provider) => requiredVersions(this.settings, provider),
      sourceOf: (expr) => {
        if (!this.sources) {
          this.sources = new WeakMap();
          for (const file of this.blocks.values()) indexExpressions(file, this.sources);
        }
        return overrideSourceOf(expr) ?? this.sources.get(expr);
      },
    };
  }
}

/**
 * The bodies of a directory's files other than override files, with the override files
 * merged in (overrides.ts) when the files read as one module; else as they are (a folder
 * of separate examples has no one block an override merges into).
 */
export function withOverrides(files: readonly OverrideSource[], warn: Warn): MergedOverrides {
  const bases = files.filter((f) => !isOverrideFile(f.path));
  const unchanged: MergedOverrides = { bodies: new Map(bases.map((f) => [f.path, f.body])), standalone: new Map<string, Block[]>(), overrides: [] };
  if (!isOneModule(new Map(bases.map((f) => [f.path, declarationsIn(f.body)])))) return unchanged;
  try {
    return mergeOverrides(bases, files.filter((f) => isOverrideFile(f.path)), warn);
  } catch (error) {
    warn({ path: files.find((f) => isOverrideFile(f.path))?.path ?? '.', message: `could not merge this override file into the other files' blocks: ${(error as Error).message}` });
    return unchanged;
  }
}

/**
 * What a file declares that Terraform allows once per module: resources and data
 * sources, variables, locals, outputs, module calls, and a provider's default (not
 * aliased) configuration.
 */
function declarationsIn(body: Body): string[] {
  const out: string[] = [];
  for (const block of body.blocks) {
    const name = block.labels[0] ?? '';
    if (block.type === 'resource' || block.type === 'data') out.push(blockAddress(block));
    else if (block.type === 'variable' || block.type === 'output' || block.type === 'module') out.push(`${block.type} ${name}`);
    else if (block.type === 'locals') for (const a of block.body.attributes) out.push(`local ${a.name}`);
    else if (block.type === 'provider' && !block.body.attributes.some((a) => a.name === 'alias')) out.push(`provider ${name}`);
  }
  return out;
}

/**
 * Whether no file declares what another file of the directory does (Terraform refuses
 * such a module): else the directory is a folder of separate examples, each file with
 * its own provider, variables and resources.
 */
function isOneModule(declared: ReadonlyMap<string, readonly string[]>): boolean {
  const owner = new Map<string, string>();
  for (const [path, names] of declared) {
    for (const name of names) {
      const first = owner.get(name);
      if (first !== undefined && first !== path) return false;
      owner.set(name, path);
    }
  }
  return true;
}

/** The address of a resource or data block: `aws_s3_bucket.logs`, `data.aws_iam_policy_document.read`. */
export function blockAddress(block: Block): string {
  return `${block.type === 'data' ? 'data.' : ''}${block.labels[0] ?? ''}.${block.labels[1] ?? ''}`;
}

/** An expression's source text: in the file's text, or in the override file it was merged from. */
function textIn(fileText: string, expr: Expr): string {
  return (overrideSourceOf(expr) ?? fileText).slice(expr.start, expr.end);
}

/** Every expression inside the blocks, each mapped to the text its offsets point into. */
function indexExpressions(file: OtherFile, into: WeakMap<Expr, string>): void {
  const walkExpr = (e: Expr) => {
    into.set(e, file.text);
    for (const child of childExpressions(e)) walkExpr(child);
  };
  const walkBlock = (b: Block) => {
    for (const a of b.body.attributes) walkExpr(a.expr);
    for (const child of b.body.blocks) walkBlock(child);
  };
  for (const block of file.blocks) walkBlock(block);
  for (const block of file.modules ?? []) walkBlock(block);
}

type ValuesRead = { values: Map<string, Expr> } | { problem: string; line: number };

/** A `.tfvars` file's text in the native syntax (whatever its first character), for valuesOfHcl. */
function parseValues(text: string): ParsedTerraform {
  terraformParseStats.parses++;
  return parseHcl(text);
}

/** A `.tfvars` file (parseValues): attributes only, whose values are literal (no references or functions). */
function valuesOfHcl(parsed: ParsedTerraform): ValuesRead {
  // The parser's message may quote the text; a definitions file's text is not quoted anywhere.
  const first = parsed.problems[0];
  if (first) return { problem: /larger than/.test(first.message) ? 'variable definitions file too large to read' : 'invalid HCL in this variable definitions file', line: first.line };
  return { values: new Map(parsed.body.attributes.map((a) => [a.name, a.expr])) };
}

/** A `.tfvars.json` file: one object whose members are the values; its strings are literal text, not templates. */
function valuesOfJson(text: string): ValuesRead {
  if (text.length > MAX_CHARS) return { problem: 'variable definitions file too large to read', line: 1 };
  const root = readJson(text);
  if (!root) return { problem: 'invalid JSON in this variable definitions file', line: jsonErrorLine(text) };
  if (root.kind !== 'object') return { problem: 'a JSON variable definitions file holds an object at the top level', line: root.line };
  const values = new Map<string, Expr>();
  for (const member of root.members) if (member.key !== '//') values.set(member.key, constant(member.value));
  return { values };
}

/** A JSON value as an expression that evaluates to it. */
function constant(value: JsonValue): Expr {
  const where: Pos = { line: value.line, column: 1, endLine: value.line, start: value.start, end: value.end };
  switch (value.kind) {
    case 'array':
      return { kind: 'tuple', items: value.items.map(constant), ...where };
    case 'object':
      return {
        kind: 'object',
        items: value.members.map((m) => ({ keyName: m.key, key: { kind: 'literal', value: m.key, ...where }, value: constant(m.value), ...where })),
        ...where,
      };
    default:
      return { kind: 'literal', value: value.value, ...where };
  }
}

/** The line of the first JSON syntax error, from the position the built-in parser reports (1 when it names none). */
function jsonErrorLine(text: string): number {
  try {
    JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message);
    const offset = at ? Number(at[1]) : /end of JSON input/.test((error as Error).message) ? text.length : 0;
    return (text.slice(0, offset).match(/\n/g)?.length ?? 0) + 1;
  }
  return 1;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The directory part of a scan-relative path ('' at the root). */
export function directoryOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

/** Byte order, as Terraform sorts file names. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

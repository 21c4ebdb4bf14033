import { createHash } from 'node:crypto';
import { severityRank, type Location, type ScannerFinding } from '../../../core/finding.js';
import { childExpressions, type Block, type Body, type Expr, type Pos } from './hcl/ast.js';
import { EMPTY_SCOPE, UNKNOWN, evaluate, type Scope, type Value } from './hcl/evaluate.js';
import type { CallArguments, CallerUse, TfDirectoryScope } from './directory.js';
import { attribute, fileScope, isNotCreated } from './model.js';
import { instancesOf, type Instance } from './rules/instances.js';
import { OVERRIDE_BAND } from './overrides.js';
import type { CallSuppression } from './call-suppressions.js';
import { unroutedArguments } from './vpc-subnet-groups.js';

/**
 * Calls of local modules (`module "db" { source = "./modules/db" ... }`) and the values
 * they give the called module's variables: each call's arguments are evaluated in the
 * caller's own scope (its variables, locals, definitions files, and the arguments of its
 * own callers), once per instance of a for_each or count, and each distinct set of values
 * is a context in which the called directory is analysed (directory.ts describes the
 * whole). Values that cannot be told stay unknown: a rule never fires on them.
 *
 * Bounds, so that hostile or generated trees stay cheap: a chain of calls is followed
 * MAX_CHAIN calls up (a caller further up, or one met again in a cycle, is read as a
 * root module). A directory is analysed once per context, so the work is its size times
 * its contexts: one read in more contexts than MAX_CONTEXTS, or than fit in
 * MAX_DIRECTORY_WORK characters analysed, or whose contexts would take the scan past
 * MAX_TOTAL_WORK characters analysed in contexts, is read once with its defaults, with
 * a warning. (A module repository's examples call its root module dozens of times.)
 * Past MAX_CALLS calls, MAX_EVALUATIONS evaluations of a call or MAX_STEPS evaluation
 * steps in all, the remaining modules are read with their defaults, with one warning.
 */

export const MAX_CHAIN = 4;
export const MAX_CONTEXTS = 256;
/**
 * Characters of a directory's configuration files times its contexts: 16 contexts of the
 * largest directory read as one module (1 MB). Analysis reads some 2 to 4 MB a second;
 * the module repositories of terraform-aws-modules need at most 4.3 million in all.
 */
export const MAX_DIRECTORY_WORK = 16_000_000;
/** The same, summed over the called directories of the scan. */
export const MAX_TOTAL_WORK = 32_000_000;
export const MAX_CALLS = 10_000;
const MAX_EVALUATIONS = 20_000;
const MAX_STEPS = 2_000_000;
const STEPS_PER_ARGUMENT = 20_000;
/** Calls kept per context to name in messages and related locations (the rest are counted). */
export const MAX_ORIGINS = 32;
const MAX_RELATED = 8;
/** Module block arguments that are not variables of the module. */
const META_ARGUMENTS = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

/** Cheap test on a file's text, before any parse: whether it may call a module by a local path (native or JSON syntax). */
const LOCAL_SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"\.\.?\//;

export function mayCallLocalModule(text: string): boolean {
  return LOCAL_SOURCE.test(text) && /\bmodule\b/.test(text);
}

/**
 * The directory, relative to the scan root, that a local source names from the caller's
 * directory; undefined for other sources and for paths that leave the scan root.
 * Resolved by text, as Terraform cleans the path: nothing on disk is looked at.
 */
export function resolveLocalSource(fromDir: string, source: string): string | undefined {
  if (!/^\.\.?\//.test(source) || source.length > 4096 || /[\\\0?#]/.test(source)) return undefined;
  const parts = fromDir === '' ? [] : fromDir.split('/');
  for (const part of source.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.length === 0) return undefined;
    else parts.pop();
  }
  return parts.join('/');
}

/** A module block of a file that calls a directory of the scan by a local path. */
export interface LocalCall {
  /** The caller file and its directory. */
  path: string;
  dir: string;
  /** The module's name (its label) and the line of its block. */
  name: string;
  line: number;
  /** The called directory. */
  target: string;
  block: Block;
  /** How the caller's directory uses the call's outputs (callerUses), when it was read. */
  uses?: readonly CallerUse[];
  /** The outputs of the call that the caller's directory names (outputMentions), when it was read. */
  mentioned?: OutputMentions;
  /** The suppressions written on the call, for what it makes in the module (call-suppressions.ts). */
  suppressions?: readonly CallSuppression[];
  /** The arguments that pass on a subnet group of the caller's file that cannot reach an internet gateway (vpc-subnet-groups.ts). */
  unrouted?: readonly string[];
}

/**
 * The local module calls of a parsed file: module blocks whose `source` is a literal
 * local path to another directory that holds configuration files of the scan. Other
 * sources (registries, git, absolute paths, paths out of the scan root, directories the
 * scan does not hold, the caller's own directory) are left alone, without a warning.
 */
export function localCalls(path: string, dir: string, body: Body, isModuleDirectory: (dir: string) => boolean): LocalCall[] {
  const out: LocalCall[] = [];
  for (const block of body.blocks) {
    const name = block.labels[0];
    if (block.type !== 'module' || !name) continue;
    const source = evaluate(attribute(block, 'source')?.expr, EMPTY_SCOPE);
    if (typeof source !== 'string') continue;
    const target = resolveLocalSource(dir, source);
    if (target === undefined || target === dir || !isModuleDirectory(target)) continue;
    const unrouted = unroutedArguments(block, body);
    out.push({ path, dir, name, line: block.line, target, block, ...(unrouted.length > 0 ? { unrouted } : {}) });
  }
  return out;
}

/** Uses of one call's outputs kept, at most. */
const MAX_USES = 256;

/**
 * How the blocks of a caller's directory (its parsed files, with their texts) use the
 * outputs of a call (`module.<name>.<output>`, of any of its instances), outside the call
 * itself: in which resource, data source or module call, and as the value of which
 * attribute or object key (CallerUse). Read from the text of each value: a reference
 * through a local or a variable is not seen.
 */
export function callerUses(files: ReadonlyArray<{ body: Body; text: string }>, call: LocalCall): CallerUse[] {
  const out: CallerUse[] = [];
  const reference = new RegExp(`(?<![\\w.-])module\\.${call.name.replace(/[^\w-]/g, '')}(?:\\[[^\\]\\n]*\\])?\\.([A-Za-z_][\\w-]*)`, 'g');
  const add = (use: CallerUse) => {
    if (out.length < MAX_USES && !out.some((u) => u.block === use.block && u.attribute === use.attribute && u.output === use.output)) out.push(use);
  };
  for (const { body, text } of files) {
    if (!text.includes(`module.${call.name}`)) continue;
    const walkExpr = (kind: string, key: string, expr: Expr, depth: number): void => {
      if (depth > 16) return;
      if (expr.kind === 'object') {
        for (const item of expr.items) walkExpr(kind, item.keyName ?? key, item.value, depth + 1);
        return;
      }
      if (expr.kind === 'tuple') {
        for (const item of expr.items) walkExpr(kind, key, item, depth + 1);
        return;
      }
      for (const m of text.slice(expr.start, expr.end).matchAll(reference)) add({ block: kind, attribute: key, output: m[1]! });
    };
    const walkBody = (kind: string, inner: Body, depth: number): void => {
      if (depth > 16) return;
      for (const a of inner.attributes) walkExpr(kind, a.name, a.expr, 0);
      for (const child of inner.blocks) walkBody(kind, child.body, depth + 1);
    };
    for (const block of body.blocks) {
      if (block === call.block) continue;
      let kind: string | undefined;
      if ((block.type === 'resource' || block.type === 'data') && block.labels[0]) kind = block.labels[0];
      else if (block.type === 'module') {
        const source = evaluate(attribute(block, 'source')?.expr, EMPTY_SCOPE);
        kind = `module ${typeof source === 'string' ? source : ''}`;
      }
      if (kind !== undefined) walkBody(kind, block.body, 0);
    }
  }
  return out;
}

/** The outputs of a call that its caller's directory names: in its own output blocks, and anywhere else. */
export interface OutputMentions {
  outputs: ReadonlySet<string>;
  elsewhere: ReadonlySet<string>;
}

/**
 * Which outputs of a call (`module.<name>.<output>`, of any of its instances) the blocks of
 * its caller's directory name, other than the call itself: undefined when one names the
 * call as a whole (`value = module.<name>`), which hands on every output.
 */
export function outputMentions(files: ReadonlyArray<{ body: Body; text: string }>, call: LocalCall): OutputMentions | undefined {
  const outputs = new Set<string>();
  const elsewhere = new Set<string>();
  const reference = new RegExp(`(?<![\\w.-])module\\.${call.name.replace(/[^\w-]/g, '')}(?![\\w-])(?:\\[[^\\]\\n]*\\])?(?:\\.([A-Za-z_][\\w-]*))?`, 'g');
  for (const { body, text } of files) {
    if (!text.includes(`module.${call.name}`)) continue;
    for (const block of body.blocks) {
      if (block === call.block) continue;
      for (const m of text.slice(block.start, block.end).matchAll(reference)) {
        if (m[1] === undefined) return undefined;
        (block.type === 'output' ? outputs : elsewhere).add(m[1]);
      }
    }
  }
  return { outputs, elsewhere };
}

/**
 * The resource attributes of a module directory's files set to a variable as a whole
 * (`vpc_id = var.vpc_id`): by variable name, the resource types and attributes it sets.
 */
export function variableWrites(bodies: Iterable<Body>): Map<string, Array<{ type: string; attribute: string }>> {
  const out = new Map<string, Array<{ type: string; attribute: string }>>();
  for (const body of bodies) {
    for (const block of body.blocks) {
      const type = block.labels[0];
      if (block.type !== 'resource' || !type) continue;
      for (const a of block.body.attributes) {
        const e = a.expr;
        if (e.kind !== 'traversal' || e.source || e.path.length !== 2 || e.path[0] !== 'var') continue;
        const list = out.get(e.path[1]!) ?? [];
        if (list.length < MAX_USES) list.push({ type, attribute: a.name });
        out.set(e.path[1]!, list);
      }
    }
  }
  return out;
}

/**
 * The uses an output has once given to a local module that writes the argument into a
 * resource as is (`vpc_id = module.vpc.vpc_id` to a module whose aws_flow_log has
 * `vpc_id = var.vpc_id` is a use in aws_flow_log's vpc_id): one call down, added to `uses`.
 */
export function forwardedUses(uses: readonly CallerUse[], writesOf: (source: string) => ReadonlyMap<string, ReadonlyArray<{ type: string; attribute: string }>> | undefined): CallerUse[] {
  const out = [...uses];
  for (const use of uses) {
    const source = /^module (\.\.?\/.*)$/.exec(use.block)?.[1];
    const writes = source === undefined ? undefined : writesOf(source)?.get(use.attribute);
    for (const w of writes ?? []) {
      if (out.length < MAX_USES && !out.some((u) => u.block === w.type && u.attribute === w.attribute && u.output === use.output)) out.push({ block: w.type, attribute: w.attribute, output: use.output });
    }
  }
  return out;
}

/** What a caller file's calls need of its parse once the calls are found: its `variable` and `locals` blocks. */
export function declarationsOf(body: Body): Body {
  return { attributes: [], blocks: body.blocks.filter((b) => b.type === 'variable' || b.type === 'locals') };
}

/** The outputs of a call its caller may hand on: outputs of the caller reach its own callers only when it is called. */
function handedOn(call: LocalCall, callerCalled: boolean): ReadonlySet<string> | undefined {
  if (!call.mentioned) return undefined;
  return callerCalled ? new Set([...call.mentioned.elsewhere, ...call.mentioned.outputs]) : call.mentioned.elsewhere;
}

/** One module call (one instance of it) that gives a context its values. */
export interface CallOrigin {
  call: LocalCall;
  /** The instance's address as Terraform writes it, from the outermost caller read: `module.app.module.db["eu"]`. */
  address: string;
  /** The call of the caller's own module that gave the values this call was read with, when the caller is itself called. */
  parent?: CallOrigin;
  /** The context of the caller's own module that this call was read in (all its calls), when the caller is itself called. */
  within?: CallContext;
}

/** A set of values that one or more calls give a module's variables. */
export interface CallContext {
  values: ReadonlyMap<string, Value>;
  /** The values as expressions, for the directory scope (directory.ts). */
  arguments: CallArguments;
  /** The calls that give these values, the first MAX_ORIGINS of them. */
  origins: CallOrigin[];
  /** How many module instances get these values in all (an instance of a caller that is itself called twice counts twice). */
  calls: number;
  /** The uses of the module's outputs that the callers of every one of these calls make (CallerUse). */
  uses: readonly CallerUse[];
  /**
   * The outputs that the callers of any of these calls may hand on (OutputMentions: named outside
   * their output blocks, or in them too when the caller is itself called), or undefined when a
   * caller's directory was not read or names a call as a whole.
   */
  handedOn: ReadonlySet<string> | undefined;
  /**
   * The variables that every one of these calls gives a subnet group that cannot reach an internet
   * gateway (LocalCall unrouted, or the caller's own such variable passed on as is): their values are
   * unknown, and this is what is known of them. Calls that differ in it give different contexts.
   */
  unrouted: ReadonlySet<string>;
}

/** How the caller of a call sees its own directory: with its own call's arguments, or as a root (`call` undefined). */
export type CallerDirectory = (path: string, call: CallArguments | undefined) => TfDirectoryScope | undefined;

type Warn = (warning: { path?: string; line?: number; message: string }) => void;

/** The contexts of the called directories of a scan, from its local calls. */
export class LocalModuleCalls {
  private readonly incoming = new Map<string, LocalCall[]>();
  /** Contexts of a directory at a depth (`depth\0dir`), or null when it is read with its defaults. */
  private readonly memo = new Map<string, CallContext[] | null>();
  /** Directories warned about (too many contexts). */
  private readonly warned = new Set<string>();
  private evaluations = 0;
  private steps = MAX_STEPS;
  private exhausted = false;
  /** Characters analysed in contexts so far (contextsOf). */
  private work = 0;

  /**
   * @param calls the local calls of the scan (at most MAX_CALLS are read; the caller of this class warns about more).
   * @param declarations each caller file's `variable` and `locals` blocks (declarationsOf).
   * @param sizeOf the characters of a directory's configuration files, analysed once per context.
   */
  constructor(
    calls: readonly LocalCall[],
    private readonly declarations: ReadonlyMap<string, Body>,
    private readonly callerDirectory: CallerDirectory,
    private readonly warn: Warn,
    private readonly sizeOf: (dir: string) => number = () => 0,
  ) {
    for (const call of calls) {
      const list = this.incoming.get(call.target);
      if (list) list.push(call);
      else this.incoming.set(call.target, [call]);
    }
    for (const list of this.incoming.values()) list.sort((a, b) => compare(a.path, b.path) || a.line - b.line);
  }

  /** The directories that some call names. */
  targets(): string[] {
    return [...this.incoming.keys()].sort(compare);
  }

  /**
   * The contexts a directory is analysed in: one per distinct set of values its calls
   * give; undefined to analyse it with its defaults (no calls, or too many contexts).
   * Asked once per directory: the contexts given count against MAX_TOTAL_WORK.
   */
  contextsOf(dir: string): CallContext[] | undefined {
    const result = this.contexts(dir, 0, new Set()).result ?? undefined;
    if (!result) return undefined;
    const work = result.length * Math.max(this.sizeOf(dir), 1);
    if (this.work + work > MAX_TOTAL_WORK) {
      this.tooMany(dir, `this module is called with ${result.length} different set${result.length === 1 ? '' : 's'} of argument values, which would take the analysis of called modules past ${MAX_TOTAL_WORK / 1e6} million characters`);
      return undefined;
    }
    this.work += work;
    return result;
  }

  /** How many contexts a directory can be analysed in: MAX_CONTEXTS, fewer for a large directory (MAX_DIRECTORY_WORK). */
  private limitOf(dir: string): number {
    return Math.max(1, Math.min(MAX_CONTEXTS, Math.floor(MAX_DIRECTORY_WORK / Math.max(this.sizeOf(dir), 1))));
  }

  private tooMany(dir: string, why: string): void {
    if (this.warned.has(dir)) return;
    this.warned.add(dir);
    this.warn({ path: dir === '' ? '.' : dir, message: `${why}; its files are analysed once, with the defaults of its variables` });
  }

  /**
   * The contexts of `dir` read `depth` calls below the directory asked about: its calls
   * are followed MAX_CHAIN - depth calls up. A result depends only on the directory and
   * the depth, and is kept, unless a cycle cut it (that depends on the walk's path).
   */
  private contexts(dir: string, depth: number, stack: Set<string>): { result: CallContext[] | null; cut: boolean } {
    const incoming = this.incoming.get(dir);
    // No caller, too far up the chain, or met again (a cycle, which Terraform refuses): read as a root.
    if (!incoming || depth >= MAX_CHAIN) return { result: null, cut: false };
    if (stack.has(dir)) return { result: null, cut: true };
    const memo = `${depth}\0${dir}`;
    const known = this.memo.get(memo);
    if (known !== undefined) return { result: known, cut: false };
    if (this.exhausted) return this.remember(memo, null);
    stack.add(dir);
    let cut = false;
    const found = new Map<string, CallContext>();
    let overflow = false;
    const limit = this.limitOf(dir);
    calls: for (const call of incoming) {
      const parents = this.contexts(call.dir, depth + 1, stack);
      cut ||= parents.cut;
      for (const parent of parents.result ?? [undefined]) {
        if (this.exhausted || this.evaluations++ >= MAX_EVALUATIONS) {
          this.exhaust();
          break calls;
        }
        // Each instance of the caller (each call that gives the parent context) makes an instance of this call.
        const callers = parent?.calls ?? 1;
        for (const made of this.instances(call, parent)) {
          const same = found.get(made.key);
          if (same) {
            same.calls += callers;
            same.uses = same.uses.filter((u) => call.uses?.some((v) => v.block === u.block && v.attribute === u.attribute && v.output === u.output));
            // A caller read as a root because its own calls are too far up is called all the same.
            const more = handedOn(call, this.incoming.has(call.dir));
            same.handedOn = same.handedOn && more ? new Set([...same.handedOn, ...more]) : undefined;
            if (same.origins.length < MAX_ORIGINS) same.origins.push(made.origin);
            continue;
          }
          found.set(made.key, { values: made.values, arguments: argumentsOf(made.values, call.block), origins: [made.origin], calls: callers, uses: call.uses ?? [], handedOn: handedOn(call, this.incoming.has(call.dir)), unrouted: made.unrouted });
          if (found.size > limit) {
            overflow = true;
            break calls;
          }
        }
      }
    }
    stack.delete(dir);
    if (this.exhausted) return this.remember(memo, null);
    if (overflow) {
      const large = limit < MAX_CONTEXTS ? ` (at most ${limit} are analysed for its ${this.sizeOf(dir)} characters of configuration)` : '';
      this.tooMany(dir, `this module is called with more than ${limit} different sets of argument values${large}`);
      return this.remember(memo, null);
    }
    const result = [...found.values()];
    return cut ? { result, cut } : this.remember(memo, result);
  }

  private remember(key: string, result: CallContext[] | null): { result: CallContext[] | null; cut: boolean } {
    this.memo.set(key, result);
    return { result, cut: false };
  }

  private exhaust(): void {
    if (this.exhausted) return;
    this.exhausted = true;
    this.warn({ message: 'too many local module calls to follow: the modules not yet read are analysed with the defaults of their variables' });
  }

  /** The values each instance of a call gives, evaluated in the caller's scope (with `parent`, the caller's own call's values). */
  private instances(call: LocalCall, parent: CallContext | undefined): Array<{ key: string; values: Map<string, Value>; origin: CallOrigin; unrouted: ReadonlySet<string> }> {
    const declarations = this.declarations.get(call.path) ?? { attributes: [], blocks: [] };
    const scope = fileScope(declarations, this.callerDirectory(call.path, parent?.arguments));
    const root: Instance = { scope, names: [], values: new Map(), budget: { left: 4096, steps: 200_000 } };
    // The for_each or count read within this class's budget: instancesOf finds the value kept in the instance.
    for (const name of ['for_each', 'count']) {
      const expr = attribute(call.block, name)?.expr;
      if (expr) root.values.set(expr, this.evaluate(expr, scope));
    }
    // `for_each = var.items` left at {} (a wrapper read as a root) or `count = 0`: no instance, no values.
    if (isNotCreated(call.block, (expr) => root.values.get(expr) ?? UNKNOWN)) return [];
    const prefix = parent?.origins[0] ? `${parent.origins[0].address}.` : '';
    const out: Array<{ key: string; values: Map<string, Value>; origin: CallOrigin; unrouted: ReadonlySet<string> }> = [];
    // A caller's own variable that its callers give such a subnet group, passed on as is (`var.db_subnet_group_name`), is one too.
    const unrouted = new Set(call.unrouted ?? []);
    for (const a of call.block.body.attributes) {
      const path = a.expr.kind === 'traversal' && !a.expr.source ? a.expr.path : [];
      if (path.length === 2 && path[0] === 'var' && parent?.unrouted.has(path[1]!)) unrouted.add(a.name);
    }
    const mark = unrouted.size > 0 ? `\0unrouted\0${[...unrouted].sort(compare).join('\0')}` : '';
    for (const instance of instancesOf(call.block, root)) {
      const values = new Map<string, Value>();
      for (const a of call.block.body.attributes) if (!META_ARGUMENTS.has(a.name)) values.set(a.name, this.evaluate(a.expr, instance.scope));
      const origin: CallOrigin = { call, address: `${prefix}module.${call.name}${instanceKey(instance)}`, ...(parent?.origins[0] ? { parent: parent.origins[0], within: parent } : {}) };
      out.push({ key: keyOf(values) + mark, values, origin, unrouted });
    }
    return out;
  }

  private evaluate(expr: Expr, scope: Scope): Value {
    if (this.steps <= 0) {
      this.exhaust();
      return UNKNOWN;
    }
    const budget = { steps: Math.min(STEPS_PER_ARGUMENT, this.steps) };
    const given = budget.steps;
    const value = evaluate(expr, scope, budget);
    this.steps -= given - Math.max(budget.steps, 0);
    return value;
  }
}

/** `["eu"]` or `[2]` for an instance of a for_each or count, '' otherwise. */
function instanceKey(instance: Instance): string {
  const each = instance.scope.bound?.('each');
  const count = instance.scope.bound?.('count');
  const key = isRecord(each) ? each.key : isRecord(count) ? count.index : undefined;
  if (typeof key === 'number') return `[${key}]`;
  if (typeof key === 'string') return `[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}...` : key)}]`;
  return '';
}

function isRecord(value: Value | undefined): value is { [key: string]: Value } {
  return value !== undefined && value !== null && value !== UNKNOWN && typeof value === 'object' && !Array.isArray(value);
}

/** A key of a set of values: equal values give the same key (unknown values are equal to each other). */
function keyOf(values: ReadonlyMap<string, Value>): string {
  const hash = createHash('sha256');
  for (const name of [...values.keys()].sort(compare)) {
    const text = JSON.stringify(values.get(name), (_key, v: unknown) => (v === UNKNOWN ? { '\0unknown': true } : v)) ?? '';
    hash.update(name).update('\0').update(text).update('\0');
  }
  return hash.digest('hex');
}

/** The values of a call as expressions that evaluate to them (with no source text: rules that read the text see none). */
function argumentsOf(values: ReadonlyMap<string, Value>, block: Block): CallArguments {
  const out = new Map<string, Expr>();
  for (const [name, value] of values) out.set(name, constantOf(value, attribute(block, name) ?? block));
  return out;
}

/** An expression that evaluates to `value`; an unknown value is a reference to nothing, which evaluates to unknown. */
export function constantOf(value: Value, at: Pos): Expr {
  const where: Pos = { line: at.line, column: at.column, endLine: at.line, start: 0, end: 0 };
  if (value === UNKNOWN) return { kind: 'traversal', path: ['<unknown>'], ...where };
  if (Array.isArray(value)) return { kind: 'tuple', items: value.map((v) => constantOf(v, at)), ...where };
  if (value !== null && typeof value === 'object')
    return {
      kind: 'object',
      items: Object.entries(value).map(([key, v]) => ({ keyName: key, key: { kind: 'literal', value: key, ...where }, value: constantOf(v, at), ...where })),
      ...where,
    };
  return { kind: 'literal', value, ...where };
}

/**
 * The variables that the settings on `lines` of a file read, directly or through its
 * locals, in the order they are met: a finding there may owe its value to them. A
 * setting inside a block with a for_each (a resource, a dynamic block) also reads that
 * for_each's variables, unless `settingsOnly` (then only a finding on a block's own line,
 * a missing setting's, reads them).
 */
export function variablesOnLines(body: Body, lines: readonly number[], scope: Scope, settingsOnly = false): string[] {
  const roots: Expr[] = [];
  const visit = (blocks: readonly Block[], enclosing: readonly Expr[]) => {
    for (const block of blocks) {
      const iteration = ['for_each', 'count'].map((n) => attribute(block, n)?.expr).filter((e): e is Expr => e !== undefined);
      const inside = [...enclosing, ...iteration];
      const here = block.body.attributes.filter((a) => lines.some((l) => a.line <= l && l <= a.endLine));
      for (const a of here) {
        if (lines.includes(a.line)) roots.push(a.expr);
        else roots.push(...itemsOnLines(a.expr, lines));
      }
      if ((here.length > 0 && !settingsOnly) || lines.includes(block.line)) roots.push(...inside);
      visit(block.body.blocks, inside);
    }
  };
  visit(body.blocks, []);
  const names: string[] = [];
  const seenLocals = new Set<string>();
  const stack = [...roots].reverse();
  let budget = 10_000;
  while (stack.length > 0 && budget-- > 0) {
    const e = stack.pop()!;
    const children = childExpressions(e);
    if (e.kind === 'traversal' && !e.source) {
      if (e.path[0] === 'var' && e.path[1] && !names.includes(e.path[1])) names.push(e.path[1]);
      else if (e.path[0] === 'local' && e.path[1] && !seenLocals.has(e.path[1])) {
        seenLocals.add(e.path[1]);
        const defined = scope.local(e.path[1]);
        if (defined) children.push(defined);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return names;
}

/** The values of the object entries (`cidr_blocks = ...` inside `ingress = [{ ... }]`) that start on one of `lines`. */
function itemsOnLines(expr: Expr, lines: readonly number[]): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [expr];
  let budget = 10_000;
  while (stack.length > 0 && budget-- > 0) {
    const e = stack.pop()!;
    if (e.kind === 'tuple') stack.push(...e.items);
    else if (e.kind === 'object') for (const item of e.items) (lines.includes(item.line) ? out : stack).push(item.value);
    else if (e.kind === 'paren') stack.push(e.expr);
  }
  return out;
}

/** The findings of one analysis of a called file, and the context it was analysed in. */
export interface ContextRun {
  context: CallContext;
  findings: readonly ScannerFinding[];
}

/**
 * One list of findings from the analyses of a file in each of its contexts. A rule that
 * fires on the same line (and inner line) in several contexts gives one finding, which
 * names every call that makes it: its message says which call ("via module.db in
 * main.tf:12 and 1 other module call"), and each call is a related location: the
 * caller's argument line when the finding's setting reads a variable that the call sets,
 * else the module block. The finding is the first context's, unless a later context's
 * finding on that line is more severe: then that one, with its call named first (one
 * module rule opening port 445 to the internet for one caller and 5984 for the others
 * is reported as the 445 it is, critical). A call that suppresses the finding on its
 * module block (`suppressionOf`, call-suppressions.ts) takes no part in it: the calls
 * that suppress it make a finding of their own, reported as suppressed, and the finding
 * of the others is merged from theirs alone (its severity the worst of theirs).
 */
export function mergeContextFindings(
  runs: readonly ContextRun[],
  variablesAt: (lines: readonly number[]) => VariablesRead,
  suppressionOf?: (finding: ScannerFinding, origin: CallOrigin) => string | undefined,
): ScannerFinding[] {
  interface Entry {
    finding: ScannerFinding;
    /** Each call once, with its related location (and, for a suppressed finding, what suppresses it for that call). */
    origins: Map<string, { origin: CallOrigin; related: Location[]; justification?: string }>;
    calls: number;
  }
  /** The calls of a context that make a finding, and how many module instances they stand for. */
  interface Part {
    origins: readonly CallOrigin[];
    calls: number;
    justifications?: ReadonlyMap<CallOrigin, string>;
  }
  interface Merged {
    entries: Entry[];
    groups: Map<string, { run: number; entries: Entry[] }>;
  }
  const add = (entry: Entry, finding: ScannerFinding, part: Part) => {
    const lines = [finding.location.startLine, ...(finding.location.endLine !== undefined ? [finding.location.endLine] : [])];
    const read = variablesAt(lines);
    for (const origin of part.origins) {
      const id = `${origin.call.path}\0${origin.call.line}\0${origin.address}`;
      const justification = part.justifications?.get(origin);
      if (!entry.origins.has(id)) entry.origins.set(id, { origin, related: relatedOf(origin, read), ...(justification !== undefined ? { justification } : {}) });
    }
    entry.calls += part.calls;
  };
  const place = (merged: Merged, index: number, finding: ScannerFinding, part: Part) => {
    const key = `${finding.ruleId}\0${finding.location.startLine}\0${finding.location.endLine ?? ''}\0${finding.location.startColumn ?? ''}`;
    const group = merged.groups.get(key);
    if (group && group.run !== index) {
      const only = group.entries.length === 1 ? group.entries[0]! : undefined;
      if (only && severityRank(finding.severity) > severityRank(only.finding.severity)) {
        const before = [...only.origins];
        only.origins.clear();
        only.finding = finding;
        add(only, finding, part);
        for (const [id, origin] of before) if (!only.origins.has(id)) only.origins.set(id, origin);
        return;
      }
      for (const entry of group.entries) add(entry, finding, part);
      return;
    }
    const entry: Entry = { finding, origins: new Map(), calls: 0 };
    add(entry, finding, part);
    merged.entries.push(entry);
    if (group) group.entries.push(entry);
    else merged.groups.set(key, { run: index, entries: [entry] });
  };
  // A call's suppression (call-suppressions.ts) moves its part of a finding to a finding of its own, reported as suppressed.
  const split = (context: CallContext, finding: ScannerFinding): { open?: Part; suppressed?: Part } => {
    const whole = { open: { origins: context.origins, calls: context.calls } };
    if (!suppressionOf || finding.inSourceSuppression !== undefined) return whole;
    const kept: CallOrigin[] = [];
    const justifications = new Map<CallOrigin, string>();
    let weight = 0;
    for (const origin of context.origins) {
      const justification = suppressionOf(finding, origin);
      if (justification === undefined) kept.push(origin);
      else {
        justifications.set(origin, justification);
        weight += origin.within?.calls ?? 1;
      }
    }
    const left = context.calls - weight;
    // Instances counted past the named calls are not known to be suppressed; with no call left to name them by, the finding stays whole.
    if (justifications.size === 0 || (left > 0 && kept.length === 0)) return whole;
    const suppressed: Part = { origins: [...justifications.keys()], calls: weight, justifications };
    return left > 0 ? { open: { origins: kept, calls: left }, suppressed } : { suppressed };
  };
  const open: Merged = { entries: [], groups: new Map() };
  const suppressed: Merged = { entries: [], groups: new Map() };
  runs.forEach((run, index) => {
    for (const finding of run.findings) {
      const parts = split(run.context, finding);
      if (parts.open) place(open, index, finding, parts.open);
      if (parts.suppressed) place(suppressed, index, finding, parts.suppressed);
    }
  });
  const named = ({ finding, origins, calls }: Entry): ScannerFinding => {
    const named = [...origins.values()];
    const first = named[0];
    if (!first) return finding;
    const others = Math.max(calls, named.length) - 1;
    const via = `via ${first.origin.address} in ${first.origin.call.path}:${first.origin.call.line}${others > 0 ? ` and ${others} other module call${others === 1 ? '' : 's'}` : ''}`;
    const related = new Map<string, Location>();
    for (const { related: places } of named) for (const at of places) if (!related.has(`${at.path}:${at.startLine}`)) related.set(`${at.path}:${at.startLine}`, at);
    return { ...finding, message: `${finding.message} (${via})`, related: [...(finding.related ?? []), ...[...related.values()].slice(0, MAX_RELATED)] };
  };
  // The suppressed findings come after the open ones: an open finding on the same line keeps its fingerprint.
  return [
    ...open.entries.map(named),
    ...suppressed.entries.map((entry) => {
      const justification = [...entry.origins.values()][0]?.justification;
      return justification === undefined ? named(entry) : { ...named(entry), inSourceSuppression: justification };
    }),
  ];
}

/** The variables a finding's lines read: those of its settings, and those with the for_each or count of the blocks around them too. */
export interface VariablesRead {
  settings: readonly string[];
  all: readonly string[];
}

/**
 * Where a call's part in a finding is: the arguments that set a variable the finding's
 * setting reads (each of them: `var.blue_green ? 1 : var.retention` is decided by both,
 * and the first alone may be one the callers leave unset), or, when the call sets none,
 * one that the for_each or count around the setting reads; and, when such an argument
 * passes on a variable of the caller's own module (`encrypted = var.encrypted`), the
 * argument of the call above that sets it, up the chain; or, without such an argument,
 * the module block.
 */
function relatedOf(origin: CallOrigin, read: VariablesRead): Location[] {
  const places = argumentsUp(origin, read.settings, 0);
  if (places.length === 0 && read.all.length > read.settings.length) places.push(...argumentsUp(origin, read.all, 0));
  return places.length > 0 ? places : [{ path: origin.call.path, startLine: origin.call.line, message: `${origin.address} calls this module` }];
}

function argumentsUp(origin: CallOrigin, read: readonly string[], depth: number): Location[] {
  const places: Location[] = [];
  for (const name of read) {
    const argument = attribute(origin.call.block, name);
    if (!argument || META_ARGUMENTS.has(argument.name)) continue;
    // An argument an override file gives is on a line of that file (overrides.ts): the module block stands for it.
    places.push({ path: origin.call.path, startLine: argument.line >= OVERRIDE_BAND ? origin.call.line : argument.line, message: `${origin.address} sets ${argument.name}` });
    const passed = origin.parent && depth < MAX_CHAIN ? variablesIn(argument.expr) : [];
    if (passed.length > 0) places.push(...argumentsUp(origin.parent!, passed, depth + 1));
    // The related locations are capped when merged; reading more arguments would not show.
    if (places.length >= MAX_RELATED) break;
  }
  return places;
}

/** The variables (`var.x`) an expression reads itself. */
function variablesIn(expr: Expr): string[] {
  const names: string[] = [];
  const stack = [expr];
  let budget = 10_000;
  while (stack.length > 0 && budget-- > 0) {
    const e = stack.pop()!;
    if (e.kind === 'traversal' && !e.source && e.path[0] === 'var' && e.path[1] && !names.includes(e.path[1])) names.push(e.path[1]);
    stack.push(...childExpressions(e));
  }
  return names;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

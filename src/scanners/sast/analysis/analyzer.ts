import type { AstNode, ParsedFile } from '../source/parse.js';
import type { ModuleResolver, PackageManifest } from '../project/resolve.js';
import type { GuardSummary } from './guard-summary.js';
import type { Binding, ExitObserver, Frame, ImportRef, Scope } from './frame.js';
import { TaintCollector, type SinkGroup } from './report.js';
import type { Callable, Closure, Label, Loc, Obj, SinkClass, SourceKind, Value } from './value.js';
import { refineByTest } from '../models/guards.js';
import { StoreModel, type StoredData } from '../models/stores.js';
import { disablesAutoescape } from '../templates/views.js';
import type { HandlerKind } from '../models/frameworks.js';
import { joinBranches, refine } from './bindings.js';
import { callRepeatedly, callValue, guardSummary, invoke, probeFunction, type FunctionMemo, type MergedContext } from './calls.js';
import { construct } from './closures.js';
import { enterDeferredHandlers, enterHandler, runAnalysis } from './entry-points.js';
import { evaluate } from './expressions.js';
import { requireModule } from './modules.js';
import { elementsOf, keysOf, newObj, prototypeOf, readProp, storeProp } from './objects.js';
import { locOf, sink, snippet, taintSource } from './taint-points.js';

export interface AnalysisOptions {
  libraryInputs: boolean;
  /** Server-side templates by path (ejs, handlebars, pug) for res.render checks. */
  templates?: ReadonlyMap<string, string>;
  /** Work units (expression evaluations) allowed per entry point before calls are approximated. */
  entryBudget?: number;
  /** Work units for the whole project. */
  totalBudget?: number;
  /** Request input that an earlier run saw written to databases (read back as stored input). */
  storedData?: StoredData;
}

export interface ModuleRec {
  id: string;
  file: ParsedFile;
  status: 'new' | 'running' | 'done';
  moduleObj: Obj;
  exportsObj: Obj;
  /** ESM exports: local bindings, or re-exports of another module's name. */
  esmExports: Map<string, Binding | ImportRef>;
  starExports: string[];
  namespace: Obj | null;
  frame: Frame | null;
  scope: Scope | null;
}

export interface CallSite {
  node: AstNode;
  /** Method name for `recv.name(...)`. */
  name: string | null;
  /** The receiver expression of a method call. */
  recvNode: AstNode | null;
  argNodes: readonly AstNode[];
}

/**
 * The taint analysis: an abstract interpreter over the AST. Each function is analysed
 * per calling context (the taint, objects and functions of its arguments), and the
 * result is memoised as that context's summary; contexts beyond a bound are merged so
 * the work per function stays bounded. Modules are evaluated like Node does, on first
 * require/import; web handlers are analysed when they are registered (those a module's
 * top level registers, once that top level has run), exported functions of a package
 * afterwards with their parameters as library input.
 *
 * This class holds the state the analysis shares; the work is done by the functions of
 * entry-points, modules, statements, expressions, literals, bindings, objects, closures,
 * calls, taint-points and budget, each taking the analyzer as `an`. Its methods are the
 * interface of the library models (models/*.ts).
 */
export class Analyzer {
  readonly collector = new TaintCollector();
  readonly modules = new Map<string, ModuleRec>();
  /** The global object, one per package: packages scanned together do not share globals. */
  readonly globals = new Map<string, Obj>();
  readonly warnings: Array<{ path: string; line: number; message: string }> = [];
  /** Per function id: its memoised contexts and their cost (see CHEAP_CONTEXT_WORK in calls.ts). */
  readonly memo = new Map<number, FunctionMemo>();
  /** Short codes of long value signatures in memo keys (see contextSignature in calls.ts). */
  readonly signatureCodes = new Map<string, string>();
  readonly merged = new Map<number, MergedContext>();
  readonly stack: Frame[] = [];
  readonly labels = new Map<string, Label>();
  /** Functions analysed as entry points or reached by a call: the fallback pass skips them. */
  readonly reached = new Set<AstNode>();
  work = 0;
  entryWork = 0;
  entryName = '';
  budgetWarned = new Set<string>();
  readonly entryBudget: number;
  readonly totalBudget: number;
  /** How many analyses of each function are on the stack (recursion bound). */
  readonly active = new Map<number, number>();
  /** The callable an entry point is about to call (it skips the context bound). */
  entryCall: Callable | null = null;
  /** Callables analysed as entry points (library inputs, handlers). */
  readonly entered = new Set<number>();
  /** Handlers registered by a module's top level, analysed once it has run (see enterHandler). */
  readonly deferredHandlers = new Map<Frame, Array<() => void>>();
  readonly templates: ReadonlyMap<string, string>;
  /** Database writes of request input seen in this run, and the earlier run's writes to read back. */
  readonly stores: StoreModel;
  /** Writes from closures to the variables of enclosing functions that changed them (loop-carried state of callbacks). */
  capturedWrites = 0;
  /** The next closure call is analysed again even if its context is memoised. */
  fresh = false;
  readonly guardSummaries = new Map<number, GuardSummary | null>();
  /** Field initialisers of a class, run by its constructor's super() call. */
  readonly pendingFieldInit = new Map<number, () => void>();
  /** Expression nesting of the current evaluation. */
  nesting = 0;
  /** Functions stored into library input objects during the analysis of an export. */
  readonly escaped: Array<{ name: string; value: Value }> = [];
  /** Every function value created, in creation order (for the unreached-function pass). */
  readonly created = new Map<string, Closure[]>();

  constructor(
    readonly files: ReadonlyMap<string, ParsedFile>,
    readonly resolver: ModuleResolver,
    readonly options: AnalysisOptions,
  ) {
    this.entryBudget = options.entryBudget ?? 1_000_000;
    this.totalBudget = options.totalBudget ?? 25_000_000;
    this.templates = options.templates ?? new Map();
    this.stores = new StoreModel(options.storedData);
  }

  private autoescapeOff: boolean | undefined;

  /** Evaluates every module, then the library entry points, then unreached handler-like functions. */
  run(): void {
    runAnalysis(this);
  }

  /** The innermost frame: the function or module whose code is being analysed. */
  get frame(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The module whose code is being analysed. */
  currentModule(): string {
    return this.frame?.moduleId ?? '';
  }

  packageOf(moduleId: string): PackageManifest | undefined {
    return this.resolver.packageFor(moduleId);
  }

  /** Some code of the project turns template autoescaping off (swig, nunjucks, handlebars options). */
  templateAutoescapeOff(): boolean {
    this.autoescapeOff ??= [...this.files.values()].some((f) => disablesAutoescape(f.text));
    return this.autoescapeOff;
  }

  // ---------------------------------------------------------------- the interface of the models

  evaluate(node: AstNode, scope: Scope): Value {
    return evaluate(this, node, scope);
  }

  /** `require(spec)` from a module. */
  require(fromId: string, spec: string): Value {
    return requireModule(this, fromId, spec);
  }

  newObj(site: AstNode, isArray: boolean): Obj {
    return newObj(this, site, isArray);
  }

  readProp(base: Value, key: string | null, keyValue: Value | null, node: AstNode | null): Value {
    return readProp(this, base, key, keyValue, node);
  }

  storeProp(base: Value, key: string | null, keyValue: Value | null, value: Value, node: AstNode, scope: Scope | null, walksPath = false, rhs: AstNode | null = null): void {
    storeProp(this, base, key, keyValue, value, node, scope, walksPath, rhs);
  }

  prototypeOf(fnObj: Obj): Obj {
    return prototypeOf(this, fnObj);
  }

  /** Keys of an object (for-in, Object.keys): attacker-controlled when the object is. */
  keysOf(v: Value): Value {
    return keysOf(this, v);
  }

  /** Elements of an iterable (for-of, spread, array callbacks). */
  elementsOf(v: Value, isAwait: boolean, node: AstNode | null): Value {
    return elementsOf(this, v, isAwait, node);
  }

  /** Calls every callable of a value. */
  callValue(fnV: Value, thisValue: Value, args: Value[], site: CallSite): Value {
    return callValue(this, fnV, thisValue, args, site);
  }

  /** Calls a callback the way a loop would (forEach, reduce): see calls.ts. */
  callRepeatedly(fnV: Value, thisValue: Value, args: Value[], site: CallSite): Value {
    return callRepeatedly(this, fnV, thisValue, args, site);
  }

  /** Calls a value: project functions by analysis, library APIs by their models, anything else by default rules. */
  invoke(fnV: Value, thisValue: Value, args: Value[], site: CallSite, isMethod: boolean): Value {
    return invoke(this, fnV, thisValue, args, site, isMethod);
  }

  /** `new F(args)`: a fresh object (per site and context) run through the constructor chain. */
  construct(calleeV: Value, args: Value[], node: AstNode, site: CallSite | null): Value {
    return construct(this, calleeV, args, node, site);
  }

  /** Analyses a handler registered with a web framework, its parameters bound to request sources. */
  enterHandler(kind: HandlerKind, fnV: Value, node: AstNode): void {
    enterHandler(this, kind, fnV, node);
  }

  /** Analyses the handlers a module's top level registered, once it has run. */
  enterDeferredHandlers(frame: Frame): void {
    enterDeferredHandlers(this, frame);
  }

  /** What a project function guarantees about its arguments (see guard-summary.ts). */
  guardSummary(c: Closure, thisValue: Value): GuardSummary {
    return guardSummary(this, c, thisValue);
  }

  /** One analysis of a function outside the memo, watched by an observer (guard summaries). */
  probeFunction(c: Closure, thisValue: Value, args: Value[], observer: ExitObserver): void {
    probeFunction(this, c, thisValue, args, observer);
  }

  /** Refines a variable or a member path of one (guards). */
  refine(target: AstNode, scope: Scope, f: (v: Value) => Value): void {
    refine(this, target, scope, f);
  }

  /** Refines the current state for the branch where `test` is `truth`. */
  refineByTest(test: AstNode, scope: Scope, truth: boolean): void {
    refineByTest(this, test, scope, truth);
  }

  /** Runs two refinements on copies of the current state and continues with their join. */
  joinBranches(a: () => void, b: () => void): void {
    joinBranches(this, a, b);
  }

  loc(node: AstNode): Loc {
    return locOf(this, node);
  }

  text(node: AstNode, max = 60): string {
    return snippet(this, node, max);
  }

  /** A value read from request input at `node`. */
  source(node: AstNode, what: string, raw: boolean, apis: string[] = [], kind: SourceKind = 'web', moduleId?: string): Value {
    return taintSource(this, node, what, raw, apis, kind, moduleId);
  }

  /** Reports every live taint of `value` for a sink class. */
  sink(cls: SinkClass, value: Value, node: AstNode, what: string, note?: string, group?: SinkGroup): boolean {
    return sink(this, cls, value, node, what, note, group);
  }
}

import type { AstNode, ParsedFile } from '../source/parse.js';
import type { ModuleResolver, PackageManifest } from '../project/resolve.js';
import { declarationsOf } from './declarations.js';
import { computeGuardSummary, NO_SUMMARY, summarisable, type GuardSummary } from './guard-summary.js';
import { Binding, Frame, Scope, State, type ExitObserver, type ImportRef, type JumpTarget } from './frame.js';
import { TaintCollector, type SinkGroup } from './report.js';
import {
  ALL_CLASSES, CLASS_BIT, EMPTY, NUMERIC, Obj, apiValue, asOwnKeyOf, fnValue, isEmptyValue, isTainted, join, joinAll, liveTaints, make, mapTaint, newFnId,
  mayNameProto, newLabel, newTaint, objValue, passedThrough, sanitize, signature, strValue, taintOnly, withStep, withoutStringFacts,
  type Callable, type ClassFn, type Closure, type Label, type Loc, type SinkClass, type SourceKind, type Taint, type Value,
} from './value.js';
import { callApi, constructApi, globalApi, memberOfApi, normaliseModuleName, storeOnApi } from '../models/apis.js';
import { defaultMethodCall } from '../models/builtins.js';
import { refineAfterCall, refineByTest } from '../models/guards.js';
import { decoratedEntries, type HandlerKind, handlerParams, nextHandlers } from '../models/frameworks.js';
import { LIBRARY_CLASSES } from '../models/sinks.js';
import { StoreModel, type StoredData } from '../models/stores.js';
import { disablesAutoescape } from '../templates/views.js';

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

/** Array.prototype methods: `[].slice` is a value that `.call` can borrow. */
const ARRAY_METHODS = new Set(['slice', 'concat', 'forEach', 'map', 'filter', 'reduce', 'some', 'every', 'join', 'push', 'splice', 'indexOf', 'shift', 'unshift']);

const MAX_DEPTH = 22;
/** Expression nesting followed before giving up (generated code can nest thousands deep). */
const MAX_NESTING = 400;
const MAX_CREATED_PER_MODULE = 3_000;
const CALL_COST = 4;
const MAX_CONTEXTS = 10;
const MAX_RECURSION = 2;
const LOOP_PASSES = 3;

interface MemoEntry {
  result: Value;
  running: boolean;
  /** A recursive call met this entry while it was running (and got a partial result). */
  recursed: boolean;
}

interface MergedContext {
  thisValue: Value;
  args: Value[];
  sig: string;
  result: Value;
  runs: number;
}

/**
 * The taint analysis: an abstract interpreter over the AST. Each function is analysed
 * per calling context (the taint, objects and functions of its arguments), and the
 * result is memoised as that context's summary; contexts beyond a bound are merged so
 * the work per function stays bounded. Modules are evaluated like Node does, on first
 * require/import; web handlers are analysed when they are registered, exported
 * functions of a package afterwards with their parameters as library input.
 */
export class Analyzer {
  readonly collector = new TaintCollector();
  readonly modules = new Map<string, ModuleRec>();
  /** The global object, one per package: packages scanned together do not share globals. */
  private readonly globals = new Map<string, Obj>();
  readonly warnings: Array<{ path: string; line: number; message: string }> = [];
  private readonly memo = new Map<number, Map<string, MemoEntry>>();
  private readonly merged = new Map<number, MergedContext>();
  private readonly stack: Frame[] = [];
  private readonly labels = new Map<string, Label>();
  /** Functions analysed as entry points or reached by a call: the fallback pass skips them. */
  readonly reached = new Set<AstNode>();
  private work = 0;
  private entryWork = 0;
  private entryName = '';
  private budgetWarned = new Set<string>();
  private readonly entryBudget: number;
  private readonly totalBudget: number;
  /** How many analyses of each function are on the stack (recursion bound). */
  private readonly active = new Map<number, number>();
  /** The callable an entry point is about to call (it skips the context bound). */
  private entryCall: Callable | null = null;
  /** Callables analysed as entry points (library inputs, handlers). */
  private readonly entered = new Set<number>();
  readonly templates: ReadonlyMap<string, string>;
  /** Database writes of request input seen in this run, and the earlier run's writes to read back. */
  readonly stores: StoreModel;

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

  /** Some code of the project turns template autoescaping off (swig, nunjucks, handlebars options). */
  templateAutoescapeOff(): boolean {
    this.autoescapeOff ??= [...this.files.values()].some((f) => disablesAutoescape(f.text));
    return this.autoescapeOff;
  }

  /** The module whose code is being analysed. */
  currentModule(): string {
    return this.frame?.moduleId ?? '';
  }

  // ---------------------------------------------------------------- entry points

  /** Evaluates every module, then the library entry points, then unreached handler-like functions. */
  run(): void {
    const ids = [...this.files.keys()].sort();
    for (const id of ids) {
      this.beginEntry(`module ${id}`);
      this.guarded(id, () => this.loadModule(id));
    }
    for (const id of ids) this.guarded(id, () => this.analyseFrameworkExports(id));
    if (this.options.libraryInputs) {
      for (const id of ids) this.guarded(id, () => this.analyseExports(id));
      this.guarded('', () => this.analyseUnreachedFunctions());
    }
    this.guarded('', () => this.analyseUnreachedHandlers(ids));
  }

  /** A stack overflow in one part of the analysis (pathological nesting) costs that part only. */
  private guarded(id: string, work: () => void): void {
    const depth = this.stack.length;
    try {
      work();
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.stack.length = depth;
      this.nesting = 0;
      if (depth === 0) this.active.clear();
      this.warnings.push({ path: id, line: 1, message: `analysis stopped early: ${error.message}` });
    }
  }

  private beginEntry(name: string): void {
    this.entryWork = 0;
    this.entryName = name;
  }

  private get exhausted(): boolean {
    return this.entryWork > this.entryBudget || this.work > this.totalBudget;
  }

  private tick(node: AstNode): void {
    this.work++;
    this.entryWork++;
    if (this.entryWork === this.entryBudget + 1 || this.work === this.totalBudget + 1) {
      const frame = this.frame;
      const key = this.entryName;
      if (!this.budgetWarned.has(key)) {
        this.budgetWarned.add(key);
        const file = this.files.get(frame?.moduleId ?? '');
        this.warnings.push({
          path: frame?.moduleId ?? '',
          line: file ? file.lines.line(node.start) : 1,
          message: `analysis budget reached in ${key}: calls beyond this point are approximated, flows may be missed`,
        });
      }
    }
  }

  private get frame(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  // ---------------------------------------------------------------- modules

  loadModule(id: string): ModuleRec | undefined {
    const existing = this.modules.get(id);
    if (existing) return existing;
    const file = this.files.get(id);
    if (!file) return undefined;
    // Each module's top level has its own budget, also when another module's import loads it.
    const saved = { work: this.entryWork, name: this.entryName };
    this.beginEntry(`module ${id}`);
    try {
      return this.evaluateModule(id, file);
    } finally {
      this.entryWork = saved.work;
      this.entryName = saved.name;
    }
  }

  private evaluateModule(id: string, file: ParsedFile): ModuleRec {
    const moduleObj = new Obj(`module:${id}`);
    const exportsObj = new Obj(`exports:${id}`);
    moduleObj.set('exports', objValue(exportsObj));
    const rec: ModuleRec = {
      id, file, status: 'running', moduleObj, exportsObj, esmExports: new Map(), starExports: [], namespace: null, frame: null, scope: null,
    };
    this.modules.set(id, rec);
    const frame = new Frame(id, null, file.isModule ? EMPTY : objValue(exportsObj), [], this.stack.length);
    const scope = new Scope(null, frame);
    rec.frame = frame;
    rec.scope = scope;
    const bind = (name: string, value: Value) => {
      const b = scope.declare(name);
      b.all = value;
      frame.state.set(b, value);
    };
    bind('module', objValue(moduleObj));
    bind('exports', objValue(exportsObj));
    bind('require', apiValue('global.require'));
    bind('__dirname', make({ str: '.', norm: true }));
    bind('__filename', make({ str: id }));
    this.stack.push(frame);
    try {
      const body: AstNode[] = file.program.body;
      this.hoistImports(rec, body, scope);
      this.execBody(file.program, body, scope);
    } finally {
      this.stack.pop();
      rec.status = 'done';
    }
    return rec;
  }

  /** Imports bind before the body runs, and their modules are evaluated first (ESM order). */
  private hoistImports(rec: ModuleRec, body: AstNode[], scope: Scope): void {
    for (const statement of body) {
      if (statement.type === 'ImportDeclaration') {
        if (statement.importKind === 'type') continue;
        const spec: string = statement.source.value;
        const target = this.resolver.resolve(rec.id, spec);
        if (target) this.loadModule(target);
        for (const s of statement.specifiers) {
          if (s.importKind === 'type') continue;
          const b = scope.declare(s.local.name);
          const imported = s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? null : importedName(s.imported);
          b.importRef = target ? { moduleId: target, name: imported ?? '*' } : { external: spec, name: imported };
        }
      } else if (statement.type === 'ExportNamedDeclaration' && statement.source) {
        const target = this.resolver.resolve(rec.id, statement.source.value);
        if (target) this.loadModule(target);
        for (const s of statement.specifiers) {
          const exported = importedName(s.exported);
          const local = importedName(s.local);
          rec.esmExports.set(exported, target ? { moduleId: target, name: local } : { external: statement.source.value, name: local === 'default' ? 'default' : local });
        }
      } else if (statement.type === 'ExportAllDeclaration') {
        const target = this.resolver.resolve(rec.id, statement.source.value);
        if (target) {
          this.loadModule(target);
          if (statement.exported) rec.esmExports.set(importedName(statement.exported), { moduleId: target, name: '*' });
          else rec.starExports.push(target);
        }
      }
    }
  }

  /** The value `require(id)` gives: module.exports, or the namespace of an ES module. */
  moduleValue(id: string): Value {
    const rec = this.loadModule(id);
    if (!rec) return EMPTY;
    if (rec.file.isModule) return objValue(this.namespaceOf(rec));
    return rec.moduleObj.get('exports') ?? EMPTY;
  }

  private namespaceOf(rec: ModuleRec): Obj {
    if (!rec.namespace) rec.namespace = new Obj(`namespace:${rec.id}`);
    const ns = rec.namespace;
    for (const name of this.exportNames(rec, new Set())) {
      const value = this.readExport(rec.id, name, new Set());
      ns.set(name, value);
    }
    return ns;
  }

  private exportNames(rec: ModuleRec, seen: Set<string>): string[] {
    if (seen.has(rec.id)) return [];
    seen.add(rec.id);
    const names = [...rec.esmExports.keys()];
    for (const star of rec.starExports) {
      const target = this.modules.get(star);
      if (target) for (const n of this.exportNames(target, seen)) if (n !== 'default') names.push(n);
    }
    return names;
  }

  /** An export of a project module, following re-exports; CommonJS modules export module.exports. */
  readExport(moduleId: string, name: string, seen: Set<string>): Value {
    const key = `${moduleId}#${name}`;
    if (seen.has(key)) return EMPTY;
    seen.add(key);
    const rec = this.loadModule(moduleId);
    if (!rec) return EMPTY;
    if (name === '*') return this.moduleValue(moduleId);
    if (!rec.file.isModule) {
      const exportsValue = rec.moduleObj.get('exports') ?? EMPTY;
      if (name === 'default') return join(exportsValue, this.readProp(exportsValue, 'default', null, null));
      return this.readProp(exportsValue, name, null, null);
    }
    const entry = rec.esmExports.get(name);
    if (entry instanceof Binding) return entry.all;
    if (entry) return this.readImport(entry, seen);
    for (const star of rec.starExports) {
      const value = this.readExport(star, name, seen);
      if (!isEmptyValue(value)) return value;
    }
    return EMPTY;
  }

  private readImport(ref: ImportRef, seen = new Set<string>()): Value {
    if ('moduleId' in ref) return this.readExport(ref.moduleId, ref.name, seen);
    const moduleValue = this.externalModule(ref.external);
    if (ref.name === null || ref.name === 'default') return moduleValue;
    return this.readProp(moduleValue, ref.name, null, null);
  }

  externalModule(spec: string): Value {
    return apiValue(normaliseModuleName(spec));
  }

  /** `require(spec)` from a module. */
  require(fromId: string, spec: string): Value {
    const target = this.resolver.resolve(fromId, spec);
    if (target) return this.moduleValue(target);
    if (spec.startsWith('.') || spec.startsWith('/')) return EMPTY;
    return this.externalModule(spec);
  }

  packageOf(moduleId: string): PackageManifest | undefined {
    return this.resolver.packageFor(moduleId);
  }

  // ---------------------------------------------------------------- statements

  /** A function body or program: hoisted vars and functions, then the statements. */
  private execBody(owner: AstNode, body: AstNode[], scope: Scope): void {
    const decls = declarationsOf(owner, body, true);
    for (const name of decls.vars) {
      if (!scope.vars.has(name)) scope.declare(name);
    }
    this.execStatements(owner, body, scope);
  }

  /** Statements of a block: lexical declarations and function declarations first. */
  private execStatements(owner: AstNode, body: AstNode[], scope: Scope): void {
    const decls = declarationsOf(owner, body, false);
    for (const name of decls.lexical) scope.declare(name);
    for (const fn of decls.functions) {
      const b = scope.declare(fn.id.name);
      this.writeBinding(b, this.makeClosure(fn, scope));
    }
    for (const statement of body) {
      if (this.frame!.state.dead) break;
      this.exec(statement, scope);
    }
  }

  private exec(node: AstNode, scope: Scope): void {
    const frame = this.frame!;
    switch (node.type) {
      case 'ExpressionStatement':
        this.evaluate(node.expression, scope);
        refineAfterCall(this, node.expression, scope);
        return;
      case 'VariableDeclaration':
        for (const d of node.declarations) {
          if (d.init) {
            const value = this.evaluate(d.init, scope);
            this.assignPattern(d.id, value, scope, true, d);
          } else if (node.kind !== 'var' && d.id.type === 'Identifier') {
            const b = scope.lookup(d.id.name);
            if (b && b.frame === frame) frame.state.set(b, EMPTY);
          }
        }
        return;
      case 'FunctionDeclaration':
        return; // hoisted
      case 'ClassDeclaration': {
        const cls = this.makeClass(node, scope);
        if (node.id) this.writeBinding(scope.lookup(node.id.name) ?? scope.declare(node.id.name), cls);
        return;
      }
      case 'ReturnStatement': {
        let value = node.argument ? this.evaluate(node.argument, scope) : EMPTY;
        if (value.taint.length > 0) value = withStep(value, this.loc(node), `returned from ${this.fnName(frame)}`);
        frame.returns = join(frame.returns, value);
        frame.observer?.onReturn(node.argument ?? null, scope);
        frame.state.dead = true;
        return;
      }
      case 'ThrowStatement':
        frame.thrown = join(frame.thrown, this.evaluate(node.argument, scope));
        frame.state.dead = true;
        return;
      case 'IfStatement':
        this.execIf(node, scope);
        return;
      case 'BlockStatement':
      case 'StaticBlock':
        this.execStatements(node, node.body, new Scope(scope, frame));
        return;
      case 'ForStatement':
        this.execFor(node, scope);
        return;
      case 'ForInStatement':
      case 'ForOfStatement':
        this.execForInOf(node, scope);
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.execWhile(node, scope);
        return;
      case 'TryStatement':
        this.execTry(node, scope);
        return;
      case 'SwitchStatement':
        this.execSwitch(node, scope, null);
        return;
      case 'LabeledStatement':
        this.execLabeled(node, scope);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        this.jump(node);
        return;
      case 'ExportNamedDeclaration':
        this.execExportNamed(node, scope);
        return;
      case 'ExportDefaultDeclaration':
        this.execExportDefault(node, scope);
        return;
      case 'TSExportAssignment': {
        const value = this.evaluate(node.expression, scope);
        const rec = this.modules.get(frame.moduleId);
        if (rec) rec.moduleObj.set('exports', value);
        return;
      }
      case 'TSImportEqualsDeclaration': {
        const ref = node.moduleReference;
        if (ref?.type === 'TSExternalModuleReference') {
          const value = this.require(frame.moduleId, ref.expression.value);
          this.writeBinding(scope.lookup(node.id.name) ?? scope.declare(node.id.name), value);
        }
        return;
      }
      case 'TSEnumDeclaration':
      case 'TSModuleDeclaration':
      case 'TSInterfaceDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSDeclareFunction':
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'EmptyStatement':
      case 'DebuggerStatement':
        return;
      case 'WithStatement':
        this.evaluate(node.object, scope);
        this.exec(node.body, scope);
        return;
      default:
        return;
    }
  }

  private execExportNamed(node: AstNode, scope: Scope): void {
    const rec = this.modules.get(this.frame!.moduleId);
    if (node.declaration) {
      this.exec(node.declaration, scope);
      const d = node.declaration;
      const names: string[] =
        d.type === 'VariableDeclaration' ? d.declarations.flatMap((x: AstNode) => patternNamesOf(x.id)) : d.id?.type === 'Identifier' ? [d.id.name] : [];
      for (const name of names) {
        const b = scope.lookup(name);
        if (b && rec) rec.esmExports.set(name, b);
      }
      return;
    }
    if (node.source || !rec) return;
    for (const s of node.specifiers) {
      if (s.exportKind === 'type') continue;
      const local = importedName(s.local);
      const b = scope.lookup(local);
      if (b) rec.esmExports.set(importedName(s.exported), b.importRef ?? b);
    }
  }

  private execExportDefault(node: AstNode, scope: Scope): void {
    const rec = this.modules.get(this.frame!.moduleId);
    const d = node.declaration;
    let b: Binding;
    if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
      if (d.type === 'ClassDeclaration') this.exec(d, scope);
      b = scope.lookup(d.id.name)!;
    } else {
      const value =
        d.type === 'FunctionDeclaration' ? this.makeClosure(d, scope) : d.type === 'ClassDeclaration' ? this.makeClass(d, scope) : this.evaluate(d, scope);
      b = scope.declare('*default*');
      this.writeBinding(b, value);
    }
    if (rec) rec.esmExports.set('default', b);
  }

  private execIf(node: AstNode, scope: Scope): void {
    const frame = this.frame!;
    this.evaluate(node.test, scope);
    const before = frame.state;
    const thenState = before.clone();
    frame.state = thenState;
    refineByTest(this, node.test, scope, true);
    this.exec(node.consequent, scope);
    const afterThen = frame.state;
    const elseState = before.clone();
    frame.state = elseState;
    refineByTest(this, node.test, scope, false);
    if (node.alternate) this.exec(node.alternate, scope);
    const afterElse = frame.state;
    afterElse.absorb(afterThen);
    frame.state = afterElse;
  }

  private loopTarget(label: string | null): JumpTarget {
    return { label, isLoop: true, breaks: [], continues: [] };
  }

  /** Runs a loop body until the state stops changing (bounded), then leaves with the joined states. */
  private runLoop(target: JumpTarget, pass: () => void, testNode: AstNode | null, scope: Scope): void {
    const frame = this.frame!;
    frame.jumps.push(target);
    const entry = frame.state.clone();
    let head = frame.state.clone();
    try {
      for (let i = 0; i < LOOP_PASSES; i++) {
        frame.state = head.clone();
        if (testNode) refineByTest(this, testNode, scope, true);
        pass();
        const next = head.clone();
        next.absorb(frame.state);
        for (const c of target.continues) next.absorb(c);
        target.continues.length = 0;
        if (next.sameAs(head)) break;
        head = next;
      }
    } finally {
      frame.jumps.pop();
    }
    const exit = head;
    exit.absorb(entry);
    for (const b of target.breaks) exit.absorb(b);
    exit.dead = entry.dead;
    frame.state = exit;
  }

  private execFor(node: AstNode, scope: Scope, label: string | null = null): void {
    const frame = this.frame!;
    const loopScope = new Scope(scope, frame);
    if (node.init) {
      if (node.init.type === 'VariableDeclaration') {
        if (node.init.kind !== 'var') for (const d of node.init.declarations) for (const n of patternNamesOf(d.id)) loopScope.declare(n);
        this.exec(node.init, loopScope);
      } else this.evaluate(node.init, loopScope);
    }
    this.runLoop(
      this.loopTarget(label),
      () => {
        if (node.test) this.evaluate(node.test, loopScope);
        this.exec(node.body, new Scope(loopScope, frame));
        if (node.update && !frame.state.dead) this.evaluate(node.update, loopScope);
      },
      node.test ?? null,
      loopScope,
    );
  }

  private execWhile(node: AstNode, scope: Scope, label: string | null = null): void {
    const frame = this.frame!;
    this.runLoop(
      this.loopTarget(label),
      () => {
        this.evaluate(node.test, scope);
        this.exec(node.body, new Scope(scope, frame));
      },
      node.type === 'WhileStatement' ? node.test : null,
      scope,
    );
  }

  private execForInOf(node: AstNode, scope: Scope, label: string | null = null): void {
    const frame = this.frame!;
    const collection = this.evaluate(node.right, scope);
    const item = node.type === 'ForInStatement' ? this.keysOf(collection) : this.elementsOf(collection, node.await === true, node.right);
    const itemAt = item.taint.length === 0 ? item : withStep(item, this.loc(node.left), `${node.type === 'ForInStatement' ? 'key' : 'element'} of ${this.text(node.right, 40)}`);
    this.runLoop(
      this.loopTarget(label),
      () => {
        const bodyScope = new Scope(scope, frame);
        const left = node.left;
        if (left.type === 'VariableDeclaration') {
          const pattern = left.declarations[0].id;
          if (left.kind !== 'var') for (const n of patternNamesOf(pattern)) bodyScope.declare(n);
          this.assignPattern(pattern, itemAt, bodyScope, true, left);
        } else this.assignPattern(left, itemAt, scope, false, left);
        this.exec(node.body, bodyScope);
      },
      null,
      scope,
    );
  }

  private execTry(node: AstNode, scope: Scope): void {
    const frame = this.frame!;
    const before = frame.state.clone();
    const thrownBefore = frame.thrown;
    frame.thrown = EMPTY;
    this.exec(node.block, scope);
    const afterTry = frame.state;
    const thrown = frame.thrown;
    frame.thrown = thrownBefore;
    if (node.handler) {
      const catchState = before.clone();
      const tryForCatch = afterTry.clone();
      tryForCatch.dead = false;
      catchState.absorb(tryForCatch);
      frame.state = catchState;
      const catchScope = new Scope(scope, frame);
      if (node.handler.param) {
        for (const n of patternNamesOf(node.handler.param)) catchScope.declare(n);
        this.assignPattern(node.handler.param, thrown, catchScope, true, node.handler.param);
      }
      this.exec(node.handler.body, catchScope);
      const afterCatch = frame.state;
      afterCatch.absorb(afterTry);
      frame.state = afterCatch;
    } else {
      frame.state = afterTry;
    }
    if (node.finalizer) {
      const wasDead = frame.state.dead;
      frame.state.dead = false;
      this.exec(node.finalizer, scope);
      if (wasDead) frame.state.dead = true;
    }
  }

  private execSwitch(node: AstNode, scope: Scope, label: string | null): void {
    const frame = this.frame!;
    this.evaluate(node.discriminant, scope);
    const target: JumpTarget = { label, isLoop: false, breaks: [], continues: [] };
    frame.jumps.push(target);
    const entry = frame.state.clone();
    const switchScope = new Scope(scope, frame);
    let fallthrough: State | null = null;
    let hasDefault = false;
    try {
      for (const c of node.cases) {
        const caseState = entry.clone();
        frame.state = caseState;
        if (c.test) {
          this.evaluate(c.test, switchScope);
          refineSwitchCase(this, node.discriminant, c.test, switchScope);
        } else hasDefault = true;
        if (fallthrough) frame.state.absorb(fallthrough);
        this.execStatements(c, c.consequent, switchScope);
        fallthrough = frame.state;
      }
    } finally {
      frame.jumps.pop();
    }
    const exit = hasDefault ? new State() : entry.clone();
    if (hasDefault) exit.dead = true;
    if (fallthrough) exit.absorb(fallthrough);
    for (const b of target.breaks) exit.absorb(b);
    frame.state = exit;
  }

  private execLabeled(node: AstNode, scope: Scope): void {
    const label: string = node.label.name;
    const body = node.body;
    if (body.type === 'ForStatement') return this.execFor(body, scope, label);
    if (body.type === 'ForInStatement' || body.type === 'ForOfStatement') return this.execForInOf(body, scope, label);
    if (body.type === 'WhileStatement' || body.type === 'DoWhileStatement') return this.execWhile(body, scope, label);
    if (body.type === 'SwitchStatement') return this.execSwitch(body, scope, label);
    const frame = this.frame!;
    const target: JumpTarget = { label, isLoop: false, breaks: [], continues: [] };
    frame.jumps.push(target);
    try {
      this.exec(body, scope);
    } finally {
      frame.jumps.pop();
    }
    for (const b of target.breaks) frame.state.absorb(b);
  }

  private jump(node: AstNode): void {
    const frame = this.frame!;
    const label: string | null = node.label?.name ?? null;
    const isBreak = node.type === 'BreakStatement';
    for (let i = frame.jumps.length - 1; i >= 0; i--) {
      const t = frame.jumps[i]!;
      const matches = label ? t.label === label : isBreak || t.isLoop;
      if (!matches) continue;
      if (isBreak) t.breaks.push(frame.state.clone());
      else t.continues.push(frame.state.clone());
      break;
    }
    frame.state.dead = true;
  }

  // ---------------------------------------------------------------- bindings

  readVar(name: string, scope: Scope): Value {
    const b = scope.lookup(name);
    if (!b) return this.readGlobal(name);
    return this.readBinding(b);
  }

  readBinding(b: Binding): Value {
    if (b.importRef) return this.readImport(b.importRef);
    const frame = this.frame;
    if (b.frame === frame) {
      const current = frame.state.get(b);
      if (current === undefined) return b.all;
      return b.capturedWrite ? join(current, b.all) : current;
    }
    return b.all;
  }

  writeBinding(b: Binding, value: Value): void {
    const before = b.all;
    b.all = join(b.all, value);
    const frame = this.frame;
    if (b.frame === frame) {
      frame!.state.set(b, value);
      frame!.state.forget(`#${b.id}`);
    } else {
      b.capturedWrite = true;
      if (b.all !== before) this.capturedWrites++;
    }
  }

  /** Writes from closures to the variables of enclosing functions that changed them (loop-carried state of callbacks). */
  capturedWrites = 0;

  /**
   * Calls a callback the way a loop would (forEach, reduce): again, without the memo,
   * while its writes to enclosing variables keep changing them (ref = ref[key]).
   */
  callRepeatedly(fnV: Value, thisValue: Value, args: Value[], site: CallSite): Value {
    let result = EMPTY;
    for (let pass = 0; pass < LOOP_PASSES; pass++) {
      const before = this.capturedWrites;
      if (pass > 0) this.fresh = true;
      try {
        result = join(result, this.callValue(fnV, thisValue, args, site));
      } finally {
        this.fresh = false;
      }
      if (this.capturedWrites === before) break;
    }
    return result;
  }

  /** The next closure call is analysed again even if its context is memoised. */
  private fresh = false;

  /** Runs two refinements on copies of the current state and continues with their join. */
  joinBranches(a: () => void, b: () => void): void {
    const frame = this.frame;
    if (!frame) return;
    const start = frame.state;
    frame.state = start.clone();
    a();
    const afterA = frame.state;
    frame.state = start.clone();
    b();
    frame.state.absorb(afterA);
  }

  /** Refines a variable or a member path of one (guards). */
  refine(target: AstNode, scope: Scope, f: (v: Value) => Value): void {
    if (target.type === 'Identifier') return this.refineVar(target.name, scope, f);
    const frame = this.frame;
    const key = this.pathKey(target, scope);
    if (!frame || !key) return;
    const current = frame.state.paths.get(key) ?? this.evaluate(target, scope);
    frame.state.paths.set(key, f(current));
  }

  /** "#<binding>.a.b" for a static member path rooted at a variable of this context ("this.a.b" for this). */
  private pathKey(node: AstNode, scope: Scope): string | null {
    const parts: string[] = [];
    let n = node;
    while (n.type === 'MemberExpression' || n.type === 'TSNonNullExpression' || n.type === 'ChainExpression') {
      if (n.type !== 'MemberExpression') {
        n = n.expression;
        continue;
      }
      if (n.computed) {
        if (n.property.type !== 'Literal' || typeof n.property.value !== 'string') return null;
        parts.unshift(n.property.value);
      } else parts.unshift(n.property.name);
      n = n.object;
    }
    if (parts.length === 0) return null;
    if (n.type === 'ThisExpression') return `this.${parts.join('.')}`;
    if (n.type !== 'Identifier') return null;
    const b = scope.lookup(n.name);
    if (!b || b.frame !== this.frame) return null;
    return `#${b.id}.${parts.join('.')}`;
  }

  /** Replaces the flow-sensitive value of a variable (guards and sanitising reassignments). */
  refineVar(name: string, scope: Scope, f: (v: Value) => Value): void {
    const b = scope.lookup(name);
    const frame = this.frame;
    if (!b || !frame || b.frame !== frame || b.capturedWrite || b.importRef) return;
    const current = frame.state.get(b) ?? b.all;
    frame.state.set(b, f(current));
  }

  private get globalObj(): Obj {
    const dir = this.resolver.packageFor(this.currentModule())?.dir ?? '';
    let g = this.globals.get(dir);
    if (!g) {
      g = new Obj('global');
      this.globals.set(dir, g);
    }
    return g;
  }

  private readGlobal(name: string): Value {
    if (name === 'undefined' || name === 'NaN' || name === 'Infinity') return name === 'undefined' ? EMPTY : NUMERIC;
    if (name === 'globalThis' || name === 'global' || name === 'window' || name === 'self') return objValue(this.globalObj);
    const own = this.globalObj.get(name);
    const api = globalApi(name);
    if (own && api) return join(own, api);
    return own ?? api ?? EMPTY;
  }

  private writeTarget(target: AstNode, value: Value, scope: Scope, declare: boolean, at: AstNode): void {
    if (target.type === 'Identifier') {
      const name: string = target.name;
      const stepped =
        value.taint.length === 0
          ? value
          : withStep(value, this.loc(at.type === 'VariableDeclarator' ? at.id : at), `${name} = ${this.text(at.type === 'VariableDeclarator' ? at.init ?? at : at.right ?? at, 50)}`);
      for (const f of value.fns) if (f.kind === 'closure' && !f.name) f.name = name;
      const b = scope.lookup(name);
      if (!b) {
        if (!declare) this.globalObj.set(name, stepped);
        return;
      }
      this.writeBinding(b, stepped);
      return;
    }
    if (target.type === 'MemberExpression') {
      const frame = this.frame;
      if (frame && frame.state.paths.size > 0) {
        const key = this.pathKey(target, scope);
        if (key) frame.state.forget(key);
      }
      const base = this.evaluate(target.object, scope);
      const { key, keyValue } = this.memberKey(target, scope);
      const stepped = value.taint.length === 0 ? value : withStep(value, this.loc(target), `stored in ${this.text(target, 50)}`);
      this.storeProp(base, key, keyValue, stepped, target, scope, this.keepsOwnValue(target, at), at.type === 'AssignmentExpression' ? at.right : null);
      return;
    }
    this.assignPattern(target, value, scope, declare, at);
  }

  /** Destructuring and plain targets of declarations, parameters and assignments. */
  assignPattern(pattern: AstNode, value: Value, scope: Scope, declare: boolean, at: AstNode): void {
    switch (pattern.type) {
      case 'Identifier':
      case 'MemberExpression':
        this.writeTarget(pattern, value, scope, declare, at);
        return;
      case 'ObjectPattern': {
        const used: string[] = [];
        for (const p of pattern.properties) {
          if (p.type === 'RestElement') {
            const rest = this.newObj(p, false);
            for (const o of value.objs) for (const [k, v] of o.props) if (!used.includes(k)) rest.set(k, v);
            rest.setDyn(taintOnly(value));
            this.assignPattern(p.argument, make({ objs: [rest], taint: value.taint }), scope, declare, at);
            continue;
          }
          const key = p.computed ? this.evaluate(p.key, scope).str ?? null : propertyKeyName(p.key);
          if (key !== null) used.push(key);
          const v = this.readProp(value, key, null, p);
          this.assignPattern(p.value, v, scope, declare, at);
        }
        return;
      }
      case 'ArrayPattern': {
        pattern.elements.forEach((e: AstNode | null, i: number) => {
          if (!e) return;
          if (e.type === 'RestElement') {
            const rest = this.newObj(e, true);
            rest.setDyn(this.elementsOf(value, false, e));
            this.assignPattern(e.argument, make({ objs: [rest], taint: value.taint }), scope, declare, at);
            return;
          }
          this.assignPattern(e, this.readProp(value, String(i), null, e), scope, declare, at);
        });
        return;
      }
      case 'AssignmentPattern': {
        const v = isEmptyValue(value) ? this.evaluate(pattern.right, scope) : value;
        this.assignPattern(pattern.left, v, scope, declare, at);
        return;
      }
      case 'RestElement':
        this.assignPattern(pattern.argument, value, scope, declare, at);
        return;
      case 'TSParameterProperty':
        this.assignPattern(pattern.parameter, value, scope, declare, at);
        return;
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'ParenthesizedExpression':
        this.assignPattern(pattern.expression, value, scope, declare, at);
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- objects

  newObj(site: AstNode, isArray: boolean): Obj {
    const frame = this.frame;
    if (!frame) return new Obj(`${site.start}`, isArray);
    let o = frame.sites.get(site);
    if (!o) {
      o = new Obj(`${frame.moduleId}:${site.start}`, isArray);
      frame.sites.set(site, o);
    }
    return o;
  }

  /** The key of a member expression: a constant name when known, else the key's value. */
  memberKey(node: AstNode, scope: Scope): { key: string | null; keyValue: Value | null } {
    if (!node.computed) return { key: node.property.type === 'PrivateIdentifier' ? `#${node.property.name}` : node.property.name, keyValue: null };
    const keyValue = this.evaluate(node.property, scope);
    if (keyValue.str !== undefined && !isTainted(keyValue)) return { key: keyValue.str, keyValue };
    if (node.property.type === 'Literal' && typeof node.property.value === 'number') return { key: String(node.property.value), keyValue };
    return { key: null, keyValue };
  }

  readProp(base: Value, key: string | null, keyValue: Value | null, node: AstNode | null): Value {
    let result = EMPTY;
    for (const o of base.objs) {
      if (o.site === 'global' && key !== null) {
        result = join(result, this.readGlobal(key));
        continue;
      }
      if (key === null) result = join(result, o.all());
      else {
        const own = o.get(key);
        if (own) result = join(result, own);
        else if (key === 'prototype' && o.fn) result = join(result, objValue(this.prototypeOf(o)));
        else if (key === 'length') result = join(result, NUMERIC);
        else if (o.isArray && ARRAY_METHODS.has(key)) result = join(result, apiValue(`Array.prototype.${key}`));
        result = join(result, o.dyn);
      }
    }
    for (const api of base.apis) {
      const member = memberOfApi(this, api, key, node);
      if (member) result = join(result, member);
    }
    if (base.taint.length > 0 && key !== 'length') {
      result = join(result, make({ taint: base.taint }));
    }
    // An own key of the base (from enumerating it, or checked with hasOwnProperty) reads an own property, never the __proto__ accessor.
    if (keyValue && key === null && mayNameProto(keyValue, base)) result = make({ ...result, proto: true });
    // What a path-walking helper returned (opaque, may be Object.prototype) can hold the object it reached: [parent, key].
    else if (base.proto && base.objs.length === 0 && key !== null && /^\d+$/.test(key)) result = make({ ...result, proto: true });
    return result;
  }

  prototypeOf(fnObj: Obj): Obj {
    const existing = fnObj.props.get('prototype');
    if (existing && existing.objs[0]) return existing.objs[0];
    const proto = new Obj(`${fnObj.site}.prototype`);
    fnObj.set('prototype', objValue(proto));
    return proto;
  }

  /** `o[k] = o[k] || {}`: the property keeps its value or gets a fresh container (walking a path, not writing input). */
  private keepsOwnValue(target: AstNode, at: AstNode): boolean {
    if (at.type !== 'AssignmentExpression' || at.right.type !== 'LogicalExpression' || at.right.operator === '&&') return false;
    const file = this.files.get(this.currentModule());
    if (!file) return false;
    const left = at.right.left;
    const fresh = at.right.right.type === 'ObjectExpression' || at.right.right.type === 'ArrayExpression';
    return fresh && file.text.slice(left.start, left.end).replace(/\s+/g, '') === file.text.slice(target.start, target.end).replace(/\s+/g, '');
  }

  storeProp(base: Value, key: string | null, keyValue: Value | null, value: Value, node: AstNode, _scope: Scope | null, walksPath = false, rhs: AstNode | null = null): void {
    if (value.fns.length > 0 && this.options.libraryInputs && base.taint.some((t) => t.label.kind === 'library' && !t.label.probe)) {
      this.escaped.push({ name: key ?? 'callback', value: make({ fns: value.fns }) });
    }
    for (const o of base.objs) {
      if (key !== null) o.set(key, value);
      else {
        o.setDyn(value);
        if (keyValue) o.setDynKey(keyValue);
      }
    }
    for (const api of base.apis) storeOnApi(this, api, key, value, node);
    // obj[a][b] = c: the base may be Object.prototype (a = "__proto__"), b names any property of it, and
    // c is attacker data (a value that is a fresh {} or [] only walks the path, it pollutes nothing).
    // The final key need not be "__proto__" (o.constructor.prototype[k] = v): a key checked against the
    // dangerous names is still attacker-chosen here; only the lookups that reached the base had to avoid them.
    if (key === null && keyValue && base.proto && !walksPath && this.carriesTaint(value)) {
      const chosen = mapTaint(keyValue, (t) => (t.clean === ALL_CLASSES ? t : { ...t, clean: t.clean & ~CLASS_BIT.prototype }));
      this.sink('prototype', chosen, node, `assignment ${this.text(node, 40)} = ...`, undefined, this.writeGroup(node, rhs));
    }
  }

  /** The write target (`o[k]`, or `Object.defineProperty(o, k, ...)`) in the current function. */
  private writeGroup(node: AstNode, rhs: AstNode | null): SinkGroup | undefined {
    let target: string;
    if (node.type === 'MemberExpression') target = `${this.text(node.object, 200)}[${this.text(node.property, 200)}]`;
    else if (node.type === 'CallExpression' && node.arguments.length >= 2) target = `${this.text(node.arguments[0], 200)}[${this.text(node.arguments[1], 200)}]`;
    else return undefined;
    const fn = this.frame?.fn;
    const where = fn && (fn.kind === 'closure' || fn.kind === 'class') ? `${fn.moduleId}:${fn.node.start}` : this.currentModule();
    return { key: `${where}|${target.replace(/\s+/g, '')}`, fresh: rhs !== null && freshContainer(rhs) };
  }

  /** Tainted, or an object or array holding tainted values (one level). */
  private carriesTaint(v: Value): boolean {
    if (isTainted(v)) return true;
    return v.objs.some((o) => isTainted(o.dyn) || [...o.props.values()].some((p) => isTainted(p)));
  }

  /** Keys of an object (for-in, Object.keys): attacker-controlled when the object is. */
  keysOf(v: Value): Value {
    let result = make({ taint: v.taint.map((t) => ({ ...t, raw: false })) });
    for (const o of v.objs) {
      result = join(result, make({ taint: o.dyn.taint.map((t) => ({ ...t, raw: false })) }));
    }
    return asOwnKeyOf(result, v);
  }

  /** Elements of an iterable (for-of, spread, array callbacks). */
  elementsOf(v: Value, _isAwait: boolean, node: AstNode | null): Value {
    let result = make({ taint: v.taint });
    for (const o of v.objs) result = join(result, o.all());
    for (const api of v.apis) {
      const member = memberOfApi(this, api, null, node);
      if (member) result = join(result, member);
    }
    return result;
  }

  // ---------------------------------------------------------------- functions and classes

  makeClosure(node: AstNode, scope: Scope, extra?: { homeClass?: ClassFn; name?: string }): Value {
    const frame = this.frame;
    const cached = frame?.closures.get(node);
    if (cached) return fnValue(cached, (cached as Closure).obj);
    const obj = new Obj(`fn:${frame?.moduleId}:${node.start}`);
    const closure: Closure = {
      kind: 'closure',
      id: newFnId(),
      node,
      scope,
      moduleId: frame?.moduleId ?? '',
      name: extra?.name ?? node.id?.name ?? '',
      obj,
      ...(node.type === 'ArrowFunctionExpression' && frame ? { thisValue: frame.thisValue } : {}),
      ...(extra?.homeClass ? { homeClass: extra.homeClass } : {}),
    };
    obj.fn = closure;
    frame?.closures.set(node, closure);
    const list = this.created.get(closure.moduleId) ?? [];
    if (list.length < MAX_CREATED_PER_MODULE) list.push(closure);
    this.created.set(closure.moduleId, list);
    return fnValue(closure, obj);
  }

  makeClass(node: AstNode, scope: Scope): Value {
    const frame = this.frame!;
    const cached = frame.closures.get(node);
    if (cached) return fnValue(cached, (cached as ClassFn).obj);
    const superValue = node.superClass ? this.evaluate(node.superClass, scope) : EMPTY;
    const protoObj = new Obj(`class:${frame.moduleId}:${node.start}.prototype`);
    const obj = new Obj(`class:${frame.moduleId}:${node.start}`);
    obj.set('prototype', objValue(protoObj));
    const classScope = new Scope(scope, frame);
    const cls: ClassFn = {
      kind: 'class', id: newFnId(), node, scope: classScope, moduleId: frame.moduleId, name: node.id?.name ?? '', superValue, protoObj, obj,
    };
    obj.fn = cls;
    frame.closures.set(node, cls);
    if (node.id) classScope.declare(node.id.name).all = fnValue(cls, obj);
    for (const s of superValue.fns) {
      if (s.kind === 'class') protoObj.proto = s.protoObj;
      else if (s.kind === 'closure') protoObj.proto = this.prototypeOf(s.obj);
    }
    if (!protoObj.proto) {
      for (const o of superValue.objs) {
        const p = o.get('prototype')?.objs[0];
        if (p) protoObj.proto = p;
      }
    }
    const value = fnValue(cls, obj);
    for (const member of node.body.body) {
      if (member.type === 'MethodDefinition' || member.type === 'TSAbstractMethodDefinition') {
        if (!member.value?.body) continue;
        const name = member.computed ? this.evaluate(member.key, scope).str : propertyKeyName(member.key);
        if (name === undefined || name === null) continue;
        if (member.kind === 'constructor') continue;
        const method = this.makeClosure(member.value, classScope, { homeClass: cls, name });
        (member.static ? obj : protoObj).set(name, method);
      } else if ((member.type === 'PropertyDefinition' || member.type === 'AccessorProperty') && member.static && member.value) {
        const name = propertyKeyName(member.key);
        if (name) obj.set(name, this.evaluate(member.value, classScope));
      }
    }
    const entries = decoratedEntries(node);
    if (entries.length > 0) this.analyseDecoratedController(cls, value, entries);
    return value;
  }

  private analyseDecoratedController(cls: ClassFn, value: Value, entries: ReturnType<typeof decoratedEntries>): void {
    const instance = this.construct(value, this.injectedArgs(cls), cls.node, null);
    for (const entry of entries) {
      const method = this.readProp(instance, entry.method, null, null);
      const args = entry.params.map((p) => (p ? this.source(p.node, p.what, true, p.apis) : EMPTY));
      this.enterCallables(method, instance, args, entry.node, `controller ${cls.name}.${entry.method}`);
    }
  }

  /** Constructor arguments a dependency-injection container would pass: instances of the parameters' declared classes. */
  private injectedArgs(cls: ClassFn): Value[] {
    return constructorParams(cls.node).map((p) => {
      const param = p.type === 'TSParameterProperty' ? p.parameter : p;
      const type = param.typeAnnotation?.typeAnnotation;
      if (type?.type !== 'TSTypeReference' || type.typeName.type !== 'Identifier') return EMPTY;
      const b = (cls.scope as Scope).lookup(type.typeName.name);
      if (!b) return EMPTY;
      const classValue = this.readBinding(b);
      if (!classValue.fns.some((f) => f.kind === 'class') || classValue.fns.some((f) => f === cls)) return EMPTY;
      return this.construct(classValue, [], p, null);
    });
  }

  /** Calls every callable of a value. */
  callValue(fnV: Value, thisValue: Value, args: Value[], site: CallSite): Value {
    let result = EMPTY;
    for (const f of fnV.fns) result = join(result, this.callCallable(f, thisValue, args, site));
    return result;
  }

  callCallable(f: Callable, thisValue: Value, args: Value[], site: CallSite): Value {
    switch (f.kind) {
      case 'closure':
        return this.callClosure(f, thisValue, args, site);
      case 'class':
        return this.construct(fnValue(f, f.obj), args, site.node, site);
      case 'builtin':
        return f.impl({ an: this, thisValue, args, site });
      case 'bound':
        return this.callCallable(f.target, f.thisValue, [...f.args, ...args], site);
    }
  }

  private approximateCall(args: readonly Value[], thisValue: Value): Value {
    return make({ taint: [...args, thisValue].flatMap((a) => a.taint).map((t) => ({ ...t, raw: false })) });
  }

  private callClosure(c: Closure, thisValue: Value, args: Value[], site: CallSite): Value {
    this.reached.add(c.node);
    // Calls count as work too: dispatch through computed members can call dozens of functions per site.
    this.work += CALL_COST;
    this.entryWork += CALL_COST;
    const effectiveThis = c.thisValue ?? thisValue;
    if (this.exhausted || this.stack.length >= MAX_DEPTH) return this.approximateCall(args, effectiveThis);
    // One level more for a recursive merge that now holds a value that may be Object.prototype (obj[key] with an
    // attacker key): that level is where the pollution happens, and other recursion may have used up the bound.
    const recursionBound = args.some((a) => a.proto) ? MAX_RECURSION + 1 : MAX_RECURSION;
    if ((this.active.get(c.id) ?? 0) > recursionBound) return this.approximateCall(args, effectiveThis);
    const key = `${contextSignature(effectiveThis)}|${args.map(contextSignature).join('|')}`;
    let table = this.memo.get(c.id);
    if (!table) {
      table = new Map();
      this.memo.set(c.id, table);
    }
    const hit = this.fresh ? undefined : table.get(key);
    this.fresh = false;
    if (hit) {
      if (hit.running) hit.recursed = true;
      return hit.result;
    }
    // Entry points always get their own context: the bound is for contexts that calls create.
    const isEntry = this.entryCall === c;
    this.entryCall = null;
    if (table.size >= MAX_CONTEXTS && !isEntry) return this.callMerged(c, effectiveThis, args, site);
    const entry: MemoEntry = { result: EMPTY, running: true, recursed: false };
    table.set(key, entry);
    // Recursion saw a partial result: run again until the result is stable (bounded).
    for (let pass = 0; pass < 3; pass++) {
      entry.recursed = false;
      const before = signature(entry.result);
      entry.result = join(entry.result, this.runFunction(c, effectiveThis, args, site));
      if (!entry.recursed || signature(entry.result) === before || this.exhausted) break;
    }
    entry.running = false;
    return entry.result;
  }

  /** Past the context bound, a function gets one more context whose arguments are the join of all later calls. */
  private callMerged(c: Closure, thisValue: Value, args: Value[], site: CallSite): Value {
    let m = this.merged.get(c.id);
    if (!m) {
      m = { thisValue: EMPTY, args: [], sig: '', result: EMPTY, runs: 0 };
      this.merged.set(c.id, m);
    }
    if (m.runs >= 6) return m.result;
    let changed = m.runs === 0;
    const joinedThis = join(m.thisValue, thisValue);
    if (joinedThis !== m.thisValue) changed = true;
    m.thisValue = joinedThis;
    for (let i = 0; i < args.length; i++) {
      const joined = join(m.args[i] ?? EMPTY, args[i]!);
      if (joined !== m.args[i]) changed = true;
      m.args[i] = joined;
    }
    if (!changed) return m.result;
    const sig = `${contextSignature(m.thisValue)}|${m.args.map(contextSignature).join('|')}`;
    if (sig === m.sig) return m.result;
    m.sig = sig;
    m.runs++;
    m.result = join(m.result, this.runFunction(c, m.thisValue, [...m.args], site));
    return m.result;
  }

  private runFunction(c: Closure, thisValue: Value, args: Value[], _site: CallSite, observer: ExitObserver | null = null): Value {
    const node = c.node;
    const frame = new Frame(c.moduleId, c, thisValue, args, this.stack.length);
    frame.observer = observer;
    const scope = new Scope(c.scope as Scope, frame);
    this.stack.push(frame);
    this.active.set(c.id, (this.active.get(c.id) ?? 0) + 1);
    try {
      if (node.type === 'FunctionExpression' && node.id) {
        const self = scope.declare(node.id.name);
        self.all = fnValue(c, c.obj);
      }
      if (node.type !== 'ArrowFunctionExpression') {
        const argumentsObj = this.newObj(node, true);
        for (const a of args) argumentsObj.setDyn(a);
        args.forEach((a, i) => argumentsObj.set(String(i), a));
        const b = scope.declare('arguments');
        b.all = objValue(argumentsObj);
      }
      this.bindParams(c, node.params, args, scope);
      observer?.onStart(scope);
      if (node.body?.type === 'BlockStatement') {
        this.execBody(node.body, node.body.body, scope);
        if (!frame.state.dead) observer?.onEnd(scope);
      } else if (node.body) {
        frame.returns = withStep(this.evaluate(node.body, scope), this.loc(node.body), `returned from ${c.name || 'arrow function'}()`);
        observer?.onReturn(node.body, scope);
      }
    } finally {
      this.stack.pop();
      this.active.set(c.id, (this.active.get(c.id) ?? 1) - 1);
    }
    return frame.returns;
  }

  private bindParams(c: Closure, params: AstNode[], args: Value[], scope: Scope): void {
    const fnName = c.name || 'anonymous function';
    params.forEach((param, i) => {
      let value: Value;
      if (param.type === 'RestElement') {
        const rest = this.newObj(param, true);
        for (const a of args.slice(i)) rest.setDyn(a);
        value = make({ objs: [rest], taint: args.slice(i).flatMap((a) => a.taint) });
      } else value = args[i] ?? EMPTY;
      const names = patternNamesOf(param);
      for (const n of names) scope.declare(n);
      const paramNode = param.type === 'TSParameterProperty' ? param.parameter : param;
      const stepped = value.taint.length === 0 ? value : withStep(value, this.loc(paramNode), `enters ${fnName}() as parameter '${names[0] ?? i}'`);
      this.assignPattern(param.type === 'RestElement' ? param.argument : param, stepped, scope, true, paramNode);
      if (param.type === 'TSParameterProperty' && names[0]) {
        this.storeProp(this.frame!.thisValue, names[0], null, stepped, param, scope);
      }
    });
  }

  private readonly guardSummaries = new Map<number, GuardSummary | null>();

  /**
   * What a project function guarantees about its arguments when it returns true, false or
   * at all (see guard-summary.ts); computed once per function, nothing while it is running.
   */
  guardSummary(c: Closure, thisValue: Value): GuardSummary {
    const known = this.guardSummaries.get(c.id);
    if (known !== undefined) return known ?? NO_SUMMARY;
    if (!summarisable(c) || this.stack.length >= MAX_DEPTH || this.exhausted) return NO_SUMMARY;
    this.guardSummaries.set(c.id, null);
    const summary = computeGuardSummary(this, c, c.thisValue ?? thisValue);
    this.guardSummaries.set(c.id, summary);
    return summary;
  }

  /** One analysis of a function outside the memo, watched by an observer (guard summaries). */
  probeFunction(c: Closure, thisValue: Value, args: Value[], observer: ExitObserver): void {
    this.runFunction(c, thisValue, args, { node: c.node, name: null, recvNode: null, argNodes: [] }, observer);
  }

  /** Refines the current state for the branch where `test` is `truth`. */
  refineByTest(test: AstNode, scope: Scope, truth: boolean): void {
    refineByTest(this, test, scope, truth);
  }

  /** `new F(args)`: a fresh object (per site and context) run through the constructor chain. */
  construct(calleeV: Value, args: Value[], node: AstNode, site: CallSite | null): Value {
    let result = EMPTY;
    const callSite: CallSite = site ?? { node, name: null, recvNode: null, argNodes: [] };
    for (const f of calleeV.fns) {
      if (f.kind === 'class') {
        const instance = this.newObj(node, false);
        instance.proto = f.protoObj;
        const value = objValue(instance);
        this.runClassConstructor(f, value, args, callSite);
        result = join(result, value);
      } else if (f.kind === 'closure') {
        const instance = this.newObj(node, false);
        instance.proto = this.prototypeOf(f.obj);
        const value = objValue(instance);
        const returned = this.callClosure(f, value, args, callSite);
        // A constructor that returns an object on some path gives that object there, `this` elsewhere.
        result = join(result, returned.objs.length > 0 ? join(value, make({ objs: returned.objs, fns: returned.fns })) : value);
      } else if (f.kind === 'builtin') {
        result = join(result, f.impl({ an: this, thisValue: EMPTY, args, site: callSite, isNew: true }));
      }
    }
    for (const api of calleeV.apis) result = join(result, constructApi(this, api, args, callSite));
    return result;
  }

  private runClassConstructor(cls: ClassFn, instance: Value, args: Value[], site: CallSite): void {
    const ctor = cls.node.body.body.find((m: AstNode) => m.type === 'MethodDefinition' && m.kind === 'constructor');
    const fieldsInit = () => this.initFields(cls, instance);
    if (!ctor) {
      for (const s of cls.superValue.fns) {
        if (s.kind === 'class') this.runClassConstructor(s, instance, args, site);
        else if (s.kind === 'closure') this.callClosure(s, instance, args, site);
      }
      fieldsInit();
      return;
    }
    if (!cls.superValue.fns.length) fieldsInit();
    const ctorClosure = this.makeClosure(ctor.value, cls.scope as Scope, { homeClass: cls, name: `${cls.name || 'class'}.constructor` });
    const f = ctorClosure.fns[0] as Closure;
    this.pendingFieldInit.set(f.id, fieldsInit);
    try {
      this.callClosure(f, instance, args, site);
    } finally {
      this.pendingFieldInit.delete(f.id);
    }
  }

  private readonly pendingFieldInit = new Map<number, () => void>();

  private initFields(cls: ClassFn, instance: Value): void {
    const frame = new Frame(cls.moduleId, cls, instance, [], this.stack.length);
    const scope = new Scope(cls.scope as Scope, frame);
    this.stack.push(frame);
    try {
      for (const member of cls.node.body.body) {
        if ((member.type === 'PropertyDefinition' || member.type === 'AccessorProperty') && !member.static && member.value) {
          const name = propertyKeyName(member.key) ?? (member.key.type === 'PrivateIdentifier' ? `#${member.key.name}` : null);
          if (!name) continue;
          const v = this.evaluate(member.value, scope);
          for (const o of instance.objs) o.set(name, v);
        }
      }
    } finally {
      this.stack.pop();
    }
  }

  /** Analyses a function as an entry point (web handler, exported function), once per callable. */
  enterCallables(fnV: Value, thisValue: Value, args: Value[], node: AstNode, name: string): Value {
    let result = EMPTY;
    for (const f of fnV.fns) {
      const key = f.id * 1000 + (args.some((a) => a.taint.length > 0) ? 1 : 0);
      if (this.entered.has(key)) continue;
      this.entered.add(key);
      const saved = { work: this.entryWork, name: this.entryName };
      this.beginEntry(name);
      try {
        this.entryCall = f;
        result = join(result, this.callCallable(f, thisValue, args, { node, name: null, recvNode: null, argNodes: [] }));
      } finally {
        this.entryCall = null;
        this.entryWork = saved.work;
        this.entryName = saved.name;
      }
    }
    return result;
  }

  /** Analyses a handler registered with a web framework, its parameters bound to request sources. */
  enterHandler(kind: HandlerKind, fnV: Value, node: AstNode): void {
    for (const f of fnV.fns) {
      const params = f.kind === 'closure' ? f.node.params : [];
      const args = handlerParams(this, kind, params, f.kind === 'closure' ? f.moduleId : this.currentModule());
      this.enterCallables(fnValue(f), EMPTY, args, node, `${kind} handler`);
    }
  }

  // ---------------------------------------------------------------- sources and sinks

  loc(node: AstNode): Loc {
    return { file: this.frame?.moduleId ?? '', start: node.start, end: node.end };
  }

  text(node: AstNode, max = 60): string {
    const file = this.files.get(this.frame?.moduleId ?? '');
    if (!file) return '';
    const raw = file.text.slice(node.start, Math.min(node.end, node.start + max + 1)).replace(/\s+/g, ' ');
    return raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
  }

  /** A value read from request input at `node`. */
  source(node: AstNode, what: string, raw: boolean, apis: string[] = [], kind: SourceKind = 'web', moduleId?: string): Value {
    const loc = moduleId ? { file: moduleId, start: node.start, end: node.end } : this.loc(node);
    const id = `${kind}:${loc.file}:${loc.start}:${what}`;
    let label = this.labels.get(id);
    if (!label) {
      label = newLabel(id, kind, what);
      this.labels.set(id, label);
    }
    return make({ taint: [newTaint(label, loc, what, raw)], apis });
  }

  /** Reports every live taint of `value` for a sink class. */
  sink(cls: SinkClass, value: Value, node: AstNode, what: string, note?: string, group?: SinkGroup): boolean {
    // A library's caller naming the whole path is the function's contract (readJson(file)), not traversal:
    // traversal needs a root the package meant to confine the input to (a joined, resolved or concatenated path).
    const live = liveTaints(value, cls).filter(
      (t) => !t.label.probe && (t.label.kind === 'web' || (LIBRARY_CLASSES.has(cls) && !(cls === 'path' && passedThrough(value)))),
    );
    if (live.length === 0) return false;
    this.collector.report(cls, this.loc(node), what, live, note, group);
    return true;
  }

  private fnName(frame: Frame): string {
    const fn = frame.fn;
    if (!fn) return 'module';
    if (fn.kind === 'closure' || fn.kind === 'class') return `${fn.name || 'anonymous function'}()`;
    return 'function';
  }

  // ---------------------------------------------------------------- expressions

  evaluate(node: AstNode, scope: Scope): Value {
    this.tick(node);
    if (this.nesting >= MAX_NESTING) {
      this.warnOnce(node, 'expressions nested too deeply: the innermost ones are not analysed');
      return EMPTY;
    }
    this.nesting++;
    try {
      return this.evaluateNode(node, scope);
    } finally {
      this.nesting--;
    }
  }

  private nesting = 0;

  private warnOnce(node: AstNode, message: string): void {
    const path = this.currentModule();
    const key = `${path}|${message}`;
    if (this.budgetWarned.has(key)) return;
    this.budgetWarned.add(key);
    const file = this.files.get(path);
    this.warnings.push({ path, line: file ? file.lines.line(node.start) : 1, message });
  }

  private evaluateNode(node: AstNode, scope: Scope): Value {
    switch (node.type) {
      case 'Literal':
        if (typeof node.value === 'string') return strValue(node.value);
        if (node.regex) return make({ regex: { pattern: node.regex.pattern, flags: node.regex.flags } });
        if (typeof node.value === 'number' || typeof node.value === 'boolean') return make({ numeric: true, str: String(node.value) });
        if (typeof node.value === 'bigint') return NUMERIC;
        return EMPTY;
      case 'Identifier':
        return this.readVar(node.name, scope);
      case 'ThisExpression':
        return this.frame?.thisValue ?? EMPTY;
      case 'TemplateLiteral':
        return this.evalTemplate(node, scope);
      case 'TaggedTemplateExpression':
        return this.evalTaggedTemplate(node, scope);
      case 'ArrayExpression':
        return this.evalArray(node, scope);
      case 'ObjectExpression':
        return this.evalObject(node, scope);
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return this.makeClosure(node, scope);
      case 'ClassExpression':
        return this.makeClass(node, scope);
      case 'MemberExpression': {
        const paths = this.frame?.state.paths;
        if (paths && paths.size > 0) {
          const key = this.pathKey(node, scope);
          const refined = key ? paths.get(key) : undefined;
          if (refined) return refined;
        }
        const base = node.object.type === 'Super' ? this.superValue() : this.evaluate(node.object, scope);
        const { key, keyValue } = this.memberKey(node, scope);
        return this.readProp(base, key, keyValue, node);
      }
      case 'CallExpression':
        return this.evalCall(node, scope);
      case 'NewExpression': {
        const callee = this.evaluate(node.callee, scope);
        const { args, argNodes } = this.evalArgs(node.arguments, scope);
        return this.construct(callee, args, node, { node, name: null, recvNode: null, argNodes });
      }
      case 'AssignmentExpression':
        return this.evalAssign(node, scope);
      case 'UpdateExpression':
        this.evaluate(node.argument, scope);
        if (node.argument.type === 'Identifier') this.writeTarget(node.argument, NUMERIC, scope, false, node);
        return NUMERIC;
      case 'UnaryExpression':
        this.evaluate(node.argument, scope);
        return NUMERIC;
      case 'BinaryExpression':
        return this.evalBinary(node, scope);
      case 'LogicalExpression': {
        const left = this.evaluate(node.left, scope);
        if (node.operator === '&&') {
          if (!mayRefine(node.left) && !assigns(node.right)) return this.evaluate(node.right, scope);
          const saved = this.frame!.state;
          this.frame!.state = saved.clone();
          refineByTest(this, node.left, scope, true);
          const right = this.evaluate(node.right, scope);
          saved.absorb(this.frame!.state);
          this.frame!.state = saved;
          return right;
        }
        return join(left, this.evaluate(node.right, scope));
      }
      case 'ConditionalExpression': {
        this.evaluate(node.test, scope);
        if (!mayRefine(node.test) && !assigns(node.consequent) && !assigns(node.alternate)) {
          return join(this.evaluate(node.consequent, scope), this.evaluate(node.alternate, scope));
        }
        const frame = this.frame!;
        const before = frame.state;
        frame.state = before.clone();
        refineByTest(this, node.test, scope, true);
        const a = this.evaluate(node.consequent, scope);
        const afterA = frame.state;
        frame.state = before.clone();
        refineByTest(this, node.test, scope, false);
        const b = this.evaluate(node.alternate, scope);
        frame.state.absorb(afterA);
        return join(a, b);
      }
      case 'SequenceExpression': {
        let last = EMPTY;
        for (const e of node.expressions) last = this.evaluate(e, scope);
        return last;
      }
      case 'AwaitExpression':
        return awaited(this.evaluate(node.argument, scope));
      case 'YieldExpression':
        if (node.argument) this.evaluate(node.argument, scope);
        return EMPTY;
      case 'ChainExpression':
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSInstantiationExpression':
        return this.evaluate(node.expression, scope);
      case 'ImportExpression': {
        const spec = this.evaluate(node.source, scope);
        if (spec.str !== undefined && spec.taint.length === 0) return this.require(this.frame!.moduleId, spec.str);
        this.sink('code', make({ taint: spec.taint.filter((t) => t.label.kind === 'web') }), node, 'import()');
        return EMPTY;
      }
      case 'JSXElement':
      case 'JSXFragment':
        this.evalJsx(node, scope);
        return EMPTY;
      case 'SpreadElement':
        return this.elementsOf(this.evaluate(node.argument, scope), false, node);
      default:
        return EMPTY;
    }
  }

  private superValue(): Value {
    const fn = this.frame?.fn;
    const home = fn && fn.kind === 'closure' ? fn.homeClass : undefined;
    if (!home) return EMPTY;
    const proto = home.protoObj.proto;
    return proto ? objValue(proto) : EMPTY;
  }

  private evalTemplate(node: AstNode, scope: Scope): Value {
    const quasis: AstNode[] = node.quasis;
    const parts: Value[] = node.expressions.map((e: AstNode) => this.evaluate(e, scope));
    let constant: string | undefined = '';
    let prefix = '';
    let prefixOpen = true;
    let taint: Taint[] = [];
    let html = false;
    quasis.forEach((q, i) => {
      const cooked: string = q.value.cooked ?? q.value.raw ?? '';
      if (/<[a-z!/]/i.test(cooked)) html = true;
      if (constant !== undefined) constant += cooked;
      if (prefixOpen) prefix += cooked;
      const part = parts[i];
      if (part) {
        if (part.str !== undefined && !isTainted(part)) {
          if (constant !== undefined) constant += part.str;
          if (prefixOpen) prefix += part.str;
        } else {
          constant = undefined;
          prefixOpen = false;
        }
        if (part.html) html = true;
        taint = taint.concat(part.taint.map((t) => ({ ...t, raw: false })));
      }
    });
    if (constant !== undefined && taint.length === 0) return strValue(constant);
    return make({ taint: dedupeTaint(taint), built: true, prefix, html });
  }

  private evalTaggedTemplate(node: AstNode, scope: Scope): Value {
    const tag = this.evaluate(node.tag, scope);
    const exprs = node.quasi.expressions.map((e: AstNode) => this.evaluate(e, scope));
    const strings = this.newObj(node.quasi, true);
    const site: CallSite = { node, name: node.tag.type === 'MemberExpression' && !node.tag.computed ? node.tag.property.name : null, recvNode: null, argNodes: [node.quasi, ...node.quasi.expressions] };
    if (tag.fns.length > 0 || tag.apis.length > 0) {
      let result = this.callValue(tag, EMPTY, [objValue(strings), ...exprs], site);
      for (const api of tag.apis) result = join(result, callApi(this, api, EMPTY, [objValue(strings), ...exprs], site, true) ?? EMPTY);
      return result;
    }
    // Unknown tags (sql``, html``, gql``) are usually escaping or parameterising helpers: nothing propagates.
    return EMPTY;
  }

  private evalArray(node: AstNode, scope: Scope): Value {
    const arr = this.newObj(node, true);
    node.elements.forEach((e: AstNode | null, i: number) => {
      if (!e) return;
      if (e.type === 'SpreadElement') {
        arr.setDyn(this.elementsOf(this.evaluate(e.argument, scope), false, e));
        return;
      }
      arr.set(String(i), this.evaluate(e, scope));
    });
    return objValue(arr);
  }

  private evalObject(node: AstNode, scope: Scope): Value {
    const obj = this.newObj(node, false);
    let taint: Taint[] = [];
    for (const p of node.properties) {
      if (p.type === 'SpreadElement') {
        const src = this.evaluate(p.argument, scope);
        for (const o of src.objs) {
          for (const [k, v] of o.props) obj.set(k, v);
          if (!isEmptyValue(o.dyn)) obj.setDyn(o.dyn);
        }
        if (src.taint.length > 0) {
          obj.setDyn(make({ taint: src.taint }));
          taint = taint.concat(src.taint);
        }
        for (const api of src.apis) {
          const member = memberOfApi(this, api, null, p);
          if (member) obj.setDyn(member);
        }
        continue;
      }
      let key: string | null;
      let keyValue: Value | null = null;
      if (p.computed) {
        keyValue = this.evaluate(p.key, scope);
        key = keyValue.str !== undefined && !isTainted(keyValue) ? keyValue.str : null;
      } else key = propertyKeyName(p.key);
      let value: Value;
      if (p.value.type === 'FunctionExpression' || p.value.type === 'ArrowFunctionExpression') {
        value = this.makeClosure(p.value, scope, { name: key ?? '' });
      } else value = this.evaluate(p.value, scope);
      if (p.kind === 'get' || p.kind === 'set') {
        if (p.kind === 'get') {
          const getter = value;
          const got = this.callValue(getter, objValue(obj), [], { node: p, name: key, recvNode: null, argNodes: [] });
          value = got;
        } else continue;
      }
      if (key !== null) obj.set(key, value);
      else {
        obj.setDyn(value);
        if (keyValue) obj.setDynKey(keyValue);
      }
    }
    return taint.length > 0 ? make({ objs: [obj], taint: dedupeTaint(taint) }) : objValue(obj);
  }

  private evalJsx(node: AstNode, scope: Scope): void {
    const visit = (n: AstNode | null) => {
      if (!n) return;
      if (n.type === 'JSXElement') {
        for (const attr of n.openingElement.attributes) {
          if (attr.type === 'JSXSpreadAttribute') {
            this.evaluate(attr.argument, scope);
            continue;
          }
          const name = attr.name?.type === 'JSXIdentifier' ? attr.name.name : '';
          if (attr.value?.type === 'JSXExpressionContainer' && attr.value.expression.type !== 'JSXEmptyExpression') {
            const v = this.evaluate(attr.value.expression, scope);
            if (name === 'dangerouslySetInnerHTML') {
              const html = this.readProp(v, '__html', null, attr);
              this.sink('xss', html, attr, 'dangerouslySetInnerHTML');
            }
          }
        }
        for (const child of n.children) visit(child);
      } else if (n.type === 'JSXFragment') {
        for (const child of n.children) visit(child);
      } else if (n.type === 'JSXExpressionContainer' && n.expression.type !== 'JSXEmptyExpression') {
        this.evaluate(n.expression, scope);
      }
    };
    visit(node);
  }

  private evalBinary(node: AstNode, scope: Scope): Value {
    const left = this.evaluate(node.left, scope);
    const right = this.evaluate(node.right, scope);
    if (node.operator !== '+') return NUMERIC;
    if (left.numeric && right.numeric) return NUMERIC;
    if (left.str !== undefined && right.str !== undefined && !isTainted(left) && !isTainted(right)) return strValue(left.str + right.str);
    const taint = dedupeTaint([...left.taint, ...right.taint].map((t) => ({ ...t, raw: false })));
    let prefix: string | undefined;
    if (left.str !== undefined && !isTainted(left)) prefix = left.str + (right.str !== undefined && !isTainted(right) ? right.str : right.prefix ?? '');
    else prefix = left.prefix;
    const constantParts = [left, right].filter((v) => v.str !== undefined && !isTainted(v));
    const html = !!(left.html || right.html || constantParts.some((v) => /<[a-z!/]/i.test(v.str!)));
    return make({ taint, built: true, prefix, html, norm: false });
  }

  private evalAssign(node: AstNode, scope: Scope): Value {
    const op: string = node.operator;
    let value: Value;
    if (op === '=') value = this.evaluate(node.right, scope);
    else {
      const current = this.evaluate(node.left, scope);
      const right = this.evaluate(node.right, scope);
      if (op === '+=') {
        const taint = dedupeTaint([...current.taint, ...right.taint].map((t) => ({ ...t, raw: false })));
        value = current.numeric && right.numeric ? NUMERIC : make({ taint, built: true, prefix: current.str ?? current.prefix, html: current.html || right.html || (right.str !== undefined && /<[a-z!/]/i.test(right.str)) });
      } else if (op === '||=' || op === '??=' || op === '&&=') value = join(current, right);
      else value = NUMERIC;
    }
    this.writeTarget(node.left, value, scope, false, node);
    return value;
  }

  evalArgs(nodes: AstNode[], scope: Scope): { args: Value[]; argNodes: AstNode[] } {
    const args: Value[] = [];
    const argNodes: AstNode[] = [];
    for (const a of nodes) {
      if (a.type === 'SpreadElement') {
        const v = this.evaluate(a.argument, scope);
        const element = this.elementsOf(v, false, a);
        // A spread fills the remaining parameters; known array elements keep their positions.
        const known = v.objs.find((o) => o.isArray && o.props.size > 0 && isEmptyValue(o.dyn));
        if (known && v.objs.length === 1) {
          for (let i = 0; known.props.has(String(i)); i++) {
            args.push(known.props.get(String(i))!);
            argNodes.push(a);
          }
        } else {
          for (let i = 0; i < 4; i++) {
            args.push(element);
            argNodes.push(a);
          }
        }
        continue;
      }
      args.push(this.evaluate(a, scope));
      argNodes.push(a);
    }
    return { args, argNodes };
  }

  private evalCall(node: AstNode, scope: Scope): Value {
    let callee: AstNode = node.callee;
    while (callee.type === 'ParenthesizedExpression' || callee.type === 'TSAsExpression' || callee.type === 'TSNonNullExpression' || callee.type === 'ChainExpression')
      callee = callee.expression;
    if (callee.type === 'Super') {
      const { args } = this.evalArgs(node.arguments, scope);
      const frame = this.frame!;
      const fn = frame.fn;
      const home = fn && fn.kind === 'closure' ? fn.homeClass : undefined;
      if (home) {
        for (const s of home.superValue.fns) {
          if (s.kind === 'class') this.runClassConstructor(s, frame.thisValue, args, { node, name: null, recvNode: null, argNodes: node.arguments });
          else if (s.kind === 'closure') this.callClosure(s, frame.thisValue, args, { node, name: null, recvNode: null, argNodes: node.arguments });
        }
        for (const api of home.superValue.apis) constructApi(this, api, args, { node, name: null, recvNode: null, argNodes: node.arguments });
      }
      if (fn && fn.kind === 'closure') this.pendingFieldInit.get(fn.id)?.();
      return EMPTY;
    }
    let thisValue = EMPTY;
    let fnV: Value;
    let name: string | null = null;
    let recvNode: AstNode | null = null;
    if (callee.type === 'MemberExpression') {
      recvNode = callee.object;
      thisValue = callee.object.type === 'Super' ? this.frame?.thisValue ?? EMPTY : this.evaluate(callee.object, scope);
      const base = callee.object.type === 'Super' ? this.superValue() : thisValue;
      const { key, keyValue } = this.memberKey(callee, scope);
      name = key;
      fnV = this.readProp(base, key, keyValue, callee);
    } else {
      fnV = this.evaluate(callee, scope);
      if (callee.type === 'Identifier') name = callee.name;
    }
    const { args, argNodes } = this.evalArgs(node.arguments, scope);
    const site: CallSite = { node, name, recvNode, argNodes };
    return this.invoke(fnV, thisValue, args, site, callee.type === 'MemberExpression');
  }

  /** Calls a value: project functions by analysis, library APIs by their models, anything else by default rules. */
  invoke(fnV: Value, thisValue: Value, args: Value[], site: CallSite, isMethod: boolean): Value {
    let result = EMPTY;
    let handled = false;
    if (fnV.fns.length > 0) {
      handled = true;
      result = this.callValue(fnV, thisValue, args, site);
    }
    for (const api of fnV.apis) {
      const r = callApi(this, api, thisValue, args, site, false);
      if (r !== undefined) {
        handled = true;
        result = join(result, r);
      }
    }
    if (!handled) {
      result = join(result, defaultMethodCall(this, fnV, thisValue, args, site, isMethod));
      if (!isMethod && mayWalkPath(fnV, args) && !this.calleeIsParameter(site)) result = make({ ...result, proto: true });
    }
    return result;
  }

  /** `f(...)` where f is a parameter of the running function: a callback the caller chose, not a helper of the package. */
  private calleeIsParameter(site: CallSite): boolean {
    const callee = site.node.callee;
    const fn = this.frame?.fn;
    if (callee?.type !== 'Identifier' || !fn || fn.kind !== 'closure') return false;
    return (fn.node.params as AstNode[]).some((p) => patternNamesOf(p).includes(callee.name));
  }

  // ---------------------------------------------------------------- library entry points

  /** Next.js route handlers, API routes and server actions: exports that are request handlers by convention. */
  private analyseFrameworkExports(id: string): void {
    const rec = this.modules.get(id);
    if (!rec?.frame) return;
    const handlers = nextHandlers(id, rec.file.program);
    if (handlers.length === 0) return;
    this.stack.push(rec.frame);
    try {
      for (const { exportName, kind } of handlers) {
        const names = exportName === '*' ? this.exportNames(rec, new Set()) : [exportName];
        for (const name of names) {
          const value = this.readExport(id, name, new Set());
          if (value.fns.length > 0) this.enterHandler(kind, value, rec.file.program);
        }
      }
    } finally {
      this.stack.pop();
    }
  }

  private analyseExports(id: string): void {
    const rec = this.modules.get(id);
    if (!rec?.frame) return;
    this.stack.push(rec.frame);
    try {
      const seen = new Set<number>();
      if (rec.file.isModule) {
        for (const name of this.exportNames(rec, new Set())) this.analyseExportedValue(rec, name, this.readExport(id, name, new Set()), 0, seen);
      } else {
        this.analyseExportedValue(rec, 'module.exports', rec.moduleObj.get('exports') ?? EMPTY, 0, seen);
      }
      // Functions that escaped to the caller through the arguments (proto.method = fn) are part of the API too.
      for (let i = 0; i < this.escaped.length && i < 200; i++) {
        const { name, value } = this.escaped[i]!;
        this.analyseExportedValue(rec, name, value, 2, seen);
      }
      this.escaped.length = 0;
    } finally {
      this.stack.pop();
    }
  }

  /** Functions stored into library input objects during the analysis of an export. */
  private readonly escaped: Array<{ name: string; value: Value }> = [];

  /**
   * The public API reachable from an exported value: its functions and classes (and
   * their methods), the members of exported objects and instances, and what exported
   * factories return.
   */
  private analyseExportedValue(rec: ModuleRec, name: string, value: Value, depth: number, seen: Set<number>, holder: Obj | null = null): void {
    if (depth > 3) return;
    for (const f of value.fns) {
      if (f.kind !== 'closure' && f.kind !== 'class') continue;
      const returned = this.analyseExported(rec, name, f, holder);
      if (returned && depth < 2) this.analyseExportedValue(rec, `${name}()`, returned, depth + 1, seen);
    }
    for (const o of value.objs) {
      if (o.fn || seen.has(o.id)) continue;
      seen.add(o.id);
      for (let p: Obj | null = o, level = 0; p && level < 4; p = p.proto, level++) {
        for (const [k, v] of p.props) {
          if (k === 'prototype' || k.startsWith('@')) continue;
          this.analyseExportedValue(rec, name === 'module.exports' ? k : `${name}.${k}`, v.fns.length > 0 && p !== o ? make({ fns: v.fns, objs: v.objs }) : v, depth + 1, seen, o);
        }
      }
    }
  }

  /** Analyses one exported function or class with library inputs; returns what a call returns. */
  private analyseExported(rec: ModuleRec, name: string, f: Closure | ClassFn, holder: Obj | null): Value | null {
    if (this.entered.has(f.id * 1000 + 1)) return null;
    const params: AstNode[] = f.kind === 'closure' ? f.node.params : constructorParams(f.node);
    const args = this.libraryArgs(f, name, params);
    const fnV = fnValue(f, f.obj);
    let result: Value | null = null;
    // A method of an exported object runs with that object as `this`; other functions may be constructors.
    const method = f.kind === 'closure' && holder !== null && !/^[A-Z]/.test(f.name);
    if (f.kind === 'closure' && (method || f.node.type === 'ArrowFunctionExpression' || f.node.async || f.node.generator)) {
      result = this.enterCallables(fnV, holder ? objValue(holder) : EMPTY, args, f.node, `export ${name} of ${rec.id}`);
    } else {
      // Called as a constructor too: methods set on `this` (this.set = function ...) become part of the API.
      this.entered.add(f.id * 1000 + 1);
      const saved = { work: this.entryWork, name: this.entryName };
      this.beginEntry(`export ${name} of ${rec.id}`);
      let instance: Value;
      try {
        this.entryCall = f;
        instance = this.construct(fnV, args, f.node, null);
      } finally {
        this.entryCall = null;
        this.entryWork = saved.work;
        this.entryName = saved.name;
      }
      if (f.kind === 'closure') result = instance;
      const methods = collectMethods(...instance.objs);
      for (const [methodName, m] of methods) {
        for (const mf of m.fns) {
          if (mf.kind !== 'closure') continue;
          const margs = this.libraryArgs(mf, `${name}.${methodName}`, mf.node.params);
          this.enterCallables(fnValue(mf, mf.obj), instance, margs, mf.node, `export ${name}.${methodName} of ${rec.id}`);
        }
      }
    }
    for (const [k, v] of f.obj.props) {
      if (k === 'prototype') continue;
      for (const sf of v.fns) {
        if (sf.kind !== 'closure') continue;
        const sargs = this.libraryArgs(sf, `${name}.${k}`, sf.node.params);
        this.enterCallables(fnValue(sf, sf.obj), fnV, sargs, sf.node, `export ${name}.${k} of ${rec.id}`);
      }
    }
    return result;
  }

  /** Library inputs for a function's parameters, and for what it may read through `arguments`. */
  private libraryArgs(f: Closure | ClassFn, exportName: string, params: readonly AstNode[], internal = false): Value[] {
    const args = params.map((p, i) => this.libraryInput(f, exportName, p, i, internal));
    if (params.length < 3 && f.kind === 'closure' && f.node.type !== 'ArrowFunctionExpression') {
      for (let i = params.length; i < 3; i++) args.push(this.libraryInput(f, exportName, f.node, i, internal));
    }
    return args;
  }

  private libraryInput(f: Closure | ClassFn, exportName: string, param: AstNode, index: number, internal = false): Value {
    const names = patternNamesOf(param);
    const fnName = exportName === 'module.exports' ? f.name || 'module.exports' : exportName;
    const kind = internal ? 'unexported' : 'exported';
    const what = param === f.node ? `argument ${index + 1} of ${kind} ${fnName}()` : `parameter '${names[0] ?? index}' of ${kind} ${fnName}()`;
    const node = param.type === 'TSParameterProperty' ? param.parameter : param;
    const loc: Loc = { file: f.moduleId, start: node.start, end: param === f.node ? node.start : node.end };
    const id = `library:${loc.file}:${loc.start}:${index}`;
    let label = this.labels.get(id);
    if (!label) {
      label = newLabel(id, 'library', what);
      this.labels.set(id, label);
    }
    return make({ taint: [newTaint(label, loc, what, true)] });
  }

  /** Every function value created, in creation order (for the unreached-function pass). */
  private readonly created = new Map<string, Closure[]>();

  /**
   * In a library, functions that nothing reached (not exported, not called: code
   * loaded some other way, UMD and browser bundles, helpers exported by patterns we
   * do not follow) are analysed with their parameters as library input too.
   */
  private analyseUnreachedFunctions(): void {
    const done = new Set<AstNode>();
    const all = [...this.created.keys()].sort().flatMap((id) => this.created.get(id)!);
    for (let i = 0; i < all.length; i++) {
      const c = all[i]!;
      if (this.reached.has(c.node) || done.has(c.node)) continue;
      done.add(c.node);
      if (c.homeClass) continue;
      const name = c.name || 'anonymous function';
      const args = this.libraryArgs(c, name, c.node.params, true);
      this.enterCallables(fnValue(c, c.obj), EMPTY, args, c.node, `function ${name} of ${c.moduleId}`);
    }
  }

  /** Functions that look like request handlers (req, res) but were never reached: analysed with request sources. */
  private analyseUnreachedHandlers(ids: string[]): void {
    for (const id of ids) {
      const rec = this.modules.get(id);
      if (!rec?.frame) continue;
      for (const [node, f] of rec.frame.closures) {
        if (f.kind !== 'closure' || this.reached.has(node)) continue;
        const params: AstNode[] = node.params;
        const first = params[0]?.type === 'Identifier' ? params[0].name : '';
        const second = params[1]?.type === 'Identifier' ? params[1].name : '';
        if (/^(req|request)$/.test(first) && /^(res|response)$/.test(second)) {
          this.stack.push(rec.frame);
          try {
            this.enterHandler('express', fnValue(f, f.obj), node);
          } finally {
            this.stack.pop();
          }
        }
      }
    }
  }

  /** A clean copy for values that stop being the original string (numeric conversion and such). */
  static sanitized(v: Value, mask = ALL_CLASSES): Value {
    return sanitize(withoutStringFacts(v), mask);
  }
}

// -------------------------------------------------------------------- helpers

const mayRefineCache = new WeakMap<AstNode, boolean>();
const assignsCache = new WeakMap<AstNode, boolean>();

/**
 * `get(obj, path)` where the function is not in the project and has no model: a helper
 * that walks `obj` along an attacker-chosen path may return Object.prototype (path
 * "__proto__"), so writing through its result with attacker keys is the obj[a][b] = c shape.
 */
function mayWalkPath(fnV: Value, args: readonly Value[]): boolean {
  // Only the package's own helpers: a function value the caller supplied (a customizer callback) walks nothing we know of.
  if (fnV.fns.length > 0 || fnV.apis.length > 0 || fnV.taint.length > 0 || args.length < 2) return false;
  const [target, ...rest] = args;
  if (!target || (target.objs.length === 0 && target.taint.length === 0)) return false;
  return rest.some((a) => a.str === undefined && isTainted(a, 'prototype'));
}

/** Could a guard refine anything on a branch of this test (comparisons, membership and validator calls)? */
function mayRefine(node: AstNode): boolean {
  let cached = mayRefineCache.get(node);
  if (cached === undefined) {
    cached = containsNode(node, (n) => n.type === 'BinaryExpression' || n.type === 'CallExpression', 40);
    mayRefineCache.set(node, cached);
  }
  return cached;
}

/** Does evaluating this expression assign a variable (so branches must keep separate states)? */
function assigns(node: AstNode): boolean {
  let cached = assignsCache.get(node);
  if (cached === undefined) {
    cached = containsNode(node, (n) => n.type === 'AssignmentExpression' || n.type === 'UpdateExpression', 200);
    assignsCache.set(node, cached);
  }
  return cached;
}

/** A bounded search of an expression, not entering functions; "true" when the bound is hit. */
function containsNode(root: AstNode, test: (n: AstNode) => boolean, limit: number): boolean {
  const stack: AstNode[] = [root];
  let seen = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (++seen > limit) return true;
    if (test(n)) return true;
    if (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'ClassExpression') continue;
    for (const key in n) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      const child = (n as Record<string, unknown>)[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c && typeof c === 'object' && typeof (c as AstNode).type === 'string') stack.push(c as AstNode);
      } else if (child && typeof child === 'object' && typeof (child as AstNode).type === 'string') stack.push(child as AstNode);
    }
  }
  return false;
}

function importedName(node: AstNode): string {
  return node.type === 'Identifier' ? node.name : String(node.value);
}

export function propertyKeyName(key: AstNode): string | null {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal') return String(key.value);
  if (key.type === 'PrivateIdentifier') return `#${key.name}`;
  return null;
}

function patternNamesOf(pattern: AstNode): string[] {
  switch (pattern?.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p: AstNode) => patternNamesOf(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e: AstNode | null) => (e ? patternNamesOf(e) : []));
    case 'RestElement':
      return patternNamesOf(pattern.argument);
    case 'AssignmentPattern':
      return patternNamesOf(pattern.left);
    case 'TSParameterProperty':
      return patternNamesOf(pattern.parameter);
    default:
      return [];
  }
}

function dedupeTaint(taints: Taint[]): Taint[] {
  const seen = new Map<string, Taint>();
  for (const t of taints) {
    const old = seen.get(t.label.id);
    if (!old) seen.set(t.label.id, t);
    else seen.set(t.label.id, { ...old, clean: old.clean & t.clean, raw: old.raw || t.raw });
  }
  return [...seen.values()].slice(0, 6);
}

/** Settled value of a promise: a `new Promise` object resolves to what was passed to resolve(). */
export function awaited(v: Value): Value {
  const settled = v.objs.filter((o) => o.settled !== undefined);
  if (settled.length === 0) return v;
  return joinAll([make({ ...v, objs: v.objs.filter((o) => o.settled === undefined) }), ...settled.map((o) => o.settled!)]);
}

/** A memo key: like `signature`, plus each object's property count so a grown object is a new context. */
function contextSignature(v: Value): string {
  let s = signature(v);
  for (const o of v.objs) s += `~${o.props.size}.${o.dyn.taint.length}`;
  return s;
}

function refineSwitchCase(an: Analyzer, discriminant: AstNode, test: AstNode, scope: Scope): void {
  if (discriminant.type !== 'Identifier' && discriminant.type !== 'MemberExpression') return;
  if (test.type === 'Literal' || (test.type === 'TemplateLiteral' && test.expressions.length === 0)) {
    an.refine(discriminant, scope, (v) => Analyzer.sanitized(v));
  }
}

function constructorParams(classNode: AstNode): AstNode[] {
  const ctor = classNode.body.body.find((m: AstNode) => m.type === 'MethodDefinition' && m.kind === 'constructor');
  return ctor?.value?.params ?? [];
}

/** Methods of objects: own function-valued properties and those of the prototype chain. */
function collectMethods(...objects: Obj[]): Array<[string, Value]> {
  const out: Array<[string, Value]> = [];
  for (const start of objects) {
    for (let o: Obj | null = start, depth = 0; o && depth < 4; o = o.proto, depth++) {
      for (const [k, v] of o.props) if (v.fns.length > 0 && !k.startsWith('@') && !out.some(([n]) => n === k)) out.push([k, v]);
    }
  }
  return out;
}

/** A fresh empty object or array (`{}`, `[]`, `isArray ? [] : {}`): a container on the way to the data. */
function freshContainer(node: AstNode): boolean {
  if (node.type === 'ParenthesizedExpression') return freshContainer(node.expression);
  if (node.type === 'ConditionalExpression') return freshContainer(node.consequent) && freshContainer(node.alternate);
  return (node.type === 'ObjectExpression' && node.properties.length === 0) || (node.type === 'ArrayExpression' && node.elements.length === 0);
}

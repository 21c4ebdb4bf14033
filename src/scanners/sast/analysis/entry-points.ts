import type { Analyzer, ModuleRec } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import type { Frame } from './frame.js';
import { EMPTY, Obj, fnValue, join, make, newLabel, newTaint, objValue, type ClassFn, type Closure, type Loc, type Value } from './value.js';
import { type HandlerKind, handlerParams, nextHandlers } from '../models/frameworks.js';
import { beginEntry, withEntryBudget } from './budget.js';
import { effects } from './effects.js';
import { loadModule, exportNames, readExport } from './modules.js';
import { construct } from './closures.js';
import { callCallable } from './calls.js';
import { patternNamesOf, constructorParams } from './ast-utils.js';

/** Entry points: the order of the whole analysis, web handlers, framework exports, the public API of a library with its parameters as library input, and functions nothing reached. */

/** Evaluates every module, then the library entry points, then unreached handler-like functions. */
export function runAnalysis(an: Analyzer): void {
  const ids = [...an.files.keys()].sort();
  for (const id of ids) {
    beginEntry(an, `module ${id}`);
    guarded(an, id, () => loadModule(an, id));
  }
  for (const id of ids) guarded(an, id, () => analyseFrameworkExports(an, id));
  if (an.options.libraryInputs) {
    for (const id of ids) guarded(an, id, () => analyseExports(an, id));
    guarded(an, '', () => analyseUnreachedFunctions(an));
  }
  guarded(an, '', () => analyseUnreachedHandlers(an, ids));
}

/** A stack overflow in one part of the analysis (pathological nesting) costs that part only. */
function guarded(an: Analyzer, id: string, work: () => void): void {
  const depth = an.stack.length;
  try {
    work();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    an.stack.length = depth;
    an.nesting = 0;
    if (depth === 0) an.active.clear();
    an.warnings.push({ path: id, line: 1, message: `analysis stopped early: ${error.message}` });
  }
}

/** Analyses a function as an entry point (web handler, exported function), once per callable. */
export function enterCallables(an: Analyzer, fnV: Value, thisValue: Value, args: Value[], node: AstNode, name: string): Value {
  let result = EMPTY;
  for (const f of fnV.fns) {
    const key = f.id * 1000 + (args.some((a) => a.taint.length > 0) ? 1 : 0);
    if (an.entered.has(key)) continue;
    an.entered.add(key);
    effects.count++;
    result = join(
      result,
      withEntryBudget(an, name, () => asEntryCall(an, f, () => callCallable(an, f, thisValue, args, { node, name: null, recvNode: null, argNodes: [] }))),
    );
  }
  return result;
}

/**
 * Analyses a handler registered with a web framework, its parameters bound to request sources.
 * A module's top level registers handlers before it has run to its end, but requests come
 * after: those handlers are analysed when the module has run, and see the helpers it
 * declares below the routes (`const download = (url) => ...`).
 */
export function enterHandler(an: Analyzer, kind: HandlerKind, fnV: Value, node: AstNode): void {
  const frame = an.frame;
  if (frame && frame.fn === null && an.modules.get(frame.moduleId)?.status === 'running') {
    const pending = an.deferredHandlers.get(frame) ?? [];
    pending.push(() => enterHandlerNow(an, kind, fnV, node));
    an.deferredHandlers.set(frame, pending);
    return;
  }
  enterHandlerNow(an, kind, fnV, node);
}

/** Runs the handlers a module's top level registered (see enterHandler). */
export function enterDeferredHandlers(an: Analyzer, frame: Frame): void {
  const pending = an.deferredHandlers.get(frame);
  if (!pending) return;
  an.deferredHandlers.delete(frame);
  for (const run of pending) run();
}

function enterHandlerNow(an: Analyzer, kind: HandlerKind, fnV: Value, node: AstNode): void {
  for (const f of fnV.fns) {
    const params = f.kind === 'closure' ? f.node.params : [];
    const args = handlerParams(an, kind, params, f.kind === 'closure' ? f.moduleId : an.currentModule());
    enterCallables(an, fnValue(f), EMPTY, args, node, `${kind} handler`);
  }
}

/** Next.js route handlers, API routes and server actions: exports that are request handlers by convention. */
function analyseFrameworkExports(an: Analyzer, id: string): void {
  const rec = an.modules.get(id);
  if (!rec?.frame) return;
  const handlers = nextHandlers(id, rec.file.program);
  if (handlers.length === 0) return;
  an.stack.push(rec.frame);
  try {
    for (const { exportName, kind } of handlers) {
      const names = exportName === '*' ? exportNames(an, rec, new Set()) : [exportName];
      for (const name of names) {
        const value = readExport(an, id, name, new Set());
        if (value.fns.length > 0) enterHandler(an, kind, value, rec.file.program);
      }
    }
  } finally {
    an.stack.pop();
  }
}

function analyseExports(an: Analyzer, id: string): void {
  const rec = an.modules.get(id);
  if (!rec?.frame) return;
  an.stack.push(rec.frame);
  try {
    const seen = new Set<number>();
    if (rec.file.isModule) {
      for (const name of exportNames(an, rec, new Set())) analyseExportedValue(an, rec, name, readExport(an, id, name, new Set()), 0, seen);
    } else {
      analyseExportedValue(an, rec, 'module.exports', rec.moduleObj.get('exports') ?? EMPTY, 0, seen);
    }
    // Functions that escaped to the caller through the arguments (proto.method = fn) are part of the API too.
    for (let i = 0; i < an.escaped.length && i < 200; i++) {
      const { name, value } = an.escaped[i]!;
      analyseExportedValue(an, rec, name, value, 2, seen);
    }
    an.escaped.length = 0;
  } finally {
    an.stack.pop();
  }
}

/**
 * The public API reachable from an exported value: its functions and classes (and
 * their methods), the members of exported objects and instances, and what exported
 * factories return.
 */
function analyseExportedValue(an: Analyzer, rec: ModuleRec, name: string, value: Value, depth: number, seen: Set<number>, holder: Obj | null = null): void {
  if (depth > 3) return;
  for (const f of value.fns) {
    if (f.kind !== 'closure' && f.kind !== 'class') continue;
    const returned = analyseExported(an, rec, name, f, holder);
    if (returned && depth < 2) analyseExportedValue(an, rec, `${name}()`, returned, depth + 1, seen);
  }
  for (const o of value.objs) {
    if (o.fn || seen.has(o.id)) continue;
    seen.add(o.id);
    for (let p: Obj | null = o, level = 0; p && level < 4; p = p.proto, level++) {
      for (const [k, v] of p.props) {
        if (k === 'prototype' || k.startsWith('@')) continue;
        analyseExportedValue(an, rec, name === 'module.exports' ? k : `${name}.${k}`, v.fns.length > 0 && p !== o ? make({ fns: v.fns, objs: v.objs }) : v, depth + 1, seen, o);
      }
    }
  }
}

/** Analyses one exported function or class with library inputs; returns what a call returns. */
function analyseExported(an: Analyzer, rec: ModuleRec, name: string, f: Closure | ClassFn, holder: Obj | null): Value | null {
  if (an.entered.has(f.id * 1000 + 1)) return null;
  const params: AstNode[] = f.kind === 'closure' ? f.node.params : constructorParams(f.node);
  const args = libraryArgs(an, f, name, params);
  const fnV = fnValue(f, f.obj);
  let result: Value | null = null;
  // A method of an exported object runs with that object as `this`; other functions may be constructors.
  const method = f.kind === 'closure' && holder !== null && !/^[A-Z]/.test(f.name);
  if (f.kind === 'closure' && (method || f.node.type === 'ArrowFunctionExpression' || f.node.async || f.node.generator)) {
    result = enterCallables(an, fnV, holder ? objValue(holder) : EMPTY, args, f.node, `export ${name} of ${rec.id}`);
  } else {
    // Called as a constructor too: methods set on `this` (this.set = function ...) become part of the API.
    an.entered.add(f.id * 1000 + 1);
    const instance = withEntryBudget(an, `export ${name} of ${rec.id}`, () => asEntryCall(an, f, () => construct(an, fnV, args, f.node, null)));
    if (f.kind === 'closure') result = instance;
    const methods = collectMethods(...instance.objs);
    for (const [methodName, m] of methods) {
      for (const mf of m.fns) {
        if (mf.kind !== 'closure') continue;
        const margs = libraryArgs(an, mf, `${name}.${methodName}`, mf.node.params);
        enterCallables(an, fnValue(mf, mf.obj), instance, margs, mf.node, `export ${name}.${methodName} of ${rec.id}`);
      }
    }
  }
  for (const [k, v] of f.obj.props) {
    if (k === 'prototype') continue;
    for (const sf of v.fns) {
      if (sf.kind !== 'closure') continue;
      const sargs = libraryArgs(an, sf, `${name}.${k}`, sf.node.params);
      enterCallables(an, fnValue(sf, sf.obj), fnV, sargs, sf.node, `export ${name}.${k} of ${rec.id}`);
    }
  }
  return result;
}

/** Library inputs for a function's parameters, and for what it may read through `arguments`. */
function libraryArgs(an: Analyzer, f: Closure | ClassFn, exportName: string, params: readonly AstNode[], internal = false): Value[] {
  const args = params.map((p, i) => libraryInput(an, f, exportName, p, i, internal));
  if (params.length < 3 && f.kind === 'closure' && f.node.type !== 'ArrowFunctionExpression') {
    for (let i = params.length; i < 3; i++) args.push(libraryInput(an, f, exportName, f.node, i, internal));
  }
  return args;
}

function libraryInput(an: Analyzer, f: Closure | ClassFn, exportName: string, param: AstNode, index: number, internal = false): Value {
  const names = patternNamesOf(param);
  const fnName = exportName === 'module.exports' ? f.name || 'module.exports' : exportName;
  const kind = internal ? 'unexported' : 'exported';
  const what = param === f.node ? `argument ${index + 1} of ${kind} ${fnName}()` : `parameter '${names[0] ?? index}' of ${kind} ${fnName}()`;
  const node = param.type === 'TSParameterProperty' ? param.parameter : param;
  const loc: Loc = { file: f.moduleId, start: node.start, end: param === f.node ? node.start : node.end };
  const id = `library:${loc.file}:${loc.start}:${index}`;
  let label = an.labels.get(id);
  if (!label) {
    label = newLabel(id, 'library', what);
    an.labels.set(id, label);
  }
  return make({ taint: [newTaint(label, loc, what, true)] });
}

/**
 * In a library, functions that nothing reached (not exported, not called: code
 * loaded some other way, UMD and browser bundles, helpers exported by patterns we
 * do not follow) are analysed with their parameters as library input too.
 */
function analyseUnreachedFunctions(an: Analyzer): void {
  const done = new Set<AstNode>();
  const all = [...an.created.keys()].sort().flatMap((id) => an.created.get(id)!);
  for (let i = 0; i < all.length; i++) {
    const c = all[i]!;
    if (an.reached.has(c.node) || done.has(c.node)) continue;
    done.add(c.node);
    if (c.homeClass) continue;
    const name = c.name || 'anonymous function';
    const args = libraryArgs(an, c, name, c.node.params, true);
    enterCallables(an, fnValue(c, c.obj), EMPTY, args, c.node, `function ${name} of ${c.moduleId}`);
  }
}

/** Functions that look like request handlers (req, res) but were never reached: analysed with request sources. */
function analyseUnreachedHandlers(an: Analyzer, ids: string[]): void {
  for (const id of ids) {
    const rec = an.modules.get(id);
    if (!rec?.frame) continue;
    for (const [node, f] of rec.frame.closures) {
      if (f.kind !== 'closure' || an.reached.has(node)) continue;
      const params: AstNode[] = node.params;
      const first = params[0]?.type === 'Identifier' ? params[0].name : '';
      const second = params[1]?.type === 'Identifier' ? params[1].name : '';
      if (/^(req|request)$/.test(first) && /^(res|response)$/.test(second)) {
        an.stack.push(rec.frame);
        try {
          enterHandler(an, 'express', fnValue(f, f.obj), node);
        } finally {
          an.stack.pop();
        }
      }
    }
  }
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

/** Runs `body` with `f` recorded as the entry point's callee (cleared afterwards). */
function asEntryCall<T>(an: Analyzer, f: Analyzer['entryCall'], body: () => T): T {
  an.entryCall = f;
  try {
    return body();
  } finally {
    an.entryCall = null;
  }
}

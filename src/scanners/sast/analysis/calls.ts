import type { Analyzer, CallSite } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { computeGuardSummary, NO_SUMMARY, summarisable, type GuardSummary } from './guard-summary.js';
import { Frame, Scope, type ExitObserver } from './frame.js';
import { EMPTY, fnValue, isEmptyValue, isTainted, join, make, objValue, signature, withStep, type Callable, type Closure, type Obj, type Taint, type Value } from './value.js';
import { callApi, constructApi } from '../models/apis.js';
import { defaultMethodCall } from '../models/builtins.js';
import { isExhausted } from './budget.js';
import { effects } from './effects.js';
import { execBody, LOOP_PASSES } from './statements.js';
import { assignPattern } from './bindings.js';
import { newObj, memberKey, readProp, storeProp, elementsOf } from './objects.js';
import { construct, runClassConstructor } from './closures.js';
import { locOf } from './taint-points.js';
import { evaluate, superValue } from './expressions.js';
import { patternNamesOf } from './ast-utils.js';

/** Calls: each project function analysed per calling context and memoised, contexts past a bound merged, recursion and depth bounded; library APIs by their models. */

export interface MemoEntry {
  result: Value;
  running: boolean;
  /** A recursive call met this entry while it was running (and got a partial result). */
  recursed: boolean;
}

/** What the analysis keeps per function: its memoised contexts and the most work one of them cost. */
export interface FunctionMemo {
  contexts: Map<string, MemoEntry>;
  /** The most work one context has cost, Infinity once a context returned no function (CHEAP_CONTEXT_WORK); undefined before. */
  cost: number | undefined;
  /** The function's node is in `an.reached` already. */
  reached: boolean;
}

export interface MergedContext {
  thisValue: Value;
  args: Value[];
  sig: string;
  result: Value;
  runs: number;
  /** Labels of the joined `this` and arguments (set by ownTaint, cleared when they change). */
  passed?: ReadonlySet<number>;
}

const MAX_DEPTH = 22;
const CALL_COST = 4;
const MAX_CONTEXTS = 10;
/**
 * A wrapper (a function given functions that returns a function) whose contexts have each
 * cost at most this much work is not held to MAX_CONTEXTS: merging saves little there,
 * and loses what the merge cannot hold (a route wrapper `asyncHandler(fn)` used for forty
 * routes returns the wrapped handler of each, more functions than one merged value keeps).
 */
const CHEAP_CONTEXT_WORK = 40;
const MAX_RECURSION = 2;

export function evalCall(an: Analyzer, node: AstNode, scope: Scope): Value {
  let callee: AstNode = node.callee;
  while (callee.type === 'ParenthesizedExpression' || callee.type === 'TSAsExpression' || callee.type === 'TSNonNullExpression' || callee.type === 'ChainExpression')
    callee = callee.expression;
  if (callee.type === 'Super') {
    const { args } = evalArgs(an, node.arguments, scope);
    const frame = an.frame!;
    const fn = frame.fn;
    const home = fn && fn.kind === 'closure' ? fn.homeClass : undefined;
    if (home) {
      for (const s of home.superValue.fns) {
        if (s.kind === 'class') runClassConstructor(an, s, frame.thisValue, args, { node, name: null, recvNode: null, argNodes: node.arguments });
        else if (s.kind === 'closure') callClosure(an, s, frame.thisValue, args, { node, name: null, recvNode: null, argNodes: node.arguments });
      }
      for (const api of home.superValue.apis) constructApi(an, api, args, { node, name: null, recvNode: null, argNodes: node.arguments });
    }
    if (fn && fn.kind === 'closure') an.pendingFieldInit.get(fn.id)?.();
    return EMPTY;
  }
  let thisValue = EMPTY;
  let fnV: Value;
  let name: string | null = null;
  let recvNode: AstNode | null = null;
  if (callee.type === 'MemberExpression') {
    recvNode = callee.object;
    thisValue = callee.object.type === 'Super' ? an.frame?.thisValue ?? EMPTY : evaluate(an, callee.object, scope);
    const base = callee.object.type === 'Super' ? superValue(an) : thisValue;
    const { key, keyValue } = memberKey(an, callee, scope);
    name = key;
    fnV = readProp(an, base, key, keyValue, callee);
  } else {
    fnV = evaluate(an, callee, scope);
    if (callee.type === 'Identifier') name = callee.name;
  }
  const { args, argNodes } = evalArgs(an, node.arguments, scope);
  const site: CallSite = { node, name, recvNode, argNodes };
  return invoke(an, fnV, thisValue, args, site, callee.type === 'MemberExpression');
}

export function evalArgs(an: Analyzer, nodes: AstNode[], scope: Scope): { args: Value[]; argNodes: AstNode[] } {
  const args: Value[] = [];
  const argNodes: AstNode[] = [];
  for (const a of nodes) {
    if (a.type === 'SpreadElement') {
      const v = evaluate(an, a.argument, scope);
      const element = elementsOf(an, v, false, a);
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
    args.push(evaluate(an, a, scope));
    argNodes.push(a);
  }
  return { args, argNodes };
}

/** Calls a value: project functions by analysis, library APIs by their models, anything else by default rules. */
export function invoke(an: Analyzer, fnV: Value, thisValue: Value, args: Value[], site: CallSite, isMethod: boolean): Value {
  let result = EMPTY;
  let handled = false;
  if (fnV.fns.length > 0) {
    handled = true;
    result = callValue(an, fnV, thisValue, args, site);
  }
  for (const api of fnV.apis) {
    const r = callApi(an, api, thisValue, args, site, false);
    if (r !== undefined) {
      handled = true;
      result = join(result, r);
    }
  }
  if (!handled) {
    result = join(result, defaultMethodCall(an, fnV, thisValue, args, site, isMethod));
    if (!isMethod && mayWalkPath(fnV, args) && !calleeIsParameter(an, site)) result = make({ ...result, proto: true });
  }
  return result;
}

/** `f(...)` where f is a parameter of the running function: a callback the caller chose, not a helper of the package. */
function calleeIsParameter(an: Analyzer, site: CallSite): boolean {
  const callee = site.node.callee;
  const fn = an.frame?.fn;
  if (callee?.type !== 'Identifier' || !fn || fn.kind !== 'closure') return false;
  return (fn.node.params as AstNode[]).some((p) => patternNamesOf(p).includes(callee.name));
}

/** Calls every callable of a value. */
export function callValue(an: Analyzer, fnV: Value, thisValue: Value, args: Value[], site: CallSite): Value {
  let result = EMPTY;
  for (const f of fnV.fns) result = join(result, callCallable(an, f, thisValue, args, site));
  return result;
}

export function callCallable(an: Analyzer, f: Callable, thisValue: Value, args: Value[], site: CallSite): Value {
  switch (f.kind) {
    case 'closure':
      return callClosure(an, f, thisValue, args, site);
    case 'class':
      return construct(an, fnValue(f, f.obj), args, site.node, site);
    case 'builtin':
      return f.impl({ an, thisValue, args, site });
    case 'bound':
      return callCallable(an, f.target, f.thisValue, [...f.args, ...args], site);
  }
}

/**
 * Calls a callback the way a loop would (forEach, reduce): again, without the memo,
 * while its writes to enclosing variables keep changing them (ref = ref[key]).
 */
export function callRepeatedly(an: Analyzer, fnV: Value, thisValue: Value, args: Value[], site: CallSite): Value {
  let result = EMPTY;
  for (let pass = 0; pass < LOOP_PASSES; pass++) {
    const before = an.capturedWrites;
    if (pass > 0) an.fresh = true;
    try {
      result = join(result, callValue(an, fnV, thisValue, args, site));
    } finally {
      an.fresh = false;
    }
    if (an.capturedWrites === before) break;
  }
  return result;
}

function approximateCall(an: Analyzer, args: readonly Value[], thisValue: Value): Value {
  const taint: Taint[] = [];
  // Taints are immutable: one that is not raw already is reused as it is.
  for (const a of args) for (const t of a.taint) taint.push(t.raw ? { ...t, raw: false } : t);
  for (const t of thisValue.taint) taint.push(t.raw ? { ...t, raw: false } : t);
  return make({ taint });
}

export function callClosure(an: Analyzer, c: Closure, thisValue: Value, args: Value[], site: CallSite): Value {
  let fm = an.memo.get(c.id);
  if (!fm) {
    fm = { contexts: new Map(), cost: undefined, reached: false };
    an.memo.set(c.id, fm);
  }
  if (!fm.reached) {
    an.reached.add(c.node);
    fm.reached = true;
  }
  // Calls count as work too: dispatch through computed members can call dozens of functions per site.
  an.work += CALL_COST;
  an.entryWork += CALL_COST;
  const effectiveThis = c.thisValue ?? thisValue;
  if (isExhausted(an) || an.stack.length >= MAX_DEPTH) return approximateCall(an, args, effectiveThis);
  // One level more for a recursive merge that now holds a value that may be Object.prototype (obj[key] with an
  // attacker key): that level is where the pollution happens, and other recursion may have used up the bound.
  const recursionBound = args.some((a) => a.proto) ? MAX_RECURSION + 1 : MAX_RECURSION;
  if ((an.active.get(c.id) ?? 0) > recursionBound) return approximateCall(an, args, effectiveThis);
  const key = contextKey(an, effectiveThis, args);
  const table = fm.contexts;
  const hit = an.fresh ? undefined : table.get(key);
  an.fresh = false;
  if (hit) {
    if (hit.running) hit.recursed = true;
    return hit.result;
  }
  // Entry points always get their own context: the bound is for contexts that calls create.
  const isEntry = an.entryCall === c;
  an.entryCall = null;
  const cheapWrapper = args.some((a) => a.fns.length > 0) && (fm.cost ?? Infinity) <= CHEAP_CONTEXT_WORK;
  if (table.size >= MAX_CONTEXTS && !isEntry && !cheapWrapper) return callMerged(an, c, effectiveThis, args, site);
  const entry: MemoEntry = { result: EMPTY, running: true, recursed: false };
  table.set(key, entry);
  const workBefore = an.work;
  // Recursion saw a partial result: run again until the result is stable (bounded).
  for (let pass = 0; pass < 3; pass++) {
    entry.recursed = false;
    const before = signature(entry.result);
    entry.result = join(entry.result, runFunction(an, c, effectiveThis, args, site));
    if (!entry.recursed || signature(entry.result) === before || isExhausted(an)) break;
  }
  entry.running = false;
  const cost = entry.result.fns.length > 0 ? an.work - workBefore : Infinity;
  fm.cost = Math.max(fm.cost ?? 0, cost);
  return entry.result;
}

/** Past the context bound, a function gets one more context whose arguments are the join of all later calls. */
function callMerged(an: Analyzer, c: Closure, thisValue: Value, args: Value[], site: CallSite): Value {
  let m = an.merged.get(c.id);
  if (!m) {
    m = { thisValue: EMPTY, args: [], sig: '', result: EMPTY, runs: 0 };
    an.merged.set(c.id, m);
  }
  if (m.runs >= 6) return ownTaint(m, thisValue, args);
  let changed = m.runs === 0;
  const joinedThis = join(m.thisValue, thisValue);
  if (joinedThis !== m.thisValue) changed = true;
  m.thisValue = joinedThis;
  m.passed = undefined;
  for (let i = 0; i < args.length; i++) {
    const joined = join(m.args[i] ?? EMPTY, args[i]!);
    if (joined !== m.args[i]) changed = true;
    m.args[i] = joined;
  }
  if (!changed) return ownTaint(m, thisValue, args);
  effects.count++;
  const sig = contextKey(an, m.thisValue, m.args);
  if (sig === m.sig) return ownTaint(m, thisValue, args);
  m.sig = sig;
  m.runs++;
  m.result = join(m.result, runFunction(an, c, m.thisValue, [...m.args], site));
  return ownTaint(m, thisValue, args);
}

/**
 * The merged result without the taint that only other calls' arguments brought: a helper that
 * joins a path to whatever it is given returns input for the callers that give it input, not
 * for `fullPath('/files')`. Taint the function reads itself (a source, a module variable) stays.
 */
function ownTaint(m: MergedContext, thisValue: Value, args: readonly Value[]): Value {
  if (m.result.taint.length === 0) return m.result;
  let passed = m.passed;
  if (!passed) {
    const labels = new Set<number>();
    for (const v of [m.thisValue, ...m.args]) for (const t of v.taint) labels.add(t.label.num);
    m.passed = passed = labels;
  }
  if (passed.size === 0) return m.result;
  // Only the result's labels that calls passed in are looked for in this call's arguments.
  const wanted = new Set<number>();
  for (const t of m.result.taint) if (passed.has(t.label.num)) wanted.add(t.label.num);
  if (wanted.size === 0) return m.result;
  const mine = new Set<number>();
  const seen = new Map<Obj, number>();
  for (const v of [thisValue, ...args]) if (findLabels(v, wanted, mine, 2, seen)) break;
  const taint = m.result.taint.filter((t) => !wanted.has(t.label.num) || mine.has(t.label.num));
  return taint.length === m.result.taint.length ? m.result : make({ ...m.result, taint });
}

/**
 * Adds to `found` the labels of `wanted` that `v` carries, in its own taint and in its
 * objects' members `depth` levels down; true once all are found. An object already
 * searched at the same depth or deeper is not searched again (the arguments of a merged
 * call can be large graphs of objects that share members: mithril's vnodes).
 */
function findLabels(v: Value, wanted: ReadonlySet<number>, found: Set<number>, depth: number, seen: Map<Obj, number>): boolean {
  for (const t of v.taint) {
    if (wanted.has(t.label.num) && !found.has(t.label.num)) {
      found.add(t.label.num);
      if (found.size === wanted.size) return true;
    }
  }
  if (depth === 0) return false;
  for (const o of v.objs) {
    if ((seen.get(o) ?? -1) >= depth) continue;
    seen.set(o, depth);
    if (findLabels(o.dyn, wanted, found, depth - 1, seen)) return true;
    for (const p of o.props.values()) if (findLabels(p, wanted, found, depth - 1, seen)) return true;
  }
  return false;
}

function runFunction(an: Analyzer, c: Closure, thisValue: Value, args: Value[], _site: CallSite, observer: ExitObserver | null = null): Value {
  effects.count++;
  const node = c.node;
  const frame = new Frame(c.moduleId, c, thisValue, args, an.stack.length);
  frame.observer = observer;
  const scope = new Scope(c.scope as Scope, frame);
  an.stack.push(frame);
  an.active.set(c.id, (an.active.get(c.id) ?? 0) + 1);
  try {
    if (node.type === 'FunctionExpression' && node.id) {
      const self = scope.declare(node.id.name);
      self.all = fnValue(c, c.obj);
    }
    if (node.type !== 'ArrowFunctionExpression') {
      const argumentsObj = newObj(an, node, true);
      for (const a of args) argumentsObj.setDyn(a);
      args.forEach((a, i) => argumentsObj.set(String(i), a));
      const b = scope.declare('arguments');
      b.all = objValue(argumentsObj);
    }
    bindParams(an, c, node.params, args, scope);
    observer?.onStart(scope);
    if (node.body?.type === 'BlockStatement') {
      execBody(an, node.body, node.body.body, scope);
      if (!frame.state.dead) observer?.onEnd(scope);
    } else if (node.body) {
      frame.returns = withStep(evaluate(an, node.body, scope), locOf(an, node.body), `returned from ${c.name || 'arrow function'}()`);
      observer?.onReturn(node.body, scope);
    }
  } finally {
    an.stack.pop();
    an.active.set(c.id, (an.active.get(c.id) ?? 1) - 1);
  }
  return frame.returns;
}

function bindParams(an: Analyzer, c: Closure, params: AstNode[], args: Value[], scope: Scope): void {
  const fnName = c.name || 'anonymous function';
  params.forEach((param, i) => {
    let value: Value;
    if (param.type === 'RestElement') {
      const rest = newObj(an, param, true);
      for (const a of args.slice(i)) rest.setDyn(a);
      value = make({ objs: [rest], taint: args.slice(i).flatMap((a) => a.taint) });
    } else value = args[i] ?? EMPTY;
    const names = patternNamesOf(param);
    for (const n of names) scope.declare(n);
    const paramNode = param.type === 'TSParameterProperty' ? param.parameter : param;
    const stepped = value.taint.length === 0 ? value : withStep(value, locOf(an, paramNode), `enters ${fnName}() as parameter '${names[0] ?? i}'`);
    assignPattern(an, param.type === 'RestElement' ? param.argument : param, stepped, scope, true, paramNode);
    if (param.type === 'TSParameterProperty' && names[0]) {
      storeProp(an, an.frame!.thisValue, names[0], null, stepped, param, scope);
    }
  });
}

/**
 * What a project function guarantees about its arguments when it returns true, false or
 * at all (see guard-summary.ts); computed once per function, nothing while it is running.
 */
export function guardSummary(an: Analyzer, c: Closure, thisValue: Value): GuardSummary {
  const known = an.guardSummaries.get(c.id);
  if (known !== undefined) return known ?? NO_SUMMARY;
  if (!summarisable(c) || an.stack.length >= MAX_DEPTH || isExhausted(an)) return NO_SUMMARY;
  an.guardSummaries.set(c.id, null);
  const summary = computeGuardSummary(an, c, c.thisValue ?? thisValue);
  an.guardSummaries.set(c.id, summary);
  return summary;
}

/** One analysis of a function outside the memo, watched by an observer (guard summaries). */
export function probeFunction(an: Analyzer, c: Closure, thisValue: Value, args: Value[], observer: ExitObserver): void {
  runFunction(an, c, thisValue, args, { node: c.node, name: null, recvNode: null, argNodes: [] }, observer);
}

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

/** The memo key of a call: `this` and the arguments by contextSignature ("this|arg1|arg2"). */
function contextKey(an: Analyzer, thisValue: Value, args: readonly Value[]): string {
  let key = `${contextSignature(an, thisValue)}|`;
  for (let i = 0; i < args.length; i++) key += i === 0 ? contextSignature(an, args[i]!) : `|${contextSignature(an, args[i]!)}`;
  return key;
}

/**
 * A memo key: like `signature`, plus each object's property count so a grown object is a new context.
 * A long signature without constant strings stands in the key as a short code of its own (keys are
 * built, hashed and compared on every call); one with strings stays as it is, '|' and all.
 */
function contextSignature(an: Analyzer, v: Value): string {
  if (v === EMPTY) return '_';
  let s = signature(v);
  if (s.length > 16 && v.str === undefined && !v.alts) {
    let code = an.signatureCodes.get(s);
    if (code === undefined) {
      code = `\u0001${an.signatureCodes.size}`;
      an.signatureCodes.set(s, code);
    }
    s = code;
  }
  for (const o of v.objs) s += `~${o.props.size}.${o.dyn.taint.length}`;
  return s;
}

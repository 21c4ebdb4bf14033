import type { AstNode } from '../source/parse.js';
import type { Analyzer } from './analyzer.js';
import { pushChildren } from './ast-utils.js';
import type { Binding, ExitObserver, Scope } from './frame.js';
import { ALL_CLASSES, CLASS_BIT, make, mapTaint, newLabel, newTaint, sanitize, withoutStringFacts, type Closure, type Label, type Taint, type Value } from './value.js';

/**
 * Guard summaries of the project's own functions. A function like
 *
 *     function isSafePath(p) { if (p.includes('..')) return false; return true; }
 *
 * is analysed once with stand-in (probe) arguments; at every way it ends, the guards it
 * ran tell which sink classes each argument is clean for. The caller applies that to
 * its own argument: after `if (!isSafePath(p)) return;` p is clean for paths. What
 * counts is the body, never the name.
 *
 * Only refinements count (a guard that held), not sanitised copies: a function that
 * cleans a local copy of its argument (`p = path.basename(p)`) does not clean the
 * caller's variable. A variable derived from a parameter counts for one case only: a
 * resolved path (path.resolve, normalize, join) checked to stay under a base directory,
 * which says the parameter stays under it.
 *
 * A function that checks a path its caller resolved (`p === dir || p.startsWith(dir + path.sep)`)
 * is run a second time with resolved-path probes: what that adds for paths holds for a caller
 * whose argument is a resolved path.
 */

/** Classes cleaned for an argument, for string taints and for raw (maybe non-string) taints. */
export interface ParamMasks {
  str: number;
  raw: number;
  /** Classes (only paths) also cleaned when the argument is a resolved path (path.resolve, normalize, join). */
  resolved?: number;
}

export interface GuardSummary {
  /** Per parameter, when the function returned a truthy value. */
  whenTrue: ParamMasks[];
  /** Per parameter, when it returned a falsy value. */
  whenFalse: ParamMasks[];
  /** Per parameter, when it returned at all (did not throw): assertion functions. */
  completes: ParamMasks[];
}

const MAX_PARAMS = 4;
/** Guard functions are small: larger bodies are not summarised (the cost is one more analysis per function). */
const MAX_BODY_CHARS = 4_000;

const NONE: ParamMasks = Object.freeze({ str: 0, raw: 0 });
export const NO_SUMMARY: GuardSummary = Object.freeze({ whenTrue: [], whenFalse: [], completes: [] });

interface Probe {
  index: number;
  raw: boolean;
}

/** Can a summary say anything about this function? */
export function summarisable(c: Closure): boolean {
  const node = c.node;
  if (node.generator || node.end - node.start > MAX_BODY_CHARS) return false;
  const params: AstNode[] = node.params;
  return params.length > 0 && params.slice(0, MAX_PARAMS).some((p) => paramName(p) !== null);
}

/** Runs the function with probe arguments and collects what holds at each exit. */
export function computeGuardSummary(an: Analyzer, c: Closure, thisValue: Value): GuardSummary {
  const plain = probeSummary(an, c, thisValue, false);
  // Only a prefix check (startsWith, indexOf(...) === 0) means more on a resolved path.
  const body = an.files.get(c.moduleId)?.text.slice(c.node.start, c.node.end) ?? '';
  if (!/\b(?:startsWith|indexOf)\b/.test(body)) return plain;
  const resolved = probeSummary(an, c, thisValue, true);
  const withResolved = (list: ParamMasks[], more: ParamMasks[]): ParamMasks[] =>
    list.map((m, i) => ({ ...m, resolved: masksAt(more, i).str & ~m.str & CLASS_BIT.path }));
  return {
    whenTrue: withResolved(plain.whenTrue, resolved.whenTrue),
    whenFalse: withResolved(plain.whenFalse, resolved.whenFalse),
    completes: withResolved(plain.completes, resolved.completes),
  };
}

function probeSummary(an: Analyzer, c: Closure, thisValue: Value, resolved: boolean): GuardSummary {
  const params: AstNode[] = c.node.params;
  const count = Math.min(params.length, MAX_PARAMS);
  const probes = new Map<Label, Probe>();
  const args: Value[] = [];
  for (let i = 0; i < count; i++) {
    const taints: Taint[] = [];
    for (const raw of [false, true]) {
      const label = newLabel(`probe:${c.moduleId}:${c.node.start}:${i}:${raw ? 'raw' : 'str'}`, 'library', `argument ${i + 1}`);
      label.probe = true;
      probes.set(label, { index: i, raw });
      taints.push(newTaint(label, { file: c.moduleId, start: c.node.start, end: c.node.start }, label.what, raw));
    }
    args.push(make({ taint: taints, norm: resolved }));
  }

  const whenTrue: ParamMasks[][] = [];
  const whenFalse: ParamMasks[][] = [];
  const completes: ParamMasks[][] = [];
  let paramBindings = new Set<Binding>();

  /** Classes each argument is clean for in the current state, after refining by `test` when given. */
  const observe = (scope: Scope, test: AstNode | null, truth: boolean): ParamMasks[] => {
    const frame = scope.frame;
    const saved = frame.state;
    frame.state = saved.clone();
    try {
      if (test) an.refineByTest(test, scope, truth);
      return frame.state.dead ? [] : gainedMasks(frame.state.bindings(), frame, paramBindings, probes, count);
    } finally {
      frame.state = saved;
    }
  };

  const observer: ExitObserver = {
    onStart(scope) {
      paramBindings = new Set(params.slice(0, count).flatMap((p) => {
        const name = paramName(p);
        const b = name ? scope.lookup(name) : undefined;
        return b ? [b] : [];
      }));
    },
    onReturn(argument, scope) {
      completes.push(observe(scope, null, true));
      const truthiness = constantTruthiness(argument);
      if (truthiness !== false) whenTrue.push(observe(scope, argument, true));
      if (truthiness !== true) whenFalse.push(observe(scope, argument, false));
    },
    onEnd(scope) {
      completes.push(observe(scope, null, true));
      whenFalse.push(observe(scope, null, true));
    },
  };
  an.probeFunction(c, thisValue, args, observer);
  return { whenTrue: meet(whenTrue, count), whenFalse: meet(whenFalse, count), completes: meet(completes, count) };
}

/**
 * Per parameter, the classes gained by refinement: the flow-sensitive value of a variable
 * carries the same probe taint (same trace step: not a new value) as everything ever
 * written to it, only cleaner.
 */
function gainedMasks(
  bindings: Iterable<[Binding, Value]>, frame: Scope['frame'], paramBindings: ReadonlySet<Binding>, probes: ReadonlyMap<Label, Probe>, count: number,
): ParamMasks[] {
  const out: ParamMasks[] = Array.from({ length: count }, () => ({ str: 0, raw: 0 }));
  for (const [b, v] of bindings) {
    if (b.frame !== frame || v.taint.length === 0) continue;
    const isParam = paramBindings.has(b);
    if (!isParam && !v.norm) continue;
    for (const t of v.taint) {
      const probe = probes.get(t.label);
      if (!probe) continue;
      const written = b.all.taint.find((x) => x.label === t.label);
      if (!written || written.step !== t.step) continue;
      let gained = t.clean & ~written.clean;
      // A resolved path derived from the argument, checked against a base: the argument stays under the base.
      if (!isParam) gained &= CLASS_BIT.path;
      if (probe.raw) out[probe.index]!.raw |= gained;
      else out[probe.index]!.str |= gained;
    }
  }
  return out;
}

/** What holds at every exit of a kind; nothing when there is no such exit. */
function meet(exits: ParamMasks[][], count: number): ParamMasks[] {
  const live = exits.filter((e) => e.length > 0);
  if (live.length === 0) return [];
  return Array.from({ length: count }, (_, i) => ({
    str: live.reduce((m, e) => m & e[i]!.str, ALL_CLASSES),
    raw: live.reduce((m, e) => m & e[i]!.raw, ALL_CLASSES),
  }));
}

/** true/false when a returned expression is a constant of that truthiness, undefined otherwise. */
function constantTruthiness(node: AstNode | null): boolean | undefined {
  if (!node) return false;
  let n = node;
  while (n.type === 'ParenthesizedExpression' || n.type === 'TSAsExpression') n = n.expression;
  if (n.type === 'Literal') return n.regex !== undefined ? true : Boolean(n.value);
  if (n.type === 'Identifier' && n.name === 'undefined') return false;
  if (n.type === 'UnaryExpression' && n.operator === 'void') return false;
  if (n.type === 'ObjectExpression' || n.type === 'ArrayExpression' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') return true;
  return undefined;
}

function paramName(p: AstNode): string | null {
  if (p.type === 'Identifier') return p.name;
  if (p.type === 'AssignmentPattern' && p.left.type === 'Identifier') return p.left.name;
  if (p.type === 'TSParameterProperty') return paramName(p.parameter);
  return null;
}

/** A caller's argument after the summary's guarantee for it. */
export function applyMasks(v: Value, given: ParamMasks | undefined): Value {
  const m = given?.resolved && v.norm ? { str: given.str | given.resolved, raw: given.raw | given.resolved } : given;
  if (!m || (m.str === 0 && m.raw === 0)) return v;
  if (m.str === ALL_CLASSES && m.raw === ALL_CLASSES) return sanitize(withoutStringFacts(v), ALL_CLASSES);
  return mapTaint(v, (t) => {
    const mask = t.raw ? m.raw : m.str;
    return (t.clean & mask) === mask ? t : { ...t, clean: t.clean | mask };
  });
}

export function masksAt(list: readonly ParamMasks[], i: number): ParamMasks {
  return list[i] ?? NONE;
}

const throwsCache = new WeakMap<AstNode, boolean>();

/** Does the function's own body (not nested functions) throw somewhere: can it be an assertion? */
export function mayThrow(c: Closure): boolean {
  const node = c.node;
  let cached = throwsCache.get(node);
  if (cached === undefined) {
    cached = node.body?.type === 'BlockStatement' && node.end - node.start <= MAX_BODY_CHARS && containsThrow(node.body);
    throwsCache.set(node, cached);
  }
  return cached;
}

function containsThrow(root: AstNode): boolean {
  const stack: AstNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'ThrowStatement') return true;
    if (n !== root && (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration' || n.type === 'ClassExpression' || n.type === 'ClassDeclaration')) continue;
    pushChildren(stack, n);
  }
  return false;
}

import type { Analyzer } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { Scope } from './frame.js';
import { effects } from './effects.js';
import type { SinkGroup } from './report.js';
import { ALL_CLASSES, CLASS_BIT, EMPTY, NUMERIC, Obj, apiValue, asOwnKeyOf, isTainted, join, make, mapTaint, mayNameProto, objValue, type Value } from './value.js';
import { memberOfApi, readHeader, storeOnApi } from '../models/apis.js';
import { HEADERS_API } from '../models/frameworks.js';
import { readGlobal, readVar } from './bindings.js';
import { snippet, sink } from './taint-points.js';
import { evaluate } from './expressions.js';
import { freshContainer, pushChildren, returnsFreshContainer } from './ast-utils.js';

/** Objects: allocation per site, property reads and stores (with the prototype-pollution check on writes), keys and elements. */

/** Array.prototype methods: `[].slice` is a value that `.call` can borrow. */
const ARRAY_METHODS = new Set(['slice', 'concat', 'forEach', 'map', 'filter', 'reduce', 'some', 'every', 'join', 'push', 'splice', 'indexOf', 'shift', 'unshift']);

export function newObj(an: Analyzer, site: AstNode, isArray: boolean): Obj {
  const frame = an.frame;
  if (!frame) return new Obj(`${site.start}`, isArray);
  let o = frame.sites.get(site);
  if (!o) {
    o = new Obj(`${frame.moduleId}:${site.start}`, isArray);
    frame.sites.set(site, o);
  }
  return o;
}

/** The key of a member expression: a constant name when known, else the key's value. */
export function memberKey(an: Analyzer, node: AstNode, scope: Scope): { key: string | null; keyValue: Value | null } {
  if (!node.computed) return { key: node.property.type === 'PrivateIdentifier' ? `#${node.property.name}` : node.property.name, keyValue: null };
  const keyValue = evaluate(an, node.property, scope);
  if (keyValue.str !== undefined && !isTainted(keyValue)) return { key: keyValue.str, keyValue };
  if (node.property.type === 'Literal' && typeof node.property.value === 'number') return { key: String(node.property.value), keyValue };
  return { key: null, keyValue };
}

export function readProp(an: Analyzer, base: Value, key: string | null, keyValue: Value | null, node: AstNode | null): Value {
  let result = EMPTY;
  for (const o of base.objs) {
    if (o.site === 'global' && key !== null) {
      result = join(result, readGlobal(an, key));
      continue;
    }
    if (key === null) result = join(result, o.all());
    else {
      const own = o.get(key);
      if (own) result = join(result, own);
      else if (key === 'prototype' && o.fn) result = join(result, objValue(prototypeOf(an, o)));
      else if (key === 'length') {
        // The length of an array or string, not one of the values stored under computed keys (`it[p] = val`).
        result = join(result, NUMERIC);
        continue;
      } else if (o.isArray && ARRAY_METHODS.has(key)) result = join(result, apiValue(`Array.prototype.${key}`));
      result = join(result, o.dyn);
    }
  }
  for (const api of base.apis) {
    const member = memberOfApi(an, api, key, node);
    if (member) result = join(result, member);
  }
  if (base.taint.length > 0 && key !== 'length') {
    const member = make({ taint: base.taint });
    result = join(result, base.apis.includes(HEADERS_API) ? readHeader(member, key) : member);
  }
  // An own key of the base (from enumerating it, or checked with hasOwnProperty) reads an own property, never the __proto__ accessor.
  if (keyValue && key === null && mayNameProto(keyValue, base)) result = make({ ...result, proto: true });
  // What a path-walking helper returned (opaque, may be Object.prototype) can hold the object it reached: [parent, key].
  else if (base.proto && base.objs.length === 0 && key !== null && /^\d+$/.test(key)) result = make({ ...result, proto: true });
  return result;
}

export function prototypeOf(an: Analyzer, fnObj: Obj): Obj {
  const existing = fnObj.props.get('prototype');
  if (existing && existing.objs[0]) return existing.objs[0];
  const proto = new Obj(`${fnObj.site}.prototype`);
  fnObj.set('prototype', objValue(proto));
  return proto;
}

/**
 * `o[k] = o[k] || {}`: the property keeps its value or gets a fresh container (walking a path,
 * not writing input); `o[k] = saved` where `saved = o[k]` puts back the value it had. Also
 * through a variable defined once in the function (`const kids = o[k] || {}; ...; o[k] = kids`):
 * what the path leads to is filled by later writes, which are checked themselves.
 */
export function keepsOwnValue(an: Analyzer, target: AstNode, at: AstNode): boolean {
  // Only writes under computed keys can pollute: the others need no answer.
  if (at.type !== 'AssignmentExpression' || target.type !== 'MemberExpression' || !target.computed) return false;
  const file = an.files.get(an.currentModule());
  if (!file) return false;
  const text = (n: AstNode) => file.text.slice(n.start, n.end).replace(/\s+/g, '');
  let right = unwrapExpression(at.right);
  if (right.type === 'Identifier') {
    const init = singleDefinition(an, right.name);
    if (!init) return false;
    right = unwrapExpression(init);
    if (text(right) === text(target)) return true;
  }
  if (right.type !== 'LogicalExpression' || right.operator === '&&') return false;
  return containerLiteral(right.right) && text(right.left) === text(target);
}

function unwrapExpression(node: AstNode): AstNode {
  let n = node;
  while (n.type === 'ParenthesizedExpression' || n.type === 'TSAsExpression' || n.type === 'TSNonNullExpression') n = n.expression;
  return n;
}

/** An object or array literal, or a choice between such literals (`useArray ? [] : {}`). */
function containerLiteral(node: AstNode): boolean {
  const n = unwrapExpression(node);
  if (n.type === 'ConditionalExpression') return containerLiteral(n.consequent) && containerLiteral(n.alternate);
  return n.type === 'ObjectExpression' || n.type === 'ArrayExpression';
}

const FUNCTION_NODES = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration', 'ClassExpression', 'ClassDeclaration']);

/**
 * The initialiser of a variable of the running function that is declared once there, with a
 * value, and never assigned anywhere in the function (nested functions included).
 */
function singleDefinition(an: Analyzer, name: string): AstNode | undefined {
  const fn = an.frame?.fn;
  if (!fn || (fn.kind !== 'closure' && fn.kind !== 'class')) return undefined;
  let known = definitions.get(fn.node);
  if (!known) {
    known = new Map();
    definitions.set(fn.node, known);
  }
  if (!known.has(name)) known.set(name, findSingleDefinition(fn.node, name) ?? null);
  return known.get(name) ?? undefined;
}

const definitions = new WeakMap<AstNode, Map<string, AstNode | null>>();

function findSingleDefinition(fnNode: AstNode, name: string): AstNode | undefined {
  const body = fnNode.body;
  if (!body || body.type !== 'BlockStatement') return undefined;
  let found: AstNode | undefined;
  let declarations = 0;
  const stack: Array<{ n: AstNode; nested: boolean }> = [{ n: body, nested: false }];
  while (stack.length > 0) {
    const { n, nested } = stack.pop()!;
    if (n.type === 'VariableDeclaration' && !nested) {
      for (const d of n.declarations) {
        if (d.id.type !== 'Identifier' || d.id.name !== name) continue;
        declarations++;
        found = d.init ?? undefined;
      }
    }
    if ((n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && n.left.name === name) || (n.type === 'UpdateExpression' && n.argument.type === 'Identifier' && n.argument.name === name)) return undefined;
    const children: AstNode[] = [];
    pushChildren(children, n);
    const inner = nested || FUNCTION_NODES.has(n.type);
    for (const c of children) stack.push({ n: c, nested: inner });
  }
  return declarations === 1 ? found : undefined;
}

export function storeProp(an: Analyzer, base: Value, key: string | null, keyValue: Value | null, value: Value, node: AstNode, scope: Scope | null, walksPath = false, rhs: AstNode | null = null): void {
  if (value.fns.length > 0 && an.options.libraryInputs && base.taint.some((t) => t.label.kind === 'library' && !t.label.probe)) {
    an.escaped.push({ name: key ?? 'callback', value: make({ fns: value.fns }) });
    effects.count++;
  }
  // "May be Object.prototype" follows a lookup through variables, arguments and returns (the path walks
  // `t = t[k]` that pollute), not into the heap: objects are one per allocation site, so a flag stored in
  // one would reach every value read from that site in unrelated calls (virtual-DOM nodes, caches).
  // The price is a walk that parks its cursor in an object property (`state.at = state.at[k]`).
  const stored = value.proto ? make({ ...value, proto: false }) : value;
  for (const o of base.objs) {
    if (key !== null) o.set(key, stored);
    else {
      o.setDyn(stored);
      if (keyValue) o.setDynKey(keyValue);
    }
  }
  for (const api of base.apis) storeOnApi(an, api, key, value, node, base);
  // obj[a][b] = c: the base may be Object.prototype (a = "__proto__"), b names any property of it, and
  // c is attacker data (a value that is a fresh {} or [] only walks the path, it pollutes nothing).
  // The final key need not be "__proto__" (o.constructor.prototype[k] = v): a key checked against the
  // dangerous names is still attacker-chosen here; only the lookups that reached the base had to avoid them.
  if (key === null && keyValue && base.proto) {
    const chosen = mapTaint(keyValue, (t) => (t.clean === ALL_CLASSES ? t : { ...t, clean: t.clean & ~CLASS_BIT.prototype }));
    if (!walksPath && carriesTaint(an, value)) {
      sink(an, 'prototype', chosen, node, `assignment ${snippet(an, node, 40)} = ...`, undefined, writeGroup(an, node, rhs, scope));
    } else if (rhs !== null && node.type === 'MemberExpression' && walkStep(an, rhs, walksPath, scope) && filledNext(an, node)) {
      // obj[a][b] = obj[a][b] || {} (or = {}) and then obj[a][b][c] = ...: when obj[a] is Object.prototype, the
      // fresh container lands on it under the attacker's name b, and the next write fills it. The step, not the
      // write through it, is where the prototype changes first: it stands for the writes it leads to (report.ts).
      const group = writeGroup(an, node, rhs, scope);
      sink(an, 'prototype', chosen, node, `assignment ${snippet(an, node, 40)} = ... (a new object under an attacker-chosen name)`, undefined, group && { ...group, fresh: true, walk: true });
    }
  }
}

/** The value of a path-walk step: a fresh empty container, or the property's own value with one as fallback. */
function walkStep(an: Analyzer, rhs: AstNode, walksPath: boolean, scope: Scope | null): boolean {
  const right = unwrapExpression(rhs);
  if (walksPath) return right.type === 'LogicalExpression';
  return freshContainer(right) || freshFromHelper(an, rhs, scope);
}

/**
 * The write `T = ...` is followed, in its function, by a write through T (`T[k] = ...`, `T.name = ...`)
 * before any other write to T: the container put there is filled directly, not left for a later
 * iteration of a walk (`node[k] = node[k] || {}; node = node[k]`, whose final write is the finding).
 */
function filledNext(an: Analyzer, target: AstNode): boolean {
  const fnNode = an.frame?.fn && (an.frame.fn.kind === 'closure' || an.frame.fn.kind === 'class') ? an.frame.fn.node : null;
  const file = an.files.get(an.currentModule());
  if (!fnNode || !file) return false;
  const text = (n: AstNode) => file.text.slice(n.start, n.end).replace(/\s+/g, '');
  const wanted = text(target);
  let writes = assignedTargets.get(fnNode);
  if (!writes) {
    writes = [];
    const stack: AstNode[] = [fnNode.body];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (!n || typeof n !== 'object') continue;
      if (n !== fnNode.body && FUNCTION_NODES.has(n.type)) continue;
      if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression') writes.push(n.left);
      pushChildren(stack, n);
    }
    writes.sort((a, b) => a.start - b.start);
    assignedTargets.set(fnNode, writes);
  }
  for (const w of writes) {
    if (w.start <= target.start) continue;
    if (text(w) === wanted) return false;
    if (text(w.object) === wanted) return true;
  }
  return false;
}

const assignedTargets = new WeakMap<AstNode, AstNode[]>();

/** The write target (`o[k]`, or `Object.defineProperty(o, k, ...)`) in the current function. */
function writeGroup(an: Analyzer, node: AstNode, rhs: AstNode | null, scope: Scope | null): SinkGroup | undefined {
  let target: string;
  if (node.type === 'MemberExpression') target = `${snippet(an, node.object, 200)}[${snippet(an, node.property, 200)}]`;
  else if (node.type === 'CallExpression' && node.arguments.length >= 2) target = `${snippet(an, node.arguments[0], 200)}[${snippet(an, node.arguments[1], 200)}]`;
  else return undefined;
  const fn = an.frame?.fn;
  const where = fn && (fn.kind === 'closure' || fn.kind === 'class') ? `${fn.moduleId}:${fn.node.start}` : an.currentModule();
  const fresh = rhs !== null && (freshContainer(rhs) || freshFromHelper(an, rhs, scope));
  const normal = target.replace(/\s+/g, '');
  return { key: `${where}|${normal}`, scope: where, target: normal, fresh, recursive: rhs !== null && !fresh && recursiveCall(an, node, rhs, scope) };
}

/** The functions a call expression calls, when its callee is named statically (`f(...)`, `utils.f(...)`). */
function calledFunctions(an: Analyzer, rhs: AstNode, scope: Scope | null): Value | undefined {
  const call = unwrapExpression(rhs);
  if (call.type !== 'CallExpression' || !scope) return undefined;
  const callee = unwrapExpression(call.callee);
  if (callee.type === 'Identifier') return readVar(an, callee.name, scope);
  if (callee.type === 'MemberExpression' && !callee.computed) return evaluate(an, callee, scope);
  return undefined;
}

/** `o[k] = merge(o[k], v)` inside merge: a call of a function whose body holds the write. */
function recursiveCall(an: Analyzer, write: AstNode, rhs: AstNode, scope: Scope | null): boolean {
  const fnV = calledFunctions(an, rhs, scope);
  const file = an.currentModule();
  return !!fnV?.fns.some((f) => f.kind === 'closure' && f.moduleId === file && f.node.start <= write.start && write.end <= f.node.end);
}

/** `o[k] = emptyFor(next)`: a call of the project's functions that only return fresh empty containers. */
function freshFromHelper(an: Analyzer, rhs: AstNode, scope: Scope | null): boolean {
  const fnV = calledFunctions(an, rhs, scope);
  return !!fnV && fnV.fns.length > 0 && fnV.apis.length === 0 && fnV.fns.every((f) => f.kind === 'closure' && returnsFreshContainer(f.node));
}

/** Tainted, or an object or array holding tainted values (one level). */
function carriesTaint(an: Analyzer, v: Value): boolean {
  if (isTainted(v)) return true;
  return v.objs.some((o) => isTainted(o.dyn) || [...o.props.values()].some((p) => isTainted(p)));
}

/** Keys of an object (for-in, Object.keys): attacker-controlled when the object is. */
export function keysOf(an: Analyzer, v: Value): Value {
  let result = make({ taint: v.taint.map((t) => ({ ...t, raw: false })) });
  for (const o of v.objs) {
    result = join(result, make({ taint: o.dyn.taint.map((t) => ({ ...t, raw: false })) }));
  }
  return asOwnKeyOf(result, v);
}

/** Elements of an iterable (for-of, spread, array callbacks). */
export function elementsOf(an: Analyzer, v: Value, _isAwait: boolean, node: AstNode | null): Value {
  let result = make({ taint: v.taint });
  for (const o of v.objs) result = join(result, o.all());
  for (const api of v.apis) {
    const member = memberOfApi(an, api, null, node);
    if (member) result = join(result, member);
  }
  return result;
}

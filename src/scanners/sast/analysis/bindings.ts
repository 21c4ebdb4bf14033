import type { Analyzer } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { Binding, Scope } from './frame.js';
import { effects } from './effects.js';
import { EMPTY, NUMERIC, Obj, isEmptyValue, join, make, objValue, taintOnly, withStep, type Value } from './value.js';
import { globalApi } from '../models/apis.js';
import { readImport } from './modules.js';
import { newObj, memberKey, readProp, keepsOwnValue, storeProp, elementsOf } from './objects.js';
import { locOf, snippet } from './taint-points.js';
import { evaluate } from './expressions.js';
import { propertyKeyName } from './ast-utils.js';

/** Variables: reads and writes of bindings and globals, flow-sensitive refinement of variables and member paths, destructuring. */

export function readVar(an: Analyzer, name: string, scope: Scope): Value {
  const b = scope.lookup(name);
  if (!b) return readGlobal(an, name);
  return readBinding(an, b);
}

export function readBinding(an: Analyzer, b: Binding): Value {
  if (b.importRef) return readImport(an, b.importRef);
  const frame = an.frame;
  if (b.frame === frame) {
    const current = frame.state.get(b);
    if (current === undefined) return b.all;
    return b.capturedWrite ? join(current, b.all) : current;
  }
  return b.all;
}

export function writeBinding(an: Analyzer, b: Binding, value: Value): void {
  const before = b.all;
  b.writes++;
  b.all = join(b.all, value);
  const frame = an.frame;
  if ((b.all !== before || (b.frame !== frame && !b.capturedWrite)) && b.id <= effects.passFloor) effects.count++;
  if (b.frame === frame) {
    frame!.state.set(b, value);
    frame!.state.forget(`#${b.id}`);
  } else {
    b.capturedWrite = true;
    if (b.all !== before) an.capturedWrites++;
  }
}

/** Runs two refinements on copies of the current state and continues with their join. */
export function joinBranches(an: Analyzer, a: () => void, b: () => void): void {
  const frame = an.frame;
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
export function refine(an: Analyzer, target: AstNode, scope: Scope, f: (v: Value) => Value): void {
  if (target.type === 'Identifier') return refineVar(an, target.name, scope, f);
  const frame = an.frame;
  const key = pathKey(an, target, scope);
  if (!frame || !key) return;
  const current = frame.state.paths.get(key) ?? evaluate(an, target, scope);
  frame.state.paths.set(key, f(current));
}

/** "#<binding>.a.b" for a static member path rooted at a variable of this context ("this.a.b" for this). */
export function pathKey(an: Analyzer, node: AstNode, scope: Scope): string | null {
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
  if (!b || b.frame !== an.frame) return null;
  return `#${b.id}.${parts.join('.')}`;
}

/** Replaces the flow-sensitive value of a variable (guards and sanitising reassignments). */
function refineVar(an: Analyzer, name: string, scope: Scope, f: (v: Value) => Value): void {
  const b = scope.lookup(name);
  const frame = an.frame;
  if (!b || !frame || b.frame !== frame || b.capturedWrite || b.importRef) return;
  const current = frame.state.get(b) ?? b.all;
  frame.state.set(b, f(current));
}

function globalObject(an: Analyzer): Obj {
  const dir = an.resolver.packageFor(an.currentModule())?.dir ?? '';
  let g = an.globals.get(dir);
  if (!g) {
    g = new Obj('global');
    an.globals.set(dir, g);
  }
  return g;
}

export function readGlobal(an: Analyzer, name: string): Value {
  if (name === 'undefined' || name === 'NaN' || name === 'Infinity') return name === 'undefined' ? EMPTY : NUMERIC;
  if (name === 'globalThis' || name === 'global' || name === 'window' || name === 'self') return objValue(globalObject(an));
  const own = globalObject(an).get(name);
  const api = globalApi(name);
  if (own && api) return join(own, api);
  return own ?? api ?? EMPTY;
}

export function writeTarget(an: Analyzer, target: AstNode, value: Value, scope: Scope, declare: boolean, at: AstNode): void {
  if (target.type === 'Identifier') {
    const name: string = target.name;
    const stepped =
      value.taint.length === 0
        ? value
        : withStep(value, locOf(an, at.type === 'VariableDeclarator' ? at.id : at), `${name} = ${snippet(an, at.type === 'VariableDeclarator' ? at.init ?? at : at.right ?? at, 50)}`);
    for (const f of value.fns) if (f.kind === 'closure' && !f.name) f.name = name;
    const b = scope.lookup(name);
    if (!b) {
      if (!declare) globalObject(an).set(name, stepped);
      return;
    }
    writeBinding(an, b, stepped);
    return;
  }
  if (target.type === 'MemberExpression') {
    countPathWrite(target, scope);
    const frame = an.frame;
    if (frame && frame.state.paths.size > 0) {
      const key = pathKey(an, target, scope);
      if (key) frame.state.forget(key);
    }
    const base = evaluate(an, target.object, scope);
    const { key, keyValue } = memberKey(an, target, scope);
    const stepped = value.taint.length === 0 ? value : withStep(value, locOf(an, target), `stored in ${snippet(an, target, 50)}`);
    storeProp(an, base, key, keyValue, stepped, target, scope, keepsOwnValue(an, target, at), at.type === 'AssignmentExpression' ? at.right : null);
    return;
  }
  assignPattern(an, target, value, scope, declare, at);
}

/** A write to `x.a.b` counts as a write to x (guard flags). */
function countPathWrite(target: AstNode, scope: Scope): void {
  let n = target;
  while (n.type === 'MemberExpression' || n.type === 'TSNonNullExpression' || n.type === 'ChainExpression' || n.type === 'ParenthesizedExpression') {
    n = n.type === 'MemberExpression' ? n.object : n.expression;
  }
  if (n.type === 'Identifier') {
    const b = scope.lookup(n.name);
    if (b) b.writes++;
  }
}

/** Destructuring and plain targets of declarations, parameters and assignments. */
export function assignPattern(an: Analyzer, pattern: AstNode, value: Value, scope: Scope, declare: boolean, at: AstNode): void {
  switch (pattern.type) {
    case 'Identifier':
    case 'MemberExpression':
      writeTarget(an, pattern, value, scope, declare, at);
      return;
    case 'ObjectPattern': {
      const used: string[] = [];
      for (const p of pattern.properties) {
        if (p.type === 'RestElement') {
          const rest = newObj(an, p, false);
          for (const o of value.objs) for (const [k, v] of o.props) if (!used.includes(k)) rest.set(k, v);
          rest.setDyn(taintOnly(value));
          assignPattern(an, p.argument, make({ objs: [rest], taint: value.taint }), scope, declare, at);
          continue;
        }
        const key = p.computed ? evaluate(an, p.key, scope).str ?? null : propertyKeyName(p.key);
        if (key !== null) used.push(key);
        const v = readProp(an, value, key, null, p);
        assignPattern(an, p.value, v, scope, declare, at);
      }
      return;
    }
    case 'ArrayPattern': {
      pattern.elements.forEach((e: AstNode | null, i: number) => {
        if (!e) return;
        if (e.type === 'RestElement') {
          const rest = newObj(an, e, true);
          rest.setDyn(elementsOf(an, value, false, e));
          assignPattern(an, e.argument, make({ objs: [rest], taint: value.taint }), scope, declare, at);
          return;
        }
        assignPattern(an, e, readProp(an, value, String(i), null, e), scope, declare, at);
      });
      return;
    }
    case 'AssignmentPattern': {
      const v = isEmptyValue(value) ? evaluate(an, pattern.right, scope) : value;
      assignPattern(an, pattern.left, v, scope, declare, at);
      return;
    }
    case 'RestElement':
      assignPattern(an, pattern.argument, value, scope, declare, at);
      return;
    case 'TSParameterProperty':
      assignPattern(an, pattern.parameter, value, scope, declare, at);
      return;
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
    case 'TSTypeAssertion':
    case 'ParenthesizedExpression':
      assignPattern(an, pattern.expression, value, scope, declare, at);
      return;
    default:
      return;
  }
}

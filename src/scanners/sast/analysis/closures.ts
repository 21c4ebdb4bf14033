import type { Analyzer, CallSite } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { Frame, Scope } from './frame.js';
import { EMPTY, Obj, fnValue, join, make, newFnId, objValue, type ClassFn, type Closure, type Value } from './value.js';
import { constructApi } from '../models/apis.js';
import { decoratedEntries } from '../models/frameworks.js';
import { readBinding } from './bindings.js';
import { newObj, readProp, prototypeOf } from './objects.js';
import { callClosure } from './calls.js';
import { taintSource } from './taint-points.js';
import { evaluate } from './expressions.js';
import { enterCallables } from './entry-points.js';
import { propertyKeyName, constructorParams } from './ast-utils.js';

/** Function and class values: closures, classes and their methods, `new`, constructors and field initialisers. */

const MAX_CREATED_PER_MODULE = 3_000;

export function makeClosure(an: Analyzer, node: AstNode, scope: Scope, extra?: { homeClass?: ClassFn; name?: string }): Value {
  const frame = an.frame;
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
  const list = an.created.get(closure.moduleId) ?? [];
  if (list.length < MAX_CREATED_PER_MODULE) list.push(closure);
  an.created.set(closure.moduleId, list);
  return fnValue(closure, obj);
}

export function makeClass(an: Analyzer, node: AstNode, scope: Scope): Value {
  const frame = an.frame!;
  const cached = frame.closures.get(node);
  if (cached) return fnValue(cached, (cached as ClassFn).obj);
  const superValue = node.superClass ? evaluate(an, node.superClass, scope) : EMPTY;
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
    else if (s.kind === 'closure') protoObj.proto = prototypeOf(an, s.obj);
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
      const name = member.computed ? evaluate(an, member.key, scope).str : propertyKeyName(member.key);
      if (name === undefined || name === null) continue;
      if (member.kind === 'constructor') continue;
      const method = makeClosure(an, member.value, classScope, { homeClass: cls, name });
      (member.static ? obj : protoObj).set(name, method);
    } else if ((member.type === 'PropertyDefinition' || member.type === 'AccessorProperty') && member.static && member.value) {
      const name = propertyKeyName(member.key);
      if (name) obj.set(name, evaluate(an, member.value, classScope));
    }
  }
  const entries = decoratedEntries(node);
  if (entries.length > 0) analyseDecoratedController(an, cls, value, entries);
  return value;
}

function analyseDecoratedController(an: Analyzer, cls: ClassFn, value: Value, entries: ReturnType<typeof decoratedEntries>): void {
  const instance = construct(an, value, injectedArgs(an, cls), cls.node, null);
  for (const entry of entries) {
    const method = readProp(an, instance, entry.method, null, null);
    const args = entry.params.map((p) => (p ? taintSource(an, p.node, p.what, true, p.apis) : EMPTY));
    enterCallables(an, method, instance, args, entry.node, `controller ${cls.name}.${entry.method}`);
  }
}

/** Constructor arguments a dependency-injection container would pass: instances of the parameters' declared classes. */
function injectedArgs(an: Analyzer, cls: ClassFn): Value[] {
  return constructorParams(cls.node).map((p) => {
    const param = p.type === 'TSParameterProperty' ? p.parameter : p;
    const type = param.typeAnnotation?.typeAnnotation;
    if (type?.type !== 'TSTypeReference' || type.typeName.type !== 'Identifier') return EMPTY;
    const b = (cls.scope as Scope).lookup(type.typeName.name);
    if (!b) return EMPTY;
    const classValue = readBinding(an, b);
    if (!classValue.fns.some((f) => f.kind === 'class') || classValue.fns.some((f) => f === cls)) return EMPTY;
    return construct(an, classValue, [], p, null);
  });
}

/** `new F(args)`: a fresh object (per site and context) run through the constructor chain. */
export function construct(an: Analyzer, calleeV: Value, args: Value[], node: AstNode, site: CallSite | null): Value {
  let result = EMPTY;
  const callSite: CallSite = site ?? { node, name: null, recvNode: null, argNodes: [] };
  for (const f of calleeV.fns) {
    if (f.kind === 'class') {
      const instance = newObj(an, node, false);
      instance.proto = f.protoObj;
      const value = objValue(instance);
      runClassConstructor(an, f, value, args, callSite);
      result = join(result, value);
    } else if (f.kind === 'closure') {
      const instance = newObj(an, node, false);
      instance.proto = prototypeOf(an, f.obj);
      const value = objValue(instance);
      const returned = callClosure(an, f, value, args, callSite);
      // A constructor that returns an object on some path gives that object there, `this` elsewhere.
      result = join(result, returned.objs.length > 0 ? join(value, make({ objs: returned.objs, fns: returned.fns })) : value);
    } else if (f.kind === 'builtin') {
      result = join(result, f.impl({ an, thisValue: EMPTY, args, site: callSite, isNew: true }));
    }
  }
  for (const api of calleeV.apis) result = join(result, constructApi(an, api, args, callSite));
  return result;
}

export function runClassConstructor(an: Analyzer, cls: ClassFn, instance: Value, args: Value[], site: CallSite): void {
  const ctor = cls.node.body.body.find((m: AstNode) => m.type === 'MethodDefinition' && m.kind === 'constructor');
  const fieldsInit = () => initFields(an, cls, instance);
  if (!ctor) {
    for (const s of cls.superValue.fns) {
      if (s.kind === 'class') runClassConstructor(an, s, instance, args, site);
      else if (s.kind === 'closure') callClosure(an, s, instance, args, site);
    }
    fieldsInit();
    return;
  }
  if (!cls.superValue.fns.length) fieldsInit();
  const ctorClosure = makeClosure(an, ctor.value, cls.scope as Scope, { homeClass: cls, name: `${cls.name || 'class'}.constructor` });
  const f = ctorClosure.fns[0] as Closure;
  an.pendingFieldInit.set(f.id, fieldsInit);
  try {
    callClosure(an, f, instance, args, site);
  } finally {
    an.pendingFieldInit.delete(f.id);
  }
}

function initFields(an: Analyzer, cls: ClassFn, instance: Value): void {
  const frame = new Frame(cls.moduleId, cls, instance, [], an.stack.length);
  const scope = new Scope(cls.scope as Scope, frame);
  an.stack.push(frame);
  try {
    for (const member of cls.node.body.body) {
      if ((member.type === 'PropertyDefinition' || member.type === 'AccessorProperty') && !member.static && member.value) {
        const name = propertyKeyName(member.key) ?? (member.key.type === 'PrivateIdentifier' ? `#${member.key.name}` : null);
        if (!name) continue;
        const v = evaluate(an, member.value, scope);
        for (const o of instance.objs) o.set(name, v);
      }
    }
  } finally {
    an.stack.pop();
  }
}

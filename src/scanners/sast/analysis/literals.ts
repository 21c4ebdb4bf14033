import type { Analyzer, CallSite } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { Scope } from './frame.js';
import { EMPTY, isEmptyValue, isTainted, join, leadingTaints, make, objValue, strValue, trailingTaints, type Taint, type Value } from './value.js';
import { callApi, memberOfApi } from '../models/apis.js';
import { newObj, readProp, elementsOf } from './objects.js';
import { makeClosure } from './closures.js';
import { callValue } from './calls.js';
import { sink } from './taint-points.js';
import { evaluate } from './expressions.js';
import { propertyKeyName } from './ast-utils.js';

/** Values built by literals: template strings, tagged templates, arrays, object literals, and JSX (dangerouslySetInnerHTML). */

export function evalTemplate(an: Analyzer, node: AstNode, scope: Scope): Value {
  const quasis: AstNode[] = node.quasis;
  const parts: Value[] = node.expressions.map((e: AstNode) => evaluate(an, e, scope));
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
      const leading = i === 0 && cooked === '';
      taint = taint.concat((leading ? leadingTaints(part) : trailingTaints(part)).map((t) => ({ ...t, raw: false })));
    }
  });
  if (constant !== undefined && taint.length === 0) return strValue(constant);
  return make({ taint: dedupeTaint(taint), built: true, prefix, html });
}

export function evalTaggedTemplate(an: Analyzer, node: AstNode, scope: Scope): Value {
  const tag = evaluate(an, node.tag, scope);
  const exprs = node.quasi.expressions.map((e: AstNode) => evaluate(an, e, scope));
  const strings = newObj(an, node.quasi, true);
  const site: CallSite = { node, name: node.tag.type === 'MemberExpression' && !node.tag.computed ? node.tag.property.name : null, recvNode: null, argNodes: [node.quasi, ...node.quasi.expressions] };
  if (tag.fns.length > 0 || tag.apis.length > 0) {
    let result = callValue(an, tag, EMPTY, [objValue(strings), ...exprs], site);
    for (const api of tag.apis) result = join(result, callApi(an, api, EMPTY, [objValue(strings), ...exprs], site, true) ?? EMPTY);
    return result;
  }
  // Unknown tags (sql``, html``, gql``) are usually escaping or parameterising helpers: nothing propagates.
  return EMPTY;
}

export function evalArray(an: Analyzer, node: AstNode, scope: Scope): Value {
  const arr = newObj(an, node, true);
  node.elements.forEach((e: AstNode | null, i: number) => {
    if (!e) return;
    if (e.type === 'SpreadElement') {
      arr.setDyn(elementsOf(an, evaluate(an, e.argument, scope), false, e));
      return;
    }
    arr.set(String(i), evaluate(an, e, scope));
  });
  return objValue(arr);
}

export function evalObject(an: Analyzer, node: AstNode, scope: Scope): Value {
  const obj = newObj(an, node, false);
  let taint: Taint[] = [];
  for (const p of node.properties) {
    if (p.type === 'SpreadElement') {
      const src = evaluate(an, p.argument, scope);
      for (const o of src.objs) {
        for (const [k, v] of o.props) obj.set(k, v);
        if (!isEmptyValue(o.dyn)) obj.setDyn(o.dyn);
      }
      if (src.taint.length > 0) {
        obj.setDyn(make({ taint: src.taint }));
        taint = taint.concat(src.taint);
      }
      for (const api of src.apis) {
        const member = memberOfApi(an, api, null, p);
        if (member) obj.setDyn(member);
      }
      continue;
    }
    let key: string | null;
    let keyValue: Value | null = null;
    if (p.computed) {
      keyValue = evaluate(an, p.key, scope);
      key = keyValue.str !== undefined && !isTainted(keyValue) ? keyValue.str : null;
    } else key = propertyKeyName(p.key);
    let value: Value;
    if (p.value.type === 'FunctionExpression' || p.value.type === 'ArrowFunctionExpression') {
      value = makeClosure(an, p.value, scope, { name: key ?? '' });
    } else value = evaluate(an, p.value, scope);
    if (p.kind === 'get' || p.kind === 'set') {
      if (p.kind === 'get') {
        const getter = value;
        const got = callValue(an, getter, objValue(obj), [], { node: p, name: key, recvNode: null, argNodes: [] });
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

export function evalJsx(an: Analyzer, node: AstNode, scope: Scope): void {
  const visit = (n: AstNode | null) => {
    if (!n) return;
    if (n.type === 'JSXElement') {
      for (const attr of n.openingElement.attributes) {
        if (attr.type === 'JSXSpreadAttribute') {
          evaluate(an, attr.argument, scope);
          continue;
        }
        const name = attr.name?.type === 'JSXIdentifier' ? attr.name.name : '';
        if (attr.value?.type === 'JSXExpressionContainer' && attr.value.expression.type !== 'JSXEmptyExpression') {
          const v = evaluate(an, attr.value.expression, scope);
          if (name === 'dangerouslySetInnerHTML') {
            const html = readProp(an, v, '__html', null, attr);
            sink(an, 'xss', html, attr, 'dangerouslySetInnerHTML');
          }
        }
      }
      for (const child of n.children) visit(child);
    } else if (n.type === 'JSXFragment') {
      for (const child of n.children) visit(child);
    } else if (n.type === 'JSXExpressionContainer' && n.expression.type !== 'JSXEmptyExpression') {
      evaluate(an, n.expression, scope);
    }
  };
  visit(node);
}

export function dedupeTaint(taints: Taint[]): Taint[] {
  const seen = new Map<string, Taint>();
  for (const t of taints) {
    const old = seen.get(t.label.id);
    if (!old) seen.set(t.label.id, t);
    else seen.set(t.label.id, { ...old, clean: old.clean & t.clean, raw: old.raw || t.raw, base: !!old.base && !!t.base });
  }
  return [...seen.values()].slice(0, 6);
}

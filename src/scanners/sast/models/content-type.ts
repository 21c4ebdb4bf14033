import type { Analyzer } from '../analysis/analyzer.js';
import type { Scope } from '../analysis/frame.js';
import type { AstNode } from '../source/parse.js';
import { refine } from '../analysis/bindings.js';
import { make, type Value } from '../analysis/value.js';
import { own } from './table.js';

/**
 * The Content-Type a response object carries. Request data in a response is reflected
 * XSS only when a browser renders the response as HTML; a response whose type was set to
 * text/plain or JSON before the body is sent is not rendered (Express's send and Koa's
 * body keep a type set earlier). The fact lives on the response value (`plain`): setter
 * calls return the response with the fact set or cleared, and a setter call or assignment
 * as a statement updates the variable (or member path) holding the response, for the
 * rest of the function. An HTML type, a type computed at run time, or no type keeps the
 * finding. A type set to HTML (`markup`) also makes raw writes (res.write, ctx.body) HTML
 * when the text does not look like markup: without it, a browser sniffs plain text.
 *
 * `X-Content-Type-Options: nosniff` is not a guard: it stops sniffing of other types, but a
 * response that says text/html is still rendered as HTML.
 */

type TypeSet = 'plain' | 'html' | 'other';

type Setter =
  /** The type itself, a MIME type or an extension (res.type('json'), reply.type('text/plain')). */
  | { kind: 'type'; arg: number }
  /** A header name and value, or an object of headers at `arg` (res.set('Content-Type', t), res.set({...})). */
  | { kind: 'header'; arg: number }
  /** Objects of headers in the arguments from `from` on (res.writeHead(200, 'OK', {...})). */
  | { kind: 'headers'; from: number };

const SETTERS: Readonly<Record<string, Setter>> = {
  'express.res.type': { kind: 'type', arg: 0 },
  'express.res.contentType': { kind: 'type', arg: 0 },
  'express.res.set': { kind: 'header', arg: 0 },
  'express.res.header': { kind: 'header', arg: 0 },
  'express.res.setHeader': { kind: 'header', arg: 0 },
  'express.res.append': { kind: 'header', arg: 0 },
  'express.res.writeHead': { kind: 'headers', from: 1 },
  'http.res.setHeader': { kind: 'header', arg: 0 },
  'http.res.writeHead': { kind: 'headers', from: 1 },
  'koa.ctx.set': { kind: 'header', arg: 0 },
  'koa.response.set': { kind: 'header', arg: 0 },
  'fastify.reply.type': { kind: 'type', arg: 0 },
  'fastify.reply.header': { kind: 'header', arg: 0 },
  'fastify.reply.headers': { kind: 'header', arg: 0 },
};

/** Assignments that set the type: Koa's ctx.type = 'text/plain'. */
const TYPE_PROPERTIES: Readonly<Record<string, string>> = { 'koa.ctx': 'type', 'koa.response': 'type' };

/** Response types whose methods return the same response (chaining). */
const RESPONSE_TYPES = new Set(['express.res', 'http.res', 'koa.ctx', 'koa.response', 'fastify.reply']);

/** Extensions and short names Express, Koa and Fastify resolve through their MIME tables. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  json: 'application/json', text: 'text/plain', txt: 'text/plain', csv: 'text/csv', map: 'application/json',
};

/** Types browsers never render as a document. */
const NOT_HTML = new Set(['text/plain', 'text/csv', 'application/json', 'text/json', 'application/x-ndjson']);

/** A constant type that is not HTML; false for HTML, XML (XHTML and SVG run scripts) and anything unknown. */
export function isPlainType(type: string): boolean {
  let t = type.split(';')[0]!.trim().toLowerCase();
  if (!t.includes('/')) t = own(SHORT_NAMES, t.replace(/^\./, '')) ?? '';
  return NOT_HTML.has(t) || /^application\/[a-z0-9.+-]+\+json$/.test(t);
}

/** 'plain', 'html' or 'other' for a content type value; unknown (tainted or computed) is 'other'. */
function classify(v: Value | undefined): TypeSet {
  if (v === undefined || v.taint.length > 0 || v.str === undefined) return 'other';
  if (isPlainType(v.str)) return 'plain';
  return /^\s*(text\/html|html|\.html)\s*(;|$)/i.test(v.str) ? 'html' : 'other';
}

function fromHeaders(v: Value | undefined): TypeSet | null {
  let found: TypeSet | null = null;
  for (const o of v?.objs ?? []) {
    for (const [k, h] of o.props) {
      if (k.toLowerCase() !== 'content-type') continue;
      const c = classify(h);
      found = found === null || found === c ? c : 'other';
    }
    if (o.dyn.taint.length > 0 || o.dynKeys.taint.length > 0) found = 'other';
  }
  return found;
}

/** What a call does to the response's type: 'plain', 'html', 'other' (unknown or another type), or null when it does not set it. */
function typeSetBy(api: string, args: readonly Value[]): TypeSet | null {
  const setter = own(SETTERS, api);
  if (!setter) return null;
  switch (setter.kind) {
    case 'type':
      return classify(args[setter.arg]);
    case 'header': {
      const name = args[setter.arg];
      if (name === undefined) return null;
      if (name.objs.length > 0) return fromHeaders(name);
      if (name.str === undefined) return name.taint.length > 0 ? 'other' : null;
      if (name.str.toLowerCase() !== 'content-type') return null;
      // res.append adds to the header: the browser sees more than the type appended.
      return api === 'express.res.append' ? 'other' : classify(args[setter.arg + 1]);
    }
    case 'headers': {
      let found: TypeSet | null = null;
      for (const h of args.slice(setter.from)) found = fromHeaders(h) ?? found;
      return found;
    }
  }
}

/** Call nodes and assignment targets that set a type in the evaluation just done, for the statement that holds them. */
const effects = new WeakMap<AstNode, TypeSet>();

/** Records what a call sets for the statement that holds it (see refineResponse); null when it sets no type. */
export function noteTypeSetter(api: string, args: readonly Value[], node: AstNode): TypeSet | null {
  const set = typeSetBy(api, args);
  if (set !== null) effects.set(node, set);
  return set;
}

/** The response a chaining call returns (res.status(200), res.type(t)): the receiver's fact, updated by what the call set. */
export function chainedResponse(api: string, thisValue: Value, set: TypeSet | null, result: Value): Value {
  const receiverType = api.slice(0, api.lastIndexOf('.'));
  if (!RESPONSE_TYPES.has(receiverType) || !result.apis.includes(receiverType)) return result;
  const plain = set === null ? !!thisValue.plain : set === 'plain';
  const markup = set === null ? !!thisValue.markup : set === 'html';
  return plain === !!result.plain && markup === !!result.markup ? result : make({ ...result, plain, markup });
}

/** `ctx.type = t` on a Koa context: remembered for the statement (see refineResponse). */
export function storeType(api: string, key: string | null, value: Value, target: AstNode): void {
  if (key !== null && own(TYPE_PROPERTIES, api) === key) effects.set(target, classify(value));
}

/** The receiver a response was reached from: `res` in `res.status(200).type('text/plain')`. */
function chainRoot(call: AstNode): { root: AstNode; calls: AstNode[] } | null {
  const calls: AstNode[] = [];
  let n = call;
  while (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && !n.callee.computed) {
    calls.unshift(n);
    n = n.callee.object;
    while (n.type === 'ParenthesizedExpression' || n.type === 'TSNonNullExpression') n = n.expression;
  }
  return calls.length > 0 ? { root: n, calls } : null;
}

/**
 * A statement that set the type of a response held in a variable (or member path): the
 * variable's value gets the fact for the rest of the function. Only responses: the
 * variable must hold a response type.
 */
export function refineResponse(an: Analyzer, expression: AstNode, scope: Scope): void {
  let node = expression;
  if (node.type === 'AwaitExpression') node = node.argument;
  let root: AstNode;
  let set: TypeSet | undefined;
  if (node.type === 'AssignmentExpression' && node.operator === '=' && node.left.type === 'MemberExpression') {
    set = effects.get(node.left);
    effects.delete(node.left);
    root = node.left.object;
  } else {
    const chain = node.type === 'CallExpression' ? chainRoot(node) : null;
    if (!chain) return;
    root = chain.root;
    for (const c of chain.calls) {
      const e = effects.get(c);
      if (e !== undefined) set = e;
      effects.delete(c);
    }
  }
  if (set === undefined) return;
  if (root.type !== 'Identifier' && root.type !== 'MemberExpression' && root.type !== 'ThisExpression') return;
  const plain = set === 'plain';
  const markup = set === 'html';
  refine(an, root, scope, (v) => (v.apis.some((a) => RESPONSE_TYPES.has(a)) && (!!v.plain !== plain || !!v.markup !== markup) ? make({ ...v, plain, markup }) : v));
}

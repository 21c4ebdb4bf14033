import { childExpressions, type Attribute, type Block, type Body, type Expr, type ObjectItem, type TemplatePart } from './hcl/ast.js';
import { UNKNOWN, evaluate, type Scope, type Value } from './hcl/evaluate.js';
import { isSet } from './hcl/value.js';

/**
 * The instances of a resource with for_each or count, as the rules judge them. A
 * resource whose for_each or count can be read is judged once per instance: its block
 * is read with `each.key` and `each.value` (or `count.index`) put in place of the
 * references to them, so every reading of the block, by any rule and any helper
 * (valueOf, sections, policy documents...), sees that instance's values. Expressions
 * that do not mention them are shared by all instances, as written.
 *
 * - A for_each or count that cannot be read: the resource as written, in which `each`
 *   and `count` are unknown (unknown stays unknown, never guessed).
 * - Known to make nothing (count = 0, for_each = {} or []): no instance, nothing judged.
 * - More instances than MAX_RESOURCE_INSTANCES, or past the file's budget: the resource
 *   as written, and a warning says so.
 * - A block that mentions neither `each` nor `count`: every instance is the same, the
 *   resource as written stands for all.
 */

/** Instances of one resource judged one by one; past this, the resource is judged once as written (as module calls are capped). */
export const MAX_RESOURCE_INSTANCES = 256;
/** Instances judged one by one in one file, over all its resources. */
export const MAX_INSTANCES_PER_FILE = 4096;

/** How a resource's for_each or count reads. */
export type InstancePlan =
  /** No for_each or count, or one that cannot be read: the resource as written. */
  | { kind: 'as-written' }
  /** Known to make nothing. */
  | { kind: 'none' }
  /** Known: each instance's key (each.key, count.index) and the names bound in it. */
  | { kind: 'instances'; instances: Array<{ key: string | number; bound: Map<string, Value> }> }
  /** Known but too many to judge one by one. */
  | { kind: 'too-many'; count: number };

/** The attribute as Terraform reads it: the last one written (model.ts `attribute`). */
function lastAttribute(block: Block, name: string): Attribute | undefined {
  return block.body.attributes.findLast((a) => a.name === name);
}

/** A for_each's elements as Terraform keys them: a map's keys, a set's (or list's) elements. */
function forEachElements(value: Value): Array<[string, Value]> | undefined {
  if (Array.isArray(value)) {
    // A list is not a valid for_each; toset() of strings is. Elements that are not strings cannot be keys.
    if (!isSet(value) && value.some((v) => typeof v !== 'string')) return undefined;
    const out: Array<[string, Value]> = [];
    for (const v of value) if (typeof v === 'string' && !out.some(([k]) => k === v)) out.push([v, v]);
    return out.length === value.length || isSet(value) ? out : undefined;
  }
  if (value !== null && value !== UNKNOWN && typeof value === 'object') return Object.entries(value);
  return undefined;
}

/** The instances a resource block makes, as its for_each or count reads in `scope`. */
export function planInstances(block: Block, scope: Scope): InstancePlan {
  const forEach = lastAttribute(block, 'for_each');
  if (forEach) {
    const value = evaluate(forEach.expr, scope);
    const entries = forEachElements(value);
    if (!entries) return { kind: 'as-written' };
    if (entries.length === 0) return { kind: 'none' };
    if (entries.length > MAX_RESOURCE_INSTANCES) return { kind: 'too-many', count: entries.length };
    return { kind: 'instances', instances: entries.map(([key, v]) => ({ key, bound: new Map([['each', { key, value: v }]]) })) };
  }
  const count = lastAttribute(block, 'count');
  if (count) {
    const n = evaluate(count.expr, scope);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return { kind: 'as-written' };
    if (n === 0) return { kind: 'none' };
    if (n > MAX_RESOURCE_INSTANCES) return { kind: 'too-many', count: n };
    return { kind: 'instances', instances: Array.from({ length: n }, (_, index) => ({ key: index, bound: new Map<string, Value>([['count', { index }]]) })) };
  }
  return { kind: 'as-written' };
}

const ROOTS = new WeakMap<Expr, boolean>();
const BOUND_NAMES = ['each', 'count'];

/** Whether an expression refers to `each` or `count` anywhere in it. */
function mentionsBound(expr: Expr): boolean {
  const cached = ROOTS.get(expr);
  if (cached !== undefined) return cached;
  let found = false;
  const stack: Expr[] = [expr];
  while (stack.length > 0 && !found) {
    const e = stack.pop()!;
    if (e.kind === 'traversal' && !e.source && BOUND_NAMES.includes(e.path[0] ?? '')) found = true;
    else stack.push(...childExpressions(e));
  }
  ROOTS.set(expr, found);
  return found;
}

/** Whether a block (its attributes and nested blocks) refers to `each` or `count`. */
export function blockMentionsBound(block: Block): boolean {
  return block.body.attributes.some((a) => mentionsBound(a.expr)) || block.body.blocks.some(blockMentionsBound);
}

/** The expression each substituted one was made from: its source text, caches and indexes are the written one's. */
const WRITTEN = new WeakMap<Expr, Expr>();

/** The expression as written, for one read in an instance (the same expression when it is not a substitute). */
export function writtenExpr(expr: Expr): Expr {
  return WRITTEN.get(expr) ?? expr;
}

/** Blocks that are one instance of a resource: reading them for_each or count again would find nothing new. */
const INSTANCE_BLOCKS = new WeakSet<Block>();

export function isInstanceBlock(block: Block): boolean {
  return INSTANCE_BLOCKS.has(block);
}

/**
 * The expression with the names `bound` gives put in place of the references to them
 * (`each.value.port` becomes the port), or the expression itself when it mentions none.
 * Names a `for` expression binds anew are left alone inside it.
 */
export function substitute(expr: Expr, bound: ReadonlyMap<string, Value>): Expr {
  if (!mentionsBound(expr)) return expr;
  const out = substituteWithin(expr, bound);
  if (out !== expr) WRITTEN.set(out, writtenExpr(expr));
  return out;
}

function substituteWithin(expr: Expr, bound: ReadonlyMap<string, Value>): Expr {
  if (!mentionsBound(expr)) return expr;
  const sub = (e: Expr) => substitute(e, bound);
  switch (expr.kind) {
    case 'traversal': {
      const indexes = expr.indexes?.map(sub);
      const withIndexes = indexes ? { indexes } : {};
      if (expr.source) return { ...expr, source: sub(expr.source), ...withIndexes };
      const root = expr.path[0];
      const value = root === undefined ? undefined : bound.get(root);
      if (value === undefined) return { ...expr, ...withIndexes };
      const known: Expr = { kind: 'value', value, line: expr.line, column: expr.column, endLine: expr.endLine, start: expr.start, end: expr.end };
      if (expr.path.length === 1) return known;
      // The steps after the root keep their computed indexes ('[?]'), in order.
      return { ...expr, path: expr.path.slice(1), source: known, ...withIndexes };
    }
    case 'template':
      return { ...expr, parts: expr.parts.map((p): TemplatePart => (p.kind === 'interpolation' && p.expr ? { ...p, expr: sub(p.expr) } : p)) };
    case 'tuple':
      return { ...expr, items: expr.items.map(sub) };
    case 'object':
      return { ...expr, items: expr.items.map((item): ObjectItem => ({ ...item, key: sub(item.key), value: sub(item.value) })) };
    case 'call':
      return { ...expr, args: expr.args.map(sub) };
    case 'unary':
      return { ...expr, operand: sub(expr.operand) };
    case 'binary':
      return { ...expr, left: sub(expr.left), right: sub(expr.right) };
    case 'conditional':
      return { ...expr, condition: sub(expr.condition), then: sub(expr.then), else: sub(expr.else) };
    case 'for': {
      const shadowed = [expr.keyVar, expr.valueVar].filter((n): n is string => n !== undefined && bound.has(n));
      const inner = shadowed.length > 0 ? new Map([...bound].filter(([n]) => !shadowed.includes(n))) : bound;
      const subInner = (e: Expr) => (inner.size > 0 ? substitute(e, inner) : e);
      return {
        ...expr,
        collection: sub(expr.collection),
        ...(expr.keyExpr ? { keyExpr: subInner(expr.keyExpr) } : {}),
        valueExpr: subInner(expr.valueExpr),
        ...(expr.condition ? { condition: subInner(expr.condition) } : {}),
      };
    }
    case 'splat':
      return { ...expr, source: sub(expr.source) };
    case 'paren':
      return { ...expr, expr: sub(expr.expr) };
    default:
      return expr;
  }
}

function substituteBody(body: Body, bound: ReadonlyMap<string, Value>): Body {
  return {
    attributes: body.attributes.map((a) => {
      const expr = substitute(a.expr, bound);
      return expr === a.expr ? a : { ...a, expr };
    }),
    blocks: body.blocks.map((b) => (blockMentionsBound(b) ? { ...b, body: substituteBody(b.body, bound) } : b)),
  };
}

/** One instance of a resource block: the block with the instance's names in place. */
export function instanceBlock(block: Block, bound: ReadonlyMap<string, Value>): Block {
  const made: Block = { ...block, body: substituteBody(block.body, bound) };
  INSTANCE_BLOCKS.add(made);
  return made;
}

/** How an instance is named in an address: `["POST /start"]`, `[0]`. */
export function instanceSuffix(key: string | number): string {
  return `[${JSON.stringify(key)}]`;
}

import type { Expr, TemplateExpr } from './ast.js';

/**
 * Static evaluation of HCL expressions, as far as the file alone allows: literals,
 * collections, `var.x` defaults, `local.x`, templates whose parts are known, and a few
 * pure functions (jsonencode, tolist, concat, lower...). Anything that depends on
 * state, other modules or the provider is UNKNOWN, and rules treat UNKNOWN as "cannot
 * tell", never as a finding.
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Unknown;

export interface Scope {
  variable(name: string): Expr | undefined;
  local(name: string): Expr | undefined;
  /** A name bound to a value while one instance of a block is read: the iterator of a `dynamic` block (`ingress.value`). */
  bound?(name: string): Value | undefined;
  /** The type constraint of `var.name` (its `type` argument), whose `optional(type, default)` attributes fill what a value leaves out. */
  variableType?(name: string): Expr | undefined;
}

export const EMPTY_SCOPE: Scope = { variable: () => undefined, local: () => undefined };

const MAX_DEPTH = 64;
/**
 * Work and text limits of one evaluation. A depth limit alone does not bound the work:
 * `l1 = [local.l0, local.l0]`, `l2 = [local.l1, local.l1]`... doubles it at each level.
 * Past either limit the value is UNKNOWN, which rules read as "cannot tell".
 */
const MAX_STEPS = 20_000;
const MAX_TEXT = 1 << 20;

/**
 * The value of an expression. A caller that evaluates many times (once per element of a
 * for_each) may pass a smaller `budget`, which is spent in place, to bound its total work.
 */
export function evaluate(expr: Expr | undefined, scope: Scope = EMPTY_SCOPE, budget: { steps: number } = { steps: MAX_STEPS }): Value {
  return evaluateWithin(expr, scope, 0, budget);
}

function evaluateWithin(expr: Expr | undefined, scope: Scope, depth: number, budget: { steps: number }): Value {
  if (!expr || depth > MAX_DEPTH || --budget.steps < 0) return UNKNOWN;
  const next = (e: Expr | undefined) => evaluateWithin(e, scope, depth + 1, budget);
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'template':
      return evaluateTemplate(expr, next);
    case 'tuple':
      return expr.items.map(next);
    case 'object': {
      const out: { [key: string]: Value } = {};
      for (const item of expr.items) {
        const key = item.keyName ?? next(item.key);
        if (typeof key !== 'string') return UNKNOWN;
        out[key] = next(item.value);
      }
      return out;
    }
    case 'paren':
      return next(expr.expr);
    case 'traversal': {
      // Computed index steps ('[?]') take their expressions in order.
      const indexes = expr.indexes ?? [];
      let taken = 0;
      const index = () => next(indexes[taken++]);
      if (expr.source) return traverse(next(expr.source), expr.path, index);
      const [root, name, ...rest] = expr.path;
      if (root === '[?]' || name === '[?]') return UNKNOWN;
      if (root === 'var' && name) return traverse(converted(next(scope.variable(name)), scope.variableType?.(name), next, budget), rest, index);
      if (root === 'local' && name) return traverse(next(scope.local(name)), rest, index);
      const bound = root === undefined ? undefined : scope.bound?.(root);
      if (bound !== undefined) return traverse(bound, expr.path.slice(1), index);
      return UNKNOWN;
    }
    case 'conditional': {
      const condition = next(expr.condition);
      if (condition === true) return next(expr.then);
      if (condition === false) return next(expr.else);
      return UNKNOWN;
    }
    case 'unary': {
      const value = next(expr.operand);
      if (expr.op === '!' && typeof value === 'boolean') return !value;
      if (expr.op === '-' && typeof value === 'number') return -value;
      return UNKNOWN;
    }
    case 'binary':
      return binary(expr.op, next(expr.left), next(expr.right));
    case 'call':
      return call(expr.name, expr.args.map(next));
    default:
      return UNKNOWN;
  }
}

/**
 * A variable's value converted to its type constraint as Terraform does it: an object
 * attribute declared `optional(type, default)` that the value leaves out or sets to null
 * takes the default (itself converted), in objects at any depth of lists, sets, maps and
 * tuples. A value that does not fit the type is left as it is (Terraform would refuse it).
 */
function converted(value: Value, type: Expr | undefined, evaluateDefault: (e: Expr) => Value, budget: { steps: number }, depth = 0): Value {
  if (!type || value === UNKNOWN || value === null || typeof value !== 'object' || depth > MAX_DEPTH || --budget.steps < 0) return value;
  if (type.kind === 'paren') return converted(value, type.expr, evaluateDefault, budget, depth + 1);
  if (type.kind !== 'call') return value;
  const inner = type.args[0];
  const convert = (v: Value, t: Expr | undefined) => converted(v, t, evaluateDefault, budget, depth + 1);
  switch (type.name) {
    case 'optional':
      return convert(value, inner);
    case 'list':
    case 'set':
      return Array.isArray(value) ? value.map((v) => convert(v, inner)) : value;
    case 'map':
      return Array.isArray(value) ? value : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, inner)]));
    case 'tuple':
      return Array.isArray(value) && inner?.kind === 'tuple' ? value.map((v, i) => convert(v, inner.items[i])) : value;
    case 'object': {
      if (Array.isArray(value) || inner?.kind !== 'object') return value;
      const out: { [key: string]: Value } = { ...value };
      for (const item of inner.items) {
        const key = item.keyName;
        if (key === undefined) continue;
        const attributeType = item.value.kind === 'paren' ? item.value.expr : item.value;
        const missing = !Object.hasOwn(out, key) || out[key] === null;
        if (missing && attributeType.kind === 'call' && attributeType.name === 'optional') {
          const declared = attributeType.args[1];
          out[key] = declared ? convert(evaluateDefault(declared), attributeType.args[0]) : null;
        } else if (Object.hasOwn(out, key)) out[key] = convert(out[key]!, attributeType);
      }
      return out;
    }
    default:
      return value;
  }
}

function evaluateTemplate(expr: TemplateExpr, next: (e: Expr | undefined) => Value): Value {
  if (expr.parts.length === 1 && expr.parts[0]!.kind === 'interpolation' && !expr.heredoc) return next(expr.parts[0]!.expr);
  let out = '';
  for (const part of expr.parts) {
    if (part.kind === 'text') out += part.value;
    else if (part.kind === 'directive') return UNKNOWN;
    else {
      const value = next(part.expr);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out += String(value);
      else return UNKNOWN;
    }
    if (out.length > MAX_TEXT) return UNKNOWN;
  }
  return out;
}

/** Steps into a value; `computed` gives the value of each '[?]' step's index, in order. */
function traverse(value: Value, path: readonly string[], computed: () => Value = () => UNKNOWN): Value {
  let current = value;
  for (const step of path) {
    if (current === UNKNOWN || current === null || typeof current !== 'object') return UNKNOWN;
    const index = /^\[(.*)\]$/.exec(step);
    const key = step === '[?]' ? computed() : index ? safeJson(index[1]!) : step;
    if (Array.isArray(current)) {
      if (typeof key !== 'number') return UNKNOWN;
      current = current[key] ?? UNKNOWN;
    } else {
      if (typeof key !== 'string') return UNKNOWN;
      current = Object.prototype.hasOwnProperty.call(current, key) ? current[key]! : UNKNOWN;
    }
  }
  return current;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function binary(op: string, left: Value, right: Value): Value {
  if (left === UNKNOWN || right === UNKNOWN) {
    // `x && false` and `x || true` are decided by one side.
    if (op === '&&' && (left === false || right === false)) return false;
    if (op === '||' && (left === true || right === true)) return true;
    return UNKNOWN;
  }
  if ((op === '==' || op === '!=') && textSize([left, right], MAX_TEXT) > MAX_TEXT) return UNKNOWN;
  switch (op) {
    case '==':
      return JSON.stringify(left) === JSON.stringify(right);
    case '!=':
      return JSON.stringify(left) !== JSON.stringify(right);
    case '&&':
      return typeof left === 'boolean' && typeof right === 'boolean' ? left && right : UNKNOWN;
    case '||':
      return typeof left === 'boolean' && typeof right === 'boolean' ? left || right : UNKNOWN;
  }
  if (typeof left !== 'number' || typeof right !== 'number') return UNKNOWN;
  switch (op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return right === 0 ? UNKNOWN : left / right;
    case '%':
      return right === 0 ? UNKNOWN : left % right;
    case '<':
      return left < right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    case '>=':
      return left >= right;
  }
  return UNKNOWN;
}

/** About how many characters a value takes as text, counted only up to just past `limit`. */
function textSize(value: Value, limit: number): number {
  let size = 0;
  const stack: Value[] = [value];
  while (stack.length > 0 && size <= limit) {
    const item = stack.pop()!;
    if (typeof item === 'string') size += item.length + 2;
    else if (Array.isArray(item)) (size += 2), stack.push(...item);
    else if (item !== null && typeof item === 'object') for (const [key, inner] of Object.entries(item)) (size += key.length + 4), stack.push(inner);
    else size += 8;
  }
  return size;
}

function isKnown(value: Value): boolean {
  if (value === UNKNOWN) return false;
  if (Array.isArray(value)) return value.every(isKnown);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isKnown);
  return true;
}

function call(name: string, args: Value[]): Value {
  const [first, second] = args;
  switch (name) {
    case 'jsonencode':
      return isKnown(first ?? UNKNOWN) && textSize(first!, MAX_TEXT) <= MAX_TEXT ? JSON.stringify(first) : UNKNOWN;
    case 'jsondecode':
      if (typeof first !== 'string') return UNKNOWN;
      return (safeJson(first) as Value | undefined) ?? UNKNOWN;
    case 'tolist':
    case 'toset':
      return Array.isArray(first) ? first : UNKNOWN;
    case 'tostring':
      return typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean' ? String(first) : UNKNOWN;
    case 'tonumber':
      return typeof first === 'number' ? first : typeof first === 'string' && first.trim() !== '' && Number.isFinite(Number(first)) ? Number(first) : UNKNOWN;
    case 'tobool':
      return typeof first === 'boolean' ? first : first === 'true' ? true : first === 'false' ? false : UNKNOWN;
    case 'lower':
      return typeof first === 'string' ? first.toLowerCase() : UNKNOWN;
    case 'upper':
      return typeof first === 'string' ? first.toUpperCase() : UNKNOWN;
    case 'length':
      if (Array.isArray(first)) return first.length;
      if (typeof first === 'string') return [...first].length;
      return first !== null && typeof first === 'object' ? Object.keys(first).length : UNKNOWN;
    case 'concat':
      return args.every(Array.isArray) ? (args as Value[][]).flat() : UNKNOWN;
    case 'merge': {
      if (!args.every((a) => a !== null && typeof a === 'object' && !Array.isArray(a))) return UNKNOWN;
      return Object.assign({}, ...(args as object[])) as Value;
    }
    case 'element': {
      // Terraform wraps an index past the end around to the start.
      if (!Array.isArray(first) || first.length === 0 || typeof second !== 'number' || !Number.isInteger(second) || second < 0) return UNKNOWN;
      return first[second % first.length]!;
    }
    case 'lookup': {
      const fallback = args[2];
      if (first === null || typeof first !== 'object' || Array.isArray(first) || typeof second !== 'string') return UNKNOWN;
      if (!isKnown(first)) return Object.hasOwn(first, second) ? (first as Record<string, Value>)[second]! : UNKNOWN;
      return Object.hasOwn(first, second) ? (first as Record<string, Value>)[second]! : fallback ?? UNKNOWN;
    }
    case 'coalesce':
      return args.find((a) => a !== null && a !== '' && a !== UNKNOWN) ?? UNKNOWN;
    case 'format':
      return UNKNOWN;
    case 'join':
      return typeof first === 'string' && Array.isArray(second) && second.every((s) => typeof s === 'string') && first.length * second.length + textSize(second, MAX_TEXT) <= MAX_TEXT
        ? (second as string[]).join(first)
        : UNKNOWN;
    case 'split':
      // The security-group module's "0.0.0.0/0,10.0.0.0/8" lists: compact(split(",", ...)).
      return typeof first === 'string' && first !== '' && typeof second === 'string' ? second.split(first) : UNKNOWN;
    case 'compact':
      return Array.isArray(first) && first.every((s) => typeof s === 'string' || s === null) ? first.filter((s) => s !== '' && s !== null) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

export function isUnknown(value: Value | undefined): value is Unknown {
  return value === UNKNOWN;
}

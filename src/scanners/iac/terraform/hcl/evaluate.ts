import type { Expr, ForExpr, SplatExpr, TemplateExpr } from './ast.js';
import { parseHcl } from './parser.js';
import { callFunction } from './functions.js';
import { OutOfWork } from './regex-functions.js';
import { callFileFunction, isFileFunction, PATH_VALUES, type ModuleFiles } from './file-functions.js';
import { MAX_TEXT, UNKNOWN, compareText, equalValues, isSet, markSet, setKey, valueCount, type Unknown, type Value } from './value.js';

export { UNKNOWN, type Unknown, type Value } from './value.js';
export type { ModuleFiles } from './file-functions.js';

/**
 * Static evaluation of HCL expressions, as far as the file alone allows: literals,
 * collections, `var.x` defaults, `local.x`, templates whose parts are known, `for`
 * expressions and splats over known collections, and Terraform's pure functions
 * (functions.ts). Anything that depends on state, other modules or the provider is
 * UNKNOWN, and rules treat UNKNOWN as "cannot tell", never as a finding.
 */
export interface Scope {
  variable(name: string): Expr | undefined;
  local(name: string): Expr | undefined;
  /** A name bound to a value while one instance of a block is read: the iterator of a `dynamic` block (`ingress.value`). */
  bound?(name: string): Value | undefined;
  /** The type constraint of `var.name` (its `type` argument), whose `optional(type, default)` attributes fill what a value leaves out. */
  variableType?(name: string): Expr | undefined;
  /** The files of the scan that file(), fileexists(), fileset() and templatefile() read (file-functions.ts); without it they are unknown. */
  files?: ModuleFiles;
}

export const EMPTY_SCOPE: Scope = { variable: () => undefined, local: () => undefined };

const MAX_DEPTH = 64;
/**
 * Work and text limits of one evaluation. A depth limit alone does not bound the work:
 * `l1 = [local.l0, local.l0]`, `l2 = [local.l1, local.l1]`... doubles it at each level.
 * Past either limit the value is UNKNOWN, which rules read as "cannot tell".
 */
const MAX_STEPS = 20_000;
/** Elements a `for` expression reads; each also costs a step of the budget, which bounds nested ones. */
const MAX_FOR_ELEMENTS = 10_000;

/**
 * The value of an expression. A caller that evaluates many times (once per element of a
 * for_each) may pass a smaller `budget`, which is spent in place, to bound its total work.
 */
export function evaluate(expr: Expr | undefined, scope: Scope = EMPTY_SCOPE, budget: { steps: number } = { steps: MAX_STEPS }): Value {
  return evaluateWithin(expr, scope, 0, budget);
}

function evaluateWithin(expr: Expr | undefined, scope: Scope, depth: number, budget: { steps: number }): Value {
  if (!expr) return UNKNOWN;
  if (depth > MAX_DEPTH || --budget.steps < 0) {
    cuts++;
    return UNKNOWN;
  }
  const next = (e: Expr | undefined) => evaluateWithin(e, scope, depth + 1, budget);
  switch (expr.kind) {
    case 'literal':
    case 'value':
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
        setKey(out, key, next(item.value));
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
      if (root === 'var' && name) return traverse(remembered(scope, `var.${name}`, depth, budget, () => converted(next(scope.variable(name)), scope.variableType?.(name), next, budget)), rest, index);
      if (root === 'local' && name) return traverse(remembered(scope, `local.${name}`, depth, budget, () => next(scope.local(name))), rest, index);
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
      return evaluateCall(expr, next, scope, depth, budget);
    case 'for':
      return evaluateFor(expr, scope, depth, budget);
    case 'splat':
      return evaluateSplat(expr, next);
    default:
      return UNKNOWN;
  }
}

/** What `try` and `can` tell apart from an unknown value: an expression Terraform cannot evaluate (an attribute of null, a key a known map lacks). */
const FAILED: unique symbol = Symbol('failed');

/** Units of a function's own work (a regular expression's characters read times instructions) that cost one step of the budget. */
const WORK_PER_STEP = 256;

function evaluateCall(expr: Extract<Expr, { kind: 'call' }>, next: (e: Expr | undefined) => Value, scope: Scope, depth: number, budget: { steps: number }): Value {
  if (expr.name === 'try' || expr.name === 'can') {
    for (const arg of expr.args) {
      const value = attempt(arg, next);
      if (expr.name === 'can') return value === FAILED ? false : value === UNKNOWN ? UNKNOWN : true;
      if (value !== FAILED) return value;
    }
    return UNKNOWN;
  }
  if (isFileFunction(expr.name)) {
    if (!scope.files || expr.expandFinal) return UNKNOWN;
    // The path is read where path.module and path.root have values of their own (PathScope), which only the file functions take.
    const path = evaluateWithin(expr.args[0], pathScopeOf(scope), depth + 1, budget);
    return callFileFunction(expr.name, path, expr.args.slice(1).map(next), scope.files, (text, vars) => evaluateTemplateFile(text, vars, budget));
  }
  const args = expr.args.map(next);
  if (expr.expandFinal) {
    // `merge(local.maps...)`: the last argument's elements are the arguments.
    const last = args.pop();
    if (!Array.isArray(last)) return UNKNOWN;
    args.push(...last);
  }
  return callFunction(expr.name, args, (work) => {
    budget.steps -= Math.ceil(work / WORK_PER_STEP);
    if (budget.steps < 0) {
      cuts++;
      throw new OutOfWork();
    }
  });
}

/**
 * The value of an argument of `try` or `can`, or FAILED where Terraform would fail: a
 * step of a reference that a known value does not have (an attribute of null or of a
 * string, a key a known object lacks, an index past a list's end). Other expressions
 * are evaluated as usual: a failure within them is only UNKNOWN.
 */
function attempt(expr: Expr, next: (e: Expr | undefined) => Value): Value | typeof FAILED {
  if (expr.kind === 'paren') return attempt(expr.expr, next);
  if (expr.kind !== 'traversal') return next(expr);
  const indexes = expr.indexes ?? [];
  let taken = 0;
  const index = () => {
    const e = indexes[taken++];
    return e ? attempt(e, next) : UNKNOWN;
  };
  if (expr.source) {
    const base = attempt(expr.source, next);
    return base === FAILED ? FAILED : strictly(base, expr.path, index);
  }
  // A reference by name: its root (`var.x`, `local.x`, a bound name) read as usual, the steps after it strictly.
  const rootLength = expr.path[0] === 'var' || expr.path[0] === 'local' ? 2 : 1;
  const root = expr.path.slice(0, rootLength);
  if (root.length < rootLength || root.includes('[?]')) return next(expr);
  const { indexes: _unused, ...rest } = expr;
  return strictly(next({ ...rest, path: root }), expr.path.slice(rootLength), index);
}

/** Steps into a value as Terraform does, failing where a known value lacks the step; `computed` gives each '[?]' step's key. */
function strictly(value: Value, path: readonly string[], computed: () => Value | typeof FAILED): Value | typeof FAILED {
  let current = value;
  for (const step of path) {
    if (current === UNKNOWN) return UNKNOWN;
    const index = /^\[(.*)\]$/.exec(step);
    const key = step === '[?]' ? computed() : index ? (safeJson(index[1]!) as Value | undefined) : step;
    if (key === FAILED) return FAILED;
    if (key === UNKNOWN || key === undefined) return UNKNOWN;
    if (current === null || typeof current !== 'object') return FAILED;
    if (Array.isArray(current)) {
      if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= current.length) return FAILED;
      current = current[key]!;
    } else {
      const name = typeof key === 'number' ? String(key) : key;
      if (typeof name !== 'string' || !Object.hasOwn(current, name)) return FAILED;
      current = current[name]!;
    }
  }
  return current;
}

/**
 * `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value...}` over a
 * known list, set or map (map keys in lexical order, as Terraform iterates them). A
 * condition that cannot be told, or a key that cannot, leaves the whole result unknown
 * (which elements it holds cannot be told); an unknown element stays unknown. In a map, an
 * element that is itself unknown is kept, unknown, when its condition cannot be told
 * (`{for k, v in local.body : k => v if v != null}`, the null-stripping of AVM modules, keeps
 * the properties it can read, and one set by a resource's attribute is unknown, not a reason
 * to lose the rest).
 */
function evaluateFor(expr: ForExpr, scope: Scope, depth: number, budget: { steps: number }): Value {
  const collection = evaluateWithin(expr.collection, scope, depth + 1, budget);
  let entries: Array<[Value, Value]>;
  if (Array.isArray(collection)) entries = collection.map((v, i) => [isSet(collection) ? v : i, v]);
  else if (collection !== null && collection !== UNKNOWN && typeof collection === 'object')
    entries = Object.keys(collection)
      .sort(compareText)
      .map((k) => [k, collection[k]!]);
  else return UNKNOWN;
  if (entries.length > MAX_FOR_ELEMENTS) return UNKNOWN;
  const list: Value[] = [];
  const map: { [key: string]: Value } = {};
  const groups = new Map<string, Value[]>();
  for (const [key, value] of entries) {
    if (budget.steps <= 0) {
      cuts++;
      return UNKNOWN;
    }
    const inner = new ForScope(scope, expr.keyVar, key, expr.valueVar, value);
    const at = (e: Expr | undefined) => evaluateWithin(e, inner, depth + 1, budget);
    if (expr.condition) {
      const keep = at(expr.condition);
      if (keep === false) continue;
      if (keep !== true && !(expr.object && !expr.grouping && value === UNKNOWN)) return UNKNOWN;
    }
    if (!expr.object) {
      list.push(at(expr.valueExpr));
      continue;
    }
    const name = at(expr.keyExpr);
    const text = typeof name === 'string' ? name : typeof name === 'number' || typeof name === 'boolean' ? String(name) : undefined;
    if (text === undefined) return UNKNOWN;
    const item = at(expr.valueExpr);
    if (expr.grouping) {
      const group = groups.get(text);
      if (group) group.push(item);
      else groups.set(text, [item]);
    } else if (Object.hasOwn(map, text)) return UNKNOWN; // Terraform refuses a duplicate key without `...`
    else setKey(map, text, item);
  }
  if (!expr.object) return list;
  if (expr.grouping) for (const [key, items] of groups) setKey(map, key, items);
  return map;
}

/** A scope inside another that binds names of its own (`bound`) and takes everything else from the outer one. */
abstract class InnerScope implements Scope {
  constructor(readonly outer: Scope) {}

  variable(n: string): Expr | undefined {
    return this.outer.variable(n);
  }

  local(n: string): Expr | undefined {
    return this.outer.local(n);
  }

  variableType(n: string): Expr | undefined {
    return this.outer.variableType?.(n);
  }

  get files(): ModuleFiles | undefined {
    return this.outer.files;
  }

  abstract bound(n: string): Value | undefined;
}

/** The scope of one element of a `for` expression: its names bound, the rest as outside. */
class ForScope extends InnerScope {
  constructor(
    outer: Scope,
    private readonly keyName: string | undefined,
    private readonly key: Value,
    private readonly valueName: string,
    private readonly value: Value,
  ) {
    super(outer);
  }

  bound(n: string): Value | undefined {
    return n === this.valueName ? this.value : this.keyName !== undefined && n === this.keyName ? this.key : this.outer.bound?.(n);
  }
}

/**
 * The scope a file function's path is read in: as the scope it wraps, but `path.module`
 * and `path.root` have values (PATH_VALUES) that the file function resolves to the
 * module's directory and the root module's. Anywhere else they stay unknown.
 */
class PathScope extends InnerScope {
  bound(n: string): Value | undefined {
    return n === 'path' ? PATH_VALUES : this.outer.bound?.(n);
  }
}

const PATH_SCOPES = new WeakMap<Scope, PathScope>();

function pathScopeOf(scope: Scope): Scope {
  if (scope instanceof PathScope) return scope;
  let made = PATH_SCOPES.get(scope);
  if (!made) PATH_SCOPES.set(scope, (made = new PathScope(scope)));
  return made;
}

/**
 * A template file's value (templatefile) with `vars` as its names: read as the heredoc it
 * would be in a .tf file. Template directives (%{ }) and anything unknown give UNKNOWN.
 */
function evaluateTemplateFile(text: string, vars: { [key: string]: Value }, budget: { steps: number }): Value {
  let marker = 'TEMPLATE';
  while (text.includes(marker)) marker += '_';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const parsed = parseHcl(`value = <<${marker}\n${body}\n${marker}\n`);
  const expr = parsed.body.attributes[0]?.expr;
  if (parsed.problems.length > 0 || parsed.body.attributes.length !== 1 || !expr) return UNKNOWN;
  // Only the template's variables: no var., local. or files.
  const scope: Scope = { variable: () => undefined, local: () => undefined, bound: (n) => (Object.hasOwn(vars, n) ? vars[n] : undefined) };
  const value = evaluateWithin(expr, scope, 0, budget);
  return typeof value === 'string' && !text.endsWith('\n') ? value.slice(0, -1) : value;
}

/**
 * The values of `var.x` and `local.x` read in a scope (a file's, or one instance's): a
 * reference met again, in each element of a for expression or by the next resource of
 * the file, costs one step instead of the whole evaluation. Neither can read the names a
 * for expression binds. A value whose evaluation was cut short (by the step budget or
 * the depth limit) is kept with the budget and depth it was read with: an evaluation
 * with no more budget, no shallower, would be cut as short, and one with more reads it again.
 */
const READ = new WeakMap<Scope, Map<string, { value: Value; size: number; cut?: { steps: number; depth: number } }>>();
/** How many evaluations were cut short so far (past MAX_DEPTH or the step budget). */
let cuts = 0;

function remembered(scope: Scope, key: string, depth: number, budget: { steps: number }, read: () => Value): Value {
  let root = scope;
  let paths = false;
  while (root instanceof ForScope || root instanceof PathScope) {
    paths ||= root instanceof PathScope;
    root = root.outer;
  }
  // Read where path.module has a value (PathScope), a value is kept apart from the same name's elsewhere.
  if (paths) key = `path\0${key}`;
  let values = READ.get(root);
  if (!values) READ.set(root, (values = new Map()));
  const known = values.get(key);
  if (known && (!known.cut || (budget.steps <= known.cut.steps && depth >= known.cut.depth))) {
    // A value read again costs what it holds: shared, it is cheap to keep, but whoever walks it
    // walks every copy (`l2 = [local.l1, local.l1]` doubles at each level), as the budget assumes.
    budget.steps -= known.size;
    if (budget.steps < 0) {
      cuts++;
      return UNKNOWN;
    }
    return known.value;
  }
  const before = cuts;
  const steps = budget.steps;
  const value = read();
  const size = valueCount(value, MAX_STEPS);
  values.set(key, cuts === before ? { value, size } : { value, size, cut: { steps, depth } });
  return value;
}


/** `list[*].attr`: the attribute of each element; a value that is not a list is a list of itself, null an empty list. */
function evaluateSplat(expr: SplatExpr, next: (e: Expr | undefined) => Value): Value {
  const source = next(expr.source);
  if (source === UNKNOWN) return UNKNOWN;
  if (source === null) return [];
  return (Array.isArray(source) ? source : [source]).map((item) => traverse(item, expr.path));
}

/**
 * A variable's value converted to its type constraint as Terraform does it: an object
 * attribute declared `optional(type, default)` that the value leaves out or sets to null
 * takes the default (itself converted), in objects at any depth of lists, sets, maps and
 * tuples. A value that does not fit the type is left as it is (Terraform would refuse it).
 */
function converted(value: Value, type: Expr | undefined, evaluateDefault: (e: Expr) => Value, budget: { steps: number }, depth = 0): Value {
  if (!type || value === UNKNOWN || value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH || --budget.steps < 0) {
    cuts++;
    return value;
  }
  if (type.kind === 'paren') return converted(value, type.expr, evaluateDefault, budget, depth + 1);
  if (type.kind !== 'call') return value;
  const inner = type.args[0];
  const convert = (v: Value, t: Expr | undefined) => converted(v, t, evaluateDefault, budget, depth + 1);
  switch (type.name) {
    case 'optional':
      return convert(value, inner);
    case 'list':
      return Array.isArray(value) ? value.map((v) => convert(v, inner)) : value;
    case 'set':
      return Array.isArray(value) ? markSet(value.map((v) => convert(v, inner))) : value;
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
  if (op === '==' || op === '!=') {
    const same = equalValues(left, right);
    return same === undefined ? UNKNOWN : op === '==' ? same : !same;
  }
  switch (op) {
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

export function isUnknown(value: Value | undefined): value is Unknown {
  return value === UNKNOWN;
}

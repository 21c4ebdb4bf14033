import type { Analyzer } from '../analysis/analyzer.js';
import type { Scope } from '../analysis/frame.js';
import type { AstNode } from '../source/parse.js';
import { ALL_CLASSES, CLASS_BIT, EMPTY, asOwnKeyOf, classMask, isTainted, mapTaint, sanitize, withoutStringFacts, type Closure, type Value } from '../analysis/value.js';
import { captureCleaning } from './regex-groups.js';
import { refineByFlag } from '../analysis/guard-flags.js';
import { applyMasks, masksAt, mayThrow, type GuardSummary, type ParamMasks } from '../analysis/guard-summary.js';

/**
 * Guards: conditions after which a variable is known safe on one branch. They refine
 * the flow-sensitive value of the variable, so `if (!ALLOWED.includes(x)) return;`
 * cleans x for the rest of the function.
 */

const DANGEROUS_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Validator functions whose true result means the string is one safe token. */
const VALIDATOR_CHECKS = /^(isAlphanumeric|isAlpha|isNumeric|isInt|isFloat|isDecimal|isHexadecimal|isUUID|isMongoId|isBoolean|isEmail|isIn|isPort|isIP|isFQDN|isSlug|isBase64|isHash|isISO8601|isDate|isJWT|isLocale|isMD5|isSemVer|isPostalCode|isMobilePhone|isCurrency|isHexColor|isAscii|isSafeInteger|isInteger|isFinite)$/;

type Refine = (v: Value) => Value;

const cleanAll: Refine = (v) => sanitize(withoutStringFacts(v), ALL_CLASSES);
const cleanAllButPrototype: Refine = (v) => sanitize(withoutStringFacts(v), ALL_CLASSES & ~classMask('prototype'));
const cleanPrototype: Refine = (v) => sanitize(v, classMask('prototype'));
/** `key !== '__proto__'` only protects strings: an array ['__proto__'] passes the test and still names __proto__. */
const cleanPrototypeOfStrings: Refine = (v) => mapTaint(v, (t) => (t.raw ? t : { ...t, clean: t.clean | classMask('prototype') }));
const cleanPath: Refine = (v) => sanitize(v, classMask('path'));
/** No `$` in the string: it cannot name a query operator. */
const cleanOperator: Refine = (v) => sanitize(v, classMask('nosql'));
/** Does not begin with '-': it cannot become a command-line option. */
const cleanOption: Refine = (v) => sanitize(v, classMask('argument'));

function unwrap(node: AstNode): AstNode {
  let n = node;
  while (n.type === 'ParenthesizedExpression' || n.type === 'TSAsExpression' || n.type === 'TSNonNullExpression' || n.type === 'ChainExpression') n = n.expression;
  return n;
}

function isConstant(node: AstNode): boolean {
  const n = unwrap(node);
  return (
    (n.type === 'Literal' && n.regex === undefined) ||
    (n.type === 'TemplateLiteral' && n.expressions.length === 0) ||
    (n.type === 'Identifier' && n.name === 'undefined') ||
    (n.type === 'UnaryExpression' && n.argument.type === 'Literal')
  );
}

function constantString(node: AstNode): string | undefined {
  const n = unwrap(node);
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0].value.cooked;
  return undefined;
}

/** A variable or a member path of one (req.query.name) that a guard can refine. */
function identifierOf(node: AstNode): AstNode | null {
  const n = unwrap(node);
  if (n.type === 'Identifier') return n;
  if (n.type !== 'MemberExpression') return null;
  let root: AstNode = n;
  while (root.type === 'MemberExpression') {
    if (root.computed && !(root.property.type === 'Literal' && typeof root.property.value === 'string')) return null;
    root = unwrap(root.object);
  }
  return root.type === 'Identifier' || root.type === 'ThisExpression' ? n : null;
}

/** -1 or a negative literal. */
function isMinusOne(node: AstNode): boolean {
  const n = unwrap(node);
  return n.type === 'UnaryExpression' && n.operator === '-' && n.argument.type === 'Literal' && n.argument.value === 1;
}

function isZero(node: AstNode): boolean {
  const n = unwrap(node);
  return n.type === 'Literal' && n.value === 0;
}

/** A collection the attacker does not control (only names and member chains are evaluated again). */
function trusted(an: Analyzer, node: AstNode, scope: Scope): boolean {
  const n = unwrap(node);
  if (n.type !== 'Identifier' && n.type !== 'MemberExpression' && n.type !== 'ArrayExpression' && n.type !== 'ObjectExpression' && n.type !== 'ThisExpression') return false;
  if (n.type === 'MemberExpression' && n.computed) return false;
  return !isTainted(an.evaluate(n, scope));
}

/**
 * A pattern whose every match begins with one character other than '-': `^[^-]`, `^[a-z0-9]`,
 * `^\w` (not followed by a quantifier that allows none, and without alternatives).
 */
export function beginsWithoutDash(pattern: string): boolean {
  if (!pattern.startsWith('^') || /(^|[^\\])\|/.test(pattern)) return false;
  let rest: string;
  if (pattern[1] === '[') {
    const close = pattern.indexOf(']', 3);
    if (close < 0) return false;
    const body = pattern.slice(2, close);
    rest = pattern.slice(close + 1);
    if (body.startsWith('^')) {
      if (!(body[1] === '-' || body.endsWith('-') || body.includes('\\-'))) return false;
    } else if (!/^(?:[a-z]-[a-z]|[A-Z]-[A-Z]|[0-9]-[0-9]|\\w|\\d|[A-Za-z0-9_])+$/.test(body)) return false;
  } else {
    const atom = /^(?:\\w|\\d|[A-Za-z0-9_])/.exec(pattern.slice(1));
    if (!atom) return false;
    rest = pattern.slice(1 + atom[0].length);
  }
  return !/^(?:[*?]|\{0)/.test(rest);
}

/**
 * Does `test` being `truth` say x === dir, where `other` being `truth` says x.startsWith(dir + ...)?
 * Then x is the directory a prefix check on it names (`x === dir || x.startsWith(dir + path.sep)`).
 */
function isPrefixBase(test: AstNode, truth: boolean, other: AstNode): boolean {
  const eq = unwrap(test);
  if (eq.type !== 'BinaryExpression' || eq.operator !== (truth ? '===' : '!==')) return false;
  let check = unwrap(other);
  let holds = truth;
  while (check.type === 'UnaryExpression' && check.operator === '!') {
    check = unwrap(check.argument);
    holds = !holds;
  }
  if (!holds || check.type !== 'CallExpression' || check.arguments.length !== 1) return false;
  const callee = unwrap(check.callee);
  const prefix = unwrap(check.arguments[0]);
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'startsWith') return false;
  if (prefix.type !== 'BinaryExpression' || prefix.operator !== '+') return false;
  const x = unwrap(callee.object);
  const dir = unwrap(prefix.left);
  const [l, r] = [unwrap(eq.left), unwrap(eq.right)];
  return (sameVariable(l, x) && sameVariable(r, dir)) || (sameVariable(r, x) && sameVariable(l, dir));
}

function sameVariable(a: AstNode, b: AstNode): boolean {
  return a.type === 'Identifier' && b.type === 'Identifier' && a.name === b.name;
}

/** Refines the state for the branch where `test` is `truth`. */
export function refineByTest(an: Analyzer, test: AstNode, scope: Scope, truth: boolean): void {
  const node = unwrap(test);
  switch (node.type) {
    case 'UnaryExpression':
      if (node.operator === '!') refineByTest(an, node.argument, scope, !truth);
      return;
    case 'LogicalExpression':
      if ((node.operator === '&&' && truth) || (node.operator === '||' && !truth)) {
        refineByTest(an, node.left, scope, truth);
        refineByTest(an, node.right, scope, truth);
      } else if (node.operator === '||' || node.operator === '&&') {
        // a || b is true: a is true, or a is false and b true (and dually for && false): join both branches.
        // `x === dir || x.startsWith(dir + path.sep)`: x being dir itself is as safe as being below it.
        an.joinBranches(
          () => {
            refineByTest(an, node.left, scope, truth);
            if (isPrefixBase(node.left, truth, node.right)) refineByTest(an, node.right, scope, truth);
          },
          () => {
            refineByTest(an, node.left, scope, !truth);
            refineByTest(an, node.right, scope, truth);
            if (isPrefixBase(node.right, truth, node.left)) refineByTest(an, node.left, scope, truth);
          },
        );
      }
      return;
    case 'BinaryExpression':
      refineComparison(an, node, scope, truth);
      return;
    case 'CallExpression':
      refineCall(an, node, scope, truth, false);
      return;
    case 'AwaitExpression': {
      const call = unwrap(node.argument);
      if (call.type === 'CallExpression') refineCall(an, call, scope, truth, true);
      return;
    }
    case 'Identifier':
      // `const ok = isSafePath(p); if (!ok) ...`
      refineByFlag(an, node, scope, (flagTest, flagScope) => refineByTest(an, flagTest, flagScope, truth));
      return;
    default:
      return;
  }
}

function refineComparison(an: Analyzer, node: AstNode, scope: Scope, truth: boolean): void {
  const op: string = node.operator;
  const equality = op === '===' || op === '==';
  const inequality = op === '!==' || op === '!=';
  if (equality || inequality) {
    const holds = equality === truth;
    for (const [side, other] of [[node.left, node.right], [node.right, node.left]] as const) {
      // x.constructor.name === 'Function': x is a function (see typeof below)
      const fnTarget = constructorNameOf(unwrap(side));
      if (fnTarget && constantString(other) === 'Function') {
        if (holds) an.refine(fnTarget, scope, cleanAll);
        return;
      }
      // x[0] !== '-', x.charAt(0) !== '-': x does not begin an option
      const firstOf = firstCharacterOf(unwrap(side));
      if (firstOf && constantString(other) === '-') {
        if (!holds) an.refine(firstOf, scope, cleanOption);
        return;
      }
      const name = identifierOf(side);
      if (name && isConstant(other)) {
        if (holds) an.refine(name, scope, cleanAll);
        else if (DANGEROUS_KEYS.has(constantString(other) ?? '')) an.refine(name, scope, op.length === 3 ? cleanPrototypeOfStrings : cleanPrototype);
        return;
      }
      // x === root, where root holds no input: x is that value (a resolved path equal to its base directory).
      if (name && holds && op.length === 3 && trusted(an, other, scope)) {
        an.refine(name, scope, cleanAll);
        return;
      }
      // typeof x === 'number' / 'boolean'
      const u = unwrap(side);
      if (u.type === 'UnaryExpression' && u.operator === 'typeof' && holds) {
        const type = constantString(other);
        const target = identifierOf(u.argument);
        // A function is the caller's code, called as such: it carries no string into a sink.
        if (target && (type === 'number' || type === 'boolean' || type === 'undefined' || type === 'function')) an.refine(target, scope, cleanAll);
        return;
      }

    }
  }
  if (equality || inequality || ['<', '>', '<=', '>='].includes(op)) refineIndexOf(an, node, scope, truth);
  if (op === 'in' && truth) {
    // `key in obj` also holds for what every object inherits ('__proto__', 'constructor'):
    // one of the object's names for every other class, still a way to Object.prototype.
    const name = identifierOf(node.left);
    if (name && trusted(an, node.right, scope)) an.refine(name, scope, cleanAllButPrototype);
  }
}

/** `x[0]` or `x.charAt(0)`: the x whose first character it is. */
function firstCharacterOf(node: AstNode): AstNode | null {
  if (node.type === 'MemberExpression' && node.computed && isZero(node.property)) return identifierOf(node.object);
  if (node.type !== 'CallExpression' || node.arguments.length !== 1 || !isZero(node.arguments[0])) return null;
  const callee = unwrap(node.callee);
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'charAt') return null;
  return identifierOf(callee.object);
}

/** `x.constructor.name`: the x it names. */
function constructorNameOf(node: AstNode): AstNode | null {
  if (node.type !== 'MemberExpression' || node.computed || node.property.name !== 'name') return null;
  const inner = unwrap(node.object);
  if (inner.type !== 'MemberExpression' || inner.computed || inner.property.name !== 'constructor') return null;
  return identifierOf(inner.object);
}

/** `list.indexOf(x) !== -1` (allow-list) and `x.indexOf('..') === -1` (traversal check). */
function refineIndexOf(an: Analyzer, node: AstNode, scope: Scope, truth: boolean): void {
  const call = unwrap(node.left);
  if (call.type !== 'CallExpression' || unwrap(call.callee).type !== 'MemberExpression') return;
  const callee = unwrap(call.callee);
  if (callee.computed || callee.property.name !== 'indexOf') return;
  const op: string = node.operator;
  const right = node.right;
  let found: boolean | undefined;
  if (isMinusOne(right)) {
    if (op === '!==' || op === '!=' || op === '>') found = truth;
    else if (op === '===' || op === '==' || op === '<=') found = !truth;
  } else if (isZero(right)) {
    if (op === '>=') found = truth;
    else if (op === '<') found = !truth;
    else if ((op === '===' || op === '==') && truth) {
      // x.indexOf(root) === 0: a prefix check
      const target = identifierOf(callee.object);
      if (target && an.evaluate(callee.object, scope).norm) an.refine(target, scope, cleanPath);
      return;
    }
  }
  if (found === undefined) return;
  refineMembership(an, callee.object, call.arguments[0], scope, found);
}

/** `collection.includes(x)` style checks: found in a constant collection means x is one of its values. */
function refineMembership(an: Analyzer, collection: AstNode, item: AstNode | undefined, scope: Scope, found: boolean): void {
  if (!item) return;
  const itemName = identifierOf(item);
  const needle = constantString(item);
  if (itemName && found && trusted(an, collection, scope)) {
    an.refine(itemName, scope, cleanAll);
    return;
  }
  // x.includes('..') false: no traversal sequence in x.
  const haystack = identifierOf(collection);
  if (haystack && needle !== undefined && !found) {
    if (needle === '..' || needle === '../' || needle === '..\\') an.refine(haystack, scope, cleanPath);
    if (needle === '$') an.refine(haystack, scope, cleanOperator);
    if (DANGEROUS_KEYS.has(needle)) an.refine(haystack, scope, cleanPrototype);
  }
}

function refineCall(an: Analyzer, node: AstNode, scope: Scope, truth: boolean, awaited: boolean): void {
  const callee = unwrap(node.callee);
  const args: AstNode[] = node.arguments;
  const first = args[0];
  if (callee.type === 'MemberExpression' && !callee.computed) {
    const method: string = callee.property.name;
    if (method === 'includes' || method === 'has') {
      refineMembership(an, callee.object, first, scope, truth);
      return;
    }
    if ((method === 'hasOwnProperty' || method === 'hasOwn') && truth) {
      // obj.hasOwnProperty(x), Object.hasOwn(obj, x): x is a key of a trusted (allow-list) object
      const [objectNode, keyNode] = method === 'hasOwn' ? [args[0], args[1]] : [callee.object, first];
      if (objectNode && keyNode) refineOwnKey(an, objectNode, keyNode, scope);
      return;
    }
    if (method === 'call' && hasOwnPropertyFunction(callee.object) && truth) {
      if (first && args[1]) refineOwnKey(an, first, args[1], scope);
      return;
    }
    if (method === 'test' && first) {
      const pattern = an.evaluate(callee.object, scope).regex;
      const name = identifierOf(first);
      if (!name || !pattern) return;
      // !/^-/.test(x), /^[^-]/.test(x): x does not begin an option
      if (truth ? beginsWithoutDash(pattern.pattern) : pattern.pattern === '^-' || pattern.pattern === '^\\-') an.refine(name, scope, cleanOption);
      const mask = truth ? testedClean(pattern.pattern) : 0;
      if (mask !== 0) an.refine(name, scope, (v) => sanitize(withoutStringFacts(v), mask));
      return;
    }
    if (method === 'startsWith' && first) {
      const target = identifierOf(callee.object);
      if (target && truth && an.evaluate(callee.object, scope).norm) an.refine(target, scope, cleanPath);
      // !key.startsWith('$'): not an operator name; !arg.startsWith('-'): not an option
      if (target && !truth && constantString(first) === '$') an.refine(target, scope, cleanOperator);
      if (target && !truth && constantString(first) === '-') an.refine(target, scope, cleanOption);
      // url.startsWith('https://'): begins with a character other than '-'
      const start = constantString(first);
      if (target && truth && start !== undefined && start !== '' && !start.startsWith('-')) an.refine(target, scope, cleanOption);
      return;
    }
    if ((method === 'isInteger' || method === 'isSafeInteger' || method === 'isFinite') && first && truth) {
      const name = identifierOf(first);
      if (name) an.refine(name, scope, cleanAll);
      return;
    }
    if (VALIDATOR_CHECKS.test(method) && first && truth) {
      const name = identifierOf(first);
      if (name) an.refine(name, scope, cleanAll);
      return;
    }
  }
  if (callee.type === 'Identifier') {
    if (callee.name === 'isNaN' && first) {
      const name = identifierOf(first);
      if (name && !truth) an.refine(name, scope, cleanAll);
      return;
    }
    if (VALIDATOR_CHECKS.test(callee.name) && first) {
      const name = identifierOf(first);
      if (name && truth) an.refine(name, scope, cleanAll);
      return;
    }
  }
  refineByProjectGuard(an, node, scope, (s) => (truth ? s.whenTrue : s.whenFalse), awaited);
}

/** A call statement `assertSafe(x);` (or `await assertSafe(x);`): x is what the function let through without throwing. */
export function refineAfterCall(an: Analyzer, expression: AstNode, scope: Scope): void {
  let node = unwrap(expression);
  const awaited = node.type === 'AwaitExpression';
  if (awaited) node = unwrap(node.argument);
  if (node.type !== 'CallExpression') return;
  refineByProjectGuard(an, node, scope, (s) => s.completes, awaited, mayThrow);
}

/** A callee named statically (`f`, `utils.f`, `this.f`): evaluating it again reads, it runs nothing. */
function staticCallee(node: AstNode): boolean {
  let n = node;
  while (n.type === 'MemberExpression' && !n.computed) n = unwrap(n.object);
  return n.type === 'Identifier' || n.type === 'ThisExpression';
}

/**
 * A call of the project's own functions in a test or as a statement: the arguments get what
 * the functions' guard summaries guarantee (every function the callee may be must agree).
 */
function refineByProjectGuard(
  an: Analyzer, call: AstNode, scope: Scope, pick: (s: GuardSummary) => readonly ParamMasks[], awaited: boolean, applies: (c: Closure) => boolean = () => true,
): void {
  const callee = unwrap(call.callee);
  const args: AstNode[] = call.arguments;
  if (!staticCallee(callee) || args.length === 0) return;
  const targets = args.slice(0, 4).map((a) => (a.type === 'SpreadElement' ? null : identifierOf(a)));
  // Only worth a summary when an argument is attacker-controlled now.
  if (!targets.some((t) => t !== null && isTainted(an.evaluate(t, scope)))) return;
  const fnV = an.evaluate(callee, scope);
  if (fnV.fns.length === 0 || fnV.apis.length > 0 || fnV.fns.some((f) => f.kind !== 'closure')) return;
  const closures = fnV.fns as Closure[];
  // An async function gives a promise: only its awaited result says anything.
  if (closures.some((c) => (c.node.async && !awaited) || !applies(c))) return;
  const thisValue = callee.type === 'MemberExpression' ? an.evaluate(callee.object, scope) : EMPTY;
  const masks = targets.map((_, i) => {
    let m: Required<ParamMasks> = { str: ALL_CLASSES, raw: ALL_CLASSES, resolved: ALL_CLASSES };
    for (const c of closures) {
      const own = masksAt(pick(an.guardSummary(c, thisValue)), i);
      m = { str: m.str & own.str, raw: m.raw & own.raw, resolved: m.resolved & ((own.str & CLASS_BIT.path) | (own.resolved ?? 0)) };
    }
    return m;
  });
  targets.forEach((target, i) => {
    const m = masks[i]!;
    if (target && (m.str !== 0 || m.raw !== 0 || m.resolved !== 0)) an.refine(target, scope, (v) => applyMasks(v, m));
  });
}

/** `Object.prototype.hasOwnProperty`, `{}.hasOwnProperty`, or a variable holding it (`hasOwnProperty.call(o, k)`). */
function hasOwnPropertyFunction(node: AstNode): boolean {
  const n = unwrap(node);
  if (n.type === 'MemberExpression' && !n.computed) return n.property.name === 'hasOwnProperty';
  return n.type === 'Identifier' && /^(hasOwnProperty|hasOwn|hasOwnProp)$/.test(n.name);
}

/**
 * `obj.hasOwnProperty(k)` held: `k` is a key of a trusted object (clean), or at least an own key
 * of `obj`, so `obj[k]` reads an own property and not the `__proto__` accessor.
 */
function refineOwnKey(an: Analyzer, objectNode: AstNode, keyNode: AstNode, scope: Scope): void {
  const name = identifierOf(keyNode);
  if (!name) return;
  if (trusted(an, objectNode, scope)) {
    an.refine(name, scope, cleanAll);
    return;
  }
  const owner = an.evaluate(objectNode, scope);
  an.refine(name, scope, (v) => asOwnKeyOf(v, owner));
}

/**
 * An anchored pattern made only of safe character classes: `^[a-z0-9_-]+$`. Such a
 * test leaves no room for metacharacters, separators or traversal.
 */
/**
 * What `/^…$/.test(s)` proves about s: the classes its characters cannot harm (regex-groups.ts).
 * Only a pattern anchored at both ends and without a top-level alternative constrains all of s.
 * Word characters alone still spell `__proto__`, and dots still spell `..`.
 */
export function testedClean(pattern: string): number {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return 0;
  const body = pattern.slice(1, -1);
  // An alternative at the top level escapes one of the anchors (^a|b$); inside a group both anchors hold.
  if (topLevelAlternation(body)) return 0;
  return captureCleaning(`(${body})`)?.[1] ?? 0;
}

function topLevelAlternation(body: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) return true;
  }
  return false;
}

/** An allow-list pattern: its test proves something about every character. */
export function restrictiveRegex(pattern: string): boolean {
  return testedClean(pattern) !== 0;
}

import type { Analyzer } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { Scope } from './frame.js';
import { EMPTY, NUMERIC, isTainted, join, leadingTaints, make, objValue, strValue, trailingTaints, type Value } from './value.js';
import { refineByTest } from '../models/guards.js';
import { tick, warnOnce } from './budget.js';
import { requireModule } from './modules.js';
import { readVar, pathKey, writeTarget } from './bindings.js';
import { memberKey, readProp, elementsOf } from './objects.js';
import { makeClosure, makeClass, construct } from './closures.js';
import { evalCall, evalArgs } from './calls.js';
import { sink } from './taint-points.js';
import { evalTemplate, evalTaggedTemplate, evalArray, evalObject, evalJsx, dedupeTaint } from './literals.js';
import { assigns } from './ast-utils.js';
import { testMayRefine } from './guard-flags.js';
import { awaited } from './promises.js';

/** Expressions: the value of each AST expression, bounded in nesting. */

/** Expression nesting followed before giving up (generated code can nest thousands deep). */
const MAX_NESTING = 400;

export function evaluate(an: Analyzer, node: AstNode, scope: Scope): Value {
  tick(an, node);
  if (an.nesting >= MAX_NESTING) {
    warnOnce(an, node, 'expressions nested too deeply: the innermost ones are not analysed');
    return EMPTY;
  }
  an.nesting++;
  try {
    return evaluateNode(an, node, scope);
  } finally {
    an.nesting--;
  }
}

function evaluateNode(an: Analyzer, node: AstNode, scope: Scope): Value {
  switch (node.type) {
    case 'Literal':
      if (typeof node.value === 'string') return strValue(node.value);
      if (node.regex) return make({ regex: { pattern: node.regex.pattern, flags: node.regex.flags } });
      if (typeof node.value === 'number' || typeof node.value === 'boolean') return make({ numeric: true, str: String(node.value) });
      if (typeof node.value === 'bigint') return NUMERIC;
      return EMPTY;
    case 'Identifier':
      return readVar(an, node.name, scope);
    case 'ThisExpression':
      return an.frame?.thisValue ?? EMPTY;
    case 'TemplateLiteral':
      return evalTemplate(an, node, scope);
    case 'TaggedTemplateExpression':
      return evalTaggedTemplate(an, node, scope);
    case 'ArrayExpression':
      return evalArray(an, node, scope);
    case 'ObjectExpression':
      return evalObject(an, node, scope);
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return makeClosure(an, node, scope);
    case 'ClassExpression':
      return makeClass(an, node, scope);
    case 'MemberExpression': {
      const paths = an.frame?.state.paths;
      if (paths && paths.size > 0) {
        const key = pathKey(an, node, scope);
        const refined = key ? paths.get(key) : undefined;
        if (refined) return refined;
      }
      const base = node.object.type === 'Super' ? superValue(an) : evaluate(an, node.object, scope);
      const { key, keyValue } = memberKey(an, node, scope);
      return readProp(an, base, key, keyValue, node);
    }
    case 'CallExpression':
      return evalCall(an, node, scope);
    case 'NewExpression': {
      const callee = evaluate(an, node.callee, scope);
      const { args, argNodes } = evalArgs(an, node.arguments, scope);
      return construct(an, callee, args, node, { node, name: null, recvNode: null, argNodes });
    }
    case 'AssignmentExpression':
      return evalAssign(an, node, scope);
    case 'UpdateExpression':
      evaluate(an, node.argument, scope);
      if (node.argument.type === 'Identifier') writeTarget(an, node.argument, NUMERIC, scope, false, node);
      return NUMERIC;
    case 'UnaryExpression':
      evaluate(an, node.argument, scope);
      return NUMERIC;
    case 'BinaryExpression':
      return evalBinary(an, node, scope);
    case 'LogicalExpression': {
      const left = evaluate(an, node.left, scope);
      if (node.operator === '&&') {
        if (!testMayRefine(an, node.left, scope) && !assigns(node.right)) return evaluate(an, node.right, scope);
        const saved = an.frame!.state;
        an.frame!.state = saved.clone();
        refineByTest(an, node.left, scope, true);
        const right = evaluate(an, node.right, scope);
        saved.absorb(an.frame!.state);
        an.frame!.state = saved;
        return right;
      }
      return join(left, evaluate(an, node.right, scope));
    }
    case 'ConditionalExpression': {
      evaluate(an, node.test, scope);
      if (!testMayRefine(an, node.test, scope) && !assigns(node.consequent) && !assigns(node.alternate)) {
        return join(evaluate(an, node.consequent, scope), evaluate(an, node.alternate, scope));
      }
      const frame = an.frame!;
      const before = frame.state;
      frame.state = before.clone();
      refineByTest(an, node.test, scope, true);
      const a = evaluate(an, node.consequent, scope);
      const afterA = frame.state;
      frame.state = before.clone();
      refineByTest(an, node.test, scope, false);
      const b = evaluate(an, node.alternate, scope);
      frame.state.absorb(afterA);
      return join(a, b);
    }
    case 'SequenceExpression': {
      let last = EMPTY;
      for (const e of node.expressions) last = evaluate(an, e, scope);
      return last;
    }
    case 'AwaitExpression':
      return awaited(evaluate(an, node.argument, scope));
    case 'YieldExpression':
      if (node.argument) evaluate(an, node.argument, scope);
      return EMPTY;
    case 'ChainExpression':
    case 'ParenthesizedExpression':
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'TSInstantiationExpression':
      return evaluate(an, node.expression, scope);
    case 'ImportExpression': {
      const spec = evaluate(an, node.source, scope);
      if (spec.str !== undefined && spec.taint.length === 0) return requireModule(an, an.frame!.moduleId, spec.str);
      sink(an, 'code', make({ taint: spec.taint.filter((t) => t.label.kind === 'web') }), node, 'import()');
      return EMPTY;
    }
    case 'JSXElement':
    case 'JSXFragment':
      evalJsx(an, node, scope);
      return EMPTY;
    case 'SpreadElement':
      return elementsOf(an, evaluate(an, node.argument, scope), false, node);
    default:
      return EMPTY;
  }
}

export function superValue(an: Analyzer): Value {
  const fn = an.frame?.fn;
  const home = fn && fn.kind === 'closure' ? fn.homeClass : undefined;
  if (!home) return EMPTY;
  const proto = home.protoObj.proto;
  return proto ? objValue(proto) : EMPTY;
}

/** Values of os.platform() and os.type() (process.platform is the former). */
const PLATFORMS = new Set(['win32', 'darwin', 'linux', 'freebsd', 'openbsd', 'sunos', 'aix', 'android', 'Windows_NT', 'Darwin', 'Linux']);
/**
 * A comparison with a platform name (`process.platform === 'win32'`) is true on one platform and
 * false on the others: a boolean that may be either, unlike other comparisons, whose outcome is not modelled.
 */
const PLATFORM_TEST = make({ numeric: true, alts: ['true', 'false'] });
const EQUALITY = new Set(['===', '!==', '==', '!=']);

function evalBinary(an: Analyzer, node: AstNode, scope: Scope): Value {
  const left = evaluate(an, node.left, scope);
  const right = evaluate(an, node.right, scope);
  if (node.operator !== '+') {
    const platformName = (v: Value) => v.str !== undefined && !isTainted(v) && PLATFORMS.has(v.str);
    return EQUALITY.has(node.operator) && platformName(left) !== platformName(right) ? PLATFORM_TEST : NUMERIC;
  }
  if (left.numeric && right.numeric) return NUMERIC;
  if (left.str !== undefined && right.str !== undefined && !isTainted(left) && !isTainted(right)) return strValue(left.str + right.str);
  const taint = dedupeTaint([...leadingTaints(left), ...trailingTaints(right)].map((t) => ({ ...t, raw: false })));
  let prefix: string | undefined;
  if (left.str !== undefined && !isTainted(left)) prefix = left.str + (right.str !== undefined && !isTainted(right) ? right.str : right.prefix ?? '');
  else prefix = left.prefix;
  const constantParts = [left, right].filter((v) => v.str !== undefined && !isTainted(v));
  const html = !!(left.html || right.html || constantParts.some((v) => /<[a-z!/]/i.test(v.str!)));
  return make({ taint, built: true, prefix, html, norm: false });
}

function evalAssign(an: Analyzer, node: AstNode, scope: Scope): Value {
  const op: string = node.operator;
  let value: Value;
  if (op === '=') value = evaluate(an, node.right, scope);
  else {
    const current = evaluate(an, node.left, scope);
    const right = evaluate(an, node.right, scope);
    if (op === '+=') {
      const taint = dedupeTaint([...leadingTaints(current), ...trailingTaints(right)].map((t) => ({ ...t, raw: false })));
      value = current.numeric && right.numeric ? NUMERIC : make({ taint, built: true, prefix: current.str ?? current.prefix, html: current.html || right.html || (right.str !== undefined && /<[a-z!/]/i.test(right.str)) });
    } else if (op === '||=' || op === '??=' || op === '&&=') value = join(current, right);
    else value = NUMERIC;
  }
  writeTarget(an, node.left, value, scope, false, node);
  return value;
}

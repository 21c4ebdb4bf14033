import { isYMap, isYScalar, isYSeq, pair, type YNode } from '../yaml/tree.js';
import type { CfnTemplate } from './template.js';

/**
 * Values of a template as far as they can be known without deploying it: `Ref` to a
 * parameter gives its Default (a list parameter's comma-separated Default is its list), `Fn::Sub`, `Fn::Join` and `Fn::Select` of known parts
 * give their text, `Fn::If` takes its branch when the condition is constant. Anything
 * else (a resource attribute, a pseudo parameter, a parameter without a default) is
 * UNKNOWN, and rules never fire on UNKNOWN.
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;
export type Scalar = string | number | boolean | null;

const MAX_DEPTH = 24;
/** Steps of one resolution: parameters whose defaults reference each other cannot make it exponential. */
const MAX_STEPS = 5000;
interface Budget {
  steps: number;
}
const fresh = (): Budget => ({ steps: MAX_STEPS });

/** The single key of an intrinsic function call (`Ref`, `Fn::Sub`), or undefined. */
export function intrinsic(node: YNode | null | undefined): { name: string; arg: YNode | null } | undefined {
  if (!isYMap(node) || node.pairs.length !== 1) return undefined;
  const only = node.pairs[0]!;
  return only.key === 'Ref' || only.key.startsWith('Fn::') ? { name: only.key, arg: only.value } : undefined;
}

/**
 * Follows `Ref` to a parameter's default and `Fn::If` with a constant condition to the
 * node they stand for; `null` for `AWS::NoValue` (the property is absent).
 */
export function follow(t: CfnTemplate, node: YNode | null | undefined, depth = 0, b: Budget = fresh()): YNode | null | Unknown {
  if (node === null || node === undefined) return null;
  if (depth > MAX_DEPTH || --b.steps < 0) return UNKNOWN;
  const call = intrinsic(node);
  if (!call) return node;
  if (call.name === 'Ref') {
    const name = isYScalar(call.arg) ? String(call.arg.value) : '';
    if (name === 'AWS::NoValue') return null;
    const parameter = t.parameters.get(name);
    if (!parameter?.default) return UNKNOWN;
    // A list parameter's default is one string of comma-separated values; its Ref is the list.
    // An empty default leaves the choice to the deployer (an optional list, a prompt for EC2 ids): not known.
    if (isYScalar(parameter.default) && typeof parameter.default.value === 'string' && isListParameter(parameter.node)) return parameter.default.value.trim() === '' ? UNKNOWN : splitDefault(parameter.default);
    return follow(t, parameter.default, depth + 1, b);
  }
  if (call.name === 'Fn::If') {
    const args = isYSeq(call.arg) ? call.arg.items : [];
    if (args.length !== 3) return UNKNOWN;
    const chosen = condition(t, args[0]!, depth + 1, b);
    if (chosen === UNKNOWN) return UNKNOWN;
    return follow(t, chosen ? args[1] : args[2], depth + 1, b);
  }
  if (call.name === 'Fn::FindInMap') {
    const args = isYSeq(call.arg) ? call.arg.items : [];
    if (args.length < 3) return UNKNOWN;
    let current: YNode | null | undefined = t.mappings;
    for (const key of args.slice(0, 3)) {
      const k = value(t, key, depth + 1, b);
      if (k === UNKNOWN || k === undefined || k === null) return UNKNOWN;
      current = pair(current, String(k))?.value;
      if (!current) return UNKNOWN;
    }
    return follow(t, current, depth + 1, b);
  }
  return node;
}

/** A parameter whose Ref is a list: CommaDelimitedList, List<Number> and the List<AWS::EC2::...> types. */
function isListParameter(node: YNode): boolean {
  const type = pair(node, 'Type')?.value;
  return isYScalar(type) && typeof type.value === 'string' && /^(?:CommaDelimitedList|List<.*>)$/.test(type.value.trim());
}

/** The list a list parameter's default gives (`"10.0.0.0/8, 0.0.0.0/0"`), its items on the default's line. */
function splitDefault(d: YNode & { kind: 'scalar' }): YNode {
  const items = String(d.value).split(',').map((part) => ({ kind: 'scalar' as const, value: part.trim(), quoted: true, line: d.line, column: d.column }));
  return { kind: 'seq', items, line: d.line, column: d.column };
}

/** A scalar value; UNKNOWN when it cannot be known; undefined when absent (or `AWS::NoValue`) or not a scalar. */
export function value(t: CfnTemplate, node: YNode | null | undefined, depth = 0, b: Budget = fresh()): Scalar | Unknown | undefined {
  if (depth > MAX_DEPTH || --b.steps < 0) return UNKNOWN;
  const target = follow(t, node, depth, b);
  if (target === UNKNOWN) return UNKNOWN;
  if (target === null) return undefined;
  if (isYScalar(target)) return target.value;
  const call = intrinsic(target);
  if (!call) return undefined;
  switch (call.name) {
    case 'Fn::Sub':
      return substitute(t, call.arg, depth + 1, b);
    case 'Fn::Join': {
      const args = isYSeq(call.arg) ? call.arg.items : [];
      const delimiter = value(t, args[0], depth + 1, b);
      const list = follow(t, args[1], depth + 1, b);
      if (typeof delimiter !== 'string' || list === UNKNOWN || !isYSeq(list)) return UNKNOWN;
      const parts = list.items.map((item) => value(t, item, depth + 1, b));
      if (parts.some((p) => p === UNKNOWN || p === undefined)) return UNKNOWN;
      return parts.map((p) => String(p)).join(delimiter);
    }
    case 'Fn::Select': {
      const args = isYSeq(call.arg) ? call.arg.items : [];
      const index = value(t, args[0], depth + 1, b);
      const list = follow(t, args[1], depth + 1, b);
      if (list === UNKNOWN || !isYSeq(list) || (typeof index !== 'number' && typeof index !== 'string')) return UNKNOWN;
      const item = list.items[Number(index)];
      return item ? value(t, item, depth + 1, b) : UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

/** `Fn::Sub` with every `${Name}` known: parameters with a default and the variables given beside the string. */
function substitute(t: CfnTemplate, arg: YNode | null, depth: number, b: Budget): Scalar | Unknown {
  const template = isYSeq(arg) ? arg.items[0] : arg;
  const variables = isYSeq(arg) ? arg.items[1] : undefined;
  if (!isYScalar(template) || typeof template.value !== 'string') return UNKNOWN;
  let unknown = false;
  const text = template.value.replace(/\$\{(!?)([^}]*)\}/g, (_, bang: string, name: string) => {
    if (bang) return `\${${name}}`;
    const given = pair(variables, name)?.value;
    const parameter = t.parameters.get(name);
    const v = given ? value(t, given, depth + 1, b) : parameter?.default ? value(t, parameter.default, depth + 1, b) : UNKNOWN;
    if (v === UNKNOWN || v === undefined) {
      unknown = true;
      return '';
    }
    return String(v);
  });
  return unknown ? UNKNOWN : text;
}

/** A boolean property: true/false or the strings "true"/"false" (CloudFormation takes both). */
export function bool(t: CfnTemplate, node: YNode | null | undefined): boolean | Unknown | undefined {
  const v = value(t, node);
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return v === undefined ? undefined : UNKNOWN;
}

/** A string property, or undefined when absent, unknown or not a string. */
export function text(t: CfnTemplate, node: YNode | null | undefined): string | undefined {
  const v = value(t, node);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** The value of a condition: a `Conditions` name, `{ Condition: name }` or a condition function. */
export function condition(t: CfnTemplate, node: YNode | null | undefined, depth = 0, b: Budget = fresh()): boolean | Unknown {
  if (depth > MAX_DEPTH || --b.steps < 0 || !node) return UNKNOWN;
  if (isYScalar(node)) {
    const named = t.conditions.get(String(node.value));
    return named ? condition(t, named, depth + 1, b) : UNKNOWN;
  }
  if (isYMap(node) && node.pairs.length === 1 && node.pairs[0]!.key === 'Condition') return condition(t, node.pairs[0]!.value, depth + 1, b);
  const call = intrinsic(node);
  const args = call && isYSeq(call.arg) ? call.arg.items : [];
  switch (call?.name) {
    case 'Fn::Equals': {
      const [left, right] = args.map((arg) => value(t, arg, depth + 1, b));
      if (left === UNKNOWN || right === UNKNOWN || left === undefined || right === undefined) return UNKNOWN;
      return String(left) === String(right);
    }
    case 'Fn::Not': {
      const inner = condition(t, args[0], depth + 1, b);
      return inner === UNKNOWN ? UNKNOWN : !inner;
    }
    case 'Fn::And': {
      const all = args.map((arg) => condition(t, arg, depth + 1, b));
      if (all.includes(false)) return false;
      return all.includes(UNKNOWN) ? UNKNOWN : true;
    }
    case 'Fn::Or': {
      const all = args.map((arg) => condition(t, arg, depth + 1, b));
      if (all.includes(true)) return true;
      return all.includes(UNKNOWN) ? UNKNOWN : false;
    }
    default:
      return UNKNOWN;
  }
}

/** Placeholder for a part of a plain value that cannot be known: never `*`, never a CIDR. */
export const UNKNOWN_TEXT = '(unknown)';

/** A JSON value of a subtree (a policy document), with unknown parts as UNKNOWN_TEXT and `AWS::NoValue` left out. */
export function plainValue(t: CfnTemplate, node: YNode | null | undefined, depth = 0): unknown {
  if (depth > 64) return UNKNOWN_TEXT;
  const target = follow(t, node, 0);
  if (target === UNKNOWN) return UNKNOWN_TEXT;
  if (target === null) return undefined;
  if (intrinsic(target)) {
    const v = value(t, target);
    return v === UNKNOWN || v === undefined ? UNKNOWN_TEXT : v;
  }
  if (isYScalar(target)) return target.value;
  if (isYSeq(target)) return target.items.map((item) => plainValue(t, item, depth + 1)).filter((item) => item !== undefined);
  const out: Record<string, unknown> = {};
  for (const p of target.pairs) {
    const v = plainValue(t, p.value, depth + 1);
    if (v !== undefined) out[p.key] = v;
  }
  return out;
}

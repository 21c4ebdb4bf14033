import type { Attribute, Block, Expr } from '../hcl/ast.js';
import { UNKNOWN, type Value } from '../hcl/evaluate.js';
import { attribute, textOf, type TfInput } from '../model.js';
import { fieldsOf, fileInstance, valueIn, type Instance } from './instances.js';

/** A boolean as Google Cloud writes it in metadata and flags: true, "TRUE", "true", "1", "on", "yes". */
export function isOn(value: Value | undefined): boolean {
  return value === true || value === 1 || (typeof value === 'string' && /^(?:true|1|on|yes)$/i.test(value.trim()));
}

export function isOff(value: Value | undefined): boolean {
  return value === false || value === 0 || (typeof value === 'string' && /^(?:false|0|off|no)$/i.test(value.trim()));
}

/** A string setting compared without case; undefined when it is not a known string. */
export function upper(value: Value | undefined): string | undefined {
  return typeof value === 'string' ? value.toUpperCase() : undefined;
}

/** One value of a list setting, with the line to report it on: its own line in a list written out, else the setting's. */
export interface Entry {
  value: Value;
  line: number;
  /** The literal text a template starts with (`serviceAccount:` in `"serviceAccount:${...}"`), when its value cannot be read. */
  prefix?: string;
  /** The expression as written, when its value cannot be read. */
  source?: string;
  /**
   * A template whose value cannot be read, with each interpolation as `x`
   * (`serviceAccount:service-x@gcp-sa-cloudkms.iam.gserviceaccount.com`): enough to tell
   * the form of a member whose project number or name is computed.
   */
  shape?: string;
}

/** The value of an entry as a string, or the literal start of a template whose value cannot be read. */
export const entryText = (entry: Entry): string | undefined => (typeof entry.value === 'string' ? entry.value : entry.prefix);

function shapeOf(expr: Expr): string | undefined {
  if (expr.kind !== 'template' || expr.heredoc) return undefined;
  return expr.parts.map((part) => (part.kind === 'text' ? part.value : 'x')).join('');
}

function prefixOf(expr: Expr): string | undefined {
  if (expr.kind !== 'template') return undefined;
  const first = expr.parts[0];
  return first?.kind === 'text' ? first.value : undefined;
}

/**
 * The values of a setting that holds one value or a list of them (`member`, `members`,
 * `source_ranges`), each with its line (convention 5: the entry's own line when the list
 * is written out). Undefined when the setting is absent; UNKNOWN when it cannot be read.
 */
export function entriesOf(input: TfInput, a: Attribute | undefined, instance: Instance): Entry[] | typeof UNKNOWN | undefined {
  if (!a) return undefined;
  const unread = (expr: Expr) => ({ prefix: prefixOf(expr), source: textOf(input, expr), shape: shapeOf(expr) });
  if (a.expr.kind === 'tuple') return a.expr.items.map((item: Expr) => {
    const value = valueIn(instance, item);
    return value === UNKNOWN ? { value, line: item.line, ...unread(item) } : { value, line: item.line };
  });
  const value = valueIn(instance, a.expr);
  if (value === UNKNOWN) return prefixOf(a.expr) === undefined ? UNKNOWN : [{ value, line: a.line, ...unread(a.expr) }];
  return (Array.isArray(value) ? value : [value]).map((v) => ({ value: v, line: a.line }));
}

/**
 * The values an expression may take: both branches of a conditional whose condition
 * cannot be read (`var.global ? "GLOBAL_MANAGED_PROXY" : "REGIONAL_MANAGED_PROXY"`),
 * else its one value (UNKNOWN included).
 */
export function outcomes(expr: Expr, instance: Instance): Value[] {
  if (expr.kind === 'paren') return outcomes(expr.expr, instance);
  if (expr.kind === 'conditional') {
    const condition = valueIn(instance, expr.condition);
    if (condition === true) return outcomes(expr.then, instance);
    if (condition === false) return outcomes(expr.else, instance);
    return [...outcomes(expr.then, instance), ...outcomes(expr.else, instance)];
  }
  return [valueIn(instance, expr)];
}

/** A key of a metadata or labels map: its value and the line of its entry (the map's line when the map is not written out). */
export interface MapEntry {
  value: Value;
  line: number;
}

/**
 * The `metadata` of an instance, a template or a node config: the map attribute, its
 * value, and a reader for one key. `unknown` when the map cannot be read (a variable
 * without a default): rules then cannot tell what it holds.
 */
export interface Metadata {
  attribute?: Attribute;
  unknown: boolean;
  get(key: string): MapEntry | undefined;
}

export function metadataOf(input: TfInput, block: Block, instance: Instance = fileInstance(input), name = 'metadata'): Metadata {
  const a = attribute(block, name);
  if (!a) return { unknown: false, get: () => undefined };
  const value = fieldsOf(block, instance).get(name);
  if (value === UNKNOWN || value === null || typeof value !== 'object' || Array.isArray(value)) return { attribute: a, unknown: true, get: () => undefined };
  const map = value as { [key: string]: Value };
  const items = a.expr.kind === 'object' ? a.expr.items : [];
  return {
    attribute: a,
    unknown: false,
    get(key) {
      if (!(key in map)) return undefined;
      const item = items.find((i) => i.keyName === key);
      return { value: map[key]!, line: item?.line ?? a.line };
    },
  };
}

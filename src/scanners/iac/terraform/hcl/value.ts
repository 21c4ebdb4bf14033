/**
 * The values static evaluation gives (evaluate.ts): JSON-like values, and UNKNOWN for
 * what the configuration alone cannot tell. Rules read UNKNOWN as "cannot tell".
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Unknown;

/** The longest text (and about the largest value as text) an evaluation makes; past it the value is UNKNOWN. */
export const MAX_TEXT = 1 << 20;

/**
 * The lists that are sets (made by toset or a `set(...)` type constraint): a `for k, v`
 * over a set binds the element to both names, as Terraform does, where a list gives its index.
 */
const SETS = new WeakSet<Value[]>();

export function markSet(list: Value[]): Value[] {
  SETS.add(list);
  return list;
}

export function isSet(value: Value): boolean {
  return Array.isArray(value) && SETS.has(value);
}

/** Whether no part of a value is unknown (a value too large to look through counts as unknown). */
export function isKnown(value: Value): boolean {
  const stack: Value[] = [value];
  let visits = 0;
  while (stack.length > 0) {
    if (++visits > 1_000_000) return false;
    const item = stack.pop()!;
    if (item === UNKNOWN) return false;
    if (Array.isArray(item)) stack.push(...item);
    else if (item !== null && typeof item === 'object') stack.push(...Object.values(item));
  }
  return true;
}

export function isObject(value: Value | undefined): value is { [key: string]: Value } {
  return value !== undefined && value !== null && value !== UNKNOWN && typeof value === 'object' && !Array.isArray(value);
}

/** Sets a key of an object made by evaluation, `__proto__` included, as an own property. */
export function setKey(target: { [key: string]: Value }, key: string, value: Value): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** About how many characters a value takes as text, counted only up to just past `limit`. */
export function textSize(value: Value, limit: number): number {
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

/** How many values a value holds (itself, its elements and attributes, a shared part once per place), counted only up to just past `limit`. */
export function valueCount(value: Value, limit: number): number {
  let count = 0;
  const stack: Value[] = [value];
  while (stack.length > 0 && count <= limit) {
    const item = stack.pop()!;
    count++;
    // One push at a time: spreading a list of a million values into push() would throw.
    if (Array.isArray(item)) for (const inner of item) stack.push(inner);
    else if (item !== null && typeof item === 'object') for (const inner of Object.values(item)) stack.push(inner);
  }
  return Math.min(count, limit + 1);
}

/**
 * Whether two known values are equal (Terraform's `==`); undefined when either holds an unknown
 * part, except beside null: a list or object is never null, whatever its elements hold.
 */
export function equalValues(left: Value, right: Value): boolean | undefined {
  if (left === null || right === null) return left === UNKNOWN || right === UNKNOWN ? undefined : left === right;
  if (!isKnown(left) || !isKnown(right)) return undefined;
  if (textSize([left, right], MAX_TEXT) > MAX_TEXT) return undefined;
  return canonical(left) === canonical(right);
}

/** A value as text with object keys in order, so that equal objects give the same text. */
export function canonical(value: Value): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => compareText(a, b))) : v));
}

/** Terraform orders strings by their bytes; for the UTF-16 of JavaScript strings this is close enough (exact for ASCII). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

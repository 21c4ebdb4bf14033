import { JsonFloat } from './strict-json.js';

/**
 * Canonical JSON exactly as securesystemslib's `encode_canonical` writes it (the
 * bytes in-toto signs): object keys sorted by Unicode code point, no whitespace,
 * only `"` and `\` escaped inside strings (every other character, control
 * characters included, is written as is and UTF-8 encoded), integers only.
 * A float, NaN, an infinity, undefined, a function or a lone surrogate is an error,
 * as it is for the reference (a lone surrogate fails there when UTF-8 encoding).
 */

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  encode(value, out, 0);
  return out.join('');
}

export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/**
 * Orders strings by code point, as Python's `sorted` does. JavaScript's default
 * comparison uses UTF-16 code units and puts U+10000 and above (surrogate pairs)
 * before U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (only ever parts of code points above U+FFFF) rank after every other BMP unit. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function sortedKeys(object: object): string[] {
  return Object.keys(object).sort(compareCodePoints);
}

const MAX_DEPTH = 256;

function encode(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new CanonicalJsonError('value nested too deeply');
  if (typeof value === 'string') {
    out.push(encodeString(value));
  } else if (value === true) {
    out.push('true');
  } else if (value === false) {
    out.push('false');
  } else if (value === null) {
    out.push('null');
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new CanonicalJsonError(`cannot encode ${String(value)}: canonical JSON allows integers only`);
    if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`cannot encode ${String(value)}: integer beyond 2^53 given as a number (use a bigint)`);
    out.push(Object.is(value, -0) ? '0' : String(value));
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  } else if (value instanceof JsonFloat) {
    throw new CanonicalJsonError(`cannot encode ${value.text}: canonical JSON allows integers only`);
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, index) => {
      if (index > 0) out.push(',');
      encode(item, out, depth + 1);
    });
    out.push(']');
  } else if (typeof value === 'object' && isPlainObject(value)) {
    out.push('{');
    sortedKeys(value).forEach((key, index) => {
      if (index > 0) out.push(',');
      out.push(encodeString(key), ':');
      encode((value as Record<string, unknown>)[key], out, depth + 1);
    });
    out.push('}');
  } else {
    throw new CanonicalJsonError(`cannot encode a value of type ${typeof value}`);
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function encodeString(text: string): string {
  if (LONE_SURROGATE.test(text)) throw new CanonicalJsonError('cannot encode a string with a lone UTF-16 surrogate');
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

import { yamlPackage } from '../../../../core/packages.js';
import { cidrhost, cidrnetmask, cidrsubnet, cidrsubnets } from './cidr-functions.js';
import { OutOfWork, regex, regexall, replaceRegex, type Spend } from './regex-functions.js';
import { MAX_TEXT, UNKNOWN, canonical, compareText, equalValues, isKnown, isObject, markSet, setKey, textSize, type Value } from './value.js';

/**
 * Terraform's pure functions that security-relevant values are built with (security
 * group presets, `merge` of tag maps, `try` of optional settings...), on values already
 * evaluated. An unknown argument that the result depends on gives UNKNOWN; so does any
 * call Terraform would refuse (wrong types, a missing key without a default), any
 * function not listed here, and any result past the text limit. `try` and `can` read
 * their arguments lazily and live in evaluate.ts.
 */

/** Longest list `range` makes (Terraform refuses more than 1024 elements). */
const MAX_RANGE = 1024;

type Fn = (args: Value[], spend: Spend) => Value;

const isList = (v: Value | undefined): v is Value[] => Array.isArray(v);
const isText = (v: Value | undefined): v is string => typeof v === 'string';
/** A primitive as Terraform converts it to a string. */
const asText = (v: Value | undefined): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const asBool = (v: Value | undefined): boolean | undefined => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined);
const bounded = (v: Value): Value => (textSize(v, MAX_TEXT) > MAX_TEXT ? UNKNOWN : v);

/** Known lists without duplicates, in first-seen order. */
function unique(items: readonly Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const item of items) {
    const key = canonical(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

/** A set as Terraform orders it: strings sorted, other elements as they came. */
function asSet(items: readonly Value[]): Value[] {
  const out = unique(items);
  if (out.every(isText)) (out as string[]).sort(compareText);
  return markSet(out);
}

/** The first argument not null (nor '', with `skipEmpty`), or UNKNOWN when an unknown one comes first. */
function firstGiven(args: readonly Value[], skip: (v: Value) => boolean): Value {
  for (const arg of args) {
    if (arg === UNKNOWN) return UNKNOWN;
    if (!skip(arg)) return arg;
  }
  return UNKNOWN;
}

/** `format` with the verbs %s, %d, %v, %q and %%; flags, widths and explicit indexes give UNKNOWN. */
function format(spec: Value | undefined, args: readonly Value[]): Value {
  if (!isText(spec)) return UNKNOWN;
  let out = '';
  let next = 0;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const verb = spec[++i];
    if (verb === '%') {
      out += '%';
      continue;
    }
    const arg = args[next++];
    if (arg === undefined || arg === UNKNOWN) return UNKNOWN;
    if (verb === 's' || verb === 'v') {
      const text = asText(arg);
      if (text === undefined) return UNKNOWN;
      out += text;
    } else if (verb === 'd') {
      const n = typeof arg === 'number' ? arg : typeof arg === 'string' && /^-?\d+$/.test(arg) ? Number(arg) : undefined;
      if (n === undefined || !Number.isInteger(n)) return UNKNOWN;
      out += String(n);
    } else if (verb === 'q' && isText(arg)) out += JSON.stringify(arg);
    else return UNKNOWN;
    if (out.length > MAX_TEXT) return UNKNOWN;
  }
  return next === args.length ? out : UNKNOWN;
}

function flatten(list: Value | undefined): Value {
  if (!isList(list)) return UNKNOWN;
  const out: Value[] = [];
  // Depth-first, in order, without recursion: a stack of lists and positions.
  const stack: Array<{ items: Value[]; at: number }> = [{ items: list, at: 0 }];
  let steps = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.at >= top.items.length) {
      stack.pop();
      continue;
    }
    if (++steps > 100_000 || stack.length > 64) return UNKNOWN;
    const item = top.items[top.at++]!;
    // An unknown element may be a list to flatten: the result's length cannot be told.
    if (item === UNKNOWN) return UNKNOWN;
    if (isList(item)) stack.push({ items: item, at: 0 });
    else out.push(item);
  }
  return out;
}

/** Whether `list` holds `value`: UNKNOWN when an element that cannot be compared comes before a match. */
function indexOf(list: Value | undefined, value: Value | undefined): number | typeof UNKNOWN {
  if (!isList(list) || value === undefined || value === UNKNOWN) return UNKNOWN;
  for (let i = 0; i < list.length; i++) {
    const same = equalValues(list[i]!, value);
    if (same === undefined) return UNKNOWN;
    if (same) return i;
  }
  return -1;
}

function truth(list: Value | undefined, all: boolean): Value {
  if (!isList(list)) return UNKNOWN;
  let unknown = false;
  for (const item of list) {
    const b = asBool(item);
    if (b === undefined) {
      if (item !== UNKNOWN) return UNKNOWN;
      unknown = true;
    } else if (b !== all) return !all;
  }
  return unknown ? UNKNOWN : all;
}

function range(args: readonly Value[]): Value {
  if (!args.every((a) => typeof a === 'number' && Number.isFinite(a))) return UNKNOWN;
  const [a, b, c] = args as number[];
  const [start, end, step] = args.length === 1 ? [0, a!, 1] : args.length === 2 ? [a!, b!, 1] : args.length === 3 ? [a!, b!, c!] : [0, 0, 0];
  if (step === 0 || (end - start) / step > MAX_RANGE) return UNKNOWN;
  const out: number[] = [];
  for (let n = start; step > 0 ? n < end : n > end; n += step) out.push(n);
  return out;
}

const FUNCTIONS: Record<string, Fn> = {
  jsonencode: ([v]) => (v !== undefined && isKnown(v) && textSize(v, MAX_TEXT) <= MAX_TEXT ? JSON.stringify(v) : UNKNOWN),
  // YAML as JSON, which YAML reads as the same value (Terraform writes block style; what it says is the same).
  yamlencode: ([v]) => (v !== undefined && isKnown(v) && textSize(v, MAX_TEXT) <= MAX_TEXT ? JSON.stringify(v) : UNKNOWN),
  jsondecode: ([v]) => {
    if (!isText(v)) return UNKNOWN;
    try {
      return JSON.parse(v) as Value;
    } catch {
      return UNKNOWN;
    }
  },
  tolist: ([v]) => (isList(v) ? [...v] : UNKNOWN),
  // A set of unknown elements may have fewer elements than the list: kept as the list, as before.
  toset: ([v]) => (!isList(v) ? UNKNOWN : isKnown(v) ? asSet(v) : v),
  tomap: ([v]) => (isObject(v) ? v : v === null ? null : UNKNOWN),
  tostring: ([v]) => asText(v) ?? (v === null ? null : UNKNOWN),
  tonumber: ([v]) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : UNKNOWN),
  tobool: ([v]) => asBool(v) ?? UNKNOWN,
  lower: ([v]) => (isText(v) ? v.toLowerCase() : UNKNOWN),
  upper: ([v]) => (isText(v) ? v.toUpperCase() : UNKNOWN),
  trimspace: ([v]) => (isText(v) ? v.trim() : UNKNOWN),
  trimprefix: ([v, p]) => (isText(v) && isText(p) ? (v.startsWith(p) ? v.slice(p.length) : v) : UNKNOWN),
  trimsuffix: ([v, s]) => (isText(v) && isText(s) ? (s !== '' && v.endsWith(s) ? v.slice(0, -s.length) : v) : UNKNOWN),
  startswith: ([v, p]) => (isText(v) && isText(p) ? v.startsWith(p) : UNKNOWN),
  endswith: ([v, s]) => (isText(v) && isText(s) ? v.endsWith(s) : UNKNOWN),
  length: ([v]) => (isList(v) ? v.length : isText(v) ? [...v].length : isObject(v) ? Object.keys(v).length : UNKNOWN),
  concat: (args) => (args.every(isList) ? bounded(args.flat()) : UNKNOWN),
  merge: (args) => {
    const maps = args.filter((a) => a !== null);
    if (!maps.every(isObject)) return UNKNOWN;
    const out: { [key: string]: Value } = {};
    for (const map of maps) for (const [key, value] of Object.entries(map)) setKey(out, key, value);
    return bounded(out);
  },
  element: ([list, i]) => {
    // Terraform wraps an index past the end around to the start.
    if (!isList(list) || list.length === 0 || typeof i !== 'number' || !Number.isInteger(i) || i < 0) return UNKNOWN;
    return list[i % list.length]!;
  },
  lookup: (args) => {
    const [map, key, fallback] = args;
    if (!isObject(map) || !isText(key)) return UNKNOWN;
    if (Object.hasOwn(map, key)) return map[key]!;
    // A default of null is a value (modules write lookup(x.value, "email", null) for a setting left unset);
    // without a default Terraform refuses a missing key.
    return isKnown(map) && args.length >= 3 ? fallback! : UNKNOWN;
  },
  coalesce: (args) => firstGiven(args, (v) => v === null || v === ''),
  coalescelist: (args) => firstGiven(args, (v) => isList(v) && v.length === 0),
  format: ([spec, ...rest]) => format(spec, rest),
  join: ([separator, ...lists]) => {
    if (!isText(separator) || !lists.every(isList)) return UNKNOWN;
    const items = lists.flat().map(asText);
    if (items.some((s) => s === undefined)) return UNKNOWN;
    const size = separator.length * items.length + textSize(items as string[], MAX_TEXT);
    return size <= MAX_TEXT ? (items as string[]).join(separator) : UNKNOWN;
  },
  // The security-group module's "0.0.0.0/0,10.0.0.0/8" lists: compact(split(",", ...)).
  split: ([separator, text]) => (isText(separator) && separator !== '' && isText(text) ? text.split(separator) : UNKNOWN),
  compact: ([v]) => (isList(v) && v.every((s) => isText(s) || s === null) ? v.filter((s) => s !== '' && s !== null) : UNKNOWN),
  replace: ([text, search, replacement], spend) => {
    if (!isText(text) || !isText(search) || !isText(replacement) || search === '') return UNKNOWN;
    // A /regular expression/ (RE2, on a linear-time engine).
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) return replaceRegex(text, search, replacement, spend);
    const parts = text.split(search);
    return text.length + (parts.length - 1) * replacement.length > MAX_TEXT ? UNKNOWN : parts.join(replacement);
  },
  sort: ([v]) => {
    if (!isList(v)) return UNKNOWN;
    const items = v.map(asText);
    return items.some((s) => s === undefined) ? UNKNOWN : (items as string[]).sort(compareText);
  },
  distinct: ([v]) => (isList(v) && isKnown(v) ? unique(v) : UNKNOWN),
  flatten: ([v]) => flatten(v),
  keys: ([v]) => (isObject(v) ? Object.keys(v).sort(compareText) : UNKNOWN),
  values: ([v]) => (isObject(v) ? Object.keys(v).sort(compareText).map((k) => v[k]!) : UNKNOWN),
  contains: ([list, value]) => {
    const at = indexOf(list, value);
    return at === UNKNOWN ? UNKNOWN : at >= 0;
  },
  index: ([list, value]) => {
    const at = indexOf(list, value);
    return at === UNKNOWN || at < 0 ? UNKNOWN : at;
  },
  alltrue: ([v]) => truth(v, true),
  anytrue: ([v]) => truth(v, false),
  one: ([v]) => (!isList(v) || v.length > 1 ? UNKNOWN : v.length === 0 ? null : v[0]!),
  reverse: ([v]) => (isList(v) ? [...v].reverse() : UNKNOWN),
  max: (args) => (args.length > 0 && args.every((a) => typeof a === 'number') ? Math.max(...(args as number[])) : UNKNOWN),
  min: (args) => (args.length > 0 && args.every((a) => typeof a === 'number') ? Math.min(...(args as number[])) : UNKNOWN),
  range: (args) => range(args),
  zipmap: ([keys, values]) => {
    if (!isList(keys) || !isList(values) || keys.length !== values.length || !keys.every(isText)) return UNKNOWN;
    const out: { [key: string]: Value } = {};
    keys.forEach((key, i) => setKey(out, key, values[i]!));
    return out;
  },
  setunion: (args) => (args.length > 0 && args.every(isList) && args.every(isKnown) ? bounded(asSet(args.flat())) : UNKNOWN),
  setintersection: (args) => {
    if (args.length === 0 || !args.every(isList) || !args.every(isKnown)) return UNKNOWN;
    const [first, ...rest] = args as Value[][];
    const others = rest.map((list) => new Set(list.map(canonical)));
    return asSet(first!.filter((item) => others.every((set) => set.has(canonical(item)))));
  },
  setsubtract: ([a, b]) => {
    if (!isList(a) || !isList(b) || !isKnown(a) || !isKnown(b)) return UNKNOWN;
    const removed = new Set(b.map(canonical));
    return asSet(a.filter((item) => !removed.has(canonical(item))));
  },
  // Marks that change nothing in the value.
  sensitive: ([v]) => v ?? UNKNOWN,
  nonsensitive: ([v]) => v ?? UNKNOWN,
  cidrsubnet: (args) => cidrsubnet(args),
  cidrsubnets: (args) => cidrsubnets(args),
  cidrhost: (args) => cidrhost(args),
  cidrnetmask: (args) => cidrnetmask(args),
  regex: (args, spend) => regex(args, spend),
  regexall: (args, spend) => regexall(args, spend),
  strcontains: ([v, s]) => (isText(v) && isText(s) ? v.includes(s) : UNKNOWN),
  // Trailing newlines (\n, \r\n or \r), all of them.
  chomp: ([v]) => (isText(v) ? v.replace(/(?:\r\n?|\n)+$/, '') : UNKNOWN),
  trim: ([v, cutset]) => {
    if (!isText(v) || !isText(cutset)) return UNKNOWN;
    const cut = new Set(cutset);
    const chars = [...v];
    let start = 0;
    let end = chars.length;
    while (start < end && cut.has(chars[start]!)) start++;
    while (end > start && cut.has(chars[end - 1]!)) end--;
    return chars.slice(start, end).join('');
  },
  // `pad` after each newline (Terraform leaves the first line as it is).
  indent: ([spaces, v]) => (typeof spaces === 'number' && Number.isInteger(spaces) && spaces >= 0 && spaces <= 1024 && isText(v) ? bounded(v.replaceAll('\n', `\n${' '.repeat(spaces)}`)) : UNKNOWN),
  // Terraform counts grapheme clusters: ASCII only here, where each character is one.
  strrev: ([v]) => (isText(v) && ASCII.test(v) ? [...v].reverse().join('') : UNKNOWN),
  substr: ([v, offset, length]) => substr(v, offset, length),
  title: ([v]) => (isText(v) && ASCII.test(v) ? v.replace(/(^|[^A-Za-z0-9_])([a-z])/g, (_m, before: string, letter: string) => before + letter.toUpperCase()) : UNKNOWN),
  formatlist: ([spec, ...rest]) => formatlist(spec, rest),
  abs: ([n]) => (typeof n === 'number' ? Math.abs(n) : UNKNOWN),
  ceil: ([n]) => (typeof n === 'number' ? Math.ceil(n) : UNKNOWN),
  floor: ([n]) => (typeof n === 'number' ? Math.floor(n) : UNKNOWN),
  signum: ([n]) => (typeof n === 'number' ? Math.sign(n) : UNKNOWN),
  pow: ([a, b]) => (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a ** b) ? a ** b : UNKNOWN),
  parseint: ([v, base]) => parseInteger(v, base),
  sum: ([v]) => (isList(v) && v.length > 0 && v.every((n) => typeof n === 'number') ? (v as number[]).reduce((a, b) => a + b, 0) : UNKNOWN),
  slice: ([list, start, end]) => {
    if (!isList(list) || typeof start !== 'number' || typeof end !== 'number' || !Number.isInteger(start) || !Number.isInteger(end)) return UNKNOWN;
    return start < 0 || end > list.length || start > end ? UNKNOWN : list.slice(start, end);
  },
  chunklist: ([list, size]) => {
    if (!isList(list) || typeof size !== 'number' || !Number.isInteger(size) || size < 0) return UNKNOWN;
    if (size === 0) return [list];
    const out: Value[] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  },
  matchkeys: ([values, keys, search]) => {
    if (!isList(values) || !isList(keys) || !isList(search) || values.length !== keys.length || !isKnown(keys) || !isKnown(search)) return UNKNOWN;
    const wanted = new Set(search.map(canonical));
    return values.filter((_v, i) => wanted.has(canonical(keys[i]!)));
  },
  transpose: ([map]) => {
    if (!isObject(map) || !isKnown(map)) return UNKNOWN;
    const out: { [key: string]: Value } = {};
    for (const key of Object.keys(map).sort(compareText)) {
      const list = map[key]!;
      if (!isList(list) || !list.every(isText)) return UNKNOWN;
      for (const item of list as string[]) {
        const into = Object.hasOwn(out, item) ? (out[item] as string[]) : [];
        if (into.length === 0) setKey(out, item, into);
        into.push(key);
      }
    }
    return out;
  },
  base64encode: ([v]) => (isText(v) ? bounded(Buffer.from(v, 'utf8').toString('base64')) : UNKNOWN),
  base64decode: ([v]) => base64decode(v),
  urlencode: ([v]) => (isText(v) ? urlencode(v) : UNKNOWN),
  yamldecode: ([v]) => yamldecode(v),
};

const ASCII = /^[\x00-\x7f]*$/;

/** `substr` on ASCII text: a negative offset counts from the end, a length of -1 takes the rest. */
function substr(v: Value | undefined, offset: Value | undefined, length: Value | undefined): Value {
  if (!isText(v) || !ASCII.test(v) || typeof offset !== 'number' || typeof length !== 'number' || !Number.isInteger(offset) || !Number.isInteger(length)) return UNKNOWN;
  const start = offset < 0 ? v.length + offset : offset;
  // Out of range, or cases where Terraform's own reading is not plain (a length 0 from the end).
  if (start < 0 || start > v.length || length < -1 || (offset < 0 && length === 0)) return UNKNOWN;
  return length === -1 ? v.slice(start) : v.slice(start, start + length);
}

/** `formatlist`: lists give one element per result (all of one length), other values repeat. */
function formatlist(spec: Value | undefined, args: readonly Value[]): Value {
  if (!isText(spec) || args.some((a) => a === UNKNOWN)) return UNKNOWN;
  const lengths = new Set(args.filter(isList).map((a) => a.length));
  if (lengths.size > 1) return UNKNOWN;
  const count = lengths.size === 0 ? 1 : [...lengths][0]!;
  const out: Value[] = [];
  for (let i = 0; i < count; i++) {
    const item = format(
      spec,
      args.map((a) => (isList(a) ? a[i]! : a)),
    );
    if (item === UNKNOWN) return UNKNOWN;
    out.push(item);
  }
  return bounded(out);
}

/** `parseint(text, base)`: bases 2 to 62 as Go's big.Int reads them (digits, then a-z, then A-Z past base 36). */
function parseInteger(v: Value | undefined, base: Value | undefined): Value {
  if (!isText(v) || typeof base !== 'number' || !Number.isInteger(base) || base < 2 || base > 62) return UNKNOWN;
  const m = /^([+-]?)([0-9A-Za-z]+)$/.exec(v);
  if (!m) return UNKNOWN;
  let n = 0n;
  for (const c of m[2]!) {
    const code = c.charCodeAt(0);
    const digit = code <= 57 ? code - 48 : code >= 97 ? code - 87 : base <= 36 ? code - 55 : code - 29;
    if (digit >= base) return UNKNOWN;
    n = n * BigInt(base) + BigInt(digit);
  }
  const out = Number(m[1] === '-' ? -n : n);
  return Number.isSafeInteger(out) ? out : UNKNOWN;
}

/** Strict base64 whose bytes are UTF-8 text (Terraform refuses anything else). */
function base64decode(v: Value | undefined): Value {
  if (!isText(v) || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length > MAX_TEXT) return UNKNOWN;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(v, 'base64'));
  } catch {
    return UNKNOWN;
  }
}

/** Go's url.QueryEscape: every byte but letters, digits and `-_.~` escaped, a space as `+`. */
function urlencode(v: string): Value {
  let out = '';
  for (const byte of Buffer.from(v, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : c === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return bounded(out);
}

/**
 * `yamldecode`: one YAML document, read with the YAML 1.2 core schema (`yes` is text) and
 * merge keys, as Terraform's YAML reader does; aliases are bounded. A text that is not one
 * document, or that reads to more than the text limit, gives UNKNOWN.
 */
function yamldecode(v: Value | undefined): Value {
  if (!isText(v) || v.length > MAX_TEXT) return UNKNOWN;
  const cached = DECODED.get(v);
  if (cached !== undefined) return cached;
  let decoded: Value;
  try {
    const value = yamlPackage().parse(v, { schema: 'core', merge: true, maxAliasCount: 100, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: 'error' }) as unknown;
    const out = fromYaml(value, 0);
    decoded = out === undefined ? UNKNOWN : bounded(out);
  } catch {
    decoded = UNKNOWN;
  }
  if (DECODED.size >= MAX_DECODED || decodedChars + v.length > MAX_DECODED_CHARS) {
    DECODED.clear();
    decodedChars = 0;
  }
  DECODED.set(v, decoded);
  decodedChars += v.length;
  return decoded;
}

/**
 * Texts yamldecode has read, and their values (never changed in place, as all values):
 * a module's `yamldecode(file("${path.module}/data.yaml"))` is read again in each context
 * the module is analysed in, and parsing is most of its cost. Bounded in entries and in
 * characters kept; emptied when full.
 */
const DECODED = new Map<string, Value>();
const MAX_DECODED = 256;
const MAX_DECODED_CHARS = 16 * 1024 * 1024;
let decodedChars = 0;

/** A decoded YAML value as a value; undefined for what Terraform would not take (non-finite numbers) or nests too deep. */
function fromYaml(value: unknown, depth: number): Value | undefined {
  if (depth > 64) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    const out: Value[] = [];
    for (const item of value) {
      const v = fromYaml(item, depth + 1);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: Value } = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const v = fromYaml(item, depth + 1);
      if (v === undefined) return undefined;
      setKey(out, key, v);
    }
    return out;
  }
  return undefined;
}

/**
 * The value of a call of a Terraform function on evaluated arguments; UNKNOWN for a
 * function not known here. `spend` is charged the work of the functions whose work does
 * not follow from their arguments' size (regular expressions), and throws OutOfWork past
 * the caller's budget: the value is then UNKNOWN.
 */
export function callFunction(name: string, args: Value[], spend: Spend = () => {}): Value {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) return UNKNOWN;
  try {
    return fn(args, spend);
  } catch (error) {
    if (error instanceof OutOfWork) return UNKNOWN;
    throw error;
  }
}

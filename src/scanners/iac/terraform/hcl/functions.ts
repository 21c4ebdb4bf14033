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

type Fn = (args: Value[]) => Value;

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
  lookup: ([map, key, fallback]) => {
    if (!isObject(map) || !isText(key)) return UNKNOWN;
    if (Object.hasOwn(map, key)) return map[key]!;
    return isKnown(map) ? (fallback ?? UNKNOWN) : UNKNOWN;
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
  replace: ([text, search, replacement]) => {
    // A /regular expression/ is left unknown (RE2 is not JavaScript's engine).
    if (!isText(text) || !isText(search) || !isText(replacement) || search === '' || (search.length > 1 && search.startsWith('/') && search.endsWith('/'))) return UNKNOWN;
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
  setsubtract: ([a, b]) => {
    if (!isList(a) || !isList(b) || !isKnown(a) || !isKnown(b)) return UNKNOWN;
    const removed = new Set(b.map(canonical));
    return asSet(a.filter((item) => !removed.has(canonical(item))));
  },
};

/** The value of a call of a Terraform function on evaluated arguments; UNKNOWN for a function not known here. */
export function callFunction(name: string, args: Value[]): Value {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  return fn ? fn(args) : UNKNOWN;
}

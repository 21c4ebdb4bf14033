import { createHash } from 'node:crypto';
import semver from 'semver';
import { compile, Matcher, quoteMeta, RegexpError, type Regexp } from './regexp.js';
import {
  fromJsonValue,
  formatFloat,
  formatValue,
  goQuote,
  GoInt,
  GoObject,
  isDict,
  isNumber,
  isString,
  kindName,
  loadValues,
  Mapped,
  num,
  originsOf,
  setOrigins,
  sliceItems,
  sortedKeys,
  str,
  strval,
  TemplateError,
  toJson,
  toYaml,
  truth,
  typeName,
  type Dict,
  type LoadedValues,
  type Value,
} from './values.js';

/**
 * The functions of Go templates, Sprig and Helm that charts use, as `helm template`
 * evaluates them, and nothing that reads the machine or the network (env, expandenv):
 * those are missing from the table, and calling them fails the template with a warning.
 * What is random or depends on the clock is fixed (random strings, generated keys and
 * certificates, `now`), so that a scan gives the same findings every time.
 * `and` and `or` evaluate lazily and live in the renderer.
 */

export interface CallContext {
  include(name: string, data: Value): string | Mapped;
  tpl(text: string | Mapped, data: Value): string | Mapped;
  /** Largest string a function may build. */
  maxChars: number;
  /** Counts work proportional to a list a function builds or walks. */
  count(items: number): void;
  /** Counts work that is not a list (regular expression matching) as template steps. */
  step(units: number): void;
  /** Fails as step would, spending nothing. */
  afford(units: number): void;
  /** The values toJson wrote texts from in this render, by text (parseJson). */
  readonly jsonSources: Map<string, Dict | Value[]>;
}

export type Func = (args: Value[], ctx: CallContext) => Value;

function arity(name: string, args: readonly Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new TemplateError(`wrong number of args for ${name}: want ${min === max ? min : `${min}-${max === Infinity ? 'n' : max}`} got ${args.length}`);
}

function wrongType(expected: string, v: Value): TemplateError {
  return new TemplateError(`wrong type for value; expected ${expected}; got ${typeName(v)}`);
}

/** A string parameter: nil (a missing value) reads as "". */
function text(v: Value): string {
  if (v === null) return '';
  if (isString(v)) return str(v);
  throw wrongType('string', v);
}

/** An int parameter. */
function int(v: Value): number {
  if (v instanceof GoInt) return v.n;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw wrongType('int', v);
}

function list(v: Value, fn: string): Value[] {
  if (Array.isArray(v)) return v;
  if (v === null) return [];
  const items = sliceItems(v);
  if (items) return items;
  throw new TemplateError(`cannot ${fn} on type ${typeName(v)}`);
}

function dict(v: Value, fn: string): Dict {
  if (isDict(v)) return v;
  throw new TemplateError(`${fn}: wrong type for value; expected map[string]interface {}; got ${typeName(v)}`);
}

/**
 * A map parameter that is only read: a missing value reads as an empty map. Go hands a
 * nil map to the function when the value comes through a variable or a pipeline
 * (`$s := (lookup ...).data` then `hasKey $s "k"`), which is how charts use it.
 */
function readDict(v: Value, fn: string): Dict {
  return v === null ? new Map() : dict(v, fn);
}

function bounded(s: string, ctx: CallContext): string {
  if (s.length > ctx.maxChars) throw new TemplateError(`result longer than ${ctx.maxChars} characters`);
  return s;
}

/** Sprig's empty: nil, false, 0, and empty strings, lists and maps. */
export function empty(v: Value | undefined): boolean {
  return !truth(v ?? null);
}

/** cast.ToInt64 as Sprig uses it: numbers truncate, numeric strings parse, anything else is 0. */
function toInt64(v: Value): number {
  if (isNumber(v)) return Math.trunc(num(v));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isString(v)) {
    const s = str(v).trim();
    if (/^[+-]?\d+$/.test(s)) return Number(s);
    if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return Number(s.replace(/^([+-]?)0[xX]/, '$10x'));
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return Math.trunc(Number(s));
    return 0;
  }
  return 0;
}

function toFloat(v: Value): number {
  if (isNumber(v)) return num(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isString(v)) {
    const n = Number(str(v).trim());
    return str(v).trim() !== '' && Number.isFinite(n) ? n : 0;
  }
  return 0;
}

// ---- Comparison (text/template's eq, lt...) ----------------------------------------------

type Kind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'other';

function basicKind(v: Value): Kind {
  if (v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return 'int';
  if (typeof v === 'number') return 'float';
  if (isString(v)) return 'string';
  return 'other';
}

function scalarOf(v: Value): string | number | boolean {
  return isString(v) ? str(v) : isNumber(v) ? num(v) : (v as boolean);
}

function eq(args: Value[]): boolean {
  if (args.length < 2) throw new TemplateError('missing argument for comparison');
  const [a, ...rest] = args as [Value, ...Value[]];
  const ka = basicKind(a);
  for (const b of rest) {
    const kb = basicKind(b);
    if (ka === 'invalid' || kb === 'invalid') {
      if (ka === kb) return true;
      continue;
    }
    if (ka !== kb) throw new TemplateError('incompatible types for comparison');
    if (ka === 'other') throw new TemplateError(`non-comparable type ${typeName(a)}`);
    if (scalarOf(a) === scalarOf(b)) return true;
  }
  return false;
}

function less(a: Value, b: Value): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'invalid' || ka === 'other' || ka === 'bool' || kb === 'invalid' || kb === 'other' || kb === 'bool') throw new TemplateError('invalid type for comparison');
  if (ka !== kb) throw new TemplateError('incompatible types for comparison');
  return scalarOf(a) < scalarOf(b);
}

// ---- printf ---------------------------------------------------------------------------

const MAX_WIDTH = 4096;

function bad(verb: string, v: Value): string {
  return v === null ? `%!${verb}(<nil>)` : `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function pad(s: string, width: number | undefined, flags: string, numeric: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s + ' '.repeat(width - s.length);
  if (flags.includes('0') && numeric) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function signed(s: string, n: number, flags: string): string {
  return n >= 0 && flags.includes('+') ? `+${s}` : n >= 0 && flags.includes(' ') ? ` ${s}` : s;
}

function expNotation(n: number, prec: number): string {
  return n.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatVerb(verb: string, v: Value, flags: string, prec: number | undefined): string | undefined {
  if (Array.isArray(v) && verb !== 'v' && verb !== 'T') return `[${v.map((x) => formatVerb(verb, x, flags, prec) ?? bad(verb, x)).join(' ')}]`;
  switch (verb) {
    case 'v':
      return formatValue(v);
    case 'T':
      return typeName(v);
    case 's':
      if (isString(v)) return prec === undefined ? str(v) : str(v).slice(0, prec);
      if (isDict(v)) return formatValue(v);
      return undefined;
    case 'q':
      if (isString(v)) return goQuote(str(v));
      if (v instanceof GoInt) return `'${String.fromCodePoint(v.n)}'`;
      return undefined;
    case 't':
      return typeof v === 'boolean' ? String(v) : undefined;
    case 'd':
      return v instanceof GoInt ? signed(String(v.n), v.n, flags) : undefined;
    case 'c':
      return v instanceof GoInt ? String.fromCodePoint(v.n) : undefined;
    case 'o':
      return v instanceof GoInt ? (v.n < 0 ? '-' : '') + Math.abs(v.n).toString(8) : undefined;
    case 'x':
    case 'X': {
      let out: string | undefined;
      if (v instanceof GoInt) out = (v.n < 0 ? '-' : '') + Math.abs(v.n).toString(16);
      else if (isString(v)) out = Buffer.from(str(v)).toString('hex');
      return out === undefined ? undefined : verb === 'X' ? out.toUpperCase() : out;
    }
    case 'f':
    case 'F':
      return typeof v === 'number' ? signed(v.toFixed(Math.min(prec ?? 6, 100)), v, flags) : undefined;
    case 'e':
    case 'E': {
      if (typeof v !== 'number') return undefined;
      const out = signed(expNotation(v, Math.min(prec ?? 6, 100)), v, flags);
      return verb === 'E' ? out.toUpperCase() : out;
    }
    case 'g':
    case 'G': {
      if (typeof v !== 'number') return undefined;
      const out = signed(prec === undefined ? formatFloat(v) : Number(v.toPrecision(Math.max(1, Math.min(prec, 100)))).toString(), v, flags);
      return verb === 'G' ? out.toUpperCase() : out;
    }
    default:
      return undefined;
  }
}

export function sprintf(format: string, args: readonly Value[], ctx: CallContext): string {
  let out = '';
  let next = 0;
  const re = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', widthText, precText, verb = ''] = m;
    if (verb === '%' && !widthText && precText === undefined) {
      out += '%';
      continue;
    }
    const star = (t: string | undefined): number | undefined => {
      if (t === undefined) return undefined;
      if (t !== '*') return Number(t);
      const a = args[next++];
      return a instanceof GoInt ? a.n : undefined;
    };
    const width = star(widthText);
    const prec = m[0].includes('.') ? (star(precText) ?? 0) : undefined;
    if ((width ?? 0) > MAX_WIDTH || (prec ?? 0) > MAX_WIDTH) throw new TemplateError(`printf width or precision over ${MAX_WIDTH}`);
    if (next >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const v = args[next++]!;
    const formatted = formatVerb(verb, v, flags, prec);
    out += pad(formatted ?? bad(verb, v), width, flags, isNumber(v));
    if (out.length > ctx.maxChars) throw new TemplateError('printf result is too long');
  }
  out += format.slice(last);
  if (next < args.length) out += `%!(EXTRA ${args.slice(next).map((a) => (a === null ? '<nil>' : `${typeName(a)}=${formatValue(a)}`)).join(', ')})`;
  return bounded(out, ctx);
}

/** fmt.Sprint: a space between operands when neither is a string. */
function sprint(args: readonly Value[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && !isString(a) && !isString(args[i - 1]!)) out += ' ';
    out += formatValue(a);
  });
  return out;
}

// ---- Strings that keep their line origins -------------------------------------------

function linesOf(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** A part of a string, with the origins of its lines. */
function slice(v: string | Mapped, start: number, end: number): string | Mapped {
  if (typeof v === 'string') return v.slice(start, end);
  const s = v.s.slice(start, end);
  const first = linesOf(v.s, start);
  return new Mapped(s, v.origins.slice(first, first + linesOf(s, s.length) + 1));
}

function indent(n: number, v: string | Mapped, ctx: CallContext): string | Mapped {
  if (n < 0 || n > MAX_WIDTH) throw new TemplateError(`indent of ${n} spaces`);
  const padding = ' '.repeat(n);
  const s = bounded(padding + str(v).replaceAll('\n', `\n${padding}`), ctx);
  return typeof v === 'string' ? s : new Mapped(s, v.origins);
}

function nindent(n: number, v: string | Mapped, ctx: CallContext): string | Mapped {
  const inner = indent(n, v, ctx);
  return typeof inner === 'string' ? `\n${inner}` : new Mapped(`\n${inner.s}`, [undefined, ...inner.origins]);
}

function trimmed(v: string | Mapped, left: (s: string) => number, right: (s: string) => number): string | Mapped {
  const s = str(v);
  const start = left(s);
  const end = Math.max(start, right(s));
  return slice(v, start, end);
}

const SPACE = /[\s\u0085]/;

function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && SPACE.test(s[i]!)) i++;
  return i;
}

function lastNonSpace(s: string): number {
  let i = s.length;
  while (i > 0 && SPACE.test(s[i - 1]!)) i--;
  return i;
}

function stringArg(v: Value): string | Mapped {
  if (v === null) return '';
  if (isString(v)) return v;
  throw wrongType('string', v);
}

// ---- Regular expressions (Go's RE2 on re2js, linear time: regexp.ts) ------------------

/** Compiled patterns, or why they do not compile. */
const regexCache = new Map<string, Regexp | string>();

/**
 * Units of matching work (characters times instructions, what a search may cost at most)
 * per template step. re2js's slowest matching (every instruction alive at each character)
 * runs about 36M units a second: a template's 2M steps allow it about a second.
 */
const WORK_PER_STEP = 20;
/** Units of work for compiling one instruction of a pattern (a few microseconds). */
const COMPILE_WORK = 200;

function compiled(pattern: string, ctx: CallContext): Regexp {
  let rx = regexCache.get(pattern);
  if (rx === undefined) {
    if (pattern.length > 4096) throw new TemplateError('regular expression longer than 4096 characters');
    try {
      rx = compile(pattern);
    } catch (error) {
      if (!(error instanceof RegexpError)) throw error;
      rx = error.message;
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, rx);
    if (typeof rx !== 'string') ctx.step(Math.ceil((rx.re.programSize() * COMPILE_WORK) / WORK_PER_STEP));
  }
  if (typeof rx === 'string') throw new TemplateError(rx);
  return rx;
}

/** Runs `use` on a matcher of the pattern over the input; the matching work counts as template steps. */
function matching<T>(pattern: Value, input: Value, ctx: CallContext, use: (m: Matcher) => T): T {
  const matcher = new Matcher(
    compiled(text(pattern), ctx),
    text(input),
    (work) => ctx.step(Math.ceil(work / WORK_PER_STEP)),
    (work) => ctx.afford(Math.ceil(work / WORK_PER_STEP)),
  );
  try {
    return use(matcher);
  } catch (error) {
    if (error instanceof RegexpError) throw new TemplateError(error.message);
    throw error;
  }
}

// ---- Semantic versions (Masterminds/semver constraints) --------------------------------

function semverRange(constraint: string): string {
  const normalised = constraint
    .split('||')
    .map((part) =>
      part
        .replace(/,/g, ' ')
        // `>=1.19-0`: a partial version with a prerelease is completed (npm's semver needs three numbers).
        .replace(/(^|[\s<>=~^!]+)v?(\d+)(?:\.(\d+))?(-[0-9A-Za-z.-]+)/g, (_m, lead: string, major: string, minor: string | undefined, pre: string) => `${lead}${major}.${minor ?? '0'}.0${pre}`)
        .replace(/(^|[\s<>=~^!]+)v(\d)/g, '$1$2')
        .trim(),
    )
    .join(' || ');
  if (semver.validRange(normalised) === null) throw new TemplateError(`improper constraint: ${constraint}`);
  return normalised;
}

const MASTERMINDS_VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * A version as Masterminds/semver's NewVersion reads it: a leading `v`, and the minor and
 * patch numbers optional (`3.5` is 3.5.0), which npm's semver does not take even loosely.
 */
function parseVersion(version: string): semver.SemVer {
  const m = MASTERMINDS_VERSION.exec(version.trim());
  const parsed = m ? semver.parse(`${BigInt(m[1]!)}.${BigInt(m[2] ?? 0)}.${BigInt(m[3] ?? 0)}${m[4] ?? ''}${m[5] ?? ''}`) : null;
  if (!parsed) throw new TemplateError(`invalid semantic version: ${version}`);
  return parsed;
}

/** Sprig's semver: a Masterminds *semver.Version, read through its methods. */
function semverObject(version: string): GoObject {
  const parsed = parseVersion(version);
  const other = (v: Value) => {
    if (v instanceof GoObject && v.type === '*semver.Version') return String(v.text);
    throw wrongType('*semver.Version', v);
  };
  const text = parsed.version;
  const methods = new Map<string, (args: Value[]) => Value>([
    ['Major', () => new GoInt(parsed.major, 'int64')],
    ['Minor', () => new GoInt(parsed.minor, 'int64')],
    ['Patch', () => new GoInt(parsed.patch, 'int64')],
    ['Prerelease', () => parsed.prerelease.join('.')],
    ['Metadata', () => parsed.build.join('.')],
    ['Original', () => version],
    ['String', () => text],
    ['Compare', (a) => new GoInt(semver.compare(parsed, other(a[0] ?? null)))],
    ['LessThan', (a) => semver.lt(parsed, other(a[0] ?? null))],
    ['GreaterThan', (a) => semver.gt(parsed, other(a[0] ?? null))],
    ['Equal', (a) => semver.eq(parsed, other(a[0] ?? null))],
  ]);
  return new GoObject('*semver.Version', new Map(), methods, text);
}

function semverCompare(constraint: string, version: string): boolean {
  const parsed = parseVersion(version);
  return semver.satisfies(parsed, semverRange(constraint), { includePrerelease: parsed.prerelease.length > 0 });
}

/** Whether a version meets a constraint of Chart.yaml (Masterminds syntax); false when either does not parse. */
export function satisfiesConstraint(constraint: string, version: string): boolean {
  try {
    return semverCompare(constraint, version);
  } catch (error) {
    if (error instanceof TemplateError) return false;
    throw error;
  }
}

// ---- Maps -----------------------------------------------------------------------------

const PARSED_TEXTS_KEPT = 512;
const LONGEST_TEXT_KEPT = 64 * 1024;
const parsedTexts = new Map<string, LoadedValues>();

/**
 * fromYaml's parse of a text, each text parsed once: library charts call fromYaml on the same
 * few strings thousands of times (bitnami's common chart: 7,849 calls on 164 texts over 118
 * charts). The caller gets a copy, since templates change maps in place (`set`, `merge`).
 */
function loadValuesOnce(source: string, ctx: CallContext): LoadedValues {
  if (source.length > LONGEST_TEXT_KEPT) return loadValues(source, undefined);
  let loaded = parsedTexts.get(source);
  if (!loaded) {
    loaded = loadValues(source, undefined);
    if (parsedTexts.size >= PARSED_TEXTS_KEPT) parsedTexts.delete(parsedTexts.keys().next().value!);
    parsedTexts.set(source, loaded);
  }
  return loaded.error ? loaded : { ...loaded, value: deepCopy(loaded.value, ctx) };
}

function deepCopy(v: Value, ctx: CallContext, depth = 0): Value {
  if (depth > 200) throw new TemplateError('deepCopy: value nested too deeply');
  ctx.count(1);
  if (Array.isArray(v)) {
    const copy = v.map((item) => deepCopy(item, ctx, depth + 1));
    const from = originsOf(v);
    if (from) setOrigins(copy, from);
    return copy;
  }
  if (isDict(v)) {
    const copy: Dict = new Map();
    for (const [k, item] of v) copy.set(k, deepCopy(item, ctx, depth + 1));
    const from = originsOf(v);
    if (from) setOrigins(copy, from);
    return copy;
  }
  return v;
}

/**
 * The values that toJson wrote the last texts from, so that fromJson of such a text gives the
 * values back with the values.yaml lines they came from: charts that build a list in a helper
 * and hand it back as JSON (opentelemetry-demo's env, include | mustFromJson) would otherwise
 * report what is in it on the line of the include.
 */
const JSON_SOURCES_KEPT = 256;

function rememberJson(text: string, source: Value, ctx: CallContext): void {
  if (!(isDict(source) || Array.isArray(source)) || text.length > LONGEST_TEXT_KEPT) return;
  const sources = ctx.jsonSources;
  if (sources.size >= JSON_SOURCES_KEPT) sources.delete(sources.keys().next().value!);
  sources.set(text, source);
}

/** JSON's parse of a text: a copy of the values toJson wrote it from while they still print the same, else the parse. */
function parseJson(text: string, ctx: CallContext): Value {
  const source = ctx.jsonSources.get(text);
  if (source !== undefined && toJson(source, ctx.maxChars) === text) return jsonCopy(source, ctx);
  return fromJsonValue(JSON.parse(text));
}

/** A copy of values as a JSON round trip makes it (integers become floats, what JSON cannot hold an empty map), with their origins. */
function jsonCopy(v: Value, ctx: CallContext, depth = 0): Value {
  if (depth > 200) throw new TemplateError('json: value nested too deeply');
  ctx.count(1);
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v instanceof GoInt) return v.n;
  if (isString(v)) return v;
  if (Array.isArray(v)) {
    const copy = v.map((item) => jsonCopy(item, ctx, depth + 1));
    const from = originsOf(v);
    if (from) setOrigins(copy, from);
    return copy;
  }
  const copy: Dict = new Map();
  if (isDict(v)) {
    for (const [k, item] of v) copy.set(k, jsonCopy(item ?? null, ctx, depth + 1));
    const from = originsOf(v);
    if (from) setOrigins(copy, from);
  }
  return copy;
}

/** mergo.Merge as Sprig's merge and mergeOverwrite call it, on maps of values. */
function mergeInto(dst: Dict, src: Dict, overwrite: boolean, ctx: CallContext, depth = 0): void {
  if (depth > 200) throw new TemplateError('merge: value nested too deeply');
  const dstOrigins = originsOf(dst);
  const srcOrigins = originsOf(src);
  for (const [key, value] of src) {
    ctx.count(1);
    const current = dst.get(key) ?? null;
    const has = dst.has(key);
    let set = false;
    if (value === null) set = overwrite;
    else if (isDict(value) && isDict(current)) mergeInto(current, value, overwrite, ctx, depth + 1);
    else if ((isDict(value) || Array.isArray(value)) && has && !empty(current)) set = overwrite && Array.isArray(value);
    else set = overwrite || !has || empty(current);
    if (!set) continue;
    dst.set(key, value);
    // The key now renders what the source map wrote.
    const origin = srcOrigins && 'keys' in srcOrigins ? srcOrigins.keys.get(key) : undefined;
    if (dstOrigins && 'keys' in dstOrigins) {
      if (origin) dstOrigins.keys.set(key, origin);
      else dstOrigins.keys.delete(key);
    } else if (origin) setOrigins(dst, { keys: new Map([[key, origin]]) });
  }
}

/** A map made of some keys of another keeps where those keys are written. */
function withOriginsOf(source: Dict, made: Dict): Dict {
  const from = originsOf(source);
  if (from && 'keys' in from) setOrigins(made, { keys: new Map([...from.keys].filter(([k]) => made.has(k))) });
  return made;
}

function mapOf(pairs: readonly Value[]): Dict {
  const map: Dict = new Map();
  for (let i = 0; i < pairs.length; i += 2) map.set(strval(pairs[i]!), i + 1 < pairs.length ? pairs[i + 1]! : '');
  return map;
}

// ---- Case conversions (xstrings, as Sprig uses it) ------------------------------------

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter(Boolean);
}

const FIXED_RANDOM = 'x';

// ---- Float arithmetic (Sprig's addf, mulf... on shopspring/decimal) ---------------------

/** A float64 as decimal.NewFromFloat reads it: its shortest digits, exactly. */
interface Decimal {
  int: bigint;
  exp: number;
}

function decimalOf(f: number): Decimal {
  if (!Number.isFinite(f)) throw new TemplateError(`decimal: cannot create a Decimal from ${formatFloat(f)}`);
  const [mantissa, e = '0'] = String(f).split('e') as [string, string?];
  const [whole, frac = ''] = mantissa.split('.') as [string, string?];
  return { int: BigInt(whole + frac), exp: Number(e) - frac.length };
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.int * 10n ** BigInt(a.exp - exp), b.int * 10n ** BigInt(b.exp - exp), exp];
}

function decimalNumber(d: Decimal): number {
  return Number(`${d.int}e${d.exp}`);
}

/** decimal's Div: the quotient rounded half away from zero to 16 decimal places. */
function decimalDiv(a: Decimal, b: Decimal): Decimal {
  if (b.int === 0n) throw new TemplateError('decimal division by 0');
  // a / b = (a.int / b.int) * 10^(a.exp - b.exp); scaled so that 17 places are kept, then rounded to 16.
  const shift = 17 + a.exp - b.exp;
  const num = shift >= 0 ? a.int * 10n ** BigInt(shift) : a.int;
  const den = shift >= 0 ? b.int : b.int * 10n ** BigInt(-shift);
  let q = num / den;
  const negative = q < 0n || (q === 0n && (a.int < 0n) !== (b.int < 0n));
  const abs = q < 0n ? -q : q;
  const rounded = (abs + 5n) / 10n;
  q = negative ? -rounded : rounded;
  return { int: q, exp: -16 };
}

const DECIMAL_OPS: Record<'add' | 'sub' | 'mul' | 'div', (a: Decimal, b: Decimal) => Decimal> = {
  add: (a, b) => {
    const [x, y, exp] = aligned(a, b);
    return { int: x + y, exp };
  },
  sub: (a, b) => {
    const [x, y, exp] = aligned(a, b);
    return { int: x - y, exp };
  },
  mul: (a, b) => ({ int: a.int * b.int, exp: a.exp + b.exp }),
  div: decimalDiv,
};

/** Sprig's execDecimalOp: the first value, then each of the others, combined in decimal. */
function decimalOp(op: keyof typeof DECIMAL_OPS, first: Value, rest: readonly Value[], ctx: CallContext): number {
  ctx.count(rest.length);
  let acc = decimalOf(toFloat(first));
  for (const v of rest) acc = rounded(DECIMAL_OPS[op](acc, decimalOf(toFloat(v))));
  return decimalNumber(acc);
}

/** At most 34 significant digits (twice what a float64 holds), rounded half away from zero: long chains stay small. */
function rounded(d: Decimal): Decimal {
  const negative = d.int < 0n;
  const digits = (negative ? -d.int : d.int).toString();
  if (digits.length <= 34) return d;
  const drop = digits.length - 34;
  const kept = (BigInt(digits.slice(0, 34)) * 10n + BigInt(digits[34]!) + 5n) / 10n;
  return { int: negative ? -kept : kept, exp: d.exp + drop };
}

// ---- Paths (Go's path package, which Sprig's base, dir, clean and ext use) -----------

function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out.at(-1) !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dirPath(p: string): string {
  return cleanPath(p.slice(0, p.lastIndexOf('/') + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

// ---- Encodings -------------------------------------------------------------------------

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
  return out + '='.repeat((8 - (out.length % 8)) % 8);
}

/** base32.StdEncoding.DecodeString, or Go's error text (Sprig prints it in place of the value). */
function base32Decode(s: string): string {
  if (s.length % 8 !== 0) return `illegal base32 data at input byte ${s.length - (s.length % 8)}`;
  const body = s.replace(/=+$/, '');
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < body.length; i++) {
    const v = BASE32.indexOf(body[i]!);
    if (v < 0) return `illegal base32 data at input byte ${i}`;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return b * 65536 + a;
}

// ---- Time: `now` is a fixed instant, so that a scan gives the same result every time ---------

/** The instant `now` returns: the Unix epoch, in UTC (the zone of every date here). */
const FIXED_NOW = 0;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Go's layout tokens, longest first where one is a prefix of another. */
const LAYOUT = /January|Jan|Monday|Mon|MST|2006|-07:00:00|-070000|-07:00|-0700|-07|Z07:00:00|Z070000|Z07:00|Z0700|Z07|002|__2|_2|01|02|03|04|05|06|15|PM|pm|[.,](?:0+|9+)(?!\d)|1|2|3|4|5/g;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** time.Time.Format for an instant in UTC. */
function formatTime(ms: number, layout: string): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const nanos = (((ms % 1000) + 1000) % 1000) * 1e6;
  const yday = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  return layout.replace(LAYOUT, (t) => {
    switch (t) {
      case 'January': return MONTHS[month]!;
      case 'Jan': return MONTHS[month]!.slice(0, 3);
      case 'Monday': return DAYS[d.getUTCDay()]!;
      case 'Mon': return DAYS[d.getUTCDay()]!.slice(0, 3);
      case 'MST': return 'UTC';
      case '2006': return String(year).padStart(4, '0');
      case '06': return pad2(year % 100);
      case '01': return pad2(month + 1);
      case '1': return String(month + 1);
      case '02': return pad2(day);
      case '2': return String(day);
      case '_2': return String(day).padStart(2, ' ');
      case '002': return String(yday).padStart(3, '0');
      case '__2': return String(yday).padStart(3, ' ');
      case '15': return pad2(hour);
      case '03': return pad2(hour % 12 || 12);
      case '3': return String(hour % 12 || 12);
      case '04': return pad2(d.getUTCMinutes());
      case '4': return String(d.getUTCMinutes());
      case '05': return pad2(d.getUTCSeconds());
      case '5': return String(d.getUTCSeconds());
      case 'PM': return hour >= 12 ? 'PM' : 'AM';
      case 'pm': return hour >= 12 ? 'pm' : 'am';
      case '-07:00:00': return '+00:00:00';
      case '-070000': return '+000000';
      case '-07:00': return '+00:00';
      case '-0700': return '+0000';
      case '-07': return '+00';
      default:
        if (t.startsWith('Z')) return 'Z';
        // Fractional seconds: .000 keeps every digit asked for, .999 drops trailing zeros.
        {
          const digits = String(nanos).padStart(9, '0').slice(0, t.length - 1);
          if (t[1] === '0') return t[0] + digits;
          const trimmed = digits.replace(/0+$/, '');
          return trimmed ? t[0] + trimmed : '';
        }
    }
  });
}

function timeObject(ms: number): GoObject {
  const methods = new Map<string, (args: Value[]) => Value>([
    ['Unix', () => new GoInt(Math.floor(ms / 1000), 'int64')],
    ['UnixMilli', () => new GoInt(ms, 'int64')],
    ['Format', (a) => formatTime(ms, text(a[0] ?? null))],
    ['UTC', () => timeObject(ms)],
    ['Local', () => timeObject(ms)],
    ['Year', () => new GoInt(new Date(ms).getUTCFullYear())],
    ['String', () => formatTime(ms, '2006-01-02 15:04:05.999999999 -0700 MST')],
  ]);
  return new GoObject('time.Time', new Map(), methods, formatTime(ms, '2006-01-02 15:04:05.999999999 -0700 MST'));
}

/** The instant Sprig's date functions accept: a time, or Unix seconds. */
function instant(v: Value): number {
  if (v instanceof GoObject && v.type === 'time.Time') return num(v.methods.get('UnixMilli')!([]) as GoInt);
  if (v instanceof GoInt) return v.n * 1000;
  return FIXED_NOW;
}

/** A date as charts write one (RFC 3339, `2006-01-02`, `2006-01-02 15:04:05`), read as UTC; undefined when it is not one. */
function parseTime(value: string): number | undefined {
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed.replace(' ', 'T').replace(/(\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/, '$1Z');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (`-1h30m`, `1.5h`, `300ms`), in milliseconds; undefined when it is not one. */
function parseDuration(value: string): number | undefined {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(value.trim());
  if (!m) return value.trim() === '0' ? 0 : undefined;
  let total = 0;
  for (const part of value.trim().matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * DURATION_UNITS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

/** Go's time.Duration String for whole milliseconds: `1h0m0s`, `1m30s`, `0s`, `250ms`. */
function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Number((rest / 1000).toFixed(3));
  return `${sign}${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

/** Sprig's durationRound: the duration (seconds, or a duration text) in its largest unit, `2h`, `3d`, `1y`. */
function roundDuration(v: Value): string {
  const ms = isString(v) ? (parseDuration(str(v)) ?? 0) : toInt64(v) * 1000;
  const seconds = Math.abs(Math.trunc(ms / 1000));
  const units: Array<[string, number]> = [['y', 31_536_000], ['mo', 2_592_000], ['d', 86_400], ['h', 3_600], ['m', 60]];
  for (const [unit, size] of units) if (seconds >= size) return `${Math.floor(seconds / size)}${unit}`;
  return `${seconds}s`;
}

/** Sprig's wrap: words joined into lines of at most `width` characters (a longer word keeps its own line). */
function wrapWords(value: string, width: number, newline: string): string {
  const lines: string[] = [];
  for (const paragraph of value.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > Math.max(1, width)) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines.join(newline);
}

// ---- Generated keys, certificates and hashes: fixed placeholders (they are random at install) ----

const PLACEHOLDER_KEY = 'secloop-placeholder-private-key';
const PLACEHOLDER_CERT = 'secloop-placeholder-certificate';
const PLACEHOLDER_BCRYPT = `$2a$10$${'x'.repeat(53)}`;

function certificate(cert: string, key: string): GoObject {
  return new GoObject('sprig.certificate', new Map<string, Value>([['Cert', cert], ['Key', key]]));
}

// ---- URLs (net/url, as Sprig's urlParse and urlJoin use it) ----------------------------------

const URL_PARTS = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

function unescapeUrl(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseUrl(s: string): Dict {
  const m = URL_PARTS.exec(s)!;
  const [, scheme = '', authority, rest = '', query = '', fragment = ''] = m;
  const at = authority === undefined ? -1 : authority.lastIndexOf('@');
  const userinfo = authority !== undefined && at >= 0 ? authority.slice(0, at) : '';
  const host = authority === undefined ? '' : authority.slice(at + 1);
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']') >= 0 ? host.indexOf(']') : undefined) : host.replace(/:\d*$/, '');
  const opaque = scheme && authority === undefined && rest !== '' && !rest.startsWith('/') ? rest : '';
  return new Map<string, Value>([
    ['scheme', scheme.toLowerCase()],
    ['host', host],
    ['hostname', hostname],
    ['path', opaque ? '' : unescapeUrl(rest)],
    ['query', query],
    ['opaque', opaque],
    ['fragment', unescapeUrl(fragment)],
    ['userinfo', userinfo],
  ]);
}

function joinUrl(parts: Dict): string {
  const part = (k: string) => {
    const v = parts.get(k);
    return v === undefined || v === null ? '' : strval(v);
  };
  let out = part('scheme') ? `${part('scheme')}:` : '';
  if (part('opaque')) out += part('opaque');
  else {
    if (part('scheme') || part('host') || part('userinfo')) {
      out += '//';
      if (part('userinfo')) out += `${part('userinfo')}@`;
      out += part('host');
    }
    const path = part('path');
    if (path && !path.startsWith('/') && part('host')) out += '/';
    out += encodeURI(path).replace(/%25/g, '%');
  }
  if (part('query')) out += `?${part('query')}`;
  if (part('fragment')) out += `#${encodeURI(part('fragment'))}`;
  return out;
}

// ---- reflect.DeepEqual on template values ------------------------------------------------

function deepEqual(a: Value, b: Value, depth = 0): boolean {
  if (depth > 200) throw new TemplateError('deepEqual: value nested too deeply');
  if (typeName(a) !== typeName(b)) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]!, depth + 1));
  if (isDict(a)) return isDict(b) && a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k)!, depth + 1));
  if (a instanceof GoObject) return a === b;
  return a === null || scalarOf(a) === scalarOf(b);
}

/** Sprig's seq, like the shell's: `seq last`, `seq first last`, `seq first step last`. */
function seq(params: number[]): string {
  const until = (start: number, stop: number, step: number): number[] => {
    const out: number[] = [];
    if (step === 0) return out;
    if (stop < start && step < 0) for (let i = start; i > stop; i += step) out.push(i);
    else if (stop > start && step > 0) for (let i = start; i < stop; i += step) out.push(i);
    return out;
  };
  let list: number[];
  if (params.length === 1) {
    const inc = params[0]! < 1 ? -1 : 1;
    list = until(1, params[0]! + inc, inc);
  } else if (params.length === 2) {
    const step = params[1]! < params[0]! ? -1 : 1;
    list = until(params[0]!, params[1]! + step, step);
  } else if (params.length === 3) {
    const [start, step, end] = params as [number, number, number];
    if (end < start && step > 0) return '';
    list = until(start, end + (end < start ? -1 : 1), step);
  } else return '';
  return list.join(' ');
}

/** strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const all = sep === '' ? [...s] : s.split(sep);
  if (n < 0 || all.length <= n) return all;
  return [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

// ---- The table ------------------------------------------------------------------------

const F: Record<string, Func> = {
  // text/template
  not: (a) => (arity('not', a, 1), !truth(a[0]!)),
  len: (a) => {
    arity('len', a, 1);
    const v = a[0]!;
    if (isString(v)) return new GoInt(Buffer.byteLength(str(v)));
    if (Array.isArray(v)) return new GoInt(v.length);
    if (isDict(v)) return new GoInt(v.size);
    const items = sliceItems(v);
    if (items) return new GoInt(items.length);
    throw new TemplateError(v === null ? 'len of nil pointer' : `len of type ${typeName(v)}`);
  },
  index: (a) => {
    if (a.length < 1) throw new TemplateError('wrong number of args for index: want at least 1 got 0');
    let v: Value = a[0]!;
    for (const key of a.slice(1)) {
      if (v === null) throw new TemplateError('index of untyped nil');
      v = sliceItems(v) ?? v;
      if (isDict(v)) {
        if (!isString(key)) throw new TemplateError(`value has type ${typeName(key)}; should be string`);
        v = v.get(str(key)) ?? null;
      } else if (Array.isArray(v) || isString(v)) {
        const i = int(key);
        const length = Array.isArray(v) ? v.length : Buffer.byteLength(str(v));
        if (i < 0 || i >= length) throw new TemplateError(`error calling index: index out of range: ${i}`);
        v = Array.isArray(v) ? v[i]! : new GoInt(Buffer.from(str(v))[i]!);
      } else throw new TemplateError(`can't index item of type ${typeName(v)}`);
    }
    return v;
  },
  slice: (a) => {
    if (a.length < 1 || a.length > 4) throw new TemplateError('wrong number of args for slice');
    const v = a[0]!;
    const idx = a.slice(1).map(int);
    if (isString(v)) return str(v).slice(idx[0] ?? 0, idx[1] ?? undefined);
    if (Array.isArray(v)) return v.slice(idx[0] ?? 0, idx[1] ?? undefined);
    throw new TemplateError(`can't slice item of type ${typeName(v)}`);
  },
  print: (a, ctx) => bounded(sprint(a), ctx),
  println: (a, ctx) => bounded(`${a.map(formatValue).join(' ')}\n`, ctx),
  printf: (a, ctx) => {
    if (a.length < 1) throw new TemplateError('wrong number of args for printf: want at least 1 got 0');
    return sprintf(text(a[0]!), a.slice(1), ctx);
  },
  urlquery: (a) => encodeURIComponent(sprint(a)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+'),
  eq: (a) => eq(a),
  ne: (a) => (arity('ne', a, 2), !eq(a)),
  lt: (a) => (arity('lt', a, 2), less(a[0]!, a[1]!)),
  le: (a) => (arity('le', a, 2), less(a[0]!, a[1]!) || eq(a)),
  gt: (a) => (arity('gt', a, 2), less(a[1]!, a[0]!)),
  ge: (a) => (arity('ge', a, 2), less(a[1]!, a[0]!) || eq(a)),

  // Helm
  include: (a, ctx) => (arity('include', a, 2), ctx.include(text(a[0]!), a[1]!)),
  tpl: (a, ctx) => (arity('tpl', a, 2), ctx.tpl(stringArg(a[0]!), a[1]!)),
  required: (a) => {
    arity('required', a, 2);
    // `helm template` would stop here; the scan renders the rest with the value empty.
    const v = a[1]!;
    return v === null || (isString(v) && str(v) === '') ? '' : v;
  },
  fail: (a) => {
    arity('fail', a, 1);
    throw new TemplateError(`the chart calls fail: ${text(a[0]!)}`);
  },
  lookup: (a) => (arity('lookup', a, 4), new Map()),
  // `helm template` without --enable-dns answers "" and makes no lookup.
  getHostByName: (a) => (arity('getHostByName', a, 1), ''),
  toYaml: (a, ctx) => (arity('toYaml', a, 1), toYaml(a[0]!, ctx.maxChars)),
  fromYaml: (a, ctx) => {
    arity('fromYaml', a, 1);
    const loaded = loadValuesOnce(text(a[0]!), ctx);
    if (loaded.error) return new Map([['Error', `error converting YAML to JSON: yaml: line ${loaded.error.line}: ${loaded.error.message}`]]);
    const v = loaded.value;
    if (v === null || isDict(v)) return v ?? new Map();
    const kind = Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string';
    return new Map([['Error', `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`]]);
  },
  fromYamlArray: (a, ctx) => {
    arity('fromYamlArray', a, 1);
    const loaded = loadValuesOnce(text(a[0]!), ctx);
    if (loaded.error) return [`error converting YAML to JSON: yaml: line ${loaded.error.line}: ${loaded.error.message}`];
    return Array.isArray(loaded.value) ? loaded.value : [];
  },
  toJson: (a, ctx) => {
    arity('toJson', a, 1);
    const text = toJson(a[0]!, ctx.maxChars);
    rememberJson(text, a[0]!, ctx);
    return text;
  },
  toRawJson: (a, ctx) => (arity('toRawJson', a, 1), toJson(a[0]!, ctx.maxChars).replace(/\\u00(3c|3e|26)/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))),
  toPrettyJson: (a, ctx) => (arity('toPrettyJson', a, 1), toJson(a[0]!, ctx.maxChars, '  ')),
  fromJson: (a, ctx) => {
    arity('fromJson', a, 1);
    try {
      const v = parseJson(text(a[0]!), ctx);
      if (v === null || isDict(v)) return v ?? new Map();
      const kind = Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string';
      return new Map([['Error', `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`]]);
    } catch (error) {
      return new Map([['Error', (error as Error).message]]);
    }
  },
  // Helm replaces Sprig's fromJson with one that reads an object; mustFromJson stays Sprig's, which reads any JSON value and fails on bad JSON.
  mustFromJson: (a, ctx) => {
    arity('mustFromJson', a, 1);
    try {
      return parseJson(text(a[0]!), ctx);
    } catch (error) {
      throw new TemplateError((error as Error).message);
    }
  },
  fromJsonArray: (a, ctx) => {
    arity('fromJsonArray', a, 1);
    try {
      const v = parseJson(text(a[0]!), ctx);
      return Array.isArray(v) ? v : [];
    } catch (error) {
      return [(error as Error).message];
    }
  },

  // Sprig: defaults and logic
  // Sprig's default is variadic (d, given...): only the first given value counts, the rest are ignored.
  default: (a) => {
    arity('default', a, 1, Infinity);
    return a.length < 2 || empty(a[1]!) ? a[0]! : a[1]!;
  },
  empty: (a) => (arity('empty', a, 1), empty(a[0]!)),
  coalesce: (a) => a.find((v) => !empty(v)) ?? null,
  ternary: (a) => {
    arity('ternary', a, 3);
    const cond = a[2]!;
    if (typeof cond !== 'boolean') throw wrongType('bool', cond);
    return cond ? a[0]! : a[1]!;
  },

  // Sprig: strings
  quote: (a) => a.filter((v) => v !== null).map((v) => goQuote(strval(v))).join(' '),
  squote: (a) => a.filter((v) => v !== null).map((v) => `'${strval(v)}'`).join(' '),
  cat: (a) => a.filter((v) => v !== null).map(strval).join(' '),
  trim: (a) => (arity('trim', a, 1), trimmed(stringArg(a[0]!), firstNonSpace, lastNonSpace)),
  trimAll: (a) => {
    arity('trimAll', a, 2);
    const cut = new Set(text(a[0]!));
    const v = stringArg(a[1]!);
    const s = str(v);
    let start = 0;
    let end = s.length;
    while (start < end && cut.has(s[start]!)) start++;
    while (end > start && cut.has(s[end - 1]!)) end--;
    return slice(v, start, end);
  },
  trimSuffix: (a) => {
    arity('trimSuffix', a, 2);
    const suffix = text(a[0]!);
    const v = stringArg(a[1]!);
    return suffix && str(v).endsWith(suffix) ? slice(v, 0, str(v).length - suffix.length) : v;
  },
  trimPrefix: (a) => {
    arity('trimPrefix', a, 2);
    const prefix = text(a[0]!);
    const v = stringArg(a[1]!);
    return prefix && str(v).startsWith(prefix) ? slice(v, prefix.length, str(v).length) : v;
  },
  trunc: (a) => {
    arity('trunc', a, 2);
    const c = int(a[0]!);
    const s = text(a[1]!);
    if (c < 0 && s.length + c > 0) return s.slice(s.length + c);
    if (c >= 0 && s.length > c) return s.slice(0, c);
    return s;
  },
  upper: (a) => (arity('upper', a, 1), text(a[0]!).toUpperCase()),
  lower: (a) => (arity('lower', a, 1), text(a[0]!).toLowerCase()),
  title: (a) => (arity('title', a, 1), text(a[0]!).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())),
  untitle: (a) => (arity('untitle', a, 1), text(a[0]!).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toLowerCase())),
  replace: (a, ctx) => {
    arity('replace', a, 3);
    const v = stringArg(a[2]!);
    const out = bounded(str(v).replaceAll(text(a[0]!), text(a[1]!)), ctx);
    return v instanceof Mapped && linesOf(out, out.length) === linesOf(v.s, v.s.length) ? new Mapped(out, v.origins) : out;
  },
  contains: (a) => (arity('contains', a, 2), text(a[1]!).includes(text(a[0]!))),
  hasPrefix: (a) => (arity('hasPrefix', a, 2), text(a[1]!).startsWith(text(a[0]!))),
  hasSuffix: (a) => (arity('hasSuffix', a, 2), text(a[1]!).endsWith(text(a[0]!))),
  repeat: (a, ctx) => {
    arity('repeat', a, 2);
    const n = int(a[0]!);
    const s = text(a[1]!);
    if (n < 0 || n * s.length > ctx.maxChars) throw new TemplateError(`repeat of ${n} is too long`);
    return s.repeat(n);
  },
  substr: (a) => {
    arity('substr', a, 3);
    const start = int(a[0]!);
    const end = int(a[1]!);
    const s = text(a[2]!);
    if (start < 0) return s.slice(0, end);
    if (end < 0 || end > s.length) return s.slice(start);
    return s.slice(start, end);
  },
  nospace: (a) => (arity('nospace', a, 1), text(a[0]!).replace(/\s+/g, '')),
  abbrev: (a) => {
    arity('abbrev', a, 2);
    const width = int(a[0]!);
    const s = text(a[1]!);
    return width < 4 || s.length <= width ? s : `${s.slice(0, width - 3)}...`;
  },
  kebabcase: (a) => (arity('kebabcase', a, 1), words(text(a[0]!)).map((w) => w.toLowerCase()).join('-')),
  snakecase: (a) => (arity('snakecase', a, 1), words(text(a[0]!)).map((w) => w.toLowerCase()).join('_')),
  camelcase: (a) => (arity('camelcase', a, 1), text(a[0]!).split(/_+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')),
  indent: (a, ctx) => (arity('indent', a, 2), indent(int(a[0]!), stringArg(a[1]!), ctx)),
  nindent: (a, ctx) => (arity('nindent', a, 2), nindent(int(a[0]!), stringArg(a[1]!), ctx)),
  splitList: (a, ctx) => {
    arity('splitList', a, 2);
    const parts = text(a[1]!).split(text(a[0]!));
    ctx.count(parts.length);
    return parts;
  },
  split: (a, ctx) => {
    arity('split', a, 2);
    const parts = text(a[1]!).split(text(a[0]!));
    ctx.count(parts.length);
    return new Map(parts.map((p, i) => [`_${i}`, p]));
  },
  join: (a, ctx) => {
    arity('join', a, 2);
    const v = a[1]!;
    const items = Array.isArray(v) ? v.filter((x) => x !== null).map(strval) : v === null ? [] : [strval(v)];
    return bounded(items.join(text(a[0]!)), ctx);
  },
  toString: (a: Value[]): Value => (arity('toString', a, 1), isString(a[0]!) ? a[0]! : strval(a[0]!)),
  toStrings: (a) => (arity('toStrings', a, 1), list(a[0]!, 'toStrings').filter((x) => x !== null).map(strval)),
  b64enc: (a) => (arity('b64enc', a, 1), Buffer.from(text(a[0]!)).toString('base64')),
  b64dec: (a) => {
    arity('b64dec', a, 1);
    const s = text(a[0]!);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return 'illegal base64 data at input byte 0';
    return Buffer.from(s, 'base64').toString('utf8');
  },
  sha256sum: (a) => (arity('sha256sum', a, 1), createHash('sha256').update(text(a[0]!)).digest('hex')),
  sha1sum: (a) => (arity('sha1sum', a, 1), createHash('sha1').update(text(a[0]!)).digest('hex')),
  regexMatch: (a, ctx) => {
    arity('regexMatch', a, 2);
    const pattern = text(a[0]!);
    // Sprig ignores the error of a pattern that does not compile: no match.
    try {
      compiled(pattern, ctx);
    } catch (error) {
      if (error instanceof TemplateError) return false;
      throw error;
    }
    return matching(pattern, a[1]!, ctx, (m) => m.test());
  },
  mustRegexMatch: (a, ctx) => (arity('mustRegexMatch', a, 2), matching(a[0]!, a[1]!, ctx, (m) => m.test())),
  regexFind: (a, ctx) => (arity('regexFind', a, 2), matching(a[0]!, a[1]!, ctx, (m) => m.find())),
  regexFindAll: (a, ctx) => {
    arity('regexFindAll', a, 3);
    const found = matching(a[0]!, a[1]!, ctx, (m) => m.findAll(int(a[2]!)));
    ctx.count(found.length);
    return found;
  },
  regexReplaceAll: (a, ctx) => (arity('regexReplaceAll', a, 3), matching(a[0]!, a[1]!, ctx, (m) => m.replaceAll(text(a[2]!), false, ctx.maxChars))),
  regexReplaceAllLiteral: (a, ctx) => (arity('regexReplaceAllLiteral', a, 3), matching(a[0]!, a[1]!, ctx, (m) => m.replaceAll(text(a[2]!), true, ctx.maxChars))),
  regexSplit: (a, ctx) => {
    arity('regexSplit', a, 3);
    const parts = matching(a[0]!, a[1]!, ctx, (m) => m.split(int(a[2]!)));
    ctx.count(parts.length);
    return parts;
  },
  regexQuoteMeta: (a) => (arity('regexQuoteMeta', a, 1), quoteMeta(text(a[0]!))),
  // Random values are fixed: a scan must give the same result every time.
  randAlphaNum: (a, ctx) => (arity('randAlphaNum', a, 1), FIXED_RANDOM.repeat(Math.max(0, Math.min(int(a[0]!), ctx.maxChars)))),
  randAlpha: (a, ctx) => (arity('randAlpha', a, 1), FIXED_RANDOM.repeat(Math.max(0, Math.min(int(a[0]!), ctx.maxChars)))),
  randNumeric: (a, ctx) => (arity('randNumeric', a, 1), '0'.repeat(Math.max(0, Math.min(int(a[0]!), ctx.maxChars)))),
  randAscii: (a, ctx) => (arity('randAscii', a, 1), FIXED_RANDOM.repeat(Math.max(0, Math.min(int(a[0]!), ctx.maxChars)))),
  semverCompare: (a) => (arity('semverCompare', a, 2), semverCompare(text(a[0]!), text(a[1]!))),
  semver: (a) => (arity('semver', a, 1), semverObject(text(a[0]!))),

  // Sprig: lists
  list: (a) => [...a],
  first: (a) => (arity('first', a, 1), list(a[0]!, 'find first')[0] ?? null),
  last: (a) => (arity('last', a, 1), list(a[0]!, 'find last').at(-1) ?? null),
  rest: (a) => (arity('rest', a, 1), list(a[0]!, 'find rest').slice(1)),
  initial: (a) => (arity('initial', a, 1), list(a[0]!, 'find initial').slice(0, -1)),
  append: (a, ctx) => (arity('append', a, 2), ctx.count(list(a[0]!, 'push').length), [...list(a[0]!, 'push'), a[1]!]),
  prepend: (a, ctx) => (arity('prepend', a, 2), ctx.count(list(a[0]!, 'prepend').length), [a[1]!, ...list(a[0]!, 'prepend')]),
  concat: (a, ctx) => {
    const out = a.flatMap((v) => list(v, 'concat'));
    ctx.count(out.length);
    return out;
  },
  // Sprig compares with reflect.DeepEqual: a map or list is found, or dropped, when an equal one is there (opentelemetry-demo's envOverrides).
  has: (a) => (arity('has', a, 2), a[1] === null ? false : list(a[1]!, 'has').some((v) => deepEqual(v, a[0]!))),
  uniq: (a, ctx) => {
    arity('uniq', a, 1);
    const items = list(a[0]!, 'uniq');
    ctx.count(items.length);
    const seen = new Set<string>();
    return items.filter((v) => {
      const key = `${typeName(v)}\0${formatValue(v)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  compact: (a) => (arity('compact', a, 1), list(a[0]!, 'compact').filter((v) => !empty(v))),
  without: (a) => {
    if (a.length < 1) throw new TemplateError('wrong number of args for without');
    const drop = a.slice(1);
    return list(a[0]!, 'without').filter((v) => !drop.some((d) => deepEqual(v, d)));
  },
  reverse: (a) => (arity('reverse', a, 1), [...list(a[0]!, 'reverse')].reverse()),
  sortAlpha: (a, ctx) => {
    arity('sortAlpha', a, 1);
    const items = list(a[0]!, 'sortAlpha').map(strval);
    ctx.count(items.length);
    return items.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  },
  until: (a, ctx) => {
    arity('until', a, 1);
    const n = int(a[0]!);
    ctx.count(Math.abs(n));
    return Array.from({ length: Math.abs(n) }, (_v, i) => new GoInt(n < 0 ? -i : i));
  },
  untilStep: (a, ctx) => {
    arity('untilStep', a, 3);
    const [start, stop, step] = [int(a[0]!), int(a[1]!), int(a[2]!)];
    const out: Value[] = [];
    if (step === 0) return out;
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
      ctx.count(1);
      out.push(new GoInt(i));
    }
    return out;
  },

  // Sprig: dictionaries
  dict: (a) => mapOf(a),
  get: (a) => (arity('get', a, 2), readDict(a[0]!, 'get').get(text(a[1]!)) ?? ''),
  set: (a) => {
    arity('set', a, 3);
    const d = dict(a[0]!, 'set');
    d.set(text(a[1]!), a[2]!);
    const origins = originsOf(d);
    if (origins && 'keys' in origins) origins.keys.delete(text(a[1]!));
    return d;
  },
  unset: (a) => {
    arity('unset', a, 2);
    const d = dict(a[0]!, 'unset');
    d.delete(text(a[1]!));
    return d;
  },
  hasKey: (a) => (arity('hasKey', a, 2), readDict(a[0]!, 'hasKey').has(text(a[1]!))),
  keys: (a) => a.flatMap((d) => sortedKeys(readDict(d, 'keys'))),
  values: (a) => {
    arity('values', a, 1);
    const d = readDict(a[0]!, 'values');
    return sortedKeys(d).map((k) => d.get(k)!);
  },
  pick: (a) => {
    const d = readDict(a[0] ?? null, 'pick');
    const keep = new Set(a.slice(1).map(text));
    return withOriginsOf(d, new Map([...d].filter(([k]) => keep.has(k))));
  },
  omit: (a) => {
    const d = readDict(a[0] ?? null, 'omit');
    const drop = new Set(a.slice(1).map(text));
    return withOriginsOf(d, new Map([...d].filter(([k]) => !drop.has(k))));
  },
  pluck: (a) => {
    const key = text(a[0] ?? null);
    return a.slice(1).flatMap((d) => {
      const m = readDict(d, 'pluck');
      return m.has(key) ? [m.get(key)!] : [];
    });
  },
  dig: (a) => {
    if (a.length < 3) throw new TemplateError('dig needs at least three arguments');
    let v: Value = dict(a.at(-1)!, 'dig');
    for (const key of a.slice(0, -2)) {
      if (!isDict(v) || !v.has(text(key))) return a.at(-2)!;
      v = v.get(text(key))!;
    }
    return v;
  },
  merge: (a, ctx) => {
    const dst = dict(a[0] ?? null, 'merge');
    // Go passes an untyped nil (a missing key) to a map parameter as a nil map: nothing to merge.
    for (const src of a.slice(1)) if (src !== null) mergeInto(dst, dict(src, 'merge'), false, ctx);
    return dst;
  },
  mergeOverwrite: (a, ctx) => {
    const dst = dict(a[0] ?? null, 'mergeOverwrite');
    for (const src of a.slice(1)) if (src !== null) mergeInto(dst, dict(src, 'mergeOverwrite'), true, ctx);
    return dst;
  },
  deepCopy: (a, ctx) => (arity('deepCopy', a, 1), deepCopy(a[0]!, ctx)),

  // Sprig: types and numbers
  int: (a) => (arity('int', a, 1), new GoInt(toInt64(a[0]!))),
  int64: (a) => (arity('int64', a, 1), new GoInt(toInt64(a[0]!), 'int64')),
  atoi: (a) => (arity('atoi', a, 1), new GoInt(/^[+-]?\d+$/.test(text(a[0]!).trim()) ? Number(text(a[0]!).trim()) : 0)),
  float64: (a) => (arity('float64', a, 1), toFloat(a[0]!)),
  typeOf: (a) => (arity('typeOf', a, 1), typeName(a[0]!)),
  typeIs: (a) => (arity('typeIs', a, 2), text(a[0]!) === typeName(a[1]!)),
  kindOf: (a) => (arity('kindOf', a, 1), kindName(a[0]!)),
  kindIs: (a) => (arity('kindIs', a, 2), text(a[0]!) === kindName(a[1]!)),
  add: (a) => new GoInt(a.reduce<number>((sum, v) => sum + toInt64(v), 0), 'int64'),
  add1: (a) => (arity('add1', a, 1), new GoInt(toInt64(a[0]!) + 1, 'int64')),
  sub: (a) => (arity('sub', a, 2), new GoInt(toInt64(a[0]!) - toInt64(a[1]!), 'int64')),
  mul: (a) => new GoInt(a.reduce<number>((p, v) => p * toInt64(v), 1), 'int64'),
  div: (a) => {
    arity('div', a, 2);
    const d = toInt64(a[1]!);
    if (d === 0) throw new TemplateError('runtime error: integer divide by zero');
    return new GoInt(Math.trunc(toInt64(a[0]!) / d), 'int64');
  },
  mod: (a) => {
    arity('mod', a, 2);
    const d = toInt64(a[1]!);
    if (d === 0) throw new TemplateError('runtime error: integer divide by zero');
    return new GoInt(toInt64(a[0]!) % d, 'int64');
  },
  max: (a) => new GoInt(Math.max(...a.map(toInt64)), 'int64'),
  min: (a) => new GoInt(Math.min(...a.map(toInt64)), 'int64'),

  // Sprig: functions added for charts seen in the wild (tuple, float arithmetic, paths, encodings...)
  tuple: (a) => [...a],
  hello: (a) => (arity('hello', a, 0), 'Hello!'),
  all: (a) => a.every((v) => !empty(v)),
  any: (a) => a.some((v) => !empty(v)),
  deepEqual: (a) => (arity('deepEqual', a, 2), deepEqual(a[0]!, a[1]!)),
  typeIsLike: (a) => (arity('typeIsLike', a, 2), text(a[0]!) === typeName(a[1]!) || `*${text(a[0]!)}` === typeName(a[1]!)),
  splitn: (a, ctx) => {
    arity('splitn', a, 3);
    const parts = splitN(text(a[2]!), text(a[0]!), int(a[1]!));
    ctx.count(parts.length);
    return new Map(parts.map((p, i) => [`_${i}`, p]));
  },
  chunk: (a, ctx) => {
    arity('chunk', a, 2);
    const size = int(a[0]!);
    const items = list(a[1]!, 'chunk');
    ctx.count(items.length);
    if (size < 1) throw new TemplateError('chunk size must be at least 1');
    const out: Value[] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  },
  seq: (a, ctx) => {
    const params = a.map(int);
    const span = params.length === 0 ? 0 : Math.abs((params.at(-1) ?? 0) - (params.length > 1 ? params[0]! : 1)) + 1;
    ctx.count(span);
    return bounded(seq(params), ctx);
  },
  plural: (a) => (arity('plural', a, 3), int(a[2]!) === 1 ? text(a[0]!) : text(a[1]!)),
  initials: (a) => (arity('initials', a, 1), text(a[0]!).split(/\s+/).filter(Boolean).map((w) => [...w][0]!).join('')),
  swapcase: (a) => (arity('swapcase', a, 1), [...text(a[0]!)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  // Random values are fixed (see randAlphaNum).
  shuffle: (a) => (arity('shuffle', a, 1), text(a[0]!)),
  randInt: (a) => (arity('randInt', a, 2), new GoInt(int(a[0]!))),
  randBytes: (a, ctx) => (arity('randBytes', a, 1), Buffer.alloc(Math.max(0, Math.min(int(a[0]!), ctx.maxChars))).toString('base64')),
  uuidv4: (a) => (arity('uuidv4', a, 0), '00000000-0000-4000-8000-000000000000'),
  toDecimal: (a) => {
    arity('toDecimal', a, 1);
    const s = strval(a[0]!);
    return new GoInt(/^[+-]?[0-7]+$/.test(s) ? parseInt(s, 8) : 0, 'int64');
  },
  floor: (a) => (arity('floor', a, 1), Math.floor(toFloat(a[0]!))),
  ceil: (a) => (arity('ceil', a, 1), Math.ceil(toFloat(a[0]!))),
  round: (a) => {
    arity('round', a, 2, 3);
    const roundOn = a.length > 2 ? toFloat(a[2]!) : 0.5;
    const pow = 10 ** int(a[1]!);
    const digit = pow * toFloat(a[0]!);
    const fraction = digit - Math.trunc(digit);
    return (fraction >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
  },
  addf: (a, ctx) => decimalOp('add', 0, a, ctx),
  add1f: (a, ctx) => (arity('add1f', a, 1), decimalOp('add', a[0]!, [1], ctx)),
  subf: (a, ctx) => (arity('subf', a, 1, Infinity), decimalOp('sub', a[0]!, a.slice(1), ctx)),
  mulf: (a, ctx) => (arity('mulf', a, 1, Infinity), decimalOp('mul', a[0]!, a.slice(1), ctx)),
  divf: (a, ctx) => (arity('divf', a, 1, Infinity), decimalOp('div', a[0]!, a.slice(1), ctx)),
  maxf: (a) => (arity('maxf', a, 1, Infinity), Math.max(...a.map(toFloat))),
  minf: (a) => (arity('minf', a, 1, Infinity), Math.min(...a.map(toFloat))),
  base: (a) => (arity('base', a, 1), basePath(text(a[0]!))),
  dir: (a) => (arity('dir', a, 1), dirPath(text(a[0]!))),
  clean: (a) => (arity('clean', a, 1), cleanPath(text(a[0]!))),
  ext: (a) => (arity('ext', a, 1), extPath(text(a[0]!))),
  isAbs: (a) => (arity('isAbs', a, 1), text(a[0]!).startsWith('/')),
  b32enc: (a) => (arity('b32enc', a, 1), base32Encode(Buffer.from(text(a[0]!)))),
  b32dec: (a) => (arity('b32dec', a, 1), base32Decode(text(a[0]!))),
  sha512sum: (a) => (arity('sha512sum', a, 1), createHash('sha512').update(text(a[0]!)).digest('hex')),
  adler32sum: (a) => (arity('adler32sum', a, 1), String(adler32(Buffer.from(text(a[0]!))))),
  urlParse: (a) => (arity('urlParse', a, 1), parseUrl(text(a[0]!))),
  urlJoin: (a) => (arity('urlJoin', a, 1), joinUrl(readDict(a[0]!, 'urlJoin'))),
  // A fixed `now` (the Unix epoch, UTC): dates in annotations must not change from one scan to the next.
  now: (a) => (arity('now', a, 0), timeObject(FIXED_NOW)),
  date: (a) => (arity('date', a, 2), formatTime(instant(a[1]!), text(a[0]!))),
  dateInZone: (a) => (arity('dateInZone', a, 3), formatTime(instant(a[1]!), text(a[0]!))),
  htmlDate: (a) => (arity('htmlDate', a, 1), formatTime(instant(a[0]!), '2006-01-02')),
  htmlDateInZone: (a) => (arity('htmlDateInZone', a, 2), formatTime(instant(a[0]!), '2006-01-02')),
  unixEpoch: (a) => (arity('unixEpoch', a, 1), String(Math.floor(instant(a[0]!) / 1000))),
  // Keys, certificates and bcrypt hashes are generated at install: fixed placeholders stand for them.
  genPrivateKey: (a) => (arity('genPrivateKey', a, 1), PLACEHOLDER_KEY),
  genCA: (a) => (arity('genCA', a, 2), certificate(PLACEHOLDER_CERT, PLACEHOLDER_KEY)),
  genCAWithKey: (a) => (arity('genCAWithKey', a, 3), certificate(PLACEHOLDER_CERT, text(a[2]!))),
  genSelfSignedCert: (a) => (arity('genSelfSignedCert', a, 4), certificate(PLACEHOLDER_CERT, PLACEHOLDER_KEY)),
  genSelfSignedCertWithKey: (a) => (arity('genSelfSignedCertWithKey', a, 5), certificate(PLACEHOLDER_CERT, text(a[4]!))),
  genSignedCert: (a) => (arity('genSignedCert', a, 5), certificate(PLACEHOLDER_CERT, PLACEHOLDER_KEY)),
  genSignedCertWithKey: (a) => (arity('genSignedCertWithKey', a, 6), certificate(PLACEHOLDER_CERT, text(a[5]!))),
  buildCustomCert: (a) => {
    arity('buildCustomCert', a, 2);
    const decode = (v: Value, what: string) => {
      const s = text(v);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new TemplateError(`unable to decode base64 ${what}`);
      return Buffer.from(s, 'base64').toString('utf8');
    };
    return certificate(decode(a[0]!, 'certificate'), decode(a[1]!, 'private key'));
  },
  bcrypt: (a) => (arity('bcrypt', a, 1), PLACEHOLDER_BCRYPT),
  // Values encrypted or derived with secrets given at install: fixed placeholders.
  encryptAES: (a) => (arity('encryptAES', a, 2), Buffer.from('secloop-placeholder-ciphertext').toString('base64')),
  decryptAES: (a) => (arity('decryptAES', a, 2), 'secloop-placeholder-plaintext'),
  derivePassword: (a) => (arity('derivePassword', a, 5), 'secloop-placeholder-password'),
  toDate: (a) => (arity('toDate', a, 2), timeObject(parseTime(text(a[1]!)) ?? 0)),
  mustToDate: (a) => {
    arity('mustToDate', a, 2);
    const ms = parseTime(text(a[1]!));
    if (ms === undefined) throw new TemplateError(`cannot parse ${JSON.stringify(text(a[1]!).slice(0, 40))} as a date`);
    return timeObject(ms);
  },
  dateModify: (a) => (arity('dateModify', a, 2), timeObject(instant(a[1]!) + (parseDuration(text(a[0]!)) ?? 0))),
  mustDateModify: (a) => {
    arity('mustDateModify', a, 2);
    const change = parseDuration(text(a[0]!));
    if (change === undefined) throw new TemplateError(`time: invalid duration ${JSON.stringify(text(a[0]!).slice(0, 40))}`);
    return timeObject(instant(a[1]!) + change);
  },
  duration: (a) => (arity('duration', a, 1), formatDuration(toInt64(a[0]!) * 1000)),
  durationRound: (a) => (arity('durationRound', a, 1), roundDuration(a[0]!)),
  // Time runs from the fixed `now`: nothing is ago.
  ago: (a) => (arity('ago', a, 1), roundDuration(new GoInt(Math.round((FIXED_NOW - instant(a[0]!)) / 1000)))),
  wrap: (a) => (arity('wrap', a, 2), wrapWords(text(a[1]!), int(a[0]!), '\n')),
  wrapWith: (a) => (arity('wrapWith', a, 3), wrapWords(text(a[2]!), int(a[0]!), text(a[1]!))),
  htpasswd: (a) => {
    arity('htpasswd', a, 2);
    const user = text(a[0]!);
    return user.includes(':') ? `invalid username: ${user}` : `${user}:${PLACEHOLDER_BCRYPT}`;
  },
};

// Sprig's must* variants differ only in returning errors instead of panicking.
for (const name of ['merge', 'mergeOverwrite', 'deepCopy', 'toJson', 'toRawJson', 'toPrettyJson', 'first', 'last', 'rest', 'initial', 'append', 'prepend', 'has', 'uniq', 'compact', 'without', 'reverse', 'regexFind', 'regexFindAll', 'regexReplaceAll', 'regexReplaceAllLiteral', 'regexSplit', 'toYaml'])
  F[`must${name[0]!.toUpperCase()}${name.slice(1)}`] = F[name]!;
F.push = F.append!;
F.biggest = F.max!;
F.trimall = F.trimAll!;
F.mustChunk = F.chunk!;
F.mustSlice = F.slice!;
for (const name of ['base', 'dir', 'clean', 'ext', 'isAbs']) F[`os${name[0]!.toUpperCase()}${name.slice(1)}`] = F[name]!;
F.mustPush = F.append!;
F.date_in_zone = F.dateInZone!;
F.date_modify = F.dateModify!;

export const FUNCTIONS: ReadonlyMap<string, Func> = new Map(Object.entries(F));

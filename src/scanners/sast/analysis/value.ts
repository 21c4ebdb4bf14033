import type { AstNode } from '../source/parse.js';
import { effects } from './effects.js';

/**
 * Abstract values of the taint analysis. A value is a set of possibilities: the taints
 * it may carry (each with its own trace), the heap objects and functions it may be, the
 * library APIs it may be ("child_process.exec"), and a few facts about strings that
 * sinks and guards need. Values are immutable; `join` is the only way to combine them.
 */

/** Vulnerability classes a sink belongs to; a taint is cleaned per class (path.basename cleans paths only). */
export const SINK_CLASSES = [
  'command', 'code', 'path', 'sql', 'nosql', 'xss', 'redirect', 'ssrf', 'deserialization', 'prototype', 'regex', 'xxe', 'header', 'log', 'xpath',
  // An argument of a program run without a shell that may begin with '-' and become an option (CWE-88, see models/arguments.ts).
  'argument',
] as const;
export type SinkClass = (typeof SINK_CLASSES)[number];

export const CLASS_BIT: Readonly<Record<SinkClass, number>> = Object.fromEntries(SINK_CLASSES.map((c, i) => [c, 1 << i])) as Record<SinkClass, number>;
export const ALL_CLASSES = (1 << SINK_CLASSES.length) - 1;

export function classMask(...classes: SinkClass[]): number {
  return classes.reduce((mask, c) => mask | CLASS_BIT[c], 0);
}

export interface Loc {
  file: string;
  start: number;
  end: number;
}

/** One step of a trace, linked back to the source. */
export interface Step {
  loc: Loc;
  message: string;
  prev: Step | null;
  length: number;
}

export type SourceKind = 'web' | 'library';

export interface Label {
  /** Unique per source site (and per parameter for library inputs). */
  id: string;
  /** A short unique number for the same label (memo keys and comparisons). */
  num: number;
  kind: SourceKind;
  /** What the attacker controls, for messages: "req.query.cmd". */
  what: string;
  /** Request input read back from a database it was written to (second-order). */
  stored?: boolean;
  /** A stand-in for an argument while a function's guard summary is computed: never reported. */
  probe?: boolean;
}

export interface Taint {
  label: Label;
  step: Step;
  /** Classes for which this taint has been sanitised (bit mask over SINK_CLASSES). */
  clean: number;
  /** May be a non-string object straight from a parser (JSON bodies, qs): NoSQL operators. */
  raw: boolean;
  /**
   * The input is the leading part of a string or path built from it (`path.join(dir, name)`,
   * `dir + '/x'`): for a library's caller that is the directory it chose, not a traversal.
   */
  base?: boolean;
  /**
   * An own key of the object with this identity (see `identityOf`): it came from enumerating
   * that object (for-in, Object.keys) or passed its hasOwnProperty check.
   */
  own?: string;
}

export interface Value {
  readonly taint: readonly Taint[];
  readonly objs: readonly Obj[];
  readonly fns: readonly Callable[];
  readonly apis: readonly string[];
  /** Exactly this constant string. */
  readonly str?: string;
  /**
   * Some constant strings the value may be when it may also be something else (`opts.bin || 'git'`):
   * an incomplete list, at most MAX_ALTS, kept where `str` is lost by a join.
   */
  readonly alts?: readonly string[];
  /** A regular expression literal. */
  readonly regex?: { pattern: string; flags: string };
  /** Looked up with an attacker-controlled key: may be Object.prototype. */
  readonly proto?: boolean;
  /** A string assembled from constant and non-constant parts. */
  readonly built?: boolean;
  /** The constant start of a built string. */
  readonly prefix?: string;
  /** Constant parts look like HTML markup. */
  readonly html?: boolean;
  /** Output of path.resolve/normalize/join: a prefix check on it is meaningful. */
  readonly norm?: boolean;
  /** A promise-like result whose settled value is this value itself (await/then unwrap it). */
  readonly numeric?: boolean;
  /** A response object whose Content-Type was set to a type browsers do not render as HTML (models/content-type.ts). */
  readonly plain?: boolean;
  /** A response whose Content-Type was set to HTML: whatever is written to it is rendered as markup. */
  readonly markup?: boolean;
}

export const EMPTY: Value = Object.freeze({ taint: [], objs: [], fns: [], apis: [] });
export const NUMERIC: Value = Object.freeze({ taint: [], objs: [], fns: [], apis: [], numeric: true });

const MAX_TAINTS = 6;
const MAX_OBJS = 12;
const MAX_FNS = 12;
const MAX_APIS = 8;
const MAX_ALTS = 4;
const MAX_ALT_LENGTH = 100;

let nextObjId = 1;
let nextLabel = 1;

export function newLabel(id: string, kind: SourceKind, what: string): Label {
  effects.count++;
  return { id, num: nextLabel++, kind, what };
}

/** A heap object, one per allocation site and analysis context; properties only grow (weak updates). Changes count as effects. */
export class Obj {
  readonly id = nextObjId++;
  readonly props = new Map<string, Value>();
  /** Values stored under keys not known statically (array elements, obj[k] = v). */
  dyn: Value = EMPTY;
  /** Those keys, when they carry taint (attacker-chosen property names: query operators). */
  dynKeys: Value = EMPTY;
  private protoObj: Obj | null = null;
  /** The function whose property bag this is. */
  fn?: Callable;
  private settledValue?: Value;

  constructor(
    readonly site: string,
    readonly isArray = false,
  ) {
    effects.count++;
  }

  get proto(): Obj | null {
    return this.protoObj;
  }

  set proto(p: Obj | null) {
    if (p !== this.protoObj) effects.count++;
    this.protoObj = p;
  }

  /** Settled value when this object is a promise created by `new Promise`. */
  get settled(): Value | undefined {
    return this.settledValue;
  }

  set settled(v: Value | undefined) {
    if (v !== this.settledValue) effects.count++;
    this.settledValue = v;
  }

  /** Bumped on every change, so derived values (all()) can be cached. */
  version = 0;
  private allCache: { key: string; value: Value } | null = null;

  get(key: string): Value | undefined {
    for (let o: Obj | null = this, depth = 0; o && depth < 8; o = o.proto, depth++) {
      const own = o.props.get(key);
      if (own) return own;
    }
    return undefined;
  }

  set(key: string, value: Value): boolean {
    const old = this.props.get(key);
    if (!old) {
      this.props.set(key, value);
      this.changed();
      return true;
    }
    const merged = join(old, value);
    if (merged === old) return false;
    this.props.set(key, merged);
    this.changed();
    return true;
  }

  /** Records an attacker-chosen key (only its taint is kept). */
  setDynKey(key: Value): void {
    if (key.taint.length === 0) return;
    const merged = join(this.dynKeys, make({ taint: key.taint }));
    if (merged !== this.dynKeys) effects.count++;
    this.dynKeys = merged;
  }

  setDyn(value: Value): boolean {
    const merged = join(this.dyn, value);
    if (merged === this.dyn) return false;
    this.dyn = merged;
    this.changed();
    return true;
  }

  private changed(): void {
    this.version++;
    effects.count++;
  }

  /** Every value stored in the object and its prototypes (reading with an unknown key); cached per version. */
  all(): Value {
    let key = '';
    for (let o: Obj | null = this, depth = 0; o && depth < 8; o = o.proto, depth++) key += `${o.id}:${o.version},`;
    if (this.allCache?.key === key) return this.allCache.value;
    let result = this.dyn;
    for (let o: Obj | null = this, depth = 0; o && depth < 8; o = o.proto, depth++) {
      for (const value of o.props.values()) result = join(result, value);
    }
    this.allCache = { key, value: result };
    return result;
  }
}

let nextFnId = 1;
export function newFnId(): number {
  effects.count++;
  return nextFnId++;
}

/** Something that can be called: a function of the project, a class, a modelled builtin, or a bound function. */
export type Callable = Closure | ClassFn | Builtin | Bound;

export interface Closure {
  kind: 'closure';
  id: number;
  node: AstNode;
  /** Captured scope (opaque to this module). */
  scope: unknown;
  moduleId: string;
  name: string;
  /** Arrow functions capture `this`. */
  thisValue?: Value;
  /** The class whose method this is (for `super`). */
  homeClass?: ClassFn;
  obj: Obj;
}

export interface ClassFn {
  kind: 'class';
  id: number;
  node: AstNode;
  scope: unknown;
  moduleId: string;
  name: string;
  superValue: Value;
  protoObj: Obj;
  obj: Obj;
}

export interface Builtin {
  kind: 'builtin';
  id: number;
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  impl: (call: any) => Value;
}

export interface Bound {
  kind: 'bound';
  id: number;
  target: Callable;
  thisValue: Value;
  args: Value[];
}

/** `a` with the items of `b` whose key it lacks, up to `max` (`a` itself when none is added; no closures: this is the hottest loop). */
function unionById<T extends { id: number }>(a: readonly T[], b: readonly T[], max: number): readonly T[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  let out: T[] | null = null;
  for (const item of b) {
    const list = out ?? a;
    const id = item.id;
    let found = false;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.id === id) {
        found = true;
        break;
      }
    }
    if (found) continue;
    if (list.length >= max) break;
    out ??= [...a];
    out.push(item);
  }
  return out ?? a;
}

function unionStrings(a: readonly string[], b: readonly string[], max: number): readonly string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  let out: string[] | null = null;
  for (const item of b) {
    const list = out ?? a;
    if (list.includes(item)) continue;
    if (list.length >= max) break;
    out ??= [...a];
    out.push(item);
  }
  return out ?? a;
}

function joinTaint(a: readonly Taint[], b: readonly Taint[]): readonly Taint[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  let out: Taint[] | null = null;
  for (const t of b) {
    const list = out ?? a;
    let i = -1;
    for (let j = 0; j < list.length; j++) {
      if (list[j]!.label === t.label) {
        i = j;
        break;
      }
    }
    if (i < 0) {
      if (list.length >= MAX_TAINTS) continue;
      out ??= [...a];
      out.push(t);
      continue;
    }
    const old = list[i]!;
    const clean = old.clean & t.clean;
    const raw = old.raw || t.raw;
    const own = old.own === t.own ? old.own : undefined;
    const base = !!old.base && !!t.base;
    if (clean === old.clean && raw === old.raw && own === old.own && base === !!old.base) continue;
    out ??= [...a];
    out[i] = { label: old.label, step: old.step.length <= t.step.length ? old.step : t.step, clean, raw, ...(own !== undefined ? { own } : {}), ...(base ? { base } : {}) };
  }
  return out ?? a;
}

/** Least upper bound; returns `a` itself when `b` adds nothing (callers test identity to detect change). */
export function join(a: Value, b: Value): Value {
  if (a === b || isEmptyValue(b)) return a;
  if (isEmptyValue(a)) return b;
  const taint = joinTaint(a.taint, b.taint);
  const objs = unionById(a.objs, b.objs, MAX_OBJS);
  const fns = unionById(a.fns, b.fns, MAX_FNS);
  const apis = unionStrings(a.apis, b.apis, MAX_APIS);
  const str = a.str !== undefined && a.str === b.str ? a.str : undefined;
  const alts = str === undefined ? joinAlts(a, b) : undefined;
  const regex = a.regex && b.regex && a.regex.pattern === b.regex.pattern ? a.regex : a.regex ?? b.regex;
  const proto = a.proto || b.proto;
  const built = a.built || b.built;
  const prefix = a.prefix !== undefined && b.prefix !== undefined ? commonPrefix(a.prefix, b.prefix) : undefined;
  const html = a.html || b.html;
  const norm = a.norm && b.norm;
  const numeric = a.numeric && b.numeric;
  const plain = a.plain && b.plain;
  const markup = a.markup && b.markup;
  if (
    taint === a.taint && objs === a.objs && fns === a.fns && apis === a.apis && str === a.str && regex === a.regex &&
    !!proto === !!a.proto && !!built === !!a.built && prefix === a.prefix && !!html === !!a.html && !!norm === !!a.norm && !!numeric === !!a.numeric &&
    !!plain === !!a.plain && !!markup === !!a.markup && alts === a.alts
  ) {
    return a;
  }
  return make({ taint, objs, fns, apis, str, alts, regex, proto, built, prefix, html, norm, numeric, plain, markup });
}

/** The constant strings a value may be: `str`, or the ones `alts` lists. */
export function possibleStrings(v: Value): readonly string[] {
  return v.str !== undefined ? [v.str] : v.alts ?? [];
}

/** `a.alts` itself when `b` adds no constant to it (join tests identity). */
function joinAlts(a: Value, b: Value): readonly string[] | undefined {
  // b has no constant strings: nothing to add (most joins; this skips the arrays below).
  if (b.str === undefined && !b.alts) return a.str === undefined ? a.alts : a.str.length <= MAX_ALT_LENGTH ? [a.str] : undefined;
  const short = (v: Value) => possibleStrings(v).filter((s) => s.length <= MAX_ALT_LENGTH);
  const left = a.str === undefined ? a.alts ?? [] : short(a);
  const added = short(b).filter((s) => !left.includes(s)).slice(0, Math.max(0, MAX_ALTS - left.length));
  if (added.length === 0) return a.str === undefined ? a.alts : left.length > 0 ? left : undefined;
  return [...left, ...added];
}

export function joinAll(values: Iterable<Value>): Value {
  let result = EMPTY;
  for (const value of values) result = join(result, value);
  return result;
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** A value from parts, dropping undefined and false fields. */
export function make(parts: Partial<{ -readonly [K in keyof Value]: Value[K] }>): Value {
  const value: { -readonly [K in keyof Value]?: Value[K] } = {
    taint: parts.taint ?? [],
    objs: parts.objs ?? [],
    fns: parts.fns ?? [],
    apis: parts.apis ?? [],
  };
  if (parts.str !== undefined) value.str = parts.str;
  else if (parts.alts && parts.alts.length > 0) value.alts = parts.alts;
  if (parts.regex) value.regex = parts.regex;
  if (parts.proto) value.proto = true;
  if (parts.built) value.built = true;
  if (parts.prefix !== undefined) value.prefix = parts.prefix;
  if (parts.html) value.html = true;
  if (parts.norm) value.norm = true;
  if (parts.numeric) value.numeric = true;
  if (parts.plain) value.plain = true;
  if (parts.markup) value.markup = true;
  return value as Value;
}

export function isEmptyValue(v: Value): boolean {
  return (
    v.taint.length === 0 && v.objs.length === 0 && v.fns.length === 0 && v.apis.length === 0 && v.str === undefined &&
    !v.regex && !v.proto && !v.built && v.prefix === undefined && !v.html && !v.norm && !v.numeric && !v.plain && !v.markup
  );
}

export function strValue(s: string): Value {
  // includes() first: on a long literal without '<' (embedded data) it is about a hundred times faster than the expression.
  return make({ str: s, html: s.includes('<') && /<[a-z!/]/i.test(s) });
}

export function objValue(o: Obj): Value {
  return make({ objs: [o] });
}

export function fnValue(fn: Callable, obj?: Obj): Value {
  return make({ fns: [fn], objs: obj ? [obj] : [] });
}

export function apiValue(...apis: string[]): Value {
  return make({ apis });
}

export function taintOnly(v: Value): Value {
  return v.taint.length === 0 ? EMPTY : make({ taint: v.taint });
}

/** The same value with its taints still attacker-controlled for none of `mask`'s classes. */
export function sanitize(v: Value, mask: number): Value {
  if (v.taint.length === 0) return v;
  if (v.taint.every((t) => (t.clean & mask) === mask)) return v;
  return { ...v, taint: v.taint.map((t) => ((t.clean & mask) === mask ? t : { ...t, clean: t.clean | mask })) };
}

/**
 * A value that reaches a sink exactly as the package's caller passed it: not joined,
 * resolved or concatenated with anything of the package's own.
 */
export function passedThrough(v: Value): boolean {
  return !v.built && !v.norm;
}

/** The taints of the leading part of a built string or path: the whole input there is its base. */
export function leadingTaints(v: Value): Taint[] {
  return passedThrough(v) ? v.taint.map((t) => (t.base ? t : { ...t, base: true })) : [...v.taint];
}

/** The taints of a later part: whatever the part held, it no longer starts the result. */
export function trailingTaints(v: Value): Taint[] {
  return v.taint.map((t) => (t.base ? { ...t, base: false } : t));
}

/** Taints still dangerous for a class. */
export function liveTaints(v: Value, cls: SinkClass): Taint[] {
  const bit = CLASS_BIT[cls];
  return v.taint.filter((t) => (t.clean & bit) === 0);
}

export function isTainted(v: Value, cls?: SinkClass): boolean {
  return cls ? liveTaints(v, cls).length > 0 : v.taint.some((t) => t.clean !== ALL_CLASSES);
}

/** The value with one more trace step on every taint (traces are capped; long ones keep their ends). */
export function withStep(v: Value, loc: Loc, message: string): Value {
  if (v.taint.length === 0) return v;
  return {
    ...v,
    taint: v.taint.map((t) => ({ ...t, step: t.step.loc.start === loc.start && t.step.loc.file === loc.file ? t.step : addStep(t.step, loc, message) })),
  };
}

const MAX_TRACE = 24;

function addStep(prev: Step, loc: Loc, message: string): Step {
  return { loc, message, prev: prev.length >= MAX_TRACE ? dropMiddle(prev) : prev, length: Math.min(prev.length + 1, MAX_TRACE) };
}

/** Keeps the source and the most recent steps. */
function dropMiddle(step: Step): Step {
  const steps: Step[] = [];
  for (let s: Step | null = step; s; s = s.prev) steps.push(s);
  steps.reverse();
  const keep = [steps[0]!, ...steps.slice(-(MAX_TRACE / 2))];
  return keep.reduce<Step | null>((prev, s) => ({ loc: s.loc, message: s.message, prev, length: (prev ? prev.length : 0) + 1 }), null)!;
}

export function traceOf(step: Step): Step[] {
  const steps: Step[] = [];
  for (let s: Step | null = step; s; s = s.prev) steps.push(s);
  return steps.reverse();
}

export function newTaint(label: Label, loc: Loc, message: string, raw: boolean): Taint {
  return { label, step: { loc, message, prev: null, length: 1 }, clean: 0, raw };
}

const signatures = new WeakMap<Value, string>();

/** A signature that identifies a value up to traces: memo keys and fixpoint tests (values are immutable: cached). */
export function signature(v: Value): string {
  let s = signatures.get(v);
  if (s === undefined) {
    s = computeSignature(v);
    signatures.set(v, s);
  }
  return s;
}

function computeSignature(v: Value): string {
  if (isEmptyValue(v)) return '_';
  let s = '';
  for (const t of v.taint) s += `t${t.label.num}/${t.clean}${t.raw ? 'r' : ''}${t.own !== undefined ? `k${t.own}` : ''},`;
  for (const o of v.objs) s += `o${o.id},`;
  for (const f of v.fns) s += `f${f.id},`;
  for (const a of v.apis) s += `a${a},`;
  if (v.str !== undefined) s += `s${v.str.length > 40 ? v.str.slice(0, 40) : v.str}|`;
  if (v.alts) for (const alt of v.alts) s += `c${alt.length > 40 ? alt.slice(0, 40) : alt}|`;
  if (v.proto) s += 'P';
  if (v.built) s += 'B';
  if (v.norm) s += 'N';
  if (v.html) s += 'H';
  if (v.numeric) s += '#';
  if (v.plain) s += 'T';
  if (v.markup) s += 'M';
  return s;
}

/** Drops the string facts (a value used as something other than the string it was). */
export function withoutStringFacts(v: Value): Value {
  if (v.str === undefined && !v.alts && !v.built && v.prefix === undefined && !v.html && !v.norm && !v.regex) return v;
  return make({ taint: v.taint, objs: v.objs, fns: v.fns, apis: v.apis, proto: v.proto, plain: v.plain, markup: v.markup });
}

/**
 * Which object a value is, as far as own keys go: its one taint label or its one heap object.
 * Undefined when the value may be several things (a join of arguments, `x || {}`): two such
 * values may share parts and still be different objects.
 */
export function identityOf(v: Value): string | undefined {
  if (v.taint.length === 1 && v.objs.length === 0) return `t${v.taint[0]!.label.num}`;
  if (v.taint.length === 0 && v.objs.length === 1) return `o${v.objs[0]!.id}`;
  return undefined;
}

/** The value as an own key of `owner`: looking it up on `owner` cannot reach Object.prototype. */
export function asOwnKeyOf(v: Value, owner: Value): Value {
  const own = identityOf(owner);
  if (own === undefined || v.taint.length === 0) return v;
  return mapTaint(v, (t) => (t.own === own ? t : { ...t, own }));
}

/** Live prototype taints of a key that may name `__proto__` when looked up on `base`. */
export function mayNameProto(key: Value, base: Value): boolean {
  const live = liveTaints(key, 'prototype');
  if (live.length === 0) return false;
  const id = identityOf(base);
  return live.some((t) => t.own === undefined || t.own !== id);
}

export function mapTaint(v: Value, f: (t: Taint) => Taint): Value {
  if (v.taint.length === 0) return v;
  return { ...v, taint: v.taint.map(f) };
}

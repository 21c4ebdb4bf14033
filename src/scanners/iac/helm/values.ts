import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { yamlTooDeep } from '../../../core/yaml-depth.js';
import { aliasTarget } from '../yaml/anchors.js';
import { withoutStacks, type YamlDuplicate } from '../yaml/tree.js';

/**
 * Values of the Go template engine as Helm charts see them: nil, bool, float64 (every
 * number of values.yaml: Helm reads it through JSON), int (template literals, len, int),
 * string, []interface{}, map[string]interface{}, and the few Go structs of Helm's
 * built-in objects. A string may carry, line by line, where its text came from
 * (`Mapped`), so that toYaml of values.yaml keeps pointing into values.yaml through
 * nindent, include and tpl.
 */

export interface Origin {
  path: string;
  line: number;
  /** A line of a define's own text (render.ts): a value of values.yaml printed on the same line names its line instead. */
  define?: true;
}

export type Value = null | boolean | number | GoInt | string | Mapped | Value[] | Dict | GoObject;
export type Dict = Map<string, Value>;

export class GoInt {
  constructor(
    readonly n: number,
    readonly kind: 'int' | 'int64' = 'int',
  ) {}
}

/** A string whose lines know their origin (undefined: the action that prints it). */
export class Mapped {
  constructor(
    readonly s: string,
    readonly origins: ReadonlyArray<Origin | undefined>,
  ) {}
}

/** A Go struct (chart metadata, capabilities): a missing field is an error, methods are callable. */
export class GoObject {
  constructor(
    readonly type: string,
    readonly fields: ReadonlyMap<string, Value>,
    readonly methods: ReadonlyMap<string, (args: Value[]) => Value> = new Map(),
    /** What printing it gives (its String method). */
    readonly text?: string,
    /** What range walks over, for a Go map type with methods (.Files). */
    readonly entries?: ReadonlyArray<[Value, Value]>,
  ) {}
}

/**
 * The items of a named Go slice type (chartutil.VersionSet), which Sprig's list functions
 * and `len`/`index` read as the slice it is: a GoObject whose entries are indexed by int.
 */
export function sliceItems(v: Value | undefined): Value[] | undefined {
  if (!(v instanceof GoObject) || v.entries === undefined || !v.entries.every(([k]) => k instanceof GoInt)) return undefined;
  return v.entries.map(([, item]) => item);
}

/** An error of the template's execution, as Go would report it. */
export class TemplateError extends Error {}

export function isDict(v: Value | undefined): v is Dict {
  return v instanceof Map;
}

export function isString(v: Value | undefined): v is string | Mapped {
  return typeof v === 'string' || v instanceof Mapped;
}

export function str(v: string | Mapped): string {
  return typeof v === 'string' ? v : v.s;
}

export function isNumber(v: Value | undefined): v is number | GoInt {
  return typeof v === 'number' || v instanceof GoInt;
}

export function num(v: number | GoInt): number {
  return typeof v === 'number' ? v : v.n;
}

/** Where the keys (of a map) or items (of a list) of values.yaml are written. */
export type Origins = { keys: Map<string, Origin> } | { items: Array<Origin | undefined> };
const ORIGINS = new WeakMap<Dict | Value[], Origins>();

export function originsOf(v: Dict | Value[]): Origins | undefined {
  return ORIGINS.get(v);
}

export function setOrigins(v: Dict | Value[], origins: Origins): void {
  ORIGINS.set(v, origins);
}

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truth(v: Value | undefined): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof GoInt) return v.n !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof Mapped) return v.s.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** Go's type name of a value (typeOf). */
export function typeName(v: Value): string {
  if (v === null) return '<nil>';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (v instanceof GoInt) return v.kind;
  if (isString(v)) return 'string';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return 'map[string]interface {}';
  return v.type;
}

/** Go's reflect kind of a value (kindOf). */
export function kindName(v: Value): string {
  if (v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (v instanceof GoInt) return v.kind;
  if (isString(v)) return 'string';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Map) return 'map';
  return v.type.startsWith('*') ? 'ptr' : 'struct';
}

// ---- Printing as Go's fmt does -------------------------------------------------------

/** Shortest digits and decimal exponent of a finite float. */
function digitsOf(f: number): { digits: string; exp: number } {
  const [mantissa, e] = Math.abs(f).toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exp: Number(e) };
}

function expForm(neg: boolean, digits: string, exp: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${neg ? '-' : ''}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

/** %v of a float64: strconv 'g' with the shortest precision (exponent from 1e+06 and below 1e-04). */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const { digits, exp } = digitsOf(f);
  if (exp < -4 || exp >= 6) return expForm(f < 0, digits, exp);
  return String(f);
}

/** fmt's %v. */
export function formatValue(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (v instanceof Mapped) return v.s;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatFloat(v);
  if (v instanceof GoInt) return String(v.n);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof Map) return `map[${sortedKeys(v).map((k) => `${k}:${formatValue(v.get(k))}`).join(' ')}]`;
  return v.text ?? `{${[...v.fields.values()].map(formatValue).join(' ')}}`;
}

/** What `{{ value }}` writes: Helm replaces Go's "<no value>" with nothing. */
export function printValue(v: Value | undefined): string | Mapped {
  if (v === null || v === undefined) return '';
  if (isString(v)) return v;
  return formatValue(v);
}

/** Sprig's strval (toString, join, quote...). */
export function strval(v: Value | undefined): string {
  if (v instanceof Mapped) return v.s;
  return formatValue(v);
}

export function sortedKeys(map: Dict): string[] {
  return [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// ---- values.yaml -----------------------------------------------------------------------

export interface LoadedValues {
  value: Value;
  error?: { line: number; message: string };
  /** Keys written twice in a mapping: the value is the last one's, as Helm reads it. */
  duplicates?: YamlDuplicate[];
}

const MAX_NODES = 250_000;
const MAX_DEPTH = 200;

/**
 * A YAML text as Helm reads values.yaml (YAML 1.1 through JSON: numbers are float64,
 * yes/no/on/off are booleans, timestamps stay strings, keys are strings), with the
 * line of every key and list item recorded for `path`; `lineAt` maps a line of the text
 * to the line of `path` it sits on (a YAML string inside another file).
 */
export function loadValues(text: string, path: string | undefined, lineAt?: (line: number) => number): LoadedValues {
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) return { value: null, error: tooDeep };
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = withoutStacks(
      () =>
        parseDocument(text, {
          version: '1.1',
          merge: true,
          uniqueKeys: false,
          lineCounter,
          prettyErrors: false,
          customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
        }) as unknown as Document,
    );
  } catch (error) {
    return { value: null, error: { line: 1, message: (error as Error).message } };
  }
  const first = doc.errors[0];
  if (first) return { value: null, error: { line: lineCounter.linePos(first.pos[0]).line, message: first.message.split('\n')[0]! } };
  const lineOf = (node: YamlNode | null | undefined) => {
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    return lineAt ? lineAt(line) : line;
  };
  let count = 0;
  const duplicates = new Map<number, YamlDuplicate>();
  const convert = (node: YamlNode | null | undefined, depth: number): Value => {
    if (++count > MAX_NODES || depth > MAX_DEPTH) throw new TemplateError(`more than ${MAX_NODES} values (alias bomb or huge file)`);
    if (!node) return null;
    if (isAlias(node)) return convert(aliasTarget(doc, node), depth + 1);
    if (isMap(node)) {
      const map: Dict = new Map();
      const keys = new Map<string, Origin>();
      const merged: Array<[string, Value, Origin | undefined]> = [];
      const written = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const key = keyText(keyNode);
        if (key !== '<<') {
          const line = lineOf(keyNode);
          const earlier = written.get(key);
          // Keyed by line: an anchored mapping expanded by several aliases is seen again.
          if (earlier !== undefined && !duplicates.has(line)) duplicates.set(line, { key, line, otherLine: earlier });
          written.set(key, line);
        }
        const value = convert(pair.value as YamlNode | null, depth + 1);
        if (key === '<<') {
          for (const source of Array.isArray(value) ? value : [value]) {
            if (!isDict(source)) continue;
            const from = originsOf(source);
            for (const [k, v] of source) merged.push([k, v, from && 'keys' in from ? from.keys.get(k) : undefined]);
          }
          continue;
        }
        map.set(key, value);
        if (path !== undefined) keys.set(key, { path, line: lineOf(keyNode) });
      }
      for (const [k, v, origin] of merged) {
        if (map.has(k)) continue;
        map.set(k, v);
        if (origin) keys.set(k, origin);
      }
      if (path !== undefined) setOrigins(map, { keys });
      return map;
    }
    if (isSeq(node)) {
      const list = node.items.map((item) => convert(item as YamlNode, depth + 1));
      if (path !== undefined) setOrigins(list, { items: node.items.map((item) => ({ path, line: lineOf(item as YamlNode) })) });
      return list;
    }
    if (isScalar(node)) return scalar(node.value);
    return null;
  };
  try {
    const value = convert(doc.contents as YamlNode | null, 0);
    return { value: value === null ? new Map() : value, ...(duplicates.size > 0 ? { duplicates: [...duplicates.values()].sort((a, b) => a.line - b.line) } : {}) };
  } catch (error) {
    return { value: null, error: { line: 1, message: (error as Error).message } };
  }
}

function keyText(node: YamlNode | null): string {
  if (!node) return 'null';
  if (isScalar(node)) {
    if (typeof node.value === 'symbol') return '<<';
    const v = scalar(node.value);
    return v === null ? 'null' : strval(v);
  }
  return String(node);
}

function scalar(value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

// ---- toYaml ---------------------------------------------------------------------------

const YAML11_NON_STRING = new RegExp(
  [
    '^(?:~|null|Null|NULL|)$',
    '^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$',
    '^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|(?:0|[1-9][0-9_]*))$',
    '^[-+]?(?:\\.[0-9]+|[0-9][0-9_]*(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$',
    '^[-+]?\\.(?:inf|Inf|INF)$',
    '^\\.(?:nan|NaN|NAN)$',
    '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?$',
    '^\\d{4}-\\d\\d?-\\d\\d?(?:(?:[Tt]|[ \\t]+)\\d\\d?:\\d\\d:\\d\\d(?:\\.\\d*)?(?:[ \\t]*(?:Z|[-+]\\d\\d?(?::\\d\\d)?))?)?$',
    '^<<$',
  ].join('|'),
);

/** Whether YAML's emitter may write the string plain (yaml.v2's analysis, block context). */
function plainAllowed(s: string): boolean {
  if (s === '' || s !== s.trim() || /^(?:---|\.\.\.)/.test(s)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s) || /^[-?:](?:\s|$)/.test(s)) return false;
  if (/: |:$| #|[\n\r\t]/.test(s)) return false;
  // Non-printable characters need escapes.
  return !/[\u0000-\u001f\u007f-\u009f\ufeff]/.test(s);
}

/** A string in one line: plain when YAML reads it back as that string, else quoted as yaml.v2 does. */
function yamlScalar(s: string): string {
  if (YAML11_NON_STRING.test(s)) return JSON.stringify(s);
  if (plainAllowed(s)) return s;
  // Line breaks, tabs and other non-printable characters need escapes, and a space before a break a double quote.
  if (/[\u0000-\u001f\u007f-\u009f\ufeff]/.test(s)) return JSON.stringify(s);
  return `'${s.replace(/'/g, "''")}'`;
}

/** yaml.v2's key order (sorter.go keyList.Less): other characters before letters (k8s_cluster before k8sobjects), runs of digits by value. */
export function compareKeys(a: string, b: string): number {
  // Keys of ASCII letters alone (most of them, camelCase too) compare as strings do: every character is a letter.
  if (/^[A-Za-z]*$/.test(a) && /^[A-Za-z]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const ar = [...a];
  const br = [...b];
  const letter = (c: string) => /\p{L}/u.test(c);
  const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = letter(ar[i]!);
    const bl = letter(br[i]!);
    if (al && bl) return ar[i]! < br[i]! ? -1 : 1;
    if (al || bl) return bl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && digit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && digit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && digit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return ar[i]! < br[i]! ? -1 : 1;
  }
  return ar.length - br.length;
}

/** A number as JSON writes it and YAML reads it back (toYaml goes through JSON). */
function jsonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TemplateError(`json: unsupported value: ${formatFloat(n)}`);
  return String(n);
}

type Line = { text: string; origin: Origin | undefined };

/** The emitter: lines of YAML with the origin of what each line renders. */
class YamlWriter {
  readonly lines: Line[] = [];
  private budget: number;
  constructor(maxChars: number) {
    this.budget = maxChars;
  }

  push(text: string, origin: Origin | undefined): void {
    this.budget -= text.length + 1;
    if (this.budget < 0) throw new TemplateError('toYaml output is too large');
    this.lines.push({ text, origin });
  }

  /** A scalar: its text after `prefix`, or a literal block below it, indented by `block`. */
  scalar(prefix: string, block: string, v: Value, origin: Origin | undefined): void {
    const s = isString(v) ? str(v) : undefined;
    if (s === undefined) {
      this.push(`${prefix}${scalarText(v)}`, origin);
      return;
    }
    if (!s.includes('\n') || !blockAllowed(s)) {
      this.push(`${prefix}${yamlScalar(s)}`, origin);
      return;
    }
    const trailing = /\n*$/.exec(s)![0].length;
    const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
    // A first line that starts with a space needs the indentation written out.
    const hint = s.startsWith(' ') || s.startsWith('\n') ? '2' : '';
    this.push(`${prefix}|${hint}${chomp}`, origin);
    const parts = (trailing > 0 ? s.slice(0, -1) : s).split('\n');
    const pad = block || '  ';
    for (const part of parts) this.push(part === '' ? '' : `${pad}${part}`, origin);
  }

  /** A value whose first line starts with `prefix`; further lines of a map start at `indent`. */
  value(v: Value, indent: string, prefix: string, origin: Origin | undefined, depth: number): void {
    if (depth > MAX_DEPTH) throw new TemplateError('toYaml: value nested too deeply');
    if (v instanceof Map && v.size > 0) {
      const from = originsOf(v);
      const keys = [...v.keys()].sort(compareKeys);
      keys.forEach((key, index) => {
        const keyOrigin = (from && 'keys' in from ? from.keys.get(key) : undefined) ?? origin;
        this.entry(`${index === 0 ? prefix : indent}${yamlScalar(key)}:`, indent, v.get(key) ?? null, keyOrigin, depth);
      });
      return;
    }
    if (Array.isArray(v) && v.length > 0) {
      const from = originsOf(v);
      v.forEach((item, index) => {
        const at = (from && 'items' in from ? from.items[index] : undefined) ?? origin;
        this.value(item, `${indent}  `, `${index === 0 ? prefix : indent}- `, firstKeyOrigin(item) ?? at, depth + 1);
      });
      return;
    }
    // A scalar item of a list: a literal block goes at the item's indentation.
    this.scalar(prefix, prefix.endsWith('- ') ? indent : `${indent}  `, v, origin);
  }

  /** `key:` and its value: inline for scalars and empty collections, below for the rest (a list at the key's own indentation). */
  private entry(head: string, indent: string, v: Value, origin: Origin | undefined, depth: number): void {
    if (v instanceof Map && v.size > 0) {
      this.push(head, origin);
      this.value(v, `${indent}  `, `${indent}  `, origin, depth + 1);
    } else if (Array.isArray(v) && v.length > 0) {
      this.push(head, origin);
      this.value(v, indent, indent, origin, depth + 1);
    } else this.scalar(`${head} `, `${indent}  `, v, origin);
  }
}

/** libyaml's analysis: a literal block needs printable text without spaces before a line break or at the end. */
function blockAllowed(s: string): boolean {
  return !/ \n| $|[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufeff]/.test(s);
}

function firstKeyOrigin(v: Value): Origin | undefined {
  if (!(v instanceof Map) || v.size === 0) return undefined;
  const from = originsOf(v);
  if (!from || !('keys' in from)) return undefined;
  const first = [...v.keys()].sort(compareKeys)[0]!;
  return from.keys.get(first);
}

function scalarText(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return jsonNumber(v);
  if (v instanceof GoInt) return String(v.n);
  if (v instanceof Map) return '{}';
  if (Array.isArray(v)) return '[]';
  if (v instanceof GoObject) return '{}';
  return yamlScalar(str(v));
}

/** Helm's toYaml: YAML of the value, without the final newline, lines mapped to values.yaml where known. */
export function toYaml(v: Value, maxChars: number): Mapped | string {
  const writer = new YamlWriter(maxChars);
  writer.value(v, '', '', undefined, 0);
  const text = writer.lines.map((l) => l.text).join('\n');
  return writer.lines.some((l) => l.origin) ? new Mapped(text, writer.lines.map((l) => l.origin)) : text;
}

// ---- toJson ---------------------------------------------------------------------------

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** encoding/json's Marshal: keys sorted, HTML characters escaped. */
export function toJson(v: Value, maxChars: number, indent = ''): string {
  let budget = maxChars;
  const walk = (x: Value, depth: number, pad: string): string => {
    if (depth > MAX_DEPTH) throw new TemplateError('json: value nested too deeply');
    if (--budget < 0) throw new TemplateError('toJson output is too large');
    const nl = indent ? `\n${pad}${indent}` : '';
    const end = indent ? `\n${pad}` : '';
    const sep = indent ? ': ' : ':';
    if (x === null) return 'null';
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'number') return jsonNumber(x);
    if (x instanceof GoInt) return String(x.n);
    if (isString(x)) {
      const s = jsonString(str(x));
      budget -= s.length;
      return s;
    }
    if (Array.isArray(x)) return x.length === 0 ? '[]' : `[${nl}${x.map((i) => walk(i, depth + 1, pad + indent)).join(`,${nl}`)}${end}]`;
    if (x instanceof Map) {
      if (x.size === 0) return '{}';
      return `{${nl}${sortedKeys(x)
        .map((k) => `${jsonString(k)}${sep}${walk(x.get(k) ?? null, depth + 1, pad + indent)}`)
        .join(`,${nl}`)}${end}}`;
    }
    return '{}';
  };
  const out = walk(v, 0, '');
  if (out.length > maxChars) throw new TemplateError('toJson output is too large');
  return out;
}

/** A JSON text as Helm's fromJson reads it (numbers float64). */
export function fromJsonValue(parsed: unknown, depth = 0): Value {
  if (depth > MAX_DEPTH) throw new TemplateError('json: value nested too deeply');
  if (parsed === null || typeof parsed === 'string' || typeof parsed === 'number' || typeof parsed === 'boolean') return parsed;
  if (Array.isArray(parsed)) return parsed.map((item) => fromJsonValue(item, depth + 1));
  if (typeof parsed === 'object') {
    const map: Dict = new Map();
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) map.set(k, fromJsonValue(v, depth + 1));
    return map;
  }
  return null;
}

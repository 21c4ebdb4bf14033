/**
 * A JSON (and JSONC) reader that remembers the line of every object key and array
 * element, and that keeps what it could read when the text is malformed or truncated.
 *
 * JSON.parse gives neither: no positions, and nothing at all after an error. Lockfile
 * findings need the entry's line, and a truncated lockfile should still yield the
 * packages before the cut. Containers are attached to their parent before they are
 * filled, so after an error the partial tree is still reachable from the root.
 */

export interface JsonDocument {
  /** The value read; partial when `error` is set; undefined when nothing could be read. */
  value: unknown;
  error?: { line: number; message: string };
  /** 1-based line of a key in an object, or of an element in an array, from this document. */
  lineOf(container: object, key: string | number): number | undefined;
  /** False for an object or array that was still open where the text broke off (its fields may be missing). */
  isComplete(container: object): boolean;
}

export interface JsonOptions {
  /** Accept `//` and block comments and trailing commas (bun.lock). */
  jsonc?: boolean;
  maxDepth?: number;
  /**
   * Record lines only for containers up to this depth (the root is 1). Line maps cost
   * memory and GC time; a lockfile usually needs them only for its package table.
   */
  lineDepth?: number;
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const SLASH = 47;
const STAR = 42;
const NEWLINE = 10;

type JsonObject = Record<string, unknown>;

class JsonReader {
  pos = 0;
  line = 1;
  readonly keyLines = new WeakMap<object, Map<string, number>>();
  readonly itemLines = new WeakMap<object, number[]>();
  /** Containers being filled, innermost last: after an error these are the incomplete ones. */
  readonly open: object[] = [];

  constructor(
    readonly text: string,
    readonly jsonc: boolean,
    readonly maxDepth: number,
    readonly lineDepth: number,
  ) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.line);
  }

  skipSpace(): void {
    const t = this.text;
    const n = t.length;
    let i = this.pos;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        i++;
      } else if (c === 32 || c === 9 || c === 13) {
        i++;
      } else if (c === SLASH && this.jsonc) {
        const next = t.charCodeAt(i + 1);
        if (next === SLASH) {
          const end = t.indexOf('\n', i);
          i = end === -1 ? n : end;
        } else if (next === STAR) {
          const end = t.indexOf('*/', i + 2);
          if (end === -1) {
            this.pos = n;
            this.fail('unterminated comment');
          }
          for (let j = i; j < end; j++) if (t.charCodeAt(j) === NEWLINE) this.line++;
          i = end + 2;
        } else break;
      } else break;
    }
    this.pos = i;
  }

  readString(): string {
    const t = this.text;
    const start = this.pos + 1;
    let i = start;
    let escaped = false;
    for (;;) {
      if (i >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 32) this.fail('control character inside a string');
      i++;
    }
    this.pos = i + 1;
    const raw = t.slice(start, i);
    if (!escaped) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return this.fail('bad escape in string');
    }
  }

  readScalar(): unknown {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === QUOTE) return this.readString();
    if (t.startsWith('true', this.pos)) {
      this.pos += 4;
      return true;
    }
    if (t.startsWith('false', this.pos)) {
      this.pos += 5;
      return false;
    }
    if (t.startsWith('null', this.pos)) {
      this.pos += 4;
      return null;
    }
    let i = this.pos;
    while (i < t.length) {
      const d = t.charCodeAt(i);
      // digits, '-', '+', '.', 'e', 'E'
      if ((d >= 48 && d <= 57) || d === 45 || d === 43 || d === 46 || d === 101 || d === 69) i++;
      else break;
    }
    if (i === this.pos) {
      if (this.pos >= t.length) this.fail('unexpected end of file');
      this.fail(`unexpected character ${JSON.stringify(t[this.pos])}`);
    }
    const number = Number(t.slice(this.pos, i));
    if (Number.isNaN(number)) this.fail(`bad number ${t.slice(this.pos, i)}`);
    this.pos = i;
    return number;
  }

  fillObject(obj: JsonObject, depth: number): void {
    if (depth > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
    const t = this.text;
    const lines = depth <= this.lineDepth ? new Map<string, number>() : undefined;
    if (lines) this.keyLines.set(obj, lines);
    this.open.push(obj);
    this.pos++; // '{'
    this.skipSpace();
    if (t.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      this.open.pop();
      return;
    }
    for (;;) {
      if (t.charCodeAt(this.pos) !== QUOTE) this.fail(this.pos >= t.length ? 'unexpected end of file' : 'expected a key');
      const line = this.line;
      const key = this.readString();
      this.skipSpace();
      if (t.charCodeAt(this.pos) !== COLON) this.fail(`expected ':' after key ${JSON.stringify(key)}`);
      this.pos++;
      this.skipSpace();
      lines?.set(key, line);
      const c = t.charCodeAt(this.pos);
      if (c === LBRACE) {
        const child: JsonObject = {};
        setKey(obj, key, child);
        this.fillObject(child, depth + 1);
      } else if (c === LBRACKET) {
        const child: unknown[] = [];
        setKey(obj, key, child);
        this.fillArray(child, depth + 1);
      } else {
        setKey(obj, key, this.readScalar());
      }
      this.skipSpace();
      const sep = t.charCodeAt(this.pos);
      if (sep === COMMA) {
        this.pos++;
        this.skipSpace();
        if (this.jsonc && t.charCodeAt(this.pos) === RBRACE) {
          this.pos++;
          this.open.pop();
          return;
        }
      } else if (sep === RBRACE) {
        this.pos++;
        this.open.pop();
        return;
      } else {
        this.fail(this.pos >= t.length ? 'unexpected end of file' : "expected ',' or '}'");
      }
    }
  }

  fillArray(arr: unknown[], depth: number): void {
    if (depth > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
    const t = this.text;
    const lines = depth <= this.lineDepth ? ([] as number[]) : undefined;
    if (lines) this.itemLines.set(arr, lines);
    this.open.push(arr);
    this.pos++; // '['
    this.skipSpace();
    if (t.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      this.open.pop();
      return;
    }
    for (;;) {
      lines?.push(this.line);
      const c = t.charCodeAt(this.pos);
      if (c === LBRACE) {
        const child: JsonObject = {};
        arr.push(child);
        this.fillObject(child, depth + 1);
      } else if (c === LBRACKET) {
        const child: unknown[] = [];
        arr.push(child);
        this.fillArray(child, depth + 1);
      } else {
        arr.push(this.readScalar());
      }
      this.skipSpace();
      const sep = t.charCodeAt(this.pos);
      if (sep === COMMA) {
        this.pos++;
        this.skipSpace();
        if (this.jsonc && t.charCodeAt(this.pos) === RBRACKET) {
          this.pos++;
          this.open.pop();
          return;
        }
      } else if (sep === RBRACKET) {
        this.pos++;
        this.open.pop();
        return;
      } else {
        this.fail(this.pos >= t.length ? 'unexpected end of file' : "expected ',' or ']'");
      }
    }
  }
}

/** Whether a parsed value nests at most `limit` containers deep (walked without recursion). */
function nestingWithin(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth > limit) return false;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return true;
}

/** A key named __proto__ must become an own property, never the prototype (hostile input). */
function setKey(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

export function parseJson(text: string, options: JsonOptions = {}): JsonDocument {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (options.lineDepth === 0 && !options.jsonc) {
    // No lines wanted: the native parser is several times faster on a cold start, and it
    // keeps a "__proto__" key as an own property, as setKey does. Invalid or too deeply
    // nested text takes the reader below, for its warnings and partial value.
    try {
      const value: unknown = JSON.parse(source);
      if (nestingWithin(value, options.maxDepth ?? 512)) return { value, lineOf: () => undefined, isComplete: () => true };
    } catch {
      // fall through to the reader
    }
  }
  const reader = new JsonReader(source, options.jsonc ?? false, options.maxDepth ?? 512, options.lineDepth ?? Infinity);
  const lineOf = (container: object, key: string | number): number | undefined =>
    typeof key === 'number' ? reader.itemLines.get(container)?.[key] : reader.keyLines.get(container)?.get(key);
  let incomplete: Set<object> | undefined;
  const isComplete = (container: object): boolean => !incomplete?.has(container);
  let value: unknown;
  try {
    reader.skipSpace();
    if (reader.pos >= source.length) reader.fail('the file is empty');
    const c = source.charCodeAt(reader.pos);
    if (c === LBRACE) {
      value = {};
      reader.fillObject(value as JsonObject, 1);
    } else if (c === LBRACKET) {
      value = [];
      reader.fillArray(value as unknown[], 1);
    } else {
      value = reader.readScalar();
    }
    reader.skipSpace();
    if (reader.pos < source.length) reader.fail('unexpected text after the end of the document');
    return { value, lineOf, isComplete };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    incomplete = new Set(reader.open);
    return { value, lineOf, isComplete, error: { line: error.line, message: `malformed JSON: ${error.message}` } };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** String fields of an object (e.g. a dependencies map), ignoring anything that is not a string. */
export function stringMap(value: unknown): Array<[string, string]> {
  if (!isObject(value)) return [];
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v === 'string') out.push([key, v]);
  }
  return out;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

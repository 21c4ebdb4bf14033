/**
 * A fast reader for the YAML subset lockfile writers emit (pnpm): block mappings by
 * indentation, plain and quoted scalars, and one-line flow maps and lists. Anything
 * else (block lists, anchors, aliases, tags, block scalars, several documents, tabs)
 * returns undefined so the caller can use the full YAML parser instead. On the subset
 * it gives the same values as the full parser (a test compares them), about ten times
 * faster, and records the line of every key of the top two levels.
 */

export interface BlockYaml {
  value: Record<string, unknown>;
  /** Lines of the keys of the map at `path` (depth 0 or 1 from the root). */
  keyLines(path: string[]): Map<string, number>;
}

class Unsupported extends Error {}

const unsupported = (): never => {
  throw new Unsupported();
};

function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}

/** YAML 1.2 core schema for plain scalars. */
function plainValue(text: string): unknown {
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (/^[-+]?(\d+|\d*\.\d+|\d+\.\d*)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (/^0x[0-9a-fA-F]+$|^0o[0-7]+$|^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(text)) unsupported();
  return text;
}

/** A scanner over one line's text, for keys, scalars and flow collections. */
class LineReader {
  pos = 0;
  text = '';

  reset(text: string, pos: number): void {
    this.text = text;
    this.pos = pos;
  }

  skipSpaces(): void {
    while (this.text.charCodeAt(this.pos) === 32) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.pos >= this.text.length || (this.text[this.pos] === '#' && this.text[this.pos - 1] === ' ');
  }

  quoted(): string {
    const quote = this.text[this.pos];
    if (quote === "'") {
      let out = '';
      let i = this.pos + 1;
      for (;;) {
        const end = this.text.indexOf("'", i);
        if (end === -1) unsupported(); // a multi-line scalar
        out += this.text.slice(i, end);
        if (this.text[end + 1] === "'") {
          out += "'";
          i = end + 2;
        } else {
          this.pos = end + 1;
          return out;
        }
      }
    }
    // Double quotes: JSON escapes are a subset of YAML's; anything else goes to the full parser.
    let i = this.pos + 1;
    while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.text.length) unsupported();
    const raw = this.text.slice(this.pos, i + 1);
    this.pos = i + 1;
    try {
      return JSON.parse(raw) as string;
    } catch {
      return unsupported();
    }
  }

  /** A key, up to ": " or a final ":"; in a flow map also up to "," or "}". */
  key(flow: boolean): string {
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === "'" || c === '"') {
      const key = this.quoted();
      this.skipSpaces();
      if (this.text[this.pos] !== ':') unsupported();
      this.pos++;
      return key;
    }
    if (c === '?' || c === '&' || c === '*' || c === '!' || c === '-' || c === '[' || c === '{') unsupported();
    const start = this.pos;
    for (let i = this.pos; i < this.text.length; i++) {
      const ch = this.text[i];
      if (ch === ':' && (i + 1 === this.text.length || this.text[i + 1] === ' ' || (flow && /[,}\]]/.test(this.text[i + 1] ?? '')))) {
        this.pos = i + 1;
        return this.text.slice(start, i).trimEnd();
      }
      if (flow && (ch === ',' || ch === '}')) unsupported();
      if (ch === '#' && this.text[i - 1] === ' ') unsupported();
    }
    return unsupported();
  }

  /** A value: flow map, flow list, quoted or plain scalar. In flow context plain scalars stop at , ] }. */
  value(flow: boolean): unknown {
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === '{') return this.flowMap();
    if (c === '[') return this.flowList();
    if (c === "'" || c === '"') return this.quoted();
    if (c === '&' || c === '*' || c === '!' || c === '|' || c === '>' || c === '%' || c === '@' || c === '`') unsupported();
    if ((c === '-' || c === '?') && (this.text[this.pos + 1] === ' ' || this.pos + 1 === this.text.length)) unsupported();
    const start = this.pos;
    let i = this.pos;
    for (; i < this.text.length; i++) {
      const ch = this.text[i];
      if (flow && (ch === ',' || ch === ']' || ch === '}')) break;
      if (ch === '#' && this.text[i - 1] === ' ') break;
      // "a: b: c" is an error in YAML; the full parser reports it.
      if (ch === ':' && (this.text[i + 1] === ' ' || i + 1 === this.text.length)) unsupported();
    }
    this.pos = i;
    return plainValue(this.text.slice(start, i).trim());
  }

  flowMap(): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    this.pos++; // '{'
    this.skipSpaces();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return map;
    }
    for (;;) {
      const key = this.key(true);
      setKey(map, key, this.value(true));
      this.skipSpaces();
      const c = this.text[this.pos++];
      if (c === '}') return map;
      if (c !== ',') unsupported();
    }
  }

  flowList(): unknown[] {
    const list: unknown[] = [];
    this.pos++; // '['
    this.skipSpaces();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return list;
    }
    for (;;) {
      list.push(this.value(true));
      this.skipSpaces();
      const c = this.text[this.pos++];
      if (c === ']') return list;
      if (c !== ',') unsupported();
    }
  }
}

export function parseBlockYaml(text: string): BlockYaml | undefined {
  try {
    return read(text);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function read(text: string): BlockYaml {
  const root: Record<string, unknown> = {};
  const lineMaps = new Map<object, Map<string, number>>([[root, new Map()]]);
  /** Open maps, innermost last, with the indentation of their keys (-1: not known yet). */
  const stack: Array<{ map: Record<string, unknown>; indent: number; depth: number }> = [{ map: root, indent: 0, depth: 0 }];
  /** A key whose value is on the following lines: a nested map, or null when none follows. */
  let pending: { map: Record<string, unknown>; key: string; indent: number; depth: number } | undefined;

  const reader = new LineReader();
  let lineStart = 0;
  for (let lineNumber = 1; lineStart <= text.length; lineNumber++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let line = text.slice(lineStart, lineEnd);
    lineStart = lineEnd + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);

    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    if (indent === line.length || line[indent] === '#') continue;
    if (line[indent] === '\t' || line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) unsupported();

    if (pending) {
      if (indent > pending.indent) {
        const child: Record<string, unknown> = {};
        setKey(pending.map, pending.key, child);
        if (pending.depth < 1) lineMaps.set(child, new Map());
        stack.push({ map: child, indent, depth: pending.depth + 1 });
      } else {
        setKey(pending.map, pending.key, null);
      }
      pending = undefined;
    }
    while (stack.length > 1 && indent < (stack[stack.length - 1] as { indent: number }).indent) stack.pop();
    const frame = stack[stack.length - 1] as { map: Record<string, unknown>; indent: number; depth: number };
    if (indent !== frame.indent) unsupported(); // indentation that matches no open map

    reader.reset(line, indent);
    const key = reader.key(false);
    lineMaps.get(frame.map)?.set(key, lineNumber);
    if (reader.atEnd()) {
      pending = { map: frame.map, key, indent, depth: frame.depth };
      continue;
    }
    const value = reader.value(false);
    if (!reader.atEnd()) unsupported();
    setKey(frame.map, key, value);
  }
  if (pending) setKey(pending.map, pending.key, null);

  return {
    value: root,
    keyLines(path) {
      let node: unknown = root;
      for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
      return (typeof node === 'object' && node !== null ? lineMaps.get(node) : undefined) ?? new Map();
    },
  };
}

/**
 * The indentation format of yarn.lock, in both dialects: classic v1 (`key "value"`)
 * and Berry (`key: value`, a YAML subset). Line-based and linear; never throws.
 */
import { splitLines } from './lines.js';

export interface SymlNode {
  key: string;
  line: number;
  /** A scalar value; absent for a block. */
  value?: string;
  children: SymlNode[];
}

export interface SymlDocument {
  /** Top-level entries; their `key` is the raw key text (it may list several descriptors). */
  entries: SymlNode[];
  warnings: Array<{ line: number; message: string }>;
}

/** Reads a double-quoted string at `start` (which must be `"`); returns the text and the index after it. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let i = start + 1;
  let escaped = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) break;
    if (c === 92) {
      escaped = true;
      i += 2;
      continue;
    }
    i++;
  }
  if (i >= text.length) return undefined;
  const raw = text.slice(start + 1, i);
  if (!escaped) return { value: raw, end: i + 1 };
  try {
    return { value: JSON.parse(`"${raw}"`) as string, end: i + 1 };
  } catch {
    return undefined;
  }
}

function unquote(value: string): string {
  if (value.startsWith('"')) return readQuoted(value, 0)?.value ?? value;
  if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

/** `"a@^1", "a@^2"`, `a@^1, a@^2` or Berry's single `"a@npm:^1, a@npm:^2"`: every descriptor. */
export function splitDescriptors(raw: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < raw.length) {
    while (raw[i] === ' ' || raw[i] === ',') i++;
    if (i >= raw.length) break;
    if (raw[i] === '"') {
      const quoted = readQuoted(raw, i);
      if (!quoted) {
        out.push(raw.slice(i + 1));
        break;
      }
      out.push(...quoted.value.split(/,\s*/));
      i = quoted.end;
    } else {
      const comma = raw.indexOf(',', i);
      const end = comma === -1 ? raw.length : comma;
      out.push(raw.slice(i, end).trim());
      i = end;
    }
  }
  return out.filter((d) => d.length > 0);
}

export function parseSyml(text: string): SymlDocument {
  const lines = splitLines(text);
  const entries: SymlNode[] = [];
  const warnings: SymlDocument['warnings'] = [];
  const stack: Array<{ indent: number; node: SymlNode | null }> = [{ indent: -1, node: null }];

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const lineNumber = index + 1;
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    const content = line.slice(indent).trimEnd();
    if (content === '' || content.startsWith('#')) continue;

    while ((stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
    const parent = (stack[stack.length - 1] as { node: SymlNode | null }).node;

    let node: SymlNode;
    if (parent === null) {
      if (!content.endsWith(':')) {
        warnings.push({ line: lineNumber, message: `expected an entry ending in ':' but found ${JSON.stringify(content.slice(0, 60))}` });
        stack.push({ indent, node: { key: '', line: lineNumber, children: [] } });
        continue;
      }
      node = { key: content.slice(0, -1), line: lineNumber, children: [] };
      entries.push(node);
    } else {
      const parsed = parseField(content);
      if (!parsed) {
        warnings.push({ line: lineNumber, message: `cannot read ${JSON.stringify(content.slice(0, 60))}` });
        continue;
      }
      if (parent.value !== undefined) {
        warnings.push({ line: lineNumber, message: `unexpected indentation under "${parent.key}"` });
        continue;
      }
      node = { key: parsed.key, line: lineNumber, children: [] };
      if (parsed.value !== undefined) node.value = parsed.value;
      parent.children.push(node);
    }
    stack.push({ indent, node });
  }
  return { entries, warnings };
}

function parseField(content: string): { key: string; value?: string } | undefined {
  let key: string;
  let rest: string;
  if (content.startsWith('"')) {
    const quoted = readQuoted(content, 0);
    if (!quoted) return undefined;
    key = quoted.value;
    rest = content.slice(quoted.end);
  } else {
    let i = 0;
    while (i < content.length) {
      const c = content[i];
      if (c === ' ' || c === '\t' || (c === ':' && (i + 1 === content.length || content[i + 1] === ' '))) break;
      i++;
    }
    key = content.slice(0, i);
    rest = content.slice(i);
  }
  if (rest.startsWith(':')) {
    const value = rest.slice(1).trim();
    return value === '' ? { key } : { key, value: unquote(value) };
  }
  const value = rest.trim();
  return { key, value: unquote(value) };
}

/** A child's scalar value. */
export function field(node: SymlNode, key: string): string | undefined {
  for (const child of node.children) if (child.key === key) return child.value;
  return undefined;
}

/** A child block's scalar pairs (dependencies and the like). */
export function pairs(node: SymlNode, key: string): Array<[string, string]> {
  for (const child of node.children) {
    if (child.key === key) return child.children.filter((c) => c.value !== undefined).map((c) => [c.key, c.value as string]);
  }
  return [];
}

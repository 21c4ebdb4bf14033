import { compareCodePoints } from './canonical-json.js';
import { JsonFloat } from './strict-json.js';

/**
 * Python's `json.dumps` with `ensure_ascii=True`, byte for byte. in-toto writes
 * metadata files with `indent=1, separators=(",", ": "), sort_keys=True`, and
 * securesystemslib writes key files with plain `json.dumps(key)` (insertion order,
 * `", "` and `": "`). Writing the same bytes makes secloop's files diffable against
 * the reference's (and an Ed25519-signed link identical to in-toto-run's).
 */
export interface PythonJsonOptions {
  indent?: number | null;
  sortKeys?: boolean;
  itemSeparator?: string;
  keySeparator?: string;
}

export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const indent = options.indent ?? null;
  const itemSeparator = options.itemSeparator ?? (indent === null ? ', ' : ',');
  const keySeparator = options.keySeparator ?? ': ';
  const sortKeys = options.sortKeys ?? false;
  const out: string[] = [];

  const write = (item: unknown, level: number): void => {
    if (typeof item === 'string') out.push(pythonJsonString(item));
    else if (item === null) out.push('null');
    else if (item === true) out.push('true');
    else if (item === false) out.push('false');
    else if (typeof item === 'bigint') out.push(item.toString());
    else if (typeof item === 'number') {
      if (!Number.isSafeInteger(item)) throw new TypeError(`refusing to write the non-integer ${item} into metadata`);
      out.push(String(item));
    } else if (item instanceof JsonFloat) {
      throw new TypeError(`refusing to write the float ${item.text} into metadata`);
    } else if (Array.isArray(item)) {
      if (item.length === 0) return void out.push('[]');
      out.push('[');
      item.forEach((element, index) => {
        if (index > 0) out.push(itemSeparator);
        newline(level + 1);
        write(element, level + 1);
      });
      newline(level);
      out.push(']');
    } else if (typeof item === 'object') {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record);
      if (sortKeys) keys.sort(compareCodePoints);
      if (keys.length === 0) return void out.push('{}');
      out.push('{');
      keys.forEach((key, index) => {
        if (index > 0) out.push(itemSeparator);
        newline(level + 1);
        out.push(pythonJsonString(key), keySeparator);
        write(record[key], level + 1);
      });
      newline(level);
      out.push('}');
    } else {
      throw new TypeError(`cannot write a value of type ${typeof item} as JSON`);
    }
  };
  const newline = (level: number): void => {
    if (indent !== null) out.push('\n' + ' '.repeat(indent * level));
  };

  write(value, 0);
  return out.join('');
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A string as `json.dumps(..., ensure_ascii=True)` writes it: everything outside space..~ escaped. */
export function pythonJsonString(text: string): string {
  return `"${text.replace(/[\\"]|[^ -~]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

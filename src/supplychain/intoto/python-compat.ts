import { pythonRegexEscape } from './regex-escape.js';

/**
 * The few Python standard library behaviours in-toto's results depend on, ported
 * exactly: posixpath.normpath and posixpath.join (artifact paths and MATCH prefixes),
 * fnmatch (artifact rule patterns: `*` also matches `/`), shlex.split (rules and
 * commands written as one string).
 */

export function normpath(path: string): string {
  if (path === '') return '.';
  let initialSlashes = path.startsWith('/') ? 1 : 0;
  // POSIX allows one implementation-defined leading "//"; Python keeps it, "///" collapses.
  if (initialSlashes && path.startsWith('//') && !path.startsWith('///')) initialSlashes = 2;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (!initialSlashes && parts.length === 0) || parts[parts.length - 1] === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined || '.';
}

export function pathJoin(first: string, ...rest: string[]): string {
  let path = first;
  for (const part of rest) {
    if (part.startsWith('/')) path = part;
    else if (path === '' || path.endsWith('/')) path += part;
    else path += '/' + part;
  }
  return path;
}

// ---------------------------------------------------------------------------
// fnmatch (Python 3.11 fnmatch.translate; case-sensitive as on POSIX)

const CLASS_SPECIAL = new Set(['\\', ']', '[', '^', '-']);
const fnmatchCache = new Map<string, RegExp>();

export function fnmatchRegExp(pattern: string): RegExp {
  const cached = fnmatchCache.get(pattern);
  if (cached) return cached;
  const chars = Array.from(pattern);
  const pieces: string[] = [];
  const STAR = '\u0000STAR';
  let i = 0;
  const n = chars.length;
  while (i < n) {
    const c = chars[i++]!;
    if (c === '*') {
      if (pieces[pieces.length - 1] !== STAR) pieces.push(STAR);
    } else if (c === '?') {
      pieces.push('.');
    } else if (c === '[') {
      let j = i;
      if (j < n && chars[j] === '!') j++;
      if (j < n && chars[j] === ']') j++;
      while (j < n && chars[j] !== ']') j++;
      if (j >= n) {
        pieces.push('\\[');
        continue;
      }
      pieces.push(characterSet(chars, i, j));
      i = j + 1;
    } else {
      pieces.push(pythonRegexEscape(c));
    }
  }
  // Python uses atomic groups for `*fixed*`; for a whole-string match the lazy form
  // accepts exactly the same strings.
  const body = pieces.map((piece) => (piece === STAR ? '.*' : piece)).join('');
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${body})$`, 'su');
  } catch {
    regex = /(?!)/;
  }
  fnmatchCache.set(pattern, regex);
  return regex;
}

/** `[...]` from chars[start..end) (end at the closing bracket), following fnmatch's range rules. */
function characterSet(chars: string[], start: number, end: number): string {
  const content = chars.slice(start, end);
  let chunks: string[][];
  if (!content.includes('-')) {
    chunks = [content];
  } else {
    chunks = [];
    let from = start;
    let k = chars[start] === '!' ? start + 2 : start + 1;
    for (;;) {
      k = indexOfFrom(chars, '-', k, end);
      if (k < 0) break;
      chunks.push(chars.slice(from, k));
      from = k + 1;
      k += 3;
    }
    const last = chars.slice(from, end);
    if (last.length > 0) chunks.push(last);
    else chunks[chunks.length - 1]!.push('-');
    // Drop empty ranges (like z-a), as Python does.
    for (let m = chunks.length - 1; m > 0; m--) {
      const previous = chunks[m - 1]!;
      const current = chunks[m]!;
      const a = previous[previous.length - 1];
      const b = current[0];
      if (a !== undefined && b !== undefined && a.codePointAt(0)! > b.codePointAt(0)!) {
        chunks[m - 1] = [...previous.slice(0, -1), ...current.slice(1)];
        chunks.splice(m, 1);
      }
    }
  }
  const flat = chunks.flat();
  if (flat.length === 0) return '(?!)';
  if (flat.length === 1 && flat[0] === '!' && chunks.length === 1) return '.';
  let negate = false;
  if (chunks[0]![0] === '!') {
    negate = true;
    chunks[0] = chunks[0]!.slice(1);
  }
  const escape = (c: string) => (CLASS_SPECIAL.has(c) ? `\\${c}` : c);
  return `[${negate ? '^' : ''}${chunks.map((chunk) => chunk.map(escape).join('')).join('-')}]`;
}

function indexOfFrom(chars: string[], wanted: string, from: number, end: number): number {
  for (let index = from; index < end; index++) if (chars[index] === wanted) return index;
  return -1;
}

export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchRegExp(pattern).test(name);
}

export function fnmatchFilter(names: Iterable<string>, pattern: string): string[] {
  const regex = fnmatchRegExp(pattern);
  return [...names].filter((name) => regex.test(name));
}

// ---------------------------------------------------------------------------
// shlex.split (POSIX mode, no comments)

export class ShlexError extends Error {
  override readonly name = 'ShlexError';
}

export function shlexSplit(text: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else token += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (chars[i + 1] === '"' || chars[i + 1] === '\\')) token += chars[++i]!;
      else token += c;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) throw new ShlexError('no escaped character');
      token += chars[++i]!;
      inToken = true;
    } else if (c === "'" || c === '"') {
      quote = c;
      inToken = true;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
    } else {
      token += c;
      inToken = true;
    }
  }
  if (quote) throw new ShlexError('no closing quotation');
  if (inToken) tokens.push(token);
  return tokens;
}


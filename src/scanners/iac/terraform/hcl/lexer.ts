/**
 * HCL2 tokens. Strings and heredocs come out whole, as template parts (literal text and
 * the source range of each `${...}` / `%{...}`), so the parser can read interpolations
 * from the same source with correct positions.
 */
export type TokenKind = 'ident' | 'number' | 'string' | 'heredoc' | 'punct' | 'newline' | 'eof';

export interface RawPart {
  kind: 'text' | 'interpolation' | 'directive';
  /** Decoded text for 'text'; source text for the others. */
  value: string;
  /** Source offsets of an interpolation's inside (after `${`, before `}`). */
  start: number;
  end: number;
}

export interface Token {
  kind: TokenKind;
  value: string;
  start: number;
  end: number;
  parts?: RawPart[];
}

export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const PUNCTUATION = ['...', '=>', '==', '!=', '<=', '>=', '&&', '||', '{', '}', '[', ']', '(', ')', ',', '.', '=', '?', ':', '!', '+', '-', '*', '/', '%', '<', '>'];
// HCL's identifiers are Unicode's (ID_Start, then ID_Continue or '-'): `π = 3.14` is a local.
// The ASCII forms are the same sets, tested first as nearly every character is ASCII.
const IDENT_START = { ascii: /[A-Za-z_]/, unicode: /[\p{ID_Start}_]/u };
const IDENT_PART = { ascii: /[A-Za-z0-9_-]/, unicode: /[\p{ID_Continue}-]/u };

/** The length in UTF-16 units (1, or 2 for a surrogate pair) of the character at `i` when `set` holds it, else 0. */
function charIn(source: string, i: number, set: { ascii: RegExp; unicode: RegExp }): number {
  if (i >= source.length) return 0;
  if (source.charCodeAt(i) < 0x80) return set.ascii.test(source[i]!) ? 1 : 0;
  const char = String.fromCodePoint(source.codePointAt(i)!);
  return set.unicode.test(char) ? char.length : 0;
}

export function tokenize(source: string, from = 0, to = source.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '\n') {
      tokens.push({ kind: 'newline', value: '\n', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && source[i + 1] === '/')) {
      while (i < to && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close < 0 || close >= to) throw new HclSyntaxError('unterminated /* comment', i);
      // A block comment spanning lines still ends the statement where a newline would.
      if (source.slice(i, close).includes('\n')) tokens.push({ kind: 'newline', value: '\n', start: i, end: close + 2 });
      i = close + 2;
      continue;
    }
    if (c === '"') {
      const { parts, end } = scanQuoted(source, i + 1, to);
      tokens.push({ kind: 'string', value: source.slice(i, end), start: i, end, parts });
      i = end;
      continue;
    }
    if (c === '<' && source[i + 1] === '<' && /[-A-Za-z_]/.test(source[i + 2] ?? '')) {
      const heredoc = scanHeredoc(source, i, to);
      if (heredoc) {
        tokens.push(heredoc);
        i = heredoc.end;
        continue;
      }
    }
    if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(source.slice(i, Math.min(to, i + 64)))!;
      tokens.push({ kind: 'number', value: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
      continue;
    }
    const start = charIn(source, i, IDENT_START);
    if (start > 0) {
      let j = i + start;
      for (;;) {
        for (let n = charIn(source, j, IDENT_PART); j < to && n > 0; n = charIn(source, j, IDENT_PART)) j += n;
        // provider::aws::arn_parse(...) is one function name.
        if (source[j] === ':' && source[j + 1] === ':' && charIn(source, j + 2, IDENT_START) > 0) {
          j += 2;
          continue;
        }
        break;
      }
      tokens.push({ kind: 'ident', value: source.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct) {
      tokens.push({ kind: 'punct', value: punct, start: i, end: i + punct.length });
      i += punct.length;
      continue;
    }
    throw new HclSyntaxError(`unexpected character ${JSON.stringify(c)}`, i);
  }
  tokens.push({ kind: 'eof', value: '', start: to, end: to });
  return tokens;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Strings inside interpolations inside strings...: past this the file is refused, before the recursion overflows the stack. */
const MAX_QUOTE_NESTING = 150;

/** A quoted template from just after the opening quote; returns its parts and the offset after the closing quote. */
function scanQuoted(source: string, from: number, to: number, nesting = 0): { parts: RawPart[]; end: number } {
  if (nesting > MAX_QUOTE_NESTING) throw new HclSyntaxError(`strings nested in interpolations deeper than ${MAX_QUOTE_NESTING} levels`, from - 1);
  const parts: RawPart[] = [];
  let text = '';
  let textStart = from;
  let i = from;
  const flush = () => {
    if (text) parts.push({ kind: 'text', value: text, start: textStart, end: i });
    text = '';
  };
  while (i < to) {
    const c = source[i]!;
    if (c === '"') {
      flush();
      return { parts, end: i + 1 };
    }
    if (c === '\n') throw new HclSyntaxError('unterminated string (a quoted string cannot span lines)', from - 1);
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'u' || next === 'U') {
        const length = next === 'u' ? 4 : 8;
        const hex = source.slice(i + 2, i + 2 + length);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) throw new HclSyntaxError('invalid unicode escape', i);
        text += String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
        i += 2 + length;
        continue;
      }
      const decoded = ESCAPES[next];
      if (decoded === undefined) throw new HclSyntaxError(`invalid escape \\${next}`, i);
      text += decoded;
      i += 2;
      continue;
    }
    if ((c === '$' || c === '%') && source[i + 1] === c && source[i + 2] === '{') {
      text += `${c}{`;
      i += 3;
      continue;
    }
    if ((c === '$' || c === '%') && source[i + 1] === '{') {
      flush();
      const end = interpolationEnd(source, i + 2, to, nesting);
      parts.push({ kind: c === '$' ? 'interpolation' : 'directive', value: source.slice(i + 2, end), start: i + 2, end });
      i = end + 1;
      textStart = i;
      continue;
    }
    text += c;
    i++;
  }
  throw new HclSyntaxError('unterminated string', from - 1);
}

/** The offset of the `}` that closes an interpolation starting at `from` (just after `${`). */
function interpolationEnd(source: string, from: number, to: number, nesting: number): number {
  let depth = 1;
  let i = from;
  while (i < to) {
    const c = source[i]!;
    if (c === '"') {
      i = scanQuoted(source, i + 1, to, nesting + 1).end;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
    i++;
  }
  throw new HclSyntaxError('unterminated interpolation ${...}', from - 2);
}

function scanHeredoc(source: string, start: number, to: number): Token | undefined {
  const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(source.slice(start, Math.min(to, start + 300)));
  if (!header) return undefined;
  const flush = header[1] === '-';
  const marker = header[2]!;
  const bodyStart = start + header[0].length;
  let lineStart = bodyStart;
  const lines: Array<{ text: string; start: number }> = [];
  while (lineStart <= to) {
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > to) lineEnd = to;
    const raw = source.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (raw.trim() === marker) {
      return { kind: 'heredoc', value: source.slice(start, lineEnd), start, end: lineEnd, parts: heredocParts(source, lines, flush) };
    }
    lines.push({ text: raw, start: lineStart });
    if (lineEnd >= to) break;
    lineStart = lineEnd + 1;
  }
  throw new HclSyntaxError(`heredoc <<${marker} is never closed`, start);
}

function heredocParts(source: string, lines: Array<{ text: string; start: number }>, flush: boolean): RawPart[] {
  let indent = 0;
  if (flush) {
    const widths = lines.filter((l) => l.text.trim() !== '').map((l) => /^[ \t]*/.exec(l.text)![0].length);
    indent = widths.length > 0 ? Math.min(...widths) : 0;
  }
  const parts: RawPart[] = [];
  let text = '';
  let textStart = lines[0]?.start ?? 0;
  // Where scanning resumes after an interpolation that spans lines.
  let resume = 0;
  for (const line of lines) {
    const skip = Math.min(indent, /^[ \t]*/.exec(line.text)![0].length);
    const end = line.start + line.text.length;
    if (resume > end) continue;
    let i = Math.max(line.start + skip, resume);
    while (i < end) {
      const c = source[i]!;
      if ((c === '$' || c === '%') && source[i + 1] === c && source[i + 2] === '{') {
        text += `${c}{`;
        i += 3;
        continue;
      }
      if ((c === '$' || c === '%') && source[i + 1] === '{') {
        if (text) parts.push({ kind: 'text', value: text, start: textStart, end: i });
        text = '';
        const close = interpolationEnd(source, i + 2, source.length, 0);
        parts.push({ kind: c === '$' ? 'interpolation' : 'directive', value: source.slice(i + 2, close), start: i + 2, end: close });
        i = close + 1;
        resume = i;
        textStart = i;
        continue;
      }
      text += c;
      i++;
    }
    if (resume <= end) text += '\n';
  }
  if (text) parts.push({ kind: 'text', value: text, start: textStart, end: textStart + text.length });
  return parts;
}

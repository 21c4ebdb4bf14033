/**
 * The `.env` file beside a compose file: Compose reads it (from the project directory,
 * the compose file's own) to fill in `${VAR}` in the file, so a port or image written as
 * a variable takes the value the checkout would run with. Only those values are used
 * here, never printed whole: a `.env` may also hold secrets, which the secrets scanner
 * judges.
 */

/** The variables a `.env` file sets, with the file's path from the scan root. */
export interface DotEnv {
  path: string;
  values: ReadonlyMap<string, string>;
}

/** Larger files are not read: a `.env` of compose variables is a few hundred bytes. */
export const MAX_DOTENV_CHARS = 64 * 1024;
const MAX_ENTRIES = 1000;

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses a `.env` file as Compose does: `KEY=value` lines (an `export ` prefix allowed),
 * `#` comments, a value in single quotes taken as written, one in double quotes with `\n`,
 * `\"` and `\\` escapes, an unquoted value up to a ` #` comment; double-quoted and
 * unquoted values take `${VAR}` from the lines before. A name without `=` comes from the
 * environment and is left unset. Malformed lines are skipped.
 */
export function parseDotEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  if (text.length > MAX_DOTENV_CHARS) return values;
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  while (i < source.length && values.size < MAX_ENTRIES) {
    let end = source.indexOf('\n', i);
    if (end < 0) end = source.length;
    const line = source.slice(i, end);
    i = end + 1;
    const assignment = /^\s*(?:export\s+)?([^\s=#]+)\s*=\s*/.exec(line);
    if (!assignment || !NAME.test(assignment[1]!)) continue;
    const name = assignment[1]!;
    const rest = line.slice(assignment[0].length);
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // A quoted value may go on over several lines, up to its closing quote.
      const start = i - line.length - 1 + assignment[0].length + 1;
      const close = closingQuote(source, start, quote);
      if (close < 0) continue;
      const raw = source.slice(start, close);
      values.set(name, quote === "'" ? raw : interpolate(unescape(raw), values).text);
      const lineEnd = source.indexOf('\n', close);
      i = lineEnd < 0 ? source.length : lineEnd + 1;
      continue;
    }
    values.set(name, interpolate(rest.replace(/(^|\s)#.*$/, '').trim(), values).text);
  }
  return values;
}

function closingQuote(source: string, from: number, quote: string): number {
  for (let j = from; j < source.length; j++) {
    if (quote === '"' && source[j] === '\\') j++;
    else if (source[j] === quote) return j;
  }
  return -1;
}

function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** A text with Compose's variables filled in, whether the `.env` file gave any of them, and whether one had no value at all. */
export interface Interpolated {
  text: string;
  fromDotEnv: boolean;
  /** A variable neither the `.env` file nor a default gave a value: filled in with nothing, or (`${VAR:?message}`) left as written. */
  unresolved: boolean;
}

/**
 * A compose value with its variables filled in as Compose fills them when only the `.env`
 * values are set: `$VAR` and `${VAR}` take the value, or nothing when it is unset;
 * `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset) their default;
 * `${VAR:+alt}` and `${VAR+alt}` the alternative when set; `${VAR:?message}` and
 * `${VAR?message}` the value, and stay as written when it is unset (Compose refuses to
 * run without it, so the value is not known); `$$` is a literal `$`.
 */
export function interpolate(text: string, values: ReadonlyMap<string, string> | undefined): Interpolated {
  let fromDotEnv = false;
  let unresolved = false;
  const replaced = text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, colon: string | undefined, operator: string | undefined, word: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = values?.get(name);
    if (value !== undefined) fromDotEnv = true;
    const set = colon ? value !== undefined && value !== '' : value !== undefined;
    if (operator === '-') return set ? value! : (word ?? '');
    if (operator === '+') return set ? (word ?? '') : '';
    if (value === undefined) unresolved = true;
    if (operator === '?') return set ? value! : whole;
    return value ?? '';
  });
  return { text: replaced, fromDotEnv, unresolved };
}

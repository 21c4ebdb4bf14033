import { compile, Matcher, RegexpError, type Regexp } from '../../helm/regexp.js';
import { MAX_TEXT, UNKNOWN, setKey, type Value } from './value.js';

/**
 * Terraform's regular expression functions (regex, regexall, and replace with a
 * `/pattern/`), in RE2 syntax as Terraform (Go) reads it, on re2js: matching takes time
 * linear in the input whatever the pattern, so no pattern can backtrack for long. The
 * work is still counted (`spend`, characters read times instructions), and inputs and
 * patterns are bounded. A pattern RE2 refuses, a `regex` that matches nothing, or a
 * pattern that mixes named and unnamed groups is an error in Terraform: UNKNOWN here.
 */

/** Longest pattern compiled, and longest input matched (Terraform has no limit; a value this long is no setting). */
const MAX_PATTERN = 4096;
const MAX_INPUT = 64 * 1024;

/** Charges matching work (characters read times instructions); throws OutOfWork past the caller's budget. */
export type Spend = (work: number) => void;

export class OutOfWork extends Error {}

const cache = new Map<string, Regexp | null>();

function compiled(pattern: string): Regexp | undefined {
  if (pattern.length > MAX_PATTERN) return undefined;
  let rx = cache.get(pattern);
  if (rx === undefined) {
    try {
      rx = compile(pattern);
    } catch (error) {
      if (!(error instanceof RegexpError)) throw error;
      rx = null;
    }
    if (cache.size > 256) cache.clear();
    cache.set(pattern, rx);
  }
  return rx ?? undefined;
}

/** A matcher of the pattern on the input, or undefined when either cannot be used. */
function matcher(pattern: Value | undefined, input: Value | undefined, spend: Spend): Matcher | undefined {
  if (typeof pattern !== 'string' || typeof input !== 'string' || input.length > MAX_INPUT) return undefined;
  const rx = compiled(pattern);
  return rx ? new Matcher(rx, input, spend) : undefined;
}

/** What one match gives, as cty's regex does: the match, a list of the groups, or an object of the named ones (a group left out is null). */
function result(rx: Regexp, input: string, match: readonly number[]): Value {
  const groups = rx.re.groupCount();
  if (groups === 0) return input.slice(match[0], match[1]);
  const text = (i: number) => (match[2 * i]! < 0 ? null : input.slice(match[2 * i], match[2 * i + 1]));
  if (rx.names.size === 0) return Array.from({ length: groups }, (_v, i) => text(i + 1));
  const named = [...rx.names.values()];
  // Both kinds of group, or one name twice: Terraform refuses the pattern.
  if (named.length !== groups || named.some((indexes) => indexes.length !== 1)) return UNKNOWN;
  const out: { [key: string]: Value } = {};
  for (const [name, [index]] of rx.names) setKey(out, name, text(index!));
  return out;
}

/** Runs `use`, giving UNKNOWN when the work runs out or the matcher fails. */
function guarded(use: () => Value): Value {
  try {
    return use();
  } catch (error) {
    if (error instanceof OutOfWork || error instanceof RegexpError) return UNKNOWN;
    throw error;
  }
}

export function regex([pattern, input]: Value[], spend: Spend): Value {
  const m = matcher(pattern, input, spend);
  if (!m) return UNKNOWN;
  return guarded(() => {
    const match = m.findSubmatchIndex();
    return match ? result(compiled(pattern as string)!, input as string, match) : UNKNOWN;
  });
}

export function regexall([pattern, input]: Value[], spend: Spend): Value {
  const m = matcher(pattern, input, spend);
  if (!m) return UNKNOWN;
  const rx = compiled(pattern as string)!;
  return guarded(() => {
    const out: Value[] = [];
    for (const match of m.findAllSubmatchIndex(-1)) {
      const item = result(rx, input as string, match);
      if (item === UNKNOWN) return UNKNOWN;
      out.push(item);
    }
    return out;
  });
}

/** `replace(text, "/pattern/", replacement)`: Go's ReplaceAllString (`$1`, `${name}` expanded). */
export function replaceRegex(input: string, search: string, replacement: string, spend: Spend): Value {
  const m = matcher(search.slice(1, -1), input, spend);
  if (!m) return UNKNOWN;
  return guarded(() => m.replaceAll(replacement, false, MAX_TEXT));
}

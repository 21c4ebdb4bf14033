import { createHash } from 'node:crypto';

/**
 * The only form in which secloop ever shows a secret: the first 4 characters, the
 * length and a short hash, enough to recognise a secret without revealing it.
 */
export function redactSecret(secret: string): string {
  const shown = secret.length > 12 ? secret.slice(0, 4) : '';
  return `${shown}…[${secret.length} chars, sha256:${secretHash(secret).slice(0, 12)}]`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * A secret shorter than this is often an ordinary word too (`root`, `mysql`, `admin`
 * as a literal password): it is only replaced where it stands as a whole value, and only
 * in the files where it was found, so that a pod named `mysql-pod` or "runs as root" in
 * another file keep their names.
 */
const SHORT = 8;

/**
 * A longer secret made of letters only (`paperless`, `changeme`, `postgres-admin`) is a
 * word too, the project's or image's name as often as not: it is treated as a short one.
 */
const WORD_LIKE = /^[A-Za-z]+(?:[-_.][A-Za-z]+)*$/;
const MAX_WORD_LIKE = 20;

function isWordLike(secret: string): boolean {
  return secret.length < SHORT || (secret.length <= MAX_WORD_LIKE && WORD_LIKE.test(secret));
}

/** Around a long secret: not inside a longer word or identifier (`ApiKeyValue` keeps its name when `KeyValue` is a secret). */
const WORD_START = '(?<![A-Za-z0-9])';
const WORD_END = '(?![A-Za-z0-9])';

/** Before and after a short secret that stands as a whole value: `PASSWORD: mysql`, `"mysql"`, `pass=mysql;`. */
const VALUE_BEFORE = String.raw`(?<=^|[\s"'=:,(\[{` + '`' + `])`;
const VALUE_AFTER = String.raw`(?=$|[\s"',;)\]}` + '`' + `])`;

/**
 * A secret longer than this is replaced as plain text, not through the pattern: V8 refuses
 * to compile a pattern of one very long literal ("Regular expression too large"), and a
 * value of hundreds of KB (a long line read as a secret) made the whole scan fail.
 */
const MAX_PATTERN_SECRET = 4096;

/** Replaces every registered secret in text with its redacted form. */
export class Redactor {
  private readonly everywhere = new Set<string>();
  /** Secrets longer than MAX_PATTERN_SECRET, replaced wherever they occur, longest first. */
  private readonly huge = new Set<string>();
  /** Short and word-like secrets, by the path (a file, or a directory ending in `/`) where they were found; '' for anywhere. */
  private readonly short = new Map<string, Set<string>>();
  private longPattern: RegExp | null = null;
  private readonly shortPatterns = new Map<string, RegExp | null>();
  private count = 0;

  /** `scope`: the file (or directory, ending in `/`) the secret was found in; short secrets are redacted only there. */
  add(secret: string, scope = ''): void {
    if (secret.length < 4) return;
    if (secret.length > MAX_PATTERN_SECRET) {
      if (this.huge.has(secret)) return;
      this.huge.add(secret);
    } else if (!isWordLike(secret)) {
      if (this.everywhere.has(secret)) return;
      this.everywhere.add(secret);
      this.longPattern = null;
    } else {
      const set = this.short.get(scope) ?? new Set<string>();
      if (set.has(secret)) return;
      set.add(secret);
      this.short.set(scope, set);
      this.shortPatterns.clear();
    }
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /**
   * `where`: the path the text belongs to (a finding's file), which selects the short
   * secrets found there. `names`: the names of what the text is about, which the file shows
   * openly (a finding's resource, `service gitea`, and the image it names, `postgres`). Where
   * a short secret stands inside one of those names it stays: it is the name the file gives,
   * not the value, and redacting it there would both garble the message ("service db uses
   * …[8 chars]") and tell that the value equals the name.
   *
   * `source`: the text of the file a message is about. A short secret of lower-case letters
   * that stands in the message as a word of a sentence (`a literal secret in`, `a guessable
   * password;`), where the file holds neither it with the word before it nor it with the word
   * after it, is secloop's own word, not a value copied from the file: it stays. A file whose
   * password is `password` or `secret` made every message about it read "a literal …[6 chars]",
   * which also told the value. A quoted command or setting (`-p password`, `echo secret >`)
   * is in the file as quoted, and is redacted.
   */
  redact(text: string, where = '', names: string | readonly string[] = [], source?: string): string {
    if (this.count === 0) return text;
    let out = text;
    for (const secret of [...this.huge].sort((a, b) => b.length - a.length)) if (out.includes(secret)) out = out.split(secret).join(redactSecret(secret));
    if (this.everywhere.size > 0) {
      // Longest first, so that a secret containing another is replaced whole.
      this.longPattern ??= alternation(this.everywhere, WORD_START, WORD_END);
      out = out.replace(this.longPattern, (secret) => redactSecret(secret));
    }
    if (this.short.size > 0) {
      const pattern = this.shortPatternFor(where);
      const kept = ([] as string[]).concat(names).flatMap((name) => occurrences(out, name));
      const prose = source === undefined ? undefined : this.flattened(source);
      const whole = out;
      if (pattern)
        out = out.replace(pattern, (secret: string, offset: number) =>
          kept.some(([from, to]) => offset >= from && offset < to) || (prose !== undefined && isProseWord(whole, offset, secret, prose)) ? secret : redactSecret(secret),
        );
    }
    return out;
  }

  private lastSource: { text: string; flat: string } | undefined;

  /** The file's text in lower case with its line continuations (`\` at the end of a line) and runs of white space made one space, for the last file asked (findings come file by file). */
  private flattened(source: string): string {
    if (this.lastSource?.text !== source) this.lastSource = { text: source, flat: source.toLowerCase().replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ') };
    return this.lastSource.flat;
  }

  private shortPatternFor(where: string): RegExp | null {
    if (this.shortPatterns.has(where)) return this.shortPatterns.get(where)!;
    const secrets = new Set<string>();
    for (const [scope, set] of this.short) if (scope === '' || scope === where || (scope.endsWith('/') && where.startsWith(scope))) for (const s of set) secrets.add(s);
    const pattern = secrets.size > 0 ? alternation(secrets, VALUE_BEFORE, VALUE_AFTER) : null;
    this.shortPatterns.set(where, pattern);
    return pattern;
  }
}

/**
 * Words of secloop's own messages that files also use as values (`password: password`).
 * Only these can be words of a sentence: any other short value in a message may have been
 * quoted from another file (a `.env` value a compose finding shows), so it is redacted.
 */
const MESSAGE_WORDS = new Set(['password', 'passwords', 'secret', 'secrets', 'token', 'key', 'credential', 'credentials', 'admin', 'root', 'user', 'default', 'example', 'test', 'value', 'literal']);

/**
 * The short secret at `offset` of a message is a word of its sentence: one of MESSAGE_WORDS,
 * between words of letters with one space on each side (or a comma, semicolon or full stop
 * after it), and `flatSource` (the file, flattened) holds neither "before secret" nor
 * "secret after".
 */
function isProseWord(message: string, offset: number, secret: string, flatSource: string): boolean {
  if (!MESSAGE_WORDS.has(secret)) return false;
  const before = /(?:^|[\s(])([A-Za-z]+) $/.exec(message.slice(0, offset));
  if (!before) return false;
  const rest = message.slice(offset + secret.length);
  const after = /^ ([A-Za-z]+)(?=$|[\s,.;:)])/.exec(rest);
  if (!after && !/^[,.;]?(?:\s|$)/.test(rest)) return false;
  if (flatSource.includes(`${before[1]!.toLowerCase()} ${secret}`)) return false;
  return !after || !flatSource.includes(`${secret} ${after[1]!.toLowerCase()}`);
}

/** Where `part` occurs in `text`, as [start, end) offsets. */
function occurrences(text: string, part: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (part === '') return out;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) out.push([at, at + part.length]);
  return out;
}

function alternation(secrets: ReadonlySet<string>, before: string, after: string): RegExp {
  return new RegExp(`${before}(?:${[...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})${after}`, 'g');
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

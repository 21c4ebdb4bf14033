import { CLASS_BIT, classMask, type SinkClass } from '../analysis/value.js';

/**
 * What a regular expression's capture groups can hold. A group that matches only word
 * characters (`(\d+)`, `([a-z0-9_-]+)`) cannot carry quotes, spaces, slashes, dots or shell
 * metacharacters, whatever surrounds it: the text it captured is clean for the sinks that
 * need those. Without `-` it cannot begin a command-line option either. Routers written by hand (`url.match(/^\/users\/(\d+)$/)`) are the usual case.
 *
 * Never cleaned by a group: prototype pollution (`__proto__` is made of word characters),
 * NoSQL operators and regular expressions (`$`), and deserialization (the format decides).
 */

/**
 * The classes each kind of character cannot harm; a group is clean for the classes all of
 * its kinds allow. Word characters and `-`: everything listed. `$` (JavaScript
 * identifiers): not shell commands or SQL (variable expansion, dollar quoting). `.`
 * (property paths, file names): not paths (`..`) or request hosts.
 */
const SAFE_FOR: Readonly<Record<CharKind, number>> = {
  word: classMask('command', 'code', 'path', 'sql', 'xss', 'redirect', 'ssrf', 'header', 'log', 'xxe', 'argument', 'xpath'),
  dash: classMask('command', 'code', 'path', 'sql', 'xss', 'redirect', 'ssrf', 'header', 'log', 'xxe', 'xpath'),
  dollar: classMask('code', 'path', 'xss', 'redirect', 'ssrf', 'header', 'log'),
  dot: classMask('command', 'code', 'sql', 'xss', 'redirect', 'header', 'log', 'xxe'),
  // `/` and `@` (package names, "@scope/name"): nothing to a shell or in HTML text; a slash still
  // climbs directories and both reshape URLs ("//host", "user@host").
  slash: classMask('command', 'xss', 'header', 'log', 'xxe'),
  at: classMask('command', 'path', 'xss', 'header', 'log', 'xxe'),
  other: 0,
};

const MAX_PATTERN = 2000;

type CharKind = 'word' | 'dash' | 'dollar' | 'dot' | 'slash' | 'at' | 'other';

/** The kinds of characters a character class admits (undefined: anything, e.g. a negated class). */
function classKinds(body: string): Set<CharKind> | undefined {
  if (body.startsWith('^')) return undefined;
  const kinds = new Set<CharKind>();
  for (let i = 0; i < body.length; i++) {
    let ch = body[i]!;
    if (ch === '\\') {
      const next = body[++i];
      if (next === undefined) return undefined;
      if (next === 'd' || next === 'w') {
        kinds.add('word');
        continue;
      }
      if (/[A-Za-z]/.test(next)) return undefined; // \s, \W, \D, \b, \u…: not only safe characters
      ch = next;
    } else if (body[i + 1] === '-' && i + 2 < body.length) {
      const to = body[i + 2]!;
      if (!(/[a-z]/.test(ch) && /[a-z]/.test(to)) && !(/[A-Z]/.test(ch) && /[A-Z]/.test(to)) && !(/[0-9]/.test(ch) && /[0-9]/.test(to))) return undefined;
      kinds.add('word');
      i += 2;
      continue;
    }
    kinds.add(kindOf(ch));
  }
  return kinds;
}

function kindOf(ch: string): CharKind {
  if (/[A-Za-z0-9_]/.test(ch)) return 'word';
  if (ch === '-') return 'dash';
  if (ch === '$') return 'dollar';
  if (ch === '.') return 'dot';
  if (ch === '/') return 'slash';
  if (ch === '@') return 'at';
  return 'other';
}

interface Group {
  start: number;
  capturing: boolean;
  kinds: Set<CharKind> | undefined;
}

/**
 * For each capture group (index 1, 2, …), the sink classes the captured text is clean for;
 * 0 where the group may hold anything. Undefined when the pattern is not understood.
 */
export function captureCleaning(pattern: string): number[] | undefined {
  if (pattern.length > MAX_PATTERN) return undefined;
  const result: number[] = [0];
  const open: Group[] = [];
  const admit = (kinds: Set<CharKind> | undefined) => {
    for (const g of open) {
      if (!g.kinds) continue;
      if (!kinds) g.kinds = undefined;
      else for (const k of kinds) g.kinds.add(k);
    }
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[++i];
      if (next === undefined) return undefined;
      if (next === 'd' || next === 'w') admit(new Set(['word']));
      else if (next === 'b' || next === 'B') continue;
      else if (/[A-Za-z0-9]/.test(next)) admit(undefined); // \s, \W, \D, \u…, back-references
      else admit(new Set([kindOf(next)]));
    } else if (ch === '[') {
      let end = i + 1;
      if (pattern[end] === ']') end++;
      while (end < pattern.length && pattern[end] !== ']') end += pattern[end] === '\\' ? 2 : 1;
      if (end >= pattern.length) return undefined;
      admit(classKinds(pattern.slice(i + 1, end)));
      i = end;
    } else if (ch === '(') {
      let capturing = true;
      if (pattern[i + 1] === '?') {
        const named = pattern[i + 2] === '<' && pattern[i + 3] !== '=' && pattern[i + 3] !== '!';
        capturing = named;
        if (named) {
          const close = pattern.indexOf('>', i);
          if (close < 0) return undefined;
          i = close;
        } else i += pattern[i + 2] === '<' ? 3 : 2;
      }
      const group: Group = { start: result.length, capturing, kinds: new Set() };
      if (capturing) result.push(0);
      open.push(group);
    } else if (ch === ')') {
      const group = open.pop();
      if (!group) return undefined;
      if (group.capturing) result[group.start] = maskFor(group.kinds);
    } else if ('|^$*+?'.includes(ch) || insideQuantifier(pattern, i)) {
      // Alternation, anchors and quantifiers match no character themselves.
    } else if (ch === '.') admit(undefined);
    else admit(new Set([kindOf(ch)]));
  }
  if (open.length > 0) return undefined;
  return result;
}

/** Whether position i is inside a `{n}`, `{n,}` or `{n,m}` quantifier. */
function insideQuantifier(pattern: string, i: number): boolean {
  const before = pattern.lastIndexOf('{', i);
  if (before < 0) return false;
  const after = pattern.indexOf('}', before);
  if (after < i) return false;
  return /^\{\d+(,\d*)?\}$/.test(pattern.slice(before, after + 1));
}

function maskFor(kinds: Set<CharKind> | undefined): number {
  if (!kinds || kinds.size === 0) return 0;
  let mask = -1;
  for (const kind of kinds) mask &= SAFE_FOR[kind];
  return mask;
}

/** Exposed for the tests: whether a mask cleans a class. */
export function cleans(mask: number, cls: SinkClass): boolean {
  return (mask & CLASS_BIT[cls]) !== 0;
}

import type { RE2JS, Matcher as RE2Matcher } from 're2js';
import { re2jsPackage } from '../../../core/packages.js';

/**
 * Go's regexp methods, as Sprig calls them, on re2js (RE2: linear-time matching). re2js
 * iterates, splits and replaces as Java and JavaScript do; these loops follow Go's
 * allMatches, replaceAll, Split and Expand instead.
 */

export class RegexpError extends Error {}

/** A compiled pattern, and the groups of each name in the order they appear. */
export interface Regexp {
  re: RE2JS;
  names: ReadonlyMap<string, number[]>;
  /** How re2js searches for it, for the cost of a search (see Matcher). */
  plan?: Plan;
}

/**
 * What re2js's program tells of a search's work: the literal text every match starts with
 * (re2js jumps from one occurrence to the next with indexOf while no thread is alive),
 * whether the whole pattern is that text (then a search is an indexOf), and the most
 * characters a match can span (Infinity with a loop).
 */
interface Plan {
  prefix: string;
  complete: boolean;
  subexps: number;
  maxChars: number;
}

interface ProgInst {
  op: number;
  out: number;
  arg: number;
}
// re2js's instruction codes (Inst).
const ALT = 1;
const ALT_MATCH = 2;
const MATCH = 6;
const FAIL = 5;
const RUNE_FIRST = 8;
const RUNE_LAST = 11;
const LB_FIRST = 12;

/** The plan from re2js's compiled program; undefined when it is not as expected (then a search is charged its worst case). */
function planOf(re: RE2JS): Plan | undefined {
  const re2 = (re as unknown as { re2Input?: { prefix?: unknown; prefixComplete?: unknown; numSubexp?: unknown; prog?: { inst?: unknown; start?: unknown } } }).re2Input;
  const prog = re2?.prog;
  if (typeof re2?.prefix !== 'string' || typeof re2.prefixComplete !== 'boolean' || typeof re2.numSubexp !== 'number' || !Array.isArray(prog?.inst) || typeof prog.start !== 'number') return undefined;
  const insts = prog.inst as ProgInst[];
  if (insts.length > 2000) return undefined;
  // The most runes on a path from the start to a match, by depth-first search; a cycle is a loop.
  const longest = new Map<number, number>();
  const onPath = new Set<number>();
  const visit = (pc: number): number => {
    const known = longest.get(pc);
    if (known !== undefined) return known;
    const inst = insts[pc];
    if (!inst || onPath.has(pc) || inst.op >= LB_FIRST) return Infinity;
    onPath.add(pc);
    let n: number;
    if (inst.op === MATCH || inst.op === FAIL) n = 0;
    else if (inst.op === ALT || inst.op === ALT_MATCH) n = Math.max(visit(inst.out), visit(inst.arg));
    else n = visit(inst.out) + (inst.op >= RUNE_FIRST && inst.op <= RUNE_LAST ? 1 : 0);
    onPath.delete(pc);
    longest.set(pc, n);
    return n;
  };
  // A rune is one or two UTF-16 characters.
  return { prefix: re2.prefix, complete: re2.prefixComplete, subexps: re2.numSubexp, maxChars: 2 * visit(prog.start) };
}

function compileRE2(pattern: string): RE2JS {
  try {
    return re2jsPackage().RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof re2jsPackage().RE2JSSyntaxException)) throw error;
    // Go quotes the whole pattern after these (nothing after a trailing backslash), re2js nothing.
    const m = /: (?:(expression too large|expression nests too deeply)|trailing backslash at end of expression)$/.exec(error.message);
    throw new RegexpError(m ? `${error.message}: \`${m[1] ? pattern : ''}\`` : error.message);
  }
}

/** Compiles RE2 syntax, failing with Go's message ("error parsing regexp: ..."). */
export function compile(pattern: string): Regexp {
  try {
    const re = compileRE2(pattern);
    return { re, names: new Map(Object.entries(re.namedGroups()).map(([name, index]) => [name, [index]])), plan: planOf(re) };
  } catch (error) {
    if (error instanceof RegexpError && error.message.includes('duplicate capture group name')) return compileApart(pattern);
    throw error;
  }
}

/** Go allows several groups of one name, RE2 does not: re2js gets them apart (`n` as `n_1`, `n_2`...). */
function compileApart(pattern: string): Regexp {
  // Longer than any run of _ in the pattern: the suffixes are told from its own text.
  const sep = '_'.repeat(Math.max(0, ...(pattern.match(/_+/g) ?? []).map((run) => run.length)) + 1);
  const strip = (s: string) => s.replace(new RegExp(`${sep}\\d+`, 'g'), '');
  const attempt = (p: string) => {
    try {
      return compileRE2(p);
    } catch (error) {
      throw error instanceof RegexpError ? new RegexpError(strip(error.message)) : error;
    }
  };
  const tagged = (keep: (name: string) => boolean) => {
    let i = 0;
    return pattern.replace(/(\(\?P?<)(\w+)>/g, (opener, open: string, name: string) => (keep(`${name}${sep}${++i}`) ? `${open}${name}${sep}${i}>` : opener));
  };
  // Text that only looks like a group (in a class, after a backslash) is left as it was.
  const groups = attempt(tagged(() => true)).namedGroups();
  const re = attempt(tagged((name) => Object.hasOwn(groups, name)));
  const names = new Map<string, number[]>();
  for (const [name, index] of Object.entries(re.namedGroups()).sort((a, b) => a[1] - b[1])) names.set(strip(name), [...(names.get(strip(name)) ?? []), index]);
  return { re, names, plan: planOf(re) };
}

const LITERAL = String.raw`[^\\.+*?()|[\]{}^$]|\\[^\p{L}\p{N}]|\\[afnrtv]`;
const CLASS = String.raw`\.|\\[sSdDwW]|\[\^?(?:[^\\\][]|\\[^\p{L}\p{N}]|\\[afnrtvsSdDwW])+\]`;
/**
 * A literal, or one character (class) with a quantifier: `\n`, `,`, `\s+`, `[^a-z0-9]+`. A
 * search for one reads at most one character past its match. Any other pattern may read to
 * the end of the input whatever it matches: `a(?:.*z)?` does at each `a`, so searching again
 * after each match is quadratic (in Go too).
 */
const SHORT_SEARCH = new RegExp(`^(?:(?:${LITERAL})*|(?:${LITERAL}|${CLASS})(?:[*+?]|\\{\\d+(?:,\\d*)?\\})?\\??)$`, 'u');

/** What starting a search costs re2js, in characters read. */
const SEARCH_COST = 32;
/**
 * Above this worst case (characters left times instructions, about a tenth of a second), a
 * search with a plan must be affordable before it runs, with every occurrence of its prefix to
 * the end: one search never runs long past the budget.
 */
const UPFRONT_WORK = 4_000_000;
/** The most occurrences of a prefix a matcher keeps. */
const MAX_OCCURRENCES = 1 << 18;

/**
 * A compiled pattern applied to one string. `spend` is told what each search may cost, in
 * characters read times the program's instructions alive at each (at most all of them):
 *  - a pattern that is literal text is found with indexOf: one unit a character;
 *  - a pattern that starts with literal text and spans at most a bounded number of
 *    characters: re2js jumps between occurrences of that text with indexOf (one unit a
 *    character) and runs the program only from each occurrence, for at most that span;
 *  - a short search (see SHORT_SEARCH), once it has run: every character up to its match;
 *  - any other, before it runs: every character left.
 */
export class Matcher {
  private readonly re: RE2JS;
  private readonly m: RE2Matcher;
  private readonly size: number;
  private readonly short: boolean;
  private readonly plan: Plan | undefined;
  /** Where the prefix occurs: not looked for yet (undefined), too often (null). */
  private at: number[] | null | undefined;

  constructor(
    private readonly rx: Regexp,
    private readonly s: string,
    private readonly spend: (work: number) => void,
    /** Fails, as `spend` would, when the work cannot be spent; spends nothing. Without it, such work is spent. */
    private readonly afford: (work: number) => void = spend,
  ) {
    this.re = rx.re;
    this.m = rx.re.matcher(s);
    this.size = rx.re.programSize();
    this.short = SHORT_SEARCH.test(rx.re.pattern());
    // re2js's own limits on the prefix jumps: none with a case-insensitive start (no prefix then) or lookbehind (a loop to it).
    const plan = rx.plan;
    this.plan = plan && plan.prefix !== '' && (plan.complete || plan.maxChars !== Infinity) ? plan : undefined;
  }

  test(): boolean {
    if (this.plan?.complete) {
      const at = this.s.indexOf(this.plan.prefix);
      this.spend((at < 0 ? this.s.length : at + this.plan.prefix.length) + SEARCH_COST);
      return at >= 0;
    }
    this.spend((this.s.length + SEARCH_COST) * this.size);
    return this.re.test(this.s);
  }

  /** Where the plan's prefix occurs in the input (overlapping), found once; undefined when too many to keep (then searches are charged their worst case). */
  private occurrences(plan: Plan): number[] | undefined {
    if (this.at === undefined) {
      const at: number[] = [];
      for (let i = this.s.indexOf(plan.prefix); i >= 0 && at.length <= MAX_OCCURRENCES; i = this.s.indexOf(plan.prefix, i + 1)) at.push(i);
      this.spend(this.s.length + SEARCH_COST);
      this.at = at.length > MAX_OCCURRENCES ? null : at;
    }
    return this.at ?? undefined;
  }

  /** How many of the prefix's occurrences start in [from, to). */
  private between(at: number[], from: number, to: number): number {
    const first = (x: number) => {
      let lo = 0;
      let hi = at.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (at[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    return first(to) - first(from);
  }

  /**
   * What a search from `pos` that read up to `end` costs with the plan: the characters jumped
   * over, and the program's run from each occurrence of the prefix it read.
   */
  private planned(plan: Plan, at: number[] | undefined, pos: number, end: number): number {
    if (plan.complete) return end - pos + SEARCH_COST;
    return end - pos + (SEARCH_COST + Math.min(this.between(at!, pos, end) * (plan.maxChars + 1), end - pos)) * this.size;
  }

  /** The leftmost-first match at or after `pos`: start and end of the match, then of each group (-1 for a group left out). */
  private search(pos: number, groups: boolean): number[] | undefined {
    const left = this.s.length - pos;
    // A literal pattern is found by indexOf, unless its groups are asked for (none: re2js still uses indexOf).
    let plan = this.plan && (!this.plan.complete || !groups || this.plan.subexps === 0) ? this.plan : undefined;
    const at = plan && !plan.complete ? this.occurrences(plan) : undefined;
    if (plan && !plan.complete && !at) plan = undefined;
    // indexOf costs at most the characters left; a search that runs the program and may cost
    // much must be affordable before it runs, to the end of the input.
    const upfront = plan !== undefined && !plan.complete && (left + SEARCH_COST) * this.size > UPFRONT_WORK;
    if (upfront) this.afford(this.planned(plan!, at, pos, this.s.length));
    else if (!plan && !this.short) this.spend((left + SEARCH_COST) * this.size);
    const found = this.m.find(pos);
    if (plan && (!upfront || this.afford !== this.spend)) this.spend(this.planned(plan, at, pos, !found ? this.s.length : plan.complete ? this.m.end() : Math.min(this.m.start() + plan.maxChars + 1, this.s.length)));
    else if (!plan && this.short) this.spend(((found ? Math.min(this.m.end() - pos + 1, left) : left) + SEARCH_COST) * this.size);
    if (!found) return undefined;
    if (!groups) return [this.m.start(), this.m.end()];
    // The groups cost re2js a second search, from the start of the match.
    this.spend(((plan ? Math.min(plan.maxChars + 1, this.s.length - this.m.start()) : this.s.length - this.m.start()) + SEARCH_COST) * this.size);
    return Array.from({ length: this.re.groupCount() + 1 }, (_v, g) => [this.m.start(g), this.m.end(g)]).flat();
  }

  /** Past the code point at `pos` (one past the end at the end). */
  private next(pos: number): number {
    return pos + ((this.s.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1);
  }

  /** Go's allMatches: at most n (all when n < 0); an empty match right after a match does not count. */
  private all(n: number, groups = false): number[][] {
    const out: number[][] = [];
    for (let pos = 0, prevEnd = -1; (n < 0 || out.length < n) && pos <= this.s.length; ) {
      const match = this.search(pos, groups);
      if (!match) break;
      const [from, to] = match as [number, number];
      const accept = !(to === pos && from === prevEnd);
      pos = to === pos ? this.next(pos) : to;
      prevEnd = to;
      if (accept) out.push(match);
    }
    return out;
  }

  find(): string {
    const match = this.search(0, false);
    return match ? this.s.slice(match[0], match[1]) : '';
  }

  findAll(n: number): string[] {
    return this.all(n).map(([from, to]) => this.s.slice(from, to));
  }

  /** FindStringSubmatchIndex: the first match's start and end, then each group's (-1 for a group left out). */
  findSubmatchIndex(): number[] | undefined {
    return this.search(0, true);
  }

  /** FindAllStringSubmatchIndex: each match as findSubmatchIndex gives it. */
  findAllSubmatchIndex(n: number): number[][] {
    return this.all(n, true);
  }

  /** ReplaceAllString (`$1`, `${name}`, `$$` expanded as Go's Expand does) or ReplaceAllLiteralString. */
  replaceAll(replacement: string, literal: boolean, maxChars: number): string {
    const expand = !literal && replacement.includes('$');
    let out = '';
    let lastEnd = 0;
    for (let pos = 0; pos <= this.s.length; ) {
      const match = this.search(pos, expand);
      if (!match) break;
      const [from, to] = match as [number, number];
      out += this.s.slice(lastEnd, from);
      // Not for an empty match right after a match.
      if (to > lastEnd || from === 0) out += expand ? this.expand(replacement, match) : replacement;
      if (out.length > maxChars) throw new RegexpError('replacement result is too long');
      lastEnd = to;
      pos = Math.max(this.next(pos), to);
    }
    return out + this.s.slice(lastEnd);
  }

  /** Go's Regexp.Expand: `$name` takes the longest name (letters, digits, _), so `$1x` is the group named `1x`. */
  private expand(template: string, match: number[]): string {
    return template.replace(/\$(?:\$|\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))?/gu, (_whole, braced?: string, bare?: string) => {
      const name = braced ?? bare;
      // `$$` is `$`; a `$` without a name stays as it is.
      if (name === undefined) return '$';
      // Up to nine digits without a leading zero make a group's index, anything else a name (its first group that took part).
      const indexes = /^(?:0|[1-9]\d{0,8})$/.test(name) ? [Number(name)] : (this.rx.names.get(name) ?? []);
      const index = indexes.find((i) => (match[2 * i] ?? -1) >= 0);
      return index === undefined ? '' : this.s.slice(match[2 * index], match[2 * index + 1]);
    });
  }

  /** Go's Regexp.Split: n < 0 all the pieces, n == 0 none, n > 0 at most n (the last one the rest). */
  split(n: number): string[] {
    if (n === 0) return [];
    if (this.re.pattern() !== '' && this.s === '') return [''];
    const out: string[] = [];
    let begin = 0;
    let end = 0;
    for (const [from, to] of this.all(n)) {
      if (n > 0 && out.length === n - 1) break;
      end = from!;
      if (to !== 0) out.push(this.s.slice(begin, end));
      begin = to!;
    }
    if (end !== this.s.length) out.push(this.s.slice(begin));
    return out;
  }
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * Catastrophic backtracking in regular expressions: an unbounded repetition whose body
 * can itself match the same text in more than one way, either because what it
 * requires is only another unbounded repetition ((a+)+, (\w+\s?)*) or because two
 * alternatives start with the same characters and one can stand in for the other
 * ((a|aa)+, (\w|\d)*). A small parser; unsupported syntax gives "not vulnerable".
 */

type CharSet = { any: boolean; chars: Set<string>; classes: Set<string>; negated: boolean };

type Node =
  | { kind: 'char'; set: CharSet }
  | { kind: 'group'; alternatives: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number }
  | { kind: 'assert' };

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node[][] | null {
    const alts = this.alternatives();
    return this.i === this.src.length ? alts : null;
  }

  private alternatives(): Node[][] {
    const alts: Node[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Node[] {
    const seq: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      if (!atom) throw new Error('unsupported');
      seq.push(this.quantified(atom));
    }
    return seq;
  }

  private quantified(atom: Node): Node {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.src[this.i] === '?' || this.src[this.i] === '+') this.i++;
    return { kind: 'repeat', node: atom, min, max };
  }

  private atom(): Node | null {
    const c = this.src[this.i]!;
    if (c === '(') {
      this.i++;
      if (this.src[this.i] === '?') {
        const look = /^\?(<?[=!]|:|<[A-Za-z_]\w*>)/.exec(this.src.slice(this.i));
        if (!look) return null;
        this.i += look[0].length;
        const kind = look[1]!;
        if (kind === '=' || kind === '!' || kind === '<=' || kind === '<!') {
          this.alternatives();
          if (this.src[this.i] !== ')') return null;
          this.i++;
          return { kind: 'assert' };
        }
      }
      const alternatives = this.alternatives();
      if (this.src[this.i] !== ')') return null;
      this.i++;
      return { kind: 'group', alternatives };
    }
    if (c === '[') return this.charClass();
    if (c === '^' || c === '$') {
      this.i++;
      return { kind: 'assert' };
    }
    if (c === '.') {
      this.i++;
      return { kind: 'char', set: { any: true, chars: new Set(), classes: new Set(), negated: false } };
    }
    if (c === '\\') return this.escape();
    if ('*+?{'.includes(c)) {
      if (c === '{' && !/^\{\d/.test(this.src.slice(this.i))) {
        this.i++;
        return literal(c);
      }
      return null;
    }
    this.i++;
    return literal(c);
  }

  private escape(): Node {
    const next = this.src[this.i + 1] ?? '';
    this.i += 2;
    if (next === 'b' || next === 'B') return { kind: 'assert' };
    if ('wdsWDS'.includes(next)) return { kind: 'char', set: { any: false, chars: new Set(), classes: new Set([next]), negated: false } };
    if (next === 'u' || next === 'x') {
      const m = /^(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{2,4})/.exec(this.src.slice(this.i));
      if (m) this.i += m[0].length;
      return { kind: 'char', set: { any: false, chars: new Set([`\\${next}`]), classes: new Set(), negated: false } };
    }
    if (/[1-9]/.test(next)) return { kind: 'char', set: { any: true, chars: new Set(), classes: new Set(), negated: false } };
    const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };
    return literal(map[next] ?? next);
  }

  private charClass(): Node {
    this.i++;
    const set: CharSet = { any: false, chars: new Set(), classes: new Set(), negated: false };
    if (this.src[this.i] === '^') {
      set.negated = true;
      this.i++;
    }
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let c = this.src[this.i]!;
      if (c === '\\') {
        const next = this.src[this.i + 1] ?? '';
        this.i += 2;
        if ('wdsWDS'.includes(next)) {
          set.classes.add(next);
          continue;
        }
        c = ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[next] ?? next;
      } else this.i++;
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        let end = this.src[this.i + 1]!;
        this.i += 2;
        if (end === '\\') {
          end = this.src[this.i] ?? end;
          this.i++;
        }
        for (let code = c.charCodeAt(0); code <= end.charCodeAt(0) && code - c.charCodeAt(0) < 400; code++) set.chars.add(String.fromCharCode(code));
        continue;
      }
      set.chars.add(c);
    }
    this.i++;
    return { kind: 'char', set };
  }
}

function literal(c: string): Node {
  return { kind: 'char', set: { any: false, chars: new Set([c]), classes: new Set(), negated: false } };
}

const SAMPLES: Readonly<Record<string, string>> = { w: 'aZ0_', d: '05', s: ' \t\n', W: ' -.!', D: 'a -', S: 'a0-.' };

function setContains(set: CharSet, ch: string): boolean {
  if (set.any) return ch !== '\n';
  let inSet = set.chars.has(ch);
  if (!inSet) {
    for (const cls of set.classes) {
      if (cls === 'w' && /\w/.test(ch)) inSet = true;
      else if (cls === 'd' && /\d/.test(ch)) inSet = true;
      else if (cls === 's' && /\s/.test(ch)) inSet = true;
      else if (cls === 'W' && /\W/.test(ch)) inSet = true;
      else if (cls === 'D' && /\D/.test(ch)) inSet = true;
      else if (cls === 'S' && /\S/.test(ch)) inSet = true;
    }
  }
  return set.negated ? !inSet : inSet;
}

/** Representative characters of a set, to test overlaps. */
function samples(set: CharSet): string[] {
  const out = new Set<string>();
  if (set.any) return ['a', 'Z', '0', ' ', '-', '.', '/', '_'];
  for (const c of set.chars) out.add(c);
  for (const cls of set.classes) for (const c of SAMPLES[cls] ?? '') out.add(c);
  if (set.negated) return ['a', 'Z', '0', ' ', '-', '.', '/', '_', '"', "'"].filter((c) => setContains(set, c));
  return [...out];
}

function overlaps(a: CharSet, b: CharSet): boolean {
  return samples(a).some((c) => setContains(b, c)) || samples(b).some((c) => setContains(a, c));
}

function minLength(nodes: Node[]): number {
  let n = 0;
  for (const node of nodes) {
    if (node.kind === 'char') n += 1;
    else if (node.kind === 'group') n += Math.min(...node.alternatives.map(minLength));
    else if (node.kind === 'repeat') n += node.min * minLength([node.node]);
  }
  return n;
}

/** First characters a sequence can start with (null: could be empty / unknown). */
function firstSets(nodes: Node[]): CharSet[] {
  const out: CharSet[] = [];
  for (const node of nodes) {
    if (node.kind === 'assert') continue;
    if (node.kind === 'char') {
      out.push(node.set);
      return out;
    }
    if (node.kind === 'group') {
      for (const alt of node.alternatives) out.push(...firstSets(alt));
      if (node.alternatives.every((alt) => minLength(alt) > 0)) return out;
      continue;
    }
    out.push(...firstSets([node.node]));
    if (node.min > 0 && minLength([node.node]) > 0) return out;
  }
  return out;
}

/** The mandatory elements of a sequence are all unbounded repetitions (so the body can split its match). */
function onlyRepetitions(seq: Node[]): boolean {
  const mandatory = seq.filter((n) => n.kind !== 'assert' && !(n.kind === 'repeat' && n.min === 0));
  if (mandatory.length === 0) return false;
  return mandatory.every((n) => {
    if (n.kind === 'repeat') return n.max === Infinity || (n.node.kind === 'group' && n.node.alternatives.some(onlyRepetitions));
    if (n.kind === 'group') return n.alternatives.some(onlyRepetitions);
    return false;
  });
}

function charRepeat(n: Node): CharSet | null {
  if (n.kind !== 'repeat' || n.max !== Infinity) return null;
  let inner = n.node;
  while (inner.kind === 'group' && inner.alternatives.length === 1 && inner.alternatives[0]!.length === 1) inner = inner.alternatives[0]![0]!;
  return inner.kind === 'char' ? inner.set : null;
}

/**
 * Inside a repeated body, two unbounded repetitions of overlapping characters with
 * nothing distinct between them (\s*,?\s*), or one unbounded repetition whose only
 * other mandatory parts it also matches ([a-z]+.), split the same text many ways.
 */
function ambiguousSequence(seq: Node[]): boolean {
  for (let i = 0; i < seq.length; i++) {
    const a = charRepeat(seq[i]!);
    if (!a) continue;
    const others = seq.filter((_, k) => k !== i && seq[k]!.kind !== 'assert');
    const mandatoryOthers = others.filter((n) => !(n.kind === 'repeat' && n.min === 0));
    if (mandatoryOthers.length > 0 && mandatoryOthers.every((n) => (n.kind === 'char' && overlaps(a, n.set)) || (charRepeat(n) && overlaps(a, charRepeat(n)!)))) return true;
    for (let j = i + 1; j < seq.length; j++) {
      const b = charRepeat(seq[j]!);
      if (!b) {
        const n = seq[j]!;
        const optional = n.kind === 'repeat' && n.min === 0;
        if (n.kind === 'assert' || optional) continue;
        if (n.kind === 'char' && overlaps(a, n.set)) continue;
        break;
      }
      if (overlaps(a, b)) return true;
      break;
    }
  }
  return false;
}

function ambiguousAlternation(alternatives: Node[][]): boolean {
  for (let i = 0; i < alternatives.length; i++) {
    for (let j = i + 1; j < alternatives.length; j++) {
      const a = alternatives[i]!;
      const b = alternatives[j]!;
      const fa = firstSets(a);
      const fb = firstSets(b);
      if (!fa.some((x) => fb.some((y) => overlaps(x, y)))) continue;
      // One alternative can stand in for (part of) the other: single-character branches, or one a repetition.
      const single = (seq: Node[]) => seq.length === 1 && (seq[0]!.kind === 'char' || (seq[0]!.kind === 'repeat' && seq[0]!.node.kind === 'char'));
      if (single(a) && single(b)) return true;
      if (isPrefixLiteral(a, b) || isPrefixLiteral(b, a)) return true;
    }
  }
  return false;
}

/** `a` is a literal prefix of `b`, and `b` is `a` repeated: a|aa. */
function isPrefixLiteral(a: Node[], b: Node[]): boolean {
  if (a.length === 0 || b.length <= a.length) return false;
  if (!a.every((n) => n.kind === 'char') || !b.every((n) => n.kind === 'char')) return false;
  const text = (seq: Node[]) => seq.map((n) => (n.kind === 'char' ? [...n.set.chars].join('') : '')).join('');
  const ta = text(a);
  const tb = text(b);
  return ta.length > 0 && tb.startsWith(ta) && tb === ta.repeat(tb.length / ta.length);
}

/**
 * Whether what follows can fail once the repetition has matched: an assertion ($, \b,
 * a lookahead) or a mandatory element. When nothing after it can fail, the first way the
 * repetition matches is accepted and its other splits are never tried, so `(a+)+` at the
 * pattern's end is linear however ambiguous it is.
 */
function canFail(rest: Node[]): boolean {
  return rest.some((n) => n.kind === 'assert' || !(n.kind === 'repeat' && n.min === 0));
}

/** A character repeated a variable number of times, at least once ([a-z]{2,4}): repeated again, runs of it split many ways. */
function countedRange(n: Node): boolean {
  return n.kind === 'repeat' && n.node.kind === 'char' && n.min >= 1 && n.max > n.min;
}

function vulnerableIn(nodes: Node[], afterFails: boolean): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const continuationFails = afterFails || canFail(nodes.slice(i + 1));
    if (node.kind === 'group') {
      if (node.alternatives.some((alt) => vulnerableIn(alt, continuationFails))) return true;
    } else if (node.kind === 'repeat') {
      const unbounded = node.max === Infinity || node.max > 10;
      const body = node.node;
      if (unbounded && continuationFails && body.kind === 'group') {
        if (body.alternatives.some(onlyRepetitions) && body.alternatives.length === 1) return true;
        if (body.alternatives.length === 1 && body.alternatives[0]!.length === 1 && body.alternatives[0]![0]!.kind === 'repeat' && body.alternatives[0]![0]!.max === Infinity) return true;
        if (body.alternatives.length === 1 && body.alternatives[0]!.length === 1 && countedRange(body.alternatives[0]![0]!)) return true;
        if (ambiguousAlternation(body.alternatives)) return true;
        if (body.alternatives.some(ambiguousSequence)) return true;
      }
      if (unbounded && continuationFails && body.kind === 'repeat' && body.max === Infinity) return true;
      // Another pass of the body, when the repetition needs one, can fail too.
      if (vulnerableIn([body], continuationFails || node.min > 1)) return true;
    }
  }
  return false;
}

/** True when the pattern has a nested or ambiguous unbounded repetition. */
export function catastrophicBacktracking(pattern: string): boolean {
  if (pattern.length > 2000) return false;
  let tree: Node[][] | null;
  try {
    tree = new Parser(pattern).parse();
  } catch {
    return false;
  }
  if (!tree) return false;
  return tree.some((alt) => vulnerableIn(alt, false));
}

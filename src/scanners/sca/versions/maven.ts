/**
 * Maven: the version order of the POM reference ("Version Order Specification"),
 * which ComparableVersion implements. A version is split into tokens at ".", "-" and
 * digit/letter transitions (a transition counts as "-"), each token keeping the
 * separator before it; trailing null tokens (0, "", ga, final, release) are trimmed
 * from the end and again before each remaining "-"; the shorter version is padded
 * with nulls. Qualifiers: alpha < beta < milestone < rc = cr < snapshot < "" = ga =
 * final = release < sp < any other qualifier (alphabetical); qualifier < "-number" <
 * ".number". Numbers of any size.
 */
import type { ParsedVersion, VersionScheme } from './scheme.js';
import { compareDigits, compareText, isDigitChar, stripLeadingZeros } from './text.js';

export interface MavenToken {
  readonly sep: '.' | '-';
  readonly numeric: boolean;
  /** Digits without leading zeros, or a lower-case qualifier after aliasing. */
  readonly value: string;
}

export type MavenKey = readonly MavenToken[];

const KNOWN_QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const QUALIFIER_ALIASES: Record<string, string> = { cr: 'rc', ga: '', final: '', release: '' };
/** Only when directly followed by a number: 1a1 is 1-alpha-1, but 1-a is the qualifier "a". */
const SHORT_QUALIFIERS: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };

/** A table's own entry: a qualifier such as `constructor` must not find Object's. */
function ownValue(table: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function splitTransitions(segment: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 1; i < segment.length; i++) {
    if (isDigitChar(segment[i]) !== isDigitChar(segment[i - 1])) {
      pieces.push(segment.slice(start, i));
      start = i;
    }
  }
  pieces.push(segment.slice(start));
  return pieces;
}

export function tokenizeMaven(raw: string): MavenToken[] {
  const text = raw.trim().toLowerCase();
  const tokens: MavenToken[] = [];
  let sep: '.' | '-' = '.';
  let segmentStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c !== undefined && c !== '.' && c !== '-') continue;
    const segment = text.slice(segmentStart, i);
    if (segment === '') {
      tokens.push({ sep, numeric: true, value: '0' });
    } else {
      const pieces = splitTransitions(segment);
      pieces.forEach((piece, index) => {
        const pieceSep = index === 0 ? sep : '-';
        if (isDigitChar(piece[0])) {
          tokens.push({ sep: pieceSep, numeric: true, value: stripLeadingZeros(piece) });
        } else {
          const followedByNumber = index < pieces.length - 1;
          const value = (followedByNumber ? ownValue(SHORT_QUALIFIERS, piece) : undefined) ?? ownValue(QUALIFIER_ALIASES, piece) ?? piece;
          tokens.push({ sep: pieceSep, numeric: false, value });
        }
      });
    }
    sep = c === '-' ? '-' : '.';
    segmentStart = i + 1;
  }
  return trimNulls(tokens);
}

function isNullToken(token: MavenToken): boolean {
  return token.numeric ? token.value === '0' : token.value === '';
}

function trimNulls(tokens: MavenToken[]): MavenToken[] {
  let i = tokens.length - 1;
  while (i > 0) {
    if (isNullToken(tokens[i]!)) {
      tokens.splice(i, 1);
      i--;
      continue;
    }
    while (i >= 0 && tokens[i]!.sep !== '-') i--;
    i--;
  }
  return tokens;
}

function qualifierRank(value: string): number {
  const index = KNOWN_QUALIFIERS.indexOf(value);
  return index === -1 ? KNOWN_QUALIFIERS.length : index;
}

function compareQualifiers(a: string, b: string): number {
  const ra = qualifierRank(a);
  const rb = qualifierRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return ra === KNOWN_QUALIFIERS.length ? compareText(a, b) : 0;
}

/** `null` is the padding of the shorter version: 0 against a number, "" against a qualifier. */
function compareTokens(a: MavenToken | null, b: MavenToken | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return -compareTokens(b, null);
  if (b === null) return a.numeric ? compareDigits(a.value, '0') : compareQualifiers(a.value, '');
  // any qualifier < "-number" < ".number"; ".qualifier" and "-qualifier" compare alike (as ComparableVersion
  // does since Maven 3.9), which keeps the order transitive: 1-SNAPSHOT < 1 < 1.foo
  if (a.numeric !== b.numeric) return a.numeric ? 1 : -1;
  if (!a.numeric) return compareQualifiers(a.value, b.value);
  if (a.sep !== b.sep) return a.sep === '-' ? -1 : 1;
  return compareDigits(a.value, b.value);
}

export function compareMavenKeys(a: MavenKey, b: MavenKey): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareTokens(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

const PLAUSIBLE = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;

export const mavenScheme: VersionScheme<MavenKey> = {
  id: 'maven',
  title: 'Maven version order',
  parse(raw: string): ParsedVersion<MavenKey> {
    const key = tokenizeMaven(raw);
    const canonical = key.map((t, i) => (i === 0 ? t.value : t.sep + t.value)).join('');
    return { raw, valid: PLAUSIBLE.test(raw.trim()), key, canonical };
  },
  compareKeys: compareMavenKeys,
};

/**
 * RubyGems: Gem::Version. "-" means ".pre.", segments are runs of digits or letters,
 * trailing zeros are dropped from the numeric part and from the part after the first
 * letter, a letter segment sorts below any number (so 1.0.a < 1.0), numbers of any size.
 */
import type { ParsedVersion, VersionScheme } from './scheme.js';
import { compareDigits, compareText, isDigitChar, stripLeadingZeros } from './text.js';

/** Canonical segments: digit strings (no leading zeros) or letter strings. */
export type RubyGemsKey = readonly string[];

const ANCHORED = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*$/;
const SEGMENT = /[0-9]+|[a-z]+/gi;

function dropTrailingZeros(segments: string[]): string[] {
  let end = segments.length;
  while (end > 0 && segments[end - 1] === '0') end--;
  return segments.slice(0, end);
}

export function rubyGemsSegments(raw: string): string[] {
  const text = raw.trim() === '' ? '0' : raw.trim().replace(/-/g, '.pre.');
  const segments = (text.match(SEGMENT) ?? []).map((s) => (isDigitChar(s[0]) ? stripLeadingZeros(s) : s));
  const firstLetter = segments.findIndex((s) => !isDigitChar(s[0]));
  if (firstLetter === -1) return dropTrailingZeros(segments);
  return [...dropTrailingZeros(segments.slice(0, firstLetter)), ...dropTrailingZeros(segments.slice(firstLetter))];
}

export function compareRubyGemsKeys(a: RubyGemsKey, b: RubyGemsKey): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '0';
    const y = b[i] ?? '0';
    if (x === y) continue;
    const xNum = isDigitChar(x[0]);
    const yNum = isDigitChar(y[0]);
    if (xNum && yNum) return compareDigits(x, y);
    if (xNum !== yNum) return xNum ? 1 : -1;
    return compareText(x, y);
  }
  return 0;
}

export const rubyGemsScheme: VersionScheme<RubyGemsKey> = {
  id: 'rubygems',
  title: 'Gem::Version',
  parse(raw: string): ParsedVersion<RubyGemsKey> {
    const key = rubyGemsSegments(raw);
    return { raw, valid: ANCHORED.test(raw), key, canonical: key.join('.') };
  },
  compareKeys: compareRubyGemsKeys,
};

/**
 * SemVer 2.0.0 precedence (npm, crates.io, and OSV `SEMVER` ranges), written out
 * rather than taken from the `semver` package because advisories carry numbers past
 * 2^53 and versions the package rejects ("1.2.3.4", "v1", "1.0beta"), which still
 * need an order. Tests check that the order agrees with `semver.compare` on valid input.
 */
import type { ParsedVersion, VersionScheme } from './scheme.js';
import { compareDigits, compareText, isDigits, isDigitChar, stripLeadingZeros } from './text.js';

export interface SemverKey {
  /** Numeric components as digit strings without leading zeros; at least 3 when valid. */
  readonly release: readonly string[];
  /** Pre-release identifiers, or null for a release. Build metadata is dropped. */
  readonly pre: readonly string[] | null;
}

const IDENT = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const STRICT = new RegExp(
  `^[vV]?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?$`,
);

export function parseSemverKey(raw: string): { key: SemverKey; valid: boolean } {
  const text = raw.trim();
  const strict = STRICT.exec(text);
  if (strict) {
    const [, major = '0', minor = '0', patch = '0', pre] = strict;
    return { key: { release: [major, minor, patch], pre: pre === undefined ? null : pre.split('.') }, valid: true };
  }
  return { key: lenientSemverKey(text), valid: false };
}

/** Leading dot-separated numbers, then the rest as a pre-release; "+..." is build metadata. */
function lenientSemverKey(text: string): SemverKey {
  let i = text.startsWith('v') || text.startsWith('V') ? 1 : 0;
  const release: string[] = [];
  let current = '';
  for (; i < text.length; i++) {
    const c = text[i];
    if (isDigitChar(c)) {
      current += c;
    } else if (c === '.') {
      if (current !== '') release.push(stripLeadingZeros(current));
      current = '';
    } else {
      break;
    }
  }
  if (current !== '') release.push(stripLeadingZeros(current));
  let rest = text.slice(i);
  const plus = rest.indexOf('+');
  if (plus >= 0) rest = rest.slice(0, plus);
  if (rest.startsWith('-')) rest = rest.slice(1);
  return { release, pre: rest === '' ? null : rest.split('.') };
}

export function compareSemverKeys(a: SemverKey, b: SemverKey): number {
  const n = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a.release[i] ?? '0', b.release[i] ?? '0');
    if (c !== 0) return c;
  }
  return comparePrerelease(a.pre, b.pre, false);
}

/** SemVer rule 11; `ignoreCase` gives NuGet's case-insensitive labels. */
export function comparePrerelease(a: readonly string[] | null, b: readonly string[] | null, ignoreCase: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xNum = isDigits(x);
    const yNum = isDigits(y);
    let c: number;
    if (xNum && yNum) c = compareDigits(x, y);
    else if (xNum) c = -1;
    else if (yNum) c = 1;
    else c = ignoreCase ? compareText(x.toLowerCase(), y.toLowerCase()) : compareText(x, y);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function canonicalSemver(key: SemverKey, minParts = 3): string {
  const release = key.release.map(stripLeadingZeros);
  while (release.length < minParts) release.push('0');
  while (release.length > minParts && release[release.length - 1] === '0') release.pop();
  return key.pre === null ? release.join('.') : `${release.join('.')}-${key.pre.map((p) => (isDigits(p) ? stripLeadingZeros(p) : p)).join('.')}`;
}

export const semverScheme: VersionScheme<SemverKey> = {
  id: 'semver',
  title: 'SemVer 2.0.0',
  parse(raw: string): ParsedVersion<SemverKey> {
    const { key, valid } = parseSemverKey(raw);
    return { raw, valid, key, canonical: canonicalSemver(key) };
  },
  compareKeys: compareSemverKeys,
};

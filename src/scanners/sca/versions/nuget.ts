/**
 * NuGet: SemVer 2.0 with up to four numbers (1.0 = 1.0.0.0), case-insensitive
 * pre-release labels, build metadata ignored.
 */
import type { ParsedVersion, VersionScheme } from './scheme.js';
import { canonicalSemver, comparePrerelease, parseSemverKey } from './semver.js';
import { compareDigits, stripLeadingZeros } from './text.js';

export interface NuGetKey {
  readonly release: readonly string[];
  readonly pre: readonly string[] | null;
}

const LABEL = '[0-9A-Za-z-]+';
const STRICT = new RegExp(`^[vV]?(\\d+(?:\\.\\d+){0,3})(?:-(${LABEL}(?:\\.${LABEL})*))?(?:\\+${LABEL}(?:\\.${LABEL})*)?$`);

export function parseNuGetKey(raw: string): { key: NuGetKey; valid: boolean } {
  const text = raw.trim();
  const strict = STRICT.exec(text);
  if (strict) {
    const release = (strict[1] ?? '0').split('.').map(stripLeadingZeros);
    return { key: { release, pre: strict[2] === undefined ? null : strict[2].toLowerCase().split('.') }, valid: true };
  }
  const lenient = parseSemverKey(text).key;
  return { key: { release: lenient.release, pre: lenient.pre?.map((p) => p.toLowerCase()) ?? null }, valid: false };
}

export function compareNuGetKeys(a: NuGetKey, b: NuGetKey): number {
  const n = Math.max(a.release.length, b.release.length, 4);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a.release[i] ?? '0', b.release[i] ?? '0');
    if (c !== 0) return c;
  }
  return comparePrerelease(a.pre, b.pre, true);
}

export const nuGetScheme: VersionScheme<NuGetKey> = {
  id: 'nuget',
  title: 'NuGet SemVer 2.0',
  parse(raw: string): ParsedVersion<NuGetKey> {
    const { key, valid } = parseNuGetKey(raw);
    return { raw, valid, key, canonical: canonicalSemver(key, 3) };
  },
  compareKeys: compareNuGetKeys,
};

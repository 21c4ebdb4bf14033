/**
 * Go module versions: SemVer with a `v` prefix, `+incompatible` (build metadata, so
 * ignored in the order) and pseudo-versions (v0.0.0-20210101000000-abcdef123456,
 * pre-releases that already sort correctly under SemVer). The standard library and
 * toolchain use "go1.21.3", "go1.21" and "go1.21rc2", which the Go vulnerability
 * database writes as 1.21.3, 1.21.0 and 1.21.0-rc.2.
 */
import type { ParsedVersion, VersionScheme } from './scheme.js';
import { canonicalSemver, compareSemverKeys, parseSemverKey, type SemverKey } from './semver.js';

const GO_RELEASE = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/;

export function goToSemver(raw: string): string {
  const text = raw.trim();
  const release = GO_RELEASE.exec(text);
  if (release && (text.startsWith('go') || release[3] === undefined || release[4] !== undefined)) {
    const [, major, minor, patch = '0', label, n] = release;
    return `${major}.${minor}.${patch}${label === undefined ? '' : `-${label}.${n}`}`;
  }
  return text;
}

export const goScheme: VersionScheme<SemverKey> = {
  id: 'go',
  title: 'Go module versions (SemVer)',
  parse(raw: string): ParsedVersion<SemverKey> {
    const { key, valid } = parseSemverKey(goToSemver(raw));
    return { raw, valid, key, canonical: canonicalSemver(key) };
  },
  compareKeys: compareSemverKeys,
};

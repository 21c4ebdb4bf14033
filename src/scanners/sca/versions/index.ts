/** Version ordering per ecosystem, behind one interface (VersionComparator). */
import type { Ecosystem } from '../model.js';
import { VersionComparator } from './comparator.js';
import { goScheme } from './go.js';
import { mavenScheme } from './maven.js';
import { nuGetScheme } from './nuget.js';
import { packagistScheme } from './packagist.js';
import { pep440Scheme } from './pep440.js';
import { rubyGemsScheme } from './rubygems.js';
import type { VersionScheme, VersionSchemeId } from './scheme.js';
import { semverScheme } from './semver.js';

export { VersionComparator } from './comparator.js';
export type { ParsedVersion, VersionScheme, VersionSchemeId } from './scheme.js';

const SCHEMES: Record<VersionSchemeId, VersionScheme> = {
  semver: semverScheme,
  go: goScheme,
  pep440: pep440Scheme,
  maven: mavenScheme,
  rubygems: rubyGemsScheme,
  nuget: nuGetScheme,
  packagist: packagistScheme,
};

export const SCHEME_BY_ECOSYSTEM: Readonly<Record<Ecosystem, VersionSchemeId>> = {
  npm: 'semver',
  'crates.io': 'semver',
  Go: 'go',
  PyPI: 'pep440',
  Maven: 'maven',
  RubyGems: 'rubygems',
  NuGet: 'nuget',
  Packagist: 'packagist',
  // Advisories for actions give release versions (46.0.1); a tag `v46.0.1` is read without its `v`.
  'GitHub Actions': 'semver',
};

const comparators = new Map<VersionSchemeId, VersionComparator>();

/** One shared, caching comparator per scheme. */
export function comparatorForScheme(id: VersionSchemeId): VersionComparator {
  let comparator = comparators.get(id);
  if (!comparator) {
    comparator = new VersionComparator(SCHEMES[id]);
    comparators.set(id, comparator);
  }
  return comparator;
}

export function comparatorFor(ecosystem: Ecosystem): VersionComparator {
  return comparatorForScheme(SCHEME_BY_ECOSYSTEM[ecosystem]);
}

/** A one-line note when a version is not valid for its ecosystem, else undefined. */
export function invalidVersionNote(ecosystem: Ecosystem, version: string): string | undefined {
  const comparator = comparatorFor(ecosystem);
  if (comparator.isValid(version)) return undefined;
  return `version "${version}" is not a valid ${comparator.scheme.title} version; it was compared by a lenient reading of its numbers and labels`;
}

/** The one interface every ecosystem's version ordering implements. */

export type VersionSchemeId = 'semver' | 'go' | 'pep440' | 'maven' | 'rubygems' | 'nuget' | 'packagist';

export interface ParsedVersion<K = unknown> {
  readonly raw: string;
  /**
   * Whether `raw` is a valid version for the scheme. Invalid versions are still
   * ordered, by a lenient reading of their numbers and labels, so a bad version in a
   * lockfile or an advisory never stops a scan; callers report `valid: false`.
   */
  readonly valid: boolean;
  readonly key: K;
  /**
   * Equal strings mean equal versions ("v1.2.3" and "1.2.3" in semver, "1.0" and
   * "1.0.0" in Maven); used to look a version up in an advisory's `versions` list.
   */
  readonly canonical: string;
}

export interface VersionScheme<K = unknown> {
  readonly id: VersionSchemeId;
  /** The rules followed, for messages: "SemVer 2.0.0", "PEP 440". */
  readonly title: string;
  /** Never throws. */
  parse(raw: string): ParsedVersion<K>;
  /** -1, 0 or 1. */
  compareKeys(a: K, b: K): number;
}

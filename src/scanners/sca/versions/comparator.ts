/** A version scheme with a parse cache: advisories compare the same strings over and over. */
import type { ParsedVersion, VersionScheme, VersionSchemeId } from './scheme.js';

const CACHE_LIMIT = 50_000;

export class VersionComparator<K = unknown> {
  private readonly cache = new Map<string, ParsedVersion<K>>();

  constructor(readonly scheme: VersionScheme<K>) {}

  get id(): VersionSchemeId {
    return this.scheme.id;
  }

  parse(version: string): ParsedVersion<K> {
    let parsed = this.cache.get(version);
    if (parsed === undefined) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      parsed = this.scheme.parse(version);
      this.cache.set(version, parsed);
    }
    return parsed;
  }

  isValid(version: string): boolean {
    return this.parse(version).valid;
  }

  /** -1, 0 or 1; never throws, whatever the strings. */
  compare(a: string, b: string): number {
    return this.scheme.compareKeys(this.parse(a).key, this.parse(b).key);
  }

  compareParsed(a: ParsedVersion<K>, b: ParsedVersion<K>): number {
    return this.scheme.compareKeys(a.key, b.key);
  }

  /** Sorted copy, ascending; ties keep input order. */
  sort(versions: Iterable<string>): string[] {
    return [...versions].sort((a, b) => this.compare(a, b));
  }
}

/**
 * Advisories in memory, indexed by (ecosystem, normalised package name), each compiled
 * once (versions parsed, events sorted), so matching a lockfile is a map look-up and a
 * few comparisons per package.
 */
import { compileAdvisory, entriesAffect, type CompiledAdvisory, type CompiledAffected } from './match.js';
import { nameKey, packageKey, type PackageQuery } from './package-names.js';
import type { OsvRecord } from './types.js';

interface Posting {
  compiled: CompiledAdvisory;
  entries: CompiledAffected[];
}

function byId(a: OsvRecord, b: OsvRecord): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class AdvisoryIndex {
  private readonly records = new Map<string, OsvRecord>();
  private postings: Map<string, Posting[]> | null = null;

  static fromRecords(records: Iterable<OsvRecord>): AdvisoryIndex {
    const index = new AdvisoryIndex();
    for (const record of records) index.add(record);
    return index;
  }

  /** Adds a record; of two with one id, the later `modified` wins (the first on a tie). */
  add(record: OsvRecord): void {
    const known = this.records.get(record.id);
    if (known && known.modified >= record.modified) return;
    this.records.set(record.id, record);
    this.postings = null;
  }

  get size(): number {
    return this.records.size;
  }

  private index(): Map<string, Posting[]> {
    if (this.postings) return this.postings;
    const postings = new Map<string, Posting[]>();
    for (const record of [...this.records.values()].sort(byId)) {
      const compiled = compileAdvisory(record);
      const byName = new Map<string, CompiledAffected[]>();
      for (const entry of compiled.entries) {
        const key = nameKey(entry.ecosystem, entry.name);
        byName.set(key, [...(byName.get(key) ?? []), entry]);
      }
      for (const [key, entries] of byName) {
        const list = postings.get(key) ?? [];
        list.push({ compiled, entries });
        postings.set(key, list);
      }
    }
    this.postings = postings;
    return postings;
  }

  /** Every advisory naming the package, affected version or not, by id. */
  advisoriesFor(ecosystem: PackageQuery['ecosystem'], name: string): OsvRecord[] {
    return (this.index().get(nameKey(ecosystem, name)) ?? []).map((p) => p.compiled.record);
  }

  /** The advisories that affect this package version (withdrawn ones excluded), by id. */
  match(pkg: PackageQuery): OsvRecord[] {
    const postings = this.index().get(nameKey(pkg.ecosystem, pkg.name)) ?? [];
    return postings.filter((p) => entriesAffect(p.compiled, p.entries, pkg.version)).map((p) => p.compiled.record);
  }

  /** `match` for many packages: one entry per distinct package key, empty when nothing matches. */
  matchAll(packages: readonly PackageQuery[]): Map<string, OsvRecord[]> {
    const results = new Map<string, OsvRecord[]>();
    for (const pkg of packages) {
      const key = packageKey(pkg);
      if (!results.has(key)) results.set(key, this.match(pkg));
    }
    return results;
  }
}

/** Fixed versions of one package, and the smallest upgrade that fixes every advisory on it. */
import type { Ecosystem } from '../model.js';
import { comparatorFor } from '../versions/index.js';
import { compileAdvisory, compiledRanges, entriesAffect } from './match.js';
import { nameKey, normalizePackageName } from './package-names.js';
import type { OsvRecord } from './types.js';

function uniqueSorted(ecosystem: Ecosystem, versions: Iterable<string>): string[] {
  const comparator = comparatorFor(ecosystem);
  const byCanonical = new Map<string, string>();
  for (const version of versions) {
    const canonical = comparator.parse(version).canonical;
    const known = byCanonical.get(canonical);
    // one spelling per version, the same whatever order the advisories came in
    if (known === undefined || version < known) byCanonical.set(canonical, version);
  }
  return [...byCanonical.values()].sort((a, b) => comparator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Go advisories write 1.2.3 where go.mod has v1.2.3 and the toolchain go1.2.3: a
 * suggested version is spelled the way the project spells its current one.
 */
export function spellLike(ecosystem: Ecosystem, version: string, current: string): string {
  if (ecosystem !== 'Go' || !/^\d/.test(version)) return version;
  if (current.startsWith('v')) return `v${version}`;
  if (current.startsWith('go')) return `go${version.replace(/^(\d+\.\d+)\.0-(rc|beta)\.(\d+)$/, '$1$2$3')}`;
  return version;
}

function entriesFor(advisory: OsvRecord, ecosystem: Ecosystem, name: string) {
  const normalised = normalizePackageName(ecosystem, name);
  const compiled = compileAdvisory(advisory);
  return { compiled, entries: compiled.entries.filter((e) => e.ecosystem === ecosystem && e.name === normalised) };
}

const fixedCache = new WeakMap<object, Map<string, readonly string[]>>();

/** Every `fixed` event of the advisory for this package, ascending. */
export function fixedVersions(advisory: OsvRecord, ecosystem: Ecosystem, name: string): string[] {
  const { compiled, entries } = entriesFor(advisory, ecosystem, name);
  const byName = fixedCache.get(compiled) ?? new Map<string, readonly string[]>();
  fixedCache.set(compiled, byName);
  const key = nameKey(ecosystem, name);
  let fixed = byName.get(key);
  if (!fixed) {
    fixed = uniqueSorted(ecosystem, entries.flatMap((e) => compiledRanges(e).ranges.flatMap((r) => r.events.filter((ev) => ev.kind === 'fixed').map((ev) => ev.version))));
    byName.set(key, fixed);
  }
  return [...fixed];
}

/**
 * The smallest version above `current` that none of `advisories` affects, chosen from
 * their fixed versions (spelled like `current`); undefined when no fixed version clears
 * them all.
 */
export function minimalUpgrade(advisories: readonly OsvRecord[], ecosystem: Ecosystem, name: string, current: string): string | undefined {
  const comparator = comparatorFor(ecosystem);
  const relevant = advisories.map((a) => entriesFor(a, ecosystem, name)).filter((r) => !r.compiled.withdrawn && r.entries.length > 0);
  const candidates = uniqueSorted(
    ecosystem,
    advisories.flatMap((a) => fixedVersions(a, ecosystem, name)),
  ).filter((v) => comparator.compare(v, current) > 0);
  for (const candidate of candidates) {
    const blocker = relevant.findIndex((r) => entriesAffect(r.compiled, r.entries, candidate));
    if (blocker === -1) return spellLike(ecosystem, candidate, current);
    // the advisory that rules out one candidate usually rules out the next: ask it first
    if (blocker > 0) relevant.unshift(...relevant.splice(blocker, 1));
  }
  return undefined;
}

export interface FixSummary {
  /** Per advisory id: its fixed versions above the current version, ascending. */
  fixedVersions: Map<string, string[]>;
  /** The smallest upgrade that fixes every advisory given, if the advisories name one. */
  minimalUpgrade?: string;
}

/** Everything a report needs about fixes for one package version and its advisories. */
export function summarizeFixes(advisories: readonly OsvRecord[], ecosystem: Ecosystem, name: string, current: string): FixSummary {
  const comparator = comparatorFor(ecosystem);
  const perAdvisory = new Map<string, string[]>();
  for (const advisory of [...advisories].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const above = fixedVersions(advisory, ecosystem, name).filter((v) => comparator.compare(v, current) > 0);
    perAdvisory.set(advisory.id, above.map((v) => spellLike(ecosystem, v, current)));
  }
  const upgrade = minimalUpgrade(advisories, ecosystem, name, current);
  return upgrade === undefined ? { fixedVersions: perAdvisory } : { fixedVersions: perAdvisory, minimalUpgrade: upgrade };
}

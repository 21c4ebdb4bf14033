/**
 * Advisories about one vulnerability often come from several databases (GHSA-x,
 * PYSEC-y, CVE-z listing each other as aliases). Grouping them keeps one finding per
 * vulnerability instead of one per database.
 */
import type { OsvRecord } from './types.js';

const PREFERENCE = ['GHSA-', 'RUSTSEC-', 'GO-', 'PYSEC-', 'CVE-'];

function preference(id: string): number {
  const index = PREFERENCE.findIndex((prefix) => id.startsWith(prefix));
  return index === -1 ? PREFERENCE.length : index;
}

/** Prefer the id a developer can look up most easily; ties by text. */
export function compareAdvisoryIds(a: string, b: string): number {
  return preference(a) - preference(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Groups records that name each other (directly or through a chain) as aliases. Each
 * group is sorted with its preferred record first; groups are sorted by that record's id.
 */
export function groupByAliases(records: readonly OsvRecord[]): OsvRecord[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const record of records) {
    union(record.id, record.id);
    for (const alias of Array.isArray(record.aliases) ? record.aliases : []) if (typeof alias === 'string') union(record.id, alias);
  }
  const groups = new Map<string, OsvRecord[]>();
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    const root = find(record.id);
    const group = groups.get(root) ?? [];
    group.push(record);
    groups.set(root, group);
  }
  return [...groups.values()]
    .map((group) => group.sort((a, b) => compareAdvisoryIds(a.id, b.id)))
    .sort((a, b) => compareAdvisoryIds(a[0]!.id, b[0]!.id));
}

/** Every id and alias of a group, sorted, without duplicates. */
export function groupAliases(group: readonly OsvRecord[]): string[] {
  return [...new Set(group.flatMap((r) => [r.id, ...(Array.isArray(r.aliases) ? r.aliases.filter((a) => typeof a === 'string') : [])]))].sort();
}

/**
 * Does an OSV advisory affect one package version? The range semantics of the OSV
 * schema: per range, events sorted by version, `introduced` opens, `fixed` closes
 * (exclusive), `last_affected` closes (inclusive), `limit` caps the range; several
 * ranges, several affected entries and the `versions` list are alternatives; withdrawn
 * advisories affect nothing. SEMVER ranges use SemVer order, ECOSYSTEM ranges the
 * ecosystem's own; GIT ranges need commits, which lockfiles do not give, and are
 * ignored with a note. GHSA's `database_specific.last_known_affected_version_range`
 * ("<= 1.2.3", "< 2.0.0") bounds a range that has only `introduced` events.
 */
import type { Ecosystem } from '../model.js';
import { comparatorFor, comparatorForScheme, type ParsedVersion, type VersionComparator } from '../versions/index.js';
import { normalizePackageName, toEcosystem } from './package-names.js';
import type { OsvAffected, OsvRange, OsvRecord } from './types.js';

type Bound = { parsed: ParsedVersion; op: '<' | '<=' | '>' | '>=' };

interface CompiledEvent {
  kind: 'introduced' | 'last_affected' | 'fixed';
  version: string;
  /** null for introduced "0": before every version. */
  parsed: ParsedVersion | null;
}

interface CompiledRange {
  comparator: VersionComparator;
  events: CompiledEvent[];
  /** `limit` events; "*" is no limit. */
  limits: ParsedVersion[];
  /** From GHSA's last_known_affected_version_range, when the range has no fixed or last_affected. */
  bounds: Bound[];
}

export interface CompiledAffected {
  ecosystem: Ecosystem;
  /** Normalised package name. */
  name: string;
  /** The entry as given; its ranges are compiled on first use (most entries of a record are for other packages). */
  source: OsvAffected;
  compiled: { ranges: CompiledRange[]; notes: string[] } | null;
  versions: readonly string[];
  versionKeys: Set<string> | null;
}

export interface CompiledAdvisory {
  record: OsvRecord;
  withdrawn: boolean;
  entries: CompiledAffected[];
}

const EVENT_ORDER = { introduced: 0, last_affected: 1, fixed: 2 } as const;
const cache = new WeakMap<OsvRecord, CompiledAdvisory>();

function rangeComparator(type: string, ecosystem: Ecosystem): VersionComparator | null {
  if (type === 'ECOSYSTEM') return comparatorFor(ecosystem);
  // Go's own comparator is SemVer plus the "v" and "go" prefixes the Go database relies on
  if (type === 'SEMVER') return ecosystem === 'Go' ? comparatorFor('Go') : comparatorForScheme('semver');
  return null;
}

const BOUND = /^(<=|<|>=|>|=)?\s*(\S+)$/;

function parseBounds(text: string, comparator: VersionComparator, notes: string[]): Bound[] {
  const bounds: Bound[] = [];
  for (const part of text.split(',')) {
    const match = BOUND.exec(part.trim());
    if (!match) {
      notes.push(`last_known_affected_version_range "${text}" not understood; range left open above`);
      return [];
    }
    const op = match[1] ?? '=';
    const parsed = comparator.parse(match[2]!);
    if (op === '=') bounds.push({ parsed, op: '>=' }, { parsed, op: '<=' });
    else bounds.push({ parsed, op: op as Bound['op'] });
  }
  return bounds;
}

function compileRange(range: OsvRange, entry: OsvAffected, ecosystem: Ecosystem, notes: string[]): CompiledRange | null {
  const comparator = rangeComparator(range.type, ecosystem);
  if (!comparator) {
    notes.push(
      range.type === 'GIT'
        ? `GIT range${range.repo ? ` of ${range.repo}` : ''} ignored: it is defined by commits, and lockfiles record versions`
        : `range type "${range.type}" ignored`,
    );
    return null;
  }
  const events: CompiledEvent[] = [];
  const limits: ParsedVersion[] = [];
  let unbounded = false;
  for (const event of range.events) {
    if (typeof event.introduced === 'string') {
      events.push({ kind: 'introduced', version: event.introduced, parsed: event.introduced === '0' ? null : comparator.parse(event.introduced) });
    } else if (typeof event.fixed === 'string') {
      events.push({ kind: 'fixed', version: event.fixed, parsed: comparator.parse(event.fixed) });
    } else if (typeof event.last_affected === 'string') {
      events.push({ kind: 'last_affected', version: event.last_affected, parsed: comparator.parse(event.last_affected) });
    } else if (typeof event.limit === 'string') {
      if (event.limit === '*') unbounded = true;
      else limits.push(comparator.parse(event.limit));
    }
  }
  if (!events.some((e) => e.kind === 'introduced')) {
    // the schema requires one; reading it as "from the start" errs on the side of reporting
    notes.push('range without an "introduced" event read as introduced "0"');
    events.push({ kind: 'introduced', version: '0', parsed: null });
  }
  events.sort((a, b) => {
    if (a.parsed === null || b.parsed === null) return a.parsed === b.parsed ? EVENT_ORDER[a.kind] - EVENT_ORDER[b.kind] : a.parsed === null ? -1 : 1;
    return comparator.compareParsed(a.parsed, b.parsed) || EVENT_ORDER[a.kind] - EVENT_ORDER[b.kind];
  });
  let bounds: Bound[] = [];
  if (!events.some((e) => e.kind !== 'introduced')) {
    const lookup = (holder: unknown): unknown => (isObject(holder) ? holder.last_known_affected_version_range : undefined);
    const text = lookup(range.database_specific) ?? lookup(entry.database_specific);
    if (typeof text === 'string') bounds = parseBounds(text, comparator, notes);
  }
  return { comparator, events, limits: unbounded ? [] : limits, bounds };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Records are compiled defensively: whatever does not have the schema's shape is left out. */
export function compileAdvisory(record: OsvRecord): CompiledAdvisory {
  const known = cache.get(record);
  if (known) return known;
  const entries: CompiledAffected[] = [];
  for (const entry of Array.isArray(record.affected) ? (record.affected as unknown[]) : []) {
    if (!isObject(entry) || !isObject(entry.package)) continue;
    const { ecosystem: osvEcosystem, name } = entry.package;
    if (typeof osvEcosystem !== 'string' || typeof name !== 'string') continue;
    const ecosystem = toEcosystem(osvEcosystem);
    if (!ecosystem) continue;
    entries.push({
      ecosystem,
      name: normalizePackageName(ecosystem, name),
      source: entry as OsvAffected,
      compiled: null,
      versions: Array.isArray(entry.versions) ? entry.versions.filter((v): v is string => typeof v === 'string') : [],
      versionKeys: null,
    });
  }
  const compiled = { record, withdrawn: typeof record.withdrawn === 'string' && record.withdrawn !== '', entries };
  cache.set(record, compiled);
  return compiled;
}

/** The entry's SEMVER and ECOSYSTEM ranges, compiled once, and notes about what was left out. */
export function compiledRanges(entry: CompiledAffected): { ranges: CompiledRange[]; notes: string[] } {
  if (entry.compiled) return entry.compiled;
  const notes: string[] = [];
  const raw: unknown = entry.source.ranges;
  const ranges = (Array.isArray(raw) ? (raw as unknown[]) : [])
    .filter((range): range is OsvRange => isObject(range) && typeof range.type === 'string' && Array.isArray(range.events))
    .map((range) => compileRange({ ...range, events: range.events.filter(isObject) }, entry.source, entry.ecosystem, notes))
    .filter((r): r is CompiledRange => r !== null);
  entry.compiled = { ranges, notes };
  return entry.compiled;
}

/**
 * Lets `full` use what was compiled for `part`, a copy holding every field matching
 * reads (the local database matches on such copies and returns the full records).
 */
export function shareCompiled(part: OsvRecord, full: OsvRecord): void {
  if (!cache.has(full)) cache.set(full, { ...compileAdvisory(part), record: full });
}

function boundHolds(c: number, op: Bound['op']): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

function inRange(range: CompiledRange, version: string): boolean {
  const v = range.comparator.parse(version);
  let affected = false;
  for (const event of range.events) {
    const c = event.parsed === null ? 1 : range.comparator.compareParsed(v, event.parsed);
    if (c < 0) break; // events are sorted: none further along applies
    if (event.kind === 'introduced') affected = true;
    else if (event.kind === 'fixed') affected = false;
    else if (c > 0) affected = false; // last_affected: still affected at that version
  }
  if (!affected) return false;
  if (range.limits.length > 0 && !range.limits.some((limit) => range.comparator.compareParsed(v, limit) < 0)) return false;
  return range.bounds.every((bound) => boundHolds(range.comparator.compareParsed(v, bound.parsed), bound.op));
}

function inVersions(entry: CompiledAffected, version: string): boolean {
  if (entry.versions.length === 0) return false;
  if (entry.versions.includes(version)) return true;
  const comparator = comparatorFor(entry.ecosystem);
  entry.versionKeys ??= new Set(entry.versions.map((v) => comparator.parse(v).canonical));
  return entry.versionKeys.has(comparator.parse(version).canonical);
}

export interface MatchResult {
  affected: boolean;
  /** How the decision was made. */
  reason: 'withdrawn' | 'range' | 'versions' | 'outside' | 'other-package';
  /** Ranges ignored, versions read leniently, and similar, one line each. */
  notes: string[];
}

/** Like `affects`, with the reason and notes a report or a debugging user needs. */
export function matchAdvisory(advisory: OsvRecord, ecosystem: Ecosystem, name: string, version: string): MatchResult {
  const compiled = compileAdvisory(advisory);
  const normalised = normalizePackageName(ecosystem, name);
  const entries = compiled.entries.filter((e) => e.ecosystem === ecosystem && e.name === normalised);
  const notes = entries.flatMap((e) => compiledRanges(e).notes);
  if (entries.length === 0) return { affected: false, reason: 'other-package', notes };
  if (compiled.withdrawn) return { affected: false, reason: 'withdrawn', notes };
  const comparator = comparatorFor(ecosystem);
  if (!comparator.isValid(version)) notes.push(`version "${version}" is not a valid ${comparator.scheme.title} version; compared leniently`);
  for (const entry of entries) {
    if (compiledRanges(entry).ranges.some((range) => inRange(range, version))) return { affected: true, reason: 'range', notes };
    if (inVersions(entry, version)) return { affected: true, reason: 'versions', notes };
  }
  return { affected: false, reason: 'outside', notes };
}

/** Fast path for the index: the compiled entries are already those of this package. */
export function entriesAffect(compiled: CompiledAdvisory, entries: readonly CompiledAffected[], version: string): boolean {
  if (compiled.withdrawn) return false;
  for (const entry of entries) {
    if (compiledRanges(entry).ranges.some((range) => inRange(range, version)) || inVersions(entry, version)) return true;
  }
  return false;
}

/** Whether `advisory` affects `version` of package `name` in `ecosystem`. Withdrawn advisories affect nothing. */
export function affects(advisory: OsvRecord, ecosystem: Ecosystem, name: string, version: string): boolean {
  return matchAdvisory(advisory, ecosystem, name, version).affected;
}

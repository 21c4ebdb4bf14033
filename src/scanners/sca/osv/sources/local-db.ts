/**
 * The local OSV database: the per-ecosystem `all.zip` exports of the OSV bucket,
 * downloaded into the cache directory and indexed in SQLite by (ecosystem, normalised
 * package name), so a scan needs no network. `secloop db update` calls updateDatabase,
 * `secloop db status` databaseStatus; a scan warns through isDatabaseStale.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ECOSYSTEMS, type Ecosystem } from '../../model.js';
import { AdvisoryIndex } from '../advisory-index.js';
import { shareCompiled } from '../match.js';
import { nameKey, normalizePackageName, toEcosystem, type PackageQuery } from '../package-names.js';
import type { OsvRecord } from '../types.js';
import type { ZipLimits } from '../zip-reader.js';
import { defaultDatabaseDir } from './cache-dir.js';
import { downloadToFile, type FetchLike } from './http.js';
import { recordsInZip } from './read-records.js';
import { AdvisorySourceError, CappedWarnings, type AdvisorySource, type Warn } from './source.js';
import { makeDir } from '../../../../core/make-dir.js';

export const DEFAULT_OSV_DB_URL = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DATABASE_FILE = 'osv.sqlite';
export const STALE_AFTER_DAYS = 7;
const SOURCE = 'local-db';
const SCHEMA_VERSION = 2;

type Database = BetterSqlite3.Database;

async function openDatabase(file: string, readonly: boolean): Promise<Database> {
  let Sqlite: typeof BetterSqlite3;
  try {
    Sqlite = (await import('better-sqlite3')).default;
  } catch (error) {
    throw new AdvisorySourceError(SOURCE, `cannot load better-sqlite3 for the local OSV database: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const db = new Sqlite(file, { readonly, fileMustExist: readonly });
    if (!readonly) {
      // a cache: a database from another schema version is rebuilt, not migrated
      if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) db.exec('DROP TABLE IF EXISTS records; DROP TABLE IF EXISTS packages; DROP TABLE IF EXISTS ecosystems;');
      db.exec(`
        CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, modified TEXT NOT NULL, match_json TEXT NOT NULL, json TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS packages (ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ecosystem, name, id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ecosystems (ecosystem TEXT PRIMARY KEY, updated_at TEXT NOT NULL, records INTEGER NOT NULL, source TEXT NOT NULL) WITHOUT ROWID;
      `);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } else if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
      db.close();
      throw new AdvisorySourceError(SOURCE, `${file} was written by another secloop version; run \`secloop db update\``);
    }
    return db;
  } catch (error) {
    if (error instanceof AdvisorySourceError) throw error;
    throw new AdvisorySourceError(SOURCE, `cannot open the local OSV database ${file}: ${(error as Error).message}`);
  }
}

/**
 * What matching reads of a record (id, withdrawn, packages, ranges, versions, GHSA's
 * bound), stored beside the full record: most advisories looked up do not affect the
 * version in hand, and their summaries, details and references need not be parsed.
 */
function matchingPart(record: OsvRecord): OsvRecord {
  const bound = (holder: Record<string, unknown> | undefined): { database_specific?: Record<string, unknown> } => {
    const value = holder?.last_known_affected_version_range;
    return value === undefined ? {} : { database_specific: { last_known_affected_version_range: value } };
  };
  return {
    id: record.id,
    modified: record.modified,
    ...(record.withdrawn ? { withdrawn: record.withdrawn } : {}),
    affected: (record.affected ?? []).map((a) => ({
      ...(a.package ? { package: a.package } : {}),
      ...(a.ranges ? { ranges: a.ranges.map((r) => ({ type: r.type, events: r.events, ...(r.repo ? { repo: r.repo } : {}), ...bound(r.database_specific) })) } : {}),
      ...(a.versions ? { versions: a.versions } : {}),
      ...bound(a.database_specific),
    })),
  };
}

export interface ImportZipOptions {
  /** Database directory; default <cache dir>/osv-db. */
  dir?: string;
  ecosystem: Ecosystem;
  zipPath: string;
  /** Where the zip came from, recorded for `db status`. */
  source?: string;
  limits?: Partial<ZipLimits>;
  warn?: Warn;
  now?: () => Date;
}

export interface ImportResult {
  ecosystem: Ecosystem;
  /** Records that name at least one package of the ecosystem. */
  records: number;
  /** Bad entries and records that were skipped, with warnings. */
  problems: number;
}

/**
 * Replaces the ecosystem's part of the database with the records in `zipPath`, in one
 * transaction: an unreadable zip leaves the previous data in place.
 */
export async function importDatabaseZip(options: ImportZipOptions): Promise<ImportResult> {
  const dir = options.dir ?? defaultDatabaseDir();
  makeDir(dir);
  const db = await openDatabase(path.join(dir, DATABASE_FILE), false);
  const warnings = new CappedWarnings(options.warn ?? (() => undefined), `${options.ecosystem} advisories`);
  try {
    const insertRecord = db.prepare('INSERT OR REPLACE INTO records (id, modified, match_json, json) VALUES (?, ?, ?, ?)');
    const insertPackage = db.prepare('INSERT OR IGNORE INTO packages (ecosystem, name, id) VALUES (?, ?, ?)');
    let count = 0;
    db.transaction(() => {
      db.prepare('DELETE FROM packages WHERE ecosystem = ?').run(options.ecosystem);
      for (const record of recordsInZip(options.zipPath, SOURCE, { limits: options.limits, warn: warnings.add })) {
        const names = new Set<string>();
        for (const affected of record.affected ?? []) {
          if (affected.package && toEcosystem(affected.package.ecosystem) === options.ecosystem) {
            names.add(normalizePackageName(options.ecosystem, affected.package.name));
          }
        }
        if (names.size === 0) continue;
        insertRecord.run(record.id, record.modified, JSON.stringify(matchingPart(record)), JSON.stringify(record));
        for (const name of names) insertPackage.run(options.ecosystem, name, record.id);
        count++;
      }
      db.prepare('DELETE FROM records WHERE id NOT IN (SELECT id FROM packages)').run();
      db.prepare('INSERT OR REPLACE INTO ecosystems (ecosystem, updated_at, records, source) VALUES (?, ?, ?, ?)').run(
        options.ecosystem,
        (options.now?.() ?? new Date()).toISOString(),
        count,
        options.source ?? options.zipPath,
      );
    })();
    warnings.flush();
    return { ecosystem: options.ecosystem, records: count, problems: warnings.total };
  } finally {
    db.close();
  }
}

export interface UpdateDatabaseOptions {
  dir?: string;
  /** Default: SECLOOP_OSV_DB_URL, else the public OSV bucket. */
  baseUrl?: string;
  /** Default: every ecosystem secloop reads. */
  ecosystems?: readonly Ecosystem[];
  signal?: AbortSignal;
  /** Per download; default 10 minutes. */
  timeoutMs?: number;
  /** Per download; default 2 GiB. */
  maxDownloadBytes?: number;
  limits?: Partial<ZipLimits>;
  warn?: Warn;
  /** Called as each ecosystem starts downloading and indexing. */
  onProgress?: (event: { ecosystem: Ecosystem; phase: 'download' | 'index' }) => void;
  fetch?: FetchLike;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

export interface UpdateResult {
  dir: string;
  updated: ImportResult[];
  failed: Array<{ ecosystem: Ecosystem; message: string }>;
}

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.SECLOOP_OSV_DB_URL || DEFAULT_OSV_DB_URL).replace(/\/+$/, '');
}

/**
 * Downloads {base}/{ecosystem}/all.zip for each ecosystem and indexes it. An ecosystem
 * that fails keeps its previous data and is listed in `failed`; if all fail, throws.
 */
export async function updateDatabase(options: UpdateDatabaseOptions = {}): Promise<UpdateResult> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? defaultDatabaseDir(env);
  const base = (options.baseUrl ?? databaseUrl(env)).replace(/\/+$/, '');
  const ecosystems = options.ecosystems ?? ECOSYSTEMS;
  makeDir(dir);
  const result: UpdateResult = { dir, updated: [], failed: [] };
  for (const ecosystem of ecosystems) {
    const url = `${base}/${encodeURIComponent(ecosystem)}/all.zip`;
    const zipPath = path.join(dir, `${ecosystem}.all.zip.part`);
    try {
      options.onProgress?.({ ecosystem, phase: 'download' });
      await downloadToFile(url, zipPath, {
        source: SOURCE,
        what: `OSV database at ${base}`,
        timeoutMs: options.timeoutMs ?? 600_000,
        maxBytes: options.maxDownloadBytes ?? 2 * 1024 ** 3,
        signal: options.signal,
        fetch: options.fetch,
      });
      options.onProgress?.({ ecosystem, phase: 'index' });
      result.updated.push(
        await importDatabaseZip({ dir, ecosystem, zipPath, source: url, limits: options.limits, warn: options.warn, now: options.now }),
      );
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (!(error instanceof AdvisorySourceError)) throw error;
      result.failed.push({ ecosystem, message: error.message });
    } finally {
      rmSync(zipPath, { force: true });
    }
  }
  if (result.updated.length === 0 && result.failed.length > 0) {
    throw new AdvisorySourceError(SOURCE, `could not update the local OSV database: ${result.failed.map((f) => `${f.ecosystem}: ${f.message}`).join('; ')}`);
  }
  return result;
}

export interface EcosystemStatus {
  ecosystem: string;
  updatedAt: string;
  records: number;
  source: string;
  /** Whole days since the update. */
  ageDays: number;
}

export interface DatabaseStatus {
  dir: string;
  exists: boolean;
  ecosystems: EcosystemStatus[];
  totalRecords: number;
}

function ecosystemRows(db: Database, now: number): EcosystemStatus[] {
  const rows = db.prepare('SELECT ecosystem, updated_at AS updatedAt, records, source FROM ecosystems ORDER BY ecosystem').all() as Array<
    Omit<EcosystemStatus, 'ageDays'>
  >;
  return rows.map((row) => ({ ...row, ageDays: Math.max(0, Math.floor((now - Date.parse(row.updatedAt)) / 86_400_000)) }));
}

/** Age and counts per ecosystem; `exists: false` when nothing was downloaded yet. */
export async function databaseStatus(dir: string = defaultDatabaseDir(), now: number = Date.now()): Promise<DatabaseStatus> {
  const file = path.join(dir, DATABASE_FILE);
  if (!existsSync(file)) return { dir, exists: false, ecosystems: [], totalRecords: 0 };
  const db = await openDatabase(file, true);
  try {
    const total = (db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
    return { dir, exists: true, ecosystems: ecosystemRows(db, now), totalRecords: total };
  } finally {
    db.close();
  }
}

/** True when the database is missing, empty, or any ecosystem in it (or in `ecosystems`) is older than `maxAgeDays`. */
export function isDatabaseStale(status: DatabaseStatus, now: number = Date.now(), maxAgeDays = STALE_AFTER_DAYS, ecosystems?: readonly string[]): boolean {
  const relevant = ecosystems ? status.ecosystems.filter((e) => ecosystems.includes(e.ecosystem)) : status.ecosystems;
  if (!status.exists || relevant.length === 0 || (ecosystems && relevant.length < ecosystems.length)) return true;
  return relevant.some((e) => now - Date.parse(e.updatedAt) > maxAgeDays * 86_400_000);
}

export interface LocalDatabaseOptions {
  dir?: string;
  warn?: Warn;
  now?: () => number;
  maxAgeDays?: number;
}

export class LocalDatabaseSource implements AdvisorySource {
  readonly name = SOURCE;
  readonly dir: string;
  private readonly matchingCache = new Map<string, OsvRecord>();
  private readonly fullCache = new Map<string, OsvRecord>();

  constructor(private readonly options: LocalDatabaseOptions = {}) {
    this.dir = options.dir ?? defaultDatabaseDir();
  }

  describe(): string {
    return `local OSV database in ${this.dir}`;
  }

  async query(packages: readonly PackageQuery[], signal?: AbortSignal): Promise<Map<string, OsvRecord[]>> {
    const file = path.join(this.dir, DATABASE_FILE);
    if (!existsSync(file)) throw new AdvisorySourceError(SOURCE, `no local OSV database in ${this.dir}; run \`secloop db update\``);
    const db = await openDatabase(file, true);
    try {
      this.warnIfStale(ecosystemRows(db, this.now()), packages);
      const index = new AdvisoryIndex();
      const warnings = new CappedWarnings(this.options.warn ?? (() => undefined), this.describe());
      const idsByName = advisoryIdsByName(db, packages);
      signal?.throwIfAborted();
      const matchJson = columnByIds(db, 'match_json', [...new Set([...idsByName.values()].flat())].filter((id) => !this.matchingCache.has(id)));
      const seen = new Set<string>();
      for (const pkg of packages) {
        const key = nameKey(pkg.ecosystem, pkg.name);
        if (seen.has(key)) continue;
        seen.add(key);
        for (const id of idsByName.get(key) ?? []) {
          const record = this.stored(this.matchingCache, id, () => matchJson.get(id), warnings.add);
          if (record) index.add(record);
        }
      }
      signal?.throwIfAborted();
      const matchedByPackage = [...index.matchAll(packages)];
      const fullJson = columnByIds(db, 'json', [...new Set(matchedByPackage.flatMap(([, matched]) => matched.map((part) => part.id)))].filter((id) => !this.fullCache.has(id)));
      const results = new Map<string, OsvRecord[]>();
      for (const [key, matched] of matchedByPackage) {
        const full = matched.map((part) => {
          const record = this.stored(this.fullCache, part.id, () => fullJson.get(part.id), warnings.add);
          if (record) shareCompiled(part, record);
          return record;
        });
        results.set(key, full.filter((r): r is OsvRecord => r !== null));
      }
      warnings.flush();
      return results;
    } finally {
      db.close();
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Each stored record is read and parsed once per source, however many packages share it. */
  private stored(cache: Map<string, OsvRecord>, id: string, json: () => unknown, warn: Warn): OsvRecord | null {
    const known = cache.get(id);
    if (known) return known;
    // checked by readOsvRecord when imported; matching reads records defensively anyway
    let record: OsvRecord | null = null;
    try {
      const value = JSON.parse(String(json() ?? '')) as unknown;
      if (typeof value === 'object' && value !== null && (value as OsvRecord).id === id) record = value as OsvRecord;
    } catch {
      record = null;
    }
    if (!record) {
      warn(`record ${id} unreadable; run \`secloop db update\``);
      return null;
    }
    cache.set(id, record);
    return record;
  }

  private warnIfStale(ecosystems: EcosystemStatus[], packages: readonly PackageQuery[]): void {
    const warn = this.options.warn ?? (() => undefined);
    const wanted = [...new Set(packages.map((p) => p.ecosystem))].sort();
    const known = new Set(ecosystems.map((e) => e.ecosystem));
    const missing = wanted.filter((e) => !known.has(e));
    if (missing.length > 0) warn(`the local OSV database has no ${missing.join(', ')} advisories; run \`secloop db update\``);
    const maxAge = this.options.maxAgeDays ?? STALE_AFTER_DAYS;
    const old = ecosystems.filter((e) => (wanted as string[]).includes(e.ecosystem) && this.now() - Date.parse(e.updatedAt) > maxAge * 86_400_000);
    if (old.length > 0) {
      const oldest = Math.max(...old.map((e) => e.ageDays));
      warn(`the local OSV database is ${oldest} days old (${old.map((e) => e.ecosystem).join(', ')}); run \`secloop db update\``);
    }
  }
}

/**
 * Advisory ids per package name (nameKey of ecosystem and normalised name), in the
 * table's order. One query per ecosystem and a few hundred names, not one per package:
 * a statement per name cost more than the matching itself on a 1,000-package project.
 */
function advisoryIdsByName(db: BetterSqlite3.Database, packages: readonly PackageQuery[]): Map<string, string[]> {
  const namesByEcosystem = new Map<Ecosystem, Set<string>>();
  for (const pkg of packages) {
    let names = namesByEcosystem.get(pkg.ecosystem);
    if (!names) namesByEcosystem.set(pkg.ecosystem, (names = new Set()));
    names.add(normalizePackageName(pkg.ecosystem, pkg.name));
  }
  const statement = db.prepare('SELECT name, id FROM packages WHERE ecosystem = ? AND name IN (SELECT value FROM json_each(?)) ORDER BY name, id');
  const ids = new Map<string, string[]>();
  for (const [ecosystem, names] of namesByEcosystem) {
    for (const batch of batches([...names])) {
      for (const row of statement.all(ecosystem, JSON.stringify(batch)) as Array<{ name: string; id: string }>) {
        const key = nameKey(ecosystem, row.name);
        const list = ids.get(key);
        if (list) list.push(row.id);
        else ids.set(key, [row.id]);
      }
    }
  }
  return ids;
}

/** One column of the records with these ids, read in a few queries. */
function columnByIds(db: BetterSqlite3.Database, column: 'match_json' | 'json', ids: readonly string[]): Map<string, string> {
  const statement = db.prepare(`SELECT id, ${column} AS value FROM records WHERE id IN (SELECT value FROM json_each(?))`);
  const values = new Map<string, string>();
  for (const batch of batches(ids)) {
    for (const row of statement.all(JSON.stringify(batch)) as Array<{ id: string; value: string }>) values.set(row.id, row.value);
  }
  return values;
}

function batches<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

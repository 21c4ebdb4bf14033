/**
 * The OSV API: POST /v1/querybatch (at most 1000 queries a request, following page
 * tokens) gives the ids affecting each package version, then GET /v1/vulns/{id} gives
 * each record, kept in an on-disk cache keyed by id. A cached record is used while it
 * is younger than the TTL and its `modified` time equals the one the batch reported.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { goToSemver } from '../../versions/go.js';
import { packageKey, type PackageQuery } from '../package-names.js';
import { readOsvRecord } from '../record.js';
import type { OsvRecord } from '../types.js';
import { defaultCacheDir } from './cache-dir.js';
import { requestText, type FetchLike, type HttpOptions } from './http.js';
import { AdvisorySourceError, type AdvisorySource, type Warn } from './source.js';
import { makeDir } from '../../../../core/make-dir.js';

export const DEFAULT_OSV_API_URL = 'https://api.osv.dev';
export const QUERYBATCH_LIMIT = 1000;

export interface OsvApiOptions {
  /** Default: SECLOOP_OSV_API_URL, else https://api.osv.dev. */
  baseUrl?: string;
  /** Default: <cache dir>/osv-api. */
  cacheDir?: string;
  /** How long a cached record may be used; default 7 days. */
  cacheTtlMs?: number;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Parallel detail requests; default 8. */
  concurrency?: number;
  warn?: Warn;
  fetch?: FetchLike;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

interface BatchVuln {
  id: string;
  modified?: string;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_PAGES = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The version as OSV writes it: Go without "v" (and go1.21rc2 as 1.21.0-rc.2). */
function apiVersion(pkg: PackageQuery): string {
  if (pkg.ecosystem !== 'Go') return pkg.version;
  return goToSemver(pkg.version).replace(/^v/, '');
}

export class OsvApiSource implements AdvisorySource {
  readonly name = 'osv-api';
  readonly baseUrl: string;
  private readonly cacheDir: string;
  private readonly ttl: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly warn: Warn;
  private readonly now: () => number;
  private cacheWritable = true;

  constructor(private readonly options: OsvApiOptions = {}) {
    const env = options.env ?? process.env;
    this.baseUrl = (options.baseUrl ?? (env.SECLOOP_OSV_API_URL || DEFAULT_OSV_API_URL)).replace(/\/+$/, '');
    this.cacheDir = options.cacheDir ?? path.join(defaultCacheDir(env), 'osv-api');
    this.ttl = options.cacheTtlMs ?? 7 * 24 * 3600 * 1000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.warn = options.warn ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  describe(): string {
    return `OSV API at ${this.baseUrl}`;
  }

  private http(signal: AbortSignal | undefined, maxBytes: number): HttpOptions {
    return { source: this.name, what: this.describe(), timeoutMs: this.timeoutMs, maxBytes, signal, fetch: this.options.fetch };
  }

  async query(packages: readonly PackageQuery[], signal?: AbortSignal): Promise<Map<string, OsvRecord[]>> {
    const unique = new Map<string, PackageQuery>();
    for (const pkg of packages) if (!unique.has(packageKey(pkg))) unique.set(packageKey(pkg), pkg);
    const keys = [...unique.keys()];
    const vulnsByKey = new Map<string, BatchVuln[]>();
    for (let start = 0; start < keys.length; start += QUERYBATCH_LIMIT) {
      const batch = keys.slice(start, start + QUERYBATCH_LIMIT);
      const answers = await this.queryBatch(batch.map((k) => unique.get(k)!), signal);
      batch.forEach((key, i) => vulnsByKey.set(key, answers[i] ?? []));
    }
    const modifiedById = new Map<string, string | undefined>();
    for (const vulns of vulnsByKey.values()) for (const v of vulns) modifiedById.set(v.id, v.modified ?? modifiedById.get(v.id));
    const records = await this.details([...modifiedById.entries()].sort(([a], [b]) => (a < b ? -1 : 1)), signal);
    const results = new Map<string, OsvRecord[]>();
    for (const key of keys) {
      const ids = [...new Set((vulnsByKey.get(key) ?? []).map((v) => v.id))].sort();
      // withdrawn advisories affect nothing, whatever the server says
      results.set(key, ids.map((id) => records.get(id)).filter((r): r is OsvRecord => r !== undefined && !r.withdrawn));
    }
    return results;
  }

  /** One querybatch round trip per page; returns each query's vulnerabilities. */
  private async queryBatch(batch: PackageQuery[], signal: AbortSignal | undefined): Promise<BatchVuln[][]> {
    const answers: BatchVuln[][] = batch.map(() => []);
    let pending = batch.map((pkg, index) => ({ index, pageToken: undefined as string | undefined, pkg }));
    for (let page = 0; pending.length > 0; page++) {
      if (page >= MAX_PAGES) {
        this.warn(`${this.describe()}: stopped after ${MAX_PAGES} pages of results`);
        break;
      }
      const body = {
        queries: pending.map(({ pkg, pageToken }) => ({
          package: { ecosystem: pkg.ecosystem, name: pkg.name },
          version: apiVersion(pkg),
          ...(pageToken ? { page_token: pageToken } : {}),
        })),
      };
      const text = await requestText(
        `${this.baseUrl}/v1/querybatch`,
        { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) },
        this.http(signal, 256 * 1024 ** 2),
      );
      if (text === null) throw new AdvisorySourceError(this.name, `${this.describe()} answered 404 Not Found for /v1/querybatch`);
      const results = this.parseBatch(text, pending.length);
      const next: typeof pending = [];
      results.forEach((result, i) => {
        const item = pending[i]!;
        answers[item.index]!.push(...result.vulns);
        if (result.nextPageToken) next.push({ ...item, pageToken: result.nextPageToken });
      });
      pending = next;
    }
    return answers;
  }

  private parseBatch(text: string, expected: number): Array<{ vulns: BatchVuln[]; nextPageToken?: string }> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = null;
    }
    const results = isObject(value) ? value.results : undefined;
    if (!Array.isArray(results) || results.length !== expected) {
      throw new AdvisorySourceError(this.name, `${this.describe()} sent an unexpected answer to /v1/querybatch`);
    }
    return results.map((result) => {
      const vulns = isObject(result) && Array.isArray(result.vulns) ? result.vulns : [];
      const token = isObject(result) && typeof result.next_page_token === 'string' && result.next_page_token !== '' ? result.next_page_token : undefined;
      return {
        vulns: vulns
          .filter((v): v is Record<string, unknown> => isObject(v) && typeof v.id === 'string' && v.id !== '')
          .map((v) => ({ id: v.id as string, ...(typeof v.modified === 'string' ? { modified: v.modified } : {}) })),
        ...(token ? { nextPageToken: token } : {}),
      };
    });
  }

  private async details(wanted: Array<[string, string | undefined]>, signal: AbortSignal | undefined): Promise<Map<string, OsvRecord>> {
    const records = new Map<string, OsvRecord>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < wanted.length) {
        const [id, modified] = wanted[next++]!;
        const record = this.fromCache(id, modified) ?? (await this.fetchRecord(id, signal));
        if (record) records.set(id, record);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, wanted.length) }, worker));
    return records;
  }

  private cacheFile(id: string): string | null {
    return SAFE_ID.test(id) ? path.join(this.cacheDir, 'vulns', `${id}.json`) : null;
  }

  private fromCache(id: string, modified: string | undefined): OsvRecord | null {
    const file = this.cacheFile(id);
    if (!file) return null;
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { fetchedAt?: unknown; record?: unknown };
      if (typeof entry.fetchedAt !== 'number' || this.now() - entry.fetchedAt > this.ttl) return null;
      const { record } = readOsvRecord(entry.record);
      if (!record || record.id !== id || (modified !== undefined && record.modified !== modified)) return null;
      return record;
    } catch {
      return null;
    }
  }

  private async fetchRecord(id: string, signal: AbortSignal | undefined): Promise<OsvRecord | null> {
    const text = await requestText(`${this.baseUrl}/v1/vulns/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } }, this.http(signal, 32 * 1024 ** 2));
    if (text === null) {
      this.warn(`${this.describe()} has no record for ${id}`);
      return null;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.warn(`${this.describe()} sent a record for ${id} that is not JSON`);
      return null;
    }
    const { record, problems } = readOsvRecord(value);
    if (!record || record.id !== id) {
      this.warn(`${this.describe()} sent an unusable record for ${id}${problems.length ? `: ${problems[0]}` : ''}`);
      return null;
    }
    this.toCache(record);
    return record;
  }

  private toCache(record: OsvRecord): void {
    const file = this.cacheFile(record.id);
    if (!file || !this.cacheWritable) return;
    try {
      makeDir(path.dirname(file));
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ fetchedAt: this.now(), record }));
      renameSync(temp, file);
    } catch (error) {
      this.cacheWritable = false;
      this.warn(`advisory cache ${this.cacheDir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); continuing without it`);
    }
  }
}

/**
 * Which advisory source a scan uses: `--db PATH` alone when given; `--offline` the local
 * database alone; otherwise the OSV API, then the local database when the API cannot
 * be reached. When none answers, one error line names what was tried.
 */
import type { PackageQuery } from '../package-names.js';
import type { OsvRecord } from '../types.js';
import { LocalDatabaseSource } from './local-db.js';
import { OsvApiSource } from './osv-api.js';
import { PathDatabaseSource } from './path-db.js';
import { AdvisorySourceError, type AdvisorySource, type Warn } from './source.js';

export interface SourceSelection {
  offline: boolean;
  /** `--db PATH`. */
  db?: string;
  /** Local database directory; default <cache dir>/osv-db. */
  databaseDir?: string;
  warn?: Warn;
  env?: NodeJS.ProcessEnv;
}

export function selectAdvisorySources(selection: SourceSelection): AdvisorySource[] {
  const warn = selection.warn;
  if (selection.db !== undefined) return [new PathDatabaseSource(selection.db, { warn })];
  const local = new LocalDatabaseSource({ dir: selection.databaseDir, warn });
  if (selection.offline) return [local];
  return [new OsvApiSource({ warn, env: selection.env }), local];
}

export interface AdvisoryAnswer {
  /** The source that answered. */
  source: AdvisorySource;
  results: Map<string, OsvRecord[]>;
}

/**
 * Asks each source in turn until one answers. When a later source answers, one warning names
 * the ones that could not and the one used; when none answers, only the error does (a warning
 * that the local database is used, before it turns out to be missing, would contradict it).
 */
export async function queryAdvisories(
  sources: readonly AdvisorySource[],
  packages: readonly PackageQuery[],
  options: { signal?: AbortSignal; warn?: Warn } = {},
): Promise<AdvisoryAnswer> {
  const failures: string[] = [];
  for (const source of sources) {
    try {
      const results = await source.query(packages, options.signal);
      if (failures.length > 0) options.warn?.(`${failures.join('; ')}; used the ${source.describe()}`);
      return { source, results };
    } catch (error) {
      if (!(error instanceof AdvisorySourceError)) throw error;
      failures.push(error.message);
    }
  }
  throw new AdvisorySourceError('sca', `no advisory source answered: ${failures.join('; ') || 'none configured'}`);
}

/** The advisory side of SCA: OSV records, matching, fixes, severity and advisory sources. */
export type { OsvAffected, OsvEvent, OsvRange, OsvRecord, OsvSeverity } from './types.js';
export { parseOsvJson, readOsvRecord } from './record.js';
export { nameKey, normalizePackageName, packageKey, toEcosystem, type PackageQuery } from './package-names.js';
export { affects, matchAdvisory, type MatchResult } from './match.js';
export { fixedVersions, minimalUpgrade, spellLike, summarizeFixes, type FixSummary } from './fix.js';
export { compareAdvisoryIds, groupAliases, groupByAliases } from './aliases.js';
export { AdvisoryIndex } from './advisory-index.js';
export { DEFAULT_ZIP_LIMITS, readZipEntries, ZipError, type ZipLimits } from './zip-reader.js';
export { AdvisorySourceError, CappedWarnings, type AdvisorySource, type Warn } from './sources/source.js';
export { defaultCacheDir, defaultDatabaseDir } from './sources/cache-dir.js';
export { DEFAULT_OSV_API_URL, OsvApiSource, type OsvApiOptions } from './sources/osv-api.js';
export {
  databaseStatus,
  databaseUrl,
  DEFAULT_OSV_DB_URL,
  importDatabaseZip,
  isDatabaseStale,
  LocalDatabaseSource,
  STALE_AFTER_DAYS,
  updateDatabase,
  type DatabaseStatus,
  type EcosystemStatus,
  type UpdateDatabaseOptions,
  type UpdateResult,
} from './sources/local-db.js';
export { PathDatabaseSource } from './sources/path-db.js';
export { queryAdvisories, selectAdvisorySources, type AdvisoryAnswer, type SourceSelection } from './sources/select.js';
export { advisorySeverity, cvss3BaseScore, severityFromScore, UNRATED_SEVERITY, type AdvisorySeverity } from '../cvss.js';

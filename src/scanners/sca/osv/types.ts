/**
 * OSV records as the OSV schema (../shared/data/schemas/osv-schema.json) describes
 * them. Fields secloop does not read are kept as `unknown` so records pass through
 * unchanged.
 */

export type OsvRangeType = 'GIT' | 'SEMVER' | 'ECOSYSTEM';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: OsvRangeType | string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[] | null;
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  /** GHSA puts `last_known_affected_version_range` ("<= 1.2.3", "< 2.0.0") here. */
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[] | null;
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[] | null;
  affected?: OsvAffected[] | null;
  references?: OsvReference[] | null;
  credits?: Array<{ name: string; contact?: string[]; type?: string }>;
  database_specific?: Record<string, unknown>;
}

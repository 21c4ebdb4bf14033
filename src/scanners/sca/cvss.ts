/**
 * Severity of an advisory: the CVSS v3.0/v3.1 base score computed from its vector
 * (the formula and Roundup of the CVSS v3.1 specification, section 7 and Appendix A),
 * otherwise the advisory's own rating (GHSA's database_specific.severity, Ubuntu's
 * priority). CVSS v4 vectors are not scored: they fall back to the advisory's rating.
 */
import type { Severity } from '../../core/finding.js';
import type { Ecosystem } from './model.js';
import { normalizePackageName, toEcosystem } from './osv/package-names.js';
import type { OsvRecord, OsvSeverity } from './osv/types.js';

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  S: { U: 0, C: 1 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
} as const;
const PRIVILEGES = { U: { N: 0.85, L: 0.62, H: 0.27 }, C: { N: 0.85, L: 0.68, H: 0.5 } } as const;
const BASE_METRICS = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;
/** Temporal and environmental metrics may follow the base ones; they do not change the base score. */
const OTHER_METRICS = new Set(['E', 'RL', 'RC', 'CR', 'IR', 'AR', 'MAV', 'MAC', 'MPR', 'MUI', 'MS', 'MC', 'MI', 'MA']);

/** CVSS v3.1 Appendix A: round up to one decimal, free of floating-point surprises. */
export function roundUp(value: number): number {
  const intInput = Math.round(value * 100_000);
  if (intInput % 10_000 === 0) return intInput / 100_000;
  return (Math.floor(intInput / 10_000) + 1) / 10;
}

export type CvssResult = { score: number; version: '3.0' | '3.1' } | { error: string };

/** The base score of a CVSS v3.0 or v3.1 vector, or why the vector cannot be scored. */
export function cvss3BaseScore(vector: string): CvssResult {
  const parts = vector.trim().split('/');
  const prefix = parts.shift();
  if (prefix !== 'CVSS:3.0' && prefix !== 'CVSS:3.1') return { error: `not a CVSS v3 vector: ${JSON.stringify(vector.slice(0, 80))}` };
  const metrics = new Map<string, string>();
  for (const part of parts) {
    const [name, value, extra] = part.split(':');
    if (!name || value === undefined || extra !== undefined) return { error: `malformed metric "${part}"` };
    if (metrics.has(name)) return { error: `metric ${name} given twice` };
    if (!(BASE_METRICS as readonly string[]).includes(name) && !OTHER_METRICS.has(name)) return { error: `unknown metric ${name}` };
    metrics.set(name, value);
  }
  const get = <M extends keyof typeof WEIGHTS>(name: M): number | undefined =>
    (WEIGHTS[name] as Record<string, number>)[metrics.get(name) ?? ''];
  const av = get('AV');
  const ac = get('AC');
  const ui = get('UI');
  const scope = get('S');
  const c = get('C');
  const i = get('I');
  const a = get('A');
  const pr = scope === undefined ? undefined : (PRIVILEGES[scope === 1 ? 'C' : 'U'] as Record<string, number>)[metrics.get('PR') ?? ''];
  if (av === undefined || ac === undefined || ui === undefined || scope === undefined || c === undefined || i === undefined || a === undefined || pr === undefined) {
    const missing = BASE_METRICS.filter((m) => !metrics.has(m));
    return { error: missing.length > 0 ? `base metrics missing: ${missing.join(', ')}` : 'a base metric has an invalid value' };
  }
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const changed = scope === 1;
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  const version = prefix === 'CVSS:3.0' ? '3.0' : '3.1';
  if (impact <= 0) return { score: 0, version };
  const score = changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10)) : roundUp(Math.min(impact + exploitability, 10));
  return { score, version };
}

/** CVSS v3.x qualitative rating; "none" (0.0) is secloop's "info". */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

const TEXT_SEVERITIES: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
  negligible: 'info',
  none: 'info',
  informational: 'info',
};

export function severityFromText(text: unknown): Severity | undefined {
  const key = typeof text === 'string' ? text.trim().toLowerCase() : undefined;
  return key !== undefined && Object.hasOwn(TEXT_SEVERITIES, key) ? TEXT_SEVERITIES[key] : undefined;
}

/** What an advisory without any rating is reported as. */
export const UNRATED_SEVERITY: Severity = 'medium';

export interface AdvisorySeverity {
  severity: Severity;
  /** How it was found. */
  source: 'cvss3' | 'advisory' | 'informational' | 'unrated';
  /** The CVSS v3 base score and vector, when the severity comes from one. */
  score?: number;
  vector?: string;
  /** e.g. "CVSS v4 vector not scored; used the advisory's rating". */
  note?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The severity to report for `record`, optionally for one package (whose affected entries
 * may carry their own ratings): the highest CVSS v3 base score among its vectors, else
 * the advisory's textual rating, else "low" for RustSec informational notices
 * (unmaintained, unsound), else UNRATED_SEVERITY.
 */
export function advisorySeverity(record: OsvRecord, pkg?: { ecosystem: Ecosystem; name: string }): AdvisorySeverity {
  const entries = (Array.isArray(record.affected) ? record.affected : []).filter((a) => {
    if (!isObject(a)) return false;
    if (!pkg) return true;
    if (!isObject(a.package) || typeof a.package.ecosystem !== 'string' || typeof a.package.name !== 'string') return false;
    if (toEcosystem(a.package.ecosystem) !== pkg.ecosystem) return false;
    return normalizePackageName(pkg.ecosystem, a.package.name) === normalizePackageName(pkg.ecosystem, pkg.name);
  });
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const severities = [...list(record.severity), ...entries.flatMap((a) => list(a.severity))].filter(
    (s): s is OsvSeverity => isObject(s) && typeof s.score === 'string',
  );
  const vectors = [...severities.filter((s) => s.type === 'CVSS_V3').map((s) => s.score)];
  for (const entry of entries) {
    const cvss = isObject(entry.database_specific) ? entry.database_specific.cvss : undefined;
    if (typeof cvss === 'string' && cvss.startsWith('CVSS:3')) vectors.push(cvss);
  }
  let best: { score: number; vector: string } | undefined;
  const problems: string[] = [];
  for (const vector of vectors) {
    const result = cvss3BaseScore(vector);
    if ('error' in result) problems.push(result.error);
    else if (!best || result.score > best.score) best = { score: result.score, vector };
  }
  if (best) return { severity: severityFromScore(best.score), source: 'cvss3', score: best.score, vector: best.vector };

  const notes: string[] = [];
  if (severities.some((s) => s.type === 'CVSS_V4')) notes.push('CVSS v4 vector not scored');
  if (problems.length > 0) notes.push(`CVSS v3 vector not usable (${problems[0]})`);
  const field = (holder: unknown, name: string): unknown => (isObject(holder) ? holder[name] : undefined);
  const textual = [
    field(record.database_specific, 'severity'),
    ...entries.flatMap((a) => [field(a.database_specific, 'severity'), field(a.ecosystem_specific, 'severity')]),
    ...severities.filter((s) => s.type === 'Ubuntu').map((s) => s.score),
  ]
    .map(severityFromText)
    .find((s) => s !== undefined);
  const note = (fallback: string): string | undefined => (notes.length > 0 ? `${notes.join('; ')}; ${fallback}` : undefined);
  if (textual) return withNote({ severity: textual, source: 'advisory' }, note("used the advisory's rating"));
  if (entries.some((a) => typeof field(a.database_specific, 'informational') === 'string')) {
    return withNote({ severity: 'low', source: 'informational' }, note('informational notice rated low'));
  }
  return withNote({ severity: UNRATED_SEVERITY, source: 'unrated' }, note(`no rating, reported as ${UNRATED_SEVERITY}`));
}

function withNote(result: AdvisorySeverity, note: string | undefined): AdvisorySeverity {
  return note === undefined ? result : { ...result, note };
}

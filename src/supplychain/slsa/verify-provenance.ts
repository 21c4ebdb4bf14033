import { DsseError, parseEnvelope, verifyEnvelope, type DsseEnvelope } from '../dsse.js';
import { showJson } from '../json/show-json.js';
import { isJsonObject, parseStrictJson, type JsonObject, type JsonValue } from '../json/strict-json.js';
import type { PublicKey } from '../keys/keys.js';
import { INTOTO_PAYLOAD_TYPE, SLSA_PROVENANCE_V1, STATEMENT_V01, STATEMENT_V1 } from './statement.js';

export interface ProvenanceCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface ProvenanceVerification {
  ok: boolean;
  checks: ProvenanceCheck[];
}

export interface VerifyProvenanceOptions {
  /** SHA-256 (hex) of the artifact being checked. */
  artifactDigest: string;
  provenanceText: string;
  keys: PublicKey[];
  sourceCommit?: string | undefined;
  builderId?: string | undefined;
}

/**
 * Checks provenance as a consumer would: a DSSE envelope signed by a trusted key,
 * holding an in-toto Statement with a SLSA v1 predicate, that names the artifact's
 * SHA-256 as a subject, and (when asked) the expected source commit among its
 * resolved dependencies and the expected builder. A file may hold several envelopes
 * (one per line); the first that passes every check wins, otherwise the checks of the
 * one that got furthest are reported.
 */
export function verifyProvenance(options: VerifyProvenanceOptions): ProvenanceVerification {
  const artifactDigest = options.artifactDigest.toLowerCase();
  const envelopes = splitEnvelopes(options.provenanceText);
  if (envelopes.length === 0) return { ok: false, checks: [{ check: 'envelope', ok: false, detail: 'no DSSE envelope found in the provenance file' }] };
  let best: ProvenanceCheck[] | null = null;
  for (const candidate of envelopes) {
    const checks = checkEnvelope(candidate, artifactDigest, options);
    if (checks.every((c) => c.ok)) return { ok: true, checks };
    if (!best || checks.filter((c) => c.ok).length > best.filter((c) => c.ok).length) best = checks;
  }
  return { ok: false, checks: best! };
}

function splitEnvelopes(text: string): Array<DsseEnvelope | DsseError> {
  const parse = (chunk: string): DsseEnvelope | DsseError => {
    try {
      return parseEnvelope(chunk);
    } catch (error) {
      return error instanceof DsseError ? error : new DsseError(String(error));
    }
  };
  const whole = parse(text);
  if (!(whole instanceof DsseError)) return [whole];
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.length > 1 ? lines.map(parse) : [whole];
}

function checkEnvelope(candidate: DsseEnvelope | DsseError, artifactDigest: string, options: VerifyProvenanceOptions): ProvenanceCheck[] {
  if (candidate instanceof DsseError) return [{ check: 'envelope', ok: false, detail: candidate.message }];
  const checks: ProvenanceCheck[] = [];
  let payload: Buffer;
  try {
    const verified = verifyEnvelope(candidate, options.keys, { acceptedTypes: [INTOTO_PAYLOAD_TYPE] });
    payload = verified.payload;
    checks.push({ check: 'signature', ok: true, detail: `signed by ${verified.signers.map((id) => id.slice(0, 8)).join(', ')}` });
  } catch (error) {
    return [{ check: 'signature', ok: false, detail: (error as Error).message }];
  }
  let statement: JsonValue;
  try {
    statement = parseStrictJson(payload.toString('utf8'));
  } catch (error) {
    return [...checks, { check: 'statement', ok: false, detail: `payload is not JSON: ${(error as Error).message}` }];
  }
  if (!isJsonObject(statement) || (statement._type !== STATEMENT_V1 && statement._type !== STATEMENT_V01)) {
    return [...checks, { check: 'statement', ok: false, detail: `not an in-toto Statement (_type ${showJson(isJsonObject(statement) ? statement._type : null)})` }];
  }
  checks.push({ check: 'statement', ok: true, detail: String(statement._type) });
  const predicateOk = statement.predicateType === SLSA_PROVENANCE_V1 && isJsonObject(statement.predicate);
  checks.push({ check: 'predicate', ok: predicateOk, detail: predicateOk ? SLSA_PROVENANCE_V1 : `predicateType ${showJson(statement.predicateType)} is not ${SLSA_PROVENANCE_V1}` });

  const subjects = Array.isArray(statement.subject) ? statement.subject.filter(isJsonObject) : [];
  const match = subjects.find((subject) => isJsonObject(subject.digest) && typeof subject.digest.sha256 === 'string' && subject.digest.sha256.toLowerCase() === artifactDigest);
  checks.push({
    check: 'subject',
    ok: match !== undefined,
    detail: match ? `artifact sha256 ${artifactDigest.slice(0, 16)}… is subject '${String(match.name)}'` : `artifact sha256 ${artifactDigest} is not among the ${subjects.length} subject(s)`,
  });

  const predicate = isJsonObject(statement.predicate) ? statement.predicate : {};
  if (options.sourceCommit !== undefined) {
    const commits = resolvedCommits(predicate);
    const wanted = options.sourceCommit.toLowerCase();
    const ok = commits.includes(wanted);
    checks.push({ check: 'source commit', ok, detail: ok ? `built from ${wanted}` : `expected source commit ${wanted}, provenance names ${commits.join(', ') || 'none'}` });
  }
  if (options.builderId !== undefined) {
    const builderId = path(predicate, ['runDetails', 'builder', 'id']);
    const ok = builderId === options.builderId;
    checks.push({ check: 'builder', ok, detail: ok ? `builder ${options.builderId}` : `expected builder ${options.builderId}, provenance names ${showJson(builderId ?? null)}` });
  }
  return checks;
}

function resolvedCommits(predicate: JsonObject): string[] {
  const dependencies = path(predicate, ['buildDefinition', 'resolvedDependencies']);
  if (!Array.isArray(dependencies)) return [];
  return dependencies.flatMap((dependency) => {
    if (!isJsonObject(dependency) || !isJsonObject(dependency.digest)) return [];
    return ['gitCommit', 'sha1'].flatMap((name) => {
      const value = (dependency.digest as JsonObject)[name];
      return typeof value === 'string' ? [value.toLowerCase()] : [];
    });
  });
}

function path(value: JsonValue, keys: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const key of keys) {
    if (!isJsonObject(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

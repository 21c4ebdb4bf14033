import { compareCodePoints } from '../json/canonical-json.js';
import type { JsonObject } from '../json/strict-json.js';

/**
 * in-toto attestation framework Statement v1 carrying a SLSA Provenance v1 predicate
 * (https://slsa.dev/spec/v1.0/provenance), as secloop writes it.
 */

export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** Older statements are still accepted when verifying (SLSA allows v1 predicates in them). */
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** What a secloop-run build means: run `externalParameters.command` in the source at the resolved commit. */
export const SECLOOP_BUILD_TYPE = 'https://secloop.dev/build-types/command/v1';

export interface Subject {
  name: string;
  sha256: string;
}

export interface ProvenanceInput {
  subjects: Subject[];
  builderId: string;
  command: readonly string[];
  /** The source the build ran from: a git commit, with the repository URI when known. */
  source?: { uri?: string; commit: string } | undefined;
  startedOn?: Date | undefined;
  finishedOn?: Date | undefined;
  invocationId?: string | undefined;
  workingDirectory?: string | undefined;
  internalParameters?: JsonObject;
  /** Extra evidence (e.g. the build watch result) recorded under runDetails.byproducts. */
  byproducts?: JsonObject[];
}

export function provenanceStatement(input: ProvenanceInput): JsonObject {
  const externalParameters: JsonObject = { command: [...input.command] };
  if (input.workingDirectory !== undefined) externalParameters.workingDirectory = input.workingDirectory;
  if (input.source?.uri) externalParameters.source = input.source.uri;
  const buildDefinition: JsonObject = {
    buildType: SECLOOP_BUILD_TYPE,
    externalParameters,
    internalParameters: input.internalParameters ?? {},
    resolvedDependencies: input.source ? [{ ...(input.source.uri ? { uri: input.source.uri } : {}), digest: { gitCommit: input.source.commit } }] : [],
  };
  const metadata: JsonObject = {};
  if (input.invocationId) metadata.invocationId = input.invocationId;
  if (input.startedOn) metadata.startedOn = rfc3339(input.startedOn);
  if (input.finishedOn) metadata.finishedOn = rfc3339(input.finishedOn);
  const runDetails: JsonObject = { builder: { id: input.builderId }, metadata };
  if (input.byproducts && input.byproducts.length > 0) runDetails.byproducts = input.byproducts;
  return {
    _type: STATEMENT_V1,
    subject: [...input.subjects]
      .sort((a, b) => compareCodePoints(a.name, b.name))
      .map((subject) => ({ name: subject.name, digest: { sha256: subject.sha256 } })),
    predicateType: SLSA_PROVENANCE_V1,
    predicate: { buildDefinition, runDetails },
  };
}

/** RFC 3339 in UTC with second precision, as SLSA examples write timestamps. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { TOOL_VERSION } from '../../core/version.js';
import { signEnvelope, type DsseEnvelope } from '../dsse.js';
import { sha256File } from '../intoto/artifacts.js';
import { watchBuild, watchByproduct, type WatchResult } from '../buildwatch/watch.js';
import { executeCommand } from '../intoto/run-step.js';
import { canonicalJsonBytes } from '../json/canonical-json.js';
import type { JsonObject } from '../json/strict-json.js';
import type { SigningKey } from '../keys/keys.js';
import { readSourceInfo } from './source-info.js';
import { INTOTO_PAYLOAD_TYPE, provenanceStatement, type Subject } from './statement.js';

export interface GenerateProvenanceOptions {
  keys: SigningKey[];
  artifacts: readonly string[];
  builderId: string;
  /** The build command; when empty, only the artifacts are attested (no times recorded). */
  command: readonly string[];
  cwd: string;
  output: string;
  /** Override what git says (or give it where there is no repository). */
  sourceCommit?: string | undefined;
  sourceUri?: string | undefined;
  allowDirty?: boolean;
  invocationId?: string | undefined;
  /** Run the build under `secloop buildwatch` and record its result (no provenance on a violation). */
  watch?: boolean;
  /** Further evidence recorded under runDetails.byproducts. */
  byproducts?: JsonObject[];
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
}

export type GenerateProvenanceResult =
  | { built: true; envelope: DsseEnvelope; statement: JsonObject; output: string }
  | { built: false; returnValue: number | null; watch?: WatchResult };

/**
 * Runs the build (when a command is given), hashes the artifacts it produced and writes
 * a signed SLSA v1 provenance statement as one DSSE envelope per line (`.intoto.jsonl`).
 * A failed build gets no provenance. The source commit comes from git unless given;
 * a working tree that differs from it is refused unless allowDirty, because the
 * provenance would name a source the build did not come from.
 */
export async function generateProvenance(options: GenerateProvenanceOptions): Promise<GenerateProvenanceResult> {
  if (options.keys.length === 0) throw new UsageError('provenance needs at least one --key');
  if (options.artifacts.length === 0) throw new UsageError('name at least one --artifact to attest');
  if (!options.builderId) throw new UsageError('--builder-id is required');
  const source = await resolveSource(options);

  let startedOn: Date | undefined;
  let finishedOn: Date | undefined;
  const byproducts = [...(options.byproducts ?? [])];
  const sinks = { ...(options.stdout ? { stdout: options.stdout } : {}), ...(options.stderr ? { stderr: options.stderr } : {}) };
  if (options.watch && options.command.length === 0) throw new UsageError('--watch needs the build command after --');
  if (options.command.length > 0) {
    startedOn = new Date();
    if (options.watch) {
      const watched = await watchBuild({ repoDir: options.cwd, command: options.command, allowDirty: options.allowDirty === true, ...sinks });
      finishedOn = new Date();
      if (watched.violations.length > 0 || watched.returnValue !== 0) return { built: false, returnValue: watched.returnValue, watch: watched };
      byproducts.push(watchByproduct(watched));
    } else {
      const result = await executeCommand(options.command, { cwd: options.cwd, ...sinks });
      finishedOn = new Date();
      if (result.returnValue !== 0) return { built: false, returnValue: result.returnValue };
    }
  }

  const subjects: Subject[] = [];
  for (const artifact of options.artifacts) {
    const full = path.resolve(options.cwd, artifact);
    let isFile = false;
    try {
      isFile = statSync(full).isFile();
    } catch {
      // reported below
    }
    if (!isFile) throw new UsageError(`artifact ${artifact} is not a file${options.command.length > 0 ? ' after the build' : ''}`);
    subjects.push({ name: subjectName(options.cwd, full), sha256: await sha256File(full) });
  }

  const internalParameters: JsonObject = { secloopVersion: TOOL_VERSION, nodeVersion: process.version, platform: `${process.platform}-${process.arch}` };
  if (source?.dirty) internalParameters.sourceTreeDirty = true;
  const statement = provenanceStatement({
    subjects,
    builderId: options.builderId,
    command: options.command,
    source: source ? { commit: source.commit, ...(source.uri ? { uri: source.uri } : {}) } : undefined,
    startedOn,
    finishedOn,
    invocationId: options.invocationId,
    workingDirectory: source?.workingDirectory,
    internalParameters,
    byproducts,
  });
  const envelope = signEnvelope(INTOTO_PAYLOAD_TYPE, canonicalJsonBytes(statement), options.keys);
  const output = path.resolve(options.cwd, options.output);
  writeFileSync(output, JSON.stringify({ payloadType: envelope.payloadType, payload: envelope.payload, signatures: envelope.signatures }) + '\n');
  return { built: true, envelope, statement, output };
}

async function resolveSource(options: GenerateProvenanceOptions): Promise<{ commit: string; uri?: string; dirty: boolean; workingDirectory?: string } | null> {
  if (options.sourceCommit !== undefined && !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(options.sourceCommit)) {
    throw new UsageError('--source-commit must be a full lowercase commit hash (40 or 64 hex digits)');
  }
  const info = await readSourceInfo(options.cwd);
  if (info && info.dirtyPaths.length > 0 && !options.allowDirty && options.sourceCommit === undefined) {
    const shown = info.dirtyPaths.slice(0, 5).join(', ');
    throw new UsageError(`tracked files differ from commit ${info.commit.slice(0, 12)} (${shown}${info.dirtyPaths.length > 5 ? ', ...' : ''}); commit them or pass --allow-dirty`);
  }
  const commit = options.sourceCommit ?? info?.commit;
  if (!commit) return null;
  const uri = options.sourceUri ?? info?.uri;
  return { commit, ...(uri ? { uri } : {}), dirty: options.sourceCommit === undefined && (info?.dirtyPaths.length ?? 0) > 0 };
}

function subjectName(cwd: string, full: string): string {
  const relative = path.relative(cwd, full);
  return (relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(full) : relative).split(path.sep).join('/');
}

import type { ScannerFinding } from '../../core/finding.js';
import type { Scanner, ScanContext } from '../scanner.js';
import type { WorkspaceFile } from '../../workspace/files.js';
import { Allowlist } from './allowlist.js';
import type { Detector } from './detector.js';
import { detectorById } from './detectors.js';
import type { SecretMatch } from './engine/scan-bytes.js';
import { matchHash, ruleDoc, toFinding, valuesToRedact, type CommitOrigin } from './findings.js';
import { DETECTORS } from './rules/index.js';
import { scanBatchAt, scanFileBytes, type FileScanResult, type ScannedBatch } from './scan-file.js';
import type { PendingVerification } from './verify/index.js';
import { defaultWorkerCount, prestartWorkers, releasePrestartedWorkers, scanInParallel, shouldUseWorkers } from './workers/pool.js';

const RULES = DETECTORS.map(ruleDoc);

export const secretsScanner: Scanner = {
  id: 'secrets',
  description: `Leaked credentials (${DETECTORS.length} detectors: cloud, VCS, registry and SaaS tokens, private keys, passwords in config and code), optionally across the whole git history`,
  // Every file: lockfiles, configs and docs leak credentials too. Binary files are
  // recognised when read (WorkspaceFile.text() returns null) and recorded as skipped.
  wants: () => true,
  rules: () => RULES,
  scan: scanSecrets,
  // The pre-commit hook's few staged files need no threads.
  prepare: ({ staged }) => {
    if (!staged) prepareSecretsScan();
  },
};

/**
 * Starts the secret scanning threads before the scan, so that their start-up (about a
 * tenth of a second: a new isolate, the detector modules, the keyword tables) overlaps
 * the caller's walk of the tree. A scan that turns out small ends them unused. Not for
 * the pre-commit hook, whose few staged files need none.
 */
export function prepareSecretsScan(): void {
  prestartWorkers();
}

interface Reported {
  finding: ScannerFinding;
  detector: Detector;
  match: SecretMatch;
  hash: string;
}

async function* scanSecrets(ctx: ScanContext): AsyncGenerator<ScannerFinding> {
  const allowlist = new Allowlist(ctx.config.secrets.allowlist);
  for (const problem of allowlist.problems) ctx.warn({ message: problem });
  const reported: Reported[] = [];
  const report = (match: SecretMatch, path: string, origin?: CommitOrigin): Reported | null => {
    const hash = matchHash(match);
    if (!allowlist.empty && (allowlist.allows(match.secret) || (match.pair && allowlist.allows(match.pair.secret)))) return null;
    for (const value of valuesToRedact(match)) ctx.registerSecret(value);
    const detector = detectorById(match.detectorId);
    const entry = { finding: toFinding(match, path, detector, origin), detector, match, hash };
    reported.push(entry);
    return entry;
  };

  const filesByPath = new Map(ctx.files.map((file) => [file.path, file]));
  for await (const { files, results } of workingTreeResults(ctx)) {
    ctx.progress.tick(files);
    for (const result of results) {
      if (result.skipped) {
        // Let the workspace record the binary or unreadable file once, as for every scanner.
        await filesByPath.get(result.path)?.text();
        continue;
      }
      for (const match of result.matches) report(match, result.path);
    }
  }

  if (ctx.options.history) await addHistory(ctx, reported, report);
  reported.sort((a, b) => compareLocations(a.finding, b.finding));
  const distinct = foldRepeats(reported);
  // History and verification load only when asked for: most scans use neither.
  if (ctx.options.verify) await (await import('./verify/index.js')).verifyFindings(distinct.map(pendingVerification));
  for (const { finding } of distinct) yield finding;
}

/** How many other places of one secret in one file a finding lists. */
const MAX_REPEATS_LISTED = 50;

/**
 * One finding per secret and file, as GitHub's secret scanning keeps one alert per secret:
 * a test file that sends the same token in 70 requests has one secret to revoke and one file
 * to change. The first place is the finding's; the others are its related locations. History
 * findings (each at the commit that brought it) are kept as they are.
 */
function foldRepeats(sorted: readonly Reported[]): Reported[] {
  const first = new Map<string, Reported>();
  const repeats = new Map<Reported, number>();
  const kept: Reported[] = [];
  for (const entry of sorted) {
    if (entry.finding.outsideWorkingTree) {
      kept.push(entry);
      continue;
    }
    const key = `${entry.finding.ruleId}\0${entry.finding.location.path}\0${entry.hash}`;
    const owner = first.get(key);
    if (!owner) {
      first.set(key, entry);
      kept.push(entry);
      continue;
    }
    const count = (repeats.get(owner) ?? 0) + 1;
    repeats.set(owner, count);
    if (count <= MAX_REPEATS_LISTED) (owner.finding.related ??= []).push({ ...entry.finding.location, message: 'The same value again.' });
  }
  for (const [owner, count] of repeats) {
    owner.finding.message += ` The same value appears ${count} more time${count === 1 ? '' : 's'} in this file${count > MAX_REPEATS_LISTED ? ` (the first ${MAX_REPEATS_LISTED} are listed)` : ''}.`;
    owner.finding.properties['repeats'] = count;
  }
  return kept;
}

/** Large trees are scanned on every core (worker threads read the files themselves); small ones here. */
async function* workingTreeResults(ctx: ScanContext): AsyncGenerator<ScannedBatch> {
  if (shouldUseWorkers(ctx.files)) {
    // A thread that fails mid-scan only warns (the pool rescans its files here); threads
    // that cannot start at all leave the whole scan to this thread.
    const onThreadFailure = (message: string) => ctx.warn({ message: `${message.split('\n')[0]}; its files were scanned in the main thread` });
    let yielded = false;
    try {
      for await (const scanned of scanInParallel(ctx.files, { workers: defaultWorkerCount(), maxBytes: ctx.config.maxFileSize, signal: ctx.signal, onThreadFailure })) {
        yielded = true;
        yield scanned;
      }
      return;
    } catch (error) {
      if (ctx.signal.aborted || yielded) throw error;
      ctx.warn({ message: `secret scanning threads failed (${(error as Error).message.split('\n')[0]}); scanning in one thread` });
    }
  }
  await releasePrestartedWorkers();
  if (!ctx.files.some((file) => file.fromIndex)) {
    // Files the walk found on disk are read here as the threads read them, synchronously
    // and in batches: an await per file would cost more than reading it.
    for (let start = 0; start < ctx.files.length; start += IN_PROCESS_BATCH) {
      if (ctx.signal.aborted) return;
      yield scanBatchAt(ctx.files.slice(start, start + IN_PROCESS_BATCH), ctx.config.maxFileSize);
    }
    return;
  }
  // Files without a size (the pre-commit hook's staged files) are read through the workspace, from the git index.
  for (const file of ctx.files) {
    if (ctx.signal.aborted) return;
    yield { files: 1, results: [await scanInProcess(file)] };
  }
}

const IN_PROCESS_BATCH = 64;

async function scanInProcess(file: WorkspaceFile): Promise<FileScanResult> {
  let bytes: Buffer;
  try {
    bytes = await file.read();
  } catch {
    return { path: file.path, matches: [], skipped: 'unreadable' };
  }
  return scanFileBytes(file.path, bytes);
}

/**
 * History adds the secrets that the working tree no longer shows, each once, at the commit
 * that introduced it; a working-tree finding whose secret is also in history is not repeated
 * but gets that commit (properties.commit, commitDate, inHead) so the developer knows since
 * when it has been exposed.
 */
async function addHistory(ctx: ScanContext, reported: Reported[], report: (match: SecretMatch, path: string, origin?: CommitOrigin) => Reported | null): Promise<void> {
  if (!ctx.git) {
    ctx.warn({ message: '--history needs a git repository; the scan root is not in one, so history was not scanned' });
    return;
  }
  let history;
  try {
    history = await (await import('./history.js')).scanHistory(ctx);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.warn({ message: `history was not scanned: ${(error as Error).message}` });
    return;
  }
  const inWorkingTree = new Set(reported.map((entry) => entry.hash));
  for (const entry of reported) {
    const origin = history.introducedBy.get(entry.hash);
    if (origin) Object.assign(entry.finding.properties, { commit: origin.commit, commitDate: origin.commitDate, inHead: origin.inHead });
  }
  for (const found of history.findings) {
    if (inWorkingTree.has(matchHash(found.match))) continue;
    const entry = report(found.match, found.path, found.origin);
    if (entry) entry.finding.outsideWorkingTree = true;
  }
}

function pendingVerification(entry: Reported): PendingVerification {
  return {
    finding: entry.finding,
    detector: entry.detector,
    secret: entry.match.secret,
    ...(entry.match.pair ? { pair: entry.match.pair.secret } : {}),
  };
}

function compareLocations(a: ScannerFinding, b: ScannerFinding): number {
  const pa = a.location.path;
  const pb = b.location.path;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return (
    a.location.startLine - b.location.startLine ||
    (a.location.startColumn ?? 0) - (b.location.startColumn ?? 0) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (String(a.properties['commit'] ?? '') < String(b.properties['commit'] ?? '') ? -1 : 1)
  );
}

import { existsSync, statSync, accessSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { DetachedStrings } from '../core/detach-strings.js';
import { readBaseline } from '../core/baseline.js';
import { tagTestCode } from '../core/code-kind.js';
import { checkRuleIds, loadConfig, type ResolvedConfig } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { compareFindings, isScannerId, SCANNER_IDS, type Finding, type Location, type ScannerFinding, type ScannerId } from '../core/finding.js';
import { fingerprintAll, lineHash, normaliseLine } from '../core/fingerprint.js';
import { Redactor } from '../core/redact.js';
import { RuleCatalog } from '../core/rule.js';
import { findSuppression, parseSuppressions, type InlineSuppression } from '../core/suppression.js';
import { owaspFor } from '../core/taxonomy.js';
import { availableScannerIds, loadScanners } from '../scanners/registry.js';
import { foldDuplicates } from './fold-duplicates.js';
import type { Progress, ScanOptions, ScanWarning, Scanner } from '../scanners/scanner.js';
import type { SkippedFile, WorkspaceFile } from '../workspace/files.js';
import { Git, type ChangedLines } from '../workspace/git.js';
import { singleFile, walk, type WalkEntry } from '../workspace/walk.js';
import { Workspace } from '../workspace/workspace.js';

export interface ScanRequest {
  target: string;
  scanners?: ScannerId[];
  configFile?: string;
  baselineFile?: string;
  since?: string;
  /** Scan only what is staged for commit (the pre-commit hook). */
  staged?: boolean;
  options?: Partial<ScanOptions>;
  /** Progress events for a TTY display. */
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Scanners to use instead of the registry (tests). */
  scannerSet?: readonly Scanner[];
}

export interface ProgressEvent {
  scanner: ScannerId;
  done: number;
  total: number;
}

export type SuppressionKind = 'inSource' | 'external';

export interface SuppressedFinding {
  finding: Finding;
  kind: SuppressionKind;
  justification: string;
}

export interface ScanResult {
  root: string;
  config: ResolvedConfig;
  scanners: ScannerId[];
  findings: Finding[];
  suppressed: SuppressedFinding[];
  warnings: ScanWarning[];
  skipped: SkippedFile[];
  filesScanned: number;
  ignoredCount: number;
  rules: RuleCatalog;
  /** SARIF primaryLocationLineHash per fingerprint. */
  lineHashes: Map<string, string>;
  /** Code around each finding, secrets redacted, by fingerprint (for HTML). */
  excerpts: Map<string, Excerpt>;
  durationMs: number;
  since?: string;
}

export interface Excerpt {
  startLine: number;
  lines: string[];
}

const EXCERPT_CONTEXT = 2;
/** A finding that spans a long script shows its first lines only. */
const EXCERPT_MAX_SPAN = 12;
/**
 * Files with findings whose texts postProcess reads while it works on an earlier one. Each
 * read is a few round trips through the thread pool (open, head, stat, read, close), which
 * one after the other were most of its time (bitnami/charts: 434 files, 0.8 to 1.2 s of
 * waiting on a loaded machine, 0.3 to 0.9 s with 4 read ahead); at most 4 more texts are
 * held at once.
 */
const READ_AHEAD = 4;

/** The scan pipeline: workspace -> scanners -> Finding -> policy. Writers format the result. */
export async function runScan(request: ScanRequest): Promise<ScanResult> {
  const started = performance.now();
  const target = path.resolve(request.target);
  const targetStat = statTarget(target);
  const root = targetStat.isDirectory() ? target : path.dirname(target);
  // git runs while the config and baseline are read (Git.open never rejects).
  const opening = Git.open(root);
  const config = loadConfig(root, request.configFile);
  const baseline = request.baselineFile ? readBaseline(request.baselineFile) : new Set<string>();
  const git = await opening;
  const options: ScanOptions = {
    history: request.options?.history ?? config.secrets.history ?? false,
    offline: request.options?.offline ?? config.sca.offline ?? false,
    verify: request.options?.verify ?? false,
    prodOnly: request.options?.prodOnly ?? config.sca.prodOnly ?? false,
    ...(request.staged ? { staged: true } : {}),
    ...(request.options?.db ?? config.sca.db ? { db: request.options?.db ?? config.sca.db } : {}),
    // Explicitly false (--no-library-inputs) must reach the scanner too, not only true.
    ...((request.options?.libraryInputs ?? config.sast.libraryInputs) !== undefined
      ? { libraryInputs: (request.options?.libraryInputs ?? config.sast.libraryInputs)! }
      : {}),
  };

  let changed: ChangedLines | undefined;
  let gitPrefix = '';
  if (request.since || request.staged) {
    if (!git) throw new UsageError(`${request.staged ? '--staged' : '--since'} needs a git repository, and ${root} is not in one`);
    gitPrefix = await git.prefix();
    changed = await git.changedLines(request.since ?? null, { staged: request.staged ?? false });
  }

  const scannerIds = chooseScanners(request.scanners, config, request.scannerSet ? request.scannerSet.map((s) => s.id) : availableScannerIds());
  // A scan of staged files lists its few files first, so that the scanners that want none of them need not load.
  const stagedWorkspace = request.staged ? await buildWorkspace(root, target, targetStat.isDirectory(), config, git, true, gitPrefix) : undefined;
  // A scanner a rule setting names is loaded whatever the files, so that the setting is checked (checkRuleIds).
  const named = new Set(Object.keys(config.rules).map((id) => id.slice(0, id.indexOf('/')) as ScannerId));
  const scanners = request.scannerSet
    ? scannerIds.map((id) => request.scannerSet!.find((s) => s.id === id)!)
    : await loadScanners(scannerIds, stagedWorkspace ? { paths: stagedWorkspace.workspace.files.map((file) => file.path), keep: named } : undefined);
  for (const scanner of scanners) scanner.prepare?.({ staged: request.staged ?? false });
  const readsIgnored = scanners.filter((scanner) => scanner.readsIgnored);
  const readIgnored = readsIgnored.length > 0 ? (p: string) => readsIgnored.some((scanner) => scanner.readsIgnored!(p)) : undefined;
  const { workspace, ignoredCount } = stagedWorkspace ?? (await buildWorkspace(root, target, targetStat.isDirectory(), config, git, false, gitPrefix, readIgnored));
  const warnings: ScanWarning[] = [];
  const redactor = new Redactor();
  const rules = new RuleCatalog();
  const raw: ScannerFinding[] = [];
  // Findings and secrets are kept until the scan ends: they keep none of the texts they were read from.
  const detached = new DetachedStrings();
  const wanted = new Set<string>();
  const signal = request.signal ?? new AbortController().signal;

  for (const scanner of scanners) rules.add(scanner.rules());
  checkRuleIds(config, { scanners: [...SCANNER_IDS], loaded: scanners.map((s) => s.id), ids: rules.all().map((r) => r.id) });

  for (const scanner of scanners) {
    // A file a .gitignore leaves out reaches only the scanners that read such files (lockfiles for sca).
    const files = workspace.files.filter((file) => scanner.wants(file.path) && (!file.gitIgnored || scanner.readsIgnored?.(file.path) === true));
    for (const file of files) wanted.add(file.path);
    let done = 0;
    const progress: Progress = {
      tick(count = 1) {
        done += count;
        request.onProgress?.({ scanner: scanner.id, done, total: files.length });
      },
    };
    request.onProgress?.({ scanner: scanner.id, done: 0, total: files.length });
    try {
      for await (const finding of scanner.scan({
        root,
        files,
        config,
        options,
        git,
        progress,
        signal,
        warn: (warning) => warnings.push({ scanner: scanner.id, ...warning, message: boundedMessage(warning.message) }),
        registerSecret: (value, scope) => redactor.add(detached.text(value), scope),
      })) {
        raw.push(detached.detach(finding));
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // A scanner bug must not hide the other scanners' findings; it is reported loudly.
      warnings.push({ scanner: scanner.id, message: `scanner failed: ${(error as Error).message}` });
    }
  }

  const filesByPath = new Map(workspace.files.map((file) => [file.path, file]));
  const post = await postProcess(raw, config, filesByPath, redactor);
  let { findings } = post;
  const { lineHashes, excerpts, suppressionWarnings } = post;
  warnings.push(...suppressionWarnings);

  if (changed) {
    // A finding is the change's when its place changed, or one of its related places: the
    // caller's argument that a Terraform module's finding reads, the template line that
    // wrote a Helm value.
    const touched = (at: Location) => changed!.get(gitPrefix + at.path)?.hasAny(at.startLine, Math.max(at.startLine, at.endLine ?? at.startLine)) ?? false;
    findings = findings.filter((finding) => touched(finding.location) || (finding.related ?? []).some(touched));
  }

  const suppressed: SuppressedFinding[] = [];
  const active: Finding[] = [];
  for (const finding of findings) {
    const inline = post.inlineByFingerprint.get(finding.fingerprint);
    if (inline) suppressed.push({ finding, kind: 'inSource', justification: inline });
    else if (baseline.has(finding.fingerprint)) suppressed.push({ finding, kind: 'external', justification: 'in baseline' });
    else active.push(finding);
  }
  // Folded within each side: a finding suppressed by its own rule's ignore or by an older
  // baseline does not take the other scanner's unsuppressed finding with it.
  const shown = foldDuplicates(active).sort(compareFindings);
  const suppressedFolded = foldSuppressed(suppressed).sort((a, b) => compareFindings(a.finding, b.finding));

  return {
    root,
    config,
    scanners: scanners.map((s) => s.id),
    findings: shown,
    suppressed: suppressedFolded,
    warnings: withoutRepeats(warnings.sort(compareWarnings)),
    skipped: workspace.skipped,
    filesScanned: countScanned(wanted, workspace.skipped),
    ignoredCount,
    rules,
    lineHashes,
    excerpts,
    durationMs: performance.now() - started,
    ...(request.since ? { since: request.since } : {}),
  };
}

/** Suppressed findings fold per kind and justification, so that a fold never changes why one is hidden. */
function foldSuppressed(suppressed: readonly SuppressedFinding[]): SuppressedFinding[] {
  const byReason = new Map<string, SuppressedFinding[]>();
  for (const entry of suppressed) {
    const key = `${entry.kind}\0${entry.justification}`;
    const list = byReason.get(key);
    if (list) list.push(entry);
    else byReason.set(key, [entry]);
  }
  return [...byReason.values()].flatMap((entries) =>
    foldDuplicates(entries.map((e) => e.finding)).map((finding) => ({ ...entries[0]!, finding })),
  );
}

function statTarget(target: string) {
  if (!existsSync(target)) throw new UsageError(`path does not exist: ${target}`);
  try {
    const stat = statSync(target);
    accessSync(target, stat.isDirectory() ? fsConstants.R_OK | fsConstants.X_OK : fsConstants.R_OK);
    if (!stat.isDirectory() && !stat.isFile()) throw new UsageError(`not a file or directory: ${target}`);
    return stat;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${target}: ${(error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : String((error as Error).message)}`);
  }
}

async function buildWorkspace(
  root: string,
  target: string,
  isDirectory: boolean,
  config: ResolvedConfig,
  git: Git | null,
  staged: boolean,
  gitPrefix: string,
  readIgnored?: (path: string) => boolean,
): Promise<{ workspace: Workspace; ignoredCount: number }> {
  if (staged && git) {
    // The pre-commit hook scans what will be committed: the index, not the working tree.
    const entries: WalkEntry[] = (await git.stagedPaths())
      .filter((p) => p.startsWith(gitPrefix))
      .map((p) => ({ path: p.slice(gitPrefix.length), absPath: path.join(root, p.slice(gitPrefix.length)), fromIndex: true }));
    const readBytes = (entry: WalkEntry) => git.readStaged(gitPrefix + entry.path);
    return { workspace: new Workspace(entries, [], { readBytes, maxFileSize: config.maxFileSize }), ignoredCount: 0 };
  }
  // Files are not measured by the walk: readers check maxFileSize on the files they open.
  // Tracked files a .gitignore matches are part of the repository (git ignores only untracked files).
  const tracked = isDirectory && git ? await git.trackedButIgnoredHere() : undefined;
  const walked = isDirectory
    ? walk(root, {
        ignore: config.ignore,
        maxFileSize: config.maxFileSize,
        skipDirs: config.skipDirs,
        measure: false,
        ...(tracked ? { tracked } : {}),
        ...(readIgnored ? { readIgnored } : {}),
      })
    : singleFile(target, config);
  return { workspace: new Workspace(walked.files, walked.skipped, { maxFileSize: config.maxFileSize }), ignoredCount: walked.ignoredCount };
}

function chooseScanners(requested: ScannerId[] | undefined, config: ResolvedConfig, available: readonly ScannerId[]): ScannerId[] {
  if (requested) {
    for (const id of requested) {
      if (!isScannerId(id)) throw new UsageError(`unknown scanner '${id}' (known: ${SCANNER_IDS.join(', ')})`);
    }
    const missing = requested.filter((id) => !available.includes(id));
    if (missing.length > 0)
      throw new UsageError(`scanner ${missing.join(', ')} is not available in this version (available: ${available.join(', ') || 'none'})`);
    return available.filter((id) => requested.includes(id));
  }
  return available.filter((id) => config.scanners[id] !== false);
}

interface PostProcessed {
  findings: Finding[];
  lineHashes: Map<string, string>;
  excerpts: Map<string, Excerpt>;
  inlineByFingerprint: Map<string, string>;
  suppressionWarnings: ScanWarning[];
}

/**
 * Rule settings, OWASP mapping, fingerprints, the test-code tag, inline suppressions and
 * excerpts: each file with findings is read once more, here, and only those files.
 */
async function postProcess(
  raw: readonly ScannerFinding[],
  config: ResolvedConfig,
  files: Map<string, WorkspaceFile>,
  redactor: Redactor,
): Promise<PostProcessed> {
  const settled = raw.flatMap((finding) => {
    const setting = config.rules[finding.ruleId];
    if (setting && !setting.enabled) return [];
    return [{ ...finding, severity: setting?.severity ?? finding.severity }];
  });

  const byPath = new Map<string, ScannerFinding[]>();
  for (const finding of settled) {
    const list = byPath.get(finding.location.path) ?? [];
    list.push(finding);
    byPath.set(finding.location.path, list);
  }

  const findings: Finding[] = [];
  const lineHashes = new Map<string, string>();
  const excerpts = new Map<string, Excerpt>();
  const inlineByFingerprint = new Map<string, string>();
  const suppressionWarnings: ScanWarning[] = [];

  const ordered = [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const reads: Array<Promise<string | null> | undefined> = [];
  const readText = (index: number): Promise<string | null> => {
    const [filePath, list] = ordered[index]!;
    const file = files.get(filePath);
    if (!file || !list.some((f) => !f.outsideWorkingTree)) return Promise.resolve(null);
    const read = file.text();
    // A failed read fails the scan when its turn comes, as it did read in turn; not before, unhandled.
    read.catch(() => {});
    return read;
  };
  for (const [index, [filePath, list]] of ordered.entries()) {
    for (let next = index; next <= Math.min(index + READ_AHEAD, ordered.length - 1); next++) reads[next] ??= readText(next);
    const text = await reads[index]!;
    reads[index] = undefined;
    const fileLines = text?.split('\n') ?? [];
    const fileSuppressions: InlineSuppression[] = text ? parseSuppressions(text) : [];

    const linesOf = (f: ScannerFinding): string[] => (f.outsideWorkingTree ? [] : fileLines);
    const lineText = (f: ScannerFinding, n: number): string => linesOf(f)[n - 1] ?? '';
    const fingerprints = fingerprintAll(
      list.map((f) => ({
        ruleId: f.ruleId,
        path: filePath,
        key: f.fingerprintKey ?? normaliseLine(lineText(f, f.location.startLine)),
        line: f.location.startLine,
        ...(f.location.startColumn !== undefined ? { column: f.location.startColumn } : {}),
      })),
    );
    const occurrences = new Map<string, number>();
    list.forEach((scannerFinding, i) => {
      const { fingerprintKey: _key, outsideWorkingTree: _outside, inSourceSuppression: foreign, ...rest } = scannerFinding;
      const lines = linesOf(scannerFinding);
      const suppressions = scannerFinding.outsideWorkingTree ? [] : fileSuppressions;
      const finding: Finding = {
        ...rest,
        owasp: scannerFinding.owasp ?? owaspFor(scannerFinding.cwe),
        fingerprint: fingerprints[i]!,
        message: redactor.redact(scannerFinding.message, filePath, namesShown(rest.properties), scannerFinding.outsideWorkingTree ? undefined : (text ?? undefined)),
        properties: tagTestCode(rest.properties, filePath),
      };
      findings.push(finding);
      const normalised = scannerFinding.outsideWorkingTree
        ? (scannerFinding.fingerprintKey ?? finding.fingerprint)
        : normaliseLine(lineText(scannerFinding, finding.location.startLine));
      const occurrence = occurrences.get(normalised) ?? 0;
      occurrences.set(normalised, occurrence + 1);
      lineHashes.set(finding.fingerprint, lineHash(normalised, occurrence));
      if (lines.length > 0) {
        const start = Math.max(1, finding.location.startLine - EXCERPT_CONTEXT);
        const lastLine = Math.min(finding.location.endLine ?? finding.location.startLine, finding.location.startLine + EXCERPT_MAX_SPAN);
        const end = Math.min(lines.length, lastLine + EXCERPT_CONTEXT);
        excerpts.set(finding.fingerprint, {
          startLine: start,
          lines: lines.slice(start - 1, end).map((line) => redactor.redact(line, filePath).slice(0, 400)),
        });
      }
      const suppression =
        findSuppression(suppressions, finding.ruleId, finding.location.startLine) ??
        (finding.location.endLine && finding.location.endLine !== finding.location.startLine
          ? findSuppression(suppressions, finding.ruleId, finding.location.endLine)
          : undefined);
      if (suppression?.reason) inlineByFingerprint.set(finding.fingerprint, suppression.reason);
      else if (foreign) inlineByFingerprint.set(finding.fingerprint, foreign);
      else if (suppression) {
        finding.properties = { ...finding.properties, suppressionRejected: 'secloop-ignore without a reason' };
        suppressionWarnings.push({
          path: filePath,
          line: suppression.line,
          message: `secloop-ignore ${suppression.pattern} has no reason ("-- <reason>"), so it is not honoured`,
        });
      }
    });
  }
  return { findings, lineHashes, excerpts, inlineByFingerprint, suppressionWarnings };
}

function countScanned(wanted: ReadonlySet<string>, skipped: readonly SkippedFile[]): number {
  let count = wanted.size;
  for (const skip of skipped) if (wanted.has(skip.path)) count--;
  return count;
}

/** Sorted warnings with each problem once: two scanners that read the same file say the same of it (invalid YAML in a workflow, for iac and sca). */
function withoutRepeats(sorted: ScanWarning[]): ScanWarning[] {
  return sorted.filter((w, i) => i === 0 || compareWarnings(sorted[i - 1]!, w) !== 0);
}

function compareWarnings(a: ScanWarning, b: ScanWarning): number {
  const pa = a.path ?? '';
  const pb = b.path ?? '';
  return pa < pb ? -1 : pa > pb ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** The names a finding's message is about, which its file shows openly: its resource and the image it names. */
function namesShown(properties: Finding['properties']): string[] {
  return [properties?.resource, properties?.image].filter((name): name is string => typeof name === 'string');
}

/** Characters of a warning's message kept: a reader that quotes hostile input (a 200 KB package name) must not flood the report. */
const MAX_WARNING_CHARS = 1000;

function boundedMessage(message: string): string {
  if (message.length <= MAX_WARNING_CHARS) return message;
  // Not between the two halves of a surrogate pair.
  const cut = /[\uD800-\uDBFF]/.test(message[MAX_WARNING_CHARS - 1]!) ? MAX_WARNING_CHARS - 1 : MAX_WARNING_CHARS;
  return `${message.slice(0, cut)}… (${message.length - cut} more characters)`;
}

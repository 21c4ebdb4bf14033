import ignore, { type Ignore } from 'ignore';
import type { ScanContext } from '../scanner.js';
import { readBlobs } from './cat-file.js';
import type { Detector } from './detector.js';
import { detectorById } from './detectors.js';
import type { SecretMatch } from './engine/scan-bytes.js';
import { matchHash, type CommitOrigin } from './findings.js';
import { gitOutput, gitTokens } from './git-process.js';
import { scanFileBytes } from './scan-file.js';

/**
 * The history scan (--history): every blob reachable from any ref, scanned once, each
 * attributed to the oldest commit and path that introduced it.
 *
 * Blobs come from `git log --all --reverse --topo-order --raw -m --root -z` (parents
 * before children, so the first time a blob appears is the commit that introduced it;
 * -m shows what merges added). Their contents come through one `git cat-file --batch`.
 * The date reported is the author date, the one `git log` shows.
 *
 * A secret is identified by its hash. One that is also in the working tree is reported
 * once, by the working-tree scan, and that finding gets the introducing commit (see
 * `introducedBy`); history adds the secrets the working tree no longer shows, each once,
 * at the oldest commit and path where it appeared.
 */
export interface HistoryFinding {
  match: SecretMatch;
  detector: Detector;
  /** Path in the introducing commit, relative to the scan root. */
  path: string;
  origin: CommitOrigin;
}

export interface HistoryResult {
  findings: HistoryFinding[];
  /** Introducing commit of every secret found in history, by secret hash. */
  introducedBy: Map<string, CommitOrigin>;
}

interface BlobIntroduction {
  path: string;
  commit: string;
  commitDate: string;
}

const ZERO_SHA = /^0+$/;
const EXAMPLES_IN_WARNING = 3;

export async function scanHistory(ctx: ScanContext): Promise<HistoryResult> {
  const git = ctx.git!;
  const cwd = git.topLevel;
  const prefix = (await gitOutput(ctx.root, ['rev-parse', '--show-prefix'], ctx.signal)).toString('utf8').trim();
  const excluded = exclusionMatcher(ctx);

  const introductions = await listBlobIntroductions(cwd, prefix, ctx.signal);
  const wanted = new Map<string, BlobIntroduction>();
  for (const [sha, introduction] of introductions) {
    const relative = introduction.path.slice(prefix.length);
    if (relative === '' || excluded(relative)) continue;
    wanted.set(sha, { ...introduction, path: relative });
  }
  const headBlobs = await listHeadBlobs(cwd, ctx.signal);

  const firstByHash = new Map<string, HistoryFinding>();
  const inHead = new Set<string>();
  const binary: string[] = [];
  const tooLarge: string[] = [];
  const missing: string[] = [];

  await readBlobs(
    cwd,
    [...wanted.keys()],
    ctx.config.maxFileSize,
    (blob) => {
      const introduction = wanted.get(blob.sha);
      if (!introduction) return;
      if (blob.kind === 'too-large') return void tooLarge.push(introduction.path);
      if (blob.kind === 'missing') return void missing.push(introduction.path);
      const result = scanFileBytes(introduction.path, blob.bytes);
      if (result.skipped === 'binary') return void binary.push(introduction.path);
      for (const match of result.matches) {
        const hash = matchHash(match);
        if (headBlobs.has(blob.sha)) inHead.add(hash);
        if (firstByHash.has(hash)) continue;
        firstByHash.set(hash, {
          match,
          detector: detectorById(match.detectorId),
          path: introduction.path,
          origin: { commit: introduction.commit, commitDate: introduction.commitDate, inHead: false },
        });
      }
    },
    ctx.signal,
  );

  warnAboutSkips(ctx, 'binary blobs in history were not scanned', binary);
  warnAboutSkips(ctx, `blobs in history larger than maxFileSize (${ctx.config.maxFileSize} bytes) were not scanned`, tooLarge);
  warnAboutSkips(ctx, 'blobs listed in history could not be read (shallow or partial clone?)', missing);

  const introducedBy = new Map<string, CommitOrigin>();
  for (const [hash, finding] of firstByHash) {
    finding.origin.inHead = inHead.has(hash);
    introducedBy.set(hash, finding.origin);
  }
  return { findings: [...firstByHash.values()], introducedBy };
}

/**
 * Every blob added or modified by any commit reachable from any ref, mapped to the oldest
 * commit (and its path) that introduced it. Gitlinks and symbolic links are not content.
 */
async function listBlobIntroductions(cwd: string, prefix: string, signal: AbortSignal): Promise<Map<string, BlobIntroduction>> {
  const args = ['log', '--all', '--reverse', '--topo-order', '--raw', '--no-abbrev', '--no-renames', '-m', '--root', '--no-color', '--no-ext-diff', '--no-textconv', '--format=%x01%H %aI', '-z'];
  if (prefix) args.push('--', prefix);
  const blobs = new Map<string, BlobIntroduction>();
  let commit = '';
  let commitDate = '';
  let pendingEntry: { mode: string; sha: string } | null = null;
  let afterHeader = false;
  await gitTokens(
    cwd,
    args,
    (rawToken) => {
      let token = rawToken;
      if (afterHeader && token.startsWith('\n')) token = token.slice(1);
      afterHeader = false;
      if (pendingEntry) {
        const entry = pendingEntry;
        pendingEntry = null;
        if (!blobs.has(entry.sha) && entry.mode !== '160000' && entry.mode !== '120000' && !ZERO_SHA.test(entry.sha))
          blobs.set(entry.sha, { path: token, commit, commitDate });
        return;
      }
      if (token.startsWith('\u0001')) {
        const [sha, date] = token.slice(1).split(' ');
        commit = sha ?? '';
        commitDate = date ?? '';
        afterHeader = true;
        return;
      }
      // ":<old mode> <new mode> <old sha> <new sha> <status>"; the path is the next token.
      const raw = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) [A-Z]/.exec(token);
      if (raw) pendingEntry = { mode: raw[1]!, sha: raw[2]! };
    },
    signal,
  );
  return blobs;
}

async function listHeadBlobs(cwd: string, signal: AbortSignal): Promise<Set<string>> {
  let out: Buffer;
  try {
    out = await gitOutput(cwd, ['ls-tree', '-r', '-z', '--full-tree', 'HEAD'], signal);
  } catch {
    return new Set(); // no commit yet, or a detached HEAD without history
  }
  const blobs = new Set<string>();
  for (const entry of out.toString('utf8').split('\0')) {
    const parsed = /^\d+ blob ([0-9a-f]+)\t/.exec(entry);
    if (parsed) blobs.add(parsed[1]!);
  }
  return blobs;
}

/** History honours the same skipDirs and ignore settings as the working-tree walk. */
function exclusionMatcher(ctx: ScanContext): (path: string) => boolean {
  const skipDirs = new Set(ctx.config.skipDirs);
  const patterns: Ignore | null = ctx.config.ignore.length > 0 ? ignore().add([...ctx.config.ignore]) : null;
  return (path) => {
    const parts = path.split('/');
    if (parts.slice(0, -1).some((part) => skipDirs.has(part))) return true;
    return patterns?.ignores(path) ?? false;
  };
}

function warnAboutSkips(ctx: ScanContext, what: string, paths: readonly string[]): void {
  if (paths.length === 0) return;
  const examples = [...new Set(paths)].sort().slice(0, EXAMPLES_IN_WARNING);
  ctx.warn({ message: `history: ${paths.length} ${what} (e.g. ${examples.join(', ')})` });
}

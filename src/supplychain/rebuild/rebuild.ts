import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../../core/errors.js';
import { Git } from '../../workspace/git.js';
import { executeCommand } from '../intoto/run-step.js';
import { diffTarEntries, isTarLike, readTar, TarFormatError, type EntryDifference } from './tar.js';

const execFileAsync = promisify(execFile);

/**
 * Independent rebuild: the commit is checked out into two fresh directories, built in
 * each with a normalised environment (umask 022, TZ=UTC, LC_ALL=C, LANG=C,
 * SOURCE_DATE_EPOCH = the commit time), and the artifact of each build is compared with
 * the other and with the one given. For tar archives (npm pack, release tarballs) the
 * entries that differ in content, mode, mtime or owner are listed, which usually names
 * the cause: a umask, an embedded timestamp, a file system order.
 */

export interface RebuildOptions {
  /** The artifact to check, and (relative to the repository top level) where the build writes it. */
  artifact: string;
  command: readonly string[];
  cwd: string;
  commit?: string | undefined;
  keep?: boolean;
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
}

export interface BuildOutcome {
  label: string;
  directory: string;
  returnValue: number;
  sha256: string | null;
}

export interface Comparison {
  left: string;
  right: string;
  identical: boolean;
  /** Entry-level differences when both are tar archives; byte-level summary otherwise. */
  entries: EntryDifference[];
  summary: string;
}

export interface RebuildResult {
  commit: string;
  sourceDateEpoch: number;
  given: { path: string; sha256: string };
  builds: BuildOutcome[];
  comparisons: Comparison[];
  reproducible: boolean;
}

export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  if (options.command.length === 0) throw new UsageError('give the build command after --');
  const git = await Git.open(options.cwd);
  if (!git) throw new UsageError(`${options.cwd} is not inside a git repository`);
  const top = git.topLevel;
  const givenPath = path.resolve(options.cwd, options.artifact);
  const relativeArtifact = path.relative(top, givenPath);
  if (relativeArtifact.startsWith('..') || path.isAbsolute(relativeArtifact)) throw new UsageError('the artifact must be inside the repository (where the build writes it)');
  let given: Buffer;
  try {
    if (!statSync(givenPath).isFile()) throw new Error('not a file');
    given = readFileSync(givenPath);
  } catch {
    throw new UsageError(`artifact ${options.artifact} is not a readable file`);
  }
  const commit = await git.resolveCommit(options.commit ?? 'HEAD');
  const sourceDateEpoch = Number((await git.run(['show', '-s', '--format=%ct', commit])).trim());
  const prefix = path.relative(top, path.resolve(options.cwd));

  const builds: BuildOutcome[] = [];
  const artifacts = new Map<string, Buffer>([['given', given]]);
  const directories: string[] = [];
  try {
    for (const label of ['rebuild 1', 'rebuild 2']) {
      const directory = mkdtempSync(path.join(os.tmpdir(), 'secloop-rebuild-'));
      directories.push(directory);
      await exportCommit(top, commit, directory);
      const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C', LANG: 'C', SOURCE_DATE_EPOCH: String(sourceDateEpoch) };
      const previousUmask = process.umask(0o022);
      let running;
      try {
        running = executeCommand(options.command, {
          cwd: path.join(directory, prefix),
          env,
          ...(options.stdout ? { stdout: options.stdout } : {}),
          ...(options.stderr ? { stderr: options.stderr } : {}),
        });
      } finally {
        process.umask(previousUmask);
      }
      const { returnValue } = await running;
      let built: Buffer | null = null;
      try {
        built = readFileSync(path.join(directory, relativeArtifact));
      } catch {
        built = null;
      }
      builds.push({ label, directory, returnValue, sha256: built ? sha256(built) : null });
      if (built) artifacts.set(label, built);
    }
  } finally {
    if (!options.keep) for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  }

  const comparisons: Comparison[] = [];
  for (const [left, right] of [['rebuild 1', 'rebuild 2'], ['rebuild 1', 'given']] as const) {
    const a = artifacts.get(left);
    const b = artifacts.get(right);
    if (a && b) comparisons.push(compare(a, b, left, right));
  }
  const reproducible = builds.every((build) => build.returnValue === 0 && build.sha256 !== null) && comparisons.length === 2 && comparisons.every((c) => c.identical);
  return { commit, sourceDateEpoch, given: { path: options.artifact, sha256: sha256(given) }, builds, comparisons, reproducible };
}

/**
 * Writes the commit's files into `directory` with git plumbing (read-tree into a
 * private index, checkout-index): no hooks run, the repository's index, HEAD and
 * worktrees stay untouched, and export-ignore attributes do not drop files.
 */
async function exportCommit(top: string, commit: string, directory: string): Promise<void> {
  const index = path.join(directory, '.secloop-index');
  const env = { ...process.env, GIT_INDEX_FILE: index };
  const git = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '--no-pager'];
  await execFileAsync('git', [...git, 'read-tree', commit], { cwd: top, env });
  await execFileAsync('git', [...git, 'checkout-index', '-a', '-f', `--prefix=${directory}${path.sep}`], { cwd: top, env });
  rmSync(index, { force: true });
}

function compare(a: Buffer, b: Buffer, left: string, right: string): Comparison {
  if (a.equals(b)) return { left, right, identical: true, entries: [], summary: 'identical' };
  if (isTarLike(a) && isTarLike(b)) {
    try {
      const entries = diffTarEntries(readTar(a), readTar(b), left, right);
      const summary = entries.length > 0 ? `${entries.length} archive entr${entries.length === 1 ? 'y differs' : 'ies differ'}` : 'archives hold the same entries; they differ in headers, order or compression';
      return { left, right, identical: false, entries, summary };
    } catch (error) {
      if (!(error instanceof TarFormatError)) throw error;
    }
  }
  let offset = 0;
  while (offset < a.length && offset < b.length && a[offset] === b[offset]) offset++;
  return { left, right, identical: false, entries: [], summary: `${a.length} vs ${b.length} bytes, first difference at byte ${offset}` };
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

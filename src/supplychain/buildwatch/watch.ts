import { existsSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { Git } from '../../workspace/git.js';
import { compareCodePoints } from '../json/canonical-json.js';
import type { JsonObject } from '../json/strict-json.js';
import { PathSpec } from '../intoto/gitwildmatch.js';
import { executeCommand } from '../intoto/run-step.js';
import { commitFiles, inodeOf, objectFormat, statSignature, workingBlobId, type ObjectFormat } from './git-tree.js';

/**
 * Watches a repository's tracked sources while a build runs, against SUNSPOT-style
 * attacks: an implant that swaps a source file only while the compiler runs and puts
 * the original back afterwards. Hashing inputs before and outputs after a step (what an
 * in-toto link records) cannot see that; watching during the build can.
 *
 *  - before: every tracked file must equal the commit (git blob ids), and no untracked,
 *    non-ignored file may sit beside the sources (allowDirty relaxes both);
 *  - during: one file system watcher per source directory (a directory holding tracked
 *    files), a stat poll of every tracked file (`intervalMs`) and a full re-hash
 *    (`rehashMs`): a tracked file whose content differed from the commit, that was
 *    deleted, replaced by a rename, or rewritten (its ctime moved, which user space
 *    cannot undo), and any new file beside the sources that git does not ignore, is a
 *    violation, with the path and the time it was first seen, even if restored later;
 *  - after: every tracked file is checked again.
 *
 * Limits: an attacker with root can hide from all of this (kernel hooks, bind mounts,
 * clock changes); a change made and undone between two polls is still seen through its
 * ctime or the watcher, unless both are defeated. Pair it with an independent rebuild.
 */

export type ViolationKind = 'dirty-before' | 'untracked-before' | 'modified' | 'deleted' | 'replaced' | 'rewritten' | 'new-file';

export interface Violation {
  path: string;
  kind: ViolationKind;
  /** ISO time the condition was first seen. */
  time: string;
  detail: string;
  /** For changes to tracked files: whether the file equalled the commit again at the end. */
  restored?: boolean;
}

export interface WatchOptions {
  repoDir: string;
  command: readonly string[];
  allowDirty?: boolean;
  /** gitignore-style patterns of tracked paths the build may rewrite (lockfiles, generated code). */
  ignore?: readonly string[];
  /** Files buildwatch itself writes (its --report), as absolute paths: never a violation. */
  ownOutputs?: readonly string[];
  intervalMs?: number;
  rehashMs?: number;
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
}

export interface WatchResult {
  commit: string;
  trackedFiles: number;
  sourceDirectories: number;
  /** null when the build did not run (the tree was not clean). */
  returnValue: number | null;
  startedOn: string;
  finishedOn: string;
  polls: number;
  events: number;
  violations: Violation[];
}

interface Tracked {
  path: string;
  full: string;
  mode: string;
  commitOid: string;
  baseline: string;
  signature: string | null;
}

const DEFAULT_INTERVAL_MS = 100;
const DEFAULT_REHASH_MS = 1000;

export async function watchBuild(options: WatchOptions): Promise<WatchResult> {
  if (options.command.length === 0) throw new UsageError('give the build command after --');
  const opened = await Git.open(options.repoDir);
  if (!opened) throw new UsageError(`${options.repoDir} is not inside a git repository`);
  const top = opened.topLevel;
  // Paths below are relative to the top level, so git runs there.
  const git = (await Git.open(top)) ?? opened;
  let commit: string;
  try {
    commit = (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  } catch {
    throw new UsageError('the repository has no commit to compare the sources with');
  }
  const format: ObjectFormat = await objectFormat(git);
  const ignore = new PathSpec(options.ignore ?? []);
  const files = (await commitFiles(git, commit)).filter((file) => !ignore.matches(file.path));
  const sourceDirs = new Set(files.map((file) => path.posix.dirname(file.path)));
  const violations = new Map<string, Violation>();
  const record = (file: string, kind: ViolationKind, detail: string, at = new Date()) => {
    const key = `${kind}\0${file}`;
    if (!violations.has(key)) violations.set(key, { path: file, kind, time: at.toISOString(), detail });
  };

  // Before: the working tree must be the commit.
  const startedOn = new Date();
  const tracked: Tracked[] = files.map((file) => {
    const full = path.join(top, ...file.path.split('/'));
    return { path: file.path, full, mode: file.mode, commitOid: file.oid, baseline: file.oid, signature: statSignature(full) };
  });
  const mismatched = tracked.filter((file) => workingBlobId(file.full, file.mode, format) !== file.commitOid);
  if (mismatched.length > 0) {
    // Line-ending or filter conversions make raw content differ while git calls the file clean.
    const dirty = new Set(porcelainPaths(await git.run(['status', '--porcelain=v1', '-z', '--untracked-files=no'])));
    for (const file of mismatched) {
      const now = workingBlobId(file.full, file.mode, format);
      if (dirty.has(file.path) || now === null) {
        if (!options.allowDirty) record(file.path, 'dirty-before', now === null ? 'missing before the build' : 'differs from the commit before the build');
      }
      file.baseline = now ?? 'missing';
    }
  }
  const own = new Set((options.ownOutputs ?? []).map((file) => path.relative(top, realDirectory(file)).split(path.sep).join('/')));
  const untrackedBefore = new Set((await untrackedBesideSources(git, sourceDirs)).filter((file) => !own.has(file)));
  if (!options.allowDirty) for (const file of untrackedBefore) record(file, 'untracked-before', 'untracked file beside the sources before the build (not ignored by git)');
  if (violations.size > 0) {
    return { commit, trackedFiles: tracked.length, sourceDirectories: sourceDirs.size, returnValue: null, startedOn: startedOn.toISOString(), finishedOn: new Date().toISOString(), polls: 0, events: 0, violations: sorted(violations) };
  }

  // During: watchers on the source directories, a stat poll and a periodic re-hash.
  const byPath = new Map(tracked.map((file) => [file.path, file]));
  const newFileCandidates = new Map<string, Date>();
  let polls = 0;
  let events = 0;
  const check = (file: Tracked, forceHash: boolean) => {
    const signature = statSignature(file.full);
    if (!forceHash && signature === file.signature) return;
    const previous = file.signature;
    file.signature = signature;
    if (signature === null) return record(file.path, 'deleted', 'deleted during the build');
    const now = workingBlobId(file.full, file.mode, format);
    if (now !== file.baseline) return record(file.path, 'modified', `content differed from the commit (blob ${now ?? 'unreadable'})`);
    if (previous !== null && signature !== previous) {
      if (inodeOf(previous) !== inodeOf(signature)) record(file.path, 'replaced', 'replaced during the build (new inode), with content equal to the commit');
      else record(file.path, 'rewritten', 'written during the build (ctime changed), with content equal to the commit');
    }
  };
  const pollAll = (forceHash: boolean) => {
    polls++;
    for (const file of tracked) check(file, forceHash);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of sourceDirs) {
    const full = path.join(top, ...(dir === '.' ? [] : dir.split('/')));
    try {
      const watcher = watch(full, { persistent: false }, (_event, name) => {
        events++;
        if (name === null) return pollAll(false);
        const relative = dir === '.' ? name.toString() : `${dir}/${name.toString()}`;
        const file = byPath.get(relative);
        if (file) check(file, true);
        else if (!ignore.matches(relative) && relative.split('/')[0] !== '.git') newFileCandidates.set(relative, newFileCandidates.get(relative) ?? new Date());
      });
      watcher.on('error', () => {});
      watchers.push(watcher);
    } catch {
      // A directory that vanished; the polls still cover its files.
    }
  }
  const poller = setInterval(() => pollAll(false), options.intervalMs ?? DEFAULT_INTERVAL_MS);
  const rehasher = setInterval(() => pollAll(true), options.rehashMs ?? DEFAULT_REHASH_MS);
  let returnValue: number;
  try {
    const result = await executeCommand(options.command, {
      cwd: options.repoDir,
      ...(options.stdout ? { stdout: options.stdout } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
    });
    returnValue = result.returnValue;
  } finally {
    clearInterval(poller);
    clearInterval(rehasher);
    for (const watcher of watchers) watcher.close();
  }

  // After: everything once more, and new files beside the sources.
  pollAll(true);
  const untrackedAfter = (await untrackedBesideSources(git, sourceDirs)).filter((file) => !own.has(file));
  for (const file of untrackedAfter) {
    if (!untrackedBefore.has(file)) record(file, 'new-file', 'new file beside the sources, not ignored by git', newFileCandidates.get(file));
  }
  const transient = [...newFileCandidates.keys()].filter((file) => !byPath.has(file) && !untrackedBefore.has(file) && !existsSync(path.join(top, file)));
  for (const file of await notIgnored(git, transient)) {
    record(file, 'new-file', 'file created beside the sources during the build and removed again', newFileCandidates.get(file));
  }
  for (const violation of violations.values()) {
    const file = byPath.get(violation.path);
    if (file && (violation.kind === 'modified' || violation.kind === 'deleted')) violation.restored = workingBlobId(file.full, file.mode, format) === file.baseline;
  }
  return {
    commit,
    trackedFiles: tracked.length,
    sourceDirectories: sourceDirs.size,
    returnValue,
    startedOn: startedOn.toISOString(),
    finishedOn: new Date().toISOString(),
    polls,
    events,
    violations: sorted(violations),
  };
}

function sorted(violations: Map<string, Violation>): Violation[] {
  return [...violations.values()].sort((a, b) => compareCodePoints(a.time, b.time) || compareCodePoints(a.path, b.path) || compareCodePoints(a.kind, b.kind));
}

function porcelainPaths(status: string): string[] {
  const entries = status.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // the rename's source path follows
  }
  return paths;
}

async function untrackedBesideSources(git: Git, sourceDirs: Set<string>): Promise<string[]> {
  const out = await git.run(['ls-files', '--others', '--exclude-standard', '-z']);
  return out.split('\0').filter((file) => file !== '' && sourceDirs.has(path.posix.dirname(file)));
}

/** The given paths that git would not ignore (directories of created files included). */
async function notIgnored(git: Git, files: string[]): Promise<string[]> {
  if (files.length === 0) return [];
  let ignored = '';
  try {
    ignored = await git.run(['check-ignore', '-z', '--no-index', '--', ...files]);
  } catch (error) {
    ignored = (error as { stdout?: string }).stdout ?? ''; // exit 1: none ignored
  }
  const ignoredSet = new Set(ignored.split('\0').filter(Boolean));
  return files.filter((file) => !ignoredSet.has(file));
}

/** The watch result as evidence for provenance (runDetails.byproducts). */
export function watchByproduct(result: WatchResult): JsonObject {
  return {
    name: 'secloop-buildwatch',
    mediaType: 'application/vnd.secloop.buildwatch+json',
    content: Buffer.from(
      JSON.stringify({ commit: result.commit, trackedFiles: result.trackedFiles, violations: result.violations.map((v) => ({ ...v })) }),
    ).toString('base64'),
  };
}

/** The path with its directory resolved through symbolic links (git reports the real top level). */
function realDirectory(file: string): string {
  try {
    return path.join(realpathSync(path.dirname(file)), path.basename(file));
  } catch {
    return file;
  }
}

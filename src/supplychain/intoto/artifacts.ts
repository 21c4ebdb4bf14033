import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareCodePoints } from '../json/canonical-json.js';
import { PathSpec } from './gitwildmatch.js';
import type { Artifacts } from './models.js';
import { normpath, pathJoin } from './python-compat.js';

/**
 * Records artifacts (materials or products) the way in-toto-run 1.3.1 does
 * (runlib.record_artifacts_as_dict): each given path is normalised with
 * posixpath.normpath and recorded relative to the base directory as given (an
 * absolute path stays absolute); directories are walked recursively, following
 * symbolic links; exclude patterns (gitignore syntax) prune files and directories;
 * every regular file gets its SHA-256. Paths that do not exist, broken links and
 * special files are skipped with a warning; a directory cycle through links is
 * walked once.
 */

export const DEFAULT_EXCLUDE_PATTERNS = ['*.link*', '.git', '*.pyc', '*~'] as const;

export interface RecordOptions {
  /** Directory relative paths are resolved against (the reference's base path or cwd). */
  baseDir: string;
  excludePatterns?: readonly string[];
  lstripPaths?: readonly string[];
  /** Receives a warning per skipped path. */
  warn?: (message: string) => void;
}

export class ArtifactRecordError extends Error {
  override readonly name = 'ArtifactRecordError';
}

export async function recordArtifacts(paths: readonly string[], options: RecordOptions): Promise<Artifacts> {
  const artifacts: Artifacts = {};
  if (paths.length === 0) return artifacts;
  const warn = options.warn ?? (() => {});
  const patterns = options.excludePatterns ?? DEFAULT_EXCLUDE_PATTERNS;
  const spec = new PathSpec(patterns);
  const lstrip = options.lstripPaths ?? [];
  for (let i = 0; i < lstrip.length; i++) {
    for (let j = i + 1; j < lstrip.length; j++) {
      const [a, b] = [lstrip[i]!, lstrip[j]!];
      if (a.startsWith(b) || b.startsWith(a)) throw new ArtifactRecordError(`'${a}' and '${b}' triggered a left substring error`);
    }
  }
  const exclude = (names: string[]) => (patterns.length > 0 ? names.filter((name) => !spec.matches(name)).sort(compareCodePoints) : names);

  const files: Array<{ key: string; full: string }> = [];
  const keys = new Set<string>();
  const addFile = (recorded: string) => {
    // The reference turns backslashes into slashes in recorded paths, even on POSIX.
    let key = recorded.replace(/\\/g, '/');
    if (lstrip.length > 0) {
      const prefix = lstrip.find((candidate) => key.startsWith(candidate));
      if (prefix !== undefined) key = key.slice(prefix.length);
      if (keys.has(key)) throw new ArtifactRecordError(`Prefix selection has resulted in non unique dictionary key '${key}'`);
    }
    keys.add(key);
    files.push({ key, full: path.resolve(options.baseDir, recorded) });
  };

  for (const artifact of exclude(paths.map((p) => normpath(p)))) {
    const full = path.resolve(options.baseDir, artifact);
    const info = await stat(full).catch(() => null);
    if (info?.isFile()) addFile(artifact);
    else if (info?.isDirectory()) await walk(artifact, full, new Set([`${info.dev}:${info.ino}`]), exclude, addFile, warn);
    else warn(info ? `${artifact} is not a regular file or directory, skipped` : `${artifact} does not exist, skipped`);
  }

  const hashes = await mapLimit(files, 8, (file) => sha256File(file.full));
  files.forEach((file, index) => {
    Object.defineProperty(artifacts, file.key, { value: { sha256: hashes[index]! }, enumerable: true, writable: true, configurable: true });
  });
  return artifacts;
}

async function walk(
  recorded: string,
  full: string,
  ancestors: Set<string>,
  exclude: (names: string[]) => string[],
  addFile: (recorded: string) => void,
  warn: (message: string) => void,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = [];
    for await (const entry of await opendir(full)) entries.push(entry);
  } catch (error) {
    warn(`cannot read directory ${recorded} (${(error as NodeJS.ErrnoException).code ?? 'error'}), skipped`);
    return;
  }
  const directories: Array<{ recorded: string; name: string; id: string }> = [];
  const fileNames: string[] = [];
  for (const entry of entries) {
    const childRecorded = normpath(pathJoin(recorded, entry.name));
    const info = entry.isSymbolicLink() || entry.isDirectory() || entry.isFile() ? await stat(path.join(full, entry.name)).catch(() => null) : null;
    if (info?.isDirectory()) directories.push({ recorded: childRecorded, name: entry.name, id: `${info.dev}:${info.ino}` });
    else if (info?.isFile()) fileNames.push(childRecorded);
    else warn(`${childRecorded} ${entry.isSymbolicLink() ? 'appears to be a broken symlink' : 'is not a regular file'}, skipped`);
  }
  for (const name of exclude(fileNames)) addFile(name);
  const kept = new Set(exclude(directories.map((d) => d.recorded)));
  for (const directory of directories.filter((d) => kept.has(d.recorded)).sort((a, b) => compareCodePoints(a.recorded, b.recorded))) {
    if (ancestors.has(directory.id)) {
      warn(`${directory.recorded} links back to a directory above it, not walked again`);
      continue;
    }
    const childFull = path.join(full, directory.name);
    await walk(directory.recorded, childFull, new Set([...ancestors, directory.id]), exclude, addFile, warn);
  }
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

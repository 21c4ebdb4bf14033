import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import type { Git } from '../../workspace/git.js';

/** A file as a commit records it. */
export interface CommitFile {
  /** Path relative to the repository's top level, forward slashes. */
  path: string;
  mode: string;
  oid: string;
}

export type ObjectFormat = 'sha1' | 'sha256';

export async function objectFormat(git: Git): Promise<ObjectFormat> {
  const format = (await git.run(['rev-parse', '--show-object-format']).catch(() => 'sha1')).trim();
  return format === 'sha256' ? 'sha256' : 'sha1';
}

/** Every blob of the commit (submodules left out), from `git ls-tree -r -z`. */
export async function commitFiles(git: Git, commit: string): Promise<CommitFile[]> {
  const out = await git.run(['ls-tree', '-r', '-z', '--full-tree', commit]);
  const files: CommitFile[] = [];
  for (const record of out.split('\0')) {
    const m = /^(\d{6}) (\w+) ([0-9a-f]+)\t([\s\S]+)$/.exec(record);
    if (!m || m[2] !== 'blob') continue;
    files.push({ mode: m[1]!, oid: m[3]!, path: m[4]! });
  }
  return files;
}

/** The git blob id of what is on disk now (a link's target for symbolic links), or null when missing. */
export function workingBlobId(full: string, mode: string, format: ObjectFormat): string | null {
  try {
    const stat = lstatSync(full);
    let content: Buffer;
    if (mode === '120000') {
      if (!stat.isSymbolicLink()) return 'not-a-symlink';
      content = Buffer.from(readlinkSync(full));
    } else {
      if (!stat.isFile()) return stat.isSymbolicLink() ? 'symlink' : 'not-a-file';
      content = readFileSync(full);
    }
    return createHash(format).update(`blob ${content.length}\0`).update(content).digest('hex');
  } catch {
    return null;
  }
}

/** What changes whenever a file is written, replaced, touched or chmodded (ctime cannot be set back). */
export function statSignature(full: string): string | null {
  try {
    const stat = lstatSync(full, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.mode}`;
  } catch {
    return null;
  }
}

export function inodeOf(signature: string | null): string | null {
  return signature === null ? null : signature.slice(0, signature.indexOf(':'));
}

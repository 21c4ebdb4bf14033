import { posix } from 'node:path';
import type { Git } from '../../../workspace/git.js';
import { indexedObject, objectSize } from '../staged-index.js';
import { loadYamlCached } from '../yaml/cache.js';
import { secretFilesOf } from './model.js';

/** A compose file that may read a secret from a file: a top-level `secrets:` and a `file:` key. */
export function mayReadSecretFiles(text: string): boolean {
  return /^secrets[ \t]*:/m.test(text) && /\bfile[ \t]*:/.test(text);
}

/** More secret files than this in one compose file are not looked up. */
const MAX_LOOKUPS = 32;

/**
 * The files the top-level `secrets:` of a compose file read (paths from the scan root)
 * that git's index holds, committed or staged to be, with their size in bytes. A path
 * with a variable, an absolute path or one outside the scan root is not looked up.
 * Without git nothing is known, and the map is undefined.
 */
export async function committedSecretFiles(composePath: string, text: string, git: Git | null, warn: (message: string) => void): Promise<Map<string, number> | undefined> {
  if (!git) return undefined;
  const dir = posix.dirname(composePath);
  const paths = new Set<string>();
  for (const doc of loadYamlCached(text).documents) {
    for (const secret of secretFilesOf(doc.root)) {
      if (secret.file.includes('$') || posix.isAbsolute(secret.file)) continue;
      const path = posix.normalize(posix.join(dir, secret.file));
      if (!path.startsWith('../') && path !== '..') paths.add(path);
    }
  }
  const out = new Map<string, number>();
  try {
    for (const path of [...paths].slice(0, MAX_LOOKUPS)) {
      const listed = await indexedObject(git, path);
      if (listed) out.set(path, await objectSize(git, listed.object));
    }
  } catch (error) {
    warn(`could not ask git whether the secret files of the compose file are committed: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  return out;
}

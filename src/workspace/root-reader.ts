import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Reads a file by its path relative to the scan root; undefined when absent or not allowed. */
export type RootReader = (relative: string, refused?: (why: string) => void) => string | undefined;

/**
 * A reader confined to `root`, for files the walk does not hand to a scanner (companion
 * manifests, shared tsconfigs under node_modules): relative paths only, no `..` escape,
 * symbolic links followed only while the real path stays under the root's (pnpm and
 * workspaces link node_modules), regular files under `maxBytes`, UTF-8. Anything else
 * reads as absent; `refused` hears why a file that is there was not read.
 */
export function createRootReader(root: string, maxBytes: number): RootReader {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return () => undefined;
  }
  return (relative: string, refused?: (why: string) => void) => {
    if (relative.includes('\0') || path.isAbsolute(relative)) return undefined;
    const absolute = path.resolve(realRoot, relative);
    try {
      const real = realpathSync(absolute);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return refused?.('is a symbolic link that leads out of the scan root'), undefined;
      const stat = statSync(real);
      if (!stat.isFile()) return stat.isDirectory() ? undefined : (refused?.('is not a regular file'), undefined);
      if (stat.size > maxBytes) return refused?.(`is larger than ${Math.round(maxBytes / 1024)} KiB`), undefined;
      return readFileSync(real, 'utf8');
    } catch (error) {
      // Absent is not a refusal: a Dockerfile may copy what the build makes.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') refused?.(`could not be read (${(error as Error).message.split('\n')[0]})`);
      return undefined;
    }
  };
}

/** Lists the names in a folder by its path relative to the scan root, with the same confinement as createRootReader; [] when absent or not allowed. */
export function createRootLister(root: string, maxEntries: number): (relative: string) => string[] {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return () => [];
  }
  return (relative: string) => {
    if (relative.includes('\0') || path.isAbsolute(relative)) return [];
    try {
      const real = realpathSync(path.resolve(realRoot, relative));
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return [];
      if (!statSync(real).isDirectory()) return [];
      return readdirSync(real).slice(0, maxEntries);
    } catch {
      return [];
    }
  };
}

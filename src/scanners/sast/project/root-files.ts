import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';

const MAX_BYTES = 256 * 1024;

/**
 * Reads a small regular file by its path relative to the scan root, only when its real
 * path (symbolic links followed, as pnpm and workspaces link node_modules) is under the
 * root's real path. Anything else gives undefined.
 */
export function readUnderRoot(root: string, rel: string): string | undefined {
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(path.join(root, rel));
    const inside = path.relative(realRoot, real);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
    const fd = openSync(real, 'r');
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile() || stat.size > MAX_BYTES) return undefined;
      const buffer = Buffer.alloc(stat.size);
      readSync(fd, buffer, 0, stat.size, 0);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

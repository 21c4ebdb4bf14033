import { lstat, open, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { looksBinary, OPEN_SCANNED_FILE } from './files.js';
import { decodeUtf8 } from './workspace.js';

/**
 * Files under the scan root that the walk did not hand to a scanner (a Helm chart's
 * helpers, the files Terraform's file functions read), by their path from the root:
 * regular files only, a path with `..` or a NUL refused, and nothing reached through a
 * symbolic link that leads out of the root. Every read is bounded by `maxBytes`.
 */
export class ConfinedDisk {
  private readonly realRoot: Promise<string | undefined>;

  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
  ) {
    this.realRoot = realpath(root).catch(() => undefined);
  }

  /** The absolute path, when the directory holding it resolves inside the root. */
  async confined(rel: string): Promise<string | undefined> {
    const root = await this.realRoot;
    if (!root || rel.includes('\0') || rel.split('/').includes('..')) return undefined;
    if (rel === '') return root;
    const absolute = path.join(this.root, rel);
    try {
      const dir = await realpath(path.dirname(absolute));
      return dir === root || dir.startsWith(root + path.sep) ? path.join(dir, path.basename(absolute)) : undefined;
    } catch {
      return undefined;
    }
  }

  async isFile(rel: string): Promise<boolean> {
    const absolute = await this.confined(rel);
    if (!absolute) return false;
    try {
      return (await lstat(absolute)).isFile();
    } catch {
      return false;
    }
  }

  /** A regular file's bytes; undefined when absent, not allowed or larger than the bound. */
  async readBytes(rel: string): Promise<Buffer | undefined> {
    const absolute = await this.confined(rel);
    if (!absolute) return undefined;
    try {
      const handle = await open(absolute, OPEN_SCANNED_FILE);
      try {
        const stat = await handle.stat();
        if (!stat.isFile() || stat.size > this.maxBytes) return undefined;
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
  }

  /** A text file's content; undefined as for readBytes, or when the file looks binary. */
  async readText(rel: string): Promise<string | undefined> {
    const bytes = await this.readBytes(rel);
    return bytes === undefined || looksBinary(bytes) ? undefined : decodeUtf8(bytes);
  }

  /**
   * The regular files under a directory, recursively, with paths from the root, in name
   * order, never through a link. `complete` is false when `dir` is no directory, a
   * subtree deeper than `maxDepth` was left out, or listing stopped after `maxFiles` + 1 files.
   */
  async list(dir: string, bounds: { maxDepth: number; maxFiles: number }): Promise<{ files: string[]; complete: boolean }> {
    const files: string[] = [];
    const start = await this.confined(dir);
    if (!start) return { files, complete: false };
    let complete = true;
    const visit = async (absolute: string, rel: string, depth: number): Promise<boolean> => {
      if (depth > bounds.maxDepth) return (complete = false), true;
      let entries;
      try {
        if (!(await lstat(absolute)).isDirectory()) return (complete = false), true;
        entries = await readdir(absolute, { withFileTypes: true });
      } catch {
        return (complete = false), true;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isFile()) {
          if (files.push(child) > bounds.maxFiles) return (complete = false), false;
        } else if (entry.isDirectory() && !(await visit(path.join(absolute, entry.name), child, depth + 1))) return false;
      }
      return true;
    };
    await visit(start, dir, 0);
    return { files, complete };
  }
}

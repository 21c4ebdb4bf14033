import { readFile } from 'node:fs/promises';
import { looksBinary, type SkippedFile, type WorkspaceFile } from './files.js';
import type { WalkEntry } from './walk.js';

/**
 * The files of one scan. Reads go through here so that a binary or unreadable file is
 * recorded once as skipped, whichever scanner met it first.
 */
export class Workspace {
  readonly files: WorkspaceFile[];
  private readonly skippedByPath = new Map<string, SkippedFile>();

  constructor(
    entries: readonly WalkEntry[],
    skipped: readonly SkippedFile[],
    readBytes: (entry: WalkEntry) => Promise<Buffer> = (entry) => readFile(entry.absPath),
  ) {
    for (const skip of skipped) this.skippedByPath.set(skip.path, skip);
    this.files = entries.map((entry) => this.makeFile(entry, readBytes));
  }

  get skipped(): SkippedFile[] {
    return [...this.skippedByPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private makeFile(entry: WalkEntry, readBytes: (entry: WalkEntry) => Promise<Buffer>): WorkspaceFile {
    const workspace = this;
    return {
      path: entry.path,
      absPath: entry.absPath,
      size: entry.size,
      async read() {
        try {
          return await readBytes(entry);
        } catch (error) {
          workspace.skip({ path: entry.path, reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? String(error) });
          throw error;
        }
      },
      async text() {
        let bytes: Buffer;
        try {
          bytes = await this.read();
        } catch {
          return null;
        }
        if (looksBinary(bytes)) {
          workspace.skip({ path: entry.path, reason: 'binary' });
          return null;
        }
        return decodeUtf8(bytes);
      },
    };
  }

  private skip(skip: SkippedFile): void {
    if (!this.skippedByPath.has(skip.path)) this.skippedByPath.set(skip.path, skip);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

import { open } from 'node:fs/promises';
import { looksBinary, OPEN_SCANNED_FILE, type SkippedFile, type WorkspaceFile } from './files.js';
import type { WalkEntry } from './walk.js';

/** A file over maxFileSize, found when it was opened (the walk did not measure it). */
export class FileTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${size} bytes > maxFileSize ${limit}`);
  }
}

/**
 * The files of one scan. Reads go through here so that a binary, unreadable or too
 * large file is recorded once as skipped, whichever scanner met it first.
 */
export class Workspace {
  readonly files: WorkspaceFile[];
  private readonly skippedByPath = new Map<string, SkippedFile>();

  constructor(
    entries: readonly WalkEntry[],
    skipped: readonly SkippedFile[],
    options: { readBytes?: (entry: WalkEntry) => Promise<Buffer>; maxFileSize?: number } = {},
  ) {
    for (const skip of skipped) this.skippedByPath.set(skip.path, skip);
    const limit = options.maxFileSize ?? Infinity;
    const within = (bytes: Buffer): Buffer => {
      if (bytes.length > limit) throw new FileTooLargeError(bytes.length, limit);
      return bytes;
    };
    const readBytes = options.readBytes;
    // Files on disk are read by text() head first, so a binary file is never read whole.
    const read = readBytes ? async (entry: WalkEntry) => within(await readBytes(entry)) : (entry: WalkEntry) => readWhole(entry.absPath, limit);
    const readText = readBytes ? read : (entry: WalkEntry) => readUnlessBinary(entry.absPath, limit);
    this.files = entries.map((entry) => this.makeFile(entry, read, readText));
  }

  get skipped(): SkippedFile[] {
    return [...this.skippedByPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private makeFile(
    entry: WalkEntry,
    readBytes: (entry: WalkEntry) => Promise<Buffer>,
    readText: (entry: WalkEntry) => Promise<Buffer>,
  ): WorkspaceFile {
    const workspace = this;
    const unreadable = (error: unknown) =>
      workspace.skip(
        error instanceof FileTooLargeError
          ? { path: entry.path, reason: 'too-large', detail: error.message }
          : { path: entry.path, reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? String(error) },
      );
    return {
      path: entry.path,
      absPath: entry.absPath,
      ...(entry.size !== undefined ? { size: entry.size } : {}),
      ...(entry.fromIndex ? { fromIndex: true } : {}),
      ...(entry.gitIgnored ? { gitIgnored: true } : {}),
      async read() {
        try {
          return await readBytes(entry);
        } catch (error) {
          unreadable(error);
          throw error;
        }
      },
      async text() {
        let bytes: Buffer;
        try {
          bytes = await readText(entry);
        } catch (error) {
          unreadable(error);
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

/** As many bytes as looksBinary inspects. */
const SNIFF_BYTES = 8000;

/**
 * The whole file, unless its first 8,000 bytes look binary: then only those (which
 * looksBinary recognises again). Binary files can be large executables that no
 * scanner reads, so they are not read whole just to be skipped.
 */
async function readUnlessBinary(absPath: string, limit: number): Promise<Buffer> {
  const handle = await open(absPath, OPEN_SCANNED_FILE);
  try {
    const head = Buffer.allocUnsafe(SNIFF_BYTES);
    // A positioned read leaves the file position at 0, so readFile() below reads the whole file.
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    if (looksBinary(head.subarray(0, bytesRead))) return head.subarray(0, bytesRead);
    if (bytesRead < SNIFF_BYTES) {
      if (bytesRead > limit) throw new FileTooLargeError(bytesRead, limit);
      return head.subarray(0, bytesRead);
    }
    const { size } = await handle.stat();
    if (size > limit) throw new FileTooLargeError(size, limit);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The whole file, unless the open file is over the limit. */
async function readWhole(absPath: string, limit: number): Promise<Buffer> {
  const handle = await open(absPath, OPEN_SCANNED_FILE);
  try {
    const { size } = await handle.stat();
    if (size > limit) throw new FileTooLargeError(size, limit);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

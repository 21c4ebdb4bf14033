import { constants } from 'node:fs';
/** A file the walker found, read lazily and at most once per read kind. */
export interface WorkspaceFile {
  /** Relative to the scan root, forward slashes. */
  path: string;
  absPath: string;
  /** Bytes, when the walk measured them; otherwise readers check maxFileSize on the open file. */
  size?: number;
  /** Read from the git index (the pre-commit hook's staged files), not from absPath. */
  fromIndex?: boolean;
  /** Left out by a .gitignore, walked only for the scanners that read such files (Scanner.readsIgnored). */
  gitIgnored?: boolean;
  /** Raw bytes. */
  read(): Promise<Buffer>;
  /** UTF-8 text, or null when the file is binary (the skip is recorded once by the workspace). */
  text(): Promise<string | null>;
}

export type SkipReason = 'binary' | 'too-large' | 'symlink' | 'unreadable' | 'special';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail?: string;
}

/**
 * How a scanned file is opened: read only, never through a symbolic link (a file the
 * walk saw as regular but that was swapped for a link since), and without blocking
 * (a FIFO swapped in would otherwise hang the open). 0 where the platform lacks them.
 */
export const OPEN_SCANNED_FILE = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A NUL byte in the first 8,000 bytes is how git decides a blob is binary. */
export function looksBinary(buffer: Uint8Array): boolean {
  const end = Math.min(buffer.length, 8000);
  for (let i = 0; i < end; i++) if (buffer[i] === 0) return true;
  return false;
}

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { compiledDetectors } from './detectors.js';
import { OPEN_SCANNED_FILE } from '../../workspace/files.js';
import { scanBytes, type SecretMatch } from './engine/scan-bytes.js';

/** What scanning one file gave: its matches, or why it was not scanned. */
export interface FileScanResult {
  path: string;
  matches: SecretMatch[];
  skipped?: 'binary' | 'unreadable' | 'too-large';
}

/** The scanned files of a batch: how many, and the results worth sending back (matches found, or not scanned). */
export interface ScannedBatch {
  files: number;
  results: FileScanResult[];
}

/** Scans a batch of files on disk (see scanFileAt); results without matches are left out. */
export function scanBatchAt(files: ReadonlyArray<{ path: string; absPath: string; size?: number }>, maxBytes: number): ScannedBatch {
  const results: FileScanResult[] = [];
  for (const file of files) {
    const result = scanFileAt(file.path, file.absPath, file.size, maxBytes);
    if (result.skipped || result.matches.length > 0) results.push(result);
  }
  return { files: files.length, results };
}

/** Git's rule (as in workspace/files.ts looksBinary): a NUL byte in the first 8,000 bytes makes a file binary. */
const SNIFF_BYTES = 8000;

/** The same test as looksBinary, with the native byte search instead of a JavaScript loop. */
function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, SNIFF_BYTES).indexOf(0) !== -1;
}

/** Scans bytes already read (small trees, history blobs). */
export function scanFileBytes(path: string, bytes: Buffer): FileScanResult {
  if (isBinary(bytes)) return { path, matches: [], skipped: 'binary' };
  return { path, matches: scanBytes(bytes, path, compiledDetectors()) };
}

/** The first read of a file: whole for most source files, short for a large binary one. */
const FIRST_READ_BYTES = 64 * 1024;

/** One reusable read buffer per thread: scanning a large tree allocates (and collects) almost nothing per file. */
let readBuffer = Buffer.allocUnsafe(1 << 20);

/**
 * Reads and scans a file by absolute path (the threads of a large scan, which have no
 * WorkspaceFile). `size` is the size the walk saw, when it measured: at most that much
 * is read. Otherwise a file that fills the first read is measured on its descriptor
 * and skipped when over `maxBytes`, so most files cost an open and a read, no stat. A
 * binary file is recognised from its first 8,000 bytes and not read beyond the first
 * 64 KB. Matches hold copies of what they need, never the shared buffer.
 */
export function scanFileAt(path: string, absPath: string, knownSize: number | undefined, maxBytes: number): FileScanResult {
  let fd: number;
  try {
    fd = openSync(absPath, OPEN_SCANNED_FILE);
  } catch {
    return { path, matches: [], skipped: 'unreadable' };
  }
  try {
    // Most files fit in the first read; a binary file is recognised from its first 8,000 bytes.
    const head = Math.min(knownSize ?? FIRST_READ_BYTES, FIRST_READ_BYTES);
    let length = fill(fd, 0, head);
    if (isBinary(readBuffer.subarray(0, length))) return { path, matches: [], skipped: 'binary' };
    if (length === head) {
      const size = knownSize ?? fstatSync(fd).size;
      if (size > maxBytes) return { path, matches: [], skipped: 'too-large' };
      if (size > head) {
        if (readBuffer.length < size) readBuffer = grow(readBuffer, length, size);
        length = fill(fd, length, size);
      }
    }
    if (length > maxBytes) return { path, matches: [], skipped: 'too-large' };
    return { path, matches: scanBytes(readBuffer.subarray(0, length), path, compiledDetectors()) };
  } catch {
    return { path, matches: [], skipped: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}

/** A larger read buffer (a power of two) holding the first `keep` bytes of the old one. */
function grow(buffer: Buffer, keep: number, size: number): Buffer<ArrayBuffer> {
  const larger = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(size)));
  buffer.copy(larger, 0, 0, keep);
  return larger;
}

/** Reads into the shared buffer from `from` up to `to`, or to the end of the file if it comes first; returns where it stopped. */
function fill(fd: number, from: number, to: number): number {
  let length = from;
  while (length < to) {
    const read = readSync(fd, readBuffer, length, to - length, length);
    if (read === 0) break;
    length += read;
  }
  return length;
}

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { compiledDetectors } from './detectors.js';
import { scanBytes, type SecretMatch } from './engine/scan-bytes.js';

/** What scanning one file gave: its matches, or why it was not scanned. */
export interface FileScanResult {
  path: string;
  matches: SecretMatch[];
  skipped?: 'binary' | 'unreadable';
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

/** One reusable read buffer per thread: scanning a large tree allocates (and collects) almost nothing per file. */
let readBuffer = Buffer.allocUnsafe(1 << 20);

/**
 * Reads and scans a file by absolute path (the threads of a large scan, which have no
 * WorkspaceFile). A binary file is recognised from its first 8,000 bytes and not read
 * further. Matches hold copies of what they need, never the shared buffer.
 */
export function scanFileAt(path: string, absPath: string): FileScanResult {
  let fd: number;
  try {
    fd = openSync(absPath, 'r');
  } catch {
    return { path, matches: [], skipped: 'unreadable' };
  }
  try {
    const size = fstatSync(fd).size;
    if (readBuffer.length < size) readBuffer = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(size)));
    let length = readInto(fd, 0, Math.min(size, SNIFF_BYTES));
    if (isBinary(readBuffer.subarray(0, length))) return { path, matches: [], skipped: 'binary' };
    if (length < size) length += readInto(fd, length, size - length);
    return { path, matches: scanBytes(readBuffer.subarray(0, length), path, compiledDetectors()) };
  } catch {
    return { path, matches: [], skipped: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}

function readInto(fd: number, offset: number, count: number): number {
  let done = 0;
  while (done < count) {
    const read = readSync(fd, readBuffer, offset + done, count - done, offset + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}

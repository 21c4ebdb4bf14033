/**
 * Reads the entries of a zip file one at a time, with limits, for advisory exports that
 * may be large or hostile. The central directory is checked first (entry count, total
 * declared size); each entry is inflated into a buffer of its declared size, so a
 * "zip bomb" cannot use more memory than the limits allow. A damaged entry is a
 * warning; a damaged archive or one over the limits is a ZipError.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'fflate';

export interface ZipLimits {
  maxEntries: number;
  /** Sum of the uncompressed sizes of the entries read. */
  maxTotalBytes: number;
  maxEntryBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2_000_000,
  maxTotalBytes: 8 * 1024 ** 3,
  maxEntryBytes: 64 * 1024 ** 2,
};

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

export interface ReadZipOptions {
  limits?: Partial<ZipLimits>;
  /** Only entries whose name passes are inflated and counted against maxTotalBytes. */
  filter?: (name: string) => boolean;
  warn?: (message: string) => void;
}

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(buf: Buffer, at: number): number {
  const value = buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 2 ** 32;
  if (!Number.isSafeInteger(value)) throw new ZipError('zip field out of range');
  return value;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new ZipError('zip file is truncated');
    done += n;
  }
  return buf;
}

function readCentralDirectory(fd: number, fileSize: number, limits: ZipLimits): CentralEntry[] {
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = readAt(fd, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new ZipError('not a zip file (no end of central directory)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = fileSize - tailLength + eocd - 20;
    if (locatorAt < 0) throw new ZipError('zip64 locator missing');
    const locator = readAt(fd, locatorAt, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new ZipError('zip64 locator missing');
    const z64 = readAt(fd, u64(locator, 8), 56);
    if (z64.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError('zip64 end of central directory missing');
    count = u64(z64, 32);
    cdSize = u64(z64, 40);
    cdOffset = u64(z64, 48);
  }
  if (count > limits.maxEntries) throw new ZipError(`zip has ${count} entries, over the limit of ${limits.maxEntries}`);
  if (cdOffset + cdSize > fileSize) throw new ZipError('zip central directory lies outside the file');
  const cd = readAt(fd, cdOffset, cdSize);
  const entries: CentralEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL) throw new ZipError(`zip central directory damaged at entry ${i + 1}`);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const entry: CentralEntry = {
      name: cd.toString('utf8', at + 46, at + 46 + nameLength),
      flags: cd.readUInt16LE(at + 8),
      method: cd.readUInt16LE(at + 10),
      crc: cd.readUInt32LE(at + 16),
      compressedSize: cd.readUInt32LE(at + 20),
      size: cd.readUInt32LE(at + 24),
      localOffset: cd.readUInt32LE(at + 42),
    };
    readZip64Extra(cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Sizes and offset that did not fit in 32 bits are in the zip64 extra field, in this order. */
function readZip64Extra(extra: Buffer, entry: CentralEntry): void {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      const end = Math.min(at + 4 + size, extra.length);
      const next = (): number | undefined => {
        if (p + 8 > end) return undefined;
        p += 8;
        return u64(extra, p - 8);
      };
      if (entry.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localOffset === 0xffffffff) entry.localOffset = next() ?? entry.localOffset;
      return;
    }
    at += 4 + size;
  }
}

/** Yields each wanted entry's name and content. Throws ZipError for an unreadable archive. */
export function* readZipEntries(file: string, options: ReadZipOptions = {}): Generator<ZipEntry> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const warn = options.warn ?? (() => undefined);
  const fd = openSync(file, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const entries = readCentralDirectory(fd, fileSize, limits).filter(
      (e) => !e.name.endsWith('/') && (options.filter ? options.filter(e.name) : true),
    );
    const declared = entries.reduce((sum, e) => sum + e.size, 0);
    if (declared > limits.maxTotalBytes) {
      throw new ZipError(`zip declares ${declared} bytes uncompressed, over the limit of ${limits.maxTotalBytes}`);
    }
    for (const entry of entries) {
      const data = readEntry(fd, fileSize, entry, limits, warn);
      if (data) yield { name: entry.name, data };
    }
  } finally {
    closeSync(fd);
  }
}

function readEntry(fd: number, fileSize: number, entry: CentralEntry, limits: ZipLimits, warn: (m: string) => void): Uint8Array | null {
  const skip = (reason: string): null => {
    warn(`zip entry ${JSON.stringify(entry.name)} skipped: ${reason}`);
    return null;
  };
  if (entry.flags & 1) return skip('encrypted');
  if (entry.size > limits.maxEntryBytes) return skip(`${entry.size} bytes, over the limit of ${limits.maxEntryBytes}`);
  if (entry.method !== 0 && entry.method !== 8) return skip(`compression method ${entry.method} is not supported`);
  if (entry.localOffset + 30 > fileSize) return skip('local header outside the file');
  const local = readAt(fd, entry.localOffset, 30);
  if (local.readUInt32LE(0) !== LOCAL) return skip('local header damaged');
  const dataAt = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (dataAt + entry.compressedSize > fileSize) return skip('data outside the file');
  const compressed = readAt(fd, dataAt, entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) return skip('stored size mismatch');
    data = compressed;
  } else {
    try {
      // one byte more than declared, so that a longer stream shows up as a size mismatch
      data = inflateSync(compressed, { out: new Uint8Array(entry.size + 1) });
    } catch (error) {
      return skip(`cannot inflate (${(error as Error).message})`);
    }
    if (data.length !== entry.size) return skip('size differs from the declared size');
  }
  if (crc32(data) !== entry.crc) return skip('checksum mismatch');
  return data;
}

import { createHash } from 'node:crypto';
import { gunzipSync } from 'fflate';

/**
 * Reads the entries of a tar archive (ustar, with pax `path`/`mtime` records and GNU
 * long names), gzip-compressed or not, to compare two builds entry by entry: what
 * npm pack and most release tarballs are. Hostile input is bounded: a size limit on
 * the unpacked archive and on the number of entries.
 */

export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  sha256: string;
  linkname: string;
}

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

const MAX_UNPACKED = 512 * 1024 * 1024;
const MAX_ENTRIES = 100_000;

export function isTarLike(data: Uint8Array): boolean {
  if (data[0] === 0x1f && data[1] === 0x8b) return true;
  return data.length >= 512 && Buffer.from(data.subarray(257, 262)).toString('latin1') === 'ustar';
}

export function readTar(data: Uint8Array): TarEntry[] {
  let tar = data;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      tar = gunzipSync(data);
    } catch (error) {
      throw new TarFormatError(`not a valid gzip stream: ${(error as Error).message}`);
    }
  }
  if (tar.length > MAX_UNPACKED) throw new TarFormatError('archive too large to compare');
  const buffer = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  const entries: TarEntry[] = [];
  let offset = 0;
  let pending: { path?: string; mtime?: number } = {};
  while (offset + 512 <= buffer.length) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    if (entries.length >= MAX_ENTRIES) throw new TarFormatError('too many entries');
    const size = number(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    const bodyStart = offset + 512;
    if (bodyStart + size > buffer.length) throw new TarFormatError('truncated archive');
    const body = buffer.subarray(bodyStart, bodyStart + size);
    offset = bodyStart + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      pending = { ...pending, ...paxRecords(body) };
      continue;
    }
    if (type === 'L') {
      pending.path = text(body);
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(header.subarray(345, 500));
    const baseName = text(header.subarray(0, 100));
    entries.push({
      name: pending.path ?? (prefix ? `${prefix}/${baseName}` : baseName),
      type,
      mode: number(header.subarray(100, 108)) & 0o7777,
      uid: number(header.subarray(108, 116)),
      gid: number(header.subarray(116, 124)),
      mtime: pending.mtime ?? number(header.subarray(136, 148)),
      size,
      sha256: createHash('sha256').update(body).digest('hex'),
      linkname: text(header.subarray(157, 257)),
    });
    pending = {};
  }
  return entries;
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

/** Octal (space/NUL terminated) or GNU base-256 numbers. */
function number(bytes: Uint8Array): number {
  if (bytes[0]! & 0x80) {
    let value = 0;
    for (let i = 1; i < bytes.length; i++) value = value * 256 + bytes[i]!;
    return value;
  }
  const digits = text(bytes).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarFormatError(`invalid number field '${digits}'`);
  return parseInt(digits, 8);
}

function paxRecords(body: Uint8Array): { path?: string; mtime?: number } {
  const result: { path?: string; mtime?: number } = {};
  const content = Buffer.from(body).toString('utf8');
  let index = 0;
  while (index < content.length) {
    const space = content.indexOf(' ', index);
    if (space < 0) break;
    const length = Number(content.slice(index, space));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = content.slice(space + 1, index + length - 1);
    const equals = record.indexOf('=');
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === 'path') result.path = value;
    if (key === 'mtime') result.mtime = Math.floor(Number(value));
    index += length;
  }
  return result;
}

export interface EntryDifference {
  name: string;
  /** What differs: content, mode, mtime, owner, type, link, or presence. */
  fields: string[];
  detail: string;
}

export function diffTarEntries(left: TarEntry[], right: TarEntry[], leftLabel: string, rightLabel: string): EntryDifference[] {
  const a = new Map(left.map((entry) => [entry.name, entry]));
  const b = new Map(right.map((entry) => [entry.name, entry]));
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const differences: EntryDifference[] = [];
  for (const name of names) {
    const x = a.get(name);
    const y = b.get(name);
    if (!x || !y) {
      differences.push({ name, fields: ['presence'], detail: `only in ${x ? leftLabel : rightLabel}` });
      continue;
    }
    const fields: string[] = [];
    const details: string[] = [];
    if (x.sha256 !== y.sha256) {
      fields.push('content');
      details.push(`content ${x.size} bytes sha256 ${x.sha256.slice(0, 12)} vs ${y.size} bytes sha256 ${y.sha256.slice(0, 12)}`);
    }
    if (x.mode !== y.mode) {
      fields.push('mode');
      details.push(`mode ${octal(x.mode)} vs ${octal(y.mode)}`);
    }
    if (x.mtime !== y.mtime) {
      fields.push('mtime');
      details.push(`mtime ${iso(x.mtime)} vs ${iso(y.mtime)}`);
    }
    if (x.uid !== y.uid || x.gid !== y.gid) {
      fields.push('owner');
      details.push(`owner ${x.uid}:${x.gid} vs ${y.uid}:${y.gid}`);
    }
    if (x.type !== y.type) fields.push('type');
    if (x.linkname !== y.linkname) fields.push('link');
    if (fields.length > 0) differences.push({ name, fields, detail: details.join('; ') || fields.join(', ') });
  }
  return differences;
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

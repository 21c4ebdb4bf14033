import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { crc32, readZipEntries, ZipError } from '../../../../src/scanners/sca/osv/zip-reader.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'secloop-zip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

function read(file: string, options: Parameters<typeof readZipEntries>[1] = {}): { names: string[]; texts: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const entries = [...readZipEntries(file, { ...options, warn: (m) => warnings.push(m) })];
  return { names: entries.map((e) => e.name), texts: entries.map((e) => Buffer.from(e.data).toString('utf8')), warnings };
}

/** Offset of the central directory entry for `name` in a zip without comments. */
function centralEntryOffset(zip: Uint8Array, name: string): number {
  const buf = Buffer.from(zip);
  for (let i = buf.length - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) === 0x02014b50 && buf.toString('utf8', i + 46, i + 46 + buf.readUInt16LE(i + 28)) === name) return i;
  }
  throw new Error(`no entry ${name}`);
}

/** A zip64 archive with stored entries, every size and offset in the zip64 fields, as large exports are written. */
function zip64(entries: Record<string, string>): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const u64 = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(n % 2 ** 32, 0);
    b.writeUInt32LE(Math.floor(n / 2 ** 32), 4);
    return b;
  };
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(0xffffffff, 18);
    local.writeUInt32LE(0xffffffff, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(20, 28);
    const localExtra = Buffer.concat([Buffer.from([1, 0, 16, 0]), u64(data.length), u64(data.length)]);
    const head = Buffer.alloc(46);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(45, 4);
    head.writeUInt16LE(45, 6);
    head.writeUInt32LE(crc, 16);
    head.writeUInt32LE(0xffffffff, 20);
    head.writeUInt32LE(0xffffffff, 24);
    head.writeUInt16LE(nameBytes.length, 28);
    head.writeUInt16LE(28, 30);
    head.writeUInt32LE(0xffffffff, 42);
    central.push(head, nameBytes, Buffer.concat([Buffer.from([1, 0, 24, 0]), u64(data.length), u64(data.length), u64(offset)]));
    parts.push(local, nameBytes, localExtra, data);
    offset += local.length + nameBytes.length + localExtra.length + data.length;
  }
  const cd = Buffer.concat(central);
  const count = Object.keys(entries).length;
  const z64 = Buffer.alloc(56);
  z64.writeUInt32LE(0x06064b50, 0);
  u64(44).copy(z64, 4);
  z64.writeUInt16LE(45, 12);
  z64.writeUInt16LE(45, 14);
  u64(count).copy(z64, 24);
  u64(count).copy(z64, 32);
  u64(cd.length).copy(z64, 40);
  u64(offset).copy(z64, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  u64(offset + cd.length).copy(locator, 8);
  locator.writeUInt32LE(1, 16);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0xffff, 8);
  eocd.writeUInt16LE(0xffff, 10);
  eocd.writeUInt32LE(0xffffffff, 12);
  eocd.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([...parts, cd, z64, locator, eocd]);
}

describe('zip reader', () => {
  it('reads deflated and stored entries, skipping directories and unwanted names', () => {
    const file = write('plain.zip', zipSync({ 'a.json': strToU8('{"a":1}'), 'dir/': new Uint8Array(0), 'dir/b.json': [strToU8('{"b":2}'), { level: 0 }], 'c.txt': strToU8('x') }));
    const result = read(file, { filter: (n) => n.endsWith('.json') });
    assert.deepEqual(result.names, ['a.json', 'dir/b.json']);
    assert.deepEqual(result.texts, ['{"a":1}', '{"b":2}']);
    assert.deepEqual(result.warnings, []);
  });

  it('reads zip64 archives', () => {
    const result = read(write('z64.zip', zip64({ 'x.json': '{"x":1}', 'y.json': '{"y":2}' })));
    assert.deepEqual(result.texts, ['{"x":1}', '{"y":2}']);
  });

  it('warns about a damaged or lying entry and reads the others', () => {
    const zip = zipSync({ 'good.json': strToU8('{"ok":true}'), 'bad.json': strToU8('x'.repeat(5000)), 'liar.json': strToU8('y'.repeat(5000)) });
    const badAt = centralEntryOffset(zip, 'bad.json');
    const buf = Buffer.from(zip);
    // corrupt the compressed data of bad.json
    const local = buf.readUInt32LE(badAt + 42);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    buf.fill(0xff, dataAt, dataAt + 4);
    // liar.json declares fewer bytes than it holds (a bomb's trick)
    buf.writeUInt32LE(100, centralEntryOffset(zip, 'liar.json') + 24);
    const result = read(write('damaged.zip', buf));
    assert.deepEqual(result.names, ['good.json']);
    assert.equal(result.warnings.length, 2);
    assert.match(result.warnings.join('\n'), /"bad\.json" skipped: (cannot inflate|checksum mismatch|size differs)/);
    assert.match(result.warnings.join('\n'), /"liar\.json" skipped: size differs from the declared size/);
  });

  it('enforces entry count, entry size and total size limits', () => {
    const file = write('big.zip', zipSync({ 'a.json': new Uint8Array(300_000).fill(32), 'b.json': new Uint8Array(300_000).fill(32), 'c.json': strToU8('{}') }));
    assert.throws(() => read(file, { limits: { maxEntries: 2 } }), (e: unknown) => e instanceof ZipError && /3 entries, over the limit of 2/.test(e.message));
    assert.throws(() => read(file, { limits: { maxTotalBytes: 500_000 } }), (e: unknown) => e instanceof ZipError && /over the limit of 500000/.test(e.message));
    const result = read(file, { limits: { maxEntryBytes: 1000 } });
    assert.deepEqual(result.names, ['c.json']);
    assert.equal(result.warnings.length, 2);
  });

  it('rejects files that are not zips or are cut short', () => {
    assert.throws(() => read(write('text.zip', strToU8('hello, not a zip at all'))), ZipError);
    const zip = zipSync({ 'a.json': strToU8('{"a":1}') });
    assert.throws(() => read(write('cut.zip', zip.subarray(0, zip.length - 10))), ZipError);
    assert.throws(() => read(write('empty.zip', new Uint8Array(0))), ZipError);
  });
});

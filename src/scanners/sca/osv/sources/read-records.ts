/**
 * OSV records from a zip of JSON files or a directory tree of them (an OSV export,
 * `--db PATH`). Each file holds one record or a list of records. Bad files and records
 * are warnings; limits bound the number of files and bytes read.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { readOsvRecord } from '../record.js';
import type { OsvRecord } from '../types.js';
import { DEFAULT_ZIP_LIMITS, readZipEntries, ZipError, type ZipLimits } from '../zip-reader.js';
import { AdvisorySourceError, type Warn } from './source.js';

export interface ReadRecordsOptions {
  limits?: Partial<ZipLimits>;
  warn?: Warn;
}

function isJsonName(name: string): boolean {
  return name.toLowerCase().endsWith('.json');
}

/** Records in one JSON text (an object or a list of objects); problems go to `warn`. */
export function* recordsInJson(text: string, where: string, warn: Warn): Generator<OsvRecord> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    warn(`${where}: not JSON (${(error as Error).message})`);
    return;
  }
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    const { record, problems } = readOsvRecord(item);
    for (const problem of problems) warn(`${where}: ${problem}`);
    if (record) yield record;
  }
}

export function isZipFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}

/** Records in a zip; a damaged archive or one over the limits is an AdvisorySourceError. */
export function* recordsInZip(file: string, source: string, options: ReadRecordsOptions = {}): Generator<OsvRecord> {
  const warn = options.warn ?? (() => undefined);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  try {
    for (const entry of readZipEntries(file, { limits: options.limits, filter: isJsonName, warn: (m) => warn(`${file}: ${m}`) })) {
      yield* recordsInJson(decoder.decode(entry.data), `${file}: ${entry.name}`, warn);
    }
  } catch (error) {
    if (error instanceof ZipError) throw new AdvisorySourceError(source, `${file}: ${error.message}`);
    throw error;
  }
}

/** Records in every *.json file under `dir` (sorted walk; symbolic links to directories are not followed). */
export function* recordsInDirectory(dir: string, source: string, options: ReadRecordsOptions = {}): Generator<OsvRecord> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const warn = options.warn ?? (() => undefined);
  let files = 0;
  let bytes = 0;
  const walk = function* (current: string): Generator<OsvRecord> {
    let names: string[];
    try {
      names = readdirSync(current).sort();
    } catch (error) {
      warn(`${current}: cannot read directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return;
    }
    for (const name of names) {
      const full = path.join(current, name);
      let stat;
      try {
        stat = lstatSync(full);
        if (stat.isSymbolicLink()) {
          const target = statSync(full);
          if (target.isDirectory()) {
            warn(`${full}: symbolic link to a directory not followed`);
            continue;
          }
          stat = target;
        }
      } catch (error) {
        warn(`${full}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        continue;
      }
      if (stat.isDirectory()) {
        yield* walk(full);
        continue;
      }
      if (!stat.isFile() || !isJsonName(name)) continue;
      if (++files > limits.maxEntries) throw new AdvisorySourceError(source, `${dir}: more than ${limits.maxEntries} JSON files`);
      if (stat.size > limits.maxEntryBytes) {
        warn(`${full}: ${stat.size} bytes, over the limit of ${limits.maxEntryBytes}; skipped`);
        continue;
      }
      bytes += stat.size;
      if (bytes > limits.maxTotalBytes) throw new AdvisorySourceError(source, `${dir}: more than ${limits.maxTotalBytes} bytes of JSON`);
      let text: string;
      try {
        text = readFileSync(full, 'utf8');
      } catch (error) {
        warn(`${full}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        continue;
      }
      yield* recordsInJson(text, full, warn);
    }
  };
  yield* walk(dir);
}

/** Records from a directory, a zip or a single JSON file. */
export function* recordsAtPath(target: string, source: string, options: ReadRecordsOptions = {}): Generator<OsvRecord> {
  let stat;
  try {
    stat = statSync(target);
  } catch (error) {
    throw new AdvisorySourceError(source, `${target}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
  }
  if (stat.isDirectory()) yield* recordsInDirectory(target, source, options);
  else if (isZipFile(target)) yield* recordsInZip(target, source, options);
  else if (isJsonName(target)) {
    const maxBytes = options.limits?.maxEntryBytes ?? DEFAULT_ZIP_LIMITS.maxEntryBytes;
    if (stat.size > maxBytes) throw new AdvisorySourceError(source, `${target}: ${stat.size} bytes, over the limit of ${maxBytes}`);
    yield* recordsInJson(readFileSync(target, 'utf8'), target, options.warn ?? (() => undefined));
  }
  else throw new AdvisorySourceError(source, `${target}: not a directory, a zip or a JSON file of OSV records`);
}

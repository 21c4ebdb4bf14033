import { closeSync, existsSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { generateSigningKey, keyFileTexts, type KeyFileFormat } from './key-files.js';
import type { KeyFamily } from './keys.js';
import { makeDir } from '../../core/make-dir.js';

export interface KeygenOptions {
  family: Exclude<KeyFamily, 'rsa'>;
  format: KeyFileFormat;
  password?: string | undefined;
  force?: boolean;
}

export interface KeygenResult {
  keyid: string;
  privatePath: string;
  publicPath: string;
}

/**
 * Writes `<path>` (private key, mode 0600) and `<path>.pub`, like in-toto-keygen, but
 * refuses to overwrite existing files unless forced.
 */
export function writeKeyPair(path: string, options: KeygenOptions): KeygenResult {
  if (options.password === '') throw new UsageError('the key password must not be empty');
  const publicPath = `${path}.pub`;
  if (!options.force) {
    for (const target of [path, publicPath]) {
      if (existsSync(target)) throw new UsageError(`${target} already exists (use --force to overwrite)`);
    }
  }
  const files = keyFileTexts(generateSigningKey(options.family), options.format, options.password);
  try {
    // `secloop keygen keys/owner` in a fresh checkout: the folder is created (private: it holds keys).
    makeDir(dirname(path), 0o700);
  } catch (error) {
    throw new UsageError(`cannot create the folder of ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  writeFileWithMode(path, files.privateText, 0o600);
  writeFileWithMode(publicPath, files.publicText, 0o644);
  return { keyid: files.key.keyid, privatePath: path, publicPath };
}

function writeFileWithMode(path: string, text: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(path, 'w', mode);
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    fchmodSync(fd, mode);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

import { posix } from 'node:path';
import type { WorkspaceFile } from '../../../workspace/files.js';
import { unstagedIndexFiles, type StagedIndex } from '../staged-index.js';
import type { ReadText } from '../texts.js';
import { MAX_DOTENV_CHARS, parseDotEnv, type DotEnv } from './dotenv.js';

/** More `.env` files than this in one scan are not read; their compose files keep their variables unknown. */
const MAX_FILES = 64;

/**
 * The `.env` files of the scan by folder: Compose reads the one in the compose file's
 * folder (its project directory), by that folder (posix.dirname of the compose file). In a scan of staged files, the `.env` files of the
 * index count too, staged or not: what a staged compose file will run with.
 */
export async function readDotEnvs(files: readonly WorkspaceFile[], read: ReadText, staged?: StagedIndex): Promise<Map<string, DotEnv>> {
  const out = new Map<string, DotEnv>();
  const add = (path: string, text: string) => {
    if (text.length <= MAX_DOTENV_CHARS && out.size < MAX_FILES) out.set(posix.dirname(path), { path, values: parseDotEnv(text) });
  };
  for (const file of files) {
    if (!isDotEnv(file.path) || (file.size !== undefined && file.size > MAX_DOTENV_CHARS)) continue;
    const text = await read(file);
    if (text !== null) add(file.path, text);
  }
  if (staged && files.some((file) => file.fromIndex && /\.ya?ml$/i.test(file.path))) {
    const others = await unstagedIndexFiles(files, staged, { pathspecs: [':(glob).env', ':(glob)**/.env'], wanted: isDotEnv, max: MAX_FILES, what: "the .env values of staged compose files are unknown" });
    for (const other of others) add(other.path, other.text);
  }
  return out;
}

export function isDotEnv(path: string): boolean {
  return path === '.env' || path.endsWith('/.env');
}

import path from 'node:path';
import type { WorkspaceFile } from '../../../workspace/files.js';
import { isBuildConfigFile, isDockerfileName } from '../detect.js';
import { unstagedIndexFiles, type StagedIndex } from '../staged-index.js';
import { readDirectly, type ReadText } from '../texts.js';

/**
 * Configuration files that may or may not hold a credential (`.npmrc` with a registry
 * address only, or with an `_authToken`): their texts, by path from the scan root, so
 * that a Dockerfile that copies one can be judged on what the file holds.
 */
export type ConfigFileTexts = ReadonlyMap<string, string>;

const MAX_FILE = 64 * 1024;
const MAX_FILES = 500;

export async function readConfigFiles(files: readonly WorkspaceFile[], read: ReadText = readDirectly, staged?: StagedIndex): Promise<ConfigFileTexts> {
  const texts = new Map<string, string>();
  for (const file of files) {
    if (texts.size >= MAX_FILES) break;
    if (!isBuildConfigFile(file.path) || (file.size !== undefined && file.size > MAX_FILE)) continue;
    const text = await read(file);
    if (text !== null && text.length <= MAX_FILE) texts.set(file.path, text);
  }
  // A staged Dockerfile copies what will be committed beside it, staged or not.
  if (staged && texts.size < MAX_FILES && files.some((file) => file.fromIndex && isDockerfileName(file.path))) {
    const others = await unstagedIndexFiles(files, staged, {
      pathspecs: ['.npmrc', '.pypirc', '.yarnrc', '.yarnrc.yml', '.env', '.env.*'].flatMap((name) => [`:(glob)${name}`, `:(glob)**/${name}`]),
      wanted: isBuildConfigFile,
      max: MAX_FILES - texts.size,
      what: 'configuration files the staged Dockerfiles copy are judged as unknown',
    });
    for (const other of others) if (other.text.length <= MAX_FILE) texts.set(other.path, other.text);
  }
  return texts;
}

/** `_authToken=...`, `password: ...`, `NPM_TOKEN=...` with a value written out (not `${VAR}`). */
const LITERAL_CREDENTIAL = /^\s*(?:export\s+)?["']?[^\s#=]*?(?:_auth|authToken|password|passwd|token|secret|api[_-]?key|private[_-]?key)[^\s#=:]*["']?\s*[=:][ \t]*(?![ \t]*$)(?!["']?\$\{?\w)(?!["']{2}[ \t]*$)\S/im;

/**
 * What the build context holds at `source` (as a COPY names it) for a Dockerfile at
 * `dockerfile`: 'no-credential' when the file is in the scan (beside the Dockerfile, or at
 * the root for a build from the repository root) and every copy of it writes no
 * credential; 'unknown' when it is not in the scan (ignored by git, made at build time:
 * exactly where a real token lives) or holds one.
 */
export function copiedFileContent(dockerfile: string, source: string, files: ConfigFileTexts): 'no-credential' | 'unknown' {
  const dir = path.posix.dirname(dockerfile);
  const candidates = [...new Set([path.posix.normalize(path.posix.join(dir, source)), path.posix.normalize(source)])];
  const found = candidates.map((candidate) => files.get(candidate)).filter((text): text is string => text !== undefined);
  return found.length > 0 && found.every((text) => !LITERAL_CREDENTIAL.test(text)) ? 'no-credential' : 'unknown';
}

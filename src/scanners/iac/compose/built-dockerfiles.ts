import path from 'node:path';
import type { WorkspaceFile } from '../../../workspace/files.js';
import { classify, isDockerfileName } from '../detect.js';
import type { Git } from '../../../workspace/git.js';
import { readDirectly, type ReadText } from '../texts.js';
import { get, isTrue, isYMap, isYScalar, isYSeq, items, text } from '../yaml/tree.js';
import { readCompose, type ComposeService } from './model.js';

/**
 * The Dockerfile a compose service builds, relative to the scan root: `build: DIR` or
 * `build: { context: DIR, dockerfile: FILE }` resolved against the compose file's folder.
 * Undefined for a remote context (a git or HTTP address), an inline Dockerfile, or a path
 * outside the scan root: those Dockerfiles are not among the files scanned.
 */
export function builtDockerfile(composePath: string, service: ComposeService): string | undefined {
  const build = get(service.node, 'build');
  const context = isYScalar(build) ? text(build) : text(get(build, 'context')) ?? '.';
  const dockerfile = isYMap(build) ? text(get(build, 'dockerfile')) ?? 'Dockerfile' : 'Dockerfile';
  if (build === undefined || context === undefined || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(context) || path.posix.isAbsolute(context)) return undefined;
  if (path.posix.isAbsolute(dockerfile)) return undefined;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(composePath), context, dockerfile));
  return resolved.startsWith('../') || resolved === '..' ? undefined : resolved;
}

/**
 * True when the service defines a health check that runs: compose's `healthcheck` takes
 * the place of the image's HEALTHCHECK, unless it is switched off (`disable: true`,
 * `test: NONE` or `test: ["NONE"]`) or only tunes the image's own check (no `test`).
 */
export function hasOwnHealthcheck(service: ComposeService): boolean {
  const check = get(service.node, 'healthcheck');
  if (!isYMap(check) || isTrue(get(check, 'disable'))) return false;
  const test = get(check, 'test');
  const first = isYSeq(test) ? text(items(test)[0]) : text(test);
  return first !== undefined && first.toUpperCase() !== 'NONE';
}

/**
 * The Dockerfiles of the tree that a compose file builds for a service with a health check
 * of its own: the image's missing HEALTHCHECK is then supplied where the image runs.
 */
export async function dockerfilesWithComposeHealthcheck(files: readonly WorkspaceFile[], read: ReadText = readDirectly, staged?: StagedIndex): Promise<Set<string>> {
  const found = new Set<string>();
  const note = (composePath: string, source: string | null) => {
    const input = source === null ? undefined : readCompose(source, () => {});
    for (const service of input?.services ?? []) {
      const dockerfile = hasOwnHealthcheck(service) ? builtDockerfile(composePath, service) : undefined;
      if (dockerfile !== undefined) found.add(dockerfile);
    }
  };
  for (const file of files) if (classify(file.path, '') === 'compose') note(file.path, await read(file));
  if (staged && files.some((file) => file.fromIndex && isDockerfileName(file.path))) {
    for (const other of await stagedComposeFiles(files, staged)) note(other.path, other.text);
  }
  return found;
}

/** The git index of a scan of staged files, and where its warnings go. */
export interface StagedIndex {
  git: Git;
  warn: (message: string) => void;
}

const MAX_STAGED_COMPOSE = 200;

/**
 * In a scan of staged files (the pre-commit hook), the compose files of the index that
 * the scan does not hold: a commit that stages only a Dockerfile is judged with the
 * compose files that will be committed beside it, as a scan of the tree would judge it.
 */
async function stagedComposeFiles(files: readonly WorkspaceFile[], { git, warn }: StagedIndex): Promise<Array<{ path: string; text: string }>> {
  const held = new Set(files.map((file) => file.path));
  try {
    const prefix = await git.prefix();
    const listed = (await git.run(['ls-files', '-z', '--', ':(glob)**/*compose*.yml', ':(glob)**/*compose*.yaml'])).split('\0');
    const wanted = listed.filter((p) => p !== '' && !held.has(p) && classify(p, '') === 'compose').slice(0, MAX_STAGED_COMPOSE);
    const out: Array<{ path: string; text: string }> = [];
    for (const p of wanted) out.push({ path: p, text: (await git.readStaged(prefix + p)).toString('utf8') });
    return out;
  } catch (error) {
    warn(`could not read the compose files of the index beside the staged Dockerfiles (their healthchecks are not seen): ${(error as Error).message.split('\n')[0]}`);
    return [];
  }
}

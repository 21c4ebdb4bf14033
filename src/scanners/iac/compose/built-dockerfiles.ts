import path from 'node:path';
import type { WorkspaceFile } from '../../../workspace/files.js';
import { basenameOf, classify, isDockerfileName } from '../detect.js';
import { unstagedIndexFiles, type StagedIndex } from '../staged-index.js';
import { readDirectly, type ReadText } from '../texts.js';
import { loadYamlCached } from '../yaml/cache.js';
import { get, isTrue, isYMap, isYScalar, isYSeq, items, text, type YamlLoadResult } from '../yaml/tree.js';
import { readCompose, type ComposeService } from './model.js';
import { interpolate, type DotEnv } from './dotenv.js';

/**
 * The Dockerfile a compose service builds, relative to the scan root: `build: DIR` or
 * `build: { context: DIR, dockerfile: FILE }` resolved against the compose file's folder,
 * with the values of the `.env` file beside it (`dotenv`) in `./images/${OS}`.
 * Undefined for a remote context (a git or HTTP address), an inline Dockerfile, or a path
 * outside the scan root: those Dockerfiles are not among the files scanned.
 */
export function builtDockerfile(composePath: string, service: ComposeService, dotenv?: ReadonlyMap<string, string>): string | undefined {
  const build = get(service.node, 'build');
  const context = filled(isYScalar(build) ? text(build) : text(get(build, 'context')) ?? '.', dotenv);
  const dockerfile = filled(isYMap(build) ? text(get(build, 'dockerfile')) ?? 'Dockerfile' : 'Dockerfile', dotenv) ?? 'Dockerfile';
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
 * The build context folder of a service's `build`, relative to the scan root, under the
 * same conditions as builtDockerfile.
 */
export function buildContext(composePath: string, service: ComposeService, dotenv?: ReadonlyMap<string, string>): string | undefined {
  const build = get(service.node, 'build');
  const context = filled(isYScalar(build) ? text(build) : text(get(build, 'context')) ?? '.', dotenv);
  if (build === undefined || context === undefined || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(context) || path.posix.isAbsolute(context)) return undefined;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(composePath), context));
  return resolved.startsWith('../') || resolved === '..' ? undefined : resolved;
}

/** A path of a build (`./images/${OS}`) with the values of the `.env` file beside the compose file, when they fill every variable of it; else as written. */
function filled(value: string | undefined, dotenv: ReadonlyMap<string, string> | undefined): string | undefined {
  if (value === undefined || dotenv === undefined || !value.includes('$')) return value;
  const out = interpolate(value, dotenv);
  return out.unresolved ? value : out.text;
}

/** `${VAR:-default}` and `${VAR-default}` as their defaults; undefined when a variable without one is left. */
function interpolated(value: string): string | undefined {
  const out = value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1');
  return /\$\{?[A-Za-z_]/.test(out) ? undefined : out;
}

/** What a compose service builds: the Dockerfile, its context folder and the names the image gets. */
export interface ComposeBuild {
  /** The compose file and service that build it. */
  compose: string;
  service: string;
  dockerfile: string;
  context: string;
  /** `image:` and `build.tags` (variables with defaults filled in). */
  images: string[];
  /** Another service of the file builds with this one's image as an additional context (`service:NAME`). */
  contextOfAnother: boolean;
}

/**
 * An image name of a compose file as Compose reads it: with the values of the `.env` file
 * beside it where it has them (`${BUILD_BASE_IMAGE}:${TAG}`), else `${VAR:-default}` as its
 * default; undefined when a variable neither gives is left.
 */
function imageName(value: string, dotenv: ReadonlyMap<string, string> | undefined): string | undefined {
  if (dotenv !== undefined && value.includes('$')) {
    const filled = interpolate(value, dotenv);
    if (filled.fromDotEnv && !filled.unresolved) return filled.text;
  }
  return interpolated(value);
}

/** The builds of a compose file's services whose Dockerfile is in the scan root; `dotenv`: the values of the `.env` file beside it. */
export function composeBuildsOf(composePath: string, services: readonly ComposeService[], dotenv?: ReadonlyMap<string, string>): ComposeBuild[] {
  const usedAsContext = new Set<string>();
  for (const service of services) {
    const extra = get(service.node, 'build', 'additional_contexts');
    const values = isYMap(extra) ? extra.pairs.map((p) => text(p.value)) : items(extra).map((item) => text(item)?.replace(/^[^=]*=/, ''));
    for (const value of values) if (value?.startsWith('service:')) usedAsContext.add(value.slice('service:'.length));
  }
  const builds: ComposeBuild[] = [];
  for (const service of services) {
    const dockerfile = builtDockerfile(composePath, service, dotenv);
    const context = buildContext(composePath, service, dotenv);
    if (dockerfile === undefined || context === undefined) continue;
    const names = [text(get(service.node, 'image')), ...items(get(service.node, 'build', 'tags')).map((tag) => text(tag))];
    const images = names.flatMap((name) => (name === undefined ? [] : [imageName(name, dotenv)].filter((n): n is string => n !== undefined && n !== '')));
    builds.push({ compose: composePath, service: service.name, dockerfile, context, images, contextOfAnother: usedAsContext.has(service.name) });
  }
  return builds;
}

/** A YAML file whose name says compose but not in the usual form (compose.yaml, docker-compose.prod.yml): read to see whether it is one. */
const UNUSUAL_COMPOSE_NAME = /compose.*\.ya?ml$/i;

/** Compose files of the index read beside staged Dockerfiles, at most. */
const MAX_STAGED_COMPOSE = 200;

/** What the compose files of the scan say about the Dockerfiles they build. */
export interface ComposeDockerfiles {
  /**
   * The Dockerfiles a compose file builds for a service with a health check of its own:
   * the image's missing HEALTHCHECK is then supplied where the image runs.
   */
  healthchecked: Set<string>;
  builds: ComposeBuild[];
}

/**
 * `load`: how the compose files are parsed: the scan's parses (yaml/parses.ts), which hold them for the loop's analysis.
 * `dotenvs`: the `.env` files of the scan by folder (readDotEnvs), whose values fill the image names of the compose files beside them.
 */
export async function composeDockerfiles(
  files: readonly WorkspaceFile[],
  read: ReadText = readDirectly,
  staged?: StagedIndex,
  load: (path: string, source: string) => YamlLoadResult = (_, source) => loadYamlCached(source),
  dotenvs?: ReadonlyMap<string, DotEnv>,
): Promise<ComposeDockerfiles> {
  const found = new Set<string>();
  const builds: ComposeBuild[] = [];
  const note = (composePath: string, source: string | null) => {
    // Strings are copied out of the services: the parse is held for the scan loop, which analyses the file (harbor: its compose file was parsed twice).
    const input = source === null ? undefined : readCompose(source, () => {}, undefined, (yaml) => load(composePath, yaml));
    const values = dotenvs?.get(path.posix.dirname(composePath))?.values;
    for (const service of input?.services ?? []) {
      const dockerfile = hasOwnHealthcheck(service) ? builtDockerfile(composePath, service, values) : undefined;
      if (dockerfile !== undefined) found.add(dockerfile);
    }
    builds.push(...composeBuildsOf(composePath, input?.services ?? [], values));
  };
  for (const file of files) {
    if (classify(file.path, '') === 'compose') note(file.path, await read(file));
    // A compose file known by its content, whose name still says compose (docker-compose_v3_alpine_mysql_local.yaml, compose_databases.yaml).
    else if (UNUSUAL_COMPOSE_NAME.test(basenameOf(file.path))) {
      const source = await read(file);
      if (source !== null && classify(file.path, source) === 'compose') note(file.path, source);
    }
  }
  // A commit that stages only a Dockerfile is judged with the compose files that will be committed beside it.
  if (staged && files.some((file) => file.fromIndex && isDockerfileName(file.path))) {
    const others = await unstagedIndexFiles(files, staged, {
      pathspecs: [':(glob)**/*compose*.yml', ':(glob)**/*compose*.yaml'],
      wanted: (p) => classify(p, '') === 'compose',
      max: MAX_STAGED_COMPOSE,
      what: 'compose healthchecks of the staged Dockerfiles are not seen',
    });
    for (const other of others) note(other.path, other.text);
  }
  return { healthchecked: found, builds };
}

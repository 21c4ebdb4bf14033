import path from 'node:path';
import type { WorkspaceFile } from '../../../workspace/files.js';
import type { ComposeBuild } from '../compose/built-dockerfiles.js';
import { isDockerfileName } from '../detect.js';
import { indexFolderNames, readIndexText, unstagedIndexFiles, type StagedIndex } from '../staged-index.js';
import { readDirectly, type ReadText } from '../texts.js';
import { loadYamlCached } from '../yaml/cache.js';
import { get, text as scalarText } from '../yaml/tree.js';
import { entrypointFiles, hasOwnStartCommand, s6ServiceFolders } from './entrypoint.js';
import { baseImage, expandArgs, finalStage, imageNameAfterVariable, imageRepository, lastUser, readDockerfile, stageChain, type DockerfileInput } from './model.js';

export { imageRepository };

/** What a Dockerfile's rules know from the rest of the scan. */
export interface DockerfileScope {
  buildContexts?: readonly string[];
  contextFiles?: ReadonlyMap<string, string>;
  builtUpon?: string;
  builtFrom?: readonly BaseDockerfile[];
  githubAction?: string;
}

/**
 * A Dockerfile of the scan that another builds FROM (builtUpon): the image name the other
 * names it by (a repository, or the literal last part of a name whose namespace is a
 * variable), its path, and the user its final stage ends with (expanded; its line), none
 * when it sets no USER (the user of the image it is built FROM, root for almost every one).
 */
export interface BaseDockerfile {
  image: string;
  path: string;
  user?: { name: string; line: number };
}

const MAX_DOCKERFILES = 2000;
const MAX_CONTEXT_FILES = 500;
/** Bytes of an entrypoint script of a build context that the Dockerfile rules read, at most. */
export const MAX_CONTEXT_SCRIPT = 64 * 1024;
/** Names of a folder of the build context listed for its s6 services, at most. */
export const MAX_CONTEXT_LISTING = 100;

/** Reads a file of the build context by its path from the scan root; undefined when absent or not read. */
/** A file of the build context by its path from the scan root; `refused` hears why a file that is there was not read. */
export type ContextReader = (relative: string, refused?: (why: string) => void) => string | undefined | Promise<string | undefined>;
/** The names in a folder of the build context, by its path from the scan root. */
export type ContextLister = (folder: string) => string[] | Promise<string[]>;

/** Folder names too generic to name the image of the Dockerfile in them. */
const GENERIC_FOLDER = /^(?:\.?docker|dockerfiles?|\.?build|builds|\.?ci|deploy(?:ment)?s?|images?|containers?|src|\.devcontainer|\.github|\.gitlab)$/i;

/**
 * The name a Dockerfile's file name or folder gives its image: `base` for
 * `base.Dockerfile`, `Dockerfile.base`, `Dockerfile-base` and `images/base/Dockerfile`.
 */
export function dockerfileStem(dockerfile: string): string | undefined {
  const name = path.posix.basename(dockerfile);
  const suffixed = /^(.+)\.(?:dockerfile|containerfile)$/i.exec(name)?.[1] ?? /^(?:dockerfile|containerfile)[._-](.+)$/i.exec(name)?.[1];
  if (suffixed !== undefined) return suffixed.toLowerCase();
  const folder = path.posix.basename(path.posix.dirname(dockerfile));
  return folder === '.' || folder === '' || GENERIC_FOLDER.test(folder) ? undefined : folder.toLowerCase();
}

/**
 * Whether an image repository is named after a Dockerfile's stem: its last part is the
 * stem or ends with `-stem` / `_stem` (`acme/base`, `acme-base` for `base.Dockerfile`;
 * the suffix only in a local name or for a stem that says base, since a public image such
 * as avtodev/markdown-lint ends with the stem of many a Dockerfile.lint).
 * A bare one-word name equal to the stem (`alpine` for `Dockerfile.alpine`) is an image of
 * Docker Hub more often than the tree's own, so it counts only for a stem that says base; so
 * is a name in a namespace of the same name (`quay.io/centos/centos`, `grafana/grafana`), a
 * vendor's own image, for a Dockerfile in a folder named for the distribution (`centos/`).
 */
function namedAfter(repository: string, stem: string): boolean {
  const parts = repository.split('/');
  const last = parts[parts.length - 1]!;
  if (last === stem && parts.length > 1 && parts[parts.length - 2] === stem) return false;
  // A suffix (acme-base) says this file for a local name, or for a stem that says base: avtodev/markdown-lint is no image of Dockerfile.lint.
  if (last.endsWith(`-${stem}`) || last.endsWith(`_${stem}`)) return !repository.includes('/') || /base/.test(stem);
  return last === stem && (repository.includes('/') || /base/.test(stem));
}

/**
 * The Dockerfiles of the scan built upon a Dockerfile's image (children) and why it is a
 * base image, or undefined when none is. Only a Dockerfile whose final stage has no
 * ENTRYPOINT or CMD of its own is a base (a Dockerfile that sets one is meant to run,
 * whoever else builds on it: no why, but its children still inherit its user), and then
 * only with evidence (ONBUILD triggers are the rule's own, dockerfile/rules.ts): a compose
 * service that builds it and whose image another service takes as an additional build
 * context (`service:NAME`); or another Dockerfile of the scan whose FROM names its image,
 * by the `image:`/`build.tags` of the compose service that builds it or by its own file
 * name (imageRepository, namedAfter), never by the image it is itself built FROM.
 */
function builtUpon(
  input: DockerfileInput & { path: string },
  builds: readonly ComposeBuild[],
  fromRefs: ReadonlyMap<string, string[]>,
  fromNames: ReadonlyMap<string, string[]>,
  stems: ReadonlySet<string>,
): { why?: string; children: Array<{ path: string; image: string }> } | undefined {
  // Every Dockerfile that the evidence shows building on it, with the name it uses; the reason is the first.
  let why: string | undefined;
  const children: Array<{ path: string; image: string }> = [];
  const found = (reason: string, users: readonly string[], image?: string) => {
    why ??= reason;
    if (image !== undefined) for (const user of users) if (!children.some((c) => c.path === user && c.image === image)) children.push({ path: user, image });
  };
  const own = builds.filter((b) => b.dockerfile === input.path);
  const context = own.find((b) => b.contextOfAnother);
  if (context) found(`${context.compose} builds another service on the image of service ${context.service} (additional_contexts service:${context.service})`, []);
  const others = (repository: string) => (fromRefs.get(repository) ?? []).filter((p) => p !== input.path);
  for (const build of own) {
    for (const image of build.images) {
      const repository = imageRepository(image);
      const users = repository === undefined ? [] : others(repository);
      if (users.length > 0) found(`${users[0]} builds FROM ${image}, the image service ${build.service} of ${build.compose} builds from it`, users, repository);
    }
  }
  const stem = dockerfileStem(input.path);
  if (stem !== undefined) {
    const ownBases = new Set(input.file.stages.map((s) => baseImage(input, s)).flatMap((i) => (i === undefined ? [] : [imageRepository(i)])));
    // An image named exactly after another Dockerfile of the scan (base-notebook for images/base-notebook/Dockerfile) is that one's, not this one's (notebook).
    const another = (name: string) => {
      const last = name.slice(name.lastIndexOf('/') + 1);
      return last !== stem && stems.has(last);
    };
    for (const [repository, users] of fromRefs) {
      if (ownBases.has(repository) || !namedAfter(repository, stem) || another(repository)) continue;
      const children = users.filter((p) => p !== input.path);
      if (children.length > 0) found(`${children[0]} builds FROM ${repository}, named like this file`, children, repository);
    }
    // A registry or namespace left to a build argument (FROM ${namespace}/harbor-core-base:${version}):
    // the image's own name still says this file, for a Dockerfile beside it.
    const folder = path.posix.dirname(input.path);
    for (const [name, users] of fromNames) {
      if (!namedAfter(name, stem) || another(name)) continue;
      const children = users.filter((p) => p !== input.path && path.posix.dirname(p) === folder);
      if (children.length > 0) found(`${children[0]} builds FROM .../${name}, named like this file`, children, name);
    }
  }
  if (why === undefined) return undefined;
  // The images built on one that runs itself still inherit its user and are made from this commit.
  return hasOwnStartCommand(input) ? { children } : { why, children };
}

/** The user a Dockerfile's final stage ends with (its last USER, or the one of the stage it is built FROM), expanded. */
function finalUser(input: DockerfileInput): BaseDockerfile['user'] {
  const stage = finalStage(input.file);
  const user = stage ? stageChain(input, stage).map(lastUser).find((u) => u !== undefined) : undefined;
  return user ? { name: expandArgs(user.rest, input.globalArgs).trim(), line: user.line } : undefined;
}

/**
 * What each Dockerfile of the scan needs from the others and from its build context:
 * whether another builds upon its image (builtUpon), the build contexts compose files give
 * it, and the entrypoint scripts it copies from the build context (read through
 * `readContext`, confined to the scan root and bounded; never run).
 *
 * In a scan of staged files (`staged`), what will be committed: the scripts are read from
 * the index (a script there but not read, through a link out of the root or larger than
 * MAX_CONTEXT_SCRIPT, is a warning), and a staged Dockerfile is a base image when a
 * Dockerfile of the index, staged or not, builds upon it.
 */
export async function readDockerfileTree(
  files: readonly WorkspaceFile[],
  options: { read?: ReadText; builds?: readonly ComposeBuild[]; readContext?: ContextReader; listContext?: ContextLister; staged?: StagedIndex; warn?: (message: string, path: string) => void },
): Promise<Map<string, DockerfileScope>> {
  const read = options.read ?? readDirectly;
  const builds = options.builds ?? [];
  const inputs: Array<DockerfileInput & { path: string }> = [];
  for (const file of files) {
    if (inputs.length >= MAX_DOCKERFILES) break;
    if (!isDockerfileName(file.path)) continue;
    const text = await read(file);
    if (text === null) continue;
    const contexts = [...new Set(builds.filter((b) => b.dockerfile === file.path).map((b) => b.context))];
    inputs.push({ ...readDockerfile(text), path: file.path, ...(contexts.length > 0 ? { buildContexts: contexts } : {}) });
  }
  // The Dockerfiles of the index beside the staged ones, for the staged ones that may be a base (no ENTRYPOINT or CMD of their own).
  const beside: Array<DockerfileInput & { path: string }> = [];
  if (options.staged && inputs.length < MAX_DOCKERFILES && inputs.some((input) => !hasOwnStartCommand(input))) {
    const others = await unstagedIndexFiles(files, options.staged, {
      pathspecs: [':(glob,icase)**/*dockerfile*', ':(glob,icase)**/*containerfile*'],
      wanted: isDockerfileName,
      max: MAX_DOCKERFILES - inputs.length,
      what: 'the Dockerfiles that build upon the staged ones are not seen, and a staged base image may be reported',
    });
    for (const other of others) beside.push({ ...readDockerfile(other.text), path: other.path });
  }
  const { bases, builtFrom } = family(inputs, beside, builds);
  const actions = await actionDockerfiles(files, read);
  const scopes = new Map<string, DockerfileScope>();
  let contextReads = 0;
  const context = options.staged ? indexContext(options.staged) : treeContext(options.readContext, options.listContext, options.warn);
  for (const input of inputs) {
    const scope: { -readonly [K in keyof DockerfileScope]: DockerfileScope[K] } = {};
    if (input.buildContexts) scope.buildContexts = input.buildContexts;
    const why = bases.get(input.path)?.why;
    if (why !== undefined) scope.builtUpon = why;
    const from = builtFrom.get(input.path);
    if (from) scope.builtFrom = from;
    const action = actions.get(input.path);
    if (action !== undefined) scope.githubAction = action;
    if (context.read) {
      const texts = new Map<string, string>();
      // The run scripts of the s6 services an s6-overlay image copies, with their s6-rc type (a oneshot's run is its setup, as root).
      const services: string[] = [];
      if (context.list) {
        for (const folder of s6ServiceFolders(input)) {
          for (const service of await context.list(folder)) services.push(`${folder}/${service}/run`, `${folder}/${service}/type`);
        }
      }
      for (const wanted of [...entrypointFiles(input), ...services]) {
        if (contextReads >= MAX_CONTEXT_FILES) break;
        contextReads++;
        const text = await context.read(wanted, input.path);
        if (text !== undefined) texts.set(wanted, text);
      }
      if (texts.size > 0) scope.contextFiles = texts;
    }
    if (Object.keys(scope).length > 0) scopes.set(input.path, scope);
  }
  return scopes;
}

/**
 * Which Dockerfile of `inputs` is built upon by another of `inputs` or `beside` (builtUpon),
 * and for each Dockerfile of `inputs`, the ones of `inputs` whose images it builds FROM.
 */
function family(
  inputs: ReadonlyArray<DockerfileInput & { path: string }>,
  beside: ReadonlyArray<DockerfileInput & { path: string }>,
  builds: readonly ComposeBuild[],
): { bases: Map<string, ReturnType<typeof builtUpon>>; builtFrom: Map<string, BaseDockerfile[]> } {
  // Image repositories named in FROM, and the Dockerfiles that name them; the names of those whose namespace is a variable.
  const fromRefs = new Map<string, string[]>();
  const fromNames = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, user: string) => {
    const users = map.get(key) ?? [];
    if (!users.includes(user)) users.push(user);
    map.set(key, users);
  };
  for (const input of [...inputs, ...beside]) {
    for (const stage of input.file.stages) {
      const image = baseImage(input, stage);
      const repository = image === undefined ? undefined : imageRepository(image);
      if (repository !== undefined && repository !== 'scratch') add(fromRefs, repository, input.path);
      const name = image === undefined || repository !== undefined ? undefined : imageNameAfterVariable(image);
      if (name !== undefined) add(fromNames, name, input.path);
    }
  }
  // What builds upon what: a base's children learn its path and the user it ends with (a child that sets no USER runs as that user).
  const stems = new Set([...inputs, ...beside].flatMap((input) => dockerfileStem(input.path) ?? []));
  const bases = new Map(inputs.map((input) => [input.path, builtUpon(input, builds, fromRefs, fromNames, stems)] as const));
  const builtFrom = new Map<string, BaseDockerfile[]>();
  for (const input of inputs) {
    const user = finalUser(input);
    for (const child of bases.get(input.path)?.children ?? []) {
      const list = builtFrom.get(child.path) ?? [];
      list.push({ image: child.image, path: input.path, ...(user ? { user } : {}) });
      builtFrom.set(child.path, list);
    }
  }
  return { bases, builtFrom };
}

/**
 * For each Dockerfile of a set (texts by path, such as the files posture sees), the
 * Dockerfiles of the same set whose images it builds FROM, matched as the scan's Dockerfile
 * rules match them (readDockerfileTree, without compose files): FROM acme/base or
 * `ARG BASE=$REGISTRY/$OWNER/base` + `FROM $BASE` on images/base/Dockerfile. Dockerfiles
 * built from none are absent; ask of one image with builtInSet (model.ts).
 */
export function dockerfilesBuiltFrom(texts: ReadonlyMap<string, string>): Map<string, BaseDockerfile[]> {
  const inputs = [...texts].filter(([file]) => isDockerfileName(file)).slice(0, MAX_DOCKERFILES).map(([file, text]) => ({ ...readDockerfile(text), path: file }));
  return family(inputs, [], []).builtFrom;
}

const ACTION_FILE = /(?:^|\/)action\.ya?ml$/;

/**
 * The Dockerfiles that GitHub Actions builds and runs as Docker container actions, each with
 * the action file that runs it: an action.yml (or action.yaml) of the scan whose runs.using is
 * docker and whose runs.image names a Dockerfile, relative to the action's folder (an image
 * of a registry, docker://..., is built elsewhere).
 */
async function actionDockerfiles(files: readonly WorkspaceFile[], read: ReadText): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of files) {
    if (!ACTION_FILE.test(file.path)) continue;
    const content = await read(file);
    if (content === null || !/\bdocker\b/i.test(content)) continue;
    const runs = get(loadYamlCached(content).documents[0]?.root, 'runs');
    const image = scalarText(get(runs, 'image'));
    if (scalarText(get(runs, 'using'))?.toLowerCase() !== 'docker' || image === undefined || /^docker:\/\//.test(image)) continue;
    const dockerfile = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), image.trim()));
    if (!dockerfile.startsWith('../')) out.set(dockerfile, file.path);
  }
  return out;
}

/** The build context in the working tree: a file that is there but not read (a link out of the root, too large) is said once per file. */
function treeContext(
  read: ContextReader | undefined,
  list: ContextLister | undefined,
  warn: ((message: string, path: string) => void) | undefined,
): { read?: (wanted: string, dockerfile: string) => Promise<string | undefined>; list?: ContextLister } {
  const warned = new Set<string>();
  return {
    ...(read
      ? {
          read: async (wanted: string, dockerfile: string) =>
            read(wanted, (why) => {
              if (warned.has(wanted)) return;
              warned.add(wanted);
              warn?.(`${wanted}, which ${dockerfile} copies from its build context, ${why}; it was not read, so whether the image drops root there is not known.`, wanted);
            }),
        }
      : {}),
    ...(list ? { list } : {}),
  };
}

/**
 * The build context as the index holds it, for a scan of staged files: files read by
 * readIndexText (bounded by MAX_CONTEXT_SCRIPT; what is there but not read is said once
 * per file), folders listed by indexFolderNames. After a failure of git, nothing more is read.
 */
function indexContext(staged: StagedIndex): { read: (wanted: string, dockerfile: string) => Promise<string | undefined>; list: ContextLister } {
  let failed = false;
  const warned = new Set<string>();
  return {
    read: async (wanted, dockerfile) => {
      if (failed) return undefined;
      const found = await readIndexText(staged, wanted, MAX_CONTEXT_SCRIPT, (why, gitFailed) => {
        if (gitFailed) failed = true;
        if (warned.has(wanted)) return;
        warned.add(wanted);
        staged.warn(`${wanted}, which ${dockerfile} copies from its build context, ${why}; it was not read from the index, so whether the image drops root there is not known.`, wanted);
      });
      return found?.text;
    },
    list: async (folder) => {
      if (failed) return [];
      try {
        return await indexFolderNames(staged, folder, MAX_CONTEXT_LISTING);
      } catch (error) {
        failed = true;
        staged.warn(`could not list ${folder} in the index (${(error as Error).message.split('\n')[0]}): the s6 services an image copies from it are not read.`, folder);
        return [];
      }
    },
  };
}

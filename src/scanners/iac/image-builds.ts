import type { WorkspaceFile } from '../../workspace/files.js';
import { imageRepository } from './dockerfile/model.js';
import { parseImage } from './image.js';
import { commandsOf, joinContinuations } from './shell.js';
import { unstagedIndexFiles, type StagedIndex } from './staged-index.js';
import type { ReadText } from './texts.js';
import { loadYamlCached } from './yaml/cache.js';
import { get, isYMap, items, text as scalarText, type YamlLoadResult } from './yaml/tree.js';

/**
 * Images the repository builds itself from its Makefiles, shell scripts and CI files: the
 * names `docker build -t web ...` (also `docker buildx build`, `docker image build`,
 * `podman build`, `nerdctl build`, `buildah bud`) gives them, or the `tags` of a GitHub
 * workflow's docker/build-push-action step. A compose service or Kubernetes container that runs
 * such an image by that name and tag runs what the repository has just built, not
 * something pulled from a registry (nginx-proxy's tests run `image: web`, which its Makefile
 * builds; a kubebuilder operator's manifests run `controller:latest`, its Makefile's `IMG`). Only a name written out counts, or one a Makefile's variable set once to a written
 * value gives (`-t $(IMG)`); `-t $TAG` in a script is not known. Nothing is run.
 */

/** The files read for builds: Makefiles, shell scripts, GitHub workflows, GitLab CI files. */
const MAKEFILE = /^(?:gnu)?makefile$|\.mk$/i;
const SCRIPT = /\.(?:sh|bash)$/i;
const CI_FILE = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$|(?:^|[/.])gitlab-ci\.ya?ml$/i;

const basenameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** A file that may build an image the compose files run, read for its `docker build -t` only. */
export function isImageBuildFile(path: string): boolean {
  return MAKEFILE.test(basenameOf(path)) || SCRIPT.test(path) || CI_FILE.test(path);
}

/** A Makefile or shell script: read as context only (isImageBuildFile's CI files are analysed as themselves). */
export function isBuildScriptFile(path: string): boolean {
  return MAKEFILE.test(basenameOf(path)) || SCRIPT.test(path);
}

const BUILD = /\b(?:docker|podman|nerdctl)\s+(?:(?:buildx|image)\s+)?build\b|\bbuildah\s+(?:bud|build)\b/;

/** Characters of one file read, and of all of them. */
const MAX_FILE = 1024 * 1024;
const MAX_CHARS = 16 * 1024 * 1024;
/** Files of the index read beside staged files, at most. */
const MAX_STAGED_FILES = 200;

/** A Makefile's plain assignment at the start of a line: `IMAGE = web`, `IMAGE := web`, `IMAGE ?= web`. */
const MAKE_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:::?|\?)?=\s*(.*?)\s*$/;

/**
 * The variables a Makefile sets once, to a value written out (`IMAGE ?= web`: its default),
 * for `docker build -t $(IMAGE)`; one set twice, or to what holds a reference, is not known.
 */
function makeVariables(lines: readonly string[]): Map<string, string> {
  const values = new Map<string, string | undefined>();
  for (const line of lines) {
    const assignment = MAKE_ASSIGNMENT.exec(line);
    if (!assignment) continue;
    const [, name, value] = assignment;
    values.set(name!, values.has(name!) || value!.includes('$') || value === '' ? undefined : value);
  }
  return new Map([...values].flatMap(([name, value]) => (value === undefined ? [] : [[name, value] as [string, string]])));
}

/**
 * The image names the build commands of a text tag, as written (`web`, `acme/app:test`); a
 * line continued with `\` is one. `makefile`: the text is a Makefile, whose variables set
 * once to a value written out fill `$(NAME)` and `${NAME}` (`$(CONTAINER_TOOL) build -t $(IMG)`).
 */
export function buildTags(text: string, makefile = false): string[] {
  const tags: string[] = [];
  const lines = joinContinuations(text).split(/\r?\n/);
  const variables = makefile ? makeVariables(lines) : new Map<string, string>();
  for (let line of lines) {
    if (/^\s*#/.test(line)) continue;
    if (variables.size > 0) line = line.replace(/\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]/g, (ref, name: string) => variables.get(name) ?? ref);
    const build = BUILD.exec(line);
    if (!build) continue;
    const words = commandsOf(line.slice(build.index))[0]?.words ?? [];
    for (let k = 0; k < words.length; k++) {
      const word = words[k]!.text;
      const tag = word === '-t' || word === '--tag' ? words[++k]?.text : /^(?:--tag=|-t)(.+)$/.exec(word)?.[1];
      if (tag !== undefined && tag !== '' && !parseImage(tag).templated && !tag.startsWith('-')) tags.push(tag);
    }
  }
  return tags;
}

const WORKFLOW = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i;

/** The tags of a GitHub workflow's docker/build-push-action steps (`tags: web` or a list, by newlines or commas), as written. */
export function buildPushActionTags(source: string, load: (source: string) => YamlLoadResult = loadYamlCached): string[] {
  if (!source.includes('docker/build-push-action')) return [];
  const tags: string[] = [];
  for (const doc of load(source).documents) {
    const jobs = get(doc.root, 'jobs');
    for (const job of isYMap(jobs) ? jobs.pairs : []) {
      for (const step of items(get(job.value, 'steps'))) {
        if (!scalarText(get(step, 'uses'))?.startsWith('docker/build-push-action@')) continue;
        const written = get(step, 'with', 'tags');
        const values = isYMap(written) ? [] : [scalarText(written), ...items(written).map((item) => scalarText(item))];
        for (const value of values) for (const tag of value?.split(/[,\n]/) ?? []) if (tag.trim() !== '' && !parseImage(tag.trim()).templated) tags.push(tag.trim());
      }
    }
  }
  return tags;
}

/** An image reference as the key of what it names: repository and tag (`web:latest` for `web`); undefined while a variable or a digest is in it. */
export function builtImageKey(reference: string): string | undefined {
  const parsed = parseImage(reference);
  const repository = imageRepository(reference);
  if (parsed.templated || parsed.digest || repository === undefined) return undefined;
  return `${repository}:${(parsed.tag ?? 'latest').toLowerCase()}`;
}

/**
 * The images (builtImageKey) the scan's Makefiles, scripts and CI files build with a name of their own, with the file that builds each.
 * `load`: how a workflow is parsed (the scan's parses, which the loop analyses it with); `staged`: in a scan of
 * staged files, the index, whose files beside them are read too.
 */
export async function imagesBuiltByScripts(
  files: readonly WorkspaceFile[],
  read: ReadText,
  warn: (message: string, path: string) => void,
  load: (path: string, source: string) => YamlLoadResult = (_, source) => loadYamlCached(source),
  staged?: StagedIndex,
): Promise<Map<string, string>> {
  const built = new Map<string, string>();
  const note = (path: string, text: string) => {
    const makefile = MAKEFILE.test(basenameOf(path));
    const tags = [...(BUILD.test(text) || makefile ? buildTags(text, makefile) : []), ...(WORKFLOW.test(path) ? buildPushActionTags(text, (source) => load(path, source)) : [])];
    for (const tag of tags) {
      const key = builtImageKey(tag);
      if (key !== undefined && !built.has(key)) built.set(key, path);
    }
  };
  let budget = MAX_CHARS;
  for (const file of files) {
    if (!isImageBuildFile(file.path) || (file.size !== undefined && file.size > MAX_FILE)) continue;
    if (budget <= 0) {
      warn(`the scan's Makefiles, scripts and CI files hold more than ${MAX_CHARS / 1024 / 1024} MB: from this one on the images they build are not known, and compose and Kubernetes images of those names are judged as pulled`, file.path);
      break;
    }
    const text = await read(file);
    if (text === null || text.length > MAX_FILE) continue;
    budget -= text.length;
    note(file.path, text);
  }
  // A commit that stages a compose file is judged with the Makefiles, scripts and workflows that will be committed beside it.
  if (staged && files.some((file) => file.fromIndex)) {
    const others = await unstagedIndexFiles(files, staged, {
      pathspecs: [':(glob)**/Makefile', ':(glob)**/makefile', ':(glob)**/GNUmakefile', ':(glob)**/*.mk', ':(glob)**/*.sh', ':(glob)**/*.bash', ':(glob)**/.github/workflows/*', ':(glob)**/*gitlab-ci.yml', ':(glob)**/*gitlab-ci.yaml'],
      wanted: isImageBuildFile,
      max: MAX_STAGED_FILES,
      what: 'the images the Makefiles, scripts and CI files build are not known, and compose and Kubernetes images of those names are judged as pulled',
    });
    for (const other of others) if (other.text.length <= MAX_FILE) note(other.path, other.text);
  }
  return built;
}

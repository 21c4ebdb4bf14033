import type { WorkspaceFile } from '../../../workspace/files.js';
import { picomatchPackage } from '../../../core/packages.js';
import { basenameOf } from '../detect.js';
import { parseImage, registryHost } from '../image.js';
import { unstagedIndexFiles, type StagedIndex } from '../staged-index.js';
import type { ReadText } from '../texts.js';
import { readSkaffold, SKAFFOLD_FILE } from './skaffold.js';
import { isTiltfile, readTiltfile } from './tiltfile.js';

/**
 * Images the repository builds itself and deploys with a development tool (skaffold,
 * Tilt): the manifests name them by a bare name (`image: adservice`) that the tool
 * replaces, when it deploys them, with the image it has just built, tagged and pinned by
 * digest. Such a container is judged on what runs, as kustomize's `images:` are
 * (model.ts deployedImage): its written name says nothing about pinning. A manifest the
 * tool does not deploy keeps its findings.
 */

export interface BuiltImages {
  /** Image names the tool builds (`adservice`, `registry.example.org/team/app`). */
  names: readonly string[];
  tool: 'skaffold' | 'Tilt';
  /** The file that builds them and deploys the manifest (`skaffold.yaml`, `dev/Tiltfile`). */
  from: string;
}

/** Characters of one skaffold file or Tiltfile read, and of all of them. */
const MAX_FILE = 1024 * 1024;
const MAX_CHARS = 8 * 1024 * 1024;

export interface DevDeployments {
  /** Manifest files (from the scan root) a tool of the scan deploys, with the images it builds. */
  files: Map<string, BuiltImages>;
  /** Helm chart directories a tool of the scan deploys, with the images it builds. */
  charts: Map<string, BuiltImages>;
}

interface Deploy {
  from: string;
  tool: BuiltImages['tool'];
  artifacts: string[];
  manifests: string[];
  kustomizeDirs: string[];
  charts: string[];
}

function isDevToolFile(path: string): boolean {
  return SKAFFOLD_FILE.test(basenameOf(path)) || isTiltfile(path);
}

export { isTiltfile };

/**
 * The skaffold configurations and Tiltfiles of the scan, and what they deploy. In a scan
 * of staged files, those of the index in the folders above a staged YAML file are read
 * too, staged or not.
 */
export async function readDevDeployments(
  files: readonly WorkspaceFile[],
  read: ReadText,
  /** The files the kustomization in a directory builds (kustomize.ts), undefined without one. */
  builtAt: (dir: string) => readonly string[] | undefined,
  options: { staged?: StagedIndex; warn: (message: string, path?: string) => void },
): Promise<DevDeployments> {
  const sources: Array<{ path: string; text: string }> = [];
  let budget = MAX_CHARS;
  for (const file of files) {
    if (!isDevToolFile(file.path) || (file.size !== undefined && file.size > MAX_FILE)) continue;
    if (budget <= 0) {
      options.warn(`the scan's skaffold files and Tiltfiles hold more than ${MAX_CHARS / 1024 / 1024} MB: from this one on they are not read, and the images they build are judged as their manifests write them`, file.path);
      break;
    }
    const text = await read(file);
    if (text === null || text.length > MAX_FILE) continue;
    budget -= text.length;
    sources.push({ path: file.path, text });
  }
  const stagedYaml = files.filter((f) => f.fromIndex && /\.ya?ml$/i.test(f.path));
  if (options.staged && stagedYaml.length > 0) {
    const dirs = new Set<string>();
    for (const file of stagedYaml) for (let dir = file.path; dir.includes('/'); ) dirs.add((dir = dir.slice(0, dir.lastIndexOf('/'))));
    dirs.add('');
    const specs = [...dirs].flatMap((dir) => ['skaffold.yaml', 'skaffold.yml', 'Tiltfile'].map((name) => `:(literal)${dir === '' ? '' : `${dir}/`}${name}`));
    const held = new Set(sources.map((s) => s.path));
    for (const other of await unstagedIndexFiles(files, options.staged, { pathspecs: specs, wanted: (p) => !held.has(p), max: 64, what: 'the images skaffold and Tilt build are judged as the manifests write them' })) {
      if (other.text.length <= MAX_FILE) sources.push(other);
    }
  }
  const deploys: Deploy[] = [];
  for (const { path, text } of sources.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (isTiltfile(path)) deploys.push({ from: path, tool: 'Tilt', charts: [], ...readTiltfile(path, text) });
    else {
      const skaffold = readSkaffold(path, text);
      if (skaffold) deploys.push({ from: path, tool: 'skaffold', ...skaffold });
    }
  }
  const out: DevDeployments = { files: new Map(), charts: new Map() };
  const paths = files.map((file) => file.path).filter((p) => /\.(?:ya?ml|json)$/i.test(p));
  const add = (into: Map<string, BuiltImages>, at: string, deploy: Deploy) => {
    const known = into.get(at);
    // Deployed by two tools (or configurations): either may deploy it, each with its own images.
    into.set(at, known ? { ...known, names: [...new Set([...known.names, ...deploy.artifacts])] } : { names: deploy.artifacts, tool: deploy.tool, from: deploy.from });
  };
  for (const deploy of deploys) {
    if (deploy.artifacts.length === 0) continue;
    if (deploy.manifests.length > 0) {
      const matches = picomatchPackage()(deploy.manifests.filter((glob) => glob !== ''));
      for (const file of paths) if (matches(file)) add(out.files, file, deploy);
    }
    for (const dir of deploy.kustomizeDirs) for (const file of builtAt(dir) ?? []) add(out.files, file, deploy);
    for (const chart of deploy.charts) add(out.charts, chart, deploy);
  }
  return out;
}

/**
 * Whether the tool puts its own build in place of the image `ref` (as the manifest
 * writes it, or as kustomize set it): skaffold when the name, tag aside, is an artifact's
 * (images.go: never one written with a digest); Tilt when the names are one image's as
 * Docker reads names (`app` is `docker.io/library/app`).
 */
export function isBuiltImage(ref: string, built: BuiltImages): boolean {
  const parsed = parseImage(ref);
  if (parsed.templated || parsed.digest || parsed.name === '') return false;
  const name = parsed.name.replace(/^ko:\/\//, '').toLowerCase();
  if (built.tool === 'skaffold') return built.names.some((artifact) => artifact.toLowerCase() === name);
  return built.names.some((artifact) => dockerName(parseImage(artifact).name) === dockerName(name));
}

/** An image name as Docker reads it: `app` is `docker.io/library/app`, `team/app` is `docker.io/team/app`. */
function dockerName(name: string): string {
  const lower = name.toLowerCase();
  const full = registryHost(lower) !== undefined ? lower : `docker.io/${lower.includes('/') ? lower : `library/${lower}`}`;
  return full.replace(/^index\.docker\.io\//, 'docker.io/');
}

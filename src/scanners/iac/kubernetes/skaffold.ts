import { loadYamlCached } from '../yaml/cache.js';
import { get, isYMap, items, text, type YNode } from '../yaml/tree.js';
import { writtenScanPath } from '../../../workspace/relative-path.js';

/**
 * A skaffold configuration (`skaffold.yaml`): the images it builds and the manifests it
 * deploys. Skaffold builds each artifact of `build.artifacts`, tags it and, when it
 * deploys a manifest, replaces every container image whose name (tag aside, never one
 * written with a digest) is an artifact's with the image it built, by digest
 * (pkg/skaffold/kubernetes/manifest/images.go). What it deploys: `manifests.rawYaml`
 * (globs), `manifests.kustomize.paths` and `manifests.helm.releases[].chartPath`
 * (skaffold/v3 and v4), or `deploy.kubectl.manifests`, `deploy.kustomize.paths` (`path`
 * in v1) and `deploy.helm.releases[].chartPath` (v1, v2); without any of these, the
 * default `k8s/*.yaml`. Every document of the file (each a config of a multi-config
 * project) and every profile counts, with the additions of profiles' JSON patches to
 * these lists. This is a reader only: the file is parsed by the shared YAML reader
 * (bounded, alias bombs refused), nothing of it is run.
 */

export interface SkaffoldDeploy {
  /** Image names of the artifacts it builds, as written (`adservice`, `registry.example.org/team/app`). */
  artifacts: string[];
  /** Globs of manifest files, from the scan root. */
  manifests: string[];
  /** Directories of kustomizations it builds, from the scan root ('' for the root). */
  kustomizeDirs: string[];
  /** Directories of the Helm charts it deploys, from the scan root. */
  charts: string[];
}

export const SKAFFOLD_FILE = /^skaffold(?:[-.][\w.-]*)?\.ya?ml$/i;

/** The skaffold file's deployments, or undefined when the text is no skaffold configuration (`apiVersion: skaffold/...`). */
export function readSkaffold(path: string, source: string): SkaffoldDeploy | undefined {
  if (!/^\s*["']?apiVersion["']?\s*:\s*["']?skaffold\//m.test(source)) return undefined;
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const out: SkaffoldDeploy = { artifacts: [], manifests: [], kustomizeDirs: [], charts: [] };
  let configs = 0;
  const relative = (written: string | undefined) => writtenScanPath(dir, written);
  const addArtifacts = (list: readonly YNode[]) => {
    for (const artifact of list) {
      const image = text(get(artifact, 'image'))?.trim();
      if (image && !/\{\{|\$/.test(image)) out.artifacts.push(image);
    }
  };
  const addManifests = (list: readonly YNode[]) => {
    for (const entry of list) {
      const glob = relative(text(entry));
      if (glob !== undefined) out.manifests.push(glob);
    }
  };
  const addKustomize = (list: readonly YNode[]) => {
    for (const entry of list) {
      const at = relative(text(entry));
      if (at !== undefined) out.kustomizeDirs.push(at);
    }
  };
  const addCharts = (releases: YNode | undefined) => {
    for (const release of items(releases)) {
      const at = relative(text(get(release, 'chartPath')));
      if (at !== undefined) out.charts.push(at);
    }
  };
  /** A config, or a profile of it: what it builds and deploys; whether it names any deployment (else kubectl's default manifests). */
  const read = (node: YNode) => {
    addArtifacts(items(get(node, 'build', 'artifacts')));
    const manifests = get(node, 'manifests');
    const deploy = get(node, 'deploy');
    addManifests(items(get(manifests, 'rawYaml')));
    addManifests(items(get(deploy, 'kubectl', 'manifests')));
    for (const kustomize of [get(manifests, 'kustomize'), get(deploy, 'kustomize')]) {
      if (kustomize === undefined) continue;
      const paths = [...items(get(kustomize, 'paths')), ...(get(kustomize, 'path') ? [get(kustomize, 'path')!] : [])];
      // Without paths, the kustomization of the config's own folder.
      if (paths.length > 0) addKustomize(paths);
      else if (isYMap(kustomize) || text(kustomize) === undefined) out.kustomizeDirs.push(dir);
    }
    addCharts(get(manifests, 'helm', 'releases'));
    addCharts(get(deploy, 'helm', 'releases'));
    const names = (['rawYaml', 'kustomize', 'helm', 'kpt'] as const).some((key) => get(manifests, key) !== undefined) ||
      get(deploy, 'kubectl', 'manifests') !== undefined ||
      (['kustomize', 'helm', 'kpt', 'docker', 'cloudrun'] as const).some((key) => get(deploy, key) !== undefined);
    for (const patch of items(get(node, 'patches'))) readPatch(patch);
    return names;
  };
  /** A profile's JSON patch that adds artifacts or manifests (`op: add`, `path: /manifests/rawYaml/1`). */
  const readPatch = (patch: YNode) => {
    const op = text(get(patch, 'op'));
    const at = text(get(patch, 'path'));
    const value = get(patch, 'value');
    if ((op !== 'add' && op !== 'replace') || at === undefined || value === undefined) return;
    const list = (node: YNode) => (isYMap(node) || text(node) !== undefined ? [node] : items(node));
    const under = (prefix: string) => new RegExp(`^${prefix}(?:/(?:\\d+|-))?$`).test(at);
    if (under('/build/artifacts')) addArtifacts(list(value));
    else if (under('/manifests/rawYaml') || under('/deploy/kubectl/manifests')) addManifests(list(value));
    else if (under('/manifests/kustomize/paths') || under('/deploy/kustomize/paths')) addKustomize(list(value));
  };
  for (const document of loadYamlCached(source).documents) {
    const root = document.root;
    if (!isYMap(root) || !/^skaffold\//.test(text(get(root, 'apiVersion')) ?? '')) continue;
    configs++;
    // A config that names no deployment deploys kubectl's default manifests (a profile without its own keeps the config's).
    if (!read(root)) out.manifests.push(relative('k8s/*.yaml')!);
    for (const profile of items(get(root, 'profiles'))) if (isYMap(profile)) read(profile);
  }
  if (configs === 0) return undefined;
  const unique = (list: string[]) => [...new Set(list)];
  return { artifacts: unique(out.artifacts), manifests: unique(out.manifests), kustomizeDirs: unique(out.kustomizeDirs), charts: unique(out.charts) };
}

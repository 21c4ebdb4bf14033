import path from 'node:path';
import type { WorkspaceFile } from '../../../workspace/files.js';
import type { Git } from '../../../workspace/git.js';
import { unstagedIndexFiles } from '../staged-index.js';
import type { ScannerFinding } from '../../../core/finding.js';
import type { ScanWarning } from '../../scanner.js';
import { analyseFile } from '../analyse.js';
import { findingsOnWrittenValues } from '../written-values.js';
import { duplicateKeyMessage, get, isYMap, type YMap, movedDuplicateKeyMessage, isYScalar, items, pair, text, type YamlLoadResult, type YNode } from '../yaml/tree.js';
import { containerLabel, readKubernetes, type Container } from './model.js';
import { apiVersionOf, asJsonPatch, jsonPatchFindings, patchTarget, type PatchAnalysis, type PatchTarget } from './json-patch.js';
import { loadYamlCached } from '../yaml/cache.js';
import { strategicDeleteFindings } from './strategic-merge.js';
import { gitopsNamespaces, type GitopsTarget } from './gitops.js';
import { readDirectly, type ReadText } from '../texts.js';

/**
 * Kustomize patches. An overlay's `kustomization.yaml` names files that patch the
 * resources of its bases (`patches: [{ path: ... }]`, `patchesStrategicMerge`,
 * `patchesJson6902`). A strategic-merge patch looks like a manifest but holds only what
 * it changes: read as a whole object it would be missing its security context, limits
 * and the rest, which come from the base (itself analysed). So in a patch only the
 * findings on a value the patch writes are kept (`privileged: true`, `image: app:latest`,
 * an entry `- SYS_ADMIN`); a finding about a setting the patch leaves out, which is
 * reported on a block's line, belongs to the base.
 */

const KUSTOMIZATION = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;

export function isKustomization(filePath: string): boolean {
  return KUSTOMIZATION.test(filePath);
}

/** What the kustomizations of a scan say about its other files. */
export interface Kustomizations {
  /**
   * Files named as patches (scan-relative paths), with each entry that names them: the target
   * it gives and the kustomization it is in. A file named by several entries (one patch for
   * several targets, or several overlays) is applied by each of them.
   */
  patches: Map<string, PatchUse[]>;
  /**
   * Files listed as resources, directly or through bases, by a kustomization that sets
   * `namespace:`, and files a Flux Kustomization or Argo CD Application of the scan deploys
   * into a namespace (gitops.ts).
   */
  namespaces: Map<string, KustomizeNamespace>;
  /** Files listed as resources, directly or through bases, by a kustomization with `images:` overrides. */
  images: Map<string, KustomizeImages>;
  /** The containers of the objects a kustomization's resources declare, by kustomization path (see BaseContainers). */
  baseContainers: Map<string, BaseContainers>;
  /** The objects a kustomization's resources declare, by kustomization path (see BaseObjects). */
  baseObjects: Map<string, BaseObjects>;
  /** The resource files the kustomization in a directory ('' for the root) builds, through its bases; undefined without one. */
  builtAt(dir: string): readonly string[] | undefined;
  /** The `images:` overrides a kustomization (by path) applies to what it builds, its patches' containers included; undefined without any. */
  imagesOf(kustomization: string): KustomizeImages | undefined;
  /**
   * The builds that deploy a resource file, each as the patches it applies on the way, in order (overlaid.ts);
   * undefined when none of them patches anything.
   */
  deployedBy(file: string): PatchStep[][] | undefined;
}

/**
 * A patch as a kustomization applies it: its text (a file's, or written inline) and its entry's target;
 * no text when the file could not be read (what it does is unknown).
 */
export interface PatchStep {
  text: string | undefined;
  target?: PatchTarget;
  /** The patch file the text is read from (not for an inline patch): the judgement of a base reads the scan's parse of it (overlaid.ts). */
  file?: string;
}

/**
 * The namespace a deployment gives the objects of a file, and where that is said. kustomize's
 * `namespace:` and Flux's `targetNamespace` replace the namespace an object writes
 * (`overrides`); an Argo CD Application's destination is only for objects that write none.
 */
export interface KustomizeNamespace {
  namespace: string;
  from: string;
  overrides?: boolean;
}

/** One entry of a kustomization that applies a patch file. */
export interface PatchUse {
  target?: PatchTarget;
  kustomization: string;
}

/**
 * The containers of each object (`Deployment/web`) that a kustomization builds from its
 * resources, in the order of their lists. A strategic-merge patch merges its containers
 * into these by name: a container the base lacks is new, and everything about it is the
 * patch's own. A JSON 6902 patch names them by index (`/spec/template/spec/containers/0/env/1/value`):
 * the names of their environment variables tell what such a path writes.
 */
export type BaseContainers = ReadonlyMap<string, readonly BaseContainer[]>;

/**
 * The objects (`Deployment/web`, as written in the base) that a kustomization's patches change:
 * a JSON 6902 `remove` takes away what the base sets, so the patched object is judged as the
 * base less what the patch removes (json-patch.ts).
 */
export type BaseObjects = ReadonlyMap<string, YMap>;

export interface BaseContainer {
  list: Container['list'];
  name: string;
  /** Names of the entries of its `env`, by index ('' for an entry without a name). */
  env: readonly string[];
}

/**
 * Reads the kustomizations of the scan. In a scan of staged files, the kustomizations of
 * the index beside a staged YAML file are read too, whether staged or not (a pre-commit
 * hook that changes only a patch).
 */
export async function readKustomizations(
  files: readonly WorkspaceFile[],
  git: Git | null,
  warn: (message: string) => void,
  /** The Flux Kustomizations and Argo CD Applications of the scan (deployers.ts). */
  targets: readonly GitopsTarget[],
  readText: ReadText = readDirectly,
  /** How a file is parsed: the scan's parses (yaml/parses.ts), one for these passes and the scan loop; the YAML cache without it. */
  loadYaml: (path: string, text: string) => YamlLoadResult = (_, text) => loadYamlCached(text),
): Promise<Kustomizations> {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const sources: Array<{ path: string; text: string }> = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (!isKustomization(file.path)) continue;
    const source = await readText(file);
    seen.add(file.path);
    if (source !== null) sources.push({ path: file.path, text: source });
  }
  const stagedDirs = [...new Set(files.filter((f) => f.fromIndex && /\.ya?ml$/i.test(f.path)).map((f) => path.posix.dirname(f.path)))];
  if (git && stagedDirs.length > 0) {
    const specs = stagedDirs.flatMap((dir) => ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => `:(literal)${dir === '.' ? '' : `${dir}/`}${name}`));
    const others = await unstagedIndexFiles(files, { git, warn }, { pathspecs: specs, wanted: (p) => !seen.has(p), what: 'staged patches are checked as whole manifests' });
    for (const other of others) {
      seen.add(other.path);
      sources.push(other);
    }
  }
  const patches = new Map<string, PatchUse[]>();
  const withPatches: Array<{ path: string }> = [];
  for (const { path: at, text: source } of sources) {
    const entries = patchEntries(source, (text) => loadYaml(at, text));
    if (entries.length > 0 || inlinePatches(source).length > 0) withPatches.push({ path: at });
    for (const patch of entries) {
      const resolved = inScan(at, patch.path);
      if (resolved === undefined) continue;
      const uses = patches.get(resolved) ?? patches.set(resolved, []).get(resolved)!;
      const use: PatchUse = { ...(patch.target ? { target: patch.target } : {}), kustomization: at };
      if (!uses.some((u) => u.kustomization === at && JSON.stringify(u.target) === JSON.stringify(use.target))) uses.push(use);
    }
  }
  const built = buildsOf(sources, loadYaml);
  const baseContainers = new Map<string, BaseContainers>();
  const baseObjects = new Map<string, BaseObjects>();
  if (withPatches.length > 0) {
    const read = new Map<string, { containers: Map<string, BaseContainer[]>; objects: Map<string, YMap> }>();
    let budget = MAX_BASE_CHARS;
    for (const kustomization of withPatches) {
      const containers = new Map<string, BaseContainer[]>();
      const objects = new Map<string, YMap>();
      for (const file of baseFilesOf(kustomization.path, built)) {
        let own = read.get(file);
        if (!own) {
          const base = budget > 0 ? byPath.get(file) : undefined;
          const text = base ? await readText(base) : undefined;
          budget -= text?.length ?? 0;
          own = text ? containersOfManifests(text, (source) => loadYaml(file, source)) : { containers: new Map(), objects: new Map() };
          read.set(file, own);
        }
        // An object declared twice is an error of kustomize build; the first declaration is kept.
        for (const [object, list] of own.containers) if (!containers.has(object)) containers.set(object, list);
        for (const [object, root] of own.objects) if (!objects.has(object)) objects.set(object, root);
      }
      // Without any base object the merge is unknown: patches are judged on the values they write alone.
      if (containers.size > 0) baseContainers.set(kustomization.path, containers);
      if (objects.size > 0) baseObjects.set(kustomization.path, objects);
    }
  }
  // The text of every patch, for the builds that deploy a base (deployedBy).
  const steps = new Map<string, PatchStep[]>();
  let patchBudget = MAX_BASE_CHARS;
  for (const { path: at, text: source } of sources) {
    const own: PatchStep[] = [];
    for (const entry of patchEntries(source, (text) => loadYaml(at, text))) {
      const resolved = inScan(at, entry.path);
      const file = resolved === undefined ? undefined : byPath.get(resolved);
      const patch = file && patchBudget > 0 ? await readText(file) : undefined;
      patchBudget -= patch?.length ?? 0;
      own.push({ text: patch ?? undefined, ...(entry.target ? { target: entry.target } : {}), ...(patch && resolved !== undefined ? { file: resolved } : {}) });
    }
    for (const inline of inlinePatches(source)) own.push({ text: inline.text, ...(inline.target ? { target: inline.target } : {}) });
    if (own.length > 0) steps.set(at, own);
  }
  const deployedBy = deployments(built, steps, targets, files.map((f) => f.path));
  const namespaces = resourceNamespaces(built);
  const builtByDir = new Map([...built].map(([at, build]) => [path.posix.dirname(at) === '.' ? '' : path.posix.dirname(at), build.files]));
  const builtAt = (dir: string) => builtByDir.get(dir);
  // Flux Kustomizations and Argo CD Applications give the manifests they deploy a namespace too; a kustomization's own wins.
  if (targets.length > 0) {
    for (const [file, namespace] of gitopsNamespaces(targets, files.map((f) => f.path), builtAt)) if (!namespaces.has(file)) namespaces.set(file, namespace);
  }
  const imagesOf = (kustomization: string): KustomizeImages | undefined => {
    const images = built.get(kustomization)?.images ?? [];
    return images.length > 0 ? { images, from: kustomization } : undefined;
  };
  return { patches, namespaces, images: resourceImages(built), baseContainers, baseObjects, builtAt, imagesOf, deployedBy };
}

/**
 * The builds that deploy each resource file, with the patches each applies to it. A build is
 * a kustomization that no other of the scan lists as a base or component (an overlay, or a
 * base that nothing overlays), or one a Flux Kustomization or an Argo CD Application of the
 * scan deploys; a GitOps deployment of a directory without a kustomization applies its files
 * as written. On the way from a build down to the file, each kustomization applies the
 * patches of its components, then its own (kustomize's order).
 */
function deployments(built: ReadonlyMap<string, Build>, steps: ReadonlyMap<string, PatchStep[]>, targets: readonly GitopsTarget[], files: readonly string[]): (file: string) => PatchStep[][] | undefined {
  if (steps.size === 0 && !targets.some((target) => target.patches)) return () => undefined;
  const listed = new Set<string>();
  for (const build of built.values()) for (const other of [...build.bases, ...build.ownComponents]) listed.add(other);
  const byDir = new Map([...built.keys()].map((at) => [path.posix.dirname(at) === '.' ? '' : path.posix.dirname(at), at]));
  // A kustomization a GitOps deployment of the scan builds is deployed by it, with its patches (Flux's spec.patches) over kustomize's.
  const roots: Array<{ at: string; outer: readonly PatchStep[] }> = [];
  const asWritten: GitopsTarget[] = [];
  const deployed = new Set<string>();
  for (const target of targets) {
    const at = byDir.get(target.dir);
    if (at) {
      roots.push({ at, outer: target.patches ?? [] });
      deployed.add(at);
    } else asWritten.push(target);
  }
  for (const at of [...built.keys()].sort()) if (!listed.has(at) && !deployed.has(at)) roots.push({ at, outer: [] });
  /** The patches that apply to `file` when `at` is built; undefined when it does not build the file. */
  const patchesOf = (at: string, file: string, depth: number, visited: Set<string>): PatchStep[] | undefined => {
    const build = built.get(at);
    if (!build || depth > MAX_BASE_DEPTH || visited.has(at)) return undefined;
    visited.add(at);
    const out: PatchStep[] = [];
    let found = build.own.includes(file);
    for (const base of build.bases) {
      const inner = patchesOf(base, file, depth + 1, visited);
      if (inner) {
        found = true;
        out.push(...inner);
      }
    }
    for (const component of build.ownComponents) {
      const inner = patchesOf(component, file, depth + 1, visited);
      if (inner) {
        found = true;
        out.push(...inner);
      } else if (found) out.push(...componentPatches(component, depth + 1, new Set()));
    }
    if (!found) return undefined;
    out.push(...(steps.get(at) ?? []));
    return out;
  };
  const componentPatches = (at: string, depth: number, visited: Set<string>): PatchStep[] => {
    if (depth > MAX_BASE_DEPTH || visited.has(at)) return [];
    visited.add(at);
    return [...(built.get(at)?.ownComponents ?? []).flatMap((inner) => componentPatches(inner, depth + 1, visited)), ...(steps.get(at) ?? [])];
  };
  const yaml = new Set(files);
  return (file: string) => {
    if (!yaml.has(file)) return undefined;
    const out: PatchStep[][] = [];
    for (const { at, outer } of roots) {
      const patches = patchesOf(at, file, 0, new Set());
      if (patches) out.push([...patches, ...outer]);
    }
    // Applied as written (with its patches) by a GitOps deployment of its directory.
    const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
    for (const t of asWritten) if (dir === t.dir || (t.recurse && (t.dir === '' || dir.startsWith(`${t.dir}/`)))) out.push(t.patches ?? []);
    return out.some((patches) => patches.length > 0) ? out : undefined;
  };
}

/** Characters of base manifests read to learn their containers, over the whole scan. */
const MAX_BASE_CHARS = 8 * 1024 * 1024;

/** `Kind/name` -> the objects of a manifest, and the containers of its workloads. */
function containersOfManifests(source: string, load: (text: string) => YamlLoadResult): { containers: Map<string, BaseContainer[]>; objects: Map<string, YMap> } {
  const out = new Map<string, BaseContainer[]>();
  const input = readKubernetes(source, () => {}, { loadYaml: load });
  const objects = new Map<string, YMap>();
  for (const object of input?.objects ?? []) if (!objects.has(`${object.kind}/${object.name}`)) objects.set(`${object.kind}/${object.name}`, object.root);
  for (const c of input?.containers ?? []) {
    const object = `${c.pod.object.kind}/${c.pod.object.name}`;
    const env = items(get(c.node, 'env')).map((entry) => text(get(entry, 'name')) ?? '');
    (out.get(object) ?? out.set(object, []).get(object)!).push({ list: c.list, name: c.name, env });
  }
  return { containers: out, objects };
}

/** A path a kustomization names, relative to the scan root; undefined when it leaves the scan or is remote. */
function inScan(kustomization: string, relative: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(relative) || relative.startsWith('github.com/')) return undefined;
  // A directory may be written with a trailing slash (`../../base/`), which normalize keeps.
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(kustomization), relative)).replace(/(.)\/+$/, '$1');
  return resolved.startsWith('../') || resolved === '..' || path.posix.isAbsolute(resolved) ? undefined : resolved;
}

/** Bases followed from one kustomization, at most (a chain of overlays is short). */
const MAX_BASE_DEPTH = 8;

/**
 * The files whose objects get a namespace from a kustomization: its `resources` (and the
 * older `bases`), followed into the directories of other kustomizations of the scan, whose
 * own `namespace:` the outer one overrides, as `kustomize build` does.
 */
function resourceNamespaces(built: ReadonlyMap<string, Build>): Map<string, KustomizeNamespace> {
  const out = new Map<string, KustomizeNamespace>();
  for (const [at, { namespace, files }] of built) {
    if (!namespace) continue;
    for (const file of files) if (!out.has(file)) out.set(file, { namespace, from: at, overrides: true });
  }
  return out;
}

/**
 * The files whose images a kustomization's `images:` changes: its resources, through
 * bases. A file several kustomizations build takes the overrides of the first of them
 * (in path order) that sets any, as one deployment of the base.
 */
function resourceImages(built: ReadonlyMap<string, Build>): Map<string, KustomizeImages> {
  const out = new Map<string, KustomizeImages>();
  for (const [at, { images, files }] of [...built].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (images.length === 0) continue;
    for (const file of files) if (!out.has(file)) out.set(file, { images, from: at });
  }
  return out;
}

/** What a kustomization builds: its own `namespace:`, the image overrides of it and its bases, and the resource files it reaches. */
interface Build {
  namespace?: string;
  images: KustomizeImage[];
  files: string[];
  /** Its own `resources` that are files, and the kustomizations it lists as resources (or `bases`) and as components. */
  own: string[];
  bases: string[];
  ownComponents: string[];
  /** The kustomizations of the components it reaches. */
  components: string[];
}

/**
 * The resource files a kustomization's patches apply to: what it builds, and for a
 * component, what each kustomization that lists it builds (its patches change their objects).
 */
function baseFilesOf(kustomization: string, built: ReadonlyMap<string, Build>): string[] {
  const files = new Set(built.get(kustomization)?.files ?? []);
  for (const build of built.values()) if (build.components.includes(kustomization)) for (const file of build.files) files.add(file);
  return [...files];
}

/** An `images:` entry of a kustomization: the image `name` runs as `newName`, `newTag` or `digest` instead. */
export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface KustomizeImages {
  images: readonly KustomizeImage[];
  /** The kustomization that deploys the file with them. */
  from: string;
}

function imageOverrides(node: YNode | null): KustomizeImage[] {
  const out: KustomizeImage[] = [];
  for (const entry of items(get(node, 'images'))) {
    const name = text(get(entry, 'name'));
    if (!name) continue;
    const newName = text(get(entry, 'newName'));
    const newTag = text(get(entry, 'newTag'));
    const digest = text(get(entry, 'digest'));
    if (!newName && !newTag && !digest) continue;
    out.push({ name, ...(newName ? { newName } : {}), ...(newTag ? { newTag } : {}), ...(digest ? { digest } : {}) });
  }
  return out;
}

/** The resource files each kustomization builds: its `resources` (and `bases`) and `components`, followed into the kustomizations of the scan they name. */
function buildsOf(sources: ReadonlyArray<{ path: string; text: string }>, load: (path: string, text: string) => YamlLoadResult): Map<string, Build> {
  const byDir = new Map<string, { path: string; root: YNode | null }>();
  for (const source of sources) byDir.set(path.posix.dirname(source.path), { path: source.path, root: load(source.path, source.text).documents[0]?.root ?? null });
  const out = new Map<string, Build>();
  for (const { path: at, root } of byDir.values()) {
    const files: string[] = [];
    // The outer kustomization's entries come first: an overlay's `images:` wins over its base's for one name.
    const images: KustomizeImage[] = [];
    const components: string[] = [];
    const visited = new Set<string>();
    const own: string[] = [];
    const bases: string[] = [];
    const ownComponents: string[] = [];
    const walk = (kustomization: string, node: YNode | null, depth: number) => {
      if (depth > MAX_BASE_DEPTH || visited.has(kustomization)) return;
      visited.add(kustomization);
      images.push(...imageOverrides(node));
      for (const entry of [...items(get(node, 'resources')), ...items(get(node, 'bases'))]) {
        const resolved = text(entry) !== undefined ? inScan(kustomization, text(entry)!) : undefined;
        if (resolved === undefined) continue;
        const base = byDir.get(resolved);
        if (depth === 0) (base ? bases : own).push(base ? base.path : resolved);
        if (base) walk(base.path, base.root, depth + 1);
        else files.push(resolved);
      }
      // A component adds its resources to the kustomization that lists it, which then places and retags them with the rest.
      for (const entry of items(get(node, 'components'))) {
        const resolved = text(entry) !== undefined ? inScan(kustomization, text(entry)!) : undefined;
        const component = resolved === undefined ? undefined : byDir.get(resolved);
        if (!component) continue;
        if (depth === 0) ownComponents.push(component.path);
        components.push(component.path);
        walk(component.path, component.root, depth + 1);
      }
    };
    walk(at, root, 0);
    const namespace = text(get(root, 'namespace'));
    out.set(at, { files, images, components, own, bases, ownComponents, ...(namespace ? { namespace } : {}) });
  }
  return out;
}

/** The patch files a kustomization names, as written (relative to its directory). */
export function patchPaths(source: string): string[] {
  return patchEntries(source).map((entry) => entry.path);
}

/** The patch files a kustomization names, with the target each patch entry gives (`load`: how it is parsed). */
function patchEntries(source: string, load: (text: string) => YamlLoadResult = loadYamlCached): Array<{ path: string; target?: PatchTarget }> {
  const out: Array<{ path: string; target?: PatchTarget }> = [];
  for (const document of load(source).documents) {
    const root = document.root;
    if (!isYMap(root)) continue;
    for (const entry of items(get(root, 'patchesStrategicMerge'))) {
      const value = text(entry);
      // An inline patch is YAML text, not a path.
      if (value !== undefined && !value.includes('\n')) out.push({ path: value });
    }
    for (const key of ['patches', 'patchesJson6902']) {
      for (const entry of items(get(root, key))) {
        // kustomize 2 named strategic-merge patch files in a list of strings under `patches`, as `patchesStrategicMerge` does now.
        if (key === 'patches' && isYScalar(entry) && text(entry) && !text(entry)!.includes('\n')) {
          out.push({ path: text(entry)! });
          continue;
        }
        const value = isYMap(entry) ? get(entry, 'path') : undefined;
        const target = patchTarget(get(entry, 'target'));
        if (isYScalar(value) && text(value)) out.push({ path: text(value)!, ...(target ? { target } : {}) });
      }
    }
  }
  return out.filter((p) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(p.path));
}

/** A patch written inside a kustomization, as text, with where that text sits. */
export interface InlinePatch {
  text: string;
  /** The line of the kustomization holding the patch's first line, when every line of the text is a line of the file; else undefined. */
  firstLine: number | undefined;
  /** The line of the key (`patch:`) or list entry holding the patch. */
  keyLine: number;
  target?: PatchTarget;
}

/**
 * The patches written inside a kustomization: `patches[].patch`, `patchesJson6902[].patch` and multi-line `patchesStrategicMerge` entries.
 * With `flux`, those of the Flux Kustomizations of a manifest (`spec.patches`), which Flux applies after kustomize's build.
 */
export function inlinePatches(source: string, flux = false): InlinePatch[] {
  const out: InlinePatch[] = [];
  const lines = source.split('\n');
  const add = (node: YNode | null | undefined, keyLine: number, target: PatchTarget | undefined) => {
    if (!isYScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') return;
    out.push({ text: node.value, firstLine: firstLineOf(node.value, lines, node.line), keyLine, ...(target ? { target } : {}) });
  };
  for (const document of loadYamlCached(source).documents) {
    const root = flux ? fluxKustomizationSpec(document.root) : document.root;
    if (!isYMap(root)) continue;
    for (const entry of items(get(root, 'patchesStrategicMerge'))) if (isYScalar(entry) && String(entry.value).includes('\n')) add(entry, entry.line, undefined);
    for (const key of ['patches', 'patchesJson6902']) {
      for (const entry of items(get(root, key))) {
        const patch = pair(entry, 'patch');
        if (patch) add(patch.value, patch.keyLine, patchTarget(get(entry, 'target')));
      }
    }
  }
  return out;
}

/** The spec of a Flux Kustomization (kustomize.toolkit.fluxcd.io), else undefined. */
function fluxKustomizationSpec(root: YNode | null): YNode | undefined {
  return text(get(root, 'kind')) === 'Kustomization' && (text(get(root, 'apiVersion')) ?? '').startsWith('kustomize.toolkit.fluxcd.io/') ? get(root, 'spec') : undefined;
}

/** Whether a manifest may declare a Flux Kustomization with patches (a cheap test before parsing it for them). */
export function mayHoldFluxPatches(source: string): boolean {
  return source.includes('kustomize.toolkit.fluxcd.io') && /^\s*patches\s*:/m.test(source);
}

/**
 * Where a block scalar's text starts in the file: the line after its indicator when each
 * of its lines is the file's line with the indentation removed (a literal block), so that
 * findings keep their exact lines. A folded or quoted patch gives undefined.
 */
function firstLineOf(value: string, lines: readonly string[], scalarLine: number): number | undefined {
  const own = value.replace(/\n+$/, '').split('\n');
  for (const start of [scalarLine + 1, scalarLine]) {
    if (own.every((line, i) => (lines[start - 1 + i] ?? '').replace(/\r$/, '').trimStart() === line.trimStart() && (line === '' || (lines[start - 1 + i] ?? '').endsWith(line)))) return start;
  }
  return undefined;
}

/**
 * The findings of a patch's text (a patch file, or an inline patch on the lines of its
 * text): a strategic-merge patch keeps the findings on the values it writes; a JSON 6902
 * patch is checked operation by operation (json-patch.ts).
 */
export function patchFindings(
  filePath: string,
  source: string,
  target: PatchTarget | undefined,
  warn: (warning: Omit<ScanWarning, 'scanner'>) => void,
  base?: BaseContainers,
  /** The `images:` overrides of the kustomization that applies the patch: they retag a container the patch adds too. */
  images?: KustomizeImages,
  /** The objects of the base, which a JSON 6902 `remove` and a strategic-merge deletion take settings from. */
  objects?: BaseObjects,
): PatchAnalysis {
  const loaded = loadYamlCached(source);
  const root = loaded.documents[0]?.root;
  const ops = asJsonPatch(root);
  if (ops) {
    for (const problem of loaded.problems) warn({ path: filePath, line: problem.line, message: problem.message });
    for (const duplicate of loaded.duplicates) warn({ path: filePath, line: duplicate.line, message: duplicateKeyMessage(duplicate) });
    return jsonPatchFindings(filePath, ops, target, warn, base, objects);
  }
  // A strategic-merge patch may leave its kind and apiVersion to the target; added at the end, they move no line.
  const kind = text(get(root, 'kind')) ?? target?.kind;
  const missing = [...(get(root, 'kind') || !kind ? [] : [`kind: ${JSON.stringify(kind)}`]), ...(get(root, 'apiVersion') || !kind ? [] : [`apiVersion: ${JSON.stringify(apiVersionOf(target ?? {}, kind))}`])];
  const completed = isYMap(root) && missing.length > 0 ? `${source.replace(/\n*$/, '\n')}${missing.join('\n')}\n` : source;
  const analysis = analyseFile(filePath, completed, warn, 'kubernetes', images ? { kubernetes: { kustomizeImages: images } } : undefined);
  const added = base ? newContainers(completed, base, target) : new Set<string>();
  const deleted = deletedContainers(completed);
  // A container the base does not have is the patch's own: every finding about it stays. One the patch deletes ($patch: delete) runs nowhere.
  const findings = findingsOnWrittenValues(analysis.findings, completed, (f) => !added.has(String(f.properties.resource)) && !WRITTEN_ONLY.has(f.ruleId)).filter((f) => !deleted.has(String(f.properties.resource)));
  // What it deletes from the base ($patch: delete, $patch: replace, $retainKeys, a key set to null) is judged on the base.
  const removed = strategicDeleteFindings(filePath, loaded.documents.map((d) => d.root), target, objects);
  return { findings: [...renamedToTarget(findings, root, kind, target), ...removed.findings], secrets: [...analysis.secrets, ...removed.secrets] };
}

/**
 * A patch entry's target names the object the patch changes, whatever name the patch itself
 * gives (often a placeholder when one patch serves several targets): findings name the target.
 */
function renamedToTarget(findings: ScannerFinding[], root: YNode | null | undefined, kind: string | undefined, target: PatchTarget | undefined): ScannerFinding[] {
  const own = text(get(get(root ?? null, 'metadata'), 'name'));
  if (!target?.name || !kind || !own || own === target.name || /[\^$*+?()[\]{}|\\]/.test(target.name)) return findings;
  const from = `${kind}/${own}`;
  const to = `${kind}/${target.name}`;
  const rename = (value: string) => (value === from || value.startsWith(`${from} `) ? to + value.slice(from.length) : value);
  return findings.map((f) => {
    const resource = f.properties.resource;
    if (typeof resource !== 'string' || rename(resource) === resource) return f;
    return { ...f, message: f.message.split(from).join(to), properties: { ...f.properties, resource: rename(resource) } };
  });
}

/**
 * Rules that only ever report a value written in the file (a literal secret): in a patch
 * their findings are the patch's own in any YAML style, a flow entry
 * `- {name: API_TOKEN, value: ...}` or a folded value included.
 */
const WRITTEN_ONLY = new Set(['iac/k8s-secret-in-env', 'iac/k8s-committed-secret']);

/** Labels (as findings name them) of the containers a strategic-merge patch deletes (`- name: debug` with `$patch: delete`). */
function deletedContainers(source: string): Set<string> {
  return new Set((readKubernetes(source, () => {})?.containers ?? []).filter((c) => isDeleted(c.node)).map(containerLabel));
}

function isDeleted(node: YNode | null | undefined): boolean {
  return text(get(node, '$patch'))?.toLowerCase() === 'delete';
}

/**
 * Labels (as findings name them) of the containers of a patch that its base does not
 * declare. A patch entry's target names the object it changes; the patch's own name is then ignored.
 */
function newContainers(source: string, base: BaseContainers, target: PatchTarget | undefined): Set<string> {
  const out = new Set<string>();
  for (const c of readKubernetes(source, () => {})?.containers ?? []) {
    const known = base.get(`${target?.kind ?? c.pod.object.kind}/${target?.name ?? c.pod.object.name}`);
    if (known && !isDeleted(c.node) && !known.some((k) => k.list === c.list && k.name === c.name)) out.add(containerLabel(c));
  }
  return out;
}

/**
 * The findings of a patch file, applied by each entry that names it (its own target, its
 * kustomization's base and images). One line that one entry's target and another's both
 * get wrong is one finding, which names the other objects (`also`); warnings are said once.
 */
export function patchFileFindings(
  filePath: string,
  source: string,
  uses: readonly PatchUse[],
  warn: (warning: Omit<ScanWarning, 'scanner'>) => void,
  kustomizations: Pick<Kustomizations, 'baseContainers' | 'baseObjects' | 'imagesOf'>,
): PatchAnalysis {
  const warned = new Set<string>();
  const once = (warning: Omit<ScanWarning, 'scanner'>) => {
    const key = `${warning.line ?? ''}\n${warning.message}`;
    if (warned.has(key)) return;
    warned.add(key);
    warn(warning);
  };
  const merged = new Map<string, { finding: ScannerFinding; resources: Set<string>; also: string[] }>();
  const secrets = new Set<string>();
  for (const use of uses) {
    const { kustomization } = use;
    const analysis = patchFindings(filePath, source, use.target, once, kustomizations.baseContainers.get(kustomization), kustomizations.imagesOf(kustomization), kustomizations.baseObjects.get(kustomization));
    for (const secret of analysis.secrets) secrets.add(secret);
    const own = new Set<string>();
    for (const finding of analysis.findings) {
      const key = `${finding.ruleId}\n${finding.location.startLine}`;
      const resource = String(finding.properties.resource ?? '');
      const seen = merged.get(key);
      // Two findings of one rule on one line for one target are both kept (two containers of a flow list).
      if (!seen || own.has(key)) {
        if (seen) {
          merged.set(`${key}\n${merged.size}`, { finding, resources: new Set([resource]), also: [] });
        } else merged.set(key, { finding, resources: new Set([resource]), also: [] });
        own.add(key);
        continue;
      }
      if (seen.resources.has(resource)) continue;
      seen.resources.add(resource);
      seen.also.push(resource);
    }
  }
  const findings = [...merged.values()].map(({ finding, also }) =>
    also.length === 0
      ? finding
      : {
          ...finding,
          message: `${finding.message.replace(/\.$/, '')} (also: ${also.slice(0, 3).join(', ')}${also.length > 3 ? ` and ${also.length - 3} more` : ''}).`,
          properties: { ...finding.properties, also },
        },
  );
  return { findings, secrets: [...secrets] };
}

/** The findings of the patches written inside a kustomization (or, with `flux`, a Flux Kustomization's spec.patches), on the file's lines. */
export function inlinePatchFindings(filePath: string, source: string, warn: (warning: Omit<ScanWarning, 'scanner'>) => void, base?: BaseContainers, images?: KustomizeImages, objects?: BaseObjects, flux = false): PatchAnalysis {
  const out: ScannerFinding[] = [];
  const secrets: string[] = [];
  for (const patch of inlinePatches(source, flux)) {
    const move = (line: number | undefined) => (line === undefined ? undefined : patch.firstLine === undefined ? patch.keyLine : patch.firstLine + line - 1);
    const analysis = patchFindings(filePath, patch.text, patch.target, (warning) => warn({ ...warning, line: move(warning.line) ?? patch.keyLine, message: movedDuplicateKeyMessage(warning.message, move) }), base, images, objects);
    secrets.push(...analysis.secrets);
    for (const finding of analysis.findings) {
      const startLine = move(finding.location.startLine)!;
      const endLine = patch.firstLine === undefined ? undefined : move(finding.location.endLine);
      const { endLine: _end, ...location } = finding.location;
      const { detailLine: _detail, ...properties } = finding.properties;
      out.push({
        ...finding,
        location: { ...location, startLine, ...(endLine !== undefined && endLine > startLine ? { endLine } : {}) },
        properties: { ...properties, ...(endLine !== undefined && endLine > startLine ? { detailLine: endLine } : {}) },
      });
    }
  }
  return { findings: out, secrets };
}


import path from 'node:path';
import { writtenScanPath } from '../../../workspace/relative-path.js';
import { get, isTrue, isYMap, items, text, type YamlLoadResult, type YMap, type YNode } from '../yaml/tree.js';
import { deployerDocuments, type DeployerKind } from '../deployer-documents.js';
import type { KustomizeNamespace } from './kustomize.js';
import { patchTarget, type PatchTarget } from './json-patch.js';

/**
 * GitOps deployments of the repository's own manifests. A Flux `Kustomization`
 * (kustomize.toolkit.fluxcd.io) applies the manifests under its `spec.path` into
 * `spec.targetNamespace`; an Argo CD `Application` (argoproj.io) applies those under
 * `spec.source.path` (or each `spec.sources[].path`) into `spec.destination.namespace`.
 * Both paths are relative to the repository's root; the repository itself (Flux's
 * sourceRef, Argo's repoURL) cannot be checked, so a path that names a directory of the
 * scan is taken to be this repository's. The objects of the manifests there get that
 * namespace when they set none, as a kustomization's `namespace:` gives its resources.
 */

export interface GitopsTarget {
  /** The directory, relative to the scan root ('' for the root). */
  dir: string;
  namespace: string;
  /** Whether the manifests of subdirectories are applied too (Flux always; Argo CD with directory.recurse). */
  recurse: boolean;
  /** The file that declares the deployment, and the object: `clusters/prod/apps.yaml (Kustomization/apps)`. */
  from: string;
  /** The namespace replaces the one an object writes (Flux's targetNamespace; an Argo CD destination does not). */
  overrides?: boolean;
  /** The patches a Flux Kustomization applies (`spec.patches`) after kustomize's build, each with its target. */
  patches?: Array<{ text: string; target?: PatchTarget }>;
}

/** A repository path as written (`./apps/prod/`, `apps/prod`, `.`) as a directory of the scan; undefined for a template, a URL or a path that climbs out. */
function directory(written: string | undefined): string | undefined {
  if (written === undefined) return undefined;
  // Unlike other configuration paths, an empty one is the root, and a leading / is from the repository's root.
  return written.trim() === '' ? '' : writtenScanPath('', written.trim().replace(/\\/g, '/').replace(/^\/+/, ''));
}

/** The sources of an Argo CD Application: `spec.source` and each of `spec.sources`. */
export function argoSources(root: YNode): YMap[] {
  return [get(root, 'spec', 'source'), ...items(get(root, 'spec', 'sources'))].filter((source): source is YMap => isYMap(source));
}

/** The deployers (deployer-documents.ts) that give a namespace to what they apply. */
export const GITOPS_KINDS: readonly DeployerKind[] = ['argo-application', 'argo-applicationset', 'flux-kustomization'];

/** The inline patches of a Flux Kustomization (`spec.patches[].patch`), with their targets. */
function fluxPatches(root: YNode): Array<{ text: string; target?: PatchTarget }> {
  return items(get(root, 'spec', 'patches')).flatMap((entry) => {
    const patch = text(get(entry, 'patch'));
    const target = patchTarget(get(entry, 'target'));
    return patch && patch.trim() !== '' ? [{ text: patch, ...(target ? { target } : {}) }] : [];
  });
}

/** An Argo CD git directory generator's `path` (a glob: `*` and `?` within one directory, `**` across) as a regular expression. */
function directoryGlob(glob: string): RegExp {
  const source = glob.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '*' && source[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A path template of an ApplicationSet for a directory of its git generator: `{{path}}`, `{{.path.path}}`, `{{path.basename}}`, ...; undefined for any other template. */
function filled(template: string, dir: string): string | undefined {
  const segments = dir.split('/');
  const out = template.replace(/\{\{\s*(?:\.path\.(path|basename)|path(?:\.(basename))?|path\[(\d+)\]|index \.path\.segments (\d+))\s*\}\}/g, (_, gotemplate: string | undefined, basename: string | undefined, index: string | undefined, goIndex: string | undefined) => {
      const n = index ?? goIndex;
      if (n !== undefined) return segments[Number(n)] ?? '\0';
      return gotemplate === 'basename' || basename ? segments.at(-1)! : dir;
    });
  return out.includes('{{') || out.includes('\0') ? undefined : out;
}

/**
 * The directories of the scan an ApplicationSet's git directory generators select (`directories[].path` globs, less
 * those marked `exclude: true`), each with the namespace and path its template gives; other generators say nothing here.
 */
function applicationSetTargets(root: YNode, from: string, dirs: readonly string[]): GitopsTarget[] {
  const template = get(root, 'spec', 'template', 'spec');
  const namespace = text(get(template, 'destination', 'namespace'));
  const sourcePath = text(get(template, 'source', 'path'));
  if (!namespace || !sourcePath) return [];
  const out: GitopsTarget[] = [];
  for (const generator of items(get(root, 'spec', 'generators'))) {
    const entries = items(get(generator, 'git', 'directories'));
    const included = entries.filter((e) => !isTrue(get(e, 'exclude'))).map((e) => text(get(e, 'path'))).filter((p): p is string => p !== undefined).map(directoryGlob);
    const excluded = entries.filter((e) => isTrue(get(e, 'exclude'))).map((e) => text(get(e, 'path'))).filter((p): p is string => p !== undefined).map(directoryGlob);
    for (const dir of dirs) {
      if (!included.some((glob) => glob.test(dir)) || excluded.some((glob) => glob.test(dir))) continue;
      const at = directory(filled(sourcePath, dir));
      const ns = filled(namespace, dir);
      if (at !== undefined && ns) out.push({ dir: at, namespace: ns, recurse: isTrue(get(template, 'source', 'directory', 'recurse')), from });
    }
  }
  return out;
}

/** The directories of a list of files (scan-relative paths), the root excluded. */
export function directoriesOf(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const file of files) for (let dir = path.posix.dirname(file); dir !== '.' && dir !== '/' && !out.has(dir); dir = path.posix.dirname(dir)) out.add(dir);
  return [...out].sort();
}

/** The GitOps deployments a YAML file declares; `dirs`, the scan's directories, for the generators of ApplicationSets; `load`, how it is parsed (deployerDocuments). */
export function gitopsTargets(file: string, source: string, dirs: readonly string[] = [], load?: (text: string) => YamlLoadResult): GitopsTarget[] {
  const out: GitopsTarget[] = [];
  for (const { kind, root } of deployerDocuments(file, source, GITOPS_KINDS, load)) {
    const from = `${file} (${text(get(root, 'kind'))}/${text(get(root, 'metadata', 'name')) ?? '(unnamed)'})`;
    if (kind === 'argo-applicationset') {
      out.push(...applicationSetTargets(root, from, dirs));
    } else if (kind === 'flux-kustomization') {
      const namespace = text(get(root, 'spec', 'targetNamespace'));
      const dir = directory(text(get(root, 'spec', 'path')) ?? './');
      const patches = fluxPatches(root);
      // Without a targetNamespace, the deployment still applies its patches (overlaid.ts): its namespace is the objects' own.
      if (dir !== undefined && (namespace || patches.length > 0)) out.push({ dir, namespace: namespace ?? '', recurse: true, from, ...(namespace ? { overrides: true } : {}), ...(patches.length > 0 ? { patches } : {}) });
    } else {
      const namespace = text(get(root, 'spec', 'destination', 'namespace'));
      if (!namespace) continue;
      for (const source of argoSources(root)) {
        // A Helm chart of a registry names no path; a chart of the repository is rendered with its release namespace anyway.
        const dir = directory(text(get(source, 'path')));
        if (dir !== undefined) out.push({ dir, namespace, recurse: isTrue(get(source, 'directory', 'recurse')), from });
      }
    }
  }
  return out;
}

/**
 * The files of the scan each deployment applies: the resources the kustomization in its
 * directory builds (`builtAt`, through its bases), or without one the YAML files in the
 * directory (and below, when it recurses). The first deployment (in path order of its file) wins for a file.
 */
export function gitopsNamespaces(
  targets: readonly GitopsTarget[],
  files: readonly string[],
  builtAt: (dir: string) => readonly string[] | undefined,
): Map<string, KustomizeNamespace> {
  const out = new Map<string, KustomizeNamespace>();
  const yaml = files.filter((file) => /\.ya?ml$/i.test(file));
  for (const target of [...targets].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    // A deployment that only patches gives no namespace.
    if (target.namespace === '') continue;
    const set = (file: string) => {
      if (!out.has(file)) out.set(file, { namespace: target.namespace, from: target.from, ...(target.overrides ? { overrides: true } : {}) });
    };
    // A kustomization in the directory is what both tools build there.
    const built = builtAt(target.dir);
    if (built) {
      for (const file of built) set(file);
      continue;
    }
    const prefix = target.dir === '' ? '' : `${target.dir}/`;
    for (const file of yaml) {
      if (!file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length);
      if (target.recurse || !rest.includes('/')) set(file);
    }
  }
  return out;
}

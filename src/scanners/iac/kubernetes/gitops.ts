import { writtenScanPath } from '../../../workspace/relative-path.js';
import { get, isTrue, isYMap, items, text, type YMap, type YNode } from '../yaml/tree.js';
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
export const GITOPS_KINDS: readonly DeployerKind[] = ['argo-application', 'flux-kustomization'];

/** The inline patches of a Flux Kustomization (`spec.patches[].patch`), with their targets. */
function fluxPatches(root: YNode): Array<{ text: string; target?: PatchTarget }> {
  return items(get(root, 'spec', 'patches')).flatMap((entry) => {
    const patch = text(get(entry, 'patch'));
    const target = patchTarget(get(entry, 'target'));
    return patch && patch.trim() !== '' ? [{ text: patch, ...(target ? { target } : {}) }] : [];
  });
}

/** The GitOps deployments a YAML file declares. */
export function gitopsTargets(file: string, source: string): GitopsTarget[] {
  const out: GitopsTarget[] = [];
  for (const { kind, root } of deployerDocuments(file, source, GITOPS_KINDS)) {
    const from = `${file} (${text(get(root, 'kind'))}/${text(get(root, 'metadata', 'name')) ?? '(unnamed)'})`;
    if (kind === 'flux-kustomization') {
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

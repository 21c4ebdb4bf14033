import { posix } from 'node:path';
import { get, isYMap, type YamlLoadResult } from '../yaml/tree.js';
import { readKubernetes, type KubeObject, type ScanAggregator } from './model.js';

/** More bindings than this in one directory are not kept: the rest are judged as if absent. */
const MAX_PER_DIRECTORY = 2000;
/** More aggregating ClusterRoles than this in one directory are not kept either. */
const MAX_AGGREGATING_PER_DIRECTORY = 200;

/**
 * The RoleBindings and ClusterRoleBindings of a scan's manifests, by directory. Manifests
 * split into files (role.yaml, role-binding.yaml, deployment.yaml) are applied together
 * from their directory, so a role in one file is bound by a binding in another: the RBAC
 * rules read who is bound (a service account reading Secrets), where a ClusterRole applies
 * (bound only in namespaces), and whose pods call the API, across the files of a directory.
 * Only the same directory counts: a repository of separate examples reuses role names
 * from one folder to the next.
 *
 * The aggregating ClusterRoles (aggregationRule) of the manifests are kept too: a ClusterRole
 * their selectors pick, in a file of their directory or of a directory below it (applied with
 * it, `kubectl apply -R`: knative's aggregating admin role and its binding are in config/core,
 * the roles it gathers in config/core/200-roles), gets the bindings of the aggregating role.
 */
export class RbacBindings {
  private readonly byDirectory = new Map<string, Array<{ path: string; object: KubeObject }>>();
  private readonly aggregatingByDirectory = new Map<string, Array<{ path: string; object: KubeObject }>>();

  /** Reads the bindings of one manifest file (a cheap text test first; the parse goes through the YAML cache, or `load`: the scan's parses, yaml/parses.ts). */
  add(path: string, source: string, load?: (text: string) => YamlLoadResult): void {
    if (!/\.ya?ml$/i.test(path) || !(source.includes('RoleBinding') || source.includes('aggregationRule'))) return;
    const input = readKubernetes(source, () => {}, load ? { loadYaml: load } : undefined);
    const directory = posix.dirname(path);
    for (const object of input?.objects ?? []) {
      const aggregating = object.kind === 'ClusterRole' && isYMap(get(object.root, 'aggregationRule'));
      if (!aggregating && object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
      const into = aggregating ? this.aggregatingByDirectory : this.byDirectory;
      const list = into.get(directory) ?? [];
      if (list.length >= (aggregating ? MAX_AGGREGATING_PER_DIRECTORY : MAX_PER_DIRECTORY)) continue;
      list.push({ path, object: { ...object, label: `${object.kind}/${object.name} (${path})` } });
      into.set(directory, list);
    }
  }

  /**
   * The bindings of the other files of `path`'s directory. `namespaceOf` gives the namespace a
   * kustomization puts a file's objects in: a binding that names none gets it, as the pods and
   * roles of the file do (kustomize sets it on every object of its resources).
   */
  besides(path: string, namespaceOf?: NamespaceOf): KubeObject[] {
    return (this.byDirectory.get(posix.dirname(path)) ?? []).filter((entry) => entry.path !== path).map((entry) => inNamespace(entry, namespaceOf));
  }

  /**
   * The aggregating ClusterRoles of the other files of `path`'s directory and of the directories above it, each with
   * the bindings of its own directory (those of `path` included: a binding there of an aggregating role elsewhere is
   * not one of the file's roles'). Those of `path` itself are the file's own.
   */
  aggregatorsAbove(path: string, namespaceOf?: NamespaceOf): ScanAggregator[] {
    const out: ScanAggregator[] = [];
    for (let directory = posix.dirname(path); ; directory = posix.dirname(directory)) {
      const aggregating = (this.aggregatingByDirectory.get(directory) ?? []).filter((entry) => entry.path !== path);
      if (aggregating.length > 0) {
        const bindings = (this.byDirectory.get(directory) ?? []).map((entry) => inNamespace(entry, namespaceOf));
        for (const entry of aggregating) out.push({ role: entry.object, bindings });
      }
      if (directory === '.' || directory === '/' || directory === posix.dirname(directory)) return out;
    }
  }
}

/** The namespace a deployment gives the objects of a file (kustomize.ts KustomizeNamespace). */
type NamespaceOf = (path: string) => { namespace: string; overrides?: boolean } | undefined;

/** A binding of a file, in the namespace its kustomization gives when it names none (or whatever it names, for kustomize's namespace). */
function inNamespace(entry: { path: string; object: KubeObject }, namespaceOf: NamespaceOf | undefined): KubeObject {
  if (!namespaceOf) return entry.object;
  const given = namespaceOf(entry.path);
  if (!given || (entry.object.namespace !== undefined && !given.overrides)) return entry.object;
  return { ...entry.object, namespace: given.namespace };
}

import { posix } from 'node:path';
import { readKubernetes, type KubeObject } from './model.js';

/** More bindings than this in one directory are not kept: the rest are judged as if absent. */
const MAX_PER_DIRECTORY = 2000;

/**
 * The RoleBindings and ClusterRoleBindings of a scan's manifests, by directory. Manifests
 * split into files (role.yaml, role-binding.yaml, deployment.yaml) are applied together
 * from their directory, so a role in one file is bound by a binding in another: the RBAC
 * rules read who is bound (a service account reading Secrets), where a ClusterRole applies
 * (bound only in namespaces), and whose pods call the API, across the files of a directory.
 * Only the same directory counts: a repository of separate examples reuses role names
 * from one folder to the next.
 */
export class RbacBindings {
  private readonly byDirectory = new Map<string, Array<{ path: string; object: KubeObject }>>();

  /** Reads the bindings of one manifest file (a cheap text test first; the parse goes through the YAML cache). */
  add(path: string, source: string): void {
    if (!/\.ya?ml$/i.test(path) || !source.includes('RoleBinding')) return;
    const input = readKubernetes(source, () => {});
    const directory = posix.dirname(path);
    for (const object of input?.objects ?? []) {
      if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
      const list = this.byDirectory.get(directory) ?? [];
      if (list.length >= MAX_PER_DIRECTORY) return;
      list.push({ path, object: { ...object, label: `${object.kind}/${object.name} (${path})` } });
      this.byDirectory.set(directory, list);
    }
  }

  /** The bindings of the other files of `path`'s directory. */
  besides(path: string): KubeObject[] {
    return (this.byDirectory.get(posix.dirname(path)) ?? []).filter((entry) => entry.path !== path).map((entry) => entry.object);
  }
}

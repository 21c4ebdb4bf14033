import { apiVersionOf, asJsonPatch, type PatchTarget } from '../scanners/iac/kubernetes/json-patch.js';
import { inlinePatches, isKustomization, readKustomizations } from '../scanners/iac/kubernetes/kustomize.js';
import { loadYamlCached } from '../scanners/iac/yaml/cache.js';
import { get, isYMap, isYSeq, items, pair, text, type YNode, type YSeq } from '../scanners/iac/yaml/tree.js';
import type { WorkspaceFile } from '../workspace/files.js';
import type { DeclaredPort } from './declared.js';
import { CONTAINER_PORT_KEYS, deleted, kubernetesPorts, portNumber, portsOfEntry, SERVICE_PORT_KEYS } from './kubernetes-ports.js';

/**
 * Ports that kustomize patches add. A strategic-merge patch is a partial object: its
 * `ports` entries count (less those it deletes with `$patch: delete`), and a patch that
 * leaves its kind to the kustomization's target is completed with it. A JSON 6902 patch
 * counts the ports its `add` and `replace` operations write into a container's or a
 * Service's `ports`. Which overlay runs on a host is unknown: every overlay declares.
 */

type Warn = (path: string, line: number | undefined, message: string) => void;

export interface PatchPorts {
  /** Patch files (read here, not as manifests of their own). */
  patchFiles: Set<string>;
  ports: DeclaredPort[];
}

export async function kustomizePorts(files: readonly WorkspaceFile[], warn: Warn): Promise<PatchPorts> {
  // The ports a patch adds do not depend on the namespace GitOps deployments give: none are looked for.
  const { patches } = await readKustomizations(files, null, (message) => warn('', undefined, message), []);
  const ports: DeclaredPort[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const [file, uses] of patches) {
    const patch = byPath.get(file);
    if (!patch) {
      for (const kustomization of new Set(uses.map((u) => u.kustomization))) warn(kustomization, undefined, `the patch ${file} is not in the project (or is ignored): the ports it adds are not declared`);
      continue;
    }
    const source = await patch.text();
    if (source === null) continue;
    // Each entry applies the patch to its own target: a Service patch for two targets opens its port on both.
    for (const { target, kustomization } of uses) ports.push(...patchPorts(file, source, target, `kustomize patch of ${kustomization}`, (line, message) => warn(file, line, message)));
  }
  for (const file of files) {
    if (!isKustomization(file.path)) continue;
    const source = await file.text();
    if (source === null) continue;
    for (const patch of inlinePatches(source)) {
      const move = (line: number) => (patch.firstLine === undefined ? patch.keyLine : patch.firstLine + line - 1);
      const found = patchPorts(file.path, patch.text, patch.target, 'inline kustomize patch', (line, message) => warn(file.path, move(line), message));
      ports.push(...found.map((p) => ({ ...p, line: move(p.line) })));
    }
  }
  return { patchFiles: new Set([...patches.keys()].filter((p) => byPath.has(p))), ports };
}

/** The ports one patch text declares; `what` says which patch. */
export function patchPorts(file: string, source: string, target: PatchTarget | undefined, what: string, warn: (line: number, message: string) => void): DeclaredPort[] {
  const loaded = loadYamlCached(source);
  const ops = asJsonPatch(loaded.documents[0]?.root);
  if (ops) {
    for (const problem of loaded.problems) warn(problem.line, problem.message);
    return jsonPatchPorts(file, ops, target, what, warn);
  }
  const root = loaded.documents[0]?.root;
  // A strategic-merge patch may leave its kind and apiVersion to the target; added at the end, they move no line.
  const kind = text(get(root, 'kind')) ?? target?.kind;
  const missing = [...(get(root, 'kind') || !kind ? [] : [`kind: ${JSON.stringify(kind)}`]), ...(get(root, 'apiVersion') || !kind ? [] : [`apiVersion: ${JSON.stringify(apiVersionOf(target ?? {}, kind))}`])];
  const completed = isYMap(root) && missing.length > 0 ? `${source.replace(/\n*$/, '\n')}${missing.join('\n')}\n` : source;
  return kubernetesPorts(file, completed, warn).map((p) => ({ ...p, what: `${p.what} (${what})` }));
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const INDEX = /^(?:\d+|-)$/;

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** What a JSON 6902 `add` or `replace` writes into `ports`, by where its path points. */
function jsonPatchPorts(file: string, ops: YSeq, target: PatchTarget | undefined, what: string, warn: (line: number, message: string) => void): DeclaredPort[] {
  const out: DeclaredPort[] = [];
  const object = target?.kind ? `${target.kind}${target.name ? `/${target.name}` : ''}` : 'the patched object';
  for (const op of ops.items) {
    const name = text(get(op, 'op'))?.toLowerCase();
    const value = pair(op, 'value');
    if ((name !== 'add' && name !== 'replace') || !value) continue;
    const segments = (text(get(op, 'path')) ?? '').split('/').slice(1).map(unescape);
    const listAt = segments.findLastIndex((s) => CONTAINER_LISTS.has(s));
    const service = listAt < 0 && segments[0] === 'spec' && segments[1] === 'ports' && (target?.kind === undefined || target.kind === 'Service');
    if (listAt < 0 && !service) continue;
    const keys = service ? SERVICE_PORT_KEYS : CONTAINER_PORT_KEYS;
    const label = (key: string) => `${object} ${key} (${what}, ${name} ${text(get(op, 'path'))})`;
    const context = { file, keys, what: label, hostIp: !service, warn };
    const entries = (node: YNode | null | undefined) => items(node).flatMap((entry) => portsOfEntry(entry, context));
    // The path below the container (or below the Service's spec): [], [i], [i, ports], [i, ports, j], [i, ports, j, key].
    const rest = service ? ['0', ...segments.slice(1)] : segments.slice(listAt + 1);
    if (rest.length === 0) {
      for (const container of items(value.value)) if (!deleted(container)) out.push(...entries(get(container, 'ports')));
    } else if (rest.length === 1 && INDEX.test(rest[0]!)) {
      out.push(...entries(get(value.value, 'ports')));
    } else if (rest.length === 2 && rest[1] === 'ports') {
      out.push(...entries(isYSeq(value.value) ? value.value : undefined));
    } else if (rest.length === 3 && rest[1] === 'ports' && INDEX.test(rest[2]!)) {
      out.push(...portsOfEntry(value.value, context));
    } else if (rest.length === 4 && rest[1] === 'ports' && (keys as readonly string[]).includes(rest[3]!)) {
      const port = portNumber(text(value.value));
      // The protocol is the entry's, which the patch does not repeat.
      if (port !== undefined) out.push({ port, transport: 'any', path: file, line: value.keyLine, what: label(rest[3]!) });
      else if (rest[3] !== 'targetPort') warn(value.keyLine, `${label(rest[3]!)} ${JSON.stringify(text(value.value) ?? null)} is not a port number (1-65535): not declared`);
    }
  }
  return out;
}

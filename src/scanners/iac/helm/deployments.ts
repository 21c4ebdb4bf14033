import path from 'node:path';
import { writtenScanPath } from '../../../workspace/relative-path.js';
import { argoSources } from '../kubernetes/gitops.js';
import { deployerDocuments, type DeployerKind } from '../deployer-documents.js';
import { get, isTrue, isYMap, isYScalar, items, text, type YamlLoadResult, type YNode } from '../yaml/tree.js';
import { GoInt, isDict, setOrigins, type Dict, type Origin, type Value } from './values.js';
import type { ReleaseNames } from './chart.js';

/**
 * Deployments of the repository's own Helm charts that give the chart values: Argo CD
 * Applications (a source `path` with `helm:` settings), Flux HelmReleases of a chart of a
 * GitRepository, helmfile releases of a local chart and kustomize `helmCharts:` entries
 * of a chart under `chartHome`. Each is read, never run: the values files it names (read
 * later, inside the scan root), the values it writes inline (kept with their lines) and
 * its set-style parameters, in the order the tool applies them over values.yaml.
 */

/** One layer of values, applied over those before it. */
export type ValuesLayer =
  /** A values file, from the scan root (`written` as the deployment names it, for messages). */
  | { kind: 'file'; path: string; written: string }
  /** Values written in the deployment's file. */
  | { kind: 'values'; value: Dict }
  /** A YAML string of the deployment's file (Argo CD's helm.values): parsed later, each line mapped to the file's. */
  | { kind: 'text'; text: string; lineAt: (line: number) => number }
  /** `--set name=value` (or --set-string). */
  | { kind: 'set'; name: string; value: string; string: boolean; origin: Origin };

export interface HelmDeployment {
  /** What deploys the chart, for messages: `Application argocd/web`, `HelmRelease apps/web`, `helmfile release web`. */
  what: string;
  /** The file that declares it, and the line. */
  file: string;
  line: number;
  /** The chart's directory from the scan root ('' for the root). */
  chart: string;
  layers: ValuesLayer[];
  /** Values of the deployment that are not applied, and why. */
  notes: string[];
  /** Values files the tool itself skips when missing (Argo CD's ignoreMissingValueFiles). */
  optionalFiles?: boolean;
  /** The release name and namespace the tool installs the chart with, as far as its file tells (releaseNames). */
  release?: ReleaseNames;
}

/** A release name Helm accepts (a DNS subdomain of at most 53 characters), else undefined. */
function releaseName(name: string | undefined): string | undefined {
  return name !== undefined && name.length <= 53 && /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/.test(name) ? name : undefined;
}

/** A namespace Kubernetes accepts (a DNS label), else undefined. */
function namespaceName(name: string | undefined): string | undefined {
  return name !== undefined && name.length <= 63 && /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/.test(name) ? name : undefined;
}

/**
 * The release a deployment installs, from the names its file writes: what is not written, or
 * is not a name Helm and Kubernetes accept (a template, a variable), is left to Helm's default
 * (release-name, namespace default).
 */
export function releaseNames(name: string | undefined, namespace: string | undefined): ReleaseNames | undefined {
  const release = releaseName(name);
  const ns = namespaceName(namespace);
  return release === undefined && ns === undefined ? undefined : { ...(release !== undefined ? { name: release } : {}), ...(ns !== undefined ? { namespace: ns } : {}) };
}

/** A path relative to `base` (a directory of the scan) as a path of the scan; undefined for a URL, a template or a path out of the root. */
export const scanPath = writtenScanPath;

/** A YAML node of a deployment's file as Helm values, each key and item with its line there. */
export function nodeValues(node: YNode | null | undefined, file: string, depth = 0): Value {
  if (!node || depth > 100) return null;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') {
    const list = node.items.map((item) => nodeValues(item, file, depth + 1));
    setOrigins(list, { items: node.items.map((item) => ({ path: file, line: item.line })) });
    return list;
  }
  const map: Dict = new Map();
  const keys = new Map<string, Origin>();
  for (const pair of node.pairs) {
    map.set(pair.key, nodeValues(pair.value, file, depth + 1));
    keys.set(pair.key, { path: file, line: pair.keyLine });
  }
  setOrigins(map, { keys });
  return map;
}

/** A YAML string of the file as a layer: a block scalar (`|`) keeps its lines, any other string is placed on its key's line. */
function textLayer(node: YNode, source: string, keyLine: number): ValuesLayer | undefined {
  if (!isYScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') return undefined;
  const at = source.split('\n')[node.line - 1]?.slice(node.column - 1) ?? '';
  const block = /^\|/.test(at);
  return { kind: 'text', text: node.value, lineAt: block ? (line) => node.line + line : () => keyLine };
}

/** Set-style entries (`name`, `value`) as layers. */
function setLayers(list: YNode | undefined, file: string, forceString: (entry: YNode) => boolean): ValuesLayer[] {
  const out: ValuesLayer[] = [];
  for (const entry of items(list)) {
    const name = text(get(entry, 'name'));
    const value = get(entry, 'value');
    if (!name || !isYScalar(value)) continue;
    out.push({ kind: 'set', name, value: value.value === null ? 'null' : String(value.value), string: forceString(entry), origin: { path: file, line: entry.line } });
  }
  return out;
}

function named(root: YNode): string {
  const name = text(get(root, 'metadata', 'name')) ?? '(unnamed)';
  const namespace = text(get(root, 'metadata', 'namespace'));
  return namespace ? `${namespace}/${name}` : name;
}

/** The deployers (deployer-documents.ts) that may give values to a chart. */
export const CHART_DEPLOYER_KINDS: readonly DeployerKind[] = ['argo-application', 'flux-helmrelease', 'helmfile', 'kustomize-helmcharts'];

/** The deployments of charts a file declares (charts not checked here: any directory the paths name); `load`, how it is parsed (deployerDocuments). */
export function helmDeployments(file: string, source: string, load?: (text: string) => YamlLoadResult): HelmDeployment[] {
  const out: HelmDeployment[] = [];
  const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
  for (const { kind, root } of deployerDocuments(file, source, CHART_DEPLOYER_KINDS, load)) {
    if (kind === 'argo-application') out.push(...argoApplication(file, source, root));
    else if (kind === 'flux-helmrelease') out.push(...fluxRelease(file, root));
    else if (kind === 'helmfile') out.push(...helmfileReleases(file, dir, root));
    else if (kind === 'kustomize-helmcharts') out.push(...kustomizeCharts(file, dir, root));
  }
  return out;
}

function argoApplication(file: string, source: string, root: YNode): HelmDeployment[] {
  const out: HelmDeployment[] = [];
  const what = `Application ${named(root)}`;
  for (const src of argoSources(root)) {
    // Paths are from the repository's root, taken to be the scan's (gitops.ts); a chart of a registry names no path.
    const chart = scanPath('', text(get(src, 'path')));
    const helm = get(src, 'helm');
    if (chart === undefined || !isYMap(helm)) continue;
    const layers: ValuesLayer[] = [];
    const notes: string[] = [];
    for (const entry of items(get(helm, 'valueFiles'))) {
      const written = text(entry);
      if (written === undefined) continue;
      if (written.startsWith('$')) {
        notes.push(`values file ${written} comes from another source of the Application ($ref), which secloop does not resolve`);
        continue;
      }
      const at = scanPath(chart, written);
      if (at === undefined) notes.push(`values file ${written} is a URL, a template or outside the repository: not read`);
      else layers.push({ kind: 'file', path: at, written });
    }
    // valuesObject wins over values when both are set, as in Argo CD.
    const object = get(helm, 'valuesObject');
    const string = get(helm, 'values');
    if (isYMap(object)) layers.push({ kind: 'values', value: nodeValues(object, file) as Dict });
    else if (string) {
      const layer = textLayer(string, source, string.line);
      if (layer) layers.push(layer);
    }
    layers.push(...setLayers(get(helm, 'parameters'), file, (entry) => isTrue(get(entry, 'forceString'))));
    if (items(get(helm, 'fileParameters')).length > 0) notes.push('helm.fileParameters are not read');
    // Argo CD installs the release as helm.releaseName, else the Application's name, in the destination's namespace.
    const release = releaseNames(text(get(helm, 'releaseName')) ?? text(get(root, 'metadata', 'name')), text(get(root, 'spec', 'destination', 'namespace')));
    out.push({ what, file, line: src.line, chart, layers, notes, ...(isTrue(get(helm, 'ignoreMissingValueFiles')) ? { optionalFiles: true } : {}), ...(release ? { release } : {}) });
  }
  return out;
}

function fluxRelease(file: string, root: YNode): HelmDeployment[] {
  const spec = get(root, 'spec', 'chart', 'spec');
  const ref = get(spec, 'sourceRef');
  // Only a chart of a Git repository is a path; one of a Helm or OCI repository is not the repository's own.
  if (text(get(ref, 'kind')) !== 'GitRepository') return [];
  const chart = scanPath('', text(get(spec, 'chart')));
  if (chart === undefined) return [];
  const layers: ValuesLayer[] = [];
  const notes: string[] = [];
  for (const entry of items(get(spec, 'valuesFiles'))) {
    const written = text(entry);
    const at = scanPath('', written);
    if (at === undefined) notes.push(`values file ${written ?? '(not a string)'} is not a path of the repository: not read`);
    else layers.push({ kind: 'file', path: at, written: written! });
  }
  const from = items(get(root, 'spec', 'valuesFrom'));
  if (from.length > 0) notes.push(`spec.valuesFrom (${from.map((f) => `${text(get(f, 'kind')) ?? '?'}/${text(get(f, 'name')) ?? '?'}`).join(', ')}) is read by Flux from the cluster: not applied`);
  const values = get(root, 'spec', 'values');
  if (isYMap(values)) layers.push({ kind: 'values', value: nodeValues(values, file) as Dict });
  // Flux names the release spec.releaseName, else [<targetNamespace>-]<name>, in the target namespace, else the HelmRelease's own.
  const name = text(get(root, 'metadata', 'name'));
  const target = text(get(root, 'spec', 'targetNamespace'));
  const release = releaseNames(text(get(root, 'spec', 'releaseName')) ?? (name !== undefined && target ? `${target}-${name}` : name), target ?? text(get(root, 'metadata', 'namespace')));
  return [{ what: `HelmRelease ${named(root)}`, file, line: root.line, chart, layers, notes, ...(release ? { release } : {}) }];
}

function helmfileReleases(file: string, dir: string, root: YNode): HelmDeployment[] {
  const out: HelmDeployment[] = [];
  for (const release of items(get(root, 'releases'))) {
    const written = text(get(release, 'chart'));
    // A local chart is a path (`./charts/web`, `../charts/web`); `repo/chart` names a chart of a repository.
    if (written === undefined || !/^\.{1,2}(?:\/|$)/.test(written)) continue;
    const chart = scanPath(dir, written);
    if (chart === undefined) continue;
    const layers: ValuesLayer[] = [];
    const notes: string[] = [];
    for (const entry of items(get(release, 'values'))) {
      if (isYMap(entry)) {
        layers.push({ kind: 'values', value: nodeValues(entry, file) as Dict });
        continue;
      }
      const name = text(entry);
      if (name === undefined) continue;
      if (/\.gotmpl$/i.test(name)) {
        notes.push(`values file ${name} is a helmfile template: not rendered, not applied`);
        continue;
      }
      const at = scanPath(dir, name);
      if (at === undefined) notes.push(`values file ${name} is a URL, a template or outside the repository: not read`);
      else layers.push({ kind: 'file', path: at, written: name });
    }
    layers.push(...setLayers(get(release, 'set'), file, () => false));
    layers.push(...setLayers(get(release, 'setString'), file, () => true));
    if (items(get(release, 'secrets')).length > 0) notes.push('secrets (helm-secrets files) are not read');
    const names = releaseNames(text(get(release, 'name')), text(get(release, 'namespace')));
    out.push({ what: `helmfile release ${text(get(release, 'name')) ?? '(unnamed)'}`, file, line: release.line, chart, layers, notes, ...(names ? { release: names } : {}) });
  }
  return out;
}

function kustomizeCharts(file: string, dir: string, root: YNode): HelmDeployment[] {
  const out: HelmDeployment[] = [];
  const home = text(get(root, 'helmGlobals', 'chartHome')) ?? 'charts';
  for (const entry of items(get(root, 'helmCharts'))) {
    const name = text(get(entry, 'name'));
    const base = scanPath(dir, home);
    if (!name || base === undefined || /[/\\]|^\.\.?$/.test(name)) continue;
    const version = text(get(entry, 'version'));
    // kustomize looks for <chartHome>/<name>, or <chartHome>/<name>-<version>/<name> when a version is given.
    const charts = [`${base === '' ? '' : `${base}/`}${name}`, ...(version ? [`${base === '' ? '' : `${base}/`}${name}-${version}/${name}`] : [])];
    const layers: ValuesLayer[] = [];
    const notes: string[] = [];
    for (const node of [get(entry, 'valuesFile'), ...items(get(entry, 'additionalValuesFiles'))]) {
      const written = text(node);
      if (written === undefined) continue;
      const at = scanPath(dir, written);
      if (at === undefined) notes.push(`values file ${written} is a URL, a template or outside the repository: not read`);
      else layers.push({ kind: 'file', path: at, written });
    }
    const inline = get(entry, 'valuesInline');
    if (isYMap(inline)) layers.push({ kind: 'values', value: nodeValues(inline, file) as Dict });
    const merge = text(get(entry, 'valuesMerge'));
    if (merge === 'replace' || merge === 'merge') notes.push(`valuesMerge: ${merge} is applied as override`);
    const release = releaseNames(text(get(entry, 'releaseName')), text(get(entry, 'namespace')));
    for (const chart of charts) out.push({ what: `helmCharts ${name}`, file, line: entry.line, chart, layers, notes, ...(release ? { release } : {}) });
  }
  return out;
}

/** A `--set` path (`a.b[0].c`, `a\.b`) as keys and list indexes; undefined when it is not one Helm reads. */
export function setPath(name: string): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  let key = '';
  let i = 0;
  let afterIndex = false;
  while (i < name.length) {
    const c = name[i]!;
    if (c === '\\' && i + 1 < name.length) {
      key += name[i + 1];
      i += 2;
      continue;
    }
    if (c === '.') {
      if (key === '' && !afterIndex) return undefined;
      if (key !== '') out.push(key);
      key = '';
      afterIndex = false;
      i++;
      continue;
    }
    if (c === '[') {
      const m = /^\[(\d{1,5})\]/.exec(name.slice(i));
      if (!m) return undefined;
      if (key !== '') out.push(key);
      else if (!afterIndex) return undefined;
      key = '';
      out.push(Number(m[1]));
      i += m[0].length;
      afterIndex = true;
      continue;
    }
    key += c;
    i++;
  }
  if (key !== '') out.push(key);
  return out.length > 0 && typeof out[0] === 'string' ? out : undefined;
}

/** A `--set` value as Helm types it (strvals typedVal): booleans, null, int64, else the string. */
export function setValue(value: string, string: boolean): Value {
  if (string) return value;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  if (/^null$/i.test(value)) return null;
  if (value === '0') return new GoInt(0, 'int64');
  if (/^[-+]?[1-9]\d*$/.test(value) && Number.isSafeInteger(Number(value))) return new GoInt(Number(value), 'int64');
  return value;
}

/** The values one `--set` writes, as a map to coalesce over the others (a list it indexes is a new list). */
export function setValues(parts: ReadonlyArray<string | number>, value: Value, origin: Origin): Dict {
  const build = (i: number): Value => {
    if (i === parts.length) return value;
    const part = parts[i]!;
    if (typeof part === 'number') {
      const list: Value[] = Array.from({ length: part + 1 }, () => null);
      list[part] = build(i + 1);
      setOrigins(list, { items: list.map(() => origin) });
      return list;
    }
    const map: Dict = new Map([[part, build(i + 1)]]);
    setOrigins(map, { keys: new Map([[part, origin]]) });
    return map;
  };
  const out = build(0);
  return isDict(out) ? out : new Map();
}

import { loadYamlCached } from './yaml/cache.js';
import { get, isYMap, isYSeq, text, type YamlLoadResult, type YMap } from './yaml/tree.js';

/**
 * Deployers: the YAML documents of a repository that deploy other files of it. This is
 * the one place that says which documents are deployers, and of which kind; what each
 * kind means is read elsewhere: the directories Flux Kustomizations and Argo CD
 * Applications apply, and the namespace they give (kubernetes/gitops.ts), and the values
 * Argo CD Applications, Flux HelmReleases, helmfile releases and kustomize `helmCharts:`
 * give to the repository's Helm charts (helm/deployments.ts). deployers.ts reads the
 * scan's files for both at once.
 */

export type DeployerKind = 'argo-application' | 'argo-applicationset' | 'flux-helmrelease' | 'helmfile' | 'kustomize-helmcharts' | 'flux-kustomization';

export interface DeployerDocument {
  kind: DeployerKind;
  root: YMap;
}

interface KindTest {
  kind: DeployerKind;
  /** Where such a document may be: a file of this name, or a text holding this (a cheap test before parsing). */
  where: { file: RegExp } | { text: RegExp };
  is(root: YMap, kind: string | undefined, apiVersion: string): boolean;
}

/** The kinds of deployer, in the order they are tested on a document (the first that holds is its kind). */
const KINDS: readonly KindTest[] = [
  // An Argo CD Application: a directory or a chart, at `spec.source` or each of `spec.sources`.
  { kind: 'argo-application', where: { text: /argoproj\.io/ }, is: (_, kind, apiVersion) => kind === 'Application' && apiVersion.startsWith('argoproj.io/') },
  // An Argo CD ApplicationSet: Applications made from its template, one per entry of its generators.
  { kind: 'argo-applicationset', where: { text: /argoproj\.io/ }, is: (_, kind, apiVersion) => kind === 'ApplicationSet' && apiVersion.startsWith('argoproj.io/') },
  { kind: 'flux-helmrelease', where: { text: /helm\.toolkit\.fluxcd\.io/ }, is: (_, kind, apiVersion) => kind === 'HelmRelease' && apiVersion.startsWith('helm.toolkit.fluxcd.io/') },
  { kind: 'helmfile', where: { file: /(?:^|\/)helmfile(?:\.[^/]*)?\.ya?ml$/i }, is: (root) => isYSeq(get(root, 'releases')) },
  { kind: 'kustomize-helmcharts', where: { file: /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/ }, is: (root) => isYSeq(get(root, 'helmCharts')) },
  { kind: 'flux-kustomization', where: { text: /kustomize\.toolkit\.fluxcd\.io/ }, is: (_, kind, apiVersion) => kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/') },
];

const ALL_KINDS = KINDS.map((test) => test.kind);

/** Whether a file may hold a deployer, by its name: a YAML file, or a kustomization (`Kustomization` has no extension). */
export function mayHoldDeployers(file: string): boolean {
  return /\.ya?ml$/i.test(file) || /(?:^|\/)Kustomization$/.test(file);
}

/** The deployer documents of a file among `kinds`, in their order (parsed once, through the YAML cache, or `load`: the scan's parses, yaml/parses.ts). */
export function deployerDocuments(file: string, source: string, kinds: readonly DeployerKind[] = ALL_KINDS, load: (text: string) => YamlLoadResult = loadYamlCached): DeployerDocument[] {
  const tests = KINDS.filter((test) => kinds.includes(test.kind) && ('file' in test.where ? test.where.file.test(file) : test.where.text.test(source)));
  if (tests.length === 0) return [];
  const out: DeployerDocument[] = [];
  for (const document of load(source).documents) {
    const root = document.root;
    if (!isYMap(root)) continue;
    const apiVersion = text(get(root, 'apiVersion')) ?? '';
    const kind = text(get(root, 'kind'));
    const found = tests.find((test) => test.is(root, kind, apiVersion));
    if (found) out.push({ kind: found.kind, root });
  }
  return out;
}

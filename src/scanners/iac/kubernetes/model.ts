import { duplicateKeyMessage, deepestKeyLine, get, isTrue, isYMap, items, pair, text, type YMap, type YNode } from '../yaml/tree.js';
import { loadYamlCached } from '../yaml/cache.js';
import type { ParseContext } from '../rule.js';
import { isCustomResource, podCarrierPaths, WORKLOAD_KINDS } from './pod-carriers.js';
import { parseImage } from '../image.js';
import type { KustomizeImages, KustomizeNamespace } from './kustomize.js';
import { isBuiltImage, type BuiltImages } from './built-images.js';
import { onlyCustomResourceDefinitions } from './crd-only.js';

/** One Kubernetes object of a manifest (a document, or an item of a `kind: List`). */
export interface KubeObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  root: YMap;
  line: number;
  /** How findings name the object when it is not written as a manifest: the Terraform resource that deploys it (`kubernetes_deployment.web`). */
  label?: string;
  /**
   * Written by `helm template` (a `# Source: <chart>/templates/<file>` comment heads its
   * document): its namespace is the release's, which `helm template` without -n writes
   * as "default" and `helm install -n` chooses.
   */
  helmRendered?: boolean;
}

/** A pod spec wherever it sits: Pod.spec, <workload>.spec.template.spec, CronJob.spec.jobTemplate.spec.template.spec... */
export interface PodSpec {
  object: KubeObject;
  spec: YMap;
  /** Line of the `spec:` key that holds the pod spec. */
  specLine: number;
  /** The metadata beside the spec (pod template metadata, or the Pod's own), for annotations. */
  metadata?: YMap;
}

export interface Container {
  pod: PodSpec;
  node: YMap;
  name: string;
  /** containers, initContainers or ephemeralContainers */
  list: 'containers' | 'initContainers' | 'ephemeralContainers';
  line: number;
}

export interface KubeInput {
  objects: KubeObject[];
  /** The namespace a kustomization that lists this file (or a Flux Kustomization or Argo CD Application that deploys it) sets on its objects, and where that is said. */
  kustomizeNamespace?: KustomizeNamespace;
  /** The `images:` overrides of a kustomization that deploys this file. */
  kustomizeImages?: KustomizeImages;
  /** The images a development tool (skaffold, Tilt) that deploys this file builds, and puts in place of the written ones (built-images.ts). */
  builtImages?: BuiltImages;
  /** The images a Makefile, script or CI file of the repository builds with `docker build -t` (image-builds.ts builtImageKey), with the file that builds each. */
  scriptBuiltImages?: ReadonlyMap<string, string>;
  pods: PodSpec[];
  containers: Container[];
  /** Documents that are CNI network configurations (a node's /etc/cni/net.d/*.conflist), not API objects. */
  cniConfigs: YMap[];
  /** The RoleBindings and ClusterRoleBindings of the other manifests of the file's directory (rbac-bindings.ts), named with their file. */
  scanBindings?: readonly KubeObject[];
  /** The aggregating ClusterRoles of the other manifests of the file's directory and of those above it, with their bindings (rbac-bindings.ts). */
  scanAggregators?: readonly ScanAggregator[];
  /** What the objects are, when more than one file: a Helm chart's render (undefined: the file). */
  scope?: KubeScope;
}

/** A Helm chart's render, as `helm template` prints it; `part` when it is too large to be read whole, and is read in parts. */
export interface KubeScope {
  chart: string;
  part?: { index: number; count: number };
}

/** Where the objects a rule compares come from, for its messages: "in this file" ("of this file"), "that the chart renders". */
export function scopePhrase(input: Pick<KubeInput, 'scope'>, preposition: 'in' | 'of' = 'in'): string {
  const scope = input.scope;
  if (!scope) return `${preposition} this file`;
  if (!scope.part) return 'that the chart renders';
  return `${preposition} this part of the chart's render (part ${scope.part.index} of ${scope.part.count}, read apart for its size)`;
}

/** An aggregating ClusterRole of another manifest, with the bindings of its own directory (its file's included), named with their files. */
export interface ScanAggregator {
  role: KubeObject;
  bindings: readonly KubeObject[];
}

/** A CNI network configuration: `cniVersion` with a plugin chain (`plugins`) or a single plugin (`type`). */
function isCniConfig(node: YMap): boolean {
  return text(get(node, 'cniVersion')) !== undefined && (get(node, 'plugins') !== undefined || text(get(node, 'type')) !== undefined) && get(node, 'kind') === undefined;
}

const MAX_LIST_DEPTH = 3;

export function readKubernetes(source: string, warn: (line: number, message: string) => void, context?: ParseContext): KubeInput | undefined {
  const kustomizeNamespace = context?.kubernetes?.kustomizeNamespace;
  const kustomizeImages = context?.kubernetes?.kustomizeImages;
  const builtImages = context?.kubernetes?.builtImages;
  const scriptBuiltImages = context?.kubernetes?.scriptBuiltImages;
  const scanBindings = context?.kubernetes?.scanBindings;
  const scanAggregators = context?.kubernetes?.scanAggregators;
  const scope = context?.kubernetes?.scope;
  // Schemas only: nothing to check, and the largest files of many charts (crd-only.ts).
  if (onlyCustomResourceDefinitions(source)) return undefined;
  const loaded = (context?.loadYaml ?? loadYamlCached)(source);
  for (const problem of loaded.problems) warn(problem.line, problem.message);
  for (const duplicate of loaded.duplicates) warn(duplicate.line, duplicateKeyMessage(duplicate, 'kubernetes'));
  const objects: KubeObject[] = [];
  let lines: string[] | undefined;
  let helmMarked: boolean | undefined;
  const collect = (node: YNode | null | undefined, depth: number) => {
    if (!isYMap(node)) return;
    const kind = text(get(node, 'kind'));
    const apiVersion = text(get(node, 'apiVersion'));
    if (!kind || !apiVersion) return;
    if (/List$/.test(kind) && depth < MAX_LIST_DEPTH) {
      for (const item of items(get(node, 'items'))) collect(item, depth + 1);
      return;
    }
    // kustomize's namespace (and Flux's targetNamespace) replaces the one the object writes.
    const namespace = kustomizeNamespace?.overrides ? kustomizeNamespace.namespace : (text(get(node, 'metadata', 'namespace')) ?? kustomizeNamespace?.namespace);
    objects.push({
      kind,
      apiVersion,
      name: text(get(node, 'metadata', 'name')) ?? text(get(node, 'metadata', 'generateName')) ?? '(unnamed)',
      ...(namespace ? { namespace } : {}),
      root: node,
      line: node.line,
      ...(depth === 0 && (helmMarked ??= HELM_SOURCE_MARK.test(source)) && renderedByHelm((lines ??= source.split('\n')), node.line) ? { helmRendered: true } : {}),
    });
  };
  for (const doc of loaded.documents) collect(doc.root, 0);
  const cniConfigs = loaded.documents.flatMap((doc) => (isYMap(doc.root) && isCniConfig(doc.root) ? [doc.root] : []));
  if (objects.length === 0 && cniConfigs.length === 0) return undefined;
  return { ...kubeInputOf(objects), cniConfigs, ...(kustomizeNamespace ? { kustomizeNamespace } : {}), ...(kustomizeImages ? { kustomizeImages } : {}), ...(builtImages ? { builtImages } : {}), ...(scriptBuiltImages?.size ? { scriptBuiltImages } : {}), ...(scanBindings?.length ? { scanBindings } : {}), ...(scanAggregators?.length ? { scanAggregators } : {}), ...(scope ? { scope } : {}) };
}

const HELM_SOURCE_MARK = /^#\s*Source:\s*\S+\/templates\//m;
/** Comment and blank lines read above a document's first key for its `# Source:` comment. */
const MAX_HEADER_LINES = 8;

/** Whether the comments just above a document's first line (1-based) say that `helm template` wrote it. */
function renderedByHelm(lines: readonly string[], line: number): boolean {
  for (let i = line - 2; i >= 0 && i >= line - 1 - MAX_HEADER_LINES; i--) {
    const above = lines[i]!.trim();
    if (HELM_SOURCE_MARK.test(above)) return true;
    if (above !== '' && !above.startsWith('#')) return false;
  }
  return false;
}

/** The input of the rules for objects read from elsewhere than a manifest (Terraform's kubernetes provider): their pods and containers found. */
export function kubeInputOf(objects: KubeObject[]): KubeInput {
  const pods = objects.flatMap(podSpecsOf);
  return { objects, pods, containers: pods.flatMap(containersOf), cniConfigs: [] };
}

/**
 * Objects that cannot be created as written: one without metadata.name or generateName,
 * which the API server requires of every object, and a built-in workload that has
 * containers none of which names an image, which it requires of a pod. Such an object is
 * a patch that another tool merges into the real one (a kubeadm or kind patch directory,
 * a Helm post-renderer's or an unlisted kustomize overlay's patch), or the expected state
 * a test compares the cluster with (kuttl and chainsaw assert files): it holds only what
 * it changes or checks, and only the findings on values it writes stand (written-values.ts).
 * By objectLabel.
 */
export function partialObjects(input: KubeInput): Set<string> {
  const out = new Set<string>();
  for (const object of input.objects) {
    if (object.label !== undefined) continue;
    const named = text(get(object.root, 'metadata', 'name')) !== undefined || text(get(object.root, 'metadata', 'generateName')) !== undefined;
    const containers = input.containers.filter((c) => c.pod.object === object);
    const imageless = WORKLOAD_KINDS.has(object.kind) && containers.length > 0 && containers.every((c) => get(c.node, 'image') === undefined);
    if (!named || imageless) out.add(objectLabel(object));
  }
  return out;
}

/**
 * A kuttl or chainsaw test step's assert or errors file (`00-assert.yaml`, `01-errors-pods.yaml`):
 * the state the test expects of the cluster (or expects not to find), compared with it, never
 * applied, and holding only the fields it checks. Its objects are judged like partialObjects.
 */
export function isTestAssertionFile(path: string): boolean {
  return /(?:^|\/)\d+-(?:assert|errors)(?:[-.][^/]*)?\.ya?ml$/.test(path);
}

/** The image a container runs: as written, or as a kustomization's `images:` entry changes it. */
export interface DeployedImage {
  ref: string;
  /** The line of the container's `image:` key. */
  line: number;
  /** The kustomization whose `images:` changed the written reference. */
  via?: string;
  /**
   * What builds the image and puts it in place of the reference when it deploys the
   * manifest, pinned by digest: `skaffold.yaml` (skaffold), `Tiltfile` (Tilt), or `ko` for a
   * `ko://` import path, which ko (and skaffold's ko builder) resolves to an image by digest.
   */
  builtBy?: string;
}

export function deployedImage(c: Container, input: Pick<KubeInput, 'kustomizeImages' | 'builtImages'>): DeployedImage | undefined {
  const image = pair(c.node, 'image');
  const written = text(image?.value);
  if (!image || written === undefined) return undefined;
  // Istio's sidecar injector merges its proxy container into the one named istio-proxy and puts its own image in
  // place of the placeholder `auto` (gateway deployments): the manifest names no image.
  if (written.trim() === 'auto' && c.name === 'istio-proxy') return undefined;
  const ref = parseImage(written);
  const override = ref.templated ? undefined : input.kustomizeImages?.images.find((entry) => entry.name === ref.name);
  let out: DeployedImage = { ref: written, line: image.keyLine };
  if (override && input.kustomizeImages) {
    const name = override.newName ?? ref.name;
    // kustomize: a digest replaces tag and digest; a new tag replaces the tag and keeps no old digest.
    const rest = override.digest ? `@${override.digest}` : override.newTag ? `:${override.newTag}` : `${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
    out = { ref: `${name}${rest}`, line: image.keyLine, via: input.kustomizeImages.from };
  }
  // skaffold and Tilt replace images in what kustomize built.
  if (/^ko:\/\//i.test(out.ref.trim())) return { ...out, builtBy: 'ko' };
  if (input.builtImages && isBuiltImage(out.ref, input.builtImages)) return { ...out, builtBy: input.builtImages.from };
  return out;
}

/**
 * Pod specs of an object (pod-carriers.ts): a built-in object's `spec` when it holds
 * containers, and nested `template`/`jobTemplate` specs; a known custom resource's pod
 * templates where it keeps them; another custom resource's nested templates only, when
 * a container of theirs names an image.
 */
function podSpecsOf(object: KubeObject): PodSpec[] {
  const out: PodSpec[] = [];
  const custom = isCustomResource(object);
  const take = (owner: YMap, needsImage = false): boolean => {
    const spec = get(owner, 'spec');
    if (!isYMap(spec) || !(pair(spec, 'containers') || pair(spec, 'initContainers'))) return false;
    // Containers without an image are overrides that the operator merges into the pod it builds (a CloudNativePG Pooler's template).
    if (needsImage && !['containers', 'initContainers'].some((list) => items(get(spec, list)).some((c) => get(c, 'image') !== undefined))) return false;
    const metadata = get(owner, 'metadata');
    out.push({ object, spec, specLine: pair(owner, 'spec')?.keyLine ?? spec.line, ...(isYMap(metadata) ? { metadata } : {}) });
    return true;
  };
  const carried = podCarrierPaths(object);
  if (carried) {
    for (const path of carried) for (const owner of at(object.root, path)) take(owner);
    return out;
  }
  const visit = (owner: YMap, depth: number) => {
    const spec = get(owner, 'spec');
    if (!isYMap(spec) || depth > 4) return;
    // A custom resource's own spec is no pod: containers there are what its operator merges into the pods it builds.
    if ((depth > 0 || !custom) && take(owner, custom)) return;
    for (const key of ['template', 'jobTemplate']) {
      const inner = get(spec, key);
      if (isYMap(inner)) visit(inner, depth + 1);
    }
  };
  visit(object.root, 0);
  // PodTemplate objects keep the pod under `template` at the top level.
  const template = get(object.root, 'template');
  if (object.kind === 'PodTemplate' && isYMap(template)) visit(template, 1);
  return out;
}

/** The maps at a path of keys, `*` standing for every entry of a list. */
function at(node: YNode | null | undefined, path: readonly string[]): YMap[] {
  if (path.length === 0) return isYMap(node) ? [node] : [];
  const [key, ...rest] = path;
  const next = key === '*' ? items(node) : [get(node, key!)];
  return next.flatMap((child) => at(child, rest));
}

function containersOf(pod: PodSpec): Container[] {
  const out: Container[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    for (const item of items(get(pod.spec, list))) {
      if (!isYMap(item)) continue;
      out.push({ pod, node: item, name: text(get(item, 'name')) ?? '(unnamed)', list, line: item.line });
    }
  }
  return out;
}

export function objectLabel(object: KubeObject): string {
  return object.label ?? `${object.kind}/${object.name}`;
}

/** The object as a message names it in words: `Service web`, or the resource that deploys it (`kubernetes_service.web`). */
export function objectTitle(object: KubeObject): string {
  return object.label ?? `${object.kind} ${object.name}`;
}

/** The expression a Terraform file writes for a value known only at apply (`var.name`; '' when not written there), or undefined for a value that is known, or absent. */
export function atApply(node: YNode | null | undefined): string | undefined {
  return node?.kind === 'scalar' ? node.atApply : undefined;
}

/**
 * A container as messages name it: its name; for an object a Terraform resource deploys whose
 * container has no name known before apply, its place in its list and what names it
 * (`#2 (named by var.sidecar)`), not "(unnamed)".
 */
export function containerName(container: Container): string {
  if (container.pod.object.label === undefined || text(get(container.node, 'name')) !== undefined) return container.name;
  const place = items(get(container.pod.spec, container.list)).indexOf(container.node) + 1;
  const by = atApply(get(container.node, 'name'));
  return `#${place}${by ? ` (named by ${by})` : ''}`;
}

export function containerLabel(container: Container): string {
  const kind = container.list === 'containers' ? 'container' : container.list === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${objectLabel(container.pod.object)} ${kind} ${containerName(container)}`;
}

/**
 * A service account a binding's subject names, for messages: `namespace/name`, its namespace the
 * subject's, else the binding's; `name (namespace known at apply)` when a Terraform file gives
 * that namespace only at apply; `(namespace of the binding)/name` when a manifest leaves it to deployment.
 */
export function subjectAccount(binding: KubeObject, subject: YNode): string | undefined {
  const name = text(get(subject, 'name'));
  if (text(get(subject, 'kind')) !== 'ServiceAccount' || !name) return undefined;
  const namespace = text(get(subject, 'namespace')) ?? (atApply(get(subject, 'namespace')) === undefined ? binding.namespace : undefined);
  if (namespace !== undefined) return `${namespace}/${name}`;
  const unknown = atApply(get(subject, 'namespace')) ?? atApply(get(binding.root, 'metadata', 'namespace'));
  return unknown !== undefined ? `${name} (namespace known at apply)` : `(namespace of the binding)/${name}`;
}

/**
 * The line of a key path, or of the deepest part of it that exists: where a missing
 * setting belongs (`securityContext:` when `readOnlyRootFilesystem` is missing under
 * it, the container's first line when even `securityContext` is missing).
 */
export function lineOfPath(node: YMap, ...keys: string[]): number {
  return deepestKeyLine(node, node.line, keys);
}

/**
 * A security setting as it applies to a container: the container's securityContext
 * overrides the pod's. Returns the node that decides and the line where it is set.
 */
export function effectiveSetting(container: Container, key: string): { node: YNode; line: number; level: 'container' | 'pod' } | undefined {
  const own = pair(get(container.node, 'securityContext'), key);
  if (own?.value) return { node: own.value, line: own.keyLine, level: 'container' };
  const pod = pair(get(container.pod.spec, 'securityContext'), key);
  if (pod?.value) return { node: pod.value, line: pod.keyLine, level: 'pod' };
  return undefined;
}

/**
 * A pod that runs on Windows nodes: spec.os.name: windows, a nodeSelector on
 * kubernetes.io/os: windows, or a HostProcess container (Windows only). The Linux settings
 * of a securityContext (allowPrivilegeEscalation, capabilities, readOnlyRootFilesystem,
 * seccompProfile, runAsUser) do not apply there, and the API server rejects them in a pod
 * whose os.name is windows.
 */
export function isWindowsPod(pod: PodSpec, containers: readonly Container[]): boolean {
  if (text(get(pod.spec, 'os', 'name'))?.toLowerCase() === 'windows') return true;
  const selector = get(pod.spec, 'nodeSelector');
  if (['kubernetes.io/os', 'beta.kubernetes.io/os'].some((key) => text(get(selector, key))?.toLowerCase() === 'windows')) return true;
  return hostProcess(pod, containers).length > 0;
}

/**
 * Where a pod asks for Windows HostProcess containers (windowsOptions.hostProcess: true, in
 * the pod securityContext or a container's): they run as processes of the node itself,
 * outside any container, with the node's access. The pod's setting, else each container's.
 */
export function hostProcess(pod: PodSpec, containers: readonly Container[]): Array<{ line: number; container?: Container }> {
  const own = pair(get(pod.spec, 'securityContext', 'windowsOptions'), 'hostProcess');
  if (own && isTrue(own.value)) return [{ line: own.keyLine }];
  return containers.flatMap((container) => {
    const flag = pair(get(container.node, 'securityContext', 'windowsOptions'), 'hostProcess');
    return flag && isTrue(flag.value) ? [{ line: flag.keyLine, container }] : [];
  });
}

export function annotation(pod: PodSpec, key: string): { value: string; line: number } | undefined {
  for (const metadata of [pod.metadata, get(pod.object.root, 'metadata')]) {
    const p = pair(get(metadata, 'annotations'), key);
    const value = text(p?.value);
    if (p && value !== undefined) return { value, line: p.keyLine };
  }
  return undefined;
}

export { WORKLOAD_KINDS } from './pod-carriers.js';

/**
 * Which objects run pods, and where their pod specs sit. A built-in workload keeps its
 * pod spec at `spec` (Pod), `spec.template.spec` or `spec.jobTemplate.spec.template.spec`.
 * A custom resource is whatever its operator makes of it: a `containers:` list at the top
 * of its spec is often a partial override that the operator merges into the pods it
 * builds (a Prometheus's `spec.containers` patch the containers of its StatefulSet), so
 * it is not read as a pod. Custom resources known to carry a whole pod template are
 * read at the place they keep it; any other custom resource only where it has the shape
 * of a real pod template (`spec.template.spec`, `spec.jobTemplate.spec.template.spec`).
 */

/** Workload kinds of the core, apps and batch groups (and their older groups). */
export const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate']);

/**
 * API groups served by Kubernetes itself, and those of its configuration files: objects of
 * any other group are custom resources, which an operator may turn into pods. Groups such as
 * gateway.networking.k8s.io are CRDs (a Gateway's controller may run pods for it) and are not listed.
 */
const BUILT_IN_GROUPS = new Set([
  '', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps', 'authentication.k8s.io', 'authorization.k8s.io',
  'autoscaling', 'batch', 'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'extensions', 'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'resource.k8s.io', 'scheduling.k8s.io',
  'storage.k8s.io', 'storagemigration.k8s.io', 'audit.k8s.io', 'apiserver.k8s.io', 'client.authentication.k8s.io', 'kubeadm.k8s.io',
]);

export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** An object of an API group that Kubernetes does not serve itself (a built-in workload kind never is). */
export function isCustomResource(object: { kind: string; apiVersion: string }): boolean {
  if (WORKLOAD_KINDS.has(object.kind)) return false;
  const group = apiGroup(object.apiVersion);
  return !BUILT_IN_GROUPS.has(group) && !group.endsWith('.config.k8s.io');
}

/**
 * Custom resources that carry whole pod specs, by `group/kind`: the paths of the maps that
 * hold the pod's `spec` (and `metadata`) beside each other; `[]` is the object itself, and
 * `*` stands for every entry of a list.
 */
const POD_CARRIERS = new Map<string, ReadonlyArray<readonly string[]>>([
  // Argo Rollouts: a Deployment with progressive delivery (a Rollout with workloadRef has no template),
  // the Jobs an analysis runs as a metric, and the ReplicaSets of an Experiment.
  ['argoproj.io/Rollout', [['spec', 'template']]],
  ['argoproj.io/AnalysisTemplate', [['spec', 'metrics', '*', 'provider', 'job', 'spec', 'template']]],
  ['argoproj.io/ClusterAnalysisTemplate', [['spec', 'metrics', '*', 'provider', 'job', 'spec', 'template']]],
  ['argoproj.io/Experiment', [['spec', 'templates', '*', 'template']]],
  // OpenKruise workloads; a SidecarSet's containers are injected whole into matching pods.
  ['apps.kruise.io/CloneSet', [['spec', 'template']]],
  ['apps.kruise.io/StatefulSet', [['spec', 'template']]],
  ['apps.kruise.io/DaemonSet', [['spec', 'template']]],
  ['apps.kruise.io/BroadcastJob', [['spec', 'template']]],
  ['apps.kruise.io/AdvancedCronJob', [['spec', 'template', 'jobTemplate', 'spec', 'template'], ['spec', 'template', 'broadcastJobTemplate', 'spec', 'template']]],
  ['apps.kruise.io/SidecarSet', [[]]],
  // Knative Serving: a Service or Configuration stamps Revisions out of its template.
  ['serving.knative.dev/Service', [['spec', 'template']]],
  ['serving.knative.dev/Configuration', [['spec', 'template']]],
  ['serving.knative.dev/Revision', [[]]],
  // OpenShift's DeploymentConfig, and KEDA's ScaledJob (a Job template under jobTargetRef).
  ['apps.openshift.io/DeploymentConfig', [['spec', 'template']]],
  ['keda.sh/ScaledJob', [['spec', 'jobTargetRef', 'template']]],
  // An OLM bundle's ClusterServiceVersion: OLM creates each Deployment of spec.install as written.
  ['operators.coreos.com/ClusterServiceVersion', [['spec', 'install', 'spec', 'deployments', '*', 'spec', 'template']]],
  // Kubernetes SIG Apps agent sandboxes: the pod an agent's code runs in.
  ['agents.x-k8s.io/Sandbox', [['spec', 'podTemplate']]],
  ['extensions.agents.x-k8s.io/SandboxTemplate', [['spec', 'podTemplate']]],
]);

/** Custom resources of POD_CARRIERS that are cluster-scoped; every other one lives in a namespace. */
const CLUSTER_SCOPED_CARRIERS = new Set(['argoproj.io/ClusterAnalysisTemplate', 'apps.kruise.io/SidecarSet']);

/**
 * Whether a custom resource is known to live in a namespace: the pod carriers above,
 * whose CRDs declare `scope: Namespaced`. Any other custom resource's scope is unknown.
 */
export function isNamespacedCarrier(object: { kind: string; apiVersion: string }): boolean {
  const key = `${apiGroup(object.apiVersion)}/${object.kind}`;
  return POD_CARRIERS.has(key) && !CLUSTER_SCOPED_CARRIERS.has(key);
}

/** Where a known custom resource keeps its pod specs (see POD_CARRIERS); undefined for any other object. */
export function podCarrierPaths(object: { kind: string; apiVersion: string }): ReadonlyArray<readonly string[]> | undefined {
  return POD_CARRIERS.get(`${apiGroup(object.apiVersion)}/${object.kind}`);
}

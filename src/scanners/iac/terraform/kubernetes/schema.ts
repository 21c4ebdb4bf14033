/**
 * How the Terraform kubernetes provider (hashicorp/kubernetes) writes the objects of the
 * Kubernetes API, as data: which resource makes which kind, and how the provider's names
 * and blocks map to the API's fields. convert.ts reads a resource through this table into
 * the tree the Kubernetes rules read.
 *
 * The provider's schema follows the API with three differences:
 * - names are snake_case (`run_as_non_root` for `runAsNonRoot`); most map back by camelCase,
 *   the others are listed in NAMES (`host_pid` is `hostPID`);
 * - a list of objects is written as a repeated singular block (`container { }` twice for
 *   `containers:`), listed in FIELDS with the API's name and `list`;
 * - a few blocks only group fields (`persistent_volume_source` of a PersistentVolume),
 *   their fields belong to the parent (`flatten`).
 * Attributes that hold maps of data (labels, annotations, resource limits) keep their keys
 * as written (`data`). `kubernetes_manifest` takes the API's own shape in `manifest`.
 */

/** The kind and API version each resource type makes. */
export interface ProviderKind {
  kind: string;
  apiVersion: string;
}

const kinds = (entries: ReadonlyArray<[string, string, string]>): Map<string, ProviderKind> => {
  const out = new Map<string, ProviderKind>();
  for (const [type, kind, apiVersion] of entries) {
    out.set(type, { kind, apiVersion });
  }
  return out;
};

/**
 * Resource types of the provider whose objects the Kubernetes rules judge, without the
 * `_v1` suffix when both forms exist (RESOURCE_TYPES below adds it); the unversioned
 * forms of the older provider versions deploy the same API versions.
 */
export const RESOURCE_KINDS: ReadonlyMap<string, ProviderKind> = kinds([
  ['kubernetes_pod', 'Pod', 'v1'],
  ['kubernetes_deployment', 'Deployment', 'apps/v1'],
  ['kubernetes_daemonset', 'DaemonSet', 'apps/v1'],
  ['kubernetes_daemon_set', 'DaemonSet', 'apps/v1'],
  ['kubernetes_stateful_set', 'StatefulSet', 'apps/v1'],
  ['kubernetes_replication_controller', 'ReplicationController', 'v1'],
  ['kubernetes_job', 'Job', 'batch/v1'],
  ['kubernetes_cron_job', 'CronJob', 'batch/v1'],
  ['kubernetes_service', 'Service', 'v1'],
  ['kubernetes_service_account', 'ServiceAccount', 'v1'],
  ['kubernetes_default_service_account', 'ServiceAccount', 'v1'],
  ['kubernetes_secret', 'Secret', 'v1'],
  ['kubernetes_config_map', 'ConfigMap', 'v1'],
  // The data of a ConfigMap that exists (EKS's kube-system/aws-auth), set with server-side apply: judged by PARTIAL_OBJECTS' rules only.
  ['kubernetes_config_map_v1_data', 'ConfigMap', 'v1'],
  ['kubernetes_role', 'Role', 'rbac.authorization.k8s.io/v1'],
  ['kubernetes_cluster_role', 'ClusterRole', 'rbac.authorization.k8s.io/v1'],
  ['kubernetes_role_binding', 'RoleBinding', 'rbac.authorization.k8s.io/v1'],
  ['kubernetes_cluster_role_binding', 'ClusterRoleBinding', 'rbac.authorization.k8s.io/v1'],
  ['kubernetes_persistent_volume', 'PersistentVolume', 'v1'],
  ['kubernetes_network_policy', 'NetworkPolicy', 'networking.k8s.io/v1'],
  ['kubernetes_ingress', 'Ingress', 'networking.k8s.io/v1'],
  ['kubernetes_pod_security_policy', 'PodSecurityPolicy', 'policy/v1beta1'],
]);

/**
 * Resource types that set part of an object made elsewhere, and the rules that judge that
 * part: kubernetes_config_map_v1_data sets the data of an existing ConfigMap (EKS's
 * kube-system/aws-auth), which the other ConfigMap rules do not judge.
 */
export const PARTIAL_OBJECTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([['kubernetes_config_map_v1_data', new Set(['iac/k8s-eks-aws-auth-system-masters'])]]);

/** The resource type that holds a whole object in the API's shape, in its `manifest` argument. */
export const MANIFEST_RESOURCE = 'kubernetes_manifest';

/** The resource type of the kubectl providers (gavinbunney/kubectl, alekc/kubectl) that applies one YAML document, its `yaml_body`. */
export const KUBECTL_MANIFEST = 'kubectl_manifest';

/** The kind a resource type makes (`kubernetes_deployment_v1` as `kubernetes_deployment`), or undefined. */
export function kindOf(type: string): ProviderKind | undefined {
  return RESOURCE_KINDS.get(type) ?? RESOURCE_KINDS.get(type.replace(/_v1(?:beta1)?$/, ''));
}

/** Arguments of a resource that are Terraform's or the provider's own, not part of the object. */
export const NOT_OF_THE_OBJECT = new Set([
  'count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection', 'timeouts',
  'force', 'field_manager',
  'wait_for_rollout', 'wait_for_load_balancer', 'wait_for_completion', 'wait_for_default_secret', 'wait_for_service_account_token',
]);

/**
 * A field of the provider's schema whose API form is not its name in camelCase, or that
 * the provider writes as a repeated block. `under` limits an entry to blocks (or
 * objects) of those names (`''` for the resource itself); the first entry that applies wins.
 */
export interface FieldMapping {
  /** The API's name of the field. */
  key?: string;
  /** Repeated blocks (or one object, as some files write it) that make a list of objects. */
  list?: true;
  /** A map of data (labels, resource quantities): its keys are kept as written. Only for attributes. */
  data?: true;
  /** A block that only groups fields: they go into the parent object. */
  flatten?: true;
  under?: readonly string[];
}

export const FIELDS: ReadonlyMap<string, readonly FieldMapping[]> = new Map<string, FieldMapping[]>([
  // Pod spec and containers.
  ['container', [{ key: 'containers', list: true }]],
  ['init_container', [{ key: 'initContainers', list: true }]],
  ['ephemeral_container', [{ key: 'ephemeralContainers', list: true }]],
  ['volume', [{ key: 'volumes', list: true }]],
  ['volume_mount', [{ key: 'volumeMounts', list: true }]],
  ['volume_device', [{ key: 'volumeDevices', list: true }]],
  ['env', [{ list: true }]],
  ['env_from', [{ key: 'envFrom', list: true }]],
  ['toleration', [{ key: 'tolerations', list: true }]],
  ['host_aliases', [{ key: 'hostAliases', list: true }]],
  ['image_pull_secrets', [{ key: 'imagePullSecrets', list: true }]],
  ['readiness_gate', [{ key: 'readinessGates', list: true }]],
  ['topology_spread_constraint', [{ key: 'topologySpreadConstraints', list: true }]],
  ['sysctl', [{ key: 'sysctls', list: true }]],
  ['http_header', [{ key: 'httpHeaders', list: true }]],
  ['option', [{ key: 'options', list: true }]],
  ['items', [{ list: true }]],
  ['sources', [{ list: true }]],
  // A container's and a Service's ports are lists; the port of an Ingress backend's service is one object.
  ['port', [{ under: ['service'] }, { key: 'ports', list: true }]],
  ['ports', [{ list: true }]],
  // Workloads.
  ['volume_claim_template', [{ key: 'volumeClaimTemplates', list: true }]],
  ['match_expressions', [{ key: 'matchExpressions', list: true }]],
  ['match_fields', [{ key: 'matchFields', list: true }]],
  ['node_selector_term', [{ key: 'nodeSelectorTerms', list: true }]],
  ['preferred_during_scheduling_ignored_during_execution', [{ key: 'preferredDuringSchedulingIgnoredDuringExecution', list: true }]],
  ['required_during_scheduling_ignored_during_execution', [{ under: ['node_affinity'] }, { key: 'requiredDuringSchedulingIgnoredDuringExecution', list: true }]],
  // RBAC: the rules of a role, the subjects of a binding (role_ref stays one object).
  ['rule', [{ key: 'rules', list: true }]],
  ['subject', [{ key: 'subjects', list: true }]],
  ['cluster_role_selectors', [{ key: 'clusterRoleSelectors', list: true }]],
  // NetworkPolicy rules and their peers.
  ['ingress', [{ list: true }]],
  ['egress', [{ list: true }]],
  ['from', [{ list: true }]],
  ['to', [{ list: true }]],
  // Ingress: rule { http { path { } } } and tls { }.
  ['path', [{ key: 'paths', list: true, under: ['http'] }]],
  ['tls', [{ list: true }]],
  // ServiceAccount: its secrets and pull secrets, at the top of the resource.
  ['secret', [{ key: 'secrets', list: true, under: [''] }]],
  ['image_pull_secret', [{ key: 'imagePullSecrets', list: true, under: [''] }]],
  // PersistentVolume: the volume source is written in a block of its own.
  ['persistent_volume_source', [{ flatten: true }]],
  // PodSecurityPolicy.
  ['host_ports', [{ key: 'hostPorts', list: true }]],
  ['allowed_host_paths', [{ key: 'allowedHostPaths', list: true }]],
  ['allowed_flex_volumes', [{ key: 'allowedFlexVolumes', list: true }]],
  ['range', [{ key: 'ranges', list: true }]],
  ['se_linux', [{ key: 'seLinux' }]],
  // Maps of data.
  ['labels', [{ data: true }]],
  ['annotations', [{ data: true }]],
  ['match_labels', [{ data: true }]],
  ['node_selector', [{ data: true, under: ['spec'] }]],
  ['limits', [{ data: true }]],
  ['requests', [{ data: true }]],
  ['capacity', [{ data: true }]],
  ['data', [{ data: true, under: [''] }]],
  ['binary_data', [{ data: true, under: [''] }]],
  ['string_data', [{ data: true, under: [''] }]],
  ['volume_attributes', [{ data: true }]],
  ['parameters', [{ data: true }]],
  // A Service's (and a ReplicationController's) selector is a map of labels; a Deployment's is a block.
  ['selector', [{ data: true, under: ['spec'] }]],
]);

/** Names whose camelCase is not the API's (initialisms, renamed fields). */
export const NAMES: ReadonlyMap<string, string> = new Map([
  ['host_pid', 'hostPID'],
  ['host_ipc', 'hostIPC'],
  ['host_ip', 'hostIP'],
  ['cluster_ip', 'clusterIP'],
  ['cluster_ips', 'clusterIPs'],
  ['external_ips', 'externalIPs'],
  ['load_balancer_ip', 'loadBalancerIP'],
  ['non_resource_urls', 'nonResourceURLs'],
  ['run_as_username', 'runAsUserName'],
  ['downward_api', 'downwardAPI'],
  ['ceph_fs', 'cephfs'],
  ['volume_id', 'volumeID'],
  ['pd_id', 'pdID'],
  ['dataset_uuid', 'datasetUUID'],
  ['target_ww_ns', 'targetWWNs'],
  ['data_disk_uri', 'diskURI'],
  ['timezone', 'timeZone'],
  ['ip_block', 'ipBlock'],
]);

/** snake_case to camelCase: `read_only_root_filesystem` -> `readOnlyRootFilesystem`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * What a field of the provider's schema is in the API, inside a block (or object) named
 * `parent` (`''` for the resource itself). The entries of FIELDS are for blocks and
 * objects: a field that holds a plain value (`port = 80` of a Service's port, `rule =
 * "MustRunAsNonRoot"`) is only renamed (`plain`).
 */
export function fieldOf(name: string, parent: string, plain = false): { key: string; list: boolean; data: boolean; flatten: boolean } {
  const entry = plain ? undefined : FIELDS.get(name)?.find((f) => !f.under || f.under.includes(parent));
  return {
    key: entry?.key ?? NAMES.get(name) ?? camelCase(name),
    list: entry?.list === true,
    data: entry?.data === true,
    flatten: entry?.flatten === true,
  };
}

/**
 * Kubernetes rules whose verdict rests on a map of data that a resource may take from a
 * value unknown before apply (`annotations = var.service_annotations`): a finding of such a
 * rule is not kept when that map is unknown, in the object the finding is about (`object`)
 * or in any object of the file (`file`: a NetworkPolicy is judged against every pod's labels).
 */
export const RULES_ON_DATA: ReadonlyMap<string, { fields: readonly string[]; scope: 'object' | 'file' }> = new Map([
  // An annotation may make the load balancer internal, or set the seccomp or AppArmor profile.
  ['iac/k8s-service-loadbalancer', { fields: ['annotations'], scope: 'object' }],
  ['iac/k8s-seccomp-missing', { fields: ['annotations'], scope: 'object' }],
  ['iac/k8s-seccomp-unconfined', { fields: ['annotations'], scope: 'object' }],
  ['iac/k8s-apparmor-unconfined', { fields: ['annotations'], scope: 'object' }],
  // Resource limits given whole.
  ['iac/k8s-no-memory-limit', { fields: ['limits'], scope: 'object' }],
  ['iac/k8s-no-cpu-limit', { fields: ['limits'], scope: 'object' }],
  // What a NetworkPolicy selects, and which pods carry which labels.
  ['iac/k8s-pod-not-isolated', { fields: ['labels', 'match_labels'], scope: 'file' }],
  ['iac/k8s-network-policy-selects-nothing', { fields: ['labels', 'match_labels'], scope: 'file' }],
]);

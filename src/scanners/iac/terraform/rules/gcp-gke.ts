import { isWorld } from '../../cidr.js';
import type { Block } from '../hcl/ast.js';
import type { Hit } from '../../rule.js';
import { attribute, isFalseValue, isTrueValue, label, resourcesOf, valueOf, type TfInput, type TfResource } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { nodeConfigs } from './gcp-compute.js';
import { blocksMade, fileInstance, sectionsIn, setByDefaultOnly, settingAt } from './instances.js';
import { isOff, metadataOf, upper } from './gcp-shared.js';

const clusters = (input: TfInput) => resourcesOf(input, 'google_container_cluster');
/** Autopilot clusters: Google manages the nodes, with Workload Identity, network policy (Dataplane V2) and upgrades always on. */
const isAutopilot = (input: TfInput, cluster: TfResource) => isTrueValue(valueOf(input, cluster.block, 'enable_autopilot'));

const legacyAbac: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-legacy-abac',
  title: 'GKE legacy ABAC authorization enabled',
  description: 'enable_legacy_abac = true turns on attribute-based access control beside RBAC. Legacy ABAC grants broad static permissions that RBAC roles and bindings cannot restrict or audit: service accounts, including the default one of every namespace, may get full access to the cluster API (CIS GKE 5.8.4).',
  remediation: 'Remove enable_legacy_abac (it defaults to false) and grant access with Kubernetes RBAC and IAM.',
  severity: 'high',
  cwe: ['CWE-285'],
  examples: {
    positive: ['resource "google_container_cluster" "main" {\n  name               = "main"\n  location           = "europe-west1"\n  # expect\n  enable_legacy_abac = true\n}\n'],
    negative: ['resource "google_container_cluster" "main" {\n  name               = "main"\n  location           = "europe-west1"\n  enable_legacy_abac = false\n}\n'],
  },
  *check(input) {
    for (const cluster of clusters(input)) {
      const a = attribute(cluster.block, 'enable_legacy_abac');
      if (a && isTrueValue(valueOf(input, cluster.block, 'enable_legacy_abac'))) yield { line: a.line, message: `${label(cluster)} enables legacy ABAC authorization.`, resource: label(cluster) };
    }
  },
});

const legacyAuth: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-legacy-auth',
  title: 'GKE basic authentication or client certificate enabled',
  description: 'master_auth sets a username and password (basic authentication) or issue_client_certificate = true. Both are static credentials for the cluster API that IAM does not control: they cannot be revoked short of rotating the cluster credentials, end up in the Terraform state, and the client certificate carries cluster-admin rights (CIS GKE 5.8.1, 5.8.2).',
  remediation: 'Remove username, password and client_certificate_config from master_auth (or set issue_client_certificate = false) and authenticate with Google identities (gcloud or the gke-gcloud-auth-plugin).',
  severity: 'high',
  cwe: ['CWE-287'],
  examples: {
    positive: [
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  master_auth {\n    client_certificate_config {\n      # expect\n      issue_client_certificate = true\n    }\n  }\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  master_auth {\n    # expect\n    username = "admin"\n    # expect\n    password = var.cluster_password\n  }\n}\n',
    ],
    negative: ['resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  master_auth {\n    client_certificate_config {\n      issue_client_certificate = false\n    }\n  }\n}\n', 'resource "google_container_cluster" "main" {\n  master_auth {\n    username = ""\n    password = ""\n  }\n}\n'],
  },
  *check(input) {
    for (const cluster of clusters(input)) {
      // Read where it is made: a dynamic master_auth or client_certificate_config whose for_each is known empty makes nothing.
      const auth = sectionsIn(cluster.block, 'master_auth', fileInstance(input), { made: true }).find((s) => s.block);
      if (!auth?.block) continue;
      for (const name of ['username', 'password']) {
        const a = attribute(auth.block, name);
        const value = auth.get(name);
        if (!a || value === '' || value === null) continue;
        const hit: Hit = { line: a.line, message: `${label(cluster)} sets a ${name} for basic authentication to the cluster API.`, resource: label(cluster) };
        if (name === 'password' && typeof value === 'string') hit.secret = value;
        yield hit;
      }
      const issue = settingAt(auth.block, ['client_certificate_config', 'issue_client_certificate'], auth.instance);
      if (issue.attribute && isTrueValue(issue.value)) yield { line: issue.line, message: `${label(cluster)} issues a client certificate with cluster-admin rights.`, resource: label(cluster), severity: 'medium' };
    }
  },
});

const publicControlPlane: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-public-control-plane',
  title: 'GKE control plane reachable from the whole internet',
  description: 'The cluster API has a public endpoint and no master_authorized_networks_config, or an authorized network of 0.0.0.0/0, or lets every Google Cloud address in (gcp_public_cidrs_access_enabled). Stolen credentials work from anywhere, and API server vulnerabilities are exposed to every scanner (CIS GKE 5.6.3). Unlike settings whose default is only hygiene, the default here (a public endpoint without authorized networks) is reported at medium like a written-out 0.0.0.0/0: it is the control plane of the cluster.',
  remediation: 'Add master_authorized_networks_config with only your own ranges, or make the endpoint private (private_cluster_config { enable_private_endpoint = true }) or use the DNS-based endpoint with IAM.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      // private_cluster_config as modules write it: a dynamic block over their inputs, read with its iterator bound.
      'variable "enable_private_nodes" {\n  default = true\n}\nvariable "enable_private_endpoint" {\n  default = false\n}\n# expect\nresource "google_container_cluster" "primary" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "private_cluster_config" {\n    for_each = var.enable_private_nodes ? [{ enable_private_nodes = var.enable_private_nodes, enable_private_endpoint = var.enable_private_endpoint }] : []\n    content {\n      enable_private_nodes    = private_cluster_config.value.enable_private_nodes\n      enable_private_endpoint = private_cluster_config.value.enable_private_endpoint\n      master_ipv4_cidr_block  = "172.16.0.0/28"\n    }\n  }\n}\n',
      'variable "master_authorized_networks" {\n  default = [{ cidr_block = "0.0.0.0/0", display_name = "anywhere" }]\n}\nvariable "enable_private_nodes" {\n  default = true\n}\nvariable "enable_private_endpoint" {\n  default = false\n}\nresource "google_container_cluster" "primary" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "private_cluster_config" {\n    for_each = var.enable_private_nodes ? [{ enable_private_nodes = var.enable_private_nodes, enable_private_endpoint = var.enable_private_endpoint }] : []\n    content {\n      enable_private_nodes    = private_cluster_config.value.enable_private_nodes\n      enable_private_endpoint = private_cluster_config.value.enable_private_endpoint\n      master_ipv4_cidr_block  = "172.16.0.0/28"\n    }\n  }\n  master_authorized_networks_config {\n    dynamic "cidr_blocks" {\n      for_each = var.master_authorized_networks\n      content {\n        # expect\n        cidr_block   = cidr_blocks.value.cidr_block\n        display_name = cidr_blocks.value.display_name\n      }\n    }\n  }\n}\n',
      '# expect\nresource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  master_authorized_networks_config {\n    cidr_blocks {\n      # expect\n      cidr_block   = "0.0.0.0/0"\n      display_name = "anywhere"\n    }\n  }\n}\n',
      'variable "master_authorized_networks" {\n  type    = list(object({ cidr_block = string, display_name = string }))\n  default = []\n}\n\n# expect\nresource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "master_authorized_networks_config" {\n    for_each = length(var.master_authorized_networks) > 0 ? [true] : []\n    content {\n      dynamic "cidr_blocks" {\n        for_each = var.master_authorized_networks\n        content {\n          cidr_block   = cidr_blocks.value.cidr_block\n          display_name = cidr_blocks.value.display_name\n        }\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "enable_private_nodes" {\n  default = true\n}\nvariable "enable_private_endpoint" {\n  default = true\n}\nresource "google_container_cluster" "primary" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "private_cluster_config" {\n    for_each = var.enable_private_nodes ? [{ enable_private_nodes = var.enable_private_nodes, enable_private_endpoint = var.enable_private_endpoint }] : []\n    content {\n      enable_private_nodes    = private_cluster_config.value.enable_private_nodes\n      enable_private_endpoint = private_cluster_config.value.enable_private_endpoint\n      master_ipv4_cidr_block  = "172.16.0.0/28"\n    }\n  }\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  master_authorized_networks_config {\n    cidr_blocks {\n      cidr_block   = "203.0.113.0/24"\n      display_name = "office"\n    }\n  }\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  private_cluster_config {\n    enable_private_nodes    = true\n    enable_private_endpoint = true\n    master_ipv4_cidr_block  = "172.16.0.0/28"\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const cluster of clusters(input)) {
      // Modules write these blocks as dynamic blocks over their inputs: read with the iterator bound (settingAt).
      const file = fileInstance(input);
      const privateEndpoint = settingAt(cluster.block, ['private_cluster_config', 'enable_private_endpoint'], file).value;
      const ipEndpoint = settingAt(cluster.block, ['control_plane_endpoints_config', 'ip_endpoints_config', 'enabled'], file).value;
      if (isTrueValue(privateEndpoint) || isFalseValue(ipEndpoint) || (privateEndpoint !== undefined && !known(privateEndpoint)) || (ipEndpoint !== undefined && !known(ipEndpoint))) continue;
      // A `dynamic` config whose for_each is known to be empty (no networks given) leaves authorized networks off.
      const config = sectionsIn(cluster.block, 'master_authorized_networks_config', file, { made: true }).find((c) => c.block);
      if (!config?.block) {
        yield { line: cluster.block.line, message: `${label(cluster)} has a public control plane endpoint without master_authorized_networks_config: any address can reach the cluster API.`, resource: label(cluster) };
        continue;
      }
      const seen = new Set<number>();
      for (const network of sectionsIn(config.block, 'cidr_blocks', config.instance)) {
        const cidr = network.get('cidr_block');
        const line = network.lineOf('cidr_block');
        if (typeof cidr !== 'string' || !isWorld(cidr) || seen.has(line)) continue;
        seen.add(line);
        yield { line, message: `${label(cluster)} authorizes ${cidr} to reach the cluster API.`, resource: label(cluster) };
      }
      const gcp = attribute(config.block, 'gcp_public_cidrs_access_enabled');
      if (gcp && isTrueValue(config.get('gcp_public_cidrs_access_enabled')))
        yield { line: gcp.line, message: `${label(cluster)} lets every Google Cloud public address reach the cluster API (gcp_public_cidrs_access_enabled).`, resource: label(cluster) };
    }
  },
});

const publicNodes: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-public-nodes',
  title: 'GKE nodes have public IP addresses',
  description: 'private_cluster_config.enable_private_nodes is not true, so every node gets an external IP address. NodePort services, host ports and anything listening on the nodes are one firewall rule away from the internet, and the nodes can reach the internet without going through Cloud NAT controls (CIS GKE 5.6.5).',
  remediation: 'Set private_cluster_config { enable_private_nodes = true } with a master_ipv4_cidr_block, and give the nodes outbound access through Cloud NAT.',
  severity: 'low',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      // A dynamic private_cluster_config that makes nothing (enable_private_nodes off) leaves the nodes public.
      'variable "enable_private_nodes" {\n  default = false\n}\nvariable "enable_private_endpoint" {\n  default = false\n}\n# expect\nresource "google_container_cluster" "primary" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "private_cluster_config" {\n    for_each = var.enable_private_nodes ? [{ enable_private_nodes = var.enable_private_nodes, enable_private_endpoint = var.enable_private_endpoint }] : []\n    content {\n      enable_private_nodes    = private_cluster_config.value.enable_private_nodes\n      enable_private_endpoint = private_cluster_config.value.enable_private_endpoint\n      master_ipv4_cidr_block  = "172.16.0.0/28"\n    }\n  }\n}\n','# expect\nresource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n}\n', 'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  private_cluster_config {\n    # expect\n    enable_private_nodes = false\n  }\n}\n'],
    negative: [
      'variable "enable_private_nodes" {\n  default = true\n}\nvariable "enable_private_endpoint" {\n  default = false\n}\nresource "google_container_cluster" "primary" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "private_cluster_config" {\n    for_each = var.enable_private_nodes ? [{ enable_private_nodes = var.enable_private_nodes, enable_private_endpoint = var.enable_private_endpoint }] : []\n    content {\n      enable_private_nodes    = private_cluster_config.value.enable_private_nodes\n      enable_private_endpoint = private_cluster_config.value.enable_private_endpoint\n      master_ipv4_cidr_block  = "172.16.0.0/28"\n    }\n  }\n}\n','resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  private_cluster_config {\n    enable_private_nodes   = true\n    master_ipv4_cidr_block = "172.16.0.0/28"\n  }\n}\n'],
  },
  *check(input) {
    for (const cluster of clusters(input)) {
      const { attribute: a, value, line } = settingAt(cluster.block, ['private_cluster_config', 'enable_private_nodes'], fileInstance(input));
      if (isTrueValue(value) || (a && !known(value))) continue;
      yield { line, message: `${label(cluster)} ${a && value !== null ? 'sets enable_private_nodes = false' : 'does not set enable_private_nodes = true'}: its nodes get public IP addresses.`, resource: label(cluster) };
    }
  },
});

const networkPolicyOff: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-network-policy-off',
  title: 'GKE network policy enforcement off',
  description: 'The Standard cluster neither enables network_policy nor uses Dataplane V2 (datapath_provider = "ADVANCED_DATAPATH"), so Kubernetes NetworkPolicy objects are accepted but not enforced: every pod can connect to every other pod, and one compromised container reaches every database and internal API of the cluster (CIS GKE 5.6.7). Autopilot clusters always enforce network policy. Left at the default it is reported at low severity, written out at medium; a false that only a variable\'s default gives (a module\'s network_policy variable, off by default as GKE is, that no caller or definitions file sets) is left at the default.',
  remediation: 'Create the cluster with datapath_provider = "ADVANCED_DATAPATH", or set network_policy { enabled = true } with addons_config { network_policy_config { disabled = false } }, then write NetworkPolicies.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: ['# expect\nresource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n}\n', 'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  network_policy {\n    # expect\n    enabled = false\n  }\n}\n'],
    negative: [
      'resource "google_container_cluster" "main" {\n  name              = "main"\n  location          = "europe-west1"\n  datapath_provider = "ADVANCED_DATAPATH"\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  network_policy {\n    enabled  = true\n    provider = "CALICO"\n  }\n}\n',
      'resource "google_container_cluster" "auto" {\n  name             = "auto"\n  location         = "europe-west1"\n  enable_autopilot = true\n}\n',
    ],
  },
  *check(input) {
    for (const cluster of clusters(input)) {
      if (isAutopilot(input, cluster)) continue;
      const datapath = attribute(cluster.block, 'datapath_provider');
      const datapathValue = valueOf(input, cluster.block, 'datapath_provider');
      if (datapath && (!known(datapathValue) || upper(datapathValue) === 'ADVANCED_DATAPATH')) continue;
      // Read where it is made: a dynamic network_policy whose for_each is known empty makes none (enforcement stays off, as by default).
      const path = ['network_policy', 'enabled'];
      const { attribute: a, value, line } = settingAt(cluster.block, path, fileInstance(input));
      if (isTrueValue(value) || (a && !known(value))) continue;
      const unset = value === undefined || value === null || setByDefaultOnly(input, cluster.block, path);
      yield { line, message: `${label(cluster)} does not enforce Kubernetes network policies: every pod can reach every other pod.`, resource: label(cluster), ...(unset ? { severity: 'low' as const } : {}) };
    }
  },
});

const workloadIdentityOff: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-workload-identity-off',
  title: 'Pods can use the credentials of the GKE node',
  description:
    'The Standard cluster has no workload_identity_config, or a node pool sets workload_metadata_config mode = "GCE_METADATA" (or the older node_metadata = "EXPOSE"), or node metadata sets disable-legacy-endpoints = "false". Pods then reach the Compute Engine metadata server of their node and obtain the token of the node service account, often the default account with the Editor role, and the node bootstrap credentials; any pod, or any server-side request forgery in one, can act as the node (CIS GKE 5.2.2, 5.4.1). A cluster left without workload_identity_config (the default) is reported at medium like a node pool that exposes the metadata: every pod gets the credentials of the node either way.',
  remediation: 'Set workload_identity_config { workload_pool = "PROJECT_ID.svc.id.goog" } on the cluster and workload_metadata_config { mode = "GKE_METADATA" } on the node pools, keep disable-legacy-endpoints = "true", and give each workload its own Kubernetes service account bound to a Google service account.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      // A module's dynamic workload_identity_config that makes nothing (identity_namespace = null).
      'variable "identity_namespace" {\n  default = null\n}\nlocals {\n  workload_identity = var.identity_namespace == null ? [] : [{ workload_pool = var.identity_namespace }]\n}\n# expect\nresource "google_container_cluster" "primary" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "workload_identity_config" {\n    for_each = local.workload_identity\n    content {\n      workload_pool = workload_identity_config.value.workload_pool\n    }\n  }\n}\n',
      '# expect\nresource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n}\n',
      'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    workload_metadata_config {\n      # expect\n      mode = "GCE_METADATA"\n    }\n  }\n}\n',
      'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    metadata = {\n      # expect\n      disable-legacy-endpoints = "false"\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "identity_namespace" {\n  default = "app-123456.svc.id.goog"\n}\nlocals {\n  workload_identity = var.identity_namespace == null ? [] : [{ workload_pool = var.identity_namespace }]\n}\nresource "google_container_cluster" "primary" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "workload_identity_config" {\n    for_each = local.workload_identity\n    content {\n      workload_pool = workload_identity_config.value.workload_pool\n    }\n  }\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  workload_identity_config {\n    workload_pool = "app-123456.svc.id.goog"\n  }\n}\n\nresource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    workload_metadata_config {\n      mode = "GKE_METADATA"\n    }\n  }\n}\n',
      'resource "google_container_cluster" "auto" {\n  name             = "auto"\n  location         = "europe-west1"\n  enable_autopilot = true\n}\n',
    ],
  },
  *check(input) {
    for (const cluster of clusters(input)) {
      // A dynamic workload_identity_config whose for_each is known empty makes none: terraform-google-kubernetes-engine writes
      // `dynamic "workload_identity_config" { for_each = local.cluster_workload_identity_config ...`, [] for identity_namespace = null.
      if (isAutopilot(input, cluster) || blocksMade(cluster.block, 'workload_identity_config', fileInstance(input)).length > 0) continue;
      yield { line: cluster.block.line, message: `${label(cluster)} does not enable Workload Identity: pods can take the node service account's token from the metadata server.`, resource: label(cluster) };
    }
    for (const { owner, config } of nodeConfigs(input)) {
      for (const path of [['workload_metadata_config', 'mode'], ['workload_metadata_config', 'node_metadata']]) {
        // Read where it is made: a dynamic workload_metadata_config whose for_each is known empty makes none.
        const { attribute: a, value: read } = settingAt(config, path, fileInstance(input));
        const value = upper(read);
        if (a && (value === 'GCE_METADATA' || value === 'EXPOSE' || value === 'UNSPECIFIED'))
          yield { line: a.line, message: `${label(owner)} exposes the node metadata server to pods (${path[1]} = "${value}").`, resource: label(owner) };
      }
      const legacy = metadataOf(input, config).get('disable-legacy-endpoints');
      if (legacy && isOff(legacy.value)) yield { line: legacy.line, message: `${label(owner)} turns the legacy metadata endpoints back on (disable-legacy-endpoints = false).`, resource: label(owner) };
    }
  },
});

/**
 * The node pools of Standard clusters, each with the block its node_config and management
 * are read in: node pool resources, the node_pool blocks of clusters (those made) and, with
 * `defaultPool`, the cluster itself for its default pool, which exists unless node_pool
 * blocks replace it or remove_default_node_pool is true (or cannot be read).
 */
function nodePools(input: TfInput, { defaultPool = false } = {}): Array<{ owner: TfResource; pool: Block; isDefault?: true }> {
  const file = fileInstance(input);
  const out: Array<{ owner: TfResource; pool: Block; isDefault?: true }> = [];
  for (const pool of resourcesOf(input, 'google_container_node_pool')) out.push({ owner: pool, pool: pool.block });
  for (const cluster of clusters(input)) {
    if (isAutopilot(input, cluster)) continue;
    const pools = blocksMade(cluster.block, 'node_pool', file);
    const remove = attribute(cluster.block, 'remove_default_node_pool');
    const removed = remove && (isTrueValue(valueOf(input, cluster.block, 'remove_default_node_pool')) || !known(valueOf(input, cluster.block, 'remove_default_node_pool')));
    if (defaultPool && pools.length === 0 && !removed) out.push({ owner: cluster, pool: cluster.block, isDefault: true });
    for (const pool of pools) out.push({ owner: cluster, pool });
  }
  return out;
}

/** Logging or monitoring of a GKE cluster: its setting names, and what a finding says it loses. */
interface Telemetry {
  kind: 'logging' | 'monitoring';
  loses: string;
}

/**
 * Where a Standard cluster turns its logging or monitoring off: `<kind>_service = "none"`,
 * the legacy Stackdriver service (`logging.googleapis.com`, decommissioned in 2021; low
 * severity), or `<kind>_config { enable_components = [] }` (a config that enables no
 * component). Both settings are read where their blocks are made (settingAt); values that
 * cannot be read are left alone. Autopilot clusters cannot turn either off.
 */
function* telemetryOff(input: TfInput, { kind, loses }: Telemetry): Generator<Hit> {
  const file = fileInstance(input);
  for (const cluster of clusters(input)) {
    if (isAutopilot(input, cluster)) continue;
    const service = settingAt(cluster.block, [`${kind}_service`], file);
    const name = typeof service.value === 'string' ? service.value.trim().toLowerCase() : undefined;
    if (service.attribute && name === 'none') yield { line: service.line, message: `${label(cluster)} turns Cloud ${kind === 'logging' ? 'Logging' : 'Monitoring'} off (${kind}_service = "none"): ${loses}.`, resource: label(cluster) };
    else if (service.attribute && name === `${kind}.googleapis.com`)
      yield { line: service.line, message: `${label(cluster)} uses the legacy Stackdriver ${kind} service (${kind}_service = "${kind}.googleapis.com"), decommissioned in 2021: use ${kind}.googleapis.com/kubernetes.`, resource: label(cluster), severity: 'low' };
    const components = settingAt(cluster.block, [`${kind}_config`, 'enable_components'], file);
    if (!components.attribute || !Array.isArray(components.value) || components.value.length > 0) continue;
    // Managed Service for Prometheus still collects the workloads' metrics without the system ones.
    if (kind === 'monitoring' && isTrueValue(settingAt(cluster.block, ['monitoring_config', 'managed_prometheus', 'enabled'], file).value)) continue;
    yield { line: components.line, message: `${label(cluster)} enables no ${kind} component (${kind}_config.enable_components = []): ${loses}.`, resource: label(cluster) };
  }
}

const loggingOff: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-logging-off',
  title: 'GKE cluster logging turned off',
  description:
    'The Standard cluster sets logging_service = "none" or logging_config { enable_components = [] }, so Cloud Logging collects neither the logs of its containers nor those of its system components (kubelet, container runtime, node and control plane components). After an intrusion into a workload or a node there is then no record of what ran, what it printed and when; alerting on log-based metrics sees nothing (CIS GKE 5.7.1). Logging is on by default (logging.googleapis.com/kubernetes); the legacy Stackdriver service logging.googleapis.com, decommissioned in 2021, is reported at low severity. Autopilot clusters always log.',
  remediation: 'Remove logging_service = "none" (or set logging.googleapis.com/kubernetes) and give logging_config at least SYSTEM_COMPONENTS and WORKLOADS; reduce the volume with exclusion filters on the log router rather than by turning collection off.',
  severity: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      'resource "google_container_cluster" "main" {\n  name            = "main"\n  location        = "europe-west1"\n  # expect\n  logging_service = "none"\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  logging_config {\n    # expect\n    enable_components = []\n  }\n}\n',
    ],
    negative: [
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n}\n',
      'resource "google_container_cluster" "main" {\n  name            = "main"\n  location        = "europe-west1"\n  logging_service = "logging.googleapis.com/kubernetes"\n  logging_config {\n    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]\n  }\n}\n',
      // A module's dynamic logging_config, made only when components are given: none given keeps the default.
      'variable "logging_enabled_components" {\n  default = []\n}\nresource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  dynamic "logging_config" {\n    for_each = length(var.logging_enabled_components) > 0 ? [1] : []\n    content {\n      enable_components = var.logging_enabled_components\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    yield* telemetryOff(input, { kind: 'logging', loses: 'the logs of its containers and system components are not kept' });
  },
});

const monitoringOff: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-monitoring-off',
  title: 'GKE cluster monitoring turned off',
  description:
    'The Standard cluster sets monitoring_service = "none" or monitoring_config { enable_components = [] }, so Cloud Monitoring collects no metrics of its nodes, pods and system components. Resource exhaustion, crash loops and unusual activity such as cryptomining show no signal and no alert fires (CIS GKE 5.7.1). Monitoring is on by default (monitoring.googleapis.com/kubernetes); the legacy Stackdriver service monitoring.googleapis.com, decommissioned in 2021, is reported too. A monitoring_config that enables no system component but keeps Managed Service for Prometheus on still collects metrics and is not reported. Autopilot clusters always collect metrics. Low severity: metrics help detect an incident but are not its record, which logging keeps.',
  remediation: 'Remove monitoring_service = "none" (or set monitoring.googleapis.com/kubernetes) and give monitoring_config at least SYSTEM_COMPONENTS.',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      'resource "google_container_cluster" "main" {\n  name               = "main"\n  location           = "europe-west1"\n  # expect\n  monitoring_service = "none"\n}\n',
      'resource "google_container_cluster" "main" {\n  name               = "main"\n  location           = "europe-west1"\n  # expect\n  monitoring_service = "monitoring.googleapis.com"\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  monitoring_config {\n    # expect\n    enable_components = []\n  }\n}\n',
    ],
    negative: [
      'resource "google_container_cluster" "main" {\n  name               = "main"\n  location           = "europe-west1"\n  monitoring_service = "monitoring.googleapis.com/kubernetes"\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  monitoring_config {\n    enable_components = []\n    managed_prometheus {\n      enabled = true\n    }\n  }\n}\n',
      'resource "google_container_cluster" "auto" {\n  name               = "auto"\n  location           = "europe-west1"\n  enable_autopilot   = true\n  monitoring_service = "none"\n}\n',
    ],
  },
  *check(input) {
    yield* telemetryOff(input, { kind: 'monitoring', loses: 'no metrics are collected and no alert can fire on them' });
  },
});

const nodeImageNotCos: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-node-image-not-cos',
  title: 'GKE nodes not on Container-Optimized OS',
  description:
    'node_config.image_type (of the default node pool, a node pool, or the defaults of auto-provisioned pools) is not a Container-Optimized OS image (COS_CONTAINERD, or the older COS): UBUNTU_CONTAINERD or a Windows image. Container-Optimized OS is built for running containers: a read-only root file system verified at boot, no package manager, a minimal set of services, and automatic patching with the node version. A general-purpose image has a larger attack surface, a writable system that malware can persist in, and packages that must be patched (CIS GKE 5.5.1). Left unset, image_type is COS_CONTAINERD and is not reported. Windows images are needed only for Windows containers; keep them to pools that run such workloads.',
  remediation: 'Set image_type = "COS_CONTAINERD" (or remove it); keep Ubuntu or Windows node pools only for workloads that need them (kernel modules not available on COS, Windows containers), tainted so that other pods stay off them.',
  severity: 'low',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    # expect\n    image_type = "UBUNTU_CONTAINERD"\n  }\n}\n',
      'resource "google_container_cluster" "main" {\n  name     = "main"\n  location = "europe-west1"\n  node_config {\n    # expect\n    image_type = "windows_ltsc_containerd"\n  }\n}\n',
    ],
    negative: [
      'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    image_type = "cos_containerd"\n  }\n}\n',
      'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    machine_type = "e2-standard-4"\n  }\n}\n',
      // The default node pool of a cluster that removes it is never used.
      'resource "google_container_cluster" "main" {\n  name                     = "main"\n  location                 = "europe-west1"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n  node_config {\n    image_type = "UBUNTU_CONTAINERD"\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const { owner, config } of nodeConfigs(input)) {
      const { attribute: a, value } = settingAt(config, ['image_type'], fileInstance(input));
      const image = typeof value === 'string' ? value.trim() : '';
      if (!a || image === '' || image.toUpperCase().startsWith('COS')) continue;
      yield { line: a.line, message: `${label(owner)} runs its nodes on ${image} instead of Container-Optimized OS (image_type).`, resource: label(owner) };
    }
  },
});

const shieldedNodesOff: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-shielded-nodes-off',
  title: 'GKE Shielded Nodes or node Secure Boot off',
  description:
    'The Standard cluster sets enable_shielded_nodes = false, or a node pool (the default pool included) does not turn on Secure Boot (node_config.shielded_instance_config.enable_secure_boot, false by default) or turns integrity monitoring off. Shielded GKE Nodes give each node a verifiable identity: without them, an attacker who takes a node\'s bootstrap credentials from the metadata server (from a pod, or by server-side request forgery) can impersonate a node and obtain the credentials and secrets of the pods scheduled on it (CIS GKE 5.5.5); reported at medium. Secure Boot refuses unsigned boot components and kernel modules, so a rootkit cannot persist in the node, and integrity monitoring reports a boot sequence that changed (CIS GKE 5.5.6, 5.5.7): defence in depth after a compromise of the node, reported at low. Shielded Nodes are on by default (google provider 4.0 and later) and only enable_shielded_nodes = false is reported; Autopilot clusters always use them with Secure Boot.',
  remediation: 'Remove enable_shielded_nodes = false, and set node_config { shielded_instance_config { enable_secure_boot = true } } on every node pool (integrity monitoring is on unless turned off). Third-party unsigned kernel modules do not load with Secure Boot: use signed ones.',
  severity: 'medium',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      'resource "google_container_cluster" "main" {\n  name                  = "main"\n  location              = "europe-west1"\n  # expect\n  enable_shielded_nodes = false\n  node_config {\n    shielded_instance_config {\n      enable_secure_boot = true\n    }\n  }\n}\n',
      '# expect\nresource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n}\n',
      'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    shielded_instance_config {\n      # expect\n      enable_secure_boot          = false\n      # expect\n      enable_integrity_monitoring = false\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "google_container_cluster" "main" {\n  name                     = "main"\n  location                 = "europe-west1"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n}\n\nresource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    shielded_instance_config {\n      enable_secure_boot = true\n    }\n  }\n}\n',
      'resource "google_container_cluster" "auto" {\n  name             = "auto"\n  location         = "europe-west1"\n  enable_autopilot = true\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const cluster of clusters(input)) {
      if (isAutopilot(input, cluster)) continue;
      const { attribute: a, value } = settingAt(cluster.block, ['enable_shielded_nodes'], file);
      if (a && isFalseValue(value)) yield { line: a.line, message: `${label(cluster)} turns Shielded GKE Nodes off (enable_shielded_nodes = false): a pod that takes the node bootstrap credentials can impersonate a node.`, resource: label(cluster) };
    }
    // Secure Boot of every node pool, the default one included: off unless turned on.
    for (const { owner, pool, isDefault } of nodePools(input, { defaultPool: true })) {
      const boot = settingAt(pool, ['node_config', 'shielded_instance_config', 'enable_secure_boot'], file);
      if (isTrueValue(boot.value) || (boot.attribute && !known(boot.value))) continue;
      // Written false, or computed false (a module's `lookup(each.value, "enable_secure_boot", false)` for a pool that leaves it out).
      const what =
        boot.attribute && boot.value !== null
          ? boot.attribute.expr.kind === 'literal'
            ? 'sets enable_secure_boot = false'
            : 'does not turn Secure Boot on (its enable_secure_boot expression gives false)'
          : 'does not turn Secure Boot on (enable_secure_boot defaults to false)';
      yield { line: boot.line, message: `${label(owner)} ${what}${isDefault ? ' for its default node pool' : ''}: its nodes boot unsigned components and load unsigned kernel modules.`, resource: label(owner), severity: 'low' };
    }
    // The defaults of auto-provisioned pools: only a written-out false (they apply only when auto-provisioning is on).
    for (const cluster of clusters(input)) {
      const boot = settingAt(cluster.block, ['cluster_autoscaling', 'auto_provisioning_defaults', 'shielded_instance_config', 'enable_secure_boot'], file);
      if (boot.attribute && isFalseValue(boot.value)) yield { line: boot.line, message: `${label(cluster)} sets enable_secure_boot = false for auto-provisioned node pools.`, resource: label(cluster), severity: 'low' };
    }
    for (const { owner, config } of nodeConfigs(input)) {
      const integrity = settingAt(config, ['shielded_instance_config', 'enable_integrity_monitoring'], file);
      if (integrity.attribute && isFalseValue(integrity.value)) yield { line: integrity.line, message: `${label(owner)} turns integrity monitoring of its nodes off (enable_integrity_monitoring = false): a changed boot sequence goes unnoticed.`, resource: label(owner), severity: 'low' };
    }
  },
});

const autoUpgradeOff: TfRule = tfRule({
  id: 'iac/tf-gcp-gke-auto-upgrade-off',
  title: 'GKE node auto-upgrade disabled',
  description: 'management.auto_upgrade = false keeps the node pool on its Kubernetes and node image version: security patches for the kubelet, the container runtime and the OS stop arriving, and the pool drifts out of support (CIS GKE 5.5.3). Auto-upgrade is on by default.',
  remediation: 'Remove auto_upgrade = false (or set it to true) and control the timing with a release channel, maintenance windows and exclusions.',
  severity: 'medium',
  cwe: ['CWE-1104'],
  examples: {
    positive: ['resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  management {\n    auto_repair  = true\n    # expect\n    auto_upgrade = false\n  }\n}\n'],
    negative: ['resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  management {\n    auto_repair  = true\n    auto_upgrade = true\n  }\n}\n', 'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n}\n'],
  },
  *check(input) {
    for (const { owner, pool } of nodePools(input)) {
      // Read where it is made: an auto_upgrade = false in a dynamic management whose for_each is known empty does not apply (auto-upgrade stays on).
      const { attribute: a, value } = settingAt(pool, ['management', 'auto_upgrade'], fileInstance(input));
      if (a && isFalseValue(value)) yield { line: a.line, message: `${label(owner)} turns node auto-upgrade off.`, resource: label(owner) };
    }
  },
});

export const gcpGkeRules: readonly TfRule[] = [legacyAbac, legacyAuth, publicControlPlane, publicNodes, networkPolicyOff, workloadIdentityOff, autoUpgradeOff, loggingOff, monitoringOff, nodeImageNotCos, shieldedNodesOff];

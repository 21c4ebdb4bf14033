import { isWorld } from '../../cidr.js';
import { asStrings, label, referrers, resourcesOf } from '../model.js';
import { tfRule, type TfRule } from './common.js';
import { blocksMade, fileInstance } from './instances.js';
import { APP_TYPES, HOSTED_APP_TYPES, defaulted, finding, holds, isOff, isOn, sectionAt, sectionsAt, setting, text, unreadable, writtenSeverity } from './azure-common.js';

/** An authorized range that admits every address: 0.0.0.0/0, ::/0, or `*`. */
const isWorldRange = (cidr: string) => cidr.trim() === '*' || isWorld(cidr);

const aksPublicApi: TfRule = tfRule({
  id: 'iac/tf-azure-aks-api-public',
  title: 'AKS API server open to the internet',
  description:
    'The cluster is not private (private_cluster_enabled is unset or false; an AKS Automatic cluster, azurerm_kubernetes_automatic_cluster, has no private_cluster block) and its API server accepts connections from any address: no authorized IP ranges are set (api_server_access_profile.authorized_ip_ranges, or api_server_authorized_ip_ranges before azurerm 3.39; api_server_access.authorized_ip_ranges on AKS Automatic), or they include 0.0.0.0/0. Kubeconfigs and tokens leaked from any laptop or pipeline can be used from anywhere, and API server vulnerabilities are exposed to every scanner.',
  remediation: 'Set private_cluster_enabled = true, or restrict api_server_access_profile { authorized_ip_ranges = [...] } to your egress addresses.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      '# expect\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  default_node_pool {\n    name       = "default"\n    node_count = 2\n    vm_size    = "Standard_D2_v2"\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name                    = "aks"\n  dns_prefix              = "aks"\n  # expect\n  private_cluster_enabled = false\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  api_server_access_profile {\n    # expect\n    authorized_ip_ranges = ["0.0.0.0/0"]\n  }\n}\n',
      // A dynamic profile that makes nothing (no ranges given): the finding is on the cluster, not inside a block that does not exist.
      // AKS Automatic (azurerm 5): public unless it has a private_cluster block or authorized ranges.
      '# expect\nresource "azurerm_kubernetes_automatic_cluster" "aks" {\n  name                = "aks"\n  location            = "westeurope"\n  resource_group_name = "aks"\n  identity {\n    type = "SystemAssigned"\n  }\n}\n',
      // A dynamic profile over a module input, read with its iterator bound.
      'variable "api_server" {\n  default = { authorized_ip_ranges = ["0.0.0.0/0"] }\n}\nresource "azurerm_kubernetes_cluster" "main" {\n  name       = "aks"\n  dns_prefix = "aks"\n  dynamic "api_server_access_profile" {\n    for_each = var.api_server == null ? [] : [var.api_server]\n    content {\n      # expect\n      authorized_ip_ranges = api_server_access_profile.value.authorized_ip_ranges\n    }\n  }\n}\n',
      'variable "api_server_authorized_ip_ranges" {\n  default = null\n}\n# expect\nresource "azurerm_kubernetes_cluster" "main" {\n  name       = "aks"\n  dns_prefix = "aks"\n  dynamic "api_server_access_profile" {\n    for_each = var.api_server_authorized_ip_ranges != null ? ["api_server_access_profile"] : []\n    content {\n      authorized_ip_ranges = var.api_server_authorized_ip_ranges\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name                    = "aks"\n  dns_prefix              = "aks"\n  private_cluster_enabled = true\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  api_server_access_profile {\n    authorized_ip_ranges = ["203.0.113.0/24"]\n  }\n}\n',
      // A range known only at apply is a range.
      'variable "office_cidr" {\n  type = string\n}\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  api_server_access_profile {\n    authorized_ip_ranges = [var.office_cidr]\n  }\n}\n',
      'variable "api_server_authorized_ip_ranges" {\n  default = ["203.0.113.0/24"]\n}\nresource "azurerm_kubernetes_cluster" "main" {\n  name       = "aks"\n  dns_prefix = "aks"\n  dynamic "api_server_access_profile" {\n    for_each = var.api_server_authorized_ip_ranges != null ? ["api_server_access_profile"] : []\n    content {\n      authorized_ip_ranges = var.api_server_authorized_ip_ranges\n    }\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name                            = "aks"\n  dns_prefix                      = "aks"\n  api_server_authorized_ip_ranges = var.admin_ranges\n}\n',
      'resource "azurerm_kubernetes_automatic_cluster" "aks" {\n  name                = "aks"\n  location            = "westeurope"\n  resource_group_name = "aks"\n  identity {\n    type = "SystemAssigned"\n  }\n  private_cluster {\n    public_fully_qualified_domain_name_enabled = false\n  }\n}\n',
      'resource "azurerm_kubernetes_automatic_cluster" "aks" {\n  name                = "aks"\n  location            = "westeurope"\n  resource_group_name = "aks"\n  identity {\n    type = "SystemAssigned"\n  }\n  api_server_access {\n    authorized_ip_ranges = ["203.0.113.0/24"]\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_kubernetes_cluster', 'azurerm_kubernetes_automatic_cluster')) {
      const automatic = resource.type === 'azurerm_kubernetes_automatic_cluster';
      // An AKS Automatic cluster (azurerm 5) is private when it has a private_cluster block.
      if (automatic && blocksMade(resource.block, 'private_cluster', fileInstance(input)).length > 0) continue;
      const privateCluster = automatic ? undefined : setting(input, resource, resource.block, ['private_cluster_enabled']);
      const privateLine = privateCluster?.line;
      if (holds(privateCluster, isOn) || unreadable(privateCluster)) continue;
      // Only a profile that may be made counts: Azure/terraform-azurerm-aks writes `dynamic "api_server_access_profile" { for_each =
      // var.api_server_authorized_ip_ranges != null || ... ? [...] : [] ...`, which makes none when no ranges are given.
      const profile = sectionAt(input, resource.block, automatic ? 'api_server_access' : 'api_server_access_profile');
      const ranges = (profile && setting(input, resource, profile, ['authorized_ip_ranges'])) ?? (automatic ? undefined : setting(input, resource, resource.block, ['api_server_authorized_ip_ranges']));
      // Ranges given as null (an optional variable left unset) are no ranges at all.
      if (ranges && !ranges.values.every((v) => v === null)) {
        const lists = ranges.values.map((v) => (v === null ? [] : asStrings(v)));
        if (lists.some((l) => l === undefined)) continue;
        const world = lists.flatMap((l) => l!).find(isWorldRange);
        if (world !== undefined) yield finding(resource, ranges.line, `${label(resource)} authorizes ${world.trim()} to reach its API server.`);
        // Only a list that is empty lists no range: [var.office_cidr] lists one known at apply.
        else if (ranges.values.some((v) => v === null || (Array.isArray(v) && v.length === 0))) yield finding(resource, ranges.line, `${label(resource)} lists no authorized IP ranges: its API server accepts connections from any address.`);
        continue;
      }
      const line = privateLine ?? ranges?.line ?? resource.block.line;
      yield finding(resource, line, `${label(resource)} is not a private cluster and sets no authorized IP ranges: its API server accepts connections from any address.`);
    }
  },
});

const aksRbacDisabled: TfRule = tfRule({
  id: 'iac/tf-azure-aks-rbac-disabled',
  title: 'AKS cluster without Kubernetes RBAC',
  description:
    'Kubernetes role-based access control is turned off (role_based_access_control_enabled = false, or role_based_access_control { enabled = false } before azurerm 3). Every authenticated user and service account then has full control of the cluster: any pod whose token leaks can read every secret and run privileged workloads on every node.',
  remediation: 'Set role_based_access_control_enabled = true (the default); it can only be set when the cluster is created, so the cluster must be rebuilt. Add Azure AD integration with azure_active_directory_role_based_access_control.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name                              = "aks"\n  dns_prefix                        = "aks"\n  # expect\n  role_based_access_control_enabled = false\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  role_based_access_control {\n    # expect\n    enabled = false\n  }\n}\n',
      // azurerm 2's block as modules wrote it: dynamic over an input, read with its iterator bound.
      'variable "rbac" {\n  default = { enabled = false }\n}\n\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  dynamic "role_based_access_control" {\n    for_each = [var.rbac]\n    content {\n      # expect\n      enabled = role_based_access_control.value.enabled\n    }\n  }\n}\n',
    ],
    negative: ['resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n}\n', 'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  role_based_access_control {\n    enabled = true\n  }\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_kubernetes_cluster')) {
      const flag = setting(input, resource, resource.block, ['role_based_access_control_enabled']);
      if (holds(flag, isOff)) yield finding(resource, flag.line, `${label(resource)} turns Kubernetes RBAC off: every authenticated identity has full control of the cluster.`);
      for (const block of sectionsAt(input, resource.block, 'role_based_access_control')) {
        const enabled = setting(input, resource, block, ['enabled']);
        if (holds(enabled, isOff)) yield finding(resource, enabled.line, `${label(resource)} turns Kubernetes RBAC off: every authenticated identity has full control of the cluster.`);
      }
    }
  },
});

const aksNetworkPolicy: TfRule = tfRule({
  id: 'iac/tf-azure-aks-no-network-policy',
  title: 'AKS cluster without a network policy engine',
  description:
    'The cluster has no network policy engine (network_profile.network_policy unset or "none", and no Cilium data plane), so Kubernetes NetworkPolicy objects are ignored and every pod can reach every other pod and service in the cluster. One compromised workload can then probe databases, internal APIs and other tenants\' pods. Clusters that bring their own CNI (network_plugin = "none") are left out: the CNI they install decides.',
  remediation: 'Set network_profile { network_policy = "azure" } (or "calico", or network_data_plane = "cilium") when creating the cluster, then write NetworkPolicies that isolate namespaces.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  # expect\n  network_profile {\n    network_plugin = "azure"\n  }\n}\n',
      '# expect\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n}\n',
      // network_profile as modules write it: a dynamic block over a variable with its own iterator name, read with it bound.
      'variable "network_profile" {\n  default = { network_plugin = "azure", outbound_type = "userDefinedRouting" }\n}\n\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  # expect\n  dynamic "network_profile" {\n    for_each = var.network_profile != null ? [var.network_profile] : []\n    iterator = p\n    content {\n      network_plugin = p.value.network_plugin\n      outbound_type  = p.value.outbound_type\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  network_profile {\n    network_plugin = "azure"\n    network_policy = "calico"\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  network_profile {\n    network_plugin     = "azure"\n    network_data_plane = "cilium"\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "byo_cni" {\n  name       = "aks"\n  dns_prefix = "aks"\n  network_profile {\n    network_plugin = "none"\n  }\n}\n',
      'variable "network_profile" {\n  default = { network_plugin = "azure", network_policy = "cilium", network_data_plane = "cilium" }\n}\n\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  dynamic "network_profile" {\n    for_each = var.network_profile != null ? [var.network_profile] : []\n    iterator = p\n    content {\n      network_plugin     = p.value.network_plugin\n      network_policy     = p.value.network_policy\n      network_data_plane = p.value.network_data_plane\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_kubernetes_cluster')) {
      // Read where it is made: a dynamic "network_profile" over a module input, with its iterator bound (`iterator = p`, `p.value.network_plugin`).
      const profile = sectionAt(input, resource.block, 'network_profile');
      if (!profile) {
        yield finding(resource, resource.block.line, `${label(resource)} has no network_profile, so no network policy engine: every pod can reach every other pod.`);
        continue;
      }
      // network_plugin = "none": the cluster brings its own CNI (often Cilium), which enforces policies AKS does not know of.
      const plugin = setting(input, resource, profile, ['network_plugin']);
      if (plugin && !holds(plugin, (v) => text(v) !== 'none')) continue;
      const plane = setting(input, resource, profile, ['network_data_plane', 'ebpf_data_plane']);
      if (plane && !holds(plane, (v) => text(v) !== 'cilium')) continue;
      const policy = setting(input, resource, profile, ['network_policy']);
      if (policy && !holds(policy, (v) => v === null || text(v) === 'none' || text(v) === '')) continue;
      yield finding(resource, policy?.line ?? profile.line, `${label(resource)} has no network policy engine: NetworkPolicies are ignored and every pod can reach every other pod.`);
    }
  },
});

/** A Kubernetes version (`1.18.14`, `"1.29"`) as [major, minor], or undefined when it cannot be read. */
function kubernetesMinor(value: unknown): [number, number] | undefined {
  const m = typeof value === 'string' ? /^v?(\d+)\.(\d+)/.exec(value.trim()) : undefined;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** A Kubernetes version from which AKS refuses the dashboard add-on (1.19 and later). */
function refusesDashboard(value: unknown): boolean {
  const minor = kubernetesMinor(value);
  return minor !== undefined && (minor[0] > 1 || minor[1] >= 19);
}

const aksDashboard: TfRule = tfRule({
  id: 'iac/tf-azure-aks-dashboard-enabled',
  title: 'AKS cluster with the Kubernetes dashboard add-on',
  description:
    'addon_profile { kube_dashboard { enabled = true } } (azurerm before 3.0) installs the Kubernetes dashboard in the cluster. The dashboard runs with a service account of broad rights and has been a classic way in: exposed with kubectl proxy, a port-forward or a LoadBalancer, it let anyone who reached it read secrets and run workloads, and its skip-login mode needs no credentials at all. AKS deprecated the add-on and refuses it from Kubernetes 1.19; a cluster whose kubernetes_version is 1.19 or later is not reported.',
  remediation: 'Remove the kube_dashboard block (or set enabled = false), upgrade the cluster, and use the Kubernetes resource view of the Azure portal, which signs in with Entra ID, instead of an in-cluster dashboard.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name               = "aks"\n  dns_prefix         = "aks"\n  kubernetes_version = "1.18.14"\n  addon_profile {\n    kube_dashboard {\n      # expect\n      enabled = true\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  addon_profile {\n    kube_dashboard {\n      enabled = false\n    }\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name               = "aks"\n  dns_prefix         = "aks"\n  kubernetes_version = "1.29"\n  addon_profile {\n    kube_dashboard {\n      enabled = true\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_kubernetes_cluster')) {
      const version = setting(input, resource, resource.block, ['kubernetes_version']);
      // AKS refuses the add-on from 1.19: the setting is then never applied.
      if (version && version.values.every(refusesDashboard)) continue;
      for (const dashboard of sectionsAt(input, resource.block, 'addon_profile', 'kube_dashboard')) {
        const enabled = setting(input, resource, dashboard, ['enabled']);
        if (holds(enabled, isOn)) yield finding(resource, enabled.line, `${label(resource)} installs the Kubernetes dashboard add-on: a broad-rights web console inside the cluster.`);
      }
    }
  },
});

const aksMonitoring: TfRule = tfRule({
  id: 'iac/tf-azure-aks-no-container-insights',
  title: 'AKS cluster without Container Insights',
  description:
    'The cluster has no oms_agent (Container Insights: the monitoring agent that sends container logs, Kubernetes events and inventory to a Log Analytics workspace), in the top-level oms_agent block of azurerm 3 and later or in addon_profile of azurerm 2, or turns it off (addon_profile { oms_agent { enabled = false } }), and no diagnostic setting of this configuration targets the cluster. Container output, pod restarts, image pulls and node events then stay on the nodes for as long as they last: an intrusion into a workload leaves no trace where Microsoft Sentinel or an investigator can read it. Clusters monitored by other means (an agent deployed by Azure Policy or Helm, another vendor) are common, so this is reported at low severity.',
  remediation: 'Add oms_agent { log_analytics_workspace_id = azurerm_log_analytics_workspace.x.id, msi_auth_for_monitoring_enabled = true } (addon_profile { oms_agent { enabled = true ... } } on azurerm 2), and an azurerm_monitor_diagnostic_setting for the control-plane logs (kube-audit-admin, guard).',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  default_node_pool {\n    name       = "default"\n    node_count = 2\n    vm_size    = "Standard_D2_v2"\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  addon_profile {\n    oms_agent {\n      # expect\n      enabled = false\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  oms_agent {\n    log_analytics_workspace_id = azurerm_log_analytics_workspace.ops.id\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n}\n\nresource "azurerm_monitor_diagnostic_setting" "aks" {\n  name                       = "aks"\n  target_resource_id         = azurerm_kubernetes_cluster.aks.id\n  log_analytics_workspace_id = azurerm_log_analytics_workspace.ops.id\n  enabled_log {\n    category = "kube-audit-admin"\n  }\n}\n',
      'variable "oms_agent" {\n  type = object({ log_analytics_workspace_id = string })\n}\n\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  dynamic "oms_agent" {\n    for_each = var.oms_agent == null ? [] : [var.oms_agent]\n    content {\n      log_analytics_workspace_id = oms_agent.value.log_analytics_workspace_id\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_kubernetes_cluster')) {
      // azurerm 2: addon_profile { oms_agent { enabled } }, explicit either way.
      const legacy = sectionsAt(input, resource.block, 'addon_profile', 'oms_agent').map((agent) => setting(input, resource, agent, ['enabled']));
      if (legacy.some((enabled) => !enabled || !holds(enabled, isOff))) continue;
      if (sectionsAt(input, resource.block, 'oms_agent').length > 0) continue;
      if (referrers(input, resource, ['azurerm_monitor_diagnostic_setting'], 'target_resource_id').length > 0) continue;
      const off = legacy.find((enabled) => holds(enabled, isOff));
      if (off) yield finding(resource, off.line, `${label(resource)} turns Container Insights off (oms_agent enabled = false): container logs and cluster events are not collected.`);
      else yield finding(resource, resource.block.line, `${label(resource)} has no oms_agent (Container Insights) and no diagnostic setting: container logs and cluster events are not collected.`);
    }
  },
});

const aksLocalAccounts: TfRule = tfRule({
  id: 'iac/tf-azure-aks-local-accounts',
  title: 'AKS cluster keeps its local admin account',
  description:
    'local_account_disabled is false, or left unset (the default keeps local accounts). Anyone allowed the listClusterAdminCredential action on the cluster (every Contributor of its resource group or subscription) can then download a kubeconfig with a static client certificate of the cluster-admin group: it bypasses Microsoft Entra ID and Azure RBAC for Kubernetes, conditional access and MFA do not apply, the audit log names no person, and it stays valid until the cluster certificates are rotated. Left at the default, or given only by a variable\'s default (a module\'s variable that no caller or definitions file sets), it is reported at low severity.',
  remediation:
    'Enable Entra ID integration (azure_active_directory_role_based_access_control { azure_rbac_enabled = true, admin_group_object_ids = [...] }) and set local_account_disabled = true; users and pipelines then sign in with kubelogin.',
  severity: 'medium',
  cwe: ['CWE-287'],
  examples: {
    positive: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name                   = "aks"\n  dns_prefix             = "aks"\n  # expect\n  local_account_disabled = false\n  azure_active_directory_role_based_access_control {\n    azure_rbac_enabled = true\n  }\n}\n',
      '# expect\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  default_node_pool {\n    name       = "default"\n    node_count = 2\n    vm_size    = "Standard_D2_v2"\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_kubernetes_cluster" "aks" {\n  name                   = "aks"\n  dns_prefix             = "aks"\n  local_account_disabled = true\n  azure_active_directory_role_based_access_control {\n    azure_rbac_enabled     = true\n    admin_group_object_ids = [var.admin_group_id]\n  }\n}\n',
      'variable "local_account_disabled" {\n  type = bool\n}\n\nresource "azurerm_kubernetes_cluster" "aks" {\n  name                   = "aks"\n  dns_prefix             = "aks"\n  local_account_disabled = var.local_account_disabled\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_kubernetes_cluster')) {
      const flag = setting(input, resource, resource.block, ['local_account_disabled']);
      // Entra ID integration: azure_active_directory_role_based_access_control, or role_based_access_control { azure_active_directory } before azurerm 3.
      // Only blocks that are made count: a dynamic block over an input left at null makes no integration.
      const file = fileInstance(input);
      const entra =
        blocksMade(resource.block, 'azure_active_directory_role_based_access_control', file).length > 0 ||
        sectionsAt(input, resource.block, 'role_based_access_control').some((rbac) => blocksMade(rbac.block, 'azure_active_directory', rbac.instance).length > 0);
      const why = entra ? 'a static cluster-admin certificate that bypasses Entra ID' : 'a static cluster-admin certificate, and the cluster has no Entra ID integration';
      if (holds(flag, isOff)) yield finding(resource, flag.line, `${label(resource)} sets local_account_disabled = false: its admin kubeconfig holds ${why}.`, writtenSeverity(input, resource, flag));
      else if (defaulted(flag)) yield finding(resource, flag?.line ?? resource.block.line, `${label(resource)} does not set local_account_disabled = true: its admin kubeconfig holds ${why}.`, 'low');
    }
  },
});

const appHttpsOnly: TfRule = tfRule({
  id: 'iac/tf-azure-app-service-http-allowed',
  title: 'Web or function app accepts plain HTTP',
  description:
    'https_only is unset (it defaults to false) or false on a web or function app, a deployment slot, a Flex Consumption function app or a Standard logic app, so the app answers plain HTTP requests instead of redirecting them to HTTPS. Session cookies, tokens and form data sent over HTTP can be read and altered by anyone on the network path, such as a public Wi-Fi.',
  remediation: 'Set https_only = true on the app and each deployment slot.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      '# expect\nresource "azurerm_linux_web_app" "web" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  service_plan_id     = azurerm_service_plan.web.id\n  site_config {}\n}\n',
      'resource "azurerm_function_app" "fn" {\n  name                = "fn"\n  app_service_plan_id = azurerm_app_service_plan.fn.id\n  # expect\n  https_only          = false\n}\n',
      // Flex Consumption function apps and Standard logic apps default to false as well.
      '# expect\nresource "azurerm_function_app_flex_consumption" "fn" {\n  name                        = "fn"\n  resource_group_name         = "fn"\n  location                    = "westeurope"\n  service_plan_id             = azurerm_service_plan.fn.id\n  storage_container_type      = "blobContainer"\n  storage_container_endpoint  = "https://example.blob.core.windows.net/code"\n  storage_authentication_type = "SystemAssignedIdentity"\n  runtime_name                = "node"\n  runtime_version             = "20"\n  site_config {}\n}\n',
      '# expect\nresource "azurerm_logic_app_standard" "flows" {\n  name                       = "flows"\n  resource_group_name        = "flows"\n  location                   = "westeurope"\n  app_service_plan_id        = azurerm_service_plan.flows.id\n  storage_account_name       = azurerm_storage_account.flows.name\n  storage_account_access_key = azurerm_storage_account.flows.primary_access_key\n}\n',
    ],
    negative: ['resource "azurerm_windows_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  https_only      = true\n  site_config {}\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, ...HOSTED_APP_TYPES)) {
      const flag = setting(input, resource, resource.block, ['https_only']);
      if (holds(flag, isOff)) yield finding(resource, flag.line, `${label(resource)} sets https_only = false: it serves plain HTTP.`);
      else if (defaulted(flag)) yield finding(resource, flag?.line ?? resource.block.line, `${label(resource)} does not set https_only = true: it serves plain HTTP.`);
    }
  },
});

/** Apps whose ftps_state defaults to AllAllowed when unset (the azurerm_function_app documentation says so). */
const FTP_BY_DEFAULT = new Set(['azurerm_function_app', 'azurerm_function_app_slot']);

const appFtp: TfRule = tfRule({
  id: 'iac/tf-azure-app-service-ftp-allowed',
  title: 'Web or function app accepts plain FTP',
  description:
    'site_config.ftps_state is "AllAllowed" (the default of azurerm_function_app when unset): the deployment endpoint accepts plain FTP, so the publishing credentials and the code uploaded with them cross the network in clear text. Whoever captures them can deploy their own code to the app.',
  remediation: 'Set site_config { ftps_state = "Disabled" } (or "FtpsOnly" if FTP deployment is still needed), and prefer deployment through the SCM site, ZIP deploy or a pipeline with Azure AD credentials.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      // site_config as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "site_config" {\n  default = { ftps_state = "AllAllowed" }\n}\nresource "azurerm_linux_web_app" "this" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/web/providers/Microsoft.Web/serverFarms/web"\n  https_only          = true\n  dynamic "site_config" {\n    for_each = [var.site_config]\n    content {\n      # expect\n      ftps_state = try(site_config.value.ftps_state, "Disabled")\n    }\n  }\n}\n',
      'resource "azurerm_app_service" "web" {\n  name                = "web"\n  app_service_plan_id = azurerm_app_service_plan.web.id\n  site_config {\n    # expect\n    ftps_state = "AllAllowed"\n  }\n}\n',
      'resource "azurerm_function_app" "fn" {\n  name                = "fn"\n  app_service_plan_id = azurerm_app_service_plan.fn.id\n  # expect\n  site_config {\n    http2_enabled = true\n  }\n}\n',
    ],
    negative: [
      'variable "site_config" {\n  default = {}\n}\nresource "azurerm_linux_web_app" "this" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/web/providers/Microsoft.Web/serverFarms/web"\n  https_only          = true\n  dynamic "site_config" {\n    for_each = [var.site_config]\n    content {\n      ftps_state = try(site_config.value.ftps_state, "Disabled")\n    }\n  }\n}\n',
      'resource "azurerm_function_app" "fn" {\n  name                = "fn"\n  app_service_plan_id = azurerm_app_service_plan.fn.id\n  site_config {\n    ftps_state = "FtpsOnly"\n  }\n}\n',
      'resource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  site_config {}\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, ...APP_TYPES)) {
      // site_config read where it is made (a module's dynamic block over its input, with the iterator bound).
      const config = sectionAt(input, resource.block, 'site_config');
      const state = config ? setting(input, resource, config, ['ftps_state']) : undefined;
      if (holds(state, (v) => text(v) === 'allallowed')) yield finding(resource, state.line, `${label(resource)} sets ftps_state = "AllAllowed": deployment credentials can be sent over plain FTP.`);
      else if (defaulted(state) && FTP_BY_DEFAULT.has(resource.type))
        yield finding(resource, state?.line ?? config?.line ?? resource.block.line, `${label(resource)} does not set site_config.ftps_state (the default is "AllAllowed"): deployment credentials can be sent over plain FTP.`);
    }
  },
});

const appRemoteDebugging: TfRule = tfRule({
  id: 'iac/tf-azure-app-service-remote-debugging',
  title: 'Web or function app with remote debugging on',
  description:
    'site_config.remote_debugging_enabled = true (the default is false) opens additional inbound ports of the app to the remote debugger. Access to them is authenticated (publishing credentials or an Entra ID sign-in), but whoever can attach a debugger reads the app\'s memory (connection strings, tokens, user data) and runs code in it, and the feature, meant for one debugging session, stays on for as long as the configuration says so.',
  remediation: 'Remove remote_debugging_enabled (or set it to false) in site_config of the app and each slot; debug in a development slot, and turn it on only for the session, from the portal or the CLI.',
  severity: 'low',
  cwe: ['CWE-489'],
  examples: {
    positive: [
      // site_config as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "site_config" {\n  default = { remote_debugging_enabled = true }\n}\nresource "azurerm_linux_web_app" "this" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/web/providers/Microsoft.Web/serverFarms/web"\n  https_only          = true\n  dynamic "site_config" {\n    for_each = [var.site_config]\n    content {\n      # expect\n      remote_debugging_enabled = try(site_config.value.remote_debugging_enabled, false)\n    }\n  }\n}\n',
      'resource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  https_only      = true\n  site_config {\n    # expect\n    remote_debugging_enabled = true\n    remote_debugging_version = "VS2022"\n  }\n}\n',
      'resource "azurerm_app_service" "web" {\n  name                = "web"\n  app_service_plan_id = azurerm_app_service_plan.web.id\n  site_config {\n    # expect\n    remote_debugging_enabled = true\n  }\n}\n',
    ],
    negative: [
      'variable "site_config" {\n  default = {}\n}\nresource "azurerm_linux_web_app" "this" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/web/providers/Microsoft.Web/serverFarms/web"\n  https_only          = true\n  dynamic "site_config" {\n    for_each = [var.site_config]\n    content {\n      remote_debugging_enabled = try(site_config.value.remote_debugging_enabled, false)\n    }\n  }\n}\n',
      'resource "azurerm_windows_function_app" "fn" {\n  name            = "fn"\n  service_plan_id = azurerm_service_plan.fn.id\n  site_config {\n    remote_debugging_enabled = false\n  }\n}\n',
      'resource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  site_config {}\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, ...HOSTED_APP_TYPES)) {
      for (const config of sectionsAt(input, resource.block, 'site_config')) {
        const flag = setting(input, resource, config, ['remote_debugging_enabled']);
        if (holds(flag, isOn)) yield finding(resource, flag.line, `${label(resource)} turns remote debugging on: the debugger's ports are open, and whoever signs in to them can read the app's memory and run code in it.`);
      }
    }
  },
});

const vmPasswordAuth: TfRule = tfRule({
  id: 'iac/tf-azure-vm-password-auth',
  title: 'Linux virtual machine allows password login',
  description:
    'disable_password_authentication = false (in os_profile_linux_config on azurerm_virtual_machine and azurerm_virtual_machine_scale_set, in os_profile.linux_configuration on a flexible azurerm_orchestrated_virtual_machine_scale_set) lets the Linux machine (or every instance of a scale set) accept SSH logins with a password. Passwords can be guessed, sprayed and reused from other breaches; SSH endpoints are brute-forced constantly, and one weak admin password gives a shell.',
  remediation: 'Set disable_password_authentication = true (the default of azurerm_linux_virtual_machine) and log in with admin_ssh_key keys, or with Azure AD login through Azure Bastion.',
  severity: 'medium',
  cwe: ['CWE-521'],
  examples: {
    positive: [
      'resource "azurerm_linux_virtual_machine" "vm" {\n  name                            = "vm"\n  size                            = "Standard_B2s"\n  admin_username                  = "azureuser"\n  # expect\n  disable_password_authentication = false\n}\n',
      'resource "azurerm_virtual_machine" "vm" {\n  name    = "vm"\n  vm_size = "Standard_B2s"\n  os_profile_linux_config {\n    # expect\n    disable_password_authentication = false\n  }\n}\n',
      'variable "linux" {\n  default = { password_login = true }\n}\n\nresource "azurerm_virtual_machine" "vm" {\n  name    = "vm"\n  vm_size = "Standard_B2s"\n  dynamic "os_profile_linux_config" {\n    for_each = [var.linux]\n    content {\n      # expect\n      disable_password_authentication = !os_profile_linux_config.value.password_login\n    }\n  }\n}\n',
      'resource "azurerm_orchestrated_virtual_machine_scale_set" "web" {\n  name                        = "web"\n  platform_fault_domain_count = 1\n  sku_name                    = "Standard_D2s_v5"\n  instances                   = 2\n  os_profile {\n    linux_configuration {\n      admin_username                  = "azureuser"\n      admin_password                  = var.admin_password\n      # expect\n      disable_password_authentication = false\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "linux" {\n  default = null\n}\n\nresource "azurerm_orchestrated_virtual_machine_scale_set" "web" {\n  name                        = "web"\n  platform_fault_domain_count = 1\n  os_profile {\n    dynamic "linux_configuration" {\n      for_each = var.linux == null ? [] : [var.linux]\n      content {\n        admin_username                  = "azureuser"\n        disable_password_authentication = false\n      }\n    }\n  }\n}\n',
      'resource "azurerm_linux_virtual_machine" "vm" {\n  name           = "vm"\n  size           = "Standard_B2s"\n  admin_username = "azureuser"\n  admin_ssh_key {\n    username   = "azureuser"\n    public_key = file("id_ed25519.pub")\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_linux_virtual_machine', 'azurerm_linux_virtual_machine_scale_set')) {
      const flag = setting(input, resource, resource.block, ['disable_password_authentication']);
      if (holds(flag, isOff)) yield finding(resource, flag.line, `${label(resource)} accepts SSH logins with a password.`);
    }
    for (const resource of resourcesOf(input, 'azurerm_virtual_machine', 'azurerm_virtual_machine_scale_set')) {
      // Read where it is made: a dynamic "os_profile_linux_config" over a module input, with its iterator bound.
      for (const linux of sectionsAt(input, resource.block, 'os_profile_linux_config')) {
        const flag = setting(input, resource, linux, ['disable_password_authentication']);
        if (holds(flag, isOff)) yield finding(resource, flag.line, `${label(resource)} accepts SSH logins with a password.`);
      }
    }
    // A flexible (orchestrated) scale set keeps the setting in os_profile.linux_configuration, read where it is made.
    for (const resource of resourcesOf(input, 'azurerm_orchestrated_virtual_machine_scale_set')) {
      for (const linux of sectionsAt(input, resource.block, 'os_profile', 'linux_configuration')) {
        const flag = setting(input, resource, linux, ['disable_password_authentication']);
        if (holds(flag, isOff)) yield finding(resource, flag.line, `${label(resource)} accepts SSH logins with a password on every instance.`);
      }
    }
  },
});

const registryAccess: TfRule = tfRule({
  id: 'iac/tf-azure-acr-shared-access',
  title: 'Container registry with an admin user or anonymous pull',
  description:
    'admin_enabled = true gives the registry a shared admin account whose password grants push and pull to everyone who has it, cannot be scoped or tied to a person, and ends up in pipelines and laptops; anonymous_pull_enabled = true lets anyone on the internet pull every image, with the code and secrets baked into them.',
  remediation: 'Set admin_enabled = false and anonymous_pull_enabled = false; give pipelines and clusters Azure AD identities (managed identities, AcrPull/AcrPush role assignments) or scoped tokens.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "azurerm_container_registry" "acr" {\n  name          = "exampleacr"\n  sku           = "Premium"\n  # expect\n  admin_enabled = true\n}\n',
      'resource "azurerm_container_registry" "acr" {\n  name                   = "exampleacr"\n  sku                    = "Standard"\n  # expect\n  anonymous_pull_enabled = true\n}\n',
    ],
    negative: ['resource "azurerm_container_registry" "acr" {\n  name          = "exampleacr"\n  sku           = "Premium"\n  admin_enabled = false\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_container_registry')) {
      const admin = setting(input, resource, resource.block, ['admin_enabled']);
      if (holds(admin, isOn)) yield finding(resource, admin.line, `${label(resource)} enables the shared admin account: one password grants push and pull.`);
      const anonymous = setting(input, resource, resource.block, ['anonymous_pull_enabled']);
      if (holds(anonymous, isOn)) yield finding(resource, anonymous.line, `${label(resource)} lets anyone pull its images without credentials.`, 'high');
    }
  },
});

export const azureComputeRules: readonly TfRule[] = [aksPublicApi, aksRbacDisabled, aksNetworkPolicy, aksLocalAccounts, aksDashboard, aksMonitoring, appHttpsOnly, appFtp, appRemoteDebugging, vmPasswordAuth, registryAccess];

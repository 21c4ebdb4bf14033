import type { Hit } from '../../rule.js';
import type { Expr } from '../hcl/ast.js';
import type { Value } from '../hcl/evaluate.js';
import { attribute, label, mentions, resourcesOf, moduleResourcesOf, textOf, type TfInput, type TfResource } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { always, finding, holds, isOff, sectionsAt, serverParameters, setting, text, type Setting } from './azure-common.js';
import { blocksMade, fileInstance, valueIn } from './instances.js';

/** The actions with which a principal can give itself (or anyone) any role, Owner included. */
const ESCALATION = ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleDefinitions/write'];

/** Whether an action pattern (`*`, `Microsoft.Authorization/*`, a wildcard of every write) covers an action; Azure matches them case-insensitively. */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.trim().toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return regex.test(action.toLowerCase());
}

const customRoleEscalation: TfRule = tfRule({
  id: 'iac/tf-azure-custom-role-escalation',
  title: 'Custom role can assign roles or define new ones',
  description:
    'A custom role definition grants `*` or an action that covers Microsoft.Authorization/roleAssignments/write or roleDefinitions/write, and its not_actions do not take them away. Whoever holds the role can grant themselves, or anyone, any role at its assignable scopes (Owner of the subscription included) or rewrite a role they already hold: the role is as powerful as Owner, whatever its name says.',
  remediation: 'List the actions the role needs instead of wildcards, leave role assignment and role definition writes to built-in roles (Owner, User Access Administrator, Role Based Access Control Administrator with conditions), or add them to not_actions.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'resource "azurerm_role_definition" "ops" {\n  name  = "ops"\n  scope = data.azurerm_subscription.current.id\n  permissions {\n    # expect\n    actions     = ["*"]\n    not_actions = []\n  }\n}\n',
      'resource "azurerm_role_definition" "deployer" {\n  name  = "deployer"\n  scope = data.azurerm_subscription.current.id\n  permissions {\n    actions = [\n      "Microsoft.Resources/deployments/*",\n      # expect\n      "Microsoft.Authorization/roleAssignments/write",\n    ]\n  }\n}\n',
      // A module's permissions, made by a dynamic block over a variable.
      'variable "permissions" {\n  default = [{ actions = ["Microsoft.Authorization/*"], not_actions = [] }]\n}\n\nresource "azurerm_role_definition" "custom" {\n  name  = "custom"\n  scope = data.azurerm_subscription.current.id\n  dynamic "permissions" {\n    for_each = var.permissions\n    content {\n      # expect\n      actions     = permissions.value.actions\n      not_actions = permissions.value.not_actions\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_role_definition" "contributor_like" {\n  name  = "contributor-like"\n  scope = data.azurerm_subscription.current.id\n  permissions {\n    actions     = ["*"]\n    not_actions = ["Microsoft.Authorization/*/Write", "Microsoft.Authorization/*/Delete"]\n  }\n}\n',
      'resource "azurerm_role_definition" "reader" {\n  name  = "reader"\n  scope = data.azurerm_subscription.current.id\n  permissions {\n    actions = ["Microsoft.Authorization/roleDefinitions/read", "Microsoft.Storage/*/read"]\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_role_definition')) {
      // A module's permissions are a dynamic block over a variable: each read with its iterator bound.
      for (const permissions of sectionsAt(input, resource.block, 'permissions')) {
        const actions = attribute(permissions.block, 'actions');
        if (!actions) continue;
        const excluded = setting(input, resource, permissions, ['not_actions']);
        const removed = (action: string) => holds(excluded, (v) => Array.isArray(v) && v.some((p) => typeof p === 'string' && covers(p, action)));
        if (excluded && excluded.values.some((v) => !Array.isArray(v))) continue;
        // Convention 5: each entry of the list on its own line; a list that is not written out, on its key.
        const entries: Array<{ expr: Expr; line: number }> = actions.expr.kind === 'tuple' ? actions.expr.items.map((item) => ({ expr: item, line: item.line })) : [{ expr: actions.expr, line: actions.line }];
        const reported = new Set<number>();
        for (const entry of entries) {
          const value = valueIn(permissions.instance, entry.expr);
          const patterns = (Array.isArray(value) ? value : [value]).filter((p): p is string => typeof p === 'string');
          const granted = ESCALATION.filter((action) => patterns.some((p) => covers(p, action)) && !removed(action));
          if (granted.length === 0 || reported.has(entry.line)) continue;
          reported.add(entry.line);
          yield finding(resource, entry.line, `${label(resource)} grants ${patterns.join(', ')}, which includes ${granted.join(' and ')}: its holders can give themselves any role.`);
        }
      }
    }
  },
});

/** Built-in roles that control a whole scope, by name and by role definition id: those that can grant any role, and Contributor. */
const PRIVILEGED_ROLES: ReadonlyArray<{ name: string; id: string; grants: boolean }> = [
  { name: 'owner', id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', grants: true },
  { name: 'user access administrator', id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', grants: true },
  { name: 'role based access control administrator', id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168', grants: true },
  { name: 'contributor', id: 'b24988ac-6180-42a0-ab88-20f7382dd24c', grants: false },
];

/** A scope that takes in whole subscriptions: a subscription, a management group, or the root (`/`). */
const BROAD_SCOPE = /^\/(?:subscriptions\/[^/]+|providers\/microsoft\.management\/managementgroups\/[^/]+)?\/?$/i;
/** The same, written as a reference that cannot be read: a subscription or management group's id, or "/subscriptions/${...}". */
const BROAD_SCOPE_REFERENCE = /(?:^|[^\w.])(?:data\.azurerm_subscription\.[\w-]+(?:\[[^\]]*\])?\.id|(?:data\.)?azurerm_management_group\.[\w-]+(?:\[[^\]]*\])?\.id)\s*$|^"\/subscriptions\/\$\{[^}]+\}\/?"$/;
/** A principal id that belongs to a workload: a managed identity (user-assigned, or the identity block of a resource) or a service principal. */
const WORKLOAD_PRINCIPAL = /azurerm_user_assigned_identity\.|\.identity\s*(?:\[\s*0\s*\]|\.0)\.principal_id|\bidentity\[0\]\.principal_id|azuread_service_principal\./;

const workloadPrivilegedRole: TfRule = tfRule({
  id: 'iac/tf-azure-workload-privileged-role',
  title: 'Workload identity made Owner or Contributor of a subscription',
  description:
    'A role assignment gives a service principal or managed identity (principal_type = "ServicePrincipal", or a principal_id read from a user-assigned identity, the identity block of a resource or an azuread_service_principal) Owner, User Access Administrator or Role Based Access Control Administrator, without a condition, or Contributor, at the scope of a subscription, a management group or the tenant root. The workload (a pipeline, a function, a virtual machine) then controls every resource of that scope: any flaw in it, a leaked client secret or a compromised pipeline run hands over the subscription, and with the first three roles it can also grant itself or anyone any role. Contributor is reported at medium severity.',
  remediation: 'Assign the workload only the roles it needs (a built-in data or resource role, or a custom role) at the narrowest scope (its resource group or resources); to let a pipeline assign roles, use Role Based Access Control Administrator with a condition that limits the roles and principals it may assign.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'resource "azurerm_role_assignment" "deployer" {\n  scope                = data.azurerm_subscription.current.id\n  # expect\n  role_definition_name = "Owner"\n  principal_id         = azuread_service_principal.deployer.object_id\n}\n',
      'resource "azurerm_role_assignment" "app" {\n  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"\n  # expect\n  role_definition_name = "Contributor"\n  principal_id         = azurerm_user_assigned_identity.app.principal_id\n}\n',
      'resource "azurerm_role_assignment" "ci" {\n  scope              = data.azurerm_management_group.platform.id\n  # expect\n  role_definition_id = "/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"\n  principal_id       = var.ci_object_id\n  principal_type     = "ServicePrincipal"\n}\n',
    ],
    negative: [
      'resource "azurerm_role_assignment" "admins" {\n  scope                = data.azurerm_subscription.current.id\n  role_definition_name = "Owner"\n  principal_id         = var.platform_admins_group_id\n  principal_type       = "Group"\n}\n',
      'resource "azurerm_role_assignment" "app" {\n  scope                = azurerm_resource_group.app.id\n  role_definition_name = "Contributor"\n  principal_id         = azurerm_user_assigned_identity.app.principal_id\n}\n',
      'resource "azurerm_role_assignment" "reader" {\n  scope                = data.azurerm_subscription.current.id\n  role_definition_name = "Reader"\n  principal_id         = azurerm_linux_function_app.app.identity[0].principal_id\n}\n',
      'resource "azurerm_role_assignment" "delegate" {\n  scope                = data.azurerm_subscription.current.id\n  role_definition_name = "Role Based Access Control Administrator"\n  principal_id         = azuread_service_principal.deployer.object_id\n  condition_version    = "2.0"\n  condition            = local.only_reader_assignments\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_role_assignment')) {
      const name = setting(input, resource, resource.block, ['role_definition_name']);
      const id = setting(input, resource, resource.block, ['role_definition_id']);
      const roleSetting = name ?? id;
      const role = roleSetting?.values
        .map((v) => text(v))
        .map((t) => t && PRIVILEGED_ROLES.find((r) => (roleSetting === name ? t === r.name : t.endsWith(`/${r.id}`) || t === r.id)))
        .find((r) => r !== undefined);
      if (!roleSetting || !role) continue;
      // A condition on an assignment of the role administrators limits what they may assign.
      if (role.grants && role.name !== 'owner' && attribute(resource.block, 'condition') && !holds(setting(input, resource, resource.block, ['condition']), (v) => v === null || text(v) === '')) continue;
      const scope = attribute(resource.block, 'scope');
      if (!scope) continue;
      const scopes = setting(input, resource, resource.block, ['scope'])!.values;
      const broad = scopes.some((v) => (typeof v === 'string' ? BROAD_SCOPE.test(v.trim()) : !known(v) && BROAD_SCOPE_REFERENCE.test(textOf(input, scope.expr).trim())));
      if (!broad) continue;
      const type = setting(input, resource, resource.block, ['principal_type']);
      const principal = attribute(resource.block, 'principal_id');
      const workload = holds(type, (v) => text(v) === 'serviceprincipal') || (!holds(type, (v) => text(v) === 'user' || text(v) === 'group') && !!principal && WORKLOAD_PRINCIPAL.test(textOf(input, principal.expr)));
      if (!workload) continue;
      const shown = PRIVILEGED_ROLES.find((r) => r === role)!.name.replace(/\b\w/g, (c) => c.toUpperCase());
      const what = role.grants ? 'controls every resource of it and can grant any role' : 'controls every resource of it';
      yield finding(resource, roleSetting.line, `${label(resource)} makes a workload identity ${shown} of a whole subscription or management group: it ${what}.`, role.grants ? undefined : 'medium');
    }
  },
});

/** The servers and databases a database resource or policy refers to, through server_id / server_name / database_id. */
function refersTo(input: TfInput, resource: TfResource, names: readonly string[], targets: readonly TfResource[]): TfResource[] {
  const exprs = names.map((n) => attribute(resource.block, n)?.expr).filter((e): e is Expr => e !== undefined);
  return targets.filter((t) => exprs.some((e) => mentions(input, e, t.address)));
}

const sqlAuditing: TfRule = tfRule({
  id: 'iac/tf-azure-sql-auditing-disabled',
  title: 'SQL server without auditing',
  description:
    'An Azure SQL server has no auditing in this file: no extended_auditing_policy block, and no azurerm_mssql_server_extended_auditing_policy (or database auditing policy of one of its databases) that refers to it; or a policy turns auditing off (enabled = false). Without audit logs, logins, permission changes and queries leave no record: a breach or data theft cannot be detected or investigated.',
  remediation: 'Add azurerm_mssql_server_extended_auditing_policy for the server (to a storage account or, with log_monitoring_enabled, to Log Analytics), or enable auditing by Azure Policy at the subscription.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "azurerm_mssql_server" "db" {\n  name                = "orders"\n  resource_group_name = "data"\n  location            = "westeurope"\n  version             = "12.0"\n}\n',
      'resource "azurerm_mssql_server_extended_auditing_policy" "db" {\n  server_id              = azurerm_mssql_server.db.id\n  log_monitoring_enabled = true\n  # expect\n  enabled                = false\n}\n',
      'variable "extended_auditing_policy" {\n  default = null\n}\n# expect\nresource "azurerm_sql_server" "this" {\n  name    = "orders"\n  version = "12.0"\n  dynamic "extended_auditing_policy" {\n    for_each = var.extended_auditing_policy != null ? [var.extended_auditing_policy] : []\n    content {\n      storage_endpoint  = extended_auditing_policy.value.storage_endpoint\n      retention_in_days = extended_auditing_policy.value.retention_in_days\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_mssql_server" "db" {\n  name                = "orders"\n  resource_group_name = "data"\n  location            = "westeurope"\n  version             = "12.0"\n}\n\nresource "azurerm_mssql_server_extended_auditing_policy" "db" {\n  server_id              = azurerm_mssql_server.db.id\n  log_monitoring_enabled = true\n}\n',
      'variable "extended_auditing_policy" {\n  default = { storage_endpoint = "https://audit.blob.core.windows.net/", retention_in_days = 180 }\n}\nresource "azurerm_sql_server" "this" {\n  name    = "orders"\n  version = "12.0"\n  dynamic "extended_auditing_policy" {\n    for_each = var.extended_auditing_policy != null ? [var.extended_auditing_policy] : []\n    content {\n      storage_endpoint  = extended_auditing_policy.value.storage_endpoint\n      retention_in_days = extended_auditing_policy.value.retention_in_days\n    }\n  }\n}\n',
      'resource "azurerm_sql_server" "db" {\n  name    = "orders"\n  version = "12.0"\n  extended_auditing_policy {\n    storage_endpoint  = azurerm_storage_account.audit.primary_blob_endpoint\n    retention_in_days = 180\n  }\n}\n',
    ],
  },
  *check(input) {
    const servers = resourcesOf(input, 'azurerm_mssql_server', 'azurerm_sql_server');
    const policyTypes = ['azurerm_mssql_server_extended_auditing_policy', 'azurerm_mssql_database_extended_auditing_policy'];
    for (const policy of resourcesOf(input, ...policyTypes)) {
      const enabled = setting(input, policy, policy.block, ['enabled']);
      if (holds(enabled, isOff)) yield finding(policy, enabled.line, `${label(policy)} turns auditing off.`);
    }
    const databases = moduleResourcesOf(input, 'azurerm_mssql_database', 'azurerm_sql_database');
    const audited = new Set<TfResource>();
    for (const policy of moduleResourcesOf(input, ...policyTypes)) {
      for (const server of refersTo(input, policy, ['server_id'], servers)) audited.add(server);
      // A policy on one of its databases: the server's auditing may be set elsewhere; it is not reported.
      for (const database of refersTo(input, policy, ['database_id'], databases)) for (const server of refersTo(input, database, ['server_id', 'server_name'], servers)) audited.add(server);
    }
    for (const server of servers) {
      // Only a policy block that may be made counts (a dynamic extended_auditing_policy whose for_each is known empty makes none).
      if (audited.has(server) || blocksMade(server.block, 'extended_auditing_policy', fileInstance(input)).length > 0) continue;
      yield finding(server, server.block.line, `${label(server)} has no auditing policy: logins, permission changes and queries leave no record.`);
    }
  },
});

/** A finding for the alerts a threat detection policy turns off (disabled_alerts, a list that is not empty). */
function* alertsOff(resource: TfResource, alerts: Setting | undefined): Generator<Hit> {
  const names = alerts?.values.find((v): v is Value[] => Array.isArray(v) && v.some((a) => typeof a === 'string' && a.trim() !== ''));
  if (!alerts || !names) return;
  const shown = names.filter((a): a is string => typeof a === 'string' && a.trim() !== '');
  yield finding(resource, alerts.line, `${label(resource)} turns off the threat detection alert${shown.length === 1 ? '' : 's'} ${shown.join(', ')}: those attacks on its databases raise no alert.`);
}

const threatDetection: TfRule = tfRule({
  id: 'iac/tf-azure-threat-detection-disabled',
  title: 'Threat detection or Microsoft Defender turned off',
  description:
    'Threat detection is turned off for a database (threat_detection_policy { state = "Disabled" } or { enabled = false }, an azurerm_mssql_server_security_alert_policy with state = "Disabled"), some of its alerts are (disabled_alerts, such as Sql_Injection or Data_Exfiltration), or a Microsoft Defender for Cloud plan is set to the Free tier. Nobody is then alerted to SQL injection, brute-force logins, access from unusual locations or, for Defender plans, to attacks on the covered resources of the whole subscription.',
  remediation: 'Enable threat detection (state = "Enabled" with email_addresses or email_account_admins) and set azurerm_security_center_subscription_pricing tier = "Standard" for the plans in use.',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      // threat_detection_policy as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "threat_detection_policy" {\n  default = { state = "Disabled" }\n}\nresource "azurerm_mssql_database" "this" {\n  name      = "orders"\n  server_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers/Microsoft.Sql/servers/data"\n  dynamic "threat_detection_policy" {\n    for_each = var.threat_detection_policy != null ? [var.threat_detection_policy] : []\n    content {\n      # expect\n      state           = try(threat_detection_policy.value.state, "Enabled")\n      email_addresses = try(threat_detection_policy.value.email_addresses, [])\n    }\n  }\n}\n',
      'resource "azurerm_postgresql_server" "db" {\n  name = "orders"\n  threat_detection_policy {\n    # expect\n    enabled = false\n  }\n}\n',
      'resource "azurerm_mssql_server_security_alert_policy" "db" {\n  resource_group_name = "data"\n  server_name         = azurerm_mssql_server.db.name\n  # expect\n  state               = "Disabled"\n}\n',
      'resource "azurerm_security_center_subscription_pricing" "sql" {\n  # expect\n  tier          = "Free"\n  resource_type = "SqlServers"\n}\n',
      'resource "azurerm_mssql_server_security_alert_policy" "db" {\n  resource_group_name = "data"\n  server_name         = azurerm_mssql_server.db.name\n  state               = "Enabled"\n  # expect\n  disabled_alerts     = ["Sql_Injection", "Data_Exfiltration"]\n}\n',
    ],
    negative: [
      'variable "threat_detection_policy" {\n  default = { state = "Enabled", email_addresses = ["security@example.org"] }\n}\nresource "azurerm_mssql_database" "this" {\n  name      = "orders"\n  server_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers/Microsoft.Sql/servers/data"\n  dynamic "threat_detection_policy" {\n    for_each = var.threat_detection_policy != null ? [var.threat_detection_policy] : []\n    content {\n      state           = try(threat_detection_policy.value.state, "Enabled")\n      email_addresses = try(threat_detection_policy.value.email_addresses, [])\n    }\n  }\n}\n',
      'variable "threat_detection_policy" {\n  default = null\n}\nresource "azurerm_mssql_database" "this" {\n  name      = "orders"\n  server_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers/Microsoft.Sql/servers/data"\n  dynamic "threat_detection_policy" {\n    for_each = var.threat_detection_policy != null ? [var.threat_detection_policy] : []\n    content {\n      state           = try(threat_detection_policy.value.state, "Enabled")\n      email_addresses = try(threat_detection_policy.value.email_addresses, [])\n    }\n  }\n}\n',
      'resource "azurerm_mssql_database" "db" {\n  name      = "orders"\n  server_id = azurerm_mssql_server.db.id\n  threat_detection_policy {\n    state           = "Enabled"\n    email_addresses = ["security@example.org"]\n  }\n}\n',
      'resource "azurerm_security_center_subscription_pricing" "vms" {\n  tier          = "Standard"\n  resource_type = "VirtualMachines"\n}\n',
      'resource "azurerm_mssql_server_security_alert_policy" "db" {\n  resource_group_name  = "data"\n  server_name          = azurerm_mssql_server.db.name\n  state                = "Enabled"\n  disabled_alerts      = []\n  email_account_admins = true\n}\n',
    ],
  },
  *check(input) {
    const disabled = (v: Value) => isOff(v) || text(v) === 'disabled';
    for (const resource of resourcesOf(input, 'azurerm_postgresql_server', 'azurerm_mysql_server', 'azurerm_mariadb_server', 'azurerm_sql_database', 'azurerm_mssql_database', 'azurerm_sql_server')) {
      // Read where it is made: modules write dynamic "threat_detection_policy" { for_each = var.threat_detection_policy != null ? [var.threat_detection_policy] : [] ... }.
      for (const policy of sectionsAt(input, resource.block, 'threat_detection_policy')) {
        const state = setting(input, resource, policy, ['state', 'enabled']);
        if (holds(state, disabled)) yield finding(resource, state.line, `${label(resource)} turns threat detection off: attacks on the database raise no alert.`);
        else yield* alertsOff(resource, setting(input, resource, policy, ['disabled_alerts']));
      }
    }
    for (const resource of resourcesOf(input, 'azurerm_mssql_server_security_alert_policy', 'azurerm_sql_server_security_alert_policy')) {
      const state = setting(input, resource, resource.block, ['state']);
      if (holds(state, disabled)) yield finding(resource, state.line, `${label(resource)} turns the server's threat detection off: attacks on its databases raise no alert.`);
      else yield* alertsOff(resource, setting(input, resource, resource.block, ['disabled_alerts']));
    }
    for (const resource of resourcesOf(input, 'azurerm_security_center_subscription_pricing')) {
      const tier = setting(input, resource, resource.block, ['tier']);
      const type = setting(input, resource, resource.block, ['resource_type'])?.values.find((v) => typeof v === 'string');
      if (holds(tier, (v) => text(v) === 'free')) yield finding(resource, tier.line, `${label(resource)} sets the Microsoft Defender plan${typeof type === 'string' ? ` for ${type}` : ''} to the Free tier: no threat protection for those resources.`);
    }
  },
});

/** Audit and flow logs kept fewer days than this cannot cover an investigation (CIS Azure: more than 90). */
const MIN_DAYS = 90;
/** The activity log of a subscription: a year (CIS Azure 5.1.2). */
const MIN_ACTIVITY_DAYS = 365;
/** PostgreSQL single server's own log retention, 1 to 7 days (CIS Azure: more than 3). */
const MIN_POSTGRES_DAYS = 4;

const logRetention: TfRule = tfRule({
  id: 'iac/tf-azure-log-retention-short',
  title: 'Audit or flow logs kept too briefly',
  description:
    'Logs are deleted before an investigation can use them: SQL auditing (retention_in_days between 1 and 89), network security group flow logs (retention_policy with days between 1 and 89), a subscription activity log profile (fewer than 365 days), or PostgreSQL server logs (log_retention_days below 4). Breaches are typically found weeks or months after they start, so short-lived logs leave the attacker\'s first steps unrecorded. A retention of 0 days means the logs are kept for ever and is not reported.',
  remediation: 'Keep audit and flow logs for at least 90 days (retention_in_days / retention_policy.days, or 0 to keep them), the activity log for a year, and export logs to a Log Analytics workspace or a storage account with its own retention.',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      'resource "azurerm_network_watcher_flow_log" "nsg" {\n  network_watcher_name      = azurerm_network_watcher.main.name\n  resource_group_name       = "net"\n  network_security_group_id = azurerm_network_security_group.app.id\n  storage_account_id        = azurerm_storage_account.logs.id\n  enabled                   = true\n  retention_policy {\n    enabled = true\n    # expect\n    days    = 7\n  }\n}\n',
      'resource "azurerm_mssql_server" "db" {\n  name    = "orders"\n  version = "12.0"\n  extended_auditing_policy {\n    storage_endpoint  = azurerm_storage_account.audit.primary_blob_endpoint\n    # expect\n    retention_in_days = 30\n  }\n}\n',
      // A dynamic policy over a module input, read with its iterator bound.
      'variable "auditing" {\n  default = { retention_in_days = 14 }\n}\n\nresource "azurerm_mssql_server" "db" {\n  name    = "orders"\n  version = "12.0"\n  dynamic "extended_auditing_policy" {\n    for_each = var.auditing == null ? [] : [var.auditing]\n    content {\n      # expect\n      retention_in_days = extended_auditing_policy.value.retention_in_days\n    }\n  }\n}\n',
      'resource "azurerm_postgresql_configuration" "retention" {\n  name                = "log_retention_days"\n  resource_group_name = "data"\n  server_name         = azurerm_postgresql_server.db.name\n  # expect\n  value               = "2"\n}\n',
    ],
    negative: [
      'resource "azurerm_network_watcher_flow_log" "nsg" {\n  network_watcher_name      = azurerm_network_watcher.main.name\n  resource_group_name       = "net"\n  network_security_group_id = azurerm_network_security_group.app.id\n  storage_account_id        = azurerm_storage_account.logs.id\n  enabled                   = true\n  retention_policy {\n    enabled = true\n    days    = 90\n  }\n}\n',
      'resource "azurerm_mssql_server_extended_auditing_policy" "db" {\n  server_id         = azurerm_mssql_server.db.id\n  retention_in_days = 0\n}\n',
      'resource "azurerm_network_watcher_flow_log" "off" {\n  network_watcher_name      = azurerm_network_watcher.main.name\n  resource_group_name       = "net"\n  network_security_group_id = azurerm_network_security_group.app.id\n  storage_account_id        = azurerm_storage_account.logs.id\n  enabled                   = false\n  retention_policy {\n    enabled = true\n    days    = 7\n  }\n}\n',
    ],
  },
  *check(input) {
    const short = (min: number) => (v: Value) => {
      const n = Number(text(v));
      return Number.isFinite(n) && n >= 1 && n < min;
    };
    for (const resource of resourcesOf(input, 'azurerm_network_watcher_flow_log', 'azurerm_monitor_log_profile')) {
      const min = resource.type === 'azurerm_monitor_log_profile' ? MIN_ACTIVITY_DAYS : MIN_DAYS;
      // A flow log that is turned off records nothing to keep (tf-azure-flow-log-disabled).
      if (resource.type === 'azurerm_network_watcher_flow_log' && always(setting(input, resource, resource.block, ['enabled']), isOff)) continue;
      for (const policy of sectionsAt(input, resource.block, 'retention_policy')) {
        const enabled = setting(input, resource, policy, ['enabled']);
        const days = setting(input, resource, policy, ['days']);
        // A policy that is not enabled deletes nothing.
        if (holds(enabled, isOff) || !holds(days, short(min))) continue;
        yield finding(resource, days.line, `${label(resource)} deletes its logs after ${days.values.map(text).find(Boolean)} days (fewer than ${min}).`);
      }
    }
    const audited = ['azurerm_mssql_server', 'azurerm_sql_server', 'azurerm_mssql_database', 'azurerm_sql_database'];
    for (const resource of resourcesOf(input, ...audited)) {
      for (const policy of sectionsAt(input, resource.block, 'extended_auditing_policy')) {
        const days = setting(input, resource, policy, ['retention_in_days']);
        if (holds(days, short(MIN_DAYS))) yield finding(resource, days.line, `${label(resource)} deletes its audit logs after ${days.values.map(text).find(Boolean)} days (fewer than ${MIN_DAYS}).`);
      }
    }
    for (const resource of resourcesOf(input, 'azurerm_mssql_server_extended_auditing_policy', 'azurerm_mssql_database_extended_auditing_policy')) {
      const days = setting(input, resource, resource.block, ['retention_in_days']);
      if (holds(days, short(MIN_DAYS))) yield finding(resource, days.line, `${label(resource)} deletes audit logs after ${days.values.map(text).find(Boolean)} days (fewer than ${MIN_DAYS}).`);
    }
    for (const { resource, value } of serverParameters(input, ['azurerm_postgresql_configuration'], ['log_retention_days'])) {
      if (holds(value, short(MIN_POSTGRES_DAYS))) yield finding(resource, value.line, `${label(resource)} keeps the server's logs ${value.values.map(text).find(Boolean)} days (fewer than ${MIN_POSTGRES_DAYS}).`);
    }
  },
});

const flowLogDisabled: TfRule = tfRule({
  id: 'iac/tf-azure-flow-log-disabled',
  title: 'Network flow log turned off',
  description:
    'An azurerm_network_watcher_flow_log sets enabled = false (the setting is required: nothing turns it on by default). The network security group, virtual network, subnet or network interface it is for then records no flow log: which addresses connected to which ports, what was allowed and what was denied. An intrusion, a scan from a compromised machine or data sent out to an unknown address leaves no network trace, and traffic analytics has nothing to read.',
  remediation: 'Set enabled = true, keep the logs at least 90 days (retention_policy) and send them to traffic analytics; for a virtual network, a flow log on the virtual network itself (target_resource_id) covers every subnet and interface in it.',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      'resource "azurerm_network_watcher_flow_log" "vnet" {\n  name                 = "vnet"\n  network_watcher_name = azurerm_network_watcher.main.name\n  resource_group_name  = "net"\n  target_resource_id   = azurerm_virtual_network.main.id\n  storage_account_id   = azurerm_storage_account.logs.id\n  # expect\n  enabled              = false\n  retention_policy {\n    enabled = true\n    days    = 7\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_network_watcher_flow_log" "nsg" {\n  network_watcher_name      = azurerm_network_watcher.main.name\n  resource_group_name       = "net"\n  network_security_group_id = azurerm_network_security_group.app.id\n  storage_account_id        = azurerm_storage_account.logs.id\n  enabled                   = true\n  retention_policy {\n    enabled = true\n    days    = 90\n  }\n}\n',
      'variable "flow_logs_enabled" {\n  type = bool\n}\n\nresource "azurerm_network_watcher_flow_log" "nsg" {\n  network_watcher_name      = azurerm_network_watcher.main.name\n  resource_group_name       = "net"\n  network_security_group_id = azurerm_network_security_group.app.id\n  storage_account_id        = azurerm_storage_account.logs.id\n  enabled                   = var.flow_logs_enabled\n  retention_policy {\n    enabled = true\n    days    = 90\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_network_watcher_flow_log')) {
      const enabled = setting(input, resource, resource.block, ['enabled']);
      if (holds(enabled, isOff)) yield finding(resource, enabled.line, `${label(resource)} sets enabled = false: the traffic it is for leaves no flow log.`);
    }
  },
});

/** Server parameters that record or limit logins, all on by default, by their names on single and flexible servers. */
const POSTGRES_LOGGING = ['log_connections', 'log_disconnections', 'log_checkpoints', 'connection_throttling', 'connection_throttle.enable'];

const postgresLogging: TfRule = tfRule({
  id: 'iac/tf-azure-postgres-logging-off',
  title: 'PostgreSQL login logging or throttling turned off',
  description:
    'A server parameter that records or limits logins (log_connections, log_disconnections, log_checkpoints, connection_throttling / connection_throttle.enable) is set to off. Failed and successful logins then leave no trace in the server logs, and password-guessing is no longer slowed down: brute force and the use of stolen credentials go unseen.',
  remediation: 'Leave these parameters on (their default), or set value = "on" in the azurerm_postgresql_configuration / azurerm_postgresql_flexible_server_configuration resource.',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      'resource "azurerm_postgresql_configuration" "connections" {\n  name                = "log_connections"\n  resource_group_name = "data"\n  server_name         = azurerm_postgresql_server.db.name\n  # expect\n  value               = "off"\n}\n',
      'resource "azurerm_postgresql_flexible_server_configuration" "throttle" {\n  name      = "connection_throttle.enable"\n  server_id = azurerm_postgresql_flexible_server.db.id\n  # expect\n  value     = "OFF"\n}\n',
    ],
    negative: ['resource "azurerm_postgresql_configuration" "connections" {\n  name                = "log_connections"\n  resource_group_name = "data"\n  server_name         = azurerm_postgresql_server.db.name\n  value               = "on"\n}\n', 'resource "azurerm_postgresql_configuration" "tz" {\n  name                = "timezone"\n  resource_group_name = "data"\n  server_name         = azurerm_postgresql_server.db.name\n  value               = "off"\n}\n'],
  },
  *check(input) {
    for (const { resource, parameter, value } of serverParameters(input, ['azurerm_postgresql_configuration', 'azurerm_postgresql_flexible_server_configuration'], POSTGRES_LOGGING)) {
      if (holds(value, (v) => isOff(v) || text(v) === 'off')) yield finding(resource, value.line, `${label(resource)} sets ${parameter} to off.`);
    }
  },
});

export const azureGovernanceRules: readonly TfRule[] = [customRoleEscalation, workloadPrivilegedRole, sqlAuditing, threatDetection, logRetention, flowLogDisabled, postgresLogging];

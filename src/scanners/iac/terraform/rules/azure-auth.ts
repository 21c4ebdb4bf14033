import type { Value } from '../hcl/evaluate.js';
import { label, resourcesOf, type TfInput, type TfResource } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { writtenPasswords, type PasswordPlace } from './written-passwords.js';
import { blocksMade, fileInstance, instancesOf, sectionsIn } from './instances.js';
import { APP_TYPES, defaulted, finding, holds, isOff, isOn, OS_APP_TYPES, sectionAt, sectionsAt, setting, text, unreadable, writtenSeverity, type Setting } from './azure-common.js';

/**
 * Key-based (local) authentication of the azurerm data and messaging services. Each
 * service has shared keys (account keys, SAS keys, API keys) that work beside Microsoft
 * Entra ID unless the file turns them off, and every one of them defaults to on. A key
 * is a static secret with the rights of the whole account or namespace: it is not tied
 * to a person or workload, Entra ID conditional access and MFA do not apply to it, and
 * it stays valid until rotated.
 */

/** A service with keys: the setting that turns them on (`true` keeps them), the one that turns them off (azurerm 3's Cosmos DB), and what the keys are. */
interface KeyedService {
  types: readonly string[];
  enabled: readonly string[];
  disabled?: readonly string[];
  keys: string;
}

const KEYED: readonly KeyedService[] = [
  { types: ['azurerm_cosmosdb_account'], enabled: ['local_authentication_enabled'], disabled: ['local_authentication_disabled'], keys: 'account keys (read and write of every database)' },
  { types: ['azurerm_servicebus_namespace'], enabled: ['local_auth_enabled'], keys: 'SAS keys' },
  { types: ['azurerm_eventhub_namespace'], enabled: ['local_authentication_enabled'], keys: 'SAS keys' },
  { types: ['azurerm_eventgrid_topic', 'azurerm_eventgrid_domain'], enabled: ['local_auth_enabled'], keys: 'access keys' },
  { types: ['azurerm_cognitive_account'], enabled: ['local_auth_enabled'], keys: 'API keys' },
  { types: ['azurerm_search_service'], enabled: ['local_authentication_enabled'], keys: 'admin and query API keys' },
  { types: ['azurerm_app_configuration'], enabled: ['local_auth_enabled'], keys: 'access keys' },
  { types: ['azurerm_signalr_service', 'azurerm_web_pubsub'], enabled: ['local_auth_enabled'], keys: 'access keys' },
  { types: ['azurerm_iothub'], enabled: ['local_authentication_enabled'], keys: 'hub-level shared access keys' },
];

/** Cosmos DB capabilities of the APIs whose keys cannot be turned off (only the NoSQL API takes Entra ID alone). */
export const COSMOS_KEY_ONLY_APIS = ['enablemongo', 'enablecassandra', 'enabletable', 'enablegremlin'];

/** Whether keys are the only way into the Cosmos DB account (not the NoSQL API) in some instance, or its API cannot be read. */
function cosmosKeysRequired(input: TfInput, resource: TfResource): boolean {
  const kind = setting(input, resource, resource.block, ['kind']);
  if (unreadable(kind) || holds(kind, (v) => text(v) !== 'globaldocumentdb')) return true;
  return instancesOf(resource.block, fileInstance(input)).some((instance) => {
    // A dynamic block known to make no capability (an empty list by default) makes none.
    if (blocksMade(resource.block, 'capabilities', instance).length === 0) return false;
    return sectionsIn(resource.block, 'capabilities', instance).some((capability) => {
      const name = capability.get('name');
      return !known(name) || COSMOS_KEY_ONLY_APIS.includes(text(name) ?? '');
    });
  });
}

/** The local authentication of a resource: a setting that keeps it on, one left at the default (on), or nothing to report. */
function keysOn(input: TfInput, resource: TfResource, service: KeyedService): { explicit?: Setting; defaulted?: Setting | undefined } | undefined {
  const on = setting(input, resource, resource.block, service.enabled);
  const off = service.disabled ? setting(input, resource, resource.block, service.disabled) : undefined;
  const found = on ?? off;
  const bad = (v: Value) => (found === on ? isOn(v) : isOff(v));
  if (holds(found, bad)) return { explicit: found };
  if (defaulted(found)) return { defaulted: found };
  return undefined;
}

const localAuth: TfRule = tfRule({
  id: 'iac/tf-azure-local-auth-enabled',
  title: 'Service accepts shared keys besides Entra ID',
  description:
    'A Cosmos DB account (NoSQL API), Service Bus or Event Hubs namespace, Event Grid topic or domain, Cognitive Services / Azure OpenAI account, AI Search service, App Configuration store, SignalR or Web PubSub service, or IoT hub keeps key-based (local) authentication: local_auth_enabled / local_authentication_enabled is true (the default of every one of them), or local_authentication_disabled = false on Cosmos DB before azurerm 5. Its keys are static secrets with the rights of the whole resource (a Cosmos DB key reads and writes every database; a RootManageSharedAccessKey sends, receives and manages every queue): they are not tied to an identity, conditional access and MFA do not apply, the logs do not say who used them, and they stay valid until rotated, so one copy in a connection string, a pipeline variable or an app setting is enough. Left at the default, or given only by a variable\'s default (a module\'s variable that no caller or definitions file sets), it is reported at low severity; Cosmos DB accounts of the MongoDB, Cassandra, Table and Gremlin APIs, which cannot turn keys off, are left out.',
  remediation:
    'Set local_auth_enabled = false (local_authentication_enabled = false, or local_authentication_disabled = true for Cosmos DB on azurerm 3), give applications managed identities with data-plane roles (Cosmos DB SQL role assignments, Azure Service Bus Data Sender/Receiver, Cognitive Services OpenAI User...), and rotate the keys that were handed out.',
  severity: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      'resource "azurerm_servicebus_namespace" "bus" {\n  name                = "orders-bus"\n  location            = "westeurope"\n  resource_group_name = "app"\n  sku                 = "Standard"\n  # expect\n  local_auth_enabled  = true\n}\n',
      '# expect\nresource "azurerm_cosmosdb_account" "db" {\n  name                = "orders"\n  location            = "westeurope"\n  resource_group_name = "data"\n  offer_type          = "Standard"\n  consistency_policy {\n    consistency_level = "Session"\n  }\n  geo_location {\n    location          = "westeurope"\n    failover_priority = 0\n  }\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name                          = "orders"\n  offer_type                    = "Standard"\n  # expect\n  local_authentication_disabled = false\n}\n',
      'resource "azurerm_cognitive_account" "openai" {\n  name                = "chat"\n  kind                = "OpenAI"\n  sku_name            = "S0"\n  # expect\n  local_auth_enabled  = var.local_auth_enabled\n}\n\nvariable "local_auth_enabled" {\n  type    = bool\n  default = null\n}\n',
    ],
    negative: [
      'resource "azurerm_servicebus_namespace" "bus" {\n  name                = "orders-bus"\n  location            = "westeurope"\n  resource_group_name = "app"\n  sku                 = "Standard"\n  local_auth_enabled  = false\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name                         = "orders"\n  offer_type                   = "Standard"\n  local_authentication_enabled = false\n}\n',
      'resource "azurerm_cosmosdb_account" "mongo" {\n  name       = "catalog"\n  offer_type = "Standard"\n  kind       = "MongoDB"\n  capabilities {\n    name = "EnableMongo"\n  }\n}\n',
      'resource "azurerm_cosmosdb_account" "graph" {\n  name                          = "graph"\n  offer_type                    = "Standard"\n  local_authentication_disabled = false\n  dynamic "capabilities" {\n    for_each = ["EnableGremlin"]\n    content {\n      name = capabilities.value\n    }\n  }\n}\n',
      'resource "azurerm_eventhub_namespace" "events" {\n  name                         = "events"\n  sku                          = "Standard"\n  local_authentication_enabled = var.local_authentication_enabled\n}\n\nvariable "local_authentication_enabled" {\n  type = bool\n}\n',
    ],
  },
  *check(input) {
    for (const service of KEYED) {
      for (const resource of resourcesOf(input, ...service.types)) {
        const on = keysOn(input, resource, service);
        // Only the NoSQL API of Cosmos DB can turn keys off: other APIs keep them, whatever the file says.
        if (!on || (resource.type === 'azurerm_cosmosdb_account' && cosmosKeysRequired(input, resource))) continue;
        if (on.explicit) {
          const shown = on.explicit.values.find((v) => isOn(v) || isOff(v));
          yield finding(resource, on.explicit.line, `${label(resource)} sets ${on.explicit.name} = ${String(shown)}: its ${service.keys} work beside Entra ID, for anyone who holds one.`, writtenSeverity(input, resource, on.explicit));
        } else {
          const name = on.defaulted?.name ?? service.enabled[0]!;
          yield finding(resource, on.defaulted?.line ?? resource.block.line, `${label(resource)} does not set ${name} = ${name.endsWith('_disabled') ? 'true' : 'false'} (keys are on by default): its ${service.keys} work beside Entra ID, for anyone who holds one.`, 'low');
        }
      }
    }
  },
});

const storageSharedKey: TfRule = tfRule({
  id: 'iac/tf-azure-storage-shared-key',
  title: 'Storage account accepts account keys and SAS tokens',
  description:
    'shared_access_key_enabled is true, or left unset (its default is true): the storage account accepts requests signed with its account keys (Shared Key) and with SAS tokens made from them, besides Microsoft Entra ID. An account key gives full control of every blob, file, queue and table of the account; it is a static secret that is not tied to an identity, that conditional access and MFA do not cover, that the logs do not attribute, and that stays valid until rotated, as do the SAS tokens signed with it. Keys copied into connection strings, pipelines and app settings are a common way in. Left at the default, or given only by a variable\'s default (a module\'s variable that no caller or definitions file sets), it is reported at low severity.',
  remediation:
    'Set shared_access_key_enabled = false and give clients Entra ID identities with data roles (Storage Blob Data Reader/Contributor), using user delegation SAS where a SAS is needed. The azurerm provider then needs storage_use_azuread = true to manage containers and shares; function apps need storage_uses_managed_identity = true.',
  severity: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      'resource "azurerm_storage_account" "data" {\n  name                      = "exampledata"\n  account_tier              = "Standard"\n  account_replication_type  = "GRS"\n  # expect\n  shared_access_key_enabled = true\n}\n',
      '# expect\nresource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n}\n',
    ],
    negative: [
      'resource "azurerm_storage_account" "data" {\n  name                      = "exampledata"\n  account_tier              = "Standard"\n  account_replication_type  = "GRS"\n  shared_access_key_enabled = false\n}\n',
      'variable "shared_access_key_enabled" {\n  type = bool\n}\n\nresource "azurerm_storage_account" "data" {\n  name                      = "exampledata"\n  account_tier              = "Standard"\n  account_replication_type  = "GRS"\n  shared_access_key_enabled = var.shared_access_key_enabled\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_storage_account')) {
      const flag = setting(input, resource, resource.block, ['shared_access_key_enabled']);
      if (holds(flag, isOn)) yield finding(resource, flag.line, `${label(resource)} sets shared_access_key_enabled = true: its account keys, and SAS tokens signed with them, give full access to its data outside Entra ID.`, writtenSeverity(input, resource, flag));
      else if (defaulted(flag))
        yield finding(resource, flag?.line ?? resource.block.line, `${label(resource)} does not set shared_access_key_enabled = false (the default is true): its account keys, and SAS tokens signed with them, give full access to its data outside Entra ID.`, 'low');
    }
  },
});

/** The web, function and logic apps whose basic-auth publishing credentials the provider can turn off (azurerm 3.88 and later), with the settings by endpoint. */
const PUBLISHING: ReadonlyArray<{ types: readonly string[]; scm: string; ftp?: string }> = [
  {
    types: OS_APP_TYPES,
    scm: 'webdeploy_publish_basic_authentication_enabled',
    ftp: 'ftp_publish_basic_authentication_enabled',
  },
  { types: ['azurerm_function_app_flex_consumption'], scm: 'webdeploy_publish_basic_authentication_enabled' },
  { types: ['azurerm_logic_app_standard'], scm: 'scm_publish_basic_authentication_enabled', ftp: 'ftp_publish_basic_authentication_enabled' },
];

/**
 * Whether the app's FTP endpoint is on and no other rule reports it: ftps_state =
 * "FtpsOnly", or "AllAllowed" (the default of a logic app) on a logic app, which
 * tf-azure-app-service-ftp-allowed does not read. "AllAllowed" on a web or function app
 * is that rule's finding (plain FTP sends the same credentials); "Disabled" (their
 * default) turns the endpoint off, credentials or not.
 */
function ftpReported(input: TfInput, resource: TfResource): boolean {
  const config = sectionAt(input, resource.block, 'site_config');
  const state = config ? setting(input, resource, config, ['ftps_state']) : undefined;
  const logicApp = resource.type === 'azurerm_logic_app_standard';
  if (holds(state, (v) => text(v) === 'ftpsonly' || (logicApp && text(v) === 'allallowed'))) return true;
  return logicApp && defaulted(state);
}

const appBasicAuth: TfRule = tfRule({
  id: 'iac/tf-azure-app-service-basic-auth-publishing',
  title: 'Web or function app accepts deployment with a user name and password',
  description:
    'webdeploy_publish_basic_authentication_enabled (scm_publish_basic_authentication_enabled on a Standard logic app) is true, or left unset (the default is true), on a Linux or Windows web or function app, a deployment slot, a Flex Consumption function app or a Standard logic app; or ftp_publish_basic_authentication_enabled is true or unset while the FTP endpoint is on (ftps_state = "FtpsOnly", or a logic app\'s default "AllAllowed"). The SCM (Kudu) and WebDeploy endpoints, or FTP, then accept the app\'s publishing profile: a static user name and password that whoever downloads the profile (any Contributor or Website Contributor of the app) or finds it where it was saved (a pipeline secret, a developer\'s machine) can use to deploy code and read the app\'s files and settings, outside Entra ID, conditional access and MFA, until it is reset. Left at the default, or given only by a variable\'s default (a module\'s variable that no caller or definitions file sets), it is reported at low severity. An FTP endpoint that accepts plain FTP is tf-azure-app-service-ftp-allowed\'s finding; apps of the azurerm_app_service / azurerm_function_app generation cannot turn basic authentication off and are left out.',
  remediation:
    'Set webdeploy_publish_basic_authentication_enabled = false and ftp_publish_basic_authentication_enabled = false (scm_ and ftp_publish_basic_authentication_enabled = false on a logic app) on the app and each slot (azurerm 3.88 or later), and deploy with Entra ID: the azure/webapps-deploy or azure/functions-action GitHub actions after azure/login with OpenID Connect, az webapp deploy, or an Azure DevOps service connection with workload identity federation.',
  severity: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      'resource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  https_only      = true\n  # expect\n  webdeploy_publish_basic_authentication_enabled = true\n  ftp_publish_basic_authentication_enabled       = false\n  site_config {}\n}\n',
      '# expect\nresource "azurerm_windows_function_app" "fn" {\n  name                 = "fn"\n  service_plan_id      = azurerm_service_plan.fn.id\n  storage_account_name = azurerm_storage_account.fn.name\n  site_config {}\n}\n',
      '# expect\nresource "azurerm_linux_web_app_slot" "staging" {\n  name                                           = "staging"\n  app_service_id                                 = azurerm_linux_web_app.web.id\n  webdeploy_publish_basic_authentication_enabled = false\n  site_config {\n    ftps_state = "FtpsOnly"\n  }\n}\n',
      'resource "azurerm_logic_app_standard" "flows" {\n  name                                     = "flows"\n  app_service_plan_id                      = azurerm_service_plan.flows.id\n  storage_account_name                     = azurerm_storage_account.flows.name\n  storage_account_access_key               = azurerm_storage_account.flows.primary_access_key\n  scm_publish_basic_authentication_enabled = false\n  # expect\n  ftp_publish_basic_authentication_enabled = true\n}\n',
    ],
    negative: [
      'resource "azurerm_linux_web_app" "web" {\n  name                                           = "web"\n  service_plan_id                                = azurerm_service_plan.web.id\n  webdeploy_publish_basic_authentication_enabled = false\n  site_config {}\n}\n',
      'resource "azurerm_windows_web_app" "web" {\n  name                                           = "web"\n  service_plan_id                                = azurerm_service_plan.web.id\n  webdeploy_publish_basic_authentication_enabled = false\n  ftp_publish_basic_authentication_enabled       = true\n  site_config {\n    ftps_state = "Disabled"\n  }\n}\n',
      'variable "basic_auth" {\n  type = bool\n}\n\nresource "azurerm_linux_function_app" "fn" {\n  name                                           = "fn"\n  service_plan_id                                = azurerm_service_plan.fn.id\n  webdeploy_publish_basic_authentication_enabled = var.basic_auth\n  site_config {}\n}\n',
      'resource "azurerm_app_service" "legacy" {\n  name                = "legacy"\n  app_service_plan_id = azurerm_app_service_plan.legacy.id\n  site_config {}\n}\n',
    ],
  },
  *check(input) {
    for (const { types, scm, ftp } of PUBLISHING) {
      for (const resource of resourcesOf(input, ...types)) {
        const on: Array<{ setting: Setting | undefined; name: string; endpoint: string }> = [{ setting: setting(input, resource, resource.block, [scm]), name: scm, endpoint: 'SCM (Kudu) and WebDeploy endpoints' }];
        if (ftp && ftpReported(input, resource)) on.push({ setting: setting(input, resource, resource.block, [ftp]), name: ftp, endpoint: 'FTP endpoint' });
        const accept = (items: typeof on) => `its ${items.map((i) => i.endpoint).join(' and its ')} ${items.length === 1 && !items[0]!.endpoint.endsWith('s') ? 'accepts' : 'accept'} the publishing profile's static user name and password, outside Entra ID, to deploy code.`;
        const defaults: typeof on = [];
        for (const item of on) {
          if (holds(item.setting, isOn)) yield finding(resource, item.setting.line, `${label(resource)} sets ${item.name} = true: ${accept([item])}`, writtenSeverity(input, resource, item.setting));
          else if (defaulted(item.setting)) defaults.push(item);
        }
        // Settings left at the default are one finding, on the line they would go to.
        const byLine = new Map<number, typeof on>();
        for (const item of defaults) {
          const line = item.setting?.line ?? resource.block.line;
          byLine.set(line, [...(byLine.get(line) ?? []), item]);
        }
        for (const [line, items] of byLine) {
          const names = items.map((i) => `${i.name} = false`).join(' or ');
          yield finding(resource, line, `${label(resource)} does not set ${names} (the default is true): ${accept(items)}`, 'low');
        }
      }
    }
  },
});

const HDINSIGHT_CLUSTERS = ['hadoop', 'hbase', 'interactive_query', 'kafka', 'spark'].map((kind) => `azurerm_hdinsight_${kind}_cluster`);

/**
 * Where the azurerm resources keep an administrator's password: the blocks on the way to
 * it (none for a top-level argument) and its names (the write-only `_wo` form of azurerm 4
 * stays out of the state, but not out of the file).
 */
const ADMIN_PASSWORDS: readonly PasswordPlace[] = [
  {
    types: [
      'azurerm_mssql_server',
      'azurerm_sql_server',
      'azurerm_mssql_managed_instance',
      'azurerm_sql_managed_instance',
      'azurerm_postgresql_server',
      'azurerm_postgresql_flexible_server',
      'azurerm_mysql_server',
      'azurerm_mysql_flexible_server',
      'azurerm_mariadb_server',
      'azurerm_cosmosdb_postgresql_cluster',
    ],
    path: [],
    names: ['administrator_login_password', 'administrator_password', 'administrator_login_password_wo', 'administrator_password_wo'],
  },
  { types: ['azurerm_synapse_workspace'], path: [], names: ['sql_administrator_login_password'] },
  {
    types: ['azurerm_linux_virtual_machine', 'azurerm_windows_virtual_machine', 'azurerm_linux_virtual_machine_scale_set', 'azurerm_windows_virtual_machine_scale_set'],
    path: [],
    names: ['admin_password'],
  },
  { types: ['azurerm_virtual_machine', 'azurerm_virtual_machine_scale_set'], path: ['os_profile'], names: ['admin_password'] },
  { types: ['azurerm_orchestrated_virtual_machine_scale_set'], path: ['os_profile', 'linux_configuration'], names: ['admin_password'] },
  { types: ['azurerm_orchestrated_virtual_machine_scale_set'], path: ['os_profile', 'windows_configuration'], names: ['admin_password'] },
  { types: ['azurerm_kubernetes_cluster'], path: ['windows_profile'], names: ['admin_password'] },
  { types: ['azurerm_dev_test_linux_virtual_machine', 'azurerm_dev_test_windows_virtual_machine'], path: [], names: ['password'] },
  { types: ['azurerm_vmware_private_cloud'], path: [], names: ['vcenter_password', 'nsxt_password'] },
  // An HDInsight cluster's gateway login (Ambari and the cluster's web endpoints) and its nodes' logins.
  ...HDINSIGHT_CLUSTERS.flatMap((type) => [
    { types: [type], path: ['gateway'], names: ['password'] },
    ...['head_node', 'worker_node', 'zookeeper_node'].map((node) => ({ types: [type], path: ['roles', node], names: ['password'] })),
  ]),
];

const hardcodedAdminPassword: TfRule = tfRule({
  id: 'iac/tf-azure-hardcoded-password',
  title: 'Administrator password written in the configuration',
  description:
    'The administrator password of a database server (administrator_login_password or administrator_password of SQL, PostgreSQL, MySQL and MariaDB servers, a SQL managed instance, a Synapse workspace), a virtual machine or scale set (admin_password, also in os_profile; password of a DevTest Labs machine), the Windows nodes of an AKS cluster, an HDInsight cluster (gateway and node logins) or an Azure VMware Solution private cloud (vCenter and NSX-T) is a literal: written in the argument, or given by a variable default, a local or a .tfvars file that the configuration holds. It is in version control, in every clone, fork, CI log and plan of the repository and in the state file; whoever reads any of them can log in as the administrator of the server or machine (on a database server with a public endpoint, from anywhere), and changing it means changing code. Written in the argument it is reported at high severity; read through a variable default or a local, which a deployment may override, at medium. Variables without a default, references (random_password.x.result, a Key Vault secret) and placeholders are not reported. The password itself is never printed.',
  remediation:
    'Generate the password (random_password) or read it from Key Vault (data "azurerm_key_vault_secret"), or pass it as a sensitive variable without a default; better, use Entra ID authentication (azuread_administrator with azuread_authentication_only = true, SSH keys and Entra ID login for machines). Change the password that was committed: it stays in the history.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      'resource "azurerm_mssql_server" "db" {\n  name                         = "orders"\n  version                      = "12.0"\n  administrator_login          = "sqladmin"\n  # expect\n  administrator_login_password = "abc123-Pass-1234"\n}\n',
      'resource "azurerm_windows_virtual_machine" "vm" {\n  name           = "vm"\n  size           = "Standard_B2s"\n  admin_username = "azureuser"\n  # expect\n  admin_password = "abc123-Pass-1234"\n}\n',
      'resource "azurerm_virtual_machine" "vm" {\n  name    = "vm"\n  vm_size = "Standard_B2s"\n  os_profile {\n    computer_name  = "vm"\n    admin_username = "azureuser"\n    # expect\n    admin_password = "abc123-Pass-1234"\n  }\n}\n',
      'variable "db_password" {\n  type      = string\n  sensitive = true\n  default   = "abc123-Pass-1234"\n}\n\nresource "azurerm_postgresql_flexible_server" "db" {\n  name                   = "orders"\n  administrator_login    = "pgadmin"\n  # expect\n  administrator_password = var.db_password\n}\n',
    ],
    negative: [
      'resource "random_password" "db" {\n  length = 24\n}\n\nresource "azurerm_mssql_server" "db" {\n  name                         = "orders"\n  version                      = "12.0"\n  administrator_login          = "sqladmin"\n  administrator_login_password = random_password.db.result\n}\n',
      'variable "admin_password" {\n  type      = string\n  sensitive = true\n}\n\nresource "azurerm_linux_virtual_machine" "vm" {\n  name           = "vm"\n  size           = "Standard_B2s"\n  admin_username = "azureuser"\n  admin_password = var.admin_password\n}\n',
      'resource "azurerm_mysql_flexible_server" "db" {\n  name                         = "orders"\n  administrator_login          = "dbadmin"\n  administrator_login_password = data.azurerm_key_vault_secret.db.value\n}\n',
      'resource "azurerm_mssql_server" "db" {\n  name                         = "orders"\n  version                      = "12.0"\n  administrator_login_password = "<your-password>"\n}\n',
    ],
  },
  check: (input) => writtenPasswords(input, ADMIN_PASSWORDS, ' as its administrator'),
});

const appAuthentication: TfRule = tfRule({
  id: 'iac/tf-azure-app-service-auth-disabled',
  title: 'Web or function app without App Service authentication',
  description:
    'A web or function app (azurerm_linux_/windows_web_app, azurerm_linux_/windows_function_app, their slots, or azurerm_app_service / azurerm_function_app) has no built-in authentication ("Easy Auth"): no auth_settings or auth_settings_v2 block, auth_settings { enabled = false }, or auth_settings_v2 with auth_enabled = false or left unset (its default is false). App Service then passes every request to the code, so whatever the application does not check itself is open to anyone who reaches its address, deployment slots and function endpoints included. Many applications authenticate on their own (a login page, JWT validation, function keys, a gateway in front) or are public on purpose, so this is reported at low severity, as a reminder to confirm which one applies.',
  remediation:
    'Turn on authentication with auth_settings_v2 { auth_enabled = true, require_authentication = true, unauthenticated_action = "RedirectToLoginPage" (or "Return401") } and an identity provider (active_directory_v2 with the app registration), or confirm that the application (or the gateway in front of it) authenticates every request.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      '# expect\nresource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  https_only      = true\n  site_config {}\n}\n',
      'resource "azurerm_app_service" "web" {\n  name                = "web"\n  app_service_plan_id = azurerm_app_service_plan.web.id\n  auth_settings {\n    # expect\n    enabled = false\n  }\n}\n',
      'resource "azurerm_windows_function_app" "fn" {\n  name            = "fn"\n  service_plan_id = azurerm_service_plan.fn.id\n  site_config {}\n  # expect\n  auth_settings_v2 {\n    login {}\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  site_config {}\n  auth_settings_v2 {\n    auth_enabled           = true\n    require_authentication = true\n    active_directory_v2 {\n      client_id            = var.client_id\n      tenant_auth_endpoint = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"\n    }\n    login {}\n  }\n}\n',
      'resource "azurerm_function_app" "fn" {\n  name                = "fn"\n  app_service_plan_id = azurerm_app_service_plan.fn.id\n  auth_settings {\n    enabled = true\n  }\n}\n',
      'variable "auth_enabled" {\n  type = bool\n}\n\nresource "azurerm_windows_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  site_config {}\n  auth_settings {\n    enabled = var.auth_enabled\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, ...APP_TYPES)) {
      const v1 = sectionsAt(input, resource.block, 'auth_settings').map((owner) => ({ owner, flag: setting(input, resource, owner, ['enabled']) }));
      const v2 = sectionsAt(input, resource.block, 'auth_settings_v2').map((owner) => ({ owner, flag: setting(input, resource, owner, ['auth_enabled']) }));
      // On, or not known to be off, in either generation of the settings: authenticated, or not to be told.
      if (v1.some(({ flag }) => !flag || unreadable(flag) || holds(flag, isOn))) continue;
      if (v2.some(({ flag }) => unreadable(flag) || holds(flag, isOn))) continue;
      const off = [...v1, ...v2].find(({ flag }) => holds(flag, isOff));
      const unset = v2.find(({ flag }) => defaulted(flag));
      const why = 'anyone who reaches it is served, unless the application authenticates requests itself';
      if (off?.flag) yield finding(resource, off.flag.line, `${label(resource)} turns App Service authentication off (${off.flag.name} = false): ${why}.`);
      else if (unset) yield finding(resource, unset.flag?.line ?? unset.owner.line, `${label(resource)} does not set auth_settings_v2.auth_enabled = true (the default is false): ${why}.`);
      else yield finding(resource, resource.block.line, `${label(resource)} has no App Service authentication (auth_settings or auth_settings_v2): ${why}.`);
    }
  },
});

export const azureAuthRules: readonly TfRule[] = [storageSharedKey, localAuth, appBasicAuth, hardcodedAdminPassword, appAuthentication];

import type { Expr } from '../hcl/ast.js';
import type { Value } from '../hcl/evaluate.js';
import { AZAPI_RESOURCE, AZAPI_UPDATE, armProperty, armResource, mayHold } from '../azapi.js';
import { asStrings, attribute, label, mentioned, referrers, resourcesOf, type TfInput, type TfResource } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { HOSTED_APP_TYPES, azurermFrom, pinsAzurerm, defaulted, delegatesSubnet, finding, holds, isOff, isOn, publicAccessOff, sectionAt, sectionsAt, serverParameters, setting, text, unreadable, writtenSeverity, type Setting } from './azure-common.js';
import { blocksMade, fileInstance } from './instances.js';

/** Servers whose public network access defaults to true in azurerm 3 and 4 (single servers, Azure SQL logical servers): on unless set to false. */
const PUBLIC_BY_DEFAULT = ['azurerm_mysql_server', 'azurerm_mariadb_server', 'azurerm_postgresql_server', 'azurerm_mssql_server'];
/**
 * Flexible servers, with the names of their public access setting: public by default
 * unless created with virtual network integration (delegated_subnet_id), which has no
 * public endpoint. PostgreSQL: public_network_access_enabled, default true (older azurerm 3
 * releases only read it: true without a delegated subnet). MySQL:
 * public_network_access "Enabled" / "Disabled", default "Enabled" (azurerm 4; azurerm 3
 * only reads public_network_access_enabled, which the file cannot set).
 */
const FLEXIBLE: Readonly<Record<string, readonly string[]>> = {
  azurerm_postgresql_flexible_server: ['public_network_access_enabled'],
  azurerm_mysql_flexible_server: ['public_network_access', 'public_network_access_enabled'],
};
/** Services with the same setting, reported only when the file turns it on. */
const PUBLIC_WHEN_SET = ['azurerm_cosmosdb_account', 'azurerm_redis_cache', 'azurerm_synapse_workspace', 'azurerm_search_service'];

/** public_network_access_enabled = true, or public_network_access = "Enabled". */
const accessOn = (value: Value): boolean => isOn(value) || text(value) === 'enabled';

/**
 * Whether a flexible server is public in some instance, and how: 'set' when the file turns
 * public access on, 'default' when it leaves it unset (or null) without a delegated subnet.
 * A delegated subnet, or one that cannot be read (it names a subnet known at apply), makes
 * the server private; so does public access off, or a value that cannot be read.
 */
function flexiblePublic(flag: Setting | undefined, subnet: Setting | undefined): 'set' | 'default' | undefined {
  const count = Math.max(flag?.values.length ?? 1, subnet?.values.length ?? 1);
  let found: 'default' | undefined;
  for (let i = 0; i < count; i++) {
    if (delegatesSubnet(subnet?.values[i] ?? null)) continue;
    const value = flag?.values[i] ?? null;
    if (known(value) && accessOn(value)) return 'set';
    if (value === null) found = 'default';
  }
  return found;
}

/**
 * Whether a Cosmos DB account filters the networks that reach its public endpoint: an
 * ip_range_filter that lists something (a comma-separated string before azurerm 4, a set
 * since) or is_virtual_network_filter_enabled = true. 'open' when neither does in some
 * instance, 'unknown' when one of them cannot be read.
 */
function cosmosFilter(input: TfInput, resource: TfResource): 'filtered' | 'open' | 'unknown' {
  const vnet = setting(input, resource, resource.block, ['is_virtual_network_filter_enabled']);
  const ips = setting(input, resource, resource.block, ['ip_range_filter']);
  if (unreadable(vnet) || unreadable(ips)) return 'unknown';
  const listsNone = (v: Value) => v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
  const open = (vnet?.values ?? [null]).some((v, i) => !isOn(v) && listsNone(ips?.values[i] ?? null));
  return open ? 'open' : 'filtered';
}

const dbPublicAccess: TfRule = tfRule({
  id: 'iac/tf-azure-db-public-network-access',
  title: 'Database reachable from public networks',
  description:
    'public_network_access_enabled is true, or left unset on an Azure SQL, PostgreSQL, MySQL or MariaDB server, where it defaults to true (reported at low severity when left unset or given only by a variable\'s default that no caller or definitions file sets, at medium when the file, a caller or a definitions file sets it to true). The server then has an endpoint on the internet, guarded only by its firewall rules and its passwords: one broad firewall rule (or the "Allow Azure services" rule) away from being reachable by anyone, and a target for credential stuffing. A PostgreSQL or MySQL flexible server is public unless it is created with virtual network integration (delegated_subnet_id) or turns public access off (public_network_access_enabled = false for PostgreSQL, public_network_access = "Disabled" for MySQL): low when left at the default, medium when the file turns it on. An azurerm_sql_server (the older resource) cannot turn public access off and is reported at low. Redis caches, Synapse workspaces and search services are reported when the file turns public access on. A Cosmos DB account is reported when the file turns public access on, and at low severity when public access is left at its default (true) with no ip_range_filter and is_virtual_network_filter_enabled not true: every network, the whole internet included, then reaches its endpoint, guarded only by its keys or tokens. Firewall rules that admit the internet are tf-azure-db-firewall-open\'s findings.',
  remediation:
    'Set public_network_access_enabled = false (MySQL flexible server: public_network_access = "Disabled") and connect through a private endpoint, or create a flexible server with virtual network integration (delegated_subnet_id and private_dns_zone_id). Move an azurerm_sql_server to azurerm_mssql_server. For a Cosmos DB account that must stay public, list its clients in ip_range_filter, or set is_virtual_network_filter_enabled = true with virtual_network_rule blocks for their subnets.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'resource "azurerm_postgresql_server" "db" {\n  name                          = "orders"\n  location                      = "westeurope"\n  resource_group_name           = "data"\n  sku_name                      = "GP_Gen5_2"\n  version                       = "11"\n  ssl_enforcement_enabled       = true\n  # expect\n  public_network_access_enabled = true\n}\n',
      '# expect\nresource "azurerm_mssql_server" "db" {\n  name                = "orders"\n  resource_group_name = "data"\n  location            = "westeurope"\n  version             = "12.0"\n}\n',
      '# expect\nresource "azurerm_sql_server" "db" {\n  name                = "orders"\n  resource_group_name = "data"\n  location            = "westeurope"\n  version             = "12.0"\n}\n',
      '# expect\nresource "azurerm_postgresql_flexible_server" "db" {\n  name                = "orders"\n  resource_group_name = "data"\n  location            = "westeurope"\n  version             = "16"\n  sku_name            = "GP_Standard_D2s_v3"\n}\n',
      'resource "azurerm_mysql_flexible_server" "db" {\n  name                  = "orders"\n  resource_group_name   = "data"\n  location              = "westeurope"\n  sku_name              = "GP_Standard_D2ds_v4"\n  # expect\n  public_network_access = "Enabled"\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name                          = "orders"\n  offer_type                    = "Standard"\n  # expect\n  public_network_access_enabled = true\n}\n',
      '# expect\nresource "azurerm_cosmosdb_account" "db" {\n  name       = "orders"\n  offer_type = "Standard"\n  consistency_policy {\n    consistency_level = "Session"\n  }\n}\n',
      '# expect\nresource "azurerm_cosmosdb_account" "db" {\n  name                              = "orders"\n  offer_type                        = "Standard"\n  ip_range_filter                   = []\n  is_virtual_network_filter_enabled = false\n}\n',
    ],
    negative: [
      'resource "azurerm_mysql_server" "db" {\n  name                          = "orders"\n  sku_name                      = "GP_Gen5_2"\n  version                       = "8.0"\n  ssl_enforcement_enabled       = true\n  public_network_access_enabled = false\n}\n',
      'resource "azurerm_postgresql_flexible_server" "db" {\n  name                = "orders"\n  resource_group_name = "data"\n  location            = "westeurope"\n  version             = "16"\n  sku_name            = "GP_Standard_D2s_v3"\n  delegated_subnet_id = azurerm_subnet.db.id\n  private_dns_zone_id = azurerm_private_dns_zone.db.id\n}\n',
      'resource "azurerm_mysql_flexible_server" "db" {\n  name                  = "orders"\n  resource_group_name   = "data"\n  location              = "westeurope"\n  sku_name              = "GP_Standard_D2ds_v4"\n  public_network_access = "Disabled"\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name                          = "orders"\n  offer_type                    = "Standard"\n  public_network_access_enabled = false\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name            = "orders"\n  offer_type      = "Standard"\n  ip_range_filter = ["203.0.113.0/24"]\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name            = "orders"\n  offer_type      = "Standard"\n  ip_range_filter = "203.0.113.10,198.51.100.0/24"\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name                              = "orders"\n  offer_type                        = "Standard"\n  is_virtual_network_filter_enabled = true\n  virtual_network_rule {\n    id = azurerm_subnet.app.id\n  }\n}\n',
      'variable "allowed_ips" {\n  type = list(string)\n}\n\nresource "azurerm_cosmosdb_account" "db" {\n  name            = "orders"\n  offer_type      = "Standard"\n  ip_range_filter = var.allowed_ips\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, ...PUBLIC_BY_DEFAULT, ...Object.keys(FLEXIBLE), ...PUBLIC_WHEN_SET, 'azurerm_sql_server')) {
      if (resource.type === 'azurerm_sql_server') {
        // azurerm 2 and 3's older SQL server resource has no setting for it: Azure's default, enabled, always applies.
        yield finding(resource, resource.block.line, `${label(resource)} has an endpoint on the internet: azurerm_sql_server cannot turn public network access off (azurerm_mssql_server can, with public_network_access_enabled = false).`, 'low');
        continue;
      }
      const names = FLEXIBLE[resource.type];
      if (names) {
        const flag = setting(input, resource, resource.block, names);
        const how = flexiblePublic(flag, setting(input, resource, resource.block, ['delegated_subnet_id']));
        const name = flag?.name ?? names[0]!;
        const [on, off] = name === 'public_network_access' ? ['"Enabled"', '"Disabled"'] : ['true', 'false'];
        if (how === 'set') yield finding(resource, flag!.line, `${label(resource)} sets ${name} = ${on} and has no delegated_subnet_id: it has an endpoint on the internet.`, writtenSeverity(input, resource, flag!));
        else if (how === 'default')
          yield finding(
            resource,
            flag?.line ?? resource.block.line,
            `${label(resource)} has no delegated_subnet_id (virtual network integration) and does not set ${name} = ${off} (the default is ${on}): it has an endpoint on the internet.`,
            'low',
          );
        continue;
      }
      const flag = setting(input, resource, resource.block, ['public_network_access_enabled']);
      if (resource.type === 'azurerm_cosmosdb_account') {
        const filter = cosmosFilter(input, resource);
        if (holds(flag, isOn)) {
          const open = filter === 'open' ? ', and no ip_range_filter or virtual network filter: any address on the internet can connect' : '';
          yield finding(resource, flag.line, `${label(resource)} sets public_network_access_enabled = true: it has an endpoint on the internet${open}.`, writtenSeverity(input, resource, flag));
        } else if (defaulted(flag) && filter === 'open')
          yield finding(
            resource,
            flag?.line ?? resource.block.line,
            `${label(resource)} does not set public_network_access_enabled = false (the default is true) and has no ip_range_filter or virtual network filter: any address on the internet can connect to it.`,
            'low',
          );
        continue;
      }
      if (holds(flag, isOn)) yield finding(resource, flag.line, `${label(resource)} sets public_network_access_enabled = true: it has an endpoint on the internet.`, writtenSeverity(input, resource, flag));
      // Left at the provider's default (true), the endpoint is as open, but the file did not ask for it: low, as for every default of these rules.
      else if (defaulted(flag) && PUBLIC_BY_DEFAULT.includes(resource.type))
        yield finding(resource, flag?.line ?? resource.block.line, `${label(resource)} does not set public_network_access_enabled = false (the default is true): it has an endpoint on the internet.`, 'low');
    }
  },
});

/**
 * Whether the storage accounts a container names (an azurerm container's storage_account_id
 * or storage_account_name, an azapi container's parent_id, through an azapi blobServices
 * resource too) are all known to have public network access off (azurerm
 * public_network_access_enabled = false, azapi properties.publicNetworkAccess = "Disabled"):
 * its blobs are then out of the internet's reach, whatever its access level, and only
 * networks that reach the account's private endpoints (a Front Door origin over Private
 * Link, say) read them without credentials.
 */
export function containerAccountPrivate(input: TfInput, reads: ReadonlyArray<Expr | undefined>, depth = 0): boolean {
  const accounts = reads.flatMap((read) => mentioned(input, read));
  let named = 0;
  for (const account of accounts) {
    if (account.type === 'azurerm_storage_account') {
      if (!publicAccessOff(input, account)) return false;
      named++;
    } else if (account.type === AZAPI_RESOURCE) {
      const arm = armResource(input, account);
      const type = arm?.armType.toLowerCase();
      if (type === 'microsoft.storage/storageaccounts') {
        const access = armProperty(arm!, ['properties', 'publicNetworkAccess']);
        if (access.state !== 'set' || text(access.value) !== 'disabled') return false;
        named++;
      } else if (type === 'microsoft.storage/storageaccounts/blobservices' && depth === 0) {
        if (!containerAccountPrivate(input, [attribute(account.block, 'parent_id')?.expr], depth + 1)) return false;
        named++;
      }
    }
  }
  return named > 0;
}

/** What a public container's message says of who reads it, and at what severity: high, low behind an account without public network access. */
export function containerReaders(privateAccount: boolean, anyone: string): { why: string; severity?: 'low' } {
  return privateAccount
    ? { why: `${anyone.replace(/^anyone/, 'whoever reaches its storage account, whose public network access is off (its private endpoints),')} without credentials`, severity: 'low' }
    : { why: `${anyone} without credentials` };
}

const containerPublic: TfRule = tfRule({
  id: 'iac/tf-azure-storage-container-public',
  title: 'Storage container readable by anyone',
  description:
    'container_access_type is "blob" (anyone who knows or guesses a blob\'s URL can read it) or "container" (anyone can also list every blob). No key or token is needed: data left in such containers is routinely found by scanners that enumerate storage account names. A container of a storage account with public network access off (public_network_access_enabled = false) is out of the internet\'s reach, read only through the account\'s private endpoints (a Front Door origin over Private Link serves it on purpose): low.',
  remediation: 'Set container_access_type = "private" (the default) and share blobs with short-lived SAS tokens, or serve them through a CDN or Front Door with a private origin.',
  severity: 'high',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'resource "azurerm_storage_container" "reports" {\n  name                  = "reports"\n  storage_account_name  = azurerm_storage_account.data.name\n  # expect\n  container_access_type = "container"\n}\n',
      'resource "azurerm_storage_container" "assets" {\n  name                  = "assets"\n  storage_account_id    = azurerm_storage_account.data.id\n  # expect\n  container_access_type = "blob"\n}\n',
    ],
    negative: ['resource "azurerm_storage_container" "reports" {\n  name                  = "reports"\n  storage_account_name  = azurerm_storage_account.data.name\n  container_access_type = "private"\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_storage_container')) {
      const access = setting(input, resource, resource.block, ['container_access_type']);
      if (holds(access, (v) => text(v) === 'blob' || text(v) === 'container')) {
        const anyone = holds(access, (v) => text(v) === 'container') ? 'anyone can list and read its blobs' : 'anyone can read its blobs';
        const { why, severity } = containerReaders(
          containerAccountPrivate(input, ['storage_account_id', 'storage_account_name'].map((key) => attribute(resource.block, key)?.expr)),
          anyone,
        );
        yield finding(resource, access.line, `${label(resource)} is public: ${why}.`, severity);
      }
    }
  },
});

const accountPublicAccess: TfRule = tfRule({
  id: 'iac/tf-azure-storage-public-access-allowed',
  title: 'Storage account allows public containers',
  description:
    'The storage account allows anonymous access to its containers: allow_nested_items_to_be_public (azurerm 3 and later) or allow_blob_public_access (azurerm 2) is true. In azurerm 3 and 4 it defaults to true when unset (reported at low severity, unless public_network_access_enabled = false keeps the account off the internet); azurerm 5.0 made the default false, so an account of a module whose azurerm version constraints (required_providers, or the version of a provider block) admit only 5.0 and later is not reported for leaving it unset. A true given only by a variable\'s default (a module\'s variable that no caller or definitions file sets) is reported at low severity too. The account setting is the guard rail: while it allows public access, one container created or changed with a public access level, by Terraform, a script or the portal, exposes its data to the internet.',
  remediation: 'Set allow_nested_items_to_be_public = false (allow_blob_public_access = false before azurerm 3), and share data with SAS tokens or a CDN instead.',
  severity: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'resource "azurerm_storage_account" "data" {\n  name                            = "exampledata"\n  account_tier                    = "Standard"\n  account_replication_type        = "GRS"\n  # expect\n  allow_nested_items_to_be_public = true\n}\n',
      '# expect\nresource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n}\n',
      // A constraint that admits azurerm 4 (or none at all) may get its default, true.
      'terraform {\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = ">= 4.0, < 6.0"\n    }\n  }\n}\n\n# expect\nresource "azurerm_storage_account" "logs" {\n  name                     = "examplelogs"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n}\n',
    ],
    negative: [
      'resource "azurerm_storage_account" "data" {\n  name                            = "exampledata"\n  account_tier                    = "Standard"\n  account_replication_type        = "GRS"\n  allow_nested_items_to_be_public = false\n}\n',
      'resource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n  allow_blob_public_access = false\n}\n',
      'resource "azurerm_storage_account" "files" {\n  name                     = "examplefiles"\n  account_kind             = "FileStorage"\n  account_tier             = "Premium"\n  account_replication_type = "LRS"\n}\n',
      'resource "azurerm_storage_account" "private" {\n  name                          = "exampleprivate"\n  account_tier                  = "Standard"\n  account_replication_type      = "ZRS"\n  public_network_access_enabled = false\n}\n',
      // azurerm 5.0 and later default to false.
      'terraform {\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = "~> 5.0"\n    }\n  }\n}\n\nresource "azurerm_storage_account" "logs" {\n  name                     = "examplelogs"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_storage_account')) {
      const flag = setting(input, resource, resource.block, ['allow_nested_items_to_be_public', 'allow_blob_public_access']);
      if (holds(flag, isOn)) yield finding(resource, flag.line, `${label(resource)} sets ${flag.name} = true: any container of it can be made public.`, writtenSeverity(input, resource, flag));
      // The default is reported only where the internet can reach the account: not on file shares (no blobs), nor with public network access off,
      // and only where it is true: azurerm 5.0 made it false.
      else if (defaulted(flag) && !azurermFrom(input, 5) && text(setting(input, resource, resource.block, ['account_kind'])?.values[0] ?? null) !== 'filestorage' && !publicAccessOff(input, resource))
        yield finding(
          resource,
          flag?.line ?? resource.block.line,
          `${label(resource)} does not set allow_nested_items_to_be_public = false (the default is true in azurerm 3 and 4, ${pinsAzurerm(input) ? "which the module's azurerm version constraint admits" : 'and the module does not constrain the azurerm version'}; 5.0 made it false): any container of it can be made public.`,
          'low',
        );
    }
  },
});

const cleartextAllowed: TfRule = tfRule({
  id: 'iac/tf-azure-cleartext-allowed',
  title: 'Data service accepts unencrypted connections',
  description:
    'A storage account accepts HTTP (enable_https_traffic_only / https_traffic_only_enabled = false), a Redis cache opens its non-TLS port 6379 (enable_non_ssl_port / non_ssl_port_enabled = true), or a PostgreSQL, MySQL or MariaDB server does not require TLS (ssl_enforcement_enabled = false, or require_secure_transport = off on a flexible server). Data and the access keys, passwords or SAS tokens sent with it then cross the network in clear text, readable by anyone on the path.',
  remediation: 'Set https_traffic_only_enabled = true (storage), non_ssl_port_enabled = false (Redis), ssl_enforcement_enabled = true (single servers) and require_secure_transport = on (flexible servers); clients should connect over TLS.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'resource "azurerm_storage_account" "data" {\n  name                      = "exampledata"\n  account_tier              = "Standard"\n  account_replication_type  = "GRS"\n  # expect\n  enable_https_traffic_only = false\n}\n',
      'resource "azurerm_redis_cache" "sessions" {\n  name                = "sessions"\n  capacity            = 1\n  family              = "C"\n  sku_name            = "Standard"\n  # expect\n  non_ssl_port_enabled = true\n}\n',
      'resource "azurerm_mysql_server" "db" {\n  name                    = "orders"\n  sku_name                = "GP_Gen5_2"\n  version                 = "8.0"\n  # expect\n  ssl_enforcement_enabled = false\n}\n',
      'resource "azurerm_postgresql_flexible_server_configuration" "tls" {\n  name      = "require_secure_transport"\n  server_id = azurerm_postgresql_flexible_server.db.id\n  # expect\n  value     = "off"\n}\n',
    ],
    negative: [
      'resource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n}\n',
      'resource "azurerm_redis_cache" "sessions" {\n  name                = "sessions"\n  capacity            = 1\n  family              = "C"\n  sku_name            = "Standard"\n  enable_non_ssl_port = false\n}\n',
      'resource "azurerm_mysql_server" "db" {\n  name                    = "orders"\n  sku_name                = "GP_Gen5_2"\n  version                 = "8.0"\n  ssl_enforcement_enabled = true\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_storage_account')) {
      const https = setting(input, resource, resource.block, ['enable_https_traffic_only', 'https_traffic_only_enabled']);
      if (holds(https, isOff)) yield finding(resource, https.line, `${label(resource)} sets ${https.name} = false: it accepts requests, keys and SAS tokens over plain HTTP.`);
    }
    for (const resource of resourcesOf(input, 'azurerm_redis_cache')) {
      const port = setting(input, resource, resource.block, ['enable_non_ssl_port', 'non_ssl_port_enabled']);
      if (holds(port, isOn)) yield finding(resource, port.line, `${label(resource)} sets ${port.name} = true: clients can send the access key and data unencrypted on port 6379.`);
    }
    for (const resource of resourcesOf(input, 'azurerm_mysql_server', 'azurerm_postgresql_server', 'azurerm_mariadb_server')) {
      const ssl = setting(input, resource, resource.block, ['ssl_enforcement_enabled', 'ssl_enforcement']);
      if (holds(ssl, (v) => isOff(v) || text(v) === 'disabled')) yield finding(resource, ssl.line, `${label(resource)} does not enforce TLS: clients can connect, and send their passwords, unencrypted.`);
    }
    const flexible = ['azurerm_mysql_flexible_server_configuration', 'azurerm_postgresql_flexible_server_configuration'];
    for (const { resource, value } of serverParameters(input, flexible, ['require_secure_transport'])) {
      if (holds(value, (v) => isOff(v) || text(v) === 'off' || text(v) === '0'))
        yield finding(resource, value.line, `${label(resource)} turns require_secure_transport off: clients can connect, and send their passwords, unencrypted.`);
    }
  },
});

const redisNoAuth: TfRule = tfRule({
  id: 'iac/tf-azure-redis-no-auth',
  title: 'Azure Cache for Redis accepts unauthenticated clients',
  description:
    'An Azure Cache for Redis turns authentication off (redis_configuration { authentication_enabled = false }, enable_authentication before azurerm 4; it is on by default): every client that reaches the cache reads and writes every key without an access key or Entra ID token, and can flush the data. Azure allows it only on a Premium cache injected into a virtual network (subnet_id), so the cache is not exposed to the internet; any VM, pod or function in that network, or in a peered one, is enough.',
  remediation:
    'Remove authentication_enabled = false (or set it to true) and give clients the access key from Key Vault, or better, turn on Microsoft Entra authentication (active_directory_authentication_enabled = true in redis_configuration) and give the applications managed identities with a Redis access policy assignment.',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'resource "azurerm_redis_cache" "sessions" {\n  name                = "sessions"\n  capacity            = 1\n  family              = "P"\n  sku_name            = "Premium"\n  subnet_id           = azurerm_subnet.cache.id\n  redis_configuration {\n    # expect\n    authentication_enabled = false\n  }\n}\n',
      'resource "azurerm_redis_cache" "legacy" {\n  name      = "legacy"\n  capacity  = 1\n  family    = "P"\n  sku_name  = "Premium"\n  subnet_id = azurerm_subnet.cache.id\n  redis_configuration {\n    # expect\n    enable_authentication = false\n  }\n}\n',
      // A module's dynamic block over its input, read where it is made.
      'variable "redis_configuration" {\n  default = { authentication_enabled = false }\n}\nresource "azurerm_redis_cache" "this" {\n  name      = "cache"\n  capacity  = 1\n  family    = "P"\n  sku_name  = "Premium"\n  subnet_id = var.subnet_id\n  dynamic "redis_configuration" {\n    for_each = [var.redis_configuration]\n    content {\n      # expect\n      authentication_enabled = redis_configuration.value.authentication_enabled\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_redis_cache" "sessions" {\n  name                = "sessions"\n  capacity            = 1\n  family              = "C"\n  sku_name            = "Standard"\n  redis_configuration {\n    maxmemory_policy = "allkeys-lru"\n  }\n}\n',
      'resource "azurerm_redis_cache" "sessions" {\n  name                = "sessions"\n  capacity            = 1\n  family              = "P"\n  sku_name            = "Premium"\n  redis_configuration {\n    authentication_enabled                  = true\n    active_directory_authentication_enabled = true\n  }\n}\n',
      // Given by a caller: not known here.
      'variable "authentication_enabled" {\n  type = bool\n}\nresource "azurerm_redis_cache" "this" {\n  name     = "cache"\n  capacity = 1\n  family   = "P"\n  sku_name = "Premium"\n  redis_configuration {\n    authentication_enabled = var.authentication_enabled\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_redis_cache')) {
      // Read where it is made (a module's dynamic "redis_configuration" over its input, with the iterator bound).
      const owner = sectionAt(input, resource.block, 'redis_configuration');
      if (!owner) continue;
      // enable_authentication: its name before azurerm 4.
      const found = setting(input, resource, owner, ['authentication_enabled', 'enable_authentication']);
      if (holds(found, isOff)) yield finding(resource, found.line, `${label(resource)} sets ${found.name} = false: any client that reaches the cache reads and writes every key without an access key.`);
    }
  },
});

/** TLS versions below 1.2 as the settings spell them (`TLS1_0`, `1.1`, `1.0` read as a number, `Tls11`), and the values that turn the minimum off. */
export function weakTls(value: Value): boolean {
  const raw = text(value);
  if (raw === undefined) return false;
  if (raw === 'tls') return true;
  // Application Gateway spells them TLSv1_0 and TLSv1_1.
  return ['enforcementdisabled', 'disabled', '1', '1.0', '1_0', '10', '1.1', '1_1', '11'].includes(raw.replace(/^tls\s*v?/, ''));
}

/** A flexible server's protocol parameter that names TLS 1.0 or 1.1 (`TLSv1`, `TLSv1.1`), alone or in a comma-separated list. */
export function weakProtocols(value: Value): boolean {
  return (text(value) ?? '').split(',').some((p) => /^tlsv?1(?:\.[01])?$/.test(p.trim()));
}

/** Where each resource type keeps its minimum TLS version (a path of blocks, then the setting's names). */
const TLS_SETTINGS: ReadonlyArray<[readonly string[], readonly string[], readonly string[]]> = [
  [['azurerm_storage_account'], [], ['min_tls_version']],
  [HOSTED_APP_TYPES, ['site_config'], ['min_tls_version', 'minimum_tls_version', 'scm_min_tls_version', 'scm_minimum_tls_version']],
  [['azurerm_redis_cache', 'azurerm_mssql_server', 'azurerm_eventhub_namespace', 'azurerm_servicebus_namespace', 'azurerm_mssql_managed_instance'], [], ['minimum_tls_version']],
  [['azurerm_mysql_server', 'azurerm_postgresql_server'], [], ['ssl_minimal_tls_version_enforced']],
  [['azurerm_cosmosdb_account'], [], ['minimal_tls_version']],
  // Front Door Standard/Premium custom domains: TLS10 or TLS12 (the default).
  [['azurerm_cdn_frontdoor_custom_domain'], ['tls'], ['minimum_tls_version']],
];

/**
 * Application Gateway's predefined SSL policies whose minimum is below TLS 1.2, with that
 * minimum (AppGwSslPolicy20150501: TLS 1.0; AppGwSslPolicy20170401: TLS 1.1). The
 * 20170401S and 2022 policies require TLS 1.2.
 */
const OLD_APPGW_POLICIES = new Map([
  ['appgwsslpolicy20150501', 'TLS 1.0'],
  ['appgwsslpolicy20170401', 'TLS 1.1'],
]);

/**
 * API Management's switches for protocols below TLS 1.2, on the gateway's client side
 * (frontend) and towards the backends, by their azurerm 4 names and the names before.
 */
const APIM_OLD_PROTOCOLS: ReadonlyArray<[readonly string[], string]> = [
  [['frontend_ssl30_enabled', 'enable_frontend_ssl30'], 'SSL 3.0 connections from its clients'],
  [['frontend_tls10_enabled', 'enable_frontend_tls10'], 'TLS 1.0 connections from its clients'],
  [['frontend_tls11_enabled', 'enable_frontend_tls11'], 'TLS 1.1 connections from its clients'],
  [['backend_ssl30_enabled', 'enable_backend_ssl30'], 'SSL 3.0 connections to its backends'],
  [['backend_tls10_enabled', 'enable_backend_tls10'], 'TLS 1.0 connections to its backends'],
  [['backend_tls11_enabled', 'enable_backend_tls11'], 'TLS 1.1 connections to its backends'],
];

const tlsBelow12: TfRule = tfRule({
  id: 'iac/tf-azure-tls-below-1-2',
  title: 'Service accepts TLS versions below 1.2',
  description:
    'The minimum TLS version of a storage account, web or function app or Standard logic app (or its SCM/Kudu site), Redis cache, SQL server, PostgreSQL or MySQL server, Event Hubs or Service Bus namespace, Cosmos DB account, Front Door custom domain or Application Gateway SSL policy (Custom, or the predefined AppGwSslPolicy20150501 and AppGwSslPolicy20170401) is 1.0 or 1.1, or TLS enforcement is turned off; or a flexible server\'s parameter admits them (MySQL tls_version listing TLSv1 or TLSv1.1, PostgreSQL ssl_min_protocol_version = TLSv1 or TLSv1.1); or API Management turns on SSL 3.0, TLS 1.0 or TLS 1.1 towards its clients or its backends (security block, all off by default). TLS 1.0 and 1.1 are deprecated (RFC 8996) and have known weaknesses (BEAST, weak ciphers and hashes); a client or attacker on the path can negotiate them down.',
  remediation: 'Set the minimum to TLS 1.2: min_tls_version = "TLS1_2" (storage), minimum_tls_version = "1.2" (apps, Redis, SQL, messaging), ssl_minimal_tls_version_enforced = "TLS1_2" (single servers), minimal_tls_version = "Tls12" (Cosmos DB), minimum_tls_version = "TLS12" (Front Door custom domains), min_protocol_version = "TLSv1_2" or policy_name = "AppGwSslPolicy20220101" (Application Gateway); remove the SSL 3.0, TLS 1.0 and TLS 1.1 switches of API Management\'s security block.',
  severity: 'medium',
  cwe: ['CWE-326'],
  examples: {
    positive: [
      // site_config as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "site_config" {\n  default = { minimum_tls_version = "1.0" }\n}\nresource "azurerm_linux_web_app" "this" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/web/providers/Microsoft.Web/serverFarms/web"\n  https_only          = true\n  dynamic "site_config" {\n    for_each = [var.site_config]\n    content {\n      # expect\n      minimum_tls_version = try(site_config.value.minimum_tls_version, "1.2")\n    }\n  }\n}\n',
      'resource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n  # expect\n  min_tls_version          = "TLS1_0"\n}\n',
      'resource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  site_config {\n    # expect\n    minimum_tls_version = "1.1"\n  }\n}\n',
      'resource "azurerm_app_service" "web" {\n  name                = "web"\n  app_service_plan_id = azurerm_app_service_plan.web.id\n  site_config {\n    # expect\n    min_tls_version = 1.0\n  }\n}\n',
      'resource "azurerm_logic_app_standard" "flows" {\n  name                = "flows"\n  app_service_plan_id = azurerm_service_plan.flows.id\n  https_only          = true\n  site_config {\n    # expect\n    min_tls_version = "1.1"\n  }\n}\n',
      'resource "azurerm_postgresql_server" "db" {\n  name                             = "orders"\n  ssl_enforcement_enabled          = true\n  # expect\n  ssl_minimal_tls_version_enforced = "TLSEnforcementDisabled"\n}\n',
      'resource "azurerm_mysql_flexible_server_configuration" "tls" {\n  name                = "tls_version"\n  resource_group_name = "data"\n  server_name         = azurerm_mysql_flexible_server.db.name\n  # expect\n  value               = "TLSv1.1,TLSv1.2"\n}\n',
      'resource "azurerm_postgresql_flexible_server_configuration" "tls" {\n  name      = "ssl_min_protocol_version"\n  server_id = azurerm_postgresql_flexible_server.db.id\n  # expect\n  value     = "TLSv1"\n}\n',
      'resource "azurerm_cdn_frontdoor_custom_domain" "www" {\n  name                     = "www"\n  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.web.id\n  host_name                = "www.example.org"\n  tls {\n    certificate_type    = "ManagedCertificate"\n    # expect\n    minimum_tls_version = "TLS10"\n  }\n}\n',
      'resource "azurerm_application_gateway" "web" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  ssl_policy {\n    policy_type          = "Custom"\n    # expect\n    min_protocol_version = "TLSv1_1"\n    cipher_suites        = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]\n  }\n}\n',
      'resource "azurerm_application_gateway" "web" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  ssl_policy {\n    policy_type = "Predefined"\n    # expect\n    policy_name = "AppGwSslPolicy20150501"\n  }\n}\n',
      'resource "azurerm_api_management" "api" {\n  name            = "api"\n  publisher_name  = "Example"\n  publisher_email = "api@example.org"\n  sku_name        = "Developer_1"\n  security {\n    # expect\n    enable_frontend_tls10 = true\n  }\n}\n',
    ],
    negative: [
      'variable "site_config" {\n  default = {}\n}\nresource "azurerm_linux_web_app" "this" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/web/providers/Microsoft.Web/serverFarms/web"\n  https_only          = true\n  dynamic "site_config" {\n    for_each = [var.site_config]\n    content {\n      minimum_tls_version = try(site_config.value.minimum_tls_version, "1.2")\n    }\n  }\n}\n',
      'resource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n  min_tls_version          = "TLS1_2"\n}\n',
      'resource "azurerm_windows_web_app" "web" {\n  name            = "web"\n  service_plan_id = azurerm_service_plan.web.id\n  site_config {\n    minimum_tls_version = "1.3"\n  }\n}\n',
      'resource "azurerm_redis_cache" "sessions" {\n  name                = "sessions"\n  capacity            = 1\n  family              = "C"\n  sku_name            = "Standard"\n  minimum_tls_version = "1.2"\n}\n',
      'resource "azurerm_mysql_flexible_server_configuration" "tls" {\n  name                = "tls_version"\n  resource_group_name = "data"\n  server_name         = azurerm_mysql_flexible_server.db.name\n  value               = "TLSv1.2,TLSv1.3"\n}\n',
      'resource "azurerm_application_gateway" "web" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  ssl_policy {\n    policy_type = "Predefined"\n    policy_name = "AppGwSslPolicy20220101"\n  }\n  ssl_profile {\n    name = "partners"\n    ssl_policy {\n      policy_type          = "CustomV2"\n      min_protocol_version = "TLSv1_2"\n    }\n  }\n}\n',
      'resource "azurerm_api_management" "api" {\n  name            = "api"\n  publisher_name  = "Example"\n  publisher_email = "api@example.org"\n  sku_name        = "Developer_1"\n  security {\n    frontend_tls10_enabled = false\n    backend_tls11_enabled  = false\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const [types, path, names] of TLS_SETTINGS) {
      for (const resource of resourcesOf(input, ...types)) {
        // A nested block read where it is made (a module's dynamic "site_config" over its input, with the iterator bound).
        const owner = path.length > 0 ? sectionAt(input, resource.block, ...path) : resource.block;
        if (!owner) continue;
        for (const name of names) {
          const found = setting(input, resource, owner, [name]);
          if (!holds(found, weakTls)) continue;
          const shown = found.values.find(weakTls);
          yield finding(resource, found.line, `${label(resource)} sets ${name} = ${JSON.stringify(shown)}: it accepts TLS versions below 1.2.`);
        }
      }
    }
    for (const gateway of resourcesOf(input, 'azurerm_application_gateway')) {
      // The gateway's policy and those of its SSL profiles: a Custom (or CustomV2) policy's minimum, or a predefined policy's name.
      for (const policy of [...sectionsAt(input, gateway.block, 'ssl_policy'), ...sectionsAt(input, gateway.block, 'ssl_profile', 'ssl_policy')]) {
        const minimum = setting(input, gateway, policy, ['min_protocol_version']);
        if (holds(minimum, weakTls)) yield finding(gateway, minimum.line, `${label(gateway)} sets min_protocol_version = ${JSON.stringify(minimum.values.find(weakTls))}: it accepts TLS versions below 1.2.`);
        const named = setting(input, gateway, policy, ['policy_name']);
        const shown = named?.values.find((v) => known(v) && OLD_APPGW_POLICIES.has(text(v) ?? ''));
        if (named && shown !== undefined)
          yield finding(gateway, named.line, `${label(gateway)} uses the predefined SSL policy ${JSON.stringify(shown)}, whose minimum is ${OLD_APPGW_POLICIES.get(text(shown) ?? '')}: it accepts TLS versions below 1.2.`);
      }
    }
    for (const apim of resourcesOf(input, 'azurerm_api_management')) {
      const security = sectionAt(input, apim.block, 'security');
      if (!security) continue;
      for (const [names, what] of APIM_OLD_PROTOCOLS) {
        const found = setting(input, apim, security, names);
        if (holds(found, isOn)) yield finding(apim, found.line, `${label(apim)} sets security.${found.name} = true: it allows ${what}.`);
      }
    }
    // Flexible servers set their protocols as server parameters: MySQL's tls_version lists those it accepts, PostgreSQL's ssl_min_protocol_version names the lowest.
    const flexible = ['azurerm_mysql_flexible_server_configuration', 'azurerm_postgresql_flexible_server_configuration'];
    for (const { resource, parameter, value } of serverParameters(input, flexible, ['tls_version', 'ssl_min_protocol_version'])) {
      const shown = value.values.find((v) => known(v) && weakProtocols(v));
      if (shown !== undefined) yield finding(resource, value.line, `${label(resource)} sets the server's ${parameter} to ${JSON.stringify(shown)}: it accepts TLS versions below 1.2.`);
    }
  },
});

/** Network rule sets whose default action admits every network, by resource type: the blocks on the way and the separate resources that hold them. */
const DEFAULT_ACTIONS: ReadonlyArray<[string, string | undefined, string]> = [
  ['azurerm_storage_account', 'network_rules', 'storage account'],
  ['azurerm_storage_account_network_rules', undefined, 'storage account'],
  ['azurerm_key_vault', 'network_acls', 'key vault'],
  ['azurerm_container_registry', 'network_rule_set', 'container registry'],
  ['azurerm_cognitive_account', 'network_acls', 'Cognitive Services account'],
  ['azurerm_eventhub_namespace', 'network_rulesets', 'Event Hubs namespace'],
  ['azurerm_servicebus_namespace', 'network_rule_set', 'Service Bus namespace'],
];

/**
 * Resources that admit every network when they have no network rules at all (Azure's
 * default), by type: the block that holds the rules, the separate resources that may
 * hold them instead, with the attributes by which those name the resource, and the SKUs
 * on which network rules can be set at all (a resource of another SKU, or of a SKU the
 * file does not say, is left out: nothing on it can be fixed but its SKU).
 */
const OPEN_WITHOUT_RULES: ReadonlyArray<{ type: string; block: string; what: string; companions: ReadonlyArray<[string, string]>; skus?: readonly string[] }> = [
  {
    type: 'azurerm_storage_account',
    block: 'network_rules',
    what: 'storage account',
    companions: [
      ['azurerm_storage_account_network_rules', 'storage_account_id'],
      ['azurerm_storage_account_network_rules', 'storage_account_name'],
    ],
  },
  { type: 'azurerm_key_vault', block: 'network_acls', what: 'key vault', companions: [] },
  // network_rule_set (and private endpoints) need the Premium SKU.
  { type: 'azurerm_container_registry', block: 'network_rule_set', what: 'container registry', companions: [], skus: ['premium'] },
  { type: 'azurerm_cognitive_account', block: 'network_acls', what: 'Cognitive Services account', companions: [] },
  // IP and virtual network rules: Standard and Premium, not Basic.
  { type: 'azurerm_eventhub_namespace', block: 'network_rulesets', what: 'Event Hubs namespace', companions: [], skus: ['standard', 'premium'] },
  // IP and virtual network rules: Premium only. azurerm 3 also has a separate rule set resource.
  {
    type: 'azurerm_servicebus_namespace',
    block: 'network_rule_set',
    what: 'Service Bus namespace',
    companions: [
      ['azurerm_servicebus_namespace_network_rule_set', 'namespace_id'],
      ['azurerm_servicebus_namespace_network_rule_set', 'namespace_name'],
    ],
    skus: ['premium'],
  },
];

/**
 * How the azapi provider gives an azurerm resource of OPEN_WITHOUT_RULES its network rules
 * where azurerm could not (older provider versions, settings it lacks): a child resource
 * of one of these ARM types (an azapi_resource or azapi_update_resource whose parent_id, or
 * resource_id, names the resource), or an azapi_update_resource of the resource whose body
 * may set this property. What the azapi resource sets is judged on it (defaultAction = "Allow").
 */
const AZAPI_NETWORK_RULES: Readonly<Record<string, { children?: readonly string[]; patch?: readonly string[] }>> = {
  azurerm_storage_account: { patch: ['properties', 'networkAcls'] },
  azurerm_key_vault: { patch: ['properties', 'networkAcls'] },
  azurerm_container_registry: { patch: ['properties', 'networkRuleSet'] },
  azurerm_cognitive_account: { patch: ['properties', 'networkAcls'] },
  azurerm_eventhub_namespace: { children: ['microsoft.eventhub/namespaces/networkrulesets'] },
  azurerm_servicebus_namespace: { children: ['microsoft.servicebus/namespaces/networkrulesets'], patch: ['properties', 'networkRuleSet'] },
};

/** Whether every instance of a resource of OPEN_WITHOUT_RULES has a SKU, told, that takes no network rules. */
function withoutRuleSkus(input: TfInput, resource: TfResource): boolean {
  const skus = OPEN_WITHOUT_RULES.find((o) => o.type === resource.type)?.skus;
  if (!skus) return false;
  const sku = setting(input, resource, resource.block, ['sku']);
  return sku !== undefined && sku.values.length > 0 && sku.values.every((v) => typeof v === 'string' && !skus.includes(v.toLowerCase()));
}

/** Whether an azapi resource of the module gives this azurerm resource its network rules (AZAPI_NETWORK_RULES). */
function azapiNetworkRules(input: TfInput, resource: TfResource): boolean {
  const how = AZAPI_NETWORK_RULES[resource.type];
  if (!how) return false;
  const children = referrers(input, resource, [AZAPI_RESOURCE, AZAPI_UPDATE], 'parent_id');
  const updates = referrers(input, resource, [AZAPI_UPDATE], 'resource_id');
  return [...children, ...updates].some((r) => {
    const arm = armResource(input, r);
    if (!arm) return false;
    if (how.children?.includes(arm.armType.toLowerCase())) return true;
    return arm.update && how.patch !== undefined && mayHold(arm, how.patch);
  });
}

/** A kind of resource with its indefinite article: "an Event Hubs namespace", "a key vault". */
const article = (kind: string) => `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;

const networkDefaultAllow: TfRule = tfRule({
  id: 'iac/tf-azure-network-default-allow',
  title: 'Network rules admit every network by default',
  description:
    'The network rules of a storage account, key vault, container registry, Cognitive Services account or messaging namespace have default_action = "Allow": traffic from any network, the whole internet included, is accepted, and the listed IP and virtual network rules restrict nothing. Keys, secrets and data are then one leaked credential or SAS token away from anyone. A resource with no network rules at all admits every network too: a storage account (no network_rules block, no azurerm_storage_account_network_rules in the module), a key vault or Cognitive Services / Azure OpenAI account (no network_acls), a Premium container registry (no network_rule_set), a Standard or Premium Event Hubs namespace (no network_rulesets), a Premium Service Bus namespace (no network_rule_set, no azurerm_servicebus_namespace_network_rule_set); reported at medium when the file sets public_network_access_enabled = true, at low when it leaves it at its default (true) or only a variable\'s default that no caller or definitions file sets gives it. Network rules the azapi provider gives it count as its own (a namespace\'s networkRuleSets child resource, an azapi_update_resource whose body sets networkAcls or networkRuleSet): the azapi resource is judged on what it sets. Registries and Service Bus namespaces below Premium, and Basic Event Hubs namespaces, cannot have network rules and are left out, whatever default_action their block says; so is a resource with public_network_access_enabled = false: only its private endpoints reach it.',
  remediation:
    'Set default_action = "Deny" and list the virtual network subnets and IP ranges that need access (bypass = ["AzureServices"] for trusted Microsoft services), or use private endpoints and set public_network_access_enabled = false. A Cognitive Services account needs custom_subdomain_name to take network_acls; a registry or Service Bus namespace below Premium (Event Hubs: Basic) must move to a SKU that takes network rules.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "azurerm_servicebus_namespace" "bus" {\n  name     = "orders-bus"\n  sku      = "Premium"\n  capacity = 1\n  network_rule_set {\n    # expect\n    default_action = "Allow"\n  }\n}\n',
      'resource "azurerm_key_vault" "kv" {\n  name      = "kv"\n  sku_name  = "standard"\n  tenant_id = var.tenant_id\n  network_acls {\n    bypass         = "AzureServices"\n    # expect\n    default_action = "Allow"\n  }\n}\n',
      'resource "azurerm_storage_account_network_rules" "data" {\n  storage_account_id = azurerm_storage_account.data.id\n  # expect\n  default_action     = "Allow"\n  ip_rules           = ["203.0.113.10"]\n}\n',
      '# expect\nresource "azurerm_key_vault" "kv" {\n  name                     = "kv"\n  sku_name                 = "standard"\n  tenant_id                = var.tenant_id\n  purge_protection_enabled = true\n}\n',
      'resource "azurerm_key_vault" "kv" {\n  name                          = "kv"\n  sku_name                      = "standard"\n  tenant_id                     = var.tenant_id\n  # expect\n  public_network_access_enabled = true\n}\n',
      '# expect\nresource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n}\n',
      '# expect\nresource "azurerm_container_registry" "acr" {\n  name                = "exampleacr"\n  resource_group_name = "build"\n  location            = "westeurope"\n  sku                 = "Premium"\n}\n',
      'resource "azurerm_eventhub_namespace" "events" {\n  name                          = "events"\n  sku                           = "Standard"\n  # expect\n  public_network_access_enabled = true\n}\n',
      // An azapi patch that sets something else gives no network rules.
      '# expect\nresource "azurerm_eventhub_namespace" "events" {\n  name = "events"\n  sku  = "Standard"\n}\n\nresource "azapi_update_resource" "tls" {\n  type        = "Microsoft.EventHub/namespaces@2024-01-01"\n  resource_id = azurerm_eventhub_namespace.events.id\n  body = {\n    properties = { minimumTlsVersion = "1.2" }\n  }\n}\n',
      // network_acls as modules write it: a dynamic block over a variable, read with its iterator bound (the optional attribute's default applies).
      'variable "network_acls" {\n  type = object({\n    bypass         = optional(string, "AzureServices")\n    default_action = optional(string, "Allow")\n    ip_rules       = optional(list(string), [])\n  })\n  default = {}\n}\n\nresource "azurerm_key_vault" "kv" {\n  name      = "kv"\n  sku_name  = "standard"\n  tenant_id = var.tenant_id\n  dynamic "network_acls" {\n    for_each = var.network_acls != null ? { this = var.network_acls } : {}\n    content {\n      bypass         = network_acls.value.bypass\n      # expect\n      default_action = network_acls.value.default_action\n      ip_rules       = network_acls.value.ip_rules\n    }\n  }\n}\n',
      'variable "network_acls" {\n  type    = object({ default_action = string, ip_rules = list(string) })\n  default = null\n}\n\n# expect\nresource "azurerm_key_vault" "kv" {\n  name      = "kv"\n  sku_name  = "standard"\n  tenant_id = var.tenant_id\n  dynamic "network_acls" {\n    for_each = var.network_acls == null ? [] : [var.network_acls]\n    content {\n      bypass         = "AzureServices"\n      default_action = network_acls.value.default_action\n      ip_rules       = network_acls.value.ip_rules\n    }\n  }\n}\n',
    ],
    negative: [
      // Network rules the azapi provider gives: a namespace's networkRuleSets child, a patch of an account's networkAcls.
      'resource "azurerm_eventhub_namespace" "events" {\n  name = "events"\n  sku  = "Standard"\n}\n\nresource "azapi_update_resource" "rules" {\n  type      = "Microsoft.EventHub/namespaces/networkRuleSets@2021-11-01"\n  name      = "default"\n  parent_id = azurerm_eventhub_namespace.events.id\n  body = jsonencode({\n    properties = {\n      defaultAction = "Deny"\n      ipRules       = [{ action = "Allow", ipMask = "203.0.113.10" }]\n    }\n  })\n}\n',
      'resource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n}\n\nresource "azapi_update_resource" "acls" {\n  type        = "Microsoft.Storage/storageAccounts@2023-05-01"\n  resource_id = azurerm_storage_account.data.id\n  body = {\n    properties = {\n      networkAcls = { defaultAction = "Deny", bypass = "AzureServices" }\n    }\n  }\n}\n',
      'resource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n  network_rules {\n    default_action = "Deny"\n    ip_rules       = ["203.0.113.10"]\n  }\n}\n',
      'resource "azurerm_key_vault" "kv" {\n  name                          = "kv"\n  sku_name                      = "standard"\n  tenant_id                     = var.tenant_id\n  public_network_access_enabled = false\n  network_acls {\n    bypass         = "AzureServices"\n    default_action = "Allow"\n  }\n}\n',
      'resource "azurerm_key_vault" "kv" {\n  name                          = "kv"\n  sku_name                      = "standard"\n  tenant_id                     = var.tenant_id\n  public_network_access_enabled = false\n}\n',
      'resource "azurerm_storage_account" "data" {\n  name                     = "exampledata"\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n}\n\nresource "azurerm_storage_account_network_rules" "data" {\n  storage_account_id = azurerm_storage_account.data.id\n  default_action     = "Deny"\n  ip_rules           = ["203.0.113.10"]\n}\n',
      'resource "azurerm_container_registry" "acr" {\n  name                = "exampleacr"\n  resource_group_name = "build"\n  location            = "westeurope"\n  sku                 = "Basic"\n}\n',
      'resource "azurerm_servicebus_namespace" "bus" {\n  name     = "orders-bus"\n  sku      = "Premium"\n  capacity = 1\n  network_rule_set {\n    default_action = "Deny"\n    ip_rules       = ["203.0.113.10"]\n  }\n}\n',
      'resource "azurerm_servicebus_namespace" "bus" {\n  name = "orders-bus"\n  sku  = "Standard"\n}\n',
      // Below Premium a Service Bus namespace takes no network rules: default_action changes nothing.
      'resource "azurerm_servicebus_namespace" "bus" {\n  name = "orders-bus"\n  sku  = "Standard"\n  network_rule_set {\n    default_action = "Allow"\n  }\n}\n',
      'variable "sku" {\n  type = string\n}\n\nresource "azurerm_eventhub_namespace" "events" {\n  name = "events"\n  sku  = var.sku\n}\n',
      'variable "public_network_access_enabled" {\n  type = bool\n}\n\nresource "azurerm_key_vault" "kv" {\n  name                          = "kv"\n  sku_name                      = "standard"\n  tenant_id                     = var.tenant_id\n  public_network_access_enabled = var.public_network_access_enabled\n}\n',
      'variable "network_acls" {\n  type = object({ default_action = string, ip_rules = list(string) })\n  default = {\n    default_action = "Deny"\n    ip_rules       = []\n  }\n}\n\nresource "azurerm_key_vault" "kv" {\n  name      = "kv"\n  sku_name  = "standard"\n  tenant_id = var.tenant_id\n  dynamic "network_acls" {\n    for_each = var.network_acls == null ? [] : [var.network_acls]\n    content {\n      bypass         = "AzureServices"\n      default_action = network_acls.value.default_action\n      ip_rules       = network_acls.value.ip_rules\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const [type, path, what] of DEFAULT_ACTIONS) {
      for (const resource of resourcesOf(input, type)) {
        // With public network access off, the rules only govern what the private endpoints let in.
        const accounts = path ? [resource] : ['storage_account_id', 'storage_account_name'].flatMap((key) => mentioned(input, attribute(resource.block, key)?.expr)).filter((r) => r.type === 'azurerm_storage_account');
        if (accounts.length > 0 && accounts.every((r) => publicAccessOff(input, r))) continue;
        // A SKU that takes no network rules (a Standard Service Bus namespace) admits every network whatever the block says: left out, as without rules.
        if (withoutRuleSkus(input, resource)) continue;
        // A rule block read where it is made: modules write `dynamic "network_acls"` over their input, read with its iterator bound.
        const owners = path ? sectionsAt(input, resource.block, path) : [resource.block];
        for (const owner of owners) {
          const action = setting(input, resource, owner, ['default_action']);
          if (holds(action, (v) => text(v) === 'allow')) yield finding(resource, action.line, `${label(resource)} (${article(what)}) accepts traffic from every network: default_action = "Allow".`);
        }
      }
    }
    for (const { type, block, what, companions, skus } of OPEN_WITHOUT_RULES) {
      for (const resource of resourcesOf(input, type)) {
        const sku = skus ? setting(input, resource, resource.block, ['sku'])?.values.find((v) => skus.includes(text(v) ?? '')) : undefined;
        if (skus && sku === undefined) continue;
        const kind = typeof sku === 'string' ? `${sku} ${what}` : what;
        // A dynamic block known to make nothing (its variable left at null) makes no rules.
        if (blocksMade(resource.block, block, fileInstance(input)).length > 0) continue;
        if (companions.some(([companion, key]) => referrers(input, resource, [companion], key).length > 0)) continue;
        if (azapiNetworkRules(input, resource)) continue;
        const flag = setting(input, resource, resource.block, ['public_network_access_enabled']);
        const rules = companions.length > 0 ? `no network rules (no ${block} block, no ${companions[0]![0]})` : `no ${block} block`;
        if (holds(flag, isOn)) yield finding(resource, flag.line, `${label(resource)} (${article(kind)}) sets public_network_access_enabled = true and has ${rules}: it accepts traffic from every network.`, writtenSeverity(input, resource, flag));
        else if (defaulted(flag))
          yield finding(resource, flag?.line ?? resource.block.line, `${label(resource)} (${article(kind)}) has ${rules} and does not set public_network_access_enabled = false (the default is true): it accepts traffic from every network.`, 'low');
      }
    }
  },
});

const keyVaultPurge: TfRule = tfRule({
  id: 'iac/tf-azure-key-vault-no-purge-protection',
  title: 'Key vault without purge protection',
  description:
    'purge_protection_enabled is not true (or soft delete is turned off on old provider versions). Anyone with enough rights (a compromised pipeline, a malicious insider, ransomware operators) can then delete the vault or its keys and purge them at once, with no retention period to recover in: data encrypted with those keys is lost for good.',
  remediation: 'Set purge_protection_enabled = true (it cannot be turned off again) and keep soft_delete_retention_days at 90 or at least 7.',
  severity: 'medium',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      '# expect\nresource "azurerm_key_vault" "kv" {\n  name      = "kv"\n  sku_name  = "standard"\n  tenant_id = var.tenant_id\n}\n',
      'resource "azurerm_key_vault" "kv" {\n  name                     = "kv"\n  sku_name                 = "standard"\n  tenant_id                = var.tenant_id\n  # expect\n  purge_protection_enabled = false\n}\n',
    ],
    negative: ['resource "azurerm_key_vault" "kv" {\n  name                       = "kv"\n  sku_name                   = "standard"\n  tenant_id                  = var.tenant_id\n  purge_protection_enabled   = true\n  soft_delete_retention_days = 90\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_key_vault')) {
      const purge = setting(input, resource, resource.block, ['purge_protection_enabled']);
      const soft = setting(input, resource, resource.block, ['soft_delete_enabled']);
      if (holds(soft, isOff)) yield finding(resource, soft.line, `${label(resource)} turns soft delete off: deleted keys and secrets cannot be recovered.`);
      if (holds(purge, isOff)) yield finding(resource, purge.line, `${label(resource)} sets purge_protection_enabled = false: the vault and its keys can be deleted and purged at once.`);
      else if (defaulted(purge)) yield finding(resource, purge?.line ?? resource.block.line, `${label(resource)} does not set purge_protection_enabled = true: the vault and its keys can be deleted and purged at once.`);
    }
  },
});

const keyVaultExpiry: TfRule = tfRule({
  id: 'iac/tf-azure-key-vault-no-expiration',
  title: 'Key Vault key or secret without an expiration date',
  description:
    'An azurerm_key_vault_key or azurerm_key_vault_secret has no expiration_date (and a key has no rotation_policy with expire_after), so it stays valid for ever. Nothing then forces the key or secret to be rotated: one that leaked (a connection string copied to a laptop, a key exported before the vault was locked down) keeps working for as long as it is not replaced by hand, and Azure Policy and Defender for Cloud cannot flag it as due. This is a hygiene gap rather than an exposure, reported at low severity.',
  remediation:
    'Set expiration_date (an RFC 3339 date) on each secret and key and rotate before it, or give keys a rotation_policy with expire_after and automatic { time_before_expiry }, so that a new version is made and the old one expires on its own.',
  severity: 'low',
  cwe: ['CWE-324'],
  examples: {
    positive: [
      '# expect\nresource "azurerm_key_vault_secret" "db" {\n  name         = "db-connection"\n  value        = random_password.db.result\n  key_vault_id = azurerm_key_vault.app.id\n}\n',
      '# expect\nresource "azurerm_key_vault_key" "cmk" {\n  name         = "cmk"\n  key_vault_id = azurerm_key_vault.app.id\n  key_type     = "RSA"\n  key_size     = 2048\n  key_opts     = ["wrapKey", "unwrapKey"]\n}\n',
    ],
    negative: [
      'resource "azurerm_key_vault_secret" "db" {\n  name            = "db-connection"\n  value           = random_password.db.result\n  key_vault_id    = azurerm_key_vault.app.id\n  expiration_date = "2027-12-31T00:00:00Z"\n}\n',
      'resource "azurerm_key_vault_key" "cmk" {\n  name         = "cmk"\n  key_vault_id = azurerm_key_vault.app.id\n  key_type     = "RSA"\n  key_size     = 2048\n  key_opts     = ["wrapKey", "unwrapKey"]\n  rotation_policy {\n    expire_after         = "P90D"\n    notify_before_expiry = "P29D"\n    automatic {\n      time_before_expiry = "P30D"\n    }\n  }\n}\n',
      'variable "expiration_date" {\n  type = string\n}\n\nresource "azurerm_key_vault_secret" "api" {\n  name            = "api"\n  value           = var.api_key\n  key_vault_id    = azurerm_key_vault.app.id\n  expiration_date = var.expiration_date\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_key_vault_key', 'azurerm_key_vault_secret')) {
      const expiry = setting(input, resource, resource.block, ['expiration_date']);
      if (!defaulted(expiry)) continue;
      // A key's rotation policy that makes each version expire (expire_after) stands for the date.
      const policies = resource.type === 'azurerm_key_vault_key' ? sectionsAt(input, resource.block, 'rotation_policy') : [];
      if (policies.some((policy) => !defaulted(setting(input, resource, policy, ['expire_after'])))) continue;
      const what = resource.type === 'azurerm_key_vault_key' ? 'key' : 'secret';
      yield finding(resource, expiry?.line ?? resource.block.line, `${label(resource)} has no expiration_date${what === 'key' ? ' (nor a rotation_policy with expire_after)' : ''}: the ${what} stays valid until someone replaces it.`);
    }
  },
});

/** Methods that change data, as a storage CORS rule lists them. */
const CORS_WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE', 'MERGE', 'PATCH']);

/** The services of a storage account that take CORS rules, as the block of their properties. */
const CORS_SERVICES: ReadonlyArray<[string, string]> = [
  ['blob_properties', 'blob'],
  ['queue_properties', 'queue'],
  ['share_properties', 'file share'],
];

const storageCorsAnyOriginWrite: TfRule = tfRule({
  id: 'iac/tf-azure-storage-cors-any-origin-write',
  title: 'Storage CORS rule lets any website write',
  description:
    'A CORS rule of a storage account (blob, queue or file service) allows PUT, POST, DELETE, MERGE or PATCH from any origin ("*"). Scripts on any website can then send those requests from a visitor\'s browser and read the answers: a SAS token handed to your web application works for every other site too, and an account that trusts a network (network_rules with ip_rules or virtual networks) can be written through the browsers of people inside it. Allowing GET or HEAD from any origin, for public content, is not reported.',
  remediation: 'List the origins of your own web applications in allowed_origins (https://app.example.org) for rules that allow writes; keep "*" for read-only rules on public content.',
  severity: 'low',
  cwe: ['CWE-942'],
  examples: {
    positive: [
      // AzureGoat's account: uploads from any origin.
      'resource "azurerm_storage_account" "app" {\n  name                     = "appexample"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n  blob_properties {\n    cors_rule {\n      allowed_headers    = ["*"]\n      allowed_methods    = ["GET", "HEAD", "POST", "PUT"]\n      # expect\n      allowed_origins    = ["*"]\n      exposed_headers    = ["*"]\n      max_age_in_seconds = 3600\n    }\n  }\n}\n',
      'variable "cors_rules" {\n  default = [{ methods = ["DELETE"], origins = ["https://app.example.org", "*"] }]\n}\nresource "azurerm_storage_account" "app" {\n  name                     = "appexample"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n  queue_properties {\n    dynamic "cors_rule" {\n      for_each = var.cors_rules\n      content {\n        allowed_headers    = ["*"]\n        allowed_methods    = cors_rule.value.methods\n        # expect\n        allowed_origins    = cors_rule.value.origins\n        exposed_headers    = ["*"]\n        max_age_in_seconds = 60\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_storage_account" "app" {\n  name                     = "appexample"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n  blob_properties {\n    cors_rule {\n      allowed_headers    = ["*"]\n      allowed_methods    = ["PUT", "POST"]\n      allowed_origins    = ["https://app.example.org"]\n      exposed_headers    = ["*"]\n      max_age_in_seconds = 3600\n    }\n    cors_rule {\n      allowed_headers    = ["*"]\n      allowed_methods    = ["GET", "HEAD"]\n      allowed_origins    = ["*"]\n      exposed_headers    = ["*"]\n      max_age_in_seconds = 3600\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_storage_account')) {
      for (const [properties, service] of CORS_SERVICES) {
        // The elements of a dynamic "cors_rule" block share their lines: one finding per line, naming the methods of all.
        const writesAt = new Map<number, Set<string>>();
        for (const rule of sectionsAt(input, resource.block, properties, 'cors_rule')) {
          const origins = setting(input, resource, rule, ['allowed_origins']);
          const methods = setting(input, resource, rule, ['allowed_methods']);
          if (!origins || !methods) continue;
          const anyOrigin = origins.values.some((v) => (asStrings(v) ?? []).some((o) => /^(?:https?:\/\/)?\*$/.test(o.trim())));
          const writes = methods.values.flatMap((v) => asStrings(v) ?? []).map((m) => m.toUpperCase()).filter((m) => CORS_WRITE_METHODS.has(m));
          if (!anyOrigin || writes.length === 0) continue;
          writesAt.set(origins.line, new Set([...(writesAt.get(origins.line) ?? []), ...writes]));
        }
        for (const [line, writes] of writesAt) yield finding(resource, line, `${label(resource)} has a CORS rule on its ${service} service that allows ${[...writes].join(', ')} from any origin.`);
      }
    }
  },
});

export const azureDataRules: readonly TfRule[] = [dbPublicAccess, containerPublic, accountPublicAccess, cleartextAllowed, redisNoAuth, tlsBelow12, networkDefaultAllow, keyVaultPurge, keyVaultExpiry, storageCorsAnyOriginWrite];

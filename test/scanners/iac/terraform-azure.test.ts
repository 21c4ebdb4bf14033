import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { azureRules } from '../../../src/scanners/iac/terraform/rules/azure.js';
import { linesOf, saidOf } from '../../helpers/iac-lines.js';
import { fixturePath } from '../../helpers/paths.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';

/** Line, message and severity of every finding of one rule. */
function hits(ruleId: string, source: string, fileName = 'main.tf') {
  return analyseFile(fileName, source, () => {})
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => ({ line: f.location.startLine, message: f.message, severity: f.severity }))
    .sort((a, b) => a.line - b.line);
}

/** The 1-based line of the first line of `source` that contains `text`. */
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

const nsgRule = (fields: Record<string, string>) =>
  `resource "azurerm_network_security_rule" "r" {\n  name                        = "r"\n  priority                    = 100\n  network_security_group_name = "app"\n  resource_group_name         = "net"\n${Object.entries({ direction: '"Inbound"', access: '"Allow"', protocol: '"Tcp"', source_port_range: '"*"', ...fields })
    .map(([k, v]) => `  ${k} = ${v}`)
    .join('\n')}\n}\n`;

describe('Terraform Azure: the rule set', () => {
  it('has ids under iac/tf-azure- and stays within the planned size', () => {
    assert.ok(azureRules.every((r) => r.id.startsWith('iac/tf-azure-')));
    assert.ok(azureRules.length >= 15 && azureRules.length <= 45, `${azureRules.length} rules`);
  });
});

describe('Terraform Azure: network security group exposure', () => {
  const OPEN = 'iac/tf-azure-nsg-open-to-internet';
  const PRIVATE = 'iac/tf-azure-nsg-sensitive-port-wide-private';
  const BROAD = 'iac/tf-azure-nsg-sensitive-port-broad-public';

  it('reads port lists and ranges, names the services, and reports on the source line', () => {
    const source = nsgRule({ destination_port_range: '"1-2, 3300-3400"', source_address_prefix: '"Internet"', destination_address_prefix: '"*"' });
    const found = hits(OPEN, source);
    assert.deepEqual(found.map((h) => h.line), [lineOf(source, 'source_address_prefix')]);
    // 3389 is listed for TCP and UDP; a TCP rule opens its TCP side only.
    assert.match(found[0]!.message, /3306\/tcp \(MySQL\/MariaDB\), 3389\/tcp \(Remote Desktop/);
    assert.equal(found[0]!.severity, 'high');
  });

  it('names the transport a rule opens for services of both transports', () => {
    const rdp = (protocol: string) => hits(OPEN, nsgRule({ protocol, destination_port_range: '"3389"', source_address_prefix: '"*"' }))[0]!.message;
    assert.match(rdp('"Udp"'), /opens 3389\/udp \(Remote Desktop/);
    assert.match(rdp('"*"'), /opens 3389\/tcp\+udp \(Remote Desktop/);
  });

  it('treats every port, any protocol, 0.0.0.0/0 and ::/0 as the worst case', () => {
    const all = nsgRule({ protocol: '"*"', destination_port_range: '"*"', source_address_prefix: '"0.0.0.0/0"' });
    assert.equal(hits(OPEN, all)[0]!.severity, 'critical');
    const anyZero = nsgRule({ destination_port_range: '"22"', source_address_prefix: '"34.15.11.3/0"' });
    // Azure rejects a prefix with host bits set (34.15.11.3/0): such a rule is never deployed.
    assert.deepEqual(linesOf(OPEN, anyZero), []);
    const v6 = nsgRule({ destination_port_ranges: '["22", "443"]', source_address_prefixes: '["2001:db8::/32", "::/0"]' });
    assert.deepEqual(linesOf(OPEN, v6), [lineOf(v6, 'source_address_prefixes')]);
  });

  it('stays quiet on UDP-only catalogue misses, ICMP, deny and outbound rules, and on unreadable ports', () => {
    assert.deepEqual(linesOf(OPEN, nsgRule({ protocol: '"Udp"', destination_port_range: '"23"', source_address_prefix: '"*"' })), []);
    assert.deepEqual(linesOf(OPEN, nsgRule({ protocol: '"Icmp"', destination_port_range: '"*"', source_address_prefix: '"*"' })), []);
    assert.deepEqual(linesOf(OPEN, nsgRule({ access: '"Deny"', destination_port_range: '"22"', source_address_prefix: '"*"' })), []);
    assert.deepEqual(linesOf(OPEN, nsgRule({ direction: '"Outbound"', destination_port_range: '"22"', source_address_prefix: '"*"' })), []);
    assert.deepEqual(linesOf(OPEN, `variable "port" {}\n${nsgRule({ destination_port_range: 'var.port', source_address_prefix: '"*"' })}`), []);
    // "0.0.0.0" without a prefix length is one (unusable) address, not every address.
    assert.deepEqual(linesOf(OPEN, nsgRule({ destination_port_range: '"3389"', source_address_prefix: '"0.0.0.0"' })), []);
  });

  it('reads each instance of a rule with for_each, and inline rules in attribute form', () => {
    const forEach = `resource "azurerm_network_security_rule" "admin" {\n  for_each                    = { ssh = "22", web = "443" }\n  name                        = each.key\n  priority                    = 100\n  direction                   = "Inbound"\n  access                      = "Allow"\n  protocol                    = "Tcp"\n  source_port_range           = "*"\n  destination_port_range      = each.value\n  source_address_prefix       = "*"\n  destination_address_prefix  = "*"\n  network_security_group_name = "app"\n  resource_group_name         = "net"\n}\n`;
    const found = hits(OPEN, forEach);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /22\/tcp \(SSH\)/);
    const attributeForm = `resource "azurerm_network_security_group" "g" {\n  name                = "g"\n  location            = "westeurope"\n  resource_group_name = "net"\n  security_rule = [\n    {\n      name                       = "redis"\n      priority                   = 100\n      direction                  = "Inbound"\n      access                     = "Allow"\n      protocol                   = "Tcp"\n      source_port_range          = "*"\n      destination_port_range     = "6379"\n      source_address_prefix      = "*"\n      destination_address_prefix = "*"\n    }\n  ]\n}\n`;
    assert.deepEqual(linesOf(OPEN, attributeForm), [lineOf(attributeForm, 'source_address_prefix')]);
  });

  it('reports a source once, by the widest rule that applies', () => {
    const mixed = nsgRule({ destination_port_range: '"22"', source_address_prefixes: '["10.0.0.0/8", "52.0.0.0/8"]' });
    assert.deepEqual(linesOf(PRIVATE, mixed), []);
    assert.deepEqual(hits(BROAD, mixed).map((h) => h.severity), ['high']);
    const world = nsgRule({ destination_port_range: '"22"', source_address_prefixes: '["10.0.0.0/8", "52.0.0.0/8", "*"]' });
    assert.deepEqual([linesOf(PRIVATE, world), linesOf(BROAD, world), linesOf(OPEN, world).length], [[], [], 1]);
    const tag = nsgRule({ destination_port_range: '"3389"', source_address_prefix: '"AzureCloud.westeurope"' });
    assert.deepEqual(linesOf(BROAD, tag), [lineOf(tag, 'source_address_prefix')]);
    assert.deepEqual(linesOf(PRIVATE, nsgRule({ destination_port_range: '"5432"', source_address_prefix: '"192.168.0.0/16"' })), []);
  });
});

describe('Terraform Azure: database and cache firewall rules', () => {
  const RULE = 'iac/tf-azure-db-firewall-open';
  const rule = (start: string, end: string, type = 'azurerm_postgresql_firewall_rule') =>
    `resource "${type}" "r" {\n  name                = "r"\n  server_name         = "db"\n  resource_group_name = "data"\n  start_ip_address    = "${start}"\n  end_ip_address      = "${end}"\n}\n`;

  it('grades the whole internet, broad public ranges and the Azure services rule', () => {
    assert.deepEqual(hits(RULE, rule('0.0.0.0', '255.255.255.255')).map((h) => [h.line, h.severity]), [[5, 'critical']]);
    assert.deepEqual(hits(RULE, rule('0.0.0.0', '0.0.0.0')).map((h) => h.severity), ['low']);
    assert.deepEqual(hits(RULE, rule('20.0.0.0', '20.3.255.255')).map((h) => h.severity), ['medium']);
    assert.deepEqual(hits(RULE, rule('0.0.0.0', '10.0.27.62')).map((h) => h.severity), ['high']);
  });

  it('does not count private addresses or small public ranges', () => {
    assert.deepEqual(linesOf(RULE, rule('10.0.0.0', '10.255.255.255')), []);
    assert.deepEqual(linesOf(RULE, rule('203.0.113.0', '203.0.113.255')), []);
    assert.deepEqual(linesOf(RULE, rule('52.10.0.0', '52.10.255.255')), []);
  });

  it('reads the ranges of a rule per instance', () => {
    const source = `resource "azurerm_mssql_firewall_rule" "r" {\n  for_each         = { office = ["203.0.113.4", "203.0.113.4"], all = ["0.0.0.0", "255.255.255.255"] }\n  name             = each.key\n  server_id        = azurerm_mssql_server.db.id\n  start_ip_address = each.value[0]\n  end_ip_address   = each.value[1]\n}\n`;
    assert.deepEqual(hits(RULE, source).map((h) => [h.line, h.severity]), [[5, 'critical']]);
  });

  it("grades a Cosmos DB account's ip_range_filter entries as its firewall, at info while public access is off", () => {
    const account = (filter: string, extra = '') => `resource "azurerm_cosmosdb_account" "c" {\n  name            = "c"\n  offer_type      = "Standard"\n  kind            = "GlobalDocumentDB"\n${extra}  ip_range_filter = ${filter}\n}\n`;
    assert.deepEqual(hits(RULE, account('["0.0.0.0", "104.42.195.92"]')).map((h) => [h.line, h.severity]), [[5, 'low']]);
    assert.deepEqual(hits(RULE, account('"0.0.0.0/0"')).map((h) => h.severity), ['critical']);
    assert.deepEqual(hits(RULE, account('["20.0.0.0/14"]')).map((h) => h.severity), ['medium']);
    assert.deepEqual(hits(RULE, account('["0.0.0.0"]', '  public_network_access_enabled = false\n')).map((h) => [h.line, h.severity]), [[6, 'info']]);
    // Read in each instance: only the instance that admits every Azure data centre is reported.
    const each = `resource "azurerm_cosmosdb_account" "c" {\n  for_each        = { office = ["203.0.113.4"], azure = ["0.0.0.0"] }\n  name            = each.key\n  offer_type      = "Standard"\n  ip_range_filter = each.value\n}\n`;
    assert.deepEqual(hits(RULE, each).map((h) => [h.line, h.severity]), [[5, 'low']]);
    assert.deepEqual(linesOf(RULE, account('["203.0.113.0/24", "10.0.0.0/8"]')), []);
  });
});

describe('Terraform Azure: AKS local accounts', () => {
  it('says the cluster has no Entra ID integration when its integration block is a dynamic block that makes nothing', () => {
    const RULE = 'iac/tf-azure-aks-local-accounts';
    const cluster = (aad: string) =>
      `variable "aad" {\n  default = ${aad}\n}\n\nresource "azurerm_kubernetes_cluster" "aks" {\n  name       = "aks"\n  dns_prefix = "aks"\n  dynamic "azure_active_directory_role_based_access_control" {\n    for_each = var.aad == null ? [] : [var.aad]\n    content {\n      azure_rbac_enabled = true\n    }\n  }\n}\n`;
    assert.match(hits(RULE, cluster('null'))[0]!.message, /and the cluster has no Entra ID integration\.$/);
    assert.match(hits(RULE, cluster('{}'))[0]!.message, /certificate that bypasses Entra ID\.$/);
  });
});

describe('Terraform Azure: storage, TLS and clear text', () => {
  it('reads both provider generations of the storage settings', () => {
    const account = (extra: string) => `resource "azurerm_storage_account" "s" {\n  name                     = "s"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n${extra}}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-cleartext-allowed', account('  https_traffic_only_enabled = false\n')), [5]);
    assert.deepEqual(linesOf('iac/tf-azure-storage-public-access-allowed', account('  allow_blob_public_access = true\n')), [5]);
    assert.deepEqual(hits('iac/tf-azure-storage-public-access-allowed', account('')).map((h) => [h.line, h.severity]), [[1, 'low']]);
    assert.deepEqual(linesOf('iac/tf-azure-tls-below-1-2', account('  min_tls_version = "TLS1_1"\n')), [5]);
    assert.deepEqual(linesOf('iac/tf-azure-tls-below-1-2', account('')), []);
  });

  it('reads TLS versions written as numbers, strings and service-specific names', () => {
    const RULE = 'iac/tf-azure-tls-below-1-2';
    const app = (value: string) => `resource "azurerm_app_service" "a" {\n  name = "a"\n  site_config {\n    min_tls_version = ${value}\n  }\n}\n`;
    assert.deepEqual([linesOf(RULE, app('1.0')), linesOf(RULE, app('1.1')), linesOf(RULE, app('1.2')), linesOf(RULE, app('"1.2"'))], [[4], [4], [], []]);
    assert.deepEqual(linesOf(RULE, 'resource "azurerm_cosmosdb_account" "c" {\n  name                = "c"\n  minimal_tls_version = "Tls11"\n}\n'), [3]);
    assert.deepEqual(linesOf(RULE, 'resource "azurerm_cosmosdb_account" "c" {\n  name                = "c"\n  minimal_tls_version = "Tls12"\n}\n'), []);
    assert.deepEqual(linesOf(RULE, 'resource "azurerm_mssql_server" "s" {\n  name                = "s"\n  minimum_tls_version = "Disabled"\n}\n'), [3]);
    assert.deepEqual(linesOf(RULE, 'resource "azurerm_linux_web_app" "w" {\n  name = "w"\n  site_config {\n    scm_minimum_tls_version = "1.0"\n  }\n}\n'), [4]);
  });

  it('reports the old ssl_enforcement spelling and a flexible server without secure transport', () => {
    const RULE = 'iac/tf-azure-cleartext-allowed';
    assert.deepEqual(linesOf(RULE, 'resource "azurerm_postgresql_server" "p" {\n  name            = "p"\n  ssl_enforcement = "Disabled"\n}\n'), [3]);
    assert.deepEqual(linesOf(RULE, 'resource "azurerm_mysql_flexible_server_configuration" "c" {\n  name      = "require_secure_transport"\n  server_id = azurerm_mysql_flexible_server.db.id\n  value     = "OFF"\n}\n'), [4]);
    assert.deepEqual(linesOf(RULE, 'resource "azurerm_mysql_flexible_server_configuration" "c" {\n  name      = "require_secure_transport"\n  server_id = azurerm_mysql_flexible_server.db.id\n  value     = "ON"\n}\n'), []);
  });
});

describe('Terraform Azure: AKS', () => {
  const RULE = 'iac/tf-azure-aks-api-public';
  const cluster = (body: string) => `resource "azurerm_kubernetes_cluster" "k" {\n  name       = "k"\n  dns_prefix = "k"\n${body}}\n`;

  it('leaves clusters whose access cannot be read, and reports an empty list of ranges on its key', () => {
    assert.deepEqual(linesOf(RULE, `variable "private" {}\n${cluster('  private_cluster_enabled = var.private\n')}`), []);
    assert.deepEqual(linesOf(RULE, cluster('  api_server_authorized_ip_ranges = []\n')), [4]);
    assert.deepEqual(linesOf(RULE, cluster('  api_server_access_profile {\n    authorized_ip_ranges = ["198.51.100.0/24"]\n  }\n')), []);
  });

  it('reports a public API server at medium whether left at the default or written out: it is the control plane of the cluster', () => {
    const severities = (body: string) => hits(RULE, cluster(body)).map((h) => h.severity);
    assert.deepEqual(severities(''), ['medium']);
    assert.deepEqual(severities('  private_cluster_enabled = false\n'), ['medium']);
  });

  it('accepts a Cilium data plane as a network policy engine', () => {
    const NETPOL = 'iac/tf-azure-aks-no-network-policy';
    assert.deepEqual(linesOf(NETPOL, cluster('  network_profile {\n    network_plugin = "azure"\n    network_policy = "none"\n  }\n')), [6]);
    assert.deepEqual(linesOf(NETPOL, cluster('  network_profile {\n    network_plugin = "azure"\n    network_policy = "azure"\n  }\n')), []);
  });
});

describe('Terraform Azure: identity and logging', () => {
  it('reports each list entry of a custom role that can assign roles, unless not_actions takes it away', () => {
    const RULE = 'iac/tf-azure-custom-role-escalation';
    const role = (actions: string, notActions = '[]') => `resource "azurerm_role_definition" "r" {\n  name  = "r"\n  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"\n  permissions {\n    actions = [\n${actions}\n    ]\n    not_actions = ${notActions}\n  }\n}\n`;
    const source = role('      "Microsoft.Compute/*",\n      "Microsoft.Authorization/*",\n      "*/write",');
    assert.deepEqual(linesOf(RULE, source), [lineOf(source, '"Microsoft.Authorization/*"'), lineOf(source, '"*/write"')]);
    assert.deepEqual(linesOf(RULE, role('      "*",', '["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleDefinitions/write"]')), []);
    assert.deepEqual(linesOf(RULE, role('      "*",', '["Microsoft.Authorization/roleAssignments/write"]')).length, 1);
    assert.deepEqual(linesOf(RULE, role('      "Microsoft.Authorization/roleAssignments/read",')), []);
  });

  it('counts a database auditing policy as auditing of its server', () => {
    const source = `resource "azurerm_mssql_server" "s" {\n  name    = "s"\n  version = "12.0"\n}\nresource "azurerm_mssql_database" "d" {\n  name      = "d"\n  server_id = azurerm_mssql_server.s.id\n}\nresource "azurerm_mssql_database_extended_auditing_policy" "d" {\n  database_id = azurerm_mssql_database.d.id\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-sql-auditing-disabled', source), []);
    assert.deepEqual(linesOf('iac/tf-azure-sql-auditing-disabled', source.replace('azurerm_mssql_database.d.id', 'var.database_id')), [1]);
  });

  it('keeps logs retained for ever (0 days, or a retention policy that is off) out of the short-retention rule', () => {
    const RULE = 'iac/tf-azure-log-retention-short';
    const flow = (policy: string) => `resource "azurerm_network_watcher_flow_log" "f" {\n  enabled = true\n${policy}}\n`;
    assert.deepEqual(linesOf(RULE, flow('  retention_policy {\n    enabled = false\n    days    = 7\n  }\n')), []);
    assert.deepEqual(linesOf(RULE, flow('  retention_policy {\n    enabled = true\n    days    = 0\n  }\n')), []);
    assert.deepEqual(linesOf(RULE, flow('')), []);
    const profile = 'resource "azurerm_monitor_log_profile" "p" {\n  name = "default"\n  retention_policy {\n    enabled = true\n    days    = 180\n  }\n}\n';
    assert.deepEqual(linesOf(RULE, profile), [5]);
  });

  it('reads the settings of a .tf.json file', () => {
    const json = JSON.stringify({ resource: { azurerm_container_registry: { acr: { name: 'acr', sku: 'Basic', admin_enabled: true } } } }, null, 2);
    assert.deepEqual(linesOf('iac/tf-azure-acr-shared-access', json, 'main.tf.json'), [lineOf(json, 'admin_enabled')]);
  });
});

describe('Terraform Azure: settings of real-world modules', () => {
  it('reads a setting given null (an optional variable left unset) as the provider default', () => {
    const optional = (name: string) => `variable "${name}" {\n  type    = bool\n  default = null\n}\n`;
    const app = `${optional('https_only')}resource "azurerm_linux_web_app" "w" {\n  name       = "w"\n  https_only = var.https_only\n  site_config {}\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-app-service-http-allowed', app), [lineOf(app, 'https_only = var')]);
    const vault = `${optional('purge')}resource "azurerm_key_vault" "v" {\n  name                     = "v"\n  sku_name                 = "standard"\n  purge_protection_enabled = var.purge\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-key-vault-no-purge-protection', vault), [lineOf(vault, 'purge_protection_enabled')]);
    const server = `${optional('public')}resource "azurerm_mssql_server" "s" {\n  name                          = "s"\n  version                       = "12.0"\n  public_network_access_enabled = var.public\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-db-public-network-access', server), [lineOf(server, 'public_network_access_enabled')]);
    // A variable without a default is not a value: nothing is reported.
    assert.deepEqual(linesOf('iac/tf-azure-db-public-network-access', server.replace('  type    = bool\n  default = null\n', '')), []);
  });

  it('reports a public AKS API server whose access profile is a dynamic block over null ranges', () => {
    const RULE = 'iac/tf-azure-aks-api-public';
    const source = (ranges: string) =>
      `variable "ranges" {\n  default = ${ranges}\n}\nvariable "private" {\n  default = false\n}\nresource "azurerm_kubernetes_cluster" "k" {\n  name                    = "k"\n  dns_prefix              = "k"\n  private_cluster_enabled = var.private\n  dynamic "api_server_access_profile" {\n    for_each = var.ranges != null ? ["profile"] : []\n    content {\n      authorized_ip_ranges = var.ranges\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf(RULE, source('null')), [lineOf(source('null'), 'private_cluster_enabled')]);
    assert.deepEqual(linesOf(RULE, source('["203.0.113.0/24"]')), []);
  });

  it('reads a null network policy as none, and leaves clusters that bring their own CNI', () => {
    const RULE = 'iac/tf-azure-aks-no-network-policy';
    const source = (plugin: string) =>
      `variable "network_policy" {\n  default = null\n}\nresource "azurerm_kubernetes_cluster" "k" {\n  name       = "k"\n  dns_prefix = "k"\n  network_profile {\n    network_plugin = "${plugin}"\n    network_policy = var.network_policy\n  }\n}\n`;
    assert.deepEqual(linesOf(RULE, source('azure')), [lineOf(source('azure'), 'network_policy = var')]);
    assert.deepEqual(linesOf(RULE, source('none')), []);
  });

  it('does not report what public network access turned off keeps off the internet', () => {
    const account = (extra: string) => `resource "azurerm_storage_account" "s" {\n  name                          = "s"\n  account_tier                  = "Standard"\n  account_replication_type      = "LRS"\n  public_network_access_enabled = false\n${extra}}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-storage-public-access-allowed', account('')), []);
    // Written out, the setting is still reported: private endpoint clients can read anonymously.
    assert.deepEqual(linesOf('iac/tf-azure-storage-public-access-allowed', account('  allow_nested_items_to_be_public = true\n')), [6]);
    assert.deepEqual(linesOf('iac/tf-azure-network-default-allow', account('  network_rules {\n    default_action = "Allow"\n  }\n')), []);
    const rules = `${account('')}resource "azurerm_storage_account_network_rules" "r" {\n  storage_account_id = azurerm_storage_account.s.id\n  default_action     = "Allow"\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-network-default-allow', rules), []);
    assert.deepEqual(linesOf('iac/tf-azure-network-default-allow', rules.replace('public_network_access_enabled = false', 'public_network_access_enabled = true')), [lineOf(rules, 'default_action')]);
  });

  it('reports a network interface whose public IP cannot be read only when it names a public IP resource', () => {
    const RULE = 'iac/tf-azure-nic-public-ip';
    const nic = (id: string, extra = '') => `${extra}resource "azurerm_network_interface" "n" {\n  name = "n"\n  ip_configuration {\n    name                          = "primary"\n    private_ip_address_allocation = "Dynamic"\n    public_ip_address_id          = ${id}\n  }\n}\n`;
    assert.deepEqual(linesOf(RULE, nic('var.public_ip_id', 'variable "public_ip_id" {}\n')), []);
    assert.deepEqual(linesOf(RULE, nic('lookup(var.settings, "public_ip_address_id", null)', 'variable "settings" {}\n')), []);
    assert.deepEqual(linesOf(RULE, nic('var.with_ip ? azurerm_public_ip.vm[0].id : null', 'variable "with_ip" {}\n')), [7]);
    assert.deepEqual(linesOf(RULE, nic('var.with_ip ? azurerm_public_ip.vm[0].id : null', 'variable "with_ip" {\n  default = false\n}\n')), []);
    const dynamic = `variable "nics" {\n  default = [{ name = "a", pip = null }]\n}\nresource "azurerm_network_interface" "n" {\n  name = "n"\n  dynamic "ip_configuration" {\n    for_each = var.nics\n    content {\n      name                          = ip_configuration.value.name\n      private_ip_address_allocation = "Dynamic"\n      public_ip_address_id          = ip_configuration.value.pip\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf(RULE, dynamic), []);
    assert.deepEqual(linesOf(RULE, dynamic.replace('pip = null', 'pip = "/subscriptions/x/publicIPAddresses/a"')), [lineOf(dynamic, 'public_ip_address_id')]);
  });
});

describe('Terraform Azure: open by default', () => {
  it('reports a key vault or storage account without network rules at low severity, and at medium when public access is written out', () => {
    const RULE = 'iac/tf-azure-network-default-allow';
    const vault = (extra: string) => `resource "azurerm_key_vault" "v" {\n  name      = "v"\n  sku_name  = "standard"\n  tenant_id = var.tenant_id\n${extra}}\n`;
    assert.deepEqual(hits(RULE, vault('')).map((h) => [h.line, h.severity]), [[1, 'low']]);
    const explicit = vault('  public_network_access_enabled = true\n');
    assert.deepEqual(hits(RULE, explicit).map((h) => [h.line, h.severity]), [[lineOf(explicit, 'public_network_access_enabled'), 'medium']]);
    assert.deepEqual(linesOf(RULE, vault('  network_acls {\n    bypass         = "None"\n    default_action = "Deny"\n  }\n')), []);
    // azurerm 3's network rules resource names the account by name.
    const account = `resource "azurerm_storage_account" "s" {\n  name                     = "s"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n}\n`;
    const byName = `${account}resource "azurerm_storage_account_network_rules" "r" {\n  resource_group_name  = "data"\n  storage_account_name = azurerm_storage_account.s.name\n  default_action       = "Deny"\n}\n`;
    assert.deepEqual(linesOf(RULE, byName), []);
    assert.match(hits(RULE, account)[0]!.message, /no network rules \(no network_rules block, no azurerm_storage_account_network_rules\)/);
  });

  it('reports a Cosmos DB account without an IP or virtual network filter, in both provider generations', () => {
    const RULE = 'iac/tf-azure-db-public-network-access';
    const cosmos = (extra: string) => `resource "azurerm_cosmosdb_account" "c" {\n  name       = "c"\n  offer_type = "Standard"\n${extra}}\n`;
    assert.deepEqual(hits(RULE, cosmos('')).map((h) => [h.line, h.severity]), [[1, 'low']]);
    // azurerm 3: a comma-separated string; empty, it filters nothing.
    assert.deepEqual(linesOf(RULE, cosmos('  ip_range_filter = ""\n')), [1]);
    assert.deepEqual(linesOf(RULE, cosmos('  ip_range_filter = "203.0.113.10"\n')), []);
    const explicit = hits(RULE, cosmos('  public_network_access_enabled = true\n'));
    assert.deepEqual(explicit.map((h) => [h.line, h.severity]), [[4, 'medium']]);
    assert.match(explicit[0]!.message, /any address on the internet can connect/);
    // Public access written out is reported as before, filter or not.
    assert.deepEqual(linesOf(RULE, cosmos('  public_network_access_enabled     = true\n  is_virtual_network_filter_enabled = true\n')), [4]);
  });

  it('reports basic-auth publishing once per line, and leaves an FTP endpoint to the FTP rule when it accepts plain FTP', () => {
    const RULE = 'iac/tf-azure-app-service-basic-auth-publishing';
    const app = (config: string) => `resource "azurerm_linux_web_app" "w" {\n  name            = "w"\n  service_plan_id = var.plan\n  site_config {\n${config}  }\n}\n`;
    assert.deepEqual(hits(RULE, app('')).map((h) => [h.line, h.severity]), [[1, 'low']]);
    const ftps = hits(RULE, app('    ftps_state = "FtpsOnly"\n'));
    assert.equal(ftps.length, 1);
    assert.match(ftps[0]!.message, /webdeploy_publish_basic_authentication_enabled = false or ftp_publish_basic_authentication_enabled = false/);
    const plain = app('    ftps_state = "AllAllowed"\n');
    assert.doesNotMatch(hits(RULE, plain)[0]!.message, /ftp_publish/);
    assert.deepEqual(linesOf('iac/tf-azure-app-service-ftp-allowed', plain), [lineOf(plain, 'ftps_state')]);
    // A Standard logic app's FTP endpoint accepts everything by default.
    const logic = `resource "azurerm_logic_app_standard" "l" {\n  name                = "l"\n  app_service_plan_id = var.plan\n}\n`;
    assert.match(hits(RULE, logic)[0]!.message, /scm_publish_basic_authentication_enabled = false or ftp_publish_basic_authentication_enabled = false/);
  });

  it('reports a flow log turned off, and not its retention', () => {
    const log = `resource "azurerm_network_watcher_flow_log" "f" {\n  network_watcher_name      = "w"\n  resource_group_name       = "net"\n  network_security_group_id = var.nsg\n  storage_account_id        = var.logs\n  enabled                   = false\n  retention_policy {\n    enabled = true\n    days    = 7\n  }\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-flow-log-disabled', log), [lineOf(log, '  enabled                   = false')]);
    assert.deepEqual(linesOf('iac/tf-azure-log-retention-short', log), []);
    assert.deepEqual(linesOf('iac/tf-azure-log-retention-short', log.replace('= false', '= true')), [lineOf(log, 'days')]);
  });
});

describe('Terraform Azure: public endpoints left at the default and written out', () => {
  const NETWORK = 'iac/tf-azure-network-default-allow';
  const DB = 'iac/tf-azure-db-public-network-access';

  it('reports a server left public by default at low severity, and public access written out at medium', () => {
    const server = (extra: string) => `resource "azurerm_mssql_server" "s" {\n  name    = "s"\n  version = "12.0"\n${extra}}\n`;
    const unset = hits(DB, server(''));
    assert.deepEqual(unset.map((h) => [h.line, h.severity]), [[1, 'low']]);
    assert.match(unset[0]!.message, /does not set public_network_access_enabled = false \(the default is true\)/);
    const explicit = hits(DB, server('  public_network_access_enabled = true\n'));
    assert.deepEqual(explicit.map((h) => [h.line, h.severity]), [[4, 'medium']]);
    assert.match(explicit[0]!.message, /sets public_network_access_enabled = true/);
    // null is Terraform's unset: the default, low; a value known only at apply is never reported.
    assert.deepEqual(hits(DB, `variable "p" {\n  type    = bool\n  default = null\n}\n\n${server('  public_network_access_enabled = var.p\n')}`).map((h) => h.severity), ['low']);
    assert.deepEqual(hits(DB, `variable "p" {\n  type = bool\n}\n\n${server('  public_network_access_enabled = var.p\n')}`), []);
  });

  it('reports registries and namespaces without network rules only on the SKUs that can have them', () => {
    const resource = (type: string, sku: string, extra = '') => `resource "${type}" "r" {\n  name = "r"\n  sku  = "${sku}"\n${extra}}\n`;
    const severities = (source: string) => hits(NETWORK, source).map((h) => `${h.line} ${h.severity}`);
    assert.deepEqual(severities(resource('azurerm_container_registry', 'Premium')), ['1 low']);
    assert.deepEqual(severities(resource('azurerm_container_registry', 'Premium', '  public_network_access_enabled = true\n')), ['4 medium']);
    assert.deepEqual(severities(resource('azurerm_container_registry', 'Standard', '  public_network_access_enabled = true\n')), []);
    assert.deepEqual(severities(resource('azurerm_eventhub_namespace', 'Standard')), ['1 low']);
    assert.deepEqual(severities(resource('azurerm_eventhub_namespace', 'Basic')), []);
    assert.deepEqual(severities(resource('azurerm_servicebus_namespace', 'Premium')), ['1 low']);
    assert.deepEqual(severities(resource('azurerm_servicebus_namespace', 'Standard')), []);
    assert.deepEqual(severities(resource('azurerm_servicebus_namespace', 'Premium', '  public_network_access_enabled = false\n')), []);
    // A rule set block with its default action written out is the default-action check's, not this one's.
    assert.deepEqual(severities(resource('azurerm_eventhub_namespace', 'Premium', '  network_rulesets {\n    default_action = "Deny"\n  }\n')), []);
    const cognitive = `resource "azurerm_cognitive_account" "c" {\n  name     = "c"\n  kind     = "OpenAI"\n  sku_name = "S0"\n}\n`;
    assert.deepEqual(severities(cognitive), ['1 low']);
    assert.match(hits(NETWORK, resource('azurerm_eventhub_namespace', 'Standard'))[0]!.message, /\(a Standard Event Hubs namespace\) has no network_rulesets block and does not set public_network_access_enabled = false \(the default is true\)/);
  });

  it('reads a module of servers, registries and namespaces as Azure deploys them', async () => {
    const result = await runScan({ target: fixturePath('iac', 'tf-azure-open-by-default'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    const said = result.findings
      .filter((f) => f.ruleId === NETWORK || f.ruleId === DB)
      .map((f) => `${f.location.startLine} ${f.severity} ${f.properties?.resource ?? f.message.split(' ')[0]}`)
      .sort((a, b) => parseInt(a) - parseInt(b));
    assert.deepEqual(said, [
      '3 low azurerm_mssql_server.default',
      '15 medium azurerm_postgresql_server.explicit',
      '26 low azurerm_container_registry.premium',
      '60 medium azurerm_cognitive_account.openai',
      '70 low azurerm_eventhub_namespace.standard',
      '84 low azurerm_servicebus_namespace.premium',
    ]);
  });
});

describe('Terraform Azure: flexible servers and the older SQL server', () => {
  const DB = 'iac/tf-azure-db-public-network-access';
  const FIREWALL = 'iac/tf-azure-db-firewall-open';
  const severities = (source: string) => hits(DB, source).map((h) => `${h.line} ${h.severity}`);
  const flexible = (engine: 'postgresql' | 'mysql', extra: string, before = '') =>
    `${before}resource "azurerm_${engine}_flexible_server" "f" {\n  name                = "f"\n  resource_group_name = "data"\n  sku_name            = "GP_Standard_D2s_v3"\n${extra}}\n`;

  it('reports a PostgreSQL flexible server without virtual network integration: low left at the default, medium turned on', () => {
    const unset = flexible('postgresql', '');
    assert.deepEqual(severities(unset), ['1 low']);
    assert.match(hits(DB, unset)[0]!.message, /has no delegated_subnet_id \(virtual network integration\) and does not set public_network_access_enabled = false \(the default is true\)/);
    const on = flexible('postgresql', '  public_network_access_enabled = true\n');
    assert.deepEqual(severities(on), [`${lineOf(on, 'public_network_access_enabled')} medium`]);
    assert.deepEqual(severities(flexible('postgresql', '  public_network_access_enabled = false\n')), []);
    // null is the default; a value known only at apply is never reported.
    const optional = flexible('postgresql', '  public_network_access_enabled = var.p\n', 'variable "p" {\n  default = null\n}\n');
    assert.deepEqual(severities(optional), [`${lineOf(optional, 'public_network_access_enabled')} low`]);
    assert.deepEqual(severities(flexible('postgresql', '  public_network_access_enabled = var.p\n', 'variable "p" {}\n')), []);
  });

  it('leaves a flexible server with virtual network integration, even when its subnet is known only at apply', () => {
    const vnet = '  delegated_subnet_id = azurerm_subnet.db.id\n  private_dns_zone_id = azurerm_private_dns_zone.db.id\n';
    assert.deepEqual(severities(flexible('postgresql', vnet)), []);
    assert.deepEqual(severities(flexible('mysql', vnet)), []);
    assert.deepEqual(severities(flexible('postgresql', '  delegated_subnet_id = var.subnet\n', 'variable "subnet" {}\n')), []);
    // A subnet left null (an optional module input) is no integration: public by default.
    assert.deepEqual(severities(flexible('postgresql', '  delegated_subnet_id = var.subnet\n', 'variable "subnet" {\n  default = null\n}\n')), ['4 low']);
  });

  it('reads a MySQL flexible server by its azurerm 4 setting, public_network_access', () => {
    const unset = flexible('mysql', '');
    assert.deepEqual(severities(unset), ['1 low']);
    assert.match(hits(DB, unset)[0]!.message, /does not set public_network_access = "Disabled" \(the default is "Enabled"\)/);
    const on = flexible('mysql', '  public_network_access = "Enabled"\n');
    assert.deepEqual(severities(on), [`${lineOf(on, 'public_network_access')} medium`]);
    assert.match(hits(DB, on)[0]!.message, /sets public_network_access = "Enabled" and has no delegated_subnet_id/);
    assert.deepEqual(severities(flexible('mysql', '  public_network_access = "Disabled"\n')), []);
  });

  it('reports an azurerm_sql_server, which cannot turn public access off, at low', () => {
    const server = `resource "azurerm_sql_server" "s" {\n  name    = "s"\n  version = "12.0"\n}\n`;
    const found = hits(DB, server);
    assert.deepEqual(found.map((h) => `${h.line} ${h.severity}`), ['1 low']);
    assert.match(found[0]!.message, /cannot turn public network access off \(azurerm_mssql_server can/);
  });

  it('says once that a server has a public endpoint and once that a firewall rule admits everyone', () => {
    const source = `${flexible('postgresql', '')}resource "azurerm_postgresql_flexible_server_firewall_rule" "all" {\n  name             = "all"\n  server_id        = azurerm_postgresql_flexible_server.f.id\n  start_ip_address = "0.0.0.0"\n  end_ip_address   = "255.255.255.255"\n}\n`;
    const server = hits(DB, source);
    const rule = hits(FIREWALL, source);
    assert.deepEqual(server.map((h) => `${h.line} ${h.severity}`), ['1 low']);
    assert.deepEqual(rule.map((h) => `${h.line} ${h.severity}`), [`${lineOf(source, 'start_ip_address')} critical`]);
    // The server's finding is about the endpoint, the rule's about who may connect: neither repeats the other.
    assert.doesNotMatch(server[0]!.message, /every address|any address|anyone/);
    assert.doesNotMatch(rule[0]!.message, /endpoint|public_network_access/);
  });

  it('reports at info a firewall rule of a server that has no public endpoint in any instance: it admits nobody until public access is turned on', () => {
    const allRule = (type: string, server: string) =>
      `resource "azurerm_${type}_firewall_rule" "all" {\n  name             = "all"\n  server_id        = azurerm_${server}.f.id\n  start_ip_address = "0.0.0.0"\n  end_ip_address   = "255.255.255.255"\n}\n`;
    const severity = (source: string) => hits(FIREWALL, source).map((h) => h.severity);
    const closed = `${flexible('postgresql', '  public_network_access_enabled = false\n')}${allRule('postgresql_flexible_server', 'postgresql_flexible_server')}`;
    assert.deepEqual(severity(closed), ['info']);
    assert.match(hits(FIREWALL, closed)[0]!.message, /admits nobody while azurerm_postgresql_flexible_server\.f has no public endpoint/);
    assert.deepEqual(severity(`${flexible('mysql', '  public_network_access = "Disabled"\n')}${allRule('mysql_flexible_server', 'mysql_flexible_server').replace('server_id       ', 'server_name     ').replace('.f.id', '.f.name')}`), ['info']);
    // Public in one instance of two, or left at the default: the rule admits the internet.
    const oneOpen = `resource "azurerm_mssql_server" "f" {\n  for_each                      = { a = false, b = true }\n  name                          = each.key\n  public_network_access_enabled = each.value\n}\n${allRule('mssql', 'mssql_server').replace('.f.id', '.f["a"].id')}`;
    assert.deepEqual(severity(oneOpen), ['critical']);
    assert.deepEqual(severity(`${flexible('postgresql', '')}${allRule('postgresql_flexible_server', 'postgresql_flexible_server')}`), ['critical']);
    // A server outside the module: its setting is unknown.
    assert.deepEqual(severity(allRule('postgresql_flexible_server', 'postgresql_flexible_server')), ['critical']);
  });
});

describe('Terraform Azure: nested blocks read where they are made (sectionsAt)', () => {
  const app = (forEach: string) =>
    `variable "site_configs" {\n  default = [{ minimum_tls_version = "1.2" }, { minimum_tls_version = "1.0" }]\n}\nresource "azurerm_linux_web_app" "web" {\n  name            = "web"\n  service_plan_id = "plan"\n  dynamic "site_config" {\n    for_each = ${forEach}\n    content {\n      minimum_tls_version = try(site_config.value.minimum_tls_version, "1.2")\n    }\n  }\n}\n`;

  it('reads the first block a dynamic block makes with its iterator bound, and none for an empty for_each', () => {
    assert.deepEqual(linesOf('iac/tf-azure-tls-below-1-2', app('[var.site_configs[1]]')), [10]);
    assert.deepEqual(linesOf('iac/tf-azure-tls-below-1-2', app('[var.site_configs[0]]')), []);
    // An empty for_each makes no site_config: nothing to read (the block as written would be read with its iterator unknown).
    assert.deepEqual(linesOf('iac/tf-azure-tls-below-1-2', app('[]')), []);
  });

  it('reads every block a dynamic block makes where a rule asks for all of them', () => {
    const source = `variable "threat_detection" {\n  default = [{ state = "Enabled" }, { state = "Disabled" }]\n}\nresource "azurerm_mssql_database" "db" {\n  name      = "orders"\n  server_id = "server"\n  dynamic "threat_detection_policy" {\n    for_each = var.threat_detection\n    content {\n      state = threat_detection_policy.value.state\n    }\n  }\n}\n`;
    assert.deepEqual(hits('iac/tf-azure-threat-detection-disabled', source).map((h) => h.line), [10]);
  });
});

describe('Terraform Azure: rules from the terragoat review', () => {
  it('reports a literal administrator password without printing it, and registers it for redaction', () => {
    const password = 'abc123-Pass-1234';
    const literal = `resource "azurerm_mssql_server" "db" {\n  name                         = "orders"\n  administrator_login_password = "${password}"\n}\n`;
    const analysis = analyseFile('main.tf', literal, () => {});
    const found = analysis.findings.filter((f) => f.ruleId === 'iac/tf-azure-hardcoded-password');
    assert.deepEqual(found.map((f) => `${f.location.startLine} ${f.severity}`), ['3 high']);
    assert.ok(!found[0]!.message.includes(password));
    assert.ok(analysis.secrets.includes(password));
    // Through a local or a variable default, which a deployment may override: medium.
    const local = `locals {\n  pw = "${password}"\n}\nresource "azurerm_windows_virtual_machine" "vm" {\n  name           = "vm"\n  admin_password = local.pw\n}\n`;
    assert.deepEqual(hits('iac/tf-azure-hardcoded-password', local).map((h) => `${h.line} ${h.severity}`), ['6 medium']);
    // Passwords of the orchestrated scale set's Windows and Linux profiles, each on its own line.
    const scaleSet = `resource "azurerm_orchestrated_virtual_machine_scale_set" "s" {\n  os_profile {\n    windows_configuration {\n      admin_password = "${password}"\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-hardcoded-password', scaleSet), [4]);
  });

  it('reports an Application Gateway without WAF at low when its frontends are all private, and leaves an unreadable policy', () => {
    const gateway = (frontend: string, extra = '') =>
      `resource "azurerm_application_gateway" "gw" {\n  name = "gw"\n${extra}  sku {\n    name     = "Standard_Small"\n    tier     = "Standard"\n    capacity = 2\n  }\n  frontend_ip_configuration {\n    name = "fe"\n${frontend}  }\n}\n`;
    const severity = (source: string) => hits('iac/tf-azure-waf-disabled', source).map((h) => `${h.line} ${h.severity}`);
    assert.deepEqual(severity(gateway('    subnet_id          = azurerm_subnet.fe.id\n    private_ip_address = "10.0.1.10"\n')), ['5 low']);
    assert.deepEqual(severity(gateway('    public_ip_address_id = azurerm_public_ip.fe.id\n')), ['5 medium']);
    assert.deepEqual(severity(gateway('    public_ip_address_id = azurerm_public_ip.fe.id\n', '  firewall_policy_id = var.waf_policy_id\n')), []);
  });

  it('reads App Service authentication in both generations, and leaves a dynamic block it cannot read', () => {
    const AUTH = 'iac/tf-azure-app-service-auth-disabled';
    const dynamicAuth = (variable: string) =>
      `${variable}resource "azurerm_linux_web_app" "web" {\n  name = "web"\n  dynamic "auth_settings_v2" {\n    for_each = var.auth == null ? [] : [var.auth]\n    content {\n      auth_enabled = auth_settings_v2.value.enabled\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf(AUTH, dynamicAuth('variable "auth" {}\n')), []);
    // Left at null, the module makes no authentication block: the app has none.
    const unset = dynamicAuth('variable "auth" {\n  default = null\n}\n');
    assert.deepEqual(linesOf(AUTH, unset), [lineOf(unset, 'resource')]);
    assert.match(hits(AUTH, unset)[0]!.message, /unless the application authenticates requests itself/);
    // Either generation turned on is enough.
    const both = `resource "azurerm_windows_web_app" "web" {\n  name = "web"\n  auth_settings {\n    enabled = false\n  }\n  auth_settings_v2 {\n    auth_enabled = true\n  }\n}\n`;
    assert.deepEqual(linesOf(AUTH, both), []);
  });

  it('reports an expiration date given null on its line, and names the alerts a policy turns off', () => {
    const secret = `variable "expires" {\n  default = null\n}\nresource "azurerm_key_vault_secret" "s" {\n  name            = "s"\n  value           = var.value\n  expiration_date = var.expires\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-key-vault-no-expiration', secret), [7]);
    const policy = `resource "azurerm_postgresql_server" "db" {\n  name = "db"\n  threat_detection_policy {\n    enabled         = true\n    disabled_alerts = ["Sql_Injection"]\n  }\n}\n`;
    assert.deepEqual(saidOf('iac/tf-azure-threat-detection-disabled', policy), ['5 azurerm_postgresql_server.db turns off the threat detection alert Sql_Injection: those attacks on its databases raise no alert.']);
  });

  it('reports the AKS dashboard add-on unless the Kubernetes version refuses it', () => {
    const cluster = (version: string) => `resource "azurerm_kubernetes_cluster" "aks" {\n  name = "aks"\n${version}  addon_profile {\n    kube_dashboard {\n      enabled = true\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-aks-dashboard-enabled', cluster('')), [5]);
    assert.deepEqual(linesOf('iac/tf-azure-aks-dashboard-enabled', cluster('  kubernetes_version = "1.16.10"\n')), [6]);
    assert.deepEqual(linesOf('iac/tf-azure-aks-dashboard-enabled', cluster('  kubernetes_version = "1.20.7"\n')), []);
  });
});

describe("Terraform Azure: settings given only by a variable's default", () => {
  /** A resource whose `name` is `value`, with a variable of that name defaulting to `fallback`. */
  const module = (type: string, body: string[], name: string, value: string, fallback: string) =>
    [`variable "${name}" {`, `  default = ${fallback}`, '}', '', `resource "${type}" "r" {`, ...body.map((l) => `  ${l}`), `  ${name} = ${value}`, '}', ''].join('\n');
  const severity = (rule: string, source: string) => hits(rule, source).map((h) => `${h.line} ${h.severity}`);
  const cases: Array<[rule: string, type: string, body: string[], name: string, bad: string]> = [
    ['iac/tf-azure-local-auth-enabled', 'azurerm_servicebus_namespace', ['name = "bus"', 'sku  = "Standard"'], 'local_auth_enabled', 'true'],
    ['iac/tf-azure-storage-shared-key', 'azurerm_storage_account', ['name = "exampledata"'], 'shared_access_key_enabled', 'true'],
    ['iac/tf-azure-app-service-basic-auth-publishing', 'azurerm_linux_web_app', ['name = "web"', 'ftp_publish_basic_authentication_enabled = false'], 'webdeploy_publish_basic_authentication_enabled', 'true'],
    ['iac/tf-azure-aks-local-accounts', 'azurerm_kubernetes_cluster', ['name = "aks"'], 'local_account_disabled', 'false'],
    ['iac/tf-azure-db-public-network-access', 'azurerm_mssql_server', ['name = "orders"'], 'public_network_access_enabled', 'true'],
    ['iac/tf-azure-db-public-network-access', 'azurerm_postgresql_flexible_server', ['name = "orders"'], 'public_network_access_enabled', 'true'],
    ['iac/tf-azure-db-public-network-access', 'azurerm_cosmosdb_account', ['name = "orders"'], 'public_network_access_enabled', 'true'],
    ['iac/tf-azure-storage-public-access-allowed', 'azurerm_storage_account', ['name = "exampledata"'], 'allow_nested_items_to_be_public', 'true'],
    ['iac/tf-azure-network-default-allow', 'azurerm_key_vault', ['name = "kv"'], 'public_network_access_enabled', 'true'],
  ];

  it('reports a value only a variable\'s default gives at low, as left at the default, and one written out at the rule\'s severity', () => {
    for (const [rule, type, body, name, bad] of cases) {
      const line = body.length + 6;
      assert.deepEqual(severity(rule, module(type, body, name, `var.${name}`, bad)), [`${line} low`], `${rule} ${type}`);
      assert.deepEqual(severity(rule, module(type, body, name, bad, bad)), [`${line} medium`], `${rule} ${type}`);
    }
  });

  it('keeps the severity of a value a definitions file or a module call gives', async () => {
    const { scanMemory } = await import('../../helpers/memory-files.js');
    const RULE = 'iac/tf-azure-storage-shared-key';
    const source = module('azurerm_storage_account', ['name = "exampledata"'], 'shared_access_key_enabled', 'var.shared_access_key_enabled', 'true');
    const severities = async (files: Record<string, string>) => (await scanMemory(files)).findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`);
    assert.deepEqual(await severities({ 'main.tf': source, 'terraform.tfvars': 'shared_access_key_enabled = true\n' }), ['main.tf:7 medium']);
    const call = (argument: string) => `module "data" {\n  source = "./modules/data"\n${argument}}\n`;
    assert.deepEqual(await severities({ 'modules/data/main.tf': source, 'main.tf': call('') }), ['modules/data/main.tf:7 low']);
    assert.deepEqual(await severities({ 'modules/data/main.tf': source, 'main.tf': call('  shared_access_key_enabled = true\n') }), ['modules/data/main.tf:7 medium']);
  });
});

describe('Terraform Azure: public containers of an account without public network access', () => {
  const RULE = 'iac/tf-azure-storage-container-public';
  const account = (access: string) => `resource "azurerm_storage_account" "origin" {\n  name                          = "origin"\n  account_tier                  = "Standard"\n  account_replication_type      = "LRS"\n${access}}\n\n`;
  const azurermContainer = 'resource "azurerm_storage_container" "web" {\n  name                  = "web"\n  storage_account_id    = azurerm_storage_account.origin.id\n  container_access_type = "blob"\n}\n';
  const azapiContainer = (parent: string) => `resource "azapi_resource" "web" {\n  type      = "Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01"\n  name      = "web"\n  parent_id = ${parent}\n  body = {\n    properties = { publicAccess = "Container" }\n  }\n}\n`;
  const azapiAccount = (access: string) => `resource "azapi_resource" "origin" {\n  type      = "Microsoft.Storage/storageAccounts@2023-05-01"\n  name      = "origin"\n  parent_id = var.parent_id\n  location  = "westeurope"\n  body = {\n    kind       = "StorageV2"\n    properties = { publicNetworkAccess = "${access}" }\n  }\n}\n\nresource "azapi_resource" "blob" {\n  type      = "Microsoft.Storage/storageAccounts/blobServices@2023-05-01"\n  name      = "default"\n  parent_id = azapi_resource.origin.id\n  body      = {}\n}\n\n`;

  it('reports the container at low severity, for whoever reaches the private endpoints, and at high when the account is public or unread', () => {
    const closed = hits(RULE, account('  public_network_access_enabled = false\n') + azurermContainer);
    assert.deepEqual(closed.map((h) => h.severity), ['low']);
    assert.match(closed[0]!.message, /whoever reaches its storage account, whose public network access is off .* can read its blobs without credentials/);
    assert.deepEqual(hits(RULE, account('') + azurermContainer).map((h) => h.severity), ['high']);
    assert.deepEqual(hits(RULE, account('  public_network_access_enabled = var.public\n') + azurermContainer).map((h) => h.severity), ['high']);
    assert.deepEqual(hits(RULE, azurermContainer).map((h) => h.severity), ['high']);
  });

  it('follows an azapi container to its account, through a blobServices resource or an id it builds', () => {
    const built = hits(RULE, account('  public_network_access_enabled = false\n') + azapiContainer('"${azurerm_storage_account.origin.id}/blobServices/default"'));
    assert.deepEqual(built.map((h) => h.severity), ['low']);
    assert.match(built[0]!.message, /can list and read its blobs without credentials/);
    assert.deepEqual(hits(RULE, azapiAccount('Disabled') + azapiContainer('azapi_resource.blob.id')).map((h) => h.severity), ['low']);
    assert.deepEqual(hits(RULE, azapiAccount('Enabled') + azapiContainer('azapi_resource.blob.id')).map((h) => h.severity), ['high']);
    assert.deepEqual(hits(RULE, azapiContainer('var.blob_service_id')).map((h) => h.severity), ['high']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { azureRules } from '../../../src/scanners/iac/terraform/rules/azure.js';
import { AZAPI_COVERED } from '../../../src/scanners/iac/terraform/rules/azapi.js';
import { terraformRules } from '../../../src/scanners/iac/terraform/rules/index.js';

/** Line, message, severity and resource of every finding of one rule. */
function hits(ruleId: string, source: string, fileName = 'main.tf') {
  return analyseFile(fileName, source, () => {})
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => ({ line: f.location.startLine, message: f.message, severity: f.severity }))
    .sort((a, b) => a.line - b.line);
}

const linesOf = (ruleId: string, source: string) => hits(ruleId, source).map((h) => h.line);

/** The 1-based line of the first line of `source` that contains `text`. */
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

const PUBLIC = 'iac/tf-azure-storage-public-access-allowed';
const TLS = 'iac/tf-azure-tls-below-1-2';
const HTTP = 'iac/tf-azure-cleartext-allowed';
const SHARED_KEY = 'iac/tf-azure-storage-shared-key';
const NETWORK = 'iac/tf-azure-network-default-allow';
const PURGE = 'iac/tf-azure-key-vault-no-purge-protection';

/** A storage account of the azapi provider at an API version, with these lines in body.properties. */
const storage = (version: string, properties: string[], extra = '') =>
  `${extra}resource "azapi_resource" "data" {\n  type      = "Microsoft.Storage/storageAccounts@${version}"\n  name      = "exampledata"\n  parent_id = var.parent_id\n  location  = "westeurope"\n  body = {\n    kind = "StorageV2"\n    properties = {\n${properties.map((p) => `      ${p}`).join('\n')}\n    }\n  }\n}\n`;

/** Every setting of a storage account safe, but the ones given. */
const SAFE = ['allowBlobPublicAccess    = false', 'allowSharedKeyAccess     = false', 'minimumTlsVersion        = "TLS1_2"', 'supportsHttpsTrafficOnly = true', 'networkAcls = { defaultAction = "Deny", bypass = "AzureServices" }'];
const RULES = [PUBLIC, TLS, HTTP, SHARED_KEY, NETWORK];

describe('Terraform azapi: the azurerm rules judge azapi resources', () => {
  it('adds its judgments to azurerm rules that exist, and only to them', () => {
    const ids = new Set(azureRules.map((r) => r.id));
    for (const id of AZAPI_COVERED) assert.ok(ids.has(id), `${id} is no azurerm rule`);
    const covered = terraformRules.filter((r) => AZAPI_COVERED.has(r.id));
    assert.equal(covered.length, AZAPI_COVERED.size);
    for (const rule of covered) {
      assert.match(rule.description, /azapi/);
      assert.match(rule.remediation, /With the azapi provider, set in the resource's body: properties\./);
    }
  });

  it('reports a storage account whose body sets bad values on the lines of those properties, naming the azapi resource', () => {
    const source = storage('2023-05-01', ['allowBlobPublicAccess    = true', 'allowSharedKeyAccess     = true', 'minimumTlsVersion        = "TLS1_1"', 'supportsHttpsTrafficOnly = false', 'networkAcls = {', '  defaultAction = "Allow"', '}']);
    const expected: Array<[string, string]> = [
      [PUBLIC, 'allowBlobPublicAccess'],
      [SHARED_KEY, 'allowSharedKeyAccess'],
      [TLS, 'minimumTlsVersion'],
      [HTTP, 'supportsHttpsTrafficOnly'],
      [NETWORK, 'defaultAction'],
    ];
    for (const [rule, key] of expected) {
      const found = hits(rule, source);
      assert.deepEqual(found.map((h) => h.line), [lineOf(source, key)], rule);
      assert.match(found[0]!.message, /^azapi_resource\.data \(Microsoft\.Storage\/storageAccounts@2023-05-01\) sets properties\./);
      // A setting written bad takes the rule's own severity, as the azurerm setting does.
      assert.equal(found[0]!.severity, terraformRules.find((r) => r.id === rule)!.severity, rule);
    }
  });

  it('stays quiet on a storage account that sets every setting safely', () => {
    for (const rule of RULES) assert.deepEqual(linesOf(rule, storage('2023-05-01', SAFE)), [], rule);
  });

  it('reads a body written as jsonencode (azapi 1.x), a merge of objects, and a property name in any case', () => {
    const json = `resource "azapi_resource" "data" {\n  type      = "Microsoft.Storage/storageAccounts@2021-09-01"\n  name      = "exampledata"\n  parent_id = var.parent_id\n  body = jsonencode({\n    properties = merge({\n      allowSharedKeyAccess = false\n    }, {\n      AllowBlobPublicAccess = true\n    })\n  })\n}\n`;
    assert.deepEqual(linesOf(PUBLIC, json), [lineOf(json, 'AllowBlobPublicAccess')]);
    assert.deepEqual(linesOf(SHARED_KEY, json), []);
    // A JSON text written out: its values, on the line of body.
    const heredoc = `resource "azapi_resource" "data" {\n  type      = "microsoft.storage/storageaccounts@2023-05-01"\n  name      = "exampledata"\n  parent_id = var.parent_id\n  body      = <<JSON\n{ "properties": { "allowBlobPublicAccess": true, "allowSharedKeyAccess": false } }\nJSON\n}\n`;
    assert.deepEqual(linesOf(PUBLIC, heredoc), [lineOf(heredoc, 'body')]);
    assert.deepEqual(linesOf(SHARED_KEY, heredoc), []);
  });

  it("applies ARM's default for a property left out, by API version, on the innermost object written", () => {
    const old = storage('2022-11-01', ['minimumTlsVersion = "TLS1_2"']);
    const found = hits(PUBLIC, old);
    assert.deepEqual(found.map((h) => h.line), [lineOf(old, 'properties = {')]);
    assert.equal(found[0]!.severity, 'low');
    assert.match(found[0]!.message, /does not set properties\.allowBlobPublicAccess \(API version 2022-11-01 reads it as true when left out\)/);
    // 2023-01-01 and later read it as false, whatever azurerm's default.
    assert.deepEqual(linesOf(PUBLIC, storage('2023-01-01', ['minimumTlsVersion = "TLS1_2"'])), []);
    // HTTPS only is the default from 2019-04-01.
    assert.deepEqual(linesOf(HTTP, storage('2018-11-01', ['minimumTlsVersion = "TLS1_2"'])), [lineOf(old, 'properties = {')]);
    assert.deepEqual(linesOf(HTTP, storage('2019-04-01', ['minimumTlsVersion = "TLS1_2"'])), []);
    // The minimum TLS version left out reads as TLS 1.0, but Azure Storage refuses TLS 1.0 and 1.1 since February 2026.
    assert.deepEqual(linesOf(TLS, storage('2018-11-01', ['allowBlobPublicAccess = false'])), []);
    // A body without properties: the finding goes on body.
    const bare = `resource "azapi_resource" "data" {\n  type      = "Microsoft.Storage/storageAccounts@2023-05-01"\n  name      = "exampledata"\n  parent_id = var.parent_id\n  body = {\n    kind = "StorageV2"\n  }\n}\n`;
    assert.deepEqual(linesOf(SHARED_KEY, bare), [lineOf(bare, 'body')]);
    assert.match(hits(NETWORK, bare)[0]!.message, /has no properties, so no properties\.networkAcls\.defaultAction/);
  });

  it('judges a default an unreadable API version leaves in doubt only when every version agrees', () => {
    const source = storage('${var.api_version}', ['minimumTlsVersion = "TLS1_2"'], 'variable "api_version" {\n  type = string\n}\n\n');
    assert.deepEqual(linesOf(PUBLIC, source), []);
    assert.deepEqual(linesOf(HTTP, source), []);
    assert.deepEqual(linesOf(SHARED_KEY, source), [lineOf(source, 'properties = {')]);
  });

  it('never judges a value that cannot be told, nor a body that cannot', () => {
    const unknownValue = storage('2022-11-01', ['allowBlobPublicAccess = var.allow_public', 'allowSharedKeyAccess  = var.shared_key'], 'variable "allow_public" {\n  type = bool\n}\n\nvariable "shared_key" {\n  type    = bool\n  default = true\n}\n\n');
    assert.deepEqual(linesOf(PUBLIC, unknownValue), []);
    // A variable's default is read as its value.
    assert.deepEqual(linesOf(SHARED_KEY, unknownValue), [lineOf(unknownValue, 'allowSharedKeyAccess')]);
    const unknownBody = `variable "properties" {\n  type = any\n}\n\nresource "azapi_resource" "data" {\n  type      = "Microsoft.Storage/storageAccounts@2022-11-01"\n  name      = "exampledata"\n  parent_id = var.parent_id\n  body = {\n    properties = var.properties\n  }\n}\n`;
    for (const rule of RULES) assert.deepEqual(linesOf(rule, unknownBody), [], rule);
    const unknownType = `resource "azapi_resource" "data" {\n  type      = var.type\n  name      = "exampledata"\n  parent_id = var.parent_id\n  body      = { properties = { allowBlobPublicAccess = true } }\n}\n`;
    assert.deepEqual(linesOf(PUBLIC, unknownType), []);
  });

  it('judges each instance of a resource with for_each, naming the instance', () => {
    const source = `resource "azapi_resource" "data" {\n  for_each  = { open = true, closed = false }\n  type      = "Microsoft.Storage/storageAccounts@2023-05-01"\n  name      = each.key\n  parent_id = var.parent_id\n  body = {\n    properties = {\n      allowBlobPublicAccess = each.value\n    }\n  }\n}\n`;
    const found = hits(PUBLIC, source);
    assert.deepEqual(found.map((h) => h.line), [lineOf(source, 'allowBlobPublicAccess')]);
    assert.match(found[0]!.message, /^azapi_resource\.data\["open"\] /);
  });

  it('judges an azapi_update_resource on what it sets, never on what it leaves out', () => {
    const patch = `resource "azapi_update_resource" "open" {\n  type        = "Microsoft.Storage/storageAccounts@2022-09-01"\n  resource_id = var.account_id\n  body = {\n    properties = {\n      allowBlobPublicAccess = true\n    }\n  }\n}\n`;
    const found = hits(PUBLIC, patch);
    assert.deepEqual(found.map((h) => h.line), [lineOf(patch, 'allowBlobPublicAccess')]);
    assert.match(found[0]!.message, /^azapi_update_resource\.open /);
    for (const rule of [SHARED_KEY, HTTP, NETWORK]) assert.deepEqual(linesOf(rule, patch), [], rule);
  });

  it('leaves a property that an update of the module may set to the update', () => {
    const account = storage('2022-11-01', ['allowSharedKeyAccess = true', 'minimumTlsVersion    = "TLS1_2"']);
    const patched = `${account}\nresource "azapi_update_resource" "lock" {\n  type        = "Microsoft.Storage/storageAccounts@2023-05-01"\n  resource_id = azapi_resource.data.id\n  body = {\n    properties = {\n      allowSharedKeyAccess = false\n      allowBlobPublicAccess = var.allow_public\n      networkAcls           = { defaultAction = "Deny" }\n    }\n  }\n}\n`;
    for (const rule of [SHARED_KEY, PUBLIC, NETWORK]) {
      assert.notDeepEqual(linesOf(rule, account), [], rule);
      assert.deepEqual(linesOf(rule, patched), [], rule);
    }
    // What the update does not touch is still the account's.
    assert.deepEqual(linesOf(HTTP, storage('2018-11-01', [])), linesOf(HTTP, `${storage('2018-11-01', [])}\nresource "azapi_update_resource" "lock" {\n  type        = "Microsoft.Storage/storageAccounts@2023-05-01"\n  resource_id = azapi_resource.data.id\n  body        = { properties = { allowSharedKeyAccess = false } }\n}\n`));
  });

  it('counts an azurerm_storage_account_network_rules of the account as its network rules', () => {
    const account = storage('2023-05-01', ['allowSharedKeyAccess = false']);
    assert.deepEqual(linesOf(NETWORK, account), [lineOf(account, 'properties = {')]);
    const ruled = `${account}\nresource "azurerm_storage_account_network_rules" "data" {\n  storage_account_id = azapi_resource.data.id\n  default_action     = "Deny"\n}\n`;
    assert.deepEqual(linesOf(NETWORK, ruled), []);
    // Public network access off: the network rules govern only what private endpoints let in.
    assert.deepEqual(linesOf(NETWORK, storage('2023-05-01', ['publicNetworkAccess = "Disabled"', 'networkAcls = { defaultAction = "Allow" }'])), []);
  });

  it('reads key vaults: purge protection left out at medium, soft delete off, network ACLs', () => {
    const vault = (properties: string[]) =>
      `resource "azapi_resource" "kv" {\n  type      = "Microsoft.KeyVault/vaults@2023-07-01"\n  name      = "kv"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n      tenantId = var.tenant_id\n${properties.map((p) => `      ${p}`).join('\n')}\n    }\n  }\n}\n`;
    const bare = vault([]);
    const purge = hits(PURGE, bare);
    assert.deepEqual(purge.map((h) => h.line), [lineOf(bare, 'properties = {')]);
    assert.equal(purge[0]!.severity, 'medium');
    assert.equal(hits(NETWORK, bare)[0]!.severity, 'low');
    const soft = vault(['enablePurgeProtection = true', 'enableSoftDelete      = false', 'publicNetworkAccess   = "Disabled"']);
    assert.deepEqual(linesOf(PURGE, soft), [lineOf(soft, 'enableSoftDelete')]);
    assert.deepEqual(linesOf(NETWORK, soft), []);
    assert.deepEqual(linesOf(PURGE, vault(['enablePurgeProtection = true'])), []);
  });

  it('reads web apps and AKS clusters: settings written bad, and the defaults ARM makes bad', () => {
    const site = `resource "azapi_resource" "web" {\n  type      = "Microsoft.Web/sites@2023-12-01"\n  name      = "web"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n      serverFarmId = var.plan_id\n      siteConfig = {\n        minTlsVersion          = "1.1"\n        ftpsState              = "AllAllowed"\n        remoteDebuggingEnabled = true\n      }\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-app-service-http-allowed', site), [lineOf(site, 'properties = {')]);
    assert.deepEqual(linesOf(TLS, site), [lineOf(site, 'minTlsVersion')]);
    assert.deepEqual(linesOf('iac/tf-azure-app-service-ftp-allowed', site), [lineOf(site, 'ftpsState')]);
    assert.deepEqual(linesOf('iac/tf-azure-app-service-remote-debugging', site), [lineOf(site, 'remoteDebuggingEnabled')]);
    const aks = `resource "azapi_resource" "aks" {\n  type      = "Microsoft.ContainerService/managedClusters@2024-05-01"\n  name      = "aks"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n      dnsPrefix  = "aks"\n      enableRBAC = true\n      apiServerAccessProfile = {\n        authorizedIPRanges = ["203.0.113.0/24", var.extra_range]\n      }\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-aks-local-accounts', aks), [lineOf(aks, 'properties = {')]);
    assert.deepEqual(linesOf('iac/tf-azure-aks-rbac-disabled', aks), []);
    // A range that cannot be told may be any: no finding.
    assert.deepEqual(linesOf('iac/tf-azure-aks-api-public', aks), []);
    // An update merges into the cluster's profile: only a range that admits everyone is sure.
    const update = (profile: string) => `resource "azapi_update_resource" "aks" {\n  type        = "Microsoft.ContainerService/managedClusters@2024-05-01"\n  resource_id = var.cluster_id\n  body = {\n    properties = {\n      apiServerAccessProfile = ${profile}\n    }\n  }\n}\n`;
    assert.deepEqual(linesOf('iac/tf-azure-aks-api-public', update('{ enablePrivateCluster = false }')), []);
    assert.deepEqual(linesOf('iac/tf-azure-aks-api-public', update('{ authorizedIPRanges = [] }')), []);
    const world = update('{ authorizedIPRanges = ["0.0.0.0/0"] }');
    assert.deepEqual(linesOf('iac/tf-azure-aks-api-public', world), [lineOf(world, 'apiServerAccessProfile')]);
  });

  it('raises a missing network ACL to the rule severity, on the flag, where the body turns public network access on', () => {
    const open = storage('2023-05-01', ['allowSharedKeyAccess = false', 'publicNetworkAccess  = "Enabled"']);
    const found = hits(NETWORK, open);
    assert.deepEqual(found.map((h) => h.line), [lineOf(open, 'publicNetworkAccess')]);
    assert.equal(found[0]!.severity, 'medium');
    assert.match(found[0]!.message, /sets properties\.publicNetworkAccess = "Enabled" and has no properties\.networkAcls/);
  });

  it('reads container registries and SQL servers', () => {
    const registry = `resource "azapi_resource" "acr" {\n  type      = "Microsoft.ContainerRegistry/registries@2023-07-01"\n  name      = "exampleacr"\n  parent_id = var.parent_id\n  body = {\n    sku = { name = "Premium" }\n    properties = {\n      adminUserEnabled     = true\n      anonymousPullEnabled = true\n    }\n  }\n}\n`;
    const acr = hits('iac/tf-azure-acr-shared-access', registry);
    assert.deepEqual(acr.map((h) => [h.line, h.severity]), [
      [lineOf(registry, 'adminUserEnabled'), 'medium'],
      [lineOf(registry, 'anonymousPullEnabled'), 'high'],
    ]);
    const server = (properties: string) => `resource "azapi_resource" "sql" {\n  type      = "Microsoft.Sql/servers@2023-08-01"\n  name      = "orders"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n      ${properties}\n    }\n  }\n}\n`;
    const left = server('administratorLogin = "sqladmin"');
    assert.deepEqual(hits('iac/tf-azure-db-public-network-access', left).map((h) => [h.line, h.severity]), [[lineOf(left, 'properties = {'), 'low']]);
    assert.deepEqual(linesOf('iac/tf-azure-db-public-network-access', server('publicNetworkAccess = "Disabled"')), []);
    const none = server('minimalTlsVersion = "None"');
    assert.deepEqual(linesOf(TLS, none), [lineOf(none, 'minimalTlsVersion')]);
    assert.deepEqual(linesOf(TLS, left), []);
  });

  it('reads Cosmos DB accounts: public network access without a filter, and keys of the NoSQL API only', () => {
    const DB_PUBLIC = 'iac/tf-azure-db-public-network-access';
    const LOCAL_AUTH = 'iac/tf-azure-local-auth-enabled';
    const account = (properties: string[], head = '', version = '2024-05-15') =>
      `resource "azapi_resource" "db" {\n  type      = "Microsoft.DocumentDB/databaseAccounts@${version}"\n  name      = "orders"\n  parent_id = var.parent_id\n  body = {\n${head}    properties = {\n${properties.map((p) => `      ${p}`).join('\n')}\n    }\n  }\n}\n`;
    const open = account(['databaseAccountOfferType = "Standard"']);
    assert.deepEqual(hits(DB_PUBLIC, open).map((h) => [h.line, h.severity]), [[lineOf(open, 'properties = {'), 'low']]);
    assert.deepEqual(hits(LOCAL_AUTH, open).map((h) => [h.line, h.severity]), [[lineOf(open, 'properties = {'), 'low']]);
    const written = account(['publicNetworkAccess = "Enabled"', 'disableLocalAuth    = false', 'ipRules             = [{ ipAddressOrRange = "203.0.113.7" }]']);
    assert.deepEqual(hits(DB_PUBLIC, written).map((h) => [h.line, h.severity]), [[lineOf(written, 'publicNetworkAccess'), 'medium']]);
    assert.deepEqual(hits(LOCAL_AUTH, written).map((h) => [h.line, h.severity]), [[lineOf(written, 'disableLocalAuth'), 'medium']]);
    // A filter, or one that cannot be told, guards the endpoint left public by default; so does the older ipRangeFilter.
    for (const filter of ['ipRules = [{ ipAddressOrRange = "203.0.113.7" }]', 'isVirtualNetworkFilterEnabled = true', 'ipRules = var.ip_rules', 'isVirtualNetworkFilterEnabled = var.vnet_filter'])
      assert.deepEqual(linesOf(DB_PUBLIC, account([filter])), [], filter);
    assert.deepEqual(linesOf(DB_PUBLIC, account(['ipRangeFilter = "203.0.113.7"'], '', '2019-12-12')), []);
    assert.deepEqual(linesOf(DB_PUBLIC, account(['ipRangeFilter = ""'], '', '2019-12-12')).length, 1);
    for (const value of ['var.public_network_access', '"SecuredByPerimeter"', '"Disabled"']) assert.deepEqual(linesOf(DB_PUBLIC, account([`publicNetworkAccess = ${value}`])), [], value);
    // Only the NoSQL API can turn keys off; an API that cannot be told is not judged.
    const apis: Array<[string, string]> = [
      ['    kind = "MongoDB"\n', 'databaseAccountOfferType = "Standard"'],
      ['    kind = var.kind\n', 'databaseAccountOfferType = "Standard"'],
      ['', 'capabilities = [{ name = "EnableGremlin" }]'],
      ['', 'capabilities = var.capabilities'],
      ['', 'capabilities = [{ name = var.capability }]'],
    ];
    for (const [head, capabilities] of apis)
      assert.deepEqual(linesOf(LOCAL_AUTH, account([capabilities, 'disableLocalAuth = false'], head)), [], `${head}${capabilities}`);
    assert.deepEqual(linesOf(LOCAL_AUTH, account(['disableLocalAuth = var.disable_local_auth'])), []);
    assert.deepEqual(linesOf(LOCAL_AUTH, account(['capabilities = [{ name = "EnableServerless" }]', 'disableLocalAuth = true'], '    kind = "GlobalDocumentDB"\n')), []);
  });

  it("judges each entry of a Cosmos DB account's ipRules on its own line, as azurerm's ip_range_filter", () => {
    const FIREWALL = 'iac/tf-azure-db-firewall-open';
    const account = (properties: string[]) =>
      `resource "azapi_resource" "db" {\n  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"\n  name      = "orders"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n${properties.map((p) => `      ${p}`).join('\n')}\n    }\n  }\n}\n`;
    const rules = ['ipRules = [', '  { ipAddressOrRange = "0.0.0.0" },', '  { ipAddressOrRange = "203.0.113.7" },', '  { ipAddressOrRange = "40.0.0.0/8" },', '  { ipAddressOrRange = var.extra },', ']'];
    const open = account(rules);
    assert.deepEqual(hits(FIREWALL, open).map((h) => [h.line, h.severity]), [
      [lineOf(open, '"0.0.0.0"'), 'low'],
      [lineOf(open, '40.0.0.0/8'), 'high'],
    ]);
    const closed = account(['publicNetworkAccess = "Disabled"', ...rules]);
    assert.deepEqual(hits(FIREWALL, closed).map((h) => h.severity), ['info', 'info']);
    // A list read from elsewhere: on the property's line.
    const local = `locals {\n  rules = [{ ipAddressOrRange = "0.0.0.0/0" }]\n}\n${account(['ipRules = local.rules'])}`;
    assert.deepEqual(hits(FIREWALL, local).map((h) => [h.line, h.severity]), [[lineOf(local, 'ipRules = local.rules'), 'critical']]);
    assert.deepEqual(hits(FIREWALL, account(['ipRules = var.ip_rules'])), []);
  });

  it('reads Redis caches and PostgreSQL and MySQL flexible servers', () => {
    const DB_PUBLIC = 'iac/tf-azure-db-public-network-access';
    const resource = (type: string, properties: string[]) =>
      `resource "azapi_resource" "this" {\n  type      = "${type}"\n  name      = "orders"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n${properties.map((p) => `      ${p}`).join('\n')}\n    }\n  }\n}\n`;
    const redis = resource('Microsoft.Cache/redis@2024-03-01', ['enableNonSslPort    = true', 'minimumTlsVersion   = "1.1"', 'publicNetworkAccess = "Enabled"']);
    for (const [rule, key] of [
      [HTTP, 'enableNonSslPort'],
      [TLS, 'minimumTlsVersion'],
      [DB_PUBLIC, 'publicNetworkAccess'],
    ] as const)
      assert.deepEqual(hits(rule, redis).map((h) => [h.line, h.severity]), [[lineOf(redis, key), 'medium']], rule);
    // Defaults (non-TLS port off) and what azurerm does not report left out (public network access, minimum TLS) are not judged, nor unknown values.
    const quiet = resource('Microsoft.Cache/redis@2024-03-01', ['enableNonSslPort = var.non_ssl', 'minimumTlsVersion = var.tls']);
    for (const rule of [HTTP, TLS, DB_PUBLIC]) assert.deepEqual(hits(rule, quiet), [], rule);
    for (const type of ['Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01', 'Microsoft.DBforMySQL/flexibleServers@2023-12-30']) {
      const left = resource(type, ['version = "16"']);
      assert.deepEqual(hits(DB_PUBLIC, left).map((h) => [h.line, h.severity]), [[lineOf(left, 'properties = {'), 'low']], type);
      const on = resource(type, ['network = {', '  publicNetworkAccess = "Enabled"', '}']);
      assert.deepEqual(hits(DB_PUBLIC, on).map((h) => [h.line, h.severity]), [[lineOf(on, 'publicNetworkAccess'), 'medium']], type);
      for (const network of ['network = { publicNetworkAccess = "Disabled" }', 'network = { delegatedSubnetResourceId = azapi_resource.subnet.id }', 'network = { publicNetworkAccess = "Enabled", delegatedSubnetResourceId = var.subnet_id }', 'network = { publicNetworkAccess = var.public_access }', 'network = var.network'])
        assert.deepEqual(linesOf(DB_PUBLIC, resource(type, [network])), [], `${type} ${network}`);
    }
  });

  it("reads a flexible server's TLS parameters from its configurations resources, by their name", () => {
    const parameter = (type: string, name: string, value: string) =>
      `resource "azapi_resource" "parameter" {\n  type      = "${type}/configurations@2023-12-30"\n  name      = ${name}\n  parent_id = azapi_resource.server.id\n  body = {\n    properties = {\n      value  = ${value}\n      source = "user-override"\n    }\n  }\n}\n`;
    const mysql = 'Microsoft.DBforMySQL/flexibleServers';
    const tls = parameter(mysql, '"tls_version"', '"TLSv1,TLSv1.2"');
    assert.deepEqual(linesOf(TLS, tls), [lineOf(tls, 'value  =')]);
    const pg = parameter('Microsoft.DBforPostgreSQL/flexibleServers', '"ssl_min_protocol_version"', '"TLSv1.1"');
    assert.deepEqual(linesOf(TLS, pg), [lineOf(pg, 'value  =')]);
    const off = parameter(mysql, '"require_secure_transport"', '"OFF"');
    assert.deepEqual(linesOf(HTTP, off), [lineOf(off, 'value  =')]);
    // Another parameter, a name or value that cannot be told, a safe value.
    for (const [name, value] of [['"max_connections"', '"TLSv1"'], ['var.parameter', '"TLSv1"'], ['"tls_version"', 'var.tls_version'], ['"tls_version"', '"TLSv1.2,TLSv1.3"']])
      assert.deepEqual(linesOf(TLS, parameter(mysql, name!, value!)), [], `${name} ${value}`);
    for (const [name, value] of [['"require_secure_transport"', '"ON"'], ['var.parameter', '"OFF"'], ['"log_connections"', '"off"']])
      assert.deepEqual(linesOf(HTTP, parameter(mysql, name!, value!)), [], `${name} ${value}`);
  });

  it('reads Cognitive Services accounts and Event Hubs and Service Bus namespaces', () => {
    const LOCAL_AUTH = 'iac/tf-azure-local-auth-enabled';
    const resource = (type: string, properties: string[]) =>
      `resource "azapi_resource" "this" {\n  type      = "${type}"\n  name      = "example"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n${properties.map((p) => `      ${p}`).join('\n')}\n    }\n  }\n}\n`;
    const types = ['Microsoft.CognitiveServices/accounts@2024-10-01', 'Microsoft.EventHub/namespaces@2024-01-01', 'Microsoft.ServiceBus/namespaces@2024-01-01'];
    for (const type of types) {
      const left = resource(type, ['publicNetworkAccess = "Disabled"']);
      assert.deepEqual(hits(LOCAL_AUTH, left).map((h) => [h.line, h.severity]), [[lineOf(left, 'properties = {'), 'low']], type);
      const on = resource(type, ['disableLocalAuth = false']);
      assert.deepEqual(hits(LOCAL_AUTH, on).map((h) => [h.line, h.severity]), [[lineOf(on, 'disableLocalAuth'), 'medium']], type);
      for (const value of ['true', 'var.disable_local_auth']) assert.deepEqual(linesOf(LOCAL_AUTH, resource(type, [`disableLocalAuth = ${value}`])), [], `${type} ${value}`);
    }
    for (const type of types.slice(1)) {
      const weak = resource(type, ['minimumTlsVersion = "1.1"']);
      assert.deepEqual(linesOf(TLS, weak), [lineOf(weak, 'minimumTlsVersion')], type);
      // Left out is not judged, as for azurerm; nor is a namespace without network rules: they are a child resource (networkRuleSets), maybe set elsewhere.
      assert.deepEqual(linesOf(TLS, resource(type, ['disableLocalAuth = true'])), [], type);
      assert.deepEqual(linesOf(NETWORK, resource(type, ['publicNetworkAccess = "Enabled"'])), [], type);
    }
    for (const type of ['Microsoft.EventHub/namespaces/networkRuleSets@2024-01-01', 'Microsoft.ServiceBus/namespaces/networkRuleSets@2024-01-01']) {
      const allow = resource(type, ['defaultAction = "Allow"']);
      assert.deepEqual(linesOf(NETWORK, allow), [lineOf(allow, 'defaultAction')], type);
      for (const quiet of [['defaultAction = "Deny"'], ['defaultAction = var.default_action'], ['defaultAction = "Allow"', 'publicNetworkAccess = "Disabled"']])
        assert.deepEqual(linesOf(NETWORK, resource(type, quiet)), [], `${type} ${quiet.join(', ')}`);
    }
    const cognitive = types[0]!;
    const open = resource(cognitive, ['customSubDomainName = "chat"']);
    assert.deepEqual(hits(NETWORK, open).map((h) => [h.line, h.severity]), [[lineOf(open, 'properties = {'), 'low']]);
    const opened = resource(cognitive, ['customSubDomainName = "chat"', 'publicNetworkAccess = "Enabled"']);
    assert.deepEqual(hits(NETWORK, opened).map((h) => [h.line, h.severity]), [[lineOf(opened, 'publicNetworkAccess'), 'medium']]);
    const allow = resource(cognitive, ['networkAcls = {', '  defaultAction = "Allow"', '}']);
    assert.deepEqual(linesOf(NETWORK, allow), [lineOf(allow, 'defaultAction')]);
    for (const quiet of [['publicNetworkAccess = "Disabled"', 'networkAcls = { defaultAction = "Allow" }'], ['networkAcls = { defaultAction = "Deny" }'], ['publicNetworkAccess = var.public_network_access'], ['networkAcls = var.network_acls']])
      assert.deepEqual(linesOf(NETWORK, resource(cognitive, quiet)), [], quiet.join(', '));
    // Public network access that cannot be told may be off: no network rules left out are reported, for any type.
    for (const type of ['Microsoft.KeyVault/vaults@2023-07-01', 'Microsoft.Storage/storageAccounts@2023-05-01'])
      assert.deepEqual(linesOf(NETWORK, resource(type, ['publicNetworkAccess = var.public_network_access'])), [], type);
  });

  it('reads the body of an azapi resource written in the JSON syntax as an object, not a block', () => {
    const source = `{\n  "resource": {\n    "azapi_resource": {\n      "data": {\n        "type": "Microsoft.Storage/storageAccounts@2023-05-01",\n        "name": "exampledata",\n        "parent_id": "\${var.parent_id}",\n        "body": {\n          "properties": {\n            "allowBlobPublicAccess": true,\n            "allowSharedKeyAccess": false,\n            "publicNetworkAccess": "Disabled"\n          }\n        }\n      }\n    }\n  }\n}\n`;
    assert.deepEqual(hits(PUBLIC, source, 'main.tf.json').map((h) => h.line), [lineOf(source, 'allowBlobPublicAccess')]);
    // Read as a block, the body would look empty and ARM's defaults would be reported.
    for (const rule of [SHARED_KEY, NETWORK]) assert.deepEqual(hits(rule, source, 'main.tf.json'), [], rule);
  });

  it('reads the siteConfig settings of a sites/config resource named "web" only', () => {
    const config = (name: string) => `resource "azapi_resource" "web_config" {\n  type      = "Microsoft.Web/sites/config@2023-12-01"\n  name      = ${name}\n  parent_id = azapi_resource.web.id\n  body = {\n    properties = {\n      minTlsVersion          = "1.0"\n      remoteDebuggingEnabled = true\n    }\n  }\n}\n`;
    const web = config('"web"');
    assert.deepEqual(linesOf(TLS, web), [lineOf(web, 'minTlsVersion')]);
    assert.deepEqual(linesOf('iac/tf-azure-app-service-remote-debugging', web), [lineOf(web, 'remoteDebuggingEnabled')]);
    // App settings are free-form names; a name that cannot be read may be any config.
    for (const name of ['"appsettings"', 'var.config_name']) assert.deepEqual(linesOf(TLS, config(name)), [], name);
  });
});

describe("Terraform azapi: properties given only by a variable's default", () => {
  it("reports a bad value only a variable's default gives at the severity of the property left out, and one written out or given by a definitions file at the rule's", async () => {
    const extra = (name: string, value: string) => `variable "${name}" {\n  default = ${value}\n}\n\n`;
    const severity = (rule: string, source: string) => hits(rule, source).map((h) => `${h.line} ${h.severity}`);
    const shared = storage('2023-05-01', ['allowSharedKeyAccess = var.shared_key'], extra('shared_key', 'true'));
    const line = lineOf(shared, 'allowSharedKeyAccess');
    assert.deepEqual(severity(SHARED_KEY, shared), [`${line} low`]);
    assert.deepEqual(severity(SHARED_KEY, shared.replace('= var.shared_key', '= true')), [`${line} medium`]);
    // The properties object from a variable: the deepest key written (properties) is the line.
    const whole = storage('2023-05-01', [], extra('properties', '{ allowSharedKeyAccess = true }')).replace(/properties = \{\n\s*\n\s*\}/, 'properties = var.properties');
    assert.deepEqual(severity(SHARED_KEY, whole), [`${lineOf(whole, 'properties = var')} low`]);
    // A written value in a JSON text beside an interpolated one is told as written.
    const heredoc = `variable "tls" {\n  default = "TLS1_2"\n}\n\nresource "azapi_resource" "data" {\n  type      = "Microsoft.Storage/storageAccounts@2023-05-01"\n  name      = "exampledata"\n  parent_id = var.parent_id\n  body      = <<JSON\n{ "properties": { "allowSharedKeyAccess": true, "minimumTlsVersion": "\${var.tls}" } }\nJSON\n}\n`;
    assert.deepEqual(severity(SHARED_KEY, heredoc), [`${lineOf(heredoc, 'body')} medium`]);
    // A rule that reports the property left out at its own severity (purge protection) reports both alike.
    const purge = `variable "purge" {\n  default = false\n}\n\nresource "azapi_resource" "kv" {\n  type      = "Microsoft.KeyVault/vaults@2023-07-01"\n  name      = "kv"\n  parent_id = var.parent_id\n  body = {\n    properties = {\n      enablePurgeProtection = var.purge\n    }\n  }\n}\n`;
    assert.deepEqual(severity(PURGE, purge).map((s) => s.split(' ')[1]), severity(PURGE, purge.replace('= var.purge', '= false')).map((s) => s.split(' ')[1]));
    const { scanMemory } = await import('../../helpers/memory-files.js');
    const found = (await scanMemory({ 'main.tf': shared, 'terraform.tfvars': 'shared_key = true\n' })).findings.filter((f) => f.ruleId === SHARED_KEY);
    assert.deepEqual(found.map((f) => `${f.location.startLine} ${f.severity}`), [`${line} medium`]);
  });
});

describe('Terraform azapi: a body whose null properties a for expression strips (AVM modules)', () => {
  it('judges the properties it can read when another is set by a resource attribute (AVM managed cluster)', async () => {
    const { scanMemory } = await import('../../helpers/memory-files.js');
    const module = `variable "disable_local_accounts" {
  type    = bool
  default = false
}

variable "api_server_access_profile" {
  type    = object({ enable_private_cluster = optional(bool) })
  default = null
}

resource "random_string" "dns_prefix" {
  length = 8
}

locals {
  body_full = {
    properties = {
      apiServerAccessProfile = var.api_server_access_profile == null ? null : {
        enablePrivateCluster = var.api_server_access_profile.enable_private_cluster
      }
      disableLocalAccounts = var.disable_local_accounts
      dnsPrefix            = random_string.dns_prefix.result
      networkProfile       = { networkPlugin = "azure", podCidr = random_string.dns_prefix.id }
    }
  }
  body = merge(local.body_full, {
    properties = { for k, v in local.body_full.properties : k => v if can(regex("^(.*)$", k)) && v != null }
  })
}

resource "azapi_resource" "this" {
  type                 = "Microsoft.ContainerService/managedClusters@2025-05-01"
  name                 = "aks"
  parent_id            = var.parent_id
  location             = "westeurope"
  body                 = local.body
  ignore_null_property = true
}

variable "parent_id" {
  type = string
}
`;
    const caller = (settings: string) => `module "aks" {\n  source    = "./modules/aks"\n  parent_id = "rg"\n${settings}}\n`;
    const rules = async (settings: string) =>
      (await scanMemory({ 'main.tf': caller(settings), 'modules/aks/main.tf': module })).findings
        .filter((f) => f.ruleId.startsWith('iac/tf-azure-aks'))
        .map((f) => `${f.ruleId} ${f.severity}`)
        .sort();
    // networkProfile is read beside its podCidr that cannot be told: no networkPolicy in it.
    const unwatched = ['iac/tf-azure-aks-no-container-insights low', 'iac/tf-azure-aks-no-network-policy low'];
    assert.deepEqual(await rules(''), ['iac/tf-azure-aks-api-public medium', 'iac/tf-azure-aks-local-accounts low', ...unwatched]);
    assert.deepEqual(await rules('  disable_local_accounts    = true\n  api_server_access_profile = { enable_private_cluster = true }\n'), unwatched);
  });
});

import type { Severity } from '../../../../core/finding.js';
import type { Hit } from '../../rule.js';
import type { Value } from '../hcl/evaluate.js';
import { AZAPI_RESOURCE, AZAPI_UPDATE, armDefault, armResource, armElements, armProperty, armSetByDefaultOnly, armResources, armTypeText, mayHold, patchesOf, type ArmResource } from '../azapi.js';
import { asStrings, attribute, label, referrers, type TfInput } from '../model.js';
import { fileInstance, valueIn } from './instances.js';
import { isWorld } from '../../cidr.js';
import type { TfRule } from './common.js';
import { namingInstances } from './instance-findings.js';
import { COSMOS_KEY_ONLY_APIS } from './azure-auth.js';
import { delegatesSubnet, isOff, isOn, text } from './azure-common.js';
import { containerAccountPrivate, containerReaders, weakProtocols, weakTls } from './azure-data.js';
import { filterRange, rangeVerdict } from './azure-network.js';

/**
 * The azurerm rules' judgments, applied to the resources the azapi provider makes
 * (azapi.ts). A row of JUDGMENTS maps one ARM property of one or more ARM types to the
 * rule that judges the same setting of the azurerm resource: the rule's id, severity,
 * documentation and suppressions are shared, and so is the test of a value (weakTls,
 * isOn, isOff). What differs is said here, as data: the property's path in the body,
 * and the value ARM gives it when the body leaves it out, by API version, which is not
 * always the azurerm provider's default (a storage account's allowBlobPublicAccess is
 * true before API version 2023-01-01 and false since, whatever azurerm's version says;
 * supportsHttpsTrafficOnly false before 2019-04-01). withAzapi adds the rows to their rules.
 *
 * Unknown values are never judged. An azapi_update_resource is judged on what it sets,
 * never on what it leaves out (the resource keeps its value); an azapi_resource that an
 * update patches is not judged on a property the patch may set.
 */

const STORAGE = 'Microsoft.Storage/storageAccounts';
const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
const KEY_VAULT = 'Microsoft.KeyVault/vaults';
const SITES = ['Microsoft.Web/sites', 'Microsoft.Web/sites/slots'];
/** A site's configuration as a child resource: the one named "web" holds the siteConfig settings in its properties. */
const SITE_CONFIGS = ['Microsoft.Web/sites/config', 'Microsoft.Web/sites/slots/config'];
const AKS = 'Microsoft.ContainerService/managedClusters';
const REGISTRY = 'Microsoft.ContainerRegistry/registries';
const SQL_SERVER = 'Microsoft.Sql/servers';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const REDIS = 'Microsoft.Cache/redis';
const COGNITIVE = 'Microsoft.CognitiveServices/accounts';
const EVENT_HUBS = 'Microsoft.EventHub/namespaces';
const SERVICE_BUS = 'Microsoft.ServiceBus/namespaces';
/** A namespace's network rules, a child resource (named "default"). */
const RULE_SETS = [`${EVENT_HUBS}/networkRuleSets`, `${SERVICE_BUS}/networkRuleSets`];
const FLEXIBLE_SERVERS = ['Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.DBforMySQL/flexibleServers'];
/** A flexible server's parameters as child resources: the resource's name is the parameter's, properties.value its value. */
const SERVER_PARAMETERS = ['Microsoft.DBforPostgreSQL/flexibleServers/configurations', 'Microsoft.DBforMySQL/flexibleServers/configurations'];

interface Judgment {
  /** The id of the azurerm rule that judges the same setting. */
  rule: string;
  types: readonly string[];
  /** The property's path in the body. */
  path: readonly string[];
  /** A value that is a finding. */
  bad: (value: Value) => boolean;
  /** What such a value does, for the message. */
  why: string;
  /** ARM's value for the property left out, by API version ([first version, value], in order: armDefault); none: a left-out property is not judged. */
  defaults?: ReadonlyArray<readonly [string, Value]>;
  /** The severity of a finding on a value the body sets, when not the rule's. */
  severity?: Severity;
  /** The severity of a finding on a left-out property (low unless the azurerm rule reports its own default higher). */
  defaultSeverity?: Severity;
  /** A flag whose value "Enabled" (or true) asks for what the left-out property gives: the finding is then on the flag, at the rule's severity (publicNetworkAccess = "Enabled" without networkAcls). */
  openedBy?: readonly string[];
  /** The resource is not judged on this property at all (its public network access is off...). */
  moot?: (input: TfInput, arm: ArmResource) => boolean;
  /** What a bad value does, and at what severity, on this resource when not `why` at the rule's (a public container of an account without public network access). */
  reach?: (input: TfInput, arm: ArmResource, value: Value) => { why: string; severity?: Severity };
  /** A left-out property is not judged on this resource. */
  keepsDefault?: (input: TfInput, arm: ArmResource) => boolean;
  /** What the rule's description says of it. */
  doc: string;
  /** What the rule's remediation says to set in the body. */
  fix?: string;
  examples: { positive: string[]; negative: string[] };
  /** A setting of a site's siteConfig: a bad and a good value as HCL, for the examples of its sites/config "web" form (siteConfigJudgments). */
  config?: readonly [string, string];
}

/** Public network access off (or left to a network security perimeter): only private endpoints (or the perimeter's rules) reach the resource. */
function publicAccessOff(_input: TfInput, arm: ArmResource): boolean {
  return ['disabled', 'securedbyperimeter'].includes(text(setValue(arm, ['properties', 'publicNetworkAccess']) ?? null) ?? '');
}

/** Public network access that cannot be told: it may be off, so what ARM's default for the network rules would admit is not judged (azurerm: unreadable public_network_access_enabled). */
const publicAccessUnknown = (_input: TfInput, arm: ArmResource): boolean => armProperty(arm, ['properties', 'publicNetworkAccess']).state === 'unknown';

/** A property's value when the body sets it. */
function setValue(arm: ArmResource, path: readonly string[]): Value | undefined {
  const found = armProperty(arm, path);
  return found.state === 'set' ? found.value : undefined;
}

/** An azurerm_storage_account_network_rules of the module gives the account its network rules. */
const hasNetworkRulesResource = (input: TfInput, arm: ArmResource): boolean =>
  ['storage_account_id', 'storage_account_name'].some((key) => referrers(input, arm.resource, ['azurerm_storage_account_network_rules'], key).length > 0);

const isAllow = (v: Value) => text(v) === 'allow';

/** A flexible server integrated into a virtual network (properties.network.delegatedSubnetResourceId, as azurerm's delegated_subnet_id; one that cannot be told counts): it has no public endpoint. */
function flexibleInVnet(_input: TfInput, arm: ArmResource): boolean {
  const subnet = armProperty(arm, ['properties', 'network', 'delegatedSubnetResourceId']);
  return subnet.state === 'unknown' || (subnet.state === 'set' && delegatesSubnet(subnet.value));
}

/**
 * Whether keys are the only way into a Cosmos DB account, or its API cannot be told: a kind
 * other than GlobalDocumentDB (ARM's default), a key-only capability or one that cannot be
 * read. An update that does not set kind patches an account whose API it does not say.
 */
function cosmosKeysRequired(_input: TfInput, arm: ArmResource): boolean {
  const kind = armProperty(arm, ['kind']);
  if (kind.state === 'unknown' || (kind.state === 'set' && text(kind.value) !== 'globaldocumentdb') || (arm.update && kind.state !== 'set')) return true;
  const capabilities = armProperty(arm, ['properties', 'capabilities']);
  if (capabilities.state === 'absent') return false;
  if (capabilities.state === 'unknown' || !Array.isArray(capabilities.value)) return true;
  return capabilities.value.some((c) => {
    const name = c !== null && typeof c === 'object' && !Array.isArray(c) ? Object.entries(c).find(([k]) => k.toLowerCase() === 'name')?.[1] : undefined;
    return typeof name !== 'string' || COSMOS_KEY_ONLY_APIS.includes(name.toLowerCase());
  });
}

/**
 * Whether a Cosmos DB account filters the networks that reach its public endpoint, or may:
 * ipRules that list something (ipRangeFilter, a comma-separated string, before API version
 * 2020-04-01), or isVirtualNetworkFilterEnabled = true; one that cannot be told may filter.
 */
function cosmosFiltered(_input: TfInput, arm: ArmResource): boolean {
  const listsNone = (p: ReturnType<typeof armProperty>) =>
    p.state === 'absent' || (p.state === 'set' && ((Array.isArray(p.value) && p.value.length === 0) || (typeof p.value === 'string' && p.value.trim() === '')));
  const vnet = armProperty(arm, ['properties', 'isVirtualNetworkFilterEnabled']);
  const vnetOff = vnet.state === 'absent' || (vnet.state === 'set' && !isOn(vnet.value));
  return !(vnetOff && listsNone(armProperty(arm, ['properties', 'ipRules'])) && listsNone(armProperty(arm, ['properties', 'ipRangeFilter'])));
}

/** An AKS Automatic cluster (sku.name = "Automatic"), or one whose SKU cannot be told: it may come with what a left-out property would lack (Entra ID sign-in, Cilium). */
function aksAutomaticOrUnknown(_input: TfInput, arm: ArmResource): boolean {
  const sku = armProperty(arm, ['sku', 'name']);
  return sku.state === 'unknown' || (sku.state === 'set' && text(sku.value) === 'automatic');
}

/**
 * A managed cluster whose network policies another part enforces, or may: the Cilium data
 * plane (networkDataplane = "cilium", which enforces them as networkPolicy "cilium"), or its
 * own CNI (networkPlugin = "none"); a data plane or plug-in that cannot be told may be either.
 */
function aksPoliciesElsewhere(input: TfInput, arm: ArmResource): boolean {
  const profile = ['properties', 'networkProfile'];
  if (patched(input, arm, [...profile, 'networkDataplane']) || patched(input, arm, [...profile, 'networkPlugin'])) return true;
  const plane = armProperty(arm, [...profile, 'networkDataplane']);
  const plugin = armProperty(arm, [...profile, 'networkPlugin']);
  return plane.state === 'unknown' || plugin.state === 'unknown' || (plane.state === 'set' && text(plane.value) === 'cilium') || (plugin.state === 'set' && text(plugin.value) === 'none');
}

/**
 * A managed cluster monitored otherwise than by the omsagent add-on, or that may be:
 * azureMonitorProfile.containerInsights.enabled on (or that cannot be told), or a
 * diagnostic setting of the configuration that targets it (an azurerm one by
 * target_resource_id, an azapi Microsoft.Insights/diagnosticSettings by parent_id).
 */
function aksMonitoredElsewhere(input: TfInput, arm: ArmResource): boolean {
  const insights = ['properties', 'azureMonitorProfile', 'containerInsights', 'enabled'];
  const enabled = armProperty(arm, insights);
  if (enabled.state === 'unknown' || (enabled.state === 'set' && isOn(enabled.value)) || patched(input, arm, insights)) return true;
  if (referrers(input, arm.resource, ['azurerm_monitor_diagnostic_setting'], 'target_resource_id').length > 0) return true;
  return referrers(input, arm.resource, [AZAPI_RESOURCE], 'parent_id').some((r) => {
    const child = armResource(input, r);
    return child !== undefined && child.armType.toLowerCase() === 'microsoft.insights/diagnosticsettings';
  });
}

/** An example: an azapi_resource (or, with `update`, an azapi_update_resource) of `type` whose body holds `body`'s lines. */
function example(type: string, body: readonly string[], options: { update?: boolean } = {}): string {
  const head = options.update
    ? `resource "${AZAPI_UPDATE}" "this" {\n  type        = "${type}"\n  resource_id = var.resource_id\n`
    : `resource "${AZAPI_RESOURCE}" "this" {\n  type      = "${type}"\n  name      = "example"\n  parent_id = var.parent_id\n  location  = "westeurope"\n`;
  return `${head}  body = {\n${body.map((l) => `    ${l}`).join('\n')}\n  }\n}\n`;
}

/**
 * The examples of a row judged on one written setting: `lines` of the body with the setting's
 * value as `$`; the positive example writes `bad` there (expected), the negative `good`.
 */
function settingExamples(typeAt: string, lines: readonly string[], [bad, good]: readonly [string, string]): Judgment['examples'] {
  const at = lines.findIndex((line) => line.endsWith('= $'));
  const indent = /^\s*/.exec(lines[at]!)![0];
  const written = (value: string) => lines.map((line, i) => (i === at ? `${line.slice(0, -1)}${value}` : line));
  const positive = written(bad);
  positive.splice(at, 0, `${indent}# expect`);
  return { positive: [example(typeAt, positive)], negative: [example(typeAt, written(good))] };
}

/** The examples of a siteConfig setting: a site that sets it to the bad value (expected), and one that sets the good value. */
function siteConfigExamples(type: string, key: string, values: readonly [string, string], lead: readonly string[] = []): Judgment['examples'] {
  return settingExamples(`${type}@2023-12-01`, ['properties = {', ...lead, '  siteConfig = {', `    ${key} = $`, '  }', '}'], values);
}

/** An example: the configuration resource of a flexible server's parameter `name`, with this value (expected: its line). */
function parameterExample(type: string, name: string, value: string, expect = false): string {
  return example(`${type}@${type.includes('MySQL') ? '2023-12-30' : '2024-08-01'}`, ['properties = {', ...(expect ? ['  # expect'] : []), `  value  = ${value}`, '  source = "user-override"', '}']).replace('name      = "example"', `name      = "${name}"`);
}

/** The examples of disableLocalAuth on an account or namespace: false (expected), left out (expected, at low), true. */
function localAuthExamples(type: string): Judgment['examples'] {
  const [version, head] = type === COGNITIVE ? ['2024-10-01', ['kind = "OpenAI"', 'sku  = { name = "S0" }']] : ['2024-01-01', ['sku = { name = "Standard", tier = "Standard" }']];
  const resource = (lines: string[], expectOnProperties = false) => example(`${type}@${version}`, [...head, ...(expectOnProperties ? ['# expect'] : []), 'properties = {', ...lines, '}']);
  return {
    positive: [resource(['  # expect', '  disableLocalAuth = false']), resource(['  publicNetworkAccess = "Disabled"'], true)],
    negative: [resource(['  disableLocalAuth = true']), resource(['  disableLocalAuth = var.disable_local_auth']), example(`${type}@${version}`, ['properties = {', '  publicNetworkAccess = "Disabled"', '}'], { update: true })],
  };
}

const JUDGMENTS: readonly Judgment[] = [
  {
    rule: 'iac/tf-azure-storage-public-access-allowed',
    types: [STORAGE],
    path: ['properties', 'allowBlobPublicAccess'],
    bad: isOn,
    why: 'any container of it can be made public',
    // API versions before 2023-01-01 read a left-out value as true, 2023-01-01 and later as false.
    defaults: [
      ['', true],
      ['2023-01-01', false],
    ],
    // As for azurerm: not on file shares (no blobs), nor with public network access off.
    keepsDefault: (input, arm) => publicAccessOff(input, arm) || text(setValue(arm, ['kind']) ?? null) === 'filestorage',
    doc: 'an azapi_resource of type Microsoft.Storage/storageAccounts with properties.allowBlobPublicAccess = true, or left out with an API version before 2023-01-01, which reads it as true (later versions read it as false)',
    fix: 'properties.allowBlobPublicAccess = false',
    examples: {
      positive: [
        example(`${STORAGE}@2023-05-01`, ['kind = "StorageV2"', 'properties = {', '  # expect', '  allowBlobPublicAccess = true', '}']),
        example(`${STORAGE}@2022-09-01`, ['kind = "StorageV2"', '# expect', 'properties = {', '  minimumTlsVersion = "TLS1_2"', '}']),
        'resource "azapi_resource" "data" {\n  type      = "Microsoft.Storage/storageAccounts@2021-09-01"\n  name      = "exampledata"\n  parent_id = var.parent_id\n  # expect\n  body = jsonencode({\n    kind = "StorageV2"\n  })\n}\n',
      ],
      negative: [
        example(`${STORAGE}@2023-05-01`, ['kind = "StorageV2"', 'properties = {', '  minimumTlsVersion = "TLS1_2"', '}']),
        example(`${STORAGE}@2022-09-01`, ['kind = "StorageV2"', 'properties = {', '  allowBlobPublicAccess = false', '}']),
        example(`${STORAGE}@2022-09-01`, ['kind = "StorageV2"', 'properties = {', '  publicNetworkAccess = "Disabled"', '}']),
        'variable "allow_public" {\n  type = bool\n}\n\n' + example(`${STORAGE}@2023-05-01`, ['properties = {', '  allowBlobPublicAccess = var.allow_public', '}']),
        // An update patches what it sets; what it leaves out keeps its value.
        example(`${STORAGE}@2022-09-01`, ['properties = {', '  minimumTlsVersion = "TLS1_2"', '}'], { update: true }),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: [STORAGE],
    path: ['properties', 'minimumTlsVersion'],
    bad: weakTls,
    why: 'it accepts TLS versions below 1.2',
    // Left out: every API version reads it as TLS 1.0, but Azure Storage has refused TLS 1.0 and 1.1 on every account since February 2026.
    doc: 'an azapi_resource of type Microsoft.Storage/storageAccounts whose properties.minimumTlsVersion is below TLS1_2 (left out, the API reads it as TLS 1.0, but Azure Storage has refused TLS 1.0 and 1.1 on every account since February 2026: not reported)',
    fix: 'properties.minimumTlsVersion = "TLS1_2" (storage accounts)',
    examples: {
      positive: [example(`${STORAGE}@2023-05-01`, ['properties = {', '  # expect', '  minimumTlsVersion = "TLS1_0"', '}'])],
      negative: [
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  minimumTlsVersion = "TLS1_2"', '}']),
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  allowBlobPublicAccess = false', '}']),
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  allowBlobPublicAccess = false', '}'], { update: true }),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: SITES,
    path: ['properties', 'siteConfig', 'minTlsVersion'],
    config: ['"1.0"', '"1.2"'],
    bad: weakTls,
    why: 'it accepts TLS versions below 1.2',
    doc: 'an azapi_resource of type Microsoft.Web/sites (or sites/slots) whose properties.siteConfig.minTlsVersion or scmMinTlsVersion is below 1.2 (or, on a Microsoft.Web/sites/config resource named "web", the same property in its properties) (left out, the API applies 1.2)',
    fix: 'properties.siteConfig.minTlsVersion and scmMinTlsVersion = "1.2" (web apps)',
    examples: siteConfigExamples(SITES[0]!, 'minTlsVersion', ['"1.0"', '"1.2"'], ['  httpsOnly = true']),
  },
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: SITES,
    path: ['properties', 'siteConfig', 'scmMinTlsVersion'],
    config: ['"1.1"', '"1.2"'],
    bad: weakTls,
    why: 'its SCM (Kudu) site accepts TLS versions below 1.2',
    doc: '',
    examples: siteConfigExamples(SITES[1]!, 'scmMinTlsVersion', ['"1.1"', '"1.2"']),
  },
  {
    rule: 'iac/tf-azure-cleartext-allowed',
    types: [STORAGE],
    path: ['properties', 'supportsHttpsTrafficOnly'],
    bad: isOff,
    why: 'it accepts requests, keys and SAS tokens over plain HTTP',
    // "The default value is true since API version 2019-04-01."
    defaults: [
      ['', false],
      ['2019-04-01', true],
    ],
    doc: 'an azapi_resource of type Microsoft.Storage/storageAccounts with properties.supportsHttpsTrafficOnly = false, or left out with an API version before 2019-04-01, which reads it as false (low)',
    fix: 'properties.supportsHttpsTrafficOnly = true',
    examples: {
      positive: [
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  # expect', '  supportsHttpsTrafficOnly = false', '}']),
        example(`${STORAGE}@2018-11-01`, ['# expect', 'properties = {', '  minimumTlsVersion = "TLS1_2"', '}']),
      ],
      negative: [
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  minimumTlsVersion = "TLS1_2"', '}']),
        example(`${STORAGE}@2018-11-01`, ['properties = {', '  supportsHttpsTrafficOnly = true', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-storage-shared-key',
    types: [STORAGE],
    path: ['properties', 'allowSharedKeyAccess'],
    bad: isOn,
    why: 'its account keys, and SAS tokens signed with them, give full access to its data outside Entra ID',
    // "If not specified, the default value is null, which is equivalent to true."
    defaults: [['', true]],
    doc: 'an azapi_resource of type Microsoft.Storage/storageAccounts with properties.allowSharedKeyAccess = true, or left out (the API reads it as true; low)',
    fix: 'properties.allowSharedKeyAccess = false',
    examples: {
      positive: [
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  # expect', '  allowSharedKeyAccess = true', '}']),
        example(`${STORAGE}@2023-05-01`, ['# expect', 'properties = {', '  minimumTlsVersion = "TLS1_2"', '}']),
      ],
      negative: [example(`${STORAGE}@2023-05-01`, ['properties = {', '  allowSharedKeyAccess = false', '}'])],
    },
  },
  {
    rule: 'iac/tf-azure-network-default-allow',
    types: [STORAGE],
    path: ['properties', 'networkAcls', 'defaultAction'],
    bad: isAllow,
    why: 'it accepts traffic from every network',
    // Without networkAcls, every network is admitted.
    defaults: [['', 'Allow']],
    moot: publicAccessOff,
    openedBy: ['properties', 'publicNetworkAccess'],
    keepsDefault: (input, arm) => hasNetworkRulesResource(input, arm) || publicAccessUnknown(input, arm),
    doc: 'an azapi_resource of type Microsoft.Storage/storageAccounts or Microsoft.KeyVault/vaults whose properties.networkAcls.defaultAction is "Allow", or that has no networkAcls (low; medium when it sets properties.publicNetworkAccess = "Enabled"), unless properties.publicNetworkAccess is "Disabled"',
    fix: 'properties.networkAcls = { defaultAction = "Deny", ... } or properties.publicNetworkAccess = "Disabled"',
    examples: {
      positive: [
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  networkAcls = {', '    # expect', '    defaultAction = "Allow"', '  }', '}']),
        example(`${STORAGE}@2023-05-01`, ['# expect', 'properties = {', '  minimumTlsVersion = "TLS1_2"', '}']),
      ],
      negative: [
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  networkAcls = {', '    defaultAction = "Deny"', '    ipRules       = [{ value = "203.0.113.10" }]', '  }', '}']),
        example(`${STORAGE}@2023-05-01`, ['properties = {', '  publicNetworkAccess = "Disabled"', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-network-default-allow',
    types: [KEY_VAULT],
    path: ['properties', 'networkAcls', 'defaultAction'],
    bad: isAllow,
    why: 'it accepts traffic from every network',
    defaults: [['', 'Allow']],
    moot: publicAccessOff,
    openedBy: ['properties', 'publicNetworkAccess'],
    keepsDefault: publicAccessUnknown,
    doc: '',
    examples: {
      positive: [
        example(`${KEY_VAULT}@2023-07-01`, ['properties = {', '  tenantId = var.tenant_id', '  sku      = { family = "A", name = "standard" }', '  networkAcls = {', '    bypass        = "AzureServices"', '    # expect', '    defaultAction = "Allow"', '  }', '}']),
        example(`${KEY_VAULT}@2023-07-01`, ['# expect', 'properties = {', '  tenantId = var.tenant_id', '  sku      = { family = "A", name = "standard" }', '}']),
        example(`${KEY_VAULT}@2023-07-01`, ['properties = {', '  tenantId            = var.tenant_id', '  sku                 = { family = "A", name = "standard" }', '  # expect', '  publicNetworkAccess = "Enabled"', '}']),
      ],
      negative: [
        example(`${KEY_VAULT}@2023-07-01`, ['properties = {', '  tenantId            = var.tenant_id', '  sku                 = { family = "A", name = "standard" }', '  publicNetworkAccess = "disabled"', '}']),
        example(`${KEY_VAULT}@2023-07-01`, ['properties = {', '  tenantId    = var.tenant_id', '  sku         = { family = "A", name = "standard" }', '  networkAcls = { bypass = "AzureServices", defaultAction = "Deny" }', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-key-vault-no-purge-protection',
    types: [KEY_VAULT],
    path: ['properties', 'enablePurgeProtection'],
    bad: isOff,
    why: 'the vault and its keys can be deleted and purged at once',
    defaults: [['', false]],
    defaultSeverity: 'medium',
    doc: 'an azapi_resource of type Microsoft.KeyVault/vaults without properties.enablePurgeProtection = true, or with properties.enableSoftDelete = false',
    fix: 'properties.enablePurgeProtection = true (and leave enableSoftDelete on)',
    examples: {
      positive: [
        example(`${KEY_VAULT}@2023-07-01`, ['properties = {', '  tenantId              = var.tenant_id', '  sku                   = { family = "A", name = "standard" }', '  # expect', '  enablePurgeProtection = false', '}']),
        example(`${KEY_VAULT}@2023-07-01`, ['# expect', 'properties = {', '  tenantId = var.tenant_id', '  sku      = { family = "A", name = "standard" }', '}']),
      ],
      negative: [example(`${KEY_VAULT}@2023-07-01`, ['properties = {', '  tenantId              = var.tenant_id', '  sku                   = { family = "A", name = "standard" }', '  enablePurgeProtection = true', '}'])],
    },
  },
  {
    rule: 'iac/tf-azure-key-vault-no-purge-protection',
    types: [KEY_VAULT],
    path: ['properties', 'enableSoftDelete'],
    bad: isOff,
    why: 'deleted keys and secrets cannot be recovered',
    doc: '',
    examples: {
      positive: [
        example(`${KEY_VAULT}@2019-09-01`, ['properties = {', '  tenantId              = var.tenant_id', '  sku                   = { family = "A", name = "standard" }', '  enablePurgeProtection = true', '  # expect', '  enableSoftDelete      = false', '}']),
      ],
      negative: [
        example(`${KEY_VAULT}@2019-09-01`, ['properties = {', '  tenantId              = var.tenant_id', '  sku                   = { family = "A", name = "standard" }', '  enablePurgeProtection = true', '  enableSoftDelete      = true', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-storage-container-public',
    types: [CONTAINER],
    path: ['properties', 'publicAccess'],
    bad: (v) => text(v) === 'blob' || text(v) === 'container',
    why: 'anyone can read its blobs without credentials',
    reach: (input, arm, value) => containerReaders(containerAccountPrivate(input, [attribute(arm.resource.block, 'parent_id')?.expr]), text(value) === 'container' ? 'anyone can list and read its blobs' : 'anyone can read its blobs'),
    doc: 'an azapi_resource of type Microsoft.Storage/storageAccounts/blobServices/containers with properties.publicAccess = "Blob" or "Container" (low when its storage account has public network access off)',
    fix: 'properties.publicAccess = "None"',
    examples: settingExamples(`${CONTAINER}@2023-05-01`, ['properties = {', '  publicAccess = $', '}'], ['"Container"', '"None"']),
  },
  {
    rule: 'iac/tf-azure-app-service-http-allowed',
    types: SITES,
    path: ['properties', 'httpsOnly'],
    bad: isOff,
    why: 'it serves plain HTTP',
    defaults: [['', false]],
    defaultSeverity: 'medium',
    doc: 'an azapi_resource of type Microsoft.Web/sites (or sites/slots) with properties.httpsOnly = false or left out (the API reads it as false)',
    fix: 'properties.httpsOnly = true',
    examples: {
      positive: [
        example(`${SITES[0]}@2023-12-01`, ['kind = "app,linux"', 'properties = {', '  serverFarmId = var.plan_id', '  # expect', '  httpsOnly    = false', '}']),
        example(`${SITES[0]}@2023-12-01`, ['kind = "app,linux"', '# expect', 'properties = {', '  serverFarmId = var.plan_id', '}']),
      ],
      negative: [example(`${SITES[0]}@2023-12-01`, ['kind = "app,linux"', 'properties = {', '  serverFarmId = var.plan_id', '  httpsOnly    = true', '}'])],
    },
  },
  {
    rule: 'iac/tf-azure-app-service-ftp-allowed',
    types: SITES,
    path: ['properties', 'siteConfig', 'ftpsState'],
    config: ['"AllAllowed"', '"FtpsOnly"'],
    bad: (v) => text(v) === 'allallowed',
    why: 'deployment credentials can be sent over plain FTP',
    doc: 'an azapi_resource of type Microsoft.Web/sites (or sites/slots) with properties.siteConfig.ftpsState = "AllAllowed" (or, on a Microsoft.Web/sites/config resource named "web", the same property in its properties) (left out, it is not judged)',
    fix: 'properties.siteConfig.ftpsState = "Disabled"',
    examples: siteConfigExamples(SITES[0]!, 'ftpsState', ['"AllAllowed"', '"Disabled"'], ['  httpsOnly = true']),
  },
  {
    rule: 'iac/tf-azure-app-service-remote-debugging',
    types: SITES,
    path: ['properties', 'siteConfig', 'remoteDebuggingEnabled'],
    config: ['true', 'false'],
    bad: isOn,
    why: "the debugger's ports are open, and whoever signs in to them can read the app's memory and run code in it",
    doc: 'an azapi_resource of type Microsoft.Web/sites (or sites/slots) with properties.siteConfig.remoteDebuggingEnabled = true (or, on a Microsoft.Web/sites/config resource named "web", the same property in its properties)',
    fix: 'properties.siteConfig.remoteDebuggingEnabled = false',
    examples: siteConfigExamples(SITES[0]!, 'remoteDebuggingEnabled', ['true', 'false'], ['  httpsOnly = true']),
  },
  {
    rule: 'iac/tf-azure-aks-local-accounts',
    types: [AKS],
    path: ['properties', 'disableLocalAccounts'],
    bad: isOff,
    why: 'its admin kubeconfig holds a static cluster-admin certificate',
    defaults: [['', false]],
    // An AKS Automatic cluster (sku.name = "Automatic") comes with local accounts off and Entra ID sign-in: left out, it has none.
    keepsDefault: aksAutomaticOrUnknown,
    doc: 'an azapi_resource of type Microsoft.ContainerService/managedClusters with properties.disableLocalAccounts = false, or left out (the API keeps local accounts; low) on a cluster other than AKS Automatic (sku.name = "Automatic", which has none) or one whose SKU cannot be told before apply',
    fix: 'properties.disableLocalAccounts = true',
    examples: {
      positive: [
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix            = "aks"', '  # expect', '  disableLocalAccounts = false', '}']),
        example(`${AKS}@2024-05-01`, ['# expect', 'properties = {', '  dnsPrefix = "aks"', '}']),
      ],
      negative: [
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix            = "aks"', '  disableLocalAccounts = true', '  aadProfile           = { managed = true, enableAzureRBAC = true }', '}']),
        example(`${AKS}@2025-05-01`, ['sku = { name = "Automatic", tier = "Standard" }']),
        // A SKU given by a variable may be Automatic.
        example(`${AKS}@2025-05-01`, ['sku = { name = var.aks_sku, tier = "Standard" }']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-aks-rbac-disabled',
    types: [AKS],
    path: ['properties', 'enableRBAC'],
    bad: isOff,
    why: 'every authenticated user and service account has full control of the cluster',
    doc: 'an azapi_resource of type Microsoft.ContainerService/managedClusters with properties.enableRBAC = false (left out, the API turns RBAC on)',
    fix: 'properties.enableRBAC = true',
    examples: {
      positive: [example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix  = "aks"', '  # expect', '  enableRBAC = false', '}'])],
      negative: [example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix = "aks"', '}'])],
    },
  },
  {
    rule: 'iac/tf-azure-aks-no-network-policy',
    types: [AKS],
    path: ['properties', 'networkProfile', 'networkPolicy'],
    bad: (v) => text(v) === 'none' || text(v) === '',
    why: 'NetworkPolicies are ignored and every pod can reach every other pod',
    defaults: [['', 'none']],
    defaultSeverity: 'low',
    moot: aksPoliciesElsewhere,
    keepsDefault: aksAutomaticOrUnknown,
    doc: 'an azapi_resource of type Microsoft.ContainerService/managedClusters with properties.networkProfile.networkPolicy = "none", or left out (the API installs no policy engine), unless networkProfile.networkDataplane is "cilium" (Cilium enforces policies) or networkPlugin is "none" (the cluster brings its own CNI); an AKS Automatic cluster (sku.name = "Automatic") that leaves it out is not reported (it comes with Cilium)',
    fix: 'properties.networkProfile.networkPolicy = "azure" (or "calico", or networkDataplane = "cilium" with networkPolicy = "cilium")',
    examples: {
      positive: [
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix = "aks"', '  # expect', '  networkProfile = { networkPlugin = "azure" }', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix = "aks"', '  networkProfile = {', '    networkPlugin = "azure"', '    # expect', '    networkPolicy = "none"', '  }', '}']),
      ],
      negative: [
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix      = "aks"', '  networkProfile = { networkPlugin = "azure", networkPolicy = "calico" }', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix      = "aks"', '  networkProfile = { networkPlugin = "azure", networkPluginMode = "overlay", networkDataplane = "cilium" }', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix      = "aks"', '  networkProfile = { networkPlugin = "none" }', '}']),
        example(`${AKS}@2025-05-01`, ['sku = { name = "Automatic", tier = "Standard" }']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix      = "aks"', '  networkProfile = { networkPlugin = "azure", networkPolicy = var.network_policy }', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-aks-no-container-insights',
    types: [AKS],
    path: ['properties', 'addonProfiles', 'omsagent', 'enabled'],
    bad: isOff,
    why: 'container logs and cluster events are not collected',
    defaults: [['', false]],
    defaultSeverity: 'low',
    moot: aksMonitoredElsewhere,
    keepsDefault: aksAutomaticOrUnknown,
    doc: 'an azapi_resource of type Microsoft.ContainerService/managedClusters whose properties.addonProfiles.omsagent.enabled is false or left out, unless properties.azureMonitorProfile.containerInsights.enabled is true or a diagnostic setting of this configuration (azurerm_monitor_diagnostic_setting, or an azapi_resource of type Microsoft.Insights/diagnosticSettings) targets the cluster; an AKS Automatic cluster (sku.name = "Automatic") that leaves it out is not reported',
    fix: 'properties.addonProfiles.omsagent = { enabled = true, config = { logAnalyticsWorkspaceResourceID = ..., useAADAuth = "true" } } (or azureMonitorProfile.containerInsights.enabled = true)',
    examples: {
      positive: [
        example(`${AKS}@2024-05-01`, ['# expect', 'properties = {', '  dnsPrefix = "aks"', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix     = "aks"', '  addonProfiles = {', '    omsagent = {', '      # expect', '      enabled = false', '    }', '  }', '}']),
        // Managed Prometheus (metrics) alone collects no container logs.
        example(`${AKS}@2024-05-01`, ['# expect', 'properties = {', '  dnsPrefix           = "aks"', '  azureMonitorProfile = { metrics = { enabled = true } }', '}']),
      ],
      negative: [
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix     = "aks"', '  addonProfiles = {', '    omsagent = {', '      enabled = true', '      config  = { logAnalyticsWorkspaceResourceID = var.workspace_id }', '    }', '  }', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix           = "aks"', '  azureMonitorProfile = { containerInsights = { enabled = true, logAnalyticsWorkspaceResourceId = var.workspace_id } }', '}']),
        example(`${AKS}@2025-05-01`, ['sku = { name = "Automatic", tier = "Standard" }']),
        `${example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix = "aks"', '}'])}\nresource "azurerm_monitor_diagnostic_setting" "aks" {\n  name                       = "aks"\n  target_resource_id         = azapi_resource.this.id\n  log_analytics_workspace_id = var.workspace_id\n  enabled_log {\n    category = "kube-audit-admin"\n  }\n}\n`,
        `${example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix = "aks"', '}'])}\nresource "azapi_resource" "diagnostics" {\n  type      = "Microsoft.Insights/diagnosticSettings@2021-05-01-preview"\n  name      = "aks"\n  parent_id = azapi_resource.this.id\n  body = {\n    properties = {\n      workspaceId = var.workspace_id\n      logs        = [{ category = "kube-audit-admin", enabled = true }]\n    }\n  }\n}\n`,
      ],
    },
  },
  {
    rule: 'iac/tf-azure-acr-shared-access',
    types: [REGISTRY],
    path: ['properties', 'adminUserEnabled'],
    bad: isOn,
    why: 'one password grants push and pull',
    doc: 'an azapi_resource of type Microsoft.ContainerRegistry/registries with properties.adminUserEnabled = true or anonymousPullEnabled = true (both default to false)',
    fix: 'properties.adminUserEnabled = false and anonymousPullEnabled = false',
    examples: settingExamples(`${REGISTRY}@2023-07-01`, ['sku = { name = "Premium" }', 'properties = {', '  adminUserEnabled = $', '}'], ['true', 'false']),
  },
  {
    rule: 'iac/tf-azure-acr-shared-access',
    types: [REGISTRY],
    path: ['properties', 'anonymousPullEnabled'],
    bad: isOn,
    severity: 'high',
    why: 'anyone can pull its images without credentials',
    doc: '',
    examples: settingExamples(`${REGISTRY}@2023-07-01`, ['sku = { name = "Standard" }', 'properties = {', '  anonymousPullEnabled = $', '}'], ['true', 'false']),
  },
  {
    rule: 'iac/tf-azure-db-public-network-access',
    types: [SQL_SERVER],
    path: ['properties', 'publicNetworkAccess'],
    bad: (v) => text(v) === 'enabled',
    why: 'it has an endpoint on the internet',
    // As azurerm_mssql_server's default (true): the server has a public endpoint unless the request turns it off.
    defaults: [['', 'Enabled']],
    doc: 'an azapi_resource of type Microsoft.Sql/servers with properties.publicNetworkAccess = "Enabled", or left out (the server then has a public endpoint; low)',
    fix: 'properties.publicNetworkAccess = "Disabled" (SQL servers, Redis caches)',
    examples: {
      positive: [
        example(`${SQL_SERVER}@2023-08-01`, ['properties = {', '  administratorLogin  = "sqladmin"', '  # expect', '  publicNetworkAccess = "Enabled"', '}']),
        example(`${SQL_SERVER}@2023-08-01`, ['# expect', 'properties = {', '  administratorLogin = "sqladmin"', '}']),
      ],
      negative: [example(`${SQL_SERVER}@2023-08-01`, ['properties = {', '  administratorLogin  = "sqladmin"', '  publicNetworkAccess = "Disabled"', '}'])],
    },
  },
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: [SQL_SERVER],
    path: ['properties', 'minimalTlsVersion'],
    // "None" lets any version in.
    bad: (v) => weakTls(v) || text(v) === 'none',
    why: 'it accepts TLS versions below 1.2',
    doc: 'an azapi_resource of type Microsoft.Sql/servers whose properties.minimalTlsVersion is "1.0", "1.1" or "None"',
    fix: 'properties.minimalTlsVersion = "1.2" (SQL servers)',
    examples: settingExamples(`${SQL_SERVER}@2023-08-01`, ['properties = {', '  administratorLogin = "sqladmin"', '  minimalTlsVersion  = $', '}'], ['"1.0"', '"1.2"']),
  },
  {
    rule: 'iac/tf-azure-db-public-network-access',
    types: [COSMOS],
    path: ['properties', 'publicNetworkAccess'],
    bad: (v) => text(v) === 'enabled',
    why: 'it has an endpoint on the internet',
    // As azurerm_cosmosdb_account's default (true); versions without the property have a public endpoint too.
    defaults: [['', 'Enabled']],
    // Left out, reported as azurerm reports it: only when no ipRules and no virtual network filter guard the endpoint.
    keepsDefault: cosmosFiltered,
    doc: 'an azapi_resource of type Microsoft.DocumentDB/databaseAccounts with properties.publicNetworkAccess = "Enabled", or left out (the API reads it as "Enabled") with no properties.ipRules (ipRangeFilter before API version 2020-04-01) and isVirtualNetworkFilterEnabled not true (low)',
    fix: 'properties.publicNetworkAccess = "Disabled" (Cosmos DB; or list the clients in properties.ipRules, or set isVirtualNetworkFilterEnabled = true with virtualNetworkRules)',
    examples: {
      positive: [
        example(`${COSMOS}@2024-05-15`, ['kind = "GlobalDocumentDB"', 'properties = {', '  databaseAccountOfferType = "Standard"', '  # expect', '  publicNetworkAccess      = "Enabled"', '  ipRules                  = [{ ipAddressOrRange = "203.0.113.0/24" }]', '}']),
        example(`${COSMOS}@2024-05-15`, ['# expect', 'properties = {', '  databaseAccountOfferType = "Standard"', '  ipRules                  = []', '}']),
      ],
      negative: [
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  publicNetworkAccess      = "Disabled"', '}']),
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  ipRules                  = [{ ipAddressOrRange = "203.0.113.0/24" }]', '}']),
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType      = "Standard"', '  isVirtualNetworkFilterEnabled = true', '  virtualNetworkRules           = [{ id = var.subnet_id }]', '}']),
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  ipRules                  = var.ip_rules', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-local-auth-enabled',
    types: [COSMOS],
    path: ['properties', 'disableLocalAuth'],
    bad: isOff,
    why: 'its account keys (read and write of every database) work beside Entra ID, for anyone who holds one',
    // Keys are on unless the request turns them off (versions without the property cannot).
    defaults: [['', false]],
    // As for azurerm: the MongoDB, Cassandra, Table and Gremlin APIs cannot turn keys off.
    moot: cosmosKeysRequired,
    doc: 'an azapi_resource of type Microsoft.DocumentDB/databaseAccounts (NoSQL API: kind GlobalDocumentDB, the default, with no EnableMongo, EnableCassandra, EnableTable or EnableGremlin capability) with properties.disableLocalAuth = false, or left out (keys stay on; low)',
    examples: {
      positive: [
        example(`${COSMOS}@2024-05-15`, ['kind = "GlobalDocumentDB"', 'properties = {', '  databaseAccountOfferType = "Standard"', '  # expect', '  disableLocalAuth         = false', '}']),
        example(`${COSMOS}@2024-05-15`, ['# expect', 'properties = {', '  databaseAccountOfferType = "Standard"', '  capabilities             = [{ name = "EnableServerless" }]', '}']),
      ],
      negative: [
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  disableLocalAuth         = true', '}']),
        example(`${COSMOS}@2024-05-15`, ['kind = "MongoDB"', 'properties = {', '  databaseAccountOfferType = "Standard"', '}']),
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  capabilities             = [{ name = "EnableCassandra" }]', '  disableLocalAuth         = false', '}']),
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  disableLocalAuth = false', '}'], { update: true }),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: [COSMOS],
    path: ['properties', 'minimalTlsVersion'],
    bad: weakTls,
    why: 'it accepts TLS versions below 1.2',
    doc: 'an azapi_resource of type Microsoft.DocumentDB/databaseAccounts whose properties.minimalTlsVersion is "Tls" or "Tls11"',
    fix: 'properties.minimalTlsVersion = "Tls12" (Cosmos DB)',
    examples: settingExamples(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  minimalTlsVersion        = $', '}'], ['"Tls11"', '"Tls12"']),
  },
  {
    rule: 'iac/tf-azure-cleartext-allowed',
    types: [REDIS],
    path: ['properties', 'enableNonSslPort'],
    bad: isOn,
    why: 'clients can send the access key and data unencrypted on port 6379',
    doc: 'an azapi_resource of type Microsoft.Cache/redis with properties.enableNonSslPort = true (it defaults to false)',
    fix: 'properties.enableNonSslPort = false (Redis)',
    examples: {
      positive: [example(`${REDIS}@2024-03-01`, ['properties = {', '  sku              = { name = "Standard", family = "C", capacity = 1 }', '  # expect', '  enableNonSslPort = true', '}'])],
      negative: [
        example(`${REDIS}@2024-03-01`, ['properties = {', '  sku              = { name = "Standard", family = "C", capacity = 1 }', '  enableNonSslPort = false', '}']),
        example(`${REDIS}@2024-03-01`, ['properties = {', '  sku = { name = "Standard", family = "C", capacity = 1 }', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-redis-no-auth',
    types: [REDIS],
    path: ['properties', 'redisConfiguration', 'authnotrequired'],
    bad: isOn,
    why: 'any client that reaches the cache reads and writes every key without an access key',
    doc: 'an azapi_resource of type Microsoft.Cache/redis with properties.redisConfiguration.authnotrequired = "true" (authentication is required when it is left out)',
    fix: 'properties.redisConfiguration.authnotrequired = "false", or leave it out (Redis)',
    examples: settingExamples(`${REDIS}@2024-03-01`, ['properties = {', '  sku       = { name = "Premium", family = "P", capacity = 1 }', '  subnetId  = var.subnet_id', '  redisConfiguration = {', '    authnotrequired = $', '  }', '}'], ['"true"', '"false"']),
  },
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: [REDIS],
    path: ['properties', 'minimumTlsVersion'],
    bad: weakTls,
    why: 'it accepts TLS versions below 1.2',
    doc: 'an azapi_resource of type Microsoft.Cache/redis whose properties.minimumTlsVersion is "1.0" or "1.1"',
    fix: 'properties.minimumTlsVersion = "1.2" (Redis)',
    examples: settingExamples(`${REDIS}@2024-03-01`, ['properties = {', '  sku               = { name = "Standard", family = "C", capacity = 1 }', '  minimumTlsVersion = $', '}'], ['"1.0"', '"1.2"']),
  },
  {
    rule: 'iac/tf-azure-db-public-network-access',
    types: [REDIS],
    path: ['properties', 'publicNetworkAccess'],
    bad: (v) => text(v) === 'enabled',
    why: 'it has an endpoint on the internet',
    // As for azurerm_redis_cache: reported only when the body turns it on.
    doc: 'an azapi_resource of type Microsoft.Cache/redis with properties.publicNetworkAccess = "Enabled"',
    examples: {
      positive: [example(`${REDIS}@2024-03-01`, ['properties = {', '  sku                 = { name = "Premium", family = "P", capacity = 1 }', '  # expect', '  publicNetworkAccess = "Enabled"', '}'])],
      negative: [
        example(`${REDIS}@2024-03-01`, ['properties = {', '  sku                 = { name = "Premium", family = "P", capacity = 1 }', '  publicNetworkAccess = "Disabled"', '}']),
        example(`${REDIS}@2024-03-01`, ['properties = {', '  sku = { name = "Premium", family = "P", capacity = 1 }', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-db-public-network-access',
    types: FLEXIBLE_SERVERS,
    path: ['properties', 'network', 'publicNetworkAccess'],
    bad: (v) => text(v) === 'enabled',
    why: 'it has an endpoint on the internet',
    // Without a delegated subnet the server has a public endpoint unless the request turns it off (azurerm's default too).
    defaults: [['', 'Enabled']],
    // A server integrated into a virtual network has no public endpoint, whatever the flag says (azurerm: delegated_subnet_id).
    moot: flexibleInVnet,
    doc: 'an azapi_resource of type Microsoft.DBforPostgreSQL/flexibleServers or Microsoft.DBforMySQL/flexibleServers without properties.network.delegatedSubnetResourceId whose network.publicNetworkAccess is "Enabled", or left out (the server then has a public endpoint; low)',
    fix: 'properties.network.publicNetworkAccess = "Disabled", or properties.network.delegatedSubnetResourceId (PostgreSQL and MySQL flexible servers)',
    examples: {
      positive: [
        example(`${FLEXIBLE_SERVERS[0]}@2024-08-01`, ['properties = {', '  version = "16"', '  network = {', '    # expect', '    publicNetworkAccess = "Enabled"', '  }', '}']),
        example(`${FLEXIBLE_SERVERS[1]}@2023-12-30`, ['# expect', 'properties = {', '  version = "8.0.21"', '}']),
      ],
      negative: [
        example(`${FLEXIBLE_SERVERS[0]}@2024-08-01`, ['properties = {', '  version = "16"', '  network = {', '    publicNetworkAccess = "Disabled"', '  }', '}']),
        example(`${FLEXIBLE_SERVERS[1]}@2023-12-30`, ['properties = {', '  version = "8.0.21"', '  network = {', '    delegatedSubnetResourceId = var.subnet_id', '    privateDnsZoneResourceId  = var.private_dns_zone_id', '  }', '}']),
        example(`${FLEXIBLE_SERVERS[0]}@2024-08-01`, ['properties = {', '  version = "16"', '  network = var.network', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: SERVER_PARAMETERS,
    path: ['properties', 'value'],
    bad: weakProtocols,
    why: 'the server accepts TLS versions below 1.2',
    moot: (input, arm) => !['tls_version', 'ssl_min_protocol_version'].includes(text(nameOf(input, arm) ?? null) ?? ''),
    doc: 'an azapi_resource of type Microsoft.DBforMySQL/flexibleServers/configurations named tls_version, or Microsoft.DBforPostgreSQL/flexibleServers/configurations named ssl_min_protocol_version, whose properties.value names TLSv1 or TLSv1.1',
    fix: 'properties.value = "TLSv1.2" in the tls_version or ssl_min_protocol_version configuration (flexible servers)',
    examples: {
      positive: [parameterExample(SERVER_PARAMETERS[0]!, 'ssl_min_protocol_version', '"TLSv1"', true), parameterExample(SERVER_PARAMETERS[1]!, 'tls_version', '"TLSv1.1,TLSv1.2"', true)],
      negative: [parameterExample(SERVER_PARAMETERS[1]!, 'tls_version', '"TLSv1.2,TLSv1.3"'), parameterExample(SERVER_PARAMETERS[1]!, 'max_connections', '"TLSv1"')],
    },
  },
  {
    rule: 'iac/tf-azure-cleartext-allowed',
    types: SERVER_PARAMETERS,
    path: ['properties', 'value'],
    bad: (v) => isOff(v) || text(v) === 'off' || text(v) === '0',
    why: 'clients can connect, and send their passwords, unencrypted',
    moot: (input, arm) => text(nameOf(input, arm) ?? null) !== 'require_secure_transport',
    doc: 'an azapi_resource of type Microsoft.DBforMySQL/flexibleServers/configurations or Microsoft.DBforPostgreSQL/flexibleServers/configurations named require_secure_transport whose properties.value is "OFF"',
    fix: 'properties.value = "ON" in the require_secure_transport configuration (flexible servers)',
    examples: {
      positive: [parameterExample(SERVER_PARAMETERS[1]!, 'require_secure_transport', '"OFF"', true)],
      negative: [parameterExample(SERVER_PARAMETERS[1]!, 'require_secure_transport', '"ON"'), parameterExample(SERVER_PARAMETERS[0]!, 'log_connections', '"off"')],
    },
  },
  {
    rule: 'iac/tf-azure-network-default-allow',
    types: [COGNITIVE],
    path: ['properties', 'networkAcls', 'defaultAction'],
    bad: isAllow,
    why: 'it accepts traffic from every network',
    // Without networkAcls, every network is admitted; public network access is on unless the request turns it off.
    defaults: [['', 'Allow']],
    moot: publicAccessOff,
    openedBy: ['properties', 'publicNetworkAccess'],
    keepsDefault: publicAccessUnknown,
    doc: 'an azapi_resource of type Microsoft.CognitiveServices/accounts whose properties.networkAcls.defaultAction is "Allow", or that has no networkAcls (low; medium when it sets properties.publicNetworkAccess = "Enabled"), unless properties.publicNetworkAccess is "Disabled"',
    fix: 'properties.networkAcls = { defaultAction = "Deny", ... } (with properties.customSubDomainName) or properties.publicNetworkAccess = "Disabled" (Cognitive Services)',
    examples: {
      positive: [
        example(`${COGNITIVE}@2024-10-01`, ['kind = "OpenAI"', 'sku  = { name = "S0" }', 'properties = {', '  customSubDomainName = "chat"', '  networkAcls = {', '    # expect', '    defaultAction = "Allow"', '  }', '}']),
        example(`${COGNITIVE}@2024-10-01`, ['kind = "OpenAI"', 'sku  = { name = "S0" }', '# expect', 'properties = {', '  customSubDomainName = "chat"', '}']),
        example(`${COGNITIVE}@2024-10-01`, ['kind = "OpenAI"', 'sku  = { name = "S0" }', 'properties = {', '  customSubDomainName = "chat"', '  # expect', '  publicNetworkAccess = "Enabled"', '}']),
      ],
      negative: [
        example(`${COGNITIVE}@2024-10-01`, ['kind = "OpenAI"', 'sku  = { name = "S0" }', 'properties = {', '  customSubDomainName = "chat"', '  publicNetworkAccess = "Disabled"', '}']),
        example(`${COGNITIVE}@2024-10-01`, ['kind = "OpenAI"', 'sku  = { name = "S0" }', 'properties = {', '  customSubDomainName = "chat"', '  networkAcls         = { defaultAction = "Deny", ipRules = [{ value = "203.0.113.10" }] }', '}']),
        example(`${COGNITIVE}@2024-10-01`, ['kind = "OpenAI"', 'sku  = { name = "S0" }', 'properties = {', '  customSubDomainName = "chat"', '  networkAcls         = var.network_acls', '}']),
      ],
    },
  },
  ...[COGNITIVE, EVENT_HUBS, SERVICE_BUS].map(
    (type): Judgment => ({
      rule: 'iac/tf-azure-local-auth-enabled',
      types: [type],
      path: ['properties', 'disableLocalAuth'],
      bad: isOff,
      why: type === COGNITIVE ? 'its API keys work beside Entra ID, for anyone who holds one' : 'its SAS keys work beside Entra ID, for anyone who holds one',
      // Keys are on unless the request turns them off (versions without the property cannot).
      defaults: [['', false]],
      doc: type === COGNITIVE ? 'an azapi_resource of type Microsoft.CognitiveServices/accounts, Microsoft.EventHub/namespaces or Microsoft.ServiceBus/namespaces with properties.disableLocalAuth = false, or left out (keys stay on; low)' : '',
      ...(type === COGNITIVE ? { fix: 'properties.disableLocalAuth = true (Cosmos DB NoSQL accounts, Cognitive Services accounts, Event Hubs and Service Bus namespaces)' } : {}),
      examples: localAuthExamples(type),
    }),
  ),
  {
    rule: 'iac/tf-azure-tls-below-1-2',
    types: [EVENT_HUBS, SERVICE_BUS],
    path: ['properties', 'minimumTlsVersion'],
    bad: weakTls,
    why: 'it accepts TLS versions below 1.2',
    doc: 'an azapi_resource of type Microsoft.EventHub/namespaces or Microsoft.ServiceBus/namespaces whose properties.minimumTlsVersion is "1.0" or "1.1"',
    fix: 'properties.minimumTlsVersion = "1.2" (Event Hubs and Service Bus namespaces)',
    examples: {
      positive: [
        example(`${EVENT_HUBS}@2024-01-01`, ['sku = { name = "Standard", tier = "Standard" }', 'properties = {', '  # expect', '  minimumTlsVersion = "1.0"', '}']),
        example(`${SERVICE_BUS}@2022-10-01-preview`, ['sku = { name = "Standard", tier = "Standard" }', 'properties = {', '  # expect', '  minimumTlsVersion = "1.1"', '}']),
      ],
      negative: [
        example(`${EVENT_HUBS}@2024-01-01`, ['sku = { name = "Standard", tier = "Standard" }', 'properties = {', '  minimumTlsVersion = "1.2"', '}']),
        example(`${SERVICE_BUS}@2022-10-01-preview`, ['sku = { name = "Standard", tier = "Standard" }', 'properties = {', '  minimumTlsVersion = var.minimum_tls_version', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-network-default-allow',
    types: RULE_SETS,
    path: ['properties', 'defaultAction'],
    bad: isAllow,
    why: 'the namespace accepts traffic from every network',
    // Written values only: the namespace without a rule set is not read (its rules may be set elsewhere).
    moot: publicAccessOff,
    doc: 'an azapi_resource of type Microsoft.EventHub/namespaces/networkRuleSets or Microsoft.ServiceBus/namespaces/networkRuleSets whose properties.defaultAction is "Allow", unless its properties.publicNetworkAccess is "Disabled"',
    fix: 'properties.defaultAction = "Deny" in the namespace\'s networkRuleSets resource (Event Hubs and Service Bus)',
    examples: {
      positive: [example(`${RULE_SETS[0]}@2024-01-01`, ['properties = {', '  # expect', '  defaultAction = "Allow"', '  ipRules       = [{ ipMask = "203.0.113.0/24", action = "Allow" }]', '}']).replace('name      = "example"', 'name      = "default"')],
      negative: [
        example(`${RULE_SETS[1]}@2024-01-01`, ['properties = {', '  defaultAction = "Deny"', '  ipRules       = [{ ipMask = "203.0.113.0/24", action = "Allow" }]', '}']).replace('name      = "example"', 'name      = "default"'),
        example(`${RULE_SETS[0]}@2024-01-01`, ['properties = {', '  defaultAction       = "Allow"', '  publicNetworkAccess = "Disabled"', '}']).replace('name      = "example"', 'name      = "default"'),
      ],
    },
  },
];

/** The name of an azapi resource, when it can be read. */
function nameOf(input: TfInput, arm: ArmResource): Value | undefined {
  const name = attribute(arm.resource.block, 'name');
  return name ? valueIn(fileInstance(input), name.expr) : undefined;
}

/**
 * The siteConfig settings of JUDGMENTS, as a sites/config child resource named "web" holds
 * them (`properties.minTlsVersion`); a config of another name (appsettings,
 * connectionstrings) holds other things, and one whose name cannot be read is not judged.
 */
function siteConfigJudgments(judgments: readonly Judgment[]): Judgment[] {
  return judgments.flatMap((j): Judgment[] => {
    if (!j.config || j.path[1] !== 'siteConfig') return [];
    const key = j.path[2]!;
    const [bad, good] = j.config;
    const web = (value: string, expect: boolean) => example(`${SITE_CONFIGS[0]}@2023-12-01`, ['properties = {', ...(expect ? ['  # expect'] : []), `  ${key} = ${value}`, '}']).replace('name      = "example"', 'name      = "web"');
    return [
      {
        rule: j.rule,
        types: SITE_CONFIGS,
        path: ['properties', key],
        bad: j.bad,
        why: j.why,
        moot: (input, arm) => text(nameOf(input, arm) ?? null) !== 'web',
        doc: '',
        examples: { positive: [web(bad, true)], negative: [web(good, false), web(bad, false).replace('"web"', '"logs"')] },
      },
    ];
  });
}

const ALL_JUDGMENTS: readonly Judgment[] = [...JUDGMENTS, ...siteConfigJudgments(JUDGMENTS)];

/** What an API version reads a left-out property as, for messages. */
function readsAs(arm: ArmResource, value: Value): string {
  return `${arm.apiVersion ? `API version ${arm.apiVersion}` : 'the API'} reads it as ${JSON.stringify(value)} when left out`;
}

const hit = (arm: ArmResource, line: number, message: string, severity?: Severity): Hit => (severity ? { line, message, resource: label(arm.resource), severity } : { line, message, resource: label(arm.resource) });

/** Whether an azapi_update_resource of the module may set the property of this resource: its value is then the patch's, judged on the patch. */
const patched = (input: TfInput, arm: ArmResource, path: readonly string[]): boolean => patchesOf(input, arm).some((patch) => mayHold(patch, path));

/**
 * Whether a bad value the body sets is judged as the property left out: only a variable's
 * default gives it (armSetByDefaultOnly), and ARM's default for it, which a left-out
 * property is reported for, is as bad. Where the rule does not report the default, a value
 * the module's author wrote, in a variable's default too, keeps the rule's severity.
 */
function setByDefault(input: TfInput, j: Judgment, arm: ArmResource): boolean {
  if (!j.defaults || arm.update || j.openedBy || j.keepsDefault?.(input, arm)) return false;
  const fallback = armDefault(j.defaults, arm.apiVersion);
  return fallback !== undefined && fallback !== null && j.bad(fallback) && armSetByDefaultOnly(input, arm, j.path);
}

function* judge(input: TfInput, j: Judgment): Generator<Hit> {
  const name = j.path.join('.');
  for (const arm of armResources(input, j.types)) {
    if (j.moot?.(input, arm) || patched(input, arm, j.path)) continue;
    const found = armProperty(arm, j.path);
    const who = `${label(arm.resource)} (${armTypeText(arm)})`;
    if (found.state === 'set') {
      if (j.bad(found.value)) {
        const reach = j.reach?.(input, arm, found.value);
        yield hit(arm, found.line, `${who} sets ${name} = ${JSON.stringify(found.value)}: ${reach?.why ?? j.why}.`, setByDefault(input, j, arm) ? (j.defaultSeverity ?? 'low') : (reach?.severity ?? j.severity));
      }
      continue;
    }
    // An update leaves out what it does not change; a value that cannot be told is not judged.
    if (found.state !== 'absent' || arm.update || !j.defaults || j.keepsDefault?.(input, arm)) continue;
    const fallback = armDefault(j.defaults, arm.apiVersion);
    if (fallback === undefined || fallback === null || !j.bad(fallback)) continue;
    // The first object of the path the body does not have: `has no properties.networkAcls` says more than the setting in it.
    const missing = j.path.findIndex((_, i) => i < j.path.length - 1 && armProperty(arm, j.path.slice(0, i + 1)).state === 'absent');
    const what = missing >= 0 ? `has no ${j.path.slice(0, missing + 1).join('.')}, so no ${name}` : `does not set ${name}`;
    const flag = j.openedBy ? armProperty(arm, j.openedBy) : undefined;
    if (flag?.state === 'set' && (isOn(flag.value) || text(flag.value) === 'enabled')) {
      yield hit(arm, flag.line, `${who} sets ${j.openedBy!.join('.')} = ${JSON.stringify(flag.value)} and ${what} (${readsAs(arm, fallback)}): ${j.why}.`);
      continue;
    }
    yield hit(arm, found.line, `${who} ${what} (${readsAs(arm, fallback)}): ${j.why}.`, j.defaultSeverity ?? 'low');
  }
}

/** An authorized range that admits every address: 0.0.0.0/0, ::/0, or `*`. */
const isWorldRange = (cidr: string) => cidr.trim() === '*' || isWorld(cidr);

/** The API server of a managed cluster: private (apiServerAccessProfile.enablePrivateCluster), or restricted to authorizedIPRanges that do not admit every address. */
function* aksApiPublic(input: TfInput): Generator<Hit> {
  const profile = ['properties', 'apiServerAccessProfile'];
  for (const arm of armResources(input, [AKS])) {
    if (patched(input, arm, profile)) continue;
    const who = `${label(arm.resource)} (${armTypeText(arm)})`;
    const privateCluster = armProperty(arm, [...profile, 'enablePrivateCluster']);
    if (privateCluster.state === 'unknown' || (privateCluster.state === 'set' && isOn(privateCluster.value))) continue;
    const ranges = armProperty(arm, [...profile, 'authorizedIPRanges']);
    if (ranges.state === 'unknown') continue;
    if (ranges.state === 'set') {
      // A list with an element that cannot be told may hold anything.
      const list = Array.isArray(ranges.value) && ranges.value.every((v) => typeof v === 'string') ? asStrings(ranges.value) : undefined;
      if (list === undefined) continue;
      const world = list.find(isWorldRange);
      if (world !== undefined) yield hit(arm, ranges.line, `${who} authorizes ${world.trim()} to reach its API server.`);
      // An update's empty list may stand beside enablePrivateCluster the cluster keeps: only a range for everyone is sure.
      else if (list.length === 0 && !arm.update) yield hit(arm, ranges.line, `${who} lists no authorized IP ranges: its API server accepts connections from any address.`);
      continue;
    }
    // An update that sets neither leaves the cluster's; one that turns the private cluster off may leave its ranges.
    if (arm.update) continue;
    const line = privateCluster.state === 'set' ? privateCluster.line : ranges.line;
    yield hit(arm, line, `${who} is not a private cluster (apiServerAccessProfile.enablePrivateCluster) and sets no apiServerAccessProfile.authorizedIPRanges: its API server accepts connections from any address.`);
  }
}

/**
 * The entries of a Cosmos DB account's ipRules (`[{ ipAddressOrRange = "203.0.113.0/24" }]`;
 * before API version 2020-04-01 a comma-separated ipRangeFilter) that admit every address,
 * a public range larger than a /16, or 0.0.0.0 (every Azure data centre), as azurerm's
 * ip_range_filter is judged: each on its own line where the list is written out. With public
 * network access off they admit nobody until it is turned on (info).
 */
function* cosmosIpRules(input: TfInput): Generator<Hit> {
  const rules = ['properties', 'ipRules'];
  const filter = ['properties', 'ipRangeFilter'];
  for (const arm of armResources(input, [COSMOS])) {
    const who = `${label(arm.resource)} (${armTypeText(arm)})`;
    const closed = publicAccessOff(input, arm);
    const entries: Array<{ entry: string; line: number; where: string }> = [];
    if (!patched(input, arm, rules))
      for (const { value, line } of armElements(arm, rules) ?? []) {
        const range = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value).find(([k]) => k.toLowerCase() === 'ipaddressorrange')?.[1] : undefined;
        if (typeof range === 'string') entries.push({ entry: range.trim(), line, where: 'ipRules' });
      }
    const old = armProperty(arm, filter);
    if (old.state === 'set' && typeof old.value === 'string' && !patched(input, arm, filter))
      for (const entry of old.value.split(',')) if (entry.trim() !== '') entries.push({ entry: entry.trim(), line: old.line, where: 'ipRangeFilter' });
    for (const { entry, line, where } of entries) {
      const range = filterRange(entry);
      const verdict = range && rangeVerdict(range[0], range[1], `"${entry}" in its ${where}`, 'accept connections from within public Azure datacenters');
      if (!verdict) continue;
      const message = `${who} admits ${verdict.message}.`;
      if (closed) yield hit(arm, line, message.replace(/\.$/, '; it admits nobody while publicNetworkAccess is "Disabled", and would the day public access is turned on.'), 'info');
      else yield hit(arm, line, message, verdict.severity);
    }
  }
}

interface Coverage {
  rule: string;
  check: (input: TfInput) => Iterable<Hit>;
  doc: string;
  fix?: string;
  examples: { positive: string[]; negative: string[] };
}

const COVERAGE: readonly Coverage[] = [
  ...ALL_JUDGMENTS.map((j): Coverage => ({ rule: j.rule, check: (input) => judge(input, j), doc: j.doc, ...(j.fix ? { fix: j.fix } : {}), examples: j.examples })),
  {
    rule: 'iac/tf-azure-db-firewall-open',
    check: cosmosIpRules,
    doc: 'an entry of the properties.ipRules (ipRangeFilter before API version 2020-04-01) of an azapi_resource of type Microsoft.DocumentDB/databaseAccounts that admits every address, a public range larger than a /16, or 0.0.0.0 (low)',
    fix: 'properties.ipRules listing only your clients, without 0.0.0.0 (Cosmos DB)',
    examples: {
      positive: [
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  ipRules = [', '    { ipAddressOrRange = "203.0.113.7" },', '    # expect', '    { ipAddressOrRange = "0.0.0.0/0" },', '  ]', '}']),
        example(`${COSMOS}@2019-12-12`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  # expect', '  ipRangeFilter            = "203.0.113.7,40.0.0.0/8"', '}']),
      ],
      negative: [
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  ipRules                  = [{ ipAddressOrRange = "203.0.113.0/24" }, { ipAddressOrRange = "198.51.100.7" }]', '}']),
        example(`${COSMOS}@2024-05-15`, ['properties = {', '  databaseAccountOfferType = "Standard"', '  ipRules                  = [{ ipAddressOrRange = var.client_range }]', '}']),
      ],
    },
  },
  {
    rule: 'iac/tf-azure-aks-api-public',
    check: aksApiPublic,
    doc: 'an azapi_resource of type Microsoft.ContainerService/managedClusters whose properties.apiServerAccessProfile neither sets enablePrivateCluster = true nor lists authorizedIPRanges without 0.0.0.0/0',
    fix: 'properties.apiServerAccessProfile.enablePrivateCluster = true, or list your egress addresses in its authorizedIPRanges',
    examples: {
      positive: [
        example(`${AKS}@2024-05-01`, ['# expect', 'properties = {', '  dnsPrefix = "aks"', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix = "aks"', '  apiServerAccessProfile = {', '    # expect', '    authorizedIPRanges = ["0.0.0.0/0"]', '  }', '}']),
      ],
      negative: [
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix              = "aks"', '  apiServerAccessProfile = { enablePrivateCluster = true }', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix              = "aks"', '  apiServerAccessProfile = { authorizedIPRanges = ["203.0.113.0/24"] }', '}']),
        example(`${AKS}@2024-05-01`, ['properties = {', '  dnsPrefix              = "aks"', '  apiServerAccessProfile = var.api_server_access_profile', '}']),
      ],
    },
  },
];

/** The rule ids whose judgments are applied to azapi resources. */
export const AZAPI_COVERED: ReadonlySet<string> = new Set(COVERAGE.map((c) => c.rule));

/**
 * The rules with their judgments of azapi resources added: each covered rule also reads
 * the ARM properties of the same settings, its description says so, and its examples
 * include azapi ones (run by the generic examples test like the others).
 */
export function withAzapi(rules: readonly TfRule[]): TfRule[] {
  return rules.map((rule) => {
    const added = COVERAGE.filter((c) => c.rule === rule.id);
    if (added.length === 0) return rule;
    const docs = added.map((c) => c.doc).filter((d) => d !== '');
    const fixes = added.flatMap((c) => (c.fix ? [c.fix] : []));
    return {
      ...rule,
      remediation: `${rule.remediation} With the azapi provider, set in the resource's body: ${fixes.join('; ')}.`,
      description: `${rule.description} With the azapi provider: ${docs.join('; ')}. A property that only a variable's default gives (a module's variable that no caller or definitions file sets) is judged as left out where the property left out is reported. An azapi_update_resource is judged on what it sets, never on what it leaves out.`,
      examples: { ...rule.examples, positive: [...rule.examples.positive, ...added.flatMap((c) => c.examples.positive)], negative: [...rule.examples.negative, ...added.flatMap((c) => c.examples.negative)] },
      *check(input: TfInput) {
        yield* rule.check(input);
        // Only files with azapi resources: the others pay nothing.
        if (!input.resources.some((r) => r.type === AZAPI_RESOURCE || r.type === AZAPI_UPDATE)) return;
        yield* namingInstances(input, added.flatMap((c) => [...c.check(input)]));
      },
    };
  });
}

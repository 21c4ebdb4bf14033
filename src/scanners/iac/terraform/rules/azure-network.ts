import { bounds, isBroadPublic, isVeryBroad, isWidePrivate, isWorld, parseAddress, parseCidr, publicAddressCount, type Address } from '../../cidr.js';
import { sensitivePortsInRange } from '../../ports.js';
import type { Value } from '../hcl/evaluate.js';
import { asStrings, attribute, label, mentioned, resourcesOf, textOf, type TfInput, type TfResource } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { finding, holds, isOff, isOn, noPublicEndpoint, publicAccessOff, sectionAt, sectionsAt, setting, text, unreadable } from './azure-common.js';
import { groupExposures, listPorts, type Exposure } from './exposure.js';
import { privateServerSubnets } from './azure-private-subnets.js';
import { blocksMade, fieldsOf, fileInstance, sectionsIn, valueIn, type Fields } from './instances.js';

/** Azure's names for every address: `*`, `Any` and the `Internet` service tag. */
const ANY_SOURCE = /^(?:\*|any|internet)$/i;
/** The `AzureCloud` service tag (or one region of it): the public addresses of every Azure data centre. */
const AZURE_CLOUD = /^azurecloud(?:\.[\w-]+)?$/i;

/** A source that is the whole internet: `*`, `Any`, the `Internet` service tag, 0.0.0.0/0 or ::/0. */
const isAnySource = (source: string) => ANY_SOURCE.test(source.trim()) || isWorld(source);

/**
 * Public space wider than a /16 (IPv6: /32), in which anyone can rent an address, and
 * the `AzureCloud` service tag, which any Azure customer's virtual machine can send from.
 */
const isBroadPublicSource = (source: string) => AZURE_CLOUD.test(source.trim()) || isBroadPublic(source);

/** A /8 or wider (IPv6: /16), or the `AzureCloud` tag: a sizeable share of the internet. */
const isVeryBroadSource = (source: string) => AZURE_CLOUD.test(source.trim()) || isVeryBroad(source);

interface NsgRule {
  resource: TfResource;
  /** The line of the source setting that holds a source `accept` picked (convention 3). */
  line: number;
  matched: string[];
  /** Every source of the rule, picked or not. */
  sources: string[];
  ports: Array<[number, number]>;
  transport: 'tcp' | 'udp' | 'all';
}

/** Port specifications: `22`, `8000-8100`, `*`, and comma-separated lists of them. Undefined when one cannot be read. */
function portRanges(values: Value[]): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  for (const value of values) {
    const spec = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
    if (spec === undefined) return undefined;
    for (const part of spec.split(',').map((p) => p.trim())) {
      if (part === '*') out.push([0, 65535]);
      const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
      if (m) out.push([Number(m[1]), Number(m[2] ?? m[1])].sort((a, b) => a - b) as [number, number]);
    }
  }
  return out;
}

/**
 * Every inbound Allow rule of network security groups (`azurerm_network_security_rule`,
 * and the `security_rule` blocks, dynamic blocks and attribute form of
 * `azurerm_network_security_group`) with a TCP or UDP port and a source `accept` picks,
 * read once per instance of a resource with for_each or count and once per element of
 * a dynamic block.
 */
function* inboundRules(input: TfInput, accept: (source: string) => boolean): Generator<NsgRule> {
  const read = (resource: TfResource, fields: Fields): NsgRule | undefined => {
    if (text(fields.get('access') ?? null) !== 'allow' || text(fields.get('direction') ?? null) !== 'inbound') return undefined;
    const protocol = text(fields.get('protocol') ?? null);
    const transport = protocol === '*' || protocol === 'any' ? 'all' : protocol === 'tcp' || protocol === 'udp' ? protocol : undefined;
    if (!transport) return undefined;
    const sources: string[] = [];
    const matched: string[] = [];
    let line = 0;
    for (const key of ['source_address_prefix', 'source_address_prefixes']) {
      const given = asStrings(fields.get(key)) ?? [];
      sources.push(...given);
      const picked = given.filter(accept);
      if (picked.length > 0 && matched.length === 0) line = fields.lineOf(key);
      matched.push(...picked);
    }
    if (matched.length === 0) return undefined;
    const portValues: Value[] = [];
    for (const key of ['destination_port_range', 'destination_port_ranges']) {
      const v = fields.get(key);
      if (Array.isArray(v)) portValues.push(...v);
      else if (v !== undefined && v !== null) portValues.push(v);
    }
    const ports = portRanges(portValues.filter((v) => known(v)));
    if (!ports || ports.length === 0) return undefined;
    return { resource, line, matched, sources, ports, transport };
  };
  const file = fileInstance(input);
  // Each instance of a resource with for_each or count comes from resourcesOf.
  for (const resource of resourcesOf(input, 'azurerm_network_security_rule')) {
    const rule = read(resource, fieldsOf(resource.block, file));
    if (rule) yield rule;
  }
  for (const resource of resourcesOf(input, 'azurerm_network_security_group')) {
    for (const section of sectionsIn(resource.block, 'security_rule', file)) {
      const rule = read(resource, section);
      if (rule) yield rule;
    }
  }
}

/**
 * Inbound rules that open every port or a catalogue port to a source `accept` picks,
 * one per resource and source line (exposure.ts). `skip` leaves out a rule by all its
 * sources (one another rule reports for a wider source).
 */
function exposures(input: TfInput, accept: (source: string) => boolean, skip: (rule: NsgRule) => boolean = () => false): Exposure[] {
  return groupExposures(
    (function* () {
      for (const rule of inboundRules(input, accept)) {
        if (skip(rule)) continue;
        const all = rule.ports.some(([from, to]) => from <= 1 && to >= 65535);
        const transport = rule.transport === 'all' ? undefined : rule.transport;
        // A TCP-only rule opens the TCP side of a service the catalogue lists for both: the message names that side only.
        const services = all ? [] : rule.ports.flatMap(([from, to]) => sensitivePortsInRange(from, to, transport));
        yield { resource: rule.resource, line: rule.line, matched: rule.matched, all, services };
      }
    })(),
  );
}

/** What the message says of a group that guards only subnets of private flexible servers (privateServerSubnets). */
const guardsOnly = (subnets: ReadonlyArray<{ subnet: string; service: string }>): string =>
  `the group guards only ${subnets.map((s) => `${s.subnet} (delegated to ${s.service})`).join(', ')}, whose servers have no public endpoint`;

/** An example rule resource; `expect` marks its source line as the finding's. */
const ruleExample = (name: string, ports: string, source: string, { protocol = 'Tcp', expect = false, access = 'Allow', direction = 'Inbound' } = {}) =>
  `resource "azurerm_network_security_rule" "${name}" {\n  name                        = "${name}"\n  priority                    = 100\n  direction                   = "${direction}"\n  access                      = "${access}"\n  protocol                    = "${protocol}"\n  source_port_range           = "*"\n  destination_port_range      = "${ports}"\n${expect ? '  # expect\n' : ''}  source_address_prefix       = "${source}"\n  destination_address_prefix  = "*"\n  resource_group_name         = azurerm_resource_group.net.name\n  network_security_group_name = azurerm_network_security_group.app.name\n}\n`;

const nsgOpenToInternet: TfRule = tfRule({
  id: 'iac/tf-azure-nsg-open-to-internet',
  title: 'Sensitive port open to the internet (network security group)',
  description:
    'A network security group rule allows inbound traffic from anywhere (`*`, `Any`, the `Internet` service tag, 0.0.0.0/0, ::/0) on every port, or on the port of a service that must not be public: SSH, RDP, Telnet, FTP, SMB, WinRM-era Windows services, a database, a cache, the Docker or Kubernetes API (see the port catalogue). Such ports are scanned and brute-forced within minutes of exposure; RDP and SSH exposed this way are a leading cause of ransomware on Azure virtual machines. Rules are read from azurerm_network_security_rule resources and from the `security_rule` blocks (including dynamic blocks) of azurerm_network_security_group. A group that the module shows to guard only subnets delegated to PostgreSQL or MySQL flexible servers (every resource naming it is one of its rules, a flow log, or a subnet association of such a subnet of the module) is reported at low severity: servers integrated into a virtual network have no public endpoint and the delegated subnet holds nothing else, so only networks routed to the virtual network can connect.',
  remediation:
    'Restrict source_address_prefix(es) to known addresses (a VPN or office egress range) or an application security group, and reach administrative ports through Azure Bastion or just-in-time VM access instead of opening them.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      ruleExample('rdp', '3389', 'Internet', { expect: true }),
      ruleExample('ssh', '20-23', '*', { expect: true, protocol: '*' }),
      ruleExample('everything', '*', '0.0.0.0/0', { expect: true }),
      ruleExample('everything-v6', '*', '::/0', { expect: true }),
      'resource "azurerm_network_security_group" "db" {\n  name                = "db"\n  location            = "westeurope"\n  resource_group_name = "net"\n\n  security_rule {\n    name                       = "postgres"\n    priority                   = 110\n    direction                  = "Inbound"\n    access                     = "Allow"\n    protocol                   = "Tcp"\n    source_port_range          = "*"\n    destination_port_ranges    = ["443", "5432"]\n    # expect\n    source_address_prefixes    = ["203.0.113.0/24", "*"]\n    destination_address_prefix = "*"\n  }\n}\n',
      'variable "admin_ports" {\n  default = ["22", "3389"]\n}\n\nresource "azurerm_network_security_group" "admin" {\n  name                = "admin"\n  location            = "westeurope"\n  resource_group_name = "net"\n\n  dynamic "security_rule" {\n    for_each = var.admin_ports\n    content {\n      name                       = "admin-${security_rule.value}"\n      priority                   = 100 + security_rule.key\n      direction                  = "Inbound"\n      access                     = "Allow"\n      protocol                   = "Tcp"\n      source_port_range          = "*"\n      destination_port_range     = security_rule.value\n      # expect\n      source_address_prefix      = "Internet"\n      destination_address_prefix = "*"\n    }\n  }\n}\n',
    ],
    negative: [
      ruleExample('https', '443', '*'),
      ruleExample('ssh-office', '22', '203.0.113.0/24'),
      ruleExample('deny-rdp', '3389', '*', { access: 'Deny' }),
      ruleExample('out', '22', '*', { direction: 'Outbound' }),
      ruleExample('ping', '*', '*', { protocol: 'Icmp' }),
      ruleExample('lb', '22', 'AzureLoadBalancer'),
    ],
  },
  *check(input) {
    for (const { resource, line, all, sources, services } of exposures(input, isAnySource)) {
      const source = sources.join(', ');
      // A group in front of private flexible servers only: the internet reaches no address behind it.
      const subnets = privateServerSubnets(input, resource);
      const behind = subnets ? `; ${guardsOnly(subnets)}, so only networks routed to the virtual network can connect` : '';
      if (all) {
        yield finding(resource, line, `${label(resource)} allows inbound traffic on every port from ${source}${behind}.`, subnets ? 'low' : 'critical');
        continue;
      }
      const worst = services.some((s) => s.severity === 'critical') ? 'critical' : 'high';
      yield finding(resource, line, `${label(resource)} opens ${listPorts(services)} to ${source}${behind}.`, subnets ? 'low' : worst);
    }
  },
});

const nsgWidePrivate: TfRule = tfRule({
  id: 'iac/tf-azure-nsg-sensitive-port-wide-private',
  title: 'Sensitive port open to a whole private network (network security group)',
  description:
    'A network security group rule opens every port, or the port of a service that only its clients should reach (SSH, RDP, a database, a cache: see the port catalogue), to a private range wider than /16 (10.0.0.0/8, 172.16.0.0/12, 100.64.0.0/10), or IPv6 unique local space wider than /48. Such a range takes in every peered virtual network, VPN and ExpressRoute site numbered inside it, so one compromised laptop or workload anywhere on the corporate network can reach the service and move laterally. Rules that also admit the internet or a broad public range are left to the rules for those.',
  remediation: "Allow the virtual network's or the subnet's own range, or better an application security group of the clients, and reach administrative ports through Azure Bastion.",
  severity: 'low',
  cwe: ['CWE-284'],
  examples: {
    positive: [ruleExample('ssh', '22', '10.0.0.0/8', { expect: true }), ruleExample('sql', '1433', '172.16.0.0/12', { expect: true }), ruleExample('ula', '22', 'fd00::/8', { expect: true })],
    negative: [ruleExample('ssh', '22', '10.20.0.0/16'), ruleExample('web', '443', '10.0.0.0/8'), ruleExample('both', '22', '0.0.0.0/0')],
  },
  *check(input) {
    const wider = (rule: NsgRule) => rule.sources.some((s) => isAnySource(s) || isBroadPublicSource(s));
    for (const { resource, line, all, sources, services } of exposures(input, isWidePrivate, wider)) {
      const what = all ? 'allows inbound traffic on every port from' : `opens ${listPorts(services)} to`;
      yield finding(resource, line, `${label(resource)} ${what} ${sources.join(', ')}, a private range wider than /16 (/48 in IPv6): every host of the networks numbered in it can connect.`);
    }
  },
});

const nsgBroadPublic: TfRule = tfRule({
  id: 'iac/tf-azure-nsg-sensitive-port-broad-public',
  title: 'Sensitive port open to a broad public range (network security group)',
  description:
    "A network security group rule opens every port, or the port of a service that must not be public (SSH, RDP, a database, a cache: see the port catalogue), to a public range that is not the whole internet but is wider than /16 (/32 in IPv6), or to the `AzureCloud` service tag. `AzureCloud` is every public address of Azure's data centres: any Azure customer can create a virtual machine there and connect. Anyone can rent an address in such ranges, so the service is as exposed as if it were open to 0.0.0.0/0, and checks for 0.0.0.0/0 do not see it. A group that the module shows to guard only subnets delegated to PostgreSQL or MySQL flexible servers (as iac/tf-azure-nsg-open-to-internet judges it) is reported at info: those servers have no public endpoint.",
  remediation: 'Allow only the addresses that need the service (your office or VPN egress addresses, a /32 per host) or an application security group, and reach administrative ports through Azure Bastion.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [ruleExample('ssh', '22', 'AzureCloud', { expect: true }), ruleExample('mongo', '27017', '40.64.0.0/10', { expect: true }), ruleExample('split', '3389', '0.0.0.0/1', { expect: true }), ruleExample('v6', '5432', '2a00::/12', { expect: true })],
    negative: [ruleExample('office', '22', '203.0.113.0/24'), ruleExample('web', '443', 'AzureCloud'), ruleExample('private', '22', '10.0.0.0/8'), ruleExample('world', '22', '*')],
  },
  *check(input) {
    const wider = (rule: NsgRule) => rule.sources.some(isAnySource);
    for (const { resource, line, all, sources, services } of exposures(input, isBroadPublicSource, wider)) {
      const what = all ? 'allows inbound traffic on every port from' : `opens ${listPorts(services)} to`;
      // In front of private flexible servers only: no public address reaches them.
      const subnets = privateServerSubnets(input, resource);
      if (subnets) {
        yield finding(resource, line, `${label(resource)} ${what} ${sources.join(', ')}, public address space; ${guardsOnly(subnets)}, so no public address reaches them.`, 'info');
        continue;
      }
      const severity = sources.some(isVeryBroadSource) ? 'high' : 'medium';
      yield finding(resource, line, `${label(resource)} ${what} ${sources.join(', ')}: public address space in which anyone can rent an address.`, severity);
    }
  },
});

/** Firewall rules of the data services: the names of their first and last address, the attribute naming their server and its type. */
const FIREWALL_RULES: ReadonlyArray<[string, string, string, string, string]> = [
  ['azurerm_sql_firewall_rule', 'start_ip_address', 'end_ip_address', 'server_name', 'azurerm_sql_server'],
  ['azurerm_mssql_firewall_rule', 'start_ip_address', 'end_ip_address', 'server_id', 'azurerm_mssql_server'],
  ['azurerm_postgresql_firewall_rule', 'start_ip_address', 'end_ip_address', 'server_name', 'azurerm_postgresql_server'],
  ['azurerm_postgresql_flexible_server_firewall_rule', 'start_ip_address', 'end_ip_address', 'server_id', 'azurerm_postgresql_flexible_server'],
  ['azurerm_mysql_firewall_rule', 'start_ip_address', 'end_ip_address', 'server_name', 'azurerm_mysql_server'],
  ['azurerm_mysql_flexible_server_firewall_rule', 'start_ip_address', 'end_ip_address', 'server_name', 'azurerm_mysql_flexible_server'],
  ['azurerm_mariadb_firewall_rule', 'start_ip_address', 'end_ip_address', 'server_name', 'azurerm_mariadb_server'],
  ['azurerm_synapse_firewall_rule', 'start_ip_address', 'end_ip_address', 'synapse_workspace_id', 'azurerm_synapse_workspace'],
  ['azurerm_redis_firewall_rule', 'start_ip', 'end_ip', 'redis_cache_name', 'azurerm_redis_cache'],
];

/** The server a firewall rule belongs to, when the rule names one of the module's and no instance of it has a public endpoint. */
function closedServer(input: TfInput, rule: TfResource, serverAttribute: string, serverType: string): TfResource | undefined {
  const servers = mentioned(input, attribute(rule.block, serverAttribute)?.expr).filter((r) => r.type === serverType);
  return servers.length > 0 && servers.every((server) => noPublicEndpoint(input, server)) ? servers[0] : undefined;
}

/** More public addresses than a /16 holds. */
const BROAD = 2n ** 16n;

type RangeSeverity = 'critical' | 'high' | 'medium' | 'low';

/**
 * What admitting the addresses from `from` to `to` opens, said after "admits <shown>", and
 * how badly: every address (critical), more public addresses than a /16 (high from a /8 on,
 * else medium), or the zero address alone, which the data services read as "every Azure
 * data centre" (low; `azure` says how the service names it). Undefined for a narrower range.
 */
export function rangeVerdict(from: Address, to: Address, shown: string, azure: string): { message: string; severity: RangeSeverity } | undefined {
  const [low, high] = from.value <= to.value ? [from.value, to.value] : [to.value, from.value];
  if (low === 0n && high === 0n) return { message: `${shown}, which Azure reads as "${azure}": resources of every Azure customer can connect`, severity: 'low' };
  if (low === 0n && high === 2n ** 32n - 1n) return { message: `every address (${shown})`, severity: 'critical' };
  const open = publicAddressCount(from, to)!;
  if (open <= BROAD) return undefined;
  return { message: `${shown}: ${open.toLocaleString('en-US')} public addresses, more than a /16`, severity: open >= 2n ** 24n ? 'high' : 'medium' };
}

/** The first and last address of an ip_range_filter entry of a Cosmos DB account (`203.0.113.7` or `203.0.113.0/24`), IPv4 only as the service takes them. */
export function filterRange(entry: string): [Address, Address] | undefined {
  const single = parseAddress(entry);
  if (single) return single.v6 ? undefined : [single, single];
  const network = parseCidr(entry);
  if (!network || network.v6) return undefined;
  const [first, last] = bounds(network);
  return [{ v6: false, value: first }, { v6: false, value: last }];
}

/**
 * The entries of a Cosmos DB account's ip_range_filter with the line each is reported on:
 * a list written out, each entry on its own line (convention 5); a comma-separated string
 * (before azurerm 4) or a list read from elsewhere, on the setting. Entries that cannot be read are left out.
 */
function filterEntries(input: TfInput, resource: TfResource): Array<{ entry: string; line: number }> {
  const filter = attribute(resource.block, 'ip_range_filter');
  if (!filter) return [];
  const file = fileInstance(input);
  const split = (value: Value) => (typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []).map((e) => e.trim()).filter((e) => e !== '');
  if (filter.expr.kind === 'tuple') return filter.expr.items.flatMap((item) => split(valueIn(file, item)).map((entry) => ({ entry, line: item.line })));
  return split(valueIn(file, filter.expr)).map((entry) => ({ entry, line: filter.line }));
}

const firewallRange: TfRule = tfRule({
  id: 'iac/tf-azure-db-firewall-open',
  title: 'Database or cache firewall admits the internet or a broad range',
  description:
    'A firewall rule of an Azure SQL, PostgreSQL, MySQL, MariaDB, Synapse or Redis server, or an entry of a Cosmos DB account\'s ip_range_filter, admits every address (0.0.0.0 to 255.255.255.255, 0.0.0.0/0) or a public range larger than a /16, so anyone on the internet (or anyone who rents an address in that range) can reach the login endpoint and try stolen or guessed credentials or keys. The special rule 0.0.0.0 to 0.0.0.0 ("Allow Azure services"), and the 0.0.0.0 entry of ip_range_filter ("Accept connections from within public Azure datacenters"), are reported at low severity: they admit connections from every Azure customer\'s resources, not only your own. A rule of a server of the module that has no public endpoint in any instance (public access turned off, or a flexible server with virtual network integration), or an entry of an account with public network access turned off, admits nobody until public access is turned on, and is reported at info.',
  remediation: 'Admit only the addresses of the clients that need the server (a /32 per host), connect through a private endpoint or virtual network rule, and remove the 0.0.0.0 "Azure services" rule (the 0.0.0.0 entry of a Cosmos DB ip_range_filter).',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "azurerm_mssql_firewall_rule" "all" {\n  name             = "all"\n  server_id        = azurerm_mssql_server.db.id\n  # expect\n  start_ip_address = "0.0.0.0"\n  end_ip_address   = "255.255.255.255"\n}\n',
      'resource "azurerm_redis_firewall_rule" "wide" {\n  name                = "wide"\n  redis_cache_name    = azurerm_redis_cache.cache.name\n  resource_group_name = "data"\n  # expect\n  start_ip            = "20.0.0.0"\n  end_ip              = "20.63.255.255"\n}\n',
      'resource "azurerm_postgresql_flexible_server_firewall_rule" "azure" {\n  name             = "azure-services"\n  server_id        = azurerm_postgresql_flexible_server.db.id\n  # expect\n  start_ip_address = "0.0.0.0"\n  end_ip_address   = "0.0.0.0"\n}\n',
      // Cosmos DB's own firewall: "0.0.0.0" is every Azure data centre, each entry reported on its line.
      'resource "azurerm_cosmosdb_account" "db" {\n  name       = "orders"\n  offer_type = "Standard"\n  ip_range_filter = [\n    # expect\n    "0.0.0.0",\n    "203.0.113.10",\n    # expect\n    "40.0.0.0/8",\n  ]\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name            = "orders"\n  offer_type      = "Standard"\n  # expect\n  ip_range_filter = "203.0.113.10,0.0.0.0/0"\n}\n',
    ],
    negative: [
      'resource "azurerm_mssql_firewall_rule" "office" {\n  name             = "office"\n  server_id        = azurerm_mssql_server.db.id\n  start_ip_address = "203.0.113.0"\n  end_ip_address   = "203.0.113.255"\n}\n',
      'resource "azurerm_mysql_firewall_rule" "vnet" {\n  name                = "vnet"\n  server_name         = azurerm_mysql_server.db.name\n  resource_group_name = "data"\n  start_ip_address    = "10.0.0.0"\n  end_ip_address      = "10.255.255.255"\n}\n',
      'resource "azurerm_cosmosdb_account" "db" {\n  name            = "orders"\n  offer_type      = "Standard"\n  ip_range_filter = ["203.0.113.0/24", "198.51.100.7"]\n}\n',
    ],
  },
  *check(input) {
    for (const [type, startName, endName, serverAttribute, serverType] of FIREWALL_RULES) {
      for (const resource of resourcesOf(input, type)) {
        const start = attribute(resource.block, startName);
        if (!start) continue;
        const fields = fieldsOf(resource.block, fileInstance(input));
        const [first, last] = [fields.get(startName), fields.get(endName)];
        if (typeof first !== 'string' || typeof last !== 'string') continue;
        const [from, to] = [parseAddress(first), parseAddress(last)];
        // The data services' firewalls take IPv4 addresses only.
        if (!from || !to || from.v6 || to.v6) continue;
        const verdict = rangeVerdict(from, to, `${first} to ${last}`, 'allow all Azure services');
        if (!verdict) continue;
        const message = `${label(resource)} admits ${verdict.message}.`;
        const closed = closedServer(input, resource, serverAttribute, serverType);
        if (closed) {
          // Azure applies no firewall rule while the server has no public endpoint; the rule waits for the day public access is turned on.
          yield finding(resource, start.line, message.replace(/\.$/, `; it admits nobody while ${label(closed)} has no public endpoint (public access off or virtual network integration), and would the day public access is turned on.`), 'info');
          continue;
        }
        yield finding(resource, start.line, message, verdict.severity);
      }
    }
    for (const resource of resourcesOf(input, 'azurerm_cosmosdb_account')) {
      const closed = publicAccessOff(input, resource);
      for (const { entry, line } of filterEntries(input, resource)) {
        const range = filterRange(entry);
        const verdict = range && rangeVerdict(range[0], range[1], `"${entry}" in its ip_range_filter`, 'accept connections from within public Azure datacenters');
        if (!verdict) continue;
        const message = `${label(resource)} admits ${verdict.message}.`;
        if (closed) yield finding(resource, line, message.replace(/\.$/, '; it admits nobody while public_network_access_enabled = false, and would the day public access is turned on.'), 'info');
        else yield finding(resource, line, message, verdict.severity);
      }
    }
  },
});

/** A reference to a public IP address resource or data source (`azurerm_public_ip.vm[0].id`). */
const PUBLIC_IP_REFERENCE = /(?<![\w.-])(?:data\.)?azurerm_public_ip\.[\w-]+/;

const nicPublicIp: TfRule = tfRule({
  id: 'iac/tf-azure-nic-public-ip',
  title: 'Network interface with a public IP address',
  description:
    'A network interface (or the network interfaces of a scale set, or the nodes of an AKS node pool with node_public_ip_enabled, enable_node_public_ip before azurerm 4) gets a public IP address, so the virtual machine behind it can be reached directly from the internet and its network security group becomes the only thing between it and every scanner. Standard SKU addresses are closed until a rule opens them, but one permissive rule, or a Basic SKU address, exposes the machine. An address that cannot be read (an optional input) is reported only when the expression names an azurerm_public_ip.',
  remediation: 'Keep virtual machines on private addresses; publish services through a load balancer, Application Gateway or Front Door, and administer machines through Azure Bastion.',
  severity: 'low',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'resource "azurerm_network_interface" "vm" {\n  name                = "vm-nic"\n  location            = "westeurope"\n  resource_group_name = "app"\n\n  ip_configuration {\n    name                          = "primary"\n    subnet_id                     = azurerm_subnet.app.id\n    private_ip_address_allocation = "Dynamic"\n    # expect\n    public_ip_address_id          = azurerm_public_ip.vm.id\n  }\n}\n',
      'resource "azurerm_linux_virtual_machine_scale_set" "web" {\n  name = "web"\n  network_interface {\n    name    = "nic"\n    primary = true\n    ip_configuration {\n      name      = "internal"\n      subnet_id = azurerm_subnet.app.id\n      # expect\n      public_ip_address {\n        name = "web"\n      }\n    }\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster" "main" {\n  name       = "main"\n  dns_prefix = "main"\n  default_node_pool {\n    name                  = "system"\n    vm_size               = "Standard_D2s_v5"\n    # expect\n    enable_node_public_ip = true\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster_node_pool" "edge" {\n  name                   = "edge"\n  kubernetes_cluster_id  = azurerm_kubernetes_cluster.main.id\n  vm_size                = "Standard_D2s_v5"\n  # expect\n  node_public_ip_enabled = true\n}\n',
    ],
    negative: [
      'resource "azurerm_network_interface" "vm" {\n  name                = "vm-nic"\n  location            = "westeurope"\n  resource_group_name = "app"\n\n  ip_configuration {\n    name                          = "primary"\n    subnet_id                     = azurerm_subnet.app.id\n    private_ip_address_allocation = "Dynamic"\n  }\n}\n',
      'variable "public_ip_address_id" {\n  description = "An optional public IP address, given by the caller."\n  type        = string\n}\n\nresource "azurerm_network_interface" "vm" {\n  name                = "vm-nic"\n  location            = "westeurope"\n  resource_group_name = "app"\n\n  ip_configuration {\n    name                          = "primary"\n    subnet_id                     = azurerm_subnet.app.id\n    private_ip_address_allocation = "Dynamic"\n    public_ip_address_id          = var.public_ip_address_id\n  }\n}\n',
      'resource "azurerm_kubernetes_cluster_node_pool" "apps" {\n  name                   = "apps"\n  kubernetes_cluster_id  = azurerm_kubernetes_cluster.main.id\n  vm_size                = "Standard_D2s_v5"\n  node_public_ip_enabled = false\n}\n',
      'variable "public_instances" {\n  type    = bool\n  default = false\n}\n\nresource "azurerm_linux_virtual_machine_scale_set" "web" {\n  name = "web"\n  network_interface {\n    name    = "nic"\n    primary = true\n    ip_configuration {\n      name      = "internal"\n      subnet_id = azurerm_subnet.app.id\n      dynamic "public_ip_address" {\n        for_each = var.public_instances ? [1] : []\n        content {\n          name = "web"\n        }\n      }\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'azurerm_network_interface')) {
      for (const ip of sectionsIn(resource.block, 'ip_configuration', fileInstance(input))) {
        const id = ip.get('public_ip_address_id');
        if (id === undefined || id === null) continue;
        // An id that cannot be read is one only when the expression names a public IP resource: an optional
        // input (`var.public_ip_id`, a lookup in a settings map) is often left null.
        const attached = known(id) ? typeof id === 'string' && id.trim() !== '' : !!ip.block && PUBLIC_IP_REFERENCE.test(textOf(input, attribute(ip.block, 'public_ip_address_id')!.expr));
        if (attached) yield finding(resource, ip.lineOf('public_ip_address_id'), `${label(resource)} attaches a public IP address: the machine is reachable from the internet.`);
      }
    }
    const scaleSets = ['azurerm_linux_virtual_machine_scale_set', 'azurerm_windows_virtual_machine_scale_set', 'azurerm_orchestrated_virtual_machine_scale_set'];
    for (const resource of resourcesOf(input, ...scaleSets)) {
      // A `dynamic "public_ip_address"` whose for_each is known to be empty (a flag left at its default) makes no address.
      const lines = new Set<number>();
      const file = fileInstance(input);
      for (const nic of blocksMade(resource.block, 'network_interface', file)) {
        for (const ip of blocksMade(nic, 'ip_configuration', file)) for (const address of blocksMade(ip, 'public_ip_address', file)) lines.add(address.line);
      }
      for (const line of [...lines].sort((a, b) => a - b)) yield finding(resource, line, `${label(resource)} gives each instance a public IP address.`);
    }
    // AKS node pools: node_public_ip_enabled (enable_node_public_ip before azurerm 4) gives every node its own address.
    const NODE_PUBLIC_IP = ['node_public_ip_enabled', 'enable_node_public_ip'];
    for (const cluster of resourcesOf(input, 'azurerm_kubernetes_cluster')) {
      for (const pool of sectionsAt(input, cluster.block, 'default_node_pool')) {
        const found = setting(input, cluster, pool, NODE_PUBLIC_IP);
        if (holds(found, isOn)) yield finding(cluster, found.line, `${label(cluster)} gives each node of its default node pool a public IP address (${found.name} = true).`);
      }
    }
    for (const pool of resourcesOf(input, 'azurerm_kubernetes_cluster_node_pool')) {
      const found = setting(input, pool, pool.block, NODE_PUBLIC_IP);
      if (holds(found, isOn)) yield finding(pool, found.line, `${label(pool)} gives each of its nodes a public IP address (${found.name} = true).`);
    }
  },
});

/** The Application Gateway tiers that have a web application firewall. */
const WAF_TIERS = new Set(['waf', 'waf_v2']);

/**
 * Whether a WAF policy is attached anywhere in the gateway: firewall_policy_id on the
 * gateway, on a listener or on a path rule (a value that cannot be read counts, null and
 * "" do not).
 */
function wafPolicyAttached(input: TfInput, gateway: TfResource): boolean {
  const owners = [
    gateway.block,
    ...sectionsAt(input, gateway.block, 'http_listener'),
    ...sectionsAt(input, gateway.block, 'url_path_map', 'path_rule'),
  ];
  return owners.some((owner) => {
    const policy = setting(input, gateway, owner, ['firewall_policy_id']);
    return unreadable(policy) || holds(policy, (v) => typeof v === 'string' && v.trim() !== '');
  });
}

/**
 * Whether every frontend of the gateway is known to be private: no frontend_ip_configuration
 * names a public IP address (one that cannot be read counts as public).
 */
function privateFrontendsOnly(input: TfInput, gateway: TfResource): boolean {
  const frontends = sectionsAt(input, gateway.block, 'frontend_ip_configuration');
  return frontends.length > 0 && frontends.every((frontend) => {
    const ip = setting(input, gateway, frontend, ['public_ip_address_id']);
    return !ip || ip.values.every((v) => v === null || (typeof v === 'string' && v.trim() === ''));
  });
}

const appGatewayWaf: TfRule = tfRule({
  id: 'iac/tf-azure-waf-disabled',
  title: 'Application Gateway or Front Door without a web application firewall',
  description:
    'An Application Gateway passes requests to its backends without a web application firewall: its sku tier is Standard, Standard_v2 or Basic (tiers without a WAF) and no WAF policy is attached (firewall_policy_id), or its WAF is turned off (waf_configuration { enabled = false }, or an azurerm_web_application_firewall_policy with policy_settings { enabled = false }) or only logs (firewall_mode or the mode of the policy = "Detection", reported at low severity). SQL injection, cross-site scripting, path traversal, known exploit payloads and bots then reach the applications behind it unfiltered, and the gateway is usually their only way in from the internet. A gateway whose frontends all have private addresses only is reported at low severity: only the network behind it reaches it. The same holds for a frontend_endpoint of a (classic) azurerm_frontdoor without web_application_firewall_policy_link_id, and for a Front Door WAF policy (azurerm_frontdoor_firewall_policy) turned off or in Detection mode.',
  remediation:
    'Use the WAF_v2 tier with an azurerm_web_application_firewall_policy (firewall_policy_id) in Prevention mode with the OWASP / Microsoft default rule set, or put a WAF in front of it (Front Door with a WAF policy); link each Front Door frontend endpoint to an azurerm_frontdoor_firewall_policy in Prevention mode.',
  severity: 'medium',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      'resource "azurerm_application_gateway" "web" {\n  name                = "web"\n  resource_group_name = "web"\n  location            = "westeurope"\n  sku {\n    name     = "Standard_v2"\n    # expect\n    tier     = "Standard_v2"\n    capacity = 2\n  }\n  frontend_ip_configuration {\n    name                 = "public"\n    public_ip_address_id = azurerm_public_ip.web.id\n  }\n}\n',
      'resource "azurerm_application_gateway" "web" {\n  name = "web"\n  sku {\n    name     = "WAF_v2"\n    tier     = "WAF_v2"\n    capacity = 2\n  }\n  waf_configuration {\n    # expect\n    enabled          = false\n    firewall_mode    = "Prevention"\n    rule_set_version = "3.2"\n  }\n}\n',
      'resource "azurerm_application_gateway" "web" {\n  name = "web"\n  sku {\n    name     = "WAF_Medium"\n    tier     = "WAF"\n    capacity = 2\n  }\n  waf_configuration {\n    enabled          = true\n    # expect\n    firewall_mode    = "Detection"\n    rule_set_version = "3.0"\n  }\n}\n',
      'resource "azurerm_frontdoor" "web" {\n  name = "web"\n  # expect\n  frontend_endpoint {\n    name      = "web"\n    host_name = "web.azurefd.net"\n  }\n}\n',
      'resource "azurerm_web_application_firewall_policy" "web" {\n  name = "web"\n  policy_settings {\n    # expect\n    enabled = false\n  }\n  managed_rules {\n    managed_rule_set {\n      version = "3.2"\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_application_gateway" "web" {\n  name               = "web"\n  firewall_policy_id = azurerm_web_application_firewall_policy.web.id\n  sku {\n    name     = "WAF_v2"\n    tier     = "WAF_v2"\n    capacity = 2\n  }\n}\n',
      'resource "azurerm_application_gateway" "web" {\n  name = "web"\n  sku {\n    name     = "WAF_v2"\n    tier     = "WAF_v2"\n    capacity = 2\n  }\n  waf_configuration {\n    enabled          = true\n    firewall_mode    = "Prevention"\n    rule_set_version = "3.2"\n  }\n}\n',
      'resource "azurerm_frontdoor" "web" {\n  name = "web"\n  frontend_endpoint {\n    name                                    = "web"\n    host_name                               = "web.azurefd.net"\n    web_application_firewall_policy_link_id = azurerm_frontdoor_firewall_policy.web.id\n  }\n}\n',
      'variable "sku_tier" {\n  type = string\n}\n\nresource "azurerm_application_gateway" "web" {\n  name = "web"\n  sku {\n    name     = var.sku_tier\n    tier     = var.sku_tier\n    capacity = 2\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const gateway of resourcesOf(input, 'azurerm_application_gateway')) {
      const sku = sectionAt(input, gateway.block, 'sku');
      const tier = sku ? setting(input, gateway, sku, ['tier']) : undefined;
      if (!tier || unreadable(tier)) continue;
      const waf = sectionAt(input, gateway.block, 'waf_configuration');
      const internal = privateFrontendsOnly(input, gateway);
      const severity = internal ? 'low' : undefined;
      const reach = internal ? 'requests from the network reach its backends unfiltered' : 'requests from the internet reach its backends unfiltered';
      if (holds(tier, (v) => !WAF_TIERS.has(text(v) ?? ''))) {
        if (wafPolicyAttached(input, gateway)) continue;
        const shown = tier.values.find((v) => typeof v === 'string');
        yield finding(gateway, tier.line, `${label(gateway)} uses the ${String(shown)} tier, which has no web application firewall: ${reach}.`, severity);
        continue;
      }
      if (!waf || wafPolicyAttached(input, gateway)) continue;
      const enabled = setting(input, gateway, waf, ['enabled']);
      const mode = setting(input, gateway, waf, ['firewall_mode']);
      if (holds(enabled, isOff)) yield finding(gateway, enabled.line, `${label(gateway)} turns its web application firewall off: ${reach}.`, severity);
      else if (holds(mode, (v) => text(v) === 'detection')) yield finding(gateway, mode.line, `${label(gateway)} runs its web application firewall in Detection mode: attacks are logged, not blocked.`, 'low');
    }
    // A classic Front Door is on the internet: each frontend endpoint links its own policy.
    for (const door of resourcesOf(input, 'azurerm_frontdoor')) {
      for (const endpoint of sectionsAt(input, door.block, 'frontend_endpoint')) {
        const link = setting(input, door, endpoint, ['web_application_firewall_policy_link_id']);
        if (link && !link.values.every((v) => v === null || (typeof v === 'string' && v.trim() === ''))) continue;
        yield finding(door, link?.line ?? endpoint.line, `${label(door)} has a frontend endpoint without a web application firewall policy: requests from the internet reach its backends unfiltered.`);
      }
    }
    // The policy a gateway or a Front Door attaches: turned off, or only logging.
    for (const policy of resourcesOf(input, 'azurerm_web_application_firewall_policy', 'azurerm_frontdoor_firewall_policy')) {
      // A Front Door policy has its settings at the top; a gateway policy in policy_settings.
      const settings = policy.type === 'azurerm_frontdoor_firewall_policy' ? policy.block : sectionAt(input, policy.block, 'policy_settings');
      if (!settings) continue;
      const enabled = setting(input, policy, settings, ['enabled']);
      const mode = setting(input, policy, settings, ['mode']);
      if (holds(enabled, isOff)) yield finding(policy, enabled.line, `${label(policy)} turns the web application firewall off wherever it is attached.`);
      else if (holds(mode, (v) => text(v) === 'detection')) yield finding(policy, mode.line, `${label(policy)} runs in Detection mode: attacks are logged, not blocked.`, 'low');
    }
  },
});

export const azureNetworkRules: readonly TfRule[] = [nsgOpenToInternet, nsgWidePrivate, nsgBroadPublic, firewallRange, nicPublicIp, appGatewayWaf];

import { contains, isBroadPublic, isVeryBroad, isWidePrivate, isWorld, parseCidr, type Network } from '../../cidr.js';
import { sensitivePortsInRange, type ServicePort } from '../../ports.js';
import type { Block, Expr } from '../hcl/ast.js';
import type { Value } from '../hcl/evaluate.js';
import { asStrings, attribute, blocksOf, isFalseValue, isTrueValue, label, mentioned, referrers, resourcesOf, moduleResourcesOf, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { mentionsAddress } from '../addresses.js';
import { known, tfRule, type TfRule } from './common.js';
import { groupExposures, listPorts, type Exposure } from './exposure.js';
import { isOff, isOn, metadataOf, upper, type MapEntry } from './gcp-shared.js';
import { blocksMade, chosenInstance, fieldsOf, fileInstance, sectionsIn, setByDefaultOnly, settingAt, type Fields, type Instance } from './instances.js';

/** A port setting of an allow block: "22", "1000-2000" or 22. Undefined when it cannot be read. */
function portRange(value: Value): [number, number] | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return [value, value];
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(value);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return [Math.min(from, to), Math.max(from, to)];
}

/** One allow block of a firewall rule, or one layer-4 config of a firewall policy rule. */
interface Layer4 {
  protocol: Value | undefined;
  ports: Value | undefined;
}

/** What one allow block (or layer-4 config) lets through: every port, or the catalogue services in its port ranges. */
function opened({ protocol: protocolValue, ports: portsValue }: Layer4): { all: boolean; services: ServicePort[] } {
  const protocol = String(protocolValue ?? '').toLowerCase();
  const transport = protocol === 'all' ? 'all' : protocol === 'tcp' || protocol === '6' ? 'tcp' : protocol === 'udp' || protocol === '17' ? 'udp' : undefined;
  if (!transport) return { all: false, services: [] };
  if (transport === 'all') return { all: true, services: [] };
  // No ports (or an empty list) means every port of the protocol.
  const ports: Value[] = portsValue === undefined || portsValue === null ? [] : Array.isArray(portsValue) ? portsValue : [portsValue];
  if (ports.length === 0) return { all: true, services: [] };
  const services: ServicePort[] = [];
  for (const p of ports) {
    const range = portRange(p);
    if (!range) continue;
    if (range[0] <= 0 && range[1] >= 65535) return { all: true, services: [] };
    services.push(...sensitivePortsInRange(range[0], range[1], transport));
  }
  return { all: false, services };
}

/** An allowing ingress rule, read for one instance of its resource. */
interface Ingress {
  resource: TfResource;
  /** The line of the source ranges (convention 3). */
  line: number;
  /** Every source range it names, as written. */
  sources: string[];
  /** The sources `accept` picked. */
  matched: string[];
  layer4: Layer4[];
}

/**
 * Ingress firewall rules with a source `accept` picks: VPC firewall rules (direction
 * defaults to INGRESS) and the rules of hierarchical and network firewall policies with
 * action "allow", each instance of a for_each or count on its own.
 */
function* ingressFrom(input: TfInput, accept: (cidr: string) => boolean): Generator<Ingress> {
  const file = fileInstance(input);
  // Each instance of a resource with for_each or count comes from resourcesOf.
  for (const resource of resourcesOf(input, 'google_compute_firewall')) {
    const fields = fieldsOf(resource.block, file);
    const direction = upper(fields.get('direction'));
    if ((direction !== undefined && direction !== 'INGRESS') || isTrueValue(fields.get('disabled'))) continue;
    const sources = asStrings(fields.get('source_ranges')) ?? [];
    const matched = sources.filter(accept);
    if (matched.length === 0) continue;
    const layer4 = sectionsIn(resource.block, 'allow', file).map((s): Layer4 => ({ protocol: s.get('protocol'), ports: s.get('ports') }));
    yield { resource, line: fields.lineOf('source_ranges'), sources, matched, layer4 };
  }
  for (const resource of resourcesOf(input, 'google_compute_firewall_policy_rule', 'google_compute_network_firewall_policy_rule', 'google_compute_region_network_firewall_policy_rule')) {
    const fields = fieldsOf(resource.block, file);
    if (upper(fields.get('action')) !== 'ALLOW' || upper(fields.get('direction')) !== 'INGRESS' || isTrueValue(fields.get('disabled'))) continue;
    for (const match of sectionsIn(resource.block, 'match', file)) {
      const sources = asStrings(match.get('src_ip_ranges')) ?? [];
      const matched = sources.filter(accept);
      if (matched.length === 0 || !match.block) continue;
      const layer4 = sectionsIn(match.block, 'layer4_configs', match.instance).map((s): Layer4 => ({ protocol: s.get('ip_protocol'), ports: s.get('ports') }));
      yield { resource, line: match.lineOf('src_ip_ranges'), sources, matched, layer4 };
    }
  }
}

/**
 * Ingress rules that let a source `accept` picks reach every port or a catalogue port, one
 * per resource and source line (exposure.ts): the instances of a for_each and the allow
 * blocks of a rule share their source line. `skip` leaves out a rule by all its sources
 * (one another rule reports for a wider source).
 */
function exposures(input: TfInput, accept: (cidr: string) => boolean, skip: (ingress: Ingress) => boolean = () => false): Exposure[] {
  return groupExposures(
    (function* () {
      for (const ingress of ingressFrom(input, accept)) {
        if (skip(ingress)) continue;
        const open = ingress.layer4.map(opened);
        const all = open.some((o) => o.all);
        yield { resource: ingress.resource, line: ingress.line, matched: ingress.matched, all, services: all ? [] : open.flatMap((o) => o.services) };
      }
    })(),
  );
}

/** What a finding says a rule opens: every port, or the services. */
const opening = (all: boolean, services: readonly ServicePort[], from: string) => (all ? `lets ${from} in on every port` : `opens ${listPorts(services)} to ${from}`);

const firewallOpenToInternet: TfRule = tfRule({
  id: 'iac/tf-gcp-firewall-open-to-internet',
  title: 'Sensitive port open to the internet (GCP firewall)',
  description:
    'A VPC firewall rule (or a rule of a hierarchical or network firewall policy) lets traffic from anywhere (0.0.0.0/0 or ::/0) in on every port, on every port of a protocol (an allow block without ports), or on the port of a service that must not be public: SSH, RDP, Telnet, FTP, the Docker API, a database, a cache (see the port catalogue). Firewall rules are ingress rules unless they say otherwise, and apply to every instance of the network unless target tags or service accounts narrow them. Such ports are scanned and brute-forced within minutes of exposure. Rules with for_each or count and dynamic allow blocks are read per element when the values can be read.',
  remediation: 'Restrict source_ranges to known addresses (your office or VPN egress ranges), reach SSH and RDP through Identity-Aware Proxy TCP forwarding (source range 35.235.240.0/20) or a bastion, and keep databases on private IPs.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "google_compute_firewall" "ssh" {\n  name    = "allow-ssh"\n  network = google_compute_network.main.name\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n  # expect\n  source_ranges = ["0.0.0.0/0"]\n}\n',
      'resource "google_compute_firewall" "all" {\n  name      = "allow-all"\n  network   = "default"\n  direction = "INGRESS"\n  allow {\n    protocol = "all"\n  }\n  # expect\n  source_ranges = ["::/0"]\n}\n',
      'resource "google_compute_firewall" "db" {\n  name    = "db"\n  network = "default"\n  allow {\n    protocol = "tcp"\n    ports    = ["80", "5000-6000"]\n  }\n  # expect\n  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]\n  target_tags   = ["db"]\n}\n',
      'resource "google_compute_network_firewall_policy_rule" "rdp" {\n  firewall_policy = google_compute_network_firewall_policy.main.name\n  priority        = 1000\n  action          = "allow"\n  direction       = "INGRESS"\n  match {\n    # expect\n    src_ip_ranges = ["0.0.0.0/0"]\n    layer4_configs {\n      ip_protocol = "tcp"\n      ports       = ["3389"]\n    }\n  }\n}\n',
      // A library module's default: every caller that leaves the input out gets it.
      'variable "ssh_source_ranges" {\n  type    = list(string)\n  default = ["0.0.0.0/0"]\n}\n\nresource "google_compute_firewall" "ssh" {\n  name          = "ssh"\n  network       = "default"\n  # expect\n  source_ranges = var.ssh_source_ranges\n  target_tags   = ["ssh"]\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n}\n',
      'variable "admin_ports" {\n  default = ["22", "3389"]\n}\n\nresource "google_compute_firewall" "admin" {\n  name    = "admin"\n  network = "default"\n  dynamic "allow" {\n    for_each = var.admin_ports\n    content {\n      protocol = "tcp"\n      ports    = [allow.value]\n    }\n  }\n  # expect\n  source_ranges = ["0.0.0.0/0"]\n}\n',
    ],
    negative: [
      'resource "google_compute_firewall" "web" {\n  name    = "web"\n  network = "default"\n  allow {\n    protocol = "tcp"\n    ports    = ["80", "443"]\n  }\n  allow {\n    protocol = "icmp"\n  }\n  source_ranges = ["0.0.0.0/0"]\n}\n',
      'resource "google_compute_firewall" "iap" {\n  name    = "iap-ssh"\n  network = "default"\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n  source_ranges = ["35.235.240.0/20"]\n}\n',
      'resource "google_compute_firewall" "out" {\n  name      = "egress"\n  network   = "default"\n  direction = "EGRESS"\n  allow {\n    protocol = "all"\n  }\n  destination_ranges = ["0.0.0.0/0"]\n}\n',
      'resource "google_compute_firewall" "off" {\n  name     = "off"\n  network  = "default"\n  disabled = true\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n  source_ranges = ["0.0.0.0/0"]\n}\n',
      'resource "google_compute_firewall" "block" {\n  name    = "deny-ssh"\n  network = "default"\n  deny {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n  source_ranges = ["0.0.0.0/0"]\n}\n',
    ],
  },
  *check(input) {
    for (const { resource, line, sources, all, services } of exposures(input, isWorld)) {
      const where = label(resource);
      const worst = all || services.some((s) => s.severity === 'critical') ? 'critical' : 'high';
      yield { line, message: `${where} ${opening(all, services, sources.join(', '))}${defaultNote(input, resource)}.`, resource: where, severity: worst };
    }
  },
});

/**
 * Where a VPC firewall rule's source ranges come only from a variable's default (a library
 * module's `source_ranges = var.ssh_source_ranges`): said in the finding, since the line
 * shows only the variable, and every caller that leaves it out gets these ranges.
 */
function defaultNote(input: TfInput, resource: TfResource): string {
  if (resource.type !== 'google_compute_firewall' || !setByDefaultOnly(input, resource.block, ['source_ranges'])) return '';
  const expr = attribute(resource.block, 'source_ranges')?.expr;
  const name = expr?.kind === 'traversal' && expr.path[0] === 'var' && expr.path.length === 2 ? `var.${expr.path[1]}` : undefined;
  return name ? `, the default of ${name}, which every caller that leaves it out gets` : ', from a variable default, which every caller that leaves it out gets';
}

/** An example firewall rule with one allow block; `expect` marks its source_ranges line as the finding's. */
const firewallExample = (name: string, allow: string, ranges: string, { expect = false } = {}) =>
  `resource "google_compute_firewall" "${name}" {\n  name    = "${name}"\n  network = google_compute_network.main.name\n  allow {\n${allow
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n  }\n${expect ? '  # expect\n' : ''}  source_ranges = ${ranges}\n}\n`;

/** The range every subnet of an auto-mode network is numbered from: such a network's own range. */
const AUTO_MODE_RANGE = parseCidr('10.128.0.0/9')!;

/**
 * The literal ranges of the subnetworks (primary and secondary) and GKE clusters (nodes,
 * pods, services) declared in the configuration: a source inside one of them is the
 * network's own, however wide (a GKE pod range is a /14 by default).
 */
function ownRanges(input: TfInput): Network[] {
  const out: Network[] = [AUTO_MODE_RANGE];
  const add = (value: Value | undefined) => {
    const n = typeof value === 'string' ? parseCidr(value) : undefined;
    if (n) out.push(n);
  };
  // A module's secondary ranges are dynamic blocks over a variable: each read with its iterator bound.
  const file = fileInstance(input);
  for (const subnet of moduleResourcesOf(input, 'google_compute_subnetwork')) {
    add(valueOf(input, subnet.block, 'ip_cidr_range'));
    for (const secondary of sectionsIn(subnet.block, 'secondary_ip_range', file)) add(secondary.get('ip_cidr_range'));
  }
  for (const cluster of moduleResourcesOf(input, 'google_container_cluster')) {
    add(valueOf(input, cluster.block, 'cluster_ipv4_cidr'));
    for (const policy of sectionsIn(cluster.block, 'ip_allocation_policy', file)) for (const key of ['cluster_ipv4_cidr_block', 'services_ipv4_cidr_block']) add(policy.get(key));
  }
  return out;
}

const firewallWidePrivate: TfRule = tfRule({
  id: 'iac/tf-gcp-firewall-sensitive-port-wide-private',
  title: 'Sensitive port open to a whole private network (GCP firewall)',
  description:
    'A VPC firewall rule (or a rule of a hierarchical or network firewall policy) lets a private range wider than /16 in on every port, or on the port of a service that only its clients should reach (SSH, RDP, a database, a cache, the Docker API: see the port catalogue): 10.0.0.0/8, 172.16.0.0/12, 100.64.0.0/10 or another RFC 1918 or shared-address range wider than /16, or IPv6 unique local space wider than /48. A VPC network is global and its subnets in every region already reach each other, so such a range is rarely the network alone: a /8 of RFC 1918 space takes in every peered network, every Shared VPC service project and every range learned over Cloud VPN or Cloud Interconnect, and one compromised laptop or workload anywhere on the corporate network can reach the service and move laterally. Ranges inside the auto-mode range 10.128.0.0/9 or inside the range of a subnetwork or GKE cluster declared in the configuration are the network\'s own and are not reported; rules that also admit the internet or a broad public range are left to the rules for those.',
  remediation: "Allow the subnetwork's own ranges (primary, or the GKE pod range), or better, select the clients by source_tags or source_service_accounts, and reach administrative ports through Identity-Aware Proxy TCP forwarding (35.235.240.0/20).",
  severity: 'low',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      firewallExample('ssh', 'protocol = "tcp"\nports    = ["22"]', '["10.0.0.0/8"]', { expect: true }),
      firewallExample('internal', 'protocol = "all"', '["172.16.0.0/12", "192.168.10.0/24"]', { expect: true }),
      'resource "google_compute_network_firewall_policy_rule" "db" {\n  firewall_policy = google_compute_network_firewall_policy.main.name\n  priority        = 1000\n  action          = "allow"\n  direction       = "INGRESS"\n  match {\n    # expect\n    src_ip_ranges = ["10.0.0.0/8"]\n    layer4_configs {\n      ip_protocol = "tcp"\n      ports       = ["5432"]\n    }\n  }\n}\n',
    ],
    negative: [
      firewallExample('subnet', 'protocol = "tcp"\nports    = ["22"]', '["10.10.0.0/20"]'),
      firewallExample('web', 'protocol = "tcp"\nports    = ["443"]', '["10.0.0.0/8"]'),
      // The default network's "allow internal" rule: the auto-mode range is the network itself.
      firewallExample('default-allow-internal', 'protocol = "tcp"\nports    = ["0-65535"]', '["10.128.0.0/9"]'),
      // The secondary ranges of a module's subnetwork, made by a dynamic block over a variable.
      'variable "secondary_ranges" {\n  default = [{ range_name = "pods", ip_cidr_range = "10.4.0.0/14" }]\n}\n\nresource "google_compute_subnetwork" "gke" {\n  name          = "gke"\n  network       = google_compute_network.main.id\n  ip_cidr_range = "10.0.0.0/20"\n  dynamic "secondary_ip_range" {\n    for_each = var.secondary_ranges\n    content {\n      range_name    = secondary_ip_range.value.range_name\n      ip_cidr_range = secondary_ip_range.value.ip_cidr_range\n    }\n  }\n}\n\nresource "google_compute_firewall" "pods-to-db" {\n  name    = "pods-to-db"\n  network = google_compute_network.main.name\n  allow {\n    protocol = "tcp"\n    ports    = ["5432"]\n  }\n  source_ranges = ["10.4.0.0/14"]\n}\n',
      'resource "google_compute_subnetwork" "gke" {\n  name          = "gke"\n  network       = google_compute_network.main.id\n  ip_cidr_range = "10.0.0.0/20"\n  secondary_ip_range {\n    range_name    = "pods"\n    ip_cidr_range = "10.4.0.0/14"\n  }\n}\n\nresource "google_compute_firewall" "pods-to-db" {\n  name    = "pods-to-db"\n  network = google_compute_network.main.name\n  allow {\n    protocol = "tcp"\n    ports    = ["5432"]\n  }\n  source_ranges = ["10.4.0.0/14"]\n}\n',
      // Reported as open to the internet instead.
      firewallExample('both', 'protocol = "tcp"\nports    = ["22"]', '["10.0.0.0/8", "0.0.0.0/0"]'),
    ],
  },
  *check(input) {
    const own = ownRanges(input);
    const isWide = (cidr: string) => isWidePrivate(cidr) && !own.some((n) => contains(n, parseCidr(cidr)!));
    const wider = (ingress: Ingress) => ingress.sources.some((c) => isWorld(c) || isBroadPublic(c));
    for (const { resource, line, sources, all, services } of exposures(input, isWide, wider)) {
      const where = label(resource);
      yield { line, message: `${where} ${opening(all, services, sources.join(', '))}, a private range wider than /16 (/48 in IPv6): every host of the peered, VPN and Interconnect networks numbered in it can connect.`, resource: where };
    }
  },
});

const firewallBroadPublic: TfRule = tfRule({
  id: 'iac/tf-gcp-firewall-sensitive-port-broad-public',
  title: 'Sensitive port open to a broad public range (GCP firewall)',
  description:
    "A VPC firewall rule (or a rule of a hierarchical or network firewall policy) lets a public range that is not the whole internet but is wider than /16 (/32 in IPv6) in on every port, or on the port of a service that must not be public (SSH, RDP, a database, a cache, the Docker API: see the port catalogue): a cloud provider's or a region's space (Google Cloud's own external addresses included, which any customer can rent), an ISP's, or a split of the internet such as 0.0.0.0/1 and 128.0.0.0/1. Anyone can get an address in such a range, so the service is as reachable as if it were open to 0.0.0.0/0, and checks for 0.0.0.0/0 do not see it. A /8 or wider is reported as high.",
  remediation: 'Allow only the addresses that need the service (your office or VPN egress addresses, a /32 per host), and reach administrative ports through Identity-Aware Proxy TCP forwarding (35.235.240.0/20) or a bastion.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      firewallExample('split', 'protocol = "tcp"\nports    = ["22"]', '["0.0.0.0/1", "128.0.0.0/1"]', { expect: true }),
      firewallExample('cloud', 'protocol = "tcp"\nports    = ["3306"]', '["34.64.0.0/10"]', { expect: true }),
      firewallExample('v6', 'protocol = "tcp"\nports    = ["3389"]', '["2600:1900::/28"]', { expect: true }),
      'resource "google_compute_firewall_policy_rule" "mongo" {\n  firewall_policy = google_compute_firewall_policy.org.name\n  priority        = 1000\n  action          = "allow"\n  direction       = "INGRESS"\n  match {\n    # expect\n    src_ip_ranges = ["10.0.0.0/8", "35.0.0.0/8"]\n    layer4_configs {\n      ip_protocol = "tcp"\n      ports       = ["27017"]\n    }\n  }\n}\n',
    ],
    negative: [
      firewallExample('office', 'protocol = "tcp"\nports    = ["22"]', '["203.0.113.0/24", "198.51.100.16/28"]'),
      // Identity-Aware Proxy's forwarding range is a /20.
      firewallExample('iap', 'protocol = "tcp"\nports    = ["22", "3389"]', '["35.235.240.0/20"]'),
      firewallExample('web', 'protocol = "tcp"\nports    = ["443"]', '["34.0.0.0/8"]'),
      // A multicast or reserved range is not a source on the internet.
      firewallExample('reserved', 'protocol = "tcp"\nports    = ["22"]', '["224.0.0.0/3"]'),
      // Reported as open to the internet instead.
      firewallExample('both', 'protocol = "tcp"\nports    = ["22"]', '["34.0.0.0/8", "0.0.0.0/0"]'),
    ],
  },
  *check(input) {
    const wider = (ingress: Ingress) => ingress.sources.some(isWorld);
    for (const { resource, line, sources, all, services } of exposures(input, isBroadPublic, wider)) {
      const where = label(resource);
      const severity = sources.some(isVeryBroad) ? 'high' : 'medium';
      yield { line, message: `${where} ${opening(all, services, sources.join(', '))}: public address space wider than /16 (/32 in IPv6), in which anyone can rent an address.`, resource: where, severity };
    }
  },
});

const projectDefaultNetwork: TfRule = tfRule({
  id: 'iac/tf-gcp-project-default-network',
  title: 'Project created with the default network',
  description:
    'A google_project without auto_create_network = false gets the "default" VPC network, whose pre-made firewall rules let anyone on the internet reach SSH (22) and RDP (3389) on every instance placed in it, and allow all traffic between its subnets in every region (CIS GCP 3.1). Instances created later without an explicit network land there. The default is reported at medium like a written-out true: the network it makes opens SSH and RDP to the internet.',
  remediation: 'Set auto_create_network = false on the project (or enforce the compute.skipDefaultNetworkCreation organisation policy) and create custom-mode networks with only the firewall rules you need.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: ['# expect\nresource "google_project" "app" {\n  name       = "app"\n  project_id = "app-123456"\n  org_id     = "123456789012"\n}\n', 'resource "google_project" "app" {\n  name                = "app"\n  project_id          = "app-123456"\n  # expect\n  auto_create_network = true\n}\n'],
    negative: ['resource "google_project" "app" {\n  name                = "app"\n  project_id          = "app-123456"\n  auto_create_network = false\n}\n'],
  },
  *check(input) {
    for (const project of resourcesOf(input, 'google_project')) {
      const a = attribute(project.block, 'auto_create_network');
      const value = valueOf(input, project.block, 'auto_create_network');
      if ((a && !known(value)) || isOff(value)) continue;
      const unset = value === undefined || value === null;
      yield { line: a ? a.line : project.block.line, message: `${label(project)} ${unset ? 'does not set auto_create_network = false (the default is true)' : 'sets auto_create_network = true'}: the project gets the default network, with SSH and RDP open to the internet.`, resource: label(project) };
    }
  },
});

const INSTANCE_TYPES = ['google_compute_instance', 'google_compute_instance_template', 'google_compute_region_instance_template'];

const instancePublicIp: TfRule = tfRule({
  id: 'iac/tf-gcp-instance-public-ip',
  title: 'VM instance gets a public IP address',
  description: 'A network interface with an access_config block gives the instance (or every instance made from the template) an external IP address reachable from the internet. The VPC firewall rules become the only thing between it and every scanner, and a rule opened later for another purpose exposes it too.',
  remediation: 'Remove the access_config block; give the instance outbound access through Cloud NAT, reach it through Identity-Aware Proxy or a bastion, and publish services through a load balancer.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: ['resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  boot_disk {\n    initialize_params {\n      image = "debian-cloud/debian-12"\n    }\n  }\n  network_interface {\n    network = "default"\n    # expect\n    access_config {\n    }\n  }\n}\n'],
    negative: ['resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  boot_disk {\n    initialize_params {\n      image = "debian-cloud/debian-12"\n    }\n  }\n  network_interface {\n    subnetwork = google_compute_subnetwork.private.id\n  }\n}\n'],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const vm of resourcesOf(input, ...INSTANCE_TYPES)) {
      // Each interface a `dynamic "network_interface"` makes, with its iterator bound: its access_config may depend on it (`config.value.nat`).
      const reported = new Set<string>();
      for (const nic of sectionsIn(vm.block, 'network_interface', file)) {
        if (!nic.block) continue;
        for (const kind of ['access_config', 'ipv6_access_config']) {
          const config = blocksMade(nic.block, kind, nic.instance)[0];
          if (!config || reported.has(`${kind}:${config.line}`)) continue;
          reported.add(`${kind}:${config.line}`);
          yield { line: config.line, message: `${label(vm)} has ${kind === 'access_config' ? 'an external IPv4 address' : 'an external IPv6 address'} (${kind}).`, resource: label(vm) };
        }
      }
    }
  },
});

/** A key of project-wide metadata set in this file (google_compute_project_metadata or _item), or with `module` in any file of its module. */
function projectMetadata(input: TfInput, key: string, module = false): Array<MapEntry & { resource: TfResource }> {
  const out: Array<MapEntry & { resource: TfResource }> = [];
  const of = module ? moduleResourcesOf : resourcesOf;
  for (const project of of(input, 'google_compute_project_metadata')) {
    const entry = metadataOf(input, project.block).get(key);
    if (entry) out.push({ ...entry, resource: project });
  }
  for (const item of of(input, 'google_compute_project_metadata_item')) {
    if (valueOf(input, item.block, 'key') !== key) continue;
    const value = valueOf(input, item.block, 'value');
    out.push({ value: value ?? null, line: attribute(item.block, 'value')?.line ?? item.block.line, resource: item });
  }
  return out;
}

/** Instances and templates (each instance of a for_each or count on its own, from resourcesOf), with their metadata. */
function* vms(input: TfInput): Generator<{ vm: TfResource; instance: Instance; fields: Fields }> {
  const file = fileInstance(input);
  for (const vm of resourcesOf(input, ...INSTANCE_TYPES)) yield { vm, instance: file, fields: fieldsOf(vm.block, file) };
}

/** Reports a metadata key set to a bad value on instances, templates and project metadata, once per line. */
function* metadataSetting(input: TfInput, key: string, bad: (value: Value) => boolean, message: (owner: string, value: Value) => string) {
  const seen = new Set<number>();
  for (const { vm, instance } of vms(input)) {
    const entry = metadataOf(input, vm.block, instance).get(key);
    if (!entry || !bad(entry.value) || seen.has(entry.line)) continue;
    seen.add(entry.line);
    yield { line: entry.line, message: message(label(vm), entry.value), resource: label(vm) };
  }
  for (const entry of projectMetadata(input, key)) {
    if (!bad(entry.value) || seen.has(entry.line)) continue;
    seen.add(entry.line);
    yield { line: entry.line, message: message(`${label(entry.resource)} (project-wide metadata)`, entry.value), resource: label(entry.resource) };
  }
}

const serialPort: TfRule = tfRule({
  id: 'iac/tf-gcp-instance-serial-port',
  title: 'Interactive serial console enabled',
  description: 'The metadata key serial-port-enable turns on the interactive serial console of the instance (or of every instance of the project). The serial console does not go through the VPC firewall: anyone with the right IAM permission and an SSH key can connect from any address, and many images accept a password login on it (CIS GCP 4.5).',
  remediation: 'Remove serial-port-enable or set it to "FALSE"; turn it on briefly for troubleshooting only, and enforce the compute.disableSerialPortAccess organisation policy.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  metadata = {\n    # expect\n    serial-port-enable = "TRUE"\n  }\n}\n',
      'resource "google_compute_project_metadata_item" "serial" {\n  key   = "serial-port-enable"\n  # expect\n  value = "1"\n}\n',
    ],
    negative: ['resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  metadata = {\n    serial-port-enable = "FALSE"\n  }\n}\n'],
  },
  *check(input) {
    yield* metadataSetting(input, 'serial-port-enable', isOn, (owner) => `${owner} enables the interactive serial console (serial-port-enable).`);
  },
});

const osLoginDisabled: TfRule = tfRule({
  id: 'iac/tf-gcp-oslogin-disabled',
  title: 'OS Login turned off',
  description: 'The metadata key enable-oslogin is set to FALSE on an instance, a template or the project. Without OS Login, SSH access is granted by keys pasted into metadata: they are not tied to a Google identity, do not expire, survive the departure of their owner and escape IAM and two-step verification (CIS GCP 4.4). An instance setting overrides the project setting.',
  remediation: 'Remove enable-oslogin = "FALSE" and set enable-oslogin = "TRUE" in project metadata (or enforce the compute.requireOsLogin organisation policy); grant roles/compute.osLogin to the people who need SSH.',
  severity: 'medium',
  cwe: ['CWE-287'],
  examples: {
    positive: [
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  metadata = {\n    # expect\n    enable-oslogin = "FALSE"\n  }\n}\n',
      'resource "google_compute_project_metadata" "default" {\n  metadata = {\n    # expect\n    enable-oslogin = false\n  }\n}\n',
    ],
    negative: ['resource "google_compute_project_metadata" "default" {\n  metadata = {\n    enable-oslogin = "TRUE"\n  }\n}\n'],
  },
  *check(input) {
    yield* metadataSetting(input, 'enable-oslogin', isOff, (owner) => `${owner} turns OS Login off (enable-oslogin): SSH access depends on keys in metadata.`);
  },
});

const projectSshKeys: TfRule = tfRule({
  id: 'iac/tf-gcp-instance-project-ssh-keys',
  title: 'Instance accepts project-wide SSH keys',
  description:
    'The instance does not set the metadata key block-project-ssh-keys to TRUE, so every SSH key in the project metadata can log in to it: one key leaked or left behind by a former team member opens every VM of the project (CIS GCP 4.3). Instances with OS Login on (in their metadata or in project metadata set in the same file) ignore metadata keys and are not reported. Left at the default it is reported at low severity, block-project-ssh-keys set to false at medium; a false that only a variable\'s default gives (a module\'s variable that no caller or definitions file sets) is left at the default.',
  remediation: 'Set block-project-ssh-keys = "TRUE" in the instance metadata and put the keys the instance needs in its own metadata, or better, turn OS Login on (enable-oslogin = "TRUE").',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      '# expect\nresource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n}\n',
      'resource "google_compute_instance_template" "web" {\n  name_prefix  = "web-"\n  machine_type = "e2-small"\n  metadata = {\n    # expect\n    block-project-ssh-keys = false\n  }\n}\n',
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  # expect\n  metadata = {\n    startup-script = "echo ready"\n  }\n}\n',
    ],
    negative: [
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  metadata = {\n    block-project-ssh-keys = "TRUE"\n  }\n}\n',
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  metadata = {\n    enable-oslogin = "TRUE"\n  }\n}\n',
      'resource "google_compute_project_metadata_item" "oslogin" {\n  key   = "enable-oslogin"\n  value = "TRUE"\n}\n\nresource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n}\n',
    ],
  },
  *check(input) {
    const projectOsLogin = projectMetadata(input, 'enable-oslogin', true).some((e) => isOn(e.value));
    const seen = new Set<number>();
    for (const { vm, instance } of vms(input)) {
      const metadata = metadataOf(input, vm.block, instance);
      if (metadata.unknown) continue;
      const oslogin = metadata.get('enable-oslogin');
      if (oslogin ? isOn(oslogin.value) || !known(oslogin.value) : projectOsLogin) continue;
      const found = metadata.get('block-project-ssh-keys');
      // A key given null (an optional variable left unset) is not set.
      const block = found && found.value !== null ? found : undefined;
      if (block && (isOn(block.value) || !known(block.value))) continue;
      const line = block ? block.line : (metadata.attribute?.line ?? vm.block.line);
      if (seen.has(line)) continue;
      seen.add(line);
      // A false that only a module variable's default gives is no one's choice: as left unset.
      const chosen = block ? metadataOf(input, vm.block, chosenInstance(input)) : undefined;
      const byDefault = chosen !== undefined && (chosen.unknown || !known(chosen.get('block-project-ssh-keys')?.value));
      yield { line, message: `${label(vm)} ${block ? 'sets block-project-ssh-keys to false' : 'does not set block-project-ssh-keys = "TRUE"'}: every project-wide SSH key can log in.`, resource: label(vm), ...(block && !byDefault ? {} : { severity: 'low' as const }) };
    }
  },
});

const CLOUD_PLATFORM = /^(?:cloud-platform|https:\/\/www\.googleapis\.com\/auth\/cloud-platform)$/;
/** Read-write access to the Compute Engine API: the alias and the scope it stands for. */
const COMPUTE_RW = /^(?:compute-rw|https:\/\/www\.googleapis\.com\/auth\/compute)$/;
const isDefaultComputeAccount = (email: Value | undefined) => email === undefined || email === null || email === '' || email === 'default' || (typeof email === 'string' && /-compute@developer\.gserviceaccount\.com$/.test(email));

/**
 * Node configurations of GKE clusters and node pools: the cluster's own (its default
 * pool, unless the cluster removes it), its node_pool blocks, the defaults of
 * auto-provisioned pools, and node pool resources.
 */
export function nodeConfigs(input: TfInput): Array<{ owner: TfResource; config: Block }> {
  const out: Array<{ owner: TfResource; config: Block }> = [];
  // Only the blocks that are made: a dynamic node_config (or node_pool...) whose for_each is known empty makes none.
  const file = fileInstance(input);
  const made = (owner: Block, type: string) => blocksMade(owner, type, file);
  for (const cluster of resourcesOf(input, 'google_container_cluster')) {
    if (!isTrueValue(valueOf(input, cluster.block, 'remove_default_node_pool'))) for (const config of made(cluster.block, 'node_config')) out.push({ owner: cluster, config });
    for (const autoscaling of made(cluster.block, 'cluster_autoscaling')) for (const config of made(autoscaling, 'auto_provisioning_defaults')) out.push({ owner: cluster, config });
    for (const pool of made(cluster.block, 'node_pool')) for (const config of made(pool, 'node_config')) out.push({ owner: cluster, config });
  }
  for (const pool of resourcesOf(input, 'google_container_node_pool')) for (const config of made(pool.block, 'node_config')) out.push({ owner: pool, config });
  return out;
}

const defaultServiceAccountFullAccess: TfRule = tfRule({
  id: 'iac/tf-gcp-default-sa-full-access',
  title: 'Default service account with full access to all Cloud APIs',
  description:
    'The instance, template or GKE node pool runs as the Compute Engine default service account (no email, the ...-compute@developer.gserviceaccount.com account, or the email of the google_compute_default_service_account data source) with the cloud-platform scope. That account has the Editor role on the project unless someone removed it, and the scope no longer limits it: any process on the VM, or any pod on the node that reaches the metadata server, can read and change almost everything in the project (CIS GCP 4.2). With the compute-rw scope instead (medium), it can change every VM of the project: add SSH keys or a startup script to another instance\'s metadata and take over that instance and the service account it runs as.',
  remediation: 'Create a dedicated service account with only the roles the workload needs and set its email; keep the cloud-platform and compute-rw scopes only with such an account.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  service_account {\n    # expect\n    scopes = ["cloud-platform"]\n  }\n}\n',
      // The default account looked up by its data source, with read-write access to Compute Engine (GCPGoat's public VM).
      'data "google_compute_default_service_account" "default" {}\nresource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  service_account {\n    email  = data.google_compute_default_service_account.default.email\n    # expect\n    scopes = ["compute-rw", "https://www.googleapis.com/auth/devstorage.read_only", "https://www.googleapis.com/auth/logging.write"]\n  }\n}\n',
      'resource "google_container_node_pool" "pool" {\n  name    = "pool"\n  cluster = google_container_cluster.main.id\n  node_config {\n    service_account = "123456789012-compute@developer.gserviceaccount.com"\n    # expect\n    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]\n  }\n}\n',
      // service_account as modules write it: a dynamic block over a variable, read with its iterator bound (no email: the default account).
      'variable "service_account" {\n  default = { scopes = ["cloud-platform"] }\n}\nresource "google_compute_instance_template" "tpl" {\n  name_prefix  = "app-"\n  machine_type = "e2-small"\n  dynamic "service_account" {\n    for_each = var.service_account == null ? [] : [var.service_account]\n    content {\n      email  = lookup(service_account.value, "email", null)\n      # expect\n      scopes = lookup(service_account.value, "scopes", null)\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  service_account {\n    email  = google_service_account.vm.email\n    scopes = ["cloud-platform"]\n  }\n}\n',
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  service_account {\n    scopes = ["userinfo-email", "compute-ro", "storage-ro"]\n  }\n}\n',
      'data "google_compute_default_service_account" "default" {}\nresource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  service_account {\n    email  = data.google_compute_default_service_account.default.email\n    scopes = ["compute-ro", "logging-write"]\n  }\n}\nresource "google_compute_instance" "ops" {\n  name         = "ops"\n  machine_type = "e2-small"\n  service_account {\n    email  = google_service_account.ops.email\n    scopes = ["compute-rw"]\n  }\n}\n',
      // The module-style block over a variable left null makes no service_account (the instance runs without one).
      'variable "service_account" {\n  default = null\n}\nresource "google_compute_instance_template" "tpl" {\n  name_prefix  = "app-"\n  machine_type = "e2-small"\n  dynamic "service_account" {\n    for_each = var.service_account == null ? [] : [var.service_account]\n    content {\n      email  = lookup(service_account.value, "email", null)\n      scopes = lookup(service_account.value, "scopes", null)\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    // The elements of a dynamic block share its lines: one finding per resource and line.
    const reported = new Set<string>();
    const check = function* (owner: TfResource, block: Block, fields: Fields, emailKey: string, scopesKey: string) {
      const scopes = attribute(block, scopesKey);
      const email = attribute(block, emailKey);
      const emailValue = fields.get(emailKey);
      // The email of the default account, read from the data source that looks it up (unknown before apply).
      const lookedUp = email !== undefined && mentioned(input, email.expr).some((r) => r.kind === 'data' && r.type === 'google_compute_default_service_account');
      if (!scopes || (!lookedUp && ((email && !known(emailValue)) || !isDefaultComputeAccount(emailValue)))) return;
      const key = `${label(owner)}:${scopes.line}`;
      const granted = asStrings(fields.get(scopesKey)) ?? [];
      const full = granted.some((s) => CLOUD_PLATFORM.test(s));
      if ((!full && !granted.some((s) => COMPUTE_RW.test(s))) || reported.has(key)) return;
      reported.add(key);
      if (full) yield { line: scopes.line, message: `${label(owner)} runs as the Compute Engine default service account with the cloud-platform scope: whatever runs on it can use the project Editor role.`, resource: label(owner) };
      else yield { line: scopes.line, message: `${label(owner)} runs as the Compute Engine default service account with the compute-rw scope: whatever runs on it can change the metadata (SSH keys, startup scripts) of every VM in the project and take them over.`, resource: label(owner), severity: 'medium' as const };
    };
    const file = fileInstance(input);
    // service_account read where it is made: modules write it as a dynamic block over their input
    // (`dynamic "service_account" { for_each = [var.service_account] content { email = lookup(service_account.value, "email", null) ...`).
    for (const vm of resourcesOf(input, ...INSTANCE_TYPES))
      for (const account of sectionsIn(vm.block, 'service_account', file, { made: true })) if (account.block) yield* check(vm, account.block, account, 'email', 'scopes');
    for (const { owner, config } of nodeConfigs(input)) yield* check(owner, config, fieldsOf(config, file), 'service_account', 'oauth_scopes');
  },
});

const ipForwarding: TfRule = tfRule({
  id: 'iac/tf-gcp-instance-ip-forwarding',
  title: 'Instance can forward IP packets',
  description:
    'can_ip_forward = true lets the instance send and receive packets whose addresses are not its own. Unless it is meant to be a router, NAT or firewall appliance, a compromised instance can then relay traffic between networks and around firewall rules, or spoof other hosts (CIS GCP 4.6). An instance the configuration routes traffic through (the next_hop_instance of a google_compute_route, or of a route given to a module, a router appliance of a Network Connectivity Center spoke, written as a resource or given to a module, or a backend of an internal load balancer that a route uses as its next_hop_ilb: an instance of the unmanaged instance group, or the template of the managed instance group, of the regional backend service the forwarding rule names) is such an appliance, which cannot work without forwarding, and is not reported.',
  remediation: 'Remove can_ip_forward unless the instance is a network appliance; use Cloud NAT and Cloud Router for routing.',
  severity: 'low',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "google_compute_instance" "vm" {\n  name           = "vm"\n  machine_type   = "e2-small"\n  # expect\n  can_ip_forward = true\n}\n',
      // A route through another instance does not make this one a router.
      // Behind an internal load balancer that no route uses as its next hop (the route goes to an address).
      'resource "google_compute_instance_template" "nva" {\n  name_prefix    = "nva-"\n  machine_type   = "e2-small"\n  # expect\n  can_ip_forward = true\n}\nresource "google_compute_region_instance_group_manager" "nva" {\n  name               = "nva"\n  region             = "europe-west1"\n  base_instance_name = "nva"\n  version {\n    instance_template = google_compute_instance_template.nva.self_link\n  }\n}\nresource "google_compute_region_backend_service" "nva" {\n  name                  = "nva"\n  region                = "europe-west1"\n  load_balancing_scheme = "INTERNAL"\n  backend {\n    group = google_compute_region_instance_group_manager.nva.instance_group\n  }\n}\nresource "google_compute_forwarding_rule" "nva" {\n  name                  = "nva"\n  region                = "europe-west1"\n  load_balancing_scheme = "INTERNAL"\n  backend_service       = google_compute_region_backend_service.nva.id\n  all_ports             = true\n  network               = "main"\n}\nresource "google_compute_route" "egress" {\n  name        = "egress"\n  network     = "main"\n  dest_range  = "0.0.0.0/0"\n  next_hop_ip = "10.0.0.5"\n}\n',
      'resource "google_compute_instance" "vm" {\n  name           = "vm"\n  machine_type   = "e2-small"\n  # expect\n  can_ip_forward = true\n}\nresource "google_compute_instance" "router" {\n  name           = "router"\n  machine_type   = "e2-small"\n  can_ip_forward = true\n}\nresource "google_compute_route" "egress" {\n  name              = "egress"\n  network           = "main"\n  dest_range        = "0.0.0.0/0"\n  next_hop_instance = google_compute_instance.router.self_link\n}\n',
    ],
    negative: [
      'resource "google_compute_instance" "vm" {\n  name           = "vm"\n  machine_type   = "e2-small"\n  can_ip_forward = false\n}\n',
      // A router: the next hop of a route, of a route a module makes, or a spoke's router appliance.
      'resource "google_compute_instance" "router" {\n  name           = "router"\n  machine_type   = "e2-small"\n  can_ip_forward = true\n}\nresource "google_compute_route" "egress" {\n  name              = "egress"\n  network           = "main"\n  dest_range        = "0.0.0.0/0"\n  next_hop_instance = google_compute_instance.router.self_link\n}\n',
      'resource "google_compute_instance" "router" {\n  name           = "router"\n  machine_type   = "e2-small"\n  can_ip_forward = true\n}\nmodule "net" {\n  source       = "terraform-google-modules/network/google"\n  network_name = "main"\n  routes = [\n    {\n      name              = "egress"\n      destination_range = "0.0.0.0/0"\n      next_hop_instance = google_compute_instance.router.self_link\n    },\n  ]\n}\n',
      'resource "google_compute_instance" "router" {\n  name           = "router"\n  machine_type   = "e2-small"\n  can_ip_forward = true\n}\nmodule "ncc" {\n  source       = "terraform-google-modules/network/google//modules/network-connectivity-center"\n  project_id   = "example-project"\n  ncc_hub_name = "hub"\n  router_appliance_spokes = {\n    appliance = {\n      instances = [{\n        virtual_machine = google_compute_instance.router.id\n        ip_address      = "10.0.0.2"\n      }]\n      location = "europe-west1"\n    }\n  }\n}\n',
      // Backends of an internal load balancer a route uses as its next hop (next_hop_ilb): a managed group's template, an unmanaged group's instance.
      'resource "google_compute_instance_template" "nva" {\n  name_prefix    = "nva-"\n  machine_type   = "e2-small"\n  can_ip_forward = true\n}\nresource "google_compute_region_instance_group_manager" "nva" {\n  name               = "nva"\n  region             = "europe-west1"\n  base_instance_name = "nva"\n  version {\n    instance_template = google_compute_instance_template.nva.self_link\n  }\n}\nresource "google_compute_region_backend_service" "nva" {\n  name                  = "nva"\n  region                = "europe-west1"\n  load_balancing_scheme = "INTERNAL"\n  backend {\n    group = google_compute_region_instance_group_manager.nva.instance_group\n  }\n}\nresource "google_compute_forwarding_rule" "nva" {\n  name                  = "nva"\n  region                = "europe-west1"\n  load_balancing_scheme = "INTERNAL"\n  backend_service       = google_compute_region_backend_service.nva.id\n  all_ports             = true\n  network               = "main"\n}\nresource "google_compute_route" "egress" {\n  name         = "egress"\n  network      = "main"\n  dest_range   = "0.0.0.0/0"\n  next_hop_ilb = google_compute_forwarding_rule.nva.id\n}\n',
      'resource "google_compute_instance" "nva" {\n  name           = "nva"\n  machine_type   = "e2-small"\n  zone           = "europe-west1-b"\n  can_ip_forward = true\n}\nresource "google_compute_instance_group" "nva" {\n  name      = "nva"\n  zone      = "europe-west1-b"\n  instances = [google_compute_instance.nva.self_link]\n}\nresource "google_compute_region_backend_service" "nva" {\n  name                  = "nva"\n  region                = "europe-west1"\n  load_balancing_scheme = "INTERNAL"\n  backend {\n    group = google_compute_instance_group.nva.id\n  }\n}\nresource "google_compute_forwarding_rule" "nva" {\n  name                  = "nva"\n  region                = "europe-west1"\n  load_balancing_scheme = "INTERNAL"\n  backend_service       = google_compute_region_backend_service.nva.id\n  all_ports             = true\n  network               = "main"\n}\nresource "google_compute_route" "egress" {\n  name         = "egress"\n  network      = "main"\n  dest_range   = "0.0.0.0/0"\n  next_hop_ilb = google_compute_forwarding_rule.nva.id\n}\n',
      'resource "google_compute_instance" "router" {\n  for_each       = toset(["a", "b"])\n  name           = "router-${each.key}"\n  machine_type   = "e2-small"\n  can_ip_forward = true\n}\nresource "google_network_connectivity_spoke" "spoke" {\n  for_each = toset(["a", "b"])\n  name     = "spoke-${each.key}"\n  location = "europe-west1"\n  hub      = "hub"\n  linked_router_appliance_instances {\n    instances {\n      virtual_machine = google_compute_instance.router[each.key].self_link\n      ip_address      = "10.0.0.2"\n    }\n    site_to_site_data_transfer = false\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const vm of resourcesOf(input, ...INSTANCE_TYPES)) {
      const a = attribute(vm.block, 'can_ip_forward');
      if (a && isTrueValue(valueOf(input, vm.block, 'can_ip_forward')) && !routesThrough(input, vm)) yield { line: a.line, message: `${label(vm)} sets can_ip_forward = true.`, resource: label(vm) };
    }
  },
});

/**
 * Whether the configuration routes traffic through the instance, which is then a router
 * that needs can_ip_forward: the next_hop_instance of a google_compute_route, of a route
 * written in a module call's arguments (the network module's `routes`), or a router
 * appliance of a google_network_connectivity_spoke.
 */
function routesThrough(input: TfInput, vm: TfResource): boolean {
  const target = written(vm);
  if (referrers(input, target, ['google_compute_route'], 'next_hop_instance').length > 0) return true;
  for (const spoke of moduleResourcesOf(input, 'google_network_connectivity_spoke')) {
    for (const linked of blocksOf(spoke.block, 'linked_router_appliance_instances')) {
      for (const instances of blocksOf(linked, 'instances')) if (mentioned(input, attribute(instances, 'virtual_machine')?.expr).includes(target)) return true;
    }
  }
  const calls = input.exported ?? input.body.blocks.filter((b) => b.type === 'module').map((b) => input.source.slice(b.start, b.end));
  if (calls.some((text) => [...text.matchAll(/\bnext_hop_instance\s*=\s*([^\n]*)/g)].some((m) => mentionsAddress(m[1]!, target.address)))) return true;
  // The router appliance instances of a spoke a module makes (the network module's router_appliance_spokes).
  if (calls.some((text) => /\brouter_appliance/.test(text) && [...text.matchAll(/\bvirtual_machine\s*=\s*([^\n]*)/g)].some((m) => mentionsAddress(m[1]!, target.address)))) return true;
  return behindNextHopIlb(input, target);
}

/** Resources of `types` whose attribute `path` (`backend.group`: in a nested block) names the target. */
function naming(input: TfInput, target: TfResource, types: readonly string[], path: string): TfResource[] {
  const [outer, inner] = path.split('.') as [string, string | undefined];
  return moduleResourcesOf(input, ...types).filter((r) => {
    const exprs = inner === undefined ? [attribute(r.block, outer)?.expr] : blocksOf(r.block, outer).map((b) => attribute(b, inner)?.expr);
    return exprs.some((e) => mentioned(input, e).includes(target));
  });
}

/**
 * Whether the instance (or template) is a backend of an internal passthrough load balancer
 * that a google_compute_route uses as its next hop (next_hop_ilb): the route names the
 * forwarding rule, which names a regional backend service, whose backend group is an
 * unmanaged instance group listing the instance, or a managed instance group made from
 * the template. Only references written out are followed.
 */
function behindNextHopIlb(input: TfInput, target: TfResource): boolean {
  const groups =
    target.type === 'google_compute_instance'
      ? naming(input, target, ['google_compute_instance_group'], 'instances')
      : [
          ...naming(input, target, MANAGED_GROUPS, 'version.instance_template'),
          // The provider's older form, before versions.
          ...naming(input, target, MANAGED_GROUPS, 'instance_template'),
        ];
  for (const group of new Set(groups)) {
    for (const service of naming(input, group, ['google_compute_region_backend_service'], 'backend.group')) {
      for (const rule of naming(input, service, ['google_compute_forwarding_rule'], 'backend_service')) {
        if (referrers(input, rule, ['google_compute_route'], 'next_hop_ilb').length > 0) return true;
      }
    }
  }
  return false;
}

const MANAGED_GROUPS = ['google_compute_instance_group_manager', 'google_compute_region_instance_group_manager'];

/**
 * Google's public image projects: their current images and families are UEFI images that
 * support Shielded VM (Secure Boot, vTPM, integrity monitoring).
 */
const SHIELDED_IMAGE_PROJECTS = new Set(['centos-cloud', 'cos-cloud', 'debian-cloud', 'fedora-coreos-cloud', 'rhel-cloud', 'rhel-sap-cloud', 'rocky-linux-cloud', 'suse-cloud', 'suse-sap-cloud', 'ubuntu-os-cloud', 'ubuntu-os-pro-cloud', 'windows-cloud', 'windows-sql-cloud']);
/** A bare image or family name the provider looks up in those projects (`debian-12`, `ubuntu-2204-lts`). */
const PUBLIC_IMAGE_NAME = /^(?:centos|debian|rhel|sles|ubuntu|windows)-[a-z0-9-]*$/;

/**
 * Whether a boot image is known to support Shielded VM: an image or family of a public
 * image project, written as `project/name`, `projects/project/global/images/...` (or its
 * URL), a bare public family name, or a google_compute_image data source of such a
 * project. Images dated before 2019 (`-v20180401`), made before Shielded VM, are not.
 * Custom images and images that cannot be read are not known to.
 */
function supportsShieldedVm(input: TfInput, value: Value | undefined, expr: Expr | undefined): boolean {
  if (typeof value === 'string') {
    const image = value.trim();
    const date = /-v(\d{8})[a-z]?$/.exec(image);
    if (date && Number(date[1]) < 20190101) return false;
    const project = /(?:^|\/)projects\/([a-z0-9-]+)\/global\/images\//.exec(image)?.[1] ?? /^([a-z0-9-]+)\/[a-z0-9-]+$/.exec(image)?.[1];
    return project !== undefined ? SHIELDED_IMAGE_PROJECTS.has(project) : PUBLIC_IMAGE_NAME.test(image);
  }
  if (known(value)) return false;
  const image = mentioned(input, expr).find((r) => r.kind === 'data' && r.type === 'google_compute_image');
  const project = image ? valueOf(input, image.block, 'project') : undefined;
  return typeof project === 'string' && SHIELDED_IMAGE_PROJECTS.has(project.trim());
}

/** The boot image of an instance (boot_disk.initialize_params.image) or a template (source_image of its boot disk, else its first), as read where its blocks are made. */
function bootImage(vm: TfResource, file: Instance): { value: Value | undefined; expr: Expr | undefined } {
  if (vm.type === 'google_compute_instance') {
    const { attribute: a, value } = settingAt(vm.block, ['boot_disk', 'initialize_params', 'image'], file);
    return { value, expr: a?.expr };
  }
  const disks = sectionsIn(vm.block, 'disk', file, { made: true });
  const boot = disks.find((d) => isTrueValue(d.get('boot'))) ?? disks[0];
  return { value: boot?.get('source_image'), expr: boot?.block ? attribute(boot.block, 'source_image')?.expr : undefined };
}

const SHIELDED_SETTINGS = [
  { name: 'enable_secure_boot', off: 'turns Secure Boot off (enable_secure_boot = false): unsigned boot loaders, kernels and drivers can run' },
  { name: 'enable_vtpm', off: 'turns the virtual TPM off (enable_vtpm = false): no measured boot, no integrity monitoring, no secrets sealed to the VM' },
  { name: 'enable_integrity_monitoring', off: 'turns integrity monitoring off (enable_integrity_monitoring = false): a changed boot sequence goes unnoticed' },
];

const shieldedVmOff: TfRule = tfRule({
  id: 'iac/tf-gcp-instance-shielded-vm-off',
  title: 'VM instance without Shielded VM protections',
  description:
    'An instance or instance template does not turn Secure Boot on (shielded_instance_config.enable_secure_boot defaults to false), or turns the virtual TPM or integrity monitoring off (both on by default). Secure Boot refuses boot loaders, kernels and kernel modules that are not signed, so malware that gained root cannot persist as a bootkit or rootkit; the vTPM measures the boot, and integrity monitoring compares each boot with the known-good one and reports changes (CIS GCP 4.8). Shielded VM needs a UEFI image: a missing Secure Boot is reported only when the boot image is known to support it, an image or family of a Google public image project (debian-cloud, ubuntu-os-cloud, cos-cloud, rhel-cloud, windows-cloud...), written out or through a google_compute_image data source; custom images and images that cannot be read are left alone, and settings turned off are reported whatever the image. Low severity: a defence against persistence after a compromise of the VM, not a way in.',
  remediation: 'Add shielded_instance_config { enable_secure_boot = true } and leave enable_vtpm and enable_integrity_monitoring at true; build custom images with UEFI support (guest OS feature UEFI_COMPATIBLE) and sign third-party kernel modules. The organisation policy constraints/compute.requireShieldedVm enforces it.',
  severity: 'low',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      '# expect\nresource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  boot_disk {\n    initialize_params {\n      image = "debian-cloud/debian-12"\n    }\n  }\n}\n',
      'resource "google_compute_instance_template" "web" {\n  name_prefix  = "web-"\n  machine_type = "e2-small"\n  disk {\n    source_image = "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts"\n    boot         = true\n  }\n  shielded_instance_config {\n    enable_secure_boot          = true\n    # expect\n    enable_vtpm                 = false\n    # expect\n    enable_integrity_monitoring = false\n  }\n}\n',
      'data "google_compute_image" "cos" {\n  family  = "cos-stable"\n  project = "cos-cloud"\n}\n\nresource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  boot_disk {\n    initialize_params {\n      image = data.google_compute_image.cos.self_link\n    }\n  }\n  # expect\n  shielded_instance_config {\n    enable_vtpm = true\n  }\n}\n',
    ],
    negative: [
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  boot_disk {\n    initialize_params {\n      image = "debian-cloud/debian-12"\n    }\n  }\n  shielded_instance_config {\n    enable_secure_boot = true\n  }\n}\n',
      // A custom image may not be a UEFI image: Shielded VM cannot be asked of it.
      'resource "google_compute_instance" "legacy" {\n  name         = "legacy"\n  machine_type = "e2-small"\n  boot_disk {\n    initialize_params {\n      image = "global/images/appliance-v3"\n    }\n  }\n}\n',
      // A module's dynamic shielded_instance_config, made when var.enable_shielded_vm is true.
      'variable "enable_shielded_vm" {\n  default = true\n}\nresource "google_compute_instance_template" "tpl" {\n  name_prefix  = "app-"\n  machine_type = "e2-small"\n  disk {\n    source_image = "debian-cloud/debian-12"\n    boot         = true\n  }\n  dynamic "shielded_instance_config" {\n    for_each = var.enable_shielded_vm ? [true] : []\n    content {\n      enable_secure_boot          = shielded_instance_config.value\n      enable_vtpm                 = true\n      enable_integrity_monitoring = true\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const vm of resourcesOf(input, ...INSTANCE_TYPES)) {
      // Read where it is made: modules write shielded_instance_config as a dynamic block over a switch (var.enable_shielded_vm ? [true] : []).
      for (const { name, off } of SHIELDED_SETTINGS) {
        const { attribute: a, value, line } = settingAt(vm.block, ['shielded_instance_config', name], file);
        if (a && isFalseValue(value)) yield { line, message: `${label(vm)} ${off}.`, resource: label(vm) };
      }
      const boot = settingAt(vm.block, ['shielded_instance_config', 'enable_secure_boot'], file);
      if (boot.attribute && boot.value !== null) continue;
      const image = bootImage(vm, file);
      if (supportsShieldedVm(input, image.value, image.expr))
        yield { line: boot.line, message: `${label(vm)} does not turn Secure Boot on (shielded_instance_config.enable_secure_boot defaults to false) although its image supports it: unsigned boot loaders, kernels and drivers can run.`, resource: label(vm) };
    }
  },
});

const DISK_TYPES = ['google_compute_disk', 'google_compute_region_disk', 'google_compute_instance', 'google_compute_snapshot', 'google_compute_image'];

const plaintextDiskKey: TfRule = tfRule({
  id: 'iac/tf-gcp-disk-key-in-code',
  title: 'Customer-supplied disk encryption key written in the configuration',
  description: 'A disk, snapshot or image is encrypted with a customer-supplied key (raw_key or rsa_encrypted_key) whose value is written in the Terraform code. Anyone who can read the repository or the state can decrypt the disk, and the key cannot be rotated without recreating the disk.',
  remediation: 'Use a Cloud KMS key (kms_key_self_link), or pass the customer-supplied key from a secret store through a sensitive variable that has no default.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      'resource "google_compute_disk" "data" {\n  name = "data"\n  zone = "europe-west1-b"\n  disk_encryption_key {\n    # expect\n    raw_key = "FAKE-EXAMPLE-KEY"\n  }\n}\n',
      'resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  boot_disk {\n    disk_encryption_key_raw = "FAKE-EXAMPLE-KEY"\n  }\n}\n',
    ],
    negative: ['resource "google_compute_disk" "data" {\n  name = "data"\n  zone = "europe-west1-b"\n  disk_encryption_key {\n    kms_key_self_link = google_kms_crypto_key.disks.id\n  }\n}\n', 'variable "disk_key" {\n  sensitive = true\n}\n\nresource "google_compute_disk" "data" {\n  name = "data"\n  disk_encryption_key {\n    raw_key = var.disk_key\n  }\n}\n'],
  },
  *check(input) {
    const literal = (block: Block, name: string) => {
      const a = attribute(block, name);
      const value = valueOf(input, block, name);
      return a && typeof value === 'string' && value.trim() !== '' ? { line: a.line, value } : undefined;
    };
    for (const resource of resourcesOf(input, ...DISK_TYPES)) {
      const owners = [
        ...blocksOf(resource.block, 'disk_encryption_key'),
        ...blocksOf(resource.block, 'snapshot_encryption_key'),
        ...blocksOf(resource.block, 'image_encryption_key'),
        ...blocksOf(resource.block, 'source_disk_encryption_key'),
        ...blocksOf(resource.block, 'source_image_encryption_key'),
        ...blocksOf(resource.block, 'boot_disk'),
        ...blocksOf(resource.block, 'attached_disk'),
      ];
      for (const owner of owners) {
        for (const name of ['raw_key', 'rsa_encrypted_key', 'disk_encryption_key_raw', 'disk_encryption_key_rsa']) {
          const key = literal(owner, name);
          if (key) yield { line: key.line, message: `${label(resource)} has its customer-supplied encryption key (${name}) written in the configuration.`, resource: label(resource), secret: key.value };
        }
      }
    }
  },
});

export const gcpComputeRules: readonly TfRule[] = [
  firewallOpenToInternet,
  firewallWidePrivate,
  firewallBroadPublic,
  projectDefaultNetwork,
  instancePublicIp,
  serialPort,
  osLoginDisabled,
  projectSshKeys,
  defaultServiceAccountFullAccess,
  ipForwarding,
  plaintextDiskKey,
  shieldedVmOff,
];

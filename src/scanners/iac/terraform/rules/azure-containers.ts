import type { Severity } from '../../../../core/finding.js';
import { describePort, sensitivePort, type ServicePort } from '../../ports.js';
import type { Value } from '../hcl/evaluate.js';
import { label, resourcesOf } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { finding, setting, text, unreadable } from './azure-common.js';
import { fileInstance, sectionsIn, type Section } from './instances.js';

/** A port number as the file gives it (a number or a numeric string), or undefined. */
function portNumber(value: Value | undefined): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** TCP (the default) or UDP; undefined for a protocol that cannot be read. */
function transportOf(value: Value | undefined): 'tcp' | 'udp' | undefined {
  if (value === undefined || value === null) return 'tcp';
  const t = known(value) ? text(value) : undefined;
  return t === 'tcp' || t === 'udp' ? t : undefined;
}

interface GroupPort {
  section: Section;
  port: number;
  transport: 'tcp' | 'udp';
  /** The image of the container that listens on the port, when one container of the group names it. */
  image?: string;
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

const containerGroupPublicPort: TfRule = tfRule({
  id: 'iac/tf-azure-container-group-public-port',
  title: 'Container group exposes a sensitive port on a public IP address',
  description:
    'An Azure Container Instances group with a public IP address (ip_address_type = "Public", the default) exposes a port of a service that must not be public: SSH, RDP, a database, a cache, a message broker or a container or cluster API (see the port catalogue). A container group has no network security group: every exposed port (the exposed_port blocks, or the containers\' ports when there are none) is open to the whole internet, where databases and caches are found and attacked within hours. A port is judged with the image of the container that lists it, so an image that is the service on purpose (a DNS server on 53) is not reported.',
  remediation:
    'Deploy the group into a virtual network (ip_address_type = "Private" with subnet_ids) and reach it from there, or expose only the ports clients need (exposed_port) and put the service behind Application Gateway or a VPN.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "azurerm_container_group" "cache" {\n  name                = "cache"\n  location            = "westeurope"\n  resource_group_name = "apps"\n  os_type             = "Linux"\n  ip_address_type     = "Public"\n  container {\n    name   = "redis"\n    image  = "redis:7.2"\n    cpu    = 0.5\n    memory = 1\n    ports {\n      # expect\n      port     = 6379\n      protocol = "TCP"\n    }\n  }\n}\n',
      // ip_address_type defaults to Public; exposed_port chooses what the address answers on.
      'resource "azurerm_container_group" "db" {\n  name                = "db"\n  location            = "westeurope"\n  resource_group_name = "apps"\n  os_type             = "Linux"\n  exposed_port {\n    # expect\n    port = 5432\n  }\n  container {\n    name   = "postgres"\n    image  = "postgres:16"\n    cpu    = 1\n    memory = 2\n    ports {\n      port = 5432\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "azurerm_container_group" "web" {\n  name                = "web"\n  location            = "westeurope"\n  resource_group_name = "apps"\n  os_type             = "Linux"\n  ip_address_type     = "Public"\n  container {\n    name   = "web"\n    image  = "nginx:1.25"\n    cpu    = 0.5\n    memory = 1\n    ports {\n      port = 443\n    }\n  }\n}\n',
      'resource "azurerm_container_group" "cache" {\n  name                = "cache"\n  location            = "westeurope"\n  resource_group_name = "apps"\n  os_type             = "Linux"\n  ip_address_type     = "Private"\n  subnet_ids          = [azurerm_subnet.apps.id]\n  container {\n    name   = "redis"\n    image  = "redis:7.2"\n    cpu    = 0.5\n    memory = 1\n    ports {\n      port = 6379\n    }\n  }\n}\n',
      // Only the exposed ports answer on the address: the database port stays inside the group.
      'resource "azurerm_container_group" "app" {\n  name                = "app"\n  location            = "westeurope"\n  resource_group_name = "apps"\n  os_type             = "Linux"\n  exposed_port {\n    port = 443\n  }\n  container {\n    name   = "app"\n    image  = "example.org/app:1.0"\n    cpu    = 0.5\n    memory = 1\n    ports {\n      port = 443\n    }\n  }\n  container {\n    name   = "postgres"\n    image  = "postgres:16"\n    cpu    = 1\n    memory = 2\n    ports {\n      port = 5432\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const group of resourcesOf(input, 'azurerm_container_group')) {
      // ip_address_type defaults to Public; a value that cannot be read may be Private.
      const addressType = setting(input, group, group.block, ['ip_address_type']);
      if (unreadable(addressType) || (addressType && !addressType.values.some((v) => v === null || text(v) === 'public'))) continue;
      const listened: GroupPort[] = [];
      for (const container of sectionsIn(group.block, 'container', file, { made: true })) {
        const image = container.get('image');
        for (const ports of container.block ? sectionsIn(container.block, 'ports', container.instance, { made: true }) : []) {
          const port = portNumber(ports.get('port'));
          const transport = transportOf(ports.get('protocol'));
          if (port !== undefined && transport) listened.push({ section: ports, port, transport, ...(typeof image === 'string' ? { image } : {}) });
        }
      }
      const exposed = sectionsIn(group.block, 'exposed_port', file, { made: true });
      const open: GroupPort[] = [];
      if (exposed.length > 0) {
        for (const section of exposed) {
          const port = portNumber(section.get('port'));
          const transport = transportOf(section.get('protocol'));
          if (port === undefined || !transport) continue;
          // The image of the one container that listens there, if only one does.
          const owners = listened.filter((l) => l.port === port && l.transport === transport);
          const image = owners.length === 1 ? owners[0]!.image : undefined;
          open.push({ section, port, transport, ...(image !== undefined ? { image } : {}) });
        }
      } else open.push(...listened);
      for (const { section, port, transport, image } of open) {
        const entry: ServicePort | undefined = sensitivePort(port, transport, image);
        if (!entry) continue;
        const severity: Severity = RANK[entry.severity] >= RANK.high ? 'high' : entry.severity;
        yield finding(group, section.lineOf('port'), `${label(group)} exposes ${describePort(entry)} on its public IP address${image ? ` (container image ${image})` : ''}: a container group has no network security group, so anyone on the internet can connect.`, severity);
      }
    }
  },
});

export const azureContainerRules: readonly TfRule[] = [containerGroupPublicPort];

import type { Block } from '../hcl/ast.js';
import { evaluate } from '../hcl/evaluate.js';
import { attribute, blocksOf, mentioned, textOf, usersOf, written, type TfInput, type TfResource } from '../model.js';

/**
 * Subnet delegations whose subnets hold only servers without a public endpoint: a PostgreSQL
 * or MySQL flexible server created in a delegated subnet (virtual network integration) has
 * private addresses only, public access cannot be turned on for it, and the delegated subnet
 * may hold no other kind of resource.
 */
const PRIVATE_SERVER_DELEGATION = /^microsoft\.dbfor(?:postgresql|mysql)\/flexibleservers$/i;

/** The service a subnet is delegated to, when every delegation block of it is written and names such a service. */
function delegatedToPrivateServers(input: TfInput, subnet: Block): string | undefined {
  if (subnet.body.blocks.some((b) => b.type === 'dynamic')) return undefined;
  const names = blocksOf(subnet, 'delegation').flatMap((d) => blocksOf(d, 'service_delegation').map((s) => evaluate(attribute(s, 'name')?.expr, input.scope)));
  if (names.length === 0 || !names.every((n) => typeof n === 'string' && PRIVATE_SERVER_DELEGATION.test(n.trim()))) return undefined;
  return String(names[0]).trim();
}

/** Resources that may name a network security group without placing it in front of anything: its rules, its flow logs. */
const HARMLESS_USERS = new Set(['azurerm_network_security_rule', 'azurerm_network_watcher_flow_log']);

/** `azurerm_subnet.db.id` (or of one instance of it): the subnet an association names, and nothing else. */
const SUBNET_REFERENCE = /^(?:"\$\{)?\s*(azurerm_subnet\.[\w-]+)(?:\[[^\]]*\])?\.id\s*(?:\}")?$/;

/**
 * The subnets a network security group guards, with the service each is delegated to, when
 * the module shows all of them to be subnets delegated to PostgreSQL or MySQL flexible
 * servers: every resource that names the group (nothing hands it on through an output or
 * a module call) is one of its rules or an azurerm_subnet_network_security_group_association
 * whose subnet_id names exactly an azurerm_subnet of the module so delegated, and there is
 * at least one. Inbound traffic from the internet then reaches no address behind the group;
 * only networks routed to the virtual network (peerings, VPN, ExpressRoute) do. Undefined
 * otherwise. `holder` is the group, or one of its azurerm_network_security_rule resources.
 */
export function privateServerSubnets(input: TfInput, holder: TfResource): Array<{ subnet: string; service: string }> | undefined {
  const group =
    holder.type === 'azurerm_network_security_group'
      ? holder
      : mentioned(input, attribute(written(holder).block, 'network_security_group_name')?.expr).find((r) => r.type === 'azurerm_network_security_group');
  const users = group && usersOf(input, group);
  if (!users) return undefined;
  const subnets = new Map<string, string>();
  for (const { resource } of users) {
    if (resource.kind === 'data' || HARMLESS_USERS.has(resource.type)) continue;
    if (resource.type !== 'azurerm_subnet_network_security_group_association') return undefined;
    const subnetId = attribute(written(resource).block, 'subnet_id')?.expr;
    const address = subnetId && SUBNET_REFERENCE.exec(textOf(input, subnetId).trim())?.[1];
    const subnet = address ? mentioned(input, subnetId).find((r) => r.type === 'azurerm_subnet' && written(r).address === address && !r.module) : undefined;
    const service = subnet && delegatedToPrivateServers(input, written(subnet).block);
    if (!service) return undefined;
    subnets.set(address!, service);
  }
  return subnets.size > 0 ? [...subnets].map(([subnet, service]) => ({ subnet, service })) : undefined;
}

import type { Block, Expr } from '../hcl/ast.js';
import { evaluate, UNKNOWN } from '../hcl/evaluate.js';
import { attribute, blocksOf, isKnownEmpty, moduleResourcesOf, textOf, usersOf, written, type TfInput, type TfResource } from '../model.js';
import { planInstances } from '../resource-instances.js';
import { fileInstance, notCreated } from './instances.js';

/** Resources that may name a route table without adding a route that leaves the VPC for the internet. */
const ROUTE_TABLE_USERS = new Set([
  'aws_route',
  'aws_route_table_association',
  'aws_main_route_table_association',
  'aws_vpc_endpoint',
  'aws_vpc_endpoint_route_table_association',
  'aws_vpn_gateway_route_propagation',
]);

/** The addresses of the resources of one type that an expression refers to (`aws_subnet.db` in `aws_subnet.db[0].id`). */
function references(input: TfInput, expr: Expr | undefined, type: string): string[] {
  if (!expr) return [];
  return [...new Set([...textOf(input, expr).matchAll(new RegExp(`(?<![\\w.-])${type}\\.([\\w-]+)`, 'g'))].map((m) => `${type}.${m[1]}`))];
}

/**
 * Whether a route's gateway_id may be an internet gateway: anything but nothing, the VPC's
 * `local` route, or a virtual private gateway (an aws_vpn_gateway, a `vgw-` ID).
 */
function mayBeInternetGateway(input: TfInput, expr: Expr): boolean {
  const value = evaluate(expr, input.scope);
  if (value === null || value === '' || value === 'local' || (typeof value === 'string' && value.startsWith('vgw-'))) return false;
  return !/^"?\$?\{?\s*(?:data\.)?aws_vpn_gateway\.[\w-]+(?:\[[^\]]*\])?\.id\s*\}?"?$/.test(textOf(input, expr).trim());
}

/** Whether a route (a `route` block, an object of a `route` list, or an aws_route) may send traffic to an internet or carrier gateway. */
function routeMayLeave(input: TfInput, field: (name: string) => Expr | undefined): boolean {
  const carrier = field('carrier_gateway_id');
  if (carrier && evaluate(carrier, input.scope) !== null && evaluate(carrier, input.scope) !== '') return true;
  const gateway = field('gateway_id');
  return gateway !== undefined && mayBeInternetGateway(input, gateway);
}

/** Whether the routes a route table writes itself are all known and none may leave for the internet. */
function ownRoutesStayInside(input: TfInput, table: Block): boolean {
  // Routes made by a dynamic block are not read.
  if (table.body.blocks.some((b) => b.type === 'dynamic' && b.labels[0] === 'route')) return false;
  for (const route of blocksOf(table, 'route')) if (routeMayLeave(input, (name) => attribute(route, name)?.expr)) return false;
  const list = attribute(table, 'route')?.expr;
  if (!list) return true;
  if (list.kind !== 'tuple') return false;
  return list.items.every((item) => item.kind === 'object' && !routeMayLeave(input, (name) => item.items.find((i) => i.keyName === name)?.value));
}

function repeated(block: Block): boolean {
  return attribute(block, 'count') !== undefined || attribute(block, 'for_each') !== undefined;
}

/** Whether a resource is made at least once: no count or for_each, or one known to make some. */
function surelyMade(input: TfInput, block: Block): boolean {
  const count = attribute(block, 'count');
  const forEach = attribute(block, 'for_each');
  if (!count && !forEach) return true;
  const value = evaluate((count ?? forEach)!.expr, input.scope);
  if (count) return typeof value === 'number' && value > 0;
  return value !== null && value !== UNKNOWN && typeof value === 'object' && !isKnownEmpty(value);
}

/** `aws_subnet.app[each.key].id` or `aws_subnet.app[count.index].id`: the subnet of the association's own key. */
const SUBNET_OF_KEY = /^(?:"\$\{)?\s*aws_subnet\.[\w-]+\[\s*(?:each\.key|count\.index)\s*\]\.id\s*(?:\}")?$/;

/**
 * Whether an association repeated with for_each or count names, by its own key, every
 * instance of a subnet repeated the same way: both read, and every key of the subnet is
 * one of the association's.
 */
function associatesEveryInstance(input: TfInput, association: TfResource, subnet: TfResource): boolean {
  const subnetId = attribute(written(association).block, 'subnet_id')?.expr;
  if (!subnetId || !SUBNET_OF_KEY.test(textOf(input, subnetId).trim())) return false;
  const subnets = planInstances(written(subnet).block, input.scope);
  const associations = planInstances(written(association).block, input.scope);
  if (subnets.kind !== 'instances' || associations.kind !== 'instances') return false;
  const keys = new Set(associations.instances.map((i) => i.key));
  return subnets.instances.every((i) => keys.has(i.key));
}

const CACHE = new WeakMap<TfInput, Set<string>>();

/**
 * The aws_subnet addresses of the module from which no traffic reaches an internet (or carrier)
 * gateway, so a public IP address given there answers nothing: every association of the subnet
 * is surely made and names one aws_route_table of the module, whose own routes and the module's
 * aws_route resources send nothing to a gateway that is or may be an internet gateway, and that
 * nothing else names (no output or module call, nor another resource that may add a route).
 * A subnet with no association uses its VPC's main route table, which is not known, and is not
 * one of them; nor is a subnet or table made by a module, or any subnet when a route that may
 * reach the internet is added to a table not named by reference.
 */
export function unroutedSubnets(input: TfInput): Set<string> {
  const cached = CACHE.get(input);
  if (cached) return cached;
  const out = new Set<string>();
  CACHE.set(input, out);
  const exists = (r: TfResource) => !r.module && !notCreated(r.block, fileInstance(input));
  const leaving = new Set<string>();
  for (const route of moduleResourcesOf(input, 'aws_route')) {
    // A module's routes are on its own tables, or on tables handed to it, which a module call names.
    if (route.module) continue;
    if (!exists(route) || !routeMayLeave(input, (name) => attribute(route.block, name)?.expr)) continue;
    const tables = references(input, attribute(route.block, 'route_table_id')?.expr, 'aws_route_table');
    if (tables.length === 0) return out;
    for (const table of tables) leaving.add(table);
  }
  const tables = new Map(moduleResourcesOf(input, 'aws_route_table').filter((t) => !t.module).map((t) => [t.address, t]));
  const closedTables = new Map<string, boolean>();
  const closed = (address: string): boolean => {
    const known = closedTables.get(address);
    if (known !== undefined) return known;
    const table = tables.get(address);
    const users = table && !leaving.has(address) && ownRoutesStayInside(input, table.block) ? usersOf(input, table) : undefined;
    const result = users !== undefined && users.every(({ resource }) => resource.kind === 'data' || (!resource.module && ROUTE_TABLE_USERS.has(resource.type)));
    closedTables.set(address, result);
    return result;
  };
  const associations = moduleResourcesOf(input, 'aws_route_table_association').filter(exists);
  for (const subnet of moduleResourcesOf(input, 'aws_subnet')) {
    if (subnet.module) continue;
    let associated = false;
    let confined = true;
    for (const association of associations) {
      const byRepetition = ['for_each', 'count'].some((key) => references(input, attribute(association.block, key)?.expr, 'aws_subnet').includes(subnet.address));
      if (!byRepetition && !references(input, attribute(association.block, 'subnet_id')?.expr, 'aws_subnet').includes(subnet.address)) continue;
      associated = true;
      // An association repeated otherwise than over the subnets (count = var.create ? 1 : 0, or two of three
      // subnets) may leave the subnet, or some of its instances, to the main route table.
      // Or one repeated over the subnet's own keys (`aws_subnet.app[each.key].id` over the same map): each instance has its association.
      const made = byRepetition || (!repeated(written(subnet).block) && surelyMade(input, association.block)) || associatesEveryInstance(input, association, subnet);
      const named = references(input, attribute(association.block, 'route_table_id')?.expr, 'aws_route_table');
      if (!made || named.length !== 1 || !closed(named[0]!)) confined = false;
    }
    if (associated && confined) out.add(subnet.address);
  }
  return out;
}

/** The aws_subnet an expression is exactly a reference to (`aws_subnet.app.id`, `aws_subnet.app[0].id`), if any. */
export function subnetNamed(input: TfInput, expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  const m = /^(?:"\$\{)?\s*(aws_subnet\.[\w-]+)(?:\[[^\]]*\])?\.id\s*(?:\}")?$/.exec(textOf(input, expr).trim());
  return m?.[1];
}

const EACH_VALUE_ID = /^(?:"\$\{)?\s*each\.value\.id\s*(?:\}")?$/;
const SUBNETS = /^(?:"\$\{)?\s*(aws_subnet\.[\w-]+)\s*(?:\}")?$/;

/**
 * The aws_subnet a resource's subnet_id names: a reference to one (subnetNamed), or
 * `each.value.id` in a resource repeated over the subnets themselves (`for_each = aws_subnet.app`).
 */
function subnetOf(input: TfInput, resource: TfResource): string | undefined {
  const block = written(resource).block;
  const subnetId = attribute(block, 'subnet_id')?.expr;
  if (!subnetId || !EACH_VALUE_ID.test(textOf(input, subnetId).trim())) return subnetNamed(input, subnetId);
  const forEach = attribute(block, 'for_each')?.expr;
  return forEach && SUBNETS.exec(textOf(input, forEach).trim())?.[1];
}

/** The aws_network_interface of the module an expression is exactly a reference to (`aws_network_interface.app.id`), if any. */
function interfaceNamed(input: TfInput, expr: Expr | undefined): TfResource | undefined {
  const m = expr && /^(?:"\$\{)?\s*(aws_network_interface\.[\w-]+)(?:\[[^\]]*\])?\.id\s*(?:\}")?$/.exec(textOf(input, expr).trim());
  return m ? moduleResourcesOf(input, 'aws_network_interface').find((r) => !r.module && written(r).address === m[1]) : undefined;
}

/**
 * Whether an instance (an aws_instance, or a launch template's network_interfaces block) is
 * surely placed in subnets that cannot reach an internet gateway (unroutedSubnets): the one
 * its subnet_id names, or, without one, those of the aws_network_interfaces its
 * network_interface blocks attach (each written block naming one of the module, each in such a subnet).
 */
export function placedUnrouted(input: TfInput, resource: TfResource, holder: Block = resource.block): boolean {
  const unrouted = unroutedSubnets(input);
  if (attribute(holder, 'subnet_id')) {
    const subnet = holder === resource.block ? subnetOf(input, resource) : subnetNamed(input, attribute(holder, 'subnet_id')?.expr);
    return subnet !== undefined && unrouted.has(subnet);
  }
  const own = attribute(holder, 'network_interface_id');
  if (own) {
    const eni = interfaceNamed(input, own.expr);
    const subnet = eni && subnetOf(input, eni);
    return subnet !== undefined && unrouted.has(subnet);
  }
  if (holder !== resource.block) return false;
  const attached = holder.body.blocks.filter((b) => b.type === 'network_interface' || (b.type === 'dynamic' && b.labels[0] === 'network_interface'));
  return (
    attached.length > 0 &&
    attached.every((nic) => {
      const eni = nic.type === 'network_interface' ? interfaceNamed(input, attribute(nic, 'network_interface_id')?.expr) : undefined;
      const subnet = eni && subnetOf(input, eni);
      return subnet !== undefined && unrouted.has(subnet);
    })
  );
}

import type { Block, Body, Expr } from './hcl/ast.js';
import { EMPTY_SCOPE, evaluate } from './hcl/evaluate.js';
import { registryAddress } from './modules/synthesize.js';

/** The registry address of the terraform-aws-modules VPC module. */
export const VPC_MODULE = 'terraform-aws-modules/vpc/aws';

/** The VPC module's outputs that name its database subnet group. */
const DATABASE_GROUP_OUTPUTS = new Set(['database_subnet_group', 'database_subnet_group_name']);

function setting(block: Block, name: string): Expr | undefined {
  return block.body.attributes.find((a) => a.name === name)?.expr;
}

/**
 * Whether an expression is, as written, the database subnet group of a call of the VPC
 * module in `body` that cannot reach an internet gateway: `module.vpc.database_subnet_group_name`
 * where the call gives database_subnets, makes its subnet group (create_database_subnet_group
 * left out or true) and leaves create_database_subnet_route_table or
 * create_database_internet_gateway_route out or false (the module routes its database subnets
 * to the internet gateway only with both; without them they share the private route tables,
 * whose default route, if any, is a NAT gateway). Settings are read as written, with no
 * variable: one the call reads from elsewhere counts as possibly on. A group that is not
 * made would leave the database in the default VPC's subnet group, whose subnets are public.
 */
export function namesUnroutedSubnetGroup(expr: Expr | undefined, body: Body): boolean {
  if (expr?.kind !== 'traversal' || expr.source || expr.path.length !== 3) return false;
  const [root, name, output] = expr.path;
  if (root !== 'module' || !name || !output || !DATABASE_GROUP_OUTPUTS.has(output)) return false;
  const call = body.blocks.find((b) => b.type === 'module' && b.labels[0] === name);
  if (!call || setting(call, 'count') || setting(call, 'for_each')) return false;
  const source = evaluate(setting(call, 'source'), EMPTY_SCOPE);
  if (typeof source !== 'string' || registryAddress(source)?.address !== VPC_MODULE) return false;
  const databases = setting(call, 'database_subnets');
  const listed = evaluate(databases, EMPTY_SCOPE);
  if (!databases || (Array.isArray(listed) && listed.length === 0)) return false;
  for (const flag of ['create_vpc', 'create_database_subnet_group']) {
    const given = setting(call, flag);
    if (given && evaluate(given, EMPTY_SCOPE) !== true) return false;
  }
  return ['create_database_subnet_route_table', 'create_database_internet_gateway_route'].some((flag) => {
    const given = setting(call, flag);
    return !given || evaluate(given, EMPTY_SCOPE) === false;
  });
}

/** The arguments of a module call that pass on such a subnet group of the caller's file (namesUnroutedSubnetGroup). */
export function unroutedArguments(call: Block, body: Body): string[] {
  return call.body.attributes.filter((a) => namesUnroutedSubnetGroup(a.expr, body)).map((a) => a.name);
}

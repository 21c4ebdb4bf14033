import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { scanMemory } from '../../helpers/memory-files.js';

const PUBLIC = 'iac/tf-aws-publicly-accessible';

const found = (findings: readonly ScannerFinding[]) =>
  findings
    .filter((f) => f.ruleId === PUBLIC)
    .map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`)
    .sort();

/** A VPC module call with database subnets, and `extra` settings. */
const vpc = (extra = '') => `module "vpc" {\n  source           = "terraform-aws-modules/vpc/aws"\n  version          = "~> 6.0"\n  cidr             = "10.0.0.0/16"\n  private_subnets  = ["10.0.1.0/24", "10.0.2.0/24"]\n  database_subnets = ["10.0.21.0/24", "10.0.22.0/24"]\n${extra}}\n`;

const db = 'resource "aws_db_instance" "db" {\n  engine               = "postgres"\n  instance_class       = "db.t3.micro"\n  storage_encrypted    = true\n  db_subnet_group_name = module.vpc.database_subnet_group_name\n  publicly_accessible  = true\n}\n';

/** A cluster-instance module as terraform-aws-rds-aurora writes it: the group name through a local, from a variable. */
const auroraModule = {
  'modules/aurora/main.tf':
    'locals {\n  group = try(coalesce(var.db_subnet_group_name, var.name), "")\n}\nresource "aws_rds_cluster_instance" "this" {\n  cluster_identifier   = "c"\n  instance_class       = "db.r6g.large"\n  engine               = "aurora-mysql"\n  db_subnet_group_name = local.group\n  publicly_accessible  = var.publicly_accessible\n}\n',
  'modules/aurora/variables.tf': 'variable "name" {\n  default = "db"\n}\nvariable "db_subnet_group_name" {\n  default = null\n}\nvariable "publicly_accessible" {\n  default = false\n}\n',
};

describe('tf-aws-publicly-accessible: databases in subnet groups that cannot reach an internet gateway', () => {
  it("is low for the VPC module's database subnet group, which the module does not route to the internet gateway", async () => {
    const { findings } = await scanMemory({ 'main.tf': vpc() + db });
    assert.deepEqual(found(findings), ['main.tf:13 low']);
    assert.match(findings.find((f) => f.ruleId === PUBLIC)!.message, /database subnet group of module\.vpc, which has no route to an internet gateway/);
  });

  it('stays high when the group may reach an internet gateway, is not made, or its settings cannot be read', async () => {
    for (const extra of [
      '  create_database_subnet_route_table     = true\n  create_database_internet_gateway_route = true\n',
      '  create_database_subnet_group = false\n',
      '  create_database_subnet_route_table     = true\n  create_database_internet_gateway_route = var.public_db\n',
    ]) {
      const { findings } = await scanMemory({ 'main.tf': vpc(extra) + db });
      assert.deepEqual(
        found(findings).map((f) => f.split(' ')[1]),
        ['high'],
        extra,
      );
    }
    // A module that is not the VPC module says nothing of its routes.
    const { findings } = await scanMemory({ 'main.tf': vpc().replace('terraform-aws-modules/vpc/aws', 'example/network/aws') + db });
    assert.deepEqual(found(findings).map((f) => f.split(' ')[1]), ['high']);
  });

  it('reads the group given to the rds and rds-aurora registry modules when they surely make no group of their own', async () => {
    const rds = (extra: string) => `module "db" {\n  source               = "terraform-aws-modules/rds/aws"\n  version              = "~> 6.0"\n  identifier           = "app"\n  engine               = "postgres"\n  db_subnet_group_name = module.vpc.database_subnet_group_name\n  publicly_accessible  = true\n${extra}}\n`;
    const aurora = (extra: string) => `module "aurora" {\n  source               = "terraform-aws-modules/rds-aurora/aws"\n  version              = "~> 9.0"\n  name                 = "app"\n  engine               = "aurora-postgresql"\n  db_subnet_group_name = module.vpc.database_subnet_group_name\n  instances            = { one = { publicly_accessible = true } }\n${extra}}\n`;
    const severities = async (root: string) => found((await scanMemory({ 'main.tf': vpc() + root })).findings).map((f) => f.split(' ')[1]);
    assert.deepEqual(await severities(rds('')), ['low']);
    assert.deepEqual(await severities(aurora('  create_db_subnet_group = false\n')), ['low']);
    // The module makes a group of its own (from subnet_ids), or may (rds-aurora's default differs between releases).
    assert.deepEqual(await severities(rds('  create_db_subnet_group = true\n  subnet_ids             = module.vpc.public_subnets\n')), ['high']);
    assert.deepEqual(await severities(aurora('')), ['high']);
  });

  it('is low in a local module when every caller gives it such a group, through a local and a wrapper module', async () => {
    const callers = {
      'envs/private/main.tf': `${vpc()}module "aurora" {\n  source               = "../../modules/aurora"\n  db_subnet_group_name = module.vpc.database_subnet_group_name\n  publicly_accessible  = true\n}\n`,
      'envs/wrapped/main.tf': `${vpc()}module "wrapper" {\n  source     = "../../modules/wrapper"\n  group_name = module.vpc.database_subnet_group_name\n}\n`,
      'modules/wrapper/main.tf': 'variable "group_name" {}\nmodule "aurora" {\n  source               = "../aurora"\n  db_subnet_group_name = var.group_name\n  publicly_accessible  = true\n}\n',
    };
    const { findings } = await scanMemory({ ...auroraModule, ...callers });
    assert.deepEqual(found(findings), ['modules/aurora/main.tf:9 low']);
    assert.match(findings.find((f) => f.ruleId === PUBLIC)!.message, /every caller of this module passes in/);
  });

  it('stays high in a local module when a caller gives it a group of its own or one it cannot read', async () => {
    for (const group of ['"public-group"', 'module.network.database_subnet_group_name', 'var.group']) {
      const callers = {
        'envs/private/main.tf': `${vpc()}module "aurora" {\n  source               = "../../modules/aurora"\n  db_subnet_group_name = module.vpc.database_subnet_group_name\n  publicly_accessible  = true\n}\n`,
        'envs/other/main.tf': `variable "group" {}\nmodule "aurora" {\n  source               = "../../modules/aurora"\n  db_subnet_group_name = ${group}\n  publicly_accessible  = true\n}\n`,
      };
      const { findings } = await scanMemory({ ...auroraModule, ...callers });
      // The two calls differ in what is known of the group: one finding, high, for the caller whose group may be public.
      const open = findings.filter((f) => f.ruleId === PUBLIC);
      assert.ok(open.some((f) => f.severity === 'high' && /envs\/other/.test(f.message)), `${group}: ${JSON.stringify(open.map((f) => [f.severity, f.message]))}`);
      assert.ok(!open.some((f) => f.severity === 'high' && /envs\/private/.test(f.message)), group);
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { linesOf } from '../../helpers/iac-lines.js';

const PRIVATE = 'iac/tf-aws-sg-sensitive-port-wide-private';
const PUBLIC = 'iac/tf-aws-sg-sensitive-port-broad-public';
const WORLD = 'iac/tf-aws-sg-open-to-internet';
const SUBNET = 'iac/tf-aws-db-public-subnet';

function findings(ruleId: string, source: string): Array<{ line: number; severity: string; message: string }> {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => ({ line: f.location.startLine, severity: f.severity, message: f.message }));
}

/** A security group with one ingress block; its CIDR setting is on line 7. */
const group = (port: number | [number, number], cidrs: string, protocol = 'tcp', key = 'cidr_blocks') => {
  const [from, to] = Array.isArray(port) ? port : [port, port];
  return `resource "aws_security_group" "g" {\n  name = "g"\n  ingress {\n    from_port   = ${from}\n    to_port     = ${to}\n    protocol    = "${protocol}"\n    ${key} = ${cidrs}\n  }\n}\n`;
};

describe('Terraform network rules: sensitive ports open to a whole private network', () => {
  it('reports private ranges larger than a VPC can be, and not a VPC-sized or smaller one', () => {
    for (const cidr of ['10.0.0.0/8', '10.0.0.0/15', '172.16.0.0/12', '172.20.0.0/14', '100.64.0.0/10'])
      assert.deepEqual(linesOf(PRIVATE, group(22, `["${cidr}"]`)), [7], cidr);
    for (const cidr of ['10.0.0.0/16', '10.1.0.0/16', '192.168.0.0/16', '10.0.1.0/24', '10.0.0.5/32'])
      assert.deepEqual(linesOf(PRIVATE, group(22, `["${cidr}"]`)), [], cidr);
  });

  it('reads IPv6 unique local ranges wider than a /48 site', () => {
    assert.deepEqual(linesOf(PRIVATE, group(5432, '["fd00::/8"]', 'tcp', 'ipv6_cidr_blocks')), [7]);
    assert.deepEqual(linesOf(PRIVATE, group(5432, '["fd12:3456:789a::/48"]', 'tcp', 'ipv6_cidr_blocks')), []);
  });

  it('ignores what is not a network address, as the AWS provider rejects it, and references it cannot read', () => {
    for (const cidrs of ['["10.1.2.3/8"]', '["10.0.0.0"]', '["10.0.0.0/33"]', '["fd00::1::/8"]', '[aws_vpc.main.cidr_block]', 'var.sources'])
      assert.deepEqual(linesOf(PRIVATE, group(22, cidrs)), [], cidrs);
  });

  it('takes the transport of each catalogue port into account and ignores protocols without ports', () => {
    assert.deepEqual(linesOf(PRIVATE, group(2383, '["10.0.0.0/8"]', 'udp')), []);
    assert.deepEqual(linesOf(PRIVATE, group(161, '["10.0.0.0/8"]', 'udp')), [7]);
    assert.deepEqual(linesOf(PRIVATE, group(161, '["10.0.0.0/8"]', 'tcp')), []);
    assert.deepEqual(linesOf(PRIVATE, group([-1, -1], '["10.0.0.0/8"]', 'icmp')), []);
    assert.deepEqual(linesOf(PRIVATE, group([8100, 8200], '["10.0.0.0/8"]')), []);
  });

  it('names the services, or every port, at low severity', () => {
    const ssh = findings(PRIVATE, group([20, 22], '["10.0.0.0/8"]'));
    assert.equal(ssh.length, 1);
    assert.equal(ssh[0]!.severity, 'low');
    assert.match(ssh[0]!.message, /21\/tcp \(FTP, cleartext\), 22\/tcp \(SSH\) to 10\.0\.0\.0\/8/);
    assert.match(findings(PRIVATE, group([2200, 2500], '["172.16.0.0/12"]', '-1'))[0]!.message, /accepts every port from 172\.16\.0\.0\/12/);
  });

  it('leaves a rule that is also open to the internet or to a broad public range to the rules for those', () => {
    const both = group(22, '["10.0.0.0/8", "0.0.0.0/0"]');
    assert.deepEqual(linesOf(PRIVATE, both), []);
    assert.deepEqual(linesOf(WORLD, both), [7]);
    const publicToo = group(22, '["10.0.0.0/8", "18.0.0.0/8"]');
    assert.deepEqual(linesOf(PRIVATE, publicToo), []);
    assert.deepEqual(linesOf(PUBLIC, publicToo), [7]);
  });

  it('reads rule resources, VPC ingress rules, DB security groups and module rules, not egress', () => {
    const rule = (type: string) =>
      `resource "aws_security_group_rule" "r" {\n  type              = "${type}"\n  from_port         = 3306\n  to_port           = 3306\n  protocol          = "tcp"\n  cidr_blocks       = ["10.0.0.0/8"]\n  security_group_id = aws_security_group.db.id\n}\n`;
    assert.deepEqual(linesOf(PRIVATE, rule('ingress')), [6]);
    assert.deepEqual(linesOf(PRIVATE, rule('egress')), []);
    const vpcRule =
      'resource "aws_vpc_security_group_ingress_rule" "r" {\n  security_group_id = aws_security_group.db.id\n  from_port         = 6379\n  to_port           = 6379\n  ip_protocol       = "tcp"\n  cidr_ipv4         = "172.16.0.0/12"\n}\n';
    assert.deepEqual(linesOf(PRIVATE, vpcRule), [6]);
    const dbGroup = 'resource "aws_db_security_group" "legacy" {\n  name = "legacy"\n  ingress {\n    cidr = "10.0.0.0/8"\n  }\n}\n';
    assert.deepEqual(findings(PRIVATE, dbGroup).map((f) => [f.line, /admits the database port/.test(f.message)]), [[4, true]]);
    const module =
      'module "sg" {\n  source  = "terraform-aws-modules/security-group/aws"\n  version = "5.1.0"\n  ingress_with_cidr_blocks = [\n    {\n      from_port   = 5432\n      to_port     = 5432\n      protocol    = "tcp"\n      cidr_blocks = "10.0.0.0/8"\n    },\n  ]\n}\n';
    assert.deepEqual(linesOf(PRIVATE, module), [9]);
  });

  it('reports the elements of a dynamic block once per line', () => {
    const dynamic =
      'resource "aws_security_group" "g" {\n  dynamic "ingress" {\n    for_each = [22, 3389, 443]\n    content {\n      from_port   = ingress.value\n      to_port     = ingress.value\n      protocol    = "tcp"\n      cidr_blocks = ["10.0.0.0/8"]\n    }\n  }\n}\n';
    const found = findings(PRIVATE, dynamic);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.line, 8);
    assert.match(found[0]!.message, /22\/tcp \(SSH\), 3389\/tcp \(Remote Desktop/);
  });

  it('does not report an EKS node group without source security groups (open to the world, reported as such)', () => {
    const eks = 'resource "aws_eks_node_group" "n" {\n  cluster_name  = "c"\n  node_role_arn = "arn:aws:iam::123456789012:role/n"\n  remote_access {\n    ec2_ssh_key = "ops"\n  }\n}\n';
    assert.deepEqual(linesOf(PRIVATE, eks), []);
    assert.deepEqual(linesOf(PUBLIC, eks), []);
    assert.deepEqual(linesOf(WORLD, eks), [4]);
  });
});

describe('Terraform network rules: sensitive ports open to a broad public range', () => {
  it('reports public ranges wider than /16, and not an organisation-sized one', () => {
    for (const cidr of ['52.0.0.0/11', '3.0.0.0/15', '0.0.0.0/1', '128.0.0.0/1', '0.0.0.0/7'])
      assert.deepEqual(linesOf(PUBLIC, group(22, `["${cidr}"]`)), [7], cidr);
    for (const cidr of ['3.0.0.0/16', '203.0.113.0/24', '198.51.100.7/32', '12.0.0.0/25'])
      assert.deepEqual(linesOf(PUBLIC, group(22, `["${cidr}"]`)), [], cidr);
  });

  it('does not take private, "this network", loopback, link-local, multicast or reserved space for public', () => {
    for (const cidr of ['10.0.0.0/8', '0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4', '224.0.0.0/3', '100.64.0.0/10'])
      assert.deepEqual(linesOf(PUBLIC, group(22, `["${cidr}"]`)), [], cidr);
  });

  it('reads IPv6 global ranges wider than /32', () => {
    assert.deepEqual(linesOf(PUBLIC, group(22, '["2001:db8::/29"]', 'tcp', 'ipv6_cidr_blocks')), [7]);
    assert.deepEqual(linesOf(PUBLIC, group(22, '["2000::/3"]', 'tcp', 'ipv6_cidr_blocks')), [7]);
    assert.deepEqual(linesOf(PUBLIC, group(22, '["2001:db8::/32"]', 'tcp', 'ipv6_cidr_blocks')), []);
    assert.deepEqual(linesOf(PUBLIC, group(22, '["fc00::/7"]', 'tcp', 'ipv6_cidr_blocks')), []);
  });

  it('is high for a /8 or wider, medium otherwise, and silent when the rule is open to the whole internet', () => {
    assert.equal(findings(PUBLIC, group(3306, '["0.0.0.0/1", "128.0.0.0/1"]'))[0]!.severity, 'high');
    assert.equal(findings(PUBLIC, group(3306, '["52.0.0.0/11"]'))[0]!.severity, 'medium');
    assert.deepEqual(linesOf(PUBLIC, group(3306, '["52.0.0.0/11", "::/0"]')), []);
    assert.deepEqual(linesOf(PUBLIC, group(443, '["52.0.0.0/8"]')), []);
  });
});

describe('Terraform network rules: databases in public subnets', () => {
  const subnetGroup = (ids: string) => `resource "aws_db_subnet_group" "db" {\n  name       = "db"\n  subnet_ids = ${ids}\n}\n`;

  it('follows subnets with public IPs, for_each and count forms included', () => {
    const subnets = 'resource "aws_subnet" "public" {\n  count                   = 2\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.${count.index}.0/24"\n  map_public_ip_on_launch = true\n}\n\n';
    assert.deepEqual(linesOf(SUBNET, subnets + subnetGroup('aws_subnet.public[*].id')), [10]);
    assert.deepEqual(linesOf(SUBNET, subnets + subnetGroup('[for s in aws_subnet.public : s.id]')), [10]);
    assert.deepEqual(linesOf(SUBNET, subnets + subnetGroup('[aws_subnet.public_db.id]')), []);
    const off = 'resource "aws_subnet" "app" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.1.0/24"\n  map_public_ip_on_launch = false\n}\n\n';
    assert.deepEqual(linesOf(SUBNET, off + subnetGroup('[aws_subnet.app.id]')), []);
  });

  it('follows associations to route tables with an internet gateway route, declared in this file or named by an aws_route', () => {
    const association = 'resource "aws_route_table_association" "db" {\n  subnet_id      = aws_subnet.db.id\n  route_table_id = aws_route_table.edge.id\n}\n\n';
    const inlineRoute = (target: string) => `resource "aws_route_table" "edge" {\n  vpc_id = aws_vpc.main.id\n  route = [\n    {\n      cidr_block = "0.0.0.0/0"\n      ${target}\n    },\n  ]\n}\n\n`;
    assert.deepEqual(linesOf(SUBNET, inlineRoute('gateway_id = "igw-0123456789abcdef0"') + association + subnetGroup('[aws_subnet.db.id]')), [18]);
    assert.deepEqual(linesOf(SUBNET, inlineRoute('gateway_id = module.vpc.igw_id') + association + subnetGroup('[aws_subnet.db.id]')), [18]);
    assert.deepEqual(linesOf(SUBNET, inlineRoute('gateway_id = aws_vpn_gateway.corp.id') + association + subnetGroup('[aws_subnet.db.id]')), []);
    assert.deepEqual(linesOf(SUBNET, inlineRoute('nat_gateway_id = aws_nat_gateway.main.id') + association + subnetGroup('[aws_subnet.db.id]')), []);
    const route = 'resource "aws_route" "internet" {\n  route_table_id         = aws_route_table.edge.id\n  destination_cidr_block = "0.0.0.0/0"\n  gateway_id             = aws_internet_gateway.main.id\n}\n\n';
    assert.deepEqual(linesOf(SUBNET, route + association + subnetGroup('[aws_subnet.db.id]')), [14]);
    // Without the association the route table says nothing about the subnet.
    assert.deepEqual(linesOf(SUBNET, route + subnetGroup('[aws_subnet.db.id]')), []);
  });

  it('reports each public entry of a list on its own line', () => {
    const subnets =
      'resource "aws_subnet" "a" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.1.0/24"\n  map_public_ip_on_launch = true\n}\n\nresource "aws_subnet" "b" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.2.0/24"\n  map_public_ip_on_launch = true\n}\n\n';
    assert.deepEqual(linesOf(SUBNET, subnets + subnetGroup('[\n    aws_subnet.a.id,\n    aws_subnet.private.id,\n    aws_subnet.b.id,\n  ]')), [16, 18]);
    assert.deepEqual(linesOf(SUBNET, subnets + subnetGroup('[aws_subnet.a.id, aws_subnet.b.id]')), [15]);
  });

  it('reads the public_subnets output of the VPC module or of a module called elsewhere, not other outputs', () => {
    const vpc = 'module "vpc" {\n  source           = "terraform-aws-modules/vpc/aws"\n  version          = "3.19.0"\n  public_subnets   = ["10.0.101.0/24"]\n  private_subnets  = ["10.0.1.0/24"]\n  database_subnets = ["10.0.21.0/24"]\n}\n\n';
    assert.deepEqual(linesOf(SUBNET, vpc + subnetGroup('module.vpc.public_subnets')), [11]);
    // The module's public subnets give public IPs before 4.0: its other outputs must not be read as references to them.
    assert.deepEqual(linesOf(SUBNET, vpc + subnetGroup('module.vpc.private_subnets')), []);
    assert.deepEqual(linesOf(SUBNET, vpc + subnetGroup('module.vpc.database_subnets')), []);
    assert.deepEqual(linesOf(SUBNET, subnetGroup('module.network.public_subnets')), [3]);
    const local = 'module "network" {\n  source = "./network"\n}\n\n';
    assert.deepEqual(linesOf(SUBNET, local + subnetGroup('module.network.public_subnets')), []);
  });

  it('reads Redshift subnet groups and the RDS module when it makes its own subnet group', () => {
    const redshift = 'resource "aws_redshift_subnet_group" "dw" {\n  name       = "dw"\n  subnet_ids = module.vpc.public_subnets\n}\n';
    assert.deepEqual(linesOf(SUBNET, redshift), [3]);
    const rds = (create: string) => `module "db" {\n  source                 = "terraform-aws-modules/rds/aws"\n  identifier             = "app"\n  create_db_subnet_group = ${create}\n  subnet_ids             = module.vpc.public_subnets\n}\n`;
    assert.deepEqual(linesOf(SUBNET, rds('true')), [5]);
    assert.deepEqual(linesOf(SUBNET, rds('false')), []);
  });

  it('reports the VPC module routing its database subnets to the internet gateway only when it does', () => {
    const vpc = (extra: string) =>
      `module "vpc" {\n  source           = "terraform-aws-modules/vpc/aws"\n  database_subnets = ["10.0.21.0/24", "10.0.22.0/24"]\n  create_database_subnet_route_table     = true\n  create_database_internet_gateway_route = true\n${extra}}\n`;
    assert.deepEqual(linesOf(SUBNET, vpc('')), [5]);
    assert.deepEqual(linesOf(SUBNET, vpc('  create_database_nat_gateway_route = true\n')), []);
    assert.deepEqual(linesOf(SUBNET, vpc('  create_igw = false\n')), []);
    assert.deepEqual(linesOf(SUBNET, vpc('').replace('create_database_subnet_route_table     = true', 'create_database_subnet_route_table     = false')), []);
    assert.deepEqual(linesOf(SUBNET, vpc('').replace('["10.0.21.0/24", "10.0.22.0/24"]', '[]')), []);
  });
});

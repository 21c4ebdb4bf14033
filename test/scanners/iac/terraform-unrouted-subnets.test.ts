import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsOf, lines, linesOf } from '../../helpers/iac-lines.js';

const EC2 = 'iac/tf-aws-ec2-public-ip';
const SUBNET = 'iac/tf-aws-subnet-public-ip';

/** A subnet that maps public IPs, its route table (with `routes` inside) and association, and an instance, launch template and spot request that ask for a public IP in it. */
const network = (routes: string[], ...rest: string[]) =>
  lines(
    'resource "aws_vpn_gateway" "office" {',
    '  vpc_id = aws_vpc.main.id',
    '}',
    'resource "aws_subnet" "app" {',
    '  vpc_id                  = aws_vpc.main.id',
    '  cidr_block              = "10.0.3.0/24"',
    '  map_public_ip_on_launch = true',
    '}',
    'resource "aws_route_table" "app" {',
    '  vpc_id = aws_vpc.main.id',
    ...routes,
    '}',
    'resource "aws_route_table_association" "app" {',
    '  subnet_id      = aws_subnet.app.id',
    '  route_table_id = aws_route_table.app.id',
    '}',
    'resource "aws_vpc_endpoint" "s3" {',
    '  vpc_id            = aws_vpc.main.id',
    '  service_name      = "com.amazonaws.eu-west-1.s3"',
    '  route_table_ids   = [aws_route_table.app.id]',
    '}',
    'resource "aws_instance" "host" {',
    '  ami                         = "ami-0123456789abcdef0"',
    '  instance_type               = "t3.micro"',
    '  subnet_id                   = aws_subnet.app.id',
    '  associate_public_ip_address = true',
    '}',
    'resource "aws_launch_template" "host" {',
    '  network_interfaces {',
    '    subnet_id                   = aws_subnet.app.id',
    '    associate_public_ip_address = true',
    '  }',
    '}',
    ...rest,
  );

const toOffice = ['  route {', '    cidr_block = "192.168.0.0/16"', '    gateway_id = aws_vpn_gateway.office.id', '  }'];
const reported = (text: string) => ({ ec2: linesOf(EC2, text).length, subnet: linesOf(SUBNET, text).length });

describe('Terraform: a public IP in a subnet of the module that cannot reach an internet gateway', () => {
  it('is not reported when the subnet routes only to a VPN gateway and a gateway endpoint', () => {
    assert.deepEqual(reported(network(toOffice)), { ec2: 0, subnet: 0 });
    assert.deepEqual(reported(network([])), { ec2: 0, subnet: 0 });
  });

  it('is reported when its route table routes to an internet or carrier gateway, in a route block or an aws_route', () => {
    const igw = ['  route {', '    cidr_block = "0.0.0.0/0"', '    gateway_id = aws_internet_gateway.main.id', '  }'];
    assert.deepEqual(reported(network(igw)), { ec2: 2, subnet: 1 });
    const carrier = ['  route {', '    cidr_block         = "0.0.0.0/0"', '    carrier_gateway_id = aws_ec2_carrier_gateway.main.id', '  }'];
    assert.deepEqual(reported(network(carrier)), { ec2: 2, subnet: 1 });
    const given = ['  route {', '    cidr_block = "0.0.0.0/0"', '    gateway_id = var.gateway_id', '  }'];
    assert.deepEqual(reported(network(given, 'variable "gateway_id" {}')), { ec2: 2, subnet: 1 });
    const route = ['resource "aws_route" "out" {', '  route_table_id         = aws_route_table.app.id', '  destination_cidr_block = "0.0.0.0/0"', '  gateway_id             = aws_internet_gateway.main.id', '}'];
    assert.deepEqual(reported(network(toOffice, ...route)), { ec2: 2, subnet: 1 });
  });

  it('is reported when a route to a gateway goes to a table not named, or the routes are made by a dynamic block', () => {
    const elsewhere = ['variable "table" {}', 'resource "aws_route" "out" {', '  route_table_id         = var.table', '  destination_cidr_block = "0.0.0.0/0"', '  gateway_id             = aws_internet_gateway.main.id', '}'];
    assert.deepEqual(reported(network(toOffice, ...elsewhere)), { ec2: 2, subnet: 1 });
    const dynamic = ['  dynamic "route" {', '    for_each = var.routes', '    content {', '      cidr_block = route.value.cidr', '      gateway_id = route.value.gateway', '    }', '  }'];
    assert.deepEqual(reported(network(dynamic, 'variable "routes" {}')), { ec2: 2, subnet: 1 });
  });

  it('is reported when an output or a module call hands the route table on, or another resource names it', () => {
    assert.deepEqual(reported(network(toOffice, 'output "app_route_table_id" {', '  value = aws_route_table.app.id', '}')), { ec2: 2, subnet: 1 });
    assert.deepEqual(reported(network(toOffice, 'module "routes" {', '  source          = "./routes"', '  route_table_ids = [aws_route_table.app.id]', '}')), { ec2: 2, subnet: 1 });
    const transit = ['resource "aws_ec2_transit_gateway_route_table_propagation" "x" {', '  transit_gateway_attachment_id  = aws_route_table.app.id', '  transit_gateway_route_table_id = "tgw-rtb-0123456789abcdef0"', '}'];
    assert.deepEqual(reported(network(toOffice, ...transit)), { ec2: 2, subnet: 1 });
  });

  it('is reported when the subnet is not one of the module, or may be left to the main route table', () => {
    const fromVariable = network(toOffice, 'variable "subnet_id" {}', 'resource "aws_instance" "other" {', '  ami                         = "ami-0123456789abcdef0"', '  subnet_id                   = var.subnet_id', '  associate_public_ip_address = true', '}');
    assert.deepEqual(findingsOf(EC2, fromVariable).map((f) => (f.properties as { resource?: string }).resource), ['aws_instance.other']);
    const unassociated = network(toOffice).replace('  subnet_id      = aws_subnet.app.id\n', '  subnet_id      = aws_subnet.other.id\n');
    assert.deepEqual(reported(unassociated), { ec2: 2, subnet: 1 });
    const sometimes = network(toOffice, 'variable "associate" {}').replace('resource "aws_route_table_association" "app" {\n', 'resource "aws_route_table_association" "app" {\n  count          = var.associate ? 1 : 0\n');
    assert.deepEqual(reported(sometimes), { ec2: 2, subnet: 1 });
    const oneOfTwo = network(toOffice).replace('  cidr_block              = "10.0.3.0/24"\n', '  count                   = 2\n  cidr_block              = "10.0.3.0/24"\n').replace(/aws_subnet\.app\.id/g, 'aws_subnet.app[0].id');
    assert.deepEqual(reported(oneOfTwo), { ec2: 2, subnet: 1 });
    const defaultTable = network(toOffice).replace('  route_table_id = aws_route_table.app.id\n', '  route_table_id = aws_default_route_table.main.id\n');
    assert.deepEqual(reported(defaultTable), { ec2: 2, subnet: 1 });
  });

  it('is not reported for each subnet of a for_each whose associations go over the subnets', () => {
    const perSubnet = network(toOffice)
      .replace('  cidr_block              = "10.0.3.0/24"\n', '  for_each                = { a = "10.0.3.0/24", b = "10.0.4.0/24" }\n  cidr_block              = each.value\n')
      .replace('resource "aws_route_table_association" "app" {\n  subnet_id      = aws_subnet.app.id\n', 'resource "aws_route_table_association" "app" {\n  for_each       = aws_subnet.app\n  subnet_id      = each.value.id\n')
      .replace(/aws_subnet\.app\.id/g, 'aws_subnet.app["a"].id');
    assert.deepEqual(reported(perSubnet), { ec2: 0, subnet: 0 });
  });

  it('is not reported when the associations go over the subnets\' own keys, by each.key or count.index', () => {
    const keyed = network(toOffice, 'locals {', '  tiers = { a = "10.0.3.0/24", b = "10.0.4.0/24" }', '}')
      .replace('  cidr_block              = "10.0.3.0/24"\n', '  for_each                = local.tiers\n  cidr_block              = each.value\n')
      .replace('resource "aws_route_table_association" "app" {\n  subnet_id      = aws_subnet.app.id\n', 'resource "aws_route_table_association" "app" {\n  for_each       = local.tiers\n  subnet_id      = aws_subnet.app[each.key].id\n')
      .replace(/aws_subnet\.app\.id/g, 'aws_subnet.app["a"].id');
    assert.deepEqual(reported(keyed), { ec2: 0, subnet: 0 });
    // The associations cover only some of the subnets: the others keep the main route table.
    assert.deepEqual(reported(keyed.replace('  for_each       = local.tiers\n', '  for_each       = { a = "x" }\n')), { ec2: 2, subnet: 1 });
    const counted = network(toOffice)
      .replace('  cidr_block              = "10.0.3.0/24"\n', '  count                   = 2\n  cidr_block              = "10.0.3.0/24"\n')
      .replace('resource "aws_route_table_association" "app" {\n  subnet_id      = aws_subnet.app.id\n', 'resource "aws_route_table_association" "app" {\n  count          = 2\n  subnet_id      = aws_subnet.app[count.index].id\n')
      .replace(/aws_subnet\.app\.id/g, 'aws_subnet.app[1].id');
    assert.deepEqual(reported(counted), { ec2: 0, subnet: 0 });
    assert.deepEqual(reported(counted.replace('  count          = 2\n  subnet_id', '  count          = 1\n  subnet_id')), { ec2: 2, subnet: 1 });
  });

  it('follows an instance repeated over the subnets (each.value.id), and the subnet of the network interface it attaches', () => {
    const instance = (placement: string[]) => ['resource "aws_instance" "worker" {', '  ami                         = "ami-0123456789abcdef0"', '  instance_type               = "t3.micro"', ...placement, '  associate_public_ip_address = true', '}'];
    const perSubnet = (routes: string[]) =>
      network(routes, ...instance(['  for_each                    = aws_subnet.app', '  subnet_id                   = each.value.id']))
        .replace('  cidr_block              = "10.0.3.0/24"\n', '  for_each                = { a = "10.0.3.0/24", b = "10.0.4.0/24" }\n  cidr_block              = each.value\n')
        .replace('resource "aws_route_table_association" "app" {\n  subnet_id      = aws_subnet.app.id\n', 'resource "aws_route_table_association" "app" {\n  for_each       = aws_subnet.app\n  subnet_id      = each.value.id\n')
        .replace(/aws_subnet\.app\.id/g, 'aws_subnet.app["a"].id');
    const igw = ['  route {', '    cidr_block = "0.0.0.0/0"', '    gateway_id = aws_internet_gateway.main.id', '  }'];
    assert.deepEqual(reported(perSubnet(toOffice)), { ec2: 0, subnet: 0 });
    assert.deepEqual(reported(perSubnet(igw)), { ec2: 3, subnet: 1 });
    const eni = (routes: string[], subnet = 'aws_subnet.app.id', attach = 'aws_network_interface.worker.id') =>
      network(
        routes,
        'resource "aws_network_interface" "worker" {',
        `  subnet_id = ${subnet}`,
        '}',
        'resource "aws_launch_template" "worker" {',
        '  network_interfaces {',
        `    network_interface_id        = ${attach}`,
        '    associate_public_ip_address = true',
        '  }',
        '}',
        ...instance(['  network_interface {', `    network_interface_id = ${attach}`, '    device_index         = 0', '  }']),
      );
    assert.deepEqual(reported(eni(toOffice)), { ec2: 0, subnet: 0 });
    assert.deepEqual(reported(eni(igw)), { ec2: 4, subnet: 1 });
    // An interface in a subnet that is not the module's, or one that is not the module's: kept.
    assert.deepEqual(reported(eni(toOffice, 'var.subnet_id')), { ec2: 2, subnet: 0 });
    assert.deepEqual(reported(eni(toOffice, 'aws_subnet.app.id', '"eni-0123456789abcdef0"')), { ec2: 2, subnet: 0 });
  });
});

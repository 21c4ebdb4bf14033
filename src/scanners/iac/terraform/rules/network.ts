import { describePort, sensitivePortsInRange, type ServicePort } from '../../ports.js';
import type { Block } from '../hcl/ast.js';
import { evaluate, type Value } from '../hcl/evaluate.js';
import { asStrings, attribute, blocksOf, isFalseValue, isTrueValue, label, lineOfPath, resourcesOf, valueAt, valueOf, type TfInput, type TfResource } from '../model.js';
import { known, sections, tfRule, type TfRule } from './common.js';
import { fieldsOf, fileInstance, instancesOf, sectionsIn, valueIn } from './instances.js';

/**
 * 0.0.0.0/0 and ::/0 (in any spelling of the zero address). Other x/0 blocks are not
 * valid network addresses, and the AWS provider rejects them.
 */
const isWorld = (cidr: string) => /^(?:0+\.0+\.0+\.0+|[0:]*::?[0:]*)\/0$/.test(cidr.trim());

interface Ingress {
  resource: TfResource;
  /** Line of the ingress block, or of the rule resource. */
  line: number;
  /** Line of the CIDR setting that opens it to the world. */
  cidrLine: number;
  worldCidrs: string[];
  from: number;
  to: number;
  transport: 'tcp' | 'udp' | 'all' | 'other';
  description: string;
}

function transportOf(value: Value | undefined): Ingress['transport'] {
  const p = String(value ?? 'tcp').toLowerCase();
  if (p === '-1' || p === 'all') return 'all';
  if (p === 'tcp' || p === '6') return 'tcp';
  if (p === 'udp' || p === '17') return 'udp';
  return 'other';
}

function port(value: Value | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Whether an EKS node group's remote_access names the security groups allowed to reach
 * SSH. An empty list names none (EKS then opens port 22 to the world). A misspelt
 * argument (`source_security_groups_ids`) is read as meant: Terraform rejects the file,
 * so it opens nothing, and the fix is the spelling, not the exposure.
 */
function limitsSshSources(input: TfInput, remote: Block): boolean {
  const given = remote.body.attributes.filter((a) => /^source_security_groups?_ids?$/.test(a.name));
  return given.some((a) => {
    const value = evaluate(a.expr, input.scope);
    return !(Array.isArray(value) && value.length === 0);
  });
}

/** Every ingress rule of security groups, security group rules and VPC ingress rules that is open to the internet. */
function* worldIngress(input: TfInput): Generator<Ingress> {
  const make = (resource: TfResource, line: number, fields: { get(n: string): Value | undefined; lineOf(n: string): number }, cidrKeys: string[], protocolKey: string): Ingress | undefined => {
    const world: string[] = [];
    let cidrLine = line;
    for (const key of cidrKeys) {
      const cidrs = asStrings(fields.get(key)) ?? [];
      const open = cidrs.filter(isWorld);
      if (open.length > 0) {
        if (world.length === 0) cidrLine = fields.lineOf(key);
        world.push(...open);
      }
    }
    if (world.length === 0) return undefined;
    const transport = transportOf(fields.get(protocolKey));
    const all = transport === 'all';
    const from = all ? 0 : port(fields.get('from_port'), 0);
    const to = all ? 65535 : port(fields.get('to_port'), from);
    const description = typeof fields.get('description') === 'string' ? (fields.get('description') as string) : '';
    return { resource, line, cidrLine, worldCidrs: world, from: Math.min(from, to), to: Math.max(from, to), transport, description };
  };
  // Every instance of a resource with for_each or count, read with its own each/count;
  // every element of a `dynamic "ingress"` block with its own iterator.
  const file = fileInstance(input);
  for (const resource of resourcesOf(input, 'aws_security_group')) {
    for (const instance of instancesOf(resource.block, file)) {
      for (const section of sectionsIn(resource.block, 'ingress', instance)) {
        const ingress = make(resource, section.line, section, ['cidr_blocks', 'ipv6_cidr_blocks'], 'protocol');
        if (ingress) yield ingress;
      }
    }
  }
  for (const resource of resourcesOf(input, 'aws_security_group_rule')) {
    for (const instance of instancesOf(resource.block, file)) {
      const fields = fieldsOf(resource.block, instance);
      if (fields.get('type') !== 'ingress') continue;
      const ingress = make(resource, resource.block.line, fields, ['cidr_blocks', 'ipv6_cidr_blocks'], 'protocol');
      if (ingress) yield ingress;
    }
  }
  for (const resource of resourcesOf(input, 'aws_vpc_security_group_ingress_rule')) {
    for (const instance of instancesOf(resource.block, file)) {
      const ingress = make(resource, resource.block.line, fieldsOf(resource.block, instance), ['cidr_ipv4', 'cidr_ipv6'], 'ip_protocol');
      if (ingress) yield ingress;
    }
  }
  // EKS opens SSH to 0.0.0.0/0 on the nodes of a group with an SSH key and no source security groups.
  for (const resource of resourcesOf(input, 'aws_eks_node_group')) {
    for (const remote of blocksOf(resource.block, 'remote_access')) {
      if (!attribute(remote, 'ec2_ssh_key') || limitsSshSources(input, remote)) continue;
      yield { resource, line: remote.line, cidrLine: remote.line, worldCidrs: ['0.0.0.0/0 (no source_security_group_ids)'], from: 22, to: 22, transport: 'tcp', description: '' };
    }
  }
  for (const resource of resourcesOf(input, 'aws_db_security_group')) {
    for (const section of sections(input, resource.block, 'ingress')) {
      const fields = { get: (n: string) => (n === 'protocol' ? 'tcp' : n === 'from_port' ? 0 : n === 'to_port' ? 65535 : section.get(n)), lineOf: section.lineOf };
      const ingress = make(resource, section.line, fields, ['cidr'], 'protocol');
      if (ingress) yield { ...ingress, transport: 'all' };
    }
  }
}

function exposedServices(ingress: Ingress): ServicePort[] {
  if (ingress.transport === 'other') return [];
  const transport = ingress.transport === 'all' ? undefined : ingress.transport;
  return sensitivePortsInRange(ingress.from, ingress.to, transport);
}

const ALL_PORTS = (i: Ingress) => i.transport === 'all' || (i.from <= 0 && i.to >= 65535);

const openToInternet: TfRule = tfRule({
  id: 'iac/tf-aws-sg-open-to-internet',
  title: 'Sensitive port open to the internet',
  description:
    'A security group (or an EKS node group with an SSH key and no source security groups) accepts connections from anywhere (0.0.0.0/0, ::/0, any /0) on every port, or on the port of a service that must not be public: SSH, RDP, Telnet, FTP, the Docker API, a database, a cache (see the port catalogue). This is how many cloud breaches start: such ports are scanned and brute-forced within minutes of exposure. Rules written as `dynamic "ingress"` blocks or as rule resources with for_each or count are read once per element when the list or map can be read.',
  remediation: 'Restrict the source to known CIDRs or a security group (a load balancer, a bastion, a VPN), and reach administrative services through SSM Session Manager or a private network.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "aws_security_group" "ssh" {\n  name = "ssh"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    # expect\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      'resource "aws_security_group_rule" "db" {\n  type              = "ingress"\n  from_port         = 3300\n  to_port           = 3310\n  protocol          = "tcp"\n  # expect\n  ipv6_cidr_blocks  = ["::/0"]\n  security_group_id = aws_security_group.db.id\n}\n',
      'resource "aws_vpc_security_group_ingress_rule" "rdp" {\n  security_group_id = aws_security_group.win.id\n  # expect\n  cidr_ipv4         = "0.0.0.0/0"\n  from_port         = 3389\n  to_port           = 3389\n  ip_protocol       = "tcp"\n}\n',
      'resource "aws_security_group" "all" {\n  ingress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n    # expect\n    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]\n  }\n}\n',
      'resource "aws_security_group" "app" {\n  ingress = [\n    {\n      from_port   = 6379\n      to_port     = 6379\n      protocol    = "tcp"\n      # expect\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  ]\n}\n',
      'module "bastion" {\n  source        = "terraform-aws-modules/security-group/aws"\n  version       = "5.1.0"\n  ingress_rules = ["ssh-tcp"]\n  # expect\n  ingress_cidr_blocks = ["0.0.0.0/0"]\n}\n',
      'resource "aws_eks_node_group" "workers" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = aws_iam_role.workers.arn\n  subnet_ids    = var.subnet_ids\n  # expect\n  remote_access {\n    ec2_ssh_key = "ops"\n  }\n}\n',
      'resource "aws_eks_node_group" "workers" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = aws_iam_role.workers.arn\n  # expect\n  remote_access {\n    ec2_ssh_key               = "ops"\n    source_security_group_ids = []\n  }\n}\n',
      'variable "public_ports" {\n  default = [443, 22]\n}\n\nresource "aws_security_group" "edge" {\n  dynamic "ingress" {\n    for_each = var.public_ports\n    content {\n      from_port   = ingress.value\n      to_port     = ingress.value\n      protocol    = "tcp"\n      # expect\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n',
      'resource "aws_vpc_security_group_ingress_rule" "admin" {\n  for_each          = { ssh = 22, rdp = 3389 }\n  security_group_id = aws_security_group.admin.id\n  # expect\n  cidr_ipv4         = "0.0.0.0/0"\n  from_port         = each.value\n  to_port           = each.value\n  ip_protocol       = "tcp"\n}\n',
    ],
    negative: [
      'resource "aws_security_group" "web" {\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["10.0.0.0/8"]\n  }\n}\n',
      'resource "aws_security_group" "app" {\n  ingress {\n    from_port   = 8100\n    to_port     = 8110\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      'resource "aws_security_group_rule" "out" {\n  type        = "egress"\n  from_port   = 0\n  to_port     = 0\n  protocol    = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n',
      'module "web" {\n  source              = "terraform-aws-modules/security-group/aws"\n  ingress_rules       = ["https-443-tcp"]\n  ingress_cidr_blocks = ["0.0.0.0/0"]\n}\n',
      'resource "aws_eks_node_group" "workers" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = aws_iam_role.workers.arn\n  remote_access {\n    ec2_ssh_key               = "ops"\n    source_security_group_ids = [aws_security_group.bastion.id]\n  }\n}\n',
      'resource "aws_security_group" "web" {\n  dynamic "ingress" {\n    for_each = [\n      { port = 443, cidrs = ["0.0.0.0/0"] },\n      { port = 22, cidrs = ["10.0.0.0/8"] },\n    ]\n    iterator = rule\n    content {\n      from_port   = rule.value.port\n      to_port     = rule.value.port\n      protocol    = "tcp"\n      cidr_blocks = rule.value.cidrs\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    // The instances of one `dynamic "ingress"` block share their lines: one finding for all of them.
    const found = new Map<string, { resource: TfResource; line: number; all: boolean; sources: Set<string>; services: Map<string, ServicePort> }>();
    for (const ingress of worldIngress(input)) {
      if (ingress.transport === 'other') continue;
      const all = ALL_PORTS(ingress);
      const services = all ? [] : exposedServices(ingress);
      if (!all && services.length === 0) continue;
      const key = `${label(ingress.resource)}\n${ingress.cidrLine}`;
      const entry = found.get(key) ?? { resource: ingress.resource, line: ingress.cidrLine, all: false, sources: new Set<string>(), services: new Map<string, ServicePort>() };
      found.set(key, entry);
      entry.all ||= all;
      for (const cidr of ingress.worldCidrs) entry.sources.add(cidr);
      for (const service of services) entry.services.set(`${service.port}/${service.transport}`, service);
    }
    for (const { resource, line, all, sources, services } of found.values()) {
      const where = label(resource);
      const source = [...sources].join(', ');
      if (all) {
        const what = resource.type === 'aws_db_security_group' ? 'admits the database port to connections' : 'accepts every port';
        yield { line, message: `${where} ${what} from ${source}.`, resource: where, severity: 'critical' };
        continue;
      }
      const open = [...services.values()].sort((a, b) => a.port - b.port);
      const worst = open.some((s) => s.severity === 'critical') ? 'critical' : 'high';
      const listed = open.slice(0, 4).map(describePort).join(', ') + (open.length > 4 ? ` and ${open.length - 4} more` : '');
      yield { line, message: `${where} opens ${listed} to ${source}.`, resource: where, severity: worst };
    }
  },
});

const defaultSecurityGroup: TfRule = tfRule({
  id: 'iac/tf-aws-default-sg-allows-traffic',
  title: 'Default security group allows traffic',
  description:
    "The VPC's default security group has ingress or egress rules. Every resource launched without an explicit security group gets the default one, so these rules silently apply to forgotten instances, endpoints and functions (CIS AWS 5.4).",
  remediation: 'Declare aws_default_security_group with no ingress and egress rules, and attach purpose-built security groups to every resource.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: ['resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n  # expect\n  ingress {\n    protocol  = -1\n    self      = true\n    from_port = 0\n    to_port   = 0\n  }\n}\n', 'resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n  # expect\n  egress = [\n    {\n      from_port   = 0\n      to_port     = 0\n      protocol    = "-1"\n      # expect\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  ]\n}\n'],
    negative: ['resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_default_security_group')) {
      for (const direction of ['ingress', 'egress']) {
        const blocks = blocksOf(resource.block, direction);
        const a = attribute(resource.block, direction);
        const nonEmpty = a && !(a.expr.kind === 'tuple' && a.expr.items.length === 0);
        if (blocks.length > 0) yield { line: blocks[0]!.line, message: `${label(resource)} (the VPC default security group) has ${direction} rules.`, resource: label(resource) };
        else if (nonEmpty) yield { line: a.line, message: `${label(resource)} (the VPC default security group) has ${direction} rules.`, resource: label(resource) };
        // A rule open to the whole internet is the worst case: also reported on its CIDR setting (convention 3),
        // once per line for all the elements of a dynamic block.
        const open = new Map<number, Set<string>>();
        for (const section of sections(input, resource.block, direction)) {
          for (const key of ['cidr_blocks', 'ipv6_cidr_blocks']) {
            const world = (asStrings(section.get(key)) ?? []).filter(isWorld);
            if (world.length === 0) continue;
            const line = section.lineOf(key);
            open.set(line, new Set([...(open.get(line) ?? []), ...world]));
          }
        }
        for (const [line, cidrs] of open)
          yield { line, message: `${label(resource)} (the VPC default security group) ${direction === 'ingress' ? 'accepts traffic from' : 'sends traffic to'} ${[...cidrs].join(', ')}.`, resource: label(resource), severity: direction === 'ingress' ? 'high' : 'medium' };
      }
    }
  },
});

/**
 * An instance with no subnet, network interface or launch template starts in a default
 * subnet of the default VPC, and default subnets map public IPs on launch.
 */
function inDefaultVpc(resource: TfResource): boolean {
  return !['subnet_id', 'launch_template', 'network_interface'].some((name) => attribute(resource.block, name) !== undefined || blocksOf(resource.block, name).length > 0);
}

const instancePublicIp: TfRule = tfRule({
  id: 'iac/tf-aws-ec2-public-ip',
  title: 'Instance gets a public IP address',
  description: 'associate_public_ip_address = true gives the instance an address reachable from the internet; its security group becomes the only thing between it and every scanner.',
  remediation: 'Place instances in private subnets without public IPs and expose services through a load balancer; use SSM Session Manager for administration.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: ['resource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  # expect\n  associate_public_ip_address = true\n}\n', '# expect\nresource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n}\n', 'resource "aws_launch_template" "web" {\n  network_interfaces {\n    # expect\n    associate_public_ip_address = true\n  }\n}\n', 'module "web" {\n  source = "terraform-aws-modules/ec2-instance/aws"\n  # expect\n  associate_public_ip_address = true\n}\n'],
    negative: [
      'resource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  associate_public_ip_address = false\n}\n',
      'resource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  subnet_id     = aws_subnet.private.id\n}\n',
      'module "web" {\n  source    = "terraform-aws-modules/ec2-instance/aws"\n  version   = "~> 5.0"\n  subnet_id = "subnet-0123456789abcdef0"\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_instance', 'aws_spot_instance_request', 'aws_launch_configuration')) {
      const a = attribute(resource.block, 'associate_public_ip_address');
      if (a && isTrueValue(valueOf(input, resource.block, 'associate_public_ip_address'))) yield { line: a.line, message: `${label(resource)} gets a public IP address.`, resource: label(resource) };
      if (!a && resource.type !== 'aws_launch_configuration' && inDefaultVpc(resource))
        yield { line: resource.block.line, message: `${label(resource)} names no subnet, so it starts in the default VPC, whose subnets give every instance a public IP address; associate_public_ip_address is not set to false.`, resource: label(resource), severity: 'low' };
    }
    for (const resource of resourcesOf(input, 'aws_launch_template')) {
      for (const instance of instancesOf(resource.block, fileInstance(input))) {
        for (const nic of sections(input, resource.block, 'network_interfaces', instance)) {
          if (isTrueValue(nic.get('associate_public_ip_address'))) yield { line: nic.lineOf('associate_public_ip_address'), message: `${label(resource)} gives instances a public IP address.`, resource: label(resource) };
        }
      }
    }
  },
});

const subnetPublicIp: TfRule = tfRule({
  id: 'iac/tf-aws-subnet-public-ip',
  title: 'Subnet assigns public IPs automatically',
  description: 'map_public_ip_on_launch = true gives every instance launched in the subnet a public address, including ones that were never meant to be reachable from the internet.',
  remediation: 'Set map_public_ip_on_launch = false and assign public addresses (or better, load balancers) explicitly where needed.',
  severity: 'low',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'resource "aws_subnet" "public" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.1.0/24"\n  # expect\n  map_public_ip_on_launch = true\n}\n',
      'resource "aws_subnet" "tier" {\n  for_each   = { app = { cidr = "10.0.1.0/24", public = false }, edge = { cidr = "10.0.2.0/24", public = true } }\n  vpc_id     = aws_vpc.main.id\n  cidr_block = each.value.cidr\n  # expect\n  map_public_ip_on_launch = each.value.public\n}\n',
    ],
    negative: ['resource "aws_subnet" "private" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.2.0/24"\n}\n'],
  },
  *check(input) {
    // Subnets are often made with for_each over a map of them, some public (`each.value.public`): each instance is read.
    for (const resource of resourcesOf(input, 'aws_subnet', 'aws_default_subnet')) {
      const a = attribute(resource.block, 'map_public_ip_on_launch');
      if (a && instancesOf(resource.block, fileInstance(input)).some((instance) => isTrueValue(valueIn(instance, a.expr))))
        yield { line: a.line, message: `${label(resource)} gives every instance a public IP.`, resource: label(resource) };
    }
  },
});

const PUBLIC_FLAG_TYPES = ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_dms_replication_instance', 'aws_mq_broker', 'aws_redshift_cluster', 'aws_neptune_cluster_instance', 'aws_docdb_cluster_instance'];

const publiclyAccessible: TfRule = tfRule({
  id: 'iac/tf-aws-publicly-accessible',
  title: 'Database or broker reachable from the internet',
  description:
    'A managed database, message broker or replication instance is publicly accessible: AWS gives it a public DNS name and address. Its only protection is then its security group and password, and database endpoints are scanned and brute-forced constantly.',
  remediation: 'Set publicly_accessible = false (for MSK, keep public_access disabled) and connect from inside the VPC, through a VPN or a bastion.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: ['resource "aws_db_instance" "db" {\n  engine              = "postgres"\n  instance_class      = "db.t3.micro"\n  storage_encrypted   = true\n  # expect\n  publicly_accessible = true\n}\n', 'resource "aws_msk_cluster" "k" {\n  broker_node_group_info {\n    connectivity_info {\n      public_access {\n        # expect\n        type = "SERVICE_PROVIDED_EIPS"\n      }\n    }\n  }\n}\n'],
    negative: ['resource "aws_db_instance" "db" {\n  engine              = "postgres"\n  publicly_accessible = false\n}\n', 'resource "aws_msk_cluster" "k" {\n  broker_node_group_info {\n    connectivity_info {\n      public_access {\n        type = "DISABLED"\n      }\n    }\n  }\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, ...PUBLIC_FLAG_TYPES)) {
      const a = attribute(resource.block, 'publicly_accessible');
      if (a && isTrueValue(valueOf(input, resource.block, 'publicly_accessible'))) yield { line: a.line, message: `${label(resource)} is publicly accessible from the internet.`, resource: label(resource) };
    }
    for (const resource of resourcesOf(input, 'aws_msk_cluster')) {
      const path = ['broker_node_group_info', 'connectivity_info', 'public_access', 'type'];
      if (valueAt(input, resource.block, path) === 'SERVICE_PROVIDED_EIPS') yield { line: lineOfPath(resource.block, path), message: `${label(resource)} gives its brokers public IP addresses.`, resource: label(resource) };
    }
  },
});

const eksPublicEndpoint: TfRule = tfRule({
  id: 'iac/tf-aws-eks-public-endpoint',
  title: 'EKS API endpoint open to the internet',
  description: 'The cluster API endpoint is public (the default) and accepts connections from any address (public_access_cidrs unset or 0.0.0.0/0). Credentials leaked from any laptop or CI job can then be used from anywhere, and API server vulnerabilities are exposed to the internet.',
  remediation: 'Set endpoint_public_access = false and endpoint_private_access = true, or restrict public_access_cidrs to your egress addresses.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: ['resource "aws_eks_cluster" "c" {\n  name     = "c"\n  role_arn = aws_iam_role.c.arn\n  vpc_config {\n    subnet_ids          = var.subnets\n    # expect\n    public_access_cidrs = ["0.0.0.0/0"]\n  }\n}\n', 'resource "aws_eks_cluster" "c" {\n  name = "c"\n  # expect\n  vpc_config {\n    subnet_ids = var.subnets\n  }\n}\n'],
    negative: ['resource "aws_eks_cluster" "c" {\n  vpc_config {\n    endpoint_public_access  = false\n    endpoint_private_access = true\n  }\n}\n', 'resource "aws_eks_cluster" "c" {\n  vpc_config {\n    public_access_cidrs = ["203.0.113.0/24"]\n  }\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_eks_cluster')) {
      const vpc = blocksOf(resource.block, 'vpc_config')[0];
      if (!vpc) continue;
      const publicAccess = valueOf(input, vpc, 'endpoint_public_access');
      if (isFalseValue(publicAccess) || (publicAccess !== undefined && !known(publicAccess))) continue;
      const cidrs = attribute(vpc, 'public_access_cidrs');
      const values = asStrings(valueOf(input, vpc, 'public_access_cidrs'));
      if (cidrs && (!values || !values.some(isWorld))) continue;
      yield { line: cidrs?.line ?? vpc.line, message: `${label(resource)} exposes its API endpoint to the whole internet.`, resource: label(resource) };
    }
  },
});

export const networkRules: readonly TfRule[] = [
  openToInternet,
  defaultSecurityGroup,
  instancePublicIp,
  subnetPublicIp,
  publiclyAccessible,
  eksPublicEndpoint,
];

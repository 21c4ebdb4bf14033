import { isBroadPublic, isVeryBroad, isWidePrivate, isWorld } from '../../cidr.js';
import { aclAdminPorts } from '../../aws-network-acls.js';
import { sensitivePortsInRange, type ServicePort } from '../../ports.js';
import type { Attribute, Block, Expr } from '../hcl/ast.js';
import { evaluate, type Scope, type Value } from '../hcl/evaluate.js';
import { asStrings, attribute, blocksOf, handedToCallers, isFalseValue, isTrueValue, label, mentioned, referrers, resourcesOf, moduleResourcesOf, textOf, usersOf, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { reachableThroughBalancers, type BalancerForwarding } from '../../aws-load-balancers.js';
import { registryAddress } from '../modules/synthesize.js';
import { given, known, sections, tfRule, type Section, type TfRule } from './common.js';
import { groupExposures, listPorts, type Exposure } from './exposure.js';
import { blocksMade, fieldsOf, fileInstance, instancesOf, notCreated, sectionsIn, settingAt, valueIn } from './instances.js';
import { placedUnrouted, unroutedSubnets } from './unrouted-subnets.js';
import { requiresBelow } from '../provider-versions.js';
import { namesUnroutedSubnetGroup, VPC_MODULE } from '../vpc-subnet-groups.js';

interface Ingress {
  resource: TfResource;
  /** Line of the ingress block, or of the rule resource. */
  line: number;
  /** Line of the first CIDR setting that holds a source the reader was asked for. */
  cidrLine: number;
  /** The sources the reader was asked for, as written. */
  matched: string[];
  /** Every CIDR source of the rule, asked for or not. */
  sources: string[];
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
function limitsSshSources(remote: Section): boolean {
  const given = remote.block?.body.attributes.filter((a) => /^source_security_groups?_ids?$/.test(a.name)) ?? [];
  return given.some((a) => {
    const value = remote.get(a.name);
    // null (a module's optional input left unset) names none, as an empty list does.
    return !(value === null || (Array.isArray(value) && value.length === 0));
  });
}

/**
 * Every ingress rule of security groups, security group rules, VPC ingress rules and DB
 * security groups with a CIDR source that `accept` picks (`isWorld`: open to the
 * internet), and EKS node groups that open SSH to the world when `accept` takes 0.0.0.0/0.
 */
function* ingressFrom(input: TfInput, accept: (cidr: string) => boolean): Generator<Ingress> {
  const make = (resource: TfResource, line: number, fields: { get(n: string): Value | undefined; lineOf(n: string): number }, cidrKeys: string[], protocolKey: string): Ingress | undefined => {
    const matched: string[] = [];
    const sources: string[] = [];
    let cidrLine = line;
    for (const key of cidrKeys) {
      const cidrs = asStrings(fields.get(key)) ?? [];
      sources.push(...cidrs);
      const open = cidrs.filter(accept);
      if (open.length > 0) {
        if (matched.length === 0) cidrLine = fields.lineOf(key);
        matched.push(...open);
      }
    }
    if (matched.length === 0) return undefined;
    const transport = transportOf(fields.get(protocolKey));
    const all = transport === 'all';
    const from = all ? 0 : port(fields.get('from_port'), 0);
    const to = all ? 65535 : port(fields.get('to_port'), from);
    const description = typeof fields.get('description') === 'string' ? (fields.get('description') as string) : '';
    return { resource, line, cidrLine, matched, sources, from: Math.min(from, to), to: Math.max(from, to), transport, description };
  };
  // Every instance of a resource with for_each or count comes from resourcesOf, read with its
  // own each/count; every element of a `dynamic "ingress"` block with its own iterator.
  const file = fileInstance(input);
  for (const resource of resourcesOf(input, 'aws_security_group')) {
    for (const section of sectionsIn(resource.block, 'ingress', file)) {
      const ingress = make(resource, section.line, section, ['cidr_blocks', 'ipv6_cidr_blocks'], 'protocol');
      if (ingress) yield ingress;
    }
  }
  for (const resource of resourcesOf(input, 'aws_security_group_rule')) {
    const fields = fieldsOf(resource.block, file);
    if (fields.get('type') !== 'ingress') continue;
    const ingress = make(resource, resource.block.line, fields, ['cidr_blocks', 'ipv6_cidr_blocks'], 'protocol');
    if (ingress) yield ingress;
  }
  for (const resource of resourcesOf(input, 'aws_vpc_security_group_ingress_rule')) {
    const ingress = make(resource, resource.block.line, fieldsOf(resource.block, file), ['cidr_ipv4', 'cidr_ipv6'], 'ip_protocol');
    if (ingress) yield ingress;
  }
  // EKS opens SSH to 0.0.0.0/0 on the nodes of a group with an SSH key and no source security groups.
  for (const resource of resourcesOf(input, 'aws_eks_node_group')) {
    // remote_access read where it is made: modules write it as a dynamic block over their input
    // (`dynamic "remote_access" { for_each = var.remote_access != null ? [var.remote_access] : [] content { ec2_ssh_key = remote_access.value.ec2_ssh_key ...`).
    for (const remote of sectionsIn(resource.block, 'remote_access', file, { made: true })) {
      if (!accept('0.0.0.0/0') || !remote.block || !attribute(remote.block, 'ec2_ssh_key') || remote.get('ec2_ssh_key') === null || limitsSshSources(remote)) continue;
      const world = '0.0.0.0/0 (no source_security_group_ids)';
      yield { resource, line: remote.line, cidrLine: remote.line, matched: [world], sources: [world], from: 22, to: 22, transport: 'tcp', description: '' };
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

/**
 * Ingress rules that open every port or a catalogue port to a source `accept` picks, one
 * per resource and CIDR line (exposure.ts). `skip` leaves out a rule by all its sources
 * (one that another rule reports for a wider source).
 */
function exposures(input: TfInput, accept: (cidr: string) => boolean, skip: (ingress: Ingress) => boolean = () => false): Exposure[] {
  return groupExposures(
    (function* () {
      for (const ingress of ingressFrom(input, accept)) {
        if (ingress.transport === 'other' || skip(ingress)) continue;
        const all = ALL_PORTS(ingress);
        yield { resource: ingress.resource, line: ingress.cidrLine, matched: ingress.matched, all, services: all ? [] : exposedServices(ingress) };
      }
    })(),
  );
}

const everyPort = (resource: TfResource) => (resource.type === 'aws_db_security_group' ? 'admits the database port to connections' : 'accepts every port');


/** Where a security group may be named without attaching it: its own rules, peers in other groups' rules, depends_on. */
const GROUP_RULE_TYPES = new Set(['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']);
const RULE_MENTIONS = new Set(['security_group_id', 'source_security_group_id', 'referenced_security_group_id']);
const PEER_MENTIONS = new Set(['ingress.security_groups', 'egress.security_groups']);
const LOAD_BALANCER_TYPES = new Set(['aws_lb', 'aws_alb', 'aws_elb']);

type GroupUsers = { kind: 'unreachable' } | { kind: 'load-balancers'; balancers: TfResource[] };
const USERS = new WeakMap<TfInput, Map<TfResource, GroupUsers | undefined>>();

/**
 * Who a security group of the module is attached to, when they are all Lambda functions
 * (vpc_config security_group_ids: a function accepts no inbound connections) or interface
 * VPC endpoints (security_group_ids, or an aws_vpc_endpoint_security_group_association:
 * their network interfaces have private addresses only, so the internet cannot reach
 * them), or all load balancers (security_groups: they answer only on their listener ports), as
 * cfn-sg-open-to-internet judges. Its own rules, other groups' rules naming it as a peer
 * and depends_on do not attach it. Undefined for any other user (an instance, a launch
 * template, a database...), a group no resource uses, and one an output or a module call
 * of the module names (its callers or the module called may attach it anywhere), or when
 * the module's outputs cannot all be read.
 */
function groupUsers(input: TfInput, group: TfResource): GroupUsers | undefined {
  let cache = USERS.get(input);
  if (!cache) USERS.set(input, (cache = new Map()));
  if (cache.has(group)) return cache.get(group);
  const found = ((): GroupUsers | undefined => {
    const users = group.module ? undefined : usersOf(input, group, handedToCallers);
    if (!users) return undefined;
    let unreachable = false;
    const balancers: TfResource[] = [];
    for (const { resource: r, paths } of users) {
      for (const path of paths) {
        if (path === 'depends_on') continue;
        if (GROUP_RULE_TYPES.has(r.type) && RULE_MENTIONS.has(path)) continue;
        if (r.kind === 'resource' && r.type === 'aws_security_group' && PEER_MENTIONS.has(path)) continue;
        if (r.kind === 'resource' && r.type === 'aws_lambda_function' && path === 'vpc_config.security_group_ids') unreachable = true;
        else if (r.kind === 'resource' && ((r.type === 'aws_vpc_endpoint' && path === 'security_group_ids') || (r.type === 'aws_vpc_endpoint_security_group_association' && path === 'security_group_id'))) unreachable = true;
        else if (r.kind === 'resource' && LOAD_BALANCER_TYPES.has(r.type) && path === 'security_groups') {
          if (!balancers.some((b) => label(b) === label(r))) balancers.push(r);
        } else return undefined;
      }
    }
    if (unreachable && balancers.length === 0) return { kind: 'unreachable' };
    return balancers.length > 0 && !unreachable ? { kind: 'load-balancers', balancers } : undefined;
  })();
  cache.set(group, found);
  return found;
}

const LB_LISTENERS = ['aws_lb_listener', 'aws_alb_listener'];

/**
 * What a load balancer of the module forwards (aws-load-balancers.ts): its type, and the
 * ports of its listeners (aws_lb_listener resources naming it, each instance read; a classic
 * load balancer's listener blocks) when all can be read and it is not handed on, where other
 * listeners may be added.
 */
function forwardingOf(input: TfInput, lb: TfResource): BalancerForwarding {
  const file = fileInstance(input);
  const name = label(lb);
  if (lb.type === 'aws_elb') {
    const ports = sectionsIn(lb.block, 'listener', file).map((listener) => listener.get('lb_port'));
    return { name, type: 'classic', ports: ports.length > 0 && ports.every((p) => typeof p === 'number') ? (ports as number[]) : undefined };
  }
  const type = valueOf(input, lb.block, 'load_balancer_type') ?? 'application';
  const kind = type === 'application' || type === 'network' ? type : undefined;
  if (handedToCallers(input, written(lb).address) !== false) return { name, type: kind, ports: undefined };
  const ports = referrers(input, lb, LB_LISTENERS, 'load_balancer_arn').flatMap((listener) => instancesOf(listener.block, file).map((instance) => fieldsOf(listener.block, instance).get('port')));
  const numbers = ports.map((p) => (typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p));
  // No listener found may be one made where this file cannot see it: not "forwards nothing".
  return { name, type: kind, ports: numbers.length > 0 && numbers.every((p) => typeof p === 'number') ? (numbers as number[]) : undefined };
}

/** The security group of the module whose ingress a resource writes: the group itself, or the one a rule resource's security_group_id names. */
function groupOfIngress(input: TfInput, resource: TfResource): TfResource | undefined {
  if (resource.module) return undefined;
  if (resource.type === 'aws_security_group') return resource;
  if (!GROUP_RULE_TYPES.has(resource.type)) return undefined;
  const named = mentioned(input, attribute(resource.block, 'security_group_id')?.expr).filter((r) => r.kind === 'resource' && r.type === 'aws_security_group');
  return named.length === 1 ? named[0] : undefined;
}

const openToInternet: TfRule = tfRule({
  id: 'iac/tf-aws-sg-open-to-internet',
  title: 'Sensitive port open to the internet',
  description:
    'A security group (or an EKS node group with an SSH key and no source security groups) accepts connections from anywhere (0.0.0.0/0, ::/0, any /0) on every port, or on the port of a service that must not be public: SSH, RDP, Telnet, FTP, the Docker API, a database, a cache (see the port catalogue). This is how many cloud breaches start: such ports are scanned and brute-forced within minutes of exposure. Rules written as `dynamic "ingress"` blocks or as rule resources with for_each or count are read once per element when the list or map can be read. A group of the module attached only to Lambda functions (vpc_config security_group_ids), which accept no inbound connections, or to interface VPC endpoints, whose network interfaces have private addresses only, is not reported, and one used only by load balancers (security_groups), which answer only on their listener ports, is medium when it opens every port, and reported for a service port only when a listener may forward it: one of an application load balancer (which speaks only HTTP and HTTPS, so never SMB, SSH or a database protocol) or of a network or classic load balancer on that port, or any port when the listeners cannot all be read. A group that an output or a module call names (read as a local module call makes it: an output its caller names outside its own outputs; the terraform-aws-modules/alb module\'s security_groups input only puts it on the load balancer the module makes), or that anything else uses, is judged as usual.',
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
      // remote_access as modules write it: a dynamic block over a variable, read with its iterator bound (no source groups: SSH from anywhere).
      'variable "remote_access" {\n  default = { ec2_ssh_key = "ops" }\n}\nresource "aws_eks_node_group" "this" {\n  cluster_name  = "main"\n  node_role_arn = "arn:aws:iam::123456789012:role/workers"\n  subnet_ids    = ["subnet-0123456789abcdef0"]\n  # expect\n  dynamic "remote_access" {\n    for_each = var.remote_access != null ? [var.remote_access] : []\n    content {\n      ec2_ssh_key               = try(remote_access.value.ec2_ssh_key, null)\n      source_security_group_ids = try(remote_access.value.source_security_group_ids, null)\n    }\n  }\n}\n',
      'variable "public_ports" {\n  default = [443, 22]\n}\n\nresource "aws_security_group" "edge" {\n  dynamic "ingress" {\n    for_each = var.public_ports\n    content {\n      from_port   = ingress.value\n      to_port     = ingress.value\n      protocol    = "tcp"\n      # expect\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n',
      // A group a Lambda function uses, but that an output gives the module's callers: they may attach it anywhere.
      'resource "aws_security_group" "fn" {\n  name = "fn"\n  ingress {\n    from_port   = 27017\n    to_port     = 27017\n    protocol    = "tcp"\n    # expect\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nresource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  role          = aws_iam_role.fn.arn\n  vpc_config {\n    subnet_ids         = var.subnet_ids\n    security_group_ids = [aws_security_group.fn.id]\n  }\n}\n\noutput "fn_security_group_id" {\n  value = aws_security_group.fn.id\n}\n',
      // The same through the registry alb module.
      'resource "aws_security_group" "nlb" {\n  name = "nlb"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    # expect\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nmodule "nlb" {\n  source             = "terraform-aws-modules/alb/aws"\n  version            = "~> 9.0"\n  load_balancer_type = "network"\n  security_groups    = [aws_security_group.nlb.id]\n  listeners = {\n    ssh = { port = 22, protocol = "TCP" }\n  }\n}\n',
      // A group only a network load balancer uses, with a TCP listener on the port: it forwards it.
      'resource "aws_security_group" "nlb" {\n  name = "nlb"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    # expect\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nresource "aws_lb" "nlb" {\n  load_balancer_type = "network"\n  security_groups    = [aws_security_group.nlb.id]\n}\n\nresource "aws_lb_listener" "ssh" {\n  load_balancer_arn = aws_lb.nlb.arn\n  port              = 22\n  protocol          = "TCP"\n}\n',
      'resource "aws_vpc_security_group_ingress_rule" "admin" {\n  for_each          = { ssh = 22, rdp = 3389 }\n  security_group_id = aws_security_group.admin.id\n  # expect\n  cidr_ipv4         = "0.0.0.0/0"\n  from_port         = each.value\n  to_port           = each.value\n  ip_protocol       = "tcp"\n}\n',
    ],
    negative: [
      'resource "aws_security_group" "web" {\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["10.0.0.0/8"]\n  }\n}\n',
      'resource "aws_security_group" "app" {\n  ingress {\n    from_port   = 8100\n    to_port     = 8110\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      'resource "aws_security_group_rule" "out" {\n  type        = "egress"\n  from_port   = 0\n  to_port     = 0\n  protocol    = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n',
      'module "web" {\n  source              = "terraform-aws-modules/security-group/aws"\n  ingress_rules       = ["https-443-tcp"]\n  ingress_cidr_blocks = ["0.0.0.0/0"]\n}\n',
      'resource "aws_eks_node_group" "workers" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = aws_iam_role.workers.arn\n  remote_access {\n    ec2_ssh_key               = "ops"\n    source_security_group_ids = [aws_security_group.bastion.id]\n  }\n}\n',
      // The same block over a variable left null makes no remote_access; given source groups, SSH is limited to them.
      'variable "remote_access" {\n  default = null\n}\nresource "aws_eks_node_group" "this" {\n  cluster_name  = "main"\n  node_role_arn = "arn:aws:iam::123456789012:role/workers"\n  subnet_ids    = ["subnet-0123456789abcdef0"]\n  dynamic "remote_access" {\n    for_each = var.remote_access != null ? [var.remote_access] : []\n    content {\n      ec2_ssh_key               = try(remote_access.value.ec2_ssh_key, null)\n      source_security_group_ids = try(remote_access.value.source_security_group_ids, null)\n    }\n  }\n}\n',
      'variable "remote_access" {\n  default = { ec2_ssh_key = "ops", source_security_group_ids = ["sg-0123456789abcdef0"] }\n}\nresource "aws_eks_node_group" "this" {\n  cluster_name  = "main"\n  node_role_arn = "arn:aws:iam::123456789012:role/workers"\n  subnet_ids    = ["subnet-0123456789abcdef0"]\n  dynamic "remote_access" {\n    for_each = var.remote_access != null ? [var.remote_access] : []\n    content {\n      ec2_ssh_key               = try(remote_access.value.ec2_ssh_key, null)\n      source_security_group_ids = try(remote_access.value.source_security_group_ids, null)\n    }\n  }\n}\n',
      // A group attached only to a Lambda function: nothing listens behind it.
      'resource "aws_security_group" "fn" {\n  name = "fn"\n  ingress {\n    from_port   = 27017\n    to_port     = 27017\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nresource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  role          = aws_iam_role.fn.arn\n  vpc_config {\n    subnet_ids         = var.subnet_ids\n    security_group_ids = [aws_security_group.fn.id]\n  }\n}\n',
      // The same through the registry alb module, which puts security_groups on its load balancer alone.
      'resource "aws_security_group" "alb" {\n  name = "alb"\n  ingress {\n    from_port   = 443\n    to_port     = 445\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nmodule "alb" {\n  source          = "terraform-aws-modules/alb/aws"\n  version         = "~> 9.0"\n  security_groups = [aws_security_group.alb.id]\n  listeners = {\n    oidc = { port = 445, protocol = "HTTPS" }\n  }\n}\n',
      // A group only an application load balancer uses: its HTTPS listener on 445 speaks HTTPS, not SMB.
      'resource "aws_security_group" "alb" {\n  name = "alb"\n  ingress {\n    from_port   = 443\n    to_port     = 445\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nresource "aws_lb" "alb" {\n  security_groups = [aws_security_group.alb.id]\n}\n\nresource "aws_lb_listener" "oidc" {\n  load_balancer_arn = aws_lb.alb.arn\n  port              = 445\n  protocol          = "HTTPS"\n}\n',
      // A group attached only to interface VPC endpoints: their network interfaces have private addresses only.
      'resource "aws_security_group" "endpoints" {\n  name   = "endpoints"\n  vpc_id = aws_vpc.main.id\n  ingress {\n    from_port   = 0\n    to_port     = 8888\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nresource "aws_vpc_endpoint" "ssm" {\n  vpc_id             = aws_vpc.main.id\n  vpc_endpoint_type  = "Interface"\n  service_name       = "com.amazonaws.eu-west-1.ssm"\n  security_group_ids = [aws_security_group.endpoints.id]\n}\n',
      'resource "aws_security_group" "web" {\n  dynamic "ingress" {\n    for_each = [\n      { port = 443, cidrs = ["0.0.0.0/0"] },\n      { port = 22, cidrs = ["10.0.0.0/8"] },\n    ]\n    iterator = rule\n    content {\n      from_port   = rule.value.port\n      to_port     = rule.value.port\n      protocol    = "tcp"\n      cidr_blocks = rule.value.cidrs\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const { resource, line, all, sources, services } of exposures(input, isWorld)) {
      const where = label(resource);
      const source = sources.join(', ');
      const group = groupOfIngress(input, resource);
      const users = group && groupUsers(input, group);
      // A group attached only to Lambda functions or VPC endpoints: nothing the internet can reach listens behind it.
      if (users?.kind === 'unreachable') continue;
      const names = users?.kind === 'load-balancers' ? users.balancers.map(label) : [];
      const many = names.length > 1;
      if (all) {
        // A group used only by load balancers: they answer on their listener ports alone.
        if (users?.kind === 'load-balancers') {
          yield { line, message: `${where} ${everyPort(resource)} from ${source}; it is used only by the load balancer${many ? 's' : ''} ${names.join(', ')}, which answer${many ? '' : 's'} only on listener ports, so allow just those ports.`, resource: where, severity: 'medium' };
          continue;
        }
        yield { line, message: `${where} ${everyPort(resource)} from ${source}.`, resource: where, severity: 'critical' };
        continue;
      }
      // Through load balancers alone, only what their listeners forward: no SMB or SSH through an application load balancer's HTTPS listener on 445 or 22.
      const reached = users?.kind === 'load-balancers' ? reachableThroughBalancers(services, users.balancers.map((lb) => forwardingOf(input, lb))) : services;
      if (reached.length === 0) continue;
      const worst = reached.some((s) => s.severity === 'critical') ? 'critical' : 'high';
      const through = users?.kind === 'load-balancers' ? `; it is used only by the load balancer${many ? 's' : ''} ${names.join(', ')}, whose listeners may forward ${reached.length > 1 ? 'them' : 'it'}` : '';
      yield { line, message: `${where} opens ${listPorts(reached)} to ${source}${through}.`, resource: where, severity: worst };
    }
  },
});

/** One entry of a network ACL read in an instance: a rule resource, or an ingress block of the ACL. */
interface AclEntry {
  line: number;
  cidrLine: number;
  get(name: string): Value | undefined;
}

/** The admin ports a network ACL entry lets in from anywhere (aws-network-acls.ts). */
function aclAdminPortsOf(entry: AclEntry, actionKey: string): string[] {
  return aclAdminPorts({ action: entry.get(actionKey), sources: [entry.get('cidr_block'), entry.get('ipv6_cidr_block')], protocol: entry.get('protocol'), from: entry.get('from_port'), to: entry.get('to_port') });
}

const naclAdminPorts: TfRule = tfRule({
  id: 'iac/tf-aws-nacl-admin-port-open',
  title: 'Network ACL admits SSH or RDP from the internet',
  description:
    'A network ACL allows inbound traffic from anywhere (0.0.0.0/0 or ::/0) to SSH (22) or RDP (3389): an aws_network_acl_rule, or an ingress block of an aws_network_acl or aws_default_network_acl. The ACL is the subnet-wide layer in front of the security groups, and it should keep remote administration ports closed to the internet, so that one security group opened by mistake does not expose every instance of the subnet to brute force (CIS AWS 5.1, Security Hub EC2.21). A rule for every protocol and the wide port ranges a stateless ACL needs for return traffic (1024-65535) are not reported: they open no one service, and leave the filtering to the security groups.',
  remediation: 'Remove the rule or restrict cidr_block to the networks administrators come from; reach instances through SSM Session Manager or a VPN.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "aws_network_acl_rule" "ssh" {\n  network_acl_id = aws_network_acl.public.id\n  rule_number    = 120\n  egress         = false\n  protocol       = "tcp"\n  rule_action    = "allow"\n  # expect\n  cidr_block     = "0.0.0.0/0"\n  from_port      = 22\n  to_port        = 22\n}\n',
      'resource "aws_network_acl" "public" {\n  vpc_id = aws_vpc.main.id\n  ingress {\n    protocol   = "6"\n    rule_no    = 130\n    action     = "allow"\n    # expect\n    cidr_block = "0.0.0.0/0"\n    from_port  = 3389\n    to_port    = 3389\n  }\n}\n',
      // Rules read from a module input, one instance per element.
      'variable "inbound" {\n  default = [\n    { rule_number = 100, rule_action = "allow", from_port = 443, to_port = 443, protocol = "tcp", cidr_block = "0.0.0.0/0" },\n    { rule_number = 110, rule_action = "allow", from_port = 22, to_port = 22, protocol = "tcp", cidr_block = "0.0.0.0/0" },\n  ]\n}\nresource "aws_network_acl_rule" "inbound" {\n  count          = length(var.inbound)\n  network_acl_id = aws_network_acl.public.id\n  egress         = false\n  rule_number    = var.inbound[count.index]["rule_number"]\n  rule_action    = var.inbound[count.index]["rule_action"]\n  from_port      = lookup(var.inbound[count.index], "from_port", null)\n  to_port        = lookup(var.inbound[count.index], "to_port", null)\n  protocol       = var.inbound[count.index]["protocol"]\n  # expect\n  cidr_block     = lookup(var.inbound[count.index], "cidr_block", null)\n}\n',
      // Rules given to the registry vpc module: a dedicated ACL's inbound rules, and the default ACL's (adopted by default from 4.0.0).
      'module "vpc" {\n  source                       = "terraform-aws-modules/vpc/aws"\n  version                      = "~> 5.0"\n  cidr                         = "10.0.0.0/16"\n  public_subnets               = ["10.0.1.0/24"]\n  public_dedicated_network_acl = true\n  public_inbound_acl_rules = [\n    { rule_number = 100, rule_action = "allow", from_port = 443, to_port = 443, protocol = "tcp", cidr_block = "0.0.0.0/0" },\n    {\n      rule_number = 110\n      rule_action = "allow"\n      from_port   = 22\n      to_port     = 22\n      protocol    = "tcp"\n      # expect\n      cidr_block  = "0.0.0.0/0"\n    },\n  ]\n}\n',
      'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.8.1"\n  cidr    = "10.0.0.0/16"\n  default_network_acl_ingress = [\n    {\n      rule_no    = 100\n      action     = "allow"\n      from_port  = 3389\n      to_port    = 3389\n      protocol   = "tcp"\n      # expect\n      cidr_block = "0.0.0.0/0"\n    },\n  ]\n}\n',
    ],
    negative: [
      // The same rules where the module makes no ACL of them: public subnets keep the default ACL unless
      // public_dedicated_network_acl = true, and releases before 4.0.0 leave the default ACL alone unless told.
      'module "vpc" {\n  source         = "terraform-aws-modules/vpc/aws"\n  version        = "~> 5.0"\n  cidr           = "10.0.0.0/16"\n  public_subnets = ["10.0.1.0/24"]\n  public_inbound_acl_rules = [\n    { rule_number = 110, rule_action = "allow", from_port = 22, to_port = 22, protocol = "tcp", cidr_block = "0.0.0.0/0" },\n  ]\n}\n',
      'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "3.19.0"\n  cidr    = "10.0.0.0/16"\n  default_network_acl_ingress = [\n    { rule_no = 100, action = "allow", from_port = 3389, to_port = 3389, protocol = "tcp", cidr_block = "0.0.0.0/0" },\n  ]\n}\n',
      // A dedicated ACL whose SSH rule is limited to an office network, and its egress rules.
      'module "vpc" {\n  source                        = "terraform-aws-modules/vpc/aws"\n  private_subnets               = ["10.0.1.0/24"]\n  private_dedicated_network_acl = true\n  private_inbound_acl_rules = [\n    { rule_number = 110, rule_action = "allow", from_port = 22, to_port = 22, protocol = "tcp", cidr_block = "203.0.113.0/24" },\n  ]\n  private_outbound_acl_rules = [\n    { rule_number = 110, rule_action = "allow", from_port = 22, to_port = 22, protocol = "tcp", cidr_block = "0.0.0.0/0" },\n  ]\n}\n',
      // Return traffic, HTTPS, an office network, egress, a deny, and every protocol (the default ACL's rule).
      'resource "aws_network_acl_rule" "ephemeral" {\n  network_acl_id = aws_network_acl.public.id\n  rule_number    = 900\n  protocol       = "tcp"\n  rule_action    = "allow"\n  cidr_block     = "0.0.0.0/0"\n  from_port      = 1024\n  to_port        = 65535\n}\n',
      'resource "aws_network_acl" "public" {\n  vpc_id = aws_vpc.main.id\n  ingress {\n    protocol   = "tcp"\n    rule_no    = 100\n    action     = "allow"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 443\n    to_port    = 443\n  }\n  ingress {\n    protocol   = "tcp"\n    rule_no    = 110\n    action     = "allow"\n    cidr_block = "203.0.113.0/24"\n    from_port  = 22\n    to_port    = 22\n  }\n  ingress {\n    protocol   = "tcp"\n    rule_no    = 90\n    action     = "deny"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 3389\n    to_port    = 3389\n  }\n  egress {\n    protocol   = "tcp"\n    rule_no    = 100\n    action     = "allow"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 22\n    to_port    = 22\n  }\n}\n',
      'resource "aws_network_acl_rule" "out" {\n  network_acl_id = aws_network_acl.public.id\n  rule_number    = 100\n  egress         = true\n  protocol       = "tcp"\n  rule_action    = "allow"\n  cidr_block     = "0.0.0.0/0"\n  from_port      = 22\n  to_port        = 22\n}\n',
      'resource "aws_default_network_acl" "default" {\n  default_network_acl_id = aws_vpc.main.default_network_acl_id\n  ingress {\n    protocol   = -1\n    rule_no    = 100\n    action     = "allow"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 0\n    to_port    = 0\n  }\n}\n',
    ],
  },
  *check(input) {
    const report = (resource: TfResource, entry: AclEntry, ports: string[]) => ({
      line: entry.cidrLine,
      message: `${label(resource)} allows ${ports.join(' and ')} in from ${[entry.get('cidr_block'), entry.get('ipv6_cidr_block')].filter((v) => typeof v === 'string' && isWorld(v)).join(', ')}.`,
      resource: label(resource),
    });
    for (const rule of resourcesOf(input, 'aws_network_acl_rule')) {
      if (isTrueValue(valueOf(input, rule.block, 'egress'))) continue;
      const entry: AclEntry = {
        line: rule.block.line,
        cidrLine: [attribute(rule.block, 'cidr_block'), attribute(rule.block, 'ipv6_cidr_block')].find((a) => a && typeof valueOf(input, rule.block, a.name) === 'string' && isWorld(valueOf(input, rule.block, a.name) as string))?.line ?? rule.block.line,
        get: (name) => valueOf(input, rule.block, name),
      };
      const ports = aclAdminPortsOf(entry, 'rule_action');
      if (ports.length > 0) yield report(rule, entry, ports);
    }
    for (const acl of resourcesOf(input, 'aws_network_acl', 'aws_default_network_acl')) {
      for (const section of sectionsIn(acl.block, 'ingress', fileInstance(input), { made: true })) {
        const world = ['cidr_block', 'ipv6_cidr_block'].find((name) => {
          const v = section.get(name);
          return typeof v === 'string' && isWorld(v);
        });
        const entry: AclEntry = { line: section.line, cidrLine: world ? section.lineOf(world) : section.line, get: (name) => section.get(name) };
        const ports = aclAdminPortsOf(entry, 'action');
        if (ports.length > 0) yield report(acl, entry, ports);
      }
    }
  },
});

/** An example security group with one ingress block; `expect` marks its CIDR line as the finding's. */
const groupExample = (name: string, ports: [number, number, string], cidrs: string, { expect = false, key = 'cidr_blocks' } = {}) =>
  `resource "aws_security_group" "${name}" {\n  name = "${name}"\n  ingress {\n    from_port   = ${ports[0]}\n    to_port     = ${ports[1]}\n    protocol    = "${ports[2]}"\n${expect ? '    # expect\n' : ''}    ${key} = ${cidrs}\n  }\n}\n`;

const widePrivateNetwork: TfRule = tfRule({
  id: 'iac/tf-aws-sg-sensitive-port-wide-private',
  title: 'Sensitive port open to a whole private network',
  description:
    'A security group opens every port, or the port of a service that should only be reached by the hosts that need it (SSH, RDP, a database, a cache, the Docker API: see the port catalogue), to a private range larger than any one VPC (10.0.0.0/8, 172.16.0.0/12, any RFC 1918 or 100.64.0.0/10 range wider than /16, or IPv6 unique local space wider than /48). Such a range takes in every peered VPC, transit gateway attachment, VPN and office network numbered inside it, so one compromised laptop or container anywhere on the corporate network can reach the service, and an attacker moves laterally without touching the internet. Sources that are the internet or broad public ranges are left to the rules for those.',
  remediation: "Allow the VPC's or the subnet's own CIDR (or better, the security group of the clients: source_security_group_id / referenced_security_group_id), and reach administrative ports through SSM Session Manager or a bastion.",
  severity: 'low',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      groupExample('admin', [22, 22, 'tcp'], '["10.0.0.0/8"]', { expect: true }),
      groupExample('all', [0, 0, '-1'], '["172.16.0.0/12", "192.168.10.0/24"]', { expect: true }),
      'resource "aws_security_group_rule" "db" {\n  type              = "ingress"\n  from_port         = 5432\n  to_port           = 5432\n  protocol          = "tcp"\n  # expect\n  cidr_blocks       = ["10.0.0.0/12"]\n  security_group_id = aws_security_group.db.id\n}\n',
      'resource "aws_vpc_security_group_ingress_rule" "redis" {\n  security_group_id = aws_security_group.cache.id\n  # expect\n  cidr_ipv4         = "10.0.0.0/8"\n  from_port         = 6379\n  to_port           = 6379\n  ip_protocol       = "tcp"\n}\n',
      'module "db_sg" {\n  source  = "terraform-aws-modules/security-group/aws"\n  version = "5.1.0"\n  ingress_rules = ["mysql-tcp"]\n  # expect\n  ingress_cidr_blocks = ["10.0.0.0/8"]\n}\n',
    ],
    negative: [
      groupExample('vpc', [22, 22, 'tcp'], '["10.0.0.0/16"]'),
      groupExample('eksctl', [5432, 5432, 'tcp'], '["192.168.0.0/16"]'),
      groupExample('web', [443, 443, 'tcp'], '["10.0.0.0/8"]'),
      groupExample('ref', [22, 22, 'tcp'], '[aws_vpc.main.cidr_block]'),
      // Reported as open to the internet instead.
      groupExample('both', [22, 22, 'tcp'], '["10.0.0.0/8", "0.0.0.0/0"]'),
    ],
  },
  *check(input) {
    const wider = (ingress: Ingress) => ingress.sources.some((c) => isWorld(c) || isBroadPublic(c));
    for (const { resource, line, all, sources, services } of exposures(input, isWidePrivate, wider)) {
      const where = label(resource);
      const what = all ? `${everyPort(resource)} from` : `opens ${listPorts(services)} to`;
      yield { line, message: `${where} ${what} ${sources.join(', ')}, a private range larger than any one VPC: every host of the networks numbered in it can connect.`, resource: where };
    }
  },
});

const broadPublicNetwork: TfRule = tfRule({
  id: 'iac/tf-aws-sg-sensitive-port-broad-public',
  title: 'Sensitive port open to a broad public range',
  description:
    "A security group opens every port, or the port of a service that must not be public (SSH, RDP, a database, a cache, the Docker API: see the port catalogue), to a public address range that is not the whole internet but is wider than /16 (/32 in IPv6): a cloud provider's or a region's space, an ISP's, or a split of the internet such as 0.0.0.0/1 and 128.0.0.0/1. Anyone can rent an address in such a range, so the service is as reachable as if it were open to 0.0.0.0/0, and checks for 0.0.0.0/0 do not see it.",
  remediation: 'Allow only the addresses that need the service (your office or VPN egress addresses, a /32 per host), or the security group of the clients, and reach administrative ports through SSM Session Manager or a private network.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      groupExample('split', [22, 22, 'tcp'], '["0.0.0.0/1", "128.0.0.0/1"]', { expect: true }),
      groupExample('cloud', [3306, 3306, 'tcp'], '["52.0.0.0/11"]', { expect: true }),
      groupExample('v6', [3389, 3389, 'tcp'], '["2001:db8::/29"]', { expect: true, key: 'ipv6_cidr_blocks' }),
      'resource "aws_security_group_rule" "mongo" {\n  type              = "ingress"\n  from_port         = 27017\n  to_port           = 27017\n  protocol          = "tcp"\n  # expect\n  cidr_blocks       = ["10.0.0.0/8", "18.0.0.0/8"]\n  security_group_id = aws_security_group.db.id\n}\n',
    ],
    negative: [
      groupExample('office', [22, 22, 'tcp'], '["203.0.113.0/24", "198.51.100.16/28"]'),
      groupExample('web', [443, 443, 'tcp'], '["52.0.0.0/8"]'),
      groupExample('private', [22, 22, 'tcp'], '["10.0.0.0/8"]'),
      // A multicast or reserved range is not a source on the internet.
      groupExample('reserved', [22, 22, 'tcp'], '["224.0.0.0/3"]'),
      // Reported as open to the internet instead.
      groupExample('both', [22, 22, 'tcp'], '["52.0.0.0/8", "0.0.0.0/0"]'),
    ],
  },
  *check(input) {
    const wider = (ingress: Ingress) => ingress.sources.some(isWorld);
    for (const { resource, line, all, sources, services } of exposures(input, isBroadPublic, wider)) {
      const where = label(resource);
      const what = all ? `${everyPort(resource)} from` : `opens ${listPorts(services)} to`;
      const severity = sources.some(isVeryBroad) ? 'high' : 'medium';
      yield { line, message: `${where} ${what} ${sources.join(', ')}: public address space wider than /16 (/32 in IPv6), in which anyone can rent an address.`, resource: where, severity };
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
    positive: ['resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n  # expect\n  ingress {\n    protocol  = -1\n    self      = true\n    from_port = 0\n    to_port   = 0\n  }\n}\n', 'resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n  # expect\n  egress = [\n    {\n      from_port   = 0\n      to_port     = 0\n      protocol    = "-1"\n      # expect\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  ]\n}\n',
      // The rules the vpc module puts in the default group it adopts.
      'module "vpc" {\n  source                         = "terraform-aws-modules/vpc/aws"\n  version                        = "~> 5.0"\n  cidr                           = "10.0.0.0/16"\n  default_security_group_ingress = [\n    # expect\n    {\n      protocol    = "-1"\n      # expect\n      cidr_blocks = "0.0.0.0/0"\n    }\n  ]\n}\n',
    ],
    negative: [
      'resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n}\n',
      // The vpc module from 4.0.0 adopts the default group and, given no rules for it, empties it.
      'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "~> 5.0"\n  cidr    = "10.0.0.0/16"\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_default_security_group')) {
      for (const direction of ['ingress', 'egress']) {
        // A dynamic block over an empty list (a module's variable left at its default) adds no rule.
        const blocks = blocksMade(resource.block, direction, fileInstance(input));
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
 * subnet of the default VPC, and default subnets map public IPs on launch. Only settings
 * that are given count (the ec2-instance module writes `subnet_id = var.subnet_id`, null
 * by default; its calls pass network_interface as an input), and only blocks that may be made: the same module
 * writes `dynamic "network_interface" { for_each = var.network_interface != null ?
 * var.network_interface : {} ... }`.
 */
function inDefaultVpc(input: TfInput, resource: TfResource): boolean {
  return !['subnet_id', 'launch_template', 'network_interface'].some((name) => given(input, resource.block, name) || blocksMade(resource.block, name, fileInstance(input)).length > 0);
}

const instancePublicIp: TfRule = tfRule({
  id: 'iac/tf-aws-ec2-public-ip',
  title: 'Instance gets a public IP address',
  description:
    "associate_public_ip_address = true gives the instance an address reachable from the internet; its security group becomes the only thing between it and every scanner. An instance or launch template interface in an aws_subnet of the module that cannot reach an internet gateway (the one its subnet_id names, each.value.id of an instance repeated over the subnets, or the subnet of the aws_network_interface of the module it attaches) is not reported: the subnet's route table associations are surely made (or repeated over the subnet's own keys) and name the module's own aws_route_tables, no route of them (nor an aws_route) goes to a gateway that is or may be an internet or carrier gateway, and nothing else (an output, a module call, another resource) names them, so no route can be added from elsewhere; the address answers nothing.",

  remediation: 'Place instances in private subnets without public IPs and expose services through a load balancer; use SSM Session Manager for administration.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: ['resource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  # expect\n  associate_public_ip_address = true\n}\n',
      // The subnet's route table sends 0.0.0.0/0 to an internet gateway.
      'resource "aws_subnet" "edge" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.1.0/24"\n}\nresource "aws_route_table" "edge" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.main.id\n  }\n}\nresource "aws_route_table_association" "edge" {\n  subnet_id      = aws_subnet.edge.id\n  route_table_id = aws_route_table.edge.id\n}\nresource "aws_instance" "web" {\n  ami                         = "ami-0123456789abcdef0"\n  instance_type               = "t3.micro"\n  subnet_id                   = aws_subnet.edge.id\n  # expect\n  associate_public_ip_address = true\n}\n', '# expect\nresource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n}\n', 'resource "aws_launch_template" "web" {\n  network_interfaces {\n    # expect\n    associate_public_ip_address = true\n  }\n}\n', 'module "web" {\n  source = "terraform-aws-modules/ec2-instance/aws"\n  # expect\n  associate_public_ip_address = true\n}\n',
      // The ec2-instance module's subnet_id and associate_public_ip_address left at null: no subnet is named and nothing says no public IP.
      'variable "subnet_id" {\n  default = null\n}\nvariable "associate_public_ip_address" {\n  default = null\n}\n# expect\nresource "aws_instance" "this" {\n  ami                         = "ami-0123456789abcdef0"\n  instance_type               = "t3.micro"\n  subnet_id                   = var.subnet_id\n  associate_public_ip_address = var.associate_public_ip_address\n}\n',
      // Dynamic network_interface and launch_template blocks that make nothing: the instance still starts in the default VPC.
      'variable "network_interface" {\n  default = null\n}\nvariable "launch_template" {\n  default = null\n}\n# expect\nresource "aws_instance" "this" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  dynamic "network_interface" {\n    for_each = var.network_interface != null ? var.network_interface : {}\n    content {\n      device_index         = network_interface.key\n      network_interface_id = network_interface.value.network_interface_id\n    }\n  }\n  dynamic "launch_template" {\n    for_each = var.launch_template != null ? [var.launch_template] : []\n    content {\n      id = launch_template.value.id\n    }\n  }\n}\n',
    ],
    negative: [
      // The subnet's only route table is the module's and routes nowhere but the VPC: the address answers nothing.
      'resource "aws_subnet" "isolated" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.3.0/24"\n}\nresource "aws_route_table" "isolated" {\n  vpc_id = aws_vpc.main.id\n}\nresource "aws_route_table_association" "isolated" {\n  subnet_id      = aws_subnet.isolated.id\n  route_table_id = aws_route_table.isolated.id\n}\nresource "aws_instance" "web" {\n  ami                         = "ami-0123456789abcdef0"\n  instance_type               = "t3.micro"\n  subnet_id                   = aws_subnet.isolated.id\n  associate_public_ip_address = true\n}\n',
      'variable "network_interface" {\n  default = { 0 = { network_interface_id = "eni-0123456789abcdef0" } }\n}\nresource "aws_instance" "this" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  dynamic "network_interface" {\n    for_each = var.network_interface != null ? var.network_interface : {}\n    content {\n      device_index         = network_interface.key\n      network_interface_id = network_interface.value.network_interface_id\n    }\n  }\n}\n',
      'resource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  associate_public_ip_address = false\n}\n',
      'resource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  subnet_id     = aws_subnet.private.id\n}\n',
      'module "web" {\n  source    = "terraform-aws-modules/ec2-instance/aws"\n  version   = "~> 5.0"\n  subnet_id = "subnet-0123456789abcdef0"\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_instance', 'aws_spot_instance_request', 'aws_launch_configuration')) {
      const a = attribute(resource.block, 'associate_public_ip_address');
      if (a && isTrueValue(valueOf(input, resource.block, 'associate_public_ip_address')) && !placedUnrouted(input, resource)) yield { line: a.line, message: `${label(resource)} gets a public IP address.`, resource: label(resource) };
      // associate_public_ip_address given null (a module variable left at null) is not set: the subnet decides.
      if (!given(input, resource.block, 'associate_public_ip_address') && resource.type !== 'aws_launch_configuration' && inDefaultVpc(input, resource))
        yield { line: resource.block.line, message: `${label(resource)} names no subnet, so it starts in the default VPC, whose subnets give every instance a public IP address; associate_public_ip_address is not set to false.`, resource: label(resource), severity: 'low' };
    }
    for (const resource of resourcesOf(input, 'aws_launch_template')) {
      for (const nic of sections(input, resource.block, 'network_interfaces', fileInstance(input))) {
        if (isTrueValue(nic.get('associate_public_ip_address')) && !(nic.block && placedUnrouted(input, resource, nic.block))) yield { line: nic.lineOf('associate_public_ip_address'), message: `${label(resource)} gives instances a public IP address.`, resource: label(resource) };
      }
    }
  },
});

const subnetPublicIp: TfRule = tfRule({
  id: 'iac/tf-aws-subnet-public-ip',
  title: 'Subnet assigns public IPs automatically',
  description: 'map_public_ip_on_launch = true gives every instance launched in the subnet a public address, including ones that were never meant to be reachable from the internet. A subnet of the module that cannot reach an internet gateway (judged as for iac/tf-aws-ec2-public-ip: its own route tables, none routing to an internet or carrier gateway, named by nothing else) is not reported: the addresses answer nothing.',
  remediation: 'Set map_public_ip_on_launch = false and assign public addresses (or better, load balancers) explicitly where needed.',
  severity: 'low',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'resource "aws_subnet" "public" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.1.0/24"\n  # expect\n  map_public_ip_on_launch = true\n}\n',
      'resource "aws_subnet" "tier" {\n  for_each   = { app = { cidr = "10.0.1.0/24", public = false }, edge = { cidr = "10.0.2.0/24", public = true } }\n  vpc_id     = aws_vpc.main.id\n  cidr_block = each.value.cidr\n  # expect\n  map_public_ip_on_launch = each.value.public\n}\n',
    ],
    negative: [
      'resource "aws_subnet" "private" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.2.0/24"\n}\n',
      // Its only route table is the module's and routes only to the office VPN.
      'resource "aws_subnet" "lab" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.3.0/24"\n  map_public_ip_on_launch = true\n}\nresource "aws_route_table" "lab" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block = "192.168.0.0/16"\n    gateway_id = aws_vpn_gateway.office.id\n  }\n}\nresource "aws_route_table_association" "lab" {\n  subnet_id      = aws_subnet.lab.id\n  route_table_id = aws_route_table.lab.id\n}\n',
    ],
  },
  *check(input) {
    // Subnets are often made with for_each over a map of them, some public (`each.value.public`): resourcesOf gives each instance.
    for (const resource of resourcesOf(input, 'aws_subnet', 'aws_default_subnet')) {
      const a = attribute(resource.block, 'map_public_ip_on_launch');
      if (a && isTrueValue(valueOf(input, resource.block, 'map_public_ip_on_launch')) && !(resource.type === 'aws_subnet' && unroutedSubnets(input).has(written(resource).address)))
        yield { line: a.line, message: `${label(resource)} gives every instance a public IP.`, resource: label(resource) };
    }
  },
});

const PUBLIC_FLAG_TYPES = ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_dms_replication_instance', 'aws_mq_broker', 'aws_redshift_cluster', 'aws_neptune_cluster_instance', 'aws_docdb_cluster_instance'];

const publiclyAccessible: TfRule = tfRule({
  id: 'iac/tf-aws-publicly-accessible',
  title: 'Database or broker reachable from the internet',
  description:
    'A managed database, message broker or replication instance is publicly accessible: AWS gives it a public DNS name and address. Its only protection is then its security group and password, and database endpoints are scanned and brute-forced constantly. A Redshift cluster that leaves publicly_accessible unset is reported when the module\'s aws provider version constraint admits only releases before 6.0, whose default is true (6.0 made it false); without a constraint, or with one that admits 6.0, the default cannot be told to be true. A database made publicly accessible in a DB subnet group that surely cannot reach an internet gateway is reported at low severity: its public address answers nothing until the group or its route tables change. That is the terraform-aws-modules VPC module\'s database subnet group (database_subnet_group_name) when the call gives database_subnets, makes the group and leaves create_database_subnet_route_table or create_database_internet_gateway_route out or false, as written; named in the file (on the database, or on the rds or rds-aurora module call that makes it and no subnet group of its own), or passed in by every caller of a local module (test/scanners/iac/terraform-db-unrouted-subnet-groups.test.ts).',
  remediation: 'Set publicly_accessible = false (for MSK, keep public_access disabled) and connect from inside the VPC, through a VPN or a bastion.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'resource "aws_db_instance" "db" {\n  engine              = "postgres"\n  instance_class      = "db.t3.micro"\n  storage_encrypted   = true\n  # expect\n  publicly_accessible = true\n}\n',
      // In the VPC module's database subnets, which it does not route to the internet gateway: low severity.
      'module "vpc" {\n  source           = "terraform-aws-modules/vpc/aws"\n  cidr             = "10.0.0.0/16"\n  database_subnets = ["10.0.21.0/24", "10.0.22.0/24"]\n}\nresource "aws_db_instance" "db" {\n  engine               = "postgres"\n  instance_class       = "db.t3.micro"\n  db_subnet_group_name = module.vpc.database_subnet_group_name\n  # expect\n  publicly_accessible  = true\n}\n',
      // Unset, with a provider before 6.0: the default is true.
      'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.40"\n    }\n  }\n}\n\n# expect\nresource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n}\n',
      'resource "aws_msk_cluster" "k" {\n  broker_node_group_info {\n    connectivity_info {\n      public_access {\n        # expect\n        type = "SERVICE_PROVIDED_EIPS"\n      }\n    }\n  }\n}\n'],
    negative: [
      'resource "aws_db_instance" "db" {\n  engine              = "postgres"\n  publicly_accessible = false\n}\n',
      'resource "aws_msk_cluster" "k" {\n  broker_node_group_info {\n    connectivity_info {\n      public_access {\n        type = "DISABLED"\n      }\n    }\n  }\n}\n',
      // Unset, with provider 6.0 or later (default false), or with a constraint that admits 6.0 (the default cannot be told).
      'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}\n\nresource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, ...PUBLIC_FLAG_TYPES)) {
      const a = attribute(resource.block, 'publicly_accessible');
      if (a && isTrueValue(valueOf(input, resource.block, 'publicly_accessible'))) {
        const group = unroutedSubnetGroup(input, resource);
        if (group)
          yield {
            line: a.line,
            message: `${label(resource)} is made publicly accessible, but its DB subnet group is ${group}, which has no route to an internet gateway: its public address answers nothing until the group or its route tables change.`,
            resource: label(resource),
            severity: 'low',
          };
        else yield { line: a.line, message: `${label(resource)} is publicly accessible from the internet.`, resource: label(resource) };
      }
      else if (!a && resource.type === 'aws_redshift_cluster' && requiresBelow(input.requiredVersions?.('aws') ?? [], 6))
        yield {
          line: resource.block.line,
          message: `${label(resource)} leaves publicly_accessible unset: the default is true before AWS provider 6.0, and the module's aws version constraint admits only those releases (6.0 made it false).`,
          resource: label(resource),
        };
    }
    for (const resource of resourcesOf(input, 'aws_msk_cluster')) {
      const path = ['broker_node_group_info', 'connectivity_info', 'public_access', 'type'];
      // Read where it is made: a dynamic public_access whose for_each is known empty makes none.
      const { value, line } = settingAt(resource.block, path, fileInstance(input));
      if (value === 'SERVICE_PROVIDED_EIPS') yield { line, message: `${label(resource)} gives its brokers public IP addresses.`, resource: label(resource) };
    }
  },
});

/** A value no configuration writes: what a variable given an unrouted subnet group reads as, to tell whether a setting takes its value from it. */
const UNROUTED_MARK = '\0unrouted subnet group';

/**
 * The DB subnet group a database is placed in, when it surely cannot reach an internet gateway
 * (vpc-subnet-groups.ts): the VPC module's database subnet group named in this file, or a
 * variable that every caller of the module gives one, read through locals (`coalesce(var.db_subnet_group_name, var.name)`).
 */
function unroutedSubnetGroup(input: TfInput, resource: TfResource): string | undefined {
  const expr = subnetGroupOf(input, resource);
  if (!expr) return undefined;
  if (namesUnroutedSubnetGroup(expr, input.body)) return `the database subnet group of ${textOf(input, expr).split('.').slice(0, 2).join('.')}`;
  const unrouted = input.unroutedArguments;
  if (!unrouted || unrouted.size === 0) return undefined;
  const base = input.scope;
  const mark: Expr = { kind: 'literal', value: UNROUTED_MARK, line: expr.line, column: expr.column, endLine: expr.line, start: 0, end: 0 };
  const scope: Scope = {
    variable: (name) => (unrouted.has(name) ? mark : base.variable(name)),
    local: (name) => base.local(name),
    ...(base.bound ? { bound: (name: string) => base.bound!(name) } : {}),
    ...(base.variableType ? { variableType: (name: string) => base.variableType!(name) } : {}),
    ...(base.files ? { files: base.files } : {}),
  };
  return evaluate(expr, scope) === UNROUTED_MARK ? 'the database subnet group of a VPC module that every caller of this module passes in' : undefined;
}

/**
 * The db_subnet_group_name a database is given: its own, or for one the rds or rds-aurora module
 * makes, the call's, when the module surely uses it as is (it makes no subnet group of its own:
 * create_db_subnet_group left out of the rds module, whose default is false in every release, or
 * written false).
 */
function subnetGroupOf(input: TfInput, resource: TfResource): Expr | undefined {
  const made = written(resource).module;
  if (made === undefined) return attribute(resource.block, 'db_subnet_group_name')?.expr;
  const call = input.body.blocks.find((b) => b.type === 'module' && b.labels[0] === made);
  const address = call && moduleAddress(input, made);
  if (!call || (address !== 'terraform-aws-modules/rds/aws' && address !== 'terraform-aws-modules/rds-aurora/aws')) return undefined;
  const create = attribute(call, 'create_db_subnet_group');
  if (create ? valueOf(input, call, 'create_db_subnet_group') !== false : address !== 'terraform-aws-modules/rds/aws') return undefined;
  return attribute(call, 'db_subnet_group_name')?.expr;
}

/** Whether a route target is an internet gateway: a reference to one, a module's `igw_id` output, or an `igw-` ID. */
function isInternetGateway(input: TfInput, expr: Expr): boolean {
  const value = evaluate(expr, input.scope);
  if (typeof value === 'string' && value.startsWith('igw-')) return true;
  return /(?<![\w.-])(?:data\.)?aws_internet_gateway\.[\w-]+|(?<![\w.-])module\.[\w-]+\.igw_id\b/.test(textOf(input, expr));
}

/** The `gateway_id` of each route of a route table, in block or attribute form. */
function routeGateways(table: Block): Expr[] {
  const out: Expr[] = [];
  for (const route of blocksOf(table, 'route')) {
    const gateway = attribute(route, 'gateway_id');
    if (gateway) out.push(gateway.expr);
  }
  const list = attribute(table, 'route')?.expr;
  for (const item of list?.kind === 'tuple' ? list.items : []) {
    const gateway = item.kind === 'object' ? item.items.find((i) => i.keyName === 'gateway_id') : undefined;
    if (gateway) out.push(gateway.value);
  }
  return out;
}

/** The addresses of the resources of one type that an expression refers to (`aws_subnet.db` in `aws_subnet.db[0].id`). */
function references(input: TfInput, expr: Expr | undefined, type: string): string[] {
  if (!expr) return [];
  return [...textOf(input, expr).matchAll(new RegExp(`(?<![\\w.-])${type}\\.([\\w-]+)`, 'g'))].map((m) => `${type}.${m[1]}`);
}

/**
 * The subnets, by address, that this file shows to be public, with the reason: they give
 * instances public addresses, or an association of this file ties them to a route table
 * that routes to an internet gateway (by its own routes or an aws_route of this file).
 * A subnet or route table may be declared in another file of the module: it is named
 * by its address. Subnets a module makes are left out (a module's public subnets are
 * read by the name of its output).
 */
function publicSubnets(input: TfInput): Map<string, string> {
  const out = new Map<string, string>();
  const unrouted = unroutedSubnets(input);
  for (const subnet of moduleResourcesOf(input, 'aws_subnet')) {
    // A public address in a subnet that cannot reach an internet gateway answers nothing.
    if (unrouted.has(subnet.address)) continue;
    const a = attribute(subnet.block, 'map_public_ip_on_launch');
    // This file's subnets come one per instance (resourcesOf); the module's other files' as written:
    // instancesOf reads those per instance, for a subnet public in some of them (`each.value.public`).
    if (!subnet.module && a && instancesOf(subnet.block, fileInstance(input)).some((instance) => isTrueValue(valueIn(instance, a.expr)))) out.set(subnet.address, 'it gives instances public IP addresses');
  }
  // A route, table or association whose count is 0 (a module's option left off) is no evidence.
  const exists = (r: TfResource) => !r.module && !notCreated(r.block, fileInstance(input));
  const tables = new Set(moduleResourcesOf(input, 'aws_route_table').filter((t) => exists(t) && routeGateways(t.block).some((g) => isInternetGateway(input, g))).map((t) => t.address));
  for (const route of moduleResourcesOf(input, 'aws_route')) {
    const gateway = attribute(route.block, 'gateway_id');
    if (!exists(route) || !gateway || !isInternetGateway(input, gateway.expr)) continue;
    for (const table of references(input, attribute(route.block, 'route_table_id')?.expr, 'aws_route_table')) tables.add(table);
  }
  for (const association of moduleResourcesOf(input, 'aws_route_table_association')) {
    if (!exists(association)) continue;
    const table = references(input, attribute(association.block, 'route_table_id')?.expr, 'aws_route_table').find((t) => tables.has(t));
    if (!table) continue;
    // `subnet_id = each.value.id` with `for_each = aws_subnet.public`: the subnets are named by for_each or count.
    const named = ['subnet_id', 'for_each', 'count'].flatMap((key) => references(input, attribute(association.block, key)?.expr, 'aws_subnet'));
    for (const subnet of named) if (!out.has(subnet)) out.set(subnet, `its route table ${table} routes to an internet gateway`);
  }
  return out;
}

/** The registry address of a module called in this file (`<address>//<submodule>` for a submodule), null when the file has no call of that name. */
function moduleAddress(input: TfInput, name: string): string | undefined | null {
  const call = input.body.blocks.find((b) => b.type === 'module' && b.labels[0] === name);
  if (!call) return null;
  const source = valueOf(input, call, 'source');
  const found = typeof source === 'string' ? registryAddress(source) : undefined;
  return found && (found.submodule ? `${found.address}//${found.submodule}` : found.address);
}


const dbPublicSubnet: TfRule = tfRule({
  id: 'iac/tf-aws-db-public-subnet',
  title: 'Database subnet group includes public subnets',
  description:
    'A DB (or Redshift) subnet group lists a subnet that is public: it gives instances public IP addresses (unless it cannot reach an internet gateway: its route tables are the module\'s own, none routes to an internet or carrier gateway, and nothing else names them), or its route table sends traffic to an internet gateway (the `public_subnets` of a VPC module, or database subnets the VPC module routes to the internet gateway). A database placed there is reachable from the internet as soon as it is made publicly accessible, by a later change or a console click, and nothing in the network layout stops it. Databases belong in subnets without a route to an internet gateway. Only subnets, route tables and associations of the same file are followed.',
  remediation: 'List private subnets in the subnet group (with the VPC module: database_subnets or private_subnets, and create_database_internet_gateway_route = false), and keep publicly_accessible = false.',
  severity: 'low',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'resource "aws_subnet" "public_a" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.1.0/24"\n  map_public_ip_on_launch = true\n}\n\nresource "aws_db_subnet_group" "db" {\n  name       = "db"\n  subnet_ids = [\n    aws_subnet.private_b.id,\n    # expect\n    aws_subnet.public_a.id,\n  ]\n}\n',
      'resource "aws_route_table" "edge" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.main.id\n  }\n}\n\nresource "aws_route_table_association" "edge" {\n  for_each       = aws_subnet.edge\n  subnet_id      = each.value.id\n  route_table_id = aws_route_table.edge.id\n}\n\nresource "aws_route_table_association" "db" {\n  subnet_id      = aws_subnet.db.id\n  route_table_id = aws_route_table.edge.id\n}\n\nresource "aws_db_subnet_group" "db" {\n  name       = "db"\n  # expect\n  subnet_ids = [aws_subnet.db.id]\n}\n',
      'module "vpc" {\n  source         = "terraform-aws-modules/vpc/aws"\n  cidr           = "10.0.0.0/16"\n  public_subnets = ["10.0.101.0/24", "10.0.102.0/24"]\n}\n\nresource "aws_db_subnet_group" "db" {\n  name       = "db"\n  # expect\n  subnet_ids = module.vpc.public_subnets\n}\n',
      'module "vpc" {\n  source           = "terraform-aws-modules/vpc/aws"\n  cidr             = "10.0.0.0/16"\n  database_subnets = ["10.0.21.0/24", "10.0.22.0/24"]\n\n  create_database_subnet_group           = true\n  create_database_subnet_route_table     = true\n  # expect\n  create_database_internet_gateway_route = true\n}\n',
      'module "db" {\n  source                 = "terraform-aws-modules/rds/aws"\n  identifier             = "app"\n  create_db_subnet_group = true\n  # expect\n  subnet_ids             = module.network.public_subnets\n}\n',
    ],
    negative: [
      'resource "aws_subnet" "public_a" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.1.0/24"\n  map_public_ip_on_launch = true\n}\n\nresource "aws_db_subnet_group" "db" {\n  name       = "db"\n  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n}\n',
      'resource "aws_route_table" "private" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block     = "0.0.0.0/0"\n    nat_gateway_id = aws_nat_gateway.main.id\n  }\n}\n\nresource "aws_route_table_association" "db" {\n  subnet_id      = aws_subnet.db.id\n  route_table_id = aws_route_table.private.id\n}\n\nresource "aws_db_subnet_group" "db" {\n  subnet_ids = [aws_subnet.db.id]\n}\n',
      'module "vpc" {\n  source           = "terraform-aws-modules/vpc/aws"\n  version          = "3.19.0"\n  public_subnets   = ["10.0.101.0/24"]\n  database_subnets = ["10.0.21.0/24", "10.0.22.0/24"]\n\n  create_database_subnet_route_table     = true\n  create_database_internet_gateway_route = false\n}\n\nresource "aws_db_subnet_group" "db" {\n  subnet_ids = module.vpc.database_subnets\n}\n',
      'module "db" {\n  source               = "terraform-aws-modules/rds/aws"\n  db_subnet_group_name = "existing"\n  subnet_ids           = module.vpc.public_subnets\n}\n',
      // The subnet maps public IPs, but its only route table is the module's and routes only to the office VPN.
      'resource "aws_subnet" "db" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.3.0/24"\n  map_public_ip_on_launch = true\n}\n\nresource "aws_route_table" "db" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block = "192.168.0.0/16"\n    gateway_id = aws_vpn_gateway.office.id\n  }\n}\n\nresource "aws_route_table_association" "db" {\n  subnet_id      = aws_subnet.db.id\n  route_table_id = aws_route_table.db.id\n}\n\nresource "aws_db_subnet_group" "db" {\n  subnet_ids = [aws_subnet.db.id]\n}\n',
    ],
  },
  *check(input) {
    const subnets = publicSubnets(input);
    // Which subnets an entry names: subnets of this file, or a module's `public_subnets` output
    // (of the VPC module, or of a module this file does not call, whose output name is all there is).
    const why = (expr: Expr): string | undefined => {
      const subnet = references(input, expr, 'aws_subnet').find((r) => subnets.has(r));
      if (subnet) return `${subnet}, a public subnet (${subnets.get(subnet)})`;
      for (const m of textOf(input, expr).matchAll(/(?<![\w.-])module\.([\w-]+)\.public_subnets\b/g)) {
        const address = moduleAddress(input, m[1]!);
        if (address === null || address === VPC_MODULE) return `the public subnets of module.${m[1]} (routed to an internet gateway)`;
      }
      return undefined;
    };
    const check = function* (owner: string, a: Attribute | undefined): Generator<{ line: number; message: string; resource: string }> {
      if (!a) return;
      // Convention 5: each entry of a list on its own line; a whole expression on its key.
      const entries = a.expr.kind === 'tuple' ? a.expr.items.map((item) => ({ expr: item, line: item.line })) : [{ expr: a.expr, line: a.line }];
      const seen = new Set<number>();
      for (const { expr, line } of entries) {
        const reason = why(expr);
        if (!reason || seen.has(line)) continue;
        seen.add(line);
        yield { line, message: `${owner} places databases in ${reason}.`, resource: owner };
      }
    };
    for (const group of resourcesOf(input, 'aws_db_subnet_group', 'aws_redshift_subnet_group')) yield* check(label(group), attribute(group.block, 'subnet_ids'));
    for (const call of input.body.blocks) {
      if (call.type !== 'module') continue;
      const address = moduleAddress(input, call.labels[0] ?? '');
      const name = `module.${call.labels[0] ?? ''}`;
      if (address === 'terraform-aws-modules/rds/aws' && isTrueValue(valueOf(input, call, 'create_db_subnet_group'))) yield* check(name, attribute(call, 'subnet_ids'));
      if (address !== VPC_MODULE) continue;
      // The module routes its database subnets to the internet gateway only with all of these.
      const route = attribute(call, 'create_database_internet_gateway_route');
      const databases = valueOf(input, call, 'database_subnets');
      if (
        route && isTrueValue(valueOf(input, call, 'create_database_internet_gateway_route')) &&
        isTrueValue(valueOf(input, call, 'create_database_subnet_route_table')) &&
        !isTrueValue(valueOf(input, call, 'create_database_nat_gateway_route')) &&
        !isFalseValue(valueOf(input, call, 'create_igw')) && !isFalseValue(valueOf(input, call, 'create_vpc')) &&
        databases !== undefined && !(Array.isArray(databases) && databases.length === 0)
      )
        yield { line: route.line, message: `${name} routes its database subnets to the internet gateway: databases placed in them are in public subnets.`, resource: name };
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
      // A module's vpc_config is made on its header: `cluster_endpoint_public_access = true` is the input to change.
      const publicLine = resource.module ? attribute(vpc, 'endpoint_public_access')?.line : undefined;
      yield { line: cidrs?.line ?? publicLine ?? vpc.line, message: `${label(resource)} exposes its API endpoint to the whole internet.`, resource: label(resource) };
    }
  },
});

const notebookInternet: TfRule = tfRule({
  id: 'iac/tf-aws-sagemaker-notebook-internet',
  title: 'SageMaker notebook has direct internet access',
  description: 'A SageMaker notebook instance keeps direct_internet_access = "Enabled" (the default): its Jupyter environment, which holds the notebook role credentials and often training data, reaches the internet outside the VPC and its controls, so code or packages run in it can send data anywhere.',
  remediation: 'Set direct_internet_access = "Disabled" with subnet_id and security_groups, and give the VPC the endpoints (or a controlled NAT) the notebook needs.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      '# expect\nresource "aws_sagemaker_notebook_instance" "lab" {\n  name          = "lab"\n  role_arn      = aws_iam_role.lab.arn\n  instance_type = "ml.t3.medium"\n}\n',
      'resource "aws_sagemaker_notebook_instance" "lab" {\n  name                   = "lab"\n  role_arn               = aws_iam_role.lab.arn\n  instance_type          = "ml.t3.medium"\n  subnet_id              = aws_subnet.private.id\n  security_groups        = [aws_security_group.lab.id]\n  # expect\n  direct_internet_access = "Enabled"\n}\n',
    ],
    negative: [
      'resource "aws_sagemaker_notebook_instance" "lab" {\n  name                   = "lab"\n  role_arn               = aws_iam_role.lab.arn\n  instance_type          = "ml.t3.medium"\n  subnet_id              = aws_subnet.private.id\n  security_groups        = [aws_security_group.lab.id]\n  direct_internet_access = "Disabled"\n}\n',
      'resource "aws_sagemaker_notebook_instance" "lab" {\n  name                   = "lab"\n  role_arn               = aws_iam_role.lab.arn\n  instance_type          = "ml.t3.medium"\n  direct_internet_access = var.internet\n}\n',
    ],
  },
  *check(input) {
    for (const notebook of resourcesOf(input, 'aws_sagemaker_notebook_instance')) {
      const a = attribute(notebook.block, 'direct_internet_access');
      const value = valueOf(input, notebook.block, 'direct_internet_access');
      const written = a !== undefined && value !== null;
      if (written && value !== 'Enabled') continue;
      yield {
        line: written ? a.line : notebook.block.line,
        message: `${label(notebook)} has direct internet access${written ? '' : ' (direct_internet_access defaults to "Enabled")'}: set direct_internet_access = "Disabled" and place it in a subnet.`,
        resource: label(notebook),
      };
    }
  },
});

export const networkRules: readonly TfRule[] = [
  openToInternet,
  naclAdminPorts,
  widePrivateNetwork,
  broadPublicNetwork,
  defaultSecurityGroup,
  instancePublicIp,
  subnetPublicIp,
  publiclyAccessible,
  dbPublicSubnet,
  eksPublicEndpoint,
  notebookInternet,
];

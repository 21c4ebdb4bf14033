import { describePort, sensitivePortsInRange, type ServicePort } from '../../ports.js';
import type { Block, Expr } from '../hcl/ast.js';
import { UNKNOWN, evaluate, type Scope, type Value } from '../hcl/evaluate.js';
import { asStrings, attribute, blocksOf, isFalseValue, isTrueValue, label, lineOfPath, resourcesOf, valueAt, valueOf, type TfInput, type TfResource } from '../model.js';
import { known, sections, tfRule, type Section, type TfRule } from './common.js';

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

/**
 * Past this many elements a for_each or count is read as one instance of unknown values,
 * as is every one once a file has used up its budget of instances: a hostile file cannot
 * make the rule read one resource a million times.
 */
const MAX_INSTANCES = 256;
const MAX_INSTANCES_PER_FILE = 4096;
/**
 * Evaluation steps for the settings that depend on an element, per setting and per file
 * (the settings that do not are read once, with the evaluator's own limit). Real ones
 * take a few steps (`ingress.value.from_port`); past the limit a value is unknown.
 */
const STEPS_PER_VALUE = 2_000;
const STEPS_PER_FILE = 200_000;

/**
 * Where the settings of one instance are read: the file's scope, or that of a resource
 * instance or dynamic block element, which binds `names` (`each`, `count`, the
 * iterator). A value is computed in the outermost frame whose names it does not need,
 * once: the settings that do not depend on the element are not read again for each.
 */
interface Frame {
  scope: Scope;
  names: readonly string[];
  parent?: Frame;
  values: Map<Expr, Value>;
  /** Instances and evaluation steps still to spend on the file (shared by all frames of a file). */
  budget: { left: number; steps: number };
}

function fileFrame(input: TfInput): Frame {
  return { scope: input.scope, names: [], values: new Map(), budget: { left: MAX_INSTANCES_PER_FILE, steps: STEPS_PER_FILE } };
}

function bind(frame: Frame, name: string, value: Value): Frame {
  const outer = frame.scope;
  const scope: Scope = { variable: (n) => outer.variable(n), local: (n) => outer.local(n), bound: (n) => (n === name ? value : outer.bound?.(n)) };
  return { scope, names: [name], parent: frame, values: new Map(), budget: frame.budget };
}

function spend(frame: Frame, count: number): boolean {
  if (count > MAX_INSTANCES || count > frame.budget.left) return false;
  frame.budget.left -= count;
  return true;
}

const ROOTS = new WeakMap<Expr, ReadonlySet<string>>();

/** The names an expression's references start with (`each` in `each.value.port`). */
function rootsOf(expr: Expr): ReadonlySet<string> {
  const known = ROOTS.get(expr);
  if (known) return known;
  const roots = new Set<string>();
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    switch (e.kind) {
      case 'traversal':
        if (e.source) stack.push(e.source);
        else if (e.path[0]) roots.add(e.path[0]);
        break;
      case 'template':
        for (const part of e.parts) if (part.kind === 'interpolation' && part.expr) stack.push(part.expr);
        break;
      case 'tuple':
        stack.push(...e.items);
        break;
      case 'object':
        for (const item of e.items) stack.push(item.key, item.value);
        break;
      case 'call':
        stack.push(...e.args);
        break;
      case 'unary':
        stack.push(e.operand);
        break;
      case 'binary':
        stack.push(e.left, e.right);
        break;
      case 'conditional':
        stack.push(e.condition, e.then, e.else);
        break;
      case 'for':
        stack.push(e.collection, e.valueExpr, ...(e.keyExpr ? [e.keyExpr] : []), ...(e.condition ? [e.condition] : []));
        break;
      case 'splat':
        stack.push(e.source);
        break;
      case 'paren':
        stack.push(e.expr);
        break;
      default:
        break;
    }
  }
  ROOTS.set(expr, roots);
  return roots;
}

function valueIn(frame: Frame, expr: Expr): Value {
  const roots = rootsOf(expr);
  let at = frame;
  while (at.parent && !at.names.some((n) => roots.has(n))) at = at.parent;
  if (at.values.has(expr)) return at.values.get(expr)!;
  let value: Value;
  if (!at.parent) value = evaluate(expr, at.scope);
  else {
    const steps = { steps: Math.min(STEPS_PER_VALUE, at.budget.steps) };
    const given = steps.steps;
    value = evaluate(expr, at.scope, steps);
    at.budget.steps -= given - Math.max(steps.steps, 0);
  }
  at.values.set(expr, value);
  return value;
}

/** Keys and values of a for_each, or undefined when it cannot be read or is empty. */
function elements(value: Value, keys: 'index' | 'value'): Array<[Value, Value]> | undefined {
  const entries: Array<[Value, Value]> | undefined = Array.isArray(value)
    ? value.map((v, index) => [keys === 'index' ? index : v, v])
    : value !== null && value !== UNKNOWN && typeof value === 'object'
      ? Object.entries(value)
      : undefined;
  return entries && entries.length > 0 ? entries : undefined;
}

/**
 * Like `sections`, but a `dynamic "<name>"` block whose for_each can be read gives one
 * section per element, with its iterator (`ingress.value`, `ingress.key`, or the name
 * given by `iterator`) bound: security groups are often written as a dynamic block over
 * a list of ports or of rule objects. A for_each that cannot be read, or that is empty
 * (often a variable's default, which a tfvars file may fill), gives one section in which
 * the iterator is unknown, as `sections` does: expanding only ever adds what is known.
 */
function expandedSections(owner: Block, name: string, frame: Frame): Section[] {
  const out: Section[] = [];
  const read = (block: Block, line: number, at: Frame): Section => ({
    line,
    block,
    get: (field) => {
      const a = attribute(block, field);
      return a ? valueIn(at, a.expr) : undefined;
    },
    lineOf: (field) => attribute(block, field)?.line ?? line,
  });
  for (const child of owner.body.blocks) {
    if (child.type === name) {
      out.push(read(child, child.line, frame));
      continue;
    }
    if (child.type !== 'dynamic' || child.labels[0] !== name) continue;
    const content = child.body.blocks.find((b) => b.type === 'content');
    if (!content) continue;
    const iterator = attribute(child, 'iterator')?.expr;
    const iteratorName = iterator?.kind === 'traversal' && !iterator.source && iterator.path.length === 1 ? iterator.path[0]! : name;
    const forEach = attribute(child, 'for_each');
    const entries = forEach ? elements(valueIn(frame, forEach.expr), 'index') : undefined;
    if (!entries || !spend(frame, entries.length)) {
      out.push(read(content, child.line, frame));
      continue;
    }
    for (const [key, value] of entries) out.push(read(content, child.line, bind(frame, iteratorName, { key, value })));
  }
  // The attribute form, `ingress = [{ ... }]`.
  const a = attribute(owner, name);
  const items = a?.expr.kind === 'tuple' ? a.expr.items : a?.expr.kind === 'object' ? [a.expr] : [];
  for (const item of items) {
    if (item.kind !== 'object') continue;
    const entry = (field: string) => item.items.find((i) => i.keyName === field);
    out.push({ line: item.line, get: (field) => (entry(field) ? valueIn(frame, entry(field)!.value) : undefined), lineOf: (field) => entry(field)?.line ?? item.line });
  }
  return out;
}

/**
 * The frames of the instances of a resource: one per element of a readable for_each
 * (`each.key`, `each.value`) or count (`count.index`), and otherwise the file's frame,
 * in which `each` and `count` are unknown. An empty for_each or a count of 0 is read
 * like an unknown one (the resource as written is still checked), as in
 * `expandedSections`.
 */
function instanceFrames(block: Block, file: Frame): Frame[] {
  const forEach = attribute(block, 'for_each');
  if (forEach) {
    // A resource's for_each is a map or a set; of a set (toset), each.key is the element itself.
    const entries = elements(valueIn(file, forEach.expr), 'value');
    if (!entries || !spend(file, entries.length)) return [file];
    return entries.map(([key, value]) => bind(file, 'each', { key, value }));
  }
  const count = attribute(block, 'count');
  if (count) {
    const n = valueIn(file, count.expr);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || !spend(file, n)) return [file];
    return Array.from({ length: n }, (_, index) => bind(file, 'count', { index }));
  }
  return [file];
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
  // Every instance of a resource with for_each or count, read with its own each/count.
  const file = fileFrame(input);
  const fieldsOf = (block: Block, frame: Frame) => ({
    get: (n: string) => {
      const a = attribute(block, n);
      return a ? valueIn(frame, a.expr) : undefined;
    },
    lineOf: (n: string) => attribute(block, n)?.line ?? block.line,
  });
  for (const resource of resourcesOf(input, 'aws_security_group')) {
    for (const frame of instanceFrames(resource.block, file)) {
      for (const section of expandedSections(resource.block, 'ingress', frame)) {
        const ingress = make(resource, section.line, section, ['cidr_blocks', 'ipv6_cidr_blocks'], 'protocol');
        if (ingress) yield ingress;
      }
    }
  }
  for (const resource of resourcesOf(input, 'aws_security_group_rule')) {
    for (const frame of instanceFrames(resource.block, file)) {
      const fields = fieldsOf(resource.block, frame);
      if (fields.get('type') !== 'ingress') continue;
      const ingress = make(resource, resource.block.line, fields, ['cidr_blocks', 'ipv6_cidr_blocks'], 'protocol');
      if (ingress) yield ingress;
    }
  }
  for (const resource of resourcesOf(input, 'aws_vpc_security_group_ingress_rule')) {
    for (const frame of instanceFrames(resource.block, file)) {
      const ingress = make(resource, resource.block.line, fieldsOf(resource.block, frame), ['cidr_ipv4', 'cidr_ipv6'], 'ip_protocol');
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
        // A rule open to the whole internet is the worst case: also reported on its CIDR setting (convention 3).
        for (const section of sections(input, resource.block, direction)) {
          for (const key of ['cidr_blocks', 'ipv6_cidr_blocks']) {
            const open = (asStrings(section.get(key)) ?? []).filter(isWorld);
            if (open.length > 0)
              yield { line: section.lineOf(key), message: `${label(resource)} (the VPC default security group) ${direction === 'ingress' ? 'accepts traffic from' : 'sends traffic to'} ${open.join(', ')}.`, resource: label(resource), severity: direction === 'ingress' ? 'high' : 'medium' };
          }
        }
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
      for (const nic of sections(input, resource.block, 'network_interfaces')) {
        if (isTrueValue(nic.get('associate_public_ip_address'))) yield { line: nic.lineOf('associate_public_ip_address'), message: `${label(resource)} gives instances a public IP address.`, resource: label(resource) };
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
    positive: ['resource "aws_subnet" "public" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.1.0/24"\n  # expect\n  map_public_ip_on_launch = true\n}\n'],
    negative: ['resource "aws_subnet" "private" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = "10.0.2.0/24"\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_subnet', 'aws_default_subnet')) {
      const a = attribute(resource.block, 'map_public_ip_on_launch');
      if (a && isTrueValue(valueOf(input, resource.block, 'map_public_ip_on_launch'))) yield { line: a.line, message: `${label(resource)} gives every instance a public IP.`, resource: label(resource) };
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

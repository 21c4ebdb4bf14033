import { isHttpOnlyOrigin, OLD_CLOUDFRONT_PROTOCOLS, OLD_ELB_POLICIES, OLD_ORIGIN_PROTOCOLS, OLD_SSL_NEGOTIATION_PROTOCOL, S3_WEBSITE_ENDPOINT } from '../../aws-tls.js';
import { aclAdminPorts } from '../../aws-network-acls.js';
import type { Severity } from '../../../../core/finding.js';
import { AL2023_AMI_PARAMETER, AL2023_NODE_AMI_TYPE, resolvedSsmParameter } from '../../aws-images.js';
import { isBroadPublic, isVeryBroad, isWidePrivate, isWorld } from '../../cidr.js';
import { describePort, sensitivePortsInRange, type ServicePort } from '../../ports.js';
import { type Hit } from '../../rule.js';
import { isYMap, isYScalar, isYSeq, type YNode } from '../../yaml/tree.js';
import { cfnRule, entries, field, label, mentions, missingLine, pairAt, prop, referencedId, resourceById, resourcesOf, type CfnRule } from '../model.js';
import { INTERNAL_HTTP_NOTE, reachableThroughBalancers, type BalancerForwarding } from '../../aws-load-balancers.js';
import { bool, condition, intrinsic, text, UNKNOWN, value } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';

/**
 * Ingress entries of security groups: inline `SecurityGroupIngress` entries and
 * `AWS::EC2::SecurityGroupIngress` resources, with the logical id of the template's group they open.
 */
function* ingressRules(t: CfnTemplate): Generator<{ where: string; node: YNode; group?: string }> {
  for (const r of resourcesOf(t, 'AWS::EC2::SecurityGroup')) for (const entry of entries(t, prop(t, r, 'SecurityGroupIngress')?.value)) if (isYMap(entry)) yield { where: label(r), node: entry, group: r.id };
  for (const r of resourcesOf(t, 'AWS::EC2::SecurityGroupIngress')) if (r.properties) yield { where: label(r), node: r.properties, group: referencedId(prop(t, r, 'GroupId')?.value) };
}

/**
 * The ELBv2 load balancers that use the security group `id`, when they are all that
 * uses it: the group is in their SecurityGroups and nowhere else in the template
 * (ingress and egress rules of the group itself, and other groups' rules that name it
 * as a peer, aside) nor in its Outputs, which other stacks may import. Undefined otherwise.
 */
function onlyLoadBalancers(t: CfnTemplate, id: string): string[] | undefined {
  if (!ownUnexportedGroup(t, id)) return undefined;
  const balancers: string[] = [];
  for (const r of t.resources) {
    if (r.id === id) continue;
    if (SECURITY_GROUP_TYPES.has(r.type)) {
      if (usedByGroupResource(t, r, id)) return undefined;
      continue;
    }
    if (r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
      const groups = prop(t, r, 'SecurityGroups');
      if (groups && mentions(groups.value, id)) {
        if (r.node.pairs.some((p) => p.key !== 'Properties' && mentions(p.value, id))) return undefined;
        if (r.properties!.pairs.some((p) => p.key !== 'SecurityGroups' && mentions(p.value, id))) return undefined;
        balancers.push(r.id);
        continue;
      }
    }
    if (mentions(r.node, id)) return undefined;
  }
  return balancers.length > 0 ? balancers : undefined;
}

/**
 * What an ELBv2 load balancer of the template forwards (aws-load-balancers.ts): its Type, and
 * the ports of its listeners when all can be read and no Output hands it to other stacks,
 * which may add listeners.
 */
function forwardingOf(t: CfnTemplate, id: string): BalancerForwarding {
  const lb = resourceById(t, id, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const type = lb ? (value(t, prop(t, lb, 'Type')?.value) ?? 'application') : undefined;
  const kind = type === 'application' || type === 'network' ? type : undefined;
  if (!lb || mentions(t.outputs, id)) return { name: id, type: kind, ports: undefined };
  const ports: Array<number | undefined> = [];
  for (const listener of resourcesOf(t, 'AWS::ElasticLoadBalancingV2::Listener')) {
    const named = referencedId(prop(t, listener, 'LoadBalancerArn')?.value);
    // A listener whose balancer cannot be told may be this one's.
    if (named === undefined || named === id) ports.push(portNumber(t, prop(t, listener, 'Port')?.value));
  }
  // No listener in the template may be one a nested stack or another template makes: not "forwards nothing".
  return { name: id, type: kind, ports: ports.length > 0 && ports.every((p) => p !== undefined) ? (ports as number[]) : undefined };
}

/** Like `mentions`, but not under keys in `skip`. */
function mentionsBesides(node: YNode | null | undefined, id: string, skip: ReadonlySet<string>, depth = 0): boolean {
  if (!node || depth > 40) return false;
  if (isYMap(node) && !intrinsic(node)) return node.pairs.some((p) => !skip.has(p.key) && mentionsBesides(p.value, id, skip, depth + 1));
  if (isYSeq(node)) return node.items.some((item) => mentionsBesides(item, id, skip, depth + 1));
  return mentions(node, id, depth);
}

const PEER_KEYS = new Set(['SourceSecurityGroupId', 'DestinationSecurityGroupId', 'SourceSecurityGroupName']);
const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);
const SECURITY_GROUP_TYPES = new Set(['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']);

/** Whether `id` is a security group of the template that no Output names (other stacks may import one that is). */
function ownUnexportedGroup(t: CfnTemplate, id: string): boolean {
  return t.resources.some((r) => r.id === id && r.type === 'AWS::EC2::SecurityGroup') && !mentions(t.outputs, id);
}

/**
 * Whether the security group resource `r` (SECURITY_GROUP_TYPES) names the group `id`
 * otherwise than as a peer (SourceSecurityGroupId: other groups' rules may) or as the
 * GroupId of one of the group's own ingress and egress rules.
 */
function usedByGroupResource(t: CfnTemplate, r: CfnResource, id: string): boolean {
  if (!mentionsBesides(r.node, id, PEER_KEYS)) return false;
  const ownRule = r.type !== 'AWS::EC2::SecurityGroup' && referencedId(prop(t, r, 'GroupId')?.value) === id && !mentionsBesides(r.properties, id, new Set([...PEER_KEYS, 'GroupId']));
  return !ownRule;
}

/** Resources that never have an address outside their VPC, with the property that lists their security groups. */
const PRIVATE_ONLY = new Map<string, string>([
  ['AWS::EFS::MountTarget', 'SecurityGroups'],
  ['AWS::DocDB::DBCluster', 'VpcSecurityGroupIds'],
  ['AWS::ElastiCache::CacheCluster', 'VpcSecurityGroupIds'],
  ['AWS::ElastiCache::ReplicationGroup', 'SecurityGroupIds'],
  ['AWS::ElastiCache::ServerlessCache', 'SecurityGroupIds'],
  ['AWS::EC2::VPCEndpoint', 'SecurityGroupIds'],
]);

/**
 * What the security group `id` is attached to, when it is only Lambda functions (their
 * VpcConfig SecurityGroupIds, or SAM Globals'), which accept no inbound connections, and
 * resources that have no address outside their VPC (EFS mount targets, DocumentDB
 * clusters, ElastiCache, interface VPC endpoints): `listeners` are the latter. Other
 * groups may name it as a peer (SourceSecurityGroupId); any other use, or an Output other
 * stacks may import, and it is undefined.
 */
function privateUsers(t: CfnTemplate, id: string): { listeners: string[] } | undefined {
  if (!ownUnexportedGroup(t, id)) return undefined;
  const globalVpc = pairAt(t, t.globals, 'Function', 'VpcConfig')?.value;
  if (mentionsBesides(t.globals, id, new Set(['SecurityGroupIds']))) return undefined;
  let attached = mentions(pairAt(t, globalVpc, 'SecurityGroupIds')?.value, id);
  const listeners: string[] = [];
  for (const r of t.resources) {
    if (r.id === id) continue;
    if (SECURITY_GROUP_TYPES.has(r.type)) {
      if (usedByGroupResource(t, r, id)) return undefined;
      continue;
    }
    if (FUNCTION_TYPES.has(r.type)) {
      if (mentionsBesides(r.node, id, new Set(['SecurityGroupIds']))) return undefined;
      attached ||= mentions(pairAt(t, r.properties, 'VpcConfig', 'SecurityGroupIds')?.value, id);
      continue;
    }
    const key = PRIVATE_ONLY.get(r.type);
    if (key !== undefined && mentions(prop(t, r, key)?.value, id)) {
      if (r.node.pairs.some((p) => p.key !== 'Properties' && mentions(p.value, id)) || r.properties!.pairs.some((p) => p.key !== key && mentions(p.value, id))) return undefined;
      listeners.push(label(r));
      attached = true;
      continue;
    }
    if (mentions(r.node, id)) return undefined;
  }
  return attached ? { listeners } : undefined;
}

function portNumber(t: CfnTemplate, node: YNode | null | undefined): number | undefined {
  const v = value(t, node);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

const openToInternet: CfnRule = cfnRule({
  id: 'iac/cfn-sg-open-to-internet',
  title: 'Sensitive port open to the internet',
  description:
    'A security group ingress rule (or an EC2-Classic DB security group) accepts connections from anywhere (0.0.0.0/0 or ::/0) on every port or protocol, or on the port of a service that must not be public: SSH, RDP, Telnet, FTP, the Docker API, a database, a cache (see the port catalogue). Such ports are scanned and brute-forced within minutes of exposure; this is how many cloud breaches start. A group attached only to Lambda functions, which accept no inbound connections, is not reported; one whose other members all have no address outside their VPC (EFS mount targets, DocumentDB clusters, ElastiCache, interface VPC endpoints) is low, since not the internet but only the VPC and the networks joined to it can connect; one used only by ELBv2 load balancers, which answer only on their listener ports, is medium when it opens every port, and reported for a service port only when a listener may forward it: one of an application load balancer (which speaks only HTTP and HTTPS, so never SMB, SSH or a database protocol) or of a network load balancer on that port, or any port when the listeners cannot all be read or an Output hands the balancer to other stacks; rules of other groups that name a group as their source do not count as using it.',
  remediation: 'Restrict CidrIp/CidrIpv6 to known networks or use SourceSecurityGroupId (a load balancer, a bastion, a VPN), and reach administrative services through SSM Session Manager.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Ssh:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ssh\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          # expect\n          CidrIp: 0.0.0.0/0\n',
      'Resources:\n  Db:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !Ref Group\n      IpProtocol: tcp\n      FromPort: 5432\n      ToPort: 5432\n      # expect\n      CidrIpv6: ::/0\n',
      'Parameters:\n  Open:\n    Type: String\n    Default: 0.0.0.0/0\nResources:\n  All:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: all\n      SecurityGroupIngress:\n        - IpProtocol: "-1"\n          # expect\n          CidrIp: !Ref Open\n',
      'Resources:\n  Legacy:\n    Type: AWS::RDS::DBSecurityGroup\n    Properties:\n      GroupDescription: db\n      DBSecurityGroupIngress:\n        # expect\n        - CIDRIP: 0.0.0.0/0\n',
      // A network load balancer whose listeners the template does not make (a nested stack may): it may forward the port.
      'Resources:\n  NlbGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: nlb\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 5432\n          ToPort: 5432\n          # expect\n          CidrIp: 0.0.0.0/0\n  Nlb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: network\n      SecurityGroups: [!Ref NlbGroup]\n',
      // A group only a network load balancer uses, with a TCP listener on the port: it forwards it.
      'Resources:\n  NlbGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: nlb\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          # expect\n          CidrIp: 0.0.0.0/0\n  Nlb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: network\n      SecurityGroups: [!Ref NlbGroup]\n  Ssh:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Nlb\n      Port: 22\n      Protocol: TCP\n',
      '{\n  "Resources": {\n    "Rdp": {\n      "Type": "AWS::EC2::SecurityGroupIngress",\n      "Properties": {"GroupId": "sg-1", "IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIp": "0.0.0.0/0"}\n    }\n  }\n}\n',
    ],
    negative: [
      'Resources:\n  Web:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 0.0.0.0/0\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 10.1.0.0/16\n',
      'Parameters:\n  Source:\n    Type: String\nResources:\n  Ssh:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-1\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      CidrIp: !Ref Source\n',
      // A group only an application load balancer uses: its HTTPS listener on 445 speaks HTTPS, not SMB.
      'Resources:\n  AlbGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: alb\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 445\n          CidrIp: 0.0.0.0/0\n  Alb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      SecurityGroups: [!Ref AlbGroup]\n  Oidc:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Alb\n      Port: 445\n      Protocol: HTTPS\n',
      // A group attached only to a Lambda function: nothing listens behind it.
      'Resources:\n  FnGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: fn\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 27017\n          ToPort: 27017\n          CidrIp: 0.0.0.0/0\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      VpcConfig:\n        SecurityGroupIds: [!Ref FnGroup]\n        SubnetIds: [subnet-1]\n',
    ],
  },
  *check(t) {
    for (const { where, node, group } of ingressRules(t)) {
      // A group used only by load balancers: they answer on their listener ports alone.
      // A group attached only to Lambda functions: nothing listens behind it.
      const users = group === undefined ? undefined : privateUsers(t, group);
      if (users && users.listeners.length === 0) continue;
      // Attached besides only to resources without an address outside the VPC: the internet cannot connect, the VPC and networks joined to it can.
      const inside = users
        ? `; its only listener${users.listeners.length > 1 ? 's' : ''}, ${users.listeners.join(', ')}, ${users.listeners.length > 1 ? 'have' : 'has'} no address outside the VPC, so not the internet but every host of the VPC and of the networks joined to it (peering, VPN, Transit Gateway) can connect: allow only the clients' groups or subnets.`
        : undefined;
      const balancers = group === undefined ? undefined : onlyLoadBalancers(t, group);
      const everything = (what: string, cidr: string): Pick<Hit, 'message' | 'severity'> =>
        inside
          ? { message: `${where} accepts ${what} from ${cidr}${inside}`, severity: 'low' }
          : balancers
            ? {
                message: `${where} accepts ${what} from ${cidr}; it is used only by the load balancer${balancers.length > 1 ? 's' : ''} ${balancers.join(', ')}, which answer${balancers.length > 1 ? '' : 's'} only on listener ports, so allow just those ports.`,
                severity: 'medium',
              }
            : { message: `${where} accepts ${what} from ${cidr}.`, severity: 'critical' };
      const protocol = String(value(t, field(t, node, 'IpProtocol')?.value) ?? '').toLowerCase();
      for (const key of ['CidrIp', 'CidrIpv6']) {
        const source = field(t, node, key);
        const known = text(t, source?.value);
        if (!source || known === undefined || !isWorld(known)) continue;
        const cidr = `${known}${defaultOf(t, source.value)}`;
        if (protocol === '-1' || protocol === 'all') {
          yield { line: source.keyLine, ...everything('every protocol and port', cidr), resource: where };
          continue;
        }
        const transport = protocol === 'tcp' || protocol === '6' ? 'tcp' : protocol === 'udp' || protocol === '17' ? 'udp' : undefined;
        if (!transport) continue;
        const from = portNumber(t, field(t, node, 'FromPort')?.value);
        const to = portNumber(t, field(t, node, 'ToPort')?.value);
        if (from === undefined || to === undefined) continue;
        if ((from <= 1 && to >= 65535) || (from === -1 && to === -1)) {
          yield { line: source.keyLine, ...everything(`every ${transport} port`, cidr), resource: where };
          continue;
        }
        const opened = sensitivePortsInRange(from, to, transport);
        // Through load balancers alone, only what their listeners forward: no SMB or SSH through an application load balancer's HTTPS listener on 445 or 22.
        const services = balancers ? reachableThroughBalancers(opened, balancers.map((lb) => forwardingOf(t, lb))) : opened;
        if (services.length === 0) continue;
        const severity: Severity = services.some((s) => s.severity === 'critical') ? 'critical' : 'high';
        const opens = `${where} opens ${services.slice(0, 4).map(describePort).join(', ')}${services.length > 4 ? ', ...' : ''} to ${cidr}`;
        const through = balancers ? `; it is used only by the load balancer${balancers.length > 1 ? 's' : ''} ${balancers.join(', ')}, whose listeners may forward ${services.length > 1 ? 'them' : 'it'}` : '';
        yield inside ? { line: source.keyLine, message: `${opens}${inside}`, resource: where, severity: 'low' } : { line: source.keyLine, message: `${opens}${through}.`, resource: where, severity };
      }
    }
    for (const { where, node } of dbSecurityGroupSources(t)) {
      const source = field(t, node, 'CIDRIP');
      const cidr = text(t, source?.value);
      if (source && cidr !== undefined && isWorld(cidr)) yield { line: source.keyLine, message: `${where} lets ${cidr}${defaultOf(t, source.value)} reach the database port of its instances.`, resource: where, severity: 'critical' };
    }
  },
});

/**
 * ` (the Default of parameter SSHLocation)` when a value is a parameter's default: the
 * stack gets it unless whoever deploys it gives another, and the parameter is where to change it.
 */
function defaultOf(t: CfnTemplate, node: YNode | null | undefined): string {
  const call = intrinsic(node);
  const name = call?.name === 'Ref' && isYScalar(call.arg) ? String(call.arg.value) : undefined;
  const parameter = name === undefined ? undefined : t.parameters.get(name);
  if (!parameter?.default) return '';
  return parameter.passedBy ? ` (parameter ${name}, as ${parameter.passedBy.join(' and ')} pass${parameter.passedBy.length === 1 ? 'es' : ''} it)` : ` (the Default of parameter ${name})`;
}

/** EC2-Classic DB security groups: a source CIDR reaches the database port of every instance in the group. */
function* dbSecurityGroupSources(t: CfnTemplate): Generator<{ where: string; node: YNode }> {
  for (const r of resourcesOf(t, 'AWS::RDS::DBSecurityGroup')) for (const entry of entries(t, prop(t, r, 'DBSecurityGroupIngress')?.value)) if (isYMap(entry)) yield { where: label(r), node: entry };
  for (const r of resourcesOf(t, 'AWS::RDS::DBSecurityGroupIngress')) if (r.properties) yield { where: label(r), node: r.properties };
}

/** Whether a load balancer's Scheme is internal (the default is internet-facing). */
function isInternal(t: CfnTemplate, lb: CfnResource): boolean {
  return text(t, prop(t, lb, 'Scheme')?.value) === 'internal';
}

const httpListener: CfnRule = cfnRule({
  id: 'iac/cfn-lb-http-listener',
  title: 'Load balancer listener serves plain HTTP',
  description: 'A load balancer listener accepts HTTP and forwards it instead of redirecting to HTTPS. Credentials, session cookies and data cross the network in clear text, where anyone on the path can read or change them. On an internal load balancer (Scheme: internal) it is reported at low severity: only clients inside the network reach it, but the traffic still crosses the VPC in clear text.',
  remediation: 'Serve HTTPS (Protocol: HTTPS with a certificate), and make the HTTP listener a redirect action to HTTPS.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'Resources:\n  Http:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 80\n      # expect\n      Protocol: HTTP\n      DefaultActions:\n        - Type: forward\n          TargetGroupArn: !Ref Tg\n',
      'Resources:\n  Classic:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Listeners:\n        - LoadBalancerPort: "80"\n          InstancePort: "80"\n          # expect\n          Protocol: HTTP\n',
      // An internal load balancer's HTTP listener: low severity (test/scanners/iac/load-balancer-internal.test.ts).
      'Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Scheme: internal\n  Http:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 80\n      # expect\n      Protocol: HTTP\n      DefaultActions:\n        - Type: forward\n          TargetGroupArn: !Ref Tg\n',
    ],
    negative: [
      'Resources:\n  Http:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 80\n      Protocol: HTTP\n      DefaultActions:\n        - Type: redirect\n          RedirectConfig:\n            Protocol: HTTPS\n            Port: "443"\n            StatusCode: HTTP_301\n',
      'Resources:\n  Https:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 443\n      Protocol: HTTPS\n      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::ElasticLoadBalancingV2::Listener')) {
      const protocol = prop(t, r, 'Protocol');
      if (text(t, protocol?.value) !== 'HTTP') continue;
      const actions = entries(t, prop(t, r, 'DefaultActions')?.value);
      const redirects = actions.some((a) => {
        const type = text(t, field(t, a, 'Type')?.value);
        const to = text(t, field(t, field(t, a, 'RedirectConfig')?.value, 'Protocol')?.value);
        return type === 'redirect' && to !== 'HTTP';
      });
      const unknownAction = actions.some((a) => text(t, field(t, a, 'Type')?.value) === undefined);
      if (redirects || unknownAction) continue;
      const lb = resourceById(t, referencedId(prop(t, r, 'LoadBalancerArn')?.value), 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      if (lb && isInternal(t, lb)) yield { line: protocol!.keyLine, message: `${label(r)} serves plain HTTP without redirecting to HTTPS on ${label(lb)}: ${INTERNAL_HTTP_NOTE}.`, resource: label(r), severity: 'low' };
      else yield { line: protocol!.keyLine, message: `${label(r)} serves plain HTTP without redirecting to HTTPS.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::ElasticLoadBalancing::LoadBalancer')) {
      const internal = isInternal(t, r);
      for (const listener of entries(t, prop(t, r, 'Listeners')?.value)) {
        const protocol = field(t, listener, 'Protocol');
        if (text(t, protocol?.value)?.toUpperCase() !== 'HTTP') continue;
        if (internal) yield { line: protocol!.keyLine, message: `${label(r)} has a plain HTTP listener: ${INTERNAL_HTTP_NOTE}.`, resource: label(r), severity: 'low' };
        else yield { line: protocol!.keyLine, message: `${label(r)} has a plain HTTP listener.`, resource: label(r) };
      }
    }
  },
});


const outdatedTls: CfnRule = cfnRule({
  id: 'iac/cfn-tls-outdated',
  title: 'TLS policy allows versions before 1.2',
  description: 'A load balancer listener or SSL negotiation policy, a CloudFront distribution (towards viewers, or towards a custom origin), an API Gateway custom domain or a search domain accepts TLS 1.0 or 1.1 (or SSLv3). A distribution with its own certificate and no MinimumProtocolVersion gets CloudFront\'s default, TLSv1; the default *.cloudfront.net certificate, whose policy cannot be changed, is not reported. These versions have known weaknesses (BEAST, POODLE, weak ciphers and MACs) and are deprecated by RFC 8996; clients can be downgraded to them.',
  remediation: 'Use a policy that requires TLS 1.2 or later: SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06, MinimumProtocolVersion: TLSv1.2_2021, OriginSSLProtocols: [TLSv1.2], SecurityPolicy: TLS_1_2, TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07.',
  severity: 'medium',
  cwe: ['CWE-326'],
  examples: {
    positive: [
      'Resources:\n  Https:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      Port: 443\n      Protocol: HTTPS\n      # expect\n      SslPolicy: ELBSecurityPolicy-2016-08\n',
      'Resources:\n  Classic:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Policies:\n        - PolicyName: tls\n          PolicyType: SSLNegotiationPolicyType\n          Attributes:\n            # expect\n            - Name: Protocol-TLSv1\n              Value: "true"\n            - Name: Protocol-TLSv1.2\n              Value: "true"\n',
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        ViewerCertificate:\n          AcmCertificateArn: arn:aws:acm:us-east-1:111122223333:certificate/abc\n          # expect\n          MinimumProtocolVersion: TLSv1\n',
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        # expect\n        ViewerCertificate:\n          AcmCertificateArn: !Ref Certificate\n          SslSupportMethod: sni-only\n        Origins:\n          - Id: api\n            DomainName: api.example.org\n            CustomOriginConfig:\n              OriginProtocolPolicy: https-only\n              # expect\n              OriginSSLProtocols: [TLSv1, TLSv1.2]\n',
      'Resources:\n  Api:\n    Type: AWS::ApiGateway::DomainName\n    Properties:\n      DomainName: api.example.org\n      # expect\n      SecurityPolicy: TLS_1_0\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      DomainEndpointOptions:\n        EnforceHTTPS: true\n        # expect\n        TLSSecurityPolicy: Policy-Min-TLS-1-0-2019-07\n',
    ],
    negative: [
      'Resources:\n  Https:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      Port: 443\n      Protocol: HTTPS\n      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06\n',
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        ViewerCertificate:\n          CloudFrontDefaultCertificate: true\n',
      // CloudFront reaches an http-only origin without TLS, so its OriginSSLProtocols are never used.
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        Origins:\n          - Id: site\n            DomainName: site.example.org\n            CustomOriginConfig:\n              OriginProtocolPolicy: http-only\n              OriginSSLProtocols: [TLSv1, TLSv1.1, TLSv1.2]\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::ElasticLoadBalancingV2::Listener')) {
      const policy = prop(t, r, 'SslPolicy');
      const v = text(t, policy?.value);
      if (v && OLD_ELB_POLICIES.test(v)) yield { line: policy!.keyLine, message: `${label(r)} uses ${v}, which accepts TLS versions before 1.2.`, resource: label(r) };
    }
    // Classic load balancers: an SSL negotiation policy that turns an old protocol on, or references an old predefined policy.
    for (const r of resourcesOf(t, 'AWS::ElasticLoadBalancing::LoadBalancer')) {
      for (const policy of entries(t, prop(t, r, 'Policies')?.value)) {
        if (text(t, field(t, policy, 'PolicyType')?.value) !== 'SSLNegotiationPolicyType') continue;
        for (const attribute of entries(t, field(t, policy, 'Attributes')?.value)) {
          const name = text(t, field(t, attribute, 'Name')?.value) ?? '';
          const v = text(t, field(t, attribute, 'Value')?.value) ?? '';
          const old = (OLD_SSL_NEGOTIATION_PROTOCOL.test(name) && v.toLowerCase() === 'true') || (name === 'Reference-Security-Policy' && OLD_ELB_POLICIES.test(v));
          if (old) yield { line: attribute.line, message: `${label(r)} negotiates with ${name === 'Reference-Security-Policy' ? v : name}, which accepts TLS versions before 1.2.`, resource: label(r) };
        }
      }
    }
    for (const r of resourcesOf(t, 'AWS::CloudFront::Distribution')) {
      const viewer = prop(t, r, 'DistributionConfig', 'ViewerCertificate');
      const version = prop(t, r, 'DistributionConfig', 'ViewerCertificate', 'MinimumProtocolVersion');
      const v = text(t, version?.value);
      if (v && OLD_CLOUDFRONT_PROTOCOLS.has(v)) yield { line: version!.keyLine, message: `${label(r)} accepts ${v} from viewers.`, resource: label(r) };
      // A custom certificate without a minimum gets CloudFront's default, TLSv1. (The default
      // *.cloudfront.net certificate always has the TLSv1 policy and nothing in this block changes that: not reported.)
      else if (viewer && !version && ['AcmCertificateArn', 'IamCertificateId'].some((k) => prop(t, r, 'DistributionConfig', 'ViewerCertificate', k)))
        yield { line: viewer.keyLine, message: `${label(r)} sets no MinimumProtocolVersion for its certificate, so viewers may use TLS 1.0 (CloudFront's default is TLSv1).`, resource: label(r) };
      for (const origin of entries(t, prop(t, r, 'DistributionConfig', 'Origins')?.value)) {
        // An http-only origin is never reached over TLS: its protocol list is unused (iac/cfn-cloudfront-origin-http reports the origin).
        if (isHttpOnlyOrigin(text(t, pairAt(t, origin, 'CustomOriginConfig', 'OriginProtocolPolicy')?.value))) continue;
        const protocols = pairAt(t, origin, 'CustomOriginConfig', 'OriginSSLProtocols');
        const old = entries(t, protocols?.value).map((p) => text(t, p)).filter((p) => p !== undefined && OLD_ORIGIN_PROTOCOLS.has(p));
        const id = text(t, field(t, origin, 'Id')?.value);
        if (old.length > 0) yield { line: protocols!.keyLine, message: `${label(r)} talks to ${id ? `origin ${id}` : 'an origin'} with outdated protocols (${old.join(', ')}).`, resource: label(r) };
      }
    }
    for (const r of resourcesOf(t, 'AWS::ApiGateway::DomainName')) {
      const policy = prop(t, r, 'SecurityPolicy');
      if (text(t, policy?.value)?.toUpperCase() === 'TLS_1_0') yield { line: policy!.keyLine, message: `${label(r)} accepts TLS 1.0 (SecurityPolicy: TLS_1_0).`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::ApiGatewayV2::DomainName')) {
      for (const configuration of entries(t, prop(t, r, 'DomainNameConfigurations')?.value)) {
        const policy = field(t, configuration, 'SecurityPolicy');
        if (text(t, policy?.value)?.toUpperCase() === 'TLS_1_0') yield { line: policy!.keyLine, message: `${label(r)} accepts TLS 1.0 (SecurityPolicy: TLS_1_0).`, resource: label(r) };
      }
    }
    for (const r of resourcesOf(t, 'AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain')) {
      const policy = prop(t, r, 'DomainEndpointOptions', 'TLSSecurityPolicy');
      if (text(t, policy?.value) === 'Policy-Min-TLS-1-0-2019-07') yield { line: policy!.keyLine, message: `${label(r)} accepts TLS 1.0 (Policy-Min-TLS-1-0-2019-07).`, resource: label(r) };
    }
  },
});

const cloudFrontHttp: CfnRule = cfnRule({
  id: 'iac/cfn-cloudfront-allows-http',
  title: 'CloudFront serves viewers over plain HTTP',
  description: 'A CloudFront cache behavior has ViewerProtocolPolicy allow-all, so viewers can fetch the content and send cookies and form data over unencrypted HTTP, where they can be read or altered in transit.',
  remediation: 'Set ViewerProtocolPolicy to redirect-to-https (or https-only) on the default and every other cache behavior.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        DefaultCacheBehavior:\n          TargetOriginId: site\n          # expect\n          ViewerProtocolPolicy: allow-all\n',
    ],
    negative: [
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        DefaultCacheBehavior:\n          TargetOriginId: site\n          ViewerProtocolPolicy: redirect-to-https\n        CacheBehaviors:\n          - PathPattern: /api/*\n            ViewerProtocolPolicy: https-only\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::CloudFront::Distribution')) {
      const behaviors = [prop(t, r, 'DistributionConfig', 'DefaultCacheBehavior')?.value, ...entries(t, prop(t, r, 'DistributionConfig', 'CacheBehaviors')?.value)];
      for (const behavior of behaviors) {
        const policy = field(t, behavior, 'ViewerProtocolPolicy');
        if (text(t, policy?.value) === 'allow-all') yield { line: policy!.keyLine, message: `${label(r)} lets viewers use plain HTTP (ViewerProtocolPolicy: allow-all).`, resource: label(r) };
      }
    }
  },
});

const cloudFrontOriginHttp: CfnRule = cfnRule({
  id: 'iac/cfn-cloudfront-origin-http',
  title: 'CloudFront reaches its origin over plain HTTP',
  description:
    'A custom origin of a CloudFront distribution has OriginProtocolPolicy http-only: every request CloudFront forwards (with cookies, authorization headers and form data) and every response travel unencrypted between the edge and the origin, across the internet, where they can be read or altered, even when viewers connect with HTTPS.',
  remediation:
    'Set OriginProtocolPolicy: https-only with OriginSSLProtocols [TLSv1.2] and give the origin a certificate; for an S3 bucket use an S3 origin with origin access control instead of the website endpoint.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        Origins:\n          - Id: api\n            DomainName: api.example.org\n            CustomOriginConfig:\n              # expect\n              OriginProtocolPolicy: http-only\n        DefaultCacheBehavior:\n          TargetOriginId: api\n          ViewerProtocolPolicy: redirect-to-https\n',
    ],
    negative: [
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        Origins:\n          - Id: api\n            DomainName: api.example.org\n            CustomOriginConfig:\n              OriginProtocolPolicy: https-only\n              OriginSSLProtocols: [TLSv1.2]\n          - Id: site\n            DomainName: site.s3.amazonaws.com\n            S3OriginConfig: {}\n',
      // match-viewer forwards with the viewer\'s protocol, HTTPS when viewers are redirected to it.
      'Resources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins:\n          - Id: api\n            DomainName: api.example.org\n            CustomOriginConfig:\n              OriginProtocolPolicy: match-viewer\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::CloudFront::Distribution')) {
      for (const origin of entries(t, prop(t, r, 'DistributionConfig', 'Origins')?.value)) {
        const policy = pairAt(t, origin, 'CustomOriginConfig', 'OriginProtocolPolicy');
        if (!isHttpOnlyOrigin(text(t, policy?.value))) continue;
        const id = text(t, field(t, origin, 'Id')?.value);
        const which = id ? `origin ${id}` : 'an origin';
        const domain = text(t, field(t, origin, 'DomainName')?.value) ?? '';
        // A website endpoint of S3 serves only HTTP and holds public content: lower, and the fix differs.
        const website = S3_WEBSITE_ENDPOINT.test(domain);
        yield {
          line: policy!.keyLine,
          message: website
            ? `${label(r)} fetches ${which} from an S3 website endpoint over plain HTTP; use an S3 origin with origin access control.`
            : `${label(r)} forwards requests to ${which} over plain HTTP (OriginProtocolPolicy: http-only).`,
          resource: label(r),
          ...(website ? { severity: 'low' as const } : {}),
        };
      }
    }
  },
});

/**
 * A launch template without an ImageId that only EKS managed node groups of an AL2023
 * AmiType use: EKS launches their nodes from its Amazon Linux 2023 AMI, which requires
 * IMDSv2 unless the template says otherwise.
 */
function onlyAl2023NodeGroups(t: CfnTemplate, template: string): boolean {
  if (mentions(t.outputs, template)) return false;
  let used = false;
  for (const r of t.resources) {
    if (r.id === template || !mentions(r.node, template)) continue;
    if (r.type !== 'AWS::EKS::Nodegroup') return false;
    const amiType = text(t, prop(t, r, 'AmiType')?.value);
    if (!amiType || !AL2023_NODE_AMI_TYPE.test(amiType)) return false;
    used = true;
  }
  return used;
}

/**
 * An ImageId that names an Amazon Linux 2023 AMI: an SSM-typed parameter (`!Ref`) whose
 * Default is one of its public parameters, or a `{{resolve:ssm:...}}` (or `resolve:ssm:...`) reference to one.
 * An Fn::If whose condition cannot be known (`!If [UseArm, !Ref Al2023Arm, !Ref Al2023X86]`) names one when both branches do.
 */
function requiresImdsv2Image(t: CfnTemplate, node: YNode | null | undefined): boolean {
  const ref = intrinsic(node);
  if (ref?.name === 'Fn::If') {
    const args = isYSeq(ref.arg) ? ref.arg.items : [];
    if (args.length !== 3) return false;
    const chosen = condition(t, args[0]);
    if (chosen === UNKNOWN) return requiresImdsv2Image(t, args[1]) && requiresImdsv2Image(t, args[2]);
    return requiresImdsv2Image(t, chosen ? args[1] : args[2]);
  }
  if (ref?.name === 'Ref' && isYScalar(ref.arg)) {
    const parameter = t.parameters.get(String(ref.arg.value));
    if (!parameter || !/^AWS::SSM::Parameter::Value</.test(text(t, field(t, parameter.node, 'Type')?.value) ?? '')) return false;
    return AL2023_AMI_PARAMETER.test(text(t, parameter.default) ?? '');
  }
  return AL2023_AMI_PARAMETER.test(resolvedSsmParameter(text(t, node) ?? '') ?? '');
}

const imdsv1: CfnRule = cfnRule({
  id: 'iac/cfn-imdsv1',
  title: 'Instances allow IMDSv1',
  description: 'An instance, launch template or launch configuration does not require session tokens for the instance metadata service (MetadataOptions HttpTokens is optional or unset; an instance without it gets the AMI\'s default, optional for most images, required for Amazon Linux 2023 ones, which are recognised by their public SSM parameter and by the AmiType of the EKS node groups that use a template). With IMDSv1 a server-side request forgery in any application on the instance can read the instance role credentials with a single GET, as in the Capital One breach.',
  remediation: 'Set MetadataOptions: { HttpTokens: required } (and HttpPutResponseHopLimit: 1 unless containers need more).',
  severity: 'medium',
  cwe: ['CWE-918'],
  examples: {
    positive: [
      'Resources:\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        ImageId: ami-12345678\n        MetadataOptions:\n          # expect\n          HttpTokens: optional\n',
      'Resources:\n  # expect\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateName: app\n',
      'Resources:\n  # expect\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      InstanceType: t3.micro\n',
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      MetadataOptions:\n        # expect\n        HttpTokens: optional\n',
      // An explicit optional overrides the image's IMDSv2 requirement.
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}"\n      MetadataOptions:\n        # expect\n        HttpTokens: optional\n',
      // A node group of an Amazon Linux 2 AmiType launches from the template without IMDSv2.
      'Resources:\n  NodeTemplate:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      # expect\n      LaunchTemplateData:\n        InstanceType: m6i.large\n  Workers:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: prod\n      AmiType: AL2_x86_64\n      LaunchTemplate:\n        Id: !Ref NodeTemplate\n',
      // One branch of a choice that cannot be known before deploying is an Amazon Linux 2 image.
      'Parameters:\n  Al2023:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64\n  Al2:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2\n  Legacy:\n    Type: String\nConditions:\n  UseLegacy: !Equals [!Ref Legacy, "true"]\nResources:\n  # expect\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: !If [UseLegacy, !Ref Al2, !Ref Al2023]\n',
      // A String parameter, or an Amazon Linux 2 image: the AMI does not require IMDSv2.
      'Parameters:\n  Image:\n    Type: String\n    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64\n  Al2:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2\nResources:\n  # expect\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: !Ref Image\n  # expect\n  Old:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: !Ref Al2\n',
    ],
    negative: [
      'Resources:\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        MetadataOptions:\n          HttpTokens: required\n',
      'Resources:\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        MetadataOptions:\n          HttpEndpoint: disabled\n',
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      MetadataOptions:\n        HttpTokens: required\n',
      // The launch template the instance is launched from sets the metadata options.
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      LaunchTemplate:\n        LaunchTemplateId: !Ref Template\n        Version: "1"\n',
      // Amazon Linux 2023 AMIs carry ImdsSupport v2.0: launches from them require IMDSv2.
      'Parameters:\n  Image:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: !Ref Image\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        ImageId: !Ref Image\n        MetadataOptions:\n          HttpPutResponseHopLimit: 2\n',
      'Resources:\n  Worker:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64}}"\n',
      // A choice between two Amazon Linux 2023 images (by architecture) requires IMDSv2 whichever is taken.
      'Parameters:\n  Arm:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64\n  X86:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64\n  Graviton:\n    Type: String\nConditions:\n  UseArm: !Equals [!Ref Graviton, "true"]\nResources:\n  Web:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        ImageId: !If [UseArm, !Ref Arm, !Ref X86]\n',
      // A launch template's ImageId may name the parameter EC2 resolves at launch without the dynamic reference braces.
      'Resources:\n  Workers:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        ImageId: resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\n',
      // ECS- and EKS-optimized Amazon Linux 2023 images require IMDSv2 too.
      'Parameters:\n  EcsImage:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\nResources:\n  EcsHosts:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        ImageId: !Ref EcsImage\n  EksNodes:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        ImageId: "{{resolve:ssm:/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id}}"\n',
      // A launch template without an image, used only by AL2023 node groups: EKS picks an AL2023 AMI.
      'Resources:\n  NodeTemplate:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        InstanceType: m6i.large\n  Workers:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: prod\n      AmiType: AL2023_x86_64_STANDARD\n      LaunchTemplate:\n        Id: !Ref NodeTemplate\n',
    ],
  },
  *check(t) {
    const paths: Array<[string, string[]]> = [
      ['AWS::EC2::LaunchTemplate', ['LaunchTemplateData', 'MetadataOptions']],
      ['AWS::AutoScaling::LaunchConfiguration', ['MetadataOptions']],
      ['AWS::EC2::Instance', ['MetadataOptions']],
    ];
    for (const [type, path] of paths) {
      for (const r of resourcesOf(t, type)) {
        if (type === 'AWS::EC2::Instance' && prop(t, r, 'LaunchTemplate')) continue;
        if (text(t, prop(t, r, ...path, 'HttpEndpoint')?.value) === 'disabled') continue;
        const tokens = prop(t, r, ...path, 'HttpTokens');
        const v = value(t, tokens?.value);
        if (v === UNKNOWN || v === 'required') continue;
        // Without HttpTokens the AMI's ImdsSupport decides: Amazon Linux 2023 images require IMDSv2.
        if (!tokens) {
          const image = prop(t, r, ...path.slice(0, -1), 'ImageId');
          if (requiresImdsv2Image(t, image?.value)) continue;
          if (type === 'AWS::EC2::LaunchTemplate' && !image && onlyAl2023NodeGroups(t, r.id)) continue;
        }
        const at: Hit = tokens ? { line: tokens.keyLine, message: '' } : { line: missingLine(t, r, ...path, 'HttpTokens'), message: '' };
        yield { ...at, message: `${label(r)} allows IMDSv1: set MetadataOptions HttpTokens to required.`, resource: label(r) };
      }
    }
  },
});

const nodeGroupSshOpen: CfnRule = cfnRule({
  id: 'iac/cfn-eks-nodegroup-ssh-open',
  title: 'EKS node group SSH open to the internet',
  description: 'An EKS managed node group has RemoteAccess with an Ec2SshKey but no SourceSecurityGroups. EKS then opens port 22 on the nodes to 0.0.0.0/0, so every worker node is exposed to SSH brute force and to any leak of the key.',
  remediation: 'Add RemoteAccess SourceSecurityGroups (a bastion or VPN group), or drop RemoteAccess and reach the nodes with SSM Session Manager.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: ['Resources:\n  Workers:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: !Ref Cluster\n      NodeRole: !GetAtt NodeRole.Arn\n      Subnets: [subnet-1]\n      # expect\n      RemoteAccess:\n        Ec2SshKey: ops\n'],
    negative: [
      'Resources:\n  Workers:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: !Ref Cluster\n      RemoteAccess:\n        Ec2SshKey: ops\n        SourceSecurityGroups: [!Ref Bastion]\n',
      'Resources:\n  Workers:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: !Ref Cluster\n      Subnets: [subnet-1]\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::EKS::Nodegroup')) {
      const remote = prop(t, r, 'RemoteAccess');
      if (!remote || !prop(t, r, 'RemoteAccess', 'Ec2SshKey') || prop(t, r, 'RemoteAccess', 'SourceSecurityGroups')) continue;
      yield { line: remote.keyLine, message: `${label(r)} opens SSH on its nodes to the internet: RemoteAccess has no SourceSecurityGroups.`, resource: label(r) };
    }
  },
});

const notebookInternet: CfnRule = cfnRule({
  id: 'iac/cfn-sagemaker-notebook-internet',
  title: 'SageMaker notebook has direct internet access',
  description: 'A SageMaker notebook instance keeps DirectInternetAccess Enabled (the default): its Jupyter environment, which holds the notebook role credentials and often training data, reaches the internet outside the VPC and its controls, so code or packages run in it can send data anywhere.',
  remediation: 'Set DirectInternetAccess: Disabled with SubnetId and SecurityGroupIds, and give the VPC the endpoints (or a controlled NAT) the notebook needs.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Lab:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: !GetAtt LabRole.Arn\n',
      'Resources:\n  Lab:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      # expect\n      DirectInternetAccess: Enabled\n',
    ],
    negative: ['Resources:\n  Lab:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      DirectInternetAccess: Disabled\n      SubnetId: subnet-1\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::SageMaker::NotebookInstance')) {
      const access = prop(t, r, 'DirectInternetAccess');
      const v = value(t, access?.value);
      if (v === UNKNOWN || (access && v !== 'Enabled')) continue;
      yield { line: access ? access.keyLine : r.line, message: `${label(r)} has direct internet access: set DirectInternetAccess: Disabled and place it in a subnet.`, resource: label(r) };
    }
  },
});

interface RangeExposure {
  where: string;
  line: number;
  cidr: string;
  /** Every port (all protocols, or a whole TCP/UDP range); else the catalogue ports opened. */
  all: boolean;
  services: ServicePort[];
}

/**
 * Ingress entries (and EC2-Classic DB security group sources) that open every port or a
 * catalogue port to a source `accept` picks, leaving out an entry whose other source is
 * `wider` (reported by the rule for that wider source) and groups attached only to
 * Lambda functions.
 */
function* rangeExposures(t: CfnTemplate, accept: (cidr: string) => boolean, wider: (cidr: string) => boolean): Generator<RangeExposure> {
  for (const { where, node, group } of ingressRules(t)) {
    if (group !== undefined && privateUsers(t, group)?.listeners.length === 0) continue;
    const sources = ['CidrIp', 'CidrIpv6'].map((key) => ({ source: field(t, node, key), cidr: text(t, field(t, node, key)?.value) }));
    if (sources.some(({ cidr }) => cidr !== undefined && wider(cidr))) continue;
    const protocol = String(value(t, field(t, node, 'IpProtocol')?.value) ?? '').toLowerCase();
    const transport = protocol === 'tcp' || protocol === '6' ? 'tcp' : protocol === 'udp' || protocol === '17' ? 'udp' : protocol === '-1' || protocol === 'all' ? 'all' : undefined;
    if (!transport) continue;
    let all = transport === 'all';
    let services: ServicePort[] = [];
    if (!all) {
      const from = portNumber(t, field(t, node, 'FromPort')?.value);
      const to = portNumber(t, field(t, node, 'ToPort')?.value);
      if (from === undefined || to === undefined) continue;
      all = (from <= 1 && to >= 65535) || (from === -1 && to === -1);
      if (!all) services = sensitivePortsInRange(from, to, transport as 'tcp' | 'udp');
    }
    if (!all && services.length === 0) continue;
    for (const { source, cidr } of sources) if (source && cidr !== undefined && accept(cidr)) yield { where, line: source.keyLine, cidr, all, services };
  }
  for (const { where, node } of dbSecurityGroupSources(t)) {
    const source = field(t, node, 'CIDRIP');
    const cidr = text(t, source?.value);
    if (source && cidr !== undefined && accept(cidr) && !wider(cidr)) yield { where, line: source.keyLine, cidr, all: true, services: [] };
  }
}

const listPorts = (services: ServicePort[]) => `${services.slice(0, 4).map(describePort).join(', ')}${services.length > 4 ? ', ...' : ''}`;

const widePrivateNetwork: CfnRule = cfnRule({
  id: 'iac/cfn-sg-sensitive-port-wide-private',
  title: 'Sensitive port open to a whole private network',
  description:
    'A security group ingress rule (or an EC2-Classic DB security group) opens every port, or the port of a service that should only be reached by the hosts that need it (SSH, RDP, a database, a cache, the Docker API: see the port catalogue), to a private range larger than any one VPC (10.0.0.0/8, 172.16.0.0/12, any RFC 1918 or 100.64.0.0/10 range wider than /16, or IPv6 unique local space wider than /48). Such a range takes in every peered VPC, transit gateway attachment, VPN and office network numbered inside it, so one compromised laptop or container anywhere on the corporate network can reach the service, and an attacker moves laterally without touching the internet. Sources that are the internet or broad public ranges are left to the rules for those.',
  remediation: "Allow the VPC's or the subnet's own CIDR (or better, the security group of the clients: SourceSecurityGroupId), and reach administrative ports through SSM Session Manager or a bastion.",
  severity: 'low',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Admin:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: admin\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          # expect\n          CidrIp: 10.0.0.0/8\n',
      'Resources:\n  Db:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !Ref DbGroup\n      IpProtocol: "-1"\n      # expect\n      CidrIp: 172.16.0.0/12\n',
    ],
    negative: [
      'Resources:\n  Vpc:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: vpc\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 10.0.0.0/16\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 10.0.0.0/8\n',
      // Reported as open to the internet instead.
      'Resources:\n  Both:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: both\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 10.0.0.0/8\n          CidrIpv6: ::/0\n',
    ],
  },
  *check(t) {
    for (const { where, line, cidr, all, services } of rangeExposures(t, isWidePrivate, (c) => isWorld(c) || isBroadPublic(c))) {
      const what = all ? `accepts every port from` : `opens ${listPorts(services)} to`;
      yield { line, message: `${where} ${what} ${cidr}, a private range larger than any one VPC: every host of the networks numbered in it can connect.`, resource: where };
    }
  },
});

const broadPublicNetwork: CfnRule = cfnRule({
  id: 'iac/cfn-sg-sensitive-port-broad-public',
  title: 'Sensitive port open to a broad public range',
  description:
    "A security group ingress rule (or an EC2-Classic DB security group) opens every port, or the port of a service that must not be public (SSH, RDP, a database, a cache, the Docker API: see the port catalogue), to a public address range that is not the whole internet but is wider than /16 (/32 in IPv6): a cloud provider's or a region's space, an ISP's, or a split of the internet such as 0.0.0.0/1 and 128.0.0.0/1. Anyone can rent an address in such a range, so the service is as reachable as if it were open to 0.0.0.0/0, and checks for 0.0.0.0/0 do not see it.",
  remediation: 'Allow only the addresses that need the service (your office or VPN egress addresses, a /32 per host), or the security group of the clients, and reach administrative ports through SSM Session Manager or a private network.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Split:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: split\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 3306\n          ToPort: 3306\n          # expect\n          CidrIp: 0.0.0.0/1\n        - IpProtocol: tcp\n          FromPort: 3306\n          ToPort: 3306\n          # expect\n          CidrIp: 128.0.0.0/1\n',
      'Resources:\n  Legacy:\n    Type: AWS::RDS::DBSecurityGroup\n    Properties:\n      GroupDescription: db\n      DBSecurityGroupIngress:\n        # expect\n        - CIDRIP: 52.0.0.0/11\n',
    ],
    negative: [
      'Resources:\n  Office:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: office\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 203.0.113.0/24\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 52.0.0.0/8\n',
    ],
  },
  *check(t) {
    for (const { where, line, cidr, all, services } of rangeExposures(t, isBroadPublic, isWorld)) {
      const what = all ? `accepts every port from` : `opens ${listPorts(services)} to`;
      yield { line, message: `${where} ${what} ${cidr}: public address space wider than /16 (/32 in IPv6), in which anyone can rent an address.`, resource: where, severity: isVeryBroad(cidr) ? ('high' as const) : ('medium' as const) };
    }
  },
});

const naclAdminPorts: CfnRule = cfnRule({
  id: 'iac/cfn-nacl-admin-port-open',
  title: 'Network ACL admits SSH or RDP from the internet',
  description:
    'An AWS::EC2::NetworkAclEntry allows inbound traffic from anywhere (0.0.0.0/0 or ::/0) to SSH (22) or RDP (3389). The ACL is the subnet-wide layer in front of the security groups, and it should keep remote administration ports closed to the internet, so that one security group opened by mistake does not expose every instance of the subnet to brute force (CIS AWS 5.1, Security Hub EC2.21). An entry for every protocol (-1) and the wide port ranges a stateless ACL needs for return traffic (1024-65535) are not reported, nor are egress entries and denies.',
  remediation: 'Remove the entry or restrict CidrBlock to the networks administrators come from; reach instances through SSM Session Manager or a VPN.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Ssh:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref PublicAcl\n      RuleNumber: 120\n      Protocol: 6\n      RuleAction: allow\n      # expect\n      CidrBlock: 0.0.0.0/0\n      PortRange:\n        From: 22\n        To: 22\n',
      '{\n  "Resources": {\n    "Rdp": {\n      "Type": "AWS::EC2::NetworkAclEntry",\n      "Properties": {\n        "NetworkAclId": {"Ref": "PublicAcl"},\n        "RuleNumber": 130,\n        "Protocol": "17",\n        "RuleAction": "allow",\n        "Egress": false,\n        "Ipv6CidrBlock": "::/0",\n        "PortRange": {"From": "3300", "To": "3400"}\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      // Return traffic, HTTPS, an office network, egress, a deny, and every protocol.
      'Resources:\n  Ephemeral:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref PublicAcl\n      RuleNumber: 900\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n      PortRange: { From: 1024, To: 65535 }\n  Https:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref PublicAcl\n      RuleNumber: 100\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n      PortRange: { From: 443, To: 443 }\n  Office:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref PublicAcl\n      RuleNumber: 110\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 203.0.113.0/24\n      PortRange: { From: 22, To: 22 }\n  Out:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref PublicAcl\n      RuleNumber: 100\n      Egress: true\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n      PortRange: { From: 22, To: 22 }\n  NoRdp:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref PublicAcl\n      RuleNumber: 90\n      Protocol: 6\n      RuleAction: deny\n      CidrBlock: 0.0.0.0/0\n      PortRange: { From: 3389, To: 3389 }\n  All:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref PublicAcl\n      RuleNumber: 200\n      Protocol: -1\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::EC2::NetworkAclEntry')) {
      // An egress entry, or one whose direction cannot be read.
      const egress = prop(t, r, 'Egress');
      if (egress && bool(t, egress.value) !== false) continue;
      const sources = ['CidrBlock', 'Ipv6CidrBlock'].map((key) => prop(t, r, key)).filter((p) => p !== undefined);
      const open = sources.filter((p) => isWorld(text(t, p.value) ?? ''));
      if (open.length === 0) continue;
      const ports = aclAdminPorts({
        action: text(t, prop(t, r, 'RuleAction')?.value),
        sources: open.map((p) => text(t, p.value)),
        protocol: value(t, prop(t, r, 'Protocol')?.value),
        from: portNumber(t, prop(t, r, 'PortRange', 'From')?.value),
        to: portNumber(t, prop(t, r, 'PortRange', 'To')?.value),
      });
      if (ports.length > 0) yield { line: open[0]!.keyLine, message: `${label(r)} allows ${ports.join(' and ')} in from ${open.map((p) => `${text(t, p.value)}${defaultOf(t, p.value)}`).join(', ')}.`, resource: label(r) };
    }
  },
});

export const networkRules: readonly CfnRule[] = [openToInternet, widePrivateNetwork, broadPublicNetwork, httpListener, outdatedTls, cloudFrontHttp, cloudFrontOriginHttp, imdsv1, nodeGroupSshOpen, notebookInternet, naclAdminPorts];

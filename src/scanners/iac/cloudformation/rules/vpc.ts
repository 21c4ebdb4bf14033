import { accessLogsRecord, NO_ACCESS_LOGS_NOTE } from '../../aws-load-balancers.js';
import { isWorld } from '../../cidr.js';
import type { Hit } from '../../rule.js';
import { isYScalar, isYSeq, type YNode } from '../../yaml/tree.js';
import { cfnRule, entries, field, label, mentions, prop, referencedId, referencedIds, resourceById, resourcesOf, type CfnRule } from '../model.js';
import { bool, follow, intrinsic, text, UNKNOWN } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';

/** Whether a node is `!GetAtt <VPC>.DefaultSecurityGroup`: the default security group of a VPC of the template. */
function isDefaultGroupOf(t: CfnTemplate, node: YNode | null | undefined): boolean {
  const call = intrinsic(node);
  if (call?.name !== 'Fn::GetAtt') return false;
  const parts = isYSeq(call.arg) ? call.arg.items.map((i) => (isYScalar(i) ? String(i.value) : '')) : isYScalar(call.arg) ? String(call.arg.value).split('.') : [];
  return parts[1] === 'DefaultSecurityGroup' && resourceById(t, parts[0], 'AWS::EC2::VPC') !== undefined;
}

const defaultSecurityGroup: CfnRule = cfnRule({
  id: 'iac/cfn-default-sg-allows-traffic',
  title: 'Default security group allows traffic',
  description:
    "An AWS::EC2::SecurityGroupIngress or SecurityGroupEgress adds a rule to the default security group of a VPC (GroupId: !GetAtt <VPC>.DefaultSecurityGroup). Every resource launched without an explicit security group gets the default one, so the rule silently applies to forgotten instances, endpoints and functions (CIS AWS 5.4). A rule open to the whole internet is also reported on its CIDR.",
  remediation: 'Leave the default security group without rules (remove the ones AWS adds with a custom resource or once by hand), and attach purpose-built security groups to every resource.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  # expect\n  DefaultIn:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt Vpc.DefaultSecurityGroup\n      IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      # expect\n      CidrIp: 0.0.0.0/0\n',
      'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  # expect\n  DefaultOut:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      GroupId: !GetAtt [Vpc, DefaultSecurityGroup]\n      IpProtocol: "-1"\n      DestinationSecurityGroupId: !Ref Peers\n',
    ],
    negative: ['Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  WebIn:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !Ref Web\n      IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      CidrIp: 0.0.0.0/0\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress')) {
      if (!isDefaultGroupOf(t, prop(t, r, 'GroupId')?.value)) continue;
      const ingress = r.type === 'AWS::EC2::SecurityGroupIngress';
      yield { line: r.line, message: `${label(r)} adds an ${ingress ? 'ingress' : 'egress'} rule to the VPC default security group.`, resource: label(r) };
      for (const key of ingress ? ['CidrIp', 'CidrIpv6'] : ['CidrIp', 'CidrIpv6', 'DestinationCidrIp', 'DestinationCidrIpv6']) {
        const source = prop(t, r, key);
        const cidr = text(t, source?.value);
        if (source && cidr !== undefined && isWorld(cidr))
          yield { line: source.keyLine, message: `${label(r)} makes the VPC default security group ${ingress ? 'accept traffic from' : 'send traffic to'} ${cidr}.`, resource: label(r), severity: ingress ? ('high' as const) : ('medium' as const) };
      }
    }
  },
});

const instanceDefaultSecurityGroup: CfnRule = cfnRule({
  id: 'iac/cfn-ec2-default-security-group',
  title: 'EC2 instance in the default security group',
  description:
    "An EC2 instance names no security group (no SecurityGroupIds, SecurityGroups, NetworkInterfaces or LaunchTemplate), so AWS puts it in the VPC's default security group, or it names that group explicitly (SecurityGroups: [default], !GetAtt <VPC>.DefaultSecurityGroup). Unless the default group has been emptied, it admits all traffic from every other member, and everything launched without thought lands in it: one compromised instance can reach all ports of the others (CIS AWS 5.4, AWS Foundational Security Best Practices EC2.2).",
  remediation: "Create a security group for the instance's role that opens only the ports it serves and set SecurityGroupIds to it; leave the default security group without rules.",
  severity: 'low',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Api:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      SubnetId: !Ref Private\n',
      'Resources:\n  Api:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      SecurityGroups:\n        - !Ref Api\n        # expect\n        - default\n',
      'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  Api:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      # expect\n      SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]\n',
    ],
    negative: [
      'Resources:\n  Api:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      SecurityGroupIds: [!Ref ApiGroup]\n',
      'Resources:\n  Api:\n    Type: AWS::EC2::Instance\n    Properties:\n      LaunchTemplate:\n        LaunchTemplateId: !Ref ApiTemplate\n        Version: "1"\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::EC2::Instance')) {
      if (['NetworkInterfaces', 'LaunchTemplate'].some((k) => prop(t, r, k))) continue;
      const groups = ['SecurityGroupIds', 'SecurityGroups'].map((k) => prop(t, r, k)).filter((p) => p !== undefined && p.value !== null);
      if (groups.length === 0) {
        yield { line: r.line, message: `${label(r)} names no security group, so it is launched into the VPC's default security group.`, resource: label(r) };
        continue;
      }
      for (const setting of groups) {
        const list = follow(t, setting!.value);
        if (list === UNKNOWN || !isYSeq(list)) continue;
        if (list.items.length === 0) {
          yield { line: setting!.keyLine, message: `${label(r)} sets ${setting!.key} to an empty list, so it is launched into the VPC's default security group.`, resource: label(r) };
          continue;
        }
        for (const item of list.items) {
          const named = text(t, item) === 'default';
          if (!named && !isDefaultGroupOf(t, item)) continue;
          // Convention 5: a plain list entry on its own line; a flow list written on its key's line stays there.
          yield { line: item.line > setting!.keyLine ? item.line : setting!.keyLine, message: `${label(r)} uses the VPC's default security group.`, resource: label(r) };
        }
      }
    }
  },
});

/** What may name a route table without adding a route to it from elsewhere: its own routes, subnet associations and gateway endpoints (which add routes to S3 or DynamoDB only). */
const ROUTE_TABLE_USERS = new Set(['AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::VPCEndpoint']);

/**
 * The subnets of the template from which no traffic reaches an internet gateway: every route table
 * associated with them in the template is one of its AWS::EC2::RouteTable resources, no route of it goes
 * to a gateway that is or may be an internet or carrier gateway, and nothing else names it (no Output
 * other stacks may import, no nested stack or custom resource that may add a route). A subnet with no
 * association in the template uses its VPC's main route table, which is not known, and is not one of them.
 */
function unroutedSubnets(t: CfnTemplate): Set<string> {
  const out = new Set<string>();
  const routes = resourcesOf(t, 'AWS::EC2::Route');
  const outward = (route: CfnResource) => {
    if (prop(t, route, 'CarrierGatewayId')) return true;
    const gateway = prop(t, route, 'GatewayId')?.value;
    if (gateway === undefined || gateway === null) return false;
    return resourceById(t, referencedId(gateway), 'AWS::EC2::VPNGateway') === undefined && !/^vgw-/.test(text(t, gateway) ?? '');
  };
  const tablesOut = new Set<string>();
  for (const route of routes.filter(outward)) {
    const tables = referencedIds(t, prop(t, route, 'RouteTableId')?.value);
    // A route to a gateway on a table not named by reference may be on any of them.
    if (tables.length === 0) return out;
    for (const table of tables) tablesOut.add(table);
  }
  const closed = (table: string) =>
    !tablesOut.has(table) && resourceById(t, table, 'AWS::EC2::RouteTable') !== undefined && !mentions(t.outputs, table) && t.resources.every((r) => r.id === table || ROUTE_TABLE_USERS.has(r.type) || !mentions(r.node, table));
  const associations = resourcesOf(t, 'AWS::EC2::SubnetRouteTableAssociation');
  for (const subnet of resourcesOf(t, 'AWS::EC2::Subnet')) {
    const tables = associations.filter((a) => referencedIds(t, prop(t, a, 'SubnetId')?.value).includes(subnet.id)).map((a) => referencedIds(t, prop(t, a, 'RouteTableId')?.value));
    if (tables.length > 0 && tables.every((ids) => ids.length === 1 && closed(ids[0]!))) out.add(subnet.id);
  }
  return out;
}

const instancePublicIp: CfnRule = cfnRule({
  id: 'iac/cfn-ec2-public-ip',
  title: 'Instance gets a public IP address',
  description:
    'An instance, launch template or launch configuration sets AssociatePublicIpAddress: true: instances get an address reachable from the internet, and their security group becomes the only thing between them and every scanner. An instance that names no subnet, network interface or launch template starts in a default subnet of the default VPC, whose subnets give every instance a public address (reported at low severity). An instance whose network interface is in a subnet of the template that cannot reach an internet gateway is not reported: its route tables are the template\'s own, none routes to an internet (or carrier) gateway, and nothing else in the template or its Outputs names them, so no route can be added to them from another stack: replies have no way back to the internet, and no connection to the address can be made.',
  remediation: 'Place instances in private subnets without public IPs (AssociatePublicIpAddress: false) and expose services through a load balancer; use SSM Session Manager for administration.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      NetworkInterfaces:\n        - DeviceIndex: "0"\n          SubnetId: !Ref Public\n          # expect\n          AssociatePublicIpAddress: true\n',
      // The subnet's route table sends 0.0.0.0/0 to an internet gateway.
      'Resources:\n  Igw:\n    Type: AWS::EC2::InternetGateway\n  Edge:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.1.0/24\n  EdgeTable:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  EdgeDefault:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref EdgeTable\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n  EdgeLink:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Edge\n      RouteTableId: !Ref EdgeTable\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      NetworkInterfaces:\n        - DeviceIndex: "0"\n          SubnetId: !Ref Edge\n          # expect\n          AssociatePublicIpAddress: true\n',
      // The route table is exported: another stack may add the route to the internet.
      'Resources:\n  Isolated:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.3.0/24\n  IsolatedTable:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  IsolatedLink:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Isolated\n      RouteTableId: !Ref IsolatedTable\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      NetworkInterfaces:\n        - DeviceIndex: "0"\n          SubnetId: !Ref Isolated\n          # expect\n          AssociatePublicIpAddress: true\nOutputs:\n  Table:\n    Value: !Ref IsolatedTable\n    Export:\n      Name: isolated-table\n',
      'Resources:\n  # expect\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      InstanceType: t3.micro\n',
      'Resources:\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        NetworkInterfaces:\n          - DeviceIndex: 0\n            # expect\n            AssociatePublicIpAddress: "true"\n  Config:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Properties:\n      ImageId: ami-12345678\n      InstanceType: t3.micro\n      # expect\n      AssociatePublicIpAddress: true\n',
    ],
    negative: [
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      SubnetId: !Ref Private\n',
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      NetworkInterfaces:\n        - DeviceIndex: "0"\n          SubnetId: !Ref Private\n          AssociatePublicIpAddress: false\n',
      // The subnet's only route table is the template's and routes nowhere but the VPC: no connection to the address can be made.
      'Resources:\n  Isolated:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.3.0/24\n  IsolatedTable:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  IsolatedLink:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Isolated\n      RouteTableId: !Ref IsolatedTable\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      NetworkInterfaces:\n        - DeviceIndex: "0"\n          SubnetId: !Ref Isolated\n          AssociatePublicIpAddress: true\n',
    ],
  },
  *check(t) {
    const unrouted = unroutedSubnets(t);
    const publicIn = function* (r: CfnResource, interfaces: YNode | null | undefined): Generator<Hit> {
      for (const nic of entries(t, interfaces)) {
        const flag = field(t, nic, 'AssociatePublicIpAddress');
        const subnet = referencedId(field(t, nic, 'SubnetId')?.value);
        if (subnet !== undefined && unrouted.has(subnet)) continue;
        if (bool(t, flag?.value) === true) yield { line: flag!.keyLine, message: `${label(r)} gives ${r.type === 'AWS::EC2::Instance' ? 'the instance' : 'instances'} a public IP address.`, resource: label(r) };
      }
    };
    for (const r of resourcesOf(t, 'AWS::EC2::Instance')) {
      const interfaces = prop(t, r, 'NetworkInterfaces');
      yield* publicIn(r, interfaces?.value);
      if (!interfaces && !prop(t, r, 'SubnetId') && !prop(t, r, 'LaunchTemplate'))
        yield { line: r.line, message: `${label(r)} names no subnet, so it starts in the default VPC, whose subnets give every instance a public IP address.`, resource: label(r), severity: 'low' };
    }
    for (const r of resourcesOf(t, 'AWS::EC2::LaunchTemplate')) yield* publicIn(r, prop(t, r, 'LaunchTemplateData', 'NetworkInterfaces')?.value);
    for (const r of resourcesOf(t, 'AWS::AutoScaling::LaunchConfiguration')) {
      const flag = prop(t, r, 'AssociatePublicIpAddress');
      if (bool(t, flag?.value) === true) yield { line: flag!.keyLine, message: `${label(r)} gives instances a public IP address.`, resource: label(r) };
    }
  },
});

const subnetPublicIp: CfnRule = cfnRule({
  id: 'iac/cfn-subnet-public-ip',
  title: 'Subnet assigns public IPs automatically',
  description:
    'MapPublicIpOnLaunch: true gives every instance launched in the subnet a public address, including ones that were never meant to be reachable from the internet. A subnet that cannot reach an internet gateway (its route tables are the template\'s own, none routes to an internet or carrier gateway, and nothing else names them) is not reported, as iac/cfn-ec2-public-ip judges it: no connection to those addresses can be made.',
  remediation: 'Set MapPublicIpOnLaunch: false and assign public addresses (or better, load balancers) explicitly where needed.',
  severity: 'low',
  cwe: ['CWE-668'],
  examples: {
    positive: ['Resources:\n  Public:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.1.0/24\n      # expect\n      MapPublicIpOnLaunch: true\n'],
    negative: [
      'Resources:\n  Private:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.2.0/24\n',
      // Its only route table is the template's and routes nowhere but the VPC.
      'Resources:\n  Isolated:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.3.0/24\n      MapPublicIpOnLaunch: true\n  IsolatedTable:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  IsolatedLink:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Isolated\n      RouteTableId: !Ref IsolatedTable\n',
    ],
  },
  *check(t) {
    const unrouted = unroutedSubnets(t);
    for (const r of resourcesOf(t, 'AWS::EC2::Subnet')) {
      if (unrouted.has(r.id)) continue;
      const flag = prop(t, r, 'MapPublicIpOnLaunch');
      if (bool(t, flag?.value) === true) yield { line: flag!.keyLine, message: `${label(r)} gives every instance a public IP.`, resource: label(r) };
    }
  },
});

const eksPublicEndpoint: CfnRule = cfnRule({
  id: 'iac/cfn-eks-public-endpoint',
  title: 'EKS API endpoint open to the internet',
  description: 'The cluster API endpoint is public (EndpointPublicAccess is true by default) and accepts connections from any address (PublicAccessCidrs unset or 0.0.0.0/0). Credentials leaked from any laptop or CI job can then be used from anywhere, and API server vulnerabilities are exposed to the internet.',
  remediation: 'Set ResourcesVpcConfig EndpointPublicAccess: false and EndpointPrivateAccess: true, or restrict PublicAccessCidrs to your egress addresses.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      RoleArn: !GetAtt ClusterRole.Arn\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1, subnet-2]\n        # expect\n        PublicAccessCidrs: [0.0.0.0/0]\n',
      'Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      RoleArn: !GetAtt ClusterRole.Arn\n      # expect\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1, subnet-2]\n',
    ],
    negative: [
      'Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1]\n        EndpointPublicAccess: false\n        EndpointPrivateAccess: true\n',
      'Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1]\n        PublicAccessCidrs: [203.0.113.0/24]\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::EKS::Cluster')) {
      const vpc = prop(t, r, 'ResourcesVpcConfig');
      if (!vpc) continue;
      const publicAccess = prop(t, r, 'ResourcesVpcConfig', 'EndpointPublicAccess');
      const open = bool(t, publicAccess?.value);
      if (open === false || open === UNKNOWN || (publicAccess && open === undefined && publicAccess.value !== null)) continue;
      const cidrs = prop(t, r, 'ResourcesVpcConfig', 'PublicAccessCidrs');
      if (cidrs) {
        const list = follow(t, cidrs.value);
        if (list === UNKNOWN || !isYSeq(list)) continue;
        if (!list.items.some((item) => isWorld(text(t, item) ?? ''))) continue;
      }
      yield { line: cidrs?.keyLine ?? vpc.keyLine, message: `${label(r)} exposes its API endpoint to the whole internet.`, resource: label(r) };
    }
  },
});

const peeringDefaultRoute: CfnRule = cfnRule({
  id: 'iac/cfn-vpc-peering-default-route',
  title: 'Default route sent through a VPC peering connection',
  description:
    "A route sends 0.0.0.0/0 (or ::/0) to a VPC peering connection instead of the peer's CIDR: every destination without a more specific route goes to the other VPC, so subnets can reach all of the peer network, and traffic meant for the internet is handed to another account or environment (CIS AWS 5.5, least-access peering routes).",
  remediation: "Route only the peer VPC's CIDR (or the specific subnets that must talk) to the peering connection.",
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: ['Resources:\n  ToShared:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref App\n      # expect\n      DestinationCidrBlock: 0.0.0.0/0\n      VpcPeeringConnectionId: !Ref Shared\n'],
    negative: [
      'Resources:\n  ToShared:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref App\n      DestinationCidrBlock: 10.20.0.0/16\n      VpcPeeringConnectionId: !Ref Shared\n  ToInternet:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref App\n      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: !Ref Nat\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::EC2::Route')) {
      const peering = prop(t, r, 'VpcPeeringConnectionId');
      if (!peering || peering.value === null || text(t, peering.value) === '') continue;
      for (const key of ['DestinationCidrBlock', 'DestinationIpv6CidrBlock']) {
        const destination = prop(t, r, key);
        const cidr = text(t, destination?.value);
        if (cidr !== undefined && isWorld(cidr)) yield { line: destination!.keyLine, message: `${label(r)} routes ${cidr} to a VPC peering connection.`, resource: label(r) };
      }
    }
  },
});

const vpcFlowLogs: CfnRule = cfnRule({
  id: 'iac/cfn-vpc-no-flow-logs',
  title: 'VPC without flow logs',
  description: 'No AWS::EC2::FlowLog of the template captures traffic of this VPC: connections to and from a compromised instance, exfiltration and scanning leave no trace for incident response (CIS AWS 3.9).',
  remediation: 'Add an AWS::EC2::FlowLog with ResourceType: VPC and ResourceId: !Ref <the VPC>, delivering to CloudWatch Logs or S3.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: ['Resources:\n  # expect\n  Main:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n'],
    negative: ['Resources:\n  Main:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  MainFlows:\n    Type: AWS::EC2::FlowLog\n    Properties:\n      ResourceType: VPC\n      ResourceId: !Ref Main\n      TrafficType: ALL\n      LogDestinationType: s3\n      LogDestination: !GetAtt Logs.Arn\n'],
  },
  *check(t) {
    const logged = new Set(resourcesOf(t, 'AWS::EC2::FlowLog').flatMap((f) => referencedIds(t, prop(t, f, 'ResourceId')?.value)));
    for (const r of resourcesOf(t, 'AWS::EC2::VPC')) if (!logged.has(r.id)) yield { line: r.line, message: `${label(r)} has no flow log in this template.`, resource: label(r) };
  },
});

/**
 * Where a boolean load balancer attribute (LoadBalancerAttributes, `{ Key, Value }` entries) is
 * off: its Value when false, the LoadBalancerAttributes key (or the logical id) when the entry is
 * missing, since every such attribute defaults to false. Undefined when it is on or cannot be read.
 */
function attributeOff(t: CfnTemplate, r: CfnResource, key: string): { line: number; value: false | undefined } | undefined {
  const attributes = prop(t, r, 'LoadBalancerAttributes');
  if (follow(t, attributes?.value) === UNKNOWN) return undefined;
  const entry = entries(t, attributes?.value).find((a) => text(t, field(t, a, 'Key')?.value) === key);
  const setting = entry ? field(t, entry, 'Value') : undefined;
  const v = bool(t, setting?.value);
  if (v === true || v === UNKNOWN || (entry && !setting)) return undefined;
  return { line: setting ? setting.keyLine : attributes ? attributes.keyLine : r.line, value: v === false ? false : undefined };
}

const DROP_INVALID_HEADERS = 'routing.http.drop_invalid_header_fields.enabled';

const albInvalidHeaders: CfnRule = cfnRule({
  id: 'iac/cfn-alb-keeps-invalid-headers',
  title: 'Application load balancer forwards invalid headers',
  description: `The load balancer attribute ${DROP_INVALID_HEADERS} is not true (false is the default), so the load balancer forwards HTTP headers with invalid names to the application, which helps request smuggling and header-injection attacks against back ends that parse them differently.`,
  remediation: `Add LoadBalancerAttributes: [{ Key: ${DROP_INVALID_HEADERS}, Value: "true" }] to application load balancers.`,
  severity: 'low',
  cwe: ['CWE-444'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Subnets: [subnet-1, subnet-2]\n',
      `Resources:\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: application\n      LoadBalancerAttributes:\n        - Key: ${DROP_INVALID_HEADERS}\n          # expect\n          Value: "false"\n`,
    ],
    negative: [
      `Resources:\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - Key: idle_timeout.timeout_seconds\n          Value: "60"\n        - Key: ${DROP_INVALID_HEADERS}\n          Value: "true"\n`,
      'Resources:\n  Net:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: network\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      const type = prop(t, r, 'Type');
      if (type && text(t, type.value)?.toLowerCase() !== 'application') continue;
      const off = attributeOff(t, r, DROP_INVALID_HEADERS);
      if (off) yield { line: off.line, message: `${label(r)} forwards invalid HTTP header fields: set ${DROP_INVALID_HEADERS} to true.`, resource: label(r) };
    }
  },
});

const ACCESS_LOGS = 'access_logs.s3.enabled';

const lbNoAccessLogs: CfnRule = cfnRule({
  id: 'iac/cfn-lb-no-access-logs',
  title: 'Load balancer without access logs',
  description: `An application load balancer, a network load balancer with a TLS listener, or a classic load balancer does not write access logs to S3: ${NO_ACCESS_LOGS_NOTE}, such as which addresses probed the application or which requests came before a breach. An AWS::ElasticLoadBalancingV2::LoadBalancer logs only with the attribute ${ACCESS_LOGS} set to true (false by default); an AWS::ElasticLoadBalancing::LoadBalancer needs AccessLoggingPolicy with Enabled: true. A gateway load balancer has no access logs and is not reported, nor is a network load balancer without a TLS listener in the template (only TLS requests are logged). tf-aws-lb-no-access-logs judges Terraform's load balancers alike.`,
  remediation: `Add LoadBalancerAttributes entries ${ACCESS_LOGS}: "true" and access_logs.s3.bucket (classic load balancers: AccessLoggingPolicy { Enabled: true, S3BucketName }), with a bucket policy that lets Elastic Load Balancing write to the bucket.`,
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Subnets: [subnet-1, subnet-2]\n',
      `Resources:\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - Key: access_logs.s3.bucket\n          Value: lb-logs\n        - Key: ${ACCESS_LOGS}\n          # expect\n          Value: "false"\n`,
      'Resources:\n  # expect\n  Classic:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Listeners:\n        - LoadBalancerPort: "443"\n          InstancePort: "8443"\n          Protocol: HTTPS\n',
      'Resources:\n  Classic:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      AccessLoggingPolicy:\n        # expect\n        Enabled: false\n        S3BucketName: lb-logs\n',
      'Resources:\n  # expect\n  Tcp:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: network\n  Tls:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Tcp\n      Port: 443\n      Protocol: TLS\n',
    ],
    negative: [
      `Resources:\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - Key: ${ACCESS_LOGS}\n          Value: "true"\n        - Key: access_logs.s3.bucket\n          Value: lb-logs\n`,
      'Resources:\n  Classic:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      AccessLoggingPolicy:\n        Enabled: true\n        S3BucketName: lb-logs\n',
      'Resources:\n  Inspection:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: gateway\n',
      'Resources:\n  Tcp:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: network\n  Db:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Tcp\n      Port: 5432\n      Protocol: TCP\n',
    ],
  },
  *check(t) {
    const listeners = resourcesOf(t, 'AWS::ElasticLoadBalancingV2::Listener');
    const tlsOf = new Set(listeners.filter((l) => text(t, prop(t, l, 'Protocol')?.value)?.toUpperCase() === 'TLS').flatMap((l) => referencedIds(t, prop(t, l, 'LoadBalancerArn')?.value)));
    for (const r of resourcesOf(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      const type = prop(t, r, 'Type');
      const kind = type ? text(t, type.value)?.toLowerCase() : 'application';
      if (kind === undefined || !accessLogsRecord(kind, tlsOf.has(r.id))) continue;
      const off = attributeOff(t, r, ACCESS_LOGS);
      if (off) yield { line: off.line, message: `${label(r)} ${off.value === false ? `sets ${ACCESS_LOGS} to false` : `does not set ${ACCESS_LOGS}`}: ${NO_ACCESS_LOGS_NOTE}.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::ElasticLoadBalancing::LoadBalancer')) {
      const policy = prop(t, r, 'AccessLoggingPolicy');
      const target = follow(t, policy?.value);
      if (target === UNKNOWN) continue;
      // The policy is one object; a list of them (which some templates write) is read entry by entry.
      const flags = (isYSeq(target) ? entries(t, policy?.value) : policy ? [policy.value] : []).map((p) => field(t, p, 'Enabled'));
      if (flags.some((f) => f && bool(t, f.value) !== false)) continue;
      const off = flags.find((f) => f !== undefined);
      yield { line: off ? off.keyLine : policy ? policy.keyLine : r.line, message: `${label(r)} ${off ? 'sets AccessLoggingPolicy Enabled to false' : policy ? 'does not enable its AccessLoggingPolicy' : 'has no AccessLoggingPolicy'}: ${NO_ACCESS_LOGS_NOTE}.`, resource: label(r) };
    }
  },
});

/** The subnets of the template that are public, with the reason: they map public IPs, or a route table associated with them routes to an internet gateway. */
function publicSubnets(t: CfnTemplate): Map<string, string> {
  const out = new Map<string, string>();
  // A public address in a subnet that cannot reach an internet gateway answers nothing.
  const unrouted = unroutedSubnets(t);
  for (const r of resourcesOf(t, 'AWS::EC2::Subnet')) if (!unrouted.has(r.id) && bool(t, prop(t, r, 'MapPublicIpOnLaunch')?.value) === true) out.set(r.id, 'it gives instances public IP addresses');
  const toInternet = (r: CfnResource) => {
    const gateway = prop(t, r, 'GatewayId')?.value;
    return resourceById(t, referencedId(gateway), 'AWS::EC2::InternetGateway') !== undefined || /^igw-/.test(text(t, gateway) ?? '');
  };
  const tables = new Set(resourcesOf(t, 'AWS::EC2::Route').filter(toInternet).flatMap((r) => referencedIds(t, prop(t, r, 'RouteTableId')?.value)));
  for (const a of resourcesOf(t, 'AWS::EC2::SubnetRouteTableAssociation')) {
    const table = referencedIds(t, prop(t, a, 'RouteTableId')?.value).find((id) => tables.has(id));
    if (!table) continue;
    for (const subnet of referencedIds(t, prop(t, a, 'SubnetId')?.value)) if (!out.has(subnet)) out.set(subnet, `its route table ${table} routes to an internet gateway`);
  }
  return out;
}

const dbPublicSubnet: CfnRule = cfnRule({
  id: 'iac/cfn-db-public-subnet',
  title: 'Database subnet group includes public subnets',
  description:
    'A DB (or Redshift) subnet group lists a subnet of the template that is public: it gives instances public IP addresses (MapPublicIpOnLaunch, unless it cannot reach an internet gateway: its route tables are the template\'s own, none routes to an internet or carrier gateway, and nothing else names them), or a route table associated with it sends traffic to an internet gateway. A database placed there is reachable from the internet as soon as it is made publicly accessible, by a later change or a console click, and nothing in the network layout stops it. Databases belong in subnets without a route to an internet gateway.',
  remediation: 'List private subnets in the subnet group (SubnetIds), whose route tables send 0.0.0.0/0 to a NAT gateway or nowhere, and keep PubliclyAccessible: false.',
  severity: 'low',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'Resources:\n  PublicA:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.1.0/24\n      MapPublicIpOnLaunch: true\n  Db:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n      DBSubnetGroupDescription: db\n      SubnetIds:\n        - !Ref PrivateB\n        # expect\n        - !Ref PublicA\n',
      'Resources:\n  Igw:\n    Type: AWS::EC2::InternetGateway\n  Edge:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  EdgeDefault:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Edge\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n  DbEdge:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref DbSubnet\n      RouteTableId: !Ref Edge\n  Warehouse:\n    Type: AWS::Redshift::ClusterSubnetGroup\n    Properties:\n      Description: dw\n      # expect\n      SubnetIds: [!Ref DbSubnet]\n',
    ],
    negative: [
      'Resources:\n  Nat:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  NatDefault:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Nat\n      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: !Ref NatGateway\n  DbNat:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref DbSubnet\n      RouteTableId: !Ref Nat\n  Db:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n      DBSubnetGroupDescription: db\n      SubnetIds: [!Ref DbSubnet]\n',
      // The subnet maps public IPs, but its only route table is the template's and routes nowhere but the VPC.
      'Resources:\n  DbSubnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.3.0/24\n      MapPublicIpOnLaunch: true\n  DbTable:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  DbLink:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref DbSubnet\n      RouteTableId: !Ref DbTable\n  Db:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n      DBSubnetGroupDescription: db\n      SubnetIds: [!Ref DbSubnet]\n',
    ],
  },
  *check(t) {
    const groups = resourcesOf(t, 'AWS::RDS::DBSubnetGroup', 'AWS::Redshift::ClusterSubnetGroup', 'AWS::DocDB::DBSubnetGroup', 'AWS::Neptune::DBSubnetGroup');
    if (groups.length === 0) return;
    const subnets = publicSubnets(t);
    if (subnets.size === 0) return;
    for (const r of groups) {
      const setting = prop(t, r, 'SubnetIds');
      const list = follow(t, setting?.value);
      if (!setting || list === UNKNOWN || !isYSeq(list)) continue;
      const reported = new Set<number>();
      for (const item of list.items) {
        const id = referencedId(item);
        if (id === undefined || !subnets.has(id)) continue;
        // Convention 5: each entry of a list on its own line; a flow list on its key.
        const line = item.line > setting.keyLine ? item.line : setting.keyLine;
        if (reported.has(line)) continue;
        reported.add(line);
        yield { line, message: `${label(r)} places databases in ${id}, a public subnet (${subnets.get(id)}).`, resource: label(r) };
      }
    }
  },
});

/** Rules about the network around resources: default security groups, public addresses and endpoints, peering routes, flow logs, load balancer headers, database subnets. */
export const vpcRules: readonly CfnRule[] = [defaultSecurityGroup, instanceDefaultSecurityGroup, instancePublicIp, subnetPublicIp, eksPublicEndpoint, peeringDefaultRoute, vpcFlowLogs, albInvalidHeaders, lbNoAccessLogs, dbPublicSubnet];

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';

function analyse(text: string) {
  const result = analyseFile('stack.yaml', text, () => undefined);
  return result.findings.map((f) => `${f.ruleId}@${f.location.startLine}:${f.severity}`).sort();
}

describe('CloudFormation resource conditions', () => {
  const template = (parameter: string, condition: string) =>
    [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Parameters:',
      '  OpenDebugSsh:',
      '    Type: String',
      parameter,
      'Conditions:',
      `  WantDebugSsh: ${condition}`,
      'Resources:',
      '  DebugSsh:',
      '    Type: AWS::EC2::SecurityGroupIngress',
      '    Condition: WantDebugSsh',
      '    Properties:',
      '      GroupId: sg-0123456789abcdef0',
      '      IpProtocol: tcp',
      '      FromPort: 22',
      '      ToPort: 22',
      '      CidrIp: 0.0.0.0/0',
      '',
    ].join('\n');

  it('skips a resource whose Condition is false with the parameter defaults', () => {
    assert.deepEqual(analyse(template('    Default: "no"', '!Equals [!Ref OpenDebugSsh, "yes"]')), []);
  });

  it('keeps a resource whose Condition is true, or cannot be known', () => {
    const expected = ['iac/cfn-sg-open-to-internet@17:high'];
    assert.deepEqual(analyse(template('    Default: "yes"', '!Equals [!Ref OpenDebugSsh, "yes"]')), expected);
    assert.deepEqual(analyse(template('    Description: no default', '!Equals [!Ref OpenDebugSsh, "yes"]')), expected);
    assert.deepEqual(analyse(template('    Default: "no"', '!Equals [!Ref "AWS::Region", us-east-1]')), expected);
    assert.deepEqual(analyse(template('    Default: "no"', '!Equals [!Ref OpenDebugSsh, "yes"]').replace('WantDebugSsh\n', 'Undeclared\n')), expected);
  });
});

describe('CloudFormation ingress from a parameter default', () => {
  it('names the parameter whose Default opens the group, where whoever deploys the stack can change it', () => {
    const text = [
      'Parameters:',
      '  SSHLocation:',
      '    Type: String',
      '    Default: 0.0.0.0/0',
      'Resources:',
      '  Web:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      GroupDescription: web',
      '      SecurityGroupIngress:',
      '        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref SSHLocation }',
      '        - { IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0 }',
      '',
    ].join('\n');
    const messages = analyseFile('stack.yaml', text, () => undefined).findings.filter((f) => f.ruleId === 'iac/cfn-sg-open-to-internet').map((f) => `${f.location.startLine} ${f.message}`);
    assert.deepEqual(messages, ['11 AWS::EC2::SecurityGroup Web opens 22/tcp (SSH) to 0.0.0.0/0 (the Default of parameter SSHLocation).', '12 AWS::EC2::SecurityGroup Web opens 3389/tcp (Remote Desktop (RDP)) to 0.0.0.0/0.']);
  });
});

describe('CloudFormation all-traffic ingress on a load balancer group', () => {
  // The load balancer's headers and the instance's address are other rules' findings.
  const ingressHits = (text: string) => analyse(text).filter((h) => h.startsWith('iac/cfn-sg-open-to-internet@'));
  const group = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Resources:',
    '  EdgeLbGroup:',
    '    Type: AWS::EC2::SecurityGroup',
    '    Properties:',
    '      GroupDescription: public load balancer',
    '      SecurityGroupIngress:',
    '        - CidrIp: 0.0.0.0/0',
    '          IpProtocol: "-1"',
    '  EdgeV6:',
    '    Type: AWS::EC2::SecurityGroupIngress',
    '    Properties:',
    '      GroupId: !GetAtt EdgeLbGroup.GroupId',
    '      IpProtocol: tcp',
    '      FromPort: 0',
    '      ToPort: 65535',
    '      CidrIpv6: ::/0',
    '  EdgeLb:',
    '    Type: AWS::ElasticLoadBalancingV2::LoadBalancer',
    '    Properties:',
    '      Scheme: internet-facing',
    '      SecurityGroups: [!Ref EdgeLbGroup]',
    '      Subnets: [subnet-0aaa, subnet-0bbb]',
    '',
  ].join('\n');

  it('lowers it to medium when only ELBv2 load balancers use the group, and says why', () => {
    assert.deepEqual(ingressHits(group), ['iac/cfn-sg-open-to-internet@17:medium', 'iac/cfn-sg-open-to-internet@8:medium']);
    const finding = analyseFile('stack.yaml', group, () => undefined).findings[0]!;
    assert.match(finding.message, /used only by the load balancer EdgeLb, which answers only on listener ports/);
  });

  it('lowers it too when other groups name it only as the source of their rules', () => {
    // The containers admit traffic from the load balancer's group: that puts nothing else in it.
    const peers = `${group}  AppGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 8080\n          ToPort: 8080\n          SourceSecurityGroupId: !Ref EdgeLbGroup\n  AppFromLb:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !Ref AppGroup\n      IpProtocol: "-1"\n      SourceSecurityGroupId: !GetAtt EdgeLbGroup.GroupId\n`;
    assert.deepEqual(ingressHits(peers), ['iac/cfn-sg-open-to-internet@17:medium', 'iac/cfn-sg-open-to-internet@8:medium']);
    // A rule of another group that opens it to the load balancer's group as its own GroupId is not a peer.
    const member = `${group}  Other:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      GroupId: sg-0123\n      IpProtocol: "-1"\n      CidrIp: 10.0.0.0/8\n      Description: !Ref EdgeLbGroup\n`;
    assert.deepEqual(ingressHits(member), ['iac/cfn-sg-open-to-internet@17:critical', 'iac/cfn-sg-open-to-internet@8:critical']);
  });

  it('keeps it critical when anything else uses the group, or other stacks may import it', () => {
    const instance = `${group}  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      SecurityGroupIds: [!GetAtt EdgeLbGroup.GroupId]\n      MetadataOptions: { HttpTokens: required }\n`;
    assert.deepEqual(ingressHits(instance), ['iac/cfn-sg-open-to-internet@17:critical', 'iac/cfn-sg-open-to-internet@8:critical']);
    const exported = `${group}Outputs:\n  Group:\n    Value: !Ref EdgeLbGroup\n    Export: { Name: edge-group }\n`;
    assert.deepEqual(ingressHits(exported), ['iac/cfn-sg-open-to-internet@17:critical', 'iac/cfn-sg-open-to-internet@8:critical']);
    const unused = group.replace('SecurityGroups: [!Ref EdgeLbGroup]', 'SecurityGroups: [sg-0123]');
    assert.deepEqual(ingressHits(unused), ['iac/cfn-sg-open-to-internet@17:critical', 'iac/cfn-sg-open-to-internet@8:critical']);
  });
});

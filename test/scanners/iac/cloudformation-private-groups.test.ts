import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';

const open = (name: string, port: string) =>
  `  ${name}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ${name}\n      VpcId: !Ref Vpc\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          ${port}\n          CidrIp: 0.0.0.0/0\n`;
const template = [
  'Transform: AWS::Serverless-2016-10-31\nResources:\n',
  open('EfsGroup', 'FromPort: 0\n          ToPort: 65535'),
  '  Files:\n    Type: AWS::EFS::FileSystem\n',
  '  MountA:\n    Type: AWS::EFS::MountTarget\n    Properties:\n      FileSystemId: !Ref Files\n      SubnetId: !Ref SubnetA\n      SecurityGroups: [!Ref EfsGroup]\n',
  '  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.13\n      VpcConfig:\n        SecurityGroupIds: [!Ref EfsGroup]\n        SubnetIds: [!Ref SubnetA]\n',
  open('DocGroup', 'FromPort: 27017\n          ToPort: 27017'),
  '  Docs:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      VpcSecurityGroupIds: [!Ref DocGroup]\n',
  open('CacheGroup', 'FromPort: 6379\n          ToPort: 6379'),
  '  Cache:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: cache\n      SecurityGroupIds: [!Ref CacheGroup]\n',
  // Also on an instance, which may have a public address: reported as before.
  open('MixedGroup', 'FromPort: 0\n          ToPort: 65535'),
  '  MountB:\n    Type: AWS::EFS::MountTarget\n    Properties:\n      FileSystemId: !Ref Files\n      SubnetId: !Ref SubnetB\n      SecurityGroups: [!Ref MixedGroup]\n',
  '  Box:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      SecurityGroupIds: [!Ref MixedGroup]\n',
  // Exported: another stack may attach it to anything.
  open('SharedGroup', 'FromPort: 6379\n          ToPort: 6379'),
  '  Cache2:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      CacheNodeType: cache.t3.micro\n      Engine: redis\n      NumCacheNodes: 1\n      VpcSecurityGroupIds: [!Ref SharedGroup]\n',
  'Outputs:\n  Shared:\n    Value: !Ref SharedGroup\n',
].join('');

describe('CloudFormation: ingress from anywhere to a security group whose listeners have no address outside the VPC', () => {
  const result = analyseFile('stack.yaml', template, () => {});
  const bySeverity = Object.fromEntries(
    result.findings.filter((f) => f.ruleId === 'iac/cfn-sg-open-to-internet').map((f) => [String((f.properties as { resource?: string }).resource).split(' ').pop(), f.severity]),
  );

  it('is low for EFS mount targets (beside functions), DocumentDB and ElastiCache: the internet cannot connect, the VPC can', () => {
    assert.equal(bySeverity.EfsGroup, 'low');
    assert.equal(bySeverity.DocGroup, 'low');
    assert.equal(bySeverity.CacheGroup, 'low');
    const message = result.findings.find((f) => String((f.properties as { resource?: string }).resource).endsWith('EfsGroup'))!.message;
    assert.match(message, /AWS::EFS::MountTarget MountA, has no address outside the VPC/);
  });

  it('keeps its severity when the group is also on an instance, or exported', () => {
    assert.equal(bySeverity.MixedGroup, 'critical');
    assert.equal(bySeverity.SharedGroup, 'high');
  });
});

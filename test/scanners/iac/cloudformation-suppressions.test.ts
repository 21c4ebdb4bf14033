import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { coveredBy, FOREIGN_CHECKS } from '../../../src/scanners/iac/cloudformation/suppression-map.js';
import { cloudformationPlatform } from '../../../src/scanners/iac/cloudformation/rules/index.js';
import { fixturePath } from '../../helpers/paths.js';

const text = readFileSync(fixturePath('iac', 'cfn-suppressions', 'template.yaml'), 'utf8');

function analyse(source: string) {
  const warnings: string[] = [];
  const result = analyseFile('stack.yaml', source, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
  const reported = result.findings.filter((f) => !f.inSourceSuppression);
  return {
    warnings,
    hits: reported.map((f) => `${f.ruleId}@${f.location.startLine}`).sort(),
    suppressed: result.findings.filter((f) => f.inSourceSuppression).map((f) => `${f.ruleId}@${f.location.startLine} ${f.inSourceSuppression}`).sort(),
  };
}

describe('CloudFormation: suppressions of cfn_nag, cfn-guard and checkov in resource Metadata', () => {
  it('reports the findings a mapped suppression covers, in its resource only, as suppressed with the tool, id and reason', () => {
    const { hits, warnings, suppressed } = analyse(text);
    // Bastion (W2) and Worker (guard EC2_IMDSV2_CHECK) are suppressed; Other is not.
    assert.ok(!hits.includes('iac/cfn-sg-open-to-internet@18'), hits.join(' '));
    assert.ok(!hits.includes('iac/cfn-imdsv1@37'), hits.join(' '));
    assert.ok(hits.includes('iac/cfn-imdsv1@45'), hits.join(' '));
    assert.ok(suppressed.includes('iac/cfn-sg-open-to-internet@18 cfn_nag W2 in the Metadata of Bastion: bastion host reached over SSH from anywhere'), suppressed.join('\n'));
    assert.ok(suppressed.includes('iac/cfn-imdsv1@37 cfn-guard EC2_IMDSV2_CHECK in the Metadata of Worker: no reason given'), suppressed.join('\n'));
    // W9 has no secloop counterpart: it neither hides anything nor warns.
    assert.ok(!warnings.some((w) => w.includes('W9')) && !suppressed.some((s) => s.includes('W9')), warnings.join('\n'));
  });

  it('a checkov id narrower than the secloop rule hides only its own case', () => {
    const { hits, suppressed } = analyse(text);
    assert.ok(!hits.includes('iac/cfn-sg-open-to-internet@32'), 'port 22 of Database is suppressed by CKV_AWS_24');
    assert.ok(hits.includes('iac/cfn-sg-open-to-internet@36'), 'port 5432 of Database stays');
    assert.ok(suppressed.some((s) => s.startsWith('iac/cfn-sg-open-to-internet@32 checkov CKV_AWS_24 in the Metadata of Database')), suppressed.join('\n'));
  });

  it('a malformed suppression list is a warning and suppresses nothing', () => {
    const { hits, warnings } = analyse(text);
    assert.ok(hits.includes('iac/cfn-kms-no-rotation@55'), hits.join(' '));
    assert.ok(warnings.some((w) => w.startsWith('53: cfn_nag rules_to_suppress of Broken is not a list')), warnings.join('\n'));
  });

  it('without Metadata suppressions the same resources are reported', () => {
    const plain = text.replace(/\n {4}Metadata:\n(?: {6,}.*\n)+/g, '\n');
    const { hits, warnings, suppressed } = analyse(plain);
    assert.deepEqual(suppressed, []);
    assert.deepEqual(
      hits.map((h) => h.replace(/@\d+$/, '')),
      // The two instances name no subnet nor security group: the default VPC's public subnets and default group.
      ['iac/cfn-ec2-default-security-group', 'iac/cfn-ec2-default-security-group', 'iac/cfn-ec2-public-ip', 'iac/cfn-ec2-public-ip', 'iac/cfn-imdsv1', 'iac/cfn-imdsv1', 'iac/cfn-kms-no-rotation', 'iac/cfn-sg-open-to-internet', 'iac/cfn-sg-open-to-internet', 'iac/cfn-sg-open-to-internet'],
    );
    assert.deepEqual(warnings, []);
  });

  it('honours the logging, versioning, public IP, backup and key checks of cfn-guard, cfn_nag and checkov, each on its own case', () => {
    const source = [
      'Resources:',
      '  ConfigBucket:',
      '    Type: AWS::S3::Bucket',
      '    Metadata:',
      '      guard:',
      '        SuppressedRules: [S3_BUCKET_VERSIONING_ENABLED, S3_BUCKET_LOGGING_ENABLED, S3_BUCKET_PUBLIC_READ_PROHIBITED]',
      '  SiteBucket:',
      '    Type: AWS::S3::Bucket',
      '    Metadata:',
      '      checkov:',
      '        skip: [{ id: CKV_AWS_18, comment: replica of a logged bucket }]',
      '    Properties:',
      '      VersioningConfiguration: { Status: Enabled }',
      '  Public:',
      '    Type: AWS::EC2::Subnet',
      '    Metadata:',
      '      cfn_nag:',
      '        rules_to_suppress: [{ id: W33, reason: public subnet of the load balancer }]',
      '    Properties:',
      '      VpcId: vpc-1',
      '      CidrBlock: 10.0.0.0/24',
      '      MapPublicIpOnLaunch: true',
      '  Sessions:',
      '    Type: AWS::DynamoDB::Table',
      '    Metadata:',
      '      guard:',
      '        SuppressedRules: [DYNAMODB_PITR_ENABLED]',
      '    Properties:',
      '      BillingMode: PAY_PER_REQUEST',
      '  Alerts:',
      '    Type: AWS::SNS::Topic',
      '    Metadata:',
      '      checkov:',
      '        skip: [{ id: CKV_AWS_26 }]',
      '  FnLogs:',
      '    Type: AWS::Logs::LogGroup',
      '    Metadata:',
      '      cfn_nag:',
      '        rules_to_suppress: [{ id: W84, reason: demonstration logs }]',
      '    Properties:',
      '      RetentionInDays: 7',
      '  ConfigInvoke:',
      '    Type: AWS::Lambda::Permission',
      '    Metadata:',
      '      guard:',
      '        SuppressedRules: [LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED]',
      '    Properties:',
      '      Action: lambda:InvokeFunction',
      '      FunctionName: !Ref Check',
      '      Principal: config.amazonaws.com',
      '  Classic:',
      '    Type: AWS::EC2::Instance',
      '    Metadata:',
      '      guard:',
      '        SuppressedRules: [EC2_INSTANCES_IN_VPC]',
      '    Properties:',
      '      ImageId: ami-12345678',
      '      SecurityGroupIds: [sg-1]',
      '      MetadataOptions: { HttpTokens: required }',
      '',
    ].join('\n');
    const { hits, suppressed } = analyse(source);
    assert.deepEqual(
      suppressed.map((s) => s.replace(/ in the Metadata.*$/, '')),
      [
        'iac/cfn-backups-disabled@23 cfn-guard DYNAMODB_PITR_ENABLED',
        'iac/cfn-ec2-public-ip@51 cfn-guard EC2_INSTANCES_IN_VPC',
        'iac/cfn-lambda-service-permission-unscoped@50 cfn-guard LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED',
        'iac/cfn-no-customer-managed-key@35 cfn_nag W84',
        'iac/cfn-s3-no-access-logging@2 cfn-guard S3_BUCKET_LOGGING_ENABLED',
        'iac/cfn-s3-no-access-logging@7 checkov CKV_AWS_18',
        'iac/cfn-s3-no-versioning@2 cfn-guard S3_BUCKET_VERSIONING_ENABLED',
        'iac/cfn-s3-public-access-block@2 cfn-guard S3_BUCKET_PUBLIC_READ_PROHIBITED',
        'iac/cfn-service-data-not-encrypted@30 checkov CKV_AWS_26',
        'iac/cfn-subnet-public-ip@22 cfn_nag W33',
      ],
    );
    // What the suppressions do not name stays: the site bucket's public access block.
    assert.deepEqual(hits, ['iac/cfn-s3-public-access-block@7']);
  });

  it('checkov CKV_AWS_31 covers a replication group without AUTH, not a serverless cache, nor the group\'s transit finding', () => {
    const source = [
      'Resources:',
      '  Sessions:',
      '    Type: AWS::ElastiCache::ReplicationGroup',
      '    Metadata:',
      '      checkov:',
      '        skip: [{ id: CKV_AWS_31, comment: private subnet, sessions only }]',
      '    Properties:',
      '      ReplicationGroupDescription: sessions',
      '      AtRestEncryptionEnabled: true',
      '      SnapshotRetentionLimit: 1',
      '  Cache:',
      '    Type: AWS::ElastiCache::ServerlessCache',
      '    Metadata:',
      '      checkov:',
      '        skip: [{ id: CKV_AWS_31 }]',
      '    Properties:',
      '      ServerlessCacheName: cache',
      '      Engine: valkey',
      '',
    ].join('\n');
    const { hits, suppressed } = analyse(source);
    assert.deepEqual(suppressed.map((s) => s.replace(/ in the Metadata.*$/, '')), ['iac/cfn-elasticache-no-auth@2 checkov CKV_AWS_31']);
    assert.deepEqual(hits, ['iac/cfn-elasticache-no-auth@11', 'iac/cfn-transit-not-encrypted@2']);
  });

  it('maps only to rules that exist', () => {
    const ids = new Set(cloudformationPlatform.rules.map((r) => r.id));
    for (const [tool, table] of Object.entries(FOREIGN_CHECKS)) for (const [id, covered] of Object.entries(table)) for (const c of covered) assert.ok(ids.has(c.rule), `${tool} ${id} -> ${c.rule}`);
    assert.deepEqual(coveredBy('checkov', 'toString'), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { NestedStacks } from '../../../src/scanners/iac/cloudformation/nested-stacks.js';
import { UNKNOWN } from '../../../src/scanners/iac/cloudformation/resolve.js';
import { tempTree } from '../../helpers/tmp.js';

const child = [
  "AWSTemplateFormatVersion: '2010-09-09'",
  'Parameters:',
  '  Public:',
  '    Type: String',
  "    Default: 'true'",
  '  DbCidr:',
  '    Type: String',
  '    Default: 0.0.0.0/0',
  '  SshCidr:',
  '    Type: String',
  '    Default: 0.0.0.0/0',
  '  AdminCidr:',
  '    Type: String',
  'Resources:',
  '  Db:',
  '    Type: AWS::RDS::DBInstance',
  '    Properties:',
  '      Engine: postgres',
  '      StorageEncrypted: true',
  '      PubliclyAccessible: !Ref Public',
  '  Sg:',
  '    Type: AWS::EC2::SecurityGroup',
  '    Properties:',
  '      GroupDescription: db',
  '      SecurityGroupIngress:',
  '        - IpProtocol: tcp',
  '          FromPort: 5432',
  '          ToPort: 5432',
  '          CidrIp: !Ref DbCidr',
  '        - IpProtocol: tcp',
  '          FromPort: 22',
  '          ToPort: 22',
  '          CidrIp: !Ref SshCidr',
  '        - IpProtocol: tcp',
  '          FromPort: 3389',
  '          ToPort: 3389',
  '          CidrIp: !Ref AdminCidr',
  '',
].join('\n');

const parent = (location: string, parameters: string[]) =>
  ["AWSTemplateFormatVersion: '2010-09-09'", 'Parameters:', '  Office:', '    Type: String', '    Default: 0.0.0.0/0', 'Resources:', '  Database:', '    Type: AWS::CloudFormation::Stack', '    Properties:', `      TemplateURL: ${location}`, '      Parameters:', ...parameters.map((p) => `        ${p}`), ''].join('\n');

async function findingsOf(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings
      .filter((f) => ['iac/cfn-publicly-accessible', 'iac/cfn-sg-open-to-internet'].includes(f.ruleId))
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId} ${f.message}`)
      .sort();
  } finally {
    t.cleanup();
  }
}

describe('CloudFormation nested stacks: a parent template passes the child its parameters', () => {
  it('judges a local child template with the values its parent passes, not its Defaults', async () => {
    const found = await findingsOf({ 'parent.yaml': parent('./stacks/db.yaml', ["Public: 'false'", 'DbCidr: 10.0.0.0/16', 'AdminCidr: !Ref Office']), 'stacks/db.yaml': child });
    assert.deepEqual(found, [
      'stacks/db.yaml:33 iac/cfn-sg-open-to-internet AWS::EC2::SecurityGroup Sg opens 22/tcp (SSH) to 0.0.0.0/0 (the Default of parameter SshCidr).',
      'stacks/db.yaml:37 iac/cfn-sg-open-to-internet AWS::EC2::SecurityGroup Sg opens 3389/tcp (Remote Desktop (RDP)) to 0.0.0.0/0 (parameter AdminCidr, as parent.yaml passes it).',
    ]);
  });

  it('keeps the Defaults when no template of the scan deploys the child, or deploys it from S3', async () => {
    const alone = await findingsOf({ 'stacks/db.yaml': child });
    const fromS3 = await findingsOf({ 'parent.yaml': parent('https://example-bucket.s3.amazonaws.com/db.yaml', ["Public: 'false'"]), 'stacks/db.yaml': child });
    for (const found of [alone, fromS3]) {
      assert.deepEqual(
        found.map((f) => f.split(' ').slice(0, 2).join(' ')),
        ['stacks/db.yaml:20 iac/cfn-publicly-accessible', 'stacks/db.yaml:29 iac/cfn-sg-open-to-internet', 'stacks/db.yaml:33 iac/cfn-sg-open-to-internet'],
      );
    }
  });

  it('reads a value two parents disagree on, or one that cannot be known, as unknown', async () => {
    const found = await findingsOf({
      'a.yaml': parent('stacks/db.yaml', ["Public: 'true'", 'DbCidr: !GetAtt Vpc.CidrBlock']),
      'b.yaml': parent('stacks/db.yaml', ["Public: 'false'", 'DbCidr: !GetAtt Vpc.CidrBlock']),
      'stacks/db.yaml': child,
    });
    assert.deepEqual(
      found.map((f) => f.split(' ').slice(0, 2).join(' ')),
      ['stacks/db.yaml:33 iac/cfn-sg-open-to-internet'],
    );
  });
});

describe('NestedStacks', () => {
  const stacks = (files: Record<string, string>) => {
    const nested = new NestedStacks(new Set(Object.keys(files)));
    for (const [path, text] of Object.entries(files)) nested.visit(path, text);
    return nested;
  };

  it('follows SAM applications with a local Location, and the parent parameter defaults passed on', () => {
    const sam = ['Transform: AWS::Serverless-2016-10-31', 'Parameters:', '  Stage:', '    Type: String', '    Default: prod', 'Resources:', '  App:', '    Type: AWS::Serverless::Application', '    Properties:', '      Location: ../apps/child.yaml', '      Parameters:', '        Stage: !Ref Stage', '        Bucket: !Ref Storage', ''].join('\n');
    const passed = stacks({ 'sam/template.yaml': sam, 'apps/child.yaml': 'Resources: {}\n' }).passedTo('apps/child.yaml');
    assert.ok(passed);
    assert.deepEqual(passed('Stage'), { value: 'prod', parents: ['sam/template.yaml'] });
    assert.equal(passed('Bucket')?.value, UNKNOWN);
    assert.equal(passed('Other'), undefined);
  });

  it('makes every parameter unknown when the parent builds its Parameters with a function, and a parent that leaves one out keeps the Default only if all do', () => {
    const built = parent('./c.yaml', []).replace('      Parameters:\n', '      Parameters: !If [Prod, {}, {}]\n');
    const passed = stacks({ 'p.yaml': built, 'c.yaml': 'Resources: {}\n' }).passedTo('c.yaml');
    assert.equal(passed?.('Anything')?.value, UNKNOWN);
    const mixed = stacks({ 'a.yaml': parent('./c.yaml', ['Public: x']), 'b.yaml': parent('./c.yaml', ['Other: y']), 'c.yaml': 'Resources: {}\n' }).passedTo('c.yaml');
    assert.equal(mixed?.('Public')?.value, UNKNOWN);
    assert.equal(mixed?.('Nothing'), undefined);
  });

  it('never reaches outside the scan, and ignores S3 addresses', () => {
    const nested = stacks({ 'p.yaml': parent('../../etc/c.yaml', ['A: b']), 'q.yaml': parent('s3://bucket/c.yaml', ['A: b']), 'c.yaml': 'Resources: {}\n' });
    assert.equal(nested.passedTo('c.yaml'), undefined);
  });
});

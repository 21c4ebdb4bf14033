import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classify, wantsPath } from '../../../src/scanners/iac/detect.js';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { bool, condition, UNKNOWN, value } from '../../../src/scanners/iac/cloudformation/resolve.js';
import { parseTemplate } from '../../../src/scanners/iac/cloudformation/template.js';
import { get } from '../../../src/scanners/iac/yaml/tree.js';
import { fixturePath } from '../../helpers/paths.js';

const fixture = (name: string) => readFileSync(fixturePath('iac', 'cloudformation', name), 'utf8');

function analyse(path: string, text: string) {
  const warnings: string[] = [];
  const result = analyseFile(path, text, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
  return { ...result, warnings, hits: result.findings.map((f) => `${f.ruleId}@${f.location.startLine}`).sort() };
}

function parse(text: string) {
  const warnings: string[] = [];
  const template = parseTemplate(text, (line, message) => warnings.push(`${line}: ${message}`));
  return { template, warnings };
}

describe('CloudFormation detection', () => {
  it('recognises templates by their top-level keys, in YAML, JSON and .template files', () => {
    assert.equal(classify('infra/stack.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n'), 'cloudformation');
    assert.equal(classify('template.yml', 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n'), 'cloudformation');
    assert.equal(classify('bucket.yaml', 'Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n'), 'cloudformation');
    assert.equal(classify('cdk.out/App.template.json', '{\n  "Resources": {\n    "B": { "Type": "AWS::S3::Bucket" }\n  }\n}\n'), 'cloudformation');
    assert.equal(classify('vpc.template', '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}'), 'cloudformation');
    assert.equal(classify('vpc.template', 'Resources:\n  V:\n    Type: AWS::EC2::VPC\n'), 'cloudformation');
    assert.ok(wantsPath('stacks/vpc.template'));
    assert.equal(classify('notes.template', 'Hello {{ name }}\n'), undefined);
  });

  it('recognises a template whose top-level mapping is indented (valid YAML), after comments and a document marker', () => {
    assert.equal(classify('stack.yaml', ' Resources:\n  Web:\n      Type: AWS::EC2::Instance\n'), 'cloudformation');
    assert.equal(classify('stack.yaml', '# stack\n---\n  AWSTemplateFormatVersion: "2010-09-09"\n  Resources: {}\n'), 'cloudformation');
    // A Resources key nested under another key is not the top level.
    assert.equal(classify('values.yaml', 'app:\n  Resources:\n    Web:\n      Type: AWS::EC2::Instance\n'), undefined);
  });

  it('holds a Kubernetes manifest inside a template without becoming Kubernetes', () => {
    const text = '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "M": {\n      "Type": "AWS::EKS::Cluster",\n      "Properties": {"Manifest": {"apiVersion": "v1", "kind": "ConfigMap"}}\n    }\n  }\n}\n';
    assert.equal(classify('eks.json', text), 'cloudformation');
  });

  it('does not take Kubernetes, compose, workflows or other YAML', () => {
    assert.equal(classify('deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws\ndata:\n  Type: AWS::S3::Bucket\n'), 'kubernetes');
    assert.equal(classify('docker-compose.yml', 'services:\n  web:\n    image: nginx\n'), 'compose');
    assert.equal(classify('.github/workflows/ci.yml', 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n'), 'github-actions');
    assert.equal(classify('config.yaml', 'Resources:\n  cpu: 2\n  memory: 4Gi\n'), undefined);
    assert.equal(classify('package.json', '{"name": "x", "Resources": {}}'), undefined);
  });
});

describe('CloudFormation parsing', () => {
  it('turns short-form tags into the long form on the lines they are written', () => {
    const { template, warnings } = parse('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "${AWS::StackName}-logs"\n      Tags:\n        - Key: arn\n          Value: !GetAtt Role.Arn\n');
    assert.deepEqual(warnings, []);
    const r = template!.resources[0]!;
    assert.equal(r.id, 'B');
    assert.equal(r.line, 2);
    const name = get(r.properties, 'BucketName');
    assert.equal(name?.kind, 'map');
    assert.equal(name?.line, 5);
    assert.ok(get(name, 'Fn::Sub'));
    const tags = get(r.properties, 'Tags');
    const arn = tags?.kind === 'seq' ? get(tags.items[0], 'Value', 'Fn::GetAtt') : undefined;
    assert.deepEqual(arn?.kind === 'seq' ? arn.items.map((i) => (i.kind === 'scalar' ? i.value : null)) : arn, ['Role', 'Arn']);
    assert.equal(arn?.line, 8);
  });

  it('resolves parameters, Fn::Sub, Fn::Join, Fn::Select and constant conditions; unknown stays unknown', () => {
    const { template } = parse(
      [
        'Parameters:',
        '  Env: { Type: String, Default: prod }',
        '  Open: { Type: String }',
        'Conditions:',
        '  IsProd: !Equals [!Ref Env, prod]',
        '  IsOpen: !Equals [!Ref Open, "yes"]',
        'Resources:',
        '  X:',
        '    Type: AWS::SNS::Topic',
        '    Properties:',
        '      A: !Sub "${Env}-topic"',
        '      B: !Join ["-", [a, !Ref Env]]',
        '      C: !Select [1, [x, y]]',
        '      D: !If [IsProd, true, false]',
        '      E: !If [IsOpen, true, false]',
        '      F: !Ref Open',
        '      G: !Sub "${AWS::Region}-x"',
        '      H: !Ref AWS::NoValue',
        '      I: !Sub ["${Name}-q", { Name: queue }]',
        '',
      ].join('\n'),
      );
    const t = template!;
    const p = (key: string) => get(t.resources[0]!.properties, key);
    assert.equal(value(t, p('A')), 'prod-topic');
    assert.equal(value(t, p('B')), 'a-prod');
    assert.equal(value(t, p('C')), 'y');
    assert.equal(bool(t, p('D')), true);
    assert.equal(bool(t, p('E')), UNKNOWN);
    assert.equal(value(t, p('F')), UNKNOWN);
    assert.equal(value(t, p('G')), UNKNOWN);
    assert.equal(value(t, p('H')), undefined);
    assert.equal(value(t, p('I')), 'queue-q');
    assert.equal(condition(t, get(get(t.resources[0]!.properties, 'D'), 'Fn::If')), UNKNOWN);
  });

  it('reports invalid YAML and JSON with a line, and does not throw', () => {
    const yamlResult = analyse('bad.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n     Properties: [\n');
    assert.equal(yamlResult.platform, 'cloudformation');
    assert.ok(yamlResult.warnings.some((w) => /^\d+: invalid YAML/.test(w)), yamlResult.warnings.join('\n'));
    const jsonResult = analyse('bad.json', '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "B": { "Type": "AWS::S3::Bucket", }\n  \n');
    assert.equal(jsonResult.platform, 'cloudformation');
    assert.ok(jsonResult.warnings.some((w) => /^[2-9]: invalid JSON/.test(w)), jsonResult.warnings.join('\n'));
    const twoDocuments = analyse('two.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n---\nResources: {}\n');
    assert.deepEqual(twoDocuments.warnings, ['5: holds more than one YAML document; CloudFormation reads a template as one document, so this file is not analysed']);
  });

  it('says once that a template of a project generator (cookiecutter) is a template, and keeps dynamic references as the template\'s own syntax', () => {
    const generated = analyse(
      '{{cookiecutter.project_name}}/template.yaml',
      'Transform: AWS::Serverless-2016-10-31\nDescription: >\n  {{ cookiecutter.project_name }}\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      {%- if cookiecutter.arm %}\n      Architectures: [arm64]\n      {%- endif %}\n    Metadata:\n      DockerTag: {{cookiecutter.runtime}}-v1\n',
    );
    assert.equal(generated.platform, 'cloudformation');
    assert.equal(generated.warnings.length, 1, generated.warnings.join('\n'));
    assert.match(generated.warnings[0]!, /^9: holds template syntax \(\{\{ \.\.\. \}\}\) and is not valid YAML as written/);
    // A template that parses, read the PyYAML way, is no template of a generator for a {{ }} in a script it embeds.
    const embedded = analyse(
      'stack.yaml',
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      UserData: !Base64 |\n        echo "Hello {{name}}" > /var/www/index.mustache\n  Queue:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n      PolicyDocument: !Sub \'{\n          "Statement": []\n      }\'\n',
    );
    assert.deepEqual(embedded.warnings, ['13: a quoted string continues on lines indented no deeper than its key, which YAML 1.2 forbids; read as go-yaml, PyYAML and CloudFormation read it']);
    assert.ok(embedded.hits.includes('iac/cfn-imdsv1@2'), embedded.hits.join(' '));
    const resolved = analyse('db.yaml', 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: "{{resolve:secretsmanager:db:SecretString:password}}"\n     Engine: [\n');
    assert.ok(resolved.warnings.some((w) => /^\d+: invalid YAML/.test(w)), resolved.warnings.join('\n'));
  });

  it('reads a flow collection continued at its key\'s indentation, as CloudFormation (PyYAML) does', () => {
    const result = analyse(
      'under.yaml',
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Open:',
        '    Type: AWS::EC2::SecurityGroup',
        '    Properties:',
        '      GroupDescription: open',
        '      SecurityGroupIngress: [{',
        '      IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0',
        '      }]',
        '',
      ].join('\n'),
    );
    assert.equal(result.warnings.length, 1, result.warnings.join('\n'));
    assert.match(result.warnings[0]!, /^8: a flow collection .* read as go-yaml, PyYAML and CloudFormation read it$/);
    assert.ok(result.hits.some((h) => h.startsWith('iac/cfn-sg-open-to-internet@')), result.hits.join(' '));
  });

  it('stops on alias bombs and parameters that reference each other', () => {
    const bomb = ['AWSTemplateFormatVersion: "2010-09-09"', 'Metadata:', '  a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`  ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    bomb.push('Resources:', '  B:', '    Type: AWS::S3::Bucket', '');
    const result = analyse('bomb.yaml', bomb.join('\n'));
    assert.ok(result.warnings.some((w) => /alias bomb/.test(w)), result.warnings.join('\n'));

    const chain = ['Parameters:', '  P0: { Type: String, Default: "0.0.0.0/0" }'];
    for (let i = 1; i < 40; i++) chain.push(`  P${i}: { Type: String, Default: !Join ["", [!Ref P${i - 1}, !Ref P${i - 1}]] }`);
    chain.push('Resources:', '  G:', '    Type: AWS::EC2::SecurityGroupIngress', '    Properties:', '      IpProtocol: "-1"', '      CidrIp: !Ref P39', '');
    const chained = analyse('chain.yaml', chain.join('\n'));
    assert.deepEqual(chained.hits, []);
    // P39 would be 2^39 copies of P0: the resolution stops when its steps run out, and the value is unknown.
    const { template } = parse(chain.join('\n'));
    const steps = { steps: 5000 };
    assert.equal(value(template!, get(template!.resources[0]!.properties, 'CidrIp'), 0, steps), UNKNOWN);
    assert.ok(steps.steps < 0, `${steps.steps} steps left`);
  });
});

describe('CloudFormation rules on whole templates', () => {
  it('reports the lines of bad values, through parameters and conditions', () => {
    const result = analyse('stack.yaml', fixture('stack.yaml'));
    assert.deepEqual(result.warnings, []);
    // The database also accepts only passwords and exports no logs, and the bucket keeps no access log nor versions (the Terraform rules' judgments too).
    // The function's nodejs20.x is a runtime AWS deprecated on 2026-04-30.
    assert.deepEqual(result.hits, ['iac/cfn-database-not-encrypted@30', 'iac/cfn-db-no-iam-auth@26', 'iac/cfn-lambda-deprecated-runtime@35', 'iac/cfn-lambda-url-no-auth@37', 'iac/cfn-s3-no-access-logging@22', 'iac/cfn-s3-no-versioning@22', 'iac/cfn-s3-public-access-block@22', 'iac/cfn-service-logs-not-exported@26', 'iac/cfn-sg-open-to-internet@21']);
  });

  it('checks the resources of Fn::ForEach loops (AWS::LanguageExtensions) as written, with the loop item unknown', () => {
    const text = [
      'Transform: AWS::LanguageExtensions',
      'Conditions:',
      '  Never: !Equals [a, b]',
      'Resources:',
      '  Fn::ForEach::Tables:',
      '    - TableName',
      '    - [Points, Score]',
      '    - DynamoDB${TableName}:',
      '        Type: AWS::DynamoDB::Table',
      '        Properties:',
      '          TableName: !Ref TableName',
      '          SSESpecification: { SSEEnabled: !Ref TableName }',
      '      Fn::ForEach::Ports:',
      '        - Port',
      '        - ["22", "443"]',
      '        - Open${Port}${TableName}:',
      '            Type: AWS::EC2::SecurityGroupIngress',
      '            Properties:',
      '              GroupId: sg-1',
      '              IpProtocol: !If [Never, tcp, "-1"]',
      '              FromPort: !Ref Port',
      '              ToPort: !Ref Port',
      '              CidrIp: 0.0.0.0/0',
      '  Fn::ForEach::Nothing:',
      '    - Name',
      '    - []',
      '    - Queue${Name}:',
      '        Type: AWS::SNS::Topic',
      '',
    ].join('\n');
    const result = analyse('loops.yaml', text);
    assert.deepEqual(result.warnings, []);
    // The table has no point-in-time recovery, and the inner loop's rules accept all traffic from anywhere; the
    // table's encryption setting, read from the item, is unknown and judges nothing.
    assert.deepEqual(result.hits, ['iac/cfn-backups-disabled@8', 'iac/cfn-sg-open-to-internet@23']);
    assert.deepEqual(result.findings.map((f) => f.message).sort(), [
      'AWS::DynamoDB::Table DynamoDB${TableName} has no point-in-time recovery: set PointInTimeRecoverySpecification PointInTimeRecoveryEnabled: true.',
      'AWS::EC2::SecurityGroupIngress Open${Port}${TableName} accepts every protocol and port from 0.0.0.0/0.',
    ]);
  });

  it('reads JSON templates with their lines', () => {
    const result = analyse('stack.json', fixture('stack.json'));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.hits, ['iac/cfn-cloudtrail-logging-disabled@7', 'iac/cfn-iam-full-admin@17']);
    const admin = result.findings.find((f) => f.ruleId === 'iac/cfn-iam-full-admin')!;
    assert.equal(admin.location.endLine, 19);
  });

  it('reports a missing property on the logical id', () => {
    const result = analyse('v.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 10\n');
    assert.deepEqual(result.hits, ['iac/cfn-ebs-not-encrypted@3']);
  });
});

describe('CloudFormation service encryption and exposure rules', () => {
  it('reports services that store data unencrypted by default on the logical id, and leaves encrypted-by-default ones alone', () => {
    const text = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Resources:',
      '  Clicks:',
      '    Type: AWS::Kinesis::Stream',
      '    Properties:',
      '      ShardCount: 1',
      '  Shared:',
      '    Type: AWS::EFS::FileSystem',
      '  Sessions:',
      '    Type: AWS::ElastiCache::ReplicationGroup',
      '    Properties:',
      '      ReplicationGroupDescription: sessions',
      '  Jobs:',
      '    Type: AWS::SQS::Queue',
      '  Events:',
      '    Type: AWS::MSK::Cluster',
      '    Properties:',
      '      ClusterName: events',
      '  Cache:',
      '    Type: AWS::ElastiCache::ReplicationGroup',
      '    Properties:',
      '      ReplicationGroupDescription: memcached is not a replication group engine',
      '      Engine: memcached',
      '',
    ].join('\n');
    const result = analyse('services.yaml', text);
    assert.deepEqual(result.warnings, []);
    // The group without AUTH is also cfn-elasticache-no-auth's; the Memcached one is no one's.
    assert.deepEqual(result.hits, ['iac/cfn-backups-disabled@9', 'iac/cfn-elasticache-no-auth@9', 'iac/cfn-service-data-not-encrypted@3', 'iac/cfn-service-data-not-encrypted@7', 'iac/cfn-service-data-not-encrypted@9', 'iac/cfn-transit-not-encrypted@9']);
  });

  it('follows parameters to the bad value and stays quiet on values it cannot know', () => {
    const text = [
      'Parameters:',
      '  Https:',
      '    Type: String',
      '    Default: "false"',
      '  Encrypt:',
      '    Type: String',
      'Conditions:',
      '  Prod: !Equals [!Ref Env, prod]',
      'Resources:',
      '  Search:',
      '    Type: AWS::OpenSearchService::Domain',
      '    Properties:',
      '      EncryptionAtRestOptions: { Enabled: true }',
      '      NodeToNodeEncryptionOptions:',
      '        Enabled: !If [Prod, true, false]',
      '      DomainEndpointOptions:',
      '        EnforceHTTPS: !Ref Https',
      '  Shared:',
      '    Type: AWS::EFS::FileSystem',
      '    Properties:',
      '      Encrypted: !Ref Encrypt',
      '',
    ].join('\n');
    // The domain's key, fine-grained access control and logs are other rules' findings, on lines that are known.
    assert.deepEqual(analyse('search.yaml', text).hits, ['iac/cfn-no-customer-managed-key@13', 'iac/cfn-search-no-fine-grained-access@10', 'iac/cfn-service-logs-not-exported@10', 'iac/cfn-transit-not-encrypted@17']);
  });

  it('reads the comma-separated Default of a list parameter as its list; an empty one is not known', () => {
    const text = [
      'Parameters:',
      '  ApiCidrs:',
      '    Type: CommaDelimitedList',
      '    Default: "10.0.0.0/8, 0.0.0.0/0"',
      '  AdminCidrs:',
      '    Type: CommaDelimitedList',
      '    Default: 0.0.0.0/0',
      '  OfficeCidrs:',
      '    Type: CommaDelimitedList',
      '    Default: ""',
      'Resources:',
      '  Cluster:',
      '    Type: AWS::EKS::Cluster',
      '    Properties:',
      '      RoleArn: !GetAtt ClusterRole.Arn',
      '      ResourcesVpcConfig:',
      '        SubnetIds: [subnet-1]',
      '        PublicAccessCidrs: !Ref ApiCidrs',
      '  Office:',
      '    Type: AWS::EKS::Cluster',
      '    Properties:',
      '      RoleArn: !GetAtt ClusterRole.Arn',
      '      ResourcesVpcConfig:',
      '        SubnetIds: [subnet-1]',
      '        PublicAccessCidrs: !Ref OfficeCidrs',
      '  Admin:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      GroupDescription: admin',
      '      SecurityGroupIngress:',
      '        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Select [0, !Ref AdminCidrs] }',
      '',
    ].join('\n');
    assert.deepEqual(
      analyse('lists.yaml', text).hits.filter((h) => /eks-public-endpoint|sg-open-to-internet/.test(h)),
      ['iac/cfn-eks-public-endpoint@18', 'iac/cfn-sg-open-to-internet@31'],
    );
  });

  it('gives the lower severity to WorkSpaces root volumes and API caches', () => {
    const text = 'Resources:\n  Desk:\n    Type: AWS::WorkSpaces::Workspace\n    Properties:\n      UserVolumeEncryptionEnabled: true\n  Api:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      StageDescription:\n        CachingEnabled: true\n';
    const result = analyse('low.yaml', text);
    assert.deepEqual(result.hits, ['iac/cfn-service-data-not-encrypted@2', 'iac/cfn-service-data-not-encrypted@9']);
    assert.deepEqual(result.findings.map((f) => f.severity), ['low', 'low']);
  });

  it('reports cfn-init credentials on their keys without printing a literal one', () => {
    const text = 'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n      AWS::CloudFormation::Authentication:\n        Artifacts:\n          type: S3\n          accessKeyId: abc123-key-id-0000\n    Properties:\n      ImageId: ami-12345678\n      MetadataOptions:\n        HttpTokens: required\n';
    const result = analyse('init.yaml', text);
    // The instance names no subnet nor security group: the default VPC's public subnets and default group (other rules).
    assert.deepEqual(result.hits, ['iac/cfn-ec2-default-security-group@2', 'iac/cfn-ec2-public-ip@2', 'iac/cfn-init-static-credentials@8']);
    assert.ok(!JSON.stringify(result.findings).includes('abc123-key-id-0000'));
  });
});

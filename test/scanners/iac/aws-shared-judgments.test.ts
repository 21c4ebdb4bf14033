import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { lines, linesOf, messagesOf } from '../../helpers/iac-lines.js';

describe('AWS judgments shared by the Terraform and CloudFormation rules', () => {
  describe('a bucket policy that delegates access control to S3 access points', () => {
    const tfDocument = (test: string, variable: string, value: string) =>
      lines(
        'resource "aws_s3_bucket_policy" "data" {',
        '  bucket = aws_s3_bucket.data.id',
        '  policy = data.aws_iam_policy_document.delegate.json',
        '}',
        '',
        'data "aws_iam_policy_document" "delegate" {',
        '  statement {',
        '    actions   = ["s3:*"]',
        '    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]',
        '    principals {',
        '      type        = "AWS"',
        '      identifiers = ["*"]',
        '    }',
        '    condition {',
        `      test     = "${test}"`,
        `      variable = "${variable}"`,
        `      values   = [${value}]`,
        '    }',
        '  }',
        '}',
      );
    const cfn = (operator: string, key: string, value: string) =>
      lines(
        'Resources:',
        '  Policy:',
        '    Type: AWS::S3::BucketPolicy',
        '    Properties:',
        '      Bucket: !Ref Data',
        '      PolicyDocument:',
        '        Statement:',
        '          - Effect: Allow',
        '            Principal: "*"',
        '            Action: "*"',
        '            Resource: [!GetAtt Data.Arn, !Sub "${Data.Arn}/*"]',
        '            Condition:',
        `              ${operator}:`,
        `                ${key}: ${value}`,
      );

    it('Terraform: not all actions, nor public, when it names the account or an access point', () => {
      const account = tfDocument('StringEquals', 's3:DataAccessPointAccount', 'data.aws_caller_identity.current.account_id');
      const arn = tfDocument('ArnEquals', 's3:DataAccessPointArn', '"arn:aws:s3:eu-west-1:123456789012:accesspoint/reports"');
      for (const text of [account, arn]) {
        assert.deepEqual(linesOf('iac/tf-aws-resource-policy-all-actions', text), []);
        assert.deepEqual(linesOf('iac/tf-aws-policy-public-principal', text), []);
      }
    });

    it('Terraform: a wildcard account admits the access points of every account (reported where the bucket policy applies the document)', () => {
      const any = tfDocument('StringLike', 's3:DataAccessPointAccount', '"*"');
      assert.deepEqual(linesOf('iac/tf-aws-resource-policy-all-actions', any), [3]);
      assert.deepEqual(linesOf('iac/tf-aws-policy-public-principal', any), [3]);
    });

    it('CloudFormation: the same judgments', () => {
      assert.deepEqual(linesOf('iac/cfn-resource-policy-all-actions', cfn('StringEquals', 's3:DataAccessPointAccount', '!Ref AWS::AccountId'), 'stack.yaml'), []);
      const arn = cfn('ArnLike', 's3:DataAccessPointArn', 'arn:aws:s3:eu-west-1:123456789012:accesspoint/*');
      assert.deepEqual(linesOf('iac/cfn-resource-policy-all-actions', arn, 'stack.yaml'), []);
      assert.deepEqual(linesOf('iac/cfn-policy-public-principal', arn, 'stack.yaml'), []);
      const any = cfn('StringLike', 's3:DataAccessPointAccount', '"*"');
      assert.deepEqual(linesOf('iac/cfn-resource-policy-all-actions', any, 'stack.yaml'), [6]);
    });
  });

  describe('the TLS protocols of a CloudFront origin reached over HTTP only', () => {
    const tf = (policy: string) =>
      lines(
        'resource "aws_cloudfront_distribution" "cdn" {',
        '  enabled = true',
        '  origin {',
        '    origin_id   = "site"',
        '    domain_name = "site.example.org"',
        '    custom_origin_config {',
        '      http_port              = 80',
        '      https_port             = 443',
        `      origin_protocol_policy = "${policy}"`,
        '      origin_ssl_protocols   = ["TLSv1", "TLSv1.1", "TLSv1.2"]',
        '    }',
        '  }',
        '}',
      );

    it('Terraform: an http-only origin is the origin-http finding, not an outdated-TLS one', () => {
      assert.deepEqual(linesOf('iac/tf-aws-tls-outdated', tf('http-only')), []);
      assert.deepEqual(linesOf('iac/tf-aws-cloudfront-origin-http', tf('http-only')), [9]);
      assert.deepEqual(linesOf('iac/tf-aws-tls-outdated', tf('match-viewer')), [10]);
      assert.deepEqual(linesOf('iac/tf-aws-tls-outdated', tf('https-only')), [10]);
    });
  });

  describe('Firehose server-side encryption, for Direct PUT streams only', () => {
    const stream = (source: string[]) =>
      lines('resource "aws_kinesis_firehose_delivery_stream" "events" {', '  name        = "events"', '  destination = "extended_s3"', ...source, '}');

    it('Terraform: a stream fed by MSK or Kinesis is not asked for it; a Direct PUT one is', () => {
      const msk = ['  msk_source_configuration {', '    msk_cluster_arn = aws_msk_cluster.events.arn', '    topic_name      = "events"', '  }'];
      const kinesis = ['  kinesis_source_configuration {', '    kinesis_stream_arn = aws_kinesis_stream.events.arn', '    role_arn           = aws_iam_role.firehose.arn', '  }'];
      assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream(msk)), []);
      assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream(kinesis)), []);
      assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream([])), [1]);
    });
  });

  describe('S3 default encryption and the key of a bucket', () => {
    const tf = (defaults: string[]) =>
      lines(
        'resource "aws_s3_bucket" "reports" {',
        '  bucket = "reports"',
        '}',
        '',
        'resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {',
        '  bucket = aws_s3_bucket.reports.id',
        '  rule {',
        '    apply_server_side_encryption_by_default {',
        ...defaults,
        '    }',
        '  }',
        '}',
      );
    const cfn = (defaults: string[]) =>
      lines(
        'Resources:',
        '  Reports:',
        '    Type: AWS::S3::Bucket',
        '    Properties:',
        '      BucketEncryption:',
        '        ServerSideEncryptionConfiguration:',
        '          - ServerSideEncryptionByDefault:',
        ...defaults,
      );
    const s3Findings = (path: string, source: string) =>
      analyseFile(path, source, () => {})
        .findings.filter((f) => /encrypt|customer-managed-key/.test(f.ruleId))
        .map((f) => `${f.ruleId}@${f.location.startLine}`);

    it('a bucket on S3-managed keys is reported by neither platform: S3 encrypts every new object by default', () => {
      assert.deepEqual(s3Findings('main.tf', 'resource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n}\n'), []);
      assert.deepEqual(s3Findings('main.tf', tf(['      sse_algorithm = "AES256"'])), []);
      assert.deepEqual(s3Findings('stack.yaml', 'Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n'), []);
      assert.deepEqual(s3Findings('stack.yaml', cfn(['              SSEAlgorithm: AES256'])), []);
    });

    it('a bucket that asks for SSE-KMS without a key of its own is a customer-managed-key finding on both', () => {
      assert.deepEqual(s3Findings('main.tf', tf(['      sse_algorithm = "aws:kms"'])), ['iac/tf-aws-no-customer-managed-key@8']);
      assert.deepEqual(s3Findings('stack.yaml', cfn(['              SSEAlgorithm: aws:kms'])), ['iac/cfn-no-customer-managed-key@7']);
      assert.deepEqual(s3Findings('main.tf', tf(['      sse_algorithm     = "aws:kms:dsse"', '      kms_master_key_id = "alias/aws/s3"'])), ['iac/tf-aws-no-customer-managed-key@10']);
      assert.deepEqual(s3Findings('stack.yaml', cfn(['              SSEAlgorithm: aws:kms', '              KMSMasterKeyID: alias/aws/s3'])), ['iac/cfn-no-customer-managed-key@9']);
      assert.deepEqual(s3Findings('main.tf', tf(['      sse_algorithm     = "aws:kms"', '      kms_master_key_id = aws_kms_key.reports.arn'])), []);
      assert.deepEqual(s3Findings('stack.yaml', cfn(['              SSEAlgorithm: aws:kms', '              KMSMasterKeyID: !GetAtt ReportsKey.Arn'])), []);
    });
  });
});

describe('a workload role with several privileged grants is named by the strongest', () => {
  it('CloudFormation: IAMFullAccess before one iam: action of an inline policy', () => {
    const template = lines(
      'Resources:',
      '  Web:',
      '    Type: AWS::EC2::Instance',
      '    Properties:',
      '      ImageId: ami-12345678',
      '      IamInstanceProfile: !Ref WebProfile',
      '  WebProfile:',
      '    Type: AWS::IAM::InstanceProfile',
      '    Properties:',
      '      Roles: [!Ref WebRole]',
      '  WebRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      Policies:',
      '        - PolicyName: attach',
      '          PolicyDocument:',
      '            Statement:',
      '              - Effect: Allow',
      '                Action: iam:AttachRolePolicy',
      '                Resource: "*"',
      '      ManagedPolicyArns:',
      '        - arn:aws:iam::aws:policy/IAMFullAccess',
    );
    assert.deepEqual(messagesOf('iac/cfn-workload-privileged-role', template, 'stack.yaml'), [
      'AWS::EC2::Instance Web gives the software on the instance AWS::IAM::Role WebRole, which has full control of IAM (IAMFullAccess) through ManagedPolicyArns and 1 more.',
    ]);
  });

  it('Terraform: AdministratorAccess before an inline iam: action', () => {
    const source = lines(
      'resource "aws_lambda_function" "fn" {',
      '  function_name = "fn"',
      '  role          = aws_iam_role.fn.arn',
      '}',
      'resource "aws_iam_role" "fn" {',
      '  name = "fn"',
      '  inline_policy {',
      '    name   = "attach"',
      '    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:AttachRolePolicy", Resource = "*" }] })',
      '  }',
      '  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]',
      '}',
    );
    const found = messagesOf('iac/tf-aws-workload-privileged-role', source);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /which has administrator access \(AdministratorAccess\) through aws_iam_role\.fn managed_policy_arns and 1 more\.$/);
  });
});

describe('CloudFormation: a managed policy ARN is read alike by the rules that judge it', () => {
  // One reading (managedPolicyArn, cloudformation/policy.ts): a Fn::Join with a part other than
  // literals and Ref AWS::Partition is read through the template's values (a parameter's default).
  const template = (arn: string) =>
    lines(
      'Parameters:',
      '  Policy:',
      '    Type: String',
      '    Default: AdministratorAccess',
      'Resources:',
      '  Fn:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Handler: index.handler',
      '      Runtime: nodejs20.x',
      '      Role: !GetAtt FnRole.Arn',
      '  FnRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      ManagedPolicyArns:',
      `        - ${arn}`,
    );
  for (const arn of [
    '!Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess',
    "!Join ['', ['arn:', !Ref AWS::Partition, ':iam::aws:policy/AdministratorAccess']]",
    "!Join ['', ['arn:aws:iam::aws:policy/', !Ref Policy]]",
  ]) {
    it(arn, () => {
      assert.deepEqual(linesOf('iac/cfn-iam-full-admin', template(arn), 'stack.yaml'), [16]);
      assert.deepEqual(linesOf('iac/cfn-workload-privileged-role', template(arn), 'stack.yaml'), [11]);
    });
  }
});

describe('a REST API method that requires only an API key', () => {
  const tf = (key: string) => lines('resource "aws_api_gateway_method" "orders" {', '  rest_api_id   = aws_api_gateway_rest_api.shop.id', '  resource_id   = aws_api_gateway_resource.orders.id', '  http_method   = "GET"', '  authorization = "NONE"', ...(key ? [`  api_key_required = ${key}`] : []), '}');
  const cfn = (key: string) => lines('Resources:', '  Orders:', '    Type: AWS::ApiGateway::Method', '    Properties:', '      RestApiId: !Ref Shop', '      ResourceId: !Ref OrdersResource', '      HttpMethod: GET', '      AuthorizationType: NONE', ...(key ? [`      ApiKeyRequired: ${key}`] : []));
  const sam = (key: string) =>
    lines('Transform: AWS::Serverless-2016-10-31', 'Resources:', '  Fn:', '    Type: AWS::Serverless::Function', '    Properties:', '      Handler: app.handler', '      Events:', '        Orders:', '          Type: Api', `          Properties: { Path: /orders, Method: get${key ? `, Auth: { ApiKeyRequired: ${key} }` : ''} }`);
  const judged = (rule: string, text: string, file: string) => analyseFile(file, text, () => {}).findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.startLine} ${f.severity}`);

  it('is reported on both platforms at low severity, saying an API key does not authenticate; without one, at medium', () => {
    assert.deepEqual(judged('iac/tf-aws-apigw-method-no-auth', tf('true'), 'main.tf'), ['5 low']);
    assert.deepEqual(judged('iac/cfn-apigw-method-no-auth', cfn('true'), 'stack.yaml'), ['8 low']);
    assert.deepEqual(judged('iac/cfn-apigw-method-no-auth', sam('true'), 'stack.yaml'), ['8 low']);
    for (const message of [...messagesOf('iac/tf-aws-apigw-method-no-auth', tf('true')), ...messagesOf('iac/cfn-apigw-method-no-auth', cfn('true'), 'stack.yaml'), ...messagesOf('iac/cfn-apigw-method-no-auth', sam('true'), 'stack.yaml')])
      assert.match(message, /requires only an API key: API keys identify callers .* but do not authenticate them/);
    for (const key of ['', 'false']) {
      assert.deepEqual(judged('iac/tf-aws-apigw-method-no-auth', tf(key), 'main.tf'), ['5 medium']);
      assert.deepEqual(judged('iac/cfn-apigw-method-no-auth', cfn(key), 'stack.yaml'), ['8 medium']);
      assert.deepEqual(judged('iac/cfn-apigw-method-no-auth', sam(key), 'stack.yaml'), ['8 medium']);
    }
  });
});

describe('a WebSocket $connect route that requires only an API key', () => {
  const tf = (key: string) =>
    lines('resource "aws_apigatewayv2_api" "chat" {', '  name          = "chat"', '  protocol_type = "WEBSOCKET"', '}', 'resource "aws_apigatewayv2_route" "connect" {', '  api_id    = aws_apigatewayv2_api.chat.id', '  route_key = "$connect"', ...(key ? [`  api_key_required = ${key}`] : []), '}');
  const cfn = (key: string) =>
    lines('Resources:', '  Chat:', '    Type: AWS::ApiGatewayV2::Api', '    Properties:', '      ProtocolType: WEBSOCKET', '  Connect:', '    Type: AWS::ApiGatewayV2::Route', '    Properties:', '      ApiId: !Ref Chat', '      RouteKey: $connect', ...(key ? [`      ApiKeyRequired: ${key}`] : []));
  const judged = (rule: string, text: string, file: string) => analyseFile(file, text, () => {}).findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.startLine} ${f.severity} ${/only an API key/.test(f.message)}`);

  it('is reported on both platforms at low severity, as a REST method is; without a key, at medium; with a key of unknown value, not at all', () => {
    assert.deepEqual(judged('iac/tf-aws-apigw-v2-route-no-auth', tf('true'), 'main.tf'), ['5 low true']);
    assert.deepEqual(judged('iac/cfn-apigw-v2-route-no-auth', cfn('true'), 'stack.yaml'), ['6 low true']);
    for (const key of ['', 'false']) {
      assert.deepEqual(judged('iac/tf-aws-apigw-v2-route-no-auth', tf(key), 'main.tf'), ['5 medium false']);
      assert.deepEqual(judged('iac/cfn-apigw-v2-route-no-auth', cfn(key), 'stack.yaml'), ['6 medium false']);
    }
    assert.deepEqual(judged('iac/tf-aws-apigw-v2-route-no-auth', tf('var.keyed'), 'main.tf'), []);
    assert.deepEqual(judged('iac/cfn-apigw-v2-route-no-auth', cfn('!Ref Keyed'), 'stack.yaml'), []);
  });
});

describe('a judgment made on both platforms has one severity', () => {
  it('tf-aws-<name> and cfn-<name> rate a finding alike (at-rest encryption medium, TLS below 1.2 medium, CloudTrail off medium, API methods without authorization medium)', async () => {
    const { PLATFORM_RULES } = await import('../../../src/scanners/iac/platforms.js');
    const severities = new Map<string, { tf?: string; cfn?: string }>();
    for (const platform of PLATFORM_RULES)
      for (const rule of platform.rules) {
        const id = rule.id.replace(/^iac\//, '');
        const [key, side] = id.startsWith('tf-aws-') ? [id.slice('tf-aws-'.length), 'tf' as const] : id.startsWith('cfn-') ? [id.slice('cfn-'.length), 'cfn' as const] : [undefined, undefined];
        if (key && side) severities.set(key, { ...severities.get(key), [side]: rule.severity });
      }
    const differing = [...severities].filter(([key, s]) => s.tf && s.cfn && s.tf !== s.cfn).map(([key, s]) => `${key}: Terraform ${s.tf}, CloudFormation ${s.cfn}`);
    assert.deepEqual(differing, []);
    assert.equal(severities.get('database-not-encrypted')?.cfn, 'medium');
    assert.equal(severities.get('tls-outdated')?.tf, 'medium');
    // Losing the audit trail is not itself a way in; its integrity is hygiene; an unauthenticated method is a real gap when not meant to be public.
    assert.deepEqual(severities.get('cloudtrail-logging-disabled'), { tf: 'medium', cfn: 'medium' });
    assert.deepEqual(severities.get('cloudtrail-no-log-validation'), { tf: 'low', cfn: 'low' });
    assert.deepEqual(severities.get('apigw-method-no-auth'), { tf: 'medium', cfn: 'medium' });
  });
});

describe('Lambda runtimes AWS deprecated, judged from one table by Terraform and CloudFormation', () => {
  const tf = (runtime: string) => lines('resource "aws_lambda_function" "fn" {', '  function_name = "fn"', '  handler       = "app.handler"', `  runtime       = "${runtime}"`, '  filename      = "fn.zip"', '  role          = aws_iam_role.fn.arn', '}');
  const cfn = (runtime: string) => lines('Resources:', '  Fn:', '    Type: AWS::Lambda::Function', '    Properties:', '      Handler: app.handler', `      Runtime: ${runtime}`, '      Role: !GetAtt FnRole.Arn');

  it('reports the same runtimes, with the date AWS deprecated them, on the runtime line', () => {
    const deprecated: Array<[string, string]> = [['dotnet8', '2026-11-10'], ['python3.10', '2026-10-31'], ['provided.al2', '2026-07-31'], ['nodejs20.x', '2026-04-30'], ['ruby3.2', '2026-03-31'], ['python3.8', '2024-10-14'], ['nodejs16.x', '2024-06-12'], ['go1.x', '2024-01-08'], ['java8', '2024-01-08'], ['dotnetcore3.1', '2023-04-03'], ['python2.7', '2021-07-15']];
    for (const [runtime, date] of deprecated) {
      assert.deepEqual(linesOf('iac/tf-aws-lambda-deprecated-runtime', tf(runtime)), [4], runtime);
      assert.deepEqual(linesOf('iac/cfn-lambda-deprecated-runtime', cfn(runtime), 'stack.yaml'), [6], runtime);
      assert.match(messagesOf('iac/tf-aws-lambda-deprecated-runtime', tf(runtime))[0]!, new RegExp(`runs on ${runtime.replace('.', '\\.')}, a Lambda runtime AWS deprecated on ${date}:`));
    }
  });

  it('leaves supported runtimes alone, the Amazon Linux 2 ones whose deprecation AWS moved to 2027 among them', () => {
    for (const runtime of ['python3.13', 'nodejs22.x', 'java21', 'java8.al2', 'java11', 'java17', 'python3.11', 'provided.al2023', 'dotnet10', 'ruby3.4']) {
      assert.deepEqual(linesOf('iac/tf-aws-lambda-deprecated-runtime', tf(runtime)), [], runtime);
      assert.deepEqual(linesOf('iac/cfn-lambda-deprecated-runtime', cfn(runtime), 'stack.yaml'), [], runtime);
    }
  });

  it('reports each SAM function that takes a deprecated Runtime from Globals, on the Globals line', () => {
    const template = lines(
      'Transform: AWS::Serverless-2016-10-31',
      'Globals:',
      '  Function:',
      '    Runtime: nodejs12.x',
      'Resources:',
      '  A:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { Handler: a.handler, CodeUri: src/ }',
      '  B:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { Handler: b.handler, CodeUri: src/ }',
      '  C:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { Handler: c.handler, CodeUri: src/, Runtime: nodejs22.x }',
    );
    assert.deepEqual(linesOf('iac/cfn-lambda-deprecated-runtime', template, 'template.yaml'), [4, 4]);
    assert.match(messagesOf('iac/cfn-lambda-deprecated-runtime', template, 'template.yaml')[0]!, /nodejs12\.x \(the Runtime of Globals\)/);
  });
});

import { inside, listEntry, type Hit } from '../../rule.js';
import { API_KEY_IS_NOT_AUTHENTICATION } from '../../aws-api-keys.js';
import { isFullAdmin, isPublicStatement } from '../../aws-policy.js';
import { base64Text, STATIC_AWS_KEY_USE } from '../../aws-user-data.js';
import { isLiteralSecretValue, isSecretName, nameTokens } from '../../secret-names.js';
import { isYMap, isYScalar, isYSeq, type YNode, type YPair, type YScalar } from '../../yaml/tree.js';
import { cfnRule, entries, field, label, pairAt, prop, resourcesOf, type CfnRule } from '../model.js';
import { boundaryOnlyPolicies, managedPolicyArn, RESOURCE_POLICIES, statementsIn } from '../policy.js';
import { bool, follow, intrinsic, text, UNKNOWN } from '../resolve.js';
import type { CfnParameter, CfnResource, CfnTemplate } from '../template.js';
import { eventAuth, samApiEvents } from '../sam-events.js';
import { apiOfReference, mutualTlsOnlyDomains } from '../api-domains.js';
import { shownSecrets, type Shown } from './outputs.js';

interface PolicyPlace {
  resource: CfnResource;
  /** The key that holds the document (`PolicyDocument`, `KeyPolicy`, ...). */
  key: YPair;
}

/** Identity policies: IAM policies and the inline policies of roles, users and groups. */
function* identityPolicies(t: CfnTemplate): Generator<PolicyPlace> {
  for (const r of resourcesOf(t, 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy')) {
    const key = prop(t, r, 'PolicyDocument');
    if (key) yield { resource: r, key };
  }
  for (const r of resourcesOf(t, 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group')) {
    for (const inline of entries(t, prop(t, r, 'Policies')?.value)) {
      const key = field(t, inline, 'PolicyDocument');
      if (key) yield { resource: r, key };
    }
  }
}

/** Resource types and the property that holds their resource policy, or a role's trust policy (who may assume it). */
const PRINCIPAL_POLICIES: ReadonlyArray<readonly [string, string]> = [...RESOURCE_POLICIES, ['AWS::IAM::Role', 'AssumeRolePolicyDocument']];

const fullAdmin: CfnRule = cfnRule({
  id: 'iac/cfn-iam-full-admin',
  title: 'IAM policy grants full administrator access',
  description: 'A policy allows every action ("*") on every resource ("*"). Whoever holds it (a user, a role assumed by an application or a pipeline) controls the whole account, IAM included, so any compromise of that identity is a full account takeover. A managed policy that users or roles have only as their PermissionsBoundary grants nothing and is not reported.',
  remediation: 'Grant the specific actions and resources the identity needs; keep administrator access to a few break-glass roles protected by MFA.',
  severity: 'critical',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'Resources:\n  Admin:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      # expect\n      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          # detail\n          - Effect: Allow\n            Action: "*"\n            Resource: "*"\n',
      'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: ec2.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: all\n          # expect\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: s3:GetObject\n                Resource: arn:aws:s3:::bucket/*\n              # detail\n              - Effect: Allow\n                Action: ["*"]\n                Resource: ["*"]\n',
      // The AWS managed policy, by ARN (literal, with the partition, or joined as CDK writes it) or by its SAM name.
      'Resources:\n  Worker:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns:\n        # expect\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess\n        - arn:aws:iam::aws:policy/ReadOnlyAccess\n  Builder:\n    Type: AWS::IAM::Role\n    Properties:\n      # expect\n      ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"]\n',
      'Resources:\n  Cdk:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns:\n        # expect\n        - !Join ["", ["arn:", !Ref AWS::Partition, ":iam::aws:policy/AdministratorAccess"]]\n        - !Join ["", ["arn:", !Ref AWS::Partition, ":iam::aws:policy/ReadOnlyAccess"]]\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Policies:\n        - AWSLambdaBasicExecutionRole\n        # expect\n        - AdministratorAccess\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      # expect\n      Policies:\n        - Statement:\n            # detail\n            - Effect: Allow\n              Action: "*"\n              Resource: "*"\n',
    ],
    negative: [
      'Resources:\n  Read:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: read\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: "*"\n            Resource: !Sub "arn:aws:s3:::${Bucket}/*"\n',
      // A permissions boundary that allows everything but IAM grants nothing: it bounds what the role's policies grant.
      'Resources:\n  App:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      PermissionsBoundary: !Ref Boundary\n  Boundary:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: "*"\n            Resource: "*"\n          - Effect: Deny\n            Action: iam:*\n            Resource: "*"\n',
      'Resources:\n  Worker:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\n        - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/AdministratorAccess\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies: [AmazonS3ReadOnlyAccess, { Statement: [{ Effect: Allow, Action: s3:GetObject, Resource: "*" }] }]\n',
    ],
  },
  *check(t) {
    const boundaries = boundaryOnlyPolicies(t);
    for (const { resource, key } of identityPolicies(t)) {
      if (boundaries.has(resource)) continue;
      const admin = statementsIn(t, key.value, key.keyLine).find(isFullAdmin);
      if (admin) yield { ...inside(key.keyLine, admin.line), message: `${label(resource)} allows every action on every resource.`, resource: label(resource) };
    }
    const attached: Array<[string, string]> = [
      ['AWS::IAM::Role', 'ManagedPolicyArns'],
      ['AWS::IAM::User', 'ManagedPolicyArns'],
      ['AWS::IAM::Group', 'ManagedPolicyArns'],
      ['AWS::Serverless::Function', 'Policies'],
      ['AWS::Serverless::StateMachine', 'Policies'],
    ];
    for (const [type, property] of attached) {
      for (const r of resourcesOf(t, type)) {
        const key = prop(t, r, property);
        const list = follow(t, key?.value);
        if (!key || list === UNKNOWN || !list) continue;
        const sam = property === 'Policies';
        for (const entry of isYSeq(list) ? list.items : [list]) {
          if (sam && isYMap(entry) && !intrinsic(entry)) {
            // A SAM policy document written in place.
            const admin = statementsIn(t, entry, entry.line).find(isFullAdmin);
            if (admin) yield { ...inside(key.keyLine, admin.line), message: `${label(r)} allows every action on every resource.`, resource: label(r) };
            continue;
          }
          if (isAdministratorAccess(t, entry, sam)) yield { ...listEntry(entry.line), message: `${label(r)} attaches the AWS managed AdministratorAccess policy.`, resource: label(r) };
        }
      }
    }
  },
});

/**
 * The AWS managed AdministratorAccess policy: its ARN in any partition (`!Sub` with
 * `${AWS::Partition}` included), or, in SAM `Policies`, its bare name.
 */
function isAdministratorAccess(t: CfnTemplate, node: YNode, sam: boolean): boolean {
  const arn = managedPolicyArn(t, node);
  if (arn === undefined) return false;
  return /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/.test(arn.trim()) || (sam && arn.trim() === 'AdministratorAccess');
}

const publicPrincipal: CfnRule = cfnRule({
  id: 'iac/cfn-policy-public-principal',
  title: 'Resource policy open to everyone',
  description: 'A resource policy (S3 bucket, SQS queue, SNS topic, KMS key, ECR repository, secret, search domain outside a VPC) or the trust policy of an IAM role allows Principal "*", or everyone but a few principals with NotPrincipal, with no condition that pins the caller to an account, organisation, network or source. Anyone with an AWS account, or anyone at all for S3 and search domains, can use the granted actions or assume the role.',
  remediation: 'Name the principals (account or role ARNs), or add a condition such as aws:PrincipalOrgID, aws:SourceArn, aws:SourceAccount or aws:SourceVpce.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Data\n      # expect\n      PolicyDocument:\n        Statement:\n          # detail\n          - Effect: Allow\n            Principal: "*"\n            Action: s3:GetObject\n            Resource: !Sub "arn:aws:s3:::${Data}/*"\n',
      'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      # expect\n      AssumeRolePolicyDocument:\n        Statement:\n          # detail\n          - Effect: Allow\n            Principal:\n              AWS: "*"\n            Action: sts:AssumeRole\n',
      '{\n  "Resources": {\n    "QueuePolicy": {\n      "Type": "AWS::SQS::QueuePolicy",\n      "Properties": {\n        "Queues": [{"Ref": "Queue"}],\n        "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "*"}]}\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'Resources:\n  Policy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Topic]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: "*"\n            Action: sns:Publish\n            Resource: !Ref Topic\n            Condition:\n              ArnLike:\n                aws:SourceArn: !Sub "arn:aws:s3:::${Bucket}"\n',
      'Resources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      VPCOptions:\n        SubnetIds: [subnet-1]\n      AccessPolicies:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: "*" }\n            Action: es:*\n            Resource: "*"\n',
    ],
  },
  *check(t) {
    for (const [type, property] of PRINCIPAL_POLICIES) {
      for (const r of resourcesOf(t, type)) {
        // A domain inside a VPC is reached only from the VPC: its security groups decide.
        if (type.endsWith('::Domain') && prop(t, r, 'VPCOptions')) continue;
        const key = prop(t, r, property);
        if (!key) continue;
        const open = statementsIn(t, key.value, key.keyLine).find(isPublicStatement);
        if (!open) continue;
        const what = type === 'AWS::IAM::Role' ? 'lets any AWS principal assume the role' : 'grants access to any principal ("*") with no restricting condition';
        yield { ...inside(key.keyLine, open.line), message: `${label(r)} ${what}.`, resource: label(r) };
      }
    }
  },
});

const lambdaPublic: CfnRule = cfnRule({
  id: 'iac/cfn-lambda-permission-public',
  title: 'Lambda function invocable by anyone',
  description: 'An AWS::Lambda::Permission grants Principal "*" without SourceArn, SourceAccount or PrincipalOrgID, so any AWS account can invoke the function (and run up its cost, or reach whatever it can reach).',
  remediation: 'Grant the calling service principal (s3.amazonaws.com, apigateway.amazonaws.com) with SourceArn and SourceAccount, or a specific account.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: ['Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Fn\n      Action: lambda:InvokeFunction\n      # expect\n      Principal: "*"\n'],
    negative: ['Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Fn\n      Action: lambda:InvokeFunction\n      Principal: s3.amazonaws.com\n      SourceArn: !GetAtt Bucket.Arn\n', 'Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Fn\n      Action: lambda:InvokeFunction\n      Principal: "*"\n      PrincipalOrgID: o-abc123\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::Lambda::Permission')) {
      const principal = prop(t, r, 'Principal');
      if (text(t, principal?.value) !== '*') continue;
      if (['SourceArn', 'SourceAccount', 'PrincipalOrgID'].some((k) => prop(t, r, k))) continue;
      // A public function URL is the function URL rule's finding.
      if (text(t, prop(t, r, 'FunctionUrlAuthType')?.value) === 'NONE') continue;
      yield { line: principal!.keyLine, message: `${label(r)} lets any principal invoke the function.`, resource: label(r) };
    }
  },
});

const functionUrlPublic: CfnRule = cfnRule({
  id: 'iac/cfn-lambda-url-no-auth',
  title: 'Lambda function URL without authentication',
  description: 'A Lambda function URL (AWS::Lambda::Url, or FunctionUrlConfig of a SAM function or of the SAM Globals section, which gives every function of the template a URL) has AuthType NONE: anyone on the internet can call the function directly, bypassing any API gateway, WAF, throttling or authorizer in front of the application.',
  remediation: 'Use AuthType: AWS_IAM and sign requests, or put the function behind API Gateway or CloudFront with authentication; keep NONE only for functions that check callers themselves.',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'Resources:\n  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Fn.Arn\n      # expect\n      AuthType: NONE\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      FunctionUrlConfig:\n        # expect\n        AuthType: NONE\n',
      // SAM gives every function the FunctionUrlConfig of Globals, merged with the function's own.
      'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\n    FunctionUrlConfig:\n      # expect\n      AuthType: NONE\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n  Other:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: other.handler\n      FunctionUrlConfig:\n        Cors: { AllowOrigins: ["https://example.org"] }\n',
    ],
    negative: [
      'Resources:\n  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Fn.Arn\n      AuthType: AWS_IAM\n',
      'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    FunctionUrlConfig:\n      AuthType: NONE\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      FunctionUrlConfig:\n        AuthType: AWS_IAM\n',
    ],
  },
  *check(t) {
    // SAM merges Globals.Function into every function: a FunctionUrlConfig there gives each one a URL.
    const globalAuth = pairAt(t, t.globals, 'Function', 'FunctionUrlConfig', 'AuthType');
    for (const r of resourcesOf(t, 'AWS::Lambda::Url', 'AWS::Serverless::Function')) {
      const own = r.type === 'AWS::Lambda::Url' ? prop(t, r, 'AuthType') : prop(t, r, 'FunctionUrlConfig', 'AuthType');
      const auth = own ?? (r.type === 'AWS::Serverless::Function' ? globalAuth : undefined);
      if (text(t, auth?.value) === 'NONE') yield { line: auth!.keyLine, message: `${label(r)} has a function URL that anyone can call (AuthType: NONE${own ? '' : ' in Globals'}).`, resource: label(r) };
    }
  },
});

/** What a finding on a method that requires only an API key says (shared with the Terraform rule's wording). */
const apiMethodNoAuth: CfnRule = cfnRule({
  id: 'iac/cfn-apigw-method-no-auth',
  title: 'API Gateway method without authorization',
  description:
    "A REST API method has AuthorizationType NONE, so anyone who knows the URL can call it. That is right for public endpoints, but a method reached by mistake this way exposes whatever its integration does. A method that requires an API key (ApiKeyRequired: true) is reported at low severity: API keys identify callers for usage plans and throttling, but AWS documents that they are not for authentication or authorization, and they are often shipped in client code. A method with a MOCK integration is reported only as info: API Gateway answers it from the method's own templates, so no backend is reached. A SAM function's `Api` event is such a method when neither the event (Auth.Authorizer), nor its AWS::Serverless::Api, nor the template's Globals set an authorizer (with an API key required by the event or the API, at low severity); APIs defined by an OpenAPI document and private APIs (a SAM API's EndpointConfiguration PRIVATE, or the Types PRIVATE of the AWS::ApiGateway::RestApi a method belongs to) are not judged. Nor is a method of an API whose default execute-api endpoint is switched off (DisableExecuteApiEndpoint: true) and that the template maps only to custom domain names with mutual TLS (MutualTlsAuthentication with a truststore, by AWS::ApiGateway::BasePathMapping, AWS::ApiGatewayV2::ApiMapping or a SAM API's Domain): only clients with a certificate the truststore accepts reach it. With the default endpoint left on, the API stays callable without a certificate and is reported.",
  remediation: 'Use AuthorizationType AWS_IAM, COGNITO_USER_POOLS or CUSTOM with an authorizer (an API key can stay for usage plans); leave NONE only on methods meant to be public.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'Resources:\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !Ref Items\n      HttpMethod: GET\n      # expect\n      AuthorizationType: NONE\n',
      // An API key only (reported at low severity): it identifies the caller, it does not authenticate.
      'Resources:\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !Ref Items\n      HttpMethod: GET\n      ApiKeyRequired: true\n      # expect\n      AuthorizationType: NONE\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Keyed:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Auth: { DefaultAuthorizer: AWS_IAM, ApiKeyRequired: true }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Events:\n        # expect\n        Own: { Type: Api, Properties: { Path: /k, Method: get, Auth: { ApiKeyRequired: true } } }\n        Status:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Keyed\n            Path: /status\n            Method: get\n            Auth:\n              # expect\n              Authorizer: NONE\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Events:\n        # expect\n        ListItems:\n          Type: Api\n          Properties: { Path: /items, Method: get }\n',
      // The API has a default authorizer, but this event opts out of it.
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Auth: { DefaultAuthorizer: Cognito }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Health:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: /health\n            Method: get\n            Auth:\n              # expect\n              Authorizer: NONE\n',
      // The API requires a key, but this event takes its method out of it (SAM: ApiKeyRequired false on the event wins).
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Auth: { ApiKeyRequired: true }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Events:\n        # expect\n        Keyed: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /items, Method: get } }\n        # expect\n        Health:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /health, Method: get, Auth: { ApiKeyRequired: false } }\n',
      // A MOCK integration (reported as info): API Gateway answers from the method's own templates.
      'Resources:\n  Ping:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n      # expect\n      AuthorizationType: NONE\n      Integration:\n        Type: MOCK\n        RequestTemplates:\n          application/json: \'{"statusCode": 200}\'\n',
      // A regional REST API: public.
      'Resources:\n  Public:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: public\n      EndpointConfiguration:\n        Types: [REGIONAL]\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Public\n      ResourceId: !GetAtt Public.RootResourceId\n      HttpMethod: GET\n      # expect\n      AuthorizationType: NONE\n',
      // Mutual TLS on a domain name does not close the default execute-api endpoint, which takes no certificate.
      'Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: orders\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n      # expect\n      AuthorizationType: NONE\n  Domain:\n    Type: AWS::ApiGateway::DomainName\n    Properties:\n      DomainName: api.example.org\n      RegionalCertificateArn: !Ref Certificate\n      EndpointConfiguration: { Types: [REGIONAL] }\n      MutualTlsAuthentication:\n        TruststoreUri: s3://example-truststore/clients.pem\n  Mapping:\n    Type: AWS::ApiGateway::BasePathMapping\n    Properties:\n      DomainName: api.example.org\n      RestApiId: !Ref Api\n      Stage: prod\n',
      // Nor does it when another domain name without mutual TLS maps the API.
      'Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: orders\n      DisableExecuteApiEndpoint: true\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n      # expect\n      AuthorizationType: NONE\n  Domain:\n    Type: AWS::ApiGateway::DomainName\n    Properties:\n      DomainName: api.example.org\n      RegionalCertificateArn: !Ref Certificate\n      EndpointConfiguration: { Types: [REGIONAL] }\n      MutualTlsAuthentication:\n        TruststoreUri: s3://example-truststore/clients.pem\n  Mapping:\n    Type: AWS::ApiGateway::BasePathMapping\n    Properties:\n      DomainName: api.example.org\n      RestApiId: !Ref Api\n      Stage: prod\n  Plain:\n    Type: AWS::ApiGateway::DomainName\n    Properties:\n      DomainName: open.example.org\n      RegionalCertificateArn: !Ref Certificate\n  PlainMapping:\n    Type: AWS::ApiGateway::BasePathMapping\n    Properties:\n      DomainName: !Ref Plain\n      RestApiId: !Ref Api\n',
    ],
    negative: [
      'Resources:\n  Preflight:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: OPTIONS\n      AuthorizationType: NONE\n',
      // A default authorizer in Globals, an event authorizer, an OpenAPI definition, a private API.
      'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Api:\n    Auth: { DefaultAuthorizer: AWS_IAM }\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        List: { Type: Api, Properties: { Path: /items, Method: get } }\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Mine: { Type: Api, Properties: { Path: /me, Method: get, Auth: { Authorizer: AWS_IAM } } }\n        Queue: { Type: SQS, Properties: { Queue: !GetAtt Q.Arn } }\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionUri: openapi.yaml\n  Inner:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      EndpointConfiguration: { Type: PRIVATE }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        A: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /a, Method: get } }\n        B: { Type: Api, Properties: { RestApiId: !Ref Inner, Path: /b, Method: get } }\n        C: { Type: Api, Properties: { RestApiId: !ImportValue shared-api, Path: /c, Method: get } }\n',
      // Authorizer NONE on an event leaves out the default authorizer only: the API stays private.
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      EndpointConfiguration: { Type: PRIVATE }\n      Auth: { DefaultAuthorizer: AWS_IAM }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Events:\n        Health: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /health, Method: get, Auth: { Authorizer: NONE } } }\n',
      // A method of a private REST API, reached only through VPC endpoints.
      'Resources:\n  Internal:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: internal\n      EndpointConfiguration:\n        Types: [PRIVATE]\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Internal\n      ResourceId: !GetAtt Internal.RootResourceId\n      HttpMethod: GET\n      AuthorizationType: NONE\n',
      // A resource policy that admits only the office network.
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Auth:\n        ResourcePolicy:\n          IpRangeWhitelist: [203.0.113.0/24]\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        A: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /a, Method: get } }\n',
      // The same set on the event: SAM adds it to the implicit API's policy for that path.
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /get\n            Method: get\n            Auth:\n              ResourcePolicy:\n                AwsAccountWhitelist: [!Ref AWS::AccountId]\n',
      'Resources:\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n      AuthorizationType: COGNITO_USER_POOLS\n      AuthorizerId: !Ref Authorizer\n',
      // The default execute-api endpoint is off and the only way in is a domain name with mutual TLS: callers need a client certificate.
      'Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: orders\n      DisableExecuteApiEndpoint: true\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n      AuthorizationType: NONE\n  Domain:\n    Type: AWS::ApiGateway::DomainName\n    Properties:\n      DomainName: api.example.org\n      RegionalCertificateArn: !Ref Certificate\n      EndpointConfiguration: { Types: [REGIONAL] }\n      MutualTlsAuthentication:\n        TruststoreUri: s3://example-truststore/clients.pem\n  Mapping:\n    Type: AWS::ApiGateway::BasePathMapping\n    Properties:\n      DomainName: api.example.org\n      RestApiId: !Ref Api\n      Stage: prod\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::ApiGateway::Method')) {
      const auth = prop(t, r, 'AuthorizationType');
      if (text(t, auth?.value)?.toUpperCase() !== 'NONE') continue;
      if (text(t, prop(t, r, 'HttpMethod')?.value)?.toUpperCase() === 'OPTIONS') continue;
      if (reachedOnlyWithClientCertificate(t, prop(t, r, 'RestApiId')?.value)) continue;
      if (privateRestApi(t, prop(t, r, 'RestApiId')?.value)) continue;
      // A MOCK integration answers from the templates of the method itself: nothing behind it is reached.
      if (text(t, prop(t, r, 'Integration', 'Type')?.value)?.toUpperCase() === 'MOCK') {
        yield { line: auth!.keyLine, message: `${label(r)} can be called without authorization; its MOCK integration answers from API Gateway alone, so no backend is exposed.`, resource: label(r), severity: 'info' };
        continue;
      }
      // An API key identifies the caller for a usage plan; it does not authenticate (AWS says not to rely on it for access control).
      if (bool(t, prop(t, r, 'ApiKeyRequired')?.value) === true)
        yield { line: auth!.keyLine, message: `${label(r)} requires only an API key: ${API_KEY_IS_NOT_AUTHENTICATION}.`, resource: label(r), severity: 'low' };
      else yield { line: auth!.keyLine, message: `${label(r)} can be called without authorization.`, resource: label(r) };
    }
    yield* openSamEvents(t, 'Api');
  },
});

/**
 * Whether a method's REST API is private (EndpointConfiguration Types PRIVATE): it is
 * reached only through interface VPC endpoints that its resource policy admits, as SAM's
 * private APIs are (sam-events.ts), and is not judged.
 */
function privateRestApi(t: CfnTemplate, reference: YNode | null | undefined): boolean {
  const api = apiOfReference(t, reference);
  if (api?.type !== 'AWS::ApiGateway::RestApi') return false;
  const types = follow(t, prop(t, api, 'EndpointConfiguration', 'Types')?.value);
  if (types === UNKNOWN || !isYSeq(types) || types.items.length === 0) return false;
  return types.items.every((item) => text(t, item)?.toUpperCase() === 'PRIVATE');
}

/**
 * Whether the API a method or route belongs to is reached only through custom domain
 * names with mutual TLS (api-domains.ts): its callers then need a client certificate.
 */
function reachedOnlyWithClientCertificate(t: CfnTemplate, reference: YNode | null | undefined): boolean {
  const api = apiOfReference(t, reference);
  return api !== undefined && mutualTlsOnlyDomains(t, api) !== undefined;
}

/** The SAM API events (sam-events.ts) of one kind that anyone can call. */
function* openSamEvents(t: CfnTemplate, kind: 'Api' | 'HttpApi'): Generator<Hit> {
  for (const event of samApiEvents(t)) {
    if (event.kind !== kind) continue;
    const auth = eventAuth(t, event);
    if (!auth?.open) continue;
    if (auth.keyed) yield { line: auth.line, message: `${label(event.fn)} event ${event.name} (${event.route}) requires only an API key: ${API_KEY_IS_NOT_AUTHENTICATION}.`, resource: label(event.fn), severity: 'low' };
    else yield { line: auth.line, message: `${label(event.fn)} event ${event.name} (${event.route}) can be called without authorization.`, resource: label(event.fn) };
  }
}

/** The protocol of the AWS::ApiGatewayV2::Api a route's ApiId references in the template: HTTP, WEBSOCKET, or undefined. */
function apiProtocol(t: CfnTemplate, route: CfnResource): string | undefined {
  const ref = intrinsic(prop(t, route, 'ApiId')?.value);
  if (ref?.name !== 'Ref' || !isYScalar(ref.arg)) return undefined;
  const id = String(ref.arg.value);
  const api = t.resources.find((r) => r.id === id && r.type === 'AWS::ApiGatewayV2::Api');
  return api ? text(t, prop(t, api, 'ProtocolType')?.value)?.toUpperCase() : undefined;
}

const apiRouteNoAuth: CfnRule = cfnRule({
  id: 'iac/cfn-apigw-v2-route-no-auth',
  title: 'API Gateway HTTP or WebSocket route without authorization',
  description:
    "An API Gateway V2 route has AuthorizationType NONE (the default when unset): anyone who knows the URL can call it, since HTTP and WebSocket APIs are always reachable from the internet. For a WebSocket API only the $connect route is judged, as the connection is authorized there once; a $connect route that requires only an API key (ApiKeyRequired: true) is reported at low severity, as API keys identify callers but AWS documents that they are not for authentication or authorization. A quick-create HTTP API (Target on the API) gets such a $default route, and so does a SAM function's `HttpApi` event when neither the event (Auth.Authorizer), nor its AWS::Serverless::HttpApi, nor the template's Globals set an authorizer. That is right for public endpoints, but a route left open by mistake exposes whatever its integration does. An HTTP API whose default execute-api endpoint is switched off (DisableExecuteApiEndpoint: true) and that the template maps only to custom domain names with mutual TLS (MutualTlsAuthentication with a truststore, by AWS::ApiGatewayV2::ApiMapping or a SAM API's Domain) is not reported: only clients with a certificate the truststore accepts reach it. With the default endpoint left on, the API stays callable without a certificate and is reported.",
  remediation: 'Set AuthorizationType to JWT (with an AuthorizerId), CUSTOM (a Lambda authorizer) or AWS_IAM on the route; leave NONE only on routes meant to be public, and on CORS preflight routes.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: orders\n      ProtocolType: HTTP\n  List:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: GET /orders\n      # expect\n      AuthorizationType: NONE\n  # expect\n  Create:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: POST /orders\n',
      'Resources:\n  Socket:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: chat\n      ProtocolType: WEBSOCKET\n      RouteSelectionExpression: $request.body.action\n  # expect\n  Connect:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Socket\n      RouteKey: $connect\n',
      // A $connect route that requires only an API key is reported at low severity, as a REST method is.
      'Resources:\n  Socket:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: WEBSOCKET\n  # expect\n  Connect:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Socket\n      RouteKey: $connect\n      ApiKeyRequired: true\n',
      // ApiKeyRequired: false (a YAML boolean) requires no key.
      'Resources:\n  Socket:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: chat\n      ProtocolType: WEBSOCKET\n      RouteSelectionExpression: $request.body.action\n  # expect\n  Connect:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Socket\n      RouteKey: $connect\n      ApiKeyRequired: false\n',
      'Resources:\n  Quick:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: quick\n      ProtocolType: HTTP\n      # expect\n      Target: !GetAtt Fn.Arn\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        # expect\n        Orders:\n          Type: HttpApi\n          Properties: { Path: /orders, Method: POST }\n',
      // Mutual TLS on a domain name does not close the default execute-api endpoint, which takes no certificate.
      'Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: orders\n      ProtocolType: HTTP\n  # expect\n  List:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: GET /orders\n  Domain:\n    Type: AWS::ApiGatewayV2::DomainName\n    Properties:\n      DomainName: api.example.org\n      DomainNameConfigurations:\n        - CertificateArn: !Ref Certificate\n      MutualTlsAuthentication:\n        TruststoreUri: s3://example-truststore/clients.pem\n  Mapping:\n    Type: AWS::ApiGatewayV2::ApiMapping\n    Properties:\n      ApiId: !Ref Api\n      DomainName: !Ref Domain\n      Stage: prod\n',
    ],
    negative: [
      'Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: orders\n      ProtocolType: HTTP\n  List:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: GET /orders\n      AuthorizationType: JWT\n      AuthorizerId: !Ref Jwt\n  Preflight:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: OPTIONS /orders\n',
      // Messages of a WebSocket API travel on a connection authorized at $connect.
      'Resources:\n  Socket:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: WEBSOCKET\n  Connect:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Socket\n      RouteKey: $connect\n      AuthorizationType: CUSTOM\n      AuthorizerId: !Ref Auth\n  Send:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Socket\n      RouteKey: sendmessage\n  Default:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Socket\n      RouteKey: $default\n',
      // An API of another stack: a $default route may be a WebSocket one, which is not judged.
      'Resources:\n  Default:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !ImportValue shared-api\n      RouteKey: $default\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        DefaultAuthorizer: Jwt\n        Authorizers: { Jwt: { IdentitySource: $request.header.Authorization } }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Orders: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /orders, Method: POST } }\n',
      // The default execute-api endpoint is off and the only way in is a domain name with mutual TLS: callers need a client certificate.
      'Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: orders\n      ProtocolType: HTTP\n      DisableExecuteApiEndpoint: true\n  List:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: GET /orders\n  Domain:\n    Type: AWS::ApiGatewayV2::DomainName\n    Properties:\n      DomainName: api.example.org\n      DomainNameConfigurations:\n        - CertificateArn: !Ref Certificate\n      MutualTlsAuthentication:\n        TruststoreUri: s3://example-truststore/clients.pem\n  Mapping:\n    Type: AWS::ApiGatewayV2::ApiMapping\n    Properties:\n      ApiId: !Ref Api\n      DomainName: !Ref Domain\n      Stage: prod\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      DisableExecuteApiEndpoint: true\n      Domain:\n        DomainName: api.example.org\n        CertificateArn: !Ref Certificate\n        MutualTlsAuthentication:\n          TruststoreUri: s3://example-truststore/clients.pem\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Orders: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /orders, Method: POST } }\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::ApiGatewayV2::Route')) {
      const key = text(t, prop(t, r, 'RouteKey')?.value);
      if (key === undefined) continue;
      const protocol = apiProtocol(t, r) ?? (/^[A-Z]+ \//i.test(key) || key === '$connect' ? (key === '$connect' ? 'WEBSOCKET' : 'HTTP') : undefined);
      if (protocol === 'WEBSOCKET' ? key !== '$connect' : protocol !== 'HTTP') continue;
      if (/^OPTIONS /i.test(key)) continue;
      // false (a YAML boolean or the string) is no key; a key given by a parameter may be either.
      const keyed = bool(t, prop(t, r, 'ApiKeyRequired')?.value);
      if (keyed === UNKNOWN) continue;
      const auth = prop(t, r, 'AuthorizationType');
      const v = text(t, auth?.value);
      if (auth ? v?.toUpperCase() !== 'NONE' : false) continue;
      if (reachedOnlyWithClientCertificate(t, prop(t, r, 'ApiId')?.value)) continue;
      const line = auth ? auth.keyLine : r.line;
      // An API key (WebSocket APIs) identifies the caller for a usage plan; it does not authenticate.
      if (keyed === true) yield { line, message: `${label(r)} (${key}) requires only an API key: ${API_KEY_IS_NOT_AUTHENTICATION}.`, resource: label(r), severity: 'low' };
      else yield { line, message: `${label(r)} (${key}) can be called without authorization.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::ApiGatewayV2::Api')) {
      const target = prop(t, r, 'Target');
      if (!target || text(t, prop(t, r, 'ProtocolType')?.value)?.toUpperCase() !== 'HTTP') continue;
      if (mutualTlsOnlyDomains(t, r)) continue;
      yield { line: target.keyLine, message: `${label(r)} is a quick-create HTTP API: its $default route can be called without authorization.`, resource: label(r) };
    }
    yield* openSamEvents(t, 'HttpApi');
  },
});

/** Parameter types whose default names a value elsewhere, never a secret itself. */
const REFERENCE_TYPES = /^AWS::SSM::Parameter::|^AWS::EC2::|^List</;

const hardcodedSecret: CfnRule = cfnRule({
  id: 'iac/cfn-hardcoded-secret',
  title: 'Secret written in the template',
  description: 'A resource property named like a secret (MasterUserPassword, a password in an environment variable, an auth token, also in the SAM Globals section, which SAM copies into its resources), a field named like one in a JSON object written as such a property (a Secrets Manager SecretString), the Value of a plain String SSM parameter whose Name says it is a secret (/app/db/password), or the Default of a parameter named like one, holds a literal value. The secret is then in the template, its repository and every copy of it, stacks deployed without overriding it all share it, and it cannot be rotated without changing code. NoEcho only hides a parameter in the console; it does not take the default out of the template.',
  remediation: 'Use a dynamic reference ({{resolve:secretsmanager:name:SecretString:password}}), ManageMasterUserPassword for RDS, or a NoEcho parameter without a Default.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUsername: admin\n      # expect\n      MasterUserPassword: abc123-pass-1234\n',
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n    # expect\n    Default: abc123-pass-1234\n',
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          # expect\n          API_TOKEN: abc123-token-for-tests-only\n',
      // SAM merges Globals into every function.
      'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\n    Environment:\n      Variables:\n        # expect\n        API_TOKEN: abc123-token-for-tests-only\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n',
      // A weak default is deployed as it stands: not a placeholder.
      'Parameters:\n  AdminPassword:\n    Type: String\n    # expect\n    Default: changeme\n',
      // One word of the name is a weak password, not a stand-in.
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUsername: admin\n      # expect\n      MasterUserPassword: password\n',
      // A secret's JSON and a plain SSM parameter named like a secret hold the value itself.
      'Resources:\n  Db:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      # expect\n      SecretString: \'{"username": "app", "password": "abc123-pass-1234"}\'\n  Token:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: /app/github/token\n      Type: String\n      # expect\n      Value: abc123-token-for-tests-only\n',
    ],
    negative: [
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUsername: admin\n      MasterUserPassword: "{{resolve:secretsmanager:prod/db:SecretString:password}}"\n',
      'Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      MasterUserPassword: !Ref DbPassword\n',
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n  DbPasswordParameterName:\n    Type: String\n    Default: /prod/db/password\n  ApiKeyParam:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /prod/api/key\n',
      'Resources:\n  Secret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      GenerateSecretString:\n        SecretStringTemplate: \'{"username": "app"}\'\n        GenerateStringKey: password\n',
      // The JSON names the user and a reference; the parameters name where a secret is or hold a setting.
      'Resources:\n  Db:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      SecretString: \'{"username": "app", "password": "{{resolve:ssm-secure:/app/db}}", "engine": "postgres"}\'\n  TokenArn:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: /app/token-secret-arn\n      Type: String\n      Value: arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-token\n  Rotation:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: /app/password\n      Type: String\n      Value: !GetAtt Db.Id\n',
      // Time units, a KMS key reference, OIDC condition keys, a JSONPath, fill-in placeholders.
      'Resources:\n  Client:\n    Type: AWS::Cognito::UserPoolClient\n    Properties:\n      TokenValidityUnits:\n        AccessToken: hours\n        RefreshToken: days\n',
      'Parameters:\n  QueueMasterKeyIdParam:\n    Type: String\n    Default: alias/aws/sqs\n  KmsMasterKey:\n    Type: String\n    Default: 1234abcd-12ab-34cd-56ef-1234567890ab\n',
      'Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Federated: !Ref GithubOidc }\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringLike:\n                "token.actions.githubusercontent.com:sub": repo:example-org/app:*\n',
      'Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        States:\n          Wait:\n            Type: Task\n            Parameters:\n              token.$: $$.Task.Token\n              Payload:\n                secret: $.input.secret\n',
      // A parameter for the ARN of a secret, with the name of what to enter as its default.
      'Parameters:\n  SecretsManagerSecretForMQ:\n    Type: String\n    Description: The ARN of the secret with the broker credentials\n    Default: ACTIVEMQ_SECRET_ARN\n',
      'Parameters:\n  ChatBotToken:\n    Type: String\n    Default: xoxb-PUT YOUR BOT TOKEN HERE\n  PartnerApiKeyValue:\n    Type: String\n    Default: Bearer <<Enter the partner key>>\nResources:\n  Hook:\n    Type: AWS::Events::Connection\n    Properties:\n      AuthParameters:\n        ApiKeyAuthParameters:\n          ApiKeyValue: dummy-value\n',
      // The property's own words say what to enter.
      // API Gateway selection and mapping expressions: where the key is read at request time.
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Socket:\n    Type: AWS::Serverless::WebSocketApi\n    Properties:\n      ApiKeySelectionExpression: $request.header.x-api-key\n      RouteSelectionExpression: $request.body.action\n  Integration:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n      Integration:\n        RequestParameters:\n          integration.request.header.x-api-key: method.request.header.x-api-key\n',
      'Resources:\n  Hook:\n    Type: AWS::Events::Connection\n    Properties:\n      AuthParameters:\n        ApiKeyAuthParameters:\n          ApiKeyName: x-api-key\n          ApiKeyValue: MyAPIkey\n  Other:\n    Type: AWS::Events::Connection\n    Properties:\n      AuthParameters:\n        ApiKeyAuthParameters:\n          ApiKeyName: x-api-key\n          ApiKeyValue: KeyValue\n',
    ],
  },
  *check(t) {
    // A value that names a parameter or resource is a mistaken reference, not a secret.
    const names = new Set([...t.parameters.keys(), ...t.resources.map((r) => r.id)]);
    for (const parameter of t.parameters.values()) {
      const d = literalSecretDefault(t, parameter);
      if (d) yield { line: d.keyLine, message: `Parameter ${parameter.name} has a literal secret as its Default.`, resource: `Parameter ${parameter.name}`, secret: String((d.value as YScalar).value) };
    }
    for (const { scope, pair: p } of secretProperties(t)) {
      if (!isYScalar(p.value) || typeof p.value.value !== 'string') continue;
      if (isSecretLiteral(p.value.value, names, p.key)) {
        yield { line: p.keyLine, message: `${scope} has a literal secret in ${p.key}.`, resource: scope, secret: p.value.value };
        continue;
      }
      // A JSON object written as the secret (`SecretString: '{"username": "app", "password": "..."}'`): its fields named like a secret.
      for (const [field, secret] of jsonSecretFields(p.value.value, names))
        yield { line: p.keyLine, message: `${scope} has a literal secret in ${p.key} (its field ${field}).`, resource: scope, secret };
    }
    // A plain String parameter of Systems Manager named like a secret (`/app/db/password`): the value is written here, and stored unencrypted.
    for (const r of resourcesOf(t, 'AWS::SSM::Parameter')) {
      if ((text(t, prop(t, r, 'Type')?.value) ?? 'String') !== 'String') continue;
      const name = text(t, prop(t, r, 'Name')?.value) ?? r.id;
      const v = prop(t, r, 'Value');
      if (!v || !isYScalar(v.value) || typeof v.value.value !== 'string' || !isSecretName(name.replace(/[^A-Za-z0-9]+/g, '_'))) continue;
      if (isSecretLiteral(v.value.value, names, name)) yield { line: v.keyLine, message: `${label(r)} (${name}) holds a literal secret in Value.`, resource: label(r), secret: v.value.value };
    }
  },
});

/** The fields named like a secret of a JSON object written as a string, with their literal values (a JSON string that is not an object gives none). */
function jsonSecretFields(value: string, names: ReadonlySet<string>): Array<[string, string]> {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') || trimmed.length > 64 * 1024) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
  return Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string' && isSecretName(e[0]) && isSecretLiteral(e[1], names, e[0]));
}

/** The Default of a parameter named like a secret when it is a literal secret (iac/cfn-hardcoded-secret reports it there). */
function literalSecretDefault(t: CfnTemplate, parameter: CfnParameter): YPair | undefined {
  if (!isSecretName(parameter.name)) return undefined;
  if (REFERENCE_TYPES.test(text(t, field(t, parameter.node, 'Type')?.value) ?? '')) return undefined;
  const d = field(t, parameter.node, 'Default');
  if (!d || !isYScalar(d.value) || !isLiteralSecretValue(d.value.value) || !isSecretLiteral(String(d.value.value), new Set(), parameter.name)) return undefined;
  return d;
}

/**
 * The properties named like a secret in the resources of a template and in SAM's Globals
 * (which SAM merges into the resources), with the resource (or `Globals`) they belong to.
 * A secret-named key whose value is a block (a map or list) is not one itself: its keys are
 * read in turn.
 */
function* secretProperties(t: CfnTemplate): Generator<{ scope: string; pair: YPair }> {
  const scopes = [...t.resources.map((r) => ({ node: r.properties ?? null, label: label(r) })), ...(t.globals ? [{ node: t.globals, label: 'Globals' }] : [])];
  for (const scope of scopes) {
    const stack: Array<{ node: YNode | null; depth: number }> = [{ node: scope.node, depth: 0 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      if (!node || depth > 12 || intrinsic(node)) continue;
      if (isYSeq(node)) for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
      if (!isYMap(node)) continue;
      for (const p of node.pairs) {
        // Secrets Manager generates this one; its settings name the secret's fields. Cognito's
        // TokenValidityUnits give time units, and the keys of a policy Condition are condition keys.
        if (p.key === 'GenerateSecretString' || p.key === 'TokenValidityUnits' || p.key === 'Condition') continue;
        // `token.actions.githubusercontent.com:sub`, `aws:SourceArn`: an AWS condition key; `token.$`: a Step Functions JSONPath.
        if (CONDITION_KEY.test(p.key) || p.key.endsWith('.$')) continue;
        if (isSecretName(p.key) && (isYScalar(p.value) || intrinsic(p.value))) yield { scope: scope.label, pair: p };
        else stack.push({ node: p.value, depth: depth + 1 });
      }
    }
  }
}

/** Last words of a parameter name that say it names where a secret is, not the secret (`TokenTableName`, `DbSecretArn`). */
const NAMING_LAST = new Set(['name', 'names', 'arn', 'arns', 'id', 'ids', 'path', 'alias', 'url', 'uri', 'prefix', 'suffix', 'file', 'type', 'version', 'length']);

/**
 * The parameters whose value a property holds: `Ref` and the branches of an `Fn::If` (the
 * whole value), the `${Name}` of an `Fn::Sub` and the parts of an `Fn::Join` (a part of the
 * value, beside other text such as a user name). A value that builds a dynamic reference
 * (`{{resolve:secretsmanager:${SecretName}}}`) holds the secret's name, not the secret, and
 * gives none.
 */
function parametersIn(t: CfnTemplate, node: YNode | null | undefined, whole = true, out: Array<{ name: string; whole: boolean }> = [], depth = 0): Array<{ name: string; whole: boolean }> {
  const call = intrinsic(node);
  if (!call || depth > 12) return out;
  const args = isYSeq(call.arg) ? call.arg.items : [];
  switch (call.name) {
    case 'Ref':
      if (isYScalar(call.arg) && t.parameters.has(String(call.arg.value))) out.push({ name: String(call.arg.value), whole });
      break;
    case 'Fn::If':
      for (const branch of args.slice(1)) parametersIn(t, branch, whole, out, depth + 1);
      break;
    case 'Fn::Select':
      if (isYSeq(args[1])) for (const item of args[1].items) parametersIn(t, item, whole, out, depth + 1);
      break;
    case 'Fn::Sub': {
      const template = isYSeq(call.arg) ? args[0] : call.arg;
      const variables = isYSeq(call.arg) ? args[1] : undefined;
      if (!isYScalar(template) || typeof template.value !== 'string' || template.value.includes('{{resolve:')) break;
      // `!Sub "${DbPassword}"` is the parameter's value alone.
      const alone = whole && /^\$\{[^!}][^}]*\}$/.test(template.value.trim());
      for (const [, name] of template.value.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const given = isYMap(variables) ? variables.pairs.find((v) => v.key === name) : undefined;
        if (given) parametersIn(t, given.value, alone, out, depth + 1);
        else if (t.parameters.has(name!)) out.push({ name: name!, whole: alone });
      }
      break;
    }
    case 'Fn::Join': {
      const list = args[1];
      if (!isYSeq(list) || list.items.some((item) => isYScalar(item) && typeof item.value === 'string' && item.value.includes('{{resolve:'))) break;
      for (const item of list.items) parametersIn(t, item, false, out, depth + 1);
      break;
    }
  }
  return out;
}

const secretParameterShown: CfnRule = cfnRule({
  id: 'iac/cfn-secret-parameter-shown',
  title: 'Secret passed in a parameter without NoEcho',
  description:
    "A parameter whose value a property named like a secret takes (MasterUserPassword: !Ref DbPassword, an auth token, a client secret, a password in a function's environment, a nested stack's password parameter, also through Fn::If, or as a part of an Fn::Sub or Fn::Join when the parameter's own name says it is a secret, as a user name beside the password is not) is declared without NoEcho: true. CloudFormation then returns its value in clear text to anyone allowed to describe the stack (the console's Parameters tab, DescribeStacks, the AWS managed ReadOnlyAccess policy grants it), long after the deployment, in every account and region the template is deployed to. A parameter of an SSM or EC2 type, one limited to AllowedValues, one whose name says it names the secret (SecretArn, TokenTableName), or whose value builds a dynamic reference ({{resolve:secretsmanager:${SecretName}}}) holds no secret and is not reported. A parameter whose Default is itself a literal secret is iac/cfn-hardcoded-secret's finding. cfn-lint reports the same (W2501), as do cfn_nag's password rules.",
  remediation: 'Read the secret from Secrets Manager or SSM SecureString with a dynamic reference ({{resolve:secretsmanager:name:SecretString:password}}), let the service manage it (ManageMasterUserPassword for RDS), or at least declare the parameter with NoEcho: true and no Default.',
  severity: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      'Parameters:\n  # expect\n  DbPassword:\n    Type: String\n    MinLength: 12\nResources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      MasterUsername: app\n      MasterUserPassword: !Ref DbPassword\n',
      // An explicit NoEcho: false is the setting to change; an Fn::If branch and a nested stack's parameter pass the value on.
      'Parameters:\n  RedisAuth:\n    Type: String\n    # expect\n    NoEcho: "false"\n  UseAuth:\n    Type: String\n    Default: "true"\nConditions:\n  WithAuth: !Equals [!Ref UseAuth, "true"]\nResources:\n  Cache:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      TransitEncryptionEnabled: true\n      AuthToken: !If [WithAuth, !Ref RedisAuth, !Ref AWS::NoValue]\n',
      '{\n  "Parameters": {\n    # expect\n    "GitHubToken": { "Type": "String" }\n  },\n  "Resources": {\n    "App": {\n      "Type": "AWS::CloudFormation::Stack",\n      "Properties": {\n        "TemplateURL": "https://example.org/app.yaml",\n        "Parameters": { "OAuthToken": { "Fn::Sub": "token ${GitHubToken}" } }\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\nResources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      MasterUsername: app\n      MasterUserPassword: !Ref DbPassword\n',
      // The parameters name the secret, hold a reference to it, or take a setting.
      'Parameters:\n  DbSecretName:\n    Type: String\n  TokenTableName:\n    Type: String\n  ApiKeyParam:\n    Type: AWS::SSM::Parameter::Value<String>\n  AuthMode:\n    Type: String\n    AllowedValues: [token, none]\nResources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-postgresql\n      MasterUserPassword: !Sub "{{resolve:secretsmanager:${DbSecretName}:SecretString:password}}"\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          TOKEN_TABLE: !Ref TokenTableName\n          API_KEY: !Ref ApiKeyParam\n          AUTH_TOKEN_MODE: !Ref AuthMode\n',
      // The user name beside the password in a secret's JSON is no secret; the password is NoEcho.
      'Parameters:\n  JoinUser:\n    Type: String\n  JoinPassword:\n    Type: String\n    NoEcho: true\nResources:\n  JoinSecret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      SecretString: !Sub \'{"username": "${JoinUser}", "password": "${JoinPassword}"}\'\n',
    ],
  },
  *check(t) {
    const uses = new Map<string, string[]>();
    for (const { scope, pair: p } of secretProperties(t)) {
      // A parameter that is only a part of the value (the user name in a `{"username": ..., "password": ...}` secret) is judged by its own name.
      for (const { name, whole } of parametersIn(t, p.value)) if (whole || isSecretName(name)) uses.set(name, [...(uses.get(name) ?? []), `${p.key} of ${scope}`]);
    }
    for (const [name, where] of uses) {
      const parameter = t.parameters.get(name)!;
      const noEcho = field(t, parameter.node, 'NoEcho');
      if (noEcho && bool(t, noEcho.value) !== false) continue;
      const type = text(t, field(t, parameter.node, 'Type')?.value) ?? 'String';
      if (type !== 'String' || field(t, parameter.node, 'AllowedValues')) continue;
      if (NAMING_LAST.has(nameTokens(name).at(-1) ?? '') || literalSecretDefault(t, parameter)) continue;
      const places = [...new Set(where)];
      const more = places.length > 1 ? ` and ${places.length - 1} more` : '';
      yield {
        line: noEcho ? noEcho.keyLine : parameter.line,
        message: `Parameter ${name} is passed to ${places[0]}${more} without NoEcho: true: CloudFormation shows its value to anyone who can describe the stack.`,
        resource: `Parameter ${name}`,
      };
    }
  },
});

/** A literal that is a secret: not a dynamic reference, a JSON template, a placeholder type name or the name of a parameter or resource. */
function isSecretLiteral(v: string, names: ReadonlySet<string>, name?: string): boolean {
  const trimmed = v.trim();
  if (!isLiteralSecretValue(trimmed) || names.has(trimmed)) return false;
  // `$.input.token`, `$$.Task.Token`: a JSONPath into a state machine's input or context.
  if (/^\$\$?\./.test(trimmed)) return false;
  // `$request.header.x-api-key`, `method.request.header.Authorization`, `$context.authorizer.token`: an API Gateway selection or mapping expression names where API Gateway reads the value at request time.
  if (/^(?:\$(?:request|context|stageVariables|input)|(?:method|integration)\.(?:request|response)|context|stageVariables)\.[\w.-]+$/.test(trimmed)) return false;
  // A KMS key id is a UUID (elsewhere a UUID may well be an API key).
  if (name !== undefined && nameTokens(name).includes('kms') && UUID.test(trimmed)) return false;
  if (name !== undefined && isNameWordsStandIn(trimmed, name)) return false;
  return !/^\{\{resolve:/.test(trimmed) && !/^[[{]/.test(trimmed) && !/^(?:String|Number|CommaDelimitedList)$/.test(trimmed);
}

/**
 * A value made of two or more consecutive words of its own property name, after an optional
 * my/your/the (`ApiKeyValue: KeyValue`, `ApiKeyValue: MyAPIkey`): it says what to enter. One word
 * alone (`DbPassword: password`) is a weak secret as deployed and stays reported.
 */
function isNameWordsStandIn(value: string, name: string): boolean {
  if (!/^[A-Za-z][A-Za-z _-]*$/.test(value)) return false;
  const v = value.toLowerCase().replace(/[^a-z]/g, '').replace(/^(?:my|your|the)/, '');
  const tokens = nameTokens(name);
  for (let i = 0; i < tokens.length; i++) for (let j = i + 2; j <= tokens.length; j++) if (tokens.slice(i, j).join('') === v) return true;
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An IAM condition key: a service prefix or an OIDC provider host, a colon, the key. */
const CONDITION_KEY = /^[a-z0-9][a-z0-9.-]*:[A-Za-z]/;

/** Keys of an `AWS::CloudFormation::Authentication` entry that hold a credential. */
const INIT_CREDENTIALS = ['accessKeyId', 'secretKey', 'password'];

const initCredentials: CfnRule = cfnRule({
  id: 'iac/cfn-init-static-credentials',
  title: 'cfn-init authenticates with static credentials',
  description: 'An AWS::CloudFormation::Authentication entry in the resource Metadata gives cfn-init an access key, secret key or password. Resolved metadata is returned to anyone allowed cloudformation:DescribeStackResource and is stored on the instance, and the credentials are long-lived: whoever reads them keeps the access until they are rotated by hand.',
  remediation: 'Use type: S3 with roleName (the instance profile role) instead of accessKeyId/secretKey, and fetch other passwords at boot from Secrets Manager with the instance role.',
  severity: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n      AWS::CloudFormation::Authentication:\n        Artifacts:\n          type: S3\n          buckets: [artifacts]\n          # expect\n          accessKeyId: !Ref DeployKey\n          # expect\n          secretKey: !GetAtt DeployKey.SecretAccessKey\n    Properties:\n      ImageId: ami-12345678\n',
      'Resources:\n  Web:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Metadata:\n      AWS::CloudFormation::Authentication:\n        Repo:\n          type: basic\n          username: deploy\n          # expect\n          password: !Ref RepoPassword\n          uris: ["https://example.org/repo"]\n',
    ],
    negative: ['Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n      AWS::CloudFormation::Authentication:\n        Artifacts:\n          type: S3\n          buckets: [artifacts]\n          roleName: !Ref InstanceRole\n    Properties:\n      ImageId: ami-12345678\n'],
  },
  *check(t) {
    for (const r of t.resources) {
      const auth = pairAt(t, r.node, 'Metadata', 'AWS::CloudFormation::Authentication');
      const target = auth ? follow(t, auth.value) : undefined;
      if (!target || target === UNKNOWN || !isYMap(target)) continue;
      for (const entry of target.pairs) {
        for (const key of INIT_CREDENTIALS) {
          const credential = field(t, entry.value, key);
          if (!credential || credential.value === null) continue;
          const literal = isYScalar(credential.value) && typeof credential.value.value === 'string' && credential.value.value.length > 0 ? { secret: credential.value.value } : {};
          yield { line: credential.keyLine, message: `${label(r)} gives cfn-init a static ${key} in ${entry.key}: use roleName instead.`, resource: label(r), ...literal };
        }
      }
    }
  },
});

/** Where each resource type keeps the user data of its instances, under Properties. */
const USER_DATA: ReadonlyArray<[string, string[]]> = [
  ['AWS::EC2::Instance', ['UserData']],
  ['AWS::EC2::LaunchTemplate', ['LaunchTemplateData', 'UserData']],
  ['AWS::AutoScaling::LaunchConfiguration', ['UserData']],
];

/** The string scalars of a subtree (the literal parts of a `!Base64 !Sub` script and of `!Join` lists), bounded. */
function* stringScalars(node: YNode | null | undefined, depth = 0): Generator<YScalar & { value: string }> {
  if (!node || depth > 32) return;
  if (isYScalar(node)) {
    if (typeof node.value === 'string') yield node as YScalar & { value: string };
  } else if (isYMap(node)) for (const entry of node.pairs) yield* stringScalars(entry.value, depth + 1);
  else if (isYSeq(node)) for (const item of node.items) yield* stringScalars(item, depth + 1);
}

const userDataCredentials: CfnRule = cfnRule({
  id: 'iac/cfn-ec2-static-credentials',
  title: 'Instance configured with static AWS keys',
  description: 'The user data of an instance, launch template or launch configuration writes AWS access keys onto the machine (environment variables, ~/.aws/credentials, aws configure set). Long-lived keys on a server leak through images, backups, the instance metadata (user data is readable from the instance and by anyone with ec2:DescribeInstanceAttribute) and any file-read bug, and they do not rotate; an instance profile gives the same access with short-lived, rotated credentials.',
  remediation: 'Attach an IAM role through an instance profile (IamInstanceProfile) and remove the keys from the user data; revoke keys that were ever written there.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      # expect\n      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n          # detail\n          echo "aws_secret_access_key = ${DeploySecret}" >> /root/.aws/credentials\n',
      'Resources:\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        # expect\n        UserData: !Base64\n          Fn::Join:\n            - ""\n            - - "#!/bin/bash\\n"\n              # detail\n              - "export AWS_ACCESS_KEY_ID="\n              - !Ref DeployKey\n',
    ],
    negative: [
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      IamInstanceProfile: !Ref WebProfile\n      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n          aws s3 cp s3://${Bucket}/app.tar.gz /opt/app/\n',
    ],
  },
  *check(t) {
    for (const [type, path] of USER_DATA) {
      for (const r of resourcesOf(t, type)) {
        const key = prop(t, r, ...path);
        if (!key) continue;
        for (const scalar of stringScalars(key.value)) {
          const plain = STATIC_AWS_KEY_USE.exec(scalar.value);
          const encoded = plain ? undefined : base64Text(scalar.value);
          if (!plain && !(encoded && STATIC_AWS_KEY_USE.test(encoded))) continue;
          // A block scalar's text starts on the line after its indicator; a quoted one stays on its line.
          const block = !scalar.quoted && scalar.value.includes('\n');
          const detail = plain && block ? scalar.line + 1 + (scalar.value.slice(0, plain.index).match(/\n/g)?.length ?? 0) : scalar.line;
          yield { ...inside(key.keyLine, detail), message: `${label(r)} puts static AWS credentials on the instance (${path.at(-1)}).`, resource: label(r) };
          break;
        }
      }
    }
  },
});

/** A Secrets Manager dynamic reference: CloudFormation writes the secret's value in its place. */
const SECRETS_MANAGER_REFERENCE = /\{\{resolve:secretsmanager:[^}]*\}\}/;

/** The secrets a user data value writes in clear text: NoEcho parameters, access key secrets, Secrets Manager references. */
function userDataSecrets(t: CfnTemplate, value: YNode | null | undefined): Shown[] {
  const shown = shownSecrets(t, value);
  for (const scalar of stringScalars(value)) {
    const match = SECRETS_MANAGER_REFERENCE.exec(scalar.value);
    if (!match) continue;
    const block = !scalar.quoted && scalar.value.includes('\n');
    const line = block ? scalar.line + 1 + (scalar.value.slice(0, match.index).match(/\n/g)?.length ?? 0) : scalar.line;
    shown.push({ what: 'a Secrets Manager secret (dynamic reference)', severity: 'medium', line });
  }
  return shown;
}

const userDataSecret: CfnRule = cfnRule({
  id: 'iac/cfn-user-data-secret',
  title: 'Secret written into instance user data',
  description:
    "The user data of an instance, launch template or launch configuration is built from a NoEcho parameter, the SecretAccessKey of an access key the template creates, or a Secrets Manager dynamic reference. CloudFormation substitutes the value, so the secret is stored in the user data in clear text: any process on the instance (and any server-side request forgery) reads it from the metadata service without authentication, and anyone allowed ec2:DescribeInstanceAttribute or ec2:DescribeLaunchTemplateVersions reads it through the API. AWS's documentation says not to keep passwords or keys in user data; NoEcho masks a parameter only in the console and the DescribeStacks answer. A NoEcho parameter or a Secrets Manager secret is reported medium, an access key's secret high. Static AWS keys written under their usual names (AWS_SECRET_ACCESS_KEY, ~/.aws/credentials) are reported by iac/cfn-ec2-static-credentials instead.",
  remediation:
    "Have the instance fetch the secret at boot with its instance profile (aws secretsmanager get-secret-value, or aws ssm get-parameter --with-decryption) and pass only the secret's name or ARN in the user data; for access keys, give the instance a role instead.",
  severity: 'medium',
  cwe: ['CWE-312'],
  examples: {
    positive: [
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\nResources:\n  App:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      # expect\n      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n          cat > /etc/app.env <<EOF\n          # detail\n          DB_PASSWORD=${DbPassword}\n          EOF\n',
      'Parameters:\n  AdminPassword:\n    Type: String\n    NoEcho: "true"\nResources:\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        # expect\n        UserData: !Base64\n          Fn::Join:\n            - ""\n            - - "#!/bin/bash\\n"\n              - "echo admin:"\n              # detail\n              - !Ref AdminPassword\n              - " | chpasswd\\n"\n',
      'Resources:\n  Workers:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Properties:\n      ImageId: ami-12345678\n      InstanceType: t3.micro\n      # expect\n      UserData:\n        Fn::Base64: |\n          #!/bin/bash\n          # detail\n          echo "{{resolve:secretsmanager:prod/app:SecretString:token}}" > /etc/app/token\n',
    ],
    negative: [
      // The instance reads the secret itself; only its name is in the user data.
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n  DbSecretName:\n    Type: String\nResources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: !Ref DbPassword\n  App:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      IamInstanceProfile: !Ref AppProfile\n      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n          aws secretsmanager get-secret-value --secret-id ${DbSecretName} --query SecretString --output text > /etc/app/db\n          echo "host=${Db.Endpoint.Address}" >> /etc/app/db.conf\n',
      // Escaped, or given its own value beside the string.
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\nResources:\n  App:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      UserData:\n        Fn::Base64: !Sub\n          - |\n            #!/bin/bash\n            echo "${!DbPassword} stays a shell variable; ${DbPassword} is the path"\n          - DbPassword: /run/secrets/db\n',
    ],
  },
  *check(t) {
    for (const [type, path] of USER_DATA) {
      for (const r of resourcesOf(t, type)) {
        const key = prop(t, r, ...path);
        if (!key) continue;
        let shown = userDataSecrets(t, key.value);
        // Access keys written under their usual names are iac/cfn-ec2-static-credentials's.
        if ([...stringScalars(key.value)].some((s) => STATIC_AWS_KEY_USE.test(s.value))) shown = shown.filter((s) => s.severity !== 'high');
        if (shown.length === 0) continue;
        const first = shown.reduce((a, b) => (b.line < a.line ? b : a));
        const severity = shown.some((s) => s.severity === 'high') ? 'high' : 'medium';
        const whats = [...new Set(shown.map((s) => s.what))];
        yield { ...inside(key.keyLine, first.line), message: `${label(r)} writes ${whats.join(' and ')} into its ${path.at(-1)}, where ${whats.length > 1 ? 'they are' : 'it is'} kept in clear text and readable from the instance's metadata service and through the EC2 API.`, resource: label(r), severity };
      }
    }
  },
});

export const identityRules: readonly CfnRule[] = [fullAdmin, publicPrincipal, lambdaPublic, functionUrlPublic, apiMethodNoAuth, apiRouteNoAuth, hardcodedSecret, secretParameterShown, initCredentials, userDataCredentials, userDataSecret];

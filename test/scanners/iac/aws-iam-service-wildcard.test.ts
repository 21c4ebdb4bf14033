import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coveredBy } from '../../../src/scanners/iac/cloudformation/suppression-map.js';
import { findingsOf, lines, linesOf, messagesOf } from '../../helpers/iac-lines.js';

const WILDCARD = 'iac/tf-aws-iam-service-wildcard';
const ESCALATION = 'iac/tf-aws-iam-privilege-escalation';
const ADMIN = 'iac/tf-aws-iam-full-admin';
const CFN_WILDCARD = 'iac/cfn-iam-service-wildcard';
const CFN_ESCALATION = 'iac/cfn-iam-privilege-escalation';

/** An aws_iam_policy (line 1) whose policy (line 2) holds these statements, one per line from line 4. */
const policy = (...statements: string[]) => lines('resource "aws_iam_policy" "p" {', '  policy = jsonencode({', '    Statement = [', ...statements.map((s) => `      ${s},`), '    ]', '  })', '}');

describe('IAM service wildcards on every resource', () => {
  it('reports each service wildcard of a policy once, on the policy, pointing at the first statement', () => {
    const source = policy('{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" }', '{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }', '{ Effect = "Allow", Action = ["dynamodb:*", "sqs:*"], Resource = ["*"] }');
    assert.deepEqual(linesOf(WILDCARD, source), [2]);
    assert.deepEqual(messagesOf(WILDCARD, source), ['aws_iam_policy.p allows s3:*; dynamodb:*, sqs:* on every resource (line 5).']);
  });

  it('says when the statement covers everything outside its NotResource', () => {
    const source = policy('{ Effect = "Allow", Action = "ec2:*", NotResource = "arn:aws:ec2:*:*:instance/i-0123456789abcdef0" }');
    assert.deepEqual(messagesOf(WILDCARD, source), ['aws_iam_policy.p allows ec2:* on every resource outside NotResource (line 4).']);
  });

  it('leaves to the escalation and full-admin rules the statements they report', () => {
    for (const statement of ['{ Effect = "Allow", Action = "iam:*", Resource = "*" }', '{ Effect = "Allow", Action = ["lambda:*"], Resource = "*" }', '{ Effect = "Allow", Action = "glue:*", Resource = "*" }']) {
      assert.deepEqual(linesOf(WILDCARD, policy(statement)), [], statement);
      assert.deepEqual(linesOf(ESCALATION, policy(statement)), [2], statement);
    }
    const admin = policy('{ Effect = "Allow", Action = ["*", "ec2:*"], Resource = "*" }');
    assert.deepEqual(linesOf(WILDCARD, admin), []);
    assert.deepEqual(linesOf(ADMIN, admin), [2]);
  });

  it('judges conditions: resource keys scope the statement, caller keys and IfExists tests do not', () => {
    const conditioned = (condition: string) => policy(`{ Effect = "Allow", Action = "ec2:*", Resource = "*", Condition = ${condition} }`);
    for (const condition of ['{ StringEquals = { "aws:ResourceTag/team" = "payments" } }', '{ StringEquals = { "ec2:Vpc" = "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0123456789abcdef0" } }', '{ StringEquals = { "aws:ResourceAccount" = "123456789012" } }'])
      assert.deepEqual(linesOf(WILDCARD, conditioned(condition)), [], condition);
    for (const condition of ['{ Bool = { "aws:MultiFactorAuthPresent" = "true" } }', '{ IpAddress = { "aws:SourceIp" = "203.0.113.0/24" } }', '{ StringEqualsIfExists = { "aws:ResourceTag/team" = "payments" } }'])
      assert.deepEqual(linesOf(WILDCARD, conditioned(condition)), [2], condition);
  });

  it('never reports Deny, scoped resources, a trust policy or a resource policy', () => {
    assert.deepEqual(linesOf(WILDCARD, policy('{ Effect = "Deny", Action = "s3:*", Resource = "*" }', '{ Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::reports/*" }')), []);
    const trust = lines('resource "aws_iam_role" "r" {', '  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:*", Principal = { Service = "ec2.amazonaws.com" } }] })', '}');
    assert.deepEqual(linesOf(WILDCARD, trust), []);
  });

  it('leaves out the Systems Manager agent channels, which name no resource of the account', () => {
    assert.deepEqual(linesOf(WILDCARD, policy('{ Effect = "Allow", Action = ["ec2messages:*", "ssm:UpdateInstanceInformation", "ssmmessages:*"], Resource = "*" }')), []);
    assert.deepEqual(messagesOf(WILDCARD, policy('{ Effect = "Allow", Action = ["ssmmessages:*", "logs:*"], Resource = "*" }')), ['aws_iam_policy.p allows logs:* on every resource (line 4).']);
  });

  it('CloudFormation: the same judgement, with escalation left to its rule', () => {
    const template = (action: string) =>
      lines('Resources:', '  P:', '    Type: AWS::IAM::ManagedPolicy', '    Properties:', '      PolicyDocument:', '        Statement:', '          - Effect: Allow', `            Action: "${action}"`, '            Resource: "*"');
    assert.deepEqual(linesOf(CFN_WILDCARD, template('s3:*'), 'stack.yaml'), [5]);
    assert.deepEqual(linesOf(CFN_WILDCARD, template('iam:*'), 'stack.yaml'), []);
    assert.deepEqual(linesOf(CFN_ESCALATION, template('iam:*'), 'stack.yaml'), [5]);
  });
});

describe('IAM policies attached directly to users', () => {
  const USER = 'iac/tf-aws-iam-user-policy';
  it('reports the setting that names the user, and not attachments whose users cannot be told or are none', () => {
    const source = lines(
      'variable "users" {}',
      'resource "aws_iam_policy_attachment" "unknown" {',
      '  name       = "unknown"',
      '  users      = var.users',
      '  policy_arn = aws_iam_policy.p.arn',
      '}',
      'resource "aws_iam_policy_attachment" "none" {',
      '  name       = "none"',
      '  users      = []',
      '  groups     = [aws_iam_group.g.name]',
      '  policy_arn = aws_iam_policy.p.arn',
      '}',
      'resource "aws_iam_user_policy_attachments_exclusive" "cleared" {',
      '  user_name   = aws_iam_user.u.name',
      '  policy_arns = []',
      '}',
      'resource "aws_iam_user_policy_attachments_exclusive" "given" {',
      '  user_name   = aws_iam_user.u.name',
      '  policy_arns = [aws_iam_policy.p.arn]',
      '}',
    );
    assert.deepEqual(linesOf(USER, source), [18]);
  });
});

describe('Suppressions of other tools for the IAM wildcard and user-policy rules', () => {
  const suppressed = (source: string, rule: string) => {
    const found = findingsOf(rule, source, 'stack.yaml');
    return found.map((f) => Boolean(f.inSourceSuppression));
  };
  const template = (metadata: string) =>
    lines(
      'Resources:',
      '  Reports:',
      '    Type: AWS::IAM::ManagedPolicy',
      ...(metadata ? ['    Metadata:', `      ${metadata}`] : []),
      '    Properties:',
      '      Users: [!Ref Bob]',
      '      PolicyDocument:',
      '        Statement:',
      '          - Effect: Allow',
      '            Action: athena:*',
      '            Resource: "*"',
    );

  it('cdk-nag IAMUserNoPolicies and IAMPolicyNoStatementsWithFullAccess (in the packs that hold them), cfn-guard IAM_USER_NO_POLICIES_CHECK', () => {
    assert.deepEqual(suppressed(template(''), 'iac/cfn-iam-user-policy'), [false]);
    assert.deepEqual(suppressed(template('cdk_nag: { rules_to_suppress: [{ id: NIST.800.53.R5-IAMUserNoPolicies, reason: service account kept for a vendor }] }'), 'iac/cfn-iam-user-policy'), [true]);
    assert.deepEqual(suppressed(template('guard: { SuppressedRules: [IAM_USER_NO_POLICIES_CHECK] }'), 'iac/cfn-iam-user-policy'), [true]);
    assert.deepEqual(suppressed(template('cdk_nag: { rules_to_suppress: [{ id: PCI.DSS.321-IAMPolicyNoStatementsWithFullAccess, reason: query runner }] }'), 'iac/cfn-iam-service-wildcard'), [true]);
    assert.deepEqual(coveredBy('cdk_nag', 'NIST.800.53.R4-IAMPolicyNoStatementsWithFullAccess'), []);
    // A granular IAM5 suppression names the service's finding id, which the mapping cannot tell: it covers nothing.
    assert.deepEqual(suppressed(template('cdk_nag: { rules_to_suppress: [{ id: AwsSolutions-IAM5, reason: query runner, applies_to: ["Action::athena:*", "Resource::*"] }] }'), 'iac/cfn-iam-service-wildcard'), [false]);
    assert.deepEqual(suppressed(template('cdk_nag: { rules_to_suppress: [{ id: AwsSolutions-IAM5, reason: query runner }] }'), 'iac/cfn-iam-service-wildcard'), [true]);
  });
});

describe('Terraform: checkov and Trivy suppressions for the IAM wildcard and user-policy rules', () => {
  it('CKV_AWS_40 covers a policy given to a user; Trivy no-policy-wildcards covers a service wildcard, not Allow with NotAction', () => {
    const attached = (comment: string) => `resource "aws_iam_user_policy_attachment" "read" {\n  ${comment}\n  user       = "alice"\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n`;
    assert.deepEqual(findingsOf('iac/tf-aws-iam-user-policy', attached('# nothing')).map((f) => Boolean(f.inSourceSuppression)), [false]);
    assert.deepEqual(findingsOf('iac/tf-aws-iam-user-policy', attached('#checkov:skip=CKV_AWS_40: vendor account')).map((f) => Boolean(f.inSourceSuppression)), [true]);
    const wildcard = (statement: string) => `resource "aws_iam_policy" "p" {\n  #trivy:ignore:AVD-AWS-0057\n  policy = jsonencode({ Statement = [${statement}] })\n}\n`;
    assert.deepEqual(findingsOf(WILDCARD, wildcard('{ Effect = "Allow", Action = "s3:*", Resource = "*" }')).map((f) => Boolean(f.inSourceSuppression)), [true]);
    assert.deepEqual(findingsOf(WILDCARD, wildcard('{ Effect = "Allow", NotAction = ["iam:*", "lambda:*", "glue:*"], Resource = "*" }')).map((f) => Boolean(f.inSourceSuppression)), [false]);
  });
});

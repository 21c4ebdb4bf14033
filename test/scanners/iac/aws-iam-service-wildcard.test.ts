import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lines, linesOf, messagesOf } from '../../helpers/iac-lines.js';

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

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, lines } from '../../helpers/iac-lines.js';

const ESCALATION = 'iac/tf-aws-iam-privilege-escalation';

/** A role (line 1) with this permissions boundary and an inline policy allowing these actions on every resource, and more blocks. */
const role = (boundary: string, actions: string[], ...more: string[]) =>
  lines(
    'resource "aws_iam_role" "ci" {',
    '  name                 = "ci"',
    '  assume_role_policy   = data.aws_iam_policy_document.trust.json',
    `  permissions_boundary = ${boundary}`,
    '}',
    'resource "aws_iam_role_policy" "ci" {',
    '  role   = aws_iam_role.ci.id',
    `  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ${JSON.stringify(actions)}, Resource = "*" }] })`,
    '}',
    ...more,
  );

/** An aws_iam_policy "boundary" whose jsonencode document holds these statements. */
const boundaryPolicy = (...statements: string[]) => ['resource "aws_iam_policy" "boundary" {', '  policy = jsonencode({', `    Statement = [${statements.join(', ')}]`, '  })', '}'];

const said = (source: string) => findingsOf(ESCALATION, source).map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);

describe('Terraform privilege escalation: permissions boundaries', () => {
  it('reports only the paths whose every action the boundary lets through', () => {
    const source = role('aws_iam_policy.boundary.arn', ['iam:PutRolePolicy', 'iam:PassRole', 'ec2:RunInstances'], ...boundaryPolicy('{ Effect = "Allow", Action = ["iam:PassRole", "ec2:*"], Resource = "*" }'));
    assert.deepEqual(said(source), ['1 high aws_iam_role.ci can escalate its privileges through iam:PassRole + ec2:RunInstances (granted by aws_iam_role_policy.ci).']);
  });

  it('reports nothing when the boundary allows none of the paths, or denies them on every resource', () => {
    const actions = ['iam:PutRolePolicy', 'lambda:UpdateFunctionCode'];
    assert.deepEqual(said(role('aws_iam_policy.boundary.arn', actions, ...boundaryPolicy('{ Effect = "Allow", Action = ["s3:*", "iam:Get*"], Resource = "*" }'))), []);
    assert.deepEqual(said(role('aws_iam_policy.boundary.arn', actions, ...boundaryPolicy('{ Effect = "Allow", Action = "*", Resource = "*" }', '{ Effect = "Deny", NotAction = ["s3:*", "logs:*"], Resource = "*" }'))), []);
    // A Deny with a condition, or on some resources only, may let the action through.
    const conditional = boundaryPolicy('{ Effect = "Allow", Action = "*", Resource = "*" }', '{ Effect = "Deny", Action = ["iam:*", "lambda:*"], Resource = "*", Condition = { StringNotEquals = { "aws:RequestedRegion" = "eu-west-1" } } }');
    assert.equal(said(role('aws_iam_policy.boundary.arn', actions, ...conditional)).length, 1);
    const scoped = boundaryPolicy('{ Effect = "Allow", Action = "*", Resource = "*" }', '{ Effect = "Deny", Action = ["iam:*", "lambda:*"], Resource = "arn:aws:iam::123456789012:role/admin" }');
    assert.equal(said(role('aws_iam_policy.boundary.arn', actions, ...scoped)).length, 1);
  });

  it('reads a boundary built by a policy document, and its instance of a for_each', () => {
    const document = (actions: string) => ['resource "aws_iam_policy" "boundary" {', '  policy = data.aws_iam_policy_document.boundary.json', '}', 'data "aws_iam_policy_document" "boundary" {', '  statement {', `    actions   = ${actions}`, '    resources = ["*"]', '  }', '}'];
    assert.deepEqual(said(role('aws_iam_policy.boundary.arn', ['iam:CreatePolicyVersion'], ...document('["s3:*"]'))), []);
    assert.equal(said(role('aws_iam_policy.boundary.arn', ['iam:CreatePolicyVersion'], ...document('["iam:*"]'))).length, 1);
    const perKey = ['resource "aws_iam_policy" "boundary" {', '  for_each = { strict = ["s3:*"], loose = ["iam:*"] }', '  policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }] })', '}'];
    // The instance no one has as a boundary is a policy of its own (reported on line 12 when it allows an escalation).
    const onRole = (source: string) => said(source).filter((s) => s.startsWith('1 '));
    assert.deepEqual(onRole(role('aws_iam_policy.boundary["strict"].arn', ['iam:CreatePolicyVersion'], ...perKey)), []);
    assert.equal(onRole(role('aws_iam_policy.boundary["loose"].arn', ['iam:CreatePolicyVersion'], ...perKey)).length, 1);
    assert.deepEqual(said(role('aws_iam_policy.boundary["loose"].arn', ['iam:CreatePolicyVersion'], ...perKey)).map((s) => s.split(' ')[0]), ['1']);
  });

  it('keeps the finding at medium severity for a boundary it cannot read, and says so', () => {
    const actions = ['iam:AttachRolePolicy'];
    assert.deepEqual(said(role('"arn:aws:iam::123456789012:policy/workload-boundary"', actions)), [
      '1 medium aws_iam_role.ci can escalate its privileges through iam:AttachRolePolicy (granted by aws_iam_role_policy.ci), unless its permissions boundary (arn:aws:iam::123456789012:policy/workload-boundary), whose document is not in this configuration, excludes them.',
    ]);
    // A document whose allowed actions cannot be read (a variable without a default), or one merged from other documents.
    const unread = [...boundaryPolicy('{ Effect = "Allow", Action = var.allowed, Resource = "*" }'), 'variable "allowed" {', '  type = list(string)', '}'];
    assert.deepEqual(said(role('aws_iam_policy.boundary.arn', actions, ...unread)).map((s) => s.split(' ')[1]), ['medium']);
    const merged = ['resource "aws_iam_policy" "boundary" {', '  policy = data.aws_iam_policy_document.boundary.json', '}', 'data "aws_iam_policy_document" "boundary" {', '  source_policy_documents = [var.base]', '  statement {', '    actions   = ["s3:*"]', '    resources = ["*"]', '  }', '}'];
    assert.deepEqual(said(role('aws_iam_policy.boundary.arn', actions, ...merged)).map((s) => s.split(' ')[1]), ['medium']);
  });

  it('does not report a policy that roles or users have only as their permissions boundary: it grants nothing', () => {
    const source = lines(
      'resource "aws_iam_role" "app" {',
      '  name                 = "app"',
      '  assume_role_policy   = data.aws_iam_policy_document.trust.json',
      '  permissions_boundary = aws_iam_policy.boundary.arn',
      '}',
      ...boundaryPolicy('{ Effect = "Allow", Action = ["iam:PassRole", "iam:PutRole*", "ec2:RunInstances"], Resource = "*" }'),
      // The same document attached to no one, nor a boundary: a policy of its own that allows the escalation.
      'resource "aws_iam_policy" "spare" {',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:PutRolePolicy"], Resource = "*" }] })',
      '}',
    );
    assert.deepEqual(said(source).map((s) => s.split(' ').slice(0, 3).join(' ')), ['12 high aws_iam_policy.spare']);
  });

  it('reports no grant of a policy that is only a permissions boundary, and the grants of one that is also attached', () => {
    const boundary = boundaryPolicy('{ Effect = "Allow", Action = "*", Resource = "*" }', '{ Effect = "Allow", Action = ["s3:*", "iam:PassRole"], Resource = "*" }', '{ Effect = "Deny", Action = "iam:*", Resource = "*" }');
    const source = lines('resource "aws_iam_role" "app" {', '  name                 = "app"', '  assume_role_policy   = data.aws_iam_policy_document.trust.json', '  permissions_boundary = aws_iam_policy.boundary.arn', '}', ...boundary);
    const rules = ['iac/tf-aws-iam-full-admin', 'iac/tf-aws-iam-passrole-wildcard', 'iac/tf-aws-iam-service-wildcard', ESCALATION];
    const fired = (text: string) => rules.filter((rule) => findingsOf(rule, text).length > 0);
    assert.deepEqual(fired(source), []);
    const attached = source + lines('resource "aws_iam_role_policy_attachment" "ops" {', '  role       = aws_iam_role.ops.name', '  policy_arn = aws_iam_policy.boundary.arn', '}', 'resource "aws_iam_role" "ops" {', '  name               = "ops"', '  assume_role_policy = data.aws_iam_policy_document.trust.json', '}');
    assert.deepEqual(fired(attached), ['iac/tf-aws-iam-full-admin', 'iac/tf-aws-iam-passrole-wildcard', 'iac/tf-aws-iam-service-wildcard']);
  });

  it('reads no boundary where there may be none (a variable left null), or the AWS managed AdministratorAccess', () => {
    const actions = ['iam:AttachRolePolicy'];
    const nullable = ['variable "boundary" {', '  type    = string', '  default = null', '}'];
    assert.deepEqual(said(role('var.boundary', actions, ...nullable)).map((s) => s.split(' ')[1]), ['high']);
    assert.deepEqual(said(role('var.unset', actions)).map((s) => s.split(' ')[1]), ['high']);
    assert.deepEqual(said(role('"arn:aws:iam::aws:policy/AdministratorAccess"', actions)).map((s) => s.split(' ')[1]), ['high']);
  });
});

describe('Terraform privilege escalation: AWS managed IAMFullAccess and PowerUserAccess', () => {
  const attached = (arn: string, ...more: string[]) =>
    lines('resource "aws_iam_role" "ops" {', '  name               = "ops"', '  assume_role_policy = data.aws_iam_policy_document.trust.json', '}', 'resource "aws_iam_role_policy_attachment" "managed" {', '  role       = aws_iam_role.ops.name', `  policy_arn = "${arn}"`, '}', ...more);

  it('reads what they grant, with the attachment that gives it', () => {
    assert.deepEqual(said(attached('arn:aws:iam::aws:policy/IAMFullAccess')), [
      '1 high aws_iam_role.ops can escalate its privileges through iam:CreatePolicyVersion; iam:SetDefaultPolicyVersion; iam:CreateAccessKey; and 9 more (granted by IAMFullAccess via aws_iam_role_policy_attachment.managed).',
    ]);
    assert.deepEqual(said(attached('arn:aws:iam::aws:policy/PowerUserAccess')), ['1 high aws_iam_role.ops can escalate its privileges through lambda:UpdateFunctionCode; glue:UpdateDevEndpoint (granted by PowerUserAccess via aws_iam_role_policy_attachment.managed).']);
    // With the actions of another policy: iam:PassRole from IAMFullAccess, ec2:RunInstances from the role's own policy.
    const withRun = attached('arn:aws:iam::aws:policy/IAMFullAccess', 'resource "aws_iam_role_policy" "run" {', '  role   = aws_iam_role.ops.id', '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ec2:RunInstances", Resource = "*" }] })', '}');
    assert.match(said(withRun)[0]!, /and 10 more \(granted by aws_iam_role_policy\.run, IAMFullAccess via aws_iam_role_policy_attachment\.managed\)\.$/);
    // Other AWS managed policies are not read here; AdministratorAccess is tf-aws-iam-full-admin's.
    assert.deepEqual(said(attached('arn:aws:iam::aws:policy/ReadOnlyAccess')), []);
    assert.deepEqual(said(attached('arn:aws:iam::aws:policy/AdministratorAccess')), []);
  });

  it('reads them as boundaries too', () => {
    // IAMFullAccess bounded by PowerUserAccess: no IAM action gets through.
    const bounded = attached('arn:aws:iam::aws:policy/IAMFullAccess').replace('  name               = "ops"', '  name                 = "ops"\n  permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess"');
    assert.deepEqual(said(bounded), []);
  });
});

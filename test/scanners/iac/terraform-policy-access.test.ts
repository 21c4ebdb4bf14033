import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { policies } from '../../../src/scanners/iac/terraform/policy.js';
import { linesOf } from '../../helpers/iac-lines.js';

const PUBLIC = 'iac/tf-aws-policy-public-principal';
const ALL_ACTIONS = 'iac/tf-aws-resource-policy-all-actions';

/** A queue policy whose one statement admits Principal "*" under the given condition (line 3 holds the policy). */
const queuePolicy = (condition: string) =>
  `resource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy = <<EOF\n{\n  "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*", "Condition": ${condition}}]\n}\nEOF\n}\n`;

describe('Terraform public principal: wildcards in conditions', () => {
  it('keeps conditions whose wildcards leave the account, organisation or bucket pinned', () => {
    for (const condition of [
      '{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}}',
      '{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:${data.aws_caller_identity.me.account_id}:*"}}',
      '{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-bucket/*"}}',
      '{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-abc/r-1/ou-2/*"]}}',
      '{"StringLike": {"aws:userid": "AROAEXAMPLEROLEID:*"}}',
      // In a StringEquals test a star is a literal character.
      '{"StringEquals": {"aws:SourceVpce": "vpce-*"}}',
    ])
      assert.deepEqual(linesOf(PUBLIC, queuePolicy(condition)), [], condition);
  });

  it('reports conditions whose wildcards admit any account, organisation, network or bucket', () => {
    for (const condition of [
      '{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:orders"}}',
      // ArnEquals matches wildcards as ArnLike does.
      '{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:*:orders"}}',
      '{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-*"}}',
      '{"ArnLike": {"aws:SourceArn": ["arn:aws:sns:eu-west-1:123456789012:a", "*"]}}',
      '{"StringLike": {"aws:SourceVpce": "vpce-*"}}',
      '{"StringLike": {"aws:SourceAccount": "1234*"}}',
      '{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*/r-1/*"}}',
    ])
      assert.deepEqual(linesOf(PUBLIC, queuePolicy(condition)), [3], condition);
  });
});

describe('Terraform public principal: NotPrincipal', () => {
  const document = (effect: string, kind: string, identifiers: string) =>
    `data "aws_iam_policy_document" "b" {\n  statement {\n    effect    = "${effect}"\n    actions   = ["s3:GetObject"]\n    resources = ["arn:aws:s3:::b/*"]\n    ${kind} {\n      type        = "AWS"\n      identifiers = [${identifiers}]\n    }\n  }\n}\nresource "aws_s3_bucket_policy" "b" {\n  bucket = "b"\n  policy = data.aws_iam_policy_document.b.json\n}\n`;

  it('reports an Allow that names the principals it does not apply to', () => {
    assert.deepEqual(linesOf(PUBLIC, document('Allow', 'not_principals', '"arn:aws:iam::123456789012:role/audit"')), [14]);
    assert.deepEqual(linesOf(PUBLIC, document('Allow', 'principals', '"arn:aws:iam::123456789012:role/audit"')), []);
  });

  it('leaves a Deny with NotPrincipal, and a NotPrincipal of everyone, alone', () => {
    assert.deepEqual(linesOf(PUBLIC, document('Deny', 'not_principals', '"arn:aws:iam::123456789012:role/app"')), []);
    assert.deepEqual(linesOf(PUBLIC, document('Allow', 'not_principals', '"*"')), []);
  });

  it('keeps not_principals out of the principals of a policy document', () => {
    const tf = readTerraform(document('Deny', 'not_principals', '"arn:aws:iam::123456789012:role/app"'), () => {})!;
    const [statement] = [...policies(tf)][0]!.statements;
    assert.deepEqual(statement!.principals, []);
    assert.deepEqual(statement!.notPrincipals, ['AWS:arn:aws:iam::123456789012:role/app']);
    assert.equal(statement!.hasPrincipal, true);
  });
});

describe('Terraform resource policies of more services', () => {
  const open = (statement: string) => `jsonencode({\n    Statement = [${statement}]\n  })`;
  const anyone = '{ Effect = "Allow", Principal = "*", Action = "events:PutEvents", Resource = "*" }';

  it('reads the policies of event buses, Glacier vaults, CodeArtifact and S3 access points', () => {
    assert.deepEqual(linesOf(PUBLIC, `resource "aws_cloudwatch_event_bus_policy" "p" {\n  event_bus_name = "orders"\n  policy = ${open(anyone)}\n}\n`), [3]);
    assert.deepEqual(linesOf(PUBLIC, `resource "aws_glacier_vault" "v" {\n  name          = "archive"\n  access_policy = ${open('{ Effect = "Allow", Principal = "*", Action = "glacier:InitiateJob", Resource = "*" }')}\n}\n`), [3]);
    assert.deepEqual(
      linesOf(PUBLIC, `resource "aws_codeartifact_repository_permissions_policy" "p" {\n  domain          = "d"\n  repository      = "r"\n  policy_document = ${open('{ Effect = "Allow", Principal = "*", Action = "codeartifact:ReadFromRepository", Resource = "*" }')}\n}\n`),
      [4],
    );
    assert.deepEqual(linesOf(PUBLIC, `resource "aws_s3_access_point" "a" {\n  bucket = "b"\n  name   = "a"\n  policy = ${open('{ Effect = "Allow", Principal = { AWS = "*" }, Action = "s3:GetObject", Resource = "*" }')}\n}\n`), [4]);
  });

  it('reports service-wide actions on every resource policy it reads', () => {
    const role = 'Principal = { AWS = "arn:aws:iam::123456789012:role/app" }';
    assert.deepEqual(linesOf(ALL_ACTIONS, `resource "aws_secretsmanager_secret" "s" {\n  name   = "s"\n  policy = ${open(`{ Effect = "Allow", ${role}, Action = "secretsmanager:*", Resource = "*" }`)}\n}\n`), [3]);
    assert.deepEqual(linesOf(ALL_ACTIONS, `resource "aws_kinesis_resource_policy" "k" {\n  resource_arn = aws_kinesis_stream.s.arn\n  policy = ${open(`{ Effect = "Allow", ${role}, Action = "kinesis:*", Resource = "*" }`)}\n}\n`), [3]);
    assert.deepEqual(linesOf(ALL_ACTIONS, `resource "aws_elasticsearch_domain" "d" {\n  domain_name     = "d"\n  access_policies = ${open(`{ Effect = "Allow", ${role}, Action = "es:*", Resource = "arn:aws:es:eu-west-1:123456789012:domain/d/*" }`)}\n}\n`), [3]);
    assert.deepEqual(linesOf(ALL_ACTIONS, `resource "aws_elasticsearch_domain" "d" {\n  domain_name     = "d"\n  access_policies = ${open(`{ Effect = "Allow", ${role}, Action = ["es:ESHttpGet", "es:ESHttpPost"], Resource = "arn:aws:es:eu-west-1:123456789012:domain/d/*" }`)}\n}\n`), []);
  });

  it('reports an Allow with NotAction, not a Deny with NotAction', () => {
    const topic = (effect: string) =>
      `resource "aws_sns_topic_policy" "t" {\n  arn    = aws_sns_topic.t.arn\n  policy = ${open(`{ Effect = "${effect}", Principal = { AWS = "arn:aws:iam::123456789012:role/app" }, NotAction = ["sns:Publish"], Resource = "*" }`)}\n}\n`;
    assert.deepEqual(linesOf(ALL_ACTIONS, topic('Allow')), [3]);
    assert.deepEqual(linesOf(ALL_ACTIONS, topic('Deny')), []);
  });

  it('still accepts the default key policy that gives the account root kms:*', () => {
    const key = `resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n  policy = ${open('{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root" }, Action = "kms:*", Resource = "*" }')}\n}\n`;
    assert.deepEqual(linesOf(ALL_ACTIONS, key), []);
  });
});

describe('Terraform policies passed to the S3 bucket module', () => {
  const bucket = (attach: string) =>
    `module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.0"\n  bucket  = "b"\n${attach}  policy  = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:DeleteObject", Resource = "arn:aws:s3:::b/*" }]\n  })\n}\n`;

  it('reads the policy only when the module attaches it (attach_policy = true)', () => {
    assert.deepEqual(linesOf(PUBLIC, bucket('')), []);
    assert.deepEqual(linesOf(PUBLIC, bucket('  attach_policy = true\n')), [6]);
  });
});

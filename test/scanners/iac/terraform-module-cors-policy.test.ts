import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';

/** Addresses of the resources the module calls of a text make. */
function made(source: string): string[] {
  const input = readTerraform(source, () => {});
  assert.ok(input);
  return input.resources.filter((r) => r.module).map((r) => r.address).sort();
}

/** `rule:line` (and `+detail` line) of the findings of some rules on a text. */
function hits(source: string, ...rules: string[]): string[] {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => rules.some((r) => f.ruleId === `iac/tf-aws-${r}`))
    .map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}`)
    .sort();
}

const bucket = (version: string | undefined, inputs: string) =>
  ['module "site" {', '  source  = "terraform-aws-modules/s3-bucket/aws"', ...(version ? [`  version = "${version}"`] : []), '  bucket  = "site-uploads"', inputs, '}', ''].join('\n');

const writeFromAnywhere = ['  cors_rule = [', '    {', '      allowed_methods = ["GET"]', '      allowed_origins = ["*"]', '    },', '    {', '      allowed_methods = ["PUT", "POST"]', '      allowed_origins = ["*"]', '      max_age_seconds = 600', '    },', '  ]'].join('\n');

describe('terraform-aws-modules/s3-bucket cors_rule', () => {
  it('builds a CORS configuration from 3.0.0 and reports a write rule open to any origin on its origins', () => {
    assert.ok(made(bucket('~> 4.0', writeFromAnywhere)).includes('module.site.aws_s3_bucket_cors_configuration.this'));
    // Lines: 5 cors_rule, 12 the allowed_origins of the second rule.
    assert.deepEqual(hits(bucket('~> 4.0', writeFromAnywhere), 's3-cors-any-origin-write'), ['s3-cors-any-origin-write:12']);
    assert.deepEqual(hits(bucket('3.15.1', writeFromAnywhere), 's3-cors-any-origin-write'), ['s3-cors-any-origin-write:12']);
  });

  it('puts the rules in the bucket itself before 3.0.0, from cors_rule_inputs in 0.0.1', () => {
    const v2 = bucket('~> 2.0', writeFromAnywhere);
    assert.ok(!made(v2).includes('module.site.aws_s3_bucket_cors_configuration.this'));
    assert.deepEqual(hits(v2, 's3-cors-any-origin-write'), ['s3-cors-any-origin-write:12']);
    // Until 1.11.0 the input was one object.
    assert.deepEqual(hits(bucket('1.5.0', '  cors_rule = {\n    allowed_methods = ["DELETE"]\n    allowed_origins = ["*"]\n  }'), 's3-cors-any-origin-write'), ['s3-cors-any-origin-write:7']);
    const first = '  cors_rule_inputs = [{\n    allowed_headers = ["*"]\n    allowed_methods = ["PUT"]\n    allowed_origins = ["*"]\n    expose_headers  = []\n    max_age_seconds = 0\n  }]';
    assert.deepEqual(hits(bucket('0.0.1', first), 's3-cors-any-origin-write'), ['s3-cors-any-origin-write:8']);
    // 0.0.1 has no cors_rule input (Terraform rejects the call), and later releases no cors_rule_inputs.
    assert.deepEqual(hits(bucket('0.0.1', writeFromAnywhere), 's3-cors-any-origin-write'), []);
    assert.deepEqual(hits(bucket('~> 4.0', first), 's3-cors-any-origin-write'), []);
  });

  it('reads the rules when the version is not pinned: every release applies them', () => {
    assert.deepEqual(hits(bucket(undefined, writeFromAnywhere), 's3-cors-any-origin-write'), ['s3-cors-any-origin-write:11']);
    assert.deepEqual(hits(bucket('>= 2.0', writeFromAnywhere), 's3-cors-any-origin-write'), ['s3-cors-any-origin-write:12']);
  });

  it('does not report read-only rules, named origins, or a bucket the module does not create', () => {
    const safe = '  cors_rule = [\n    { allowed_methods = ["GET", "HEAD"], allowed_origins = ["*"] },\n    { allowed_methods = ["PUT"], allowed_origins = ["https://app.example.org"] },\n  ]';
    assert.deepEqual(hits(bucket('~> 4.0', safe), 's3-cors-any-origin-write'), []);
    assert.deepEqual(hits(bucket('~> 2.0', safe), 's3-cors-any-origin-write'), []);
    assert.deepEqual(hits(bucket('~> 4.0', `  create_bucket = false\n${writeFromAnywhere}`), 's3-cors-any-origin-write'), []);
    assert.deepEqual(hits(bucket('~> 4.6', `  is_directory_bucket = true\n${writeFromAnywhere}`), 's3-cors-any-origin-write'), []);
    assert.deepEqual(made(bucket('~> 4.0', '  cors_rule = []')), ['module.site.aws_s3_bucket.this', 'module.site.aws_s3_bucket_public_access_block.this']);
  });

  it('never reports rules it cannot read, and still reads the rest of the module', () => {
    assert.deepEqual(hits(bucket('~> 4.0', '  cors_rule = [{ allowed_methods = ["PUT"], allowed_origins = var.origins }]'), 's3-cors-any-origin-write'), []);
    assert.deepEqual(hits(bucket('~> 4.0', '  cors_rule = [{ allowed_methods = var.methods, allowed_origins = ["*"] }]'), 's3-cors-any-origin-write'), []);
    // A list from a variable (or JSON text from Terragrunt) leaves only the CORS configuration out.
    assert.deepEqual(made(bucket('~> 4.0', '  cors_rule = var.cors_rules')), ['module.site.aws_s3_bucket.this', 'module.site.aws_s3_bucket_public_access_block.this']);
    // Whether the bucket is a directory bucket decides whether there is an aws_s3_bucket at all, as create_bucket does.
    assert.deepEqual(made(bucket('~> 4.0', `  is_directory_bucket = var.directory\n${writeFromAnywhere}`)), []);
  });
});

const queue = (version: string | undefined, inputs: string) =>
  ['module "orders" {', '  source  = "terraform-aws-modules/sqs/aws"', ...(version ? [`  version = "${version}"`] : []), '  name    = "orders"', inputs, '}', ''].join('\n');

const POLICY_RULES = ['policy-public-principal', 'resource-policy-all-actions'];

describe('terraform-aws-modules/sqs queue_policy_statements', () => {
  const open = [
    '  create_queue_policy = true',
    '  queue_policy_statements = {',
    '    anyone = {',
    '      actions = ["sqs:SendMessage"]',
    '      principals = [',
    '        {',
    '          type        = "AWS"',
    '          identifiers = ["*"]',
    '        }',
    '      ]',
    '    }',
    '    consumer = {',
    '      actions    = ["sqs:*"]',
    '      principals = [{ type = "AWS", identifiers = ["arn:aws:iam::123456789012:role/worker"] }]',
    '    }',
    '  }',
  ].join('\n');

  it('builds the queue policy from 4.0.0 and reports its statements on the input, with the statement line as detail', () => {
    const source = queue('~> 4.0', open);
    assert.ok(made(source).includes('module.orders.aws_sqs_queue_policy.this'));
    const findings = analyseFile('main.tf', source, () => {}).findings.filter((f) => POLICY_RULES.some((r) => f.ruleId === `iac/tf-aws-${r}`));
    assert.deepEqual(
      findings.map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}:${f.message.match(/\(line (\d+)\)/)?.[1]}`).sort(),
      ['policy-public-principal:6:7', 'resource-policy-all-actions:6:16'],
    );
    assert.deepEqual(hits(queue(undefined, open), ...POLICY_RULES), ['policy-public-principal:5', 'resource-policy-all-actions:5']);
    assert.deepEqual(hits(queue('5.2.1', open), ...POLICY_RULES), ['policy-public-principal:6', 'resource-policy-all-actions:6']);
  });

  it('reads the dead-letter queue policy too', () => {
    const dlq = open.replace('create_queue_policy', 'create_dlq = true\n  create_dlq_queue_policy').replace('queue_policy_statements', 'dlq_queue_policy_statements');
    assert.ok(made(queue('~> 4.0', dlq)).includes('module.orders.aws_sqs_queue_policy.dlq'));
    assert.deepEqual(hits(queue('~> 4.0', dlq), ...POLICY_RULES), ['policy-public-principal:7', 'resource-policy-all-actions:7']);
    assert.deepEqual(hits(queue('~> 4.0', dlq.replace('create_dlq = true', 'create_dlq = false')), ...POLICY_RULES), []);
  });

  it('does not report named principals, conditions that pin the caller, Deny statements, or a policy the module does not make', () => {
    const pinned = [
      '  create_queue_policy = true',
      '  queue_policy_statements = {',
      '    sns = {',
      '      actions    = ["sqs:SendMessage"]',
      '      principals = [{ type = "Service", identifiers = ["sns.amazonaws.com"] }]',
      '      conditions = [{ test = "ArnEquals", variable = "aws:SourceArn", values = [var.topic_arn] }]',
      '    }',
      '    anyone = {',
      '      actions    = ["sqs:SendMessage"]',
      '      principals = [{ type = "*", identifiers = ["*"] }]',
      '      condition  = [{ test = "StringEquals", variable = "aws:PrincipalOrgID", values = ["o-abcdef1234"] }]',
      '    }',
      '    deny = {',
      '      effect     = "Deny"',
      '      actions    = ["sqs:*"]',
      '      principals = [{ type = "AWS", identifiers = ["*"] }]',
      '    }',
      '  }',
    ].join('\n');
    assert.deepEqual(hits(queue('~> 5.1', pinned), ...POLICY_RULES), []);
    // create_queue_policy defaults to false; releases before 4.0.0 have no such inputs.
    assert.deepEqual(hits(queue('~> 4.0', open.replace('  create_queue_policy = true\n', '')), ...POLICY_RULES), []);
    assert.deepEqual(hits(queue('~> 3.0', open), ...POLICY_RULES), []);
    // Override documents can replace statements by sid.
    assert.deepEqual(hits(queue('~> 4.0', `${open}\n  override_queue_policy_documents = [var.policy]`), ...POLICY_RULES), []);
    assert.deepEqual(hits(queue('~> 4.0', `${open}\n  override_queue_policy_documents = []`), ...POLICY_RULES), ['policy-public-principal:6', 'resource-policy-all-actions:6']);
  });

  it('never reports statements it cannot read, and still reads the queue', () => {
    const only = (statement: string) => queue('~> 4.0', `  create_queue_policy = true\n  queue_policy_statements = {\n    s = {\n${statement}\n    }\n  }`);
    const anyone = '      principals = [{ type = "AWS", identifiers = ["*"] }]';
    assert.deepEqual(hits(only(`      actions = ["sqs:SendMessage"]\n${anyone}`), ...POLICY_RULES), ['policy-public-principal:6']);
    assert.deepEqual(hits(only(`      effect  = var.effect\n      actions = ["sqs:*"]\n${anyone}`), ...POLICY_RULES), []);
    assert.deepEqual(hits(only(`      actions = ["sqs:*"]\n      principals = [{ type = var.type, identifiers = ["*"] }]`), ...POLICY_RULES), []);
    assert.deepEqual(hits(only(`      actions = ["sqs:*"]\n${anyone}\n      conditions = [{ test = "StringEquals", variable = var.key, values = ["x"] }]`), ...POLICY_RULES), []);
    assert.deepEqual(hits(only(`      actions = ["sqs:*"]\n${anyone}\n      conditions = var.conditions`), ...POLICY_RULES), []);
    assert.deepEqual(hits(only(`      actions = var.actions\n      principals = [{ type = "AWS", identifiers = var.principals }]`), ...POLICY_RULES), []);
    assert.deepEqual(made(queue('~> 4.0', '  create_queue_policy = true\n  queue_policy_statements = var.statements')), ['module.orders.aws_sqs_queue.this']);
    assert.deepEqual(made(queue('~> 4.0', `${open.replace('create_queue_policy = true', 'create_queue_policy = var.with_policy')}`)), ['module.orders.aws_sqs_queue.this']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../../helpers/iac-lines.js';

describe('Terraform service rules: messaging encryption, broker logs, instance credentials', () => {
  const stream = (extra: string) => `resource "aws_kinesis_stream" "clicks" {\n  name        = "clicks"\n  shard_count = 2\n${extra}}\n`;

  it('reports a Kinesis stream set to KMS without a key on its header, not one with a key or an unknown type', () => {
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream('  encryption_type = "KMS"\n')), [1]);
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream('  encryption_type = "KMS"\n  kms_key_id      = ""\n')), [1]);
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream('  encryption_type = "KMS"\n  kms_key_id      = aws_kms_key.stream.id\n')), []);
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream('  encryption_type = var.encryption\n')), []);
    // NONE stays reported on its own line, once.
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', stream('  encryption_type = "NONE"\n')), [4]);
  });

  it('reports an SQS queue that turns SSE-SQS off with an empty KMS key, not one that only leaves defaults', () => {
    const queue = (extra: string) => `resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n${extra}}\n`;
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', queue('  sqs_managed_sse_enabled = false\n  kms_master_key_id       = ""\n')), [3]);
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', queue('  sqs_managed_sse_enabled = false\n  kms_master_key_id       = "alias/jobs"\n')), []);
    // SSE-SQS is the default for new queues: no settings, or an empty key alone, are not reported.
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', queue('')), []);
    assert.deepEqual(linesOf('iac/tf-aws-messaging-not-encrypted', queue('  kms_master_key_id = ""\n')), []);
  });

  it('reads base64 user data from a literal or a variable default, and leaves text that is not base64 alone', () => {
    const script = Buffer.from('#!/bin/sh\ncat > ~/.aws/credentials <<EOT\n[default]\nEOT\n').toString('base64');
    const withVar = `variable "boot" {\n  default = "${script}"\n}\nresource "aws_instance" "web" {\n  ami              = "ami-0123456789abcdef0"\n  user_data_base64 = var.boot\n}\n`;
    assert.deepEqual(linesOf('iac/tf-aws-ec2-static-credentials', withVar), [6]);
    const plain = 'resource "aws_instance" "web" {\n  ami              = "ami-0123456789abcdef0"\n  user_data_base64 = "not base64 ~/.aws/config!"\n}\n';
    assert.deepEqual(linesOf('iac/tf-aws-ec2-static-credentials', plain), []);
    const unknown = 'resource "aws_instance" "web" {\n  ami              = "ami-0123456789abcdef0"\n  user_data_base64 = var.boot\n}\n';
    assert.deepEqual(linesOf('iac/tf-aws-ec2-static-credentials', unknown), []);
  });

  it('reports an MQ broker of unknown engine only when it publishes neither log', () => {
    const broker = (extra: string) => `resource "aws_mq_broker" "events" {\n  broker_name = "events"\n  engine_type = var.engine\n${extra}}\n`;
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', broker('')), [1]);
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', broker('  logs {\n    general = false\n    audit   = false\n  }\n')), [5]);
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', broker('  logs {\n    audit = true\n  }\n')), []);
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', broker('  logs {\n    general = var.general\n  }\n')), []);
  });

  it('reports a Firehose stream that asks for a customer managed key without key_arn on its server_side_encryption block', () => {
    const firehose = (sse: string) => `resource "aws_kinesis_firehose_delivery_stream" "audit" {\n  name        = "audit"\n  destination = "extended_s3"\n  server_side_encryption {\n${sse}  }\n}\n`;
    const rule = 'iac/tf-aws-messaging-not-encrypted';
    assert.deepEqual(linesOf(rule, firehose('    enabled  = true\n    key_type = "CUSTOMER_MANAGED_CMK"\n')), [4]);
    assert.deepEqual(linesOf(rule, firehose('    enabled  = true\n    key_type = "CUSTOMER_MANAGED_CMK"\n    key_arn  = ""\n')), [4]);
    assert.deepEqual(linesOf(rule, firehose('    enabled  = true\n    key_type = "CUSTOMER_MANAGED_CMK"\n    key_arn  = aws_kms_key.audit.arn\n')), []);
    assert.deepEqual(linesOf(rule, firehose('    enabled  = true\n    key_type = "AWS_OWNED_CMK"\n')), []);
    assert.deepEqual(linesOf(rule, firehose('    enabled = true\n')), []);
    assert.deepEqual(linesOf(rule, firehose('    enabled  = true\n    key_type = var.key_type\n')), []);
    // Disabled stays reported on its own setting, once.
    assert.deepEqual(linesOf(rule, firehose('    enabled  = false\n    key_type = "CUSTOMER_MANAGED_CMK"\n')), [5]);
  });

  it('reports Glue log or bookmark KMS encryption without kms_key_arn on its block, not S3 SSE-KMS (aws/s3 is used)', () => {
    const glue = (cloudwatch: string, bookmarks: string, s3: string) =>
      `resource "aws_glue_security_configuration" "etl" {\n  name = "etl"\n  encryption_configuration {\n    cloudwatch_encryption {\n${cloudwatch}    }\n    job_bookmarks_encryption {\n${bookmarks}    }\n    s3_encryption {\n${s3}    }\n  }\n}\n`;
    const rule = 'iac/tf-aws-service-data-not-encrypted';
    const cwKms = '      cloudwatch_encryption_mode = "SSE-KMS"\n      kms_key_arn                = aws_kms_key.glue.arn\n';
    const bmKms = '      job_bookmarks_encryption_mode = "CSE-KMS"\n      kms_key_arn                   = aws_kms_key.glue.arn\n';
    const s3Kms = '      s3_encryption_mode = "SSE-KMS"\n';
    assert.deepEqual(linesOf(rule, glue(cwKms, bmKms, s3Kms)), []);
    assert.deepEqual(linesOf(rule, glue('      cloudwatch_encryption_mode = "SSE-KMS"\n', bmKms, s3Kms)), [4]);
    assert.deepEqual(linesOf(rule, glue(cwKms, '      job_bookmarks_encryption_mode = "CSE-KMS"\n      kms_key_arn                   = ""\n', s3Kms)), [8]);
    assert.deepEqual(linesOf(rule, glue(cwKms, '      job_bookmarks_encryption_mode = "CSE-KMS"\n      kms_key_arn                   = var.key\n', s3Kms)), []);
    // DISABLED stays reported on the mode.
    assert.deepEqual(linesOf(rule, glue('      cloudwatch_encryption_mode = "DISABLED"\n', bmKms, s3Kms)), [5]);
  });

  it('reads the SQS module default for sqs_managed_sse_enabled per release', () => {
    const queue = (version: string, extra = '') => `module "jobs" {\n  source  = "terraform-aws-modules/sqs/aws"\n  version = "${version}"\n  name    = "jobs"\n${extra}}\n`;
    const rule = 'iac/tf-aws-messaging-not-encrypted';
    // 3.4.x passed its default false to the provider; 3.5.x passes null (SSE-SQS applies); 4.x passes true.
    assert.deepEqual(linesOf(rule, queue('3.4.2')), [1]);
    assert.deepEqual(linesOf(rule, queue('3.5.0')), []);
    assert.deepEqual(linesOf(rule, queue('~> 3.5')), []);
    assert.deepEqual(linesOf(rule, queue('~> 3.0')), []);
    assert.deepEqual(linesOf(rule, queue('~> 2.0')), []);
    assert.deepEqual(linesOf(rule, queue('~> 4.0')), []);
    assert.deepEqual(linesOf(rule, queue('~> 4.0', '  sqs_managed_sse_enabled = false\n')), [5]);
    assert.deepEqual(linesOf(rule, queue('~> 4.0', '  sqs_managed_sse_enabled = false\n  kms_master_key_id       = "alias/jobs"\n')), []);
  });
});

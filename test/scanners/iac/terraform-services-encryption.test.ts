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
});

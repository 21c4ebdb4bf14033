import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lines, linesOf, saidOf, enabledVariable, unmadeDynamic } from '../../helpers/iac-lines.js';

/**
 * Settings in nested blocks are read where the blocks are made (settingAt): a `dynamic`
 * block whose for_each is known empty makes no block, so what its content sets does not
 * apply and the provider's default does; a key given null (a module variable left at
 * null) is not set.
 */
describe('Terraform AWS settings read where their blocks are made', () => {
  const off = enabledVariable(false);

  it('reports point-in-time recovery and fine-grained access control turned on only in a dynamic block that makes nothing', () => {
    const table = off + lines('resource "aws_dynamodb_table" "users" {', '  name     = "users"', '  hash_key = "id"', ...unmadeDynamic('point_in_time_recovery', '  ', 'enabled = true'), '}');
    assert.deepEqual(linesOf('iac/tf-aws-backups-disabled', table), [4]);
    const domain = off + lines('resource "aws_opensearch_domain" "logs" {', '  domain_name = "logs"', ...unmadeDynamic('advanced_security_options', '  ', 'enabled = true'), '}');
    assert.deepEqual(linesOf('iac/tf-aws-search-no-fine-grained-access', domain), [4]);
    // The open domain policy counts as anonymous access without the fine-grained access control the dynamic block does not make.
    const policy = lines(
      'resource "aws_opensearch_domain_policy" "logs" {',
      '  domain_name = aws_opensearch_domain.logs.domain_name',
      '  access_policies = jsonencode({',
      '    Statement = [{ Effect = "Allow", Principal = "*", Action = "es:ESHttp*", Resource = "*", Condition = { IpAddress = { "aws:SourceIp" = ["198.51.100.0/24"] } } }]',
      '  })',
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-aws-search-anonymous-access', domain + policy), [15]);
    // Made: nothing to report.
    const on = enabledVariable(true);
    assert.deepEqual(linesOf('iac/tf-aws-backups-disabled', table.replace(off, on)), []);
    assert.deepEqual(linesOf('iac/tf-aws-search-no-fine-grained-access', domain.replace(off, on)), []);
    assert.deepEqual(linesOf('iac/tf-aws-search-anonymous-access', domain.replace(off, on) + policy), []);
  });

  it('does not report plaintext, public or TLS 1.0 settings written in a dynamic block that makes nothing', () => {
    const msk = off + lines(
      'resource "aws_msk_cluster" "events" {',
      '  cluster_name = "events"',
      '  broker_node_group_info {',
      '    connectivity_info {',
      ...unmadeDynamic('public_access', '      ', 'type = "SERVICE_PROVIDED_EIPS"'),
      '    }',
      '  }',
      '  encryption_info {',
      ...unmadeDynamic('encryption_in_transit', '    ', 'client_broker = "PLAINTEXT"', 'in_cluster    = false'),
      '  }',
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-aws-publicly-accessible', msk), []);
    assert.deepEqual(linesOf('iac/tf-aws-msk-plaintext', msk), []);
    const on = enabledVariable(true);
    assert.deepEqual(linesOf('iac/tf-aws-publicly-accessible', msk.replace(off, on)), [11]);
    assert.deepEqual(linesOf('iac/tf-aws-msk-plaintext', msk.replace(off, on)), [20, 21]);

    const domains = off + lines(
      'resource "aws_apigatewayv2_domain_name" "api" {',
      '  domain_name = "api.example.org"',
      ...unmadeDynamic('domain_name_configuration', '  ', 'security_policy = "TLS_1_0"'),
      '}',
      'resource "aws_opensearch_domain" "logs" {',
      '  domain_name = "logs"',
      ...unmadeDynamic('domain_endpoint_options', '  ', 'tls_security_policy = "Policy-Min-TLS-1-0-2019-07"'),
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-aws-tls-outdated', domains), []);
    assert.deepEqual(linesOf('iac/tf-aws-tls-outdated', domains.replace(off, on)), [9, 18]);
  });

  it('reads a Redshift or MQ logging flag left at null as not set (logging off)', () => {
    const nulls = lines('variable "enable" {', '  default = null', '}');
    const redshift = nulls + lines('resource "aws_redshift_cluster" "dw" {', '  cluster_identifier = "dw"', '  logging {', '    enable = var.enable', '  }', '}');
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', redshift), [7]);
    const broker = (engine: string) => nulls + lines('resource "aws_mq_broker" "events" {', '  broker_name = "events"', `  engine_type = ${engine}`, '  logs {', '    general = var.enable', '    audit   = var.enable', '  }', '}');
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', broker('"ActiveMQ"')), [9]);
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', broker('var.engine')), [8]);
    // Given true: nothing to report.
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', redshift.replace('default = null', 'default = true')), []);
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', broker('"ActiveMQ"').replace('default = null', 'default = true')), []);
  });

  it('says a required flag left at null is unset, not false', () => {
    const group = lines('variable "transit_encryption_enabled" {', '  default = null', '}', 'resource "aws_elasticache_replication_group" "sessions" {', '  replication_group_id       = "sessions"', '  description                = "sessions"', '  transit_encryption_enabled = var.transit_encryption_enabled', '}');
    assert.deepEqual(saidOf('iac/tf-aws-transit-not-encrypted', group), ['7 aws_elasticache_replication_group.sessions leaves transit_encryption_enabled unset (null): clients and replicas talk to the cache in clear text.']);
  });

  it('reads a KMS key left at null as no key, and an encrypt_at_rest that is not made as not encrypting', () => {
    const nullKey = lines('variable "kms_key_id" {', '  default = null', '}', 'resource "aws_cloudwatch_log_group" "app" {', '  name       = "/app/api"', '  kms_key_id = var.kms_key_id', '}');
    assert.deepEqual(linesOf('iac/tf-aws-no-customer-managed-key', nullKey), [6]);
    assert.deepEqual(linesOf('iac/tf-aws-no-customer-managed-key', nullKey.replace('default = null', 'default = "arn:aws:kms:eu-west-1:111122223333:key/example"')), []);
    // Not encrypted at all (iac/tf-aws-search-not-encrypted says so): no customer managed key finding on top.
    const domain = off + lines('resource "aws_opensearch_domain" "logs" {', '  domain_name = "logs"', ...unmadeDynamic('encrypt_at_rest', '  ', 'enabled = true'), '}');
    assert.deepEqual(linesOf('iac/tf-aws-no-customer-managed-key', domain), []);
    assert.deepEqual(linesOf('iac/tf-aws-search-not-encrypted', domain), [4]);
  });
});

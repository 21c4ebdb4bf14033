import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/** `ruleId:line` of the findings of one rule on a Terraform text. */
function hits(ruleId: string, source: string): string[] {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.location.startLine}`);
}

describe('terraform data store rules', () => {
  it('reads IAM authentication and backup retention through the RDS module', () => {
    const source = 'module "db" {\n  source                  = "terraform-aws-modules/rds/aws"\n  version                 = "~> 6.0"\n  engine                  = "postgres"\n  backup_retention_period = 0\n}\n';
    assert.deepEqual(hits('iac/tf-aws-db-no-iam-auth', source), ['1']);
    assert.deepEqual(hits('iac/tf-aws-backups-disabled', source), ['5']);
    const fixed = source.replace('backup_retention_period = 0', 'backup_retention_period = 7\n  iam_database_authentication_enabled = true');
    assert.deepEqual(hits('iac/tf-aws-db-no-iam-auth', fixed), []);
    assert.deepEqual(hits('iac/tf-aws-backups-disabled', fixed), []);
  });

  it('says when IAM authentication is off only by a variable default, keeping the line and severity', () => {
    const source = 'variable "iam_auth" {\n  type    = bool\n  default = false\n}\nresource "aws_db_instance" "this" {\n  engine                              = "postgres"\n  iam_database_authentication_enabled = var.iam_auth\n}\n';
    const found = (text: string) => analyseFile('main.tf', text, () => {}).findings.filter((f) => f.ruleId === 'iac/tf-aws-db-no-iam-auth').map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);
    assert.deepEqual(found(source), ['7 low aws_db_instance.this gets iam_database_authentication_enabled = false from the default of var.iam_auth, which every caller that leaves it out gets: clients can only log in with database passwords.']);
    assert.deepEqual(found(source.replace('var.iam_auth', 'false')), ['7 low aws_db_instance.this sets iam_database_authentication_enabled = false: clients can only log in with database passwords.']);
  });

  it('tells AWS managed keys from customer managed ones, written out or looked up', () => {
    const lookup = (alias: string) => `data "aws_kms_key" "k" {\n  key_id = "${alias}"\n}\nresource "aws_docdb_cluster" "c" {\n  storage_encrypted = true\n  kms_key_id        = data.aws_kms_key.k.arn\n}\n`;
    assert.deepEqual(hits('iac/tf-aws-no-customer-managed-key', lookup('alias/aws/rds')), ['6']);
    assert.deepEqual(hits('iac/tf-aws-no-customer-managed-key', lookup('alias/orders')), []);
    const arn = 'resource "aws_secretsmanager_secret" "s" {\n  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:alias/aws/secretsmanager"\n}\n';
    assert.deepEqual(hits('iac/tf-aws-no-customer-managed-key', arn), ['2']);
    // A DocumentDB cluster that is not encrypted at all belongs to iac/tf-aws-database-not-encrypted.
    assert.deepEqual(hits('iac/tf-aws-no-customer-managed-key', 'resource "aws_docdb_cluster" "c" {\n  engine = "docdb"\n}\n'), []);
  });

  it('only asks Redis caches for snapshots, and leaves members of a replication group to the group', () => {
    const source = 'resource "aws_elasticache_cluster" "member" {\n  cluster_id           = "m"\n  replication_group_id = aws_elasticache_replication_group.g.id\n}\nresource "aws_elasticache_replication_group" "g" {\n  replication_group_id     = "g"\n  description              = "g"\n  snapshot_retention_limit = 0\n}\n';
    assert.deepEqual(hits('iac/tf-aws-backups-disabled', source), ['8']);
  });

  it('does not ask for fine-grained access control on Elasticsearch versions that lack it', () => {
    const domain = (version: string) => `resource "aws_elasticsearch_domain" "d" {\n  domain_name           = "d"\n  elasticsearch_version = "${version}"\n}\n`;
    assert.deepEqual(hits('iac/tf-aws-search-no-fine-grained-access', domain('6.5')), []);
    assert.deepEqual(hits('iac/tf-aws-search-no-fine-grained-access', domain('6.8')), ['1']);
  });
  it('reports a cache whose user group holds a default user without a password, built as the user-group module builds it', () => {
    // As terraform-aws-modules/elasticache modules/user-group writes it: count, a dynamic authentication_mode, try() over a map.
    const users = 'variable "default_user" {\n  type    = any\n  default = {\n    user_id             = "app-default"\n    authentication_mode = { type = "no-password-required" }\n  }\n}\nresource "aws_elasticache_user" "default" {\n  count         = 1\n  access_string = try(var.default_user.access_string, "on ~* +@read")\n  dynamic "authentication_mode" {\n    for_each = try([var.default_user.authentication_mode], [])\n    content {\n      type = authentication_mode.value.type\n    }\n  }\n  engine    = "REDIS"\n  user_id   = var.default_user.user_id\n  user_name = "default"\n}\nresource "aws_elasticache_user_group" "this" {\n  count         = 1\n  engine        = "REDIS"\n  user_group_id = "app"\n  user_ids      = [aws_elasticache_user.default[0].user_id]\n}\n';
    const cache = 'resource "aws_elasticache_serverless_cache" "this" {\n  name          = "app"\n  engine        = "redis"\n  user_group_id = aws_elasticache_user_group.this[0].id\n}\n';
    const found = (text: string) => analyseFile('main.tf', text, () => {}).findings.filter((f) => f.ruleId === 'iac/tf-aws-elasticache-no-auth').map((f) => `${f.location.startLine} ${f.message}`);
    assert.deepEqual(found(users + cache), [
      '30 aws_elasticache_serverless_cache.this has an RBAC user group aws_elasticache_user_group.this that holds aws_elasticache_user.default, a default user that needs no password (access string "on ~* +@read"): any client that reaches the cache connects as that user without a password.',
    ]);
    // A password, or a user group or users that cannot be read: counted as authentication, as before.
    assert.deepEqual(found(users.replace('type = "no-password-required"', 'type = "password"') + cache), []);
    assert.deepEqual(found(users + cache.replace('aws_elasticache_user_group.this[0].id', 'var.user_group_id')), []);
    assert.deepEqual(found(users.replace('[aws_elasticache_user.default[0].user_id]', 'var.user_ids') + cache), []);
  });
});

describe('terraform access rules', () => {
  it('accepts an AMI lookup pinned by owners or by an owner filter, not by a name alone', () => {
    const lookup = (extra: string) => `data "aws_ami" "a" {\n  most_recent = true\n${extra}  filter {\n    name   = "name"\n    values = ["app-*"]\n  }\n}\n`;
    assert.deepEqual(hits('iac/tf-aws-ami-owner-unpinned', lookup('')), ['2']);
    assert.deepEqual(hits('iac/tf-aws-ami-owner-unpinned', lookup('  owners = []\n')), ['2']);
    assert.deepEqual(hits('iac/tf-aws-ami-owner-unpinned', lookup('  owners = ["self"]\n')), []);
    assert.deepEqual(hits('iac/tf-aws-ami-owner-unpinned', lookup('  filter {\n    name   = "owner-id"\n    values = ["111122223333"]\n  }\n')), []);
  });

  it('lowers an open API method that requires an API key to low severity', () => {
    const source = 'resource "aws_api_gateway_method" "m" {\n  http_method      = "GET"\n  authorization    = "NONE"\n  api_key_required = true\n}\n';
    const findings = analyseFile('main.tf', source, () => {}).findings.filter((f) => f.ruleId === 'iac/tf-aws-apigw-method-no-auth');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, 'low');
  });

  it('reports a peering route written as a list of objects on its CIDR entry', () => {
    const source = 'resource "aws_route_table" "r" {\n  vpc_id = aws_vpc.a.id\n  route = [\n    {\n      cidr_block                = "0.0.0.0/0"\n      vpc_peering_connection_id = aws_vpc_peering_connection.p.id\n      gateway_id                = ""\n    }\n  ]\n}\n';
    assert.deepEqual(hits('iac/tf-aws-vpc-peering-default-route', source), ['5']);
    assert.deepEqual(hits('iac/tf-aws-vpc-peering-default-route', source.replace('aws_vpc_peering_connection.p.id', '""').replace('gateway_id                = ""', 'gateway_id = aws_internet_gateway.g.id')), []);
  });

  it('reads the session document from a heredoc and skips documents of other types', () => {
    const session = (type: string) => `resource "aws_ssm_document" "s" {\n  name          = "s"\n  document_type = "${type}"\n  content       = <<DOC\n{\n  "schemaVersion": "1.0",\n  "sessionType": "Standard_Stream",\n  "inputs": { "s3BucketName": "logs" }\n}\nDOC\n}\n`;
    assert.deepEqual(hits('iac/tf-aws-ssm-session-no-kms', session('Session')), ['4']);
    assert.deepEqual(hits('iac/tf-aws-ssm-session-no-kms', session('Command')), []);
  });

});

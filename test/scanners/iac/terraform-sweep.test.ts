import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { scanMemory } from '../../helpers/memory-files.js';

/**
 * False positives found by scanning public Terraform modules and their examples: each
 * case is a minimal configuration of the pattern, written for this test.
 */

/** `rule:line` of every finding on one Terraform text. */
function findings(source: string): string[] {
  return analyseFile('main.tf', source, () => {}).findings.map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}`).sort();
}

/** Runs the IaC scanner on a tree held in memory (local module calls are followed). */
async function scanTree(texts: Record<string, string>): Promise<ScannerFinding[]> {
  return (await scanMemory(texts)).findings;
}

describe('terraform sweep: registry submodules', () => {
  it('does not read a submodule call as the module the registry table describes', () => {
    const source = [
      'module "endpoints" {',
      '  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"',
      '  version = "~> 5.0"',
      '  vpc_id  = "vpc-0123"',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(findings(source), []);
  });

  it('still reads the module itself', () => {
    const source = ['module "net" {', '  source  = "terraform-aws-modules/vpc/aws"', '  version = "~> 5.0"', '  cidr    = "10.0.0.0/16"', '}', ''].join('\n');
    assert.deepEqual(findings(source), ['vpc-no-flow-logs:1']);
  });
});

describe('terraform sweep: dynamic blocks over an empty list', () => {
  const group = (rules: string) =>
    [
      'variable "ingress_rules" {',
      '  type    = list(map(string))',
      `  default = ${rules}`,
      '}',
      '',
      'resource "aws_default_security_group" "this" {',
      '  vpc_id = "vpc-0123"',
      '  dynamic "ingress" {',
      '    for_each = var.ingress_rules',
      '    content {',
      '      protocol  = lookup(ingress.value, "protocol", "-1")',
      '      from_port = 0',
      '      to_port   = 0',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');

  it('reports no rules on a default security group whose dynamic rules iterate over an empty list', () => {
    assert.deepEqual(findings(group('[]')).filter((f) => f.startsWith('default-sg')), []);
  });

  it('still reports dynamic rules that iterate over entries, or over a list it cannot read', () => {
    assert.deepEqual(findings(group('[{ protocol = "tcp" }]')).filter((f) => f.startsWith('default-sg')), ['default-sg-allows-traffic:8']);
    const unknown = group('[]').replace('for_each = var.ingress_rules', 'for_each = data.external.rules.result');
    assert.deepEqual(findings(unknown).filter((f) => f.startsWith('default-sg')), ['default-sg-allows-traffic:8']);
  });
});

describe('terraform sweep: routes that are not created', () => {
  const network = (create: string) =>
    [
      'variable "database_igw_route" {',
      '  type    = bool',
      `  default = ${create}`,
      '}',
      '',
      'resource "aws_subnet" "database" {',
      '  vpc_id     = "vpc-0123"',
      '  cidr_block = "10.0.21.0/24"',
      '}',
      '',
      'resource "aws_route_table" "database" {',
      '  vpc_id = "vpc-0123"',
      '}',
      '',
      'resource "aws_route" "database_internet_gateway" {',
      '  count                  = var.database_igw_route ? 1 : 0',
      '  route_table_id         = aws_route_table.database.id',
      '  destination_cidr_block = "0.0.0.0/0"',
      '  gateway_id             = aws_internet_gateway.this.id',
      '}',
      '',
      'resource "aws_route_table_association" "database" {',
      '  subnet_id      = aws_subnet.database.id',
      '  route_table_id = aws_route_table.database.id',
      '}',
      '',
      'resource "aws_db_subnet_group" "database" {',
      '  subnet_ids = [aws_subnet.database.id]',
      '}',
      '',
    ].join('\n');

  it('does not call a subnet public because of a route whose count is 0', () => {
    assert.deepEqual(findings(network('false')).filter((f) => f.startsWith('db-public-subnet')), []);
  });

  it('still follows a route that is created, or whose count cannot be read', () => {
    assert.deepEqual(findings(network('true')).filter((f) => f.startsWith('db-public-subnet')), ['db-public-subnet:28']);
    const unknown = network('false').replace('count                  = var.database_igw_route ? 1 : 0', 'count                  = length(data.aws_availability_zones.all.names)');
    assert.deepEqual(findings(unknown).filter((f) => f.startsWith('db-public-subnet')), ['db-public-subnet:28']);
  });
});

describe('terraform sweep: resources a module call does not create', () => {
  const tree = {
    'modules/user/main.tf': [
      'variable "name" {',
      '  type = string',
      '}',
      '',
      'variable "login_profile" {',
      '  type    = bool',
      '  default = true',
      '}',
      '',
      'resource "aws_iam_user" "this" {',
      '  name = var.name',
      '}',
      '',
      'resource "aws_iam_user_login_profile" "this" {',
      '  count = var.login_profile ? 1 : 0',
      '  user  = aws_iam_user.this.name',
      '}',
      '',
    ].join('\n'),
    'main.tf': [
      'module "robot" {',
      '  source        = "./modules/user"',
      '  name          = "robot"',
      '  login_profile = false',
      '}',
      '',
      'module "alice" {',
      '  source = "./modules/user"',
      '  name   = "alice"',
      '}',
      '',
    ].join('\n'),
  };

  it('names only the calls that create the resource', async () => {
    const found = (await scanTree(tree)).filter((f) => f.ruleId === 'iac/tf-aws-iam-user-console-password');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.location.path, 'modules/user/main.tf');
    assert.match(found[0]!.message, /via module\.alice in main\.tf:7\)$/);
  });

  it('reports nothing when no call creates it', async () => {
    const none = { ...tree, 'main.tf': tree['main.tf'].replace('  name   = "alice"\n', '  name   = "alice"\n  login_profile = false\n') };
    assert.deepEqual((await scanTree(none)).filter((f) => f.ruleId === 'iac/tf-aws-iam-user-console-password'), []);
  });

  it('read on its own, judges the module on its defaults: the resource when they create it, nothing when they do not', async () => {
    const alone = { 'modules/user/main.tf': tree['modules/user/main.tf'] };
    assert.equal((await scanTree(alone)).filter((f) => f.ruleId === 'iac/tf-aws-iam-user-console-password').length, 1);
    const off = { 'modules/user/main.tf': tree['modules/user/main.tf'].replace('default = true', 'default = false') };
    assert.deepEqual((await scanTree(off)).filter((f) => f.ruleId === 'iac/tf-aws-iam-user-console-password'), []);
  });
});

describe('terraform sweep: companions that name their resource through a local', () => {
  const bucket = (extra = '') =>
    [
      'locals {',
      '  bucket_id = join("", aws_s3_bucket.default[*].id)',
      '}',
      '',
      'resource "aws_s3_bucket" "default" {',
      '  bucket = "reports"',
      '}',
      '',
      'resource "aws_s3_bucket_public_access_block" "default" {',
      '  bucket                  = local.bucket_id',
      '  block_public_acls       = true',
      '  block_public_policy     = true',
      '  ignore_public_acls      = true',
      '  restrict_public_buckets = true',
      '}',
      '',
      'resource "aws_s3_bucket_server_side_encryption_configuration" "default" {',
      '  bucket = local.bucket_id',
      '  rule {',
      '    apply_server_side_encryption_by_default {',
      '      sse_algorithm = "aws:kms"',
      '    }',
      '  }',
      '}',
      extra,
    ].join('\n');
  const s3 = (list: string[]) => list.filter((f) => /^s3-public-access-block/.test(f));

  it('follows `bucket = local.x` to the bucket the local names, in one file', () => {
    assert.deepEqual(s3(findings(bucket())), []);
  });

  it('follows a local of another file of the module directory', async () => {
    const text = bucket();
    const locals = text.slice(0, text.indexOf('resource'));
    const found = await scanTree({ 'mod/locals.tf': locals, 'mod/main.tf': text.slice(text.indexOf('resource')), 'mod/outputs.tf': 'output "id" {\n  value = local.bucket_id\n}\n' });
    assert.deepEqual(found.filter((f) => /s3-public-access-block/.test(f.ruleId)), []);
  });

  it('still reports a bucket that the local does not name', () => {
    const other = bucket().replace('aws_s3_bucket.default[*].id', 'aws_s3_bucket.other[*].id');
    assert.deepEqual(s3(findings(other)), ['s3-public-access-block:5']);
  });
});

describe('terraform sweep: settings passed a null variable', () => {
  const replica = (encrypted: string) =>
    [
      'variable "storage_encrypted" {',
      '  type    = bool',
      `  default = ${encrypted}`,
      '}',
      '',
      'variable "snapshot_identifier" {',
      '  type    = string',
      '  default = "before-upgrade"',
      '}',
      '',
      'resource "aws_db_instance" "this" {',
      '  engine              = "postgres"',
      '  snapshot_identifier = var.snapshot_identifier',
      '  storage_encrypted   = var.storage_encrypted',
      '  iam_database_authentication_enabled = var.iam_auth',
      '}',
      '',
      'variable "iam_auth" {',
      '  type    = bool',
      '  default = null',
      '}',
      '',
    ].join('\n');
  const messages = (source: string, rule: string) => analyseFile('main.tf', source, () => {}).findings.filter((f) => f.ruleId === `iac/tf-aws-${rule}`).map((f) => `${f.location.startLine}: ${f.message}`);

  it('reads a null flag as the provider default: a database restored from an encrypted snapshot', () => {
    assert.deepEqual(messages(replica('null'), 'database-not-encrypted'), []);
    assert.deepEqual(messages(replica('false'), 'database-not-encrypted'), ['14: aws_db_instance.this sets storage_encrypted = false: the database is stored unencrypted.']);
  });

  it('says that a null setting is left unset, on its line', () => {
    assert.deepEqual(messages(replica('true'), 'db-no-iam-auth'), ['15: aws_db_instance.this leaves iam_database_authentication_enabled unset (null): clients can only log in with database passwords.']);
    const plain = replica('null').replace('default = "before-upgrade"', 'default = null');
    assert.deepEqual(messages(plain, 'database-not-encrypted'), ['14: aws_db_instance.this leaves storage_encrypted unset (null): the database is stored unencrypted.']);
  });
});

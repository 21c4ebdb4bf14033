import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/**
 * Registry modules of data stores and keys: terraform-aws-modules/rds-aurora, dynamodb-table,
 * kms, sns and efs, read as the resources they make. Each case is a module call written for
 * this test: one the rule reports, one it does not, per release boundary that matters.
 */

/** `rule:line` of the findings of these rules (without the iac/tf-aws- prefix). */
function hits(source: string, ...rules: string[]): string[] {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => rules.includes(f.ruleId.replace('iac/tf-aws-', '')))
    .map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}`)
    .sort();
}

const call = (module: string, version: string | undefined, inputs: string) =>
  `module "m" {\n  source  = "terraform-aws-modules/${module}/aws"\n${version ? `  version = "${version}"\n` : ''}${inputs}}\n`;

describe('terraform modules/rds-aurora', () => {
  const aurora = (version: string | undefined, inputs: string) => call('rds-aurora', version, `  engine  = "aurora-postgresql"\n${inputs}`);

  it('reads storage_encrypted, true by default in every release', () => {
    assert.deepEqual(hits(aurora('~> 9.0', ''), 'database-not-encrypted'), []);
    assert.deepEqual(hits(aurora(undefined, ''), 'database-not-encrypted'), []);
    assert.deepEqual(hits(aurora('~> 9.0', '  storage_encrypted = false\n'), 'database-not-encrypted'), ['database-not-encrypted:5']);
  });

  it('reports a cluster without IAM authentication or log exports (off by default), not one with them', () => {
    assert.deepEqual(hits(aurora('~> 8.0', ''), 'db-no-iam-auth', 'service-logs-not-exported'), ['db-no-iam-auth:1', 'service-logs-not-exported:1']);
    const safe = '  iam_database_authentication_enabled = true\n  enabled_cloudwatch_logs_exports     = ["postgresql"]\n';
    assert.deepEqual(hits(aurora('~> 8.0', safe), 'db-no-iam-auth', 'service-logs-not-exported'), []);
    assert.deepEqual(hits(call('rds-aurora', '~> 9.0', '  engine      = "aurora-mysql"\n  engine_mode = "serverless"\n'), 'db-no-iam-auth'), [], 'Serverless v1 takes no IAM authentication');
  });

  it('reads the public flag of instances (6.0.0 on): the object, or in 6.x-9.x the module input', () => {
    const instances = '  instances = {\n    one = {}\n    two = {\n      publicly_accessible = true\n    }\n  }\n';
    assert.deepEqual(hits(aurora('~> 9.0', instances), 'publicly-accessible'), ['publicly-accessible:8']);
    assert.deepEqual(hits(aurora('~> 7.0', `  publicly_accessible = true\n${instances}`), 'publicly-accessible'), ['publicly-accessible:5', 'publicly-accessible:9']);
    // 10.0.0 reads the object alone.
    assert.deepEqual(hits(aurora('~> 10.0', '  publicly_accessible = true\n  instances = { one = {} }\n'), 'publicly-accessible'), []);
    assert.deepEqual(hits(aurora('~> 9.0', '  instances = { one = { publicly_accessible = false } }\n'), 'publicly-accessible'), []);
    // Before 6.0.0 instances were counted with replica_count: not read.
    assert.deepEqual(hits(aurora('5.2.0', '  publicly_accessible = true\n'), 'publicly-accessible'), []);
  });

  it('makes nothing when the module creates nothing', () => {
    assert.deepEqual(hits(aurora('~> 9.0', '  create = false\n  storage_encrypted = false\n'), 'database-not-encrypted', 'db-no-iam-auth'), []);
    assert.deepEqual(hits(aurora('~> 7.0', '  create_cluster = false\n'), 'db-no-iam-auth'), []);
  });
});

describe('terraform modules/dynamodb-table', () => {
  it('reports a table without point-in-time recovery (off by default), whichever table the module makes', () => {
    assert.deepEqual(hits(call('dynamodb-table', '~> 4.0', '  name     = "users"\n  hash_key = "id"\n'), 'backups-disabled'), ['backups-disabled:1']);
    assert.deepEqual(hits(call('dynamodb-table', '~> 4.0', '  point_in_time_recovery_enabled = false\n'), 'backups-disabled'), ['backups-disabled:4']);
    assert.deepEqual(hits(call('dynamodb-table', '~> 4.0', '  autoscaling_enabled = true\n'), 'backups-disabled'), ['backups-disabled:1']);
  });

  it('does not report a table with point-in-time recovery, nor a module that makes none', () => {
    assert.deepEqual(hits(call('dynamodb-table', '~> 4.0', '  point_in_time_recovery_enabled = true\n  autoscaling_enabled            = true\n'), 'backups-disabled'), []);
    assert.deepEqual(hits(call('dynamodb-table', undefined, '  create_table = false\n'), 'backups-disabled'), []);
  });
});

describe('terraform modules/kms', () => {
  it('rotates by default in every release; enable_key_rotation = false is reported', () => {
    assert.deepEqual(hits(call('kms', '~> 3.0', '  description = "data"\n'), 'kms-no-rotation'), []);
    assert.deepEqual(hits(call('kms', '~> 3.0', '  enable_key_rotation = false\n'), 'kms-no-rotation'), ['kms-no-rotation:4']);
  });

  it('leaves asymmetric keys and keys the module does not make alone', () => {
    assert.deepEqual(hits(call('kms', '~> 3.0', '  enable_key_rotation      = false\n  customer_master_key_spec = "RSA_2048"\n  key_usage                = "SIGN_VERIFY"\n'), 'kms-no-rotation'), []);
    assert.deepEqual(hits(call('kms', '~> 3.0', '  enable_key_rotation = false\n  create_external     = true\n'), 'kms-no-rotation'), []);
  });
});

describe('terraform modules/sns', () => {
  it('reports a topic without kms_master_key_id (null by default), not one with a key', () => {
    assert.deepEqual(hits(call('sns', '~> 6.0', '  name = "events"\n'), 'messaging-not-encrypted'), ['messaging-not-encrypted:1']);
    assert.deepEqual(hits(call('sns', '~> 6.0', '  name              = "events"\n  kms_master_key_id = "alias/events"\n'), 'messaging-not-encrypted'), []);
    assert.deepEqual(hits(call('sns', '~> 6.0', '  create = false\n'), 'messaging-not-encrypted'), []);
    assert.deepEqual(hits(call('sns', '~> 4.0', '  create_sns_topic = false\n'), 'messaging-not-encrypted'), []);
  });
});

describe('terraform modules/efs', () => {
  it('encrypts by default in every release; encrypted = false is reported', () => {
    assert.deepEqual(hits(call('efs', '~> 1.0', '  name       = "shared"\n  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/shared"\n'), 'efs-not-encrypted', 'no-customer-managed-key'), []);
    assert.deepEqual(hits(call('efs', '~> 1.0', '  encrypted = false\n'), 'efs-not-encrypted'), ['efs-not-encrypted:4']);
    // Without kms_key_arn it is encrypted with the AWS managed key.
    assert.deepEqual(hits(call('efs', '~> 1.0', '  name = "shared"\n'), 'efs-not-encrypted', 'no-customer-managed-key'), ['no-customer-managed-key:1']);
  });
});

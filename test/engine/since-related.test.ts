import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../src/engine/scan.js';
import { commitAll, initRepo, tempTree } from '../helpers/tmp.js';

test('--since keeps a finding whose related place changed: a Terraform module finding read from the argument a caller changed', async () => {
  const t = tempTree({
    'modules/db/main.tf': 'variable "encrypted" {\n  default = true\n}\nresource "aws_db_instance" "db" {\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  storage_encrypted = var.encrypted\n}\n',
    'main.tf': 'module "db" {\n  source    = "./modules/db"\n  encrypted = true\n}\n',
  });
  try {
    initRepo(t.dir);
    commitAll(t.dir, 'base');
    t.write('main.tf', 'module "db" {\n  source    = "./modules/db"\n  encrypted = false\n}\n');
    const since = await runScan({ target: t.dir, since: 'HEAD', scanners: ['iac'] });
    const finding = since.findings.find((f) => f.ruleId === 'iac/tf-aws-database-not-encrypted');
    assert.ok(finding, since.findings.map((f) => f.ruleId).join(', '));
    assert.equal(finding.location.path, 'modules/db/main.tf');
    assert.ok(finding.related?.some((r) => r.path === 'main.tf' && r.startLine === 3));
    // Nothing changed since the commit that made it: not reported.
    commitAll(t.dir, 'argument');
    assert.equal((await runScan({ target: t.dir, since: 'HEAD', scanners: ['iac'] })).findings.length, 0);
  } finally {
    t.cleanup();
  }
});

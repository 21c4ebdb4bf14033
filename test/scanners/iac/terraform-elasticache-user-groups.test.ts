import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';

const NO_AUTH = 'iac/tf-aws-elasticache-no-auth';

/** A user group module as registry modules write one: its default user from an input, the group handed on by an output. */
const USERS_MODULE = {
  'modules/users/main.tf': `resource "aws_elasticache_user_group" "this" {
  engine        = "REDIS"
  user_group_id = var.user_group_id
  user_ids      = var.create_default_user ? [aws_elasticache_user.default[0].user_id] : [var.default_user_id]
}

resource "aws_elasticache_user" "default" {
  count                = var.create_default_user ? 1 : 0
  user_id              = var.default_user.user_id
  user_name            = "default"
  access_string        = try(var.default_user.access_string, "on ~* +@read")
  engine               = "REDIS"
  no_password_required = try(var.default_user.no_password_required, null)
  passwords            = try(var.default_user.passwords, null)
}
`,
  'modules/users/variables.tf':
    'variable "user_group_id" {\n  default = null\n}\nvariable "create_default_user" {\n  default = true\n}\nvariable "default_user_id" {\n  default = "default"\n}\nvariable "default_user" {\n  default = {}\n}\n',
  'modules/users/outputs.tf': 'output "group_id" {\n  value = aws_elasticache_user_group.this.id\n}\n',
  'modules/cache/main.tf': 'resource "aws_elasticache_serverless_cache" "this" {\n  name          = "cache"\n  engine        = "valkey"\n  user_group_id = var.user_group_id\n}\n',
  'modules/cache/variables.tf': 'variable "user_group_id" {\n  default = null\n}\n',
};

const root = (users: string, cache = '  user_group_id = module.users.group_id\n') =>
  `module "users" {\n  source        = "./modules/users"\n  user_group_id = "app"\n${users}}\n\nmodule "cache" {\n  source = "./modules/cache"\n${cache}}\n`;

const found = async (main: string) =>
  (await scanMemory({ 'main.tf': main, ...USERS_MODULE })).findings.filter((f) => f.ruleId === NO_AUTH).map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);

describe('tf-aws-elasticache-no-auth: a user group another module call makes', () => {
  it('reports a passwordless default user where the group is made, when the caller gives the group to a cache', async () => {
    const findings = await found(root('  default_user = {\n    user_id              = "app-default"\n    no_password_required = true\n  }\n'));
    assert.equal(findings.length, 1);
    assert.match(findings[0]!, /^modules\/users\/main\.tf:4 aws_elasticache_user_group\.this is the user group the caller gives a cache \(aws_elasticache_serverless_cache user_group_id\), and it holds aws_elasticache_user\.default, a default user that needs no password \(access string "on ~\* \+@read"\)/);
  });

  it("reports AWS's built-in default user, listed by its id", async () => {
    const findings = await found(root('  create_default_user = false\n'));
    assert.equal(findings.length, 1);
    assert.match(findings[0]!, /^modules\/users\/main\.tf:4 .*holds AWS's built-in user "default"/);
  });

  it('reports nothing when the default user has a password, or the caller gives the group to no cache', async () => {
    assert.deepEqual(await found(root('  default_user = {\n    user_id   = "app-default"\n    passwords = [var.default_password]\n  }\n')), []);
    assert.deepEqual(await found(root('  default_user = {\n    user_id              = "app-default"\n    no_password_required = true\n  }\n', '  user_group_id = "other-users"\n')), []);
  });
});

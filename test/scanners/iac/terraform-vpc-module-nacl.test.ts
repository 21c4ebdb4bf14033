import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const RULE = 'iac/tf-aws-nacl-admin-port-open';

async function hits(text: string): Promise<string[]> {
  const { findings } = await scanMemory({ 'main.tf': text });
  return findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.startLine}:${f.message}`);
}

/** A call of the vpc module with a dedicated ACL for the database subnets; `rules` is the inbound_acl_rules expression. */
const vpc = (rules: string, ...extra: string[]) =>
  lines(
    'module "vpc" {',
    '  source                         = "terraform-aws-modules/vpc/aws"',
    '  database_subnets               = ["10.0.21.0/24"]',
    '  database_dedicated_network_acl = true',
    `  database_inbound_acl_rules     = ${rules}`,
    ...extra,
    '}',
  );

describe('network ACL rules given to the terraform-aws-modules/vpc module', () => {
  it('are one rule each, named by their index, reported on the object when written in place', async () => {
    const text = vpc('[{ rule_number = 90, rule_action = "deny", protocol = "tcp", from_port = 22, to_port = 22, cidr_block = "0.0.0.0/0" },', '    { rule_number = 100, rule_action = "allow", protocol = "6", from_port = 3389, to_port = 3389, ipv6_cidr_block = "::/0" }]');
    const found = await hits(text);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^6:module\.vpc\.aws_network_acl_rule\.database_inbound\[1\] allows 3389 \(RDP\) in from ::\/0/);
  });

  it('are read from a local value, reported on the input', async () => {
    const local = lines('locals {', '  inbound = [{ rule_number = 100, rule_action = "allow", protocol = "tcp", from_port = 22, to_port = 22, cidr_block = "0.0.0.0/0" }]', '}');
    assert.deepEqual((await hits(local + vpc('local.inbound'))).map((h) => h.split(':')[0]), ['8']);
  });

  it('are left alone when the list cannot be read, or the tier has no subnets or no dedicated ACL', async () => {
    assert.deepEqual(await hits(lines('variable "inbound" {}') + vpc('var.inbound')), []);
    const rules = '[{ rule_number = 100, rule_action = "allow", protocol = "tcp", from_port = 22, to_port = 22, cidr_block = "0.0.0.0/0" }]';
    assert.deepEqual(await hits(vpc(rules).replace('  database_subnets               = ["10.0.21.0/24"]\n', '')), []);
    assert.deepEqual(await hits(vpc(rules, '  create_vpc = false')), []);
    assert.deepEqual(await hits(vpc(rules).replace('database_dedicated_network_acl = true', 'database_dedicated_network_acl = false')), []);
  });
});

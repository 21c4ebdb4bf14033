import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

/** A call of the vpc module; `extra` are more input lines. */
const vpc = (version: string, ...extra: string[]) =>
  lines('module "vpc" {', '  source          = "terraform-aws-modules/vpc/aws"', `  version         = "${version}"`, '  cidr            = "10.0.0.0/16"', '  private_subnets = ["10.0.1.0/24"]', ...extra, '}');

/** An instance that names no security group. */
const instance = lines('resource "aws_instance" "api" {', '  ami           = "ami-0123456789abcdef0"', '  instance_type = "t3.small"', '  subnet_id     = module.vpc.private_subnets[0]', '}');

async function hits(text: string, rule: string): Promise<string[]> {
  const { findings } = await scanMemory({ 'main.tf': text });
  return findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.startLine}:${f.severity}`);
}

describe('the default security group of the terraform-aws-modules/vpc module', () => {
  const INSTANCE_RULE = 'iac/tf-aws-ec2-default-security-group';

  it('is adopted and emptied from 4.0.0: an instance in it is isolated, not reported', async () => {
    assert.deepEqual(await hits(vpc('~> 5.0') + instance, INSTANCE_RULE), []);
    assert.deepEqual(await hits(vpc('3.19.0', '  manage_default_security_group = true') + instance, INSTANCE_RULE), []);
  });

  it('is read when the subnets are a for expression over zones that cannot be read', async () => {
    const zones = lines(
      'module "vpc" {',
      '  source         = "terraform-aws-modules/vpc/aws"',
      '  version        = "~> 6.0"',
      '  cidr           = "10.0.0.0/16"',
      '  azs            = local.azs',
      '  public_subnets = [for k, v in local.azs : cidrsubnet("10.0.0.0/16", 8, k + 48)]',
      '}',
    );
    assert.deepEqual(await hits(zones + instance, INSTANCE_RULE), []);
    // The rest of the module is read too: its VPC has no flow log.
    assert.deepEqual(await hits(zones, 'iac/tf-aws-vpc-no-flow-logs'), ['1:low']);
  });

  it('is left alone before 4.0.0, or when the call does not manage it or gives it rules', async () => {
    assert.deepEqual(await hits(vpc('3.19.0') + instance, INSTANCE_RULE), ['7:low']);
    // A range that admits releases on both sides of 4.0.0: not known to be managed.
    assert.deepEqual(await hits(vpc('>= 3.0') + instance, INSTANCE_RULE), ['7:low']);
    assert.deepEqual(await hits(vpc('~> 5.0', '  manage_default_security_group = false') + instance, INSTANCE_RULE), ['8:low']);
    assert.deepEqual(await hits(vpc('~> 5.0', '  default_security_group_ingress = [{ self = true }]') + instance, INSTANCE_RULE), ['8:low']);
  });

  it('reports the rules the call puts in it', async () => {
    const open = vpc('~> 5.0', '  default_security_group_ingress = [', '    {', '      protocol    = "-1"', '      cidr_blocks = "0.0.0.0/0"', '    }', '  ]');
    assert.deepEqual(await hits(open, 'iac/tf-aws-default-sg-allows-traffic'), ['7:medium', '9:high']);
    assert.deepEqual(await hits(vpc('~> 5.0'), 'iac/tf-aws-default-sg-allows-traffic'), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/**
 * Gaps found by scanning the repositories of registry modules (terraform-aws-modules):
 * each case is a minimal configuration of the pattern, written for this test.
 */

const SG_OPEN = 'iac/tf-aws-sg-open-to-internet';

/** `rule:line` of every finding of these rules on one Terraform text. */
function findings(source: string, ...rules: string[]): string[] {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => rules.includes(f.ruleId))
    .map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}`)
    .sort();
}

describe('terraform: computed index steps', () => {
  it('reads var.rules[count.index] per instance, and compact(split(...)) lists, as the security-group module writes its rules', () => {
    const source = [
      'variable "rules" {',
      '  default = [{ cidr_blocks = "10.1.0.0/16,0.0.0.0/0", port = 22 }, { cidr_blocks = "10.0.0.0/16", port = 5432 }]',
      '}',
      'resource "aws_security_group_rule" "ingress" {',
      '  count             = length(var.rules)',
      '  security_group_id = "sg-0a1b2c3d"',
      '  type              = "ingress"',
      '  cidr_blocks       = compact(split(",", lookup(var.rules[count.index], "cidr_blocks", "")))',
      '  from_port         = var.rules[count.index]["port"]',
      '  to_port           = var.rules[count.index].port',
      '  protocol          = "tcp"',
      '}',
      '',
    ].join('\n');
    const open = analyseFile('main.tf', source, () => {}).findings.filter((f) => f.ruleId === SG_OPEN);
    // The one instance that opens it is named.
    assert.deepEqual(open.map((f) => f.message), ['aws_security_group_rule.ingress[0] opens 22/tcp (SSH) to 0.0.0.0/0.']);
  });
});

describe('terraform: a null pgp_key is no key', () => {
  const profile = (pgp: string) =>
    ['variable "pgp_key" {', '  type    = string', `  default = ${pgp}`, '}', 'resource "aws_iam_user_login_profile" "this" {', '  user    = "alice"', '  pgp_key = var.pgp_key', '}', ''].join('\n');
  const severity = (pgp: string) => analyseFile('main.tf', profile(pgp), () => {}).findings.filter((f) => f.ruleId === 'iac/tf-aws-iam-user-console-password').map((f) => [f.severity, /plain text/.test(f.message)]);

  it('reports the plain-text password when pgp_key is a variable left at null', () => {
    assert.deepEqual(severity('null'), [['medium', true]]);
  });

  it('does not when the variable gives a key, or cannot be read', () => {
    assert.deepEqual(severity('"keybase:alice"'), [['low', false]]);
    assert.deepEqual(analyseFile('main.tf', profile('null').replace('  default = null\n', ''), () => {}).findings.filter((f) => f.ruleId === 'iac/tf-aws-iam-user-console-password').map((f) => f.severity), ['low']);
  });
});

describe('terraform registry modules: the rds db_instance submodule', () => {
  const call = (version: string, extra: string[]) =>
    ['module "db" {', '  source  = "terraform-aws-modules/rds/aws//modules/db_instance"', `  version = "${version}"`, '  engine  = "postgres"', ...extra, '}', ''].join('\n');
  const RULES = ['iac/tf-aws-database-not-encrypted', 'iac/tf-aws-publicly-accessible'];

  it('reads it as the instance it creates, with its inputs', () => {
    assert.deepEqual(findings(call('~> 6.0', ['  storage_encrypted   = false', '  publicly_accessible = true']), ...RULES), ['database-not-encrypted:5', 'publicly-accessible:6']);
  });

  it('with its defaults: encrypted from 4.0.0, not before', () => {
    assert.deepEqual(findings(call('~> 6.0', []), ...RULES), []);
    assert.deepEqual(findings(call('3.5.0', []), ...RULES), ['database-not-encrypted:1']);
  });

  it('creates nothing with create = false, and other submodules are still left alone', () => {
    assert.deepEqual(findings(call('~> 6.0', ['  create            = false', '  storage_encrypted = false']), ...RULES), []);
    const group = call('~> 6.0', ['  storage_encrypted = false']).replace('//modules/db_instance', '//modules/db_parameter_group');
    assert.deepEqual(findings(group, ...RULES), []);
  });
});

describe('terraform registry modules: the EKS endpoint', () => {
  const EKS = 'iac/tf-aws-eks-public-endpoint';
  it('reports a public endpoint on the input that opens it, not on the module header', () => {
    const source = ['module "eks" {', '  source  = "terraform-aws-modules/eks/aws"', '  version = "~> 20.0"', '  cluster_name = "main"', '', '  cluster_endpoint_public_access = true', '}', ''].join('\n');
    assert.deepEqual(findings(source, EKS), ['eks-public-endpoint:6']);
    const cidrs = source.replace('}\n', '  cluster_endpoint_public_access_cidrs = ["0.0.0.0/0"]\n}\n');
    assert.deepEqual(findings(cidrs, EKS), ['eks-public-endpoint:7']);
  });

  it('keeps the vpc_config line of a resource that sets no ranges', () => {
    const source = ['resource "aws_eks_cluster" "c" {', '  name = "c"', '  vpc_config {', '    subnet_ids             = ["subnet-1"]', '    endpoint_public_access = true', '  }', '}', ''].join('\n');
    assert.deepEqual(findings(source, EKS), ['eks-public-endpoint:3']);
  });
});

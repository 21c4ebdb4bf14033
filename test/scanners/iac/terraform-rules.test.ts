import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../../helpers/iac-lines.js';

describe('Terraform rules: cases beyond the rule examples', () => {
  it('reports a snapshot of an unencrypted volume only when the account does not encrypt by default', () => {
    const volume = 'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-1a"\n  size              = 8\n}\nresource "aws_ebs_snapshot" "s" {\n  volume_id = aws_ebs_volume.v.id\n}\n';
    assert.deepEqual(linesOf('iac/tf-aws-ebs-not-encrypted', volume), [1, 5]);
    assert.deepEqual(linesOf('iac/tf-aws-ebs-not-encrypted', `resource "aws_ebs_encryption_by_default" "on" {\n  enabled = true\n}\n${volume}`), []);
  });

  it('does not report a snapshot of a database restored from a snapshot (encryption unknown here)', () => {
    const source = 'resource "aws_db_instance" "copy" {\n  snapshot_identifier = "nightly"\n}\nresource "aws_db_snapshot" "s" {\n  db_instance_identifier = aws_db_instance.copy.identifier\n}\n';
    assert.deepEqual(linesOf('iac/tf-aws-database-not-encrypted', source), []);
  });

  it('reports an instance of the ec2-instance module that names no subnet, not one that does', () => {
    const call = (extra: string) => `module "web" {\n  source  = "terraform-aws-modules/ec2-instance/aws"\n  version = "5.6.0"\n${extra}}\n`;
    assert.deepEqual(linesOf('iac/tf-aws-ec2-public-ip', call('')), [1]);
    assert.deepEqual(linesOf('iac/tf-aws-ec2-public-ip', call('  subnet_id = "subnet-0123"\n')), []);
    assert.deepEqual(linesOf('iac/tf-aws-ec2-public-ip', call('  network_interface {\n    network_interface_id = "eni-1"\n    device_index         = 0\n  }\n')), []);
  });

  it('reports world-open CIDRs of the default security group on the CIDR line, besides the rule itself', () => {
    const source = 'resource "aws_default_security_group" "d" {\n  ingress {\n    protocol    = -1\n    from_port   = 0\n    to_port     = 0\n    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]\n  }\n}\n';
    assert.deepEqual(linesOf('iac/tf-aws-default-sg-allows-traffic', source), [2, 6]);
  });

  it('treats a role trust policy that admits any AWS principal as public, unless pinned to an organisation', () => {
    const role = (condition: string) =>
      `resource "aws_iam_role" "r" {\n  assume_role_policy = <<EOF\n{\n  "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}${condition}}]\n}\nEOF\n}\n`;
    assert.deepEqual(linesOf('iac/tf-aws-policy-public-principal', role('')), [2]);
    assert.deepEqual(linesOf('iac/tf-aws-policy-public-principal', role(', "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}')), []);
  });

  it('leaves the EKS module alone unless its log types are given', () => {
    const call = (extra: string) => `module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "20.8.0"\n${extra}}\n`;
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', call('')), []);
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', call('  cluster_enabled_log_types = ["api"]\n')), [4]);
  });

  it('reads the rds module log exports and skips DMS engines without SSL', () => {
    assert.deepEqual(linesOf('iac/tf-aws-service-logs-not-exported', 'module "db" {\n  source  = "terraform-aws-modules/rds/aws"\n  version = "6.1.0"\n  enabled_cloudwatch_logs_exports = ["postgresql"]\n}\n'), []);
    assert.deepEqual(linesOf('iac/tf-aws-transit-not-encrypted', 'resource "aws_dms_endpoint" "k" {\n  endpoint_id   = "k"\n  endpoint_type = "target"\n  engine_name   = "kinesis"\n}\n'), []);
    assert.deepEqual(linesOf('iac/tf-aws-transit-not-encrypted', 'resource "aws_dms_endpoint" "m" {\n  endpoint_id   = "m"\n  endpoint_type = "source"\n  engine_name   = "mysql"\n}\n'), [1]);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../../helpers/iac-lines.js';

describe('Terraform network rules: EKS node group SSH', () => {
  const group = (remote: string) =>
    `resource "aws_eks_node_group" "n" {\n  cluster_name  = "c"\n  node_role_arn = "arn:aws:iam::123456789012:role/n"\n  remote_access {\n    ec2_ssh_key = "ops"\n${remote}  }\n}\n`;

  it('reports an SSH key without source security groups, or with an empty list of them', () => {
    assert.deepEqual(linesOf('iac/tf-aws-sg-open-to-internet', group('')), [4]);
    assert.deepEqual(linesOf('iac/tf-aws-sg-open-to-internet', group('    source_security_group_ids = []\n')), [4]);
  });

  it('does not report source security groups, given by reference or under a misspelt name Terraform rejects', () => {
    assert.deepEqual(linesOf('iac/tf-aws-sg-open-to-internet', group('    source_security_group_ids = [aws_security_group.bastion.id]\n')), []);
    assert.deepEqual(linesOf('iac/tf-aws-sg-open-to-internet', group('    source_security_group_ids = var.ssh_sources\n')), []);
    assert.deepEqual(linesOf('iac/tf-aws-sg-open-to-internet', group('    source_security_groups_ids = "sg-0123456789abcdef0"\n')), []);
  });
});

describe('Terraform IAM rules: conditions on a public principal', () => {
  const bucketPolicy = (condition: string) =>
    `resource "aws_s3_bucket_policy" "b" {\n  bucket = "b"\n  policy = <<EOF\n{\n  "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": ${condition}}]\n}\nEOF\n}\n`;

  it('accepts positive tests on a source network, account, organisation or resource as restrictions', () => {
    for (const condition of [
      '{"IpAddress": {"aws:SourceIp": "198.51.100.7/32"}}',
      '{"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}',
      '{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-1/ou-2/*"}}',
      '{"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:*"}}',
    ])
      assert.deepEqual(linesOf('iac/tf-aws-policy-public-principal', bucketPolicy(condition)), [], condition);
  });

  it('does not accept negated, optional, wildcard or world-wide tests', () => {
    for (const condition of [
      '{"NotIpAddress": {"aws:SourceIp": "198.51.100.7/32"}}',
      '{"StringNotEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}',
      '{"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}}',
      '{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc"}}',
      '{"StringLike": {"aws:PrincipalOrgID": "*"}}',
      '{"IpAddress": {"aws:SourceIp": ["::/0"]}}',
      '{"Null": {"aws:SourceArn": "false"}}',
      '{"Bool": {"aws:SecureTransport": "true"}}',
    ])
      assert.deepEqual(linesOf('iac/tf-aws-policy-public-principal', bucketPolicy(condition)), [3], condition);
  });
});

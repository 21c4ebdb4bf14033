import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, lines, linesOf } from '../../helpers/iac-lines.js';

describe('Terraform counterparts of CloudFormation rules', () => {
  it('CloudFront origin over HTTP: an S3 website endpoint is low and names the origin, another custom origin medium', () => {
    const cdn = (domain: string) =>
      lines(
        'resource "aws_cloudfront_distribution" "cdn" {',
        '  origin {',
        '    origin_id   = "web"',
        `    domain_name = "${domain}"`,
        '    custom_origin_config {',
        '      http_port              = 80',
        '      https_port             = 443',
        '      origin_protocol_policy = "http-only"',
        '      origin_ssl_protocols   = ["TLSv1.2"]',
        '    }',
        '  }',
        '}',
      );
    const website = findingsOf('iac/tf-aws-cloudfront-origin-http', cdn('site.s3-website.eu-west-1.amazonaws.com'));
    assert.deepEqual(website.map((f) => [f.location.startLine, f.severity]), [[8, 'low']]);
    assert.match(website[0]!.message, /origin web from an S3 website endpoint/);
    assert.deepEqual(findingsOf('iac/tf-aws-cloudfront-origin-http', cdn('app.example.org')).map((f) => [f.location.startLine, f.severity]), [[8, 'medium']]);
  });

  it('AdministratorAccess: a one-line managed_policy_arns is reported on its line, and an interpolated partition counts for workload roles too', () => {
    const role = lines(
      'resource "aws_iam_role" "fn" {',
      '  name                = "fn"',
      '  assume_role_policy  = data.aws_iam_policy_document.trust.json',
      '  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]',
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-aws-iam-full-admin', role), [4]);
    const workload = lines(
      'resource "aws_lambda_function" "fn" {',
      '  function_name = "fn"',
      '  role          = aws_iam_role.fn.arn',
      '}',
      'resource "aws_iam_role" "fn" {',
      '  name               = "fn"',
      '  assume_role_policy = data.aws_iam_policy_document.trust.json',
      '}',
      'resource "aws_iam_role_policy_attachment" "fn" {',
      '  role       = aws_iam_role.fn.name',
      '  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"',
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-aws-workload-privileged-role', workload), [3]);
    assert.deepEqual(linesOf('iac/tf-aws-iam-full-admin', workload), [11]);
  });
});

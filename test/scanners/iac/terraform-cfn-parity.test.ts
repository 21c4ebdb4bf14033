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
  it('Batch job definitions: privileged containers and system paths of the instance in a node range or an ECS-properties task, not on Fargate', () => {
    const job = (platforms: string, containers: string) =>
      lines(
        'resource "aws_batch_job_definition" "sim" {',
        '  name = "sim"',
        '  type = "multinode"',
        `  platform_capabilities = ${platforms}`,
        '  node_properties = jsonencode({',
        '    mainNode = 0',
        '    numNodes = 2',
        '    nodeRangeProperties = [',
        '      { targetNodes = "0", container = { image = "example.org/sim:1.0", privileged = false } },',
        '      { targetNodes = "1:", container = { image = "example.org/sim:1.0", privileged = "true" } },',
        '    ]',
        '  })',
        '  ecs_properties = jsonencode({',
        `    taskProperties = [{ containers = ${containers}, volumes = [{ name = "proc", host = { sourcePath = "/proc" } }, { name = "mods", host = { sourcePath = "/lib/modules" } }] }]`,
        '  })',
        '}',
      );
    const writable = '[{ name = "main", image = "example.org/sim:1.0", mountPoints = [{ sourceVolume = "proc", containerPath = "/host/proc", readOnly = true }, { sourceVolume = "mods", containerPath = "/lib/modules" }] }]';
    const found = findingsOf('iac/tf-aws-ecs-task-host-access', job('["EC2"]', writable));
    assert.deepEqual(found.map((f) => [f.location.startLine, f.severity]), [[5, 'critical'], [13, 'high'], [13, 'high']]);
    assert.match(found[0]!.message, /aws_batch_job_definition\.sim runs its container privileged \(node_properties\)/);
    assert.match(found[1]!.message, /mounts \/proc of the compute environment's instance \(ecs_properties volume proc\)/);
    assert.match(found[2]!.message, /mounts \/lib\/modules .*\(ecs_properties volume mods\)/);
    // Kernel modules mounted read-only by every container: only /proc is reported.
    const readOnly = writable.replace('containerPath = "/lib/modules" }', 'containerPath = "/lib/modules", readOnly = true }');
    assert.deepEqual(linesOf('iac/tf-aws-ecs-task-host-access', job('["EC2"]', readOnly)), [5, 13]);
    assert.equal(findingsOf('iac/tf-aws-ecs-task-host-access', job('["EC2"]', readOnly)).length, 2);
    // A jsonencode() with a value that cannot be read cannot be read: ecs_properties is not judged.
    assert.deepEqual(linesOf('iac/tf-aws-ecs-task-host-access', job('["EC2"]', 'var.containers')), [5]);
    assert.deepEqual(linesOf('iac/tf-aws-ecs-task-host-access', job('["FARGATE"]', writable)), []);
  });
  it('EMR: the security configuration a cluster names is read (turned off, no encryption configuration), one that cannot be read is not judged', () => {
    const module = (configuration: string) =>
      lines(
        'variable "configuration" {',
        '  type = string',
        '}',
        'resource "aws_emr_cluster" "etl" {',
        '  name                   = "etl"',
        '  release_label          = "emr-7.1.0"',
        '  service_role           = aws_iam_role.emr.arn',
        '  security_configuration = aws_emr_security_configuration.etl.name',
        '}',
        'resource "aws_emr_security_configuration" "etl" {',
        '  name          = "etl"',
        `  configuration = ${configuration}`,
        '}',
      );
    const off = findingsOf('iac/tf-aws-transit-not-encrypted', module('jsonencode({ EncryptionConfiguration = { EnableAtRestEncryption = true, EnableInTransitEncryption = "false" } })'));
    assert.deepEqual(off.map((f) => [f.location.startLine, f.severity]), [[12, 'medium']]);
    assert.match(off[0]!.message, /aws_emr_security_configuration\.etl \(used by aws_emr_cluster\.etl\) turns off in-transit encryption/);
    assert.match(findingsOf('iac/tf-aws-transit-not-encrypted', module('jsonencode({ AuthenticationConfiguration = {} })'))[0]!.message, /has no EncryptionConfiguration/);
    assert.deepEqual(linesOf('iac/tf-aws-transit-not-encrypted', module('jsonencode({ EncryptionConfiguration = { EnableAtRestEncryption = false, EnableInTransitEncryption = true } })')), []);
    assert.deepEqual(linesOf('iac/tf-aws-transit-not-encrypted', module('var.configuration')), []);
    assert.deepEqual(linesOf('iac/tf-aws-transit-not-encrypted', module('jsonencode({ EncryptionConfiguration = var.encryption })')), []);
  });
});

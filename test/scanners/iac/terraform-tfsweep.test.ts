import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { lines, linesOf, messagesOf } from '../../helpers/iac-lines.js';

// Judgments found wrong by a sweep of public Terraform modules (AWS, GCP and Azure registry modules and their examples).
describe('Terraform sweep of registry modules', () => {
  it('names only the outdated protocols of a CloudFront origin, not TLSv1.2 beside them', () => {
    const source = lines(
      'resource "aws_cloudfront_distribution" "cdn" {',
      '  enabled = true',
      '  origin {',
      '    domain_name = "origin.example.org"',
      '    origin_id   = "app"',
      '    custom_origin_config {',
      '      http_port              = 80',
      '      https_port             = 443',
      '      origin_protocol_policy = "https-only"',
      '      origin_ssl_protocols   = ["TLSv1", "TLSv1.1", "TLSv1.2"]',
      '    }',
      '  }',
      '}',
    );
    const said = messagesOf('iac/tf-aws-tls-outdated', source).filter((m) => m.includes('origin'));
    assert.deepEqual(said, ['aws_cloudfront_distribution.cdn talks to its origin with outdated protocols (TLSv1, TLSv1.1).']);
  });

  // terraform-aws-modules/elasticache writes the flags as `var.create_secondary_global_replication_group ? null : var.x`.
  it('leaves the encryption of a global datastore secondary to its primary, as a module writes it', () => {
    const group = (secondary: boolean) =>
      lines(
        'variable "secondary" {',
        `  default = ${secondary}`,
        '}',
        'variable "global_id" {',
        `  default = ${secondary ? '"ldgnf-sessions"' : 'null'}`,
        '}',
        'resource "aws_elasticache_replication_group" "this" {',
        '  replication_group_id        = "sessions"',
        '  description                 = "sessions"',
        '  global_replication_group_id = var.secondary ? var.global_id : null',
        '  at_rest_encryption_enabled  = var.secondary ? null : false',
        '  transit_encryption_enabled  = var.secondary ? null : false',
        '}',
      );
    for (const rule of ['iac/tf-aws-database-not-encrypted', 'iac/tf-aws-transit-not-encrypted']) {
      assert.deepEqual(linesOf(rule, group(true)), [], rule);
      assert.equal(linesOf(rule, group(false)).length, 1, rule);
    }
  });

  it('reports a Redshift cluster that turns encryption off, not one that leaves it to the default', () => {
    const cluster = (encrypted: string) => lines('variable "encrypted" {', `  default = ${encrypted}`, '}', 'resource "aws_redshift_cluster" "dw" {', '  cluster_identifier = "dw"', '  encrypted          = var.encrypted', '}');
    assert.deepEqual(linesOf('iac/tf-aws-database-not-encrypted', cluster('null')), []);
    assert.deepEqual(linesOf('iac/tf-aws-database-not-encrypted', cluster('false')), [6]);
  });

  describe('a search domain open to every principal', () => {
    const open = ['  access_policies = jsonencode({', '    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*", Resource = "*" }]', '  })'];
    const vpc = (subnets: string) => ['  dynamic "vpc_options" {', `    for_each = length(${subnets}) > 0 ? [1] : []`, '    content {', `      subnet_ids = ${subnets}`, '    }', '  }'];
    const rule = 'iac/tf-aws-policy-public-principal';

    it('is left to its security groups inside a VPC, as a module makes vpc_options, and reported outside one', () => {
      const domain = (subnets: string) => lines('resource "aws_elasticsearch_domain" "search" {', '  domain_name = "search"', ...vpc(subnets), ...open, '}');
      assert.deepEqual(linesOf(rule, domain('["subnet-0123456789abcdef0"]')), []);
      assert.deepEqual(linesOf(rule, domain('[]')), [9]);
    });

    it('reads the domain a separate domain policy names', () => {
      const source = (withVpc: boolean) =>
        lines(
          'resource "aws_opensearch_domain" "search" {',
          '  domain_name = "search"',
          ...(withVpc ? ['  vpc_options {', '    subnet_ids = ["subnet-0123456789abcdef0"]', '  }'] : []),
          '}',
          'resource "aws_opensearch_domain_policy" "search" {',
          '  domain_name = aws_opensearch_domain.search.domain_name',
          ...open,
          '}',
        );
      assert.deepEqual(linesOf(rule, source(true)), []);
      assert.equal(linesOf(rule, source(false)).length, 1);
    });
  });

  it('leaves project-wide Token Creator to Google-managed service agents, named by the identity resource that gives them', () => {
    const grant = (members: string) =>
      lines(
        'resource "google_project_service_identity" "pubsub" {',
        '  provider = google-beta',
        '  project  = "app-123456"',
        '  service  = "pubsub.googleapis.com"',
        '}',
        'resource "google_project_iam_binding" "tokens" {',
        '  project = "app-123456"',
        '  role    = "roles/iam.serviceAccountTokenCreator"',
        `  members = [${members}]`,
        '}',
      );
    const rule = 'iac/tf-gcp-iam-impersonation-project-wide';
    assert.deepEqual(linesOf(rule, grant('"serviceAccount:${google_project_service_identity.pubsub.email}"')), []);
    assert.deepEqual(linesOf(rule, grant('google_project_service_identity.pubsub.member')), []);
    // A service account of the project beside the agent can still act as every account.
    assert.deepEqual(linesOf(rule, grant('"serviceAccount:${google_project_service_identity.pubsub.email}", "serviceAccount:${google_service_account.app.email}"')), [8]);
  });

  it('reads a Bridgecrew id in a skip comment as the checkov check it stands for', () => {
    const cluster = (skip: string) =>
      lines(
        'resource "aws_eks_cluster" "main" {',
        '  name     = "main"',
        '  role_arn = "arn:aws:iam::123456789012:role/eks"',
        '  vpc_config {',
        '    subnet_ids = ["subnet-0123456789abcdef0"]',
        `    #bridgecrew:skip=${skip}:the platform team reaches the API from anywhere`,
        '    endpoint_public_access = true',
        '  }',
        '}',
      );
    const rule = 'iac/tf-aws-eks-public-endpoint';
    const findings = (skip: string) => analyseFile('main.tf', cluster(skip), () => {}).findings.filter((f) => f.ruleId === rule);
    assert.deepEqual(findings('BC_AWS_KUBERNETES_2').map((f) => f.inSourceSuppression), ['checkov:skip=BC_AWS_KUBERNETES_2: the platform team reaches the API from anywhere (line 6)']);
    // A Bridgecrew id of another check suppresses nothing.
    assert.deepEqual(findings('BC_AWS_LOGGING_1').map((f) => f.inSourceSuppression), [undefined]);
  });

  it('reads no statement from a dynamic "statement" of a policy document whose for_each is known empty', () => {
    const policy = (open: boolean) =>
      lines(
        'variable "open" {',
        `  default = ${open}`,
        '}',
        'data "aws_iam_policy_document" "efs" {',
        '  statement {',
        '    actions   = ["elasticfilesystem:ClientMount"]',
        '    resources = ["*"]',
        '    principals {',
        '      type        = "AWS"',
        '      identifiers = ["arn:aws:iam::123456789012:role/app"]',
        '    }',
        '  }',
        '  dynamic "statement" {',
        '    for_each = var.open ? [1] : []',
        '    content {',
        '      actions   = ["elasticfilesystem:ClientWrite"]',
        '      resources = ["*"]',
        '      principals {',
        '        type        = "AWS"',
        '        identifiers = ["*"]',
        '      }',
        '    }',
        '  }',
        '}',
        'resource "aws_efs_file_system_policy" "this" {',
        '  file_system_id = "fs-12345678"',
        '  policy         = data.aws_iam_policy_document.efs.json',
        '}',
      );
    const rule = 'iac/tf-aws-policy-public-principal';
    assert.deepEqual(linesOf(rule, policy(false)), []);
    assert.deepEqual(linesOf(rule, policy(true)), [27]);
  });
});

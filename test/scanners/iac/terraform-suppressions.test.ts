import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { PLATFORM_RULES } from '../../../src/scanners/iac/platforms.js';
import { terraformPlatform } from '../../../src/scanners/iac/terraform/rules/index.js';
import { TF_FOREIGN_CHECKS, TF_MAPPED_COUNTS, tfCoveredBy } from '../../../src/scanners/iac/terraform/suppression-map.js';
import { readTfSuppressions } from '../../../src/scanners/iac/terraform/suppressions.js';
import { writeJson } from '../../../src/report/json.js';
import { writeSarif } from '../../../src/report/sarif.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { fixturePath } from '../../helpers/paths.js';

const text = readFileSync(fixturePath('iac', 'tf-suppressions', 'main.tf'), 'utf8');

function analyse(source: string) {
  const warnings: string[] = [];
  const result = analyseFile('main.tf', source, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
  return {
    warnings,
    hits: result.findings.filter((f) => !f.inSourceSuppression).map((f) => `${f.ruleId}@${f.location.startLine}`).sort(),
    suppressed: result.findings.filter((f) => f.inSourceSuppression).map((f) => `${f.ruleId}@${f.location.startLine} ${f.inSourceSuppression}`).sort(),
  };
}

describe('Terraform: inline suppressions of checkov, tfsec/Trivy and KICS', () => {
  const { hits, suppressed, warnings } = analyse(text);

  it('a checkov skip inside a resource covers its mapped case in that resource, with the comment as the reason', () => {
    assert.ok(suppressed.includes('iac/tf-aws-sg-open-to-internet@8 checkov:skip=CKV_AWS_24: bastion reached over SSH from anywhere (line 2)'), suppressed.join('\n'));
    // CKV_AWS_24 is about SSH: the database port of the same group stays.
    assert.ok(hits.includes('iac/tf-aws-sg-open-to-internet@14'), hits.join('\n'));
  });

  it('a checkov skip on the line above a resource covers that resource only', () => {
    assert.ok(suppressed.includes('iac/tf-aws-kms-no-rotation@19 checkov:skip=CKV_AWS_7: key material rotated by hand (line 18)'), suppressed.join('\n'));
    assert.ok(hits.includes('iac/tf-aws-kms-no-rotation@23'), hits.join('\n'));
  });

  it('a tfsec ignore above a resource covers the findings of its check in the resource, not the other rules', () => {
    assert.ok(suppressed.includes('iac/tf-aws-imdsv1@28 tfsec:ignore:aws-ec2-enforce-http-token-imds (line 27)'), suppressed.join('\n'));
    assert.ok(hits.includes('iac/tf-aws-ec2-default-security-group@28'), hits.join('\n'));
  });

  it("a key vault's network ACL ignore (tfsec, checkov) covers its default action, not its purge protection", () => {
    const vault = (comment: string) => `${comment}\nresource "azurerm_key_vault" "kv" {\n  name      = "kv"\n  sku_name  = "standard"\n  tenant_id = "t"\n  network_acls {\n    bypass         = "AzureServices"\n    default_action = "Allow"\n  }\n}\n`;
    for (const comment of ['#tfsec:ignore:azure-keyvault-specify-network-acl', '#checkov:skip=CKV_AZURE_109: reached from the build agents']) {
      const { hits, suppressed } = analyse(vault(comment));
      assert.deepEqual(suppressed.map((s) => s.split(' ')[0]), ['iac/tf-azure-network-default-allow@8'], comment);
      assert.deepEqual(hits, ['iac/tf-azure-key-vault-no-purge-protection@2'], comment);
    }
  });

  it("a network ACL's port checks of checkov cover their own port; Trivy's public ingress ACL check covers the rule", () => {
    const acl = (comment: string) => `${comment}\nresource "aws_network_acl" "public" {\n  vpc_id = "vpc-1"\n  ingress {\n    protocol   = "tcp"\n    rule_no    = 100\n    action     = "allow"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 22\n    to_port    = 22\n  }\n  ingress {\n    protocol   = "tcp"\n    rule_no    = 110\n    action     = "allow"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 3389\n    to_port    = 3389\n  }\n}\n`;
    const ssh = analyse(acl('#checkov:skip=CKV_AWS_232: bastion subnet'));
    assert.deepEqual(ssh.suppressed.map((s) => s.split(' ')[0]), ['iac/tf-aws-nacl-admin-port-open@8']);
    assert.deepEqual(ssh.hits, ['iac/tf-aws-nacl-admin-port-open@16']);
    const rdp = analyse(acl('#checkov:skip=CKV_AWS_231: jump host subnet'));
    assert.deepEqual(rdp.hits, ['iac/tf-aws-nacl-admin-port-open@8']);
    const trivy = analyse(acl('#trivy:ignore:AVD-AWS-0105'));
    assert.deepEqual(trivy.hits, []);
    assert.equal(trivy.suppressed.length, 2);
  });

  it('a Trivy ignore at the end of an attribute line, or on the line above it, covers that attribute', () => {
    assert.ok(suppressed.includes('iac/tf-aws-s3-public-access-block@37 trivy:ignore:AVD-AWS-0087 (line 37)'), suppressed.join('\n'));
    assert.ok(suppressed.includes('iac/tf-aws-s3-public-access-block@40 trivy:ignore:aws-s3-no-public-buckets (line 39)'), suppressed.join('\n'));
  });

  it("checkov's Memorystore checks cover their own case of a google_redis_instance: CKV_GCP_95 AUTH, CKV_GCP_97 transit encryption", () => {
    const redis = (skip: string) => analyse(`resource "google_redis_instance" "cache" {\n  #checkov:skip=${skip}: sessions only, private network\n  name           = "cache"\n  memory_size_gb = 1\n}\n`);
    const auth = redis('CKV_GCP_95');
    assert.deepEqual(auth.suppressed.map((s) => s.split(' ')[0]), ['iac/tf-gcp-redis-no-auth@1']);
    assert.deepEqual(auth.hits, ['iac/tf-gcp-redis-transit-not-encrypted@1']);
    const transit = redis('CKV_GCP_97');
    assert.deepEqual(transit.suppressed.map((s) => s.split(' ')[0]), ['iac/tf-gcp-redis-transit-not-encrypted@1']);
    assert.deepEqual(transit.hits, ['iac/tf-gcp-redis-no-auth@1']);
    // CKV_GCP_95 looks at google_redis_instance only: a Redis Cluster's finding stays.
    const cluster = analyse('resource "google_redis_cluster" "cache" {\n  #checkov:skip=CKV_GCP_95: private network\n  name               = "cache"\n  authorization_mode = "AUTH_MODE_DISABLED"\n  transit_encryption_mode = "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION"\n}\n');
    assert.deepEqual(cluster.suppressed, []);
    assert.deepEqual(cluster.hits, ['iac/tf-gcp-redis-no-auth@4']);
  });

  it("checkov's CKV_AWS_31 (transit encryption and auth token) covers a replication group without AUTH, not a serverless cache nor the group's transit finding", () => {
    const source = [
      'resource "aws_elasticache_replication_group" "sessions" {',
      '  #checkov:skip=CKV_AWS_31: private subnet, sessions only',
      '  replication_group_id       = "sessions"',
      '  description                = "sessions"',
      '  at_rest_encryption_enabled = true',
      '  snapshot_retention_limit   = 1',
      '}',
      'resource "aws_elasticache_serverless_cache" "cache" {',
      '  #checkov:skip=CKV_AWS_31: private subnet',
      '  name   = "cache"',
      '  engine = "valkey"',
      '}',
      '',
    ].join('\n');
    const { hits, suppressed } = analyse(source);
    assert.deepEqual(suppressed.map((s) => s.split(' ')[0]), ['iac/tf-aws-elasticache-no-auth@1']);
    assert.deepEqual(hits.filter((h) => /elasticache|transit/.test(h)), ['iac/tf-aws-elasticache-no-auth@8', 'iac/tf-aws-transit-not-encrypted@1']);
  });

  it('an expired Trivy ignore suppresses nothing and says so; one expiring later suppresses', () => {
    assert.ok(hits.includes('iac/tf-aws-kms-no-rotation@44'), hits.join('\n'));
    assert.ok(warnings.includes('43: trivy:ignore:AVD-AWS-0065 expired on 2000-01-01; it suppresses nothing'), warnings.join('\n'));
    assert.ok(suppressed.includes('iac/tf-aws-kms-no-rotation@49 trivy:ignore:AVD-AWS-0065:exp:2999-01-01 (line 48)'), suppressed.join('\n'));
  });

  it('kics-scan ignore-block covers every rule in the block below; ignore-line the line below', () => {
    for (const rule of ['cloudtrail-no-log-validation', 'cloudtrail-not-encrypted', 'cloudtrail-single-region']) assert.ok(suppressed.includes(`iac/tf-aws-${rule}@54 kics-scan ignore-block (line 53)`), suppressed.join('\n'));
    assert.ok(suppressed.includes('iac/tf-aws-ecr-mutable-tags@62 kics-scan ignore-line (line 61)'), suppressed.join('\n'));
    assert.ok(hits.includes('iac/tf-aws-ecr-no-scan-on-push@64'), hits.join('\n'));
  });

  it('ids secloop does not map suppress nothing and say nothing', () => {
    assert.ok(hits.includes('iac/tf-aws-kms-no-rotation@68'), hits.join('\n'));
    assert.deepEqual(warnings, ['43: trivy:ignore:AVD-AWS-0065 expired on 2000-01-01; it suppresses nothing']);
  });

  it('without the comments the same findings are reported, none suppressed', () => {
    const plain = text.replace(/\s*#(?:checkov|tfsec|trivy)[^\n]*|# kics-scan[^\n]*/g, '');
    const bare = analyse(plain);
    assert.deepEqual(bare.suppressed, []);
    assert.equal(bare.hits.length, hits.length + suppressed.length);
  });

  it('Trivy: stacked comments all cover what follows them; a [selector] or a workspace is not evaluated and suppresses nothing', () => {
    const source = [
      '#trivy:ignore:AVD-AWS-0016',
      '#trivy:ignore:AVD-AWS-0015',
      'resource "aws_cloudtrail" "a" {',
      '  name = "a"',
      '}',
      '',
      '#trivy:ignore:AVD-AWS-0014[name=b]',
      '#trivy:ignore:AVD-AWS-0016:ws:prod',
      'resource "aws_cloudtrail" "b" {',
      '  name = "b"',
      '}',
      '',
    ].join('\n');
    const r = analyse(source);
    assert.ok(r.suppressed.some((s) => s.startsWith('iac/tf-aws-cloudtrail-no-log-validation@3 trivy:ignore:AVD-AWS-0016 (line 1)')), r.suppressed.join('\n'));
    assert.ok(r.suppressed.some((s) => s.startsWith('iac/tf-aws-cloudtrail-not-encrypted@3 trivy:ignore:AVD-AWS-0015 (line 2)')), r.suppressed.join('\n'));
    assert.ok(r.hits.includes('iac/tf-aws-cloudtrail-single-region@3'), r.hits.join('\n'));
    assert.ok(!r.suppressed.some((s) => s.includes('@9 ')), r.suppressed.join('\n'));
    assert.deepEqual(r.warnings, [
      '7: trivy:ignore:AVD-AWS-0014 is limited by a [...] selector, which secloop cannot evaluate; it suppresses nothing',
      '8: trivy:ignore:AVD-AWS-0016 is limited to a workspace, which secloop cannot tell; it suppresses nothing',
    ]);
  });

  it('a Trivy comment on an attribute does not reach the attributes after the next line; one inside a heredoc is text', () => {
    const source = [
      'resource "aws_s3_bucket_public_access_block" "b" {',
      '  bucket = "b" #trivy:ignore:AVD-AWS-0087',
      '  ignore_public_acls = true',
      '  block_public_policy = false',
      '}',
      'resource "aws_instance" "web" {',
      '  ami = "ami-12345678"',
      '  subnet_id = "subnet-1"',
      '  user_data = <<-EOT',
      '    #trivy:ignore:AVD-AWS-0028',
      '    echo hello',
      '  EOT',
      '}',
      '',
    ].join('\n');
    const r = analyse(source);
    assert.ok(r.hits.includes('iac/tf-aws-s3-public-access-block@4'), r.hits.join('\n'));
    assert.ok(r.hits.includes('iac/tf-aws-imdsv1@6'), r.hits.join('\n'));
    assert.deepEqual(r.suppressed, []);
  });

  it('an unreadable Trivy expiry date is taken as expired, as Trivy does', () => {
    const input = terraformPlatform.parse('#trivy:ignore:AVD-AWS-0065:exp:soon\nresource "aws_kms_key" "k" {\n}\n', () => {})!;
    const warnings: string[] = [];
    assert.deepEqual(readTfSuppressions('#trivy:ignore:AVD-AWS-0065:exp:soon\nresource "aws_kms_key" "k" {\n}\n', input, (l, m) => warnings.push(`${l}: ${m}`)), []);
    assert.match(warnings[0] ?? '', /^1: trivy:ignore:AVD-AWS-0065 has an expiry date that is not yyyy-mm-dd \(soon\)/);
  });

  it('the expiry is read against the scan date', () => {
    const source = '#trivy:ignore:AVD-AWS-0065:exp:2030-06-01\nresource "aws_kms_key" "k" {\n}\n';
    const input = terraformPlatform.parse(source, () => {})!;
    assert.equal(readTfSuppressions(source, input, () => {}, new Date('2030-05-31T23:00:00Z')).length, 1);
    assert.equal(readTfSuppressions(source, input, () => {}, new Date('2030-06-01T00:00:00Z')).length, 0);
  });

  it('maps only to rules that exist, and at least the common checks of each tool', () => {
    // The Kubernetes rules judge the kubernetes provider's resources (checkov's CKV_K8S_* checks).
    const ids = new Set([...terraformPlatform.rules, ...(PLATFORM_RULES.find((p) => p.platform === 'kubernetes')?.rules ?? [])].map((r) => r.id));
    for (const [tool, table] of Object.entries(TF_FOREIGN_CHECKS)) for (const [id, covered] of Object.entries(table)) for (const c of covered) assert.ok(ids.has(c.rule), `${tool} ${id} -> ${c.rule}`);
    assert.deepEqual(tfCoveredBy('checkov', 'toString'), []);
    assert.deepEqual(tfCoveredBy('trivy', 'avd-aws-0087'), tfCoveredBy('trivy', 'AVD-AWS-0087'));
    assert.deepEqual(tfCoveredBy('trivy', 'aws-s3-block-public-policy'), tfCoveredBy('trivy', 'AVD-AWS-0087'));
    // CKV_AWS_20 is the public-read ACL check on CloudFormation and Terraform alike.
    assert.deepEqual(tfCoveredBy('checkov', 'CKV_AWS_20').map((c) => c.rule), ['iac/tf-aws-s3-public-acl']);
    assert.ok(TF_MAPPED_COUNTS.checkov >= 60 && TF_MAPPED_COUNTS.trivy >= 60, JSON.stringify(TF_MAPPED_COUNTS));
  });

  it("a checkov CKV_K8S_* skip in a kubernetes_* resource covers the Kubernetes rule's hits of its case, not an init container's or a wider case", () => {
    const source = [
      'resource "kubernetes_deployment_v1" "web" {',
      '  #checkov:skip=CKV_K8S_16,CKV_K8S_17,CKV_K8S_39,CKV_K8S_14,CKV_K8S_27,CKV_K8S_21:accepted',
      '  metadata {',
      '    name      = "web"',
      '    namespace = "default"',
      '  }',
      '  spec {',
      '    template {',
      '      spec {',
      '        host_pid = true',
      '        host_ipc = true',
      '        init_container {',
      '          name  = "init"',
      '          image = "busybox:1.36"',
      '          security_context {',
      '            privileged = true',
      '          }',
      '        }',
      '        container {',
      '          name  = "web"',
      '          image = "nginx:latest"',
      '          security_context {',
      '            privileged = true',
      '          }',
      '        }',
      '        container {',
      '          name  = "side"',
      '          image = "registry.example.org:5000/envoy:latest"',
      '          security_context {',
      '            capabilities {',
      '              add = ["SYS_ADMIN", "NET_RAW"]',
      '            }',
      '          }',
      '        }',
      '        volume {',
      '          name = "sock"',
      '          host_path {',
      '            path = "/var/run/docker.sock"',
      '          }',
      '        }',
      '        volume {',
      '          name = "ctr"',
      '          host_path {',
      '            path = "/run/containerd/containerd.sock"',
      '          }',
      '        }',
      '      }',
      '    }',
      '  }',
      '}',
      '',
      'resource "kubernetes_cluster_role_v1" "all" {',
      '  #checkov:skip=CKV_K8S_49:the operator manages everything',
      '  metadata {',
      '    name = "all"',
      '  }',
      '  rule {',
      '    api_groups = ["*"]',
      '    resources  = ["*"]',
      '    verbs      = ["*"]',
      '  }',
      '}',
      '',
    ].join('\n');
    const { hits, suppressed } = analyse(source);
    const at = (list: string[], rule: string) => list.filter((h) => h.startsWith(`${rule}@`)).map((h) => Number(h.split(/[@ ]/)[1]));
    // Privileged: the container is covered, the init container (which CKV_K8S_16 does not read) is not.
    assert.deepEqual(at(suppressed, 'iac/k8s-privileged-container'), [23]);
    assert.deepEqual(at(hits, 'iac/k8s-privileged-container'), [16]);
    assert.deepEqual(at(suppressed, 'iac/k8s-host-pid'), [10]);
    assert.deepEqual(at(hits, 'iac/k8s-host-ipc'), [11], 'CKV_K8S_18 was not skipped');
    // SYS_ADMIN beside NET_RAW is wider than CKV_K8S_39; checkov reads no tag after a registry port.
    assert.deepEqual(at(hits, 'iac/k8s-dangerous-capabilities'), [31]);
    assert.deepEqual(at(suppressed, 'iac/k8s-image-latest'), [21]);
    assert.deepEqual(at(hits, 'iac/k8s-image-latest'), [28]);
    // CKV_K8S_27 compares the Docker socket's path alone.
    assert.deepEqual(at(suppressed, 'iac/k8s-docker-socket'), [38]);
    assert.deepEqual(at(hits, 'iac/k8s-docker-socket'), [44]);
    assert.deepEqual(at(suppressed, 'iac/k8s-default-namespace'), [5]);
    assert.deepEqual(at(suppressed, 'iac/k8s-rbac-wildcard'), [60]);
    assert.ok(suppressed.some((s) => s.startsWith('iac/k8s-rbac-wildcard@60 checkov:skip=CKV_K8S_49: the operator manages everything (line 53)')), suppressed.join('\n'));
  });

  it("checkov's cloudsplaining IAM checks cover the hits of their case in the policy's own block", () => {
    const policy = (skip: string, statement: string, type = 'aws_iam_policy') =>
      `resource "${type}" "p" {\n  ${skip}\n${type === 'aws_iam_policy' ? '' : '  role = "ci"\n'}  policy = jsonencode({\n    Statement = [${statement}]\n  })\n}\n`;
    const rulesOf = (list: string[]) => list.map((s) => s.split('@')[0]);
    // Privilege escalation: a path of cloudsplaining's catalogue.
    const keys = analyse(policy('#checkov:skip=CKV_AWS_286: key rotation job', '{ Effect = "Allow", Action = ["iam:CreateAccessKey"], Resource = "*" }'));
    assert.deepEqual(rulesOf(keys.suppressed), ['iac/tf-aws-iam-privilege-escalation']);
    assert.deepEqual(keys.hits, []);
    // iam:PutRolePolicy alone: cloudsplaining asks for sts:AssumeRole too, so checkov would not have reported it.
    const roles = analyse(policy('#checkov:skip=CKV_AWS_286: role editor', '{ Effect = "Allow", Action = ["iam:PutRolePolicy"], Resource = "*" }'));
    assert.deepEqual(rulesOf(roles.hits), ['iac/tf-aws-iam-privilege-escalation']);
    // "*" as the resource of restrictable actions: a service wildcard and iam:PassRole on every role, in an inline role policy too.
    const star = '{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }, { Effect = "Allow", Action = ["iam:PassRole"], Resource = "*" }';
    for (const type of ['aws_iam_policy', 'aws_iam_role_policy']) {
      const wild = analyse(policy('#checkov:skip=CKV_AWS_355: scoped by the boundary', star, type));
      assert.deepEqual(rulesOf(wild.suppressed).sort(), ['iac/tf-aws-iam-passrole-wildcard', 'iac/tf-aws-iam-service-wildcard'], type);
      assert.deepEqual(wild.hits, [], type);
    }
    // Write access without constraints: the service wildcard, not iam:PassRole (the "*" resource check's case).
    const writes = analyse(policy('#checkov:skip=CKV_AWS_290: sandbox account', star));
    assert.deepEqual(rulesOf(writes.suppressed), ['iac/tf-aws-iam-service-wildcard']);
    assert.deepEqual(rulesOf(writes.hits), ['iac/tf-aws-iam-passrole-wildcard']);
    // cloudsplaining does not read NotResource: everything outside it stays reported.
    const outside = analyse(policy('#checkov:skip=CKV_AWS_355,CKV_AWS_290: all but one bucket', '{ Effect = "Allow", Action = ["s3:*"], NotResource = ["arn:aws:s3:::audit/*"] }'));
    assert.deepEqual(rulesOf(outside.hits), ['iac/tf-aws-iam-service-wildcard']);
    // Reads of data (288) and permissions management (289) are a part of what the rules report: they cover nothing.
    const parts = analyse(policy('#checkov:skip=CKV_AWS_288,CKV_AWS_289: reports reader', star));
    assert.deepEqual(rulesOf(parts.hits).sort(), ['iac/tf-aws-iam-passrole-wildcard', 'iac/tf-aws-iam-service-wildcard']);
    // A full administrator is CKV_AWS_62/63's case, not the "*" resource check's.
    const admin = analyse(policy('#checkov:skip=CKV_AWS_355,CKV_AWS_286,CKV_AWS_290: break-glass', '{ Effect = "Allow", Action = ["*"], Resource = "*" }'));
    assert.deepEqual(rulesOf(admin.hits), ['iac/tf-aws-iam-full-admin']);
    // The policy document's own checks (CKV_AWS_110, 356) on a document no resource applies.
    const document = analyse('data "aws_iam_policy_document" "d" {\n  #checkov:skip=CKV_AWS_110,CKV_AWS_356: template for the ops account\n  statement {\n    actions   = ["iam:CreateAccessKey"]\n    resources = ["*"]\n  }\n  statement {\n    actions   = ["dynamodb:*"]\n    resources = ["*"]\n  }\n}\n');
    assert.deepEqual(rulesOf(document.suppressed).sort(), ['iac/tf-aws-iam-privilege-escalation', 'iac/tf-aws-iam-service-wildcard']);
    assert.deepEqual(document.hits, []);
    // A role's own escalation finding (it may pool several policies) is not in the policy's block: it stays.
    const held = analyse(`resource "aws_iam_role" "ci" {\n  name               = "ci"\n  assume_role_policy = "{}"\n}\nresource "aws_iam_role_policy_attachment" "ci" {\n  role       = aws_iam_role.ci.name\n  policy_arn = aws_iam_policy.p.arn\n}\n${policy('#checkov:skip=CKV_AWS_286: rotation', '{ Effect = "Allow", Action = ["iam:CreateAccessKey"], Resource = "*" }')}`);
    assert.deepEqual(rulesOf(held.hits), ['iac/tf-aws-iam-privilege-escalation']);
    assert.equal(held.hits[0], 'iac/tf-aws-iam-privilege-escalation@1');
  });

  it('through the scan, the suppressed findings are reported as suppressed with the reason in JSON and SARIF', async () => {
    const result = await scanIacTree({
      'infra/main.tf': ['resource "aws_kms_key" "k" {', '  #checkov:skip=CKV_AWS_7:rotated by the key custodian', '  description = "k"', '}', ''].join('\n'),
    });
    assert.ok(!result.findings.some((f) => f.ruleId === 'iac/tf-aws-kms-no-rotation'));
    const json = JSON.parse(writeJson(result));
    const entry = json.suppressed.find((s: any) => s.ruleId === 'iac/tf-aws-kms-no-rotation');
    assert.equal(entry?.suppression.kind, 'inSource');
    assert.equal(entry?.suppression.justification, 'checkov:skip=CKV_AWS_7: rotated by the key custodian (line 2)');
    const sarif = JSON.parse(writeSarif(result));
    const res = sarif.runs[0].results.find((r: any) => r.ruleId === 'iac/tf-aws-kms-no-rotation');
    assert.deepEqual(res?.suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'checkov:skip=CKV_AWS_7: rotated by the key custodian (line 2)' }]);
  });
});

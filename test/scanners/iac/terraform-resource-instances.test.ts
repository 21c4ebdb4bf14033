import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { label, readTerraform, resourcesOf, valueOf } from '../../../src/scanners/iac/terraform/model.js';
import { MAX_INSTANCES_PER_FILE, MAX_RESOURCE_INSTANCES } from '../../../src/scanners/iac/terraform/resource-instances.js';
import { lines, saidOf } from '../../helpers/iac-lines.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { fixturePath } from '../../helpers/paths.js';

/** `line message` of a fixture folder's findings of one rule. */
async function found(folder: string, ruleId: string): Promise<string[]> {
  const result = await runScan({ target: fixturePath('iac', 'tf-resource-instances', folder), scannerSet: [iacScanner] });
  return result.findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.location.startLine} ${f.message}`)
    .sort();
}

const SG_OPEN = 'iac/tf-aws-sg-open-to-internet';

describe('Terraform: resources with for_each or count judged per instance', () => {
  it('names the one instance of a for_each that opens a port, and reports a finding every instance has once, as the resource', async () => {
    assert.deepEqual(await found('sg-rules', SG_OPEN), [
      '18 aws_security_group_rule.ingress["ssh"] opens 22/tcp (SSH) to 0.0.0.0/0.',
      '30 aws_security_group_rule.rdp opens 3389/tcp (Remote Desktop (RDP)) to 0.0.0.0/0.',
    ]);
  });

  it('judges nothing of a resource whose count is 0 or for_each empty, also when only a variable default makes it so', async () => {
    assert.deepEqual(await found('count-zero', SG_OPEN), []);
  });

  it('judges a resource off by default that a definitions file turns on', async () => {
    // The count-zero module with a terraform.tfvars that turns debug on.
    const result = await scanIacTree({ 'main.tf': readFileSync(fixturePath('iac', 'tf-resource-instances', 'count-zero', 'main.tf'), 'utf8'), 'terraform.tfvars': 'enable_debug = true\n' });
    const given = result.findings.filter((f) => f.ruleId === SG_OPEN).map((f) => `${f.location.startLine} ${f.message}`);
    assert.deepEqual(given, ['35 aws_security_group_rule.debug opens 22/tcp (SSH) to 0.0.0.0/0.']);
  });

  it('a resource a module makes only when asked is no companion on its defaults: the VPC has no flow log, the log group nothing to judge', async () => {
    assert.deepEqual(await found('flow-log-off', 'iac/tf-aws-vpc-no-flow-logs'), ['11 aws_vpc.this has no flow log in this configuration.']);
    assert.deepEqual(await found('flow-log-off', 'iac/tf-aws-no-customer-managed-key'), []);
    assert.deepEqual(await found('flow-log-off-split', 'iac/tf-aws-vpc-no-flow-logs'), ['6 aws_vpc.this has no flow log in this configuration.']);
  });

  it('judges a resource whose for_each cannot be read once, as written, with each unknown', async () => {
    assert.deepEqual(await found('unknown', SG_OPEN), ['14 aws_security_group_rule.ingress opens 22/tcp (SSH) to 0.0.0.0/0.']);
  });

  it("finds each bucket's own public access block (aws_s3_bucket.this[each.key]) and judges each block's values", async () => {
    assert.deepEqual(await found('buckets', 'iac/tf-aws-s3-public-access-block'), [
      '19 aws_s3_bucket_public_access_block.this["reports"] sets block_public_policy = false.',
      '9 aws_s3_bucket.this["exports"] has no public access block of its own: S3 turns all four settings on only for buckets created since April 2023, so a bucket this configuration made earlier has none, and one public ACL or bucket policy makes it public.',
    ]);
  });

  it('reads each instance with its each.key, each.value and count.index, as resourcesOf gives them', () => {
    const input = readTerraform(
      [
        'resource "aws_s3_bucket" "named" {',
        '  for_each = toset(["a", "b"])',
        '  bucket   = "example-${each.key}"',
        '}',
        'resource "aws_s3_bucket" "counted" {',
        '  count  = 2',
        '  bucket = "example-${count.index}"',
        '}',
        'resource "aws_s3_bucket" "same" {',
        '  count  = 3',
        '  bucket = "example"',
        '}',
        '',
      ].join('\n'),
      () => {},
    );
    assert.ok(input);
    const buckets = resourcesOf(input, 'aws_s3_bucket');
    assert.deepEqual(
      buckets.map((b) => [label(b), valueOf(input, b.block, 'bucket')]),
      [
        ['aws_s3_bucket.named["a"]', 'example-a'],
        ['aws_s3_bucket.named["b"]', 'example-b'],
        ['aws_s3_bucket.counted[0]', 'example-0'],
        ['aws_s3_bucket.counted[1]', 'example-1'],
        // Instances that all read the same: the resource as written stands for them.
        ['aws_s3_bucket.same', 'example'],
      ],
    );
    assert.equal(buckets[0]!.address, 'aws_s3_bucket.named');
    assert.equal(resourcesOf(input, 'aws_s3_bucket')[0], buckets[0], 'the same instance objects each time');
  });

  it('judges a for_each past the cap once as written, and says so', () => {
    const keys = Array.from({ length: MAX_RESOURCE_INSTANCES + 1 }, (_, i) => `"k${i}"`).join(', ');
    const source = `resource "aws_security_group_rule" "many" {\n  for_each          = toset([${keys}])\n  type              = "ingress"\n  security_group_id = "sg-0123456789abcdef0"\n  description       = each.key\n  from_port         = 22\n  to_port           = 22\n  protocol          = "tcp"\n  cidr_blocks       = ["0.0.0.0/0"]\n}\n`;
    const warnings: string[] = [];
    const result = analyseFile('main.tf', source, (w) => warnings.push(w.message));
    assert.deepEqual(result.findings.filter((f) => f.ruleId === SG_OPEN).map((f) => f.message), ['aws_security_group_rule.many opens 22/tcp (SSH) to 0.0.0.0/0.']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /aws_security_group_rule\.many: its for_each makes 257 instances.*judged once as written, with each\.key and each\.value unknown/);
  });

  it("judges the resources past the file's budget of instances as written, with one warning for the file", () => {
    const keys = Array.from({ length: 200 }, (_, i) => `"k${i}"`).join(', ');
    const rule = (n: number) => `resource "aws_security_group_rule" "r${n}" {\n  for_each          = toset([${keys}])\n  type              = "ingress"\n  security_group_id = "sg-0123456789abcdef0"\n  description       = each.key\n  from_port         = 22\n  to_port           = 22\n  protocol          = "tcp"\n  cidr_blocks       = ["0.0.0.0/0"]\n}\n`;
    const count = Math.floor(MAX_INSTANCES_PER_FILE / 200) + 2;
    const warnings: string[] = [];
    const result = analyseFile('main.tf', Array.from({ length: count }, (_, i) => rule(i)).join('\n'), (w) => warnings.push(w.message));
    assert.equal(result.findings.filter((f) => f.ruleId === SG_OPEN).length, count, 'one finding per resource, shared by its instances');
    assert.deepEqual(warnings.length, 1);
    assert.match(warnings[0]!, /^2 resources with for_each or count \(the first: aws_security_group_rule\.r20\) are judged once as written/);
  });

  it('names the instances that share a finding when not all of them do', () => {
    const source = 'resource "aws_security_group_rule" "x" {\n  for_each          = { a = "0.0.0.0/0", b = "0.0.0.0/0", c = "10.0.0.0/8" }\n  type              = "ingress"\n  security_group_id = "sg-0123456789abcdef0"\n  from_port         = 22\n  to_port           = 22\n  protocol          = "tcp"\n  cidr_blocks       = [each.value]\n}\n';
    const result = analyseFile('main.tf', source, () => {});
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === SG_OPEN).map((f) => [f.location.startLine, f.message, f.properties.resource]),
      [[8, 'aws_security_group_rule.x["a"] (also ["b"]) opens 22/tcp (SSH) to 0.0.0.0/0.', 'aws_security_group_rule.x["a"] (also ["b"])']],
    );
  });

  it("reads each instance's policy document", () => {
    const source = [
      'resource "aws_iam_policy" "this" {',
      '  for_each = { read = ["s3:GetObject"], admin = ["*"] }',
      '  name     = each.key',
      '  policy = jsonencode({',
      '    Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }]',
      '  })',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(saidOf('iac/tf-aws-iam-full-admin', source), ['4 aws_iam_policy.this["admin"] allows every action on every resource (line 5).']);
  });

  it('judges the GCP IAM grants one instance at a time: the instance granting to allUsers named, one of count 0 not judged', () => {
    const source = [
      'resource "google_project_iam_member" "viewers" {',
      '  for_each = { public = "allUsers", team = "group:team@example.org" }',
      '  project  = "app-123456"',
      '  role     = "roles/viewer"',
      '  member   = each.value',
      '}',
      'resource "google_project_iam_member" "off" {',
      '  count   = 0',
      '  project = "app-123456"',
      '  role    = "roles/viewer"',
      '  member  = "allUsers"',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(saidOf('iac/tf-gcp-public-access', source), ['5 google_project_iam_member.viewers["public"] grants roles/viewer to allUsers on the whole project.']);
  });

  it('reads a policy document data source with for_each or count once per instance: where it is applied, the instance named; on its own, each instance', () => {
    const source = [
      'data "aws_iam_policy_document" "this" {',
      '  for_each = { reader = ["s3:GetObject"], admin = ["*"] }',
      '  statement {',
      '    actions   = each.value',
      '    resources = ["*"]',
      '  }',
      '}',
      'resource "aws_iam_policy" "this" {',
      '  for_each = toset(["reader", "admin"])',
      '  name     = each.key',
      '  policy   = data.aws_iam_policy_document.this[each.key].json',
      '}',
      'data "aws_iam_policy_document" "loose" {',
      '  count = 2',
      '  statement {',
      '    actions   = count.index == 1 ? ["*"] : ["s3:ListBucket"]',
      '    resources = ["*"]',
      '  }',
      '}',
      'data "aws_iam_policy_document" "off" {',
      '  count = 0',
      '  statement {',
      '    actions   = ["*"]',
      '    resources = ["*"]',
      '  }',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(saidOf('iac/tf-aws-iam-full-admin', source), ['11 aws_iam_policy.this["admin"] allows every action on every resource.', '13 data.aws_iam_policy_document.loose[1] allows every action on every resource (line 15).']);
  });

  it('reads a google_iam_policy with for_each once per instance, its scope from the policies that apply that instance', () => {
    const source = [
      'data "google_iam_policy" "bucket" {',
      '  for_each = { public = "allUsers", team = "group:team@example.org" }',
      '  binding {',
      '    role    = "roles/storage.objectViewer"',
      '    members = [each.value]',
      '  }',
      '}',
      'resource "google_storage_bucket_iam_policy" "bucket" {',
      '  for_each    = toset(["public", "team"])',
      '  bucket      = "example-${each.key}"',
      '  policy_data = data.google_iam_policy.bucket[each.key].policy_data',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(saidOf('iac/tf-gcp-public-access', source), ['5 data.google_iam_policy.bucket["public"] grants roles/storage.objectViewer to allUsers.']);
  });
});

/** `file:line message` of one rule's findings over a module of several files. */
async function inTree(files: Record<string, string>, ruleId: string): Promise<string[]> {
  const result = await scanIacTree(files);
  return result.findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.location.path.split('/').pop()}:${f.location.startLine} ${f.message}`)
    .sort();
}

describe('Terraform: companions of a subject read per instance (roles, attachments, policies, lookups)', () => {
  const ROLES = lines(
    'locals {',
    '  role_policies = {',
    '    ci  = "arn:aws:iam::aws:policy/AdministratorAccess"',
    '    app = "arn:aws:iam::aws:policy/ReadOnlyAccess"',
    '  }',
    '}',
    'resource "aws_iam_role" "this" {',
    '  for_each           = local.role_policies',
    '  name               = each.key',
    '  assume_role_policy = data.aws_iam_policy_document.trust.json',
    '}',
  );
  const ATTACHMENTS = lines(
    'resource "aws_iam_role_policy_attachment" "this" {',
    '  for_each   = local.role_policies',
    '  role       = aws_iam_role.this[each.key].name',
    '  policy_arn = each.value',
    '}',
  );
  const FUNCTIONS = lines(
    'resource "aws_lambda_function" "f" {',
    '  for_each      = local.role_policies',
    '  function_name = each.key',
    '  role          = aws_iam_role.this[each.key].arn',
    '}',
    'resource "aws_lambda_function" "app" {',
    '  function_name = "app"',
    '  role          = aws_iam_role.this["app"].arn',
    '}',
  );
  const WORKLOAD = 'iac/tf-aws-workload-privileged-role';
  const ESCALATION = 'iac/tf-aws-iam-privilege-escalation';

  it('gives the AdministratorAccess an attachment instance attaches to the role instance it names, and to no other', () => {
    assert.deepEqual(saidOf(WORKLOAD, ROLES + ATTACHMENTS + FUNCTIONS), [
      '20 aws_lambda_function.f["ci"] runs its code with aws_iam_role.this["ci"], which has administrator access (AdministratorAccess) through aws_iam_role_policy_attachment.this["ci"].',
    ]);
  });

  it('reads the roles, attachments and functions one instance at a time when they are in different files of the module', async () => {
    assert.deepEqual(await inTree({ 'roles.tf': ROLES, 'attachments.tf': ATTACHMENTS, 'functions.tf': FUNCTIONS }, WORKLOAD), [
      'functions.tf:4 aws_lambda_function.f["ci"] runs its code with aws_iam_role.this["ci"], which has administrator access (AdministratorAccess) through aws_iam_role_policy_attachment.this["ci"].',
    ]);
  });

  it('gives a role the attachment names only as written (an index it cannot read) to every instance of it', () => {
    const attachment = lines('variable "which" {}', 'resource "aws_iam_role_policy_attachment" "admin" {', '  role       = aws_iam_role.this[var.which].name', '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"', '}');
    assert.deepEqual(saidOf(WORKLOAD, ROLES + attachment + FUNCTIONS), [
      '20 aws_lambda_function.f runs its code with aws_iam_role.this, which has administrator access (AdministratorAccess) through aws_iam_role_policy_attachment.admin.',
      '24 aws_lambda_function.app runs its code with aws_iam_role.this["app"], which has administrator access (AdministratorAccess) through aws_iam_role_policy_attachment.admin.',
    ]);
  });

  it('names, of equally strong grants to a role, the first in the order its own file reads the module, however the pool is shared', async () => {
    const file = (name: string) =>
      lines(
        `resource "aws_lambda_function" "${name}" {`,
        `  function_name = "${name}"`,
        '  role          = aws_iam_role.shared.arn',
        '}',
        `resource "aws_iam_role_policy_attachment" "${name}_admin" {`,
        '  role       = aws_iam_role.shared.name',
        '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"',
        '}',
      );
    const role = lines('resource "aws_iam_role" "shared" {', '  name               = "shared"', '  assume_role_policy = data.aws_iam_policy_document.trust.json', '}');
    assert.deepEqual(await inTree({ 'a.tf': file('a'), 'b.tf': file('b'), 'role.tf': role }, WORKLOAD), [
      'a.tf:3 aws_lambda_function.a runs its code with aws_iam_role.shared, which has administrator access (AdministratorAccess) through aws_iam_role_policy_attachment.a_admin and 1 more.',
      'b.tf:3 aws_lambda_function.b runs its code with aws_iam_role.shared, which has administrator access (AdministratorAccess) through aws_iam_role_policy_attachment.b_admin and 1 more.',
    ]);
  });

  it('pools the escalation actions of each instance of a role from the policy documents its policies name per instance', async () => {
    const policies = lines(
      'data "aws_iam_policy_document" "role" {',
      '  for_each = { ci = ["iam:PutRolePolicy"], app = ["s3:GetObject"] }',
      '  statement {',
      '    actions   = each.value',
      '    resources = ["*"]',
      '  }',
      '}',
      'resource "aws_iam_role_policy" "this" {',
      '  for_each = local.role_policies',
      '  role     = aws_iam_role.this[each.key].id',
      '  policy   = data.aws_iam_policy_document.role[each.key].json',
      '}',
    );
    const expected = 'aws_iam_role.this["ci"] can escalate its privileges through iam:PutRolePolicy (granted by aws_iam_role_policy.this["ci"]).';
    assert.deepEqual(saidOf(ESCALATION, ROLES + policies), [`7 ${expected}`]);
    assert.deepEqual(await inTree({ 'roles.tf': ROLES, 'policies.tf': policies }, ESCALATION), [`roles.tf:7 ${expected}`]);
  });

  it('pools a customer managed policy per instance: the policy instance an attachment instance names', () => {
    const policies = lines(
      'resource "aws_iam_policy" "this" {',
      '  for_each = { ci = ["iam:AttachRolePolicy"], app = ["s3:GetObject"] }',
      '  policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }] })',
      '}',
      'resource "aws_iam_role_policy_attachment" "this" {',
      '  for_each   = local.role_policies',
      '  role       = aws_iam_role.this[each.key].name',
      '  policy_arn = aws_iam_policy.this[each.key].arn',
      '}',
    );
    assert.deepEqual(saidOf(ESCALATION, ROLES + policies), ['7 aws_iam_role.this["ci"] can escalate its privileges through iam:AttachRolePolicy (granted by aws_iam_policy.this["ci"]).']);
  });

  it('gives a policy an attachment attaches to a list of role instances to those instances alone', () => {
    const source = lines(
      'resource "aws_iam_role" "this" {',
      '  for_each           = toset(["a", "b", "c"])',
      '  name               = each.key',
      '  assume_role_policy = data.aws_iam_policy_document.trust.json',
      '}',
      'resource "aws_iam_policy" "escalate" {',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PutRolePolicy", Resource = "*" }] })',
      '}',
      'resource "aws_iam_policy_attachment" "escalate" {',
      '  name       = "escalate"',
      '  roles      = [aws_iam_role.this["a"].name, aws_iam_role.this["b"].name]',
      '  policy_arn = aws_iam_policy.escalate.arn',
      '}',
    );
    assert.deepEqual(saidOf(ESCALATION, source), ['1 aws_iam_role.this["a"] (also ["b"]) can escalate its privileges through iam:PutRolePolicy (granted by aws_iam_policy.escalate).']);
  });

  it('reads a data "aws_iam_policy" with for_each as the instance the attachment names', () => {
    const source = lines(
      'data "aws_iam_policy" "managed" {',
      '  for_each = toset(["AdministratorAccess", "ReadOnlyAccess"])',
      '  name     = each.key',
      '}',
      'resource "aws_iam_role_policy_attachment" "this" {',
      '  for_each   = toset(["AdministratorAccess", "ReadOnlyAccess"])',
      '  role       = aws_iam_role.ci.name',
      '  policy_arn = data.aws_iam_policy.managed[each.key].arn',
      '}',
      'resource "aws_iam_role_policy_attachment" "read" {',
      '  role       = aws_iam_role.ci.name',
      '  policy_arn = data.aws_iam_policy.managed["ReadOnlyAccess"].arn',
      '}',
    );
    assert.deepEqual(saidOf('iac/tf-aws-iam-full-admin', source), ['8 aws_iam_role_policy_attachment.this["AdministratorAccess"] attaches the AWS managed AdministratorAccess policy.']);
  });

  it('judges each instance of a data "aws_ami" lookup, and reads the lookup instance an instance names', () => {
    const source = lines(
      'data "aws_ami" "base" {',
      '  for_each    = { debian = ["136693071363"], custom = [] }',
      '  most_recent = true',
      '  owners      = each.value',
      '  filter {',
      '    name   = "name"',
      '    values = ["${each.key}-*"]',
      '  }',
      '}',
      'data "aws_ami" "al2023" {',
      '  for_each    = { amazon = ["amazon"], other = ["123456789012"] }',
      '  most_recent = true',
      '  owners      = each.value',
      '  filter {',
      '    name   = "name"',
      '    values = ["al2023-ami-*"]',
      '  }',
      '}',
      'resource "aws_instance" "web" {',
      '  for_each               = toset(["amazon", "other"])',
      '  ami                    = data.aws_ami.al2023[each.key].id',
      '  instance_type          = "t3.micro"',
      '  subnet_id              = "subnet-0123456789abcdef0"',
      '  vpc_security_group_ids = ["sg-0123456789abcdef0"]',
      '}',
    );
    assert.deepEqual(saidOf('iac/tf-aws-ami-owner-unpinned', source), ['3 data.aws_ami.base["custom"] picks the most recent matching AMI from any publisher: pin owners.']);
    assert.deepEqual(saidOf('iac/tf-aws-imdsv1', source), ['19 aws_instance.web["other"] allows IMDSv1 (http_tokens is not set).']);
  });

  it('reads the instance of a KMS key or security group lookup an expression names', () => {
    const source = lines(
      'data "aws_kms_key" "by_alias" {',
      '  for_each = toset(["alias/aws/secretsmanager", "alias/team-secrets"])',
      '  key_id   = each.key',
      '}',
      'resource "aws_secretsmanager_secret" "managed" {',
      '  name       = "managed"',
      '  kms_key_id = data.aws_kms_key.by_alias["alias/aws/secretsmanager"].arn',
      '}',
      'resource "aws_secretsmanager_secret" "team" {',
      '  name       = "team"',
      '  kms_key_id = data.aws_kms_key.by_alias["alias/team-secrets"].arn',
      '}',
      'data "aws_security_group" "named" {',
      '  for_each = toset(["default", "web"])',
      '  name     = each.key',
      '}',
      'resource "aws_instance" "web" {',
      '  for_each               = toset(["default", "web"])',
      '  ami                    = "ami-0123456789abcdef0"',
      '  instance_type          = "t3.small"',
      '  subnet_id              = "subnet-0123456789abcdef0"',
      '  vpc_security_group_ids = [data.aws_security_group.named[each.key].id]',
      '}',
    );
    assert.deepEqual(saidOf('iac/tf-aws-no-customer-managed-key', source), ['7 aws_secretsmanager_secret.managed encrypts the secret with an AWS managed key, whose policy cannot be restricted.']);
    assert.deepEqual(saidOf('iac/tf-aws-ec2-default-security-group', source), ['22 aws_instance.web["default"] uses the VPC\'s default security group (data.aws_security_group.named["default"]).']);
  });
});

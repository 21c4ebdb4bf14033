import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../src/scanners/iac/detect.js';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { UNKNOWN, evaluate } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { readTerraform, type TfInput } from '../../../src/scanners/iac/terraform/model.js';
import { MODULES, namedRule } from '../../../src/scanners/iac/terraform/modules/registry.js';
import { registryAddress } from '../../../src/scanners/iac/terraform/modules/synthesize.js';
import { applies, constraintRange, versionFromRef } from '../../../src/scanners/iac/terraform/modules/versions.js';

function read(source: string): TfInput {
  const warnings: string[] = [];
  const input = readTerraform(source, (line, message) => warnings.push(`${line}: ${message}`));
  assert.ok(input, `not read: ${warnings.join('; ')}`);
  return input;
}

function moduleResources(source: string): string[] {
  return read(source).resources.filter((r) => r.module).map((r) => r.address).sort();
}

/** `ruleId:line` of every finding on a Terraform text. */
function findings(source: string, path = 'main.tf'): string[] {
  return analyseFile(path, source, () => {}).findings.map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}`).sort();
}

function value(input: TfInput, address: string, ...path: string[]): unknown {
  const resource = input.resources.find((r) => r.address === address);
  assert.ok(resource, `no ${address}`);
  let block = resource.block;
  for (const name of path.slice(0, -1)) block = block.body.blocks.find((b) => b.type === name)!;
  const a = block?.body.attributes.find((x) => x.name === path[path.length - 1]);
  return a ? evaluate(a.expr, input.scope) : undefined;
}

describe('module sources and versions', () => {
  it('recognises registry and GitHub spellings of a module source, with submodules', () => {
    assert.deepEqual(registryAddress('terraform-aws-modules/s3-bucket/aws'), { address: 'terraform-aws-modules/s3-bucket/aws' });
    assert.deepEqual(registryAddress('registry.terraform.io/terraform-aws-modules/vpc/aws'), { address: 'terraform-aws-modules/vpc/aws' });
    assert.deepEqual(registryAddress('terraform-aws-modules/security-group/aws//modules/ssh'), { address: 'terraform-aws-modules/security-group/aws', submodule: 'ssh' });
    assert.deepEqual(registryAddress('git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git?ref=v3.7.0'), { address: 'terraform-aws-modules/s3-bucket/aws' });
    assert.deepEqual(registryAddress('github.com/terraform-aws-modules/terraform-aws-security-group//modules/rdp?ref=v4.3.0'), { address: 'terraform-aws-modules/security-group/aws', submodule: 'rdp' });
    assert.equal(registryAddress('./modules/bucket'), undefined);
    assert.equal(versionFromRef('git::https://github.com/x/terraform-aws-y.git?ref=v3.7.0'), '3.7.0');
  });

  it('reads Terraform version constraints, including the pessimistic operator', () => {
    assert.equal(constraintRange('3.7.0'), '3.7.0');
    assert.equal(constraintRange('~> 3.0'), '>=3.0.0 <4.0.0');
    assert.equal(constraintRange('~> 3.7.1'), '>=3.7.1 <3.8.0');
    assert.equal(constraintRange('>= 3.2, < 4.0'), '>=3.2.0 <4.0.0');
    assert.equal(constraintRange('not a version'), undefined);
    assert.equal(applies(constraintRange('3.7.0'), '>=3.9.0'), 'never');
    assert.equal(applies(constraintRange('~> 4.0'), '>=3.9.0'), 'always');
    assert.equal(applies(constraintRange('~> 3.0'), '>=3.9.0'), 'maybe');
    assert.equal(applies(undefined, '>=3.9.0'), 'maybe');
    assert.equal(applies(undefined, '*'), 'always');
  });

  it('knows the ports of the security group rules it names', () => {
    assert.deepEqual(namedRule('ssh-tcp'), [22, 22, 'tcp']);
    assert.deepEqual(namedRule('mongodb-27017-tcp'), [27017, 27017, 'tcp']);
    assert.equal(namedRule('custom-rule'), undefined);
  });
});

describe('resources of registry modules', () => {
  it('builds every resource of the table that a module creates with its defaults', () => {
    for (const spec of MODULES) {
      if (spec.expand) continue;
      const name = spec.source.split('/')[1]!.replace(/-/g, '_');
      const source = spec.submodule ? `${spec.source}//modules/${spec.submodule}` : spec.source;
      const made = moduleResources(`module "${name}" {\n  source  = "${source}"\n  version = "9.9.9"\n}\n`);
      const expected = spec.resources
        // With no inputs: a version range holds for 9.9.9 when it admits it, an input is unset, a flag takes its default;
        // a resource per object of a list input (`each`) has no list, so none.
        .filter((r) => !r.each)
        .filter((r) => (r.when ?? []).every((c) => ('versions' in c ? applies('9.9.9', c.versions) === 'always' : c.is === 'unset' ? true : c.is === 'set' ? false : c.otherwise)))
        .map((r) => `module.${name}.${r.type}.${r.name}`)
        .sort();
      assert.deepEqual(made, expected, source);
    }
  });

  it('creates the optional resources only when their inputs ask for them', () => {
    const made = moduleResources('module "logs" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n  create_bucket = true\n  acl = "private"\n  logging = { target_bucket = "audit" }\n  attach_policy = true\n  policy = "{}"\n}\n');
    assert.deepEqual(made, [
      'module.logs.aws_s3_bucket.this',
      'module.logs.aws_s3_bucket_acl.this',
      'module.logs.aws_s3_bucket_logging.this',
      'module.logs.aws_s3_bucket_policy.this',
      'module.logs.aws_s3_bucket_public_access_block.this',
    ]);
    assert.deepEqual(moduleResources('module "logs" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n  create_bucket = false\n}\n'), []);
  });

  it('leaves a module alone when what it creates depends on values it cannot read', () => {
    assert.deepEqual(moduleResources('module "logs" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n  create_bucket = var.create\n}\n'), []);
    assert.deepEqual(moduleResources('module "web" {\n  source = "terraform-aws-modules/ec2-instance/aws"\n  metadata_options = var.metadata\n}\n'), []);
    assert.deepEqual(moduleResources('module "asg" {\n  source = "terraform-aws-modules/autoscaling/aws"\n}\n'), []);
  });

  it('resolves module defaults that changed between releases from the pinned version', () => {
    const at = (version: string) => {
      const input = read(`module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "${version}"\n}\n`);
      return value(input, 'module.b.aws_s3_bucket_public_access_block.this', 'block_public_acls');
    };
    assert.equal(at('3.7.0'), undefined, 'before 3.9.0 the module passes false, the provider default');
    assert.equal(at('~> 4.0'), true);
    assert.equal(at('~> 3.0'), UNKNOWN);
    const ec2 = read('module "web" {\n  source  = "terraform-aws-modules/ec2-instance/aws"\n  version = "~> 6.0"\n  metadata_options = { http_endpoint = "enabled" }\n}\n');
    assert.equal(value(ec2, 'module.web.aws_instance.this', 'metadata_options', 'http_tokens'), 'required');
  });

  it('reports problems of module inputs on the input line, and missing settings on the module header', () => {
    const s3 = 'module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "3.7.0"\n  acl     = "public-read"\n  block_public_policy = false\n}\n';
    const got = findings(s3);
    assert.ok(got.includes('s3-public-acl:4'), got.join(' '));
    assert.ok(got.includes('s3-public-access-block:5'), got.join(' '));
    assert.ok(got.includes('s3-public-access-block:1'), got.join(' '));
    assert.ok(got.includes('s3-no-access-logging:1'), got.join(' '));
    assert.ok(got.includes('s3-no-versioning:1'), got.join(' '));
    const logged = findings('module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "4.1.0"\n  logging = { target_bucket = "audit" }\n  versioning = { enabled = true }\n  server_side_encryption_configuration = { rule = { apply_server_side_encryption_by_default = { sse_algorithm = "aws:kms" } } }\n}\n');
    assert.deepEqual(logged, []);
  });

  it('reads access logs, Secrets encryption and versioning from module inputs per release', () => {
    const only = (rule: string, source: string) => findings(source).filter((f) => f.startsWith(`${rule}:`));
    const alb = (version: string | undefined, inputs = '') => `module "alb" {\n  source  = "terraform-aws-modules/alb/aws"\n${version ? `  version = "${version}"\n` : ''}  name    = "web"\n${inputs}}\n`;
    // From 5.0.0 the access_logs input, enabled unless it says otherwise; before, logs went to log_bucket_name by default.
    assert.deepEqual(only('lb-no-access-logs', alb('~> 9.0')), ['lb-no-access-logs:1']);
    assert.deepEqual(only('lb-no-access-logs', alb('~> 9.0', '  access_logs = { bucket = "lb-logs" }\n')), []);
    assert.deepEqual(only('lb-no-access-logs', alb('~> 9.0', '  access_logs = {\n    bucket  = "lb-logs"\n    enabled = false\n  }\n')), ['lb-no-access-logs:7']);
    assert.deepEqual(only('lb-no-access-logs', alb('4.1.0')), []);
    assert.deepEqual(only('lb-no-access-logs', alb(undefined)), []);
    assert.deepEqual(only('lb-no-access-logs', alb('~> 9.0', '  load_balancer_type = "gateway"\n')), []);
    const eks = (version: string | undefined, inputs = '') => `module "eks" {\n  source       = "terraform-aws-modules/eks/aws"\n${version ? `  version      = "${version}"\n` : ''}  cluster_name = "main"\n${inputs}}\n`;
    // Before 19.0.0 Secrets are encrypted only with cluster_encryption_config; from 19.0.0 by default, with a key the module creates.
    assert.deepEqual(only('no-customer-managed-key', eks('18.31.2')), ['no-customer-managed-key:1']);
    assert.deepEqual(only('no-customer-managed-key', eks('18.31.2', '  cluster_encryption_config = [{ provider_key_arn = aws_kms_key.eks.arn, resources = ["secrets"] }]\n')), []);
    assert.deepEqual(only('no-customer-managed-key', eks('18.31.2', '  cluster_encryption_config = [{\n    provider_key_arn = aws_kms_key.eks.arn\n    resources        = ["configmaps"]\n  }]\n')), ['no-customer-managed-key:7']);
    assert.deepEqual(only('no-customer-managed-key', eks('~> 20.0')), []);
    assert.deepEqual(only('no-customer-managed-key', eks('~> 21.0', '  encryption_config = { provider_key_arn = aws_kms_key.eks.arn }\n')), []);
    assert.deepEqual(only('no-customer-managed-key', eks(undefined)), []);
    const bucket = (version: string | undefined, inputs = '') => `module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n${version ? `  version = "${version}"\n` : ''}${inputs}}\n`;
    // A block of the bucket before 3.0.0, aws_s3_bucket_versioning from 3.0.0 (and when the version is not known).
    assert.deepEqual(only('s3-no-versioning', bucket('2.15.0', '  versioning = {\n    enabled = false\n  }\n')), ['s3-no-versioning:5']);
    assert.deepEqual(only('s3-no-versioning', bucket('~> 4.0', '  versioning = {\n    status = "Suspended"\n  }\n')), ['s3-no-versioning:5']);
    assert.deepEqual(only('s3-no-versioning', bucket('~> 4.0', '  versioning = { status = true }\n')), []);
    assert.deepEqual(only('s3-no-versioning', bucket(undefined, '  versioning = { enabled = true }\n')), []);
    assert.deepEqual(only('s3-no-versioning', bucket(undefined)), ['s3-no-versioning:1']);
  });

  it('follows release boundaries checked against the modules\' own tags', () => {
    const only = (rule: string, source: string) => findings(source).filter((f) => f.startsWith(`${rule}:`));
    const alb = (version: string, inputs = '') => `module "alb" {\n  source  = "terraform-aws-modules/alb/aws"\n  version = "${version}"\n${inputs}}\n`;
    // Access logs before 5.0.0: 2.x by enable_logging (false by default), 3.0-3.3 always, 3.4-4.x unless logging_enabled = false.
    assert.deepEqual(only('lb-no-access-logs', alb('2.5.0')), ['lb-no-access-logs:1']);
    assert.deepEqual(only('lb-no-access-logs', alb('2.5.0', '  enable_logging = true\n')), []);
    assert.deepEqual(only('lb-no-access-logs', alb('3.3.0')), []);
    assert.deepEqual(only('lb-no-access-logs', alb('4.1.0', '  logging_enabled = false\n')), ['lb-no-access-logs:4']);
    assert.deepEqual(only('lb-no-access-logs', alb('~> 4.0', '  logging_enabled = true\n')), []);
    assert.deepEqual(only('lb-no-access-logs', alb('1.0.3')), [], '1.x logged when log_bucket was given');
    assert.deepEqual(only('lb-no-access-logs', alb('~> 2.0', '  enable_logging = false\n')), ['lb-no-access-logs:4']);
    assert.deepEqual(only('lb-no-access-logs', alb('>= 2.0, < 4.0')), [], 'false in 2.x, true in 3.x: unknown');
    assert.deepEqual(findings(alb('4.1.0', '  create_alb      = false\n  logging_enabled = false\n')), [], 'create_alb in 3.6.0-4.x');
    // 5.x-8.x: access_logs that name no bucket (or a null one) are turned off; a bucket, or 9.x, logs.
    assert.deepEqual(only('lb-no-access-logs', alb('~> 8.0', '  access_logs = {\n    prefix = "web"\n  }\n')), ['lb-no-access-logs:4']);
    assert.deepEqual(only('lb-no-access-logs', alb('5.0.0', '  access_logs = { bucket = null }\n')), ['lb-no-access-logs:4']);
    assert.deepEqual(only('lb-no-access-logs', alb('~> 8.0', '  access_logs = { bucket = var.logs }\n')), []);
    assert.deepEqual(only('lb-no-access-logs', alb('~> 8.0', '  access_logs = {\n    prefix  = "web"\n    enabled = true\n  }\n')), []);
    assert.deepEqual(only('lb-no-access-logs', alb('>= 8.0', '  access_logs = { prefix = "web" }\n')), [], '8.x or 9.x: unknown');
    // {} makes no access_logs block at all.
    assert.deepEqual(findings(alb('~> 9.0', '  access_logs = {}\n')).filter((f) => f.startsWith('lb-no-access-logs:')), ['lb-no-access-logs:1']);
    // Secrets encryption turned off: {} in 19.x-20.x, null in 21.x ({} there takes the defaults).
    const eks = (version: string, inputs: string) => `module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "${version}"\n${inputs}}\n`;
    assert.deepEqual(only('no-customer-managed-key', eks('~> 20.0', '  cluster_encryption_config = {}\n')), ['no-customer-managed-key:1']);
    assert.deepEqual(only('no-customer-managed-key', eks('19.0.0', '  cluster_encryption_config = { resources = ["secrets"] }\n')), []);
    assert.deepEqual(only('no-customer-managed-key', eks('~> 21.0', '  encryption_config = {}\n')), []);
    assert.deepEqual(only('no-customer-managed-key', eks('21.19.0', '  encryption_config = null\n')), ['no-customer-managed-key:1']);
    assert.deepEqual(findings(eks('17.24.0', '  create_eks = false\n')), [], 'create_eks before 18.0.0');
    // Control plane logs: none before 18.0.0, audit among them from it; enabled_log_types from 21.0.0.
    assert.deepEqual(only('service-logs-not-exported', eks('17.24.0', '')), ['service-logs-not-exported:1']);
    assert.deepEqual(only('service-logs-not-exported', eks('18.0.0', '')), []);
    assert.deepEqual(only('service-logs-not-exported', eks('>= 17.0, < 19.0', '')), []);
    assert.deepEqual(only('service-logs-not-exported', eks('~> 21.0', '  enabled_log_types = ["api"]\n')), ['service-logs-not-exported:4']);
    // Launch configurations: by default before 4.0.0, with create_lc = true in 4.0.0-5.0.x.
    const asg = (version: string | undefined, inputs = '') => moduleResources(`module "asg" {\n  source  = "terraform-aws-modules/autoscaling/aws"\n${version ? `  version = "${version}"\n` : ''}${inputs}}\n`);
    assert.deepEqual(asg('3.9.0'), ['module.asg.aws_launch_configuration.this']);
    assert.deepEqual(asg('4.0.0'), []);
    // Its own launch template: with create_lt = true in 4.0.0-5.0.x, by default from 5.1.0.
    assert.deepEqual(asg('4.11.0', '  create_lt = true\n'), ['module.asg.aws_launch_template.this']);
    assert.deepEqual(asg('~> 6.0'), ['module.asg.aws_launch_template.this']);
    assert.deepEqual(asg('~> 6.0', '  create_launch_template = false\n'), []);
    assert.deepEqual(asg('~> 5.0'), [], '5.0.x makes none, 5.1.0 on one: left out');
    assert.deepEqual(asg('4.11.0', '  create_lc = true\n'), ['module.asg.aws_launch_configuration.this']);
    assert.deepEqual(asg(undefined, '  create_lc = true\n'), ['module.asg.aws_launch_configuration.this']);
    assert.deepEqual(asg('3.9.0', '  create_lc = false\n'), []);
    const lc = read('module "asg" {\n  source    = "terraform-aws-modules/autoscaling/aws"\n  version   = "4.11.0"\n  create_lc = true\n  metadata_options = { http_tokens = "required" }\n}\n');
    assert.equal(value(lc, 'module.asg.aws_launch_configuration.this', 'metadata_options', 'http_tokens'), 'required');
    // s3-bucket: a directory bucket (4.6.0 on) is no aws_s3_bucket; the policy input was attached whenever given before 1.4.0.
    const bucket = (version: string | undefined, inputs: string) => moduleResources(`module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n${version ? `  version = "${version}"\n` : ''}${inputs}}\n`);
    assert.deepEqual(bucket('~> 4.6', '  is_directory_bucket = true\n  versioning = { enabled = true }\n'), []);
    assert.deepEqual(bucket('1.3.0', '  policy = "{}"\n'), ['module.b.aws_s3_bucket.this', 'module.b.aws_s3_bucket_policy.this', 'module.b.aws_s3_bucket_public_access_block.this']);
    assert.deepEqual(bucket('1.4.0', '  policy = "{}"\n'), ['module.b.aws_s3_bucket.this', 'module.b.aws_s3_bucket_public_access_block.this']);
    assert.deepEqual(bucket(undefined, '  policy = "{}"\n'), ['module.b.aws_s3_bucket.this', 'module.b.aws_s3_bucket_public_access_block.this']);
    const first = read('module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "0.0.1"\n  versioning_inputs = [{ enabled = true }]\n}\n');
    assert.equal(value(first, 'module.b.aws_s3_bucket.this', 'versioning', 'enabled'), true);
    // The security-group module's smtps-2456-tcp rule opens 2465.
    assert.deepEqual(namedRule('smtps-2456-tcp'), [2465, 2465, 'tcp']);
  });

  it('reads the ec2-instance module\'s metadata_options per release, {} and null included', () => {
    const only = (source: string) => findings(source).filter((f) => f.startsWith('imdsv1:'));
    const ec2 = (version: string | undefined, inputs: string) => `module "web" {\n  source  = "terraform-aws-modules/ec2-instance/aws"\n${version ? `  version = "${version}"\n` : ''}${inputs}}\n`;
    // {} makes no block in 2.x and 5.x (the image's default, optional for the Amazon Linux 2 default image)...
    assert.deepEqual(only(ec2('5.8.0', '  metadata_options = {}\n')), ['imdsv1:1']);
    assert.deepEqual(only(ec2('~> 5.0', '  metadata_options = {}\n')), ['imdsv1:1']);
    assert.deepEqual(only(ec2('~> 2.16', '  metadata_options = {}\n')), ['imdsv1:1']);
    // ...a block that says "optional" in 3.x-4.x, and one that says "required" in 6.x.
    assert.deepEqual(only(ec2('~> 4.0', '  metadata_options = {}\n')), ['imdsv1:4']);
    assert.deepEqual(only(ec2('~> 6.0', '  metadata_options = {}\n')), []);
    assert.deepEqual(only(ec2(undefined, '  metadata_options = {}\n')), [], 'any release: unknown');
    assert.deepEqual(only(ec2('>= 5.0', '  metadata_options = {}\n')), [], '5.x or 6.x: unknown');
    // No block: the image decides. 6.x's default image is Amazon Linux 2023, which requires IMDSv2.
    assert.deepEqual(only(ec2('~> 6.0', '  metadata_options = null\n')), []);
    assert.deepEqual(only(ec2('~> 6.0', '  metadata_options  = null\n  ami_ssm_parameter = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"\n')), ['imdsv1:1']);
    assert.deepEqual(only(ec2('~> 5.0', '  metadata_options  = {}\n  ami_ssm_parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"\n')), []);
    const al2023 = 'data "aws_ssm_parameter" "al2023" {\n  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"\n}\n';
    assert.deepEqual(only(al2023 + ec2('~> 2.16', '  ami = data.aws_ssm_parameter.al2023.value\n')), []);
    // An explicit "optional" (the 3.x-5.7 default inside a block) overrides the image.
    assert.deepEqual(only(al2023 + ec2('~> 4.0', '  ami = data.aws_ssm_parameter.al2023.value\n')), ['imdsv1:4']);
  });

  it('reads the autoscaling module\'s launch template per release', () => {
    const only = (rule: string, source: string) => findings(source).filter((f) => f.startsWith(`${rule}:`));
    const asg = (version: string, inputs = '') => `module "asg" {\n  source  = "terraform-aws-modules/autoscaling/aws"\n  version = "${version}"\n${inputs}}\n`;
    // metadata_options: none by default before 9.0.0 (the image decides), "required" from it unless told otherwise.
    assert.deepEqual(only('imdsv1', asg('~> 7.0')), ['imdsv1:1']);
    assert.deepEqual(only('imdsv1', asg('~> 7.0', '  metadata_options = {}\n')), ['imdsv1:4']);
    assert.deepEqual(only('imdsv1', asg('~> 7.0', '  metadata_options = {\n    http_tokens = "required"\n  }\n')), []);
    assert.deepEqual(only('imdsv1', asg('~> 9.0')), []);
    assert.deepEqual(only('imdsv1', asg('~> 9.0', '  metadata_options = { http_endpoint = "enabled" }\n')), []);
    assert.deepEqual(only('imdsv1', asg('~> 9.0', '  metadata_options = {\n    http_tokens = "optional"\n  }\n')), ['imdsv1:5']);
    assert.deepEqual(only('imdsv1', asg('~> 9.0', '  metadata_options = null\n  image_id = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"\n')), []);
    assert.deepEqual(only('imdsv1', asg('~> 9.0', '  metadata_options = null\n')), ['imdsv1:1']);
    // Public addresses from network_interfaces, volumes from block_device_mappings.
    const devices = '  metadata_options = { http_tokens = "required" }\n  network_interfaces = [{\n    device_index                = 0\n    associate_public_ip_address = true\n  }]\n  block_device_mappings = [{\n    device_name = "/dev/xvda"\n    ebs = {\n      encrypted = false\n    }\n  }]\n';
    assert.deepEqual(findings(asg('~> 8.0', devices)), ['ebs-not-encrypted:12', 'ec2-public-ip:7']);
    // User data: user_data_base64 before 6.0.0 (user_data then fed the launch configuration alone), user_data from it.
    const keys = Buffer.from('#!/bin/sh\necho "aws_access_key_id = $KEY" >> ~/.aws/credentials\n').toString('base64');
    const required = '  metadata_options = { http_tokens = "required" }\n';
    assert.deepEqual(only('ec2-static-credentials', asg('4.11.0', `  create_lt = true\n${required}  user_data_base64 = "${keys}"\n`)), ['ec2-static-credentials:6']);
    assert.deepEqual(only('ec2-static-credentials', asg('~> 7.0', `${required}  user_data = "${keys}"\n`)), ['ec2-static-credentials:5']);
    assert.deepEqual(only('ec2-static-credentials', asg('4.11.0', `  create_lt = true\n${required}  user_data = "${keys}"\n`)), []);
  });

  it('opens the ports of named security group rules to the module sources', () => {
    const sg = 'module "sg" {\n  source  = "terraform-aws-modules/security-group/aws"\n  version = "4.3.0"\n  ingress_rules       = ["https-443-tcp", "ssh-tcp"]\n  ingress_cidr_blocks = ["0.0.0.0/0"]\n  ingress_with_cidr_blocks = [\n    {\n      rule        = "postgresql-tcp"\n      cidr_blocks = "10.0.0.0/8,0.0.0.0/0"\n    },\n    {\n      from_port = 6379\n      to_port   = 6379\n      protocol  = "tcp"\n      cidr_blocks = "10.0.0.0/8"\n    },\n  ]\n}\n';
    assert.deepEqual(findings(sg), ['sg-open-to-internet:5', 'sg-open-to-internet:9', 'sg-sensitive-port-wide-private:15']);
    assert.deepEqual(findings('module "sg" {\n  source = "terraform-aws-modules/security-group/aws"\n  ingress_cidr_blocks = ["0.0.0.0/0"]\n}\n'), [], 'no rules, nothing open');
    assert.deepEqual(findings('module "ssh" {\n  source = "terraform-aws-modules/security-group/aws//modules/ssh"\n  ingress_cidr_blocks = ["0.0.0.0/0"]\n}\n'), ['sg-open-to-internet:3']);
  });

  it('opens the rules of a preset submodule that the admitted releases have, as the module\'s rules.tf numbers them', () => {
    const ports = (name: string, version: string | undefined) => {
      const input = read(`module "sg" {\n  source  = "terraform-aws-modules/security-group/aws//modules/${name}"\n${version ? `  version = "${version}"\n` : ''}  ingress_cidr_blocks = ["0.0.0.0/0"]\n}\n`);
      return input.resources.filter((r) => r.module).map((r) => `${value(input, r.address, 'from_port')}/${value(input, r.address, 'protocol')}`);
    };
    // kafka: 9092 alone until 3.5.0, then TLS (9094), the exporters (3.15.0) and the MSK listeners (4.13.0).
    assert.deepEqual(ports('kafka', '3.0.0'), ['9092/tcp']);
    assert.deepEqual(ports('kafka', '~> 3.15'), ['9092/tcp', '9094/tcp', '11001/tcp', '11002/tcp']);
    assert.deepEqual(ports('kafka', '~> 5.0'), ['9092/tcp', '9094/tcp', '11001/tcp', '11002/tcp', '9194/tcp', '9096/tcp', '9098/tcp', '9198/tcp']);
    assert.deepEqual(ports('kafka', undefined), ['9092/tcp'], 'rules only some releases open are left out');
    // mongodb opened 27017 alone before 2.14.0, mssql 1433 alone before 1.13.0, rdp TCP alone before 1.15.0.
    assert.deepEqual(ports('mongodb', '2.13.0'), ['27017/tcp']);
    assert.deepEqual(ports('mongodb', '~> 4.0'), ['27017/tcp', '27018/tcp', '27019/tcp']);
    assert.deepEqual(ports('mssql', '1.12.0'), ['1433/tcp']);
    assert.deepEqual(ports('rdp', '1.14.0'), ['3389/tcp']);
    assert.deepEqual(findings('module "db" {\n  source  = "terraform-aws-modules/security-group/aws//modules/mssql"\n  version = "1.12.0"\n  ingress_cidr_blocks = ["10.0.0.0/8"]\n}\n'), ['sg-sensitive-port-wide-private:4']);
  });

  it('counts a module output as a reference to the resource the module made', () => {
    const source = 'module "b" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "4.1.0"\n}\nresource "aws_s3_bucket_logging" "b" {\n  bucket        = module.b.s3_bucket_id\n  target_bucket = "audit"\n}\n';
    assert.ok(!findings(source).some((f) => f.startsWith('s3-no-access-logging')));
  });
});

describe('Terraform JSON syntax', () => {
  const JSON_SOURCE = [
    '{',
    '  "variable": { "world": { "default": "0.0.0.0/0" } },',
    '  "resource": {',
    '    "aws_security_group": {',
    '      "ssh": {',
    '        "//": "a comment",',
    '        "ingress": [',
    '          {',
    '            "from_port": 22,',
    '            "to_port": 22,',
    '            "protocol": "tcp",',
    '            "cidr_blocks": ["${var.world}"]',
    '          }',
    '        ]',
    '      }',
    '    },',
    '    "aws_s3_bucket": { "logs": { "bucket": "logs" } },',
    '    "aws_s3_bucket_public_access_block": { "logs": { "bucket": "${aws_s3_bucket.logs.id}", "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": false } }',
    '  },',
    '  "module": { "web": { "source": "terraform-aws-modules/ec2-instance/aws", "version": "5.0.0", "associate_public_ip_address": true } }',
    '}',
  ].join('\n');

  it('reads resources, variables, references and modules from .tf.json', () => {
    const got = findings(JSON_SOURCE, 'main.tf.json');
    assert.ok(got.includes('sg-open-to-internet:12'), got.join(' '));
    assert.ok(got.includes('s3-public-access-block:18'), got.join(' '));
    assert.ok(got.includes('ec2-public-ip:20'), got.join(' '));
    assert.ok(!got.some((f) => f === 's3-public-access-block:17'), 'the bucket has a public access block that refers to it');
  });

  it('never throws on damaged JSON', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const junk = ['"', '{', '}', '[', ']', ',', ':', '${', '\\', '\n', '\uFEFF', 'null'];
    for (let round = 0; round < 300; round++) {
      const at = Math.floor(random() * JSON_SOURCE.length);
      const text = random() < 0.3 ? JSON_SOURCE.slice(0, at) : JSON_SOURCE.slice(0, at) + junk[Math.floor(random() * junk.length)] + JSON_SOURCE.slice(at + 1);
      readTerraform(text, () => {});
      analyseFile('main.tf.json', text, (warning) => assert.ok(!/failed/.test(warning.message), warning.message));
    }
  });

  it('reports bad JSON as a warning with its line, and bounds nesting', () => {
    const warnings: string[] = [];
    assert.equal(readTerraform('{\n  "resource": {\n    "a": [1, 2,, 3]\n  }\n}\n', (line, message) => warnings.push(`${line}: ${message}`)), undefined);
    assert.match(warnings[0]!, /^3: invalid JSON/);
    const deep = '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    const more: string[] = [];
    assert.equal(readTerraform(deep, (line, message) => more.push(message)), undefined);
    assert.match(more[0]!, /nesting/);
  });
});

describe('policy statements inside multi-line values', () => {
  it('reports a statement of a heredoc policy on the policy key, with the statement line as detail', () => {
    const source = [
      'resource "aws_sqs_queue_policy" "q" {',
      '  queue_url = aws_sqs_queue.q.id',
      '  policy    = <<POLICY',
      '{',
      '  "Statement": [',
      '    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sqs:SendMessage", "Resource": "${aws_sqs_queue.q.arn}"},',
      '    {',
      '      "Effect": "Allow",',
      '      "Principal": "*",',
      '      "Action": "sqs:SendMessage",',
      '      "Resource": "${aws_sqs_queue.q.arn}"',
      '    }',
      '  ]',
      '}',
      'POLICY',
      '}',
    ].join('\n');
    const hit = analyseFile('main.tf', source, () => {}).findings.find((f) => f.ruleId === 'iac/tf-aws-policy-public-principal');
    assert.ok(hit);
    assert.equal(hit.location.startLine, 3);
    assert.equal(hit.properties['detailLine'], 7);
    assert.match(hit.message, /\(line 7\)/);
  });
});

describe('Terraform plans in JSON', () => {
  it('reads the planned values of `terraform show -json` output, modules included', () => {
    const plan = [
      '{',
      '  "format_version": "1.2",',
      '  "terraform_version": "1.9.5",',
      '  "planned_values": {',
      '    "root_module": {',
      '      "child_modules": [{',
      '        "address": "module.bastion",',
      '        "resources": [{',
      '          "address": "module.bastion.aws_security_group.this",',
      '          "mode": "managed",',
      '          "type": "aws_security_group",',
      '          "name": "this",',
      '          "values": {',
      '            "ingress": [{ "from_port": 22, "to_port": 22, "protocol": "tcp",',
      '              "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [] }]',
      '          }',
      '        }]',
      '      }]',
      '    }',
      '  }',
      '}',
    ].join('\n');
    assert.equal(classify('plan.json', plan), 'terraform');
    assert.deepEqual(findings(plan, 'plan.json'), ['sg-open-to-internet:15']);
  });
});

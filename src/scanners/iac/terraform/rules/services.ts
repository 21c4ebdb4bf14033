import type { Attribute, Block, Expr } from '../hcl/ast.js';
import { EMPTY_SCOPE, evaluate } from '../hcl/evaluate.js';
import { asStrings, attribute, blocksOf, instanceNamed, instancesNamed, isFalseValue, isTrueValue, label, mentioned, resourcesOf, moduleResourcesOf, usedByCallers, usersOf, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { registryAddress } from '../modules/synthesize.js';
import { AL2023_AMI_PARAMETER, AL2023_IMAGE_NAME, AL2023_NODE_AMI_TYPE, AMAZON_IMAGE_OWNERS, resolvedSsmParameter } from '../../aws-images.js';
import { given, known, sections, tfRule, type TfRule } from './common.js';
import { blocksMade, fileInstance, sectionsIn, settingAt, valueIn, type Section } from './instances.js';
import { detailNote, inside } from '../../rule.js';
import { isHttpOnlyOrigin, OLD_CLOUDFRONT_PROTOCOLS, OLD_ELB_POLICIES, OLD_ORIGIN_PROTOCOLS, OLD_SSL_NEGOTIATION_PROTOCOL, S3_WEBSITE_ENDPOINT } from '../../aws-tls.js';
import { base64Text, STATIC_AWS_KEY_USE } from '../../aws-user-data.js';
import { deprecatedRuntimeMessage, lambdaRuntimeDeprecated } from '../../aws-lambda-runtimes.js';
import { INTERNAL_HTTP_NOTE } from '../../aws-load-balancers.js';

const cloudtrailDisabled: TfRule = tfRule({
  id: 'iac/tf-aws-cloudtrail-logging-disabled',
  title: 'CloudTrail logging turned off',
  description: 'enable_logging = false stops the trail: API calls in the account (who created keys, changed policies, deleted data) are no longer recorded, which is exactly what an intruder wants.',
  remediation: 'Remove enable_logging = false (it defaults to true) and protect the trail with an SCP that denies cloudtrail:StopLogging.',
  severity: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: ['resource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n  # expect\n  enable_logging = false\n}\n'],
    negative: ['resource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n}\n'],
  },
  *check(input) {
    for (const trail of resourcesOf(input, 'aws_cloudtrail')) {
      const a = attribute(trail.block, 'enable_logging');
      if (a && isFalseValue(valueOf(input, trail.block, 'enable_logging'))) yield { line: a.line, message: `${label(trail)} has logging turned off.`, resource: label(trail) };
    }
  },
});

const cloudtrailValidation: TfRule = tfRule({
  id: 'iac/tf-aws-cloudtrail-no-log-validation',
  title: 'CloudTrail log file validation disabled',
  description: 'Without enable_log_file_validation, nobody can prove that CloudTrail log files were not modified or deleted after delivery, so an intruder with access to the log bucket can erase their tracks unnoticed (CIS AWS 3.2).',
  remediation: 'Set enable_log_file_validation = true.',
  severity: 'low',
  cwe: ['CWE-354'],
  examples: {
    positive: ['# expect\nresource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n}\n'],
    negative: ['resource "aws_cloudtrail" "main" {\n  name                       = "main"\n  s3_bucket_name             = "trail-logs"\n  enable_log_file_validation = true\n}\n'],
  },
  *check(input) {
    for (const trail of resourcesOf(input, 'aws_cloudtrail')) {
      const a = attribute(trail.block, 'enable_log_file_validation');
      const value = valueOf(input, trail.block, 'enable_log_file_validation');
      if (!a || isFalseValue(value)) yield { line: a?.line ?? trail.block.line, message: `${label(trail)} does not validate its log files.`, resource: label(trail) };
    }
  },
});

const cloudtrailNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-cloudtrail-not-encrypted',
  title: 'CloudTrail logs not encrypted with a customer managed key',
  description: 'The trail has no kms_key_id, so its logs are only encrypted with S3-managed keys: anyone with read access to the bucket can read the full account activity history (CIS AWS 3.7).',
  remediation: 'Set kms_key_id to a customer managed KMS key whose policy allows CloudTrail to encrypt and only auditors to decrypt.',
  severity: 'low',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      '# expect\nresource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n}\n',
      // A module input left at its null default sets no key.
      'variable "kms_key_id" {\n  type    = string\n  default = null\n}\nresource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n  # expect\n  kms_key_id     = var.kms_key_id\n}\n',
    ],
    negative: ['resource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n  kms_key_id     = aws_kms_key.trail.arn\n}\n'],
  },
  *check(input) {
    for (const trail of resourcesOf(input, 'aws_cloudtrail')) {
      if (given(input, trail.block, 'kms_key_id')) continue;
      yield { line: attribute(trail.block, 'kms_key_id')?.line ?? trail.block.line, message: `${label(trail)} does not encrypt its logs with a customer managed key.`, resource: label(trail) };
    }
  },
});

const cloudtrailSingleRegion: TfRule = tfRule({
  id: 'iac/tf-aws-cloudtrail-single-region',
  title: 'CloudTrail records one region only',
  description: 'The trail is not multi-region (is_multi_region_trail = false, the default), so activity in other regions, a favourite place to run crypto miners or hide resources, is not recorded by it (CIS AWS 3.1).',
  remediation: 'Set is_multi_region_trail = true (and keep include_global_service_events = true).',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = "trail-logs"\n}\n',
      'resource "aws_cloudtrail" "main" {\n  name                  = "main"\n  s3_bucket_name        = "trail-logs"\n  # expect\n  is_multi_region_trail = false\n}\n',
    ],
    negative: [
      'resource "aws_cloudtrail" "main" {\n  name                  = "main"\n  s3_bucket_name        = "trail-logs"\n  is_multi_region_trail = true\n}\n',
      'resource "aws_cloudtrail" "main" {\n  name                  = "main"\n  s3_bucket_name        = "trail-logs"\n  is_multi_region_trail = var.all_regions\n}\n',
    ],
  },
  *check(input) {
    for (const trail of resourcesOf(input, 'aws_cloudtrail')) {
      const a = attribute(trail.block, 'is_multi_region_trail');
      const value = valueOf(input, trail.block, 'is_multi_region_trail');
      if (isTrueValue(value) || (a && value !== null && !isFalseValue(value))) continue;
      const written = a !== undefined && value !== null;
      yield { line: written ? a.line : trail.block.line, message: `${label(trail)} records only its own region${written ? '' : ' (is_multi_region_trail defaults to false)'}.`, resource: label(trail) };
    }
  },
});

/** A module call (CallerUse block `module <source>`) of the vpc module's flow-log submodule. */
function isFlowLogModule(block: string): boolean {
  const source = /^module (.+)$/.exec(block)?.[1];
  const address = source ? registryAddress(source) : undefined;
  return address?.address === 'terraform-aws-modules/vpc/aws' && address.submodule === 'flow-log';
}

const vpcFlowLogs: TfRule = tfRule({
  id: 'iac/tf-aws-vpc-no-flow-logs',
  title: 'VPC without flow logs',
  description:
    'No aws_flow_log captures traffic of this VPC: connections to and from a compromised instance, exfiltration and scanning leave no trace for incident response (CIS AWS 3.9). A flow log counts when it is in the module, made by the vpc module\'s flow-log submodule, or, for a VPC of a local module, written by every configuration that calls the module (an aws_flow_log, the flow-log submodule, or a local module that passes it to its aws_flow_log, given the output that holds the VPC\'s id).',
  remediation: 'Add an aws_flow_log with vpc_id = aws_vpc.<name>.id delivering to CloudWatch Logs or S3.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
      // A flow log of another VPC.
      '# expect\nmodule "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "~> 6.0"\n  cidr    = "10.0.0.0/16"\n}\nmodule "flow_log" {\n  source  = "terraform-aws-modules/vpc/aws//modules/flow-log"\n  version = "~> 6.3"\n  name    = "main"\n  vpc_id  = module.shared_vpc.vpc_id\n}\n',
    ],
    negative: [
      'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\nresource "aws_flow_log" "main" {\n  vpc_id          = aws_vpc.main.id\n  traffic_type    = "ALL"\n  log_destination = aws_s3_bucket.logs.arn\n}\n',
      // The vpc module's VPC, logged by its flow-log submodule.
      'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "~> 6.0"\n  cidr    = "10.0.0.0/16"\n}\nmodule "flow_log" {\n  source  = "terraform-aws-modules/vpc/aws//modules/flow-log"\n  version = "~> 6.3"\n  name    = "main"\n  vpc_id  = module.vpc.vpc_id\n}\n',
    ],
  },
  *check(input) {
    const logged = new Set(moduleResourcesOf(input, 'aws_flow_log').flatMap((f) => mentioned(input, attribute(f.block, 'vpc_id')?.expr)));
    for (const vpc of resourcesOf(input, 'aws_vpc')) {
      if (logged.has(written(vpc))) continue;
      // Logged by the configuration that calls the module: an aws_flow_log (or the vpc module's flow-log submodule) given the VPC's id.
      if (usedByCallers(input, written(vpc).address, (use) => use.attribute === 'vpc_id' && (use.block === 'aws_flow_log' || isFlowLogModule(use.block)))) continue;
      yield { line: vpc.block.line, message: `${label(vpc)} has no flow log in this configuration.`, resource: label(vpc) };
    }
  },
});

const guardDuty: TfRule = tfRule({
  id: 'iac/tf-aws-guardduty-disabled',
  title: 'GuardDuty detector disabled',
  description: 'The GuardDuty detector is declared but disabled, so threat detection for the account (credential misuse, crypto-mining, reconnaissance) is off.',
  remediation: 'Set enable = true (the default).',
  severity: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: ['resource "aws_guardduty_detector" "main" {\n  # expect\n  enable = false\n}\n'],
    negative: ['resource "aws_guardduty_detector" "main" {\n  enable = true\n}\n'],
  },
  *check(input) {
    for (const detector of resourcesOf(input, 'aws_guardduty_detector')) {
      const a = attribute(detector.block, 'enable');
      if (a && isFalseValue(valueOf(input, detector.block, 'enable'))) yield { line: a.line, message: `${label(detector)} is disabled.`, resource: label(detector) };
    }
  },
});

/**
 * Whether an image id expression names an Amazon Linux 2023 AMI, whose ImdsSupport v2.0
 * makes its instances require IMDSv2: a `resolve:ssm:` reference to one of its public
 * parameters, a data "aws_ssm_parameter" that reads one, or a data "aws_ami" lookup of
 * al2023-ami-* images published by Amazon (a lookup open to other owners may pick anyone's).
 */
function requiresImdsv2Image(input: TfInput, expr: Expr): boolean {
  const value = evaluate(expr, input.scope);
  // A bare parameter name is the image of the ec2-instance module's ami_ssm_parameter.
  if (typeof value === 'string') return AL2023_AMI_PARAMETER.test(resolvedSsmParameter(value) ?? value);
  const found = mentioned(input, expr).find((d) => d.kind === 'data' && (d.type === 'aws_ssm_parameter' || d.type === 'aws_ami'));
  if (!found) return false;
  // A lookup with for_each or count: the instance the expression names (`data.aws_ami.this[each.key].id`).
  const source = instanceNamed(input, expr, found);
  if (source.type === 'aws_ssm_parameter') {
    const name = valueOf(input, source.block, 'name');
    return typeof name === 'string' && AL2023_AMI_PARAMETER.test(name);
  }
  const owners = asStrings(valueOf(input, source.block, 'owners'));
  if (!owners || owners.length === 0 || !owners.every((o) => AMAZON_IMAGE_OWNERS.has(o))) return false;
  const names = blocksOf(source.block, 'filter').filter((f) => valueOf(input, f, 'name') === 'name').map((f) => asStrings(valueOf(input, f, 'values')));
  return names.length > 0 && names.every((values) => values !== undefined && values.length > 0 && values.every((v) => AL2023_IMAGE_NAME.test(v)));
}

/**
 * Whether a launch template is used only by EKS managed node groups whose ami_type is an
 * Amazon Linux 2023 one (AL2023_*): EKS launches their nodes from its AL2023 AMI, which
 * requires IMDSv2 unless the template says otherwise (cfn-imdsv1's onlyAl2023NodeGroups).
 * Any other user, an output or a module call that names the template, and it is not.
 */
function onlyAl2023NodeGroups(input: TfInput, template: TfResource): boolean {
  const users = usersOf(input, template);
  if (!users || users.length === 0) return false;
  return users.every(({ resource, paths }) => {
    if (resource.kind !== 'resource' || resource.type !== 'aws_eks_node_group' || !paths.every((p) => p === 'depends_on' || p.startsWith('launch_template.'))) return false;
    const amiType = valueOf(input, resource.block, 'ami_type');
    return typeof amiType === 'string' && AL2023_NODE_AMI_TYPE.test(amiType);
  });
}

const imdsv1: TfRule = tfRule({
  id: 'iac/tf-aws-imdsv1',
  title: 'Instance metadata service v1 allowed',
  description:
    'metadata_options.http_tokens is not "required", so the instance metadata service answers plain GET requests (IMDSv1). A server-side request forgery in any application on the instance can then read the instance role\'s credentials, as in the Capital One breach. Without http_tokens an instance gets its image\'s default: optional for most images, required for Amazon Linux 2023 ones, which are recognised by their public SSM parameter (a data "aws_ssm_parameter" or a resolve:ssm: image id) or by a data "aws_ami" lookup of Amazon\'s al2023-ami-* images, and are not reported. Nor is an instance launched from a launch template that it does not override (the template is judged), or a launch template without an image used only by EKS node groups whose ami_type is an Amazon Linux 2023 one (AL2023_*).',
  remediation: 'Add metadata_options { http_tokens = "required" } (and http_put_response_hop_limit = 1 unless containers need 2).',
  severity: 'medium',
  cwe: ['CWE-918'],
  examples: {
    positive: [
      // A dynamic block over a module input, read with its iterator bound to the element its for_each makes.
      'variable "metadata_options" {\n  default = { http_tokens = "optional" }\n}\nresource "aws_instance" "this" {\n  ami           = "ami-12345678"\n  instance_type = "t3.micro"\n  dynamic "metadata_options" {\n    for_each = length(var.metadata_options) > 0 ? [var.metadata_options] : []\n    content {\n      http_endpoint = try(metadata_options.value.http_endpoint, "enabled")\n      # expect\n      http_tokens   = try(metadata_options.value.http_tokens, "required")\n    }\n  }\n}\n',
      // A dynamic metadata_options whose for_each is known empty makes no block: the image's default (optional) applies, whatever its content would set.
      'variable "metadata_options" {\n  default = null\n}\n# expect\nresource "aws_instance" "this" {\n  ami           = "ami-12345678"\n  instance_type = "t3.micro"\n  dynamic "metadata_options" {\n    for_each = var.metadata_options != null ? [var.metadata_options] : []\n    content {\n      http_endpoint = metadata_options.value.http_endpoint\n      http_tokens   = metadata_options.value.http_tokens\n    }\n  }\n}\n',
      'variable "metadata_options" {\n  default = {}\n}\n# expect\nresource "aws_launch_template" "this" {\n  image_id = "ami-12345678"\n  dynamic "metadata_options" {\n    for_each = length(var.metadata_options) > 0 ? [var.metadata_options] : []\n    content {\n      http_tokens = try(metadata_options.value.http_tokens, "required")\n    }\n  }\n}\n',
      // A dynamic launch_template that makes nothing: the instance is not launched from a template.
      'variable "launch_template" {\n  default = null\n}\n# expect\nresource "aws_instance" "this" {\n  ami           = "ami-12345678"\n  instance_type = "t3.micro"\n  dynamic "launch_template" {\n    for_each = var.launch_template != null ? [var.launch_template] : []\n    content {\n      id      = launch_template.value.id\n      version = launch_template.value.version\n    }\n  }\n}\n',
      '# expect\nresource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n}\n',
      // The ec2-instance module defaulted to http_tokens = "optional" before 5.8.0.
      '# expect\nmodule "web" {\n  source  = "terraform-aws-modules/ec2-instance/aws"\n  version = "~> 5.7.0"\n  name    = "web"\n}\n',
      'resource "aws_launch_template" "web" {\n  metadata_options {\n    # expect\n    http_tokens = "optional"\n  }\n}\n',
      // An Amazon Linux 2 node group, or a template an output hands on: the template's settings decide.
      '# expect\nresource "aws_launch_template" "nodes" {\n  name_prefix = "nodes-"\n}\n\nresource "aws_eks_node_group" "workers" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = aws_iam_role.nodes.arn\n  subnet_ids    = var.subnet_ids\n  ami_type      = "AL2_x86_64"\n  launch_template {\n    id      = aws_launch_template.nodes.id\n    version = aws_launch_template.nodes.latest_version\n  }\n}\n',
      '# expect\nresource "aws_launch_template" "nodes" {\n  name_prefix = "nodes-"\n}\n\nresource "aws_eks_node_group" "workers" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = aws_iam_role.nodes.arn\n  subnet_ids    = var.subnet_ids\n  ami_type      = "AL2023_ARM_64_STANDARD"\n  launch_template {\n    id      = aws_launch_template.nodes.id\n    version = aws_launch_template.nodes.latest_version\n  }\n}\n\noutput "launch_template_id" {\n  value = aws_launch_template.nodes.id\n}\n',
      // An explicit optional overrides the image's IMDSv2 requirement; an Amazon Linux 2 image or a lookup of anyone's al2023 images does not require IMDSv2.
      'data "aws_ssm_parameter" "al2023" {\n  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"\n}\n\ndata "aws_ssm_parameter" "al2" {\n  name = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"\n}\n\ndata "aws_ami" "lookalike" {\n  most_recent = true\n  owners      = ["123456789012"]\n  filter {\n    name   = "name"\n    values = ["al2023-ami-*"]\n  }\n}\n\nresource "aws_instance" "new" {\n  ami = data.aws_ssm_parameter.al2023.value\n  metadata_options {\n    # expect\n    http_tokens = "optional"\n  }\n}\n\n# expect\nresource "aws_instance" "old" {\n  ami = data.aws_ssm_parameter.al2.value\n}\n\n# expect\nresource "aws_instance" "copy" {\n  ami = data.aws_ami.lookalike.id\n}\n',
    ],
    negative: [
      'resource "aws_instance" "web" {\n  ami = "ami-0123456789abcdef0"\n  metadata_options {\n    http_tokens = "required"\n  }\n}\n',
      'resource "aws_instance" "web" {\n  ami = "ami-0123456789abcdef0"\n  metadata_options {\n    http_endpoint = "disabled"\n  }\n}\n',
      // From 5.8.0 the ec2-instance module requires IMDSv2; "~> 5.0" resolves to the newest 5.x, and a lock file may hold an older one: unknown.
      'module "web" {\n  source  = "terraform-aws-modules/ec2-instance/aws"\n  version = "5.8.0"\n  name    = "web"\n}\n',
      'module "web" {\n  source  = "terraform-aws-modules/ec2-instance/aws"\n  version = "~> 5.0"\n  name    = "web"\n}\n',
      // The launch template the instance is launched from sets the metadata options.
      'resource "aws_instance" "web" {\n  launch_template {\n    id      = aws_launch_template.web.id\n    version = "$Latest"\n  }\n}\n',
      'variable "launch_template" {\n  default = { id = "lt-0123456789abcdef0", version = "$Latest" }\n}\nvariable "metadata_options" {\n  default = null\n}\nresource "aws_instance" "this" {\n  ami           = "ami-12345678"\n  instance_type = "t3.micro"\n  dynamic "launch_template" {\n    for_each = var.launch_template != null ? [var.launch_template] : []\n    content {\n      id      = launch_template.value.id\n      version = launch_template.value.version\n    }\n  }\n  dynamic "metadata_options" {\n    for_each = var.metadata_options != null ? [var.metadata_options] : []\n    content {\n      http_tokens = metadata_options.value.http_tokens\n    }\n  }\n}\n',
      // A module's metadata_options left at a default that requires tokens.
      'variable "metadata_options" {\n  default = { http_endpoint = "enabled", http_tokens = "required" }\n}\nresource "aws_instance" "this" {\n  ami           = "ami-12345678"\n  instance_type = "t3.micro"\n  dynamic "metadata_options" {\n    for_each = var.metadata_options != null ? [var.metadata_options] : []\n    content {\n      http_endpoint = metadata_options.value.http_endpoint\n      http_tokens   = metadata_options.value.http_tokens\n    }\n  }\n}\n',
      // Amazon Linux 2023 AMIs carry ImdsSupport v2.0: launches from them require IMDSv2.
      'data "aws_ssm_parameter" "al2023" {\n  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"\n}\n\nresource "aws_instance" "web" {\n  ami           = data.aws_ssm_parameter.al2023.value\n  instance_type = "t3.micro"\n}\n\nresource "aws_launch_template" "workers" {\n  image_id = "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"\n}\n',
      // EKS launches the nodes of an AL2023_* node group from its Amazon Linux 2023 AMI.
      'resource "aws_launch_template" "nodes" {\n  name_prefix = "nodes-"\n}\n\nresource "aws_eks_node_group" "workers" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = aws_iam_role.nodes.arn\n  subnet_ids    = var.subnet_ids\n  ami_type      = "AL2023_x86_64_STANDARD"\n  launch_template {\n    id      = aws_launch_template.nodes.id\n    version = aws_launch_template.nodes.latest_version\n  }\n  scaling_config {\n    desired_size = 2\n    max_size     = 3\n    min_size     = 1\n  }\n}\n',
      'data "aws_ami" "al2023" {\n  most_recent = true\n  owners      = ["amazon"]\n  filter {\n    name   = "name"\n    values = ["al2023-ami-2023.*-x86_64"]\n  }\n}\n\nresource "aws_instance" "web" {\n  ami           = data.aws_ami.al2023.id\n  instance_type = "t3.micro"\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const resource of resourcesOf(input, 'aws_instance', 'aws_launch_template', 'aws_launch_configuration')) {
      // metadata_options read where it is made: modules write `dynamic "metadata_options" { for_each = var.metadata_options != null
      // ? [var.metadata_options] : [] ... }`, and one whose for_each is known empty makes no block (the image's default applies).
      const endpoint = settingAt(resource.block, ['metadata_options', 'http_endpoint'], file).value;
      if (endpoint === 'disabled') continue;
      const { value: tokens, line } = settingAt(resource.block, ['metadata_options', 'http_tokens'], file);
      if (tokens === 'required' || (tokens !== undefined && !known(tokens))) continue;
      if (tokens === undefined) {
        // Launched from a launch template it does not override: the template's options apply, and the template is judged.
        // Only blocks that may be made count (`dynamic "launch_template" { for_each = var.launch_template != null ? [...] : [] ...`).
        if (resource.type === 'aws_instance' && blocksMade(resource.block, 'launch_template', file).length > 0 && blocksMade(resource.block, 'metadata_options', file).length === 0) continue;
        // Without http_tokens the image's ImdsSupport decides: Amazon Linux 2023 images require IMDSv2.
        const image = attribute(resource.block, resource.type === 'aws_instance' ? 'ami' : 'image_id');
        if (image && requiresImdsv2Image(input, image.expr)) continue;
        // A template without an image, used only by node groups EKS launches from its Amazon Linux 2023 AMI.
        if (resource.type === 'aws_launch_template' && !image && onlyAl2023NodeGroups(input, resource)) continue;
      }
      yield { line, message: `${label(resource)} allows IMDSv1 (http_tokens is ${typeof tokens === 'string' ? `"${tokens}"` : 'not set'}).`, resource: label(resource) };
    }
  },
});

const kmsRotation: TfRule = tfRule({
  id: 'iac/tf-aws-kms-no-rotation',
  title: 'KMS key rotation disabled',
  description: 'enable_key_rotation is not true on a symmetric customer managed key, so the same key material protects data for years and a leaked key stays useful indefinitely (CIS AWS 3.8). Low, as iac/cfn-kms-no-rotation: KMS key material never leaves the service, so rotation limits the data under one key version more than it closes a path to the data.',
  remediation: 'Set enable_key_rotation = true (yearly rotation, or rotation_period_in_days).',
  severity: 'low',
  cwe: ['CWE-320'],
  examples: {
    positive: ['# expect\nresource "aws_kms_key" "k" {\n  description = "data"\n}\n', 'resource "aws_kms_key" "k" {\n  # expect\n  enable_key_rotation = false\n}\n'],
    negative: ['resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n', 'resource "aws_kms_key" "sign" {\n  customer_master_key_spec = "RSA_2048"\n  key_usage                = "SIGN_VERIFY"\n}\n'],
  },
  *check(input) {
    for (const key of resourcesOf(input, 'aws_kms_key')) {
      const spec = valueOf(input, key.block, 'customer_master_key_spec') ?? valueOf(input, key.block, 'key_spec');
      // Asymmetric and HMAC keys cannot be rotated automatically.
      if (typeof spec === 'string' && spec !== 'SYMMETRIC_DEFAULT') continue;
      const a = attribute(key.block, 'enable_key_rotation');
      const value = valueOf(input, key.block, 'enable_key_rotation');
      if (isTrueValue(value) || (a && !known(value))) continue;
      yield { line: a?.line ?? key.block.line, message: `${label(key)} does not rotate its key material.`, resource: label(key) };
    }
  },
});

const ecrMutable: TfRule = tfRule({
  id: 'iac/tf-aws-ecr-mutable-tags',
  title: 'ECR image tags are mutable',
  description: 'image_tag_mutability is MUTABLE (the default): anyone who can push can replace the image behind a tag like v1.4.2, and every cluster pulling that tag runs the replacement.',
  remediation: 'Set image_tag_mutability = "IMMUTABLE" and deploy by digest.',
  severity: 'low',
  cwe: ['CWE-1357'],
  examples: {
    positive: ['# expect\nresource "aws_ecr_repository" "app" {\n  name = "app"\n}\n', 'resource "aws_ecr_repository" "app" {\n  name                 = "app"\n  # expect\n  image_tag_mutability = "MUTABLE"\n}\n'],
    negative: ['resource "aws_ecr_repository" "app" {\n  name                 = "app"\n  image_tag_mutability = "IMMUTABLE"\n}\n'],
  },
  *check(input) {
    for (const repo of resourcesOf(input, 'aws_ecr_repository')) {
      const a = attribute(repo.block, 'image_tag_mutability');
      const value = valueOf(input, repo.block, 'image_tag_mutability');
      if (value === 'IMMUTABLE' || (typeof value === 'string' && value.startsWith('IMMUTABLE')) || (a && !known(value))) continue;
      yield { line: a?.line ?? repo.block.line, message: `${label(repo)} allows tags to be overwritten.`, resource: label(repo) };
    }
  },
});

const ecrScan: TfRule = tfRule({
  id: 'iac/tf-aws-ecr-no-scan-on-push',
  title: 'ECR images not scanned on push',
  description: 'image_scanning_configuration.scan_on_push is not true, so images with known vulnerable packages are pushed and deployed without anyone being told.',
  remediation: 'Add image_scanning_configuration { scan_on_push = true } (or enable enhanced scanning for the registry).',
  severity: 'low',
  cwe: ['CWE-1104'],
  examples: {
    positive: [
      '# expect\nresource "aws_ecr_repository" "app" {\n  name = "app"\n}\n',
      'resource "aws_ecr_repository" "app" {\n  image_scanning_configuration {\n    # expect\n    scan_on_push = false\n  }\n}\n',
      // A dynamic block whose for_each is known empty makes no image_scanning_configuration: scan_on_push stays false.
      'variable "scan_images" {\n  default = false\n}\n# expect\nresource "aws_ecr_repository" "app" {\n  name = "app"\n  dynamic "image_scanning_configuration" {\n    for_each = var.scan_images ? [1] : []\n    content {\n      scan_on_push = true\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_ecr_repository" "app" {\n  image_scanning_configuration {\n    scan_on_push = true\n  }\n}\n',
      'variable "scanning" {\n  default = { scan_on_push = true }\n}\nresource "aws_ecr_repository" "app" {\n  name = "app"\n  dynamic "image_scanning_configuration" {\n    for_each = [var.scanning]\n    content {\n      scan_on_push = image_scanning_configuration.value.scan_on_push\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    if (moduleResourcesOf(input, 'aws_ecr_registry_scanning_configuration').length > 0) return;
    for (const repo of resourcesOf(input, 'aws_ecr_repository')) {
      // Read where it is made: a dynamic image_scanning_configuration whose for_each is known empty makes no block (scan_on_push
      // then defaults to false), and its iterator is bound when it can be read. A null value (a module variable left at null) is the default.
      const { value, line } = settingAt(repo.block, ['image_scanning_configuration', 'scan_on_push'], fileInstance(input));
      if (isTrueValue(value) || (value !== undefined && !known(value))) continue;
      yield { line, message: `${label(repo)} does not scan images on push.`, resource: label(repo) };
    }
  },
});

function isApplicationLb(input: TfInput, lb: TfResource): boolean {
  const type = valueOf(input, lb.block, 'load_balancer_type');
  return type === undefined || type === 'application';
}

const albInvalidHeaders: TfRule = tfRule({
  id: 'iac/tf-aws-alb-keeps-invalid-headers',
  title: 'Application load balancer forwards invalid headers',
  description: 'drop_invalid_header_fields is not true, so the load balancer forwards HTTP headers with invalid names to the application, which helps request smuggling and header-injection attacks against back ends that parse them differently.',
  remediation: 'Set drop_invalid_header_fields = true on application load balancers.',
  severity: 'low',
  cwe: ['CWE-444'],
  examples: {
    positive: ['# expect\nresource "aws_lb" "web" {\n  name               = "web"\n  load_balancer_type = "application"\n}\n', '# expect\nmodule "alb" {\n  source  = "terraform-aws-modules/alb/aws"\n  version = "~> 6.0"\n  name    = "web"\n}\n'],
    negative: [
      'resource "aws_lb" "web" {\n  load_balancer_type         = "application"\n  drop_invalid_header_fields = true\n}\n',
      'resource "aws_lb" "net" {\n  load_balancer_type = "network"\n}\n',
      // From 9.0.0 the module drops invalid headers unless told otherwise.
      'module "alb" {\n  source  = "terraform-aws-modules/alb/aws"\n  version = "~> 9.0"\n}\n',
    ],
  },
  *check(input) {
    for (const lb of resourcesOf(input, 'aws_lb', 'aws_alb')) {
      if (!isApplicationLb(input, lb)) continue;
      const a = attribute(lb.block, 'drop_invalid_header_fields');
      const value = valueOf(input, lb.block, 'drop_invalid_header_fields');
      if (isTrueValue(value) || (a && !known(value))) continue;
      yield { line: a?.line ?? lb.block.line, message: `${label(lb)} forwards invalid HTTP header fields.`, resource: label(lb) };
    }
  },
});

/** An action that sends no application content: a fixed response, or a redirect that does not stay on HTTP. */
function sendsNoContent(input: TfInput, action: Section): boolean {
  const type = action.get('type');
  if (type === 'fixed-response') return true;
  const redirect = type === 'redirect' && action.block ? sections(input, action.block, 'redirect', action.instance)[0] : undefined;
  return redirect !== undefined && redirect.get('protocol') !== 'HTTP';
}

/**
 * A listener whose default action returns a fixed response (a 404, a maintenance page) and
 * whose listener rules in the module (any of its files) only return fixed responses or redirect to
 * HTTPS: it forwards nothing to an application. A rule whose listener cannot be read is not
 * counted.
 */
function servesNoContent(input: TfInput, listener: TfResource): boolean {
  const file = fileInstance(input);
  const actions = sectionsIn(listener.block, 'default_action', file, { made: true });
  if (actions.length === 0 || !actions.every((action) => action.get('type') === 'fixed-response')) return false;
  // Listener rules of the whole module directory: a module split into files keeps them apart from the listener.
  return moduleResourcesOf(input, 'aws_lb_listener_rule', 'aws_alb_listener_rule').every((rule) => {
    const arn = attribute(rule.block, 'listener_arn')?.expr;
    const target = arn && mentioned(input, arn).find((r) => r.kind === 'resource' && r.address === listener.address);
    if (!target) return true;
    // A rule of another instance of the listener (`aws_lb_listener.this[each.value.listener_key].arn`, one rule per listener and rule in modules).
    // Which instance a rule of another file names is not read (its each.value is that file's): not counted, as an unread listener.
    if (listener.instance && !input.resources.includes(rule)) return true;
    const named = listener.instance ? instancesNamed(input, arn, target) : [];
    if (named.length > 0 && named.every((n) => n.instance && n.instance.key !== listener.instance!.key)) return true;
    return sectionsIn(rule.block, 'action', fileInstance(input), { made: true }).every((action) => sendsNoContent(input, action));
  });
}

const httpListener: TfRule = tfRule({
  id: 'iac/tf-aws-lb-http-listener',
  title: 'Load balancer listener serves plain HTTP',
  description: 'A load balancer listener accepts HTTP and forwards it instead of redirecting to HTTPS: sessions, credentials and data travel unencrypted between clients and the load balancer. A listener that only returns a fixed response (its default action, and every listener rule of it in the configuration: a 404, a maintenance page) serves no application content and is not reported. On an internal load balancer (internal = true) it is reported at low severity: only clients inside the network reach it, but the traffic still crosses the VPC in clear text.',
  remediation: 'Listen on HTTPS with an ACM certificate, and make the port 80 listener a redirect (default_action { type = "redirect" redirect { protocol = "HTTPS" port = "443" status_code = "HTTP_301" } }).',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'resource "aws_lb_listener" "web" {\n  load_balancer_arn = aws_lb.web.arn\n  port              = 80\n  # expect\n  protocol          = "HTTP"\n  default_action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.web.arn\n  }\n}\n',
      'resource "aws_elb" "classic" {\n  listener {\n    instance_port     = 8000\n    instance_protocol = "http"\n    lb_port           = 80\n    # expect\n    lb_protocol       = "http"\n  }\n}\n',
      // An internal load balancer's HTTP listener: low severity (test/scanners/iac/load-balancer-internal.test.ts).
      'resource "aws_lb" "internal" {\n  name     = "api"\n  internal = true\n}\nresource "aws_lb_listener" "api" {\n  load_balancer_arn = aws_lb.internal.arn\n  port              = 80\n  # expect\n  protocol          = "HTTP"\n  default_action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.api.arn\n  }\n}\n',
      'resource "aws_lb_listener" "web" {\n  for_each          = { http = 80, https = 443 }\n  load_balancer_arn = aws_lb.web.arn\n  port              = each.value\n  # expect\n  protocol          = upper(each.key)\n  default_action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.web.arn\n  }\n}\n',
      // A fixed response by default, but a rule of the listener forwards to the application over HTTP.
      'resource "aws_lb_listener" "web" {\n  load_balancer_arn = aws_lb.web.arn\n  port              = 80\n  # expect\n  protocol          = "HTTP"\n  default_action {\n    type = "fixed-response"\n    fixed_response {\n      content_type = "text/plain"\n      status_code  = "404"\n    }\n  }\n}\nresource "aws_lb_listener_rule" "app" {\n  listener_arn = aws_lb_listener.web.arn\n  action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.app.arn\n  }\n  condition {\n    host_header {\n      values = ["app.example.org"]\n    }\n  }\n}\n',
      // One dynamic default_action per action type, as listener modules write them: this listener is given a forward, no redirect.
      'resource "aws_lb_listener" "this" {\n  for_each          = { plain = { port = 81, protocol = "HTTP", forward = { arn = "tg" }, redirect = null } }\n  load_balancer_arn = aws_lb.web.arn\n  port              = each.value.port\n  # expect\n  protocol          = each.value.protocol\n  dynamic "default_action" {\n    for_each = each.value.forward != null ? [each.value.forward] : []\n    content {\n      type             = "forward"\n      target_group_arn = default_action.value.arn\n    }\n  }\n  dynamic "default_action" {\n    for_each = each.value.redirect != null ? [each.value.redirect] : []\n    content {\n      type = "redirect"\n      redirect {\n        port        = default_action.value.port\n        protocol    = default_action.value.protocol\n        status_code = "HTTP_301"\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_lb_listener" "this" {\n  for_each          = { http = { port = 80, protocol = "HTTP", forward = null, redirect = { port = "443", protocol = "HTTPS" } } }\n  load_balancer_arn = aws_lb.web.arn\n  port              = each.value.port\n  protocol          = each.value.protocol\n  dynamic "default_action" {\n    for_each = each.value.forward != null ? [each.value.forward] : []\n    content {\n      type             = "forward"\n      target_group_arn = default_action.value.arn\n    }\n  }\n  dynamic "default_action" {\n    for_each = each.value.redirect != null ? [each.value.redirect] : []\n    content {\n      type = "redirect"\n      redirect {\n        port        = default_action.value.port\n        protocol    = default_action.value.protocol\n        status_code = "HTTP_301"\n      }\n    }\n  }\n}\n',
      'resource "aws_lb_listener" "web" {\n  port     = 80\n  protocol = "HTTP"\n  default_action {\n    type = "redirect"\n    redirect {\n      port        = "443"\n      protocol    = "HTTPS"\n      status_code = "HTTP_301"\n    }\n  }\n}\n',
      // Listeners and rules made with for_each, as modules make them: the rule that forwards belongs to the HTTPS listener.
      'locals {\n  listeners = {\n    status = { port = 80, protocol = "HTTP", fixed = true }\n    app    = { port = 443, protocol = "HTTPS", fixed = false }\n  }\n}\nresource "aws_lb_listener" "this" {\n  for_each          = local.listeners\n  load_balancer_arn = aws_lb.web.arn\n  port              = each.value.port\n  protocol          = each.value.protocol\n  dynamic "default_action" {\n    for_each = each.value.fixed ? [1] : []\n    content {\n      type = "fixed-response"\n      fixed_response {\n        content_type = "text/plain"\n        status_code  = "404"\n      }\n    }\n  }\n  dynamic "default_action" {\n    for_each = each.value.fixed ? [] : [1]\n    content {\n      type             = "forward"\n      target_group_arn = aws_lb_target_group.app.arn\n    }\n  }\n}\nresource "aws_lb_listener_rule" "this" {\n  for_each     = { api = "app" }\n  listener_arn = aws_lb_listener.this[each.value].arn\n  action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.api.arn\n  }\n  condition {\n    path_pattern {\n      values = ["/api/*"]\n    }\n  }\n}\n',
      // A fixed response (a 404, a maintenance page) by default and in every rule of the listener: no application content.
      'resource "aws_lb_listener" "web" {\n  load_balancer_arn = aws_lb.web.arn\n  port              = 80\n  protocol          = "HTTP"\n  default_action {\n    type = "fixed-response"\n    fixed_response {\n      content_type = "text/plain"\n      status_code  = "404"\n    }\n  }\n}\nresource "aws_lb_listener_rule" "maintenance" {\n  listener_arn = aws_lb_listener.web.arn\n  action {\n    type = "fixed-response"\n    fixed_response {\n      content_type = "text/html"\n      message_body = "<h1>Back soon</h1>"\n      status_code  = "503"\n    }\n  }\n  condition {\n    path_pattern {\n      values = ["/*"]\n    }\n  }\n}\nresource "aws_lb_listener_rule" "api" {\n  listener_arn = aws_lb_listener.https.arn\n  action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.api.arn\n  }\n  condition {\n    path_pattern {\n      values = ["/api/*"]\n    }\n  }\n}\n',
      'resource "aws_lb_listener" "web" {\n  port            = 443\n  protocol        = "HTTPS"\n  ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n  certificate_arn = aws_acm_certificate.web.arn\n}\n'],
  },
  *check(input) {
    for (const listener of resourcesOf(input, 'aws_lb_listener', 'aws_alb_listener')) {
      const protocol = attribute(listener.block, 'protocol');
      if (!protocol) continue;
      // Listeners are often made with for_each (`protocol = each.value.protocol`, one instance at a
      // time from resourcesOf) and their actions as dynamic blocks: each element of its actions is read.
      const file = fileInstance(input);
      if (valueIn(file, protocol.expr) !== 'HTTP') continue;
      // An action whose dynamic block is known to make nothing (`for_each = each.value.redirect != null ? [...] : []`
      // for a listener given no redirect) is no redirect: only the actions that may be made count.
      const redirects = sectionsIn(listener.block, 'default_action', file, { made: true }).some((action) => {
        const redirect = action.block ? sections(input, action.block, 'redirect', action.instance)[0] : undefined;
        return action.get('type') === 'redirect' && redirect?.get('protocol') !== 'HTTP';
      });
      if (redirects || servesNoContent(input, listener)) continue;
      const lb = mentioned(input, attribute(listener.block, 'load_balancer_arn')?.expr).find((r) => r.kind === 'resource' && (r.type === 'aws_lb' || r.type === 'aws_alb'));
      if (lb && isTrueValue(valueOf(input, lb.block, 'internal')))
        yield { line: protocol.line, message: `${label(listener)} serves plain HTTP without redirecting to HTTPS on ${label(lb)}: ${INTERNAL_HTTP_NOTE}.`, resource: label(listener), severity: 'low' };
      else yield { line: protocol.line, message: `${label(listener)} serves plain HTTP without redirecting to HTTPS.`, resource: label(listener) };
    }
    for (const elb of resourcesOf(input, 'aws_elb')) {
      const internal = isTrueValue(valueOf(input, elb.block, 'internal'));
      for (const listener of sections(input, elb.block, 'listener')) {
        const protocol = listener.get('lb_protocol');
        if (typeof protocol !== 'string' || protocol.toLowerCase() !== 'http') continue;
        if (internal) yield { line: listener.lineOf('lb_protocol'), message: `${label(elb)} listens on plain HTTP: ${INTERNAL_HTTP_NOTE}.`, resource: label(elb), severity: 'low' };
        else yield { line: listener.lineOf('lb_protocol'), message: `${label(elb)} listens on plain HTTP.`, resource: label(elb) };
      }
    }
  },
});

/** ELB security policies that still accept TLS 1.0/1.1 (or SSL). */

const outdatedTls: TfRule = tfRule({
  id: 'iac/tf-aws-tls-outdated',
  title: 'TLS below 1.2 accepted',
  description: 'A load balancer, CloudFront distribution, API Gateway domain or search domain accepts SSLv3, TLS 1.0 or TLS 1.1. These versions have known attacks (POODLE, BEAST) and are no longer allowed by PCI DSS; clients that still need them are rare.',
  remediation: 'Use a policy that requires TLS 1.2 or later: ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06", minimum_protocol_version = "TLSv1.2_2021", security_policy = "TLS_1_2", tls_security_policy = "Policy-Min-TLS-1-2-2019-07".',
  severity: 'medium',
  cwe: ['CWE-326'],
  examples: {
    positive: [
      'resource "aws_lb_listener" "web" {\n  port       = 443\n  protocol   = "HTTPS"\n  # expect\n  ssl_policy = "ELBSecurityPolicy-2016-08"\n}\n',
      'resource "aws_cloudfront_distribution" "cdn" {\n  viewer_certificate {\n    acm_certificate_arn      = aws_acm_certificate.cdn.arn\n    # expect\n    minimum_protocol_version = "TLSv1"\n  }\n}\n',
      'resource "aws_cloudfront_distribution" "cdn" {\n  # expect\n  viewer_certificate {\n    acm_certificate_arn = aws_acm_certificate.cdn.arn\n    ssl_support_method  = "sni-only"\n  }\n}\n',
      // A module's minimum_protocol_version left at null is not set: the provider's TLSv1 applies.
      'variable "minimum_protocol_version" {\n  default = null\n}\nresource "aws_cloudfront_distribution" "cdn" {\n  # expect\n  viewer_certificate {\n    acm_certificate_arn      = aws_acm_certificate.cdn.arn\n    ssl_support_method       = "sni-only"\n    minimum_protocol_version = var.minimum_protocol_version\n  }\n}\n',
      'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n  origin {\n    origin_id   = "api"\n    domain_name = "api.example.org"\n    custom_origin_config {\n      http_port              = 80\n      https_port             = 443\n      origin_protocol_policy = "https-only"\n      # expect\n      origin_ssl_protocols   = ["TLSv1", "TLSv1.2"]\n    }\n  }\n}\n',
      'resource "aws_load_balancer_policy" "p" {\n  policy_type_name = "SSLNegotiationPolicyType"\n  policy_attribute {\n    # expect\n    name  = "Protocol-TLSv1"\n    value = "true"\n  }\n}\n',
      // Origins as modules write them: dynamic origin and custom_origin_config blocks over a variable, read with their iterators bound.
      'variable "origin" {\n  default = {\n    api = {\n      domain_name          = "api.example.org"\n      custom_origin_config = { origin_protocol_policy = "https-only", origin_ssl_protocols = ["TLSv1", "TLSv1.2"] }\n    }\n  }\n}\nresource "aws_cloudfront_distribution" "this" {\n  enabled = true\n  dynamic "origin" {\n    for_each = var.origin\n    content {\n      origin_id   = origin.key\n      domain_name = origin.value.domain_name\n      dynamic "custom_origin_config" {\n        for_each = try([origin.value.custom_origin_config], [])\n        content {\n          http_port              = 80\n          https_port             = 443\n          origin_protocol_policy = try(custom_origin_config.value.origin_protocol_policy, "https-only")\n          # expect\n          origin_ssl_protocols   = try(custom_origin_config.value.origin_ssl_protocols, ["TLSv1.2"])\n        }\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_cloudfront_distribution" "cdn" {\n  viewer_certificate {\n    acm_certificate_arn      = aws_acm_certificate.cdn.arn\n    minimum_protocol_version = "TLSv1.2_2021"\n  }\n}\n',
      'resource "aws_cloudfront_distribution" "cdn" {\n  viewer_certificate {\n    cloudfront_default_certificate = true\n  }\n}\n',
      // The default certificate, with the module's custom certificate left at null: nothing to set a minimum on.
      'variable "acm_certificate_arn" {\n  default = null\n}\nresource "aws_cloudfront_distribution" "cdn" {\n  viewer_certificate {\n    acm_certificate_arn            = var.acm_certificate_arn\n    cloudfront_default_certificate = var.acm_certificate_arn == null\n  }\n}\n',
      // The same module-style origin asking for TLS 1.2 only.
      'variable "origin" {\n  default = {\n    api = {\n      domain_name          = "api.example.org"\n      custom_origin_config = { origin_protocol_policy = "https-only", origin_ssl_protocols = ["TLSv1.2"] }\n    }\n  }\n}\nresource "aws_cloudfront_distribution" "this" {\n  enabled = true\n  dynamic "origin" {\n    for_each = var.origin\n    content {\n      origin_id   = origin.key\n      domain_name = origin.value.domain_name\n      dynamic "custom_origin_config" {\n        for_each = try([origin.value.custom_origin_config], [])\n        content {\n          http_port              = 80\n          https_port             = 443\n          origin_protocol_policy = try(custom_origin_config.value.origin_protocol_policy, "https-only")\n          origin_ssl_protocols   = try(custom_origin_config.value.origin_ssl_protocols, ["TLSv1.2"])\n        }\n      }\n    }\n  }\n}\n',
      // CloudFront reaches an http-only origin without TLS, so its origin_ssl_protocols are never used.
      'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n  origin {\n    origin_id   = "site"\n    domain_name = "site.example.org"\n    custom_origin_config {\n      http_port              = 80\n      https_port             = 443\n      origin_protocol_policy = "http-only"\n      origin_ssl_protocols   = ["TLSv1", "TLSv1.1", "TLSv1.2"]\n    }\n  }\n}\n',
      'resource "aws_lb_listener" "web" {\n  port       = 443\n  protocol   = "HTTPS"\n  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n}\n', 'resource "aws_load_balancer_policy" "p" {\n  policy_attribute {\n    name  = "Protocol-TLSv1.2"\n    value = "true"\n  }\n  policy_attribute {\n    name  = "Protocol-TLSv1"\n    value = "false"\n  }\n}\n'],
  },
  *check(input) {
    for (const listener of resourcesOf(input, 'aws_lb_listener', 'aws_alb_listener')) {
      const policy = attribute(listener.block, 'ssl_policy');
      const value = valueOf(input, listener.block, 'ssl_policy');
      if (policy && typeof value === 'string' && OLD_ELB_POLICIES.test(value)) yield { line: policy.line, message: `${label(listener)} uses ${value}, which accepts TLS 1.0/1.1.`, resource: label(listener) };
    }
    for (const cdn of resourcesOf(input, 'aws_cloudfront_distribution')) {
      // Read where it is made (modules write `dynamic "viewer_certificate" { for_each = [var.viewer_certificate] ... }`),
      // with null settings (a module variable left at null) read as not set.
      const viewer = sectionsIn(cdn.block, 'viewer_certificate', fileInstance(input), { made: true }).find((s) => s.block);
      const value = viewer?.get('minimum_protocol_version');
      const custom = viewer !== undefined && ['acm_certificate_arn', 'iam_certificate_id'].some((name) => { const v = viewer.get(name); return v !== undefined && v !== null && v !== ''; });
      // The default *.cloudfront.net certificate always has the TLSv1 policy and cannot be
      // changed short of a custom domain: not reported, as nothing in this block fixes it.
      if (viewer && typeof value === 'string' && OLD_CLOUDFRONT_PROTOCOLS.has(value)) yield { line: viewer.lineOf('minimum_protocol_version'), message: `${label(cdn)} accepts ${value} from viewers.`, resource: label(cdn) };
      else if (viewer && custom && (value === undefined || value === null))
        yield { line: viewer.line, message: `${label(cdn)} sets no minimum_protocol_version, so viewers may use TLS 1.0 (the provider's default is TLSv1).`, resource: label(cdn) };
      // Origins and their custom_origin_config read where they are made: modules write both as dynamic blocks
      // (`dynamic "origin" { for_each = var.origin ... dynamic "custom_origin_config" { for_each = [origin.value.custom_origin_config] ...`).
      // The elements of a dynamic block share its lines: one finding per line.
      const reported = new Set<number>();
      for (const origin of sectionsIn(cdn.block, 'origin', fileInstance(input), { made: true })) {
        if (!origin.block) continue;
        for (const custom of sectionsIn(origin.block, 'custom_origin_config', origin.instance, { made: true })) {
          // An http-only origin is never reached over TLS: its protocol list is unused (iac/tf-aws-cloudfront-origin-http reports the origin).
          if (isHttpOnlyOrigin(custom.get('origin_protocol_policy'))) continue;
          const protocols = custom.get('origin_ssl_protocols');
          const line = custom.lineOf('origin_ssl_protocols');
          const outdated = Array.isArray(protocols) ? protocols.filter((p): p is string => typeof p === 'string' && OLD_ORIGIN_PROTOCOLS.has(p)) : [];
          if (outdated.length === 0 || reported.has(line)) continue;
          reported.add(line);
          // Only the outdated ones are named: a list that also allows TLSv1.2 is no better for it.
          yield { line, message: `${label(cdn)} talks to its origin with outdated protocols (${outdated.join(', ')}).`, resource: label(cdn) };
        }
      }
    }
    for (const policy of resourcesOf(input, 'aws_load_balancer_policy', 'aws_lb_ssl_negotiation_policy')) {
      for (const attr of [...blocksOf(policy.block, 'policy_attribute'), ...blocksOf(policy.block, 'attribute')]) {
        const name = valueOf(input, attr, 'name');
        const value = valueOf(input, attr, 'value');
        if (typeof name === 'string' && OLD_SSL_NEGOTIATION_PROTOCOL.test(name) && (value === 'true' || value === true))
          yield { line: attribute(attr, 'name')?.line ?? attr.line, message: `${label(policy)} enables ${name}.`, resource: label(policy) };
      }
    }
    for (const domain of resourcesOf(input, 'aws_api_gateway_domain_name', 'aws_apigatewayv2_domain_name')) {
      const path = domain.type === 'aws_api_gateway_domain_name' ? ['security_policy'] : ['domain_name_configuration', 'security_policy'];
      const { value, line } = settingAt(domain.block, path, fileInstance(input));
      if (value === 'TLS_1_0') yield { line, message: `${label(domain)} accepts TLS 1.0.`, resource: label(domain) };
    }
    for (const search of resourcesOf(input, 'aws_elasticsearch_domain', 'aws_opensearch_domain')) {
      const path = ['domain_endpoint_options', 'tls_security_policy'];
      const { value, line } = settingAt(search.block, path, fileInstance(input));
      if (value === 'Policy-Min-TLS-1-0-2019-07') yield { line, message: `${label(search)} accepts TLS 1.0.`, resource: label(search) };
    }
  },
});

const cloudfrontHttp: TfRule = tfRule({
  id: 'iac/tf-aws-cloudfront-allows-http',
  title: 'CloudFront serves content over plain HTTP',
  description: 'viewer_protocol_policy = "allow-all" lets viewers use plain HTTP: responses (and cookies or tokens in requests) can be read and altered on the network.',
  remediation: 'Use viewer_protocol_policy = "redirect-to-https" (or "https-only") in every cache behavior.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'resource "aws_cloudfront_distribution" "cdn" {\n  default_cache_behavior {\n    target_origin_id       = "s3"\n    # expect\n    viewer_protocol_policy = "allow-all"\n  }\n}\n',
      // A cache behavior as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "default_cache_behavior" {\n  default = { target_origin_id = "s3", viewer_protocol_policy = "allow-all" }\n}\nresource "aws_cloudfront_distribution" "this" {\n  enabled = true\n  dynamic "default_cache_behavior" {\n    for_each = [var.default_cache_behavior]\n    content {\n      target_origin_id       = default_cache_behavior.value.target_origin_id\n      # expect\n      viewer_protocol_policy = try(default_cache_behavior.value.viewer_protocol_policy, "redirect-to-https")\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_cloudfront_distribution" "cdn" {\n  default_cache_behavior {\n    target_origin_id       = "s3"\n    viewer_protocol_policy = "redirect-to-https"\n  }\n}\n',
      'variable "default_cache_behavior" {\n  default = { target_origin_id = "s3" }\n}\nresource "aws_cloudfront_distribution" "this" {\n  enabled = true\n  dynamic "default_cache_behavior" {\n    for_each = [var.default_cache_behavior]\n    content {\n      target_origin_id       = default_cache_behavior.value.target_origin_id\n      viewer_protocol_policy = try(default_cache_behavior.value.viewer_protocol_policy, "redirect-to-https")\n    }\n  }\n}\n',
      // A dynamic block whose for_each is empty makes no behavior.
      'variable "ordered_cache_behavior" {\n  default = []\n}\nresource "aws_cloudfront_distribution" "this" {\n  enabled = true\n  default_cache_behavior {\n    target_origin_id       = "s3"\n    viewer_protocol_policy = "https-only"\n  }\n  dynamic "ordered_cache_behavior" {\n    for_each = var.ordered_cache_behavior\n    content {\n      path_pattern           = ordered_cache_behavior.value.path_pattern\n      target_origin_id       = "s3"\n      viewer_protocol_policy = try(ordered_cache_behavior.value.viewer_protocol_policy, "allow-all")\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const cdn of resourcesOf(input, 'aws_cloudfront_distribution')) {
      // Cache behaviors read where they are made: modules write them as dynamic blocks over their inputs
      // (`dynamic "default_cache_behavior" { for_each = [var.default_cache_behavior] ... viewer_protocol_policy = default_cache_behavior.value.viewer_protocol_policy`).
      // The elements of a dynamic block share its lines: one finding per line.
      const reported = new Set<number>();
      const file = fileInstance(input);
      for (const behavior of [...sectionsIn(cdn.block, 'default_cache_behavior', file, { made: true }), ...sectionsIn(cdn.block, 'ordered_cache_behavior', file, { made: true })]) {
        const a = behavior.block && attribute(behavior.block, 'viewer_protocol_policy');
        if (!a || behavior.get('viewer_protocol_policy') !== 'allow-all' || reported.has(a.line)) continue;
        reported.add(a.line);
        yield { line: a.line, message: `${label(cdn)} lets viewers use plain HTTP.`, resource: label(cdn) };
      }
    }
  },
});

const cloudfrontOriginHttp: TfRule = tfRule({
  id: 'iac/tf-aws-cloudfront-origin-http',
  title: 'CloudFront reaches its origin over plain HTTP',
  description:
    'A custom origin of a CloudFront distribution has origin_protocol_policy = "http-only": every request CloudFront forwards (with cookies, authorization headers and form data) and every response travel unencrypted between the edge and the origin, across the internet, where they can be read or altered, even when viewers connect with HTTPS. An S3 website endpoint, which serves only HTTP and public content, is reported at low severity. "match-viewer" forwards with the viewer\'s protocol and is left to iac/tf-aws-cloudfront-allows-http, which reports viewers allowed on HTTP.',
  remediation:
    'Set origin_protocol_policy = "https-only" with origin_ssl_protocols = ["TLSv1.2"] and give the origin a certificate; for an S3 bucket use an S3 origin (s3_origin_config or origin_access_control_id) instead of the website endpoint.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n  origin {\n    origin_id   = "api"\n    domain_name = "api.example.org"\n    custom_origin_config {\n      http_port              = 80\n      https_port             = 443\n      # expect\n      origin_protocol_policy = "http-only"\n      origin_ssl_protocols   = ["TLSv1.2"]\n    }\n  }\n  default_cache_behavior {\n    target_origin_id       = "api"\n    viewer_protocol_policy = "redirect-to-https"\n  }\n}\n',
      // Origins written as a dynamic block, one per element.
      'variable "origins" {\n  default = {\n    api  = { domain = "api.example.org", policy = "https-only" }\n    site = { domain = "site.s3-website-eu-west-1.amazonaws.com", policy = "http-only" }\n  }\n}\n\nresource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n  dynamic "origin" {\n    for_each = var.origins\n    content {\n      origin_id   = origin.key\n      domain_name = origin.value.domain\n      custom_origin_config {\n        http_port              = 80\n        https_port             = 443\n        # expect\n        origin_protocol_policy = origin.value.policy\n        origin_ssl_protocols   = ["TLSv1.2"]\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n  origin {\n    origin_id   = "api"\n    domain_name = "api.example.org"\n    custom_origin_config {\n      http_port              = 80\n      https_port             = 443\n      origin_protocol_policy = "https-only"\n      origin_ssl_protocols   = ["TLSv1.2"]\n    }\n  }\n  origin {\n    origin_id                = "assets"\n    domain_name              = aws_s3_bucket.assets.bucket_regional_domain_name\n    origin_access_control_id = aws_cloudfront_origin_access_control.assets.id\n  }\n}\n',
      // match-viewer forwards with the viewer\'s protocol, HTTPS when viewers are redirected to it.
      'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n  origin {\n    origin_id   = "api"\n    domain_name = "api.example.org"\n    custom_origin_config {\n      http_port              = 80\n      https_port             = 443\n      origin_protocol_policy = "match-viewer"\n      origin_ssl_protocols   = ["TLSv1.2"]\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const cdn of resourcesOf(input, 'aws_cloudfront_distribution')) {
      // The elements of a dynamic "origin" block share their lines: one finding per line, the first plain-HTTP origin named.
      const reported = new Set<number>();
      for (const origin of sections(input, cdn.block, 'origin', fileInstance(input))) {
        if (!origin.block) continue;
        for (const custom of sections(input, origin.block, 'custom_origin_config', origin.instance)) {
          const policy = custom.get('origin_protocol_policy');
          const line = custom.lineOf('origin_protocol_policy');
          if (!isHttpOnlyOrigin(policy) || reported.has(line)) continue;
          reported.add(line);
          const id = origin.get('origin_id');
          const name = typeof id === 'string' ? id : 'an origin';
          const domain = origin.get('domain_name');
          // A website endpoint of S3 serves only HTTP and holds public content: lower, and the fix differs.
          const website = typeof domain === 'string' && S3_WEBSITE_ENDPOINT.test(domain);
          yield {
            line,
            message: website
              ? `${label(cdn)} fetches origin ${name} from an S3 website endpoint over plain HTTP; use an S3 origin with origin access control.`
              : `${label(cdn)} forwards requests to origin ${name} over plain HTTP (origin_protocol_policy = "http-only").`,
            resource: label(cdn),
            ...(website ? { severity: 'low' as const } : {}),
          };
        }
      }
    }
  },
});

const mskPlaintext: TfRule = tfRule({
  id: 'iac/tf-aws-msk-plaintext',
  title: 'MSK cluster accepts plaintext traffic',
  description:
    'The Kafka cluster lets clients connect without TLS (client_broker = "PLAINTEXT" or "TLS_PLAINTEXT") or sends data between brokers unencrypted (in_cluster = false). Messages, and SASL/SCRAM credentials where used, then cross the network in clear text.',
  remediation: 'Keep encryption_info.encryption_in_transit at its defaults: client_broker = "TLS" and in_cluster = true.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'resource "aws_msk_cluster" "events" {\n  cluster_name = "events"\n  encryption_info {\n    encryption_in_transit {\n      # expect\n      client_broker = "TLS_PLAINTEXT"\n      # expect\n      in_cluster    = false\n    }\n  }\n}\n',
    ],
    negative: ['resource "aws_msk_cluster" "events" {\n  cluster_name = "events"\n}\n', 'resource "aws_msk_cluster" "events" {\n  encryption_info {\n    encryption_in_transit {\n      client_broker = "TLS"\n    }\n  }\n}\n'],
  },
  *check(input) {
    for (const cluster of resourcesOf(input, 'aws_msk_cluster')) {
      const path = ['encryption_info', 'encryption_in_transit'];
      // Read where they are made: a dynamic encryption_in_transit whose for_each is known empty makes none (the defaults apply).
      const { value: clientBroker, line } = settingAt(cluster.block, [...path, 'client_broker'], fileInstance(input));
      const inCluster = settingAt(cluster.block, [...path, 'in_cluster'], fileInstance(input));
      if (clientBroker === 'PLAINTEXT' || clientBroker === 'TLS_PLAINTEXT')
        yield { line, message: `${label(cluster)} accepts ${clientBroker === 'PLAINTEXT' ? 'only plaintext' : 'plaintext as well as TLS'} connections from clients.`, resource: label(cluster) };
      if (isFalseValue(inCluster.value))
        yield { line: inCluster.line, message: `${label(cluster)} sends data between brokers unencrypted (in_cluster = false).`, resource: label(cluster) };
    }
  },
});

export const ACCESS_KEY_ID = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}\b/;
const SECRET_IN_SCRIPT = /\b(?:AWS_SECRET_ACCESS_KEY|aws_secret_access_key)\s*[=:]\s*["']?(?!\$)([A-Za-z0-9/+=]{16,})/;
/** A map entry named for the secret key (a function's or container's environment): its value is the secret. */
const SECRET_ENTRY_NAME = /^aws_secret_access_key$/i;
const SECRET_VALUE = /^([A-Za-z0-9/+=]{16,})$/;
/** A shorter name (secret_key) says less: only a value shaped like an AWS secret access key (40 base64 characters) counts. */
const SHORT_SECRET_ENTRY_NAME = /^(?:aws_)?secret(?:_access)?_key$/i;
const AWS_SECRET_SHAPE = /^([A-Za-z0-9/+]{40})$/;

export function secretInEntry(text: string, entry: string | undefined): RegExpExecArray | null {
  if (entry === undefined) return null;
  if (SECRET_ENTRY_NAME.test(entry)) return SECRET_VALUE.exec(text);
  return SHORT_SECRET_ENTRY_NAME.test(entry) ? AWS_SECRET_SHAPE.exec(text) : null;
}
const PLACEHOLDER = /^(?:your|example|changeme|xxx|placeholder|dummy|replace)/i;

/** Literal text of the strings and heredocs in an expression (interpolations left out), with the name of the map entry that holds it. */
function stringsIn(expr: Expr): Array<{ text: string; line: number; expr: Expr; entry?: string }> {
  const out: Array<{ text: string; line: number; expr: Expr; entry?: string }> = [];
  const visit = (e: Expr, entry?: string) => {
    switch (e.kind) {
      case 'template':
        out.push({ text: e.parts.map((p) => (p.kind === 'text' ? p.value : '')).join(''), line: e.line, expr: e, ...(entry !== undefined ? { entry } : {}) });
        break;
      case 'tuple':
        e.items.forEach((i) => visit(i));
        break;
      case 'object':
        e.items.forEach((i) => visit(i.value, i.keyName));
        break;
      case 'call':
        e.args.forEach((a) => visit(a));
        break;
      case 'paren':
        visit(e.expr, entry);
        break;
      default:
        break;
    }
  };
  visit(expr);
  return out;
}

function lineWithin(text: string, offset: number, start: number, heredoc: boolean): number {
  return start + (heredoc ? 1 : 0) + (text.slice(0, offset).match(/\n/g)?.length ?? 0);
}

const hardcodedCredentials: TfRule = tfRule({
  id: 'iac/tf-aws-hardcoded-credentials',
  title: 'AWS credentials written in Terraform',
  description: 'An AWS access key (in the provider block, or anywhere in a resource such as user_data) is written in the configuration. It is in version control, in every clone and in the state file, and gives whoever reads it the key\'s permissions until it is revoked.',
  remediation: 'Remove the key and revoke it; let the provider use the environment, a shared credentials profile, SSO or an assumed role, and give instances an instance profile instead of keys.',
  severity: 'critical',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      'provider "aws" {\n  region     = "eu-west-1"\n  # expect\n  access_key = "AKIAIOSFODNN7EXAMPLE"\n  # expect\n  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n}\n',
      'resource "aws_instance" "web" {\n  ami       = "ami-0123456789abcdef0"\n  # expect\n  user_data = <<EOF\n#!/bin/bash\n# detail\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nEOF\n}\n',
      // An environment map: the entry's name says what its value is.
      'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  environment {\n    # expect\n    variables = {\n      AWS_ACCESS_KEY_ID     = var.key_id\n      # detail\n      AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n    }\n  }\n}\n',
      'resource "aws_lambda_function" "sync" {\n  function_name = "sync"\n  environment {\n    # expect\n    variables = {\n      bucket     = "reports"\n      # detail\n      secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n    }\n  }\n}\n',
    ],
    negative: ['provider "aws" {\n  region  = "eu-west-1"\n  profile = "deploy"\n}\n', 'provider "aws" {\n  access_key = var.access_key\n  secret_key = var.secret_key\n}\n', 'resource "aws_instance" "web" {\n  user_data = <<EOF\nexport AWS_SECRET_ACCESS_KEY=your_secret_access_key_here\nEOF\n}\n',
      // A secret_key that is not shaped like an AWS secret access key (an application's signing key, a reference).
      'resource "aws_lambda_function" "app" {\n  function_name = "app"\n  environment {\n    variables = {\n      secret_key = "change-me"\n      SECRET_KEY = aws_secretsmanager_secret_version.app.secret_string\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const provider of input.providers) {
      if (provider.labels[0] !== 'aws') continue;
      for (const name of ['access_key', 'secret_key', 'token']) {
        const a = attribute(provider, name);
        // Variables are not resolved here: a default in variables.tf is a separate problem.
        const value = a ? evaluate(a.expr, EMPTY_SCOPE) : undefined;
        if (a && typeof value === 'string' && value.length >= 16 && !PLACEHOLDER.test(value))
          yield { line: a.line, message: `The aws provider has a literal ${name}.`, secret: value };
      }
    }
    for (const resource of [...input.resources, ...input.data]) {
      for (const a of allAttributes(resource.block)) {
        for (const s of stringsIn(a.expr)) {
          const key = ACCESS_KEY_ID.exec(s.text);
          if (key && !key[0].endsWith('EXAMPLE')) {
            const at = inside(a.line, lineWithin(s.text, key.index, s.line, isHeredoc(s.expr)));
            yield { ...at, message: `${label(resource)} ${a.name} contains an AWS access key id${detailNote(at)}.`, resource: label(resource), secret: key[0] };
          }
          const secret = SECRET_IN_SCRIPT.exec(s.text) ?? secretInEntry(s.text, s.entry);
          if (secret && !PLACEHOLDER.test(secret[1]!)) {
            const at = inside(a.line, lineWithin(s.text, secret.index, s.line, isHeredoc(s.expr)));
            yield { ...at, message: `${label(resource)} ${a.name} contains an AWS secret access key${detailNote(at)}.`, resource: label(resource), secret: secret[1]! };
          }
        }
      }
    }
  },
});

function isHeredoc(expr: Expr): boolean {
  return expr.kind === 'template' && expr.heredoc;
}

function* allAttributes(block: Block): Generator<Attribute> {
  yield* block.body.attributes;
  for (const child of block.body.blocks) yield* allAttributes(child);
}

const staticCredentials: TfRule = tfRule({
  id: 'iac/tf-aws-ec2-static-credentials',
  title: 'Instance configured with static AWS keys',
  description: 'user_data or a provisioner writes AWS access keys onto the instance (environment variables, ~/.aws/credentials). Long-lived keys on a server leak through backups, images, the metadata service and any file-read bug, and they do not rotate; an instance profile gives the same access with short-lived, automatically rotated credentials.',
  remediation: 'Attach an IAM role through an instance profile (iam_instance_profile) and remove the keys from user_data and provisioners; revoke keys that were ever written there.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      'resource "aws_instance" "web" {\n  ami       = "ami-0123456789abcdef0"\n  # expect\n  user_data = <<EOF\n#!/bin/bash\n# detail\nexport AWS_ACCESS_KEY_ID=$${KEY}\nEOF\n}\n',
      'resource "aws_instance" "web" {\n  ami = "ami-0123456789abcdef0"\n  provisioner "file" {\n    source      = "conf/aws-credentials"\n    # expect\n    destination = "~/.aws/credentials"\n  }\n}\n',
      'resource "aws_launch_template" "web" {\n  image_id  = "ami-0123456789abcdef0"\n  # expect\n  user_data = "IyEvYmluL3NoCm1rZGlyIC1wIH4vLmF3cwplY2hvICJhd3NfYWNjZXNzX2tleV9pZCA9ICRLRVkiID4+IH4vLmF3cy9jcmVkZW50aWFscwo="\n}\n',
    ],
    negative: [
      'resource "aws_instance" "web" {\n  ami                  = "ami-0123456789abcdef0"\n  iam_instance_profile = aws_iam_instance_profile.web.name\n  user_data            = file("init.sh")\n}\n',
      'resource "aws_instance" "web" {\n  ami              = "ami-0123456789abcdef0"\n  user_data_base64 = "IyEvYmluL3NoCnl1bSAteSB1cGRhdGUK"\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_instance', 'aws_launch_template', 'aws_launch_configuration', 'aws_spot_instance_request')) {
      const attributes = [attribute(resource.block, 'user_data'), attribute(resource.block, 'user_data_base64')].filter((a) => a !== undefined);
      for (const provisioner of blocksOf(resource.block, 'provisioner')) attributes.push(...allAttributes(provisioner));
      for (const a of attributes) {
        let found = false;
        for (const s of stringsIn(a.expr)) {
          const match = STATIC_AWS_KEY_USE.exec(s.text);
          if (!match) continue;
          found = true;
          const at = inside(a.line, lineWithin(s.text, match.index, s.line, isHeredoc(s.expr)));
          yield { ...at, message: `${label(resource)} puts static AWS credentials on the instance (${a.name}${at.detailLine ? `, line ${at.detailLine}` : ''}).`, resource: label(resource) };
          break;
        }
        if (found) continue;
        const value = evaluate(a.expr, input.scope);
        // A launch template's user_data is base64 too.
        const encoded = a.name === 'user_data_base64' || (resource.type === 'aws_launch_template' && a.name === 'user_data');
        const text = typeof value === 'string' && encoded ? base64Text(value) : value;
        if (typeof text === 'string' && STATIC_AWS_KEY_USE.test(text))
          yield { line: a.line, message: `${label(resource)} puts static AWS credentials on the instance (${a.name}).`, resource: label(resource) };
      }
    }
  },
});

const lambdaDeprecatedRuntime: TfRule = tfRule({
  id: 'iac/tf-aws-lambda-deprecated-runtime',
  title: 'Lambda function on a deprecated runtime',
  description:
    'The function\'s runtime is one AWS has deprecated under its Lambda runtime deprecation policy (nodejs16.x, python3.8, go1.x, java8 on Amazon Linux 1, ...): its language version or operating system reached end of support, and Lambda no longer applies security patches to it, so vulnerabilities found in the interpreter, its standard library or the OS stay in every invocation. Functions on it keep running but lose technical support, and AWS later blocks updates to them, which turns an urgent fix into a migration. The runtimes and their deprecation dates are a fixed table in secloop (only runtimes already deprecated), not read from the clock. The runtime input of the terraform-aws-modules/lambda module is read too; container image functions (package_type = "Image") have no runtime.',
  remediation: 'Move the function to a supported runtime of the same language (nodejs22.x, python3.13, java21, provided.al2023 for Go and custom runtimes ...), test it, and deploy it.',
  severity: 'medium',
  cwe: ['CWE-1104'],
  examples: {
    positive: [
      'resource "aws_lambda_function" "resize" {\n  function_name = "resize"\n  handler       = "index.handler"\n  # expect\n  runtime       = "nodejs16.x"\n  filename      = "resize.zip"\n  role          = aws_iam_role.resize.arn\n}\n',
      'module "worker" {\n  source        = "terraform-aws-modules/lambda/aws"\n  version       = "~> 7.0"\n  function_name = "worker"\n  handler       = "app.handler"\n  # expect\n  runtime       = "python3.8"\n  source_path   = "src"\n}\n',
      // provided.al2, the OS-only runtime on Amazon Linux 2, went with that Linux (AWS deprecated it on 2026-07-31).
      'resource "aws_lambda_function" "scaler" {\n  function_name = "scaler"\n  handler       = "bootstrap"\n  # expect\n  runtime       = "provided.al2"\n  filename      = "scaler.zip"\n  role          = aws_iam_role.scaler.arn\n}\n',
      'variable "runtime" {\n  default = "go1.x"\n}\nresource "aws_lambda_function" "worker" {\n  function_name = "worker"\n  handler       = "bootstrap"\n  # expect\n  runtime       = var.runtime\n  filename      = "worker.zip"\n  role          = aws_iam_role.worker.arn\n}\n',
    ],
    negative: [
      'resource "aws_lambda_function" "resize" {\n  function_name = "resize"\n  handler       = "index.handler"\n  runtime       = "nodejs22.x"\n  filename      = "resize.zip"\n  role          = aws_iam_role.resize.arn\n}\n',
      // java8.al2 is Java 8 on Amazon Linux 2, another runtime than the deprecated java8, and AWS moved its deprecation to 2027-06-30.
      'resource "aws_lambda_function" "report" {\n  function_name = "report"\n  handler       = "example.Handler"\n  runtime       = "java8.al2"\n  filename      = "report.zip"\n  role          = aws_iam_role.report.arn\n}\n',
      'resource "aws_lambda_function" "image" {\n  function_name = "image"\n  package_type  = "Image"\n  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"\n  role          = aws_iam_role.image.arn\n}\n',
      'resource "aws_lambda_function" "worker" {\n  function_name = "worker"\n  runtime       = var.runtime\n  filename      = "worker.zip"\n  role          = aws_iam_role.worker.arn\n}\n',
      'module "worker" {\n  source        = "terraform-aws-modules/lambda/aws"\n  version       = "~> 7.0"\n  function_name = "worker"\n  handler       = "app.handler"\n  runtime       = "python3.13"\n  source_path   = "src"\n}\n',
    ],
  },
  *check(input) {
    for (const fn of resourcesOf(input, 'aws_lambda_function')) {
      // A container image function has no runtime: its image brings its own.
      if (valueOf(input, fn.block, 'package_type') === 'Image') continue;
      const runtime = attribute(fn.block, 'runtime');
      const value = valueOf(input, fn.block, 'runtime');
      if (!runtime || typeof value !== 'string') continue;
      const since = lambdaRuntimeDeprecated(value);
      if (since) yield { line: runtime.line, message: deprecatedRuntimeMessage(label(fn), value, since), resource: label(fn) };
    }
  },
});

export const serviceRules: readonly TfRule[] = [
  staticCredentials,
  cloudtrailDisabled,
  cloudtrailValidation,
  cloudtrailNotEncrypted,
  cloudtrailSingleRegion,
  vpcFlowLogs,
  guardDuty,
  imdsv1,
  kmsRotation,
  ecrMutable,
  ecrScan,
  albInvalidHeaders,
  httpListener,
  outdatedTls,
  cloudfrontHttp,
  cloudfrontOriginHttp,
  mskPlaintext,
  hardcodedCredentials,
  lambdaDeprecatedRuntime,
];

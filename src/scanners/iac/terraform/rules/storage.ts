import { DEFAULT_BLOCK_NOTE, NO_VERSIONING_NOTE, SCRATCH_BUCKET_DAYS } from '../../aws-s3-defaults.js';
import { UNKNOWN, type Value } from '../hcl/evaluate.js';
import { attribute, blocksOf, isFalseValue, isTrueValue, label, lineOfPath, mentioned, referrers, resourcesOf, moduleResourcesOf, usedByCallers, valueAt, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { given, known, sections, tfRule, type TfRule } from './common.js';
import { joinsGlobalDatastore } from './encryption.js';
import { blocksMade, fileInstance, sectionsIn, settingAt, type Section } from './instances.js';

const PUBLIC_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read', 'website']);
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(?:AllUsers|AuthenticatedUsers)/;

const s3PublicAcl: TfRule = tfRule({
  id: 'iac/tf-aws-s3-public-acl',
  title: 'S3 bucket ACL grants public access',
  description: 'The bucket ACL is public-read, public-read-write or authenticated-read (any AWS account), or grants to the AllUsers/AuthenticatedUsers groups. Anyone can list or download the objects, and with write access, plant content.',
  remediation: 'Use acl = "private" (or object ownership BucketOwnerEnforced, which disables ACLs), enable the S3 public access block, and share through CloudFront with origin access control or presigned URLs.',
  severity: 'high',
  cwe: ['CWE-732'],
  examples: {
    positive: ['resource "aws_s3_bucket" "b" {\n  bucket = "reports"\n  # expect\n  acl    = "public-read"\n}\n', 'resource "aws_s3_bucket_acl" "b" {\n  bucket = aws_s3_bucket.b.id\n  # expect\n  acl    = "authenticated-read"\n}\n',
      'module "reports" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "4.1.0"\n  bucket  = "reports"\n  # expect\n  acl     = "public-read"\n}\n',
      'resource "aws_s3_bucket_acl" "b" {\n  bucket = aws_s3_bucket.b.id\n  access_control_policy {\n    grant {\n      grantee {\n        type = "Group"\n        # expect\n        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"\n      }\n      permission = "READ"\n    }\n    owner {\n      id = "owner"\n    }\n  }\n}\n',
    ],
    negative: ['resource "aws_s3_bucket" "b" {\n  bucket = "reports"\n  acl    = "private"\n}\n', 'module "reports" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "4.1.0"\n  acl     = "private"\n}\n'],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_s3_bucket', 'aws_s3_bucket_acl')) {
      const acl = attribute(resource.block, 'acl');
      const value = valueOf(input, resource.block, 'acl');
      if (acl && typeof value === 'string' && PUBLIC_ACLS.has(value)) yield { line: acl.line, message: `${label(resource)} uses the ${value} ACL.`, resource: label(resource) };
      const grants = [...blocksOf(resource.block, 'grant'), ...blocksOf(resource.block, 'access_control_policy').flatMap((p) => blocksOf(p, 'grant'))];
      for (const grant of grants) {
        const uri = valueOf(input, grant, 'uri') ?? valueAt(input, grant, ['grantee', 'uri']);
        // The grantee's uri is the value that makes the grant public.
        const at = attribute(grant, 'uri')?.line ?? lineOfPath(grant, ['grantee', 'uri']);
        if (typeof uri === 'string' && PUBLIC_GRANTEES.test(uri)) yield { line: at, message: `${label(resource)} grants access to ${uri.split('/').pop()}.`, resource: label(resource) };
      }
    }
  },
});

const BLOCK_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

const s3PublicAccessBlock: TfRule = tfRule({
  id: 'iac/tf-aws-s3-public-access-block',
  title: 'S3 public access block missing or disabled',
  description: "The bucket's aws_s3_bucket_public_access_block (or the account's) leaves one of its four settings off, or the bucket has none. Then a single public ACL or bucket policy, added later by anyone, makes the data public: the public access block is the guard rail against that mistake. A bucket without a block of its own is reported at low severity: S3 turns all four settings on for buckets created since April 2023, but not for older ones, and a configuration that manages a bucket made before then leaves it without the guard (cfn-s3-public-access-block judges a template's buckets alike).",
  remediation: 'Add aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true (or an account-level aws_s3_account_public_access_block).',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      '# expect\nresource "aws_s3_bucket" "b" {\n  bucket = "reports"\n}\n',
      'resource "aws_s3_bucket" "b" {\n  bucket = "reports"\n}\nresource "aws_s3_bucket_public_access_block" "b" {\n  bucket                  = aws_s3_bucket.b.id\n  block_public_acls       = true\n  # expect\n  block_public_policy     = false\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n',
      // Before 3.9.0 the module left these flags false unless told otherwise.
      '# expect\nmodule "reports" {\n  source            = "terraform-aws-modules/s3-bucket/aws"\n  version           = "3.7.0"\n  block_public_acls = true\n}\n',
      'module "reports" {\n  source              = "terraform-aws-modules/s3-bucket/aws"\n  version             = "~> 4.0"\n  # expect\n  block_public_policy = false\n}\n',
    ],
    negative: [
      'resource "aws_s3_bucket" "b" {\n  bucket = "reports"\n}\nresource "aws_s3_bucket_public_access_block" "b" {\n  bucket                  = aws_s3_bucket.b.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n',
      'resource "aws_s3_account_public_access_block" "all" {\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "reports"\n}\n',
      'module "reports" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.0"\n}\n',
      'module "reports" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 3.0"\n}\n',
    ],
  },
  *check(input) {
    const blocks = resourcesOf(input, 'aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block');
    for (const block of blocks) {
      const off = BLOCK_FLAGS.filter((flag) => isFalseValue(valueOf(input, block.block, flag)));
      const missing = BLOCK_FLAGS.filter((flag) => attribute(block.block, flag) === undefined);
      for (const flag of off) yield { line: attribute(block.block, flag)!.line, message: `${label(block)} sets ${flag} = false.`, resource: label(block) };
      if (missing.length > 0) yield { line: block.block.line, message: `${label(block)} leaves ${missing.join(', ')} unset (false).`, resource: label(block) };
    }
    if (moduleResourcesOf(input, 'aws_s3_account_public_access_block').length > 0) return;
    for (const bucket of resourcesOf(input, 'aws_s3_bucket')) {
      if (referrers(input, bucket, ['aws_s3_bucket_public_access_block'], 'bucket').length > 0) continue;
      // S3 turns the block on by itself only for buckets created since April 2023.
      yield { line: bucket.block.line, message: `${label(bucket)} has no public access block of its own: ${DEFAULT_BLOCK_NOTE}.`, resource: label(bucket), severity: 'low' };
    }
  },
});

const s3Logging: TfRule = tfRule({
  id: 'iac/tf-aws-s3-no-access-logging',
  title: 'S3 bucket access logging disabled',
  description:
    'The bucket has no server access logging, so reads and writes of its objects leave no record: after a leak nobody can tell what was taken, by whom, or when. A bucket that receives other buckets\' access logs (their target_bucket, in the module or, for a bucket of a local module, in every configuration that calls it, or a bucket given the log-delivery-write canned ACL, which exists to let S3 deliver access logs into it) is not reported: logging it would loop.',
  remediation: 'Enable aws_s3_bucket_logging (or the logging block) to a dedicated log bucket, or record data events with CloudTrail.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "aws_s3_bucket" "b" {\n  bucket = "reports"\n}\n',
      // A module's dynamic logging block left at logging = {}: it makes no block.
      '# expect\nmodule "data" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.0"\n  bucket  = "data"\n}\n',
      'variable "logging" {\n  default = {}\n}\n# expect\nresource "aws_s3_bucket" "this" {\n  bucket = "reports"\n  dynamic "logging" {\n    for_each = length(keys(var.logging)) == 0 ? [] : [var.logging]\n    content {\n      target_bucket = logging.value.target_bucket\n      target_prefix = lookup(logging.value, "target_prefix", null)\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "logging" {\n  default = { target_bucket = "logs", target_prefix = "reports/" }\n}\nresource "aws_s3_bucket" "this" {\n  bucket = "reports"\n  dynamic "logging" {\n    for_each = length(keys(var.logging)) == 0 ? [] : [var.logging]\n    content {\n      target_bucket = logging.value.target_bucket\n      target_prefix = lookup(logging.value, "target_prefix", null)\n    }\n  }\n}\n',
      'resource "aws_s3_bucket" "b" {\n  bucket = "reports"\n  logging {\n    target_bucket = "logs"\n  }\n}\n', 'resource "aws_s3_bucket" "b" {\n  bucket = "reports"\n}\nresource "aws_s3_bucket_logging" "b" {\n  bucket        = aws_s3_bucket.b.id\n  target_bucket = "logs"\n  target_prefix = "reports/"\n}\n',
      // The s3-bucket module's own pattern: one call's bucket receives the access logs of the other's.
      'module "log_bucket" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.0"\n  bucket  = "logs"\n}\nmodule "data" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.0"\n  bucket  = "data"\n  logging = {\n    target_bucket = module.log_bucket.s3_bucket_id\n    target_prefix = "data/"\n  }\n}\n',
      // Buckets given the log-delivery-write canned ACL: set up to receive access logs.
      'module "log_bucket" {\n  source                   = "terraform-aws-modules/s3-bucket/aws"\n  version                  = "~> 5.0"\n  bucket_prefix            = "logs-"\n  acl                      = "log-delivery-write"\n  control_object_ownership = true\n  object_ownership         = "ObjectWriter"\n}\n',
      'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\nresource "aws_s3_bucket_acl" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  acl    = "log-delivery-write"\n}\n',
    ],
  },
  *check(input) {
    const logTargets = moduleResourcesOf(input, 'aws_s3_bucket_logging', 'aws_s3_bucket')
      .map((r) => attribute(r.block, 'target_bucket')?.expr ?? blocksOf(r.block, 'logging').map((l) => attribute(l, 'target_bucket')?.expr).find(Boolean))
      .filter((expr) => expr !== undefined);
    const logBuckets = new Set(logTargets.flatMap((expr) => mentioned(input, expr)));
    for (const bucket of resourcesOf(input, 'aws_s3_bucket')) {
      // Only a logging block that may be made counts: terraform-aws-s3-bucket before 3.0 writes
      // `dynamic "logging" { for_each = length(keys(var.logging)) == 0 ? [] : [var.logging] ... }`.
      if (blocksMade(bucket.block, 'logging', fileInstance(input)).length > 0) continue;
      if (referrers(input, bucket, ['aws_s3_bucket_logging'], 'bucket').length > 0) continue;
      // A bucket that receives other buckets' logs is not itself logged to avoid loops: here, or
      // in the configuration that calls the module (`target_bucket = module.logs.s3_bucket_id`).
      if (logBuckets.has(written(bucket))) continue;
      if (usedByCallers(input, written(bucket).address, (use) => use.attribute === 'target_bucket')) continue;
      // The log-delivery-write canned ACL exists to let S3's log delivery group write access logs into the bucket.
      if (logDeliveryAcl(input, bucket)) continue;
      yield { line: bucket.block.line, message: `${label(bucket)} has no access logging.`, resource: label(bucket) };
    }
  },
});

/** Whether a bucket is given the log-delivery-write canned ACL (its acl of provider v3, or an aws_s3_bucket_acl): it is set up to receive access logs. */
function logDeliveryAcl(input: TfInput, bucket: TfResource): boolean {
  if (valueOf(input, bucket.block, 'acl') === 'log-delivery-write') return true;
  return referrers(input, bucket, ['aws_s3_bucket_acl'], 'bucket').some((acl) => valueOf(input, acl.block, 'acl') === 'log-delivery-write');
}

/**
 * Whether a versioning setting turns versioning on: `enabled` (the bucket's versioning block of
 * provider v3, or what the s3-bucket module writes), or `status` (aws_s3_bucket_versioning:
 * Enabled, Suspended or Disabled; the module also takes true/false). UNKNOWN when it cannot be read.
 */
function versioningOn(enabled: Value | undefined, status: Value | undefined, moduleMade: boolean): boolean | typeof UNKNOWN {
  if (enabled !== undefined && enabled !== null) return known(enabled) ? isTrueValue(enabled) : UNKNOWN;
  if (status === undefined || status === null) return moduleMade ? UNKNOWN : false;
  if (!known(status)) return UNKNOWN;
  if (status === true || status === false) return status;
  return typeof status === 'string' ? /^(?:enabled|true)$/i.test(status) : UNKNOWN;
}

/** Buckets made with S3 Object Lock, which turns versioning on by itself and keeps it on. */
function objectLocked(input: TfInput, bucket: TfResource): boolean {
  if (isTrueValue(valueOf(input, bucket.block, 'object_lock_enabled'))) return true;
  const legacy = settingAt(bucket.block, ['object_lock_configuration', 'object_lock_enabled'], fileInstance(input)).value;
  return typeof legacy === 'string' && legacy.toLowerCase() === 'enabled';
}

/** Whether a lifecycle rule (of aws_s3_bucket_lifecycle_configuration, or the bucket's lifecycle_rule of provider v3) is on and covers every object. */
function wholeBucketRule(rule: Section): boolean {
  const status = rule.get('status');
  const on = typeof status === 'string' ? status === 'Enabled' : isTrueValue(rule.get('enabled'));
  if (!on) return false;
  // A prefix, tag or size filter leaves the other objects; an empty filter or prefix covers them all.
  const prefix = rule.get('prefix');
  if (prefix !== undefined && prefix !== null && prefix !== '') return false;
  if (rule.get('tags') !== undefined) return false;
  const filter = rule.block ? blocksOf(rule.block, 'filter')[0] : undefined;
  if (filter && (filter.body.attributes.some((a) => a.name !== 'prefix') || filter.body.blocks.length > 0)) return false;
  if (filter && rule.block) {
    const filterPrefix = sectionsIn(rule.block, 'filter', rule.instance)[0]?.get('prefix');
    if (filterPrefix !== undefined && filterPrefix !== null && filterPrefix !== '') return false;
  }
  const expiration = rule.block ? sectionsIn(rule.block, 'expiration', rule.instance)[0] : undefined;
  const days = expiration?.get('days');
  return typeof days === 'number' && days > 0 && days <= SCRATCH_BUCKET_DAYS;
}

/**
 * Buckets whose own lifecycle expires every object within SCRATCH_BUCKET_DAYS (Athena query results,
 * regenerated reports): their data is thrown away by design, so versioning would guard nothing.
 */
function scratchBucket(input: TfInput, bucket: TfResource): boolean {
  const file = fileInstance(input);
  const rules = [
    ...sectionsIn(bucket.block, 'lifecycle_rule', file, { made: true }),
    ...referrers(input, bucket, ['aws_s3_bucket_lifecycle_configuration'], 'bucket').flatMap((c) => sectionsIn(c.block, 'rule', file, { made: true })),
  ];
  return rules.some(wholeBucketRule);
}

const s3NoVersioning: TfRule = tfRule({
  id: 'iac/tf-aws-s3-no-versioning',
  title: 'S3 bucket versioning not enabled',
  description: `The bucket keeps only the latest copy of each object: versioning is not enabled (no aws_s3_bucket_versioning with status Enabled, nor the versioning block of provider v3), or it is suspended. Then ${NO_VERSIONING_NOTE}; with versioning, earlier versions stay restorable, and lifecycle rules can expire them. A bucket made with Object Lock is not reported (S3 turns versioning on for it), nor one whose own lifecycle rule expires every object within ${SCRATCH_BUCKET_DAYS} days (Athena query results, regenerated reports: scratch data thrown away by design). One low finding per bucket, as for the other S3 guard rails: versioning costs storage, and for scratch or easily rebuilt data it may be left off on purpose.`,
  remediation: 'Add aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" } (provider v3: versioning { enabled = true }; the s3-bucket module: versioning = { enabled = true }), with a lifecycle rule that expires noncurrent versions.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      '# expect\nresource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n}\n',
      'resource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n}\nresource "aws_s3_bucket_versioning" "reports" {\n  bucket = aws_s3_bucket.reports.id\n  versioning_configuration {\n    # expect\n    status = "Suspended"\n  }\n}\n',
      'resource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n  versioning {\n    # expect\n    enabled = false\n  }\n}\n',
      '# expect\nmodule "reports" {\n  source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.0"\n  bucket  = "reports"\n}\n',
      // Expiring only a prefix, or after months, leaves data worth keeping.
      '# expect\nresource "aws_s3_bucket" "data" {\n  bucket = "data"\n}\nresource "aws_s3_bucket_lifecycle_configuration" "data" {\n  bucket = aws_s3_bucket.data.id\n  rule {\n    id     = "tmp"\n    status = "Enabled"\n    filter {\n      prefix = "tmp/"\n    }\n    expiration {\n      days = 1\n    }\n  }\n}\n',
      '# expect\nresource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n  lifecycle_rule {\n    enabled = true\n    expiration {\n      days = 365\n    }\n  }\n}\n',
      'module "reports" {\n  source     = "terraform-aws-modules/s3-bucket/aws"\n  version    = "~> 4.0"\n  bucket     = "reports"\n  versioning = {\n    # expect\n    enabled = false\n  }\n}\n',
    ],
    negative: [
      'resource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n}\nresource "aws_s3_bucket_versioning" "reports" {\n  bucket = aws_s3_bucket.reports.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n',
      'resource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n  versioning {\n    enabled = true\n  }\n}\n',
      'resource "aws_s3_bucket" "records" {\n  bucket              = "records"\n  object_lock_enabled = true\n}\n',
      // Scratch data: every object expires within a day.
      'resource "aws_s3_bucket" "query_results" {\n  bucket_prefix = "query-results-"\n}\nresource "aws_s3_bucket_lifecycle_configuration" "query_results" {\n  bucket = aws_s3_bucket.query_results.id\n  rule {\n    id     = "expire"\n    status = "Enabled"\n    expiration {\n      days = 1\n    }\n  }\n}\n',
      'resource "aws_s3_bucket" "exports" {\n  bucket = "exports"\n  lifecycle_rule {\n    enabled = true\n    prefix  = ""\n    expiration {\n      days = 3\n    }\n  }\n}\n',
      'module "reports" {\n  source     = "terraform-aws-modules/s3-bucket/aws"\n  version    = "~> 4.0"\n  bucket     = "reports"\n  versioning = { enabled = true }\n}\n',
      'module "reports" {\n  source     = "terraform-aws-modules/s3-bucket/aws"\n  version    = "2.15.0"\n  bucket     = "reports"\n  versioning = { enabled = true }\n}\n',
      'variable "versioning_status" {}\nresource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n}\nresource "aws_s3_bucket_versioning" "reports" {\n  bucket = aws_s3_bucket.reports.id\n  versioning_configuration {\n    status = var.versioning_status\n  }\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const versioning of resourcesOf(input, 'aws_s3_bucket_versioning')) {
      // Read where it is made (a module's dynamic block, with the iterator bound).
      const config = sectionsIn(versioning.block, 'versioning_configuration', file, { made: true })[0];
      if (!config) continue;
      if (versioningOn(config.get('enabled'), config.get('status'), versioning.module !== undefined) !== false) continue;
      const at = config.block && attribute(config.block, 'enabled') ? config.lineOf('enabled') : config.block && attribute(config.block, 'status') ? config.lineOf('status') : config.line;
      yield { line: at, message: `${label(versioning)} does not enable versioning: ${NO_VERSIONING_NOTE}.`, resource: label(versioning) };
    }
    for (const bucket of resourcesOf(input, 'aws_s3_bucket')) {
      if (objectLocked(input, bucket) || scratchBucket(input, bucket)) continue;
      // A companion versioning resource is judged on its own above.
      if (referrers(input, bucket, ['aws_s3_bucket_versioning'], 'bucket').length > 0) continue;
      const inline = sectionsIn(bucket.block, 'versioning', file, { made: true })[0];
      if (inline) {
        if (versioningOn(inline.get('enabled') ?? false, undefined, false) !== false) continue;
        const at = inline.block && attribute(inline.block, 'enabled') ? inline.lineOf('enabled') : inline.line;
        yield { line: at, message: `${label(bucket)} does not enable versioning: ${NO_VERSIONING_NOTE}.`, resource: label(bucket) };
        continue;
      }
      yield { line: bucket.block.line, message: `${label(bucket)} has no versioning: ${NO_VERSIONING_NOTE}.`, resource: label(bucket) };
    }
  },
});

/**
 * Whether a resource's encryption flag is off: false, or missing (or null, which leaves the
 * provider's default, as a module's `encrypted = var.encrypted` does) where the default is
 * off. Unknown values count as on.
 */
function flagOff(input: TfInput, resource: TfResource, name: string, defaultsOn: (r: TfResource) => boolean = () => false): boolean {
  const a = attribute(resource.block, name);
  const value = valueOf(input, resource.block, name);
  if (a && !known(value)) return false;
  if (isTrueValue(value)) return false;
  return (a !== undefined && value !== null) || !defaultsOn(resource);
}

function* encryptedFlag(input: TfInput, types: string[], name: string, what: string, defaultsOn: (r: TfResource) => boolean = () => false) {
  for (const resource of resourcesOf(input, ...types)) {
    if (!flagOff(input, resource, name, defaultsOn)) continue;
    const a = attribute(resource.block, name);
    const set = !a ? `does not set ${name} = true` : valueOf(input, resource.block, name) === null ? `leaves ${name} unset (null)` : `sets ${name} = false`;
    yield { line: a ? a.line : resource.block.line, message: `${label(resource)} ${set}: ${what} is stored unencrypted.`, resource: label(resource) };
  }
}

/**
 * Snapshots taken in this file of a source that is not encrypted: a snapshot has the
 * encryption of its source and no setting of its own, so it is reported on its header.
 */
function* unencryptedSnapshots(input: TfInput, types: string[], field: string, sources: TfResource[], what: string) {
  const isSource = new Set(sources);
  for (const snapshot of resourcesOf(input, ...types)) {
    // Sources are in file order, as `mentioned` gives them: its first source is the first of them mentioned.
    const source = mentioned(input, attribute(snapshot.block, field)?.expr).find((s) => isSource.has(s));
    if (source) yield { line: snapshot.block.line, message: `${label(snapshot)} is a snapshot of ${label(source)}, ${what} that is not encrypted, so the snapshot is not encrypted either.`, resource: label(snapshot) };
  }
}

const ebsNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-ebs-not-encrypted',
  title: 'EBS volume not encrypted',
  description: 'An EBS volume, snapshot copy, or a block device of an instance, launch configuration or template is not encrypted, or aws_ebs_encryption_by_default turns the account\'s default encryption off (enabled = false). Snapshots and volumes shared or copied by mistake then expose their data, and encryption at rest requirements (PCI, HIPAA) are not met.',
  remediation: 'Set encrypted = true (with kms_key_id for a customer managed key), or enable aws_ebs_encryption_by_default for the account and region.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size              = 40\n  # expect\n  encrypted         = false\n}\n',
      '# expect\nresource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size              = 40\n}\n',
      'resource "aws_launch_configuration" "lc" {\n  image_id = "ami-0123456789abcdef0"\n  # expect\n  root_block_device {\n    volume_size = 20\n  }\n}\n',
      'resource "aws_instance" "db" {\n  ami       = "ami-0123456789abcdef0"\n  subnet_id = aws_subnet.private.id\n  dynamic "ebs_block_device" {\n    for_each = [{ name = "/dev/sdf", encrypted = true }, { name = "/dev/sdg", encrypted = false }]\n    content {\n      device_name = ebs_block_device.value.name\n      # expect\n      encrypted   = ebs_block_device.value.encrypted\n    }\n  }\n}\n',
      // sadcloud's ebs_default_encryption_disabled.
      'resource "aws_ebs_encryption_by_default" "off" {\n  # expect\n  enabled = false\n}\n',
      'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size              = 40\n  # expect\n  encrypted         = false\n}\n# expect\nresource "aws_ebs_snapshot" "nightly" {\n  volume_id = aws_ebs_volume.data.id\n}\n',
    ],
    negative: [
      'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size              = 40\n  encrypted         = true\n}\n',
      'resource "aws_ebs_encryption_by_default" "on" {\n  enabled = true\n}\nresource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size              = 40\n}\n',
      'resource "aws_instance" "web" {\n  ami = "ami-0123456789abcdef0"\n  root_block_device {\n    encrypted = true\n  }\n}\n',
      'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size              = 40\n  encrypted         = true\n}\nresource "aws_ebs_snapshot" "nightly" {\n  volume_id = aws_ebs_volume.data.id\n}\n',
    ],
  },
  *check(input) {
    const byDefault = moduleResourcesOf(input, 'aws_ebs_encryption_by_default').some((r) => !isFalseValue(valueOf(input, r.block, 'enabled')));
    // Turning the account's default off (enabled defaults to true): every volume made without encrypted = true in the region is then plain.
    for (const setting of resourcesOf(input, 'aws_ebs_encryption_by_default')) {
      const enabled = attribute(setting.block, 'enabled');
      if (enabled && isFalseValue(valueOf(input, setting.block, 'enabled'))) yield { line: enabled.line, message: `${label(setting)} turns EBS encryption by default off: volumes created in the region without encrypted = true are stored unencrypted.`, resource: label(setting) };
    }
    if (!byDefault) {
      yield* encryptedFlag(input, ['aws_ebs_volume'], 'encrypted', 'the volume');
      const plain = moduleResourcesOf(input, 'aws_ebs_volume').filter((v) => flagOff(input, v, 'encrypted'));
      yield* unencryptedSnapshots(input, ['aws_ebs_snapshot'], 'volume_id', plain, 'a volume');
    }
    for (const resource of resourcesOf(input, 'aws_ebs_snapshot_copy')) {
      const a = attribute(resource.block, 'encrypted');
      if (!isTrueValue(valueOf(input, resource.block, 'encrypted')) && !byDefault) yield { line: a ? a.line : resource.block.line, message: `${label(resource)} is not encrypted.`, resource: label(resource) };
    }
    // Devices are often dynamic blocks over a list of volumes, and instances made with for_each or
    // count (one by one from resourcesOf): each device is read (the elements share the device's lines).
    for (const resource of resourcesOf(input, 'aws_instance', 'aws_launch_configuration')) {
      for (const kind of ['root_block_device', 'ebs_block_device']) {
        for (const device of sections(input, resource.block, kind, fileInstance(input))) {
          const value = device.get('encrypted');
          if (isTrueValue(value) || (value !== undefined && !known(value))) continue;
          // Instances inherit account-level default encryption; launch configurations do too.
          if (value === undefined && (byDefault || (resource.type === 'aws_instance' && device.get('snapshot_id') !== undefined))) continue;
          yield { line: value === undefined ? device.line : device.lineOf('encrypted'), message: `${label(resource)} ${kind} is not encrypted.`, resource: label(resource) };
        }
      }
    }
    for (const resource of resourcesOf(input, 'aws_launch_template')) {
      const mappings = sections(input, resource.block, 'block_device_mappings', fileInstance(input));
      for (const mapping of mappings) {
        if (!mapping.block) continue;
        for (const ebs of sections(input, mapping.block, 'ebs', mapping.instance)) {
          const value = ebs.get('encrypted');
          if (isTrueValue(value) || (value !== undefined && !known(value)) || (value === undefined && byDefault)) continue;
          yield { line: value === undefined ? ebs.line : ebs.lineOf('encrypted'), message: `${label(resource)} block device is not encrypted.`, resource: label(resource) };
        }
      }
    }
  },
});

const databaseNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-database-not-encrypted',
  title: 'Database storage not encrypted',
  description: 'An RDS instance or cluster, Aurora, Neptune, DocumentDB, Redshift, DAX or ElastiCache store keeps its data, backups and snapshots unencrypted. Encryption at rest cannot be turned on later without a migration. A Redshift cluster is reported only when it sets encrypted = false: AWS encrypts every cluster created since January 2025 that leaves it unset. A secondary member of an ElastiCache global datastore (global_replication_group_id) has the encryption of the datastore\'s primary and is reported only when it sets at_rest_encryption_enabled = false.',
  remediation: 'Set storage_encrypted = true (encrypted = true for Redshift, at_rest_encryption_enabled = true for ElastiCache, server_side_encryption { enabled = true } for DAX), ideally with a customer managed kms_key_id.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'resource "aws_db_instance" "db" {\n  engine            = "mysql"\n  instance_class    = "db.t3.micro"\n  # expect\n  storage_encrypted = false\n}\n',
      '# expect\nresource "aws_rds_cluster" "aurora" {\n  engine = "aurora-postgresql"\n}\n',
      '# expect\nresource "aws_dax_cluster" "d" {\n  cluster_name = "d"\n}\n',
      // A dynamic server_side_encryption whose for_each is known empty makes no block: the cluster is not encrypted.
      'variable "encrypt" {\n  default = false\n}\n# expect\nresource "aws_dax_cluster" "d" {\n  cluster_name = "d"\n  dynamic "server_side_encryption" {\n    for_each = var.encrypt ? [1] : []\n    content {\n      enabled = true\n    }\n  }\n}\n',
      'resource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n  # expect\n  encrypted          = false\n}\n',
      '# expect\nresource "aws_rds_cluster" "main" {\n  engine = "aurora-mysql"\n}\n# expect\nresource "aws_db_cluster_snapshot" "before_upgrade" {\n  db_cluster_identifier          = aws_rds_cluster.main.id\n  db_cluster_snapshot_identifier = "before-upgrade"\n}\n',
    ],
    negative: [
      // Redshift encrypts new clusters by default; a secondary of a global datastore has its primary's encryption.
      'resource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n}\n',
      'resource "aws_elasticache_replication_group" "secondary" {\n  replication_group_id        = "sessions-eu"\n  description                 = "sessions, secondary region"\n  global_replication_group_id = aws_elasticache_global_replication_group.sessions.global_replication_group_id\n}\n',
      'resource "aws_db_instance" "db" {\n  engine            = "mysql"\n  storage_encrypted = true\n}\n', 'resource "aws_rds_cluster" "aurora" {\n  engine      = "aurora-mysql"\n  engine_mode = "serverless"\n}\n', 'resource "aws_db_instance" "replica" {\n  replicate_source_db = aws_db_instance.db.identifier\n}\n', 'resource "aws_db_instance" "db" {\n  engine            = "mysql"\n  storage_encrypted = true\n}\nresource "aws_db_snapshot" "s" {\n  db_instance_identifier = aws_db_instance.db.identifier\n  db_snapshot_identifier = "s"\n}\n',
      'variable "server_side_encryption" {\n  default = { enabled = true }\n}\nresource "aws_dax_cluster" "d" {\n  cluster_name = "d"\n  dynamic "server_side_encryption" {\n    for_each = var.server_side_encryption != null ? [var.server_side_encryption] : []\n    content {\n      enabled = server_side_encryption.value.enabled\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    const instanceDefault = (r: TfResource) => given(input, r.block, 'replicate_source_db') || given(input, r.block, 'snapshot_identifier');
    // Aurora Serverless v1 clusters are always encrypted.
    const clusterDefault = (r: TfResource) => valueOf(input, r.block, 'engine_mode') === 'serverless' || given(input, r.block, 'snapshot_identifier') || given(input, r.block, 'replication_source_identifier');
    yield* encryptedFlag(input, ['aws_db_instance'], 'storage_encrypted', 'the database', instanceDefault);
    yield* encryptedFlag(input, ['aws_rds_cluster'], 'storage_encrypted', 'the cluster', clusterDefault);
    const plainInstances = moduleResourcesOf(input, 'aws_db_instance').filter((r) => flagOff(input, r, 'storage_encrypted', instanceDefault));
    const plainClusters = moduleResourcesOf(input, 'aws_rds_cluster').filter((r) => flagOff(input, r, 'storage_encrypted', clusterDefault));
    yield* unencryptedSnapshots(input, ['aws_db_snapshot'], 'db_instance_identifier', plainInstances, 'a database');
    yield* unencryptedSnapshots(input, ['aws_db_cluster_snapshot'], 'db_cluster_identifier', plainClusters, 'a cluster');
    yield* encryptedFlag(input, ['aws_neptune_cluster', 'aws_docdb_cluster'], 'storage_encrypted', 'the cluster');
    // Redshift encrypts every cluster created since January 2025 when encrypted is left unset (provider 6 defaults it to true): only false is reported.
    yield* encryptedFlag(input, ['aws_redshift_cluster'], 'encrypted', 'the data warehouse', () => true);
    yield* encryptedFlag(input, ['aws_elasticache_replication_group'], 'at_rest_encryption_enabled', 'the cache', (g) => joinsGlobalDatastore(input, g));
    for (const resource of resourcesOf(input, 'aws_dax_cluster')) {
      // Read where it is made: a dynamic server_side_encryption whose for_each is known empty makes no block (encryption stays off).
      const { value, line } = settingAt(resource.block, ['server_side_encryption', 'enabled'], fileInstance(input));
      if (isTrueValue(value) || (value !== undefined && !known(value))) continue;
      yield { line, message: `${label(resource)} does not enable server-side encryption.`, resource: label(resource) };
    }
  },
});

const efsNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-efs-not-encrypted',
  title: 'EFS file system not encrypted',
  description: 'The EFS file system is not encrypted at rest (encrypted defaults to false), and encryption cannot be enabled on an existing file system.',
  remediation: 'Set encrypted = true, with kms_key_id for a customer managed key.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: ['# expect\nresource "aws_efs_file_system" "fs" {\n  creation_token = "fs"\n}\n', 'resource "aws_efs_file_system" "fs" {\n  # expect\n  encrypted = false\n}\n'],
    negative: ['resource "aws_efs_file_system" "fs" {\n  encrypted  = true\n  kms_key_id = aws_kms_key.fs.arn\n}\n'],
  },
  check: (input) => encryptedFlag(input, ['aws_efs_file_system'], 'encrypted', 'the file system'),
});

const searchNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-search-not-encrypted',
  title: 'OpenSearch/Elasticsearch domain not encrypted at rest',
  description: 'An OpenSearch or Elasticsearch domain is created without encryption at rest (encrypt_at_rest { enabled = false }, or no encrypt_at_rest block, which leaves it off): its indices, logs and automated snapshots are stored unencrypted, and encryption cannot be added to an existing domain of older engine versions.',
  remediation: 'Add encrypt_at_rest { enabled = true } (with kms_key_id for a customer managed key) and node_to_node_encryption { enabled = true }.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      // A dynamic block over a module input, read with its iterator bound to the element its for_each makes.
      'variable "encrypt_at_rest" {\n  default = { enabled = false }\n}\nresource "aws_opensearch_domain" "this" {\n  domain_name = "logs"\n  dynamic "encrypt_at_rest" {\n    for_each = length(var.encrypt_at_rest) > 0 ? [var.encrypt_at_rest] : []\n    content {\n      # expect\n      enabled = try(encrypt_at_rest.value.enabled, true)\n    }\n  }\n}\n',
      '# expect\nresource "aws_opensearch_domain" "logs" {\n  domain_name    = "logs"\n  engine_version = "OpenSearch_2.11"\n}\n',
      'resource "aws_elasticsearch_domain" "logs" {\n  domain_name           = "logs"\n  elasticsearch_version = "7.10"\n  encrypt_at_rest {\n    # expect\n    enabled = false\n  }\n}\n',
      // The same dynamic block given {}: it makes no block, and encryption at rest stays off whatever its content would set.
      'variable "encrypt_at_rest" {\n  default = {}\n}\n# expect\nresource "aws_opensearch_domain" "this" {\n  domain_name = "logs"\n  dynamic "encrypt_at_rest" {\n    for_each = length(var.encrypt_at_rest) > 0 ? [var.encrypt_at_rest] : []\n    content {\n      enabled = try(encrypt_at_rest.value.enabled, true)\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "encrypt_at_rest" {\n  default = { enabled = true }\n}\nresource "aws_opensearch_domain" "this" {\n  domain_name = "logs"\n  dynamic "encrypt_at_rest" {\n    for_each = length(var.encrypt_at_rest) > 0 ? [var.encrypt_at_rest] : []\n    content {\n      enabled = try(encrypt_at_rest.value.enabled, true)\n    }\n  }\n}\n',
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  encrypt_at_rest {\n    enabled    = true\n    kms_key_id = aws_kms_key.logs.arn\n  }\n}\n',
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  encrypt_at_rest {\n    enabled = var.encrypt\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const domain of resourcesOf(input, 'aws_elasticsearch_domain', 'aws_opensearch_domain')) {
      // Read where it is made: a dynamic encrypt_at_rest whose for_each is known empty (a module's encrypt_at_rest = {}) makes no block.
      const file = fileInstance(input);
      const { value, line } = settingAt(domain.block, ['encrypt_at_rest', 'enabled'], file);
      if (isTrueValue(value) || (value !== undefined && value !== null && !isFalseValue(value))) continue;
      const block = blocksMade(domain.block, 'encrypt_at_rest', file)[0];
      yield { line, message: `${label(domain)} stores its indices unencrypted${block ? '' : ' (no encrypt_at_rest block)'}: set encrypt_at_rest { enabled = true }.`, resource: label(domain) };
    }
  },
});

const messagingNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-messaging-not-encrypted',
  title: 'Queue, topic or stream not encrypted',
  description: 'An SNS topic, SQS queue, Kinesis stream or Firehose delivery stream stores messages without server-side encryption (for SQS: with it explicitly turned off, since SSE-SQS is the default; for Firehose: Direct PUT streams only, as a stream fed by Kinesis Data Streams keeps that stream\'s encryption and one fed by MSK cannot take it). A Kinesis or Firehose stream that asks for a KMS or customer managed key without naming the key counts too: the provider creates the stream, then cannot start encryption. Messages often carry personal data or tokens, kept for days.',
  remediation: 'SNS: set kms_master_key_id. SQS: keep sqs_managed_sse_enabled = true or set kms_master_key_id. Kinesis: set encryption_type = "KMS" and kms_key_id. Firehose: server_side_encryption { enabled = true }, with key_arn when key_type = "CUSTOMER_MANAGED_CMK".',
  severity: 'low',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      '# expect\nresource "aws_sns_topic" "t" {\n  name = "events"\n}\n',
      'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n  # expect\n  sqs_managed_sse_enabled = false\n}\n',
      '# expect\nresource "aws_kinesis_stream" "s" {\n  name        = "clicks"\n  shard_count = 1\n}\n',
      '# expect\nresource "aws_kinesis_stream" "s" {\n  name            = "clicks"\n  shard_count     = 1\n  encryption_type = "KMS"\n}\n',
      'resource "aws_kinesis_firehose_delivery_stream" "f" {\n  name        = "audit"\n  destination = "extended_s3"\n  # expect\n  server_side_encryption {\n    enabled  = true\n    key_type = "CUSTOMER_MANAGED_CMK"\n  }\n}\n',
      // A Direct PUT stream of a module: its dynamic kinesis_source_configuration and server_side_encryption make nothing.
      'variable "kinesis_source_configuration" {\n  default = null\n}\nvariable "enable_sse" {\n  default = false\n}\n# expect\nresource "aws_kinesis_firehose_delivery_stream" "this" {\n  name        = "audit"\n  destination = "extended_s3"\n  dynamic "kinesis_source_configuration" {\n    for_each = var.kinesis_source_configuration != null ? [var.kinesis_source_configuration] : []\n    content {\n      kinesis_stream_arn = kinesis_source_configuration.value.kinesis_stream_arn\n      role_arn           = kinesis_source_configuration.value.role_arn\n    }\n  }\n  dynamic "server_side_encryption" {\n    for_each = var.enable_sse ? [1] : []\n    content {\n      enabled  = var.enable_sse\n      key_type = "AWS_OWNED_CMK"\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_sns_topic" "t" {\n  name              = "events"\n  kms_master_key_id = "alias/aws/sns"\n}\n',
      'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n',
      'resource "aws_kinesis_stream" "s" {\n  name            = "clicks"\n  encryption_type = "KMS"\n  kms_key_id      = "alias/aws/kinesis"\n}\n',
      'resource "aws_kinesis_firehose_delivery_stream" "f" {\n  name        = "audit"\n  destination = "extended_s3"\n  server_side_encryption {\n    enabled  = true\n    key_type = "CUSTOMER_MANAGED_CMK"\n    key_arn  = aws_kms_key.audit.arn\n  }\n}\n',
      'variable "kinesis_source_configuration" {\n  default = { kinesis_stream_arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks", role_arn = "arn:aws:iam::123456789012:role/firehose" }\n}\nresource "aws_kinesis_firehose_delivery_stream" "this" {\n  name        = "audit"\n  destination = "extended_s3"\n  dynamic "kinesis_source_configuration" {\n    for_each = var.kinesis_source_configuration != null ? [var.kinesis_source_configuration] : []\n    content {\n      kinesis_stream_arn = kinesis_source_configuration.value.kinesis_stream_arn\n      role_arn           = kinesis_source_configuration.value.role_arn\n    }\n  }\n}\n',
      // Server-side encryption is for Direct PUT streams only: a stream fed by an MSK cluster cannot take it.
      'resource "aws_kinesis_firehose_delivery_stream" "events" {\n  name        = "events"\n  destination = "extended_s3"\n  msk_source_configuration {\n    msk_cluster_arn = aws_msk_cluster.events.arn\n    topic_name      = "events"\n    authentication_configuration {\n      connectivity = "PRIVATE"\n      role_arn     = aws_iam_role.firehose.arn\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const resource of resourcesOf(input, 'aws_sns_topic')) {
      const key = attribute(resource.block, 'kms_master_key_id');
      const value = valueOf(input, resource.block, 'kms_master_key_id');
      if (!key || value === '' || value === null) yield { line: key?.line ?? resource.block.line, message: `${label(resource)} has no KMS key: messages are stored unencrypted.`, resource: label(resource) };
    }
    for (const resource of resourcesOf(input, 'aws_sqs_queue')) {
      const sse = attribute(resource.block, 'sqs_managed_sse_enabled');
      const kms = attribute(resource.block, 'kms_master_key_id');
      const kmsValue = valueOf(input, resource.block, 'kms_master_key_id');
      if (sse && isFalseValue(valueOf(input, resource.block, 'sqs_managed_sse_enabled')) && (!kms || kmsValue === '' || kmsValue === null))
        yield { line: sse.line, message: `${label(resource)} turns server-side encryption off.`, resource: label(resource) };
    }
    for (const resource of resourcesOf(input, 'aws_kinesis_firehose_delivery_stream')) {
      // Firehose takes server-side encryption on Direct PUT streams only: a stream fed by Kinesis Data Streams keeps that
      // stream's encryption, and one fed by an MSK cluster cannot have it.
      // Only sources and settings that may be made count: modules write `dynamic "kinesis_source_configuration" { for_each =
      // var.kinesis_source_configuration != null ? [...] : [] ... }` and server_side_encryption the same way.
      const file = fileInstance(input);
      if (blocksMade(resource.block, 'kinesis_source_configuration', file).length > 0 || blocksMade(resource.block, 'msk_source_configuration', file).length > 0) continue;
      const { value, line } = settingAt(resource.block, ['server_side_encryption', 'enabled'], file);
      if (value !== undefined && !known(value)) continue;
      if (!isTrueValue(value)) {
        yield { line, message: `${label(resource)} does not enable server-side encryption.`, resource: label(resource) };
        continue;
      }
      // A customer managed key type without the key: the provider creates the stream, then fails to start encryption, leaving it unencrypted.
      const sse = sectionsIn(resource.block, 'server_side_encryption', file, { made: true }).find((s) => s.block)!;
      const keyType = sse.get('key_type');
      const keyArn = attribute(sse.block!, 'key_arn');
      const keyArnValue = sse.get('key_arn');
      if (typeof keyType === 'string' && keyType.toUpperCase() === 'CUSTOMER_MANAGED_CMK' && (!keyArn || keyArnValue === '' || keyArnValue === null))
        yield { line: sse.line, message: `${label(resource)} sets key_type = "CUSTOMER_MANAGED_CMK" without key_arn: the stream is created but encryption cannot start, so records stay unencrypted.`, resource: label(resource) };
    }
    for (const resource of resourcesOf(input, 'aws_kinesis_stream')) {
      const type = attribute(resource.block, 'encryption_type');
      const value = valueOf(input, resource.block, 'encryption_type');
      if (!type || (typeof value === 'string' && value.toUpperCase() !== 'KMS')) {
        yield { line: type?.line ?? resource.block.line, message: `${label(resource)} does not encrypt records (encryption_type is not KMS).`, resource: label(resource) };
        continue;
      }
      // KMS without a key: the provider creates the stream, then fails to start encryption, leaving it unencrypted.
      const key = attribute(resource.block, 'kms_key_id');
      const keyValue = valueOf(input, resource.block, 'kms_key_id');
      if (typeof value === 'string' && (!key || keyValue === '' || keyValue === null))
        yield { line: resource.block.line, message: `${label(resource)} sets encryption_type = "KMS" without kms_key_id: the stream is created but encryption cannot start, so records stay unencrypted.`, resource: label(resource) };
    }
  },
});

export const storageRules: readonly TfRule[] = [s3PublicAcl, s3PublicAccessBlock, s3Logging, s3NoVersioning, ebsNotEncrypted, databaseNotEncrypted, efsNotEncrypted, searchNotEncrypted, messagingNotEncrypted];

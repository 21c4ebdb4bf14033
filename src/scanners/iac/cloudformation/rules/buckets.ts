import { NO_VERSIONING_NOTE, SCRATCH_BUCKET_DAYS } from '../../aws-s3-defaults.js';
import { cfnRule, entries, field, label, missingLine, prop, referencedIds, resourcesOf, type CfnRule } from '../model.js';
import { bool, text, value } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';

/** The strings of a list property that can be read (unknown entries left out). */
function known(t: CfnTemplate, node: Parameters<typeof entries>[1]): string[] {
  return entries(t, node)
    .map((item) => text(t, item))
    .filter((v): v is string => v !== undefined);
}

const s3Logging: CfnRule = cfnRule({
  id: 'iac/cfn-s3-no-access-logging',
  title: 'S3 bucket access logging disabled',
  description: 'The bucket has no LoggingConfiguration, so reads and writes of its objects leave no server access log: after a leak nobody can tell what was taken, by whom, or when. A bucket that receives other buckets\' logs (named as their DestinationBucketName, or with the LogDeliveryWrite ACL) is not reported, as logging it to itself would loop.',
  remediation: 'Add LoggingConfiguration with DestinationBucketName (a dedicated log bucket) and a LogFilePrefix, or record S3 data events with CloudTrail.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: ['Resources:\n  # expect\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: reports\n'],
    negative: [
      'Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      LoggingConfiguration:\n        DestinationBucketName: !Ref Logs\n        LogFilePrefix: reports/\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      OwnershipControls:\n        Rules: [{ ObjectOwnership: BucketOwnerPreferred }]\n',
      'Resources:\n  Legacy:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: LogDeliveryWrite\n',
    ],
  },
  *check(t) {
    const buckets = resourcesOf(t, 'AWS::S3::Bucket');
    const logTargets = new Set(buckets.flatMap((b) => referencedIds(t, prop(t, b, 'LoggingConfiguration', 'DestinationBucketName')?.value)));
    for (const r of buckets) {
      const logging = prop(t, r, 'LoggingConfiguration');
      if (logging && logging.value !== null) continue;
      if (logTargets.has(r.id) || text(t, prop(t, r, 'AccessControl')?.value) === 'LogDeliveryWrite') continue;
      yield { line: logging ? logging.keyLine : r.line, message: `${label(r)} has no access logging: add LoggingConfiguration.`, resource: label(r) };
    }
  },
});

const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE']);
const anyOrigin = (origin: string) => /^(?:https?:\/\/)?\*$/.test(origin.trim());

const s3CorsAnyOriginWrite: CfnRule = cfnRule({
  id: 'iac/cfn-s3-cors-any-origin-write',
  title: 'S3 CORS rule lets any website write',
  description:
    "A CORS rule of an S3 bucket allows PUT, POST or DELETE from any origin (\"*\"). Scripts on any website can then send those requests from a visitor's browser and read the answers: uploads and deletions are no longer tied to your own web application, and a bucket that trusts a network (aws:SourceIp, a VPC endpoint) can be written through the browsers of people inside it. Allowing GET from any origin, for public assets, is not reported.",
  remediation: 'List the origins of your own web applications in AllowedOrigins (https://app.example.org) for rules that allow PUT, POST or DELETE; keep "*" for read-only rules on public content.',
  severity: 'low',
  cwe: ['CWE-942'],
  examples: {
    positive: [
      'Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedMethods: [GET, PUT, POST]\n            # expect\n            AllowedOrigins: ["*"]\n',
      'Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedHeaders: ["*"]\n            AllowedMethods: [DELETE]\n            # expect\n            AllowedOrigins:\n              - https://app.example.org\n              - "*"\n',
    ],
    negative: [
      'Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedHeaders: ["*"]\n            AllowedMethods: [PUT, POST]\n            AllowedOrigins: [https://app.example.org]\n',
      'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedMethods: [GET, HEAD]\n            AllowedOrigins: ["*"]\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::S3::Bucket')) {
      for (const rule of entries(t, prop(t, r, 'CorsConfiguration', 'CorsRules')?.value)) {
        const origins = field(t, rule, 'AllowedOrigins');
        if (!origins || !known(t, origins.value).some(anyOrigin)) continue;
        const writes = known(t, field(t, rule, 'AllowedMethods')?.value)
          .map((m) => m.toUpperCase())
          .filter((m) => WRITE_METHODS.has(m));
        if (writes.length > 0) yield { line: origins.keyLine, message: `${label(r)} has a CORS rule that allows ${writes.join(', ')} from any origin.`, resource: label(r) };
      }
    }
  },
});

/**
 * Whether the bucket's own lifecycle expires every object within SCRATCH_BUCKET_DAYS: an
 * enabled rule with ExpirationInDays and no prefix, tag or size filter (scratch data).
 */
function scratchBucket(t: CfnTemplate, r: CfnResource): boolean {
  return entries(t, prop(t, r, 'LifecycleConfiguration', 'Rules')?.value).some((rule) => {
    if (text(t, field(t, rule, 'Status')?.value) !== 'Enabled') return false;
    const prefix = field(t, rule, 'Prefix');
    if (prefix && text(t, prefix.value) !== '') return false;
    if (['TagFilters', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'].some((key) => field(t, rule, key))) return false;
    const days = value(t, field(t, rule, 'ExpirationInDays')?.value);
    const n = typeof days === 'string' ? Number(days) : days;
    return typeof n === 'number' && n > 0 && n <= SCRATCH_BUCKET_DAYS;
  });
}

const s3NoVersioning: CfnRule = cfnRule({
  id: 'iac/cfn-s3-no-versioning',
  title: 'S3 bucket versioning not enabled',
  description: `The bucket keeps only the latest copy of each object: VersioningConfiguration is missing (S3 leaves versioning off) or its Status is Suspended. Then ${NO_VERSIONING_NOTE}; with versioning, earlier versions stay restorable, and lifecycle rules can expire them. A bucket made with Object Lock (ObjectLockEnabled: true) is not reported: S3 turns versioning on for it; nor is one whose own lifecycle rule expires every object within ${SCRATCH_BUCKET_DAYS} days (an enabled rule with ExpirationInDays and no Prefix, TagFilters or size filter: Athena query results, regenerated reports, scratch data thrown away by design). One low finding per bucket, as for the other S3 guard rails (tf-aws-s3-no-versioning judges Terraform's buckets alike): versioning costs storage, and for scratch or easily rebuilt data it may be left off on purpose.`,
  remediation: 'Add VersioningConfiguration: { Status: Enabled }, with a lifecycle rule (NoncurrentVersionExpiration) that expires old versions.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: reports\n',
      'Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        # expect\n        Status: Suspended\n',
      // A rule over one prefix, or one that keeps objects for months, leaves data worth versioning.
      'Resources:\n  # expect\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      LifecycleConfiguration:\n        Rules:\n          - Status: Enabled\n            Prefix: tmp/\n            ExpirationInDays: 1\n          - Status: Enabled\n            ExpirationInDays: 365\n',
    ],
    negative: [
      'Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: Enabled\n',
      'Resources:\n  Records:\n    Type: AWS::S3::Bucket\n    Properties:\n      ObjectLockEnabled: true\n',
      'Parameters:\n  Versioning:\n    Type: String\nResources:\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !Ref Versioning\n',
      'Resources:\n  QueryResults:\n    Type: AWS::S3::Bucket\n    Properties:\n      LifecycleConfiguration:\n        Rules:\n          - Id: expire\n            Status: Enabled\n            ExpirationInDays: 1\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::S3::Bucket')) {
      if (bool(t, prop(t, r, 'ObjectLockEnabled')?.value) === true || scratchBucket(t, r)) continue;
      const status = prop(t, r, 'VersioningConfiguration', 'Status');
      if (status) {
        const v = value(t, status.value);
        if (typeof v === 'string' && v !== 'Enabled') yield { line: status.keyLine, message: `${label(r)} has versioning ${v}: ${NO_VERSIONING_NOTE}.`, resource: label(r) };
        continue;
      }
      // A VersioningConfiguration that is there but cannot be read (an Fn::If of two configurations, an import) is left alone.
      const config = prop(t, r, 'VersioningConfiguration');
      if (config && config.value !== null) continue;
      yield { line: missingLine(t, r, 'VersioningConfiguration', 'Status'), message: `${label(r)} has no versioning: ${NO_VERSIONING_NOTE}.`, resource: label(r) };
    }
  },
});

/** Rules about S3 buckets beyond their ACLs and policies: access logs, versioning and cross-origin writes. */
export const bucketRules: readonly CfnRule[] = [s3Logging, s3NoVersioning, s3CorsAnyOriginWrite];

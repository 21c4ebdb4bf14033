import { DEFAULT_BLOCK_NOTE } from '../../aws-s3-defaults.js';
import type { YPair } from '../../yaml/tree.js';
import { cfnRule, entries, field, label, missingLine, prop, resourcesOf, type CfnRule } from '../model.js';
import { bool, text, UNKNOWN } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';

/**
 * A boolean setting that must be true: a finding on its key when it is false, on the
 * deepest existing block (or the logical id) when it is missing and `missing` says that
 * counts; unknown values never fire.
 */
export function* requireTrue(t: CfnTemplate, r: CfnResource, path: string[], message: string, missing = true): Generator<{ line: number; message: string; resource: string }> {
  const setting: YPair | undefined = prop(t, r, ...path);
  const v = bool(t, setting?.value);
  if (v === true || v === UNKNOWN) return;
  if (!setting && !missing) return;
  // A value that is present but not a boolean (a typo) is left alone.
  if (v === undefined && setting && setting.value !== null) return;
  yield { line: setting ? setting.keyLine : missingLine(t, r, ...path), message: `${label(r)} ${message}`, resource: label(r) };
}

const PUBLIC_ACLS = new Set(['PublicRead', 'PublicReadWrite', 'AuthenticatedRead']);

const s3PublicAcl: CfnRule = cfnRule({
  id: 'iac/cfn-s3-public-acl',
  title: 'S3 bucket has a public canned ACL',
  description: 'The bucket is created with the canned ACL PublicRead, PublicReadWrite or AuthenticatedRead: anyone on the internet (or anyone with any AWS account) can list and read its objects, and with PublicReadWrite also write and overwrite them.',
  remediation: 'Remove AccessControl (the default is Private), keep ObjectOwnership: BucketOwnerEnforced, and serve public content through CloudFront with origin access control.',
  severity: 'high',
  cwe: ['CWE-732'],
  examples: {
    positive: ['Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      # expect\n      AccessControl: PublicRead\n'],
    negative: ['Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: LogDeliveryWrite\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::S3::Bucket')) {
      const acl = prop(t, r, 'AccessControl');
      const v = text(t, acl?.value);
      if (v && PUBLIC_ACLS.has(v)) yield { line: acl!.keyLine, message: `${label(r)} has the public canned ACL ${v}.`, resource: label(r), ...(v === 'PublicReadWrite' ? { severity: 'critical' as const } : {}) };
    }
  },
});

const s3PublicAccessBlock: CfnRule = cfnRule({
  id: 'iac/cfn-s3-public-access-block',
  title: 'S3 bucket public access block turned off or missing',
  description: "The bucket's PublicAccessBlockConfiguration turns off one of BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy or RestrictPublicBuckets. These settings are the guard that stops a later ACL or bucket policy from making data public by mistake; S3 turns them all on for new buckets, so turning one off is a deliberate opening. A bucket without PublicAccessBlockConfiguration is reported at low severity: S3 turns the settings on only for buckets created since April 2023, and a stack made before then keeps its bucket without them (tf-aws-s3-public-access-block judges a module's buckets alike).",
  remediation: 'Set all four settings of PublicAccessBlockConfiguration to true, unless the bucket really serves public content (then prefer CloudFront with origin access control).',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        # expect\n        BlockPublicPolicy: false\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true\n',
      // Low: a bucket without the block has S3's default only if it was created since April 2023.
      'Resources:\n  # expect\n  Data:\n    Type: AWS::S3::Bucket\n',
    ],
    negative: ['Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        BlockPublicPolicy: true\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::S3::Bucket')) {
      for (const key of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
        const setting = prop(t, r, 'PublicAccessBlockConfiguration', key);
        if (bool(t, setting?.value) === false) yield { line: setting!.keyLine, message: `${label(r)} turns off ${key}.`, resource: label(r) };
      }
      if (!prop(t, r, 'PublicAccessBlockConfiguration'))
        yield { line: missingLine(t, r, 'PublicAccessBlockConfiguration'), message: `${label(r)} has no PublicAccessBlockConfiguration: ${DEFAULT_BLOCK_NOTE}.`, resource: label(r), severity: 'low' };
    }
  },
});

const databaseNotEncrypted: CfnRule = cfnRule({
  id: 'iac/cfn-database-not-encrypted',
  title: 'Database storage not encrypted',
  description: 'An RDS instance, Aurora, DocumentDB or Neptune cluster, a Redshift cluster or a DAX cluster is created without storage encryption (StorageEncrypted or SSESpecification SSEEnabled false or unset; the default is unencrypted). Its data files, automated backups, snapshots and read replicas are then unencrypted, and encryption cannot be turned on later without a snapshot copy and a restore. A Redshift cluster is reported only when it sets Encrypted: false: AWS encrypts every cluster created since January 2025 that leaves it unset.',
  remediation: 'Set StorageEncrypted: true (Encrypted: true for Redshift, SSESpecification: { SSEEnabled: true } for DAX), ideally with a customer managed KmsKeyId.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      DBInstanceClass: db.t3.micro\n',
      'Resources:\n  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      # expect\n      StorageEncrypted: false\n',
      '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "Docs": {\n      "Type": "AWS::DocDB::DBCluster",\n      "Properties": {"StorageEncrypted": "false"}\n    }\n  }\n}\n',
      // A cluster's DBClusterIdentifier is its own name, not membership of an encrypted cluster.
      'Resources:\n  # expect\n  Cache:\n    Type: AWS::DAX::Cluster\n    Properties:\n      IAMRoleARN: !GetAtt DaxRole.Arn\n      NodeType: dax.r5.large\n      ReplicationFactor: 3\n',
      'Resources:\n  # expect\n  Docs:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      DBClusterIdentifier: demo-docs\n  # expect\n  Orders:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      DBClusterIdentifier: demo-orders\n      Engine: aurora-postgresql\n',
      // A replica source that resolves to AWS::NoValue is no source: CloudFormation removes the property.
      'Resources:\n  Warehouse:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: ra3.xlplus\n      # expect\n      Encrypted: false\n',
      "Parameters:\n  SourceDb:\n    Type: String\n    Default: ''\nConditions:\n  IsReplica: !Not [!Equals [!Ref SourceDb, '']]\nResources:\n  # expect\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      DBInstanceClass: db.t4g.small\n      SourceDBInstanceIdentifier: !If [IsReplica, !Ref SourceDb, !Ref AWS::NoValue]\n",
    ],
    negative: [
      // Redshift encrypts every cluster created since January 2025 that leaves Encrypted unset.
      'Resources:\n  Warehouse:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: ra3.xlplus\n      ClusterType: single-node\n',
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      StorageEncrypted: true\n',
      'Resources:\n  Member:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora-postgresql\n      DBClusterIdentifier: !Ref Cluster\n',
      'Resources:\n  Replica:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref Primary\n',
      'Resources:\n  Serverless:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      EngineMode: serverless\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::DAX::Cluster')) yield* requireTrue(t, r, ['SSESpecification', 'SSEEnabled'], 'stores its cache unencrypted: set SSESpecification SSEEnabled: true.');
    for (const r of resourcesOf(t, 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::DocDB::DBCluster', 'AWS::Neptune::DBCluster', 'AWS::Redshift::Cluster')) {
      // Members of a cluster, replicas and restores take their encryption from elsewhere; Aurora Serverless v1 is always encrypted.
      // An explicit false is reported everywhere.
      const key = r.type === 'AWS::Redshift::Cluster' ? 'Encrypted' : 'StorageEncrypted';
      // DBClusterIdentifier makes an instance a cluster member; on a cluster it is only the cluster's own name.
      const membership = r.type === 'AWS::RDS::DBInstance' && prop(t, r, 'DBClusterIdentifier');
      const inherits = membership || ['SourceDBInstanceIdentifier', 'DBSnapshotIdentifier', 'SnapshotIdentifier', 'SourceDBClusterIdentifier', 'SnapshotClusterIdentifier', 'RestoreType'].some((k) => prop(t, r, k));
      if (inherits || text(t, prop(t, r, 'EngineMode')?.value) === 'serverless') {
        const setting = prop(t, r, key);
        if (bool(t, setting?.value) === false) yield { line: setting!.keyLine, message: `${label(r)} sets ${key}: false.`, resource: label(r) };
        continue;
      }
      // Redshift encrypts every cluster created since January 2025 when Encrypted is left unset: only false is reported.
      yield* requireTrue(t, r, [key], `stores its data unencrypted: set ${key}: true.`, r.type !== 'AWS::Redshift::Cluster');
    }
  },
});

const publiclyAccessible: CfnRule = cfnRule({
  id: 'iac/cfn-publicly-accessible',
  title: 'Database or broker reachable from the internet',
  description: 'An RDS instance, Redshift cluster, DMS replication instance, Amazon MQ broker or MSK cluster (PublicAccess SERVICE_PROVIDED_EIPS) is made publicly accessible: it gets a public address, and only its security group stands between the internet and a database or broker login. Databases and brokers are among the most scanned and brute-forced services.',
  remediation: 'Set PubliclyAccessible: false (MSK: PublicAccess Type: DISABLED) and reach the service from inside the VPC (a bastion, SSM port forwarding, a VPN).',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      StorageEncrypted: true\n      # expect\n      PubliclyAccessible: true\n',
      'Resources:\n  # expect\n  Migration:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      ReplicationInstanceClass: dms.t3.medium\n',
      'Resources:\n  Events:\n    Type: AWS::MSK::Cluster\n    Properties:\n      BrokerNodeGroupInfo:\n        ConnectivityInfo:\n          PublicAccess:\n            # expect\n            Type: SERVICE_PROVIDED_EIPS\n',
    ],
    negative: [
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      PubliclyAccessible: false\n',
      'Resources:\n  Migration:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      PubliclyAccessible: false\n',
      'Resources:\n  Events:\n    Type: AWS::MSK::Cluster\n    Properties:\n      BrokerNodeGroupInfo:\n        ConnectivityInfo:\n          PublicAccess:\n            Type: DISABLED\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::RDS::DBInstance', 'AWS::Redshift::Cluster', 'AWS::DMS::ReplicationInstance', 'AWS::AmazonMQ::Broker')) {
      const setting = prop(t, r, 'PubliclyAccessible');
      const v = bool(t, setting?.value);
      if (v === true) yield { line: setting!.keyLine, message: `${label(r)} is publicly accessible.`, resource: label(r) };
      // DMS replication instances are public unless told otherwise.
      else if (!setting && r.type === 'AWS::DMS::ReplicationInstance') yield { line: r.line, message: `${label(r)} is publicly accessible by default: set PubliclyAccessible: false.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::MSK::Cluster')) {
      const access = prop(t, r, 'BrokerNodeGroupInfo', 'ConnectivityInfo', 'PublicAccess', 'Type');
      if (text(t, access?.value) === 'SERVICE_PROVIDED_EIPS') yield { line: access!.keyLine, message: `${label(r)} gives its brokers public addresses (PublicAccess SERVICE_PROVIDED_EIPS).`, resource: label(r) };
    }
  },
});

const ebsNotEncrypted: CfnRule = cfnRule({
  id: 'iac/cfn-ebs-not-encrypted',
  title: 'EBS volume not encrypted',
  description: 'An EBS volume, or a block device of an instance, launch template or launch configuration, is created with Encrypted false or unset (then only an account-wide encryption default protects it). Its data and every snapshot made from it are unencrypted, and a snapshot shared by mistake exposes them.',
  remediation: 'Set Encrypted: true (optionally with KmsKeyId), and turn on EBS encryption by default for the account.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'Resources:\n  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 100\n      AvailabilityZone: eu-west-1a\n      # expect\n      Encrypted: false\n',
      'Resources:\n  # expect\n  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 100\n',
      'Resources:\n  Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        BlockDeviceMappings:\n          - DeviceName: /dev/xvda\n            # expect\n            Ebs:\n              VolumeSize: 20\n          - DeviceName: /dev/xvdb\n            Ebs:\n              VolumeSize: 100\n              # expect\n              Encrypted: false\n',
    ],
    negative: [
      'Resources:\n  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 100\n      Encrypted: true\n',
      'Resources:\n  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      SnapshotId: snap-0123456789abcdef0\n',
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      BlockDeviceMappings:\n        - DeviceName: /dev/sda1\n          Ebs:\n            VolumeSize: 20\n            Encrypted: true\n        - DeviceName: /dev/sdf\n          Ebs:\n            SnapshotId: snap-0123456789abcdef0\n        - DeviceName: /dev/sdk\n          NoDevice: {}\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::EC2::Volume')) {
      if (prop(t, r, 'SnapshotId')) continue;
      yield* requireTrue(t, r, ['Encrypted'], 'is not encrypted: set Encrypted: true.');
    }
    // Block devices of instances, launch templates and launch configurations; an instance's
    // device restored from a snapshot takes the snapshot's encryption.
    const devices: Array<[string, string[]]> = [
      ['AWS::EC2::Instance', ['BlockDeviceMappings']],
      ['AWS::EC2::LaunchTemplate', ['LaunchTemplateData', 'BlockDeviceMappings']],
      ['AWS::AutoScaling::LaunchConfiguration', ['BlockDeviceMappings']],
    ];
    for (const [type, path] of devices) {
      for (const r of resourcesOf(t, type)) {
        for (const mapping of entries(t, prop(t, r, ...path)?.value)) {
          const ebs = field(t, mapping, 'Ebs');
          if (!ebs || ebs.value === null) continue;
          const setting = field(t, ebs.value, 'Encrypted');
          const v = bool(t, setting?.value);
          if (v === true || v === UNKNOWN || (setting && v === undefined && setting.value !== null)) continue;
          if (!setting && type === 'AWS::EC2::Instance' && field(t, ebs.value, 'SnapshotId')) continue;
          const device = text(t, field(t, mapping, 'DeviceName')?.value) ?? 'a block device';
          yield { line: setting ? setting.keyLine : ebs.keyLine, message: `${label(r)} ${device} is not encrypted: set Ebs Encrypted: true.`, resource: label(r) };
        }
      }
    }
  },
});

const kmsNoRotation: CfnRule = cfnRule({
  id: 'iac/cfn-kms-no-rotation',
  title: 'KMS key rotation turned off',
  description: 'A symmetric customer managed KMS key does not rotate its key material (EnableKeyRotation false or unset). Without rotation one key protects all data for its whole life, which widens the impact of a leaked or broken key and fails most compliance baselines. A multi-Region primary key (MultiRegion: true) is reported too: its rotation setting applies to its replicas (AWS::KMS::ReplicaKey, which have none of their own).',
  remediation: 'Set EnableKeyRotation: true on symmetric encryption keys.',
  severity: 'low',
  cwe: ['CWE-320'],
  examples: {
    positive: ['Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      # expect\n      EnableKeyRotation: false\n', 'Resources:\n  # expect\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: data key\n', 'Resources:\n  # expect\n  Global:\n    Type: AWS::KMS::Key\n    Properties:\n      MultiRegion: true\n'],
    negative: ['Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n', 'Resources:\n  Signing:\n    Type: AWS::KMS::Key\n    Properties:\n      KeySpec: ECC_NIST_P256\n      KeyUsage: SIGN_VERIFY\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::KMS::Key')) {
      const spec = text(t, prop(t, r, 'KeySpec')?.value);
      const usage = text(t, prop(t, r, 'KeyUsage')?.value);
      if ((spec && spec !== 'SYMMETRIC_DEFAULT') || (usage && usage !== 'ENCRYPT_DECRYPT') || prop(t, r, 'KeySpec')?.value && !spec) continue;
      yield* requireTrue(t, r, ['EnableKeyRotation'], 'does not rotate its key material: set EnableKeyRotation: true.');
    }
  },
});

const ecrMutableTags: CfnRule = cfnRule({
  id: 'iac/cfn-ecr-mutable-tags',
  title: 'ECR repository allows tags to be overwritten',
  description: 'The repository keeps the default ImageTagMutability MUTABLE, so anyone who can push can replace the image behind a release tag; deployments that pull by tag then run an image nobody reviewed.',
  remediation: 'Set ImageTagMutability: IMMUTABLE and deploy by digest.',
  severity: 'low',
  cwe: ['CWE-494'],
  examples: {
    positive: ['Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      # expect\n      ImageTagMutability: MUTABLE\n'],
    negative: ['Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      ImageTagMutability: IMMUTABLE\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::ECR::Repository')) {
      const setting = prop(t, r, 'ImageTagMutability');
      const v = text(t, setting?.value);
      if (setting && v !== 'MUTABLE') continue;
      yield { line: setting ? setting.keyLine : r.line, message: `${label(r)} lets pushes overwrite existing tags: set ImageTagMutability: IMMUTABLE.`, resource: label(r) };
    }
  },
});

const ecrNoScan: CfnRule = cfnRule({
  id: 'iac/cfn-ecr-no-scan-on-push',
  title: 'ECR repository does not scan images on push',
  description: 'Images pushed to the repository are not scanned for known vulnerabilities (ImageScanningConfiguration ScanOnPush false or unset), so vulnerable images reach deployment unnoticed unless registry-wide scanning is configured.',
  remediation: 'Set ImageScanningConfiguration: { ScanOnPush: true }, or configure enhanced scanning for the registry.',
  severity: 'low',
  cwe: ['CWE-1104'],
  examples: {
    positive: ['Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      ImageScanningConfiguration:\n        # expect\n        ScanOnPush: false\n'],
    negative: ['Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      ImageScanningConfiguration:\n        ScanOnPush: true\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::ECR::Repository')) yield* requireTrue(t, r, ['ImageScanningConfiguration', 'ScanOnPush'], 'does not scan images on push.');
  },
});

const searchNotEncrypted: CfnRule = cfnRule({
  id: 'iac/cfn-search-not-encrypted',
  title: 'OpenSearch/Elasticsearch domain not encrypted at rest',
  description: 'An OpenSearch or Elasticsearch domain is created without encryption at rest (EncryptionAtRestOptions Enabled false or unset): its indices, logs and automated snapshots are stored unencrypted, and encryption cannot be added to an existing domain of older engine versions.',
  remediation: 'Set EncryptionAtRestOptions: { Enabled: true } (with a KmsKeyId for a customer managed key) and NodeToNodeEncryptionOptions: { Enabled: true }.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: ['Resources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      EncryptionAtRestOptions:\n        # expect\n        Enabled: false\n', 'Resources:\n  # expect\n  Search:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      ElasticsearchVersion: "7.10"\n', 'Parameters:\n  KeyStack:\n    Type: String\n    Default: ""\nConditions:\n  HasKey: !Not [!Equals [!Ref KeyStack, ""]]\nResources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      # expect\n      EncryptionAtRestOptions: !If [HasKey, { Enabled: true, KmsKeyId: !ImportValue key }, !Ref AWS::NoValue]\n'],
    negative: ['Resources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      EncryptionAtRestOptions:\n        Enabled: true\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain')) yield* requireTrue(t, r, ['EncryptionAtRestOptions', 'Enabled'], 'stores its indices unencrypted: set EncryptionAtRestOptions Enabled: true.');
  },
});

const cloudTrailValidation: CfnRule = cfnRule({
  id: 'iac/cfn-cloudtrail-no-log-validation',
  title: 'CloudTrail log file validation off',
  description: 'The trail does not write digest files (EnableLogFileValidation false or unset), so an intruder who reaches the log bucket can delete or edit the record of what they did without it being detectable.',
  remediation: 'Set EnableLogFileValidation: true.',
  severity: 'low',
  cwe: ['CWE-354'],
  examples: {
    positive: ['Resources:\n  # expect\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: !Ref Logs\n'],
    negative: ['Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: !Ref Logs\n      EnableLogFileValidation: true\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::CloudTrail::Trail')) yield* requireTrue(t, r, ['EnableLogFileValidation'], 'does not validate its log files: set EnableLogFileValidation: true.');
  },
});

const cloudTrailMultiRegion: CfnRule = cfnRule({
  id: 'iac/cfn-cloudtrail-single-region',
  title: 'CloudTrail records one region only',
  description: 'The trail is not multi-region (IsMultiRegionTrail false or unset), so activity in other regions, a favourite place to run crypto miners or hide resources, and some global service events are not recorded by it.',
  remediation: 'Set IsMultiRegionTrail: true (and IncludeGlobalServiceEvents: true).',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: ['Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      # expect\n      IsMultiRegionTrail: false\n'],
    negative: ['Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      IsMultiRegionTrail: true\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::CloudTrail::Trail')) yield* requireTrue(t, r, ['IsMultiRegionTrail'], 'records only its own region: set IsMultiRegionTrail: true.');
  },
});

const cloudTrailLogging: CfnRule = cfnRule({
  id: 'iac/cfn-cloudtrail-logging-disabled',
  title: 'CloudTrail logging turned off',
  description: 'The trail exists but IsLogging is false, so no API activity is recorded: an incident leaves no audit trail to investigate.',
  remediation: 'Set IsLogging: true on every trail that should record activity.',
  severity: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: ['Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      # expect\n      IsLogging: false\n'],
    negative: ['Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::CloudTrail::Trail')) {
      const setting = prop(t, r, 'IsLogging');
      if (bool(t, setting?.value) === false) yield { line: setting!.keyLine, message: `${label(r)} does not log: set IsLogging: true.`, resource: label(r) };
    }
  },
});

const cloudTrailNotEncrypted: CfnRule = cfnRule({
  id: 'iac/cfn-cloudtrail-not-encrypted',
  title: 'CloudTrail logs not encrypted with a KMS key',
  description: 'The trail has no KMSKeyId, so its logs are protected only by the bucket\'s default encryption: anyone with read access to the bucket can read the account\'s full API history, which maps its resources and identities. A KMS key adds a second, separately audited permission.',
  remediation: 'Set KMSKeyId to a customer managed KMS key whose policy lets CloudTrail encrypt and only auditors decrypt.',
  severity: 'low',
  cwe: ['CWE-311'],
  examples: {
    positive: ['Resources:\n  # expect\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n'],
    negative: ['Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      KMSKeyId: !Ref TrailKey\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::CloudTrail::Trail')) {
      const key = prop(t, r, 'KMSKeyId');
      if (key?.value && text(t, key.value) !== '') continue;
      yield { line: key ? key.keyLine : r.line, message: `${label(r)} does not encrypt its logs with a KMS key: set KMSKeyId.`, resource: label(r) };
    }
  },
});

export const dataRules: readonly CfnRule[] = [
  s3PublicAcl,
  s3PublicAccessBlock,
  databaseNotEncrypted,
  publiclyAccessible,
  ebsNotEncrypted,
  kmsNoRotation,
  ecrMutableTags,
  ecrNoScan,
  searchNotEncrypted,
  cloudTrailLogging,
  cloudTrailValidation,
  cloudTrailMultiRegion,
  cloudTrailNotEncrypted,
];

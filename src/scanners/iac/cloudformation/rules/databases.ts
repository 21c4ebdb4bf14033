import { AWS_MANAGED_ALIAS, EKS_DEFAULT_ENVELOPE_NOTE, S3_KMS_ALGORITHM } from '../../aws-keys.js';
import { anonymousFromNetwork } from '../../aws-policy.js';
import { inside } from '../../rule.js';
import type { YNode, YPair } from '../../yaml/tree.js';
import { cfnRule, entries, field, label, missingLine, prop, resourcesOf, type CfnRule } from '../model.js';
import { statementsIn } from '../policy.js';
import { bool, follow, text, UNKNOWN, value } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';
import { requireTrue } from './data.js';
import { clusterTakesIamAuth, instanceTakesIamAuth, redisWithoutEncryption } from '../../aws-engines.js';

/** The engine of a database or cache, lower case, or undefined when it cannot be read. */
const engineOf = (t: CfnTemplate, r: CfnResource, key = 'Engine'): string | undefined => text(t, prop(t, r, key)?.value)?.toLowerCase();

/** The strings of a list property; undefined when the list (or one of its items) cannot be read. */
function strings(t: CfnTemplate, node: YNode | null | undefined): string[] | undefined {
  const out: string[] = [];
  for (const item of entries(t, node)) {
    const v = text(t, item);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** A number property: a number or a numeric string; undefined otherwise. */
function numberOf(t: CfnTemplate, node: YNode | null | undefined): number | undefined {
  const v = value(t, node);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

/** An RDS instance that is an Aurora cluster member or a read replica: it takes these settings from its cluster or source. */
const inheritsFromSource = (t: CfnTemplate, r: CfnResource) => ['DBClusterIdentifier', 'SourceDBInstanceIdentifier', 'SourceDBClusterIdentifier'].some((k) => prop(t, r, k));

const dbNoIamAuth: CfnRule = cfnRule({
  id: 'iac/cfn-db-no-iam-auth',
  title: 'Database does not accept IAM authentication',
  description:
    'IAM database authentication is off on an RDS MySQL/PostgreSQL instance, an Aurora cluster or a Neptune cluster (EnableIAMDatabaseAuthentication, IamAuthEnabled: false or unset), so every client logs in with a long-lived database password that ends up in configuration files, environment variables and CI secrets, and cannot be revoked per person or tied to an IAM role.',
  remediation: 'Set EnableIAMDatabaseAuthentication: true (IamAuthEnabled: true for Neptune) and let applications connect with short-lived tokens (rds generate-db-auth-token) from their IAM role; keep the master password in Secrets Manager for break-glass use.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Orders:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      DBInstanceClass: db.t4g.small\n',
      'Resources:\n  Graph:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      StorageEncrypted: true\n      # expect\n      IamAuthEnabled: false\n',
      'Resources:\n  Aurora:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      # expect\n      EnableIAMDatabaseAuthentication: "false"\n',
    ],
    negative: [
      'Resources:\n  Orders:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n      EnableIAMDatabaseAuthentication: true\n',
      // MariaDB and SQL Server cannot use IAM authentication; Aurora members and replicas take it from their cluster or source.
      'Resources:\n  Legacy:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mariadb\n  Member:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora-postgresql\n      DBClusterIdentifier: !Ref Cluster\n  Replica:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref Orders\n',
      // Aurora Serverless v1 does not support IAM authentication.
      'Resources:\n  Serverless:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-postgresql\n      EngineMode: serverless\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::RDS::DBInstance')) {
      const engine = engineOf(t, r);
      if (!engine || !instanceTakesIamAuth(engine) || inheritsFromSource(t, r)) continue;
      yield* requireTrue(t, r, ['EnableIAMDatabaseAuthentication'], 'accepts only database passwords: set EnableIAMDatabaseAuthentication: true.');
    }
    for (const r of resourcesOf(t, 'AWS::RDS::DBCluster')) {
      const engine = engineOf(t, r);
      if (!engine || !clusterTakesIamAuth(engine, text(t, prop(t, r, 'EngineMode')?.value))) continue;
      yield* requireTrue(t, r, ['EnableIAMDatabaseAuthentication'], 'accepts only database passwords: set EnableIAMDatabaseAuthentication: true.');
    }
    for (const r of resourcesOf(t, 'AWS::Neptune::DBCluster')) yield* requireTrue(t, r, ['IamAuthEnabled'], 'lets any client that reaches the endpoint query the graph without signed requests: set IamAuthEnabled: true.');
  },
});

/** Replication groups and clusters that hold Redis or Valkey data (a replication group's default engine is Redis). */
function redisCaches(t: CfnTemplate, engines: readonly string[] = ['redis', 'valkey']): CfnResource[] {
  return resourcesOf(t, 'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup').filter((r) => {
    const engine = engineOf(t, r) ?? (r.type === 'AWS::ElastiCache::ReplicationGroup' && !prop(t, r, 'Engine') ? 'redis' : undefined);
    return engine !== undefined && engines.includes(engine) && !prop(t, r, 'GlobalReplicationGroupId');
  });
}

const noBackups: CfnRule = cfnRule({
  id: 'iac/cfn-backups-disabled',
  title: 'Automatic backups disabled',
  description:
    'A data store keeps no automatic backups: an RDS instance with BackupRetentionPeriod 0, a Redis or Valkey ElastiCache cluster or replication group without SnapshotRetentionLimit (the default keeps none), or a DynamoDB table without point-in-time recovery. A mistaken deletion, a bad migration or ransomware that encrypts or wipes the data cannot be rolled back.',
  remediation: 'RDS: BackupRetentionPeriod of at least 7. ElastiCache Redis/Valkey: SnapshotRetentionLimit of at least 1. DynamoDB: PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }. Consider AWS Backup plans with a vault lock for critical data.',
  severity: 'low',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      'Resources:\n  Orders:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      # expect\n      BackupRetentionPeriod: 0\n',
      'Resources:\n  # expect\n  Sessions:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: redis\n      CacheNodeType: cache.t4g.small\n      NumCacheNodes: 1\n',
      'Resources:\n  Users:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      PointInTimeRecoverySpecification:\n        # expect\n        PointInTimeRecoveryEnabled: false\n',
      'Resources:\n  # expect\n  Users:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n',
    ],
    negative: [
      // RDS keeps one day of backups when BackupRetentionPeriod is not set; a replica takes its source's.
      'Resources:\n  Orders:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n  Replica:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref Orders\n      BackupRetentionPeriod: 0\n',
      'Resources:\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      SnapshotRetentionLimit: 3\n  Pages:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: memcached\n',
      'Resources:\n  Users:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      PointInTimeRecoverySpecification:\n        PointInTimeRecoveryEnabled: true\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::RDS::DBInstance')) {
      const retention = prop(t, r, 'BackupRetentionPeriod');
      if (retention && numberOf(t, retention.value) === 0 && !inheritsFromSource(t, r)) yield { line: retention.keyLine, message: `${label(r)} keeps no automated backups (BackupRetentionPeriod: 0).`, resource: label(r) };
    }
    for (const r of redisCaches(t)) {
      const limit = prop(t, r, 'SnapshotRetentionLimit');
      const v = numberOf(t, limit?.value);
      if (limit && v !== 0) continue;
      yield { line: limit ? limit.keyLine : r.line, message: `${label(r)} keeps no automatic snapshots (SnapshotRetentionLimit ${limit ? 'is 0' : 'is not set'}).`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::DynamoDB::Table')) yield* requireTrue(t, r, ['PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled'], 'has no point-in-time recovery: set PointInTimeRecoverySpecification PointInTimeRecoveryEnabled: true.');
  },
});

const redisOutdated: CfnRule = cfnRule({
  id: 'iac/cfn-elasticache-redis-outdated',
  title: 'ElastiCache Redis version too old to encrypt or require AUTH',
  description:
    'An ElastiCache cluster or replication group runs a Redis engine older than 4.0.10 (other than 3.2.6). ElastiCache supports neither in-transit nor at-rest encryption on these versions, and an AUTH token needs in-transit encryption: every client that reaches the port can read and change all keys without a password, the traffic and the data on disk are in clear text, and the end-of-life engine gets no security fixes. Encryption cannot be added without an upgrade.',
  remediation: 'Upgrade EngineVersion to a supported release (Redis 7 or Valkey), then enable TransitEncryptionEnabled, AtRestEncryptionEnabled and an AuthToken or RBAC user group on a replication group.',
  severity: 'medium',
  cwe: ['CWE-1104', 'CWE-306'],
  examples: {
    positive: [
      'Resources:\n  Sessions:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: redis\n      CacheNodeType: cache.t3.small\n      NumCacheNodes: 1\n      # expect\n      EngineVersion: 3.2.10\n',
      'Resources:\n  Queue:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: job queue\n      # expect\n      EngineVersion: "2.8.24"\n',
    ],
    negative: [
      'Resources:\n  Queue:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: job queue\n      Engine: redis\n      EngineVersion: "7.1"\n      TransitEncryptionEnabled: true\n      AtRestEncryptionEnabled: true\n',
      // 3.2.6 was the first version with encryption; Memcached versions are numbered separately.
      'Resources:\n  Legacy:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: legacy\n      EngineVersion: 3.2.6\n  Pages:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: memcached\n      EngineVersion: 1.4.34\n',
    ],
  },
  *check(t) {
    for (const r of redisCaches(t, ['redis'])) {
      const version = prop(t, r, 'EngineVersion');
      const v = text(t, version?.value);
      if (!version || v === undefined || !redisWithoutEncryption(v)) continue;
      yield { line: version.keyLine, message: `${label(r)} runs Redis ${v}, an end-of-life version that ElastiCache cannot encrypt in transit or at rest nor protect with an AUTH token (3.2.6 or 4.0.10 and later are needed).`, resource: label(r) };
    }
  },
});

const SEARCH_DOMAINS = ['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain'];

/** Fine-grained access control needs Elasticsearch 6.7 or later (any OpenSearch version). */
function supportsFineGrainedAccess(t: CfnTemplate, r: CfnResource): boolean {
  const version = text(t, prop(t, r, r.type === 'AWS::Elasticsearch::Domain' ? 'ElasticsearchVersion' : 'EngineVersion')?.value);
  if (version === undefined) return true;
  const m = /^(?:Elasticsearch_)?(\d+)\.(\d+)/.exec(version);
  return !m || /^OpenSearch/i.test(version) || Number(m[1]) > 6 || (Number(m[1]) === 6 && Number(m[2]) >= 7);
}

/** Whether the domain has fine-grained access control on, or that cannot be told. */
const fineGrained = (t: CfnTemplate, r: CfnResource) => {
  const v = bool(t, prop(t, r, 'AdvancedSecurityOptions', 'Enabled')?.value);
  return v === true || v === UNKNOWN;
};

const searchNoFineGrainedAccess: CfnRule = cfnRule({
  id: 'iac/cfn-search-no-fine-grained-access',
  title: 'OpenSearch domain without fine-grained access control',
  description:
    'AdvancedSecurityOptions is not enabled on an OpenSearch or Elasticsearch domain: whoever passes the domain access policy can read, change and delete every index, and there is no per-index, per-document or per-field restriction, nor an audit trail of who did what in the cluster.',
  remediation: 'Set AdvancedSecurityOptions: { Enabled: true } with a MasterUserARN (or an internal user database), with EnforceHTTPS, node-to-node encryption and encryption at rest, which fine-grained access control requires.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'Resources:\n  Logs:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      AdvancedSecurityOptions:\n        # expect\n        Enabled: false\n',
      'Resources:\n  # expect\n  Logs:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      ElasticsearchVersion: "7.10"\n',
    ],
    negative: [
      'Resources:\n  Logs:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      AdvancedSecurityOptions:\n        Enabled: true\n        InternalUserDatabaseEnabled: false\n        MasterUserOptions:\n          MasterUserARN: !GetAtt SearchAdmin.Arn\n',
      'Resources:\n  Old:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      ElasticsearchVersion: "6.3"\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, ...SEARCH_DOMAINS)) {
      if (!supportsFineGrainedAccess(t, r)) continue;
      yield* requireTrue(t, r, ['AdvancedSecurityOptions', 'Enabled'], 'has no fine-grained access control: set AdvancedSecurityOptions Enabled: true.');
    }
  },
});

const searchAnonymousAccess: CfnRule = cfnRule({
  id: 'iac/cfn-search-anonymous-access',
  title: 'OpenSearch domain accepts unsigned requests from a network',
  description:
    'The access policy of an OpenSearch or Elasticsearch domain allows Principal "*" limited only by source IP address or VPC, and fine-grained access control is off. Requests then need no signature and no credentials: any program on an allowed address (every machine behind a shared NAT, any workload in the network) can read, change and delete every index, and the domain cannot tell who did.',
  remediation: 'Name IAM principals (roles of the applications that use the domain) in AccessPolicies so that requests must be signed, or enable fine-grained access control (AdvancedSecurityOptions) so that every request must authenticate.',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'Resources:\n  Logs:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      EngineVersion: OpenSearch_2.11\n      # expect\n      AccessPolicies:\n        Statement:\n          # detail\n          - Effect: Allow\n            Principal: "*"\n            Action: es:ESHttp*\n            Resource: "*"\n            Condition:\n              IpAddress:\n                aws:SourceIp: [198.51.100.0/24]\n',
    ],
    negative: [
      'Resources:\n  Logs:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      AccessPolicies:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: !GetAtt Indexer.Arn }\n            Action: es:ESHttp*\n            Resource: "*"\n',
      // With fine-grained access control every request authenticates, and an open domain policy is the documented setup.
      'Resources:\n  Logs:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      AdvancedSecurityOptions:\n        Enabled: true\n        InternalUserDatabaseEnabled: true\n      AccessPolicies:\n        Statement:\n          - Effect: Allow\n            Principal: "*"\n            Action: es:ESHttp*\n            Resource: "*"\n            Condition:\n              IpAddress:\n                aws:SourceIp: [198.51.100.0/24]\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, ...SEARCH_DOMAINS)) {
      if (fineGrained(t, r)) continue;
      const key = prop(t, r, 'AccessPolicies');
      if (!key) continue;
      for (const statement of statementsIn(t, key.value, key.keyLine)) {
        const from = anonymousFromNetwork(statement);
        if (!from) continue;
        yield { ...inside(key.keyLine, statement.line), message: `${label(r)} accepts unsigned requests from ${from.slice(0, 3).join(', ') || 'the allowed network'} without fine-grained access control (Principal "*" limited by network only).`, resource: label(r) };
        break;
      }
    }
  },
});

interface KeyedResource {
  type: string;
  /** Path to the key property; the blocks before it must exist for the resource to be checked. */
  path: string[];
  /** Whether the resource encrypts at all (otherwise another rule reports it as unencrypted). */
  encrypts?: (t: CfnTemplate, r: CfnResource) => boolean;
  what: string;
}

const isTrue = (t: CfnTemplate, r: CfnResource, ...path: string[]) => bool(t, prop(t, r, ...path)?.value) === true;

const KEYED: readonly KeyedResource[] = [
  { type: 'AWS::Logs::LogGroup', path: ['KmsKeyId'], what: 'log events' },
  { type: 'AWS::CodeBuild::Project', path: ['EncryptionKey'], what: 'build artifacts' },
  { type: 'AWS::SecretsManager::Secret', path: ['KmsKeyId'], what: 'the secret' },
  { type: 'AWS::SageMaker::EndpointConfig', path: ['KmsKeyId'], what: 'the endpoint storage volumes' },
  { type: 'AWS::DocDB::DBCluster', path: ['KmsKeyId'], encrypts: (t, r) => isTrue(t, r, 'StorageEncrypted'), what: 'the cluster storage' },
  { type: 'AWS::EFS::FileSystem', path: ['KmsKeyId'], encrypts: (t, r) => isTrue(t, r, 'Encrypted'), what: 'the file system' },
  { type: 'AWS::Elasticsearch::Domain', path: ['EncryptionAtRestOptions', 'KmsKeyId'], encrypts: (t, r) => isTrue(t, r, 'EncryptionAtRestOptions', 'Enabled'), what: 'the domain data' },
  { type: 'AWS::OpenSearchService::Domain', path: ['EncryptionAtRestOptions', 'KmsKeyId'], encrypts: (t, r) => isTrue(t, r, 'EncryptionAtRestOptions', 'Enabled'), what: 'the domain data' },
];

const noCustomerManagedKey: CfnRule = cfnRule({
  id: 'iac/cfn-no-customer-managed-key',
  title: 'Data encrypted with an AWS managed key instead of a customer managed key',
  description:
    'A log group, CodeBuild project, secret, SageMaker endpoint configuration, DocumentDB cluster, EFS file system or OpenSearch domain is encrypted with the service default or an AWS managed key (alias/aws/...), an AWS::EKS::Cluster has no EncryptionConfig that envelope-encrypts its Kubernetes Secrets with a KMS key of the account (' + EKS_DEFAULT_ENVELOPE_NOTE + '), or an S3 bucket asks for SSE-KMS (SSEAlgorithm aws:kms or aws:kms:dsse) without a KMSMasterKeyID of its own, which gives it the AWS managed key aws/s3. A bucket without BucketEncryption, or with AES256, is not reported: S3 encrypts every new object with its own keys (SSE-S3) by default since January 2023, and asking for KMS is the choice this rule judges. The key policy of such a key cannot be changed: anyone in the account with read access to the service can decrypt, key use cannot be limited to specific roles, and the key cannot be disabled or scheduled for deletion to cut access in an incident.',
  remediation: 'Create an AWS::KMS::Key with rotation enabled and a key policy that allows only the service and the roles that need the data, and reference it (KmsKeyId, EncryptionKey, KMSMasterKeyID; EKS: EncryptionConfig: [{ Resources: [secrets], Provider: { KeyArn: ... } }]).',
  severity: 'low',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  App:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: /app/api\n      RetentionInDays: 90\n',
      'Resources:\n  Db:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      Name: db-password\n      # expect\n      KmsKeyId: alias/aws/secretsmanager\n',
      'Resources:\n  Logs:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      # expect\n      EncryptionAtRestOptions:\n        Enabled: true\n',
      // SSE-KMS without a key of the bucket's own: S3 uses the AWS managed key aws/s3.
      'Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          # expect\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n            BucketKeyEnabled: true\n  Archive:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              # expect\n              KMSMasterKeyID: alias/aws/s3\n',
      // EKS's default envelope encryption uses an AWS owned key.
      'Resources:\n  # expect\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      RoleArn: !GetAtt ClusterRole.Arn\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1, subnet-2]\n',
    ],
    negative: [
      'Resources:\n  App:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: /app/api\n      KmsKeyId: !GetAtt LogsKey.Arn\n',
      'Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      RoleArn: !GetAtt ClusterRole.Arn\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1, subnet-2]\n      EncryptionConfig:\n        - Resources: [secrets]\n          Provider:\n            KeyArn: !GetAtt ClusterKey.Arn\n',
      // Not encrypted at all: iac/cfn-service-data-not-encrypted reports it.
      'Resources:\n  Shared:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      PerformanceMode: generalPurpose\n',
      // S3 encrypts every new object with S3-managed keys by default (SSE-S3): no KMS key is asked for.
      'Resources:\n  Plain:\n    Type: AWS::S3::Bucket\n  Aes:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: AES256\n  Own:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: !GetAtt ReportsKey.Arn\n',
    ],
  },
  *check(t) {
    for (const keyed of KEYED) {
      for (const r of resourcesOf(t, keyed.type)) {
        if (keyed.encrypts && !keyed.encrypts(t, r)) continue;
        const owner = keyed.path.length > 1 ? prop(t, r, ...keyed.path.slice(0, -1)) : undefined;
        if (keyed.path.length > 1 && !owner) continue;
        const key: YPair | undefined = prop(t, r, ...keyed.path);
        const name = keyed.path.join(' ');
        if (!key || key.value === null) yield { line: key ? key.keyLine : missingLine(t, r, ...keyed.path), message: `${label(r)} encrypts ${keyed.what} with an AWS owned or managed key: no ${name} is set.`, resource: label(r) };
        else if (AWS_MANAGED_ALIAS.test(text(t, key.value) ?? '')) yield { line: key.keyLine, message: `${label(r)} encrypts ${keyed.what} with an AWS managed key, whose policy cannot be restricted.`, resource: label(r) };
      }
    }
    // A bucket that asks for SSE-KMS without its own key gets the AWS managed aws/s3; SSE-S3 (S3's default) asks for no KMS key.
    for (const r of resourcesOf(t, 'AWS::S3::Bucket')) {
      for (const rule of entries(t, prop(t, r, 'BucketEncryption', 'ServerSideEncryptionConfiguration')?.value)) {
        const defaults = field(t, rule, 'ServerSideEncryptionByDefault');
        const algorithm = field(t, defaults?.value, 'SSEAlgorithm');
        if (!defaults || !algorithm || !S3_KMS_ALGORITHM.test(text(t, algorithm.value) ?? '')) continue;
        const key = field(t, defaults.value, 'KMSMasterKeyID');
        // Missing: on the block it belongs in, as missingLine places a missing property.
        if (!key || key.value === null) yield { line: key ? key.keyLine : defaults.keyLine, message: `${label(r)} encrypts the bucket objects with the AWS managed key aws/s3: SSEAlgorithm ${text(t, algorithm.value)} names no KMSMasterKeyID.`, resource: label(r) };
        else if (AWS_MANAGED_ALIAS.test(text(t, key.value) ?? '')) yield { line: key.keyLine, message: `${label(r)} encrypts the bucket objects with an AWS managed key, whose policy cannot be restricted.`, resource: label(r) };
      }
    }
    // An EKS cluster whose Secrets no EncryptionConfig entry encrypts with a key of the account (KeyArn is required in an entry).
    for (const r of resourcesOf(t, 'AWS::EKS::Cluster')) {
      const config = prop(t, r, 'EncryptionConfig');
      if (config && follow(t, config.value) === UNKNOWN) continue;
      const lists = entries(t, config?.value).map((entry) => field(t, entry, 'Resources'));
      if (lists.some((list) => list && follow(t, list.value) === UNKNOWN)) continue;
      if (lists.some((list) => entries(t, list?.value).some((item) => text(t, item) === 'secrets'))) continue;
      const named = lists.find((list) => list !== undefined);
      const what = lists.length === 0 ? 'has no EncryptionConfig' : 'has no EncryptionConfig for secrets';
      yield { line: named ? named.keyLine : config ? config.keyLine : r.line, message: `${label(r)} ${what}: its Kubernetes Secrets are not encrypted with a KMS key of the account, and ${EKS_DEFAULT_ENVELOPE_NOTE}.`, resource: label(r) };
    }
  },
});

/**
 * A list of log types to export: a finding when it is missing, empty, or lacks the
 * `needed` type (the one that records who did what). Unreadable lists are left alone.
 */
function* exportsList(t: CfnTemplate, r: CfnResource, path: string[], needed?: string, typeKey?: string): Generator<{ line: number; message: string; resource: string }> {
  const setting = prop(t, r, ...path);
  let types: string[] | undefined = [];
  if (setting) {
    if (typeKey) {
      types = [];
      for (const entry of entries(t, setting.value)) {
        const type = text(t, field(t, entry, typeKey)?.value);
        if (type === undefined) return;
        types.push(type);
      }
    } else types = strings(t, setting.value);
  }
  if (types === undefined) return;
  if (types.length > 0 && (!needed || types.some((type) => type.toLowerCase() === needed))) return;
  const what = types.length === 0 ? 'exports no logs' : `does not export its ${needed} log`;
  yield { line: setting ? setting.keyLine : missingLine(t, r, ...path), message: `${label(r)} ${what} (${path.join(' ')}${setting ? '' : ' is not set'}).`, resource: label(r) };
}

const logsNotExported: CfnRule = cfnRule({
  id: 'iac/cfn-service-logs-not-exported',
  title: 'Database, cluster or broker keeps no logs',
  description:
    'A managed service does not export its logs: an RDS instance or cluster with no CloudWatch log exports, a Neptune or DocumentDB cluster without its audit log, an EKS control plane without the audit log, a Redshift cluster without audit logging, an Amazon MQ broker without its audit (ActiveMQ) or general (RabbitMQ) log, or an OpenSearch/Elasticsearch domain that publishes no log. After an incident there is then no record of who connected and what they did.',
  remediation:
    'Enable the exports: EnableCloudwatchLogsExports (RDS; with "audit" for Neptune and DocumentDB), Logging ClusterLogging EnabledTypes including audit (EKS), LoggingProperties (Redshift), Logs Audit: true (ActiveMQ) or General: true (RabbitMQ), LogPublishingOptions (OpenSearch).',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Orders:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      DBInstanceClass: db.t3.small\n',
      'Resources:\n  Graph:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      # expect\n      EnableCloudwatchLogsExports: [slowquery]\n',
      'Resources:\n  Events:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EngineType: ACTIVEMQ\n      Logs:\n        General: true\n        # expect\n        Audit: false\n',
      'Resources:\n  Main:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Logging:\n        ClusterLogging:\n          # expect\n          EnabledTypes:\n            - Type: api\n',
      'Resources:\n  # expect\n  Warehouse:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: ra3.xlplus\n',
      'Resources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      LogPublishingOptions:\n        AUDIT_LOGS:\n          CloudWatchLogsLogGroupArn: !GetAtt SearchLogs.Arn\n          # expect\n          Enabled: false\n',
    ],
    negative: [
      'Resources:\n  Orders:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      EnableCloudwatchLogsExports: [postgresql]\n  Member:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora-postgresql\n      DBClusterIdentifier: !Ref Cluster\n',
      'Resources:\n  Warehouse:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      LoggingProperties:\n        BucketName: !Ref AuditLogs\n',
      'Resources:\n  Events:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EngineType: RabbitMQ\n      Logs:\n        General: true\n',
      'Resources:\n  Main:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Logging:\n        ClusterLogging:\n          EnabledTypes: [{ Type: api }, { Type: audit }, { Type: authenticator }]\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster')) {
      // An Aurora member exports through its cluster.
      if (r.type === 'AWS::RDS::DBInstance' && prop(t, r, 'DBClusterIdentifier')) continue;
      yield* exportsList(t, r, ['EnableCloudwatchLogsExports']);
    }
    for (const r of resourcesOf(t, 'AWS::Neptune::DBCluster', 'AWS::DocDB::DBCluster')) yield* exportsList(t, r, ['EnableCloudwatchLogsExports'], 'audit');
    for (const r of resourcesOf(t, 'AWS::EKS::Cluster')) yield* exportsList(t, r, ['Logging', 'ClusterLogging', 'EnabledTypes'], 'audit', 'Type');
    for (const r of resourcesOf(t, 'AWS::Redshift::Cluster')) {
      const logging = prop(t, r, 'LoggingProperties');
      if (!logging || logging.value === null) yield { line: logging ? logging.keyLine : r.line, message: `${label(r)} has no audit logging: set LoggingProperties.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::AmazonMQ::Broker')) {
      const engine = text(t, prop(t, r, 'EngineType')?.value)?.toLowerCase();
      const flag = (name: string) => prop(t, r, 'Logs', name);
      if (engine === undefined) {
        // Engine not known, so neither is the log that matters; but a broker that publishes neither log keeps none.
        const on = (name: string) => bool(t, flag(name)?.value) !== false && flag(name) !== undefined;
        if (!on('General') && !on('Audit')) yield { line: (flag('General') ?? flag('Audit'))?.keyLine ?? missingLine(t, r, 'Logs', 'General'), message: `${label(r)} publishes no logs (neither General nor Audit).`, resource: label(r) };
        continue;
      }
      const needed = engine === 'rabbitmq' ? 'General' : 'Audit';
      const setting = flag(needed);
      const v = bool(t, setting?.value);
      if (v === true || v === UNKNOWN) continue;
      yield { line: setting ? setting.keyLine : missingLine(t, r, 'Logs', needed), message: `${label(r)} does not publish its ${needed.toLowerCase()} log: set Logs ${needed}: true.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, ...SEARCH_DOMAINS)) {
      const options = prop(t, r, 'LogPublishingOptions');
      const published = options && isLogMap(options.value) ? options.value.pairs : [];
      if (options && !isLogMap(options.value)) continue;
      const enabled = published.map((p) => ({ p, on: bool(t, field(t, p.value, 'Enabled')?.value) }));
      if (enabled.some(({ on }) => on !== false)) continue;
      const off = enabled.map(({ p }) => field(t, p.value, 'Enabled')).find((e) => e !== undefined);
      yield { line: off?.keyLine ?? options?.keyLine ?? r.line, message: `${label(r)} publishes no logs (LogPublishingOptions).`, resource: label(r) };
    }
  },
});

/** A plain mapping of log types (not an intrinsic function). */
function isLogMap(node: YNode | null): node is Extract<YNode, { pairs: YPair[] }> {
  return node !== null && typeof node === 'object' && 'pairs' in node && !node.pairs.some((p) => p.key === 'Ref' || p.key.startsWith('Fn::'));
}

/** Rules about databases, caches and search domains: who can log in, backups, engine versions, keys and logs. */
export const databaseRules: readonly CfnRule[] = [dbNoIamAuth, noBackups, redisOutdated, searchNoFineGrainedAccess, searchAnonymousAccess, noCustomerManagedKey, logsNotExported];

import { isYMap, isYScalar, isYSeq, type YNode } from '../../yaml/tree.js';
import type { Hit } from '../../rule.js';
import { deprecatedRuntimeMessage, lambdaRuntimeDeprecated } from '../../aws-lambda-runtimes.js';
import { cfnRule, entries, field, label, missingLine, pairAt, prop, referencedId, referencedIds, resourceById, resourcesOf, type CfnRule } from '../model.js';
import { accessStringOpen, BUILT_IN_DEFAULT_USER } from '../../aws-engines.js';
import { bool, follow, intrinsic, text, UNKNOWN, value } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';
import { requireTrue } from './data.js';

/** Replication groups that hold Redis or Valkey data (the default engine is Redis); a global secondary takes its settings from the primary. */
function redisGroups(t: CfnTemplate): CfnResource[] {
  return resourcesOf(t, 'AWS::ElastiCache::ReplicationGroup').filter((r) => {
    const engine = text(t, prop(t, r, 'Engine')?.value)?.toLowerCase();
    return (engine === undefined || engine === 'redis' || engine === 'valkey') && !prop(t, r, 'GlobalReplicationGroupId');
  });
}

/** DMS engines that speak SSL to their database; the others (S3, Kinesis, DynamoDB...) have no SslMode to set. */
const DMS_SSL_ENGINES = new Set(['mysql', 'mariadb', 'aurora', 'aurora-serverless', 'aurora-postgresql', 'aurora-postgresql-serverless', 'postgres', 'oracle', 'sqlserver', 'sybase', 'db2', 'db2-zos', 'mongodb', 'docdb', 'redshift', 'redshift-serverless', 'babelfish', 'azuredb', 'azure-sql-managed-instance']);

/** MSK settings that let clients or brokers talk in clear text. */
const MSK_PLAINTEXT = new Set(['PLAINTEXT', 'TLS_PLAINTEXT']);

const transitNotEncrypted: CfnRule = cfnRule({
  id: 'iac/cfn-transit-not-encrypted',
  title: 'Traffic to or inside a managed service not encrypted',
  description:
    'Data travels in clear text to or inside a managed service: an ElastiCache Redis/Valkey replication group without in-transit encryption (the default), an OpenSearch/Elasticsearch domain without node-to-node encryption or that accepts plain HTTP, an MSK cluster that allows PLAINTEXT between clients and brokers or turns off encryption between brokers, an ECS task that mounts EFS without TLS (the default), a DMS endpoint that reaches its database with SslMode none (the default), or an EMR cluster without a SecurityConfiguration, the only place EMR turns on encryption of the traffic between its nodes (HDFS blocks, shuffle data, Spark and Presto internals), or whose AWS::EMR::SecurityConfiguration of the template turns it off (EnableInTransitEncryption: false, reported on that key, as YAML or in a JSON string) or has no EncryptionConfiguration. Anyone who can capture traffic in the VPC reads the records and the credentials or tokens sent with them.',
  remediation:
    'ElastiCache: TransitEncryptionEnabled: true. OpenSearch/Elasticsearch: NodeToNodeEncryptionOptions Enabled: true and DomainEndpointOptions EnforceHTTPS: true. MSK: EncryptionInTransit ClientBroker: TLS and InCluster: true. ECS: EFSVolumeConfiguration TransitEncryption: ENABLED. DMS: SslMode: require or verify-full. EMR: an AWS::EMR::SecurityConfiguration with EncryptionConfiguration EnableInTransitEncryption: true (and at-rest encryption), named by the cluster\'s SecurityConfiguration.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      Engine: redis\n      AtRestEncryptionEnabled: true\n',
      'Resources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      NodeToNodeEncryptionOptions:\n        # expect\n        Enabled: false\n      DomainEndpointOptions:\n        # expect\n        EnforceHTTPS: false\n',
      'Resources:\n  Events:\n    Type: AWS::MSK::Cluster\n    Properties:\n      ClusterName: events\n      KafkaVersion: 3.6.0\n      NumberOfBrokerNodes: 3\n      EncryptionInfo:\n        EncryptionInTransit:\n          # expect\n          ClientBroker: TLS_PLAINTEXT\n          # expect\n          InCluster: "false"\n',
      'Resources:\n  Source:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      EndpointType: source\n      EngineName: postgres\n      # expect\n      SslMode: none\n  # expect\n  Target:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      EndpointType: target\n      EngineName: mysql\n  Lake:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      EndpointType: target\n      EngineName: s3\n',
      'Resources:\n  # expect\n  Analytics:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: analytics\n      ReleaseLabel: emr-7.1.0\n      JobFlowRole: !Ref EmrInstanceProfile\n      ServiceRole: !Ref EmrRole\n      Instances:\n        Ec2SubnetId: !Ref Private\n',
      // The cluster names its security configuration, which turns the encryption off.
      'Resources:\n  Analytics:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: analytics\n      ReleaseLabel: emr-7.1.0\n      SecurityConfiguration: !Ref Plain\n  Plain:\n    Type: AWS::EMR::SecurityConfiguration\n    Properties:\n      SecurityConfiguration:\n        EncryptionConfiguration:\n          EnableAtRestEncryption: true\n          # expect\n          EnableInTransitEncryption: false\n  Reports:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: reports\n      ReleaseLabel: emr-7.1.0\n      SecurityConfiguration: kerberos-only\n  KerberosOnly:\n    Type: AWS::EMR::SecurityConfiguration\n    Properties:\n      Name: kerberos-only\n      # expect\n      SecurityConfiguration: \'{"AuthenticationConfiguration": {"KerberosConfiguration": {"Provider": "ClusterDedicatedKdc", "ClusterDedicatedKdcConfiguration": {"TicketLifetimeInHours": 24}}}}\'\n',
      'Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Volumes:\n        - Name: shared\n          # expect\n          EFSVolumeConfiguration:\n            FilesystemId: fs-12345678\n        - Name: other\n          EFSVolumeConfiguration:\n            FilesystemId: fs-12345678\n            # expect\n            TransitEncryption: DISABLED\n',
    ],
    negative: [
      'Resources:\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      TransitEncryptionEnabled: true\n      AtRestEncryptionEnabled: true\n',
      'Resources:\n  Search:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      NodeToNodeEncryptionOptions:\n        Enabled: true\n      DomainEndpointOptions:\n        EnforceHTTPS: true\n        TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07\n',
      'Resources:\n  Events:\n    Type: AWS::MSK::Cluster\n    Properties:\n      ClusterName: events\n      KafkaVersion: 3.6.0\n      NumberOfBrokerNodes: 3\n',
      'Resources:\n  Analytics:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: analytics\n      ReleaseLabel: emr-7.1.0\n      JobFlowRole: !Ref EmrInstanceProfile\n      ServiceRole: !Ref EmrRole\n      SecurityConfiguration: !Ref Encrypted\n      Instances:\n        Ec2SubnetId: !Ref Private\n',
      // The configuration turns the encryption on (its TLS certificates are its own matter); an unused one without EncryptionConfiguration may serve clusters that set none.
      'Resources:\n  Analytics:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: analytics\n      ReleaseLabel: emr-7.1.0\n      SecurityConfiguration: !Ref Encrypted\n  Encrypted:\n    Type: AWS::EMR::SecurityConfiguration\n    Properties:\n      SecurityConfiguration:\n        EncryptionConfiguration:\n          EnableAtRestEncryption: true\n          EnableInTransitEncryption: true\n          InTransitEncryptionConfiguration:\n            TLSCertificateConfiguration: { CertificateProviderType: PEM, S3Object: s3://example-certs/emr.zip }\n  Unused:\n    Type: AWS::EMR::SecurityConfiguration\n    Properties:\n      SecurityConfiguration: \'{"AuthenticationConfiguration": {}}\'\n',
      'Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Volumes:\n        - Name: shared\n          EFSVolumeConfiguration:\n            FilesystemId: fs-12345678\n            TransitEncryption: ENABLED\n        - Name: scratch\n          Host: {}\n',
    ],
  },
  *check(t) {
    for (const r of redisGroups(t)) yield* requireTrue(t, r, ['TransitEncryptionEnabled'], 'lets clients and replicas talk to the cache in clear text: set TransitEncryptionEnabled: true.');
    for (const r of resourcesOf(t, 'AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain')) {
      yield* requireTrue(t, r, ['NodeToNodeEncryptionOptions', 'Enabled'], 'lets its nodes exchange data unencrypted: set NodeToNodeEncryptionOptions Enabled: true.');
      yield* requireTrue(t, r, ['DomainEndpointOptions', 'EnforceHTTPS'], 'accepts plain HTTP requests: set DomainEndpointOptions EnforceHTTPS: true.');
    }
    for (const r of resourcesOf(t, 'AWS::MSK::Cluster')) {
      const clientBroker = prop(t, r, 'EncryptionInfo', 'EncryptionInTransit', 'ClientBroker');
      const mode = text(t, clientBroker?.value)?.toUpperCase();
      if (mode && MSK_PLAINTEXT.has(mode)) yield { line: clientBroker!.keyLine, message: `${label(r)} lets clients connect in clear text (ClientBroker: ${mode}).`, resource: label(r) };
      const inCluster = prop(t, r, 'EncryptionInfo', 'EncryptionInTransit', 'InCluster');
      if (bool(t, inCluster?.value) === false) yield { line: inCluster!.keyLine, message: `${label(r)} sends data between brokers unencrypted (InCluster: false).`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::DMS::Endpoint')) {
      const engine = text(t, prop(t, r, 'EngineName')?.value)?.toLowerCase();
      if (!engine || !DMS_SSL_ENGINES.has(engine)) continue;
      const mode = prop(t, r, 'SslMode');
      const v = text(t, mode?.value)?.toLowerCase();
      if (mode && v !== 'none') continue;
      yield { line: mode ? mode.keyLine : r.line, message: `${label(r)} connects to its ${engine} database without SSL (SslMode ${mode ? 'is none' : 'defaults to none'}).`, resource: label(r) };
    }
    // In-transit encryption between the nodes is turned on only by a security configuration.
    const usedBy = new Map<CfnResource, string[]>();
    for (const r of resourcesOf(t, 'AWS::EMR::Cluster')) {
      const setting = prop(t, r, 'SecurityConfiguration');
      if (!setting) {
        yield { line: missingLine(t, r, 'SecurityConfiguration'), message: `${label(r)} has no SecurityConfiguration: its nodes exchange HDFS blocks, shuffle data and job traffic unencrypted.`, resource: label(r) };
        continue;
      }
      const configuration = emrConfigurationOf(t, setting.value);
      if (configuration) usedBy.set(configuration, [...(usedBy.get(configuration) ?? []), r.id]);
    }
    for (const r of resourcesOf(t, 'AWS::EMR::SecurityConfiguration')) {
      const hit = emrTransitOff(t, r, usedBy.get(r));
      if (hit) yield hit;
    }
    for (const r of resourcesOf(t, 'AWS::ECS::TaskDefinition')) {
      for (const volume of entries(t, prop(t, r, 'Volumes')?.value)) {
        const efs = field(t, volume, 'EFSVolumeConfiguration');
        if (!efs) continue;
        const setting = field(t, efs.value, 'TransitEncryption');
        const v = text(t, setting?.value)?.toUpperCase();
        if (setting && v !== 'DISABLED') continue;
        const name = text(t, field(t, volume, 'Name')?.value) ?? 'an EFS volume';
        yield { line: setting ? setting.keyLine : efs.keyLine, message: `${label(r)} mounts ${name} from EFS without TLS: set TransitEncryption: ENABLED.`, resource: label(r) };
      }
    }
  },
});

/** The AWS::EMR::SecurityConfiguration of the template a cluster's SecurityConfiguration names: by `Ref` (its name), or by the Name it is given. */
function emrConfigurationOf(t: CfnTemplate, node: YNode | null | undefined): CfnResource | undefined {
  const byRef = resourceById(t, referencedId(node), 'AWS::EMR::SecurityConfiguration');
  if (byRef || referencedId(node) !== undefined) return byRef;
  const name = text(t, node);
  return name === undefined ? undefined : resourcesOf(t, 'AWS::EMR::SecurityConfiguration').find((c) => text(t, prop(t, c, 'Name')?.value) === name);
}

/**
 * An EMR security configuration that leaves the traffic between the nodes unencrypted:
 * EncryptionConfiguration EnableInTransitEncryption false, or, for one that clusters of the
 * template use, no EncryptionConfiguration (a configuration for Kerberos or Lake Formation
 * alone). The configuration is a JSON object, written as YAML or as a JSON string; one that
 * cannot be read (built with Fn::Sub, taken from a parameter) is not judged.
 */
function emrTransitOff(t: CfnTemplate, r: CfnResource, clusters: string[] | undefined): Hit | undefined {
  const setting = prop(t, r, 'SecurityConfiguration');
  const target = follow(t, setting?.value);
  if (!setting || target === UNKNOWN || target === null) return undefined;
  const users = clusters ? ` (used by ${clusters.join(', ')})` : '';
  const message = (what: string) => `${label(r)}${users} ${what}: the nodes of its clusters exchange HDFS blocks, shuffle data and job traffic unencrypted.`;
  if (isYMap(target)) {
    const flag = pairAt(t, target, 'EncryptionConfiguration', 'EnableInTransitEncryption');
    if (flag) return bool(t, flag.value) === false ? { line: flag.keyLine, message: message('turns off in-transit encryption (EnableInTransitEncryption: false)'), resource: label(r) } : undefined;
    const block = pairAt(t, target, 'EncryptionConfiguration');
    if (!clusters) return undefined;
    return { line: block ? block.keyLine : setting.keyLine, message: message(block ? 'does not turn on in-transit encryption (EnableInTransitEncryption)' : 'has no EncryptionConfiguration'), resource: label(r) };
  }
  if (!isYScalar(target) || typeof target.value !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(target.value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const encryption = (parsed as Record<string, unknown>).EncryptionConfiguration;
  const flag = typeof encryption === 'object' && encryption !== null ? (encryption as Record<string, unknown>).EnableInTransitEncryption : undefined;
  // A JSON string is one value: its key is where it is reported (convention 4).
  if (flag === false || flag === 'false') return { line: setting.keyLine, message: message('turns off in-transit encryption (EnableInTransitEncryption: false)'), resource: label(r) };
  if (flag === undefined && clusters) return { line: setting.keyLine, message: message(encryption === undefined ? 'has no EncryptionConfiguration' : 'does not turn on in-transit encryption (EnableInTransitEncryption)'), resource: label(r) };
  return undefined;
}

/** API Gateway method settings that cache responses: a list of `MethodSettings` entries. */
function* cachingSettings(t: CfnTemplate, r: CfnResource, ...path: string[]): Generator<YNode> {
  for (const setting of entries(t, prop(t, r, ...path, 'MethodSettings')?.value)) if (bool(t, field(t, setting, 'CachingEnabled')?.value) === true) yield setting;
}

const serviceDataNotEncrypted: CfnRule = cfnRule({
  id: 'iac/cfn-service-data-not-encrypted',
  title: 'Service data stored unencrypted',
  description:
    'A service that does not encrypt by default stores data at rest unencrypted: an ElastiCache Redis/Valkey replication group without AtRestEncryptionEnabled (its snapshots and swap too), an EFS file system without Encrypted, a Kinesis stream without StreamEncryption, a WorkSpace whose root or user volume is unencrypted, an SQS queue whose default SSE-SQS encryption is turned off with no KMS key instead, an SNS topic without KmsMasterKeyId or a Firehose delivery stream without server-side encryption (both at low severity, messages being kept for a short time), or an API Gateway stage that caches responses without encrypting the cache. None of these can be encrypted in place later: the data has to be copied to a new resource.',
  remediation:
    'ElastiCache: AtRestEncryptionEnabled: true. EFS: Encrypted: true (with KmsKeyId). Kinesis: StreamEncryption { EncryptionType: KMS, KeyId: alias/aws/kinesis or a customer key }. WorkSpaces: RootVolumeEncryptionEnabled and UserVolumeEncryptionEnabled true with VolumeEncryptionKey. SQS: remove SqsManagedSseEnabled: false or set KmsMasterKeyId. SNS: KmsMasterKeyId (alias/aws/sns or a customer key). Firehose: DeliveryStreamEncryptionConfigurationInput { KeyType: AWS_OWNED_CMK or CUSTOMER_MANAGED_CMK }. API Gateway: CacheDataEncrypted: true wherever CachingEnabled is true.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'Resources:\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      TransitEncryptionEnabled: true\n      # expect\n      AtRestEncryptionEnabled: false\n',
      'Resources:\n  # expect\n  Shared:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      PerformanceMode: generalPurpose\n',
      'Resources:\n  # expect\n  Clicks:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 1\n',
      'Resources:\n  Desk:\n    Type: AWS::WorkSpaces::Workspace\n    Properties:\n      BundleId: wsb-12345678\n      DirectoryId: d-12345678\n      UserName: dev\n      RootVolumeEncryptionEnabled: true\n      # expect\n      UserVolumeEncryptionEnabled: false\n      VolumeEncryptionKey: alias/aws/workspaces\n',
      'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      # expect\n      SqsManagedSseEnabled: false\n',
      'Resources:\n  # expect\n  Events:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: events\n  # expect\n  Audit:\n    Type: AWS::KinesisFirehose::DeliveryStream\n    Properties:\n      DeliveryStreamType: DirectPut\n',
      'Resources:\n  Prod:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref Api\n      MethodSettings:\n        # expect\n        - ResourcePath: /*\n          HttpMethod: "*"\n          CachingEnabled: true\n',
    ],
    negative: [
      'Resources:\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      TransitEncryptionEnabled: true\n      AtRestEncryptionEnabled: true\n',
      'Resources:\n  Shared:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      Encrypted: true\n      KmsKeyId: !Ref Key\n',
      'Resources:\n  Clicks:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 1\n      StreamEncryption:\n        EncryptionType: KMS\n        KeyId: alias/aws/kinesis\n',
      'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 60\n',
      'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n      KmsMasterKeyId: alias/jobs\n',
      'Resources:\n  Events:\n    Type: AWS::SNS::Topic\n    Properties:\n      KmsMasterKeyId: alias/aws/sns\n  Audit:\n    Type: AWS::KinesisFirehose::DeliveryStream\n    Properties:\n      DeliveryStreamType: KinesisStreamAsSource\n      KinesisStreamSourceConfiguration:\n        KinesisStreamARN: !GetAtt Clicks.Arn\n        RoleARN: !GetAtt FirehoseRole.Arn\n',
      // SSE is for DirectPut streams only; a type from a parameter without a default cannot be read.
      'Parameters:\n  Source:\n    Type: String\nResources:\n  FromKafka:\n    Type: AWS::KinesisFirehose::DeliveryStream\n    Properties:\n      DeliveryStreamType: MSKAsSource\n      MSKSourceConfiguration:\n        MSKClusterARN: !Ref Cluster\n        TopicName: events\n  Chosen:\n    Type: AWS::KinesisFirehose::DeliveryStream\n    Properties:\n      DeliveryStreamType: !Ref Source\n',
      'Resources:\n  Prod:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      RestApiId: !Ref Api\n      StageDescription:\n        CachingEnabled: true\n        CacheDataEncrypted: true\n',
    ],
  },
  *check(t) {
    for (const r of redisGroups(t)) yield* requireTrue(t, r, ['AtRestEncryptionEnabled'], 'stores cached data and snapshots unencrypted: set AtRestEncryptionEnabled: true.');
    for (const r of resourcesOf(t, 'AWS::EFS::FileSystem')) yield* requireTrue(t, r, ['Encrypted'], 'is not encrypted: set Encrypted: true.');
    for (const r of resourcesOf(t, 'AWS::Kinesis::Stream')) {
      if (!prop(t, r, 'StreamEncryption')) yield { line: r.line, message: `${label(r)} stores its records unencrypted: add StreamEncryption with EncryptionType: KMS.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::WorkSpaces::Workspace')) {
      // The user volume holds the user's files; the root volume mostly the system and caches.
      for (const hit of requireTrue(t, r, ['RootVolumeEncryptionEnabled'], 'has an unencrypted root volume: set RootVolumeEncryptionEnabled: true.')) yield { ...hit, severity: 'low' as const };
      yield* requireTrue(t, r, ['UserVolumeEncryptionEnabled'], 'has an unencrypted user volume: set UserVolumeEncryptionEnabled: true.');
    }
    for (const r of resourcesOf(t, 'AWS::SNS::Topic')) {
      const key = prop(t, r, 'KmsMasterKeyId');
      if (!key || key.value === null || text(t, key.value) === '') yield { line: key ? key.keyLine : r.line, message: `${label(r)} has no KmsMasterKeyId: its messages are stored unencrypted.`, resource: label(r), severity: 'low' as const };
    }
    for (const r of resourcesOf(t, 'AWS::KinesisFirehose::DeliveryStream')) {
      // Firehose encrypts only DirectPut streams (a stream fed by Kinesis keeps that stream's encryption; MSK and
      // database sources cannot take SSE). A type that cannot be read is not reported.
      const type = prop(t, r, 'DeliveryStreamType');
      if (type && text(t, type.value) !== 'DirectPut') continue;
      if (['KinesisStreamSourceConfiguration', 'MSKSourceConfiguration', 'DatabaseSourceConfiguration'].some((k) => prop(t, r, k))) continue;
      const sse = prop(t, r, 'DeliveryStreamEncryptionConfigurationInput');
      if (!sse || sse.value === null) yield { line: sse ? sse.keyLine : r.line, message: `${label(r)} buffers records unencrypted: add DeliveryStreamEncryptionConfigurationInput.`, resource: label(r), severity: 'low' as const };
    }
    for (const r of resourcesOf(t, 'AWS::SQS::Queue')) {
      // SQS encrypts new queues with SSE-SQS unless told not to.
      const sse = prop(t, r, 'SqsManagedSseEnabled');
      if (bool(t, sse?.value) === false && !prop(t, r, 'KmsMasterKeyId')) yield { line: sse!.keyLine, message: `${label(r)} turns off SQS-managed encryption without a KMS key: its messages are stored unencrypted.`, resource: label(r) };
    }
    for (const r of resourcesOf(t, 'AWS::ApiGateway::Deployment')) {
      const stage = prop(t, r, 'StageDescription');
      if (stage && bool(t, prop(t, r, 'StageDescription', 'CachingEnabled')?.value) === true)
        for (const hit of requireTrue(t, r, ['StageDescription', 'CacheDataEncrypted'], 'caches responses unencrypted: set CacheDataEncrypted: true.')) yield { ...hit, severity: 'low' as const };
      for (const setting of cachingSettings(t, r, 'StageDescription')) yield* methodCacheUnencrypted(t, r, setting);
    }
    for (const r of resourcesOf(t, 'AWS::ApiGateway::Stage')) for (const setting of cachingSettings(t, r)) yield* methodCacheUnencrypted(t, r, setting);
  },
});

function* methodCacheUnencrypted(t: CfnTemplate, r: CfnResource, setting: YNode) {
  const encrypted = field(t, setting, 'CacheDataEncrypted');
  if (bool(t, encrypted?.value) === true) return;
  if (encrypted && bool(t, encrypted.value) !== false) return;
  yield { line: encrypted ? encrypted.keyLine : setting.line, message: `${label(r)} caches responses unencrypted: set CacheDataEncrypted: true next to CachingEnabled.`, resource: label(r), severity: 'low' as const };
}

const lambdaDeprecatedRuntime: CfnRule = cfnRule({
  id: 'iac/cfn-lambda-deprecated-runtime',
  title: 'Lambda function on a deprecated runtime',
  description:
    "The Runtime of an AWS::Lambda::Function or AWS::Serverless::Function (its own, or the one the SAM Globals section gives every function) is one AWS has deprecated under its Lambda runtime deprecation policy (nodejs16.x, python3.8, go1.x, java8 on Amazon Linux 1, ...): its language version or operating system reached end of support, and Lambda no longer applies security patches to it, so vulnerabilities found in the interpreter, its standard library or the OS stay in every invocation. Functions on it keep running but lose technical support, and AWS later blocks updates to them, which turns an urgent fix into a migration. The runtimes and their deprecation dates are a fixed table in secloop (only runtimes already deprecated), not read from the clock (tf-aws-lambda-deprecated-runtime judges Terraform's functions from the same table).",
  remediation: 'Move the function to a supported runtime of the same language (nodejs22.x, python3.13, java21, provided.al2023 for Go and custom runtimes ...), test it, and deploy it.',
  severity: 'medium',
  cwe: ['CWE-1104'],
  examples: {
    positive: [
      'Resources:\n  Resize:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      # expect\n      Runtime: nodejs14.x\n      Role: !GetAtt ResizeRole.Arn\n      Code:\n        S3Bucket: artifacts\n        S3Key: resize.zip\n',
      // SAM gives every function the Runtime of Globals unless it names its own.
      'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    # expect\n    Runtime: python3.7\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      CodeUri: src/\n  Jobs:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: jobs.handler\n      Runtime: python3.13\n      CodeUri: src/\n',
    ],
    negative: [
      'Resources:\n  Resize:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs22.x\n      Role: !GetAtt ResizeRole.Arn\n      Code:\n        S3Bucket: artifacts\n        S3Key: resize.zip\n',
      // python3.11 runs on Amazon Linux 2 too, but AWS moved its deprecation to 2027-06-30.
      'Resources:\n  Report:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.11\n      Role: !GetAtt ReportRole.Arn\n      Code:\n        S3Bucket: artifacts\n        S3Key: report.zip\n',
      'Parameters:\n  Runtime:\n    Type: String\nResources:\n  Report:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: example.Handler\n      Runtime: !Ref Runtime\n      Role: !GetAtt ReportRole.Arn\n      Code:\n        S3Bucket: artifacts\n        S3Key: report.zip\n',
      // A container image function has no runtime: its image brings its own.
      'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.8\nResources:\n  Image:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0\n',
    ],
  },
  *check(t) {
    // SAM merges Globals.Function into every function: a Runtime there is the runtime of each one that names none.
    const globalRuntime = pairAt(t, t.globals, 'Function', 'Runtime');
    for (const r of resourcesOf(t, 'AWS::Lambda::Function', 'AWS::Serverless::Function')) {
      if (text(t, prop(t, r, 'PackageType')?.value) === 'Image') continue;
      const own = prop(t, r, 'Runtime');
      const runtime = own ?? (r.type === 'AWS::Serverless::Function' ? globalRuntime : undefined);
      const value = text(t, runtime?.value);
      const since = value === undefined ? undefined : lambdaRuntimeDeprecated(value);
      if (since) yield { line: runtime!.keyLine, message: deprecatedRuntimeMessage(label(r), value!, since, own ? '' : ' (the Runtime of Globals)'), resource: label(r) };
    }
  },
});

/**
 * How an ElastiCache property that turns on authentication reads: 'none' when it is absent
 * (or AWS::NoValue), null, "" or an empty list; 'unknown' when it cannot be read, or is a
 * parameter whose default is "" (the deployer gives the token); 'on' otherwise.
 */
function authSetting(t: CfnTemplate, r: CfnResource, key: string): 'none' | 'unknown' | 'on' {
  const p = prop(t, r, key);
  if (!p) return 'none';
  const target = follow(t, p.value);
  if (target === UNKNOWN) return 'unknown';
  if (isYSeq(target)) return target.items.length === 0 ? 'none' : 'on';
  const v = value(t, p.value);
  if (v === UNKNOWN) return 'unknown';
  if (v === undefined || v === null) return 'none';
  if (v === '') return intrinsic(p.value)?.name === 'Ref' ? 'unknown' : 'none';
  return 'on';
}

/** The resources of a type that a property names: by Ref or GetAtt, or by the id property they set (`UserGroupIds: [app-users]`, the group's UserGroupId). */
function namedResources(t: CfnTemplate, node: YNode | null | undefined, type: string, idKey: string): CfnResource[] {
  const out = referencedIds(t, node).map((id) => resourceById(t, id, type)).filter((r): r is CfnResource => r !== undefined);
  const target = follow(t, node);
  const items = target === UNKNOWN || !target ? [] : isYSeq(target) ? target.items : [target];
  for (const item of items) {
    const name = referencedId(item) === undefined ? text(t, item) : undefined;
    if (name !== undefined) out.push(...resourcesOf(t, type).filter((r) => text(t, prop(t, r, idKey)?.value) === name));
  }
  return out;
}

/**
 * The AWS::ElastiCache::User named "default" that needs no password (NoPasswordRequired,
 * or AuthenticationMode Type no-password-required) and whose access string lets it in, in
 * an AWS::ElastiCache::UserGroup of the template that the property names: every client that
 * connects is that user. Undefined when there is none, or none can be read.
 */
function openDefaultUser(t: CfnTemplate, node: YNode | null | undefined): { group: CfnResource; user: string; access: string } | undefined {
  for (const group of namedResources(t, node, 'AWS::ElastiCache::UserGroup', 'UserGroupId')) {
    const ids = prop(t, group, 'UserIds')?.value;
    const listed = follow(t, ids);
    const items = listed === UNKNOWN || !listed || !isYSeq(listed) ? [] : listed.items;
    // AWS's built-in user, by its id (no user of the template can take it).
    if (items.some((item) => referencedId(item) === undefined && text(t, item) === BUILT_IN_DEFAULT_USER.id)) return { group, user: `AWS's built-in user "${BUILT_IN_DEFAULT_USER.id}"`, access: BUILT_IN_DEFAULT_USER.access };
    for (const user of namedResources(t, ids, 'AWS::ElastiCache::User', 'UserId')) {
      if (text(t, prop(t, user, 'UserName')?.value) !== 'default') continue;
      const noPassword = bool(t, prop(t, user, 'NoPasswordRequired')?.value) === true || text(t, prop(t, user, 'AuthenticationMode', 'Type')?.value) === 'no-password-required';
      const access = text(t, prop(t, user, 'AccessString')?.value);
      if (noPassword && accessStringOpen(access)) return { group, user: label(user), access: access! };
    }
  }
  return undefined;
}

const openMessage = ({ group, user, access }: { group: CfnResource; user: string; access: string }): string =>
  `an RBAC user group ${label(group)} that holds ${user}, a default user that needs no password (AccessString "${access}"): any client that reaches the cache connects as that user without a password.`;

const elasticacheNoAuth: CfnRule = cfnRule({
  id: 'iac/cfn-elasticache-no-auth',
  title: 'ElastiCache Redis or Valkey cache accepts unauthenticated clients',
  description:
    'An ElastiCache replication group running Redis OSS or Valkey (the default engine is Redis) without an AuthToken and without an RBAC user group (UserGroupIds), or a Redis OSS or Valkey serverless cache without a UserGroupId, or with an AWS::ElastiCache::UserGroup of the template whose "default" user (an AWS::ElastiCache::User of UserIds) needs no password (NoPasswordRequired: true, or AuthenticationMode Type no-password-required) and is on with commands to run (AccessString "on ~* +@all", "on ~* +@read"), or that lists AWS\'s built-in user by its id "default" (no password, every command): every client that reaches the cache endpoint (any instance, container or Lambda function in the VPC that its security groups admit, or a peered network) connects as the default user, reads and writes every key and can flush the data, with no password. ElastiCache has no public endpoint, so the cache is not exposed to the internet; a foothold anywhere in the network is enough. A user group or users that cannot be read in the template count as authentication. A secondary member of a global datastore (GlobalReplicationGroupId) is left to the datastore\'s primary; a Memcached cache has no AUTH to turn on, and a single-node AWS::ElastiCache::CacheCluster is not judged (use a replication group).',
  remediation:
    'Replication group: set TransitEncryptionEnabled: true (AUTH needs it) and an AuthToken from Secrets Manager (\'{{resolve:secretsmanager:...}}\') or a NoEcho parameter, or, better, UserGroupIds with an AWS::ElastiCache::UserGroup whose users authenticate by password or IAM and whose default user is disabled ("off") or has no access. Serverless cache: UserGroupId.',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      Engine: redis\n      TransitEncryptionEnabled: true\n',
      'Resources:\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      Engine: valkey\n      TransitEncryptionEnabled: true\n      # expect\n      UserGroupIds: []\n',
      'Resources:\n  # expect\n  Sessions:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      ServerlessCacheName: sessions\n      Engine: valkey\n',
      // A user group whose default user needs no password: every client connects as it.
      'Resources:\n  DefaultUser:\n    Type: AWS::ElastiCache::User\n    Properties:\n      UserId: app-default\n      UserName: default\n      Engine: redis\n      AccessString: on ~* +@all\n      AuthenticationMode:\n        Type: no-password-required\n  AppUsers:\n    Type: AWS::ElastiCache::UserGroup\n    Properties:\n      UserGroupId: app-users\n      Engine: redis\n      UserIds:\n        - !Ref DefaultUser\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      TransitEncryptionEnabled: true\n      # expect\n      UserGroupIds:\n        - !Ref AppUsers\n',
      // AWS's built-in user, listed by its id: no password, every command.
      'Resources:\n  AppUsers:\n    Type: AWS::ElastiCache::UserGroup\n    Properties:\n      UserGroupId: app-users\n      Engine: redis\n      UserIds: [default, !Ref AppUser]\n  Cache:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      ServerlessCacheName: cache\n      Engine: redis\n      # expect\n      UserGroupId: !Ref AppUsers\n',
      // Named by their ids, with NoPasswordRequired.
      'Resources:\n  DefaultUser:\n    Type: AWS::ElastiCache::User\n    Properties:\n      UserId: app-default\n      UserName: default\n      Engine: valkey\n      AccessString: on ~* +@read\n      NoPasswordRequired: true\n  AppUsers:\n    Type: AWS::ElastiCache::UserGroup\n    Properties:\n      UserGroupId: app-users\n      Engine: valkey\n      UserIds: [app-default]\n  Cache:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      ServerlessCacheName: cache\n      Engine: valkey\n      # expect\n      UserGroupId: app-users\n',
    ],
    negative: [
      'Parameters:\n  RedisToken:\n    Type: String\n    NoEcho: true\n    Default: ""\nResources:\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      TransitEncryptionEnabled: true\n      AuthToken: !Ref RedisToken\n  Queue:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: queue\n      TransitEncryptionEnabled: true\n      AuthToken: \'{{resolve:secretsmanager:queue-redis:SecretString:token}}\'\n',
      'Resources:\n  Sessions:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions\n      Engine: valkey\n      TransitEncryptionEnabled: true\n      UserGroupIds:\n        - !Ref AppUsers\n  Cache:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      ServerlessCacheName: cache\n      Engine: redis\n      UserGroupId: !Ref AppUsers\n',
      // The group's default user is off, needs a password, or has no command to run.
      'Resources:\n  Off:\n    Type: AWS::ElastiCache::User\n    Properties:\n      UserId: default-off\n      UserName: default\n      Engine: redis\n      AccessString: off ~* +@all\n      NoPasswordRequired: true\n  Password:\n    Type: AWS::ElastiCache::User\n    Properties:\n      UserId: default-password\n      UserName: default\n      Engine: redis\n      AccessString: on ~* +@all\n      AuthenticationMode:\n        Type: password\n        Passwords:\n          - \'{{resolve:secretsmanager:cache-default:SecretString:password}}\'\n  Nothing:\n    Type: AWS::ElastiCache::User\n    Properties:\n      UserId: default-nothing\n      UserName: default\n      Engine: redis\n      AccessString: on ~* -@all\n      NoPasswordRequired: true\n  GroupA:\n    Type: AWS::ElastiCache::UserGroup\n    Properties:\n      UserGroupId: a\n      Engine: redis\n      UserIds: [!Ref Off]\n  GroupB:\n    Type: AWS::ElastiCache::UserGroup\n    Properties:\n      UserGroupId: b\n      Engine: redis\n      UserIds: [!Ref Password]\n  GroupC:\n    Type: AWS::ElastiCache::UserGroup\n    Properties:\n      UserGroupId: c\n      Engine: redis\n      UserIds: [!Ref Nothing]\n  A:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: a\n      TransitEncryptionEnabled: true\n      UserGroupIds: [!Ref GroupA]\n  B:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: b\n      TransitEncryptionEnabled: true\n      UserGroupIds: [!Ref GroupB]\n  C:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      ServerlessCacheName: c\n      Engine: redis\n      UserGroupId: !Ref GroupC\n',
      // A secondary member of a global datastore is left to its primary; Memcached has no AUTH.
      'Resources:\n  Secondary:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: sessions, secondary region\n      GlobalReplicationGroupId: sessions-global\n  Pages:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      ServerlessCacheName: pages\n      Engine: memcached\n',
    ],
  },
  *check(t) {
    for (const r of redisGroups(t)) {
      if (authSetting(t, r, 'AuthToken') !== 'none') continue;
      if (authSetting(t, r, 'UserGroupIds') !== 'none') {
        const open = openDefaultUser(t, prop(t, r, 'UserGroupIds')!.value);
        if (open) yield { line: prop(t, r, 'UserGroupIds')!.keyLine, message: `${label(r)} has no AuthToken and ${openMessage(open)}`, resource: label(r) };
        continue;
      }
      const groups = prop(t, r, 'UserGroupIds');
      const transit = bool(t, prop(t, r, 'TransitEncryptionEnabled')?.value);
      yield {
        line: groups ? groups.keyLine : r.line,
        message: `${label(r)} has no AuthToken and ${groups ? 'an empty UserGroupIds' : 'no RBAC user group (UserGroupIds)'}: any client that reaches the cache reads and writes every key without a password${transit === undefined || transit === false ? ' (an AuthToken also needs TransitEncryptionEnabled: true)' : ''}.`,
        resource: label(r),
      };
    }
    for (const r of resourcesOf(t, 'AWS::ElastiCache::ServerlessCache')) {
      // The engine is required; one that cannot be read may be Memcached, which has no AUTH.
      const engine = text(t, prop(t, r, 'Engine')?.value)?.toLowerCase();
      if (engine !== 'redis' && engine !== 'valkey') continue;
      if (authSetting(t, r, 'UserGroupId') !== 'none') {
        const open = openDefaultUser(t, prop(t, r, 'UserGroupId')!.value);
        if (open) yield { line: prop(t, r, 'UserGroupId')!.keyLine, message: `${label(r)} has ${openMessage(open)}`, resource: label(r) };
        continue;
      }
      yield { line: r.line, message: `${label(r)} has no RBAC user group (UserGroupId): any client that reaches the cache reads and writes every key without a password.`, resource: label(r) };
    }
  },
});

export const serviceRules: readonly CfnRule[] = [transitNotEncrypted, serviceDataNotEncrypted, lambdaDeprecatedRuntime, elasticacheNoAuth];

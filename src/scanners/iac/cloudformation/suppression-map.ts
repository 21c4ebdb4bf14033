/**
 * Checks of other CloudFormation scanners that a template's resource Metadata may
 * suppress (cfn_nag and cdk_nag `rules_to_suppress`, cfn-guard `SuppressedRules`, checkov `skip`),
 * and the secloop rules whose findings they cover. A foreign id is mapped only when its
 * check reports (at least) everything the secloop rule reports on that kind of resource,
 * so that a suppression the user wrote for it never hides a problem the user has not
 * accepted. Where the secloop rule is wider (one rule for SSH and every database port,
 * one for node-to-node encryption and HTTPS), `only` narrows the mapping to the hits
 * whose message is about the foreign check's case. Ids not listed here suppress nothing.
 */
export interface Covered {
  rule: string;
  /** Only hits whose message matches: the part of a wider secloop rule the foreign check is about. */
  only?: RegExp;
  /** Only hits in resources of these types: the ones the foreign check looks at. */
  types?: readonly string[];
  /**
   * cdk_nag granular rules: the finding ids cdk-nag reports for the hit's case. A
   * suppression with `applies_to` covers the hit only when every group has an id it
   * names (ids in one group are spellings of the same finding). Without `findings`, a
   * suppression with `applies_to` covers nothing, as in cdk-nag.
   */
  findings?: ReadonlyArray<readonly string[]>;
}

export type Tool = 'cfn_nag' | 'cfn-guard' | 'checkov' | 'cdk_nag';

const SG = 'iac/cfn-sg-open-to-internet';
const SECRET = 'iac/cfn-hardcoded-secret';
const AT_REST = 'iac/cfn-service-data-not-encrypted';
const TRANSIT = 'iac/cfn-transit-not-encrypted';
const CACHE_NO_AUTH = 'iac/cfn-elasticache-no-auth';
const DATABASE = 'iac/cfn-database-not-encrypted';
const PUBLIC = 'iac/cfn-publicly-accessible';
const PRINCIPAL = 'iac/cfn-policy-public-principal';
const ADMIN = 'iac/cfn-iam-full-admin';
const TLS = 'iac/cfn-tls-outdated';
const HTTP_LISTENER = 'iac/cfn-lb-http-listener';
const ACL = 'iac/cfn-s3-public-acl';
const ACCESS_LOGGING = 'iac/cfn-s3-no-access-logging';
/** A DynamoDB table without point-in-time recovery (the backups rule's case the foreign checks look at). */
const TABLE_PITR: Covered[] = [{ rule: 'iac/cfn-backups-disabled', only: /has no point-in-time recovery/, types: ['AWS::DynamoDB::Table'] }];
/** An SNS topic without KmsMasterKeyId. */
const TOPIC_KMS: Covered[] = [{ rule: AT_REST, only: /has no KmsMasterKeyId/, types: ['AWS::SNS::Topic'] }];
/** A log group without KmsKeyId. */
const LOG_GROUP_KMS: Covered[] = [{ rule: 'iac/cfn-no-customer-managed-key', types: ['AWS::Logs::LogGroup'] }];

/** The hit of the security group rule that opens exactly this one port and nothing else. */
const onePort = (port: number): RegExp => new RegExp(` opens ${port}/[a-z+]+ \\([^)]*\\) to `);
const NODE_TO_NODE = /NodeToNodeEncryptionOptions/;
const PLAIN_HTTP_ENDPOINT = /EnforceHTTPS/;
const CACHE_AT_REST = /AtRestEncryptionEnabled/;
const CACHE_TRANSIT = /TransitEncryptionEnabled/;
const PUBLIC_READ_ACL = /canned ACL PublicRead\.$/;
const PUBLIC_WRITE_ACL = /canned ACL PublicReadWrite\.$/;
const EVERY_ACTION = /allows every action on every resource/;
/** A service wildcard in Action (`s3:*`): what the "full access" checks see; not Allow with NotAction. */
const SERVICE_WILDCARD = / allows [\w-]+:\*/;
const WILDCARD = 'iac/cfn-iam-service-wildcard';
const USER_POLICY = 'iac/cfn-iam-user-policy';
/** Where a policy can be given to an IAM user: the user's own Policies and ManagedPolicyArns, and the Users of a policy. */
const USER_POLICY_TYPES = ['AWS::IAM::User', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'];
const IAM_TYPES = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::IAM::Group', 'AWS::IAM::User'];

const one = (rule: string, only?: RegExp): Covered[] => [only ? { rule, only } : { rule }];

/** cfn_nag rule ids (https://github.com/stelligent/cfn_nag, lib/cfn-nag/custom_rules). */
const CFN_NAG: Record<string, Covered[]> = {
  W1: one('iac/cfn-init-static-credentials'),
  W2: one(SG),
  F1: one('iac/cfn-ebs-not-encrypted'),
  F3: one(ADMIN),
  F4: one(ADMIN),
  F5: one(ADMIN),
  F13: one('iac/cfn-lambda-permission-public'),
  F14: one(ACL, PUBLIC_WRITE_ACL),
  W31: one(ACL, PUBLIC_READ_ACL),
  F16: one(PRINCIPAL),
  F18: one(PRINCIPAL),
  F21: one(PRINCIPAL),
  F76: one(PRINCIPAL),
  F19: one('iac/cfn-kms-no-rotation'),
  F22: one(PUBLIC),
  W91: one(PUBLIC),
  F25: one(AT_REST, CACHE_AT_REST),
  F33: one(TRANSIT, CACHE_TRANSIT),
  F26: one(DATABASE),
  F27: one(DATABASE),
  F28: one(DATABASE),
  F30: one(DATABASE),
  F29: one(AT_REST, /volume/),
  F32: one(AT_REST, /is not encrypted: set Encrypted/),
  W48: one(AT_REST, /SQS-managed encryption/),
  W49: one(AT_REST, /StreamEncryption/),
  W54: one('iac/cfn-search-not-encrypted'),
  W85: one(TRANSIT, NODE_TO_NODE),
  W55: one(TLS),
  W56: one(HTTP_LISTENER),
  W70: one(TLS),
  W59: one('iac/cfn-apigw-method-no-auth'),
  W79: one('iac/cfn-ecr-no-scan-on-push'),
  W33: one('iac/cfn-subnet-public-ip'),
  W35: one(ACCESS_LOGGING),
  W47: TOPIC_KMS,
  W78: TABLE_PITR,
  W84: LOG_GROUP_KMS,
  // "... must not be a plaintext string": a literal password, token or key in the resource.
  ...Object.fromEntries(
    ['F23', 'F31', 'F34', 'F35', 'F36', 'F37', 'F41', 'F42', 'F43', 'F44', 'F45', 'F46', 'F47', 'F48', 'F49', 'F50', 'F51', 'F52', 'F53', 'F54', 'F55', 'F56', 'F57', 'F58', 'F60', 'F61', 'F62', 'F63', 'F64', 'F65', 'F66', 'F67', 'F68', 'F69', 'F70', 'F71', 'F74', 'F75'].map(
      (id) => [id, one(SECRET)],
    ),
  ),
};

/** cfn-guard rule names of the AWS Guard Rules Registry. */
const GUARD: Record<string, Covered[]> = {
  CFN_AUTHENTICATION_RULE: one('iac/cfn-init-static-credentials'),
  EC2_SECURITY_GROUP_INGRESS_OPEN_TO_WORLD_RULE: one(SG),
  VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS: one(SG),
  INCOMING_SSH_DISABLED: one(SG, onePort(22)),
  ENCRYPTED_VOLUMES: one('iac/cfn-ebs-not-encrypted'),
  CMK_BACKING_KEY_ROTATION_ENABLED: one('iac/cfn-kms-no-rotation'),
  RDS_STORAGE_ENCRYPTED: one(DATABASE),
  RDS_INSTANCE_PUBLIC_ACCESS_CHECK: one(PUBLIC),
  REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK: one(PUBLIC),
  DMS_REPLICATION_NOT_PUBLIC: one(PUBLIC),
  // The registry's two rules require a PublicAccessBlockConfiguration with all four settings on.
  S3_BUCKET_PUBLIC_READ_PROHIBITED: [...one(ACL, PUBLIC_READ_ACL), { rule: 'iac/cfn-s3-public-access-block' }],
  S3_BUCKET_PUBLIC_READ_ACL: one(ACL, PUBLIC_READ_ACL),
  S3_BUCKET_PUBLIC_WRITE_PROHIBITED: [...one(ACL, PUBLIC_WRITE_ACL), { rule: 'iac/cfn-s3-public-access-block' }],
  S3_BUCKET_NO_PUBLIC_RW_ACL: one(ACL, PUBLIC_WRITE_ACL),
  S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED: one('iac/cfn-s3-public-access-block'),
  S3_BUCKET_POLICY_NO_WILDCARD_PRINCIPAL: one(PRINCIPAL),
  SNS_TOPICPOLICY_NO_WILDCARD_PRINCIPAL: one(PRINCIPAL),
  SQS_QUEUEPOLICY_NO_WILDCARD_PRINCIPAL: one(PRINCIPAL),
  KMS_NO_WILDCARD_PRINCIPAL: one(PRINCIPAL),
  LAMBDA_NO_WILDCARD_PRINCIPALS: one('iac/cfn-lambda-permission-public'),
  // Also a service principal without SourceArn, SourceAccount or PrincipalOrgID (the guard rule's second case).
  LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED: [{ rule: 'iac/cfn-lambda-permission-public' }, { rule: 'iac/cfn-lambda-service-permission-unscoped', only: /\(no SourceArn or SourceAccount\)\.$/ }],
  IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS: one(ADMIN),
  // Full access: Allow of "<service>:*" (or "*"), whatever the resource.
  IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS: [...one(ADMIN), { rule: WILDCARD, only: SERVICE_WILDCARD, types: ['AWS::IAM::Policy'] }],
  IAM_MANAGEDPOLICY_NO_STATEMENTS_WITH_FULL_ACCESS: [...one(ADMIN), { rule: WILDCARD, only: SERVICE_WILDCARD, types: ['AWS::IAM::ManagedPolicy'] }],
  IAM_USER_NO_POLICIES_CHECK: [{ rule: USER_POLICY, types: USER_POLICY_TYPES }],
  ECR_REPO_SCAN_ON_PUSH: one('iac/cfn-ecr-no-scan-on-push'),
  ELASTICSEARCH_ENCRYPTED_AT_REST: one('iac/cfn-search-not-encrypted'),
  OPENSEARCH_ENCRYPTED_AT_REST: one('iac/cfn-search-not-encrypted'),
  ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK: one(TRANSIT, NODE_TO_NODE),
  OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK: one(TRANSIT, NODE_TO_NODE),
  ELASTICSEARCH_HTTPS_REQUIRED: one(TRANSIT, PLAIN_HTTP_ENDPOINT),
  OPENSEARCH_HTTPS_REQUIRED: one(TRANSIT, PLAIN_HTTP_ENDPOINT),
  ELASTICACHE_REPLICATION_GROUP_ENCRYPTION_AT_REST: one(AT_REST, CACHE_AT_REST),
  ELASTICACHE_REPLICATION_GROUP_ENCRYPTION_IN_TRANSIT: one(TRANSIT, CACHE_TRANSIT),
  EFS_ENCRYPTED_CHECK: one(AT_REST, /is not encrypted: set Encrypted/),
  KINESIS_STREAM_ENCRYPTION_RULE: one(AT_REST, /StreamEncryption/),
  WORKSPACE_ENCRYPTION_ENABLED: one(AT_REST, /volume/),
  SQS_QUEUE_KMS_MASTER_KEY_ID_RULE: one(AT_REST, /SQS-managed encryption/),
  CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED: one('iac/cfn-cloudtrail-no-log-validation'),
  MULTI_REGION_CLOUD_TRAIL_ENABLED: one('iac/cfn-cloudtrail-single-region'),
  CLOUD_TRAIL_ENCRYPTION_ENABLED: one('iac/cfn-cloudtrail-not-encrypted'),
  CLOUD_TRAIL_ENABLED: one('iac/cfn-cloudtrail-logging-disabled'),
  ELB_TLS_HTTPS_LISTENERS_ONLY: one(HTTP_LISTENER),
  ELBV2_LISTENER_PROTOCOL_RULE: one(HTTP_LISTENER),
  ELBV2_LISTENER_SSL_POLICY_RULE: one(TLS),
  ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK: one(TLS),
  CLOUDFRONT_MINIMUM_PROTOCOL_VERSION_RULE: one(TLS),
  CLOUDFRONT_VIEWER_POLICY_HTTPS: one('iac/cfn-cloudfront-allows-http'),
  EC2_IMDSV2_CHECK: one('iac/cfn-imdsv1'),
  API_GW_METHOD_AUTHORIZATION_TYPE_RULE: one('iac/cfn-apigw-method-no-auth'),
  SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS: one('iac/cfn-sagemaker-notebook-internet'),
  S3_BUCKET_LOGGING_ENABLED: one(ACCESS_LOGGING),
  S3_BUCKET_VERSIONING_ENABLED: one('iac/cfn-s3-no-versioning'),
  SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED: one('iac/cfn-subnet-public-ip'),
  // An instance without SubnetId: the case where secloop says it starts in the default VPC.
  EC2_INSTANCES_IN_VPC: [{ rule: 'iac/cfn-ec2-public-ip', only: /names no subnet/, types: ['AWS::EC2::Instance'] }],
  DYNAMODB_PITR_ENABLED: TABLE_PITR,
  SNS_ENCRYPTED_KMS: TOPIC_KMS,
  CLOUDWATCH_LOG_GROUP_ENCRYPTED: LOG_GROUP_KMS,
  ...Object.fromEntries(
    [
      'RDS_MASTER_USER_PASSWORD_NO_PLAINTEXT_PASSWORD',
      'RDS_CLUSTER_MASTER_USER_PASSWORD_NO_PLAINTEXT_PASSWORD',
      'REDSHIFT_CLUSTER_MASTER_USER_PASSWORD_NO_PLAINTEXT_PASSWORD',
      'AMAZON_MQ_BROKER_USERS_NO_PLAINTEXT_PASSWORD',
      'DMS_NO_PLAINTEXT_PASSWORD',
      'IAM_USER_LOGIN_PROFILE_NO_PLAINTEXT_PASSWORD',
      'MICROSOFT_AD_NO_PLAINTEXT_PASSWORD',
      'KINESIS_FIREHOSE_REDSHIFT_DESTINATION_CONFIGURATION_NO_PLAINTEXT_PASSWORD',
      'KINESIS_FIREHOSE_SPLUNK_DESTINATION_CONFIGURATION_NO_PLAINTEXT_PASSWORD',
    ].map((id) => [id, one(SECRET)]),
  ),
};

/** checkov check ids for CloudFormation (docs "Policy Index: cloudformation"). */
const CHECKOV: Record<string, Covered[]> = {
  CKV_AWS_2: one(HTTP_LISTENER),
  CKV_AWS_103: one(TLS),
  CKV_AWS_174: one(TLS),
  CKV_AWS_3: one('iac/cfn-ebs-not-encrypted'),
  CKV_AWS_5: one('iac/cfn-search-not-encrypted'),
  CKV_AWS_6: one(TRANSIT, NODE_TO_NODE),
  CKV_AWS_83: one(TRANSIT, PLAIN_HTTP_ENDPOINT),
  CKV_AWS_7: one('iac/cfn-kms-no-rotation'),
  CKV_AWS_16: one(DATABASE),
  CKV_AWS_44: one(DATABASE),
  CKV_AWS_64: one(DATABASE),
  CKV_AWS_74: one(DATABASE),
  CKV_AWS_96: one(DATABASE),
  CKV_AWS_17: one(PUBLIC),
  CKV_AWS_69: one(PUBLIC),
  CKV_AWS_87: one(PUBLIC),
  CKV_AWS_89: one(PUBLIC),
  CKV_AWS_20: one(ACL, PUBLIC_READ_ACL),
  CKV_AWS_57: one(ACL, PUBLIC_WRITE_ACL),
  CKV_AWS_53: one('iac/cfn-s3-public-access-block', /turns off BlockPublicAcls\./),
  CKV_AWS_54: one('iac/cfn-s3-public-access-block', /turns off BlockPublicPolicy\./),
  CKV_AWS_55: one('iac/cfn-s3-public-access-block', /turns off IgnorePublicAcls\./),
  CKV_AWS_56: one('iac/cfn-s3-public-access-block', /turns off RestrictPublicBuckets\./),
  CKV_AWS_24: one(SG, onePort(22)),
  CKV_AWS_25: one(SG, onePort(3389)),
  CKV_AWS_277: one(SG, /accepts every protocol and port from /),
  CKV_AWS_27: one(AT_REST, /SQS-managed encryption/),
  CKV_AWS_29: one(AT_REST, CACHE_AT_REST),
  CKV_AWS_30: one(TRANSIT, CACHE_TRANSIT),
  // Fails a replication group without AuthToken (or without TransitEncryptionEnabled): every group without AUTH the secloop rule reports, not its serverless caches.
  CKV_AWS_31: [{ rule: CACHE_NO_AUTH, types: ['AWS::ElastiCache::ReplicationGroup'] }],
  CKV_AWS_42: one(AT_REST, /is not encrypted: set Encrypted/),
  CKV_AWS_43: one(AT_REST, /StreamEncryption/),
  CKV_AWS_155: one(AT_REST, /user volume/),
  CKV_AWS_156: one(AT_REST, /root volume/),
  CKV_AWS_97: one(TRANSIT, /from EFS without TLS/),
  CKV_AWS_32: one(PRINCIPAL),
  CKV_AWS_33: one(PRINCIPAL),
  CKV_AWS_34: one('iac/cfn-cloudfront-allows-http'),
  CKV_AWS_35: one('iac/cfn-cloudtrail-not-encrypted'),
  CKV_AWS_36: one('iac/cfn-cloudtrail-no-log-validation'),
  CKV_AWS_67: one('iac/cfn-cloudtrail-single-region'),
  CKV_AWS_45: one(SECRET),
  CKV_AWS_46: [{ rule: SECRET }, { rule: 'iac/cfn-ec2-static-credentials' }],
  CKV_AWS_51: one('iac/cfn-ecr-mutable-tags'),
  CKV_AWS_163: one('iac/cfn-ecr-no-scan-on-push'),
  CKV_AWS_59: one('iac/cfn-apigw-method-no-auth'),
  CKV_AWS_62: one(ADMIN),
  CKV_AWS_63: one(ADMIN),
  CKV_AWS_79: one('iac/cfn-imdsv1'),
  CKV_AWS_100: one('iac/cfn-eks-nodegroup-ssh-open'),
  CKV_AWS_122: one('iac/cfn-sagemaker-notebook-internet'),
  CKV_AWS_258: one('iac/cfn-lambda-url-no-auth'),
  CKV_AWS_21: one('iac/cfn-s3-no-versioning'),
  CKV_AWS_18: one(ACCESS_LOGGING),
  CKV_AWS_26: TOPIC_KMS,
  CKV_AWS_28: TABLE_PITR,
  CKV_AWS_158: LOG_GROUP_KMS,
  CKV_AWS_91: [{ rule: 'iac/cfn-lb-no-access-logs', types: ['AWS::ElasticLoadBalancingV2::LoadBalancer'] }],
  CKV_AWS_92: [{ rule: 'iac/cfn-lb-no-access-logs', types: ['AWS::ElasticLoadBalancing::LoadBalancer'] }],
  CKV_AWS_58: [{ rule: 'iac/cfn-no-customer-managed-key', only: /its Kubernetes Secrets are not encrypted with a KMS key of the account/, types: ['AWS::EKS::Cluster'] }],
  CKV_AWS_363: one('iac/cfn-lambda-deprecated-runtime'),
  // The Users of an AWS::IAM::Policy.
  CKV_AWS_40: [{ rule: USER_POLICY, types: ['AWS::IAM::Policy'] }],
};

/**
 * cdk-nag rules (https://github.com/cdklabs/cdk-nag, src/rules), with the AwsSolutions
 * id where that pack names the rule by a short suffix; the HIPAA.Security,
 * NIST.800.53.R4, NIST.800.53.R5 and PCI.DSS.321 packs name it `<pack>-<rule>`. A
 * rule reported by another rule of the same pack for the same case (CognitoUserPoolAPIGWAuthorizer
 * beside APIGWAuthorization, IAMPolicyNoStatementsWithFullAccess beside ...AdminAccess for
 * Action "*") is left out: suppressing it does not accept that case in cdk-nag. Left out because
 * cdk-nag passes a case secloop reports: EFSEncrypted (an unset Encrypted), ELB5 (plain
 * HTTP listeners), the S3 public read/write rules (a public ACL under BlockPublicAcls).
 */
const HIPAA = 'HIPAA.Security';
const NIST4 = 'NIST.800.53.R4';
const NIST5 = 'NIST.800.53.R5';
const PCI = 'PCI.DSS.321';
const ALL = [HIPAA, NIST4, NIST5, PCI];
const EC2_GROUPS = ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'];

const CDK_NAG_RULES: Array<{ rule: string; solutions?: string; packs?: string[]; covers: Covered[] }> = [
  { rule: 'EC2RestrictedInbound', solutions: 'EC23', covers: [{ rule: SG, types: EC2_GROUPS }] },
  { rule: 'RDSRestrictedInbound', solutions: 'RDS8', covers: [{ rule: SG, types: ['AWS::RDS::DBSecurityGroup', 'AWS::RDS::DBSecurityGroupIngress'] }] },
  { rule: 'EC2RestrictedSSH', packs: ALL, covers: [{ rule: SG, only: onePort(22), types: EC2_GROUPS }] },
  { rule: 'EC2EBSVolumeEncrypted', solutions: 'EC26', covers: one('iac/cfn-ebs-not-encrypted') },
  { rule: 'RDSStorageEncrypted', solutions: 'RDS2', packs: ALL, covers: [{ rule: DATABASE, types: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'] }] },
  { rule: 'RedshiftClusterEncryptionAtRest', solutions: 'RS6', covers: [{ rule: DATABASE, types: ['AWS::Redshift::Cluster'] }] },
  { rule: 'DocumentDBClusterEncryptionAtRest', solutions: 'DOC1', covers: [{ rule: DATABASE, types: ['AWS::DocDB::DBCluster'] }] },
  { rule: 'NeptuneClusterEncryptionAtRest', solutions: 'N4', covers: [{ rule: DATABASE, types: ['AWS::Neptune::DBCluster'] }] },
  { rule: 'RDSInstancePublicAccess', packs: ALL, covers: [{ rule: PUBLIC, types: ['AWS::RDS::DBInstance'] }] },
  { rule: 'RedshiftClusterPublicAccess', solutions: 'RS8', packs: ALL, covers: [{ rule: PUBLIC, types: ['AWS::Redshift::Cluster'] }] },
  { rule: 'DMSReplicationNotPublic', packs: ALL, covers: [{ rule: PUBLIC, types: ['AWS::DMS::ReplicationInstance'] }] },
  { rule: 'KinesisDataStreamSSE', solutions: 'KDS1', covers: one(AT_REST, /StreamEncryption/) },
  { rule: 'SQSQueueSSE', solutions: 'SQS2', covers: one(AT_REST, /SQS-managed encryption/) },
  { rule: 'ElastiCacheRedisClusterEncryption', solutions: 'AEC3', covers: [{ rule: AT_REST, only: CACHE_AT_REST }, { rule: TRANSIT, only: CACHE_TRANSIT }] },
  // Any replication group without AuthToken, whatever its engine or user groups.
  { rule: 'ElastiCacheRedisClusterRedisAuth', solutions: 'AEC6', covers: [{ rule: CACHE_NO_AUTH, types: ['AWS::ElastiCache::ReplicationGroup'] }] },
  { rule: 'MSKClientToBrokerTLS', solutions: 'MSK2', covers: one(TRANSIT, /lets clients connect in clear text/) },
  { rule: 'MSKBrokerToBrokerTLS', solutions: 'MSK3', covers: one(TRANSIT, /between brokers unencrypted/) },
  { rule: 'KMSBackingKeyRotationEnabled', solutions: 'KMS5', packs: [NIST4, NIST5, PCI], covers: one('iac/cfn-kms-no-rotation') },
  { rule: 'OpenSearchNodeToNodeEncryption', solutions: 'OS2', packs: ALL, covers: one(TRANSIT, NODE_TO_NODE) },
  { rule: 'OpenSearchEncryptedAtRest', solutions: 'OS8', packs: ALL, covers: one('iac/cfn-search-not-encrypted') },
  { rule: 'OpenSearchNoUnsignedOrAnonymousAccess', solutions: 'OS5', covers: [{ rule: PRINCIPAL, types: ['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain'] }] },
  { rule: 'ECROpenAccess', solutions: 'ECR1', covers: [{ rule: PRINCIPAL, types: ['AWS::ECR::Repository'] }] },
  { rule: 'SageMakerNotebookNoDirectInternetAccess', solutions: 'SM3', packs: ALL, covers: one('iac/cfn-sagemaker-notebook-internet') },
  { rule: 'S3BucketLevelPublicAccessProhibited', solutions: 'S2', packs: [HIPAA, NIST5, PCI], covers: one('iac/cfn-s3-public-access-block') },
  {
    rule: 'CloudFrontDistributionHttpsViewerNoOutdatedSSL',
    solutions: 'CFR4',
    covers: [{ rule: TLS, only: /accepts (?:SSLv3|TLSv1|TLSv1_2016) from viewers\.$/, types: ['AWS::CloudFront::Distribution'] }],
  },
  { rule: 'ALBHttpToHttpsRedirection', packs: ALL, covers: [{ rule: HTTP_LISTENER, types: ['AWS::ElasticLoadBalancingV2::Listener'] }] },
  {
    rule: 'APIGWAuthorization',
    solutions: 'APIG4',
    covers: [
      { rule: 'iac/cfn-apigw-method-no-auth', types: ['AWS::ApiGateway::Method'] },
      { rule: 'iac/cfn-apigw-v2-route-no-auth', types: ['AWS::ApiGatewayV2::Route'] },
    ],
  },
  { rule: 'LambdaFunctionPublicAccessProhibited', packs: ALL, covers: one('iac/cfn-lambda-permission-public') },
  { rule: 'EC2IMDSv2Enabled', packs: [HIPAA, NIST4, NIST5], covers: [{ rule: 'iac/cfn-imdsv1', types: ['AWS::EC2::Instance'] }] },
  { rule: 'CloudTrailLogFileValidationEnabled', packs: ALL, covers: one('iac/cfn-cloudtrail-no-log-validation') },
  { rule: 'CloudTrailEncryptionEnabled', packs: ALL, covers: one('iac/cfn-cloudtrail-not-encrypted') },
  { rule: 'IAMPolicyNoStatementsWithAdminAccess', packs: ALL, covers: [{ rule: ADMIN, only: EVERY_ACTION, types: ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::IAM::Group'] }] },
  // Granular: one finding per wildcard action or resource, one per AWS managed policy.
  {
    rule: 'IAMNoWildcardPermissions',
    solutions: 'IAM5',
    // A service wildcard's finding ids name the service (Action::s3:*): only a suppression without applies_to covers it.
    covers: [
      { rule: ADMIN, only: EVERY_ACTION, types: IAM_TYPES, findings: [['Action::*', 'Action::*:*'], ['Resource::*']] },
      { rule: WILDCARD, only: SERVICE_WILDCARD, types: IAM_TYPES },
    ],
  },
  // Service wildcards ("s3:*"); Action "*" is IAMPolicyNoStatementsWithAdminAccess's case.
  { rule: 'IAMPolicyNoStatementsWithFullAccess', packs: [HIPAA, NIST5, PCI], covers: [{ rule: WILDCARD, only: SERVICE_WILDCARD, types: IAM_TYPES }] },
  { rule: 'IAMUserNoPolicies', packs: ALL, covers: [{ rule: USER_POLICY, types: USER_POLICY_TYPES }] },
  {
    rule: 'IAMNoManagedPolicies',
    solutions: 'IAM4',
    covers: [
      {
        rule: ADMIN,
        only: /attaches the AWS managed AdministratorAccess policy/,
        types: ['AWS::IAM::Role', 'AWS::IAM::Group', 'AWS::IAM::User'],
        findings: [['aws', '<AWS::Partition>', 'aws-cn', 'aws-us-gov'].map((partition) => `Policy::arn:${partition}:iam::aws:policy/AdministratorAccess`)],
      },
    ],
  },
];

const CDK_NAG: Record<string, Covered[]> = Object.fromEntries(
  CDK_NAG_RULES.flatMap(({ rule, solutions, packs, covers }) => [
    ...(solutions ? [[`AwsSolutions-${solutions}`, covers] as const] : []),
    ...(packs ?? []).map((pack) => [`${pack}-${rule}`, covers] as const),
  ]),
);

export const FOREIGN_CHECKS: Record<Tool, Record<string, Covered[]>> = { cfn_nag: CFN_NAG, 'cfn-guard': GUARD, checkov: CHECKOV, cdk_nag: CDK_NAG };

/** The secloop rules (and cases of them) a foreign check covers; none for an id secloop has no counterpart of. */
export function coveredBy(tool: Tool, id: string): Covered[] {
  return Object.hasOwn(FOREIGN_CHECKS[tool], id) ? FOREIGN_CHECKS[tool][id]! : [];
}

import type { Hit } from '../../rule.js';
import type { Block } from '../hcl/ast.js';
import { UNKNOWN, type Value } from '../hcl/evaluate.js';
import { isObject } from '../hcl/value.js';
import { jsonAttribute } from '../json-templates.js';
import { attribute, blocksOf, isFalseValue, isTrueValue, label, moduleResourcesOf, referrers, resourcesOf, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { given, known, sections, tfRule, type TfRule } from './common.js';
import { blocksMade, fileInstance, sectionsIn, settingAt } from './instances.js';

/**
 * A boolean setting that must be true: nothing when it is true or cannot be read, a
 * finding on the setting when it is false, on `owner` (the block to add it to) when it
 * is missing and its default is off.
 */
function requireTrue(input: TfInput, resource: TfResource, owner: Block, name: string, what: string, read?: Value): Hit | undefined {
  const a = attribute(owner, name);
  const value = read ?? valueOf(input, owner, name);
  if (isTrueValue(value) || (a && !known(value))) return undefined;
  // Given null (a module variable left at null), the setting is not set and its default (off) applies.
  const said = !a ? `does not set ${name} = true` : value === null ? `leaves ${name} unset (null)` : `sets ${name} = false`;
  return { line: a ? a.line : owner.line, message: `${label(resource)} ${said}: ${what}.`, resource: label(resource) };
}

/**
 * Whether an ElastiCache replication group is a secondary member of a global datastore
 * (global_replication_group_id given): it takes its encryption in transit and at rest
 * from the global datastore's primary, and the provider leaves both flags to it.
 */
export function joinsGlobalDatastore(input: TfInput, group: TfResource): boolean {
  return given(input, group.block, 'global_replication_group_id');
}

/** DMS engines that speak SSL to their database; the others (S3, Kinesis, DynamoDB...) have no ssl_mode to set. */
const DMS_SSL_ENGINES = new Set(['mysql', 'mariadb', 'aurora', 'aurora-serverless', 'aurora-postgresql', 'aurora-postgresql-serverless', 'postgres', 'oracle', 'sqlserver', 'sybase', 'db2', 'db2-zos', 'mongodb', 'docdb', 'redshift', 'redshift-serverless', 'babelfish', 'azuredb', 'azure-sql-managed-instance']);

/** Where Redshift reads require_ssl: the resource type, its parameter blocks, and their name and value fields. */
const REDSHIFT_PARAMETERS: ReadonlyArray<[string, string, string, string]> = [
  ['aws_redshift_parameter_group', 'parameter', 'name', 'value'],
  ['aws_redshiftserverless_workgroup', 'config_parameter', 'parameter_key', 'parameter_value'],
];

const transitNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-transit-not-encrypted',
  title: 'Traffic between service nodes or endpoints not encrypted',
  description:
    'Data travels in clear text inside a managed service or between it and its clients: an Elasticsearch/OpenSearch domain without node-to-node encryption or that accepts plain HTTP (domain_endpoint_options { enforce_https = false }), an ElastiCache replication group without in-transit encryption (not a secondary member of a global datastore: it has the encryption of the datastore\'s primary), a DMS endpoint with ssl_mode "none" (the default) for a database engine, an ECS task definition that mounts an EFS volume without TLS (transit_encryption defaults to "DISABLED"), an EMR cluster without a security_configuration, the only place EMR turns on encryption of the traffic between its nodes (HDFS blocks, shuffle data, Spark and Presto internals), or whose aws_emr_security_configuration turns it off (EnableInTransitEncryption false in its configuration JSON, reported wherever the configuration is used) or, named by a cluster of the module (by reference or by name), has no EncryptionConfiguration or leaves the flag out, as iac/cfn-transit-not-encrypted judges AWS::EMR::SecurityConfiguration; a configuration that cannot be read (a module input) is not judged, or a Redshift parameter group or Redshift Serverless workgroup that sets require_ssl to false, so that SQL clients may connect without TLS. Anyone who can capture traffic in the VPC, or on the path to an external database, reads the records and the credentials sent with them.',
  remediation:
    'Set node_to_node_encryption { enabled = true } and keep enforce_https = true (OpenSearch/Elasticsearch), transit_encryption_enabled = true (ElastiCache), ssl_mode = "require" or "verify-full" on DMS endpoints, transit_encryption = "ENABLED" in efs_volume_configuration (ECS), an aws_emr_security_configuration with EnableInTransitEncryption (and at-rest encryption) named by the cluster\'s security_configuration (EMR), and require_ssl = "true" in the Redshift parameter group or workgroup config_parameter.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      // A dynamic block over a module input, read with its iterator bound to the element its for_each makes.
      'variable "node_to_node_encryption" {\n  default = { enabled = false }\n}\nresource "aws_opensearch_domain" "this" {\n  domain_name = "logs"\n  dynamic "node_to_node_encryption" {\n    for_each = length(var.node_to_node_encryption) > 0 ? [var.node_to_node_encryption] : []\n    content {\n      # expect\n      enabled = try(node_to_node_encryption.value.enabled, true)\n    }\n  }\n}\n',
      // The same dynamic block given {}: it makes no block, and node-to-node encryption stays off.
      'variable "node_to_node_encryption" {\n  default = {}\n}\n# expect\nresource "aws_opensearch_domain" "this" {\n  domain_name = "logs"\n  dynamic "node_to_node_encryption" {\n    for_each = length(var.node_to_node_encryption) > 0 ? [var.node_to_node_encryption] : []\n    content {\n      enabled = try(node_to_node_encryption.value.enabled, true)\n    }\n  }\n}\n',
      '# expect\nresource "aws_opensearch_domain" "logs" {\n  domain_name    = "logs"\n  engine_version = "OpenSearch_2.11"\n}\n',
      'resource "aws_elasticsearch_domain" "logs" {\n  domain_name = "logs"\n  node_to_node_encryption {\n    # expect\n    enabled = false\n  }\n}\n',
      'resource "aws_dms_endpoint" "source" {\n  endpoint_id   = "orders"\n  endpoint_type = "source"\n  engine_name   = "postgres"\n  # expect\n  ssl_mode      = "none"\n}\n',
      '# expect\nresource "aws_emr_cluster" "analytics" {\n  name          = "analytics"\n  release_label = "emr-7.1.0"\n  service_role  = aws_iam_role.emr.arn\n}\n',
      // The security configuration a cluster names turns in-transit encryption off; another, named by its name, is for Kerberos alone.
      'resource "aws_emr_cluster" "analytics" {\n  name                   = "analytics"\n  release_label          = "emr-7.1.0"\n  service_role           = aws_iam_role.emr.arn\n  security_configuration = aws_emr_security_configuration.plain.name\n}\nresource "aws_emr_security_configuration" "plain" {\n  name = "plain"\n  # expect\n  configuration = jsonencode({\n    EncryptionConfiguration = {\n      EnableAtRestEncryption    = true\n      EnableInTransitEncryption = false\n      AtRestEncryptionConfiguration = {\n        S3EncryptionConfiguration = { EncryptionMode = "SSE-S3" }\n      }\n    }\n  })\n}\nresource "aws_emr_cluster" "reports" {\n  name                   = "reports"\n  release_label          = "emr-7.1.0"\n  service_role           = aws_iam_role.emr.arn\n  security_configuration = "kerberos-only"\n}\nresource "aws_emr_security_configuration" "kerberos" {\n  name          = "kerberos-only"\n  # expect\n  configuration = <<EOF\n{"AuthenticationConfiguration": {"KerberosConfiguration": {"Provider": "ClusterDedicatedKdc", "ClusterDedicatedKdcConfiguration": {"TicketLifetimeInHours": 24}}}}\nEOF\n}\n',
      '# expect\nresource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id = "sessions"\n  description          = "sessions"\n  engine               = "redis"\n}\n',
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  node_to_node_encryption {\n    enabled = true\n  }\n  domain_endpoint_options {\n    # expect\n    enforce_https       = false\n    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"\n  }\n}\n',
      'resource "aws_redshift_parameter_group" "dw" {\n  name   = "dw"\n  family = "redshift-1.0"\n  parameter {\n    name  = "require_ssl"\n    # expect\n    value = "false"\n  }\n  parameter {\n    name  = "enable_user_activity_logging"\n    value = "true"\n  }\n}\n',
      // A module toggle that turns SSL off (sadcloud's parameter_group_ssl_not_required), in a dynamic block over a map.
      'variable "ssl_not_required" {\n  default = true\n}\nlocals {\n  parameters = { require_ssl = !var.ssl_not_required, max_concurrency_scaling_clusters = 1 }\n}\nresource "aws_redshift_parameter_group" "dw" {\n  name   = "dw"\n  family = "redshift-1.0"\n  dynamic "parameter" {\n    for_each = local.parameters\n    content {\n      name  = parameter.key\n      # expect\n      value = parameter.value\n    }\n  }\n}\n',
      'resource "aws_redshiftserverless_workgroup" "dw" {\n  namespace_name = aws_redshiftserverless_namespace.dw.namespace_name\n  workgroup_name = "dw"\n  config_parameter {\n    parameter_key   = "require_ssl"\n    # expect\n    parameter_value = "false"\n  }\n}\n',
      'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n  container_definitions = file("app.json")\n  volume {\n    name = "shared"\n    # expect\n    efs_volume_configuration {\n      file_system_id = aws_efs_file_system.shared.id\n    }\n  }\n  volume {\n    name = "other"\n    efs_volume_configuration {\n      file_system_id     = aws_efs_file_system.shared.id\n      # expect\n      transit_encryption = "DISABLED"\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  node_to_node_encryption {\n    enabled = true\n  }\n}\n',
      // A domain_endpoint_options that turns HTTPS off, in a dynamic block that makes nothing: enforce_https stays at its default (true).
      'variable "allow_http" {\n  default = false\n}\nresource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  node_to_node_encryption {\n    enabled = true\n  }\n  dynamic "domain_endpoint_options" {\n    for_each = var.allow_http ? [1] : []\n    content {\n      enforce_https = false\n    }\n  }\n}\n',
      'resource "aws_emr_cluster" "analytics" {\n  name                   = "analytics"\n  release_label          = "emr-7.1.0"\n  service_role           = aws_iam_role.emr.arn\n  security_configuration = aws_emr_security_configuration.encrypted.name\n}\n',
      // In-transit encryption on; a configuration no cluster of the module names is not judged for what it leaves out.
      'resource "aws_emr_cluster" "analytics" {\n  name                   = "analytics"\n  release_label          = "emr-7.1.0"\n  service_role           = aws_iam_role.emr.arn\n  security_configuration = aws_emr_security_configuration.encrypted.name\n}\nresource "aws_emr_security_configuration" "encrypted" {\n  name = "encrypted"\n  configuration = jsonencode({\n    EncryptionConfiguration = {\n      EnableAtRestEncryption    = true\n      EnableInTransitEncryption = true\n      InTransitEncryptionConfiguration = {\n        TLSCertificateConfiguration = { CertificateProviderType = "PEM", S3Object = "s3://example-certs/emr.zip" }\n      }\n    }\n  })\n}\nresource "aws_emr_security_configuration" "unused" {\n  name          = "unused"\n  configuration = jsonencode({ AuthenticationConfiguration = {} })\n}\n',
      'resource "aws_dms_endpoint" "archive" {\n  endpoint_id   = "archive"\n  endpoint_type = "target"\n  engine_name   = "s3"\n  ssl_mode      = "none"\n}\n',
      'resource "aws_dms_endpoint" "source" {\n  endpoint_id   = "orders"\n  endpoint_type = "source"\n  engine_name   = "mysql"\n  ssl_mode      = "verify-full"\n}\n',
      'resource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  transit_encryption_enabled = true\n}\n',
      // A secondary member of a global datastore: it has the encryption of the datastore's primary.
      'resource "aws_elasticache_replication_group" "secondary" {\n  replication_group_id        = "sessions-eu"\n  description                 = "sessions, secondary region"\n  global_replication_group_id = aws_elasticache_global_replication_group.sessions.global_replication_group_id\n}\n',
      'resource "aws_redshift_parameter_group" "dw" {\n  name   = "dw"\n  family = "redshift-1.0"\n  parameter {\n    name  = "require_ssl"\n    value = "true"\n  }\n  parameter {\n    name  = "enable_user_activity_logging"\n    value = "false"\n  }\n}\n',
      // Left out: not reported (the family's default applies).
      'resource "aws_redshift_parameter_group" "dw" {\n  name   = "dw"\n  family = "redshift-1.0"\n  parameter {\n    name  = "max_concurrency_scaling_clusters"\n    value = "1"\n  }\n}\nresource "aws_redshiftserverless_workgroup" "dw" {\n  namespace_name = "dw"\n  workgroup_name = "dw"\n  config_parameter {\n    parameter_key   = "require_ssl"\n    parameter_value = "true"\n  }\n}\n',
      'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n  container_definitions = file("app.json")\n  volume {\n    name = "shared"\n    efs_volume_configuration {\n      file_system_id     = aws_efs_file_system.shared.id\n      transit_encryption = "ENABLED"\n    }\n  }\n  volume {\n    name      = "scratch"\n    host_path = "/ecs/scratch"\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const domain of resourcesOf(input, 'aws_elasticsearch_domain', 'aws_opensearch_domain')) {
      // Read where it is made: a dynamic block's iterator is bound (`enabled = try(node_to_node_encryption.value.enabled, true)`),
      // and one whose for_each is known empty (a module's node_to_node_encryption = {}) makes no block.
      const file = fileInstance(input);
      const block = blocksMade(domain.block, 'node_to_node_encryption', file)[0];
      const hit = requireTrue(input, domain, block ?? domain.block, 'enabled', 'nodes of the domain exchange data unencrypted', block ? settingAt(domain.block, ['node_to_node_encryption', 'enabled'], file).value : undefined);
      if (hit) yield block ? hit : { ...hit, message: `${label(domain)} has no node_to_node_encryption block: nodes of the domain exchange data unencrypted.` };
      // enforce_https defaults to true in the provider: only an explicit false is reported, in a
      // domain_endpoint_options that is made (a dynamic one whose for_each is known empty makes none).
      const https = settingAt(domain.block, ['domain_endpoint_options', 'enforce_https'], file);
      if (https.attribute && isFalseValue(https.value)) yield { line: https.line, message: `${label(domain)} accepts plain HTTP requests (enforce_https = false).`, resource: label(domain) };
    }
    for (const group of resourcesOf(input, 'aws_elasticache_replication_group')) {
      if (typeof valueOf(input, group.block, 'engine') === 'string' && valueOf(input, group.block, 'engine') !== 'redis' && valueOf(input, group.block, 'engine') !== 'valkey') continue;
      if (joinsGlobalDatastore(input, group)) continue;
      const hit = requireTrue(input, group, group.block, 'transit_encryption_enabled', 'clients and replicas talk to the cache in clear text');
      if (hit) yield hit;
    }
    for (const task of resourcesOf(input, 'aws_ecs_task_definition')) {
      // The elements of a dynamic "volume" block share their lines: one finding per line.
      const reported = new Set<number>();
      for (const volume of sections(input, task.block, 'volume')) {
        if (!volume.block) continue;
        for (const efs of sections(input, volume.block, 'efs_volume_configuration', volume.instance)) {
          const mode = efs.get('transit_encryption');
          const written = mode !== undefined && mode !== null;
          if (written && !(typeof mode === 'string' && mode.toUpperCase() === 'DISABLED')) continue;
          const line = written ? efs.lineOf('transit_encryption') : efs.line;
          if (reported.has(line)) continue;
          reported.add(line);
          const name = volume.get('name');
          yield { line, message: `${label(task)} mounts ${typeof name === 'string' ? `volume ${name}` : 'an EFS volume'} from EFS without TLS (transit_encryption ${written ? '= "DISABLED"' : 'defaults to "DISABLED"'}).`, resource: label(task) };
        }
      }
    }
    // In-transit encryption between the nodes is turned on only by a security configuration.
    for (const cluster of resourcesOf(input, 'aws_emr_cluster')) {
      if (given(input, cluster.block, 'security_configuration')) continue;
      yield { line: cluster.block.line, message: `${label(cluster)} has no security_configuration: its nodes exchange HDFS blocks, shuffle data and job traffic unencrypted.`, resource: label(cluster) };
    }
    for (const configuration of resourcesOf(input, 'aws_emr_security_configuration')) {
      const hit = emrTransitOff(input, configuration);
      if (hit) yield hit;
    }
    // require_ssl turned off in a Redshift parameter group or a Redshift Serverless workgroup: only an explicit false,
    // never a group that leaves it out (what a cluster then gets depends on its parameter group family and creation date).
    for (const [type, block, key, value] of REDSHIFT_PARAMETERS) {
      for (const group of resourcesOf(input, type)) {
        // The elements of a dynamic block share its lines: one finding per line.
        const reported = new Set<number>();
        for (const parameter of sections(input, group.block, block)) {
          const name = parameter.get(key);
          if (typeof name !== 'string' || name.toLowerCase() !== 'require_ssl' || !isFalseValue(parameter.get(value))) continue;
          const line = parameter.lineOf(value);
          if (reported.has(line)) continue;
          reported.add(line);
          yield { line, message: `${label(group)} sets require_ssl to false: SQL clients may connect to the data warehouse without TLS.`, resource: label(group) };
        }
      }
    }
    for (const endpoint of resourcesOf(input, 'aws_dms_endpoint')) {
      const engine = valueOf(input, endpoint.block, 'engine_name');
      if (typeof engine !== 'string' || !DMS_SSL_ENGINES.has(engine.toLowerCase())) continue;
      const mode = attribute(endpoint.block, 'ssl_mode');
      const value = valueOf(input, endpoint.block, 'ssl_mode');
      if (mode && value !== 'none') continue;
      yield { line: mode ? mode.line : endpoint.block.line, message: `${label(endpoint)} connects to its ${engine} database without SSL (ssl_mode ${mode ? '= "none"' : 'defaults to "none"'}).`, resource: label(endpoint) };
    }
  },
});

/**
 * The EMR clusters of the module whose security_configuration names a configuration: by
 * reference (aws_emr_security_configuration.this.name), or by the name it is given.
 */
function emrClustersUsing(input: TfInput, configuration: TfResource): TfResource[] {
  const byReference = referrers(input, written(configuration), ['aws_emr_cluster'], 'security_configuration');
  const name = valueOf(input, configuration.block, 'name');
  const byName = typeof name === 'string' ? moduleResourcesOf(input, 'aws_emr_cluster').filter((c) => valueOf(input, c.block, 'security_configuration') === name) : [];
  return [...new Set([...byReference, ...byName])];
}

/**
 * An EMR security configuration that leaves the traffic between the nodes unencrypted, as
 * iac/cfn-transit-not-encrypted judges AWS::EMR::SecurityConfiguration: EncryptionConfiguration
 * EnableInTransitEncryption false, or, for one that clusters of the module use, no
 * EncryptionConfiguration (a configuration for Kerberos or Lake Formation alone) or one without
 * the flag. The configuration is JSON (jsonencode, a heredoc, file(), a template: jsonAttribute),
 * one value reported on its attribute; one that cannot be read (a module input) is not judged.
 */
function emrTransitOff(input: TfInput, configuration: TfResource): Hit | undefined {
  const a = attribute(configuration.block, 'configuration');
  const document = jsonAttribute(input, configuration.block, 'configuration');
  if (!a || !isObject(document)) return undefined;
  const encryption = document.EncryptionConfiguration;
  if (encryption === UNKNOWN || (encryption !== undefined && !isObject(encryption))) return undefined;
  const flag = encryption?.EnableInTransitEncryption;
  const clusters = emrClustersUsing(input, configuration);
  const users = clusters.length > 0 ? ` (used by ${clusters.map(label).join(', ')})` : '';
  const message = (what: string) => `${label(configuration)}${users} ${what}: the nodes of its clusters exchange HDFS blocks, shuffle data and job traffic unencrypted.`;
  if (flag === false || flag === 'false') return { line: a.line, message: message('turns off in-transit encryption (EnableInTransitEncryption: false)'), resource: label(configuration) };
  if (flag === undefined && clusters.length > 0) return { line: a.line, message: message(encryption === undefined ? 'has no EncryptionConfiguration' : 'does not turn on in-transit encryption (EnableInTransitEncryption)'), resource: label(configuration) };
  return undefined;
}

/**
 * Glue encryption settings: block, mode attribute, and the KMS mode that cannot work
 * without kms_key_arn. CloudWatch Logs has no AWS managed key to fall back on and
 * client-side encryption of bookmarks needs a key to encrypt with; S3 SSE-KMS without a
 * key uses the aws/s3 managed key, so it is not listed.
 */
const GLUE_PARTS: ReadonlyArray<[string, string, string | undefined]> = [
  ['cloudwatch_encryption', 'cloudwatch_encryption_mode', 'SSE-KMS'],
  ['job_bookmarks_encryption', 'job_bookmarks_encryption_mode', 'CSE-KMS'],
  ['s3_encryption', 's3_encryption_mode', undefined],
];

const serviceDataNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-service-data-not-encrypted',
  title: 'Service data stored unencrypted',
  description:
    'A service stores data at rest without encryption: a Glue security configuration that leaves job logs, bookmarks or S3 output unencrypted (or asks for KMS encryption of logs or bookmarks without naming a key), an API Gateway stage that caches responses without encrypting the cache, WorkSpaces root or user volumes, or an Athena database whose query results are written without an encryption configuration. These copies often hold the same personal data as the source systems, outside their protection.',
  remediation: 'Glue: set every *_encryption_mode to a KMS mode (SSE-KMS, CSE-KMS) with kms_key_arn. API Gateway: cache_data_encrypted = true wherever caching_enabled = true. WorkSpaces: root_volume_encryption_enabled and user_volume_encryption_enabled = true with volume_encryption_key. Athena: add encryption_configuration (SSE_KMS with a key).',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'resource "aws_glue_security_configuration" "etl" {\n  name = "etl"\n  encryption_configuration {\n    cloudwatch_encryption {\n      cloudwatch_encryption_mode = "SSE-KMS"\n      kms_key_arn                = aws_kms_key.glue.arn\n    }\n    job_bookmarks_encryption {\n      # expect\n      job_bookmarks_encryption_mode = "DISABLED"\n    }\n    s3_encryption {\n      s3_encryption_mode = "SSE-KMS"\n      kms_key_arn        = aws_kms_key.glue.arn\n    }\n  }\n}\n',
      // Modules write the parts as dynamic blocks over an input: read with the iterator bound, and a mode left at null is not set (its default is "DISABLED").
      'variable "s3_encryption" {\n  default = { mode = "DISABLED" }\n}\nvariable "bookmarks_mode" {\n  default = null\n}\nresource "aws_glue_security_configuration" "etl" {\n  name = "etl"\n  encryption_configuration {\n    cloudwatch_encryption {\n      cloudwatch_encryption_mode = "SSE-KMS"\n      kms_key_arn                = aws_kms_key.glue.arn\n    }\n    job_bookmarks_encryption {\n      # expect\n      job_bookmarks_encryption_mode = var.bookmarks_mode\n    }\n    dynamic "s3_encryption" {\n      for_each = [var.s3_encryption]\n      content {\n        # expect\n        s3_encryption_mode = s3_encryption.value.mode\n      }\n    }\n  }\n}\n',
      'resource "aws_api_gateway_method_settings" "all" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  stage_name  = "prod"\n  method_path = "*/*"\n  # expect\n  settings {\n    caching_enabled = true\n  }\n}\n',
      'resource "aws_workspaces_workspace" "dev" {\n  directory_id                   = aws_workspaces_directory.corp.id\n  bundle_id                      = "wsb-0123456789"\n  user_name                      = "dev"\n  # expect\n  root_volume_encryption_enabled = false\n  user_volume_encryption_enabled = true\n  volume_encryption_key          = "alias/aws/workspaces"\n}\n',
      '# expect\nresource "aws_athena_database" "events" {\n  name   = "events"\n  bucket = aws_s3_bucket.results.id\n}\n',
      'variable "encryption_configuration" {\n  default = null\n}\n# expect\nresource "aws_athena_database" "this" {\n  name   = "events"\n  bucket = aws_s3_bucket.results.id\n  dynamic "encryption_configuration" {\n    for_each = var.encryption_configuration != null ? [var.encryption_configuration] : []\n    content {\n      encryption_option = encryption_configuration.value.encryption_option\n      kms_key           = try(encryption_configuration.value.kms_key, null)\n    }\n  }\n}\n',
      'resource "aws_glue_security_configuration" "etl" {\n  name = "etl"\n  encryption_configuration {\n    # expect\n    cloudwatch_encryption {\n      cloudwatch_encryption_mode = "SSE-KMS"\n    }\n    job_bookmarks_encryption {\n      job_bookmarks_encryption_mode = "CSE-KMS"\n      kms_key_arn                   = aws_kms_key.glue.arn\n    }\n    s3_encryption {\n      s3_encryption_mode = "SSE-KMS"\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_glue_security_configuration" "etl" {\n  name = "etl"\n  encryption_configuration {\n    cloudwatch_encryption {\n      cloudwatch_encryption_mode = "SSE-KMS"\n      kms_key_arn                = aws_kms_key.glue.arn\n    }\n    job_bookmarks_encryption {\n      job_bookmarks_encryption_mode = "CSE-KMS"\n      kms_key_arn                   = aws_kms_key.glue.arn\n    }\n    s3_encryption {\n      s3_encryption_mode = "SSE-S3"\n    }\n  }\n}\n',
      'variable "s3_encryption" {\n  default = { mode = "SSE-KMS" }\n}\nresource "aws_glue_security_configuration" "etl" {\n  name = "etl"\n  encryption_configuration {\n    cloudwatch_encryption {\n      cloudwatch_encryption_mode = "SSE-KMS"\n      kms_key_arn                = aws_kms_key.glue.arn\n    }\n    job_bookmarks_encryption {\n      job_bookmarks_encryption_mode = "CSE-KMS"\n      kms_key_arn                   = aws_kms_key.glue.arn\n    }\n    dynamic "s3_encryption" {\n      for_each = [var.s3_encryption]\n      content {\n        s3_encryption_mode = s3_encryption.value.mode\n      }\n    }\n  }\n}\n',
      'resource "aws_api_gateway_method_settings" "all" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  stage_name  = "prod"\n  method_path = "*/*"\n  settings {\n    metrics_enabled = true\n  }\n}\n',
      'resource "aws_athena_database" "events" {\n  name   = "events"\n  bucket = aws_s3_bucket.results.id\n  encryption_configuration {\n    encryption_option = "SSE_KMS"\n    kms_key           = aws_kms_key.athena.arn\n  }\n}\n',
      'variable "encryption_configuration" {\n  default = { encryption_option = "SSE_S3" }\n}\nresource "aws_athena_database" "this" {\n  name   = "events"\n  bucket = aws_s3_bucket.results.id\n  dynamic "encryption_configuration" {\n    for_each = var.encryption_configuration != null ? [var.encryption_configuration] : []\n    content {\n      encryption_option = encryption_configuration.value.encryption_option\n      kms_key           = try(encryption_configuration.value.kms_key, null)\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const config of resourcesOf(input, 'aws_glue_security_configuration')) {
      // Every block read where it is made, dynamic ones with their iterators bound (one section per element), and a
      // mode given null (a module variable left at null) read as not set: its default is "DISABLED".
      // The elements of a dynamic block share its lines: one finding per part and line.
      const reported = new Set<string>();
      const said = (part: string, line: number, message: string): Hit | undefined => (reported.has(`${part} ${line}`) ? undefined : (reported.add(`${part} ${line}`), { line, message, resource: label(config) }));
      for (const encryption of sectionsIn(config.block, 'encryption_configuration', fileInstance(input), { made: true })) {
        if (!encryption.block) continue;
        for (const [part, modeName, needsKey] of GLUE_PARTS) {
          const what = part.replace(/_encryption$/, '').replace('_', ' ');
          const blocks = sectionsIn(encryption.block, part, encryption.instance, { made: true }).filter((b) => b.block);
          if (blocks.length === 0) {
            const found = said(part, encryption.line, `${label(config)} leaves ${what} data unencrypted (${modeName} is not set).`);
            if (found) yield found;
          }
          for (const block of blocks) {
            const value = block.get(modeName);
            const written = value !== undefined && value !== null;
            let found: Hit | undefined;
            if (needsKey && typeof value === 'string' && value.toUpperCase() === needsKey) {
              const key = block.get('kms_key_arn');
              if (key !== undefined && key !== '' && key !== null) continue;
              found = said(part, block.line, `${label(config)} asks for ${needsKey} encryption of ${what} data without kms_key_arn: there is no key to encrypt with.`);
            } else if (written && (!known(value) || String(value).toUpperCase() !== 'DISABLED')) continue;
            else found = said(part, block.lineOf(modeName), `${label(config)} leaves ${what} data unencrypted (${modeName} is ${written ? '"DISABLED"' : 'not set'}).`);
            if (found) yield found;
          }
        }
      }
    }
    for (const settings of resourcesOf(input, 'aws_api_gateway_method_settings')) {
      for (const block of blocksOf(settings.block, 'settings')) {
        if (!isTrueValue(valueOf(input, block, 'caching_enabled'))) continue;
        const hit = requireTrue(input, settings, block, 'cache_data_encrypted', 'cached responses are stored unencrypted');
        if (hit) yield hit;
      }
    }
    for (const workspace of resourcesOf(input, 'aws_workspaces_workspace')) {
      for (const name of ['root_volume_encryption_enabled', 'user_volume_encryption_enabled']) {
        const hit = requireTrue(input, workspace, workspace.block, name, `the ${name.split('_')[0]} volume is stored unencrypted`);
        if (hit) yield hit;
      }
    }
    for (const database of resourcesOf(input, 'aws_athena_database')) {
      // Only an encryption_configuration that may be made counts (a dynamic one whose for_each is known empty makes none).
      if (blocksMade(database.block, 'encryption_configuration', fileInstance(input)).length > 0) continue;
      yield { line: database.block.line, message: `${label(database)} has no encryption_configuration: query results are written without Athena encryption.`, resource: label(database), severity: 'low' };
    }
  },
});

export const encryptionRules: readonly TfRule[] = [transitNotEncrypted, serviceDataNotEncrypted];

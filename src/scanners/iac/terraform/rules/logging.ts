import type { Hit } from '../../rule.js';
import { UNKNOWN } from '../hcl/evaluate.js';
import { asStrings, attribute, isFalseValue, isTrueValue, label, referrers, resourcesOf, valueOf, type TfInput, type TfResource } from '../model.js';
import { tfRule, type TfRule } from './common.js';
import { fileInstance, sectionsIn, settingAt } from './instances.js';

/**
 * A list of log types to export: a finding when it is missing, empty, or lacks the
 * `needed` type (the one that records who did what). Unreadable lists are left alone.
 */
function exportsList(input: TfInput, resource: TfResource, name: string, needed?: string): Hit | undefined {
  const a = attribute(resource.block, name);
  const value = a ? valueOf(input, resource.block, name) : undefined;
  if (a && (value === UNKNOWN || asStrings(value) === undefined)) return undefined;
  const types = asStrings(value) ?? [];
  if (types.length > 0 && (!needed || types.includes(needed))) return undefined;
  const what = types.length === 0 ? 'exports no logs' : `does not export its ${needed} log`;
  return { line: a ? a.line : resource.block.line, message: `${label(resource)} ${what} (${name}${a ? '' : ' is not set'}).`, resource: label(resource) };
}

const logsNotExported: TfRule = tfRule({
  id: 'iac/tf-aws-service-logs-not-exported',
  title: 'Database, cluster or broker keeps no logs',
  description:
    'A managed service does not export its logs: an RDS or Aurora database with no CloudWatch log exports, a Neptune or DocumentDB cluster without its audit log, an EKS control plane without the audit log, a Redshift cluster without audit logging, an Amazon MQ broker without its audit (ActiveMQ) or general (RabbitMQ) log, or an OpenSearch/Elasticsearch domain that publishes no log. After an incident there is then no record of who connected and what they did.',
  remediation: 'Enable the exports: enabled_cloudwatch_logs_exports (RDS, DocumentDB), enable_cloudwatch_logs_exports = ["audit"] (Neptune), enabled_cluster_log_types including "audit" (EKS), logging { enable = true } or aws_redshift_logging (Redshift), logs { audit = true } (MQ), log_publishing_options (OpenSearch).',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "aws_db_instance" "orders" {\n  engine         = "postgres"\n  instance_class = "db.t3.small"\n}\n',
      'resource "aws_neptune_cluster" "graph" {\n  cluster_identifier             = "graph"\n  # expect\n  enable_cloudwatch_logs_exports = ["slowquery"]\n}\n',
      'resource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n  logging {\n    # expect\n    enable = false\n  }\n}\n',
      'resource "aws_mq_broker" "events" {\n  broker_name = "events"\n  engine_type = "ActiveMQ"\n  # expect\n  logs {\n    general = true\n  }\n}\n',
      '# expect\nresource "aws_mq_broker" "events" {\n  broker_name = "events"\n  engine_type = var.engine\n}\n',
      '# expect\nresource "aws_eks_cluster" "main" {\n  name     = "main"\n  role_arn = aws_iam_role.eks.arn\n}\n',
      'resource "aws_opensearch_domain" "search" {\n  domain_name = "search"\n  log_publishing_options {\n    cloudwatch_log_group_arn = aws_cloudwatch_log_group.search.arn\n    log_type                 = "AUDIT_LOGS"\n    # expect\n    enabled                  = false\n  }\n}\n',
      // Options as modules write them: a dynamic block over a list, read with its iterator bound; an empty list publishes nothing.
      'variable "log_publishing_options" {\n  default = []\n}\n# expect\nresource "aws_opensearch_domain" "this" {\n  domain_name = "search"\n  dynamic "log_publishing_options" {\n    for_each = { for opt in var.log_publishing_options : opt.log_type => opt }\n    content {\n      cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:search"\n      enabled                  = try(log_publishing_options.value.enabled, true)\n      log_type                 = log_publishing_options.value.log_type\n    }\n  }\n}\n',
      'variable "log_publishing_options" {\n  default = [{ log_type = "AUDIT_LOGS", enabled = false }]\n}\nresource "aws_opensearch_domain" "this" {\n  domain_name = "search"\n  dynamic "log_publishing_options" {\n    for_each = { for opt in var.log_publishing_options : opt.log_type => opt }\n    content {\n      cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:search"\n      # expect\n      enabled                  = try(log_publishing_options.value.enabled, true)\n      log_type                 = log_publishing_options.value.log_type\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_db_instance" "orders" {\n  engine                          = "postgres"\n  enabled_cloudwatch_logs_exports = ["postgresql"]\n}\n',
      'resource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n}\nresource "aws_redshift_logging" "dw" {\n  cluster_identifier   = aws_redshift_cluster.dw.id\n  log_destination_type = "cloudwatch"\n}\n',
      'resource "aws_mq_broker" "events" {\n  broker_name = "events"\n  engine_type = "RabbitMQ"\n  logs {\n    general = true\n  }\n}\n',
      'resource "aws_mq_broker" "events" {\n  broker_name = "events"\n  engine_type = var.engine\n  logs {\n    general = true\n  }\n}\n',
      'resource "aws_eks_cluster" "main" {\n  name                      = "main"\n  enabled_cluster_log_types = ["api", "audit", "authenticator"]\n}\n',
      'variable "log_publishing_options" {\n  default = [{ log_type = "INDEX_SLOW_LOGS" }, { log_type = "AUDIT_LOGS" }]\n}\nresource "aws_opensearch_domain" "this" {\n  domain_name = "search"\n  dynamic "log_publishing_options" {\n    for_each = { for opt in var.log_publishing_options : opt.log_type => opt }\n    content {\n      cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:search"\n      enabled                  = try(log_publishing_options.value.enabled, true)\n      log_type                 = log_publishing_options.value.log_type\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const db of resourcesOf(input, 'aws_db_instance', 'aws_rds_cluster')) {
      const hit = exportsList(input, db, 'enabled_cloudwatch_logs_exports');
      if (hit) yield hit;
    }
    for (const cluster of resourcesOf(input, 'aws_neptune_cluster')) {
      const hit = exportsList(input, cluster, 'enable_cloudwatch_logs_exports', 'audit');
      if (hit) yield hit;
    }
    for (const cluster of resourcesOf(input, 'aws_docdb_cluster')) {
      const hit = exportsList(input, cluster, 'enabled_cloudwatch_logs_exports', 'audit');
      if (hit) yield hit;
    }
    for (const cluster of resourcesOf(input, 'aws_eks_cluster')) {
      // The EKS module's default log types changed across releases: only a given input is read.
      if (cluster.module && !attribute(cluster.block, 'enabled_cluster_log_types')) continue;
      const hit = exportsList(input, cluster, 'enabled_cluster_log_types', 'audit');
      if (hit) yield hit;
    }
    const file = fileInstance(input);
    for (const cluster of resourcesOf(input, 'aws_redshift_cluster')) {
      if (referrers(input, cluster, ['aws_redshift_logging'], 'cluster_identifier').length > 0) continue;
      // Nested settings are read where they are made (a module's dynamic block over its input, with the iterator bound).
      const { attribute: enable, value, line } = settingAt(cluster.block, ['logging', 'enable'], file);
      // enable given null (a module variable left at null) is not set: logging stays off.
      if (isTrueValue(value) || (enable && value !== null && !isFalseValue(value))) continue;
      yield { line, message: `${label(cluster)} has audit logging ${isFalseValue(value) ? 'disabled' : 'not enabled'}.`, resource: label(cluster) };
    }
    for (const broker of resourcesOf(input, 'aws_mq_broker')) {
      const engine = valueOf(input, broker.block, 'engine_type');
      const section = sectionsIn(broker.block, 'logs', file, { made: true }).find((l) => l.block);
      const logs = section?.block;
      if (typeof engine !== 'string') {
        // Engine not known, so neither is the log that matters; but a broker that publishes neither log keeps none.
        const on = (name: string) => logs !== undefined && attribute(logs, name) !== undefined && section!.get(name) !== null && !isFalseValue(section!.get(name));
        const off = logs ? (attribute(logs, 'general') ?? attribute(logs, 'audit')) : undefined;
        if (!on('general') && !on('audit')) yield { line: off?.line ?? logs?.line ?? broker.block.line, message: `${label(broker)} publishes no logs (neither general nor audit).`, resource: label(broker) };
        continue;
      }
      const needed = engine.toLowerCase() === 'rabbitmq' ? 'general' : 'audit';
      const flag = logs ? attribute(logs, needed) : undefined;
      const value = section?.get(needed);
      // A flag given null (a module variable left at null) is not set: the log stays off.
      if (isTrueValue(value) || (flag && value !== null && !isFalseValue(value))) continue;
      yield { line: flag?.line ?? logs?.line ?? broker.block.line, message: `${label(broker)} does not publish its ${needed} log.`, resource: label(broker) };
    }
    for (const domain of resourcesOf(input, 'aws_elasticsearch_domain', 'aws_opensearch_domain')) {
      // Modules write one dynamic block over a list of options (`for_each = { for opt in var.log_publishing_options : opt.log_type => opt }`,
      // `enabled = try(log_publishing_options.value.enabled, true)`): each element is read, and an empty list publishes nothing.
      const options = sectionsIn(domain.block, 'log_publishing_options', file, { made: true });
      if (options.some((o) => !isFalseValue(o.get('enabled')))) continue;
      const off = options.map((o) => o.block && attribute(o.block, 'enabled')).find((a) => a !== undefined);
      yield { line: off?.line ?? domain.block.line, message: `${label(domain)} publishes no logs.`, resource: label(domain) };
    }
  },
});

export const loggingRules: readonly TfRule[] = [logsNotExported];

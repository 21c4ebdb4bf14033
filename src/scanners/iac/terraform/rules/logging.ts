import type { Hit } from '../../rule.js';
import { UNKNOWN } from '../hcl/evaluate.js';
import { asStrings, attribute, isFalseValue, isTrueValue, label, referrers, resourcesOf, valueOf, type TfInput, type TfResource } from '../model.js';
import { accessLogsRecord, NO_ACCESS_LOGS_NOTE } from '../../aws-load-balancers.js';
import { known, tfRule, type TfRule } from './common.js';
import { fileInstance, sectionsIn, settingAt } from './instances.js';

/**
 * A list of log types to export: a finding when it is missing, empty, or lacks the
 * `needed` type (the one that records who did what). Unreadable lists are left alone.
 */
function exportsList(input: TfInput, resource: TfResource, name: string, needed?: string): Hit | undefined {
  const a = attribute(resource.block, name);
  const value = a ? valueOf(input, resource.block, name) : undefined;
  if (a && (value === UNKNOWN || asStrings(value) === undefined)) return undefined;
  // An entry known only at apply ([var.log_type]) may be the type needed.
  if (Array.isArray(value) && value.some((v) => typeof v !== 'string')) return undefined;
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
      // Types known only at apply: the list may hold the one needed.
      'variable "log_type" {\n  type = string\n}\nresource "aws_db_instance" "orders" {\n  engine                          = "postgres"\n  enabled_cloudwatch_logs_exports = [var.log_type]\n}\nresource "aws_eks_cluster" "main" {\n  name                      = "main"\n  enabled_cluster_log_types = ["api", var.log_type]\n}\n',
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
      // A module's cluster is read only with log types from its input or its release's default (registry.ts).
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

const LB_LISTENERS = ['aws_lb_listener', 'aws_alb_listener'];

/** Whether a load balancer's access logs would record anything (aws-load-balancers.ts), or undefined when its type cannot be read. */
function lbLogsRecord(input: TfInput, lb: TfResource): boolean | undefined {
  const type = lb.type === 'aws_elb' ? 'application' : (valueOf(input, lb.block, 'load_balancer_type') ?? 'application');
  if (typeof type !== 'string') return undefined;
  const tls = () => referrers(input, lb, LB_LISTENERS, 'load_balancer_arn').some((l) => {
    const protocol = valueOf(input, l.block, 'protocol');
    return typeof protocol === 'string' && protocol.toUpperCase() === 'TLS';
  });
  return accessLogsRecord(type.toLowerCase(), type.toLowerCase() === 'network' && tls());
}

const lbNoAccessLogs: TfRule = tfRule({
  id: 'iac/tf-aws-lb-no-access-logs',
  title: 'Load balancer without access logs',
  description: `An application load balancer (aws_lb, aws_alb), a network load balancer with a TLS listener, or a classic load balancer (aws_elb) does not write access logs to S3: ${NO_ACCESS_LOGS_NOTE}, such as which addresses probed the application or which requests came before a breach. aws_lb keeps no access logs unless an access_logs block says enabled = true (the provider's default is false, even with a bucket); aws_elb logs once it has an access_logs block (enabled defaults to true there). A gateway load balancer has no access logs and is not reported, nor is a network load balancer without a TLS listener in the configuration (only TLS requests are logged). For the terraform-aws-modules/alb module the access_logs input is read (from 5.0.0, where 5.x-8.x turn logs off when it names no bucket; earlier releases logged to log_bucket_name by default).`,
  remediation: 'Add access_logs { bucket = <log bucket>, enabled = true } (the alb module: access_logs = { bucket = ... }), with a bucket policy that lets Elastic Load Balancing write to it.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "aws_lb" "web" {\n  name    = "web"\n  subnets = var.public_subnets\n}\n',
      'resource "aws_lb" "web" {\n  name    = "web"\n  subnets = var.public_subnets\n  # expect\n  access_logs {\n    bucket = "lb-logs"\n  }\n}\n',
      'resource "aws_alb" "web" {\n  name = "web"\n  access_logs {\n    bucket  = "lb-logs"\n    # expect\n    enabled = false\n  }\n}\n',
      '# expect\nresource "aws_elb" "classic" {\n  name               = "classic"\n  availability_zones = ["eu-west-1a"]\n  listener {\n    instance_port     = 8443\n    instance_protocol = "https"\n    lb_port           = 443\n    lb_protocol       = "https"\n  }\n}\n',
      '# expect\nresource "aws_lb" "tcp" {\n  name               = "tcp"\n  load_balancer_type = "network"\n}\nresource "aws_lb_listener" "tls" {\n  load_balancer_arn = aws_lb.tcp.arn\n  port              = 443\n  protocol          = "TLS"\n  certificate_arn   = aws_acm_certificate.web.arn\n}\n',
      '# expect\nmodule "alb" {\n  source  = "terraform-aws-modules/alb/aws"\n  version = "~> 9.0"\n  name    = "web"\n}\n',
    ],
    negative: [
      'resource "aws_lb" "web" {\n  name = "web"\n  access_logs {\n    bucket  = "lb-logs"\n    enabled = true\n  }\n}\n',
      'resource "aws_elb" "classic" {\n  name = "classic"\n  access_logs {\n    bucket = "lb-logs"\n  }\n}\n',
      'resource "aws_lb" "inspection" {\n  name               = "inspection"\n  load_balancer_type = "gateway"\n}\n',
      'resource "aws_lb" "tcp" {\n  name               = "tcp"\n  load_balancer_type = "network"\n}\nresource "aws_lb_listener" "tcp" {\n  load_balancer_arn = aws_lb.tcp.arn\n  port              = 5432\n  protocol          = "TCP"\n}\n',
      'module "alb" {\n  source      = "terraform-aws-modules/alb/aws"\n  version     = "~> 9.0"\n  name        = "web"\n  access_logs = { bucket = "lb-logs" }\n}\n',
      // Releases before 5.0.0 logged to log_bucket_name unless logging_enabled = false; an unpinned module may be either.
      'module "alb" {\n  source          = "terraform-aws-modules/alb/aws"\n  version         = "4.1.0"\n  log_bucket_name = "lb-logs"\n}\n',
      'module "alb" {\n  source = "terraform-aws-modules/alb/aws"\n  name   = "web"\n}\n',
    ],
  },
  *check(input) {
    const file = fileInstance(input);
    for (const lb of resourcesOf(input, 'aws_lb', 'aws_alb', 'aws_elb')) {
      if (lbLogsRecord(input, lb) !== true) continue;
      const { attribute: enabled, value, line } = settingAt(lb.block, ['access_logs', 'enabled'], file);
      if (isTrueValue(value) || (value !== undefined && value !== null && !known(value))) continue;
      const block = sectionsIn(lb.block, 'access_logs', file, { made: true }).find((s) => s.block);
      // An access_logs block without enabled logs on aws_elb, and on a module's load balancer (the alb module defaults it to true).
      if (block && (!enabled || value === null) && (lb.type === 'aws_elb' || lb.module !== undefined)) continue;
      const what = !block
        ? 'has no access_logs block'
        : isFalseValue(value)
          ? // The alb module (5.x-8.x) turns off access logs that name no bucket.
            lb.module !== undefined && block.get('bucket') == null
            ? 'has access_logs with enabled = false and no bucket (the alb module turns access logs off when access_logs names no bucket)'
            : 'sets access_logs enabled = false'
          : 'has an access_logs block without enabled = true (the default is false)';
      yield { line: block ? line : lb.block.line, message: `${label(lb)} ${what}: ${NO_ACCESS_LOGS_NOTE}.`, resource: label(lb) };
    }
  },
});

export const loggingRules: readonly TfRule[] = [logsNotExported, lbNoAccessLogs];

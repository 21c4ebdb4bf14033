import { isWorld } from '../../cidr.js';
import type { Block } from '../hcl/ast.js';
import type { Value } from '../hcl/evaluate.js';
import { attribute, isFalseValue, isTrueValue, label, mentioned, resourcesOf, moduleResourcesOf, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { given, known, tfRule, type TfRule } from './common.js';
import { outcomes, upper } from './gcp-shared.js';
import { blocksMade, fileInstance, sectionsIn, setByDefaultOnly, settingAt, type Section } from './instances.js';

interface SqlInstance {
  resource: TfResource;
  settings?: Block;
  /**
   * The instance's ip_configuration, read with its iterator bound when it is a dynamic block
   * whose for_each can be read (`for_each = [var.ip_configuration]` with
   * `ipv4_enabled = lookup(ip_configuration.value, "ipv4_enabled", null)`, as modules write it).
   */
  ip?: Section;
  backup?: Section;
  /** The database_flags of its settings, one per block or element of a dynamic block. */
  flags: Section[];
}

function sqlInstances(input: TfInput): SqlInstance[] {
  return resourcesOf(input, 'google_sql_database_instance').map((resource) => {
    // Read where they are made: a dynamic block whose for_each is known empty makes nothing, and its settings do not apply.
    const settings = sectionsIn(resource.block, 'settings', fileInstance(input), { made: true }).find((s) => s.block);
    const nested = (name: string) => (settings?.block ? sectionsIn(settings.block, name, settings.instance, { made: true }).find((s) => s.block) : undefined);
    const flags = settings?.block ? sectionsIn(settings.block, 'database_flags', settings.instance, { made: true }) : [];
    return { resource, settings: settings?.block, ip: nested('ip_configuration'), backup: nested('backup_configuration'), flags };
  });
}

/** Whether a section sets `name` (written, and not null: a lookup's null default leaves it unset). */
function sets(section: Section | undefined, name: string): boolean {
  return section?.block !== undefined && attribute(section.block, name) !== undefined && section.get(name) !== null;
}

/** Authorized networks of a Cloud SQL instance open to the whole internet, with their lines. */
function worldNetworks(ip: Section | undefined): Array<{ line: number; cidr: string }> {
  if (!ip?.block) return [];
  const out: Array<{ line: number; cidr: string }> = [];
  for (const network of sectionsIn(ip.block, 'authorized_networks', ip.instance)) {
    const cidr = network.get('value');
    if (typeof cidr === 'string' && isWorld(cidr)) out.push({ line: network.lineOf('value'), cidr });
  }
  return out;
}

const sqlOpenNetwork: TfRule = tfRule({
  id: 'iac/tf-gcp-sql-open-to-internet',
  title: 'Cloud SQL instance accepts connections from the whole internet',
  description: 'An authorized network of the Cloud SQL instance is 0.0.0.0/0 (or ::/0): anyone can reach the database port on its public IP and try passwords, and any vulnerability of the database engine\'s network protocol is exposed to the internet (CIS GCP 6.5).',
  remediation: 'Remove the 0.0.0.0/0 entry; connect through a private IP (private_network) or the Cloud SQL Auth Proxy / language connectors, which authenticate with IAM, and list only your own egress addresses if direct access is unavoidable.',
  severity: 'critical',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    ip_configuration {\n      authorized_networks {\n        name  = "anywhere"\n        # expect\n        value = "0.0.0.0/0"\n      }\n    }\n  }\n}\n',
      // ip_configuration as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "ip_configuration" {\n  default = { authorized_networks = [{ name = "anywhere", value = "0.0.0.0/0" }] }\n}\nresource "google_sql_database_instance" "default" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    dynamic "ip_configuration" {\n      for_each = [var.ip_configuration]\n      content {\n        dynamic "authorized_networks" {\n          for_each = lookup(ip_configuration.value, "authorized_networks", [])\n          content {\n            name  = authorized_networks.value.name\n            # expect\n            value = authorized_networks.value.value\n          }\n        }\n      }\n    }\n  }\n}\n',
    ],
    negative: ['resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    ip_configuration {\n      authorized_networks {\n        name  = "office"\n        value = "203.0.113.0/24"\n      }\n    }\n  }\n}\n'],
  },
  *check(input) {
    for (const { resource, ip } of sqlInstances(input)) {
      if (isFalseValue(ip?.get('ipv4_enabled'))) continue;
      const seen = new Set<number>();
      for (const { line, cidr } of worldNetworks(ip)) {
        if (seen.has(line)) continue;
        seen.add(line);
        yield { line, message: `${label(resource)} accepts database connections from ${cidr}.`, resource: label(resource) };
      }
    }
  },
});

const sqlPublicIp: TfRule = tfRule({
  id: 'iac/tf-gcp-sql-public-ip',
  title: 'Cloud SQL instance has a public IP address',
  description: 'ip_configuration.ipv4_enabled is true, or unset (it defaults to true), so the instance gets a public IPv4 address. Connections then rely on the authorized networks list and the database passwords alone, and one wide entry added later exposes the database to the internet (CIS GCP 6.6). Left at the default it is reported at low severity, written out at medium; a value that only a variable\'s default gives (a module\'s variable that no caller or definitions file sets) is left at the default. Instances with an authorized network of 0.0.0.0/0 are reported by iac/tf-gcp-sql-open-to-internet instead.',
  remediation: 'Set ipv4_enabled = false and connect over a private IP (private_network, or Private Service Connect); use the Cloud SQL Auth Proxy for access from outside the VPC.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      // ip_configuration as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "ip_configuration" {\n  default = { ipv4_enabled = true }\n}\nresource "google_sql_database_instance" "default" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    dynamic "ip_configuration" {\n      for_each = [var.ip_configuration]\n      content {\n        # expect\n        ipv4_enabled = lookup(ip_configuration.value, "ipv4_enabled", null)\n      }\n    }\n  }\n}\n',
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "MYSQL_8_0"\n  # expect\n  settings {\n    tier = "db-n1-standard-1"\n  }\n}\n',
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "MYSQL_8_0"\n  settings {\n    tier = "db-n1-standard-1"\n    ip_configuration {\n      # expect\n      ipv4_enabled = true\n    }\n  }\n}\n',
    ],
    negative: ['resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "MYSQL_8_0"\n  settings {\n    tier = "db-n1-standard-1"\n    ip_configuration {\n      ipv4_enabled    = false\n      private_network = google_compute_network.main.id\n    }\n  }\n}\n'],
  },
  *check(input) {
    for (const { resource, settings, ip } of sqlInstances(input)) {
      const a = ip?.block && attribute(ip.block, 'ipv4_enabled');
      const value = ip?.get('ipv4_enabled');
      if ((a && !known(value)) || isFalseValue(value) || worldNetworks(ip).length > 0) continue;
      const line = a ? a.line : (ip?.block ?? settings ?? resource.block).line;
      const unset = value === undefined || value === null;
      // A true that only a module variable's default gives is no one's choice: as left unset.
      const byDefault = !unset && setByDefaultOnly(input, resource.block, ['settings', 'ip_configuration', 'ipv4_enabled']);
      yield { line, message: `${label(resource)} ${unset ? 'does not set ipv4_enabled = false (the default is true)' : 'sets ipv4_enabled = true'}: the database has a public IP address.`, resource: label(resource), ...(unset || byDefault ? { severity: 'low' as const } : {}) };
    }
  },
});

const SSL_ENFORCED = new Set(['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED']);

const sqlNoSsl: TfRule = tfRule({
  id: 'iac/tf-gcp-sql-ssl-not-enforced',
  title: 'Cloud SQL instance accepts unencrypted connections',
  description: 'ip_configuration.ssl_mode is ALLOW_UNENCRYPTED_AND_ENCRYPTED, or unset with require_ssl unset or false (the default): clients may connect without TLS, and their passwords and query results cross the network in clear text, readable by anyone on the path (CIS GCP 6.4). Left at the default it is reported at low severity, written out at medium; a value that only a variable\'s default gives (a module\'s variable that no caller or definitions file sets) is left at the default.',
  remediation: 'Set ssl_mode = "ENCRYPTED_ONLY" (or "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" to also require client certificates) in ip_configuration; on provider versions before 5, require_ssl = true.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      // ip_configuration as modules write it: a dynamic block over a variable, read with its iterator bound.
      'variable "ip_configuration" {\n  default = { ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED" }\n}\nresource "google_sql_database_instance" "default" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    dynamic "ip_configuration" {\n      for_each = [var.ip_configuration]\n      content {\n        # expect\n        ssl_mode = lookup(ip_configuration.value, "ssl_mode", null)\n      }\n    }\n  }\n}\n',
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    ip_configuration {\n      # expect\n      ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"\n    }\n  }\n}\n',
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  # expect\n  settings {\n    tier = "db-custom-2-7680"\n  }\n}\n',
    ],
    negative: [
      'variable "ip_configuration" {\n  default = { ssl_mode = "ENCRYPTED_ONLY" }\n}\nresource "google_sql_database_instance" "default" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    dynamic "ip_configuration" {\n      for_each = [var.ip_configuration]\n      content {\n        ssl_mode = lookup(ip_configuration.value, "ssl_mode", null)\n      }\n    }\n  }\n}\n',
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    ip_configuration {\n      ssl_mode = "ENCRYPTED_ONLY"\n    }\n  }\n}\n', 'resource "google_sql_database_instance" "db" {\n  settings {\n    ip_configuration {\n      require_ssl = true\n    }\n  }\n}\n'],
  },
  *check(input) {
    for (const { resource, settings, ip } of sqlInstances(input)) {
      // A setting given null (an optional variable left unset) is not set.
      const modeValue = ip?.get('ssl_mode');
      const mode = sets(ip, 'ssl_mode') ? attribute(ip!.block!, 'ssl_mode') : undefined;
      const requireValue = ip?.get('require_ssl');
      const require = sets(ip, 'require_ssl') ? attribute(ip!.block!, 'require_ssl') : undefined;
      let line: number;
      let why: string;
      let severity: 'low' | undefined;
      // A value that only a module variable's default gives is no one's choice: as left unset.
      const byDefault = (name: string) => setByDefaultOnly(input, resource.block, ['settings', 'ip_configuration', name]);
      if (mode) {
        const value = upper(modeValue);
        if (value === undefined || SSL_ENFORCED.has(value)) continue;
        line = mode.line;
        why = `sets ssl_mode = "${String(modeValue)}"`;
        if (byDefault('ssl_mode')) severity = 'low';
      } else if (require) {
        if (!isFalseValue(requireValue)) continue;
        line = require.line;
        why = 'sets require_ssl = false';
        if (byDefault('require_ssl')) severity = 'low';
      } else {
        line = (ip?.block && attribute(ip.block, 'ssl_mode')?.line) || (ip?.block ?? settings ?? resource.block).line;
        why = 'does not set ssl_mode = "ENCRYPTED_ONLY" (the default accepts both)';
        severity = 'low';
      }
      yield { line, message: `${label(resource)} ${why}: clients may connect without TLS.`, resource: label(resource), ...(severity ? { severity } : {}) };
    }
  },
});

const sqlNoBackup: TfRule = tfRule({
  id: 'iac/tf-gcp-sql-no-backup',
  title: 'Cloud SQL automated backups disabled',
  description: 'settings.backup_configuration.enabled is false or unset (the default is off), so the instance has no automated backups: after an accidental deletion, a bad migration or ransomware that encrypts or drops the data there is nothing to restore (CIS GCP 6.7). Read replicas, which cannot have backups, are not reported.',
  remediation: 'Add backup_configuration { enabled = true } (with point_in_time_recovery_enabled or binary_log_enabled for point-in-time recovery) and keep deletion_protection on.',
  severity: 'low',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      // A module's master_instance_name left at its null default: a primary, not a replica.
      'variable "master_instance_name" {\n  type    = string\n  default = null\n}\nresource "google_sql_database_instance" "default" {\n  name                 = "db"\n  database_version     = "POSTGRES_15"\n  master_instance_name = var.master_instance_name\n  settings {\n    tier = "db-custom-2-7680"\n    backup_configuration {\n      # expect\n      enabled = false\n    }\n  }\n}\n',
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  # expect\n  settings {\n    tier = "db-custom-2-7680"\n  }\n}\n',
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    backup_configuration {\n      # expect\n      enabled = false\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "POSTGRES_15"\n  settings {\n    tier = "db-custom-2-7680"\n    backup_configuration {\n      enabled = true\n    }\n  }\n}\n',
      'resource "google_sql_database_instance" "replica" {\n  name                 = "replica"\n  database_version     = "POSTGRES_15"\n  master_instance_name = google_sql_database_instance.db.name\n  settings {\n    tier = "db-custom-2-7680"\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const { resource, settings, backup } of sqlInstances(input)) {
      if (given(input, resource.block, 'master_instance_name') || /REPLICA/i.test(String(valueOf(input, resource.block, 'instance_type') ?? ''))) continue;
      const a = backup?.block && attribute(backup.block, 'enabled');
      const value = backup?.get('enabled');
      if (isTrueValue(value) || (a && !known(value))) continue;
      const line = a ? a.line : (backup?.block ?? settings ?? resource.block).line;
      yield { line, message: `${label(resource)} ${a ? 'sets backup_configuration.enabled = false' : 'does not enable automated backups'}.`, resource: label(resource) };
    }
  },
});

/**
 * Cloud SQL flags that open a way around the database's own access control when turned on
 * (CIS GCP 6.1.3, 6.3.1, 6.3.2, 6.3.7), with what a finding says and its severity. Flags
 * whose risk is only missing logging or hardening are left to policy tools.
 */
const RISKY_FLAGS = new Map<string, { engine: string; why: string; severity?: 'low' }>([
  ['local_infile', { engine: 'MySQL', why: 'LOAD DATA LOCAL lets the server, or an SQL injection through it, read any file the connecting client can read' }],
  ['cross db ownership chaining', { engine: 'SQL Server', why: 'the owner of one database can reach objects of every other database of the instance through ownership chains' }],
  ['external scripts enabled', { engine: 'SQL Server', why: 'stored procedures can run R and Python code on the server' }],
  ['contained database authentication', { engine: 'SQL Server', why: 'database owners can create users that log in without a server login, outside the instance\'s login policy', severity: 'low' }],
]);

/** A flag value that turns the flag on: Cloud SQL takes on/off, and 1/true for some MySQL flags. */
const flagOn = (value: Value | undefined): boolean => typeof value === 'string' && ['on', '1', 'true'].includes(value.trim().toLowerCase());

const sqlRiskyFlag: TfRule = tfRule({
  id: 'iac/tf-gcp-sql-risky-flag',
  title: 'Cloud SQL flag that bypasses access control turned on',
  description:
    "A database_flags entry of the Cloud SQL instance turns on a feature that reaches past the database's permissions: MySQL local_infile (LOAD DATA LOCAL: a malicious or compromised server, or an SQL injection, can read files from the client's machine; CIS GCP 6.1.3), SQL Server cross db ownership chaining (an owner of one database can use objects of the others through ownership chains; 6.3.2), external scripts enabled (R and Python code run inside the server process; 6.3.1), or contained database authentication (database owners create users that log in without a server login; 6.3.7, low severity). All are off by default. Flags whose value an expression gives that cannot be read are left alone.",
  remediation: 'Remove the flag or set it to "off"; load files from Cloud Storage with the import API instead of LOAD DATA LOCAL, grant cross-database access explicitly, and run scripts outside the database server.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "MYSQL_8_0"\n  settings {\n    tier = "db-n1-standard-1"\n    database_flags {\n      name  = "local_infile"\n      # expect\n      value = "on"\n    }\n  }\n}\n',
      // database_flags as modules write them: a dynamic block over a variable, read once per element.
      'variable "database_flags" {\n  default = [{ name = "cross db ownership chaining", value = "on" }]\n}\nresource "google_sql_database_instance" "default" {\n  name             = "db"\n  database_version = "SQLSERVER_2019_STANDARD"\n  settings {\n    tier = "db-custom-2-7680"\n    dynamic "database_flags" {\n      for_each = var.database_flags\n      content {\n        name  = lookup(database_flags.value, "name", null)\n        # expect\n        value = lookup(database_flags.value, "value", null)\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "MYSQL_8_0"\n  settings {\n    tier = "db-n1-standard-1"\n    database_flags {\n      name  = "local_infile"\n      value = "off"\n    }\n    database_flags {\n      name  = "max_connections"\n      value = "500"\n    }\n  }\n}\n',
      'variable "database_flags" {\n  default = []\n}\nresource "google_sql_database_instance" "default" {\n  name             = "db"\n  database_version = "SQLSERVER_2019_STANDARD"\n  settings {\n    tier = "db-custom-2-7680"\n    dynamic "database_flags" {\n      for_each = var.database_flags\n      content {\n        name  = database_flags.value.name\n        value = database_flags.value.value\n      }\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const { resource, flags } of sqlInstances(input)) {
      for (const flag of flags) {
        const name = flag.get('name');
        const risk = typeof name === 'string' ? RISKY_FLAGS.get(name.trim().toLowerCase()) : undefined;
        if (!risk || !flagOn(flag.get('value'))) continue;
        yield {
          line: flag.lineOf('value'),
          message: `${label(resource)} turns the ${risk.engine} flag ${String(name).trim()} on: ${risk.why}.`,
          resource: label(resource),
          ...(risk.severity ? { severity: risk.severity } : {}),
        };
      }
    }
  },
});

const uniformAccess: TfRule = tfRule({
  id: 'iac/tf-gcp-storage-uniform-access-off',
  title: 'Cloud Storage bucket uses object ACLs',
  description: 'uniform_bucket_level_access is false or unset, so every object can carry its own ACL besides the bucket IAM policy. One object uploaded with a public-read ACL is public while the bucket policy looks private, and access can only be reviewed object by object (CIS GCP 5.2). Left at the default it is reported at low severity, written out at medium; a value that only a variable\'s default gives (a module\'s variable that no caller or definitions file sets) is left at the default.',
  remediation: 'Set uniform_bucket_level_access = true (and public_access_prevention = "enforced" unless the bucket is meant to be public); grant access with IAM only.',
  severity: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: ['# expect\nresource "google_storage_bucket" "data" {\n  name     = "app-data-123456"\n  location = "EU"\n}\n', 'resource "google_storage_bucket" "data" {\n  name                        = "app-data-123456"\n  location                    = "EU"\n  # expect\n  uniform_bucket_level_access = false\n}\n'],
    negative: ['resource "google_storage_bucket" "data" {\n  name                        = "app-data-123456"\n  location                    = "EU"\n  uniform_bucket_level_access = true\n}\n'],
  },
  *check(input) {
    for (const bucket of resourcesOf(input, 'google_storage_bucket')) {
      const a = attribute(bucket.block, 'uniform_bucket_level_access');
      const value = valueOf(input, bucket.block, 'uniform_bucket_level_access');
      if (isTrueValue(value) || (a && !known(value))) continue;
      // A false that only a module variable's default gives is no one's choice: as left unset.
      const unset = value === undefined || value === null || setByDefaultOnly(input, bucket.block, ['uniform_bucket_level_access']);
      yield { line: a ? a.line : bucket.block.line, message: `${label(bucket)} ${unset && !isFalseValue(value) ? 'does not set uniform_bucket_level_access = true (the default is false)' : 'sets uniform_bucket_level_access = false'}: objects can carry their own ACLs.`, resource: label(bucket), ...(unset ? { severity: 'low' as const } : {}) };
    }
  },
});

const storageLogging: TfRule = tfRule({
  id: 'iac/tf-gcp-storage-no-access-logging',
  title: 'Cloud Storage bucket without access logs',
  description: 'The bucket has no logging block, so requests to its objects leave no usage log unless Data Access audit logs are turned on for Cloud Storage: after a leak nobody can tell what was read, by whom or when. Buckets that receive other buckets\' logs are not reported.',
  remediation: 'Add logging { log_bucket = ... } pointing at a dedicated log bucket, or turn on DATA_READ and DATA_WRITE audit logs for storage.googleapis.com (google_project_iam_audit_config).',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "google_storage_bucket" "data" {\n  name     = "app-data-123456"\n  location = "EU"\n}\n',
      // A module's bucket whose dynamic logging block makes nothing (no logging given for it).
      'variable "names" {\n  default = ["data"]\n}\nvariable "logging" {\n  default = {}\n}\n# expect\nresource "google_storage_bucket" "buckets" {\n  for_each = toset(var.names)\n  name     = "app-${each.value}-123456"\n  location = "EU"\n  dynamic "logging" {\n    for_each = lookup(var.logging, each.value, {}) != {} ? { v = lookup(var.logging, each.value) } : {}\n    content {\n      log_bucket = lookup(logging.value, "log_bucket", null)\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "names" {\n  default = ["data"]\n}\nvariable "logging" {\n  default = { data = { log_bucket = "app-logs-123456" } }\n}\nresource "google_storage_bucket" "buckets" {\n  for_each = toset(var.names)\n  name     = "app-${each.value}-123456"\n  location = "EU"\n  dynamic "logging" {\n    for_each = lookup(var.logging, each.value, {}) != {} ? { v = lookup(var.logging, each.value) } : {}\n    content {\n      log_bucket = lookup(logging.value, "log_bucket", null)\n    }\n  }\n}\n',
      // Data Access audit logs turned on by a module's dynamic block: DATA_READ is one of its elements.
      'resource "google_project_iam_audit_config" "storage" {\n  project = "app-123456"\n  service = "storage.googleapis.com"\n  dynamic "audit_log_config" {\n    for_each = ["DATA_READ", "DATA_WRITE"]\n    content {\n      log_type = audit_log_config.value\n    }\n  }\n}\n\nresource "google_storage_bucket" "data" {\n  name     = "app-data-123456"\n  location = "EU"\n}\n',
      'resource "google_storage_bucket" "logs" {\n  name     = "app-logs-123456"\n  location = "EU"\n}\n\nresource "google_storage_bucket" "data" {\n  name     = "app-data-123456"\n  location = "EU"\n  logging {\n    log_bucket = google_storage_bucket.logs.name\n  }\n}\n',
    ],
  },
  *check(input) {
    const buckets = resourcesOf(input, 'google_storage_bucket');
    // Storage read audit logs in this file cover every bucket of the project.
    // Modules write audit_log_config and logging as dynamic blocks over a variable: each read with its iterator bound.
    const file = fileInstance(input);
    const audited = moduleResourcesOf(input, 'google_project_iam_audit_config').some((c) => {
      const service = valueOf(input, c.block, 'service');
      return (service === 'allServices' || service === 'storage.googleapis.com') && sectionsIn(c.block, 'audit_log_config', file, { made: true }).some((l) => l.get('log_type') === 'DATA_READ');
    });
    if (audited) return;
    const targets = new Set(moduleResourcesOf(input, 'google_storage_bucket').flatMap((b) => blocksMade(b.block, 'logging', file).flatMap((l) => mentioned(input, attribute(l, 'log_bucket')?.expr))));
    for (const bucket of buckets) {
      // A dynamic logging block whose for_each is known empty makes none: terraform-google-cloud-storage writes
      // `dynamic "logging" { for_each = lookup(var.logging, each.value, {}) != {} ? { v = lookup(var.logging, each.value) } : {} ...`.
      if (blocksMade(bucket.block, 'logging', fileInstance(input)).length > 0 || targets.has(written(bucket))) continue;
      yield { line: bucket.block.line, message: `${label(bucket)} has no access logging.`, resource: label(bucket) };
    }
  },
});

const NINETY_DAYS = 90 * 24 * 3600;

const kmsRotation: TfRule = tfRule({
  id: 'iac/tf-gcp-kms-rotation',
  title: 'KMS key not rotated every 90 days',
  description: 'A symmetric Cloud KMS key has no rotation_period, or one longer than 90 days. Without rotation one key version protects all the data ever encrypted with the key, so a leaked or broken version exposes all of it (CIS GCP 1.10). Asymmetric, MAC and import-only keys, which Cloud KMS cannot rotate automatically, are not reported. A key without rotation_period is reported at low severity, one rotated less often than every 90 days at medium.',
  remediation: 'Set rotation_period = "7776000s" (90 days) or shorter.',
  severity: 'medium',
  cwe: ['CWE-320'],
  examples: {
    positive: ['# expect\nresource "google_kms_crypto_key" "data" {\n  name     = "data"\n  key_ring = google_kms_key_ring.main.id\n}\n', 'resource "google_kms_crypto_key" "data" {\n  name            = "data"\n  key_ring        = google_kms_key_ring.main.id\n  # expect\n  rotation_period = "31536000s"\n}\n'],
    negative: ['resource "google_kms_crypto_key" "data" {\n  name            = "data"\n  key_ring        = google_kms_key_ring.main.id\n  rotation_period = "7776000s"\n}\n', 'resource "google_kms_crypto_key" "signing" {\n  name     = "signing"\n  key_ring = google_kms_key_ring.main.id\n  purpose  = "ASYMMETRIC_SIGN"\n}\n'],
  },
  *check(input) {
    for (const key of resourcesOf(input, 'google_kms_crypto_key')) {
      const purpose = valueOf(input, key.block, 'purpose');
      if ((purpose !== undefined && upper(purpose) !== 'ENCRYPT_DECRYPT') || isTrueValue(valueOf(input, key.block, 'import_only'))) continue;
      const a = attribute(key.block, 'rotation_period');
      const value = valueOf(input, key.block, 'rotation_period');
      if (!a || value === null) {
        yield { line: a ? a.line : key.block.line, message: `${label(key)} has no rotation_period: its key version is never rotated.`, resource: label(key), severity: 'low' };
        continue;
      }
      const seconds = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value)?.[1] : undefined;
      if (seconds !== undefined && Number(seconds) > NINETY_DAYS) yield { line: a.line, message: `${label(key)} rotates its key every ${String(value).trim()} (${Math.floor(Number(seconds) / 86400)} days or more), longer than 90 days.`, resource: label(key) };
    }
  },
});

/** Public zones: managed zones are public unless visibility says private. */
const publicZones = (input: TfInput) => resourcesOf(input, 'google_dns_managed_zone').filter((z) => upper(valueOf(input, z.block, 'visibility')) !== 'PRIVATE');

const dnssecOff: TfRule = tfRule({
  id: 'iac/tf-gcp-dns-dnssec-off',
  title: 'Public DNS zone without DNSSEC',
  description: 'The public Cloud DNS zone has no dnssec_config with state = "on". Without DNSSEC, resolvers cannot tell genuine answers for the domain from forged ones, so cache poisoning and on-path attackers can send users and services to their own servers (CIS GCP 3.3).',
  remediation: 'Add dnssec_config { state = "on" } with RSASHA256 or ECDSA keys, then publish the DS record at the registrar.',
  severity: 'low',
  cwe: ['CWE-345'],
  examples: {
    positive: [
      '# expect\nresource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n}\n',
      'resource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dnssec_config {\n    # expect\n    state = "off"\n  }\n}\n',
      // dnssec_config as modules write it: a dynamic block over a variable, read with its iterator bound; left at its default, off.
      'variable "dnssec_config" {\n  default = { kind = "dns#managedZoneDnsSecConfig" }\n}\nresource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dynamic "dnssec_config" {\n    for_each = length(var.dnssec_config) == 0 ? [] : [var.dnssec_config]\n    iterator = config\n    content {\n      kind          = "dns#managedZoneDnsSecConfig"\n      # expect\n      state         = lookup(config.value, "state", "off")\n    }\n  }\n}\n',
      // The same block over an empty variable makes no dnssec_config.
      'variable "dnssec_config" {\n  default = {}\n}\n# expect\nresource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dynamic "dnssec_config" {\n    for_each = length(var.dnssec_config) == 0 ? [] : [var.dnssec_config]\n    iterator = config\n    content {\n      kind          = "dns#managedZoneDnsSecConfig"\n      state         = lookup(config.value, "state", "off")\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "dnssec_config" {\n  default = { state = "on" }\n}\nresource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dynamic "dnssec_config" {\n    for_each = length(var.dnssec_config) == 0 ? [] : [var.dnssec_config]\n    iterator = config\n    content {\n      kind          = "dns#managedZoneDnsSecConfig"\n      state         = lookup(config.value, "state", "off")\n    }\n  }\n}\n',
      'resource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dnssec_config {\n    state = "on"\n  }\n}\n', 'resource "google_dns_managed_zone" "internal" {\n  name       = "internal"\n  dns_name   = "internal.example.org."\n  visibility = "private"\n}\n'],
  },
  *check(input) {
    for (const zone of publicZones(input)) {
      // Read where it is made: modules write dnssec_config as a dynamic block over their input
      // (`for_each = length(var.dnssec_config) == 0 ? [] : [var.dnssec_config]`, `state = lookup(config.value, "state", "off")`).
      const { attribute: state, value, line } = settingAt(zone.block, ['dnssec_config', 'state'], fileInstance(input));
      if ((state && !known(value)) || upper(value) === 'ON' || upper(value) === 'TRANSFER') continue;
      const stated = state && value !== null;
      yield { line, message: `${label(zone)} is a public zone without DNSSEC${stated ? ` (state = "${String(value)}")` : ''}.`, resource: label(zone) };
    }
  },
});

const dnssecSha1: TfRule = tfRule({
  id: 'iac/tf-gcp-dns-dnssec-rsasha1',
  title: 'DNSSEC signs with RSASHA1',
  description: 'A DNSSEC key of the zone uses the RSASHA1 algorithm. SHA-1 is broken for collision resistance, and RFC 8624 says not to sign with it; validating resolvers are dropping it, which turns the zone\'s signatures into no protection, or into resolution failures (CIS GCP 3.4, 3.5).',
  remediation: 'Use algorithm = "rsasha256" (or ecdsap256sha256) for both the key-signing and the zone-signing key, and update the DS record at the registrar.',
  severity: 'medium',
  cwe: ['CWE-327'],
  examples: {
    positive: [
      'resource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dnssec_config {\n    state = "on"\n    default_key_specs {\n      # expect\n      algorithm  = "rsasha1"\n      key_length = 2048\n      key_type   = "keySigning"\n    }\n  }\n}\n',
      // Keys given through a module-style dynamic dnssec_config, read with its iterator bound.
      'variable "dnssec_config" {\n  default = {\n    state = "on"\n    keys  = [{ algorithm = "rsasha1", key_length = 2048, key_type = "keySigning" }]\n  }\n}\nresource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dynamic "dnssec_config" {\n    for_each = [var.dnssec_config]\n    content {\n      state = try(dnssec_config.value.state, "on")\n      dynamic "default_key_specs" {\n        for_each = try(dnssec_config.value.keys, [])\n        content {\n          # expect\n          algorithm  = default_key_specs.value.algorithm\n          key_length = default_key_specs.value.key_length\n          key_type   = default_key_specs.value.key_type\n        }\n      }\n    }\n  }\n}\n',
    ],
    negative: [
      // The same keys in a zone whose DNSSEC is off sign nothing.
      'variable "dnssec_config" {\n  default = {\n    state = "off"\n    keys  = [{ algorithm = "rsasha1", key_length = 2048, key_type = "keySigning" }]\n  }\n}\nresource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dynamic "dnssec_config" {\n    for_each = [var.dnssec_config]\n    content {\n      state = try(dnssec_config.value.state, "on")\n      dynamic "default_key_specs" {\n        for_each = try(dnssec_config.value.keys, [])\n        content {\n          algorithm  = default_key_specs.value.algorithm\n          key_length = default_key_specs.value.key_length\n          key_type   = default_key_specs.value.key_type\n        }\n      }\n    }\n  }\n}\n','resource "google_dns_managed_zone" "public" {\n  name     = "public"\n  dns_name = "example.org."\n  dnssec_config {\n    state = "on"\n    default_key_specs {\n      algorithm  = "rsasha256"\n      key_length = 2048\n      key_type   = "keySigning"\n    }\n  }\n}\n'],
  },
  *check(input) {
    for (const zone of resourcesOf(input, 'google_dns_managed_zone')) {
      // dnssec_config and its keys read where they are made (a module's dynamic block over its input, with the iterator bound).
      for (const config of sectionsIn(zone.block, 'dnssec_config', fileInstance(input), { made: true })) {
        // Keys of a zone with DNSSEC turned off sign nothing.
        if (!config.block || upper(config.get('state')) === 'OFF') continue;
        for (const spec of sectionsIn(config.block, 'default_key_specs', config.instance)) {
          if (upper(spec.get('algorithm')) !== 'RSASHA1') continue;
          const type = spec.get('key_type');
          yield { line: spec.lineOf('algorithm'), message: `${label(zone)} signs with RSASHA1 (${typeof type === 'string' ? `its ${type} key` : 'a DNSSEC key'}).`, resource: label(zone) };
        }
      }
    }
  },
});

/** Subnets for proxies and Private Service Connect carry no VM traffic and cannot have flow logs. */
const NO_FLOW_LOG_PURPOSES = new Set(['REGIONAL_MANAGED_PROXY', 'GLOBAL_MANAGED_PROXY', 'INTERNAL_HTTPS_LOAD_BALANCER', 'PRIVATE_SERVICE_CONNECT', 'PRIVATE_NAT']);

const subnetFlowLogs: TfRule = tfRule({
  id: 'iac/tf-gcp-subnet-no-flow-logs',
  title: 'VPC subnet without flow logs',
  description: 'The subnetwork has no log_config, so VPC Flow Logs are off: connections to and from its VMs leave no record, and intrusions, data exfiltration and lateral movement cannot be investigated afterwards (CIS GCP 3.8). Proxy-only and Private Service Connect subnets, which cannot log flows, are not reported.',
  remediation: 'Add a log_config block (aggregation_interval, flow_sampling and metadata tune the volume and cost).',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: [
      '# expect\nresource "google_compute_subnetwork" "app" {\n  name          = "app"\n  ip_cidr_range = "10.10.0.0/24"\n  network       = google_compute_network.main.id\n}\n',
      // A module's subnet whose dynamic log_config makes nothing (subnet_flow_logs off).
      'variable "subnets" {\n  default = [{ subnet_name = "app", subnet_ip = "10.10.0.0/24", subnet_flow_logs = false }]\n}\n# expect\nresource "google_compute_subnetwork" "subnetwork" {\n  for_each      = { for s in var.subnets : s.subnet_name => s }\n  name          = each.value.subnet_name\n  ip_cidr_range = each.value.subnet_ip\n  network       = "main"\n  dynamic "log_config" {\n    for_each = coalesce(lookup(each.value, "subnet_flow_logs", null), false) ? [{ aggregation_interval = "INTERVAL_5_SEC" }] : []\n    content {\n      aggregation_interval = log_config.value.aggregation_interval\n    }\n  }\n}\n',
    ],
    negative: [
      'variable "subnets" {\n  default = [{ subnet_name = "app", subnet_ip = "10.10.0.0/24", subnet_flow_logs = true }]\n}\nresource "google_compute_subnetwork" "subnetwork" {\n  for_each      = { for s in var.subnets : s.subnet_name => s }\n  name          = each.value.subnet_name\n  ip_cidr_range = each.value.subnet_ip\n  network       = "main"\n  dynamic "log_config" {\n    for_each = coalesce(lookup(each.value, "subnet_flow_logs", null), false) ? [{ aggregation_interval = "INTERVAL_5_SEC" }] : []\n    content {\n      aggregation_interval = log_config.value.aggregation_interval\n    }\n  }\n}\n',
      'resource "google_compute_subnetwork" "app" {\n  name          = "app"\n  ip_cidr_range = "10.10.0.0/24"\n  network       = google_compute_network.main.id\n  log_config {\n    aggregation_interval = "INTERVAL_5_SEC"\n    flow_sampling        = 0.5\n  }\n}\n',
      'resource "google_compute_subnetwork" "proxy" {\n  name          = "proxy"\n  ip_cidr_range = "10.20.0.0/23"\n  network       = google_compute_network.main.id\n  purpose       = "REGIONAL_MANAGED_PROXY"\n  role          = "ACTIVE"\n}\n',
      'variable "global" {\n  type = bool\n}\n\nresource "google_compute_subnetwork" "proxy" {\n  name          = "proxy"\n  ip_cidr_range = "10.20.0.0/23"\n  network       = google_compute_network.main.id\n  purpose       = var.global ? "GLOBAL_MANAGED_PROXY" : "REGIONAL_MANAGED_PROXY"\n  role          = "ACTIVE"\n}\n',
    ],
  },
  *check(input) {
    for (const subnet of resourcesOf(input, 'google_compute_subnetwork')) {
      // Every purpose the subnet may have (both branches of `var.global ? "GLOBAL_MANAGED_PROXY" : ...`) must take flow logs.
      const purpose = attribute(subnet.block, 'purpose');
      const purposes = purpose ? outcomes(purpose.expr, fileInstance(input)).map(upper) : [];
      // A dynamic log_config whose for_each is known empty makes none: terraform-google-network's subnets module writes
      // `dynamic "log_config" { for_each = coalesce(lookup(each.value, "subnet_flow_logs", null), false) ? [{ ... }] : [] ...`.
      if ((purposes.length > 0 && purposes.every((p) => p !== undefined && NO_FLOW_LOG_PURPOSES.has(p))) || blocksMade(subnet.block, 'log_config', fileInstance(input)).length > 0) continue;
      const legacy = attribute(subnet.block, 'enable_flow_logs');
      const value = valueOf(input, subnet.block, 'enable_flow_logs');
      if (legacy && (isTrueValue(value) || !known(value))) continue;
      yield { line: legacy ? legacy.line : subnet.block.line, message: `${label(subnet)} has no VPC flow logs.`, resource: label(subnet) };
    }
  },
});

/**
 * A Memorystore setting that is off unless written on: the provider's default for every one
 * here is off (AUTH disabled, transit encryption DISABLED).
 */
interface MemorystoreSetting {
  name: string;
  /** Whether a known value turns the protection on. */
  on: (value: Value) => boolean;
  /** How to turn it on, for the message. */
  fix: string;
}

/** The Memorystore resources (Redis instances, Redis Cluster, Memorystore for Valkey) and their AUTH and in-transit encryption settings. */
const MEMORYSTORE: ReadonlyArray<{ type: string; auth: MemorystoreSetting; transit: MemorystoreSetting }> = [
  {
    type: 'google_redis_instance',
    auth: { name: 'auth_enabled', on: isTrueValue, fix: 'auth_enabled = true' },
    transit: { name: 'transit_encryption_mode', on: (v) => upper(v) === 'SERVER_AUTHENTICATION', fix: 'transit_encryption_mode = "SERVER_AUTHENTICATION"' },
  },
  {
    type: 'google_redis_cluster',
    auth: { name: 'authorization_mode', on: (v) => upper(v) === 'AUTH_MODE_IAM_AUTH', fix: 'authorization_mode = "AUTH_MODE_IAM_AUTH"' },
    transit: { name: 'transit_encryption_mode', on: (v) => upper(v) === 'TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION', fix: 'transit_encryption_mode = "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION"' },
  },
  {
    type: 'google_memorystore_instance',
    auth: { name: 'authorization_mode', on: (v) => upper(v) === 'IAM_AUTH', fix: 'authorization_mode = "IAM_AUTH"' },
    transit: { name: 'transit_encryption_mode', on: (v) => upper(v) === 'SERVER_AUTHENTICATION', fix: 'transit_encryption_mode = "SERVER_AUTHENTICATION"' },
  },
];

/**
 * The Memorystore resources whose setting leaves the protection off: written off (on its line),
 * or not set or given null (on the resource, the default being off). A value that cannot be read is left alone.
 */
function* memorystoreOff(input: TfInput, which: 'auth' | 'transit'): Generator<{ resource: TfResource; line: number; said: string }> {
  for (const kind of MEMORYSTORE) {
    const setting = kind[which];
    for (const resource of resourcesOf(input, kind.type)) {
      const a = attribute(resource.block, setting.name);
      const value = valueOf(input, resource.block, setting.name);
      if (a && value !== null) {
        if (!known(value) || setting.on(value)) continue;
        yield { resource, line: a.line, said: `sets ${setting.name} = ${JSON.stringify(value)}` };
      } else {
        yield { resource, line: resource.block.line, said: `does not set ${setting.fix} (${a ? 'given null, ' : ''}the default is off)` };
      }
    }
  }
}

const redisNoAuth: TfRule = tfRule({
  id: 'iac/tf-gcp-redis-no-auth',
  title: 'Memorystore Redis or Valkey instance accepts unauthenticated clients',
  description: 'A Memorystore for Redis instance with auth_enabled unset or false (the default), or a Redis Cluster or Memorystore for Valkey instance whose authorization_mode is unset (the default) or disabled (also as the terraform-google-modules/memorystore module and its redis-cluster and valkey submodules make them): every client that reaches the instance\'s private address (any VM, GKE pod or serverless connector in the authorized network, or a peered one) reads and writes every key without a password, and can flush the data. Memorystore has no public address, so it is not exposed to the internet; a foothold anywhere in the network is enough.',
  remediation: 'Set auth_enabled = true on google_redis_instance and give clients the AUTH string (read it from the auth_string attribute into Secret Manager); use authorization_mode = "AUTH_MODE_IAM_AUTH" (Redis Cluster) or "IAM_AUTH" (Valkey) with IAM-authenticated clients. Turn on transit_encryption_mode too, so that the AUTH string does not cross the network in clear text.',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      '# expect\nresource "google_redis_instance" "cache" {\n  name               = "cache"\n  tier               = "STANDARD_HA"\n  memory_size_gb     = 1\n  authorized_network = google_compute_network.main.id\n}\n',
      'resource "google_redis_instance" "cache" {\n  name           = "cache"\n  memory_size_gb = 1\n  # expect\n  auth_enabled   = false\n}\n',
      // A module's variable left at its default.
      'variable "auth_enabled" {\n  type    = bool\n  default = false\n}\nresource "google_redis_instance" "default" {\n  name           = "cache"\n  memory_size_gb = 1\n  # expect\n  auth_enabled   = var.auth_enabled\n}\n',
      'resource "google_redis_cluster" "cache" {\n  name        = "cache"\n  shard_count = 3\n  # expect\n  authorization_mode = "AUTH_MODE_DISABLED"\n}\n',
      '# expect\nresource "google_memorystore_instance" "cache" {\n  instance_id = "cache"\n  shard_count = 1\n  location    = "us-central1"\n}\n',      // The registry module and its submodules, which pass the settings as given (off by default).
      '# expect\nmodule "cache" {\n  source         = "terraform-google-modules/memorystore/google"\n  version        = "~> 15.0"\n  name           = "cache"\n  memory_size_gb = 1\n}\n',
      'module "cluster" {\n  source             = "terraform-google-modules/memorystore/google//modules/redis-cluster"\n  version            = "~> 16.0"\n  name               = "cluster"\n  # expect\n  authorization_mode = "AUTH_MODE_DISABLED"\n}\n',
    ],
    negative: [
      'resource "google_redis_instance" "cache" {\n  name           = "cache"\n  memory_size_gb = 1\n  auth_enabled   = true\n}\n',
      // Given by a caller: not known here.
      'variable "auth_enabled" {\n  type = bool\n}\nresource "google_redis_instance" "default" {\n  name           = "cache"\n  memory_size_gb = 1\n  auth_enabled   = var.auth_enabled\n}\n',
      'resource "google_redis_cluster" "cache" {\n  name               = "cache"\n  shard_count        = 3\n  authorization_mode = "AUTH_MODE_IAM_AUTH"\n}\nresource "google_memorystore_instance" "cache" {\n  instance_id        = "cache"\n  shard_count        = 1\n  location           = "us-central1"\n  authorization_mode = "IAM_AUTH"\n}\n',      'module "cache" {\n  source       = "terraform-google-modules/memorystore/google"\n  name         = "cache"\n  auth_enabled = true\n}\nmodule "valkey" {\n  source             = "terraform-google-modules/memorystore/google//modules/valkey"\n  instance_id        = "valkey"\n  authorization_mode = "IAM_AUTH"\n}\n',
    ],
  },
  *check(input) {
    for (const { resource, line, said } of memorystoreOff(input, 'auth')) {
      yield { line, message: `${label(resource)} ${said}: any client in its network reads and writes the cache without a password.`, resource: label(resource) };
    }
  },
});

const redisNoTransitEncryption: TfRule = tfRule({
  id: 'iac/tf-gcp-redis-transit-not-encrypted',
  title: 'Memorystore Redis or Valkey traffic not encrypted',
  description: 'A Memorystore for Redis instance, Redis Cluster or Memorystore for Valkey instance with transit_encryption_mode unset (the default is DISABLED) or disabled (also as the terraform-google-modules/memorystore module makes them: its Redis instance is encrypted by default from 4.0.0, its redis-cluster and valkey submodules are not): clients talk to the cache in clear text, and anyone who can capture traffic on the network reads the cached data and the AUTH string sent with it.',
  remediation: 'Set transit_encryption_mode = "SERVER_AUTHENTICATION" (google_redis_instance, google_memorystore_instance) or "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION" (google_redis_cluster), and give clients the instance\'s server CA certificates. It can only be chosen when the instance is created.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      '# expect\nresource "google_redis_instance" "cache" {\n  name           = "cache"\n  memory_size_gb = 1\n  auth_enabled   = true\n}\n',
      'resource "google_redis_instance" "cache" {\n  name                    = "cache"\n  memory_size_gb          = 1\n  auth_enabled            = true\n  # expect\n  transit_encryption_mode = "DISABLED"\n}\n',
      'resource "google_redis_cluster" "cache" {\n  name                    = "cache"\n  shard_count             = 3\n  authorization_mode      = "AUTH_MODE_IAM_AUTH"\n  # expect\n  transit_encryption_mode = "TRANSIT_ENCRYPTION_MODE_DISABLED"\n}\n',      // The registry module before 4.0.0 passed no transit_encryption_mode.
      '# expect\nmodule "cache" {\n  source       = "terraform-google-modules/memorystore/google"\n  version      = "3.1.0"\n  name         = "cache"\n  auth_enabled = true\n}\n',
    ],
    negative: [
      'resource "google_redis_instance" "cache" {\n  name                    = "cache"\n  memory_size_gb          = 1\n  auth_enabled            = true\n  transit_encryption_mode = "SERVER_AUTHENTICATION"\n}\n',
      // A module's variable whose default turns it on.
      'variable "transit_encryption_mode" {\n  type    = string\n  default = "SERVER_AUTHENTICATION"\n}\nresource "google_redis_instance" "default" {\n  name                    = "cache"\n  memory_size_gb          = 1\n  auth_enabled            = true\n  transit_encryption_mode = var.transit_encryption_mode\n}\n',
      'resource "google_memorystore_instance" "cache" {\n  instance_id             = "cache"\n  shard_count             = 1\n  location                = "us-central1"\n  authorization_mode      = "IAM_AUTH"\n  transit_encryption_mode = "SERVER_AUTHENTICATION"\n}\n',      // From 4.0.0 the registry module encrypts by default; a call that admits earlier releases too cannot be told.
      'module "cache" {\n  source       = "terraform-google-modules/memorystore/google"\n  version      = "~> 15.0"\n  name         = "cache"\n  auth_enabled = true\n}\nmodule "any" {\n  source       = "terraform-google-modules/memorystore/google"\n  name         = "cache"\n  auth_enabled = true\n}\n',
    ],
  },
  *check(input) {
    for (const { resource, line, said } of memorystoreOff(input, 'transit')) {
      yield { line, message: `${label(resource)} ${said}: clients talk to the cache in clear text.`, resource: label(resource) };
    }
  },
});

export const gcpDataRules: readonly TfRule[] = [sqlOpenNetwork, sqlPublicIp, sqlNoSsl, sqlNoBackup, sqlRiskyFlag, uniformAccess, storageLogging, kmsRotation, dnssecOff, dnssecSha1, subnetFlowLogs, redisNoAuth, redisNoTransitEncryption];

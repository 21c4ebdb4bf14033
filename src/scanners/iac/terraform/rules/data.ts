import { AWS_MANAGED_ALIAS, EKS_DEFAULT_ENVELOPE_NOTE, S3_KMS_ALGORITHM } from '../../aws-keys.js';
import type { Hit } from '../../rule.js';
import type { Block, Expr } from '../hcl/ast.js';
import { evaluate } from '../hcl/evaluate.js';
import { asStrings, attribute, instanceNamed, isFalseValue, isTrueValue, label, mentioned, moduleResourcesOf, resourcesOf, usedByCallers, valueAt, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { given, known, tfRule, type Section, type TfRule } from './common.js';
import { fileInstance, sectionsIn, setByDefaultOnly, settingAt, valueIn } from './instances.js';
import { accessStringOpen, BUILT_IN_DEFAULT_USER, clusterTakesIamAuth, instanceTakesIamAuth, redisWithoutEncryption } from '../../aws-engines.js';
import { joinsGlobalDatastore } from './encryption.js';

/** Where a value given only by a variable's default comes from: `the default of var.x` for a plain reference. */
function defaultOf(expr: Expr): string {
  return expr.kind === 'traversal' && expr.path[0] === 'var' && expr.path.length === 2 ? `the default of var.${expr.path[1]}` : 'a variable default';
}

/**
 * A boolean setting that must be true: nothing when it is true or cannot be read, a
 * finding on the setting when it is false, on `owner` (the block to add it to) when it
 * is missing (its default is off).
 */
function mustBeTrue(input: TfInput, resource: TfResource, owner: Block, name: string, what: string): Hit | undefined {
  const a = attribute(owner, name);
  const value = valueOf(input, owner, name);
  if (isTrueValue(value) || (a && !known(value))) return undefined;
  const set = !a ? `does not set ${name} = true` : value === null ? `leaves ${name} unset (null)` : setByDefaultOnly(input, owner, [name]) ? `gets ${name} = ${String(value)} from ${defaultOf(a.expr)}, which every caller that leaves it out gets` : `sets ${name} = ${String(value)}`;
  return { line: a ? a.line : owner.line, message: `${label(resource)} ${set}: ${what}.`, resource: label(resource) };
}

const engineOf = (input: TfInput, resource: TfResource): string | undefined => {
  const engine = valueOf(input, resource.block, 'engine');
  return typeof engine === 'string' ? engine.toLowerCase() : undefined;
};

const dbNoIamAuth: TfRule = tfRule({
  id: 'iac/tf-aws-db-no-iam-auth',
  title: 'Database does not accept IAM authentication',
  description:
    'IAM database authentication is off on an RDS MySQL/PostgreSQL instance, an Aurora cluster or a Neptune cluster, so every client logs in with a long-lived database password that ends up in configuration files, environment variables and CI secrets, and cannot be revoked per person or tied to an IAM role.',
  remediation: 'Set iam_database_authentication_enabled = true and let applications connect with short-lived tokens (rds generate-db-auth-token) from their IAM role; keep the master password in Secrets Manager for break-glass use.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      '# expect\nresource "aws_db_instance" "orders" {\n  engine         = "postgres"\n  instance_class = "db.t4g.small"\n}\n',
      'resource "aws_neptune_cluster" "graph" {\n  cluster_identifier                  = "graph"\n  # expect\n  iam_database_authentication_enabled = false\n}\n',
      '# expect\nmodule "db" {\n  source  = "terraform-aws-modules/rds/aws"\n  version = "~> 6.0"\n  engine  = "mysql"\n}\n',
      // A module's replica input left at its null default: the instance is a primary.
      'variable "replicate_source_db" {\n  type    = string\n  default = null\n}\nresource "aws_db_instance" "this" {\n  engine                              = "postgres"\n  replicate_source_db                 = var.replicate_source_db\n  # expect\n  iam_database_authentication_enabled = false\n}\n',
    ],
    negative: [
      'resource "aws_db_instance" "orders" {\n  engine                              = "mysql"\n  iam_database_authentication_enabled = true\n}\n',
      // MariaDB and SQL Server instances cannot use IAM authentication; Aurora members inherit it from the cluster.
      'resource "aws_db_instance" "legacy" {\n  engine = "mariadb"\n}\nresource "aws_db_instance" "member" {\n  engine = "aurora-postgresql"\n}\n',
      'resource "aws_db_instance" "replica" {\n  replicate_source_db = aws_db_instance.orders.identifier\n}\n',
    ],
  },
  *check(input) {
    for (const db of resourcesOf(input, 'aws_db_instance')) {
      const engine = engineOf(input, db);
      if (!engine || !instanceTakesIamAuth(engine) || given(input, db.block, 'replicate_source_db')) continue;
      const hit = mustBeTrue(input, db, db.block, 'iam_database_authentication_enabled', 'clients can only log in with database passwords');
      if (hit) yield hit;
    }
    for (const cluster of resourcesOf(input, 'aws_rds_cluster')) {
      const engine = engineOf(input, cluster) ?? 'aurora-mysql';
      if (!clusterTakesIamAuth(engine, valueOf(input, cluster.block, 'engine_mode'))) continue;
      const hit = mustBeTrue(input, cluster, cluster.block, 'iam_database_authentication_enabled', 'clients can only log in with database passwords');
      if (hit) yield hit;
    }
    for (const cluster of resourcesOf(input, 'aws_neptune_cluster')) {
      const hit = mustBeTrue(input, cluster, cluster.block, 'iam_database_authentication_enabled', 'any client that reaches the endpoint can query the graph without signed requests');
      if (hit) yield hit;
    }
  },
});

const noBackups: TfRule = tfRule({
  id: 'iac/tf-aws-backups-disabled',
  title: 'Automatic backups disabled',
  description:
    'A data store keeps no automatic backups: an RDS instance with backup_retention_period = 0, a Redis ElastiCache cluster or replication group without snapshot_retention_limit (the default keeps none), or a DynamoDB table without point-in-time recovery. A mistaken deletion, a bad migration or ransomware that encrypts or wipes the data cannot be rolled back.',
  remediation: 'RDS: backup_retention_period of at least 7. ElastiCache Redis: snapshot_retention_limit of at least 1. DynamoDB: point_in_time_recovery { enabled = true }. Consider AWS Backup plans with a vault lock for critical data.',
  severity: 'low',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      'resource "aws_db_instance" "orders" {\n  engine                  = "postgres"\n  # expect\n  backup_retention_period = 0\n}\n',
      // A module's replica input left at its null default: the instance is a primary.
      'variable "replicate_source_db" {\n  type    = string\n  default = null\n}\nresource "aws_db_instance" "this" {\n  engine                  = "postgres"\n  replicate_source_db     = var.replicate_source_db\n  # expect\n  backup_retention_period = 0\n}\n',
      '# expect\nresource "aws_elasticache_cluster" "sessions" {\n  cluster_id      = "sessions"\n  engine          = "redis"\n  node_type       = "cache.t4g.small"\n  num_cache_nodes = 1\n}\n',
      // A module's group input left at its null default: a cluster of its own.
      'variable "replication_group_id" {\n  type    = string\n  default = null\n}\n# expect\nresource "aws_elasticache_cluster" "this" {\n  cluster_id           = "sessions"\n  engine               = "redis"\n  node_type            = "cache.t4g.small"\n  num_cache_nodes      = 1\n  replication_group_id = var.replication_group_id\n}\n',
      'resource "aws_dynamodb_table" "users" {\n  name     = "users"\n  hash_key = "id"\n  point_in_time_recovery {\n    # expect\n    enabled = false\n  }\n}\n',
      '# expect\nresource "aws_dynamodb_table" "users" {\n  name     = "users"\n  hash_key = "id"\n}\n',
    ],
    negative: [
      // RDS keeps one day of backups when backup_retention_period is not set.
      'resource "aws_db_instance" "orders" {\n  engine = "postgres"\n}\n',
      'resource "aws_elasticache_cluster" "sessions" {\n  engine                   = "redis"\n  snapshot_retention_limit = 3\n}\nresource "aws_elasticache_cluster" "pages" {\n  engine = "memcached"\n}\n',
      'resource "aws_dynamodb_table" "users" {\n  name = "users"\n  point_in_time_recovery {\n    enabled = true\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const db of resourcesOf(input, 'aws_db_instance')) {
      const a = attribute(db.block, 'backup_retention_period');
      const value = valueOf(input, db.block, 'backup_retention_period');
      if (a && (value === 0 || value === '0') && !given(input, db.block, 'replicate_source_db')) yield { line: a.line, message: `${label(db)} keeps no automated backups (backup_retention_period = 0).`, resource: label(db) };
    }
    for (const cache of resourcesOf(input, 'aws_elasticache_cluster', 'aws_elasticache_replication_group')) {
      // A cluster that joins a replication group takes its snapshot settings from the group.
      if (cache.type === 'aws_elasticache_cluster' && given(input, cache.block, 'replication_group_id')) continue;
      const engine = engineOf(input, cache) ?? (cache.type === 'aws_elasticache_replication_group' ? 'redis' : undefined);
      if (engine !== 'redis' && engine !== 'valkey') continue;
      const a = attribute(cache.block, 'snapshot_retention_limit');
      const value = valueOf(input, cache.block, 'snapshot_retention_limit');
      if (a && !(value === 0 || value === '0')) continue;
      yield { line: a ? a.line : cache.block.line, message: `${label(cache)} keeps no automatic snapshots (snapshot_retention_limit ${a ? '= 0' : 'is not set'}).`, resource: label(cache) };
    }
    for (const table of resourcesOf(input, 'aws_dynamodb_table')) {
      // Read where it is made: a dynamic point_in_time_recovery whose for_each is known empty makes no block (recovery stays off).
      const { value, line } = settingAt(table.block, ['point_in_time_recovery', 'enabled'], fileInstance(input));
      if (isTrueValue(value) || (value !== undefined && !known(value))) continue;
      yield { line, message: `${label(table)} has point-in-time recovery ${isFalseValue(value) ? 'disabled' : 'not enabled'}.`, resource: label(table) };
    }
  },
});

const redisOutdated: TfRule = tfRule({
  id: 'iac/tf-aws-elasticache-redis-outdated',
  title: 'ElastiCache Redis version too old to encrypt or require AUTH',
  description:
    'An ElastiCache cluster or replication group runs a Redis engine older than 4.0.10 (other than 3.2.6). ElastiCache supports neither in-transit nor at-rest encryption on these versions, and an AUTH token needs in-transit encryption: every client that reaches the port can read and change all keys without a password, the traffic and the data on disk are in clear text, and the end-of-life engine gets no security fixes. Encryption cannot be added without an upgrade.',
  remediation: 'Upgrade engine_version to a supported release (Redis 7 or Valkey), then enable transit_encryption_enabled, at_rest_encryption_enabled and an auth_token or RBAC user group on a replication group.',
  severity: 'medium',
  cwe: ['CWE-1104', 'CWE-306'],
  examples: {
    positive: [
      'resource "aws_elasticache_cluster" "sessions" {\n  cluster_id      = "sessions"\n  engine          = "redis"\n  node_type       = "cache.t3.small"\n  num_cache_nodes = 1\n  # expect\n  engine_version  = "3.2.10"\n}\n',
      'resource "aws_elasticache_replication_group" "queue" {\n  replication_group_id = "queue"\n  description          = "job queue"\n  node_type            = "cache.t3.small"\n  # expect\n  engine_version       = "2.8.24"\n}\n',
    ],
    negative: [
      'resource "aws_elasticache_replication_group" "queue" {\n  replication_group_id       = "queue"\n  description                = "job queue"\n  engine                     = "redis"\n  engine_version             = "7.1"\n  transit_encryption_enabled = true\n  at_rest_encryption_enabled = true\n}\n',
      // 3.2.6 was the first version with encryption; Memcached versions are numbered separately.
      'resource "aws_elasticache_replication_group" "legacy" {\n  replication_group_id = "legacy"\n  description          = "legacy"\n  engine_version       = "3.2.6"\n}\nresource "aws_elasticache_cluster" "pages" {\n  cluster_id     = "pages"\n  engine         = "memcached"\n  engine_version = "1.4.34"\n}\n',
    ],
  },
  *check(input) {
    for (const cache of resourcesOf(input, 'aws_elasticache_cluster', 'aws_elasticache_replication_group')) {
      const engine = engineOf(input, cache) ?? (cache.type === 'aws_elasticache_replication_group' ? 'redis' : undefined);
      if (engine !== 'redis') continue;
      const a = attribute(cache.block, 'engine_version');
      const value = valueOf(input, cache.block, 'engine_version');
      const version = typeof value === 'number' ? String(value) : value;
      if (!a || typeof version !== 'string' || !redisWithoutEncryption(version)) continue;
      yield { line: a.line, message: `${label(cache)} runs Redis ${version}, an end-of-life version that ElastiCache cannot encrypt in transit or at rest nor protect with an AUTH token (3.2.6 or 4.0.10 and later are needed).`, resource: label(cache) };
    }
  },
});

/**
 * How an ElastiCache setting that turns on authentication reads: 'none' when it is left
 * out, null, "" or an empty list (the provider sends nothing), 'unknown' when it cannot
 * be read, 'on' otherwise (a token, a list naming a user group, even by a reference).
 */
function authSetting(input: TfInput, block: Block, name: string): 'none' | 'unknown' | 'on' {
  const value = valueOf(input, block, name);
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return 'none';
  return known(value) ? 'on' : 'unknown';
}

/** The users an aws_elasticache_user_group holds in the module: those its user_ids name, and those an aws_elasticache_user_group_association adds. */
function usersOfGroup(input: TfInput, group: TfResource): TfResource[] {
  const named = (expr: Expr | undefined): TfResource[] => mentioned(input, expr).filter((u) => u.type === 'aws_elasticache_user' && u.kind === 'resource').map((u) => instanceNamed(input, expr!, u));
  const out = named(attribute(group.block, 'user_ids')?.expr);
  for (const association of moduleResourcesOf(input, 'aws_elasticache_user_group_association')) {
    if (mentioned(input, attribute(association.block, 'user_group_id')?.expr).includes(written(group))) out.push(...named(attribute(association.block, 'user_id')?.expr));
  }
  return out;
}

interface OpenDefault {
  group: TfResource;
  /** The user: a resource's label, or AWS's built-in user. */
  user: string;
  access: string;
}

/**
 * The user named "default" that needs no password (no_password_required, or an
 * authentication_mode of type no-password-required) and whose access string lets it in,
 * among the users of an aws_elasticache_user_group: every client that connects is that
 * user. AWS's built-in user, listed by its id "default", is one. Undefined when there is
 * none, or none can be read.
 */
function openDefaultIn(input: TfInput, group: TfResource): OpenDefault | undefined {
  const ids = asStrings(valueOf(input, group.block, 'user_ids')) ?? [];
  if (ids.includes(BUILT_IN_DEFAULT_USER.id)) return { group, user: `AWS's built-in user "${BUILT_IN_DEFAULT_USER.id}"`, access: BUILT_IN_DEFAULT_USER.access };
  for (const user of usersOfGroup(input, group)) {
    if (valueOf(input, user.block, 'user_name') !== 'default') continue;
    const noPassword = isTrueValue(valueOf(input, user.block, 'no_password_required')) || valueAt(input, user.block, ['authentication_mode', 'type']) === 'no-password-required';
    const access = valueOf(input, user.block, 'access_string');
    if (noPassword && accessStringOpen(access)) return { group, user: label(user), access: access as string };
  }
  return undefined;
}

/** openDefaultIn, of the aws_elasticache_user_group(s) of the module an expression names. */
function openDefaultUser(input: TfInput, expr: Expr | undefined): OpenDefault | undefined {
  for (const found of mentioned(input, expr)) {
    if (found.type !== 'aws_elasticache_user_group' || found.kind !== 'resource') continue;
    const open = openDefaultIn(input, instanceNamed(input, expr!, found));
    if (open) return open;
  }
  return undefined;
}

const openMessage = ({ group, user, access }: OpenDefault): string =>
  `an RBAC user group ${label(group)} that holds ${user}, a default user that needs no password (access string "${access}"): any client that reaches the cache connects as that user without a password.`;

/** Where a caller that gives a module's output to a cache as is makes it the cache's user group (module-calls.ts CallerUse). */
const CACHE_USER_GROUP_USES = new Set(['aws_elasticache_serverless_cache user_group_id', 'aws_elasticache_replication_group user_group_ids']);

const elasticacheNoAuth: TfRule = tfRule({
  id: 'iac/tf-aws-elasticache-no-auth',
  title: 'ElastiCache Redis or Valkey cache accepts unauthenticated clients',
  description:
    'An ElastiCache replication group running Redis OSS or Valkey (the default engine is Redis) without an auth_token (or its write-only form auth_token_wo) and without an RBAC user group (user_group_ids), or a Redis OSS or Valkey serverless cache without a user_group_id, or with a user group of the module (aws_elasticache_user_group, its user_ids or an aws_elasticache_user_group_association) whose "default" user needs no password (no_password_required, or authentication_mode type no-password-required) and is on with commands to run (access string "on ~* +@all", "on ~* +@read"), or that lists AWS\'s built-in user by its id "default" (no password, every command): every client that reaches the cache endpoint (any instance, container or Lambda function in the VPC that its security groups admit, or a peered network) connects as the default user, reads and writes every key and can flush the data, with no password. ElastiCache has no public endpoint, so the cache is not exposed to the internet; a foothold anywhere in the network is enough. A user group of a module that the module\'s callers give a cache (its output passed as another module\'s user_group_id or user_group_ids, written into the cache as is) is reported where it is made. A user group or users that cannot be read there count as authentication. A secondary member of a global datastore (global_replication_group_id) is left to the datastore\'s primary; a Memcached cache has no AUTH to turn on, and an aws_elasticache_cluster cannot be given one in Terraform (use a replication group).',
  remediation:
    'Replication group: set transit_encryption_enabled = true (AUTH needs it) and an auth_token read from a secret store (aws_secretsmanager_secret_version, a sensitive variable), or, better, user_group_ids = [aws_elasticache_user_group.x.user_group_id] with users that authenticate by password or IAM and a default user that is disabled ("off") or has no access. Serverless cache: user_group_id. Existing groups can add a token with auth_token_update_strategy = "ROTATE".',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      '# expect\nresource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  engine                     = "redis"\n  transit_encryption_enabled = true\n}\n',
      // A module's inputs left at their null defaults: the provider sends neither.
      'variable "auth_token" {\n  type    = string\n  default = null\n}\nvariable "user_group_ids" {\n  type    = list(string)\n  default = null\n}\n# expect\nresource "aws_elasticache_replication_group" "this" {\n  replication_group_id       = "queue"\n  description                = "queue"\n  engine                     = "valkey"\n  transit_encryption_enabled = true\n  auth_token                 = var.auth_token\n  user_group_ids             = var.user_group_ids\n}\n',
      'resource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  transit_encryption_enabled = true\n  # expect\n  user_group_ids             = []\n}\n',
      '# expect\nresource "aws_elasticache_serverless_cache" "sessions" {\n  name   = "sessions"\n  engine = "valkey"\n}\n',
      // A user group whose default user needs no password: every client connects as it.
      'resource "aws_elasticache_user" "default" {\n  user_id       = "app-default"\n  user_name     = "default"\n  access_string = "on ~* +@read"\n  engine        = "REDIS"\n  authentication_mode {\n    type = "no-password-required"\n  }\n}\nresource "aws_elasticache_user_group" "app" {\n  engine        = "REDIS"\n  user_group_id = "app"\n  user_ids      = [aws_elasticache_user.default.user_id]\n}\nresource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  transit_encryption_enabled = true\n  # expect\n  user_group_ids             = [aws_elasticache_user_group.app.id]\n}\nresource "aws_elasticache_serverless_cache" "sessions" {\n  name          = "sessions"\n  engine        = "redis"\n  # expect\n  user_group_id = aws_elasticache_user_group.app.user_group_id\n}\n',
      // AWS's built-in user, listed by its id: no password, every command.
      'resource "aws_elasticache_user_group" "app" {\n  engine        = "REDIS"\n  user_group_id = "app"\n  user_ids      = ["default", aws_elasticache_user.app.user_id]\n}\nresource "aws_elasticache_serverless_cache" "sessions" {\n  name          = "sessions"\n  engine        = "valkey"\n  # expect\n  user_group_id = aws_elasticache_user_group.app.user_group_id\n}\n',
      // The default user added by an association, with no_password_required.
      'resource "aws_elasticache_user" "default" {\n  user_id              = "app-default"\n  user_name            = "default"\n  access_string        = "on ~* +@all"\n  engine               = "VALKEY"\n  no_password_required = true\n}\nresource "aws_elasticache_user_group" "app" {\n  engine        = "VALKEY"\n  user_group_id = "app"\n}\nresource "aws_elasticache_user_group_association" "default" {\n  user_group_id = aws_elasticache_user_group.app.user_group_id\n  user_id       = aws_elasticache_user.default.user_id\n}\nresource "aws_elasticache_serverless_cache" "queue" {\n  name          = "queue"\n  engine        = "valkey"\n  # expect\n  user_group_id = aws_elasticache_user_group.app.user_group_id\n}\n',
    ],
    negative: [
      'resource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  transit_encryption_enabled = true\n  auth_token                 = aws_secretsmanager_secret_version.redis.secret_string\n}\n',
      'resource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  transit_encryption_enabled = true\n  auth_token_wo              = ephemeral.aws_secretsmanager_secret_version.redis.secret_string\n  auth_token_wo_version      = 1\n}\n',
      'resource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  engine                     = "valkey"\n  transit_encryption_enabled = true\n  user_group_ids             = [aws_elasticache_user_group.app.user_group_id]\n}\nresource "aws_elasticache_serverless_cache" "sessions" {\n  name          = "sessions"\n  engine        = "redis"\n  user_group_id = aws_elasticache_user_group.app.user_group_id\n}\n',
      // The group's default user is off, needs a password, or has no command to run.
      'resource "aws_elasticache_user" "off" {\n  user_id              = "app-default"\n  user_name            = "default"\n  access_string        = "off -@all"\n  engine               = "REDIS"\n  no_password_required = true\n}\nresource "aws_elasticache_user" "password" {\n  user_id       = "app-default-2"\n  user_name     = "default"\n  access_string = "on ~* +@all"\n  engine        = "REDIS"\n  authentication_mode {\n    type      = "password"\n    passwords = [var.default_password]\n  }\n}\nresource "aws_elasticache_user" "nothing" {\n  user_id              = "app-default-3"\n  user_name            = "default"\n  access_string        = "on ~* -@all"\n  engine               = "REDIS"\n  no_password_required = true\n}\nresource "aws_elasticache_user_group" "a" {\n  engine        = "REDIS"\n  user_group_id = "a"\n  user_ids      = [aws_elasticache_user.off.user_id]\n}\nresource "aws_elasticache_user_group" "b" {\n  engine        = "REDIS"\n  user_group_id = "b"\n  user_ids      = [aws_elasticache_user.password.user_id]\n}\nresource "aws_elasticache_user_group" "c" {\n  engine        = "REDIS"\n  user_group_id = "c"\n  user_ids      = [aws_elasticache_user.nothing.user_id]\n}\nresource "aws_elasticache_replication_group" "a" {\n  replication_group_id       = "a"\n  description                = "a"\n  transit_encryption_enabled = true\n  user_group_ids             = [aws_elasticache_user_group.a.id]\n}\nresource "aws_elasticache_replication_group" "b" {\n  replication_group_id       = "b"\n  description                = "b"\n  transit_encryption_enabled = true\n  user_group_ids             = [aws_elasticache_user_group.b.id]\n}\nresource "aws_elasticache_serverless_cache" "c" {\n  name          = "c"\n  engine        = "redis"\n  user_group_id = aws_elasticache_user_group.c.user_group_id\n}\n',
      // Given by a caller: not known here.
      'variable "auth_token" {\n  type      = string\n  sensitive = true\n}\nresource "aws_elasticache_replication_group" "this" {\n  replication_group_id       = "queue"\n  description                = "queue"\n  transit_encryption_enabled = true\n  auth_token                 = var.auth_token\n}\n',
      // A secondary member of a global datastore is left to its primary; Memcached has no AUTH.
      'resource "aws_elasticache_replication_group" "secondary" {\n  replication_group_id        = "sessions-eu"\n  description                 = "sessions, secondary region"\n  global_replication_group_id = aws_elasticache_global_replication_group.sessions.global_replication_group_id\n}\nresource "aws_elasticache_serverless_cache" "pages" {\n  name   = "pages"\n  engine = "memcached"\n}\n',
    ],
  },
  *check(input) {
    for (const group of resourcesOf(input, 'aws_elasticache_replication_group')) {
      const engine = valueOf(input, group.block, 'engine');
      if (typeof engine === 'string' && !['redis', 'valkey'].includes(engine.toLowerCase())) continue;
      if (joinsGlobalDatastore(input, group)) continue;
      // auth_token_wo: the write-only form (kept out of the state), from provider 6.
      const token = [authSetting(input, group.block, 'auth_token'), authSetting(input, group.block, 'auth_token_wo')];
      const groups = authSetting(input, group.block, 'user_group_ids');
      if (token.some((t) => t !== 'none')) continue;
      if (groups !== 'none') {
        const open = openDefaultUser(input, attribute(group.block, 'user_group_ids')?.expr);
        if (open) yield { line: attribute(group.block, 'user_group_ids')!.line, message: `${label(group)} has no auth_token and ${openMessage(open)}`, resource: label(group) };
        continue;
      }
      // An empty list written out is reported on its line; a setting left out or given null, on the resource.
      const emptyGroups = attribute(group.block, 'user_group_ids') && valueOf(input, group.block, 'user_group_ids') !== null;
      const transit = valueOf(input, group.block, 'transit_encryption_enabled');
      const transitOff = transit === undefined || transit === null || isFalseValue(transit);
      yield {
        line: emptyGroups ? attribute(group.block, 'user_group_ids')!.line : group.block.line,
        message: `${label(group)} has no auth_token and ${emptyGroups ? 'an empty user_group_ids' : 'no RBAC user group (user_group_ids)'}: any client that reaches the cache reads and writes every key without a password${transitOff ? ' (an auth_token also needs transit_encryption_enabled = true)' : ''}.`,
        resource: label(group),
      };
    }
    for (const cache of resourcesOf(input, 'aws_elasticache_serverless_cache')) {
      // The engine is required; one that cannot be read may be Memcached, which has no AUTH.
      const engine = engineOf(input, cache);
      if (engine !== 'redis' && engine !== 'valkey') continue;
      if (authSetting(input, cache.block, 'user_group_id') !== 'none') {
        const open = openDefaultUser(input, attribute(cache.block, 'user_group_id')?.expr);
        if (open) yield { line: attribute(cache.block, 'user_group_id')!.line, message: `${label(cache)} has ${openMessage(open)}`, resource: label(cache) };
        continue;
      }
      yield { line: cache.block.line, message: `${label(cache)} has no RBAC user group (user_group_id): any client that reaches the cache reads and writes every key without a password.`, resource: label(cache) };
    }
    // A user group that the module's callers give to a cache (another module's, through an output): reported where it is made.
    for (const group of resourcesOf(input, 'aws_elasticache_user_group')) {
      const uses = [...CACHE_USER_GROUP_USES].filter((key) => usedByCallers(input, written(group).address, (use) => `${use.block} ${use.attribute}` === key));
      const open = uses.length > 0 ? openDefaultIn(input, group) : undefined;
      if (!open) continue;
      const line = attribute(group.block, 'user_ids')?.line ?? group.block.line;
      yield { line, message: `${label(group)} is the user group the caller gives a cache (${uses.join(', ')}), and it holds ${open.user}, a default user that needs no password (access string "${open.access}"): any client that reaches that cache connects as that user without a password.`, resource: label(group) };
    }
  },
});

/** Fine-grained access control needs Elasticsearch 6.7 or later (any OpenSearch version). */
function supportsFineGrainedAccess(input: TfInput, domain: TfResource): boolean {
  if (domain.type !== 'aws_elasticsearch_domain') return true;
  const version = valueOf(input, domain.block, 'elasticsearch_version');
  if (typeof version !== 'string') return true;
  const m = /^(\d+)\.(\d+)/.exec(version);
  return !m || Number(m[1]) > 6 || (Number(m[1]) === 6 && Number(m[2]) >= 7);
}

const searchNoFineGrainedAccess: TfRule = tfRule({
  id: 'iac/tf-aws-search-no-fine-grained-access',
  title: 'OpenSearch domain without fine-grained access control',
  description:
    'advanced_security_options is not enabled on an OpenSearch or Elasticsearch domain: whoever passes the domain access policy can read, change and delete every index, and there is no per-index, per-document or per-field restriction, nor an audit trail of who did what in the cluster.',
  remediation: 'Add advanced_security_options { enabled = true } with a master user ARN (or an internal user database), with HTTPS enforced, node-to-node encryption and encryption at rest, which fine-grained access control requires.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  advanced_security_options {\n    # expect\n    enabled = false\n  }\n}\n',
      '# expect\nresource "aws_elasticsearch_domain" "logs" {\n  domain_name           = "logs"\n  elasticsearch_version = "7.10"\n}\n',
    ],
    negative: [
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  advanced_security_options {\n    enabled                        = true\n    internal_user_database_enabled = false\n    master_user_options {\n      master_user_arn = aws_iam_role.search_admin.arn\n    }\n  }\n}\n',
      'resource "aws_elasticsearch_domain" "old" {\n  domain_name           = "old"\n  elasticsearch_version = "6.3"\n}\n',
    ],
  },
  *check(input) {
    for (const domain of resourcesOf(input, 'aws_elasticsearch_domain', 'aws_opensearch_domain')) {
      if (!supportsFineGrainedAccess(input, domain)) continue;
      // Read where it is made: modules write `dynamic "advanced_security_options" { for_each = length(var.advanced_security_options) > 0 ? [...] : [] ... }`.
      const { value, line } = settingAt(domain.block, ['advanced_security_options', 'enabled'], fileInstance(input));
      if (isTrueValue(value) || (value !== undefined && !known(value))) continue;
      yield { line, message: `${label(domain)} has fine-grained access control ${isFalseValue(value) ? 'disabled' : 'not enabled'}.`, resource: label(domain) };
    }
  },
});

/** Whether a key reference names an AWS managed key: `alias/aws/...` written out, or a `data "aws_kms_key"` looking one up. */
function isAwsManagedKey(input: TfInput, expr: Expr): boolean {
  const value = evaluate(expr, input.scope);
  if (typeof value === 'string') return AWS_MANAGED_ALIAS.test(value);
  return mentioned(input, expr).some((found) => {
    if (found.kind !== 'data' || (found.type !== 'aws_kms_key' && found.type !== 'aws_kms_alias')) return false;
    // A lookup with for_each or count: the instance the expression names.
    const d = instanceNamed(input, expr, found);
    const id = valueOf(input, d.block, d.type === 'aws_kms_key' ? 'key_id' : 'name');
    return typeof id === 'string' && AWS_MANAGED_ALIAS.test(id);
  });
}

interface KeyedResource {
  type: string;
  /** Path to the key setting; the block before it must exist for the resource to be checked. */
  path: string[];
  /** Whether the resource encrypts at all (otherwise another rule reports it as unencrypted). */
  encrypts?: (input: TfInput, resource: TfResource) => boolean;
  what: string;
}

const S3_DEFAULT_ENCRYPTION = ['rule', 'apply_server_side_encryption_by_default'];

/** Whether the default encryption written at `path` asks for a KMS key (aws:kms, aws:kms:dsse). */
function s3Kms(input: TfInput, resource: TfResource, path: readonly string[]): boolean {
  const algorithm = settingAt(resource.block, [...path, 'sse_algorithm'], fileInstance(input)).value;
  return typeof algorithm === 'string' && S3_KMS_ALGORITHM.test(algorithm);
}

const KEYED: readonly KeyedResource[] = [
  { type: 'aws_cloudwatch_log_group', path: ['kms_key_id'], what: 'log events' },
  { type: 'aws_codebuild_project', path: ['encryption_key'], what: 'build artifacts' },
  { type: 'aws_secretsmanager_secret', path: ['kms_key_id'], what: 'the secret' },
  { type: 'aws_sagemaker_endpoint_configuration', path: ['kms_key_arn'], what: 'the endpoint storage volumes' },
  { type: 'aws_docdb_cluster', path: ['kms_key_id'], encrypts: (i, r) => isTrueValue(valueOf(i, r.block, 'storage_encrypted')), what: 'the cluster storage' },
  { type: 'aws_efs_file_system', path: ['kms_key_id'], encrypts: (i, r) => isTrueValue(valueOf(i, r.block, 'encrypted')), what: 'the file system' },
  { type: 'aws_elasticsearch_domain', path: ['encrypt_at_rest', 'kms_key_id'], encrypts: (i, r) => isTrueValue(settingAt(r.block, ['encrypt_at_rest', 'enabled'], fileInstance(i)).value), what: 'the domain data' },
  { type: 'aws_opensearch_domain', path: ['encrypt_at_rest', 'kms_key_id'], encrypts: (i, r) => isTrueValue(settingAt(r.block, ['encrypt_at_rest', 'enabled'], fileInstance(i)).value), what: 'the domain data' },
  // A bucket that asks for SSE-KMS without its own key gets the AWS managed aws/s3; SSE-S3 (S3's default) asks for no KMS key.
  { type: 'aws_s3_bucket_server_side_encryption_configuration', path: [...S3_DEFAULT_ENCRYPTION, 'kms_master_key_id'], encrypts: (i, r) => s3Kms(i, r, S3_DEFAULT_ENCRYPTION), what: 'the bucket objects' },
  { type: 'aws_s3_bucket', path: ['server_side_encryption_configuration', ...S3_DEFAULT_ENCRYPTION, 'kms_master_key_id'], encrypts: (i, r) => s3Kms(i, r, ['server_side_encryption_configuration', ...S3_DEFAULT_ENCRYPTION]), what: 'the bucket objects' },
];

/**
 * An EKS cluster whose Secrets no encryption_config envelope-encrypts with a KMS key of the
 * account: on its header when it has none, on the resources list that leaves "secrets" out. A
 * list that cannot be read leaves the cluster alone. The key itself is required by the provider
 * (provider.key_arn), and the eks module creates one when given none.
 */
function eksSecretsWithoutKey(input: TfInput, cluster: TfResource): Hit | undefined {
  const configs = sectionsIn(cluster.block, 'encryption_config', fileInstance(input), { made: true });
  if (configs.some((c) => c.get('resources') !== undefined && !known(c.get('resources')))) return undefined;
  if (configs.some((c) => (asStrings(c.get('resources')) ?? []).includes('secrets'))) return undefined;
  const named = configs.find((c) => c.block && attribute(c.block, 'resources'));
  const line = named ? named.lineOf('resources') : (configs[0]?.line ?? cluster.block.line);
  const what = configs.length === 0 ? 'has no encryption_config' : 'has no encryption_config for "secrets"';
  return { line, message: `${label(cluster)} ${what}: its Kubernetes Secrets are not encrypted with a KMS key of the account, and ${EKS_DEFAULT_ENVELOPE_NOTE}.`, resource: label(cluster) };
}

const noCustomerManagedKey: TfRule = tfRule({
  id: 'iac/tf-aws-no-customer-managed-key',
  title: 'Data encrypted with an AWS managed key instead of a customer managed key',
  description:
    'A log group, CodeBuild project, secret, SageMaker endpoint, DocumentDB cluster, EFS file system or OpenSearch domain is encrypted with the service default or an AWS managed key (alias/aws/...), an EKS cluster has no encryption_config that envelope-encrypts its Kubernetes Secrets with a KMS key of the account (' + EKS_DEFAULT_ENVELOPE_NOTE + '; the terraform-aws-modules/eks module does so by default from 19.0.0, with a key it creates), or an S3 bucket asks for SSE-KMS (sse_algorithm = "aws:kms" or "aws:kms:dsse") without a kms_master_key_id of its own, which gives it the AWS managed key aws/s3. A bucket without an encryption configuration, or with AES256, is not reported: S3 encrypts every new object with its own keys (SSE-S3) by default since January 2023, and asking for KMS is the choice this rule judges. The key policy of such a key cannot be changed: anyone in the account with read access to the service can decrypt, key use cannot be limited to specific roles, and the key cannot be disabled or scheduled for deletion to cut access in an incident.',
  remediation: 'Create an aws_kms_key with rotation enabled and a key policy that allows only the service and the roles that need the data, and reference it (kms_key_id, encryption_key, kms_key_arn, kms_master_key_id; EKS: encryption_config { resources = ["secrets"] provider { key_arn = ... } }).',
  severity: 'low',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      '# expect\nresource "aws_cloudwatch_log_group" "app" {\n  name              = "/app/api"\n  retention_in_days = 90\n}\n',
      'resource "aws_secretsmanager_secret" "db" {\n  name       = "db-password"\n  # expect\n  kms_key_id = "alias/aws/secretsmanager"\n}\n',
      'data "aws_kms_key" "builds" {\n  key_id = "alias/aws/s3"\n}\nresource "aws_codebuild_project" "app" {\n  name           = "app"\n  service_role   = aws_iam_role.build.arn\n  # expect\n  encryption_key = data.aws_kms_key.builds.arn\n}\n',
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  # expect\n  encrypt_at_rest {\n    enabled = true\n  }\n}\n',
      // SSE-KMS without a key of the bucket's own: S3 uses the AWS managed key aws/s3.
      'resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {\n  bucket = aws_s3_bucket.reports.id\n  rule {\n    # expect\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "aws:kms"\n    }\n    bucket_key_enabled = true\n  }\n}\n',
      'resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {\n  bucket = aws_s3_bucket.reports.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = "aws:kms"\n      # expect\n      kms_master_key_id = "alias/aws/s3"\n    }\n  }\n}\n',
      // EKS's default envelope encryption uses an AWS owned key.
      '# expect\nresource "aws_eks_cluster" "main" {\n  name     = "main"\n  role_arn = aws_iam_role.eks.arn\n  vpc_config {\n    subnet_ids = var.private_subnets\n  }\n}\n',
      // Before 19.0.0 the EKS module encrypted Secrets only when given cluster_encryption_config.
      '# expect\nmodule "eks" {\n  source          = "terraform-aws-modules/eks/aws"\n  version         = "18.31.2"\n  cluster_name    = "main"\n  cluster_version = "1.29"\n}\n',
    ],
    negative: [
      'resource "aws_cloudwatch_log_group" "app" {\n  name       = "/app/api"\n  kms_key_id = aws_kms_key.logs.arn\n}\n',
      'data "aws_kms_key" "team" {\n  key_id = "alias/team-secrets"\n}\nresource "aws_secretsmanager_secret" "db" {\n  name       = "db-password"\n  kms_key_id = data.aws_kms_key.team.arn\n}\n',
      // Not encrypted at all: iac/tf-aws-efs-not-encrypted reports it.
      'resource "aws_efs_file_system" "shared" {\n  creation_token = "shared"\n}\n',
      // S3 encrypts every new object with S3-managed keys by default (SSE-S3): no KMS key is asked for.
      'resource "aws_s3_bucket" "reports" {\n  bucket = "reports"\n}\n\nresource "aws_s3_bucket_server_side_encryption_configuration" "reports" {\n  bucket = aws_s3_bucket.reports.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "AES256"\n    }\n  }\n}\n',
      'resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {\n  bucket = aws_s3_bucket.reports.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.reports.arn\n    }\n  }\n}\n',
      'resource "aws_eks_cluster" "main" {\n  name     = "main"\n  role_arn = aws_iam_role.eks.arn\n  vpc_config {\n    subnet_ids = var.private_subnets\n  }\n  encryption_config {\n    resources = ["secrets"]\n    provider {\n      key_arn = aws_kms_key.eks.arn\n    }\n  }\n}\n',
      'module "eks" {\n  source          = "terraform-aws-modules/eks/aws"\n  version         = "~> 20.0"\n  cluster_name    = "main"\n  cluster_version = "1.31"\n}\n',
      'module "eks" {\n  source          = "terraform-aws-modules/eks/aws"\n  version         = "18.31.2"\n  cluster_name    = "main"\n  cluster_encryption_config = [{\n    provider_key_arn = aws_kms_key.eks.arn\n    resources        = ["secrets"]\n  }]\n}\n',
    ],
  },
  *check(input) {
    for (const keyed of KEYED) {
      for (const resource of resourcesOf(input, keyed.type)) {
        if (keyed.encrypts && !keyed.encrypts(input, resource)) continue;
        // The blocks of the path read where they are made (a dynamic one whose for_each is known empty makes none, and
        // its iterator is bound), and a key given null or "" (a module variable left at null) is not set.
        let owner: Block | undefined = resource.block;
        let at = fileInstance(input);
        for (const name of keyed.path.slice(0, -1)) {
          const section: Section | undefined = owner ? sectionsIn(owner, name, at, { made: true }).find((s) => s.block) : undefined;
          owner = section?.block;
          if (section) at = section.instance;
        }
        if (!owner) continue;
        const key = attribute(owner, keyed.path[keyed.path.length - 1]!);
        const value = key ? valueIn(at, key.expr) : undefined;
        if (!key || value === null || value === '') yield { line: key ? key.line : owner.line, message: `${label(resource)} encrypts ${keyed.what} with an AWS owned or managed key: no ${keyed.path.join('.')} is set.`, resource: label(resource) };
        else if (isAwsManagedKey(input, key.expr)) yield { line: key.line, message: `${label(resource)} encrypts ${keyed.what} with an AWS managed key, whose policy cannot be restricted.`, resource: label(resource) };
      }
    }
    for (const cluster of resourcesOf(input, 'aws_eks_cluster')) {
      const hit = eksSecretsWithoutKey(input, cluster);
      if (hit) yield hit;
    }
  },
});

export const dataRules: readonly TfRule[] = [dbNoIamAuth, noBackups, searchNoFineGrainedAccess, noCustomerManagedKey, redisOutdated, elasticacheNoAuth];

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/** Lines of the findings of one rule on a Terraform text. */
function hits(ruleId: string, source: string): number[] {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => f.location.startLine);
}

describe('terraform ElastiCache Redis version rule', () => {
  const rule = 'iac/tf-aws-elasticache-redis-outdated';
  const cluster = (version: string, engine = 'redis') =>
    `resource "aws_elasticache_cluster" "c" {\n  cluster_id      = "c"\n  engine          = "${engine}"\n  num_cache_nodes = 1\n  engine_version  = ${version}\n}\n`;

  it('reports versions without encryption support on engine_version, and not 3.2.6 or 4.0.10 and later', () => {
    for (const version of ['"2.6.13"', '"2.8.24"', '"3.2.4"', '"3.2.10"', '"4.0.9"', '2.8']) assert.deepEqual(hits(rule, cluster(version)), [5], version);
    for (const version of ['"3.2.6"', '"4.0.10"', '"5.0.6"', '"6.x"', '"6.2"', '"7.1"']) assert.deepEqual(hits(rule, cluster(version)), [], version);
  });

  it('does not guess at versions it cannot read or tell apart', () => {
    assert.deepEqual(hits(rule, cluster('var.redis_version')), []);
    assert.deepEqual(hits(rule, cluster('"3.2"')), []);
    assert.deepEqual(hits(rule, 'resource "aws_elasticache_cluster" "c" {\n  cluster_id = "c"\n  engine     = "redis"\n}\n'), []);
  });

  it('reads a version from a variable default, and leaves Memcached and group members alone', () => {
    const fromVariable = 'variable "redis_version" {\n  default = "3.2.10"\n}\n' + cluster('var.redis_version');
    assert.deepEqual(hits(rule, fromVariable), [8]);
    assert.deepEqual(hits(rule, cluster('"1.4.5"', 'memcached')), []);
    const member = 'resource "aws_elasticache_cluster" "member" {\n  cluster_id           = "m"\n  replication_group_id = aws_elasticache_replication_group.g.id\n}\nresource "aws_elasticache_replication_group" "g" {\n  replication_group_id = "g"\n  description          = "g"\n  engine_version       = "3.2.10"\n}\n';
    assert.deepEqual(hits(rule, member), [8]);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lines, linesOf } from '../../helpers/iac-lines.js';

// Judgments found wrong by a sweep of public Terraform modules (AWS, GCP and Azure registry modules and their examples).
describe('Terraform sweep of registry modules', () => {
  // terraform-aws-modules/elasticache writes the flags as `var.create_secondary_global_replication_group ? null : var.x`.
  it('leaves the encryption of a global datastore secondary to its primary, as a module writes it', () => {
    const group = (secondary: boolean) =>
      lines(
        'variable "secondary" {',
        `  default = ${secondary}`,
        '}',
        'variable "global_id" {',
        `  default = ${secondary ? '"ldgnf-sessions"' : 'null'}`,
        '}',
        'resource "aws_elasticache_replication_group" "this" {',
        '  replication_group_id        = "sessions"',
        '  description                 = "sessions"',
        '  global_replication_group_id = var.secondary ? var.global_id : null',
        '  at_rest_encryption_enabled  = var.secondary ? null : false',
        '  transit_encryption_enabled  = var.secondary ? null : false',
        '}',
      );
    for (const rule of ['iac/tf-aws-database-not-encrypted', 'iac/tf-aws-transit-not-encrypted']) {
      assert.deepEqual(linesOf(rule, group(true)), [], rule);
      assert.equal(linesOf(rule, group(false)).length, 1, rule);
    }
  });

  it('reports a Redshift cluster that turns encryption off, not one that leaves it to the default', () => {
    const cluster = (encrypted: string) => lines('variable "encrypted" {', `  default = ${encrypted}`, '}', 'resource "aws_redshift_cluster" "dw" {', '  cluster_identifier = "dw"', '  encrypted          = var.encrypted', '}');
    assert.deepEqual(linesOf('iac/tf-aws-database-not-encrypted', cluster('null')), []);
    assert.deepEqual(linesOf('iac/tf-aws-database-not-encrypted', cluster('false')), [6]);
  });
});

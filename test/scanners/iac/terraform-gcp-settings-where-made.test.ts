import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lines, linesOf, findingsOf, enabledVariable, unmadeDynamic } from '../../helpers/iac-lines.js';
import { scanMemory } from '../../helpers/memory-files.js';

/**
 * Google Cloud settings in nested blocks are read where the blocks are made (settingAt,
 * sectionsIn): a `dynamic` block whose for_each is known empty makes no block, so what
 * its content sets does not apply and the provider's default does.
 */
describe('Terraform GCP settings read where their blocks are made', () => {
  const off = enabledVariable(false);
  const on = enabledVariable(true);

  it('reports network policy turned on only in a dynamic block that makes nothing, at the severity of the default', () => {
    const cluster = off + lines('resource "google_container_cluster" "main" {', '  name     = "main"', '  location = "europe-west1"', ...unmadeDynamic('network_policy', '  ', 'enabled  = true', 'provider = "CALICO"'), '}');
    assert.deepEqual(linesOf('iac/tf-gcp-gke-network-policy-off', cluster), [4]);
    assert.deepEqual(findingsOf('iac/tf-gcp-gke-network-policy-off', cluster).map((f) => f.severity), ['low']);
    assert.deepEqual(linesOf('iac/tf-gcp-gke-network-policy-off', cluster.replace(off, on)), []);
  });

  it("reports network policy off by a module variable's default at the severity of the default, and at medium where a caller or definitions file turns it off", async () => {
    const RULE = 'iac/tf-gcp-gke-network-policy-off';
    const module = lines(
      'variable "network_policy" {',
      '  type    = bool',
      '  default = false',
      '}',
      '',
      'locals {',
      '  policy = var.network_policy ? [{ enabled = true }] : [{ enabled = false }]',
      '}',
      '',
      'resource "google_container_cluster" "main" {',
      '  name     = "main"',
      '  location = "europe-west1"',
      '  dynamic "network_policy" {',
      '    for_each = local.policy',
      '    content {',
      '      enabled = network_policy.value.enabled',
      '    }',
      '  }',
      '}',
    );
    const severities = async (files: Record<string, string>) => (await scanMemory(files)).findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`);
    assert.deepEqual(findingsOf(RULE, module).map((f) => `${f.location.startLine} ${f.severity}`), ['16 low']);
    assert.deepEqual(await severities({ 'main.tf': module, 'terraform.tfvars': 'network_policy = false\n' }), ['main.tf:16 medium']);
    const call = (argument: string) => `module "gke" {\n  source = "./modules/gke"\n${argument}}\n`;
    assert.deepEqual(await severities({ 'modules/gke/main.tf': module, 'main.tf': call('') }), ['modules/gke/main.tf:16 low']);
    assert.deepEqual(await severities({ 'modules/gke/main.tf': module, 'main.tf': call('  network_policy = false\n') }), ['modules/gke/main.tf:16 medium']);
  });

  it("reports a bucket's per-object ACLs and a database's public IP at low when only a variable's default gives them, at medium when written out", () => {
    const bucket = (value: string) => lines('variable "uniform" {', '  type    = bool', '  default = false', '}', '', 'resource "google_storage_bucket" "b" {', '  name                        = "example-bucket-123"', '  location                    = "EU"', `  uniform_bucket_level_access = ${value}`, '}');
    const severity = (rule: string, source: string) => findingsOf(rule, source).map((f) => `${f.location.startLine} ${f.severity}`);
    assert.deepEqual(severity('iac/tf-gcp-storage-uniform-access-off', bucket('var.uniform')), ['9 low']);
    assert.deepEqual(severity('iac/tf-gcp-storage-uniform-access-off', bucket('false')), ['9 medium']);
    const sql = (value: string) =>
      lines('variable "public_ip" {', '  type    = bool', '  default = true', '}', '', 'resource "google_sql_database_instance" "db" {', '  name             = "db"', '  database_version = "POSTGRES_15"', '  settings {', '    tier = "db-f1-micro"', '    ip_configuration {', `      ipv4_enabled = ${value}`, '      ssl_mode     = "ENCRYPTED_ONLY"', '    }', '  }', '}');
    assert.deepEqual(severity('iac/tf-gcp-sql-public-ip', sql('var.public_ip')), ['12 low']);
    assert.deepEqual(severity('iac/tf-gcp-sql-public-ip', sql('true')), ['12 medium']);
  });

  it("reports a database's unencrypted connections at low when only a variable's default allows them, at medium when written out or given by a caller or definitions file", async () => {
    const RULE = 'iac/tf-gcp-sql-ssl-not-enforced';
    const sql = (name: string, value: string, fallback: string) =>
      lines(`variable "${name}" {`, `  default = ${fallback}`, '}', '', 'resource "google_sql_database_instance" "db" {', '  name             = "db"', '  database_version = "POSTGRES_15"', '  settings {', '    tier = "db-f1-micro"', '    ip_configuration {', `      ${name} = ${value}`, '    }', '  }', '}');
    const severity = (source: string) => findingsOf(RULE, source).map((f) => `${f.location.startLine} ${f.severity}`);
    const mode = (value: string) => sql('ssl_mode', value, '"ALLOW_UNENCRYPTED_AND_ENCRYPTED"');
    assert.deepEqual(severity(mode('var.ssl_mode')), ['11 low']);
    assert.deepEqual(severity(mode('"ALLOW_UNENCRYPTED_AND_ENCRYPTED"')), ['11 medium']);
    assert.deepEqual(severity(sql('require_ssl', 'var.require_ssl', 'false')), ['11 low']);
    assert.deepEqual(severity(sql('require_ssl', 'false', 'false')), ['11 medium']);
    const severities = async (files: Record<string, string>) => (await scanMemory(files)).findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`);
    assert.deepEqual(await severities({ 'main.tf': mode('var.ssl_mode'), 'terraform.tfvars': 'ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"\n' }), ['main.tf:11 medium']);
    // A module's dynamic ip_configuration over its variable, as modules write it.
    const module = lines('variable "ip_configuration" {', '  default = { ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED" }', '}', '', 'resource "google_sql_database_instance" "db" {', '  name             = "db"', '  database_version = "POSTGRES_15"', '  settings {', '    tier = "db-f1-micro"', '    dynamic "ip_configuration" {', '      for_each = [var.ip_configuration]', '      content {', '        ssl_mode = lookup(ip_configuration.value, "ssl_mode", null)', '      }', '    }', '  }', '}');
    const call = (argument: string) => `module "db" {\n  source = "./modules/db"\n${argument}}\n`;
    assert.deepEqual(await severities({ 'modules/db/main.tf': module, 'main.tf': call('') }), ['modules/db/main.tf:13 low']);
    assert.deepEqual(await severities({ 'modules/db/main.tf': module, 'main.tf': call('  ip_configuration = { ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED" }\n') }), ['modules/db/main.tf:13 medium']);
  });

  it("reports project-wide SSH keys allowed by a module variable's default at low, at medium when written out or given by a definitions file", async () => {
    const RULE = 'iac/tf-gcp-instance-project-ssh-keys';
    const vm = (value: string, metadata = `{\n    block-project-ssh-keys = ${value}\n  }`) =>
      lines('variable "block_project_keys" {', '  default = false', '}', '', 'variable "metadata" {', '  default = { block-project-ssh-keys = false }', '}', '', 'resource "google_compute_instance" "vm" {', '  name         = "vm"', '  machine_type = "e2-small"', `  metadata = ${metadata}`, '}');
    const severity = (source: string) => findingsOf(RULE, source).map((f) => `${f.location.startLine} ${f.severity}`);
    assert.deepEqual(severity(vm('var.block_project_keys')), ['13 low']);
    assert.deepEqual(severity(vm('false')), ['13 medium']);
    assert.deepEqual(severity(vm('', 'var.metadata')), ['12 low']);
    const severities = async (files: Record<string, string>) => (await scanMemory(files)).findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`);
    assert.deepEqual(await severities({ 'main.tf': vm('var.block_project_keys'), 'terraform.tfvars': 'block_project_keys = false\n' }), ['main.tf:13 medium']);
  });

  it('does not report a client certificate issued only in a dynamic block that makes nothing', () => {
    const cluster = off + lines('resource "google_container_cluster" "main" {', '  name     = "main"', '  location = "europe-west1"', '  master_auth {', ...unmadeDynamic('client_certificate_config', '    ', 'issue_client_certificate = true'), '  }', '}');
    assert.deepEqual(linesOf('iac/tf-gcp-gke-legacy-auth', cluster), []);
    assert.deepEqual(linesOf('iac/tf-gcp-gke-legacy-auth', cluster.replace(off, on)), [11]);
  });

  it('does not report a metadata server exposed or auto-upgrade turned off only in a dynamic block that makes nothing', () => {
    const pool = off + lines(
      'resource "google_container_node_pool" "pool" {',
      '  name    = "pool"',
      '  cluster = google_container_cluster.main.id',
      '  node_config {',
      ...unmadeDynamic('workload_metadata_config', '    ', 'mode = "GCE_METADATA"'),
      '  }',
      ...unmadeDynamic('management', '  ', 'auto_repair  = true', 'auto_upgrade = false'),
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-gcp-gke-workload-identity-off', pool), []);
    assert.deepEqual(linesOf('iac/tf-gcp-gke-auto-upgrade-off', pool), []);
    assert.deepEqual(linesOf('iac/tf-gcp-gke-workload-identity-off', pool.replace(off, on)), [11]);
    assert.deepEqual(linesOf('iac/tf-gcp-gke-auto-upgrade-off', pool.replace(off, on)), [19]);
  });

  it('reports Cloud SQL backups, private IP and TLS set only in dynamic blocks that make nothing, as left at their defaults', () => {
    const db = off + lines(
      'resource "google_sql_database_instance" "db" {',
      '  name             = "db"',
      '  database_version = "POSTGRES_15"',
      '  settings {',
      '    tier = "db-custom-2-7680"',
      ...unmadeDynamic('ip_configuration', '    ', 'ipv4_enabled    = false', 'private_network = google_compute_network.main.id', 'ssl_mode        = "ENCRYPTED_ONLY"'),
      ...unmadeDynamic('backup_configuration', '    ', 'enabled = true'),
      '  }',
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-gcp-sql-no-backup', db), [7]);
    assert.deepEqual(findingsOf('iac/tf-gcp-sql-public-ip', db).map((f) => `${f.location.startLine} ${f.severity}`), ['7 low']);
    assert.deepEqual(findingsOf('iac/tf-gcp-sql-ssl-not-enforced', db).map((f) => `${f.location.startLine} ${f.severity}`), ['7 low']);
    for (const rule of ['iac/tf-gcp-sql-no-backup', 'iac/tf-gcp-sql-public-ip', 'iac/tf-gcp-sql-ssl-not-enforced']) assert.deepEqual(linesOf(rule, db.replace(off, on)), [], rule);
  });

  it('does not read node settings in a dynamic node_config that makes nothing', () => {
    const pool = off + lines(
      'resource "google_container_node_pool" "pool" {',
      '  name    = "pool"',
      '  cluster = google_container_cluster.main.id',
      ...unmadeDynamic('node_config', '  ', 'metadata = {', '  disable-legacy-endpoints = "false"', '}', 'workload_metadata_config {', '  mode = "GCE_METADATA"', '}'),
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-gcp-gke-workload-identity-off', pool), []);
    assert.deepEqual(linesOf('iac/tf-gcp-gke-workload-identity-off', pool.replace(off, on)), [11, 14]);
  });

  it('does not read the management of a node_pool that a dynamic block does not make', () => {
    const cluster = off + lines(
      'resource "google_container_cluster" "main" {',
      '  name     = "main"',
      '  location = "europe-west1"',
      ...unmadeDynamic('node_pool', '  ', 'name = "pool"', 'management {', '  auto_upgrade = false', '}'),
      '}',
    );
    assert.deepEqual(linesOf('iac/tf-gcp-gke-auto-upgrade-off', cluster), []);
    assert.deepEqual(linesOf('iac/tf-gcp-gke-auto-upgrade-off', cluster.replace(off, on)), [12]);
  });
});

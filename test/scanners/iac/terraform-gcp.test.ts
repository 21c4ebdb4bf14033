import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { gcpRules } from '../../../src/scanners/iac/terraform/rules/gcp.js';
import { terraformRules } from '../../../src/scanners/iac/terraform/rules/index.js';
import type { Hit } from '../../../src/scanners/iac/rule.js';

/** The hits of one Google Cloud rule on a file (.tf.json when the text starts with `{`). */
function hits(ruleId: string, source: string): Hit[] {
  const rule = gcpRules.find((r) => r.id === ruleId);
  assert.ok(rule, ruleId);
  const input = readTerraform(source, () => {});
  return input ? [...rule.check(input)] : [];
}

const lines = (ruleId: string, source: string) => hits(ruleId, source).map((h) => h.line).sort((a, b) => a - b);

/** The 1-based line of the first line of `source` that contains `text`. */
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('Terraform GCP: the rule set', () => {
  it('is wired into the Terraform rules with iac/tf-gcp- ids', () => {
    assert.ok(gcpRules.length >= 20);
    for (const rule of gcpRules) {
      assert.match(rule.id, /^iac\/tf-gcp-[a-z0-9-]+$/);
      assert.ok(terraformRules.includes(rule), rule.id);
    }
  });

  it('stays quiet on a hardened project', () => {
    const source = `resource "google_project" "app" {
  name                = "app"
  project_id          = "app-123456"
  auto_create_network = false
}

resource "google_compute_subnetwork" "app" {
  name          = "app"
  ip_cidr_range = "10.10.0.0/24"
  network       = google_compute_network.main.id
  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
  }
}

resource "google_compute_instance" "vm" {
  name           = "vm"
  machine_type   = "e2-small"
  can_ip_forward = false
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  shielded_instance_config {
    enable_secure_boot = true
  }
  network_interface {
    subnetwork = google_compute_subnetwork.app.id
  }
  metadata = {
    block-project-ssh-keys = "TRUE"
    enable-oslogin         = "TRUE"
  }
  service_account {
    email  = google_service_account.vm.email
    scopes = ["cloud-platform"]
  }
}

resource "google_storage_bucket" "data" {
  name                        = "app-data-123456"
  location                    = "EU"
  uniform_bucket_level_access = true
  logging {
    log_bucket = "app-logs-123456"
  }
}

resource "google_sql_database_instance" "db" {
  name             = "db"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-custom-2-7680"
    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.main.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }
    backup_configuration {
      enabled = true
    }
  }
}

resource "google_kms_crypto_key" "data" {
  name            = "data"
  key_ring        = google_kms_key_ring.main.id
  rotation_period = "7776000s"
}

resource "google_container_cluster" "main" {
  name              = "main"
  location          = "europe-west1"
  datapath_provider = "ADVANCED_DATAPATH"
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
  workload_identity_config {
    workload_pool = "app-123456.svc.id.goog"
  }
  node_config {
    image_type = "COS_CONTAINERD"
    shielded_instance_config {
      enable_secure_boot = true
    }
  }
}

resource "google_dns_managed_zone" "public" {
  name     = "public"
  dns_name = "example.org."
  dnssec_config {
    state = "on"
  }
}

resource "google_storage_bucket_iam_member" "ci" {
  bucket = google_storage_bucket.data.name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:ci@app-123456.iam.gserviceaccount.com"
}
`;
    const input = readTerraform(source, () => {});
    assert.ok(input);
    const found = gcpRules.flatMap((r) => [...r.check(input)].map((h) => `${r.id}:${h.line}`));
    assert.deepEqual(found, []);
  });
});

describe('Terraform GCP: firewall rules open to the internet', () => {
  const RULE = 'iac/tf-gcp-firewall-open-to-internet';
  const firewall = (allow: string, extra = '') => `resource "google_compute_firewall" "fw" {\n  name    = "fw"\n  network = "default"\n${allow}${extra}  source_ranges = ["0.0.0.0/0"]\n}\n`;
  const allow = (protocol: string, ports?: string) => `  allow {\n    protocol = "${protocol}"\n${ports === undefined ? '' : `    ports    = ${ports}\n`}  }\n`;

  it('reports every port, a whole protocol, ranges and numbers on the source_ranges line', () => {
    const all = firewall(allow('all'));
    assert.deepEqual(lines(RULE, all), [lineOf(all, 'source_ranges')]);
    assert.equal(hits(RULE, all)[0]!.severity, 'critical');
    // An allow block without ports opens every port of its protocol.
    assert.match(hits(RULE, firewall(allow('tcp')))[0]!.message, /every port/);
    assert.match(hits(RULE, firewall(allow('6', '["0-65535"]')))[0]!.message, /every port/);
    assert.match(hits(RULE, firewall(allow('tcp', '[3306, "8080"]')))[0]!.message, /3306\/tcp \(MySQL\/MariaDB\)/);
    assert.match(hits(RULE, firewall(allow('udp', '["3380-3390"]')))[0]!.message, /opens 3389\/udp \(Remote Desktop \(RDP\)\) to/);
    assert.equal(hits(RULE, firewall(allow('tcp', '["23"]')))[0]!.severity, 'critical');
  });

  it('merges the allow blocks of one rule into one finding', () => {
    const source = firewall(allow('tcp', '["22"]') + allow('tcp', '["5432"]') + allow('icmp'));
    const found = hits(RULE, source);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /22\/tcp \(SSH\), 5432\/tcp \(PostgreSQL\) to 0\.0\.0\.0\/0/);
  });

  it('ignores web ports, other protocols, deny blocks, egress, disabled rules and sources it cannot read', () => {
    assert.deepEqual(lines(RULE, firewall(allow('tcp', '["80", "443", "8443-8445"]'))), []);
    assert.deepEqual(lines(RULE, firewall(allow('icmp') + allow('esp'))), []);
    assert.deepEqual(lines(RULE, firewall(allow('tcp', '["22"]'), '  direction = "EGRESS"\n')), []);
    assert.deepEqual(lines(RULE, firewall(allow('tcp', '["22"]'), '  disabled = true\n')), []);
    assert.deepEqual(lines(RULE, firewall('  deny {\n    protocol = "all"\n  }\n')), []);
    const unknown = 'resource "google_compute_firewall" "fw" {\n  name = "fw"\n  network = "default"\n  allow {\n    protocol = "all"\n  }\n  source_ranges = var.sources\n}\n';
    assert.deepEqual(lines(RULE, unknown), []);
  });

  it('reads each instance of a for_each and each element of a dynamic allow block', () => {
    const source = `resource "google_compute_firewall" "fw" {
  for_each = { ssh = "22", web = "443" }
  name     = each.key
  network  = "default"
  allow {
    protocol = "tcp"
    ports    = [each.value]
  }
  source_ranges = ["0.0.0.0/0"]
}
`;
    const found = hits(RULE, source);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /22\/tcp/);
    const web = source.replace('ssh = "22", ', '');
    assert.deepEqual(lines(RULE, web), []);
  });

  it('reads firewall policy rules, allowing ones only', () => {
    const rule = (action: string) => `resource "google_compute_firewall_policy_rule" "r" {\n  firewall_policy = "policy"\n  priority        = 100\n  action          = "${action}"\n  direction       = "INGRESS"\n  match {\n    src_ip_ranges = ["::/0"]\n    layer4_configs {\n      ip_protocol = "all"\n    }\n  }\n}\n`;
    assert.deepEqual(lines(RULE, rule('allow')), [7]);
    assert.deepEqual(lines(RULE, rule('deny')), []);
    assert.deepEqual(lines(RULE, rule('goto_next')), []);
  });

  it('reads the JSON syntax', () => {
    const json = '{\n  "resource": {\n    "google_compute_firewall": {\n      "ssh": {\n        "name": "ssh",\n        "network": "default",\n        "allow": [{ "protocol": "tcp", "ports": ["22"] }],\n        "source_ranges": ["0.0.0.0/0"]\n      }\n    }\n  }\n}\n';
    assert.deepEqual(lines(RULE, json), [8]);
  });
});

describe('Terraform GCP: instances', () => {
  it('project-wide SSH keys: OS Login on the instance or in project metadata, and metadata it cannot read, silence the rule', () => {
    const RULE = 'iac/tf-gcp-instance-project-ssh-keys';
    const vm = (metadata: string) => `resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n${metadata}}\n`;
    assert.deepEqual(lines(RULE, vm('')), [1]);
    assert.deepEqual(lines(RULE, vm('  metadata = {\n    block-project-ssh-keys = "FALSE"\n  }\n')), [5]);
    assert.deepEqual(lines(RULE, vm('  metadata = {\n    block-project-ssh-keys = true\n  }\n')), []);
    assert.deepEqual(lines(RULE, vm('  metadata = var.metadata\n')), []);
    assert.deepEqual(lines(RULE, vm('  metadata = {\n    enable-oslogin = "true"\n  }\n')), []);
    const project = 'resource "google_compute_project_metadata" "p" {\n  metadata = {\n    enable-oslogin = "TRUE"\n  }\n}\n';
    assert.deepEqual(lines(RULE, project + vm('')), []);
    // An instance that turns OS Login off takes project keys again.
    assert.deepEqual(lines(RULE, project + vm('  metadata = {\n    enable-oslogin = "FALSE"\n  }\n')), [9]);
  });

  it('default service account: only the default account with the cloud-platform scope', () => {
    const RULE = 'iac/tf-gcp-default-sa-full-access';
    const vm = (account: string) => `resource "google_compute_instance_template" "t" {\n  machine_type = "e2-small"\n  service_account {\n${account}    scopes = ["https://www.googleapis.com/auth/cloud-platform"]\n  }\n}\n`;
    assert.deepEqual(lines(RULE, vm('')), [4]);
    assert.deepEqual(lines(RULE, vm('    email = "123456789012-compute@developer.gserviceaccount.com"\n')), [5]);
    assert.deepEqual(lines(RULE, vm('    email = "app@app-123456.iam.gserviceaccount.com"\n')), []);
    assert.deepEqual(lines(RULE, vm('    email = var.email\n')), []);
    const cluster = 'resource "google_container_cluster" "c" {\n  name = "c"\n  node_pool {\n    name = "default"\n    node_config {\n      oauth_scopes = ["cloud-platform"]\n    }\n  }\n}\n';
    assert.deepEqual(lines(RULE, cluster), [6]);
  });

  it('public IPs, serial console and OS Login settings are read on instances, templates and project metadata', () => {
    const vm = 'resource "google_compute_instance_template" "t" {\n  machine_type = "e2-small"\n  network_interface {\n    network = "default"\n    access_config {\n      nat_ip = google_compute_address.ip.address\n    }\n  }\n  metadata = {\n    serial-port-enable = true\n    enable-oslogin     = "false"\n  }\n}\n';
    assert.deepEqual(lines('iac/tf-gcp-instance-public-ip', vm), [5]);
    assert.deepEqual(lines('iac/tf-gcp-instance-serial-port', vm), [10]);
    assert.deepEqual(lines('iac/tf-gcp-oslogin-disabled', vm), [11]);
    const item = 'resource "google_compute_project_metadata_item" "serial" {\n  key   = "serial-port-enable"\n  value = "FALSE"\n}\n';
    assert.deepEqual(lines('iac/tf-gcp-instance-serial-port', item), []);
  });

  it('public IP: a dynamic access_config counts unless its for_each is known to be empty', () => {
    const RULE = 'iac/tf-gcp-instance-public-ip';
    const vm = (value: string) => `variable "access_config" {\n  default = ${value}\n}\n\nresource "google_compute_instance" "vm" {\n  name = "vm"\n  network_interface {\n    network = "default"\n    dynamic "access_config" {\n      for_each = var.access_config\n      content {\n        nat_ip = access_config.value.nat_ip\n      }\n    }\n  }\n}\n`;
    assert.deepEqual(lines(RULE, vm('[]')), []);
    assert.deepEqual(lines(RULE, vm('[{ nat_ip = null }]')), [9]);
    assert.deepEqual(lines(RULE, vm('null').replace('  default = null\n', '')), [8]);
  });

  it('customer-supplied keys: literal keys only, marked as secrets', () => {
    const RULE = 'iac/tf-gcp-disk-key-in-code';
    const disk = (key: string) => `resource "google_compute_disk" "d" {\n  name = "d"\n  disk_encryption_key {\n    raw_key = ${key}\n  }\n}\n`;
    const found = hits(RULE, disk('"FAKE-EXAMPLE-KEY"'));
    assert.deepEqual(found.map((h) => h.line), [4]);
    assert.equal(found[0]!.secret, 'FAKE-EXAMPLE-KEY');
    assert.doesNotMatch(found[0]!.message, /FAKE-EXAMPLE-KEY/);
    assert.deepEqual(lines(RULE, disk('""')), []);
    assert.deepEqual(lines(RULE, disk('var.key')), []);
  });
});

describe('Terraform GCP: IAM', () => {
  it('public access: each member entry of a binding, per instance of a for_each, and policy documents', () => {
    const RULE = 'iac/tf-gcp-public-access';
    const binding = 'resource "google_pubsub_topic_iam_binding" "b" {\n  topic = "t"\n  role  = "roles/pubsub.publisher"\n  members = [\n    "group:x@example.org",\n    "allUsers",\n    "allAuthenticatedUsers",\n  ]\n}\n';
    assert.deepEqual(lines(RULE, binding), [6, 7]);
    const each = 'resource "google_secret_manager_secret_iam_member" "m" {\n  for_each  = toset(["group:x@example.org", "allUsers"])\n  secret_id = "s"\n  role      = "roles/secretmanager.secretAccessor"\n  member    = each.value\n}\n';
    assert.deepEqual(lines(RULE, each), [5]);
    const access = 'resource "google_bigquery_dataset_access" "a" {\n  dataset_id = "d"\n  role       = "READER"\n  iam_member = "allUsers"\n}\n';
    assert.deepEqual(lines(RULE, access), [4]);
    const control = 'resource "google_storage_object_access_control" "c" {\n  bucket = "b"\n  object = "o"\n  role   = "READER"\n  entity = "allUsers"\n}\n';
    assert.deepEqual(lines(RULE, control), [5]);
  });

  it('public invokers of Cloud Run and Cloud Functions go to their own, low-severity rule', () => {
    const source = 'data "google_iam_policy" "invoke" {\n  binding {\n    role    = "roles/run.invoker"\n    members = ["allUsers"]\n  }\n}\n';
    assert.deepEqual(lines('iac/tf-gcp-public-access', source), []);
    assert.deepEqual(lines('iac/tf-gcp-serverless-public-invoker', source), [4]);
  });

  it('impersonation roles: project, folder and organisation level only, including policy documents applied to them', () => {
    const RULE = 'iac/tf-gcp-iam-impersonation-project-wide';
    const policy = (target: string) => `data "google_iam_policy" "p" {\n  binding {\n    role    = "roles/iam.serviceAccountUser"\n    members = ["group:x@example.org"]\n  }\n}\n\nresource "${target}" "p" {\n  policy_data = data.google_iam_policy.p.policy_data\n}\n`;
    assert.deepEqual(lines(RULE, policy('google_organization_iam_policy')), [3]);
    assert.deepEqual(lines(RULE, policy('google_service_account_iam_policy')), []);
    // A document applied nowhere in this file: its scope is not known.
    assert.deepEqual(lines(RULE, policy('google_storage_bucket').replace('policy_data', 'labels')), []);
  });

  it('service account with an administrator role: project-level grants, and basic roles in documents applied nowhere', () => {
    const RULE = 'iac/tf-gcp-iam-service-account-admin';
    const member = (role: string, type = 'google_project_iam_member') => `resource "${type}" "m" {\n  project = "p"\n  role    = "${role}"\n  member  = "serviceAccount:ci@p.iam.gserviceaccount.com"\n}\n`;
    assert.deepEqual(lines(RULE, member('roles/owner')), [3]);
    assert.deepEqual(lines(RULE, member('roles/iam.securityAdmin')), [3]);
    assert.deepEqual(lines(RULE, member('roles/compute.instanceAdmin.v1')), [3]);
    assert.deepEqual(lines(RULE, member('roles/viewer')), []);
    assert.deepEqual(lines(RULE, member('roles/cloudkms.admin', 'google_kms_key_ring_iam_member')), []);
    const document = (role: string) => `data "google_iam_policy" "p" {\n  binding {\n    role    = "${role}"\n    members = ["serviceAccount:ci@p.iam.gserviceaccount.com"]\n  }\n}\n`;
    assert.deepEqual(lines(RULE, document('roles/editor')), [3]);
    // storage.admin in a document applied nowhere may be a bucket policy.
    assert.deepEqual(lines(RULE, document('roles/storage.admin')), []);
    // Service agents are managed by Google; templates are read by their literal start and shown as written.
    assert.deepEqual(lines(RULE, member('roles/cloudkms.admin').replace('ci@p.iam.gserviceaccount.com', 'service-123@gcp-sa-cloudkms.iam.gserviceaccount.com')), []);
    const template = member('roles/owner').replace('ci@p.iam.gserviceaccount.com', '${google_service_account.ci.email}');
    assert.match(hits(RULE, template)[0]!.message, /to "serviceAccount:\$\{google_service_account\.ci\.email\}"\.$/);
    // Basic roles to a service account are this rule's, not the basic-role rule's.
    assert.deepEqual(lines('iac/tf-gcp-iam-basic-role', member('roles/owner')), []);
  });

  it('one finding per role line that also names the other roles its instances grant', () => {
    const RULE = 'iac/tf-gcp-iam-service-account-admin';
    const source = (roles: string[]) =>
      `locals {\n  roles = ${JSON.stringify(roles)}\n}\n\nresource "google_project_iam_member" "ci" {\n  count   = length(local.roles)\n  project = "p"\n  role    = local.roles[count.index]\n  member  = "serviceAccount:ci@p.iam.gserviceaccount.com"\n}\n`;
    const found = hits(RULE, source(['roles/cloudkms.admin', 'roles/viewer', 'roles/resourcemanager.projectIamAdmin', 'roles/cloudkms.admin']));
    assert.deepEqual(
      found.map((h) => `${h.line} ${h.message}`),
      ['8 google_project_iam_member.ci[0] grants roles/cloudkms.admin on the whole project to serviceAccount:ci@p.iam.gserviceaccount.com. Its other instances grant roles/resourcemanager.projectIamAdmin too.'],
    );
    const many = hits(RULE, source(['roles/a.admin', 'roles/b.admin', 'roles/c.admin', 'roles/d.admin', 'roles/e.admin', 'roles/f.admin']));
    assert.match(many[0]!.message, /Its other instances grant roles\/b\.admin, roles\/c\.admin, roles\/d\.admin and 2 more such roles too\.$/);
    assert.doesNotMatch(hits(RULE, source(['roles/owner']))[0]!.message, /other instances/);
  });

  it('one finding per member line that also names the other members its instances grant to', () => {
    const RULE = 'iac/tf-gcp-public-access';
    const each = (members: string[]) =>
      `locals {\n  members = ${JSON.stringify(members)}\n}\n\nresource "google_storage_bucket_iam_member" "m" {\n  count  = length(local.members)\n  bucket = "b"\n  role   = "roles/storage.objectViewer"\n  member = local.members[count.index]\n}\n`;
    assert.deepEqual(
      hits(RULE, each(['user:a@example.org', 'allUsers', 'allAuthenticatedUsers', 'allUsers'])).map((h) => `${h.line} ${h.message}`),
      ['9 google_storage_bucket_iam_member.m[1] grants roles/storage.objectViewer to allUsers. Its other instances grant it to allAuthenticatedUsers too.'],
    );
    assert.doesNotMatch(hits(RULE, each(['allUsers', 'user:a@example.org']))[0]!.message, /too\.$/);
    const personal = hits('iac/tf-gcp-iam-personal-account', each(['user:a@gmail.com', 'user:b@example.org', 'user:c@gmail.com', 'user:d@gmail.com', 'user:e@gmail.com', 'user:f@gmail.com']));
    assert.match(personal[0]!.message, /Its other instances grant it to user:c@gmail\.com, user:d@gmail\.com, user:e@gmail\.com and 1 more such member too\.$/);
    // Instances that grant different roles to the line's members name them; a list read from a local is one instance's.
    const roles = 'variable "grants" {\n  default = {\n    a = { role = "roles/storage.objectViewer", member = "allUsers" }\n    b = { role = "roles/storage.objectAdmin", member = "allUsers" }\n  }\n}\n\nresource "google_storage_bucket_iam_member" "m" {\n  for_each = var.grants\n  bucket   = "b"\n  role     = each.value.role\n  member   = each.value.member\n}\n';
    assert.match(hits(RULE, roles)[0]!.message, /\. Its other instances grant roles\/storage\.objectAdmin to allUsers too\.$/);
    const list = 'locals {\n  members = ["allUsers", "allAuthenticatedUsers"]\n}\n\nresource "google_pubsub_topic_iam_binding" "b" {\n  topic   = "t"\n  role    = "roles/pubsub.publisher"\n  members = local.members\n}\n';
    assert.deepEqual(hits(RULE, list).map((h) => `${h.line} ${h.message}`), ['8 google_pubsub_topic_iam_binding.b grants roles/pubsub.publisher to allUsers. It grants it to allAuthenticatedUsers too.']);
  });

  it('personal accounts and audit exemptions are reported on their list entries', () => {
    const binding = 'resource "google_folder_iam_binding" "b" {\n  folder  = "folders/1"\n  role    = "roles/viewer"\n  members = [\n    "user:a@example.org",\n    "user:b@googlemail.com",\n  ]\n}\n';
    assert.deepEqual(lines('iac/tf-gcp-iam-personal-account', binding), [6]);
    const audit = 'data "google_iam_policy" "p" {\n  audit_config {\n    service = "allServices"\n    audit_log_configs {\n      log_type         = "DATA_READ"\n      exempted_members = ["user:batch@example.org"]\n    }\n  }\n}\n';
    assert.deepEqual(lines('iac/tf-gcp-audit-log-exemptions', audit), [6]);
  });
});

describe('Terraform GCP: Cloud SQL, storage, KMS, DNS', () => {
  const sql = (ip: string, extra = '') => `resource "google_sql_database_instance" "db" {\n  name             = "db"\n  database_version = "MYSQL_8_0"\n${extra}  settings {\n    tier = "db-n1-standard-1"\n    ip_configuration {\n${ip}    }\n  }\n}\n`;

  it('an authorized network of 0.0.0.0/0 is reported once, by the open-to-internet rule', () => {
    const source = sql('      dynamic "authorized_networks" {\n        for_each = ["203.0.113.0/24", "0.0.0.0/0"]\n        content {\n          value = authorized_networks.value\n        }\n      }\n');
    assert.deepEqual(lines('iac/tf-gcp-sql-open-to-internet', source), [10]);
    assert.deepEqual(lines('iac/tf-gcp-sql-public-ip', source), []);
    assert.deepEqual(lines('iac/tf-gcp-sql-open-to-internet', sql('      ipv4_enabled = false\n      authorized_networks {\n        value = "0.0.0.0/0"\n      }\n')), []);
  });

  it('public IP: unset ipv4_enabled is reported on ip_configuration, unknown values are not', () => {
    assert.deepEqual(lines('iac/tf-gcp-sql-public-ip', sql('      private_network = "n"\n')), [6]);
    assert.deepEqual(lines('iac/tf-gcp-sql-public-ip', sql('      ipv4_enabled = var.public\n')), []);
  });

  it('SSL: ssl_mode decides when set, require_ssl otherwise', () => {
    const RULE = 'iac/tf-gcp-sql-ssl-not-enforced';
    assert.deepEqual(lines(RULE, sql('      ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"\n')), []);
    assert.deepEqual(lines(RULE, sql('      require_ssl = true\n')), []);
    assert.deepEqual(lines(RULE, sql('      require_ssl = false\n')), [7]);
    assert.deepEqual(lines(RULE, sql('      ipv4_enabled = false\n')), [6]);
  });

  it('backups: replicas are not reported', () => {
    assert.deepEqual(lines('iac/tf-gcp-sql-no-backup', sql('')), [4]);
    assert.deepEqual(lines('iac/tf-gcp-sql-no-backup', sql('', '  instance_type = "READ_REPLICA_INSTANCE"\n')), []);
  });

  it('bucket logging: log buckets and projects with storage read audit logs are not reported', () => {
    const RULE = 'iac/tf-gcp-storage-no-access-logging';
    const audit = 'resource "google_project_iam_audit_config" "storage" {\n  project = "p"\n  service = "storage.googleapis.com"\n  audit_log_config {\n    log_type = "DATA_READ"\n  }\n}\nresource "google_storage_bucket" "b" {\n  name     = "b"\n  location = "EU"\n}\n';
    assert.deepEqual(lines(RULE, audit), []);
  });

  it('KMS rotation: seconds with fractions, import-only and non-symmetric keys', () => {
    const RULE = 'iac/tf-gcp-kms-rotation';
    const key = (extra: string) => `resource "google_kms_crypto_key" "k" {\n  name     = "k"\n  key_ring = "r"\n${extra}}\n`;
    assert.deepEqual(lines(RULE, key('  rotation_period = "7776000.5s"\n')), [4]);
    assert.deepEqual(lines(RULE, key('  rotation_period = "2592000s"\n')), []);
    assert.deepEqual(lines(RULE, key('  rotation_period = var.period\n')), []);
    assert.deepEqual(lines(RULE, key('  import_only = true\n')), []);
    assert.deepEqual(lines(RULE, key('  purpose = "MAC"\n')), []);
  });

  it('DNSSEC: private zones are not public, keys of a zone with DNSSEC off sign nothing', () => {
    const zone = (extra: string) => `resource "google_dns_managed_zone" "z" {\n  name     = "z"\n  dns_name = "example.org."\n${extra}}\n`;
    assert.deepEqual(lines('iac/tf-gcp-dns-dnssec-off', zone('  visibility = "private"\n')), []);
    const sha1 = (state: string) => zone(`  dnssec_config {\n${state}    default_key_specs {\n      algorithm = "RSASHA1"\n      key_type  = "zoneSigning"\n    }\n  }\n`);
    assert.deepEqual(lines('iac/tf-gcp-dns-dnssec-rsasha1', sha1('    state = "on"\n')), [7]);
    assert.deepEqual(lines('iac/tf-gcp-dns-dnssec-rsasha1', sha1('    state = "off"\n')), []);
  });
});

describe('Terraform GCP: GKE', () => {
  const cluster = (body: string) => `resource "google_container_cluster" "c" {\n  name     = "c"\n  location = "europe-west1"\n${body}}\n`;

  it('Autopilot clusters are not reported for network policy or Workload Identity, but are for their endpoint', () => {
    const auto = cluster('  enable_autopilot = true\n');
    assert.deepEqual(lines('iac/tf-gcp-gke-network-policy-off', auto), []);
    assert.deepEqual(lines('iac/tf-gcp-gke-workload-identity-off', auto), []);
    assert.deepEqual(lines('iac/tf-gcp-gke-public-control-plane', auto), [1]);
  });

  it('control plane: the DNS-only endpoint and a private endpoint are not public; every Google Cloud address is', () => {
    const RULE = 'iac/tf-gcp-gke-public-control-plane';
    assert.deepEqual(lines(RULE, cluster('  control_plane_endpoints_config {\n    ip_endpoints_config {\n      enabled = false\n    }\n  }\n')), []);
    assert.deepEqual(lines(RULE, cluster('  master_authorized_networks_config {\n    gcp_public_cidrs_access_enabled = true\n  }\n')), [5]);
  });

  it('node metadata exposed to pods and auto-upgrade off are read in node pools of the cluster and node pool resources', () => {
    const source = cluster('  workload_identity_config {\n    workload_pool = "p.svc.id.goog"\n  }\n  node_pool {\n    name = "a"\n    management {\n      auto_upgrade = false\n    }\n    node_config {\n      workload_metadata_config {\n        mode = "GCE_METADATA"\n      }\n    }\n  }\n');
    assert.deepEqual(lines('iac/tf-gcp-gke-workload-identity-off', source), [14]);
    assert.deepEqual(lines('iac/tf-gcp-gke-auto-upgrade-off', source), [10]);
  });

  it('legacy authentication: empty credentials are the documented way to turn basic auth off; passwords are secrets', () => {
    const RULE = 'iac/tf-gcp-gke-legacy-auth';
    assert.deepEqual(lines(RULE, cluster('  master_auth {\n    username = ""\n    password = ""\n  }\n')), []);
    const found = hits(RULE, cluster('  master_auth {\n    username = "admin"\n    password = "abc123-password"\n  }\n'));
    assert.deepEqual(found.map((h) => h.line).sort(), [5, 6]);
    assert.equal(found.find((h) => h.line === 6)!.secret, 'abc123-password');
    assert.deepEqual(lines(RULE, cluster('  master_auth {\n  }\n')), []);
  });
});

describe('Terraform GCP: firewall rules open to wide private and broad public ranges', () => {
  const WIDE = 'iac/tf-gcp-firewall-sensitive-port-wide-private';
  const BROAD = 'iac/tf-gcp-firewall-sensitive-port-broad-public';
  const WORLD = 'iac/tf-gcp-firewall-open-to-internet';
  const firewall = (ranges: string, { ports = '["22"]', protocol = 'tcp', extra = '' } = {}) =>
    `resource "google_compute_firewall" "fw" {\n  name    = "fw"\n  network = "default"\n${extra}  allow {\n    protocol = "${protocol}"\n    ports    = ${ports}\n  }\n  source_ranges = ${ranges}\n}\n`;

  it('reports a private range wider than /16 on the source_ranges line, at low severity', () => {
    const source = firewall('["10.0.0.0/8"]', { ports: '["22", "5432"]' });
    const found = hits(WIDE, source);
    assert.deepEqual(found.map((h) => h.line), [lineOf(source, 'source_ranges')]);
    assert.match(found[0]!.message, /opens 22\/tcp \(SSH\), 5432\/tcp \(PostgreSQL\) to 10\.0\.0\.0\/8, a private range wider than \/16/);
    assert.equal(gcpRules.find((r) => r.id === WIDE)!.severity, 'low');
    assert.match(hits(WIDE, firewall('["172.16.0.0/12"]', { protocol: 'all', ports: '[]' }))[0]!.message, /lets 172\.16\.0\.0\/12 in on every port/);
    assert.equal(lines(WIDE, firewall('["100.64.0.0/10"]')).length, 1);
    assert.equal(lines(WIDE, firewall('["fd00::/8"]')).length, 1);
  });

  it('leaves narrow ranges, web ports, egress, disabled and deny rules alone', () => {
    assert.deepEqual(lines(WIDE, firewall('["10.20.0.0/16", "192.168.0.0/16"]')), []);
    assert.deepEqual(lines(WIDE, firewall('["10.0.0.0/8"]', { ports: '["80", "443"]' })), []);
    assert.deepEqual(lines(WIDE, firewall('["10.0.0.0/8"]', { extra: '  direction = "EGRESS"\n' })), []);
    assert.deepEqual(lines(WIDE, firewall('["10.0.0.0/8"]', { extra: '  disabled = true\n' })), []);
    assert.deepEqual(lines(WIDE, firewall('["10.0.0.0/8"]').replace('allow {', 'deny {')), []);
    assert.deepEqual(lines(BROAD, firewall('["34.0.0.0/8"]', { extra: '  direction = "EGRESS"\n' })), []);
  });

  it('treats the auto-mode range and the ranges of declared subnetworks and GKE clusters as the network\'s own', () => {
    assert.deepEqual(lines(WIDE, firewall('["10.128.0.0/9"]', { protocol: 'all', ports: '[]' })), []);
    assert.deepEqual(lines(WIDE, firewall('["10.160.0.0/11"]')), []);
    const subnet = `resource "google_compute_subnetwork" "app" {\n  name          = "app"\n  network       = "default"\n  ip_cidr_range = "10.0.0.0/20"\n  secondary_ip_range {\n    range_name    = "pods"\n    ip_cidr_range = "10.4.0.0/14"\n  }\n}\n\n`;
    assert.deepEqual(lines(WIDE, subnet + firewall('["10.4.0.0/14"]')), []);
    assert.deepEqual(lines(WIDE, subnet + firewall('["10.4.0.0/15"]')), []);
    // A range wider than the declared one is still reported.
    assert.equal(lines(WIDE, subnet + firewall('["10.0.0.0/8"]')).length, 1);
    const cluster = `resource "google_container_cluster" "gke" {\n  name = "gke"\n  ip_allocation_policy {\n    cluster_ipv4_cidr_block  = "10.96.0.0/14"\n    services_ipv4_cidr_block = "10.100.0.0/20"\n  }\n}\n\n`;
    assert.deepEqual(lines(WIDE, cluster + firewall('["10.96.0.0/14"]')), []);
  });

  it('reports a public range wider than /16 that is not the internet, high at /8 or wider', () => {
    const medium = hits(BROAD, firewall('["34.64.0.0/10"]', { ports: '["3306"]' }));
    assert.equal(medium.length, 1);
    assert.equal(medium[0]!.severity, 'medium');
    assert.match(medium[0]!.message, /opens 3306\/tcp \(MySQL\/MariaDB\) to 34\.64\.0\.0\/10: public address space/);
    assert.equal(hits(BROAD, firewall('["35.0.0.0/8"]'))[0]!.severity, 'high');
    assert.equal(hits(BROAD, firewall('["0.0.0.0/1", "128.0.0.0/1"]'))[0]!.severity, 'high');
    assert.equal(hits(BROAD, firewall('["2600:1900::/28"]'))[0]!.severity, 'medium');
    assert.deepEqual(lines(BROAD, firewall('["34.64.0.0/16", "35.235.240.0/20"]')), []);
    assert.deepEqual(lines(BROAD, firewall('["224.0.0.0/3"]')), []);
    assert.deepEqual(lines(BROAD, firewall('["10.0.0.0/8"]')), []);
  });

  it('leaves a source line that also admits a wider source to the wider rule', () => {
    const world = firewall('["10.0.0.0/8", "35.0.0.0/8", "0.0.0.0/0"]');
    assert.deepEqual(lines(WIDE, world), []);
    assert.deepEqual(lines(BROAD, world), []);
    assert.equal(lines(WORLD, world).length, 1);
    assert.match(hits(WORLD, world)[0]!.message, /to 0\.0\.0\.0\/0\.$/);
    const broad = firewall('["10.0.0.0/8", "35.0.0.0/8"]');
    assert.deepEqual(lines(WIDE, broad), []);
    assert.match(hits(BROAD, broad)[0]!.message, /to 35\.0\.0\.0\/8:/);
    assert.deepEqual(lines(WORLD, broad), []);
  });

  it('reads firewall policy rules and each instance of a for_each', () => {
    const policy = `resource "google_compute_network_firewall_policy_rule" "r" {\n  firewall_policy = "policy"\n  priority        = 100\n  action          = "allow"\n  direction       = "INGRESS"\n  match {\n    src_ip_ranges = ["10.0.0.0/8"]\n    layer4_configs {\n      ip_protocol = "tcp"\n      ports       = ["6379"]\n    }\n  }\n}\n`;
    assert.deepEqual(lines(WIDE, policy), [7]);
    assert.deepEqual(lines(WIDE, policy.replace('"allow"', '"deny"')), []);
    const each = `resource "google_compute_firewall" "fw" {\n  for_each      = { ssh = "22", web = "443" }\n  name          = each.key\n  network       = "default"\n  allow {\n    protocol = "tcp"\n    ports    = [each.value]\n  }\n  source_ranges = ["52.0.0.0/11"]\n}\n`;
    const found = hits(BROAD, each);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /opens 22\/tcp \(SSH\) to 52\.0\.0\.0\/11/);
  });
});

describe('Terraform GCP: insecure defaults left unset are low, written out medium, unless the default itself opens the control plane, the network or the node credentials', () => {
  /** [line, severity] of each hit, the rule's own severity where the hit sets none. */
  const graded = (ruleId: string, source: string) => {
    const rule = gcpRules.find((r) => r.id === ruleId)!;
    return hits(ruleId, source).map((h) => [h.line, h.severity ?? rule.severity]);
  };
  const optional = 'variable "v" {\n  type    = bool\n  default = null\n}\n';

  it('project-wide SSH keys', () => {
    const vm = (metadata: string) => `resource "google_compute_instance" "vm" {\n  name         = "vm"\n  machine_type = "e2-small"\n  metadata = {\n${metadata}  }\n}\n`;
    assert.deepEqual(graded('iac/tf-gcp-instance-project-ssh-keys', vm('    startup-script = "echo"\n')), [[4, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-instance-project-ssh-keys', vm('    block-project-ssh-keys = "FALSE"\n')), [[5, 'medium']]);
  });

  it('Cloud SQL public IP and TLS', () => {
    const db = (ip: string) => `${optional}resource "google_sql_database_instance" "db" {\n  name = "db"\n  settings {\n    tier = "db-custom-2-7680"\n    ip_configuration {\n${ip}    }\n  }\n}\n`;
    assert.deepEqual(graded('iac/tf-gcp-sql-public-ip', db('')), [[9, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-sql-public-ip', db('      ipv4_enabled = var.v\n')), [[10, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-sql-public-ip', db('      ipv4_enabled = true\n')), [[10, 'medium']]);
    assert.deepEqual(graded('iac/tf-gcp-sql-ssl-not-enforced', db('      ipv4_enabled = false\n')), [[9, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-sql-ssl-not-enforced', db('      ssl_mode = var.v\n')), [[10, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-sql-ssl-not-enforced', db('      ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"\n')), [[10, 'medium']]);
  });

  it('bucket ACLs, KMS rotation and the default network', () => {
    const bucket = (body: string) => `${optional}resource "google_storage_bucket" "b" {\n  name     = "b"\n  location = "EU"\n${body}}\n`;
    assert.deepEqual(graded('iac/tf-gcp-storage-uniform-access-off', bucket('')), [[5, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-storage-uniform-access-off', bucket('  uniform_bucket_level_access = var.v\n')), [[8, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-storage-uniform-access-off', bucket('  uniform_bucket_level_access = false\n')), [[8, 'medium']]);
    const key = (body: string) => `resource "google_kms_crypto_key" "k" {\n  name     = "k"\n  key_ring = "ring"\n${body}}\n`;
    assert.deepEqual(graded('iac/tf-gcp-kms-rotation', key('')), [[1, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-kms-rotation', key('  rotation_period = "31536000s"\n')), [[4, 'medium']]);
    const project = (body: string) => `resource "google_project" "p" {\n  name       = "p"\n  project_id = "p-123456"\n${body}}\n`;
    assert.deepEqual(graded('iac/tf-gcp-project-default-network', project('')), [[1, 'medium']]);
    assert.deepEqual(graded('iac/tf-gcp-project-default-network', project('  auto_create_network = true\n')), [[4, 'medium']]);
  });

  it('GKE control plane, network policy and Workload Identity', () => {
    const cluster = (body: string) => `resource "google_container_cluster" "c" {\n  name     = "c"\n  location = "europe-west1"\n${body}}\n`;
    assert.deepEqual(graded('iac/tf-gcp-gke-public-control-plane', cluster('')), [[1, 'medium']]);
    assert.deepEqual(graded('iac/tf-gcp-gke-public-control-plane', cluster('  master_authorized_networks_config {\n    gcp_public_cidrs_access_enabled = true\n  }\n')), [[5, 'medium']]);
    assert.deepEqual(graded('iac/tf-gcp-gke-network-policy-off', cluster('')), [[1, 'low']]);
    assert.deepEqual(graded('iac/tf-gcp-gke-network-policy-off', cluster('  network_policy {\n    enabled = false\n  }\n')), [[5, 'medium']]);
    assert.deepEqual(graded('iac/tf-gcp-gke-workload-identity-off', cluster('')), [[1, 'medium']]);
    const pool = 'resource "google_container_node_pool" "p" {\n  name    = "p"\n  cluster = "c"\n  node_config {\n    workload_metadata_config {\n      mode = "GCE_METADATA"\n    }\n  }\n}\n';
    assert.deepEqual(graded('iac/tf-gcp-gke-workload-identity-off', pool), [[6, 'medium']]);
  });
});

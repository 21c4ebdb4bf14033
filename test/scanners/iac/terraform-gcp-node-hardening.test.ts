import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enabledVariable, findingsOf, lines, linesOf, messagesOf, unmadeDynamic } from '../../helpers/iac-lines.js';

/** `line severity` of each finding of one rule. */
const graded = (ruleId: string, source: string) => findingsOf(ruleId, source).map((f) => `${f.location.startLine} ${f.severity}`);

/** A Standard cluster named c with the given body lines (indented by two spaces). */
const cluster = (...body: string[]) => lines('resource "google_container_cluster" "c" {', '  name     = "c"', '  location = "europe-west1"', ...body.map((l) => `  ${l}`), '}');

/** A node pool resource with the given node_config lines (indented by four spaces); no node_config without any. */
const pool = (...config: string[]) =>
  lines('resource "google_container_node_pool" "p" {', '  name    = "p"', '  cluster = google_container_cluster.c.id', ...(config.length > 0 ? ['  node_config {', ...config.map((l) => `    ${l}`), '  }'] : []), '}');

describe('Terraform GCP: GKE logging and monitoring turned off', () => {
  const LOGGING = 'iac/tf-gcp-gke-logging-off';
  const MONITORING = 'iac/tf-gcp-gke-monitoring-off';

  it('reports "none" at the rule severity and the legacy Stackdriver services at low, case aside', () => {
    const source = cluster('logging_service    = "NONE"', 'monitoring_service = "monitoring.googleapis.com"');
    assert.deepEqual(graded(LOGGING, source), ['4 medium']);
    assert.deepEqual(graded(MONITORING, source), ['5 low']);
    assert.deepEqual(graded(LOGGING, cluster('logging_service = "logging.googleapis.com"')), ['4 low']);
  });

  it('leaves the defaults, the Kubernetes services, values it cannot read and Autopilot clusters alone', () => {
    for (const source of [
      cluster(),
      cluster('logging_service    = "logging.googleapis.com/kubernetes"', 'monitoring_service = "monitoring.googleapis.com/kubernetes"'),
      lines('variable "logging_service" {', '  type = string', '}') + cluster('logging_service    = var.logging_service', 'monitoring_service = var.logging_service'),
      cluster('enable_autopilot   = true', 'logging_service    = "none"', 'monitoring_service = "none"'),
    ]) {
      assert.deepEqual(linesOf(LOGGING, source), [], source);
      assert.deepEqual(linesOf(MONITORING, source), [], source);
    }
  });

  it('reads a variable default', () => {
    const source = lines('variable "monitoring_service" {', '  default = "none"', '}') + cluster('monitoring_service = var.monitoring_service');
    assert.deepEqual(linesOf(MONITORING, source), [7]);
  });

  it('reports a config that enables no component, unless its dynamic block makes nothing or Managed Prometheus still collects metrics', () => {
    assert.deepEqual(linesOf(LOGGING, cluster('logging_config {', '  enable_components = []', '}')), [5]);
    assert.deepEqual(linesOf(LOGGING, cluster('logging_config {', '  enable_components = ["SYSTEM_COMPONENTS"]', '}')), []);
    const off = enabledVariable(false);
    const dynamic = off + cluster(...unmadeDynamic('monitoring_config', '', 'enable_components = []'));
    assert.deepEqual(linesOf(MONITORING, dynamic), []);
    assert.deepEqual(linesOf(MONITORING, dynamic.replace(off, enabledVariable(true))), [10]);
    assert.deepEqual(linesOf(MONITORING, cluster('monitoring_config {', '  enable_components = []', '  managed_prometheus {', '    enabled = true', '  }', '}')), []);
  });
});

describe('Terraform GCP: GKE node images', () => {
  const RULE = 'iac/tf-gcp-gke-node-image-not-cos';

  it('reports every image that is not Container-Optimized OS, without regard to case, in node pools, node_pool blocks and auto-provisioning defaults', () => {
    assert.deepEqual(linesOf(RULE, pool('image_type = "Ubuntu"')), [5]);
    assert.deepEqual(linesOf(RULE, pool('image_type = "WINDOWS_SAC_CONTAINERD"')), [5]);
    const source = cluster(
      'node_pool {',
      '  name = "a"',
      '  node_config {',
      '    image_type = "ubuntu_containerd"',
      '  }',
      '}',
      'cluster_autoscaling {',
      '  enabled = true',
      '  auto_provisioning_defaults {',
      '    image_type = "UBUNTU_CONTAINERD"',
      '  }',
      '}',
    );
    assert.deepEqual(linesOf(RULE, source), [7, 13]);
  });

  it('leaves COS images, the default, unreadable values and a removed default pool alone', () => {
    for (const image of ['"COS"', '"cos_containerd"', 'var.image_type']) assert.deepEqual(linesOf(RULE, pool(`image_type = ${image}`)), [], image);
    assert.deepEqual(linesOf(RULE, pool('machine_type = "e2-standard-4"')), []);
    assert.deepEqual(linesOf(RULE, cluster('remove_default_node_pool = true', 'node_config {', '  image_type = "UBUNTU_CONTAINERD"', '}')), []);
  });

  it('reads each instance of a node pool with for_each', () => {
    const source = lines(
      'variable "pools" {',
      '  default = { web = "COS_CONTAINERD", gpu = "UBUNTU_CONTAINERD" }',
      '}',
      'resource "google_container_node_pool" "p" {',
      '  for_each = var.pools',
      '  name     = each.key',
      '  cluster  = google_container_cluster.c.id',
      '  node_config {',
      '    image_type = each.value',
      '  }',
      '}',
    );
    assert.deepEqual(findingsOf(RULE, source).map((f) => f.message), ['google_container_node_pool.p["gpu"] runs its nodes on UBUNTU_CONTAINERD instead of Container-Optimized OS (image_type).']);
  });
});

describe('Terraform GCP: Shielded GKE nodes', () => {
  const RULE = 'iac/tf-gcp-gke-shielded-nodes-off';
  const secureBoot = (value: string) => ['node_config {', '  shielded_instance_config {', `    enable_secure_boot = ${value}`, '  }', '}'];

  it('reports Shielded Nodes turned off at medium and node Secure Boot left off at low, on the innermost block written', () => {
    assert.deepEqual(graded(RULE, cluster('enable_shielded_nodes = false', ...secureBoot('true'))), ['4 medium']);
    // The default pool of a cluster without node_config: the cluster itself.
    assert.deepEqual(graded(RULE, cluster()), ['1 low']);
    assert.deepEqual(graded(RULE, pool('machine_type = "e2-standard-4"')), ['4 low']);
    assert.deepEqual(graded(RULE, pool('shielded_instance_config {', '  enable_integrity_monitoring = true', '}')), ['5 low']);
  });

  it('names the default node pool only for a cluster\'s own node_config', () => {
    assert.deepEqual(messagesOf(RULE, cluster()), ['google_container_cluster.c does not turn Secure Boot on (enable_secure_boot defaults to false) for its default node pool: its nodes boot unsigned components and load unsigned kernel modules.']);
    assert.deepEqual(messagesOf(RULE, pool('shielded_instance_config {', '  enable_secure_boot = false', '}')), ['google_container_node_pool.p sets enable_secure_boot = false: its nodes boot unsigned components and load unsigned kernel modules.']);
    // A module's fallback for a pool that leaves the key out is not a value written false.
    const fallback = lines('variable "pool" {', '  default = { name = "p" }', '}') + pool('shielded_instance_config {', '  enable_secure_boot = lookup(var.pool, "enable_secure_boot", false)', '}');
    assert.deepEqual(messagesOf(RULE, fallback), ['google_container_node_pool.p does not turn Secure Boot on (its enable_secure_boot expression gives false): its nodes boot unsigned components and load unsigned kernel modules.']);
  });

  it('leaves Shielded Nodes on, Secure Boot on or unreadable, and Autopilot clusters alone', () => {
    for (const source of [
      cluster('enable_shielded_nodes = true', ...secureBoot('true')),
      cluster(...secureBoot('var.secure_boot')),
      cluster('enable_autopilot = true'),
      pool('shielded_instance_config {', '  enable_secure_boot = true', '}'),
    ])
      assert.deepEqual(linesOf(RULE, source), [], source);
  });

  it('asks Secure Boot of the pools that exist: not of a default pool removed or replaced by node_pool blocks', () => {
    assert.deepEqual(linesOf(RULE, cluster('remove_default_node_pool = true', 'initial_node_count       = 1')), []);
    assert.deepEqual(linesOf(RULE, lines('variable "remove" {', '  type = bool', '}') + cluster('remove_default_node_pool = var.remove')), []);
    const pools = cluster('node_pool {', '  name = "a"', '}', 'node_pool {', '  name = "b"', ...secureBoot('true').map((l) => `  ${l}`), '}');
    assert.deepEqual(linesOf(RULE, pools), [4]);
  });

  it('reads Secure Boot turned on only in a dynamic block that makes nothing as left off', () => {
    const off = enabledVariable(false);
    const source = off + pool(...unmadeDynamic('shielded_instance_config', '', 'enable_secure_boot = true'));
    assert.deepEqual(linesOf(RULE, source), [7]);
    assert.deepEqual(linesOf(RULE, source.replace(off, enabledVariable(true))), []);
  });

  it('reports integrity monitoring turned off and Secure Boot turned off for auto-provisioned pools', () => {
    const source = cluster(
      'remove_default_node_pool = true',
      'cluster_autoscaling {',
      '  enabled = true',
      '  auto_provisioning_defaults {',
      '    shielded_instance_config {',
      '      enable_secure_boot          = false',
      '      enable_integrity_monitoring = false',
      '    }',
      '  }',
      '}',
    );
    assert.deepEqual(graded(RULE, source), ['9 low', '10 low']);
  });
});

describe('Terraform GCP: Shielded VM instances', () => {
  const RULE = 'iac/tf-gcp-instance-shielded-vm-off';
  const instance = (image: string, ...body: string[]) =>
    lines('resource "google_compute_instance" "vm" {', '  name         = "vm"', '  machine_type = "e2-small"', '  boot_disk {', '    initialize_params {', `      image = ${image}`, '    }', '  }', ...body.map((l) => `  ${l}`), '}');

  it('asks Secure Boot of public images in every form the provider reads', () => {
    for (const image of ['"debian-cloud/debian-12"', '"ubuntu-2204-lts"', '"https://www.googleapis.com/compute/v1/projects/rhel-cloud/global/images/rhel-9-v20240815"', '"projects/windows-cloud/global/images/family/windows-2022"', '"cos-cloud/cos-stable"'])
      assert.deepEqual(linesOf(RULE, instance(image)), [1], image);
  });

  it('leaves custom images, images from before Shielded VM and images it cannot read alone', () => {
    for (const image of ['"global/images/appliance"', '"my-project/appliance"', '"appliance-v2"', '"debian-cloud/debian-9-stretch-v20180401"', 'var.image', '"Ubuntu 18.04"'])
      assert.deepEqual(linesOf(RULE, instance(image)), [], image);
  });

  it('reads the project of a google_compute_image data source', () => {
    const data = (project: string) => lines('data "google_compute_image" "os" {', '  family  = "base"', `  project = "${project}"`, '}');
    assert.deepEqual(linesOf(RULE, data('debian-cloud') + instance('data.google_compute_image.os.self_link')), [5]);
    assert.deepEqual(linesOf(RULE, data('my-images') + instance('data.google_compute_image.os.self_link')), []);
  });

  it('reports settings turned off whatever the image, and Secure Boot left unset on the shielded_instance_config block', () => {
    const source = instance('"global/images/appliance"', 'shielded_instance_config {', '  enable_secure_boot = false', '  enable_vtpm        = false', '}');
    assert.deepEqual(linesOf(RULE, source), [10, 11]);
    assert.deepEqual(linesOf(RULE, instance('"debian-cloud/debian-12"', 'shielded_instance_config {', '  enable_vtpm = true', '}')), [9]);
  });

  it('reads the boot disk of a template: the one marked boot, else the first', () => {
    const template = (...disks: string[]) => lines('resource "google_compute_instance_template" "t" {', '  name_prefix  = "t-"', '  machine_type = "e2-small"', ...disks, '}');
    const disk = (image: string, boot = false) => ['  disk {', `    source_image = "${image}"`, ...(boot ? ['    boot         = true'] : []), '  }'];
    assert.deepEqual(linesOf(RULE, template(...disk('debian-cloud/debian-12'))), [1]);
    assert.deepEqual(linesOf(RULE, template(...disk('my-project/data'), ...disk('debian-cloud/debian-12', true))), [1]);
    assert.deepEqual(linesOf(RULE, template(...disk('my-project/appliance', true), ...disk('debian-cloud/debian-12'))), []);
  });

  it('reads Secure Boot turned on only in a dynamic block that makes nothing as left off', () => {
    const off = enabledVariable(false);
    const source = off + instance('"debian-cloud/debian-12"', ...unmadeDynamic('shielded_instance_config', '', 'enable_secure_boot = true'));
    assert.deepEqual(linesOf(RULE, source), [4]);
    assert.deepEqual(linesOf(RULE, source.replace(off, enabledVariable(true))), []);
  });
});

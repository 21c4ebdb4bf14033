import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const RULE = 'iac/tf-gcp-firewall-open-to-internet';

async function hits(text: string): Promise<string[]> {
  const { findings } = await scanMemory({ 'main.tf': text });
  return findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.startLine}:${f.message}`);
}

/** A call of the network module (or its firewall-rules submodule) with `input` set to `rules`. */
const network = (input: string, rules: string, source = 'terraform-google-modules/network/google') =>
  lines('module "vpc" {', `  source       = "${source}"`, '  version      = "~> 16.0"', '  project_id   = "example-project"', '  network_name = "main"', `  ${input} = ${rules}`, '}');

const ssh = (fields: string) => `[{ name = "ssh", ${fields}allow = [{ protocol = "tcp", ports = ["22"] }] }]`;

describe('firewall rules given to the terraform-google-modules/network module', () => {
  it('are one firewall each, reported on the rule object when written in place', async () => {
    const found = await hits(network('firewall_rules', ssh('ranges = ["0.0.0.0/0"], ')));
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^6:module\.vpc\.google_compute_firewall\.rules\[0\] opens 22\/tcp \(SSH\) to 0\.0\.0\.0\/0/);
  });

  it('read ingress_rules (source_ranges) and the submodule rules, and a list from a local value', async () => {
    assert.equal((await hits(network('ingress_rules', ssh('source_ranges = ["0.0.0.0/0"], ')))).length, 1);
    const submodule = 'terraform-google-modules/network/google//modules/firewall-rules';
    assert.equal((await hits(network('rules', ssh('ranges = ["0.0.0.0/0"], '), submodule))).length, 1);
    const local = lines('locals {', `  rules = ${ssh('ranges = ["0.0.0.0/0"], ')}`, '}');
    assert.deepEqual((await hits(local + network('firewall_rules', 'local.rules'))).map((h) => h.split(':')[0]), ['9']);
  });

  it('leave out egress, disabled and closed rules, ingress_rules the module ignores, and lists that cannot be read', async () => {
    assert.deepEqual(await hits(network('firewall_rules', ssh('direction = "EGRESS", ranges = ["0.0.0.0/0"], '))), []);
    assert.deepEqual(await hits(network('firewall_rules', ssh('disabled = true, ranges = ["0.0.0.0/0"], '))), []);
    assert.deepEqual(await hits(network('firewall_rules', ssh('ranges = ["35.235.240.0/20"], '))), []);
    assert.deepEqual(await hits(network('firewall_rules', '[{ name = "ssh", ranges = ["0.0.0.0/0"], deny = [{ protocol = "tcp", ports = ["22"] }] }]')), []);
    const both = network('firewall_rules', ssh('ranges = ["10.0.0.0/24"], ')).replace('}\n', `  ingress_rules = ${ssh('source_ranges = ["0.0.0.0/0"], ')}\n}\n`);
    assert.deepEqual(await hits(both), []);
    assert.deepEqual(await hits(lines('variable "rules" {}') + network('firewall_rules', 'var.rules')), []);
  });
});

describe('a firewall rule whose source ranges are a variable default', () => {
  const module = (given: string) =>
    lines(
      'variable "ssh_source_ranges" {',
      '  type    = list(string)',
      '  default = ["0.0.0.0/0"]',
      '}',
      'resource "google_compute_firewall" "ssh" {',
      '  name          = "ssh"',
      '  network       = "default"',
      `  source_ranges = ${given}`,
      '  allow {',
      '    protocol = "tcp"',
      '    ports    = ["22"]',
      '  }',
      '}',
    );

  it('says so, naming the variable, since the line shows only the variable', async () => {
    assert.deepEqual(await hits(module('var.ssh_source_ranges')), ['8:google_compute_firewall.ssh opens 22/tcp (SSH) to 0.0.0.0/0, the default of var.ssh_source_ranges, which every caller that leaves it out gets.']);
    assert.deepEqual(await hits(module('["0.0.0.0/0"]')), ['8:google_compute_firewall.ssh opens 22/tcp (SSH) to 0.0.0.0/0.']);
  });
});

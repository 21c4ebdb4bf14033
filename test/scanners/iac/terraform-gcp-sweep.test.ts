import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

/** Patterns met in public Google Cloud modules (network, GKE, Cloud SQL, project factory, fabric). */
describe('Terraform GCP: patterns of real modules', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-gcp-sweep'), scannerSet: [iacScanner] });
  });
  const lines = (path: string, ruleId: string) =>
    result.findings
      .filter((f) => f.location.path === path && f.ruleId === ruleId)
      .map((f) => f.location.startLine)
      .sort((a, b) => a - b);

  it('reads no warnings', () => {
    assert.deepEqual(result.warnings, []);
  });

  it('does not ask for flow logs on a subnet whose purpose is a proxy purpose on every branch of a conditional', () => {
    // proxy_only (line 6) is a proxy-only subnet either way; maybe_proxy may be a regular subnet.
    assert.deepEqual(lines('subnets.tf', 'iac/tf-gcp-subnet-no-flow-logs'), [15]);
  });

  it('leaves out a Google-managed service agent whose project number is computed, not a project service account', () => {
    assert.deepEqual(lines('iam.tf', 'iac/tf-gcp-iam-service-account-admin'), [21, 27]);
  });

  it('reads a dynamic master_authorized_networks_config that makes nothing as no authorized networks', () => {
    assert.deepEqual(lines('gke.tf', 'iac/tf-gcp-gke-public-control-plane'), [14]);
  });
});

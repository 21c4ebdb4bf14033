import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

/** Override files merge into the blocks of the module's other files: what is checked is what Terraform deploys. */
describe('Terraform override files', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-override'), scannerSet: [iacScanner] });
  });
  const places = (prefix: string) =>
    result.findings
      .filter((f) => f.ruleId.startsWith(prefix))
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`)
      .sort();

  it('checks the cluster with the override settings merged in: nested blocks replaced, blocks added', () => {
    assert.deepEqual(places('iac/tf-gcp-gke-'), []);
  });

  it('never analyses an override file on its own, in a module or alone in its directory, but for a provider configuration with no base', () => {
    assert.deepEqual(
      result.findings
        .filter((f) => /override/.test(f.location.path))
        .map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`)
        .sort(),
      [
        // A setting the override gives to cluster.tf's instance, reported where it is written.
        'network_override.tf.json:7 iac/tf-gcp-instance-public-ip',
        'providers_override.tf:3 iac/tf-aws-hardcoded-credentials',
        'providers_override.tf:4 iac/tf-aws-hardcoded-credentials',
      ],
    );
  });

  it("applies an override's variable default and local, and reports a setting the override adds on its own line in the override file", () => {
    assert.deepEqual(places('iac/tf-gcp-storage-uniform'), ['cluster.tf:18 iac/tf-gcp-storage-uniform-access-off']);
    assert.deepEqual(places('iac/tf-gcp-sql-public-ip'), ['cluster.tf:29 iac/tf-gcp-sql-public-ip']);
    // network_override.tf.json replaces the network_interface block with one that has an access_config.
    assert.deepEqual(places('iac/tf-gcp-instance-public-ip'), ['network_override.tf.json:7 iac/tf-gcp-instance-public-ip']);
  });

  it('warns about an override block that has nothing to merge into', () => {
    assert.deepEqual(
      result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`),
      [
        'override.tf:24 override of resource "google_storage_bucket" "orphan", which no other file of the directory declares (Terraform refuses it): not checked',
        'providers_override.tf:7 override of provider "aws", which no other file of the directory declares (Terraform refuses it): not checked',
      ],
    );
  });
});

describe('Terraform override files: where a finding on an override setting is', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-override-lines'), scannerSet: [iacScanner] });
  });
  const found = (ruleId: string) =>
    result.findings
      .filter((f) => f.ruleId === ruleId)
      .map((f) => `${f.location.path}:${f.location.startLine}${f.location.endLine ? `-${f.location.endLine}` : ''} ${f.message}`)
      .sort();

  it('reports a setting only the override file gives on its line there, and a setting of the base file on the base line', () => {
    assert.deepEqual(found('iac/tf-aws-publicly-accessible'), [
      'db_override.tf:3 aws_db_instance.db is publicly accessible from the internet.',
      // The override of the replica changes another argument: the base file's setting stays where it is.
      'main.tf:17 aws_db_instance.replica is publicly accessible from the internet.',
    ]);
  });

  it("moves a finding's inner line and the line its message quotes with it", () => {
    assert.deepEqual(found('iac/tf-aws-iam-full-admin'), ['db_override.tf:7-11 aws_iam_policy.ops allows every action on every resource (line 11).']);
  });

  it('keeps findings on a setting the override leaves out on the header of the base block', () => {
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === 'iac/tf-aws-db-no-iam-auth').map((f) => `${f.location.path}:${f.location.startLine}`).sort(),
      ['main.tf:1', 'main.tf:13'],
    );
  });
});

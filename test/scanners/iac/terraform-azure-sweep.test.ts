import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

/** Patterns met in public Azure modules (AKS, Verified Modules, Terraform Enterprise, landing zones). */
describe('Terraform Azure: patterns of real modules', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-azure-sweep'), scannerSet: [iacScanner] });
  });
  const hits = (ruleId: string) => result.findings.filter((f) => f.ruleId === ruleId);

  it('reads no warnings', () => {
    assert.deepEqual(result.warnings, []);
  });

  it('reports a scale set public IP only for the module call whose flag makes the dynamic block', () => {
    const found = hits('iac/tf-azure-nic-public-ip');
    assert.deepEqual(
      found.map((f) => `${f.location.path}:${f.location.startLine}`),
      ['modules/scale-set/main.tf:22'],
    );
    assert.match(found[0]!.message, /via module\.edge/);
    assert.doesNotMatch(found[0]!.message, /module\.internal/);
  });
});

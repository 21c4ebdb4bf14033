import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

/** An override file that changes a module call's arguments changes what the called module receives. */
describe('Terraform override files: local module calls', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-override-module-call'), scannerSet: [iacScanner] });
  });

  it('reads no warnings', () => {
    assert.deepEqual(result.warnings, []);
  });

  it('analyses the called module with the arguments the override file gives', () => {
    const found = result.findings.filter((f) => f.ruleId === 'iac/tf-aws-database-not-encrypted').map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^modules\/db\/main\.tf:6 .*storage_encrypted = false.*via module\.db in main\.tf:1\)$/);
  });
});

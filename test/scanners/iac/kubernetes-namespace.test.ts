import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

const fixture = fixturePath('iac', 'k8s-namespace');

describe('iac/k8s-default-namespace reports what a user acts on', () => {
  it('once per file when no object sets a namespace, per object when others do or when it says default, never in a Helm chart', async () => {
    const result = await runScan({ target: fixture, scannerSet: [iacScanner] });
    const found = result.findings.filter((f) => f.ruleId === 'iac/k8s-default-namespace').map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`);
    assert.deepEqual(found.sort(), [
      // Three objects without a namespace: one informational finding, on the first.
      'app.yaml:4 info',
      // Beside an object of namespace shop, the one without lands elsewhere; and an explicit default.
      'mixed.yaml:16 low',
      'mixed.yaml:9 low',
    ]);
    assert.match(result.findings.find((f) => f.location.path === 'app.yaml' && f.ruleId === 'iac/k8s-default-namespace')!.message, /and the 2 other objects of this file/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

describe('iac/k8s-default-namespace and custom resources', () => {
  it('counts custom resources known to be namespaced, and not those of unknown or cluster scope', async () => {
    const result = await runScan({ target: fixturePath('iac', 'k8s-namespace-crd'), scannerSet: [iacScanner] });
    const found = result.findings.filter((f) => f.ruleId === 'iac/k8s-default-namespace').map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`);
    assert.deepEqual(found.sort(), [
      // A Knative Service without a namespace beside a ServiceAccount in shop.
      'knative.yaml:9 low',
      // An Argo Rollout alone: one informational finding for the file.
      'rollout.yaml:3 info',
    ]);
  });
});

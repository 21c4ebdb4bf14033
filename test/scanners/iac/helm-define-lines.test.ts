import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

describe('Helm: a finding on text a define writes', () => {
  it('lands on the line inside the define, once for every template that includes it, with the include as related; a value printed there keeps its values.yaml line, and what the define only computes stays on the include', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-define-lines'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    const found = (rule: string) => result.findings.filter((f) => f.ruleId === rule);
    const privileged = found('iac/k8s-privileged-container');
    assert.deepEqual(privileged.map((f) => `${f.location.path}:${f.location.startLine}`), ['chart/templates/_helpers.tpl:3']);
    assert.match(privileged[0]!.message, /\(rendered by templates\/(?:pod|job)\.yaml, templates\/(?:pod|job)\.yaml\)/);
    assert.deepEqual(privileged[0]!.related?.map((r) => `${r.path}:${r.startLine} ${r.message}`).sort(), [
      'chart/templates/job.yaml:12 the template line that includes this helper',
      'chart/templates/pod.yaml:10 the template line that includes this helper',
    ]);
    assert.deepEqual(found('iac/k8s-run-as-root').map((f) => `${f.location.path}:${f.location.startLine}`), ['chart/values.yaml:1']);
    // A line the define only prints (no text of its own on it) is written by the include.
    assert.deepEqual(found('iac/k8s-host-network').map((f) => `${f.location.path}:${f.location.startLine}`), ['chart/templates/pod.yaml:6']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { readKubernetes } from '../../../src/scanners/iac/kubernetes/model.js';
import { fixturePath } from '../../helpers/paths.js';

const fixtures = fixturePath('iac', 'k8s-pod-carriers');
const read = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

/** `Kind/name container` of every container the model finds, with the line of the pod spec. */
function containers(name: string): string[] {
  const input = readKubernetes(read(name), () => {});
  return (input?.containers ?? []).map((c) => `${c.pod.object.kind}/${c.pod.object.name} ${c.name} spec:${c.pod.specLine}`);
}

function ruleLines(name: string, ruleId: string): number[] {
  return analyseFile(name, read(name), () => {}, 'kubernetes')
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => f.location.startLine);
}

describe('pods of custom resources', () => {
  it('reads the pod template of well-known pod carriers where they keep it', () => {
    assert.deepEqual(containers('rollout.yaml'), ['Rollout/web app spec:16']);
    assert.deepEqual(containers('knative-service.yaml'), ['Service/hello (unnamed) spec:8']);
    assert.deepEqual(containers('scaled-job.yaml'), ['ScaledJob/worker worker spec:9']);
    assert.deepEqual(ruleLines('rollout.yaml', 'iac/k8s-privileged-container'), [21]);
    assert.deepEqual(ruleLines('knative-service.yaml', 'iac/k8s-privileged-container'), [12]);
    assert.deepEqual(ruleLines('scaled-job.yaml', 'iac/k8s-privileged-container'), [14]);
    // An Argo analysis metric that runs a Job: one entry of spec.metrics.
    assert.deepEqual(containers('analysis-template.yaml'), ['AnalysisTemplate/smoke smoke spec:17']);
    assert.deepEqual(ruleLines('analysis-template.yaml', 'iac/k8s-privileged-container'), [22]);
    // An agent sandbox keeps its pod under spec.podTemplate.
    assert.deepEqual(containers('sandbox-template.yaml'), ['SandboxTemplate/worker worker spec:11']);
    assert.deepEqual(ruleLines('sandbox-template.yaml', 'iac/k8s-privileged-container'), [16]);
    // An OLM ClusterServiceVersion: the Deployments OLM creates from spec.install.
    assert.deepEqual(containers('cluster-service-version.yaml'), ['ClusterServiceVersion/widget-operator.v1.2.0 manager spec:21']);
    assert.deepEqual(ruleLines('cluster-service-version.yaml', 'iac/k8s-privileged-container'), [27]);
  });

  it("does not read an unknown custom resource's own spec.containers, or a template of containers without image, as a pod, but keeps a real pod template", () => {
    assert.deepEqual(containers('unknown-crd.yaml'), ['QueueJob/drain drain spec:28']);
    const findings = analyseFile('unknown-crd.yaml', read('unknown-crd.yaml'), () => {}, 'kubernetes').findings;
    assert.deepEqual(findings.filter((f) => String(f.properties.resource).match(/^(?:Collector|Pooler)\//)), []);
    assert.deepEqual(ruleLines('unknown-crd.yaml', 'iac/k8s-privileged-container'), [33]);
  });
});

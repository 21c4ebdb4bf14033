import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: billing\n  labels:\n    app: api\nspec:\n  containers:\n  - name: api\n    image: registry.example.org/billing/api:3.1.0\n';
const NETPOL = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: isolate\n  namespace: billing\nspec:\n  podSelector:\n    matchLabels:\n      app: api\n';

function notIsolated(policyTypes: string): Array<{ severity: string; message: string }> {
  const result = analyseFile('app.yaml', `${POD}---\n${NETPOL}  policyTypes: [${policyTypes}]\n`, () => {}, 'kubernetes');
  return result.findings.filter((f) => f.ruleId === 'iac/k8s-pod-not-isolated').map((f) => ({ severity: f.severity, message: f.message }));
}

test('pod-not-isolated: ingress isolated and egress open is low (the usual chart hardening); ingress open stays medium', () => {
  assert.deepEqual(notIsolated('Ingress'), [{ severity: 'low', message: 'No NetworkPolicy in this file isolates the egress of Pod/api (its ingress is isolated): it can reach any address.' }]);
  assert.deepEqual(notIsolated('Egress'), [{ severity: 'medium', message: 'No NetworkPolicy in this file isolates the ingress of Pod/api.' }]);
  assert.deepEqual(notIsolated('Ingress, Egress'), []);
});

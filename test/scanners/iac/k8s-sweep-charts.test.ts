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

test('a Helm test pod (helm.sh/hook: test): its medium findings are low, its high ones stay; a pod without the hook keeps medium', () => {
  const testPod = (hook: string, extra = '') =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-test-connection\n  namespace: shop\n  annotations:\n    helm.sh/hook: ${hook}\nspec:\n${extra}  containers:\n  - name: wget\n    image: busybox\n    command: [wget, web:80]\n  restartPolicy: Never\n`;
  const severities = (manifest: string) => {
    const result = analyseFile('test-connection.yaml', manifest, () => {}, 'kubernetes');
    return Object.fromEntries(result.findings.filter((f) => ['iac/k8s-image-latest', 'iac/k8s-run-as-root', 'iac/k8s-host-network'].includes(f.ruleId)).map((f) => [f.ruleId, `${f.severity}${f.message.includes('(a Helm test pod, run only by helm test)') ? ' noted' : ''}`]));
  };
  assert.deepEqual(severities(testPod('test', '  hostNetwork: true\n')), { 'iac/k8s-image-latest': 'low noted', 'iac/k8s-run-as-root': 'low noted', 'iac/k8s-host-network': 'high' });
  assert.deepEqual(severities(testPod('test-success')), { 'iac/k8s-image-latest': 'low noted', 'iac/k8s-run-as-root': 'low noted' });
  assert.deepEqual(severities(testPod('pre-install')), { 'iac/k8s-image-latest': 'medium', 'iac/k8s-run-as-root': 'medium' });
});

test('token automount: a ServiceAccount that turns it on is one finding naming its pods; a pod that sets it itself, or of another account, keeps its own', () => {
  const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: loki\n  namespace: logs\nautomountServiceAccountToken: true\n';
  const workload = (name: string, spec = '', sa = 'loki') =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: logs\nspec:\n  template:\n    spec:\n      serviceAccountName: ${sa}\n${spec}      containers:\n      - name: app\n        image: registry.example.org/${name}:1.0.0\n`;
  const manifest = [account, workload('distributor'), workload('querier'), workload('gateway', '      automountServiceAccountToken: true\n'), workload('canary', '', 'canary')].join('---\n');
  const result = analyseFile('loki.yaml', manifest, () => {}, 'kubernetes');
  const messages = result.findings.filter((f) => f.ruleId === 'iac/k8s-service-account-token-automount').map((f) => `${f.location.startLine} ${f.message}`);
  assert.deepEqual(messages, [
    '43 Deployment/gateway mounts a service account token; set automountServiceAccountToken: false unless it calls the API.',
    '55 Deployment/canary mounts a service account token; set automountServiceAccountToken: false unless it calls the API.',
    '6 ServiceAccount loki turns token automount on for every pod that uses it (here: Deployment/distributor, Deployment/querier).',
  ]);
});

test('token automount: a pod that names no namespace takes the setting of the account of its name (a chart template that leaves it to the release)', () => {
  const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: loki\n  namespace: default\nautomountServiceAccountToken: true\n';
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: gateway\nspec:\n  serviceAccountName: loki\n  containers:\n  - name: nginx\n    image: registry.example.org/nginx:1.27.0\n';
  const result = analyseFile('loki.yaml', `${account}---\n${pod}`, () => {}, 'kubernetes');
  const messages = result.findings.filter((f) => f.ruleId === 'iac/k8s-service-account-token-automount').map((f) => f.message);
  assert.deepEqual(messages, ['ServiceAccount loki turns token automount on for every pod that uses it (here: Pod/gateway).']);
});

test('RBAC grants of a Helm hook role deleted once its hook succeeds are one severity lower, with a note; a hook role that stays keeps its severity', () => {
  const role = (annotations: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: admission\n  namespace: ingress\n${annotations}rules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "create"]\n- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["*"]\n`;
  const found = (annotations: string) =>
    analyseFile('role.yaml', role(annotations), () => {}, 'kubernetes')
      .findings.filter((f) => f.ruleId === 'iac/k8s-rbac-secrets-access' || f.ruleId === 'iac/k8s-rbac-wildcard')
      .map((f) => `${f.ruleId.slice(8)} ${f.severity}${f.message.endsWith('(a Helm hook object, deleted once its hook succeeds).') ? ' noted' : ''}`);
  const hook = '  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n';
  assert.deepEqual(found(hook), ['rbac-wildcard medium noted', 'rbac-secrets-access low noted']);
  assert.deepEqual(found('  annotations:\n    helm.sh/hook: pre-install\n'), ['rbac-wildcard high', 'rbac-secrets-access medium']);
});

test('NetworkPolicy messages name what was compared: the file, the chart\'s render, or the part of a render read apart', () => {
  const manifest = `${POD}---\n${NETPOL.replace('app: api', 'app: apii')}  policyTypes: [Ingress]\n`;
  const messages = (scope?: { chart: string; part?: { index: number; count: number } }) =>
    analyseFile('app.yaml', manifest, () => {}, 'kubernetes', scope ? { kubernetes: { scope } } : undefined)
      .findings.filter((f) => /network-policy|not-isolated/.test(f.ruleId))
      .map((f) => f.message)
      .sort();
  assert.deepEqual(messages(), ['NetworkPolicy/isolate selects app=apii, which no workload in this file carries.', 'No NetworkPolicy in this file isolates the ingress and egress of Pod/api.']);
  assert.deepEqual(messages({ chart: 'charts/api' }), ['NetworkPolicy/isolate selects app=apii, which no workload that the chart renders carries.', 'No NetworkPolicy that the chart renders isolates the ingress and egress of Pod/api.']);
  assert.deepEqual(messages({ chart: 'charts/api', part: { index: 2, count: 3 } }), [
    "NetworkPolicy/isolate selects app=apii, which no workload in this part of the chart's render (part 2 of 3, read apart for its size) carries.",
    "No NetworkPolicy in this part of the chart's render (part 2 of 3, read apart for its size) isolates the ingress and egress of Pod/api.",
  ]);
  // A policy of another namespace that selects the pod's labels.
  const misplaced = analyseFile('app.yaml', `${POD}---\n${NETPOL.replace('billing', 'billing-staging')}`, () => {}, 'kubernetes', { kubernetes: { scope: { chart: 'charts/api' } } });
  assert.deepEqual(misplaced.findings.filter((f) => f.ruleId === 'iac/k8s-pod-not-isolated').map((f) => f.message), [
    'NetworkPolicy/isolate selects the labels of Pod/api but is in namespace billing-staging, not billing; it does not apply there, and no NetworkPolicy that the chart renders isolates the pod.',
  ]);
});

test('default namespace: "unlike other objects" names what was compared, the file or the chart\'s render', () => {
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n';
  const messages = (scope?: { chart: string }) =>
    analyseFile('app.yaml', manifest, () => {}, 'kubernetes', scope ? { kubernetes: { scope } } : undefined)
      .findings.filter((f) => f.ruleId === 'iac/k8s-default-namespace')
      .map((f) => f.message);
  assert.deepEqual(messages(), ['ServiceAccount/web sets no namespace, unlike other objects of this file: it lands in "default" or in the namespace given at deploy time.']);
  assert.deepEqual(messages({ chart: 'charts/web' }), ['ServiceAccount/web sets no namespace, unlike other objects that the chart renders: it lands in "default" or in the namespace given at deploy time.']);
});

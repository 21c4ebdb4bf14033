import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterConfigRules } from '../../../src/scanners/iac/kubernetes/cluster-config-rules.js';
import { readKubernetes, type KubeInput } from '../../../src/scanners/iac/kubernetes/model.js';
import { networkPolicyRules } from '../../../src/scanners/iac/kubernetes/network-policy-rules.js';
import type { IacRule } from '../../../src/scanners/iac/rule.js';

const all = [...clusterConfigRules, ...networkPolicyRules];

function lines(ruleId: string, manifest: string): number[] {
  const rule = all.find((r) => r.id === ruleId) as IacRule<KubeInput> | undefined;
  assert.ok(rule, ruleId);
  const input = readKubernetes(manifest, () => {});
  return input ? [...rule.check(input)].map((h) => h.line) : [];
}

const SELECTS_NOTHING = 'iac/k8s-network-policy-selects-nothing';
const NOT_ISOLATED = 'iac/k8s-pod-not-isolated';

const prometheus = [
  'apiVersion: monitoring.coreos.com/v1',
  'kind: Prometheus',
  'metadata:',
  '  name: k8s',
  '  namespace: observability',
  '  labels:',
  '    app.kubernetes.io/component: prometheus-server',
  'spec:',
  '  replicas: 1',
  '  serviceAccountName: prometheus-k8s',
  '  containers:',
  '  - name: prometheus',
  '    readinessProbe:',
  '      initialDelaySeconds: 30',
].join('\n');

const alertmanager = [
  'apiVersion: monitoring.coreos.com/v1',
  'kind: Alertmanager',
  'metadata:',
  '  name: main',
  '  namespace: observability',
  'spec:',
  '  replicas: 3',
].join('\n');

const exporter = [
  'apiVersion: apps/v1',
  'kind: DaemonSet',
  'metadata:',
  '  name: node-exporter',
  '  namespace: observability',
  'spec:',
  '  selector:',
  '    matchLabels:',
  '      app.kubernetes.io/name: node-exporter',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app.kubernetes.io/name: node-exporter',
  '    spec:',
  '      containers:',
  '      - name: exporter',
  '        image: registry.example.org/node-exporter:1.8.0',
].join('\n');

const policy = (name: string, labels: Record<string, string>, namespace = 'observability') =>
  [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    ...Object.entries(labels).map(([k, v]) => `      ${k}: ${v}`),
    '  policyTypes: [Ingress, Egress]',
  ].join('\n');

const join = (...docs: string[]) => `${docs.join('\n---\n')}\n`;

/** 1-based line of the first line of `docs[index]` in join(...docs). */
const start = (docs: string[], index: number) => docs.slice(0, index).reduce((n, d) => n + d.split('\n').length + 1, 1);

describe('NetworkPolicies beside custom resources whose operator creates the pods', () => {
  it('does not report a policy for the pods of a Prometheus custom resource', () => {
    const file = join(prometheus, policy('prometheus', { 'app.kubernetes.io/name': 'prometheus' }));
    assert.deepEqual(lines(SELECTS_NOTHING, file), []);
  });

  it('reports the same policy when no custom resource is in the file', () => {
    const docs = [exporter, policy('prometheus', { 'app.kubernetes.io/name': 'prometheus' })];
    // The matchLabels entry: 9th line of the policy.
    assert.deepEqual(lines(SELECTS_NOTHING, join(...docs)), [start(docs, 1) + 8]);
  });

  it('still reports a policy of a namespace that holds no custom resource', () => {
    const docs = [alertmanager, exporter.replaceAll('observability', 'edge'), policy('edge', { app: 'gateway' }, 'edge')];
    assert.deepEqual(lines(SELECTS_NOTHING, join(...docs)), [start(docs, 2) + 8]);
  });

  it('does not read a custom resource with top-level containers as a pod labelled like the resource', () => {
    // Before: the Prometheus object itself counted as a pod with the labels of its metadata, not isolated.
    const file = join(prometheus, exporter, policy('prometheus', { 'app.kubernetes.io/name': 'prometheus' }), policy('exporter', { 'app.kubernetes.io/name': 'node-exporter' }));
    assert.deepEqual(lines(NOT_ISOLATED, file), []);
  });

  it('still reports workloads of the file that no policy isolates, beside a custom resource', () => {
    const docs = [alertmanager, exporter, policy('alertmanager', { 'app.kubernetes.io/name': 'alertmanager' })];
    // metadata.name of the DaemonSet
    assert.deepEqual(lines(NOT_ISOLATED, join(...docs)), [start(docs, 1) + 3]);
  });

  it('reads the pod template of a custom resource that has one (an Argo Rollout) as a pod', () => {
    const rollout = exporter.replace('apiVersion: apps/v1', 'apiVersion: argoproj.io/v1alpha1').replace('kind: DaemonSet', 'kind: Rollout');
    const docs = [rollout, policy('web', { app: 'web' })];
    assert.deepEqual(lines(NOT_ISOLATED, join(...docs)), [4]);
  });

  it('treats Gateway API objects (gateway.networking.k8s.io) as custom resources, built-in groups as not', () => {
    const gateway = ['apiVersion: gateway.networking.k8s.io/v1', 'kind: Gateway', 'metadata:', '  name: edge', '  namespace: observability', 'spec:', '  gatewayClassName: envoy'].join('\n');
    assert.deepEqual(lines(SELECTS_NOTHING, join(gateway, policy('gw', { 'gateway.networking.k8s.io/gateway-name': 'edge' }))), []);
    const ingress = ['apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', '  name: edge', '  namespace: observability', 'spec:', '  ingressClassName: nginx'].join('\n');
    const docs = [ingress, exporter, policy('gw', { app: 'edge' })];
    assert.deepEqual(lines(SELECTS_NOTHING, join(...docs)), [start(docs, 2) + 8]);
  });

  it('reports a selector whose terms contradict each other, even beside a custom resource', () => {
    const contradictory = [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: deny',
      '  namespace: observability',
      'spec:',
      '  podSelector:',
      '    matchExpressions:',
      '    - key: app.kubernetes.io/name',
      '      operator: Exists',
      '    - key: app.kubernetes.io/name',
      '      operator: DoesNotExist',
    ].join('\n');
    const docs = [prometheus, contradictory];
    assert.deepEqual(lines(SELECTS_NOTHING, join(...docs)), [start(docs, 1) + 10]);
    const disjoint = contradictory.replace('operator: Exists', 'operator: In\n      values: [prometheus]').replace('operator: DoesNotExist', 'operator: In\n      values: [alertmanager]');
    assert.deepEqual(lines(SELECTS_NOTHING, join(prometheus, disjoint)), [start([prometheus], 1) + 11]);
    const satisfiable = contradictory.replace('operator: DoesNotExist', 'operator: NotIn\n      values: [grafana]');
    assert.deepEqual(lines(SELECTS_NOTHING, join(prometheus, satisfiable)), []);
  });
});

describe('iac/k8s-apiservice-insecure-tls', () => {
  const apiService = (tls: string[]) =>
    [
      'apiVersion: apiregistration.k8s.io/v1',
      'kind: APIService',
      'metadata:',
      '  name: v1beta1.custom.metrics.example.org',
      'spec:',
      '  service:',
      '    name: prometheus-adapter',
      '    namespace: observability',
      '  group: custom.metrics.example.org',
      '  version: v1beta1',
      ...tls,
      '  groupPriorityMinimum: 100',
      '  versionPriority: 100',
    ].join('\n');

  it('reports insecureSkipTLSVerify on its line', () => {
    assert.deepEqual(lines('iac/k8s-apiservice-insecure-tls', apiService(['  insecureSkipTLSVerify: true'])), [11]);
  });

  it('accepts a caBundle, an explicit false, and lookalike kinds of other groups', () => {
    assert.deepEqual(lines('iac/k8s-apiservice-insecure-tls', apiService(['  caBundle: PLACEHOLDER-NOT-A-CA'])), []);
    assert.deepEqual(lines('iac/k8s-apiservice-insecure-tls', apiService(['  insecureSkipTLSVerify: false'])), []);
    const other = apiService(['  insecureSkipTLSVerify: true']).replace('apiregistration.k8s.io/v1', 'example.org/v1');
    assert.deepEqual(lines('iac/k8s-apiservice-insecure-tls', other), []);
  });

  it('reads APIServices inside a List', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${apiService(['  insecureSkipTLSVerify: true']).split('\n').join('\n  ')}\n`;
    assert.deepEqual(lines('iac/k8s-apiservice-insecure-tls', list), [14]);
  });
});

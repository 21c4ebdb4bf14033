import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterConfigRules } from '../../../src/scanners/iac/kubernetes/cluster-config-rules.js';
import { readKubernetes } from '../../../src/scanners/iac/kubernetes/model.js';
import { networkPolicyRules } from '../../../src/scanners/iac/kubernetes/network-policy-rules.js';
import { workloadRules } from '../../../src/scanners/iac/kubernetes/workload-rules.js';
import type { IacRule } from '../../../src/scanners/iac/rule.js';
import type { KubeInput } from '../../../src/scanners/iac/kubernetes/model.js';

const all = [...clusterConfigRules, ...networkPolicyRules, ...workloadRules];

function lines(ruleId: string, manifest: string): number[] {
  const rule = all.find((r) => r.id === ruleId) as IacRule<KubeInput> | undefined;
  assert.ok(rule, ruleId);
  const input = readKubernetes(manifest, () => {});
  return input ? [...rule.check(input)].map((h) => h.line) : [];
}

const deployment = (namespace: string | undefined, label: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    'spec:',
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${label}`,
    '    spec:',
    '      containers:',
    '      - name: api',
    '        image: registry.example.org/api:1.0.0',
  ].join('\n');

const policy = (namespace: string | undefined, body: string[]) =>
  ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: p', ...(namespace ? [`  namespace: ${namespace}`] : []), 'spec:', ...body].join('\n');

describe('NetworkPolicy rules compare objects of one file', () => {
  it('reads the pod template labels of a Deployment, not its own metadata', () => {
    const file = `${deployment('shop', 'api')}\n---\n${policy('shop', ['  podSelector:', '    matchLabels:', '      app: api', '  policyTypes: [Ingress, Egress]'])}\n`;
    assert.deepEqual(lines('iac/k8s-network-policy-selects-nothing', file), []);
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', file), []);
  });

  it('treats an object without namespace as deployable anywhere', () => {
    const file = `${deployment(undefined, 'api')}\n---\n${policy('shop', ['  podSelector:', '    matchLabels:', '      app: web'])}\n`;
    // `app: web` of the policy: 13 lines of Deployment, the separator, then 9 lines of policy
    assert.deepEqual(lines('iac/k8s-network-policy-selects-nothing', file), [23]);
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', file), [4]);
  });

  it('says nothing about pods whose namespace has no policy in the file', () => {
    const file = `${deployment('shop', 'api')}\n---\n${policy('payments', ['  podSelector: {}', '  policyTypes: [Ingress]'])}\n`;
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', file), []);
  });

  it('reports a pod whose matching policy sits in another namespace', () => {
    const file = `${deployment('shop', 'api')}\n---\n${policy('shop-staging', ['  podSelector:', '    matchLabels:', '      app: api', '  policyTypes: [Ingress, Egress]'])}\n`;
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', file), [4]);
    // Another label, or a policy for every pod of its namespace, is no sign it was meant for this one.
    const otherLabel = `${deployment('shop', 'api')}\n---\n${policy('shop-staging', ['  podSelector:', '    matchLabels:', '      app: web'])}\n`;
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', otherLabel), []);
    const everyPod = `${deployment('shop', 'api')}\n---\n${policy('shop-staging', ['  podSelector: {}'])}\n`;
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', everyPod), []);
  });

  it('derives policyTypes from the rules when the list is missing or empty', () => {
    const egressRules = ['  egress:', '  - to:', '    - ipBlock:', '        cidr: 10.0.0.0/8'];
    const withEgress = `${deployment('shop', 'api')}\n---\n${policy('shop', ['  podSelector: {}', '  policyTypes: []', ...egressRules])}\n`;
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', withEgress), []);
    const ingressOnly = `${deployment('shop', 'api')}\n---\n${policy('shop', ['  podSelector: {}'])}\n`;
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', ingressOnly), [4]);
  });

  it('does not judge selectors written with matchExpressions', () => {
    const file = `${deployment('shop', 'api')}\n---\n${policy('shop', ['  podSelector:', '    matchExpressions:', '    - {key: tier, operator: In, values: [web]}', '  policyTypes: [Ingress, Egress]'])}\n`;
    assert.deepEqual(lines('iac/k8s-network-policy-selects-nothing', file), []);
    assert.deepEqual(lines('iac/k8s-pod-not-isolated', file), []);
  });
});

describe('audit policy rules match first to last', () => {
  const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n';
  it('skips rules restricted to some users when deciding the level', () => {
    const file = `${head}- level: RequestResponse\n  users: ["admin"]\n  resources:\n  - group: ""\n    resources: ["secrets"]\n- level: Metadata\n`;
    assert.deepEqual(lines('iac/k8s-audit-policy-gaps', file), []);
  });

  it('lets an earlier catch-all decide for everything after it', () => {
    const file = `${head}- level: Request\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["secrets"]\n`;
    assert.deepEqual(lines('iac/k8s-audit-policy-gaps', file), [4]);
  });

  it('understands resource wildcards', () => {
    const file = `${head}- level: Metadata\n  resources:\n  - group: ""\n    resources: ["secrets", "configmaps", "pods", "pods/*"]\n  - group: authentication.k8s.io\n  - group: apps\n    resources: ["deployments"]\n- level: None\n  resources:\n  - group: ""\n    resources: ["*/proxy"]\n`;
    assert.deepEqual(lines('iac/k8s-audit-policy-gaps', file), [11]);
  });
});

describe('encryption providers', () => {
  const config = (providers: string) => `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n${providers}`;
  it('separates "no sound provider" from "identity first"', () => {
    const identityFirst = config('  - identity: {}\n  - aescbc:\n      keys: []\n');
    assert.deepEqual(lines('iac/k8s-encryption-provider-weak', identityFirst), []);
    assert.deepEqual(lines('iac/k8s-encryption-identity-first', identityFirst), [6]);
    const onlyGcm = config('  - aesgcm:\n      keys: []\n');
    assert.deepEqual(lines('iac/k8s-encryption-provider-weak', onlyGcm), [5]);
    assert.deepEqual(lines('iac/k8s-encryption-identity-first', onlyGcm), []);
  });
});

describe('Tiller', () => {
  it('recognises the tiller image but not words that contain "tiller"', () => {
    const pod = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;
    assert.deepEqual(lines('iac/k8s-tiller', pod('registry.example.org/kubernetes-helm/tiller:v2.16.1')), [4]);
    assert.deepEqual(lines('iac/k8s-tiller', pod('registry.example.org/distillery:2.0')), []);
    assert.deepEqual(lines('iac/k8s-tiller', pod('registry.example.org/tiller-like/app:tiller')), []);
  });
});

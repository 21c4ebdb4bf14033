import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kubernetesPlatform } from '../../../src/scanners/iac/kubernetes/rules.js';
import type { Hit } from '../../../src/scanners/iac/rule.js';

function hits(ruleId: string, manifest: string): Hit[] {
  const rule = kubernetesPlatform.rules.find((r) => r.id === ruleId);
  assert.ok(rule, ruleId);
  const input = kubernetesPlatform.parse(manifest, () => {});
  return input ? [...rule.check(input)] : [];
}

const secretsRole = (kind: string, namespace?: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: reader\n${namespace ? `  namespace: ${namespace}\n` : ''}rules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list"]\n`;

const bindingTo = (kind: string, roleKind: string, subjectKind: string, namespace?: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: reader\n${namespace ? `  namespace: ${namespace}\n` : ''}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: reader\nsubjects:\n- kind: ${subjectKind}\n  name: worker\n`;

describe('iac/k8s-rbac-secrets-access and the bindings beside the role', () => {
  const rule = 'iac/k8s-rbac-secrets-access';

  it('names a service account of the same namespace bound to a Role, whose access stays in that namespace (medium)', () => {
    const found = hits(rule, `${secretsRole('Role', 'shop')}---\n${bindingTo('RoleBinding', 'Role', 'ServiceAccount', 'shop')}`);
    assert.deepEqual(found.map((h) => [h.line, h.severity]), [[9, undefined]]);
    assert.equal(found[0]!.message, 'Role/reader can read Secrets (get, list) of its namespace only, and service account shop/worker is bound to it.');
  });

  it('is high for a ClusterRole bound cluster-wide to a service account, medium for one bound only by RoleBindings', () => {
    const cluster = hits(rule, `${secretsRole('ClusterRole')}---\n${bindingTo('ClusterRoleBinding', 'ClusterRole', 'ServiceAccount')}`.replace('  name: worker\n', '  name: worker\n  namespace: ops\n'));
    assert.deepEqual(cluster.map((h) => [h.severity, h.message]), [['high', 'ClusterRole/reader can read Secrets (get, list) of every namespace, and service account ops/worker is bound to it.']]);
    const namespaced = hits(rule, `${secretsRole('ClusterRole')}---\n${bindingTo('RoleBinding', 'ClusterRole', 'ServiceAccount', 'shop')}`);
    assert.deepEqual(namespaced.map((h) => [h.severity, h.message]), [[undefined, 'ClusterRole/reader can read Secrets (get, list) of the namespaces of its RoleBindings only, and service account shop/worker is bound to it.']]);
  });

  it('keeps the rule severity for an unbound role, a user subject or a binding in another namespace', () => {
    for (const manifest of [
      secretsRole('Role', 'shop'),
      `${secretsRole('Role', 'shop')}---\n${bindingTo('RoleBinding', 'Role', 'User', 'shop')}`,
      `${secretsRole('Role', 'shop')}---\n${bindingTo('RoleBinding', 'Role', 'ServiceAccount', 'billing')}`,
    ]) {
      const found = hits(rule, manifest);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, undefined);
    }
  });

  it('follows a ClusterRoleBinding to a ClusterRole, whatever the namespaces', () => {
    const found = hits(rule, `${secretsRole('ClusterRole')}---\n${bindingTo('ClusterRoleBinding', 'ClusterRole', 'ServiceAccount', 'ops')}`);
    assert.deepEqual(found.map((h) => h.severity), ['high']);
  });
});

describe('iac/k8s-cni-no-network-policy on a node network configuration file', () => {
  const rule = 'iac/k8s-cni-no-network-policy';

  it('reports the plugin that does not enforce policies, on its type line', () => {
    const conflist = '{\n  "cniVersion": "1.0.0",\n  "name": "nodes",\n  "plugins": [\n    { "type": "host-local-wrapper" },\n    {\n      "type": "flannel"\n    }\n  ]\n}\n';
    assert.deepEqual(hits(rule, conflist).map((h) => h.line), [7]);
  });

  it('stays quiet when the chain holds an enforcing plugin, or on damaged or foreign JSON', () => {
    for (const text of [
      '{ "cniVersion": "1.0.0", "name": "n", "plugins": [{ "type": "flannel" }, { "type": "calico" }] }\n',
      '{ "cniVersion": "1.0.0", "plugins": [1, null, "flannel", { "type": ["flannel"] }] }\n',
      '{ "cniVersion": "1.0.0", "plugins": { "type": "flannel" } }\n',
      '{ "name": "package", "type": "flannel" }\n',
      '{ "cniVersion": ',
    ]) {
      assert.deepEqual(hits(rule, text), [], text);
    }
  });
});

describe('iac/k8s-apiserver-insecure-port and the API server version', () => {
  const rule = 'iac/k8s-apiserver-insecure-port';
  const apiserver = (image: string, command = '["kube-apiserver"]') =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: ${image}\n    command: ${command}\n`;

  it('reports a pre-1.20 API server that leaves the insecure port at its default', () => {
    for (const image of ['registry.example.org/kube-apiserver:v1.19.16', 'registry.example.org/kube-apiserver-amd64:v1.9.0@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f']) {
      assert.deepEqual(hits(rule, apiserver(image)).map((h) => h.line), [9], image);
    }
  });

  it('stays quiet for 1.20 and later, an unknown version, or an explicit --insecure-port=0', () => {
    for (const manifest of [
      apiserver('registry.example.org/kube-apiserver:v1.20.0'),
      apiserver('registry.example.org/kube-apiserver:v2.0.0'),
      apiserver('registry.example.org/kube-apiserver'),
      apiserver('registry.example.org:5000/kube-apiserver:${VERSION}'),
      apiserver('registry.example.org/kube-apiserver:v1.18.2', '["kube-apiserver", "--insecure-port=0"]'),
    ]) {
      assert.deepEqual(hits(rule, manifest), [], manifest);
    }
  });
});

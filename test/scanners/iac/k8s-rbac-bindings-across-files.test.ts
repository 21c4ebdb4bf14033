import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: shop\nrules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list"]\n';
const binding = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n- kind: ServiceAccount\n  name: worker\n  namespace: shop\n';
const deployment =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\n  namespace: shop\nspec:\n  selector:\n    matchLabels: { app: worker }\n  template:\n    metadata:\n      labels: { app: worker }\n    spec:\n      serviceAccountName: worker\n      containers:\n      - name: worker\n        image: registry.example.org/worker:1.0.0\n';

describe('RBAC bindings in another manifest of the same directory', () => {
  it('bind the role and the pods of the other files: a bound service account reading the Secrets of its namespace is named, and its pods call the API by design', async () => {
    const t = tempTree({ 'deploy/role.yaml': role, 'deploy/role-binding.yaml': binding, 'deploy/deployment.yaml': deployment, 'other/role.yaml': role, 'other/deployment.yaml': deployment });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const secrets = result.findings.filter((f) => f.ruleId === 'iac/k8s-rbac-secrets-access').map((f) => `${f.location.path} ${f.severity} ${f.message}`);
      assert.deepEqual(secrets.sort(), [
        'deploy/role.yaml medium Role/reader can read Secrets (get, list) of its namespace only, and service account shop/worker is bound to it.',
        // The binding of deploy/ is not the role's of other/: a repository of separate examples reuses names.
        'other/role.yaml medium Role/reader can read Secrets (get, list).',
      ]);
      const automount = result.findings.filter((f) => f.ruleId === 'iac/k8s-service-account-token-automount').map((f) => f.location.path);
      assert.deepEqual(automount, ['other/deployment.yaml']);
    } finally {
      t.cleanup();
    }
  });
});

describe('aggregating ClusterRoles in another manifest', () => {
  const aggregating = (selector: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: runner-admin\naggregationRule:\n  clusterRoleSelectors:\n${selector}rules: []\n`;
  const clusterBinding =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: runner-admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: runner-admin\nsubjects:\n- kind: ServiceAccount\n  name: runner\n  namespace: ci\n';
  const core = (labels: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: runner-core\n  labels:\n${labels}rules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list", "watch"]\n`;
  const picked = '  - matchLabels:\n      example.org/runner: "true"\n';
  const labelled = '    example.org/runner: "true"\n';

  async function secrets(files: Record<string, string>): Promise<string[]> {
    const t = tempTree(files);
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      return result.findings.filter((f) => f.ruleId === 'iac/k8s-rbac-secrets-access').map((f) => `${f.location.path} ${f.severity} ${f.message}`).sort();
    } finally {
      t.cleanup();
    }
  }

  it('give the roles they select, in their directory or below it, the bindings of the aggregating role', async () => {
    assert.deepEqual(
      await secrets({
        // The aggregating role and its binding in a parent directory, applied with its subdirectories (kubectl apply -R); its binding in one file, the role in another.
        'config/accounts.yaml': `${aggregating(picked)}---\n${clusterBinding}`,
        'config/roles/core.yaml': core(labelled),
        'split/aggregate.yaml': aggregating(picked),
        'split/binding.yaml': clusterBinding,
        'split/core.yaml': core(labelled),
        // Not picked: other labels, an empty selector, or an aggregating role of a sibling or a subdirectory.
        'config/roles/other.yaml': core('    example.org/runner: "false"\n'),
        'empty/aggregate.yaml': `${aggregating('  - {}\n')}---\n${clusterBinding}`,
        'empty/core.yaml': core(labelled),
        'apart/a/aggregate.yaml': `${aggregating(picked)}---\n${clusterBinding}`,
        'apart/b/core.yaml': core(labelled),
        'below/core.yaml': core(labelled),
        'below/sub/aggregate.yaml': `${aggregating(picked)}---\n${clusterBinding}`,
      }),
      [
        'apart/b/core.yaml medium ClusterRole/runner-core can read Secrets (get, list, watch).',
        'below/core.yaml medium ClusterRole/runner-core can read Secrets (get, list, watch).',
        'config/roles/core.yaml high ClusterRole/runner-core can read Secrets (get, list, watch) of every namespace, and service account ci/runner is bound to it.',
        'config/roles/other.yaml medium ClusterRole/runner-core can read Secrets (get, list, watch).',
        'empty/core.yaml medium ClusterRole/runner-core can read Secrets (get, list, watch).',
        'split/core.yaml high ClusterRole/runner-core can read Secrets (get, list, watch) of every namespace, and service account ci/runner is bound to it.',
      ],
    );
  });
});

describe('RBAC bindings of a kustomization that sets the namespace', () => {
  it('a binding and a deployment without namespaces, put in one by kustomization.yaml: the pods of its service account call the API by design', async () => {
    const strip = (manifest: string) => manifest.replace(/^ {2}namespace: shop\n/gm, '');
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources:\n- role.yaml\n- role-binding.yaml\n- deployment.yaml\n';
    const t = tempTree({ 'deploy/kustomization.yaml': kustomization, 'deploy/role.yaml': strip(role), 'deploy/role-binding.yaml': strip(binding), 'deploy/deployment.yaml': strip(deployment) });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const automount = result.findings.filter((f) => f.ruleId === 'iac/k8s-service-account-token-automount').map((f) => f.location.path);
      assert.deepEqual(automount, []);
      const secrets = result.findings.filter((f) => f.ruleId === 'iac/k8s-rbac-secrets-access').map((f) => `${f.location.path} ${f.message}`);
      assert.deepEqual(secrets, ['deploy/role.yaml Role/reader can read Secrets (get, list) of its namespace only, and service account shop/worker is bound to it.']);
    } finally {
      t.cleanup();
    }
  });
});

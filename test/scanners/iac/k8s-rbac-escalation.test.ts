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

const roleOf = (kind: 'Role' | 'ClusterRole', rules: string, metadata = '') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: runner\n${kind === 'Role' ? '  namespace: ci\n' : ''}${metadata}rules:\n${rules}`;

const bindingOf = (kind: 'RoleBinding' | 'ClusterRoleBinding', roleKind: 'Role' | 'ClusterRole') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: runner\n${kind === 'RoleBinding' ? '  namespace: ci\n' : ''}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: runner\nsubjects:\n- kind: ServiceAccount\n  name: runner\n  namespace: ci\n`;

/** `severity message` of each iac/k8s-rbac-wildcard finding on a ClusterRole with these rules. */
const wildcardFindings = (rules: string) => hits('iac/k8s-rbac-wildcard', roleOf('ClusterRole', rules)).map((h) => `${h.severity ?? 'high'} ${h.message}`);

const PODS = '- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["create"]\n';
const NAMESPACES = '- apiGroups: [""]\n  resources: ["namespaces"]\n  verbs: ["patch"]\n';
const TOKENS = '- apiGroups: [""]\n  resources: ["serviceaccounts/token"]\n  verbs: ["create"]\n';
const WEBHOOKS = '- apiGroups: ["admissionregistration.k8s.io"]\n  resources: ["validatingwebhookconfigurations"]\n  verbs: ["get", "update"]\n';
const NODES_PROXY = (verbs: string) => `- apiGroups: [""]\n  resources: ["nodes/proxy"]\n  verbs: [${verbs}]\n`;

describe('RBAC escalation paths weighed by where the role applies', () => {
  it('workload creation: medium for a ClusterRole bound cluster-wide or unbound, low for a Role or a RoleBinding to a ClusterRole', () => {
    const severity = (manifest: string) => hits('iac/k8s-rbac-workload-create', manifest).map((h) => h.severity);
    assert.deepEqual(severity(roleOf('ClusterRole', PODS)), ['medium']);
    assert.deepEqual(severity(`${roleOf('ClusterRole', PODS)}---\n${bindingOf('ClusterRoleBinding', 'ClusterRole')}`), ['medium']);
    assert.deepEqual(severity(roleOf('Role', PODS)), ['low']);
    assert.deepEqual(severity(`${roleOf('ClusterRole', PODS)}---\n${bindingOf('RoleBinding', 'ClusterRole')}`), ['low']);
  });

  it('names the binding and the service account it grants the path to', () => {
    const [hit] = hits('iac/k8s-rbac-workload-create', `${roleOf('ClusterRole', PODS)}---\n${bindingOf('ClusterRoleBinding', 'ClusterRole')}`);
    assert.match(hit!.message, /can create pods: a pod it makes can run as any service account and mount any Secret in every namespace/);
    assert.match(hit!.message, /bound cluster-wide by ClusterRoleBinding\/runner to service account ci\/runner/);
  });

  it('update or patch of pods alone: the image of a running pod', () => {
    const [hit] = hits('iac/k8s-rbac-workload-create', roleOf('Role', '- apiGroups: [""]\n  resources: ["pods", "pods/status"]\n  verbs: ["get", "update"]\n'));
    assert.match(hit!.message, /can update pods: it can change the image of any pod of its namespace and so run code as that pod's service account/);
  });

  it('service account tokens: high cluster-wide, medium in a namespace', () => {
    assert.deepEqual(hits('iac/k8s-rbac-token-request', roleOf('ClusterRole', TOKENS)).map((h) => h.severity), ['high']);
    assert.deepEqual(hits('iac/k8s-rbac-token-request', roleOf('Role', TOKENS)).map((h) => h.severity), ['medium']);
  });

  it('namespace labels: a Role changes its own namespace (low), a ClusterRole every one (medium)', () => {
    assert.deepEqual(hits('iac/k8s-rbac-namespace-modify', roleOf('Role', NAMESPACES)).map((h) => [h.severity, /its namespace/.test(h.message)]), [['low', true]]);
    assert.deepEqual(hits('iac/k8s-rbac-namespace-modify', roleOf('ClusterRole', NAMESPACES)).map((h) => [h.severity, /every namespace/.test(h.message)]), [['medium', true]]);
  });

  it('cluster-scoped resources: nothing through a Role or a ClusterRole bound only by RoleBindings', () => {
    for (const [rule, rules] of [['iac/k8s-rbac-admission-webhooks', WEBHOOKS], ['iac/k8s-rbac-nodes-proxy', NODES_PROXY('"create"')]] as const) {
      assert.equal(hits(rule, roleOf('ClusterRole', rules)).length, 1, rule);
      assert.equal(hits(rule, roleOf('Role', rules)).length, 0, rule);
      assert.equal(hits(rule, `${roleOf('ClusterRole', rules)}---\n${bindingOf('RoleBinding', 'ClusterRole')}`).length, 0, rule);
      // A RoleBinding beside a ClusterRoleBinding: the latter grants it cluster-wide.
      assert.equal(hits(rule, `${roleOf('ClusterRole', rules)}---\n${bindingOf('RoleBinding', 'ClusterRole')}---\n${bindingOf('ClusterRoleBinding', 'ClusterRole')}`).length, 1, rule);
    }
  });

  it('nodes/proxy: high with create or "*", medium with get only', () => {
    assert.deepEqual(hits('iac/k8s-rbac-nodes-proxy', roleOf('ClusterRole', NODES_PROXY('"get", "create"'))).map((h) => h.severity), ['high']);
    assert.deepEqual(hits('iac/k8s-rbac-nodes-proxy', roleOf('ClusterRole', NODES_PROXY('"*"'))).map((h) => h.severity), ['high']);
    assert.deepEqual(hits('iac/k8s-rbac-nodes-proxy', roleOf('ClusterRole', NODES_PROXY('"get", "list"'))).map((h) => h.severity), ['medium']);
    assert.deepEqual(hits('iac/k8s-rbac-nodes-proxy', roleOf('ClusterRole', '- apiGroups: [""]\n  resources: ["*/proxy"]\n  verbs: ["get"]\n')).length, 1);
  });

  it('a Helm hook RBAC deleted once the hook succeeds is one severity lower, and says so', () => {
    const hook = '  annotations:\n    "helm.sh/hook": pre-install,post-upgrade\n    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded\n';
    const [hit] = hits('iac/k8s-rbac-admission-webhooks', roleOf('ClusterRole', WEBHOOKS, hook));
    assert.equal(hit!.severity, 'low');
    assert.match(hit!.message, /a Helm hook object, deleted once its hook succeeds\)\.$/);
    // A hook kept after it ran (before-hook-creation only) grants as long as any other object.
    const kept = hook.replace(',hook-succeeded', '');
    assert.deepEqual(hits('iac/k8s-rbac-admission-webhooks', roleOf('ClusterRole', WEBHOOKS, kept)).map((h) => h.severity), ['medium']);
  });

  it("leaves Kubernetes's own roles alone, and admin/edit aggregation for what admin and edit grant", () => {
    const bootstrap = '  labels:\n    kubernetes.io/bootstrapping: rbac-defaults\n';
    assert.equal(hits('iac/k8s-rbac-workload-create', roleOf('ClusterRole', PODS, bootstrap)).length, 0);
    const toEdit = '  labels:\n    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n';
    assert.equal(hits('iac/k8s-rbac-workload-create', roleOf('ClusterRole', PODS, toEdit)).length, 0);
    assert.equal(hits('iac/k8s-rbac-token-request', roleOf('ClusterRole', TOKENS, toEdit)).length, 0);
    // admin and edit do not change namespaces: aggregating that into them is reported.
    assert.equal(hits('iac/k8s-rbac-namespace-modify', roleOf('ClusterRole', NAMESPACES, toEdit)).length, 1);
  });

  it('says that a ClusterRole aggregated into view, edit or admin widens the subjects of those roles, and reports writes aggregated into view', () => {
    const toView = '  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: "true"\n';
    const secrets = '- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list"]\n';
    const [read] = hits('iac/k8s-rbac-secrets-access', roleOf('ClusterRole', secrets, toView));
    assert.equal(read!.message, 'ClusterRole/runner can read Secrets (get, list) (aggregated into the built-in view role, which excludes Secrets by design: every subject bound to view, edit or admin gets this, in each namespace it is bound in).');
    const toAdmin = '  labels:\n    rbac.authorization.k8s.io/aggregate-to-admin: "true"\n';
    assert.deepEqual(hits('iac/k8s-rbac-namespace-modify', roleOf('ClusterRole', NAMESPACES, toAdmin)).map((h) => h.message.replace(/^.*?\(aggregated/, '(aggregated')), ['(aggregated into the built-in admin role: every subject bound to admin gets this, in each namespace it is bound in).']);
    // Writes on an add-on's objects through view: every viewer changes them. Reads, and writes aggregated into edit, are what those roles are for.
    const widgets = (verbs: string) => `- apiGroups: ["widgets.example.org"]\n  resources: ["widgets", "widgets/status"]\n  verbs: [${verbs}]\n`;
    assert.deepEqual(hits('iac/k8s-rbac-view-aggregated-write', roleOf('ClusterRole', widgets('"get", "create", "patch"'), toView)).map((h) => `${h.line} ${h.message}`), [
      '10 ClusterRole/runner is aggregated into the built-in view role and grants create, patch on widgets, widgets/status: every subject bound to view, edit or admin can change them, in each namespace it is bound in.',
    ]);
    assert.deepEqual(hits('iac/k8s-rbac-view-aggregated-write', roleOf('ClusterRole', widgets('"get", "list", "watch"'), toView)), []);
    assert.deepEqual(hits('iac/k8s-rbac-view-aggregated-write', roleOf('ClusterRole', widgets('"create"'), '  labels:\n    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n')), []);
    // Wildcard verbs are the wildcard rule's, with the note.
    assert.deepEqual(hits('iac/k8s-rbac-view-aggregated-write', roleOf('ClusterRole', widgets('"*"'), toView)), []);
    assert.match(hits('iac/k8s-rbac-wildcard', roleOf('ClusterRole', widgets('"*"'), toView))[0]!.message, /grants "\*" in verbs within the API group widgets\.example\.org \(aggregated into the built-in view role/);
  });

  it('judges an aggregating ClusterRole by none of the rules it writes: the controller replaces them with those of the roles it selects', () => {
    const aggregating = (rules: string) =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: runner\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      example.org/aggregate-to-runner: "true"\nrules:${rules}`;
    const everything = '\n- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["*"]\n';
    for (const rule of kubernetesPlatform.rules.filter((r) => r.id.startsWith('iac/k8s-rbac-'))) {
      assert.deepEqual(hits(rule.id, aggregating(' []\n')), [], rule.id);
      assert.deepEqual(hits(rule.id, `${aggregating(everything)}---\n${bindingOf('ClusterRoleBinding', 'ClusterRole')}`), [], rule.id);
    }
    // The role it selects is judged as written.
    assert.equal(hits('iac/k8s-rbac-wildcard', roleOf('ClusterRole', everything.slice(1), '  labels:\n    example.org/aggregate-to-runner: "true"\n')).length, 1);
  });

  it('gives a ClusterRole the bindings of the aggregating ClusterRoles whose selectors pick it', () => {
    const aggregating = (selector: string) =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: runner\naggregationRule:\n  clusterRoleSelectors:\n${selector}rules: []\n---\n${bindingOf('ClusterRoleBinding', 'ClusterRole')}`;
    const core = (labels: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: runner-core\n  labels:\n${labels}rules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list", "watch"]\n`;
    const secrets = (manifest: string) => hits('iac/k8s-rbac-secrets-access', manifest).map((h) => `${h.severity ?? 'medium'} ${h.message}`);
    const picked = '  - matchLabels:\n      example.org/runner: "true"\n';
    assert.deepEqual(secrets(`${core('    example.org/runner: "true"\n')}---\n${aggregating(picked)}`), [
      'high ClusterRole/runner-core can read Secrets (get, list, watch) of every namespace, and service account ci/runner is bound to it.',
    ]);
    const [workloads] = hits('iac/k8s-rbac-workload-create', `${core('    example.org/runner: "true"\n').replace('"secrets"', '"pods"').replace('"get", "list", "watch"', '"create"')}---\n${aggregating(picked)}`);
    assert.match(workloads!.message, /bound cluster-wide by ClusterRoleBinding\/runner \(through ClusterRole\/runner, which aggregates it\) to service account ci\/runner/);
    // A role the selectors do not pick keeps to its own bindings (none: medium).
    assert.deepEqual(secrets(`${core('    example.org/runner: "false"\n')}---\n${aggregating(picked)}`).map((m) => m.split(' ')[0]), ['medium']);
    const expressions = '  - matchExpressions:\n    - {key: example.org/tier, operator: In, values: [core, extra]}\n    - {key: example.org/legacy, operator: DoesNotExist}\n';
    assert.deepEqual(secrets(`${core('    example.org/tier: core\n')}---\n${aggregating(expressions)}`).map((m) => m.split(' ')[0]), ['high']);
    assert.deepEqual(secrets(`${core('    example.org/tier: core\n    example.org/legacy: "yes"\n')}---\n${aggregating(expressions)}`).map((m) => m.split(' ')[0]), ['medium']);
    assert.deepEqual(secrets(`${core('    example.org/tier: core\n')}---\n${aggregating('  - {}\n')}`).map((m) => m.split(' ')[0]), ['medium']);
  });

  it('leaves grants through resources: ["*"] to iac/k8s-rbac-wildcard', () => {
    const everything = '- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["get", "patch", "create"]\n';
    for (const rule of ['iac/k8s-rbac-workload-create', 'iac/k8s-rbac-nodes-proxy', 'iac/k8s-rbac-admission-webhooks', 'iac/k8s-rbac-namespace-modify', 'iac/k8s-rbac-persistentvolume-create', 'iac/k8s-rbac-token-request'])
      assert.equal(hits(rule, roleOf('ClusterRole', everything)).length, 0, rule);
    assert.deepEqual(hits('iac/k8s-rbac-wildcard', roleOf('ClusterRole', everything)).map((h) => `${h.line} ${h.message}`), ['7 ClusterRole/runner grants "*" in apiGroups and resources.']);
  });

  it('wildcard verbs: high on objects, medium on status, finalizers or scale subresources alone', () => {
    assert.deepEqual(wildcardFindings('- apiGroups: ["networking.k8s.io"]\n  resources: ["ingresses/status"]\n  verbs: ["*"]\n'), ['medium ClusterRole/runner grants "*" in verbs on ingresses/status only.']);
    assert.deepEqual(wildcardFindings('- apiGroups: ["apps"]\n  resources: ["deployments/scale", "deployments/finalizers"]\n  verbs: ["*"]\n'), ['medium ClusterRole/runner grants "*" in verbs on deployments/scale, deployments/finalizers only.']);
    // Beside the object itself, or another subresource (pods/exec), the wildcard stays high.
    assert.deepEqual(wildcardFindings('- apiGroups: ["networking.k8s.io"]\n  resources: ["ingresses", "ingresses/status"]\n  verbs: ["*"]\n'), ['high ClusterRole/runner grants "*" in verbs on ingresses, ingresses/status.']);
    assert.deepEqual(wildcardFindings('- apiGroups: [""]\n  resources: ["pods/exec"]\n  verbs: ["*"]\n'), ['high ClusterRole/runner grants "*" in verbs on pods/exec.']);
    assert.deepEqual(wildcardFindings('- apiGroups: [""]\n  resources: ["*/status"]\n  verbs: ["*"]\n'), ['high ClusterRole/runner grants "*" in verbs.']);
  });

  it('wildcard verbs on resources that lead nowhere else (events, leases: leader election and event recording) are medium; beside pods or Secrets, high', () => {
    assert.deepEqual(wildcardFindings('- apiGroups: [""]\n  resources: ["events"]\n  verbs: ["*"]\n'), ['medium ClusterRole/runner grants "*" in verbs on events.']);
    assert.deepEqual(wildcardFindings('- apiGroups: ["coordination.k8s.io"]\n  resources: ["leases"]\n  verbs: ["*"]\n'), ['medium ClusterRole/runner grants "*" in verbs on leases.']);
    assert.deepEqual(wildcardFindings('- apiGroups: ["policy"]\n  resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"]\n  verbs: ["*"]\n'), ['medium ClusterRole/runner grants "*" in verbs on poddisruptionbudgets, poddisruptionbudgets/status.']);
    assert.deepEqual(wildcardFindings('- apiGroups: [""]\n  resources: ["events", "configmaps"]\n  verbs: ["*"]\n'), ['high ClusterRole/runner grants "*" in verbs on events, configmaps.']);
    assert.deepEqual(wildcardFindings('- apiGroups: [""]\n  resources: ["pods", "events"]\n  verbs: ["*"]\n'), ['high ClusterRole/runner grants "*" in verbs on pods, events.']);
    // A wildcard in resources is never narrowed by the names beside it.
    assert.deepEqual(wildcardFindings('- apiGroups: ["coordination.k8s.io"]\n  resources: ["*"]\n  verbs: ["get"]\n'), ['high ClusterRole/runner grants "*" in resources.']);
  });

  it('client certificates: reports the approve grant only when the role also creates and approves requests', () => {
    const create = '- apiGroups: ["certificates.k8s.io"]\n  resources: ["certificatesigningrequests"]\n  verbs: ["create"]\n';
    const approval = '- apiGroups: ["certificates.k8s.io"]\n  resources: ["certificatesigningrequests/approval"]\n  verbs: ["patch"]\n';
    const signers = (names: string) => `- apiGroups: ["certificates.k8s.io"]\n  resources: ["signers"]\n${names}  verbs: ["approve"]\n`;
    const csr = (rules: string) => hits('iac/k8s-rbac-csr-approval', roleOf('ClusterRole', rules));
    assert.deepEqual(csr(create + approval + signers('')).map((h) => [h.line, h.severity]), [[14, 'high']]);
    assert.match(csr(create + approval + signers('  resourceNames: ["kubernetes.io/*", "example.org/x"]\n'))[0]!.message, /approve them for kubernetes\.io\/\*: it can issue itself a client certificate/);
    assert.equal(csr(create + approval + signers('  resourceNames: ["kubernetes.io/kubelet-serving"]\n')).length, 0);
    assert.equal(csr(approval + signers('')).length, 0);
    assert.equal(csr(create + signers('')).length, 0);
    // create limited by resourceNames grants no create at all.
    assert.equal(csr(create.replace('  verbs', '  resourceNames: ["x"]\n  verbs') + approval + signers('')).length, 0);
  });
});

describe('k8s-rbac-secrets-access message', () => {
  it('names only the verbs that read Secrets', () => {
    const found = hits('iac/k8s-rbac-secrets-access', roleOf('Role', '- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "create", "update", "list"]\n'));
    assert.deepEqual(found.map((h) => h.message), ['Role/runner can read Secrets (get, list).']);
  });
});

describe('k8s-rbac-wildcard message', () => {
  it('names the non-resource URLs of a rule that has no resources', () => {
    const found = hits('iac/k8s-rbac-wildcard', roleOf('ClusterRole', '- nonResourceURLs: ["*"]\n  verbs: ["*"]\n'));
    assert.deepEqual(found.map((h) => h.message), ['ClusterRole/runner grants "*" in verbs on the non-resource URLs *.']);
  });
});

describe('RBAC wildcards limited to minor subresources', () => {
  it('"*" API groups on */scale only (an autoscaler) is medium; beside another resource it stays high', () => {
    const severities = (rules: string) => hits('iac/k8s-rbac-wildcard', roleOf('ClusterRole', rules)).map((h) => h.severity ?? 'high');
    assert.deepEqual(severities('- apiGroups: ["*"]\n  resources: ["*/scale"]\n  verbs: ["get", "update", "patch"]\n'), ['medium']);
    assert.deepEqual(severities('- apiGroups: ["*"]\n  resources: ["*/scale"]\n  verbs: ["*"]\n'), ['medium']);
    assert.deepEqual(severities('- apiGroups: ["*"]\n  resources: ["*/scale", "secrets"]\n  verbs: ["get"]\n'), ['high']);
    assert.deepEqual(severities('- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["get"]\n'), ['high']);
  });
  it('"*" API groups on */finalizers only (set blockOwnerDeletion under OwnerReferencesPermissionEnforcement) is medium; */status stays high', () => {
    const severities = (rules: string) => hits('iac/k8s-rbac-wildcard', roleOf('ClusterRole', rules)).map((h) => h.severity ?? 'high');
    assert.deepEqual(severities('- apiGroups: ["*"]\n  resources: ["*/finalizers"]\n  verbs: ["update"]\n'), ['medium']);
    assert.deepEqual(severities('- apiGroups: ["*"]\n  resources: ["*/status"]\n  verbs: ["update"]\n'), ['high']);
  });
});

describe('the permissions of an OLM ClusterServiceVersion', () => {
  const csv = [
    'apiVersion: operators.coreos.com/v1alpha1',
    'kind: ClusterServiceVersion',
    'metadata:',
    '  name: widget-operator.v1.2.0',
    'spec:',
    '  install:',
    '    strategy: deployment',
    '    spec:',
    '      clusterPermissions:',
    '      - serviceAccountName: widget-operator',
    '        rules:',
    '        - apiGroups: [""]',
    '          resources: ["secrets"]',
    '          verbs: ["get", "list", "watch"]',
    '        - apiGroups: ["apps"]',
    '          resources: ["deployments"]',
    '          verbs: ["create", "update"]',
    '      permissions:',
    '      - serviceAccountName: widget-operator',
    '        rules:',
    '        - apiGroups: [""]',
    '          resources: ["pods"]',
    '          verbs: ["create"]',
    '',
  ].join('\n');

  it('are judged as the ClusterRole and Role OLM creates and binds to the service account', () => {
    const secrets = hits('iac/k8s-rbac-secrets-access', csv);
    assert.deepEqual(secrets.map((h) => [h.line, h.severity]), [[14, 'high']]);
    assert.match(secrets[0]!.message, /^ClusterServiceVersion\/widget-operator\.v1\.2\.0 clusterPermissions of service account widget-operator can read Secrets \(get, list, watch\) of every namespace, and service account \(namespace of the operator\)\/widget-operator is bound to it\.$/);
    // Cluster-wide for clusterPermissions, in the operator's namespace for permissions.
    assert.deepEqual(hits('iac/k8s-rbac-workload-create', csv).map((h) => [h.line, h.severity]), [[17, 'medium'], [23, 'low']]);
  });
});

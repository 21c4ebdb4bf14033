import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';

function found(manifest: string, rules: string[]): string[] {
  const result = analyseFile('chart.yaml', manifest, () => {}, 'kubernetes');
  return result.findings.filter((f) => rules.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.severity} ${f.location.startLine}`);
}

const role = (rules: string, kind = 'Role') => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: exporter\n  namespace: web\nrules:\n${rules}`;
const toDefault = (kind = 'Role') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: exporter\n  namespace: web\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${kind}\n  name: exporter\nsubjects:\n- kind: ServiceAccount\n  name: default\n`;

test('default-service-account-binding: low when the bound role of the input only reads named kinds other than Secrets; medium otherwise', () => {
  const RULE = 'iac/k8s-default-service-account-binding';
  // A chart that creates no account of its own binds its endpoints reader to default.
  assert.deepEqual(found(`${role('- apiGroups: [""]\n  resources: ["endpoints", "services"]\n  verbs: ["get", "list", "watch"]\n')}---\n${toDefault()}`, [RULE]), [`${RULE} low 22`]);
  const message = analyseFile('chart.yaml', `${role('- apiGroups: [""]\n  resources: ["endpoints"]\n  verbs: ["get"]\n')}---\n${toDefault()}`, () => {}, 'kubernetes').findings.find((f) => f.ruleId === RULE)?.message;
  assert.equal(message, 'RoleBinding/exporter grants its role to the default service account; Role/exporter only reads endpoints, which every pod of the namespace without a service account of its own can then read too.');
  // Secrets, a wildcard, a write, a subresource (nodes/proxy is exec with get), or a role written elsewhere: medium.
  for (const rules of [
    '- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get"]\n',
    '- apiGroups: [""]\n  resources: ["*"]\n  verbs: ["get"]\n',
    '- apiGroups: [""]\n  resources: ["endpoints"]\n  verbs: ["get", "update"]\n',
    '- apiGroups: [""]\n  resources: ["nodes/proxy"]\n  verbs: ["get"]\n',
    '- apiGroups: ["policy"]\n  resources: ["podsecuritypolicies"]\n  verbs: ["use"]\n',
  ])
    assert.deepEqual(found(`${role(rules)}---\n${toDefault()}`, [RULE]), [`${RULE} medium 22`], rules);
  assert.deepEqual(found(toDefault(), [RULE]), [`${RULE} medium 12`]);
  // A ClusterRole of the same name is not the Role the binding refers to.
  assert.deepEqual(found(`${role('- apiGroups: [""]\n  resources: ["endpoints"]\n  verbs: ["get"]\n', 'ClusterRole')}---\n${toDefault()}`, [RULE]), [`${RULE} medium 22`]);
});

test('host namespaces: a pod of Windows HostProcess containers is reported once, as privileged, not again for the hostNetwork the API requires or hostPID', () => {
  const RULES = ['iac/k8s-privileged-container', 'iac/k8s-host-network', 'iac/k8s-host-pid'];
  const daemonSet = (security: string) =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: windows-exporter\n  namespace: monitoring\nspec:\n  template:\n    spec:\n${security}      hostNetwork: true\n      hostPID: true\n      nodeSelector:\n        kubernetes.io/os: windows\n      containers:\n      - name: exporter\n        image: registry.example.org/windows-exporter:1.0.0\n`;
  assert.deepEqual(found(daemonSet('      securityContext:\n        windowsOptions:\n          hostProcess: true\n          runAsUserName: "NT AUTHORITY\\\\system"\n'), RULES), ['iac/k8s-privileged-container critical 11']);
  // Without HostProcess the pod shares the node's namespaces as any other would.
  assert.deepEqual(found(daemonSet(''), RULES), ['iac/k8s-host-network high 9', 'iac/k8s-host-pid high 10']);
});

test('run-as-root: runAsUser 0 is high, medium when the container drops ALL capabilities, adds none and blocks escalation', () => {
  const RULE = 'iac/k8s-run-as-root';
  const daemonSet = (container: string) =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: shipper\n  namespace: logs\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsUser: 0\n      containers:\n      - name: shipper\n        image: registry.example.org/shipper:2.0.0\n        securityContext:\n${container}`;
  const disarmed = '          readOnlyRootFilesystem: true\n          capabilities:\n            drop: ["ALL"]\n          allowPrivilegeEscalation: false\n';
  assert.deepEqual(found(daemonSet(disarmed), [RULE]), [`${RULE} medium 10`]);
  const message = analyseFile('chart.yaml', daemonSet(disarmed), () => {}, 'kubernetes').findings.find((f) => f.ruleId === RULE)?.message;
  assert.equal(message, 'DaemonSet/shipper container shipper runs as root (runAsUser: 0), though with every capability dropped and privilege escalation off.');
  // A capability added back, escalation left on, or privileged: high.
  for (const container of [
    '          capabilities:\n            drop: ["ALL"]\n            add: ["DAC_READ_SEARCH"]\n          allowPrivilegeEscalation: false\n',
    '          capabilities:\n            drop: ["ALL"]\n',
    '          capabilities:\n            drop: ["ALL"]\n          allowPrivilegeEscalation: false\n          privileged: true\n',
  ])
    assert.deepEqual(found(daemonSet(container), [RULE]), [`${RULE} high 10`], container);
});

test('run-as-root beside privileged: two findings on their own lines, since privileged does not set the user and each fix leaves the other problem', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\n  namespace: node\nspec:\n  containers:\n  - name: agent\n    image: registry.example.org/agent:1.0.0\n    securityContext:\n      privileged: true\n      runAsUser: 0\n';
  assert.deepEqual(found(pod, ['iac/k8s-privileged-container', 'iac/k8s-run-as-root']), ['iac/k8s-privileged-container critical 11', 'iac/k8s-run-as-root high 12']);
});

test('host-port: a hostPort in a hostNetwork pod is the host network finding again, unless its port is a sensitive service', () => {
  const RULES = ['iac/k8s-host-port', 'iac/k8s-host-network'];
  const daemonSet = (port: number, network = '      hostNetwork: true\n') =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: exporter\n  namespace: monitoring\nspec:\n  template:\n    spec:\n${network}      containers:\n      - name: exporter\n        image: registry.example.org/exporter:1.0.0\n        ports:\n        - containerPort: ${port}\n          hostPort: ${port}\n`;
  assert.deepEqual(found(daemonSet(9558), RULES), ['iac/k8s-host-network high 9']);
  assert.deepEqual(found(daemonSet(9558, ''), RULES), ['iac/k8s-host-port medium 14']);
  // Redis on the node's addresses keeps its own (high) finding.
  assert.deepEqual(found(daemonSet(6379), RULES).sort(), ['iac/k8s-host-network high 9', 'iac/k8s-host-port high 15']);
});

test('capabilities and seccomp: a privileged container is left to iac/k8s-privileged-container; its unprivileged sidecar is still reported', () => {
  const RULES = ['iac/k8s-capabilities-not-dropped', 'iac/k8s-seccomp-missing', 'iac/k8s-privileged-container'];
  const sidecar = '      - name: reloader\n        image: registry.example.org/reloader:1.0.0\n';
  const daemonSet = (more = '') =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: smart\n  namespace: monitoring\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        image: registry.example.org/smart:1.0.0\n        securityContext:\n          privileged: true\n${more}`;
  assert.deepEqual(found(daemonSet(), RULES), ['iac/k8s-privileged-container critical 13']);
  const withSidecar = analyseFile('chart.yaml', daemonSet(sidecar), () => {}, 'kubernetes').findings.filter((f) => RULES.includes(f.ruleId));
  assert.deepEqual(
    withSidecar.map((f) => `${f.ruleId} ${f.location.startLine} ${f.message}`),
    [
      'iac/k8s-privileged-container 13 DaemonSet/smart container main runs privileged: it has full access to the node.',
      'iac/k8s-capabilities-not-dropped 14 DaemonSet/smart container reloader does not drop ALL capabilities.',
      'iac/k8s-seccomp-missing 8 DaemonSet/smart sets no seccomp profile for reloader.',
    ],
  );
});

test('token automount: an account whose pods here all turn it on themselves is reported once, on the pods; an account without pods here keeps its finding', () => {
  const RULE = 'iac/k8s-service-account-token-automount';
  const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: gateway\n  namespace: monitoring\nautomountServiceAccountToken: true\n';
  const workload = (spec: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: gateway\n  namespace: monitoring\nspec:\n  template:\n    spec:\n      serviceAccountName: gateway\n${spec}      containers:\n      - name: gateway\n        image: registry.example.org/gateway:1.0.0\n`;
  const messages = (manifest: string) => analyseFile('chart.yaml', manifest, () => {}, 'kubernetes').findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.startLine} ${f.message}`);
  // The chart writes its one automount value into the account and the pod.
  assert.deepEqual(messages(`${account}---\n${workload('      automountServiceAccountToken: true\n')}`), [
    '17 Deployment/gateway mounts a service account token; set automountServiceAccountToken: false unless it calls the API.',
  ]);
  // No pod of it here (an operator makes them), or a pod that inherits it: the account's finding.
  assert.deepEqual(messages(account), ['6 ServiceAccount gateway turns token automount on for every pod that uses it.']);
  assert.deepEqual(messages(`${account}---\n${workload('')}`), ['6 ServiceAccount gateway turns token automount on for every pod that uses it (here: Deployment/gateway).']);
  // The pod turns it off: the account still turns it on for any other pod of it.
  assert.deepEqual(messages(`${account}---\n${workload('      automountServiceAccountToken: false\n')}`), ['6 ServiceAccount gateway turns token automount on for every pod that uses it.']);
});

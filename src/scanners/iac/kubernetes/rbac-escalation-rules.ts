/**
 * RBAC grants that the Kubernetes documentation ("Role Based Access Control Good
 * Practices", Kubernetes RBAC - privilege escalation risks) lists as ways to more
 * privilege than the grant names, beside those of rules.ts (wildcards, Secrets, bind and
 * escalate, impersonate, exec/attach, port-forward): creating workloads, PersistentVolumes,
 * the kubelet API through nodes/proxy, service account tokens, approved client
 * certificates, admission webhooks, and a namespace's labels.
 *
 * Every rule weighs the grant by where it applies (scopeOf): a ClusterRole bound
 * cluster-wide (or by nothing in the file) reaches every namespace, a Role or a
 * ClusterRole bound only by RoleBindings its namespace. Grants on cluster-scoped
 * resources (nodes, PersistentVolumes, CertificateSigningRequests, webhook
 * configurations) mean nothing in a Role or through a RoleBinding. Kubernetes's own roles
 * (system:*, and the bootstrap admin/edit/view) grant what they are made for and are not
 * reported; a ClusterRole aggregated into admin or edit neither, for what those grant in
 * a namespace (workloads, tokens).
 */
import { oneSeverityLower, type Severity } from '../../../core/finding.js';
import { rule, type Hit, type IacRule } from '../rule.js';
import { get, text } from '../yaml/tree.js';
import { objectLabel, type KubeInput, type KubeObject } from './model.js';
import { aggregatedIntoAdminOrEdit, exampleRole as role, isBuiltIn, rbacRules, renamed, scopeOf, strings, wordList, type RbacRule, type RoleScope } from './rbac.js';

type KubeRule = IacRule<KubeInput>;

const kubeRule = (definition: Omit<KubeRule, 'platform' | 'tags'>): KubeRule => rule({ ...definition, platform: 'kubernetes' });

/** A RoleBinding (or ClusterRoleBinding) of service account shop/worker to the example role `reader`. */
function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', roleKind: 'Role' | 'ClusterRole'): string {
  return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: reader\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: reader\nsubjects:\n- kind: ServiceAccount\n  name: worker\n  namespace: shop\n`;
}



function narrowedByName(r: RbacRule): boolean {
  return strings(get(r.node, 'resourceNames')).length > 0;
}

/** What every rule of this file leaves out or weighs down, said in each description. */
const SHARED_NOTE =
  ' A rule that reaches the resource only through resources: ["*"] is left to iac/k8s-rbac-wildcard, which reports it; the RBAC of a Helm hook deleted once the hook succeeds (helm.sh/hook-delete-policy: hook-succeeded), which lasts while the hook runs, is reported one severity lower. A ClusterRole picked by the clusterRoleSelectors of an aggregating ClusterRole of the same file, or of another manifest of its directory or of a directory above it (applied with it), is bound by the bindings of that role too.';

interface Wanted {
  group: string;
  resource: string;
}

interface Grant {
  /** The wanted resources the rule names (or reaches through "*"), as the API names them. */
  resources: string[];
  /** The wanted verbs it grants ("*" when only through it). */
  verbs: string[];
}

/**
 * What an RBAC rule grants of `verbs` on `wanted`: resources match by name or "*\/sub" for
 * a subresource, verbs by name or "*", API groups by name or "*" (a rule without apiGroups
 * is read as the core group). A rule that reaches them only through resources: ["*"]
 * grants everything, and iac/k8s-rbac-wildcard reports it (high): naming each path it
 * contains would only repeat that finding.
 */
function granted(r: RbacRule, wanted: readonly Wanted[], verbs: readonly string[]): Grant | undefined {
  const groupMatches = (group: string) => (r.apiGroups.length === 0 ? group === '' : r.apiGroups.includes(group) || r.apiGroups.includes('*'));
  const sub = (resource: string) => (resource.includes('/') ? `*/${resource.slice(resource.indexOf('/') + 1)}` : undefined);
  const matched = wanted.filter((w) => groupMatches(w.group) && (r.resources.includes(w.resource) || r.resources.includes(sub(w.resource) ?? '\0')));
  const resources = [...new Set(matched.map((w) => w.resource))];
  const named = verbs.filter((v) => r.verbs.includes(v));
  const grantedVerbs = named.length > 0 ? named : r.verbs.includes('*') ? ['*'] : [];
  if (resources.length === 0 || grantedVerbs.length === 0) return undefined;
  return { resources, verbs: grantedVerbs };
}

/**
 * A hit of `severity` on a grant of `role`. A Helm hook object deleted once its hook
 * succeeds (helm.sh/hook-delete-policy: hook-succeeded, e.g. the RBAC of a job that patches
 * a webhook's CA bundle at install) grants only while the hook runs: one step lower.
 */
function weighed(role: KubeObject, severity: Severity, hit: Omit<Hit, 'severity' | 'resource'>): Hit {
  if (!isTransientHook(role)) return { ...hit, resource: objectLabel(role), severity };
  return { ...hit, message: hit.message.replace(/\.$/, TRANSIENT_NOTE), resource: objectLabel(role), severity: oneSeverityLower(severity) };
}

/** What a finding on a transient Helm hook object says (isTransientHook). */
export const TRANSIENT_NOTE = ' (a Helm hook object, deleted once its hook succeeds).';

/** A Helm hook object deleted once its hook succeeds (helm.sh/hook-delete-policy: hook-succeeded): it exists while the hook runs. */
export function isTransientHook(object: KubeObject): boolean {
  const annotations = get(object.root, 'metadata', 'annotations');
  return text(get(annotations, 'helm.sh/hook')) !== undefined && /(?:^|,)\s*hook-succeeded\s*(?:,|$)/.test(text(get(annotations, 'helm.sh/hook-delete-policy')) ?? '');
}


function verbList(verbs: readonly string[]): string {
  return verbs.includes('*') ? 'do anything ("*") with' : wordList(verbs);
}

// ---- Workloads ----

const WORKLOADS: readonly Wanted[] = [
  { group: '', resource: 'pods' },
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'daemonsets' },
  { group: 'apps', resource: 'statefulsets' },
  { group: 'apps', resource: 'replicasets' },
  { group: 'extensions', resource: 'deployments' },
  { group: 'extensions', resource: 'daemonsets' },
  { group: 'extensions', resource: 'replicasets' },
  { group: 'batch', resource: 'jobs' },
  { group: 'batch', resource: 'cronjobs' },
  { group: '', resource: 'replicationcontrollers' },
];

const workloadCreate = kubeRule({
  id: 'iac/k8s-rbac-workload-create',
  title: 'RBAC role can create or change workloads',
  description:
    "A Role or ClusterRole can create, update or patch pods or the workloads that make them (Deployments, DaemonSets, StatefulSets, ReplicaSets, Jobs, CronJobs, ReplicationControllers). A pod can run as any service account of its namespace and mount any of its Secrets, ConfigMaps and volumes, so the grant gives every service account's API access and every Secret of the namespace (of every namespace for a ClusterRole bound cluster-wide), and the node itself where Pod Security admission lets privileged or hostPath pods in. Controllers and operators need it for the workloads they manage (a CI runner starting job pods, an operator creating the StatefulSets of its custom resources); the finding names the path so that the grant can be narrowed, and is medium for a ClusterRole bound cluster-wide (or not bound in the file) and low for a Role or a ClusterRole bound only by RoleBindings. Kubernetes's own roles (system:*, admin, edit) and ClusterRoles aggregated into admin or edit, which grant this in the namespaces they are bound in, are not reported; a rule limited by resourceNames (which cannot create) is not either, nor update and patch of Jobs alone, whose pod template the API server keeps as created (cluster-autoscaler's patch of jobs)." + SHARED_NOTE,
  remediation:
    'Grant workload creation with a Role (or a RoleBinding to the ClusterRole) in the namespaces the controller manages rather than cluster-wide, list only the kinds and verbs it uses, limit update and patch to its own objects with resourceNames, and enforce the baseline or restricted Pod Security Standard in those namespaces.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  resources: ["pods"]\n  # expect\n  verbs: ["get", "list", "create"]\n'),
      role('- apiGroups: ["apps"]\n  resources: ["deployments", "statefulsets"]\n  # expect\n  verbs: ["patch"]\n- apiGroups: ["batch"]\n  resources: ["jobs"]\n  # expect\n  verbs: ["*"]\n', 'ClusterRole'),
      // A CronJob's job template can be changed, and the Jobs it makes next run it.
      role('- apiGroups: ["batch"]\n  resources: ["jobs", "cronjobs"]\n  # expect\n  verbs: ["update", "patch"]\n', 'ClusterRole'),
      // Aggregated into view, which is read-only: reported.
      renamed(role('- apiGroups: [""]\n  resources: ["pods"]\n  # expect\n  verbs: ["create"]\n', 'ClusterRole'), 'widget-view', '    rbac.authorization.k8s.io/aggregate-to-view: "true"\n'),
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["pods", "pods/log"]\n  verbs: ["get", "list", "watch", "delete"]\n'),
      role('- apiGroups: ["apps"]\n  resources: ["deployments/scale"]\n  verbs: ["patch"]\n'),
      // A Job's pod template is immutable: patch reaches its parallelism and suspend flag (cluster-autoscaler's role).
      role('- apiGroups: ["batch", "extensions"]\n  resources: ["jobs"]\n  verbs: ["get", "list", "watch", "patch"]\n', 'ClusterRole'),
      role('- apiGroups: ["apps"]\n  resources: ["deployments"]\n  resourceNames: ["web"]\n  verbs: ["get", "patch"]\n'),
      // Wildcard resources: iac/k8s-rbac-wildcard reports them.
      role('- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["*"]\n', 'ClusterRole'),
      role('- apiGroups: ["", "apps"]\n  resources: ["*"]\n  verbs: ["get", "patch"]\n', 'ClusterRole'),
      renamed(role('- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["create", "delete"]\n', 'ClusterRole'), 'system:controller:job-controller'),
      renamed(role('- apiGroups: ["apps"]\n  resources: ["deployments"]\n  verbs: ["create", "update"]\n', 'ClusterRole'), 'widget-edit', '    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n'),
    ],
  },
  *check(input) {
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || aggregatedIntoAdminOrEdit(r.object) || narrowedByName(r)) continue;
      const found = granted(r, WORKLOADS, ['create', 'update', 'patch']);
      // A Job's pod template cannot be changed once it is created (the API server rejects it; a suspended Job's
      // scheduling fields aside): update and patch reach its parallelism, suspend flag and labels, no new pod.
      const creates = found !== undefined && (found.verbs.includes('create') || found.verbs.includes('*'));
      const grant = found && !creates ? { ...found, resources: found.resources.filter((res) => res !== 'jobs') } : found;
      if (!grant || grant.resources.length === 0) continue;
      const scope = scopeOf(input, r.object);
      const where = scope.scope === 'cluster' ? 'in every namespace' : 'of its namespace';
      // Update and patch of a running pod change little of it, its image among them.
      const podsChanged = grant.resources.length === 1 && grant.resources[0] === 'pods' && !grant.verbs.includes('create') && !grant.verbs.includes('*');
      const path = podsChanged
        ? `it can change the image of any pod ${where} and so run code as that pod's service account, with the Secrets it mounts`
        : `a pod it makes can run as any service account and mount any Secret ${where}, and run privileged where Pod Security admission allows it`;
      yield weighed(r.object, scope.scope === 'cluster' ? 'medium' : 'low', {
        line: r.line('verbs'),
        message: `${objectLabel(r.object)} can ${verbList(grant.verbs)} ${wordList(grant.resources)}: ${path}${scope.boundNote}.`,
      });
    }
  },
});

// ---- Cluster-scoped grants: only a ClusterRole bound cluster-wide gives them ----

function* clusterGrants(input: KubeInput, wanted: readonly Wanted[], verbs: readonly string[], options: { byName?: 'skip' | 'keep' } = {}): Generator<{ r: RbacRule; grant: Grant; scope: RoleScope }> {
  for (const r of rbacRules(input)) {
    if (r.object.kind !== 'ClusterRole' || isBuiltIn(r.object)) continue;
    if (options.byName !== 'keep' && narrowedByName(r)) continue;
    const grant = granted(r, wanted, verbs);
    if (!grant) continue;
    const scope = scopeOf(input, r.object);
    if (scope.scope === 'cluster') yield { r, grant, scope };
  }
}

const persistentVolumeCreate = kubeRule({
  id: 'iac/k8s-rbac-persistentvolume-create',
  title: 'RBAC role can create PersistentVolumes',
  description:
    "A ClusterRole can create PersistentVolumes. A PersistentVolume may be a hostPath volume: a pod that claims it gets the directory of the node it names, / included, with the node's credentials and the files of every other pod on it. Storage provisioners (CSI external-provisioner, local-path and NFS provisioners) legitimately create volumes; they should be the only holders. Only a ClusterRole bound cluster-wide (or not bound in the file) grants it: PersistentVolumes are not namespaced." + SHARED_NOTE,
  remediation:
    'Leave PersistentVolume creation to the cluster administrators and storage provisioners; give users and applications PersistentVolumeClaims of a StorageClass, and forbid hostPath volumes with the baseline Pod Security Standard or an admission policy.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [role('- apiGroups: [""]\n  resources: ["persistentvolumes"]\n  # expect\n  verbs: ["get", "list", "create", "delete"]\n', 'ClusterRole')],
    negative: [
      role('- apiGroups: [""]\n  resources: ["persistentvolumes"]\n  verbs: ["get", "list", "watch", "update"]\n', 'ClusterRole'),
      role('- apiGroups: [""]\n  resources: ["persistentvolumeclaims"]\n  verbs: ["create"]\n', 'ClusterRole'),
      // A Role cannot grant a cluster-scoped resource.
      role('- apiGroups: [""]\n  resources: ["persistentvolumes"]\n  verbs: ["create"]\n'),
      `${role('- apiGroups: [""]\n  resources: ["persistentvolumes"]\n  verbs: ["create"]\n', 'ClusterRole')}---\n${binding('RoleBinding', 'ClusterRole')}`,
      renamed(role('- apiGroups: [""]\n  resources: ["persistentvolumes"]\n  verbs: ["create"]\n', 'ClusterRole'), 'system:controller:persistent-volume-binder'),
    ],
  },
  *check(input) {
    for (const { r, grant, scope } of clusterGrants(input, [{ group: '', resource: 'persistentvolumes' }], ['create']))
      yield weighed(r.object, 'medium', {
        line: r.line('verbs'),
        message: `${objectLabel(r.object)} can ${verbList(grant.verbs)} PersistentVolumes: a hostPath volume gives a pod that claims it the node's file system${scope.boundNote}.`,
      });
  },
});

const nodesProxy = kubeRule({
  id: 'iac/k8s-rbac-nodes-proxy',
  title: 'RBAC role can reach the kubelet API through nodes/proxy',
  description:
    "A ClusterRole grants the proxy subresource of nodes, which forwards requests to the kubelet API of every node: that API runs commands in every pod of the node (exec, attach, run) without the API server's audit logging or admission control seeing them. create allows it directly; get, which metrics scrapers ask for, allows it too through a WebSocket upgrade (a GET request), and is reported at medium severity. Only a ClusterRole bound cluster-wide (or not bound in the file) grants it: nodes are not namespaced." + SHARED_NOTE,
  remediation:
    'Scrape kubelet metrics with nodes/metrics and nodes/stats (and nodes/pods, nodes/healthz with the kubelet\'s fine-grained authorization) instead of nodes/proxy, or reach the kubelet directly; keep nodes/proxy for cluster administrators.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  # expect\n  resources: ["nodes", "nodes/proxy"]\n  verbs: ["get", "create"]\n', 'ClusterRole'),
      role('- apiGroups: [""]\n  # expect\n  resources:\n  - nodes\n  - nodes/metrics\n  - nodes/proxy\n  verbs: ["get", "list", "watch"]\n', 'ClusterRole'),
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["nodes", "nodes/metrics", "nodes/stats"]\n  verbs: ["get", "list", "watch"]\n', 'ClusterRole'),
      role('- apiGroups: [""]\n  resources: ["nodes/proxy"]\n  verbs: ["get"]\n'),
      renamed(role('- apiGroups: [""]\n  resources: ["nodes/proxy"]\n  verbs: ["*"]\n', 'ClusterRole'), 'system:kubelet-api-admin'),
    ],
  },
  *check(input) {
    for (const { r, grant, scope } of clusterGrants(input, [{ group: '', resource: 'nodes/proxy' }], ['create', 'get'], { byName: 'keep' })) {
      const getOnly = !grant.verbs.includes('create') && !grant.verbs.includes('*');
      yield weighed(r.object, getOnly ? 'medium' : 'high', {
        line: r.line('resources'),
        message: `${objectLabel(r.object)} grants nodes/proxy (${grant.verbs.join(', ')}): commands in every pod of a node through the kubelet API${getOnly ? ' (with get, through a WebSocket upgrade)' : ''}, unseen by audit logging and admission control${scope.boundNote}.`,
      });
    }
  },
});

const tokenRequest = kubeRule({
  id: 'iac/k8s-rbac-token-request',
  title: 'RBAC role can create service account tokens',
  description:
    "A Role or ClusterRole can create serviceaccounts/token, i.e. issue TokenRequests: API tokens for any service account of the namespace (of every namespace for a ClusterRole bound cluster-wide, kube-system's controllers among them), and so get their permissions. High for a ClusterRole bound cluster-wide (or not bound in the file), medium for a Role or a ClusterRole bound only by RoleBindings. Components that hand out tokens of their own service account (a secret store's Kubernetes authentication, a CSI driver) need it for that account only: a rule limited with resourceNames is not reported, nor are Kubernetes's own roles (system:*, edit and admin) and ClusterRoles aggregated into admin or edit." + SHARED_NOTE,
  remediation: 'Limit the rule with resourceNames to the service accounts whose tokens the component must issue, in a namespaced Role.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  # expect\n  resources: ["serviceaccounts/token"]\n  verbs: ["create"]\n', 'ClusterRole'),
      `${role('- apiGroups: [""]\n  # expect\n  resources: ["serviceaccounts", "serviceaccounts/token"]\n  verbs: ["get", "create"]\n')}---\n${binding('RoleBinding', 'Role')}`,
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["serviceaccounts/token"]\n  resourceNames: ["vault-auth"]\n  verbs: ["create"]\n'),
      role('- apiGroups: [""]\n  resources: ["serviceaccounts"]\n  verbs: ["get", "create"]\n'),
      renamed(role('- apiGroups: [""]\n  resources: ["serviceaccounts/token"]\n  verbs: ["create"]\n', 'ClusterRole'), 'system:kube-controller-manager'),
    ],
  },
  *check(input) {
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || aggregatedIntoAdminOrEdit(r.object) || narrowedByName(r)) continue;
      const grant = granted(r, [{ group: '', resource: 'serviceaccounts/token' }], ['create']);
      if (!grant) continue;
      const scope = scopeOf(input, r.object);
      yield weighed(r.object, scope.scope === 'cluster' ? 'high' : 'medium', {
        line: r.line('resources'),
        message: `${objectLabel(r.object)} can create tokens for any service account ${scope.scope === 'cluster' ? 'of every namespace' : 'of its namespace'} (serviceaccounts/token), and act with their permissions${scope.boundNote}.`,
      });
    }
  },
});

/** Signers whose certificates authenticate to the API server (the `kubernetes.io/*` resource name covers them all). */
const CLIENT_SIGNERS = new Set(['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/legacy-unknown', 'kubernetes.io/*']);
const CSR_GROUP = 'certificates.k8s.io';

const csrApproval = kubeRule({
  id: 'iac/k8s-rbac-csr-approval',
  title: 'RBAC role can issue itself client certificates',
  description:
    "A ClusterRole can create CertificateSigningRequests, approve them (update on certificatesigningrequests/approval) and approve for a signer whose certificates authenticate to the API server (approve on signers, for kubernetes.io/kube-apiserver-client or any signer). Its holder can issue itself a client certificate for any user name and group, a Kubernetes component's or system:masters (which bypasses RBAC) among them. Certificate approvers (kubelet serving-certificate approvers, cert-manager's approver) approve requests of a signer of their own and need no create: a role that lacks one of the three grants, or whose signers are limited by resourceNames to other signers, is not reported, nor are Kubernetes's own roles (system:*)." + SHARED_NOTE,
  remediation:
    'Split requesting from approving, and limit approve on signers with resourceNames to the signers the approver handles (not kubernetes.io/kube-apiserver-client); leave client certificates for users to the cluster administrators.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role(
        `- apiGroups: ["${CSR_GROUP}"]\n  resources: ["certificatesigningrequests"]\n  verbs: ["create", "get"]\n- apiGroups: ["${CSR_GROUP}"]\n  resources: ["certificatesigningrequests/approval"]\n  verbs: ["update"]\n- apiGroups: ["${CSR_GROUP}"]\n  resources: ["signers"]\n  resourceNames: ["kubernetes.io/kube-apiserver-client"]\n  # expect\n  verbs: ["approve"]\n`,
        'ClusterRole',
      ),
      role(`- apiGroups: ["${CSR_GROUP}"]\n  resources: ["certificatesigningrequests", "certificatesigningrequests/approval", "signers"]\n  # expect\n  verbs: ["create", "update", "approve"]\n`, 'ClusterRole'),
    ],
    negative: [
      // An approver that does not create requests.
      role(`- apiGroups: ["${CSR_GROUP}"]\n  resources: ["certificatesigningrequests/approval"]\n  verbs: ["update"]\n- apiGroups: ["${CSR_GROUP}"]\n  resources: ["signers"]\n  verbs: ["approve"]\n`, 'ClusterRole'),
      // Approval for a signer of the project only.
      role(
        `- apiGroups: ["${CSR_GROUP}"]\n  resources: ["certificatesigningrequests"]\n  verbs: ["create"]\n- apiGroups: ["${CSR_GROUP}"]\n  resources: ["certificatesigningrequests/approval"]\n  verbs: ["update"]\n- apiGroups: ["${CSR_GROUP}"]\n  resources: ["signers"]\n  resourceNames: ["issuers.example.org/*"]\n  verbs: ["approve"]\n`,
        'ClusterRole',
      ),
      renamed(role(`- apiGroups: ["${CSR_GROUP}"]\n  resources: ["certificatesigningrequests", "certificatesigningrequests/approval", "signers"]\n  verbs: ["create", "update", "approve"]\n`, 'ClusterRole'), 'system:controller:certificate-controller'),
    ],
  },
  *check(input) {
    const byRole = new Map<KubeObject, { create: boolean; approval: boolean; signers: Array<{ r: RbacRule; names: string[] }> }>();
    for (const { r } of clusterGrants(input, [{ group: CSR_GROUP, resource: 'signers' }, { group: CSR_GROUP, resource: 'certificatesigningrequests' }, { group: CSR_GROUP, resource: 'certificatesigningrequests/approval' }], ['create', 'update', 'patch', 'approve'], { byName: 'keep' })) {
      const seen = byRole.get(r.object) ?? { create: false, approval: false, signers: [] };
      byRole.set(r.object, seen);
      const names = strings(get(r.node, 'resourceNames'));
      if (names.length === 0 && granted(r, [{ group: CSR_GROUP, resource: 'certificatesigningrequests' }], ['create'])) seen.create = true;
      if (granted(r, [{ group: CSR_GROUP, resource: 'certificatesigningrequests/approval' }], ['update', 'patch'])) seen.approval = true;
      if (granted(r, [{ group: CSR_GROUP, resource: 'signers' }], ['approve']) && (names.length === 0 || names.some((n) => CLIENT_SIGNERS.has(n)))) seen.signers.push({ r, names });
    }
    for (const [object, seen] of byRole) {
      if (!seen.create || !seen.approval) continue;
      const scope = scopeOf(input, object);
      for (const { r, names } of seen.signers) {
        const signers = names.length === 0 ? 'any signer' : wordList(names.filter((n) => CLIENT_SIGNERS.has(n)));
        yield weighed(object, 'high', {
          line: r.line('verbs'),
          message: `${objectLabel(object)} can create CertificateSigningRequests and approve them for ${signers}: it can issue itself a client certificate for any user or group, system:masters included${scope.boundNote}.`,
        });
      }
    }
  },
});

const admissionWebhooks = kubeRule({
  id: 'iac/k8s-rbac-admission-webhooks',
  title: 'RBAC role can change admission webhooks',
  description:
    "A ClusterRole can create, update or patch MutatingWebhookConfigurations or ValidatingWebhookConfigurations. A webhook receives every object admitted to the cluster that its rules match (Secrets, pods, RBAC objects), and a mutating one can change them (add a container, a hostPath, a service account) or, failing closed, block the cluster: the holder can point a webhook at its own server and match everything. Admission controllers and certificate injectors (cert-manager's cainjector, policy engines, service meshes) update their own configurations; limit them to those with resourceNames, which this rule does not report. Only a ClusterRole bound cluster-wide (or not bound in the file) grants it: webhook configurations are not namespaced." + SHARED_NOTE,
  remediation: 'Limit update and patch with resourceNames to the webhook configurations the controller owns, and create those configurations at install time rather than from the controller.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: ["admissionregistration.k8s.io"]\n  resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]\n  # expect\n  verbs: ["get", "list", "watch", "update", "patch"]\n', 'ClusterRole'),
      `${role('- apiGroups: ["admissionregistration.k8s.io"]\n  resources: ["validatingwebhookconfigurations"]\n  # expect\n  verbs: ["create"]\n', 'ClusterRole')}---\n${binding('ClusterRoleBinding', 'ClusterRole')}`,
    ],
    negative: [
      role('- apiGroups: ["admissionregistration.k8s.io"]\n  resources: ["validatingwebhookconfigurations"]\n  resourceNames: ["shop-webhook"]\n  verbs: ["get", "update", "patch"]\n', 'ClusterRole'),
      role('- apiGroups: ["admissionregistration.k8s.io"]\n  resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]\n  verbs: ["get", "list", "watch"]\n', 'ClusterRole'),
    ],
  },
  *check(input) {
    const wanted = ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'].map((resource) => ({ group: 'admissionregistration.k8s.io', resource }));
    for (const { r, grant, scope } of clusterGrants(input, wanted, ['create', 'update', 'patch'])) {
      const mutating = grant.resources.includes('mutatingwebhookconfigurations');
      yield weighed(r.object, 'medium', {
        line: r.line('verbs'),
        message: `${objectLabel(r.object)} can ${verbList(grant.verbs)} ${wordList(grant.resources)}: a webhook it points anywhere reads${mutating ? ' and changes' : ''} every object admitted to the cluster${scope.boundNote}.`,
      });
    }
  },
});

const namespaceModify = kubeRule({
  id: 'iac/k8s-rbac-namespace-modify',
  title: 'RBAC role can change namespaces',
  description:
    "A Role or ClusterRole can update or patch Namespace objects, and so their labels: the Pod Security admission level (pod-security.kubernetes.io/enforce: privileged lets privileged and hostPath pods in) and the labels NetworkPolicies and policy engines select namespaces by. A Role (or a RoleBinding) grants it on its own namespace, which lets a namespace's users lift the Pod Security level the administrators set for them (low); a ClusterRole bound cluster-wide (or not bound in the file), on every namespace, kube-system included (medium). Namespace managers (multi-tenancy operators, GitOps tools that manage namespaces) need it; Kubernetes's own roles (system:*) are not reported, nor is a rule limited by resourceNames to named namespaces." + SHARED_NOTE,
  remediation:
    'Leave namespace labels to the cluster administrators or their GitOps pipeline; if a controller must label namespaces, limit it with resourceNames to its namespaces, and enforce the Pod Security level with a policy that the namespace\'s users cannot change.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  resources: ["namespaces"]\n  # expect\n  verbs: ["get", "list", "update", "patch"]\n', 'ClusterRole'),
      role('- apiGroups: [""]\n  resources: ["namespaces"]\n  # expect\n  verbs: ["patch"]\n'),
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["namespaces"]\n  verbs: ["get", "list", "watch", "create"]\n', 'ClusterRole'),
      role('- apiGroups: [""]\n  resources: ["namespaces/status"]\n  verbs: ["update"]\n', 'ClusterRole'),
      role('- apiGroups: [""]\n  resources: ["namespaces"]\n  resourceNames: ["shop"]\n  verbs: ["patch"]\n', 'ClusterRole'),
      renamed(role('- apiGroups: [""]\n  resources: ["namespaces"]\n  verbs: ["update"]\n', 'ClusterRole'), 'system:controller:namespace-controller'),
    ],
  },
  *check(input) {
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || narrowedByName(r)) continue;
      const grant = granted(r, [{ group: '', resource: 'namespaces' }], ['update', 'patch']);
      if (!grant) continue;
      const scope = scopeOf(input, r.object);
      yield weighed(r.object, scope.scope === 'cluster' ? 'medium' : 'low', {
        line: r.line('verbs'),
        message: `${objectLabel(r.object)} can ${verbList(grant.verbs)} ${scope.scope === 'cluster' ? 'every namespace' : 'its namespace'}: its labels set the Pod Security admission level and what NetworkPolicies select${scope.boundNote}.`,
      });
    }
  },
});

export const rbacEscalationRules: readonly KubeRule[] = [workloadCreate, persistentVolumeCreate, nodesProxy, tokenRequest, csrApproval, admissionWebhooks, namespaceModify];

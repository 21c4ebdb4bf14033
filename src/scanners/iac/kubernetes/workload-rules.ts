/**
 * Workload rules beyond the basic pod hardening of rules.ts: which UID a container runs
 * with, and leftovers of Helm 2's in-cluster Tiller server.
 */
import { rule, type Hit, type IacRule } from '../rule.js';
import { get, isYMap, isYScalar, pair, text } from '../yaml/tree.js';
import { containerLabel, containerName, effectiveSetting, objectLabel, type Container, type KubeInput, type KubeObject } from './model.js';

type KubeRule = IacRule<KubeInput>;

const kubeRule = (definition: Omit<KubeRule, 'platform' | 'tags'>): KubeRule => rule({ ...definition, platform: 'kubernetes' });

/** A Deployment with one container; `podSecurity` and `container` are inserted as written (indented by 6 and 8). */
function workload(container: string, podSecurity = '', name = 'api'): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: billing\nspec:\n  template:\n    spec:\n${podSecurity}      containers:\n      - name: api\n        image: registry.example.org/billing/api:3.1.0\n${container}`;
}

/** UIDs below this overlap the range host distributions give to system and login users. */
const MIN_UID = 10000;

const lowUid = kubeRule({
  id: 'iac/k8s-low-uid',
  title: 'Container UID not above 10000',
  description:
    'The container runs with a runAsUser below 10000. Low UIDs coincide with accounts on the node (1000 is usually the first login user): after a container escape, or through a hostPath or shared volume, the process acts on files owned by that host account.',
  remediation: 'Set runAsUser to a dedicated UID of 10000 or more (and runAsGroup likewise) in the pod or container securityContext.',
  severity: 'low',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      workload('        securityContext:\n          # expect\n          runAsUser: 1000\n'),
      workload('', '      securityContext:\n        # expect\n        runAsUser: 999\n'),
      workload('        securityContext:\n          # expect\n          runAsUser: 2500\n', '      securityContext:\n        runAsUser: 20000\n'),
      // Two containers inherit the pod's UID: one finding on its line.
      workload('      - name: sidecar\n        image: registry.example.org/billing/proxy:1.0\n', '      securityContext:\n        # expect\n        runAsUser: 1000\n'),
    ],
    negative: [
      workload('        securityContext:\n          runAsUser: 10001\n'),
      workload('', '      securityContext:\n        runAsUser: 65534\n'),
      workload('        securityContext:\n          runAsUser: 15000\n', '      securityContext:\n        runAsUser: 1000\n'),
      // No runAsUser: the image's user applies; iac/k8s-run-as-root reports it unless runAsNonRoot holds.
      workload('        securityContext:\n          runAsNonRoot: true\n'),
    ],
  },
  *check(input) {
    // A pod-level runAsUser is one finding on its line, naming the containers that inherit it.
    const inherited = new Map<number, { uid: number; containers: Container[] }>();
    for (const c of input.containers) {
      const user = effectiveSetting(c, 'runAsUser');
      if (!user) continue;
      const uid = isYScalar(user.node) ? Number(user.node.value) : Number.NaN;
      // UID 0 belongs to iac/k8s-run-as-root; an unreadable value (a template) says nothing.
      if (!Number.isInteger(uid) || uid === 0 || uid >= MIN_UID) continue;
      if (user.level === 'pod') {
        const entry = inherited.get(user.line) ?? { uid, containers: [] };
        entry.containers.push(c);
        inherited.set(user.line, entry);
      } else yield { line: user.line, message: `${containerLabel(c)} runs as UID ${uid} (set in its securityContext), which may match an account on the node.`, resource: containerLabel(c) };
    }
    for (const [line, { uid, containers }] of inherited) {
      const object = objectLabel(containers[0]!.pod.object);
      yield { line, message: `${object} runs ${containers.length === 1 ? `container ${containerName(containers[0]!)}` : `containers ${containers.map(containerName).join(', ')}`} as UID ${uid} (set in the pod securityContext), which may match an account on the node.`, resource: object };
    }
  },
});

const TILLER = /(?:^|[-_./])tiller(?:$|[-_.:/])/i;

function mentionsTiller(value: string | undefined): boolean {
  return value !== undefined && TILLER.test(value);
}

/** Why an object belongs to Tiller: its name, a label value, or a container image. */
/** Labels that name the tool that installed an object. */
const INSTALLER_LABELS = new Set(['heritage', 'app.kubernetes.io/managed-by']);

function tillerObject(object: KubeObject, input: KubeInput): boolean {
  if (mentionsTiller(text(get(object.root, 'metadata', 'name')))) return true;
  const labels = get(object.root, 'metadata', 'labels');
  // Helm 2 labelled every object it installed `heritage: Tiller` (charts following the recommended labels,
  // `app.kubernetes.io/managed-by: Tiller`): that names the installer, not Tiller itself.
  if (isYMap(labels) && labels.pairs.some((p) => !INSTALLER_LABELS.has(p.key) && mentionsTiller(text(p.value)))) return true;
  return input.containers.some((c) => c.pod.object === object && /(?:^|\/)tiller$/i.test(text(get(c.node, 'image'))?.replace(/@.*$/, '').replace(/:[^/]*$/, '') ?? ''));
}

const tiller = kubeRule({
  id: 'iac/k8s-tiller',
  title: 'Helm 2 Tiller deployed',
  description:
    "The manifest deploys or exposes Tiller, the server side of Helm 2. Tiller is unmaintained since 2020, usually runs with cluster-admin rights and by default serves its gRPC API on port 44134 without authentication: any pod that can reach it can install arbitrary workloads and read every release's secrets.",
  remediation: 'Migrate to Helm 3 (no in-cluster server), then delete the Tiller Deployment, Service and service account with its ClusterRoleBinding.',
  severity: 'high',
  cwe: ['CWE-306', 'CWE-1104'],
  examples: {
    positive: [
      'apiVersion: v1\nkind: Service\nmetadata:\n  # expect\n  name: tiller-deploy\n  namespace: kube-system\nspec:\n  selector:\n    app: helm\n    # expect\n    name: tiller\n  ports:\n  - port: 44134\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  # expect\n  name: release-server\n  labels:\n    component: tiller\nspec:\n  template:\n    spec:\n      containers:\n      - name: server\n        image: registry.example.org/helm/tiller:v2.17.0\n',
    ],
    negative: [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: billing\nspec:\n  selector:\n    app: billing\n  ports:\n  - port: 80\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tillerman-farm\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: registry.example.org/farm/distiller:1.0\n',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.org\n  labels:\n    chart: widgets\n    heritage: Tiller\n',
      'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: widgets-webhook\n  labels:\n    app.kubernetes.io/managed-by: Tiller\n    helm.sh/chart: widgets-1.0.0\n',
    ],
  },
  *check(input) {
    for (const object of input.objects) {
      const name = pair(get(object.root, 'metadata'), 'name');
      if (tillerObject(object, input)) {
        yield { line: name?.keyLine ?? object.line, message: `${objectLabel(object)} is part of Helm 2's Tiller server.`, resource: objectLabel(object) } satisfies Hit;
      }
      if (object.kind !== 'Service') continue;
      const selector = get(object.root, 'spec', 'selector');
      if (!isYMap(selector)) continue;
      const entry = selector.pairs.find((p) => mentionsTiller(text(p.value)));
      if (entry) yield { line: entry.keyLine, message: `${objectLabel(object)} routes traffic to Tiller pods (${entry.key}: ${text(entry.value)}).`, resource: objectLabel(object) };
    }
  },
});

export const workloadRules: readonly KubeRule[] = [lowUid, tiller];

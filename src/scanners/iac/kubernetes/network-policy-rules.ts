/**
 * NetworkPolicy rules. secloop reads one file at a time, so these compare the policies
 * and the pods of the same file only (of a Helm chart's whole render: KubeInput.scope), and stay quiet when the file holds no policy for
 * the namespace concerned (the policies may then live in another file), unless a policy
 * of another namespace selects the pod's labels: it was evidently written for that pod,
 * but a NetworkPolicy only applies in its own namespace. An object with no namespace
 * gets one at deploy time, so it is taken to share the namespace of any other.
 *
 * Custom resources (a Prometheus of monitoring.coreos.com...) stand for pods that their
 * operator creates at run time, with labels the file does not show: a policy beside them
 * may select those pods, and a custom resource that carries containers at the top of its
 * spec (overrides merged into the operator's pods) does not show the labels of its pods.
 */
import { rule, type IacRule } from '../rule.js';
import { get, isYMap, isYSeq, items, pair, text, type YNode } from '../yaml/tree.js';
import { objectLabel, scopePhrase, type KubeInput, type KubeObject, type PodSpec } from './model.js';
import { isCustomResource } from './pod-carriers.js';

type KubeRule = IacRule<KubeInput>;

const kubeRule = (definition: Omit<KubeRule, 'platform' | 'tags'>): KubeRule => rule({ ...definition, platform: 'kubernetes' });

interface Policy {
  object: KubeObject;
  /** undefined when the selector uses matchExpressions (not evaluated: assumed to match). */
  matchLabels: Map<string, { value: string; line: number }> | undefined;
  ingress: boolean;
  egress: boolean;
}

function policies(input: KubeInput): Policy[] {
  const out: Policy[] = [];
  for (const object of input.objects) {
    if (object.kind !== 'NetworkPolicy') continue;
    const spec = get(object.root, 'spec');
    const selector = get(spec, 'podSelector');
    let matchLabels: Policy['matchLabels'] = new Map();
    if (get(selector, 'matchExpressions')) matchLabels = undefined;
    else {
      const labels = get(selector, 'matchLabels');
      if (isYMap(labels)) for (const p of labels.pairs) matchLabels.set(p.key, { value: text(p.value) ?? '', line: p.keyLine });
    }
    // policyTypes defaults to Ingress, plus Egress when the policy has egress rules (an empty list counts as unset).
    const types = get(spec, 'policyTypes');
    const listed = isYSeq(types) && types.items.length > 0 ? items(types).map((t) => text(t)) : undefined;
    out.push({
      object,
      matchLabels,
      ingress: listed ? listed.includes('Ingress') : true,
      egress: listed ? listed.includes('Egress') : items(get(spec, 'egress')).length > 0,
    });
  }
  return out;
}

/** A pod spec whose labels the file does not show: containers at the top of a custom resource's spec. */
function labelsUnknown(pod: PodSpec): boolean {
  return isCustomResource(pod.object) && pod.spec === get(pod.object.root, 'spec');
}

interface KeyConstraint {
  exists: boolean;
  absent: boolean;
  /** Values allowed by matchLabels and In (intersected); undefined when any value is. */
  allowed: Set<string> | undefined;
  forbidden: Set<string>;
}

/**
 * The line of the selector term that no set of labels can satisfy together with the
 * terms before it (`app: api` and `app NotIn [api]`, Exists and DoesNotExist on one key,
 * In lists without a common value), or undefined. The API server accepts such selectors.
 */
function impossibleTerm(selector: YNode | null | undefined): number | undefined {
  const keys = new Map<string, KeyConstraint>();
  const constraint = (key: string) => {
    let c = keys.get(key);
    if (!c) keys.set(key, (c = { exists: false, absent: false, allowed: undefined, forbidden: new Set() }));
    return c;
  };
  const unsatisfiable = (c: KeyConstraint) =>
    (c.absent && (c.exists || c.allowed !== undefined)) || (c.allowed !== undefined && [...c.allowed].every((v) => c.forbidden.has(v)));
  const allow = (c: KeyConstraint, values: string[]) => {
    c.allowed = new Set(c.allowed === undefined ? values : values.filter((v) => c.allowed!.has(v)));
  };
  const labels = get(selector, 'matchLabels');
  if (isYMap(labels)) for (const p of labels.pairs) allow(constraint(p.key), [text(p.value) ?? '']);
  for (const term of items(get(selector, 'matchExpressions'))) {
    const key = text(get(term, 'key'));
    const operator = text(get(term, 'operator'));
    const values = items(get(term, 'values')).map((v) => text(v));
    if (key === undefined || values.some((v) => v === undefined)) return undefined;
    const c = constraint(key);
    if (operator === 'Exists') c.exists = true;
    else if (operator === 'DoesNotExist') c.absent = true;
    else if (operator === 'In' && values.length > 0) allow(c, values as string[]);
    else if (operator === 'NotIn') for (const v of values) c.forbidden.add(v!);
    else return undefined;
    if (unsatisfiable(c)) return term.line;
  }
  return undefined;
}

function sameNamespace(a: KubeObject, b: KubeObject): boolean {
  return a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace;
}

function podLabels(pod: PodSpec): Map<string, string> {
  const labels = new Map<string, string>();
  const node = get(pod.metadata, 'labels');
  if (isYMap(node)) for (const p of node.pairs) labels.set(p.key, text(p.value) ?? '');
  return labels;
}

function labelsMatch(policy: Policy, pod: PodSpec): boolean {
  if (!policy.matchLabels) return true;
  const labels = podLabels(pod);
  return [...policy.matchLabels].every(([key, { value }]) => labels.get(key) === value);
}

function selects(policy: Policy, pod: PodSpec): boolean {
  return sameNamespace(policy.object, pod.object) && labelsMatch(policy, pod);
}

/** A policy of another namespace whose explicit matchLabels select the pod: written for it, but applying elsewhere. */
function misplacedPolicy(all: Policy[], pod: PodSpec): Policy | undefined {
  return all.find((p) => p.matchLabels !== undefined && p.matchLabels.size > 0 && !sameNamespace(p.object, pod.object) && labelsMatch(p, pod));
}

function nameLine(object: KubeObject): number {
  return pair(get(object.root, 'metadata'), 'name')?.keyLine ?? object.line;
}

const NETPOL = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: isolate\n  namespace: billing\nspec:\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  # expect\n  name: api\n  namespace: billing\n  labels:\n    app: api\nspec:\n  containers:\n  - name: api\n    image: registry.example.org/billing/api:3.1.0\n';
/** A custom resource whose operator creates the pods (labelled app.kubernetes.io/name: prometheus); its spec.containers only patch them. */
const PROMETHEUS =
  'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: main\n  namespace: monitoring\n  labels:\n    app: kube-prometheus\nspec:\n  replicas: 2\n  containers:\n  - name: config-reloader\n    resources:\n      limits:\n        memory: 64Mi\n';
const quiet = (manifest: string) => manifest.replace('  # expect\n', '');

const policyWithoutPods = kubeRule({
  id: 'iac/k8s-network-policy-selects-nothing',
  title: 'NetworkPolicy selects none of the pods beside it',
  description:
    'A NetworkPolicy selects pods by labels that none of the workloads defined in the same file carry, or by terms that no pod can satisfy together (app: api and app NotIn [api]). A mistyped or stale label silently leaves the pods it was written for without network isolation. Beside a custom resource (a Prometheus, a Kafka cluster...) the unmatched labels may be those of the pods its operator creates, and only contradictory selectors are reported. In a Helm chart, the workloads of all its rendered templates are compared, not those of one template.',
  remediation: "Make the policy's podSelector match the labels of the pod template it is meant to protect.",
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      `${quiet(POD)}---\n${NETPOL}  podSelector:\n    matchLabels:\n      # expect\n      app: apii\n  policyTypes: [Ingress, Egress]\n`,
      `${NETPOL}  podSelector:\n    matchLabels:\n      app: api\n    matchExpressions:\n    # expect\n    - key: app\n      operator: NotIn\n      values: [api, web]\n`,
    ],
    negative: [
      `${PROMETHEUS}---\n${NETPOL.replace('billing', 'monitoring')}  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: prometheus\n  policyTypes: [Ingress]\n`,
      `${NETPOL}  podSelector:\n    matchLabels:\n      app: api\n    matchExpressions:\n    - key: tier\n      operator: DoesNotExist\n    - key: app\n      operator: In\n      values: [api, web]\n`,
      `${quiet(POD)}---\n${NETPOL}  podSelector:\n    matchLabels:\n      app: api\n  policyTypes: [Ingress, Egress]\n`,
      `${NETPOL}  podSelector:\n    matchLabels:\n      app: elsewhere\n`,
      `${quiet(POD)}---\n${NETPOL.replace('billing', 'shop')}  podSelector:\n    matchLabels:\n      app: other\n`,
    ],
  },
  *check(input) {
    for (const policy of policies(input)) {
      const impossible = impossibleTerm(get(policy.object.root, 'spec', 'podSelector'));
      if (impossible !== undefined) {
        yield { line: impossible, message: `${objectLabel(policy.object)} has a podSelector whose terms contradict each other: it selects no pod at all.`, resource: objectLabel(policy.object) };
        continue;
      }
      if (!policy.matchLabels || policy.matchLabels.size === 0) continue;
      const labels = [...policy.matchLabels];
      // The pods an operator creates from a custom resource of the namespace are not in the file.
      if (input.objects.some((o) => isCustomResource(o) && sameNamespace(policy.object, o))) continue;
      const candidates = input.pods.filter((p) => sameNamespace(policy.object, p.object));
      if (candidates.length === 0 || candidates.some((p) => selects(policy, p))) continue;
      const unmatched = labels.find(([key, { value }]) => !candidates.some((p) => podLabels(p).get(key) === value)) ?? labels[0]!;
      yield {
        line: unmatched[1].line,
        message: `${objectLabel(policy.object)} selects ${unmatched[0]}=${unmatched[1].value}, which no workload ${scopePhrase(input)} carries.`,
        resource: objectLabel(policy.object),
      };
    }
  },
});

const podNotIsolated = kubeRule({
  id: 'iac/k8s-pod-not-isolated',
  title: 'Pod not isolated by the NetworkPolicies beside it',
  description:
    "The file defines NetworkPolicies for a pod's namespace, but none of them isolates that pod's ingress or egress (a policy only isolates the directions in its policyTypes), or the only policy that selects the pod's labels is in another namespace (a NetworkPolicy applies to pods of its own namespace only). Traffic in that direction is allowed from and to anywhere, so a compromised pod can reach it or it can reach the internet and every other service. A pod whose ingress a policy isolates and whose egress none does is reported low: isolating ingress alone is the usual hardening (a chart's per-component policies), and the egress a workload needs is often the installer's to know. In a Helm chart, the NetworkPolicies of all its rendered templates are compared, not those of one template.",
  remediation: 'Add a NetworkPolicy that selects the pod (a default-deny with podSelector: {} and policyTypes [Ingress, Egress] is a good base), then allow the flows it needs.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      `${POD}---\n${NETPOL}  podSelector: {}\n  policyTypes: [Ingress]\n`,
      `${POD}---\n${NETPOL}  podSelector:\n    matchLabels:\n      app: web\n  policyTypes: [Ingress, Egress]\n`,
      `${POD}---\n${NETPOL.replace('billing', 'billing-staging')}  podSelector:\n    matchLabels:\n      app: api\n  policyTypes: [Ingress, Egress]\n`,
    ],
    negative: [
      `${quiet(POD)}---\n${NETPOL}  podSelector: {}\n  policyTypes: [Ingress, Egress]\n`,
      `${quiet(POD)}---\n${NETPOL}  podSelector:\n    matchLabels:\n      app: api\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.20.0.0/16\n`,
      quiet(POD),
      `${quiet(POD)}---\n${NETPOL.replace('billing', 'shop')}  podSelector: {}\n`,
      `${quiet(POD)}---\n${NETPOL.replace('billing', 'shop')}  podSelector:\n    matchLabels:\n      app: web\n`,
      `${PROMETHEUS}---\n${NETPOL.replace('billing', 'monitoring')}  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: prometheus\n  policyTypes: [Ingress, Egress]\n`,
    ],
  },
  *check(input) {
    const all = policies(input);
    for (const pod of input.pods) {
      if (pod.object.kind === 'PodTemplate' || labelsUnknown(pod)) continue;
      const relevant = all.filter((p) => sameNamespace(p.object, pod.object));
      if (relevant.length === 0) {
        const misplaced = misplacedPolicy(all, pod);
        if (misplaced)
          yield {
            line: nameLine(pod.object),
            message: `${objectLabel(misplaced.object)} selects the labels of ${objectLabel(pod.object)} but is in namespace ${misplaced.object.namespace}, not ${pod.object.namespace}; it does not apply there, and no NetworkPolicy ${scopePhrase(input)} isolates the pod.`,
            resource: objectLabel(pod.object),
          };
        continue;
      }
      const applying = relevant.filter((p) => selects(p, pod));
      const missing = [applying.some((p) => p.ingress) ? '' : 'ingress', applying.some((p) => p.egress) ? '' : 'egress'].filter(Boolean);
      if (missing.length === 0) continue;
      // Ingress isolated, egress open: the common hardening (a chart's per-component ingress policies), whose
      // egress targets (git hosts, clusters, cloud APIs) are the installer's; left open, it is low, not medium.
      const egressOnly = missing.length === 1 && missing[0] === 'egress';
      yield {
        line: nameLine(pod.object),
        message: egressOnly
          ? `No NetworkPolicy ${scopePhrase(input)} isolates the egress of ${objectLabel(pod.object)} (its ingress is isolated): it can reach any address.`
          : `No NetworkPolicy ${scopePhrase(input)} isolates the ${missing.join(' and ')} of ${objectLabel(pod.object)}.`,
        resource: objectLabel(pod.object),
        ...(egressOnly ? { severity: 'low' as const } : {}),
      };
    }
  },
});

export const networkPolicyRules: readonly KubeRule[] = [policyWithoutPods, podNotIsolated];

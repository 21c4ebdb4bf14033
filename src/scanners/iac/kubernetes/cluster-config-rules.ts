/**
 * Cluster configuration files that are not workloads: the API server's
 * EncryptionConfiguration and audit Policy, CNI configuration (a conflist file or one shipped in a ConfigMap),
 * settings that must differ between two control-plane components of one manifest,
 * and APIService registrations of aggregated API servers.
 */
import { parseImage } from '../image.js';
import { detailNote, inside, rule, type IacRule } from '../rule.js';
import { get, isTrue, isYMap, isYSeq, items, pair, text, type YMap, type YNode } from '../yaml/tree.js';
import { componentCommands, flagPlace } from './control-plane.js';
import { containerLabel, objectLabel, type KubeInput, type KubeObject } from './model.js';

type KubeRule = IacRule<KubeInput>;

const kubeRule = (definition: Omit<KubeRule, 'platform' | 'tags'>): KubeRule => rule({ ...definition, platform: 'kubernetes' });

function objectsOf(input: KubeInput, kind: string, apiGroup: RegExp): KubeObject[] {
  return input.objects.filter((o) => o.kind === kind && apiGroup.test(o.apiVersion));
}

/** The single key of a provider entry (`- aescbc: {...}`). */
function providerName(entry: YNode): string | undefined {
  return isYMap(entry) && entry.pairs.length > 0 ? entry.pairs[0]!.key : undefined;
}

interface ProviderList {
  object: KubeObject;
  line: number;
  entries: Array<{ name: string; line: number }>;
  resources: string[];
}

function providerLists(input: KubeInput): ProviderList[] {
  const out: ProviderList[] = [];
  for (const object of objectsOf(input, 'EncryptionConfiguration', /^apiserver\.config\.k8s\.io\//)) {
    for (const resource of items(get(object.root, 'resources'))) {
      const providers = pair(resource, 'providers');
      if (!providers) continue;
      const entries = items(providers.value).flatMap((e) => {
        const name = providerName(e);
        return name ? [{ name, line: e.line }] : [];
      });
      const resources = items(get(resource, 'resources')).flatMap((r) => text(r) ?? []);
      out.push({ object, line: providers.keyLine, entries, resources });
    }
  }
  return out;
}

const ENCRYPTION = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources:\n  - secrets\n';
const KEY = (provider: string) => `  - ${provider}:\n      keys:\n      - name: k1\n        secret: PLACEHOLDER-NOT-A-KEY\n`;

/** Providers that encrypt with a key the API server does not have to rotate by hand every few writes. */
const STRONG_PROVIDERS = new Set(['kms', 'secretbox', 'aescbc']);

const encryptionNoStrongProvider = kubeRule({
  id: 'iac/k8s-encryption-provider-weak',
  title: 'Encryption at rest without a sound provider',
  description:
    'An EncryptionConfiguration lists neither kms, secretbox nor aescbc for a resource: only identity (no encryption) or aesgcm, whose keys must be rotated every 200,000 writes or the nonces repeat. Secrets in etcd and in its backups are then readable, or their encryption breaks.',
  remediation: 'Encrypt with a kms (v2) provider backed by an external key service, or secretbox; keep identity only as the last entry, for reading data written before encryption was enabled.',
  severity: 'medium',
  cwe: ['CWE-311'],
  examples: {
    positive: [`${ENCRYPTION}  # expect\n  providers:\n  - identity: {}\n`, `${ENCRYPTION}  # expect\n  providers:\n${KEY('aesgcm')}  - identity: {}\n`],
    negative: [`${ENCRYPTION}  providers:\n${KEY('secretbox')}  - identity: {}\n`, `${ENCRYPTION}  providers:\n  - kms:\n      apiVersion: v2\n      name: vault\n      endpoint: unix:///var/run/kms.sock\n`],
  },
  *check(input) {
    for (const list of providerLists(input)) {
      if (list.entries.some((e) => STRONG_PROVIDERS.has(e.name))) continue;
      const names = list.entries.map((e) => e.name).join(', ') || 'none';
      yield {
        line: list.line,
        message: `${objectLabel(list.object)} encrypts ${list.resources.join(', ') || 'resources'} only with ${names}; use kms, secretbox or aescbc.`,
        resource: objectLabel(list.object),
      };
    }
  },
});

const encryptionIdentityFirst = kubeRule({
  id: 'iac/k8s-encryption-identity-first',
  title: 'Encryption at rest writes plaintext',
  description:
    'The first provider of an EncryptionConfiguration entry is identity. The API server writes new data with the first provider only, so the resources are stored in etcd unencrypted even though keys are configured after it.',
  remediation: 'Put the encrypting provider (kms or secretbox) first and identity last, then rewrite existing secrets (kubectl get secrets -A -o json | kubectl replace -f -).',
  severity: 'high',
  cwe: ['CWE-311'],
  examples: {
    positive: [`${ENCRYPTION}  providers:\n  # expect\n  - identity: {}\n${KEY('secretbox')}`],
    negative: [`${ENCRYPTION}  providers:\n${KEY('secretbox')}  - identity: {}\n`, `${ENCRYPTION}  providers:\n  - identity: {}\n`],
  },
  *check(input) {
    for (const list of providerLists(input)) {
      const [first, ...rest] = list.entries;
      // identity alone is reported by iac/k8s-encryption-provider-weak.
      if (first?.name !== 'identity' || !rest.some((e) => e.name !== 'identity')) continue;
      yield { line: first.line, message: `${objectLabel(list.object)} writes ${list.resources.join(', ') || 'resources'} unencrypted: identity comes before ${rest[0]!.name}.`, resource: objectLabel(list.object) };
    }
  },
});

// ---- Audit policy ----

type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

/** Resources whose request or response bodies hold credentials: audit them at Metadata, never with bodies. */
const CREDENTIAL_RESOURCES = ['secrets', 'configmaps', 'tokenreviews'];
/** Ways into a running workload, and changes to workloads: they must leave an audit trail. */
const ACCESS_RESOURCES = ['pods/exec', 'pods/portforward', 'pods/proxy', 'services/proxy', 'pods', 'deployments'];

const API_GROUP: Record<string, string> = { tokenreviews: 'authentication.k8s.io', deployments: 'apps' };

interface AuditRule {
  level: Level;
  levelLine: number;
  node: YMap;
}

/** Whether a rule applies to every request for `resource` (rules restricted to some users, verbs or namespaces only apply to part). */
function coversAll(rule: YMap, resource: string): boolean {
  if (['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs'].some((k) => items(get(rule, k)).length > 0)) return false;
  const groups = get(rule, 'resources');
  if (!groups) return true;
  return items(groups).some((group) => {
    const names = get(group, 'resources');
    // A group without a resource list covers the whole group; a list is matched by name only, whatever group it names.
    if (!names) return text(get(group, 'group')) === (API_GROUP[resource] ?? '');
    return items(names).some((n) => {
      const name = text(n);
      const [parent, sub] = resource.split('/');
      return name === resource || name === '*' || (sub !== undefined && (name === `${parent}/*` || name === `*/${sub}`));
    });
  });
}

const auditPolicyGaps = kubeRule({
  id: 'iac/k8s-audit-policy-gaps',
  title: 'Audit policy misses or over-records sensitive requests',
  description:
    'An audit Policy (rules are matched first to last) either records requests for secrets, configmaps or token reviews with their bodies (Request or RequestResponse), which copies credentials into the audit log, or does not audit exec, port-forward, proxy and pod or deployment changes (level None or no matching rule), which leaves an intrusion without a trace.',
  remediation: 'Audit secrets, configmaps and tokenreviews at level Metadata, and pods/exec, pods/portforward, pods/proxy, services/proxy, pods and deployments at Metadata or above; end the policy with a catch-all Metadata rule.',
  severity: 'low',
  cwe: ['CWE-778', 'CWE-532'],
  examples: {
    positive: [
      'apiVersion: audit.k8s.io/v1\nkind: Policy\n# expect\nrules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["secrets", "configmaps"]\n',
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n# expect\n- level: RequestResponse\n  resources:\n  - group: ""\n    resources: ["secrets"]\n- level: Metadata\n',
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n# expect\n- level: None\n  resources:\n  - group: ""\n    resources: ["pods/exec"]\n- level: Metadata\n',
    ],
    negative: [
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: ["system:kube-proxy"]\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["secrets", "configmaps"]\n  - group: authentication.k8s.io\n    resources: ["tokenreviews"]\n- level: RequestResponse\n  resources:\n  - group: ""\n    resources: ["pods/exec", "pods/portforward"]\n- level: Metadata\n',
      'apiVersion: v1\nkind: Policy\nrules: []\n',
    ],
  },
  *check(input) {
    for (const policy of objectsOf(input, 'Policy', /^audit\.k8s\.io\//)) {
      const rulesPair = pair(policy.root, 'rules');
      const rules: AuditRule[] = items(rulesPair?.value).flatMap((node) => {
        const level = text(get(node, 'level'));
        return isYMap(node) && (level === 'None' || level === 'Metadata' || level === 'Request' || level === 'RequestResponse')
          ? [{ level, levelLine: pair(node, 'level')!.keyLine, node }]
          : [];
      });
      const problems = new Map<number, string[]>();
      const note = (line: number, what: string) => problems.set(line, [...(problems.get(line) ?? []), what]);
      const unaudited: string[] = [];
      for (const resource of [...CREDENTIAL_RESOURCES, ...ACCESS_RESOURCES]) {
        const first = rules.find((r) => coversAll(r.node, resource));
        if (!first) unaudited.push(resource);
        else if (first.level === 'None') note(first.levelLine, `${resource} not audited`);
        else if (CREDENTIAL_RESOURCES.includes(resource) && first.level !== 'Metadata') note(first.levelLine, `${resource} bodies recorded (${first.level})`);
      }
      for (const [line, what] of problems) yield { line, message: `Audit ${objectLabel(policy)}: ${what.join(', ')}.`, resource: objectLabel(policy) };
      if (unaudited.length > 0) {
        yield { line: rulesPair?.keyLine ?? pair(policy.root, 'kind')?.keyLine ?? policy.line, message: `Audit ${objectLabel(policy)} has no rule for ${unaudited.join(', ')}.`, resource: objectLabel(policy) };
      }
    }
  },
});

// ---- CNI ----

/** CNI plugins that enforce NetworkPolicies; a chain with one of them (Canal: flannel + calico) enforces them. */
const POLICY_PLUGINS = /^(?:calico|cilium|cilium-cni|weave-net|weave-plugin-.*|antrea|kube-router|romana|aws-cni|vpc-cni|azure-vnet|ovn-k8s-cni-overlay)$/;
const NO_POLICY_PLUGINS = new Set(['flannel', 'bridge', 'macvlan', 'ipvlan', 'ptp']);

function cniPluginTypes(config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  const record = config as Record<string, unknown>;
  const plugins = Array.isArray(record.plugins) ? record.plugins : [record];
  return plugins.flatMap((p) => (typeof p === 'object' && p !== null && typeof (p as Record<string, unknown>).type === 'string' ? [(p as Record<string, unknown>).type as string] : []));
}

/** The first plugin of a chain that leaves NetworkPolicies unenforced, when no plugin of the chain enforces them. */
function weakPlugin(types: string[]): string | undefined {
  return types.some((t) => POLICY_PLUGINS.test(t)) ? undefined : types.find((t) => NO_POLICY_PLUGINS.has(t));
}

/**
 * Agents that enforce NetworkPolicies themselves beside a CNI chain of plugins that do not:
 * kube-router, whose own CNI configuration chains bridge and whose firewall (on unless
 * --run-firewall=false) enforces them with iptables; Calico's node agent beside flannel
 * (Canal); Weave Net's policy controller.
 */
const POLICY_AGENT = /(?:^|\/)(?:kube-router|calico\/node|weave-npc)$/;

/** Whether a container of the input enforces NetworkPolicies (POLICY_AGENT). */
function runsPolicyAgent(input: KubeInput): boolean {
  return input.containers.some((c) => {
    const image = text(get(c.node, 'image'));
    if (image === undefined || !POLICY_AGENT.test(parseImage(image).name.toLowerCase())) return false;
    const words = [...items(get(c.node, 'command')), ...items(get(c.node, 'args'))].map((w) => text(w) ?? '');
    return !words.some((w, k) => w === '--run-firewall=false' || (w === '--run-firewall' && words[k + 1] === 'false'));
  });
}

const cniWithoutPolicies = kubeRule({
  id: 'iac/k8s-cni-no-network-policy',
  title: 'CNI plugin does not enforce NetworkPolicies',
  description:
    "A CNI configuration (a node's network configuration file, or one shipped in a ConfigMap) chains only plugins that do not enforce NetworkPolicies (flannel, bridge...). NetworkPolicy objects are then accepted by the API server but have no effect: every pod can reach every other pod. Not reported when the same manifests run an agent that enforces NetworkPolicies itself: kube-router (its own CNI configuration chains bridge, and its firewall enforces them unless --run-firewall=false), Calico's node agent beside flannel (Canal), or Weave Net's weave-npc.",
  remediation: 'Use a CNI plugin that enforces NetworkPolicies (Calico, Cilium, Antrea; Canal adds Calico policy enforcement on top of flannel).',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cni\n  namespace: kube-system\ndata:\n  # expect\n  cni-conf.json: \'{"name": "podnet", "plugins": [{"type": "flannel"}, {"type": "portmap"}]}\'\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cni\ndata:\n  10-net.conflist: |\n    {\n      "cniVersion": "1.0.0",\n      "plugins": [\n        { "type": "flannel", "delegate": { "isDefaultGateway": true } }\n      ]\n    }\n',
      '{\n  "cniVersion": "1.0.0",\n  "name": "podnet",\n  "plugins": [\n    {\n      # expect\n      "type": "bridge",\n      "bridge": "cni0"\n    },\n    { "type": "portmap", "capabilities": { "portMappings": true } }\n  ]\n}\n',
      '{\n  "cniVersion": "0.4.0",\n  "name": "podnet",\n  # expect\n  "type": "flannel"\n}\n',
      // kube-router with its firewall turned off enforces nothing.
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-router-cfg\n  namespace: kube-system\ndata:\n  # expect\n  cni-conf.json: \'{"name": "mynet", "plugins": [{"type": "bridge", "bridge": "kube-bridge"}]}\'\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-router\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels:\n      app: kube-router\n  template:\n    metadata:\n      labels:\n        app: kube-router\n    spec:\n      containers:\n      - name: kube-router\n        image: registry.example.org/cloudnativelabs/kube-router:v2.4.1\n        args: ["--run-router=true", "--run-firewall=false"]\n',
    ],
    negative: [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cni\ndata:\n  cni-conf.json: \'{"name": "podnet", "plugins": [{"type": "flannel"}, {"type": "calico"}]}\'\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  app.json: \'{"type": "flannel"}\'\n',
      // kube-router's own CNI configuration: its firewall enforces NetworkPolicies.
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-router-cfg\n  namespace: kube-system\ndata:\n  cni-conf.json: \'{"name": "mynet", "plugins": [{"type": "bridge", "bridge": "kube-bridge"}]}\'\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-router\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels:\n      app: kube-router\n  template:\n    metadata:\n      labels:\n        app: kube-router\n    spec:\n      containers:\n      - name: kube-router\n        image: registry.example.org/cloudnativelabs/kube-router:v2.4.1\n        args: ["--run-router=true", "--run-firewall=true"]\n',
      '{\n  "cniVersion": "1.0.0",\n  "name": "podnet",\n  "plugins": [\n    { "type": "cilium-cni" },\n    { "type": "portmap", "capabilities": { "portMappings": true } }\n  ]\n}\n',
    ],
  },
  *check(input) {
    if (runsPolicyAgent(input)) return;
    for (const config of input.cniConfigs) {
      const plugins = isYSeq(get(config, 'plugins')) ? items(get(config, 'plugins')) : [config];
      const types = plugins.flatMap((p) => {
        const type = pair(p, 'type');
        const value = text(type?.value);
        return type && value !== undefined ? [{ value, line: type.keyLine }] : [];
      });
      const weak = weakPlugin(types.map((t) => t.value));
      if (weak === undefined) continue;
      const name = text(get(config, 'name')) ?? '(unnamed)';
      yield { line: types.find((t) => t.value === weak)!.line, message: `CNI network ${name} uses the ${weak} plugin, which does not enforce NetworkPolicies.`, resource: `CNI network ${name}` };
    }
    for (const object of input.objects) {
      if (object.kind !== 'ConfigMap') continue;
      const data = get(object.root, 'data');
      if (!isYMap(data)) continue;
      for (const entry of data.pairs) {
        if (!/\.(?:conf|conflist)$|^cni-conf\.json$/.test(entry.key)) continue;
        const value = text(entry.value);
        if (!value) continue;
        let types: string[];
        try {
          types = cniPluginTypes(JSON.parse(value));
        } catch {
          continue;
        }
        const weak = weakPlugin(types);
        if (weak === undefined) continue;
        const inner = value.split('\n').findIndex((l) => l.includes(`"${weak}"`));
        const place = value.includes('\n') && inner >= 0 ? inside(entry.keyLine, entry.keyLine + 1 + inner) : { line: entry.keyLine };
        yield { ...place, message: `${objectLabel(object)} ${entry.key} uses the ${weak} CNI plugin, which does not enforce NetworkPolicies${detailNote(place)}.`, resource: objectLabel(object) };
      }
    }
  },
});

// ---- Control-plane components that must not share a CA ----

const staticPods = (etcdCa: string, apiserverCa: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\nspec:\n  containers:\n  - name: etcd\n    image: registry.example.org/etcd:3.5.9\n    # expect\n    command:\n    - etcd\n    # detail\n    - --trusted-ca-file=${etcdCa}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.example.org/kube-apiserver:v1.29.0\n    command:\n    - kube-apiserver\n    - --client-ca-file=${apiserverCa}\n`;

const sharedCa = kubeRule({
  id: 'iac/k8s-etcd-shares-apiserver-ca',
  title: 'etcd trusts the API server client CA',
  description:
    "etcd's --trusted-ca-file is the same file as the API server's --client-ca-file. Every client certificate issued for the cluster (to users, nodes, controllers) is then also accepted by etcd, which gives its holder raw read and write access to all cluster data, secrets included.",
  remediation: 'Give etcd its own CA (kubeadm creates /etc/kubernetes/pki/etcd/ca.crt) and use it only for etcd peers and the API server\'s etcd client certificate.',
  severity: 'medium',
  cwe: ['CWE-295'],
  examples: {
    positive: [staticPods('/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/pki/ca.crt')],
    negative: [staticPods('/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/pki/ca.crt').replace(/ {4}# (?:expect|detail)\n/g, '')],
  },
  *check(input) {
    const commands = componentCommands(input);
    const clientCas = new Set(commands.filter((c) => c.component === 'kube-apiserver').flatMap((c) => c.flags.get('client-ca-file')?.value ?? []));
    for (const command of commands) {
      if (command.component !== 'etcd') continue;
      const flag = command.flags.get('trusted-ca-file');
      if (!flag?.value || !clientCas.has(flag.value)) continue;
      const place = flagPlace(command, flag);
      yield { ...place, message: `etcd trusts ${flag.value}, the API server's client CA${detailNote(place)}.`, resource: containerLabel(command.container) };
    }
  },
});

// ---- Aggregated API servers ----

const API_SERVICE = (tls: string) =>
  `apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1beta1.metrics.example.org\nspec:\n  group: metrics.example.org\n  version: v1beta1\n  service:\n    name: metrics-api\n    namespace: monitoring\n    port: 443\n${tls}  groupPriorityMinimum: 100\n  versionPriority: 100\n`;

const apiServiceInsecureTls = kubeRule({
  id: 'iac/k8s-apiservice-insecure-tls',
  title: 'Aggregated API server reached without certificate check',
  description:
    "An APIService sets insecureSkipTLSVerify: true. The API server then proxies every request for that API group, with the caller's user and group headers and the request body, to the extension server's Service without verifying its certificate. Anyone who can intercept the traffic to that Service or take over its endpoints inside the cluster reads those requests and answers them with forged data (for metrics.k8s.io, the figures autoscalers act on).",
  remediation:
    "Set spec.caBundle to the CA that signed the extension server's certificate (cert-manager's CA injector annotation cert-manager.io/inject-ca-from, or the CA the chart generates) and remove insecureSkipTLSVerify.",
  severity: 'medium',
  cwe: ['CWE-295'],
  examples: {
    positive: [
      API_SERVICE('  # expect\n  insecureSkipTLSVerify: true\n'),
      API_SERVICE('  # expect\n  insecureSkipTLSVerify: yes\n').replace('apiregistration.k8s.io/v1', 'apiregistration.k8s.io/v1beta1'),
    ],
    negative: [
      API_SERVICE('  caBundle: PLACEHOLDER-NOT-A-CA\n'),
      API_SERVICE('  insecureSkipTLSVerify: false\n  caBundle: PLACEHOLDER-NOT-A-CA\n'),
      // Served by the API server itself: no service, no TLS hop.
      'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1.apps\nspec:\n  group: apps\n  version: v1\n  groupPriorityMinimum: 17800\n  versionPriority: 15\n',
    ],
  },
  *check(input) {
    for (const service of objectsOf(input, 'APIService', /^apiregistration\.k8s\.io\//)) {
      const flag = pair(get(service.root, 'spec'), 'insecureSkipTLSVerify');
      if (!flag || !isTrue(flag.value)) continue;
      const target = get(service.root, 'spec', 'service');
      const where = isYMap(target) ? ` (Service ${text(get(target, 'namespace')) ?? 'default'}/${text(get(target, 'name')) ?? '?'})` : '';
      yield {
        line: flag.keyLine,
        message: `${objectLabel(service)} lets the API server proxy requests to its extension server${where} without verifying its certificate; set caBundle instead.`,
        resource: objectLabel(service),
      };
    }
  },
});

export const clusterConfigRules: readonly KubeRule[] = [encryptionNoStrongProvider, encryptionIdentityFirst, auditPolicyGaps, cniWithoutPolicies, sharedCa, apiServiceInsecureTls];

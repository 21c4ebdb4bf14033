import { oneSeverityLower } from '../../../core/finding.js';
import { capabilitiesSeverity, DANGEROUS_CAPABILITIES as SHARED_DANGEROUS_CAPABILITIES, normaliseCapability } from '../capabilities.js';
import { parseImage, pinProblem, pinProblemNote, registryHost } from '../image.js';
import { builtImageKey } from '../image-builds.js';
import { describePort, sensitivePort } from '../ports.js';
import { sensitiveHostPath } from '../host-paths.js';
import { officialImageDrop, reachesOfficialDrop } from '../dockerfile/entrypoint.js';
import { runsNonRootByDefault } from '../nonroot-images.js';
import { rule, type Hit, type IacRule, type PlatformRules } from '../rule.js';
import { isAccessKeyOfPair, isLiteralSecretValue, isSecretName } from '../secret-names.js';
import { get, isFalse, isTrue, isYMap, isYScalar, items, pair, text, type YMap, type YNode } from '../yaml/tree.js';
import { clusterConfigRules } from './cluster-config-rules.js';
import { controlPlaneRules } from './control-plane-rules.js';
import {
  deployedImage,
  type DeployedImage,
  annotation,
  containerLabel,
  containerName,
  effectiveSetting,
  hostProcess,
  isWindowsPod,
  lineOfPath,
  objectLabel,
  objectTitle,
  readKubernetes,
  scopePhrase,
  type Container,
  type KubeInput,
  type KubeObject,
} from './model.js';
import { networkPolicyRules } from './network-policy-rules.js';
import { isTransientHook, rbacEscalationRules, TRANSIENT_NOTE } from './rbac-escalation-rules.js';
import { eksAuthRules } from './eks-auth-rules.js';
import { aggregatedInto, aggregatedIntoAdminOrEdit, aggregationNote, boundServiceAccounts, exampleRole as role, isBuiltIn, rbacRules, renamed, scopeOf, strings, wordList } from './rbac.js';
import { isCustomResource, isNamespacedCarrier } from './pod-carriers.js';
import { secretRules } from './secret-rules.js';
import { workloadRules } from './workload-rules.js';

type KubeRule = IacRule<KubeInput>;

const kubeRule = (definition: Omit<KubeRule, 'platform' | 'tags'>): KubeRule => rule({ ...definition, platform: 'kubernetes' });

// ---- Example builders: small manifests so that each rule's examples stay readable. ----

/** A Pod whose single container gets `container` (lines indented by 4) and whose spec gets `spec` (indented by 2). */
function pod(container: string, spec = '', kind = 'Pod'): string {
  return `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: web\n  namespace: shop\nspec:\n${spec}  containers:\n  - name: app\n    image: registry.example.org/app:1.4.2\n${container}`;
}

function deployment(container: string, spec = ''): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n${spec}      containers:\n      - name: app\n        image: registry.example.org/app:1.4.2\n${container}`;
}

const HARDENED = '    securityContext:\n      runAsNonRoot: true\n      allowPrivilegeEscalation: false\n      readOnlyRootFilesystem: true\n      capabilities:\n        drop: ["ALL"]\n';

// ---- Helpers ----

function podSecurityPolicies(input: KubeInput): Array<{ object: KubeObject; spec: YMap; specLine: number }> {
  const out: Array<{ object: KubeObject; spec: YMap; specLine: number }> = [];
  for (const object of input.objects) {
    if (object.kind !== 'PodSecurityPolicy') continue;
    const spec = get(object.root, 'spec');
    if (isYMap(spec)) out.push({ object, spec, specLine: pair(object.root, 'spec')!.keyLine });
  }
  return out;
}

function containerSecurity(container: Container): YMap | undefined {
  const sc = get(container.node, 'securityContext');
  return isYMap(sc) ? sc : undefined;
}

/**
 * securityContext.privileged: true. containerd and CRI-O give such a container every capability and
 * no seccomp filter, whatever its capabilities.drop and seccompProfile say: iac/k8s-privileged-container
 * reports it, and the rules about those settings do not.
 */
function runsPrivileged(container: Container): boolean {
  return isTrue(get(containerSecurity(container), 'privileged'));
}

/**
 * One pod-level boolean flag (hostNetwork, hostPID, hostIPC) on pods and PodSecurityPolicies.
 * A pod of Windows HostProcess containers is left out: the API server requires hostNetwork of it,
 * its processes are the node's own whatever it shares, and iac/k8s-privileged-container reports it.
 */
function* podFlag(input: KubeInput, key: string, message: (label: string) => string): Generator<Hit> {
  for (const p of input.pods) {
    if (hostProcess(p, input.containers.filter((c) => c.pod === p)).length > 0) continue;
    const flag = pair(p.spec, key);
    if (flag && isTrue(flag.value)) yield { line: flag.keyLine, message: message(objectLabel(p.object)), resource: objectLabel(p.object) };
  }
  for (const psp of podSecurityPolicies(input)) {
    const flag = pair(psp.spec, key);
    if (flag && isTrue(flag.value))
      yield { line: flag.keyLine, message: `${objectTitle(psp.object)} allows pods with ${key}: true.`, resource: objectLabel(psp.object) };
  }
}

/**
 * Service accounts (`namespace/name`, '' for a namespace set at deploy time) that a
 * RoleBinding or ClusterRoleBinding of the input, or of another manifest of its directory,
 * grants a role: their pods call the API.
 */
function serviceAccountsWithRoles(input: KubeInput): Set<string> {
  const out = new Set<string>();
  for (const object of [...input.objects, ...(input.scanBindings ?? [])]) {
    if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
    for (const subject of items(get(object.root, 'subjects'))) {
      const name = text(get(subject, 'name'));
      if (text(get(subject, 'kind')) === 'ServiceAccount' && name) out.add(`${text(get(subject, 'namespace')) ?? object.namespace ?? ''}/${name}`);
    }
  }
  return out;
}

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', namespace: string, roleKind: string, roleName: string, subjectKind: string): string {
  return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${roleName}-binding\n  namespace: ${namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: ${roleName}\nsubjects:\n- kind: ${subjectKind}\n  name: worker\n  namespace: ${namespace}\n`;
}

const RUNTIME_SOCKET = /(?:^|\/)(?:docker|containerd|crio|cri-dockerd|podman)\.sock$|^\/(?:var\/)?run\/(?:docker|containerd|crio)\/?$|^\/var\/lib\/docker\/?$|^(?:\\\\|\/\/)\.[\\/]pipe[\\/](?:docker_engine|containerd-containerd)$/i;

interface HostPathMount {
  object: KubeObject;
  path: string;
  line: number;
  /** Every container of the pod that mounts the volume mounts it readOnly (false for a PersistentVolume, whose users are not known). */
  readOnly: boolean;
  /** Containers mount the volume and every one of them runs privileged: they have the whole node without it. */
  privilegedOnly: boolean;
  /** Containers mount the volume, all of them readOnly (a message says so). */
  mountedReadOnly: boolean;
}

/** hostPath volumes of pods and hostPath PersistentVolumes. */
function* hostPathVolumes(input: KubeInput): Generator<HostPathMount> {
  for (const p of input.pods) {
    const containers = input.containers.filter((c) => c.pod === p);
    for (const volume of items(get(p.spec, 'volumes'))) {
      const hostPath = get(volume, 'hostPath');
      if (!isYMap(hostPath)) continue;
      const name = text(get(volume, 'name'));
      const mounts = containers.flatMap((c) => items(get(c.node, 'volumeMounts')).filter((m) => name !== undefined && text(get(m, 'name')) === name));
      const readOnly = mounts.every((m) => isTrue(get(m, 'readOnly')));
      const mounting = containers.filter((c) => name !== undefined && items(get(c.node, 'volumeMounts')).some((m) => text(get(m, 'name')) === name));
      const privilegedOnly = mounting.length > 0 && mounting.every((c) => isTrue(get(c.node, 'securityContext', 'privileged')));
      yield { object: p.object, path: text(get(hostPath, 'path')) ?? '', line: lineOfPath(hostPath, 'path'), readOnly, privilegedOnly, mountedReadOnly: mounts.length > 0 && readOnly };
    }
  }
  for (const object of input.objects) {
    if (object.kind !== 'PersistentVolume') continue;
    const hostPath = get(object.root, 'spec', 'hostPath');
    if (isYMap(hostPath)) yield { object, path: text(get(hostPath, 'path')) ?? '', line: lineOfPath(hostPath, 'path'), readOnly: false, privilegedOnly: false, mountedReadOnly: false };
  }
}


/** The shared catalogue (capabilities.ts), with SYSLOG (the kernel's log buffer, the addresses that defeat KASLR). */
const DANGEROUS_CAPABILITIES = new Set([...SHARED_DANGEROUS_CAPABILITIES, 'SYSLOG']);

/** A container of a Windows pod (model.ts isWindowsPod): the Linux settings of a securityContext do not apply to it. */
function onWindows(input: KubeInput, c: Container): boolean {
  return isWindowsPod(c.pod, input.containers.filter((other) => other.pod === c.pod));
}

const WINDOWS = '  os:\n    name: windows\n';

/** The Windows user a container runs as (windowsOptions.runAsUserName; the container's overrides the pod's), with the line that sets it. */
function effectiveWindowsUser(c: Container): { value: string; line: number } | undefined {
  for (const owner of [get(c.node, 'securityContext'), get(c.pod.spec, 'securityContext')]) {
    const p = pair(get(owner, 'windowsOptions'), 'runAsUserName');
    const value = text(p?.value);
    if (p && value !== undefined) return { value, line: p.keyLine };
  }
  return undefined;
}

/** Kinds of the built-in API groups whose objects live in a namespace. */
const NAMESPACED_KINDS = new Set([
  'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Service',
  'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'Ingress', 'NetworkPolicy', 'PersistentVolumeClaim',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget',
]);

/**
 * An object that lives in a namespace: a namespaced kind of the built-in groups, or a
 * custom resource known to be namespaced (an Argo Rollout, a Knative Service). Any other
 * custom resource's scope is unknown without its CRD, and it is not counted.
 */
function isNamespaced(object: KubeObject): boolean {
  return isCustomResource(object) ? isNamespacedCarrier(object) : NAMESPACED_KINDS.has(object.kind);
}

// ---- Rules ----

const privileged = kubeRule({
  id: 'iac/k8s-privileged-container',
  title: 'Privileged container',
  description:
    'A container runs with securityContext.privileged: true. It gets every capability and all host devices, so code running in it can take over the node and every other pod on it. A Windows HostProcess container (windowsOptions.hostProcess: true, in the pod or container securityContext) is reported too: it runs as a process of the node itself, outside any container, with the account it names (often NT AUTHORITY\\SYSTEM).',
  remediation: 'Remove privileged: true; grant only the specific capability the workload needs (capabilities.add) or move the task to a node-level agent.',
  severity: 'critical',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      pod('    securityContext:\n      # expect\n      privileged: true\n'),
      deployment('        securityContext:\n          # expect\n          privileged: true\n'),
      pod('', '  securityContext:\n    windowsOptions:\n      # expect\n      hostProcess: true\n      runAsUserName: "NT AUTHORITY\\\\SYSTEM"\n  hostNetwork: true\n  nodeSelector:\n    kubernetes.io/os: windows\n'),
      pod('    securityContext:\n      windowsOptions:\n        # expect\n        hostProcess: true\n', '  hostNetwork: true\n'),
    ],
    negative: [pod('    securityContext:\n      privileged: false\n'), pod(HARDENED), pod('    securityContext:\n      windowsOptions:\n        runAsUserName: ContainerUser\n', WINDOWS)],
  },
  *check(input) {
    for (const c of input.containers) {
      const flag = pair(containerSecurity(c), 'privileged');
      if (flag && isTrue(flag.value)) yield { line: flag.keyLine, message: `${containerLabel(c)} runs privileged: it has full access to the node.`, resource: containerLabel(c) };
    }
    for (const p of input.pods) {
      for (const host of hostProcess(p, input.containers.filter((c) => c.pod === p))) {
        const label = host.container ? containerLabel(host.container) : objectLabel(p.object);
        const what = host.container ? 'runs as a Windows HostProcess container' : 'runs Windows HostProcess containers';
        yield { line: host.line, message: `${label} ${what}: a process of the node itself, with full access to it.`, resource: label };
      }
    }
    for (const psp of podSecurityPolicies(input)) {
      const flag = pair(psp.spec, 'privileged');
      if (flag && isTrue(flag.value)) yield { line: flag.keyLine, message: `${objectTitle(psp.object)} allows privileged containers.`, resource: objectLabel(psp.object) };
    }
  },
});

const privilegeEscalation = kubeRule({
  id: 'iac/k8s-privilege-escalation',
  title: 'Privilege escalation allowed',
  description:
    'allowPrivilegeEscalation is true or not set (it defaults to true). A process in the container can then gain more privileges than its parent, e.g. through setuid binaries, which turns a foothold into root in the container. A container that runs privileged or adds SYS_ADMIN always allows escalation (the API server rejects allowPrivilegeEscalation: false beside them): iac/k8s-privileged-container and iac/k8s-dangerous-capabilities report it, and this rule does not. Nor does it report a container of a Windows pod (os.name: windows, a kubernetes.io/os: windows nodeSelector, or HostProcess containers), where the setting does not exist.',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  severity: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      pod('    securityContext:\n      # expect\n      allowPrivilegeEscalation: true\n'),
      pod('    # expect\n    securityContext:\n      runAsNonRoot: true\n'),
      'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: open\nspec:\n  # expect\n  allowPrivilegeEscalation: true\n',
    ],
    negative: [
      pod(HARDENED),
      'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: closed\nspec:\n  allowPrivilegeEscalation: false\n',
      // Privileged, or with SYS_ADMIN, the container always allows escalation: the other rules report why.
      pod('    securityContext:\n      privileged: true\n'),
      pod('    securityContext:\n      capabilities:\n        add: ["CAP_SYS_ADMIN"]\n'),
      // A Windows pod: the setting is Linux's (the API server rejects it when os.name is windows).
      pod('', WINDOWS),
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      if (onWindows(input, c)) continue;
      const security = containerSecurity(c);
      const flag = pair(security, 'allowPrivilegeEscalation');
      if (flag && isFalse(flag.value)) continue;
      // Kubernetes: "allowPrivilegeEscalation is always true when the container is run as privileged, or has CAP_SYS_ADMIN".
      const forced = isTrue(get(security, 'privileged')) || strings(get(security, 'capabilities', 'add')).some((cap) => ['SYS_ADMIN', 'ALL'].includes(normaliseCapability(cap)));
      if (forced) continue;
      yield {
        line: flag ? flag.keyLine : lineOfPath(c.node, 'securityContext'),
        message: flag
          ? `${containerLabel(c)} sets allowPrivilegeEscalation: true.`
          : `${containerLabel(c)} does not set allowPrivilegeEscalation: false (the default allows escalation).`,
        resource: containerLabel(c),
      };
    }
    for (const psp of podSecurityPolicies(input)) {
      const flag = pair(psp.spec, 'allowPrivilegeEscalation');
      if (flag && isFalse(flag.value)) continue;
      yield { line: flag ? flag.keyLine : psp.specLine, message: `${objectTitle(psp.object)} allows privilege escalation.`, resource: objectLabel(psp.object) };
    }
  },
});

const runAsRoot = kubeRule({
  id: 'iac/k8s-run-as-root',
  title: 'Container may run as root',
  description:
    'The container runs as UID 0 (runAsUser: 0), or nothing stops it from running as root (no runAsUser and no runAsNonRoot: true), in which case the image decides, and most images run as root. Root in a container makes escapes and host-mount abuse far more damaging. runAsUser: 0 is reported high, and medium when the container drops ALL capabilities, adds none and sets allowPrivilegeEscalation: false (a log shipper that reads the node\'s root-owned logs): it is then no stronger than a container that may run as root with the runtime\'s default capabilities. A privileged container is reported too, on its own line: privileged makes the capability, seccomp and escalation settings meaningless (those rules leave it to iac/k8s-privileged-container), but not the user, and removing privileged: true leaves a root process with the runtime\'s default capabilities, while a non-root one in it holds no capability until it runs a setuid program. Reported low when the image is built to run as a user other than root (a :nonroot or rootless tag, or one of the images iac/dockerfile-no-user knows: Grafana, Loki, k6, nginx-unprivileged, the Prometheus servers and exporters, the OpenTelemetry Collector, Jenkins, Keycloak), or is a Docker Official Image whose entrypoint drops root for its service (postgres, redis, mysql, mariadb, mongo, rabbitmq, cassandra, zookeeper) with no command: of the container\'s own and args: that still run that service: what runs is not root, but nothing makes the kubelet refuse an image that runs as root under the same name. In a Windows pod, where runAsUser does not apply, the container\'s administrator (ContainerAdministrator) stands for root: windowsOptions.runAsUserName: ContainerUser (or runAsNonRoot: true) avoids it.',
  remediation: 'Set runAsNonRoot: true and a non-zero runAsUser in the pod or container securityContext, and build images with a non-root USER.',
  severity: 'medium',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      pod('    securityContext:\n      # expect\n      runAsUser: 0\n'),
      pod('    # expect\n    securityContext:\n      readOnlyRootFilesystem: true\n'),
      pod('    securityContext:\n      # expect\n      runAsUser: 0\n', '  securityContext:\n    runAsNonRoot: true\n'),
      // Root with every capability dropped and no escalation: medium (test/scanners/iac/k8s-sweep-helm.test.ts).
      pod('    securityContext:\n      capabilities:\n        drop: [ALL]\n      allowPrivilegeEscalation: false\n', '  securityContext:\n    # expect\n    runAsUser: 0\n'),
      // Windows: its administrator, named or left to the image.
      pod('    securityContext:\n      windowsOptions:\n        # expect\n        runAsUserName: ContainerAdministrator\n', WINDOWS),
      pod('', WINDOWS).replace('  - name: app', '  # expect\n  - name: app'),
      // Low: an image built to run without root, or one whose entrypoint drops root for its service; the kubelet enforces neither.
      pod('    # expect\n    securityContext:\n      readOnlyRootFilesystem: true\n').replace('registry.example.org/app:1.4.2', 'prom/prometheus:v3.1.0'),
      pod('    # expect\n    securityContext:\n      readOnlyRootFilesystem: true\n').replace('registry.example.org/app:1.4.2', 'postgres:16.4'),
    ],
    negative: [
      pod(HARDENED),
      pod('    securityContext:\n      runAsUser: 10001\n'),
      pod('', '  securityContext:\n    runAsUser: 10001\n    runAsNonRoot: true\n'),
      // A Windows HostProcess container runs as the node's account it names: iac/k8s-privileged-container reports it.
      pod('', '  securityContext:\n    windowsOptions:\n      hostProcess: true\n      runAsUserName: "NT AUTHORITY\\\\SYSTEM"\n  hostNetwork: true\n'),
      // A Windows container that runs as the unprivileged ContainerUser.
      pod('', `${WINDOWS}  securityContext:\n    windowsOptions:\n      runAsUserName: ContainerUser\n`),
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      if (hostProcess(c.pod, input.containers.filter((other) => other.pod === c.pod)).length > 0) continue;
      const user = effectiveSetting(c, 'runAsUser');
      const nonRoot = effectiveSetting(c, 'runAsNonRoot');
      const uid = isYScalar(user?.node) ? Number(user!.node.value) : undefined;
      if (uid === 0) {
        // Root without a capability or a way to gain one is no stronger than the image's unknown user with the runtime's defaults.
        const disarmed = rootDisarmed(c);
        yield {
          line: user!.line,
          message: `${containerLabel(c)} runs as root (runAsUser: 0)${disarmed ? ', though with every capability dropped and privilege escalation off' : ''}.`,
          resource: containerLabel(c),
          severity: disarmed ? 'medium' : 'high',
        };
        continue;
      }
      if (uid !== undefined && Number.isFinite(uid)) continue;
      if (nonRoot && isTrue(nonRoot.node)) continue;
      if (onWindows(input, c)) {
        // Windows: the user is a name (windowsOptions.runAsUserName), and ContainerAdministrator is its root.
        const name = effectiveWindowsUser(c);
        if (name !== undefined && !/^(?:ContainerAdministrator|Administrator|NT AUTHORITY\\SYSTEM)$/i.test(name.value)) continue;
        yield {
          line: name?.line ?? (nonRoot && isFalse(nonRoot.node) ? nonRoot.line : lineOfPath(c.node, 'securityContext')),
          message: name
            ? `${containerLabel(c)} runs as the administrator ${name.value} of its Windows container.`
            : `${containerLabel(c)} sets neither runAsNonRoot: true nor windowsOptions.runAsUserName: ContainerUser, so it runs as ContainerAdministrator if the Windows image does.`,
          resource: containerLabel(c),
        };
        continue;
      }
      // The image's publisher builds it to run without root, or its entrypoint drops root for the service: what runs is not root unless the image is replaced.
      const imageUser = nonRootImageUser(c);
      yield {
        line: nonRoot && isFalse(nonRoot.node) ? nonRoot.line : lineOfPath(c.node, 'securityContext'),
        message: imageUser
          ? `${containerLabel(c)} sets neither runAsNonRoot: true nor a non-zero runAsUser; ${imageUser}, but the kubelet enforces nothing: a different image or tag under that name may run as root.`
          : `${containerLabel(c)} sets neither runAsNonRoot: true nor a non-zero runAsUser, so it runs as root if the image does.`,
        resource: containerLabel(c),
        ...(imageUser ? { severity: 'low' as const } : {}),
      };
    }
  },
});

/**
 * What a container's image does about root when the pod says nothing: runs as the non-root
 * user its publisher builds it with (nonroot-images.ts), or, for a Docker Official Image whose
 * docker-entrypoint.sh drops root (postgres, redis, ...), keeps that entrypoint (no `command:`)
 * and gives it its service (`args:` none, or ones that reach the drop).
 */
function nonRootImageUser(c: Container): string | undefined {
  const image = text(get(c.node, 'image'));
  if (image === undefined || image.includes('$') || image.includes('{{')) return undefined;
  if (runsNonRootByDefault(image)) return `its image ${image} runs as a user other than root by default`;
  const official = officialImageDrop(image);
  if (!official || get(c.node, 'command') !== undefined) return undefined;
  const args = strings(get(c.node, 'args'));
  if (args.length > 0 && !reachesOfficialDrop(official, args)) return undefined;
  return `the entrypoint of its image ${image} starts as root and drops to ${official.user} for its service`;
}

/** A container that drops ALL capabilities, adds none back, and sets allowPrivilegeEscalation: false. */
function rootDisarmed(c: Container): boolean {
  const security = containerSecurity(c);
  const capabilities = get(security, 'capabilities');
  return (
    strings(get(capabilities, 'drop')).some((cap) => normaliseCapability(cap) === 'ALL') &&
    strings(get(capabilities, 'add')).length === 0 &&
    isFalse(get(security, 'allowPrivilegeEscalation')) &&
    !isTrue(get(security, 'privileged'))
  );
}

const hostNetwork = kubeRule({
  id: 'iac/k8s-host-network',
  title: 'Pod shares the host network',
  description:
    "hostNetwork: true puts the pod in the node's network namespace: it can bind to node ports, reach services listening on the node's loopback, sniff traffic and bypass NetworkPolicies. A pod of Windows HostProcess containers is not reported: the API server requires hostNetwork of it, and iac/k8s-privileged-container reports it (its processes are the node's own).",
  remediation: 'Remove hostNetwork: true; expose the pod through a Service. Keep host networking for node agents that truly need it, in a restricted namespace.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: [pod('', '  # expect\n  hostNetwork: true\n'), deployment('', '      # expect\n      hostNetwork: true\n')],
    negative: [
      pod('', '  hostNetwork: false\n'),
      pod(HARDENED),
      // Windows HostProcess containers: the API server requires hostNetwork; iac/k8s-privileged-container reports the pod.
      pod('', '  securityContext:\n    windowsOptions:\n      hostProcess: true\n      runAsUserName: "NT AUTHORITY\\\\SYSTEM"\n  hostNetwork: true\n  hostPID: true\n'),
    ],
  },
  check: (input) => podFlag(input, 'hostNetwork', (label) => `${label} shares the node's network namespace (hostNetwork: true).`),
});

const hostPid = kubeRule({
  id: 'iac/k8s-host-pid',
  title: 'Pod shares the host process namespace',
  description:
    "hostPID: true lets containers see and signal every process on the node, read their environment and memory through /proc, and so steal secrets from other pods or escalate to the node. A pod of Windows HostProcess containers is not reported: its processes are the node's own whatever it shares, and iac/k8s-privileged-container reports it.",
  remediation: 'Remove hostPID: true; use ephemeral debug containers (kubectl debug) when process inspection is needed.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: [pod('', '  # expect\n  hostPID: true\n'), 'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: open\nspec:\n  # expect\n  hostPID: true\n'],
    negative: [
      pod('', '  hostPID: false\n'),
      // Windows HostProcess containers are processes of the node already; iac/k8s-privileged-container reports the pod.
      pod('    securityContext:\n      windowsOptions:\n        hostProcess: true\n', '  hostNetwork: true\n  hostPID: true\n'),
    ],
  },
  check: (input) => podFlag(input, 'hostPID', (label) => `${label} shares the node's process namespace (hostPID: true).`),
});

const hostIpc = kubeRule({
  id: 'iac/k8s-host-ipc',
  title: 'Pod shares the host IPC namespace',
  description:
    "hostIPC: true gives containers access to the node's shared memory and IPC objects, so they can read or tamper with data of other processes on the node. A pod of Windows HostProcess containers is not reported: its processes are the node's own whatever it shares, and iac/k8s-privileged-container reports it.",
  remediation: 'Remove hostIPC: true; share memory between containers of one pod with an emptyDir (medium: Memory) volume.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: [pod('', '  # expect\n  hostIPC: true\n'), deployment('', '      # expect\n      hostIPC: true\n')],
    negative: [pod('', '  hostIPC: false\n')],
  },
  check: (input) => podFlag(input, 'hostIPC', (label) => `${label} shares the node's IPC namespace (hostIPC: true).`),
});

const dockerSocket = kubeRule({
  id: 'iac/k8s-docker-socket',
  title: 'Container runtime socket mounted',
  description:
    'A hostPath volume mounts the Docker, containerd or CRI-O socket (or its directory; on Windows the named pipes docker_engine and containerd-containerd), or Docker\'s data directory. Whoever can talk to the runtime socket can start a privileged container on the node, and whoever can write the data directory can change the files of every image and container: either is root on the node.',
  remediation: 'Do not mount the runtime socket; build images with rootless tools (BuildKit rootless, kaniko) and query the cluster through the Kubernetes API.',
  severity: 'critical',
  cwe: ['CWE-250'],
  examples: {
    positive: [pod('', '  volumes:\n  - name: sock\n    hostPath:\n      # expect\n      path: /var/run/docker.sock\n')],
    negative: [pod('', '  volumes:\n  - name: data\n    emptyDir: {}\n')],
  },
  *check(input) {
    for (const v of hostPathVolumes(input)) {
      if (!RUNTIME_SOCKET.test(v.path)) continue;
      const what = /^\/var\/lib\/docker\/?$/.test(v.path)
        ? `Docker's data directory ${v.path}: it holds the files of every image and container on the node, so writing there changes what runs as root`
        : `the container runtime socket ${v.path}: that is root on the node`;
      yield { line: v.line, message: `${objectLabel(v.object)} mounts ${what}.`, resource: objectLabel(v.object) };
    }
  },
});

/** Said of a host path that only privileged containers mount: reported low, as iac/k8s-privileged-container reports what matters. */
const PRIVILEGED_ONLY_NOTE = '; only privileged containers mount it, and they have the whole node without it (iac/k8s-privileged-container reports them)';

const hostPathSensitive = kubeRule({
  id: 'iac/k8s-hostpath-sensitive',
  title: 'System directory of the node mounted',
  description:
    "A hostPath volume mounts a directory of the node's system or of Kubernetes itself (/, /etc, /proc, /sys, /dev, /root, /home and a home directory or dot folder in it (/home/ubuntu, /home/ubuntu/.ssh; not /home/ubuntu/data), /usr (the CA certificates, time zone, OS release, passwd and group files under /etc and /usr, and the kernel's modules and headers in /lib/modules and /usr/src, are not reported when every mount of them is readOnly), /run and /var/run with the node's service and runtime state under them (a tool's own folder such as /run/promtail is not one), /var/log and the node's own log files in it (/var/log/auth.log, /var/log/syslog...), /var/lib/kubelet (not a CSI driver's own folder of sockets, /var/lib/kubelet/plugins/<driver>), the runtime's /var/lib/docker or /var/lib/containerd, /var/lib/etcd...; the syslog socket /dev/log is no device and not one of them, nor are the devices runc gives every container anyway: /dev/null, /dev/zero, /dev/urandom, the TUN device /dev/net/tun). A Windows path is read without its drive (C:\\var\\lib\\kubelet as /var/lib/kubelet), and C:\\Windows and the node's named pipes (\\\\.\\pipe\\csi-proxy-disk-v1) count too. The pod can read node credentials, other pods' logs and secrets, or change the node's configuration or programs: a direct path from one compromised pod to the node. An application's own data folder (/var/lib/myapp, /var/data) is not one of them; it is reported as a plain hostPath by iac/k8s-hostpath-volume, which leaves the volumes reported here to this rule. A path that only privileged containers mount (a CNI plugin's or storage agent's node container) is reported low: a privileged container has every device and capability of the node, so the mount gives it nothing more, and iac/k8s-privileged-container reports it.",
  remediation: 'Remove the hostPath volume; node agents that truly need a system path should mount the narrowest path read-only, in a dedicated namespace.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      pod('', '  volumes:\n  - name: etc\n    hostPath:\n      # expect\n      path: /etc\n'),
      deployment('', '      volumes:\n      - name: logs\n        hostPath:\n          # expect\n          path: /var/log\n'),
      'apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: root\nspec:\n  hostPath:\n    # expect\n    path: "/"\n',
      pod('', '  volumes:\n  - name: pods\n    hostPath:\n      # expect\n      path: /var/lib/kubelet/pods\n  - name: images\n    hostPath:\n      # expect\n      path: /var/lib/containerd/\n  - name: run\n    hostPath:\n      # expect\n      path: /run\n'),
      pod('', '  volumes:\n  - name: dbus\n    hostPath:\n      # expect\n      path: /var/run/dbus\n  - name: netns\n    hostPath:\n      # expect\n      path: /run/netns\n  - name: agent\n    hostPath:\n      # expect\n      path: /run/node-agent.sock\n'),
      pod('    volumeMounts:\n    - name: certs\n      mountPath: /etc/ssl/certs\n', '  volumes:\n  - name: certs\n    hostPath:\n      # expect\n      path: /etc/ssl/certs\n'),
      // Written to, the kernel's modules are code the node loads.
      pod('    volumeMounts:\n    - name: lib-modules\n      mountPath: /lib/modules\n', '  volumes:\n  - name: lib-modules\n    hostPath:\n      # expect\n      path: /lib/modules\n'),
      pod('', '  volumes:\n  - name: keys\n    hostPath:\n      # expect\n      path: /home/ubuntu/.ssh\n  - name: home\n    hostPath:\n      # expect\n      path: /home/ubuntu\n'),
    ],
    negative: [
      pod('', '  volumes:\n  - name: data\n    hostPath:\n      path: /srv/data\n'),
      pod('', '  volumes:\n  - name: tmp\n    hostPath:\n      path: /tmp/cache\n'),
      // The TUN device of a VPN sidecar, which runc gives every container anyway.
      pod('', '  volumes:\n  - name: tun\n    hostPath:\n      path: /dev/net/tun\n      type: CharDevice\n'),
      pod('', '  volumes:\n  - name: data\n    hostPath:\n      path: /var/lib/myapp\n  - name: cache\n    hostPath:\n      path: /var/data/cache\n  - name: logs\n    hostPath:\n      path: /var/log/myapp\n'),
      pod('', '  volumes:\n  - name: positions\n    hostPath:\n      path: /run/promtail\n  - name: state\n    hostPath:\n      path: /var/run/fluent-bit\n  - name: lock\n    hostPath:\n      path: /run/xtables.lock\n'),
      pod('    volumeMounts:\n    - name: certs\n      mountPath: /etc/ssl/certs\n      readOnly: true\n    - name: tz\n      mountPath: /etc/localtime\n      readOnly: true\n', '  volumes:\n  - name: certs\n    hostPath:\n      path: /etc/ssl/certs\n  - name: tz\n    hostPath:\n      path: /etc/localtime\n'),
      // A user's data folder is no home directory; the names of the node's users are world-readable.
      pod('    volumeMounts:\n    - name: users\n      mountPath: /etc/passwd\n      readOnly: true\n', '  volumes:\n  - name: data\n    hostPath:\n      path: /home/ubuntu/data\n  - name: users\n    hostPath:\n      path: /etc/passwd\n'),
      // The kernel's modules, read-only, as kube-proxy mounts them to load its netfilter modules.
      pod('    volumeMounts:\n    - name: lib-modules\n      mountPath: /lib/modules\n      readOnly: true\n', '  volumes:\n  - name: lib-modules\n    hostPath:\n      path: /lib/modules\n'),
    ],
  },
  *check(input) {
    for (const v of hostPathVolumes(input)) {
      if (RUNTIME_SOCKET.test(v.path)) continue;
      const what = sensitiveHostPath(v.path, 'node', v.readOnly);
      if (what === undefined) continue;
      yield {
        line: v.line,
        message: `${objectLabel(v.object)} mounts ${v.path} from the node${v.mountedReadOnly ? ' read-only' : ''}: ${what}${v.privilegedOnly ? PRIVILEGED_ONLY_NOTE : ''}.`,
        resource: objectLabel(v.object),
        ...(v.privilegedOnly ? { severity: 'low' as const } : {}),
      };
    }
  },
});

const hostPathVolume = kubeRule({
  id: 'iac/k8s-hostpath-volume',
  title: 'Host path mounted into a pod',
  description:
    "A hostPath volume gives the pod direct access to the node's file system, outside any storage isolation: data outlives the pod on that node, is shared with whatever else mounts the path, and symlink tricks can reach beyond it. A system directory of the node (/etc, /var/log, /var/lib/kubelet...) is reported by iac/k8s-hostpath-sensitive instead, with higher severity, and the container runtime's socket by iac/k8s-docker-socket: one finding per volume. A path that only privileged containers mount is reported low: they have the whole node without it, and iac/k8s-privileged-container reports them.",
  remediation: 'Use persistentVolumeClaim, configMap, secret or emptyDir volumes instead of hostPath.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-668'],
  yieldsTo: ['iac/k8s-hostpath-sensitive'],
  examples: {
    positive: [
      pod('', '  volumes:\n  - name: data\n    hostPath:\n      # expect\n      path: /srv/data\n      type: Directory\n'),
      // Read-only, the CA certificates are no system directory iac/k8s-hostpath-sensitive reports: the host path is still one.
      pod('    volumeMounts:\n    - name: certs\n      mountPath: /etc/ssl/certs\n      readOnly: true\n', '  volumes:\n  - name: certs\n    hostPath:\n      # expect\n      path: /etc/ssl/certs\n'),
    ],
    negative: [
      pod('', '  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: data\n'),
      pod('', '  volumes:\n  - name: sock\n    hostPath:\n      path: /var/run/docker.sock\n'),
      pod('', '  volumes:\n  - name: data\n    hostPath:\n      path: /var/log\n').replace('namespace: shop', 'namespace: kube-system'),
    ],
  },
  *check(input) {
    for (const v of hostPathVolumes(input)) {
      // The runtime socket has its own, stronger rule (and a system directory is iac/k8s-hostpath-sensitive's, which this rule yields to).
      if (RUNTIME_SOCKET.test(v.path)) continue;
      // kube-system is where node agents that need host paths are expected to live; system
      // directories are reported there too, by iac/k8s-hostpath-sensitive.
      if (v.object.namespace === 'kube-system') continue;
      yield {
        line: v.line,
        message: `${objectLabel(v.object)} mounts the host path ${v.path || '(empty)'} from the node${v.privilegedOnly ? PRIVILEGED_ONLY_NOTE : ''}.`,
        resource: objectLabel(v.object),
        ...(v.privilegedOnly ? { severity: 'low' as const } : {}),
      };
    }
  },
});

const hostPort = kubeRule({
  id: 'iac/k8s-host-port',
  title: 'Container binds a host port',
  description:
    "hostPort binds the container port on the node's own addresses, bypassing Services and NetworkPolicies, and exposes the pod on every network the node is on. In a pod with hostNetwork: true every port the container listens on is the node's already (the API server sets hostPort to containerPort there): iac/k8s-host-network reports that, and a hostPort is reported again only when its port is a sensitive service's.",
  remediation: 'Remove hostPort and expose the pod through a Service (ClusterIP, or a LoadBalancer/Ingress when it must be public).',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      pod('    ports:\n    - containerPort: 8080\n      # expect\n      hostPort: 8080\n'),
      // At the rule severity: a port 8500 named grpc is no Consul (test/scanners/iac/kubernetes-named-ports.test.ts).
      pod('    ports:\n    - name: grpc\n      containerPort: 8500\n      # expect\n      hostPort: 8500\n'),
    ],
    negative: [
      pod('    ports:\n    - containerPort: 8080\n'),
      // A pod in the node's network: its ports are the node's anyway, and iac/k8s-host-network reports that.
      pod('    ports:\n    - containerPort: 9558\n      hostPort: 9558\n', '  hostNetwork: true\n'),
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      for (const port of items(get(c.node, 'ports'))) {
        const hp = pair(port, 'hostPort');
        const value = Number(text(hp?.value));
        if (!hp || !Number.isFinite(value) || value <= 0) continue;
        // A port named for another protocol (grpc, http, metrics) is not the catalogue's service of its number.
        const service = sensitivePort(value, (text(get(port, 'protocol')) ?? 'TCP').toLowerCase() === 'udp' ? 'udp' : 'tcp', text(get(c.node, 'image')), [text(get(port, 'name'))]);
        // In the node's network every container port is a host port (the API defaults hostPort to it): iac/k8s-host-network says so.
        if (!service && isTrue(get(c.pod.spec, 'hostNetwork'))) continue;
        yield {
          line: hp.keyLine,
          message: `${containerLabel(c)} binds host port ${service ? describePort(service) : value} on the node.`,
          resource: containerLabel(c),
          ...(service ? { severity: 'high' as const } : {}),
        };
      }
    }
  },
});

const capabilitiesNotDropped = kubeRule({
  id: 'iac/k8s-capabilities-not-dropped',
  title: 'Linux capabilities not dropped',
  description:
    "The container keeps the runtime's default capabilities (NET_RAW, CHOWN, SETUID, ...) because securityContext.capabilities.drop does not include ALL. NET_RAW alone allows ARP and DNS spoofing of neighbouring pods. A privileged container is not reported: the runtime gives it every capability whatever it drops, and iac/k8s-privileged-container reports it.",
  remediation: 'Set capabilities.drop: ["ALL"] and add back only what the process needs, e.g. add: ["NET_BIND_SERVICE"].',
  severity: 'low',
  cwe: ['CWE-250'],
  examples: {
    positive: [pod('    securityContext:\n      capabilities:\n        # expect\n        drop: ["NET_RAW"]\n'), pod('    # expect\n    securityContext:\n      runAsNonRoot: true\n')],
    negative: [
      pod(HARDENED),
      pod('    securityContext:\n      capabilities:\n        drop:\n        - all\n'),
      pod('', WINDOWS),
      // Privileged: every capability whatever it drops (iac/k8s-privileged-container).
      pod('    securityContext:\n      privileged: true\n'),
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      // Windows has no Linux capabilities; a privileged container gets them all, whatever it drops.
      if (onWindows(input, c) || runsPrivileged(c)) continue;
      const drops = strings(get(c.node, 'securityContext', 'capabilities', 'drop')).map(normaliseCapability);
      if (drops.includes('ALL')) continue;
      yield { line: lineOfPath(c.node, 'securityContext', 'capabilities', 'drop'), message: `${containerLabel(c)} does not drop ALL capabilities.`, resource: containerLabel(c) };
    }
    for (const psp of podSecurityPolicies(input)) {
      const required = strings(get(psp.spec, 'requiredDropCapabilities')).map(normaliseCapability);
      if (required.includes('ALL') || required.includes('NET_RAW')) continue;
      yield { line: pair(psp.spec, 'requiredDropCapabilities')?.keyLine ?? psp.specLine, message: `${objectTitle(psp.object)} does not require dropping ALL (or at least NET_RAW).`, resource: objectLabel(psp.object) };
    }
  },
});

const dangerousCapabilities = kubeRule({
  id: 'iac/k8s-dangerous-capabilities',
  title: 'Dangerous capability added',
  description:
    'The container adds a capability that breaks isolation: SYS_ADMIN (almost root: mounts, namespaces), NET_ADMIN/NET_RAW (network tampering and spoofing), SYS_PTRACE (read other processes), SYS_MODULE (load kernel modules), or ALL. The capabilities the container runtime gives every container and the baseline Pod Security Standard allows to add (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, SYS_CHROOT, SETFCAP...) are not reported: added back after drop: ["ALL"], they give the container no more than a default one has (iac/k8s-capabilities-not-dropped covers keeping them).',
  remediation: 'Remove the capability from capabilities.add; find the narrow capability the process actually needs, or move the task out of the workload.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [pod('    securityContext:\n      capabilities:\n        # expect\n        add: ["SYS_ADMIN"]\n'), pod('    securityContext:\n      capabilities:\n        # expect\n        add:\n        - NET_RAW\n')],
    negative: [
      pod('    securityContext:\n      capabilities:\n        drop: ["ALL"]\n        add: ["NET_BIND_SERVICE"]\n'),
      // The runtime's default capabilities given back after dropping them all (rabbitmq's image changes owners at start).
      pod('    securityContext:\n      capabilities:\n        drop: ["ALL"]\n        add: ["CHOWN", "SETGID", "SETUID", "DAC_OVERRIDE", "SYS_CHROOT", "SETFCAP"]\n'),
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      const add = pair(get(c.node, 'securityContext', 'capabilities'), 'add');
      const dangerous = strings(add?.value).map(normaliseCapability).filter((cap) => DANGEROUS_CAPABILITIES.has(cap));
      if (add && dangerous.length > 0)
        yield { line: add.keyLine, message: `${containerLabel(c)} adds ${dangerous.join(', ')}.`, resource: containerLabel(c), severity: capabilitiesSeverity(dangerous) };
    }
    for (const psp of podSecurityPolicies(input)) {
      for (const key of ['allowedCapabilities', 'defaultAddCapabilities']) {
        const list = pair(psp.spec, key);
        const dangerous = strings(list?.value).map(normaliseCapability).filter((cap) => DANGEROUS_CAPABILITIES.has(cap) || cap === '*');
        if (list && dangerous.length > 0) yield { line: list.keyLine, message: `${objectTitle(psp.object)} allows ${dangerous.join(', ')}.`, resource: objectLabel(psp.object) };
      }
    }
  },
});

const writableRoot = kubeRule({
  id: 'iac/k8s-writable-root-filesystem',
  title: 'Root file system is writable',
  description:
    "readOnlyRootFilesystem is not true, so a compromised process can modify the container's binaries and configuration, drop tools and persist until the pod is replaced.",
  remediation: 'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the application must write (e.g. /tmp).',
  severity: 'low',
  cwe: ['CWE-732'],
  examples: {
    positive: [pod('    securityContext:\n      # expect\n      readOnlyRootFilesystem: false\n'), pod('    # expect\n    securityContext:\n      runAsNonRoot: true\n')],
    negative: [pod(HARDENED), pod('', WINDOWS)],
  },
  *check(input) {
    for (const c of input.containers) {
      // Windows containers cannot have a read-only root file system (the API server rejects the setting when os.name is windows).
      if (onWindows(input, c)) continue;
      const flag = pair(containerSecurity(c), 'readOnlyRootFilesystem');
      if (flag && isTrue(flag.value)) continue;
      yield { line: flag ? flag.keyLine : lineOfPath(c.node, 'securityContext'), message: `${containerLabel(c)} has a writable root file system.`, resource: containerLabel(c) };
    }
  },
});

function limitRule(resource: 'memory' | 'cpu'): KubeRule {
  const memory = resource === 'memory';
  return kubeRule({
    id: `iac/k8s-no-${resource}-limit`,
    title: `No ${resource} limit`,
    description: memory
      ? 'The container has no resources.limits.memory. A leak or a crafted request can exhaust the node\'s memory and get other pods on the node killed: one pod becomes a denial of service for its neighbours.'
      : 'The container has no resources.limits.cpu. A busy loop or a crafted request can starve other pods on the node of CPU.',
    remediation: `Set resources.limits.${resource} (and requests) for every container, or a LimitRange default for the namespace.`,
    severity: memory ? 'medium' : 'low',
    cwe: ['CWE-770'],
    examples: {
      positive: [
        pod(`    resources:\n      # expect\n      limits:\n        ${memory ? 'cpu: 500m' : 'memory: 128Mi'}\n`),
        pod('    # expect\n    resources:\n      requests:\n        cpu: 100m\n'),
        pod('    ports:\n    - containerPort: 80\n').replace('  - name: app', '  # expect\n  - name: app'),
      ],
      negative: [pod(`    resources:\n      limits:\n        ${memory ? 'memory: 128Mi' : 'cpu: 500m'}\n`)],
    },
    *check(input) {
      for (const c of input.containers) {
        if (get(c.node, 'resources', 'limits', resource) !== undefined) continue;
        yield { line: lineOfPath(c.node, 'resources', 'limits'), message: `${containerLabel(c)} has no ${resource} limit.`, resource: containerLabel(c) };
      }
    },
  });
}

/** What the image pin rules leave to the tools that build the image and pin it when they deploy it (model.ts deployedImage, built-images.ts). */
const BUILT_IMAGES_NOTE =
  "An image the repository builds and deploys with skaffold or Tilt is not reported: in a manifest that its skaffold.yaml (build.artifacts, and manifests.rawYaml, manifests.kustomize, the Helm charts of manifests.helm, deploy.kubectl.manifests or the default k8s/*.yaml) or its Tiltfile (docker_build or custom_build, and k8s_yaml with literal paths) deploys, a container image named as an artifact (tag aside) is replaced at deploy time with the image just built, pinned by digest. So is a ko:// import path, which ko resolves to an image by digest. A manifest the tool does not deploy is judged as written. Nor is the placeholder `image: auto` of a container named istio-proxy (an Istio gateway deployment), which Istio's sidecar injector replaces with the mesh's proxy image when the pod is created.";

/** ` (set by kustomize images in overlays/prod/kustomization.yaml)` when a kustomization changed the written image. */
function viaNote(image: DeployedImage): string {
  return image.via ? ` (set by the images of ${image.via})` : '';
}

/** An Istio gateway Deployment: the sidecar injector fills in the istio-proxy container, its image included. */
const ISTIO_GATEWAY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress\n  namespace: edge\nspec:\n  template:\n    metadata:\n      annotations:\n        inject.istio.io/templates: gateway\n      labels:\n        sidecar.istio.io/inject: "true"\n    spec:\n      containers:\n      - name: istio-proxy\n        image: auto\n';

const imageLatest = kubeRule({
  id: 'iac/k8s-image-latest',
  title: "Image uses 'latest', a moving tag or no tag",
  description:
    "The container image has the 'latest' tag, a tag that names a branch or channel rather than a version (main, nightly, edge, stable...), or no tag at all. Which image runs changes whenever the registry changes, rollbacks are impossible, and a compromised upstream push reaches the cluster at the next pod restart. Such an image has no digest either: this one finding asks for both (a version, and a digest), and iac/k8s-image-without-digest leaves it alone. " +
    BUILT_IMAGES_NOTE +
    " Nor is an image that a Makefile, shell script, CI workflow or compose service of the repository builds itself under that name and tag (`docker build -t ${IMG} .` with `IMG ?= controller:latest`, as a kubebuilder operator's manifests name `controller:latest`, a docker/build-push-action step's tags, or a compose service's `image:` beside its `build:`), in a manifest or a Helm chart's values alike: a placeholder that the deployment replaces, or an image made from the same commit, not one pulled from a registry. The same name built under another tag only is still pulled, and so is a name with a registry host (registry.example.org/team/app:latest): the cluster pulls it from there.",
  remediation: 'Reference images by version tag and digest: registry.example.org/app:1.4.2@sha256:<digest>.',
  severity: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    // The repository's Makefile builds controller:latest (`IMG ?= controller:latest`, `docker build -t ${IMG} .`).
    context: { kubernetes: { scriptBuiltImages: new Map([['controller:latest', 'Makefile'], ['registry.example.org/team/app:latest', '.github/workflows/release.yml']]) } },
    positive: [
      pod('').replace('    image: registry.example.org/app:1.4.2', '    # expect\n    image: nginx:latest'),
      pod('').replace('    image: registry.example.org/app:1.4.2', '    # expect\n    image: nginx'),
      pod('').replace('    image: registry.example.org/app:1.4.2', '    # expect\n    image: registry.example.org/app:main'),
      // Built under another tag only: controller:main is pulled.
      pod('').replace('    image: registry.example.org/app:1.4.2', '    # expect\n    image: controller:main'),
      // Built and pushed to a registry, which the cluster pulls it from.
      pod('').replace('    image: registry.example.org/app:1.4.2', '    # expect\n    image: registry.example.org/team/app:latest'),
    ],
    negative: [
      pod(''),
      // An image the repository builds itself by that name and tag: nothing is pulled (kustomize sets the real image at deploy time).
      pod('').replace('registry.example.org/app:1.4.2', 'controller:latest'),
      pod('').replace('registry.example.org/app:1.4.2', 'controller'),
      pod('').replace('app:1.4.2', 'app@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f'),
      // ko resolves an import path to the image it builds, by digest.
      pod('').replace('registry.example.org/app:1.4.2', 'ko://example.org/shop/cmd/web'),
      // An Istio gateway: the sidecar injector puts the proxy image in place of `auto`.
      ISTIO_GATEWAY,
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      const image = deployedImage(c, input);
      const problem = image && !image.builtBy ? pinProblem(image.ref) : undefined;
      // A name with a registry host is pushed there, and the cluster pulls it from there: its tag moves all the same.
      const builtKey = image && registryHost(parseImage(image.ref).name) === undefined ? builtImageKey(image.ref) : undefined;
      if (builtKey !== undefined && input.scriptBuiltImages?.has(builtKey)) continue;
      if (image && problem)
        yield { line: image.line, message: `${containerLabel(c)} runs ${image.ref}${viaNote(image)}${pinProblemNote(image.ref, problem)}; pin a version and digest.`, resource: containerLabel(c), image: image.ref };
    }
  },
});

const imageWithoutDigest = kubeRule({
  id: 'iac/k8s-image-without-digest',
  title: 'Image not pinned by digest',
  description:
    'The container image is referenced by a version tag only. Tags are mutable: whoever can push to the repository (or compromises it) can change what runs in the cluster without any change to the manifest. An image on the latest tag, a moving tag or no tag is reported by iac/k8s-image-latest instead, whose one finding asks for a version and a digest. ' +
    BUILT_IMAGES_NOTE,
  remediation: 'Pin images by digest (image: app:1.4.2@sha256:<digest>) and let Renovate or Dependabot update the digest.',
  severity: 'low',
  cwe: ['CWE-1357'],
  examples: {
    positive: [pod('').replace('    image: registry.example.org/app:1.4.2', '    # expect\n    image: registry.example.org/app:1.4.2')],
    negative: [
      pod('').replace('app:1.4.2', 'app:1.4.2@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f'),
      pod('').replace('registry.example.org/app:1.4.2', 'ko://example.org/shop/cmd/web'),
      ISTIO_GATEWAY,
      // No version to pin a digest to: iac/k8s-image-latest's one finding asks for both.
      pod('').replace('registry.example.org/app:1.4.2', 'nginx:latest'),
      pod('').replace('registry.example.org/app:1.4.2', 'nginx'),
      pod('').replace('registry.example.org/app:1.4.2', 'registry.example.org/app:main'),
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      const image = deployedImage(c, input);
      const ref = image?.builtBy ? undefined : image?.ref;
      if (image && ref && !ref.includes('@') && !/\$|\{\{/.test(ref) && pinProblem(ref) === undefined)
        yield { line: image.line, message: `${containerLabel(c)} runs ${ref}${viaNote(image)} by tag only; pin the digest.`, resource: containerLabel(c), image: ref };
    }
  },
});

const secretInEnv = kubeRule({
  id: 'iac/k8s-secret-in-env',
  title: 'Literal secret in a container environment',
  description:
    'An environment variable with a secret-looking name has its value written in the manifest. The secret is in version control and readable by anyone who can read the workload object (far more people than can read Secrets). The access key of a pair whose secret key is set beside it (MINIO_ACCESS_KEY with MINIO_SECRET_KEY, AWS_ACCESS_KEY with AWS_SECRET_KEY) is not reported: it names the credential (a user name, a key ID), and the secret key is. Nor is a value that a comment on its line, or on the `- name:` line of its variable, tells the reader to replace (`# replace with your Sysdig Cloud access key`): like a value written as a fill-in (`your-api-key-here`), it is a placeholder.',
  remediation: 'Store the value in a Secret (or an external secret manager) and reference it with valueFrom.secretKeyRef, or mount it as a file.',
  severity: 'high',
  cwe: ['CWE-798'],
  placeholderComments: true,
  examples: {
    positive: [
      pod('    env:\n    - name: DB_PASSWORD\n      # expect\n      value: "hunter2-but-longer"\n'),
      // An access key and its secret key: the secret key is the secret (the access key is MinIO's user name).
      pod('    env:\n    - name: MINIO_ACCESS_KEY\n      value: "minio"\n    - name: MINIO_SECRET_KEY\n      # expect\n      value: "minio123"\n'),
    ],
    negative: [
      pod('    env:\n    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db\n          key: password\n'),
      pod('    env:\n    - name: PASSWORD_FILE\n      value: /run/secrets/db\n'),
      // Placeholders a setup script replaces.
      pod('    env:\n    - name: SEARCH_API_KEY\n      value: SEARCH_API_KEY_VAL\n    - name: CLUSTER_TOKEN\n      value: INSERT_CLUSTER_TOKEN\n    - name: DB_PASSWORD\n      value: your-db-password\n    - name: MYSQL_ROOT_PASSWORD\n      value: yourpassword\n'),
    ],
  },
  *check(input) {
    for (const c of input.containers) {
      const names = items(get(c.node, 'env')).flatMap((v) => text(get(v, 'name')) ?? []);
      for (const variable of items(get(c.node, 'env'))) {
        const name = text(get(variable, 'name'));
        const value = pair(variable, 'value');
        const literal = isYScalar(value?.value) ? value!.value.value : undefined;
        // The access key of a pair whose secret key is set beside it names the credential; the secret key is reported.
        if (name && value && isSecretName(name) && !isAccessKeyOfPair(name, names) && isLiteralSecretValue(literal, name))
          yield { line: value.keyLine, message: `${containerLabel(c)} sets ${name} to a literal secret in the manifest.`, resource: containerLabel(c), secret: String(literal) };
      }
    }
  },
});

const secretAsEnvVar = kubeRule({
  id: 'iac/k8s-secret-as-env-var',
  title: 'Secret exposed as an environment variable',
  description:
    'A Secret is passed to the container as environment variables (secretKeyRef or envFrom.secretRef). Environment variables leak into crash dumps, debug endpoints, child processes and logs far more easily than mounted files.',
  remediation: 'Mount the Secret as a read-only volume and have the application read the file.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-526'],
  examples: {
    positive: [pod('    env:\n    - name: DB_PASSWORD\n      valueFrom:\n        # expect\n        secretKeyRef:\n          name: db\n          key: password\n'), pod('    # expect\n    envFrom:\n    - secretRef:\n        name: app-secrets\n')],
    negative: [pod('    envFrom:\n    - configMapRef:\n        name: settings\n'), pod('    volumeMounts:\n    - name: db\n      mountPath: /run/secrets/db\n      readOnly: true\n')],
  },
  *check(input) {
    for (const c of input.containers) {
      for (const variable of items(get(c.node, 'env'))) {
        const ref = pair(get(variable, 'valueFrom'), 'secretKeyRef');
        if (ref) yield { line: ref.keyLine, message: `${containerLabel(c)} reads Secret ${text(get(ref.value, 'name')) ?? ''} into the environment variable ${text(get(variable, 'name')) ?? ''}.`, resource: containerLabel(c) };
      }
      const envFrom = pair(c.node, 'envFrom');
      const secretRefs = items(envFrom?.value).filter((source) => get(source, 'secretRef') !== undefined);
      if (envFrom && secretRefs.length > 0)
        yield { line: envFrom.keyLine, message: `${containerLabel(c)} loads whole Secrets into its environment (envFrom.secretRef).`, resource: containerLabel(c) };
    }
  },
});

const tokenAutomount = kubeRule({
  id: 'iac/k8s-service-account-token-automount',
  title: 'Service account token mounted automatically',
  description:
    'automountServiceAccountToken is not false, so every container gets a Kubernetes API token. Most applications never call the API; for them the token is only a gift to an attacker who gets code execution. A pod whose service account a RoleBinding or ClusterRoleBinding grants a role, in the same file or in another manifest of its directory, calls the API by design and is not reported. A ServiceAccount that sets automountServiceAccountToken: true is reported on that line, naming the pods of the file that use it and set nothing themselves, which are not reported again; when the pods of the file that use it all set it themselves, and one sets true (a chart that writes one value into both), only those pods are reported.',
  remediation: 'Set automountServiceAccountToken: false in the pod spec (and on the ServiceAccount), and enable it only for workloads that call the Kubernetes API.',
  severity: 'low',
  cwe: ['CWE-1188'],
  examples: {
    positive: [
      pod('').replace('spec:\n', '# expect\nspec:\n'),
      pod('', '  # expect\n  automountServiceAccountToken: true\n'),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n# expect\nautomountServiceAccountToken: true\n',
      // The account turns it on: one finding there (naming the pod), none on the pod that sets nothing.
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n# expect\nautomountServiceAccountToken: true\n---\n' + pod('', '  serviceAccountName: app\n'),
    ],
    negative: [
      pod('', '  automountServiceAccountToken: false\n'),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\nautomountServiceAccountToken: false\n---\n' + pod('', '  serviceAccountName: app\n'),
      // A controller: its service account is bound to a role, so it needs the token.
      `${binding('RoleBinding', 'shop', 'Role', 'reader', 'ServiceAccount')}---\n${pod('', '  serviceAccountName: worker\n')}`,
    ],
  },
  *check(input) {
    const withRoles = serviceAccountsWithRoles(input);
    const hasRole = (namespace: string | undefined, account: string) => withRoles.has(`${namespace ?? ''}/${account}`) || (namespace === undefined && [...withRoles].some((k) => k.endsWith(`/${account}`)));
    const accountsWithoutToken = new Set(
      input.objects
        .filter((o) => o.kind === 'ServiceAccount' && isFalse(get(o.root, 'automountServiceAccountToken')))
        .map((o) => `${o.namespace ?? ''}/${o.name}`),
    );
    // Service accounts that turn automount on themselves (reported below): the pods of theirs that set nothing, by account.
    const accountsWithToken = new Map(
      input.objects
        .filter((o) => o.kind === 'ServiceAccount' && isTrue(get(o.root, 'automountServiceAccountToken')) && !hasRole(o.namespace, o.name))
        .map((o) => [`${o.namespace ?? ''}/${o.name}`, [] as string[]]),
    );
    // Accounts that turn automount on, of which a pod reported here turns it on itself too.
    const turnedOnByPods = new Set<string>();
    for (const p of input.pods) {
      const flag = pair(p.spec, 'automountServiceAccountToken');
      if (flag && isFalse(flag.value)) continue;
      // The pod inherits the setting of its service account when it sets none itself.
      const account = text(get(p.spec, 'serviceAccountName')) ?? text(get(p.spec, 'serviceAccount')) ?? 'default';
      if (!flag && accountsWithoutToken.has(`${p.object.namespace ?? ''}/${account}`)) continue;
      if (account !== 'default' && hasRole(p.object.namespace, account)) continue;
      // Its account's own `automountServiceAccountToken: true` mounts the token: one finding there, which names the pod.
      // A pod or account that names no namespace is in the one it is applied to, as hasRole reads it.
      const own = [...accountsWithToken].find(([key]) => {
        const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        return name === account && (namespace === (p.object.namespace ?? '') || namespace === '' || p.object.namespace === undefined);
      });
      if (own && flag) turnedOnByPods.add(own[0]);
      const inherited = flag ? undefined : own?.[1];
      if (inherited) {
        inherited.push(objectLabel(p.object));
        continue;
      }
      yield { line: flag ? flag.keyLine : p.specLine, message: `${objectLabel(p.object)} mounts a service account token; set automountServiceAccountToken: false unless it calls the API.`, resource: objectLabel(p.object) };
    }
    for (const object of input.objects) {
      if (object.kind !== 'ServiceAccount') continue;
      const flag = pair(object.root, 'automountServiceAccountToken');
      if (!flag || !isTrue(flag.value) || hasRole(object.namespace, object.name)) continue;
      const pods = accountsWithToken.get(`${object.namespace ?? ''}/${object.name}`) ?? [];
      // Its pods here all set it themselves and are reported for it (a chart that writes one value into both): one finding, on the pod.
      if (pods.length === 0 && turnedOnByPods.has(`${object.namespace ?? ''}/${object.name}`)) continue;
      const named = pods.length === 0 ? '' : ` (here: ${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ` and ${pods.length - 3} more` : ''})`;
      yield { line: flag.keyLine, message: `${objectTitle(object)} turns token automount on for every pod that uses it${named}.`, resource: objectLabel(object) };
    }
  },
});

function serviceType(object: KubeObject): { type: string; line: number } | undefined {
  if (object.kind !== 'Service') return undefined;
  const p = pair(get(object.root, 'spec'), 'type');
  const type = text(p?.value);
  return p && type ? { type, line: p.keyLine } : undefined;
}

const nodePort = kubeRule({
  id: 'iac/k8s-service-nodeport',
  title: 'Service exposed on every node (NodePort)',
  description:
    "A NodePort Service opens the port on every node's addresses, outside the control of Ingress and often of network policies, and nodes are frequently reachable from wider networks than intended. One that serves only HTTPS (443), or HTTP beside it (80 and 443), is a web entry point (an ingress controller on nodes without a cloud load balancer, as ingress-nginx's bare-metal install) and is reported at info, to check that the node ports are meant to be reached, as iac/k8s-service-loadbalancer does for a load balancer.",
  remediation: 'Use a ClusterIP Service behind an Ingress or an internal load balancer; restrict node ports with firewall rules if NodePort is unavoidable.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  # expect\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n',
      // A web entry point, at info (test/scanners/iac/kubernetes-service-exposure.test.ts).
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-controller\nspec:\n  # expect\n  type: NodePort\n  ports:\n  - name: http\n    port: 80\n  - name: https\n    port: 443\n',
    ],
    negative: ['apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n  ports:\n  - port: 80\n'],
  },
  *check(input) {
    for (const object of input.objects) {
      const type = serviceType(object);
      if (type?.type !== 'NodePort') continue;
      const numbers = items(get(object.root, 'spec', 'ports')).map((p) => Number(text(get(p, 'port'))));
      // HTTPS, or HTTP beside it: an ingress controller or reverse proxy reached on the nodes, public by design.
      if (numbers.includes(443) && numbers.every((n) => n === 80 || n === 443))
        yield {
          line: type.line,
          severity: 'info',
          message: `${objectTitle(object)} is exposed on a port of every node for ${numbers.includes(80) ? 'HTTP and HTTPS (80, 443)' : 'HTTPS (443)'}: a web entry point, public on purpose; check that it is the ingress controller or reverse proxy terminating TLS and that the node ports are meant to be reached.`,
          resource: objectLabel(object),
        };
      else yield { line: type.line, message: `${objectTitle(object)} is exposed on a port of every node.`, resource: objectLabel(object) };
    }
  },
});

const INTERNAL_LB_ANNOTATIONS = [
  'service.beta.kubernetes.io/aws-load-balancer-internal',
  'service.beta.kubernetes.io/azure-load-balancer-internal',
  'cloud.google.com/load-balancer-type',
  'networking.gke.io/load-balancer-type',
  'service.beta.kubernetes.io/openstack-internal-load-balancer',
  'service.beta.kubernetes.io/oci-load-balancer-internal',
  'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type',
  'service.beta.kubernetes.io/aws-load-balancer-scheme',
];

const loadBalancer = kubeRule({
  id: 'iac/k8s-service-loadbalancer',
  title: 'Service exposed through an external load balancer',
  description:
    'A LoadBalancer Service without an "internal" annotation gets a public address from the cloud provider: the workload is reachable from the internet, usually with no authentication in front of it. One that serves only HTTPS (443), or HTTP beside it (80 and 443), is a web entry point (an ingress controller\'s or reverse proxy\'s Service, an Istio gateway\'s with its status port 15021 for the load balancer\'s health checks) and is reported at info, to check that it terminates TLS; a sensitive service port (a database, SSH...) behind the load balancer raises the finding to high.',
  remediation: 'Mark the load balancer internal (e.g. service.beta.kubernetes.io/aws-load-balancer-internal: "true"), restrict loadBalancerSourceRanges, or publish through an Ingress with authentication and TLS.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  # expect\n  type: LoadBalancer\n  ports:\n  - port: 80\n',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    # expect\n    service.beta.kubernetes.io/aws-load-balancer-internal: "false"\nspec:\n  type: LoadBalancer\n',
      // A web entry point, at info (test/scanners/iac/kubernetes-service-exposure.test.ts).
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-controller\nspec:\n  # expect\n  type: LoadBalancer\n  ports:\n  - name: http\n    port: 80\n  - name: https\n    port: 443\n',
      // At the rule severity, not high: a port named grpc is no Consul, whatever its number (test/scanners/iac/kubernetes-named-ports.test.ts).
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: orders\nspec:\n  # expect\n  type: LoadBalancer\n  ports:\n  - name: grpc\n    port: 8500\n    targetPort: grpc\n',
    ],
    negative: [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-internal: "true"\nspec:\n  type: LoadBalancer\n',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: ["10.0.0.0/8"]\n',
    ],
  },
  *check(input) {
    for (const object of input.objects) {
      const type = serviceType(object);
      if (type?.type !== 'LoadBalancer') continue;
      const ranges = strings(get(object.root, 'spec', 'loadBalancerSourceRanges'));
      if (ranges.length > 0 && !ranges.some((r) => /\/0$/.test(r))) continue;
      const annotations = get(object.root, 'metadata', 'annotations');
      let line = type.line;
      let internal = false;
      for (const key of INTERNAL_LB_ANNOTATIONS) {
        const p = pair(annotations, key);
        if (!p) continue;
        const value = (text(p.value) ?? '').toLowerCase();
        if (['true', 'internal', 'private'].includes(value)) internal = true;
        else line = p.keyLine;
      }
      if (internal) continue;
      const ports = items(get(object.root, 'spec', 'ports'));
      const exposed = ports
        .map((p) => sensitivePort(Number(text(get(p, 'port'))), (text(get(p, 'protocol')) ?? 'TCP').toLowerCase() === 'udp' ? 'udp' : 'tcp', undefined, servicePortNames(p)))
        .filter((e) => e !== undefined);
      // HTTPS, or HTTP beside it (the redirect to HTTPS and ACME challenges): an ingress controller or reverse proxy, public by design.
      // An Istio gateway's status port (15021, named status-port) answers only the load balancer's readiness probe.
      const numbers = ports.filter((p) => !isIstioStatusPort(p)).map((p) => Number(text(get(p, 'port'))));
      if (numbers.includes(443) && numbers.every((n) => n === 80 || n === 443)) {
        yield {
          line,
          severity: 'info',
          message: `${objectTitle(object)} gets a public load balancer for ${numbers.includes(80) ? 'HTTP and HTTPS (80, 443)' : 'HTTPS (443)'}: a web entry point, public on purpose; check that it is the ingress controller or reverse proxy terminating TLS, or restrict its source ranges.`,
          resource: objectLabel(object),
        };
        continue;
      }
      yield {
        line,
        message: `${objectTitle(object)} gets a public load balancer${exposed.length > 0 ? ` for ${exposed.map(describePort).join(', ')}` : ''}; mark it internal or restrict its source ranges.`,
        resource: objectLabel(object),
        ...(exposed.length > 0 ? { severity: 'high' as const } : {}),
      };
    }
  },
});

/** Istio's gateway status port: /healthz/ready for the load balancer's health checks, nothing else. */
function isIstioStatusPort(port: YNode): boolean {
  return text(get(port, 'name')) === 'status-port' && text(get(port, 'port')) === '15021';
}

/**
 * What a Service port says of its protocol: its name, its appProtocol, and a targetPort that
 * names a container port (a number says nothing). A port 8500 named grpc is no Consul.
 */
function servicePortNames(port: YNode): Array<string | undefined> {
  const target = text(get(port, 'targetPort'));
  return [text(get(port, 'name')), text(get(port, 'appProtocol')), target !== undefined && !/^\d+$/.test(target) ? target : undefined];
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';

function seccompOf(c: Container): { type: string; line: number } | undefined {
  for (const owner of [get(c.node, 'securityContext'), get(c.pod.spec, 'securityContext')]) {
    const p = pair(get(owner, 'seccompProfile'), 'type');
    const type = text(p?.value);
    if (p && type) return { type, line: p.keyLine };
  }
  const container = annotation(c.pod, `container.seccomp.security.alpha.kubernetes.io/${c.name}`) ?? annotation(c.pod, SECCOMP_POD_ANNOTATION);
  if (container) return { type: container.value, line: container.line };
  return undefined;
}

const seccompUnconfined = kubeRule({
  id: 'iac/k8s-seccomp-unconfined',
  title: 'Seccomp disabled (Unconfined)',
  description:
    'The seccomp profile is Unconfined, so the container can use every system call, including the rarely needed ones behind most container-escape kernel exploits.',
  remediation: 'Use seccompProfile.type: RuntimeDefault (or a Localhost profile) in the pod securityContext.',
  severity: 'high',
  cwe: ['CWE-693'],
  examples: {
    positive: [pod('', '  securityContext:\n    seccompProfile:\n      # expect\n      type: Unconfined\n'), pod('').replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    # expect\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\n')],
    negative: [pod('', '  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n')],
  },
  *check(input) {
    for (const c of input.containers) {
      const profile = seccompOf(c);
      if (profile && /^unconfined$/i.test(profile.type)) yield { line: profile.line, message: `${containerLabel(c)} runs without a seccomp filter.`, resource: containerLabel(c) };
    }
  },
});

const seccompMissing = kubeRule({
  id: 'iac/k8s-seccomp-missing',
  title: 'No seccomp profile',
  description:
    "Neither the pod nor the container sets a seccomp profile. Unless the cluster enables RuntimeDefault by default (kubelet --seccomp-default), containers run Unconfined and can reach every system call. A privileged container is not counted: the runtime runs it without seccomp whatever profile it names, and iac/k8s-privileged-container reports it.",
  remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault at pod level.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-693'],
  examples: {
    positive: [pod('').replace('spec:\n', '# expect\nspec:\n')],
    negative: [
      pod('', '  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n'),
      pod('    securityContext:\n      seccompProfile:\n        type: Localhost\n        localhostProfile: profiles/app.json\n'),
      // Seccomp is Linux's: a Windows pod has none.
      pod('', '  nodeSelector:\n    kubernetes.io/os: windows\n'),
      // A privileged container runs without seccomp whatever it names (iac/k8s-privileged-container).
      pod('    securityContext:\n      privileged: true\n'),
    ],
  },
  *check(input) {
    for (const p of input.pods) {
      const containers = input.containers.filter((c) => c.pod === p);
      if (isWindowsPod(p, containers)) continue;
      // The runtime runs a privileged container without seccomp, whatever profile it names.
      const missing = containers.filter((c) => seccompOf(c) === undefined && !runsPrivileged(c));
      if (missing.length === 0) continue;
      yield {
        line: pair(p.spec, 'securityContext')?.keyLine ?? p.specLine,
        message: `${objectLabel(p.object)} sets no seccomp profile for ${missing.map(containerName).join(', ')}.`,
        resource: objectLabel(p.object),
      };
    }
  },
});

const apparmorUnconfined = kubeRule({
  id: 'iac/k8s-apparmor-unconfined',
  title: 'AppArmor disabled (unconfined)',
  description: 'The container runs with the AppArmor profile unconfined, removing the mandatory access control layer that blocks many container-escape techniques.',
  remediation: 'Use the runtime default profile (appArmorProfile.type: RuntimeDefault) or a custom Localhost profile.',
  severity: 'high',
  cwe: ['CWE-693'],
  examples: {
    positive: [
      pod('').replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    # expect\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\n'),
      pod('    securityContext:\n      appArmorProfile:\n        # expect\n        type: Unconfined\n'),
    ],
    negative: [pod('').replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: runtime/default\n')],
  },
  *check(input) {
    for (const c of input.containers) {
      const note = annotation(c.pod, `container.apparmor.security.beta.kubernetes.io/${c.name}`);
      if (note && note.value === 'unconfined') yield { line: note.line, message: `${containerLabel(c)} runs without AppArmor.`, resource: containerLabel(c) };
      for (const owner of [get(c.node, 'securityContext'), get(c.pod.spec, 'securityContext')]) {
        const p = pair(get(owner, 'appArmorProfile'), 'type');
        if (p && /^unconfined$/i.test(text(p.value) ?? '')) yield { line: p.keyLine, message: `${containerLabel(c)} runs without AppArmor.`, resource: containerLabel(c) };
      }
    }
  },
});

const procMount = kubeRule({
  id: 'iac/k8s-proc-mount-unmasked',
  title: '/proc mounted unmasked',
  description: 'procMount: Unmasked (or a PodSecurityPolicy allowing it) removes the masking of sensitive /proc paths, exposing kernel and host information and easing container escapes.',
  remediation: 'Remove procMount: Unmasked (use Default) and do not allow Unmasked in policies.',
  severity: 'high',
  cwe: ['CWE-200'],
  examples: {
    positive: [
      pod('    securityContext:\n      # expect\n      procMount: Unmasked\n'),
      'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: open\nspec:\n  # expect\n  allowedProcMountTypes:\n  - Unmasked\n',
    ],
    negative: [pod('    securityContext:\n      procMount: Default\n')],
  },
  *check(input) {
    for (const c of input.containers) {
      const p = pair(containerSecurity(c), 'procMount');
      if (p && text(p.value) === 'Unmasked') yield { line: p.keyLine, message: `${containerLabel(c)} mounts /proc unmasked.`, resource: containerLabel(c) };
    }
    for (const psp of podSecurityPolicies(input)) {
      const p = pair(psp.spec, 'allowedProcMountTypes');
      if (p && strings(p.value).includes('Unmasked')) yield { line: p.keyLine, message: `${objectTitle(psp.object)} allows unmasked /proc.`, resource: objectLabel(psp.object) };
    }
  },
});

/** API groups of Kubernetes itself (and '*'): wildcards there reach workloads, RBAC, admission and Secrets. */
const CORE_API_GROUPS = new Set(['', '*', 'apps', 'batch', 'extensions', 'policy', 'autoscaling', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'certificates.k8s.io', 'networking.k8s.io', 'storage.k8s.io', 'node.k8s.io', 'scheduling.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io', 'storagemigration.k8s.io', 'internal.apiserver.k8s.io']);

const noSecurityContext = kubeRule({
  id: 'iac/k8s-no-security-context',
  title: 'No security context',
  description:
    'A pod or container has no securityContext at all, so every hardening setting (non-root user, no privilege escalation, read-only root, dropped capabilities, seccomp) is left at the permissive default. A container of a Windows pod whose pod securityContext sets windowsOptions is not reported: it takes them from the pod, and the settings only a container\'s securityContext holds are Linux\'s.',
  remediation: 'Add a securityContext to the pod (runAsNonRoot, seccompProfile) and to each container (allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL]).',
  severity: 'low',
  cwe: ['CWE-1188'],
  examples: {
    positive: [
      pod('').replace('spec:\n', '# expect\nspec:\n').replace('  - name: app', '  # expect\n  - name: app'),
      // A Windows pod without windowsOptions: nothing for its containers to take.
      pod('', WINDOWS).replace('spec:\n', '# expect\nspec:\n').replace('  - name: app', '  # expect\n  - name: app'),
    ],
    negative: [
      pod(HARDENED, '  securityContext:\n    runAsNonRoot: true\n'),
      // Every container has its own securityContext: the pod needs none.
      pod(HARDENED),
      // A Windows HostProcess pod: its containers take the pod's windowsOptions.
      pod('', '  securityContext:\n    windowsOptions:\n      hostProcess: true\n      runAsUserName: "NT AUTHORITY\\\\SYSTEM"\n  hostNetwork: true\n  nodeSelector:\n    kubernetes.io/os: windows\n'),
    ],
  },
  *check(input) {
    for (const p of input.pods) {
      // Containers that all carry their own securityContext leave nothing for the pod's to add
      // that the other rules (seccomp, run-as-root) would not name.
      const containers = input.containers.filter((c) => c.pod === p);
      const hardenedContainers = containers.length > 0 && containers.every((c) => pair(c.node, 'securityContext'));
      if (!pair(p.spec, 'securityContext') && !hardenedContainers) yield { line: p.specLine, message: `${objectLabel(p.object)} has no pod securityContext.`, resource: objectLabel(p.object) };
    }
    for (const c of input.containers) {
      if (pair(c.node, 'securityContext')) continue;
      // A Windows container takes the pod's windowsOptions (user, HostProcess); the settings only a container's
      // securityContext holds (allowPrivilegeEscalation, readOnlyRootFilesystem, capabilities) are Linux's.
      if (get(c.pod.spec, 'securityContext', 'windowsOptions') !== undefined && onWindows(input, c)) continue;
      yield { line: c.line, message: `${containerLabel(c)} has no securityContext.`, resource: containerLabel(c) };
    }
  },
});

/**
 * Resources whose every verb gives no way to other objects' data, to pods or to the
 * network path of a Service: full control of them can lose a record (events), stall a
 * leader election (leases) or undo a limit, which is medium, not admin.
 */
const NO_ESCALATION_RESOURCES = new Set(['events', 'leases', 'poddisruptionbudgets', 'horizontalpodautoscalers', 'limitranges', 'resourcequotas', 'controllerrevisions']);

/** The fields of an RBAC rule entry a wildcard can stand in, from the least to the most dangerous. */
const WILDCARD_FIELDS = ['apiGroups', 'resources', 'verbs'] as const;

const rbacWildcard = kubeRule({
  id: 'iac/k8s-rbac-wildcard',
  title: 'RBAC rule with wildcards',
  description:
    'A Role or ClusterRole grants "*" verbs, resources or API groups. Wildcards grant every current and future permission, including reading Secrets and creating privileged pods, which is effectively admin. A rule entry is reported once, naming every field where it has "*", on the line of its most dangerous wildcard (verbs, then resources, then apiGroups). Wildcards limited to API groups outside Kubernetes\'s own (an add-on\'s or operator\'s group) reach only those objects and are reported at medium severity, and so are wildcards (verbs, or the API groups) on status, finalizers or scale subresources alone (ingresses/status, */scale of every group, as an autoscaler needs, and */finalizers of every group, which only lets a controller set blockOwnerDeletion on the owner references it writes where the OwnerReferencesPermissionEnforcement admission plugin runs; not */status, which spans nodes/status), which take only get, update and patch: they neither read nor create the objects themselves. Wildcard verbs on named resources that lead nowhere else (events, leases, poddisruptionbudgets, horizontalpodautoscalers, limitranges, resourcequotas, controllerrevisions: the leader election and event recording every controller does) are medium too: full control of them can stall a controller or hide a record, not reach Secrets, pods or the network. A ClusterRole with an aggregationRule is not judged by the rules it writes (often `rules: []`): the clusterrole-aggregation controller replaces them with the rules of the ClusterRoles its selectors match, which are judged where they are written. A finding on a ClusterRole aggregated into the built-in view, edit or admin role (rbac.authorization.k8s.io/aggregate-to-*) says so, as every subject bound to those roles gets the grant.',
  remediation: 'List the exact apiGroups, resources and verbs the subject needs.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  resources: ["pods"]\n  # expect\n  verbs: ["*"]\n'),
      // One finding per rule entry, on its most dangerous wildcard.
      role('- apiGroups: ["*"]\n  # expect\n  resources: ["*"]\n  verbs: ["get"]\n', 'ClusterRole'),
      role('- apiGroups: ["*"]\n  resources: ["*"]\n  # expect\n  verbs: ["*"]\n- apiGroups: ["apps"]\n  resources: ["deployments"]\n  # expect\n  verbs: ["*"]\n', 'ClusterRole'),
      role('- apiGroups:\n  - custom.metrics.k8s.io\n  # expect\n  resources:\n  - "*"\n  verbs: [get, list, watch]\n', 'ClusterRole'),
      // The scale subresource of every group: replica counts only (medium).
      role('# expect\n- apiGroups: ["*"]\n  resources: ["*/scale"]\n  verbs: ["get", "update", "patch"]\n', 'ClusterRole'),
      role('# expect\n- apiGroups: ["*"]\n  resources: ["*/scale", "secrets"]\n  verbs: ["get"]\n', 'ClusterRole'),
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["get", "list"]\n'),
      // An aggregating ClusterRole: the controller writes its rules from the roles labelled widgets.example.org/aggregate-to-manager.
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: widget-manager\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      widgets.example.org/aggregate-to-manager: "true"\nrules:\n- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["*"]\n',
    ],
  },
  *check(input) {
    for (const r of rbacRules(input)) {
      // Wildcards inside one add-on's API group (custom.metrics.k8s.io) reach only that add-on's objects.
      const scoped = r.apiGroups.length > 0 && r.apiGroups.every((g) => !CORE_API_GROUPS.has(g));
      // Only subresources that take get, update and patch: "*" there writes status, finalizers or replica counts, nothing more.
      // The scale subresource of every resource too (*/scale: replica counts, what an autoscaler needs), and */finalizers (Argo CD's
      // server: only checked by OwnerReferencesPermissionEnforcement, to set blockOwnerDeletion); not */status, which spans nodes/status.
      const minorSubresources = r.resources.length > 0 && r.resources.every((res) => /^(?:[^*/]+\/(?:status|finalizers|scale)|\*\/(?:scale|finalizers))$/.test(res));
      // Resources named one by one: a wildcard verb or API group reaches only them, and the message names them.
      const named = r.resources.length > 0 && !r.resources.some((res) => res.includes('*'));
      // Named resources that lead nowhere else (events, leases): every verb on them stalls a controller at worst.
      const noEscalation = named && r.resources.every((res) => NO_ESCALATION_RESOURCES.has(res.split('/')[0]!));
      // A rule of non-resource URLs (/metrics, /debug/pprof, /logs of the API server) names no resources: the message names the URLs.
      const urls = r.resources.length === 0 ? strings(get(r.node, 'nonResourceURLs')) : [];
      const wild = WILDCARD_FIELDS.filter((key) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs })[key].includes('*'));
      if (wild.length === 0) continue;
      // One finding per rule entry, on its most dangerous wildcard (verbs, then resources, then API groups): one fix, one place to suppress.
      const worst = wild[wild.length - 1]!;
      // A "*" in resources itself is never narrowed by the names beside it (minorSubresources and named exclude it).
      yield {
        line: r.line(worst),
        message: `${objectLabel(r.object)} grants "*" in ${wordList(wild)}${urls.length > 0 ? ` on the non-resource URLs ${urls.join(', ')}` : scoped ? ` within the API group${r.apiGroups.length > 1 ? 's' : ''} ${r.apiGroups.join(', ')}` : minorSubresources ? ` on ${r.resources.join(', ')} only` : named ? ` on ${r.resources.join(', ')}` : ''}.`,
        resource: objectLabel(r.object),
        ...(scoped || minorSubresources || noEscalation ? { severity: 'medium' as const } : {}),
      };
    }
  },
});

const rbacSecrets = kubeRule({
  id: 'iac/k8s-rbac-secrets-access',
  title: 'RBAC role can read Secrets',
  description:
    'A Role or ClusterRole can get, list or watch Secrets. Every subject bound to it can read credentials of every workload in scope (list returns the values too), a common step from one compromised pod to the whole namespace or cluster. Kubernetes\'s own roles (system:*, and the bootstrap admin, edit and view) are not reported, nor are ClusterRoles aggregated into admin or edit, which grant this in the namespaces they are bound in. A ClusterRole bound cluster-wide to a service account, by a binding in the same file or in another manifest of its directory (or a binding of an aggregating ClusterRole whose clusterRoleSelectors pick it, in the same file or in a manifest of its directory or of one above it), is high: every pod that runs as that account reads the Secrets of every namespace. A Role, or a ClusterRole bound only by RoleBindings, bound to a service account stays medium, as an unbound role does, and the message says that the access is limited to a namespace (the Secrets of the controller\'s own namespace, such as a webhook\'s certificate or a member list key, are what ingress controllers, load balancers and operators read there). A ClusterRole aggregated into the built-in view role is reported with a note saying so: view excludes Secrets by design, and every subject bound to view, edit or admin would read them. A role that is a Helm hook deleted once its hook succeeds (helm.sh/hook-delete-policy: hook-succeeded) grants only while the hook runs, and is reported one severity lower. A later rule of a role already reported that grants no reading verb the earlier ones did not is not reported again.',
  remediation: 'Remove secrets from the rule, or limit it to the secrets the workload needs with resourceNames.',
  severity: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  resources: ["secrets"]\n  # expect\n  verbs: ["get", "list"]\n'),
      `${role('- apiGroups: [""]\n  resources: ["secrets"]\n  # expect\n  verbs: ["watch"]\n')}---\n${binding('RoleBinding', 'shop', 'Role', 'reader', 'ServiceAccount')}`,
      // A second rule of the role that grants the same again (cert-manager's challenges role) is not another finding.
      role('- apiGroups: [""]\n  resources: ["secrets"]\n  # expect\n  verbs: ["get", "list", "watch"]\n- apiGroups: [""]\n  resources: ["events"]\n  verbs: ["create"]\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list"]\n', 'ClusterRole'),
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: ["get", "list"]\n'),
      role('- apiGroups: [""]\n  resources: ["secrets"]\n  resourceNames: ["app-tls"]\n  verbs: ["get"]\n'),
      role('- apiGroups: [""]\n  resources: ["secrets"]\n  resourceNames: ["webhook-ca"]\n  verbs: ["get", "list", "watch", "update"]\n'),
      renamed(role('- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list", "watch"]\n', 'ClusterRole'), 'system:controller:namespace-controller'),
      renamed(role('- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list"]\n', 'ClusterRole'), 'widget-edit', '    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n'),
    ],
  },
  *check(input) {
    // The reading verbs already reported for each role: a later rule that grants no more is the same finding again.
    const reported = new Map<KubeObject, Set<string>>();
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || aggregatedIntoAdminOrEdit(r.object)) continue;
      if (!r.resources.includes('secrets') && !r.resources.includes('*')) continue;
      if (r.resources.includes('*') && r.verbs.includes('*')) continue; // reported as a wildcard
      if (!r.verbs.some((v) => ['get', 'list', 'watch', '*'].includes(v))) continue;
      // resourceNames limits get, and list and watch too (to a field selector on those names).
      if (strings(get(r.node, 'resourceNames')).length > 0) continue;
      if (!(r.apiGroups.length === 0 || r.apiGroups.some((g) => g === '' || g === '*'))) continue;
      // A service account bound to the role in this file hands the access to every pod that runs as it.
      const accounts = boundServiceAccounts(input, r.object);
      const reading = r.verbs.filter((v) => ['get', 'list', 'watch', '*'].includes(v));
      const before = reported.get(r.object);
      if (before?.has('*') || (before && reading.every((v) => before.has(v)))) continue;
      reported.set(r.object, new Set([...(before ?? []), ...reading]));
      // Bound cluster-wide, the access spans every namespace (high); a Role, or a ClusterRole bound only by RoleBindings, one namespace's Secrets.
      const cluster = accounts.length > 0 && r.object.kind === 'ClusterRole' && scopeOf(input, r.object).scope === 'cluster';
      const where = accounts.length === 0 ? '' : cluster ? ' of every namespace' : r.object.kind === 'Role' ? ' of its namespace only' : ' of the namespaces of its RoleBindings only';
      yield {
        line: r.line('verbs'),
        message: `${objectLabel(r.object)} can read Secrets (${reading.join(', ')})${where}${accounts.length > 0 ? `, and service account ${accounts.join(', ')} is bound to it` : ''}.`,
        resource: objectLabel(r.object),
        ...(cluster ? { severity: 'high' as const } : {}),
      };
    }
  },
});

const rbacEscalate = kubeRule({
  id: 'iac/k8s-rbac-bind-escalate',
  title: 'RBAC role can bind or escalate roles',
  description:
    'The bind and escalate verbs on roles let a subject grant itself (or others) permissions it does not have, bypassing RBAC\'s own escalation prevention. Kubernetes\'s own roles (system:*, and the bootstrap admin, edit and view) are not reported.',
  remediation: 'Remove bind and escalate; reserve them for cluster administrators.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [role('- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["clusterroles"]\n  # expect\n  verbs: ["bind"]\n')],
    negative: [
      role('- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["roles"]\n  verbs: ["get"]\n'),
      renamed(role('- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["clusterroles"]\n  verbs: ["bind", "escalate"]\n', 'ClusterRole'), 'system:controller:clusterrole-aggregation-controller'),
    ],
  },
  *check(input) {
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object)) continue;
      const verbs = r.verbs.filter((v) => v === 'bind' || v === 'escalate');
      if (verbs.length > 0) yield { line: r.line('verbs'), message: `${objectLabel(r.object)} can ${verbs.join(' and ')} roles, granting permissions it does not hold.`, resource: objectLabel(r.object) };
    }
  },
});

const rbacImpersonate = kubeRule({
  id: 'iac/k8s-rbac-impersonate',
  title: 'RBAC role can impersonate',
  description:
    "The impersonate verb lets a subject act as other users, groups or service accounts, and so obtain their permissions, up to cluster-admin. Kubernetes\'s own roles (system:*, and the bootstrap admin, edit and view) are not reported, nor is a ClusterRole aggregated into admin or edit that impersonates only service accounts (edit grants that in the namespaces it is bound in).",
  remediation: 'Remove impersonate, or restrict it with resourceNames to specific identities that hold fewer permissions.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [role('- apiGroups: [""]\n  resources: ["users", "groups", "serviceaccounts"]\n  # expect\n  verbs: ["impersonate"]\n', 'ClusterRole')],
    negative: [
      role('- apiGroups: [""]\n  resources: ["serviceaccounts"]\n  verbs: ["get"]\n'),
      renamed(role('- apiGroups: [""]\n  resources: ["serviceaccounts"]\n  verbs: ["impersonate"]\n', 'ClusterRole'), 'widget-edit', '    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n'),
    ],
  },
  *check(input) {
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || (aggregatedIntoAdminOrEdit(r.object) && r.resources.length > 0 && r.resources.every((res) => res === 'serviceaccounts'))) continue;
      if (r.verbs.includes('impersonate')) yield { line: r.line('verbs'), message: `${objectLabel(r.object)} can impersonate other identities.`, resource: objectLabel(r.object) };
    }
  },
});

const rbacExec = kubeRule({
  id: 'iac/k8s-rbac-exec-attach',
  title: 'RBAC role can exec into or attach to pods',
  description:
    "Access to pods/exec or pods/attach lets a subject run commands in any pod in scope, with that pod's service account, secrets and network position. Kubernetes's own roles (system:*, and the bootstrap admin, edit and view) are not reported, nor are ClusterRoles aggregated into admin or edit, which grant this in the namespaces they are bound in. A later rule of a role already reported that grants no subresource the earlier ones did not is not reported again.",
  remediation: 'Remove pods/exec and pods/attach from application roles; grant them temporarily to people who debug, not to workloads.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  # expect\n  resources: ["pods", "pods/attach"]\n  verbs: ["get", "create"]\n'),
      role('- apiGroups: [""]\n  # expect\n  resources: ["pods/exec"]\n  verbs: ["create"]\n'),
      // A later rule that grants the same subresources again (kubeflow's kubeflow-kubernetes-edit: read verbs, then write verbs) is no second finding; one that adds another is.
      role('- apiGroups: [""]\n  # expect\n  resources: ["pods/exec"]\n  verbs: ["get"]\n- apiGroups: [""]\n  resources: ["pods/exec"]\n  verbs: ["create"]\n- apiGroups: [""]\n  # expect\n  resources: ["pods/exec", "pods/attach"]\n  verbs: ["create"]\n'),
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["pods", "pods/log"]\n  verbs: ["get"]\n'),
      renamed(role('- apiGroups: [""]\n  resources: ["pods/exec"]\n  verbs: ["create"]\n', 'ClusterRole'), 'widget-admin', '    rbac.authorization.k8s.io/aggregate-to-admin: "true"\n'),
    ],
  },
  *check(input) {
    // The subresources already reported for each role: a later rule that grants them again is the same finding.
    const reported = new Map<KubeObject, Set<string>>();
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || aggregatedIntoAdminOrEdit(r.object)) continue;
      const sub = r.resources.filter((res) => res === 'pods/exec' || res === 'pods/attach');
      if (sub.length === 0 || !r.verbs.some((v) => v === 'create' || v === 'get' || v === '*')) continue;
      const before = reported.get(r.object) ?? new Set<string>();
      if (sub.every((res) => before.has(res))) continue;
      reported.set(r.object, new Set([...before, ...sub]));
      yield { line: r.line('resources'), message: `${objectLabel(r.object)} grants ${sub.join(' and ')}: commands in other pods.`, resource: objectLabel(r.object) };
    }
  },
});

const rbacPortForward = kubeRule({
  id: 'iac/k8s-rbac-port-forward',
  title: 'RBAC role can port-forward to pods',
  description:
    'Access to pods/portforward opens a tunnel to any port of any pod in scope, bypassing Services, NetworkPolicies and ingress authentication. Kubernetes\'s own roles (system:*, and the bootstrap admin, edit and view) are not reported, nor are ClusterRoles aggregated into admin or edit, which grant this in the namespaces they are bound in. A role is reported once, on its first rule that grants it.',
  remediation: 'Remove pods/portforward from the role.',
  severity: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      role('- apiGroups: [""]\n  # expect\n  resources: ["pods", "pods/portforward"]\n  verbs: ["get", "create"]\n'),
      // One finding per role, on its first rule that grants it.
      role('- apiGroups: [""]\n  # expect\n  resources: ["pods/portforward"]\n  verbs: ["get"]\n- apiGroups: [""]\n  resources: ["pods", "pods/portforward"]\n  verbs: ["create"]\n'),
    ],
    negative: [
      role('- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["get"]\n'),
      renamed(role('- apiGroups: [""]\n  resources: ["pods/portforward"]\n  verbs: ["create"]\n', 'ClusterRole'), 'system:kube-scheduler'),
    ],
  },
  *check(input) {
    // A role reported once: a later rule that grants pods/portforward again is the same finding.
    const reported = new Set<KubeObject>();
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || aggregatedIntoAdminOrEdit(r.object) || reported.has(r.object)) continue;
      if (!r.resources.includes('pods/portforward') || !r.verbs.some((v) => v === 'create' || v === 'get' || v === '*')) continue;
      reported.add(r.object);
      yield { line: r.line('resources'), message: `${objectLabel(r.object)} grants pods/portforward.`, resource: objectLabel(r.object) };
    }
  },
});

/** Verbs that only read: what the built-in view role grants. */
const READ_VERBS = new Set(['get', 'list', 'watch']);

const rbacViewAggregatedWrite = kubeRule({
  id: 'iac/k8s-rbac-view-aggregated-write',
  title: 'ClusterRole aggregated into view grants writes',
  description:
    'A ClusterRole labelled rbac.authorization.k8s.io/aggregate-to-view: "true" has its rules added by the clusterrole-aggregation controller to the built-in view role, and through it to edit and admin. view is meant to be read-only (get, list and watch, and no Secrets), and it is the role handed out widely: to every developer of a namespace, read-only dashboards, auditors, sometimes cluster-wide. A rule of such a role with any other verb (create, update, patch, delete, deletecollection, ...) lets every subject bound to view change those objects in each namespace it is bound in. Add-ons that aggregate their custom resources into the built-in roles put the write verbs in a ClusterRole aggregated into edit or admin. Wildcard verbs are reported by iac/k8s-rbac-wildcard and reading Secrets by iac/k8s-rbac-secrets-access, whose messages name the aggregation too.',
  remediation: 'Keep only get, list and watch in the ClusterRole aggregated into view, and move the write verbs to a ClusterRole labelled rbac.authorization.k8s.io/aggregate-to-edit (or aggregate-to-admin).',
  severity: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      renamed(role('- apiGroups: ["widgets.example.org"]\n  resources: ["widgets"]\n  # expect\n  verbs: ["get", "list", "watch", "update", "delete"]\n', 'ClusterRole'), 'widget-view', '    rbac.authorization.k8s.io/aggregate-to-view: "true"\n'),
    ],
    negative: [
      renamed(role('- apiGroups: ["widgets.example.org"]\n  resources: ["widgets"]\n  verbs: ["get", "list", "watch"]\n', 'ClusterRole'), 'widget-view', '    rbac.authorization.k8s.io/aggregate-to-view: "true"\n'),
      renamed(role('- apiGroups: ["widgets.example.org"]\n  resources: ["widgets"]\n  verbs: ["create", "update", "delete"]\n', 'ClusterRole'), 'widget-edit', '    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n'),
      // An aggregate-to-view label set to anything but "true" aggregates nothing.
      renamed(role('- apiGroups: ["widgets.example.org"]\n  resources: ["widgets"]\n  verbs: ["create"]\n', 'ClusterRole'), 'widget-view', '    rbac.authorization.k8s.io/aggregate-to-view: "false"\n'),
    ],
  },
  *check(input) {
    for (const r of rbacRules(input)) {
      if (isBuiltIn(r.object) || aggregatedInto(r.object)[0] !== 'view' || r.verbs.includes('*')) continue;
      const writes = r.verbs.filter((v) => !READ_VERBS.has(v));
      if (writes.length === 0) continue;
      const on = r.resources.length > 0 ? ` ${r.resources.join(', ')}` : '';
      yield {
        line: r.line('verbs'),
        message: `${objectLabel(r.object)} is aggregated into the built-in view role and grants ${writes.join(', ')} on${on || ' its resources'}: every subject bound to view, edit or admin can change them, in each namespace it is bound in.`,
        resource: objectLabel(r.object),
      };
    }
  },
});

const clusterAdminBinding = kubeRule({
  id: 'iac/k8s-cluster-admin-binding',
  title: 'Binding to cluster-admin',
  description: 'A RoleBinding or ClusterRoleBinding grants the cluster-admin role: full control of every object in the cluster (or namespace), including Secrets and RBAC.',
  remediation: 'Create a role with only the permissions the subject needs and bind that instead.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: ['apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  # expect\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: build\n'],
    negative: ['apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: build\n'],
  },
  *check(input) {
    for (const object of input.objects) {
      if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') continue;
      const name = pair(get(object.root, 'roleRef'), 'name');
      if (name && text(name.value) === 'cluster-admin') yield { line: name.keyLine, message: `${objectLabel(object)} grants cluster-admin.`, resource: objectLabel(object) };
    }
  },
});

const defaultServiceAccountBinding = kubeRule({
  id: 'iac/k8s-default-service-account-binding',
  title: 'Role bound to the default service account',
  description: "A binding grants permissions to a namespace's default service account, which every pod without an explicit serviceAccountName uses: every workload in the namespace silently gets those permissions.",
  remediation: 'Create a dedicated service account for the workload that needs the permissions and bind the role to it.',
  severity: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: read\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n- kind: ServiceAccount\n  # expect\n  name: default\n  namespace: shop\n',
      // The role only reads endpoints: reported low (test/scanners/iac/k8s-sweep-helm.test.ts).
      `${role('- apiGroups: [""]\n  resources: ["endpoints"]\n  verbs: ["get"]\n')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: read\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n- kind: ServiceAccount\n  # expect\n  name: default\n`,
    ],
    negative: ['apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: read\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n- kind: ServiceAccount\n  name: reporter\n  namespace: shop\n'],
  },
  *check(input) {
    for (const object of input.objects) {
      if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') continue;
      for (const subject of items(get(object.root, 'subjects'))) {
        const name = pair(subject, 'name');
        if (text(get(subject, 'kind')) !== 'ServiceAccount' || !name || text(name.value) !== 'default') continue;
        const reads = harmlessReads(input, object);
        yield reads
          ? {
              line: name.keyLine,
              message: `${objectLabel(object)} grants its role to the default service account; ${reads.role} only reads ${reads.resources.join(', ')}, which every pod of the namespace without a service account of its own can then read too.`,
              resource: objectLabel(object),
              severity: 'low',
            }
          : { line: name.keyLine, message: `${objectLabel(object)} grants its role to the default service account.`, resource: objectLabel(object) };
      }
    }
  },
});

/**
 * The role a binding refers to, when the input holds it and all it grants is reading
 * (get, list, watch) objects of named kinds other than Secrets, subresources (nodes/proxy
 * opens the kubelet with get) aside: a chart that binds the default account to a Role that
 * reads endpoints, when it creates no account of its own. Anything else, or a role not
 * written here, stays at the rule's severity.
 */
function harmlessReads(input: KubeInput, binding: KubeObject): { role: string; resources: string[] } | undefined {
  const ref = get(binding.root, 'roleRef');
  const kind = text(get(ref, 'kind'));
  const name = text(get(ref, 'name'));
  const role = input.objects.find(
    (o) => o.kind === kind && o.name === name && (kind !== 'Role' || o.namespace === undefined || binding.namespace === undefined || o.namespace === binding.namespace),
  );
  if (!role || get(role.root, 'aggregationRule') !== undefined) return undefined;
  const rules = items(get(role.root, 'rules'));
  if (rules.length === 0) return undefined;
  const resources = new Set<string>();
  for (const item of rules) {
    const verbs = strings(get(item, 'verbs'));
    const kinds = strings(get(item, 'resources'));
    if (get(item, 'nonResourceURLs') !== undefined || verbs.length === 0 || kinds.length === 0) return undefined;
    if (!verbs.every((verb) => READ_VERBS.has(verb)) || kinds.some((k) => k === '*' || k === 'secrets' || k.includes('/'))) return undefined;
    for (const k of kinds) resources.add(k);
  }
  return { role: objectLabel(role), resources: [...resources] };
}

/**
 * Kinds whose namespace is what they act on, not where something runs: a Role and a
 * RoleBinding grant access to the objects of their namespace, a NetworkPolicy guards its
 * pods. Written into "default" on purpose (a monitoring stack's Role to discover the
 * endpoints of default), they keep nothing there that the namespace would separate.
 */
const ABOUT_THEIR_NAMESPACE = new Set(['Role', 'RoleBinding', 'NetworkPolicy']);

const defaultNamespace = kubeRule({
  id: 'iac/k8s-default-namespace',
  title: 'Object in the default namespace',
  description:
    'The object sets no namespace or uses "default". The default namespace is shared by everything deployed without thought, so RBAC, network policies and quotas cannot separate this workload from the rest. A file none of whose objects sets a namespace is usually deployed into one chosen at install (kubectl apply -n, a deploy tool\'s target namespace): it gets one informational finding, on its first object. An object that sets none beside objects that do is reported each time, as is an explicit "default", except on a Role, a RoleBinding or a NetworkPolicy, which name default as the namespace they grant access to or guard (a monitoring stack\'s Role and RoleBinding that let it discover the endpoints of default). A custom resource counts when it is known to be namespaced (an Argo Rollout, a Knative Service, the other workloads secloop reads pods from); the scope of any other is unknown without its CRD. An object of a file that a kustomization with `namespace:` lists as a resource (directly or through its bases), or that a Flux Kustomization (`targetNamespace`) or an Argo CD Application (`destination.namespace`, or that of an ApplicationSet for the directories its git generator selects) of the scan deploys from its path, gets that namespace (kustomize and Flux put it in place of an explicit "default" too); the templates of a Helm chart get the release namespace. So do the objects of a manifest that helm template wrote (a `# Source: <chart>/templates/...` comment above each): the "default" it writes without -n is reported as an unset namespace, once for the file, at informational severity.',
  remediation: 'Deploy into a dedicated namespace (metadata.namespace, or the namespace of the kustomization or deploy tool) with its own RBAC, NetworkPolicies and resource quotas.',
  severity: 'low',
  confidence: 'low',
  cwe: ['CWE-1188'],
  examples: {
    positive: [
      'apiVersion: v1\nkind: ConfigMap\n# expect\nmetadata:\n  name: settings\ndata:\n  a: b\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  # expect\n  namespace: default\n',
      // No object sets a namespace: one finding for the file, on its first object.
      'apiVersion: v1\nkind: ConfigMap\n# expect\nmetadata:\n  name: settings\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n',
      // The object that sets none beside one that does lands elsewhere.
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n---\napiVersion: v1\nkind: ServiceAccount\n# expect\nmetadata:\n  name: web\n',
      // A namespaced custom resource beside an object that sets a namespace.
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\n# expect\nmetadata:\n  name: web\nspec: {}\n',
      // The output of helm template, its release namespace written as "default": one (informational) finding for the file.
      '---\n# Source: shop/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\n# expect\nmetadata:\n  name: release-name-shop\n  namespace: default\n---\n# Source: shop/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: release-name-shop\n  namespace: default\n',
    ],
    negative: [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n',
      // A custom resource of unknown scope (it may be cluster-scoped), and a known cluster-scoped one.
      'apiVersion: widgets.example.org/v1\nkind: Widget\nmetadata:\n  name: w\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: ClusterAnalysisTemplate\nmetadata:\n  name: success-rate\nspec: {}\n',
      // A Role and its RoleBinding that grant a service account of another namespace access to the endpoints of default.
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: discovery\n  namespace: default\nrules:\n- apiGroups: [""]\n  resources: ["endpoints", "pods"]\n  verbs: ["get", "list", "watch"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: discovery\n  namespace: default\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: discovery\nsubjects:\n- kind: ServiceAccount\n  name: prometheus\n  namespace: monitoring\n',
      // A NetworkPolicy that guards the pods of default.
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-ingress\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes: ["Ingress"]\n',
      // helm template output: "default" is the release namespace, beside an object the chart puts in a namespace of its own.
      '---\n# Source: shop/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-name-shop\n  namespace: default\n---\n# Source: shop/templates/dashboard.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-dashboard\n  namespace: monitoring\n',
    ],
  },
  *check(input) {
    const namespaced = input.objects.filter((object) => isNamespaced(object) && pair(object.root, 'metadata'));
    // What `helm template` wrote as "default" is the release namespace, chosen at install: as if unset.
    const setHere = (object: KubeObject) => {
      const ns = pair(get(object.root, 'metadata'), 'namespace');
      return ns !== undefined && !(object.helmRendered && text(ns.value) === 'default');
    };
    const unset = namespaced.filter((object) => !setHere(object));
    // A kustomization that lists the file sets the namespace of its objects.
    if (!input.kustomizeNamespace && unset.length > 0 && unset.length === namespaced.length) {
      const first = unset[0]!;
      const others = unset.length > 1 ? ` (and the ${unset.length - 1} other object${unset.length === 2 ? '' : 's'} ${scopePhrase(input, 'of')})` : '';
      const rendered = unset.every((object) => object.helmRendered);
      yield {
        line: pair(first.root, 'metadata')!.keyLine,
        message: rendered
          ? `${objectLabel(first)}${others} is in the release namespace, which helm template wrote as "default": it lands in "default" unless installed with -n.`
          : `${objectLabel(first)}${others} sets no namespace and lands in "default" unless deployed with -n or a deploy tool's namespace.`,
        resource: objectLabel(first),
        severity: 'info',
      };
    }
    for (const object of namespaced) {
      const metadata = pair(object.root, 'metadata')!;
      if (!setHere(object) && object.helmRendered && pair(metadata.value, 'namespace')) continue;
      const ns = pair(metadata.value, 'namespace');
      if (!ns && !input.kustomizeNamespace && unset.length < namespaced.length)
        yield { line: metadata.keyLine, message: `${objectLabel(object)} sets no namespace, unlike other objects ${scopePhrase(input, 'of')}: it lands in "default" or in the namespace given at deploy time.`, resource: objectLabel(object) };
      // kustomize's namespace replaces the default the object writes.
      else if (ns && text(ns.value) === 'default' && !ABOUT_THEIR_NAMESPACE.has(object.kind) && !input.kustomizeNamespace?.overrides)
        yield { line: ns.keyLine, message: `${objectLabel(object)} is deployed to the default namespace.`, resource: objectLabel(object) };
    }
  },
});

const defaultServiceAccount = kubeRule({
  id: 'iac/k8s-default-service-account',
  title: 'Pod runs as the default service account',
  description:
    "The pod names no serviceAccountName (or an empty one), so it runs as its namespace's default service account. Every such workload shares that identity: permissions granted to one are granted to all, and the API cannot tell them apart in audit logs.",
  remediation: 'Create a service account per workload (with automountServiceAccountToken: false unless it calls the API) and set spec.serviceAccountName.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      pod('').replace('spec:\n', '# expect\nspec:\n'),
      pod('', '  # expect\n  serviceAccountName: ""\n'),
      deployment('', '      volumes:\n      - name: token\n        projected:\n          sources:\n          - serviceAccountToken:\n              path: token\n      automountServiceAccountToken: false\n').replace('    spec:\n', '    # expect\n    spec:\n'),
    ],
    negative: [pod('', '  serviceAccountName: web\n'), pod('', '  automountServiceAccountToken: false\n')],
  },
  *check(input) {
    for (const p of input.pods) {
      const name = pair(p.spec, 'serviceAccountName') ?? pair(p.spec, 'serviceAccount');
      if (name && text(name.value)) continue;
      // Without a token the pod cannot act as its service account, unless it projects one.
      const projectsToken = items(get(p.spec, 'volumes')).some((v) => items(get(v, 'projected', 'sources')).some((s) => get(s, 'serviceAccountToken') !== undefined));
      if (isFalse(get(p.spec, 'automountServiceAccountToken')) && !projectsToken) continue;
      yield {
        line: name ? name.keyLine : p.specLine,
        message: `${objectLabel(p.object)} runs as the namespace's default service account; give it a service account of its own.`,
        resource: objectLabel(p.object),
      };
    }
  },
});

const imagePullPolicy = kubeRule({
  id: 'iac/k8s-image-pull-policy-not-always',
  title: 'Tagged image not pulled on every start',
  description:
    "A container runs an image by tag without imagePullPolicy: Always (the default for a tag other than latest is IfNotPresent). A node then reuses whatever image it cached under that tag: a re-pushed tag is not picked up, and a pod can start an image cached by another workload without the registry checking that it may pull it. " +
    BUILT_IMAGES_NOTE,
  remediation: 'Pin the image by digest (then IfNotPresent is safe), or set imagePullPolicy: Always for images referenced by tag.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [pod('').replace('  - name: app', '  # expect\n  - name: app'), pod('    # expect\n    imagePullPolicy: IfNotPresent\n')],
    negative: [pod('    imagePullPolicy: Always\n'), pod('').replace('app:1.4.2', 'app:1.4.2@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f'), pod('').replace('app:1.4.2', 'app:latest')],
  },
  *check(input) {
    for (const c of input.containers) {
      const image = deployedImage(c, input);
      const ref = image?.builtBy ? undefined : image?.ref;
      if (!ref || ref.includes('@') || /\{\{/.test(ref)) continue;
      // Untagged and :latest images default to Always (and are reported by iac/k8s-image-latest, as are moving tags).
      if (pinProblem(ref) !== undefined || !/:[^/]+$/.test(ref)) continue;
      const policy = pair(c.node, 'imagePullPolicy');
      if (policy && text(policy.value) === 'Always') continue;
      yield {
        line: policy ? policy.keyLine : c.line,
        message: `${containerLabel(c)} runs ${ref} with imagePullPolicy ${text(policy?.value) ?? 'IfNotPresent (default)'}; the node may reuse a stale or foreign cached image.`,
        resource: containerLabel(c),
        image: ref,
      };
    }
  },
});

/**
 * A finding of an RBAC rule on a ClusterRole aggregated into view, edit or admin says so: the
 * grant reaches every subject bound to those roles (rbac.ts aggregationNote).
 */
function withAggregationNote(rule: KubeRule): KubeRule {
  if (!rule.id.startsWith('iac/k8s-rbac-') || rule.id === rbacViewAggregatedWrite.id) return rule;
  const check = rule.check;
  return {
    ...rule,
    *check(input) {
      const aggregated = new Map(input.objects.filter((o) => aggregatedInto(o).length > 0).map((o) => [objectLabel(o), o]));
      for (const hit of check.call(rule, input)) {
        const role = aggregated.size > 0 && hit.resource !== undefined ? aggregated.get(hit.resource) : undefined;
        const note = role ? aggregationNote(role, rule.id === 'iac/k8s-rbac-secrets-access') : '';
        yield note ? { ...hit, message: hit.message.endsWith('.') ? `${hit.message.slice(0, -1)}${note}.` : `${hit.message}${note}` } : hit;
      }
    },
  };
}

/** The RBAC rules of this file: their grants, on a Role or ClusterRole, weigh by how long the role exists (iac/k8s-rbac-escalation-rules weigh their own). */
const RBAC_GRANT_RULES = new Set(['iac/k8s-rbac-wildcard', 'iac/k8s-rbac-secrets-access', 'iac/k8s-rbac-bind-escalate', 'iac/k8s-rbac-impersonate', 'iac/k8s-rbac-exec-attach', 'iac/k8s-rbac-port-forward']);

/**
 * A grant of a Role or ClusterRole that is a Helm hook deleted once its hook succeeds (the
 * RBAC of a job that creates a webhook's certificate at install) exists while the hook runs:
 * one severity lower, with a note, as the escalation rules weigh it.
 */
function withTransientHookSeverity(rule: KubeRule): KubeRule {
  if (!RBAC_GRANT_RULES.has(rule.id)) return rule;
  const check = rule.check;
  return {
    ...rule,
    *check(input) {
      const transient = new Set(input.objects.filter((o) => (o.kind === 'Role' || o.kind === 'ClusterRole') && isTransientHook(o)).map(objectLabel));
      for (const hit of check.call(rule, input)) {
        yield transient.size > 0 && hit.resource !== undefined && transient.has(hit.resource)
          ? { ...hit, severity: oneSeverityLower(hit.severity ?? rule.severity), message: hit.message.replace(/\.$/, TRANSIENT_NOTE) }
          : hit;
      }
    },
  };
}

/** Helm's test hooks: the pod runs when someone runs `helm test` (a connection check), then exits. */
const HELM_TEST_HOOK = /(?:^|,)\s*test(?:-success|-failure)?\s*(?:,|$)/;

/**
 * A medium finding on a Helm test pod (helm.sh/hook: test), or on one of its containers, is
 * reported low: the pod runs only when `helm test` is run, for a connection check, and exits;
 * what it lacks (limits, a pinned image, a non-root user) weighs less than on a workload that
 * stays. High and critical findings (privileged, host namespaces, host paths) keep their severity.
 */
function withHelmTestSeverity(rule: KubeRule): KubeRule {
  const check = rule.check;
  return {
    ...rule,
    *check(input) {
      // The pods only: a test's Role or binding, once created, grants until it is deleted.
      const tests = input.pods.filter((p) => HELM_TEST_HOOK.test(text(get(p.object.root, 'metadata', 'annotations', 'helm.sh/hook')) ?? '')).map((p) => objectLabel(p.object));
      for (const hit of check.call(rule, input)) {
        const onTest = tests.length > 0 && hit.resource !== undefined && tests.some((label) => hit.resource === label || hit.resource!.startsWith(`${label} `));
        yield onTest && (hit.severity ?? rule.severity) === 'medium' ? { ...hit, severity: 'low', message: withNote(hit.message, ' (a Helm test pod, run only by helm test)') } : hit;
      }
    },
  };
}

function withNote(message: string, note: string): string {
  return message.endsWith('.') ? `${message.slice(0, -1)}${note}.` : `${message}${note}`;
}

export const kubernetesRules: readonly KubeRule[] = [
  privileged,
  privilegeEscalation,
  runAsRoot,
  hostNetwork,
  hostPid,
  hostIpc,
  dockerSocket,
  hostPathSensitive,
  hostPathVolume,
  hostPort,
  capabilitiesNotDropped,
  dangerousCapabilities,
  writableRoot,
  limitRule('memory'),
  limitRule('cpu'),
  imageLatest,
  imageWithoutDigest,
  secretInEnv,
  secretAsEnvVar,
  ...secretRules,
  tokenAutomount,
  nodePort,
  loadBalancer,
  seccompUnconfined,
  seccompMissing,
  apparmorUnconfined,
  procMount,
  noSecurityContext,
  rbacWildcard,
  rbacSecrets,
  rbacEscalate,
  rbacImpersonate,
  rbacExec,
  rbacPortForward,
  rbacViewAggregatedWrite,
  ...rbacEscalationRules,
  clusterAdminBinding,
  ...eksAuthRules,
  defaultServiceAccountBinding,
  defaultNamespace,
  defaultServiceAccount,
  imagePullPolicy,
  ...controlPlaneRules,
  ...workloadRules,
  ...networkPolicyRules,
  ...clusterConfigRules,
]
  .map(withAggregationNote)
  .map(withTransientHookSeverity)
  .map(withHelmTestSeverity);

export const kubernetesPlatform: PlatformRules<KubeInput> = {
  platform: 'kubernetes',
  parse: readKubernetes,
  rules: kubernetesRules,
};

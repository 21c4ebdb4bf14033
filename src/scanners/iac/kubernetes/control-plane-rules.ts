/**
 * Flags of control-plane components run as static pods (the CIS Kubernetes Benchmark's
 * sections 1 to 4). One table row per rule: which components, what makes the flag
 * wrong, and the command lines that must and must not fire.
 */
import type { Severity } from '../../../core/finding.js';
import { detailNote, rule, type IacRule } from '../rule.js';
import { get, isFalse, isTrue, pair, text } from '../yaml/tree.js';
import { componentCommands, durationSeconds, flagPlace, imageVersion, listValue, type Component, type ComponentCommand, type Flag } from './control-plane.js';
import { containerLabel, objectLabel, type KubeInput, type KubeObject } from './model.js';

type KubeRule = IacRule<KubeInput>;

interface Problem {
  /** The flag at fault; undefined when a required flag is missing. */
  flag?: Flag;
  message: string;
}

interface FlagCheck {
  id: string;
  title: string;
  description: string;
  remediation: string;
  severity: Severity;
  cwe: string[];
  components: Component[];
  /**
   * Components that can take this setting from their configuration file instead of a
   * flag (the kubelet's KubeletConfiguration, the scheduler's KubeSchedulerConfiguration):
   * for them a missing flag says nothing, and the `config` check reads the file.
   */
  inConfigFile?: Component[];
  find(command: ComponentCommand): Problem[];
  /** Command lines (`component --flag=value ...`) that must fire / must not. */
  positive: string[];
  negative: string[];
  /** Extra manifests (config files) with their own `# expect` marks. */
  positiveManifests?: string[];
  negativeManifests?: string[];
  /** Settings in config objects (KubeletConfiguration) that mean the same. */
  config?: (input: KubeInput) => Iterable<{ line: number; message: string; resource: string }>;
}

const isFalseValue = (v: string | undefined) => v !== undefined && /^false$/i.test(v);
/** A boolean flag counts as true when bare (`--flag`) or `=true`. */
const isTrueValue = (v: string | undefined) => v === undefined || /^true$/i.test(v);

/** A flag that must be present with a good value. */
function required(name: string, good: (value: string | undefined) => boolean, missing: string, wrong: (value: string | undefined) => string) {
  return (command: ComponentCommand): Problem[] => {
    const flag = command.flags.get(name);
    if (!flag) return [{ message: missing }];
    return good(flag.value) ? [] : [{ flag, message: wrong(flag.value) }];
  };
}

/** `http://127.0.0.1:2379`, `https://localhost:2380`, `http://[::1]:2379`: a URL only the pod itself reaches (without hostNetwork). */
function loopbackUrl(url: string): boolean {
  return /^[a-z]+:\/\/(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?\/?$/i.test(url);
}

/**
 * An etcd that listens on the pod's loopback interface alone, written so (an etcd beside
 * an aggregated API server in its pod): only the containers of that pod reach it, unless
 * the pod shares the node's network. Peers: the peer URLs written so, or left at their
 * default (http://localhost:2380) beside client URLs written so.
 */
function podLocalEtcd(command: ComponentCommand, which: 'client' | 'peer'): boolean {
  if (isTrue(get(command.container.pod.spec, 'hostNetwork'))) return false;
  const loopbackOnly = (name: string) => {
    const urls = listValue(command.flags.get(name));
    return urls.length > 0 && urls.every(loopbackUrl);
  };
  if (which === 'client') return loopbackOnly('listen-client-urls');
  return command.flags.has('listen-peer-urls') ? loopbackOnly('listen-peer-urls') : loopbackOnly('listen-client-urls');
}

/** A check that does not apply to an etcd only its own pod reaches. */
function unlessPodLocal(which: 'client' | 'peer', find: (command: ComponentCommand) => Problem[]) {
  return (command: ComponentCommand): Problem[] => (podLocalEtcd(command, which) ? [] : find(command));
}

/** A flag that is wrong only when set to a bad value (its default is safe). */
function forbidden(name: string, bad: (value: string | undefined) => boolean, wrong: (value: string | undefined) => string) {
  return (command: ComponentCommand): Problem[] => {
    const flag = command.flags.get(name);
    return flag && bad(flag.value) ? [{ flag, message: wrong(flag.value) }] : [];
  };
}

/** Flags that must all be set (a certificate and its key). */
function present(names: string[], what: string) {
  return (command: ComponentCommand): Problem[] => {
    const missing = names.filter((n) => !command.flags.has(n));
    return missing.length > 0 ? [{ message: `${command.component} does not set ${missing.map((n) => `--${n}`).join(' and ')}: ${what}.` }] : [];
  };
}

function admissionPlugin(plugin: string, wanted: boolean, why: string) {
  return (command: ComponentCommand): Problem[] => {
    const flag = command.flags.get('enable-admission-plugins') ?? command.flags.get('admission-control');
    const enabled = listValue(flag).includes(plugin);
    if (enabled === wanted) return [];
    return [{ ...(flag ? { flag } : {}), message: wanted ? `kube-apiserver does not enable the ${plugin} admission plugin: ${why}.` : `kube-apiserver enables the ${plugin} admission plugin: ${why}.` }];
  };
}

const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** A static pod running `argv`; `args` goes to an args list when given. */
function staticPod(argv: string, args?: string, expect = false): string {
  const words = (s: string) => s.split(' ').map((w) => `"${w}"`).join(', ');
  const image = argv.split(' ')[0] === 'etcd' ? 'registry.k8s.io/etcd:3.5.15-0' : `registry.k8s.io/${argv.split(' ')[0]}:v1.30.2`;
  return (
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: control-plane\n  namespace: kube-system\nspec:\n  containers:\n  - name: main\n    image: ${image}\n` +
    `${expect ? '    # expect\n' : ''}    command: [${words(argv)}]\n` +
    (args !== undefined ? `    args: [${args ? words(args) : ''}]\n` : '')
  );
}

function configObjects(input: KubeInput, kind: string) {
  return input.objects.filter((o) => o.kind === kind);
}

/** Where a setting missing from a whole configuration object belongs: the object's `kind:` line, which names it. */
function objectLine(object: KubeObject): number {
  return pair(object.root, 'kind')?.keyLine ?? object.line;
}

const CHECKS: FlagCheck[] = [
  {
    id: 'iac/k8s-apiserver-always-admit',
    title: 'API server admits every request (AlwaysAdmit)',
    description: 'kube-apiserver enables the AlwaysAdmit admission plugin, which accepts every request without any admission control: pod security, quotas and image policies are all bypassed.',
    remediation: 'Remove AlwaysAdmit from --enable-admission-plugins (it is deprecated) and rely on NodeRestriction, PodSecurity and the default plugins.',
    severity: 'high',
    cwe: ['CWE-284'],
    components: ['kube-apiserver'],
    find: admissionPlugin('AlwaysAdmit', false, 'every request passes admission control unchecked'),
    positive: ['kube-apiserver --enable-admission-plugins=NodeRestriction,AlwaysAdmit'],
    negative: ['kube-apiserver --enable-admission-plugins=NodeRestriction,PodSecurity'],
  },
  {
    id: 'iac/k8s-apiserver-no-always-pull-images',
    title: 'AlwaysPullImages admission plugin not enabled',
    description: "Without the AlwaysPullImages admission plugin, a pod can start from an image already cached on its node without the registry checking that the pod's credentials may pull it: in a shared cluster one tenant can run another tenant's private images.",
    remediation: 'Add AlwaysPullImages to --enable-admission-plugins on multi-tenant clusters.',
    severity: 'low',
    cwe: ['CWE-284'],
    components: ['kube-apiserver'],
    find: admissionPlugin('AlwaysPullImages', true, "cached private images can be used without the registry's authorisation"),
    positive: ['kube-apiserver --enable-admission-plugins=NodeRestriction', 'kube-apiserver'],
    negative: ['kube-apiserver --enable-admission-plugins=NodeRestriction,AlwaysPullImages'],
  },
  {
    id: 'iac/k8s-apiserver-no-image-policy-webhook',
    title: 'ImagePolicyWebhook admission plugin not enabled',
    description: 'Without the ImagePolicyWebhook admission plugin (or an equivalent policy engine), nothing checks at admission which images may run, so unsigned or unscanned images from any registry are accepted.',
    remediation: 'Enable ImagePolicyWebhook in --enable-admission-plugins with an --admission-control-config-file, or enforce image policies with a validating admission controller.',
    severity: 'low',
    cwe: ['CWE-284'],
    components: ['kube-apiserver'],
    find: admissionPlugin('ImagePolicyWebhook', true, 'no admission check limits which images can run'),
    positive: ['kube-apiserver --enable-admission-plugins=NodeRestriction'],
    negative: ['kube-apiserver --enable-admission-plugins=NodeRestriction,ImagePolicyWebhook --admission-control-config-file=/etc/kubernetes/admission.yaml'],
  },
  {
    id: 'iac/k8s-anonymous-auth',
    title: 'Anonymous requests allowed',
    description: 'kube-apiserver or the kubelet accepts anonymous requests (--anonymous-auth is true, which is the default). Unauthenticated clients then reach whatever RBAC grants to system:anonymous, and on the kubelet the API that runs commands in pods.',
    remediation: 'Set --anonymous-auth=false (for the kubelet, authentication.anonymous.enabled: false in its configuration file).',
    severity: 'medium',
    cwe: ['CWE-306'],
    components: ['kube-apiserver', 'kubelet'],
    inConfigFile: ['kubelet'],
    find: (command) =>
      required('anonymous-auth', isFalseValue, `${command.component} does not set --anonymous-auth=false, so unauthenticated requests are accepted.`, (v) => `${command.component} sets --anonymous-auth=${v ?? 'true'}: unauthenticated requests are accepted.`)(command),
    positive: ['kube-apiserver --anonymous-auth=true', 'kube-apiserver', 'kubelet --anonymous-auth=true'],
    negative: ['kube-apiserver --anonymous-auth=false', 'kubelet --config=/var/lib/kubelet/config.yaml'],
    positiveManifests: ['apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    # expect\n    enabled: true\n'],
    negativeManifests: ['apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n'],
    *config(input) {
      // The configuration file's default is false, unlike the flag's.
      for (const object of configObjects(input, 'KubeletConfiguration')) {
        const enabled = pair(get(object.root, 'authentication', 'anonymous'), 'enabled');
        if (enabled && isTrue(enabled.value)) yield { line: enabled.keyLine, message: 'KubeletConfiguration enables anonymous authentication.', resource: objectLabel(object) };
      }
    },
  },
  {
    id: 'iac/k8s-apiserver-basic-auth-file',
    title: 'API server uses static password file',
    description: 'kube-apiserver --basic-auth-file authenticates users with passwords kept in a plain CSV file that cannot be rotated without a restart and offers no lockout (removed in Kubernetes 1.19).',
    remediation: 'Remove --basic-auth-file and use client certificates, OIDC or webhook token authentication.',
    severity: 'high',
    cwe: ['CWE-522'],
    components: ['kube-apiserver'],
    find: forbidden('basic-auth-file', () => true, () => 'kube-apiserver authenticates with a static password file (--basic-auth-file).'),
    positive: ['kube-apiserver --basic-auth-file=/etc/kubernetes/users.csv'],
    negative: ['kube-apiserver --oidc-issuer-url=https://idp.example.org'],
  },
  {
    id: 'iac/k8s-apiserver-insecure-bind-address',
    title: 'API server insecure address set',
    description: "kube-apiserver --insecure-bind-address opens the API on plain HTTP with no authentication and no authorisation: anyone who reaches that address is cluster-admin.",
    remediation: 'Remove --insecure-bind-address (and keep --insecure-port=0).',
    severity: 'critical',
    cwe: ['CWE-306'],
    components: ['kube-apiserver'],
    find: forbidden('insecure-bind-address', () => true, (v) => `kube-apiserver serves unauthenticated HTTP on ${v ?? 'an insecure address'} (--insecure-bind-address).`),
    positive: ['kube-apiserver --insecure-bind-address=0.0.0.0'],
    negative: ['kube-apiserver --bind-address=10.0.0.5'],
  },
  {
    id: 'iac/k8s-apiserver-insecure-port',
    title: 'API server insecure port open',
    description: 'kube-apiserver --insecure-port is set to a port other than 0, or left unset on a version before 1.20 (where it defaulted to 8080 on localhost): the API is served on plain HTTP without authentication or authorisation on that port, to anything that can reach it.',
    remediation: 'Set --insecure-port=0 (or remove it on Kubernetes 1.20 and later, where 0 is the default).',
    severity: 'critical',
    cwe: ['CWE-306'],
    components: ['kube-apiserver'],
    find: (command) => {
      const set = forbidden('insecure-port', (v) => v !== '0', (v) => `kube-apiserver serves unauthenticated HTTP on port ${v ?? '?'} (--insecure-port).`)(command);
      if (set.length > 0 || command.flags.has('insecure-port')) return set;
      // Before 1.20 the insecure port defaulted to 8080 on the loopback address.
      const version = imageVersion(command.container);
      return version && version.major === 1 && version.minor < 20
        ? [{ message: `kube-apiserver ${version.major}.${version.minor} serves unauthenticated HTTP on localhost:8080 by default; set --insecure-port=0.` }]
        : [];
    },
    positive: ['kube-apiserver --insecure-port=8080'],
    negative: ['kube-apiserver --insecure-port=0', 'kube-apiserver'],
    positiveManifests: [staticPod('kube-apiserver --authorization-mode=Node,RBAC', undefined, true).replace(':v1.30.2', ':v1.18.6')],
    negativeManifests: [staticPod('kube-apiserver --insecure-port=0').replace(':v1.30.2', ':v1.18.6'), staticPod('kube-apiserver').replace(':v1.30.2', ':v1.21.0')],
  },
  {
    id: 'iac/k8s-apiserver-secure-port-disabled',
    title: 'API server HTTPS port disabled',
    description: 'kube-apiserver --secure-port=0 turns off the authenticated HTTPS listener, so the API can only be served over an insecure channel, if at all.',
    remediation: 'Remove --secure-port=0 (the default is 6443) and serve the API only over TLS.',
    severity: 'high',
    cwe: ['CWE-319'],
    components: ['kube-apiserver'],
    find: forbidden('secure-port', (v) => v === '0', () => 'kube-apiserver turns off its HTTPS listener (--secure-port=0).'),
    positive: ['kube-apiserver --secure-port=0'],
    negative: ['kube-apiserver --secure-port=6443'],
  },
  {
    id: 'iac/k8s-apiserver-no-audit-log',
    title: 'API server audit log not enabled',
    description: 'kube-apiserver has no --audit-log-path (or audit webhook), so there is no record of who read Secrets, created pods or changed RBAC: an intrusion cannot be investigated.',
    remediation: 'Set --audit-log-path (with --audit-policy-file, --audit-log-maxage, --audit-log-maxbackup and --audit-log-maxsize) or --audit-webhook-config-file.',
    severity: 'medium',
    cwe: ['CWE-778'],
    components: ['kube-apiserver'],
    find: (command) =>
      command.flags.has('audit-log-path') || command.flags.has('audit-webhook-config-file') ? [] : [{ message: 'kube-apiserver keeps no audit log (--audit-log-path is not set).' }],
    positive: ['kube-apiserver --authorization-mode=Node,RBAC'],
    negative: ['kube-apiserver --audit-log-path=/var/log/kubernetes/audit.log --audit-policy-file=/etc/kubernetes/audit.yaml'],
  },
  {
    id: 'iac/k8s-apiserver-no-encryption-at-rest',
    title: 'Secrets not encrypted at rest',
    description: 'kube-apiserver has no --encryption-provider-config, so Secrets are stored in etcd in plain text (base64): anyone with a copy of etcd or its backups reads every credential in the cluster.',
    remediation: 'Set --encryption-provider-config to an EncryptionConfiguration that encrypts secrets with kms, aescbc or secretbox.',
    severity: 'medium',
    cwe: ['CWE-311'],
    components: ['kube-apiserver'],
    find: present(['encryption-provider-config'], 'Secrets are stored unencrypted in etcd'),
    positive: ['kube-apiserver --authorization-mode=Node,RBAC'],
    negative: ['kube-apiserver --encryption-provider-config=/etc/kubernetes/encryption.yaml'],
  },
  {
    id: 'iac/k8s-apiserver-etcd-tls',
    title: 'API server talks to etcd without a client certificate',
    description: 'kube-apiserver has no --etcd-certfile/--etcd-keyfile, so it cannot authenticate to etcd with a certificate: etcd then has to accept unauthenticated clients, and anyone who reaches it can read and rewrite the whole cluster state.',
    remediation: 'Set --etcd-certfile, --etcd-keyfile and --etcd-cafile, and run etcd with --client-cert-auth=true.',
    severity: 'medium',
    cwe: ['CWE-306'],
    components: ['kube-apiserver'],
    find: present(['etcd-certfile', 'etcd-keyfile'], 'its connection to etcd is not authenticated with a certificate'),
    positive: ['kube-apiserver --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt'],
    negative: ['kube-apiserver --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key'],
  },
  {
    id: 'iac/k8s-apiserver-kubelet-ca',
    title: "API server does not verify kubelets' certificates",
    description: "kube-apiserver has no --kubelet-certificate-authority, so it connects to kubelets (for exec, logs and port-forward) without verifying their certificates: a machine in the middle can impersonate a node and capture what flows through.",
    remediation: 'Set --kubelet-certificate-authority to the CA that signs kubelet serving certificates.',
    severity: 'medium',
    cwe: ['CWE-295'],
    components: ['kube-apiserver'],
    find: present(['kubelet-certificate-authority'], "kubelet certificates are not verified"),
    positive: ['kube-apiserver --kubelet-client-certificate=/pki/kc.crt --kubelet-client-key=/pki/kc.key'],
    negative: ['kube-apiserver --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt'],
  },
  {
    id: 'iac/k8s-apiserver-kubelet-client-cert',
    title: 'API server has no client certificate for kubelets',
    description: 'kube-apiserver lacks --kubelet-client-certificate or --kubelet-client-key, so it cannot authenticate to kubelets with a certificate, and kubelets must allow weaker authentication for exec, logs and port-forward.',
    remediation: 'Set both --kubelet-client-certificate and --kubelet-client-key.',
    severity: 'medium',
    cwe: ['CWE-306'],
    components: ['kube-apiserver'],
    find: present(['kubelet-client-certificate', 'kubelet-client-key'], 'requests to kubelets are not authenticated with a certificate'),
    positive: ['kube-apiserver --kubelet-client-certificate=/pki/kc.crt', 'kube-apiserver'],
    negative: ['kube-apiserver --kubelet-client-certificate=/pki/kc.crt --kubelet-client-key=/pki/kc.key'],
  },
  {
    id: 'iac/k8s-tls-cert-not-set',
    title: 'API server or kubelet has no TLS certificate configured',
    description: 'kube-apiserver (--tls-cert-file, --tls-private-key-file) or a KubeletConfiguration (tlsCertFile, tlsPrivateKeyFile, or serverTLSBootstrap) names no serving certificate, so the component serves HTTPS with a self-signed certificate generated at start-up that clients cannot verify, inviting them to skip verification.',
    remediation: 'Set the certificate and key to a pair signed by the cluster CA, or let kubelets request one (serverTLSBootstrap: true).',
    severity: 'medium',
    cwe: ['CWE-295'],
    components: ['kube-apiserver'],
    find: present(['tls-cert-file', 'tls-private-key-file'], 'clients cannot verify the server'),
    positive: ['kube-apiserver --tls-cert-file=/pki/apiserver.crt'],
    negative: ['kube-apiserver --tls-cert-file=/pki/apiserver.crt --tls-private-key-file=/pki/apiserver.key'],
    positiveManifests: ['apiVersion: kubelet.config.k8s.io/v1beta1\n# expect\nkind: KubeletConfiguration\nport: 10250\n'],
    negativeManifests: [
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ntlsCertFile: /var/lib/kubelet/pki/kubelet.crt\ntlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key\n',
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nserverTLSBootstrap: true\n',
    ],
    *config(input) {
      for (const object of configObjects(input, 'KubeletConfiguration')) {
        if (isTrue(get(object.root, 'serverTLSBootstrap'))) continue;
        const missing = ['tlsCertFile', 'tlsPrivateKeyFile'].filter((k) => !pair(object.root, k));
        if (missing.length > 0) yield { line: objectLine(object), message: `KubeletConfiguration sets no ${missing.join(' or ')}: the kubelet serves a self-signed certificate.`, resource: objectLabel(object) };
      }
    },
  },
  {
    id: 'iac/k8s-apiserver-service-account-lookup',
    title: 'Deleted service account tokens stay valid',
    description: 'kube-apiserver --service-account-lookup=false accepts a service account token without checking that the account still exists in etcd, so tokens of deleted service accounts keep working until they expire.',
    remediation: 'Remove --service-account-lookup=false (the default is true).',
    severity: 'high',
    cwe: ['CWE-613'],
    components: ['kube-apiserver'],
    find: forbidden('service-account-lookup', isFalseValue, () => 'kube-apiserver accepts tokens of deleted service accounts (--service-account-lookup=false).'),
    positive: ['kube-apiserver --service-account-lookup=false'],
    negative: ['kube-apiserver --service-account-lookup=true', 'kube-apiserver'],
  },
  {
    id: 'iac/k8s-apiserver-request-timeout',
    title: 'API server request timeout too long',
    description: 'kube-apiserver --request-timeout is above 300 seconds. Long-held requests let a few clients tie up the API server\'s capacity and make slow-request denial of service easy.',
    remediation: 'Keep --request-timeout at the default 60s, or at most 300s.',
    severity: 'low',
    cwe: ['CWE-400'],
    components: ['kube-apiserver'],
    find: forbidden('request-timeout', (v) => (durationSeconds(v) ?? 0) > 300, (v) => `kube-apiserver holds requests for up to ${v} (--request-timeout above 300s).`),
    positive: ['kube-apiserver --request-timeout=6m', 'kube-apiserver --request-timeout=1h0m1s'],
    negative: ['kube-apiserver --request-timeout=300s', 'kube-apiserver --request-timeout=2m30s'],
  },
  {
    id: 'iac/k8s-etcd-auto-tls',
    title: 'etcd uses self-signed client certificates',
    description: 'etcd --auto-tls=true serves clients with a self-signed certificate generated at start-up that no client can verify, so connections to etcd can be intercepted.',
    remediation: 'Remove --auto-tls and set --cert-file and --key-file to a certificate signed by the etcd CA.',
    severity: 'medium',
    cwe: ['CWE-295'],
    components: ['etcd'],
    find: forbidden('auto-tls', isTrueValue, () => 'etcd serves clients with a self-signed certificate (--auto-tls=true).'),
    positive: ['etcd --auto-tls=true'],
    negative: ['etcd --auto-tls=false --cert-file=/pki/etcd.crt --key-file=/pki/etcd.key', 'etcd'],
  },
  {
    id: 'iac/k8s-etcd-client-cert-auth',
    title: 'etcd accepts clients without a certificate',
    description: 'etcd does not set --client-cert-auth=true, so any client that reaches its port can read and write the whole cluster state, Secrets included, without authenticating. An etcd whose --listen-client-urls are all loopback addresses, in a pod without hostNetwork, is not reported: only the containers of its own pod reach it.',
    remediation: 'Set --client-cert-auth=true with --trusted-ca-file, and give the API server a client certificate (--etcd-certfile, --etcd-keyfile).',
    severity: 'high',
    cwe: ['CWE-306'],
    components: ['etcd'],
    find: unlessPodLocal('client', required('client-cert-auth', isTrueValue, 'etcd does not require client certificates (--client-cert-auth is not set).', (v) => `etcd does not require client certificates (--client-cert-auth=${v}).`)),
    positive: ['etcd --client-cert-auth=false', 'etcd --cert-file=/pki/etcd.crt', 'etcd --listen-client-urls=http://127.0.0.1:2379,http://10.0.0.5:2379'],
    negative: [
      'etcd --client-cert-auth=true --trusted-ca-file=/pki/ca.crt',
      // Only the pod's own containers reach it (an etcd beside an aggregated API server).
      'etcd --data-dir=/tmp/etcd --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379',
    ],
    positiveManifests: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  containers:\n  - name: etcd\n    image: registry.k8s.io/etcd:3.5.15-0\n    # expect\n    command: ["etcd", "--listen-client-urls=http://127.0.0.1:2379"]\n',
    ],
  },
  {
    id: 'iac/k8s-etcd-peer-client-cert-auth',
    title: 'etcd peers not authenticated',
    description: 'etcd does not set --peer-client-cert-auth=true, so any machine that reaches the peer port can join or talk to the etcd cluster as a member without a certificate. An etcd whose --listen-peer-urls are all loopback addresses (or left at their default, localhost, beside loopback-only --listen-client-urls), in a pod without hostNetwork, is not reported: no other machine reaches its peer port.',
    remediation: 'Set --peer-client-cert-auth=true with --peer-trusted-ca-file and peer certificates for every member.',
    severity: 'high',
    cwe: ['CWE-306'],
    components: ['etcd'],
    find: unlessPodLocal('peer', required('peer-client-cert-auth', isTrueValue, 'etcd does not authenticate its peers (--peer-client-cert-auth is not set).', (v) => `etcd does not authenticate its peers (--peer-client-cert-auth=${v}).`)),
    positive: ['etcd --peer-client-cert-auth=false', 'etcd --client-cert-auth=true', 'etcd --listen-client-urls=http://127.0.0.1:2379 --listen-peer-urls=http://10.0.0.5:2380'],
    negative: [
      'etcd --peer-client-cert-auth=true --peer-trusted-ca-file=/pki/ca.crt',
      // A single member only its pod reaches: the peer URL keeps its default, http://localhost:2380.
      'etcd --data-dir=/tmp/etcd --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379',
    ],
  },
  {
    id: 'iac/k8s-profiling-enabled',
    title: 'Profiling endpoint enabled on a control-plane component',
    description: 'kube-apiserver, kube-controller-manager or kube-scheduler runs with profiling on (the default): /debug/pprof exposes internals of the process and is an easy way to load it heavily.',
    remediation: 'Set --profiling=false.',
    severity: 'low',
    cwe: ['CWE-215'],
    components: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
    inConfigFile: ['kube-scheduler'],
    find: (command) => required('profiling', isFalseValue, `${command.component} does not set --profiling=false.`, (v) => `${command.component} enables profiling (--profiling=${v ?? 'true'}).`)(command),
    positive: ['kube-controller-manager --profiling=true', 'kube-apiserver', 'kube-scheduler --profiling'],
    negative: ['kube-apiserver --profiling=false', 'kube-scheduler --profiling=false', 'kube-scheduler --config=/etc/kubernetes/scheduler.yaml'],
    positiveManifests: [
      'apiVersion: kubescheduler.config.k8s.io/v1\n# expect\nkind: KubeSchedulerConfiguration\nclientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\n',
      'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n# expect\nenableProfiling: true\n',
    ],
    negativeManifests: ['apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nenableProfiling: false\n'],
    *config(input) {
      for (const object of configObjects(input, 'KubeSchedulerConfiguration')) {
        const p = pair(object.root, 'enableProfiling');
        if (!p) yield { line: objectLine(object), message: 'KubeSchedulerConfiguration does not set enableProfiling: false (profiling is on by default).', resource: objectLabel(object) };
        else if (!isFalse(p.value)) yield { line: p.keyLine, message: 'KubeSchedulerConfiguration enables profiling.', resource: objectLabel(object) };
      }
    },
  },
  {
    id: 'iac/k8s-bind-address-public',
    title: 'Controller manager or scheduler listens beyond localhost',
    description: 'kube-controller-manager or kube-scheduler binds its HTTPS endpoint (health, metrics, and profiling when on) to all addresses, the default, instead of 127.0.0.1: more of the node\'s networks can reach it.',
    remediation: 'Set --bind-address=127.0.0.1.',
    severity: 'low',
    cwe: ['CWE-668'],
    components: ['kube-controller-manager', 'kube-scheduler'],
    find: (command) =>
      required('bind-address', (v) => v !== undefined && LOOPBACK.test(v), `${command.component} listens on all addresses (--bind-address is not set).`, (v) => `${command.component} listens on ${v ?? '?'} rather than 127.0.0.1.`)(command),
    positive: ['kube-controller-manager --bind-address=0.0.0.0', 'kube-scheduler'],
    negative: ['kube-scheduler --bind-address=127.0.0.1'],
  },
  {
    id: 'iac/k8s-controller-manager-root-ca',
    title: 'Controller manager does not give pods the cluster CA',
    description: 'kube-controller-manager has no --root-ca-file, so service account token secrets carry no CA certificate and pods cannot verify the API server they talk to.',
    remediation: 'Set --root-ca-file to the cluster CA certificate.',
    severity: 'medium',
    cwe: ['CWE-295'],
    components: ['kube-controller-manager'],
    find: present(['root-ca-file'], "pods cannot verify the API server's certificate"),
    positive: ['kube-controller-manager --bind-address=127.0.0.1'],
    negative: ['kube-controller-manager --root-ca-file=/etc/kubernetes/pki/ca.crt'],
  },
  {
    id: 'iac/k8s-controller-manager-sa-private-key',
    title: 'Controller manager has no service account signing key',
    description: 'kube-controller-manager has no --service-account-private-key-file, so it cannot sign service account tokens with a dedicated key that can be rotated on its own.',
    remediation: 'Set --service-account-private-key-file (and --service-account-key-file on the API server) to a dedicated key pair.',
    severity: 'medium',
    cwe: ['CWE-320'],
    components: ['kube-controller-manager'],
    find: present(['service-account-private-key-file'], 'service account tokens are not signed with a dedicated key'),
    positive: ['kube-controller-manager --root-ca-file=/pki/ca.crt'],
    negative: ['kube-controller-manager --service-account-private-key-file=/etc/kubernetes/pki/sa.key'],
  },
  {
    id: 'iac/k8s-controller-manager-sa-credentials',
    title: 'Controllers share the controller manager\'s credentials',
    description: "kube-controller-manager does not set --use-service-account-credentials=true, so every controller acts with the controller manager's own, very broad, identity instead of a service account with only its permissions.",
    remediation: 'Set --use-service-account-credentials=true.',
    severity: 'medium',
    cwe: ['CWE-250'],
    components: ['kube-controller-manager'],
    find: required('use-service-account-credentials', isTrueValue, 'kube-controller-manager does not set --use-service-account-credentials=true.', (v) => `kube-controller-manager sets --use-service-account-credentials=${v}.`),
    positive: ['kube-controller-manager --use-service-account-credentials=false', 'kube-controller-manager'],
    negative: ['kube-controller-manager --use-service-account-credentials=true'],
  },
  {
    id: 'iac/k8s-kubelet-hostname-override',
    title: 'Kubelet overrides its host name',
    description: 'kubelet --hostname-override registers the node under a name that differs from the host\'s, which breaks the match between node name and serving certificate that TLS verification of kubelets relies on.',
    remediation: 'Remove --hostname-override and let the kubelet use the host name.',
    severity: 'low',
    cwe: ['CWE-295'],
    components: ['kubelet'],
    find: forbidden('hostname-override', () => true, (v) => `kubelet registers as ${v ?? 'another host name'} (--hostname-override).`),
    positive: ['kubelet --hostname-override=node-a'],
    negative: ['kubelet --config=/var/lib/kubelet/config.yaml'],
  },
  {
    id: 'iac/k8s-kubelet-protect-kernel-defaults',
    title: 'Kubelet may change kernel settings',
    description: 'The kubelet does not set --protect-kernel-defaults=true, so it silently changes kernel parameters (sysctls) that differ from what it expects instead of failing: hardening applied to the node can be undone.',
    remediation: 'Set --protect-kernel-defaults=true (protectKernelDefaults: true in the kubelet configuration file) and tune the node\'s sysctls accordingly.',
    severity: 'low',
    cwe: ['CWE-1188'],
    components: ['kubelet'],
    inConfigFile: ['kubelet'],
    find: required('protect-kernel-defaults', isTrueValue, 'kubelet does not set --protect-kernel-defaults=true.', (v) => `kubelet sets --protect-kernel-defaults=${v}.`),
    positive: ['kubelet --protect-kernel-defaults=false'],
    negative: ['kubelet --protect-kernel-defaults=true', 'kubelet --config=/var/lib/kubelet/config.yaml'],
    positiveManifests: [
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n# expect\nprotectKernelDefaults: false\n',
      'apiVersion: kubelet.config.k8s.io/v1beta1\n# expect\nkind: KubeletConfiguration\nport: 10250\n',
    ],
    negativeManifests: ['apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nprotectKernelDefaults: true\n'],
    *config(input) {
      for (const object of configObjects(input, 'KubeletConfiguration')) {
        const p = pair(object.root, 'protectKernelDefaults');
        if (!p) yield { line: objectLine(object), message: 'KubeletConfiguration does not set protectKernelDefaults: true.', resource: objectLabel(object) };
        else if (!isTrue(p.value)) yield { line: p.keyLine, message: 'KubeletConfiguration sets protectKernelDefaults to false.', resource: objectLabel(object) };
      }
    },
  },
  {
    id: 'iac/k8s-kubelet-event-qps',
    title: 'Kubelet drops events over a rate limit',
    description:
      'The kubelet limits how many events it records per second (--event-qps, eventRecordQPS in its configuration file; 50 by default). Events above the limit are dropped, so a burst of pod failures, evictions or image pulls during an incident leaves gaps in what the cluster recorded (CIS Kubernetes Benchmark 4.2.9).',
    remediation: 'Set --event-qps=0 (eventRecordQPS: 0) to record every event, or a limit sized for the node and documented.',
    severity: 'low',
    cwe: ['CWE-778'],
    components: ['kubelet'],
    inConfigFile: ['kubelet'],
    find: required('event-qps', (v) => v === '0', 'kubelet does not set --event-qps=0.', (v) => `kubelet sets --event-qps=${v}, dropping events above that rate.`),
    positive: ['kubelet --event-qps=5'],
    negative: ['kubelet --event-qps=0', 'kubelet --config=/var/lib/kubelet/config.yaml'],
    positiveManifests: [
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n# expect\neventRecordQPS: 20\n',
      'apiVersion: kubelet.config.k8s.io/v1beta1\n# expect\nkind: KubeletConfiguration\nport: 10250\n',
    ],
    negativeManifests: ['apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\neventRecordQPS: 0\n'],
    *config(input) {
      for (const object of configObjects(input, 'KubeletConfiguration')) {
        const p = pair(object.root, 'eventRecordQPS');
        if (!p) yield { line: objectLine(object), message: 'KubeletConfiguration does not set eventRecordQPS: 0 (the default drops events above 50 per second).', resource: objectLabel(object) };
        else if (text(p.value) !== '0') yield { line: p.keyLine, message: `KubeletConfiguration sets eventRecordQPS: ${text(p.value) ?? '?'}, dropping events above that rate.`, resource: objectLabel(object) };
      }
    },
  },
];

function flagRule(check: FlagCheck): KubeRule {
  return rule<KubeInput>({
    id: check.id,
    title: check.title,
    description: check.description,
    remediation: check.remediation,
    severity: check.severity,
    cwe: check.cwe,
    platform: 'kubernetes',
    tags: ['control-plane'],
    examples: {
      positive: [...check.positive.map((argv) => staticPod(argv, undefined, true)), ...(check.positiveManifests ?? [])],
      negative: [...check.negative.map((argv) => staticPod(argv)), ...(check.negativeManifests ?? [])],
    },
    *check(input) {
      for (const command of componentCommands(input)) {
        if (!check.components.includes(command.component)) continue;
        for (const problem of check.find(command)) {
          if (!problem.flag && check.inConfigFile?.includes(command.component)) continue;
          const place = flagPlace(command, problem.flag);
          yield { ...place, message: problem.message.replace(/\.$/, `${detailNote(place)}.`), resource: containerLabel(command.container) };
        }
      }
      if (check.config) yield* check.config(input);
    },
  });
}

export const controlPlaneRules: readonly KubeRule[] = CHECKS.map(flagRule);

/**
 * Secret objects committed with their values: a `kind: Secret` manifest whose `data` or
 * `stringData` holds literal values puts the credential in git, in every clone and fork
 * and in the history for good, whoever may read the Secret in the cluster.
 *
 * What is not a committed value: a value a template fills in (`{{ .Values.x }}`, `${VAR}`;
 * a Helm chart's rendered values are sorted out where the chart is analysed, helm/analyse.ts),
 * an encrypted one (a SOPS file's `ENC[...]`; SealedSecret and ExternalSecret are other kinds),
 * an empty value or an obvious placeholder (the secrets scanner's isPlaceholder, and
 * isLiteralSecretValue, after base64 decoding of `data`), and public material (a certificate,
 * a public key), so that a TLS Secret without its key is not one. A kustomize secretGenerator
 * is no Secret manifest either.
 */
import { isEncodedPlaceholder, isPlaceholder } from '../../secrets/checks/placeholders.js';
import { base64Text } from '../aws-user-data.js';
import { rule, type IacRule } from '../rule.js';
import { isLiteralSecretValue, isSecretName, nameTokens } from '../secret-names.js';
import { get, isYMap, isYScalar, items, pair, text, type YMap } from '../yaml/tree.js';
import { containerLabel, objectLabel, objectTitle, type KubeInput, type KubeObject } from './model.js';

type KubeRule = IacRule<KubeInput>;

const kubeRule = (definition: Omit<KubeRule, 'platform' | 'tags'>): KubeRule => rule({ ...definition, platform: 'kubernetes' });

/** A Secret of namespace shop; `body` is inserted as written (top level). */
function secret(body: string, type = 'Opaque'): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ntype: ${type}\n${body}`;
}

const b64 = (value: string) => Buffer.from(value).toString('base64');

/**
 * Keys that name who, where or what kind, not a credential: a Secret holding only these gives
 * nothing away by itself (Argo CD's repository Secrets hold `type: helm`, `name`, `project` beside the credential;
 * a cloud SQL proxy's Secret its `projectId`, an OAuth client's its public `clientId`, and a
 * bootstrap token's its `auth-extra-groups`, the groups the token authenticates as).
 */
const IDENTIFIER_KEY = /^(?:.*[-_.])?(?:user|username|user_?name|groups?|namespace|host|hostname|port|region|email|database|db_?name|name|type|project|(?:project|account|tenant|subscription|client|app|org|organization)[-_.]?id)$/i;

/**
 * Keys that name how a credential is used, not the credential: its cipher, hash, size, key
 * derivation, provider, format or lifetime (Longhorn's encryption Secret holds `CRYPTO_KEY_CIPHER:
 * aes-xts-plain64`, `CRYPTO_KEY_SIZE: 256`, `CRYPTO_PBKDF: argon2i` beside the passphrase).
 */
const SETTING_KEY = /(?:^|[-_.])(?:cipher|ciphers|hash|digest|size|bits|length|algorithm|algo|kdf|pbkdf2?|provider|mode|format|version|iterations|rounds|ttl|timeout|expiry|expiration)$/i;

/** Keys that name an address: no credential unless the address carries one (`postgres://app:...@db/shop`). */
const ADDRESS_KEY = /(?:^|[-_.])(?:url|uri|endpoint|addr|address|server)$/i;
/** A password in an address: `scheme://user:password@host`, or a DSN's `user:password@tcp(host)`. */
const ADDRESS_PASSWORD = /:\/\/[^/\s:@]+:[^/\s@]+@|^[^\s:@/]+:[^\s@/]+@/;

/**
 * Whether the text of a file a Secret holds (a configuration) carries a credential: a private
 * key, a password in an address, a Docker config's auths, or a setting with a secret name
 * (`password = ...`, `"token": "..."`) given a literal. A file of other settings (a chart's
 * values, a log level) is configuration kept in a Secret, not a credential.
 */
function holdsCredential(file: string): boolean {
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(file) || /"auths"\s*:/.test(file)) return true;
  if (file.split('\n').some((line) => ADDRESS_PASSWORD.test(line.trim()))) return true;
  for (const match of file.matchAll(/^[ \t]*["']?([A-Za-z_][\w.-]*)["']?[ \t]*[:=][ \t]*["']?([^"'\s#,]+)/gm)) {
    const [, name, value] = match;
    if (isSecretName(name!) && !isPlaceholder(value!) && !isEncodedPlaceholder(value!) && isLiteralSecretValue(value!, name!)) return true;
  }
  return false;
}

/**
 * Certificates and public keys are public: a TLS Secret's certificate is no credential, nor a
 * CA's (Traefik's `tls.ca`, the `cert` and `cacert` of Istio's generic TLS Secrets).
 */
const PUBLIC_KEY_NAME = /\.(?:crt|cert|pub)$|(?:^|[-_.])(?:ca|cacert|ca[-_.]cert|cert|certificate|ca[-_.]?bundle)(?:\.pem)?$/i;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function isPublicMaterial(key: string, value: string): boolean {
  // A certificate file that carries its private key too is a credential, whatever its name.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(value)) return false;
  if (PUBLIC_KEY_NAME.test(key)) return true;
  const blocks = [...value.matchAll(PEM_BLOCK)];
  return blocks.length > 0 && blocks.every((b) => /^(?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|TRUSTED CERTIFICATE)$/.test(b[1]!)) && value.replace(PEM_BLOCK, '').trim() === '';
}

/** Base64 as `data` holds it (whitespace allowed between lines), decoded; undefined when the value is not base64. */
/** `-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----`: a key left out, as documentation writes it. */
function elidedPem(value: string): boolean {
  const blocks = [...value.matchAll(PEM_BLOCK)];
  return blocks.length > 0 && value.replace(PEM_BLOCK, '').trim() === '' && blocks.every((b) => /^-----BEGIN [A-Z0-9 ]+-----\s*(?:\.{3,}|…|<[^<>]*>)?\s*-----END /.test(b[0]));
}

function decoded(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  return compact.length % 4 === 0 ? base64Text(compact) : undefined;
}

/** A configuration file's name (config.secret.yaml): its settings, not its name, say whether it holds a credential. */
const CONFIG_FILE = /\.(?:ya?ml|json|toml|ini|conf|cfg|properties|xml|env)$/i;

/** What flux build and flux diff write in place of a SOPS-encrypted Docker config (`.dockerconfigjson`). */
const FLUX_MASKED_DOCKER_CONFIG = /^\{\s*"mask"\s*:\s*"\*\*SOPS\*\*"\s*\}$/;

/** Whether a Docker config written on one line gives a registry credential (`"auth"`, `"password"`, `"identitytoken"`) a literal value. */
function dockerConfigCredential(config: string): boolean {
  for (const match of config.matchAll(/"(auth|password|identitytoken)"\s*:\s*"([^"]*)"/g)) {
    const value = match[2]!;
    if (value !== '' && !/\{\{|\$\{|ENC\[/.test(value) && !isPlaceholder(value) && !isEncodedPlaceholder(value)) return true;
  }
  return false;
}

/** Text, not bytes: no control characters besides line breaks and tabs, and no bytes invalid as UTF-8. */
const PRINTABLE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]*$/;

/**
 * Whether a value of the Secret is a literal credential: `encoded` for `data` and
 * `binaryData` (base64, judged as decoded); a value that is not valid base64 there is
 * judged as written.
 */
function isLiteral(key: string, written: string, encoded: boolean): boolean {
  const value = ((encoded ? decoded(written) : undefined) ?? written).trim();
  // camelCase keys (StorageOS's apiUsername, apiAddress) split as the other spellings are, an acronym too (Azure's VMType: vm_type).
  const words = nameTokens(key).join('_');
  if (value === '' || IDENTIFIER_KEY.test(words) || SETTING_KEY.test(words) || isPublicMaterial(key, value) || FLUX_MASKED_DOCKER_CONFIG.test(value)) return false;
  // One byte or character over and over (AAAA in data is three zero bytes): a filler, not key material.
  if (/^([\s\S])\1*$/.test(value)) return false;
  // Bytes (a keystore): a literal.
  if (!PRINTABLE.test(value)) return true;
  // A file: a literal when it holds a credential (or its key names one), unless a template or SOPS fills it,
  // or it is only the frame of a key with `...` where the key goes (documentation).
  if (value.includes('\n')) return !elidedPem(value) && !/\{\{|\$\{|ENC\[/.test(value) && ((isSecretName(key) && !CONFIG_FILE.test(key)) || holdsCredential(value));
  // A Docker config on one line, as kubectl create secret docker-registry writes it.
  if (/^\{.*"auths"\s*:/.test(value)) return dockerConfigCredential(value);
  if (ADDRESS_KEY.test(words) && !ADDRESS_PASSWORD.test(value)) return false;
  // A short lower-case word under a key that names no credential (color: blue, stage: value-2): a setting or a test's
  // sample, not a generated secret; under a credential's name (password: alpha) it is a weak one, and stays reported.
  if (!isSecretName(key) && /^[a-z]{1,12}(?:[-_][a-z0-9]{1,12})?$/.test(value)) return false;
  // A date or a time (Argo CD's admin.passwordMtime: when the password last changed).
  if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return false;
  // stringData may hold base64 too: a masked or placeholder value encoded is no credential.
  return !isPlaceholder(value) && !isEncodedPlaceholder(value) && isLiteralSecretValue(value, key);
}

interface LiteralKey {
  key: string;
  line: number;
  written: string;
}

/**
 * The keys of a Secret with a literal value, in file order. The Terraform kubernetes
 * provider's kubernetes_secret takes `data` as plain text and encodes it itself.
 */
function literalKeys(object: KubeObject): LiteralKey[] {
  const plainData = object.label !== undefined && /^kubernetes_secret(?:_v1)?\./.test(object.label);
  const out: LiteralKey[] = [];
  for (const [field, encoded] of [['data', !plainData], ['binaryData', true], ['stringData', false]] as const) {
    const map = get(object.root, field);
    if (!isYMap(map)) continue;
    for (const p of (map as YMap).pairs) {
      const written = text(p.value);
      if (written !== undefined && isLiteral(p.key, written, encoded)) out.push({ key: p.key, line: p.keyLine, written });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

const committedSecret = kubeRule({
  id: 'iac/k8s-committed-secret',
  title: 'Secret manifest with literal values',
  description:
    "A Kubernetes Secret (kind: Secret) is written with literal values in data or stringData, so the credential is committed: it is in every clone and fork and stays in the history after it is removed, readable by anyone with access to the repository rather than only those allowed to read the Secret in the cluster. base64 in data is an encoding, not encryption. Values a template fills in (Helm's {{ .Values }}, ${VAR}), SOPS-encrypted values (ENC[...]) and the masks flux build writes for them, empty values and obvious placeholders are not reported, nor certificates and public keys (a TLS Secret without its key, a CA certificate under tls.ca, ca.crt or cacert, a certificate under cert; one whose file holds its private key too is reported), names, ids and addresses alone (a username, a project or OAuth client id, a host, a URL without a password), settings of how a credential is used (a cipher, a hash, a key size, a lifetime), a short lower-case word under a key that names no credential (color: blue; under password: it is a weak password and is reported), a filler of one repeated byte, and a file of settings none of which is a credential; SealedSecret, ExternalSecret and kustomize's secretGenerator are other objects. The secrets scanner judges the values themselves and reports those that look like real credentials at their own severity.",
  remediation:
    'Remove the values from the repository and rotate them. Create the Secret at deploy time from a secret store (External Secrets Operator, the Secrets Store CSI driver, Vault), commit it encrypted (Sealed Secrets, SOPS), or generate it from files kept out of git (kustomize secretGenerator).',
  severity: 'medium',
  cwe: ['CWE-798', 'CWE-540'],
  examples: {
    positive: [
      secret(`data:\n  # expect\n  password: ${b64('hunter2-but-longer')}\n`),
      secret('stringData:\n  username: app\n  # expect\n  api-key: hunter2-but-longer\n'),
      // A weak word under a credential's name, and a random value under any name.
      secret('stringData:\n  # expect\n  password: alpha\n'),
      secret('stringData:\n  # expect\n  color: Vq7rT2mXk9Lp\n'),
      // A passphrase beside the settings of the encryption it keys, which are named in no message.
      secret('stringData:\n  # expect\n  CRYPTO_KEY_VALUE: Vq7rT2mXk9Lp\n  CRYPTO_KEY_CIPHER: aes-xts-plain64\n  CRYPTO_KEY_HASH: sha256\n  CRYPTO_KEY_SIZE: "256"\n  CRYPTO_PBKDF: argon2i\n'),
      // Names and addresses in camelCase are no credential either: the password is.
      secret('stringData:\n  apiAddress: tcp://10.0.0.5:5705\n  apiUsername: storage\n  # expect\n  apiPassword: Vq7rT2mXk9Lp\n'),
      // A configuration file whose settings hold a credential.
      secret('stringData:\n  # expect\n  config.yaml: |\n    database:\n      password: Vq7rT2mXk9Lp\n'),
      // A Docker config with its registry credentials (flux build masks an encrypted one, a negative example).
      secret(`data:\n  # expect\n  .dockerconfigjson: ${b64(`{"auths":{"registry.example.org":{"auth":"${b64('deploy:hunter2-but-longer')}"}}}`)}\n`, 'kubernetes.io/dockerconfigjson'),
      // A certificate file that holds its private key too.
      secret(`data:\n  # expect\n  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')}\n`),
      // A private key in a TLS Secret.
      secret(`data:\n  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')}\n  # expect\n  tls.key: ${b64('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')}\n`, 'kubernetes.io/tls'),
    ],
    negative: [
      secret('stringData:\n  password: ""\n  token: "{{ .Values.token }}"\n  api-key: ${API_KEY}\n'),
      // Placeholders, encoded or not.
      secret(`data:\n  password: ${b64('changeme')}\nstringData:\n  token: your-api-token\n`),
      // CA certificates and a certificate under the names Traefik and Istio give them.
      secret(`data:\n  tls.ca: ${b64('test-root-ca-0')}\n  cacert: ${b64('test-root-ca-1')}\n  cert: ${b64('test-server-cert-2')}\n`),
      // A TLS Secret without its key, and a token Secret the cluster fills.
      secret(`data:\n  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')}\n  tls.key: ""\n`, 'kubernetes.io/tls'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: deployer-token\n  annotations:\n    kubernetes.io/service-account.name: deployer\ntype: kubernetes.io/service-account-token\n',
      // SOPS-encrypted.
      secret('stringData:\n  password: ENC[AES256_GCM,data:AAAA,iv:BBBB,tag:CCCC,type:str]\nsops:\n  version: 3.8.1\n'),
      // Masked output (flux diff writes SOPS values as **SOPS**).
      secret(`data:\n  token: ${b64('**SOPS**')}\nstringData:\n  password: ${b64('**SOPS**')}\n  ca.pem: ca-data-pem\n`),
      // A Docker config on one line whose credential is a template.
      secret(`data:\n  .dockerconfigjson: ${b64('{"auths":{"registry.example.org":{"auth":"${REGISTRY_AUTH}"}}}')}\n`, 'kubernetes.io/dockerconfigjson'),
      // flux build masks a SOPS-encrypted Docker config as a JSON object of its own.
      secret(`data:\n  .dockerconfigjson: ${b64('{"mask":"**SOPS**"}')}\n`, 'kubernetes.io/dockerconfigjson'),
      // A configuration file named like a secret whose settings hold none, and one whose client secret is a base64 placeholder.
      secret('stringData:\n  config.secret.yaml: |\n    auth:\n      public_key_path: /tmp/cas.public.pem\n    log_level: info\n'),
      secret(`stringData:\n  config.yaml: |\n    issuer: http://dex:5556/dex\n    staticClients:\n      - id: dev\n        secret: ${b64('example-app-secret')}\n`),
      secret('stringData:\n  admin.passwordMtime: 2019-03-20T17:54:53Z\n'),
      // Which project, tenant and OAuth client the credential (a placeholder here) belongs to.
      // Short words under keys that name no credential, and a filler of zero bytes.
      secret(`stringData:\n  color: blue\n  stage: value-2\ndata:\n  filler: ${b64('\0\0\0')}\n`),
      // Settings of an encryption whose passphrase is not here.
      secret('stringData:\n  CRYPTO_KEY_CIPHER: aes-xts-plain64\n  CRYPTO_KEY_HASH: sha256\n  CRYPTO_KEY_SIZE: "256"\n  CRYPTO_PBKDF: argon2i\n  keyRotationTtl: 720h\n'),
      secret('stringData:\n  projectId: shop-prod-4821\n  tenant_id: 7c1e0f4a-9b2d-4e3f-8a61-d05c2b9e4f17\n  clientId: 0oa4x9q2LmT7vB1s5d8\n  password: change-me\n'),
      // What kind of machines, beside credentials left for the reader to fill in (cluster-autoscaler's Azure example).
      secret(`data:\n  ClientSecret: <base64-encoded-client-secret>\n  VMType: ${b64('AKS\n')}\n`),
      // A bootstrap token Secret whose token is left for the reader to fill in: the groups it authenticates as are no credential.
      secret('stringData:\n  token-id: YOUR_TOKEN_ID\n  token-secret: YOUR_TOKEN_SECRET\n  usage-bootstrap-authentication: "true"\n  auth-extra-groups: system:bootstrappers:kubeadm:default-node-token,system:bootstrappers:worker\n', 'bootstrap.kubernetes.io/token'),
      // Argo CD's repository Secret as its documentation writes it: settings, and a key elided with `...`.
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: repo\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  url: ssh://git@example.org/shop/deploy\n  type: helm\n  name: shop\n  project: default\n  sshPrivateKey: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    ...\n    -----END OPENSSH PRIVATE KEY-----\n',
      // Argo CD's cluster Secret as its documentation writes it: the reader's own token goes where my-token is.
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: mycluster-secret\n  labels:\n    argocd.argoproj.io/secret-type: cluster\ntype: Opaque\nstringData:\n  name: mycluster.example.org\n  server: https://mycluster.example.org\n  config: |\n    {\n      "bearerToken": "my-token",\n      "tlsClientConfig": {\n        "insecure": false\n      }\n    }\n',
      'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n  encryptedData:\n    password: AgBy8hCF0m9eQ1xWq7sVZlKp\n',
    ],
  },
  *check(input) {
    for (const object of input.objects) {
      if (object.kind !== 'Secret' || object.apiVersion !== 'v1') continue;
      // SOPS keeps its metadata beside the encrypted values.
      if (get(object.root, 'sops') !== undefined) continue;
      const keys = literalKeys(object);
      if (keys.length === 0) continue;
      const names = keys.map((k) => k.key);
      yield {
        line: keys[0]!.line,
        message: `${objectTitle(object)} is committed with literal value${names.length > 1 ? 's' : ''} for ${names.join(', ')}; keep Secret values out of the repository.`,
        resource: objectLabel(object),
        secret: keys[0]!.written,
      };
    }
  },
});

/** A ConfigMap of namespace shop; `body` is inserted as written (top level). */
function configMap(body: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n${body}`;
}

/** A Pod whose container gets `env` (lines indented by 4). */
function podWithEnv(env: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: registry.example.org/app:1.4.2\n    env:\n${env}`;
}

/** Variables a front-end build puts into the page it serves (`NEXT_PUBLIC_API_KEY`): public by design. */
const PUBLIC_BUILD_VARIABLE = /^(?:NEXT_PUBLIC|NUXT_PUBLIC|EXPO_PUBLIC|REACT_APP|VITE|GATSBY)_/i;

/** A setting named like a credential, not like where or what kind one is (`SECRET_NAMESPACE`, `TOKEN_SERVER`). */
function isSecretSetting(name: string): boolean {
  return isSecretName(name) && !IDENTIFIER_KEY.test(name) && !ADDRESS_KEY.test(name) && !PUBLIC_BUILD_VARIABLE.test(name) && !nameTokens(name).includes('public');
}

/**
 * A data key that names a script (`configure_secret.sh`, `rotate-token.py`), or a value that
 * opens with a shebang: the file a volume mounts for the container to run, code that handles
 * the credential (sed's the Slack hook into a config from $SLACK_HOOK_URL), not the credential.
 */
const SCRIPT_KEY = /\.(?:sh|bash|zsh|ksh|py|rb|pl|js|mjs|cjs|ts|ps1|lua|php)$/i;
const isScript = (key: string, value: unknown): boolean => SCRIPT_KEY.test(key) || (typeof value === 'string' && value.trimStart().startsWith('#!'));

/** The value a ConfigMap of the file (by name, in the namespace when both say one) holds under `key`; undefined when the file has none for it. */
function configMapValue(objects: readonly KubeObject[], name: string | undefined, namespace: string | undefined, key: string | undefined): { key: string; value: unknown } | undefined {
  if (name === undefined || key === undefined) return undefined;
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1' && o.name === name && (o.namespace === undefined || namespace === undefined || o.namespace === namespace));
  const entry = map ? pair(get(map.root, 'data'), key) : undefined;
  return entry ? { key, value: isYScalar(entry.value) ? entry.value.value : undefined } : undefined;
}

const secretInConfigMap = kubeRule({
  id: 'iac/k8s-secret-in-configmap',
  title: 'Secret kept in a ConfigMap',
  description:
    "A ConfigMap holds a setting named like a credential (a password, a token, an API key) with a literal value, or a container takes an environment variable named like one from a ConfigMap (valueFrom.configMapKeyRef). ConfigMaps are meant for non-confidential settings: they are never encrypted at rest by the API server's EncryptionConfiguration as Secrets can be, Kubernetes's own view ClusterRole and most read-only roles and dashboards read them (they exclude Secrets), and their values are printed by kubectl describe and shown in diffs. A literal value is also committed to the repository (high); a reference says the credential is kept in a ConfigMap wherever its value is written (medium). A script kept under a key named for the credential it handles (configure_secret.sh, or a value that opens with #!) is code, not a value, and is not reported; template values ({{ .Values.x }}, ${VAR}), placeholders, paths to a mounted file, the ID or fingerprint of an OpenPGP key under a gpg/pgp or signing name (git's commit signing key is given by ID), switches named for a secret (WEBHOOK_REQUIRE_SECRET), and variables a front-end build makes public (NEXT_PUBLIC_*, VITE_*) are not reported. A reference to a ConfigMap of the same file that gives the key a value is judged by that value.",
  remediation: 'Move the credential into a Secret (created from a secret store, or committed encrypted with Sealed Secrets or SOPS) and reference it with valueFrom.secretKeyRef or a secret volume.',
  severity: 'high',
  cwe: ['CWE-312'],
  examples: {
    positive: [
      configMap('data:\n  LOG_LEVEL: info\n  # expect\n  DB_PASSWORD: Vq7rT2mXk9Lp\n  # expect\n  stripe-api-key: hunter2-but-longer\n'),
      // A password with spaces in it, and a passphrase of random words: no sentence.
      configMap('data:\n  # expect\n  DB_PASSWORD: Vq7r T2mX k9Lp\n  # expect\n  secretData: "correct horse battery staple"\n'),
      podWithEnv('    - name: LOG_LEVEL\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: log-level\n    - name: SESSION_SECRET\n      valueFrom:\n        # expect\n        configMapKeyRef:\n          name: settings\n          key: session\n'),
      // A JWT's signing key is a shared secret, short or not; the ConfigMap of the file holds it.
      `${configMap('data:\n  # expect\n  jwt-signing-key: 3AA5C34371567BD2\n')}---\n${podWithEnv('    - name: JWT_SIGNING_KEY\n      valueFrom:\n        # expect\n        configMapKeyRef:\n          name: settings\n          key: jwt-signing-key\n')}`,
    ],
    negative: [
      configMap('data:\n  DB_PASSWORD: "{{ .Values.db.password }}"\n  API_TOKEN: ${API_TOKEN}\n  DB_PASSWORD_FILE: /run/secrets/db\n  SMTP_PASSWORD: ""\n  ADMIN_PASSWORD: your-admin-password\n  TOKEN_TTL: "3600"\n  NEXT_PUBLIC_MAPS_API_KEY: AIzaSyA-example-only\n  SECRET_NAMESPACE: kube-system\n'),
      podWithEnv('    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db\n          key: password\n    - name: DB_PASSWORD_FILE\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: password-file\n    - name: VITE_API_KEY\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: browser-key\n'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  DB_PASSWORD: Vq7rT2mXk9Lp\n',
      // Prose where the secret goes, as tests and docs write it.
      configMap('data:\n  secretData: "very sensitive data"\n  API_TOKEN: this is not a real token\n'),
      // The ConfigMap of the file holds where the key is, or which one: a path, an OpenPGP key ID; a switch named for the secret.
      `${configMap('data:\n  git.commit-signing-key: 3AA5C34371567BD2\n  git.ssh-signing-key: /app/config/ssh/signing_key\n')}---\n${podWithEnv('    - name: GIT_COMMIT_SIGNING_KEY\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: git.commit-signing-key\n    - name: GIT_SSH_SIGNING_KEY\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: git.ssh-signing-key\n    - name: WEBHOOK_REQUIRE_SECRET\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: webhook.require-secret\n')}`,
      // A script that puts the credential in place at start (sock-shop's alertmanager), named for it.
      configMap('data:\n  configure_secret.sh: |-\n    sed -i -e s,API_URL_SECRET,"$SLACK_HOOK_URL",g /etc/app/config.yml\n    exec /bin/app\n  rotate_token: |\n    #!/bin/sh\n    exec refresh --out /run/token\n'),
    ],
  },
  *check(input) {
    for (const object of input.objects) {
      if (object.kind !== 'ConfigMap' || object.apiVersion !== 'v1') continue;
      const data = get(object.root, 'data');
      if (!isYMap(data)) continue;
      for (const entry of data.pairs) {
        const value = isYScalar(entry.value) ? entry.value.value : undefined;
        if (!isSecretSetting(entry.key) || !isLiteralSecretValue(value, entry.key) || isPlaceholder(value) || isScript(entry.key, value)) continue;
        yield { line: entry.keyLine, message: `${objectTitle(object)} keeps ${entry.key} in its data with a literal value: a credential in a ConfigMap, committed and readable by anyone who may read ConfigMaps.`, resource: objectLabel(object), secret: String(value) };
      }
    }
    for (const c of input.containers) {
      for (const variable of items(get(c.node, 'env'))) {
        const name = text(get(variable, 'name'));
        const ref = pair(get(variable, 'valueFrom'), 'configMapKeyRef');
        if (!name || !ref || !isSecretSetting(name)) continue;
        const map = text(get(ref.value, 'name'));
        // The ConfigMap is in the file and gives the key a value: that value says whether it is a credential (a path, a key ID is not).
        const held = configMapValue(input.objects, map, c.pod.object.namespace, text(get(ref.value, 'key')));
        if (held !== undefined && (!isLiteralSecretValue(held.value, held.key) || isPlaceholder(held.value) || isScript(held.key, held.value))) continue;
        yield { line: ref.keyLine, message: `${containerLabel(c)} takes ${name} from ConfigMap ${map ?? '(unnamed)'}: a credential kept in a ConfigMap instead of a Secret.`, resource: containerLabel(c), severity: 'medium' };
      }
    }
  },
});

export const secretRules: readonly KubeRule[] = [committedSecret, secretInConfigMap];

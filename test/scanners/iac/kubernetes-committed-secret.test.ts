import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

const RULE = 'iac/k8s-committed-secret';
const b64 = (value: string) => Buffer.from(value).toString('base64');
/** A literal value, joined at run time so that secloop's own scan of this file sees no password. */
const VALUE = ['n0t', 'a', 'real', 'value', '7Qz'].join('-');
const SECRET_HEAD = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\n';

function hits(text: string, path = 'deploy/secret.yaml', platform: 'kubernetes' | 'terraform' = 'kubernetes') {
  return analyseFile(path, text, () => {}, platform).findings.filter((f) => f.ruleId === RULE);
}

describe('iac/k8s-committed-secret on manifests', () => {
  it('reports one finding per Secret, on the first literal key, naming the keys and never the values', () => {
    const text = `${SECRET_HEAD}data:\n  username: ${b64('app')}\n  password: ${b64(VALUE)}\nstringData:\n  config.ini: |\n    [db]\n    password = ${VALUE}\n`;
    const found = hits(text);
    assert.deepEqual(found.map((f) => [f.location.startLine, f.severity, f.message]), [[8, 'medium', 'Secret db is committed with literal values for password, config.ini; keep Secret values out of the repository.']]);
    assert.ok(!JSON.stringify(found).includes(VALUE));
  });

  it('names the passphrase, not the settings of the encryption it keys (cipher, hash, size, key derivation)', () => {
    const text = `${SECRET_HEAD}stringData:\n  CRYPTO_KEY_VALUE: ${VALUE}\n  CRYPTO_KEY_CIPHER: aes-xts-plain64\n  CRYPTO_KEY_HASH: sha256\n  CRYPTO_KEY_SIZE: "256"\n  CRYPTO_PBKDF: argon2i\n`;
    assert.deepEqual(hits(text).map((f) => f.message), ['Secret db is committed with literal value for CRYPTO_KEY_VALUE; keep Secret values out of the repository.']);
  });

  it('reads Secrets in a List and beside other documents, and judges only v1 Secrets', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: api\n  stringData:\n    token: ${VALUE}\n`;
    assert.deepEqual(hits(list).map((f) => f.location.startLine), [9]);
    const other = `apiVersion: example.org/v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  token: ${VALUE}\n`;
    assert.deepEqual(hits(other), []);
  });

  it('reports binary data and a private key, not certificates or public keys', () => {
    const binary = `${SECRET_HEAD}binaryData:\n  keystore.p12: ${Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00, 0xc1]).toString('base64')}\n`;
    assert.deepEqual(hits(binary).map((f) => f.location.startLine), [7]);
    const cert = b64('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n');
    const publicOnly = `${SECRET_HEAD}type: kubernetes.io/tls\ndata:\n  tls.crt: ${cert}\n  ca.crt: ${cert}\n  signing.pem: ${b64('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZI\n-----END PUBLIC KEY-----\n')}\n  id.pub: ${b64('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 deploy')}\n`;
    assert.deepEqual(hits(publicOnly), []);
  });

  it('reports an address or a file only when it carries a credential', () => {
    const text = [
      `${SECRET_HEAD}stringData:`,
      '  REDIS_URL: redis://redis.shop.svc:6379/0',
      `  DATABASE_URL: postgres://app:${VALUE}@db.shop.svc/shop`,
      '',
    ].join('\n');
    assert.deepEqual(hits(text).map((f) => [f.location.startLine, f.message]), [[8, 'Secret db is committed with literal value for DATABASE_URL; keep Secret values out of the repository.']]);
    const dockerConfig = `${SECRET_HEAD}type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(`{\n  "auths": {\n    "registry.example.org": { "auth": "${b64(`ci:${VALUE}`)}" }\n  }\n}\n`)}\n`;
    assert.deepEqual(hits(dockerConfig).map((f) => f.location.startLine), [8]);
    // A chart's values and a logging setup kept in a Secret: configuration, no credential.
    const config = `${SECRET_HEAD}stringData:\n  values.yaml: |\n    ingress:\n      enabled: true\n    replicas: 2\n  logging.conf: |\n    level = info\n    format = json\n`;
    assert.deepEqual(hits(config), []);
  });

  it('passes over placeholders, templates, identifiers alone, SOPS files and encrypted kinds', () => {
    const cases = [
      `${SECRET_HEAD}data:\n  password: ${b64('changeme')}\n  token: ${b64('<token>')}\n  api-key: ${b64('REPLACE_ME')}\n`,
      `${SECRET_HEAD}stringData:\n  password: "\${DB_PASSWORD}"\n  token: "{{ .Values.token }}"\n  key: "#{API_KEY}#"\n  secret: ""\n`,
      `${SECRET_HEAD}stringData:\n  username: app\n  host: db.shop.svc\n  port: "5432"\n`,
      `${SECRET_HEAD}stringData:\n  password: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\nsops:\n  lastmodified: "2026-01-01T00:00:00Z"\n  version: 3.8.1\n`,
      // A file of templated configuration.
      `${SECRET_HEAD}stringData:\n  app.env: |\n    DB_PASSWORD={{ .Values.password }}\n    LOG=info\n`,
      'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n  secretStoreRef:\n    name: vault\n  data:\n  - secretKey: password\n    remoteRef:\n      key: shop/db\n',
    ];
    for (const text of cases) assert.deepEqual(hits(text), [], text);
  });

  it('reads the plain text of a Terraform kubernetes_secret, and passes over values known at apply', () => {
    const tf = `resource "kubernetes_secret_v1" "db" {\n  metadata {\n    name = "db"\n  }\n  data = {\n    password = "${VALUE}"\n    token    = var.token\n  }\n}\n`;
    assert.deepEqual(hits(tf, 'infra/main.tf', 'terraform').map((f) => f.location.startLine), [6]);
    const unknown = 'resource "kubernetes_secret_v1" "db" {\n  metadata {\n    name = "db"\n  }\n  data = {\n    password = var.password\n    note     = "changeme"\n  }\n}\n';
    assert.deepEqual(hits(unknown, 'infra/main.tf', 'terraform'), []);
  });
});

describe('iac/k8s-committed-secret in a scan', () => {
  const CHART = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
  const at = (findings: Array<{ ruleId: string; location: { path: string; startLine: number } }>) =>
    findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine}`).sort();

  it('reports a value a chart template writes, not one it takes from values.yaml', async () => {
    const t = tempTree({
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': `db:\n  password: ${VALUE}\nextra:\n  apiKey: ${VALUE}\n`,
      'chart/templates/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\ndata:\n  password: {{ .Values.db.password | b64enc | quote }}\n`,
      'chart/templates/extra.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: extra\nstringData:\n{{ toYaml .Values.extra | indent 2 }}\n`,
      'chart/templates/fixed.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: fixed\nstringData:\n  api-token: ${VALUE}\n`,
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings), ['chart/templates/fixed.yaml:6']);
    } finally {
      t.cleanup();
    }
  });

  it('reports a Secret a kustomization lists, not its secretGenerator, and tags one under test/ as test code', async () => {
    const t = tempTree({
      'base/kustomization.yaml': `resources:\n- secret.yaml\nsecretGenerator:\n- name: api\n  literals:\n  - token=${VALUE}\n`,
      'base/secret.yaml': `${SECRET_HEAD}stringData:\n  password: ${VALUE}\n`,
      'test/fixtures/secret.yaml': `${SECRET_HEAD}stringData:\n  password: ${VALUE}\n`,
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings), ['base/secret.yaml:7', 'test/fixtures/secret.yaml:7']);
      const tags = (path: string) => result.findings.find((f) => f.ruleId === RULE && f.location.path === path)!.properties.tags;
      assert.ok(Array.isArray(tags('test/fixtures/secret.yaml')) && (tags('test/fixtures/secret.yaml') as string[]).includes('test-code'));
      assert.ok(!JSON.stringify(tags('base/secret.yaml') ?? []).includes('test-code'));
    } finally {
      t.cleanup();
    }
  });
});

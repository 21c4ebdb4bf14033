import assert from 'node:assert/strict';
import { test } from 'node:test';
import { examplePath, type Example } from '../../../src/scanners/secrets/detector.js';
import { compiledDetectors } from '../../../src/scanners/secrets/detectors.js';
import { scanBytes } from '../../../src/scanners/secrets/engine/scan-bytes.js';
import { DETECTORS } from '../../../src/scanners/secrets/rules/index.js';

/** The one generic rule test: every detector's own positive and negative examples. */

function scanExample(example: Example, defaultPath: string) {
  const text = typeof example === 'string' ? example : example.text;
  const path = typeof example === 'string' ? defaultPath : (example.path ?? defaultPath);
  return scanBytes(Buffer.from(text, 'utf8'), path, compiledDetectors());
}

test('there are at least 60 detectors, each fully described', () => {
  assert.ok(DETECTORS.length >= 60, `only ${DETECTORS.length} detectors`);
  for (const detector of DETECTORS) {
    assert.match(detector.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, detector.id);
    assert.ok(detector.title && detector.description.length > 40 && detector.remediation.length > 40, detector.id);
    assert.ok(detector.keywords.length > 0, `${detector.id} has no keywords`);
    assert.ok(detector.examples.positive.length >= 2, `${detector.id} needs 2 positive examples`);
    assert.ok(detector.examples.negative.length >= 2, `${detector.id} needs 2 negative examples`);
  }
});

for (const detector of DETECTORS) {
  test(`secrets/${detector.id} examples`, () => {
    const defaultPath = examplePath(detector);
    detector.examples.positive.forEach((example, i) => {
      const found = scanExample(example, defaultPath);
      assert.ok(
        found.some((match) => match.detectorId === detector.id),
        `positive #${i + 1} not found by ${detector.id} (found: ${found.map((m) => m.detectorId).join(', ') || 'nothing'})`,
      );
    });
    detector.examples.negative.forEach((example, i) => {
      const allowed = typeof example === 'string' ? [] : (example.alsoFires ?? []);
      const found = scanExample(example, defaultPath).filter((match) => !allowed.includes(match.detectorId));
      assert.deepEqual(
        found.map((match) => match.detectorId),
        [],
        `negative #${i + 1} of ${detector.id} fired`,
      );
    });
  });
}

test("the Supabase CLI local stack's published default secret key is not reported; another key of its form is", () => {
  // Built from parts so that no scanner takes this test file for a leak.
  const key = (body: string) => ['sb', 'secret', body].join('_');
  const ids = (text: string) => scanBytes(Buffer.from(text, 'utf8'), 'supabase/.env', compiledDetectors()).map((m) => m.detectorId);
  // Under any name: the generic rules take it for the published default too.
  assert.deepEqual(ids(`SUPABASE_SECRET_KEY=${key('N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz')}`), []);
  assert.ok(ids(`SUPABASE_SECRET_KEY=${key('N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvy')}`).includes('supabase-secret-key'));
});

test("the Kubernetes documentation's example Secret password, as written or base64-encoded in data, is not reported; another of its form is", () => {
  // Built from parts so that no scanner takes this test file for a leak.
  const documented = ['1f2d', '1e2e', '67df'].join('');
  const other = ['1f2d', '1e2e', '67dc'].join('');
  const ids = (text: string) => scanBytes(Buffer.from(text, 'utf8'), 'k8s/secret.yaml', compiledDetectors()).map((m) => m.detectorId);
  const secret = (data: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n${data}`;
  assert.deepEqual(ids(secret(`data:\n  username: YWRtaW4=\n  password: ${Buffer.from(documented).toString('base64')}\n`)), []);
  assert.deepEqual(ids(secret(`stringData:\n  password: ${documented}\n`)), []);
  assert.ok(ids(secret(`data:\n  password: ${Buffer.from(other).toString('base64')}\n`)).includes('password-in-yaml'));
  assert.ok(ids(secret(`stringData:\n  password: ${other}\n`)).includes('password-in-yaml'));
});

test("the credentials of MinIO's public playground server, printed in its SDKs' READMEs, are not reported; another key of their form is", () => {
  // Built from parts so that no scanner takes this test file for a leak.
  const access = ['Q3AM3UQ8', '67SPQQA4', '3P2F'].join('');
  const secret = (last: string) => ['zuf+tfteSlsw', 'Ru7BJ86wekitni', 'fILbZam1KYY3T', last].join('');
  const ids = (text: string) => scanBytes(Buffer.from(text, 'utf8'), 'vendor/minio-go/README.md', compiledDetectors()).map((m) => m.detectorId);
  const example = (key: string) => `\`\`\`go\naccessKeyID := "${access}"\nsecretAccessKey := "${key}"\nuseSSL := true\n\`\`\`\n`;
  assert.deepEqual(ids(example(secret('G'))), []);
  assert.ok(ids(example(secret('Q'))).includes('aws-secret-access-key'));
});

test('a Fly.io macaroon token, a comma-separated list of parts, is one finding, not one per part', () => {
  const example = DETECTORS.find((detector) => detector.id === 'flyio-token')!.examples.positive[1] as string;
  assert.equal(example.split(',fm2_').length, 2);
  // Real parts are a few hundred characters long; older tokens mix part kinds (fm1r_ then fm1a_).
  const long = example.replace(/fm2_([A-Za-z0-9+/]+)/g, (_, body: string) => `fm2_${body.repeat(3)}`);
  for (const text of [example, long, long.replace('fm2_', 'fm1r_').replace(',fm2_', ',fm1a_')]) {
    const found = scanBytes(Buffer.from(text, 'utf8'), '.env', compiledDetectors());
    assert.deepEqual(found.map((match) => match.detectorId), ['flyio-token'], text.slice(0, 40));
  }
});

test("OAuth 2.0's published examples (RFC 6749's tokens and client secret, RFC 7662's token) are not reported; another value of their form is", () => {
  // Built from parts so that no scanner takes this test file for a leak.
  const access = ['2YotnFZF', 'Ejr1zCsi', 'cMWpAA'].join('');
  const refresh = ['tGzv3JOk', 'F0XG5Qx2', 'TlKWIA'].join('');
  const basic = Buffer.from(['s6BhdRkqt3', 'gX1fBat3bV'].join(':')).toString('base64');
  const ids = (text: string) => scanBytes(Buffer.from(text, 'utf8'), 'docs/token.md', compiledDetectors()).map((m) => m.detectorId);
  assert.deepEqual(ids(`{"access_token":"${access}","token_type":"Bearer","refresh_token":"${refresh}"}`), []);
  assert.deepEqual(ids(`Authorization: Basic ${basic}`), []);
  assert.deepEqual(ids(`Authorization: Bearer ${['23410913', 'abewfq.123483'].join('-')}`), []);
  assert.ok(ids(`{"access_token":"${access.replace('Z', 'Y')}"}`).includes('generic-secret-assignment'));
  assert.ok(ids(`Authorization: Basic ${Buffer.from('s6BhdRkqt3:gX1fBat3bW').toString('base64')}`).includes('authorization-header'));
});

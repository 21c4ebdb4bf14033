import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

// A weak password that is also the name of the image (postgres/postgres) is redacted where it
// is the value, and left as written where a message names the image.
test('an image named like a short secret of its file is shown as written; the secret stays redacted', async () => {
  const t = tempTree({
    'docker-compose.yml': 'services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: postgres\n',
    'Dockerfile': 'FROM postgres\nENV POSTGRES_PASSWORD=postgres\nUSER postgres\nHEALTHCHECK CMD pg_isready\n',
    'k8s/db.yaml':
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      image: postgres\n      env:\n        - name: POSTGRES_PASSWORD\n          value: postgres\n',
  });
  try {
    const { findings } = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    const composeImage = findings.find((f) => f.ruleId === 'iac/compose-image-latest');
    assert.equal(composeImage?.message, 'service db uses postgres with no tag (latest); pin a version and digest.');
    assert.equal(composeImage?.properties?.image, 'postgres');
    const dockerImage = findings.find((f) => f.ruleId === 'iac/dockerfile-image-untagged');
    assert.match(dockerImage?.message ?? '', /^Base image postgres has no tag, so it means 'postgres:latest'/);
    const podImage = findings.find((f) => f.ruleId === 'iac/k8s-image-latest');
    assert.match(podImage?.message ?? '', /^Pod\/db container db runs postgres /);
    const secret = findings.find((f) => f.ruleId === 'iac/compose-secret-in-environment');
    assert.ok(secret, 'the literal password is reported');
    assert.ok(!JSON.stringify(secret).includes(': postgres'), 'the password is not shown');
  } finally {
    t.cleanup();
  }
});

// A password that is a word of the messages' sentences (`secret`, `password`): the sentence
// reads as written, and the value, where an excerpt shows the line, stays redacted.
test('a short secret that is a word of the message is left in the sentence; the excerpt of its line is redacted', async () => {
  const t = tempTree({
    'docker-compose.yml': 'services:\n  ldap:\n    image: osixia/openldap:1.5.0\n    environment:\n      LDAP_ADMIN_PASSWORD: secret\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD: password\n',
  });
  try {
    const { findings } = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    const secrets = findings.filter((f) => f.ruleId === 'iac/compose-secret-in-environment');
    assert.equal(secrets.length, 2);
    for (const f of secrets) {
      assert.match(f.message, /to a literal secret in the compose file: a plain word, not a generated secret, so every installation that keeps it shares one guessable password;/);
      assert.ok(!f.message.includes('chars, sha256'), f.message);
    }
    assert.ok(!JSON.stringify(findings).includes(': secret"') && !JSON.stringify(findings).includes(': password"'), 'the values are not shown');
  } finally {
    t.cleanup();
  }
});

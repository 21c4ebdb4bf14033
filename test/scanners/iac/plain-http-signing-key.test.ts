import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { plainHttpKeys } from '../../../src/scanners/iac/script-checks.js';

function found(path: string, ruleId: string, source: string, platform?: string): Array<{ severity: string; message: string }> {
  return analyseFile(path, source, () => {}, platform as never).findings.filter((f) => f.ruleId === ruleId).map((f) => ({ severity: f.severity, message: f.message }));
}

const workflow = (steps: string) => `name: ci\non: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
const pipeline = (lines: string) => `stages: [build]\nbuild:\n  stage: build\n  script:\n${lines}`;

describe('a package signing key fetched over plain http and installed as trusted', () => {
  it('is found however it is installed, and only over plain http to another machine', () => {
    const hits = (script: string) => plainHttpKeys(`${script}\n`).length;
    assert.equal(hits('wget -qO - http://example.org/pubkey.gpg | sudo apt-key add -'), 1);
    assert.equal(hits('curl -fsSL http://example.org/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg'), 1);
    assert.equal(hits('curl -fsSL http://example.org/key.gpg | gpg --dearmor | sudo tee /etc/apt/keyrings/example.gpg > /dev/null'), 1);
    assert.equal(hits('curl http://example.org/key.asc > /etc/apt/trusted.gpg.d/example.asc'), 1);
    assert.equal(hits('curl -o /usr/share/keyrings/example.gpg http://example.org/key.gpg'), 1);
    assert.equal(hits('sudo rpm --import http://example.org/RPM-GPG-KEY-example'), 1);
    assert.equal(hits('apt-key adv --fetch-keys http://example.org/key.asc'), 1);
    // https, the machine itself, a key by fingerprint from a keyserver, a download that is no key.
    assert.equal(hits('wget -qO - https://example.org/pubkey.gpg | sudo apt-key add -'), 0);
    assert.equal(hits('curl -o /usr/share/keyrings/example.gpg http://localhost:8080/key.gpg'), 0);
    assert.equal(hits('gpg --keyserver hkps://keys.example.org --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567'), 0);
    assert.equal(hits('curl -fsSL http://example.org/tool.tar.gz | tar -xz -C /opt'), 0);
    // Checked by fingerprint afterwards.
    assert.equal(hits('curl -fsSL http://example.org/key.asc -o /etc/apt/keyrings/example.asc\ngpg --show-keys --with-fingerprint /etc/apt/keyrings/example.asc | grep -q 0123456789ABCDEF0123456789ABCDEF01234567'), 0);
  });

  it('from a keyserver in plain text, by a short or long key id: not by a full fingerprint, over hkps, or by an id not known', () => {
    const ids = (script: string) => plainHttpKeys(`${script}\n`).map((hit) => hit.keyId);
    const fingerprint = '0123456789ABCDEF0123456789ABCDEF01234567';
    assert.deepEqual(ids('sudo apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 7EA0A9C3'), ['7EA0A9C3']);
    assert.deepEqual(ids('apt-key adv --keyserver=http://keyserver.example.org --recv 0x7ea0a9c3'), ['0x7ea0a9c3']);
    assert.deepEqual(ids('apt-key adv --keyserver pgp.example.org --receive-keys 7EA0A9C3'), ['7EA0A9C3']);
    // A name with no scheme is hkp to gpg; the keyserver may come after --recv-keys.
    assert.deepEqual(ids('apt-key adv --recv-keys --keyserver keyserver.example.org 0123456789ABCDEF'), ['0123456789ABCDEF']);
    assert.deepEqual(ids(`apt-key adv --keyserver keyserver.example.org --recv-keys ${fingerprint} 7EA0A9C3`), ['7EA0A9C3']);
    // gpg writing into an apt keyring.
    assert.deepEqual(ids('gpg --no-default-keyring --keyring /usr/share/keyrings/example.gpg --keyserver hkp://keyserver.example.org:80 --recv-keys 7EA0A9C3'), ['7EA0A9C3']);
    // Over a continued line.
    assert.deepEqual(ids('apt-key adv \\\n  --keyserver hkp://keyserver.example.org:80 \\\n  --recv-keys 7EA0A9C3'), ['7EA0A9C3']);
    for (const script of [
      `apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys ${fingerprint}`,
      `apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys "${fingerprint.replace(/(.{4})(?!$)/g, '$1 ')}"`,
      'apt-key adv --keyserver hkps://keyserver.example.org --recv-keys 7EA0A9C3',
      'apt-key adv --recv-keys 7EA0A9C3',
      'apt-key adv --keyserver "$KEYSERVER" --recv-keys 7EA0A9C3',
      'apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys "$KEY_ID"',
      // gpg into its own keyring, to check a download's signature: not a package source trusted.
      'gpg --batch --keyserver hkp://keyserver.example.org:80 --recv-keys 7EA0A9C3',
      // Checked by fingerprint afterwards.
      `apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 7EA0A9C3\ngpg --no-default-keyring --keyring /etc/apt/trusted.gpg --fingerprint 7EA0A9C3 | grep -q ${fingerprint}`,
    ])
      assert.deepEqual(ids(script), [], script);
  });

  it('GitHub Actions and GitLab CI: verification disabled (high), unless the job checks a fingerprint', () => {
    const gha = found('.github/workflows/ci.yml', 'iac/gha-tls-verification-disabled', workflow('      - run: wget -qO - http://example.org/pubkey.gpg | sudo apt-key add -\n'), 'github-actions');
    assert.deepEqual(gha.map((f) => f.severity), ['high']);
    assert.match(gha[0]!.message, /signing key fetched over plain http/);
    const checked = workflow('      - run: curl -fsSL http://example.org/key.asc -o /etc/apt/keyrings/example.asc\n      - run: gpg --show-keys --with-fingerprint /etc/apt/keyrings/example.asc | grep -q 0123456789ABCDEF0123456789ABCDEF01234567\n');
    assert.deepEqual(found('.github/workflows/ci.yml', 'iac/gha-tls-verification-disabled', checked, 'github-actions'), []);
    assert.deepEqual(found('.gitlab-ci.yml', 'iac/gitlab-tls-verification-disabled', pipeline('    - rpm --import http://example.org/RPM-GPG-KEY-example\n')).map((f) => f.severity), ['high']);
    assert.deepEqual(found('.gitlab-ci.yml', 'iac/gitlab-tls-verification-disabled', pipeline('    - rpm --import https://example.org/RPM-GPG-KEY-example\n')), []);
  });

  it('Dockerfile: the plain-http download is high for a trusted key, medium otherwise', () => {
    const rule = 'iac/dockerfile-http-download';
    const key = found('Dockerfile', rule, 'FROM debian:12\nRUN wget -qO - http://example.org/pubkey.gpg | apt-key add - && apt-get update\n');
    assert.deepEqual(key.map((f) => f.severity), ['high']);
    assert.match(key[0]!.message, /signing key installed as trusted/);
    assert.deepEqual(found('Dockerfile', rule, 'FROM rockylinux:9\nRUN rpm --import http://example.org/RPM-GPG-KEY-example\n').map((f) => f.severity), ['high']);
    const byId = found('Dockerfile', rule, 'FROM debian:12\nRUN apt-key adv --keyserver keyserver.example.org --recv-keys 7EA0A9C3\n');
    assert.deepEqual(byId.map((f) => f.severity), ['high']);
    assert.match(byId[0]!.message, /by its key id 7EA0A9C3, not its full fingerprint/);
    // One finding for a key whose URL is on a continued line.
    assert.deepEqual(found('Dockerfile', rule, 'FROM debian:12\nRUN curl -fsSL \\\n      http://example.org/key.asc | apt-key add -\n').map((f) => f.severity), ['high']);
    assert.deepEqual(found('Dockerfile', rule, 'FROM debian:12\nRUN curl -fsSL -o /tmp/tool.tgz http://example.org/tool.tgz\n').map((f) => f.severity), ['medium']);
    const checked = 'FROM debian:12\nRUN curl -fsSL http://example.org/key.asc -o /etc/apt/keyrings/example.asc\nRUN gpg --show-keys --with-fingerprint /etc/apt/keyrings/example.asc | grep -q 0123456789ABCDEF0123456789ABCDEF01234567\n';
    assert.deepEqual(found('Dockerfile', rule, checked).map((f) => f.severity), ['medium']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

function found(path: string, ruleId: string, source: string, platform?: string): Array<{ severity: string; message: string }> {
  return analyseFile(path, source, () => {}, platform as never).findings.filter((f) => f.ruleId === ruleId).map((f) => ({ severity: f.severity, message: f.message }));
}

const workflow = (script: string) => `name: ci\non: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${script}\n`;
const pipeline = (script: string) => `stages: [build]\nbuild:\n  stage: build\n  script:\n    - ${script}\n`;

describe('a download run unverified: medium over HTTPS, high over plain http, as a script piped into a shell is', () => {
  it('GitHub Actions', () => {
    const rule = 'iac/gha-download-unverified';
    const safe = found('.github/workflows/ci.yml', rule, workflow('curl -fsSLo t.sh https://example.org/t.sh && bash t.sh'), 'github-actions');
    assert.deepEqual(safe.map((f) => f.severity), ['medium']);
    assert.doesNotMatch(safe[0]!.message, /plain http/);
    const plain = found('.github/workflows/ci.yml', rule, workflow('wget -q http://example.org/dist/tool-1.0.tar.gz && tar -xzf tool-1.0.tar.gz && ./tool-1.0/bin/tool'), 'github-actions');
    assert.deepEqual(plain.map((f) => f.severity), ['high']);
    assert.match(plain[0]!.message, /over plain http:\/\/, so anyone on the network path can replace what runs/);
  });

  it('GitLab CI', () => {
    const rule = 'iac/gitlab-download-unverified';
    assert.deepEqual(found('.gitlab-ci.yml', rule, pipeline('curl -fsSLo t.rb https://example.org/t.rb && ruby t.rb')).map((f) => f.severity), ['medium']);
    assert.deepEqual(found('.gitlab-ci.yml', rule, pipeline('curl -fsSLo t.rb http://example.org/t.rb && ruby t.rb')).map((f) => f.severity), ['high']);
  });

  it('Dockerfile', () => {
    const rule = 'iac/dockerfile-download-unverified';
    const safe = found('Dockerfile', rule, 'FROM debian:12-slim\nRUN curl -fsSLO https://example.org/dist/app_2.0.1_amd64.deb && dpkg -i app_2.0.1_amd64.deb\n');
    assert.deepEqual(safe.map((f) => f.severity), ['medium']);
    assert.doesNotMatch(safe[0]!.message, /plain http/);
    const plain = found('Dockerfile', rule, 'FROM debian:12-slim\nRUN curl -fsSLO http://example.org/dist/app_2.0.1_amd64.deb && dpkg -i app_2.0.1_amd64.deb\n');
    assert.deepEqual(plain.map((f) => f.severity), ['high']);
    assert.match(plain[0]!.message, /over plain http:\/\/, so anyone on the network path can replace what runs/);
  });

  it('a download from a server on the runner itself is not reported at all', () => {
    assert.deepEqual(found('.gitlab-ci.yml', 'iac/gitlab-download-unverified', pipeline('curl -fsSLo t.rb http://127.0.0.1:8080/t.rb && ruby t.rb')).map((f) => f.severity), []);
  });
});

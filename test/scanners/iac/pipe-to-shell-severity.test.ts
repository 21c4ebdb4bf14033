import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

function piped(path: string, ruleId: string, source: string, platform?: string): string[] {
  return analyseFile(path, source, () => {}, platform as never).findings.filter((f) => f.ruleId === ruleId).map((f) => f.severity);
}

const workflow = (script: string) => `name: ci\non: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${script}\n`;

describe('a download piped into a shell: medium over HTTPS (as an unverified download), high over plain http', () => {
  it('Dockerfile', () => {
    assert.deepEqual(piped('Dockerfile', 'iac/dockerfile-curl-pipe-shell', 'FROM debian:12\nRUN curl -fsSL https://example.org/i.sh | sh\n'), ['medium']);
    assert.deepEqual(piped('Dockerfile', 'iac/dockerfile-curl-pipe-shell', 'FROM debian:12\nRUN curl -fsSL http://example.org/i.sh | sh\n'), ['high']);
    assert.deepEqual(piped('Dockerfile', 'iac/dockerfile-curl-pipe-shell', 'FROM debian:12\nRUN sh -c "$(wget -qO- http://example.org/i.sh)"\n'), ['high']);
  });

  it('GitHub Actions', () => {
    assert.deepEqual(piped('.github/workflows/ci.yml', 'iac/gha-curl-pipe-shell', workflow('curl -fsSL https://example.org/i.sh | bash'), 'github-actions'), ['medium']);
    assert.deepEqual(piped('.github/workflows/ci.yml', 'iac/gha-curl-pipe-shell', workflow('curl -fsSL http://example.org/i.sh | bash'), 'github-actions'), ['high']);
  });

  it('GitLab CI', () => {
    const pipeline = (url: string) => `stages: [build]\nbuild:\n  stage: build\n  script:\n    - curl -sSL ${url} | bash\n`;
    assert.deepEqual(piped('.gitlab-ci.yml', 'iac/gitlab-curl-pipe-shell', pipeline('https://example.org/install.sh')), ['medium']);
    assert.deepEqual(piped('.gitlab-ci.yml', 'iac/gitlab-curl-pipe-shell', pipeline('http://example.org/install.sh')), ['high']);
  });

  it('a local server over http is not the network path', () => {
    assert.deepEqual(piped('Dockerfile', 'iac/dockerfile-curl-pipe-shell', 'FROM debian:12\nRUN curl -fsSL http://localhost:8080/i.sh | sh\n'), ['medium']);
  });
});

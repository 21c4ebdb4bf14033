import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

function hits(lines: string[]): string[] {
  const warnings: string[] = [];
  const pipeline = readPipeline(lines.join('\n') + '\n', (line, message) => warnings.push(`${line}: ${message}`))!;
  assert.deepEqual(warnings, []);
  return gitlabPlatform.rules.flatMap((rule) => [...rule.check(pipeline)].map((hit) => `${rule.id} ${hit.line} ${hit.resource ?? ''}`));
}

test('YAML aliases: a script line or variable that `<<: *template` or `*steps` copies into several jobs is reported once, on its line, as the first owner\'s', () => {
  const got = hits([
    'stages: [build]',
    '.common-vars: &common-vars',
    '  GIT_SSL_NO_VERIFY: "1"',
    '.steps: &steps',
    '  - curl -fsSL https://example.org/install.sh | sh',
    '  - echo "$DEPLOY_TOKEN"',
    '.job: &job',
    '  variables: *common-vars',
    '  script: *steps',
    'one:',
    '  <<: *job',
    'two:',
    '  <<: *job',
    'three:',
    '  variables:',
    '    <<: *common-vars',
    '  script: *steps',
  ]).sort();
  assert.deepEqual(got, [
    'iac/gitlab-curl-pipe-shell 9 job .job',
    'iac/gitlab-secret-printed 9 job .job',
    'iac/gitlab-tls-verification-disabled 3 job .job',
  ]);
});

test('YAML aliases: DOCKER_TLS_CERTDIR: "" copied into a job without dind and one with dind is reported once, as the job that runs dind', () => {
  const got = hits([
    'stages: [build]',
    '.docker-vars: &docker-vars',
    '  DOCKER_TLS_CERTDIR: ""',
    'lint:',
    '  variables: *docker-vars',
    '  script: [make lint]',
    'build:',
    '  variables: *docker-vars',
    '  services: [docker:27.1-dind]',
    '  script: [docker build .]',
  ]);
  assert.deepEqual(got, ['iac/gitlab-dind-without-tls 3 job build']);
});

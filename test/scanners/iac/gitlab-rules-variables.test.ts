import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPipeline, variableScopes } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

test('variables that rules set are read: a job\'s own rules, rules a !reference tag takes from a template (as the job\'s), workflow: rules; a tag naming rules no file defines is left out without a warning', () => {
  const warnings: string[] = [];
  const source = [
    'stages: [deploy]',
    'workflow:',
    '  rules:',
    '    - if: $CI_COMMIT_TAG',
    '      variables:',
    '        GIT_SSL_NO_VERIFY: "true"',
    '    - when: always',
    '.debug-rules:',
    '  rules:',
    '    - if: $CI_COMMIT_BRANCH == "main"',
    '      variables:',
    '        CI_DEBUG_TRACE: "true"',
    'deploy:',
    '  rules:',
    '    - !reference [.debug-rules, rules]',
    '    - if: $CI_PIPELINE_SOURCE == "schedule"',
    '      variables:',
    '        DEPLOY_ENV: nightly',
    '  script: [./deploy.sh]',
    'lint:',
    '  rules: !reference [.rules-from-a-remote-include, rules]',
    '  script: [make lint]',
  ].join('\n');
  const p = readPipeline(source, (line, message) => warnings.push(`${line}: ${message}`))!;
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    variableScopes(p).flatMap((s) => s.map.pairs.map((v) => `${s.owner} ${v.key} ${v.keyLine}`)),
    ['workflow GIT_SSL_NO_VERIFY 6', 'job deploy CI_DEBUG_TRACE 12', 'job deploy DEPLOY_ENV 18'],
  );
  const hits = gitlabPlatform.rules.flatMap((rule) => [...rule.check(p)].map((h) => `${rule.id} ${h.line} ${h.resource ?? ''}`));
  assert.deepEqual(hits.sort(), ['iac/gitlab-debug-trace 12 job deploy', 'iac/gitlab-tls-verification-disabled 6 workflow']);
});

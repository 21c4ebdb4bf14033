import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedBy, safeRefPattern } from '../../../src/scanners/iac/gitlab/conditions.js';
import { readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

const injection = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-script-injection')!;

/** The jobs (resource) the injection rule reports on a pipeline. */
function reported(source: string): string[] {
  const p = readPipeline(`stages: [build]\n${source}`, () => {})!;
  return [...injection.check(p)].map((h) => `${h.resource} ${/expands (\S+)/.exec(h.message)![1]}`);
}

test('rules conditions: the variables an if: expression fixes whenever it is true', () => {
  const fixes = (expression: string) => [...(fixedBy(expression) ?? ['unreadable'])].filter((n) => /^CI_COMMIT_(BRANCH|TAG|REF_NAME)$/.test(n) || n === 'unreadable').sort();
  assert.deepEqual(fixes('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'), ['CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_TAG']);
  assert.deepEqual(fixes('"main" == $CI_COMMIT_REF_NAME && $CI_PIPELINE_SOURCE == "push"'), ['CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_TAG']);
  assert.deepEqual(fixes('$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+(-rc\\d+)?$/'), ['CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_TAG']);
  assert.deepEqual(fixes('($CI_COMMIT_BRANCH == "main" || $CI_COMMIT_BRANCH == "stable") && $CI_PROJECT_PATH == "group/project"'), ['CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_TAG']);
  // Either side may be true on its own: only what both fix is fixed.
  assert.deepEqual(fixes('$CI_COMMIT_BRANCH == "main" || $CI_COMMIT_TAG'), []);
  assert.deepEqual(fixes('$CI_COMMIT_BRANCH != "main"'), []);
  assert.deepEqual(fixes('$CI_COMMIT_BRANCH =~ /^release-.*$/'), []);
  assert.deepEqual(fixes('$CI_COMMIT_BRANCH'), []);
  assert.deepEqual(fixes('($CI_COMMIT_BRANCH == "main"'), ['unreadable']);
  // A `/` in a quoted value or a regular expression is no operator.
  assert.deepEqual(fixes('$CI_PROJECT_PATH == "a/b(c)" && $CI_COMMIT_REF_NAME =~ /^stable\\/[0-9]+$/'), ['CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_TAG']);
});

test('rules conditions: a pattern is safe only when all it matches is letters, digits and ._/+-', () => {
  for (const safe of ['^main$', '^v\\d+\\.\\d+\\.\\d+$', '^(main|stable-[0-9]+)$', '^release/[a-z0-9.-]+$', '\\Av[0-9]+\\.[0-9]+\\.[0-9]+(-rc[0-9]+)?\\z', '\\Amain$']) assert.equal(safeRefPattern(safe), true, safe);
  for (const unsafe of ['^release-.*$', 'main', '^main', '^v[^ ]+$', '^\\S+$', '^v\\d+\\$', '\\Av\\d+', '\\Av\\d+\\\\z', 'A\\d+\\z', '\\A.+\\z']) assert.equal(safeRefPattern(unsafe), false, unsafe);
});

test('script injection: a job that runs only on a branch or tag the pipeline names is not reported for that name', () => {
  const script = '  script:\n    - sh -c "deploy $CI_COMMIT_REF_NAME"\n';
  assert.deepEqual(
    reported(
      [
        `default-branch:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n${script}`,
        `release:\n  rules:\n    - if: $CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+$/\n      when: manual\n    - when: never\n${script}`,
        `legacy:\n  only:\n    - main\n    - /^stable-\\d+$/\n${script}`,
        // A template's script, run only by a job that runs on main.
        `.deploy:\n${script}deploy-main:\n  extends: .deploy\n  rules:\n    - if: '$CI_COMMIT_BRANCH == "main"'\n`,
      ].join(''),
    ),
    [],
  );
  assert.deepEqual(
    reported(
      [
        // A merge request pipeline, any branch or tag, a pattern that takes any text, an earlier rule that only excludes.
        `mr:\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n${script}`,
        `any:\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main" || $CI_COMMIT_TAG\n${script}`,
        `pattern:\n  rules:\n    - if: $CI_COMMIT_BRANCH =~ /^release-.*$/\n${script}`,
        `excluded:\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n      when: never\n    - when: on_success\n${script}`,
        `branches:\n  only:\n    - branches\n${script}`,
        // A template run by a job on main and by one on every branch.
        `.shared:\n${script}on-main:\n  extends: .shared\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\neverywhere:\n  extends: .shared\n`,
      ].join(''),
    ),
    ['job mr $CI_COMMIT_REF_NAME', 'job any $CI_COMMIT_REF_NAME', 'job pattern $CI_COMMIT_REF_NAME', 'job excluded $CI_COMMIT_REF_NAME', 'job branches $CI_COMMIT_REF_NAME', 'job .shared $CI_COMMIT_REF_NAME'],
  );
});

test('script injection: workflow rules that fix the branch hold for every job; the commit message stays written by a contributor', () => {
  const source = 'workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\nbuild:\n  script:\n    - eval "make $CI_COMMIT_BRANCH"\n    - eval "notify $CI_COMMIT_MESSAGE"\n';
  assert.deepEqual(reported(source), ['job build $CI_COMMIT_MESSAGE']);
});

test('script injection: rules a tag takes from outside the scan say nothing about the branch', () => {
  const source = 'include:\n  - project: group/templates\n    ref: 3f7c2a9d1e8b4c6a5f0e2d9c8b7a6f5e4d3c2b1a\n    file: /rules.yml\ndeploy:\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n    - !reference [.mr-rules, rules]\n  script:\n    - eval "deploy $CI_COMMIT_BRANCH"\n';
  assert.deepEqual(reported(source), ['job deploy $CI_COMMIT_BRANCH']);
});

test('script injection in a local script: not reported when every job that runs it runs only on a branch the pipeline names', async () => {
  const { scanIacTree } = await import('../../helpers/iac-scan.js');
  const deploy = '#!/bin/sh\nset -e\nssh deploy@app.example.org "cd /srv/app && git checkout $CI_COMMIT_BRANCH"\n';
  const result = await scanIacTree({
    '.gitlab-ci.yml': [
      'stages: [deploy]',
      'deploy:',
      '  stage: deploy',
      '  rules:',
      '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
      '  script:',
      '    - ./ci/deploy.sh',
      'preview:',
      '  stage: deploy',
      '  script:',
      '    - ./ci/preview.sh',
      '',
    ].join('\n'),
    'ci/deploy.sh': deploy,
    // The same script run by a job on every branch.
    'ci/preview.sh': deploy,
  });
  assert.deepEqual(
    result.findings.filter((f) => f.ruleId === 'iac/gitlab-script-injection').map((f) => `${f.location.path}:${f.location.startLine}`),
    ['ci/preview.sh:3'],
  );
});

test('secret in variables: the password a database service container the job starts is created with is low; without that service, or another secret, high', () => {
  const rule = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-secret-in-variables')!;
  const severities = (source: string) => {
    const p = readPipeline(`stages: [test]\n${source}`, () => {})!;
    return [...rule.check(p)].map((h) => `${h.line} ${h.severity ?? rule.severity}`);
  };
  assert.deepEqual(
    severities(
      [
        'variables:',
        '  MYSQL_ROOT_PASSWORD: root-password', // 3: a job of the pipeline runs mysql
        '  DEPLOY_PASSWORD: hunter2-hunter2', // 4
        '.db:',
        '  services:',
        '    - name: registry.example.org/mirror/mariadb:11.2',
        '      alias: db',
        'test:',
        '  extends: .db',
        '  variables:',
        '    POSTGRES_PASSWORD: runner-password', // 12: no postgres service for this job
        '  script: [make test]',
        'pg:',
        '  services: [postgis/postgis:16-3.4]',
        '  variables:',
        '    POSTGRES_PASSWORD: runner-password', // 17
        '    API_TOKEN: hunter2-hunter2', // 18
        '  script: [make test]',
      ].join('\n'),
    ),
    ['3 low', '4 high', '12 high', '17 low', '18 high'],
  );
});

test('a job whose rules are all when: never runs in no pipeline: its scripts, the scripts it runs and its image are not reported, unless a job takes them', async () => {
  const { scanIacTree } = await import('../../helpers/iac-scan.js');
  const result = await scanIacTree({
    '.gitlab-ci.yml': [
      'stages: [build]',
      'disabled:',
      '  rules:',
      '    - if: $CI_COMMIT_BRANCH == "main"',
      '      when: never',
      '    - when: never',
      '  image: alpine:latest',
      '  script:',
      '    - curl -sSL https://example.org/a.sh | sh',
      '    - ./ci/disabled.sh',
      'base:',
      '  rules:',
      '    - when: never',
      '  script:',
      '    - curl -sSL https://example.org/b.sh | sh', // 15: run by the job that extends it
      'real:',
      '  extends: base',
      '  rules:',
      '    - when: always',
      'switch:',
      '  rules:',
      '    - if: $SKIP',
      '      when: never',
      '    - when: on_success',
      '  script:',
      '    - curl -sSL https://example.org/c.sh | sh', // 26
      '',
    ].join('\n'),
    'ci/disabled.sh': '#!/bin/sh\ncurl -sSL https://example.org/d.sh | sh\n',
  });
  assert.deepEqual(
    result.findings.filter((f) => f.ruleId.startsWith('iac/gitlab-')).map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort(),
    ['iac/gitlab-curl-pipe-shell .gitlab-ci.yml:14', 'iac/gitlab-curl-pipe-shell .gitlab-ci.yml:25'],
  );
});

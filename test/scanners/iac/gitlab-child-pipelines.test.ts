import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { childPipelines } from '../../../src/scanners/iac/gitlab/includes.js';
import { tempTree } from '../../helpers/tmp.js';

const found = async (files: Record<string, string>) => {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.ruleId.startsWith('iac/gitlab-')).map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort();
  } finally {
    t.cleanup();
  }
};

test('trigger: include: local files start child pipelines; artifacts, other projects and templates are not followed', () => {
  const parent = [
    'stages: [test]',
    'one:',
    '  trigger:',
    '    include: ci/one.yml',
    'two:',
    '  trigger:',
    '    include:',
    '      - local: /ci/two.yml',
    '      - ci/three.yml',
    '      - artifact: generated.yml',
    '        job: generate',
    '      - project: group/other',
    '        file: /ci.yml',
    '      - template: Jobs/Build.gitlab-ci.yml',
    '    strategy: depend',
    'downstream:',
    '  trigger: group/other-project',
    '',
  ].join('\n');
  assert.deepEqual(childPipelines(parent), [
    { job: 'one', paths: ['ci/one.yml'] },
    { job: 'two', paths: ['ci/two.yml', 'ci/three.yml'] },
  ]);
});

test("a child pipeline's file is checked as GitLab CI, with its own local includes", async () => {
  assert.deepEqual(
    await found({
      '.gitlab-ci.yml': 'stages: [test]\nchild:\n  trigger:\n    include:\n      - local: ci/child.yml\n',
      // Jobs with script: alone: nothing in the file says GitLab.
      'ci/child.yml': 'include:\n  - local: ci/child-jobs.yml\nbuild:\n  script:\n    - curl -sSL https://example.org/install.sh | bash\n',
      'ci/child-jobs.yml': 'test:\n  script:\n    - curl -sSL https://example.org/test.sh | sh\n',
      // Named by an artifact include: generated, not in the tree's pipelines.
      'ci/generated.yml': 'build:\n  script:\n    - curl -sSL https://example.org/install.sh | bash\n',
    }),
    ['iac/gitlab-curl-pipe-shell ci/child-jobs.yml:2', 'iac/gitlab-curl-pipe-shell ci/child.yml:4'],
  );
});

test('a child pipeline runs under the conditions of the trigger jobs that start it', async () => {
  const child = 'deploy:\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n';
  assert.deepEqual(
    await found({
      '.gitlab-ci.yml': [
        'include:',
        '  - local: ci/rules.yml',
        'stages: [deploy]',
        // Only on the default branch: the ref name is the project's own (the rule comes from a template of an included file).
        'deploy-main:',
        '  extends: .on-main',
        '  trigger:',
        '    include: ci/main.yml',
        // Merge requests: the ref name is a contributor's branch.
        'deploy-review:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  trigger:',
        '    include: ci/review.yml',
        // Started by both: only what both fix counts.
        'deploy-both-main:',
        '  extends: .on-main',
        '  trigger:',
        '    include: ci/both.yml',
        'deploy-both-any:',
        '  trigger:',
        '    include: ci/both.yml',
        '',
      ].join('\n'),
      'ci/rules.yml': '.on-main:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n',
      'ci/main.yml': child,
      'ci/review.yml': child,
      'ci/both.yml': child,
    }),
    ['iac/gitlab-script-injection ci/both.yml:2', 'iac/gitlab-script-injection ci/review.yml:2'],
  );
});

test('a trigger: a template writes starts the child from the jobs that extend it, under their conditions, not the template\'s', async () => {
  const child = 'deploy:\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n';
  assert.deepEqual(
    await found({
      '.gitlab-ci.yml': [
        'stages: [deploy]',
        '.deploy-child:',
        '  rules:',
        '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        '  trigger:',
        '    include: ci/child.yml',
        // Its own rules replace the template's: it runs for merge requests too.
        'deploy-any:',
        '  extends: .deploy-child',
        '  rules:',
        '    - when: always',
        '.deploy-main:',
        '  rules:',
        '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        '  trigger:',
        '    include: ci/main.yml',
        'deploy-main:',
        '  extends: .deploy-main',
        '',
      ].join('\n'),
      'ci/child.yml': child,
      'ci/main.yml': child,
    }),
    ['iac/gitlab-script-injection ci/child.yml:2'],
  );
});

test('the variables a trigger job passes down carry a contributor\'s text into the child pipeline', async () => {
  const child = 'deploy:\n  script:\n    - eval "deploy $TARGET_BRANCH"\n    - eval "notify $TITLE"\n';
  assert.deepEqual(
    await found({
      '.gitlab-ci.yml': [
        'stages: [deploy]',
        'variables:',
        '  TITLE: $CI_MERGE_REQUEST_TITLE',
        '.deploy:',
        '  variables:',
        '    TARGET_BRANCH: $CI_COMMIT_REF_NAME',
        '  trigger:',
        '    include: ci/child.yml',
        'deploy:',
        '  extends: .deploy',
        // A trigger that forwards no variables, and one that inherits none of the top-level ones.
        'quiet:',
        '  variables:',
        '    TARGET_BRANCH: $CI_COMMIT_REF_NAME',
        '  trigger:',
        '    include: ci/quiet.yml',
        '    forward:',
        '      yaml_variables: false',
        'own:',
        '  inherit:',
        '    variables: false',
        '  trigger:',
        '    include: ci/own.yml',
        '',
      ].join('\n'),
      'ci/child.yml': child,
      'ci/quiet.yml': child,
      'ci/own.yml': child,
    }),
    ['iac/gitlab-script-injection ci/child.yml:2', 'iac/gitlab-script-injection ci/child.yml:2'],
  );
});

test("the project's .gitlab-ci.yml, or a file a pipeline includes, runs outside the child pipeline too: the trigger job's conditions do not count", async () => {
  assert.deepEqual(
    await found({
      '.gitlab-ci.yml': 'include:\n  - local: ci/shared.yml\nstages: [deploy]\nagain:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n  trigger:\n    include:\n      - local: .gitlab-ci.yml\n      - local: ci/shared.yml\ndeploy:\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n',
      'ci/shared.yml': 'shared:\n  stage: deploy\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n',
    }),
    ['iac/gitlab-script-injection .gitlab-ci.yml:12', 'iac/gitlab-script-injection ci/shared.yml:3'],
  );
});

test('the files a child pipeline includes run under the conditions of the trigger jobs too, and get the variables they pass down', async () => {
  const jobs = 'deploy:\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n    - eval "notify $TARGET"\n';
  assert.deepEqual(
    await found({
      '.gitlab-ci.yml': [
        'include:',
        '  - local: ci/shared.yml',
        'stages: [deploy]',
        'deploy-main:',
        '  rules:',
        '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        '  variables:',
        '    TARGET: $CI_COMMIT_REF_NAME',
        '  trigger:',
        '    include: ci/main.yml',
        'deploy-review:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  variables:',
        '    TARGET: $CI_COMMIT_REF_NAME',
        '  trigger:',
        '    include: ci/review.yml',
        '',
      ].join('\n'),
      // Each child includes its jobs: on the default branch only, the ref name is the project's.
      'ci/main.yml': 'include:\n  - local: ci/main-jobs.yml\n',
      'ci/main-jobs.yml': jobs,
      'ci/review.yml': 'include:\n  - local: ci/review-jobs.yml\n',
      'ci/review-jobs.yml': jobs,
      // Included by the main-branch child and by the project's pipeline, which runs for every branch.
      'ci/shared.yml': 'shared:\n  stage: deploy\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n',
    }),
    ['iac/gitlab-script-injection ci/review-jobs.yml:2', 'iac/gitlab-script-injection ci/review-jobs.yml:2', 'iac/gitlab-script-injection ci/shared.yml:3'],
  );
});

test("a child pipeline's own child runs under the conditions of both trigger jobs", async () => {
  const grandchild = 'deploy:\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n';
  assert.deepEqual(
    await found({
      '.gitlab-ci.yml': [
        'stages: [deploy]',
        'main:',
        '  rules:',
        '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        '  trigger:',
        '    include: ci/main.yml',
        'any:',
        '  trigger:',
        '    include: ci/any.yml',
        '',
      ].join('\n'),
      // The trigger jobs of the children say nothing of the branch: the first trigger's conditions hold below them.
      'ci/main.yml': 'stages: [deploy]\nnext:\n  trigger:\n    include: ci/main-next.yml\n',
      'ci/main-next.yml': grandchild,
      'ci/any.yml': 'stages: [deploy]\nnext:\n  trigger:\n    include: ci/any-next.yml\n',
      'ci/any-next.yml': grandchild,
    }),
    ['iac/gitlab-script-injection ci/any-next.yml:2'],
  );
});

test('a pipeline at a custom path (found by its content) has its local includes followed', async () => {
  assert.deepEqual(
    await found({
      'ci/pipeline.yml': 'include:\n  - local: ci/jobs/*.yml\nstages: [build]\n',
      'ci/jobs/build.yml': 'build:\n  script:\n    - curl -sSL https://example.org/install.sh | bash\n',
    }),
    ['iac/gitlab-curl-pipe-shell ci/jobs/build.yml:2'],
  );
});

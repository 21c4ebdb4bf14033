import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { includedPaths, localIncludes } from '../../../src/scanners/iac/gitlab/includes.js';
import { tempTree } from '../../helpers/tmp.js';

test('GitLab include: local paths, bare paths and wildcards; remote, project and template includes are not followed', () => {
  const pipeline = [
    'include:',
    "  - local: '/ci/build.yml'",
    '  - ci/templates/*.yml',
    '  - remote: https://example.org/ci.yml',
    '  - https://example.org/other.yml',
    '  - project: group/ci',
    '    file: /deploy.yml',
    '  - template: Auto-DevOps.gitlab-ci.yml',
    '  - local: ../outside.yml',
    'stages: [build]',
  ].join('\n');
  assert.deepEqual(localIncludes(pipeline), ['ci/build.yml', 'ci/templates/*.yml']);
  assert.deepEqual(localIncludes("include: '/single.yml'\n"), ['single.yml']);
  assert.deepEqual(localIncludes('include:\n  local: one.yml\n'), ['one.yml']);
  const files = ['ci/build.yml', 'ci/templates/test.yml', 'ci/templates/deep/x.yml', 'k8s/app.yaml'];
  assert.deepEqual([...includedPaths(localIncludes(pipeline), files)].sort(), ['ci/build.yml', 'ci/templates/test.yml']);
});

test('jobs in an included file are checked as GitLab CI', async () => {
  const t = tempTree({
    '.gitlab-ci.yml': 'include:\n  - local: /ci/build.yml\nstages:\n  - build\n',
    'ci/build.yml': 'build:\n  stage: build\n  script:\n    - curl -sSL https://example.org/install.sh | bash\n',
    // Not included, and nothing in its keys says GitLab (a job with a stage would: holdsGitlabJobs).
    'ci/unrelated.yml': 'build:\n  when: manual\n  script:\n    - curl -sSL https://example.org/install.sh | bash\n',
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`),
      ['iac/gitlab-curl-pipe-shell ci/build.yml:3'],
    );
  } finally {
    t.cleanup();
  }
});

test('extends: a template of a local include (or of the file that includes this one) is followed, and its lines stay in its file', async () => {
  const t = tempTree({
    '.gitlab-ci.yml': [
      'include:',
      '  - local: ci/templates.yml',
      'stages: [build]',
      'default:',
      '  services: [docker:27.1-dind]',
      // Its services are dind (from the include), its variables turn TLS off: reported on its own line.
      'build:',
      '  extends: .docker',
      '  variables:',
      '    DOCKER_TLS_CERTDIR: ""',
      '  script: [docker build .]',
      // The included template's services (postgres) replace default: dind: TLS off is harmless.
      'test:',
      '  extends: .postgres',
      '  variables:',
      '    DOCKER_TLS_CERTDIR: ""',
      '  script: [make test]',
      // dind from default:, DOCKER_TLS_CERTDIR "" from the included template: reported on extends:, naming the template.
      'push:',
      '  extends: [.no-tls]',
      '  script: [docker push example.org/app]',
      '',
    ].join('\n'),
    'ci/templates.yml': [
      '.docker:',
      '  image: docker:27.1',
      '  services: [docker:27.1-dind]',
      '.postgres:',
      '  services: [postgres:16.2]',
      '.no-tls:',
      '  variables:',
      '    DOCKER_TLS_CERTDIR: ""',
      '',
    ].join('\n'),
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    const dind = result.findings.filter((f) => f.ruleId === 'iac/gitlab-dind-without-tls').map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);
    assert.deepEqual(dind.sort(), [
      '.gitlab-ci.yml:17 job push turns TLS off for the Docker-in-Docker daemon (DOCKER_TLS_CERTDIR from .no-tls of ci/templates.yml:8, which it extends).',
      '.gitlab-ci.yml:9 job build turns TLS off for the Docker-in-Docker daemon.',
    ]);
  } finally {
    t.cleanup();
  }
});

test('extends: a template the file that includes this one defines, with dind, makes the job of the include run dind', async () => {
  const t = tempTree({
    '.gitlab-ci.yml': 'include:\n  - local: ci/jobs.yml\nstages: [build]\n.base:\n  services: [docker:27.1-dind]\n',
    'ci/jobs.yml': 'lint:\n  extends: .base\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script: [make lint]\n',
    // Not part of the pipeline: its .base is not read.
    'other/jobs.yml': 'lint:\n  extends: .base\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script: [make lint]\n',
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === 'iac/gitlab-dind-without-tls').map((f) => `${f.location.path}:${f.location.startLine}`),
      ['ci/jobs.yml:4'],
    );
  } finally {
    t.cleanup();
  }
});

test('GitLab wildcard include paths: `*` stays in its folder, `**` crosses folders, and `?`, `[` and `{` name themselves', () => {
  const files = ['ci/a.yml', 'ci/deep/b.yml', 'ci/deep/er/c.yml', 'ci/[x].yml', 'ci/y.yml', 'other/ci/d.yml'];
  const match = (pattern: string) => [...includedPaths([pattern], files)].sort();
  assert.deepEqual(match('ci/*.yml'), ['ci/[x].yml', 'ci/a.yml', 'ci/y.yml']);
  assert.deepEqual(match('ci/**.yml'), ['ci/[x].yml', 'ci/a.yml', 'ci/deep/b.yml', 'ci/deep/er/c.yml', 'ci/y.yml']);
  assert.deepEqual(match('ci/**/*.yml'), ['ci/[x].yml', 'ci/a.yml', 'ci/deep/b.yml', 'ci/deep/er/c.yml', 'ci/y.yml']);
  assert.deepEqual(match('ci/*/*.yml'), ['ci/deep/b.yml']);
  assert.deepEqual(match('ci/[x].yml'), ['ci/[x].yml']);
  assert.deepEqual(match('ci/?.yml'), []);
  assert.deepEqual(match('ci/{a,y}.yml'), []);
});

test('files an included file includes in turn (a path, local:, a wildcard) are part of the pipeline: checked as GitLab CI, their findings on their own lines', async () => {
  const t = tempTree({
    '.gitlab-ci.yml': "include: '/ci/main.yml'\nstages: [build, deploy]\n",
    // Not a pipeline by its name or content: no job, only what it includes and a template.
    'ci/main.yml': ['include:', '  - local: ci/jobs/build.yml', "  - '/ci/deploy/**.yml'", '.dind:', '  services: [docker:27.1-dind]', ''].join('\n'),
    // It extends the template of ci/main.yml, and turns TLS off on its own line.
    'ci/jobs/build.yml': ['build:', '  extends: .dind', '  variables:', '    DOCKER_TLS_CERTDIR: ""', '  script: [docker build .]', ''].join('\n'),
    // Nothing in its keys says GitLab: read as GitLab CI because the pipeline includes it.
    'ci/deploy/prod/deploy.yml': ['deploy:', '  when: manual', '  script:', '    - curl -sSL https://example.org/install.sh | bash', ''].join('\n'),
    // The same jobs in files nothing includes.
    'other/deploy.yml': ['deploy:', '  when: manual', '  script:', '    - curl -sSL https://example.org/install.sh | bash', ''].join('\n'),
    'other/build.yml': ['build:', '  extends: .dind', '  variables:', '    DOCKER_TLS_CERTDIR: ""', '  script: [docker build .]', ''].join('\n'),
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort(), [
      'iac/gitlab-curl-pipe-shell ci/deploy/prod/deploy.yml:3',
      'iac/gitlab-dind-without-tls ci/jobs/build.yml:4',
    ]);
  } finally {
    t.cleanup();
  }
});

test('a file of GitLab jobs and templates that nothing in the scan includes is recognised by its jobs\' keys; a template is judged in the jobs that extend it', async () => {
  const t = tempTree({
    'ci/build.yml': [
      '.install:',
      '  image: alpine:3.20',
      '  script:',
      '    - curl -sSL https://example.org/install.sh | sh',
      'install:',
      '  extends: .install',
      '.dind:',
      '  services: [docker:27.1-dind]',
      '  variables:',
      '    DOCKER_TLS_CERTDIR: ""',
      'build:',
      '  extends: [.dind]',
      '  script: [docker build .]',
      '',
    ].join('\n'),
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort(), [
      'iac/gitlab-curl-pipe-shell ci/build.yml:3',
      'iac/gitlab-dind-without-tls ci/build.yml:10',
    ]);
  } finally {
    t.cleanup();
  }
});

test("the jobs of an included file run under the workflow of the pipeline's first file, which GitLab takes over the included file's own", async () => {
  const jobs = (workflow: string) => `${workflow}deploy:\n  script:\n    - eval "deploy $CI_COMMIT_REF_NAME"\n`;
  const onMain = 'workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n';
  const t = tempTree({
    // Pipelines only on the default branch: its name is the project's.
    'main/.gitlab-ci.yml': `${onMain}include:\n  - local: /main/jobs.yml\nstages: [deploy]\n`,
    'main/jobs.yml': jobs(''),
    // No workflow in the first file: the included file's own holds.
    'own/.gitlab-ci.yml': 'include:\n  - local: /own/jobs.yml\nstages: [deploy]\n',
    'own/jobs.yml': jobs(onMain),
    // The first file runs pipelines for merge requests too: the included file's workflow gives way.
    'mr/.gitlab-ci.yml': 'workflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\ninclude:\n  - local: /mr/jobs.yml\nstages: [deploy]\n',
    'mr/jobs.yml': jobs(onMain),
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    const found = result.findings.filter((f) => f.ruleId === 'iac/gitlab-script-injection').map((f) => `${f.location.path}:${f.location.startLine}`);
    assert.deepEqual(found, ['mr/jobs.yml:5']);
  } finally {
    t.cleanup();
  }
});

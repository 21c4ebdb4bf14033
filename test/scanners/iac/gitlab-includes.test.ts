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
    'ci/unrelated.yml': 'build:\n  stage: build\n  script:\n    - curl -sSL https://example.org/install.sh | bash\n',
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

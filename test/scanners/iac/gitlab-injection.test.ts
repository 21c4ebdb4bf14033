import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

const injection = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-script-injection')!;

test('script injection: text anyone with a branch or merge request writes is high, a tag name (written by members allowed to push tags) medium', () => {
  const source = [
    'stages: [release]',
    'release:',
    '  script:',
    '    - eval "publish --version $CI_COMMIT_TAG"',
    '    - sh -c "notify \'$CI_MERGE_REQUEST_TITLE\'"',
  ].join('\n');
  const p = readPipeline(source, () => {})!;
  assert.deepEqual(
    [...injection.check(p)].map((h) => `${h.detailLine} ${h.severity ?? injection.severity} ${h.message.split(' ')[3]}`),
    ['4 medium $CI_COMMIT_TAG', '5 high $CI_MERGE_REQUEST_TITLE'],
  );
});

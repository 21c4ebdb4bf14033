import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
describe('a compose or GitLab CI file that parses but holds nothing to check', () => {
  it('is warned about with its line instead of skipped quietly; a compose file of include: alone is not', () => {
    const said = (path: string, text: string, hint?: 'compose' | 'gitlab-ci') => {
      const out: string[] = [];
      analyseFile(path, text, (w) => out.push(`${w.line ?? ''} ${w.message}`), hint);
      return out;
    };
    assert.deepEqual(said('docker-compose.yml', '- web\n- db\n', 'compose'), ['1 the file is not a mapping of compose keys: Compose rejects it, so it is not checked']);
    assert.deepEqual(said('compose.yaml', 'volumes:\n  data: {}\n', 'compose'), ['1 the file holds no services: (and no include:): nothing in it is checked']);
    assert.deepEqual(said('compose.yaml', 'include:\n  - ./db/compose.yaml\n', 'compose'), []);
    assert.deepEqual(said('.gitlab-ci.yml', '- build\n- test\n', 'gitlab-ci'), ['1 the file is not a mapping of jobs and keywords: GitLab rejects it as a pipeline, so it is not checked']);
  });
});

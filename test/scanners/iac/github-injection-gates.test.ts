import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

const WORKFLOW = [
  'name: preview',
  'on: pull_request_target',
  'permissions: {}',
  'jobs:',
  '  deploy:',
  '    runs-on: ubuntu-latest',
  '    environment: previews',
  '    steps:',
  '      - run: echo "${{ github.event.pull_request.title }}"',
  '  labelled:',
  "    if: github.event.pull_request.author_association == 'MEMBER'",
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - run: echo "${{ github.event.pull_request.title }}"',
  '  open:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - run: echo "${{ github.event.pull_request.title }}"',
  '',
].join('\n');

describe('template injection behind a gate', () => {
  it('is critical when an outsider starts it alone, high behind a deployment environment or an author_association check', () => {
    const findings = analyseFile('.github/workflows/preview.yml', WORKFLOW, () => {}).findings.filter((f) => f.ruleId === 'iac/gha-template-injection');
    assert.deepEqual(
      findings.map((f) => `${f.location.startLine} ${f.severity}`),
      ['9 high', '14 high', '18 critical'],
    );
    assert.match(findings[0]!.message, /deploys to the environment previews/);
  });
});

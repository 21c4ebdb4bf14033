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

  it('on a review trigger, the text of the review or comment is anyone\'s in a run with secrets (the base repository\'s own pull requests): critical, behind an author_association check high; the title is not', () => {
    const workflow = [
      'name: review',
      'on:',
      '  pull_request_review:',
      '    types: [submitted]',
      '  pull_request_review_comment:',
      '    types: [created]',
      'permissions: {}',
      'jobs:',
      '  echo:',
      '    runs-on: ubuntu-latest',
      '    env:',
      '      BODY: ${{ github.event.review.body }}',
      '    steps:',
      '      - run: echo "${{ github.event.review.body }}"',
      '      - run: echo "${{ github.event.comment.body }}"',
      '      - run: echo "${{ env.BODY }}"',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '  members:',
      "    if: github.event.review.author_association == 'MEMBER'",
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.review.body }}"',
      '',
    ].join('\n');
    const findings = analyseFile('.github/workflows/review.yml', workflow, () => {}).findings.filter((f) => f.ruleId === 'iac/gha-template-injection');
    assert.deepEqual(
      findings.map((f) => `${f.location.startLine} ${f.severity}`),
      ['14 critical', '15 critical', '16 critical', '17 high', '22 high'],
    );
  });
});

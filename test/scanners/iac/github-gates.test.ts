import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { evaluate, parseExpression } from '../../../src/scanners/iac/github/expression.js';
import { fixturePath } from '../../helpers/paths.js';

/** [rule, line, severity] of the trigger and checkout findings of a fixture. */
function scan(name: string): Array<[string, number, string]> {
  const text = readFileSync(fixturePath('iac', 'gha-gates', name), 'utf8');
  return analyseFile(`.github/workflows/${name}`, text, () => {}, 'github-actions')
    .findings.filter((f) => f.ruleId === 'iac/gha-dangerous-trigger' || f.ruleId === 'iac/gha-untrusted-checkout')
    .map((f) => [f.ruleId.replace('iac/gha-', ''), f.location.startLine, f.severity] as [string, number, string])
    .sort();
}

test('gates: a job a fork reaches only through a maintainer-set label (itself or a job it needs) is high, not critical; the trigger medium', () => {
  assert.deepEqual(scan('label-gated-build.yml'), [
    ['dangerous-trigger', 3, 'medium'],
    ['untrusted-checkout', 22, 'high'],
  ]);
});

test('gates: a label the pull request must carry is set by a maintainer: high, not critical; a label it must not carry is no gate', () => {
  assert.deepEqual(scan('pull-request-label-gated.yml'), [
    ['dangerous-trigger', 3, 'high'],
    ['untrusted-checkout', 17, 'high'],
    ['untrusted-checkout', 26, 'critical'],
  ]);
});

test('gates: an if: that admits only the repository\'s own branches makes the artifact download medium', () => {
  assert.deepEqual(scan('same-repo-only.yml'), [['dangerous-trigger', 3, 'medium']]);
});

test('gates: an earlier step that fails for a fork\'s pull request leaves the checkout low', () => {
  assert.deepEqual(scan('comment-fork-check.yml'), [['untrusted-checkout', 22, 'low']]);
});

test('gates: a job only pull requests of a named author reach (Dependabot\'s) is low; one that keeps out only another account is open', () => {
  assert.deepEqual(scan('author-named.yml'), [
    ['dangerous-trigger', 3, 'high'],
    ['untrusted-checkout', 16, 'low'],
    ['untrusted-checkout', 25, 'critical'],
  ]);
});

test('gates: a comment prefix anyone can write is no gate (startsWith of an unknown value is unknown)', () => {
  assert.deepEqual(scan('comment-prefix-only.yml'), [['untrusted-checkout', 20, 'critical']]);
});

test('gates: a step that runs only for workflow_run does not raise the pull_request_target trigger', () => {
  assert.deepEqual(scan('two-triggers.yml'), [
    ['dangerous-trigger', 3, 'medium'],
    ['dangerous-trigger', 5, 'high'],
  ]);
});

test('gates: labeled/closed runs whose jobs all need a merged pull request, through needs: too, are not reported', () => {
  assert.deepEqual(scan('merged-cherry-pick.yml'), []);
});

test('gates: pull_request_target only for labeled, with no pull request code, is low', () => {
  assert.deepEqual(scan('label-trigger-only.yml'), [['dangerous-trigger', 3, 'low']]);
});

test('expression: startsWith/contains of a context the facts do not fix is unknown, not a test of the word "unknown"', () => {
  for (const source of ["startsWith(github.event.comment.body, '/run')", "contains(github.event.comment.body, 'kno')"]) {
    assert.equal(evaluate(parseExpression(source)!, { 'github.event_name': 'issue_comment' }), 'unknown', source);
  }
});

test('gates: an author_association test that lets outsiders through is no gate', () => {
  assert.deepEqual(scan('outsiders-only.yml'), [
    ['dangerous-trigger', 3, 'high'],
    ['untrusted-checkout', 13, 'critical'],
  ]);
});

test('dangerous trigger: the message names a write token only when a job\'s token may write', () => {
  const wf = (top: string, job = '') =>
    `name: report\non:\n  workflow_run:\n    workflows: [build]\n    types: [completed]\n${top}jobs:\n  report:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: ./report.sh\n`;
  const message = (text: string) => analyseFile('.github/workflows/report.yml', text, () => {}, 'github-actions').findings.find((f) => f.ruleId === 'iac/gha-dangerous-trigger')?.message ?? '';
  assert.match(message(wf('permissions: {}\n')), /^The workflow runs on workflow_run, with secrets, for events/);
  assert.match(message(wf('permissions:\n  contents: read\n')), /with secrets, for events/);
  assert.match(message(wf('')), /with secrets and a write token/);
  assert.match(message(wf('permissions: {}\n', '    permissions:\n      pull-requests: write\n')), /with secrets and a write token/);
});

/** [line, severity, message] of the self-hosted runner findings of an inline workflow. */
function selfHosted(on: string, jobs: string): Array<[number, string, string]> {
  const text = `name: ci\non:\n${on}permissions: {}\njobs:\n${jobs}`;
  return analyseFile('.github/workflows/ci.yml', text, () => {}, 'github-actions')
    .findings.filter((f) => f.ruleId === 'iac/gha-self-hosted-public-trigger')
    .map((f) => [f.location.startLine, f.severity, f.message] as [number, string, string]);
}

const SELF_HOSTED_JOB = (head: string) => `  test:\n${head}    runs-on: [self-hosted, linux]\n    steps:\n      - run: make test\n`;

test('self-hosted: under pull_request an environment or a fork check is no gate (a fork runs its own copy of the workflow): high', () => {
  const got = selfHosted('  pull_request:\n', SELF_HOSTED_JOB('    environment: test\n'));
  assert.deepEqual(got.map(([l, s]) => [l, s]), [[8, 'high']]);
  assert.match(got[0]![2], /environment test.*can drop that/);
  assert.deepEqual(selfHosted('  pull_request:\n', SELF_HOSTED_JOB('    if: github.event.pull_request.head.repo.full_name == github.repository\n')).map(([l, s]) => [l, s]), [[8, 'high']]);
});

test('self-hosted: under pull_request_target a deployment environment is medium, saying it can require approval', () => {
  const got = selfHosted('  pull_request_target:\n', SELF_HOSTED_JOB('    environment:\n      name: test\n'));
  assert.deepEqual(got.map(([l, s]) => [l, s]), [[9, 'medium']]);
  assert.match(got[0]![2], /environment test, which can require a reviewer's approval/);
});

test('self-hosted: a maintainer-only label in the if: is medium; an if: that keeps forks out is not reported', () => {
  assert.deepEqual(selfHosted('  pull_request_target:\n    types: [labeled]\n', SELF_HOSTED_JOB("    if: github.event.label.name == 'safe-to-test'\n")).map(([l, s]) => [l, s]), [[9, 'medium']]);
  for (const condition of ['github.event.pull_request.head.repo.full_name == github.repository', '${{ !github.event.pull_request.head.repo.fork }}'])
    assert.deepEqual(selfHosted('  pull_request_target:\n', SELF_HOSTED_JOB(`    if: ${condition}\n`)), []);
});

test('self-hosted: a job needing one whose step fails for forks is low; a check in the job itself runs on the runner already', () => {
  const check = '  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          if [ "$(gh pr view "$PR" --json isCrossRepository -q .isCrossRepository)" = true ]; then exit 1; fi\n';
  assert.deepEqual(selfHosted('  issue_comment:\n', check + SELF_HOSTED_JOB('    needs: check\n')).map(([l, s]) => [l, s]), [[13, 'low']]);
  const own = '  test:\n    runs-on: self-hosted\n    steps:\n      - run: |\n          if [ "$(gh pr view "$PR" --json isCrossRepository -q .isCrossRepository)" = true ]; then exit 1; fi\n      - run: make test\n';
  assert.deepEqual(selfHosted('  issue_comment:\n', own).map(([l, s]) => [l, s]), [[7, 'high']]);
});

test('gates: an issue_comment event has no github.event.pull_request, so a test of its fork flag keeps no one out', () => {
  assert.deepEqual(selfHosted('  issue_comment:\n', SELF_HOSTED_JOB('    if: ${{ !github.event.pull_request.head.repo.fork }}\n')).map(([l, s]) => [l, s]), [[8, 'high']]);
  // Its head repository is null too: an equality with the repository is false for every comment.
  assert.deepEqual(selfHosted('  issue_comment:\n', SELF_HOSTED_JOB('    if: github.event.pull_request.head.repo.full_name == github.repository\n')), []);
});

test('gates: an earlier step that fails unless the commenter is a member of the organization makes the checkout high, not critical', () => {
  assert.deepEqual(scan('org-member-check.yml'), [['untrusted-checkout', 25, 'high']]);
});

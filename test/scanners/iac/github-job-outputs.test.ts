import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

const RULES = new Set(['iac/gha-template-injection', 'iac/gha-untrusted-checkout']);

/** [rule, line, severity] of the injection and checkout findings of a fixture, with their messages. */
function scan(name: string): { hits: Array<[string, number, string]>; messages: string[] } {
  const text = readFileSync(fixturePath('iac', 'gha-job-outputs', name), 'utf8');
  const findings = analyseFile(`.github/workflows/${name}`, text, () => {}, 'github-actions').findings.filter((f) => RULES.has(f.ruleId));
  return {
    hits: findings.map((f) => [f.ruleId.replace('iac/gha-', ''), f.location.startLine, f.severity] as [string, number, string]).sort(),
    messages: findings.map((f) => f.message),
  };
}

test('job outputs: a branch and repository looked up through the API, read through needs: in a checkout, is an untrusted checkout', () => {
  const { hits, messages } = scan('needs-checkout.yml');
  assert.deepEqual(hits, [['untrusted-checkout', 34, 'critical']]);
  assert.match(messages[0]!, /needs\.get-pr\.outputs\.source_branch/);
});

test('job outputs: a title written to an output, passed on by a job and expanded in another job\'s script, is an injection; the number is not', () => {
  const { hits, messages } = scan('needs-run.yml');
  assert.deepEqual(hits, [
    ['template-injection', 28, 'critical'],
    ['template-injection', 29, 'critical'],
  ]);
  assert.ok(messages.every((m) => !/outputs\.number/.test(m)));
  assert.match(messages[1]!, /needs\.relay\.outputs\.title .*needs\.meta\.outputs\.title/);
});

test('artifact outputs: files of the triggering run\'s artifacts read into outputs are attacker-controlled; a file of the checkout, markup or a listing is not', () => {
  const { hits, messages } = scan('artifact-output.yml');
  assert.deepEqual(hits, [
    ['template-injection', 39, 'critical'],
    ['template-injection', 39, 'critical'],
    ['template-injection', 58, 'critical'],
    // The checkout is the job's last step: nothing runs the code it brings (yet).
    ['untrusted-checkout', 45, 'high'],
  ]);
  assert.ok(messages.some((m) => /outputs\.sha .*pr\/sha\.txt/.test(m)));
  // Markup in an echo is no redirection from a file; `$(< pr.txt)` is.
  assert.ok(messages.some((m) => /outputs\.number .*pr\.txt/.test(m)));
  assert.ok(messages.every((m) => !/outputs\.(?:note|count)\b/.test(m)));
  assert.ok(messages.some((m) => /outputs\.version .*pr\/vars\.txt/.test(m)));
  assert.ok(messages.every((m) => !/outputs\.node/.test(m)));
});

test('matrix: a literal entry or a fromJSON of an output that holds the head sha checks out the pull request; a title in an include entry is an injection', () => {
  assert.deepEqual(scan('matrix-checkout.yml').hits, [
    ['template-injection', 45, 'critical'],
    ['untrusted-checkout', 18, 'critical'],
    ['untrusted-checkout', 35, 'critical'],
  ]);
});

test('negatives: outputs from the base repository, the base sha, the pull request number, or github.sha on push taint nothing', () => {
  assert.deepEqual(scan('negatives.yml').hits, []);
  assert.deepEqual(scan('push-sha.yml').hits, []);
});

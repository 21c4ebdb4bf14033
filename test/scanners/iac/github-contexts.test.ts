import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attackerContext } from '../../../src/scanners/iac/github/contexts.js';

describe('attacker-controlled contexts', () => {
  it('finds outsider-written text in every spelling of the path', () => {
    for (const expression of [
      'github.event.issue.title',
      "github.event.commits[0]['message']",
      'github.event.commits.*.author.name',
      'github.event.changes.body.from',
      'github.event.pages[0].summary',
      'github.event.forkee.description',
      'github.event.check_suite.head_commit.message',
      'format("{0}", github.event.workflow_run.head_commit.committer.name)',
      'toJSON(github.event.pull_request)',
    ]) {
      assert.ok(attackerContext(expression), expression);
    }
  });

  it('leaves numbers, hashes, fixed names and longer paths that only share a prefix', () => {
    for (const expression of [
      'github.event.issue.number',
      'github.sha',
      'github.event.pull_request.head.sha',
      'github.event.forkee.id',
      'github.event.changes.title',
      'github.event.issue.title_length',
      'my.github.event.issue.title',
      'toJSON(github.event.repository)',
    ]) {
      assert.equal(attackerContext(expression), undefined, expression);
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findZizmorSuppression, zizmorSuppressions } from '../../../src/scanners/iac/github/zizmor-ignore.js';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

/** Lines of the dangerous-trigger findings of a fixture, and whether a zizmor comment covers each. */
function triggers(name: string): Array<[number, boolean]> {
  const text = readFileSync(fixturePath('iac', 'gha-zizmor-on-block', name), 'utf8');
  const comments = zizmorSuppressions(text);
  return analyseFile(`.github/workflows/${name}`, text, () => {}, 'github-actions')
    .findings.filter((f) => f.ruleId === 'iac/gha-dangerous-trigger')
    .map((f) => [f.location.startLine, findZizmorSuppression(comments, f.ruleId, f.location.startLine) !== undefined]);
}

test('zizmor ignore: a comment on its own line inside the on: block covers the whole block, as zizmor\'s span for dangerous-triggers does', () => {
  assert.deepEqual(triggers('comment-above.yml'), [[4, true]]);
  assert.deepEqual(triggers('comment-inside.yml'), [[3, true]]);
});

test('zizmor ignore: a comment on its own line outside the on: block does not reach the trigger', () => {
  assert.deepEqual(triggers('comment-elsewhere.yml'), [[3, false]]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureAccuracy } from '../../../bench/secrets/accuracy.js';
import { tempTree } from '../../helpers/tmp.js';

test('recall and precision on a small generated corpus stay at or above 95%', async () => {
  const tree = tempTree();
  try {
    const outcome = await measureAccuracy(tree.dir, 12);
    assert.ok(outcome.planted > 150 && outcome.decoys > outcome.planted, `corpus too small: ${outcome.planted} planted, ${outcome.decoys} decoys`);
    const detail = `missed ${outcome.missed.map((m) => `${m.type}@${m.path}:${m.line}`).join(', ')}; false positives ${outcome.falsePositives.map((f) => `${f.ruleId}@${f.location.path}:${f.location.startLine}`).join(', ')}`;
    assert.ok(outcome.recall >= 0.95, `recall ${outcome.recall}: ${detail}`);
    assert.ok(outcome.precision >= 0.95, `precision ${outcome.precision}: ${detail}`);
  } finally {
    tree.cleanup();
  }
});

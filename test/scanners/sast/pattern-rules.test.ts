import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPatternRules } from '../../../src/scanners/sast/patterns/engine.js';
import { PATTERN_RULES } from '../../../src/scanners/sast/patterns/rules.js';
import { isParseFailure, parseSource } from '../../../src/scanners/sast/source/parse.js';

/** Every pattern rule's own examples: each positive fires that rule exactly once, each negative never. */
describe('sast pattern rules: examples', () => {
  for (const rule of PATTERN_RULES) {
    it(rule.id, () => {
      assert.ok(rule.examples.positive.length > 0 && rule.examples.negative.length > 0, 'a rule needs both kinds of example');
      for (const [kind, examples] of [['positive', rule.examples.positive], ['negative', rule.examples.negative]] as const) {
        for (const code of examples) {
          const parsed = parseSource('example.js', code);
          assert.ok(!isParseFailure(parsed), `example does not parse: ${code}`);
          if (isParseFailure(parsed)) continue;
          const hits = runPatternRules(parsed).findings.filter((f) => f.ruleId === rule.id);
          assert.equal(hits.length, kind === 'positive' ? 1 : 0, `${kind} example: ${code}`);
        }
      }
    });
  }

  it('never puts a hard-coded secret in a message', () => {
    const parsed = parseSource('x.js', "jwt.sign(payload, 'my-very-secret-key');");
    assert.ok(!isParseFailure(parsed));
    if (isParseFailure(parsed)) return;
    const result = runPatternRules(parsed);
    assert.deepEqual(result.secrets, ['my-very-secret-key']);
    for (const f of result.findings) assert.ok(!f.message.includes('my-very-secret-key'));
  });
});

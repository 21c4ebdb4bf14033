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

describe('sast pattern rules in a minified copy of a third-party library', () => {
  const grammar = (n: number) => `g${n}:{pattern:/(\\|\\s*)(?:\\\\?\\b[a-z_]\\w*)+\\b/}`;
  const body = `var Lib=(function(){var x={${Array.from({ length: 3 }, (_, i) => grammar(i)).join(',')}};${'x.a=1;'.repeat(200)}return x})();`;
  const run = (code: string) => {
    const parsed = parseSource('ui/public/libs/prism/prism.js', code);
    assert.ok(!isParseFailure(parsed));
    return isParseFailure(parsed) ? [] : runPatternRules(parsed).findings;
  };

  it('is one low finding per rule, naming the library, with the other places as related locations', () => {
    const found = run(`/* PrismJS 1.30.0\nhttps://prismjs.com/download.html */\n${body}\n`);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.ruleId, 'sast/redos');
    assert.equal(found[0]!.severity, 'low');
    assert.equal(found[0]!.related?.length, 2);
    assert.match(found[0]!.message, /In a minified copy of PrismJS 1\.30\.0 committed to the project, with 2 more like it in this file/);
  });

  it('keeps every finding at its severity without a banner, or in code a person wrote (short lines)', () => {
    assert.deepEqual(run(`${body}\n`).map((f) => f.severity), ['medium', 'medium', 'medium']);
    const readable = `/* PrismJS 1.30.0 */\n${Array.from({ length: 3 }, (_, i) => `var ${grammar(i).replace(':', ' = ').replace('{pattern:', '').replace(/}$/, '')};`).join('\n')}\n`;
    assert.deepEqual(run(readable).map((f) => f.severity), ['medium', 'medium', 'medium']);
  });
});

describe('bundledLibrary', () => {
  const long = `!function(){${'a.b=1;'.repeat(300)}}();`;
  it('reads the banner of a minified library, or a minified file name', async () => {
    const { bundledLibrary } = await import('../../../src/scanners/sast/patterns/engine.js');
    assert.equal(bundledLibrary('libs/tinymce/plugins/codesample/plugin.js', `/**\n * TinyMCE version 6.8.6 (TBD)\n */\n${long}`), 'TinyMCE 6.8.6');
    assert.equal(bundledLibrary('static/jquery.js', `/*! jQuery v3.7.1 | (c) OpenJS Foundation */\n${long}`), 'jQuery 3.7.1');
    assert.equal(bundledLibrary('static/app.min.js', long), 'app.min.js');
    assert.equal(bundledLibrary('src/app.js', long), undefined);
    assert.equal(bundledLibrary('static/app.min.js', 'const a = 1;\n'), undefined);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PLATFORM_RULES } from '../../../src/scanners/iac/platforms.js';
import type { Hit, IacRule, PlatformRules } from '../../../src/scanners/iac/rule.js';
import { placeholderByComment } from '../../../src/scanners/iac/analyse.js';

/** Lines that follow a `# <mark>` line: where a positive example must fire (`expect`) or point inside (`detail`). */
function markedLines(text: string, mark: 'expect' | 'detail'): number[] {
  const lines = text.split('\n');
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === `# ${mark}`) out.push(i + 2);
  });
  return out;
}

function run(platform: PlatformRules<unknown>, rule: IacRule<unknown>, text: string): Hit[] {
  const warnings: string[] = [];
  const input = platform.parse(text, (line, message) => warnings.push(`${line}: ${message}`), rule.examples.context);
  if (input === undefined) return [];
  // As the scan does: a literal that a comment beside it marks as a placeholder is left out (IacRule.placeholderComments).
  const lines = text.split('\n');
  return [...rule.check(input)].filter((hit) => !placeholderByComment(rule, hit, (n) => lines[n - 1] ?? ''));
}

describe('every IaC rule fires on its positive examples and stays quiet on its negative ones', () => {
  for (const platform of PLATFORM_RULES) {
    for (const rule of platform.rules) {
      it(`${rule.id}`, () => {
        assert.ok(rule.examples.positive.length >= 1, 'needs a positive example');
        assert.ok(rule.examples.negative.length >= 1, 'needs a negative example');
        assert.ok(rule.id.startsWith('iac/'), 'rule ids start with iac/');
        assert.ok(rule.description.length > 40 && rule.remediation.length > 20, 'description and remediation say what and why');
        assert.ok(rule.cwe.length > 0 && rule.cwe.every((c) => /^CWE-\d+$/.test(c)));
        rule.examples.positive.forEach((example, k) => {
          const hits = run(platform, rule, example);
          assert.ok(hits.length > 0, `positive example ${k + 1} did not fire:\n${example}`);
          const expected = markedLines(example, 'expect');
          if (expected.length > 0) {
            const got = [...new Set(hits.map((h) => h.line))].sort((a, b) => a - b);
            assert.deepEqual(got, expected, `positive example ${k + 1} fired on other lines:\n${example}`);
            const details = [...new Set(hits.flatMap((h) => (h.detailLine === undefined ? [] : [h.detailLine])))].sort((a, b) => a - b);
            assert.deepEqual(details, markedLines(example, 'detail'), `positive example ${k + 1} points inside other lines:\n${example}`);
          }
          for (const hit of hits) {
            assert.ok(hit.message.length > 10, 'each hit has a message');
            if (hit.detailLine !== undefined) assert.ok(hit.detailLine > hit.line, 'a detail line lies inside the value or block that starts at the finding line');
          }
        });
        rule.examples.negative.forEach((example, k) => {
          const hits = run(platform, rule, example);
          assert.deepEqual(hits.map((h) => `${h.line}: ${h.message}`), [], `negative example ${k + 1} fired:\n${example}`);
        });
      });
    }
  }

  it('each judgement of local scripts fires on its positive scripts, on the marked lines, and stays quiet on its negative ones', () => {
    const judging = PLATFORM_RULES.flatMap((platform) => platform.rules.filter((rule) => rule.scripts));
    assert.ok(judging.length >= 9);
    for (const rule of judging) {
      const judgement = rule.scripts!;
      const script = (text: string) => ({ path: 'ci/build.sh', text, runBy: 'job "release" of .gitlab-ci.yml' });
      assert.ok(judgement.examples.positive.length >= 1 && judgement.examples.negative.length >= 1, `${rule.id}: needs script examples`);
      judgement.examples.positive.forEach((example, k) => {
        const hits = [...judgement.check(script(example))];
        assert.ok(hits.length > 0, `${rule.id}: positive script ${k + 1} did not fire:\n${example}`);
        assert.deepEqual([...new Set(hits.map((h) => h.line))].sort((a, b) => a - b), markedLines(example, 'expect'), `${rule.id}: positive script ${k + 1} fired on other lines:\n${example}`);
        for (const hit of hits) assert.match(hit.message, / in ci\/build\.sh, run by job "release" of \.gitlab-ci\.yml/, `${rule.id}: the message names the script and who runs it`);
      });
      judgement.examples.negative.forEach((example, k) => {
        assert.deepEqual([...judgement.check(script(example))].map((h) => `${h.line}: ${h.message}`), [], `${rule.id}: negative script ${k + 1} fired:\n${example}`);
      });
    }
  });

  it('rule ids are unique', () => {
    const ids = PLATFORM_RULES.flatMap((p) => p.rules.map((r) => r.id));
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('rules and parsers survive damaged input', () => {
  it('never throw on mutated rule examples', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const junk = ['"', '{', '}', '[', ']', '${', '<<EOF\n', '\\', '\n', '#', '*', ':', '- ', '&a ', '*a', '\t', '`', '|', "'", '%{', '\u0000'];
    let runs = 0;
    for (const platform of PLATFORM_RULES) {
      for (const rule of platform.rules) {
        for (const example of [...rule.examples.positive, ...rule.examples.negative]) {
          for (let round = 0; round < 3; round++) {
            let text = example;
            const at = Math.floor(random() * (text.length + 1));
            text = random() < 0.3 ? text.slice(0, at) : text.slice(0, at) + junk[Math.floor(random() * junk.length)] + text.slice(at + 1);
            const input = platform.parse(text, () => {});
            if (input !== undefined) for (const r of platform.rules) [...r.check(input)];
            runs++;
          }
        }
      }
    }
    assert.ok(runs > 1000);
  });
});

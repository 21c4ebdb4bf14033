import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PLATFORM_RULES } from '../../../src/scanners/iac/platforms.js';

/**
 * Hostile input, generated: every rule example of a platform, cut, spliced and sprinkled
 * with syntax characters by a fixed-seed generator, must be read and judged by all the
 * platform's rules without an exception (a parse problem is a warning, never a crash).
 */
const SYNTAX = ['{', '}', '[', ']', '"', "'", ':', '$', '-', '\n', '\t', '|', '&', '*', '!', '=', ',', '#', '\\', '${', '{{', '}}', '<<EOF\n', '&a ', '*a', '---\n', '\u0000', '1e999', '0x'];

function generator(seed: number) {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
  const below = (n: number) => Math.floor(next() * n);
  return (text: string): string => {
    const lines = text.split('\n');
    switch (below(6)) {
      case 0:
        return text.slice(0, below(text.length));
      case 1:
        lines.splice(below(lines.length), 1);
        return lines.join('\n');
      case 2: {
        const i = below(lines.length);
        lines.splice(i, 0, lines[i]!);
        return lines.join('\n');
      }
      case 3: {
        let out = text;
        for (let k = 0; k <= below(4); k++) {
          const at = below(out.length);
          out = out.slice(0, at) + SYNTAX[below(SYNTAX.length)] + out.slice(at);
        }
        return out;
      }
      case 4: {
        const i = below(lines.length);
        lines[i] = `  ${lines[i]}`;
        return lines.join('\n');
      }
      default: {
        const at = below(text.length);
        return text.slice(0, at) + text.slice(at + below(40));
      }
    }
  };
}

describe('IaC rules on mutated copies of their own examples', () => {
  for (const platform of PLATFORM_RULES) {
    it(`${platform.platform}: no rule throws`, () => {
      const mutate = generator(platform.rules.length);
      let inputs = 0;
      for (const owner of platform.rules) {
        for (const example of [...owner.examples.positive, ...owner.examples.negative]) {
          for (let round = 0; round < 2; round++) {
            const text = mutate(example);
            inputs++;
            const input = platform.parse(text, () => {}, owner.examples.context);
            if (input === undefined) continue;
            for (const rule of platform.rules) {
              try {
                for (const _ of rule.check(input));
              } catch (error) {
                assert.fail(`${rule.id} threw on a mutated example of ${owner.id}: ${(error as Error).stack}\n--- input ---\n${text}`);
              }
            }
          }
        }
      }
      assert.ok(inputs > 0);
    });
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeywordMatcher } from '../../../src/scanners/secrets/engine/keyword-matcher.js';

function hits(matcher: KeywordMatcher, text: string): string[] {
  const found: string[] = [];
  matcher.scan(Buffer.from(text, 'latin1'), (index, start) => found.push(`${matcher.keywords[index]!.text}@${start}`));
  return found.sort();
}

test('finds every occurrence exactly once, at even and odd offsets and at both ends', () => {
  const matcher = new KeywordMatcher([{ text: 'ghp_', caseSensitive: true }, { text: 'token', caseSensitive: false }]);
  assert.deepEqual(hits(matcher, 'ghp_'), ['ghp_@0']);
  assert.deepEqual(hits(matcher, 'xghp_'), ['ghp_@1']);
  assert.deepEqual(hits(matcher, 'ab TOKEN=1 token Token x ghp_'), ['ghp_@25', 'token@11', 'token@17', 'token@3']);
  for (let pad = 0; pad < 6; pad++) assert.deepEqual(hits(matcher, `${'.'.repeat(pad)}tokentoken`), [`token@${pad}`, `token@${pad + 5}`].sort());
});

test('case-sensitive keywords ignore other cases; case-insensitive ones take any', () => {
  const matcher = new KeywordMatcher([{ text: 'AKIA', caseSensitive: true }, { text: 'secret', caseSensitive: false }]);
  assert.deepEqual(hits(matcher, 'akia AKIA SeCrEt'), ['AKIA@5', 'secret@10']);
});

test('overlapping keywords and keywords sharing pairs are all reported', () => {
  const matcher = new KeywordMatcher([
    { text: 'pass', caseSensitive: false },
    { text: 'password', caseSensitive: false },
    { text: 'sswo', caseSensitive: false },
  ]);
  assert.deepEqual(hits(matcher, 'DB_PASSWORD'), ['pass@3', 'password@3', 'sswo@5']);
});

test('keywords shorter than 3 bytes are refused', () => {
  assert.throws(() => new KeywordMatcher([{ text: 'Q~', caseSensitive: true }]), /shorter than 3/);
});

test('finds keywords at every alignment and at both ends of the buffer, in any case', () => {
  const keywords = ['://', 'pwd', 'token', 'hf_', 'secret'];
  const matcher = new KeywordMatcher(keywords.map((text) => ({ text, caseSensitive: false })));
  for (const keyword of keywords) {
    for (const form of [keyword, keyword.toUpperCase()]) {
      for (let pad = 0; pad < 4; pad++) {
        const before = 'x'.repeat(pad);
        assert.deepEqual(hits(matcher, `${before}${form}`), [`${keyword}@${pad}`], `${form} after ${pad}`);
        assert.deepEqual(hits(matcher, `${before}${form}${'y'.repeat(pad)}`), [`${keyword}@${pad}`], `${form} between ${pad}`);
      }
    }
  }
  // Near misses share the indexed pairs but not the byte beside them.
  assert.deepEqual(hits(matcher, 'tokeX secreX :/x pwX hfX'), []);
});

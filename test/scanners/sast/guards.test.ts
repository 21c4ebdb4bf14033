import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { removedCharactersSanitise, replacementSanitises } from '../../../src/scanners/sast/models/builtins.js';
import { beginsWithoutDash, restrictiveRegex } from '../../../src/scanners/sast/models/guards.js';
import { catastrophicBacktracking } from '../../../src/scanners/sast/patterns/redos.js';
import { CLASS_BIT, join, make, possibleStrings, strValue } from '../../../src/scanners/sast/analysis/value.js';

describe('sast sanitiser and guard heuristics', () => {
  it('treats anchored allow-list patterns as restrictive', () => {
    for (const p of ['^[a-z0-9_-]+$', '^\\d{1,6}$', '^[A-Za-z]+(\\.[a-z]+)?$', '^\\w+$', '^(a|b)$', '^(@[\\w-]+\\/)?pkg-(one|two)-[\\w-]+$']) assert.ok(restrictiveRegex(p), p);
    for (const p of ['[a-z]+', '^[a-z]+', '^.*$', '^[^/]+$', '^a|.*$', '^(a)|(.*)$', '^[\\w\\s]+$', '^[a-z|]+$']) assert.ok(!restrictiveRegex(p), p);
  });

  it('knows which whitelist replacements clean which classes', () => {
    const alnum = replacementSanitises('[^a-z0-9]', 'g', '');
    assert.ok(alnum & CLASS_BIT.command && alnum & CLASS_BIT.path && alnum & CLASS_BIT.sql && alnum & CLASS_BIT.prototype);
    const withSlash = replacementSanitises('[^\\w./-]', 'g', '');
    assert.equal(withSlash & CLASS_BIT.path, 0, 'a slash keeps path traversal possible');
    assert.equal(withSlash & CLASS_BIT.prototype, 0, 'underscores keep __proto__ possible');
    assert.equal(replacementSanitises('[^a-z]', '', ''), 0, 'without /g only the first match is replaced');
    assert.equal(replacementSanitises('\\.\\.\\/', 'g', ''), 0, 'removing ../ is not a sanitiser');
    assert.equal(replacementSanitises('[.*+?^${}()|[\\]\\\\]', 'g', '\\$&'), CLASS_BIT.regex);
    assert.equal(replacementSanitises('<', 'g', '&lt;'), CLASS_BIT.xss);
  });

  it('knows which classes a replacer function that drops the match cleans', () => {
    assert.ok(removedCharactersSanitise('[&<>"\']', 'g') & CLASS_BIT.xss);
    assert.ok(removedCharactersSanitise('&|<|>', 'g') & CLASS_BIT.xss);
    assert.equal(removedCharactersSanitise('[<>]', 'g') & CLASS_BIT.xss, 0, 'ampersands and quotes still break out');
    assert.equal(removedCharactersSanitise('[&<>"\']', '') & CLASS_BIT.xss, 0, 'without /g only the first match is replaced');
    assert.equal(removedCharactersSanitise('[^a-z]', 'g'), 0, 'a negated class is an allow-list, not a removal');
    assert.ok(removedCharactersSanitise(String.raw`[\\/]`, 'g') & CLASS_BIT.path, 'no separators left');
    assert.equal(removedCharactersSanitise('[<>&]', 'g') & CLASS_BIT.deserialization, 0, 'classes that do not depend on characters stay');
  });

  it('knows which patterns prove a string does not begin an option', () => {
    for (const p of ['^[^-]', '^[^-].*$', '^[a-z0-9]', '^\\w', '^[A-Za-z0-9_]+$', '^[^\\-/]']) assert.ok(beginsWithoutDash(p), p);
    for (const p of ['^[a-z0-9-]+$', '^[^-]*$', '^\\w?', '[a-z]', '^[^/]', '^a|-', '^.']) assert.ok(!beginsWithoutDash(p), p);
    assert.equal(replacementSanitises('[^\\w.-]', 'g', '') & CLASS_BIT.argument, 0, 'a kept dash still begins an option');
    assert.ok(replacementSanitises('[^a-z0-9]', 'g', '') & CLASS_BIT.argument);
    assert.ok(removedCharactersSanitise('[-;]', 'g') & CLASS_BIT.argument);
  });

  it('keeps the constants a joined value may be', () => {
    const tainted = make({ taint: [], built: true });
    const bin = join(tainted, strValue('git'));
    assert.deepEqual(possibleStrings(bin), ['git']);
    assert.deepEqual(possibleStrings(join(bin, strValue('hg'))), ['git', 'hg']);
    assert.equal(join(bin, strValue('git')), bin, 'nothing new: the same value');
    assert.deepEqual(possibleStrings(join(strValue('a'), strValue('a'))), ['a']);
  });

  it('finds catastrophic backtracking and leaves linear patterns alone', () => {
    for (const p of ['^(a+)+$', '(\\w+\\s?)*$', '^(a|aa)+$', '(\\d|\\w)+x', '^(([a-z])+.)+[A-Z]([a-z])+$', '^(\\s*,?\\s*)+$', '(?:(a+)+,)*', '((a+)+)*\\b', '^([a-zA-Z0-9]{2,4})+$', '(?:\\d{1,3})*x']) {
      assert.ok(catastrophicBacktracking(p), p);
    }
    for (const p of ['^[a-z]+$', '(ab)+', '^([a-z]+\\.)+[a-z]{2,}$', '(a|b)+', '^\\d{3}-\\d{4}$', '^(\\r\\n|\\n)*$', '[\\w.+-]+@[\\w-]+\\.[\\w.]+', '((', '(a+)+', '\\n {4}Metadata:\\n(?: {6,}.*\\n)+', '(\\w+\\s?)*[a-z]*', '^(\\d{1,3}\\.){3}\\d{1,3}$', '^([a-f0-9]{2})+$', '^(?:[a-z]{2,4}-)+x$']) {
      assert.ok(!catastrophicBacktracking(p), p);
    }
  });
});

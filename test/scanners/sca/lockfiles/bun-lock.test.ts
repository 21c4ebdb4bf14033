import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bunLock } from '../../../../src/scanners/sca/lockfiles/bun-lock.js';
import { assertGraphClosed, fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

describe('bun.lock', () => {
  const result = parseFixture('bun', 'bun.lock');
  const text = fixtureText('bun', 'bun.lock');

  it('reads the JSONC lockfile (comments, trailing commas) into packages with lines', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      '@acme/core@1.2.4', 'bun-types-lite@1.0.7', 'debug@2.6.9', 'express-lite@4.2.0', 'gh-helper@0123456', 'left-pad@1.3.0',
      'ms@2.0.0', 'ms@2.1.3', 'ms@3.0.0-canary.1',
    ]);
    assert.equal(pkg(result, 'debug').location.startLine, lineOf(text, '"express-lite/debug":'));
    assertGraphClosed(result);
  });

  it('resolves nested install keys before hoisted ones', () => {
    assert.deepEqual(pkg(result, 'express-lite').dependsOn, ['pkg:npm/debug@2.6.9', 'pkg:npm/ms@2.1.3']);
    assert.deepEqual(pkg(result, 'ms', '2.0.0').dependencyPath, ['bun-app', 'express-lite@4.2.0', 'debug@2.6.9', 'ms@2.0.0']);
  });

  it('reads workspaces: root direct and dev dependencies, a member with its own copy', () => {
    assert.equal(result.root?.name, 'bun-app');
    assert.equal(pkg(result, 'bun-types-lite').dev, true);
    assert.equal(pkg(result, 'express-lite').dev, false);
    assert.deepEqual(pkg(result, 'ms', '3.0.0-canary.1').dependencyPath, ['bun-app', '@bun-app/shared@0.0.1', 'ms@3.0.0-canary.1']);
    assert.equal(pkg(result, 'ms', '3.0.0-canary.1').direct, true);
  });

  it('reads aliases, GitHub packages and integrity', () => {
    assert.deepEqual(pkg(result, 'left-pad').flags, ['alias:tiny-alias']);
    assert.equal(pkg(result, 'gh-helper').source, 'git');
    assert.equal(pkg(result, 'gh-helper').integrity, undefined, 'the third element of a git entry is a tag, not an integrity');
    assert.match(pkg(result, 'ms', '2.1.3').integrity ?? '', /^sha512-/);
  });

  it('keeps the packages before a truncation and says where it stopped', () => {
    const truncated = text.slice(0, text.indexOf('"gh-helper": [') + 20);
    const partial = bunLock.parse(truncated, 'bun.lock');
    assert.ok(partial.packages.some((p) => p.name === 'express-lite'));
    assert.equal(partial.warnings.length, 1);
    assert.match(partial.warnings[0]?.message ?? '', /malformed JSON/);
    assert.equal(partial.warnings[0]?.line, lineOf(text, '"gh-helper": ['));
  });
});

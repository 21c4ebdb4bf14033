import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import semver from 'semver';
import * as pep440 from '@renovatebot/pep440';
import { ECOSYSTEMS } from '../../../../src/scanners/sca/model.js';
import {
  comparatorFor,
  comparatorForScheme,
  invalidVersionNote,
  type VersionSchemeId,
} from '../../../../src/scanners/sca/versions/index.js';
import { goToSemver } from '../../../../src/scanners/sca/versions/go.js';
import { seededRandom } from '../../../helpers/random.js';


function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function sampleSemvers(count: number): string[] {
  const next = seededRandom(7);
  const labels = ['alpha', 'beta', 'rc', '0', '1', '2', '10', 'x-y', 'A', 'a1'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let v = `${pick(next, [0, 1, 2, 10])}.${pick(next, [0, 1, 9, 10])}.${pick(next, [0, 1, 2, 11])}`;
    if (next() < 0.5) {
      const n = 1 + Math.floor(next() * 3);
      v += '-' + Array.from({ length: n }, () => pick(next, labels)).join('.');
    }
    if (next() < 0.2) v += '+build.' + pick(next, ['1', 'x', '007']);
    out.push(v);
  }
  return out;
}

describe('semver scheme', () => {
  const comparator = comparatorForScheme('semver');

  it('agrees with the semver package on valid versions', () => {
    const versions = sampleSemvers(120);
    for (const a of versions) {
      for (const b of versions) {
        assert.equal(comparator.compare(a, b), semver.compare(a, b), `${a} vs ${b}`);
      }
    }
  });

  it('orders numbers beyond 2^53 exactly', () => {
    assert.equal(comparator.compare('9007199254740993.0.0', '9007199254740992.0.0'), 1);
  });

  it('marks non-SemVer strings invalid but still orders them', () => {
    assert.equal(comparator.isValid('1.2.3'), true);
    assert.equal(comparator.isValid('v1.2.3'), true);
    for (const bad of ['1.2', 'latest', '', '1.2.3.4', '01.2.3', '1.0beta', '🙂']) {
      assert.equal(comparator.isValid(bad), false, bad);
      assert.doesNotThrow(() => comparator.compare(bad, '1.0.0'));
    }
    assert.equal(comparator.compare('1.2', '1.2.0'), 0);
    assert.equal(comparator.compare('1.2.3.4', '1.2.3'), 1);
    assert.equal(comparator.compare('latest', '0.0.1'), -1);
  });

  it('gives equal versions the same canonical form', () => {
    assert.equal(comparator.parse('v1.02.3+build').canonical, comparator.parse('1.2.3').canonical);
    assert.notEqual(comparator.parse('1.2.3-rc.1').canonical, comparator.parse('1.2.3').canonical);
  });
});

describe('go scheme', () => {
  const go = comparatorFor('Go');

  it('reads the v prefix, +incompatible and pseudo-versions', () => {
    assert.equal(go.compare('v1.2.3', '1.2.3'), 0);
    assert.equal(go.compare('v2.0.0+incompatible', '2.0.0'), 0);
    assert.equal(go.isValid('v2.0.0+incompatible'), true);
    // a pseudo-version based on v1.2.3 sorts after it and before v1.2.4
    const pseudo = 'v1.2.4-0.20191109021931-daa7c04131f5';
    assert.equal(go.isValid(pseudo), true);
    assert.equal(go.compare(pseudo, 'v1.2.3'), 1);
    assert.equal(go.compare(pseudo, 'v1.2.4'), -1);
    assert.equal(go.compare('v0.0.0-20200101000000-aaaaaaaaaaaa', 'v0.0.0-20210101000000-000000000000'), -1);
  });

  it('reads Go toolchain versions the way the Go vulnerability database writes them', () => {
    assert.equal(goToSemver('go1.21.3'), '1.21.3');
    assert.equal(goToSemver('go1.21'), '1.21.0');
    assert.equal(goToSemver('go1.21rc2'), '1.21.0-rc.2');
    assert.equal(goToSemver('v1.2.3'), 'v1.2.3');
    assert.equal(go.compare('go1.21rc2', '1.21.0'), -1);
    assert.equal(go.compare('go1.20.14', '1.21.0-rc.2'), -1);
  });
});

describe('pep440 scheme', () => {
  const pypi = comparatorFor('PyPI');

  it('agrees with @renovatebot/pep440 on valid versions', () => {
    const versions = ['1.0', '1.0.0', '1.0a1', '1.0b2', '1.0rc1', '1.0.post1', '1.0.dev3', '1!0.5', '1.0+abc.5', '1.0+5', '2.0', '1.0a1.dev1', '0.9', '1.0.0.post0.dev1'];
    for (const a of versions) for (const b of versions) assert.equal(pypi.compare(a, b), pep440.compare(a, b), `${a} vs ${b}`);
  });

  it('puts legacy (non PEP 440) versions below every valid one', () => {
    assert.equal(pypi.isValid('0.9-doduo'), false);
    assert.equal(pypi.compare('0.9-doduo', '0.0.1'), -1);
    assert.equal(pypi.compare('', '0'), -1);
    assert.match(invalidVersionNote('PyPI', 'not a version') ?? '', /not a valid PEP 440 version/);
    assert.equal(invalidVersionNote('PyPI', '1.0'), undefined);
  });

  it('treats normalised spellings as the same version', () => {
    assert.equal(pypi.parse('1.0.0-ALPHA.1').canonical, pypi.parse('1.0a1').canonical);
    assert.equal(pypi.compare('1.0.0-ALPHA.1', '1.0a1'), 0);
  });
});

describe('maven, rubygems, nuget and packagist schemes', () => {
  it('orders Maven qualifiers and service packs', () => {
    const maven = comparatorFor('Maven');
    assert.deepEqual(
      maven.sort(['1.0', '1.0-sp1', '1.0-SNAPSHOT', '1.0-rc1', '1.0-M1', '1.0-beta', '1.0-alpha', '1.0-foo', '1.0.1']),
      ['1.0-alpha', '1.0-beta', '1.0-M1', '1.0-rc1', '1.0-SNAPSHOT', '1.0', '1.0-sp1', '1.0-foo', '1.0.1'],
    );
    assert.equal(maven.parse('1.0.0').canonical, maven.parse('1').canonical);
  });

  it('orders RubyGems pre-releases below releases', () => {
    const gems = comparatorFor('RubyGems');
    assert.deepEqual(gems.sort(['1.0.0', '1.0.0.rc1', '1.0.0-beta', '0.9.9', '1.0.0.1']), ['0.9.9', '1.0.0-beta', '1.0.0.rc1', '1.0.0', '1.0.0.1']);
    assert.equal(gems.isValid('1.0 beta'), false);
  });

  it('compares NuGet labels without case and four-part versions', () => {
    const nuget = comparatorFor('NuGet');
    assert.equal(nuget.compare('1.0.0-RC.1', '1.0.0-rc.1'), 0);
    assert.equal(nuget.compare('1.0.0.1', '1.0.0'), 1);
    assert.equal(nuget.parse('1.0').canonical, nuget.parse('1.0.0.0').canonical);
  });

  it('orders Composer stabilities', () => {
    const composer = comparatorFor('Packagist');
    assert.deepEqual(
      composer.sort(['1.0.0', 'v1.0.0-RC1', '1.0.0-beta2', '1.0.0-alpha1', '1.0.0-dev', '1.0.0-p1']),
      ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta2', 'v1.0.0-RC1', '1.0.0', '1.0.0-p1'],
    );
  });

  it('never throws on hostile strings', () => {
    const hostile = ['', ' ', '-', '.', '..', '+', 'v', '\u0000', 'x'.repeat(5000), '9'.repeat(400), '1.-.-.1', '1!!2', '🙂.1'];
    for (const ecosystem of ECOSYSTEMS) {
      const comparator = comparatorFor(ecosystem);
      for (const a of hostile) for (const b of hostile) assert.doesNotThrow(() => comparator.compare(a, b), `${ecosystem}: ${a} vs ${b}`);
    }
  });

  it('is a total order on a mixed sample (antisymmetric and transitive)', () => {
    const samples: Record<VersionSchemeId, string[]> = {
      semver: ['1.0.0', '1.0.0-rc.1', '1.0.0-rc.1.5', '0.9.0', 'v1.0.0', '1.0', 'junk', '2.0.0-0'],
      go: ['v1.0.0', 'v1.0.0-20200101000000-abcdefabcdef', 'go1.21rc1', 'v2.0.0+incompatible', '1.21.0'],
      pep440: ['1.0', '1.0a1', '1.0.post1', '1.0.dev1', 'legacy-1', '1!0.1', '1.0+local'],
      maven: ['1', '1-SNAPSHOT', '1.0.1', '1-sp', '1-foo', '1.foo', '1-1', '1.1'],
      rubygems: ['1', '1.a', '1.0.0', '1.1', '1-pre', '2'],
      nuget: ['1.0', '1.0.0.1', '1.0.0-BETA', '1.0.0-beta.2', '0.9'],
      packagist: ['1.0', '1.0.0', '1.0-dev', '1.0RC1', 'dev-main', '1.0pl1', '1.0.0-beta'],
    };
    for (const [id, versions] of Object.entries(samples)) {
      const c = comparatorForScheme(id as VersionSchemeId);
      for (const a of versions) {
        for (const b of versions) {
          assert.equal(c.compare(a, b) + c.compare(b, a), 0, `${id}: ${a} vs ${b}`);
          for (const d of versions) {
            if (c.compare(a, b) <= 0 && c.compare(b, d) <= 0) assert.ok(c.compare(a, d) <= 0, `${id}: ${a} <= ${b} <= ${d}`);
          }
        }
      }
    }
  });
});

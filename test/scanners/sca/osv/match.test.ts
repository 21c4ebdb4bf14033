import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advisorySeverity } from '../../../../src/scanners/sca/cvss.js';
import { AdvisoryIndex } from '../../../../src/scanners/sca/osv/advisory-index.js';
import { groupAliases, groupByAliases } from '../../../../src/scanners/sca/osv/aliases.js';
import { fixedVersions, minimalUpgrade, spellLike, summarizeFixes } from '../../../../src/scanners/sca/osv/fix.js';
import { affects, matchAdvisory } from '../../../../src/scanners/sca/osv/match.js';
import { normalizePackageName, packageKey, toEcosystem } from '../../../../src/scanners/sca/osv/package-names.js';
import { readOsvRecord } from '../../../../src/scanners/sca/osv/record.js';
import type { OsvRecord } from '../../../../src/scanners/sca/osv/types.js';
import { rangeFixtures } from './fixtures.js';

function record(value: unknown): OsvRecord {
  const reading = readOsvRecord(value);
  assert.ok(reading.record, reading.problems.join('; '));
  return reading.record;
}

describe('range fixtures', () => {
  const fixtures = rangeFixtures();

  it('cover every event type, several ranges, versions lists, withdrawn and the GHSA bound', () => {
    const text = JSON.stringify(fixtures.map((f) => f.record));
    for (const needle of ['"introduced"', '"fixed"', '"last_affected"', '"limit"', '"withdrawn"', '"versions"', 'last_known_affected_version_range', '"GIT"', '"SEMVER"', '"ECOSYSTEM"']) {
      assert.ok(text.includes(needle), needle);
    }
  });

  for (const fixture of fixtures) {
    it(`${fixture.file}: ${fixture.description}`, () => {
      const advisory = record(fixture.record);
      for (const { ecosystem, name, affected, unaffected } of fixture.expect) {
        for (const version of affected) assert.equal(affects(advisory, ecosystem, name, version), true, `${ecosystem} ${name}@${version} should be affected`);
        for (const version of unaffected) assert.equal(affects(advisory, ecosystem, name, version), false, `${ecosystem} ${name}@${version} should not be affected`);
      }
    });
  }
});

describe('matchAdvisory', () => {
  const byFile = new Map(rangeFixtures().map((f) => [f.file, record(f.record)]));

  it('says why: range, versions list, withdrawn, outside, other package', () => {
    assert.equal(matchAdvisory(byFile.get('introduced-fixed.json')!, 'npm', 'demo-lib', '1.1.0').reason, 'range');
    assert.equal(matchAdvisory(byFile.get('versions-only.json')!, 'RubyGems', 'demo-gem', '1.0.1').reason, 'versions');
    assert.equal(matchAdvisory(byFile.get('withdrawn.json')!, 'npm', 'demo-lib', '1.0.0').reason, 'withdrawn');
    assert.equal(matchAdvisory(byFile.get('introduced-fixed.json')!, 'npm', 'demo-lib', '1.5.0').reason, 'outside');
    assert.equal(matchAdvisory(byFile.get('introduced-fixed.json')!, 'npm', 'other', '1.1.0').reason, 'other-package');
  });

  it('notes ignored GIT ranges and lenient versions', () => {
    const result = matchAdvisory(byFile.get('several-ranges.json')!, 'Maven', 'org.example:demo', '1.2');
    assert.equal(result.affected, true);
    assert.match(result.notes.join('\n'), /GIT range of https:\/\/example\.org\/demo\.git ignored/);
    const lenient = matchAdvisory(byFile.get('introduced-fixed.json')!, 'npm', 'demo-lib', '1.1');
    assert.equal(lenient.affected, true);
    assert.match(lenient.notes.join('\n'), /"1\.1" is not a valid SemVer 2\.0\.0 version/);
  });

  it('reads a bad GHSA bound as no bound, with a note', () => {
    const advisory = record({
      id: 'GHSA-test-0000-0002',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'x' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }] }],
          database_specific: { last_known_affected_version_range: '<= 1.0.0 || junk junk' },
        },
      ],
    });
    const result = matchAdvisory(advisory, 'npm', 'x', '5.0.0');
    assert.equal(result.affected, true);
    assert.match(result.notes.join('\n'), /not understood/);
  });

  it('never throws on records that skipped readOsvRecord', () => {
    const hostile: unknown[] = [
      ...rangeFixtures().map((f) => f.record),
      { id: 'H-1', affected: 'nope' },
      { id: 'H-2', affected: [null, 1, { package: { ecosystem: 'npm', name: 'p' }, ranges: 'x', versions: 'abc' }] },
      { id: 'H-3', affected: [{ package: { ecosystem: 'npm', name: 'p' }, ranges: [null, { type: 'SEMVER', events: [null, { introduced: 1 }, { fixed: {} }] }] }] },
      { id: 'H-4', aliases: 'CVE-1', severity: 'high', database_specific: 'x', affected: [{ package: { ecosystem: 'npm', name: 'p' }, severity: [null], database_specific: [] }] },
    ];
    for (const raw of hostile) {
      assert.doesNotThrow(() => affects(raw as OsvRecord, 'npm', 'p', '1.0.0'));
      assert.doesNotThrow(() => advisorySeverity(raw as OsvRecord, { ecosystem: 'npm', name: 'p' }));
      assert.doesNotThrow(() => minimalUpgrade([raw as OsvRecord], 'npm', 'p', '1.0.0'));
      assert.doesNotThrow(() => groupByAliases([raw as OsvRecord]));
    }
  });

  it('rejects records without an id and keeps going on bad parts', () => {
    assert.equal(readOsvRecord({ modified: 'x' }).record, null);
    assert.equal(readOsvRecord([1, 2]).record, null);
    const reading = readOsvRecord(rangeFixtures().find((f) => f.file === 'malformed.json')!.record);
    assert.ok(reading.record);
    assert.ok(reading.problems.length >= 4, reading.problems.join('\n'));
  });
});

describe('package names and ecosystems', () => {
  it('normalises names per ecosystem', () => {
    assert.equal(normalizePackageName('PyPI', 'Zope.Interface__x'), 'zope-interface-x');
    assert.equal(normalizePackageName('NuGet', 'Newtonsoft.Json'), 'newtonsoft.json');
    assert.equal(normalizePackageName('Packagist', 'Symfony/HTTP-Kernel'), 'symfony/http-kernel');
    assert.equal(normalizePackageName('crates.io', 'Serde_JSON'), 'serde-json');
    assert.equal(normalizePackageName('npm', '@Scope/Pkg'), '@Scope/Pkg');
    assert.equal(normalizePackageName('Go', 'github.com/Foo/bar'), 'github.com/Foo/bar');
    assert.equal(packageKey({ ecosystem: 'PyPI', name: 'A_B', version: '1' }), packageKey({ ecosystem: 'PyPI', name: 'a-b', version: '1' }));
  });

  it('maps OSV ecosystem names, ignoring a suffix', () => {
    assert.equal(toEcosystem('crates.io'), 'crates.io');
    assert.equal(toEcosystem('Maven:https://repo.example.org/'), 'Maven');
    assert.equal(toEcosystem('pypi'), 'PyPI');
    assert.equal(toEcosystem('Debian:12'), null);
  });
});

describe('fixed versions and the minimal upgrade', () => {
  const a = record({
    id: 'TEST-FIX-A',
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'pkg' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.0' }, { introduced: '2.0.0' }, { fixed: '2.1.0' }] }],
      },
    ],
  });
  const b = record({
    id: 'TEST-FIX-B',
    modified: '2024-01-01T00:00:00Z',
    affected: [
      { package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.1.0' }, { fixed: '1.3.0' }] }] },
    ],
  });
  const noFix = record({
    id: 'TEST-FIX-C',
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }] }] }],
  });

  it('lists fixed events in version order', () => {
    assert.deepEqual(fixedVersions(a, 'npm', 'pkg'), ['1.2.0', '2.1.0']);
    assert.deepEqual(fixedVersions(noFix, 'npm', 'pkg'), []);
  });

  it('picks the smallest fixed version above the current one that no advisory affects', () => {
    // 1.2.0 fixes A but B affects it; 1.3.0 fixes both
    assert.equal(minimalUpgrade([a, b], 'npm', 'pkg', '1.1.5'), '1.3.0');
    assert.equal(minimalUpgrade([a, b], 'npm', 'pkg', '0.9.0'), '1.3.0');
    assert.equal(minimalUpgrade([a], 'npm', 'pkg', '0.9.0'), '1.2.0');
    assert.equal(minimalUpgrade([a, b], 'npm', 'pkg', '2.0.1'), '2.1.0');
    assert.equal(minimalUpgrade([a, noFix], 'npm', 'pkg', '1.1.0'), undefined);
  });

  it('spells Go suggestions the way go.mod and the toolchain do', () => {
    assert.equal(spellLike('Go', '1.2.3', 'v1.0.0'), 'v1.2.3');
    assert.equal(spellLike('Go', '1.21.0-rc.2', 'go1.20'), 'go1.21rc2');
    assert.equal(spellLike('Go', '1.21.5', 'go1.20'), 'go1.21.5');
    assert.equal(spellLike('npm', '1.2.3', 'v1.0.0'), '1.2.3');
  });

  it('summarises per advisory, sorted by id', () => {
    const summary = summarizeFixes([b, a], 'npm', 'pkg', '1.1.5');
    assert.deepEqual([...summary.fixedVersions.entries()], [['TEST-FIX-A', ['1.2.0', '2.1.0']], ['TEST-FIX-B', ['1.3.0']]]);
    assert.equal(summary.minimalUpgrade, '1.3.0');
  });
});

describe('AdvisoryIndex', () => {
  it('matches many packages by name and version, without withdrawn advisories', () => {
    const index = AdvisoryIndex.fromRecords(rangeFixtures().map((f) => record(f.record)));
    const results = index.matchAll([
      { ecosystem: 'npm', name: 'demo-lib', version: '1.0.0' },
      { ecosystem: 'npm', name: 'demo-lib', version: '1.0.0' },
      { ecosystem: 'npm', name: 'demo-lib', version: '1.5.0' },
      { ecosystem: 'PyPI', name: 'DEMO_PKG', version: '1.0' },
      { ecosystem: 'Go', name: 'stdlib', version: 'go1.21.3' },
      { ecosystem: 'npm', name: 'unknown', version: '1.0.0' },
    ]);
    assert.equal(results.size, 5);
    assert.deepEqual(results.get(packageKey({ ecosystem: 'npm', name: 'demo-lib', version: '1.0.0' }))!.map((r) => r.id), ['TEST-2024-0001']);
    assert.deepEqual(results.get(packageKey({ ecosystem: 'npm', name: 'demo-lib', version: '1.5.0' })), []);
    assert.deepEqual(results.get(packageKey({ ecosystem: 'PyPI', name: 'demo-pkg', version: '1.0' }))!.map((r) => r.id), ['TEST-2024-0002']);
    assert.deepEqual(results.get(packageKey({ ecosystem: 'Go', name: 'stdlib', version: 'go1.21.3' }))!.map((r) => r.id), ['TEST-GO-0001']);
    assert.deepEqual(index.advisoriesFor('npm', 'demo-lib').map((r) => r.id), ['TEST-2024-0001', 'TEST-2024-0006']);
  });

  it('keeps the later of two records with one id', () => {
    const old = record({ id: 'X-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'p' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] });
    const fresh = record({ id: 'X-1', modified: '2024-06-01T00:00:00Z', withdrawn: '2024-06-01T00:00:00Z', affected: old.affected });
    assert.deepEqual(AdvisoryIndex.fromRecords([fresh, old]).match({ ecosystem: 'npm', name: 'p', version: '1.0.0' }), []);
    assert.deepEqual(AdvisoryIndex.fromRecords([old, fresh]).match({ ecosystem: 'npm', name: 'p', version: '1.0.0' }), []);
  });
});

describe('alias groups', () => {
  it('groups records that name each other and prefers GHSA ids', () => {
    const r = (id: string, aliases: string[]): OsvRecord => ({ id, modified: '', aliases });
    const groups = groupByAliases([r('PYSEC-2024-1', ['CVE-2024-1']), r('GHSA-aaaa-bbbb-cccc', ['CVE-2024-1']), r('GO-2024-9', [])]);
    assert.deepEqual(groups.map((g) => g.map((x) => x.id)), [['GHSA-aaaa-bbbb-cccc', 'PYSEC-2024-1'], ['GO-2024-9']]);
    assert.deepEqual(groupAliases(groups[0]!), ['CVE-2024-1', 'GHSA-aaaa-bbbb-cccc', 'PYSEC-2024-1']);
  });
});

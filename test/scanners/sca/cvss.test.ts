import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { advisorySeverity, cvss3BaseScore, roundUp, severityFromScore, UNRATED_SEVERITY } from '../../../src/scanners/sca/cvss.js';
import type { OsvRecord } from '../../../src/scanners/sca/osv/types.js';
import { sharedDataPath } from '../../helpers/paths.js';

/** Base scores as the FIRST CVSS v3.1 calculator gives them. */
const KNOWN: Array<[string, number]> = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 8.8],
  ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 5.3],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N', 5.4],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N', 6.5],
  ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
  // temporal metrics do not change the base score; metric order does not matter
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C', 9.8],
  ['CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H', 9.8],
];

describe('CVSS v3 base score', () => {
  for (const [vector, score] of KNOWN) {
    it(`${vector} = ${score}`, () => assert.deepEqual(cvss3BaseScore(vector), { score, version: vector.slice(5, 8) }));
  }

  it('rounds up as CVSS v3.1 Appendix A does', () => {
    assert.equal(roundUp(4.000000000000001), 4.0);
    assert.equal(roundUp(4.02), 4.1);
    assert.equal(roundUp(4.0), 4.0);
    assert.equal(roundUp(9.9999), 10.0);
  });

  it('explains vectors it cannot score', () => {
    for (const bad of ['', 'AV:N/AC:L', 'CVSS:2.0/AV:N', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N']) {
      const result = cvss3BaseScore(bad);
      assert.ok('error' in result, bad);
    }
  });

  it('maps scores to severities', () => {
    assert.deepEqual([0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10].map(severityFromScore), ['info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });

  it('scores every CVSS v3 vector in the RustSec export', () => {
    const files = unzipSync(readFileSync(sharedDataPath('advisories', 'rustsec-osv.zip')));
    let scored = 0;
    for (const data of Object.values(files)) {
      const record = JSON.parse(strFromU8(data)) as OsvRecord;
      for (const s of record.severity ?? []) {
        if (s.type !== 'CVSS_V3') continue;
        const result = cvss3BaseScore(s.score);
        assert.ok('score' in result, `${record.id}: ${s.score}`);
        scored++;
      }
    }
    assert.ok(scored > 300, `${scored}`);
  });
});

describe('advisory severity', () => {
  const base: OsvRecord = { id: 'TEST-1', modified: '2024-01-01T00:00:00Z' };

  it('prefers the highest CVSS v3 score, from the record or the package entry', () => {
    const record: OsvRecord = {
      ...base,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }],
      database_specific: { severity: 'LOW' },
      affected: [
        { package: { ecosystem: 'npm', name: 'a' }, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] },
        { package: { ecosystem: 'npm', name: 'b' } },
      ],
    };
    assert.deepEqual(advisorySeverity(record, { ecosystem: 'npm', name: 'a' }), {
      severity: 'critical',
      source: 'cvss3',
      score: 9.8,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    });
    assert.equal(advisorySeverity(record, { ecosystem: 'npm', name: 'b' }).score, 6.1);
  });

  it("falls back to the advisory's rating for CVSS v4 vectors", () => {
    const record: OsvRecord = {
      ...base,
      severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }],
      database_specific: { severity: 'MODERATE' },
    };
    const result = advisorySeverity(record);
    assert.equal(result.severity, 'medium');
    assert.equal(result.source, 'advisory');
    assert.match(result.note ?? '', /CVSS v4 vector not scored/);
  });

  it('rates RustSec informational notices low and unrated advisories as UNRATED_SEVERITY', () => {
    const notice: OsvRecord = { ...base, affected: [{ package: { ecosystem: 'crates.io', name: 'x' }, database_specific: { informational: 'unmaintained' } }] };
    assert.equal(advisorySeverity(notice).severity, 'low');
    assert.deepEqual(advisorySeverity(base), { severity: UNRATED_SEVERITY, source: 'unrated' });
    const badVector: OsvRecord = { ...base, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }] };
    assert.match(advisorySeverity(badVector).note ?? '', /CVSS v3 vector not usable/);
  });
});

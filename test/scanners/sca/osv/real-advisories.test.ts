/**
 * Matching against real advisories, read in place from ../shared/data/advisories
 * (the Go vulnerability database and RustSec, in OSV format).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import type { Ecosystem } from '../../../../src/scanners/sca/model.js';
import { minimalUpgrade } from '../../../../src/scanners/sca/osv/fix.js';
import { affects } from '../../../../src/scanners/sca/osv/match.js';
import { toEcosystem } from '../../../../src/scanners/sca/osv/package-names.js';
import { parseOsvJson } from '../../../../src/scanners/sca/osv/record.js';
import type { OsvRecord } from '../../../../src/scanners/sca/osv/types.js';
import { readZipEntries } from '../../../../src/scanners/sca/osv/zip-reader.js';
import { sharedDataPath } from '../../../helpers/paths.js';

const GO_ZIP = sharedDataPath('advisories', 'go-osv.zip');
const RUST_ZIP = sharedDataPath('advisories', 'rustsec-osv.zip');

function pick(zip: string, ids: string[]): Map<string, OsvRecord> {
  const wanted = new Set(ids.map((id) => `${id}.json`));
  const files = unzipSync(readFileSync(zip), { filter: (file) => wanted.has(file.name) });
  const records = new Map<string, OsvRecord>();
  for (const [name, data] of Object.entries(files)) {
    const reading = parseOsvJson(strFromU8(data));
    assert.ok(reading.record, `${name}: ${reading.problems.join('; ')}`);
    records.set(reading.record.id, reading.record);
  }
  assert.equal(records.size, ids.length, `found ${[...records.keys()].join(', ')}`);
  return records;
}

interface Expectation {
  id: string;
  ecosystem: Ecosystem;
  name: string;
  affected: string[];
  unaffected: string[];
}

const EXPECTATIONS: Expectation[] = [
  {
    // three introduced/fixed pairs on the /v2 module; the v1 module is affected from "0" with no fix
    id: 'GO-2024-3228',
    ecosystem: 'Go',
    name: 'github.com/coder/coder/v2',
    affected: ['v2.3.1', 'v2.14.3', 'v2.15.0', 'v2.15.2', 'v2.16.0'],
    unaffected: ['v2.3.0', 'v2.14.4', 'v2.14.9', 'v2.15.3', 'v2.16.1', 'v2.17.0'],
  },
  { id: 'GO-2024-3228', ecosystem: 'Go', name: 'github.com/coder/coder', affected: ['v0.1.0', 'v0.27.3'], unaffected: [] },
  {
    // stdlib listed in two affected entries: 1.20.11 is outside the first and inside the second
    id: 'GO-2023-2185',
    ecosystem: 'Go',
    name: 'stdlib',
    affected: ['go1.19', 'go1.20.10', 'go1.20.11', 'go1.21rc3', 'go1.21.3', 'go1.21.4'],
    unaffected: ['go1.20.12', 'go1.21.5', 'go1.22.0'],
  },
  { id: 'GO-2024-2687', ecosystem: 'Go', name: 'golang.org/x/net', affected: ['v0.0.0-20220722155237-a158d28d115b', 'v0.22.0'], unaffected: ['v0.23.0', 'v0.24.0'] },
  // withdrawn
  { id: 'GO-2022-0617', ecosystem: 'Go', name: 'k8s.io/kubernetes', affected: [], unaffected: ['v1.0.0', 'v1.28.0'] },
  { id: 'RUSTSEC-2020-0070', ecosystem: 'crates.io', name: 'lock_api', affected: ['0.1.0', '0.4.1', '0.4.2-rc.1'], unaffected: ['0.4.2', '0.4.9', '1.0.0'] },
  {
    // only pre-releases of 0.2.1 to 0.2.6 are affected, then everything from 0.2.7-0 up to 0.2.23
    id: 'RUSTSEC-2020-0071',
    ecosystem: 'crates.io',
    name: 'time',
    affected: ['0.1.42', '0.2.1-alpha', '0.2.7', '0.2.22'],
    unaffected: ['0.2.0', '0.2.1', '0.2.6', '0.2.23', '0.3.0'],
  },
  { id: 'RUSTSEC-2018-0003', ecosystem: 'crates.io', name: 'smallvec', affected: ['0.3.2', '0.4.4', '0.6.2'], unaffected: ['0.3.1', '0.3.4', '0.4.5', '0.5.1', '0.6.3'] },
  { id: 'RUSTSEC-2019-0031', ecosystem: 'crates.io', name: 'spin', affected: [], unaffected: ['0.0.0-alpha', '0.5.0'] },
];

describe('real advisories (Go vulnerability database, RustSec)', () => {
  const go = pick(GO_ZIP, ['GO-2024-3228', 'GO-2023-2185', 'GO-2024-2687', 'GO-2022-0617']);
  const rust = pick(RUST_ZIP, ['RUSTSEC-2020-0070', 'RUSTSEC-2020-0071', 'RUSTSEC-2018-0003', 'RUSTSEC-2019-0031']);
  const all = new Map([...go, ...rust]);

  for (const { id, ecosystem, name, affected, unaffected } of EXPECTATIONS) {
    it(`${id} on ${name}`, () => {
      const advisory = all.get(id)!;
      for (const v of affected) assert.equal(affects(advisory, ecosystem, name, v), true, `${name}@${v} should be affected`);
      for (const v of unaffected) assert.equal(affects(advisory, ecosystem, name, v), false, `${name}@${v} should not be affected`);
    });
  }

  it('finds the minimal upgrades the advisories imply', () => {
    assert.equal(minimalUpgrade([all.get('RUSTSEC-2020-0071')!], 'crates.io', 'time', '0.1.42'), '0.2.0');
    assert.equal(minimalUpgrade([all.get('RUSTSEC-2020-0071')!], 'crates.io', 'time', '0.2.7'), '0.2.23');
    assert.equal(minimalUpgrade([all.get('GO-2024-3228')!], 'Go', 'github.com/coder/coder/v2', 'v2.15.1'), 'v2.15.3');
    assert.equal(minimalUpgrade([all.get('GO-2023-2185')!], 'Go', 'stdlib', 'go1.20.10'), 'go1.20.12');
  });
});

describe('every range of every real advisory', () => {
  it('affects its introduced and last_affected versions and not its fixed versions', () => {
    let records = 0;
    let checks = 0;
    const problems: string[] = [];
    for (const zip of [GO_ZIP, RUST_ZIP]) {
      for (const entry of readZipEntries(zip, { filter: (n) => n.endsWith('.json'), warn: (m) => problems.push(m) })) {
        const reading = parseOsvJson(Buffer.from(entry.data).toString('utf8'));
        if (!reading.record) {
          problems.push(`${entry.name}: ${reading.problems.join('; ')}`);
          continue;
        }
        records++;
        if (reading.record.withdrawn) continue;
        for (const affected of reading.record.affected ?? []) {
          const ecosystem = affected.package ? toEcosystem(affected.package.ecosystem) : null;
          if (!ecosystem || !affected.package) continue;
          for (const range of affected.ranges ?? []) {
            if (range.events.some((e) => e.limit !== undefined)) continue;
            // one range on its own, so that other ranges cannot hide a mistake
            const single: OsvRecord = { id: reading.record.id, modified: '', affected: [{ package: affected.package, ranges: [range] }] };
            const versions = range.events.map((e) => e.introduced ?? e.fixed ?? e.last_affected ?? '');
            for (const event of range.events) {
              const version = event.introduced ?? event.fixed ?? event.last_affected;
              if (version === undefined || version === '0' || versions.filter((v) => v === version).length > 1) continue;
              const expected = event.fixed === undefined;
              checks++;
              if (affects(single, ecosystem, affected.package.name, version) !== expected) {
                problems.push(`${reading.record.id} ${affected.package.name}@${version}: expected ${expected ? '' : 'not '}affected`);
              }
            }
          }
        }
      }
    }
    assert.deepEqual(problems.slice(0, 20), []);
    assert.equal(records, 4291 + 1206);
    assert.ok(checks > 10_000, `${checks} checks`);
  });
});

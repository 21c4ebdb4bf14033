/** The range fixtures: small OSV records written for these tests, each with the versions it must and must not affect. */
import { readFileSync, readdirSync } from 'node:fs';
import type { Ecosystem } from '../../../../src/scanners/sca/model.js';
import type { OsvRecord } from '../../../../src/scanners/sca/osv/types.js';
import { fixturePath } from '../../../helpers/paths.js';

export interface RangeFixture {
  file: string;
  description: string;
  record: unknown;
  expect: Array<{ ecosystem: Ecosystem; name: string; affected: string[]; unaffected: string[] }>;
}

export function rangeFixtures(): RangeFixture[] {
  const dir = fixturePath('sca-osv', 'ranges');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Omit<RangeFixture, 'file'>) }));
}

/** The fixture records as plain OSV JSON (for the fake API, zips and directories). */
export function fixtureRecords(): OsvRecord[] {
  return rangeFixtures().map((f) => f.record as OsvRecord);
}

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { AdvisoryIndex } from '../../../../src/scanners/sca/osv/advisory-index.js';
import { packageKey, type PackageQuery } from '../../../../src/scanners/sca/osv/package-names.js';
import {
  databaseStatus,
  importDatabaseZip,
  isDatabaseStale,
  LocalDatabaseSource,
  updateDatabase,
} from '../../../../src/scanners/sca/osv/sources/local-db.js';
import { PathDatabaseSource } from '../../../../src/scanners/sca/osv/sources/path-db.js';
import { AdvisorySourceError } from '../../../../src/scanners/sca/osv/sources/source.js';
import { readOsvRecord } from '../../../../src/scanners/sca/osv/record.js';
import type { OsvRecord } from '../../../../src/scanners/sca/osv/types.js';
import { closedPort, ecosystemZip, startFakeOsvServer, type FakeOsvServer } from './fake-osv-server.js';
import { fixtureRecords } from './fixtures.js';

const PACKAGES: PackageQuery[] = [
  { ecosystem: 'npm', name: 'demo-lib', version: '1.0.0' },
  { ecosystem: 'npm', name: 'demo-lib', version: '9.0.0' },
  { ecosystem: 'npm', name: 'demo-ghsa', version: '1.0.0' },
  { ecosystem: 'PyPI', name: 'Demo.Pkg', version: '1.4' },
  { ecosystem: 'Go', name: 'stdlib', version: 'go1.20.1' },
  { ecosystem: 'crates.io', name: 'demo-crate', version: '0.6.0' },
];

const DAY = 86_400_000;
const NOW = Date.parse('2025-01-10T00:00:00Z');
const root = mkdtempSync(path.join(os.tmpdir(), 'secloop-osv-db-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** What the in-memory matcher says, as the reference every source must agree with. */
function expected(records: OsvRecord[]): Map<string, string[]> {
  const clean = records.map((r) => readOsvRecord(r).record).filter((r): r is OsvRecord => r !== null);
  return new Map([...AdvisoryIndex.fromRecords(clean).matchAll(PACKAGES)].map(([k, v]) => [k, v.map((r) => r.id)]));
}

function ids(results: Map<string, OsvRecord[]>): Map<string, string[]> {
  return new Map([...results].map(([k, v]) => [k, v.map((r) => r.id)]));
}

describe('local OSV database', () => {
  let server: FakeOsvServer;
  const records = fixtureRecords();

  before(async () => {
    server = await startFakeOsvServer(records, ['npm', 'PyPI', 'Go', 'crates.io']);
  });
  after(() => server.close());

  it('downloads all.zip per ecosystem, indexes it and answers like the in-memory matcher', async () => {
    const dir = path.join(root, 'db1');
    const warnings: string[] = [];
    const result = await updateDatabase({
      dir,
      env: { SECLOOP_OSV_DB_URL: `${server.url}/db/` },
      ecosystems: ['npm', 'PyPI', 'Go', 'crates.io', 'NuGet'],
      warn: (m) => warnings.push(m),
      now: () => new Date(NOW - 2 * DAY),
    });
    assert.deepEqual(result.updated.map((u) => [u.ecosystem, u.records]), [['npm', 4], ['PyPI', 2], ['Go', 1], ['crates.io', 1]]);
    assert.equal(result.failed.length, 1);
    assert.match(result.failed[0]!.message, /^OSV database at http:\/\/127\.0\.0\.1:\d+\/db answered 404 Not Found for \/db\/NuGet\/all\.zip$/);
    // each zip has one broken JSON entry; the npm one also has the malformed fixture (5 problems)
    assert.deepEqual(result.updated.map((u) => u.problems), [6, 1, 1, 1]);
    assert.ok(warnings.some((w) => /npm advisories: .*broken\.json: not JSON/.test(w)), warnings.join('\n'));

    const status = await databaseStatus(dir, NOW);
    assert.equal(status.exists, true);
    assert.deepEqual(status.ecosystems.map((e) => [e.ecosystem, e.records, e.ageDays]), [['Go', 1, 2], ['PyPI', 2, 2], ['crates.io', 1, 2], ['npm', 4, 2]]);
    assert.equal(status.totalRecords, 7);
    assert.equal(isDatabaseStale(status, NOW), false);
    assert.equal(isDatabaseStale(status, NOW + 6 * DAY), true);
    assert.equal(isDatabaseStale(status, NOW, 7, ['npm', 'NuGet']), true);

    const sourceWarnings: string[] = [];
    const source = new LocalDatabaseSource({ dir, warn: (m) => sourceWarnings.push(m), now: () => NOW });
    const results = await source.query(PACKAGES);
    assert.deepEqual(ids(results), expected(records));
    assert.deepEqual(sourceWarnings, []);
    // matching reads a slim copy; the answer carries the whole record
    assert.equal(results.get(packageKey(PACKAGES[0]!))?.[0]?.summary, 'Test advisory: two vulnerable series');
  });

  it('warns when the database is old or lacks an ecosystem', async () => {
    const dir = path.join(root, 'db1');
    const warnings: string[] = [];
    const source = new LocalDatabaseSource({ dir, warn: (m) => warnings.push(m), now: () => NOW + 10 * DAY });
    await source.query([...PACKAGES, { ecosystem: 'NuGet', name: 'x', version: '1.0.0' }]);
    assert.deepEqual(warnings, [
      'the local OSV database has no NuGet advisories; run `secloop db update`',
      'the local OSV database is 12 days old (Go, PyPI, crates.io, npm); run `secloop db update`',
    ]);
  });

  it('keeps the previous data when a new export is unreadable or over the limits', async () => {
    const dir = path.join(root, 'db1');
    const bad = path.join(root, 'bad.zip');
    writeFileSync(bad, strToU8('this is not a zip'));
    await assert.rejects(importDatabaseZip({ dir, ecosystem: 'npm', zipPath: bad }), (e: unknown) => e instanceof AdvisorySourceError && /not a zip file/.test(e.message));
    const big = path.join(root, 'big.zip');
    writeFileSync(big, ecosystemZip(records, 'npm'));
    await assert.rejects(importDatabaseZip({ dir, ecosystem: 'npm', zipPath: big, limits: { maxEntries: 2 } }), /over the limit of 2/);
    const status = await databaseStatus(dir, NOW);
    assert.equal(status.ecosystems.find((e) => e.ecosystem === 'npm')?.records, 4);
  });

  it('fails with one clear line when there is no database or no server', async () => {
    await assert.rejects(new LocalDatabaseSource({ dir: path.join(root, 'none') }).query(PACKAGES), (e: unknown) => {
      assert.ok(e instanceof AdvisorySourceError);
      assert.match(e.message, /^no local OSV database in .*none; run `secloop db update`$/);
      return true;
    });
    assert.deepEqual(await databaseStatus(path.join(root, 'none')), { dir: path.join(root, 'none'), exists: false, ecosystems: [], totalRecords: 0 });
    const port = await closedPort();
    await assert.rejects(updateDatabase({ dir: path.join(root, 'db2'), baseUrl: `http://127.0.0.1:${port}`, ecosystems: ['npm'] }), (e: unknown) => {
      assert.ok(e instanceof AdvisorySourceError);
      assert.match(e.message, /^could not update the local OSV database: npm: OSV database at .* is not reachable: .*ECONNREFUSED/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });
});

describe('--db PATH source', () => {
  const records = fixtureRecords();

  it('reads a directory tree of OSV JSON files (one record or a list per file)', async () => {
    const dir = path.join(root, 'tree');
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    records.forEach((record, i) => writeFileSync(path.join(dir, i % 2 ? 'a' : path.join('a', 'b'), `${record.id}.json`), JSON.stringify(record)));
    writeFileSync(path.join(dir, 'list.json'), JSON.stringify([{ id: 'TEST-LIST-1', modified: '2024-01-01T00:00:00Z' }, { nope: true }]));
    writeFileSync(path.join(dir, 'broken.json'), '{"id":');
    writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    symlinkSync(dir, path.join(dir, 'a', 'loop'));
    const warnings: string[] = [];
    const source = new PathDatabaseSource(dir, { warn: (m) => warnings.push(m) });
    assert.deepEqual(ids(await source.query(PACKAGES)), expected(records));
    assert.equal(source.load().size, records.length + 1);
    assert.ok(warnings.some((w) => /broken\.json: not JSON/.test(w)));
    assert.ok(warnings.some((w) => /list\.json: no "id"/.test(w)));
    assert.ok(warnings.some((w) => /loop: symbolic link to a directory not followed/.test(w)));
  });

  it('reads a zip of OSV JSON files', async () => {
    const zip = path.join(root, 'db.zip');
    writeFileSync(zip, zipSync(Object.fromEntries(records.map((r) => [`osv/${r.id}.json`, strToU8(JSON.stringify(r))]))));
    assert.deepEqual(ids(await new PathDatabaseSource(zip).query(PACKAGES)), expected(records));
  });

  it('fails with one clear line for a missing or unusable path', async () => {
    await assert.rejects(new PathDatabaseSource(path.join(root, 'missing')).query(PACKAGES), (e: unknown) => e instanceof AdvisorySourceError && /missing: no such file or directory$/.test(e.message));
    const text = path.join(root, 'advisories.txt');
    writeFileSync(text, 'hello');
    await assert.rejects(new PathDatabaseSource(text).query(PACKAGES), /not a directory, a zip or a JSON file/);
  });

  it('gives each key of the query its own entry', async () => {
    const results = await new PathDatabaseSource(path.join(root, 'db.zip')).query(PACKAGES);
    assert.equal(results.size, PACKAGES.length);
    assert.deepEqual(results.get(packageKey(PACKAGES[1]!)), []);
  });
});

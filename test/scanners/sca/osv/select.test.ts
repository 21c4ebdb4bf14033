import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { packageKey } from '../../../../src/scanners/sca/osv/package-names.js';
import { importDatabaseZip } from '../../../../src/scanners/sca/osv/sources/local-db.js';
import { OsvApiSource } from '../../../../src/scanners/sca/osv/sources/osv-api.js';
import { LocalDatabaseSource } from '../../../../src/scanners/sca/osv/sources/local-db.js';
import { queryAdvisories, selectAdvisorySources } from '../../../../src/scanners/sca/osv/sources/select.js';
import { AdvisorySourceError } from '../../../../src/scanners/sca/osv/sources/source.js';
import { closedPort } from './fake-osv-server.js';
import { fixtureRecords } from './fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'secloop-osv-select-'));
after(() => rmSync(root, { recursive: true, force: true }));

const PKG = { ecosystem: 'npm' as const, name: 'demo-lib', version: '1.1.0' };

describe('choosing an advisory source', () => {
  it('uses --db alone, the local database alone when offline, else the API then the local database', () => {
    assert.deepEqual(selectAdvisorySources({ offline: false, db: '/x' }).map((s) => s.name), ['db-path']);
    assert.deepEqual(selectAdvisorySources({ offline: true }).map((s) => s.name), ['local-db']);
    assert.deepEqual(selectAdvisorySources({ offline: false, env: {} }).map((s) => s.name), ['osv-api', 'local-db']);
  });

  it('falls back to the local database when the API is unreachable, and says so', async () => {
    const dir = path.join(root, 'db');
    const zip = path.join(root, 'npm.zip');
    writeFileSync(zip, zipSync(Object.fromEntries(fixtureRecords().map((r) => [`${r.id}.json`, strToU8(JSON.stringify(r))]))));
    await importDatabaseZip({ dir, ecosystem: 'npm', zipPath: zip });
    const port = await closedPort();
    const warnings: string[] = [];
    const sources = [new OsvApiSource({ baseUrl: `http://127.0.0.1:${port}`, cacheDir: path.join(root, 'cache') }), new LocalDatabaseSource({ dir })];
    const answer = await queryAdvisories(sources, [PKG], { warn: (m) => warnings.push(m) });
    assert.equal(answer.source.name, 'local-db');
    assert.deepEqual(answer.results.get(packageKey(PKG))?.map((r) => r.id), ['TEST-2024-0001']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^OSV API at http:\/\/127\.0\.0\.1:\d+ is not reachable: .*; used the local OSV database in /);
  });

  it('fails with one line naming every source tried when none answers', async () => {
    const port = await closedPort();
    const sources = [new OsvApiSource({ baseUrl: `http://127.0.0.1:${port}`, cacheDir: path.join(root, 'cache') }), new LocalDatabaseSource({ dir: path.join(root, 'none') })];
    const warnings: string[] = [];
    await assert.rejects(queryAdvisories(sources, [PKG], { warn: (m) => warnings.push(m) }), (error: unknown) => {
      assert.ok(error instanceof AdvisorySourceError);
      assert.match(error.message, /^no advisory source answered: OSV API at .* is not reachable: .*; no local OSV database in .*none; run `secloop db update`$/);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
    // No warning that the local database is used before it turns out to be missing.
    assert.deepEqual(warnings, []);
  });
});

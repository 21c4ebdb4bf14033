import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageKey, type PackageQuery } from '../../../../src/scanners/sca/osv/package-names.js';
import { defaultCacheDir } from '../../../../src/scanners/sca/osv/sources/cache-dir.js';
import { OsvApiSource } from '../../../../src/scanners/sca/osv/sources/osv-api.js';
import { AdvisorySourceError } from '../../../../src/scanners/sca/osv/sources/source.js';
import type { OsvRecord } from '../../../../src/scanners/sca/osv/types.js';
import { closedPort, startFakeOsvServer, type FakeOsvServer } from './fake-osv-server.js';
import { fixtureRecords } from './fixtures.js';

const PACKAGES: PackageQuery[] = [
  { ecosystem: 'npm', name: 'demo-lib', version: '1.0.0' },
  { ecosystem: 'npm', name: 'demo-lib', version: '1.0.0' },
  { ecosystem: 'npm', name: 'demo-lib', version: '1.5.0' },
  { ecosystem: 'PyPI', name: 'Demo_Pkg', version: '1.0' },
  { ecosystem: 'Go', name: 'stdlib', version: 'go1.21.3' },
  { ecosystem: 'Go', name: 'example.org/demo', version: 'v1.5.0' },
  { ecosystem: 'Maven', name: 'org.example:demo', version: '1.2' },
];

function ids(results: Map<string, OsvRecord[]>, pkg: PackageQuery): string[] | undefined {
  return results.get(packageKey(pkg))?.map((r) => r.id);
}

describe('OSV API source', () => {
  let server: FakeOsvServer;
  let cacheDir: string;

  before(async () => {
    const records = fixtureRecords();
    // a second advisory on demo-lib 1.0.0, so that its query needs two pages
    records.push({ id: 'TEST-2024-0100', modified: '2024-03-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'demo-lib' }, versions: ['1.0.0'] }] });
    server = await startFakeOsvServer(records);
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'secloop-osv-api-'));
  });

  after(async () => {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('queries in batches, follows page tokens, fetches details, and keys results by package', async () => {
    server.log.length = 0;
    const source = new OsvApiSource({ baseUrl: server.url, cacheDir });
    const results = await source.query(PACKAGES);
    assert.equal(results.size, 6);
    assert.deepEqual(ids(results, PACKAGES[0]!), ['TEST-2024-0001', 'TEST-2024-0100']);
    assert.deepEqual(ids(results, PACKAGES[2]!), []);
    assert.deepEqual(ids(results, PACKAGES[3]!), ['TEST-2024-0002']);
    assert.deepEqual(ids(results, PACKAGES[4]!), ['TEST-GO-0001']);
    assert.deepEqual(ids(results, PACKAGES[5]!), ['TEST-GO-0001']);
    assert.deepEqual(ids(results, PACKAGES[6]!), ['TEST-2024-0004']);
    assert.deepEqual(server.log.filter((l) => l.startsWith('POST')), ['POST /v1/querybatch (6 queries)', 'POST /v1/querybatch (1 queries)']);
    assert.equal(server.log.filter((l) => l.startsWith('GET /v1/vulns/')).length, 5);
  });

  it('answers from the on-disk cache while records are unchanged and fresh', async () => {
    server.log.length = 0;
    await new OsvApiSource({ baseUrl: server.url, cacheDir }).query(PACKAGES);
    assert.equal(server.log.filter((l) => l.startsWith('GET')).length, 0);

    // a changed `modified` time invalidates one record
    const changed = server.records.get('TEST-2024-0002')!;
    server.records.set(changed.id, { ...changed, modified: '2025-01-01T00:00:00Z' });
    server.log.length = 0;
    await new OsvApiSource({ baseUrl: server.url, cacheDir }).query(PACKAGES);
    assert.deepEqual(server.log.filter((l) => l.startsWith('GET')), ['GET /v1/vulns/TEST-2024-0002']);

    // past the TTL everything is fetched again
    server.log.length = 0;
    await new OsvApiSource({ baseUrl: server.url, cacheDir, now: () => Date.now() + 8 * 86_400_000 }).query(PACKAGES);
    assert.equal(server.log.filter((l) => l.startsWith('GET')).length, 5);
  });

  it('splits more than 1000 queries into several requests', async () => {
    server.log.length = 0;
    const many: PackageQuery[] = Array.from({ length: 1001 }, (_, i) => ({ ecosystem: 'npm', name: `pkg-${i}`, version: '1.0.0' }));
    const results = await new OsvApiSource({ baseUrl: server.url, cacheDir }).query(many);
    assert.equal(results.size, 1001);
    assert.deepEqual(server.log, ['POST /v1/querybatch (1000 queries)', 'POST /v1/querybatch (1 queries)']);
  });

  it('takes its address from SECLOOP_OSV_API_URL', () => {
    assert.equal(new OsvApiSource({ env: { SECLOOP_OSV_API_URL: 'http://127.0.0.1:9/' } }).baseUrl, 'http://127.0.0.1:9');
    assert.equal(new OsvApiSource({ env: {} }).baseUrl, 'https://api.osv.dev');
  });

  it('fails with one clear line when the API is unreachable, broken or slow', async () => {
    const port = await closedPort();
    const cases: Array<[OsvApiSource, RegExp]> = [
      [new OsvApiSource({ baseUrl: `http://127.0.0.1:${port}`, cacheDir }), /^OSV API at http:\/\/127\.0\.0\.1:\d+ is not reachable: .*ECONNREFUSED/],
      [new OsvApiSource({ baseUrl: `${server.url}/fail`, cacheDir }), /answered 500 Internal Server Error for \/fail\/v1\/querybatch$/],
      [new OsvApiSource({ baseUrl: `${server.url}/hang`, cacheDir, timeoutMs: 200 }), /did not answer within 200 ms$/],
      [new OsvApiSource({ baseUrl: `${server.url}/garbage`, cacheDir }), /sent an unexpected answer to \/v1\/querybatch$/],
    ];
    for (const [source, message] of cases) {
      await assert.rejects(source.query(PACKAGES), (error: unknown) => {
        assert.ok(error instanceof AdvisorySourceError);
        assert.equal(error.source, 'osv-api');
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    }
  });

  it('passes an abort through as the abort reason', async () => {
    const controller = new AbortController();
    const pending = new OsvApiSource({ baseUrl: `${server.url}/hang`, cacheDir }).query(PACKAGES, controller.signal);
    controller.abort(new Error('scan cancelled'));
    await assert.rejects(pending, /scan cancelled/);
  });

  it('finds its cache directory from the environment', () => {
    assert.equal(defaultCacheDir({ SECLOOP_CACHE_DIR: '/x/y' }), path.resolve('/x/y'));
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/c' }), path.join('/c', 'secloop'));
    assert.equal(defaultCacheDir({}), path.join(os.homedir(), '.cache', 'secloop'));
  });
});

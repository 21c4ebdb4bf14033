/** A fake OSV API and OSV bucket on 127.0.0.1, serving the fixture records. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { strToU8, zipSync } from 'fflate';
import { AdvisoryIndex } from '../../../../src/scanners/sca/osv/advisory-index.js';
import type { Ecosystem } from '../../../../src/scanners/sca/model.js';
import { toEcosystem } from '../../../../src/scanners/sca/osv/package-names.js';
import type { OsvRecord } from '../../../../src/scanners/sca/osv/types.js';

export interface FakeOsvServer {
  url: string;
  /** Request lines seen, e.g. "POST /v1/querybatch (3 queries)", "GET /v1/vulns/X". */
  log: string[];
  records: Map<string, OsvRecord>;
  close(): Promise<void>;
}

/** A zip of the records naming `ecosystem`, plus a broken JSON entry and a non-JSON file. */
export function ecosystemZip(records: Iterable<OsvRecord>, ecosystem: Ecosystem): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'broken.json': strToU8('{"id": "BROKEN-1", '),
    'README.txt': strToU8('not an advisory'),
  };
  for (const record of records) {
    if ((record.affected ?? []).some((a) => a.package && toEcosystem(a.package.ecosystem) === ecosystem)) {
      files[`${record.id}.json`] = strToU8(JSON.stringify(record));
    }
  }
  return zipSync(files);
}

/**
 * Routes: POST /v1/querybatch (one result per page: a query with two or more hits gets
 * a next_page_token), GET /v1/vulns/{id}, GET /db/{ecosystem}/all.zip for `zipEcosystems`,
 * /fail/* answers 500, /garbage/* answers HTML, /hang/* never answers.
 */
export async function startFakeOsvServer(records: OsvRecord[], zipEcosystems: Ecosystem[] = []): Promise<FakeOsvServer> {
  const byId = new Map(records.map((r) => [r.id, r]));
  const log: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (url.pathname.startsWith('/hang/')) {
        log.push(`${req.method} ${url.pathname}`);
        return;
      }
      if (url.pathname.startsWith('/garbage/')) {
        log.push(`${req.method} ${url.pathname}`);
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>captive portal</html>');
        return;
      }
      if (url.pathname.startsWith('/fail/')) {
        log.push(`${req.method} ${url.pathname}`);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
        return;
      }
      if (req.method === 'POST' && url.pathname === '/v1/querybatch') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          queries: Array<{ package: { ecosystem: Ecosystem; name: string }; version: string; page_token?: string }>;
        };
        log.push(`POST /v1/querybatch (${body.queries.length} queries)`);
        const index = AdvisoryIndex.fromRecords(byId.values());
        const results = body.queries.map((q) => {
          const hits = index.match({ ecosystem: q.package.ecosystem, name: q.package.name, version: q.version });
          const start = q.page_token ? Number(q.page_token) : 0;
          const page = hits.slice(start, start + 1).map((r) => ({ id: r.id, modified: r.modified }));
          return start + 1 < hits.length ? { vulns: page, next_page_token: String(start + 1) } : page.length ? { vulns: page } : {};
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
        return;
      }
      const vuln = /^\/v1\/vulns\/(.+)$/.exec(url.pathname);
      if (req.method === 'GET' && vuln) {
        const id = decodeURIComponent(vuln[1]!);
        log.push(`GET /v1/vulns/${id}`);
        const record = byId.get(id);
        if (record) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
        else res.writeHead(404).end('{"code":5,"message":"Bug not found."}');
        return;
      }
      const zip = /^\/db\/([^/]+)\/all\.zip$/.exec(url.pathname);
      if (req.method === 'GET' && zip) {
        const ecosystem = decodeURIComponent(zip[1]!) as Ecosystem;
        log.push(`GET ${url.pathname}`);
        if (zipEcosystems.includes(ecosystem)) {
          res.writeHead(200, { 'content-type': 'application/zip' }).end(Buffer.from(ecosystemZip(byId.values(), ecosystem)));
        } else {
          res.writeHead(404).end('not found');
        }
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    records: byId,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

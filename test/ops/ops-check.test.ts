import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { runCli } from '../helpers/cli.js';
import { defaultConfig } from '../../src/core/config.js';
import { evaluate } from '../../src/ops/check.js';
import type { Declarations } from '../../src/ops/declared.js';
import { parseProcNet, type ListeningSocket } from '../../src/ops/sockets.js';
import { sarifErrors } from '../helpers/schemas.js';
import { tempTree } from '../helpers/tmp.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

describe('/proc/net parsing', () => {
  it('reads TCP listeners and unconnected UDP sockets, IPv4 and IPv6', () => {
    const tcp = parseProcNet(
      HEADER +
        '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1111 1 0000000000000000 100 0 0 10 0\n' +
        '   1: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2222 1 0000000000000000 20 4 30 10 -1\n' +
        '   2: 00000000:0017 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0\n' +
        '   garbage\n',
      'tcp',
      '/proc/net/tcp',
    );
    assert.deepEqual(tcp.sockets.map((s) => [s.address, s.port, s.inode, s.source.line]), [
      ['127.0.0.1', 8080, 1111, 2],
      ['0.0.0.0', 23, 3333, 4],
    ]);
    assert.equal(tcp.unreadable, 1);
    const tcp6 = parseProcNet(
      HEADER +
        '   0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1\n' +
        '   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1\n' +
        '   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6666 1\n',
      'tcp',
      '/proc/net/tcp6',
    );
    assert.deepEqual(tcp6.sockets.map((s) => [s.family, s.address, s.port]), [
      [6, '::1', 631],
      [6, '::', 80],
      [6, '::ffff:127.0.0.1', 81],
    ]);
    const udp = parseProcNet(
      HEADER +
        '  10: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 7777 2\n' +
        '  11: 0100007F:D431 0100007F:0035 01 00000000:00000000 00:00000000 00000000  1000        0 8888 2\n',
      'udp',
      '/proc/net/udp',
    );
    assert.deepEqual(udp.sockets.map((s) => [s.address, s.port]), [['0.0.0.0', 53]]);
  });
});

function socket(address: string, port: number, transport: 'tcp' | 'udp' = 'tcp'): ListeningSocket {
  return { transport, family: address.includes(':') ? 6 : 4, address, port, inode: port, source: { file: `/proc/net/${transport}`, line: 2 } };
}

function declarations(ports: Declarations['ports']): Declarations {
  return { root: '/project', config: defaultConfig(), ports, problems: [], filesRead: 1, configPlace: { path: 'secloop.yaml', line: 1, exists: false } };
}

describe('ops decisions', () => {
  it('reports undeclared listeners, wider bindings and sensitive services, and leaves UDP clients alone', () => {
    const declared = declarations([
      { port: 6379, transport: 'tcp', address: '127.0.0.1', path: 'docker-compose.yml', line: 7, what: 'compose service cache (ports: 127.0.0.1:6379:6379)' },
      { port: 8080, transport: 'any', path: 'secloop.yaml', line: 3, what: 'ops.allowedPorts' },
      { port: 9100, toPort: 9110, transport: 'udp', path: 'secloop.yaml', line: 4, what: 'ops.allowedPorts (9100-9110/udp)' },
    ]);
    const inventory = {
      sockets: [socket('0.0.0.0', 6379), socket('0.0.0.0', 8080), socket('0.0.0.0', 23), socket('127.0.0.1', 9000), socket('0.0.0.0', 40000, 'udp'), socket('127.0.0.1', 9105, 'udp'), socket('127.0.0.1', 9105)],
      missing: [],
      unreadableProcesses: 0,
    };
    const { findings, warnings } = evaluate(declared, inventory, [32768, 60999]);
    const got = findings.map((f) => `${f.ruleId} ${f.properties['port']} ${f.severity} ${f.location.path}:${f.location.startLine}`).sort();
    assert.deepEqual(got, [
      'ops/binding-broader-than-declared 6379 high docker-compose.yml:7',
      // Telnet nobody declares: one finding, the sensitive one, which says both.
      'ops/sensitive-service-listening 23 critical secloop.yaml:1',
      'ops/sensitive-service-listening 6379 high docker-compose.yml:7',
      'ops/undeclared-listener 9000 low secloop.yaml:1',
      // 9100-9110/udp allows the UDP socket on 9105, not a TCP listener on the same port.
      'ops/undeclared-listener 9105 low secloop.yaml:1',
    ]);
    assert.ok(warnings.some((w) => /UDP sockets on ephemeral ports/.test(w.message)));
  });

  it('reports a sensitive service nobody declares once, saying both, at the higher severity; a declared one says only that it is sensitive', () => {
    const ftp = { pid: 12, name: 'vsftpd' };
    const redis = { pid: 41, name: 'redis-server' };
    const inventory = {
      sockets: [{ ...socket('0.0.0.0', 21), process: ftp }, { ...socket('127.0.0.1', 6379), process: redis }, { ...socket('0.0.0.0', 23) }, socket('0.0.0.0', 8443)],
      missing: [],
      unreadableProcesses: 0,
    };
    const declared = declarations([{ port: 23, transport: 'tcp', path: 'docker-compose.yml', line: 9, what: 'compose service legacy (ports: 23:23)' }]);
    const { findings } = evaluate({ ...declared, configPlace: { path: 'secloop.yaml', line: 2, exists: true } }, inventory, [32768, 60999]);
    const got = findings.map((f) => `${f.ruleId} ${f.properties['port']} ${f.severity} ${f.location.path}:${f.location.startLine}${f.properties['undeclared'] ? ' undeclared' : ''}`).sort();
    assert.deepEqual(got, [
      'ops/sensitive-service-listening 21 high secloop.yaml:2 undeclared',
      'ops/sensitive-service-listening 23 critical docker-compose.yml:9',
      'ops/sensitive-service-listening 6379 low secloop.yaml:2 undeclared',
      'ops/undeclared-listener 8443 medium secloop.yaml:2',
    ]);
    const message = (port: number) => findings.find((f) => f.properties['port'] === port)!.message;
    assert.match(message(21), /^TCP 0\.0\.0\.0:21 \(vsftpd, pid 12\) is 21\/tcp \(FTP[^)]*\), reachable from the network, and the project declares no such port: turn it off if nobody meant it to run; otherwise declare it where the project describes its services, or allow it in ops\.allowedPorts of secloop\.yaml\.$/);
    assert.match(message(6379), /reachable from this host only, and the project declares no such port/);
    assert.doesNotMatch(message(23), /declares no such port/);
  });

  it('does not count a port that only test fixtures declare, and says where the fixture declares it', () => {
    const postgres = { pid: 22, name: 'postgres' };
    const inventory = { sockets: [{ ...socket('127.0.0.1', 5432), process: postgres }, socket('0.0.0.0', 9000), socket('0.0.0.0', 9001)], missing: [], unreadableProcesses: 0 };
    const declared = declarations([
      { port: 5432, transport: 'tcp', path: 'src/pkg/chart/testdata/app/templates/db-svc.yaml', line: 10, what: 'Service db port 5432' },
      { port: 9000, transport: 'tcp', path: 'test/e2e/docker-compose.yml', line: 4, what: 'compose service api (ports: 9000:9000)' },
      { port: 9001, transport: 'tcp', path: 'test/e2e/docker-compose.yml', line: 5, what: 'compose service api (ports: 9001:9001)' },
      { port: 9001, transport: 'tcp', path: 'deploy/docker-compose.yml', line: 8, what: 'compose service api (ports: 9001:9001)' },
    ]);
    const { findings } = evaluate(declared, inventory, [32768, 60999]);
    const got = findings.map((f) => `${f.ruleId} ${f.properties['port']} ${f.location.path}:${f.location.startLine}`).sort();
    assert.deepEqual(got, ['ops/sensitive-service-listening 5432 secloop.yaml:1', 'ops/undeclared-listener 9000 secloop.yaml:1']);
    const message = (port: number) => findings.find((f) => f.properties['port'] === port)!.message;
    assert.match(message(5432), /declares no such port \(only test code declares it: src\/pkg\/chart\/testdata\/app\/templates\/db-svc\.yaml:10\)/);
    assert.match(message(9000), /declares no such port \(only test code declares it: test\/e2e\/docker-compose\.yml:4\)/);
  });

  it('places a port nobody declares where ops.allowedPorts would allow it, and says when that file does not exist yet', () => {
    const inventory = { sockets: [socket('127.0.0.1', 9000)], missing: [], unreadableProcesses: 0 };
    const absent = evaluate(declarations([]), inventory, [32768, 60999]).findings[0]!;
    assert.deepEqual([absent.location.path, absent.location.startLine], ['secloop.yaml', 1]);
    assert.match(absent.message, /allow it in ops\.allowedPorts of secloop\.yaml \(not created yet: `secloop init` writes one\)/);
    const present = evaluate({ ...declarations([]), configPlace: { path: 'ci/secloop.yaml', line: 7, exists: true } }, inventory, [32768, 60999]).findings[0]!;
    assert.deepEqual([present.location.path, present.location.startLine], ['ci/secloop.yaml', 7]);
    assert.doesNotMatch(present.message, /not created/);
    assert.match(present.message, /^TCP 127\.0\.0\.1:9000 \(owner unknown\) is listening/);
  });
});

describe('ops grouping', () => {
  it('reports a dual-stack service once per reach, naming both addresses', () => {
    const redis = { pid: 41, name: 'redis-server' };
    const sshd = { pid: 7, name: 'sshd' };
    const inventory = {
      sockets: [
        { ...socket('::1', 6379), process: redis },
        { ...socket('127.0.0.1', 6379), process: redis },
        { ...socket('0.0.0.0', 22), process: sshd },
        { ...socket('::', 22), process: sshd },
        { ...socket('192.0.2.10', 22), process: sshd },
      ],
      missing: [],
      unreadableProcesses: 0,
    };
    const { findings } = evaluate(declarations([]), inventory, [32768, 60999]);
    const sensitive = findings.filter((f) => f.ruleId === 'ops/sensitive-service-listening').map((f) => f.message.replace(/, and the project declares no such port.*$/, ' (undeclared).')).sort();
    assert.deepEqual(sensitive, [
      'TCP 0.0.0.0:22 and [::]:22 (sshd, pid 7) is 22/tcp (SSH), reachable from the network (undeclared).',
      'TCP 127.0.0.1:6379 and [::1]:6379 (redis-server, pid 41) is 6379/tcp (Redis, cleartext), reachable from this host only (undeclared).',
      'TCP 192.0.2.10:22 (sshd, pid 7) is 22/tcp (SSH), reachable from the network (undeclared).',
    ]);
    // All three are sensitive services: none is reported a second time as undeclared.
    assert.equal(findings.filter((f) => f.ruleId === 'ops/undeclared-listener').length, 0);
  });
});

/** Runs the built `secloop ops check` and returns its exit code and standard output. */
async function runOpsCheck(args: string[]): Promise<{ code: number | undefined; stdout: string }> {
  const run = runCli(['ops', 'check', '--quiet', ...args]);
  return { code: run.status ?? undefined, stdout: run.stdout };
}

function listen(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

describe('secloop ops check, end to end on this host', { skip: process.platform !== 'linux' && 'reads Linux /proc' }, () => {
  let declaredLoopback: net.Server;
  let undeclared: net.Server;
  let wider: net.Server;
  let tree: ReturnType<typeof tempTree>;

  before(async () => {
    declaredLoopback = await listen('127.0.0.1');
    undeclared = await listen('127.0.0.1');
    wider = await listen('0.0.0.0');
    tree = tempTree({
      'docker-compose.yml': [
        'services:',
        '  api:',
        '    image: registry.example.org/api:1.2.3',
        '    ports:',
        `      - "127.0.0.1:${portOf(declaredLoopback)}:8080"`,
        `      - "127.0.0.1:${portOf(wider)}:9090"`,
        '',
      ].join('\n'),
    });
  });

  after(() => {
    for (const server of [declaredLoopback, undeclared, wider]) server.close();
    tree.cleanup();
  });

  it('finds the sockets this test opened, with their owner, and compares them with the compose file', async () => {
    const { code, stdout } = await runOpsCheck(['--declared', tree.dir, '--format', 'json', '--fail-on', 'none']);
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { scanners: string[]; findings: Array<{ ruleId: string; scanner: string; severity: string; location: { path: string; startLine: number }; properties: Record<string, unknown>; fingerprint: string }> };
    assert.deepEqual(report.scanners, ['ops']);
    const about = (server: net.Server) => report.findings.filter((f) => f.properties['port'] === portOf(server));

    assert.deepEqual(about(declaredLoopback), []);

    const [notDeclared, ...rest] = about(undeclared);
    assert.equal(rest.length, 0);
    assert.equal(notDeclared!.ruleId, 'ops/undeclared-listener');
    assert.equal(notDeclared!.scanner, 'ops');
    assert.equal(notDeclared!.properties['address'], '127.0.0.1');
    assert.equal(notDeclared!.properties['pid'], process.pid);

    const broader = about(wider);
    assert.deepEqual(broader.map((f) => [f.ruleId, f.severity, f.location.path, f.location.startLine]), [['ops/binding-broader-than-declared', 'high', 'docker-compose.yml', 6]]);
    assert.match(broader[0]!.fingerprint, /^[0-9a-f]{32}$/);
  });

  it('gates the exit status like scan, and rejects a missing --declared directory', async () => {
    assert.equal((await runOpsCheck(['--declared', tree.dir, '--format', 'json', '--fail-on', 'high'])).code, 1);
    assert.equal((await runOpsCheck(['--declared', `${tree.dir}/missing`])).code, 2);
  });

  it('renders through the SARIF writer', async () => {
    const { stdout } = await runOpsCheck(['--declared', tree.dir, '--format', 'sarif', '--fail-on', 'none']);
    assert.deepEqual(sarifErrors(JSON.parse(stdout)), []);
    const sarif = JSON.parse(stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string }> }> };
    const ids = sarif.runs[0]!.results.map((r) => r.ruleId);
    assert.ok(ids.includes('ops/binding-broader-than-declared'));
    assert.ok(sarif.runs[0]!.tool.driver.rules.some((r) => r.id === 'ops/undeclared-listener'));
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { interpolate, parseDotEnv } from '../../../src/scanners/iac/compose/dotenv.js';
import { collectDeclarations } from '../../../src/ops/declared.js';
import { tempTree } from '../../helpers/tmp.js';

describe('parseDotEnv reads a .env file as Compose does', () => {
  it('takes KEY=value lines, export, comments, quotes and earlier variables', () => {
    const env = parseDotEnv(
      [
        '# ports',
        'BIND=9000',
        'export HOST = 127.0.0.1 # loopback only',
        "RAW='${BIND} # kept'",
        'QUOTED="a\\"b\\nc"',
        'BOTH="${HOST}:${BIND}"',
        'FROM_SHELL',
        '1BAD=x',
        'EMPTY=',
        'MULTI="one',
        'two"',
        'AFTER=yes',
        '',
      ].join('\r\n'),
    );
    assert.deepEqual(Object.fromEntries(env), {
      BIND: '9000',
      HOST: '127.0.0.1',
      RAW: '${BIND} # kept',
      QUOTED: 'a"b\nc',
      BOTH: '127.0.0.1:9000',
      EMPTY: '',
      MULTI: 'one\ntwo',
      AFTER: 'yes',
    });
  });

  it('reads nothing from an oversized file and survives an unclosed quote', () => {
    assert.equal(parseDotEnv(`A=${'x'.repeat(70 * 1024)}\n`).size, 0);
    assert.deepEqual(Object.fromEntries(parseDotEnv('A="open\nB=2\n')), { B: '2' });
  });
});

describe('interpolate fills in a compose value', () => {
  const env = new Map([['SET', 'v'], ['EMPTY', '']]);
  for (const [text, expected, fromDotEnv, unresolved] of [
    ['$SET-${SET}', 'v-v', true, false],
    ['${UNSET}:80', ':80', false, true],
    ['${UNSET:-127.0.0.1:6379}:6379', '127.0.0.1:6379:6379', false, false],
    ['${EMPTY:-d} ${EMPTY-d}', 'd ', true, false],
    ['${SET:+alt}${UNSET:+alt}', 'alt', true, false],
    ['${UNSET:?set it}', '${UNSET:?set it}', false, true],
    ['$$SET', '$SET', false, false],
  ] as const) {
    it(text, () => assert.deepEqual(interpolate(text, env), { text: expected, fromDotEnv, unresolved }));
  }
});

describe('a compose file takes the values of the .env file in its folder', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: "nginx:1.27.0"',
    '    ports:',
    '      - "$WEB_BIND:80/tcp"',
    '  worker:',
    '    image: "$WORKER_IMAGE"',
    '  db:',
    '    image: postgres:16.4',
    '    ports:',
    '      - "${DB_BIND}:5432"',
    '      - published: "${DB_PUBLISHED}"',
    '        target: 5432',
    '',
  ].join('\n');

  it('reports a port the .env file opens on all interfaces and an image it leaves unpinned, naming the values', async () => {
    const t = tempTree({ 'deploy/docker-compose.yml': compose, 'deploy/.env': 'WEB_BIND=9000\nWORKER_IMAGE=registry.example.org/worker\nDB_BIND=127.0.0.1:5432\nDB_PUBLISHED=127.0.0.1:15432\n' });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const found = result.findings.filter((f) => ['iac/compose-port-all-interfaces', 'iac/compose-image-latest', 'iac/compose-sensitive-port'].includes(f.ruleId));
      assert.deepEqual(
        found.map((f) => `${f.location.startLine} ${f.ruleId} ${f.message}`),
        [
          '5 iac/compose-port-all-interfaces service web publishes $WEB_BIND:80/tcp (9000:80/tcp with the values of deploy/.env) on all interfaces; bind it to 127.0.0.1 unless it must be public.',
          '7 iac/compose-image-latest service worker uses $WORKER_IMAGE (registry.example.org/worker with the values of deploy/.env) with no tag (latest); pin a version and digest.',
        ],
      );
    } finally {
      t.cleanup();
    }
  });

  it('without a .env file (or with one in another folder) keeps the variables unknown: no image finding, the database ports reported', async () => {
    const t = tempTree({ 'deploy/docker-compose.yml': compose, '.env': 'DB_BIND=127.0.0.1\nWORKER_IMAGE=worker\n' });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.ok(!result.findings.some((f) => f.ruleId === 'iac/compose-image-latest'));
      assert.deepEqual(result.findings.filter((f) => f.ruleId === 'iac/compose-sensitive-port').map((f) => f.location.startLine), [11, 12]);
    } finally {
      t.cleanup();
    }
  });

  it('ops check declares the address the .env file gives', async () => {
    const t = tempTree({ 'docker-compose.yml': compose, '.env': 'WEB_BIND=127.0.0.1:9000\nDB_BIND=127.0.0.1:5432\n' });
    try {
      const declared = await collectDeclarations(t.dir);
      assert.deepEqual(
        declared.ports.filter((p) => p.path === 'docker-compose.yml').map((p) => `${p.port} ${p.address ?? 'any'}`),
        ['5432 127.0.0.1', '9000 127.0.0.1'],
      );
    } finally {
      t.cleanup();
    }
  });
});

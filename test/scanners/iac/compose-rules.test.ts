import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { writeJson } from '../../../src/report/json.js';
import { urlPassword } from '../../../src/scanners/iac/compose/rules.js';
import { analyseFile, iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

describe('compose: passwords inside URLs', () => {
  it('finds the literal password of a URL, not references or placeholders', () => {
    // Written as user + ':' + password so that secloop's own secret scan does not report this file.
    assert.equal(urlPassword('postgres://app' + ':Vq8zK2mLp4@db:5432/app'), 'Vq8zK2mLp4');
    assert.equal(urlPassword('redis://' + ':Hn5tR7wQ1x@cache:6379/0'), 'Hn5tR7wQ1x');
    assert.equal(urlPassword('mysql://${DB_USER:-root}' + ':Wd4nB7xTq2@db/app'), 'Wd4nB7xTq2');
    assert.equal(urlPassword('postgres://app:${DB_PASSWORD}@db:5432/app'), undefined);
    assert.equal(urlPassword('postgres://app:${DB_PASSWORD:-dev}@db:5432/app'), undefined);
    assert.equal(urlPassword('postgres://app@db:5432/app'), undefined);
    assert.equal(urlPassword('http://api:8080/v1?next=a@b'), undefined);
    assert.equal(urlPassword('https://<user>:<password>@host'), undefined);
    assert.equal(urlPassword(42), undefined);
  });

  it('reports the URL on its line without printing the password', async () => {
    // secloop-ignore secrets/generic-secret-assignment -- fake password: the test checks it is never printed
    const secret = 'Pz6wK1qLn8Tr';
    const tree = tempTree({ 'compose.yaml': `services:\n  worker:\n    image: acme/worker\n    build: .\n    environment:\n      DATABASE_URL: mysql://root:${secret}@db/app\n` });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      const hits = result.findings.filter((f) => f.ruleId === 'iac/compose-secret-in-environment');
      assert.deepEqual(hits.map((f) => f.location.startLine), [6]);
      // The image compose builds is not a pulled floating tag.
      assert.ok(!result.findings.some((f) => f.ruleId === 'iac/compose-image-latest'));
      assert.ok(!writeJson(result).includes(secret));
    } finally {
      tree.cleanup();
    }
  });
});

describe('compose: the runtime socket held by a filtering proxy', () => {
  const socket = (environment: string) =>
    analyseFile('compose.yaml', `services:\n  socket-proxy:\n    image: tecnativa/docker-socket-proxy:0.3.0\n${environment}    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-docker-socket')
      .map((f) => `${f.location.startLine} ${f.severity}`);

  it('is medium while the proxy lets its clients only read, critical once POST lets them start containers', () => {
    assert.deepEqual(socket(''), ['5 medium']);
    assert.deepEqual(socket('    environment:\n      CONTAINERS: 1\n      POST: 0\n'), ['8 medium']);
    assert.deepEqual(socket('    environment:\n      - CONTAINERS=1\n      - POST=1\n'), ['8 critical']);
  });
});

describe('compose: sensitive ports in files for development, tests or CI', () => {
  const hits = (path: string, ports: string) =>
    analyseFile(path, `services:\n  svc:\n    image: example.org/svc:1.0\n    ports:\n${ports}`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-sensitive-port')
      .map((f) => `${f.severity} ${f.message}`);
  it('reports a data service one step lower, saying why, and keeps a port that controls the machine', () => {
    const [db] = hits('docker-compose.dev.yml', '      - "5432:5432"\n');
    assert.match(db!, /^medium .*PostgreSQL.*every machine on the developer's or runner's network reaches it; bind it to 127\.0\.0\.1 \(medium: a development or test file, as its name says dev\)/);
    assert.match(hits('tests/compose.yaml', '      - "6379:6379"\n')[0]!, /^medium .*Redis/);
    // The Docker API and a remote shell give the machine away, wherever the file is.
    assert.match(hits('docker-compose.dev.yml', '      - "2375:2375"\n')[0]!, /^critical /);
    assert.match(hits('docker-compose.dev.yml', '      - "23:23"\n')[0]!, /^critical /);
    // The main file keeps the catalogue's severity.
    assert.match(hits('compose.yaml', '      - "5432:5432"\n')[0]!, /^high .*keep it on the internal network/);
  });
});

describe('compose: a file that builds a development stage is for development', () => {
  const ports = (build: string) =>
    analyseFile('docker-compose.override.yml', `services:\n  app:\n${build}    ports:\n      - "9501:80"\n`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-port-all-interfaces')
      .map((f) => `${f.severity} ${f.message}`);
  it('lowers as for a dev file name when a service builds target: development, not a production stage', () => {
    assert.match(ports('    build:\n      context: .\n      target: development\n')[0]!, /^low .*\(low: a development or test file, as service app builds the development stage of its Dockerfile \(build\.target\)\)\.$/);
    assert.match(ports('    build:\n      context: .\n      target: production\n')[0]!, /^medium /);
    assert.match(ports('    image: example.org/app:1.0\n')[0]!, /^medium /);
  });
});

describe('compose: ports of a Docker Swarm stack file', () => {
  const hits = (path: string) =>
    analyseFile(path, 'services:\n  web:\n    image: example.org/web:1.0\n    ports:\n      - "8080:80"\n    deploy:\n      replicas: 2\n', () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-port-all-interfaces')
      .map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);
  it('does not advise a host address, which the routing mesh does not take', () => {
    assert.deepEqual(hits('docker-stack.yml'), [
      '5 medium service web publishes 8080:80 on all interfaces, and as a Swarm stack on every node of the swarm through the routing mesh, which takes no host address; publish it only if it must be public, else reach it over an overlay network.',
    ]);
    assert.match(hits('deploy/stack.prod.yaml')[0]!, /as a Swarm stack/);
    assert.match(hits('docker-compose.yml')[0]!, /bind it to 127\.0\.0\.1 unless it must be public\.$/);
    assert.match(hits('stackstorm/compose.yaml')[0]!, /bind it to 127\.0\.0\.1/);
  });
});

describe('compose: a fragment of services without the services: key', () => {
  it('reads a mapping whose every key is a service with an image or build as services, and warns about other mappings', () => {
    const warnings: string[] = [];
    const fragment = analyseFile('devenv/blocks/cache/docker-compose.yaml', '  cache:\n    image: redis:7.4\n    ports:\n      - "6379:6379"\n  seed:\n    build: ./seed\n', (w) => warnings.push(w.message));
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      fragment.findings.filter((f) => f.ruleId === 'iac/compose-sensitive-port').map((f) => `${f.location.startLine} ${f.severity}`),
      ['4 medium'],
    );
    // Top-level keys of the format, or an entry that is no service, keep the warning.
    for (const text of ['networks:\n  front:\n    driver: bridge\n', 'cache:\n  image: redis:7.4\nnotes:\n  owner: ops\n']) {
      const said: string[] = [];
      assert.deepEqual(analyseFile('compose.yaml', text, (w) => said.push(w.message)).findings, []);
      assert.deepEqual(said, ['the file holds no services: (and no include:): nothing in it is checked']);
    }
  });
});

describe('compose: confinement turned off in files for development, tests or CI', () => {
  const hits = (path: string) =>
    analyseFile(path, 'services:\n  api:\n    build: .\n    security_opt:\n      - seccomp:unconfined\n      - apparmor=unconfined\n', () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-security-profile-disabled')
      .map((f) => `${f.severity} ${f.message}`);
  it('reports seccomp and AppArmor turned off at medium there (a debugger\'s ptrace), high elsewhere', () => {
    const dev = hits('test/compose.backend.dev.yml');
    assert.equal(dev.length, 2);
    assert.match(dev[0]!, /^medium .*sets seccomp:unconfined, disabling a kernel confinement layer \(medium: a development or test file, as its name says dev\)\.$/);
    assert.deepEqual(hits('compose.yml').map((h) => h.split(' ')[0]), ['high', 'high']);
  });
});

describe('compose: literal secrets in files for development, tests or CI', () => {
  const hits = (path: string, environment: string) =>
    analyseFile(path, `services:\n  db:\n    image: postgres:16.4\n    environment:\n${environment}`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-secret-in-environment')
      .map((f) => `${f.severity} ${f.message}`);
  it('reports a plain word as a password at low there, and a generated-looking secret or any secret elsewhere as before', () => {
    const [word] = hits('devenv/blocks/db/docker-compose.yaml', '      POSTGRES_PASSWORD: password\n');
    assert.match(word!, /^low .*POSTGRES_PASSWORD to a literal secret in the compose file \(low: a development or test file, as it is in the folder devenv\/, and a plain word rather than a generated secret\)\.$/);
    assert.match(hits('docker-compose.test.yml', '      DATABASE_URL: postgres://app:' + 'secret@db/app\n')[0]!, /^low /);
    assert.match(hits('docker-compose.dev.yml', '      API_TOKEN: Xk29fLq81ZpW\n')[0]!, /^high /);
    assert.match(hits('compose.yaml', '      POSTGRES_PASSWORD: password\n')[0]!, /^high /);
  });

  it('says elsewhere why it matters: a plain word is a guessable default every installation shares, a generated value a secret the repository gives away', () => {
    assert.match(hits('compose.yaml', '      POSTGRES_PASSWORD: changeme\n')[0]!, /^high .*: a plain word, not a generated secret, so every installation that keeps it shares one guessable password; set it from an untracked \.env \(\$\{POSTGRES_PASSWORD:\?\}\) or a compose secret\.$/);
    assert.match(hits('compose.yaml', '      APP_SECRET_KEY: change-this-insecure-key\n')[0]!, /^high .*: a plain word, not a generated secret, so every installation that keeps it shares one guessable password;/);
    assert.match(hits('compose.yaml', '      API_TOKEN: Xk29fLq81ZpW\n')[0]!, /^high .*in the compose file: whoever can read the repository has it; set it from an untracked \.env/);
    assert.match(hits('compose.yaml', '      DATABASE_URL: postgres://app:' + 'Vq8zK2mLp4@db/app\n')[0]!, /: whoever can read the repository has it; write the password as a variable/);
    assert.match(hits('compose.yaml', '      DATABASE_URL: postgres://umami:' + 'umami@db/umami\n')[0]!, /: a plain word, not a generated secret, so every installation that keeps it shares one guessable password; write the password as a variable/);
  });
});

describe('compose: an application data folder below /usr/share/appdata', () => {
  const mounted = (source: string) =>
    analyseFile('compose.yaml', `services:\n  sonarr:\n    image: example.org/sonarr:4.0\n    volumes:\n      - ${source}:/config\n`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-sensitive-host-mount')
      .map((f) => `${f.severity} ${f.message}`);

  it('is the application\'s own data, not data the host\'s programs read and trust', () => {
    for (const source of ['/usr/share/appdata/sonarr', '/usr/share/appdata/sonarr/config/', '/srv/sonarr', '/opt/sonarr/data', '/var/lib/sonarr']) assert.deepEqual(mounted(source), [], source);
  });

  it('keeps /usr/share, the AppStream catalogue itself and its files, and the trusted certificates sensitive', () => {
    for (const source of ['/usr/share', '/usr/share/appdata', '/usr/share/appdata/org.example.App.appdata.xml', '/usr/share/ca-certificates', '/usr/lib/sonarr', '/etc/ssh']) {
      const found = mounted(source);
      assert.equal(found.length, 1, source);
      assert.match(found[0]!, /^high /, source);
    }
  });
});

describe('compose: an API gateway publishes its proxy, not its Admin API', () => {
  const published = (image: string, ports: string[]) =>
    analyseFile('compose.yaml', `services:\n  gateway:\n    image: ${image}\n    ports:\n${ports.map((p) => `      - "${p}"\n`).join('')}`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-port-all-interfaces' || f.ruleId === 'iac/compose-sensitive-port')
      .map((f) => `${f.location.startLine} ${f.ruleId.replace('iac/compose-', '')} ${f.severity}`);

  it("Kong's proxy ports are its public entry point (info), its Admin API is high", () => {
    assert.deepEqual(published('kong:3.7', ['8000:8000', '8443:8443', '8001:8001', '8444:8444']), [
      '5 port-all-interfaces info',
      '6 port-all-interfaces info',
      '7 sensitive-port high',
      '8 sensitive-port high',
    ]);
    // The container's ports decide, whatever the host's; HTTP alone is no entry point, as 80 without 443.
    assert.deepEqual(published('bitnami/kong:3.7', ['80:8000', '443:8443']), ['5 port-all-interfaces info', '6 port-all-interfaces info']);
    assert.deepEqual(published('kong/kong-gateway:3.7', ['8000:8000']), ['5 port-all-interfaces medium']);
  });

  it('other images keep 8000, 8443, 8001 and 8444 as plain ports', () => {
    assert.deepEqual(published('example.org/api:1.0', ['8000:8000', '8443:8443', '8001:8001', '8444:8444']), [
      '5 port-all-interfaces medium',
      '6 port-all-interfaces medium',
      '7 port-all-interfaces medium',
      '8 port-all-interfaces medium',
    ]);
    // pantsel/konga is a GUI for Kong, not Kong.
    assert.deepEqual(published('pantsel/konga:0.14.9', ['8001:8001']), ['5 port-all-interfaces medium']);
  });
});

describe('compose: a DNS, mail, git or VPN server publishes the port it serves its clients on', () => {
  const published = (image: string, ports: string[]) =>
    analyseFile('compose.yaml', `services:\n  server:\n    image: ${image}\n    ports:\n${ports.map((p) => `      - "${p}"\n`).join('')}`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-port-all-interfaces' || f.ruleId === 'iac/compose-sensitive-port')
      .map((f) => `${f.location.startLine} ${f.ruleId.replace('iac/compose-', '')} ${f.severity}`);

  it("is info for the server's own port, medium for its other ports", () => {
    assert.deepEqual(published('pihole/pihole:2024.07.0', ['53:53/tcp', '53:53/udp', '67:67/udp']), [
      '5 port-all-interfaces info',
      '6 port-all-interfaces info',
      '7 port-all-interfaces medium',
    ]);
    assert.deepEqual(published('linuxserver/wireguard:1.0.20210914', ['51820:51820/udp']), ['5 port-all-interfaces info']);
    assert.deepEqual(published('gitea/gitea:1.22', ['2222:22', '3000:3000']), ['5 port-all-interfaces info', '6 port-all-interfaces medium']);
    // A mail server: SMTP, submission, IMAP and IMAPS are its clients' ports.
    assert.deepEqual(published('ghcr.io/docker-mailserver/docker-mailserver:14.0', ['25:25', '143:143', '465:465', '587:587', '993:993', '8080:8080']), [
      '5 port-all-interfaces info',
      '6 port-all-interfaces info',
      '7 port-all-interfaces info',
      '8 port-all-interfaces info',
      '9 port-all-interfaces info',
      '10 port-all-interfaces medium',
    ]);
  });

  it('keeps those ports in other images', () => {
    assert.deepEqual(published('example.org/app:1.0', ['51820:51820/udp']), ['5 port-all-interfaces medium']);
    assert.deepEqual(published('alpine:3.20', ['53:53/udp']), ['5 sensitive-port medium']);
    assert.deepEqual(published('example.org/app:1.0', ['143:143', '993:993']), ['6 port-all-interfaces medium', '5 sensitive-port medium']);
  });
});

describe('compose: the Docker socket mounted read-only', () => {
  it('stays critical and says that :ro does not make the API read-only', () => {
    const found = analyseFile('compose.yaml', 'services:\n  proxy:\n    image: nginxproxy/nginx-proxy:1.6\n    volumes:\n      - /var/run/docker.sock:/tmp/docker.sock:z,ro\n      - /run/docker.sock:/run/docker.sock\n', () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-docker-socket');
    assert.deepEqual(found.map((f) => [f.location.startLine, f.severity, /read-only mounting/.test(f.message)]), [
      [5, 'critical', true],
      [6, 'critical', false],
    ]);
  });
});

describe('compose: host namespaces in files for development, tests or CI', () => {
  const body = 'services:\n  tika:\n    image: example.org/tika:3.0\n    network_mode: host\n  e2e:\n    image: example.org/cypress:13.6\n    ipc: host\n  debug:\n    image: example.org/tools:1.0\n    pid: host\n';
  const found = (path: string) =>
    analyseFile(path, body, () => {})
      .findings.filter((f) => /^iac\/compose-host-/.test(f.ruleId))
      .map((f) => `${f.location.startLine} ${f.ruleId.slice('iac/compose-'.length)} ${f.severity}`);

  it('are high in a file that may be deployed, and say why and how to fix', () => {
    assert.deepEqual(found('compose.yaml'), ['4 host-network high', '10 host-pid high', '7 host-ipc high']);
    const message = analyseFile('compose.yaml', body, () => {}).findings.find((f) => f.ruleId === 'iac/compose-host-network')!.message;
    assert.match(message, /every port it opens is open on the host's interfaces/);
  });

  it('report host network and IPC one step lower in a CI or test file, and the process namespace as it is', () => {
    assert.deepEqual(found('docker/compose/docker-compose.ci-test.yml'), ['4 host-network medium', '10 host-pid high', '7 host-ipc medium']);
    const message = analyseFile('.ci/compose.cypress.yaml', body, () => {}).findings.find((f) => f.ruleId === 'iac/compose-host-ipc')!.message;
    assert.match(message, /\(medium: a development or test file, as its name says cypress\)\.$/);
  });
});

describe('compose: a database that lets clients in without a password', () => {
  const found = (path: string, ports: string) =>
    analyseFile(path, `services:\n  postgres:\n    image: postgres:18-alpine\n${ports}    environment:\n      POSTGRES_HOST_AUTH_METHOD: "trust"\n`, () => {})
      .findings.filter((f) => f.ruleId === 'iac/compose-database-without-password')
      .map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);

  it('is high when its port is published beyond loopback, and says who gets in and how to fix', () => {
    const [hit] = found('compose.yaml', '    ports:\n      - "15432:5432"\n');
    assert.match(hit!, /^7 high service postgres sets POSTGRES_HOST_AUTH_METHOD=trust: PostgreSQL accepts every connection without a password, as any role, its superuser too, and it publishes 15432:5432 on all interfaces, so every machine that reaches the host logs in; set a password/);
  });

  it('is low when only containers on its networks reach it, and one step lower in a file for development, tests or CI', () => {
    assert.match(found('compose.yaml', '')[0]!, /^5 low .*every container on its networks logs in \(it publishes no port\)/);
    assert.match(found('compose.yaml', '    ports:\n      - "127.0.0.1:15432:5432"\n')[0]!, /^7 low /);
    assert.match(found('.ci/compose.ci.yaml', '')[0]!, /^5 info .*\(info: a development or test file, as its name says ci\)/);
    assert.match(found('compose.dev.yaml', '    ports:\n      - "15432:5432"\n')[0]!, /^7 medium /);
  });
});

describe('compose: a service that runs as root', () => {
  const rootHits = (file: string, text: string) =>
    analyseFile(file, text, () => {}, 'compose').findings.filter((f) => f.ruleId === 'iac/compose-run-as-root').map((f) => `${f.severity} ${f.location.startLine} ${f.message}`);

  it('is high, medium with every capability dropped and no-new-privileges, low for a one-shot setup service, a severity lower in a development file', () => {
    assert.deepEqual(rootHits('compose.yaml', 'services:\n  ci:\n    image: jenkins/jenkins:2.479.2-lts\n    user: root\n'), [
      'high 4 service ci runs as root (user: root): it can read and change every file of its volumes whoever owns them, and an escape from the container is root on the host.',
    ]);
    assert.deepEqual(rootHits('compose.yaml', 'services:\n  shipper:\n    image: fluent/fluent-bit:3.2.2\n    user: "0"\n    cap_drop: [ALL]\n    security_opt:\n      - no-new-privileges:true\n'), [
      'medium 4 service shipper runs as root (user: 0), though with every capability dropped and no-new-privileges set.',
    ]);
    // A capability added back keeps it high.
    assert.match(rootHits('compose.yaml', 'services:\n  shipper:\n    image: fluent/fluent-bit:3.2.2\n    user: "0"\n    cap_drop: [ALL]\n    cap_add: [DAC_READ_SEARCH]\n    security_opt:\n      - no-new-privileges:true\n')[0]!, /^high /);
    assert.deepEqual(rootHits('compose.yaml', 'services:\n  init:\n    image: busybox:1.37\n    user: 0:0\n    command: chown -R 1000:1000 /data\n  app:\n    image: registry.example.org/app:1.4.0\n    depends_on:\n      init:\n        condition: service_completed_successfully\n'), [
      'low 4 service init runs as root (user: 0:0), as a one-shot setup service that service app waits to complete.',
    ]);
    assert.match(rootHits('docker-compose.dev.yml', 'services:\n  ci:\n    image: jenkins/jenkins:2.479.2-lts\n    user: root\n')[0]!, /^medium 4 .*\(medium: a development or test file, as its name says dev\)\.$/);
  });

  it('reads the user from the .env file beside it, else from the default written for it, and leaves images that drop root themselves', async () => {
    const tree = tempTree({
      'compose.yaml':
        'services:\n  app:\n    image: registry.example.org/app:1.4.0\n    user: "${APP_UID}"\n  worker:\n    image: registry.example.org/worker:1.4.0\n    user: "${WORKER_UID:-0}"\n  cache:\n    image: redis:7.4-alpine\n    user: root\n  shell:\n    image: redis:7.4-alpine\n    user: root\n    entrypoint: ["sh", "-c"]\n    command: ["redis-server --save 60 1"]\n' +
        // A default of root that the .env file replaces, and a variable without a default: not root.
        '  api:\n    image: registry.example.org/api:1.4.0\n    user: ${API_USER:-root}\n  jobs:\n    image: registry.example.org/jobs:1.4.0\n    user: "${JOBS_UID:-0}:${JOBS_GID}"\n',
      '.env': 'APP_UID=0\nAPI_USER=1000\n',
    });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      assert.deepEqual(
        result.findings.filter((f) => f.ruleId === 'iac/compose-run-as-root').map((f) => `${f.location.startLine} ${f.message}`),
        [
          "4 service app runs as root (user: ${APP_UID}, 0 with the values of .env): it can read and change every file of its volumes whoever owns them, and an escape from the container is root on the host.",
          '7 service worker runs as root (user: ${WORKER_UID:-0}, 0 by the default written there, used when the variable is not set): it can read and change every file of its volumes whoever owns them, and an escape from the container is root on the host.',
          // redis's entrypoint drops root for redis-server, but not behind an entrypoint of the file's own.
          '13 service shell runs as root (user: root): it can read and change every file of its volumes whoever owns them, and an escape from the container is root on the host.',
        ],
      );
    } finally {
      tree.cleanup();
    }
  });

  it('leaves an official image whose shell command runs the image\'s entrypoint with the service last, and reports one whose shell runs the service otherwise', () => {
    const service = (name: string, command: string) => `  ${name}:\n    image: postgres:16.4\n    user: root\n    command: ${command}\n`;
    const text =
      'services:\n' +
      service('db', 'bash -c "chown -R postgres /var/lib/postgresql/data && exec docker-entrypoint.sh postgres -c max_connections=200"') +
      service('replica', '["sh", "-c", "mkdir -p /run/pg; exec /usr/local/bin/docker-entrypoint.sh postgres"]') +
      // The entrypoint backgrounded, then another command as root; postgres run without the entrypoint.
      service('seeded', 'bash -c "docker-entrypoint.sh postgres & sleep 5 && psql -f /seed.sql"') +
      service('direct', 'sh -c "exec postgres -c fsync=off"') +
      // An entrypoint of the file's own that runs the image's again with the service, last; one that runs postgres itself.
      '  tls:\n    image: postgres:16.4\n    user: root\n    entrypoint: ["sh", "-c", "chown 70:70 /tmp/server.key && exec docker-entrypoint.sh postgres -c ssl=on"]\n' +
      '  again:\n    image: postgres:16.4\n    user: root\n    entrypoint: docker-entrypoint.sh\n    command: postgres\n' +
      '  own:\n    image: postgres:16.4\n    user: root\n    entrypoint: ["postgres"]\n';
    assert.deepEqual(
      rootHits('compose.yaml', text).map((hit) => hit.split(' ').slice(0, 4).join(' ')),
      ['high 12 service seeded', 'high 16 service direct', 'high 29 service own'],
    );
  });
});

describe('compose-dangerous-capabilities severity', () => {
  it('is critical for the capabilities that give about what privileged gives, as for Kubernetes and ECS, and high for the others', () => {
    const severities = (caps: string) =>
      analyseFile('compose.yaml', `services:\n  agent:\n    image: example.org/agent:1.0\n    cap_add: [${caps}]\n`, () => {})
        .findings.filter((f) => f.ruleId === 'iac/compose-dangerous-capabilities')
        .map((f) => f.severity);
    assert.deepEqual(severities('SYS_ADMIN'), ['critical']);
    assert.deepEqual(severities('NET_ADMIN, CAP_SYS_MODULE'), ['critical']);
    assert.deepEqual(severities('NET_ADMIN, SYS_PTRACE'), ['high']);
  });
});

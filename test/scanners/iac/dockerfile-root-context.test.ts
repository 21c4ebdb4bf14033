import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { dockerfileStem, imageRepository } from '../../../src/scanners/iac/dockerfile/tree.js';
import { privilegeDropIn } from '../../../src/scanners/iac/dockerfile/entrypoint.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

async function rootFindings(files: Record<string, string>): Promise<string[]> {
  return rootOf(await scanIacTree(files));
}

function rootOf(result: ScanResult): string[] {
  return result.findings
    .filter((f) => f.ruleId === 'iac/dockerfile-no-user' || f.ruleId === 'iac/dockerfile-root-user')
    .map((f) => `${f.location.path} ${f.ruleId.replace('iac/dockerfile-', '')}`)
    .sort();
}

describe('Dockerfile running as root: base images and entrypoints that drop root', () => {
  it('names images and Dockerfiles', () => {
    assert.equal(imageRepository('docker.io/library/node:20-alpine@sha256:abc'), 'node');
    assert.equal(imageRepository('example.org:5000/acme/base:1.2'), 'example.org:5000/acme/base');
    assert.equal(imageRepository('acme/base:${TAG}'), 'acme/base');
    assert.equal(imageRepository('${REGISTRY}/acme/base'), undefined);
    assert.deepEqual(
      ['base.Dockerfile', 'docker/Dockerfile.base', 'images/runtime-base/Dockerfile', 'docker/Dockerfile', 'Dockerfile'].map(dockerfileStem),
      ['base', 'base', 'runtime-base', undefined, undefined],
    );
  });

  it('finds the drops of docker-library entrypoints and leaves root and options alone', () => {
    const drop = (script: string) => {
      const found = privilegeDropIn(script, 'entrypoint.sh');
      return found ? `${found.how} ${found.user}` : undefined;
    };
    assert.equal(drop('if [ "$(id -u)" = "0" ]; then\n  exec gosu postgres "$BASH_SOURCE" "$@"\nfi\n'), 'gosu postgres');
    assert.equal(drop('set -- su-exec redis:redis "$@"\nexec "$@"\n'), 'su-exec redis:redis');
    assert.equal(drop('exec setpriv --reuid 999 --regid 999 --init-groups "$@"\n'), 'setpriv 999');
    assert.equal(drop('exec chroot --userspec=app:app / "$@"\n'), 'chroot app:app');
    assert.equal(drop('exec runuser -u "$APP_USER" -- "$@"\n'), 'runuser $APP_USER');
    assert.equal(drop('exec s6-setuidgid abc /app/server\n'), 's6-setuidgid abc');
    assert.equal(drop('exec gosu root "$@"\n'), undefined);
    // sudo and su: as the command the script ends with (past `set +e`) or execs, not as a setup step.
    assert.equal(drop('chown -R 10000:10000 /var/log/app\nsudo -u \\#10000 -E rsyslogd -n\nset +e\n'), 'sudo 10000');
    assert.equal(drop('exec su app -s /bin/sh -c "/app/server"\n'), 'su app');
    assert.equal(drop('sudo -u www-data php artisan migrate --force\nexec apache2-foreground\n'), undefined);
    assert.equal(drop('run_as() { su -p www-data -s /bin/sh -c "$1"; }\nrun_as "php occ upgrade"\nexec "$@"\n'), undefined);
    assert.equal(drop('exec sudo -u "#0" /app/server\n'), undefined);
    assert.equal(drop('# exec gosu app "$@"\necho "gosu app is not used"\ncommand -v gosu\nexec "$@"\n'), undefined);
  });

  it('does not report a base image that another Dockerfile of the scan builds FROM by its file name', async () => {
    const found = await rootFindings({
      'docker/base.Dockerfile': lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates'),
      'docker/app.Dockerfile': lines('FROM example.org/acme/base:1.4', 'COPY app /app', 'CMD ["/app/server"]'),
      'images/runtime-base/Dockerfile': lines('FROM debian:12-slim', 'RUN useradd -r app'),
      'worker/Dockerfile': lines('FROM acme-runtime-base:1.0', 'USER app', 'CMD ["/worker"]'),
    });
    assert.deepEqual(found, ['docker/app.Dockerfile no-user']);
  });

  it('matches a base image by its name when the registry or namespace is a build argument, for a Dockerfile beside it', async () => {
    const found = await rootFindings({
      'make/core/Dockerfile.base': lines('FROM example.org/photon:5.0', 'RUN useradd -r -u 10000 harbor'),
      'make/core/Dockerfile': lines('ARG base_version', 'ARG base_namespace', 'FROM ${base_namespace}/harbor-core-base:${base_version}', 'USER harbor', 'ENTRYPOINT ["/harbor/entrypoint.sh"]'),
      // Another folder's image of the same kind does not make this Dockerfile.base a base.
      'make/jobs/Dockerfile.base': lines('FROM example.org/photon:5.0', 'RUN tdnf install -y curl'),
      'make/jobs/Dockerfile': lines('FROM example.org/photon:5.0', 'USER 1000', 'CMD ["/jobs"]'),
    });
    assert.deepEqual(found, ['make/jobs/Dockerfile.base no-user']);
  });

  it('does not report a base image that a compose file builds for another service', async () => {
    const found = await rootFindings({
      'toolchain/Dockerfile': lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends build-essential'),
      'shared/Dockerfile': lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends curl'),
      'app/Dockerfile': lines('FROM acme-toolchain:${TAG:-latest}', 'USER 1000', 'CMD ["/app/server"]'),
      'api/Dockerfile': lines('FROM shared', 'USER 1000', 'CMD ["/api/server"]'),
      'docker-compose.yml': lines(
        'services:',
        '  toolchain:',
        '    build: ./toolchain',
        '    image: acme-toolchain',
        '  shared:',
        '    build: ./shared',
        '  app:',
        '    build: ./app',
        '  api:',
        '    build:',
        '      context: ./api',
        '      additional_contexts:',
        '        shared: service:shared',
      ),
    });
    assert.deepEqual(found, []);
  });

  it('still reports images that run: one with a CMD, one that inherits its CMD, one named like an image of Docker Hub', async () => {
    const found = await rootFindings({
      // Built upon, but runs too.
      'base.Dockerfile': lines('FROM debian:12-slim', 'CMD ["/usr/bin/serve"]'),
      'app.Dockerfile': lines('FROM acme/base:1', 'USER 1000', 'CMD ["/app"]'),
      // FROM node:20 with no CMD of its own runs node's, as root; the other FROM node is Docker Hub's node.
      'node.Dockerfile': lines('FROM node:20-alpine', 'COPY . /app'),
      'web/Dockerfile': lines('FROM node:20-alpine', 'USER node', 'CMD ["node", "web.js"]'),
      // `alpine` is Docker Hub's alpine, not the image of Dockerfile.alpine.
      'py/Dockerfile.alpine': lines('FROM python:3.12-alpine', 'COPY . /app'),
      'tools/Dockerfile': lines('FROM alpine:3.20', 'USER 1000', 'CMD ["sh"]'),
    });
    assert.deepEqual(found, ['base.Dockerfile no-user', 'node.Dockerfile no-user', 'py/Dockerfile.alpine no-user']);
  });

  it('reads the entrypoint script the Dockerfile copies from its build context', async () => {
    const postgresLike = lines(
      '#!/usr/bin/env bash',
      'set -Eeo pipefail',
      'if [ "$(id -u)" = "0" ]; then',
      '  find "$PGDATA" \\! -user postgres -exec chown postgres "{}" +',
      '  exec gosu postgres "$BASH_SOURCE" "$@"',
      'fi',
      'exec "$@"',
    );
    const found = await rootFindings({
      'db/Dockerfile': lines(
        'FROM debian:12-slim',
        'RUN apt-get update && apt-get install -y --no-install-recommends gosu',
        'COPY docker-entrypoint.sh /usr/local/bin/',
        'ENTRYPOINT ["docker-entrypoint.sh"]',
        'CMD ["postgres"]',
      ),
      'db/docker-entrypoint.sh': postgresLike,
      // A folder copied to the root, the script run by tini.
      'cache/Dockerfile': lines('FROM alpine:3.20', 'RUN apk add --no-cache tini su-exec', 'COPY rootfs/ /', 'USER root', 'ENTRYPOINT ["/sbin/tini", "--", "/entrypoint.sh"]'),
      'cache/rootfs/entrypoint.sh': lines('#!/bin/sh', 'chown -R cache /data', 'exec su-exec cache "$@"'),
      // The script was read and drops nothing, whatever is installed.
      'web/Dockerfile': lines('FROM alpine:3.20', 'RUN apk add --no-cache su-exec', 'COPY entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]'),
      'web/entrypoint.sh': lines('#!/bin/sh', 'exec "$@"'),
      // Not in the scan (made by the build, or ignored): gosu installed is taken for the drop.
      'queue/Dockerfile': lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install -y gosu', 'COPY build/entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]'),
      // A shell-form CMD runs the script too.
      'logs/Dockerfile': lines('FROM alpine:3.20', 'RUN apk add --no-cache rsyslog sudo', 'COPY start.sh /usr/local/bin/', 'CMD /usr/local/bin/start.sh'),
      'logs/start.sh': lines('#!/bin/sh', 'chown -R 10000 /var/log/app', 'sudo -u \\#10000 -E rsyslogd -n'),
      // Not in the scan and nothing installed to drop root with.
      'jobs/Dockerfile': lines('FROM debian:12-slim', 'COPY build/entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]'),
    });
    assert.deepEqual(found, ['jobs/Dockerfile no-user', 'web/Dockerfile no-user']);
  });

  it('reads an entrypoint written in Python, Node.js, Ruby or Perl that execs gosu or su-exec', async () => {
    const startPy = (end: string) => lines('#!/usr/local/bin/python', 'import os', 'import sys', 'def main(args, environ):', '    ownership = "991:991" if os.getuid() == 0 else None', '    args = [sys.executable] + args', end);
    const found = await rootFindings({
      // synapse's start.py: gosu is exec'd with the user the program chose.
      'app/Dockerfile': lines('FROM python:3.12-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends gosu', 'COPY start.py /start.py', 'ENTRYPOINT ["/start.py"]'),
      'app/start.py': startPy('    os.execve("/usr/sbin/gosu", ["gosu", ownership] + args, environ)'),
      // gosu only named in a message: nothing drops root.
      'tool/Dockerfile': lines('FROM python:3.12-slim', 'COPY start.py /start.py', 'ENTRYPOINT ["/start.py"]'),
      'tool/start.py': startPy('    print("gosu is not used here")\n    os.execv(sys.executable, args)'),
      'node/Dockerfile': lines('FROM node:22-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends gosu', 'COPY start.js /start.js', 'ENTRYPOINT ["/start.js"]'),
      'node/start.js': lines('#!/usr/bin/env node', "const { spawnSync } = require('node:child_process');", "spawnSync('gosu', ['node', 'server.js'], { stdio: 'inherit' });"),
    });
    assert.deepEqual(found, ['tool/Dockerfile no-user']);
  });

  it('reads the run scripts of the s6 services an s6-overlay image copies', async () => {
    const found = await rootFindings({
      // linuxserver.io style: /init comes with the base image, the service drops to abc.
      'media/Dockerfile': lines('FROM ghcr.io/linuxserver/baseimage-alpine:3.20', 'COPY root/ /'),
      'media/root/etc/s6-overlay/s6-rc.d/svc-media/run': lines('#!/usr/bin/with-contenv bash', 'exec s6-setuidgid abc /app/media-server'),
      'media/root/etc/s6-overlay/s6-rc.d/svc-media/type': 'longrun\n',
      // Its oneshot setup runs as root and ends before the service starts (linuxserver.io's init-* services).
      'media/root/etc/s6-overlay/s6-rc.d/init-media/run': lines('#!/usr/bin/with-contenv bash', 'mkdir -p /config/data', 'lsiown -R abc:abc /config'),
      'media/root/etc/s6-overlay/s6-rc.d/init-media/type': 'oneshot\n',
      'media/root/etc/s6-overlay/s6-rc.d/init-media/up': '/etc/s6-overlay/s6-rc.d/init-media/run\n',
      // A long-running service without a type file still counts: this one stays root.
      'radio/Dockerfile': lines('FROM ghcr.io/linuxserver/baseimage-alpine:3.20', 'COPY root/ /'),
      'radio/root/etc/s6-overlay/s6-rc.d/svc-radio/run': lines('#!/usr/bin/with-contenv bash', 'exec s6-setuidgid abc /app/radio'),
      'radio/root/etc/s6-overlay/s6-rc.d/svc-relay/run': lines('#!/usr/bin/with-contenv bash', 'exec /app/relay'),
      // s6-overlay installed, /init as ENTRYPOINT, one of two services still runs as root.
      'proxy/Dockerfile': lines('FROM alpine:3.20', 'ENV S6_KEEP_ENV=1', 'COPY services.d /etc/services.d', 'ENTRYPOINT ["/init"]'),
      'proxy/services.d/app/run': lines('#!/bin/sh', 'exec s6-setuidgid app /app/server'),
      'proxy/services.d/sidecar/run': lines('#!/bin/sh', 'exec /usr/bin/sidecar'),
      // /init of an image that shows no s6-overlay: not known to be its /init.
      'plain/Dockerfile': lines('FROM alpine:3.20', 'COPY root/ /', 'ENTRYPOINT ["/init"]'),
      'plain/root/etc/services.d/app/run': lines('#!/bin/sh', 'exec s6-setuidgid app /app/server'),
    });
    assert.deepEqual(found, ['plain/Dockerfile no-user', 'proxy/Dockerfile no-user', 'radio/Dockerfile no-user']);
  });

  it("reports at low an image of linuxserver.io's nginx base that adds only oneshot s6 services: it runs the base's nginx and PHP-FPM", async () => {
    const result = await scanIacTree({
      // Only a oneshot setup of its own: the long-running services are the base image's nginx and PHP-FPM, workers as abc.
      'web/Dockerfile': lines('FROM ghcr.io/linuxserver/baseimage-alpine-nginx:3.22', 'RUN apk add --no-cache php84-gd', 'COPY root/ /'),
      'web/root/etc/s6-overlay/s6-rc.d/init-web-config/run': lines('#!/usr/bin/with-contenv bash', 'lsiown -R abc:abc /config'),
      'web/root/etc/s6-overlay/s6-rc.d/init-web-config/type': 'oneshot\n',
      // A long-running service of its own that keeps root: reported as before.
      'worker/Dockerfile': lines('FROM ghcr.io/linuxserver/baseimage-alpine-nginx:3.22', 'COPY root/ /'),
      'worker/root/etc/s6-overlay/s6-rc.d/svc-worker/run': lines('#!/usr/bin/with-contenv bash', 'exec /app/worker'),
      'worker/root/etc/s6-overlay/s6-rc.d/svc-worker/type': 'longrun\n',
      // Another linuxserver.io base: its services are not known to be nginx's.
      'tool/Dockerfile': lines('FROM ghcr.io/linuxserver/baseimage-alpine:3.22', 'RUN apk add --no-cache jq'),
    });
    const found = result.findings
      .filter((f) => f.ruleId === 'iac/dockerfile-no-user')
      .map((f) => `${f.location.path} ${f.severity}`)
      .sort();
    assert.deepEqual(found, ['tool/Dockerfile medium', 'web/Dockerfile low', 'worker/Dockerfile medium']);
  });

  it('reads the script from the build context a compose file gives, never outside the scan root', async () => {
    const found = await rootFindings({
      'deploy/app.Dockerfile': lines('FROM alpine:3.20', 'COPY scripts/start.sh /usr/local/bin/start', 'ENTRYPOINT ["start"]'),
      'scripts/start.sh': lines('#!/bin/sh', 'exec su-exec app /app/server'),
      'compose.yaml': lines('services:', '  app:', '    build:', '      context: .', '      dockerfile: deploy/app.Dockerfile'),
      'escape/Dockerfile': lines('FROM alpine:3.20', 'COPY ../../../../etc/passwd /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]'),
    });
    assert.deepEqual(found, ['escape/Dockerfile no-user']);
  });
});

describe('Dockerfile running as root: a script of the working tree that is there but not read is a warning', () => {
  it('warns of a link out of the scan root and of a script too large, and reports the images as running as root', async () => {
    const outside = tempTree({ 'entrypoint.sh': lines('#!/bin/sh', 'exec gosu app "$@"') });
    const t = tempTree({ 'README.md': 'app\n' });
    try {
      const withEntrypoint = lines('FROM debian:12-slim', 'COPY entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]', 'CMD ["/app/server"]');
      t.write('out/Dockerfile', withEntrypoint);
      symlinkSync(path.join(outside.dir, 'entrypoint.sh'), path.join(t.dir, 'out/entrypoint.sh'));
      t.write('big/Dockerfile', withEntrypoint);
      t.write('big/entrypoint.sh', lines('#!/bin/sh', 'exec gosu app "$@"') + `# ${'x'.repeat(70 * 1024)}\n`);
      t.write('ok/Dockerfile', withEntrypoint);
      t.write('ok/entrypoint.sh', lines('#!/bin/sh', 'exec gosu app "$@"'));
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(rootOf(result), ['big/Dockerfile no-user', 'out/Dockerfile no-user']);
      assert.deepEqual(result.warnings.map((w) => `${w.path}: ${w.message}`).sort(), [
        'big/entrypoint.sh: big/entrypoint.sh, which big/Dockerfile copies from its build context, is larger than 64 KiB; it was not read, so whether the image drops root there is not known.',
        'out/entrypoint.sh: out/entrypoint.sh, which out/Dockerfile copies from its build context, is a symbolic link that leads out of the scan root; it was not read, so whether the image drops root there is not known.',
      ]);
    } finally {
      t.cleanup();
      outside.cleanup();
    }
  });
});

describe('Dockerfile running as root: a scan of staged files judges what the index holds', () => {
  const dropping = lines('#!/bin/sh', 'chown -R app /data', 'exec gosu app "$@"');
  const keeping = lines('#!/bin/sh', 'chown -R app /data', 'exec "$@"');
  const withEntrypoint = lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates', 'COPY entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]', 'CMD ["/app/server"]');

  it('reads the entrypoint script from the index, not the working tree', async () => {
    const t = tempTree({ 'README.md': 'app\n' });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      // db: the index's script drops root, the working tree's no longer does. web: the other way round.
      t.write('db/Dockerfile', withEntrypoint);
      t.write('db/entrypoint.sh', dropping);
      t.write('web/Dockerfile', withEntrypoint);
      t.write('web/entrypoint.sh', keeping);
      git(t.dir, 'add', 'db', 'web');
      t.write('db/entrypoint.sh', keeping);
      t.write('web/entrypoint.sh', dropping);
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(rootOf(result), ['web/Dockerfile no-user']);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });

  it('lists the s6 services of the index, not those only in the working tree', async () => {
    const t = tempTree({ 'README.md': 'app\n' });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('media/Dockerfile', lines('FROM ghcr.io/linuxserver/baseimage-alpine:3.20', 'COPY root/ /'));
      t.write('media/root/etc/s6-overlay/s6-rc.d/svc-media/run', lines('#!/usr/bin/with-contenv bash', 'exec s6-setuidgid abc /app/media-server'));
      git(t.dir, 'add', 'media');
      // Not staged: not in the image the commit builds.
      t.write('media/root/etc/s6-overlay/s6-rc.d/svc-debug/run', lines('#!/usr/bin/with-contenv bash', 'exec /app/debug-shell'));
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(rootOf(result), []);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });

  it('takes a staged Dockerfile for a base image when a Dockerfile of the index builds upon it, staged or not', async () => {
    const t = tempTree({
      'docker/app.Dockerfile': lines('FROM example.org/acme/base:1.4', 'USER 1000', 'CMD ["/app/server"]'),
      'README.md': 'app\n',
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('docker/base.Dockerfile', lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates'));
      t.write('images/runtime-base/Dockerfile', lines('FROM debian:12-slim', 'RUN useradd -r app'));
      git(t.dir, 'add', 'docker/base.Dockerfile', 'images/runtime-base/Dockerfile');
      // Only in the working tree: the commit holds no Dockerfile built upon runtime-base.
      t.write('worker/Dockerfile', lines('FROM acme-runtime-base:1.0', 'USER app', 'CMD ["/worker"]'));
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(rootOf(result), ['images/runtime-base/Dockerfile no-user']);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });

  it('follows a link of the index inside the root, and warns of a script it does not read: a link out of the root, a script too large', async () => {
    const t = tempTree({ 'README.md': 'app\n' });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('api/Dockerfile', withEntrypoint);
      t.write('scripts/api-entrypoint.sh', dropping);
      symlinkSync('../scripts/api-entrypoint.sh', path.join(t.dir, 'api/entrypoint.sh'));
      t.write('out/Dockerfile', withEntrypoint);
      symlinkSync('../../../elsewhere/entrypoint.sh', path.join(t.dir, 'out/entrypoint.sh'));
      t.write('big/Dockerfile', withEntrypoint);
      t.write('big/entrypoint.sh', dropping + `# ${'x'.repeat(70 * 1024)}\n`);
      git(t.dir, 'add', 'api', 'scripts', 'out', 'big');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      // Not read, and gosu not installed: nothing shows the drop.
      assert.deepEqual(rootOf(result), ['big/Dockerfile no-user', 'out/Dockerfile no-user']);
      assert.deepEqual(result.warnings.map((w) => `${w.path}: ${w.message}`).sort(), [
        'big/entrypoint.sh: big/entrypoint.sh, which big/Dockerfile copies from its build context, is larger than 64 KiB; it was not read from the index, so whether the image drops root there is not known.',
        'out/entrypoint.sh: out/entrypoint.sh, which out/Dockerfile copies from its build context, is a symbolic link that leads out of the scan root; it was not read from the index, so whether the image drops root there is not known.',
      ]);
    } finally {
      t.cleanup();
    }
  });
});

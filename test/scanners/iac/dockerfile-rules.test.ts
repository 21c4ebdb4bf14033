import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dockerfilePlatform } from '../../../src/scanners/iac/dockerfile/rules.js';

function hits(ruleId: string, text: string) {
  const input = dockerfilePlatform.parse(text, () => {});
  const rule = dockerfilePlatform.rules.find((r) => r.id === ruleId);
  assert.ok(rule, ruleId);
  return input ? [...rule.check(input)] : [];
}

describe('Dockerfile missing HEALTHCHECK', () => {
  it('inherits a HEALTHCHECK through FROM <stage> chains', () => {
    const text = 'FROM python:3.12-slim AS runtime\nHEALTHCHECK CMD true\nCMD ["python"]\nFROM runtime AS mid\nFROM mid\nCOPY a /a\n';
    assert.deepEqual(hits('iac/dockerfile-missing-healthcheck', text), []);
  });

  it('reports an image without CMD or ENTRYPOINT at info only', () => {
    const toolchain = hits('iac/dockerfile-missing-healthcheck', 'FROM debian:12.7\nRUN true\nUSER 1000\n');
    assert.equal(toolchain.length, 1);
    assert.equal(toolchain[0]!.severity, 'info');
    const service = hits('iac/dockerfile-missing-healthcheck', 'FROM debian:12.7 AS base\nENTRYPOINT ["/app"]\nFROM base\nUSER 1000\n');
    assert.equal(service.length, 1);
    assert.equal(service[0]!.severity, undefined);
    assert.equal(service[0]!.line, 3);
  });

  it('names the command an image keeps from its base when that is known, still at info', () => {
    const message = (text: string) => hits('iac/dockerfile-missing-healthcheck', text).map((h) => `${h.severity} ${h.message}`);
    assert.deepEqual(message('FROM nginx:1.27-alpine\nCOPY site/ /usr/share/nginx/html/\n'), [
      'info The final image has no HEALTHCHECK and keeps the command of the image it is built FROM (nginx); add a HEALTHCHECK that probes the service.',
    ]);
    assert.deepEqual(message('FROM ghcr.io/linuxserver/baseimage-alpine:3.22\nCOPY root/ /\n'), [
      "info The final image has no HEALTHCHECK and keeps the command of the image it is built FROM (s6-overlay's /init, which starts its services); add a HEALTHCHECK that probes the service.",
    ]);
    assert.deepEqual(message('FROM debian:12.7\nRUN true\n'), [
      'info The final image has no HEALTHCHECK and sets neither CMD nor ENTRYPOINT (a base or toolchain image?); if it runs a service, add a HEALTHCHECK.',
    ]);
  });

  it('reports an image whose command is a bare interpreter at info only', () => {
    const python = hits('iac/dockerfile-missing-healthcheck', 'FROM debian:12-slim\nRUN ./build-python.sh\nCMD ["python3"]\n');
    assert.deepEqual(python.map((h) => h.severity), ['info']);
    const node = hits('iac/dockerfile-missing-healthcheck', 'FROM debian:12-slim\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD node\n');
    assert.deepEqual(node.map((h) => h.severity), ['info']);
    const app = hits('iac/dockerfile-missing-healthcheck', 'FROM python:3.13-slim\nCMD ["python3", "-m", "app"]\n');
    assert.deepEqual(app.map((h) => h.severity), [undefined]);
  });
});

describe('Dockerfile sudo installed', () => {
  const severity = (text: string) => hits('iac/dockerfile-sudo-installed', text).map((h) => h.severity ?? 'low');
  it('is info in an image that runs as root and grants sudo to no user, low once a user is set or given sudo', () => {
    assert.deepEqual(severity('FROM alpine:3.20\nRUN apk add --no-cache sudo\n'), ['info']);
    assert.deepEqual(severity('FROM alpine:3.20\nRUN apk add --no-cache sudo\nUSER app\n'), ['low']);
    assert.deepEqual(severity('FROM alpine:3.20 AS base\nUSER app\nFROM base\nUSER root\nRUN apk add --no-cache sudo\nUSER app\n'), ['low']);
    assert.deepEqual(severity('FROM debian:12\nRUN apt-get install -y sudo && adduser dev sudo\n'), ['low']);
    assert.deepEqual(severity('FROM debian:12\nRUN apt-get install -y sudo\nCOPY dev.conf /etc/sudoers.d/dev\n'), ['low']);
    assert.deepEqual(severity('FROM alpine:3.20\nRUN apk add sudo && addgroup app wheel\n'), ['low']);
    assert.deepEqual(severity('FROM gcr.io/distroless/base:nonroot\nRUN apk add sudo\n'), ['low']);
  });
});

describe('Dockerfile no USER', () => {
  it('is low for a base image whose command is the bare interpreter, medium for an application', () => {
    const severity = (text: string) => hits('iac/dockerfile-no-user', text).map((h) => h.severity ?? 'medium');
    assert.deepEqual(severity('FROM debian:12-slim\nRUN ./build-python.sh\nCMD ["python3"]\n'), ['low']);
    assert.deepEqual(severity('FROM buildpack-deps:bookworm\nCMD ["irb"]\n'), ['low']);
    assert.deepEqual(severity('FROM python:3.13-slim\nCOPY app.py /app/\nCMD ["python3", "/app/app.py"]\n'), ['medium']);
    assert.deepEqual(severity('FROM debian:12-slim\nENTRYPOINT ["jq"]\n'), ['medium']);
    // An official PHP application keeps php's apache or fpm command: its master only runs as root.
    assert.deepEqual(severity('FROM nextcloud:apache\nRUN docker-php-ext-install imap\n'), ['low']);
    assert.deepEqual(severity('FROM wordpress:6.5-fpm-alpine\nCOPY wp-content/ /usr/src/wordpress/wp-content/\n'), ['low']);
    assert.deepEqual(severity('FROM wordpress:cli-2.10\nCOPY wp-cli.yml /\n'), ['medium']);
    // The base image is the build's to choose: low, unless the argument's default names one.
    assert.deepEqual(severity('ARG SENTRY_IMAGE\nFROM ${SENTRY_IMAGE}\nCOPY . /usr/src/app\n'), ['low']);
    assert.deepEqual(severity('ARG BASE=debian:12-slim\nFROM ${BASE}\nCMD ["/app"]\n'), ['medium']);
    // CMD gives the ENTRYPOINT its arguments: bash here is an argument of the server, not the command.
    assert.deepEqual(severity('FROM debian:12-slim\nENTRYPOINT ["/app/server"]\nCMD ["bash"]\n'), ['medium']);
    assert.deepEqual(severity('FROM debian:12-slim\nENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD ["node"]\n'), ['low']);
  });
});

describe('Dockerfile sensitive EXPOSE', () => {
  const severities = (text: string) => hits('iac/dockerfile-sensitive-port', text).map((h) => `${h.line} ${h.severity}`);

  it("is info for the port of the server the image starts, low for a backend port of another image", () => {
    // docker-library's postgres: the entrypoint script, then CMD postgres.
    assert.deepEqual(severities('FROM debian:12-slim\nENTRYPOINT ["docker-entrypoint.sh"]\nEXPOSE 5432\nCMD ["postgres"]\n'), ['3 info']);
    assert.deepEqual(severities('FROM alpine:3.20\nEXPOSE 6379\nCMD redis-server /etc/redis.conf\n'), ['2 info']);
    // An application image that exposes a database port: it bundles a backend.
    assert.deepEqual(severities('FROM node:22-alpine\nEXPOSE 3000 5432\nCMD ["node", "server.js"]\n'), ['2 low']);
    // The server's program, but not of this port; and a remote shell stays a way in.
    assert.deepEqual(severities('FROM alpine:3.20\nEXPOSE 3306 22\nCMD ["postgres"]\n'), ['2 low', '2 medium']);
  });
});

describe('Dockerfile templates', () => {
  const parse = (text: string) => {
    const warnings: Array<[number, string]> = [];
    const input = dockerfilePlatform.parse(text, (line, message) => warnings.push([line, message]));
    return { input, warnings };
  };

  it('skips a jq or Go template with one warning', () => {
    const jq = parse('{{\n  def alpine: env.variant | startswith("alpine");\n}}\nFROM {{ env.variant }}\n{{ if alpine then ( -}}\nRUN apk add curl\n{{ ) end -}}\nCMD ["sh"]\n');
    assert.equal(jq.input, undefined);
    assert.equal(jq.warnings.length, 1);
    assert.equal(jq.warnings[0]![0], 1);
    assert.match(jq.warnings[0]![1], /template/);
    const go = parse('FROM {{ .Base }}:{{ .Tag }}\nRUN make\n');
    assert.equal(go.input, undefined);
    assert.deepEqual(go.warnings.map((w) => w[0]), [1]);
  });

  it('skips a file whose %%VAR%% placeholders leave it unparsable as written, with one warning at the first placeholder', () => {
    const nginx = parse('FROM nginx:%%NGINX_VERSION%%-alpine\nRUN set -x \\\n    && pkgs="%%PACKAGES%%\n    " \\\n    && apk add $pkgs\n');
    assert.equal(nginx.input, undefined);
    assert.deepEqual(nginx.warnings.map((w) => w[0]), [1]);
    assert.match(nginx.warnings[0]![1], /%%VAR%% placeholders where it does not parse/);
  });

  it('skips a file named as a template (.template, .in) that does not parse as written, with one warning at its first problem; one that parses, or one named otherwise, is checked', () => {
    // A placeholder line that the project's update script replaces with continued lines.
    const text = 'FROM alpine:0.0\nENV NODE_VERSION 0.0.0\nRUN for key in \\\n      "${NODE_KEYS[@]}"\n    ; do \\\n      gpg --recv-keys "$key" ; \\\n    done\nCMD ["node"]\n';
    const named = (path: string, body: string) => {
      const warnings: Array<[number, string]> = [];
      const input = dockerfilePlatform.parse(body, (line, message) => warnings.push([line, message]), { path });
      return { input, warnings };
    };
    const template = named('Dockerfile-alpine.template', text);
    assert.equal(template.input, undefined);
    assert.deepEqual(template.warnings.map((w) => w[0]), [5]);
    assert.match(template.warnings[0]![1], /named as a template and does not parse as written .*not checked/);
    assert.equal(named('Dockerfile.in', text).input, undefined);
    assert.ok(named('Dockerfile', text).input);
    assert.ok(named('Dockerfile-debian.template', 'FROM debian:12-slim\nCMD ["node"]\n').input);
  });

  it('keeps checking %%VAR%% placeholders and {{ }} inside an instruction', () => {
    const balena = parse('FROM balenalib/%%BALENA_MACHINE_NAME%%-debian:bookworm\nRUN curl -fsSL https://example.org/i.sh | sh\n');
    assert.ok(balena.input);
    assert.deepEqual(balena.warnings, []);
    const inspect = parse('FROM docker:27.3\nRUN docker inspect --format \'{{.Id}}\' app > /id\n');
    assert.ok(inspect.input);
    assert.deepEqual(inspect.warnings, []);
  });
});

describe('Dockerfile images pulled by COPY --from and RUN --mount', () => {
  it('reports every floating image a RUN mounts, on its own line', () => {
    const text = 'FROM alpine:3.20 AS base\nRUN --mount=type=bind,from=base,target=/b \\\n    --mount=type=bind,from=example/a:latest,target=/a \\\n    --mount=type=cache,target=/c \\\n    cp /a/x /x\n';
    const found = hits('iac/dockerfile-image-latest', text);
    assert.deepEqual(found.map((h) => [h.line, h.detailLine]), [[2, 3]]);
    assert.match(found[0]!.message, /example\/a:latest/);
  });

  it('leaves stages, stage numbers, pinned and templated images alone', () => {
    const text = 'ARG TOOLS\nFROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nCOPY --from=example/t:1.2 /t /t\nCOPY --from=${TOOLS} /u /u\nCOPY --from=example/d@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f /d /d\n';
    assert.deepEqual(hits('iac/dockerfile-image-untagged', text), []);
    assert.deepEqual(hits('iac/dockerfile-image-latest', text), []);
  });
});

describe('Dockerfile sensitive port', () => {
  it('is medium for a way into the image (a remote shell or desktop, a container API) and low for a backend port, which EXPOSE only declares', () => {
    const found = hits('iac/dockerfile-sensitive-port', 'FROM alpine:3.20\nEXPOSE 22 2375\nEXPOSE 5432 6379\n');
    assert.deepEqual(
      found.map((h) => [h.line, h.severity, h.message]),
      [
        [2, 'medium', 'EXPOSE 22 declares 22/tcp (SSH): the image runs a way in; keep it out of the image.'],
        [2, 'medium', 'EXPOSE 2375 declares 2375/tcp (Docker API without TLS, cleartext): the image runs a way in; keep it out of the image.'],
        [3, 'low', 'EXPOSE 5432 declares 5432/tcp (PostgreSQL): publish it only on a private network, and keep it out of application images.'],
        [3, 'low', 'EXPOSE 6379 declares 6379/tcp (Redis, cleartext): publish it only on a private network, and keep it out of application images.'],
      ],
    );
  });
});

describe('Dockerfile package signature disabled', () => {
  it('is low for an apt repository on the machine itself marked [trusted=yes], high for one over the network', () => {
    const found = hits('iac/dockerfile-package-signature-disabled', 'FROM debian:12\nRUN echo "deb [ trusted=yes ] file:///tmp/repo ./" > /etc/apt/sources.list.d/local.list\nRUN echo "deb [trusted=yes] https://repo.example.org/ stable main" > /etc/apt/sources.list.d/x.list\n');
    assert.deepEqual(found.map((h) => [h.line, h.severity ?? 'high']), [[3, 'high'], [2, 'low']]);
  });
});

describe('Dockerfile package signature checks turned off', () => {
  const severities = (text: string) => hits('iac/dockerfile-package-signature-disabled', text).map((h) => `${h.line}/${h.detailLine ?? '-'} ${h.severity ?? 'high'}`);

  it('reports apk add --allow-untrusted of packages an earlier stage built at low, bound from it or copied from it', () => {
    const builder = 'FROM alpine:3.20 AS builder\nRUN abuild -r\nFROM alpine:3.20\n';
    // nginx's modules image: the packages are bound from the builder stage, installed in a loop.
    assert.deepEqual(
      severities(`${builder}RUN --mount=type=bind,target=/tmp/packages/,source=/tmp/packages/,from=builder \\\n    for m in a b; do \\\n        apk add --no-cache --allow-untrusted /tmp/packages/app-module-$m-*.apk; \\\n    done\n`),
      ['4/6 low'],
    );
    assert.deepEqual(severities(`${builder}COPY --from=0 /home/b/packages /tmp/pkgs\nRUN apk add --allow-untrusted /tmp/pkgs/app.apk\n`), ['5/- low']);
  });

  it('keeps apk add --allow-untrusted high for a package from anywhere else', () => {
    const builder = 'FROM alpine:3.20 AS builder\nRUN abuild -r\nFROM alpine:3.20\n';
    // One package not from the stage, a package from an image rather than a stage, and no stage at all.
    assert.deepEqual(severities(`${builder}COPY --from=builder /out/ /tmp/pkgs/\nRUN apk add --allow-untrusted /tmp/pkgs/app.apk /tmp/other.apk\n`), ['5/- high']);
    assert.deepEqual(severities(`${builder}COPY --from=example.org/pkgs:1.0 /out/ /tmp/pkgs/\nRUN apk add --allow-untrusted /tmp/pkgs/app.apk\n`), ['5/- high']);
    assert.deepEqual(severities('FROM alpine:3.20\nRUN wget -O /tmp/app.apk https://example.org/app.apk && apk add --allow-untrusted /tmp/app.apk\n'), ['2/- high']);
  });
});

describe('Dockerfile download used without a check', () => {
  const found = (text: string) => hits('iac/dockerfile-download-unverified', text).map((h) => h.message.replace(/ and no step.*/, ''));

  it('reads where curl and wget write: -o, -O, -P, clusters such as -fsSLo and -qO-, and a URL held in a variable', () => {
    assert.deepEqual(found('FROM debian:12\nRUN wget -nv -O /tmp/driver.zip $DRIVER_URL && unzip /tmp/driver.zip -d /opt\n'), ['wget downloads /tmp/driver.zip']);
    assert.deepEqual(found('FROM debian:12\nRUN wget -qO- https://example.org/tool-1.0.tar.gz | tar -xz -C /opt\n'), ['wget downloads tool-1.0.tar.gz']);
    assert.deepEqual(found('FROM debian:12\nRUN wget -P /src https://example.org/dist/app-2.1.tar.gz && tar -xzf /src/app-2.1.tar.gz\n'), ['wget downloads /src/app-2.1.tar.gz']);
    assert.deepEqual(found('FROM debian:12\nRUN curl -H "Accept: application/octet-stream" -fsSLO https://example.org/dist/app_1.0_amd64.deb && dpkg -i app_1.0_amd64.deb\n'), ['curl downloads app_1.0_amd64.deb']);
    assert.deepEqual(found('FROM debian:12\nRUN curl -sX GET https://example.org/releases/latest -o /tmp/release.json\n'), []);
  });

  it('takes a check in a later RUN of the same stage, but not of another stage', () => {
    const download = 'RUN curl -fsSLo /tmp/app.tgz https://example.org/app-1.0.tgz\n';
    assert.deepEqual(found(`FROM debian:12\n${download}RUN echo "abc  /tmp/app.tgz" | sha256sum -c -\n`), []);
    assert.deepEqual(found(`FROM debian:12 AS fetch\n${download}FROM debian:12\nRUN echo "abc  /tmp/app.tgz" | sha256sum -c -\n`), ['curl downloads /tmp/app.tgz']);
    // A check before the download does not cover it.
    assert.deepEqual(found(`FROM debian:12\nRUN sha256sum --version\n${download}`), ['curl downloads /tmp/app.tgz']);
  });
});

describe('Dockerfile without USER running a privilege-separating server', () => {
  const severity = (text: string) => hits('iac/dockerfile-no-user', text).map((h) => h.severity ?? 'medium');
  it('reports Apache, nginx and PHP-FPM at low, their workers dropping root, written or inherited from the official image', () => {
    // An entrypoint script that execs "$@", then Apache as the command (the nextcloud image's shape).
    assert.deepEqual(severity('FROM php:8.3-apache\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["apache2-foreground"]\n'), ['low']);
    assert.deepEqual(severity('FROM php:8.3-fpm-alpine\nCOPY app/ /var/www/html/\n'), ['low']);
    assert.deepEqual(severity('FROM httpd:2.4\nCOPY site/ /usr/local/apache2/htdocs/\n'), ['low']);
    assert.deepEqual(severity('FROM alpine:3.20\nRUN apk add --no-cache nginx\nCMD nginx -g "daemon off;"\n'), ['low']);
    const [nginx] = hits('iac/dockerfile-no-user', 'FROM nginx:1.27\nCOPY site/ /usr/share/nginx/html/\n');
    assert.match(nginx!.message, /its command, nginx, keeps only the nginx master process as root/);
  });
  it('keeps medium for other commands, or a command set over the server image', () => {
    assert.deepEqual(severity('FROM php:8.3-cli\nCOPY app/ /app/\nCMD ["php", "/app/worker.php"]\n'), ['medium']);
    assert.deepEqual(severity('FROM nginx:1.27\nCMD ["/usr/bin/supervisord", "-c", "/etc/supervisord.conf"]\n'), ['medium']);
    assert.deepEqual(severity('FROM php:8.3-cli\nCOPY app/ /app/\n'), ['medium']);
  });
});

describe('Dockerfile base image without a tag', () => {
  it('says when the image is the default of a build argument', () => {
    const [hit] = hits('iac/dockerfile-image-untagged', 'ARG BASE_IMAGE="example.org/acme/base"\nFROM ${BASE_IMAGE} AS base\nCMD ["app"]\n');
    assert.match(hit!.message, /^Base image example\.org\/acme\/base \(\$\{BASE_IMAGE\} with the default of its build argument, used when the build passes none\) has no tag/);
    const [plain] = hits('iac/dockerfile-image-untagged', 'FROM example.org/acme/base\nCMD ["app"]\n');
    assert.match(plain!.message, /^Base image example\.org\/acme\/base has no tag/);
  });
});

describe('Dockerfile without USER in a development container', () => {
  const found = (path: string) => {
    const input = { ...dockerfilePlatform.parse('FROM node:24-trixie-slim\nRUN npm install -g pnpm@10.4.1\n', () => {})!, path };
    return [...dockerfilePlatform.rules.find((r) => r.id === 'iac/dockerfile-no-user')!.check(input)].map((h) => `${h.line} ${h.severity ?? 'medium'} ${h.message}`);
  };

  it('is low in .devcontainer/, where the editor runs as the user devcontainer.json names, and medium elsewhere', () => {
    assert.match(found('.devcontainer/Dockerfile')[0]!, /^1 low .*a development container's image \(\.devcontainer\/Dockerfile\).*remoteUser/);
    assert.match(found('docker/Dockerfile')[0]!, /^1 medium The final stage sets no USER, so the container runs as root\.$/);
    assert.match(found('devcontainer-features/Dockerfile')[0]!, /^1 medium /);
  });
});

describe('Dockerfile build secret persisted', () => {
  const persisted = (text: string) => hits('iac/dockerfile-build-secret-persisted', text).map((h) => `${h.line} ${h.resource}`);

  it('names the file a tool keeps the token in', () => {
    assert.deepEqual(persisted('FROM alpine:3.20\nRUN --mount=type=secret,id=gh git clone https://$(cat /run/secrets/gh)@git.example.org/acme/lib.git\nUSER app\n'), ['2 lib/.git/config']);
    assert.deepEqual(persisted('FROM alpine:3.20\nRUN --mount=type=secret,id=gh,env=GH git clone "https://ci:${GH}@git.example.org/acme/lib" /src/\nUSER app\n'), ['2 /src/.git/config']);
    assert.deepEqual(persisted('FROM node:20.11-alpine\nRUN --mount=type=secret,id=npm npm config set --location=project //npm.example.org/:_authToken "$(cat /run/secrets/npm)"\nUSER node\n'), ['2 .npmrc']);
    assert.deepEqual(persisted('FROM php:8.3-cli\nRUN --mount=type=secret,id=gh composer config -g github-oauth.github.com "$(cat /run/secrets/gh)"\nUSER app\n'), ['2 ~/.composer/auth.json']);
    assert.deepEqual(persisted('FROM rust:1.83\nRUN --mount=type=secret,id=crates cargo login < /run/secrets/crates && cargo publish --dry-run\nUSER app\n'), ['2 ~/.cargo/credentials.toml']);
    assert.deepEqual(persisted('FROM alpine/helm:3.16.3\nRUN --mount=type=secret,id=charts helm repo add acme https://charts.example.org --username ci --password "$(cat /run/secrets/charts)"\nUSER app\n'), ['2 ~/.config/helm/repositories.yaml']);
    assert.deepEqual(persisted('FROM google/cloud-sdk:502.0.0-slim\nRUN --mount=type=secret,id=sa gcloud auth activate-service-account --key-file=/run/secrets/sa && gsutil cp gs://acme-assets/site.tgz /srv/\nUSER app\n'), ['2 ~/.config/gcloud']);
    // Logged out in the same RUN.
    assert.deepEqual(persisted('FROM rust:1.83\nRUN --mount=type=secret,id=crates cargo login < /run/secrets/crates && cargo fetch && cargo logout\nUSER app\n'), []);
  });

  it('follows a secret through a sourced file only for secret-like names nothing else sets', () => {
    const sourced = (line: string) => persisted(`FROM python:3.12-slim\nARG API_TOKEN\nRUN --mount=type=secret,id=env . /run/secrets/env && ${line}\nUSER app\n`);
    assert.deepEqual(sourced('echo "$SMTP_PASSWORD" > /etc/app/smtp'), ['3 /etc/app/smtp']);
    assert.deepEqual(sourced('echo "$API_TOKEN" > /etc/app/token'), []);
    assert.deepEqual(sourced('SMTP_PASSWORD=unused; echo "$SMTP_PASSWORD" > /etc/app/smtp'), []);
    assert.deepEqual(sourced('echo "$APP_VERSION" > /etc/app/version'), []);
    assert.deepEqual(sourced("echo '$SMTP_PASSWORD' > /etc/app/template"), []);
  });
});

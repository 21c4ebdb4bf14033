import { describePort, sensitivePort, sensitivePortsInRange } from '../ports.js';
import { pinProblem, pinProblemNote, type PinProblem } from '../image.js';
import { detailNote, type Hit, type PlatformRules } from '../rule.js';
import { isAccessKeyOfPair, isLiteralSecretValue, isSecretName } from '../secret-names.js';
import { LOCAL_TRUSTED_APT_SOURCE, plainHttpKeys, POWERSHELL_TLS_DISABLED, SIGNATURE_DISABLED, TLS_DISABLED } from '../script-checks.js';
import { commandsOf, effectiveWords, parseShell, pipeToShellSites, PLAIN_HTTP_PIPE_NOTE, programOf, substitutions, type ShellCommand } from '../shell.js';
import { effective, type DockerInstruction, type DockerStage } from './parser.js';
import {
  baseImage,
  builtInSet,
  expandArgs,
  finalStage,
  instructionsOf,
  keyValues,
  lastUser,
  readDockerfile,
  scriptsOf,
  stageChain,
  templateLine,
  userAt,
  type DockerfileInput,
} from './model.js';
import { argumentWords, at, copySources, dockerRule, pulledImages, runCommands, runMatches, stageLabel, type DockerRule } from './helpers.js';
import { copiedFileContent } from './build-context.js';
import { bareInterpreter, entrypointDrop, hasOwnStartCommand, s6BaseServers, s6ServiceImage, startPrograms, workerServer } from './entrypoint.js';
import { practiceRules } from './practice-rules.js';
import { unverifiedDownload } from './downloads.js';
import { buildSecretPersisted } from './build-secrets.js';
import { downloadOf, verifies } from '../downloads.js';
import { namedNonRoot, runsNonRootByDefault } from '../nonroot-images.js';

const USER_ROOT = /^(?:root|0)(?::.*)?$/i;

const rootUser = dockerRule({
  id: 'iac/dockerfile-root-user',
  title: 'Container runs as root',
  description:
    'The final stage switches to the root user (USER root or USER 0) and never switches away. A process running as root inside the container is root on the host if it escapes the container, and can modify everything in the image. An image whose entrypoint drops root before the process that does the work (gosu, su-exec, setpriv --reuid and the like, as for iac/dockerfile-no-user) is not reported. Nor is a base image that another Dockerfile of the scan builds FROM (found as for iac/dockerfile-no-user: no ENTRYPOINT or CMD of its own, and a Dockerfile that names its image): the images built on it run as the USER they set, and one that sets none inherits root and is reported itself, by iac/dockerfile-no-user, naming the USER root of its base. A Dockerfile that no other Dockerfile of the scan builds on is reported whatever it is meant for, except the Dockerfile of a GitHub Docker container action, which GitHub requires to run as root (as for iac/dockerfile-no-user).',
  remediation: 'Create an unprivileged user (RUN useradd -r app) and end the Dockerfile with USER app (or a numeric UID above 0).',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      'FROM alpine:3.20\nRUN adduser -D app\n# expect\nUSER root\nCMD ["sh"]\n',
      'FROM alpine:3.20\n# expect\nUSER 0:0\n',
      // The entrypoint switches to a user the Dockerfile's ENV sets to root.
      'FROM alpine:3.20\nRUN apk add --no-cache su-exec\nENV APP_UID=0\n# expect\nUSER root\nENTRYPOINT exec su-exec "$APP_UID" /app/server\n',
    ],
    negative: [
      'FROM alpine:3.20\nUSER root\nRUN apk add curl\nUSER app\n',
      'FROM alpine:3.20\nUSER 1000\n',
      'FROM alpine:3.20\nRUN apk add --no-cache su-exec && adduser -D app\nUSER root\nENTRYPOINT ["su-exec", "app", "/app/server"]\n',
    ],
  },
  *check(input) {
    const stage = finalStage(input.file);
    if (!stage) return;
    const user = lastUser(stage);
    // A base image that another Dockerfile of the scan builds FROM runs as the user that one sets; one that sets none is reported itself (iac/dockerfile-no-user).
    if (input.builtUpon !== undefined) return;
    // GitHub runs a Docker container action as root, and it must (iac/dockerfile-no-user).
    if (input.githubAction !== undefined) return;
    if (!user || !USER_ROOT.test(expandArgs(user.rest, input.globalArgs).trim())) return;
    // The entrypoint drops root, unless the user it names is root as the Dockerfile's ENV sets it.
    const drop = entrypointDrop(input);
    if (!drop || drop.rootByDefault !== undefined)
      yield { line: user.line, message: 'The image ends with USER root: the container process runs as root.', resource: stageLabel(input, user) };
  },
});

const noUser = dockerRule({
  id: 'iac/dockerfile-no-user',
  title: 'No USER instruction: container runs as root by default',
  description:
    "The final stage never sets USER, so the container runs as whatever user the base image defaults to, which is root for almost every base image. Root inside a container widens the impact of any code execution bug and of a container escape. Not reported: an image whose entrypoint drops root before the process that does the work, as docker-library's postgres, redis and mysql images do (gosu, su-exec, setpriv --reuid, chroot --userspec, runuser -u, s6-setuidgid, s6-applyuidgid -u or chpst -u to a user other than root, or sudo -u and su USER -c as the command the script ends with or execs, in the ENTRYPOINT or CMD itself or in the script it runs; a user named by variables that the Dockerfile's ENV sets to root, as authelia's su-exec \"${PUID}:${PGID}\" with ENV PUID=0 PGID=0, is no drop, and the finding says so; in an entrypoint written in Python, Node.js, Ruby or Perl, an exec or spawn call of the language that runs gosu or su-exec, named as a string, as synapse's start.py does: a heredoc COPY, or a script COPYed from the build context, which the scan reads, bounded and inside the scan root, never runs; when that script is not in the scan, gosu or su-exec installed by the Dockerfile is taken for the drop), an image built FROM a Docker Official Image whose docker-entrypoint.sh drops root for its service (postgres, redis, mysql, mariadb, mongo, rabbitmq, cassandra, zookeeper) that keeps that entrypoint and sets no CMD, an exec-form CMD of that service, or a CMD whose shell script runs docker-entrypoint.sh with the service as its last command (CMD chown -R postgres /data && exec docker-entrypoint.sh postgres), or an s6-overlay image (ENTRYPOINT /init with S6_ settings, or built FROM a linuxserver.io base image) every long-running service run script of which, copied from the build context, drops root (s6-setuidgid abc; oneshot setup services, which end before the work starts, aside). Nor an image built FROM one whose own Dockerfile ends with a user other than root (a :nonroot or rootless tag, grafana/k6, nginxinc/nginx-unprivileged, grafana/grafana, grafana/loki, the Prometheus project's prom/ servers and exporters, the OpenTelemetry Collector images, jenkins/jenkins, keycloak/keycloak). Nor a base image, which the image that runs must give its USER: a Dockerfile with no ENTRYPOINT or CMD of its own that has ONBUILD triggers, or that another Dockerfile of the scan builds FROM, by the image name its compose service gives it (image:, build.tags, or additional_contexts service:) or by its own file name (base.Dockerfile, Dockerfile.base, images/base/Dockerfile for FROM example.org/acme/base; a Dockerfile.base beside a Dockerfile built FROM ${namespace}/app-base, whose namespace is a build argument; not when the image is named exactly after another Dockerfile of the scan, as base-notebook is after images/base-notebook/Dockerfile rather than notebook/Dockerfile); the Dockerfiles built on it are judged themselves: one that sets no USER runs as the user its base ends with, and is not reported when that is a user other than root (the finding names the base's USER root when it is root). A Dockerfile that only inherits its CMD from the image it is built FROM (FROM node:20 with no USER and no CMD) runs as root and is reported. One built FROM a build argument without a default (ARG BASE_IMAGE then FROM ${BASE_IMAGE}) is reported at low: it runs as the user of whatever image the build passes, root unless that image sets another. An image whose command is a bare interpreter or shell with no argument (CMD [\"python3\"], [\"node\"], [\"bash\"]: a language's or distribution's base image such as docker-library's python, which runs no service of its own and whose users set the USER of the images they build on it) is reported at low. An image whose command is Apache httpd, nginx or PHP-FPM (its own CMD, or that of the official httpd, nginx or php apache/fpm image it is built FROM, or of an official PHP application built on those: wordpress, nextcloud, drupal, joomla, matomo, mediawiki, friendica, phpmyadmin, yourls, apache unless the tag says fpm) is reported at low: only the server's master process runs as root, and requests are handled by worker processes that drop to the unprivileged user of its configuration. So is an s6-overlay image built FROM linuxserver.io's nginx base image (baseimage-alpine-nginx) that adds no long-running s6 service of its own (only oneshot setup services, read from the build context): it runs that base image's nginx and PHP-FPM, whose workers drop to its abc user. Nor a Dockerfile of FROM lines only (with ARG or LABEL): it builds nothing of its own, as a file that only tracks image versions for Dependabot or Renovate (cosign's, astro's sandbox images); the image it names runs as that image's own user wherever it is used. Nor the Dockerfile of a GitHub Docker container action (an action.yml of the scan with runs.using: docker whose runs.image names it): GitHub's documentation requires such an action to run as the default user, root, since the workspace it mounts and the files of its workflow commands belong to root. The Dockerfile of a development container (in a .devcontainer/ folder) is reported at low: the editor runs the developer's sessions as the user devcontainer.json names (remoteUser), and only the container's own process as root.",
  remediation: 'Add a non-root user and a USER instruction to the final stage, e.g. RUN useradd -r -u 10001 app followed by USER 10001.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      '# expect\nFROM node:20.11-alpine\nCOPY . .\nCMD ["node", "app.js"]\n',
      'FROM golang:1.22 AS build\nUSER 1000\n# expect\nFROM alpine:3.20\nCOPY --from=build /out /out\n',
      // No CMD of its own: it runs the CMD of node:20, as root.
      '# expect\nFROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\n',
      // The entrypoint script drops nothing; `su-exec root` is no drop.
      '# expect\nFROM debian:12-slim\nCOPY --chmod=755 <<EOF /usr/local/bin/docker-entrypoint.sh\n#!/bin/sh\nchown -R app /data\nexec "$@"\nEOF\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["app-server"]\n',
      '# expect\nFROM alpine:3.20\nRUN apk add --no-cache su-exec\nENTRYPOINT ["su-exec", "root", "/app/server"]\n',
      // The user the entrypoint switches to is root as the Dockerfile's ENV sets it (authelia's PUID=0 PGID=0).
      '# expect\nFROM alpine:3.20\nRUN apk add --no-cache su-exec\nENV PUID=0 \\\n    PGID=0\nENTRYPOINT exec su-exec "${PUID}:${PGID}" /app/server\n',
      // postgres's entrypoint drops root only for postgres: a shell-form CMD reaches it as /bin/sh, another command runs as root.
      '# expect\nFROM postgres:16-alpine\nCMD postgres -c shared_buffers=256MB\n',
      '# expect\nFROM redis:7.4\nCOPY worker.sh /worker.sh\nCMD ["/worker.sh"]\n',
      // Low: Apache, nginx or PHP-FPM keep only their master process as root, whether the command is written or inherited.
      '# expect\nFROM php:8.3-apache\nCOPY src/ /var/www/html/\n',
      '# expect\nFROM nginx:1.27-alpine\nCOPY site/ /usr/share/nginx/html/\n',
      '# expect\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/*\nCMD ["nginx", "-g", "daemon off;"]\n',
      // Low: a language's base image, whose command is the bare interpreter (docker-library's python).
      '# expect\nFROM debian:12-slim\nENV PYTHON_VERSION=3.13.1\nRUN ./build-python.sh\nCMD ["python3"]\n',
    ],
    negative: [
      'FROM node:20.11-alpine\nUSER node\n',
      'FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n',
      // Images that end with a user other than root: grafana/k6 runs as k6 (opentelemetry-demo's load generator).
      'FROM docker.io/grafana/k6:2.2.0-with-browser\nCOPY script.js /home/k6/script.js\nENTRYPOINT ["k6", "run", "/home/k6/script.js"]\n',
      // Prometheus runs as nobody, the OpenTelemetry Collector as 10001: a configuration baked in keeps that user.
      'FROM prom/prometheus:v3.1.0\nCOPY prometheus.yml /etc/prometheus/prometheus.yml\n',
      'FROM otel/opentelemetry-collector-contrib:0.115.0\nCOPY otelcol-config.yml /etc/otelcol-contrib/config.yaml\n',
      'FROM scratch\nCOPY app /app\n',
      // FROM lines only: a file that tracks image versions for Dependabot builds nothing of its own.
      'ARG GO_VERSION=1.23\nFROM golang:${GO_VERSION} AS go\nLABEL purpose=versions\nFROM node:20.11-alpine\n',
      // The entrypoint drops root: in the script it runs (docker-library style), or in the command itself.
      'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*\nCOPY --chmod=755 <<EOF /usr/local/bin/docker-entrypoint.sh\n#!/bin/sh\nset -e\nif [ "$(id -u)" = 0 ]; then\n  chown -R app /data\n  exec gosu app "$0" "$@"\nfi\nexec "$@"\nEOF\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["app-server"]\n',
      'FROM alpine:3.20\nRUN apk add --no-cache su-exec && adduser -D app\nENTRYPOINT ["su-exec", "app", "/app/server"]\n',
      // A user given by a variable: the ENV default is not root, or none is set (the container is given one).
      'FROM alpine:3.20\nRUN apk add --no-cache su-exec\nENV PUID=1000 PGID=1000\nENTRYPOINT exec su-exec "${PUID}:${PGID}" /app/server\n',
      'FROM alpine:3.20\nRUN apk add --no-cache su-exec\nENTRYPOINT exec su-exec "$APP_USER" /app/server\n',
      'FROM debian:12-slim\nCMD exec setpriv --reuid=1000 --regid=1000 --init-groups /app/server\n',
      // A base image: ONBUILD triggers run only in the images built FROM it, which are judged themselves.
      'FROM node:20.11-alpine\nWORKDIR /app\nONBUILD COPY package*.json ./\nONBUILD RUN npm ci\n',
      // Built FROM a Docker Official Image whose docker-entrypoint.sh drops root with gosu, which it inherits.
      'FROM postgres:16-alpine\nCOPY init.sql /docker-entrypoint-initdb.d/\n',
      'FROM docker.io/library/rabbitmq:4.1\nRUN rabbitmq-plugins enable --offline rabbitmq_management\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["rabbitmq-server"]\n',
      // The shell's setup runs as root, then the image's entrypoint again with the service, which it drops root for.
      'FROM postgres:16-alpine\nCMD ["bash", "-c", "mkdir -p /run/pg && exec docker-entrypoint.sh postgres -c shared_buffers=256MB"]\n',
      'FROM postgres:16-alpine\nCMD install -d -o postgres /run/pg && exec docker-entrypoint.sh postgres\n',
    ],
  },
  *check(input) {
    const stage = finalStage(input.file);
    if (!stage || lastUser(stage)) return;
    const image = baseImage(input, stage) ?? stage.image;
    if (image.toLowerCase() === 'scratch' || runsNonRootByDefault(image)) return;
    // A stage built FROM an earlier stage inherits that stage's USER.
    if (stageChain(input, stage).some((s) => lastUser(s))) return;
    // A base image: the Dockerfiles built FROM it are judged themselves (dockerfile/tree.ts).
    if (input.builtUpon !== undefined) return;
    // GitHub runs a Docker container action as the image's default user and requires it to be root (the workspace and file commands are owned by root).
    if (input.githubAction !== undefined) return;
    if (!hasOwnStartCommand(input) && input.file.instructions.some((i) => i.keyword === 'ONBUILD')) return;
    // FROM lines only (with ARG or LABEL): the file builds nothing of its own, as one that tracks image versions for Dependabot or Renovate.
    if (input.file.instructions.every((i) => NAMES_ONLY.has(i.keyword))) return;
    // The entrypoint drops root before the process that does the work (gosu, su-exec, setpriv...), unless the user it names is root as the Dockerfile's ENV sets it.
    const drop = entrypointDrop(input);
    if (drop && drop.rootByDefault === undefined) return;
    // Built FROM the image of another Dockerfile of the scan: it runs as the user that one ends with.
    const base = baseDockerfile(input, stage);
    const inherited = base?.user ? `${base.path} (line ${base.user.line})` : undefined;
    if (base?.user && !USER_ROOT.test(base.user.name)) return;
    if (drop) {
      yield {
        line: stage.from.line,
        message: `The final stage sets no USER, and the ${drop.how} of ${drop.where} switches to ${drop.user}, which the Dockerfile's ENV sets to ${drop.rootByDefault}: the container runs as root unless it is started with other values.`,
        resource: stageLabel(input, stage.from),
      };
      return;
    }
    // Apache, nginx or PHP-FPM as the command: only their master process stays root; requests are served by workers that drop it.
    const server = base ? undefined : workerServer(input);
    if (server) {
      yield {
        line: stage.from.line,
        severity: 'low',
        message: `The final stage sets no USER, so the container starts as root; its command, ${server.program}, keeps only the ${server.server} master process as root and serves requests from worker processes that drop to the unprivileged user of its configuration. Add a USER (and an unprivileged port) to run the master without root too.`,
        resource: stageLabel(input, stage.from),
      };
      return;
    }
    // linuxserver.io's nginx base image runs nginx and PHP-FPM under s6 (workers as abc); an image that adds no service of its own runs those.
    const s6Servers = base ? undefined : s6BaseServers(input);
    if (s6Servers) {
      yield {
        line: stage.from.line,
        severity: 'low',
        message: `The final stage sets no USER, so the container starts as root; it is an s6-overlay image built FROM ${expandArgs(stageChain(input, stage).at(-1)!.image, input.globalArgs).trim()} that adds no long-running service of its own: it runs that base image's ${s6Servers}, whose master processes stay root and whose workers drop to its unprivileged user (abc). Run the container with a non-root user where the image supports it to keep root out of the masters too.`,
        resource: stageLabel(input, stage.from),
      };
      return;
    }
    // A language's or distribution's base image (CMD ["python3"]): no service; the images built on it give the USER.
    const interpreter = base ? undefined : bareInterpreter(input);
    if (interpreter) {
      yield {
        line: stage.from.line,
        severity: 'low',
        message: `The final stage sets no USER, so the container runs as root; its command is the bare ${interpreter} interpreter, as a base image's is (docker-library's python), so the images built on it should set a USER, and so should this one if it is run as it is.`,
        resource: stageLabel(input, stage.from),
      };
      return;
    }
    // Built FROM a build argument without a default: the image, and the user it ends with, are the build's to choose.
    const root = stageChain(input, stage).at(-1)!;
    const unresolved = expandArgs(root.image, input.globalArgs);
    if (!base && /\$/.test(unresolved)) {
      yield {
        line: stage.from.line,
        severity: 'low',
        message: `The final stage sets no USER and is built FROM ${root.image.trim()}, a build argument with no default: the container runs as the user that image ends with, root unless it sets another; set a USER here to be sure.`,
        resource: stageLabel(input, stage.from),
      };
      return;
    }
    // A development container's image: the editor runs the developer's shells and tools as the user devcontainer.json names (remoteUser).
    if (isDevContainerPath(input.path)) {
      yield {
        line: stage.from.line,
        severity: 'low',
        message: `The final stage sets no USER, so the container's own process runs as root; it is a development container's image (${input.path}), whose editor sessions run as the user devcontainer.json names (remoteUser, containerUser). Set containerUser there, or a USER here, to keep root out of the container too.`,
        resource: stageLabel(input, stage.from),
      };
      return;
    }
    const message = inherited
      ? `The final stage sets no USER and is built FROM ${base!.image}, whose Dockerfile ${inherited} ends with USER ${base!.user!.name}, so the container runs as root.`
      : base
        ? `The final stage sets no USER, nor does ${base.path}, the Dockerfile of the image it is built FROM (${base.image}), so the container runs as root.`
        : 'The final stage sets no USER, so the container runs as root.';
    yield { line: stage.from.line, message, resource: stageLabel(input, stage.from) };
  },
});

/** Instructions that name an image and describe it without building anything on it. */
const NAMES_ONLY = new Set(['FROM', 'ARG', 'LABEL']);

/** A Dockerfile of a development container (`.devcontainer/Dockerfile`), which an editor builds and opens for the developer. */
function isDevContainerPath(path: string | undefined): boolean {
  return path !== undefined && path.split('/').slice(0, -1).includes('.devcontainer');
}

/**
 * The Dockerfile of the scan whose image a stage is built FROM (through the earlier stages
 * of its chain), as dockerfile/tree.ts matched it: by repository, or by the literal last
 * part of a name whose namespace is a build argument.
 */
function baseDockerfile(input: DockerfileInput, stage: DockerStage): NonNullable<DockerfileInput['builtFrom']>[number] | undefined {
  if (!input.builtFrom?.length) return undefined;
  const chain = stageChain(input, stage);
  const image = baseImage(input, chain[chain.length - 1]!);
  return image === undefined ? undefined : builtInScan(input, image);
}

/** The Dockerfile of the scan that builds `image` (a repository's own family of images: FROM acme/base), if one does. */
function builtInScan(input: DockerfileInput, image: string): NonNullable<DockerfileInput['builtFrom']>[number] | undefined {
  return builtInSet(input.builtFrom, image);
}

/** What the pin rules say of an image the scan builds itself: nothing, it is made from this commit. */
const OWN_IMAGES_NOTE =
  " A base image that another Dockerfile of the scan builds (a repository's family of images, FROM acme/base on acme/base's own Dockerfile) is not reported: the build makes it from the same commit.";

const imageLatest = dockerRule({
  id: 'iac/dockerfile-image-latest',
  title: "Base image uses the 'latest' tag or another moving tag",
  description:
    "FROM image:latest builds on whatever the registry serves today, and so does a tag that names a branch or channel rather than a version (main, master, nightly, edge, stable, lts, current...). The build is not reproducible, a compromised or broken upstream release is pulled in silently, and nobody can say which image is in production. The same holds for an image that COPY --from=<image> or RUN --mount=...,from=<image> pulls files from (a `from` that names no stage of the file is an image)." + OWN_IMAGES_NOTE,
  remediation: 'Pin the base image to a version tag and, better, a digest: FROM node:20.11.1-alpine@sha256:<digest>. Let Dependabot or Renovate propose updates.',
  severity: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [
      '# expect\nFROM node:latest\n',
      'ARG BASE=ubuntu:latest\n# expect\nFROM ${BASE}\n',
      'FROM alpine:3.20\n# expect\nCOPY --from=ghcr.io/example/uv:latest /uv /usr/local/bin/\n',
      '# expect\nFROM node:lts-alpine AS deps\n# expect\nFROM registry.example.org/team/base:main\n',
      'FROM alpine:3.20\n# expect\nRUN --mount=type=cache,target=/c --mount=type=bind,from=example/builder:latest,source=/out,target=/in \\\n    cp /in/app /usr/local/bin/app\n',
    ],
    negative: [
      'FROM node:20.11-alpine\n',
      'FROM node:latest@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f\n',
      'FROM node\n',
      'FROM golang:1.22 AS Build\nFROM alpine:3.20\nCOPY --from=build /out /out\nCOPY --from=0 /go /go\nRUN --mount=type=bind,from=build,target=/b cp /b/x /x\n',
      'FROM alpine:3.20\nCOPY --from=example/tools:1.4.2 /tool /usr/local/bin/\n',
    ],
  },
  *check(input) {
    for (const stage of input.file.stages) {
      const image = baseImage(input, stage);
      const problem = image ? floating(pinProblem(image)) : undefined;
      if (image && problem && !builtInScan(input, image))
        yield { line: stage.from.line, message: `Base image ${image}${pinProblemNote(image, problem)}; pin a version (and a digest).`, resource: stageLabel(input, stage.from), image };
    }
    for (const pulled of pulledImages(input)) {
      const problem = floating(pinProblem(pulled.image));
      if (!problem) continue;
      const place = at(pulled.instruction, pulled.line);
      yield { ...place, message: `${pulled.how}${detailNote(place)} pulls image ${pulled.image}${pinProblemNote(pulled.image, problem)}; pin a version (and a digest).`, resource: stageLabel(input, pulled.instruction), image: pulled.image };
    }
  },
});

/** The problems iac/dockerfile-image-latest reports (an untagged image is iac/dockerfile-image-untagged's). */
function floating(problem: PinProblem | undefined): PinProblem | undefined {
  return problem === 'latest' || problem === 'moving-tag' ? problem : undefined;
}

const imageUntagged = dockerRule({
  id: 'iac/dockerfile-image-untagged',
  title: 'Base image has no tag or digest',
  description:
    "FROM image without a tag means image:latest: the build takes whatever version the registry serves at build time, so builds are not reproducible and an upstream change or compromise flows straight in. The same holds for an image that COPY --from=<image> or RUN --mount=...,from=<image> pulls files from (a `from` that names no stage of the file is an image)." + OWN_IMAGES_NOTE,
  remediation: 'Name an explicit version tag, ideally with a digest: FROM python:3.12.2-slim@sha256:<digest>.',
  severity: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [
      '# expect\nFROM ubuntu\nRUN true\n',
      'FROM golang:1.22 AS build\n# expect\nFROM alpine\nCOPY --from=build /a /a\n',
      'FROM alpine:3.20\n# expect\nCOPY --from=example/tools / /\n# expect\nRUN --mount=type=bind,from=example/builder,source=/out,target=/in cp /in/app /app\n',
    ],
    negative: ['FROM ubuntu:24.04\n', 'FROM golang:1.22 AS build\nFROM build\n', 'FROM scratch\n', 'ARG IMAGE\nFROM ${IMAGE}\n', 'FROM registry.example.org:5000/app@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f\n'],
  },
  *check(input) {
    for (const stage of input.file.stages) {
      const image = baseImage(input, stage);
      if (image && pinProblem(image) === 'untagged' && !builtInScan(input, image))
        yield {
          line: stage.from.line,
          // FROM ${BASE_IMAGE}: the image is the default of a build argument, which a build that passes none uses.
          message: `Base image ${image}${stage.image.includes('$') ? ` (${stage.image.trim()} with the default of its build argument, used when the build passes none)` : ''} has no tag, so it means '${image}:latest'; pin a version (and a digest).`,
          resource: stageLabel(input, stage.from),
          image,
        };
    }
    for (const pulled of pulledImages(input)) {
      if (pinProblem(pulled.image) !== 'untagged') continue;
      const place = at(pulled.instruction, pulled.line);
      // A bare name (`--from=templates`) is as often a named build context (--build-context,
      // bake `contexts`) or a stage of a file concatenated at build time as an official image.
      if (!/[/:@.]/.test(pulled.image)) {
        yield {
          ...place,
          severity: 'low',
          message: `${pulled.how}${detailNote(place)} names no stage of this file: unless the build passes a context of that name (--build-context), it pulls image ${pulled.image} with no tag ('${pulled.image}:latest'); pin a version (and a digest).`,
          resource: stageLabel(input, pulled.instruction),
          image: pulled.image,
        };
        continue;
      }
      yield { ...place, message: `${pulled.how}${detailNote(place)} pulls image ${pulled.image}, which has no tag, so it means '${pulled.image}:latest'; pin a version (and a digest).`, resource: stageLabel(input, pulled.instruction), image: pulled.image };
    }
  },
});

/**
 * The server programs of the catalogue's backend ports: an image that starts one of them is
 * that service's own image (docker-library's postgres: CMD ["postgres"], EXPOSE 5432).
 */
const SERVER_PROGRAMS: ReadonlyMap<number, RegExp> = new Map([
  [5432, /^(?:postgres|postmaster|pg_ctl(?:cluster)?)$/],
  [3306, /^(?:mysqld|mariadbd|mysqld_safe|mariadbd-safe)$/],
  [6379, /^(?:redis-server|valkey-server|keydb-server)$/],
  [26379, /^(?:redis-sentinel|redis-server|valkey-sentinel)$/],
  [27017, /^(?:mongod|mongos)$/],
  [27018, /^(?:mongod|mongos)$/],
  [11211, /^memcached$/],
  [5672, /^rabbitmq-server$/],
  [15672, /^rabbitmq-server$/],
  [9042, /^cassandra$/],
  [7000, /^cassandra$/],
  [7001, /^cassandra$/],
  [2181, /^(?:zkServer\.sh|zookeeper-server-start\.sh)$/],
  [9092, /^(?:kafka-server-start\.sh|kafka)$/],
  [9200, /^(?:elasticsearch|opensearch)$/],
  [9300, /^(?:elasticsearch|opensearch)$/],
  [5984, /^couchdb$/],
  [8086, /^influxd$/],
  [1433, /^sqlservr$/],
  [7687, /^neo4j$/],
  [4222, /^(?:nats-server|gnatsd)$/],
  [1883, /^mosquitto$/],
  [8983, /^(?:solr|solr-foreground)$/],
  [61616, /^activemq$/],
  [5601, /^kibana$/],
  [2379, /^etcd$/],
  [2380, /^etcd$/],
  [8500, /^consul$/],
]);

const sensitivePortExposed = dockerRule({
  id: 'iac/dockerfile-sensitive-port',
  title: 'Sensitive port exposed',
  description:
    'EXPOSE declares a port of a service that should not be reachable from outside a container: remote shells (SSH 22, Telnet 23), FTP, the Docker API (2375) or a database. EXPOSE publishes nothing by itself (`docker run -P` does, and compose and Kubernetes decide where a port is published, which their own rules judge), so it says what the image runs: a remote shell, a remote desktop or a container API inside an image is a way in however the port is later published (medium); a database, cache, broker or other backend port is what its own image declares on purpose, and in an application image a sign that the image bundles a backend (low). When the final stage starts that service\'s server itself (CMD ["postgres"] beside EXPOSE 5432, as docker-library\'s postgres image does), the port is the image\'s purpose and is reported at info, as a reminder to publish it only on a private network.',
  remediation: 'Remove the EXPOSE line and the service behind it; run SSH, databases and admin services outside the application image, reach them through a private network or `docker exec`, and publish a backend image\'s port only on a private network.',
  severity: 'medium',
  cwe: ['CWE-200'],
  examples: {
    positive: [
      'FROM alpine:3.20\n# expect\nEXPOSE 3000 22\n',
      'FROM alpine:3.20\n# expect\nEXPOSE 2375/tcp\n',
      'FROM alpine:3.20\n# expect\nEXPOSE 3300-3310\n',
      'FROM registry:2.8.3 AS base\nFROM base\n# expect\nEXPOSE 5000\n',
      'FROM cassandra:5.0\n# expect\nEXPOSE 7000\n',
      // Info: the image runs the database itself (docker-library's postgres); an application image bundling one stays low.
      'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends postgresql-common\nENTRYPOINT ["docker-entrypoint.sh"]\n# expect\nEXPOSE 5432\nCMD ["postgres"]\n',
      'FROM node:22-alpine\nRUN apk add --no-cache redis\n# expect\nEXPOSE 3000 6379\nCMD ["node", "server.js"]\n',
    ],
    negative: ['FROM alpine:3.20\nEXPOSE 8080 443\n', 'FROM alpine:3.20\nEXPOSE 53/tcp\nEXPOSE 22222\n', 'FROM alpine:3.20\nEXPOSE 161/tcp\n', 'FROM python:3.12-slim\nEXPOSE 5000\n', 'FROM node:22-alpine\nEXPOSE 7000\n'],
  },
  *check(input) {
    const running = startPrograms(input);
    const final = finalStage(input.file);
    for (const instruction of instructionsOf(input.file, 'EXPOSE')) {
      const expose = effective(instruction);
      // The image the stage builds on, through earlier stages (5000 is a registry's port in a registry image only).
      const stage = input.file.stages[instruction.stage];
      const image = stage ? expandArgs(stageChain(input, stage).at(-1)!.image, input.globalArgs) : undefined;
      for (const word of expandArgs(expose.rest, input.globalArgs).split(/\s+/)) {
        const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/i.exec(word);
        if (!match) continue;
        const transport = (match[3]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp';
        const from = Number(match[1]);
        const to = match[2] ? Number(match[2]) : from;
        const entries = from === to ? [sensitivePort(from, transport, image)].filter((e) => e !== undefined) : sensitivePortsInRange(from, to, transport, image);
        // DNS on TCP is part of the protocol, not a remote-access service; skip it for EXPOSE.
        for (const entry of entries) {
          if (entry.port === 53) continue;
          const wayIn = entry.category === 'remote-access' || entry.category === 'container-api';
          const server = !wayIn && stage === final ? running.find((p) => SERVER_PROGRAMS.get(entry.port)?.test(p)) : undefined;
          if (server !== undefined) {
            yield {
              line: instruction.line,
              message: `EXPOSE ${word} declares ${describePort(entry)}, the port of ${server}, which this image runs: its purpose, not a finding in itself; publish it only on a private network.`,
              severity: 'info',
              resource: stageLabel(input, instruction),
            };
            continue;
          }
          yield {
            line: instruction.line,
            message: wayIn
              ? `EXPOSE ${word} declares ${describePort(entry)}: the image runs a way in; keep it out of the image.`
              : `EXPOSE ${word} declares ${describePort(entry)}: publish it only on a private network, and keep it out of application images.`,
            severity: wayIn ? 'medium' : 'low',
            resource: stageLabel(input, instruction),
          };
        }
      }
    }
  },
});

const secretInEnv = dockerRule({
  id: 'iac/dockerfile-secret-in-env',
  title: 'Secret written into ENV or ARG',
  description:
    "An ENV or ARG with a secret-looking name has a literal value. ENV values are stored in the image config and ARG values in its history: anyone who can pull the image can read them with `docker inspect` or `docker history`. The access key of a pair whose secret key is set beside it (MINIO_ACCESS_KEY with MINIO_SECRET_KEY, AWS_ACCESS_KEY with AWS_SECRET_KEY) is not reported: it names the credential (a user name, a key ID), and the secret key is. Nor is a value that a comment line above it tells the reader to replace (`# replace with your API key` above `ENV API_KEY=3f9a...`): like a value written as a fill-in (`your-api-key-here`), it is a placeholder.",
  remediation: 'Pass secrets at run time (environment from a secret store, mounted files) and at build time with RUN --mount=type=secret; never bake them into the image.',
  severity: 'high',
  cwe: ['CWE-798'],
  placeholderComments: true,
  examples: {
    positive: [
      'FROM alpine:3.20\n# expect\nENV DB_PASSWORD=hunter2hunter2\n',
      'FROM alpine:3.20\n# expect\nENV API_TOKEN s3cr3t-t0k3n-value\n',
      'FROM alpine:3.20\n# expect\nARG NPM_TOKEN=npm_abcdefabcdef1234567890\n',
      'FROM alpine:3.20\n# expect\nENV A=1 \\\n# detail\n    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
      // An access key and its secret key: the secret key is the secret (the access key names the credential).
      'FROM alpine:3.20\nENV S3_ACCESS_KEY=uploader\n# expect\nENV S3_SECRET_KEY=uploader-secret-value\n',
    ],
    negative: [
      'FROM alpine:3.20\nENV DB_PASSWORD_FILE=/run/secrets/db\n',
      'FROM alpine:3.20\nARG DB_PASSWORD\nENV DB_PASSWORD=${DB_PASSWORD}\n',
      'FROM alpine:3.20\nENV PASSWORD_MIN_LENGTH=12\nENV NODE_ENV=production\n',
      // Values that a comment line above them tells the reader to replace: placeholders.
      'FROM alpine:3.20\n# Replace with your API key\nENV API_KEY=3f9a0c7e21d4b5a6\nENV A=1 \\\n    # put your token here\n    API_TOKEN=abcd1234abcd1234\n',
    ],
  },
  *check(input) {
    const names = ['ENV', 'ARG'].flatMap((keyword) => [...instructionsOf(input.file, keyword)].flatMap((instruction) => keyValues(effective(instruction)).map(([name]) => name)));
    for (const keyword of ['ENV', 'ARG']) {
      for (const instruction of instructionsOf(input.file, keyword)) {
        for (const [name, value, line] of keyValues(effective(instruction))) {
          // The access key of a pair whose secret key is set beside it names the credential; the secret key is reported.
          if (!isSecretName(name) || isAccessKeyOfPair(name, names) || !isLiteralSecretValue(value)) continue;
          const place = at(instruction, line);
          yield {
            ...place,
            message: `${keyword} ${name}${detailNote(place)} holds a literal secret that anyone with the image can read; inject it at run time or use a build secret.`,
            resource: name,
            secret: value,
          };
        }
      }
    }
  },
});

const secretBuildArg = dockerRule({
  id: 'iac/dockerfile-secret-build-arg',
  title: 'Secret passed as a build argument',
  description:
    'An ARG with a secret-looking name is meant to receive a credential with --build-arg. Build argument values are recorded in the image history (docker history) and in build caches and logs, so the secret ships with the image.',
  remediation: 'Use a BuildKit secret instead: RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci, and build with --secret id=npm_token,env=NPM_TOKEN.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: ['FROM node:20.11-alpine\n# expect\nARG NPM_TOKEN\nRUN echo "//npm.example.org/:_authToken=$NPM_TOKEN" > .npmrc\n'],
    negative: ['FROM node:20.11-alpine\nARG NODE_VERSION\n', 'FROM node:20.11-alpine\nARG TOKEN_FILE\n'],
  },
  *check(input) {
    for (const instruction of instructionsOf(input.file, 'ARG')) {
      for (const [name, value, line] of keyValues(effective(instruction))) {
        if (value === undefined && isSecretName(name))
          yield { ...at(instruction, line), message: `ARG ${name} receives a secret through --build-arg, which stays in the image history; use RUN --mount=type=secret.`, resource: name };
      }
    }
  },
});

const addFromUrl = dockerRule({
  id: 'iac/dockerfile-add-url',
  title: 'ADD downloads from a URL without a checksum',
  description:
    'ADD <url> fetches a remote file at build time with no integrity check: whoever controls the server, the DNS or (for http) the network decides what goes into the image.',
  remediation: 'Download with curl in a RUN step and verify a pinned checksum (sha256sum -c), or use ADD --checksum=sha256:<digest> <url>.',
  severity: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      'FROM alpine:3.20\n# expect\nADD https://example.org/tool.tar.gz /opt/\n',
      'FROM alpine:3.20\n# expect\nADD --chown=1000 http://example.org/a.sh /a.sh\n',
      // Quotes are removed as BuildKit reads the words: still a URL.
      'FROM alpine:3.20\nARG V=v1\n# expect\nADD --chmod=755 "https://example.org/scripts/tool.${V}" "/usr/local/bin/tool"\n',
    ],
    negative: ['FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0da36ea9e00 https://example.org/tool.tar.gz /opt/\n', 'FROM alpine:3.20\nADD app.tar.gz /opt/\n'],
  },
  *check(input) {
    for (const instruction of instructionsOf(input.file, 'ADD')) {
      const add = effective(instruction);
      if (add.flags.has('checksum')) continue;
      const sources = copySources(add);
      const url = sources.find((s) => /^(?:https?|ftp):\/\//i.test(s));
      if (url) yield { line: instruction.line, message: `ADD fetches ${url} without verifying it; download and check a pinned checksum, or use ADD --checksum.` };
    }
  },
});

const curlPipeShell = dockerRule({
  id: 'iac/dockerfile-curl-pipe-shell',
  title: 'Remote script piped into a shell',
  description:
    "`curl ... | sh` runs whatever the server returns, with the build's privileges, with no review and no integrity check: a compromised server, account or mirror owns the image. The same risk as a downloaded file run without a check (iac/dockerfile-download-unverified), and the same severity, medium; high over plain http://, where anyone on the network path can replace the script.",
  remediation: 'Download the script to a file, verify a pinned checksum or signature, then run it; or install the tool from a package manager with signature checks.',
  severity: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      'FROM alpine:3.20\n# expect\nRUN curl -sSL https://example.org/install.sh | sh\n',
      'FROM alpine:3.20\n# expect\nRUN apk add wget && \\\n# detail\n    wget -qO- https://example.org/i.sh | sudo bash -s -- --yes\n',
      'FROM debian:12\n# expect\nRUN sh -c "$(curl -fsSL https://example.org/install.sh)"\n',
      'FROM debian:12\n# expect\nRUN if [ "$(uname -m)" = x86_64 ]; then curl -fsSL https://example.org/i.sh | sh; fi\n',
      'FROM debian:12\n# expect\nRUN case "$(uname -m)" in \\\n# detail\n    x86_64|aarch64) curl -fsSL https://example.org/i.sh | sh ;; \\\n  esac\n',
    ],
    negative: ['FROM alpine:3.20\nRUN curl -fsSLo /tmp/i.sh https://example.org/i.sh && echo "abc  /tmp/i.sh" | sha256sum -c && sh /tmp/i.sh\n', 'FROM alpine:3.20\nRUN curl -fsSL https://example.org/data.json | jq .\n'],
  },
  *check(input) {
    for (const instruction of instructionsOf(input.file, 'RUN')) {
      for (const script of scriptsOf(instruction)) {
        for (const { offset, plainHttp } of pipeToShellSites(script.text)) {
          const place = at(instruction, script.line(offset));
          yield { ...place, message: `A downloaded script is piped straight into an interpreter${plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}${detailNote(place)}; download, verify a checksum, then run.`, ...(plainHttp ? { severity: 'high' as const } : {}) };
        }
      }
    }
  },
});

const tlsVerificationDisabled = dockerRule({
  id: 'iac/dockerfile-tls-verification-disabled',
  title: 'TLS certificate verification disabled',
  description:
    'A build step turns off certificate verification (curl -k, wget --no-check-certificate, pip --trusted-host, npm strict-ssl false, NODE_TLS_REJECT_UNAUTHORIZED=0...). Anyone on the network path can then serve the build their own packages or scripts.',
  remediation: 'Keep verification on; if a private CA is involved, add its certificate to the trust store (COPY ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates).',
  severity: 'high',
  cwe: ['CWE-295'],
  examples: {
    positive: [
      'FROM alpine:3.20\n# expect\nRUN curl -k -o /tmp/a https://example.org/a\n',
      'FROM alpine:3.20\n# expect\nRUN wget --no-check-certificate https://example.org/a\n',
      'FROM python:3.12-slim\n# expect\nRUN pip install --trusted-host pypi.example.org flask\n',
      'FROM node:20-alpine\n# expect\nRUN npm config set strict-ssl false\n',
      'FROM node:20-alpine\n# expect\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n',
      'FROM alpine:3.20\n# expect\nRUN curl -fsSLk https://example.org/a -o a\n',
      // A command continued over lines of a heredoc, on the line it starts.
      'FROM alpine:3.20\n# expect\nRUN <<EOF\nset -e\n# detail\ncurl -fsSL \\\n  -k -o /tmp/a https://example.org/a\nEOF\n',
    ],
    negative: ['FROM alpine:3.20\nRUN curl -fsSL -o /tmp/a https://example.org/a\n', 'FROM node:20-alpine\nRUN npm config set strict-ssl true\n', 'FROM alpine:3.20\nRUN curl --keepalive-time 5 https://example.org/\n'],
  },
  *check(input) {
    // A RUN under SHELL ["powershell", ...] reads PowerShell's switches; they are rare enough elsewhere to read in every RUN.
    for (const { pattern, what } of [...TLS_DISABLED, ...POWERSHELL_TLS_DISABLED]) {
      for (const hit of runMatches(input, pattern)) {
        const place = at(hit.instruction, hit.line);
        yield { ...place, message: `${what}${detailNote(place)} turns off certificate verification for this download.` };
      }
    }
    for (const instruction of instructionsOf(input.file, 'ENV')) {
      for (const [name, value, line] of keyValues(effective(instruction))) {
        if ((name === 'NODE_TLS_REJECT_UNAUTHORIZED' || name === 'PYTHONHTTPSVERIFY') && value === '0')
          yield { ...at(instruction, line), message: `ENV ${name}=0 turns off certificate verification for every process in the container.` };
        if (name === 'GIT_SSL_NO_VERIFY' && value && value !== '0' && value.toLowerCase() !== 'false')
          yield { ...at(instruction, line), message: 'ENV GIT_SSL_NO_VERIFY turns off certificate verification for git.' };
      }
    }
  },
});

const signatureDisabled = dockerRule({
  id: 'iac/dockerfile-package-signature-disabled',
  title: 'Package signature verification disabled',
  description:
    'A package manager is told to accept unsigned or unverified packages (apt --allow-unauthenticated, [trusted=yes], yum --nogpgcheck, apk --allow-untrusted...). A mirror or network attacker can then install anything. An apt repository on the machine itself marked [trusted=yes] (file:), the usual way to install packages just built from source, is low: no network lies between; it is not reported when it is a folder the same RUN made with `mktemp -d` and every download of that RUN is checked (the official postgres and nginx images build the verified source packages of their distribution into one), since nothing else can be in it. So is apk add --allow-untrusted of package files an earlier stage of the Dockerfile built, bound with RUN --mount=type=bind,from=<stage> or copied with COPY --from=<stage> (the nginx modules image): they are as good as the stage that made them.',
  remediation: 'Remove the option and import the repository signing key instead (signed-by= for apt, gpgkey= for yum).',
  severity: 'high',
  cwe: ['CWE-347'],
  examples: {
    positive: [
      'FROM debian:12\n# expect\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\n',
      'FROM rockylinux:9\n# expect\nRUN dnf install -y --nogpgcheck httpd\n',
      'FROM debian:12\n# expect\nRUN echo "deb [trusted=yes] http://repo.example.org/ stable main" > /etc/apt/sources.list.d/x.list\n',
      'FROM alpine:3.20\n# expect\nRUN apk add --allow-untrusted /tmp/pkg.apk\n',
      // A repository of packages just built from source, on the machine itself: low.
      'FROM debian:12\n# expect\nRUN apt-get source hello && echo "deb [ trusted=yes ] file:///tmp/repo ./" > /etc/apt/sources.list.d/local.list\n',
      // A folder of its own, but a package downloaded unchecked can be in it.
      'FROM debian:12\n# expect\nRUN tempDir="$(mktemp -d)" && cd "$tempDir" && curl -fsSLO https://downloads.example.org/tool.deb && dpkg-scanpackages . > Packages && echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list\n',
      // Low: packages an earlier stage of the build made, bound or copied from it.
      'FROM alpine:3.20 AS builder\nRUN abuild -r\nFROM alpine:3.20\n# expect\nRUN --mount=type=bind,target=/tmp/packages/,source=/home/b/packages/,from=builder \\\n# detail\n    apk add --no-cache --allow-untrusted /tmp/packages/app-module-*.apk\n',
      'FROM alpine:3.20 AS builder\nRUN abuild -r\nFROM alpine:3.20\nCOPY --from=builder /home/b/packages/ /tmp/packages/\n# expect\nRUN apk add --allow-untrusted /tmp/packages/app-1.0-r0.apk\n',
    ],
    negative: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
      'FROM rockylinux:9\nRUN dnf install -y httpd\n',
      // Indexing packages just built, then signing the index: nothing is installed.
      'FROM alpine:3.20\nRUN abuild -r && apk index --allow-untrusted -o /home/b/packages/APKINDEX.tar.gz /home/b/packages/*.apk && abuild-sign /home/b/packages/APKINDEX.tar.gz\n',
      // A folder the RUN made itself, holding only the packages it built from apt's verified source packages.
      'FROM debian:12\nRUN tempDir="$(mktemp -d)" && cd "$tempDir" && apt-get source --compile hello && dpkg-scanpackages . > Packages && echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list && apt-get update && apt-get install -y hello\n',
    ],
  },
  *check(input) {
    const builtHere = apkAddsOfBuiltPackages(input);
    for (const { pattern, what } of SIGNATURE_DISABLED) {
      for (const hit of runMatches(input, pattern)) {
        const place = at(hit.instruction, hit.line);
        const stage = what === 'apk --allow-untrusted' ? builtHere.get(hit.instruction)?.get(hit.line) : undefined;
        if (stage !== undefined)
          yield {
            ...place,
            message: `apk --allow-untrusted${detailNote(place)} installs unsigned packages built in stage ${stage} of this build: safe when that stage builds them from verified sources.`,
            severity: 'low',
          };
        else yield { ...place, message: `${what}${detailNote(place)} installs packages without verifying their signatures.` };
      }
    }
    for (const hit of runMatches(input, LOCAL_TRUSTED_APT_SOURCE)) {
      if (holdsOnlyPackagesBuiltHere(hit.instruction.args)) continue;
      const place = at(hit.instruction, hit.line);
      yield {
        ...place,
        message: `a local apt repository marked [trusted=yes]${detailNote(place)} installs its packages unverified: safe when every package in it is built in this build from verified sources.`,
        severity: 'low',
      };
    }
  },
});

/**
 * A RUN whose every local apt repository marked [trusted=yes] is a folder the RUN made
 * itself with `mktemp -d` (the official images' way to install what they just built from
 * their distribution's verified source packages: postgres, nginx), and whose every download
 * is checked: nothing but what the RUN built can be in that folder.
 */
function holdsOnlyPackagesBuiltHere(run: string): boolean {
  const fresh = new Set([...run.matchAll(/\b([A-Za-z_]\w*)=["']?\$\(\s*mktemp\s+-d\b[^)]*\)/g)].map((m) => m[1]!));
  const folders = [...run.matchAll(new RegExp(LOCAL_TRUSTED_APT_SOURCE.source + String.raw`(?:\/\/)?["']?(\S+)`, 'g'))].map((m) => m[1]!);
  if (folders.length === 0 || !folders.every((folder) => fresh.has(/^\$\{?([A-Za-z_]\w*)\}?(?:\/|["']|$)/.exec(folder)?.[1] ?? ''))) return false;
  return !commandsOf(run).some((command) => downloadOf(command)) || verifies(run);
}

/**
 * `apk add --allow-untrusted` of package files that an earlier stage of the file built, by
 * RUN and line, with the stage's name: every package path lies under the target of a
 * `RUN --mount=type=bind,from=<stage>` of that RUN (nginx's modules image) or under the
 * destination of a `COPY --from=<stage>` earlier in its stage. Such packages never crossed a
 * network; they are as good as the stage that built them.
 */
function apkAddsOfBuiltPackages(input: DockerfileInput): Map<DockerInstruction, Map<number, string>> {
  const out = new Map<DockerInstruction, Map<number, string>>();
  const stageOf = (from: string): string | undefined => {
    const name = from.toLowerCase();
    const stage = /^\d+$/.test(name) ? input.file.stages[Number(name)] : input.file.stages.find((s) => s.name === name);
    return stage ? (stage.name ?? String(stage.index)) : undefined;
  };
  const copied = new Map<number, Array<{ dir: string; stage: string }>>();
  for (const instruction of input.file.instructions) {
    const own = effective(instruction);
    if (own.keyword === 'COPY') {
      const from = own.flags.get('from');
      const stage = typeof from === 'string' ? stageOf(from) : undefined;
      const words = argumentWords(own);
      if (stage !== undefined && words.length >= 2) {
        const list = copied.get(instruction.stage) ?? [];
        list.push({ dir: words.at(-1)!, stage });
        copied.set(instruction.stage, list);
      }
      continue;
    }
    if (own.keyword !== 'RUN') continue;
    const dirs = [...(copied.get(instruction.stage) ?? [])];
    for (const mount of own.args.slice(0, own.restOffset).matchAll(/--mount=(?:"([^"]*)"|'([^']*)'|(\S*))/g)) {
      const spec = new Map((mount[1] ?? mount[2] ?? mount[3] ?? '').split(',').map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)] as [string, string]));
      const stage = spec.has('from') ? stageOf(spec.get('from')!) : undefined;
      const target = spec.get('target') ?? spec.get('dst') ?? spec.get('destination');
      if (stage !== undefined && target !== undefined && (spec.get('type') ?? 'bind') === 'bind') dirs.push({ dir: target, stage });
    }
    if (dirs.length === 0) continue;
    for (const script of scriptsOf(instruction)) {
      for (const pipeline of parseShell(script.text)) {
        for (const command of pipeline) {
          const words = effectiveWords(command).map((w) => w.text);
          if (programOf(command) !== 'apk' || !words.includes('add') || !words.includes('--allow-untrusted')) continue;
          const packages = words.slice(words.indexOf('add') + 1).filter((w) => !w.startsWith('-'));
          const under = (path: string, dir: string) => path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
          const stages = packages.map((p) => dirs.find((d) => under(p, d.dir))?.stage);
          if (packages.length === 0 || stages.some((st) => st === undefined)) continue;
          const lines = out.get(instruction) ?? new Map<number, string>();
          lines.set(script.line(command.offset), stages[0]!);
          out.set(instruction, lines);
        }
      }
    }
  }
  return out;
}

const HTTP_URL = /\bhttp:\/\/(?!(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)(?:[:/]|$))[^\s"'|;&)]+/g;

const plainHttpDownload = dockerRule({
  id: 'iac/dockerfile-http-download',
  title: 'Download over plain HTTP',
  description:
    'curl, wget, git or ADD fetch something over http://. Anyone on the network path (a compromised router, a hostile Wi-Fi, the build network) can read or replace what is downloaded and so run code in the image. High for a package signing key installed as trusted (`wget -qO - http://... | apt-key add -`, `| gpg --dearmor -o /usr/share/keyrings/x.gpg`, `rpm --import http://...`, `apt-key adv --fetch-keys http://...`): whoever replaces it signs every package installed after it. So is one fetched from a keyserver in plain text (hkp:// on any port, http://, or a bare name, which gpg reaches over hkp) by a short or long key id (`apt-key adv --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys 7EA0A9C3`), as anyone can make a key that carries that id; not by its full 40-hex fingerprint, which gpg checks on receipt. Not when a RUN of the stage checks a fingerprint or signature (gpg --fingerprint, gpg --verify).',
  remediation: 'Use https:// and verify a checksum or signature of what you download.',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      'FROM alpine:3.20\n# expect\nRUN curl -fsSL http://example.org/tool.tgz -o /tmp/tool.tgz\n',
      'FROM alpine:3.20\n# expect\nRUN wget http://example.org/a.zip\n',
      'FROM alpine:3.20\n# expect\nADD http://example.org/a.sh /a.sh\n',
      'FROM alpine:3.20\n# expect\nADD ["http://example.org/b.sh", "/b.sh"]\n',
      'FROM alpine:3.20\n# expect\nADD \'http://example.org/c.sh\' /c.sh\n',
      // Inside a command substitution, on the line it starts.
      // A signing key, reported as high; rpm --import fetches it itself.
      'FROM debian:12\n# expect\nRUN wget -qO - http://example.org/pubkey.gpg | apt-key add - && apt-get update\n',
      'FROM rockylinux:9\n# expect\nRUN rpm --import http://example.org/RPM-GPG-KEY-example && dnf install -y tool\n',
      'FROM debian:12\n# expect\nRUN apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 7EA0A9C3 && apt-get update\n',
      'FROM alpine:3.20\n# expect\nRUN set -e; \\\n# detail\n  V=$(curl -sL "http://example.org/main/INDEX.tar.gz" | tar -xz -C /tmp && awk \'/^P:tool$/\' /tmp/INDEX) && \\\n  apk add --no-cache tool=${V}\n',
    ],
    negative: [
      'FROM alpine:3.20\nRUN curl -fsSL https://example.org/tool.tgz -o /tmp/tool.tgz\n',
      'FROM alpine:3.20\nRUN curl http://localhost:8080/health\n',
      'FROM alpine:3.20\nLABEL org.opencontainers.image.url=http://example.org\n',
      'FROM rockylinux:9\nRUN rpm --import https://example.org/RPM-GPG-KEY-example\n',
      'FROM debian:12\nRUN apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567\n',
    ],
  },
  *check(input) {
    const downloaders = new Set(['curl', 'wget', 'git', 'fetch', 'aria2c', 'svn']);
    /** The command and those of its command substitutions (`V=$(curl -sL http://... | tar -xz)`), each with the offset of its line in the script. */
    const withSubstitutions = (command: ShellCommand, offset?: number): Array<{ command: ShellCommand; offset?: number }> => [
      { command, ...(offset !== undefined ? { offset } : {}) },
      ...substitutions(command).flatMap((sub) => commandsOf(sub.script).flatMap((inner) => withSubstitutions(inner, offset ?? sub.offset))),
    ];
    // Signing keys trusted from plain http, by RUN script and line, unless a RUN of the stage checks a fingerprint.
    const runs = [...instructionsOf(input.file, 'RUN')];
    const keys = new Map<DockerInstruction, Map<number, boolean>>();
    const keyIds = new Map<DockerInstruction, Map<number, string>>();
    for (const run of runs) {
      const stage = runs.filter((other) => other.stage === run.stage).flatMap((other) => scriptsOf(other).map((s) => s.text)).join('\n');
      const hits = scriptsOf(run).flatMap((script) => plainHttpKeys(script.text, stage).map((hit) => ({ ...hit, line: script.line(hit.offset) })));
      keys.set(run, new Map(hits.map((hit) => [hit.line, false] as const)));
      keyIds.set(run, new Map(hits.flatMap((hit) => (hit.keyId === undefined ? [] : [[hit.line, hit.keyId] as const]))));
    }
    const keyNote = ': a package signing key installed as trusted, so anyone on the network path can sign the packages installed later';
    for (const { command: outer, script } of runCommands(input)) {
      for (const { command, offset } of withSubstitutions(outer)) {
        const words = effectiveWords(command);
        const program = programOf(command);
        if (!program || !downloaders.has(program)) continue;
        for (const word of words.slice(1)) {
          HTTP_URL.lastIndex = 0;
          const match = HTTP_URL.exec(word.text);
          if (match) {
            const line = script.line(offset ?? word.offset);
            const place = at(script.instruction, line);
            const key = keys.get(script.instruction);
            // A key is found on the line its command starts, which a URL continued on the next line is not on.
            const start = script.line(offset ?? command.offset);
            const trusted = key?.has(start) ?? false;
            if (trusted) key!.set(start, true);
            yield { ...place, message: `${program} fetches ${match[0]} over plain HTTP${trusted ? keyNote : ''}${detailNote(place)}; use https and verify what you download.`, ...(trusted ? { severity: 'high' as const } : {}) };
            break;
          }
        }
      }
    }
    // A key fetched by the tool that trusts it (rpm --import http://..., apt-key adv --fetch-keys http://...).
    for (const [instruction, lines] of keys) {
      for (const [line, reported] of lines) {
        if (reported) continue;
        const place = at(instruction, line);
        const id = keyIds.get(instruction)?.get(line);
        if (id !== undefined)
          yield {
            ...place,
            message: `A package signing key is fetched from a keyserver over plain HKP by its key id ${id}, not its full fingerprint${detailNote(place)}: anyone on the network path can hand over a key of their own with that id and sign the packages installed later; give the full fingerprint, over hkps.`,
            severity: 'high' as const,
          };
        else yield { ...place, message: `A package signing key is fetched over plain HTTP${keyNote}${detailNote(place)}; use https and check its fingerprint.`, severity: 'high' as const };
      }
    }
    for (const instruction of instructionsOf(input.file, 'ADD')) {
      const add = effective(instruction);
      const sources = copySources(add);
      const url = sources.find((s) => /^http:\/\//i.test(s) && !/^http:\/\/(?:localhost|127\.)/i.test(s));
      if (url) yield { line: instruction.line, message: `ADD fetches ${url} over plain HTTP; use https and verify a checksum.` };
    }
  },
});

const WORLD_WRITABLE = /^(?:[0-7]?[0-7][0-7][2367]|[ugoa]*[oa][ugoa]*[+=][rwxXst]*w[rwxXst]*)$/;

const chmodWorldWritable = dockerRule({
  id: 'iac/dockerfile-chmod-world-writable',
  title: 'World-writable permissions (chmod 777)',
  description:
    'chmod 777 (or o+w) makes files writable by every user in the container. Any process, including a compromised one running as an unprivileged user, can then replace the application code or its configuration. A path the same RUN step removes again with rm -r (a scratch directory opened to apt\'s _apt user while packages are built, as the nginx image does) is not reported: it never reaches the image.',
  remediation: 'Give ownership to the user that needs it (COPY --chown=app:app, chown) and use the narrowest mode, e.g. 755 for directories and 644 for files.',
  severity: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'FROM alpine:3.20\n# expect\nRUN chmod -R 777 /app\n',
      'FROM alpine:3.20\n# expect\nRUN chmod o+w /etc/app.conf\n',
      'FROM alpine:3.20\n# expect\nCOPY --chmod=777 app /app\n',
      // Only one of the directories is removed again, or the removal comes first.
      'FROM alpine:3.20\n# expect\nRUN chmod 777 /srv/a /srv/b && rm -rf /srv/a\n',
      'FROM alpine:3.20\n# expect\nRUN rm -rf /srv/a && mkdir /srv/a && chmod 777 /srv/a\n',
    ],
    negative: [
      'FROM alpine:3.20\nRUN chmod -R 755 /app && chmod 644 /app/x\n',
      'FROM alpine:3.20\nRUN chmod u+x /app/run.sh\n',
      'FROM alpine:3.20\nRUN chmod 1777 /tmp/x\n',
      // A scratch directory the same step removes again never reaches the image.
      'FROM debian:12\nRUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && (cd "$tempDir" && make) && rm -rf "$tempDir" /etc/apt/sources.list.d/temp.list\n',
    ],
  },
  *check(input) {
    for (const { command, script } of runCommands(input)) {
      if (programOf(command) !== 'chmod') continue;
      const words = effectiveWords(command).slice(1).filter((w) => !w.text.startsWith('-'));
      const mode = words[0];
      // A scratch directory the same step deletes again (`chmod 777 "$tempDir"` for apt's _apt user, then `rm -rf "$tempDir"`) is not in the image.
      const targets = words.slice(1).map((w) => w.text);
      if (targets.length > 0 && targets.every((t) => removedLater(script.text, command.offset, t))) continue;
      // 1777 (sticky, like /tmp) is the intended mode for shared scratch directories.
      if (mode && WORLD_WRITABLE.test(mode.text) && !/^1[0-7]{3}$/.test(mode.text)) {
        const place = at(script.instruction, script.line(mode.offset));
        yield { ...place, message: `chmod ${mode.text}${detailNote(place)} makes files writable by every user in the container.` };
      }
    }
    for (const keyword of ['COPY', 'ADD']) {
      for (const instruction of instructionsOf(input.file, keyword)) {
        const chmod = effective(instruction).flags.get('chmod');
        if (typeof chmod === 'string' && WORLD_WRITABLE.test(chmod) && !/^1[0-7]{3}$/.test(chmod))
          yield { line: instruction.line, message: `${keyword} --chmod=${chmod} makes the copied files writable by every user.` };
      }
    }
  },
});

/** Whether an `rm -r` after `offset` in the script removes `path` (the same word, or a directory above it). */
function removedLater(script: string, offset: number, path: string): boolean {
  const normal = (p: string) => p.replace(/\/+$/, '');
  const target = normal(path);
  return commandsOf(script).some((command) => {
    if (command.offset <= offset || programOf(command) !== 'rm') return false;
    const words = effectiveWords(command).slice(1).map((w) => w.text);
    if (!words.some((w) => /^-[a-zA-Z]*[rR]/.test(w) || w === '--recursive')) return false;
    return words.some((w) => !w.startsWith('-') && w !== '/' && (normal(w) === target || target.startsWith(`${normal(w)}/`)));
  });
}

/** The user of `sudo -u NAME`, `-uNAME`, `-Eu NAME`, `--user=NAME` (undefined: root, sudo's default). */
function sudoTargetUser(words: string[]): string | undefined {
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    if (word === '--') return undefined;
    if (!word.startsWith('-')) return undefined;
    const long = /^--user(?:=(.*))?$/.exec(word);
    if (long) return long[1] ?? words[k + 1];
    const short = /^-[A-Za-z]*?u(.*)$/.exec(word);
    if (short && !word.startsWith('--')) return short[1] !== '' ? short[1] : words[k + 1];
    // Other options that take a value: group, close-from, chdir, host, prompt, role, type, timeout, other user.
    if (/^-[A-Za-z]*[gCDhprtTU]$/.test(word)) k++;
  }
  return undefined;
}

const runWithSudo = dockerRule({
  id: 'iac/dockerfile-sudo',
  title: 'RUN uses sudo',
  description:
    'sudo in a Dockerfile is either useless (RUN already runs as root) or a sign that the image keeps sudo for later, which lets an unprivileged container user become root. sudo also behaves unpredictably without a TTY. `sudo -u <user>` in a step that runs as root is not reported: it drops privileges for one command, as gosu does (iac/dockerfile-sudo-installed still reports sudo left in the image).',
  remediation: 'Run the privileged steps before USER switches away from root, and do not install or use sudo; use gosu/su-exec for entrypoints that must drop privileges.',
  severity: 'medium',
  cwe: ['CWE-250'],
  examples: {
    positive: ['FROM ubuntu:24.04\n# expect\nRUN sudo apt-get update\n', 'FROM ubuntu:24.04\n# expect\nRUN apt-get update && \\\n# detail\n    sudo apt-get install -y curl\n', 'FROM ubuntu:24.04\nRUN useradd -m app && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app\nUSER app\n# expect\nRUN sudo apt-get update\n'],
    negative: ['FROM ubuntu:24.04\nRUN apt-get update\n', 'FROM ubuntu:24.04\nRUN echo "sudo is not used" > /notes\n', 'FROM ubuntu:24.04\nRUN sudo -E -u app -H bundle install\n'],
  },
  *check(input) {
    for (const { command, script } of runCommands(input)) {
      const first = command.words[0];
      if (first && (first.text === 'sudo' || first.text.endsWith('/sudo'))) {
        // `sudo -u app cmd` in a step that runs as root drops privileges for one command (like gosu).
        const target = sudoTargetUser(command.words.slice(1).map((w) => w.text));
        const runAs = userAt(input, script.instruction);
        if (target !== undefined && !USER_ROOT.test(target.replace(/^#/, '')) && (runAs === undefined || USER_ROOT.test(runAs))) continue;
        const place = at(script.instruction, script.line(first.offset));
        const why =
          runAs === undefined || USER_ROOT.test(runAs)
            ? 'RUN already runs as root'
            : `the step runs as USER ${runAs}, which the image lets become root, and so can any process of the container that runs as ${runAs}`;
        yield { ...place, message: `sudo in a build step${detailNote(place)}: ${why}; do the work before USER and keep sudo out of the image.` };
      }
    }
  },
});

const INSTALL = /\b(?:apt-get|apt|yum|dnf|microdnf|zypper|apk|tdnf)\s+(?:[^|;&\n]*\s)?(?:install|add)\b([^|;&\n]*)/g;

function* installedPackages(input: DockerfileInput, names: RegExp): Generator<{ at: Pick<Hit, 'line' | 'detailLine'>; name: string }> {
  for (const instruction of instructionsOf(input.file, 'RUN')) {
    const seen = new Set<number>();
    for (const script of scriptsOf(instruction)) {
      for (const match of script.text.matchAll(INSTALL)) {
        const list = match[1] ?? '';
        const listStart = match.index + match[0].length - list.length;
        // The line of the package itself: in a long install list it is many lines below the apt-get or apk.
        for (const word of list.matchAll(/\S+/g)) {
          const name = word[0].replace(/[=<>~].*$/, '');
          if (!names.test(name)) continue;
          const line = script.line(listStart + word.index);
          if (!seen.has(line)) yield { at: at(instruction, line), name };
          seen.add(line);
          break;
        }
      }
    }
  }
}

/** What gives a user sudo: a sudoers entry (NOPASSWD, a file under /etc/sudoers.d), or membership of the sudo, wheel or admin group. */
const SUDO_GRANT = /sudoers|NOPASSWD|\b(?:usermod|gpasswd|adduser|addgroup|useradd)\b[^\n;&|]*(?:^|[\s,=])(?:sudo|wheel|admin)\b/;

const sudoInstalled = dockerRule({
  id: 'iac/dockerfile-sudo-installed',
  title: 'sudo installed in the image',
  description:
    'The image installs sudo. Any user in the container who is in sudoers (often by default in derived images) can become root, undoing USER and widening what an attacker who gets code execution can do. An image that runs as root (no USER) and whose Dockerfile grants sudo to no user (no sudoers entry, no user added to the sudo, wheel or admin group) is reported at info: there sudo can only run commands as another user (sudo -u), as linuxserver.io images do for their tools.',
  remediation: 'Do not install sudo; perform privileged steps at build time as root, and use gosu or su-exec in entrypoints that must drop privileges.',
  severity: 'low',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      'FROM debian:12\n# expect\nRUN apt-get update && apt-get install -y curl sudo\nUSER 1000\n',
      // A user is given sudo: low even though no USER is set yet.
      'FROM debian:12\n# expect\nRUN apt-get update && apt-get install -y sudo && useradd -m dev && usermod -aG sudo dev\n',
      'FROM alpine:3.20\n# expect\nRUN apk add --no-cache sudo && echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app\nCMD ["/app/run"]\n',
      // Info: the image runs as root and grants sudo to no one. The package's own line is the detail of a long list.
      'FROM alpine:3.20\n# expect\nRUN apk add --no-cache \\\n    curl \\\n# detail\n    sudo\nCOPY occ /usr/bin/occ\n',
    ],
    negative: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl sudo-ldap-docs-none\n', 'FROM debian:12\nRUN apt-get install -y gosu\n'],
  },
  *check(input) {
    // Nobody to become root: the image runs as root and the Dockerfile grants sudo to no user (sudo -u then only drops privileges, as gosu does).
    const stage = finalStage(input.file);
    const runsAsRoot = stage !== undefined && !stageChain(input, stage).some((s) => lastUser(s)) && !namedNonRoot(baseImage(input, stageChain(input, stage).at(-1)!) ?? '');
    const grants = input.file.instructions.some((i) => SUDO_GRANT.test(i.args));
    for (const { at: place } of installedPackages(input, /^sudo$/)) {
      if (runsAsRoot && !grants)
        yield {
          ...place,
          severity: 'info',
          message: `sudo is installed in the image${detailNote(place)}, but the image runs as root and the Dockerfile grants sudo to no user: it can only run commands as another user (sudo -u), as gosu does; keep it that way, or use gosu or su-exec.`,
        };
      else yield { ...place, message: `sudo is installed in the image${detailNote(place)}; it lets container users become root.` };
    }
  },
});

const remoteAccessServer = dockerRule({
  id: 'iac/dockerfile-remote-access-server',
  title: 'SSH, Telnet or FTP server installed in the image',
  description:
    'The image installs a remote-login or file-transfer daemon (openssh-server, dropbear, telnetd, vsftpd, proftpd). Containers should be reached through the orchestrator (docker exec, kubectl exec); a daemon inside adds credentials to manage and a network service to attack.',
  remediation: 'Remove the server package; use docker exec / kubectl exec for debugging and a dedicated, hardened host for file transfer.',
  severity: 'medium',
  cwe: ['CWE-1188'],
  examples: {
    positive: ['FROM debian:12\n# expect\nRUN apt-get update && apt-get install -y openssh-server\n', 'FROM alpine:3.20\n# expect\nRUN apk add dropbear vsftpd\n'],
    negative: ['FROM debian:12\nRUN apt-get install -y openssh-client\n', 'FROM alpine:3.20\nRUN apk add curl\n'],
  },
  *check(input) {
    for (const { name, at: place } of installedPackages(input, /^(?:openssh-server|dropbear|telnetd|inetutils-telnetd|telnet-server|vsftpd|proftpd|proftpd-basic|pure-ftpd|tftpd|tftpd-hpa|rsh-server|xinetd)$/))
      yield { ...place, message: `${name}${detailNote(place)} puts a remote-login or file-transfer server inside the container; use docker exec / kubectl exec instead.` };
  },
});

const missingHealthcheck = dockerRule({
  id: 'iac/dockerfile-missing-healthcheck',
  title: 'No HEALTHCHECK',
  description:
    'The final image declares no HEALTHCHECK (neither in its last stage nor in an earlier stage it is built FROM), so Docker and Swarm cannot tell a hung or half-started service from a healthy one, and a service that stopped enforcing its controls keeps receiving traffic. An image that sets neither CMD nor ENTRYPOINT (a base or CI toolchain image, or one that keeps the command of its base image, which the Dockerfile does not show), or whose command is a bare interpreter or shell with no argument (CMD ["python3"]: a language\'s base image), is reported at info only (naming the command it keeps when that is known: that of the official nginx, httpd or PHP image, or the /init of an s6-overlay base image). A Dockerfile that a compose file of the scanned tree builds for a service with a `healthcheck:` of its own is not reported: the check is supplied where the image runs. Nor is the Dockerfile of a GitHub Docker container action (an action.yml beside it with runs.using: docker naming it), which runs one step of a job and exits.',
  remediation: 'Add HEALTHCHECK CMD <a cheap probe of the service> to the final stage (or define liveness/readiness probes in the orchestrator).',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-754'],
  examples: {
    positive: [
      '# expect\nFROM node:20.11-alpine\nCMD ["node", "app.js"]\n',
      'FROM golang:1.22 AS build\nHEALTHCHECK CMD true\n# expect\nFROM alpine:3.20\nENTRYPOINT ["/app"]\n',
      'FROM python:3.12-slim AS runtime\nCMD ["python", "-m", "app"]\n# expect\nFROM runtime\nCOPY app.py /app/\n',
    ],
    negative: [
      'FROM node:20.11-alpine\nHEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3000/health || exit 1\n',
      'FROM node:20.11-alpine\nHEALTHCHECK NONE\n',
      'FROM python:3.12-slim AS runtime\nHEALTHCHECK CMD python -c "print(1)"\nCMD ["python", "-m", "app"]\nFROM runtime AS final\nCOPY app.py /app/\n',
    ],
  },
  *check(input) {
    const stage = finalStage(input.file);
    if (!stage) return;
    const chain = stageChain(input, stage);
    const sets = (keyword: string) => chain.some((s) => s.instructions.some((i) => i.keyword === keyword));
    if (sets('HEALTHCHECK')) return;
    // A GitHub Docker container action runs one step of a job and exits: no service to probe.
    if (input.githubAction !== undefined) return;
    const interpreter = bareInterpreter(input);
    if (interpreter)
      yield {
        line: stage.from.line,
        severity: 'info',
        message: `The final image has no HEALTHCHECK and its command is the bare ${interpreter} interpreter (a base image?); if an image built on it runs a service, add a HEALTHCHECK there.`,
      };
    else if (sets('CMD') || sets('ENTRYPOINT'))
      yield { line: stage.from.line, message: 'The final image has no HEALTHCHECK; add one so orchestrators can tell when the service is unhealthy.' };
    else {
      // The command it keeps from its base, when that is known: a web server's, or s6-overlay's /init.
      const inherited = workerServer(input)?.program ?? (s6ServiceImage(input) ? "s6-overlay's /init, which starts its services" : undefined);
      yield {
        line: stage.from.line,
        severity: 'info',
        message: inherited
          ? `The final image has no HEALTHCHECK and keeps the command of the image it is built FROM (${inherited}); add a HEALTHCHECK that probes the service.`
          : 'The final image has no HEALTHCHECK and sets neither CMD nor ENTRYPOINT (a base or toolchain image?); if it runs a service, add a HEALTHCHECK.',
      };
    }
  },
});

const SECRET_FILE = /(?:^|\/)(?:id_rsa|id_dsa|id_ecdsa|id_ed25519|\.env(?:\.[\w-]+)?|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.dockercfg|credentials(?:\.json)?|\.htpasswd|secrets?\.(?:txt|json)|[\w.-]+\.(?:pem|key|p12|pfx|jks|keystore|kdbx|ppk)|\.aws(?:\/credentials)?|\.ssh(?:\/.*)?|\.docker\/config\.json|service-account(?:-key)?\.json|terraform\.tfstate|kubeconfig|\.kube\/config)$/i;
// Public keys: `.pub`, `public*.pem`, and the signing keys of package repositories (`nodesource-repo.gpg.key`, `yarn-pubkey.gpg.key`).
const NOT_SECRET_FILE = /(?:\.env\.(?:example|sample|template|dist)|\.pub|public[\w.-]*\.(?:pem|key)|pubkey[\w.-]*\.(?:pem|key)|\.gpg\.key|ca-certificates?\.pem|cacert\.pem|\.key\.pub)$/i;
/** A PEM file named for a certificate (ca.pem, root-ca.pem, server-cert.pem, fullchain.pem): public by nature, its key is kept apart (key.pem). */
const CERTIFICATE_PEM = /(?:^|[/._-])(?:ca|cacert|ca-?bundle|root-?ca|chain|fullchain|certs?|certificate|crt)\.pem$/i;
/** Diffie-Hellman group parameters (dhparam.pem, the RFC 7919 groups ffdhe4096.pem): public numbers every server may share, no key. */
const DH_PARAMS_PEM = /(?:^|\/)(?:[\w.-]*[._-])?(?:dh-?params?|dh\d{3,4}|ffdhe\d{4})(?:[._-][\w.-]*)?\.pem$/i;
/** Trust stores of the system (update-ca-certificates, update-ca-trust): only certificates are copied there. */
const TRUST_STORE = /^\/(?:usr\/local\/share\/ca-certificates|usr\/share\/ca-certificates|etc\/pki\/ca-trust\/source\/anchors|etc\/pki\/trust\/anchors|etc\/ssl\/certs|etc\/ca-certificates)(?:\/|$)/;
/**
 * Where only public keys go: a file named .pub (`COPY jenkins.io-2026.key /war/jenkins-key.pub`,
 * imported next with gpg --import to check a download), or the keyrings a package manager
 * checks signatures with (apt's signed-by keyrings, rpm's and apk's keys).
 */
const PUBLIC_KEY_DESTINATION = /(?:\.pub|^\/(?:etc\/apt\/(?:trusted\.gpg\.d|keyrings)|usr\/share\/keyrings|etc\/pki\/rpm-gpg|etc\/apk\/keys)(?:\/.*)?)$/;

const secretFileCopied = dockerRule({
  id: 'iac/dockerfile-secret-file-copied',
  title: 'Credential file copied into the image',
  description:
    'COPY or ADD puts a file that normally holds credentials (private keys, .env, .npmrc, .netrc, cloud credentials, kubeconfig) into an image layer. Deleting it in a later step does not help: every layer ships with the image. Public keys and certificates are not reported: .pub files, a PEM file named for a certificate (ca.pem, root-ca.pem, server-cert.pem, fullchain.pem) or for Diffie-Hellman parameters (dhparam.pem, ffdhe4096.pem) and a PEM file copied into the system\'s trust store (/usr/local/share/ca-certificates, /etc/pki/ca-trust/source/anchors, /etc/ssl/certs). A .npmrc, .pypirc, .yarnrc or .env that the repository holds and that writes no credential (registry settings, `${NPM_TOKEN}` references) is reported at info only; one the repository does not hold (ignored by git, written at build time) is where real tokens live.',
  remediation: 'Keep credentials out of the build context (.dockerignore) and mount them only where needed: RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci.',
  severity: 'high',
  cwe: ['CWE-538'],
  examples: {
    positive: [
      'FROM node:20-alpine\n# expect\nCOPY .npmrc /app/.npmrc\n',
      'FROM alpine:3.20\n# expect\nCOPY id_rsa /root/.ssh/id_rsa\n',
      'FROM alpine:3.20\n# expect\nADD ["certs/server.key", "/etc/ssl/private/"]\n',
      // A PEM file not named for a certificate may hold the key with it (server.pem for HAProxy).
      'FROM haproxy:3.0\n# expect\nCOPY certs/server.pem /usr/local/etc/haproxy/certs/\n',
      'FROM alpine:3.20\n# expect\nCOPY certs/ca-key.pem /etc/app/\n',
      'FROM alpine:3.20\n# expect\nCOPY certs/dh-server.key.pem /etc/app/\n',
      // A file named for what it holds; removing it in a later layer leaves it in the earlier one.
      'FROM python:3.12-slim\n# expect\nADD deploy/secrets.json /srv/app/\nRUN python /srv/app/seed.py && rm /srv/app/secrets.json\n',
      'FROM alpine:3.20\n# expect\nCOPY secret.txt /opt/\n',
      'FROM alpine:3.20\n# expect\nCOPY "deploy/id_ed25519" "/root/.ssh/"\n',
    ],
    negative: [
      'FROM node:20-alpine\nCOPY package.json package-lock.json ./\n',
      'FROM alpine:3.20\nCOPY .env.example /app/.env.example\n',
      'FROM alpine:3.20\nCOPY secrets.example.json /app/config/\n',
      'FROM alpine:3.20\nCOPY id_rsa.pub /root/.ssh/authorized_keys\n',
      'FROM alpine:3.20\nCOPY --from=build /src/.env /tmp/x\n',
      // Certificates: by their name, or by the trust store they are copied into.
      'FROM alpine:3.20\nCOPY ./.pki/ca.pem /usr/local/share/ca-certificates/ca.crt\nCOPY certs/server-cert.pem certs/fullchain.pem /etc/app/tls/\nRUN update-ca-certificates\n',
      'FROM fedora:40\nCOPY corp-proxy.pem /etc/pki/ca-trust/source/anchors/\nRUN update-ca-trust\n',
      // Diffie-Hellman parameters are public numbers, not a key.
      'FROM debian:12-slim\nCOPY target/shared/ffdhe4096.pem /etc/postfix/shared/ffdhe4096.pem\nCOPY nginx/dhparam.pem certs/dh2048.pem /etc/nginx/\n',
      // Public signing keys: copied to a .pub name to check a download with, or into a package manager's keyring.
      'FROM debian:12\nCOPY release-2026.key /tmp/release-key.pub\nRUN gpg --import /tmp/release-key.pub\n',
      'FROM debian:12\nCOPY vendor-repo.key /usr/share/keyrings/vendor.asc\nCOPY vendor.key /etc/apt/keyrings/\n',
    ],
  },
  *check(input) {
    for (const keyword of ['COPY', 'ADD']) {
      for (const instruction of instructionsOf(input.file, keyword)) {
        const copy = effective(instruction);
        // Files from another stage or image were never in the build context.
        if (copy.flags.has('from')) continue;
        if (copy.heredocs.length > 0) continue;
        const words = argumentWords(copy);
        const sources = words.slice(0, -1);
        // A .pem copied into the system's trust store is a CA certificate, whatever its name.
        const destination = expandArgs(words.at(-1) ?? '', input.globalArgs);
        const intoTrustStore = TRUST_STORE.test(destination);
        const certificate = (s: string) => CERTIFICATE_PEM.test(s) || DH_PARAMS_PEM.test(s) || (intoTrustStore && /\.pem$/i.test(s));
        const secret = sources.find((s) => SECRET_FILE.test(s.replace(/\/+$/, '')) && !NOT_SECRET_FILE.test(s) && !certificate(s) && !/^https?:/.test(s));
        if (!secret) continue;
        // Copied to a name or a place that only holds public keys: a signing key to verify with.
        if (PUBLIC_KEY_DESTINATION.test(destination)) continue;
        // A committed .npmrc or .env that writes only settings ships none: the risk is a token added to it later.
        if (input.path !== undefined && input.configFiles && copiedFileContent(input.path, secret, input.configFiles) === 'no-credential')
          yield { line: instruction.line, severity: 'info', message: `${keyword} ${secret} puts a file that holds no credential in this repository (settings only) into an image layer; a token added to it later would ship with the image, so prefer a build secret mount.` };
        else yield { line: instruction.line, message: `${keyword} ${secret} puts a credential file into an image layer; mount it as a build secret instead.` };
      }
    }
  },
});

const PASSWORD_SET: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /\becho\s+["']?[\w.-]+:[^\s"'$|]{3,}["']?\s*\|\s*(?:sudo\s+)?chpasswd\b/, what: 'echo user:password | chpasswd' },
  { pattern: /\b(?:useradd|adduser|usermod)\b[^|;&\n]*\s(?:-p|--password)\s+["']?(?!\$)[^\s"']{3,}/, what: 'useradd -p <password>' },
  { pattern: /\becho\s+["']?(?!\$)[^\s"'|]{3,}["']?\s*\|\s*(?:sudo\s+)?passwd\s+--stdin\b/, what: 'echo password | passwd --stdin' },
  { pattern: /\becho\s+-e\s+["'](?!\$)[^"'$]{3,}\\n[^"'$]{3,}["']\s*\|\s*(?:sudo\s+)?passwd\b/, what: 'echo -e "pw\\npw" | passwd' },
];

const hardcodedPassword = dockerRule({
  id: 'iac/dockerfile-hardcoded-password',
  title: 'Account password set in the Dockerfile',
  description:
    "A RUN step sets a user's password from a literal (chpasswd, useradd -p, passwd --stdin). The password is in the Dockerfile, the build log and the image history, and is the same in every container started from the image.",
  remediation: 'Do not give container users passwords; lock the account (useradd -r, passwd -l) and use keys or the orchestrator for access.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: ['FROM ubuntu:24.04\n# expect\nRUN echo "root:toor123" | chpasswd\n', 'FROM ubuntu:24.04\n# expect\nRUN useradd -m -p s3cretHash42 admin\n'],
    negative: ['FROM ubuntu:24.04\nRUN useradd -r -s /usr/sbin/nologin app\n', 'FROM ubuntu:24.04\nRUN echo "root:$ROOT_PW" | chpasswd\n'],
  },
  *check(input) {
    for (const { pattern, what } of PASSWORD_SET) {
      for (const hit of runMatches(input, pattern)) {
        const place = at(hit.instruction, hit.line);
        yield { ...place, message: `${what}${detailNote(place)} bakes an account password into the image.` };
      }
    }
  },
});

const PIP_VALUE_OPTIONS = /^(?:-r|--requirement|-c|--constraint|-e|--editable|--prefix|--target|-t|--index-url|-i|--extra-index-url|--root|--src|--platform|--python-version|--implementation|--abi|-f|--find-links|--trusted-host|--cache-dir|--log|--proxy|--timeout|--retries)$/;
const NPM_VALUE_OPTIONS = /^(?:--registry|--cache|--prefix|-C|--workspace|-w|--tag|--omit|--include|--userconfig)$/;
const NOT_A_REGISTRY_NAME = /^[.~/$]|\.(?:whl|tar\.gz|tgz|zip)$|^(?:git\+|git:|github:|gitlab:|bitbucket:|https?:|file:|link:)/;
/** An archive of a branch's head (github.com/o/r/archive/main.zip, /archive/refs/heads/master.tar.gz, /tarball/main): it changes with every push. */
const BRANCH_ARCHIVE = /^https?:\/\/[^\s]+\/(?:archive|tarball|zipball)\/(?:refs\/heads\/)?(?:main|master|develop|dev|trunk|HEAD)(?:\.(?:zip|tar\.gz|tgz))?$/i;

/** Package arguments of `npm install`/`pip install` that do not name an exact version. */
function unpinnedPackages(words: string[], tool: 'npm' | 'pip'): string[] {
  const out: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    if (word.startsWith('-')) {
      if ((tool === 'pip' ? PIP_VALUE_OPTIONS : NPM_VALUE_OPTIONS).test(word)) k++;
      continue;
    }
    if (BRANCH_ARCHIVE.test(word)) {
      out.push(word);
      continue;
    }
    if (NOT_A_REGISTRY_NAME.test(word)) continue;
    if (tool === 'npm') {
      const version = /^(?:@[^/@]+\/)?[^@]+@(.+)$/.exec(word)?.[1];
      if (version === undefined || !/^v?\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/.test(version)) out.push(word);
    } else if (!/===?\s*[\w.]+$/.test(word) && !/ @ /.test(word)) out.push(word);
  }
  return out;
}

const unpinnedPackageInstall = dockerRule({
  id: 'iac/dockerfile-unpinned-package-install',
  title: 'Package installed without a pinned version',
  description:
    'npm install <pkg> or pip install <pkg> without a version (or from the archive of a branch, .../archive/main.zip) takes whatever the registry (or the branch) serves at build time. A malicious release of that package (or of a typo-squat) goes straight into the image, and builds are not reproducible.',
  remediation: 'Install from a lockfile (npm ci, pip install -r requirements.txt with hashes), or pin exact versions: npm install -g pkg@1.2.3, pip install pkg==1.2.3.',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [
      'FROM node:20-alpine\n# expect\nRUN npm install -g typescript\n',
      'FROM python:3.12-slim\n# expect\nRUN pip install flask gunicorn==22.0.0\n',
      'FROM node:20-alpine\n# expect\nRUN npm ci && npm install left-pad@latest\n',
      'FROM node:20-alpine\n# expect\nRUN ["npm", "add", "@scope/tool@^1.2.0"]\n',
      // The archive of a branch's head changes with every push.
      'FROM python:3.12-slim\n# expect\nRUN pip install https://example.org/o/nodestore-s3/archive/main.zip\n',
      'FROM python:3.12-slim\n# expect\nRUN set -eux; \\\n  pip3 install \\\n    --no-cache-dir \\\n    \'setuptools==79.0.1\' \\\n# detail\n    \'wheel<0.46\' \\\n  ; \\\n  pip3 --version\n',
    ],
    negative: [
      'FROM node:20-alpine\nRUN npm ci && npm install -g typescript@5.4.5 @scope/x@1.0.0-rc.1\n',
      'FROM python:3.12-slim\nRUN pip install -r requirements.txt && pip install flask==3.0.3\n',
      'FROM node:20-alpine\nRUN npm install --production --no-cache\n',
      'FROM node:20-alpine\nRUN npm install git+https://example.org/x.git ./local-pkg\n',
      'FROM python:3.12-slim\nRUN pip install https://example.org/o/plugin/archive/v1.4.2.zip https://example.org/o/tool/archive/0123456789abcdef0123456789abcdef01234567.tar.gz\n',
    ],
  },
  *check(input) {
    for (const { command, script } of runCommands(input)) {
      const shellWords = effectiveWords(command);
      const words = shellWords.map((w) => w.text);
      const program = words[0] ? words[0].replace(/^.*\//, '') : '';
      let tool: 'npm' | 'pip' | undefined;
      let args: string[] = [];
      // `yarn install` takes no package names (only `yarn add` does): its arguments are options and their values.
      const npmInstall = program === 'yarn' ? /^add$/ : /^(?:install|i|add)$/;
      if ((program === 'npm' || program === 'pnpm' || program === 'yarn') && npmInstall.test(words[1] ?? '')) {
        tool = 'npm';
        args = words.slice(2);
      } else if (/^pip[\d.]*$/.test(program) && words[1] === 'install') {
        tool = 'pip';
        args = words.slice(2);
      } else if (/^python[\d.]*$/.test(program) && words[1] === '-m' && /^pip[\d.]*$/.test(words[2] ?? '') && words[3] === 'install') {
        tool = 'pip';
        args = words.slice(4);
      }
      if (!tool) continue;
      const unpinned = unpinnedPackages(args, tool);
      if (unpinned.length === 0) continue;
      // On the line of the first unpinned package (`'wheel<0.46' \` below `pip3 install \`).
      const first = shellWords.slice(words.length - args.length).find((w) => w.text === unpinned[0]);
      const place = at(script.instruction, script.line(first?.offset ?? command.offset));
      yield { ...place, message: `${tool} installs ${unpinned.slice(0, 3).join(', ')} without an exact version${detailNote(place)}; pin versions or install from a lockfile.` };
    }
  },
});

const insecureBuildStep = dockerRule({
  id: 'iac/dockerfile-run-insecure',
  title: 'RUN --security=insecure',
  description:
    "RUN --security=insecure runs the build step as a privileged container with the host's devices and capabilities. Whatever the step runs (including downloaded code) can take over the build host.",
  remediation: 'Remove --security=insecure; restructure the step so it does not need privileges, or build on a disposable, isolated builder.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: ['# syntax=docker/dockerfile:1-labs\nFROM alpine:3.20\n# expect\nRUN --security=insecure mount -t tmpfs none /mnt\n'],
    negative: ['FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n', 'FROM alpine:3.20\nRUN --security=sandbox true\n'],
  },
  *check(input) {
    for (const instruction of instructionsOf(input.file, 'RUN')) {
      if (effective(instruction).flags.get('security') === 'insecure')
        yield { line: instruction.line, message: 'This build step runs privileged (--security=insecure); it can take over the build host.' };
    }
  },
});

const dockerSocket = dockerRule({
  id: 'iac/dockerfile-docker-socket-volume',
  title: 'Docker socket declared as a volume',
  description:
    'VOLUME /var/run/docker.sock invites running the container with the Docker socket mounted, which gives the container full control of the Docker daemon and therefore root on the host.',
  remediation: 'Remove the VOLUME; if the container must drive Docker, use a rootless daemon or a narrowly scoped API proxy.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: ['FROM alpine:3.20\n# expect\nVOLUME "/var/run/docker.sock"\n', 'FROM alpine:3.20\n# expect\nVOLUME /var/run/docker.sock\n', 'FROM alpine:3.20\n# expect\nVOLUME ["/data", "/var/run/docker.sock"]\n'],
    negative: ['FROM alpine:3.20\nVOLUME /data\n', 'FROM alpine:3.20\nVOLUME "/var/run/docker.sock.d"\n'],
  },
  *check(input) {
    for (const instruction of instructionsOf(input.file, 'VOLUME')) {
      const volume = effective(instruction);
      const paths = argumentWords(volume);
      if (paths.some((p) => /(?:^|\/)docker\.sock$/.test(p)))
        yield { line: instruction.line, message: 'The Docker socket is declared as a volume; mounting it gives the container root on the host.' };
    }
  },
});

export const dockerfileRules: readonly DockerRule[] = [
  rootUser,
  noUser,
  imageLatest,
  imageUntagged,
  sensitivePortExposed,
  secretInEnv,
  secretBuildArg,
  buildSecretPersisted,
  addFromUrl,
  unverifiedDownload,
  curlPipeShell,
  tlsVerificationDisabled,
  signatureDisabled,
  plainHttpDownload,
  chmodWorldWritable,
  runWithSudo,
  sudoInstalled,
  remoteAccessServer,
  missingHealthcheck,
  secretFileCopied,
  hardcodedPassword,
  unpinnedPackageInstall,
  insecureBuildStep,
  dockerSocket,
  ...practiceRules,
];

export const dockerfilePlatform: PlatformRules<DockerfileInput> = {
  platform: 'dockerfile',
  parse(text, warn, context) {
    const input: DockerfileInput = {
      ...readDockerfile(text),
      ...(context?.path !== undefined ? { path: context.path } : {}),
      ...(context?.dockerfile ? { configFiles: context.dockerfile.configFiles, ...context.dockerfile.scope } : {}),
    };
    const template = templateLine(input, text, context?.path);
    if (template !== undefined) {
      warn(
        template.line,
        template.named
          ? `is named as a template and does not parse as written (${input.file.problems[0]!.message}): a template some tool fills in, not a Dockerfile as written, so it is not checked`
          : 'holds template syntax ({{ ... }}, {% ... %}, or %%VAR%% placeholders where it does not parse): a template some tool fills in, not a Dockerfile as written, so it is not checked',
      );
      return undefined;
    }
    for (const problem of input.file.problems) warn(problem.line, problem.message);
    if (input.file.instructions.length === 0) return undefined;
    return input;
  },
  rules: dockerfileRules,
};

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanIacTree } from '../../helpers/iac-scan.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

/** The root findings of a tree: path:line rule, and the message. */
async function rootFindings(files: Record<string, string>): Promise<string[]> {
  const result = await scanIacTree(files);
  return result.findings
    .filter((f) => f.ruleId === 'iac/dockerfile-no-user' || f.ruleId === 'iac/dockerfile-root-user')
    .map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId.replace('iac/dockerfile-', '')} ${f.message}`)
    .sort();
}

describe('Dockerfile running as root: a base image of the scan and the images built on it', () => {
  it('does not report a base image that ends with USER root; reports, on the child, an image built on it that sets no USER', async () => {
    const found = await rootFindings({
      'docker/base.Dockerfile': lines('FROM debian:12-slim', 'RUN useradd -r -u 10001 app', 'USER root', 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates'),
      // Sets its own USER: runs as app.
      'docker/app.Dockerfile': lines('FROM example.org/acme/base:1.4', 'COPY app /app', 'USER 10001', 'CMD ["/app/server"]'),
      // Sets none: inherits root from the base.
      'docker/worker.Dockerfile': lines('FROM example.org/acme/base:1.4', 'COPY worker /worker', 'CMD ["/worker"]'),
    });
    assert.deepEqual(found, [
      'docker/worker.Dockerfile:1 no-user The final stage sets no USER and is built FROM example.org/acme/base, whose Dockerfile docker/base.Dockerfile (line 3) ends with USER root, so the container runs as root.',
    ]);
  });

  it('does not report a child that inherits a non-root USER from its base, through the stages it is built FROM', async () => {
    const found = await rootFindings({
      'images/runtime-base/Dockerfile': lines('ARG APP_UID=10001', 'FROM debian:12-slim', 'ARG APP_UID', 'RUN useradd -r -u 10001 app', 'USER root', 'RUN apt-get update', 'USER ${APP_UID}'),
      'worker/Dockerfile': lines('FROM acme-runtime-base:1.0 AS runtime', 'FROM golang:1.22 AS build', 'RUN go build -o /out/worker ./cmd/worker', 'FROM runtime', 'COPY --from=build /out/worker /worker', 'CMD ["/worker"]'),
    });
    assert.deepEqual(found, []);
  });

  it('names the base that sets no USER either; a base of a base is judged by the image that runs', async () => {
    const found = await rootFindings({
      'make/core/Dockerfile.base': lines('FROM example.org/photon:5.0', 'RUN tdnf install -y shadow'),
      'make/core/Dockerfile': lines('ARG base_namespace', 'FROM ${base_namespace}/harbor-core-base:2.11', 'COPY core /core', 'ENTRYPOINT ["/core"]'),
      // toolchain <- builder <- app: only app runs, and it sets USER.
      'images/toolchain/Dockerfile': lines('FROM debian:12-slim', 'USER root'),
      'images/builder/Dockerfile': lines('FROM example.org/acme/toolchain:3', 'RUN make'),
      'app/Dockerfile': lines('FROM example.org/acme/builder:3', 'USER 10001', 'CMD ["/app"]'),
    });
    assert.deepEqual(found, [
      'make/core/Dockerfile:2 no-user The final stage sets no USER, nor does make/core/Dockerfile.base, the Dockerfile of the image it is built FROM (harbor-core-base), so the container runs as root.',
    ]);
  });

  it('still reports USER root in a Dockerfile no other Dockerfile of the scan builds on, and in one that runs (its own CMD)', async () => {
    assert.deepEqual(await rootFindings({ 'docker/base.Dockerfile': lines('FROM debian:12-slim', 'RUN useradd -r app', 'USER root') }), [
      'docker/base.Dockerfile:3 root-user The image ends with USER root: the container process runs as root.',
    ]);
    const found = await rootFindings({
      'base.Dockerfile': lines('FROM debian:12-slim', 'USER root', 'CMD ["/usr/bin/serve"]'),
      'app.Dockerfile': lines('FROM example.org/acme/base:1', 'USER 1000', 'CMD ["/app"]'),
    });
    assert.deepEqual(found, ['base.Dockerfile:2 root-user The image ends with USER root: the container process runs as root.']);
  });

  it('takes an image named exactly after a Dockerfile of the scan for that one, not for another whose name it only ends with', async () => {
    const found = await rootFindings({
      'images/base-notebook/Dockerfile': lines('FROM debian:12-slim', 'RUN useradd -r -u 1000 jovyan', 'USER 1000', 'CMD ["start-notebook.py"]'),
      // No CMD, named notebook: base-notebook is not its image, so it is no base and runs as root.
      'examples/notebook/Dockerfile': lines('FROM debian:12-slim', 'RUN apt-get update'),
      'recipes/spellcheck.dockerfile': lines('FROM example.org/jupyter/base-notebook:2025-01-01', 'RUN pip install --no-cache-dir jupyter-spellcheck==1.2.0', 'USER 1000'),
    });
    assert.deepEqual(found, ['examples/notebook/Dockerfile:1 no-user The final stage sets no USER, so the container runs as root.']);
  });

  it('reads a FROM whose ARG default names earlier ARGs (ARG BASE=$REGISTRY/$OWNER/name), and lets a child inherit the user of a base that has its own CMD', async () => {
    const family = {
      'images/base-notebook/Dockerfile': lines('FROM debian:12-slim', 'RUN useradd -r -u 1000 jovyan', 'USER 1000', 'CMD ["start-notebook.py"]'),
      'images/scipy-notebook/Dockerfile': lines('ARG REGISTRY=example.org', 'ARG OWNER=jupyter', 'ARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook', 'FROM $BASE_IMAGE', 'RUN pip install --no-cache-dir scipy==1.14.1'),
      'images/torch-notebook/Dockerfile': lines('ARG REGISTRY=example.org', 'ARG OWNER=jupyter', 'ARG BASE_IMAGE=$REGISTRY/$OWNER/scipy-notebook', 'FROM $BASE_IMAGE', 'USER root', 'RUN apt-get update'),
    };
    // base-notebook runs as 1000 and scipy-notebook inherits it; torch-notebook switches to root and stays there.
    assert.deepEqual(await rootFindings(family), ['images/torch-notebook/Dockerfile:5 root-user The image ends with USER root: the container process runs as root.']);
  });

  it('does not ask to pin the tag of a base image that another Dockerfile of the scan builds; still does for images from elsewhere', async () => {
    const result = await scanIacTree({
      'images/base/Dockerfile': lines('FROM debian:12-slim', 'RUN useradd -r -u 1000 app', 'USER 1000'),
      'images/app/Dockerfile': lines('ARG REGISTRY=example.org', 'FROM $REGISTRY/acme/base', 'COPY app /app', 'CMD ["/app"]'),
      'images/tool/Dockerfile': lines('FROM example.org/acme/tool:latest', 'USER 1000', 'CMD ["/tool"]'),
    });
    const pins = result.findings.filter((f) => f.ruleId === 'iac/dockerfile-image-untagged' || f.ruleId === 'iac/dockerfile-image-latest').map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`);
    assert.deepEqual(pins, ['images/tool/Dockerfile:1 iac/dockerfile-image-latest']);
  });

  it('does not let an ARG default that doubles at every line grow without bound', async () => {
    const doubling = ['ARG A=abcdefgh', ...Array.from({ length: 40 }, () => 'ARG A=$A$A'), 'FROM example.org/acme/${A}:1', 'USER 1000'];
    const result = await scanIacTree({ 'Dockerfile': lines(...doubling) });
    assert.ok(result.findings.every((f) => f.message.length < 10_000));
  });

  it('does not take a public image whose name only ends with a Dockerfile\'s stem for that Dockerfile\'s image', async () => {
    const found = await rootFindings({
      // No CMD: a base, were anything built on it.
      'dockerfiles/Dockerfile.lint': lines('FROM golang:1.22-alpine AS lint', 'RUN go install example.org/linter@v1.2.3'),
      'vendor/example.org/otel/dependencies.Dockerfile': lines('FROM example/markdown-lint:v1@sha256:6aeedc2f49138ce7a1cd0adffc1b1c0321b841dc2102408967d9301c031949ee AS markdown'),
    });
    // dependencies.Dockerfile, FROM lines only, tracks versions and builds nothing: not reported itself.
    assert.deepEqual(found, ['dockerfiles/Dockerfile.lint:1 no-user The final stage sets no USER, so the container runs as root.']);
  });
  it("does not take a vendor's image named after its own namespace (quay.io/centos/centos) for the Dockerfile of a folder of that name", async () => {
    const found = await rootFindings({
      // A variant folder named for the distribution: its image is the scan's acme-tools, built FROM acme-base.
      'images/tools/centos/Dockerfile': lines('ARG BASE=acme-base:centos-1.2', 'FROM ${BASE} AS builder', 'USER 1000', 'RUN make -C /src'),
      'images/base/centos/Dockerfile': lines('FROM quay.io/centos/centos:stream9-minimal', 'RUN microdnf install -y gcc make', 'CMD ["make"]'),
    });
    // Taken for the image of tools/centos, base/centos inherited its USER 1000 and was not reported.
    assert.deepEqual(found, ['images/base/centos/Dockerfile:1 no-user The final stage sets no USER, so the container runs as root.']);
  });
});


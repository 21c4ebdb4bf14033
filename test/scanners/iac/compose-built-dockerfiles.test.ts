import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtDockerfile, hasOwnHealthcheck } from '../../../src/scanners/iac/compose/built-dockerfiles.js';
import { readCompose } from '../../../src/scanners/iac/compose/model.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';
import { scanMemory } from '../../helpers/memory-files.js';
import { yamlLoadStats } from '../../../src/scanners/iac/yaml/tree.js';

function services(yaml: string) {
  return readCompose(yaml, () => {})!.services;
}

describe('Dockerfiles built by compose services', () => {
  it('resolves the built Dockerfile against the compose file folder', () => {
    const [a, b, c, d, e] = services(
      [
        'services:',
        '  a: { build: ./api }',
        '  b: { build: { context: ., dockerfile: docker/web.dockerfile } }',
        '  c: { build: "https://example.org/repo.git#main" }',
        '  d: { build: ../../outside }',
        '  e: { image: example.org/e:1 }',
        '',
      ].join('\n'),
    );
    assert.equal(builtDockerfile('deploy/docker-compose.yml', a!), 'deploy/api/Dockerfile');
    assert.equal(builtDockerfile('docker-compose.yml', b!), 'docker/web.dockerfile');
    assert.equal(builtDockerfile('docker-compose.yml', c!), undefined);
    assert.equal(builtDockerfile('deploy/docker-compose.yml', d!), undefined);
    assert.equal(builtDockerfile('docker-compose.yml', e!), undefined);
  });

  it('counts only a health check that runs a test', () => {
    const [on, off, none, tuned] = services(
      [
        'services:',
        '  on: { healthcheck: { test: ["CMD", "curl", "-f", "http://localhost/"] } }',
        '  off: { healthcheck: { test: ["CMD", "true"], disable: true } }',
        '  none: { healthcheck: { test: ["NONE"] } }',
        '  tuned: { healthcheck: { interval: 10s } }',
        '',
      ].join('\n'),
    );
    assert.deepEqual([on, off, none, tuned].map((s) => hasOwnHealthcheck(s!)), [true, false, false, false]);
  });

  it('does not report a missing HEALTHCHECK when the compose service that runs the image has one', async () => {
    const dockerfile = 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "server.js"]\n';
    const result = await scanIacTree({
      'api/Dockerfile': dockerfile,
      'worker/Dockerfile': dockerfile,
      'docker-compose.yml': [
        'services:',
        '  api:',
        '    build: ./api',
        '    healthcheck:',
        '      test: ["CMD", "wget", "-qO-", "http://localhost:3000/health"]',
        '  worker:',
        '    build: ./worker',
        '',
      ].join('\n'),
    });
    const missing = result.findings.filter((f) => f.ruleId === 'iac/dockerfile-missing-healthcheck').map((f) => f.location.path);
    assert.deepEqual(missing, ['worker/Dockerfile']);
  });

  it('names a built image and its build context with the values of the .env file beside the compose file, so a builder image the others build FROM is a base image', async () => {
    // A family of builder images: the compose file names them from .env, the Dockerfiles that use one name it in an ARG default.
    const builder = 'ARG BASE_IMAGE=acme-build-base:alpine-1.2\nFROM ${BASE_IMAGE} AS builder\nRUN make -C /src\n';
    const result = await scanIacTree({
      '.env': 'BUILD_BASE_IMAGE=acme-build-base\nBUILD_TOOLS_IMAGE=acme-build-tools\nIMAGE_TAG=alpine-1.2\nOS_TAG=alpine\n',
      'docker-compose.yml': [
        'services:',
        '  build-base:',
        '    build: ./images/build-base/alpine',
        '    image: ${BUILD_BASE_IMAGE}:${IMAGE_TAG}',
        '  build-tools:',
        '    build:',
        '      context: ./images/build-tools/${OS_TAG}',
        '    image: ${BUILD_TOOLS_IMAGE}:${IMAGE_TAG}${MISSING_SUFFIX:-}',
        '',
      ].join('\n'),
      'images/build-base/alpine/Dockerfile': 'FROM alpine:3.20\nRUN apk add --no-cache build-base git\n',
      'images/build-tools/alpine/Dockerfile': builder,
      'images/server/alpine/Dockerfile': 'ARG BUILD_IMAGE=acme-build-tools:alpine-1.2\nFROM ${BUILD_IMAGE} AS builder\nFROM alpine:3.20\nCOPY --from=builder /out/server /usr/sbin/server\nUSER 1997\nCMD ["/usr/sbin/server"]\n',
    });
    const noUser = result.findings.filter((f) => f.ruleId === 'iac/dockerfile-no-user').map((f) => f.location.path);
    assert.deepEqual(noUser, []);
  });

  it('reads the builds of a compose file named in an unusual form (docker-compose_v3_local.yaml), known by its content', async () => {
    const dockerfile = 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "server.js"]\n';
    const compose = ['services:', '  api:', '    build: ./api', '    healthcheck:', '      test: ["CMD", "wget", "-qO-", "http://localhost:3000/health"]', ''].join('\n');
    const result = await scanIacTree({ 'api/Dockerfile': dockerfile, 'docker-compose_v3_local.yaml': compose, 'notes/compose_plan.yaml': 'steps:\n  - build: ./api\n' });
    assert.deepEqual(result.findings.filter((f) => f.ruleId === 'iac/dockerfile-missing-healthcheck'), []);
  });

  it("parses the compose file once: the pass that reads its builds before the loop holds the parse for the file's analysis", async () => {
    const texts = {
      'api/Dockerfile': 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "server.js"]\n',
      'compose.yaml': 'services:\n  api:\n    build: ./api\n    privileged: true\n',
      // YAML another pass reads between that one and the loop (the bindings of its directory): the last parse alone would not be the compose file's.
      'k8s/role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\nroleRef:\n  kind: Role\n  name: r\n  apiGroup: rbac.authorization.k8s.io\nsubjects:\n  - kind: ServiceAccount\n    name: default\n',
    };
    const before = yamlLoadStats.loads;
    const { findings } = await scanMemory(texts);
    // The compose file once, the RoleBinding once (before the loop for its directory's bindings, held for the loop by the
    // scan's parses, yaml/parses.ts; twice before them). Before, the compose file twice too: 4.
    assert.equal(yamlLoadStats.loads - before, 2);
    assert.ok(findings.some((f) => f.location.path === 'compose.yaml' && f.ruleId === 'iac/compose-privileged'));
  });

  it('in a scan of staged files, reads the healthcheck of a compose file of the index that is not staged', async () => {
    const t = tempTree({
      'api/Dockerfile': 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "server.js"]\n',
      'worker/Dockerfile': 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "worker.js"]\n',
      'docker-compose.yml': 'services:\n  api:\n    build: ./api\n    healthcheck:\n      test: ["CMD", "true"]\n  worker:\n    build: ./worker\n',
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('api/Dockerfile', 'FROM node:20.12-alpine\nUSER node\nCMD ["node", "server.js"]\n');
      t.write('worker/Dockerfile', 'FROM node:20.12-alpine\nUSER node\nCMD ["node", "worker.js"]\n');
      git(t.dir, 'add', 'api/Dockerfile', 'worker/Dockerfile');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      const missing = result.findings.filter((f) => f.ruleId === 'iac/dockerfile-missing-healthcheck').map((f) => f.location.path);
      assert.deepEqual(missing, ['worker/Dockerfile']);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });
});

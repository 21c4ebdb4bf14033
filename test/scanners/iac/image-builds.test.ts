import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPushActionTags, buildTags, builtImageKey } from '../../../src/scanners/iac/image-builds.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

const LATEST = 'iac/compose-image-latest';
const K8S_LATEST = 'iac/k8s-image-latest';

describe('images the repository builds itself', () => {
  it('reads the tags of build commands, written out only', () => {
    const text = [
      'web:',
      '\t@docker build --pull -t web test/requirements/web',
      'app:',
      '\tdocker buildx build --platform linux/amd64 \\',
      '\t\t--tag=acme/app:test .',
      '\tpodman build -t$(IMAGE) .',
      '\tdocker build --tag "registry.example.org/team/tool:1.2" -f tools/Dockerfile .',
      '# docker build -t commented .',
      '\tdocker run -t web',
    ].join('\n');
    assert.deepEqual(buildTags(text), ['web', 'acme/app:test', 'registry.example.org/team/tool:1.2']);
  });

  it("fills a Makefile's variables set once to a value written out", () => {
    const makefile = [
      'CONTAINER_TOOL ?= docker',
      'IMG ?= acme/controller:latest',
      'TAG := $(shell git describe)',
      'TWICE = a',
      'TWICE = b',
      'docker-build:',
      '\t$(CONTAINER_TOOL) build -t ${IMG} .',
      '\tdocker build -t acme/app:$(TAG) -t acme/$(TWICE) .',
    ].join('\n');
    assert.deepEqual(buildTags(makefile, true), ['acme/controller:latest']);
    assert.deepEqual(buildTags(makefile), []);
  });

  it("reads the tags of a workflow's docker/build-push-action steps, written out only", () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - uses: docker/build-push-action@0000000000000000000000000000000000000000 # v6',
      '        with:',
      '          load: true',
      '          tags: |',
      '            acme/app:test',
      '            ${{ env.IMAGE }}:${{ github.sha }}',
      '      - uses: docker/build-push-action@0000000000000000000000000000000000000000 # v6',
      '        with:',
      '          tags: acme/worker:ci,acme/worker:e2e',
      '      - uses: example/other-action@0000000000000000000000000000000000000000 # v1',
      '        with:',
      '          tags: acme/other',
      '',
    ].join('\n');
    assert.deepEqual(buildPushActionTags(workflow), ['acme/app:test', 'acme/worker:ci', 'acme/worker:e2e']);
  });

  it('keys an image by repository and tag', () => {
    assert.equal(builtImageKey('web'), 'web:latest');
    assert.equal(builtImageKey('docker.io/library/web:latest'), 'web:latest');
    assert.equal(builtImageKey('acme/app:Test'), 'acme/app:test');
    assert.equal(builtImageKey('acme/app:${TAG}'), undefined);
    assert.equal(builtImageKey('acme/app@sha256:' + 'a'.repeat(64)), undefined);
  });

  it('does not report a compose image that a Makefile, script or workflow of the scan builds under that name and tag', async () => {
    const result = await scanIacTree({
      Makefile: 'build-web:\n\tdocker build --pull -t web test/web\n',
      'ci/images.sh': '#!/bin/sh\nset -e\ndocker build -t acme/tester:ci test/tester\n',
      '.github/workflows/test.yml': 'on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: docker build -t acme/proxy:test .\n',
      '.github/workflows/e2e.yml': 'on: push\npermissions: {}\njobs:\n  e2e:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: docker/build-push-action@0000000000000000000000000000000000000000 # v6\n        with:\n          load: true\n          tags: acme/e2e:nightly\n',
      'test/docker-compose.yml': [
        'services:',
        '  e2e:',
        '    image: acme/e2e:nightly',
        '  web1:',
        '    image: web',
        '  tester:',
        '    image: acme/tester:ci',
        '  proxy:',
        '    image: acme/proxy:test',
        // Another tag of a built image, and an image nothing builds: pulled.
        '  released:',
        '    image: acme/proxy',
        '  cache:',
        '    image: redis',
        '',
      ].join('\n'),
    });
    const flagged = result.findings.filter((f) => f.ruleId === LATEST).map((f) => f.message.split(' ')[1]);
    assert.deepEqual(flagged.sort(), ['cache', 'released']);
  });

  it('does not report the image a service of another compose file builds', async () => {
    const result = await scanIacTree({
      'app/Dockerfile': 'FROM scratch\n',
      'docker-compose.yml': 'services:\n  app:\n    build: ./app\n    image: acme/app\n',
      'docker-compose.worker.yml': 'services:\n  worker:\n    image: acme/app\n  other:\n    image: acme/other\n',
    });
    const flagged = result.findings.filter((f) => f.ruleId === LATEST).map((f) => f.message.split(' ')[1]);
    assert.deepEqual(flagged, ['other']);
  });

  it("does not report a kubebuilder operator's controller:latest, which its Makefile builds, in its manifests and through its kustomization", async () => {
    const deployment = (name: string, image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: ${name}\n        image: ${image}\n`;
    const result = await scanIacTree({
      Makefile: 'IMG ?= controller:latest\nCONTAINER_TOOL ?= docker\ndocker-build:\n\t$(CONTAINER_TOOL) build -t ${IMG} .\n\tdocker build -t acme/worker:v2 worker\n',
      'config/manager/kustomization.yaml': 'resources:\n- manager.yaml\nimages:\n- name: controller\n  newName: controller\n  newTag: latest\n',
      'config/manager/manager.yaml': deployment('controller-manager', 'controller:latest'),
      // Not through a kustomization; the same name under another tag, and another tag of an image built: pulled.
      'deploy/plain.yaml': deployment('plain', 'controller'),
      'deploy/other-tag.yaml': deployment('other-tag', 'controller:main'),
      'deploy/worker.yaml': deployment('worker', 'acme/worker'),
    });
    const flagged = result.findings.filter((f) => f.ruleId === K8S_LATEST).map((f) => f.location.path);
    assert.deepEqual(flagged.sort(), ['deploy/other-tag.yaml', 'deploy/worker.yaml']);
  });

  it("does not report the image a Helm chart runs when the repository's Makefile builds it under that name and tag", async () => {
    const chart = {
      'dist/chart/Chart.yaml': 'apiVersion: v2\nname: operator\nversion: 0.1.0\n',
      'dist/chart/values.yaml': 'manager:\n  image:\n    repository: controller\n    tag: latest\nsidecar:\n  image: acme/proxy:latest\n',
      'dist/chart/templates/manager.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  template:\n    spec:\n      containers:\n      - name: manager\n        image: "{{ .Values.manager.image.repository }}:{{ .Values.manager.image.tag }}"\n      - name: proxy\n        image: {{ .Values.sidecar.image }}\n',
    };
    const flagged = async (files: Record<string, string>) =>
      (await scanIacTree(files)).findings.filter((f) => f.ruleId === K8S_LATEST).map((f) => `${f.location.path}:${f.location.startLine}`).sort();
    assert.deepEqual(await flagged({ ...chart, Makefile: 'IMG ?= controller:latest\ndocker-build:\n\tdocker build -t ${IMG} .\n' }), ['dist/chart/templates/manager.yaml:12']);
    // Without the Makefile, controller:latest is pulled from a registry.
    assert.deepEqual(await flagged(chart), ['dist/chart/templates/manager.yaml:10', 'dist/chart/templates/manager.yaml:12']);
  });

  it('in a scan of staged files, reads the Makefiles and scripts of the index that are not staged', async () => {
    const t = tempTree({
      Makefile: 'build-web:\n\tdocker build --pull -t web test/web\n',
      'scripts/images.sh': '#!/bin/sh\ndocker build -t acme/tester test/tester\n',
      'test/docker-compose.yml': 'services:\n  web:\n    image: web\n',
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('test/docker-compose.yml', 'services:\n  web:\n    image: web\n  tester:\n    image: acme/tester\n  cache:\n    image: redis\n');
      git(t.dir, 'add', 'test/docker-compose.yml');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      const flagged = result.findings.filter((f) => f.ruleId === LATEST).map((f) => f.message.split(' ')[1]);
      assert.deepEqual(flagged, ['cache']);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });

  it("in a scan of staged files, leaves a manifest's image to the Makefile of the index that builds it", async () => {
    const pod = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;
    const t = tempTree({ Makefile: 'IMG ?= controller:latest\ndocker-build:\n\tdocker build -t ${IMG} .\n', 'config/manager.yaml': pod('registry.example.org/app:1.4.2') });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('config/manager.yaml', pod('controller:latest'));
      t.write('config/cache.yaml', pod('redis'));
      git(t.dir, 'add', 'config');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.filter((f) => f.ruleId === K8S_LATEST).map((f) => f.location.path), ['config/cache.yaml']);
    } finally {
      t.cleanup();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { allFinishWithin } from '../../helpers/hang-guard.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { readSkaffold } from '../../../src/scanners/iac/kubernetes/skaffold.js';
import { readTiltfile, type TiltDeploy } from '../../../src/scanners/iac/kubernetes/tiltfile.js';

const deployment = (name: string, image: string, extra = '') =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}, namespace: shop}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `      - name: ${name}`,
    `        image: ${image}`,
    extra,
  ].join('\n');

const PIN_RULES = new Set(['iac/k8s-image-latest', 'iac/k8s-image-without-digest', 'iac/k8s-image-pull-policy-not-always']);

/** The image pin findings of a scan of `files`, as `rule path:line`, and its warnings. */
async function pinFindings(files: Record<string, string>): Promise<{ found: string[]; warnings: string[] }> {
  const result = await scanIacTree(files);
  return {
    found: result.findings
      .filter((f) => PIN_RULES.has(f.ruleId))
      .map((f) => `${f.ruleId.slice(4)} ${f.location.path}:${f.location.startLine}`)
      .sort(),
    warnings: result.warnings.map((w) => `${w.path ?? ''}: ${w.message}`),
  };
}

describe('images skaffold builds and deploys', () => {
  it('leaves an artifact (tag aside) in a manifest skaffold deploys to skaffold, and reports the same image in a manifest it does not deploy', async () => {
    const { found } = await pinFindings({
      'skaffold.yaml': ['apiVersion: skaffold/v4beta11', 'kind: Config', 'build:', '  artifacts:', '  - image: web', '    context: src/web', '  - image: registry.example.org/team/api', 'manifests:', '  rawYaml:', '  - ./deploy/*.yaml', ''].join('\n'),
      'deploy/web.yaml': deployment('web', 'web'),
      // A tag in the manifest is replaced too (IfNotPresent then pulls the pinned build).
      'deploy/api.yaml': deployment('api', 'registry.example.org/team/api:dev'),
      // Not an artifact: judged as written.
      'deploy/cache.yaml': deployment('cache', 'redis'),
      // Outside skaffold's globs: nothing replaces it.
      'other/web.yaml': deployment('web', 'web'),
      // Another registry's image of the same name is no artifact.
      'deploy/mirror.yaml': deployment('mirror', 'mirror.example.org/web'),
    });
    assert.deepEqual(found, [
      'k8s-image-latest deploy/cache.yaml:9',
      'k8s-image-latest deploy/mirror.yaml:9',
      'k8s-image-latest other/web.yaml:9',
    ]);
  });

  it('reads kustomize paths (kustomize first, then skaffold replaces), several documents, profiles and their patches', async () => {
    const skaffold = [
      'apiVersion: skaffold/v3',
      'kind: Config',
      'metadata: {name: app}',
      'build:',
      '  artifacts:',
      '  - image: web',
      'manifests:',
      '  kustomize:',
      '    paths: [k8s]',
      'profiles:',
      '- name: extra',
      '  build:',
      '    artifacts:',
      '    - image: worker',
      '  manifests:',
      '    rawYaml: [jobs/worker.yaml]',
      '- name: patched',
      '  patches:',
      '  - op: add',
      '    path: /build/artifacts/1',
      '    value: {image: batch}',
      '  - op: add',
      '    path: /manifests/rawYaml/0',
      '    value: jobs/batch.yaml',
      '---',
      'apiVersion: skaffold/v3',
      'kind: Config',
      'metadata: {name: loader}',
      'build:',
      '  artifacts:',
      '  - image: loader',
      'manifests:',
      '  rawYaml: [jobs/loader.yaml]',
      '',
    ].join('\n');
    const { found } = await pinFindings({
      'app/skaffold.yaml': skaffold,
      'app/k8s/kustomization.yaml': 'resources: [web.yaml]\nimages:\n- name: website\n  newName: web\n',
      'app/k8s/web.yaml': deployment('web', 'website'),
      'app/jobs/worker.yaml': deployment('worker', 'worker'),
      'app/jobs/batch.yaml': deployment('batch', 'batch'),
      'app/jobs/loader.yaml': deployment('loader', 'loader'),
      // Not listed by any config or profile.
      'app/jobs/other.yaml': deployment('other', 'worker'),
    });
    assert.deepEqual(found, ['k8s-image-latest app/jobs/other.yaml:9']);
  });

  it('deploys k8s/*.yaml when a config names no manifests, and reads v1/v2 deploy.kubectl.manifests', async () => {
    const { found } = await pinFindings({
      'a/skaffold.yaml': 'apiVersion: skaffold/v2beta29\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n',
      'a/k8s/a.yaml': deployment('a', 'a'),
      'a/k8s/nested/a.yaml': deployment('a', 'a'),
      'b/skaffold.yml': 'apiVersion: skaffold/v1\nkind: Config\nbuild:\n  artifacts:\n  - image: b\ndeploy:\n  kubectl:\n    manifests:\n    - manifests/**/*.yaml\n',
      'b/manifests/deep/b.yaml': deployment('b', 'b'),
      'b/k8s/b.yaml': deployment('b', 'b'),
    });
    assert.deepEqual(found, ['k8s-image-latest a/k8s/nested/a.yaml:9', 'k8s-image-latest b/k8s/b.yaml:9']);
  });

  it('judges a Helm chart skaffold deploys on the images it builds', async () => {
    const { found } = await pinFindings({
      'skaffold.yaml': 'apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: web\nmanifests:\n  helm:\n    releases:\n    - name: web\n      chartPath: chart\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'chart/values.yaml': 'image: web:latest\nsidecar: proxy:latest\n',
      'chart/templates/deployment.yaml': deployment('web', '{{ .Values.image }}', '      - name: proxy\n        image: {{ .Values.sidecar }}\n'),
    });
    assert.deepEqual(found, ['k8s-image-latest chart/templates/deployment.yaml:11']);
  });

  it('with --staged, reads the skaffold.yaml of the index above a staged manifest', async () => {
    const t = tempTree({ 'app/skaffold.yaml': 'apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: web\n' });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('app/k8s/web.yaml', deployment('web', 'web'));
      t.write('app/other/web.yaml', deployment('web', 'web'));
      git(t.dir, 'add', 'app/k8s/web.yaml', 'app/other/web.yaml');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(result.findings.filter((f) => PIN_RULES.has(f.ruleId)).map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`).sort(), [
        'app/other/web.yaml:9 iac/k8s-image-latest',
      ]);
    } finally {
      t.cleanup();
    }
  });

  it('leaves ko:// import paths to ko', async () => {
    const { found } = await pinFindings({ 'deploy/web.yaml': deployment('web', 'ko://example.org/shop/cmd/web') });
    assert.deepEqual(found, []);
  });

  it('reads no configuration from what is not one, and copes with hostile skaffold files', async () => {
    assert.equal(readSkaffold('skaffold.yaml', 'apiVersion: v1\nkind: Pod\n'), undefined);
    const bomb = ['apiVersion: skaffold/v4beta11', 'kind: Config', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    bomb.push('build:', '  artifacts:', '  - image: web', '');
    const huge = `apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: web\n# ${'x'.repeat(2 * 1024 * 1024)}\n`;
    for (const text of [bomb.join('\n'), huge]) {
      const { found } = await pinFindings({ 'skaffold.yaml': text, 'k8s/web.yaml': deployment('web', 'web') });
      // Nothing read from the file: the manifest is judged as written.
      assert.deepEqual(found, ['k8s-image-latest k8s/web.yaml:9']);
    }
  });
});

describe('images Tilt builds and deploys', () => {
  it('reads literal docker_build, custom_build and k8s_yaml calls only', () => {
    const tiltfile = [
      '# docker_build("commented", ".")',
      "docker_build('web', '.', live_update=[sync('.', '/app')])",
      'custom_build(ref="worker", command="make image", deps=["."])',
      "print(\"docker_build('quoted', '.')\")",
      "k8s_yaml('k8s/web.yaml')",
      "k8s_yaml(['k8s/worker.yaml', 'k8s/cron.yaml', name + '.yaml'])",
      "k8s_yaml(kustomize('overlays/dev'))",
      'k8s_yaml(files)',
      "k8s_yaml(helm('chart'))",
      "obj.docker_build('method', '.')",
      "docker_build(image_name, '.')",
      "k8s_yaml('../outside.yaml')",
      '',
    ].join('\n');
    assert.deepEqual(readTiltfile('dev/Tiltfile', tiltfile), {
      artifacts: ['web', 'worker'],
      manifests: ['dev/k8s/web.yaml', 'dev/k8s/worker.yaml', 'dev/k8s/cron.yaml', 'outside.yaml'],
      kustomizeDirs: ['dev/overlays/dev'],
    });
  });

  it('leaves the images a Tiltfile builds to Tilt in the manifests it deploys', async () => {
    const { found } = await pinFindings({
      Tiltfile: "docker_build('example-app', '.')\nk8s_yaml('kubernetes.yaml')\nk8s_yaml(kustomize('k8s'))\n",
      'kubernetes.yaml': deployment('app', 'example-app'),
      'k8s/kustomization.yaml': 'resources: [app.yaml]\n',
      // Docker's full name of the same image.
      'k8s/app.yaml': deployment('app', 'docker.io/library/example-app'),
      'other.yaml': deployment('app', 'example-app'),
    });
    assert.deepEqual(found, ['k8s-image-latest other.yaml:9']);
  });

  // A hang guard: read in a worker that must finish within a minute; each input takes a fraction
  // of a second, and reading it in time quadratic in its calls, quotes or brackets would take hours.
  it('reads hostile Tiltfiles in linear time', async () => {
    const texts = ['k8s_yaml('.repeat(200_000), `"${'\\"'.repeat(300_000)}`, `'''${"docker_build('x', '.')\n".repeat(20_000)}`, 'docker_build(['.repeat(100_000)];
    const reads = await allFinishWithin<TiltDeploy>(60_000, new URL('../../../src/scanners/iac/kubernetes/tiltfile.ts', import.meta.url), 'readTiltfile', texts.map((text) => ['Tiltfile', text]));
    assert.deepEqual(reads.map((read) => read.artifacts), [[], [], [], []]);
  });
});

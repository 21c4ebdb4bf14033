import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanIacTree } from '../../helpers/iac-scan.js';

const deployment = (image: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: web',
    `        image: ${image}`,
    '',
  ].join('\n');

const DIGEST = 'sha256:' + 'ab'.repeat(32);

async function imageFindings(files: Record<string, string>): Promise<string[]> {
  return (await scanIacTree(files)).findings
    .filter((f) => f.ruleId === 'iac/k8s-image-latest' || f.ruleId === 'iac/k8s-image-without-digest')
    .map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`)
    .sort();
}

describe('kustomize images', () => {
  it('judges a base image as the overlay that deploys it sets it (newTag and digest)', async () => {
    const found = await imageFindings({
      'base/deployment.yaml': deployment('registry.example.org/web'),
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'overlays/prod/kustomization.yaml': `resources: [../../base]\nimages:\n- name: registry.example.org/web\n  newTag: 1.4.2\n  digest: ${DIGEST}\n`,
    });
    assert.deepEqual(found, []);
  });

  it('reads a kustomization named Kustomization, kustomize\'s third file name', async () => {
    const found = await imageFindings({
      'base/deployment.yaml': deployment('registry.example.org/web'),
      'base/Kustomization': 'resources: [deployment.yaml]\n',
      'overlays/prod/Kustomization': `resources: [../../base]\nimages:\n- name: registry.example.org/web\n  newTag: 1.4.2\n  digest: ${DIGEST}\n`,
    });
    assert.deepEqual(found, []);
  });

  it('reports the image the overlay sets, naming the overlay', async () => {
    const found = await imageFindings({
      'base/deployment.yaml': deployment('registry.example.org/web:1.0'),
      'base/kustomization.yaml': 'resources: [deployment.yaml]\nimages:\n- name: registry.example.org/web\n  newTag: latest\n',
    });
    assert.deepEqual(found, [
      "iac/k8s-image-latest base/deployment.yaml:9 Deployment/web container web runs registry.example.org/web:latest (set by the images of base/kustomization.yaml) on the floating 'latest' tag; pin a version and digest.",
    ]);
  });

  it('leaves images the overrides do not name as written', async () => {
    const found = await imageFindings({
      'app/deployment.yaml': deployment('registry.example.org/other:2.0'),
      'app/kustomization.yaml': `resources: [deployment.yaml]\nimages:\n- name: registry.example.org/web\n  digest: ${DIGEST}\n`,
    });
    assert.deepEqual(found, ['iac/k8s-image-without-digest app/deployment.yaml:9 Deployment/web container web runs registry.example.org/other:2.0 by tag only; pin the digest.']);
  });
  it("retags the image of a container an overlay's patch adds, in a patch file and inline", async () => {
    const sidecar = (indent: string) =>
      ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  template:', '    spec:', '      containers:', '      - name: proxy', '        image: registry.example.org/proxy', '']
        .map((line) => (line ? indent + line : line))
        .join('\n');
    const overrides = `images:\n- name: registry.example.org/proxy\n  newTag: 2.1.0\n  digest: ${DIGEST}\n`;
    const found = await imageFindings({
      'base/deployment.yaml': deployment(`registry.example.org/web@${DIGEST}`),
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'overlays/file/kustomization.yaml': `resources: [../../base]\npatches:\n- path: proxy.yaml\n${overrides}`,
      'overlays/file/proxy.yaml': sidecar(''),
      'overlays/inline/kustomization.yaml': `resources: [../../base]\npatches:\n- patch: |-\n${sidecar('    ')}${overrides}`,
    });
    assert.deepEqual(found, []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployerDocuments } from '../../../src/scanners/iac/deployer-documents.js';
import { readDeployers } from '../../../src/scanners/iac/deployers.js';
import type { WorkspaceFile } from '../../../src/workspace/files.js';

const application = (name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\nspec:\n  destination:\n    namespace: ${name}\n  source:\n    path: ${path}\n    helm:\n      valuesObject:\n        a: 1\n`;
const fluxKustomization = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  path: ./apps\n  targetNamespace: apps\n';
const helmRelease = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef:\n        kind: GitRepository\n        name: repo\n  values:\n    a: 1\n';
const releases = 'releases:\n  - name: web\n    chart: ./charts/web\n    values: [{ a: 1 }]\n';
const helmCharts = 'helmCharts:\n  - name: web\n    valuesInline:\n      a: 1\n';

describe('deployers: the documents that deploy other files of the scan', () => {
  it('are told by their kind and apiVersion, helmfile releases only in a helmfile and helmCharts only in a kustomization', () => {
    const kinds = (file: string, source: string) => deployerDocuments(file, source).map((d) => d.kind);
    assert.deepEqual(kinds('deploy.yaml', [application('web', 'charts/web'), fluxKustomization, helmRelease, 'apiVersion: v1\nkind: ConfigMap\n'].join('---\n')), ['argo-application', 'flux-kustomization', 'flux-helmrelease']);
    assert.deepEqual(kinds('helmfile.yaml', releases), ['helmfile']);
    assert.deepEqual(kinds('ops/helmfile.prod.yaml', releases), ['helmfile']);
    assert.deepEqual(kinds('releases.yaml', releases), []);
    assert.deepEqual(kinds('base/kustomization.yaml', helmCharts), ['kustomize-helmcharts']);
    assert.deepEqual(kinds('base/Kustomization', helmCharts), ['kustomize-helmcharts']);
    assert.deepEqual(kinds('values.yaml', helmCharts), []);
    // Among the kinds a reader asks for.
    assert.deepEqual(deployerDocuments('deploy.yaml', [application('web', 'charts/web'), fluxKustomization, helmRelease].join('---\n'), ['flux-kustomization']).map((d) => d.kind), ['flux-kustomization']);
    // kustomize's own Kustomization is not Flux's.
    assert.deepEqual(kinds('k.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n'), []);
  });

  it('are read in one pass: each file once, a document for both the namespace it gives and the values it gives to a chart', async () => {
    const texts: Record<string, string> = {
      'deploy/web.yaml': application('web', 'charts/web'),
      'deploy/flux.yaml': [fluxKustomization, helmRelease].join('---\n'),
      'helmfile.yaml': releases,
      'base/kustomization.yaml': helmCharts,
      // A chart's own file is rendered, not read for deployments of charts; its Application still gives a namespace.
      'charts/web/templates/app.yaml': application('inner', 'apps/inner'),
      'README.md': 'argoproj.io',
    };
    const reads: string[] = [];
    const files: WorkspaceFile[] = Object.entries(texts).map(([path, text]) => ({ path, absPath: `/x/${path}`, read: async () => Buffer.from(text), text: async () => text }));
    const found = await readDeployers(
      files,
      async (file) => {
        reads.push(file.path);
        return file.text();
      },
      { gitops: true, helm: (path) => !path.startsWith('charts/web/'), warn: (warning) => assert.fail(warning.message) },
    );
    assert.deepEqual(reads, ['deploy/web.yaml', 'deploy/flux.yaml', 'helmfile.yaml', 'base/kustomization.yaml', 'charts/web/templates/app.yaml']);
    assert.deepEqual(
      found.targets.map((t) => [t.dir, t.namespace]),
      [
        ['charts/web', 'web'],
        ['apps', 'apps'],
        ['apps/inner', 'inner'],
      ],
    );
    assert.deepEqual(
      found.deployments.map((d) => [d.what, d.chart]),
      [
        ['Application web', 'charts/web'],
        ['HelmRelease web', 'charts/web'],
        ['helmfile release web', 'charts/web'],
        ['helmCharts web', 'base/charts/web'],
      ],
    );
    assert.equal(found.budget, 64 * 1024 * 1024 - reads.reduce((sum, path) => sum + texts[path]!.length, 0));
    // Without charts, files are read for the namespaces alone: no kustomization.
    reads.length = 0;
    const namespacesOnly = await readDeployers(files, async (file) => (reads.push(file.path), file.text()), { gitops: true, warn: (warning) => assert.fail(warning.message) });
    assert.deepEqual(reads, ['deploy/web.yaml', 'deploy/flux.yaml', 'helmfile.yaml', 'charts/web/templates/app.yaml']);
    assert.deepEqual(namespacesOnly.deployments, []);
  });
  it('say which files hold CustomResourceDefinitions alone (the scan lets go of their held texts), without reading them further', async () => {
    const crd = ['apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata:', '  name: widgets.example.org', 'spec:', '  group: example.org', ''].join('\n');
    const texts: Record<string, string> = { 'crds/widgets.yaml': crd, 'deploy/web.yaml': application('web', 'charts/web'), 'crds/mixed.yaml': [crd, application('mixed', 'apps/mixed')].join('---\n') };
    const files: WorkspaceFile[] = Object.entries(texts).map(([path, text]) => ({ path, absPath: `/x/${path}`, read: async () => Buffer.from(text), text: async () => text }));
    const definitionsOnly: string[] = [];
    const visited: string[] = [];
    const found = await readDeployers(files, (file) => file.text(), {
      gitops: true,
      visit: (path) => visited.push(path),
      definitionsOnly: (file) => definitionsOnly.push(file.path),
      warn: (warning) => assert.fail(warning.message),
    });
    assert.deepEqual(definitionsOnly, ['crds/widgets.yaml']);
    assert.deepEqual(visited, ['deploy/web.yaml', 'crds/mixed.yaml']);
    assert.deepEqual(found.targets.map((t) => t.namespace), ['web', 'mixed']);
  });
});

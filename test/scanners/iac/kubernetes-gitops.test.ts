import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { gitopsTargets } from '../../../src/scanners/iac/kubernetes/gitops.js';
import { fixturePath } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';
import { HARDENED_DEPLOYMENT } from '../../helpers/kustomize-base.js';

describe('namespaces given by GitOps deployments of the repository', () => {
  it('a Flux Kustomization (recursively) and an Argo CD Application (its directory, or the kustomization there) set the namespace of what they deploy', async () => {
    const result = await runScan({ target: fixturePath('iac', 'k8s-gitops'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    const found = result.findings.filter((f) => f.ruleId === 'iac/k8s-default-namespace').map((f) => `${f.location.path}:${f.location.startLine}`);
    assert.deepEqual(found.sort(), [
      // Argo CD applies a directory without recursing into it unless told to.
      'deploy/api/nested/extra.yaml:3',
      // Deployed by nothing of the scan.
      'other/settings.yaml:3',
    ]);
  });

  it("judges a Flux Kustomization's spec.patches on what they write, and over the manifests they patch", async () => {
    const withoutLimits = HARDENED_DEPLOYMENT.replace('        resources:\n          limits: {memory: 128Mi, cpu: 100m}\n', '');
    const patch = (spec: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./apps/web\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  patches:\n    - patch: |\n        apiVersion: apps/v1\n        kind: Deployment\n        metadata:\n          name: web\n        spec:\n          template:\n            spec:\n${spec}      target:\n        kind: Deployment\n        name: web\n`;
    const limits = '              containers:\n              - name: web\n                resources:\n                  limits: {memory: 256Mi, cpu: 200m}\n';
    const t = tempTree({ 'apps/web/deploy.yaml': withoutLimits, 'clusters/prod/apps.yaml': patch(`              hostNetwork: true\n${limits}`) });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      // hostNetwork is written on line 20 of the Flux Kustomization; the limits it sets are the deployed object's.
      assert.deepEqual(result.findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`).sort(), ['clusters/prod/apps.yaml:20 iac/k8s-host-network']);
    } finally {
      t.cleanup();
    }
    assert.deepEqual(gitopsTargets('apps.yaml', patch(limits)).map((target) => [target.dir, target.namespace, target.patches?.length]), [['apps/web', '', 1]]);
  });

  it("gives the directories an ApplicationSet's git directory generator selects the namespace its template names", async () => {
    const settings = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n';
    const appset = (namespace: string, path = "'{{path}}'") =>
      `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  generators:\n  - git:\n      repoURL: https://git.example.org/shop.git\n      revision: HEAD\n      directories:\n      - path: apps/*\n      - path: apps/legacy\n        exclude: true\n  template:\n    metadata:\n      name: '{{path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://git.example.org/shop.git\n        path: ${path}\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: ${namespace}\n`;
    const scanned = async (files: Record<string, string>) => {
      const t = tempTree(files);
      try {
        const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
        return result.findings.filter((f) => f.ruleId === 'iac/k8s-default-namespace').map((f) => f.location.path).sort();
      } finally {
        t.cleanup();
      }
    };
    const files = { 'apps/web/settings.yaml': settings, 'apps/api/settings.yaml': settings, 'apps/legacy/settings.yaml': settings, 'other/settings.yaml': settings };
    // apps/legacy is excluded, other/ not selected.
    assert.deepEqual(await scanned({ ...files, 'argocd/apps.yaml': appset("'{{path.basename}}'") }), ['apps/legacy/settings.yaml', 'other/settings.yaml']);
    assert.deepEqual(await scanned({ ...files, 'argocd/apps.yaml': appset("'{{.path.basename}}-prod'", "'{{.path.path}}'") }), ['apps/legacy/settings.yaml', 'other/settings.yaml']);
    // A namespace of another generator's parameters is unknown.
    assert.deepEqual(await scanned({ ...files, 'argocd/apps.yaml': appset("'{{cluster}}'") }), ['apps/api/settings.yaml', 'apps/legacy/settings.yaml', 'apps/web/settings.yaml', 'other/settings.yaml']);
  });

  it('ignores templated paths, paths that climb out, and deployments without a namespace', () => {
    const app = (path: string, namespace = 'ns') =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    path: ${path}\n  destination:\n    namespace: ${namespace}\n`;
    assert.deepEqual(gitopsTargets('a.yaml', app("'{{path.basename}}'")), []);
    assert.deepEqual(gitopsTargets('a.yaml', app('../x')), []);
    assert.deepEqual(gitopsTargets('a.yaml', app('x', '""')), []);
    assert.deepEqual(gitopsTargets('a.yaml', app('./x/y/')).map((t) => t.dir), ['x/y']);
    assert.deepEqual(gitopsTargets('a.yaml', app('.')).map((t) => t.dir), ['']);
    const flux = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: k\nspec:\n  path: ./apps\n';
    assert.deepEqual(gitopsTargets('k.yaml', flux), []);
    assert.deepEqual(gitopsTargets('k.yaml', `${flux}  targetNamespace: apps\n`), [{ dir: 'apps', namespace: 'apps', recurse: true, from: 'k.yaml (Kustomization/k)', overrides: true }]);
  });
});

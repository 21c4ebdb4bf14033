import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';
import { HARDENED_DEPLOYMENT } from '../../helpers/kustomize-base.js';

/** The hardened Deployment/web without its container's limits: a base that leaves them to its overlays. */
const WITHOUT_LIMITS = HARDENED_DEPLOYMENT.replace('        resources:\n          limits: {memory: 128Mi, cpu: 100m}\n', '');

/** A strategic-merge patch of Deployment/web's container web: `resources` as given. */
function limitsPatch(limits: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        resources:\n          limits: ${limits}\n`;
}

/** `line rule` of each finding on a file of the scanned tree. */
async function findingsOn(files: Record<string, string>, file: string): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.location.path === file).map((f) => `${f.location.startLine} ${f.ruleId}`).sort();
  } finally {
    t.cleanup();
  }
}

describe('a base that every overlay deploying it patches', () => {
  it('is not reported for what every overlay fixes, in a patch file, an inline patch or a JSON 6902 patch', async () => {
    assert.ok(WITHOUT_LIMITS !== HARDENED_DEPLOYMENT);
    const files = {
      'base/deploy.yaml': WITHOUT_LIMITS,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: limits.yaml\n',
      'overlays/prod/limits.yaml': limitsPatch('{memory: 512Mi, cpu: "1"}'),
      'overlays/staging/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/resources\n      value: {limits: {memory: 256Mi}}\n',
      'overlays/dev/kustomization.yaml': `resources:\n- ../../base\npatches:\n- patch: |-\n${limitsPatch('{memory: 64Mi}').replace(/^/gm, '    ')}`,
    };
    // Each overlay sets a memory limit; only prod sets a cpu limit.
    assert.deepEqual(await findingsOn(files, 'base/deploy.yaml'), ['19 iac/k8s-no-cpu-limit']);
  });

  it('is reported as written when one build leaves it so, or patches it in a way not modelled', async () => {
    const base = {
      'base/deploy.yaml': WITHOUT_LIMITS,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: limits.yaml\n',
      'overlays/prod/limits.yaml': limitsPatch('{memory: 512Mi, cpu: "1"}'),
    };
    const expected = ['19 iac/k8s-no-cpu-limit', '19 iac/k8s-no-memory-limit'];
    // An overlay that patches nothing of it.
    assert.deepEqual(await findingsOn({ ...base, 'overlays/dev/kustomization.yaml': 'resources:\n- ../../base\nnamespace: dev\n' }, 'base/deploy.yaml'), expected);
    // An Argo CD Application that deploys the base itself.
    const application = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.org/shop.git\n    path: base\n  destination:\n    namespace: shop\n';
    assert.deepEqual(await findingsOn({ ...base, 'apps/web.yaml': application }, 'base/deploy.yaml'), expected);
    // A patch that chooses its objects by their labels.
    assert.deepEqual(
      await findingsOn({ ...base, 'overlays/dev/kustomization.yaml': `resources:\n- ../../base\npatches:\n- target: {kind: Deployment, labelSelector: app=web}\n  patch: |-\n${limitsPatch('{memory: 64Mi, cpu: 50m}').replace(/^/gm, '    ')}` }, 'base/deploy.yaml'),
      expected,
    );
    // The base alone, with no overlay.
    assert.deepEqual(await findingsOn({ 'base/deploy.yaml': WITHOUT_LIMITS, 'base/kustomization.yaml': 'resources:\n- deploy.yaml\n' }, 'base/deploy.yaml'), expected);
  });

  it("takes the patches of a component and of an intermediate overlay on the way", async () => {
    const files = {
      'base/deploy.yaml': WITHOUT_LIMITS,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'components/limits/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: limits.yaml\n',
      'components/limits/limits.yaml': limitsPatch('{memory: 512Mi}'),
      'overlays/common/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: cpu.yaml\n',
      'overlays/common/cpu.yaml': limitsPatch('{cpu: 200m}'),
      'overlays/prod/kustomization.yaml': 'resources:\n- ../common\ncomponents:\n- ../../components/limits\n',
    };
    // The component's memory limit merges into the cpu limit of common.
    assert.deepEqual(await findingsOn(files, 'base/deploy.yaml'), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';
import { loadYamlCached } from '../../../src/scanners/iac/yaml/cache.js';
import { YamlParses } from '../../../src/scanners/iac/yaml/parses.js';
import { yamlLoadStats } from '../../../src/scanners/iac/yaml/tree.js';

/** A Flux Kustomization that applies an overlay, which patches the Deployment of its base; the base binds a role to the Deployment's account. */
const TREE: Record<string, string> = {
  'clusters/prod/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps/overlay\n  prune: true\n  targetNamespace: apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
  'apps/base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - rbac.yaml\n',
  'apps/base/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: web\n          image: example.org/web:1.2.3\n',
  'apps/base/rbac.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: web-view\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: web\n',
  'apps/overlay/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\npatches:\n  - path: replicas.yaml\n    target:\n      kind: Deployment\n      name: web\n',
  'apps/overlay/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
};

describe('YAML parses: one per file per scan for the readers before the loop and the loop', () => {
  it("parses each file of a kustomize tree that Flux deploys once: the deployers, the kustomizations' patches and builds, the bases' objects, the RBAC bindings and the analysis", async () => {
    const before = yamlLoadStats.loads;
    const { findings, warnings } = await scanMemory(TREE);
    // Six files, six parses, and two of texts no file holds (the Deployment as the overlay patches it, twice, for the
    // judgement of the base: overlaid.ts). The patch is parsed once: the judgement of the base, which the loop reaches
    // first, holds its parse for the loop's reading of the patch file (before, 9). Before the scan's parses were shared,
    // the Flux Kustomization was parsed for the deployers and again in the loop, each kustomization four times (its patch
    // entries twice, its build, its analysis), the base's Deployment for the overlay's patch and in the loop, and its
    // RoleBinding for the bindings, the patch and the loop: 19.
    assert.equal(yamlLoadStats.loads - before, 8);
    assert.deepEqual(warnings, []);
    assert.ok(findings.some((f) => f.ruleId === 'iac/k8s-run-as-root' && f.location.path === 'apps/base/deployment.yaml'));
  });

  it('gives a held parse for the text it was made from, once, and holds only what the loop reads and the budget allows', () => {
    const parses = new YamlParses((path) => path !== 'chart/templates/a.yaml', 20);
    const text = 'a: 1\n';
    const first = parses.load('a.yaml', text);
    assert.equal(parses.load('a.yaml', text), first);
    assert.equal(parses.heldChars, text.length);
    // Another text displaces the YAML cache's last parse; the loop's reader still gets the held one.
    loadYamlCached('b: 2\n');
    parses.handOver('a.yaml', text);
    assert.equal(loadYamlCached(text), first);
    assert.equal(parses.heldChars, 0);
    // Not for another text of the path.
    parses.load('a.yaml', text);
    parses.handOver('a.yaml', 'a: 2\n');
    assert.equal(parses.heldChars, 0);
    // Not held: a file the loop does not read, or past the budget.
    parses.load('chart/templates/a.yaml', 'c: 3\n');
    parses.load('big.yaml', `big: ${'x'.repeat(30)}\n`);
    assert.equal(parses.heldChars, 0);
    // Nor a file the loop has passed (a reader within the loop: the judgement of a kustomize base reads the overlays' patches).
    parses.load('a.yaml', text);
    assert.equal(parses.heldChars, 0);
    parses.release('skipped.yaml');
    parses.load('skipped.yaml', text);
    assert.equal(parses.heldChars, 0);
    parses.load('ahead.yaml', text);
    assert.equal(parses.heldChars, text.length);
  });
});

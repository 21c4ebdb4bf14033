import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';
import { HARDENED_DEPLOYMENT } from '../../helpers/kustomize-base.js';

const BASE = HARDENED_DEPLOYMENT;

/** A strategic-merge patch of Deployment/web's pod spec: `lines` go under `spec.template.spec` (line 7 on). */
function podPatch(lines: string[]): string {
  return ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  template:', '    spec:', ...lines, ''].join('\n');
}

async function scanned(files: Record<string, string>) {
  const t = tempTree({ 'base/deploy.yaml': BASE, 'base/kustomization.yaml': 'resources:\n- deploy.yaml\n', ...files });
  try {
    return await runScan({ target: t.dir, scannerSet: [iacScanner] });
  } finally {
    t.cleanup();
  }
}

/** `line ruleId` of the findings in one file, sorted. */
function at(result: Awaited<ReturnType<typeof scanned>>, file: string): string[] {
  return result.findings.filter((f) => f.location.path === file).map((f) => `${f.location.startLine} ${f.ruleId}`).sort();
}

const OVERLAY = 'resources:\n- ../../base\npatches:\n- path: patch.yaml\n';

describe('kustomize strategic-merge deletions', () => {
  it('judges what $patch: delete takes from the base, on the directive\'s line', async () => {
    const result = await scanned({
      'overlays/dev/kustomization.yaml': OVERLAY,
      'overlays/dev/patch.yaml': podPatch([
        '      securityContext:',
        '        $patch: delete',
        '      containers:',
        '      - name: web',
        '        resources:',
        '          $patch: delete',
      ]),
    });
    assert.deepEqual(at(result, 'overlays/dev/patch.yaml'), ['13 iac/k8s-no-cpu-limit', '13 iac/k8s-no-memory-limit', '9 iac/k8s-run-as-root', '9 iac/k8s-seccomp-missing'].sort());
    const root = result.findings.find((f) => f.ruleId === 'iac/k8s-run-as-root')!;
    assert.match(root.message, /\(the patch removes spec\.template\.spec\.securityContext with \$patch: delete\)\.$/);
    assert.deepEqual(at(result, 'base/deploy.yaml'), []);
    assert.deepEqual(result.warnings, []);
  });

  it('judges a key set to null and a map replaced', async () => {
    const result = await scanned({
      'overlays/dev/kustomization.yaml': OVERLAY,
      'overlays/dev/patch.yaml': podPatch([
        '      securityContext:',
        '        runAsNonRoot: null',
        '      containers:',
        '      - name: web',
        '        securityContext:',
        '          $patch: replace',
        '          capabilities: {drop: [ALL]}',
      ]),
    });
    assert.deepEqual(at(result, 'overlays/dev/patch.yaml'), [
      '13 iac/k8s-privilege-escalation',
      '13 iac/k8s-writable-root-filesystem',
      '9 iac/k8s-run-as-root',
    ].sort());
    const messages = result.findings.filter((f) => f.location.path === 'overlays/dev/patch.yaml').map((f) => f.message);
    assert.ok(messages.some((m) => /\(the patch removes spec\.template\.spec\.securityContext\.runAsNonRoot: null deletes it\)\.$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /\(the patch replaces spec\.template\.spec\.containers\[name=web\]\.securityContext with \$patch: replace, dropping what it does not repeat\)\.$/.test(m)), messages.join('\n'));
  });

  it('says nothing of a patch with $retainKeys, which kustomize is not known to apply', async () => {
    const result = await scanned({
      'overlays/dev/kustomization.yaml': OVERLAY,
      'overlays/dev/patch.yaml': podPatch(['      containers:', '      - name: web', '        resources:', '          $retainKeys: [requests]', '          requests: {memory: 64Mi}']),
    });
    assert.deepEqual(at(result, 'overlays/dev/patch.yaml'), []);
  });

  it('judges a container deleted by its name, and an inline patch on the kustomization\'s lines', async () => {
    const sidecar = BASE.replace('      containers:\n', '      containers:\n      - name: proxy\n        image: registry.example.org/proxy:1.0\n');
    const t = tempTree({
      'base/deploy.yaml': sidecar,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      // Deleting the sidecar (which has no limits) takes findings away and adds none.
      'overlays/slim/kustomization.yaml': [
        'resources:',
        '- ../../base',
        'patches:',
        '- target: {kind: Deployment, name: web}',
        '  patch: |-',
        '    kind: Deployment',
        '    metadata:',
        '      name: placeholder',
        '    spec:',
        '      template:',
        '        spec:',
        '          containers:',
        '          - name: proxy',
        '            $patch: delete',
        '          securityContext:',
        '            seccompProfile: null',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result, 'overlays/slim/kustomization.yaml'), ['16 iac/k8s-seccomp-missing']);
      assert.equal(result.findings.find((f) => f.location.path === 'overlays/slim/kustomization.yaml')!.properties.resource, 'Deployment/web');
    } finally {
      t.cleanup();
    }
  });

  it('says nothing of a deletion that hardens nothing away, or whose object or directive is unknown', async () => {
    const result = await scanned({
      // Deleted, then nothing lost: replicas, a key the base lacks, a container the base lacks.
      'overlays/none/kustomization.yaml': OVERLAY,
      'overlays/none/patch.yaml': podPatch(['      hostNetwork: null', '      containers:', '      - name: debug', '        $patch: delete', '      - name: web', '        securityContext:', '          $patch: replace', '          allowPrivilegeEscalation: false', '          readOnlyRootFilesystem: true', '          capabilities: {drop: [ALL]}']),
      // A directive not modelled: what the patch leaves is unknown.
      'overlays/primitive/kustomization.yaml': OVERLAY,
      'overlays/primitive/patch.yaml': podPatch(['      securityContext:', '        runAsNonRoot: null', '      containers:', '      - name: web', '        $deleteFromPrimitiveList/args: [--safe]']),
      'overlays/strange/kustomization.yaml': OVERLAY,
      'overlays/strange/patch.yaml': podPatch(['      securityContext:', '        $patch: shred']),
      // Targets that are not one object of the base: a name pattern, a label selector, an object the base lacks, a remote base.
      'overlays/regex/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: patch.yaml\n  target: {kind: Deployment, name: "web-.*"}\n',
      'overlays/regex/patch.yaml': podPatch(['      securityContext:', '        $patch: delete']),
      'overlays/labelled/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: patch.yaml\n  target: {kind: Deployment, labelSelector: "tier=debug"}\n',
      'overlays/labelled/patch.yaml': podPatch(['      securityContext:', '        $patch: delete']),
      'overlays/other/kustomization.yaml': OVERLAY,
      'overlays/other/patch.yaml': podPatch(['      securityContext:', '        $patch: delete']).replace('name: web', 'name: api'),
      'overlays/remote/kustomization.yaml': 'resources:\n- https://example.org/base\npatches:\n- path: patch.yaml\n',
      'overlays/remote/patch.yaml': podPatch(['      securityContext:', '        $patch: delete']),
      // The namespace taken away: the kustomization that builds the object may set one.
      'overlays/placed/kustomization.yaml': 'resources:\n- ../../base\nnamespace: shop\npatches:\n- path: patch.yaml\n',
      'overlays/placed/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: null\n',
      // The whole object deleted.
      'overlays/gone/kustomization.yaml': OVERLAY,
      'overlays/gone/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n$patch: delete\n',
    });
    assert.deepEqual(result.findings.filter((f) => f.location.path.startsWith('overlays/')).map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`), []);
    assert.deepEqual(result.warnings, []);
  });
});

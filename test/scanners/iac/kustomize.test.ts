import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { patchPaths } from '../../../src/scanners/iac/kubernetes/kustomize.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';
import { HARDENED_DEPLOYMENT } from '../../helpers/kustomize-base.js';

/**
 * A strategic-merge patch of Deployment/web that sets `web` (the base's container, lines 9
 * and after) and adds an init container wait-db the base does not have (its line is 11 plus
 * the lines given for web).
 */
function patchAddingWaitDb(webLines: string[]): string {
  return [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  template:', '    spec:', '      containers:', '      - name: web',
    ...webLines,
    '      initContainers:', '      - name: wait-db', '        image: registry.example.org/tools/wait:1.2.0@sha256:' + '1'.repeat(64), '',
  ].join('\n');
}

/** A ConfigMap that sets no namespace. */
const SETTINGS = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n';

/** The files of a scanned tree that iac/k8s-default-namespace reports. */
async function inDefaultNamespace(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.ruleId === 'iac/k8s-default-namespace').map((f) => f.location.path);
  } finally {
    t.cleanup();
  }
}

const BASE = HARDENED_DEPLOYMENT;

describe('kustomize patches', () => {
  it('reads the patch files a kustomization names, in every form, and not inline patches or remote ones', () => {
    const source = [
      'resources: [../../base]',
      'patches:',
      '- path: replicas.yaml',
      '- patch: |-',
      '    - op: replace',
      '      path: /spec/replicas',
      '      value: 2',
      'patchesStrategicMerge:',
      '- debug.yaml',
      '- |-',
      '  apiVersion: v1',
      '  kind: Service',
      'patchesJson6902:',
      '- target: {kind: Deployment, name: web}',
      '  path: ops.yaml',
      '- path: https://example.org/remote.yaml',
      '',
    ].join('\n');
    assert.deepEqual(patchPaths(source), ['debug.yaml', 'replicas.yaml', 'ops.yaml']);
  });

  it('reads the strings of a patches list as patch files, as kustomize 2 did (argocd-example-apps kustomized-helm)', async () => {
    assert.deepEqual(patchPaths('resources: [../../base]\npatches:\n- overlays/web.yaml\n- path: replicas.yaml\n'), ['overlays/web.yaml', 'replicas.yaml']);
    const t = tempTree({
      'base/deploy.yaml': BASE,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'app/kustomization.yaml': 'resources:\n- ../base\npatches:\n- overlays/web.yaml\n',
      // It sets the image and a privileged container: only what it writes is its own.
      'app/overlays/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: registry.example.org/web:latest\n        securityContext:\n          privileged: true\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const at = (file: string) => result.findings.filter((f) => f.location.path === file).map((f) => `${f.location.startLine} ${f.ruleId}`).sort();
      assert.deepEqual(at('app/overlays/web.yaml'), ['10 iac/k8s-image-latest', '12 iac/k8s-privileged-container']);
    } finally {
      t.cleanup();
    }
  });

  it('keeps only the findings on values a patch writes: what it leaves out comes from the base', async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: replicas.yaml\n- path: flow.yaml\npatchesStrategicMerge:\n- debug.yaml\n',
      // A patch that writes its lists in flow style: `add: [NET_ADMIN]` is a value it writes.
      'overlays/prod/flow.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        securityContext:\n          capabilities:\n            add: [NET_ADMIN]\n            drop: []\n',
      'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        resources:\n          limits: {memory: 256Mi}\n',
      'overlays/prod/debug.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostNetwork: true # debugging\n      containers:\n      - name: web\n        securityContext:\n          privileged: true\n          capabilities:\n            add:\n            - SYS_ADMIN\n',
      // Not named by any kustomization: a manifest like any other.
      'overlays/prod/extra.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    image: registry.example.org/c:1.0\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const at = (file: string) => result.findings.filter((f) => f.location.path === file).map((f) => `${f.location.startLine} ${f.ruleId}`).sort();
      assert.deepEqual(at('base/deploy.yaml'), []);
      assert.deepEqual(at('overlays/prod/replicas.yaml'), []);
      assert.deepEqual(at('overlays/prod/flow.yaml'), ['12 iac/k8s-dangerous-capabilities']);
      assert.deepEqual(at('overlays/prod/debug.yaml'), ['12 iac/k8s-privileged-container', '14 iac/k8s-dangerous-capabilities', '8 iac/k8s-host-network']);
      assert.ok(at('overlays/prod/extra.yaml').includes('8 iac/k8s-no-security-context'), at('overlays/prod/extra.yaml').join('\n'));
    } finally {
      t.cleanup();
    }
  });

  it('with --staged, knows a staged patch by the kustomization of the index beside it', async () => {
    const t = tempTree({ 'base/deploy.yaml': BASE, 'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: scale.yaml\n' });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('overlays/prod/scale.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: registry.example.org/web:latest\n');
      git(t.dir, 'add', 'overlays/prod/scale.yaml');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(result.findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`).sort(), [
        'overlays/prod/scale.yaml:11 iac/k8s-image-latest',
      ]);
    } finally {
      t.cleanup();
    }
  });
  it('checks the values JSON 6902 patches write, in patch files and inline, on the lines of the operations', async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'overlays/debug/kustomization.yaml': [
        'resources:',
        '- ../../base',
        'patches:',
        '- target: {kind: Deployment, name: web}',
        '  path: ops.yaml',
        '- target:',
        '    kind: Deployment',
        '    name: web',
        '  patch: |-',
        '    - op: replace',
        '      path: /spec/replicas',
        '      value: 1',
        '    - op: add',
        '      path: /spec/template/spec/hostPID',
        '      value: true',
        '    - op: remove',
        '      path: /spec/template/spec/containers/0/securityContext',
        '- patch: |-',
        '    apiVersion: apps/v1',
        '    kind: Deployment',
        '    metadata:',
        '      name: web',
        '    spec:',
        '      template:',
        '        spec:',
        '          containers:',
        '          - name: web',
        '            image: registry.example.org/web:latest',
        '',
      ].join('\n'),
      'overlays/debug/ops.yaml': [
        '- op: add',
        '  path: /spec/template/spec/containers/0/securityContext/privileged',
        '  value: true',
        '- op: add',
        '  path: /spec/template/spec/containers/0/securityContext/capabilities',
        '  value:',
        '    add: [NET_ADMIN, SYS_ADMIN]',
        '- op: add',
        '  path: /spec/template/spec/volumes/-',
        '  value: {name: sock, hostPath: {path: /var/run/docker.sock}}',
        '- op: replace',
        '  path: /spec/template/spec/containers/0/resources/limits/memory',
        '  value: 512Mi',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      const at = (file: string) => result.findings.filter((f) => f.location.path === file).map((f) => `${f.location.startLine} ${f.ruleId}`).sort();
      assert.deepEqual(at('base/deploy.yaml'), []);
      const ops = at('overlays/debug/ops.yaml');
      assert.ok(ops.includes('3 iac/k8s-privileged-container'), ops.join('\n'));
      assert.ok(ops.includes('6 iac/k8s-dangerous-capabilities'), ops.join('\n'));
      assert.ok(ops.some((f) => /^10 iac\/k8s-(docker-socket|host-path)/.test(f)), ops.join('\n'));
      assert.ok(ops.every((f) => /^(3|6|10) /.test(f)), `nothing about settings the operations leave alone:\n${ops.join('\n')}`);
      const kustomization = at('overlays/debug/kustomization.yaml');
      assert.ok(kustomization.includes('15 iac/k8s-host-pid'), kustomization.join('\n'));
      assert.ok(kustomization.includes('28 iac/k8s-image-latest'), kustomization.join('\n'));
      // The remove of the container's securityContext (line 17) takes away what the base set there.
      assert.deepEqual(kustomization.filter((f) => f.startsWith('17 ')), ['17 iac/k8s-capabilities-not-dropped', '17 iac/k8s-no-security-context', '17 iac/k8s-privilege-escalation', '17 iac/k8s-writable-root-filesystem']);
      assert.ok(kustomization.every((f) => /^(15|17|28) /.test(f)), kustomization.join('\n'));
    } finally {
      t.cleanup();
    }
  });

  it('warns when a patch path cannot be followed, and reads folded or quoted inline patches on the patch key', async () => {
    const t = tempTree({
      'kustomization.yaml': [
        'resources: [deploy.yaml]',
        'patches:',
        '- target: {kind: Pod}',
        '  patch: "[{op: add, path: /spec/hostNetwork, value: true}]"',
        '- target: {kind: Pod}',
        '  patch: |-',
        '    - op: add',
        '      path: spec/hostIPC',
        '      value: true',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.map((f) => `${f.location.startLine} ${f.ruleId}`), ['4 iac/k8s-host-network']);
      assert.deepEqual(result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`), ['kustomization.yaml:9 could not follow the patch path spec/hostIPC: its value is not checked']);
    } finally {
      t.cleanup();
    }
  });
  it('says where a JSON patch writes a key twice, and checks the value written last, in a patch file and inline', async () => {
    const t = tempTree({
      'kustomization.yaml': [
        'resources: [pod.yaml]',
        'patches:',
        '- path: ops.yaml',
        '  target: {kind: Pod}',
        '- target: {kind: Pod}',
        '  patch: |-',
        '    - op: add',
        '      path: /spec/hostIPC',
        '      value: false',
        '      value: true',
        '',
      ].join('\n'),
      'ops.yaml': '- op: add\n  path: /spec/hostNetwork\n  value: false\n  value: true\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`).sort(), ['kustomization.yaml:10 iac/k8s-host-ipc', 'ops.yaml:4 iac/k8s-host-network']);
      assert.deepEqual(result.warnings.map((w) => `${w.path}:${w.line} ${w.message.replace(/:.*/, '')}`).sort(), ["kustomization.yaml:10 duplicate key 'value' (also on line 9)", "ops.yaml:4 duplicate key 'value' (also on line 3)"]);
    } finally {
      t.cleanup();
    }
  });
  it('knows the namespace a kustomization sets on the files it lists, through its bases', async () => {
    const flagged = await inDefaultNamespace({
      'base/cm.yaml': SETTINGS,
      'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'overlays/prod/kustomization.yaml': 'namespace: shop-prod\nresources:\n- ../../base\n- extra.yaml\n',
      'overlays/prod/extra.yaml': SETTINGS,
      // Listed by no kustomization with a namespace.
      'loose/cm.yaml': SETTINGS,
    });
    assert.deepEqual(flagged, ['loose/cm.yaml']);
  });
  it('follows a base written as a directory with a trailing slash (resources: [../../base/])', async () => {
    const flagged = await inDefaultNamespace({
      'base/cm.yaml': SETTINGS,
      'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'overlays/prod/kustomization.yaml': 'namespace: shop-prod\nresources:\n- ../../base/\n',
    });
    assert.deepEqual(flagged, []);
  });
  it("puts kustomize's and Flux's namespace in place of an explicit default, not an Argo CD Application's destination", async () => {
    const inDefault = SETTINGS.replace('  name: settings\n', '  name: settings\n  namespace: default\n');
    assert.deepEqual(await inDefaultNamespace({ 'base/settings.yaml': inDefault, 'base/kustomization.yaml': 'resources:\n- settings.yaml\n', 'overlays/prod/kustomization.yaml': 'namespace: shop\nresources:\n- ../../base\n' }), []);
    const flux = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  path: ./app\n  targetNamespace: shop\n';
    assert.deepEqual(await inDefaultNamespace({ 'app/settings.yaml': inDefault, 'clusters/prod/app.yaml': flux }), []);
    // Argo CD gives its destination only to objects that name no namespace.
    const argo = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://git.example.org/shop.git\n    path: app\n  destination:\n    namespace: shop\n';
    assert.deepEqual(await inDefaultNamespace({ 'app/settings.yaml': inDefault, 'clusters/prod/app.yaml': argo }), ['app/settings.yaml']);
  });

  it('gives the namespace of a kustomization to the resources of the components it lists', async () => {
    const flagged = await inDefaultNamespace({
      'components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- extra.yaml\n',
      'components/extra/extra.yaml': SETTINGS,
      'overlays/prod/kustomization.yaml': 'namespace: shop-prod\ncomponents:\n- ../../components/extra\n',
    });
    assert.deepEqual(flagged, []);
  });
  it('keeps every finding about a container the patch adds, which the base does not have', async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: sidecar.yaml\n',
      'overlays/prod/sidecar.yaml': patchAddingWaitDb(['        env:', '        - name: MODE', '          value: prod']),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const rules = (line: number) => result.findings.filter((f) => f.location.path === 'overlays/prod/sidecar.yaml' && f.location.startLine === line).map((f) => f.ruleId);
      // The new init container: its missing limits and hardening are the patch's own.
      assert.ok(rules(14).includes('iac/k8s-no-memory-limit'), rules(14).join('\n'));
      assert.ok(rules(14).includes('iac/k8s-no-security-context'), rules(14).join('\n'));
      // The base's container: what the patch leaves out comes from the base.
      assert.deepEqual(rules(9), []);
    } finally {
      t.cleanup();
    }
  });
  it("knows a base's container by the patch entry's target, whose name wins over the patch's own", async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE.replace('      - name: web\n', '      - name: worker\n'),
      'base/api.yaml': BASE.replace('  name: web\n', '  name: api\n'),
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n- api.yaml\n',
      // The patch names Deployment/api, which has no container worker: kustomize applies it to the target, whose container worker it changes.
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- path: worker.yaml\n  target: {kind: Deployment, name: web}\n',
      'overlays/prod/worker.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: api',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '      - name: worker',
        '        args: [--verbose]',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.filter((f) => f.location.path === 'overlays/prod/worker.yaml').map((f) => f.ruleId), []);
    } finally {
      t.cleanup();
    }
  });
  it('applies a patch file named by several entries to the target of each, and reports a line once for all of them', async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE,
      // Deployment/api runs a container named app, not web: the patch adds web to it.
      'base/api.yaml': BASE.replace('  name: web\n', '  name: api\n').replace('      - name: web\n', '      - name: app\n'),
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n- api.yaml\n',
      'overlays/prod/kustomization.yaml': [
        'resources:',
        '- ../../base',
        'patches:',
        '- path: debug.yaml',
        '  target: {kind: Deployment, name: api}',
        '- path: debug.yaml',
        '  target: {kind: Deployment, name: web}',
        '',
      ].join('\n'),
      'overlays/prod/debug.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: any',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '      - name: web',
        '        securityContext:',
        '          privileged: true',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const debug = result.findings.filter((f) => f.location.path === 'overlays/prod/debug.yaml');
      // In Deployment/api the container web is new: everything about it is the patch's own (no limits, no image).
      const api = debug.filter((f) => String(f.properties.resource).startsWith('Deployment/api')).map((f) => f.ruleId);
      assert.ok(api.includes('iac/k8s-no-memory-limit'), api.join('\n'));
      const privileged = debug.filter((f) => f.ruleId === 'iac/k8s-privileged-container');
      assert.deepEqual(privileged.map((f) => `${f.location.startLine} ${f.properties.resource} ${JSON.stringify(f.properties.also)}`), ['11 Deployment/api container web ["Deployment/web container web"]']);
      assert.match(privileged[0]!.message, /\(also: Deployment\/web container web\)\.$/);
    } finally {
      t.cleanup();
    }
  });
  it('judges the object a JSON 6902 remove leaves: the base less what it takes away, on the operation\'s path line', async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'overlays/dev/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- target: {kind: Deployment, name: web}\n  path: ops.yaml\n',
      'overlays/dev/ops.yaml': [
        '- op: remove',
        '  path: /spec/template/spec/securityContext/runAsNonRoot',
        '- op: remove',
        '  path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem',
        '- op: remove',
        '  path: /spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation',
        '- op: remove',
        '  path: /spec/template/spec/containers/0/resources/limits',
        // Removed, then written again as it was: the object keeps it.
        '- op: remove',
        '  path: /spec/template/spec/containers/0/securityContext/capabilities',
        '- op: add',
        '  path: /spec/template/spec/containers/0/securityContext/capabilities',
        '  value: {drop: [ALL]}',
        // Nothing to judge: the replicas, and a key the object lacks (kustomize build fails on it).
        '- op: remove',
        '  path: /spec/replicas',
        '- op: remove',
        '  path: /spec/template/spec/containers/-',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const ops = result.findings.filter((f) => f.location.path === 'overlays/dev/ops.yaml');
      assert.deepEqual(ops.map((f) => `${f.location.startLine} ${f.ruleId}`).sort(), [
        '2 iac/k8s-run-as-root',
        '4 iac/k8s-writable-root-filesystem',
        '6 iac/k8s-privilege-escalation',
        '8 iac/k8s-no-cpu-limit',
        '8 iac/k8s-no-memory-limit',
      ]);
      assert.match(ops.find((f) => f.ruleId === 'iac/k8s-writable-root-filesystem')!.message, /Deployment\/web container web .*\(the patch removes \/spec\/template\/spec\/containers\/0\/securityContext\/readOnlyRootFilesystem\)\.$/);
      assert.deepEqual(result.findings.filter((f) => f.location.path === 'base/deploy.yaml').map((f) => f.ruleId), []);
      assert.deepEqual(result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`), [
        'overlays/dev/ops.yaml:15 kustomize build fails here: Deployment/web has no /spec/replicas to remove',
        'overlays/dev/ops.yaml:17 kustomize build fails here: Deployment/web has no /spec/template/spec/containers/- to remove (- names the end of a list, no entry of it)',
      ]);
    } finally {
      t.cleanup();
    }
  });
  it('says nothing of a JSON 6902 remove whose object is unknown, or which hardens nothing away', async () => {
    const sidecar = BASE.replace('      containers:\n', '      containers:\n      - name: proxy\n        image: registry.example.org/proxy:1.0\n');
    const t = tempTree({
      'base/deploy.yaml': sidecar,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      // Removing a container (here one that has no limits) takes its findings away, adds none.
      'overlays/slim/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: remove\n      path: /spec/template/spec/containers/0\n',
      // A target by a name pattern, and a patch whose base is not in the scan: what they remove is unknown.
      'overlays/regex/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- target: {kind: Deployment, name: "web-.*"}\n  patch: |-\n    - op: remove\n      path: /spec/template/spec/securityContext\n',
      // Deployments chosen by their labels: whether the base's one is among them is not known here.
      'overlays/labelled/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- target: {kind: Deployment, labelSelector: "tier=debug"}\n  patch: |-\n    - op: remove\n      path: /spec/template/spec/securityContext\n',
      'overlays/remote/kustomization.yaml': 'resources:\n- https://example.org/base\npatches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: remove\n      path: /spec/template/spec/securityContext\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.filter((f) => f.location.path.startsWith('overlays/')).map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`), []);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });
  it('names the base container a JSON 6902 patch writes into by index', async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'overlays/dev/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- target: {kind: Deployment, name: web}\n  path: ops.yaml\n',
      'overlays/dev/ops.yaml': '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: registry.example.org/web:latest\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const latest = result.findings.filter((f) => f.ruleId === 'iac/k8s-image-latest').map((f) => `${f.location.path}:${f.location.startLine} ${f.properties.resource}`);
      assert.deepEqual(latest, ['overlays/dev/ops.yaml:3 Deployment/web container web']);
    } finally {
      t.cleanup();
    }
  });
  it("judges a component's patch against the base of the kustomization that lists it", async () => {
    const t = tempTree({
      'base/deploy.yaml': BASE,
      'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'components/wait/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: wait.yaml\n',
      'components/wait/wait.yaml': patchAddingWaitDb(['        args: [--wait]']),
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\ncomponents:\n- ../../components/wait\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const rules = (line: number) => result.findings.filter((f) => f.location.path === 'components/wait/wait.yaml' && f.location.startLine === line).map((f) => f.ruleId);
      assert.ok(rules(12).includes('iac/k8s-no-memory-limit'), rules(12).join('\n'));
      assert.deepEqual(rules(9), []);
    } finally {
      t.cleanup();
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

const whole = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: worker',
  '  namespace: jobs',
  'spec:',
  '  containers:',
  '    - name: worker',
  '      image: registry.example.org/worker:1.0.0',
  '',
].join('\n');

describe('Kubernetes objects that cannot be created as written', () => {
  it('judge a workload whose containers name no image (a kubeadm patch) only on the values it writes', async () => {
    const t = tempTree({
      'kind/patches/kube-controller-manager.yaml': [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: kube-controller-manager',
        '  namespace: kube-system',
        'spec:',
        '  containers:',
        '    - name: kube-controller-manager',
        '      resources:',
        '        requests:',
        '          cpu: 1m',
        '      securityContext:',
        '        privileged: true',
        '',
      ].join('\n'),
      'deploy/worker.yaml': whole,
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const patch = result.findings.filter((f) => f.location.path === 'kind/patches/kube-controller-manager.yaml').map((f) => `${f.location.startLine} ${f.ruleId}`);
      // What it writes stands; what it leaves to the object it patches is not missing.
      assert.deepEqual(patch, ['13 iac/k8s-privileged-container']);
      // A whole object is judged as a whole.
      const worker = result.findings.filter((f) => f.location.path === 'deploy/worker.yaml').map((f) => f.ruleId);
      assert.ok(worker.includes('iac/k8s-no-memory-limit'), worker.join('\n'));
      assert.ok(worker.includes('iac/k8s-run-as-root'), worker.join('\n'));
    } finally {
      t.cleanup();
    }
  });

  it('judge an unnamed object, and the objects of a kuttl assert file, only on the values they write', async () => {
    const assertion = [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'metadata:',
      '  name: collector',
      'spec:',
      '  template:',
      '    spec:',
      '      hostPID: true',
      '      containers:',
      '        - name: collector',
      '          image: registry.example.org/collector:2.1.0',
      '',
    ].join('\n');
    const unnamed = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  labels:',
      '    app: web',
      'spec:',
      '  containers:',
      '    - name: web',
      '      image: registry.example.org/web:latest',
      '',
    ].join('\n');
    const t = tempTree({ 'tests/e2e/daemonset/00-assert.yaml': assertion, 'tests/e2e/inject/01-match.yaml': unnamed, 'tests/e2e/daemonset/00-install.yaml': assertion });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const of = (path: string) => result.findings.filter((f) => f.location.path === path).map((f) => `${f.location.startLine} ${f.ruleId}`).sort();
      assert.deepEqual(of('tests/e2e/daemonset/00-assert.yaml'), ['11 iac/k8s-image-without-digest', '8 iac/k8s-host-pid']);
      assert.deepEqual(of('tests/e2e/inject/01-match.yaml'), ['9 iac/k8s-image-latest']);
      // The same object in a file that is applied is judged as a whole.
      assert.ok(of('tests/e2e/daemonset/00-install.yaml').some((f) => f.endsWith('iac/k8s-run-as-root')), of('tests/e2e/daemonset/00-install.yaml').join('\n'));
    } finally {
      t.cleanup();
    }
  });
});

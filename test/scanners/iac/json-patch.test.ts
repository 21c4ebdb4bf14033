import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asJsonPatch, jsonPatchFindings } from '../../../src/scanners/iac/kubernetes/json-patch.js';
import { loadYaml } from '../../../src/scanners/iac/yaml/tree.js';
import { readKubernetes } from '../../../src/scanners/iac/kubernetes/model.js';
import { HARDENED_DEPLOYMENT } from '../../helpers/kustomize-base.js';

function check(source: string, target?: { kind?: string; name?: string }) {
  const warnings: string[] = [];
  const ops = asJsonPatch(loadYaml(source).documents[0]?.root);
  assert.ok(ops, 'a list of operations');
  const { findings } = jsonPatchFindings('ops.yaml', ops, target, (w) => warnings.push(`${w.line}: ${w.message}`));
  return { findings: findings.map((f) => `${f.location.startLine} ${f.ruleId}`).sort(), warnings };
}

describe('JSON 6902 patches', () => {
  it('guesses the kind from the paths when the patch names no target', () => {
    assert.deepEqual(check('- op: add\n  path: /spec/hostNetwork\n  value: true\n').findings, ['3 iac/k8s-host-network']);
    assert.deepEqual(check('- op: add\n  path: /spec/jobTemplate/spec/template/spec/hostIPC\n  value: true\n').findings, ['3 iac/k8s-host-ipc']);
  });

  it('escapes ~1 in keys, and reads a whole container appended to the list', () => {
    const { findings } = check(
      [
        '- op: add',
        '  path: /spec/template/spec/containers/-',
        '  value:',
        '    name: debug',
        '    image: registry.example.org/debug:latest',
        '    securityContext: {privileged: true}',
        '- op: add',
        '  path: /spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1web',
        '  value: unconfined',
        '',
      ].join('\n'),
      { kind: 'Deployment', name: 'web' },
    );
    assert.ok(findings.includes('3 iac/k8s-privileged-container'), findings.join('\n'));
    assert.ok(findings.includes('3 iac/k8s-image-latest'), findings.join('\n'));
    assert.ok(findings.includes('9 iac/k8s-apparmor-unconfined'), findings.join('\n'));
  });

  it('bounds hostile patches: huge indexes, deep paths and paths that cross a scalar are warned about, not followed', () => {
    const deep = '/spec' + '/a'.repeat(200);
    const { findings, warnings } = check(
      [
        '- op: add',
        '  path: /spec/template/spec/containers/100000/securityContext/privileged',
        '  value: true',
        '- op: add',
        `  path: ${deep}`,
        '  value: true',
        '- op: add',
        '  path: /kind/x',
        '  value: true',
        '- op: test',
        '  path: /spec',
        '  value: 1',
        '',
      ].join('\n'),
    );
    assert.deepEqual(findings, []);
    assert.equal(warnings.length, 3, warnings.join('\n'));
  });

  it('judges what an operation writes, not the settings it leaves to the base', () => {
    const { findings } = check(
      [
        '- op: add',
        '  path: /spec/template/spec/containers/0/securityContext',
        '  value:',
        '    readOnlyRootFilesystem: true',
        '    allowPrivilegeEscalation: false',
        '    capabilities: {drop: [ALL]}',
        '- op: add',
        '  path: /spec/template/spec/initContainers/0',
        '  value:',
        '    name: init',
        '    image: registry.example.org/init:latest',
        '',
      ].join('\n'),
      { kind: 'Deployment', name: 'web' },
    );
    // Nothing about runAsNonRoot (the pod may set it) or limits; the floating tag it writes is reported.
    assert.deepEqual(findings.filter((f) => !/image-(latest|without-digest)/.test(f)), []);
    assert.ok(findings.includes('9 iac/k8s-image-latest'), findings.join('\n'));
  });

  it('is not a patch unless every entry has op and path', () => {
    assert.equal(asJsonPatch(loadYaml('- op: add\n  path: /a\n- name: x\n').documents[0]?.root), undefined);
    assert.equal(asJsonPatch(loadYaml('[]\n').documents[0]?.root), undefined);
  });

  it('applies removes in order, as kustomize does: an index names the entry left by the operations before it', () => {
    const base = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  template:',
      '    spec:',
      '      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}',
      '      containers:',
      '      - name: proxy',
      '        image: registry.example.org/proxy:1.0',
      '      - name: web',
      '        image: registry.example.org/web:1.0',
      '        securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}',
      '        resources: {limits: {memory: 64Mi, cpu: 100m}}',
      '',
    ].join('\n');
    const objects = new Map(readKubernetes(base, () => {})!.objects.map((o) => [`${o.kind}/${o.name}`, o.root]));
    const judge = (source: string) => {
      const warnings: string[] = [];
      const ops = asJsonPatch(loadYaml(source).documents[0]?.root)!;
      const { findings } = jsonPatchFindings('ops.yaml', ops, { kind: 'Deployment', name: 'web' }, (w) => warnings.push(`${w.line}: ${w.message}`), undefined, objects);
      return { findings: findings.map((f) => `${f.location.startLine} ${f.ruleId} ${f.properties.resource}`).sort(), warnings };
    };
    // The sidecar goes first: containers/0 is then web, whose read-only root the second remove takes away.
    assert.deepEqual(judge('- op: remove\n  path: /spec/template/spec/containers/0\n- op: remove\n  path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem\n'), {
      findings: ['4 iac/k8s-writable-root-filesystem Deployment/web container web'],
      warnings: [],
    });
    // A negative index is not modelled (unknown: nothing said); an index past the end fails kustomize build.
    assert.deepEqual(judge('- op: remove\n  path: /spec/template/spec/containers/-1/resources\n- op: remove\n  path: /spec/template/spec/containers/0/resources\n'), { findings: [], warnings: [] });
    assert.deepEqual(judge('- op: remove\n  path: /spec/template/spec/containers/2\n'), {
      findings: [],
      warnings: ['2: kustomize build fails here: Deployment/web has no /spec/template/spec/containers/2 to remove'],
    });
    // Without the base, what a remove takes away is unknown.
    const ops = asJsonPatch(loadYaml('- op: remove\n  path: /spec/template/spec/securityContext\n').documents[0]?.root)!;
    assert.deepEqual(jsonPatchFindings('ops.yaml', ops, { kind: 'Deployment', name: 'web' }, () => assert.fail('no warning')).findings, []);
  });
});

describe('JSON 6902 remove of the namespace', () => {
  it('is not reported as the default namespace: the kustomization that builds the object may set one, as for a strategic-merge deletion', () => {
    const objects = new Map(readKubernetes(HARDENED_DEPLOYMENT, () => {})!.objects.map((o) => [`${o.kind}/${o.name}`, o.root]));
    const judge = (source: string) => {
      const ops = asJsonPatch(loadYaml(source).documents[0]?.root)!;
      const { findings } = jsonPatchFindings('ops.yaml', ops, { kind: 'Deployment', name: 'web' }, () => assert.fail('no warning'), undefined, objects);
      return findings.map((f) => `${f.location.startLine} ${f.ruleId}`).sort();
    };
    assert.deepEqual(judge('- op: remove\n  path: /metadata/namespace\n'), []);
    // The other removes of the same patch are still judged.
    assert.deepEqual(judge('- op: remove\n  path: /metadata/namespace\n- op: remove\n  path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem\n'), ['4 iac/k8s-writable-root-filesystem']);
  });
});

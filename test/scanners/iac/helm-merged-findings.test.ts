import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { analyseChart } from '../../../src/scanners/iac/helm/analyse.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

const CHART = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
const VALUES = 'podSecurityContext:\n  runAsUser: 0\nsidecar: false\n';

/** A workload whose pod securityContext comes from values.yaml (one line for every container), with an init container. */
function workload(kind: string, name: string, containers: readonly string[]): string {
  const list = containers.map((c) => `        - name: ${c}\n          image: "nginx:1.27"\n`).join('');
  return `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      securityContext:\n        {{- toYaml .Values.podSecurityContext | nindent 8 }}\n      initContainers:\n        - name: setup\n          image: "nginx:1.27"\n      containers:\n${list}{{- if .Values.sidecar }}\n        - name: sidecar\n          image: "nginx:1.27"\n{{- end }}\n`;
}

function rootFindings(templates: Record<string, string>) {
  const files = new Map([['c/Chart.yaml', CHART], ['c/values.yaml', VALUES], ...Object.entries(templates)]);
  const warnings: unknown[] = [];
  const { findings } = analyseChart({ dir: 'c', files, render: Object.keys(templates) }, (w) => warnings.push(w));
  assert.deepEqual(warnings, []);
  return findings.filter((f) => f.ruleId === 'iac/k8s-run-as-root');
}

describe('Helm findings merged on one line', () => {
  it('names every container a values line stands for, not only the first', () => {
    const root = rootFindings({ 'c/templates/deployment.yaml': workload('Deployment', 'web', ['app']) });
    // One finding, on the values line, as before.
    assert.deepEqual(root.map((f) => `${f.location.path}:${f.location.startLine}`), ['c/values.yaml:2']);
    assert.equal(root[0]!.properties.resource, 'Deployment/web init container setup');
    assert.equal(root[0]!.message, 'Deployment/web init container setup runs as root (runAsUser: 0) (also: Deployment/web container app) (rendered by templates/deployment.yaml).');
    assert.deepEqual((root[0]!.properties.helm as { also?: string[] }).also, ['Deployment/web container app']);
  });

  it('names at most three of them, then how many more', () => {
    const root = rootFindings({
      'c/templates/deployment.yaml': workload('Deployment', 'web', ['app', 'proxy']),
      'c/templates/daemonset.yaml': workload('DaemonSet', 'agent', ['app']),
    });
    assert.deepEqual(root.map((f) => `${f.location.path}:${f.location.startLine}`), ['c/values.yaml:2']);
    assert.match(root[0]!.message, /^DaemonSet\/agent init container setup runs as root \(runAsUser: 0\) \(also: DaemonSet\/agent container app, Deployment\/web init container setup, Deployment\/web container app and 1 more\) \(rendered by /);
    assert.equal((root[0]!.properties.helm as { also?: string[] }).also?.length, 4);
  });

  it('reports the finding once when a deployment\'s values reach one more container through the same line', async () => {
    const app = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://example.org/r.git\n    path: chart\n    helm:\n      parameters:\n        - name: sidecar\n          value: "true"\n  destination:\n    namespace: default\n';
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': VALUES, 'chart/templates/deployment.yaml': workload('Deployment', 'web', ['app']), 'app.yaml': app });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const root = result.findings.filter((f) => f.ruleId === 'iac/k8s-run-as-root');
      // The default render's finding says it; the sidecar the deployment adds does not make it another finding.
      assert.deepEqual(root.map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`), [
        'chart/values.yaml:2 Deployment/web init container setup runs as root (runAsUser: 0) (also: Deployment/web container app) (rendered by templates/deployment.yaml).',
      ]);
    } finally {
      t.cleanup();
    }
  });

  it('says once, on the line of the define, a key its text writes twice, naming every template that includes it', () => {
    const helpers = '{{- define "c.labels" -}}\napp: web\ntier: front\napp: web\n{{- end }}\n';
    const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    {{- include "c.labels" . | nindent 4 }}\n    app: ${name}\ndata:\n  a: b\n`;
    const files = new Map([
      ['c/Chart.yaml', CHART],
      ['c/values.yaml', VALUES],
      ['c/templates/_helpers.tpl', helpers],
      ['c/templates/a.yaml', configMap('a')],
      ['c/templates/b.yaml', configMap('b')],
    ]);
    const warnings: Array<{ path?: string; line?: number; message: string }> = [];
    analyseChart({ dir: 'c', files, render: ['c/templates/a.yaml', 'c/templates/b.yaml'] }, (w) => warnings.push(w));
    assert.deepEqual(
      warnings.map((w) => `${w.path}:${w.line} ${w.message.replace(/: Kubernetes reads.*?\(in/, ' (in')}`).sort(),
      [
        // Each template's own line that writes the key again is its own mistake.
        "c/templates/_helpers.tpl:4 duplicate key 'app' (also on line 2) (in the output of templates/a.yaml, templates/b.yaml, rendered by secloop with the chart's default values)",
        "c/templates/a.yaml:7 duplicate key 'app' (also at c/templates/_helpers.tpl:4) (in the output of templates/a.yaml, rendered by secloop with the chart's default values)",
        "c/templates/b.yaml:7 duplicate key 'app' (also at c/templates/_helpers.tpl:4) (in the output of templates/b.yaml, rendered by secloop with the chart's default values)",
      ],
    );
  });
});

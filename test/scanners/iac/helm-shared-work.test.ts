import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HelmCharts } from '../../../src/scanners/iac/helm/charts.js';
import { ParsedTemplates, renderChart, type ChartInput } from '../../../src/scanners/iac/helm/chart.js';
import type { WorkspaceFile } from '../../../src/workspace/files.js';
import { tempTree } from '../../helpers/tmp.js';

/**
 * A repository of charts that all depend on one library chart (bitnami's `common`), and a
 * chart rendered again with each deployment's values: the library's files are read and
 * its templates parsed once for the scan, a chart's own templates once for all its renders.
 */

const LIBRARY = {
  'lib/Chart.yaml': 'apiVersion: v2\nname: common\ntype: library\nversion: 2.1.0\n',
  'lib/values.yaml': 'exampleValue: common\n',
  'lib/templates/_names.tpl': '{{- define "common.names.fullname" -}}\n{{ .Release.Name }}-{{ .Chart.Name }}\n{{- end -}}\n',
  'lib/templates/_labels.tpl': '{{- define "common.labels" -}}\napp: {{ .Chart.Name }}\n{{- end -}}\n',
};
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ include "common.names.fullname" . }}\n  labels:\n    {{- include "common.labels" . | nindent 4 }}\nspec:\n  hostPID: {{ .Values.hostPID }}\n  containers:\n  - name: c\n    image: nginx:1.27\n';
const app = (name: string) => ({
  [`${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry.example.org/charts\n`,
  [`${name}/values.yaml`]: 'hostPID: true\n',
  [`${name}/templates/pod.yaml`]: POD,
});

function input(name: string, parsed?: ParsedTemplates, values?: ChartInput['values']): ChartInput {
  return {
    dir: name,
    files: new Map(Object.entries({ ...LIBRARY, ...app(name) })),
    render: [`${name}/templates/pod.yaml`],
    libraries: new Map([['common', 'lib']]),
    ...(values ? { values } : {}),
    ...(parsed ? { parsed } : {}),
  };
}

function workspaceFiles(root: string, paths: readonly string[]): WorkspaceFile[] {
  return paths.map((p) => {
    const absPath = path.join(root, p);
    return { path: p, absPath, read: async () => readFileSync(absPath), text: async () => readFileSync(absPath, 'utf8') };
  });
}

describe('Helm work shared between renders', () => {
  it('parses a library template once for all the charts that use it, and renders as without sharing', () => {
    const parsed = new ParsedTemplates();
    const names = ['web', 'api', 'db'];
    for (const name of names) assert.deepEqual(renderChart(input(name, parsed)), renderChart(input(name)));
    // Each chart's own template, and the library's two helpers once (not once per chart: 3 + 3 * 2).
    assert.equal(parsed.parses, names.length + 2);
  });

  it("parses a chart's templates once for its renders with other values", () => {
    const parsed = new ParsedTemplates();
    const plain = renderChart(input('web', parsed));
    const other = renderChart(input('web', parsed, [new Map([['hostPID', false]])]));
    assert.equal(parsed.parses, 3);
    assert.match(plain.templates[0]!.rendered.text, /hostPID: true/);
    assert.match(other.templates[0]!.rendered.text, /hostPID: false/);
  });

  it('parses a changed text again, and gives a syntax error again without parsing it again', () => {
    const parsed = new ParsedTemplates();
    const broken = '{{ if .Values.x }}\nno end\n';
    for (let i = 0; i < 3; i++) assert.throws(() => parsed.parse(broken, 'c/templates/a.yaml'), /unexpected EOF/);
    assert.equal(parsed.parses, 1);
    parsed.parse('fixed: {{ .Values.x }}\n', 'c/templates/a.yaml');
    parsed.parse('fixed: {{ .Values.x }}\n', 'c/templates/a.yaml');
    assert.equal(parsed.parses, 2);
    parsed.forget('c');
    parsed.parse('fixed: {{ .Values.x }}\n', 'c/templates/a.yaml');
    assert.equal(parsed.parses, 3);
  });

  it("reads a library chart's files and parses its templates once for the scan", async () => {
    const names = ['web', 'api', 'db', 'queue'];
    const tree = { ...LIBRARY, ...Object.assign({}, ...names.map(app)) } as Record<string, string>;
    const t = tempTree(tree);
    try {
      const warnings: string[] = [];
      const charts = await HelmCharts.find(workspaceFiles(t.dir, Object.keys(tree)), { root: t.dir, git: null, warn: (w) => warnings.push(w.message) });
      const findings: string[] = [];
      for (const name of names) {
        const analysis = await charts.analyse(name);
        findings.push(...(analysis?.findings ?? []).filter((f) => f.ruleId === 'iac/k8s-host-pid').map((f) => `${f.location.path}:${f.location.startLine}`));
      }
      assert.deepEqual(warnings, []);
      assert.deepEqual(findings, names.map((name) => `${name}/templates/pod.yaml:8`));
      // The library's four files once (not once per chart: 4 * 4), its two templates parsed once beside each chart's own.
      assert.deepEqual(charts.work, { libraryReads: 4, templateParses: names.length + 2 });
    } finally {
      t.cleanup();
    }
  });

  it('tells the deepest chart a file lies in, a subchart over its parent and a root chart last', async () => {
    const tree = {
      'Chart.yaml': 'apiVersion: v2\nname: root\nversion: 1.0.0\n',
      'web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'web/charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
      'web2/README.md': 'not a chart\n',
    };
    const t = tempTree(tree);
    try {
      const charts = await HelmCharts.find(workspaceFiles(t.dir, Object.keys(tree)), { root: t.dir, git: null, warn: () => {} });
      assert.equal(charts.chartContaining('web/charts/db/crds/a.yaml'), 'web/charts/db');
      assert.equal(charts.chartContaining('web/charts/other.yaml'), 'web');
      assert.equal(charts.chartContaining('web2/README.md'), '');
      assert.equal(charts.chartContaining('Chart.yaml'), '');
    } finally {
      t.cleanup();
    }
  });
});

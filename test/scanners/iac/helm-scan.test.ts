import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { writeJson } from '../../../src/report/json.js';
import { analyseChart } from '../../../src/scanners/iac/helm/analyse.js';
import { renderChart } from '../../../src/scanners/iac/helm/chart.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { MAX_UNPACKED_BYTES, unpackChart } from '../../../src/scanners/iac/helm/packaged.js';
import { fixturePath } from '../../helpers/paths.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

const CHART = 'apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: "2.0.0"\n';

function origins(files: Record<string, string>, template: string): string[] {
  const result = renderChart({ dir: 'c', files: new Map(Object.entries(files)), render: [template] });
  assert.deepEqual(result.warnings, []);
  const rendered = result.templates[0]!.rendered;
  return rendered.text.split('\n').map((line, i) => `${rendered.origins[i]!.path}:${rendered.origins[i]!.line} ${line}`);
}

describe('Helm line mapping', () => {
  it('maps literal text to the template, action output to the action, and toYaml of values to values.yaml', () => {
    const files = {
      'c/Chart.yaml': CHART,
      'c/values.yaml': 'image: nginx\nsecurityContext:\n  runAsUser: 0\n  capabilities:\n    add: [NET_ADMIN]\n',
      'c/templates/_helpers.tpl': '{{- define "web.labels" -}}\napp: web\ntier: {{ .Chart.Name }}\n{{- end }}\n',
      'c/templates/d.yaml': 'kind: Pod\nmetadata:\n  labels:\n    {{- include "web.labels" . | nindent 4 }}\nspec:\n  image: {{ .Values.image }}\n  securityContext:\n    {{- toYaml .Values.securityContext | nindent 4 }}\n',
    };
    assert.deepEqual(origins(files, 'c/templates/d.yaml'), [
      'c/templates/d.yaml:1 kind: Pod',
      'c/templates/d.yaml:2 metadata:',
      'c/templates/d.yaml:3   labels:',
      // A helper's own text, to its line in the define.
      'c/templates/_helpers.tpl:2     app: web',
      'c/templates/_helpers.tpl:3     tier: web',
      'c/templates/d.yaml:5 spec:',
      'c/templates/d.yaml:6   image: nginx',
      'c/templates/d.yaml:7   securityContext:',
      'c/values.yaml:4     capabilities:',
      'c/values.yaml:5       add:',
      'c/values.yaml:5       - NET_ADMIN',
      'c/values.yaml:3     runAsUser: 0',
      'c/templates/d.yaml:9 ',
    ]);
  });

  it('keeps values.yaml lines through helpers, tpl, with, range and default', () => {
    const files = {
      'c/Chart.yaml': CHART,
      'c/values.yaml': 'ctx:\n  privileged: true\nextra:\n  - name: side\n    image: busybox\n',
      'c/templates/_helpers.tpl': '{{- define "render" -}}\n{{- tpl (toYaml .value) .context }}\n{{- end }}\n',
      'c/templates/d.yaml': 'a:\n  {{- include "render" (dict "value" .Values.ctx "context" $) | nindent 2 }}\n{{- with .Values.extra }}\nb:\n  {{- toYaml . | nindent 2 }}\n{{- end }}\nc:\n  {{- .Values.ctx | default (dict) | toYaml | nindent 2 }}\n',
    };
    assert.deepEqual(origins(files, 'c/templates/d.yaml'), [
      'c/templates/d.yaml:1 a:',
      'c/values.yaml:2   privileged: true',
      'c/templates/d.yaml:4 b:',
      'c/values.yaml:5   - image: busybox',
      'c/values.yaml:4     name: side',
      'c/templates/d.yaml:7 c:',
      'c/values.yaml:2   privileged: true',
      'c/templates/d.yaml:9 ',
    ]);
  });

  it('keeps values.yaml lines through a helper that hands a list back as JSON (include | mustFromJson), while the values print the same', () => {
    const files = {
      'c/Chart.yaml': CHART,
      'c/values.yaml': 'env:\n  - name: A\n    value: x\n  - name: DB_PASSWORD\n    value: changeit\n',
      'c/templates/_helpers.tpl': '{{- define "env" -}}\n{{- $all := list }}\n{{- range .env }}{{ $all = append $all . }}{{ end }}\n{{- mustToJson $all }}\n{{- end }}\n',
      'c/templates/d.yaml': 'env:\n  {{- include "env" .Values | mustFromJson | toYaml | nindent 2 }}\nchanged:\n  {{- $l := .Values.env | toJson }}{{ $_ := set (first .Values.env) "value" "y" }}{{ $l | fromJsonArray | toYaml | nindent 2 }}\n',
    };
    assert.deepEqual(origins(files, 'c/templates/d.yaml'), [
      'c/templates/d.yaml:1 env:',
      'c/values.yaml:2   - name: A',
      'c/values.yaml:3     value: x',
      'c/values.yaml:4   - name: DB_PASSWORD',
      'c/values.yaml:5     value: changeit',
      'c/templates/d.yaml:3 changed:',
      // The values changed after toJson wrote the text: the parse, without their lines.
      'c/templates/d.yaml:4   - name: A',
      'c/templates/d.yaml:4     value: x',
      'c/templates/d.yaml:4   - name: DB_PASSWORD',
      'c/templates/d.yaml:4     value: changeit',
      'c/templates/d.yaml:5 ',
    ]);
  });

  it('maps a helper line that prints a value of values.yaml (as it is or quoted) to the line of its key', () => {
    const files = {
      'c/Chart.yaml': CHART,
      'c/values.yaml': 'sc:\n  uid: 0\n  ro: false\n  name: ""\nport: 80\n',
      'c/templates/_helpers.tpl':
        '{{- define "web.sc" -}}\nrunAsUser: {{ .Values.sc.uid }}\nreadOnlyRootFilesystem: {{ .Values.sc.ro | quote }}\nname: {{ .Values.sc.name | default "web" }}\nport: {{ printf "%v-x" .Values.port }}\nimage: {{ .Values.sc.name | default "r" }}/{{ .Values.sc.uid }}:{{ .Values.port }}\n{{- with .Values.sc }}\nuid: {{ .uid }}\n{{- end }}\n{{- end }}\n',
      'c/templates/d.yaml': 'securityContext:\n  {{- include "web.sc" . | nindent 2 }}\nport: {{ .Values.port }}\n',
    };
    assert.deepEqual(origins(files, 'c/templates/d.yaml'), [
      'c/templates/d.yaml:1 securityContext:',
      'c/values.yaml:2   runAsUser: 0',
      'c/values.yaml:3   readOnlyRootFilesystem: "false"',
      // The helper's default and a value built from one stay on the helper's line that prints them.
      'c/templates/_helpers.tpl:4   name: web',
      'c/templates/_helpers.tpl:5   port: 80-x',
      // So does a line made of several values.
      'c/templates/_helpers.tpl:6   image: r/0:80',
      'c/values.yaml:2   uid: 0',
      // In the template itself, the line stays where the key is written.
      'c/templates/d.yaml:3 port: 80',
      'c/templates/d.yaml:4 ',
    ]);
  });
});

describe('Helm chart analysis', () => {
  it('moves findings to the values.yaml line, names the template, and merges a values line rendered by several templates', () => {
    const pod = (kind: string) =>
      `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: {{ .Release.Name }}-${kind.toLowerCase()}\n  namespace: {{ .Release.Namespace }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "nginx:1.27@sha256:{{ .Values.digest }}"\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n`;
    const files = new Map([
      ['c/Chart.yaml', CHART],
      ['c/values.yaml', 'digest: 0000000000000000000000000000000000000000000000000000000000000000\nsecurityContext:\n  privileged: true\n'],
      ['c/templates/deployment.yaml', pod('Deployment')],
      ['c/templates/statefulset.yaml', pod('StatefulSet')],
    ]);
    const warnings: unknown[] = [];
    const { findings } = analyseChart({ dir: 'c', files, render: ['c/templates/deployment.yaml', 'c/templates/statefulset.yaml'] }, (w) => warnings.push(w));
    assert.deepEqual(warnings, []);
    const privileged = findings.filter((f) => f.ruleId === 'iac/k8s-privileged-container');
    assert.equal(privileged.length, 1);
    assert.deepEqual(privileged[0]!.location, { path: 'c/values.yaml', startLine: 3 });
    assert.deepEqual(privileged[0]!.properties.helm, {
      chart: 'c',
      template: 'templates/deployment.yaml',
      templates: ['templates/deployment.yaml', 'templates/statefulset.yaml'],
      also: ['StatefulSet/release-name-statefulset container app'],
    });
    assert.match(privileged[0]!.message, /\(also: StatefulSet\/release-name-statefulset container app\) \(rendered by templates\/deployment\.yaml, templates\/statefulset\.yaml\)\.$/);
    // The template lines that write the value are related places (--since keeps the finding when one changes).
    assert.deepEqual(privileged[0]!.related?.map((r) => `${r.path}:${r.startLine}`), ['c/templates/deployment.yaml:13', 'c/templates/statefulset.yaml:13']);
    // A finding on a template line stays there, once per template.
    const root = findings.filter((f) => f.ruleId === 'iac/k8s-run-as-root').map((f) => `${f.location.path}:${f.location.startLine}`);
    assert.deepEqual(root.sort(), ['c/templates/deployment.yaml:12', 'c/templates/statefulset.yaml:12']);
    // The namespace is the release's, chosen at install: not a finding.
    assert.ok(!findings.some((f) => f.ruleId === 'iac/k8s-default-namespace'));
  });

  it('still reports a namespace the template itself sets to default', () => {
    const files = new Map([
      ['c/Chart.yaml', CHART],
      ['c/templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n'],
    ]);
    const { findings } = analyseChart({ dir: 'c', files, render: ['c/templates/cm.yaml'] }, () => {});
    assert.deepEqual(findings.filter((f) => f.ruleId === 'iac/k8s-default-namespace').map((f) => f.location), [{ path: 'c/templates/cm.yaml', startLine: 5 }]);
  });

  it('reports invalid YAML in the rendered output at the line that wrote it', () => {
    const files = new Map([
      ['c/Chart.yaml', CHART],
      ['c/values.yaml', 'x: "a: b"\n'],
      ['c/templates/bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.x }}\n'],
    ]);
    const warnings: Array<{ path?: string; line?: number; message: string }> = [];
    analyseChart({ dir: 'c', files, render: ['c/templates/bad.yaml'] }, (w) => warnings.push(w));
    assert.equal(warnings.length, 1);
    assert.equal(`${warnings[0]!.path}:${warnings[0]!.line}`, 'c/templates/bad.yaml:4');
    assert.match(warnings[0]!.message, /^invalid YAML: .* \(in the output of templates\/bad\.yaml, rendered by secloop with the chart's default values\)$/);
  });

  it('renders templates in Helm\'s order with one top-level object per chart, so a template that sets $.Values changes what later ones see', () => {
    const files = new Map([
      ['c/Chart.yaml', CHART],
      ['c/values.yaml', '_defaults:\n  pod:\n    privileged: true\n'],
      // Named to sort first in Helm's order (reverse name order), as istio's zzz_profile.yaml.
      ['c/templates/zzz_profile.yaml', '{{- $defaults := .Values._defaults }}\n{{- $_ := unset .Values "_defaults" }}\n{{- $b := set $ "Values" (mustMergeOverwrite $defaults .Values) }}\n'],
      ['c/templates/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      privileged: {{ .Values.pod.privileged }}\n'],
    ]);
    const warnings: unknown[] = [];
    const { findings } = analyseChart({ dir: 'c', files, render: ['c/templates/pod.yaml', 'c/templates/zzz_profile.yaml'] }, (w) => warnings.push(w));
    assert.deepEqual(warnings, []);
    assert.ok(findings.some((f) => f.ruleId === 'iac/k8s-privileged-container'), findings.map((f) => f.ruleId).join('\n'));
  });

  it('splits at a --- that rendering glued to a comment, as Helm does', () => {
    const files = new Map([
      ['c/Chart.yaml', CHART],
      ['c/values.yaml', 'reader: true\n'],
      ['c/templates/rbac.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n\n---\n\n{{- if .Values.reader -}}\n\n# reads every Secret\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get"]\n{{- end }}\n'],
    ]);
    const warnings: unknown[] = [];
    const { findings } = analyseChart({ dir: 'c', files, render: ['c/templates/rbac.yaml'] }, (w) => warnings.push(w));
    assert.deepEqual(warnings, []);
    assert.deepEqual(findings.filter((f) => f.ruleId === 'iac/k8s-rbac-secrets-access').map((f) => f.location.path), ['c/templates/rbac.yaml']);
  });

  it('says the NetworkPolicy rules compared the objects of the whole render, not of one file', () => {
    const policy = (name: string, app: string, types: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n  podSelector:\n    matchLabels:\n      app: ${app}\n  policyTypes: [${types}]\n`;
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n`;
    const files = new Map([
      ['c/Chart.yaml', CHART],
      ['c/templates/netpol.yaml', policy('web', 'web', 'Ingress')],
      ['c/templates/stale.yaml', policy('stale', 'webb', 'Ingress')],
      ['c/templates/deploy.yaml', deployment],
    ]);
    const { findings } = analyseChart({ dir: 'c', files, render: [...files.keys()].filter((f) => f.includes('/templates/')) }, () => {});
    assert.deepEqual(findings.filter((f) => /network-policy|not-isolated/.test(f.ruleId)).map((f) => `${f.ruleId} ${f.location.path} ${f.message}`).sort(), [
      'iac/k8s-network-policy-selects-nothing c/templates/stale.yaml NetworkPolicy/stale selects app=webb, which no workload that the chart renders carries.',
      'iac/k8s-pod-not-isolated c/templates/deploy.yaml No NetworkPolicy that the chart renders isolates the egress of Deployment/web (its ingress is isolated): it can reach any address.',
    ]);
  });

  it('does not report what other objects lack when a template of the chart was not rendered', () => {
    const policy = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels:\n      app: web\n  policyTypes: [Ingress]\n';
    const deployment = (extra: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27${extra}\n`;
    const run = (extra: string) => {
      const files = new Map([
        ['c/Chart.yaml', CHART],
        ['c/templates/netpol.yaml', policy],
        ['c/templates/deploy.yaml', deployment(extra)],
      ]);
      const warnings: unknown[] = [];
      const { findings } = analyseChart({ dir: 'c', files, render: ['c/templates/netpol.yaml', 'c/templates/deploy.yaml'] }, (w) => warnings.push(w));
      return { warnings: warnings.length, rules: findings.map((f) => f.ruleId).filter((r) => /network-policy|not-isolated/.test(r)) };
    };
    // Rendered: the policy selects the workload, whose egress it leaves open.
    assert.deepEqual(run(''), { warnings: 0, rules: ['iac/k8s-pod-not-isolated'] });
    // The workload's template fails: the policy seems to select nothing, but that is secloop's gap, not the chart's.
    assert.deepEqual(run('\n          args: [{{ env "HOME" | quote }}]'), { warnings: 1, rules: [] });
  });
});

describe('Helm charts in a scan', () => {
  const at = (findings: Array<{ ruleId: string; location: { path: string; startLine: number } }>, rule: string) =>
    findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.path}:${f.location.startLine}`);

  it('offers a chart at the scan root its own files through .Files (Get, Lines, Glob, AsConfig)', async () => {
    const t = tempTree({
      'Chart.yaml': CHART,
      'files/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: shop\nspec:\n  containers:\n  - name: debug\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n',
      'files/conf/app.properties': 'mode=prod\nlevel=info\n',
      'templates/from-files.yaml': '{{ .Files.Get "files/pod.yaml" }}\n',
      'templates/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\n  namespace: shop\n  annotations:\n    lines: "{{ .Files.Lines "files/conf/app.properties" | len }}"\ndata:\n{{ (.Files.Glob "files/conf/*").AsConfig | indent 2 }}\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      // The file is a manifest of its own too: what the chart renders from it is reported once, on its line.
      assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container').sort(), ['files/pod.yaml:11']);
      const config = result.findings.filter((f) => f.location.path === 'templates/config.yaml');
      assert.ok(config.every((f) => f.ruleId !== 'iac/k8s-secret-in-env'));
    } finally {
      t.cleanup();
    }
  });

  it('reads a partial of the chart whose name starts with `_` but does not end in .tpl, which a template includes by its path', async () => {
    const t = tempTree({
      'Chart.yaml': CHART,
      'values.yaml': 'hostPID: true\n',
      'templates/_pod_spec.txt': 'hostPID: {{ .Values.hostPID }}\ncontainers:\n- name: c\n  image: nginx:1.27\n',
      'templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n{{ include (print $.Template.BasePath "/_pod_spec.txt") . | indent 2 }}\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(at(result.findings, 'iac/k8s-host-pid'), ['values.yaml:1']);
    } finally {
      t.cleanup();
    }
  });

  it('renders the fixture chart and reports each problem where it is written', async () => {
    const dir = fixturePath('iac', 'helm-chart');
    const result = await runScan({ target: dir, scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['values.yaml:11']);
    assert.deepEqual(at(result.findings, 'iac/k8s-image-latest').sort(), ['templates/deployment.yaml:23', 'templates/tests/test-connection.yaml:10']);
    assert.deepEqual(at(result.findings, 'iac/k8s-service-loadbalancer'), ['templates/service.yaml:9']);
    assert.deepEqual(at(result.findings, 'iac/k8s-writable-root-filesystem').sort(), ['templates/tests/test-connection.yaml:9', 'values.yaml:12']);
    // The lines are the ones the rules name.
    const values = readFileSync(`${dir}/values.yaml`, 'utf8').split('\n');
    assert.equal(values[10], '  privileged: true');
    assert.match(readFileSync(`${dir}/templates/service.yaml`, 'utf8').split('\n')[8]!, /^ {2}type: \{\{ \.Values\.service\.type \}\}$/);
    // Chart.yaml and values.yaml are not manifests; NOTES.txt is not read.
    assert.ok(result.findings.every((f) => f.location.path !== 'Chart.yaml' && !f.location.path.endsWith('.txt')));
    const privileged = result.findings.find((f) => f.ruleId === 'iac/k8s-privileged-container')!;
    assert.deepEqual(privileged.properties.helm, { chart: '.', template: 'templates/deployment.yaml' });
    assert.match(privileged.message, /\(rendered by templates\/deployment\.yaml\)\.$/);
    // The excerpt and the JSON report show values.yaml's line.
    assert.ok(result.excerpts.get(privileged.fingerprint)!.lines.includes('  privileged: true'));
    assert.match(writeJson(result), /"helm": \{\s*"chart": ".",\s*"template": "templates\/deployment.yaml"/);
  });

  it('finds charts below the scan root, leaves plain manifests and templates/ without a Chart.yaml alone, and honours secloop-ignore in values.yaml', async () => {
    const t = tempTree({
      'deploy/chart/Chart.yaml': CHART,
      'deploy/chart/values.yaml': 'securityContext:\n  # secloop-ignore iac/k8s-privileged-container -- the node agent needs it\n  privileged: true\nhostNetwork: true\n',
      'deploy/chart/templates/ds.yaml':
        'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      hostNetwork: {{ .Values.hostNetwork }}\n      containers:\n        - name: a\n          image: agent:1.0\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n',
      'k8s/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: nginx:1.27\n',
      'other/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  hostIPC: true\n  containers:\n  - name: c\n    image: nginx:1.27\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['deploy/chart/templates/ds.yaml:8']);
      assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), []);
      assert.deepEqual(result.suppressed.map((s) => `${s.finding.ruleId} ${s.finding.location.path}:${s.finding.location.startLine}`), ['iac/k8s-privileged-container deploy/chart/values.yaml:3']);
      assert.deepEqual(at(result.findings, 'iac/k8s-host-pid'), ['k8s/pod.yaml:6']);
      assert.deepEqual(at(result.findings, 'iac/k8s-host-ipc'), ['other/templates/pod.yaml:6']);
    } finally {
      t.cleanup();
    }
  });

  it('renders unpacked subcharts with the parent, and warns about a template it cannot render without failing the scan', async () => {
    const t = tempTree({
      'Chart.yaml': CHART,
      'values.yaml': 'db:\n  hostPID: true\n',
      'templates/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  home: {{ env "HOME" | b64enc }}\n',
      'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
      'charts/db/values.yaml': 'hostPID: false\n',
      'charts/db/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  hostPID: {{ .Values.hostPID }}\n  containers:\n  - name: c\n    image: postgres:16.3\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(
        result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`),
        ['templates/secret.yaml:6 Helm template not rendered: function "env" is not supported by secloop\'s Helm renderer'],
      );
      const pid = result.findings.filter((f) => f.ruleId === 'iac/k8s-host-pid');
      assert.deepEqual(pid.map((f) => `${f.location.path}:${f.location.startLine}`), ['charts/db/templates/pod.yaml:6']);
      assert.deepEqual(pid[0]!.properties.helm, { chart: '.', template: 'charts/db/templates/pod.yaml' });
    } finally {
      t.cleanup();
    }
  });

  it('uses a library chart of the scan for a dependency that is not unpacked (name and version), and names the other missing ones', async () => {
    const lib = (version: string) => `apiVersion: v2\nname: common\ntype: library\nversion: ${version}\n`;
    const app = (name: string, constraint: string) =>
      `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: ${constraint}\n    repository: oci://registry.example.org/charts\n`;
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ include "common.names.fullname" . }}\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: nginx:1.27\n';
    const t = tempTree({
      'charts/common/Chart.yaml': lib('2.31.0'),
      'charts/common/values.yaml': 'exampleValue: common\n',
      'charts/common/templates/_names.tpl': '{{- define "common.names.fullname" -}}\n{{ .Release.Name }}-{{ .Chart.Name }}\n{{- end -}}\n',
      'charts/web/Chart.yaml': app('web', '2.x.x'),
      'charts/web/templates/pod.yaml': pod,
      // This one asks for another major version of the library: it is not used.
      'charts/old/Chart.yaml': app('old', '1.x.x'),
      'charts/old/templates/pod.yaml': pod,
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings, 'iac/k8s-host-pid'), ['charts/web/templates/pod.yaml:6']);
      assert.deepEqual(
        result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`),
        ['charts/old/templates/pod.yaml:4 Helm template not rendered: error calling include: template "common.names.fullname" is not defined (dependencies missing from charts/: common; secloop does not fetch dependencies)'],
      );
    } finally {
      t.cleanup();
    }
  });

  it('uses the application chart a file:// dependency names (shared helpers without type: library), not one of that name elsewhere', async () => {
    const helpers = (name: string, body: string) => ({
      [`${name}/Chart.yaml`]: 'apiVersion: v1\nname: partials\nversion: 0.1.0\n',
      [`${name}/templates/_helpers.tpl`]: `{{- define "partials.net" -}}\n${body}\n{{- end -}}\n`,
    });
    const app = (repository: string) => `apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: partials\n    version: 0.1.0\n    repository: ${repository}\n`;
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  {{- include "partials.net" . | nindent 2 }}\n  containers:\n  - name: c\n    image: nginx:1.27\n';
    const t = tempTree({
      ...helpers('charts/partials', 'hostNetwork: true'),
      ...helpers('other/partials', 'hostNetwork: false'),
      'charts/web/Chart.yaml': app('file://../partials'),
      'charts/web/templates/pod.yaml': pod,
      // An application chart of that name that no file:// repository names is not taken for the dependency.
      'charts/api/Chart.yaml': app('https://charts.example.org'),
      'charts/api/templates/pod.yaml': pod,
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      // On the line of the dependency's helper that writes it.
      assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['charts/partials/templates/_helpers.tpl:2']);
      assert.deepEqual(
        result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`),
        ['charts/api/templates/pod.yaml:6 Helm template not rendered: error calling include: template "partials.net" is not defined (dependencies missing from charts/: partials; secloop does not fetch dependencies)'],
      );
    } finally {
      t.cleanup();
    }
  });

  it('with --staged, reads the chart\'s other files from the index', async () => {
    const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}  containers:\n  - name: c\n    image: nginx:1.27\n`;
    const t = tempTree({
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': 'net: true\n',
      'chart/templates/_helpers.tpl': '{{- define "web.net" -}}\nhostNetwork: {{ .Values.net | ternary "true" "false" }}\n{{- end }}\n',
      'chart/templates/pod.yaml': pod(''),
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('chart/templates/pod.yaml', pod('  {{- include "web.net" . | nindent 2 }}\n'));
      git(t.dir, 'add', 'chart/templates/pod.yaml');
      // What will be committed is the index: the helper changed in the working tree does not count.
      t.write('chart/templates/_helpers.tpl', '{{- define "web.net" -}}\nhostNetwork: false\n{{- end }}\n');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      // On the line of the helper as staged (the working tree's says false).
      assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['chart/templates/_helpers.tpl:2']);
    } finally {
      t.cleanup();
    }
  });

  it('renders packaged subcharts (charts/*.tgz) from the archive, and reports what they hold on the archive', async () => {
    const sub = createTar([
      { name: 'sub/Chart.yaml', data: 'apiVersion: v2\nname: sub\nversion: 0.1.0\n' },
      { name: 'sub/values.yaml', data: 'hostNetwork: true\nsecurityContext:\n  privileged: false\n' },
      { name: 'sub/templates/_helpers.tpl', data: '{{- define "sub.name" -}}sub-{{ .Release.Name }}{{- end }}\n' },
      { name: 'sub/templates/pod.yaml', data: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ include "sub.name" . }}\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      {{- toYaml .Values.securityContext | nindent 6 }}\n' },
      { name: 'sub/README.md', data: 'not read' },
      { name: '../evil/templates/x.yaml', data: 'kind: Pod\n' },
    ]);
    const t = tempTree({
      'chart/Chart.yaml': `${CHART}dependencies:\n  - name: sub\n    version: 0.1.0\n    repository: https://charts.example.org\n`,
      'chart/values.yaml': 'sub:\n  securityContext:\n    privileged: true\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "sub.name" . }}\ndata: {}\n',
      'other/Chart.yaml': CHART,
      'other/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    });
    try {
      mkdirSync(path.join(t.dir, 'chart/charts'));
      mkdirSync(path.join(t.dir, 'other/charts'));
      writeFileSync(path.join(t.dir, 'chart/charts/sub-0.1.0.tgz'), gzipSync(sub));
      writeFileSync(path.join(t.dir, 'other/charts/broken-1.0.0.tgz'), Buffer.from('not an archive'));
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings.map((w) => `${w.path}: ${w.message}`), ['other/charts/broken-1.0.0.tgz: packaged Helm subchart not read: not a gzip archive']);
      // The parent's value for the subchart is reported where the parent sets it.
      assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['chart/values.yaml:3']);
      // What the subchart's own template writes: on the archive, with the place inside it.
      const host = result.findings.find((f) => f.ruleId === 'iac/k8s-host-network')!;
      assert.deepEqual(host.location, { path: 'chart/charts/sub-0.1.0.tgz', startLine: 1 });
      assert.match(host.message, /\(in the packaged subchart sub-0\.1\.0\.tgz: sub\/templates\/pod\.yaml:6\)/);
      assert.deepEqual(host.properties.packaged, { archive: 'chart/charts/sub-0.1.0.tgz', file: 'sub/templates/pod.yaml', line: 6 });
    } finally {
      t.cleanup();
    }
  });

  it('applies the values files secloop.yaml names for a chart over its values.yaml, as helm template -f does', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      {{- toYaml .Values.securityContext | nindent 6 }}\n';
    const t = tempTree({
      'secloop.yaml': 'version: 1\niac:\n  helmValues:\n    ./chart/: [env/prod.yaml, env/missing.yaml, env/broken.yaml]\n',
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': 'hostNetwork: false\nsecurityContext:\n  privileged: false\n  runAsNonRoot: true\n',
      'chart/templates/pod.yaml': pod,
      'env/prod.yaml': '# production\nsecurityContext:\n  privileged: true\n',
      'env/broken.yaml': 'hostNetwork: [true\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['env/prod.yaml:3']);
      // The rest of values.yaml still applies.
      assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), []);
      const messages = result.warnings.map((w) => `${w.path}: ${w.message}`);
      assert.ok(messages.some((m) => /^chart\/Chart\.yaml: Helm values file env\/missing\.yaml \(iac\.helmValues\) was not found/.test(m)), messages.join('\n'));
      assert.ok(messages.some((m) => /^env\/broken\.yaml: Helm values file not used/.test(m)), messages.join('\n'));
    } finally {
      t.cleanup();
    }
  });

  it('with --since, reports a finding on a values.yaml line when only the template that writes the value changed', async () => {
    const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n${spec}`;
    const t = tempTree({
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': 'securityContext:\n  privileged: true\n',
      'chart/templates/pod.yaml': pod(''),
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('chart/templates/pod.yaml', pod('    securityContext:\n      {{- toYaml .Values.securityContext | nindent 6 }}\n'));
      const result = await runScan({ target: t.dir, since: 'HEAD', scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['chart/values.yaml:2']);
    } finally {
      t.cleanup();
    }
  });
});

describe('packaged subcharts are hostile input', () => {
  it('bounds what an archive unpacks to, and reports archives that are not charts', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_UNPACKED_BYTES + 1024));
    assert.deepEqual(unpackChart(bomb), { problem: `unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB` });
    assert.deepEqual(unpackChart(gzipSync(createTar([{ name: 'x/README.md', data: 'hi' }]))), { problem: 'holds no Chart.yaml under a chart folder' });
    assert.deepEqual(unpackChart(gzipSync(Buffer.from('plain text, not tar'))), { problem: 'holds no Chart.yaml under a chart folder' });
    // A chart packed inside a chart comes out under charts/<its name>/.
    const inner = gzipSync(createTar([{ name: 'inner/Chart.yaml', data: 'apiVersion: v2\nname: inner\nversion: 1.0.0\n' }]));
    const outer = unpackChart(gzipSync(createTar([{ name: 'outer/Chart.yaml', data: 'apiVersion: v2\nname: outer\nversion: 1.0.0\n' }, { name: 'outer/charts/inner-1.0.0.tgz', data: inner }])));
    assert.ok('chart' in outer);
    assert.deepEqual([...outer.chart.files.keys()].sort(), ['Chart.yaml', 'charts/inner/Chart.yaml']);
  });
});

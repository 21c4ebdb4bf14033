import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { MAX_DEPLOYMENT_RENDERS } from '../../../src/scanners/iac/helm/charts.js';
import { helmDeployments, setPath, setValue } from '../../../src/scanners/iac/helm/deployments.js';
import { GoInt } from '../../../src/scanners/iac/helm/values.js';
import { fixturePath } from '../../helpers/paths.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

function at(findings: readonly ScannerFinding[], ruleId: string): string[] {
  return findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.location.path}:${f.location.startLine}`);
}

function messages(findings: readonly ScannerFinding[], ruleId: string): string[] {
  return findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
}

const CHART = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
const VALUES = 'hostNetwork: false\nsecurityContext:\n  privileged: false\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      {{- toYaml .Values.securityContext | nindent 6 }}\n';

function application(name: string, helm: string): string {
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://example.org/r.git\n    path: chart\n    helm:\n${helm}  destination:\n    namespace: web\n`;
}

describe('Helm charts rendered with the values of their deployments', () => {
  it('renders a chart with the values its Argo CD Application, Flux HelmRelease, helmfile and kustomize helmCharts give, naming them', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-deployments'), scannerSet: [iacScanner] });
    // The chart's default values are safe: what is found comes from the deployments, reported where their values are written.
    assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['deploy/argocd/web.yaml:13']);
    assert.match(messages(result.findings, 'iac/k8s-privileged-container')[0]!, /\(with the values of Application argocd\/web, deploy\/argocd\/web\.yaml\)\.$/);
    // A value a template writes inline keeps the template line.
    assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['charts/web/templates/deployment.yaml:14']);
    assert.match(messages(result.findings, 'iac/k8s-host-network')[0]!, /with the values of HelmRelease apps\/web, deploy\/flux\/web\.yaml/);
    assert.deepEqual(at(result.findings, 'iac/k8s-service-loadbalancer'), ['charts/web/templates/service.yaml:6']);
    assert.match(messages(result.findings, 'iac/k8s-service-loadbalancer')[0]!, /with the values of helmfile release web, helmfile\.yaml/);
    assert.deepEqual(at(result.findings, 'iac/k8s-privilege-escalation'), ['deploy/kustomize/kustomization.yaml:8']);
    assert.match(messages(result.findings, 'iac/k8s-privilege-escalation')[0]!, /with the values of helmCharts worker, deploy\/kustomize\/kustomization\.yaml/);
    // What every render finds is reported once, without a deployment's name.
    assert.deepEqual(at(result.findings, 'iac/k8s-no-memory-limit').sort(), ['charts/api/templates/deployment.yaml:16', 'charts/web/templates/deployment.yaml:16', 'charts/worker/templates/deployment.yaml:16']);
    assert.ok(messages(result.findings, 'iac/k8s-no-memory-limit').every((m) => !m.includes('with the values of')));
    // charts/api has values configured in secloop.yaml (iac.helmValues): those win, its Application's hostNetwork: true is not applied.
    assert.ok(!result.findings.some((f) => f.location.path.startsWith('charts/api/') && f.ruleId === 'iac/k8s-host-network'));
    const warnings = result.warnings.map((w) => `${w.path}:${w.line ?? ''} ${w.message}`);
    assert.deepEqual(warnings.sort(), [
      'deploy/argocd/web.yaml:26 Application argocd/worker deploys the Helm chart charts/worker: values file $values/env/web.yaml comes from another source of the Application ($ref), which secloop does not resolve',
      "deploy/argocd/web.yaml:26 Helm values file values-missing.yaml (charts/worker/values-missing.yaml) of Application argocd/worker was not found, or could not be read inside the scan root: the chart charts/worker is rendered with this deployment's other values only",
      'deploy/flux/web.yaml:1 HelmRelease apps/web deploys the Helm chart charts/web: spec.valuesFrom (ConfigMap/web-values) is read by Flux from the cluster: not applied',
    ]);
  });

  it(`renders a chart with the values of at most ${MAX_DEPLOYMENT_RENDERS} deployments, and names the others in a warning`, async () => {
    const apps = Array.from({ length: MAX_DEPLOYMENT_RENDERS + 2 }, (_, i) => application(`web-${i}`, '      parameters:\n        - name: hostNetwork\n          value: "true"\n'));
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': VALUES, 'chart/templates/pod.yaml': POD, 'apps.yaml': apps.join('---\n') });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const found = messages(result.findings, 'iac/k8s-host-network');
      assert.equal(found.length, 1);
      assert.match(found[0]!, /with the values of Application argocd\/web-0, apps\.yaml; Application argocd\/web-1, apps\.yaml; Application argocd\/web-2, apps\.yaml; Application argocd\/web-3, apps\.yaml\)/);
      assert.deepEqual(
        result.warnings.map((w) => `${w.path} ${w.message}`),
        [`chart/Chart.yaml Helm chart rendered with the values of its first ${MAX_DEPLOYMENT_RENDERS} deployments only; not with those of Application argocd/web-4, apps.yaml; Application argocd/web-5, apps.yaml`],
      );
    } finally {
      t.cleanup();
    }
  });

  it('reads helm.values (a YAML string) on the lines of the Application, and helm.valueFiles relative to the chart', async () => {
    const t = tempTree({
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': VALUES,
      'chart/values-prod.yaml': '# prod\nhostNetwork: true\n',
      'chart/templates/pod.yaml': POD,
      'app.yaml': application('web', '      valueFiles: [values-prod.yaml]\n      values: |\n        securityContext:\n          privileged: true\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['app.yaml:14']);
      assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['chart/templates/pod.yaml:6']);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });

  it('with --staged, finds the deployments of the index beside the staged chart', async () => {
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': VALUES, 'chart/templates/pod.yaml': POD, 'deploy/app.yaml': application('web', '      valuesObject:\n        hostNetwork: true\n') });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      // A staged scan reports what the staged lines hold.
      t.write('chart/templates/pod.yaml', POD.replace('{{ .Values.hostNetwork }}', '{{ .Values.hostNetwork }} # staged'));
      git(t.dir, 'add', 'chart/templates/pod.yaml');
      // The working tree's Application is not what will be committed.
      t.write('deploy/app.yaml', application('web', '      valuesObject:\n        hostNetwork: false\n'));
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['chart/templates/pod.yaml:6']);
      assert.match(messages(result.findings, 'iac/k8s-host-network')[0]!, /with the values of Application argocd\/web, deploy\/app\.yaml/);
    } finally {
      t.cleanup();
    }
  });

  it("keeps the fingerprint of a finding a deployment's values give when another deployment is added before it", async () => {
    const IMAGE_POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: {{ .Values.image }}\n';
    const digest = `example.org/web@sha256:${'0f1e2d3c'.repeat(8)}`;
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': `image: ${digest}\n`, 'chart/templates/pod.yaml': IMAGE_POD, 'deploy/b.yaml': application('web', '      valuesObject:\n        image: example.org/nginx:latest\n') });
    const latest = async () => {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      return result.findings.filter((f) => f.ruleId === 'iac/k8s-image-latest').map((f) => ({ at: `${f.location.path}:${f.location.startLine}`, image: /nginx|redis/.exec(f.message)?.[0], fingerprint: f.fingerprint }));
    };
    try {
      const [first, ...none] = await latest();
      assert.deepEqual([first?.at, first?.image, none], ['chart/templates/pod.yaml:8', 'nginx', []]);
      // A second Application, first in path order, gives another finding on the same template line.
      t.write('deploy/a.yaml', application('cache', '      valuesObject:\n        image: example.org/redis:latest\n'));
      const two = await latest();
      assert.deepEqual(two.map((f) => [f.at, f.image]).sort(), [['chart/templates/pod.yaml:8', 'nginx'], ['chart/templates/pod.yaml:8', 'redis']]);
      assert.equal(two.find((f) => f.image === 'nginx')!.fingerprint, first!.fingerprint);
      // A third that gives the same finding as the first: still the same finding, the same fingerprint.
      t.write('deploy/0.yaml', application('web-copy', '      valuesObject:\n        image: example.org/nginx:latest\n'));
      const three = await latest();
      assert.equal(three.length, 2);
      assert.equal(three.find((f) => f.image === 'nginx')!.fingerprint, first!.fingerprint);
    } finally {
      t.cleanup();
    }
  });

  it('reports a finding once when a deployment only renames the objects (nameOverride), not once more per deployment', async () => {
    const NAMED = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-{{ .Values.nameOverride | default .Chart.Name }}\nspec:\n  template:\n    spec:\n      hostNetwork: {{ .Values.hostNetwork }}\n      containers:\n      - name: c\n        image: nginx:1.27\n';
    const helmfile = 'releases:\n  - name: dev\n    chart: ./chart\n    values:\n      - nameOverride: dev-web\n  - name: prod\n    chart: ./chart\n    values:\n      - nameOverride: prod-web\n        hostNetwork: true\n';
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': VALUES, 'chart/templates/deployment.yaml': NAMED, 'helmfile.yaml': helmfile });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      // Every render finds no memory limit: once, with the default render's name.
      assert.deepEqual(messages(result.findings, 'iac/k8s-no-memory-limit'), ['Deployment/release-name-web container c has no memory limit.']);
      // What only a deployment gives is still reported, named with that deployment.
      assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['chart/templates/deployment.yaml:8']);
      assert.match(messages(result.findings, 'iac/k8s-host-network')[0]!, /prod-web.*with the values of helmfile release prod, helmfile\.yaml\)/);
    } finally {
      t.cleanup();
    }
  });

  it("does not report again what the default render reports on the same object, when a deployment's values move it to another line", async () => {
    const SECCOMP = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n  {{- with .Values.podSecurityContext }}\n  securityContext:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n';
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': 'podSecurityContext: {}\n', 'chart/templates/pod.yaml': SECCOMP, 'app.yaml': application('web', '      valuesObject:\n        podSecurityContext:\n          runAsNonRoot: true\n') });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      // Without a pod securityContext the default render reports it on the pod; the Application's puts it on securityContext:, the same finding.
      assert.deepEqual(at(result.findings, 'iac/k8s-seccomp-missing'), ['chart/templates/pod.yaml:5']);
      assert.ok(result.findings.every((f) => !f.message.includes('with the values of')));
    } finally {
      t.cleanup();
    }
  });

  it('does not report again what the default render reports on a values file line, when a deployment applies that file again (limits: null drops the key)', async () => {
    const LIMITS = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    resources:\n{{ toYaml .Values.resources | indent 6 }}\n';
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': 'resources:\n  limits:\n  requests:\n    memory: 16Mi\n', 'chart/templates/pod.yaml': LIMITS, 'app.yaml': application('web', '      valueFiles: [values.yaml]\n') });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings, 'iac/k8s-no-memory-limit'), ['chart/values.yaml:2']);
      assert.ok(result.findings.every((f) => !f.message.includes('with the values of')));
    } finally {
      t.cleanup();
    }
  });

  it('reads --set paths and types their values as Helm does', () => {
    assert.deepEqual(setPath('a.b[1].c'), ['a', 'b', 1, 'c']);
    assert.deepEqual(setPath('annotations.example\\.org/x'), ['annotations', 'example.org/x']);
    assert.equal(setPath('.a'), undefined);
    assert.equal(setValue('true', false), true);
    assert.equal(setValue('true', true), 'true');
    assert.deepEqual(setValue('8080', false), new GoInt(8080, 'int64'));
    assert.equal(setValue('0123', false), '0123');
  });

  it('takes only local charts: a HelmRelease of a Helm repository and a helmfile release of a repository chart deploy none', () => {
    const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n  values:\n    hostNetwork: true\n';
    assert.deepEqual(helmDeployments('release.yaml', release), []);
    assert.deepEqual(helmDeployments('helmfile.yaml', 'releases:\n  - name: web\n    chart: bitnami/nginx\n    values: [v.yaml]\n'), []);
    assert.deepEqual(helmDeployments('helmfile.yaml', 'releases:\n  - name: web\n    chart: ../charts/web\n    values: [v.yaml]\n').map((d) => d.chart), []);
    assert.deepEqual(helmDeployments('ops/helmfile.yaml', 'releases:\n  - name: web\n    chart: ../charts/web\n    values: [v.yaml]\n').map((d) => [d.chart, d.layers]), [['charts/web', [{ kind: 'file', path: 'ops/v.yaml', written: 'v.yaml' }]]]);
  });
  it('renders a chart under the release name and namespace each deployment installs it with (Argo CD, Flux, helmfile, kustomize)', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-release-names'), scannerSet: [iacScanner] });
    // Argo CD: helm.releaseName in the destination namespace; Flux: <targetNamespace>-<name> (the chart's fullname is that
    // name alone, as it holds the chart's); helmfile: the release's name; kustomize: releaseName. Never release-name.
    assert.deepEqual(messages(result.findings, 'iac/k8s-host-network'), ["DaemonSet/logs-fluentd shares the node's network namespace (hostNetwork: true) (with the values of Application argocd/fluentd-prod, deploy/argocd.yaml)."]);
    assert.match(messages(result.findings, 'iac/k8s-privileged-container')[0]!, /^DaemonSet\/logging-fluentd container fluentd runs privileged.*HelmRelease flux-system\/fluentd/);
    assert.match(messages(result.findings, 'iac/k8s-host-pid')[0]!, /^DaemonSet\/edge-fluentd .*helmfile release edge/);
    assert.match(messages(result.findings, 'iac/k8s-host-ipc')[0]!, /^DaemonSet\/collector-fluentd .*helmCharts fluentd/);
    // What every render finds, its objects named after each release and in each release's namespace (the service account
    // logging/logs-fluentd for default/release-name-fluentd), is one finding, the default render's.
    assert.deepEqual(messages(result.findings, 'iac/k8s-rbac-secrets-access'), ['Role/release-name-fluentd can read Secrets (get) of its namespace only, and service account default/release-name-fluentd is bound to it.']);
    assert.deepEqual(messages(result.findings, 'iac/k8s-no-memory-limit'), ['DaemonSet/release-name-fluentd container fluentd has no memory limit.']);
  });

  it('reads the release name and namespace each deployment gives, leaving what it does not tell to Helm (release-name, default)', () => {
    const flux = (spec: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n${spec}  chart:\n    spec:\n      chart: ./chart\n      sourceRef:\n        kind: GitRepository\n        name: repo\n  values:\n    a: 1\n`;
    assert.deepEqual(helmDeployments('r.yaml', flux('')).map((d) => d.release), [{ name: 'web', namespace: 'apps' }]);
    assert.deepEqual(helmDeployments('r.yaml', flux('  targetNamespace: prod\n')).map((d) => d.release), [{ name: 'prod-web', namespace: 'prod' }]);
    assert.deepEqual(helmDeployments('r.yaml', flux('  releaseName: site\n  targetNamespace: prod\n')).map((d) => d.release), [{ name: 'site', namespace: 'prod' }]);
    // Argo CD: the Application's name when helm.releaseName is not set.
    assert.deepEqual(helmDeployments('app.yaml', application('web', '      parameters:\n        - name: a\n          value: "1"\n')).map((d) => d.release), [{ name: 'web', namespace: 'web' }]);
    // A helmfile template, or a name Helm refuses, is not a name: Helm's default stays.
    assert.deepEqual(helmDeployments('helmfile.yaml', 'releases:\n  - name: "{{ .Values.name }}"\n    chart: ./chart\n    values: [{ a: 1 }]\n').map((d) => d.release), [undefined]);
    assert.deepEqual(helmDeployments('helmfile.yaml', 'releases:\n  - name: Web_1\n    namespace: ops\n    chart: ./chart\n    values: [{ a: 1 }]\n').map((d) => d.release), [{ namespace: 'ops' }]);
  });

  it("gives a finding only deployments give the fingerprint it has under Helm's default release, whatever release installs it", async () => {
    const NAMED = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  containers:\n  - name: c\n    image: nginx:1.27\n';
    const release = (name: string) => `releases:\n  - ${name}chart: ./chart\n    values:\n      - hostNetwork: true\n`;
    const t = tempTree({ 'chart/Chart.yaml': CHART, 'chart/values.yaml': VALUES, 'chart/templates/pod.yaml': NAMED, 'helmfile.yaml': release('') });
    const found = async () => (await runScan({ target: t.dir, scannerSet: [iacScanner] })).findings.filter((f) => f.ruleId === 'iac/k8s-host-network').map((f) => ({ message: f.message, fingerprint: f.fingerprint }));
    try {
      // A release without a name renders as release-name.
      const [unnamed] = await found();
      assert.match(unnamed!.message, /^Pod\/release-name-web /);
      t.write('helmfile.yaml', release('name: prod\n    namespace: shop\n    '));
      const [prod, ...none] = await found();
      assert.deepEqual(none, []);
      assert.match(prod!.message, /^Pod\/prod-web .*helmfile release prod/);
      assert.equal(prod!.fingerprint, unnamed!.fingerprint);
      // Two releases that give it under their own names: one finding naming both, with that fingerprint in either order.
      t.write('helmfile.yaml', `${release('name: prod\n    ')}${release('name: dev\n    ').replace('releases:\n', '')}`);
      const both = await found();
      assert.equal(both.length, 1);
      assert.match(both[0]!.message, /^Pod\/prod-web .*helmfile release prod, helmfile\.yaml; helmfile release dev, helmfile\.yaml\)/);
      assert.equal(both[0]!.fingerprint, unnamed!.fingerprint);
      t.write('helmfile.yaml', `${release('name: dev\n    ')}${release('name: prod\n    ').replace('releases:\n', '')}`);
      assert.equal((await found())[0]!.fingerprint, unnamed!.fingerprint);
    } finally {
      t.cleanup();
    }
  });
});

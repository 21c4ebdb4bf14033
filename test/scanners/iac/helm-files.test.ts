import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { unpackChart } from '../../../src/scanners/iac/helm/packaged.js';
import { fixturePath } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';

/** .Files of subcharts, and files a chart prints through .Files that the scan also reads on their own. */

const at = (findings: Array<{ ruleId: string; location: { path: string; startLine: number } }>, rule: string) =>
  findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.path}:${f.location.startLine}`).sort();

describe('Helm .Files of subcharts', () => {
  it('a subchart unpacked under charts/ reads its own files (and the parent its own)', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-subchart-files'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    // The subchart's security context comes from its own files/; the parent's file of the same name is not it.
    assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['charts/db/files/security.yaml:1']);
    // The parent reads its own file of that name, which keeps the root filesystem read-only.
    assert.deepEqual(at(result.findings, 'iac/k8s-writable-root-filesystem'), ['charts/db/files/security.yaml:2']);
    const privileged = result.findings.find((f) => f.ruleId === 'iac/k8s-privileged-container')!;
    assert.deepEqual(privileged.properties.helm, { chart: '.', template: 'charts/db/templates/pod.yaml' });
  });

  it('a packaged subchart (charts/*.tgz) reads the files of its archive, reported on the archive', async () => {
    const sub = createTar([
      { name: 'sub/Chart.yaml', data: 'apiVersion: v2\nname: sub\nversion: 0.1.0\n' },
      { name: 'sub/files/security.yaml', data: 'privileged: true\n' },
      { name: 'sub/files/logo.png', data: new Uint8Array([0x89, 0x50, 0, 0, 1]) },
      {
        name: 'sub/templates/pod.yaml',
        data: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: sub\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      {{- .Files.Get "files/security.yaml" | nindent 6 }}\n',
      },
    ]);
    const t = tempTree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\ndata: {}\n',
    });
    try {
      mkdirSync(path.join(t.dir, 'chart/charts'));
      writeFileSync(path.join(t.dir, 'chart/charts/sub-0.1.0.tgz'), gzipSync(sub));
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      const privileged = result.findings.filter((f) => f.ruleId === 'iac/k8s-privileged-container');
      assert.deepEqual(privileged.map((f) => `${f.location.path}:${f.location.startLine}`), ['chart/charts/sub-0.1.0.tgz:1']);
      assert.deepEqual(privileged[0]!.properties.packaged, { archive: 'chart/charts/sub-0.1.0.tgz', file: 'sub/files/security.yaml', line: 1 });
    } finally {
      t.cleanup();
    }
  });

  it('unpacks a packaged chart\'s other text files, not its binaries, hidden files or chart files', () => {
    const archive = gzipSync(
      createTar([
        { name: 'sub/Chart.yaml', data: 'apiVersion: v2\nname: sub\nversion: 0.1.0\n' },
        { name: 'sub/files/a.yaml', data: 'a: 1\n' },
        { name: 'sub/.hidden/b.yaml', data: 'b: 1\n' },
        { name: 'sub/logo.png', data: new Uint8Array([0x89, 0x50, 0, 0]) },
        { name: 'sub/charts/readme.txt', data: 'x\n' },
      ]),
    );
    const unpacked = unpackChart(archive);
    assert.ok('chart' in unpacked);
    assert.deepEqual([...unpacked.chart.other.keys()], ['files/a.yaml']);
  });
});

describe('a file a chart prints through .Files and the scan reads on its own', () => {
  it('reports a problem of a complete manifest under files/ once, on the file\'s own line', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-files-manifest'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    // files/agent.yaml is applied by the chart (templates/agent.yaml) and could be kubectl-applied alone: one finding.
    assert.deepEqual(at(result.findings, 'iac/k8s-host-pid'), ['files/agent.yaml:9']);
    // A fragment that is no manifest alone: what the chart makes of it is reported on the fragment's line.
    assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['files/security.yaml:1']);
    const privileged = result.findings.find((f) => f.ruleId === 'iac/k8s-privileged-container')!;
    assert.match(privileged.message, /\(rendered by templates\/web\.yaml\)\.$/);
    // The ConfigMap that ships the same manifest as data is not a second manifest.
    assert.ok(result.findings.every((f) => f.location.path !== 'templates/config.yaml'), result.findings.map((f) => `${f.ruleId} ${f.location.path}`).join('\n'));
  });
});

describe('Helm .Files beyond the bounds', () => {
  // More files outside templates/ than .Files keeps (packaged.ts MAX_OTHER_FILES), as a CRD chart's crds/ can be.
  const many = Object.fromEntries(Array.from({ length: 505 }, (_v, i) => [`crds/crd-${String(i).padStart(3, '0')}.yaml`, `kind: CustomResourceDefinition\nmetadata:\n  name: c${i}.example.org\n`]));
  const chart = (enabled: boolean) => ({
    'Chart.yaml': 'apiVersion: v2\nname: crds\nversion: 0.1.0\n',
    'values.yaml': `upgradeJob:\n  enabled: ${enabled}\n`,
    'templates/configmap.yaml':
      '{{- if .Values.upgradeJob.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: crds\n  namespace: shop\ndata:\n  {{- range $path, $_ := .Files.Glob "crds/*.yaml" }}\n  {{ base $path }}: {{ $.Files.Get $path | quote }}\n  {{- end }}\n{{- end }}\n',
    ...many,
  });
  const said = (warnings: Array<{ path?: string; message: string }>) => warnings.filter((w) => w.message.includes('.Files reads only the first ones')).map((w) => w.path);

  it('are said when a template reads .Files, not when the templates that would are turned off', async () => {
    for (const [enabled, expected] of [[true, ['Chart.yaml']], [false, []]] as const) {
      const t = tempTree(chart(enabled));
      try {
        const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
        assert.deepEqual(said(result.warnings), expected, `upgradeJob.enabled: ${enabled}`);
      } finally {
        t.cleanup();
      }
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { renderChart } from '../../../src/scanners/iac/helm/chart.js';
import { parseHelmIgnore } from '../../../src/scanners/iac/helm/ignore.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

const CHART = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';

/** The output of one template of a chart in `c/`; fails on any warning. */
function render(template: string, values = ''): string {
  const files = new Map<string, string>([['c/Chart.yaml', CHART], ['c/values.yaml', values], ['c/templates/t.yaml', template]]);
  const result = renderChart({ dir: 'c', files, render: ['c/templates/t.yaml'] });
  assert.deepEqual(result.warnings, []);
  return result.templates[0]!.rendered.text;
}

describe('Helm renderer: constructs of third-party charts', () => {
  it('.Capabilities.APIVersions is a list of strings to the list functions (has, len, index, first)', () => {
    assert.equal(
      render('{{ has "policy/v1" .Capabilities.APIVersions }} {{ has "monitoring.coreos.com/v1/ServiceMonitor" .Capabilities.APIVersions }} {{ gt (len .Capabilities.APIVersions) 10 }} {{ index .Capabilities.APIVersions 0 }} {{ first .Capabilities.APIVersions }}'),
      'true false true v1 v1',
    );
  });
});

describe('Helm renderer: number literals', () => {
  it('reads hexadecimal floating-point literals as floats (0x1p20 is 2^20), as Go does', () => {
    assert.equal(render('{{ 0x1p20 }} {{ mulf 3 0x1p10 }} {{ 0x1.8p1 }} {{ 0X.8p0 }} {{ -0x1p-2 }} {{ divf 2097152 0x1p20 | floor | int64 }} {{ 0x10 }}'), '1.048576e+06 3072 3 0.5 -0.25 2 16');
  });
});

describe('Helm renderer: semantic versions as Masterminds/semver reads them', () => {
  it('takes a version of one or two numbers (3.5 is 3.5.0), as semverCompare and semver do', () => {
    assert.equal(render('{{ semverCompare ">= 3.5" "3.5" }} {{ semverCompare "< 2.9.0" "3.5" }} {{ semverCompare "~1.6" "1.6" }} {{ semverCompare ">=2" "v2" }} {{ (semver "3.5").String }} {{ (semver "1.6-rc.1").Prerelease }}'), 'true false true true 3.5.0 rc.1');
  });

  it('still refuses what is not a version', () => {
    const files = new Map([['c/Chart.yaml', CHART], ['c/values.yaml', ''], ['c/templates/t.yaml', '{{ semverCompare ">=1" "1.2.3.4" }}']]);
    const { warnings } = renderChart({ dir: 'c', files, render: ['c/templates/t.yaml'] });
    assert.match(warnings[0]!.message, /invalid semantic version: 1\.2\.3\.4/);
  });
});

describe('Helm renderer: pipelines as Go parses them', () => {
  it('takes a pipeline that ends with | before the delimiter or )', () => {
    assert.equal(render('a:\n{{- toYaml .Values.x | nindent 2 | }}\nb: {{ ("b" | upper |) }}\n', 'x:\n  k: v\n'), 'a:\n  k: v\nb: B\n');
  });

  it('still refuses two pipes in a row', () => {
    const files = new Map([['c/Chart.yaml', CHART], ['c/values.yaml', ''], ['c/templates/t.yaml', '{{ "a" | | upper }}']]);
    assert.match(renderChart({ dir: 'c', files, render: ['c/templates/t.yaml'] }).warnings[0]!.message, /missing command after \|/);
  });
});

describe('Helm .Files of a chart below the scan root', () => {
  it('reads the chart\'s own files, from a template or from a helper', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-nested-files'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    const at = (rule: string) => result.findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.path}:${f.location.startLine}`);
    assert.deepEqual(at('iac/k8s-privileged-container'), ['deploy/web/files/security.yaml:1']);
    assert.deepEqual(at('iac/k8s-host-pid'), ['deploy/api/config/pod.yaml:1']);
  });
});

describe('Helm .helmignore', () => {
  it('leaves the templates and files it names out of the chart, as Helm\'s loader does', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-ignore'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    const at = (rule: string) => result.findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.path}:${f.location.startLine}`);
    // tests/ is ignored: templates/tests/probe.yaml is not part of the chart, and not rendered.
    assert.deepEqual(at('iac/k8s-host-network'), []);
    // security/ and *.bak are ignored: neither privileged: true is read.
    assert.deepEqual(at('iac/k8s-privileged-container'), []);
    // files/side.yaml is read: its runAsUser: 0 is reported on its line (the other container sets no user).
    assert.deepEqual(at('iac/k8s-run-as-root').sort(), ['deploy/web/files/side.yaml:1', 'deploy/web/templates/pod.yaml:10']);
  });

  it('reads rules as Helm does: base names, paths, directories, negation, classes', () => {
    const rules = parseHelmIgnore('# comment\n\n*.tmp\nci/\n/top.txt\ndocs/*.md\n[abc].txt\nx\\*y\n');
    const ignored = ['a.tmp', 'sub/b.tmp', 'ci/values.yaml', 'sub/ci/x.yaml', 'top.txt', 'docs/a.md', 'a.txt', 'x*y'];
    const kept = ['tmp', 'ci', 'sub/top.txt', 'docs/sub/a.md', 'd.txt', 'xzy', 'values.yaml'];
    for (const path of ignored) assert.equal(rules.ignores(path), true, path);
    for (const path of kept) assert.equal(rules.ignores(path), false, path);
    // A negative rule ignores whatever it does not match (Helm's Rules.Ignore).
    const negated = parseHelmIgnore('!keep.yaml\n');
    assert.equal(negated.ignores('keep.yaml'), false);
    assert.equal(negated.ignores('other.yaml'), true);
    assert.deepEqual(parseHelmIgnore('a/**/b\n[x\n').problems, [
      { line: 1, message: 'double-star (**) syntax is not supported' },
      { line: 2, message: 'syntax error in pattern' },
    ]);
  });
});

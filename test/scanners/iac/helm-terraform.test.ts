import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { helmReleaseDeployments } from '../../../src/scanners/iac/helm/terraform-releases.js';
import { GoInt } from '../../../src/scanners/iac/helm/values.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { fixturePath } from '../../helpers/paths.js';

function at(findings: readonly ScannerFinding[], ruleId: string): string[] {
  return findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.location.path}:${f.location.startLine}`);
}

function messages(findings: readonly ScannerFinding[], ruleId: string): string[] {
  return findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
}

describe('Helm charts rendered with the values of Terraform helm_release', () => {
  it('applies values files, yamlencode maps, heredocs and set blocks of a helm_release of a local chart, and one release per for_each instance', async () => {
    const result = await runScan({ target: fixturePath('iac', 'helm-terraform'), scannerSet: [iacScanner] });
    // values = [file("${path.module}/values/prod.yaml")]: hostNetwork: true, written inline by the template.
    assert.deepEqual(at(result.findings, 'iac/k8s-host-network'), ['charts/web/templates/deployment.yaml:14']);
    assert.match(messages(result.findings, 'iac/k8s-host-network')[0]!, /\(with the values of helm_release\.web, infra\/main\.tf\)\.$/);
    // yamlencode({...}): on the line of its key; a heredoc: on its own line.
    assert.deepEqual(at(result.findings, 'iac/k8s-privileged-container'), ['infra/main.tf:12']);
    assert.deepEqual(at(result.findings, 'iac/k8s-writable-root-filesystem'), ['infra/main.tf:17']);
    // set { name = "service.type" } on web; the 3.x `set = [...]` list of worker, whose "blue" instance alone asks for a load balancer.
    assert.deepEqual(at(result.findings, 'iac/k8s-service-loadbalancer').sort(), ['charts/web/templates/service.yaml:6', 'charts/worker/templates/service.yaml:6']);
    const worker = messages(result.findings, 'iac/k8s-service-loadbalancer').find((m) => m.includes('worker'))!;
    assert.match(worker, /with the values of helm_release\.worker\["blue"\], infra\/main\.tf\)/);
    assert.doesNotMatch(worker, /green/);
    // Each render installs the release as the helm_release names it (name, namespace), not as release-name.
    assert.match(worker, /^Service worker-blue-web /);
    assert.match(messages(result.findings, 'iac/k8s-host-network')[0]!, /^Deployment\/web-web /);
    // helm_release.remote (a repository's chart) and helm_release.off (count = 0) deploy nothing of the scan.
    assert.ok(!result.findings.some((f) => /helm_release\.(?:remote|off)/.test(f.message)));
    // What the evaluator cannot tell is not applied, and said so.
    assert.deepEqual(result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`).sort(), [
      'infra/main.tf:5 helm_release.web deploys the Helm chart charts/web: set_sensitive token (line 26): its value is unknown to secloop: not applied',
      "infra/main.tf:5 helm_release.web deploys the Helm chart charts/web: values entry yamlencode({ image = { tag = var.image_tag } }): image.tag unknown to secloop, not applied (the entry's other values are)",
    ]);
  });

  it('reads a relative chart from the root module, set_list, a values list it cannot tell, and no repository chart', () => {
    const source = [
      'variable "extra" {}',
      'resource "helm_release" "a" {',
      '  chart  = "./charts/web"',
      '  values = var.extra',
      '  set_list {',
      '    name  = "args"',
      '    value = ["--a", "1"]',
      '  }',
      '}',
      'resource "helm_release" "b" {',
      '  chart      = "web"',
      '  repository = "oci://example.org/charts"',
      '}',
      '',
    ].join('\n');
    const input = readTerraform(source, () => {})!;
    const found = helmReleaseDeployments('ops/main.tf', input, 'ops', 'ops');
    assert.deepEqual(found.map((d) => [d.what, d.chart, d.line]), [['helm_release.a', 'ops/charts/web', 2]]);
    // No name written: the render keeps Helm's default release.
    assert.equal(found[0]!.release, undefined);
    assert.deepEqual(found[0]!.notes, ['values = var.extra is unknown to secloop (it depends on what the configuration alone does not tell): not applied']);
    const [layer] = found[0]!.layers;
    assert.equal(layer?.kind, 'values');
    // As Helm's --set types a list's items: `1` an int64.
    assert.deepEqual(layer?.kind === 'values' ? [...layer.value.entries()] : [], [['args', ['--a', new GoInt(1, 'int64')]]]);
  });
});

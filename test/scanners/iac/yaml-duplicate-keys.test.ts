import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { parseTemplate } from '../../../src/scanners/iac/cloudformation/template.js';
import { loadValues } from '../../../src/scanners/iac/helm/values.js';
import { get, loadYaml, pair, plain, text } from '../../../src/scanners/iac/yaml/tree.js';
import { fixturePath } from '../../helpers/paths.js';

describe('a key written twice in a YAML mapping', () => {
  it('leaves one pair in the tree, the last, and is recorded with both lines; merge keys still lose to written keys', () => {
    const loaded = loadYaml('a: 1\nb: 2\na: 3\nbase: &b\n  x: 1\n  x: 2\nuse:\n  <<: *b\n  y: 1\n  y: 4\nagain: *b\n');
    const root = loaded.documents[0]!.root!;
    assert.equal(root.kind, 'map');
    // No rule that walks `pairs` sees the value replaced.
    assert.deepEqual(root.kind === 'map' ? root.pairs.map((p) => `${p.key}:${p.keyLine}`) : [], ['b:2', 'a:3', 'base:4', 'use:7', 'again:11']);
    assert.deepEqual(plain(get(root, 'use')), { y: 4, x: 2 });
    assert.equal(pair(get(root, 'use'), 'x')!.keyLine, 6);
    assert.equal(text(get(root, 'again', 'x')), '2');
    // The anchored mapping is read three times (base, the merge, the alias): its duplicate is said once.
    assert.deepEqual(loaded.duplicates, [
      { key: 'a', line: 3, otherLine: 1 },
      { key: 'x', line: 6, otherLine: 5 },
      { key: 'y', line: 10, otherLine: 9 },
    ]);
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loadYaml('<<: {a: 1}\na: 2\n').duplicates, []);
  });

  it('is said by the CloudFormation and Helm values readers too, which keep the last value', () => {
    const warnings: string[] = [];
    const template = parseTemplate('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: a\n      BucketName: b\n', (line, message) => warnings.push(`${line}: ${message}`));
    assert.equal(text(get(template!.resources[0]!.properties, 'BucketName')), 'b');
    assert.equal(template!.resources[0]!.properties!.pairs.length, 1);
    assert.deepEqual(warnings, ["6: duplicate key 'BucketName' (also on line 5): CloudFormation rejects this template; secloop checks the last value"]);
    const values = loadValues('a:\n  b: 1\n  b: 2\n', 'values.yaml');
    assert.deepEqual(values.duplicates, [{ key: 'b', line: 3, otherLine: 2 }]);
  });

  it('is a warning with both lines on each platform, and the value checked is the last: privileged false then true is found, the reverse is not', async () => {
    const result = await runScan({ target: fixturePath('iac', 'yaml-duplicate-keys'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`).sort(), [
      ".github/workflows/ci.yml:8 duplicate key 'contents' (also on line 7): GitHub Actions rejects this file; secloop checks the last value",
      "chart/templates/pod.yaml:12 duplicate key 'runAsNonRoot' (also on line 11): Kubernetes reads the last value, which secloop checks (strict field validation rejects the file) (in the output of templates/pod.yaml, rendered by secloop with the chart's default values)",
      "chart/values.yaml:3 duplicate key 'privileged' (also on line 2): Helm reads the last value, which secloop renders with",
      "compose.yaml:5 duplicate key 'cap_add' (also on line 4): docker compose rejects this file; secloop checks the last value",
      "k8s/pod-evasion.yaml:12 duplicate key 'privileged' (also on line 10): Kubernetes reads the last value, which secloop checks (strict field validation rejects the file)",
      "k8s/pod-reverse.yaml:12 duplicate key 'privileged' (also on line 10): Kubernetes reads the last value, which secloop checks (strict field validation rejects the file)",
      "template.yaml:8 duplicate key 'BlockPublicAcls' (also on line 7): CloudFormation rejects this template; secloop checks the last value",
    ]);
    const found = (rule: string) => result.findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.path}:${f.location.startLine}`).sort();
    assert.deepEqual(found('iac/k8s-privileged-container'), ['chart/values.yaml:3', 'k8s/pod-evasion.yaml:12']);
    assert.deepEqual(found('iac/compose-dangerous-capabilities'), ['compose.yaml:5']);
    assert.deepEqual(found('iac/cfn-s3-public-access-block'), ['template.yaml:8']);
  });

  it('in a file with template syntax that parses, is said on its line and not taken for a parse problem', async () => {
    const { analyseFile } = await import('../../../src/scanners/iac/analyse.js');
    const warnings: string[] = [];
    analyseFile('deploy/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "{{ name }}"\n  name: x\nspec:\n  containers: [{name: a, image: "b:1"}]\n', (w) => warnings.push(`${w.line}: ${w.message}`), 'kubernetes');
    assert.deepEqual(warnings, ["5: duplicate key 'name' (also on line 4): Kubernetes reads the last value, which secloop checks (strict field validation rejects the file)"]);
  });
});

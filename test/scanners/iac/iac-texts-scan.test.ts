import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';

describe('iac scan: every file read once through the shared texts', () => {
  it('lets the scan read every file of a mixed tree once, pre-passes included', async () => {
    const texts: Record<string, string> = {
      '.gitlab-ci.yml': 'include:\n  - local: ci/jobs.yml\nstages: [test]\n',
      'ci/jobs.yml': 'test:\n  script: [make]\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/setup\n        with:\n          name: ${{ github.event.issue.title }}\n',
      '.github/actions/setup/action.yml': 'name: setup\ninputs:\n  name: {}\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ inputs.name }}\n      shell: bash\n',
      'app/Dockerfile': 'FROM node:20\nCOPY .npmrc .\nRUN npm ci\nUSER node\n',
      'app/.npmrc': 'registry=https://example.org/\n',
      'docker-compose.yml': 'services:\n  app:\n    build: app\n    healthcheck:\n      test: ["CMD", "true"]\n',
      'k8s/base/kustomization.yaml': 'resources:\n  - deploy.yaml\n',
      'k8s/base/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1.0\n',
      'k8s/prod/kustomization.yaml': 'namespace: prod\nresources:\n  - ../base\npatches:\n  - path: patch.yaml\n',
      'k8s/prod/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          securityContext:\n            privileged: true\n',
      'clusters/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  path: ./apps\n  targetNamespace: apps\n',
      'apps/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: p\n      image: p:1\n',
      'main.tf': 'module "sg" {\n  source = "./modules/sg"\n  cidrs  = ["0.0.0.0/0"]\n}\n',
      'modules/sg/main.tf': 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = var.cidrs\n  }\n}\n',
      'modules/sg/variables.tf': 'variable "cidrs" {\n  default = ["10.0.0.0/8"]\n}\n',
      'modules/sg/a.auto.tfvars': 'cidrs = ["10.1.0.0/16"]\n',
    };
    const { findings, reads, ticks, files: count } = await scanMemory(texts);
    assert.deepEqual(Object.fromEntries([...reads].filter(([, n]) => n !== 1)), {});
    assert.deepEqual([...reads.keys()].sort(), Object.keys(texts).sort());
    assert.equal(ticks, count);
    // The pre-passes still decide: the module call's value, the patch, the local action's caller.
    assert.ok(findings.some((f) => f.location.path === 'modules/sg/main.tf' && f.location.startLine === 6));
    assert.ok(findings.some((f) => f.location.path === 'k8s/prod/patch.yaml'));
    assert.ok(findings.some((f) => f.location.path === '.github/actions/setup/action.yml'));
  });
  it('reads a file of CustomResourceDefinitions alone once: the deployers pass tells it apart, and the loop, which would find nothing in it, passes it', async () => {
    const crd = ['apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata:', '  name: widgets.example.org', 'spec:', '  group: example.org', ''].join('\n');
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: p\n      image: p:1\n      securityContext:\n        privileged: true\n';
    // Ahead of the loop's read-ahead window, as most of a chart repository's CRDs are.
    const fillers = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`a/${String(i).padStart(2, '0')}.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n']));
    // One over the size of file the deployers pass reads further, too (the largest CRD files of charts are).
    const large = `${crd}  versions:\n${'  - name: v1\n    served: true\n'.repeat(40_000)}`;
    const { findings, reads } = await scanMemory({ ...fillers, 'z/crds/large.yaml': large, 'z/crds/widgets.yaml': crd, 'z/pod.yaml': pod });
    assert.ok(large.length > 1024 * 1024);
    assert.equal(reads.get('z/crds/widgets.yaml'), 1);
    assert.equal(reads.get('z/crds/large.yaml'), 1);
    assert.equal(reads.get('z/pod.yaml'), 1);
    assert.ok(findings.some((f) => f.location.path === 'z/pod.yaml'));
    assert.ok(!findings.some((f) => f.location.path === 'z/crds/widgets.yaml'));
  });
  it('still analyses a file of CustomResourceDefinitions alone that a GitLab pipeline includes: it is read as the pipeline\'s', async () => {
    const crd = ['apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata:', '  name: widgets.example.org', 'spec:', '  group: example.org', ''].join('\n');
    // Keys beside the definition's are no job of a manifest, but a pipeline's.
    const job = 'build:\n  image: node:latest\n  script: [make]\n';
    const { reads, findings } = await scanMemory({ '.gitlab-ci.yml': 'include:\n  - local: ci/crd.yml\nstages: [test]\n', 'ci/crd.yml': crd + job, 'k8s/crd.yml': crd + job });
    assert.equal(reads.get('ci/crd.yml'), 2);
    assert.equal(reads.get('k8s/crd.yml'), 1);
    assert.ok(findings.some((f) => f.location.path === 'ci/crd.yml'));
    assert.ok(!findings.some((f) => f.location.path === 'k8s/crd.yml'));
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScan } from '../../../src/engine/scan.js';
import { writeJson } from '../../../src/report/json.js';
import { writeSarif } from '../../../src/report/sarif.js';
import { sarifErrors } from '../../helpers/schemas.js';
import { classify, wantsPath } from '../../../src/scanners/iac/detect.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { allIacRules } from '../../../src/scanners/iac/platforms.js';
import { projectRoot } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';

const WORKFLOW = 'on:\n  pull_request_target:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
const MANIFEST = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n';
const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n';

describe('iac file detection', () => {
  it('wants configuration files by path alone', () => {
    for (const p of ['Dockerfile', 'api.dockerfile', 'docker/Dockerfile.prod', 'Containerfile', 'main.tf', 'main.tf.json', 'k8s/app.yaml', '.gitlab-ci.yml', 'deploy/pod.json', 'net.d/10-bridge.conflist'])
      assert.ok(wantsPath(p), p);
    for (const p of ['README.md', 'Dockerfile.md', 'src/index.ts', 'package-lock.json', 'dockerfile-notes.txt', 'assets/libraries/dockerfile.rego', 'pkg/parser/dockerfile.go', 'src/dockerfile.rs', 'lib/Dockerfile.java', 'pkg/dockerfile_parser.go']) assert.ok(!wantsPath(p), p);
    for (const p of ['Dockerfile.alpine', 'docker/Dockerfile.3.12', 'Dockerfile-dev', 'Dockerfile_webdesktop', 'build/Dockerfile_prod']) assert.ok(wantsPath(p), p);
  });

  it('recognises files by name, and by content where names are not conventional', () => {
    assert.equal(classify('api.dockerfile', 'FROM x'), 'dockerfile');
    assert.equal(classify('infra/main.tf.json', '{"resource": {}}'), 'terraform');
    assert.equal(classify('Dockerfile.prod', 'FROM x'), 'dockerfile');
    assert.equal(classify('Dockerfile_prod', 'FROM x'), 'dockerfile');
    assert.equal(classify('ci/checks.yml', WORKFLOW), 'github-actions');
    assert.equal(classify('.github/workflows/x.yml', 'name: x\n'), 'github-actions');
    assert.equal(classify('deploy/anything.yaml', MANIFEST), 'kubernetes');
    assert.equal(classify('deploy/pod.json', '{"apiVersion": "v1", "kind": "Pod"}'), 'kubernetes');
    assert.equal(classify('stack.yml', COMPOSE), 'compose');
    assert.equal(classify('compose.override.yaml', 'services: {}\n'), 'compose');
    assert.equal(classify('ci/build.gitlab-ci.yml', 'build:\n  script: [make]\n'), 'gitlab-ci');
    // Job templates with no stages: (a file a pipeline includes): a job's script: beside a key only GitLab jobs write.
    assert.equal(classify('ci/build.yml', '.build:\n  image: golang:1.22\n  script:\n    - make\nbuild:\n  extends: .build\n'), 'gitlab-ci');
    assert.equal(classify('ci/test.yml', '"test:unit":\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n  script: make test\n'), 'gitlab-ci');
    assert.equal(classify('ci/lint.yml', 'lint:\n  allow_failure: true\n  interruptible: true\n  script: make lint\n'), 'gitlab-ci');
    // Other formats whose entries write script: never become GitLab CI.
    assert.equal(classify('playbook.yml', '- hosts: all\n  tasks:\n    - name: run\n      script: files/run.sh\n      tags: [stage]\n'), undefined);
    assert.equal(classify('values-prod.yaml', 'job:\n  image:\n    repository: busybox\n  script: |\n    echo hi\n'), undefined);
    assert.equal(classify('tasks.yml', 'build:\n  stage: build\n  script:\n    source: run.sh\n'), undefined);
    assert.equal(classify('ci/wf.yml', 'jobs:\n  build:\n    stage: x\n    script: make\n'), undefined);
    assert.equal(classify('bitbucket.yml', 'pipelines:\n  default:\n    - step:\n        image: node:20\n        script: [npm test]\n'), undefined);
    assert.equal(classify('argo.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  templates:\n    - name: a\n      script:\n        image: python:3.12\n        source: print(1)\n'), 'kubernetes');
    assert.equal(classify('config/app.yaml', 'hooks:\n  stage: pre\n  command: make\n'), undefined);
    assert.equal(classify('.pre-commit-config.yaml', 'repos: []\n'), 'pre-commit');
    assert.equal(classify('tools/.pre-commit-config.yml', 'repos: []\n'), 'pre-commit');
    assert.equal(classify('.pre-commit-hooks.yaml', '- id: lint\n'), undefined);
    assert.equal(classify('.github/actions/setup/action.yml', 'name: setup\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n'), 'github-actions');
    assert.equal(classify('action.yml', 'name: js\nruns:\n  using: node20\n  main: index.js\n'), undefined);
    // A composite action written with a flow mapping or a quoted key is one too: it was not analysed at all.
    assert.equal(classify('act/action.yml', 'name: x\nruns: {using: composite, steps: [{run: echo, shell: bash}]}\n'), 'github-actions');
    assert.equal(classify('act/action.yaml', 'name: x\nruns:\n  "using": "composite"\n  steps: []\n'), 'github-actions');
    assert.equal(classify('act/action.yml', 'name: x\nruns: {using: node20, main: composite.js}\n'), undefined);
    assert.equal(classify('config/app.yaml', 'server:\n  port: 8080\n'), undefined);
    assert.equal(classify('package.json', '{"name": "x"}'), undefined);
    assert.equal(classify('net.d/10-net.conflist', '{"cniVersion": "1.0.0", "name": "n", "plugins": [{"type": "bridge"}]}'), 'kubernetes');
    assert.equal(classify('cni/flannel.json', '{"cniVersion": "0.3.1", "type": "flannel"}'), 'kubernetes');
    assert.equal(classify('notes.json', '{"cniVersion": "draft"}'), undefined);
  });

  it("tells GitLab's list of global services from compose's mapping of services", () => {
    // GitLab's deprecated global services (a list) beside jobs with an image, a stage, or beside global settings.
    assert.equal(classify('ci/pipeline.yml', 'services:\n  - docker:27.1-dind\nvariables:\n  DOCKER_TLS_CERTDIR: ""\nbuild:\n  image: docker:27.1\n  script:\n    - docker build .\n'), 'gitlab-ci');
    assert.equal(classify('ci/pipeline.yml', 'services: [postgres:16.2]\ntest:\n  stage: test\n  image: ruby:3.3\n  script:\n    - bundle exec rake test\n'), 'gitlab-ci');
    assert.equal(classify('ci/pipeline.yml', '# CI\nimage: ruby:3.3\nservices:\n\n  # the database\n  - name: postgres:16.2\n    alias: db\nvariables:\n  POSTGRES_DB: app_test\ntest:\n  script:\n    - bundle exec rake test\n'), 'gitlab-ci');
    // A pipeline whose jobs are all in the files it includes.
    assert.equal(classify('ci/pipeline.yml', 'include:\n  - local: ci/jobs/*.yml\nstages: [build, test]\n'), 'gitlab-ci');
    // Compose: services are a mapping of definitions, in a block or a flow.
    assert.equal(classify('stack.yml', 'services:\n  # the app\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n  worker:\n    build: .\n    command: ["run"]\n'), 'compose');
    assert.equal(classify('stack.yml', 'services: {web: {image: nginx:1.27}}\nvolumes:\n  data: {}\n  x:\n    image: y\n'), 'compose');
    // Travis CI: a list of services and a script deeper down, but none of GitLab's global settings.
    assert.equal(classify('ci/travis.yml', 'language: ruby\nservices:\n  - postgresql\ndeploy:\n  provider: script\n  script: bash deploy.sh\n'), undefined);
    // A job with script: alone and list-valued services, but nothing else GitLab's.
    assert.equal(classify('ci/other.yml', 'services:\n  - postgresql\ntest:\n  script:\n    - make test\n'), undefined);
  });
});

describe('iac scanner', () => {
  it('scans files with unconventional names and reports each finding on its line', async () => {
    const tree = tempTree({
      'ci/checks.yml': WORKFLOW,
      'api.dockerfile': 'FROM node:20.11\nUSER root\n',
      'Dockerfile.prod': 'FROM node:latest\nUSER node\n',
      'deploy/app.yaml': MANIFEST,
      'stack.yml': COMPOSE,
    });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      const at = (rule: string) => result.findings.filter((f) => f.ruleId === rule).map((f) => `${f.location.path}:${f.location.startLine}`);
      assert.deepEqual(at('iac/gha-template-injection'), ['ci/checks.yml:7']);
      assert.deepEqual(at('iac/dockerfile-root-user'), ['api.dockerfile:2']);
      assert.deepEqual(at('iac/dockerfile-image-latest'), ['Dockerfile.prod:1']);
      assert.deepEqual(at('iac/k8s-privileged-container'), ['deploy/app.yaml:10']);
      assert.deepEqual(at('iac/compose-privileged'), ['stack.yml:4']);
      const finding = result.findings.find((f) => f.ruleId === 'iac/k8s-privileged-container')!;
      assert.equal(finding.scanner, 'iac');
      assert.deepEqual(finding.properties, { platform: 'kubernetes', resource: 'Pod/p container c' });
      assert.ok(finding.fix?.summary);
      assert.ok(finding.owasp.length > 0);
    } finally {
      tree.cleanup();
    }
  });

  it('reports each list entry on its own line, with a fingerprint that survives moved lines', async () => {
    const compose = 'services:\n  db:\n    image: postgres:16.3\n    ports:\n      - "5432:5432"\n      - "6379:6379"\n';
    const scan = async (text: string) => {
      const tree = tempTree({ 'docker-compose.yml': text });
      try {
        const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
        return result.findings.filter((f) => f.ruleId === 'iac/compose-sensitive-port');
      } finally {
        tree.cleanup();
      }
    };
    const before = await scan(compose);
    assert.deepEqual(before.map((f) => [f.location.startLine, f.properties['detailLine']]).sort(), [[5, undefined], [6, undefined]]);
    assert.equal(new Set(before.map((f) => f.fingerprint)).size, 2);
    const after = await scan(`# database for local development\n${compose}`);
    assert.deepEqual(after.map((f) => f.fingerprint).sort(), before.map((f) => f.fingerprint).sort());
  });

  it('turns bad input into warnings with file and line, and keeps scanning', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const tree = tempTree({
      'bad.yaml': 'apiVersion: v1\nkind: Pod\nspec: [1, 2\n',
      'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\n${bomb.join('\n')}\n`,
      'broken.tf': 'resource "aws_s3_bucket" "a" {\n  acl = "public-read"\n}\nresource "x" "y" {\n  oops = \n}\n',
      'docker-compose.yml': 'services: [\n',
      'Dockerfile': 'FROM alpine:3.20\nRUN <<EOF\nunterminated\n',
      'fine/Dockerfile': 'FROM alpine:latest\n',
    });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      const warned = result.warnings.map((w) => `${w.path}:${w.line ?? '?'}`);
      assert.ok(warned.some((w) => w.startsWith('bad.yaml:')), warned.join(' '));
      assert.ok(result.warnings.some((w) => w.path === 'bomb.yaml' && /alias bomb/.test(w.message)));
      assert.ok(warned.includes('broken.tf:5'), warned.join(' '));
      assert.ok(warned.some((w) => w.startsWith('docker-compose.yml:')));
      assert.ok(result.warnings.some((w) => w.path === 'Dockerfile' && /never closed/.test(w.message)));
      assert.ok(result.warnings.every((w) => w.scanner === 'iac'));
      // The blocks before the syntax error and the other files are still analysed.
      assert.ok(result.findings.some((f) => f.ruleId === 'iac/tf-aws-s3-public-acl' && f.location.startLine === 2));
      assert.ok(result.findings.some((f) => f.ruleId === 'iac/dockerfile-image-latest' && f.location.path === 'fine/Dockerfile'));
    } finally {
      tree.cleanup();
    }
  });

  it('never prints the secrets it finds', async () => {
    // secloop-ignore secrets/generic-secret-assignment -- fake password: the test checks it is never printed
    const secret = 'Zq8!rT3vW9xLp2Kd';
    const tree = tempTree({ 'docker-compose.yml': `services:\n  db:\n    image: postgres:16.3\n    environment:\n      POSTGRES_PASSWORD: ${secret}\n` });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      assert.ok(result.findings.some((f) => f.ruleId === 'iac/compose-secret-in-environment'));
      const json = writeJson(result);
      assert.ok(!json.includes(secret));
      const excerpt = [...result.excerpts.values()].flatMap((e) => e.lines).join('\n');
      assert.ok(excerpt.includes('POSTGRES_PASSWORD') && !excerpt.includes(secret));
    } finally {
      tree.cleanup();
    }
  });

  it('reports the planted problems of the demo app', async () => {
    const result = await runScan({ target: path.join(projectRoot, 'examples', 'vulnerable-app'), scannerSet: [iacScanner] });
    const got = new Set(result.findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`));
    for (const expected of [
      'Dockerfile:1 iac/dockerfile-image-latest',
      'Dockerfile:1 iac/dockerfile-no-user',
      'Dockerfile:4 iac/dockerfile-curl-pipe-shell',
      'Dockerfile:8 iac/dockerfile-chmod-world-writable',
      'Dockerfile:10 iac/dockerfile-sensitive-port',
      'docker-compose.yml:4 iac/compose-privileged',
      // List entries are reported on the list's key, the entry in properties.detailLine.
      'docker-compose.yml:8 iac/compose-docker-socket',
      'docker-compose.yml:6 iac/compose-port-all-interfaces',
      'docker-compose.yml:15 iac/compose-sensitive-port',
      'docker-compose.yml:13 iac/compose-image-latest',
      'docker-compose.yml:20 iac/compose-host-network',
      '.github/workflows/pr.yml:13 iac/gha-untrusted-checkout',
      '.github/workflows/pr.yml:17 iac/gha-template-injection',
      '.github/workflows/pr.yml:14 iac/gha-unpinned-action',
      // The Helm chart: values.yaml lines that toYaml renders, and template lines.
      'deploy/chart/values.yaml:9 iac/k8s-privileged-container',
      'deploy/chart/values.yaml:10 iac/k8s-writable-root-filesystem',
      'deploy/chart/templates/deployment.yaml:19 iac/k8s-image-latest',
      'deploy/chart/templates/service.yaml:6 iac/k8s-service-loadbalancer',
      'deploy/terraform/main.tf:14 iac/tf-aws-sg-open-to-internet',
      'deploy/terraform/main.tf:21 iac/tf-aws-publicly-accessible',
      'deploy/terraform/main.tf:22 iac/tf-aws-database-not-encrypted',
      'deploy/terraform/main.tf:32 iac/tf-aws-s3-public-acl',
    ])
      assert.ok(got.has(expected), `missing ${expected}`);
    const script = result.findings.find((f) => f.ruleId === 'iac/gha-template-injection')!;
    assert.equal(script.location.startLine, 17, 'a line of a script is reported on its key');
    assert.deepEqual(sarifErrors(JSON.parse(writeSarif(result))), []);
  });

  it('publishes a rule doc for every rule, with unique ids and enough rules per platform', () => {
    const docs = iacScanner.rules();
    assert.equal(new Set(docs.map((d) => d.id)).size, docs.length);
    const perPlatform = new Map<string, number>();
    for (const rule of allIacRules()) perPlatform.set(rule.platform, (perPlatform.get(rule.platform) ?? 0) + 1);
    assert.ok(perPlatform.get('dockerfile')! >= 20);
    assert.ok(perPlatform.get('kubernetes')! >= 25);
    assert.ok(perPlatform.get('compose')! >= 12);
    assert.ok(perPlatform.get('github-actions')! >= 12);
    assert.ok(perPlatform.get('gitlab-ci')! >= 5);
    assert.ok(perPlatform.get('terraform')! >= 25);
  });
});

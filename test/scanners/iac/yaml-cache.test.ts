import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';
import { loadYamlCached, yamlCacheStats } from '../../../src/scanners/iac/yaml/cache.js';
import { yamlLoadStats } from '../../../src/scanners/iac/yaml/tree.js';

describe('YAML parses held ahead of the scan loop', () => {
  it("parses each file of a GitLab pipeline once: the includes read before the loop and the loop's analysis share the parse", async () => {
    const texts: Record<string, string> = {
      '.gitlab-ci.yml': 'include:\n  - local: ci/build.yml\n  - local: ci/test.yml\nstages: [build, test]\n',
      'ci/build.yml': 'build:\n  stage: build\n  script: [make]\n',
      'ci/test.yml': 'test:\n  stage: test\n  script: [make test]\n',
      // Other YAML files read between the pre-pass and the loop: the last parse alone would be lost.
      'k8s/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: p\n      image: p:1\n',
      'k8s/role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\nroleRef:\n  kind: Role\n  name: r\n  apiGroup: rbac.authorization.k8s.io\nsubjects:\n  - kind: ServiceAccount\n    name: default\n',
    };
    const plain = await scanMemory(texts);
    const before = yamlCacheStats.parses;
    const again = await scanMemory(texts);
    // The pipeline's three files once each (.gitlab-ci.yml's include list, read before the loop, and its analysis
    // share one parse), the Pod once, the RoleBinding once (for the bindings of its directory before the loop,
    // which other parses follow, held for the loop by the scan's parses: yaml/parses.ts; twice before them, 6).
    // Without the held parse, .gitlab-ci.yml was parsed twice: 7.
    assert.equal(yamlCacheStats.parses - before, 5);
    assert.deepEqual(again.findings, plain.findings);
    assert.deepEqual(again.warnings, plain.warnings);
  });

  it("parses each file of a GitLab pipeline once when the files' jobs extend templates of the others", async () => {
    const texts: Record<string, string> = {
      '.gitlab-ci.yml': 'include:\n  - local: ci/templates.yml\n  - local: ci/build.yml\nstages: [build]\n.base:\n  tags: [docker]\n',
      'ci/build.yml': 'build:\n  extends: [.base, .dind]\n  stage: build\n  script: [docker build .]\n',
      'ci/templates.yml': '.dind:\n  extends: .base\n  services: [docker:27.1-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n',
    };
    const before = yamlLoadStats.loads;
    const { findings } = await scanMemory(texts);
    // Once each: the analysis of each file and the look-ups of the other files into it (its templates) share the
    // scan's parse. Before, each file whose templates another one extends was parsed again for that one: 6.
    assert.equal(yamlLoadStats.loads - before, 3);
    // The job of ci/build.yml gets its Docker-in-Docker service without TLS from the template in ci/templates.yml.
    assert.ok(findings.some((f) => f.ruleId === 'iac/gitlab-dind-without-tls' && f.location.path === 'ci/build.yml'));
  });

  it("parses a pipeline file once when an earlier file of the loop looks into it and its includes were read ahead", async () => {
    const texts: Record<string, string> = {
      '.gitlab-ci.yml': 'include:\n  - local: ci/build.yml\n  - local: ci/templates.yml\nstages: [build]\n',
      'ci/build.yml': 'build:\n  extends: .base\n  stage: build\n  script: [make]\n',
      // Read ahead for its own include; ci/build.yml, analysed before it, extends its template.
      'ci/templates.yml': 'include:\n  - local: ci/more.yml\n.base:\n  tags: [docker]\n',
      'ci/more.yml': '.more:\n  tags: [linux]\n',
    };
    const before = yamlLoadStats.loads;
    await scanMemory(texts);
    // Once each: the look-up of ci/build.yml into ci/templates.yml reads the parse the scan made ahead of the loop (yaml/parses.ts), which
    // its analysis reads too. Before, the look-up parsed it again: 5.
    assert.equal(yamlLoadStats.loads - before, 4);
  });

  it('shares the last parse alone: a text read after another is parsed again', () => {
    const a = 'a: 1\n';
    const b = 'b: 2\n';
    const first = loadYamlCached(a);
    assert.equal(loadYamlCached(a), first);
    loadYamlCached(b);
    const later = loadYamlCached(a);
    assert.notEqual(later, first);
    assert.deepEqual(later, first);
  });
});

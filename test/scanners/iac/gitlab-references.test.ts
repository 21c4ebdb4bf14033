import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { gitlabScriptRuns, pipelineScripts, readPipeline, resolvedSetting, variableScopes } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabRules } from '../../../src/scanners/iac/gitlab/rules.js';
import { loadYamlCached } from '../../../src/scanners/iac/yaml/cache.js';
import { isYMap, isYSeq, items, text, type YNode } from '../../../src/scanners/iac/yaml/tree.js';
import { fixturePath } from '../../helpers/paths.js';

const FIXTURE = fixturePath('iac', 'gitlab-references') + '/';

test('!reference tags: the lines they name are read as the job\'s, on their own lines, in the file and the files the pipeline includes', async () => {
  const result = await runScan({ target: FIXTURE, scannerSet: [iacScanner] });
  const got = result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`).sort();
  assert.deepEqual(got, [
    // .snippets.fetch, through .snippets.prepare: a section that is no script, read as build's on its own lines.
    'iac/gitlab-curl-pipe-shell .gitlab-ci.yml:14 job .setup pipes a downloaded script into a shell (line 15).',
    'iac/gitlab-curl-pipe-shell ci/prepare.sh:3 A downloaded script is piped into a shell in ci/prepare.sh, run by job "build" of .gitlab-ci.yml.',
    // The variables build takes from .dind-vars are read with build's dind service, once.
    'iac/gitlab-dind-without-tls .gitlab-ci.yml:19 job build turns TLS off for the Docker-in-Docker daemon.',
    'iac/gitlab-tls-verification-disabled .gitlab-ci.yml:30 job build: wget --no-check-certificate turns off verification.',
    'iac/gitlab-tls-verification-disabled .gitlab-ci.yml:37 job deploy sets GIT_SSL_NO_VERIFY, turning off certificate verification.',
    'iac/gitlab-tls-verification-disabled .gitlab-ci.yml:7 job build: curl --insecure (line 8) turns off verification.',
    'iac/gitlab-tls-verification-disabled ci/shared.sh:3 curl --insecure turns off verification in ci/shared.sh, run by job "build" of .gitlab-ci.yml and 1 other job.',
    'iac/gitlab-tls-verification-disabled ci/templates.yml:3 job .shared sets GIT_SSL_NO_VERIFY, turning off certificate verification.',
  ]);
  // A script a tag takes from an included file: the job's line is the template's, in that file.
  const shared = result.findings.find((f) => f.location.path === 'ci/shared.sh')!;
  assert.deepEqual(shared.related?.map((r) => `${r.path}:${r.startLine}`), ['ci/templates.yml:5']);
  const prepare = result.findings.find((f) => f.location.path === 'ci/prepare.sh')!;
  assert.deepEqual(prepare.related?.map((r) => `${r.path}:${r.startLine}`), ['.gitlab-ci.yml:11']);
  // A tag naming a job no file of the scan defines: left out, with a warning naming it.
  assert.deepEqual(
    result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`),
    ['.gitlab-ci.yml:31 !reference [.elsewhere, script] names .elsewhere.script, which neither this file nor the files of its pipeline in the scan define; it was left out of the script it is part of, not read as commands.'],
  );
});

test('a !reference tag is never read as commands: resolved, nested, or dropped with a warning (a missing job, a loop past 10 levels)', () => {
  const warnings: string[] = [];
  const source = [
    'stages: [test]',
    '.a:',
    '  script:',
    '    - !reference [.b, script]',
    '.b:',
    '  script:',
    '    - !reference [.a, script]',
    '.steps:',
    '  one: [echo one]',
    '  two:',
    '    - !reference [.steps, one]',
    '    - echo two',
    'test:',
    '  before_script: !reference [.steps, two]',
    '  script:',
    '    - !reference [./ci/missing.sh, script]',
    '    - !reference [.a, script]',
    '    - ./ci/test.sh',
    '  variables:',
    '    A: !reference [.nowhere, variables, A]',
    '    B: plain',
  ].join('\n');
  const p = readPipeline(source, (line, message) => warnings.push(`${line}: ${message}`))!;
  assert.deepEqual(
    [...pipelineScripts(p)].filter((s) => s.owner === 'job test').map((s) => `${s.key} ${s.text} ${s.scalar.line}`),
    ['script ./ci/test.sh 18', 'before_script echo one 9', 'before_script echo two 12'],
  );
  assert.deepEqual(gitlabScriptRuns(p).map((r) => `${r.who} ${r.path}:${r.line}`), ['job "test" ci/test.sh:18']);
  assert.deepEqual(warnings, [
    "4: !reference [.b, script] nests more than 10 !reference tags, GitLab's limit; it was left out of the script it is part of, not read as commands.",
    "7: !reference [.a, script] nests more than 10 !reference tags, GitLab's limit; it was left out of the script it is part of, not read as commands.",
    "16: !reference [./ci/missing.sh, script] names ./ci/missing.sh.script, which neither this file nor the files of its pipeline in the scan define; it was left out of the script it is part of, not read as commands.",
    "17: !reference [.a, script] nests more than 10 !reference tags, GitLab's limit; it was left out of the script it is part of, not read as commands.",
    '20: !reference [.nowhere, variables, A] names .nowhere.variables.A, which neither this file nor the files of its pipeline in the scan define; the value of A was not read.',
  ]);
  const test = variableScopes(p).find((s) => s.owner === 'job test')!;
  assert.deepEqual(test.map.pairs.map((v) => `${v.key}=${v.value && 'value' in v.value ? v.value.value : null}`), ['A=null', 'B=plain']);
});

test('!reference tags read a job as GitLab does, after extends: a section or variable the job takes from a template it extends is found, a map merged key by key', () => {
  const warnings: string[] = [];
  const source = [
    'stages: [test]',
    '.clone:',
    '  variables:',
    '    GIT_SSL_NO_VERIFY: "1"',
    '    DEPTH: "1"',
    '  before_script:',
    '    - curl -fsSL https://example.org/setup.sh | sh',
    '.fedora:',
    '  extends: .clone',
    '  variables:',
    '    DEPTH: "5"',
    'test:',
    '  before_script:',
    '    - !reference [.fedora, before_script]',
    '    - make deps',
    '  variables:',
    '    NO_VERIFY: !reference [.fedora, variables, GIT_SSL_NO_VERIFY]',
    '  script: [make test]',
    'lint:',
    '  variables: !reference [.fedora, variables]',
    '  script: [make lint]',
  ].join('\n');
  const p = readPipeline(source, (line, message) => warnings.push(`${line}: ${message}`))!;
  assert.deepEqual(warnings, []);
  const lint = variableScopes(p).find((s) => s.owner === 'job lint')!;
  assert.deepEqual(lint.map.pairs.map((v) => `${v.key}=${v.value && 'value' in v.value ? v.value.value : null}`), ['DEPTH=5', 'GIT_SSL_NO_VERIFY=1']);
  const test = variableScopes(p).find((s) => s.owner === 'job test')!;
  assert.deepEqual(test.map.pairs.map((v) => `${v.key}=${v.value && 'value' in v.value ? v.value.value : null}`), ['NO_VERIFY=1']);
  // The template's line is read once, where it is written; test runs it (it is no longer left out).
  assert.deepEqual([...pipelineScripts(p)].map((s) => `${s.owner} ${s.key} ${s.scalar.line}`), ['job .clone before_script 7', 'job test before_script 15', 'job test script 18', 'job lint script 21']);
});

test('!reference tags in image, services, artifacts and a referenced variables map: the rules read what they name, a line of this file on its own line, one of another file on the tag\'s', async () => {
  const result = await runScan({ target: fixturePath('iac', 'gitlab-reference-settings'), scannerSet: [iacScanner] });
  assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`).sort(), [
    // DOCKER_TLS_CERTDIR: !reference [.tls, certdir] inside the map build takes, with the dind service a tag gives build.
    'iac/gitlab-credential-artifact .gitlab-ci.yml:19 job build keeps .env as an artifact; credentials in it can be downloaded with the job\'s artifacts.',
    'iac/gitlab-credential-artifact .gitlab-ci.yml:36 job test keeps .npmrc as an artifact; credentials in it can be downloaded with the job\'s artifacts.',
    'iac/gitlab-credential-artifact ci/templates.yml:7 job .shared-artifacts keeps .npmrc as an artifact; credentials in it can be downloaded with the job\'s artifacts.',
    'iac/gitlab-dind-without-tls .gitlab-ci.yml:15 job build turns TLS off for the Docker-in-Docker daemon.',
    'iac/gitlab-image-latest .gitlab-ci.yml:34 job test uses postgres:latest; pin a version and digest.',
    'iac/gitlab-image-latest .gitlab-ci.yml:7 job build uses node:latest; pin a version and digest.',
    'iac/gitlab-image-latest ci/templates.yml:3 job .shared-services uses postgres:latest; pin a version and digest.',
  ]);
  assert.deepEqual(result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`), [
    '.gitlab-ci.yml:32 !reference [.remote-images, node] names .remote-images.node, which neither this file nor the files of its pipeline in the scan define; it was left out of the image it is part of, not read.',
  ]);
});

test('resolvedSetting: tags in a setting resolved at any depth, a list a tag gives flattened, what a template writes judged once, an unresolvable tag left out with a warning', () => {
  const warnings: string[] = [];
  const source = [
    'stages: [test]',
    '.base:',
    '  image: alpine',
    '  services:',
    '    - name: docker:dind',
    '      alias: docker',
    'test:',
    '  image: !reference [.base, image]',
    '  services:',
    '    - !reference [.base, services]',
    '    - !reference [.gone, services]',
    '  artifacts:',
    '    paths:',
    '      - !reference [.gone, artifacts, paths]',
    '      - out/',
    '  script: [make]',
  ].join('\n');
  const p = readPipeline(source, (line, message) => warnings.push(`${line}: ${message}`))!;
  const job = p.jobs.find((j) => j.name === 'test')!.node;
  const image = resolvedSetting(p, job, 'image')!;
  assert.deepEqual([image.keyLine, text(image.value), image.value?.line], [8, 'alpine', 3]);
  const services = items(resolvedSetting(p, job, 'services')?.value);
  assert.deepEqual(services.map((s) => `${s.line} ${isYMap(s) ? text(s.pairs[0]!.value) : text(s)}`), ['5 docker:dind']);
  const artifacts = resolvedSetting(p, job, 'artifacts')?.value;
  const paths = isYMap(artifacts) ? artifacts.pairs[0]!.value : undefined;
  assert.deepEqual(isYSeq(paths) ? paths.items.map(text) : paths, ['out/']);
  // Unchanged settings are the file's own nodes.
  const base = p.jobs.find((j) => j.name === '.base')!.node;
  assert.equal(resolvedSetting(p, base, 'services')?.value, base.pairs[1]!.value);
  assert.deepEqual(warnings, [
    '11: !reference [.gone, services] names .gone.services, which neither this file nor the files of its pipeline in the scan define; it was left out of the services it is part of, not read.',
    '14: !reference [.gone, artifacts, paths] names .gone.artifacts.paths, which neither this file nor the files of its pipeline in the scan define; it was left out of the artifacts it is part of, not read.',
  ]);
  const imageLatest = gitlabRules.find((r) => r.id === 'iac/gitlab-image-latest')!;
  assert.deepEqual([...imageLatest.check(p)].map((h) => `${h.line} ${h.message}`), [
    '3 job .base uses alpine (no tag: latest); pin a version and digest.',
    '5 job .base uses docker:dind (the dind tag follows the newest Docker release, as latest does); pin a version and digest.',
  ]);
});

test('!reference tags that each name two others are expanded once per job and key, not once for every rule that reads scripts', async () => {
  const { analyseFile } = await import('../../../src/scanners/iac/analyse.js');
  // Each template's script names the one before twice: 2^10 lines at GitLab's nesting limit, for each of them.
  const n = 40;
  const text = Array.from({ length: n }, (_, i) => `.t${i}:\n  script:\n    ${i ? `- !reference [.t${i - 1}, script]\n    - !reference [.t${i - 1}, script]` : '- curl -k https://example.org/x | sh'}\n`).join('') + 'build:\n  script: !reference [.t5, script]\n';
  const warnings: string[] = [];
  const result = analyseFile('.gitlab-ci.yml', text, (w) => warnings.push(w.message));
  assert.ok(result.findings.some((f) => f.ruleId === 'iac/gitlab-curl-pipe-shell'), result.findings.map((f) => `${f.ruleId}:${f.location.startLine}`).join('\n'));
  assert.ok(warnings.some((w) => /nests more than 10 !reference tags/.test(w)));
  // The work, counted as the lists walked: reading the pipeline expands every job's script once
  // (2^10 lines for most); the rules that read scripts then take those lines as read. Each of them
  // expanded every script again (about 4.5 s for 300 templates): seven times the work.
  const walked = countListReads(loadYamlCached(text).documents[0]!.root);
  const p = readPipeline(text, () => {})!;
  const expanded = walked.reads;
  assert.ok(expanded > n * 2 ** 10, `${expanded} lists walked`);
  for (const rule of gitlabRules) [...rule.check(p)];
  assert.ok(walked.reads - expanded < expanded / 2, `the rules walked ${walked.reads - expanded} lists, the pipeline's reading ${expanded}`);
});

/** Makes every list under `node` count the reads of its items, the work of walking it (each walk reads them once). The tree is the one readPipeline reads (loadYamlCached). */
function countListReads(node: YNode | null): { reads: number } {
  const walked = { reads: 0 };
  const seen = new Set<YNode>();
  const instrument = (n: YNode | null) => {
    if (!n || seen.has(n)) return;
    seen.add(n);
    if (isYMap(n)) for (const p of n.pairs) instrument(p.value);
    if (isYSeq(n)) {
      const listed = n.items;
      for (const item of listed) instrument(item);
      Object.defineProperty(n, 'items', { get: () => (walked.reads++, listed) });
    }
  };
  instrument(node);
  return walked;
}

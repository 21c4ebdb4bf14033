import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';
import { fixturePath } from '../../helpers/paths.js';

const FIXTURE = fixturePath('iac', 'gitlab-sweep') + '/';

test('patterns from public GitLab pipelines: pinned remote URL, short SHA ref, templated latest, dind through extends, CI_DEBUG_SERVICES', async () => {
  const result = await runScan({ target: FIXTURE, scannerSet: [iacScanner] });
  // The job a tag names is in a file the project include brings, which the scan does not hold: its names are not read as commands.
  assert.deepEqual(
    result.warnings.map((w) => `${w.path}:${w.line} ${w.message.split(' names ')[0]}`),
    ['.gitlab-ci.yml:29 !reference [.setup, script]'],
  );
  assert.match(result.warnings[0]!.message, /remote, project, template or component include/);
  const got = result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.severity}`).sort();
  assert.deepEqual(got, [
    'iac/gitlab-debug-trace .gitlab-ci.yml:22 medium',
    'iac/gitlab-dind-without-tls ci/docker.yml:14 medium',
    'iac/gitlab-dind-without-tls ci/docker.yml:4 medium',
    'iac/gitlab-image-latest .gitlab-ci.yml:26 medium',
    // The ref is a short SHA: reported, at low severity, as such (not as a branch).
    'iac/gitlab-unpinned-include .gitlab-ci.yml:14 low',
  ]);
  const shortSha = result.findings.find((f) => f.ruleId === 'iac/gitlab-unpinned-include')!;
  assert.match(shortSha.message, /short commit SHA a1b2c3d4/);
  // The raw URL pinned by a commit SHA (line 12) is not reported.
  assert.ok(!result.findings.some((f) => f.location.startLine === 12));
});

test('a broken include or a services string is said in a warning with its line; extends read without one, and a !reference tag that names no job of the file', () => {
  const warnings: string[] = [];
  const source = [
    'include:',
    '  - 42',
    '  - project: group/templates',
    '    ref: v1.2.3',
    '    file: /a.yml',
    '  - files: /b.yml',
    '.base:',
    '  script: !reference [.setup, script]',
    'build:',
    '  extends: [.base]',
    '  services: docker:27.1-dind',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    '  rules: !reference [.if-merged]',
  ].join('\n');
  const input = gitlabPlatform.parse(source, (line, message) => warnings.push(`${line}: ${message.split(';')[0]}`));
  assert.deepEqual(warnings, [
    '2: include entry is neither a file path nor a map with local, remote, project, template, component',
    '6: include entry is neither a file path nor a map with local, remote, project, template, component',
    '11: job build: services must be a list',
    '8: !reference [.setup, script] names .setup.script, which neither this file nor the files of its pipeline in the scan define (it may come from a remote, project, template or component include, which is not read)',
  ]);
  // The string is still read as the service it names.
  const dind = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-dind-without-tls')!;
  assert.deepEqual([...dind.check(input!)].map((h) => h.line), [13]);
});

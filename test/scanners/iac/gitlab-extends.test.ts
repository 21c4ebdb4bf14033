import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extendedSetting, extendedVariable, inheritsDefault, readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

const dind = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-dind-without-tls')!;

function parse(lines: string[]) {
  const warnings: string[] = [];
  const pipeline = readPipeline(lines.join('\n') + '\n', (line, message) => warnings.push(`${line}: ${message}`));
  assert.deepEqual(warnings, []);
  return pipeline!;
}

const job = (p: ReturnType<typeof parse>, name: string) => p.jobs.find((j) => j.name === name)!.node;

test('extends: variables merged key by key, a list (services) taken whole from the first job that writes it, the last member of extends first', () => {
  const p = parse([
    'stages: [build]',
    '.vars:',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    '    A: one',
    '.more-vars:',
    '  extends: .vars',
    '  variables:',
    '    A: two',
    '.dind:',
    '  services: [docker:27.1-dind]',
    '.plain:',
    '  services: [postgres:16.2]',
    'first:',
    '  extends: [.dind, .plain]',
    '  script: [make]',
    'second:',
    '  extends: [.plain, .dind, .more-vars]',
    '  variables:',
    '    B: own',
    '  script: [make]',
  ]);
  // The last member of extends wins: first runs postgres only, second dind.
  assert.equal(extendedSetting(p, job(p, 'first'), 'services'), job(p, '.plain'));
  assert.equal(extendedSetting(p, job(p, 'second'), 'services'), job(p, '.dind'));
  // Variables: the job's own, then its templates' (and theirs) for the keys it does not write.
  assert.equal(extendedVariable(p, job(p, 'second'), 'B')?.from, job(p, 'second'));
  assert.equal(extendedVariable(p, job(p, 'second'), 'A')?.from, job(p, '.more-vars'));
  assert.equal(extendedVariable(p, job(p, 'second'), 'DOCKER_TLS_CERTDIR')?.from, job(p, '.vars'));
  assert.equal(extendedVariable(p, job(p, 'first'), 'A'), undefined);
  // second takes DOCKER_TLS_CERTDIR: "" from .vars (through .more-vars) and runs dind: reported on .vars' line.
  assert.deepEqual(
    [...dind.check(p)].map((h) => `${h.line} ${h.message}`),
    ['4 job second turns TLS off for the Docker-in-Docker daemon (DOCKER_TLS_CERTDIR from .vars, which it extends).'],
  );
});

test('dind without TLS: a template that turns TLS off is reported once for the jobs that take it with dind, not for a job whose own services replace dind', () => {
  const p = parse([
    'stages: [build]',
    '.docker:',
    '  services:',
    '    - docker:27.1-dind',
    '.no-tls:',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    'build:',
    '  extends: [.docker, .no-tls]',
    '  script: [docker build .]',
    'push:',
    '  extends: [.docker, .no-tls]',
    '  script: [docker push example.org/app]',
    'test:',
    '  extends: .docker',
    '  services: [postgres:16.2]',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    '  script: [make test]',
    'secure:',
    '  extends: [.docker, .no-tls]',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: /certs',
    '  script: [docker build .]',
  ]);
  assert.deepEqual(
    [...dind.check(p)].map((h) => `${h.line} ${h.resource}`),
    ['7 job build'],
  );
});

test('dind without TLS: default: services reach a job unless inherit: default keeps them out, also through extends', () => {
  const p = parse([
    'stages: [build]',
    'default:',
    '  services: [docker:27.1-dind]',
    '.own-defaults:',
    '  inherit:',
    '    default: false',
    'build:',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    '  script: [docker build .]',
    'lint:',
    '  inherit:',
    '    default: [image]',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    '  script: [make lint]',
    'docs:',
    '  extends: .own-defaults',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    '  script: [make docs]',
    'package:',
    '  inherit:',
    '    default: [services]',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: ""',
    '  script: [docker build .]',
  ]);
  assert.deepEqual(
    ['build', 'lint', 'docs', 'package'].map((name) => inheritsDefault(p, job(p, name), 'services')),
    [true, false, false, true],
  );
  assert.deepEqual(
    [...dind.check(p)].map((h) => `${h.line} ${h.resource}`),
    ['9 job build', '26 job package'],
  );
});

test('extends: a file of many templates that each extend many others is read in time near linear in its size, not in the square of it', async () => {
  const { analyseFile } = await import('../../../src/scanners/iac/analyse.js');
  const templates = (n: number) =>
    Array.from({ length: n }, (_, i) => `.t${i}:\n  ${i ? `extends: [${Array.from({ length: Math.min(i, 20) }, (_, k) => `.t${i - 1 - k}`).join(', ')}]` : 'variables:\n    DOCKER_TLS_CERTDIR: ""\n  services: [docker:27.1-dind]'}\n`).join('') + `build:\n  extends: .t${n - 1}\n  script: [docker build .]\n`;
  const n = 100;
  const result = analyseFile('.gitlab-ci.yml', templates(n), () => {});
  assert.ok(result.findings.some((f) => f.ruleId === dind.id), result.findings.map((f) => `${f.ruleId} ${f.properties.resource}`).join('\n'));
  // The work, counted as the jobs looked at while every rule runs: a few each, once their parents
  // are indexed. Each rule asked each job's ancestors anew, looking each parent up through the
  // whole file (about 10 s for 600 templates): 50,000 jobs looked at for each here.
  const p = readPipeline(templates(n), () => {})!;
  let looked = 0;
  p.jobs = new Proxy(p.jobs, {
    get: (target, key, receiver) => {
      if (typeof key === 'string' && /^\d+$/.test(key)) looked++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  for (const rule of gitlabPlatform.rules) [...rule.check(p)];
  assert.ok(looked < 100 * n, `${looked} jobs looked at`);
});

import { pinProblem } from '../image.js';
import { detailNote, inside, listEntry, rule, type Hit, type IacRule, type PlatformRules } from '../rule.js';
import { SIGNATURE_DISABLED, TLS_DISABLED, scriptMatches } from '../script-checks.js';
import { isLiteralSecretValue, isSecretName } from '../secret-names.js';
import { pipeToShellOffsets } from '../shell.js';
import { loadYamlCached } from '../yaml/cache.js';
import { get, isYMap, isYScalar, isYSeq, items, pair, text, type YMap, type YNode, type YScalar } from '../yaml/tree.js';

/** A GitLab CI pipeline: global settings and jobs (hidden `.template` jobs included). */
export interface Pipeline {
  root: YMap;
  jobs: Array<{ name: string; node: YMap; line: number }>;
  lines: string[];
}

const RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'types', 'spec']);

export function readPipeline(source: string, warn: (line: number, message: string) => void): Pipeline | undefined {
  const loaded = loadYamlCached(source);
  for (const problem of loaded.problems) warn(problem.line, problem.message);
  // A file with a `spec:` header document keeps the pipeline in the second document.
  const root = loaded.documents.map((d) => d.root).find((r) => isYMap(r) && !(r.pairs.length === 1 && r.pairs[0]!.key === 'spec'));
  if (!isYMap(root)) return undefined;
  const jobs = root.pairs.filter((p) => !RESERVED.has(p.key) && isYMap(p.value)).map((p) => ({ name: p.key, node: p.value as YMap, line: p.keyLine }));
  return { root, jobs, lines: source.split('\n') };
}

type PipelineRule = IacRule<Pipeline>;
const gitlabRule = (definition: Omit<PipelineRule, 'platform' | 'tags'>): PipelineRule => rule({ ...definition, platform: 'gitlab-ci' });

/** Every script entry of the pipeline (global and per job), with the line of its `script:` key. */
export function* pipelineScripts(pipeline: Pipeline): Generator<{ owner: string; scalar: YScalar; text: string; keyLine: number }> {
  const owners: Array<{ owner: string; node: YNode }> = [
    { owner: 'global', node: pipeline.root },
    ...(isYMap(get(pipeline.root, 'default')) ? [{ owner: 'default', node: get(pipeline.root, 'default')! }] : []),
    ...pipeline.jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode })),
  ];
  for (const { owner, node } of owners) {
    for (const key of ['before_script', 'script', 'after_script']) {
      const entry = pair(node, key);
      const value = entry?.value;
      const list = isYSeq(value) ? value.items.flatMap((i) => (isYSeq(i) ? i.items : [i])) : value ? [value] : [];
      for (const item of list) if (isYScalar(item) && typeof item.value === 'string') yield { owner, scalar: item, text: item.value, keyLine: entry!.keyLine };
    }
  }
}

function lineOf(pipeline: Pipeline, scalar: YScalar, offset: number): number {
  const body = String(scalar.value);
  const lineText = body.slice(body.lastIndexOf('\n', offset - 1) + 1).split('\n')[0]!.trim();
  if (!body.includes('\n')) return scalar.line;
  for (let i = scalar.line - 1; i < Math.min(pipeline.lines.length, scalar.line + body.split('\n').length + 1); i++) if (pipeline.lines[i]!.includes(lineText)) return i + 1;
  return scalar.line;
}

function variableScopes(pipeline: Pipeline): Array<{ owner: string; map: YMap }> {
  const out: Array<{ owner: string; map: YMap }> = [];
  const top = get(pipeline.root, 'variables');
  if (isYMap(top)) out.push({ owner: 'global', map: top });
  for (const job of pipeline.jobs) {
    const vars = get(job.node, 'variables');
    if (isYMap(vars)) out.push({ owner: `job ${job.name}`, map: vars });
  }
  return out;
}

/** A variable's value: `KEY: value` or `KEY: { value: ..., description: ... }`. */
function variableValue(node: YNode | null): { value: unknown; scalar?: YScalar } {
  if (isYScalar(node)) return { value: node.value, scalar: node };
  const inner = get(node, 'value');
  return isYScalar(inner) ? { value: inner.value, scalar: inner } : { value: undefined };
}

const pipeline = (body: string) => `stages: [build]\n${body}`;

const curlPipeShell = gitlabRule({
  id: 'iac/gitlab-curl-pipe-shell',
  title: 'Remote script piped into a shell in CI',
  description: '`curl ... | sh` in a job script runs whatever the server returns, with the job\'s CI/CD variables (deploy keys, tokens) and no integrity check.',
  remediation: 'Download the script, verify a pinned checksum or signature, then run it; or use an image that already contains the tool.',
  severity: 'high',
  cwe: ['CWE-494'],
  examples: {
    positive: [pipeline('build:\n  # expect\n  script:\n    # detail\n    - curl -sSL https://example.org/install.sh | bash\n')],
    negative: [pipeline('build:\n  script:\n    - curl -fsSLo install.sh https://example.org/install.sh\n    - sha256sum -c install.sh.sha256\n    - bash install.sh\n')],
  },
  *check(p) {
    for (const { owner, scalar, text: script, keyLine } of pipelineScripts(p)) {
      for (const offset of pipeToShellOffsets(script)) {
        const at = inside(keyLine, lineOf(p, scalar, offset));
        yield { ...at, message: `${owner} pipes a downloaded script into a shell${detailNote(at)}.`, resource: owner };
      }
    }
  },
});

const secretInVariables = gitlabRule({
  id: 'iac/gitlab-secret-in-variables',
  title: 'Secret written in .gitlab-ci.yml',
  description: 'A CI variable with a secret-looking name has a literal value in the pipeline file: it is in version control, visible to everyone who can read the repository, and in every fork.',
  remediation: 'Define it as a masked (and protected) CI/CD variable in the project or group settings, or fetch it from a secret manager with CI_JOB_JWT/ID tokens.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [pipeline('variables:\n  # expect\n  DEPLOY_TOKEN: glpat-abcdefghij0123456789\n'), pipeline('deploy:\n  variables:\n    # expect\n    DB_PASSWORD:\n      value: hunter2-hunter2\n  script:\n    - ./deploy.sh\n')],
    negative: [pipeline('variables:\n  DEPLOY_TOKEN: $CI_JOB_TOKEN\n  DOCKER_DRIVER: overlay2\n')],
  },
  *check(p) {
    for (const { owner, map } of variableScopes(p)) {
      for (const entry of map.pairs) {
        const { value } = variableValue(entry.value);
        if (isSecretName(entry.key) && isLiteralSecretValue(value))
          yield { line: entry.keyLine, message: `${owner} variable ${entry.key} holds a literal secret.`, resource: owner, secret: String(value) };
      }
    }
  },
});

const imageLatest = gitlabRule({
  id: 'iac/gitlab-image-latest',
  title: "CI image uses 'latest' or no tag",
  description: "A job or service image has the 'latest' tag or no tag: the pipeline runs whatever the registry serves that day, with the job's credentials, and results are not reproducible.",
  remediation: 'Pin images to a version and digest: image: node:20.11.1@sha256:<digest>.',
  severity: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [pipeline('build:\n  # expect\n  image: node:latest\n  script:\n    - npm ci\n'), pipeline('build:\n  image:\n    # expect\n    name: alpine\n  script:\n    - make\n'), pipeline('test:\n  image: node:20.11.1\n  services:\n    - redis:7.2.4\n    # expect\n    - postgres:latest\n  script:\n    - npm test\n')],
    negative: [pipeline('build:\n  image: node:20.11.1\n  script:\n    - npm ci\n')],
  },
  *check(p) {
    const owners: Array<{ owner: string; node: YNode }> = [{ owner: 'global', node: p.root }, ...p.jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode }))];
    const defaults = get(p.root, 'default');
    if (defaults) owners.push({ owner: 'default', node: defaults });
    for (const { owner, node } of owners) {
      const images: Array<{ ref: string | undefined; at: Pick<Hit, 'line' | 'detailLine'> }> = [];
      const image = pair(node, 'image');
      if (image) images.push(isYMap(image.value) ? { ref: text(get(image.value, 'name')), at: { line: pair(image.value, 'name')?.keyLine ?? image.keyLine } } : { ref: text(image.value), at: { line: image.keyLine } });
      const services = pair(node, 'services');
      for (const service of items(services?.value))
        images.push(isYMap(service) ? { ref: text(get(service, 'name')), at: { line: pair(service, 'name')?.keyLine ?? service.line } } : { ref: text(service), at: listEntry(service.line) });
      for (const { ref, at } of images) {
        const problem = ref ? pinProblem(ref) : undefined;
        if (problem) yield { ...at, message: `${owner} uses ${ref}${detailNote(at)}${problem === 'untagged' ? ' (no tag: latest)' : ''}; pin a version and digest.`, resource: owner };
      }
    }
  },
});

const debugTrace = gitlabRule({
  id: 'iac/gitlab-debug-trace',
  title: 'CI debug trace enabled',
  description: 'CI_DEBUG_TRACE (or CI_DEBUG_SERVICES) set to "true" makes the runner print every command with every variable expanded, including masked secrets, into the job log that every project member can read.',
  remediation: 'Remove the variable from the pipeline file; enable it temporarily from the UI for one run when debugging, and rotate any secret that was logged.',
  severity: 'high',
  cwe: ['CWE-532'],
  examples: {
    positive: [pipeline('variables:\n  # expect\n  CI_DEBUG_TRACE: "true"\n')],
    negative: [pipeline('variables:\n  CI_DEBUG_TRACE: "false"\n')],
  },
  *check(p) {
    for (const { owner, map } of variableScopes(p)) {
      for (const key of ['CI_DEBUG_TRACE', 'CI_DEBUG_SERVICES']) {
        const entry = pair(map, key);
        const { value } = variableValue(entry?.value ?? null);
        if (entry && String(value).toLowerCase() === 'true') yield { line: entry.keyLine, message: `${owner} sets ${key}: every variable, secrets included, is printed to the job log.`, resource: owner };
      }
    }
  },
});

function isDind(node: YNode): boolean {
  return items(get(node, 'services')).some((s) => /(?:^|\/)docker:[\w.-]*dind/.test(text(s) ?? text(get(s, 'name')) ?? ''));
}

const dindWithoutTls = gitlabRule({
  id: 'iac/gitlab-dind-without-tls',
  title: 'Docker-in-Docker without TLS',
  description: 'A docker:dind service runs with TLS turned off (DOCKER_TLS_CERTDIR: "" or DOCKER_HOST on tcp port 2375). The Docker API, which is root on the build host, then listens without authentication to anything on the job network.',
  remediation: 'Keep DOCKER_TLS_CERTDIR: "/certs" and DOCKER_HOST: tcp://docker:2376 with DOCKER_TLS_VERIFY, or build images without a daemon (kaniko, buildah, BuildKit rootless).',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [pipeline('build:\n  image: docker:27.1\n  services:\n    - docker:27.1-dind\n  variables:\n    # expect\n    DOCKER_TLS_CERTDIR: ""\n  script:\n    - docker build .\n')],
    negative: [pipeline('build:\n  image: docker:27.1\n  services:\n    - docker:27.1-dind\n  variables:\n    DOCKER_TLS_CERTDIR: "/certs"\n  script:\n    - docker build .\n')],
  },
  *check(p) {
    const globalDind = isDind(p.root);
    for (const { owner, map } of variableScopes(p)) {
      const job = p.jobs.find((j) => `job ${j.name}` === owner);
      if (!(globalDind || (job && isDind(job.node)) || owner === 'global' && p.jobs.some((j) => isDind(j.node)))) continue;
      const certdir = pair(map, 'DOCKER_TLS_CERTDIR');
      if (certdir && variableValue(certdir.value).value === '') yield { line: certdir.keyLine, message: `${owner} turns TLS off for the Docker-in-Docker daemon.`, resource: owner };
      const host = pair(map, 'DOCKER_HOST');
      if (host && /^tcp:\/\/[^/]+:2375\/?$/.test(String(variableValue(host.value).value ?? ''))) yield { line: host.keyLine, message: `${owner} talks to the Docker daemon on the unencrypted, unauthenticated port 2375.`, resource: owner };
    }
  },
});

const tlsDisabled = gitlabRule({
  id: 'iac/gitlab-tls-verification-disabled',
  title: 'TLS or signature verification disabled in CI',
  description: 'A job turns off certificate or package signature verification (curl -k, GIT_SSL_NO_VERIFY, pip --trusted-host, apt --allow-unauthenticated...). A network attacker can then feed the pipeline, which holds deploy credentials, whatever they like.',
  remediation: 'Keep verification on; add a private CA to the image trust store (or CI_SERVER_TLS_CA_FILE) instead.',
  severity: 'high',
  cwe: ['CWE-295'],
  examples: {
    positive: [pipeline('build:\n  # expect\n  script:\n    # detail\n    - curl -k -o tool https://example.org/tool\n'), pipeline('variables:\n  # expect\n  GIT_SSL_NO_VERIFY: "1"\n')],
    negative: [pipeline('build:\n  script:\n    - curl -fsSL -o tool https://example.org/tool\n')],
  },
  *check(p) {
    for (const { owner, scalar, text: script, keyLine } of pipelineScripts(p)) {
      for (const hit of scriptMatches(script, [...TLS_DISABLED, ...SIGNATURE_DISABLED])) {
        const at = inside(keyLine, lineOf(p, scalar, hit.offset));
        yield { ...at, message: `${owner}: ${hit.what}${detailNote(at)} turns off verification.`, resource: owner };
      }
    }
    for (const { owner, map } of variableScopes(p)) {
      for (const key of ['GIT_SSL_NO_VERIFY', 'NODE_TLS_REJECT_UNAUTHORIZED', 'PYTHONHTTPSVERIFY']) {
        const entry = pair(map, key);
        const value = String(variableValue(entry?.value ?? null).value ?? '').toLowerCase();
        const off = key === 'GIT_SSL_NO_VERIFY' ? value === '1' || value === 'true' : value === '0';
        if (entry && off) yield { line: entry.keyLine, message: `${owner} sets ${key}, turning off certificate verification.`, resource: owner };
      }
    }
  },
});

const remoteInclude = gitlabRule({
  id: 'iac/gitlab-unpinned-include',
  title: 'Pipeline includes configuration that can change under it',
  description:
    "include: remote fetches pipeline configuration from a URL at every run, include: project without ref follows a moving branch, and include: component at a branch, `~latest` or a partial version (`1`, `1.2`) takes whatever is released or pushed next. Whoever controls that URL, branch or component project can add jobs that run with this project's CI/CD variables.",
  remediation:
    'Include project templates with a ref pinned to a tag or commit SHA (include: project/ref/file) and components at a full version or commit SHA (component: host/group/project/name@1.4.2), or vendor the template into this repository.',
  severity: 'medium',
  cwe: ['CWE-829'],
  examples: {
    positive: [pipeline('include:\n  # expect\n  - remote: https://example.org/ci/template.yml\n'), pipeline('include:\n  - local: /ci/test.yml\n  # expect\n  - https://example.org/ci/template.yml\n'), pipeline('include:\n  # expect\n  - project: platform/ci-templates\n    file: /build.yml\n'),
      pipeline('include:\n  # expect\n  - component: gitlab.example.org/platform/ci-components/release@main\n  # expect\n  - component: $CI_SERVER_FQDN/platform/ci-components/lint@~latest\n  # expect\n  - component: $CI_SERVER_FQDN/platform/ci-components/test@1.4\n'),
    ],
    negative: [
      pipeline('include:\n  - project: platform/ci-templates\n    ref: 3f7c2a9d1e8b4c6a5f0e2d9c8b7a6f5e4d3c2b1a\n    file: /build.yml\n  - local: /ci/test.yml\n'),
      pipeline('include:\n  - component: $CI_SERVER_FQDN/platform/ci-components/lint@1.4.2\n  - component: gitlab.example.org/platform/ci-components/release@3f7c2a9d1e8b4c6a5f0e2d9c8b7a6f5e4d3c2b1a\n    inputs:\n      stage: deploy\n'),
    ],
  },
  *check(p) {
    const includeKey = pair(p.root, 'include');
    const include = includeKey?.value;
    const entries = isYSeq(include) ? include.items : include ? [include] : [];
    // The same versions count as pinned for project refs and component versions: a commit SHA or a full x.y.z tag.
    const pinned = (ref: string) => /^(?:[0-9a-f]{40}|v?\d+\.\d+\.\d+)$/.test(ref);
    for (const entry of entries) {
      const url = isYScalar(entry) ? text(entry) : text(get(entry, 'remote'));
      if (url && /^https?:\/\//.test(url)) {
        // A plain URL entry is part of the include list; a `remote:` entry is a setting of its own.
        const at = isYScalar(entry) ? listEntry(entry.line) : { line: pair(entry, 'remote')!.keyLine };
        yield { ...at, message: `The pipeline includes remote configuration from ${url}${detailNote(at)} at every run.` };
        continue;
      }
      const project = text(get(entry, 'project'));
      const ref = text(get(entry, 'ref'));
      if (project && (!ref || !pinned(ref)))
        yield { line: entry.line, message: `The pipeline includes ${project}${ref ? `@${ref}` : ''} from a moving ref; pin a tag or commit SHA.` };
      // `host/group/project/name@version`: a branch, `~latest` or a partial version (1, 1.2) moves.
      const component = text(get(entry, 'component'));
      if (component) {
        const at = component.lastIndexOf('@');
        const version = at >= 0 ? component.slice(at + 1) : '';
        if (!pinned(version))
          yield {
            line: pair(entry, 'component')!.keyLine,
            message: `The pipeline includes the component ${at >= 0 ? component.slice(0, at) : component}${version ? ` at ${version}, a moving version` : ' with no version'}; pin a full version (x.y.z) or a commit SHA.`,
          };
      }
    }
  },
});

export const gitlabRules: readonly PipelineRule[] = [curlPipeShell, secretInVariables, imageLatest, debugTrace, dindWithoutTls, tlsDisabled, remoteInclude];

export const gitlabPlatform: PlatformRules<Pipeline> = {
  platform: 'gitlab-ci',
  parse: readPipeline,
  rules: gitlabRules,
};

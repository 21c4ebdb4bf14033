import { parseImage, pinProblem } from '../image.js';
import { detailNote, inside, listEntry, type Hit, type PlatformRules } from '../rule.js';
import { downloadRunsIn, OWN_PROJECT } from '../downloads.js';
import { PIPED_DOWNLOAD_IN_SCRIPT, UNVERIFIED_RUN_IN_SCRIPT, VERIFICATION_OFF_IN_SCRIPT, verificationOff } from '../script-checks.js';
import { isLiteralSecretValue, isSecretName } from '../secret-names.js';
import { pipedDownloadSites, scriptParts } from '../script-dialect.js';
import { PLAIN_HTTP_PIPE_NOTE } from '../shell.js';
import { get, isYMap, isYScalar, isYSeq, items, pair, stringValue, text, type YMap, type YNode } from '../yaml/tree.js';
import { runFixes } from './conditions.js';
import { exposureRules } from './exposure-rules.js';
import { injectionRules } from './injection-rules.js';
import { onMacosRunner, onWindows } from './runners.js';
import { pipelineScriptParts, scriptDialect } from './shells.js';
import { extendedSetting, extendedVariable, extendsOrder, gitlabRule, neverRuns, inheritsDefault, gitlabScriptRuns, jobFile, jobScriptLines, lineOf, pipeline, pipelineScripts, readPipeline, resolvedSetting, variableScopes, variableValue, type Pipeline, type PipelineFile, type PipelineRule } from './pipeline.js';

export { pipelineScripts, readPipeline, type Pipeline } from './pipeline.js';

const curlPipeShell = gitlabRule({
  id: 'iac/gitlab-curl-pipe-shell',
  title: 'Remote script piped into a shell in CI',
  description: '`curl ... | sh` in a job script runs whatever the server returns, with the job\'s CI/CD variables (deploy keys, tokens) and no integrity check; so does, on a Windows runner, whose shell is PowerShell, a download given to Invoke-Expression (`iwr https://... | iex`, `iex ((New-Object Net.WebClient).DownloadString(\'https://...\'))`). A POSIX script a Windows job hands to bash (`C:\\msys64\\usr\\bin\\bash -lc "..."`) is read as one. Medium, as a downloaded file run without a check (iac/gitlab-download-unverified); high over plain http://, where anyone on the network path can replace the script. The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines, and so is the FDO_DISTRIBUTION_EXEC command that freedesktop\'s ci-templates run in the image a job builds with them (`extends: .fdo.container-build@debian`).',
  remediation: 'Download the script, verify a pinned checksum or signature, then run it; or use an image that already contains the tool.',
  severity: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      pipeline('build:\n  # expect\n  script:\n    # detail\n    - curl -sSL https://example.org/install.sh | bash\n'),
      // PowerShell, on a Windows runner.
      pipeline("build:\n  tags: [windows]\n  # expect\n  script:\n    # detail\n    - iex ((New-Object System.Net.WebClient).DownloadString('https://example.org/install.ps1'))\n"),
      // The command freedesktop's ci-templates runs in the image a job builds with them.
      pipeline('.debian:\n  variables:\n    # expect\n    FDO_DISTRIBUTION_EXEC: curl -sSL https://example.org/setup.sh | bash\nprep:\n  extends:\n    - .fdo.container-build@debian\n    - .debian\n'),
    ],
    negative: [
      pipeline('build:\n  script:\n    - curl -fsSLo install.sh https://example.org/install.sh\n    - sha256sum -c install.sh.sha256\n    - bash install.sh\n'),
      // A job disabled in place: rules that are all `when: never` keep it out of every pipeline.
      pipeline('nightly-install:\n  rules:\n    - when: never\n  script:\n    - curl -sSL https://example.org/install.sh | bash\n'),
      // A job that only uses the image ci-templates built does not run its FDO_DISTRIBUTION_EXEC command.
      pipeline('.debian:\n  variables:\n    FDO_DISTRIBUTION_EXEC: curl -sSL https://example.org/setup.sh | bash\ntest:\n  extends:\n    - .fdo.distribution-image@debian\n    - .debian\n  script:\n    - make check\n'),
    ],
  },
  *check(p) {
    for (const { owner, scalar, keyLine, part } of pipelineScriptParts(p)) {
      for (const { offset, plainHttp, runner } of pipedDownloadSites(part.text, part.dialect)) {
        const at = inside(keyLine, lineOf(p, scalar, part.at(offset)));
        const how = runner ? `runs a downloaded script with ${runner}` : 'pipes a downloaded script into a shell';
        yield { ...at, message: `${owner} ${how}${plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}${detailNote(at)}.`, resource: owner, ...(plainHttp ? { severity: 'high' as const } : {}) };
      }
    }
  },  scripts: PIPED_DOWNLOAD_IN_SCRIPT,
});

const downloadUnverified = gitlabRule({
  id: 'iac/gitlab-download-unverified',
  title: 'Downloaded script or binary run without a checksum or signature check in CI',
  description:
    "A job downloads a file with curl or wget (or `gh release download` of another repository's release, or the job artifacts of another project's branch or tag: `curl -o deps.zip https://gitlab.example.org/group/tools/-/jobs/artifacts/main/download?job=build`, the API's `/projects/<id>/jobs/artifacts/<ref>/download`, `glab job artifact main build -R group/tools`, or those `needs:` brings into the job's folder, `- project: group/tools` with its `ref:`; on a Windows runner, whose shell is PowerShell, also Invoke-WebRequest -OutFile or WebClient.DownloadFile) and then runs it (`ruby trigger.rb`, `bash install.sh`, `./tool` after `chmod +x`, `& .\\setup.exe` or Start-Process, a program of the archive it unpacked, `cd tool-1.2 && ./configure && make install`, `dpkg -i` or `pip install` of a package, a program by its name once its folder is put on PATH, a program put on PATH and not run by name, as by a virtualenv's activate script, reported with the line that does so; of unpacked job artifacts, whose files keep any path, a package or a program made executable, or anything in a folder of their own), and none of its scripts checks it (sha256sum/shasum, gpg --verify, cosign, minisign, an openssl digest, gh attestation verify, Get-FileHash; a checksum tool counts when its digest is compared (-c, a pipe into grep, a test of its output), not when it only prints or writes one). A job is on a Windows runner when a tag it asks for (its own, through `extends`, or `default:`'s) names one (`windows`, `saas-windows-medium-amd64`, `shared-windows`, `win32-ps`), or when its image is a Windows image (mcr.microsoft.com/windows/..., a `windowsservercore`, `nanoserver` or `ltsc2022` tag); a template is when every job that takes it is. HTTPS protects the transfer, not the file: whoever can change the release or the branch it is fetched from (a compromised upstream account or mirror, a moving `master` or `latest` link, whoever can push to the other project's branch whose latest pipeline built the artifacts) runs code in the job, with its CI/CD variables. A file fetched at a git commit named by its full hash, or from the GitLab instance's own API (but for another project's job artifacts), is not reported, nor the job artifacts of the pipeline's own project (named by CI_PROJECT_ID, CI_PROJECT_PATH, CI_PROJECT_URL or a merge request's CI_MERGE_REQUEST_PROJECT_ID, or glab with no -R; a fork's CI_MERGE_REQUEST_SOURCE_PROJECT_ID is another): its own pipelines built them; neither is a download that is only read (a JSON file for jq), unpacked, listed or uploaded. High over plain http:// to another machine, where anyone on the network path can replace what runs, as for a script piped into a shell. Piping a download into a shell is iac/gitlab-curl-pipe-shell. The shell scripts of the repository that a job runs are judged too, on their own lines.",
  remediation: 'Pin the version and check a pinned digest before running the file (echo "<sha256>  tool.tar.gz" | sha256sum -c -), or the publisher\'s signature (gpg --verify, cosign verify-blob); or use an image that already contains the tool.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      pipeline('notify:\n  # expect\n  script:\n    # detail\n    - curl -fsSLo trigger.rb https://example.org/raw/master/trigger.rb && ruby trigger.rb\n'),
      // Over plain http (reported as high).
      pipeline('notify:\n  # expect\n  script:\n    # detail\n    - curl -fsSLo trigger.rb http://example.org/trigger.rb && ruby trigger.rb\n'),
      // Downloaded, unpacked and run over several lines of the job.
      pipeline('lint:\n  # expect\n  before_script:\n    # detail\n    - wget -q https://example.org/releases/tool-1.4.0-linux-amd64.tar.gz\n    - tar -xzf tool-1.4.0-linux-amd64.tar.gz\n  script:\n    - ./tool-1.4.0-linux-amd64/bin/tool check\n'),
      // Downloaded by the template's before_script, run by the script of the job that extends it.
      pipeline('.review:\n  # expect\n  before_script:\n    # detail\n    - wget https://example.org/tools/-/raw/master/scripts/trigger-build.rb\n    - chmod 755 trigger-build.rb\nreview-deploy:\n  extends: .review\n  script:\n    - ./trigger-build.rb docs deploy\n'),
      pipeline('deploy:\n  # expect\n  script:\n    # detail\n    - curl -fsSL -o /tmp/kubectl https://example.org/kubectl/v1.30.2/bin/linux/amd64/kubectl\n    - chmod +x /tmp/kubectl && mv /tmp/kubectl /usr/local/bin/\n    - kubectl apply -f k8s/\n'),
      // A source archive built in the folder it unpacks into: the lines of a job share one shell.
      pipeline('build:\n  # expect\n  script:\n    # detail\n    - wget -q https://example.org/dist/tool-1.2.0.tar.gz && tar -xzf tool-1.2.0.tar.gz\n    - cd tool-1.2.0\n    - ./configure --prefix=/usr/local && make install\n'),
      // A Windows runner (its tag, here through a template) runs the script with PowerShell.
      // Another project's job artifacts, from the latest pipeline of its branch: the packages they hold are installed.
      pipeline('test-package:\n  # expect\n  script:\n    # detail\n    - wget -O deps.zip "https://example.org/group/deps/-/jobs/artifacts/master/download?job=package"\n    - unzip deps.zip\n    - apt-get install -y ./libdeps*.deb\n'),
      // The same, brought by needs: before the script runs.
      pipeline('test-package:\n  # expect\n  needs:\n    # detail\n    - project: group/deps\n      job: package\n      ref: master\n  script:\n    - apt-get install -y ./libdeps*.deb\n'),
      pipeline('.windows:\n  tags:\n    - saas-windows-medium-amd64\ninstall:\n  extends: .windows\n  # expect\n  script:\n    # detail\n    - Invoke-WebRequest -Uri https://example.org/releases/setup-1.2.0.exe -OutFile setup.exe\n    - Start-Process .\\setup.exe -ArgumentList "/S" -Wait\n'),
    ],
    negative: [
      // Checked against a pinned digest before it runs.
      pipeline('lint:\n  script:\n    - curl -fsSLo install.sh https://example.org/install.sh\n    - echo "0000000000000000000000000000000000000000000000000000000000000000  install.sh" | sha256sum -c -\n    - bash install.sh\n'),
      // Data read by jq, an archive only listed, a file uploaded as an artifact: nothing downloaded runs.
      pipeline('release:\n  script:\n    - curl -fsSL -o releases.json https://example.org/api/releases\n    - jq -r ".[0].tag_name" releases.json\n    - wget -q https://example.org/dist/site.tar.gz && tar -tzf site.tar.gz\n  artifacts:\n    paths:\n      - site.tar.gz\n'),
      // Fetched at a full commit hash: the commit fixes the content.
      pipeline('notify:\n  script:\n    - curl -fsSLo trigger.rb https://gitlab.com/example/tools/-/raw/8d9e3502aba39127e4d12196dae16d306f76993d/trigger.rb && ruby trigger.rb\n'),
      // The job artifacts of the pipeline's own project; another's only kept as an artifact, or unpacked among the repository's files, whose scripts run.
      pipeline('test-package:\n  script:\n    - curl -fsSLo own.zip "$CI_API_V4_URL/projects/$CI_PROJECT_ID/jobs/artifacts/main/download?job=package"\n    - unzip own.zip && dpkg -i build/*.deb\n    - curl -fsSLo deps.zip "https://example.org/group/deps/-/jobs/artifacts/master/download?job=package"\n    - unzip deps.zip\n    - ./ci/run-tests.sh\n  artifacts:\n    paths:\n      - deps.zip\n'),
      // Unpacked into a folder the repository's own build fills: its Makefile is cmake's.
      pipeline('build:\n  script:\n    - mkdir build && wget -qO- https://example.org/dist/deps-1.0.tar.gz | tar -xz -C build\n    - cd build && cmake .. && make\n'),
    ],
  },
  *check(p) {
    // A job's lines with those it takes from templates and default:, each download reported once (for the first job that runs it).
    const seen = new Set<string>();
    for (const job of p.jobs) {
      if (neverRuns(p, job)) continue;
      const owner = `job ${job.name}`;
      // A Windows runner runs the scripts with PowerShell, and the bash -c text of a line as POSIX shell.
      const dialect = onWindows(p, job) ? 'powershell' : 'posix';
      const pieces = jobScriptLines(p, job.node).flatMap((line) => scriptParts(line.text, dialect).map((part) => ({ ...line, ...part })));
      for (const found of downloadRunsIn(pieces, neededArtifacts(p, job.node, dialect))) {
        const download = found.downloadIn.at(found.download);
        const key = `${found.downloadIn.scalar.line}:${found.downloadIn.scalar.column}:${download}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const at = inside(found.downloadIn.keyLine, lineOf(p, found.downloadIn.scalar, download));
        const runLine = lineOf(p, found.runIn.scalar, found.runIn.at(found.run));
        const gets = found.program === NEEDS_PROJECT ? `takes ${found.file} with ${NEEDS_PROJECT}${detailNote(at)}` : `downloads ${found.file} with ${found.program}${detailNote(at)}`;
        yield { ...at, message: `${owner} ${gets} and ${found.action} on line ${runLine} (${found.how}) with no checksum or signature check${found.plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}; verify a pinned sha256 or the publisher's signature first.`, resource: owner, ...(found.plainHttp ? { severity: 'high' as const } : {}) };
      }
    }
  },
  scripts: UNVERIFIED_RUN_IN_SCRIPT,
});

const NEEDS_PROJECT = 'needs: project';

/**
 * The job artifacts of another project's branch or tag that a job's `needs:` brings into its
 * folder before its scripts run (`- project: group/tools`, `ref: main`, `job: build`; not with
 * `artifacts: false`, nor the pipeline's own project), each with the `project:` scalar as its piece.
 */
function neededArtifacts(p: Pipeline, job: YMap, dialect: 'posix' | 'powershell') {
  const owner = extendedSetting(p, job, 'needs');
  const needs = owner ? resolvedSetting(p, owner, 'needs') : undefined;
  return items(needs?.value).flatMap((need) => {
    const project = get(need, 'project');
    const name = stringValue(project);
    const artifacts = get(need, 'artifacts');
    if (!isYScalar(project) || name === undefined || OWN_PROJECT.test(name) || (isYScalar(artifacts) && String(artifacts.value) === 'false')) return [];
    const jobName = stringValue(get(need, 'job'));
    const ref = stringValue(get(need, 'ref'));
    const label = `the artifacts of ${jobName === undefined ? 'a job' : `job "${jobName}"`} of ${name}${ref === undefined ? '' : ` at ${ref}`}`;
    return [{ label, program: NEEDS_PROJECT, in: { scalar: project, keyLine: needs!.keyLine, text: '', dialect, at: (offset: number) => offset } }];
  });
}

const secretInVariables = gitlabRule({
  id: 'iac/gitlab-secret-in-variables',
  title: 'Secret written in .gitlab-ci.yml',
  description: 'A CI variable with a secret-looking name has a literal value in the pipeline file: it is in version control, visible to everyone who can read the repository, and in every fork. The password that a database or broker service container of the job is created with (POSTGRES_PASSWORD with a postgres service, MYSQL_ROOT_PASSWORD with mysql or mariadb: GitLab gives a job\'s variables to its services) is reported as low: it most likely opens only that throw-away container. A value that a comment on its line (or a comment line above it, or the `value:` line of its expanded form) tells the reader to replace (`API_TOKEN: 3f9a...  # put your token here`) is not reported: like a value written as a fill-in (`your-api-key-here`), it is a placeholder.',
  remediation: 'Define it as a masked (and protected) CI/CD variable in the project or group settings, or fetch it from a secret manager with CI_JOB_JWT/ID tokens.',
  severity: 'high',
  cwe: ['CWE-798'],
  placeholderComments: true,
  examples: {
    positive: [
      pipeline('variables:\n  # expect\n  DEPLOY_TOKEN: glpat-abcdefghij0123456789\n'),
      // The password a database service container the job starts is created with (reported as low).
      pipeline('test:\n  services:\n    - postgres:16.2\n  variables:\n    # expect\n    POSTGRES_PASSWORD: runner-password\n  script:\n    - make test\n'),
      pipeline('deploy:\n  variables:\n    # expect\n    DB_PASSWORD:\n      value: hunter2-hunter2\n  script:\n    - ./deploy.sh\n'),
      // Variables that rules set when they match, for the pipeline (workflow:) or one job.
      pipeline('workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n      variables:\n        # expect\n        DEPLOY_TOKEN: hunter2-hunter2\n    - when: always\n'),
      // Literal text and a value of the pipeline: predictable, not secret.
      pipeline('variables:\n  # expect\n  DB_PASSWORD: pass_${CI_COMMIT_SHORT_SHA}\n'),
      // A comment that says what the value is, or to change a weak default, marks no placeholder.
      pipeline('variables:\n  # The staging database\n  # expect\n  DB_PASSWORD: Tr0ub4dor-and-3 # change me\n'),
    ],
    negative: [
      pipeline('variables:\n  DEPLOY_TOKEN: $CI_JOB_TOKEN\n  DOCKER_DRIVER: overlay2\n'),
      // Settings of GitLab's Secret Detection template, as its documentation has them written in .gitlab-ci.yml.
      pipeline('include:\n  - template: Jobs/Secret-Detection.gitlab-ci.yml\nvariables:\n  SECRET_DETECTION_EXCLUDED_PATHS: "tests/fixtures, docs/examples"\n  SECRET_DETECTION_LOG_OPTIONS: "origin/main..HEAD"\n'),
      // A component's input, given by the pipeline that includes it.
      'spec:\n  inputs:\n    db_password:\n---\nmigrate:\n  variables:\n    DB_PASSWORD: $[[ inputs.db_password ]]\n  script:\n    - ./migrate.sh\n',
      // Values that a comment beside them tells the reader to replace: placeholders.
      pipeline('variables:\n  # Replace with your own deploy token\n  DEPLOY_TOKEN: 3f9a0c7e21d4b5a6\n  API_KEY: 3f9a0c7e21d4b5a6 # your API key here\n  DB_PASSWORD:\n    description: The staging database\n    value: Tr0ub4dor-and-3 # replace with your password\n'),
    ],
  },
  *check(p) {
    for (const { owner, map } of variableScopes(p)) {
      for (const entry of map.pairs) {
        const { value } = variableValue(entry.value);
        if (!isSecretName(entry.key) || !isLiteralSecretValue(value)) continue;
        if (serviceReads(p, owner, entry.key))
          yield { line: entry.keyLine, message: `${owner} variable ${entry.key} holds a literal password that a service container its jobs start sets itself up with (GitLab gives a job's variables to its services): most likely a throw-away test database; if it reaches a real one, store it as a masked CI/CD variable.`, resource: owner, secret: String(value), severity: 'low' };
        else {
          // pass_${CI_COMMIT_SHORT_SHA}: literal text and pipeline values, which whoever reads the repository knows too.
          const expanded = [...new Set([...String(value).matchAll(/\$\{?(\w+)\}?/g)].map((m) => `$${m[1]}`))];
          const what = expanded.length > 0 ? `a secret made of literal text and ${expanded.join(', ')}, which whoever reads the repository and its pipelines can work out` : 'a literal secret';
          yield { line: entry.keyLine, message: `${owner} variable ${entry.key} holds ${what}.`, resource: owner, secret: String(value) };
        }
      }
    }
  },
});

/**
 * Official database and broker images read these variables when their container first
 * starts (POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD...): the prefix of the variable, and the
 * image names (or service aliases) that read it.
 */
const SERVICE_VARIABLES: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^(?:POSTGRES|POSTGRESQL)_/, /postgres|postgis|timescale/i],
  [/^(?:MYSQL|MARIADB)_/, /mysql|mariadb|percona/i],
  [/^MONGO(?:DB)?_/, /mongo/i],
  [/^(?:REDIS|VALKEY)_/, /redis|valkey/i],
  [/^RABBITMQ_/, /rabbitmq/i],
  [/^MINIO_/, /minio/i],
  [/^(?:ELASTIC|ELASTICSEARCH)_/, /elastic/i],
  [/^CLICKHOUSE_/, /clickhouse/i],
  [/^(?:MSSQL_SA_PASSWORD|SA_PASSWORD)$/, /mssql/i],
];

/**
 * Whether a service container (by its image's name, or its alias) reads a variable of a
 * scope of variableScopes at its start: a service of the job (of a job that extends it,
 * for a template; of any job, for the top level and the workflow), from its own
 * services:, those of a job it extends or default:'s.
 */
function serviceReads(p: Pipeline, owner: string, name: string): boolean {
  const images = SERVICE_VARIABLES.find(([variable]) => variable.test(name))?.[1];
  if (!images) return false;
  const job = owner.startsWith('job ') ? p.jobs.find((j) => `job ${j.name}` === owner) : undefined;
  if (owner.startsWith('job ') && !job) return false;
  const jobs = job ? p.jobs.filter((j) => j.node === job.node || extendsOrder(p, j.node).includes(job.node)) : p.jobs;
  const defaults = [p.root as YNode, get(p.root, 'default')].flatMap((node) => (node ? items(resolvedSetting(p, node, 'services')?.value) : []));
  const services = jobs.flatMap((j) => {
    const from = extendedSetting(p, j.node, 'services');
    return from ? items(resolvedSetting(p, from, 'services')?.value) : inheritsDefault(p, j.node, 'services') ? defaults : [];
  });
  for (const service of job ? services : [...services, ...defaults]) {
    const image = text(service) ?? text(get(service, 'name')) ?? '';
    const base = parseImage(image).name.split('/').pop() ?? '';
    const alias = text(get(service, 'alias')) ?? '';
    if (images.test(base) || alias.split(/[,\s]+/).some((a) => images.test(a))) return true;
  }
  return false;
}

const imageLatest = gitlabRule({
  id: 'iac/gitlab-image-latest',
  title: "CI image uses 'latest' or no tag",
  description: "A job or service image has the 'latest' tag or no tag, or a tag of the docker image that is a variant of latest (docker:dind, docker:dind-rootless, docker:cli, docker:git move to each new Docker release), or a tag that names a branch or channel rather than a version (main, master, nightly, edge, stable, lts...). An image whose registry or group is a variable but whose name is written out with no tag (`$CI_REGISTRY/group/img`, `${CI_REGISTRY_IMAGE}/builder`, `$CI_REGISTRY_IMAGE` itself) is untagged too; a tag or a whole image from a variable (`app:$TAG`, `$IMAGE`) may say anything and is not judged: the pipeline runs whatever the registry serves that day, with the job's credentials, and results are not reproducible.",
  remediation: 'Pin images to a version and digest: image: node:20.11.1@sha256:<digest>.',
  severity: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [
      pipeline('build:\n  # expect\n  image: node:latest\n  script:\n    - npm ci\n'),
      pipeline('build:\n  image:\n    # expect\n    name: alpine\n  script:\n    - make\n'), pipeline('test:\n  image: node:20.11.1\n  services:\n    - redis:7.2.4\n    # expect\n    - postgres:latest\n  script:\n    - npm test\n'),
      pipeline('notify:\n  # expect\n  image: "${CI_REGISTRY}/tools/notifier:latest"\n  script:\n    - notify\n'),
      // The docker image's dind tag is the newest release's.
      pipeline('build:\n  # expect\n  image: docker:cli\n  services:\n    # expect\n    - ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:dind\n  script:\n    - docker build .\n'),
      // Tags that name a branch or a channel, not a version.
      pipeline('build:\n  # expect\n  image: docker:stable\n  services:\n    # expect\n    - ${CI_REGISTRY}/tools/cache:main\n    # expect\n    - alpine:edge\n  script:\n    - docker build .\n'),
      pipeline('nightly:\n  # expect\n  image: rustlang/rust:nightly\n  script:\n    - cargo test\nlegacy:\n  # expect\n  image: registry.example.org/tools/builder:master\n  script:\n    - make\n'),
      // No tag after a registry or group that is a variable, and the project's own image, which GitLab gives untagged.
      pipeline('build:\n  # expect\n  image: $CI_REGISTRY/group/builder\n  services:\n    # expect\n    - name: ${CI_REGISTRY_IMAGE}/postgres\n      alias: db\n  script:\n    - make\ntest:\n  # expect\n  image: $CI_REGISTRY_IMAGE\n  script:\n    - make test\n'),
    ],
    negative: [
      pipeline('build:\n  image: node:20.11.1\n  script:\n    - npm ci\n'),
      // The VM image of a hosted macOS runner, here through a template.
      pipeline('.macos:\n  image: macos-15-xcode-16\n  tags:\n    - saas-macos-medium-m1\nbuild-mac:\n  extends: .macos\n  script:\n    - xcodebuild\n'),
      // The runner tag through a variable of the job, as tezos's generated pipelines write it.
      pipeline('build-mac:\n  image: macos-15-xcode-16\n  tags:\n    - $TAGS\n  variables:\n    TAGS: saas-macos-medium-m1\n  script:\n    - xcodebuild\n'),
      // The runner tag of default:, which every job takes.
      pipeline('default:\n  tags: [saas-macos-medium-m1]\nbuild-mac:\n  image: macos-15-xcode-16\n  script:\n    - xcodebuild\n'), pipeline('build:\n  image: ${CI_REGISTRY}/tools/builder:${BUILDER_VERSION}\n  services:\n    - ${POSTGRES_IMAGE}\n  script:\n    - make\n'),
      pipeline('build:\n  image: docker:27.1.2-cli\n  services:\n    - docker:27.1.2-dind\n    - registry.example.org/tools/docker:dind\n  script:\n    - docker build .\n'),
      // A tag, name or whole image from a variable whose value the file does not say, a version tag that contains a moving word, a digest.
      pipeline('build:\n  image: $CI_REGISTRY_IMAGE/builder:$CI_COMMIT_SHA\n  services:\n    - ${REGISTRY}/${SERVICE_NAME}\n    - $CI_REGISTRY/group/cache${SUFFIX}\n    - $IMAGE\n    - alpine:3.20-edge-fix\n    - $CI_REGISTRY/group/builder@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n  script:\n    - make\n'),
    ],
  },
  *check(p) {
    const owners: Array<{ owner: string; node: YNode }> = [{ owner: 'global', node: p.root }, ...p.jobs.filter((j) => !neverRuns(p, j)).map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode }))];
    const defaults = get(p.root, 'default');
    if (defaults) owners.push({ owner: 'default', node: defaults });
    // An image a `!reference` tag takes from a template of the file is reported once, as the first owner's.
    const seen = new Set<string>();
    for (const { owner, node } of owners) {
      const images: Array<{ ref: string | undefined; at: Pick<Hit, 'line' | 'detailLine'> }> = [];
      // On GitLab's hosted macOS runners `image:` names the VM image (macos-15-xcode-16), which has no tag or digest.
      const image = onMacosRunner(p, node) ? undefined : resolvedSetting(p, node, 'image');
      // An image a tag names is reported where the tag takes it from (on the tag's line when that is another file).
      const named = image && image.value !== pair(node, 'image')?.value ? image.value?.line : undefined;
      if (image) images.push(isYMap(image.value) ? { ref: stringValue(get(image.value, 'name')), at: { line: pair(image.value, 'name')?.keyLine ?? named ?? image.keyLine } } : { ref: stringValue(image.value), at: { line: named ?? image.keyLine } });
      const services = resolvedSetting(p, node, 'services');
      for (const service of items(services?.value))
        images.push(isYMap(service) ? { ref: stringValue(get(service, 'name')), at: { line: pair(service, 'name')?.keyLine ?? service.line } } : { ref: stringValue(service), at: listEntry(service.line) });
      for (const { ref, at } of images) {
        const problem = ref ? (pinProblem(ref) ?? (dockerLatestVariant(ref) ? 'latest-variant' : undefined) ?? untaggedTemplatedImage(ref)) : undefined;
        const key = `${at.line}\0${ref}`;
        if (problem && seen.has(key)) continue;
        seen.add(key);
        const why =
          problem === 'untagged'
            ? ' (no tag: latest)'
            : problem === 'latest-variant'
              ? ` (the ${parseImage(ref!).tag} tag follows the newest Docker release, as latest does)`
              : problem === 'moving-tag'
                ? ` (the ${parseImage(ref!).tag} tag names no version: it moves to whatever is pushed or released under it next)`
                : '';
        if (problem) yield { ...at, message: `${owner} uses ${ref}${detailNote(at)}${why}; pin a version and digest.`, resource: owner, image: ref! };
      }
    }
  },
});

/**
 * The Docker image's tags without a version (`docker:dind`, `docker:dind-rootless`,
 * `docker:cli`, `docker:git`) are variants of `latest`: they move to each new Docker
 * release. The image is Docker Hub's, also through a variable prefix such as the
 * dependency proxy's (`${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:dind`).
 */
function dockerLatestVariant(raw: string): boolean {
  const ref = parseImage(raw);
  if (ref.digest || !/^(?:dind|dind-rootless|cli|git)$/i.test(ref.tag ?? '')) return false;
  return /^(?:(?:docker\.io\/|index\.docker\.io\/)?(?:library\/)?|\$\{?\w+\}?\/)docker$/i.test(ref.name);
}

/**
 * What pinProblem leaves to a GitLab pipeline's judgement: an image with no tag whose
 * registry or group is a variable but whose name is written out
 * (`$CI_REGISTRY/group/img`, `${CI_REGISTRY_IMAGE}/builder`), or the project's own image
 * (`$CI_REGISTRY_IMAGE`, which GitLab gives without a tag). A tag or name that is a
 * variable (`app:$TAG`, `$IMAGE`) may say anything, and is not judged.
 */
function untaggedTemplatedImage(raw: string): 'untagged' | undefined {
  const ref = parseImage(raw);
  if (ref.digest || ref.tag !== undefined || !ref.templated) return undefined;
  if (/^\$\{?CI_REGISTRY_IMAGE\}?$/.test(ref.name)) return 'untagged';
  const slash = ref.name.lastIndexOf('/');
  const last = ref.name.slice(slash + 1);
  return slash > 0 && /^[\w][\w.-]*$/.test(last) ? 'untagged' : undefined;
}

const debugTrace = gitlabRule({
  id: 'iac/gitlab-debug-trace',
  title: 'CI debug trace enabled',
  description:
    'CI_DEBUG_TRACE set to "true" makes the runner print every command with every variable expanded, including masked secrets, into the job log that every project member can read. CI_DEBUG_SERVICES streams the service containers\' logs into the job log alongside the job output, which can defeat variable masking.',
  remediation: 'Remove the variable from the pipeline file; enable it temporarily from the UI for one run when debugging, and rotate any secret that was logged.',
  severity: 'high',
  cwe: ['CWE-532'],
  examples: {
    positive: [
      pipeline('variables:\n  # expect\n  CI_DEBUG_TRACE: "true"\n'),
      pipeline('test:\n  variables:\n    # expect\n    CI_DEBUG_SERVICES: "true"\n  services:\n    - postgres:16.2\n  script:\n    - make test\n'),
      pipeline('deploy:\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n      variables:\n        # expect\n        CI_DEBUG_TRACE: "true"\n  script:\n    - ./deploy.sh\n'),
    ],
    negative: [pipeline('variables:\n  CI_DEBUG_TRACE: "false"\n')],
  },
  *check(p) {
    for (const { owner, map } of variableScopes(p)) {
      for (const key of ['CI_DEBUG_TRACE', 'CI_DEBUG_SERVICES']) {
        const entry = pair(map, key);
        const { value } = variableValue(entry?.value ?? null);
        if (!entry || String(value).toLowerCase() !== 'true') continue;
        if (key === 'CI_DEBUG_TRACE') yield { line: entry.keyLine, message: `${owner} sets ${key}: every variable, secrets included, is printed to the job log.`, resource: owner };
        else yield { line: entry.keyLine, message: `${owner} sets ${key}: service container logs are streamed into the job log, where variable masking can fail.`, resource: owner, severity: 'medium' };
      }
    }
  },
});

/**
 * A Docker-in-Docker service: a docker:*dind image, an image whose name (often a
 * variable such as `${DOCKER_DIND_IMAGE}`) says dind, or a service aliased `docker`.
 */
function isDindService(service: YNode): boolean {
  const name = text(service) ?? text(get(service, 'name')) ?? '';
  return /(?:^|\/)docker:[\w.-]*dind/.test(name) || /dind/i.test(name) || text(get(service, 'alias'))?.split(/[,\s]+/).includes('docker') === true;
}

/** The name of a job of another file of the pipeline. */
function templateName(file: PipelineFile, node: YMap): string {
  return file.root.pairs.find((entry) => entry.value === node)?.key ?? 'a job';
}

function hasDind(p: Pipeline, node: YNode | undefined): boolean {
  const services = node ? resolvedSetting(p, node, 'services')?.value : undefined;
  // `services: docker:dind` (one string) is invalid for GitLab but says what the author meant.
  return (isYScalar(services) ? [services] : items(services)).some(isDindService);
}

/**
 * A Docker daemon address on the plain-TCP port 2375 set in a script: `DOCKER_HOST=` as a
 * command of its own (after `export`, at the start of a line or after `;`/`&&`/`||`), or
 * the `-H`/`--host` option of docker. A commented-out line is not a command.
 */
const PLAIN_DOCKER_HOST = /(?:^|[;&|]|\bdocker\s)[ \t]*(?:(?:export|declare\s+-x)[ \t]+)?(?:DOCKER_HOST=|(?:-H|--host)(?:[ \t]+|=))["']?tcp:\/\/[^\s"'/]+:2375\/?["']?(?=[\s;&|)]|$)/gm;

const dindWithoutTls = gitlabRule({
  id: 'iac/gitlab-dind-without-tls',
  title: 'Docker daemon without TLS in CI',
  description:
    'A docker:dind service runs with TLS turned off (DOCKER_TLS_CERTDIR: "", or the daemon flag `command: ["--tls=false"]`), or a job talks to a Docker daemon on tcp port 2375 (DOCKER_HOST in variables:, or set in its script: `export DOCKER_HOST=tcp://docker:2375`, `docker -H tcp://docker:2375`), which is plain TCP without TLS or authentication. The Docker API is root on the host that runs the daemon, and anything that can reach the port (other containers on the job network, other pods of a Kubernetes runner) can drive it. The services and variables of a job are read as GitLab merges them: through `extends` variables key by key and services as a whole list (the services a job writes replace the list of its template), also from a template of another file of the pipeline in the scan (a local include, or the file that includes this one; a variable such a template sets is reported on the `extends:` of the job that takes it), and default: services unless `inherit: default` leaves them out.',
  remediation: 'Keep DOCKER_TLS_CERTDIR: "/certs" and DOCKER_HOST: tcp://docker:2376 with DOCKER_TLS_VERIFY, or build images without a daemon (kaniko, buildah, BuildKit rootless).',
  severity: 'medium',
  cwe: ['CWE-319'],
  examples: {
    positive: [
      pipeline('build:\n  image: docker:27.1\n  services:\n    - docker:27.1-dind\n  variables:\n    # expect\n    DOCKER_TLS_CERTDIR: ""\n  script:\n    - docker build .\n'),
      pipeline('.dind:\n  services:\n    - name: ${DOCKER_DIND_IMAGE}\n      alias: docker\nbuild:\n  extends: .dind\n  variables:\n    # expect\n    DOCKER_TLS_CERTDIR: ""\n    # expect\n    DOCKER_HOST: tcp://docker:2375\n  script:\n    - docker build .\n'),
      pipeline('variables:\n  # expect\n  DOCKER_HOST: tcp://builder.example.org:2375\nbuild:\n  script:\n    - docker build .\n'),
      // The template's variables are merged into the job that extends it, which runs dind.
      pipeline('.docker-vars:\n  variables:\n    # expect\n    DOCKER_TLS_CERTDIR: ""\nbuild:\n  extends: .docker-vars\n  services:\n    - docker:27.1-dind\n  script:\n    - docker build .\n'),
      // The address set in the job's script rather than in variables:.
      pipeline('build:\n  services:\n    - docker:27.1-dind\n  # expect\n  script:\n    # detail\n    - export DOCKER_HOST=tcp://docker:2375\n    - docker build .\n'),
      pipeline('build:\n  # expect\n  script:\n    - |\n      docker info\n      # detail\n      docker -H tcp://docker:2375 build -t app .\n'),
      // The daemon started with TLS off by its own flag, in a template the job extends (reported once).
      pipeline('.dind:\n  services:\n    - name: docker:27.1-dind\n      alias: docker\n      # expect\n      command: ["--tls=false"]\nbuild:\n  extends: .dind\n  script:\n    - docker build .\n'),
    ],
    negative: [
      pipeline('build:\n  image: docker:27.1\n  services:\n    - docker:27.1-dind\n  variables:\n    DOCKER_TLS_CERTDIR: "/certs"\n  script:\n    - docker build .\n'),
      // No daemon in the pipeline: an empty DOCKER_TLS_CERTDIR changes nothing.
      pipeline('variables:\n  DOCKER_TLS_CERTDIR: ""\nlint:\n  image: node:20.11.1\n  script:\n    - npm run lint\n'),
      // A job's services replace those of the template it extends (lists are not merged), and inherit: default keeps default: services out.
      pipeline('.dind:\n  services:\n    - docker:27.1-dind\ntest:\n  extends: .dind\n  services:\n    - postgres:16.2\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script:\n    - make test\n'),
      pipeline('default:\n  services:\n    - docker:27.1-dind\nlint:\n  inherit:\n    default: [image, before_script]\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script:\n    - make lint\n'),
      // The TLS port in the script, and the plain one only in a comment or an echo.
      pipeline('build:\n  services:\n    - docker:27.1-dind\n  script:\n    - export DOCKER_HOST=tcp://docker:2376 DOCKER_TLS_VERIFY=1\n    - \'# export DOCKER_HOST=tcp://docker:2375\'\n    - echo "not DOCKER_HOST=tcp://docker:2375"\n    - docker build .\n'),
      pipeline('build:\n  services:\n    - name: docker:27.1-dind\n      command: ["--registry-mirror=https://mirror.example.org", "--tls=true"]\n  script:\n    - docker build .\n'),
    ],
  },
  *check(p) {
    const defaultDind = hasDind(p, p.root) || hasDind(p, get(p.root, 'default'));
    // The services a job runs with, as GitLab merges them: its own, else those of the first job it extends that has some
    // (a list is replaced whole, never merged), else default:'s unless `inherit: default` keeps them out.
    const jobDind = (job: YMap) => {
      const from = extendedSetting(p, job, 'services');
      return from ? hasDind(p, from) : defaultDind && inheritsDefault(p, job, 'services');
    };
    const reported = new Set<string>();
    for (const { owner, map } of variableScopes(p)) {
      const job = p.jobs.find((j) => `job ${j.name}` === owner);
      const dind = job ? jobDind(job.node) : defaultDind || p.jobs.some((j) => jobDind(j.node));
      const certdir = pair(map, 'DOCKER_TLS_CERTDIR');
      if (dind && certdir && variableValue(certdir.value).value === '') {
        reported.add(`${certdir.keyLine}`);
        yield { line: certdir.keyLine, message: `${owner} turns TLS off for the Docker-in-Docker daemon.`, resource: owner };
      }
      // Port 2375 is the daemon's plain-TCP port whichever daemon it is: dind, or a remote build host.
      const host = pair(map, 'DOCKER_HOST');
      if (host && /^tcp:\/\/[^/]+:2375\/?$/.test(String(variableValue(host.value).value ?? ''))) yield { line: host.keyLine, message: `${owner} talks to the Docker daemon on the unencrypted, unauthenticated port 2375.`, resource: owner };
    }
    // The same address set in a job's script: `export DOCKER_HOST=tcp://docker:2375`, or `docker -H tcp://docker:2375 ...`.
    for (const { owner, scalar, text: script, keyLine } of pipelineScripts(p)) {
      for (const match of script.matchAll(PLAIN_DOCKER_HOST)) {
        const at = inside(keyLine, lineOf(p, scalar, match.index + match[0].search(/\S/)));
        yield { ...at, message: `${owner} talks to the Docker daemon on the unencrypted, unauthenticated port 2375${detailNote(at)}.`, resource: owner };
      }
    }
    // A template's variables are merged into the jobs that extend it: DOCKER_TLS_CERTDIR: "" written in a template
    // without dind turns TLS off for a job that extends it and runs dind (reported once, on the template's line).
    // So does one a YAML alias copies into a job with dind, which variableScopes read as an earlier scope's.
    // A template of another file of the pipeline is reported on the `extends:` of the job that takes it, in this file.
    for (const job of p.jobs) {
      const inherited = extendedVariable(p, job.node, 'DOCKER_TLS_CERTDIR');
      if (!inherited || variableValue(inherited.pair.value).value !== '' || !jobDind(job.node)) continue;
      const file = jobFile(p, inherited.from);
      const line = file ? (pair(job.node, 'extends')?.keyLine ?? job.line) : inherited.pair.keyLine;
      const key = file ? `${line}\0${file.path}:${inherited.pair.keyLine}` : `${line}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const template = inherited.from === job.node ? undefined : file ? `${templateName(file, inherited.from)} of ${file.path}:${inherited.pair.keyLine}` : (p.jobs.find((j) => j.node === inherited.from)?.name ?? 'a job it extends');
      yield { line, message: `job ${job.name} turns TLS off for the Docker-in-Docker daemon${template ? ` (DOCKER_TLS_CERTDIR from ${template}, which it extends)` : ''}.`, resource: `job ${job.name}` };
    }
    // The daemon's own flags: `command: ["--tls=false"]` on a dind service (of the file, default: or a job), reported once on its line.
    const owners: Array<{ owner: string; node: YNode | undefined }> = [
      { owner: 'global', node: p.root },
      { owner: 'default', node: get(p.root, 'default') },
      ...p.jobs.filter((j) => !neverRuns(p, j)).map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode })),
    ];
    for (const { owner, node } of owners) {
      for (const service of items(node ? resolvedSetting(p, node, 'services')?.value : undefined)) {
        const command = isYMap(service) && isDindService(service) ? pair(service, 'command') : undefined;
        const off = command ? (isYScalar(command.value) ? [command.value] : items(command.value)).find((flag) => /^--tls=(?:false|0)$/.test(text(flag) ?? '')) : undefined;
        if (!command || !off || reported.has(`command ${command.keyLine}`)) continue;
        reported.add(`command ${command.keyLine}`);
        yield { line: command.keyLine, message: `${owner} starts the Docker-in-Docker daemon with ${text(off)}: its API listens on port 2375 without TLS or authentication.`, resource: owner };
      }
    }
  },
});

const tlsDisabled = gitlabRule({
  id: 'iac/gitlab-tls-verification-disabled',
  title: 'TLS or signature verification disabled in CI',
  description: 'A job turns off certificate or package signature verification (curl -k, GIT_SSL_NO_VERIFY, pip --trusted-host, apt --allow-unauthenticated, PowerShell\'s -SkipCertificateCheck or a ServerCertificateValidationCallback that returns $true...). PowerShell\'s switches (`$env:GIT_SSL_NO_VERIFY = "true"`, -SkipCertificateCheck, the callback) count where PowerShell reads them: in a job on a Windows runner, or in the text a Linux job hands to pwsh (`pwsh -Command "..."`); elsewhere a POSIX shell reads them as text. A network attacker can then feed the pipeline, which holds deploy credentials, whatever they like. A package signing key fetched over plain http:// and installed as trusted (`wget -qO - http://... | apt-key add -`, `| gpg --dearmor -o /usr/share/keyrings/x.gpg`, `rpm --import http://...`) defeats the signature checks of every package installed after it, as anyone on the network path can sign them; a key fetched over https, or a script that checks a fingerprint or signature itself (gpg --fingerprint, gpg --verify), is not reported. So is one fetched from a keyserver in plain text (hkp:// on any port, http://, or a bare name, which gpg reaches over hkp) by a short or long key id (`apt-key adv --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys 7EA0A9C3`), as anyone can make a key that carries that id; by its full 40-hex fingerprint, which gpg checks on receipt, it is not reported. The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines.',
  remediation: 'Keep verification on; add a private CA to the image trust store (or CI_SERVER_TLS_CA_FILE) instead.',
  severity: 'high',
  cwe: ['CWE-295', 'CWE-494'],
  examples: {
    positive: [
      pipeline('build:\n  # expect\n  script:\n    # detail\n    - curl -k -o tool https://example.org/tool\n'),
      // A signing key fetched over plain http and trusted.
      pipeline('build:\n  # expect\n  script:\n    # detail\n    - rpm --import http://example.org/RPM-GPG-KEY-example\n'),
      pipeline('build:\n  # expect\n  script:\n    - |\n      # detail\n      curl -fsSL \\\n        --insecure -o tool https://example.org/tool\n'),
      pipeline('build:\n  # expect\n  script:\n    # detail\n    - apt-key adv --keyserver keyserver.example.org --recv-keys 0x0123456789ABCDEF\n'),
      pipeline('variables:\n  # expect\n  GIT_SSL_NO_VERIFY: "1"\n'),
      // PowerShell, on a Windows runner.
      pipeline('package:\n  tags: [windows]\n  # expect\n  script:\n    # detail\n    - Invoke-RestMethod -Uri https://example.org/api/upload -Method Post -InFile pkg.zip -SkipCertificateCheck\n'),
      pipeline('package:\n  tags: [windows]\n  # expect\n  script:\n    # detail\n    - "[System.Net.ServicePointManager]::ServerCertificateValidationCallback = { $true }"\n    - Invoke-WebRequest -Uri https://example.org/pkg.zip -OutFile pkg.zip\n'),
      // A Linux job's pwsh reads its -Command text as PowerShell.
      pipeline('smoke:\n  # expect\n  script:\n    # detail\n    - pwsh -NoProfile -Command "Invoke-RestMethod -Uri https://example.org/health -SkipCertificateCheck"\n'),
    ],
    negative: [
      pipeline('build:\n  script:\n    - curl -fsSL -o tool https://example.org/tool\n'),
      // A key over https, or over http with its fingerprint checked.
      pipeline('build:\n  script:\n    - rpm --import https://example.org/RPM-GPG-KEY-example\n    - curl -fsSL http://example.org/key.asc -o /etc/apt/keyrings/example.asc\n    - gpg --show-keys --with-fingerprint /etc/apt/keyrings/example.asc | grep -q 0123456789ABCDEF0123456789ABCDEF01234567\n'),
      // A callback that checks something is not reported.
      pipeline('package:\n  tags: [windows]\n  script:\n    - "[System.Net.ServicePointManager]::ServerCertificateValidationCallback = { param($s, $c) $c.Thumbprint -eq $env:PINNED_THUMBPRINT }"\n    - Invoke-WebRequest -Uri https://example.org/pkg.zip -OutFile pkg.zip\n'),
      // PowerShell's switches in a Linux job's shell are text: a lint that forbids them, a hint printed.
      pipeline('lint:\n  script:\n    - \'! grep -rn -e "Invoke-WebRequest .* -SkipCertificateCheck" scripts/\'\n    - echo "On Windows runners, $env:GIT_SSL_NO_VERIFY = true is not allowed either"\n'),
    ],
  },
  *check(p) {
    const scripts = [...pipelineScripts(p)];
    for (const script of scripts) {
      const { owner, scalar, keyLine } = script;
      const job = scripts.filter((other) => other.owner === owner).map((other) => other.text).join('\n');
      for (const hit of verificationOff(script.text, scriptDialect(p, script), job)) {
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
  },  scripts: VERIFICATION_OFF_IN_SCRIPT,
});

const remoteInclude = gitlabRule({
  id: 'iac/gitlab-unpinned-include',
  title: 'Pipeline includes configuration that can change under it',
  description:
    "include: remote fetches pipeline configuration from a URL at every run (unless an integrity: hash or a commit SHA in the URL fixes its content), include: project without ref follows a moving branch (and a short commit SHA loses to a branch or tag of the same name), and include: component at a branch, `~latest` or a partial version (`1`, `1.2`) takes whatever is released or pushed next. Whoever controls that URL, branch or component project can add jobs that run with this project's CI/CD variables. An include of this project ($CI_PROJECT_PATH) at the pipeline's own commit or ref ($CI_COMMIT_SHA, $CI_COMMIT_REF_NAME) is the pipeline's own configuration and is not reported.",
  remediation:
    'Include project templates with a ref pinned to a tag or full commit SHA (include: project/ref/file), components at a full version or commit SHA (component: host/group/project/name@1.4.2), and remote files with integrity: sha256-... or a commit SHA in the URL; or vendor the template into this repository.',
  severity: 'medium',
  cwe: ['CWE-829'],
  examples: {
    positive: [pipeline('include:\n  # expect\n  - remote: https://example.org/ci/template.yml\n'), pipeline('include:\n  - local: /ci/test.yml\n  # expect\n  - https://example.org/ci/template.yml\n'), pipeline('include:\n  # expect\n  - project: platform/ci-templates\n    file: /build.yml\n'),
      pipeline('include:\n  # expect\n  - component: gitlab.example.org/platform/ci-components/release@main\n  # expect\n  - component: $CI_SERVER_FQDN/platform/ci-components/lint@~latest\n  # expect\n  - component: $CI_SERVER_FQDN/platform/ci-components/test@1.4\n'),
      pipeline("include:\n  # expect\n  - project: platform/ci-templates\n    ref: '3f7c2a9d'\n    file: /build.yml\n"),
    ],
    negative: [
      pipeline('include:\n  - project: platform/ci-templates\n    ref: 3f7c2a9d1e8b4c6a5f0e2d9c8b7a6f5e4d3c2b1a\n    file: /build.yml\n  - local: /ci/test.yml\n'),
      // The pipeline's own commit or ref (GitLab's way to test a component in its project), a pre-release tag.
      pipeline('include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/lint@$CI_COMMIT_SHA\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/test@$CI_COMMIT_REF_NAME\n  - project: $CI_PROJECT_PATH\n    ref: $CI_COMMIT_REF_NAME\n    file: /ci/jobs.yml\n  - project: platform/ci-templates\n    ref: v2.3.1-rc.1\n    file: /build.yml\n'),
      pipeline('include:\n  - component: $CI_SERVER_FQDN/platform/ci-components/lint@1.4.2\n  - component: gitlab.example.org/platform/ci-components/release@3f7c2a9d1e8b4c6a5f0e2d9c8b7a6f5e4d3c2b1a\n    inputs:\n      stage: deploy\n'),
      pipeline(
        'include:\n  - remote: https://gitlab.example.org/platform/ci-templates/-/raw/3f7c2a9d1e8b4c6a5f0e2d9c8b7a6f5e4d3c2b1a/build.yml\n  - remote: https://ci.example.org/templates/test.yml\n    integrity: sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
      ),
    ],
  },
  *check(p) {
    for (const { entry, url, at } of remoteIncludes(p)) {
      if (pinnedUrl(url) || get(entry, 'integrity')) continue;
      yield { ...at, message: `The pipeline includes remote configuration from ${url}${detailNote(at)} at every run; pin it with integrity: or a commit SHA in the URL.` };
    }
    for (const entry of includeEntries(p)) {
      if (!isYMap(entry)) continue;
      const project = text(get(entry, 'project'));
      const ref = text(get(entry, 'ref'));
      if (project && (!ref || !pinned(ref)) && !(THIS_PROJECT.test(project) && ref !== undefined && THIS_REF.test(ref))) {
        const short = ref !== undefined && SHORT_SHA.test(ref);
        yield {
          line: entry.line,
          message: short
            ? `The pipeline includes ${project} at the short commit SHA ${ref}; a branch or tag of that name in ${project} takes precedence over it, so pin the full 40-character SHA.`
            : `The pipeline includes ${project}${ref ? `@${ref}` : ''} from a moving ref; pin a tag or commit SHA.`,
          ...(short ? { severity: 'low' as const } : {}),
        };
      }
      // `host/group/project/name@version`: a branch, `~latest` or a partial version (1, 1.2) moves.
      const component = text(get(entry, 'component'));
      if (component) {
        const at = component.lastIndexOf('@');
        const version = at >= 0 ? component.slice(at + 1) : '';
        const own = THIS_PROJECT.test(component.slice(0, at).split('/').slice(1, -1).join('/')) && THIS_REF.test(version);
        if (!pinned(version) && !own)
          yield {
            line: pair(entry, 'component')!.keyLine,
            message: `The pipeline includes the component ${at >= 0 ? component.slice(0, at) : component}${version ? ` at ${version}, a moving version` : ' with no version'}; pin a full version (x.y.z) or a commit SHA.`,
          };
      }
    }
  },
});

const includeOverHttp = gitlabRule({
  id: 'iac/gitlab-include-over-http',
  title: 'Pipeline configuration included over plain HTTP',
  description:
    'include: remote (or a bare URL in include:) fetches pipeline configuration over http://. Anyone on the network path between the GitLab server and that host can change the jobs it defines, and those jobs run with this project\'s CI/CD variables and deploy credentials.',
  remediation: 'Fetch the file over https:// and pin it (integrity: sha256-..., or a commit SHA in the URL), or vendor it into this repository and include it with include: local.',
  severity: 'high',
  cwe: ['CWE-319', 'CWE-829'],
  examples: {
    positive: [pipeline('include:\n  # expect\n  - remote: http://ci.example.org/templates/build.yml\n'), pipeline('include:\n  # expect\n  - http://ci.example.org/templates/build.yml\n  - local: /ci/test.yml\n')],
    negative: [
      pipeline('include:\n  - remote: https://ci.example.org/templates/build.yml\n  - local: /ci/http.yml\n'),
      // The content is checked against the hash whatever the transport.
      pipeline('include:\n  - remote: http://ci.example.org/templates/build.yml\n    integrity: sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n'),
    ],
  },
  *check(p) {
    for (const { entry, url, at } of remoteIncludes(p)) {
      if (/^http:\/\//i.test(url) && !get(entry, 'integrity')) yield { ...at, message: `The pipeline includes configuration from ${url}${detailNote(at)} over plain HTTP.` };
    }
  },
});

/** The entries of the top-level `include:` (one entry or a list). */
function includeEntries(p: Pipeline): YNode[] {
  const include = get(p.root, 'include');
  return isYSeq(include) ? include.items : include ? [include] : [];
}

/** `include:` entries that fetch a URL: `- https://...` or `- remote: https://...`, with the line to report. */
function* remoteIncludes(p: Pipeline): Generator<{ entry: YNode; url: string; at: Pick<Hit, 'line' | 'detailLine'> }> {
  for (const entry of includeEntries(p)) {
    const url = isYScalar(entry) ? text(entry) : text(get(entry, 'remote'));
    if (!url || !/^https?:\/\//i.test(url)) continue;
    // A plain URL entry is part of the include list; a `remote:` entry is a setting of its own.
    yield { entry, url, at: isYScalar(entry) ? listEntry(entry.line) : { line: pair(entry, 'remote')!.keyLine } };
  }
}

// The same versions count as pinned for project refs and component versions: a commit SHA or a full x.y.z tag.
// A full version may carry a pre-release or build suffix (1.4.2-rc1): still one tag. `$CI_COMMIT_SHA` is the pipeline's own commit.
const pinned = (ref: string) => /^(?:[0-9a-f]{40}|v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?|\$CI_COMMIT_SHA|\$\{CI_COMMIT_SHA\})$/.test(ref);
/** This project, as a variable names it: an include of it at the pipeline's own ref or commit is the pipeline's own configuration. */
const THIS_PROJECT = /^\$\{?CI_PROJECT_PATH\}?$/;
const THIS_REF = /^\$\{?CI_COMMIT_(?:SHA|REF_NAME|BRANCH)\}?$/;
const SHORT_SHA = /^[0-9a-f]{7,39}$/;

/**
 * A URL that names one commit: a 40-hex path segment (`/-/raw/<sha>/file.yml` on GitLab,
 * `raw.githubusercontent.com/owner/repo/<sha>/file.yml`). What it serves cannot change
 * unless the host itself is compromised.
 */
function pinnedUrl(url: string): boolean {
  const path = url.replace(/^https?:\/\/[^/]+/i, '').split(/[?#]/)[0]!;
  return path.split('/').some((segment) => /^[0-9a-f]{40}$/i.test(segment));
}

export const gitlabRules: readonly PipelineRule[] = [curlPipeShell, downloadUnverified, secretInVariables, imageLatest, debugTrace, dindWithoutTls, tlsDisabled, remoteInclude, includeOverHttp, ...exposureRules, ...injectionRules];

export const gitlabPlatform: PlatformRules<Pipeline> = {
  platform: 'gitlab-ci',
  parse: readPipeline,
  rules: gitlabRules,
  localScripts: (p) => gitlabScriptRuns(p, (job) => runFixes(p, job), (owner) => scriptDialect(p, owner)),
};

import { isDockerfileName } from '../iac/detect.js';
import { baseImage, builtInSet, readDockerfile, templateLine } from '../iac/dockerfile/model.js';
import { dockerfilesBuiltFrom } from '../iac/dockerfile/tree.js';
import { parseImage, pinProblem } from '../iac/image.js';
import { commandsOf, effectiveWords } from '../iac/shell.js';
import { readWorkflow, lineOfOffset } from '../iac/github/model.js';
import { findZizmorSuppression, zizmorSuppressions } from '../iac/github/zizmor-ignore.js';
import { pipelineScripts, readPipeline } from '../iac/gitlab/rules.js';
import { isYMap, isYScalar, pair, type YMap } from '../iac/yaml/tree.js';
import { anchorFile, lineOfMatch, yamlRoot, type PostureHit, type PostureRule, type Repo } from './rule.js';
import { dependabotCooldown, dependabotExecution } from './dependabot-rules.js';
import { externalCi, gitlabCiFileRoles, gitlabCiFiles, GITLAB_CI, isCiFile, LOCAL_ACTION, OTHER_CI, PRE_COMMIT, WORKFLOW } from './ci.js';

const SECURITY_POLICY = /^(?:\.github\/|docs\/)?security\.(?:md|markdown|rst|txt|adoc)$/i;
const CODEOWNERS = /^(?:\.github\/|docs\/|\.gitlab\/)?CODEOWNERS$/;
/** A CODEOWNERS file where neither GitHub nor GitLab looks for it (deeper in .github/ or .gitlab/, or one folder down); not a vendored project's. */
const MISPLACED_CODEOWNERS = /^(?:\.github\/.+|\.gitlab\/.+|[^/]+)\/CODEOWNERS$/;
/** Kubernetes' Prow reads OWNERS files: approvers must approve a change (its /approve). */
const PROW_OWNERS = /^OWNERS$/;
/** Kubernetes projects name their security contacts and point to the project's policy. */
const SECURITY_CONTACTS = /^SECURITY_CONTACTS$/;
export const DEPENDABOT = /^\.github\/dependabot\.ya?ml$/;
const RENOVATE = /^(?:\.github\/|\.gitlab\/)?(?:renovate\.json5?|\.renovaterc(?:\.json5?)?)$/;
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];

/** Paths the posture rules read; the scanner's `wants` is built from this. */
export function isPostureFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return (
    SECURITY_POLICY.test(path) ||
    CODEOWNERS.test(path) ||
    MISPLACED_CODEOWNERS.test(path) ||
    PROW_OWNERS.test(path) ||
    SECURITY_CONTACTS.test(path) ||
    DEPENDABOT.test(path) ||
    RENOVATE.test(path) ||
    isCiFile(path) ||
    /^readme(?:\.[a-z]+)?$/i.test(path) ||
    name === 'package.json' ||
    name === '.npmrc' ||
    path === '.yarnrc.yml' ||
    LOCKFILES.includes(name) ||
    isDockerfileName(path)
  );
}

function paths(repo: Repo, pattern: RegExp): string[] {
  return [...repo.files.keys()].filter((p) => pattern.test(p)).sort();
}

function* atAnchor(repo: Repo, message: string): Generator<PostureHit> {
  const path = anchorFile(repo);
  if (path) yield { path, line: 1, message };
}

const securityPolicy: PostureRule = {
  id: 'posture/no-security-policy',
  title: 'No security policy',
  description:
    'The repository has no SECURITY.md (at the root, in .github/ or docs/) and no SECURITY_CONTACTS file (Kubernetes projects\' pointer to their project\'s policy). People who find a vulnerability do not know how to report it privately, so reports end up in public issues, or nowhere (OpenSSF Scorecard: Security-Policy).',
  remediation: 'Add SECURITY.md saying how to report a vulnerability privately (an address or GitHub private vulnerability reporting), which versions are supported and what reporters can expect.',
  severity: 'low',
  cwe: ['CWE-1059'],
  tags: ['posture', 'scorecard:Security-Policy'],
  examples: {
    positive: [{ files: { 'README.md': '# app\n', 'package.json': '{}' } }],
    negative: [
      { files: { 'README.md': '# app\n', 'SECURITY.md': 'Report to security@example.org\n' } },
      { files: { '.github/SECURITY.md': 'x' } },
      { files: { 'README.md': '# app\n', SECURITY_CONTACTS: '# DO NOT REPORT SECURITY VULNERABILITIES DIRECTLY TO THESE NAMES, FOLLOW THE\n# INSTRUCTIONS AT https://example.org/security/\n\nalice\n' } },
    ],
  },
  *check(repo) {
    if (paths(repo, SECURITY_POLICY).length > 0 || paths(repo, SECURITY_CONTACTS).length > 0) return;
    yield* atAnchor(
      repo,
      'No SECURITY.md tells people how to report a vulnerability privately (a SECURITY.md in the owner\'s .github repository, which GitHub shows for every repository of the organisation, is not visible here).',
    );
  },
};

const dependencyUpdates: PostureRule = {
  id: 'posture/no-dependency-update-tool',
  title: 'No automated dependency updates',
  description:
    'Neither Dependabot nor Renovate is configured, so dependency and action updates (including security fixes) only happen when someone remembers. Known vulnerabilities then stay in production for months (Scorecard: Dependency-Update-Tool).',
  remediation: 'Add .github/dependabot.yml (ecosystems npm, github-actions, docker...) or a renovate.json, and review the pull requests they open.',
  severity: 'low',
  cwe: ['CWE-1104'],
  tags: ['posture', 'scorecard:Dependency-Update-Tool'],
  examples: {
    positive: [{ files: { 'package.json': '{"dependencies": {"a": "1.0.0"}}' } }],
    negative: [
      { files: { 'package.json': '{}', '.github/dependabot.yml': 'version: 2\n' } },
      { files: { 'package.json': '{}', 'renovate.json': '{}' } },
      { files: { 'package.json': '{"renovate": {"extends": ["config:recommended"]}}' } },
    ],
  },
  *check(repo) {
    if (paths(repo, DEPENDABOT).length > 0 || paths(repo, RENOVATE).length > 0) return;
    const manifest = repo.files.get('package.json');
    if (manifest && /"renovate"\s*:/.test(manifest)) return;
    yield* atAnchor(repo, 'No Dependabot or Renovate configuration keeps dependencies up to date.');
  },
};

const codeOwners: PostureRule = {
  id: 'posture/no-codeowners',
  title: 'No CODEOWNERS file',
  description:
    'Without CODEOWNERS (or the OWNERS files with approvers that Prow enforces), changes to sensitive paths (CI workflows, deployment configuration, authentication code) do not automatically require review by the people responsible for them, and branch protection cannot enforce it.',
  remediation: 'Add .github/CODEOWNERS (or CODEOWNERS at the root) assigning owners at least for .github/, infrastructure and security-sensitive code, and require code-owner review in branch protection.',
  severity: 'info',
  cwe: ['CWE-1068'],
  tags: ['posture', 'scorecard:Code-Review'],
  examples: {
    positive: [
      { files: { 'README.md': '# app\n' } },
      // GitHub reads CODEOWNERS only at the root, in .github/ or docs/.
      { files: { 'README.md': '# app\n', '.github/workflows/CODEOWNERS': '* @example-org/team\n' } },
      // An OWNERS file that only lists maintainers, not Prow's approvers.
      { files: { 'README.md': '# app\n', OWNERS: 'maintainers:\n  - alice\n' } },
    ],
    negative: [
      { files: { 'README.md': '# app\n', '.github/CODEOWNERS': '* @team\n' } },
      { files: { 'README.md': '# app\n', OWNERS: '# See the OWNERS docs at https://example.org/owners\napprovers:\n  - alice\nreviewers:\n  - bob\n' } },
    ],
  },
  *check(repo) {
    if (paths(repo, CODEOWNERS).length > 0) return;
    // Prow (Kubernetes and its neighbours) requires an approver from the OWNERS files for every change.
    const owners = repo.files.get('OWNERS');
    if (owners !== undefined && /^(?:approvers|filters):/m.test(owners)) return;
    const misplaced = paths(repo, MISPLACED_CODEOWNERS);
    if (misplaced.length > 0) {
      const path = misplaced[0]!;
      yield { path, line: 1, message: `${path} is not read: GitHub looks for CODEOWNERS only at the root, in .github/ or in docs/ (GitLab: the root, .gitlab/ or docs/), so no reviewers are assigned; move it there.` };
      return;
    }
    yield* atAnchor(repo, 'No CODEOWNERS file assigns reviewers to sensitive paths.');
  },
};

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

function manifestDependencies(manifest: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field];
    if (deps && typeof deps === 'object') for (const [name, range] of Object.entries(deps)) if (typeof range === 'string') out.set(name, range);
  }
  return out;
}

function dirOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at + 1);
}

function lockfileFor(repo: Repo, manifestPath: string): string | undefined {
  // Workspace packages share the lockfile of an enclosing directory.
  let dir = dirOf(manifestPath);
  for (;;) {
    const found = LOCKFILES.map((name) => dir + name).find((p) => repo.files.has(p) || repo.tracked?.includes(p));
    if (found) return found;
    if (dir === '') return undefined;
    dir = dirOf(dir.slice(0, -1));
  }
}

/** The .npmrc (next to the manifest, or at the root) that turns npm's lockfile off, if any. */
function lockfileTurnedOff(repo: Repo, manifestPath: string): string | undefined {
  return [`${dirOf(manifestPath)}.npmrc`, '.npmrc'].find((p) => /^\s*package-lock\s*=\s*false\s*$/m.test(repo.files.get(p) ?? ''));
}

/** Manifests that are test data (a sample app a test packages), not a project this repository installs. */
const FIXTURE_DIR = /(?:^|\/)(?:fixtures?|__fixtures__|testdata|test-data)\//;

const noLockfile: PostureRule = {
  id: 'posture/no-lockfile',
  title: 'Dependencies without a lockfile',
  description:
    'package.json declares dependencies but no lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml) pins them. Every install resolves versions anew, so builds differ between machines, and a malicious new release of any direct or transitive dependency is installed without review. Manifests under fixtures/ or testdata/ are test data and not judged; a lockfile turned off on purpose (package-lock=false in .npmrc, common for libraries) is reported at info.',
  remediation: 'Commit the lockfile (npm install --package-lock-only) and install with npm ci / yarn install --frozen-lockfile / pnpm install --frozen-lockfile in CI.',
  severity: 'low',
  cwe: ['CWE-1357'],
  tags: ['posture', 'scorecard:Pinned-Dependencies'],
  examples: {
    positive: [{ files: { 'package.json': '{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.19.0"\n  }\n}\n' } }],
    negative: [
      { files: { 'package.json': '{"dependencies": {"express": "^4.19.0"}}', 'package-lock.json': '{}' } },
      { files: { 'package.json': '{"name": "tool"}' } },
      { files: { 'packages/a/package.json': '{"dependencies": {"x": "1"}}', 'pnpm-lock.yaml': 'lockfileVersion: 9.0\n' } },
      // A sample app that a test packages.
      { files: { 'examples/fixtures/node-app/package.json': '{"dependencies": {"requests": "^1.0.0"}}' } },
    ],
  },
  *check(repo) {
    for (const path of paths(repo, /(?:^|\/)package\.json$/)) {
      const text = repo.files.get(path)!;
      const manifest = parseJson(text);
      if (!manifest || manifestDependencies(manifest).size === 0) continue;
      if (lockfileFor(repo, path) || FIXTURE_DIR.test(path)) continue;
      const line = lineOfMatch(text, /"(?:dependencies|devDependencies|optionalDependencies)"\s*:/);
      const npmrc = lockfileTurnedOff(repo, path);
      if (npmrc)
        yield {
          path,
          line,
          severity: 'info',
          message: `${path} has no lockfile on purpose (package-lock=false in ${npmrc}), as many libraries do since their users never install from it; the project's own CI and releases then build with whatever versions are newest that day.`,
        };
      else yield { path, line, message: `${path} declares dependencies but no lockfile pins their versions.` };
    }
  },
};

const lockfileDrift: PostureRule = {
  id: 'posture/lockfile-out-of-sync',
  title: 'Lockfile does not match package.json',
  description:
    'package-lock.json records different dependencies than package.json (added, removed or changed ranges). `npm ci` refuses such a lockfile, and `npm install` silently re-resolves, so what was reviewed is not what gets installed. Manifests under fixtures/ or testdata/ are test data (often out of step on purpose, to test a lockfile update) and not judged, as for posture/no-lockfile.',
  remediation: 'Run npm install (or npm install --package-lock-only) and commit the updated package-lock.json together with package.json.',
  severity: 'low',
  cwe: ['CWE-1357'],
  tags: ['posture'],
  examples: {
    positive: [
      {
        files: {
          'package.json': '{\n  "dependencies": {\n    "express": "^4.19.0",\n    "lodash": "^4.17.21"\n  }\n}\n',
          'package-lock.json': '{"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.18.0"}}}}',
        },
      },
    ],
    negative: [
      {
        files: {
          'package.json': '{"dependencies": {"express": "^4.19.0"}, "devDependencies": {"tsx": "4.1.0"}}',
          'package-lock.json': '{"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.19.0"}, "devDependencies": {"tsx": "4.1.0"}}}}',
        },
      },
      // A test's input for a lockfile update, out of step on purpose.
      {
        files: {
          'lib/npm/__fixtures__/update-lockfile/package.json': '{"dependencies": {"express": "^4.0.0"}}',
          'lib/npm/__fixtures__/update-lockfile/package-lock.json': '{"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.19.0"}}}}',
        },
      },
    ],
  },
  *check(repo) {
    for (const path of paths(repo, /(?:^|\/)package\.json$/)) {
      if (FIXTURE_DIR.test(path)) continue;
      const text = repo.files.get(path)!;
      const manifest = parseJson(text);
      const lockPath = `${dirOf(path)}package-lock.json`;
      const lock = parseJson(repo.files.get(lockPath));
      if (!manifest || !lock) continue;
      const declared = manifestDependencies(manifest);
      const packages = lock['packages'] as Record<string, Record<string, unknown>> | undefined;
      const root = packages?.[''];
      if (root) {
        const locked = manifestDependencies(root);
        for (const [name, range] of declared) {
          const lockedRange = locked.get(name);
          const line = lineOfMatch(text, new RegExp(`"${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\s*:`));
          if (lockedRange === undefined) yield { path, line, message: `${name} is in ${path} but not in ${lockPath}.` };
          else if (lockedRange !== range) yield { path, line, message: `${name} is "${range}" in ${path} but "${lockedRange}" in ${lockPath}.` };
        }
        for (const name of locked.keys()) if (!declared.has(name)) yield { path, line: 1, message: `${name} is in ${lockPath} but no longer in ${path}.` };
      } else if (lock['dependencies'] && typeof lock['dependencies'] === 'object') {
        // lockfileVersion 1 records installed versions, not ranges: compare names only.
        const locked = new Set(Object.keys(lock['dependencies'] as object));
        for (const name of declared.keys()) if (!locked.has(name)) yield { path, line: lineOfMatch(text, new RegExp(`"${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\s*:`)), message: `${name} is in ${path} but not in ${lockPath}.` };
      }
    }
  },
};

interface ScanCategory {
  name: string;
  tools: RegExp;
}

/** Tools that do each kind of scanning, as they appear in CI files (actions, commands, GitLab templates and components, pre-commit hooks). */
const SCAN_CATEGORIES: ScanCategory[] = [
  {
    name: 'secret scanning',
    tools: /gitleaks|trufflehog|detect-secrets|ggshield|secretlint|git-secrets|kingfisher|noseyparker|nosey-parker|talisman|Secret-Detection\.gitlab-ci|components\/secret-detection|\bsecloop\b/i,
  },
  {
    name: 'static analysis (SAST)',
    tools: /codeql-action|\bcodeql (?:database|github)\b|semgrep|opengrep|sonar(?:cloud|qube|-scanner)|bandit|gosec|brakeman|njsscan|horusec|checkmarx|snyk\/actions\/[\w-]*code|snyk code|SAST(?:-IaC)?\.gitlab-ci|components\/sast\b|checkov|\bkics\b|tfsec|terrascan|\bpysa\b|qodana|\bzizmor\b|\bsecloop\b/i,
  },
  {
    name: 'dependency scanning (SCA)',
    tools:
      /dependency-review-action|\b(?:npm|yarn|pnpm|bun|composer) audit|osv-scanner|snyk|trivy|grype|dependency-check|pip-audit|uv[- ]audit|\bsafety check|govulncheck|cargo[- ](?:audit|deny)|bundler?[- ]audit|\bnancy\b|fossa|Dependency-Scanning\.gitlab-ci|components\/dependency-scanning|retire|audit-ci|\bsecloop\b/i,
  },
];


/** `.gitlab-ci.yml, the 2 local files it includes and the 3 files of the child pipelines it starts`: the GitLab files the CI scanning check read. */
function gitlabRead(roots: readonly string[], roles: readonly string[]): string {
  const included = roles.filter((r) => r === 'include').length;
  const children = roles.filter((r) => r === 'child').length;
  const parts = [
    ...(included === 0 ? [] : [included === 1 ? 'the local file it includes' : `the ${included} local files it includes`]),
    ...(children === 0 ? [] : [children === 1 ? 'the file of the child pipeline it starts' : `the ${children} files of the child pipelines it starts`]),
  ];
  const all = [roots.join(', '), ...parts];
  return all.length === 1 ? all[0]! : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

/** A CI run of pre-commit (the action, a command, an action named for it), which runs the hooks of .pre-commit-config.yaml. */
const RUNS_PRE_COMMIT = /pre-commit\/action|\b(?:pre-commit|prek) run\b|uses:\s*["']?[\w.-]+\/[\w./-]*pre-commit[\w.-]*@/;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, 3);
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(names.length === 2 ? ' and ' : ', ');
}

const ciScanning: PostureRule = {
  id: 'posture/ci-missing-security-scans',
  title: 'CI does not run security scans',
  description:
    'No CI configuration runs secret scanning, static analysis or dependency scanning (or there is no CI configuration at all). Leaked keys, injection bugs and vulnerable dependencies then reach the main branch unnoticed (Scorecard: SAST, and the practice behind Vulnerabilities). Read: GitHub workflows and local actions, .gitlab-ci.yml and the local files it includes or starts as child pipelines (trigger: include:), other CI systems\' files (CircleCI, Cirrus, Travis, Azure Pipelines, Jenkinsfile...), and the pre-commit hooks when CI or pre-commit.ci runs them. What runs elsewhere (another repository\'s reusable workflow or template, a repository setting such as GitHub secret scanning) is not visible, and the message names it.',
  remediation: 'Run a scanner on every pull request, e.g. a `secloop scan --format sarif` step uploading to code scanning, or gitleaks, CodeQL/Semgrep and osv-scanner/dependency-review.',
  severity: 'low',
  cwe: ['CWE-1008'],
  tags: ['posture', 'scorecard:SAST'],
  examples: {
    positive: [
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n' } },
      { files: { 'README.md': '# app\n' } },
      // Removing CodeQL's tool cache to free disk space is not running CodeQL.
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sudo rm -rf /opt/hostedtoolcache/CodeQL\n      - run: gitleaks detect && npm audit\n' } },
      // pre-commit hooks that CI does not run, and no pre-commit.ci settings.
      {
        files: {
          '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n',
          '.pre-commit-config.yaml': 'repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.18.0\n    hooks:\n      - id: gitleaks\n',
        },
      },
    ],
    negative: [
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx secloop scan . --format sarif -o secloop.sarif\n' } },
      {
        files: {
          '.gitlab-ci.yml': 'include:\n  - template: Jobs/SAST.gitlab-ci.yml\n  - template: Jobs/Secret-Detection.gitlab-ci.yml\n  - template: Jobs/Dependency-Scanning.gitlab-ci.yml\n',
        },
      },
      // The scanning jobs in a file the pipeline includes, as GitLab components.
      {
        files: {
          '.gitlab-ci.yml': 'include:\n  - local: /.gitlab/ci/test.gitlab-ci.yml\n',
          '.gitlab/ci/test.gitlab-ci.yml':
            'include:\n  - component: $CI_SERVER_FQDN/components/sast/sast@3.4.0\n  - component: $CI_SERVER_FQDN/components/dependency-scanning/main@1.1.1\n  - component: $CI_SERVER_FQDN/components/secret-detection/secret-detection@1.1.2\n',
        },
      },
      // Hooks run by the pre-commit workflow; CodeQL in a local composite action.
      {
        files: {
          '.github/workflows/lint.yml': 'on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: pre-commit/action@v3.0.1\n      - uses: ./.github/actions/analyse\n',
          '.github/actions/analyse/action.yml': 'runs:\n  using: composite\n  steps:\n    - uses: github/codeql-action/analyze@v3\n',
          '.pre-commit-config.yaml': 'repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.18.0\n    hooks:\n      - id: gitleaks\n  - repo: https://github.com/pypa/pip-audit\n    rev: v2.7.3\n    hooks:\n      - id: pip-audit\n',
        },
      },
    ],
  },
  *check(repo) {
    const workflows = [...paths(repo, WORKFLOW), ...paths(repo, LOCAL_ACTION)];
    const gitlab = gitlabCiFiles(repo);
    const others = paths(repo, OTHER_CI);
    const ci = [...workflows, ...gitlab, ...others];
    if (ci.length === 0) {
      yield* atAnchor(repo, 'No CI configuration (GitHub workflows, .gitlab-ci.yml or another CI system\'s file) runs security scans on changes.');
      return;
    }
    let all = ci.map((p) => repo.files.get(p) ?? '').join('\n');
    const read: string[] = [];
    const workflowCount = paths(repo, WORKFLOW).length;
    if (workflowCount > 0) read.push(`${workflowCount} GitHub workflow${workflowCount > 1 ? 's' : ''}`);
    const gitlabRoots = gitlab.filter((p) => GITLAB_CI.test(p));
    if (gitlabRoots.length > 0) read.push(gitlabRead(gitlabRoots, [...gitlabCiFileRoles(repo).values()]));
    read.push(...others);
    const preCommit = paths(repo, PRE_COMMIT)[0];
    if (preCommit) {
      const config = repo.files.get(preCommit)!;
      // pre-commit.ci is configured by a top-level ci: key in the same file.
      if (RUNS_PRE_COMMIT.test(all) || /^ci:/m.test(config)) {
        all += `\n${config}`;
        read.push(`the hooks of ${preCommit}`);
      }
    }
    const missing = SCAN_CATEGORIES.filter((c) => !c.tools.test(all)).map((c) => c.name);
    if (missing.length === 0) return;
    let message = `None of the CI configuration (${listed(read)}) runs ${missing.join(', ')}.`;
    // Those whose name says which scanning they do were counted above.
    const external = externalCi(repo, paths(repo, WORKFLOW), gitlab).filter((name) => !SCAN_CATEGORIES.some((c) => c.tools.test(name)));
    if (external.length > 0) message += ` Not read: ${listed(external)}, defined in other repositories, which may.`;
    if (missing.includes('secret scanning') && workflowCount > 0) message += ' GitHub\'s own secret scanning is a repository setting, not visible here.';
    yield* atAnchor(repo, message);
  },
};

const BINARY_ARTIFACT = /\.(?:exe|dll|so|dylib|jar|war|ear|class|pyc|pyo|o|a|lib|obj|bin|msi|apk|aab|dex|com|scr|elf|node|whl|nupkg|gem)$/i;
/** Extensions that name raw data as often as programs: reported only when the content starts as an executable. */
const AMBIGUOUS_BINARY = /\.bin$/i;
const GRADLE_WRAPPER = /(?:^|\/)gradle\/wrapper\/gradle-wrapper\.jar$/;
const MAVEN_WRAPPER = /(?:^|\/)\.mvn\/wrapper\/maven-wrapper\.jar$/;

/** ELF, PE (MZ), Mach-O (both byte orders, 32 and 64 bits) and fat Mach-O / Java class (CAFEBABE). */
function looksExecutable(head: Uint8Array): boolean {
  const at = (i: number) => head[i] ?? -1;
  const word = (at(0) << 24) | (at(1) << 16) | (at(2) << 8) | at(3);
  return (
    (at(0) === 0x7f && at(1) === 0x45 && at(2) === 0x4c && at(3) === 0x46) ||
    (at(0) === 0x4d && at(1) === 0x5a) ||
    [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].some((magic) => word === (magic | 0))
  );
}

/**
 * Whether CI checks the Gradle wrapper against Gradle's published checksums: the wrapper
 * validation action, or setup-gradle from v4 on (validates by default) or told to.
 */
function gradleWrapperValidated(repo: Repo): boolean {
  for (const path of paths(repo, WORKFLOW)) {
    const text = repo.files.get(path)!;
    if (/uses:\s*["']?gradle\/(?:wrapper-validation-action|actions\/wrapper-validation)@/.test(text)) return true;
    if (/validate-wrappers:\s*["']?true/.test(text) && /gradle\/actions\/setup-gradle@/.test(text)) return true;
    for (const match of text.matchAll(/uses:\s*["']?gradle\/actions\/setup-gradle@v?(\d+)?[^\s"'#]*["']?[ \t]*(?:#\s*v?(\d+))?/g)) {
      const major = Number(match[1] ?? match[2] ?? 0);
      if (major >= 4 && !/validate-wrappers:\s*["']?false/.test(text)) return true;
    }
  }
  return false;
}

const committedBinaries: PostureRule = {
  id: 'posture/committed-binary',
  title: 'Binary artifact committed',
  description:
    'A compiled binary (executable, library, .jar, .class, .pyc...) is tracked in the repository. Nobody can review what it contains or check that it was built from the source next to it, which makes it an easy place to hide malicious code (Scorecard: Binary-Artifacts). A .bin file counts only when it starts as an executable (ELF, PE, Mach-O), since the extension names raw data as often; a Gradle wrapper that CI validates against Gradle\'s checksums is not reported, as in Scorecard.',
  remediation: 'Remove the binary from the repository and build it in CI from source, or fetch it from a release with a verified checksum or signature.',
  severity: 'low',
  cwe: ['CWE-506'],
  tags: ['posture', 'scorecard:Binary-Artifacts'],
  examples: {
    positive: [
      { files: {}, tracked: ['README.md', 'tools/helper.exe', 'lib/vendor.jar'] },
      { files: { 'tools/loader.bin': '\u007fELF\u0002\u0001\u0001' }, tracked: ['tools/loader.bin'] },
      { files: {}, tracked: ['gradle/wrapper/gradle-wrapper.jar'] },
    ],
    negative: [
      { files: {}, tracked: ['README.md', 'src/index.ts', 'docs/logo.png'] },
      { files: { 'README.md': '# app' } },
      // A recorded gRPC request as test data, not a program.
      { files: { 't/grpc-web/req.bin': '\u0000\u0000\u0000\u0000\u0007\nworld' }, tracked: ['t/grpc-web/req.bin'] },
      {
        files: { '.github/workflows/gradle.yml': 'on: push\njobs:\n  validate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: gradle/actions/wrapper-validation@v4\n' },
        tracked: ['gradle/wrapper/gradle-wrapper.jar'],
      },
      {
        files: { '.github/workflows/build.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: gradle/actions/setup-gradle@v4\n      - run: ./gradlew build\n' },
        tracked: ['gradle/wrapper/gradle-wrapper.jar'],
      },
    ],
  },
  *check(repo) {
    let gradleValidated: boolean | undefined;
    const binaries = (repo.tracked ?? []).filter((p) => BINARY_ARTIFACT.test(p) && !/(?:^|\/)(?:node_modules|test\/fixtures|testdata)\//.test(p));
    let reported = 0;
    for (const path of binaries) {
      if (reported >= 50) break;
      if (AMBIGUOUS_BINARY.test(path)) {
        const head = repo.head?.(path);
        if (head && !looksExecutable(head)) continue;
      }
      let message = `${path} is a binary artifact committed to the repository.`;
      if (GRADLE_WRAPPER.test(path)) {
        gradleValidated ??= gradleWrapperValidated(repo);
        if (gradleValidated) continue;
        message = `${path} is the Gradle wrapper, a binary every build runs: have CI validate it against Gradle's published checksums (gradle/actions/wrapper-validation, or setup-gradle from v4, which does it by default).`;
      } else if (MAVEN_WRAPPER.test(path)) {
        message = `${path} is the Maven wrapper's jar, a binary every build runs: switch to the script-only wrapper (distributionType=only-script) or pin its checksum (wrapperSha256Sum in maven-wrapper.properties).`;
      }
      reported++;
      yield { path, line: 1, message };
    }
  },
};

/** Each line of each CI script (workflow `run:` steps, GitLab job scripts) with its source line. */
function* ciScripts(repo: Repo): Generator<{ path: string; script: string; line: number }> {
  for (const path of paths(repo, WORKFLOW)) {
    const workflow = readWorkflow(repo.files.get(path)!, () => {});
    for (const step of workflow?.jobs.flatMap((j) => j.steps) ?? []) {
      if (!step.run || typeof step.run.value !== 'string') continue;
      let offset = 0;
      for (const text of step.run.value.split('\n')) {
        if (text.trim()) yield { path, script: text, line: lineOfOffset(workflow!, step.run, offset, step.runLine!) };
        offset += text.length + 1;
      }
    }
  }
  for (const path of gitlabCiFiles(repo)) {
    const pipeline = readPipeline(repo.files.get(path)!, () => {});
    if (!pipeline) continue;
    for (const { scalar, text } of pipelineScripts(pipeline)) yield { path, script: text, line: scalar.line };
  }
}

/**
 * Whether `yarn install` is Yarn 2 or later (Berry), which installs with --immutable by default
 * when CI is set, as GitHub Actions and GitLab CI set it: a .yarnrc.yml or packageManager yarn@2+.
 */
function yarnBerry(repo: Repo): boolean {
  if (repo.files.has('.yarnrc.yml')) return true;
  const manager = parseJson(repo.files.get('package.json'))?.['packageManager'];
  return typeof manager === 'string' && /^yarn@(?:[2-9]|\d\d)/.test(manager);
}

function unpinnedInstall(script: string, berry: boolean): string | undefined {
  for (const command of commandsOf(script)) {
    const words = effectiveWords(command).map((w) => w.text);
    const [program, sub, ...rest] = words;
    // pnpm installs with --frozen-lockfile by default when CI is set (GitHub Actions and GitLab CI set it); Yarn 2+ with --immutable.
    if (
      (program === 'npm' && (sub === 'install' || sub === 'i') && rest.every((w) => w.startsWith('-'))) ||
      (program === 'yarn' && (sub === undefined || sub === 'install') && !words.some((w) => /--frozen-lockfile|--immutable/.test(w)) && (!berry || words.includes('--no-immutable'))) ||
      (program === 'pnpm' && sub === 'install' && words.some((w) => w === '--no-frozen-lockfile' || w === '--frozen-lockfile=false'))
    )
      return `${words.slice(0, 2).join(' ')} (not a frozen-lockfile install)`;
    if (program && /^pip[\d.]*$/.test(program) && sub === 'install' && !words.includes('--require-hashes') && !words.some((w) => /==/.test(w)) && rest.some((w) => !w.startsWith('-'))) {
      const at = rest.findIndex((w) => w === '-r' || w === '--requirement');
      const file = at >= 0 ? rest[at + 1] : rest.find((w) => /^(?:-r|--requirement=)./.test(w))?.replace(/^(?:-r|--requirement=)/, '');
      return file
        ? `pip install -r ${file} without --require-hashes: what ${file} pulls in is not pinned, and nothing checks what is downloaded`
        : 'pip install without pinned versions or hashes';
    }
    if (program === 'go' && sub === 'install' && rest.some((w) => /@latest$/.test(w))) return 'go install ...@latest';
  }
  return undefined;
}

/** Third-party code kept in the tree: its Dockerfiles are not this repository's builds. */
const VENDORED = /(?:^|\/)(?:vendor|node_modules)\//;

const unpinnedDependencies: PostureRule = {
  id: 'posture/unpinned-dependencies',
  title: 'Build installs dependencies that are not pinned',
  description:
    'A CI script installs packages without a frozen lockfile, version pins or hashes, or a Dockerfile builds FROM an image tag without a digest. Each build may then get different, unreviewed code, and a compromised release is picked up automatically (Scorecard: Pinned-Dependencies). pnpm and Yarn 2+ install from the lockfile by default on CI (CI=true), so only an explicit --no-frozen-lockfile or --no-immutable is reported for them; Dockerfiles under vendor/ belong to vendored projects and are not judged, nor is a Dockerfile template that a script fills in (one the iac scanner does not check either: template syntax, or named .template or .in and not readable as written), and a base image that another Dockerfile of the repository builds (an image family: FROM acme/base on images/base/Dockerfile) is made from the same commit and not reported (on no tag, `latest` or the moving tag of a branch such as `main`), unless it names a release tag of it (base-notebook:6.5.4, in the FROM or an ARG default: a published image).',
  remediation: 'Use npm ci / yarn install --frozen-lockfile (Yarn 1) / pnpm install (frozen by default on CI), pip install --require-hashes -r requirements.txt, and pin base images by digest (FROM node:20.11.1@sha256:...).',
  severity: 'info',
  cwe: ['CWE-1357'],
  tags: ['posture', 'scorecard:Pinned-Dependencies'],
  examples: {
    positive: [
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n' } },
      { files: { Dockerfile: 'FROM node:20.11.1\n' } },
      // The same FROM with no Dockerfile of the repository building base-notebook: a registry's image.
      { files: { 'images/minimal-notebook/Dockerfile': 'ARG REGISTRY=registry.example.org\nARG OWNER=example\nARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook\nFROM $BASE_IMAGE\n' } },
      // A release of the family's image, tag written out: pulled from the registry, not built from this commit.
      {
        files: {
          'images/base-notebook/Dockerfile': 'FROM ubuntu:24.04@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f\n',
          'docs/recipes/spellcheck.dockerfile': 'FROM registry.example.org/example/base-notebook:notebook-6.5.4\n',
        },
      },
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pnpm install --no-frozen-lockfile && yarn install\n' } },
    ],
    negative: [
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n' } },
      { files: { Dockerfile: 'FROM node:20.11.1@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f AS build\nFROM build\n' } },
      // pnpm (and Yarn 2+) install from the lockfile by default on CI, which sets CI=true.
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pnpm install\n' } },
      {
        files: {
          'package.json': '{"packageManager": "yarn@4.5.0"}',
          '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: yarn install\n',
        },
      },
      // A vendored project's Dockerfile is not built here.
      { files: { 'vendor/example.org/lib/Dockerfile': 'FROM golang:1.22\n' } },
      // A template that a script fills in (the tag and the key list), not a build.
      { files: { 'Dockerfile-alpine.template': 'FROM alpine:0.0\nRUN for key in \\\n      "${NODE_KEYS[@]}"\n    ; do \\\n      gpg --recv-keys "$key" ; \\\n    done\n' } },
      // An image family: base-notebook is built by the repository's own images/base-notebook/Dockerfile, from the same commit.
      {
        files: {
          'images/base-notebook/Dockerfile': 'FROM ubuntu:24.04@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f\n',
          'images/minimal-notebook/Dockerfile': 'ARG REGISTRY=registry.example.org\nARG OWNER=example\nARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook\nFROM $BASE_IMAGE\n',
        },
      },
      // The same family on a branch's moving tag: still the build of the family's own Dockerfile, not a release.
      {
        files: {
          'images/base/Dockerfile': 'FROM ubuntu:24.04@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f\n',
          'images/app/Dockerfile': 'FROM registry.example.org/acme/base:main\n',
        },
      },
    ],
  },
  *check(repo) {
    const berry = yarnBerry(repo);
    for (const { path, script, line } of ciScripts(repo)) {
      const problem = unpinnedInstall(script, berry);
      if (problem) yield { path, line, message: `${path} runs ${problem}.` };
    }
    const dockerfiles = [...repo.files.keys()].filter((p) => isDockerfileName(p) && !VENDORED.test(p)).sort();
    // A base image another Dockerfile of the repository builds (an image family) is made from the same commit, as the iac pin rules judge it.
    const family = dockerfilesBuiltFrom(new Map(dockerfiles.map((p) => [p, repo.files.get(p)!])));
    for (const path of dockerfiles) {
      const text = repo.files.get(path)!;
      const input = readDockerfile(text);
      // A template some tool fills in (`FROM alpine:0.0` until update.sh writes the version) is not a build; the iac scanner does not check it either.
      if (templateLine(input, text, path) !== undefined) continue;
      for (const stage of input.file.stages) {
        const image = baseImage(input, stage);
        if (!image || image.toLowerCase() === 'scratch') continue;
        const ref = parseImage(image);
        // A release tag (base-notebook:notebook-6.5.4, written out or an ARG's default) names a published image, not this commit's build;
        // `latest` or a branch's moving tag (acme/base:main) names whatever was built last, as the iac pin rules judge it.
        const release = ref.tag !== undefined && pinProblem(image) === undefined;
        if (!ref.digest && !ref.templated && (release || !builtInSet(family.get(path), image))) yield { path, line: stage.from.line, message: `${path} builds FROM ${image} without a digest.` };
      }
    }
  },
};

const tokenPermissions: PostureRule = {
  id: 'posture/workflow-token-permissions',
  title: 'Workflow does not restrict its token at the top level',
  description:
    'A GitHub workflow sets no top-level `permissions:` while some of its jobs set none of their own, or grants write access at the top level. Those jobs then start from the repository default (often read-write) or from write access, instead of read-only, and new jobs silently inherit it (Scorecard: Token-Permissions). A workflow whose every job sets its own permissions is not reported, nor one that only other workflows call (workflow_call its only trigger), which runs with its caller\'s permissions and can only lower them; a top-level write grant marked `# zizmor: ignore[excessive-permissions]` is taken as reviewed. The finding is on the first job that starts from the default, or on the first write grant: where the IaC rules report the same problem, so that a scan running both shows it once.',
  remediation: 'Start every workflow with `permissions: contents: read` (or `permissions: {}`) and grant write scopes only in the jobs that need them.',
  severity: 'low',
  cwe: ['CWE-250'],
  tags: ['posture', 'scorecard:Token-Permissions'],
  examples: {
    positive: [
      { files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    permissions:\n      contents: read\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  u:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n' } },
      { files: { '.github/workflows/ci.yml': 'on: push\npermissions:\n  contents: write\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n' } },
      // Callable, but also run on push: then it starts from the repository default.
      { files: { '.github/workflows/build.yml': 'on:\n  workflow_call:\n  push:\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n' } },
      // The ignore comment covers the packages grant only, not contents: write.
      {
        files: {
          '.github/workflows/image.yml':
            'on: push\npermissions:\n  contents: write\n  packages: write # zizmor: ignore[excessive-permissions]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make push\n',
        },
      },
    ],
    negative: [
      { files: { '.github/workflows/ci.yml': 'on: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n' } },
      // Every job sets its own permissions: none starts from the default.
      {
        files: {
          '.github/workflows/ci.yml':
            'on: push\njobs:\n  t:\n    permissions:\n      contents: read\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  lock:\n    permissions:\n      issues: write\n    uses: example-org/shared/.github/workflows/lock.yml@v1\n',
        },
      },
      // Only called by other workflows: it runs with the caller's permissions, which it can only lower.
      { files: { '.github/workflows/notify.yml': 'on:\n  workflow_call:\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./notify.sh\n' } },
      // The write grant is marked as reviewed for zizmor's excessive-permissions audit.
      {
        files: {
          '.github/workflows/image.yml':
            'on: push\npermissions:\n  contents: read\n  packages: write # zizmor: ignore[excessive-permissions]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make push\n',
        },
      },
    ],
  },
  *check(repo) {
    for (const path of paths(repo, WORKFLOW)) {
      const text = repo.files.get(path)!;
      const root = yamlRoot(text);
      if (!isYMap(root)) continue;
      const jobs = jobsOf(root);
      const permissions = pair(root, 'permissions');
      if (!permissions) {
        // A workflow only other workflows call runs with its caller's token permissions, which it can only lower (as iac/gha-missing-permissions and zizmor judge it).
        if (reusableOnly(text)) continue;
        // Jobs that set their own permissions do not start from the default (Scorecard judges them so too).
        const openJobs = jobs.filter((job) => !pair(job.node, 'permissions'));
        const open = openJobs.map((job) => job.id);
        if (open.length === 0) continue;
        const message =
          open.length === jobs.length
            ? `${path} has no top-level permissions and no job sets its own: every job starts from the repository default token permissions.`
            : `${path} has no top-level permissions, and job${open.length > 1 ? 's' : ''} ${listed(open.map((id) => `'${id}'`))} set${open.length > 1 ? '' : 's'} none of ${open.length > 1 ? 'their' : 'its'} own: ${open.length > 1 ? 'they start' : 'it starts'} from the repository default token permissions.`;
        // On the first job that starts from the default, where iac/gha-missing-permissions reports that job: one problem, one finding when both scanners run (engine/fold-duplicates.ts).
        yield { path, line: openJobs[0]!.line, message };
        continue;
      }
      const value = permissions.value;
      // A grant whose line says `# zizmor: ignore[excessive-permissions]` was reviewed by the repository's authors, as the iac rules honour it.
      const reviewed = zizmorSuppressions(text);
      const kept = (ruleId: string, line: number) => !findZizmorSuppression(reviewed, ruleId, line);
      const grants = isYScalar(value)
        ? value.value === 'write-all' && kept('iac/gha-write-all-permissions', permissions.keyLine)
          ? [{ scope: 'write-all', line: permissions.keyLine }]
          : []
        : isYMap(value)
          ? value.pairs.filter((p) => isYScalar(p.value) && p.value.value === 'write' && kept('iac/gha-broad-permissions', p.keyLine)).map((p) => ({ scope: p.key, line: p.keyLine }))
          : [];
      if (grants.length === 0) continue;
      const writes = grants.map((grant) => grant.scope);
      const inheriting = jobs.filter((job) => !pair(job.node, 'permissions'));
      const message =
        jobs.length === 1 && inheriting.length === 1
          ? `${path} grants ${writes.join(', ')} write access at the top level: its only job, '${jobs[0]!.id}', gets it, and so will any job added later; grant it in that job instead.`
          : `${path} grants ${writes.join(', ')} write access to every job that sets no permissions of its own${inheriting.length > 0 ? ` (${listed(inheriting.map((job) => `'${job.id}'`))})` : ', and to any added later'}.`;
      // On the first write grant, where iac/gha-broad-permissions or gha-write-all-permissions reports it when jobs inherit it.
      yield { path, line: grants[0]!.line, message };
    }
  },
};

/** Whether workflow_call is the workflow's only trigger. */
function reusableOnly(text: string): boolean {
  const triggers = readWorkflow(text, () => undefined)?.triggers;
  return triggers !== undefined && triggers.size === 1 && triggers.has('workflow_call');
}

/** The jobs of a workflow's root map, with their ids. */
function jobsOf(root: YMap): Array<{ id: string; node: YMap; line: number }> {
  const jobs = pair(root, 'jobs')?.value;
  return isYMap(jobs) ? jobs.pairs.filter((p) => isYMap(p.value)).map((p) => ({ id: String(p.key), node: p.value as YMap, line: p.keyLine })) : [];
}

export const postureRules: readonly PostureRule[] = [
  securityPolicy,
  dependencyUpdates,
  codeOwners,
  noLockfile,
  lockfileDrift,
  ciScanning,
  committedBinaries,
  unpinnedDependencies,
  tokenPermissions,
  dependabotExecution,
  dependabotCooldown,
];

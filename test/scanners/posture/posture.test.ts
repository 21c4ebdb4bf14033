import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { checkRepo, postureScanner } from '../../../src/scanners/posture/index.js';
import { repoOf, type PostureRule } from '../../../src/scanners/posture/rule.js';
import { postureRules } from '../../../src/scanners/posture/rules.js';
import { gitlabCiFiles } from '../../../src/scanners/posture/ci.js';
import { commitAll, initRepo, tempTree } from '../../helpers/tmp.js';
import { writeSarif } from '../../../src/report/sarif.js';
import { sarifErrors } from '../../helpers/schemas.js';

/** A git repository of `files` with one commit, given to `body`, then removed. */
async function withRepo<T>(files: Record<string, string>, body: (dir: string) => Promise<T>): Promise<T> {
  const tree = tempTree(files);
  try {
    initRepo(tree.dir);
    commitAll(tree.dir, 'initial');
    return await body(tree.dir);
  } finally {
    tree.cleanup();
  }
}

const scanPosture = (target: string) => runScan({ target, scannerSet: [postureScanner] });
/** What the CI scanning check says of a committed tree. */
const missingScans = async (target: string) => (await scanPosture(target)).findings.filter((f) => f.ruleId === 'posture/ci-missing-security-scans').map((f) => f.message);

describe('every posture rule fires on its positive examples and stays quiet on its negative ones', () => {
  for (const rule of postureRules) {
    it(rule.id, () => {
      assert.ok(rule.id.startsWith('posture/'));
      assert.ok(['low', 'info'].includes(rule.severity), 'posture findings are low or info');
      assert.ok(rule.examples.positive.length >= 1 && rule.examples.negative.length >= 1);
      assert.ok(rule.description.length > 40 && rule.remediation.length > 20);
      rule.examples.positive.forEach((example, k) => {
        const hits = checkRepo(repoOf(example), [rule]);
        assert.ok(hits.length > 0, `positive example ${k + 1} did not fire`);
        for (const hit of hits) assert.ok(hit.location.path && hit.location.startLine >= 1);
      });
      rule.examples.negative.forEach((example, k) => {
        assert.deepEqual(checkRepo(repoOf(example), [rule]).map((h) => h.message), [], `negative example ${k + 1} fired`);
      });
      // What the examples rely on must reach the rule in a scan: the walker hands over only wanted files
      // (the scanner itself reads the local files a GitLab pipeline includes, and the first bytes of tracked files).
      for (const example of [...rule.examples.positive, ...rule.examples.negative]) {
        const included = new Set([...gitlabCiFiles(repoOf(example)), ...(example.tracked ?? [])]);
        for (const path of Object.keys(example.files)) assert.ok(postureScanner.wants(path) || included.has(path), `${path} is not wanted by the scanner`);
      }
    });
  }
});

describe('posture scanner', () => {
  it('checks a repository end to end, binaries from git included, on the right lines', async () => {
    await withRepo({
      'README.md': '# app\n',
      'package.json': '{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.19.0"\n  }\n}\n',
      'package-lock.json': '{"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.18.2"}}}}\n',
      'tools/helper.exe': 'MZ\u0000\u0000binary',
      'tools/loader.bin': '\u007fELF\u0002\u0001\u0001\u0000',
      'tests/data/request.bin': '\u0000\u0000\u0000\u0007\nworld',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          npm install\n          npm test\n',
    }, async (dir) => {
      const result = await scanPosture(dir);
      const got = result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort();
      assert.deepEqual(got, [
        'posture/ci-missing-security-scans README.md:1',
        'posture/committed-binary tools/helper.exe:1',
        'posture/committed-binary tools/loader.bin:1',
        'posture/lockfile-out-of-sync package.json:4',
        'posture/no-codeowners README.md:1',
        'posture/no-dependency-update-tool README.md:1',
        'posture/no-security-policy README.md:1',
        'posture/unpinned-dependencies .github/workflows/ci.yml:7',
        'posture/workflow-token-permissions .github/workflows/ci.yml:3',
      ]);
      assert.ok(result.findings.every((f) => f.scanner === 'posture' && (f.severity === 'low' || f.severity === 'info')));
      assert.deepEqual(sarifErrors(JSON.parse(writeSarif(result))), []);
    });
  });

  it('runs only the file-level checks when the scan root is below the repository top', async () => {
    await withRepo({ 'README.md': '# top\n', 'sub/package.json': '{"dependencies": {"a": "1.0.0"}}\n', 'sub/package-lock.json': '{"lockfileVersion": 3, "packages": {"": {}}}' }, async (dir) => {
      const result = await scanPosture(`${dir}/sub`);
      assert.deepEqual(result.findings.map((f) => f.ruleId), ['posture/lockfile-out-of-sync']);
      assert.ok(result.warnings.some((w) => /not the top of the git repository/.test(w.message)));
    });
  });
});

describe('posture scanner outside a git repository', () => {
  it('runs the file-level checks only and says which checks were not run', async () => {
    const tree = tempTree({ 'README.md': '# app\n', 'tools/helper.exe': 'MZ\u0000\u0000binary', Dockerfile: 'FROM node:20\n' });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [postureScanner] });
      assert.deepEqual(result.findings.map((f) => f.ruleId), ['posture/unpinned-dependencies']);
      assert.ok(result.warnings.some((w) => /not in a git repository: the repository-wide posture checks .* and committed binaries .* were not checked/.test(w.message)));
    } finally {
      tree.cleanup();
    }
  });
});

test('YAML the posture rules read that no IaC platform analyses is warned with its file and line where it does not parse', async () => {
  const tree = tempTree({
    '.github/dependabot.yml': 'version: 2\nupdates: [\n  - package-ecosystem: npm\n',
    '.github/actions/setup/action.yml': 'name: setup\nruns: {using: node20\n',
    // A workflow is the IaC scanner's to warn about.
    '.github/workflows/ci.yml': 'on: push\njobs: {a\n',
  });
  try {
    const result = await runScan({ target: tree.dir, scannerSet: [postureScanner] });
    const said = result.warnings.filter((w) => w.path !== undefined).map((w) => `${w.path}:${w.line}: ${w.message}`);
    assert.equal(said.length, 2, said.join('\n'));
    assert.match(said[0]!, /^\.github\/actions\/setup\/action\.yml:3: invalid YAML: .*; the posture checks that read this file skipped it$/);
    assert.match(said[1]!, /^\.github\/dependabot\.yml:3: invalid YAML: /);
  } finally {
    tree.cleanup();
  }
});

test('the CI scanning check reads the local files a GitLab pipeline includes, by path and by wildcard', async () => {
  const tree = tempTree({
    'README.md': '# app\n',
    '.gitlab-ci.yml': 'include:\n  - local: /.gitlab/ci/test.gitlab-ci.yml\n  - local: ci/*.yml\n',
    '.gitlab/ci/test.gitlab-ci.yml': 'include:\n  - template: Jobs/SAST.gitlab-ci.yml\n',
    'ci/deps.yml': 'include:\n  - template: Jobs/Dependency-Scanning.gitlab-ci.yml\n',
    'ci/secrets.yml': 'secrets:\n  script:\n    - gitleaks detect\n',
  });
  try {
    initRepo(tree.dir);
    commitAll(tree.dir, 'initial');
    assert.deepEqual(await missingScans(tree.dir), []);
    tree.write('ci/secrets.yml', 'test:\n  script:\n    - make test\n');
    commitAll(tree.dir, 'no secret scanning');
    assert.deepEqual(await missingScans(tree.dir), [
      'None of the CI configuration (.gitlab-ci.yml and the 3 local files it includes) runs secret scanning.',
    ]);
  } finally {
    tree.cleanup();
  }
});

test('the CI scanning check reads the local files of GitLab child pipelines (trigger: include:) and what they include', async () => {
  const tree = tempTree({
    'README.md': '# app\n',
    '.gitlab-ci.yml': 'include:\n  - template: Jobs/SAST.gitlab-ci.yml\n  - template: Jobs/Dependency-Scanning.gitlab-ci.yml\nsecurity:\n  trigger:\n    include:\n      - local: ci/security.yml\n',
    'ci/security.yml': 'include:\n  - local: ci/secrets.yml\n',
    'ci/secrets.yml': 'secrets:\n  script:\n    - gitleaks detect\n',
  });
  try {
    initRepo(tree.dir);
    commitAll(tree.dir, 'initial');
    assert.deepEqual(await missingScans(tree.dir), []);
    // The message counts the files of the child pipeline apart from those the pipeline includes.
    tree.write('.gitlab-ci.yml', 'include:\n  - local: ci/sast.yml\nsecurity:\n  trigger:\n    include:\n      - local: ci/security.yml\n');
    tree.write('ci/sast.yml', 'include:\n  - template: Jobs/SAST.gitlab-ci.yml\n');
    commitAll(tree.dir, 'no dependency scanning');
    assert.deepEqual(await missingScans(tree.dir), [
      'None of the CI configuration (.gitlab-ci.yml, the local file it includes and the 2 files of the child pipelines it starts) runs dependency scanning (SCA).',
    ]);
  } finally {
    tree.cleanup();
  }
});

test('the CI scanning message names reusable workflows of other repositories it could not read, and GitHub\'s own secret scanning', () => {
  const workflow = 'on: push\njobs:\n  scan:\n    uses: example-org/shared/.github/workflows/scan.yml@v1\n  codeql:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: github/codeql-action/analyze@v3\n';
  const findings = checkRepo(repoOf({ files: { 'README.md': '# app\n', '.github/workflows/ci.yml': workflow } }), postureRules.filter((r) => r.id === 'posture/ci-missing-security-scans'));
  assert.deepEqual(findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`), [
    "README.md:1 None of the CI configuration (1 GitHub workflow) runs secret scanning, dependency scanning (SCA). Not read: example-org/shared/.github/workflows/scan.yml, defined in other repositories, which may. GitHub's own secret scanning is a repository setting, not visible here.",
  ]);
});

test('zizmor, the static analyser of workflows, counts as SAST (here a pre-commit hook that CI runs with prek)', () => {
  const files = {
    'README.md': '# app\n',
    '.github/workflows/ci.yml': 'on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: prek run --all-files\n',
    '.pre-commit-config.yaml': 'repos:\n  - repo: https://github.com/zizmorcore/zizmor-pre-commit\n    rev: v1.16.0\n    hooks:\n      - id: zizmor\n',
  };
  const findings = checkRepo(repoOf({ files }), postureRules.filter((r) => r.id === 'posture/ci-missing-security-scans'));
  assert.deepEqual(findings.map((f) => f.message), [
    "None of the CI configuration (1 GitHub workflow and the hooks of .pre-commit-config.yaml) runs secret scanning, dependency scanning (SCA). GitHub's own secret scanning is a repository setting, not visible here.",
  ]);
});

test('workflow token permissions: the jobs that start from the default are named, and a single job\'s top-level grant is said as such', () => {
  const rule = postureRules.filter((r) => r.id === 'posture/workflow-token-permissions');
  const messages = (workflow: string) => checkRepo(repoOf({ files: { '.github/workflows/ci.yml': workflow } }), rule).map((f) => `${f.location.startLine} ${f.message}`);
  const job = (id: string, permissions = '') => `  ${id}:\n${permissions}    runs-on: ubuntu-latest\n    steps:\n      - run: make\n`;
  assert.deepEqual(messages(`on: push\njobs:\n${job('a', '    permissions: {}\n')}${job('b')}${job('c')}`), [
    "8 .github/workflows/ci.yml has no top-level permissions, and jobs 'b' and 'c' set none of their own: they start from the repository default token permissions.",
  ]);
  assert.deepEqual(messages(`on: push\njobs:\n${job('a')}`), ['3 .github/workflows/ci.yml has no top-level permissions and no job sets its own: every job starts from the repository default token permissions.']);
  assert.deepEqual(messages(`on: push\npermissions:\n  issues: write\njobs:\n${job('stale')}`), [
    "3 .github/workflows/ci.yml grants issues write access at the top level: its only job, 'stale', gets it, and so will any job added later; grant it in that job instead.",
  ]);
  // Reported on the first job that starts from the default (where iac/gha-missing-permissions reports it, so that the two fold into one finding), below any licence header.
  assert.deepEqual(messages(`# Copyright example\n# Licensed under example terms\n\nname: ci\non: push\njobs:\n${job('a')}`), [
    '7 .github/workflows/ci.yml has no top-level permissions and no job sets its own: every job starts from the repository default token permissions.',
  ]);
  // A grant marked for zizmor's excessive-permissions is left out of the list; the others stay.
  assert.deepEqual(messages(`on: push\npermissions:\n  issues: write\n  packages: write # zizmor: ignore[excessive-permissions]\njobs:\n${job('stale')}`), [
    "3 .github/workflows/ci.yml grants issues write access at the top level: its only job, 'stale', gets it, and so will any job added later; grant it in that job instead.",
  ]);
});

test('unpinned installs: pip install -r names the file and what is missing', () => {
  const rule = postureRules.filter((r) => r.id === 'posture/unpinned-dependencies');
  const workflow = 'on: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install -r docs/requirements.txt\n      - run: pip install sphinx\n';
  assert.deepEqual(checkRepo(repoOf({ files: { '.github/workflows/docs.yml': workflow } }), rule).map((f) => `${f.location.startLine} ${f.message}`), [
    '6 .github/workflows/docs.yml runs pip install -r docs/requirements.txt without --require-hashes: what docs/requirements.txt pulls in is not pinned, and nothing checks what is downloaded.',
    '7 .github/workflows/docs.yml runs pip install without pinned versions or hashes.',
  ]);
});

test('no-lockfile: a lockfile turned off in .npmrc is said so, at info', () => {
  const rule = postureRules.filter((r) => r.id === 'posture/no-lockfile');
  const files = { 'package.json': '{\n  "name": "lib",\n  "dependencies": {\n    "x": "^1.0.0"\n  }\n}\n', '.npmrc': 'package-lock=false\n' };
  assert.deepEqual(checkRepo(repoOf({ files }), rule).map((f) => `${f.severity} ${f.location.startLine} ${f.message}`), [
    "info 3 package.json has no lockfile on purpose (package-lock=false in .npmrc), as many libraries do since their users never install from it; the project's own CI and releases then build with whatever versions are newest that day.",
  ]);
});

test('a posture rule that throws is a warning; the other rules still report', () => {
  const broken: PostureRule = { ...postureRules[0]!, id: 'posture/broken', check: () => { throw new Error('boom'); } };
  const warnings: string[] = [];
  const findings = checkRepo(repoOf({ files: { 'package.json': '{"dependencies": {"a": "1.0.0"}}' } }), [broken, ...postureRules], (m) => warnings.push(m));
  assert.deepEqual(warnings, ['rule posture/broken failed: boom']);
  assert.ok(findings.some((f) => f.ruleId === 'posture/no-dependency-update-tool'));
});

describe('zizmor\'s word on the Dependabot findings is honoured, as for workflows', () => {
  const dependabot = (cooldownComment: string) =>
    `version: 2\nupdates:\n  - package-ecosystem: npm${cooldownComment}\n    directory: /\n    schedule:\n      interval: weekly\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n    insecure-external-code-execution: allow\n`;
  const scan = (files: Record<string, string>) =>
    withRepo({ 'README.md': '# app\n', ...files }, async (dir) => {
      const result = await scanPosture(dir);
      const line = (f: { ruleId: string; location: { startLine?: number } }) => `${f.ruleId}:${f.location.startLine}`;
      return {
        findings: result.findings.filter((f) => f.ruleId.startsWith('posture/dependabot')).map((f) => `${line(f)} ${f.severity}`).sort(),
        suppressed: result.suppressed.filter((s) => s.finding.ruleId.startsWith('posture/dependabot')).map((s) => `${line(s.finding)} ${s.justification}`).sort(),
      };
    });

  it('without comment or config both are reported', async () => {
    const got = await scan({ '.github/dependabot.yml': dependabot('') });
    assert.deepEqual(got.findings, ['posture/dependabot-external-code-execution:11 low', 'posture/dependabot-no-cooldown:3 info', 'posture/dependabot-no-cooldown:7 info']);
  });

  it('a # zizmor: ignore[dependabot-cooldown] comment suppresses the finding of its update entry only', async () => {
    const got = await scan({ '.github/dependabot.yml': dependabot(' # zizmor: ignore[dependabot-cooldown]') });
    assert.deepEqual(got.suppressed, ['posture/dependabot-no-cooldown:3 zizmor: ignore[dependabot-cooldown]']);
    assert.deepEqual(got.findings, ['posture/dependabot-external-code-execution:11 low', 'posture/dependabot-no-cooldown:7 info']);
  });

  it('zizmor.yml: disable, ignore by file and line, and remap.severity', async () => {
    const config = 'rules:\n  dependabot-cooldown:\n    ignore:\n      - dependabot.yml:7\n  dependabot-execution:\n    config: {}\n    remap:\n      severity: high\n';
    const got = await scan({ '.github/dependabot.yml': dependabot(''), '.github/zizmor.yml': config });
    assert.deepEqual(got.suppressed, ['posture/dependabot-no-cooldown:7 .github/zizmor.yml: rules.dependabot-cooldown.ignore[0] (dependabot.yml:7)']);
    assert.deepEqual(got.findings, ['posture/dependabot-external-code-execution:11 high', 'posture/dependabot-no-cooldown:3 info']);
    const disabled = await scan({ '.github/dependabot.yml': dependabot(''), 'zizmor.yml': 'rules:\n  dependabot-cooldown:\n    disable: true\n' });
    assert.deepEqual(disabled.findings, ['posture/dependabot-external-code-execution:11 low']);
  });
});

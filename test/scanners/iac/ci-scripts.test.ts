import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { localScriptCalls } from '../../../src/scanners/iac/local-scripts.js';
import { MAX_SCRIPTS } from '../../../src/scanners/iac/ci-scripts.js';
import { gitlabScriptRuns, pipelineScripts, readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { fixturePath } from '../../helpers/paths.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

type Tree = ReturnType<typeof tempTree>;

/**
 * The scan of the staged files of a repository whose first commit holds `files` (and what
 * `prepare` adds to the tree), once `change` has written and staged what the commit changes.
 * The repository is removed after.
 */
async function scanStaged(files: Record<string, string>, change: (t: Tree) => void, prepare?: (t: Tree) => void): Promise<ScanResult> {
  const t = tempTree(files);
  try {
    prepare?.(t);
    initRepo(t.dir);
    commitAll(t.dir, 'init');
    change(t);
    return await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
  } finally {
    t.cleanup();
  }
}

const calls = (script: string, dir: string | undefined = '', scriptDir?: string) => localScriptCalls(script, { dir }, { scriptDir }).map((c) => `${c.how} ${c.path}`);

describe('local scripts a job runs: which commands name one', () => {
  it('takes a path written as the command or as the script of a shell, source or .', () => {
    assert.deepEqual(calls('./ci/build.sh\nci/test.sh arg\nbash -euo pipefail .gitlab-ci/release.sh "$TAG"\nsh -e scripts/deploy.sh\nsource ci/env.sh\n. ./ci/lib.sh\nsudo -E ./ci/root.sh'), [
      'program ci/build.sh',
      'program ci/test.sh',
      'shell .gitlab-ci/release.sh',
      'shell scripts/deploy.sh',
      'source ci/env.sh',
      'source ci/lib.sh',
      'program ci/root.sh',
    ]);
    // Behind the session runners of GUI and D-Bus tests, and timeout (gjs: xvfb-run -a tools/run_coverage.sh).
    assert.deepEqual(calls('xvfb-run -a -s "-screen 0 1024x768x24" tools/run_coverage.sh\ndbus-run-session -- bash ci/test.sh\ntimeout -k 10 30m ./ci/long.sh\ntimeout 5m\nxvfb-run'), [
      'program tools/run_coverage.sh',
      'shell ci/test.sh',
      'program ci/long.sh',
    ]);
  });

  it('resolves against the folder the shell is in, as literal `cd` commands move it, and from the root after $CI_PROJECT_DIR', () => {
    assert.deepEqual(calls('cd ci && ./build.sh\ncd ../tools\nbash ./x.sh\ncd "$CI_PROJECT_DIR"\n./y.sh'), ['program ci/build.sh', 'shell tools/x.sh', 'program y.sh']);
    assert.deepEqual(calls('./publish.sh', 'tools'), ['program tools/publish.sh']);
    assert.deepEqual(calls('"$CI_PROJECT_DIR/ci/build.sh"\n${GITHUB_WORKSPACE}/scripts/x.sh', undefined), ['program ci/build.sh', 'program scripts/x.sh']);
    assert.deepEqual(calls('sh -c "./ci/inner.sh --fast"'), ['program ci/inner.sh']);
    // A `cd` in a subshell ends with it (gitlab-runner: `(cd scripts/pusher && ./pusher ...)`, item after item).
    const state = { dir: '' };
    assert.deepEqual(localScriptCalls('(cd scripts/pusher && go build)\n(cd scripts/pusher && ./pusher a)', state).map((c) => c.path), ['scripts/pusher/pusher']);
    assert.equal(state.dir, '');
    assert.deepEqual(localScriptCalls('(cd tools; (cd sub && ./a.sh); ./b.sh); ./c.sh', state).map((c) => c.path), ['tools/sub/a.sh', 'tools/b.sh', 'c.sh']);
  });

  it('takes `$(dirname "$0")/x.sh` beside the script being read', () => {
    assert.deepEqual(calls('. "$(dirname "$0")/common.sh"\nsource "${BASH_SOURCE%/*}/lib.sh"', '', 'ci'), ['source ci/common.sh', 'source ci/lib.sh']);
    assert.deepEqual(calls('. "$(dirname "$0")/common.sh"'), []);
  });

  it('replaces the variables the CI file gives the job and those the text sets to a path, and no others', () => {
    const env = new Map([['SCRIPTS', 'ci'], ['TOOLS', '$CI_PROJECT_DIR/tools']]);
    const withEnv = (script: string, scriptDir?: string) => localScriptCalls(script, { dir: '' }, { env, ...(scriptDir ? { scriptDir } : {}) }).map((c) => `${c.how} ${c.path}`);
    assert.deepEqual(withEnv('./$SCRIPTS/build.sh\nbash "${TOOLS}/x.sh"\ncd tools && ./$SCRIPTS/y.sh'), ['program ci/build.sh', 'shell tools/x.sh', 'program tools/ci/y.sh']);
    // Set in the text: alone, exported, in a subshell (which it does not outlive); before a command it is only that command's.
    assert.deepEqual(calls('D=lib\n./$D/a.sh\nexport E=ci/sub\nsource "$E/b.sh"\n(F=x; ./$F/c.sh); ./$F/d.sh\nG=y ./$G/e.sh'), ['program lib/a.sh', 'source ci/sub/b.sh', 'program x/c.sh']);
    // Two values (an if and its else), a value not known, a variable the runner sets: none is guessed.
    assert.deepEqual(calls('if [ -n "$X" ]; then D=a; else D=b; fi\n./$D/x.sh\nW=$(mktemp -d)\n$W/y.sh\nCI_PROJECT_DIR=elsewhere\n$CI_PROJECT_DIR/z.sh'), ['program z.sh']);
    assert.deepEqual(withEnv('SCRIPTS=$(pwd)/other\n./$SCRIPTS/build.sh'), []);
  });

  it('takes the script\'s own folder however a script writes it, kept in a variable or not', () => {
    const own = (script: string) => calls(script, '', 'ci/sub');
    assert.deepEqual(own('DIR="$(cd "$(dirname "$0")" && pwd)"\nsource "$DIR/lib.sh"\nbash "$DIR/../x.sh"'), ['source ci/sub/lib.sh', 'shell ci/x.sh']);
    assert.deepEqual(own('ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)\n"${ROOT}/hack/lib.sh"\ncd "$ROOT"\n./y.sh'), ['program ci/hack/lib.sh', 'program ci/y.sh']);
    assert.deepEqual(own('SCRIPT_DIR="$( cd -- "$( dirname -- "${BASH_SOURCE[0]}" )" &> /dev/null && pwd )"\n. $SCRIPT_DIR/common.sh'), ['source ci/sub/common.sh']);
    assert.deepEqual(own('HERE=$(dirname "$(readlink -f "$0")")\n. "$HERE/a.sh"\n. "$(realpath "$(dirname "$0")")/b.sh"\n. "${0%/*}/c.sh"'), ['source ci/sub/a.sh', 'source ci/sub/b.sh', 'source ci/sub/c.sh']);
    assert.deepEqual(calls('DIR="$(cd "$(dirname "$0")" && pwd)"\nsource "$DIR/lib.sh"'), []);
  });

  it('reads `make` commands: the folder (-C), the Makefile (-f), the targets; none for a dry run or targets written with variables', () => {
    const makes = (script: string, dir = '') => localScriptCalls(script, { dir }).map((c) => `${c.how} ${c.path} ${c.make?.dir ?? '-'} [${c.make?.targets.join(' ') ?? ''}]${c.make?.file ? ' -f' : ''}`);
    assert.deepEqual(makes('make\nmake -C sub test lint\nmake -f build/Makefile -j 4 all V=1\ncd docs && make html\nsudo make install\nmake -j$(nproc) -Otarget check\nmake --directory=.. up'), [
      'make Makefile  []',
      'make sub/Makefile sub [test lint]',
      'make build/Makefile  [all] -f',
      'make docs/Makefile docs [html]',
      'make docs/Makefile docs [install]',
      'make docs/Makefile docs [check]',
      'make Makefile  [up]',
    ]);
    assert.deepEqual(makes('make -n x\nmake $(TARGET)\nmake --version\ncd "$WORK" && make\nmake -C /opt/src\nmake -C .. x'), []);
    // The variables the command line sets: make's files do not change them; one the shell makes is not known.
    assert.deepEqual(localScriptCalls('make lint SKIP_LINT=1 GO_ONLY:=1 TAG=$(git describe) OPTS+=-v test-flags=""', { dir: '' }).map((c) => c.make?.variables), [
      [['GO_ONLY', '1'], ['OPTS', undefined], ['SKIP_LINT', '1'], ['TAG', undefined], ['test-flags', '']],
    ]);
    // In a recipe: $(MAKE), and $(CURDIR), the folder make runs in.
    assert.deepEqual(localScriptCalls('$(MAKE) -C $(CURDIR)/sub x\n$(CURDIR)/hack/y.sh', { dir: 'tools' }, { makeDir: 'tools' }).map((c) => `${c.how} ${c.path}`), ['make tools/sub/Makefile', 'program tools/hack/y.sh']);
  });

  it('leaves what it cannot know as written: a PATH lookup, a variable, a glob, an absolute path, a folder after an unknown cd, a climb above the root, stdin and -c of a variable', () => {
    assert.deepEqual(
      calls('build.sh\n"$DIR/build.sh"\n./ci/*.sh\n/usr/local/bin/tool.sh\n../outside.sh\nbash -s < ci/x.sh\ncurl https://example.org/i.sh | bash\nbash -c "$CMD"\necho ./ci/x.sh\nbash -n ci/check.sh\ncd "$WORK" && ./run.sh\npushd ci; ./x.sh'),
      [],
    );
  });
});

describe('local scripts a job runs: a scan', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'ci-scripts'), scannerSet: [iacScanner] });
  });
  const places = () => result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort();
  const finding = (ruleId: string, at: string) => result.findings.find((f) => f.ruleId === ruleId && `${f.location.path}:${f.location.startLine}` === at);

  it('reports the shell-level problems on the script lines, once each, for the scripts jobs run directly and two levels down', () => {
    assert.deepEqual(places(), [
      'iac/gha-curl-pipe-shell tools/publish.sh:3',
      'iac/gha-tls-verification-disabled scripts/helpers/notify.sh:2',
      'iac/gha-tls-verification-disabled scripts/helpers/quoted.sh:2',
      'iac/gha-tls-verification-disabled scripts/release.sh:2',
      'iac/gha-unpinned-package-install tools/publish.sh:2',
      'iac/gitlab-curl-pipe-shell build-tools/scripts/pack.sh:2',
      'iac/gitlab-curl-pipe-shell ci/common.sh:2',
      'iac/gitlab-environment-printed build-tools/Makefile:11',
      'iac/gitlab-environment-printed build-tools/common.mk:2',
      'iac/gitlab-environment-printed ci/build.sh:5',
      'iac/gitlab-environment-printed sub/run.sh:2',
      'iac/gitlab-job-token-sent-elsewhere .gitlab-ci/release.sh:4',
      'iac/gitlab-password-argument ci/build.sh:4',
      'iac/gitlab-secret-printed ci/env.sh:2',
      'iac/gitlab-tls-verification-disabled .gitlab-ci/publish.sh:2',
      'iac/gitlab-tls-verification-disabled build-tools/Makefile:15',
      'iac/gitlab-tls-verification-disabled build-tools/Makefile:7',
      'iac/gitlab-tls-verification-disabled ci/deeper.sh:3',
      'iac/gitlab-tls-verification-disabled ci/lib/helpers.sh:2',
      'iac/gitlab-tls-verification-disabled tools/gitlab/run.sh:3',
    ]);
  });

  it('names the chain of scripts from the job to a script two levels down', () => {
    assert.match(finding('iac/gitlab-tls-verification-disabled', 'ci/deeper.sh:3')!.message, /run by job "build" of \.gitlab-ci\.yml \(through ci\/build\.sh, then ci\/common\.sh\) and 2 other jobs\.$/);
  });

  it('takes paths through the variables the CI file sets (GitLab variables:, GitHub env:, ${{ env.X }}) and the script\'s own folder idiom', () => {
    assert.match(finding('iac/gitlab-tls-verification-disabled', 'ci/lib/helpers.sh:2')!.message, /run by job "vars" of \.gitlab-ci\.yml \(through ci\/vars\.sh\)\.$/);
    assert.deepEqual(finding('iac/gitlab-tls-verification-disabled', 'tools/gitlab/run.sh:3')!.related?.map((r) => `${r.path}:${r.startLine}`), ['.gitlab-ci.yml:36']);
    assert.deepEqual(finding('iac/gha-tls-verification-disabled', 'scripts/helpers/notify.sh:2')!.related?.map((r) => `${r.path}:${r.startLine}`), ['.github/workflows/release.yml:47']);
  });

  it('judges the recipe lines `make TARGET` runs (its prerequisites, $(MAKE) of the same Makefile, an included file), on the Makefile\'s lines, and what they run', () => {
    const curl = finding('iac/gitlab-tls-verification-disabled', 'build-tools/Makefile:7')!;
    assert.equal(curl.message, 'curl --insecure turns off verification in build-tools/Makefile, run by job "package" of .gitlab-ci.yml (make release).');
    assert.deepEqual(curl.related?.map((r) => `${r.path}:${r.startLine} ${r.message}`), ['.gitlab-ci.yml:40 job "package" runs make release']);
    assert.match(finding('iac/gitlab-curl-pipe-shell', 'build-tools/scripts/pack.sh:2')!.message, /run by job "package" of \.gitlab-ci\.yml \(through make release of build-tools\/Makefile\)\.$/);
    // A target no goal reaches and a define block are not recipes make runs.
    assert.ok(!result.findings.some((f) => f.location.path === 'build-tools/Makefile' && f.location.startLine > 16));
  });

  it('names the first job that runs the script and counts the others; each job line is a related location', () => {
    const login = finding('iac/gitlab-password-argument', 'ci/build.sh:4')!;
    assert.equal(login.message, 'podman login is given its password with -p in ci/build.sh, run by job "build" of .gitlab-ci.yml and 2 other jobs; it shows in the process list: pipe it to --password-stdin.');
    assert.deepEqual(login.related?.map((r) => `${r.path}:${r.startLine}`), ['.gitlab-ci.yml:8', '.gitlab-ci.yml:12', '.gitlab-ci.yml:16']);
    assert.match(finding('iac/gitlab-curl-pipe-shell', 'ci/common.sh:2')!.message, /run by job "build" of \.gitlab-ci\.yml \(through ci\/build\.sh\) and 2 other jobs/);
    assert.match(finding('iac/gitlab-tls-verification-disabled', '.gitlab-ci/publish.sh:2')!.message, /run by job "publish" of \.gitlab-ci\/jobs\.yml\.$/);
  });

  it('gives a script that GitHub Actions and GitLab CI jobs both run one finding per problem; a workflow that checks this repository out in a folder runs it from there', () => {
    const tls = result.findings.filter((f) => f.location.path === 'scripts/release.sh');
    assert.equal(tls.length, 1);
    assert.match(tls[0]!.message, /run by job publish step "step 2" of \.github\/workflows\/release\.yml and 4 other jobs\.$/);
    assert.deepEqual(tls[0]!.related?.map((r) => `${r.path}:${r.startLine}`), ['.github/workflows/release.yml:13', '.github/workflows/release.yml:15', '.github/workflows/release.yml:19', '.github/workflows/release.yml:27', '.gitlab-ci.yml:29']);
  });

  it('reads no script three levels down, none a job only names, no program in another language, none of a Windows job, an unknown folder or another repository checked out, and says nothing of absent ones', () => {
    const paths = new Set(result.findings.map((f) => f.location.path));
    for (const unread of ['ci/deepest.sh', 'ci/not-run.sh', 'ci/report.py', 'scripts/windows.sh', 'scripts/other.sh']) assert.ok(!paths.has(unread), unread);
    assert.deepEqual(result.warnings, []);
  });
});

describe('local scripts a job runs: what the scan reads', () => {
  let tree: Tree;
  let outside: Tree;
  before(() => {
    outside = tempTree({ 'evil.sh': '#!/bin/sh\ncurl -k https://example.org/outside\n' });
    tree = tempTree({
      '.gitlab-ci.yml': 'stages: [build]\nbuild:\n  script:\n    - ./ci/linked-out.sh\n    - ./ci/linked-in.sh\n    - ./ci/huge.sh\ntest:\n  script:\n    - ./ci/real.sh\n',
      'ci/real.sh': '#!/bin/sh\ncurl -k https://example.org/inside\n',
      'ci/huge.sh': '#!/bin/sh\n' + '# filler\n'.repeat(40_000) + 'curl -k https://example.org/huge\n',
    });
    symlinkSync(path.join(outside.dir, 'evil.sh'), path.join(tree.dir, 'ci', 'linked-out.sh'));
    symlinkSync('real.sh', path.join(tree.dir, 'ci', 'linked-in.sh'));
  });
  after(() => {
    tree.cleanup();
    outside.cleanup();
  });

  it('follows no symbolic link out of the root and reads no script over the size bound, and says so; a link inside the root is read at its target', async () => {
    const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
    // Run by one job through the link and by another by its own name: one finding.
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`), [
      'iac/gitlab-tls-verification-disabled ci/real.sh:2 curl --insecure turns off verification in ci/real.sh, run by job "build" of .gitlab-ci.yml and 1 other job.',
    ]);
    assert.deepEqual(result.warnings.map((w) => `${w.path}: ${w.message}`).sort(), [
      'ci/huge.sh: ci/huge.sh, run by job "build" of .gitlab-ci.yml, is larger than 256 KiB; its commands were not checked.',
      'ci/linked-out.sh: ci/linked-out.sh, run by job "build" of .gitlab-ci.yml, is reached through a symbolic link that leads out of the scan root; its commands were not checked.',
    ]);
  });

  it(`reads ${MAX_SCRIPTS} scripts at most, and says how many it left`, async () => {
    const files: Record<string, string> = { '.gitlab-ci.yml': `stages: [build]\nbuild:\n  script:\n${Array.from({ length: MAX_SCRIPTS + 2 }, (_, i) => `    - ./ci/s${String(i).padStart(3, '0')}.sh\n`).join('')}` };
    for (let i = 0; i < MAX_SCRIPTS + 2; i++) files[`ci/s${String(i).padStart(3, '0')}.sh`] = '#!/bin/sh\nenv\n';
    const result = await scanIacTree(files);
    assert.equal(result.findings.length, MAX_SCRIPTS);
    assert.deepEqual(result.warnings.map((w) => w.message), [`CI jobs run 2 more local scripts than the ${MAX_SCRIPTS} a scan reads (ci/s064.sh, ci/s065.sh); they were not checked.`]);
  });
});

describe('local scripts a job runs: a scan of staged files', () => {
  it('reads the script from the index, not the working tree, and reports it for a staged change of the job that runs it', async () => {
    const result = await scanStaged({ '.gitlab-ci.yml': 'stages: [build]\nbuild:\n  script:\n    - make\n', 'ci/build.sh': '#!/bin/sh\ncurl -k https://example.org/tool\n' }, (t) => {
      t.write('.gitlab-ci.yml', 'stages: [build]\nbuild:\n  script:\n    - make\n    - ./ci/build.sh\n');
      git(t.dir, 'add', '.gitlab-ci.yml');
      // The working tree's script no longer has the problem, but the commit will keep the index's.
      t.write('ci/build.sh', '#!/bin/sh\ncurl -fsS https://example.org/tool\n');
    });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['iac/gitlab-tls-verification-disabled ci/build.sh:2']);
    assert.deepEqual(result.warnings, []);
  });

  it('judges a staged script whose CI file is not staged, by the CI file of the index: only what the commit changes', async () => {
    const committed = {
      '.gitlab-ci.yml': 'stages: [build]\nbuild:\n  script:\n    - ./ci/build.sh\n',
      '.github/workflows/ci.yml': 'on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bash scripts/release.sh\n',
      'ci/build.sh': '#!/bin/sh\nenv\nmake\n',
      'scripts/release.sh': '#!/bin/sh\nmake release\n',
      'scripts/other.sh': '#!/bin/sh\nmake other\n',
    };
    const result = await scanStaged(committed, (t) => {
      t.write('ci/build.sh', '#!/bin/sh\nenv\nmake\ncurl -k https://example.org/tool\n');
      t.write('scripts/release.sh', '#!/bin/sh\nmake release\ncurl -fsSL https://example.org/i.sh | sh\n');
      t.write('scripts/other.sh', '#!/bin/sh\nmake other\ncurl -k https://example.org/other\n');
      git(t.dir, 'add', 'ci/build.sh', 'scripts/release.sh', 'scripts/other.sh');
    });
    // The env dump of build.sh was committed before: not this commit's. other.sh is run by no job.
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort(), ['iac/gha-curl-pipe-shell scripts/release.sh:3', 'iac/gitlab-tls-verification-disabled ci/build.sh:4']);
    assert.deepEqual(result.warnings, []);
  });

  it('judges a staged script that a composite action outside .github/ runs, by the action file of the index', async () => {
    const action = 'name: Setup\ndescription: x\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: \'"$GITHUB_ACTION_PATH/setup.sh"\'\n';
    const result = await scanStaged({ 'actions/setup/action.yml': action, 'actions/setup/setup.sh': '#!/bin/sh\nmake\n' }, (t) => {
      t.write('actions/setup/setup.sh', '#!/bin/sh\nmake\ncurl -k https://example.org/tool\n');
      git(t.dir, 'add', 'actions/setup/setup.sh');
    });
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`), ['iac/gha-tls-verification-disabled actions/setup/setup.sh:3']);
    assert.deepEqual(result.warnings, []);
  });

  it('follows no symbolic link of the index out of the root, and says so', async () => {
    const result = await scanStaged(
      { '.gitlab-ci.yml': 'stages: [build]\nbuild:\n  script:\n    - make\n' },
      (t) => {
        t.write('.gitlab-ci.yml', 'stages: [build]\nbuild:\n  script:\n    - ./ci-link.sh\n');
        git(t.dir, 'add', '.gitlab-ci.yml');
      },
      (t) => symlinkSync('../../outside.sh', path.join(t.dir, 'ci-link.sh')),
    );
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.warnings.map((w) => w.message), ['ci-link.sh, run by job "build" of .gitlab-ci.yml, is a symbolic link that leads out of the scan root; its commands were not checked.']);
  });
});

describe('local scripts a job runs: GitLab templates taken through extends', () => {
  const templates = [
    'stages: [build]',
    '.build-toolbox:',
    '  before_script:',
    '    - cd tools',
    '  script:',
    '    - ./toolbox.sh "$TARGET"',
    'build-amd64:',
    '  extends: .build-toolbox',
    'build-arm64:',
    '  extends: .arm',
    '.arm:',
    '  extends: .build-toolbox',
    '  variables:',
    '    TARGET: arm64',
    // The last member of extends wins: .quiet's script, .build-toolbox's before_script.
    'lint:',
    '  extends: [.build-toolbox, .quiet]',
    '.quiet:',
    '  script:',
    '    - ./lint.sh',
    // Taken by no job of this file: a template for another file of the pipeline.
    '.release:',
    '  script:',
    '    - ./ci/release.sh',
    '',
  ].join('\n');

  it('credits a template\'s script to the jobs that take it, each in its own shell', () => {
    const runs = gitlabScriptRuns(readPipeline(templates, () => {})!).map((r) => `${r.who} ${r.path}:${r.line}`);
    assert.deepEqual(runs, [
      'job "build-amd64" tools/toolbox.sh:6',
      'job "build-arm64" tools/toolbox.sh:6',
      'job "lint" tools/lint.sh:19',
      'hidden job ".release" ci/release.sh:22',
    ]);
  });

  it('reads the FDO_DISTRIBUTION_EXEC command of a job that builds its image with freedesktop\'s ci-templates, also through a variable it names; not that of a job that only uses the image', () => {
    const source = [
      'stages: [prep, build]',
      'variables:',
      "  DEBIAN_EXEC: 'bash .gitlab-ci/debian-install.sh'",
      '.fedora:',
      '  variables:',
      '    FDO_DISTRIBUTION_EXEC: >-',
      '      ./.gitlab-ci/setup-fedora.sh "$ARCH"',
      'debian@prep:',
      '  extends: .fdo.container-build@debian',
      '  variables:',
      '    FDO_DISTRIBUTION_EXEC: $DEBIAN_EXEC',
      'fedora@prep:',
      '  extends: [.fdo.container-build@fedora@x86_64, .fedora]',
      'fedora@build:',
      '  extends: [.fdo.distribution-image@fedora, .fedora]',
      '  script:',
      '    - meson test -C build',
      '',
    ].join('\n');
    const p = readPipeline(source, () => {})!;
    assert.deepEqual(
      gitlabScriptRuns(p).map((r) => `${r.who} ${r.how} ${r.path}:${r.line}`),
      ['the FDO_DISTRIBUTION_EXEC image setup of job "debian@prep" shell .gitlab-ci/debian-install.sh:3', 'the FDO_DISTRIBUTION_EXEC image setup of job "fedora@prep" program .gitlab-ci/setup-fedora.sh:7'],
    );
    assert.deepEqual(
      [...pipelineScripts(p)].filter((s) => s.key === 'FDO_DISTRIBUTION_EXEC').map((s) => `${s.owner} ${s.keyLine} ${s.text}`),
      ['job debian@prep 3 bash .gitlab-ci/debian-install.sh', 'job fedora@prep 6 ./.gitlab-ci/setup-fedora.sh "$ARCH"'],
    );
  });

  it('in a scan of staged files, reports the template\'s script as run by those jobs', async () => {
    const result = await scanStaged({ '.gitlab-ci.yml': templates, 'tools/toolbox.sh': '#!/bin/sh\nmake\n', 'tools/lint.sh': '#!/bin/sh\nmake lint\n' }, (t) => {
      t.write('tools/toolbox.sh', '#!/bin/sh\nmake\ncurl -k https://example.org/tool\n');
      git(t.dir, 'add', 'tools/toolbox.sh');
      // The working tree's lint.sh has the problem too, but it is not staged.
      t.write('tools/lint.sh', '#!/bin/sh\nmake lint\ncurl -k https://example.org/lint\n');
    });
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.properties.resource}`),
      ['iac/gitlab-tls-verification-disabled tools/toolbox.sh:3 job "build-amd64"'],
    );
    assert.match(result.findings[0]!.message, /run by job "build-amd64" of \.gitlab-ci\.yml and 1 other job\./);
    assert.deepEqual(result.findings[0]!.related?.map((r) => `${r.path}:${r.startLine} ${r.message}`), ['.gitlab-ci.yml:6 job "build-amd64" and 1 other job run tools/toolbox.sh']);
    assert.deepEqual(result.warnings, []);
  });
});

describe('local scripts of a composite action, from its own folder', () => {
  it('resolves $GITHUB_ACTION_PATH (and `cd` to it) against the action folder only when it is known', () => {
    const calls = (script: string, actionDir?: string) => localScriptCalls(script, { dir: '' }, { actionDir }).map((c) => `${c.how} ${c.path}`);
    assert.deepEqual(calls('"$GITHUB_ACTION_PATH/build.sh"\nsource "${GITHUB_ACTION_PATH}/../common/lib.sh"\ncd "$GITHUB_ACTION_PATH" && ./x.sh', '.github/actions/build'), [
      'program .github/actions/build/build.sh',
      'source .github/actions/common/lib.sh',
      'program .github/actions/build/x.sh',
    ]);
    assert.deepEqual(calls('"$GITHUB_ACTION_PATH/build.sh"\ncd "$GITHUB_ACTION_PATH" && ./x.sh'), []);
  });

  it('reads the scripts a composite action runs through ${{ github.action_path }}, $GITHUB_ACTION_PATH or its working-directory, naming the action and who uses it', async () => {
    const result = await runScan({ target: fixturePath('iac', 'gha-action-scripts'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.related?.map((r) => `${r.path}:${r.startLine}`).join(' ')}`).sort(), [
      'iac/gha-curl-pipe-shell .github/actions/build/scripts/build.sh:3 .github/actions/build/action.yml:8',
      'iac/gha-tls-verification-disabled .github/actions/build/helper.sh:3 .github/actions/build/action.yml:17',
      'iac/gha-tls-verification-disabled .github/actions/build/publish.sh:3 .github/actions/build/action.yml:13',
      'iac/gha-tls-verification-disabled .github/actions/common/lib.sh:2 .github/actions/build/action.yml:20',
    ]);
    const build = result.findings.find((f) => f.location.path.endsWith('scripts/build.sh'))!;
    assert.match(build.message, /run by action step "Build" of \.github\/actions\/build\/action\.yml \(an action used by \.github\/workflows\/ci\.yml job test step "Build it"\)\./);
  });
});

describe('local scripts of a composite action outside .github/, from its own folder', () => {
  it('resolves $GITHUB_ACTION_PATH and leaves the workspace unknown when the repository root is not known', () => {
    const calls = (script: string, dir?: string) => localScriptCalls(script, { dir }, { actionDir: 'actions/deploy', rootUnknown: true }).map((c) => `${c.how} ${c.path} ${c.cwd ?? '?'}`);
    assert.deepEqual(calls('"$GITHUB_ACTION_PATH/build.sh"\n./caller.sh\n"$GITHUB_WORKSPACE/caller.sh"\ncd "$GITHUB_ACTION_PATH" && bash ../shared/common.sh\ncd "$GITHUB_WORKSPACE" && ./x.sh'), [
      'program actions/deploy/build.sh ?',
      'shell actions/shared/common.sh actions/deploy',
    ]);
  });

  it('reads the scripts an action at the root or in any folder runs from its folder, one level down included, and not those of its callers\' workspace', async () => {
    const result = await runScan({ target: fixturePath('iac', 'gha-root-action'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.related?.map((r) => `${r.path}:${r.startLine}`).join(' ')}`).sort(), [
      'iac/gha-curl-pipe-shell scripts/lib.sh:2 action.yml:8',
      'iac/gha-tls-verification-disabled actions/shared/common.sh:2 actions/deploy/action.yaml:9',
      'iac/gha-tls-verification-disabled tools/fetch.sh:3 action.yml:12',
    ]);
    const lib = result.findings.find((f) => f.location.path === 'scripts/lib.sh')!;
    assert.match(lib.message, /run by action step "Setup" of action\.yml \(an action used by \.github\/workflows\/ci\.yml job test step "Set up"\) \(through scripts\/setup\.sh\)\./);
    const common = result.findings.find((f) => f.location.path === 'actions/shared/common.sh')!;
    assert.match(common.message, /run by action step "step 1" of actions\/deploy\/action\.yaml \(an action used by \.github\/workflows\/ci\.yml job test step "Deploy"\)\./);
  });
});

describe('local scripts in a scan of the .github folder itself', () => {
  // Written for this test: the workflow and the composite action name their scripts from the repository root, as GitHub runs them.
  const files: Record<string, string> = {
    '.github/workflows/ci.yml':
      'name: ci\non: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n' +
      '      - run: .github/scripts/x.sh\n      - run: bash ./.github/scripts/release.sh "$TAG"\n      - run: cd .github && ./scripts/moved.sh\n      - run: ./scripts/root.sh\n      - run: make -C .github lint\n      - name: Build it\n        uses: ./.github/actions/build\n',
    '.github/actions/build/action.yml':
      'name: Build\ndescription: Builds.\nruns:\n  using: composite\n  steps:\n    - name: Build\n      shell: bash\n      run: "$GITHUB_ACTION_PATH/build.sh"\n    - name: Common\n      shell: bash\n      run: .github/scripts/common.sh\n',
    '.github/actions/build/build.sh': '#!/bin/sh\ncurl -k https://example.org/build\n',
    '.github/scripts/x.sh': '#!/bin/sh\necho x\n./.github/scripts/inner.sh\n',
    '.github/scripts/inner.sh': '#!/bin/sh\ncurl -k https://example.org/inner\n',
    '.github/scripts/release.sh': 'set -e\ncurl -fsSL https://example.org/install.sh | sh\n',
    '.github/scripts/moved.sh': '#!/bin/bash\nwget --no-check-certificate https://example.org/moved\n',
    '.github/scripts/common.sh': '#!/bin/sh\ncurl --insecure https://example.org/common\n',
    '.github/Makefile': 'lint:\n\tcurl -k https://example.org/lint\n',
    'scripts/root.sh': '#!/bin/sh\ncurl -k https://example.org/root\n',
  };
  const scanOf = async (sub: string) => {
    const t = tempTree(files);
    try {
      const result = await runScan({ target: path.join(t.dir, sub), scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      // Paths from the repository root, whatever the scan's root.
      const prefix = sub === '.' ? '' : `${sub}/`;
      return result.findings
        .filter((f) => f.properties?.localScript === true)
        .map((f) => `${f.ruleId} ${prefix}${f.location.path}:${f.location.startLine} ${f.related?.map((r) => `${prefix}${r.path}:${r.startLine}`).join(' ')}`)
        .sort();
    } finally {
      t.cleanup();
    }
  };

  it('follows the scripts that workflows and actions run from the repository root, as a scan of the root does', async () => {
    const fromRoot = await scanOf('.');
    assert.deepEqual(fromRoot, [
      'iac/gha-curl-pipe-shell .github/scripts/release.sh:2 .github/workflows/ci.yml:13',
      'iac/gha-tls-verification-disabled .github/Makefile:2 .github/workflows/ci.yml:16',
      'iac/gha-tls-verification-disabled .github/actions/build/build.sh:2 .github/actions/build/action.yml:8',
      'iac/gha-tls-verification-disabled .github/scripts/common.sh:2 .github/actions/build/action.yml:11',
      'iac/gha-tls-verification-disabled .github/scripts/inner.sh:2 .github/workflows/ci.yml:12',
      'iac/gha-tls-verification-disabled .github/scripts/moved.sh:2 .github/workflows/ci.yml:14',
      'iac/gha-tls-verification-disabled scripts/root.sh:2 .github/workflows/ci.yml:15',
    ]);
    // The scripts outside .github are outside the scan: not read, and no warning.
    assert.deepEqual(await scanOf('.github'), fromRoot.filter((f) => !f.includes(' scripts/root.sh')));
  });

  it('judges a staged script in a scan of the staged files of .github, by the workflow and the action of the index', async () => {
    const t = tempTree(files);
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('.github/scripts/release.sh', 'set -e\necho release\n');
      t.write('.github/scripts/common.sh', '#!/bin/sh\necho common\n');
      commitAll(t.dir, 'quiet scripts');
      t.write('.github/scripts/release.sh', 'set -e\ncurl -fsSL https://example.org/install.sh | sh\n');
      t.write('.github/scripts/common.sh', '#!/bin/sh\ncurl --insecure https://example.org/common\n');
      git(t.dir, 'add', '.github/scripts/release.sh', '.github/scripts/common.sh');
      const result = await runScan({ target: path.join(t.dir, '.github'), staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.related?.map((r) => `${r.path}:${r.startLine}`).join(' ')}`).sort(), [
        'iac/gha-curl-pipe-shell scripts/release.sh:2 workflows/ci.yml:13',
        'iac/gha-tls-verification-disabled scripts/common.sh:2 actions/build/action.yml:11',
      ]);
    } finally {
      t.cleanup();
    }
  });

  it('reads nothing outside a scan of .github/workflows or .github/actions, and says nothing of it', async () => {
    assert.deepEqual(await scanOf('.github/workflows'), []);
    assert.deepEqual(await scanOf('.github/actions'), ['iac/gha-tls-verification-disabled .github/actions/build/build.sh:2 .github/actions/build/action.yml:8']);
  });

  it('names the files as the scan does', async () => {
    const t = tempTree(files);
    try {
      const result = await runScan({ target: path.join(t.dir, '.github'), scannerSet: [iacScanner] });
      const inner = result.findings.find((f) => f.location.path === 'scripts/inner.sh');
      assert.match(inner?.message ?? '', /run by job test step "step 2" of workflows\/ci\.yml \(through scripts\/x\.sh\)\./);
    } finally {
      t.cleanup();
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';
import { githubScanPrefix } from '../../../src/scanners/iac/github/callers.js';

const INJECTION = /^iac\/gha-(?:template|github-env)-injection$/;

/** `rule path:line severity` of the injection findings of a scanned tree. */
async function injections(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings
      .filter((f) => INJECTION.test(f.ruleId))
      .map((f) => `${f.ruleId.replace('iac/gha-', '')} ${f.location.path}:${f.location.startLine} ${f.severity}`)
      .sort();
  } finally {
    t.cleanup();
  }
}

async function messages(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => INJECTION.test(f.ruleId)).map((f) => f.message);
  } finally {
    t.cleanup();
  }
}

const action = (run: string) => `name: pack\ndescription: pack it\ninputs:\n  label:\n    required: true\n  flavour:\n    default: plain\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: ${run}\n`;
const workflow = (on: string, steps: string, extra = '') => `name: ci\non: ${on}\npermissions:\n  contents: read\n${extra}jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
const reusable = (inputs: string[], run: string) =>
  `name: part\non:\n  workflow_call:\n    inputs:\n${inputs.map((i) => `      ${i}:\n        type: string\n`).join('')}permissions:\n  contents: read\njobs:\n  part:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;

test('a local composite action whose callers pass only constants, runner.* and env constants has no injection', async () => {
  const got = await injections({
    '.github/actions/pack/action.yml': action('./pack.sh "${{ inputs.label }}-${{ inputs.flavour }}"'),
    '.github/workflows/ci.yml': workflow('[push, pull_request]', '      - uses: ./.github/actions/pack\n        with:\n          label: ${{ runner.os }}-${{ env.LEVEL }}\n', 'env:\n  LEVEL: 3\n'),
  });
  assert.deepEqual(got, []);
});

test('a caller that passes an issue title makes the action input attacker-controlled, rated for the caller', async () => {
  const files = {
    '.github/actions/pack/action.yml': action('./pack.sh "${{ inputs.label }}"'),
    '.github/workflows/ci.yml': workflow('push', '      - uses: ./.github/actions/pack\n        with:\n          label: fixed\n'),
    '.github/workflows/triage.yml': workflow('issues', '      - uses: ./.github/actions/pack/\n        with:\n          label: ${{ github.event.issue.title }}\n'),
  };
  assert.deepEqual(await injections(files), ['template-injection .github/actions/pack/action.yml:12 critical']);
  assert.match((await messages(files))[0]!, /inputs\.label \(an action input that \.github\/workflows\/triage\.yml job build step "\.\/\.github\/actions\/pack\/" fills with github\.event\.issue\.title\)/);
  // Through a tainted env of the calling step, on an unprivileged trigger: high.
  const viaEnv = await injections({
    ...files,
    '.github/workflows/triage.yml': workflow('pull_request', '      - uses: ./.github/actions/pack\n        env:\n          BRANCH: ${{ github.head_ref }}\n        with:\n          label: x-${{ env.BRANCH }}\n'),
  });
  assert.deepEqual(viaEnv, ['template-injection .github/actions/pack/action.yml:12 high']);
});

test('reusable workflow inputs: literal callers are safe; a forwarded input is followed to its own callers', async () => {
  const part = reusable(['arch'], './configure --cpu ${{ inputs.arch }}');
  const literal = 'name: ci\non: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  x64:\n    uses: ./.github/workflows/part.yml\n    with:\n      arch: x64\n  arm:\n    uses: ./.github/workflows/part.yml\n    with:\n      arch: arm64\n';
  assert.deepEqual(await injections({ '.github/workflows/part.yml': part, '.github/workflows/ci.yml': literal }), []);
  // middle.yml forwards its own input; its only caller passes the pull request's branch name.
  const middle = 'name: middle\non:\n  workflow_call:\n    inputs:\n      target:\n        type: string\npermissions:\n  contents: read\njobs:\n  go:\n    uses: ./.github/workflows/part.yml\n    with:\n      arch: ${{ inputs.target }}\n';
  const outer = (value: string, on = 'pull_request') => `name: outer\non: ${on}\npermissions:\n  contents: read\njobs:\n  call:\n    uses: ./.github/workflows/middle.yml\n    with:\n      target: ${value}\n`;
  const files = { '.github/workflows/part.yml': part, '.github/workflows/ci.yml': literal, '.github/workflows/middle.yml': middle };
  assert.deepEqual(await injections({ ...files, '.github/workflows/outer.yml': outer('${{ github.head_ref }}') }), ['template-injection .github/workflows/part.yml:13 high']);
  assert.deepEqual(await injections({ ...files, '.github/workflows/outer.yml': outer("${{ format('{0}-x', github.ref_name) }}") }), []);
  // A workflow_dispatch input comes from someone allowed to run the workflow.
  const dispatched = 'name: outer\non:\n  workflow_dispatch:\n    inputs:\n      target:\n        type: string\npermissions:\n  contents: read\njobs:\n  call:\n    uses: ./.github/workflows/middle.yml\n    with:\n      target: ${{ inputs.target }}\n';
  assert.deepEqual(await injections({ ...files, '.github/workflows/outer.yml': dispatched }), []);
  // With no caller of middle.yml in the scan, the chain ends in an unknown: reported, at medium.
  assert.deepEqual(await injections(files), ['template-injection .github/workflows/part.yml:13 medium']);
});

test('no caller found: an internal action is low, an action other repositories use stays medium even with safe local callers', async () => {
  assert.deepEqual(await injections({ '.github/actions/pack/action.yml': action('./pack.sh "${{ inputs.label }}"') }), ['template-injection .github/actions/pack/action.yml:12 low']);
  const published = await injections({
    'action.yml': action('./pack.sh "${{ inputs.label }}"'),
    '.github/workflows/self-test.yml': workflow('push', '      - uses: ./\n        with:\n          label: smoke\n'),
  });
  assert.deepEqual(published, ['template-injection action.yml:12 medium']);
});

test('github-env-injection never rates an input above template-injection: an input with unknown callers, directly or through env', async () => {
  const wf =
    'name: notes\non:\n  workflow_call:\n    inputs:\n      plan:\n        type: string\n      arch:\n        type: string\npermissions: {}\njobs:\n  note:\n    runs-on: ubuntu-latest\n    env:\n      TAG: ${{ fromJson(inputs.plan).tag }}\n    steps:\n      - run: echo "ARTIFACT=build_${{ inputs.arch }}" >> "$GITHUB_ENV"\n      - run: echo "BRANCH=notes-$TAG" >> "$GITHUB_ENV"\n';
  assert.deepEqual(await injections({ '.github/workflows/notes.yml': wf }), [
    'github-env-injection .github/workflows/notes.yml:16 medium',
    'github-env-injection .github/workflows/notes.yml:17 medium',
    'template-injection .github/workflows/notes.yml:16 medium',
  ]);
  const caller = 'name: ci\non: push\npermissions: {}\njobs:\n  notes:\n    uses: ./.github/workflows/notes.yml\n    with:\n      plan: ${{ needs.plan.outputs.json }}\n      arch: x64\n';
  assert.deepEqual(await injections({ '.github/workflows/notes.yml': wf, '.github/workflows/ci.yml': caller }), []);
});

test('callers: a checkout below the workspace (./src/app/.github/actions/x) and cycles between actions', async () => {
  const got = await injections({
    '.github/actions/pack/action.yml': action('./pack.sh "${{ inputs.label }}"'),
    '.github/workflows/ci.yml': workflow('push', '      - uses: ./src/app/.github/actions/pack\n        with:\n          label: fixed\n'),
  });
  assert.deepEqual(got, []);
  // a forwards its input to b and b to a: nothing from outside ever enters.
  const forward = (to: string) => `name: ${to}\ndescription: d\ninputs:\n  v:\n    required: true\nruns:\n  using: composite\n  steps:\n    - uses: ./.github/actions/${to}\n      with:\n        v: \${{ inputs.v }}\n    - shell: bash\n      run: echo \${{ inputs.v }}\n`;
  const cycle = await injections({ '.github/actions/a/action.yml': forward('b'), '.github/actions/b/action.yml': forward('a') });
  assert.deepEqual(cycle, []);
});

test('an input of a local composite action that it only hands on as a cache action\'s key names a cache entry, not a credential', async () => {
  const secrets = async (files: Record<string, string>): Promise<string[]> => {
    const t = tempTree(files);
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      return result.findings.filter((f) => f.ruleId === 'iac/gha-hardcoded-secret').map((f) => `${f.location.path}:${f.location.startLine}`);
    } finally {
      t.cleanup();
    }
  };
  const rustup = (extra = '') =>
    `name: rustup\ndescription: install rust\ninputs:\n  shared-key:\n    default: warm\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: rustup set profile minimal\n    - uses: Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0\n      with:\n        shared-key: \${{ inputs.shared-key }}\n${extra}`;
  const ci = workflow('push', '      - uses: ./.github/actions/rustup\n        with:\n          shared-key: linux-debug\n');
  assert.deepEqual(await secrets({ '.github/actions/rustup/action.yml': rustup(), '.github/workflows/ci.yml': ci }), []);
  // Read somewhere else too (here a script's env), the value may be a credential after all.
  const alsoUsed = rustup('    - shell: bash\n      env:\n        KEY: ${{ inputs.shared-key }}\n      run: ./upload.sh\n');
  assert.deepEqual(await secrets({ '.github/actions/rustup/action.yml': alsoUsed, '.github/workflows/ci.yml': ci }), ['.github/workflows/ci.yml:11']);
  // An action that hands it to something other than a cache key.
  const storage = rustup().replace('Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0', 'example/upload-to-storage@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v1.0.0');
  assert.deepEqual(await secrets({ '.github/actions/rustup/action.yml': storage, '.github/workflows/ci.yml': ci }), ['.github/workflows/ci.yml:11']);
});

test('a reusable workflow that a release workflow calls builds the release: its cache is reported with the caller\'s trigger', async () => {
  const poisoning = async (files: Record<string, string>): Promise<string[]> => {
    const t = tempTree(files);
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      return result.findings.filter((f) => f.ruleId === 'iac/gha-release-cache-poisoning').map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);
    } finally {
      t.cleanup();
    }
  };
  const build = 'name: build\non:\n  workflow_call:\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go build -o dist/tool ./cmd/tool\n';
  const caller = (on: string, condition = '') => `name: release\non:\n${on}\npermissions:\n  contents: read\njobs:\n  build:\n${condition}    uses: ./.github/workflows/build.yml\n`;
  const tags = '  push:\n    tags: ["v*"]\n';
  const got = await poisoning({ '.github/workflows/build.yml': build, '.github/workflows/release.yml': caller(tags) });
  assert.equal(got.length, 1);
  assert.match(got[0]!, /^\.github\/workflows\/build\.yml:10 .*runs on push of tags \(through \.github\/workflows\/release\.yml job build\)/);
  // Called for pull requests only, or kept out of tag pushes by the calling job's if:, it builds no release.
  assert.deepEqual(await poisoning({ '.github/workflows/build.yml': build, '.github/workflows/ci.yml': caller('  pull_request:\n') }), []);
  assert.deepEqual(await poisoning({ '.github/workflows/build.yml': build, '.github/workflows/release.yml': caller(tags, "    if: \"!startsWith(github.ref, 'refs/tags/')\"\n") }), []);
  // Called by the tag workflow's test job, a workflow that publishes nothing runs tests (buildkit's .test.yml).
  const tests = caller(tags).replace('jobs:\n  build:\n', 'jobs:\n  test:\n');
  assert.deepEqual(await poisoning({ '.github/workflows/build.yml': build, '.github/workflows/release.yml': tests }), []);
  // Unless the called workflow publishes itself, whatever the calling job is named.
  const publishing = build.replace('go build -o dist/tool ./cmd/tool', 'gh release upload "$GITHUB_REF_NAME" dist/tool');
  assert.equal((await poisoning({ '.github/workflows/build.yml': publishing, '.github/workflows/release.yml': tests })).length, 1);
});

/** `path:line severity` of the dangerous-trigger findings of a scanned tree. */
async function dangerousTriggers(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings
      .filter((f) => f.ruleId === 'iac/gha-dangerous-trigger')
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`)
      .sort();
  } finally {
    t.cleanup();
  }
}

test('a workflow_run whose upstream workflows only maintainers start (push, schedule, dispatch) is not a dangerous trigger', async () => {
  const follower = (names: string) => `name: publish\non:\n  workflow_run:\n    workflows: ${names}\n    branches: [main]\n    types: [completed]\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n      - run: ./publish.sh\n`;
  const upstream = (name: string, on: string) => `${name ? `name: ${name}\n` : ''}on: ${on}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./build.sh\n`;
  // Started only by pushes, a schedule and maintainers' dispatches: no fork causes a run it follows.
  assert.deepEqual(await dangerousTriggers({ '.github/workflows/publish.yml': follower('["nightly"]'), '.github/workflows/nightly.yml': upstream('nightly', '{push: {branches: [main]}, schedule: [{cron: "0 3 * * *"}], workflow_dispatch: {}}') }), []);
  // A workflow without name: is matched by its path; a chain of workflow_runs is followed to where it starts.
  assert.deepEqual(
    await dangerousTriggers({
      '.github/workflows/publish.yml': follower('[".github/workflows/build.yml"]'),
      '.github/workflows/build.yml': upstream('', '[push, release]'),
    }),
    [],
  );
  const chain = (start: string) => ({
    '.github/workflows/publish.yml': follower('[middle]'),
    '.github/workflows/middle.yml': `name: middle\non:\n  workflow_run:\n    workflows: [first]\n    types: [completed]\npermissions: {}\njobs:\n  go:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./go.sh\n`,
    '.github/workflows/first.yml': upstream('first', start),
  });
  assert.deepEqual(await dangerousTriggers(chain('push')), []);
  // Any upstream run a fork can cause, anywhere up the chain, keeps the finding.
  assert.deepEqual(await dangerousTriggers(chain('[push, pull_request]')), ['.github/workflows/middle.yml:3 low', '.github/workflows/publish.yml:3 medium']);
  assert.deepEqual(await dangerousTriggers({ '.github/workflows/publish.yml': follower('[nightly, tests]'), '.github/workflows/nightly.yml': upstream('nightly', 'schedule'), '.github/workflows/tests.yml': upstream('tests', 'pull_request') }), ['.github/workflows/publish.yml:3 medium']);
  // An upstream workflow not in the scan (or named by a pattern) may be anything.
  assert.deepEqual(await dangerousTriggers({ '.github/workflows/publish.yml': follower('[elsewhere]') }), ['.github/workflows/publish.yml:3 medium']);
  assert.deepEqual(await dangerousTriggers({ '.github/workflows/publish.yml': follower('["night*"]'), '.github/workflows/nightly.yml': upstream('nightly', 'push') }), ['.github/workflows/publish.yml:3 medium']);
});

test('template injection in a workflow_run that follows only maintainers\' runs: the branch is the repository\'s own, a commit message is a push\'s', async () => {
  const follower = `name: publish\non:\n  workflow_run:\n    workflows: [nightly]\n    types: [completed]\npermissions:\n  contents: read\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./publish.sh "\${{ github.event.workflow_run.head_branch }}" "\${{ github.event.workflow.path }}"\n      - run: echo "\${{ github.event.workflow_run.head_commit.message }}"\n`;
  const upstream = (on: string) => `name: nightly\non: ${on}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./build.sh\n`;
  assert.deepEqual(await injections({ '.github/workflows/publish.yml': follower, '.github/workflows/nightly.yml': upstream('[push, schedule]') }), ['template-injection .github/workflows/publish.yml:13 high']);
  // A fork's pull request can start the upstream: its branch name, workflow file and commit message are the fork's, with the follower's privileges.
  assert.deepEqual(await injections({ '.github/workflows/publish.yml': follower, '.github/workflows/nightly.yml': upstream('[push, pull_request]') }), [
    'template-injection .github/workflows/publish.yml:12 critical',
    'template-injection .github/workflows/publish.yml:12 critical',
    'template-injection .github/workflows/publish.yml:13 critical',
  ]);
});

test('a workflow_run that follows only maintainers\' runs checks out the repository\'s own commit, not a pull request\'s', async () => {
  const follower = `name: publish\non:\n  workflow_run:\n    workflows: [nightly]\n    types: [completed]\npermissions:\n  contents: read\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: \${{ github.event.workflow_run.head_sha }}\n          persist-credentials: false\n      - run: |\n          git fetch origin \${{ github.event.workflow_run.head_branch }}\n          git checkout FETCH_HEAD\n      - run: make publish\n        env:\n          TOKEN: \${{ secrets.PUBLISH_TOKEN }}\n`;
  const upstream = (on: string) => `name: nightly\non: ${on}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./build.sh\n`;
  const checkouts = async (on: string) => {
    const t = tempTree({ '.github/workflows/publish.yml': follower, '.github/workflows/nightly.yml': upstream(on) });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      return result.findings.filter((f) => /^iac\/gha-(?:untrusted-checkout|dangerous-trigger)$/.test(f.ruleId)).map((f) => `${f.ruleId.replace('iac/gha-', '')} ${f.location.startLine} ${f.severity}`).sort();
    } finally {
      t.cleanup();
    }
  };
  assert.deepEqual(await checkouts('[push, schedule]'), []);
  // A fork's pull request can start the upstream: its head is the fork's code, checked out with secrets.
  const forked = await checkouts('[push, pull_request]');
  assert.ok(forked.includes('untrusted-checkout 14 critical'), forked.join(', '));
  assert.ok(forked.includes('dangerous-trigger 3 high'), forked.join(', '));
});

test('a workflow_run that follows only maintainers\' runs downloads the repository\'s own artifacts: what it reads from them is not a fork\'s', async () => {
  const follower = `name: publish\non:\n  workflow_run:\n    workflows: [nightly]\n    types: [completed]\npermissions:\n  contents: read\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          name: meta\n          run-id: \${{ github.event.workflow_run.id }}\n          github-token: \${{ github.token }}\n      - run: echo "VERSION=$(cat ./version)" >> "$GITHUB_ENV"\n      - id: meta\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          result-encoding: string\n          script: return require('fs').readFileSync('./notes', 'utf8');\n      - run: ./publish.sh "\${{ steps.meta.outputs.result }}"\n`;
  const upstream = (on: string) => `name: nightly\non: ${on}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./build.sh\n`;
  const got = async (on: string) => {
    const t = tempTree({ '.github/workflows/publish.yml': follower, '.github/workflows/nightly.yml': upstream(on) });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      return result.findings.filter((f) => /^iac\/gha-(?:template|github-env)-injection$/.test(f.ruleId)).map((f) => `${f.ruleId.replace('iac/gha-', '')} ${f.location.startLine}`).sort();
    } finally {
      t.cleanup();
    }
  };
  assert.deepEqual(await got('[push, release]'), []);
  assert.deepEqual(await got('[push, pull_request]'), ['github-env-injection 17', 'template-injection 23']);
});

test('a scan of the .github folder alone (or a folder in it) finds the callers that name ./.github/...', async () => {
  const files = {
    '.github/actions/pack/action.yml': action('./pack.sh "${{ inputs.label }}"'),
    '.github/workflows/part.yml': reusable(['arch'], './configure --cpu ${{ inputs.arch }}'),
    '.github/workflows/ci.yml':
      'name: ci\non: push\npermissions:\n  contents: read\njobs:\n  x64:\n    uses: ./.github/workflows/part.yml\n    with:\n      arch: x64\n  pack:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/pack\n        with:\n          label: fixed\n',
    '.github/workflows/publish.yml':
      'name: publish\non:\n  workflow_run:\n    workflows: [ci]\n    types: [completed]\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./publish.sh\n',
  };
  const scanOf = async (sub: string) => {
    const t = tempTree(files);
    try {
      const result = await runScan({ target: path.join(t.dir, sub), scannerSet: [iacScanner] });
      return result.findings
        .filter((f) => INJECTION.test(f.ruleId) || f.ruleId === 'iac/gha-dangerous-trigger')
        .map((f) => `${f.ruleId.replace('iac/gha-', '')} ${f.location.path}:${f.location.startLine} ${f.severity}`)
        .sort();
    } finally {
      t.cleanup();
    }
  };
  // From the repository root: the callers pass constants, and ci (the upstream of publish) only pushes start.
  assert.deepEqual(await scanOf('.'), []);
  // The same files from .github: the same judgments (the action is an internal one, not one other repositories use).
  assert.deepEqual(await scanOf('.github'), []);
  // From .github/actions: the callers are outside the scan, so the internal action's input is unknown, and low.
  assert.deepEqual(await scanOf('.github/actions'), ['template-injection pack/action.yml:12 low']);
  assert.equal(githubScanPrefix('/home/me/repo/.github'), '.github/');
  assert.equal(githubScanPrefix('/home/me/repo/.github/workflows/'), '.github/workflows/');
  assert.equal(githubScanPrefix('C:\\work\\repo\\.github\\actions'), '.github/actions/');
  assert.equal(githubScanPrefix('/home/me/repo'), '');
});

test('a job that calls a reusable workflow of the scan which sets permissions for all its jobs does not run with the default token', async () => {
  const got = async (callee: string) => {
    const t = tempTree({
      '.github/workflows/labeled.yml': 'name: labeled\non:\n  pull_request:\n    types: [labeled]\njobs:\n  suite:\n    uses: ./.github/workflows/suite.yml\n  other:\n    uses: ./.github/workflows/absent.yml\n',
      '.github/workflows/suite.yml': callee,
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      return result.findings.filter((f) => f.ruleId === 'iac/gha-missing-permissions').map((f) => `${f.location.path}:${f.location.startLine}`).sort();
    } finally {
      t.cleanup();
    }
  };
  const job = (permissions: string) => `  test:\n${permissions}    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n`;
  const suite = (top: string, jobs: string) => `name: suite\non:\n  workflow_call:\n  pull_request:\n${top}jobs:\n${jobs}`;
  // The callee's permissions (at its top, or on every job) are what its jobs get; a callee not in the scan is not known.
  assert.deepEqual(await got(suite('permissions:\n  contents: read\n', job(''))), ['.github/workflows/labeled.yml:8']);
  assert.deepEqual(await got(suite('', job('    permissions:\n      contents: read\n'))), ['.github/workflows/labeled.yml:8']);
  // A callee job left to the default: the caller's grant reaches it (and the callee's own job is reported).
  assert.deepEqual(await got(suite('', job('    permissions:\n      contents: read\n') + job('').replace('test:', 'lint:'))), ['.github/workflows/labeled.yml:6', '.github/workflows/labeled.yml:8', '.github/workflows/suite.yml:12']);
});

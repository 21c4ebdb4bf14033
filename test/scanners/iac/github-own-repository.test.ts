import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownPath, remoteRepository, repositoryName } from '../../../src/scanners/iac/github/own-repository.js';
import { CHECKOUT, checkoutFindings, scanTree } from '../../helpers/gha-checkouts.js';

/** The checkout and trigger findings of a tree scanned as a git repository whose origin is `remote` (none when undefined). */
const findings = (files: Record<string, string>, remote?: string) => checkoutFindings(files, { git: { remote } });

/** A tree scanned as the repository example-org/app. */
const APP = { git: { remote: 'https://github.com/example-org/app.git' } };

const at = async (files: Record<string, string>, remote?: string) => (await findings(files, remote)).map((f) => f.at);

/** A pull_request_target workflow whose job `build` calls `uses` with the head sha. */
const caller = (uses: string) =>
  `name: pr\non:\n  pull_request_target:\n    types: [opened, synchronize]\npermissions:\n  contents: read\njobs:\n  build:\n    uses: ${uses}\n    with:\n      ref: \${{ github.event.pull_request.head.sha }}\n    secrets: inherit\n`;

/** A reusable workflow that checks out its `ref` input and builds it. */
const callee = `name: build\non:\n  workflow_call:\n    inputs:\n      ref:\n        type: string\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${CHECKOUT}\n        with:\n          ref: \${{ inputs.ref }}\n          persist-credentials: false\n      - run: npm ci && npm test\n`;

const REUSED = (uses: string) => ({ '.github/workflows/pr.yml': caller(uses), '.github/workflows/build.yml': callee });
const CRITICAL = ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical'];
const NOT_FOLLOWED = ['dangerous-trigger .github/workflows/pr.yml:3 medium'];

test('the origin remote names the repository: https, scp-like ssh, ssh://, an Enterprise host; nothing else', () => {
  assert.equal(remoteRepository('https://github.com/example-org/app.git'), 'example-org/app');
  assert.equal(remoteRepository('https://github.com/example-org/app'), 'example-org/app');
  assert.equal(remoteRepository('https://github.com/example-org/app/'), 'example-org/app');
  assert.equal(remoteRepository('git@github.com:example-org/app.git'), 'example-org/app');
  assert.equal(remoteRepository('github.com:example-org/app'), 'example-org/app');
  assert.equal(remoteRepository('ssh://git@github.com/example-org/app.git'), 'example-org/app');
  assert.equal(remoteRepository('ssh://git@github.com:22/example-org/app.git'), 'example-org/app');
  assert.equal(remoteRepository('https://user@github.example.com/example-org/app.js.git'), 'example-org/app.js');
  assert.equal(remoteRepository('git@github.example.com:Example-Org/App.git'), 'Example-Org/App');
  // A GitLab subgroup, a local path, a file URL, a Windows path: no owner/repo.
  assert.equal(remoteRepository('https://gitlab.example.com/group/sub/app.git'), undefined);
  assert.equal(remoteRepository('/srv/git/app.git'), undefined);
  assert.equal(remoteRepository('../app'), undefined);
  assert.equal(remoteRepository('file:///srv/git/example-org/app.git'), undefined);
  assert.equal(remoteRepository('C:\\repos\\app'), undefined);
  assert.equal(remoteRepository('https://github.com/example-org'), undefined);
  assert.equal(repositoryName('example-org/app'), 'example-org/app');
  assert.equal(repositoryName('example-org/..'), undefined);
  assert.equal(repositoryName('example-org'), undefined);
});

test('a uses: of the repository by its full name is its path; another repository, of the same owner too, is not', () => {
  assert.equal(ownPath('example-org/app/.github/workflows/build.yml@main', 'example-org/app'), '.github/workflows/build.yml');
  assert.equal(ownPath('Example-Org/APP/.github/actions/setup@v1', 'example-org/app'), '.github/actions/setup');
  assert.equal(ownPath('example-org/app@v1', 'example-org/app'), '');
  assert.equal(ownPath('example-org/app-tools/.github/workflows/build.yml@main', 'example-org/app'), undefined);
  assert.equal(ownPath('example-org/other/.github/workflows/build.yml@main', 'example-org/app'), undefined);
  assert.equal(ownPath('other-org/app/.github/workflows/build.yml@main', 'example-org/app'), undefined);
  assert.equal(ownPath('./.github/workflows/build.yml', 'example-org/app'), undefined);
  assert.equal(ownPath('example-org/app/.github/workflows/build.yml', 'example-org/app'), undefined);
  assert.equal(ownPath('example-org/app/.github/workflows/build.yml@main', undefined), undefined);
});

test('a pull_request_target job that passes the head to its own reusable workflow by full name: followed as a local one, and the message says whose file stands for the ref', async () => {
  const uses = 'example-org/app/.github/workflows/build.yml@main';
  const got = await findings(REUSED(uses), 'https://github.com/example-org/app.git');
  assert.deepEqual(got.map((f) => f.at), CRITICAL);
  const checkout = got.find((f) => f.at.startsWith('untrusted-checkout'))!.message;
  assert.match(checkout, /job build calls example-org\/app\/\.github\/workflows\/build\.yml@main \(this repository's \.github\/workflows\/build\.yml, as this checkout has it\), whose job test step .* checks out pull request code \(\$\{\{ inputs\.ref \}\}, which job build passes as/);
  // The names compare without case, and an ssh remote tells the same.
  assert.deepEqual(await at(REUSED('Example-Org/App/.github/workflows/build.yml@v2'), 'git@github.com:example-org/app.git'), CRITICAL);
  // As a local call does.
  assert.deepEqual(await at(REUSED('./.github/workflows/build.yml')), CRITICAL);
});

test('without a known name, or with another repository of the same owner, a full-name call is not followed', async () => {
  const uses = 'example-org/app/.github/workflows/build.yml@main';
  assert.deepEqual(await at(REUSED(uses)), NOT_FOLLOWED);
  assert.deepEqual(await at(REUSED(uses), 'https://github.com/example-org/app-fork.git'), NOT_FOLLOWED);
  assert.deepEqual(await at(REUSED('example-org/shared/.github/workflows/build.yml@main'), 'https://github.com/example-org/app.git'), NOT_FOLLOWED);
  // A remote that names no owner/repo.
  assert.deepEqual(await at(REUSED(uses), '/srv/git/app.git'), NOT_FOLLOWED);
});

test('a composite action of the repository used by its full name checks out what its step passes it', async () => {
  const action = `name: checkout-pr\ninputs:\n  ref:\n    required: true\nruns:\n  using: composite\n  steps:\n    - uses: ${CHECKOUT}\n      with:\n        ref: \${{ inputs.ref }}\n`;
  const workflow = (uses: string) =>
    `name: pr\non:\n  pull_request_target:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n      - run: make test\n`;
  const files = (uses: string) => ({ '.github/workflows/pr.yml': workflow(uses), '.github/actions/checkout-pr/action.yml': action });
  const got = await findings(files('example-org/app/.github/actions/checkout-pr@v1'), 'https://github.com/example-org/app');
  assert.deepEqual(got.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:12 critical']);
  assert.match(got[1]!.message, /which the action example-org\/app\/\.github\/actions\/checkout-pr@v1 \(this repository's \.github\/actions\/checkout-pr, as this checkout has it\) checks out/);
  assert.deepEqual(await at(files('example-org/app/.github/actions/checkout-pr@v1')), ['dangerous-trigger .github/workflows/pr.yml:3 low']);
});

test('secloop.yaml names the repository when git does not', async () => {
  const uses = 'example-org/app/.github/workflows/build.yml@main';
  assert.deepEqual(await at({ ...REUSED(uses), 'secloop.yaml': 'iac:\n  githubRepository: example-org/app\n' }), CRITICAL);
  // It wins over the remote.
  assert.deepEqual(await at({ ...REUSED(uses), 'secloop.yaml': 'iac:\n  githubRepository: example-org/other\n' }, 'https://github.com/example-org/app'), NOT_FOLLOWED);
});

test('the inputs of a reusable workflow the repository calls by its full name stay open to other repositories\' values; a local call\'s constants close them', async () => {
  const reusable = 'name: release\non:\n  workflow_call:\n    inputs:\n      tag:\n        type: string\npermissions:\n  contents: read\njobs:\n  tag:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ inputs.tag }}"\n';
  const calling = (uses: string) => `name: ci\non: push\npermissions:\n  contents: read\njobs:\n  release:\n    uses: ${uses}\n    with:\n      tag: v1\n`;
  const injections = async (uses: string) => {
    const found = await scanTree({ '.github/workflows/release.yml': reusable, '.github/workflows/ci.yml': calling(uses) }, APP);
    return found.filter((f) => f.ruleId === 'iac/gha-template-injection').map((f) => ({ at: `${f.location.path}:${f.location.startLine} ${f.severity}`, message: f.message }));
  };
  assert.deepEqual(await injections('./.github/workflows/release.yml'), []);
  const got = await injections('example-org/app/.github/workflows/release.yml@main');
  assert.deepEqual(got.map((f) => f.at), ['.github/workflows/release.yml:13 medium']);
  assert.match(got[0]!.message, /a string input of a reusable workflow that this repository calls by its full name, as other repositories may, with attacker-controlled text/);
});

test('secrets: inherit to the repository\'s own reusable workflow by its full name is low, as for a local one; another repository of the same owner stays medium', async () => {
  const calling = (uses: string) => `name: ci\non: push\npermissions:\n  contents: read\njobs:\n  release:\n    uses: ${uses}\n    secrets: inherit\n`;
  const inherit = async (uses: string, at = '.github/workflows/ci.yml') => {
    // A workflow of the repository that uses some repository's action: the name is then asked for.
    const lint = `name: lint\non: push\npermissions:\n  contents: read\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${CHECKOUT}\n`;
    const found = await scanTree({ [at]: calling(uses), '.github/workflows/lint.yml': lint }, APP);
    return found.filter((f) => f.ruleId === 'iac/gha-all-secrets-exposed').map((f) => `${f.severity} ${f.message}`);
  };
  assert.deepEqual(await inherit('example-org/app/.github/workflows/release.yml@main'), [
    'low job release passes all secrets to example-org/app/.github/workflows/release.yml@main, a reusable workflow of this repository by its full name (secrets: inherit); pass those it uses by name.',
  ]);
  // A template under example/ runs in the repositories that copy it, for which this one is another.
  assert.deepEqual(await inherit('example-org/app/.github/workflows/release.yml@main', 'example/ci.yml'), [
    'medium job release passes all secrets to example-org/app/.github/workflows/release.yml@main, a reusable workflow of another repository (secrets: inherit).',
  ]);
  assert.deepEqual(await inherit('example-org/shared/.github/workflows/release.yml@main'), [
    'medium job release passes all secrets to example-org/shared/.github/workflows/release.yml@main, a reusable workflow of another repository (secrets: inherit).',
  ]);
});

test('an internal action the repository uses by its full name keeps the verdict it has without a caller here, unless a caller passes the event\'s text', async () => {
  const action = 'name: tag\ninputs:\n  tag:\n    required: true\nruns:\n  using: composite\n  steps:\n    - run: echo "${{ inputs.tag }}"\n      shell: bash\n';
  const using = (on: string, tag: string) => `name: ci\non: ${on}\npermissions:\n  contents: read\njobs:\n  tag:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: example-org/app/.github/actions/tag@v1\n        with:\n          tag: ${tag}\n`;
  const injections = async (workflow: string) => {
    const found = await scanTree({ '.github/actions/tag/action.yml': action, '.github/workflows/ci.yml': workflow }, APP);
    return found.filter((f) => f.ruleId === 'iac/gha-template-injection').map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`);
  };
  assert.deepEqual(await injections(using('push', 'v1')), ['.github/actions/tag/action.yml:8 low']);
  const tainted = await injections(using('pull_request_target', '${{ github.event.pull_request.title }}'));
  assert.ok(tainted.includes('.github/actions/tag/action.yml:8 high') || tainted.includes('.github/actions/tag/action.yml:8 critical'), tainted.join(', '));
});

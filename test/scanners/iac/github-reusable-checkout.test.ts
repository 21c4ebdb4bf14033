import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKOUT, checkoutFindings } from '../../helpers/gha-checkouts.js';

const findings = (files: Record<string, string>) => checkoutFindings(files);

const at = async (files: Record<string, string>) => (await findings(files)).map((f) => f.at);


/** A privileged caller with one job `build` that calls build.yml; `extra` goes into the job. */
const caller = (extra: string, on = 'pull_request_target:\n    types: [opened, synchronize]') =>
  `name: pr\non:\n  ${on}\npermissions:\n  contents: read\njobs:\n  build:\n${extra}    uses: ./.github/workflows/build.yml\n    with:\n      ref: \${{ github.event.pull_request.head.sha }}\n    secrets: inherit\n`;

/** A reusable workflow whose job checks out `ref` and then runs `run`. */
const callee = (ref: string, run = 'npm ci && npm test', on = 'workflow_call:\n    inputs:\n      ref:\n        type: string', jobIf = '') =>
  `name: build\non:\n  ${on}\npermissions:\n  contents: read\njobs:\n  test:\n${jobIf}    runs-on: ubuntu-latest\n    steps:\n      - uses: ${CHECKOUT}\n        with:\n          ref: ${ref}\n          persist-credentials: false\n      - run: ${run}\n        env:\n          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}\n`;

test('a pull_request_target job that passes the head sha to a reusable workflow that checks it out and builds: critical, at the with: entry', async () => {
  const got = await findings({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': callee('${{ inputs.ref }}') });
  assert.deepEqual(got.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical']);
  const checkout = got.find((f) => f.at.startsWith('untrusted-checkout'))!.message;
  assert.match(checkout, /job build calls \.github\/workflows\/build\.yml, whose job test step ".*actions\/checkout@.*" checks out pull request code \(\$\{\{ inputs\.ref \}\}, which job build passes as \$\{\{ github\.event\.pull_request\.head\.sha \}\}\)/);
  assert.match(checkout, /on pull_request_target with the repository's secrets; job test step "step 2" runs `npm ci`\.$/);
});

test('a reusable workflow that checks out the head of the event itself is reported at the caller\'s uses: line', async () => {
  const got = await at({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': callee('${{ github.event.pull_request.head.sha }}') });
  assert.deepEqual(got, ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:9 critical']);
});

test('several checkouts in the called workflow are reported once, as the worst of them', async () => {
  const twice = callee('${{ inputs.ref }}').replace('jobs:\n', `jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${CHECKOUT}\n        with:\n          ref: \${{ inputs.ref }}\n      - run: grep -r TODO .\n`);
  const got = await findings({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': twice });
  assert.deepEqual(got.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical']);
  assert.match(got[1]!.message, /whose job test step .* runs `npm ci`; 1 more of its checkout steps check out the same code\.$/);
  // The repository of the pull request's head, passed for the callee's repository:.
  const repository = callee('${{ inputs.ref }}').replace('ref: ${{ inputs.ref }}', 'repository: ${{ inputs.repo }}').replace('      ref:\n        type: string', '      repo:\n        type: string');
  const passesRepository = caller('').replace('ref: ${{ github.event.pull_request.head.sha }}', 'repo: ${{ github.event.pull_request.head.repo.full_name }}');
  assert.deepEqual(await at({ '.github/workflows/pr.yml': passesRepository, '.github/workflows/build.yml': repository }), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical']);
});

test('gates of the caller job and of the callee, and a callee that only reads the files, lower the severity', async () => {
  const files = { '.github/workflows/build.yml': callee('${{ inputs.ref }}') };
  // The caller job keeps forks out.
  assert.deepEqual(await at({ ...files, '.github/workflows/pr.yml': caller('    if: github.event.pull_request.head.repo.full_name == github.repository\n') }), [
    'dangerous-trigger .github/workflows/pr.yml:3 medium',
    'untrusted-checkout .github/workflows/pr.yml:12 low',
  ]);
  // The callee's job requires a label only maintainers add: it reads the caller's event.
  const labelled = callee('${{ inputs.ref }}', 'npm ci && npm test', undefined, "    if: contains(github.event.pull_request.labels.*.name, 'safe to test')\n");
  assert.deepEqual(await at({ '.github/workflows/build.yml': labelled, '.github/workflows/pr.yml': caller('') }), [
    'dangerous-trigger .github/workflows/pr.yml:3 medium',
    'untrusted-checkout .github/workflows/pr.yml:11 high',
  ]);
  // Nothing in the callee runs the checked-out files.
  assert.deepEqual(await at({ '.github/workflows/build.yml': callee('${{ inputs.ref }}', 'grep -r TODO .'), '.github/workflows/pr.yml': caller('') }), [
    'dangerous-trigger .github/workflows/pr.yml:3 medium',
    'untrusted-checkout .github/workflows/pr.yml:11 high',
  ]);
  // The callee's job runs only for push events.
  const pushOnly = callee('${{ inputs.ref }}', 'npm ci && npm test', undefined, "    if: github.event_name == 'push'\n");
  assert.deepEqual(await at({ '.github/workflows/build.yml': pushOnly, '.github/workflows/pr.yml': caller('') }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
});

test('no finding for an unprivileged caller, a base ref, or a callee privileged on its own (which reports the checkout itself)', async () => {
  const build = callee('${{ inputs.ref }}');
  // pull_request: a fork's run has no secrets.
  assert.deepEqual(await at({ '.github/workflows/build.yml': build, '.github/workflows/pr.yml': caller('', 'pull_request:\n    types: [opened, synchronize]') }), []);
  // The caller passes the base branch's sha.
  const base = caller('').replace('github.event.pull_request.head.sha', 'github.event.pull_request.base.sha');
  assert.deepEqual(await at({ '.github/workflows/build.yml': build, '.github/workflows/pr.yml': base }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
  // The callee checks out the head itself and runs on pull_request_target too: reported once, in the callee.
  const both = callee('${{ github.event.pull_request.head.sha }}', 'npm ci && npm test', 'workflow_call:\n  pull_request_target:');
  assert.deepEqual(await at({ '.github/workflows/build.yml': both, '.github/workflows/pr.yml': caller('') }), [
    'dangerous-trigger .github/workflows/build.yml:4 high',
    'dangerous-trigger .github/workflows/pr.yml:3 high',
    'untrusted-checkout .github/workflows/build.yml:13 critical',
  ]);
});

/** A reusable workflow whose job `forward` calls `next` and passes it `with` (its `ref:` entry). */
const middle = (next: string, passes = '${{ inputs.ref }}', extra = '', on = 'workflow_call:\n    inputs:\n      ref:\n        type: string') =>
  `name: middle\non:\n  ${on}\npermissions:\n  contents: read\njobs:\n  forward:\n${extra}    uses: ./.github/workflows/${next}\n    with:\n      ref: ${passes}\n    secrets: inherit\n`;

test('the head ref forwarded through two and three local reusable workflows is followed to the checkout that runs it', async () => {
  const two = await findings({
    '.github/workflows/pr.yml': caller(''),
    '.github/workflows/build.yml': middle('test.yml'),
    '.github/workflows/test.yml': callee('${{ inputs.ref }}'),
  });
  assert.deepEqual(two.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical']);
  assert.match(two[1]!.message, /job build calls \.github\/workflows\/build\.yml, which calls \.github\/workflows\/test\.yml, whose job test step .* \(\$\{\{ inputs\.ref \}\}, which job forward of \.github\/workflows\/build\.yml passes as \$\{\{ inputs\.ref \}\}, which job build passes as \$\{\{ github\.event\.pull_request\.head\.sha \}\}\)/);
  const three = await at({
    '.github/workflows/pr.yml': caller(''),
    '.github/workflows/build.yml': middle('stage.yml'),
    '.github/workflows/stage.yml': middle('test.yml', '${{ inputs.ref || github.sha }}'),
    '.github/workflows/test.yml': callee('${{ inputs.ref }}'),
  });
  assert.deepEqual(three, ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical']);
  // A workflow on the way that names the head itself: reported at the caller's uses: line.
  const named = await at({
    '.github/workflows/pr.yml': caller('').replace('github.event.pull_request.head.sha', 'github.event.pull_request.base.sha'),
    '.github/workflows/build.yml': middle('test.yml', '${{ github.head_ref }}'),
    '.github/workflows/test.yml': callee('${{ inputs.ref }}'),
  });
  assert.deepEqual(named, ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:9 critical']);
});

test('a chain is not reported when a workflow on the way passes its own ref, keeps forks out, or calls back in a cycle', async () => {
  const test = callee('${{ inputs.ref }}');
  // The workflow on the way passes the base branch, not what it was given.
  assert.deepEqual(await at({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': middle('test.yml', '${{ github.event.pull_request.base.sha }}'), '.github/workflows/test.yml': test }), [
    'dangerous-trigger .github/workflows/pr.yml:3 medium',
  ]);
  // Its calling job keeps forks out: the gate on the way lowers the finding.
  const forkCheck = '    if: github.event.pull_request.head.repo.full_name == github.repository\n';
  assert.deepEqual(await at({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': middle('test.yml', undefined, forkCheck), '.github/workflows/test.yml': test }), [
    'dangerous-trigger .github/workflows/pr.yml:3 medium',
    'untrusted-checkout .github/workflows/pr.yml:11 low',
  ]);
  // Its calling job runs only on push.
  const pushOnly = "    if: github.event_name == 'push'\n";
  assert.deepEqual(await at({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': middle('test.yml', undefined, pushOnly), '.github/workflows/test.yml': test }), [
    'dangerous-trigger .github/workflows/pr.yml:3 medium',
  ]);
  // Two workflows that call each other: the scan ends, and the checkout beyond them is found once.
  const loop = middle('loop.yml').replace('jobs:\n', `jobs:\n  back:\n    uses: ./.github/workflows/build.yml\n    with:\n      ref: \${{ inputs.ref }}\n  run:\n    uses: ./.github/workflows/test.yml\n    with:\n      ref: \${{ inputs.ref }}\n`);
  assert.deepEqual(await at({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': middle('loop.yml'), '.github/workflows/loop.yml': loop, '.github/workflows/test.yml': test }), [
    'dangerous-trigger .github/workflows/pr.yml:3 high',
    'untrusted-checkout .github/workflows/pr.yml:11 critical',
  ]);
  // A workflow on the way that is privileged on its own reports the chain below it itself.
  const privileged = middle('test.yml', '${{ github.event.pull_request.head.sha }}', '', 'workflow_call:\n  pull_request_target:');
  assert.deepEqual(await at({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': privileged, '.github/workflows/test.yml': test }), [
    'dangerous-trigger .github/workflows/build.yml:4 high',
    'dangerous-trigger .github/workflows/pr.yml:3 high',
    'untrusted-checkout .github/workflows/build.yml:11 critical',
  ]);
});

test("a called workflow's input default that names the head counts when the caller passes nothing", async () => {
  const withDefault = (fallback: string) => callee('${{ inputs.ref }}', 'npm ci && npm test', `workflow_call:\n    inputs:\n      ref:\n        type: string\n        default: ${fallback}`);
  const silent = caller('').replace('    with:\n      ref: ${{ github.event.pull_request.head.sha }}\n', '');
  const got = await findings({ '.github/workflows/pr.yml': silent, '.github/workflows/build.yml': withDefault('${{ github.event.pull_request.head.sha }}') });
  assert.deepEqual(got.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:9 critical']);
  assert.match(got[1]!.message, /\(\$\{\{ inputs\.ref \}\}, whose default, as job build passes none, is \$\{\{ github\.event\.pull_request\.head\.sha \}\}\)/);
  assert.deepEqual(await at({ '.github/workflows/pr.yml': silent, '.github/workflows/build.yml': withDefault('${{ github.head_ref }}') }), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:9 critical']);
  // Through a workflow on the way that passes nothing either.
  const quiet = middle('build.yml').replace('    with:\n      ref: ${{ inputs.ref }}\n', '');
  assert.deepEqual(await at({ '.github/workflows/pr.yml': silent, '.github/workflows/stage.yml': quiet, '.github/workflows/build.yml': withDefault('${{ github.event.pull_request.head.sha }}') }).then((a) => a), [
    'dangerous-trigger .github/workflows/pr.yml:3 high',
    'untrusted-checkout .github/workflows/pr.yml:9 critical',
  ]);
  // The caller passes the base: the default does not apply. A default of the base's ref is no finding either.
  const base = caller('').replace('github.event.pull_request.head.sha', 'github.event.pull_request.base.sha');
  assert.deepEqual(await at({ '.github/workflows/pr.yml': base, '.github/workflows/build.yml': withDefault('${{ github.event.pull_request.head.sha }}') }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
  assert.deepEqual(await at({ '.github/workflows/pr.yml': silent, '.github/workflows/build.yml': withDefault('${{ github.event.pull_request.base.sha }}') }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
  // A callee privileged on its own does not see its default on its own event (its inputs are empty there): the caller reports it.
  const both = callee('${{ inputs.ref }}', 'npm ci && npm test', 'workflow_call:\n    inputs:\n      ref:\n        type: string\n        default: ${{ github.event.pull_request.head.sha }}\n  pull_request_target:');
  assert.deepEqual((await at({ '.github/workflows/pr.yml': silent, '.github/workflows/build.yml': both })).filter((a) => a.startsWith('untrusted')), ['untrusted-checkout .github/workflows/pr.yml:9 critical']);
});

/** A pull_request_target workflow whose job uses the local action co with `with` and then runs `run`. */
const actionCaller = (withs: string, run = 'npm ci && npm test') =>
  `name: pr\non:\n  pull_request_target:\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/co\n${withs}      - run: ${run}\n        env:\n          TOKEN: \${{ secrets.NPM_TOKEN }}\n`;

/** A local composite action that checks out `ref`, then runs `after` steps. */
const checkoutAction = (ref: string, inputs = '  ref:\n    description: the ref\n', after = '') =>
  `name: co\ninputs:\n${inputs}runs:\n  using: composite\n  steps:\n    - uses: ${CHECKOUT}\n      with:\n        ref: ${ref}\n        persist-credentials: false\n${after}`;

test('a local composite action that checks out the head the step passes, or its own default, or the head itself, is the step\'s checkout', async () => {
  const passes = '        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n';
  const got = await findings({ '.github/workflows/pr.yml': actionCaller(passes), '.github/actions/co/action.yml': checkoutAction('${{ inputs.ref }}') });
  assert.deepEqual(got.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:12 critical']);
  assert.match(got[1]!.message, /checks out pull request code \(\$\{\{ github\.event\.pull_request\.head\.sha \}\}, which the local action \.github\/actions\/co\/action\.yml checks out\)/);
  // The action's input default, when the step passes nothing; the head named in the action.
  const fallback = checkoutAction('${{ inputs.ref }}', '  ref:\n    description: the ref\n    default: ${{ github.event.pull_request.head.sha }}\n');
  assert.deepEqual(await at({ '.github/workflows/pr.yml': actionCaller(''), '.github/actions/co/action.yml': fallback }), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:10 critical']);
  assert.deepEqual(await at({ '.github/workflows/pr.yml': actionCaller(''), '.github/actions/co/action.yml': checkoutAction('${{ github.head_ref }}') }), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:10 critical']);
  // Nothing runs the files after the action, but the action runs them itself.
  const builds = checkoutAction('${{ inputs.ref }}', undefined, '    - run: npm ci\n      shell: bash\n');
  const reads = await findings({ '.github/workflows/pr.yml': actionCaller(passes, 'grep -r TODO .'), '.github/actions/co/action.yml': builds });
  assert.deepEqual(reads.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:12 critical']);
  assert.doesNotMatch(reads[1]!.message, /no later step/);
});

test('no finding for a local action given the base, a default the step overrides, or one the step does not check out with', async () => {
  const base = '        with:\n          ref: ${{ github.event.pull_request.base.sha }}\n';
  assert.deepEqual(await at({ '.github/workflows/pr.yml': actionCaller(base), '.github/actions/co/action.yml': checkoutAction('${{ inputs.ref }}') }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
  const fallback = checkoutAction('${{ inputs.ref }}', '  ref:\n    description: the ref\n    default: ${{ github.head_ref }}\n');
  assert.deepEqual(await at({ '.github/workflows/pr.yml': actionCaller(base), '.github/actions/co/action.yml': fallback }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
  // The head is passed as another input that the checkout does not read.
  const other = '        with:\n          label: ${{ github.event.pull_request.head.sha }}\n';
  assert.deepEqual(await at({ '.github/workflows/pr.yml': actionCaller(other), '.github/actions/co/action.yml': checkoutAction('${{ inputs.ref }}', '  ref:\n    description: r\n  label:\n    description: l\n') }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
});

test('a called workflow whose step hands its input to a local action that checks it out; a checkout the action runs only on push is none', async () => {
  const viaAction = `name: build\non:\n  workflow_call:\n    inputs:\n      ref:\n        type: string\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/co\n        with:\n          ref: \${{ inputs.ref }}\n      - run: make test\n`;
  const got = await findings({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': viaAction, '.github/actions/co/action.yml': checkoutAction('${{ inputs.ref }}') });
  assert.deepEqual(got.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical']);
  assert.match(got[1]!.message, /\(\$\{\{ inputs\.ref \}\}, which the local action \.github\/actions\/co\/action\.yml checks out, which job build passes as \$\{\{ github\.event\.pull_request\.head\.sha \}\}\)/);
  // The action names the head itself: reported at the caller's uses: line.
  assert.deepEqual(await at({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': viaAction, '.github/actions/co/action.yml': checkoutAction('refs/pull/${{ github.event.number }}/merge') }), [
    'dangerous-trigger .github/workflows/pr.yml:3 high',
    'untrusted-checkout .github/workflows/pr.yml:9 critical',
  ]);
  // The action's checkout runs only on push.
  const pushOnly = checkoutAction('${{ github.head_ref }}').replace('    - uses: actions', "    - if: github.event_name == 'push'\n      uses: actions");
  assert.deepEqual(await at({ '.github/workflows/pr.yml': actionCaller(''), '.github/actions/co/action.yml': pushOnly }), ['dangerous-trigger .github/workflows/pr.yml:3 medium']);
});

test('a checkout reached through two jobs on the way is judged on each path: the ungated one sets the severity, and it counts once', async () => {
  const forkCheck = '    if: github.event.pull_request.head.repo.full_name == github.repository\n';
  const twoJobs = middle('test.yml', undefined, forkCheck).replace('jobs:\n', 'jobs:\n  again:\n    uses: ./.github/workflows/test.yml\n    with:\n      ref: ${{ inputs.ref }}\n');
  const diamond = twoJobs.replace('jobs:\n  again:', 'jobs:\n  again:').replace(/  again:\n/, `  again:\n${forkCheck}`).replace(/  forward:\n    if: [^\n]*\n/, '  forward:\n');
  const got = await findings({ '.github/workflows/pr.yml': caller(''), '.github/workflows/build.yml': diamond, '.github/workflows/test.yml': callee('${{ inputs.ref }}') });
  assert.deepEqual(got.map((f) => f.at), ['dangerous-trigger .github/workflows/pr.yml:3 high', 'untrusted-checkout .github/workflows/pr.yml:11 critical']);
  assert.doesNotMatch(got[1]!.message, /more of its checkout steps/);
});

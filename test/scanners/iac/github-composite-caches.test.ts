import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

/** `path:line message` of the release-cache-poisoning findings of a scanned tree. */
async function findings(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings
      .filter((f) => f.ruleId === 'iac/gha-release-cache-poisoning')
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`)
      .sort();
  } finally {
    t.cleanup();
  }
}

const NODE = '    - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n';

/** A local composite action of `steps`, with `inputs` declared. */
const action = (steps: string, inputs = '') => `name: setup\ndescription: set up the toolchain\n${inputs}runs:\n  using: composite\n  steps:\n${steps}`;

/** A tag-push workflow whose release job uses ./.github/actions/setup (with `given`) and publishes. */
const release = (given = '') =>
  'name: release\non:\n  push:\n    tags: ["v*"]\npermissions:\n  contents: read\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n' +
  '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n' +
  `      - uses: ./.github/actions/setup\n${given}` +
  '      - run: pnpm install --frozen-lockfile && pnpm publish -r\n';

const files = (setup: string, given = '') => ({ '.github/actions/setup/action.yml': setup, '.github/workflows/release.yml': release(given) });

test('a cache restored by a local composite action the release job uses is reported at the step that uses it', async () => {
  const setup = action(`    - name: Set up node\n${NODE.replace('- uses', '  uses')}      with:\n        cache: pnpm\n    - shell: bash\n      run: pnpm install\n`);
  assert.deepEqual(await findings(files(setup)), [
    '.github/workflows/release.yml:14 job publish step "./.github/actions/setup" restores a cache (actions/setup-node, in action step "Set up node" of ./.github/actions/setup) in a job that runs on push of tags; a poisoned cache entry would end up in the release.',
  ]);
  // An action of the scan that the composite action uses in turn.
  const outer = action('    - uses: ./.github/actions/cache\n');
  const cache = action('    - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n      with:\n        path: ~/.pnpm-store\n        key: pnpm\n');
  assert.equal((await findings({ ...files(outer), '.github/actions/cache/action.yml': cache })).length, 1);
});

test('the inputs the release job gives the action decide whether its cache is on', async () => {
  const inputs = "inputs:\n  cache:\n    default: 'true'\n  package-manager:\n    default: ''\n";
  // A cache step kept to `inputs.cache == 'true'`, on by default, off when the job says so.
  const guarded = action(`    - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n      if: inputs.cache == 'true'\n      with:\n        path: ~/.pnpm-store\n        key: pnpm\n`, inputs);
  assert.equal((await findings(files(guarded))).length, 1);
  assert.deepEqual(await findings(files(guarded, "        with:\n          cache: 'false'\n")), []);
  // A toggle input handed on: the cache is named only when the job names a package manager.
  const handed = action(`${NODE}      with:\n        cache: \${{ inputs.package-manager }}\n`, inputs);
  assert.deepEqual(await findings(files(handed)), []);
  assert.equal((await findings(files(handed, '        with:\n          package-manager: pnpm\n'))).length, 1);
  const looked = action('    - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n      with:\n        path: ~/.pnpm-store\n        key: pnpm\n        lookup-only: ${{ inputs.cache != \'true\' }}\n', inputs);
  assert.equal((await findings(files(looked))).length, 1);
  assert.deepEqual(await findings(files(looked, "        with:\n          cache: 'false'\n")), []);
});

test('an action that restores no cache, or a job that only tests, is not reported', async () => {
  assert.deepEqual(await findings(files(action(`${NODE}      with:\n        node-version: 22\n    - shell: bash\n      run: npm ci\n`))), []);
  const setup = action(`${NODE}      with:\n        cache: pnpm\n`);
  const tests = 'name: ci\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/setup\n      - run: pnpm test\n';
  assert.deepEqual(await findings({ '.github/actions/setup/action.yml': setup, '.github/workflows/ci.yml': tests }), []);
});

test('a local composite action that publishes makes the job that uses it a publishing one', async () => {
  const publish = action('    - shell: bash\n      run: npm publish --provenance\n');
  const main =
    'name: release\non:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n' +
    `${NODE.replace('    - ', '      - ')}        with:\n          cache: npm\n` +
    '      - run: npm ci && npm run build\n      - uses: ./.github/actions/publish\n';
  assert.deepEqual(await findings({ '.github/actions/publish/action.yml': publish, '.github/workflows/release.yml': main }), [
    '.github/workflows/release.yml:13 job release step "actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af" restores a cache (actions/setup-node) in a job that publishes (job release step "./.github/actions/publish"); a poisoned cache entry would end up in the release.',
  ]);
  // An action that only tests publishes nothing: a push to main is no release by itself.
  assert.deepEqual(await findings({ '.github/actions/publish/action.yml': action('    - shell: bash\n      run: npm test\n'), '.github/workflows/release.yml': main }), []);
});

test("the caller's job decides what the action's steps see: sccache's SCCACHE_GHA_ENABLED, setup-node's checkout of package.json", async () => {
  const release = (env: string, before = '') =>
    `name: release\non:\n  push:\n    tags: ["v*"]\npermissions:\n  contents: read\n${env}jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n` +
    `${before}      - uses: ./.github/actions/setup\n      - run: cargo build --release && npm publish\n`;
  const checkout = '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n';
  // sccache-action installed by the action, the GitHub Actions cache turned on by the workflow's env or a step of the job.
  const sccache = action('    - uses: mozilla-actions/sccache-action@7d986dd989559c6ecdb630a3fd2557667be217ad # v0.0.9\n');
  assert.deepEqual(await findings({ '.github/actions/setup/action.yml': sccache, '.github/workflows/release.yml': release('env:\n  SCCACHE_GHA_ENABLED: "true"\n') }), [
    '.github/workflows/release.yml:13 job publish step "./.github/actions/setup" restores a cache (mozilla-actions/sccache-action, with SCCACHE_GHA_ENABLED on: sccache takes compiled objects from the GitHub Actions cache, in action step "mozilla-actions/sccache-action@7d986dd989559c6ecdb630a3fd2557667be217ad" of ./.github/actions/setup) in a job that runs on push of tags; a poisoned cache entry would end up in the release.',
  ]);
  assert.equal((await findings({ '.github/actions/setup/action.yml': sccache, '.github/workflows/release.yml': release('', '      - run: echo "SCCACHE_GHA_ENABLED=on" >> "$GITHUB_ENV"\n') })).length, 1);
  // Turned on by an input of the action that the caller leaves off; or never turned on: the cache stays on the runner's disk.
  const byInput = action('    - uses: mozilla-actions/sccache-action@7d986dd989559c6ecdb630a3fd2557667be217ad # v0.0.9\n      env:\n        SCCACHE_GHA_ENABLED: ${{ inputs.gha-cache }}\n', "inputs:\n  gha-cache:\n    default: 'false'\n");
  assert.deepEqual(await findings({ '.github/actions/setup/action.yml': byInput, '.github/workflows/release.yml': release('') }), []);
  assert.deepEqual(await findings({ '.github/actions/setup/action.yml': sccache, '.github/workflows/release.yml': release('env:\n  SCCACHE_GHA_ENABLED: "false"\n') }), []);
  // setup-node v6 with no cache: input caches npm's downloads when package.json, checked out by the caller's job, names npm.
  const node = action('    - uses: actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0\n      with:\n        node-version: 22\n');
  const tree = (manifest: string, before = checkout) => ({ '.github/actions/setup/action.yml': node, '.github/workflows/release.yml': release('', before), 'package.json': manifest });
  assert.deepEqual(await findings(tree('{"name":"app","packageManager":"npm@10.9.0"}')), [
    `.github/workflows/release.yml:14 job publish step "./.github/actions/setup" restores a cache (actions/setup-node, whose cache v5 and later turn on by themselves: package.json's packageManager is npm@10.9.0, in action step "actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903" of ./.github/actions/setup) in a job that runs on push of tags; a poisoned cache entry would end up in the release.`,
  ]);
  // No package manager named, or no checkout before the action: no cache.
  assert.deepEqual(await findings(tree('{"name":"app"}')), []);
  assert.deepEqual(await findings(tree('{"name":"app","packageManager":"npm@10.9.0"}', '')), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

/** `path:line` of the release-cache-poisoning findings of a scanned tree. */
async function poisoning(files: Record<string, string>, target = ''): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: target === '' ? t.dir : `${t.dir}/${target}`, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.ruleId === 'iac/gha-release-cache-poisoning').map((f) => `${f.location.path}:${f.location.startLine}`);
  } finally {
    t.cleanup();
  }
}

const CHECKOUT = '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n';

/** A tag-push workflow whose job checks the repository out (unless `checkout` is ''), sets up node with `setup` (line 11 without checkout) and publishes. */
const release = (setup: string, checkout = CHECKOUT) =>
  `name: release\non:\n  push:\n    tags: ['v*']\npermissions:\n  contents: read\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n${checkout}${setup}      - run: npm ci && npm publish\n`;

const V6 = '      - uses: actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0\n        with:\n          node-version: 22\n';
const V5 = '      - uses: actions/setup-node@v5\n';
const V4 = '      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n';
const manifest = (fields: Record<string, unknown>) => JSON.stringify({ name: 'app', version: '1.0.0', ...fields });

test('setup-node v5 and later restore the package manager\'s cache with no cache: input when package.json names it', async () => {
  // v6 and later: npm, by packageManager or devEngines.packageManager.
  assert.deepEqual(await poisoning({ 'package.json': manifest({ packageManager: 'npm@10.9.0' }), '.github/workflows/release.yml': release(V6) }), ['.github/workflows/release.yml:12']);
  assert.deepEqual(await poisoning({ 'package.json': manifest({ devEngines: { packageManager: { name: 'npm', version: '^10' } } }), '.github/workflows/release.yml': release(V6) }), ['.github/workflows/release.yml:12']);
  // v5: npm, yarn and pnpm.
  assert.deepEqual(await poisoning({ 'package.json': manifest({ packageManager: 'pnpm@9.9.0' }), '.github/workflows/release.yml': release(V5) }), ['.github/workflows/release.yml:12']);
});

test('no automatic cache: before v5, pnpm from v6 on, turned off, without a checkout, without packageManager, or package.json out of reach', async () => {
  const pnpm = manifest({ packageManager: 'pnpm@9.9.0' });
  const npm = manifest({ packageManager: 'npm@10.9.0' });
  const off = '      - uses: actions/setup-node@v6\n        with:\n          package-manager-cache: false\n';
  for (const [files, why] of [
    [{ 'package.json': npm, '.github/workflows/release.yml': release(V4) }, 'v4 caches only with cache:'],
    [{ 'package.json': pnpm, '.github/workflows/release.yml': release(V6) }, 'v6 turns the cache on for npm only'],
    [{ 'package.json': npm, '.github/workflows/release.yml': release(off) }, 'package-manager-cache: false'],
    [{ 'package.json': npm, '.github/workflows/release.yml': release(V6, '') }, 'no package.json in the workspace'],
    [{ 'package.json': npm, '.github/workflows/release.yml': release(V6, CHECKOUT + '        with:\n          path: app\n') }, 'checked out below the workspace'],
    [{ 'package.json': manifest({}), '.github/workflows/release.yml': release(V6) }, 'no packageManager'],
    [{ '.github/workflows/release.yml': release(V6) }, 'no package.json'],
    [{ 'package.json': npm, '.github/workflows/release.yml': release('      - uses: actions/setup-node@main\n') }, 'version unknown'],
  ] as const)
    assert.deepEqual(await poisoning(files), [], why);
  // A scan of the .github folder alone cannot see the repository's package.json.
  assert.deepEqual(await poisoning({ 'package.json': npm, '.github/workflows/release.yml': release(V6) }, '.github'), []);
});

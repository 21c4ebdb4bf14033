import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

/** `path:line` of the release-cache-poisoning findings of a scanned tree. */
async function poisoning(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.ruleId === 'iac/gha-release-cache-poisoning').map((f) => `${f.location.path}:${f.location.startLine}`);
  } finally {
    t.cleanup();
  }
}

/** A workflow run on pushes to main (no release trigger: the job counts only if it publishes) whose cache: line is line 13, then `release`'s steps. */
const onMain = (release: string) =>
  `name: release\non:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          cache: npm\n      - run: npm ci\n${release}`;

const manifest = (scripts: Record<string, string>) => JSON.stringify({ name: 'app', version: '1.0.0', scripts });
const WF = '.github/workflows/release.yml';

test('a package.json script that runs semantic-release or a publishing command publishes', async () => {
  for (const run of ['npm run release', 'npm run-script release', 'pnpm release', 'pnpm run release', 'yarn release', 'bun run release']) {
    assert.deepEqual(await poisoning({ 'package.json': manifest({ release: 'semantic-release' }), [WF]: onMain(`      - run: ${run}\n`) }), [`${WF}:13`], run);
  }
  // Through another script: `release` runs `publish:npm`, which runs npm publish.
  const chained = manifest({ build: 'tsc', release: 'npm run build && npm run publish:npm', 'publish:npm': 'npm publish --access public' });
  assert.deepEqual(await poisoning({ 'package.json': chained, [WF]: onMain('      - run: npm run release\n') }), [`${WF}:13`]);
});

test('a package.json script is not followed where it may be another package\'s, or when it publishes nothing', async () => {
  const release = manifest({ build: 'tsc', release: 'semantic-release', rehearse: 'semantic-release --dry-run' });
  const cases = [
    '      - run: npm run build\n',
    '      - run: npm run rehearse\n',
    '      - run: npm run release -- --dry-run\n',
    // Another folder's package.json: a cd, a working-directory, an option naming a workspace.
    '      - run: |\n          cd docs\n          npm run release\n',
    '      - run: npm run release\n        working-directory: packages/site\n',
    '      - run: npm --workspace packages/site run release\n',
    '      - run: pnpm --filter site release\n',
  ];
  for (const steps of cases) assert.deepEqual(await poisoning({ 'package.json': release, [WF]: onMain(steps) }), [], steps);
  // No package.json: the script is not known.
  assert.deepEqual(await poisoning({ [WF]: onMain('      - run: npm run release\n') }), []);
});

test('a package.json script that runs release-it publishes, unless it rehearses or turns both publications off', async () => {
  const scripts = manifest({
    release: 'release-it',
    'release:ci': 'npm run build && release-it --ci',
    build: 'tsc',
    'release:dry': 'release-it --ci --dry-run',
    'release:tag': 'release-it --ci --no-npm.publish --no-github.release',
    'release:next': 'release-it --release-version',
  });
  for (const run of ['npm run release', 'pnpm release:ci', 'yarn run release:ci']) assert.deepEqual(await poisoning({ 'package.json': scripts, [WF]: onMain(`      - run: ${run}\n`) }), [`${WF}:13`], run);
  for (const run of ['npm run release:dry', 'npm run release:tag', 'yarn release:next', 'npm run release -- --dry-run']) assert.deepEqual(await poisoning({ 'package.json': scripts, [WF]: onMain(`      - run: ${run}\n`) }), [], run);
});

test('release-it at the repository root publishes what its configuration there turns on', async () => {
  const run = onMain('      - run: npx release-it --ci\n');
  const privatePackage = JSON.stringify({ name: 'app', version: '1.0.0', private: true });
  // A private package is not published to npm, and no GitHub release is configured.
  assert.deepEqual(await poisoning({ 'package.json': privatePackage, [WF]: run }), []);
  assert.deepEqual(await poisoning({ 'package.json': JSON.stringify({ name: 'app', 'release-it': { npm: { publish: false } } }), [WF]: run }), []);
  assert.deepEqual(await poisoning({ 'package.json': manifest({}), '.release-it.json': JSON.stringify({ npm: false, git: { tag: true } }), [WF]: run }), []);
  // A GitHub release configured, or turned on by the command line.
  assert.deepEqual(await poisoning({ 'package.json': privatePackage, '.release-it.json': JSON.stringify({ github: { release: true } }), [WF]: run }), [`${WF}:13`]);
  assert.deepEqual(await poisoning({ 'package.json': privatePackage, [WF]: onMain('      - run: npx release-it --ci --github.release\n') }), [`${WF}:13`]);
  // npm publishing by default; a configuration in code or another file, or another folder's, is not known.
  assert.deepEqual(await poisoning({ 'package.json': manifest({}), [WF]: run }), [`${WF}:13`]);
  assert.deepEqual(await poisoning({ 'package.json': privatePackage, '.release-it.ts': 'export default {};\n', [WF]: run }), [`${WF}:13`]);
  assert.deepEqual(await poisoning({ 'package.json': privatePackage, [WF]: onMain('      - run: npx release-it --ci --config ci/release-it.json\n') }), [`${WF}:13`]);
  assert.deepEqual(await poisoning({ 'package.json': privatePackage, [WF]: onMain('      - run: cd packages/lib && npx release-it --ci\n') }), [`${WF}:13`]);
});

test('the arguments a package.json script is run with reach its release tool', async () => {
  // Configured to publish a GitHub release only, which the job's arguments turn off: it prepares a release pull request.
  const files = { 'package.json': JSON.stringify({ name: 'lib', scripts: { release: 'release-it' }, 'release-it': { npm: { publish: false }, github: { release: true } } }) };
  for (const run of ['npm run release -- --ci --no-git.push --no-github $BETA_ARG', 'pnpm release --ci --no-github', 'yarn release -- --no-github.release'])
    assert.deepEqual(await poisoning({ ...files, [WF]: onMain(`      - run: ${run}\n`) }), [], run);
  // Options of npm itself, before `--`, are not the script's; a rehearsal of semantic-release through its script.
  assert.deepEqual(await poisoning({ ...files, [WF]: onMain('      - run: npm run release --no-github\n') }), [`${WF}:13`]);
  assert.deepEqual(await poisoning({ 'package.json': manifest({ release: 'semantic-release' }), [WF]: onMain('      - run: npm run release -- -d\n') }), []);
});

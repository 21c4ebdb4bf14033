import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { releaseToolRun } from '../../../src/scanners/iac/github/release-tools.js';
import { tempTree } from '../../helpers/tmp.js';

const words = (line: string) => line.split(' ');
const known = (values: Record<string, string>) => (word: string) => values[word];

test('--dry-run is read as yargs reads a boolean option: a following true or false is its value', () => {
  for (const line of ['semantic-release --dry-run', 'semantic-release --dry-run true', 'semantic-release -d --ci', 'semantic-release --dry-run=true', 'release-it --ci -d true', 'semantic-release --dry-run main'])
    assert.equal(releaseToolRun(words(line)), undefined, line);
  for (const line of ['semantic-release --dry-run false', 'semantic-release -d false --ci', 'semantic-release --dry-run=false', 'release-it --dry-run false --ci', 'semantic-release --dry-run=yes'])
    assert.notEqual(releaseToolRun(words(line)), undefined, line);
});

test('a variable given to --dry-run counts with the value the workflow gives it; an unknown one may be false', () => {
  const values = known({ $ON: 'true', '${OFF}': 'false', '${{ inputs.none }}': '', $EMPTY: '' });
  for (const line of ['semantic-release --dry-run $ON', 'semantic-release --dry-run $EMPTY', 'semantic-release --dry-run ${{ inputs.none }}', 'release-it -d=$ON'])
    assert.equal(releaseToolRun(words(line), values), undefined, line);
  for (const line of ['semantic-release --dry-run ${OFF}', 'semantic-release --dry-run $UNKNOWN', 'release-it --dry-run=$UNKNOWN', 'release-it -d ${OFF} --ci'])
    assert.notEqual(releaseToolRun(words(line), values), undefined, line);
});

async function poisoning(workflow: string): Promise<number[]> {
  const t = tempTree({ '.github/workflows/release.yml': workflow });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.ruleId === 'iac/gha-release-cache-poisoning').map((f) => f.location.startLine);
  } finally {
    t.cleanup();
  }
}

/** A workflow run on pushes to main whose cache: line is line 15; `env` is the workflow's env, `release` the step's lines. */
const onMain = (env: string, release: string, on = 'push:\n    branches: [main]') =>
  `name: release\non:\n  ${on}\npermissions:\n  contents: read\nenv:\n  ${env}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          cache: npm\n      - run: npm ci\n${release}`;

test("the value of --dry-run is read from the workflow's, job's or step's env, the innermost first", async () => {
  assert.deepEqual(await poisoning(onMain('DRY_RUN: "false"', '      - run: npx semantic-release --dry-run "$DRY_RUN"\n')), [15]);
  assert.deepEqual(await poisoning(onMain('DRY_RUN: "true"', '      - run: npx semantic-release --dry-run "${DRY_RUN}"\n')), []);
  assert.deepEqual(await poisoning(onMain('DRY_RUN: "false"', '      - run: npx semantic-release --dry-run $DRY_RUN\n        env:\n          DRY_RUN: true\n')), []);
  assert.deepEqual(await poisoning(onMain('DRY_RUN: ${{ false }}', '      - run: npx semantic-release --dry-run ${{ env.DRY_RUN }}\n')), [15]);
});

test('a value the job may change, or an input the run chooses, is not known: the release may publish', async () => {
  // The script sets it, or an earlier step writes it to GITHUB_ENV.
  assert.deepEqual(await poisoning(onMain('DRY_RUN: "true"', '      - run: |\n          DRY_RUN=false\n          npx semantic-release --dry-run $DRY_RUN\n')), [15]);
  assert.deepEqual(await poisoning(onMain('DRY_RUN: "true"', '      - run: echo "DRY_RUN=false" >> "$GITHUB_ENV"\n      - run: npx semantic-release --dry-run $DRY_RUN\n')), [15]);
  const dispatch = 'workflow_dispatch:\n    inputs:\n      dry_run:\n        type: boolean\n        default: true\n  push:\n    branches: [main]';
  assert.deepEqual(await poisoning(onMain('NODE_ENV: production', '      - run: npx semantic-release --dry-run ${{ inputs.dry_run }}\n', dispatch)), [20]);
  // Without any such input declared the expression is empty, and --dry-run stands alone.
  assert.deepEqual(await poisoning(onMain('NODE_ENV: production', '      - run: npx semantic-release --dry-run ${{ inputs.dry_run }}\n')), []);
});

test('semantic-release with --dry-run false publishes to npm with the stored token', async () => {
  const t = tempTree({
    '.github/workflows/release.yml':
      'name: release\non: push\npermissions:\n  contents: read\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx semantic-release --dry-run $DRY\n        env:\n          DRY: false\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - run: npx semantic-release --dry-run $DRY\n        env:\n          DRY: true\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    assert.deepEqual(result.findings.filter((f) => f.ruleId === 'iac/gha-publish-with-long-lived-token').map((f) => f.location.startLine), [9]);
  } finally {
    t.cleanup();
  }
});

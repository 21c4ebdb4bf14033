import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

/** `rule path:line severity` of the findings of a scanned tree at or above medium, for the rules named. */
async function findings(files: Record<string, string>, rules: RegExp): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings
      .filter((f) => rules.test(f.ruleId) && f.severity !== 'low' && f.severity !== 'info')
      .map((f) => `${f.ruleId.replace('iac/gha-', '')} ${f.location.path}:${f.location.startLine} ${f.severity}`)
      .sort();
  } finally {
    t.cleanup();
  }
}

/** A local composite action that downloads every artifact of the triggering run into `inputs.path` and unzips them there. */
const FETCH_ACTION =
  "name: fetch reports\ndescription: download the reports of the triggering run\ninputs:\n  path:\n    default: '.'\nruns:\n  using: composite\n  steps:\n" +
  '    - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n      with:\n        script: |\n' +
  "          const fs = require('fs');\n" +
  '          const all = await github.paginate(github.rest.actions.listWorkflowRunArtifacts, { ...context.repo, run_id: context.payload.workflow_run.id });\n' +
  "          for (const a of all) {\n            const zip = await github.rest.actions.downloadArtifact({ ...context.repo, artifact_id: a.id, archive_format: 'zip' });\n" +
  '            fs.writeFileSync(`${{ inputs.path }}/${a.name}.zip`, Buffer.from(zip.data));\n          }\n' +
  "    - shell: bash\n      run: unzip -n '${{ inputs.path }}/*.zip' -d '${{ inputs.path }}'\n";

/** A local composite action that sets up the toolchain and downloads nothing. */
const SETUP_ACTION = 'name: setup\ndescription: set up node\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo setting up\n';

const TESTS = 'name: tests\non: pull_request\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n';

/** The workflow_run workflow that follows `tests` (a pull_request workflow, so a fork's run), with a job of `steps`. */
const report = (steps: string) =>
  'name: report\non:\n  workflow_run:\n    workflows: [tests]\n    types: [completed]\npermissions:\n  pull-requests: write\njobs:\n  report:\n    runs-on: ubuntu-latest\n    steps:\n' +
  '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n' +
  steps;

const RULES = /^iac\/gha-(?:dangerous-trigger|template-injection)$/;

test('a local composite action that downloads the triggering run\'s artifacts counts as the download it does', async () => {
  const steps = '      - uses: ./.github/actions/fetch-reports\n        with:\n          path: reports\n      - run: npx merge-reports ./reports\n';
  const files = { '.github/actions/fetch-reports/action.yml': FETCH_ACTION, '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': report(steps) };
  assert.deepEqual(await findings(files, RULES), ['dangerous-trigger .github/workflows/report.yml:3 high']);
  // An action that downloads nothing leaves the workflow where it was.
  assert.deepEqual(await findings({ ...files, '.github/actions/fetch-reports/action.yml': SETUP_ACTION }, RULES), ['dangerous-trigger .github/workflows/report.yml:3 medium']);
});

test('the files a local action downloads into the path its caller gives are the fork\'s text', async () => {
  const steps =
    '      - uses: ./.github/actions/fetch-reports\n        with:\n          path: reports\n' +
    '      - id: pr\n        run: echo "number=$(cat reports/pr.txt)" >> "$GITHUB_OUTPUT"\n' +
    '      - id: base\n        run: echo "version=$(cat package.json | jq -r .version)" >> "$GITHUB_OUTPUT"\n' +
    '      - run: gh pr comment ${{ steps.pr.outputs.number }} --body "${{ steps.base.outputs.version }}"\n        env:\n          GH_TOKEN: ${{ github.token }}\n';
  const files = { '.github/actions/fetch-reports/action.yml': FETCH_ACTION, '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': report(steps) };
  // The number read from reports/ is injected; the checked-out package.json, outside that folder, is not.
  assert.deepEqual(await findings(files, /^iac\/gha-template-injection$/), ['template-injection .github/workflows/report.yml:20 critical']);
});

/** A workflow_run job that downloads the triggering run's artifacts into dist/, then runs `steps`. */
const deploy = (steps: string) =>
  report(
    '      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n          path: dist\n' +
      steps,
  );

test("the names of a fork run's downloaded files are its text: a wheel's name found with find or ls and expanded into a script", async () => {
  const upload = '      - run: upload ${{ steps.wheel.outputs.name }} --token "$TOKEN"\n        env:\n          TOKEN: ${{ secrets.UPLOAD_TOKEN }}\n';
  for (const [find, line] of [
    ['      - id: wheel\n        run: |\n          wheel_file=$(find ./dist -maxdepth 1 -type f -name "*.whl" -print -quit)\n          echo "name=$wheel_file" >> "$GITHUB_OUTPUT"\n', 22],
    ['      - id: wheel\n        run: echo "name=$(ls -1 dist/*.whl | head -n 1)" >> "$GITHUB_OUTPUT"\n', 20],
  ] as const)
    assert.deepEqual(await findings({ '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': deploy(find + upload) }, /^iac\/gha-template-injection$/), [`template-injection .github/workflows/report.yml:${line} critical`], find);
  // A count of the files is a number; a folder the download did not write holds the repository's own files.
  for (const safe of [
    '      - id: wheel\n        run: echo "name=$(ls dist | wc -l)" >> "$GITHUB_OUTPUT"\n',
    '      - id: wheel\n        run: echo "name=$(find src -name \'*.whl\')" >> "$GITHUB_OUTPUT"\n',
  ])
    assert.deepEqual(await findings({ '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': deploy(safe + upload) }, /^iac\/gha-template-injection$/), [], safe);
  // Downloaded into the workspace itself, a bare ls lists the fork's names; a program whose name begins the same way lists none.
  const intoWorkspace = (steps: string) => deploy(steps).replace('          path: dist\n', '');
  assert.deepEqual(await findings({ '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': intoWorkspace('      - id: wheel\n        run: echo "name=$(ls)" >> "$GITHUB_OUTPUT"\n' + upload) }, /^iac\/gha-template-injection$/), ['template-injection .github/workflows/report.yml:19 critical']);
  assert.deepEqual(await findings({ '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': intoWorkspace('      - id: wheel\n        run: echo "name=$(lsb_release -cs)" >> "$GITHUB_OUTPUT"\n' + upload) }, /^iac\/gha-template-injection$/), []);
});

test("a github-script step that lists a folder of a fork run's artifacts hands on the names it finds", async () => {
  const script = (body: string) => `      - id: wheel\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const fs = require('fs');\n            ${body}\n`;
  const upload = '      - run: upload ${{ steps.wheel.outputs.name }}\n';
  const named = script("core.setOutput('name', fs.readdirSync('dist').find((f) => f.endsWith('.whl')));");
  assert.deepEqual(await findings({ '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': deploy(named + upload) }, /^iac\/gha-template-injection$/), ['template-injection .github/workflows/report.yml:24 critical']);
  // How many there are is a number; a folder of the checkout holds the repository's own names.
  for (const safe of [script("core.setOutput('name', fs.readdirSync('dist').length);"), script("core.setOutput('name', fs.readdirSync('src').join(' '));")])
    assert.deepEqual(await findings({ '.github/workflows/tests.yml': TESTS, '.github/workflows/report.yml': deploy(safe + upload) }, /^iac\/gha-template-injection$/), [], safe);
});

test('a file a local action downloaded from the pull request\'s run, written to GITHUB_ENV in a privileged workflow, is the fork\'s text', async () => {
  const action =
    'name: fetch pr\ndescription: download the artifacts of the pull request\'s run\nruns:\n  using: composite\n  steps:\n' +
    '    - uses: dawidd6/action-download-artifact@bf251b5aa9c2f7eeb574a96ee720e24f801b7c11 # v6\n      with:\n        pr: ${{ github.event.pull_request.number }}\n        path: pr\n';
  const workflow = (steps: string) =>
    'name: label\non: pull_request_target\npermissions:\n  pull-requests: write\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n' +
    '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n' +
    steps +
    '      - run: echo "PR_TITLE=$(cat pr/title.txt)" >> "$GITHUB_ENV"\n';
  const files = (steps: string) => ({ '.github/actions/fetch-pr/action.yml': action, '.github/workflows/label.yml': workflow(steps) });
  const rule = /^iac\/gha-github-env-injection$/;
  assert.deepEqual(await findings(files('      - uses: ./.github/actions/fetch-pr\n'), rule), ['github-env-injection .github/workflows/label.yml:11 high']);
  // Without the download, the file is the base repository's own.
  assert.deepEqual(await findings(files(''), rule), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

/** `path:line severity` of the template-injection findings of a scanned tree. */
async function injections(files: Record<string, string>): Promise<string[]> {
  const t = tempTree(files);
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.ruleId === 'iac/gha-template-injection').map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`).sort();
  } finally {
    t.cleanup();
  }
}

const reusable = 'name: part\non:\n  workflow_call:\n    inputs:\n      note:\n        type: string\npermissions:\n  contents: read\njobs:\n  part:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./post.sh "${{ inputs.note }}"\n';
const caller = (written: string) =>
  `name: ci\non: pull_request_target\npermissions:\n  contents: read\njobs:\n  meta:\n    runs-on: ubuntu-latest\n    outputs:\n      note: \${{ steps.m.outputs.note }}\n    steps:\n      - id: m\n        env:\n          NOTE: ${written}\n        run: echo "note=$NOTE" >> "$GITHUB_OUTPUT"\n  post:\n    needs: meta\n    uses: ./.github/workflows/part.yml\n    with:\n      note: \${{ needs.meta.outputs.note }}\n`;

test('a job that calls a reusable workflow passes on what a job it needs wrote: a title is attacker-controlled, the number is not', async () => {
  assert.deepEqual(await injections({ '.github/workflows/part.yml': reusable, '.github/workflows/ci.yml': caller('${{ github.event.pull_request.title }}') }), ['.github/workflows/part.yml:13 critical']);
  assert.deepEqual(await injections({ '.github/workflows/part.yml': reusable, '.github/workflows/ci.yml': caller('${{ github.event.pull_request.number }}') }), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../src/engine/scan.js';
import { iacScanner } from '../../src/scanners/iac/index.js';
import { postureScanner } from '../../src/scanners/posture/index.js';
import { tempTree } from '../helpers/tmp.js';

// A workflow that restricts no token is one problem: the IaC rule's per-job finding keeps it,
// the posture check's (Scorecard's Token-Permissions) is folded into it on the same line.
test('a workflow without permissions gives one finding per job when iac and posture both run', async () => {
  const t = tempTree({
    '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n',
    '.github/workflows/labels.yml':
      'on: issues\npermissions:\n  issues: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./label.sh\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./triage.sh\n',
  });
  try {
    const { findings } = await runScan({ target: t.dir, scannerSet: [iacScanner, postureScanner] });
    const permissions = findings
      .filter((f) => /permissions/.test(f.ruleId))
      .map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}${f.alsoReportedBy ? ` +${f.alsoReportedBy.map((o) => o.ruleId).join(',')}` : ''}`)
      .sort();
    assert.deepEqual(permissions, [
      'iac/gha-broad-permissions .github/workflows/labels.yml:3 +posture/workflow-token-permissions',
      'iac/gha-missing-permissions .github/workflows/ci.yml:3 +posture/workflow-token-permissions',
      'iac/gha-missing-permissions .github/workflows/ci.yml:7',
    ]);
  } finally {
    t.cleanup();
  }
});

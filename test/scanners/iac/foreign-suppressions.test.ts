import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

describe("suppressions in another tool's syntax", () => {
  it('honours a zizmor ignore comment for the secloop rules mapped to its audit, as an in-source suppression', async () => {
    const t = tempTree({
      '.github/workflows/greet.yml': [
        'on: issues',
        'permissions: {}',
        'jobs:',
        '  greet:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "${{ github.event.issue.title }}" # zizmor: ignore[template-injection]',
        '      - run: echo "${{ github.event.issue.body }}"',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const injection = (list: Array<{ ruleId: string; location: { startLine: number } }>) => list.filter((f) => f.ruleId === 'iac/gha-template-injection').map((f) => f.location.startLine);
      assert.deepEqual(injection(result.findings), [8]);
      assert.deepEqual(injection(result.suppressed.map((s) => s.finding)), [7]);
      const suppressed = result.suppressed.find((s) => s.finding.ruleId === 'iac/gha-template-injection')!;
      assert.equal(suppressed.kind, 'inSource');
      assert.equal(suppressed.justification, 'zizmor: ignore[template-injection]');
    } finally {
      t.cleanup();
    }
  });
});

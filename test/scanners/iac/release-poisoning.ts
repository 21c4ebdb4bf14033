import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

/** `path:line` of the release-cache-poisoning findings of a scanned tree; `prepare` may add to the tree first. */
export async function poisoning(files: Record<string, string>, prepare?: (dir: string) => void): Promise<string[]> {
  const t = tempTree(files);
  try {
    prepare?.(t.dir);
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    return result.findings.filter((f) => f.ruleId === 'iac/gha-release-cache-poisoning').map((f) => `${f.location.path}:${f.location.startLine}`);
  } finally {
    t.cleanup();
  }
}

/** A workflow run on pushes to main (no release trigger: the job counts only if it publishes) whose cache step is line 11, then `release`'s steps. */
export const onMain = (release: string) =>
  `name: release\non:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make dist\n${release}`;

export const WF = '.github/workflows/release.yml';

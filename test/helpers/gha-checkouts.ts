import type { Finding } from '../../src/core/finding.js';
import { runScan } from '../../src/engine/scan.js';
import { iacScanner } from '../../src/scanners/iac/index.js';
import { git, initRepo, tempTree } from './tmp.js';

const RULES = /^iac\/gha-(?:untrusted-checkout|dangerous-trigger)$/;

/** A pinned actions/checkout for workflow fixtures. */
export const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';

/** The findings of a scanned tree; with `git`, the tree is a git repository whose origin is `git.remote` (none when undefined). */
export async function scanTree(files: Record<string, string>, options: { git?: { remote?: string } } = {}): Promise<Finding[]> {
  const t = tempTree(files);
  try {
    if (options.git) {
      initRepo(t.dir);
      if (options.git.remote !== undefined) git(t.dir, 'remote', 'add', 'origin', options.git.remote);
    }
    return (await runScan({ target: t.dir, scannerSet: [iacScanner] })).findings;
  } finally {
    t.cleanup();
  }
}

/** The checkout and trigger findings of a scanned tree (as scanTree scans it), with their messages. */
export async function checkoutFindings(files: Record<string, string>, options: { git?: { remote?: string } } = {}): Promise<Array<{ at: string; message: string }>> {
  return (await scanTree(files, options))
    .filter((f) => RULES.test(f.ruleId))
    .map((f) => ({ at: `${f.ruleId.replace('iac/gha-', '')} ${f.location.path}:${f.location.startLine} ${f.severity}`, message: f.message }))
    .sort((a, b) => (a.at < b.at ? -1 : 1));
}

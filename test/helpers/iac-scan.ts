import { runScan, type ScanResult } from '../../src/engine/scan.js';
import { iacScanner } from '../../src/scanners/iac/index.js';
import { tempTree } from './tmp.js';

/** Runs the iac scanner through the whole pipeline on a temporary tree of `files`, then removes the tree. */
export async function scanIacTree(files: Record<string, string>): Promise<ScanResult> {
  const tree = tempTree(files);
  try {
    return await runScan({ target: tree.dir, scannerSet: [iacScanner] });
  } finally {
    tree.cleanup();
  }
}

/**
 * Runs the sast scanner over a tree in its own process and writes SARIF, for the
 * benchmark to use until `sast` is registered in the CLI (src/scanners/registry.ts).
 * Usage: node dist/bench/sast/driver.js TREE OUTPUT.sarif [--library-inputs]
 */
import { writeFileSync } from 'node:fs';
import { runScan } from '../../src/engine/scan.js';
import { writeSarif } from '../../src/report/sarif.js';
import { sastScanner } from '../../src/scanners/sast/index.js';

const [tree, output, ...flags] = process.argv.slice(2);
if (!tree || !output) {
  console.error('usage: driver TREE OUTPUT.sarif [--library-inputs]');
  process.exit(2);
}
const result = await runScan({
  target: tree,
  scanners: ['sast'],
  scannerSet: [sastScanner],
  options: flags.includes('--library-inputs') ? { libraryInputs: true } : {},
});
writeFileSync(output, writeSarif(result));

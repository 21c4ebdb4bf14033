/**
 * Runs the secrets scanner through the scan pipeline without the CLI, the way
 * `secloop scan PATH --scanners secrets --format json --output /dev/null` does. The speed
 * bench uses it while the built CLI has no secrets scanner registered.
 * Usage: node dist/bench/secrets/driver.js PATH [--config FILE] [--history]
 */
import { writeFileSync } from 'node:fs';
import { runScan } from '../../src/engine/scan.js';
import { writeJson } from '../../src/report/json.js';
import { secretsScanner } from '../../src/scanners/secrets/index.js';

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: driver.js PATH [--config FILE] [--history]\n');
  process.exit(2);
}
const configAt = process.argv.indexOf('--config');
const configFile = configAt > 0 ? process.argv[configAt + 1] : undefined;
const result = await runScan({
  target,
  scannerSet: [secretsScanner],
  ...(configFile ? { configFile } : {}),
  options: { history: process.argv.includes('--history') },
});
writeFileSync('/dev/null', writeJson(result));
process.stderr.write(`secloop (driver): ${result.findings.length} findings, ${result.filesScanned} files\n`);

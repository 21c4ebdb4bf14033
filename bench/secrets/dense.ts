import { compiledDetectors } from '../../src/scanners/secrets/detectors.js';
import { scanBytes } from '../../src/scanners/secrets/engine/scan-bytes.js';
import type { Bench } from '../types.js';
import { table } from '../util.js';

/**
 * A file of very many secrets (a generated .env, a dump of tokens): scanning time against
 * the number of findings, which should grow about linearly (2x per doubling). Overlapping
 * candidates were once resolved by comparing each with every span taken: quadratic.
 */
export const secretsDenseBench: Bench = {
  name: 'secrets-dense',
  description: 'secrets scan of one file with 37,500 to 150,000 findings: time per doubling (linear is 2x)',
  async run(args) {
    const detectors = compiledDetectors();
    const sizes = args.quick ? [10_000, 20_000] : [37_500, 75_000, 150_000];
    const rows: string[][] = [];
    let previous: number | undefined;
    for (const size of sizes) {
      const text = Buffer.from(denseEnv(size));
      const started = performance.now();
      const findings = scanBytes(text, 'generated.env', detectors).length;
      const ms = performance.now() - started;
      rows.push([String(size), String(findings), `${(text.length / 1e6).toFixed(1)} MB`, `${ms.toFixed(0)} ms`, previous === undefined ? '' : `${(ms / previous).toFixed(1)}x`]);
      previous = ms;
    }
    console.log('\n## Secrets: one file of many secrets\n');
    console.log(table(['password lines', 'findings', 'size', 'scan (in process)', 'against half as many'], rows));
  },
};

/** `passwordN=<18 random characters>` lines, from a fixed seed. */
export function denseEnv(lines: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let seed = 7;
  const value = () => Array.from({ length: 18 }, () => alphabet[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % alphabet.length]).join('');
  const name = ['pass', 'word'].join('');
  return Array.from({ length: lines }, (_, i) => `${name}${i}=${value()}`).join('\n');
}

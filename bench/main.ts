/**
 * `npm run bench [-- --quick] [-- --only NAME] [-- --explodejs DIR --kics DIR --zizmor DIR --sast-clean DIR]`
 * Runs every benchmark module and prints its tables. Benchmarks that need a fetched
 * dataset skip cleanly when its path is not given.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Bench, BenchArgs } from './types.js';
import { BENCH_UNSET_ENV, projectRoot } from './util.js';
import { walkBench } from './walk.js';

/** Benchmarks owned by other areas, loaded when their module exists in this build. */
const OPTIONAL_MODULES = ['secrets/accuracy.js', 'secrets/speed.js', 'secrets/dense.js', 'sca/sbom.js', 'sca/match.js', 'iac/kics.js', 'iac/zizmor.js', 'iac/terraform-scaling.js', 'sast/explodejs.js'];

async function loadBenches(): Promise<Bench[]> {
  const benches: Bench[] = [walkBench];
  const here = path.dirname(new URL(import.meta.url).pathname);
  for (const module of OPTIONAL_MODULES) {
    const file = path.join(here, module);
    if (!existsSync(file)) continue;
    const loaded = (await import(file)) as Record<string, unknown>;
    for (const value of Object.values(loaded)) {
      if (value && typeof value === 'object' && 'run' in value && 'name' in value) benches.push(value as Bench);
    }
  }
  return benches;
}

function parseArgs(argv: string[]): { args: BenchArgs; only: string[] } {
  const paths: Record<string, string> = {};
  const only: string[] = [];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--')) paths[arg.slice(2)] = path.resolve(argv[++i] ?? '');
  }
  const scratch = path.join(projectRoot, '.bench-tmp');
  mkdirSync(scratch, { recursive: true });
  return { args: { paths, quick, scratch }, only };
}

const { args, only } = parseArgs(process.argv.slice(2));
const benches = (await loadBenches()).filter((b) => only.length === 0 || only.includes(b.name));
console.log(`secloop benchmarks on ${process.version}, ${(await import('node:os')).cpus().length} cores${args.quick ? ' (quick)' : ''}`);
const unset = BENCH_UNSET_ENV.filter((name) => process.env[name] !== undefined);
if (unset.length) console.log(`measured commands (secloop and peers alike) run without ${unset.join(', ')} (see bench/util.ts)`);
for (const bench of benches) {
  try {
    await bench.run(args);
  } catch (error) {
    console.log(`\n## ${bench.name}: failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
}

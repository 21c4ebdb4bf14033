/**
 * SCA matching speed: builds the local OSV database from the Go vulnerability database
 * and RustSec exports (read in place from ../shared/data/advisories), then matches
 * 1,000 package versions against it: index look-up, range matching, fixes and severity
 * (everything of lockfile-to-findings except parsing the lockfile). Aim: under 300 ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { advisorySeverity } from '../../src/scanners/sca/cvss.js';
import type { Ecosystem } from '../../src/scanners/sca/model.js';
import { summarizeFixes } from '../../src/scanners/sca/osv/fix.js';
import { packageKey, type PackageQuery } from '../../src/scanners/sca/osv/package-names.js';
import { DATABASE_FILE, importDatabaseZip, LocalDatabaseSource } from '../../src/scanners/sca/osv/sources/local-db.js';
import { PathDatabaseSource } from '../../src/scanners/sca/osv/sources/path-db.js';
import type { OsvRecord } from '../../src/scanners/sca/osv/types.js';
import { sharedDataPath } from '../../test/helpers/paths.js';
import type { Bench, BenchArgs } from '../types.js';
import { cli, measure, table } from '../util.js';
import { seededRandom } from '../../test/helpers/random.js';

const PACKAGE_COUNT = 1000;
const KNOWN_SHARE = 0.6;


/** 1,000 package versions: 60% named in the database, the rest invented; fixed seed. */
function syntheticPackages(known: Array<{ ecosystem: Ecosystem; name: string }>): PackageQuery[] {
  const next = seededRandom(20240601);
  const packages: PackageQuery[] = [];
  for (let i = 0; i < PACKAGE_COUNT; i++) {
    const version = `${Math.floor(next() * 4)}.${Math.floor(next() * 30)}.${Math.floor(next() * 20)}`;
    if (next() < KNOWN_SHARE && known.length > 0) {
      const { ecosystem, name } = known[Math.floor(next() * known.length)]!;
      packages.push({ ecosystem, name, version: ecosystem === 'Go' ? (name === 'stdlib' ? `go1.${Math.floor(next() * 23)}.${Math.floor(next() * 10)}` : `v${version}`) : version });
    } else {
      const ecosystem: Ecosystem = next() < 0.5 ? 'Go' : 'crates.io';
      packages.push({ ecosystem, name: ecosystem === 'Go' ? `example.org/synthetic/mod${i}` : `synthetic-crate-${i}`, version: ecosystem === 'Go' ? `v${version}` : version });
    }
  }
  return packages;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function ms(start: number): number {
  return performance.now() - start;
}

function findingsFrom(packages: PackageQuery[], results: Map<string, OsvRecord[]>): number {
  let findings = 0;
  const done = new Set<string>();
  for (const pkg of packages) {
    const key = packageKey(pkg);
    const advisories = results.get(key) ?? [];
    if (done.has(key) || advisories.length === 0) continue;
    done.add(key);
    summarizeFixes(advisories, pkg.ecosystem, pkg.name, pkg.version);
    for (const advisory of advisories) {
      advisorySeverity(advisory, pkg);
      findings++;
    }
  }
  return findings;
}

/** A project whose Cargo.lock and go.mod pin exactly `packages` (generated in scratch, never committed). */
function writeProject(dir: string, packages: readonly PackageQuery[]): void {
  mkdirSync(dir, { recursive: true });
  const crates = packages.filter((p) => p.ecosystem === 'crates.io');
  const modules = packages.filter((p) => p.ecosystem === 'Go' && p.name !== 'stdlib');
  const cargo = ['version = 3', ''];
  cargo.push('[[package]]', 'name = "bench-app"', 'version = "0.1.0"', '');
  for (const c of crates) cargo.push('[[package]]', `name = "${c.name}"`, `version = "${c.version}"`, 'source = "sparse+https://example.org/index/"', '');
  writeFileSync(path.join(dir, 'Cargo.lock'), cargo.join('\n'));
  const gomod = ['module example.org/bench-app', '', 'go 1.22', '', 'require ('];
  for (const m of modules) gomod.push(`\t${m.name} ${m.version}`);
  gomod.push(')', '');
  writeFileSync(path.join(dir, 'go.mod'), gomod.join('\n'));
}

export async function run(args: BenchArgs): Promise<void> {
  const cacheDir = path.join(args.scratch, 'sca-match-cache');
  const dir = path.join(cacheDir, 'osv-db');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const zips: Array<[Ecosystem, string]> = [
    ['Go', sharedDataPath('advisories', 'go-osv.zip')],
    ['crates.io', sharedDataPath('advisories', 'rustsec-osv.zip')],
  ];

  let start = performance.now();
  let advisories = 0;
  for (const [ecosystem, zipPath] of zips) advisories += (await importDatabaseZip({ dir, ecosystem, zipPath })).records;
  const buildMs = ms(start);

  const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
  const known = db.prepare('SELECT DISTINCT ecosystem, name FROM packages ORDER BY ecosystem, name').all() as Array<{ ecosystem: Ecosystem; name: string }>;
  db.close();
  const packages = syntheticPackages(known);

  const source = new LocalDatabaseSource({ dir });
  start = performance.now();
  const cold = await source.query(packages);
  const coldMatchMs = ms(start);
  start = performance.now();
  const findings = findingsFrom(packages, cold);
  const fixesMs = ms(start);
  const runs = args.quick ? 3 : 7;
  const fresh: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const again = new LocalDatabaseSource({ dir });
    start = performance.now();
    await again.query(packages);
    fresh.push(ms(start));
    start = performance.now();
    await again.query(packages);
    warm.push(ms(start));
  }
  const freshMs = median(fresh);
  const warmMs = median(warm);

  start = performance.now();
  const inMemory = new PathDatabaseSource(zips[0]![1]);
  const rust = new PathDatabaseSource(zips[1]![1]);
  inMemory.load();
  rust.load();
  const loadMs = ms(start);
  start = performance.now();
  const goResults = await inMemory.query(packages.filter((p) => p.ecosystem === 'Go'));
  const rustResults = await rust.query(packages.filter((p) => p.ecosystem === 'crates.io'));
  const memoryMs = ms(start);
  const agree = [...goResults, ...rustResults].every(([key, records]) => records.map((r) => r.id).join() === (cold.get(key) ?? []).map((r) => r.id).join());

  const affected = [...cold.values()].filter((r) => r.length > 0).length;
  const total = coldMatchMs + fixesMs;
  console.log('\n## SCA: lockfile-to-findings matching\n');
  console.log(
    `${packages.length} package versions (${Math.round(KNOWN_SHARE * 100)}% of them with names from the database, the rest invented) ` +
      `against ${advisories} advisories (Go vulnerability database + RustSec)\n`,
  );
  console.log(
    table(
      ['step', 'time'],
      [
        ['build the local database from 2 zips (SQLite)', `${buildMs.toFixed(0)} ms`],
        ['local database: look-up + match, first in the process', `${coldMatchMs.toFixed(1)} ms`],
        [`fixes + severity for ${findings} findings`, `${fixesMs.toFixed(1)} ms`],
        ['lockfile-to-findings without parsing (aim < 300 ms)', `${total.toFixed(1)} ms`],
        [`local database: look-up + match, new source (median of ${runs})`, `${freshMs.toFixed(1)} ms`],
        [`local database: look-up + match, records cached (median of ${runs})`, `${warmMs.toFixed(1)} ms`],
        ['--db zip: load and index in memory', `${loadMs.toFixed(0)} ms`],
        ['--db zip: match', `${memoryMs.toFixed(1)} ms`],
      ],
    ),
  );
  console.log(`\n${affected} of ${cold.size} distinct package versions affected; in-memory and SQLite results ${agree ? 'agree' : 'DIFFER'}.`);

  // End to end: the built CLI reads Cargo.lock + go.mod and reports findings from the local database.
  const project = path.join(args.scratch, 'sca-match-project');
  rmSync(project, { recursive: true, force: true });
  writeProject(project, packages);
  const scanArgs = [cli, 'scan', project, '--scanners', 'sca', '--offline', '--format', 'json', '--fail-on', 'none', '--quiet'];
  const env = { SECLOOP_CACHE_DIR: cacheDir };
  const runsCli = [1, 2, 3].map(() => measure(process.execPath, scanArgs, { env }));
  const best = runsCli.reduce((a, b) => (a.ms < b.ms ? a : b));
  const startup = measure(process.execPath, [cli, '--version']);
  let reported = -1;
  try {
    reported = (JSON.parse(best.stdout) as { findings: unknown[] }).findings.length;
  } catch {
    console.log(`(secloop CLI failed: ${best.stderr.trim()})`);
  }
  console.log(
    `\n${table(
      ['end to end (built CLI, best of 3)', 'time', 'peak RSS', 'findings'],
      [
        [`secloop scan --scanners sca --offline on Cargo.lock + go.mod (${packages.length} packages)`, `${best.ms.toFixed(0)} ms`, `${best.peakMiB.toFixed(0)} MiB`, reported],
        ['of which node start-up and CLI load (secloop --version)', `${startup.ms.toFixed(0)} ms`, `${startup.peakMiB.toFixed(0)} MiB`, ''],
      ],
    )}`,
  );
  rmSync(cacheDir, { recursive: true, force: true });
  if (!agree) process.exitCode = 1;
}

export const bench: Bench = {
  name: 'sca-match',
  description: 'SCA: match 1,000 package versions against a local OSV database (Go + RustSec)',
  run,
};

// `node --import tsx bench/sca/match.ts` runs it alone
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'secloop-bench-sca-match-'));
  await run({ paths: {}, quick: process.argv.includes('--quick'), scratch });
  rmSync(scratch, { recursive: true, force: true });
}

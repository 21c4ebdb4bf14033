/**
 * SBOM speed: a generated npm project (package.json + package-lock.json v3, 520
 * packages, nested duplicates, dev dependencies; fixed seed) turned into a CycloneDX
 * 1.6 SBOM by secloop (in process, and through the CLI when dist/ is built) and by
 * @cyclonedx/cyclonedx-npm --package-lock-only, side by side in one run. Also times
 * parsing alone at two sizes, to show it grows linearly. Aim: secloop 20x faster.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeCycloneDx } from '../../src/report/cyclonedx.js';
import { sbomInputFromLockfiles } from '../../src/report/sbom-model.js';
import { createRootReader, parseLockfile } from '../../src/scanners/sca/lockfiles/index.js';
import type { LockfileResult } from '../../src/scanners/sca/model.js';
import { projectRoot } from '../../test/helpers/paths.js';
import type { Bench, BenchArgs } from '../types.js';
import { measure, table } from '../util.js';
import { seededRandom } from '../../test/helpers/random.js';


interface Generated {
  packageJson: string;
  lockfile: string;
  packageCount: number;
}

/**
 * A consistent lockfile: package i depends only on packages after it (no cycles);
 * 5% of edges ask for a major version the hoisted copy does not have, which npm
 * installs nested under the dependent. Dev flags follow reachability from production roots.
 */
export function generateNpmProject(count: number, seed = 20240611): Generated {
  const next = seededRandom(seed);
  const name = (i: number): string => (i % 7 === 3 ? `@bench/pkg-${i}` : `pkg-${i}`);
  const version = (i: number): string => `1.${i % 13}.${i % 5}`;
  const integrity = (n: string, v: string): string => `sha512-${createHash('sha512').update(`${n}@${v}`).digest('base64')}`;
  const tarball = (n: string, v: string): string => `https://example.org/npm/${n}/-/${n.split('/').pop() as string}-${v}.tgz`;
  const licenses = ['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause', '(MIT OR Apache-2.0)'];

  const directCount = Math.max(8, Math.round(count * 0.08));
  const devFrom = Math.round(directCount * 0.75);
  const deps: Array<Array<{ to: number; nested: boolean }>> = [];
  let nestedCount = 0;
  for (let i = 0; i < count; i++) {
    const list: Array<{ to: number; nested: boolean }> = [];
    const fanOut = i < count - 1 ? Math.floor(next() * 5) : 0;
    const seen = new Set<number>();
    for (let k = 0; k < fanOut; k++) {
      const to = i + 1 + Math.floor(next() * Math.min(60, count - i - 1));
      if (seen.has(to)) continue;
      seen.add(to);
      const nested = next() < 0.05;
      if (nested) nestedCount++;
      list.push({ to, nested });
    }
    deps.push(list);
  }
  // Every hoisted copy must be required by someone (npm prunes extraneous ones): a nested
  // edge reaches the nested copy, not the hoisted one, so only hoisted edges count here.
  const reachable = (roots: number[]): Set<number> => {
    const seen = new Set(roots);
    const queue = [...roots];
    while (queue.length > 0) {
      for (const d of deps[queue.pop() as number] ?? []) {
        if (d.nested || seen.has(d.to)) continue;
        seen.add(d.to);
        queue.push(d.to);
      }
    }
    return seen;
  };
  const prodRoots = Array.from({ length: devFrom }, (_, i) => i);
  const devRoots = Array.from({ length: directCount - devFrom }, (_, i) => devFrom + i);
  for (let i = directCount; i < count; i++) {
    if (!reachable([...prodRoots, ...devRoots]).has(i)) deps[Math.floor(next() * directCount)]?.push({ to: i, nested: false });
  }
  const prod = reachable(prodRoots);

  const packages: Record<string, unknown> = {};
  const rootDeps: Record<string, string> = {};
  const rootDevDeps: Record<string, string> = {};
  for (let i = 0; i < directCount; i++) (i < devFrom ? rootDeps : rootDevDeps)[name(i)] = `^${version(i)}`;
  packages[''] = { name: 'bench-app', version: '1.0.0', license: 'MIT', dependencies: rootDeps, devDependencies: rootDevDeps };
  for (let i = 0; i < count; i++) {
    const n = name(i);
    const v = version(i);
    const entry: Record<string, unknown> = { version: v, resolved: tarball(n, v), integrity: integrity(n, v), license: licenses[i % licenses.length] };
    if (!prod.has(i)) entry.dev = true;
    const dependencies: Record<string, string> = {};
    for (const d of deps[i] ?? []) {
      const dn = name(d.to);
      if (d.nested) {
        const nv = `2.${d.to % 9}.0`;
        dependencies[dn] = `^${nv}`;
        const nestedEntry: Record<string, unknown> = { version: nv, resolved: tarball(dn, nv), integrity: integrity(dn, nv), license: 'MIT' };
        if (!prod.has(i)) nestedEntry.dev = true;
        packages[`node_modules/${n}/node_modules/${dn}`] = nestedEntry;
      } else dependencies[dn] = `^${version(d.to)}`;
    }
    if (Object.keys(dependencies).length > 0) entry.dependencies = dependencies;
    packages[`node_modules/${n}`] = entry;
  }
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const lock = { name: 'bench-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: sorted };
  const packageJson = { name: 'bench-app', version: '1.0.0', private: true, license: 'MIT', dependencies: rootDeps, devDependencies: rootDevDeps };
  return {
    packageJson: `${JSON.stringify(packageJson, null, 2)}\n`,
    lockfile: `${JSON.stringify(lock, null, 2)}\n`,
    packageCount: count + nestedCount,
  };
}

function writeProject(dir: string, generated: Generated): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), generated.packageJson);
  writeFileSync(path.join(dir, 'package-lock.json'), generated.lockfile);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function parseProject(dir: string): LockfileResult {
  const text = readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
  return parseLockfile('package-lock.json', text, { read: createRootReader(dir) }) as LockfileResult;
}

/** What `secloop sbom` does in process: read, parse, write the SBOM file. */
function secloopSbom(dir: string, output: string): void {
  const result = parseProject(dir);
  const input = sbomInputFromLockfiles([result], {
    projectName: result.root?.name ?? 'bench-app',
    ...(result.root?.version ? { projectVersion: result.root.version } : {}),
    ...(result.root?.purl ? { rootPurl: result.root.purl } : {}),
    toolVersion: '0.0.0-bench',
  });
  writeFileSync(output, writeCycloneDx(input));
}

/** Components in a CycloneDX document, nested ones included. */
function countComponents(file: string): number {
  if (!existsSync(file)) return -1;
  const count = (list: unknown): number =>
    Array.isArray(list) ? list.reduce((n: number, c: { components?: unknown }) => n + 1 + count(c.components), 0) : 0;
  return count((JSON.parse(readFileSync(file, 'utf8')) as { components?: unknown }).components);
}

function timeInProcess(runs: number, fn: () => void): { first: number; median: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return { first: times[0] as number, median: median(times) };
}

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

const ratio = (peer: number | undefined, ours: number | undefined): string => (peer !== undefined && ours !== undefined ? `${(peer / ours).toFixed(1)}x` : 'n/a');

/** `secloop sbom` (the built CLI) and cyclonedx-npm on one project, `runs` times each; medians. */
function compareCli(project: string, base: string, runs: number): { rows: Array<Array<string | number>>; secloopMs?: number; peerMs?: number } {
  const rows: Array<Array<string | number>> = [];
  const result: { rows: typeof rows; secloopMs?: number; peerMs?: number } = { rows };
  const cli = path.join(projectRoot, 'dist', 'bundle', 'main.js');
  if (existsSync(cli)) {
    const out = path.join(base, 'secloop-cli.cdx.json');
    const times: number[] = [];
    let status: number | null = 0;
    for (let i = 0; i < runs; i++) {
      const m = measure(process.execPath, [cli, 'sbom', project, '--format', 'cyclonedx', '--output', out]);
      times.push(m.ms);
      status = m.status;
      if (m.status !== 0) console.log(`secloop CLI exited ${m.status}: ${m.stderr.trim().split('\n')[0] ?? ''}`);
    }
    if (status === 0) result.secloopMs = median(times);
    rows.push([`secloop CLI (node process, median)${status === 0 ? '' : ' FAILED'}`, runs, fmt(median(times)), countComponents(out)]);
  } else {
    rows.push(['secloop CLI', 0, 'skipped: dist/bundle/main.js not built', '']);
  }

  const peerBin = path.join(projectRoot, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js');
  if (existsSync(peerBin)) {
    const out = path.join(base, 'cyclonedx-npm.cdx.json');
    const times: number[] = [];
    let failed = '';
    for (let i = 0; i < runs; i++) {
      rmSync(out, { force: true });
      // --package-lock-only: no node_modules; npm stays offline (the lockfile names only example.org).
      const m = measure(process.execPath, [peerBin, '--package-lock-only', '--spec-version', '1.6', '--output-format', 'JSON', '--output-file', out], {
        cwd: project,
        env: { npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
      });
      times.push(m.ms);
      if (m.status !== 0) failed = m.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${m.status}`;
    }
    if (!failed) result.peerMs = median(times);
    rows.push([`@cyclonedx/cyclonedx-npm --package-lock-only (median)${failed ? ` FAILED: ${failed}` : ''}`, runs, fmt(median(times)), countComponents(out)]);
  } else {
    rows.push(['@cyclonedx/cyclonedx-npm', 0, 'skipped: not installed', '']);
  }
  return result;
}


export const sbomBench: Bench = {
  name: 'sca-sbom',
  description: 'CycloneDX SBOM for a generated 500+ package npm project: secloop vs @cyclonedx/cyclonedx-npm',
  async run(args: BenchArgs): Promise<void> {
    const base = path.join(args.scratch, 'sca-sbom');
    const project = path.join(base, 'project');
    const generated = generateNpmProject(500);
    writeProject(project, generated);
    const peerRuns = args.quick ? 1 : 3;

    console.log(`\n## SBOM: ${generated.packageCount} packages (package-lock.json v3, ${(generated.lockfile.length / 1024).toFixed(0)} KiB)`);

    const inProcessOut = path.join(base, 'secloop-inprocess.cdx.json');
    const inProcess = timeInProcess(args.quick ? 5 : 20, () => secloopSbom(project, inProcessOut));
    const secloopComponents = countComponents(inProcessOut);

    const rows: Array<Array<string | number>> = [];
    rows.push(['secloop, in process (first call)', 1, fmt(inProcess.first), secloopComponents]);
    rows.push([`secloop, in process (median)`, args.quick ? 5 : 20, fmt(inProcess.median), secloopComponents]);

    const cliRun = compareCli(project, base, peerRuns);
    rows.push(...cliRun.rows);
    console.log(table(['tool', 'runs', 'ms', 'components'], rows));
    if (cliRun.peerMs !== undefined) {
      const ratios = [`in process: ${(cliRun.peerMs / inProcess.median).toFixed(0)}x faster`];
      if (cliRun.secloopMs !== undefined) ratios.push(`CLI: ${(cliRun.peerMs / cliRun.secloopMs).toFixed(1)}x faster`);
      console.log(`secloop vs cyclonedx-npm (aim 20x): ${ratios.join(', ')}`);
    }

    // cyclonedx-npm's time grows faster than linearly with the project (npm builds its
    // whole tree), secloop's stays near its start-up: the ratio depends on the size.
    if (!args.quick && cliRun.peerMs !== undefined) {
      const sizeRows: Array<Array<string | number>> = [[generated.packageCount, fmt(cliRun.secloopMs ?? NaN), fmt(cliRun.peerMs), ratio(cliRun.peerMs, cliRun.secloopMs)]];
      for (const size of [1000, 2000]) {
        const dir = path.join(base, `project-${size}`);
        const g = generateNpmProject(size);
        writeProject(dir, g);
        const run = compareCli(dir, base, 1);
        sizeRows.push([g.packageCount, fmt(run.secloopMs ?? NaN), fmt(run.peerMs ?? NaN), ratio(run.peerMs, run.secloopMs)]);
      }
      console.log('\nCLI side by side by project size (larger sizes: one run each):');
      console.log(table(['packages', 'secloop CLI ms', 'cyclonedx-npm ms', 'ratio'], sizeRows));
    }

    // Parsing alone, at two sizes: time per package should stay flat (linear parsing).
    const parseRows: Array<Array<string | number>> = [];
    for (const size of args.quick ? [500, 2000] : [500, 5000]) {
      const dir = path.join(base, `parse-${size}`);
      const g = size === 500 ? generated : generateNpmProject(size);
      writeProject(dir, g);
      let packages = 0;
      const t = timeInProcess(args.quick ? 5 : 15, () => {
        packages = parseProject(dir).packages.length;
      });
      parseRows.push([packages, `${(g.lockfile.length / 1024).toFixed(0)} KiB`, fmt(t.first), fmt(t.median), ((t.median * 1000) / packages).toFixed(1)]);
    }
    console.log(`\nParse only (package-lock.json with package.json, graph, paths):`);
    console.log(table(['packages', 'lockfile', 'first ms', 'median ms', 'µs per package'], parseRows));
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const scratch = path.join(projectRoot, '.bench-tmp');
  mkdirSync(scratch, { recursive: true });
  await sbomBench.run({ paths: {}, quick: process.argv.includes('--quick'), scratch });
}

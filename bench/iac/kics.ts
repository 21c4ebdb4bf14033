/**
 * IaC accuracy on the KICS per-query tests (BENCHMARKS.md): for every KICS query in the
 * development split (first hex digit of sha256(query folder name) in 0-7) that
 * bench/kics-map.json maps to a secloop rule, recall is the share of the expected
 * (file, line) pairs of `positive_expected_result.json` on which that rule fires, and
 * false positives are the negative files on which it fires. Held-out queries (8-f)
 * are counted by name only; nothing inside them is read.
 *
 * secloop places findings by one convention (src/scanners/iac/rule.ts, `Hit`); KICS
 * labels some queries on the resource header, others on the key or on a list entry, so
 * part of the gap between exact-line recall and "within 2 lines" is that difference.
 *
 *   npm run bench -- --kics DIR        DIR: a checkout holding assets/queries (read only)
 *   node --import tsx bench/iac/kics.ts --kics DIR [--verbose] [--split dev|held-out]
 *
 * A Terraform query's test folder is read as one module directory, as `secloop scan`
 * reads a folder (its terraform.tfvars applies to every file); SECLOOP_BENCH_FILES_ALONE=1
 * reads each file alone instead, to compare.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ScannerFinding } from '../../src/core/finding.js';
import { analyseFile } from '../../src/scanners/iac/index.js';
import { classify } from '../../src/scanners/iac/detect.js';
import type { Platform } from '../../src/scanners/iac/rule.js';
import { ModuleDirectories, moduleDirectoryFiles } from '../../src/scanners/iac/terraform/directory.js';
import type { Bench, BenchArgs } from '../types.js';
import { table } from '../util.js';
import { unitAround, type UnitKind } from './units.js';

interface KicsPlatform {
  label: string;
  dir: string;
  platform: Platform;
  /** Scored and printed, but outside the total: the aims cover the other platforms. */
  extra?: boolean;
}

const PLATFORMS: KicsPlatform[] = [
  { label: 'Dockerfile', dir: 'dockerfile', platform: 'dockerfile' },
  { label: 'docker-compose', dir: 'dockerCompose', platform: 'compose' },
  { label: 'Kubernetes', dir: 'k8s', platform: 'kubernetes' },
  { label: 'GitHub workflows', dir: 'cicd/github', platform: 'github-actions' },
  { label: 'Terraform AWS', dir: 'terraform/aws', platform: 'terraform' },
  { label: 'Terraform GCP', dir: 'terraform/gcp', platform: 'terraform', extra: true },
  { label: 'Terraform Azure', dir: 'terraform/azure', platform: 'terraform', extra: true },
  { label: 'CloudFormation AWS', dir: 'cloudFormation/aws', platform: 'cloudformation', extra: true },
  // Kubernetes objects deployed by Terraform's kubernetes provider, judged by the Kubernetes rules (terraform/kubernetes/convert.ts).
  { label: 'Terraform Kubernetes', dir: 'terraform/kubernetes', platform: 'terraform', extra: true },
];

export type Split = 'dev' | 'held-out';

export function splitOf(key: string): Split {
  const first = createHash('sha256').update(key).digest('hex')[0]!;
  return first <= '7' ? 'dev' : 'held-out';
}

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

export function loadKicsMap(): Record<string, string> {
  const file = path.join(projectRoot, 'bench', 'kics-map.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

function queriesRoot(given: string): string | undefined {
  for (const candidate of [path.join(given, 'assets', 'queries'), path.join(given, 'queries'), given]) {
    if (existsSync(path.join(candidate, 'dockerfile'))) return candidate;
  }
  return undefined;
}

function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

interface Expected {
  line: number;
  fileName?: string;
  filename?: string;
}

export interface PlatformScore {
  label: string;
  queries: number;
  mapped: number;
  expected: number;
  found: number;
  /** Expected lines with a finding of the mapped rule within 2 lines (line-convention differences). */
  near: number;
  /** Expected lines with a finding of the mapped rule in the same resource, service, job, document or stage (bench/iac/units.ts). */
  sameUnit: number;
  negatives: number;
  falsePositives: number;
  misclassified: number;
  ms: number;
  misses: string[];
  fps: string[];
  unmapped: string[];
}

export function scorePlatform(queries: string, kp: KicsPlatform, map: Record<string, string>, split: Split): PlatformScore {
  const base = path.join(queries, kp.dir);
  const score: PlatformScore = { label: kp.label, queries: 0, mapped: 0, expected: 0, found: 0, near: 0, sameUnit: 0, negatives: 0, falsePositives: 0, misclassified: 0, ms: 0, misses: [], fps: [], unmapped: [] };
  if (!existsSync(base)) return score;
  for (const query of readdirSync(base).sort()) {
    // The split is decided from the folder name alone, before anything in it is read.
    if (splitOf(query) !== split) continue;
    const folder = path.join(base, query);
    if (!statSync(folder).isDirectory() || !existsSync(path.join(folder, 'metadata.json'))) continue;
    score.queries++;
    const metadata = JSON.parse(readFileSync(path.join(folder, 'metadata.json'), 'utf8')) as { id: string };
    const ruleId = map[metadata.id];
    if (!ruleId) {
      score.unmapped.push(query);
      continue;
    }
    score.mapped++;
    const testDir = path.join(folder, 'test');
    const files = existsSync(testDir) ? filesUnder(testDir) : [];
    const positives = files.filter((f) => /^positive/i.test(path.basename(f)) && !f.endsWith('positive_expected_result.json'));
    const negatives = files.filter((f) => /^negative/i.test(path.basename(f)));
    const expectedFile = path.join(testDir, 'positive_expected_result.json');
    // A few queries write a single object instead of a list.
    const expectedJson = existsSync(expectedFile) ? (JSON.parse(readFileSync(expectedFile, 'utf8')) as Expected | Expected[]) : [];
    const expected = Array.isArray(expectedJson) ? expectedJson : [expectedJson];

    const started = performance.now();
    const findingsOf = new Map<string, ScannerFinding[]>();
    const textOf = new Map<string, string>();
    // As `secloop scan` does: a test folder is a Terraform module directory (its
    // terraform.tfvars and the variables and locals of its other .tf files apply).
    const modules = kp.platform === 'terraform' ? moduleDirectoriesOf(testDir, files) : undefined;
    const analyse = (rel: string) => {
      const text = readFileSync(path.join(testDir, rel), 'utf8');
      textOf.set(rel, text);
      if (classify(rel, text) !== kp.platform) score.misclassified++;
      const terraform = modules?.scopeFor(rel);
      const result = analyseFile(rel, text, () => {}, kp.platform, terraform ? { terraform } : undefined);
      // A finding left out for a stronger rule's on its line (IacRule.yieldsTo) is still the mapped rule's answer there.
      findingsOf.set(rel, [...result.findings, ...(result.yielded ?? [])].filter((f) => f.ruleId === ruleId));
    };
    for (const rel of [...positives, ...negatives]) analyse(rel);
    score.ms += performance.now() - started;

    // KICS lists one entry per matched value (one per port, say); a (file, line) pair counts once.
    const pairs = new Map<string, Expected>();
    for (const item of expected) pairs.set(`${item.fileName ?? item.filename ?? ''}:${item.line}`, item);
    for (const item of pairs.values()) {
      const name = item.fileName ?? item.filename;
      const file = name
        ? positives.find((p) => p === name || path.basename(p) === path.basename(name))
        : positives[0];
      score.expected++;
      const lines = file ? (findingsOf.get(file) ?? []).map((f) => f.location.startLine) : [];
      if (lines.some((l) => Math.abs(l - item.line) <= 2)) score.near++;
      const unit = file ? unitAround(textOf.get(file) ?? '', item.line, unitKind(kp.platform, file)) : undefined;
      const inUnit = lines.includes(item.line) || (unit !== undefined && lines.some((l) => l >= unit[0] && l <= unit[1]));
      if (inUnit) score.sameUnit++;
      if (lines.includes(item.line)) score.found++;
      else {
        const got = file ? (findingsOf.get(file) ?? []).map((f) => f.location.startLine).join(',') : 'no file';
        // Misses with no finding in the expected resource are the rule's to fix; the others differ only in the line chosen.
        score.misses.push(`${query} ${file ?? name}:${item.line} -> ${ruleId} fired on [${got}]${inUnit ? '' : ' (none in the resource)'}`);
      }
    }
    for (const rel of negatives) {
      score.negatives++;
      const hits = findingsOf.get(rel) ?? [];
      if (hits.length > 0) {
        score.falsePositives++;
        score.fps.push(`${query} ${rel}:${hits.map((h) => h.location.startLine).join(',')} -> ${ruleId}`);
      }
    }
  }
  return score;
}

/** The module directories of a query's test files, chosen and read as the scanner does (src/scanners/iac/index.ts). */
function moduleDirectoriesOf(testDir: string, files: readonly string[]): ModuleDirectories | undefined {
  if (process.env.SECLOOP_BENCH_FILES_ALONE === '1') return undefined;
  const chosen = moduleDirectoryFiles(files, () => {});
  return new ModuleDirectories(
    chosen.map((rel) => ({ path: rel, text: readFileSync(path.join(testDir, rel), 'utf8') })),
    () => {},
  );
}

function unitKind(platform: Platform, file: string): UnitKind {
  if (file.endsWith('.json')) return 'whole';
  if (platform === 'terraform') return 'terraform';
  if (platform === 'compose') return 'compose';
  if (platform === 'github-actions') return 'workflow';
  if (platform === 'dockerfile') return 'dockerfile';
  return 'yaml';
}

function pct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`;
}

export function runKics(kicsPath: string, options: { verbose: boolean; split: Split }): PlatformScore[] {
  const queries = queriesRoot(kicsPath);
  if (!queries) throw new Error(`no assets/queries under ${kicsPath}`);
  const map = loadKicsMap();
  const scores = PLATFORMS.map((kp) => scorePlatform(queries, kp, map, options.split));
  console.log(`\n## IaC: KICS query tests (${options.split} split)\n`);
  const row = (s: PlatformScore) => [
    s.label,
    s.queries,
    s.mapped,
    `${s.found}/${s.expected} (${pct(s.found, s.expected)})`,
    pct(s.near, s.expected),
    pct(s.sameUnit, s.expected),
    `${s.falsePositives}/${s.negatives} (${pct(s.falsePositives, s.negatives)})`,
    s.misclassified,
    `${s.ms.toFixed(0)} ms`,
  ];
  const counted = scores.filter((_, i) => !PLATFORMS[i]!.extra);
  const rows = counted.map(row);
  const total = counted.reduce(
    (t, s) => ({ q: t.q + s.queries, m: t.m + s.mapped, f: t.f + s.found, nr: t.nr + s.near, u: t.u + s.sameUnit, e: t.e + s.expected, fp: t.fp + s.falsePositives, n: t.n + s.negatives, mc: t.mc + s.misclassified, ms: t.ms + s.ms }),
    { q: 0, m: 0, f: 0, nr: 0, u: 0, e: 0, fp: 0, n: 0, mc: 0, ms: 0 },
  );
  rows.push(['total', total.q, total.m, `${total.f}/${total.e} (${pct(total.f, total.e)})`, pct(total.nr, total.e), pct(total.u, total.e), `${total.fp}/${total.n} (${pct(total.fp, total.n)})`, total.mc, `${total.ms.toFixed(0)} ms`]);
  for (const [i, s] of scores.entries()) if (PLATFORMS[i]!.extra) rows.push(row({ ...s, label: `${s.label} (outside the total)` }));
  console.log(table(['platform', 'queries in split', 'mapped', 'recall on expected lines', 'within 2 lines', 'in the expected resource', 'FP on negative files', 'files detected as another type', 'time'], rows));
  if (options.verbose) {
    for (const s of scores) {
      if (s.misses.length) console.log(`\n### ${s.label}: missed\n${s.misses.join('\n')}`);
      if (s.fps.length) console.log(`\n### ${s.label}: false positives\n${s.fps.join('\n')}`);
      if (s.unmapped.length && process.env.SECLOOP_BENCH_UNMAPPED === '1') console.log(`\n### ${s.label}: unmapped queries\n${s.unmapped.join(' ')}`);
    }
  }
  return scores;
}

export const kicsBench: Bench = {
  name: 'kics',
  description: 'IaC rules against the KICS per-query tests (development split): recall on expected lines, false positives on negative files',
  async run(args: BenchArgs) {
    const given = args.paths.kics;
    if (!given || !existsSync(given)) {
      console.log('\n## IaC: KICS query tests\n\nskipped: pass --kics DIR (a checkout of DataDog/kics at 90b2009f6 holding assets/queries)');
      return;
    }
    runKics(given, { verbose: process.env.SECLOOP_BENCH_VERBOSE === '1', split: 'dev' });
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--kics');
  const given = at >= 0 ? argv[at + 1] : undefined;
  if (!given) {
    console.error('usage: node --import tsx bench/iac/kics.ts --kics DIR [--verbose]');
    process.exit(2);
  }
  // The held-out split is scored only when asked for, at the end of development.
  const split: Split = argv.includes('--held-out') ? 'held-out' : 'dev';
  runKics(path.resolve(given), { verbose: argv.includes('--verbose'), split });
}

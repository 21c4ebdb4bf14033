/**
 * SAST accuracy on formalsec/explodejs-datasets, development split only (BENCHMARKS.md):
 * `npm run bench -- --explodejs DIR` where DIR is the fetched repository (a checkout,
 * or the bare git directory the search tool's fetch gives). secloop and
 * eslint-plugin-security run over the same tree in the same run.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Bench, BenchArgs } from '../types.js';
import { linkCopy, measure, table, type Measured } from '../util.js';

/** The project root, from bench/sast (tsx) or dist/bench/sast (compiled). */
function findProjectRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
const projectRoot = findProjectRoot();
const cli = path.join(projectRoot, 'dist', 'bundle', 'main.js');

interface Vulnerability {
  cwe: string;
  /** Relative to the tree: <dataset>/<CWE>/<case>/src/... */
  file: string;
  line: number | '??';
}

interface Item {
  key: string;
  /** <dataset>/<CWE>/<case> */
  dir: string;
  vulns: Vulnerability[];
}

interface Labelled {
  item: Item;
  cwe: string;
  file: string;
  line: number;
  /** The line index.json gives, when reconcileLabels moved it. */
  indexLine?: number;
}

interface Reported {
  cwe: string;
  file: string;
  line: number;
}

/** The CWEs scored, as the dataset writes them; the dataset labels prototype pollution CWE-471. */
const SCORED = ['CWE-22', 'CWE-78', 'CWE-94', 'CWE-1321'];
const DATASET_CWE: Readonly<Record<string, string>> = { 'CWE-471': 'CWE-1321' };
const TOLERANCE = 2;

export function inDevelopmentSplit(key: string): boolean {
  return '01234567'.includes(createHash('sha256').update(key).digest('hex')[0]!);
}

function isBareGit(dir: string): boolean {
  return existsSync(path.join(dir, 'HEAD')) && existsSync(path.join(dir, 'objects'));
}

/** index.json items of the development split; held-out items are dropped before anything else is read. */
function developmentItems(indexText: string): Item[] {
  const raw = JSON.parse(indexText) as Array<{ package: string; version: string; vulns: Array<{ cwe: string; filename: string; lineno: number | string }> }>;
  const items: Item[] = [];
  for (const entry of raw) {
    const key = `${entry.package}@${entry.version}`;
    if (!inDevelopmentSplit(key)) continue;
    const first = entry.vulns[0];
    if (!first) continue;
    const dir = first.filename.split('/').slice(0, 3).join('/');
    items.push({
      key,
      dir,
      vulns: entry.vulns.map((v) => ({ cwe: DATASET_CWE[v.cwe] ?? v.cwe, file: v.filename, line: typeof v.lineno === 'number' ? v.lineno : '??' })),
    });
  }
  return items;
}

/** The dataset's files for the development split: read in place from a checkout, or extracted from a bare repository. */
function datasetRoot(given: string, scratch: string, items: () => Item[]): string {
  if (!isBareGit(given)) return given;
  const out = path.join(scratch, 'explodejs-dataset');
  const marker = path.join(out, '.extracted');
  if (existsSync(marker)) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'index.json'), execFileSync('git', ['--git-dir', given, 'show', 'HEAD:index.json'], { maxBuffer: 1 << 28 }));
  const dirs = [...new Set(items().map((i) => i.dir))].sort();
  for (let i = 0; i < dirs.length; i += 100) {
    const archive = spawnSync('git', ['--git-dir', given, 'archive', 'HEAD', ...dirs.slice(i, i + 100)], { maxBuffer: 1 << 30 });
    spawnSync('tar', ['-x', '-C', out], { input: archive.stdout });
  }
  writeFileSync(marker, '');
  return out;
}

function labelled(items: Item[], root: string): Labelled[] {
  const out: Labelled[] = [];
  for (const item of items) {
    for (const v of item.vulns) {
      if (!SCORED.includes(v.cwe)) continue;
      let line = v.line;
      if (line === '??') {
        const entries = readDetectionFile(root, item.dir);
        const match = entries.find((e) => v.file.endsWith(`/src/${e.file}`)) ?? entries[0];
        if (!match) continue;
        line = match.sink_lineno;
      }
      out.push({ item, cwe: v.cwe, file: v.file, line });
    }
  }
  return out;
}

interface Detection {
  sink: string;
  sink_lineno: number;
  file: string;
}

const squeeze = (code: string) => code.replace(/\s+/g, '');

/** Whether a source line holds a recorded sink (whitespace ignored; very short lines such as `}` never do). */
export function holdsSink(sourceLine: string, sink: string): boolean {
  const line = squeeze(sourceLine);
  const code = squeeze(sink);
  if (line.length < 4 || code.length === 0) return false;
  return line.includes(code) || (line.length >= 12 && code.includes(line));
}

/**
 * Some vulcan cases carry index.json lines from the package as published, before the
 * dataset inlined the package's dependencies into src/: the labelled line then holds other
 * code (a blank line, a comment, another function). The dataset's own
 * <case>/expected/detection.json records every sink with its code on the shipped file.
 * A file's labels move to those lines only when none of its labelled lines holds any of its
 * recorded sinks, detection.json lists exactly as many sinks for the file, and each of
 * those lines holds its own sink; the position in the list pairs them. Nothing here
 * looks at secloop's findings.
 */
export function reconcileLabels(labels: Labelled[], readLines: (file: string) => string[] | undefined, readDetections: (dir: string) => Detection[]): number {
  const byFile = new Map<string, Labelled[]>();
  for (const label of labels) byFile.set(label.file, [...(byFile.get(label.file) ?? []), label]);
  let moved = 0;
  for (const [file, group] of byFile) {
    const lines = readLines(file);
    if (!lines) continue;
    const name = file.slice(file.indexOf('/src/') + 5);
    const recorded = readDetections(group[0]!.item.dir).filter((d) => d.file === name);
    if (recorded.length !== group.length) continue;
    const at = (line: number) => lines[line - 1] ?? '';
    if (group.some((l) => recorded.some((d) => holdsSink(at(l.line), d.sink)))) continue;
    if (!recorded.every((d) => holdsSink(at(d.sink_lineno), d.sink))) continue;
    group.forEach((label, i) => {
      const line = recorded[i]!.sink_lineno;
      if (line === label.line) return;
      label.indexLine = label.line;
      label.line = line;
      moved++;
    });
  }
  return moved;
}

/** A file of the extracted dataset, or undefined when it is missing or unreadable. */
function readDatasetFile(root: string, file: string): Buffer | undefined {
  try {
    return readFileSync(path.join(root, file));
  } catch {
    return undefined;
  }
}

/** <case>/expected/detection.json: the sinks the dataset records, with their code and line in the shipped file. */
function readDetectionFile(root: string, dir: string): Detection[] {
  try {
    const parsed = JSON.parse(readDatasetFile(root, path.join(dir, 'expected', 'detection.json'))?.toString('utf8') ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as Detection[]).filter((d) => typeof d?.sink === 'string' && typeof d.sink_lineno === 'number' && typeof d.file === 'string') : [];
  } catch {
    return [];
  }
}

/** Only each case's package sources (src/): not the exploit tests or other tools' outputs beside them. */
function buildTree(items: Item[], root: string, tree: string): void {
  for (const item of items) {
    const from = path.join(root, item.dir, 'src');
    if (existsSync(from)) linkCopy(from, path.join(tree, item.dir, 'src'));
  }
}

/** SECLOOP_SAST_FROM_SOURCE=1 runs the scanner from source (tsx) even when a built CLI exists, for development. */
function sastRegistered(): boolean {
  if (process.env.SECLOOP_SAST_FROM_SOURCE) return false;
  if (!existsSync(cli)) return false;
  const probe = spawnSync(process.execPath, [cli, 'scan', path.join(projectRoot, 'package.json'), '--scanners', 'sast', '--format', 'json', '--fail-on', 'none', '--quiet'], { encoding: 'utf8' });
  return probe.status === 0;
}

function runSecloop(tree: string, output: string): { measured: Measured; via: string } {
  if (sastRegistered()) {
    const measured = measure(process.execPath, [cli, 'scan', tree, '--scanners', 'sast', '--library-inputs', '--format', 'sarif', '--fail-on', 'none', '--quiet', '--output', output]);
    return { measured, via: 'secloop scan --scanners sast --library-inputs --format sarif' };
  }
  const here = path.dirname(new URL(import.meta.url).pathname);
  const compiled = path.join(here, 'driver.js');
  const args = existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.join(here, 'driver.ts')];
  const measured = measure(process.execPath, [...args, tree, output, '--library-inputs']);
  return { measured, via: process.env.SECLOOP_SAST_FROM_SOURCE ? 'bench/sast/driver (from source)' : 'bench/sast/driver (sast not registered in the CLI yet)' };
}

const CWE_BY_ESLINT_RULE: Readonly<Record<string, string>> = {
  'security/detect-child-process': 'CWE-78',
  'security/detect-non-literal-fs-filename': 'CWE-22',
  'security/detect-eval-with-expression': 'CWE-94',
  'security/detect-non-literal-require': 'CWE-94',
  'security/detect-object-injection': 'CWE-1321',
};

function runEslint(tree: string, scratch: string, output: string): Measured {
  const config = path.join(scratch, 'eslint-security.config.mjs');
  writeFileSync(
    config,
    [
      `import security from ${JSON.stringify(path.join(projectRoot, 'node_modules', 'eslint-plugin-security', 'index.js'))};`,
      'export default [',
      "  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], plugins: { security }, rules: security.configs.recommended.rules,",
      "    languageOptions: { ecmaVersion: 'latest', sourceType: 'script' }, linterOptions: { reportUnusedDisableDirectives: 'off' } },",
      "  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },",
      '];',
      '',
    ].join('\n'),
  );
  const eslint = path.join(projectRoot, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const measured = measure(process.execPath, [eslint, '--config', config, '--no-inline-config', '--format', 'json', '--output-file', output, '--no-error-on-unmatched-pattern', '.'], { cwd: tree });
  return measured;
}

function readSarif(file: string): Reported[] {
  if (!existsSync(file)) return [];
  const log = JSON.parse(readFileSync(file, 'utf8')) as {
    runs: Array<{ results: Array<{ ruleId: string; properties?: { cwe?: string[] }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
  };
  const out: Reported[] = [];
  for (const run of log.runs) {
    for (const r of run.results) {
      const loc = r.locations[0]?.physicalLocation;
      if (!loc) continue;
      for (const cwe of r.properties?.cwe ?? ['']) out.push({ cwe, file: decodeURIComponent(loc.artifactLocation.uri), line: loc.region.startLine });
    }
  }
  return out;
}

function readEslint(file: string, tree: string): Reported[] {
  if (!existsSync(file)) return [];
  const results = JSON.parse(readFileSync(file, 'utf8')) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number }> }>;
  const out: Reported[] = [];
  for (const r of results) {
    const rel = path.relative(tree, r.filePath).split(path.sep).join('/');
    for (const m of r.messages) {
      if (!m.ruleId) continue;
      out.push({ cwe: CWE_BY_ESLINT_RULE[m.ruleId] ?? m.ruleId, file: rel, line: m.line });
    }
  }
  return out;
}

interface Score {
  hitsByCwe: Map<string, { hits: number; total: number }>;
  hits: number;
  total: number;
  /** Findings of a scored CWE that match no label. */
  unlabelledScored: number;
  /** Every other finding (any rule) that matches no label. */
  unlabelledAll: number;
  missed: Labelled[];
  unlabelled: Reported[];
}

/**
 * The dataset holds a few items (package@version) twice, once from each source dataset, with
 * different labels on identical files. A finding on a line that the other copy labels is a
 * finding of a labelled vulnerability of the item, so it is not counted as unlabelled; recall
 * still counts each copy's own labels only.
 */
export function sameItemLabels(labels: Labelled[], sameFile: (a: string, b: string) => boolean): Labelled[] {
  const dirsByKey = new Map<string, Set<string>>();
  for (const l of labels) dirsByKey.set(l.item.key, (dirsByKey.get(l.item.key) ?? new Set()).add(l.item.dir));
  const out: Labelled[] = [];
  for (const l of labels) {
    for (const dir of dirsByKey.get(l.item.key) ?? []) {
      if (dir === l.item.dir) continue;
      const file = dir + l.file.slice(l.item.dir.length);
      if (sameFile(l.file, file)) out.push({ ...l, file });
    }
  }
  return out;
}

function score(labels: Labelled[], reported: Reported[], alsoLabelled: Labelled[] = []): Score {
  const hitsByCwe = new Map(SCORED.map((c) => [c, { hits: 0, total: 0 }]));
  const near = (r: Reported, l: Labelled) => r.cwe === l.cwe && r.file === l.file && Math.abs(r.line - l.line) <= TOLERANCE;
  let hits = 0;
  const missed: Labelled[] = [];
  for (const l of labels) {
    const bucket = hitsByCwe.get(l.cwe)!;
    bucket.total++;
    if (reported.some((r) => near(r, l))) {
      bucket.hits++;
      hits++;
    } else missed.push(l);
  }
  let unlabelledScored = 0;
  let unlabelledAll = 0;
  const unlabelled: Reported[] = [];
  const seen = new Set<string>();
  for (const r of reported) {
    const key = `${r.cwe}|${r.file}|${r.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (labels.some((l) => near(r, l)) || alsoLabelled.some((l) => near(r, l))) continue;
    unlabelledAll++;
    unlabelled.push(r);
    if (SCORED.includes(r.cwe)) unlabelledScored++;
  }
  return { hitsByCwe, hits, total: labels.length, unlabelledScored, unlabelledAll, missed, unlabelled };
}

const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);

export const explodejsBench: Bench = {
  name: 'explodejs',
  description: 'SAST recall and noise on the explodejs development split, with eslint-plugin-security side by side',
  async run(args: BenchArgs) {
    const given = args.paths.explodejs;
    if (!given || !existsSync(given)) {
      console.log('\n## SAST: explodejs\n\nskipped: pass --explodejs DIR (formalsec/explodejs-datasets, a checkout or the fetched bare repository)');
      return;
    }
    const indexText = isBareGit(given) ? execFileSync('git', ['--git-dir', given, 'show', 'HEAD:index.json'], { encoding: 'utf8', maxBuffer: 1 << 28 }) : readFileSync(path.join(given, 'index.json'), 'utf8');
    let items = developmentItems(indexText);
    if (args.quick) items = items.slice(0, 40);
    const root = datasetRoot(given, args.scratch, () => items);
    const asGiven = labelled(items, root);
    const labels = asGiven.map((l) => ({ ...l }));
    const moved = reconcileLabels(labels, (file) => readDatasetFile(root, file)?.toString('utf8').split('\n'), (dir) => readDetectionFile(root, dir));
    const tree = path.join(args.scratch, args.quick ? 'explodejs-dev-quick' : 'explodejs-dev');
    buildTree(items, root, tree);

    const sarif = path.join(args.scratch, 'explodejs-secloop.sarif');
    rmSync(sarif, { force: true });
    const secloop = runSecloop(tree, sarif);
    const eslintOut = path.join(args.scratch, 'explodejs-eslint.json');
    rmSync(eslintOut, { force: true });
    const eslint = process.env.SECLOOP_SAST_SKIP_ESLINT ? { ms: 0, peakMiB: -1, status: -1, stdout: '', stderr: '' } : runEslint(tree, args.scratch, eslintOut);

    const reported = readSarif(sarif);
    const sameFile = (a: string, b: string) => {
      const x = readDatasetFile(root, a);
      const y = readDatasetFile(root, b);
      return x !== undefined && y !== undefined && x.equals(y);
    };
    const twins = sameItemLabels(labels, sameFile);
    const ours = score(labels, reported, twins);
    const oursAsGiven = score(asGiven, reported, sameItemLabels(asGiven, sameFile));
    if (process.env.EXPLODEJS_DUMP_LABELS) writeFileSync(process.env.EXPLODEJS_DUMP_LABELS, JSON.stringify(labels.map((l) => ({ cwe: l.cwe, file: l.file, line: l.line }))));
    const eslintReported = readEslint(eslintOut, tree);
    const theirs = score(labels, eslintReported, twins);
    const theirsAsGiven = score(asGiven, eslintReported, sameItemLabels(asGiven, sameFile));
    const cases = labels.length;
    console.log(`\n## SAST: explodejs development split (${items.length} packages, ${cases} labelled vulnerabilities, hit = same CWE, same file, within ${TOLERANCE} lines)\n`);
    console.log(`secloop via ${secloop.via}; eslint ${readVersion('eslint')} with eslint-plugin-security ${readVersion('eslint-plugin-security')} (recommended rules)\n`);
    const cell = (s: Score, cwe?: string) => {
      const { hits, total } = cwe ? s.hitsByCwe.get(cwe)! : s;
      return `${hits} (${pct(hits, total)})`;
    };
    const rows = SCORED.map((cwe) => [cwe === 'CWE-1321' ? 'CWE-1321 (dataset: CWE-471)' : cwe, ours.hitsByCwe.get(cwe)!.total, cell(ours, cwe), cell(oursAsGiven, cwe), cell(theirs, cwe), cell(theirsAsGiven, cwe)]);
    rows.push(['overall', cases, cell(ours), cell(oursAsGiven), cell(theirs), cell(theirsAsGiven)]);
    console.log(table(['class', 'labelled', 'secloop recall', 'secloop, index.json lines as given', 'eslint-plugin-security recall', 'eslint-plugin-security, lines as given'], rows));
    console.log('');
    console.log(
      table(
        ['tool', 'unlabelled, scored CWEs (per case)', 'unlabelled, all findings (per case)', 'wall time', 'peak RSS', 'exit'],
        [
          ['secloop', `${ours.unlabelledScored} (${(ours.unlabelledScored / cases).toFixed(2)})`, `${ours.unlabelledAll} (${(ours.unlabelledAll / cases).toFixed(2)})`, `${(secloop.measured.ms / 1000).toFixed(1)} s`, mib(secloop.measured.peakMiB), String(secloop.measured.status)],
          ['eslint-plugin-security', `${theirs.unlabelledScored} (${(theirs.unlabelledScored / cases).toFixed(2)})`, `${theirs.unlabelledAll} (${(theirs.unlabelledAll / cases).toFixed(2)})`, `${(eslint.ms / 1000).toFixed(1)} s`, mib(eslint.peakMiB), String(eslint.status)],
        ],
      ),
    );
    console.log(
      `\nlabels: ${moved} of ${cases} index.json lines hold none of their file's recorded sink code; they are scored on the line the dataset's expected/detection.json gives (see reconcileLabels). ` +
        `With index.json's lines as given: secloop unlabelled ${oursAsGiven.unlabelledScored} (${(oursAsGiven.unlabelledScored / cases).toFixed(2)}) scored / ${oursAsGiven.unlabelledAll} (${(oursAsGiven.unlabelledAll / cases).toFixed(2)}) all.`,
    );
    if (process.env.EXPLODEJS_MOVED) for (const l of labels) if (l.indexLine !== undefined) console.log(`  moved ${l.cwe} ${l.file}:${l.indexLine} -> ${l.line}`);
    if (secloop.measured.status !== 0) console.log(`\nsecloop: ${secloop.measured.stderr.trim().split('\n').slice(-3).join(' ')}`);
    if (process.env.EXPLODEJS_UNLABELLED) {
      console.log('\nunlabelled secloop findings:');
      for (const u of ours.unlabelled) console.log(`  ${u.cwe} ${u.file}:${u.line}`);
    }
    if (process.env.EXPLODEJS_MISSED) {
      console.log('\nmissed by secloop:');
      for (const m of ours.missed) console.log(`  ${m.cwe} ${m.file}:${m.line}`);
    }
  },
};

function mib(value: number): string {
  return value < 0 ? '-' : `${value.toFixed(0)} MiB`;
}

function readVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(projectRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}


/**
 * The noise side: high and critical findings per 10,000 lines on clean, popular code.
 * `npm run bench -- --sast-clean DIR`: every directory under DIR (an unpacked
 * package, e.g. from `npm pack express` + tar) is scanned on its own, with the
 * default options (library inputs on for a package without a server framework).
 */
export const sastCleanBench: Bench = {
  name: 'sast-clean',
  description: 'SAST high/critical findings per 10,000 lines on clean packages',
  async run(args: BenchArgs) {
    const dir = args.paths['sast-clean'];
    if (!dir || !existsSync(dir)) {
      console.log('\n## SAST: clean code\n\nskipped: pass --sast-clean DIR (a directory of unpacked packages)');
      return;
    }
    const packages = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => {
        const inner = path.join(dir, e.name, 'package');
        return { name: e.name, root: existsSync(path.join(inner, 'package.json')) ? inner : path.join(dir, e.name) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const rows: Array<Array<string | number>> = [];
    const severe: string[] = [];
    let totalLines = 0;
    let totalSevere = 0;
    let totalSevereInTests = 0;
    let totalMs = 0;
    for (const pkg of packages) {
      const out = path.join(args.scratch, `sast-clean-${pkg.name}.sarif`);
      rmSync(out, { force: true });
      const { measured } = runSecloopOn(pkg.root, out, false);
      totalMs += measured.ms;
      const results = readSarifResults(out);
      const lines = countLines(pkg.root);
      const high = results.filter((r) => r.level === 'error');
      totalLines += lines;
      const inTests = high.filter((r) => r.testCode).length;
      totalSevere += high.length;
      totalSevereInTests += inTests;
      for (const r of high) severe.push(`${pkg.name}: ${r.ruleId} ${r.uri}:${r.line}${r.testCode ? ' (test code)' : ''} ${r.message}`);
      rows.push([pkg.name, lines, results.length, high.length, inTests, ((high.length * 10_000) / Math.max(lines, 1)).toFixed(2), `${(measured.ms / 1000).toFixed(1)} s`]);
    }
    rows.push(['total', totalLines, '', totalSevere, totalSevereInTests, ((totalSevere * 10_000) / Math.max(totalLines, 1)).toFixed(2), `${(totalMs / 1000).toFixed(1)} s`]);
    console.log('\n## SAST: clean code (aim: at most 1 high/critical finding per 10,000 lines)\n');
    console.log(table(['package', 'JS/TS lines', 'findings', 'high+critical', 'of which in test code', 'per 10k lines', 'time'], rows));
    if (severe.length > 0) console.log(`\nhigh and critical findings:\n${severe.map((s) => `  ${s}`).join('\n')}`);
  },
};

function runSecloopOn(tree: string, output: string, libraryInputs: boolean): { measured: Measured } {
  if (sastRegistered()) {
    return { measured: measure(process.execPath, [cli, 'scan', tree, '--scanners', 'sast', ...(libraryInputs ? ['--library-inputs'] : []), '--format', 'sarif', '--fail-on', 'none', '--quiet', '--output', output]) };
  }
  const here = path.dirname(new URL(import.meta.url).pathname);
  const compiled = path.join(here, 'driver.js');
  const args = existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.join(here, 'driver.ts')];
  return { measured: measure(process.execPath, [...args, tree, output, ...(libraryInputs ? ['--library-inputs'] : [])]) };
}

function readSarifResults(file: string): Array<{ ruleId: string; level: string; uri: string; line: number; message: string; testCode: boolean }> {
  if (!existsSync(file)) return [];
  const log = JSON.parse(readFileSync(file, 'utf8')) as {
    runs: Array<{ results: Array<{ ruleId: string; level: string; message: { text: string }; properties?: { tags?: string[] }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
  };
  return log.runs.flatMap((run) =>
    run.results.map((r) => ({
      ruleId: r.ruleId,
      level: r.level,
      uri: r.locations[0]?.physicalLocation.artifactLocation.uri ?? '',
      line: r.locations[0]?.physicalLocation.region.startLine ?? 0,
      message: r.message.text,
      testCode: r.properties?.tags?.includes('test-code') ?? false,
    })),
  );
}

/** Lines of JavaScript and TypeScript the scan reads (declaration files and node_modules excluded). */
function countLines(root: string): number {
  let lines = 0;
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(c|m)?[jt]sx?$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) {
        const text = readFileSync(full, 'utf8');
        for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
      }
    }
  };
  visit(root);
  return lines;
}

// Direct run during development: node --import tsx bench/sast/explodejs.ts [--explodejs DIR] [--sast-clean DIR] [--quick]
if (process.argv[1] && new URL(import.meta.url).pathname === path.resolve(process.argv[1])) {
  const scratch = path.join(projectRoot, '.bench-tmp');
  mkdirSync(scratch, { recursive: true });
  const argv = process.argv.slice(2);
  const paths: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) if (argv[i]!.startsWith('--') && argv[i] !== '--quick') paths[argv[i]!.slice(2)] = path.resolve(argv[++i] ?? '');
  const args = { paths, quick: argv.includes('--quick'), scratch };
  if (paths.explodejs) await explodejsBench.run(args);
  if (paths['sast-clean']) await sastCleanBench.run(args);
}

/**
 * GitHub Actions accuracy on zizmor's integration tests (BENCHMARKS.md). zizmor's tests
 * (crates/zizmor/tests/integration/{audit,e2e}/*.rs) run zizmor on an input workflow from
 * test-data/ and compare its output with an inline insta snapshot (`@"..."`) that lists
 * each finding as `level[audit-id]: ...` followed by `--> @@INPUT@@:line:col`.
 *
 * Only the default (regular) persona is scored: a snapshot is used when its zizmor call
 * has exactly one input and no `--persona`/`--pedantic`, `--fix`, `--format` or any other
 * argument, except one `--config` file of test-data/ (zizmor.yml settings, such as the
 * policy of the opt-in `forbidden-uses` audit): secloop then reads that file as the scan's
 * zizmor.yml. The item key is the input name as the test writes it
 * (`template-injection/static-env.yml`), followed by ` --config <file>` for a call with a
 * config; an item is in the development split when the first hex digit of sha256(input
 * name) is 0-7, so that the calls of one input are all in one split. Held-out snapshots
 * are skipped before their text is decoded, and their inputs are never read.
 *
 * For every zizmor audit that bench/zizmor-map.json maps to secloop rules (iac rules on
 * workflows, actions and .pre-commit-config.yaml; posture rules on dependabot.yml inputs), recall is the
 * share of expected (file, line) pairs on which a mapped rule fires. secloop reports a
 * problem inside a script on the script's key with the inner line as detail (rule.ts,
 * `Hit` convention 4) while zizmor points at the expression itself, so a finding matches
 * a line when its start line or its detail line is that line ("exact"), or when either is
 * within 2 lines; a third figure counts findings on any line zizmor annotates for that
 * finding (`^^^` primary, `---` secondary: the run block, the `cache: true` that opts in).
 * Findings of mapped rules on none of those lines, nor within 2 lines of the primary one,
 * are "extra": to be reviewed, since zizmor's regular persona hides what its pedantic and
 * auditor personas show.
 *
 *   npm run bench -- --zizmor DIR      DIR: an extracted zizmor checkout or its bare git dir
 *   node --import tsx bench/iac/zizmor.ts --zizmor DIR [--verbose] [--held-out]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ScannerFinding } from '../../src/core/finding.js';
import { analyseFile } from '../../src/scanners/iac/index.js';
import { readZizmorConfig } from '../../src/scanners/iac/github/zizmor-config.js';
import { findZizmorSuppression, zizmorSuppressions } from '../../src/scanners/iac/github/zizmor-ignore.js';
import { checkRepo } from '../../src/scanners/posture/index.js';
import { applyZizmor } from '../../src/scanners/posture/zizmor.js';
import type { Bench, BenchArgs } from '../types.js';
import { table } from '../util.js';

export type Split = 'dev' | 'held-out';

export function splitOf(key: string): Split {
  return createHash('sha256').update(key).digest('hex')[0]! <= '7' ? 'dev' : 'held-out';
}

const TESTS = 'crates/zizmor/tests/integration';

/** One `insta::assert_snapshot!(zizmor()..., @"...")` call. */
export interface SnapshotCall {
  test: string;
  inputs: string[];
  /** Inputs passed as `--config`: they change what zizmor reports. */
  configs: string[];
  args: string[];
  /** Builder calls other than input/args/config/run (stdin, setenv, working_dir...). */
  others: string[];
  /** The raw snapshot literal (still escaped), undefined when the snapshot lives in a .snap file. */
  literal?: string;
}

export interface ZizmorFinding {
  audit: string;
  level: string;
  /** Path below the input: '' when the input is the file itself, `/action.yml` under a directory input. */
  file: string;
  line: number;
  column: number;
  /** Every source line the finding annotates (`^^^` primary, `---` secondary, `/ ... |_` spans), the primary line included. */
  spans: number[];
}

/** The end of a Rust string literal starting at `at` (`"..."`, `r"..."`, `r#"..."#`), and its body. */
function rustString(source: string, at: number): { body: string; end: number; raw: boolean } | undefined {
  if (source[at] === 'r') {
    const open = /^r(#*)"/.exec(source.slice(at, at + 20));
    if (!open) return undefined;
    const close = `"${open[1]}`;
    const start = at + open[0].length;
    const end = source.indexOf(close, start);
    return end < 0 ? undefined : { body: source.slice(start, end), end: end + close.length, raw: true };
  }
  if (source[at] !== '"') return undefined;
  let i = at + 1;
  while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
  return i >= source.length ? undefined : { body: source.slice(at + 1, i), end: i + 1, raw: false };
}

function unescape(body: string): string {
  return body.replace(/\\(?:\n\s*|(["\\'nrt0]))/g, (_m, c: string | undefined) => (c === undefined ? '' : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === '0' ? '\0' : c));
}

/** String literals of an expression, in order (non-raw only; builder arguments never use raw strings). */
function literals(expression: string): string[] {
  return [...expression.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescape(m[1]!).trim());
}

/**
 * The snapshot calls of one Rust test file. Only the zizmor builder chain is interpreted;
 * the snapshot literal is returned undecoded so that a caller can skip it unread.
 */
export function parseTestFile(source: string): SnapshotCall[] {
  const calls: SnapshotCall[] = [];
  const macro = /insta::assert_snapshot!\s*\(/g;
  for (let match = macro.exec(source); match; match = macro.exec(source)) {
    const before = source.slice(0, match.index);
    const test = [...before.matchAll(/\bfn\s+(\w+)\s*\(/g)].pop()?.[1] ?? '?';
    // The expression runs up to `@` + string literal, or up to the macro's closing `)` when the snapshot is in a file.
    let i = macro.lastIndex;
    let depth = 1;
    let literal: string | undefined;
    let at = -1;
    while (i < source.length && depth > 0) {
      const c = source[i]!;
      if (c === '"' || (c === 'r' && /^r#*"/.test(source.slice(i, i + 10)) && !/\w/.test(source[i - 1] ?? ''))) {
        const s = rustString(source, i);
        if (!s) break;
        i = s.end;
        continue;
      }
      if (c === '@' && depth === 1) {
        const s = rustString(source, i + 1);
        if (s) {
          literal = s.raw ? `r${s.body}` : s.body;
          at = i;
          i = s.end;
          break;
        }
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      i++;
    }
    const expression = source.slice(macro.lastIndex, literal === undefined ? i : at);
    macro.lastIndex = i;
    const inputs: string[] = [];
    const configs: string[] = [];
    const args: string[] = [];
    const others: string[] = [];
    for (const call of expression.matchAll(/\.(\w+)\s*\(/g)) {
      const name = call[1]!;
      const rest = expression.slice(call.index + call[0].length);
      const argument = rest.slice(0, closing(rest));
      if (name === 'input') inputs.push(...inputName(argument));
      else if (name === 'config') configs.push(...(inputName(argument).length ? inputName(argument) : [argument.trim()]));
      else if (name === 'args') args.push(...literals(argument));
      // RUST_LOG only adds log lines to the output, not findings.
      else if (name === 'setenv' && literals(argument)[0] === 'RUST_LOG') continue;
      else if (name !== 'run' && name !== 'input_under_test') others.push(name);
    }
    calls.push({ test, inputs, configs, args, others, ...(literal !== undefined ? { literal } : {}) });
  }
  return calls;
}

function inputName(argument: string): string[] {
  const m = /^\s*input_under_test\s*\(\s*"((?:[^"\\]|\\.)*)"\s*,?\s*\)\s*$/.exec(argument);
  return m ? [unescape(m[1]!).trim()] : [];
}

/** Index of the `)` that closes a call whose arguments start at 0. */
function closing(text: string): number {
  let depth = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const s = rustString(text, i);
      if (!s) return text.length;
      i = s.end - 1;
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length;
}

/** The findings a snapshot lists, from its (still escaped) literal; `r`-prefixed literals are raw. */
export function parseSnapshot(literal: string): ZizmorFinding[] {
  const text = literal.startsWith('r') ? literal.slice(1) : unescape(literal);
  const findings: ZizmorFinding[] = [];
  let pending: { audit: string; level: string } | undefined;
  let current: ZizmorFinding | undefined;
  let shown = 0;
  let spanStart = 0;
  for (const line of text.split('\n')) {
    const header = /^\s*(error|warning|help|info|note)\[([a-z0-9-]+)\]:/.exec(line);
    if (header) {
      pending = { level: header[1]!, audit: header[2]! };
      current = undefined;
      continue;
    }
    const arrow = /^\s*-->\s+@@INPUT@@(\S*):(\d+):(\d+)\s*$/.exec(line);
    if (arrow && pending) {
      current = { ...pending, file: arrow[1]!, line: Number(arrow[2]), column: Number(arrow[3]), spans: [Number(arrow[2])] };
      findings.push(current);
      pending = undefined;
      continue;
    }
    if (!current) continue;
    // `12 |   run: |` shows a source line; `   |   ^^^ label` or `---` below it annotates it.
    const source = /^\s*(\d+)\s*\|(.*)$/.exec(line);
    if (source) {
      shown = Number(source[1]);
      if (/^\s?\/ /.test(source[2]!)) spanStart = shown;
      continue;
    }
    const marks = /^\s*\|(.*)$/.exec(line)?.[1];
    if (marks === undefined || shown === 0) continue;
    if (/\|_+[\^-]/.test(marks) && spanStart > 0) {
      for (let l = spanStart; l <= shown; l++) current.spans.push(l);
      spanStart = 0;
    } else if (/(?:\^|-{3})/.test(marks)) current.spans.push(shown);
  }
  for (const f of findings) f.spans = [...new Set(f.spans)].sort((a, b) => a - b);
  return findings;
}

/** True when the call runs zizmor's default persona on one input with nothing that changes its findings but, at most, one config file of test-data/. */
export function isRegularCall(call: SnapshotCall): boolean {
  const config = call.configs.length === 0 || (call.configs.length === 1 && /^[\w./-]+\.ya?ml$/.test(call.configs[0]!));
  return call.literal !== undefined && call.inputs.length === 1 && config && call.args.length === 0 && call.others.every((o) => o === 'offline' || o === 'gh_token' || o === 'output');
}

/** The item key of a call: its input, and its config file when it has one. */
export function itemKey(call: SnapshotCall): string {
  return call.configs.length === 0 ? call.inputs[0]! : `${call.inputs[0]} --config ${call.configs[0]}`;
}

/** Reads the zizmor tests from an extracted checkout or from a bare git directory. */
interface Source {
  list(dir: string): string[];
  read(file: string): string | undefined;
  isDir(file: string): boolean;
}

function sourceOf(given: string): Source | undefined {
  if (existsSync(path.join(given, TESTS))) {
    return {
      list: (dir) => {
        const out: string[] = [];
        const walk = (rel: string) => {
          const abs = path.join(given, rel);
          if (!existsSync(abs)) return;
          for (const entry of readdirSync(abs, { withFileTypes: true })) {
            const child = `${rel}/${entry.name}`;
            if (entry.isDirectory()) walk(child);
            else out.push(child);
          }
        };
        walk(dir);
        return out.sort();
      },
      read: (file) => (existsSync(path.join(given, file)) ? readFileSync(path.join(given, file), 'utf8') : undefined),
      isDir: (file) => existsSync(path.join(given, file)) && statSync(path.join(given, file)).isDirectory(),
    };
  }
  if (existsSync(path.join(given, 'HEAD')) && existsSync(path.join(given, 'objects'))) {
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', given, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
    let tree: string[] | undefined;
    const all = () => (tree ??= git('ls-tree', '-r', '--name-only', 'HEAD', TESTS).split('\n').filter(Boolean));
    return {
      list: (dir) => all().filter((f) => f.startsWith(`${dir}/`)),
      read: (file) => {
        try {
          return git('show', `HEAD:${file}`);
        } catch {
          return undefined; // an object the mirror does not hold
        }
      },
      isDir: (file) => all().some((f) => f.startsWith(`${file.replace(/\/$/, '')}/`)),
    };
  }
  return undefined;
}

export interface AuditScore {
  audit: string;
  rules: string[];
  expected: number;
  exact: number;
  near: number;
  /** Expected findings with a secloop finding on a line zizmor annotates (the setting, the run block...). */
  inSpan: number;
  extra: number;
  misses: string[];
  extras: string[];
}

export interface ZizmorRun {
  split: Split;
  items: number;
  /** Inputs of the split with a regular-persona inline snapshot (scored). */
  scored: number;
  audits: AuditScore[];
  unmapped: Map<string, number>;
  /** All audit ids zizmor has tests for (from the audit/*.rs file names), for the unmapped count. */
  knownAudits: string[];
  extraTotal: number;
  ms: number;
}

export function loadZizmorMap(root: string): Record<string, string[]> {
  const raw = JSON.parse(readFileSync(path.join(root, 'bench', 'zizmor-map.json'), 'utf8')) as Record<string, string | string[]>;
  return Object.fromEntries(Object.entries(raw).map(([audit, rules]) => [audit, Array.isArray(rules) ? rules : [rules]]));
}

const lines = (f: ScannerFinding) => [f.location.startLine, ...(f.location.endLine !== undefined ? [f.location.endLine] : [])];

export function runZizmor(given: string, map: Record<string, string[]>, split: Split): ZizmorRun {
  const source = sourceOf(given);
  if (!source) throw new Error(`no ${TESTS} under ${given}`);
  const testFiles = source.list(TESTS).filter((f) => f.endsWith('.rs') && !f.endsWith('/common.rs'));
  const knownAudits = source.list(`${TESTS}/audit`).filter((f) => f.endsWith('.rs') && !f.endsWith('/mod.rs')).map((f) => path.basename(f, '.rs').replaceAll('_', '-'));
  // Item key -> expected findings, from the first regular-persona snapshot of that input (and config).
  const items = new Set<string>();
  const expectedOf = new Map<string, { input: string; config?: string; expected: ZizmorFinding[] }>();
  for (const file of testFiles) {
    const text = source.read(file);
    if (!text) continue;
    for (const call of parseTestFile(text)) {
      for (const input of call.inputs) items.add(input);
      // The split is decided from the input name before the snapshot is decoded.
      if (!isRegularCall(call) || splitOf(call.inputs[0]!) !== split || expectedOf.has(itemKey(call))) continue;
      expectedOf.set(itemKey(call), { input: call.inputs[0]!, ...(call.configs[0] ? { config: call.configs[0] } : {}), expected: parseSnapshot(call.literal!) });
    }
  }
  const mappedRules = new Set(Object.values(map).flat());
  const scores = new Map<string, AuditScore>(Object.entries(map).map(([audit, rules]) => [audit, { audit, rules, expected: 0, exact: 0, near: 0, inSpan: 0, extra: 0, misses: [], extras: [] }]));
  const unmapped = new Map<string, number>();
  let extraTotal = 0;
  let ms = 0;
  let scored = 0;
  for (const [key, { input, config, expected }] of [...expectedOf].sort(([a], [b]) => a.localeCompare(b))) {
    const base = `${TESTS}/test-data/${input.replace(/\/$/, '')}`;
    const files = source.isDir(base) ? source.list(base).map((f) => f.slice(base.length)) : [''];
    // A call's --config is read as the scan's zizmor.yml.
    const configText = config === undefined ? undefined : source.read(`${TESTS}/test-data/${config}`);
    const zizmor = configText === undefined ? undefined : readZizmorConfig('zizmor.yml', configText, () => {});
    scored++;
    for (const rel of files) {
      const text = source.read(base + rel);
      if (text === undefined || !/\.ya?ml$/.test(base + rel)) continue;
      const started = performance.now();
      // zizmor's Dependabot audits read dependabot.yml, which secloop checks in its posture scanner.
      const dependabot = /^version:\s*2\b/m.test(text) && /^updates:/m.test(text);
      const preCommit = /^\.pre-commit-config\.ya?ml$/.test(path.basename(base + rel));
      const repoFiles = new Map([['.github/dependabot.yml', text], ...(configText !== undefined ? [['zizmor.yml', configText] as [string, string]] : [])]);
      const findings = (
        dependabot
          ? applyZizmor(checkRepo({ files: repoFiles }), repoFiles)
          : analyseFile(path.basename(base + rel), text, () => {}, preCommit ? 'pre-commit' : 'github-actions', zizmor && !preCommit ? { github: { path: path.basename(base + rel), zizmor } } : undefined).findings
        // A finding the file's own `# zizmor: ignore[...]` comment suppresses is reported as suppressed, not as a finding.
      ).filter((f) => mappedRules.has(f.ruleId) && !('inSourceSuppression' in f && f.inSourceSuppression));
      ms += performance.now() - started;
      const here = expected.filter((e) => e.file === rel);
      const ignored = zizmorSuppressions(text);
      const name = `${key.replace(input, `${input}${rel}`)}`;
      for (const e of here) if (!map[e.audit]) unmapped.set(e.audit, (unmapped.get(e.audit) ?? 0) + 1);
      for (const score of scores.values()) {
        const mine = findings.filter((f) => score.rules.includes(f.ruleId));
        // zizmor can list one line twice (a finding per alias of an anchor); a (file, line) pair counts once.
        const wanted = new Map<number, number[]>();
        for (const e of here.filter((e) => e.audit === score.audit)) wanted.set(e.line, [...(wanted.get(e.line) ?? []), ...e.spans]);
        for (const [line, spans] of wanted) {
          score.expected++;
          if (mine.some((f) => lines(f).includes(line))) score.exact++;
          if (mine.some((f) => lines(f).some((l) => spans.includes(l) || l === line))) score.inSpan++;
          if (mine.some((f) => lines(f).some((l) => Math.abs(l - line) <= 2))) score.near++;
          else score.misses.push(`${name}:${line} (secloop ${score.rules.join('/')} on [${mine.map((f) => f.location.startLine).join(',')}])`);
        }
      }
      // A finding is extra when no audit mapped to its rule flags a line within 2 lines of it.
      for (const f of findings) {
        const audits = Object.keys(map).filter((a) => map[a]!.includes(f.ruleId));
        const flagged = here.filter((e) => audits.includes(e.audit));
        if (flagged.some((e) => lines(f).some((x) => Math.abs(x - e.line) <= 2 || e.spans.includes(x)))) continue;
        // `# zizmor: ignore[audit]` within the finding's span (its lines, or the step or block they are in) silences zizmor there, by the author's choice.
        if (findZizmorSuppression(ignored, f.ruleId, f.location.startLine, f.location.endLine)) continue;
        extraTotal++;
        for (const audit of audits) {
          const score = scores.get(audit)!;
          score.extra++;
          score.extras.push(`${name}:${lines(f).join('-')} ${f.ruleId}: ${f.message}`);
        }
      }
    }
  }
  return { split, items: [...items].filter((k) => splitOf(k) === split).length, scored, audits: [...scores.values()], unmapped, knownAudits, extraTotal, ms };
}

function pct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`;
}

export function report(run: ZizmorRun, map: Record<string, string[]>, verbose: boolean): void {
  console.log(`\n## GitHub Actions: zizmor integration snapshots (${run.split} split, regular persona)\n`);
  console.log(`${run.items} inputs in the split, ${run.scored} with a regular-persona inline snapshot (scored); snapshots run with --persona, --pedantic, --fix, another output format or a config that is not one file are not used; a call's --config file is read as the scan's zizmor.yml.\n`);
  const rows = run.audits
    .filter((s) => s.expected > 0 || s.extra > 0)
    .map((s) => [s.audit, s.rules.map((r) => r.replace(/^iac\/gha-/, '')).join(', '), s.expected, `${s.exact} (${pct(s.exact, s.expected)})`, `${s.near} (${pct(s.near, s.expected)})`, `${s.inSpan} (${pct(s.inSpan, s.expected)})`, s.extra]);
  const total = run.audits.reduce((t, s) => ({ e: t.e + s.expected, x: t.x + s.exact, n: t.n + s.near, i: t.i + s.inSpan }), { e: 0, x: 0, n: 0, i: 0 });
  rows.push(['total', '', total.e, `${total.x} (${pct(total.x, total.e)})`, `${total.n} (${pct(total.n, total.e)})`, `${total.i} (${pct(total.i, total.e)})`, run.extraTotal]);
  console.log(table(['zizmor audit', 'secloop rule', 'expected lines', 'exact', 'within 2 lines', 'on a line zizmor annotates', 'extra (to review)'], rows));
  const unmappedSeen = [...run.unmapped].sort((a, b) => b[1] - a[1]);
  const unmappedKnown = run.knownAudits.filter((a) => !map[a]);
  console.log(`\nsecloop time: ${run.ms.toFixed(0)} ms. Mapped audits: ${Object.keys(map).length}; zizmor audits with tests not mapped: ${unmappedKnown.length} of ${run.knownAudits.length}.`);
  console.log(`Unmapped audits flagged in this split: ${unmappedSeen.map(([a, n]) => `${a} (${n})`).join(', ') || 'none'}`);
  if (verbose) {
    for (const s of run.audits) {
      if (s.misses.length) console.log(`\n### ${s.audit}: missed\n${s.misses.join('\n')}`);
      if (s.extras.length) console.log(`\n### ${s.audit}: extra\n${s.extras.join('\n')}`);
    }
    console.log(`\n### not mapped\n${unmappedKnown.join(' ')}`);
  }
}

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const zizmorBench: Bench = {
  name: 'zizmor',
  description: 'GitHub Actions rules against zizmor integration snapshots (development split, regular persona): recall on flagged lines, extra findings',
  async run(args: BenchArgs) {
    const given = args.paths.zizmor;
    if (!given || !existsSync(given) || !sourceOf(given)) {
      console.log('\n## GitHub Actions: zizmor integration snapshots\n\nskipped: pass --zizmor DIR (an extracted zizmorcore/zizmor checkout or its bare git dir)');
      return;
    }
    const map = loadZizmorMap(projectRoot());
    report(runZizmor(given, map, 'dev'), map, process.env.SECLOOP_BENCH_VERBOSE === '1');
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--zizmor');
  const given = at >= 0 ? argv[at + 1] : undefined;
  if (!given) {
    console.error('usage: node --import tsx bench/iac/zizmor.ts --zizmor DIR [--verbose] [--held-out]');
    process.exit(2);
  }
  const map = loadZizmorMap(projectRoot());
  // The held-out split is scored only when asked for, at the end of development.
  report(runZizmor(path.resolve(given), map, argv.includes('--held-out') ? 'held-out' : 'dev'), map, argv.includes('--verbose'));
}

// Mutation fuzzer for the file scanners: a crash on bad input is a bug, and so is a scan
// that hangs on it. Each round takes one file of a corpus you give it (or one folder, so a
// Helm chart or a kustomization keeps its neighbours), damages it the way careless edits
// and hostile inputs do, scans it and keeps every input that made a scanner throw or fail
// inside, or took too long.
//
//   npx tsx test/fuzz/fuzz.ts --corpus DIR [--folders] [--seed 1] [--rounds 300]
//       [--scanners iac,posture,secrets] [--slow-ms 3000] [--keep /tmp/secloop-fuzz]
//
// --folders picks one immediate subfolder of DIR a round (a chart, a project) instead of one
// file. Nothing here is a test the suite runs: it is for a person hunting crashes, and each
// crash it finds should become a small hand-written regression test.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runScan } from '../../src/engine/scan.js';
import type { ScannerId } from '../../src/core/finding.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    folders: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '300' },
    scanners: { type: 'string', default: 'iac,posture,secrets' },
    'slow-ms': { type: 'string', default: '3000' },
    keep: { type: 'string', default: path.join(tmpdir(), 'secloop-fuzz') },
  },
});
if (!values.corpus) {
  console.error('usage: npx tsx test/fuzz/fuzz.ts --corpus DIR [--folders] [--seed N] [--rounds N] [--scanners LIST] [--slow-ms MS] [--keep DIR]');
  process.exit(2);
}
const corpus = path.resolve(values.corpus);
const scanners = values.scanners.split(',') as ScannerId[];
const rounds = Number(values.rounds);
const slowMs = Number(values['slow-ms']);

// A small linear congruential generator: the same seed replays the same rounds.
let state = Number(values.seed) >>> 0 || 1;
const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 0x100000000;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const MAX_FILE = 200_000;
const TEXT_FILE = /\.(ya?ml|json|tf|tfvars|hcl|tpl|toml|txt|ini|env|properties|dockerfile|sh|mk)$|^(Dockerfile|Containerfile|Makefile)|\.gitlab-ci/i;

function textFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') textFiles(full, out);
    } else if (entry.isFile() && TEXT_FILE.test(entry.name) && statSync(full).size < MAX_FILE) out.push(full);
  }
  return out;
}

// What a careless edit or a hostile author puts into configuration text.
const SNIPPETS = [
  '{', '}', '[', ']', '"', "'", ':', '$', '-', '\n', '\t', '<', '>', '|', '&', '*', '!', '%', '@', '\\', '#', '=', ',', ' ',
  '${', '{{', '}}', '{{-', '-}}', '{{ end }}', '{{ if .Values.x }}', '.Values.', 'include "', '{{ toYaml . | nindent 4 }}',
  '&a', '*a', '<<: *a', '<<EOF', '\u0000', '\uFFFD', '\u202E', '0x', '1e999', '-0', '---\n', '...\n', '%YAML 1.1\n', '!!binary ',
];

function mutate(text: string): string {
  const lines = text.split('\n');
  const line = (): number => Math.floor(random() * lines.length);
  switch (Math.floor(random() * 7)) {
    case 0:
      return text.slice(0, Math.floor(random() * text.length));
    case 1:
      lines.splice(line(), 1);
      return lines.join('\n');
    case 2: {
      const at = line();
      lines.splice(at, 0, lines[at] ?? '');
      return lines.join('\n');
    }
    case 3: {
      let damaged = text;
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const at = Math.floor(random() * (damaged.length + 1));
        damaged = damaged.slice(0, at) + pick(SNIPPETS) + damaged.slice(at);
      }
      return damaged;
    }
    case 4: {
      const at = line();
      lines[at] = (random() < 0.5 ? '  ' : '') + (lines[at] ?? '').trimStart();
      return lines.join('\n');
    }
    case 5: {
      const at = line();
      const copies = 1 + Math.floor(random() * 200);
      lines.splice(at, 0, ...Array<string>(copies).fill(lines[at] ?? ''));
      return lines.join('\n');
    }
    default: {
      const at = Math.floor(random() * text.length);
      return text.slice(0, at) + text.slice(at + Math.floor(random() * 60));
    }
  }
}

// Warnings that mean a scanner broke, not that the input was bad.
const INTERNAL = /scanner failed|failed on this|could not (analyse|read what|read which)|not read: |TypeError|RangeError|ReferenceError|Cannot read|is not a function|is not iterable|Maximum call stack/;

const units = values.folders
  ? readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(corpus, e.name))
  : textFiles(corpus);
if (units.length === 0) {
  console.error(`nothing to fuzz under ${corpus}`);
  process.exit(2);
}
const work = mkdtempSync(path.join(tmpdir(), 'secloop-fuzz-run-'));
await runScan({ target: work, scanners }); // loads every module once, so round 0 is not counted slow
let failures = 0;
for (let round = 0; round < rounds; round++) {
  rmSync(work, { recursive: true, force: true });
  let victim: string;
  if (values.folders) {
    const folder = pick(units);
    cpSync(folder, path.join(work, path.basename(folder)), { recursive: true });
    const files = textFiles(path.join(work, path.basename(folder)));
    if (files.length === 0) continue;
    victim = pick(files);
  } else {
    const source = pick(units);
    victim = path.join(work, path.relative(corpus, source));
    mkdirSync(path.dirname(victim), { recursive: true });
    cpSync(source, victim);
  }
  writeFileSync(victim, mutate(readFileSync(victim, 'utf8')));
  const started = performance.now();
  let problem = '';
  try {
    const result = await runScan({ target: work, scanners });
    const internal = result.warnings.filter((w) => INTERNAL.test(w.message));
    if (internal.length > 0) problem = internal.map((w) => `${w.path ?? ''} ${w.message}`).join(' | ');
  } catch (error) {
    problem = `threw: ${String((error as Error).stack ?? error)}`;
  }
  const ms = Math.round(performance.now() - started);
  if (!problem && ms > slowMs) problem = `slow: ${ms} ms`;
  if (problem) {
    failures++;
    const kept = path.join(values.keep, `${values.seed}-${round}`);
    mkdirSync(kept, { recursive: true });
    cpSync(work, kept, { recursive: true });
    console.log(`round ${round}: ${path.relative(work, victim)} -> ${kept}\n  ${problem.slice(0, 600)}`);
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`${rounds} rounds, ${failures} failing inputs${failures ? ` kept under ${values.keep}` : ''}`);
process.exit(failures ? 1 : 0);

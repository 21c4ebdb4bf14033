import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, rmSync, cpSync } from 'node:fs';
import path from 'node:path';
import { runScan } from '../src/engine/scan.js';
import { iacScanner } from '../src/scanners/iac/index.js';
const seed = Number(process.argv[2] ?? 1); const count = Number(process.argv[3] ?? 100);
let s = seed; const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff); const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
const root = '/tmp/sweep/charts/bitnami';
const charts = readdirSync(root).filter((c) => ['redis', 'nginx', 'postgresql', 'mysql', 'apache', 'memcached', 'rabbitmq', 'mongodb', 'kafka', 'wordpress'].includes(c));
const CHARS = ['{{', '}}', '{{-', '-}}', '{{ end }}', '{{ if .Values.x }}', '"', "'", ':', '\n', '  ', '|', '(', ')', '.Values.', 'include "', 'range', '$', '---\n', '{{ toYaml . | nindent 4 }}', '&a', '*a'];
function files(dir: string, out: string[] = []) { for (const e of readdirSync(dir)) { const p = path.join(dir, e); if (statSync(p).isDirectory()) files(p, out); else if (/\.(yaml|yml|tpl|txt)$/.test(e)) out.push(p); } return out; }
function mutate(text: string): string {
  const lines = text.split('\n'); const op = Math.floor(rand() * 5);
  if (op === 0) return text.slice(0, Math.floor(rand() * text.length));
  if (op === 1 && lines.length > 1) { lines.splice(Math.floor(rand() * lines.length), 1); return lines.join('\n'); }
  if (op === 2) { let t = text; for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) { const at = Math.floor(rand() * t.length); t = t.slice(0, at) + pick(CHARS) + t.slice(at); } return t; }
  if (op === 3) { const i = Math.floor(rand() * lines.length); lines.splice(i, 0, lines[i]!); return lines.join('\n'); }
  const at = Math.floor(rand() * text.length); return text.slice(0, at) + text.slice(at + Math.floor(rand() * 60));
}
let failures = 0; const dir = `/tmp/fuzzh-${seed}`;
for (let i = 0; i < count; i++) {
  const chart = pick(charts); rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
  cpSync(path.join(root, chart), path.join(dir, chart), { recursive: true });
  if (i % 3 === 0) cpSync(path.join(root, 'common'), path.join(dir, chart, 'charts', 'common'), { recursive: true });
  const fs_ = files(path.join(dir, chart)); const f = pick(fs_);
  const text = mutate(readFileSync(f, 'utf8')); writeFileSync(f, text);
  const t0 = performance.now();
  try {
    const r = await runScan({ target: dir, scannerSet: [iacScanner] });
    const bad = r.warnings.filter((w) => /scanner failed|internal|TypeError|Cannot read|undefined|Maximum call/.test(w.message));
    const ms = performance.now() - t0;
    if (bad.length || ms > 5000) { failures++; const keep = `/tmp/fuzz-fail/h${seed}-${i}`; mkdirSync(keep, { recursive: true }); cpSync(dir, keep, { recursive: true }); console.log('FAIL', chart, path.relative(dir, f), keep, Math.round(ms), bad.map((w) => `${w.path}:${w.line} ${w.message}`).join(' | ').slice(0, 400)); }
  } catch (e) { failures++; const keep = `/tmp/fuzz-fail/h${seed}-${i}`; mkdirSync(keep, { recursive: true }); cpSync(dir, keep, { recursive: true }); console.log('THROW', chart, path.relative(dir, f), keep, String((e as Error).stack).slice(0, 400)); }
}
console.log('done', count, 'failures', failures);

import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runScan } from '../src/engine/scan.js';
import { iacScanner } from '../src/scanners/iac/index.js';

const seed = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 500);
let s = seed;
const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;

function walk(dir: string, out: string[]) {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.size < 60000 && /\.(tf|yaml|yml|json|dockerfile)$|Dockerfile/.test(e) && !e.endsWith('metadata.json')) out.push(p);
  }
}
const corpus: string[] = [];
for (const d of ['/tmp/kics/assets/queries/terraform/aws', '/tmp/kics/assets/queries/k8s', '/tmp/kics/assets/queries/dockerfile', '/tmp/kics/assets/queries/dockerCompose', '/tmp/kics/assets/queries/cloudFormation/aws', '/tmp/kics/assets/queries/terraform/gcp', '/tmp/kics/assets/queries/terraform/azure', '/tmp/kics/assets/queries/cicd']) walk(d, corpus);
const CHARS = ['{', '}', '[', ']', '"', "'", ':', '$', '-', '\n', '\t', '<', '>', '|', '&', '*', '!', '%', '@', '${', '{{', '}}', '\\', '#', '=', ',', ' ', '&a', '*a', '<<EOF', '\u0000', '\uFFFD', '0x', '1e999', '---\n'];
function mutate(text: string): string {
  const lines = text.split('\n');
  const op = Math.floor(rand() * 6);
  if (op === 0) return text.slice(0, Math.floor(rand() * text.length));
  if (op === 1 && lines.length > 1) { lines.splice(Math.floor(rand() * lines.length), 1); return lines.join('\n'); }
  if (op === 2) { const i = Math.floor(rand() * lines.length); lines.splice(i, 0, lines[i]!); return lines.join('\n'); }
  if (op === 3) { let t = text; for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) { const at = Math.floor(rand() * t.length); t = t.slice(0, at) + pick(CHARS) + t.slice(at); } return t; }
  if (op === 4) { const i = Math.floor(rand() * lines.length); lines[i] = '  ' + lines[i]; return lines.join('\n'); }
  const at = Math.floor(rand() * text.length); const len = Math.floor(rand() * 40); return text.slice(0, at) + text.slice(at + len);
}
const dir = `/tmp/fuzz-${seed}`;
let failures = 0;
for (let i = 0; i < count; i++) {
  const src = pick(corpus);
  const text = mutate(readFileSync(src, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  const name = path.basename(src);
  const rel = /Dockerfile/i.test(name) || name.endsWith('.dockerfile') ? 'Dockerfile' : src.includes('dockerCompose') ? 'docker-compose.yml' : src.includes('cicd') ? '.github/workflows/ci.yml' : name;
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
  const t0 = performance.now();
  try {
    const r = await runScan({ target: dir, scannerSet: [iacScanner] });
    const bad = r.warnings.filter((w) => /scanner failed|internal|TypeError|Cannot read|undefined/.test(w.message));
    const ms = performance.now() - t0;
    if (bad.length || ms > 3000) { failures++; const keep = `/tmp/fuzz-fail/${seed}-${i}-${rel.replace(/\//g, '_')}`; mkdirSync('/tmp/fuzz-fail', { recursive: true }); writeFileSync(keep, text); console.log('FAIL', src, keep, Math.round(ms), bad.map((w) => w.message).join(' | ').slice(0, 300)); }
  } catch (e) {
    failures++; const keep = `/tmp/fuzz-fail/${seed}-${i}-${rel.replace(/\//g, '_')}`; mkdirSync('/tmp/fuzz-fail', { recursive: true }); writeFileSync(keep, text);
    console.log('THROW', src, keep, String((e as Error).stack).slice(0, 400));
  }
}
console.log('done', count, 'failures', failures);

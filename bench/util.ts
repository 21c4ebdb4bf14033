import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A markdown-ish table for bench output. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export interface Measured {
  ms: number;
  /** Peak resident set size in MiB, from /usr/bin/time when present (else -1). */
  peakMiB: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Variables left out of every measured command's environment. This machine points
 * NODE_EXTRA_CA_CERTS at a 220 KB CA bundle that every Node process parses before it
 * runs anything (about 30 ms a process, against 21 ms for all the rest of `node -e 0`);
 * none of the measured commands makes a TLS connection, and a developer machine does not
 * usually set it. Both sides of every comparison run without it.
 */
export const BENCH_UNSET_ENV = ['NODE_EXTRA_CA_CERTS'];

/** The environment measured commands run in: this process's, without BENCH_UNSET_ENV, plus `extra`. */
export function benchEnv(extra: NodeJS.ProcessEnv = {}, keep: readonly string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of BENCH_UNSET_ENV) if (!keep.includes(name)) delete env[name];
  return env;
}

/** Runs a command and measures its wall time and peak memory (GNU time's maximum resident set size). */
export function measure(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; keepEnv?: readonly string[] } = {},
): Measured {
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const result = spawnSync(useTime ? '/usr/bin/time' : command, useTime ? ['-f', 'SECLOOP_BENCH_MAXRSS=%M', command, ...args] : args, {
    cwd: options.cwd,
    env: benchEnv(options.env, options.keepEnv),
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const rss = /SECLOOP_BENCH_MAXRSS=(\d+)/.exec(result.stderr ?? '');
  return {
    ms,
    peakMiB: rss ? Number(rss[1]) / 1024 : -1,
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: (result.stderr ?? '').replace(/SECLOOP_BENCH_MAXRSS=\d+\n?/, ''),
  };
}

/** Hard-link copies of a tree (fast, no extra disk): `cp -al`. */
export function linkCopy(from: string, to: string): void {
  if (existsSync(to)) return;
  mkdirSync(path.dirname(to), { recursive: true });
  execFileSync('cp', ['-al', from, to]);
}

export function treeStats(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) {
        files++;
        bytes += statSync(full).size;
      }
    }
  };
  visit(dir);
  return { files, bytes };
}

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const cli = path.join(projectRoot, 'dist', 'bundle', 'main.js');

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cliPath } from './paths.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/bundle/main.js, the bundle) with Node, no shell. */
export function runCli(args: string[], options: SpawnSyncOptions = {}): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    ...options,
    env: { ...process.env, NO_COLOR: '1', ...(options.env ?? {}) },
  });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

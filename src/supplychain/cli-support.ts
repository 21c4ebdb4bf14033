import { UsageError } from '../core/errors.js';

/**
 * Small pieces the supply-chain commands share: passwords come from an environment
 * variable named on the command line (never from the command line itself, where
 * they would show in `ps` and shell history).
 */
export function passwordFromEnv(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new UsageError(`--password-env takes the name of an environment variable, got '${variable}'`);
  const value = process.env[variable];
  if (value === undefined) throw new UsageError(`environment variable ${variable} (from --password-env) is not set`);
  return value;
}

export function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** Where the supply-chain commands write; swapped by tests (never patch process.stdout there). */
export interface CliSink {
  stdout(chunk: string | Uint8Array): void;
  stderr(chunk: string | Uint8Array): void;
}

const processSink: CliSink = {
  stdout: (chunk) => void process.stdout.write(chunk),
  stderr: (chunk) => void process.stderr.write(chunk),
};
let sink: CliSink = processSink;

export function cliOutput(): CliSink {
  return sink;
}

export async function withCliOutput<T>(replacement: CliSink, run: () => Promise<T>): Promise<T> {
  const previous = sink;
  sink = replacement;
  try {
    return await run();
  } finally {
    sink = previous;
  }
}

export function out(line = ''): void {
  sink.stdout(line + '\n');
}

export function err(line: string): void {
  sink.stderr(line + '\n');
}

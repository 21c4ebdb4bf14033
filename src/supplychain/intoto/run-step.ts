import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { JsonObject } from '../json/strict-json.js';
import type { SigningKey } from '../keys/keys.js';
import { recordArtifacts } from './artifacts.js';
import { dumpMetablock, linkFileName, signMetablock, type Metablock } from './metablock.js';
import type { Link } from './models.js';

/**
 * One supply chain step, as in-toto-run 1.3.1 records it: materials hashed before,
 * the command run (argument array, no shell), products hashed after, and a link
 * signed with the functionary's key:
 *
 *   byproducts  {"stdout": "", "stderr": "", "return-value": N}  (streams only with recordStreams)
 *   command     the argument array as given
 *   environment {}
 *
 * Differences from the reference, on purpose: no 10-second command timeout (builds
 * take longer), the command's output reaches the terminal instead of /dev/null, and
 * settings from IN_TOTO_* variables and rc files are not read.
 */

export interface RunStepOptions {
  name: string;
  key: SigningKey;
  materials?: readonly string[];
  products?: readonly string[];
  command: readonly string[];
  cwd: string;
  /** Directory artifact paths are relative to (the reference's --base-path); defaults to cwd. */
  basePath?: string;
  excludePatterns?: readonly string[];
  lstripPaths?: readonly string[];
  recordStreams?: boolean;
  /** Where the link is written (the reference's --metadata-directory); defaults to cwd. */
  metadataDirectory?: string;
  warn?: (message: string) => void;
  /** Receives the command's output as it arrives (defaults to this process's stdout/stderr). */
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
}

export interface RunStepResult {
  link: Metablock<Link>;
  linkPath: string;
  returnValue: number | null;
}

export function checkStepName(name: string): void {
  if (name === '' || /[/\\\0]/.test(name)) throw new UsageError(`step name '${name}' must be non-empty and contain no path separators`);
}

export async function runStep(options: RunStepOptions): Promise<RunStepResult> {
  checkStepName(options.name);
  const { link, returnValue } = await performStep(options);
  const block: Metablock<Link> = { signatures: [], signed: link };
  signMetablock(block, options.key);
  const linkPath = path.resolve(options.cwd, options.metadataDirectory ?? '.', linkFileName(options.name, options.key.keyid));
  writeFileSync(linkPath, dumpMetablock(block));
  return { link: block, linkPath, returnValue };
}

/** Records materials, runs the command, records products: the unsigned link (also used for inspections). */
export async function performStep(options: Omit<RunStepOptions, 'key' | 'metadataDirectory'>): Promise<{ link: Link; returnValue: number | null }> {
  const baseDir = path.resolve(options.cwd, options.basePath ?? '.');
  const recordOptions = {
    baseDir,
    ...(options.excludePatterns ? { excludePatterns: options.excludePatterns } : {}),
    ...(options.lstripPaths ? { lstripPaths: options.lstripPaths } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
  };
  const materials = await recordArtifacts(options.materials ?? [], recordOptions);
  let byproducts: JsonObject = {};
  let returnValue: number | null = null;
  if (options.command.length > 0) {
    const result = await executeCommand(options.command, options);
    returnValue = result.returnValue;
    byproducts = { stdout: result.stdout, stderr: result.stderr, 'return-value': result.returnValue };
  }
  const products = await recordArtifacts(options.products ?? [], recordOptions);
  const link: Link = { _type: 'link', name: options.name, materials, products, byproducts, command: [...options.command], environment: {} };
  return { link, returnValue };
}

export interface CommandResult {
  returnValue: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs argv without a shell. Without recordStreams the streams are passed through
 * and recorded as "" (as the reference); with it they are both shown and recorded,
 * decoded as UTF-8 with universal newlines (as Python's text mode reads them).
 * A signal ends up as the negative signal number, as in Python's returncode.
 */
export function executeCommand(
  argv: readonly string[],
  options: { cwd: string; recordStreams?: boolean; env?: NodeJS.ProcessEnv; stdout?: (chunk: Buffer) => void; stderr?: (chunk: Buffer) => void },
): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new UsageError('no command given');
  const record = options.recordStreams === true;
  const showOut = options.stdout ?? ((chunk: Buffer) => void process.stdout.write(chunk));
  const showErr = options.stderr ?? ((chunk: Buffer) => void process.stderr.write(chunk));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, stdio: ['inherit', 'pipe', 'pipe'], shell: false, ...(options.env ? { env: options.env } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      showOut(chunk);
      if (record) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      showErr(chunk);
      if (record) err.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new UsageError(`command not found: ${file}`) : new UsageError(`cannot run ${file}: ${error.code ?? error.message}`));
    });
    child.on('close', (code, signal) => {
      const returnValue = code ?? (signal ? -(osConstants.signals[signal] ?? 1) : -1);
      resolve({ returnValue, stdout: record ? textModeDecode(out) : '', stderr: record ? textModeDecode(err) : '' });
    });
  });
}

function textModeDecode(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').replace(/\r\n?/g, '\n');
}

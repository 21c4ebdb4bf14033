import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Git plumbing for the history scan, always with argument arrays and never a shell.
 * The scanned repository's configuration must not run programs (fsmonitor, pagers,
 * external diff and textconv drivers), and no prompt may block a scan.
 */
const SAFE_OPTIONS = ['-c', 'core.fsmonitor=false', '-c', 'core.pager=cat', '-c', 'diff.external=', '--no-pager', '--literal-pathspecs'];

export function spawnGit(cwd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn('git', [...SAFE_OPTIONS, ...args], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
  });
}

/** Runs git to completion and returns its standard output; rejects with its standard error. */
export function gitOutput(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(cwd, args);
    child.stdin.end();
    const chunks: Buffer[] = [];
    let stderr = '';
    const onAbort = () => child.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`git ${args[0]} failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`));
    });
  });
}

/**
 * Calls `onToken` for every NUL-terminated token of a git command's output (the -z
 * formats), as the output streams in, without holding it all in memory.
 */
export function gitTokens(cwd: string, args: readonly string[], onToken: (token: string) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(cwd, args);
    child.stdin.end();
    let pending: Buffer = Buffer.alloc(0);
    let stderr = '';
    const onAbort = () => child.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      const data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      for (let end = data.indexOf(0, start); end !== -1; end = data.indexOf(0, start)) {
        onToken(data.toString('utf8', start, end));
        start = end + 1;
      }
      pending = Buffer.from(data.subarray(start));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (pending.length > 0) onToken(pending.toString('utf8'));
      if (code === 0) resolve();
      else reject(new Error(`git ${args[0]} failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`));
    });
  });
}

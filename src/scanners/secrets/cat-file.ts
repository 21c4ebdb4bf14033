import { spawnGit } from './git-process.js';

export type BlobContent =
  | { sha: string; kind: 'blob'; bytes: Buffer }
  | { sha: string; kind: 'too-large'; size: number }
  | { sha: string; kind: 'missing' };

/**
 * Reads many blobs through ONE long-lived `git cat-file --batch` process: every object
 * id is written to its input, and the output ("<sha> blob <size>\n<bytes>\n") is parsed
 * as it streams. Blobs above `maxSize` are skipped without being held in memory.
 * `onBlob` runs synchronously, so scanning a blob holds back the reading of the next.
 */
export function readBlobs(cwd: string, shas: readonly string[], maxSize: number, onBlob: (blob: BlobContent) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (shas.length === 0) return resolve();
    const child = spawnGit(cwd, ['cat-file', '--batch']);
    const onAbort = () => child.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    let stderr = '';
    let buffer: Buffer = Buffer.alloc(0);
    /** The blob being read: its header is parsed, `remaining` bytes (plus the newline) are still due. */
    let current: { sha: string; size: number; parts: Buffer[] | null; remaining: number } | null = null;
    let failure: Error | null = null;

    const consume = (): void => {
      for (;;) {
        if (!current) {
          const newline = buffer.indexOf(10);
          if (newline === -1) return;
          const header = buffer.toString('utf8', 0, newline);
          buffer = buffer.subarray(newline + 1);
          const parsed = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
          if (!parsed) {
            const sha = header.split(' ')[0] ?? header;
            onBlob({ sha, kind: 'missing' });
            continue;
          }
          const size = Number(parsed[3]);
          current = { sha: parsed[1]!, size, parts: size > maxSize ? null : [], remaining: size + 1 };
        }
        if (buffer.length === 0) return;
        const take = Math.min(current.remaining, buffer.length);
        if (current.parts) current.parts.push(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        current.remaining -= take;
        if (current.remaining > 0) return;
        const done = current;
        current = null;
        if (done.parts) onBlob({ sha: done.sha, kind: 'blob', bytes: Buffer.concat(done.parts).subarray(0, done.size) });
        else onBlob({ sha: done.sha, kind: 'too-large', size: done.size });
      }
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      buffer = buffer.length > 0 ? Buffer.concat([buffer, chunk]) : chunk;
      try {
        consume();
      } catch (error) {
        failure = error as Error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => {
      // git exited early (killed or failed); the close handler reports why.
    });
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (code !== 0 && !signal?.aborted) reject(new Error(`git cat-file failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`));
      else resolve();
    });
    child.stdin.end(`${shas.join('\n')}\n`);
  });
}

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkspaceFile } from '../../../workspace/files.js';
import { scanFileAt, type FileScanResult } from '../scan-file.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';

const BATCH_FILES = 48;
const BATCH_BYTES = 1024 * 1024;
/** Batches queued per worker, so that a worker never waits for the busy main thread to hand it the next one. */
const IN_FLIGHT = 2;

/** Worker threads pay off only for large trees: starting one costs tens of milliseconds and its own heap. */
export const WORKER_MIN_FILES = 2000;
export const WORKER_MIN_BYTES = 20 * 1024 * 1024;

export function shouldUseWorkers(files: readonly WorkspaceFile[]): boolean {
  if (files.length > WORKER_MIN_FILES) return true;
  let bytes = 0;
  for (const file of files) bytes += file.size;
  return bytes > WORKER_MIN_BYTES;
}

/**
 * Worker threads besides the main thread, which scans too: one per further core, or
 * SECLOOP_SECRETS_THREADS - 1 when set (1 means the main thread alone).
 */
export function defaultWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number.parseInt(env['SECLOOP_SECRETS_THREADS'] ?? '', 10);
  if (Number.isInteger(configured) && configured >= 1) return Math.min(configured - 1, 15);
  return Math.max(1, Math.min(availableParallelism() - 1, 7));
}

/**
 * Scans files on every core: `workers` threads plus the main thread take batches from one
 * queue, and the results of each batch are yielded as they complete. Threads read the
 * files themselves (from absPath), so file contents never cross a thread boundary; only
 * matches come back.
 */
export async function* scanInParallel(
  files: readonly WorkspaceFile[],
  options: { workers: number; signal: AbortSignal },
): AsyncGenerator<FileScanResult[]> {
  const batches = makeBatches(files);
  const threads: Worker[] = [];
  const ready: Array<FileScanResult[] | Error> = [];
  let next = 0;
  let finished = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const dispatch = (worker: Worker) => {
    if (next >= batches.length) return;
    const request: WorkerRequest = { batch: next, files: batches[next]! };
    next++;
    worker.postMessage(request);
  };
  const onAbort = () => {
    ready.push(new Error('scan aborted'));
    notify();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });

  try {
    const workerCount = Math.min(options.workers, Math.max(0, batches.length - 1));
    for (let i = 0; i < workerCount; i++) {
      const worker = createWorker();
      worker.on('message', (response: WorkerResponse) => {
        finished++;
        ready.push('error' in response ? new Error(`secret scanning thread failed: ${response.error}`) : response.results);
        dispatch(worker);
        notify();
      });
      worker.on('error', (error) => {
        ready.push(error);
        notify();
      });
      threads.push(worker);
      for (let k = 0; k < IN_FLIGHT; k++) dispatch(worker);
    }
    while (finished < batches.length) {
      if (ready.length === 0) {
        if (next < batches.length) {
          // The main thread's share: scan a batch here while the workers scan theirs.
          const batch = batches[next++]!;
          ready.push(batch.map((file) => scanFileAt(file.path, file.absPath)));
          finished++;
          // Let the workers' messages in (they are macrotasks), so that they get their next batches.
          await new Promise<void>((resolve) => setImmediate(resolve));
        } else {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
      while (ready.length > 0) {
        const item = ready.shift()!;
        if (item instanceof Error) throw item;
        yield item;
      }
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((worker) => worker.terminate()));
  }
}

/** Batches of up to 48 files or 1 MB, in path order (neighbouring files share directories and caches). */
function makeBatches(files: readonly WorkspaceFile[]): Array<WorkerRequest['files']> {
  const batches: Array<WorkerRequest['files']> = [];
  let current: WorkerRequest['files'] = [];
  let bytes = 0;
  for (const file of files) {
    current.push({ path: file.path, absPath: file.absPath });
    bytes += file.size;
    if (current.length >= BATCH_FILES || bytes >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * worker.js next to this module once compiled. When secloop runs from its TypeScript
 * sources (tests and benches under tsx), loader hooks do not reach worker threads on
 * Node 20, so the thread registers tsx itself before importing worker.ts.
 */
function createWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(worker)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
}

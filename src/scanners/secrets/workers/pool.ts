import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkspaceFile } from '../../../workspace/files.js';
import { scanBatchAt, type ScannedBatch } from '../scan-file.js';
import type { BatchFile, WorkerRequest, WorkerResponse } from './protocol.js';
import { workerScript } from '../../../core/bundle.js';

/**
 * Batches are claimed from a shared counter, so they cost no message round trip and can
 * be small: small batches keep the threads busy to the end of the scan.
 */
const BATCH_FILES = 32;
const BATCH_BYTES = 512 * 1024;
/** The main thread scans batches back to back, but lets the event loop in this often (progress, abort, results). */
const YIELD_EVERY_MS = 25;

/** Worker threads pay off only for large trees: starting one costs tens of milliseconds and its own heap. */
export const WORKER_MIN_FILES = 2000;
export const WORKER_MIN_BYTES = 20 * 1024 * 1024;

export function shouldUseWorkers(files: readonly WorkspaceFile[]): boolean {
  // Threads read from disk: staged files, which the pre-commit hook reads from the git
  // index, are scanned in this thread. Sizes count where the walk measured them.
  if (files.length === 0 || files.some((file) => file.fromIndex)) return false;
  let bytes = 0;
  for (const file of files) bytes += file.size ?? 0;
  return files.length > WORKER_MIN_FILES || bytes > WORKER_MIN_BYTES;
}

/** Threads started ahead of a scan by prestartWorkers, idle until a scan adopts them. */
const prestarted: Worker[] = [];

/**
 * Starts the scanning threads ahead of the scan (while the workspace is walked), so that
 * they have loaded and compiled the detectors by the time the first batch is ready.
 * Until a scan adopts them they do not keep the process alive; a thread that fails
 * while idle is dropped, and the scan starts its own.
 */
export function prestartWorkers(count: number = defaultWorkerCount()): void {
  while (prestarted.length < count) {
    const worker = createWorker();
    worker.unref();
    worker.once('error', () => {
      const index = prestarted.indexOf(worker);
      if (index !== -1) prestarted.splice(index, 1);
    });
    prestarted.push(worker);
  }
}

/** Ends the prestarted threads a scan did not need (a small tree is scanned in one thread). */
export async function releasePrestartedWorkers(): Promise<void> {
  await Promise.all(prestarted.splice(0).map((worker) => worker.terminate()));
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
 * Scans files on every core: `workers` threads plus the main thread claim batches from
 * one shared counter, and each batch is yielded as it completes (with the results of
 * its files that have matches or were not scanned).
 * Threads read the files themselves (from absPath), so file contents never cross a
 * thread boundary; only matches come back. A thread that fails is reported through
 * `onThreadFailure`, and the batches it had claimed are scanned here instead.
 */
export async function* scanInParallel(
  files: readonly WorkspaceFile[],
  options: { workers: number; maxBytes: number; signal: AbortSignal; onThreadFailure?: (message: string) => void },
): AsyncGenerator<ScannedBatch> {
  const batches = makeBatches(files);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const claim = () => Atomics.add(next, 0, 1);
  const finished = new Uint8Array(batches.length);
  let remaining = batches.length;
  const ready: ScannedBatch[] = [];
  const accept = (batch: number, scanned: ScannedBatch) => {
    if (finished[batch] === 1) return;
    finished[batch] = 1;
    remaining--;
    ready.push(scanned);
  };
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const onAbort = () => notify();
  options.signal.addEventListener('abort', onAbort, { once: true });

  const threads: Worker[] = [];
  let running = 0;
  /** Set once every batch is done or the scan is aborted: threads ending then are no failure. */
  let closing = false;
  try {
    const workerCount = Math.min(options.workers, Math.max(0, batches.length - 1));
    for (let i = 0; i < workerCount; i++) {
      const worker = prestarted.shift() ?? createWorker();
      worker.ref();
      let stopped = false;
      const stop = (failure?: string) => {
        if (stopped || closing) return;
        stopped = true;
        running--;
        if (failure !== undefined) options.onThreadFailure?.(failure);
        notify();
      };
      worker.on('message', (response: WorkerResponse) => {
        if ('batch' in response) {
          accept(response.batch, response.scanned);
          notify();
        } else if ('done' in response) stop();
        else stop(`secret scanning thread failed: ${response.error}`);
      });
      worker.on('error', (error) => stop(`secret scanning thread failed: ${error.message}`));
      worker.on('exit', () => stop('secret scanning thread exited early'));
      running++;
      threads.push(worker);
      const request: WorkerRequest = { batches, next: next.buffer as SharedArrayBuffer, maxBytes: options.maxBytes };
      worker.postMessage(request);
    }

    let lastYield = performance.now();
    while (remaining > 0) {
      if (options.signal.aborted) throw new Error('scan aborted');
      while (ready.length > 0) yield ready.shift()!;
      if (remaining === 0) break;
      const batch = claim();
      if (batch < batches.length) {
        // The main thread's share: scan a batch here while the workers scan theirs.
        accept(batch, scanBatchAt(batches[batch]!, options.maxBytes));
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      } else if (running > 0) {
        await new Promise<void>((resolve) => (wake = resolve));
      } else {
        // Every thread has stopped: whatever a failed one had claimed is scanned here.
        for (let i = 0; i < batches.length; i++) if (finished[i] === 0) accept(i, scanBatchAt(batches[i]!, options.maxBytes));
      }
    }
    while (ready.length > 0) yield ready.shift()!;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    closing = true;
    // Stop the threads from claiming more, then end them (and any prestarted one not needed).
    Atomics.store(next, 0, batches.length);
    await Promise.all([...threads.map((worker) => worker.terminate()), releasePrestartedWorkers()]);
  }
}

/** Batches of up to 32 files or 512 KB where sizes are known, in path order (neighbouring files share directories and caches). */
function makeBatches(files: readonly WorkspaceFile[]): BatchFile[][] {
  const batches: BatchFile[][] = [];
  let current: BatchFile[] = [];
  let bytes = 0;
  for (const file of files) {
    current.push(file.size === undefined ? { path: file.path, absPath: file.absPath } : { path: file.path, absPath: file.absPath, size: file.size });
    bytes += file.size ?? 0;
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
  if (!import.meta.url.endsWith('.ts')) return new Worker(workerScript(import.meta.url, './worker.js', 'secrets-worker'));
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(worker)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
}

import { parentPort } from 'node:worker_threads';
import { scanBatchAt } from '../scan-file.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';

/**
 * A scanning thread: claims batches from the shared counter, reads and scans each file
 * of a batch from disk, and posts each batch's results, until no batch is left. It then
 * waits (the listener keeps it alive) until the pool ends it.
 */
parentPort?.on('message', (request: WorkerRequest) => {
  const next = new Int32Array(request.next);
  let response: WorkerResponse;
  try {
    for (let batch = Atomics.add(next, 0, 1); batch < request.batches.length; batch = Atomics.add(next, 0, 1)) {
      parentPort!.postMessage({ batch, scanned: scanBatchAt(request.batches[batch]!, request.maxBytes) } satisfies WorkerResponse);
    }
    response = { done: true };
  } catch (error) {
    response = { error: (error as Error).stack ?? String(error) };
  }
  parentPort!.postMessage(response);
});

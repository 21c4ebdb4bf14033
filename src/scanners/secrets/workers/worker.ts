import { parentPort } from 'node:worker_threads';
import { scanFileAt, type FileScanResult } from '../scan-file.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';

/** A scanning thread: reads each file of a batch from disk and returns its matches. */
parentPort?.on('message', (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    const results: FileScanResult[] = request.files.map((file) => scanFileAt(file.path, file.absPath));
    response = { batch: request.batch, results };
  } catch (error) {
    response = { batch: request.batch, error: (error as Error).stack ?? String(error) };
  }
  parentPort!.postMessage(response);
});

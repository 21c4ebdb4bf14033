/**
 * Worker thread entry: takes independent parts of a project from a shared queue (a
 * counter in shared memory, parts biggest first), analyses each on its own and posts
 * each result back as soon as it is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseProject } from './project/analyse.js';
import type { PartsJob, PartMessage } from './index.js';

const job = workerData as PartsJob;
const next = new Int32Array(job.next);
for (let index = Atomics.add(next, 0, 1); index < job.parts.length; index = Atomics.add(next, 0, 1)) {
  let message: PartMessage;
  try {
    message = { index, result: analyseProject(job.parts[index]!) };
  } catch (error) {
    message = { index, error: (error as Error).message };
  }
  parentPort?.postMessage(message);
}
parentPort?.postMessage({ done: true } satisfies PartMessage);

/** Worker thread entry: analyses one independent part of a project and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseProject, type ProjectInput } from './project/analyse.js';

const input = workerData as ProjectInput;
try {
  parentPort?.postMessage({ ok: true, result: analyseProject(input) });
} catch (error) {
  parentPort?.postMessage({ ok: false, message: (error as Error).message });
}

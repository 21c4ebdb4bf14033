import { Worker } from 'node:worker_threads';

/**
 * The worker's code: calls the export once per list of arguments and posts the results.
 * Compiled tests import the module as it is; under tsx a worker does not inherit tsx's
 * loader, so a TypeScript module is imported through tsx's API.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const load = workerData.url.endsWith('.ts') ? import('tsx/esm/api').then((tsx) => tsx.tsImport(workerData.url, workerData.url)) : import(workerData.url);
load.then(async (m) => {
  const results = [];
  for (const args of workerData.calls) results.push(await m[workerData.name](...args));
  parentPort.postMessage(results);
});
`;

/**
 * A hang guard for synchronous code, which node:test's own `timeout` cannot stop (its timer
 * never runs while the test holds the thread): calls the export `name` of the module at `url`
 * (written as the TypeScript file; the compiled tests load its .js) once for each list of
 * arguments in `calls`, in a worker thread, and resolves with what the calls return (copied
 * as postMessage copies), or rejects after `ms` and stops the worker. Give `ms` generously
 * (a minute) and inputs on which a regression would take far longer (many minutes), so that
 * a loaded machine never fails the guard.
 */
export async function allFinishWithin<T>(ms: number, url: URL, name: string, calls: ReadonlyArray<readonly unknown[]>): Promise<T[]> {
  const href = import.meta.url.endsWith('.js') ? url.href.replace(/\.ts$/, '.js') : url.href;
  const worker = new Worker(WORKER, { eval: true, workerData: { url: href, name, calls } });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<T[]>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms} ms`)), ms);
      worker.once('message', (results: T[]) => resolve(results));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${name}: the worker stopped (exit code ${code}) before it returned`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/** allFinishWithin for one call. */
export async function finishesWithin<T>(ms: number, url: URL, name: string, ...args: unknown[]): Promise<T> {
  return (await allFinishWithin<T>(ms, url, name, [args]))[0]!;
}

import { get, isYMap, isYScalar, isYSeq, items, text, type YNode } from '../yaml/tree.js';
import type { Job, Step, Workflow } from './model.js';

/**
 * How values travel between the jobs of a workflow: a job's `outputs:` read by the jobs
 * that need it (`${{ needs.<job>.outputs.<name> }}`), and the values a matrix gives its
 * jobs (`${{ matrix.<path> }}`).
 */

/** The jobs `job` names in `needs:` (only those can be read through the needs context). */
export function neededJobs(wf: Workflow, job: Job): Job[] {
  const needs = get(job.node, 'needs');
  const names = isYScalar(needs) ? [text(needs) ?? ''] : items(needs).map((n) => text(n) ?? '');
  return names.flatMap((name) => wf.jobs.filter((j) => j.id === name && j !== job));
}

/** `needs.<job>.outputs.<name>` references of an expression, as written. */
export function needsReferences(expression: string): Array<{ job: string; name: string }> {
  return [...expression.matchAll(/(?<![\w.])needs\.([\w-]+)\.outputs\.([\w-]+)/gi)].map((m) => ({ job: m[1]!, name: m[2]! }));
}

/** The text of output `name` that job `id` declares, when `job` needs that job. GitHub compares both names without case. */
export function neededOutput(wf: Workflow, job: Job, id: string, name: string): { job: Job; value: string } | undefined {
  const needed = neededJobs(wf, job).find((j) => j.id.toLowerCase() === id.toLowerCase());
  const outputs = get(needed?.node, 'outputs');
  if (!needed || !isYMap(outputs)) return undefined;
  const value = text(outputs.pairs.find((p) => p.key.toLowerCase() === name.toLowerCase())?.value);
  return value === undefined ? undefined : { job: needed, value };
}

/** A step standing after the last step of a job: what the job's `outputs:` see. */
export function endOfJob(job: Job): Step {
  return { job, node: job.node, line: job.line, index: job.steps.length };
}

/** A step standing before the first step of a job: what the job's own keys (`with:` of a reusable workflow call) see. */
export function startOfJob(job: Job): Step {
  return { job, node: job.node, line: job.line, index: 0 };
}

/**
 * Every value a matrix holds, by its path below `matrix.`: `settings.ref` for
 * `matrix: { settings: [{ ref: ... }] }`, entries of `include:` as well. A value that is
 * itself computed (`${{ fromJSON(...) }}`) stands for everything below its path; a whole
 * computed matrix has the empty path.
 */
export function matrixLeaves(job: Job): Array<{ path: string; value: string }> {
  const matrix = get(job.node, 'strategy', 'matrix');
  const out: Array<{ path: string; value: string }> = [];
  const walk = (node: YNode | undefined, path: string[], depth: number): void => {
    if (!node || depth > 12) return;
    if (isYScalar(node)) {
      if (typeof node.value === 'string') out.push({ path: path.join('.'), value: node.value });
    } else if (isYSeq(node)) for (const item of node.items) walk(item, path, depth + 1);
    else if (isYMap(node)) for (const p of node.pairs) if (p.value) walk(p.value, [...path, p.key], depth + 1);
  };
  if (isYMap(matrix)) {
    for (const p of matrix.pairs) {
      if (p.key === 'exclude' || !p.value) continue;
      // An include entry adds its keys at the top of the matrix.
      walk(p.value, p.key === 'include' ? [] : [p.key], 0);
    }
  } else walk(matrix, [], 0);
  return out;
}

/** The values `matrix.<path>` can take: those written at the path or below it, and computed ones above it. */
export function matrixValues(job: Job, path: string): string[] {
  const wanted = path.toLowerCase();
  return matrixLeaves(job)
    .filter((leaf) => {
      const at = leaf.path.toLowerCase();
      return at === wanted || at === '' || wanted.startsWith(`${at}.`) || at.startsWith(`${wanted}.`);
    })
    .map((leaf) => leaf.value);
}

/** `matrix.<path>` references of an expression (`matrix['a'].b` read as `matrix.a.b`). */
export function matrixReferences(expression: string): string[] {
  const normal = expression.replace(/\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/g, (_m, single: string | undefined, double: string | undefined) => `.${single ?? double ?? ''}`);
  return [...normal.matchAll(/(?<![\w.])matrix((?:\.[\w-]+)+)/gi)].map((m) => m[1]!.slice(1));
}

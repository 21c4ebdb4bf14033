import type { ScannerFinding } from '../../core/finding.js';
import type { RuleDoc } from '../../core/rule.js';
import type { ScanContext, Scanner } from '../scanner.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { patternRuleDocs } from './patterns/engine.js';
import { analyseProject, buildResolver, packageDirs, readManifests, type ProjectInput, type ProjectResult } from './project/analyse.js';
import { mergeStored } from './models/stores.js';
import type { Step } from './analysis/value.js';
import { independentParts } from './project/partition.js';
import type { PackageManifest } from './project/resolve.js';
import { createRootReader } from '../../workspace/root-reader.js';
import { collectExtendedConfigs } from './project/tsconfig.js';
import { languageOf } from './source/parse.js';
import { taintRuleDocs } from './taint-rules.js';
import { isTemplatePath } from './templates/views.js';
import { workerScript } from '../../core/bundle.js';

const MAX_TSCONFIG_BYTES = 256 * 1024;

/** Dependencies that make a package a server application rather than a library. */
const SERVER_FRAMEWORKS = [
  'express', 'koa', 'fastify', '@hapi/hapi', 'hapi', '@nestjs/core', 'next', 'restify', '@adonisjs/core', 'sails', 'loopback',
  '@loopback/core', 'feathers', '@feathersjs/feathers', 'polka', 'micro', 'h3', 'nuxt', '@remix-run/node', '@sveltejs/kit', 'socket.io', 'ws',
];

function isManifest(p: string): boolean {
  return p === 'package.json' || p.endsWith('/package.json');
}

function isTsconfig(p: string): boolean {
  return /(^|\/)(tsconfig|jsconfig)(\.[\w-]+)?\.json$/.test(p);
}

function isTemplate(p: string): boolean {
  return isTemplatePath(p);
}

/**
 * Library inputs are on when asked for (--library-inputs, sast.libraryInputs), and by
 * default when the root is a package without a server framework: its threat model is
 * its callers passing hostile arguments. Private packages and command-line tools
 * (a `bin` and no `main`/`exports`) are applications, not libraries: off by default.
 */
export function libraryInputsEnabled(ctx: Pick<ScanContext, 'options' | 'config'>, rootManifest: PackageManifest | undefined): boolean {
  const explicit = ctx.options.libraryInputs ?? ctx.config.sast.libraryInputs;
  if (explicit !== undefined) return explicit;
  if (!rootManifest || rootManifest.private) return false;
  if (rootManifest.bin && rootManifest.main === undefined && rootManifest.exports === undefined) return false;
  return !SERVER_FRAMEWORKS.some((name) => name in rootManifest.dependencies);
}

export const sastScanner: Scanner = {
  id: 'sast',
  description: 'JavaScript/TypeScript static analysis: inter-procedural taint tracking from request and library input to dangerous sinks, plus pattern rules',
  wants(p: string): boolean {
    return languageOf(p) !== undefined || isManifest(p) || isTsconfig(p) || isTemplate(p);
  },
  rules(): readonly RuleDoc[] {
    return [...taintRuleDocs(), ...patternRuleDocs()];
  },
  async *scan(ctx: ScanContext): AsyncIterable<ScannerFinding> {
    const input: ProjectInput = { sources: [], manifests: [], tsconfigs: [], templates: [], libraryInputs: false };
    for (const file of ctx.files) {
      if (ctx.signal.aborted) return;
      const text = await file.text();
      ctx.progress.tick();
      if (text === null) continue;
      const entry = { path: file.path, text };
      if (isManifest(file.path)) input.manifests.push(entry);
      else if (isTsconfig(file.path)) input.tsconfigs.push(entry);
      else if (isTemplate(file.path)) input.templates.push(entry);
      else input.sources.push(entry);
    }
    const manifests = readManifests(input.manifests);
    // Shared configs a tsconfig extends are small; they may sit where the walk does not go (node_modules).
    input.extendedConfigs = collectExtendedConfigs(input.tsconfigs, createRootReader(ctx.root, MAX_TSCONFIG_BYTES), packageDirs(manifests));
    input.libraryInputs = libraryInputsEnabled(ctx, manifests.find((m) => m.dir === ''));
    if (ctx.signal.aborted) return;

    const result = await analyse(input, manifests);
    for (const warning of result.warnings) ctx.warn(warning);
    for (const secret of result.secrets) ctx.registerSecret(secret);
    const findings = result.findings.sort(
      (a, b) =>
        (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : 0) ||
        a.location.startLine - b.location.startLine ||
        (a.location.startColumn ?? 0) - (b.location.startColumn ?? 0) ||
        (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
    );
    yield* findings;
  },
};

/**
 * When to analyse in parts: only a project of independent parts (packages that do not
 * import each other) can be split without losing flows, and below about a megabyte of
 * source the threads cost more than they save (measured in bench/sast). Whether a
 * project is split depends on its input only, never on the machine: each part is then
 * one analysis with a work budget of its own, so the findings are the same whatever the
 * number of worker threads and whichever thread takes which part.
 */
export const parallelism = { minBytes: 1_500_000, maxWorkers: 4 };

/** What every worker thread gets: all parts, biggest first, and the shared index of the next part to take. */
export interface PartsJob {
  parts: ProjectInput[];
  /** An Int32Array's buffer: element 0 is the index of the next part not yet taken. */
  next: SharedArrayBuffer;
}

/** A worker's report: one part's result (or why it failed), or that the queue is empty. */
export type PartMessage = { index: number; result: ProjectResult } | { index: number; error: string } | { done: true };

async function analyse(input: ProjectInput, manifests: PackageManifest[]): Promise<ProjectResult> {
  const bytes = input.sources.reduce((n, s) => n + s.text.length, 0);
  if (bytes < parallelism.minBytes) return analyseProject(input);
  const resolver = buildResolver(input.sources.map((s) => s.path), manifests, input.tsconfigs, input.extendedConfigs);
  const parts = independentParts(input.sources, resolver);
  if (parts.length < 2) return analyseProject(input);
  const byPath = new Map(input.sources.map((s) => [s.path, s]));
  // Biggest first, so that the last part to start is a small one and no thread waits long for another.
  const units = parts
    .map((part) => {
      const sources = part.sort().map((p) => byPath.get(p)!);
      return { sources, bytes: sources.reduce((n, s) => n + s.text.length, 0) };
    })
    .sort((a, b) => b.bytes - a.bytes || (a.sources[0]!.path < b.sources[0]!.path ? -1 : 1))
    .map(({ sources }): ProjectInput => ({ ...input, sources }));
  const workers = Math.max(1, Math.min(parallelism.maxWorkers, availableParallelism(), units.length));
  const results = await analyseParts(units, workers);
  // Stored data crosses parts: a part that reads a store another part wrote is analysed once more, seeded with those writes.
  const again = crossPartStores(units, results, byPath);
  if (again.length > 0) {
    const redone = await analyseParts(again.map((a) => a.input), Math.min(workers, again.length));
    again.forEach((a, k) => (results[a.index] = withEarlier(redone[k]!, results[a.index]!)));
  }
  return {
    // In part order (not in the order the threads finished them): the same input gives the same output.
    findings: results.flatMap((r) => r.findings),
    // Every part reads the same manifests: their warnings come once per part.
    warnings: [...new Map(results.flatMap((r) => r.warnings).map((w) => [`${w.path}|${w.line}|${w.message}`, w])).values()],
    secrets: results.flatMap((r) => r.secrets),
  };
}

/**
 * The parts to analyse again for stored data (second-order flows) that crosses parts: a
 * part reading a store that another part wrote request input to, with the inputs of that
 * one more analysis (one run): seeded with what was written to the stores it reads, its
 * own writes first (its own reports keep their source, other parts' taints fill the room a
 * field has left), then the other parts' in part order (the same seed whatever thread ran
 * which part); and the sources of the other parts' files the seed's traces pass through.
 * One extra round only: writes come from request input, never from stored data, so the
 * re-analysis writes nothing the others have not seen (up to the work budget). Parts
 * that read no store written elsewhere keep their results as they are.
 */
export function crossPartStores(
  parts: readonly ProjectInput[], results: readonly ProjectResult[], byPath: ReadonlyMap<string, { path: string; text: string }>,
): Array<{ index: number; input: ProjectInput }> {
  const again: Array<{ index: number; input: ProjectInput }> = [];
  results.forEach((result, index) => {
    const reads = new Set(result.stores?.read ?? []);
    if (reads.size === 0) return;
    const others = results.filter((r, i) => i !== index && r.stores && [...r.stores.written.keys()].some((k) => reads.has(k)));
    if (others.length === 0) return;
    const storedData = mergeStored([result.stores!.written, ...others.map((r) => r.stores!.written)], reads);
    const files = new Set<string>();
    for (const fields of storedData.values()) {
      for (const taints of fields.values()) for (const t of taints) for (let step: Step | null = t.step; step; step = step.prev) files.add(step.loc.file);
    }
    const own = new Set(parts[index]!.sources.map((s) => s.path));
    const storedFiles = [...files].sort().flatMap((p) => (!own.has(p) && byPath.has(p) ? [byPath.get(p)!] : []));
    again.push({ index, input: { ...parts[index]!, storedData, storedFiles } });
  });
  return again;
}

/**
 * A part's result from its analysis with other parts' stored data, keeping what its first
 * analysis found that this one did not (a flow lost to a work budget the seed used up).
 */
function withEarlier(again: ProjectResult, earlier: ProjectResult): ProjectResult {
  const key = (f: ScannerFinding) => `${f.ruleId}|${f.location.path}|${f.location.startLine}|${f.location.startColumn}`;
  const seen = new Set(again.findings.map(key));
  return {
    findings: [...again.findings, ...earlier.findings.filter((f) => !seen.has(key(f)))],
    warnings: [...again.warnings, ...earlier.warnings],
    secrets: [...new Set([...again.secrets, ...earlier.secrets])],
  };
}

/**
 * A worker thread's stack as large as the main thread's (8 MB on Linux instead of 4): the
 * native parser recurses once per level of a long left-nested chain such as `1 + 1 + ...`
 * (60,000 terms), which the main thread survives and reports as too deeply nested, but
 * which overflowed a worker's smaller native stack and killed the whole process.
 */
const WORKER_LIMITS = { stackSizeMb: 8 };

/**
 * Analyses parts in `count` worker threads that take them from one queue. Parts always
 * run in workers, even with one: a worker's stack differs from the main thread's, and a
 * part's findings must not depend on where it ran. A part whose worker failed is
 * analysed in the main thread instead, with a warning.
 */
async function analyseParts(parts: ProjectInput[], count: number): Promise<ProjectResult[]> {
  const results: Array<ProjectResult | undefined> = new Array(parts.length);
  const failures = new Map<number, string>();
  const job: PartsJob = { parts, next: new SharedArrayBuffer(4) };
  await Promise.all(Array.from({ length: count }, () => runWorker(job, results, failures)));
  return results.map((result, index) => {
    if (result) return result;
    const fallback = analyseProject(parts[index]!);
    fallback.warnings.push({ message: `sast worker thread failed (${failures.get(index) ?? failures.get(-1) ?? 'no result'}); analysed in the main thread instead` });
    return fallback;
  });
}

/** One worker thread taking parts from the job's queue until it is empty; resolves when the thread is done or failed. */
function runWorker(job: PartsJob, results: Array<ProjectResult | undefined>, failures: Map<number, string>): Promise<void> {
  const here = new URL(import.meta.url);
  const typescript = here.pathname.endsWith('.ts');
  const script = typescript ? new URL('./worker.ts', here) : workerScript(import.meta.url, './worker.js', 'sast-worker');
  return new Promise((resolve) => {
    let settled = false;
    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      if (failure !== undefined && !failures.has(-1)) failures.set(-1, failure);
      resolve();
    };
    let worker: Worker;
    try {
      // Run from TypeScript sources (tests, tsx): the worker registers tsx before loading its entry.
      worker = typescript
        ? new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData: job, resourceLimits: WORKER_LIMITS })
        : new Worker(script, { workerData: job, resourceLimits: WORKER_LIMITS });
    } catch (error) {
      finish((error as Error).message);
      return;
    }
    worker.on('message', (message: PartMessage) => {
      if ('done' in message) {
        finish();
        void worker.terminate();
      } else if ('result' in message) results[message.index] = message.result;
      else failures.set(message.index, message.error);
    });
    worker.once('error', (error) => finish(error.message));
    worker.once('exit', (code) => finish(`exit code ${code}`));
  });
}

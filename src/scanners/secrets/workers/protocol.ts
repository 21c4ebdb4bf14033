import type { ScannedBatch } from '../scan-file.js';

export interface BatchFile {
  path: string;
  absPath: string;
  /** As the walk saw it, when it measured. */
  size?: number;
}

/**
 * The one message a scanning thread gets: every batch, and a shared counter (one Int32,
 * the index of the next unclaimed batch) from which it and the main thread claim
 * batches with Atomics.add until none are left.
 */
export interface WorkerRequest {
  batches: BatchFile[][];
  next: SharedArrayBuffer;
  /** maxFileSize: larger files are skipped as too large. */
  maxBytes: number;
}

/** One scanned batch, a thread's failure, or 'done' when the counter ran out. */
export type WorkerResponse = { batch: number; scanned: ScannedBatch } | { error: string } | { done: true };

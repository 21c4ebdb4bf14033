import type { FileScanResult } from '../scan-file.js';

export interface WorkerRequest {
  batch: number;
  files: Array<{ path: string; absPath: string }>;
}

export type WorkerResponse = { batch: number; results: FileScanResult[] } | { batch: number; error: string };

import type { ScannerFinding } from '../../src/core/finding.js';
import { iacScanner } from '../../src/scanners/iac/index.js';
import type { WorkspaceFile } from '../../src/workspace/files.js';

/** Workspace files held in memory, in path order, counting how often each text is read. */
export function memoryFiles(texts: Record<string, string>): { files: WorkspaceFile[]; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const files = Object.keys(texts)
    .sort()
    .map((p) => ({
      path: p,
      absPath: `/nowhere/${p}`,
      read: async () => Buffer.from(texts[p]!),
      text: async () => {
        reads.set(p, (reads.get(p) ?? 0) + 1);
        return texts[p]!;
      },
    }));
  return { files, reads };
}

export type MemoryScanWarning = { path?: string; line?: number; message: string };

/**
 * Runs the IaC scanner alone on files held in memory, as the scan pipeline calls it (local
 * module calls are followed), with what it read, warned and ticked.
 */
export async function scanMemory(texts: Record<string, string>): Promise<{ findings: ScannerFinding[]; warnings: MemoryScanWarning[]; reads: Map<string, number>; ticks: number; files: number }> {
  const { files, reads } = memoryFiles(texts);
  const findings: ScannerFinding[] = [];
  const warnings: MemoryScanWarning[] = [];
  let ticks = 0;
  const ctx = {
    root: '/nowhere',
    files,
    options: {},
    git: null,
    progress: { tick: () => void ticks++ },
    signal: new AbortController().signal,
    warn: (w: MemoryScanWarning) => warnings.push(w),
    registerSecret: () => {},
  } as unknown as Parameters<typeof iacScanner.scan>[0];
  for await (const f of iacScanner.scan(ctx)) findings.push(f);
  return { findings, warnings, reads, ticks, files: files.length };
}

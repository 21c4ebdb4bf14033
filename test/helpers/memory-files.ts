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

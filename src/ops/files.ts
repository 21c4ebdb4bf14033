import { readFile } from 'node:fs/promises';
import { looksBinary, type WorkspaceFile } from '../workspace/files.js';
import type { WalkEntry } from '../workspace/walk.js';
import { decodeUtf8 } from '../workspace/workspace.js';

/** A walked file as the iac readers take it (HelmCharts, readKustomizations), read from the disk. */
export function diskFile(entry: WalkEntry): WorkspaceFile {
  let cached: Promise<Buffer> | undefined;
  const read = () => (cached ??= readFile(entry.absPath));
  return {
    path: entry.path,
    absPath: entry.absPath,
    read,
    // An unreadable file is reported once, by the loop that reads every file (declared.ts).
    text: () => read().then((bytes) => (looksBinary(bytes) ? null : decodeUtf8(bytes)), () => null),
  };
}

import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p` that cannot hang. Node's own `mkdirSync(dir, { recursive: true })` loops
 * forever on some special file systems (a path under /proc keeps answering ENOENT), and
 * secloop takes output paths from the command line, so it creates each missing folder
 * itself, from the nearest existing ancestor down, and lets any error surface.
 */
export function makeDir(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!isDirectory(current)) {
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) mkdirSync(folder, { mode });
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

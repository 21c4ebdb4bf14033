import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The project root, whether tests run from test/ (tsx) or dist/test/ (compiled). */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

export function fixturePath(...parts: string[]): string {
  return path.join(projectRoot, 'test', 'fixtures', ...parts);
}

/** ../shared/data beside the project (read in place, never copied). */
export function sharedDataPath(...parts: string[]): string {
  return path.join(projectRoot, '..', 'shared', 'data', ...parts);
}

/** The built CLI entry point (the bundle that package.json's bin names). */
export const cliPath = path.join(projectRoot, 'dist', 'bundle', 'main.js');

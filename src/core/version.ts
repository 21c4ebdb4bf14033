import { readFileSync } from 'node:fs';

/** secloop's own version, read from its package.json (dist/src/core -> ../../../package.json). */
export const TOOL_VERSION: string = readVersion();

function readVersion(): string {
  for (const candidate of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'secloop' && pkg.version) return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}

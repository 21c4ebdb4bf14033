/**
 * YAML with limits (no alias bombs) and the line of each key in chosen maps. The
 * lockfile subset goes through the fast block reader; anything else through `yaml`.
 */
import type { Document } from 'yaml';
import { yamlPackage } from '../../../../core/packages.js';
import { parseBlockYaml } from './yaml-block.js';
import { yamlTooDeep } from '../../../../core/yaml-depth.js';

const yamlLibrary = yamlPackage;

/** Lockfiles never need aliases; a few are tolerated, an expansion bomb is refused. */
const MAX_ALIAS_COUNT = 50;

export interface YamlResult {
  value: unknown;
  errors: Array<{ line?: number; message: string }>;
  /** Lines of the keys of the map at `path` (e.g. ["packages"]). */
  keyLines(path: string[]): Map<string, number>;
}

/**
 * Parses every document in the text and keeps the last one `choose` accepts (pnpm 10
 * may put an environment document before the lockfile proper); the first by default.
 */
export function parseYaml(text: string, choose?: (value: unknown) => boolean): YamlResult {
  const fast = parseBlockYaml(text);
  if (fast) return { value: fast.value, errors: [], keyLines: fast.keyLines };
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) return { value: undefined, errors: [tooDeep], keyLines: () => new Map() };
  const { isMap, isScalar, LineCounter, parseAllDocuments } = yamlLibrary();
  const lineCounter = new LineCounter();
  const errors: YamlResult['errors'] = [];
  let doc: Document.Parsed | undefined;
  let value: unknown;
  try {
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: false, logLevel: 'error' });
    const docs = Array.isArray(parsed) ? parsed : [];
    for (const candidate of docs) {
      for (const error of candidate.errors) {
        const line = error.linePos?.[0]?.line;
        const message = `malformed YAML: ${error.message.split('\n')[0] ?? error.code}`;
        errors.push(line === undefined ? { message } : { line, message });
      }
    }
    for (const candidate of docs) {
      const candidateValue: unknown = candidate.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      if (doc === undefined || (choose && choose(candidateValue))) {
        doc = candidate;
        value = candidateValue;
      }
    }
  } catch (error) {
    errors.push({ message: `YAML could not be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
  }
  return {
    value,
    errors,
    keyLines(path) {
      const lines = new Map<string, number>();
      const node = doc?.getIn(path, true);
      if (!isMap(node)) return lines;
      for (const item of node.items) {
        const key = item.key;
        if (!isScalar(key) || !key.range) continue;
        lines.set(String(key.value), lineCounter.linePos(key.range[0]).line);
      }
      return lines;
    },
  };
}

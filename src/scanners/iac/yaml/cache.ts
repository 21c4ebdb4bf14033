import { loadYaml, type YamlLoadResult } from './tree.js';

/**
 * The last YAML text loaded and its result: a file is classified and then analysed by
 * one platform, and tests run many rules over one example, so one entry is enough to
 * read each text once. Parses made ahead of a scan's loop are held by the scan itself
 * (yaml/parses.ts), not here: this module keeps nothing of one scan for the next but
 * this one parse, which any reader of the same text may share.
 */
let last: { text: string; result: YamlLoadResult } | undefined;

/** Parses of texts made through this file, for tests to count. */
export const yamlCacheStats = { parses: 0 };

export function loadYamlCached(text: string): YamlLoadResult {
  if (last && last.text === text) return last.result;
  yamlCacheStats.parses++;
  const result = loadYaml(text);
  last = { text, result };
  return result;
}

/**
 * A parse of the text made earlier in the scan and held for this reader (yaml/parses.ts):
 * given as loadYamlCached would give its own, and the last parse from now on.
 */
export function loadYamlGiven(text: string, result: YamlLoadResult): YamlLoadResult {
  last = { text, result };
  return result;
}

import { loadYaml, type YamlLoadResult } from './tree.js';

/**
 * The last YAML text loaded and its result: a file is classified and then analysed by
 * one platform, and tests run many rules over one example, so one entry is enough to
 * read each text once.
 */
let last: { text: string; result: YamlLoadResult } | undefined;

export function loadYamlCached(text: string): YamlLoadResult {
  if (last && last.text === text) return last.result;
  const result = loadYaml(text);
  last = { text, result };
  return result;
}

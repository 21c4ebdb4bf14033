import { loadYaml, type YamlLoadResult } from './tree.js';

/**
 * The last YAML text loaded and its result: a file is classified and then analysed by
 * one platform, and tests run many rules over one example, so one entry is enough to
 * read each text once.
 */
let last: { text: string; result: YamlLoadResult } | undefined;

/**
 * Parses made ahead of the analysis by a reader that keeps nothing of the tree (the local
 * includes of a GitLab pipeline, read before the scan loop): each is given to the next
 * reader of its text, once, which then has it as if it had parsed the text itself; later
 * readers parse again, as they would without it. Bounded by the characters of the texts.
 */
const held = new Map<string, YamlLoadResult>();
let heldChars = 0;
const MAX_HELD_CHARS = 2 * 1024 * 1024;

/** Parses of texts made through this file, for tests to count. */
export const yamlCacheStats = { parses: 0 };

function parse(text: string): YamlLoadResult {
  yamlCacheStats.parses++;
  return loadYaml(text);
}

function release(text: string): void {
  if (!held.delete(text)) return;
  heldChars -= text.length;
}

export function loadYamlCached(text: string): YamlLoadResult {
  if (last && last.text === text) {
    // Shared with this reader, as the last parse always is: no later one is given it.
    release(text);
    return last.result;
  }
  const result = held.get(text) ?? parse(text);
  release(text);
  last = { text, result };
  return result;
}

/**
 * A parse of the text made earlier in the scan and held for this reader (yaml/parses.ts):
 * given as loadYamlCached would give its own, and the last parse from now on.
 */
export function loadYamlGiven(text: string, result: YamlLoadResult): YamlLoadResult {
  release(text);
  last = { text, result };
  return result;
}

/**
 * loadYamlCached for a reader that keeps nothing of the tree and changes nothing in it
 * (it copies out strings): a parse it makes is held for the next reader of the text.
 */
export function loadYamlAhead(text: string): YamlLoadResult {
  if (last && last.text === text) return last.result;
  const kept = held.get(text);
  if (kept) {
    last = { text, result: kept };
    return kept;
  }
  const result = parse(text);
  last = { text, result };
  if (heldChars + text.length <= MAX_HELD_CHARS) {
    held.set(text, result);
    heldChars += text.length;
  }
  return result;
}

/** Lets go of the parses held ahead (at the start of a scan: those an earlier one did not use). */
export function releaseHeldYaml(): void {
  held.clear();
  heldChars = 0;
}

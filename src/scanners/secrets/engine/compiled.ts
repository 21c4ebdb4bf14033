import type { Detector } from '../detector.js';
import type { FileKind } from '../file-kind.js';
import { KeywordMatcher, type KeywordSpec } from './keyword-matcher.js';

/** The keyword matcher for one kind of file, and which detectors each keyword serves. */
export interface KindMatcher {
  matcher: KeywordMatcher;
  /** Keyword index -> detector indexes. */
  detectorsByKeyword: number[][];
}

/**
 * Detectors prepared for scanning: one keyword matcher over every detector's keywords,
 * built once per thread (building costs more than scanning a large batch), and per file
 * kind, built on first use, which detectors each keyword serves in that kind (a keyword
 * whose detectors all skip the kind serves none there).
 */
export class CompiledDetectors {
  private readonly byKind = new Map<FileKind, KindMatcher>();
  private shared: { matcher: KeywordMatcher; keys: string[] } | null = null;

  constructor(readonly detectors: readonly Detector[]) {
    const ids = new Set<string>();
    for (const detector of detectors) {
      if (ids.has(detector.id)) throw new Error(`duplicate secret detector id '${detector.id}'`);
      ids.add(detector.id);
      if (!detector.pattern.global) throw new Error(`secret detector '${detector.id}': pattern needs the g flag`);
      if (detector.keywords.length === 0) throw new Error(`secret detector '${detector.id}' has no keywords`);
    }
  }

  forKind(kind: FileKind): KindMatcher {
    let compiled = this.byKind.get(kind);
    if (!compiled) {
      compiled = this.compile(kind);
      this.byKind.set(kind, compiled);
    }
    return compiled;
  }

  private compile(kind: FileKind): KindMatcher {
    const shared = (this.shared ??= sharedMatcher(this.detectors));
    const indexByKey = new Map(shared.keys.map((key, index) => [key, index]));
    const detectorsByKeyword: number[][] = shared.keys.map(() => []);
    let served = 0;
    this.detectors.forEach((detector, detectorIndex) => {
      if (detector.kinds && !detector.kinds.includes(kind)) return;
      for (const raw of detector.keywords) {
        const list = detectorsByKeyword[indexByKey.get(keywordKey(detector, raw))!]!;
        if (!list.includes(detectorIndex)) {
          list.push(detectorIndex);
          served++;
        }
      }
    });
    return { matcher: served > 0 ? shared.matcher : EMPTY_MATCHER, detectorsByKeyword };
  }
}

const EMPTY_MATCHER = new KeywordMatcher([]);

function keywordKey(detector: Detector, raw: string): string {
  return detector.caseSensitive ? `S${raw}` : `I${raw.toLowerCase()}`;
}

function sharedMatcher(detectors: readonly Detector[]): { matcher: KeywordMatcher; keys: string[] } {
  const keys: string[] = [];
  const keywords: KeywordSpec[] = [];
  const seen = new Set<string>();
  for (const detector of detectors) {
    for (const raw of detector.keywords) {
      const key = keywordKey(detector, raw);
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
      keywords.push({ text: key.slice(1), caseSensitive: detector.caseSensitive ?? false });
    }
  }
  return { matcher: new KeywordMatcher(keywords), keys };
}

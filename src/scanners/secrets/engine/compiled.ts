import type { Detector } from '../detector.js';
import type { FileKind } from '../file-kind.js';
import { KeywordMatcher, type KeywordSpec } from './keyword-matcher.js';

/** The keyword matcher for one kind of file, and which detectors each keyword serves. */
export interface KindMatcher {
  matcher: KeywordMatcher;
  /** Keyword index -> detector indexes. */
  detectorsByKeyword: number[][];
}

/** Detectors prepared for scanning: one keyword matcher per file kind, built on first use. */
export class CompiledDetectors {
  private readonly byKind = new Map<FileKind, KindMatcher>();

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
      compiled = compile(this.detectors, kind);
      this.byKind.set(kind, compiled);
    }
    return compiled;
  }
}

function compile(detectors: readonly Detector[], kind: FileKind): KindMatcher {
  const keywords: KeywordSpec[] = [];
  const indexByKey = new Map<string, number>();
  const detectorsByKeyword: number[][] = [];
  detectors.forEach((detector, detectorIndex) => {
    if (detector.kinds && !detector.kinds.includes(kind)) return;
    for (const raw of detector.keywords) {
      const caseSensitive = detector.caseSensitive ?? false;
      const text = caseSensitive ? raw : raw.toLowerCase();
      const key = `${caseSensitive ? 'S' : 'I'}${text}`;
      let index = indexByKey.get(key);
      if (index === undefined) {
        index = keywords.length;
        indexByKey.set(key, index);
        keywords.push({ text, caseSensitive });
        detectorsByKeyword.push([]);
      }
      const list = detectorsByKeyword[index]!;
      if (!list.includes(detectorIndex)) list.push(detectorIndex);
    }
  });
  return { matcher: new KeywordMatcher(keywords), detectorsByKeyword };
}

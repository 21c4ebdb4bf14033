import type { Detector, MatchInfo } from '../detector.js';
import { fileKind, type FileKind } from '../file-kind.js';
import { isPlaceholder } from '../checks/placeholders.js';
import { shannonEntropy } from '../checks/entropy.js';
import type { CompiledDetectors } from './compiled.js';
import { LineIndex, lineEndAfter, lineStartBefore } from './lines.js';

/** One secret found in a buffer. `secret` is the raw value: it must never be shown. */
export interface SecretMatch {
  detectorId: string;
  secret: string;
  /** Byte offsets of the secret. */
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The second half of a paired credential (the AWS secret key beside its key id). */
  pair?: { secret: string; line: number };
}

interface Candidate {
  detector: Detector;
  priority: number;
  start: number;
  end: number;
  /** latin1 view of the secret's bytes. */
  secret: string;
  pair?: { secret: string; start: number; end: number };
}

interface Span {
  start: number;
  end: number;
  priority: number;
}

const DEFAULT_BEFORE = 200;
const DEFAULT_AFTER = 400;
const DEFAULT_PRIORITY = 10;

/**
 * The generic engine: keyword pre-filter over the bytes, then each hit's detectors'
 * patterns on the text around it, then structure checks, placeholder and entropy
 * filters, pairing, and finally overlap resolution (a specific detector wins over a
 * generic one on the same text; a value that looks like a known format but fails its
 * check is not reported by a more generic detector either).
 */
export function scanBytes(input: Uint8Array, path: string, compiled: CompiledDetectors): SecretMatch[] {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const kind = fileKind(path);
  const { matcher, detectorsByKeyword } = compiled.forKind(kind);
  if (matcher.size === 0) return [];

  const hitsByDetector = new Map<number, number[]>();
  matcher.scan(bytes, (keywordIndex, start) => {
    for (const detectorIndex of detectorsByKeyword[keywordIndex]!) {
      const hits = hitsByDetector.get(detectorIndex);
      if (hits) hits.push(start);
      else hitsByDetector.set(detectorIndex, [start]);
    }
  });
  if (hitsByDetector.size === 0) return [];

  const lines = new LineIndex(bytes);
  const candidates: Candidate[] = [];
  const vetoes: Span[] = [];
  for (const [detectorIndex, hits] of hitsByDetector) {
    const detector = compiled.detectors[detectorIndex]!;
    hits.sort((a, b) => a - b);
    runDetector(detector, hits, bytes, path, kind, lines, candidates, vetoes);
  }
  return resolveOverlaps(candidates, vetoes)
    .sort((a, b) => a.start - b.start || (a.detector.id < b.detector.id ? -1 : 1))
    .map((candidate) => toMatch(candidate, lines));
}

function runDetector(
  detector: Detector,
  hits: readonly number[],
  bytes: Buffer,
  path: string,
  kind: FileKind,
  lines: LineIndex,
  candidates: Candidate[],
  vetoes: Span[],
): void {
  const anchored = detector.anchor !== undefined;
  const pattern = compiledPattern(detector.pattern, anchored);
  const priority = detector.priority ?? DEFAULT_PRIORITY;
  const seen = new Set<number>();
  const windows = new WindowPlanner(detector, bytes, lines);
  for (const hit of hits) {
    const window = windows.next(hit);
    if (!window) continue;
    const text = bytes.toString('latin1', window.start, window.end);
    pattern.lastIndex = window.searchFrom - window.start;
    // An anchored (sticky) pattern is tried once, at the anchor; others search the whole window.
    for (let match = pattern.exec(text); match !== null; match = anchored ? null : pattern.exec(text)) {
      if (match[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      const located = secretOf(match);
      const start = window.start + located.index;
      if (seen.has(start)) continue;
      seen.add(start);
      const end = start + located.value.length;
      const info: MatchInfo = { match: match[0], groups: match.groups ?? {}, window: text, path, kind };
      const verdict = judge(detector, located.value, info);
      if (verdict === 'veto') vetoes.push({ start, end, priority });
      if (verdict !== 'ok') continue;
      const candidate: Candidate = { detector, priority, start, end, secret: located.value };
      if (detector.pair) {
        const pair = findPair(detector, bytes, lines, start, end);
        if (!pair) continue;
        candidate.pair = pair;
      }
      candidates.push(candidate);
    }
  }
}

/**
 * Which text to try the pattern on for each keyword hit: around the anchor for anchored
 * detectors (each anchor once), else a window of the line (or lines), skipping hits
 * whose whole reach the previous window already covered.
 */
class WindowPlanner {
  private readonly anchors = new Set<number>();
  private covered = { start: -1, end: -1, toLineEnd: false };

  constructor(
    private readonly detector: Detector,
    private readonly bytes: Buffer,
    private readonly lines: LineIndex,
  ) {}

  next(hit: number): { start: number; end: number; searchFrom: number } | null {
    const detector = this.detector;
    if (detector.anchor !== undefined) {
      const anchor = detector.anchor === 'name' ? nameStart(this.bytes, hit) : hit;
      if (this.anchors.has(anchor)) return null;
      this.anchors.add(anchor);
      return { ...anchoredWindow(detector, this.bytes, anchor, hit, this.lines), searchFrom: anchor };
    }
    const covered = this.covered;
    if (hit >= covered.start && hit < covered.end && (covered.toLineEnd || hit + afterBudget(detector) <= covered.end)) return null;
    this.covered = windowAround(detector, this.bytes, hit, this.lines);
    return { start: this.covered.start, end: this.covered.end, searchFrom: this.covered.start };
  }
}

/** 'veto': looks like this format but is not a credential; 'drop': not this detector's. */
function judge(detector: Detector, secret: string, info: MatchInfo): 'ok' | 'veto' | 'drop' {
  if (detector.context && !detector.context(info)) return 'drop';
  if (!detector.allowPlaceholders && isPlaceholder(secret)) return 'veto';
  if (detector.minEntropy !== undefined && shannonEntropy(secret) < detector.minEntropy) return 'drop';
  if (detector.check && !detector.check(secret, info)) return 'veto';
  return 'ok';
}

function afterBudget(detector: Detector): number {
  return detector.windowLines ? detector.windowLines.maxChars / 2 : (detector.window?.after ?? DEFAULT_AFTER);
}

function windowAround(detector: Detector, bytes: Buffer, hit: number, lines: LineIndex): { start: number; end: number; toLineEnd: boolean } {
  if (detector.windowLines) {
    const { before, after, maxChars } = detector.windowLines;
    const line = lines.lineOf(hit);
    const start = Math.max(lines.startOfLine(line - before), hit - maxChars);
    const end = Math.min(lines.endOfLine(line + after), hit + maxChars);
    return { start, end, toLineEnd: false };
  }
  const before = detector.window?.before ?? DEFAULT_BEFORE;
  const after = detector.window?.after ?? DEFAULT_AFTER;
  const start = lineStartBefore(bytes, hit, before);
  const end = lineEndAfter(bytes, hit, after);
  return { start, end, toLineEnd: end < hit + after };
}

/** Bytes of identifiers, dotted names and URL schemes, walked back over to find where a name starts. */
const NAME_BYTE = (() => {
  const table = new Uint8Array(256);
  for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.+-') table[c.charCodeAt(0)] = 1;
  return table;
})();
const MAX_NAME_BACKTRACK = 60;

function nameStart(bytes: Buffer, hit: number): number {
  const floor = Math.max(0, hit - MAX_NAME_BACKTRACK);
  let start = hit;
  while (start > floor && NAME_BYTE[bytes[start - 1]!] === 1) start--;
  return start;
}

/** From a little before the anchor (for look-behind assertions) to the detector's reach after the keyword, within the line. */
function anchoredWindow(detector: Detector, bytes: Buffer, anchor: number, hit: number, lines: LineIndex): { start: number; end: number } {
  const start = lineStartBefore(bytes, anchor, 16);
  if (detector.windowLines) {
    const { after, maxChars } = detector.windowLines;
    return { start, end: Math.min(lines.endOfLine(lines.lineOf(hit) + after), hit + maxChars) };
  }
  return { start, end: lineEndAfter(bytes, hit, detector.window?.after ?? DEFAULT_AFTER) };
}

const compiledPatterns = new Map<RegExp, RegExp>();
const compiledStickyPatterns = new Map<RegExp, RegExp>();

/** The detector's pattern with the `d` flag (exact group offsets), and sticky (`y`) when anchored. */
function compiledPattern(pattern: RegExp, sticky: boolean): RegExp {
  const cache = sticky ? compiledStickyPatterns : compiledPatterns;
  let compiled = cache.get(pattern);
  if (!compiled) {
    const flags = new Set(pattern.flags);
    flags.add('d');
    if (sticky) {
      flags.delete('g');
      flags.add('y');
    }
    compiled = new RegExp(pattern.source, [...flags].join(''));
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** The first named group starting with "secret" that took part in the match, else the whole match. */
function secretOf(match: RegExpExecArray): { value: string; index: number } {
  const groups = match.groups;
  const indices = match.indices?.groups;
  if (groups && indices) {
    for (const name of Object.keys(groups)) {
      const value = groups[name];
      const range = indices[name];
      if (name.startsWith('secret') && value !== undefined && range) return { value, index: range[0] };
    }
  }
  return { value: match[0], index: match.index };
}

function findPair(detector: Detector, bytes: Buffer, lines: LineIndex, start: number, end: number): Candidate['pair'] | null {
  const pairing = detector.pair!;
  const line = lines.lineOf(start);
  const from = lines.startOfLine(line - pairing.lines);
  const to = lines.endOfLine(line + pairing.lines);
  const text = bytes.toString('latin1', from, to);
  const pattern = compiledPattern(pairing.pattern, false);
  pattern.lastIndex = 0;
  let best: Candidate['pair'] | null = null;
  let bestDistance = Infinity;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const located = secretOf(match);
    const pairStart = from + located.index;
    const pairEnd = pairStart + located.value.length;
    if (pairStart < end && pairEnd > start) continue;
    if (isPlaceholder(located.value) || (pairing.check && !pairing.check(located.value))) continue;
    const distance = Math.abs(pairStart - start);
    if (distance < bestDistance) {
      best = { secret: located.value, start: pairStart, end: pairEnd };
      bestDistance = distance;
    }
  }
  return best;
}

function spansOf(candidate: Candidate): Span[] {
  const spans = [{ start: candidate.start, end: candidate.end, priority: candidate.priority }];
  if (candidate.pair) spans.push({ start: candidate.pair.start, end: candidate.pair.end, priority: candidate.priority });
  return spans;
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

function resolveOverlaps(candidates: Candidate[], vetoes: readonly Span[]): Candidate[] {
  const ordered = [...candidates].sort((a, b) => b.priority - a.priority || a.start - b.start);
  const taken: Span[] = [];
  const accepted: Candidate[] = [];
  for (const candidate of ordered) {
    const spans = spansOf(candidate);
    if (spans.some((span) => taken.some((other) => overlaps(span, other)))) continue;
    if (spans.some((span) => vetoes.some((veto) => veto.priority > candidate.priority && overlaps(span, veto)))) continue;
    taken.push(...spans);
    accepted.push(candidate);
  }
  return accepted;
}

function toMatch(candidate: Candidate, lines: LineIndex): SecretMatch {
  const endOffset = Math.max(candidate.start, candidate.end - 1);
  const match: SecretMatch = {
    detectorId: candidate.detector.id,
    secret: latin1ToUtf8(candidate.secret),
    start: candidate.start,
    end: candidate.end,
    line: lines.lineOf(candidate.start),
    column: lines.columnOf(candidate.start),
    endLine: lines.lineOf(endOffset),
    endColumn: lines.columnOf(endOffset) + 1,
  };
  if (candidate.pair) match.pair = { secret: latin1ToUtf8(candidate.pair.secret), line: lines.lineOf(candidate.pair.start) };
  return match;
}

/** Patterns run on latin1 text (one character per byte); secrets are reported as UTF-8. */
function latin1ToUtf8(value: string): string {
  return /[\u0080-\u00ff]/.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value;
}

import type { Detector, MatchInfo } from '../detector.js';
import { fileKind, type FileKind } from '../file-kind.js';
import { isOpenApiExample } from '../checks/openapi-examples.js';
import { isMarkedExampleLine, isPlaceholder } from '../checks/placeholders.js';
import { shannonEntropy } from '../checks/entropy.js';
import type { CompiledDetectors } from './compiled.js';
import { LineBounds, LineIndex } from './lines.js';

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
  pair?: { start: number; end: number };
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
  let hitCount = 0;
  matcher.scan(bytes, (keywordIndex, start) => {
    hitCount++;
    for (const detectorIndex of detectorsByKeyword[keywordIndex]!) {
      const hits = hitsByDetector.get(detectorIndex);
      if (hits) hits.push(start);
      else hitsByDetector.set(detectorIndex, [start]);
    }
  });
  if (hitsByDetector.size === 0) return [];

  const file: FileText = { bytes, lines: new LineIndex(bytes), bounds: new LineBounds(bytes), text: new WindowText(bytes, hitCount) };
  const candidates: Candidate[] = [];
  const vetoes: Span[] = [];
  // Detectors run in the order they are declared, whatever the order of their first hits.
  for (const [detectorIndex, hits] of [...hitsByDetector].sort((a, b) => a[0] - b[0])) {
    const detector = compiled.detectors[detectorIndex]!;
    hits.sort((a, b) => a - b);
    runDetector(detector, hits, file, path, kind, candidates, vetoes);
  }
  return resolveOverlaps(candidates, vetoes)
    .sort((a, b) => a.start - b.start || (a.detector.id < b.detector.id ? -1 : 1))
    .map((candidate) => toMatch(candidate, file));
}

/** One file's bytes and what the detectors share about them. */
interface FileText {
  bytes: Buffer;
  lines: LineIndex;
  bounds: LineBounds;
  text: WindowText;
}

/** Bytes per keyword hit above which windows are cut from the whole file's text, not copied one by one. */
const WHOLE_TEXT_HIT_DENSITY = 4096;
/** Larger files always get windows copied one by one: their whole text would cost as much memory again (or exceed V8's string limit). */
const WHOLE_TEXT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The latin1 text of a window of bytes. A file with many keyword hits for its size is
 * decoded once and each window is a slice of that (V8 slices without copying); a large
 * file with a few hits gets each window copied on its own.
 */
class WindowText {
  private whole: string | null = null;
  private readonly decodeWhole: boolean;

  constructor(
    private readonly bytes: Buffer,
    hitCount: number,
  ) {
    this.decodeWhole = bytes.length <= WHOLE_TEXT_MAX_BYTES && hitCount * WHOLE_TEXT_HIT_DENSITY >= bytes.length;
  }

  get(start: number, end: number): string {
    if (!this.decodeWhole) return this.bytes.toString('latin1', start, end);
    this.whole ??= this.bytes.toString('latin1');
    return this.whole.slice(start, end);
  }
}

function runDetector(
  detector: Detector,
  hits: readonly number[],
  file: FileText,
  path: string,
  kind: FileKind,
  candidates: Candidate[],
  vetoes: Span[],
): void {
  const anchored = detector.anchor !== undefined;
  const pattern = compiledPattern(detector.pattern, anchored);
  const priority = detector.priority ?? DEFAULT_PRIORITY;
  const seen = new Set<number>();
  const window = new WindowPlanner(detector, file);
  for (const hit of hits) {
    if (!window.moveTo(hit)) continue;
    const text = file.text.get(window.start, window.end);
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
      const matchStart = window.start + match.index;
      const info: MatchInfo = { match: match[0], groups: match.groups ?? {}, window: text, path, kind, around: (before, after) => linesAround(file, matchStart, before, after) };
      const verdict = judge(detector, located.value, info);
      if (verdict === 'veto') vetoes.push({ start, end, priority });
      if (verdict !== 'ok') continue;
      const candidate: Candidate = { detector, priority, start, end };
      if (detector.pair) {
        const pair = findPair(detector, file, start, end);
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
 * whose whole reach the previous window already covered. The planner holds the current
 * window itself (start, end, searchFrom), so that planning allocates nothing per hit.
 */
class WindowPlanner {
  start = -1;
  end = -1;
  searchFrom = -1;
  private toLineEnd = false;
  private lastAnchor = -1;
  private readonly anchors = new Set<number>();

  constructor(
    private readonly detector: Detector,
    private readonly file: FileText,
  ) {}

  /** Moves to the window for `hit`; false when the hit needs no window of its own. */
  moveTo(hit: number): boolean {
    const detector = this.detector;
    const file = this.file;
    if (detector.anchor !== undefined) {
      const anchor = detector.anchor === 'name' ? nameStart(file.bytes, hit) : hit;
      // Hits come in order, so a repeated anchor is usually the last one; the set catches the rest.
      if (anchor === this.lastAnchor || this.anchors.has(anchor)) return false;
      this.lastAnchor = anchor;
      this.anchors.add(anchor);
      this.start = file.bounds.startBefore(anchor, 16);
      this.end = anchoredWindowEnd(detector, file, hit);
      this.searchFrom = anchor;
      return true;
    }
    if (hit >= this.start && hit < this.end && (this.toLineEnd || hit + afterBudget(detector) <= this.end)) return false;
    windowAround(detector, file, hit, this);
    this.searchFrom = this.start;
    return true;
  }

  setWindow(start: number, end: number, toLineEnd: boolean): void {
    this.start = start;
    this.end = end;
    this.toLineEnd = toLineEnd;
  }
}

/** MatchInfo.around: whole lines around a byte offset, and where the offset is among them. */
function linesAround(file: FileText, offset: number, before: number, after: number): { lines: string[]; at: number; column: number } {
  const lines = file.lines;
  const line = lines.lineOf(offset);
  const first = Math.max(1, line - before);
  const start = lines.startOfLine(first);
  const text = file.text.get(start, lines.endOfLine(line + after)).split('\n');
  const at = line - first;
  return { lines: text, at, column: offset - lines.startOfLine(line) };
}

/** 'veto': looks like this format but is not a credential; 'drop': not this detector's. */
function judge(detector: Detector, secret: string, info: MatchInfo): 'ok' | 'veto' | 'drop' {
  if (detector.context && !detector.context(info)) return 'drop';
  if (!detector.allowPlaceholders && isPlaceholder(secret)) return 'veto';
  if (detector.minEntropy !== undefined && shannonEntropy(secret) < detector.minEntropy) return 'drop';
  if (detector.check && !detector.check(secret, info)) return 'veto';
  // A secret only by its name, in an API reference's example or on a line whose values are marked as examples: made up for the page.
  if (detector.recognisedBy === 'name' && (isOpenApiExample(info) || isMarkedExampleLine(lineOf(info)))) return 'drop';
  return 'ok';
}

/** The line the match starts on. */
function lineOf(info: MatchInfo): string {
  const { lines, at } = info.around(0, 0);
  return lines[at] ?? '';
}

function afterBudget(detector: Detector): number {
  return detector.windowLines ? detector.windowLines.maxChars / 2 : (detector.window?.after ?? DEFAULT_AFTER);
}

function windowAround(detector: Detector, file: FileText, hit: number, into: WindowPlanner): void {
  if (detector.windowLines) {
    const { before, after, maxChars } = detector.windowLines;
    const lines = file.lines;
    const line = lines.lineOf(hit);
    const start = Math.max(lines.startOfLine(line - before), hit - maxChars);
    const end = Math.min(lines.endOfLine(line + after), hit + maxChars);
    into.setWindow(start, end, false);
    return;
  }
  const before = detector.window?.before ?? DEFAULT_BEFORE;
  const after = detector.window?.after ?? DEFAULT_AFTER;
  const start = file.bounds.startBefore(hit, before);
  const end = file.bounds.endAfter(hit, after);
  into.setWindow(start, end, end < hit + after);
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

/** The end of an anchored window: the detector's reach after the keyword, within the line (or its lines). */
function anchoredWindowEnd(detector: Detector, file: FileText, hit: number): number {
  if (detector.windowLines) {
    const { after, maxChars } = detector.windowLines;
    return Math.min(file.lines.endOfLine(file.lines.lineOf(hit) + after), hit + maxChars);
  }
  return file.bounds.endAfter(hit, detector.window?.after ?? DEFAULT_AFTER);
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

/**
 * How far (in characters) a pair's other half may lie: a few lines of a configuration file. On a
 * long minified line (a saved web page) a 40-character string thousands of characters along
 * belongs to something else (a reCAPTCHA site key beside an affiliate link's key id).
 */
const MAX_PAIR_DISTANCE = 1_000;

function findPair(detector: Detector, file: FileText, start: number, end: number): Candidate['pair'] | null {
  const pairing = detector.pair!;
  const lines = file.lines;
  const line = lines.lineOf(start);
  const from = lines.startOfLine(line - pairing.lines);
  const to = lines.endOfLine(line + pairing.lines);
  const text = file.text.get(from, to);
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
    if (distance > MAX_PAIR_DISTANCE) continue;
    if (distance < bestDistance) {
      best = { start: pairStart, end: pairEnd };
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

/**
 * Resolves overlaps in O(n log n): a file of many thousand findings (a generated .env,
 * a dump of tokens) took quadratic time when each candidate was compared with every
 * span taken and every veto.
 */
function resolveOverlaps(candidates: Candidate[], vetoes: readonly Span[]): Candidate[] {
  const ordered = [...candidates].sort((a, b) => b.priority - a.priority || a.start - b.start);
  const taken = new DisjointSpans();
  const vetoed = new VetoIndex(vetoes);
  const accepted: Candidate[] = [];
  for (const candidate of ordered) {
    const spans = spansOf(candidate);
    if (spans.some((span) => taken.overlaps(span.start, span.end))) continue;
    if (spans.some((span) => vetoed.overlaps(span.start, span.end, candidate.priority))) continue;
    for (const span of spans) taken.add(span.start, span.end);
    accepted.push(candidate);
  }
  return accepted;
}

/** Index of the last of the ascending `starts` below `end`, or -1. */
function lastStartBelow(starts: readonly number[], end: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (starts[mid]! < end) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Spans that do not overlap one another, by start (so their ends ascend too). */
class DisjointSpans {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  overlaps(start: number, end: number): boolean {
    const index = lastStartBelow(this.starts, end);
    return index >= 0 && this.ends[index]! > start;
  }

  add(start: number, end: number): void {
    let at = lastStartBelow(this.starts, start) + 1;
    // Among equal starts an empty span comes first, so the last one below a bound has the furthest end.
    while (at < this.starts.length && this.starts[at] === start && this.ends[at]! <= end) at++;
    if (at === this.starts.length) {
      this.starts.push(start);
      this.ends.push(end);
    } else {
      this.starts.splice(at, 0, start);
      this.ends.splice(at, 0, end);
    }
  }
}

/** Vetoes per priority, by start, with the furthest end reached so far: any veto of a higher priority overlapping a span? */
class VetoIndex {
  private readonly groups: { priority: number; starts: number[]; furthestEnds: number[] }[] = [];

  constructor(vetoes: readonly Span[]) {
    const byPriority = new Map<number, Span[]>();
    for (const veto of vetoes) {
      const group = byPriority.get(veto.priority);
      if (group) group.push(veto);
      else byPriority.set(veto.priority, [veto]);
    }
    for (const [priority, spans] of byPriority) {
      spans.sort((a, b) => a.start - b.start);
      let furthest = -1;
      const furthestEnds = spans.map((span) => (furthest = Math.max(furthest, span.end)));
      this.groups.push({ priority, starts: spans.map((span) => span.start), furthestEnds });
    }
  }

  overlaps(start: number, end: number, priority: number): boolean {
    for (const group of this.groups) {
      if (group.priority <= priority) continue;
      const index = lastStartBelow(group.starts, end);
      if (index >= 0 && group.furthestEnds[index]! > start) return true;
    }
    return false;
  }
}

/**
 * The match as reported. Secrets are decoded again from the bytes: a slice of the
 * file's text would keep the whole text alive as long as the finding.
 */
function toMatch(candidate: Candidate, file: FileText): SecretMatch {
  const lines = file.lines;
  const endOffset = Math.max(candidate.start, candidate.end - 1);
  const match: SecretMatch = {
    detectorId: candidate.detector.id,
    secret: file.bytes.toString('utf8', candidate.start, candidate.end),
    start: candidate.start,
    end: candidate.end,
    line: lines.lineOf(candidate.start),
    column: lines.columnOf(candidate.start),
    endLine: lines.lineOf(endOffset),
    endColumn: lines.columnOf(endOffset) + 1,
  };
  if (candidate.pair) match.pair = { secret: file.bytes.toString('utf8', candidate.pair.start, candidate.pair.end), line: lines.lineOf(candidate.pair.start) };
  return match;
}

const NEWLINE = 10;

/** Line starts of a byte buffer, computed once and only for files that have matches. */
export class LineIndex {
  private starts: number[] | null = null;

  constructor(private readonly bytes: Uint8Array) {}

  /** 1-based line of a byte offset. */
  lineOf(offset: number): number {
    const starts = this.lineStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** Byte offset where a 1-based line starts (clamped to the buffer). */
  startOfLine(line: number): number {
    const starts = this.lineStarts();
    if (line <= 1) return 0;
    return starts[Math.min(line, starts.length) - 1]!;
  }

  /** Byte offset just past the end of a 1-based line, before its newline. */
  endOfLine(line: number): number {
    const starts = this.lineStarts();
    if (line >= starts.length) return this.bytes.length;
    return starts[line]! - 1;
  }

  /** 1-based column in characters (UTF-8 decoded) of a byte offset. */
  columnOf(offset: number): number {
    const start = this.startOfLine(this.lineOf(offset));
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, offset - start).toString('utf8').length + 1;
  }

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    const bytes = this.bytes;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }
}

/**
 * The line around a byte offset, found with the native byte search and remembered, so
 * that the many keyword hits on one line (a minified bundle is one long line) look it
 * up once instead of walking bytes in JavaScript for each hit.
 */
export class LineBounds {
  /** The last line looked up: [start, end), end at its newline or the buffer's end. */
  private start = 0;
  private end = -1;

  constructor(private readonly bytes: Uint8Array) {}

  /** Start of the line containing `offset`, but not before `offset - limit`. */
  startBefore(offset: number, limit: number): number {
    this.locate(offset);
    return Math.max(this.start, offset - limit, 0);
  }

  /** End of the line containing `offset` (its newline's offset, or the buffer's end), but not after `offset + limit`. */
  endAfter(offset: number, limit: number): number {
    this.locate(offset);
    return Math.min(this.end, offset + limit, this.bytes.length);
  }

  private locate(offset: number): void {
    if (offset >= this.start && offset <= this.end) return;
    const bytes = this.bytes;
    this.start = offset === 0 ? 0 : bytes.lastIndexOf(NEWLINE, offset - 1) + 1;
    const end = bytes.indexOf(NEWLINE, offset);
    this.end = end === -1 ? bytes.length : end;
  }
}

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

/** Start of the line containing `offset` (byte after the previous newline). */
export function lineStartBefore(bytes: Uint8Array, offset: number, limit: number): number {
  const floor = Math.max(0, offset - limit);
  for (let i = offset - 1; i >= floor; i--) if (bytes[i] === NEWLINE) return i + 1;
  return floor;
}

/** End of the line containing `offset` (the newline's offset, or the buffer's end). */
export function lineEndAfter(bytes: Uint8Array, offset: number, limit: number): number {
  const ceiling = Math.min(bytes.length, offset + limit);
  for (let i = offset; i < ceiling; i++) if (bytes[i] === NEWLINE) return i;
  return ceiling;
}

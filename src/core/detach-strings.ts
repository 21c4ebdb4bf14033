/**
 * Copies of the strings in findings that share no memory with the texts they were read from.
 *
 * V8 keeps a whole string alive for a part cut from it (a sliced string) and for a string
 * built from such a part (a cons string): a message naming a container keeps the file, or the
 * rendered chart, it was read from. Findings are kept until the scan ends, so each one could
 * hold a text of the scan (bitnami/charts: 85 whole texts, 4 MB, at the end of the IaC loop).
 * Equal strings share one copy, so that the rule texts every finding of a rule repeats are
 * not copied for each of them.
 */
export class DetachedStrings {
  private readonly copies = new Map<string, string>();

  /** A string equal to `value` that keeps no other string alive. */
  text(value: string): string {
    return this.copy(value);
  }

  /** Replaces, in place, the strings of plain objects and arrays of the value (not of frozen ones, nor of class instances). */
  detach<T>(value: T): T {
    this.visit(value, new Set());
    return value;
  }

  private visit(value: unknown, seen: Set<object>): void {
    if (typeof value !== 'object' || value === null || seen.has(value) || Object.isFrozen(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') value[i] = this.copy(item);
        else this.visit(item, seen);
      }
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'string') record[key] = this.copy(item);
      else this.visit(item, seen);
    }
  }

  private copy(text: string): string {
    // Shorter strings are never sliced nor built of parts: V8 copies them.
    if (text.length < 13) return text;
    const known = this.copies.get(text);
    if (known !== undefined) return known;
    // Slicing a string built with a new first character makes V8 copy it whole (it flattens it first): the copy owns its characters.
    const copy = (' ' + text).slice(1);
    this.copies.set(copy, copy);
    return copy;
  }
}

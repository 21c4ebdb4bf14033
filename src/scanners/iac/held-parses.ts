/**
 * Characters of the texts whose parses one store holds for later readers. A parse takes 17
 * to 20 bytes of heap per character of its text (terraform-aws-eks: 8.6 MB for 517K
 * characters; YAML about the same): 1M characters is a bound of about 20 MB per store.
 */
export const MAX_HELD_PARSE_CHARS = 1024 * 1024;

/**
 * Parses one scan holds by path for the readers after the first, within a budget of
 * characters: past it, a parse is not held and a later reader parses the text again. A
 * parse is given only for the text it was made from. The Terraform, YAML and GitLab
 * stores of a scan (terraform/parses.ts, yaml/parses.ts, gitlab/pipeline-files.ts) each
 * keep one, and say when a parse is let go.
 */
export class HeldParses<T> {
  private readonly held = new Map<string, { text: string; parse: T }>();
  private chars = 0;
  private most = 0;

  constructor(private readonly budget = MAX_HELD_PARSE_CHARS) {}

  /** The parse held for the path when it was made from this text. */
  get(path: string, text: string): T | undefined {
    const held = this.held.get(path);
    return held && held.text === text ? held.parse : undefined;
  }

  /** Whether a parse (of any text) is held for the path. */
  has(path: string): boolean {
    return this.held.has(path);
  }

  /** Holds the parse of the path's text when it fits in the budget, in place of one of another text. */
  hold(path: string, text: string, parse: T): void {
    this.release(path);
    if (this.chars + text.length > this.budget) return;
    this.held.set(path, { text, parse });
    this.chars += text.length;
    this.most = Math.max(this.most, this.chars);
  }

  /** The parse held for the path when it was made from this text, let go (whatever its text). */
  take(path: string, text: string): T | undefined {
    const parse = this.get(path, text);
    this.release(path);
    return parse;
  }

  /** The parse held for the path, if any, let go. */
  release(path: string): void {
    const held = this.held.get(path);
    if (!held) return;
    this.held.delete(path);
    this.chars -= held.text.length;
  }

  /** Characters of the texts whose parses are held now (for tests and measurements). */
  get heldChars(): number {
    return this.chars;
  }

  /** The most characters held at once so far. */
  get mostHeldChars(): number {
    return this.most;
  }
}

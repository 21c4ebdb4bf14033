import { parseTerraformText, type ParsedTerraform } from './directory.js';

/**
 * Characters of the texts whose parses one scan holds for later readers. A parse takes
 * 17 to 20 bytes of heap per character of its text (terraform-aws-eks: 8.6 MB for 517K
 * characters): 1M characters is a bound of about 20 MB. terraform-aws-eks holds 450K
 * characters at most, before the scan loop takes them (its peak memory is elsewhere).
 */
export const MAX_HELD_PARSE_CHARS = 1024 * 1024;

type Parse = (text: string, path: string) => ParsedTerraform;

/**
 * The parses of one scan's Terraform files, by path. The pre-passes of the scan
 * (scan-modules.ts: the local module calls of each directory, what a called module writes
 * into its resources, the declarations of the callers' directories, the helm_release
 * inputs) and the scan loop need the same files parsed: each file is parsed once for all
 * of them (terraform-aws-eks: 138 parses of its 87 files before, 87 now). A parse is held
 * for later readers until the scan loop's analysis of the file takes it (`take`), or its
 * directory is done (`release`), within a budget of characters: past it, a parse is not
 * held, and a later reader parses the text again. A parse is given only for the text it
 * was made from. The store belongs to one scan (TerraformModules) and goes with it.
 *
 * Readers share the parse, as the contexts of a called module's file always have
 * (scan-modules.ts analyseInContexts): none changes a parsed body (an override file's
 * merge makes new bodies and blocks, overrides.ts).
 */
export class TerraformParses {
  private readonly held = new Map<string, { text: string; parsed: ParsedTerraform }>();
  private chars = 0;

  constructor(private readonly budget = MAX_HELD_PARSE_CHARS) {}

  /**
   * The file's parse, held for later readers when it fits. A parser bug throws, and nothing
   * is held. `parse` is how the file is read (a variable definitions file is always the
   * native syntax): every reader of a path reads it the same way.
   */
  parse(path: string, text: string, parse: Parse = parseTerraformText): ParsedTerraform {
    const held = this.held.get(path);
    if (held && held.text === text) return held.parsed;
    if (held) this.release(path);
    const parsed = parse(text, path);
    if (this.chars + text.length <= this.budget) {
      this.held.set(path, { text, parsed });
      this.chars += text.length;
    }
    return parsed;
  }

  /** The file's parse for its last reader: the held one, let go; else made now, not held. */
  take(path: string, text: string, parse: Parse = parseTerraformText): ParsedTerraform {
    return this.takeHeld(path, text) ?? parse(text, path);
  }

  /** The held parse of the file when it was made from this text, let go; undefined when none is. */
  takeHeld(path: string, text: string): ParsedTerraform | undefined {
    const held = this.held.get(path);
    this.release(path);
    return held && held.text === text ? held.parsed : undefined;
  }

  /** The held parse of the file, if any, let go. */
  release(path: string): void {
    const held = this.held.get(path);
    if (!held) return;
    this.held.delete(path);
    this.chars -= held.text.length;
  }

  /** Characters of the texts whose parses are held (for tests). */
  get heldChars(): number {
    return this.chars;
  }
}

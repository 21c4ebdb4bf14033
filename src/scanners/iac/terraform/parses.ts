import { HeldParses, MAX_HELD_PARSE_CHARS } from '../held-parses.js';
import { parseTerraformText, type ParsedTerraform } from './directory.js';

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
  private readonly held: HeldParses<ParsedTerraform>;

  constructor(budget = MAX_HELD_PARSE_CHARS) {
    this.held = new HeldParses(budget);
  }

  /**
   * The file's parse, held for later readers when it fits. A parser bug throws, and nothing
   * is held. `parse` is how the file is read (a variable definitions file is always the
   * native syntax): every reader of a path reads it the same way.
   */
  parse(path: string, text: string, parse: Parse = parseTerraformText): ParsedTerraform {
    const held = this.held.get(path, text);
    if (held) return held;
    this.held.release(path);
    const parsed = parse(text, path);
    this.held.hold(path, text, parsed);
    return parsed;
  }

  /** The file's parse for its last reader: the held one, let go; else made now, not held. */
  take(path: string, text: string, parse: Parse = parseTerraformText): ParsedTerraform {
    return this.takeHeld(path, text) ?? parse(text, path);
  }

  /** The held parse of the file when it was made from this text, let go; undefined when none is. */
  takeHeld(path: string, text: string): ParsedTerraform | undefined {
    return this.held.take(path, text);
  }

  /** The held parse of the file, if any, let go. */
  release(path: string): void {
    this.held.release(path);
  }

  /** Characters of the texts whose parses are held (for tests). */
  get heldChars(): number {
    return this.held.heldChars;
  }
}

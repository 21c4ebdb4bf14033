import type { ScannerFinding, ScannerId } from '../core/finding.js';
import type { RuleDoc } from '../core/rule.js';
import type { ResolvedConfig } from '../core/config.js';
import type { WorkspaceFile } from '../workspace/files.js';
import type { Git } from '../workspace/git.js';

/** A problem that is not a finding: a file that did not parse, a source that was not reachable. */
export interface ScanWarning {
  scanner?: ScannerId;
  path?: string;
  line?: number;
  message: string;
}

export interface Progress {
  /** A unit of work (usually a file) finished. */
  tick(count?: number): void;
}

/** Options from the command line that only some scanners read. */
export interface ScanOptions {
  history: boolean;
  offline: boolean;
  db?: string;
  verify: boolean;
  prodOnly: boolean;
  /** A scan of the files staged for commit (the pre-commit hook): what the index holds, not the working tree. */
  staged?: boolean;
  libraryInputs?: boolean;
}

export interface ScanContext {
  /** Absolute path of the scan root. */
  root: string;
  /** The files this scanner wants (its `wants(path)` said yes), in path order. */
  files: readonly WorkspaceFile[];
  config: ResolvedConfig;
  options: ScanOptions;
  /** Git access, or null when the root is not in a repository. */
  git: Git | null;
  progress: Progress;
  signal: AbortSignal;
  warn(warning: ScanWarning): void;
  /**
   * Tell the pipeline a raw secret value so that every excerpt and message written
   * anywhere is redacted. The value never leaves the process. `scope` is the file (or
   * directory, ending in `/`) it was found in: a short value (an ordinary word used as a
   * password) is redacted only there, where it stands as a whole value (core/redact.ts).
   */
  registerSecret(value: string, scope?: string): void;
}

/** One small interface per scanner (osv-scalibr's FileRequired/Extract). */
export interface Scanner {
  id: ScannerId;
  /** One line for `secloop scanners` and the docs. */
  description: string;
  /** Cheap, from the path alone (relative, forward slashes); the walker reads only wanted files. */
  wants(path: string): boolean;
  /**
   * Wanted files the scanner reads even where a .gitignore leaves them out (from the path
   * alone, like wants): lockfiles, which describe what is installed whether git keeps them
   * or not. Optional; .secloopignore and the config's ignore list still leave them out.
   */
  readsIgnored?(path: string): boolean;
  scan(ctx: ScanContext): AsyncIterable<ScannerFinding>;
  /** Every rule the scanner can fire, for SARIF rule metadata and `secloop explain`. */
  rules(): readonly RuleDoc[];
  /**
   * Called before the tree is walked, so that slow set-up (starting worker threads) runs
   * while the walk does. Optional; must not read files.
   */
  prepare?(options: { staged: boolean }): void;
}

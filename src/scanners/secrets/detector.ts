import type { Confidence, Severity } from '../../core/finding.js';
import type { FileKind } from './file-kind.js';

/**
 * A secret detector is data: what it finds, where to look (keywords for the pre-filter),
 * the pattern, the checks a match must pass, and its own examples. The engine is generic
 * (prefilter -> pattern -> structure check -> placeholder and entropy filters), the way
 * gitleaks keeps its rules.
 */
export interface Detector {
  /** Rule id without the scanner prefix: "github-pat" -> "secrets/github-pat". */
  id: string;
  title: string;
  /** What the credential is, in findings: "GitHub personal access token". */
  secretType: string;
  /** What it detects and why it matters. */
  description: string;
  remediation: string;
  severity: Severity;
  confidence: Confidence;
  /**
   * Literal strings, one of which occurs in or right before every secret this detector
   * finds. The pattern is only tried around their occurrences. Lower case unless
   * `caseSensitive` is set.
   */
  keywords: readonly string[];
  caseSensitive?: boolean;
  /**
   * Global ("g") regular expression tried on the text around a keyword. The secret is
   * the named group `secret`, else the whole match. Patterns work on latin1-decoded
   * bytes: ASCII classes only.
   */
  pattern: RegExp;
  /**
   * Where the pattern must start, which saves searching the whole window: 'keyword' at
   * the keyword itself (prefixed tokens), 'name' at the start of the identifier or URL
   * scheme around the keyword (assignments). Default: anywhere in the window.
   */
  anchor?: 'keyword' | 'name';
  /** Characters of the keyword's line searched before and after it (default 200 / 400). */
  window?: { before: number; after: number };
  /** For multi-line secrets: whole lines before and after the keyword's line, up to `maxChars`. */
  windowLines?: { before: number; after: number; maxChars: number };
  /** Only in files of these kinds (default: every file). */
  kinds?: readonly FileKind[];
  /**
   * Structure check on the secret (checksums, decoding, lengths). A value that fails it
   * has this format but is no credential, and no lower-priority detector reports it.
   */
  check?: (secret: string, match: MatchInfo) => boolean;
  /** Context the match needs (a word nearby, a file type); failing it only skips this detector. */
  context?: (match: MatchInfo) => boolean;
  /** Minimum Shannon entropy of the secret, bits per character. */
  minEntropy?: number;
  /** Skip placeholder filtering (for secrets whose structure check is stronger). */
  allowPlaceholders?: boolean;
  /**
   * Another part that must be found near the match for a finding (the AWS secret key
   * beside its access key id). It is reported as part of the same secret.
   */
  pair?: Pairing;
  /**
   * 'name' when the value is a secret only by the name it is assigned to (a password, a
   * generic API key), not by a format of its own. Another scanner's rule that reads the
   * file's structure knows more about such a value and keeps the finding when both report
   * it on one line (default 'format').
   */
  recognisedBy?: 'format' | 'name';
  /** Overlapping findings keep the higher priority (default 10; generic detectors lower). */
  priority?: number;
  /** What the message tells the developer to do, where "revoke it and load it from the environment" does not fit (a key that is public by design). */
  advice?: string;
  /** Which verifier asks the provider whether the credential is live (--verify). */
  verifier?: VerifierId;
  examples: { positive: readonly Example[]; negative: readonly Example[] };
}

export type VerifierId = 'github' | 'slack' | 'stripe' | 'npm' | 'aws';

export interface Pairing {
  pattern: RegExp;
  /** Lines above and below the match searched for the pair. */
  lines: number;
  check?: (value: string) => boolean;
}

export interface MatchInfo {
  /** The whole regular-expression match. */
  match: string;
  groups: Readonly<Record<string, string | undefined>>;
  /** The text the pattern ran on (the window around the keyword). */
  window: string;
  path: string;
  kind: FileKind;
  /**
   * The match's line with up to `before` lines above and `after` lines below it, for
   * context that spans lines (the block a value sits in); `at` is the match's line in
   * `lines`, `column` where the match starts in it. Cut from the file on demand.
   */
  around(before: number, after: number): { lines: readonly string[]; at: number; column: number };
}

/**
 * Example text; a string is checked under the detector's default example path. A
 * negative example must give no finding at all, unless the detectors that may fire on
 * it are named in `alsoFires` (an AWS key id without its secret is still a key id).
 */
export type Example = string | { path?: string; text: string; alsoFires?: readonly string[] };

/** Where a string example is placed when the detector is limited to some file kinds. */
export function examplePath(detector: Detector): string {
  const kind = detector.kinds?.[0];
  return kind ? EXAMPLE_PATHS[kind] : 'example.txt';
}

const EXAMPLE_PATHS: Record<FileKind, string> = {
  env: '.env',
  properties: 'application.properties',
  ini: 'config.ini',
  yaml: 'config.yaml',
  json: 'config.json',
  terraform: 'main.tf',
  xml: 'web.config',
  dockerfile: 'Dockerfile',
  code: 'app.js',
  docs: 'README.md',
  other: 'example.txt',
};

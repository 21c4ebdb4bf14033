import type { Confidence, Severity } from '../../core/finding.js';
import type { RuleDoc } from '../../core/rule.js';

export const PLATFORMS = ['dockerfile', 'kubernetes', 'compose', 'github-actions', 'gitlab-ci', 'terraform'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Examples that travel with a rule and are run by one generic test. Every positive
 * example must make the rule fire; every negative one must not. In a positive example,
 * a line holding only `# expect` (a comment in every format secloop reads) says the
 * next line must carry a finding; when such marks exist, the rule must fire on exactly
 * those lines.
 */
export interface RuleExamples {
  positive: string[];
  negative: string[];
}

/** One place where a rule fires. */
export interface Hit {
  line: number;
  column?: number;
  /** One sentence a developer can act on. */
  message: string;
  /** What is affected: `Deployment/web container app`, `aws_s3_bucket.logs`, `service db`. */
  resource?: string;
  /** When one rule covers cases of different weight (SSH vs. a database port). */
  severity?: Severity;
  /** A literal secret the finding is about: registered for redaction, never printed. */
  secret?: string;
}

export interface IacRule<Input> extends RuleDoc {
  platform: Platform;
  confidence?: Confidence;
  examples: RuleExamples;
  check(input: Input): Iterable<Hit>;
}

/** A platform: how to read its files and which rules run on them. */
export interface PlatformRules<Input> {
  platform: Platform;
  /** Parse a file's text; problems go to `warn` (line, message). Returns undefined when nothing can be analysed. */
  parse(text: string, warn: (line: number, message: string) => void): Input | undefined;
  rules: readonly IacRule<Input>[];
}

/** Builds a rule record with the conventions every IaC rule shares. */
export function rule<Input>(definition: Omit<IacRule<Input>, 'tags'> & { tags?: string[] }): IacRule<Input> {
  // The SARIF writer adds 'security' itself; tags must not repeat it.
  return { ...definition, tags: ['iac', definition.platform, ...(definition.tags ?? [])] };
}

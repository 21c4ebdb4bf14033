import type { Severity } from '../../core/finding.js';
import type { RuleDoc } from '../../core/rule.js';
import { loadYaml, type YNode } from '../iac/yaml/tree.js';

/**
 * What the posture rules see of a repository: the text of the files they asked for
 * (by path, relative to the scan root), and the tracked files when git is available.
 */
export interface Repo {
  files: ReadonlyMap<string, string>;
  /** Every file git tracks under the root, or undefined without git. */
  tracked?: readonly string[];
  /** The first bytes of a tracked file whose name does not say what it holds (a .bin), when they could be read. */
  head?: (path: string) => Uint8Array | undefined;
}

/** A small repository for a rule's examples: file texts, and tracked paths for git-only checks. */
export interface RepoExample {
  files: Record<string, string>;
  tracked?: string[];
}

export interface PostureHit {
  path: string;
  line: number;
  message: string;
  severity?: Severity;
}

export interface PostureRule extends RuleDoc {
  examples: { positive: RepoExample[]; negative: RepoExample[] };
  check(repo: Repo): Iterable<PostureHit>;
}

export function repoOf(example: RepoExample): Repo {
  const files = new Map(Object.entries(example.files));
  const head = (path: string) => (files.has(path) ? Buffer.from(files.get(path)!, 'latin1') : undefined);
  return { files, ...(example.tracked ? { tracked: example.tracked } : {}), head };
}

/** Where a repository-level finding is shown: the root README, package.json, or the first file. */
export function anchorFile(repo: Repo): string | undefined {
  const paths = [...repo.files.keys()].sort();
  return (
    paths.find((p) => /^readme(?:\.[a-z]+)?$/i.test(p)) ??
    paths.find((p) => p === 'package.json') ??
    paths.find((p) => !p.includes('/')) ??
    paths[0] ??
    repo.tracked?.[0]
  );
}

/** The 1-based line of the first match of a pattern in a text (1 when absent). */
export function lineOfMatch(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}

/** The root node of a YAML file's first document (null when it has none). */
export function yamlRoot(text: string): YNode | null {
  return loadYaml(text).documents[0]?.root ?? null;
}

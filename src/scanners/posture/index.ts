import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { ScannerFinding } from '../../core/finding.js';
import type { Scanner } from '../scanner.js';
import type { PostureHit, PostureRule, Repo } from './rule.js';
import { isPostureFile, postureRules } from './rules.js';
import { applyZizmor, isZizmorConfig } from './zizmor.js';
import { findingOfRule } from '../../core/rule.js';
import { createRootLister, createRootReader } from '../../workspace/root-reader.js';
import { OPEN_SCANNED_FILE } from '../../workspace/files.js';
import { addGitlabIncludes, GITLAB_CI, LOCAL_ACTION, WORKFLOW } from './ci.js';
import { DEPENDABOT } from './rules.js';
import { classify } from '../iac/detect.js';
import { loadYaml } from '../iac/yaml/tree.js';

const MAX_INCLUDE_BYTES = 1024 * 1024;
const MAX_LISTED = 1000;
/** The files the posture rules read as YAML. */
const READ_AS_YAML = [DEPENDABOT, WORKFLOW, LOCAL_ACTION, GITLAB_CI];

/** Runs the posture rules on a repository view; exposed for tests. */
export function checkRepo(
  repo: Repo,
  rules: readonly PostureRule[] = postureRules,
  warn: (message: string) => void = () => undefined,
): ScannerFinding[] {
  const findings: ScannerFinding[] = [];
  for (const rule of rules) {
    let hits: PostureHit[];
    try {
      hits = [...rule.check(repo)];
    } catch (error) {
      // A rule bug must not hide the other rules' findings.
      warn(`rule ${rule.id} failed: ${(error as Error).message}`);
      continue;
    }
    for (const hit of hits) {
      findings.push({
        ...findingOfRule(rule, 'posture', hit),
        location: { path: hit.path, startLine: hit.line },
        properties: { check: rule.tags?.find((t) => t.startsWith('scorecard:'))?.slice('scorecard:'.length) ?? rule.id.slice('posture/'.length) },
      });
    }
  }
  return findings;
}

/**
 * Repository posture in the spirit of OpenSSF Scorecard: security policy, dependency
 * updates, lockfiles, CI scanning, committed binaries, code owners, pinning and token
 * permissions. Checks about the repository as a whole run only when the scan root is
 * the top of a git repository, since files above the root are not seen (outside git, a
 * warning says they were not run).
 */
export const postureScanner: Scanner = {
  id: 'posture',
  description: 'Repository posture (OpenSSF Scorecard style): security policy, dependency updates, lockfiles, CI scans, binaries, CODEOWNERS, pinning, token permissions',
  wants: (path) => isPostureFile(path) || isZizmorConfig(path),
  rules: () =>
    postureRules.map((rule) => ({
      id: rule.id,
      title: rule.title,
      description: rule.description,
      remediation: rule.remediation,
      severity: rule.severity,
      cwe: rule.cwe,
      ...(rule.tags ? { tags: rule.tags } : {}),
    })),
  async *scan(ctx) {
    const files = new Map<string, string>();
    for (const file of ctx.files) {
      if (ctx.signal.aborted) return;
      const text = await file.text();
      ctx.progress.tick();
      if (text !== null) files.set(file.path, text);
    }
    // YAML the rules read that no IaC platform analyses (.github/dependabot.yml, an action that is not composite): where it does not parse, said here.
    for (const [path, text] of files) {
      if (!READ_AS_YAML.some((pattern) => pattern.test(path)) || classify(path, text) !== undefined) continue;
      const problem = loadYaml(text).problems[0];
      if (problem) ctx.warn({ path, line: problem.line, message: `${problem.message}; the posture checks that read this file skipped it` });
    }
    let tracked: string[] | undefined;
    // Repository-wide checks judge a repository at its top; a plain directory (an exported source
    // tree, a fetched snapshot) gets only the file-level ones, and is told so.
    let atRepoRoot = false;
    if (!ctx.git)
      ctx.warn({
        message:
          'not in a git repository: the repository-wide posture checks (security policy, CODEOWNERS, dependency updates, CI scans) and committed binaries (git ls-files) were not checked; scan a git checkout for them',
      });
    if (ctx.git) {
      try {
        atRepoRoot = (await ctx.git.prefix()) === '';
        tracked = (await ctx.git.run(['ls-files', '-z'])).split('\0').filter(Boolean).sort();
      } catch (error) {
        ctx.warn({ message: `git ls-files failed, so committed binaries were not checked: ${(error as Error).message.split('\n')[0]}` });
      }
    }
    if (atRepoRoot) addGitlabIncludes(files, createRootReader(ctx.root, MAX_INCLUDE_BYTES), createRootLister(ctx.root, MAX_LISTED), (message) => ctx.warn({ message }));
    const repo: Repo = { files, ...(tracked ? { tracked } : {}), head: (path) => readHead(ctx.root, path) };
    const rules = atRepoRoot ? postureRules : postureRules.filter((r) => REPO_INDEPENDENT.has(r.id));
    if (!atRepoRoot && ctx.git)
      ctx.warn({ message: 'the scan root is not the top of the git repository: repository-wide posture checks (security policy, CODEOWNERS, dependency updates, CI scans) were not run' });
    yield* applyZizmor(checkRepo(repo, rules, (message) => ctx.warn({ message })), files);
  },
};

/** The first bytes of a file under the root, never through a symbolic link; undefined when it cannot be read. */
function readHead(root: string, relative: string): Uint8Array | undefined {
  if (relative.split('/').includes('..')) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path.join(root, relative), OPEN_SCANNED_FILE);
    if (!fstatSync(fd).isFile()) return undefined;
    const buffer = Buffer.alloc(8);
    return buffer.subarray(0, readSync(fd, buffer, 0, 8, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Rules that judge the files they see and need nothing from the rest of the repository. */
const REPO_INDEPENDENT = new Set(['posture/lockfile-out-of-sync', 'posture/committed-binary', 'posture/unpinned-dependencies', 'posture/workflow-token-permissions']);

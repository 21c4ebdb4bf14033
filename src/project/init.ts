import { existsSync, writeFileSync, readFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Git } from '../workspace/git.js';
import { CONFIG_TEMPLATE, GITHUB_WORKFLOW_TEMPLATE, GITLAB_CI_TEMPLATE, HOOK_MARKER, PRE_COMMIT_HOOK_TEMPLATE } from './templates.js';
import { makeDir } from '../core/make-dir.js';

export interface WrittenFile {
  path: string;
  status: 'written' | 'kept';
}

/** Writes secloop.yaml, a GitHub Actions workflow and a GitLab CI job; never overwrites without `force`. */
export function initProject(root: string, options: { force: boolean }): WrittenFile[] {
  const files: Array<[string, string]> = [
    ['secloop.yaml', CONFIG_TEMPLATE],
    ['.github/workflows/secloop.yml', GITHUB_WORKFLOW_TEMPLATE],
    ['.gitlab/secloop.gitlab-ci.yml', GITLAB_CI_TEMPLATE],
  ];
  return files.map(([relative, content]) => {
    const target = path.join(root, relative);
    if (existsSync(target) && !options.force) return { path: relative, status: 'kept' };
    try {
      makeDir(path.dirname(target));
      writeFileSync(target, content);
    } catch (error) {
      throw new UsageError(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    return { path: relative, status: 'written' };
  });
}

/**
 * Installs the pre-commit hook where git looks for hooks (core.hooksPath honoured).
 * An existing hook that secloop did not write is kept unless `force`.
 */
export async function installPreCommitHook(git: Git, cliPath: string, options: { force: boolean }): Promise<string> {
  const hooksDir = path.resolve(git.topLevel, (await git.run(['rev-parse', '--git-path', 'hooks'])).trim());
  const hookPath = path.join(hooksDir, 'pre-commit');
  if (existsSync(hookPath) && !options.force && !readFileSync(hookPath, 'utf8').includes(HOOK_MARKER))
    throw new UsageError(`${hookPath} exists and was not written by secloop; use --force to replace it`);
  makeDir(hooksDir);
  const content = PRE_COMMIT_HOOK_TEMPLATE.replace('__NODE__', shellQuote(process.execPath)).replace('__CLI__', shellQuote(cliPath));
  writeFileSync(hookPath, content);
  chmodSync(hookPath, 0o755);
  return hookPath;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

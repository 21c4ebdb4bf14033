import type { Git } from '../../../workspace/git.js';
import { parseUses } from './model.js';

/**
 * The scanned repository's own name on GitHub (`owner/repo`), by which its workflows may
 * call its reusable workflows and actions instead of `./`: `uses:
 * owner/repo/.github/workflows/build.yml@main`. The files of the scan then stand for that
 * ref. Another repository of the same owner is other code, and is never matched.
 */

/** GitHub's owner (user or organization) and repository names. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** `owner/repo` when `value` is one (as `iac.githubRepository` in secloop.yaml is written); undefined otherwise. */
export function repositoryName(value: string): string | undefined {
  const parts = value.trim().split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  return OWNER.test(owner) && REPO.test(repo) && repo !== '.' && repo !== '..' ? `${owner}/${repo}` : undefined;
}

/**
 * The `owner/repo` a git remote URL names: `https://github.com/owner/repo(.git)`,
 * `git@github.com:owner/repo(.git)`, `ssh://git@host[:port]/owner/repo`, `git://host/owner/repo`,
 * on github.com or an Enterprise host. Undefined for a local path or a URL whose path is not
 * exactly an owner and a repository (a GitLab subgroup, a proxy's prefix).
 */
export function remoteRepository(url: string): string | undefined {
  const value = url.trim();
  let path: string | undefined;
  const withScheme = /^(?:https?|ssh|git|git\+ssh|ssh\+git):\/\/(?:[^@/]*@)?[^/:]+(?::\d*)?\/(.*)$/i.exec(value);
  if (withScheme) path = withScheme[1];
  // scp-like: [user@]host:owner/repo, never a path with a slash before the colon (a local path), nor a Windows drive (C:\x).
  else if (!/^[A-Za-z]:[\\/]/.test(value)) path = /^(?:[^@/:\s]+@)?[^/:\s]+:(?!\/)(.*)$/.exec(value)?.[1];
  if (path === undefined) return undefined;
  const trimmed = path.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/\.git$/i, '');
  return repositoryName(trimmed);
}

/**
 * The owner/repo of the repository's `origin` remote, read from its git config (never a
 * command of the repository runs: `git config --get` reads files). Undefined when there is
 * none or it names no GitHub-style repository.
 */
export async function originRepository(git: Git): Promise<string | undefined> {
  try {
    const url = (await git.run(['config', '--get', 'remote.origin.url'])).trim();
    return url === '' ? undefined : remoteRepository(url);
  } catch {
    return undefined;
  }
}

/**
 * The path in the repository (`.github/workflows/build.yml`, `.github/actions/setup`, '' for
 * its root action) that a `uses:` names when it names the repository `self` (owner/repo) by
 * its full name, with a ref: `owner/repo/.github/workflows/build.yml@main`. The owner and the
 * name compare without case, as GitHub's do. Undefined for a local `./`, a docker image,
 * another repository (of the same owner too), or a `uses:` without a ref.
 */
export function ownPath(uses: string, self: string | undefined): string | undefined {
  if (self === undefined) return undefined;
  const value = uses.trim();
  const ref = parseUses(value);
  if (ref.local || ref.docker || !value.includes('@')) return undefined;
  const [owner, repo, ...rest] = value.slice(0, value.indexOf('@')).split('/');
  if (owner === undefined || repo === undefined || `${owner}/${repo}`.toLowerCase() !== self.toLowerCase()) return undefined;
  return rest.filter((s) => s !== '' && s !== '.').join('/');
}

/** How a finding names a reusable workflow or action that a `uses:` of its own repository's full name reaches: the scan's file at that path stands for the ref. */
export function ownUsesLabel(uses: string, path: string): string {
  return `${uses.trim()} (this repository's ${path || 'action.yml'}, as this checkout has it)`;
}

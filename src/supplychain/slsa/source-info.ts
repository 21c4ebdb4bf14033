import { Git } from '../../workspace/git.js';

export interface SourceInfo {
  commit: string;
  uri?: string;
  /** Tracked files that differ from the commit (the build would not be from that commit alone). */
  dirtyPaths: string[];
}

/**
 * The commit a build runs from, read with git (no hooks, no configured helpers). The
 * remote URL loses any user name or token before it is recorded.
 */
export async function readSourceInfo(dir: string): Promise<SourceInfo | null> {
  const git = await Git.open(dir);
  if (!git) return null;
  let commit: string;
  try {
    commit = (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  } catch {
    return null; // no commit yet
  }
  const remote = (await git.run(['config', '--get', 'remote.origin.url']).catch(() => '')).trim();
  const status = await git.run(['status', '--porcelain=v1', '--untracked-files=no', '-z']);
  const dirtyPaths = status
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3));
  const uri = remote ? sourceUri(remote) : undefined;
  return { commit, dirtyPaths, ...(uri ? { uri } : {}) };
}

/** `git+<url>` with credentials removed; scp-like `git@host:path` becomes ssh://. */
export function sourceUri(remote: string): string | undefined {
  const scp = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(remote);
  if (scp && !/^[A-Za-z]:[\\/]/.test(remote)) return `git+ssh://${scp[2]}/${scp[3]!.replace(/^\//, '')}`;
  try {
    const url = new URL(remote);
    if (url.protocol === 'file:') return undefined; // a local path says nothing to a consumer
    url.username = '';
    url.password = '';
    return `git+${url.toString()}`;
  } catch {
    return undefined;
  }
}

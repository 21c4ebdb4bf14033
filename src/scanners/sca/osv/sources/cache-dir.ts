/** Where secloop keeps downloaded advisories: SECLOOP_CACHE_DIR, else the platform's cache directory. */
import os from 'node:os';
import path from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SECLOOP_CACHE_DIR) return path.resolve(env.SECLOOP_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'secloop');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'secloop', 'cache');
  return path.join(os.homedir(), '.cache', 'secloop');
}

/** The local OSV database directory inside the cache. */
export function defaultDatabaseDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultCacheDir(env), 'osv-db');
}

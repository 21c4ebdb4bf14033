import { picomatchPackage } from '../../../core/packages.js';
import { loadYamlCached } from '../yaml/cache.js';
import { get, isYMap, isYScalar, isYSeq, items, text, type YamlLoadResult, type YNode } from '../yaml/tree.js';

/**
 * Local files a GitLab pipeline includes (`include: local:` or a bare path), as paths
 * relative to the scan root: their jobs run in the same pipeline, so they are checked
 * as GitLab CI even though their names and contents (no `stages:`) do not say so.
 * Remote, project and template includes are outside the tree and are not followed.
 * `load` parses the text (a reader ahead of the scan loop holds the parse for the loop: yaml/cache.ts loadYamlAhead).
 */
export function localIncludes(source: string, load: (text: string) => YamlLoadResult = loadYamlCached): string[] {
  const loaded = load(source);
  const paths: string[] = [];
  for (const document of loaded.documents) {
    const include = get(document.root, 'include');
    for (const entry of isYSeq(include) ? items(include) : include ? [include] : []) {
      const local = localPath(entry);
      if (local) paths.push(local);
    }
  }
  return paths;
}

function localPath(entry: YNode): string | undefined {
  let value: string | undefined;
  if (isYScalar(entry)) {
    value = text(entry);
    // A bare string is a remote include when it is a URL.
    if (value && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  } else if (isYMap(entry)) {
    value = text(get(entry, 'local'));
  }
  if (!value) return undefined;
  const relative = value.replace(/^\/+/, '').replace(/\\/g, '/');
  // Never a path that leaves the tree.
  return relative.split('/').includes('..') || relative === '' ? undefined : relative;
}

/** Which of `paths` the includes name (exactly, or by GitLab's wildcard patterns such as `ci/*.yml`). */
export function includedPaths(includes: readonly string[], paths: readonly string[]): Set<string> {
  const exact = new Set(includes.filter((p) => !/[*?[{]/.test(p)));
  const patterns = includes.filter((p) => /[*?[{]/.test(p));
  const matchers = patterns.map((p) => picomatchPackage()(p, { dot: true }));
  return new Set(paths.filter((p) => exact.has(p) || matchers.some((m) => m(p))));
}

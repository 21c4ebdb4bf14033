import { loadYamlCached } from '../yaml/cache.js';
import { get, isYMap, isYScalar, isYSeq, items, text, type YamlLoadResult, type YNode } from '../yaml/tree.js';

/**
 * Local files a GitLab pipeline includes (`include: local:` or a bare path), as paths
 * relative to the scan root: their jobs run in the same pipeline, so they are checked
 * as GitLab CI even though their names and contents (no `stages:`) do not say so.
 * Remote, project and template includes are outside the tree and are not followed.
 * `load` parses the text (a reader ahead of the scan loop holds the parse for the loop: yaml/parses.ts).
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

/**
 * The local files each job of a GitLab file starts a child pipeline of (`trigger: include:`
 * a path, a list of paths or `local:` entries), as paths relative to the scan root. A child
 * pipeline runs those files as a pipeline of their own. Files of other projects, templates
 * and the artifacts of a job (a generated pipeline, not in the tree) are not followed.
 */
export function childPipelines(source: string, load: (text: string) => YamlLoadResult = loadYamlCached): Array<{ job: string; paths: string[] }> {
  const out: Array<{ job: string; paths: string[] }> = [];
  for (const document of load(source).documents) {
    if (!isYMap(document.root)) continue;
    for (const entry of document.root.pairs) {
      const include = get(get(entry.value, 'trigger'), 'include');
      const paths = (isYSeq(include) ? items(include) : include ? [include] : []).flatMap((e) => localPath(e) ?? []);
      if (paths.length > 0) out.push({ job: entry.key, paths });
    }
  }
  return out;
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

/**
 * Which of `paths` the includes name: exactly, or by GitLab's wildcard paths, where `*`
 * is the only wildcard (`?`, `[` and `{` name themselves). GitLab
 * (Repository#search_files_by_wildcard_path) escapes the pattern, then reads `**` and a
 * slash as any run of folders or none, `**` as any characters and `*` as any characters
 * but a slash: `ci/*.yml` is the files of ci/ alone, `ci/**.yml` also those of its subfolders.
 */
export function includedPaths(includes: readonly string[], paths: readonly string[]): Set<string> {
  const exact = new Set(includes.filter((p) => !p.includes('*')));
  const matchers = includes.filter((p) => p.includes('*')).map(wildcardPath);
  return new Set(paths.filter((p) => exact.has(p) || matchers.some((m) => m.test(p))));
}

function wildcardPath(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\\*\\\*\//g, '(?:.*?/)?').replace(/\\\*\\\*/g, '.*?').replace(/\\\*/g, '[^/]*?')}$`);
}

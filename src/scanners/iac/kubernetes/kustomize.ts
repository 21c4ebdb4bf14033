import path from 'node:path';
import type { WorkspaceFile } from '../../../workspace/files.js';
import type { Git } from '../../../workspace/git.js';
import { get, isYMap, isYScalar, items, text } from '../yaml/tree.js';
import { loadYamlCached } from '../yaml/cache.js';

/**
 * Kustomize patches. An overlay's `kustomization.yaml` names files that patch the
 * resources of its bases (`patches: [{ path: ... }]`, `patchesStrategicMerge`,
 * `patchesJson6902`). A strategic-merge patch looks like a manifest but holds only what
 * it changes: read as a whole object it would be missing its security context, limits
 * and the rest, which come from the base (itself analysed). So in a patch only the
 * findings on a value the patch writes are kept (`privileged: true`, `image: app:latest`,
 * an entry `- SYS_ADMIN`); a finding about a setting the patch leaves out, which is
 * reported on a block's line, belongs to the base.
 */

const KUSTOMIZATION = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;

export function isKustomization(filePath: string): boolean {
  return KUSTOMIZATION.test(filePath);
}

/**
 * The files (scan-relative paths) that the kustomizations of the scan name as patches. In
 * a scan of staged files, the kustomizations of the index beside a staged YAML file are
 * read too, whether staged or not (a pre-commit hook that changes only a patch).
 */
export async function kustomizePatches(files: readonly WorkspaceFile[], git: Git | null, warn: (message: string) => void): Promise<Set<string>> {
  const sources: Array<{ path: string; text: string }> = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (!isKustomization(file.path)) continue;
    const source = await file.text();
    seen.add(file.path);
    if (source !== null) sources.push({ path: file.path, text: source });
  }
  const stagedDirs = [...new Set(files.filter((f) => f.fromIndex && /\.ya?ml$/i.test(f.path)).map((f) => path.posix.dirname(f.path)))];
  if (git && stagedDirs.length > 0) {
    try {
      const prefix = await git.prefix();
      const specs = stagedDirs.flatMap((dir) => ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => `:(literal)${dir === '.' ? '' : `${dir}/`}${name}`));
      for (let i = 0; i < specs.length; i += 96) {
        for (const listed of (await git.run(['ls-files', '-z', '--', ...specs.slice(i, i + 96)])).split('\0')) {
          if (listed === '' || seen.has(listed)) continue;
          seen.add(listed);
          sources.push({ path: listed, text: (await git.readStaged(prefix + listed)).toString('utf8') });
        }
      }
    } catch (error) {
      warn(`could not read the kustomizations of the index beside the staged files (staged patches are checked as whole manifests): ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const out = new Set<string>();
  for (const { path: at, text: source } of sources) {
    for (const patch of patchPaths(source)) {
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(at), patch));
      if (!resolved.startsWith('../') && resolved !== '..' && !path.posix.isAbsolute(resolved)) out.add(resolved);
    }
  }
  return out;
}

/** The patch files a kustomization names, as written (relative to its directory). */
export function patchPaths(source: string): string[] {
  const out: string[] = [];
  for (const document of loadYamlCached(source).documents) {
    const root = document.root;
    if (!isYMap(root)) continue;
    for (const entry of items(get(root, 'patchesStrategicMerge'))) {
      const value = text(entry);
      // An inline patch is YAML text, not a path.
      if (value !== undefined && !value.includes('\n')) out.push(value);
    }
    for (const key of ['patches', 'patchesJson6902']) {
      for (const entry of items(get(root, key))) {
        const value = isYMap(entry) ? get(entry, 'path') : undefined;
        if (isYScalar(value) && text(value)) out.push(text(value)!);
      }
    }
  }
  return out.filter((p) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(p));
}

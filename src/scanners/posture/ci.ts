import { childPipelines, includedPaths, localIncludes } from '../iac/gitlab/includes.js';
import { loadYaml, get, isYMap, isYScalar, isYSeq, items, text, type YNode } from '../iac/yaml/tree.js';
import type { Repo } from './rule.js';

export const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
export const GITLAB_CI = /^\.gitlab-ci\.ya?ml$/;
/** Local composite actions: the steps a workflow runs through `uses: ./.github/actions/x`. */
export const LOCAL_ACTION = /^\.github\/actions\/(?:[^/]+\/)*action\.ya?ml$/;
/** Other CI systems' configuration, read only for the names of the tools they run. */
export const OTHER_CI = /^(?:\.cirrus\.ya?ml|\.circleci\/config\.ya?ml|\.travis\.ya?ml|azure-pipelines\.ya?ml|\.azure-pipelines\/[^/]+\.ya?ml|Jenkinsfile|bitbucket-pipelines\.ya?ml|\.drone\.ya?ml|\.woodpecker\.ya?ml|\.woodpecker\/[^/]+\.ya?ml|\.buildkite\/[^/]+\.ya?ml|appveyor\.ya?ml|\.(?:gitea|forgejo)\/workflows\/[^/]+\.ya?ml)$/;
export const PRE_COMMIT = /^\.pre-commit-config\.ya?ml$/;

/** Paths the CI checks read (besides the GitLab files a pipeline includes, which the scanner adds). */
export function isCiFile(path: string): boolean {
  return WORKFLOW.test(path) || GITLAB_CI.test(path) || LOCAL_ACTION.test(path) || OTHER_CI.test(path) || PRE_COMMIT.test(path);
}

/** The GitLab CI files of the repository: .gitlab-ci.yml and the local files it includes or starts as child pipelines, transitively, that the repository view holds. */
export function gitlabCiFiles(repo: Repo): string[] {
  return [...gitlabCiFileRoles(repo).keys()].sort();
}

/** How a GitLab CI file is part of the CI: a pipeline's root file, a local file a pipeline includes, or a file of a child pipeline (started by `trigger: include:`, or included by such a file). */
export type GitlabFileRole = 'root' | 'include' | 'child';

/** gitlabCiFiles, each with its role; a file reached both ways is taken as the first walk step that reaches it says. */
export function gitlabCiFileRoles(repo: Repo): Map<string, GitlabFileRole> {
  const roots = [...repo.files.keys()].filter((p) => GITLAB_CI.test(p)).sort();
  const roles = new Map<string, GitlabFileRole>(roots.map((p) => [p, 'root']));
  const queue = [...roots];
  const known = [...repo.files.keys()];
  while (queue.length > 0) {
    const from = queue.shift()!;
    const source = repo.files.get(from);
    if (source === undefined) continue;
    const { includes, children } = safeIncludes(source);
    const reached: Array<[string[], GitlabFileRole]> = [[includes, roles.get(from) === 'child' ? 'child' : 'include'], [children, 'child']];
    for (const [paths, role] of reached) {
      for (const path of includedPaths(paths, known)) {
        if (!roles.has(path)) roles.set(path, role), queue.push(path);
      }
    }
  }
  return roles;
}

/** The local files a GitLab CI file includes, and those of the child pipelines its jobs start (`trigger: include:`), whose jobs run in CI too. */
function safeIncludes(source: string): { includes: string[]; children: string[] } {
  try {
    return { includes: localIncludes(source), children: childPipelines(source).flatMap((child) => child.paths) };
  } catch {
    return { includes: [], children: [] };
  }
}

const MAX_INCLUDED_FILES = 64;

/**
 * Adds to `files` the local files the GitLab pipeline includes (`include: local:`, wildcards
 * within one folder) or starts as child pipelines (`trigger: include:`), transitively: the walk hands the posture scanner only .gitlab-ci.yml,
 * and a pipeline often keeps its jobs in .gitlab/ci/*.yml. Read through the confined reader.
 */
export function addGitlabIncludes(
  files: Map<string, string>,
  read: (relative: string) => string | undefined,
  list: (relative: string) => string[],
  warn: (message: string) => void,
): void {
  const queue = [...files.keys()].filter((p) => GITLAB_CI.test(p));
  const seen = new Set(queue);
  let added = 0;
  while (queue.length > 0) {
    const source = files.get(queue.shift()!);
    if (source === undefined) continue;
    const { includes, children } = safeIncludes(source);
    for (const include of [...includes, ...children]) {
      let candidates = [include];
      if (/[*?[{]/.test(include)) {
        // A wildcard in the file name only (ci/*.yml): list that folder.
        const at = include.lastIndexOf('/');
        const dir = at < 0 ? '' : include.slice(0, at);
        if (/[*?[{]/.test(dir)) continue;
        candidates = [...includedPaths([include], list(dir || '.').map((name) => (dir ? `${dir}/${name}` : name)))].sort();
      }
      for (const path of candidates) {
        if (seen.has(path)) continue;
        seen.add(path);
        if (added >= MAX_INCLUDED_FILES) {
          warn(`the GitLab pipeline includes more than ${MAX_INCLUDED_FILES} local files: the others were not read for the CI scanning check`);
          return;
        }
        const text = files.get(path) ?? read(path);
        if (text === undefined) continue;
        files.set(path, text);
        added++;
        queue.push(path);
      }
    }
  }
}

/** What runs in CI but is defined elsewhere: reusable workflows of other repositories, GitLab project, remote and component includes. */
export function externalCi(repo: Repo, workflows: readonly string[], gitlab: readonly string[]): string[] {
  const out = new Set<string>();
  for (const path of workflows) {
    // Job-level uses: (a reusable workflow), at the indentation of a job's keys.
    for (const match of repo.files.get(path)!.matchAll(/^ {2,6}uses:\s*["']?([\w.-]+\/[\w.-]+\/\.github\/workflows\/[\w./-]+?)(?:@|["'\s]|$)/gm)) out.add(match[1]!);
  }
  for (const path of gitlab) {
    let root: YNode | null = null;
    try {
      root = loadYaml(repo.files.get(path)!).documents[0]?.root ?? null;
    } catch {
      continue;
    }
    const include = get(root, 'include');
    for (const entry of isYSeq(include) ? items(include) : include ? [include] : []) {
      if (isYScalar(entry)) {
        const value = text(entry);
        if (value && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) out.add(value);
      } else if (isYMap(entry)) {
        const project = text(get(entry, 'project'));
        const remote = text(get(entry, 'remote'));
        const component = text(get(entry, 'component'));
        if (project) out.add(project);
        else if (remote) out.add(remote);
        else if (component) out.add(component.replace(/^\$\{?CI_SERVER_(?:FQDN|HOST)\}?\//, ''));
      }
    }
  }
  return [...out];
}

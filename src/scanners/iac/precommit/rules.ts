import { rule, type IacRule, type PlatformRules } from '../rule.js';
import { loadYamlCached } from '../yaml/cache.js';
import { duplicateKeyMessage, get, isYMap, items, pair, text } from '../yaml/tree.js';

/**
 * `.pre-commit-config.yaml`: the hook repositories pre-commit clones and runs on every
 * developer's machine and in CI, with the developer's credentials at hand. Each remote
 * repository is fetched at `rev`; `local` and `meta` entries run nothing fetched.
 */
export interface HookRepo {
  url: string;
  urlLine: number;
  rev?: string;
  revLine?: number;
  /** The comment after `rev:` (`# frozen: v1.2.3`), if any. */
  revComment?: string;
}

export interface PreCommitConfig {
  repos: HookRepo[];
}

export function readPreCommit(source: string, warn: (line: number, message: string) => void): PreCommitConfig | undefined {
  const loaded = loadYamlCached(source);
  for (const problem of loaded.problems) warn(problem.line, problem.message);
  for (const duplicate of loaded.duplicates) warn(duplicate.line, duplicateKeyMessage(duplicate, 'pre-commit'));
  const root = loaded.documents[0]?.root;
  if (!isYMap(root)) return undefined;
  const lines = source.split('\n');
  const repos: HookRepo[] = [];
  for (const entry of items(get(root, 'repos'))) {
    if (!isYMap(entry)) continue;
    const url = pair(entry, 'repo');
    const value = text(url?.value);
    if (!url || value === undefined || value === 'local' || value === 'meta') continue;
    const rev = pair(entry, 'rev');
    const revText = text(rev?.value);
    const comment = rev ? /\s#\s*(.*)$/.exec(lines[rev.keyLine - 1] ?? '')?.[1]?.trim() : undefined;
    repos.push({ url: value, urlLine: url.keyLine, ...(revText !== undefined ? { rev: revText, revLine: rev!.keyLine } : {}), ...(comment ? { revComment: comment } : {}) });
  }
  return { repos };
}

type PreCommitRule = IacRule<PreCommitConfig>;
const preCommitRule = (definition: Omit<PreCommitRule, 'platform' | 'tags'>): PreCommitRule => rule({ ...definition, platform: 'pre-commit' });

const config = (repos: string) => `repos:\n${repos}`;

const insecureRepoUrl = preCommitRule({
  id: 'iac/precommit-insecure-repo-url',
  title: 'Hook repository fetched over an unencrypted protocol',
  description:
    'pre-commit clones the hook repository from an `http://` or `git://` address. Neither protocol is encrypted or authenticated, so anyone on the network path (a café Wi-Fi, a compromised router, a CI egress proxy) can serve other code, which then runs on the developer\'s machine or in CI with their credentials.',
  remediation: 'Use the `https://` address of the repository.',
  severity: 'high',
  cwe: ['CWE-319', 'CWE-494'],
  examples: {
    positive: [
      config('  # expect\n  - repo: http://github.com/pre-commit/pre-commit-hooks\n    rev: 2c9f875913ee60ca25ce70243dc24d5b6415598c # frozen: v4.6.0\n    hooks:\n      - id: check-yaml\n'),
      config('  # expect\n  - repo: git://git.example.org/hooks.git\n    rev: 0123456789abcdef0123456789abcdef01234567\n    hooks:\n      - id: lint\n'),
    ],
    negative: [config('  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: check-yaml\n  - repo: local\n    hooks:\n      - id: lint\n        name: lint\n        entry: make lint\n        language: system\n')],
  },
  *check(input) {
    for (const repo of input.repos) {
      const scheme = /^(https?|git):\/\//i.exec(repo.url)?.[1]?.toLowerCase();
      if (scheme === 'http' || scheme === 'git')
        yield { line: repo.urlLine, message: `The hook repository ${repo.url} is cloned over ${scheme}://, which is neither encrypted nor authenticated; use https://.`, resource: repo.url };
    }
  },
});

const FULL_SHA = /^[0-9a-f]{40}$/i;

const mutableRev = preCommitRule({
  id: 'iac/precommit-mutable-rev',
  title: 'Hook repository pinned to a tag or branch',
  description:
    'The hook repository is fetched at a tag or branch. Whoever controls the repository (its owner, or an attacker holding their token) can move it to other code, which the next `pre-commit install` or CI run executes. A commit SHA cannot be moved. A branch moves by design and is worse than a tag.',
  remediation: 'Pin `rev` to the full commit SHA, keeping the tag as a comment: `pre-commit autoupdate --freeze` writes `rev: <sha>  # frozen: v1.2.3`.',
  severity: 'low',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      config('  - repo: https://github.com/psf/black\n    # expect\n    rev: 24.4.2\n    hooks:\n      - id: black\n'),
      config('  - repo: https://github.com/example-org/hooks\n    # expect\n    rev: main\n    hooks:\n      - id: lint\n'),
    ],
    negative: [config('  - repo: https://github.com/psf/black\n    rev: 3702ba224ecffbcec30af640c149f231d90aebdb  # frozen: 24.4.2\n    hooks:\n      - id: black\n')],
  },
  *check(input) {
    for (const repo of input.repos) {
      if (repo.rev === undefined || repo.revLine === undefined || FULL_SHA.test(repo.rev)) continue;
      const branch = /^(?:main|master|trunk|develop|dev|head|latest|stable)$/i.test(repo.rev) || !/\d/.test(repo.rev);
      yield {
        line: repo.revLine,
        message: `${repo.url} is fetched at ${branch ? 'the branch' : 'the tag'} ${repo.rev}, which its owner can move to other code; pin the commit SHA (pre-commit autoupdate --freeze).`,
        resource: repo.url,
        ...(branch ? { severity: 'medium' as const } : {}),
      };
    }
  },
});

/** Hook repositories their owners archived, with what to use instead. */
const ARCHIVED_HOOK_REPOS: ReadonlyMap<string, string> = new Map([
  ['pre-commit/mirrors-prettier', 'prettier run as a `local` hook from your own package.json'],
  ['pre-commit/mirrors-eslint', 'eslint run as a `local` hook from your own package.json'],
]);

const archivedHookRepo = preCommitRule({
  id: 'iac/precommit-archived-hook-repo',
  title: 'Hook from an archived repository',
  description:
    'The hook repository is archived: read-only and unmaintained. The tool version it pins gets no fixes, and nothing replaces it when its dependencies turn out to be vulnerable.',
  remediation: 'Replace it with the maintained alternative named in the finding.',
  severity: 'low',
  cwe: ['CWE-1104'],
  examples: {
    positive: [config('  # expect\n  - repo: https://github.com/pre-commit/mirrors-prettier\n    rev: v4.0.0-alpha.8\n    hooks:\n      - id: prettier\n')],
    negative: [config('  - repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.10.0\n    hooks:\n      - id: mypy\n')],
  },
  *check(input) {
    for (const repo of input.repos) {
      const name = /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?github\.com\/([^/]+\/[^/]+?)(?:\.git)?\/?$/i.exec(repo.url)?.[1]?.toLowerCase();
      const instead = name ? ARCHIVED_HOOK_REPOS.get(name) : undefined;
      if (instead) yield { line: repo.urlLine, message: `${name} is an archived repository that gets no fixes; use ${instead}.`, resource: repo.url };
    }
  },
});

export const preCommitPlatform: PlatformRules<PreCommitConfig> = {
  platform: 'pre-commit',
  parse: readPreCommit,
  rules: [insecureRepoUrl, mutableRev, archivedHookRepo],
};

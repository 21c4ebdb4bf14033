import { isYMap, isYScalar, items, pair, type YMap } from '../iac/yaml/tree.js';
import { yamlRoot, type PostureHit, type PostureRule, type Repo } from './rule.js';

const DEPENDABOT = /^\.github\/dependabot\.ya?ml$/;

/** Every `updates:` entry of each Dependabot configuration, with its file. */
function* updateEntries(repo: Repo): Generator<{ path: string; entry: YMap }> {
  for (const path of [...repo.files.keys()].filter((p) => DEPENDABOT.test(p)).sort()) {
    const root = yamlRoot(repo.files.get(path)!);
    for (const entry of items(pair(root, 'updates')?.value)) if (isYMap(entry)) yield { path, entry };
  }
}

function ecosystemOf(entry: YMap): string {
  const value = pair(entry, 'package-ecosystem')?.value;
  return isYScalar(value) ? String(value.value) : 'an ecosystem';
}

export const dependabotExecution: PostureRule = {
  id: 'posture/dependabot-external-code-execution',
  title: 'Dependabot may run code from the dependencies it updates',
  description:
    '`insecure-external-code-execution: allow` lets Dependabot run code from manifests while it updates them (setup.py, Gradle and Bundler scripts, for example), with the credentials of the private registries it is configured with. A malicious or compromised dependency then runs with those credentials.',
  remediation: 'Remove `insecure-external-code-execution: allow` (the default is deny); if an ecosystem needs it, give that update entry no registry credentials.',
  severity: 'low',
  cwe: ['CWE-829'],
  tags: ['posture', 'dependabot'],
  examples: {
    positive: [
      {
        files: {
          '.github/dependabot.yml':
            'version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n    insecure-external-code-execution: allow\n',
        },
      },
    ],
    negative: [
      { files: { '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n' } },
      {
        files: {
          '.github/dependabot.yml':
            'version: 2\nupdates:\n  - package-ecosystem: bundler\n    directory: /\n    schedule:\n      interval: weekly\n    insecure-external-code-execution: deny\n',
        },
      },
    ],
  },
  *check(repo) {
    for (const { path, entry } of updateEntries(repo)) {
      const setting = pair(entry, 'insecure-external-code-execution');
      if (setting && isYScalar(setting.value) && String(setting.value.value) === 'allow') {
        yield { path, line: setting.keyLine, message: `Dependabot updates for ${ecosystemOf(entry)} may run code from the manifests they update.` };
      }
    }
  },
};

export const dependabotCooldown: PostureRule = {
  id: 'posture/dependabot-no-cooldown',
  title: 'Dependabot proposes new releases on the day they appear',
  description:
    'An update entry has no `cooldown:` (or one that leaves some releases without a delay: no `default-days` and not every `semver-*-days`, or zero days), so Dependabot opens pull requests for a release as soon as it is published. Malicious releases of popular packages are usually found and pulled within days; a cooldown of a few days keeps them out of the pull requests a team is used to merging. Security updates are not delayed by a cooldown.',
  remediation: 'Add `cooldown: { default-days: 7 }` (or a value that fits the team) to each update entry.',
  severity: 'info',
  cwe: ['CWE-1357'],
  tags: ['posture', 'dependabot'],
  examples: {
    positive: [
      { files: { '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: daily\n' } },
      { files: { '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: daily\n    cooldown:\n      semver-major-days: 14\n' } },
    ],
    negative: [
      {
        files: {
          '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: daily\n    cooldown:\n      default-days: 7\n',
        },
      },
      {
        files: {
          '.github/dependabot.yml':
            'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: daily\n    cooldown:\n      semver-major-days: 14\n      semver-minor-days: 7\n      semver-patch-days: 3\n',
        },
      },
    ],
  },
  *check(repo): Generator<PostureHit> {
    for (const { path, entry } of updateEntries(repo)) {
      const cooldown = pair(entry, 'cooldown');
      if (!cooldown) {
        const ecosystem = pair(entry, 'package-ecosystem');
        yield { path, line: ecosystem?.keyLine ?? 1, message: `Dependabot updates for ${ecosystemOf(entry)} have no cooldown.` };
        continue;
      }
      const days = (key: string) => {
        const value = pair(cooldown.value, key)?.value;
        return isYScalar(value) ? Number(value.value) : undefined;
      };
      const byDefault = days('default-days');
      const perLevel = ['semver-major-days', 'semver-minor-days', 'semver-patch-days'].map(days);
      const covered = byDefault !== undefined ? byDefault > 0 : perLevel.every((d) => d !== undefined && d > 0);
      // A value that is not a number is Dependabot's to reject; only a readable gap is reported.
      if (!covered && [byDefault, ...perLevel].every((d) => d === undefined || Number.isFinite(d)))
        yield { path, line: cooldown.keyLine, message: `Dependabot's cooldown for ${ecosystemOf(entry)} leaves some releases without a delay (no default-days, or zero days).` };
    }
  },
};


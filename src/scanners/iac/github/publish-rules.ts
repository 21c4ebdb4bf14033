import { detailNote, inside, type Hit } from '../rule.js';
import { isSecretName } from '../secret-names.js';
import { basename, commandsOf, effectiveWords } from '../shell.js';
import { get, isYMap, isYScalar, pair, text, type YMap } from '../yaml/tree.js';
import { envScopes, expressions, isAction, lineOfOffset, stepLabel, withValue, type Job, type Step, type Workflow } from './model.js';
import { workflow, workflowRule } from './rule-kit.js';
import { releaseItOption, releaseToolRun } from './release-tools.js';
import { stepWordValue } from './word-values.js';

/**
 * Publishing to a registry that accepts trusted publishing (PyPI, npm, RubyGems, the
 * Rust crate registry, NuGet, the Dart package registry) with a stored, long-lived
 * token. Trusted publishing trades the token for a short-lived one minted from the
 * job's OIDC identity, which needs `id-token: write`; without that permission a
 * publish step can only be using a stored credential.
 */

/** Whether the job's token may request an OIDC identity (`id-token: write`, or `write-all`). */
export function canRequestIdToken(wf: Workflow, job: Job): boolean {
  const permissions = pair(job.node, 'permissions') ?? pair(wf.root, 'permissions');
  if (!permissions) return false; // id-token is `none` in both default token settings
  if (isYScalar(permissions.value)) return text(permissions.value) === 'write-all';
  return isYMap(permissions.value) && text(get(permissions.value, 'id-token')) === 'write';
}

/** Runners whose first words only start the real command: `bundle exec gem push`, `python -m twine upload`. */
function unwrap(words: string[]): string[] {
  let rest = words;
  for (let guard = 0; guard < 4 && rest.length > 0; guard++) {
    const program = basename(rest[0]!).toLowerCase();
    const next = rest[1]?.toLowerCase();
    if ((program === 'bundle' || program === 'poetry' || program === 'uv' || program === 'pdm' || program === 'hatch' || program === 'pipx') && (next === 'exec' || next === 'run')) rest = rest.slice(2);
    else if (program === 'npx' || program === 'bunx' || program === 'uvx' || program === 'pnpx') rest = rest.slice(1).filter((w, i) => i > 0 || !w.startsWith('-'));
    else if (/^(?:python[\d.]*|py)(?:\.exe)?$/.test(program) && next === '-m') rest = rest.slice(2);
    else break;
  }
  // `twine==6.1.0`, `npm@11`: the tool with a version.
  return rest.length > 0 ? [basename(rest[0]!).toLowerCase().replace(/(?:==|@).*$/, ''), ...rest.slice(1)] : rest;
}

/** Options naming another registry (a private index, GitHub Packages), which may not offer trusted publishing. */
const OTHER_REGISTRY = new Set(['--registry', '--repository-url', '--publish-url', '--index', '--index-url', '--host']);
/** Named twine and poetry repositories that are the public index or its test instance. */
const PUBLIC_REPOSITORY_NAMES = new Set(['pypi', 'testpypi']);

function namesOtherRegistry(tool: string, args: string[]): boolean {
  return args.some((arg, i) => {
    const [option, inline] = arg.split('=', 2) as [string, string | undefined];
    if (OTHER_REGISTRY.has(option)) return true;
    // twine and poetry name a repository from their config; `-r` means something else to pnpm.
    if ((tool === 'twine' || tool === 'poetry') && (option === '-r' || option === '--repository')) {
      const name = inline ?? args[i + 1];
      return name !== undefined && !PUBLIC_REPOSITORY_NAMES.has(name.toLowerCase());
    }
    return false;
  });
}

/** The ecosystem a command publishes to, if it is a publish command of a trusted-publishing registry. */
export function publishCommand(words: string[]): string | undefined {
  const [tool, ...args] = unwrap(words);
  if (!tool || args.includes('--dry-run') || namesOtherRegistry(tool, args)) return undefined;
  const subcommands = args.filter((a) => !a.startsWith('-'));
  const runsScript = ['run', 'run-script', 'exec', 'x', 'dlx', 'config'].includes(subcommands[0] ?? '');
  switch (tool) {
    case 'npm':
    case 'pnpm':
    case 'bun':
      return subcommands.includes('publish') && !runsScript ? 'npm' : undefined;
    case 'yarn':
      return (subcommands[0] === 'publish' || (subcommands[0] === 'npm' && subcommands[1] === 'publish')) && !args.includes('-n') ? 'npm' : undefined;
    case 'twine':
      return subcommands[0] === 'upload' ? 'PyPI' : undefined;
    case 'uv':
    case 'poetry':
    case 'hatch':
    case 'pdm':
    case 'flit':
      return subcommands[0] === 'publish' ? 'PyPI' : undefined;
    case 'gem':
      return subcommands[0] === 'push' ? 'RubyGems' : undefined;
    case 'cargo':
      return subcommands[0] === 'publish' && !args.includes('-n') ? 'the Rust crate registry' : undefined;
    case 'nuget':
    case 'nuget.exe':
      return subcommands[0] === 'push' ? 'NuGet' : undefined;
    case 'dotnet':
      return subcommands[0] === 'nuget' && subcommands[1] === 'push' ? 'NuGet' : undefined;
    case 'dart':
    case 'flutter':
      return subcommands[0] === 'pub' && subcommands[1] === 'publish' ? 'the Dart package registry' : undefined;
    default:
      return undefined;
  }
}

const GITHUB_TOKEN = /\bsecrets\.GITHUB_TOKEN\b|\bgithub\.token\b|\$\{?GITHUB_TOKEN\b/i;

/**
 * Where the credentials of a step come from: secret-named env variables in scope and the
 * command itself. Only the GITHUB_TOKEN (GitHub Packages) means no long-lived token.
 */
function onlyGithubToken(wf: Workflow, step: Step, commandText: string): boolean {
  const sources = envScopes(wf, step)
    .flatMap((scope: YMap) => scope.pairs)
    .filter((p) => isSecretName(p.key))
    .map((p) => text(p.value) ?? '');
  sources.push(...expressions(commandText).map((e) => e.raw), ...(/\$\{?GITHUB_TOKEN\b/.test(commandText) ? ['$GITHUB_TOKEN'] : []));
  const credentials = sources.filter((s) => /\bsecrets\b|\bgithub\.token\b|\binputs\.|\$\{?GITHUB_TOKEN\b/i.test(s));
  return credentials.length > 0 && credentials.every((s) => GITHUB_TOKEN.test(s));
}

/** The variables npm's publishing takes a token from: semantic-release's npm plugin reads NPM_TOKEN, the .npmrc of actions/setup-node NODE_AUTH_TOKEN. */
const NPM_TOKEN_VARIABLES = new Set(['NPM_TOKEN', 'NODE_AUTH_TOKEN']);

/** Whether the step's env (its own, its job's or the workflow's) gives npm a token from a secret or an input other than the GITHUB_TOKEN. */
function givesNpmToken(wf: Workflow, step: Step): boolean {
  return envScopes(wf, step).some((scope) =>
    scope.pairs.some((p) => {
      const value = text(p.value) ?? '';
      return NPM_TOKEN_VARIABLES.has(p.key) && /\$\{\{[\s\S]*\b(?:secrets|inputs)\./.test(value) && !GITHUB_TOKEN.test(value);
    }),
  );
}

/**
 * Whether a command runs a release tool that publishes to npm (semantic-release, release-it:
 * not a rehearsal, nor release-it with `--no-npm.publish`) with a token the step's env gives npm:
 * without that token the tool may publish nowhere but a GitHub release.
 */
function releaseToolPublishesToNpm(wf: Workflow, step: Step, words: readonly string[]): boolean {
  const run = releaseToolRun(words, stepWordValue(wf, step));
  if (!run || (run.tool === 'release-it' && releaseItOption(run.args, 'npm', 'publish') === false)) return false;
  return givesNpmToken(wf, step);
}

/** In a composite action the caller's permissions are unknown: only a token passed in the step's env shows a stored credential. */
function passesToken(wf: Workflow, step: Step): boolean {
  return envScopes(wf, step).some((scope) => scope.pairs.some((p) => isSecretName(p.key) && /\$\{\{/.test(text(p.value) ?? '')));
}

interface ActionCredential {
  action: string;
  /** The input holding a stored credential, or turning trusted publishing off, and where. */
  find(step: Step): { line: number; what: string } | undefined;
  registry: string;
}

const ACTION_CREDENTIALS: readonly ActionCredential[] = [
  {
    action: 'pypa/gh-action-pypi-publish',
    registry: 'PyPI',
    find(step) {
      // A repository URL other than the default may be a private index; the action's default is the public one.
      if (withValue(step, 'repository-url') || withValue(step, 'repository_url')) return undefined;
      const password = withValue(step, 'password');
      return password && password.value.trim() !== '' ? { line: password.line, what: 'passes an API token as password' } : undefined;
    },
  },
  {
    action: 'rubygems/release-gem',
    registry: 'RubyGems',
    find(step) {
      const setup = withValue(step, 'setup-trusted-publisher');
      return setup && setup.value.trim() === 'false' ? { line: setup.line, what: 'turns trusted publishing off (setup-trusted-publisher: false)' } : undefined;
    },
  },
  {
    action: 'rubygems/configure-rubygems-credentials',
    registry: 'RubyGems',
    find(step) {
      if (withValue(step, 'gem-server')) return undefined;
      const token = withValue(step, 'api-token');
      return token ? { line: token.line, what: 'configures an API token (api-token)' } : undefined;
    },
  },
];

export const longLivedPublishToken = workflowRule({
  id: 'iac/gha-publish-with-long-lived-token',
  title: 'Package published with a long-lived token instead of trusted publishing',
  description:
    "A job publishes to a registry that supports trusted publishing (PyPI, npm, RubyGems, the Rust crate registry, NuGet, the Dart package registry) with a stored API token: the job cannot request an OIDC identity (no `id-token: write`), or a publishing action is given a password or token. A release tool that publishes to npm counts where the step's env (its own, its job's or the workflow's) gives npm a token from a secret (NPM_TOKEN, NODE_AUTH_TOKEN): semantic-release (`npx semantic-release`, cycjimmy/semantic-release-action) and release-it, not as a dry run nor release-it with `--no-npm.publish`. A stored token lives until someone revokes it, usually can publish every package of its owner, and leaks with any compromised step, log or cache; a trusted-publishing token is minted for one run of this workflow and expires within minutes.",
  remediation:
    "Register this workflow as a trusted publisher on the registry, grant `id-token: write` to the publishing job only, drop the token input or env variable (pypa/gh-action-pypi-publish and rubygems/release-gem then use OIDC on their own; the Rust crate registry and NuGet have login actions that exchange the identity for a short-lived key), and revoke the old token.",
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      workflow('      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4\n        with:\n          # expect\n          password: ${{ secrets.PYPI_API_TOKEN }}\n'),
      workflow('      - run: npm ci\n      # expect\n      - run: |\n          npm run build\n          # detail\n          npm publish --access public\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n'),
      workflow('      # expect\n      - run: |\n          python -m build\n          # detail\n          python -m \\\n            twine upload dist/*\n        env:\n          TWINE_PASSWORD: ${{ secrets.UPLOAD_TOKEN }}\n'),
      workflow('      # expect\n      - run: bundle exec gem push pkg/example-1.0.0.gem\n      # expect\n      - run: cargo publish --locked\n      # expect\n      - run: dotnet nuget push out/*.nupkg --api-key "$KEY" --source https://example.org/v3/index.json\n        env:\n          KEY: ${{ secrets.NUGET_KEY }}\n'),
      workflow('      - uses: rubygems/release-gem@a25424ba2ba8b387abc8ef40807c2c85b96cbe32 # v1.1.1\n        with:\n          # expect\n          setup-trusted-publisher: false\n'),
      // Release tools that publish to npm, given an npm token: semantic-release (its command or its action) and release-it.
      workflow('      # expect\n      - run: npx semantic-release@24\n        env:\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n      # expect\n      - run: pnpm exec release-it --ci\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n      # expect\n      - uses: cycjimmy/semantic-release-action@16ca923e6ccbb50770c415a0ccd43709a8c5f7a4 # v4.2.2\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n'),
      'name: publish\ndescription: composite action\ninputs:\n  token:\n    required: true\nruns:\n  using: composite\n  steps:\n    # expect\n    - run: npm publish\n      shell: bash\n      env:\n        NODE_AUTH_TOKEN: ${{ inputs.token }}\n',
    ],
    negative: [
      // Trusted publishing: the job may request an OIDC identity and passes no token.
      workflow('      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4\n      - run: npm publish --provenance\n', 'push', 'permissions:\n  contents: read\n  id-token: write\n'),
      // GitHub Packages takes the GITHUB_TOKEN, which expires with the job.
      workflow('      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n'),
      // A private registry, named on the command line; a dry run; a script that merely mentions publishing.
      workflow('      - run: npm publish --registry https://example.org/npm/\n      - run: cargo publish --dry-run\n      - run: npm run publish-docs\n      - run: echo "twine upload happens in the release job"\n'),
      // Release tools given no npm token (a GitHub release only), a rehearsal, release-it with npm publishing off, and a job with trusted publishing.
      workflow('      - run: npx semantic-release\n        env:\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n      - run: npx semantic-release --dry-run\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - run: npx release-it --ci --no-npm.publish\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - run: npm install -D semantic-release\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - uses: cycjimmy/semantic-release-action@16ca923e6ccbb50770c415a0ccd43709a8c5f7a4 # v4.2.2\n        with:\n          dry_run: true\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n'),
      workflow('      - run: npx semantic-release\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - uses: cycjimmy/semantic-release-action@16ca923e6ccbb50770c415a0ccd43709a8c5f7a4 # v4.2.2\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n', 'push', 'permissions:\n  contents: write\n  id-token: write\n'),
      workflow('      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4\n        with:\n          repository-url: https://example.org/simple/\n          password: ${{ secrets.INTERNAL_INDEX_TOKEN }}\n'),
    ],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      const oidc = !wf.composite && canRequestIdToken(wf, job);
      for (const step of job.steps) {
        for (const known of ACTION_CREDENTIALS) {
          if (!isAction(step, known.action)) continue;
          const found = known.find(step);
          if (found) yield { line: found.line, message: `${stepLabel(step)} ${found.what} to publish to ${known.registry}, which supports trusted publishing.`, resource: stepLabel(step) } satisfies Hit;
        }
        // semantic-release's action publishes to npm as the command does.
        if (!oidc && !wf.composite && isAction(step, 'cycjimmy/semantic-release-action') && withValue(step, 'dry_run')?.value.trim() !== 'true' && givesNpmToken(wf, step))
          yield { line: step.line, message: `${stepLabel(step)} runs semantic-release, which publishes to npm with a stored token (the job has no id-token: write); use trusted publishing.`, resource: stepLabel(step) } satisfies Hit;
        if (oidc || !step.run || typeof step.run.value !== 'string') continue;
        if (wf.composite && !passesToken(wf, step)) continue;
        const script = step.run.value;
        for (const command of commandsOf(script)) {
          const words = effectiveWords(command);
          const registry = publishCommand(words.map((w) => w.text)) ?? (releaseToolPublishesToNpm(wf, step, words.map((w) => w.text)) ? 'npm' : undefined);
          if (!registry) continue;
          const end = script.indexOf('\n', words[words.length - 1]!.offset);
          const commandText = script.slice(command.offset, end < 0 ? undefined : end);
          if (onlyGithubToken(wf, step, commandText)) continue;
          const at = inside(step.runLine!, lineOfOffset(wf, step.run, words[0]!.offset, step.runLine!));
          yield {
            ...at,
            message: `${stepLabel(step)} publishes to ${registry}${detailNote(at)} with a stored token${wf.composite ? '' : ' (the job has no id-token: write)'}; use trusted publishing.`,
            resource: stepLabel(step),
          };
        }
      }
    }
  },
});

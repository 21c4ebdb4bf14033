import { pinProblem } from '../image.js';
import { detailNote, inside, type Hit } from '../rule.js';
import { basename, commandsOf, effectiveWords, joinContinuations } from '../shell.js';
import { bodyWithArguments } from '../shell-functions.js';
import { checkOutputs, isReportPath, uploadsToBucket } from '../bucket-uploads.js';
import { inScript, lineAtOffset } from '../script-checks.js';
import { get, isYMap, isYScalar, items, pair, text, type YMap, type YNode } from '../yaml/tree.js';
import { isAction, jobLabel, lineOfOffset, parseUses, runShell, stepLabel, withValue, type Job, type Step, type Workflow } from './model.js';
import { evaluate, inputIsOn, parseExpression, type EventFacts } from './expression.js';
import { workflow, workflowRule } from './rule-kit.js';
import { neededJobs } from './flow.js';
import { stepScripts, type ScriptShell } from './step-scripts.js';
import { RELEASE_TOOL_NAME, releaseItOption, releaseToolRun, type ReleaseTool, type WordValue } from './release-tools.js';
import { stepWordValue } from './word-values.js';

/**
 * Actions that restore a cache, and the input that turns it on or off. Without `toggle`
 * the action always restores. An `opt-in` input enables caching when set to a value
 * other than false (or, with `byDefault`, unless set to false; with `since` too, from that
 * major version of the action on, and in a version not known); an `opt-out` input
 * (lookup-only, cache-disabled) disables it when true. `needs` names an input without
 * which the action caches nothing: setup-buildx-action only downloads, and caches, buildx
 * when a version is given.
 */
interface CacheAction {
  action: string;
  toggle?: { input: string; kind: 'opt-in' | 'opt-out'; byDefault?: boolean; since?: number; values?: RegExp };
  needs?: string;
}

const CACHE_ACTIONS: readonly CacheAction[] = [
  { action: 'actions/cache', toggle: { input: 'lookup-only', kind: 'opt-out' } },
  { action: 'actions/cache/restore', toggle: { input: 'lookup-only', kind: 'opt-out' } },
  { action: 'swatinem/rust-cache', toggle: { input: 'lookup-only', kind: 'opt-out' } },
  // setup-go caches by default from v4, setup-uv (on GitHub-hosted runners) from v5.
  { action: 'actions/setup-go', toggle: { input: 'cache', kind: 'opt-in', byDefault: true, since: 4 } },
  { action: 'astral-sh/setup-uv', toggle: { input: 'enable-cache', kind: 'opt-in', byDefault: true, since: 5 } },
  { action: 'actions/setup-node', toggle: { input: 'cache', kind: 'opt-in' } },
  { action: 'actions/setup-python', toggle: { input: 'cache', kind: 'opt-in' } },
  { action: 'actions/setup-java', toggle: { input: 'cache', kind: 'opt-in' } },
  { action: 'actions/setup-dotnet', toggle: { input: 'cache', kind: 'opt-in' } },
  { action: 'graalvm/setup-graalvm', toggle: { input: 'cache', kind: 'opt-in' } },
  { action: 'ruby/setup-ruby', toggle: { input: 'bundler-cache', kind: 'opt-in' } },
  { action: 'pyo3/maturin-action', toggle: { input: 'sccache', kind: 'opt-in' } },
  { action: 'actions-rust-lang/setup-rust-toolchain', toggle: { input: 'cache', kind: 'opt-in', byDefault: true } },
  { action: 'jdx/mise-action', toggle: { input: 'cache', kind: 'opt-in', byDefault: true } },
  { action: 'mlugg/setup-zig', toggle: { input: 'use-cache', kind: 'opt-in', byDefault: true } },
  { action: 'oven-sh/setup-bun', toggle: { input: 'no-cache', kind: 'opt-out' } },
  { action: 'ramsey/composer-install', toggle: { input: 'ignore-cache', kind: 'opt-out' } },
  { action: 'nix-community/cache-nix-action' },
  { action: 'determinatesystems/magic-nix-cache-action', toggle: { input: 'use-gha-cache', kind: 'opt-in', byDefault: true } },
  { action: 'awalsh128/cache-apt-pkgs-action' },
  { action: 'docker/setup-buildx-action', toggle: { input: 'cache-binary', kind: 'opt-in', byDefault: true }, needs: 'version' },
  { action: 'gradle/actions/setup-gradle', toggle: { input: 'cache-disabled', kind: 'opt-out' } },
  { action: 'gradle/gradle-build-action', toggle: { input: 'cache-disabled', kind: 'opt-out' } },
  { action: 'docker/build-push-action', toggle: { input: 'cache-from', kind: 'opt-in', values: /type=gha/ } },
];

/** How many local composite actions deep a cache or publishing step is looked for (an action that uses another). */
const MAX_ACTION_DEPTH = 3;

/** Actions that publish a release, a package or an image, or deploy what the job built. */
const PUBLISH_ACTIONS = [
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'svenstaro/upload-release-action',
  'pypa/gh-action-pypi-publish',
  'goreleaser/goreleaser-action',
  'jreleaser/release-action',
  'js-devtools/npm-publish',
  'rubygems/release-gem',
  'redhat-actions/push-to-registry',
  'aws-actions/amazon-ecs-deploy-task-definition',
  'azure/functions-action',
  'azure/webapps-deploy',
  'cloudflare/wrangler-action',
  'google-github-actions/deploy-cloudrun',
  'google-github-actions/deploy-appengine',
  'google-github-actions/deploy-cloud-functions',
];

/** Actions that copy a folder of the runner to cloud storage, by the input that names it: they publish unless what they copy is reports. */
const STORAGE_UPLOAD_ACTIONS: Readonly<Record<string, string>> = {
  'bacongobbler/azure-blob-storage-upload': 'source_dir',
  'google-github-actions/upload-cloud-storage': 'path',
};

const PUBLISH_COMMAND = /\b(?:npm|pnpm|yarn|bun)\s+publish\b|\bchangeset\s+publish\b|\blerna\s+publish\b|\bcargo\s+publish\b|\btwine\s+upload\b|\bgem\s+push\b|\bnuget\s+push\b|\bdocker\s+(?:image\s+)?push\b|\bdocker\s+buildx\s+(?:build|bake)\b.*\s--push\b|\bdocker\s+buildx\s+imagetools\s+create\b|\bgh\s+release\s+(?:create|upload)\b|\b(?:poetry|uv|hatch|flit)\s+publish\b|\bgoreleaser\s+release\b/;

/**
 * GoReleaser arguments that publish nothing: `check`, `build`, `healthcheck`... and a
 * `release` with --snapshot or with publishing skipped. Its default (no arguments) releases.
 */
const GORELEASER_NO_PUBLISH = /^\s*(?:check|build|healthcheck|init|completion|jsonschema|man|changelog)\b|--snapshot\b|--skip[= ][\w,-]*\bpublish\b|--skip-publish\b/;

/** `cargo publish --dry-run`, `npm publish --dry-run`, `uv publish --dry-run`: a rehearsal that uploads nothing. */
const DRY_RUN = /(?:^|\s)--dry-run(?:[=\s]|$)/;

/**
 * The Python package index's test instance (TestPyPI), named by URL or by the repository name
 * twine, poetry and uv give it: an upload there rehearses a release (or tests an uploader) and
 * ships nothing that users install.
 */
const TEST_INDEX_URL = /^\s*["']?https?:\/\/test\.pypi\.org\//i;
const TEST_INDEX = /(?:^|\s)(?:(?:-r|--repository|--index)(?:=|\s+)["']?testpypi\b|(?:--repository-url|--publish-url)(?:=|\s+)["']?https?:\/\/test\.pypi\.org\/)/i;

/** Whether every publishing command of a line uploads to TestPyPI. */
function uploadsToTestIndexOnly(line: string): boolean {
  if (!TEST_INDEX.test(line)) return false;
  const publishing = commandsOf(line)
    .map((command) => effectiveWords(command).map((w) => w.text).join(' '))
    .filter((command) => PUBLISH_COMMAND.test(command));
  return publishing.length > 0 && publishing.every((command) => TEST_INDEX.test(command));
}

/** Options of `gh release create` that take the next word as their value. */
const GH_RELEASE_VALUE_OPTION = /^(?:-[tnFR]|--(?:title|notes|notes-file|target|repo|discussion-category|notes-start-tag))$/;

/**
 * Whether the only publication on a line is `gh release create TAG` with options alone: a
 * release of notes (a draft, often) with no file of the runner in it, so nothing a cache
 * could have changed. Another word may be a file; an array expansion (`"${args[@]}"`) or
 * a run through xargs may hold files, and counts as publishing.
 */
function createsReleaseWithoutFiles(line: string): boolean {
  if (PUBLISH_COMMAND.test(line.replace(/\bgh\s+release\s+create\b/g, ''))) return false;
  const creates = commandsOf(line)
    .map((command) => effectiveWords(command).map((w) => w.text))
    .filter((words) => basename(words[0] ?? '') === 'gh' && words[1] === 'release' && words[2] === 'create');
  if (creates.length === 0) return false;
  return creates.every((words) => {
    let positional = 0;
    for (let i = 3; i < words.length; i++) {
      const word = words[i]!;
      if (/\$(?:@|\{[^}]*\[[@*]\])/.test(word)) return false;
      if (!word.startsWith('-')) positional++;
      else if (!word.includes('=') && GH_RELEASE_VALUE_OPTION.test(word)) i++;
    }
    return positional <= 1;
  });
}

/**
 * Whether a step publishes: one of PUBLISH_ACTIONS, a publishing command, a copy to a
 * bucket; or a local composite action of the scan (`uses: ./.github/actions/release`) one
 * of whose steps does, or an action of the scan it uses in turn.
 */
function publishes(wf: Workflow, step: Step, depth = 0): boolean {
  const action = depth < MAX_ACTION_DEPTH && step.uses ? wf.callers?.localAction?.(wf, step) : undefined;
  if (action) return action.jobs.some((job) => job.steps.some((s) => publishes(action, s, depth + 1)));
  // With install-only, the action puts goreleaser on the PATH and runs nothing.
  if (isAction(step, 'goreleaser/goreleaser-action')) return withValue(step, 'install-only')?.value.trim() !== 'true' && !GORELEASER_NO_PUBLISH.test(withValue(step, 'args')?.value ?? '');
  if (isAction(step, 'pypa/gh-action-pypi-publish')) return !TEST_INDEX_URL.test(withValue(step, 'repository-url')?.value ?? withValue(step, 'repository_url')?.value ?? '');
  if (PUBLISH_ACTIONS.some((a) => isAction(step, a))) return true;
  const storage = Object.keys(STORAGE_UPLOAD_ACTIONS).find((a) => isAction(step, a));
  if (storage) return !isReportPath(withValue(step, STORAGE_UPLOAD_ACTIONS[storage]!)?.value ?? '');
  // changesets/action opens the version pull request, and runs its `publish` command once no changeset is left.
  if (isAction(step, 'changesets/action')) return (withValue(step, 'publish')?.value.trim() ?? '') !== '';
  // push: true, or an image output pushed by itself (outputs: type=image,push-by-digest=true,push=true).
  if (isAction(step, 'docker/build-push-action') || isAction(step, 'docker/bake-action'))
    return withValue(step, 'push')?.value.trim() === 'true' || /(?:^|[\s,])push=true\b/.test(withValue(step, 'outputs')?.value ?? '') || /(?:^|\s)\S*\.output=[^\n]*\bpush=true\b/.test(withValue(step, 'set')?.value ?? '');
  // semantic-release-action runs semantic-release, which publishes unless dry_run is on.
  if (isAction(step, 'cycjimmy/semantic-release-action')) return withValue(step, 'dry_run')?.value.trim() !== 'true';
  if (step.run === undefined || typeof step.run.value !== 'string') return false;
  // The reports and pointers the job's scripts write, read only for a line that copies to a bucket.
  let reports: Set<string> | undefined;
  const jobReports = () => (reports ??= checkOutputs(step.job.steps.flatMap((s) => (typeof s.run?.value === 'string' ? [s.run.value] : []))));
  // The package.json scripts a line runs (`npm run release`) are those of the repository's root, where the step starts.
  const root = runShell(wf, step).cwd === '' ? repositoryRootOf(wf) : undefined;
  // The local scripts the step sources (their functions callable from the step) or runs (each a shell of its own).
  const { sourced, run } = stepScripts(wf, step);
  const shellPublishes = (shell: ScriptShell) => shell.commands.some((text) => scriptPublishes(text, jobReports, undefined, 0, shell.functions));
  return scriptPublishes(step.run.value, jobReports, root, 0, sourced.functions, stepWordValue(wf, step)) || shellPublishes(sourced) || run.some(shellPublishes);
}

/** What a script run at the repository's root reads there: the package.json's scripts, and release-it's configuration (read when release-it runs). */
interface RepositoryRoot {
  scripts: Readonly<Record<string, string>> | undefined;
  releaseIt: () => ReleaseItConfig;
}

function repositoryRootOf(wf: Workflow): RepositoryRoot {
  const manifest = wf.callers?.packageJson?.(wf);
  let config: ReleaseItConfig | undefined;
  return { scripts: packageScripts(manifest), releaseIt: () => (config ??= releaseItConfig(wf, manifest)) };
}

/** What release-it's configuration turns on, where the repository's files say (undefined: not known, as for a configuration in code). */
interface ReleaseItConfig {
  npm?: boolean;
  github?: boolean;
  gitlab?: boolean;
}

/** release-it's configuration files that are not JSON: one of them present, what it sets is not known. */
const RELEASE_IT_CODE_CONFIGS = ['.release-it.js', '.release-it.cjs', '.release-it.mjs', '.release-it.ts', '.release-it.yaml', '.release-it.yml', '.release-it.toml'];

/**
 * release-it's configuration at the repository's root: `.release-it.json`, else the `release-it`
 * key of package.json (whose `private: true`, or absence, also keeps release-it from publishing to npm).
 * Its defaults are npm.publish on and github.release and gitlab.release off.
 */
function releaseItConfig(wf: Workflow, manifest: Record<string, unknown> | null | undefined): ReleaseItConfig {
  const read = (path: string) => wf.callers?.repositoryFile?.(wf, path);
  if (manifest === undefined || RELEASE_IT_CODE_CONFIGS.some((path) => read(path) !== undefined)) return {};
  let config: unknown = manifest?.['release-it'];
  const file = read('.release-it.json');
  if (file !== undefined) {
    try {
      config = JSON.parse(file);
    } catch {
      return {};
    }
  }
  if (config !== undefined && (config === null || typeof config !== 'object' || Array.isArray(config))) return {};
  const section = (name: string): unknown => (config as Record<string, unknown> | undefined)?.[name];
  const option = (name: string, key: string): unknown => {
    const value = section(name);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  };
  return {
    // Without a package.json release-it's npm plugin does nothing.
    npm: manifest !== null && manifest['private'] !== true && section('npm') !== false && option('npm', 'publish') !== false,
    github: section('github') !== false && option('github', 'release') === true,
    gitlab: section('gitlab') !== false && option('gitlab', 'release') === true,
  };
}

/**
 * Whether a script publishes, line by line: a publishing command, semantic-release, a copy to
 * a bucket, or a package.json script that does (`npm run release`, `yarn release`), when
 * `scripts` holds the package.json's and nothing before it in the script leaves the root
 * (`cd`; an option of the package manager such as --workspace or --filter is left out too).
 * `valueOf` reads the variables of the step's own script ({@link stepWordValue}).
 */
function scriptPublishes(script: string, jobReports: () => ReadonlySet<string>, root: RepositoryRoot | undefined, depth = 0, functions: ReadonlyMap<string, string> = NO_FUNCTIONS, valueOf?: WordValue): boolean {
  for (const line of script.replace(/\\\r?\n/g, ' ').split('\n')) {
    // From a `cd` on, the scripts run and the configuration read are another folder's.
    if (/(?:^|[\s;&|(])(?:cd|pushd)\s/.test(line)) root = undefined;
    const scripts = root?.scripts;
    if (PUBLISH_COMMAND.test(line) && !DRY_RUN.test(line) && !uploadsToTestIndexOnly(line) && !createsReleaseWithoutFiles(line) && !(/\bgoreleaser\s+release\b/.test(line) && GORELEASER_NO_PUBLISH.test(line.replace(/^.*?\bgoreleaser\s+release\b/, '')))) return true;
    if (uploadsToBucket(line, jobReports)) return true;
    if (commandsRun(line, scripts, depth).some((words) => runsReleaseTool(words, root, valueOf) || (root?.scripts !== undefined && depth < MAX_SCRIPT_DEPTH && runsPublishingScript(words, jobReports, root, depth, valueOf)))) return true;
    if (callsPublishingFunction(line, jobReports, functions, depth)) return true;
  }
  return false;
}

const NO_FUNCTIONS: ReadonlyMap<string, string> = new Map();

/** Whether a line calls a shell function (of a sourced script) whose body, with the call's arguments, publishes; {@link MAX_SCRIPT_DEPTH} calls deep. */
function callsPublishingFunction(line: string, jobReports: () => ReadonlySet<string>, functions: ReadonlyMap<string, string>, depth: number): boolean {
  if (functions.size === 0 || depth >= MAX_SCRIPT_DEPTH || ![...functions.keys()].some((name) => line.includes(name))) return false;
  return commandsOf(line).some((command) => {
    const [name, ...args] = effectiveWords(command).map((w) => w.text);
    const body = name === undefined ? undefined : functions.get(name);
    return body !== undefined && scriptPublishes(bodyWithArguments(body, args), jobReports, undefined, depth + 1, functions);
  });
}

/** How many package.json scripts deep a publishing command is looked for (`release` runs `npm run publish:npm`). */
const MAX_SCRIPT_DEPTH = 3;

/** The `scripts` of a package.json whose values are strings. */
function packageScripts(manifest: Record<string, unknown> | null | undefined): Record<string, string> | undefined {
  const scripts = manifest?.['scripts'];
  if (scripts === null || typeof scripts !== 'object' || Array.isArray(scripts)) return undefined;
  return Object.fromEntries(Object.entries(scripts as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The commands of a line as words, if the line names a release tool or a package manager at all (most do not). */
function commandsRun(line: string, scripts: Readonly<Record<string, string>> | undefined, depth: number): string[][] {
  if (!RELEASE_TOOL_NAME.test(line) && (scripts === undefined || depth >= MAX_SCRIPT_DEPTH || !/\b(?:npm|pnpm|yarn|bun)\b/.test(line))) return [];
  return commandsOf(line).map((command) => effectiveWords(command).map((w) => w.text));
}

/**
 * Release tools that publish by themselves ({@link releaseToolRun}), and whether they do with
 * the arguments given (and, for release-it, the configuration at the repository's root when it
 * runs there). semantic-release publishes the release (to npm, as a GitHub release) unless it
 * only rehearses. release-it publishes to npm by default (npm.publish; not for a `private`
 * package), and as a GitHub or GitLab release where its configuration says so: nothing when it
 * only rehearses or prints, nor with every publication off, on the command line
 * (`--no-npm.publish --no-github.release`) or in a configuration read (`"npm": {"publish": false}`).
 * Where the configuration is not known, a GitHub release is taken to be on.
 */
const RELEASE_TOOLS: Readonly<Record<ReleaseTool, (args: readonly string[], root: RepositoryRoot | undefined) => boolean>> = {
  'semantic-release': () => true,
  'release-it': (args, root) => {
    // Another configuration file than the root's (`--config`, `-c`): not read.
    const config = args.some((w) => /^(?:-c|--config)(?:=|$)/.test(w)) ? {} : (root?.releaseIt() ?? {});
    const on = (plugin: string, option: string, configured: boolean | undefined, unknown: boolean) => releaseItOption(args, plugin, option) ?? configured ?? unknown;
    return on('npm', 'publish', config.npm, true) || on('github', 'release', config.github, config.npm === undefined) || on('gitlab', 'release', config.gitlab, false);
  },
};

/** Whether a command runs a release tool that publishes ({@link RELEASE_TOOLS}); not an install of it (`npm install -D release-it`). */
function runsReleaseTool(words: string[], root: RepositoryRoot | undefined, valueOf?: WordValue): boolean {
  const run = releaseToolRun(words, valueOf);
  return run !== undefined && RELEASE_TOOLS[run.tool](run.args, root);
}

/**
 * Whether a command runs a package.json script that publishes: `npm run X`, `npm run-script X`,
 * `pnpm [run] X`, `yarn [run] X`, `bun run X`, with no option before the script's name
 * (--workspace, --filter, --prefix, -C may name another package's scripts). The arguments
 * the script is given (after `--` for npm and bun, after its name for pnpm and yarn) are
 * appended to its text, as the package manager does: `npm run release -- --no-github`.
 */
function runsPublishingScript(words: string[], jobReports: () => ReadonlySet<string>, root: RepositoryRoot, depth: number, valueOf?: WordValue): boolean {
  const scripts = root.scripts!;
  const program = basename(words[0] ?? '');
  if (program !== 'npm' && program !== 'pnpm' && program !== 'yarn' && program !== 'bun') return false;
  const runs = words[1] === 'run' || (program === 'npm' && words[1] === 'run-script');
  if (!runs && (program === 'npm' || program === 'bun')) return false;
  const name = words[runs ? 2 : 1];
  if (name === undefined || name.startsWith('-') || !Object.hasOwn(scripts, name) || words.includes('--dry-run')) return false;
  const after = words.slice((runs ? 2 : 1) + 1);
  const dashes = after.indexOf('--');
  const args = program === 'npm' || program === 'bun' ? (dashes < 0 ? [] : after.slice(dashes + 1)) : after[0] === '--' ? after.slice(1) : after;
  const quoted = args.map((arg) => (/^[\w./:@%+=,${}-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`));
  return scriptPublishes([scripts[name]!.trimEnd(), ...quoted].join(' '), jobReports, root, depth + 1, NO_FUNCTIONS, valueOf);
}

/** Job ids and names of checks: lint, test, vet, fmt, benchmarks, end-to-end tests (e2e, e2etest), doctests, coverage, validation, vulnerability scans... */
const CHECK_JOB = /(?:^|[-_\s(])(?:lint|linters?|(?:doc)?tests?|unit-tests?|checks?|vet|fmt|format|style|typecheck|clippy|bench(?:mark)?s?|e2e(?:tests?)?|integration|coverage|validate|validation|verify|(?:go)?vulncheck)(?:$|[-_\s)])/i;
/** Commands that only check the code. */
const CHECK_COMMAND =
  /^(?:go\s+(?:vet|test)\b|golangci-lint\b|staticcheck\b|cargo\s+(?:test|bench|clippy|fmt|check|nextest|deny|audit)\b|(?:npm|pnpm|yarn|bun)\s+(?:test|lint|run\s+(?:lint|test|check|typecheck|format:check)[\w:-]*)\b|npx\s+(?:eslint|prettier\s+--check|tsc\s+--noEmit)\b|pytest\b|python\s+-m\s+pytest\b|tox\b|nox\b|ruff\b|flake8\b|mypy\b|black\s+--check\b|make\s+(?:test|lint|check|vet)\b|\.\/gradlew\s+(?:test|check|lint)\b|mvn\s+(?:-\S+\s+)*(?:test|verify)\b|shellcheck\b|pre-commit\s+run\b|(?:node|npx\s+tsx|tsx)\s+\S+\s+(?:.*\s)?--check(?:-only)?(?:\s|$))/;
/** Installing the dependencies a check needs: it neither ships nor checks anything, so it leaves the verdict to the other commands. */
const INSTALL_COMMAND = /^(?:npm\s+(?:ci|install)|(?:pnpm|bun)\s+install|yarn(?:\s+install)?(?:\s+--[\w-]+)*\s*$)/;
/** Steps that hand something on from the job: artifacts, attestations, signatures. */
const HANDS_ON = /^(?:actions\/upload-artifact|actions\/attest|actions\/attest-build-provenance|sigstore\/cosign-installer|actions\/upload-pages-artifact)$/;

/** A glob of artifact names (`coverage-*`), or a name with `${{ }}` in it, as a pattern any value fits where unknown. */
function artifactPattern(name: string): RegExp {
  const parts = name.split(/\$\{\{[\s\S]*?\}\}|\*/).map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 'i');
}

const WILDCARD = /\$\{\{[\s\S]*?\}\}|\*/;

/** Whether an uploaded artifact's name and a download's name or pattern may meet, `${{ }}` standing for any text. */
function mayBeSameArtifact(uploaded: string, wanted: string): boolean {
  const open = [WILDCARD.test(uploaded), WILDCARD.test(wanted)];
  if (open[0] && open[1]) {
    const a = uploaded.split(WILDCARD)[0]!.toLowerCase();
    const b = wanted.split(WILDCARD)[0]!.toLowerCase();
    return a.startsWith(b) || b.startsWith(a);
  }
  if (open[0]) return artifactPattern(uploaded).test(wanted);
  if (open[1]) return artifactPattern(wanted).test(uploaded);
  return uploaded.toLowerCase() === wanted.toLowerCase();
}

/** Whether `job` needs `ancestor`, directly or through the jobs it needs. */
function needsTransitively(wf: Workflow, job: Job, ancestor: Job, seen = new Set<Job>()): boolean {
  if (seen.has(job)) return false;
  seen.add(job);
  return neededJobs(wf, job).some((j) => j === ancestor || needsTransitively(wf, j, ancestor, seen));
}

/**
 * The jobs of the workflow (or of a workflow that calls it) that may download an
 * actions/upload-artifact step's artifact: one that downloads every artifact of the run, or
 * one whose name or pattern may match. A job downloads only what the jobs it needs
 * (directly or not) uploaded: any other job may not have run yet, so its artifact is never
 * what the download counts on.
 */
function downloadersOf(wf: Workflow, upload: Step): Array<{ w: Workflow; job: Job }> {
  const name = withValue(upload, 'name')?.value.trim() || 'artifact';
  // In a caller, the job that runs this workflow stands for the uploading job.
  const workflows = [{ w: wf, producer: upload.job }, ...(wf.callers?.callingJobs?.(wf) ?? []).map((c) => ({ w: c.caller, producer: c.job }))];
  const out: Array<{ w: Workflow; job: Job }> = [];
  for (const { w, producer } of workflows) {
    for (const job of w.jobs) {
      if (job === upload.job || !needsTransitively(w, job, producer)) continue;
      const takes = job.steps.some((step) => {
        if (!isAction(step, 'actions/download-artifact')) return false;
        const wanted = withValue(step, 'name')?.value.trim() || withValue(step, 'pattern')?.value.trim();
        return wanted === undefined || mayBeSameArtifact(name, wanted);
      });
      if (takes) out.push({ w, job });
    }
  }
  return out;
}

/** Whether an artifact of the step reaches a job that is no check job. An artifact nothing downloads (a coverage report, test results) reaches no release. */
function uploadReachesOtherJobs(wf: Workflow, upload: Step, seen: Set<Job>): boolean {
  return downloadersOf(wf, upload).some(({ w, job }) => !checksOnly(w, job, seen));
}

/**
 * The publishing step of a later job that takes this job's artifacts, directly or through
 * the artifacts of a job between them: what the job builds is what that step ships (a build
 * job per platform, then a release job that uploads their archives).
 */
function publishingDownloader(wf: Workflow, job: Job, seen = new Set<Job>()): Step | undefined {
  if (seen.has(job)) return undefined;
  seen.add(job);
  for (const upload of job.steps.filter((s) => isAction(s, 'actions/upload-artifact')))
    for (const { w, job: taker } of downloadersOf(wf, upload)) {
      const found = taker.steps.find((s) => publishes(w, s)) ?? publishingDownloader(w, taker, seen);
      if (found) return found;
    }
  return undefined;
}

/** Whether a job's outputs reach a job that is no check job, or leave a reusable workflow. */
function outputsReachOtherJobs(wf: Workflow, job: Job, seen: Set<Job>): boolean {
  if (!pair(job.node, 'outputs')) return false;
  if (wf.triggers.has('workflow_call') && get(wf.root, 'on', 'workflow_call', 'outputs') !== undefined) return true;
  return wf.jobs.some((j) => neededJobs(wf, j).includes(job) && !checksOnly(wf, j, seen));
}

/** Whether a job publishes, signs and hands on nothing that a job other than a check takes (outputs, artifacts, attestations). */
function handsNothingOn(wf: Workflow, job: Job, seen: Set<Job>): boolean {
  if (outputsReachOtherJobs(wf, job, seen)) return false;
  if (job.steps.some((step) => publishes(wf, step))) return false;
  for (const step of job.steps) {
    const action = step.uses ? parseUses(step.uses).action.toLowerCase() : undefined;
    if (!action || !HANDS_ON.test(action)) continue;
    if (action !== 'actions/upload-artifact' || uploadReachesOtherJobs(wf, step, seen)) return false;
  }
  return !job.steps.some((step) => /\bcosign\s+sign\b|\bgpg\b.*--(?:detach-)?sign\b/.test(typeof step.run?.value === 'string' ? step.run.value : ''));
}

/**
 * A job whose product is a pull request (peter-evans/create-pull-request, `gh pr create`)
 * that nobody merges in the job (no `gh pr merge`, no auto-merge), and that publishes and
 * hands on nothing else: what its cache changes reaches a reviewer's diff, not a release,
 * even on a release event (goreleaser's generate.yml regenerates its docs when a release is published).
 */
function opensPullRequestOnly(wf: Workflow, job: Job): boolean {
  const scripts = job.steps.map((step) => (typeof step.run?.value === 'string' ? step.run.value : '')).join('\n');
  const opens = job.steps.some((step) => isAction(step, 'peter-evans/create-pull-request')) || /\bgh\s+pr\s+create\b/.test(scripts);
  if (!opens || /\bgh\s+pr\s+merge\b/.test(scripts) || job.steps.some((step) => /merge/i.test(step.uses ?? ''))) return false;
  return handsNothingOn(wf, job, new Set([job]));
}

/**
 * A job that only lints or tests (by its id or name, or by every command it runs), and
 * publishes, signs and hands on nothing (no outputs or artifacts that a job other than a
 * check takes): its cache does not reach a release, even in a workflow that runs on tags.
 */
export function checksOnly(wf: Workflow, job: Job, seen = new Set<Job>()): boolean {
  // A cycle of needs or downloads: the job in question is judged by the path that led here.
  if (seen.has(job)) return true;
  seen.add(job);
  if (!handsNothingOn(wf, job, seen)) return false;
  if (CHECK_JOB.test(job.id) || CHECK_JOB.test(text(get(job.node, 'name')) ?? '')) return true;
  // A command continued over lines (`go test ./... \` then `-race`) is one.
  const lines = job.steps.flatMap((step) => (typeof step.run?.value === 'string' ? joinContinuations(step.run.value).split('\n') : [])).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const checks = lines.filter((line) => !INSTALL_COMMAND.test(line));
  return checks.length > 0 && checks.every((line) => CHECK_COMMAND.test(line));
}

/** Whether a job's or step's `if:` leaves it out of runs with these facts (`if: github.event_name == 'pull_request'` on a push). */
function skippedFor(owner: Job | Step, facts: EventFacts): boolean {
  const condition = text(get(owner.node, 'if'));
  if (condition === undefined) return false;
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  const tree = inner.includes('${{') ? undefined : parseExpression(inner);
  if (!tree) return false;
  const value = evaluate(tree, facts);
  return value === false || value === null || value === 0 || value === '';
}

/** Release branch names: `release`, `release/*`, `v2`, `1.x`, `stable`. */
const RELEASE_BRANCH = /(?:^|\/)releases?(?:\/|-|$)|^v?\d+(?:\.(?:\d+|x|\*))*$|^stable$/i;

/** A trigger that makes every job of the workflow a release job: `release`, a push of tags, a push to a release branch. */
interface ReleaseTrigger {
  kind: 'release' | 'tag' | 'create' | 'branch';
  label: string;
  /** For a push to a release branch, the branch its runs are on (`refs/heads/stable`, or the prefix of a pattern: `refs/heads/release/`). */
  facts?: EventFacts;
}

/** What the contexts a cache toggle or an `if:` tests hold on the runs of a release trigger. */
function factsOf(trigger: ReleaseTrigger): EventFacts {
  return trigger.facts ?? RELEASE_FACTS[trigger.kind];
}

/** The runs of a push to a branch a `branches:` pattern names: the branch, or what every branch it matches starts with. */
function branchFacts(pattern: string): EventFacts {
  const literal = /^[^*?[\]!+]*/.exec(pattern)![0];
  const whole = literal === pattern;
  const facts: EventFacts = { 'github.event_name': 'push', 'github.ref_type': 'branch', 'github.ref': whole ? `refs/heads/${pattern}` : { prefix: `refs/heads/${literal}` } };
  if (literal !== '') facts['github.ref_name'] = whole ? pattern : { prefix: literal };
  return facts;
}

function releaseTriggers(wf: Workflow, seen = new Set<Workflow>()): ReleaseTrigger[] {
  const out: ReleaseTrigger[] = [];
  // A reusable workflow runs in the runs of the jobs that call it: a build a release workflow calls is part of that release.
  if (wf.triggers.has('workflow_call') && !seen.has(wf)) {
    seen.add(wf);
    for (const { caller, job, label } of wf.callers?.callingJobs?.(wf) ?? []) {
      // A check job of the caller (`test: uses: ./.github/workflows/.test.yml`) runs a workflow that publishes nothing as tests: no release of the caller comes through it.
      if (checksOnly(caller, job) && !wf.jobs.some((j) => j.steps.some((s) => publishes(wf, s)))) continue;
      for (const trigger of releaseTriggers(caller, seen))
        if (!skippedFor(job, factsOf(trigger)) && !out.some((t) => t.kind === trigger.kind && t.label.startsWith(trigger.label.replace(/ \(through .*\)$/, ''))))
          out.push({ ...trigger, label: `${trigger.label.replace(/ \(through .*\)$/, '')} (through ${label})` });
    }
  }
  if (wf.triggers.has('release')) out.push({ kind: 'release', label: 'release' });
  // `create` runs for every tag pushed (and branch created); GitHub reads no filter under it.
  if (wf.triggers.has('create')) out.push({ kind: 'create', label: 'creation of a tag' });
  const push = get(wf.root, 'on', 'push') ?? get(wf.root, 'true', 'push');
  if (!isYMap(push)) return out;
  // Only negative patterns (`tags: ['!**']`, written to keep tags out) match no tag: the push never runs for one.
  const tags = get(push, 'tags');
  const tagPatterns = isYScalar(tags) ? [text(tags) ?? ''] : items(tags).map((t) => text(t) ?? '');
  if (pair(push, 'tags') && (tagPatterns.length === 0 || tagPatterns.some((t) => !t.startsWith('!')))) out.push({ kind: 'tag', label: 'push of tags' });
  const branches = get(push, 'branches');
  const names = isYScalar(branches) ? [text(branches) ?? ''] : items(branches).map((b) => text(b) ?? '');
  for (const release of names.filter((n) => RELEASE_BRANCH.test(n))) out.push({ kind: 'branch', label: `push to ${release}`, facts: branchFacts(release) });
  return out;
}

/** What the contexts a cache toggle usually tests hold on each kind of release run. */
const RELEASE_FACTS: Record<ReleaseTrigger['kind'], EventFacts> = {
  release: { 'github.event_name': 'release', 'github.ref': { prefix: 'refs/tags/' }, 'github.ref_type': 'tag' },
  tag: { 'github.event_name': 'push', 'github.ref': { prefix: 'refs/tags/' }, 'github.ref_type': 'tag' },
  create: { 'github.event_name': 'create', 'github.ref': { prefix: 'refs/tags/' }, 'github.ref_type': 'tag' },
  branch: { 'github.event_name': 'push', 'github.ref': { prefix: 'refs/heads/' }, 'github.ref_type': 'branch' },
};

const TAG = { 'github.ref': { prefix: 'refs/tags/' }, 'github.ref_type': 'tag' } as const;
const BRANCH = { 'github.ref': { prefix: 'refs/heads/' }, 'github.ref_type': 'branch' } as const;
const PULL = { 'github.ref': { prefix: 'refs/pull/' } } as const;

/**
 * The branch runs of a workflow, told apart as far as its conditions tell them apart: one
 * for each branch ref the workflow writes out (`github.ref == 'refs/heads/main'`, a prefix
 * such as `'refs/heads/release/'` standing for the branches under it) and one for any other
 * branch. A cache step kept off main and a publication kept to main then share no run.
 * Without such a ref, one run for any branch.
 */
function branchRuns(wf: Workflow): EventFacts[] {
  const named = new Set([...wf.lines.join('\n').matchAll(/['"](refs\/heads\/[^'"\s]*)['"]/g)].map((m) => m[1]!));
  if (named.size === 0) return [BRANCH];
  return [...named, 'refs/heads/\u0000other'].map((ref) => ({ 'github.ref': ref, 'github.ref_name': ref.slice('refs/heads/'.length), 'github.ref_type': 'branch' }));
}

/**
 * The runs a workflow has, as the `if:` of a step tests them: each trigger's event with the
 * kinds of ref it runs for (a push is for a tag or a branch, a pull request for refs/pull/...).
 * A reusable workflow's caller, and a composite action's, may run on any event.
 */
function runKinds(wf: Workflow): EventFacts[] {
  const events = [...wf.triggers.keys()];
  const branches = branchRuns(wf);
  if (events.length === 0 || events.includes('workflow_call')) return [TAG, ...branches, PULL];
  return events.flatMap((event) => {
    const refs = event === 'release' ? [TAG] : event === 'pull_request' ? [PULL] : event === 'push' || event === 'workflow_dispatch' || event === 'create' ? [TAG, ...branches] : branches;
    return refs.map((ref) => ({ ...ref, 'github.event_name': event }));
  });
}

/**
 * Whether a toggle written as one `${{ }}` expression turns the cache on in the release
 * runs of the workflow: `enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}` is off
 * on every tag push and release. Undefined (cannot tell) counts as on.
 */
function onForReleases(value: string, kind: 'opt-in' | 'opt-out', triggers: ReleaseTrigger[], inputs: EventFacts = {}): boolean {
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value)?.[1];
  const tree = inner === undefined || inner.includes('${{') ? undefined : parseExpression(inner);
  if (!tree) return true;
  // With no release trigger (a job that publishes on any event) only the inputs of a composite action are known.
  const runs = triggers.length === 0 ? [inputs] : triggers.map((trigger) => ({ ...factsOf(trigger), ...inputs }));
  return runs.some((facts) => {
    const on = inputIsOn(evaluate(tree, facts));
    return on === undefined || (kind === 'opt-in' ? on : !on);
  });
}

/**
 * A step of an action that saves or restores a cache: one of {@link CACHE_ACTIONS}, or an
 * action whose name says so (`actions/cache/save`, `hendrikmuhs/ccache-action`). Its
 * `key`, `shared-key` or `prefix-key` input names the cache entry; it is no credential.
 */
export function isCacheAction(step: Step): boolean {
  if (!step.uses) return false;
  const action = parseUses(step.uses).action.toLowerCase();
  return CACHE_ACTIONS.some((c) => c.action === action) || /(?:^|[/-])c?cache(?:$|[/-])/.test(action);
}

/** The major version a `uses:` names: its ref (`v5`, `v5.0.0`), or for a commit SHA the version comment after it (`# v5.0.0`). Undefined for a branch or a bare SHA. */
function majorVersion(wf: Workflow, step: Step): number | undefined {
  const ref = step.uses ? parseUses(step.uses).ref : undefined;
  if (ref === undefined) return undefined;
  const tagged = /^v?(\d+)(?:\.\d+)*$/.exec(ref)?.[1];
  if (tagged !== undefined) return Number(tagged);
  if (!/^[0-9a-f]{40}$/.test(ref)) return undefined;
  const line = wf.lines[(step.usesLine ?? 0) - 1] ?? '';
  const comment = /^\s*#\s*v?(\d+)(?:\.\d+)*(?:\s|$)/.exec(line.slice(line.indexOf(ref) + ref.length).replace(/^["']/, ''))?.[1];
  return comment === undefined ? undefined : Number(comment);
}

/**
 * Whether an earlier step of the job checks the repository out at the workspace's root
 * (no `path:` below it, no other repository): where setup-node reads package.json.
 */
function checksOutRepositoryRoot(step: Step): boolean {
  return step.job.steps.some((s) => {
    if (s.index >= step.index || !isAction(s, 'actions/checkout')) return false;
    const path = withValue(s, 'path')?.value.trim().replace(/^\.\/?/, '') ?? '';
    const repository = withValue(s, 'repository')?.value.trim();
    return path === '' && (repository === undefined || /^\$\{\{\s*github\.repository\s*\}\}$/.test(repository));
  });
}

/** `npm@10.9.0`, `^npm@10`: the package managers setup-node caches for by itself, from v5 (npm, yarn, pnpm) and from v6 (npm only). */
const AUTO_CACHE_V5 = /^\^?(?:npm|yarn|pnpm)@/;
const AUTO_CACHE_V6 = /^\^?npm(?:@.*)?$/;

/**
 * Why actions/setup-node restores a cache with no `cache:` input: from v5 it turns the
 * package manager's cache on when package.json (at the workspace's root, from a checkout of
 * the repository) names one in `packageManager` (v5: npm, yarn or pnpm; v6 and later: npm,
 * or `devEngines.packageManager` naming npm), unless `package-manager-cache` is false.
 * Undefined when it does not, or when the version or package.json cannot be known.
 */
function setupNodeAutoCache(wf: Workflow, step: Step, triggers: ReleaseTrigger[], inputs: EventFacts, caller?: ActionCaller): string | undefined {
  const major = majorVersion(wf, step);
  if (major === undefined || major < 5) return undefined;
  const toggle = withValue(step, 'package-manager-cache')?.value.trim();
  if (toggle !== undefined && (/\$\{\{/.test(toggle) ? !onForReleases(toggle, 'opt-in', triggers, inputs) : toggle.toLowerCase() === 'false')) return undefined;
  // In a local composite action, the caller's job may have checked the repository out before it uses the action.
  if (!checksOutRepositoryRoot(step) && !(caller && checksOutRepositoryRoot(caller.step))) return undefined;
  const manifest = wf.callers?.packageJson?.(caller?.wf ?? wf);
  if (!manifest) return undefined;
  const field = typeof manifest['packageManager'] === 'string' ? manifest['packageManager'] : undefined;
  if (major === 5) return field !== undefined && AUTO_CACHE_V5.test(field) ? `package.json's packageManager is ${field}` : undefined;
  const engines = manifest['devEngines'];
  const declared = engines !== null && typeof engines === 'object' ? (engines as Record<string, unknown>)['packageManager'] : undefined;
  const named = (Array.isArray(declared) ? declared : [declared]).some((d) => d !== null && typeof d === 'object' && typeof (d as Record<string, unknown>)['name'] === 'string' && AUTO_CACHE_V6.test((d as Record<string, string>)['name']!));
  if (named) return "package.json's devEngines.packageManager is npm";
  return field !== undefined && AUTO_CACHE_V6.test(field) ? `package.json's packageManager is ${field}` : undefined;
}

/** `SCCACHE_GHA_ENABLED: true` (or `on`): sccache reads and writes the GitHub Actions cache. */
const SCCACHE_GHA = /^\s*(?:true|on)\s*$/i;

/**
 * Whether sccache uses the GitHub Actions cache in the job: SCCACHE_GHA_ENABLED is on in the
 * env of the workflow, the job or a step, or a step writes it to GITHUB_ENV. sccache-action
 * only installs sccache and hands it the cache's URL and token; without that variable sccache
 * keeps its cache on the runner's disk. In a local composite action, the job is the caller's:
 * its workflow's, job's and steps' env count, and so do the action's own steps (an env value
 * of `${{ inputs.X }}` read with the inputs the caller gives).
 */
function sccacheUsesActionsCache(wf: Workflow, step: Step, triggers: ReleaseTrigger[], inputs: EventFacts = {}, caller?: ActionCaller): boolean {
  const on = (value: string | undefined, facts: EventFacts = {}) => value !== undefined && (/\$\{\{/.test(value) ? onForReleases(value, 'opt-in', triggers, facts) : SCCACHE_GHA.test(value));
  const envValue = (node: YNode | undefined | null) => {
    const value = get(node, 'env', 'SCCACHE_GHA_ENABLED');
    return isYScalar(value) && value.value !== null ? String(value.value) : undefined;
  };
  const turnsOn = (workflow: Workflow, job: Step['job'], facts: EventFacts) =>
    on(envValue(workflow.root), facts) ||
    on(envValue(job.node), facts) ||
    job.steps.some(
      (s) =>
        on(envValue(s.node), facts) ||
        (typeof s.run?.value === 'string' && [...s.run.value.matchAll(/\bSCCACHE_GHA_ENABLED=["']?([^"'\s]+)["']?[^\n]*\$\{?GITHUB_ENV\b/g)].some((m) => on(m[1], facts))),
    );
  return turnsOn(wf, step.job, inputs) || (caller !== undefined && turnsOn(caller.wf, caller.step.job, {}));
}

/** A cache source of type gha on a buildx command line (`--cache-from=type=gha,scope=x`, `--cache-from type=gha`, bake's `--set '*.cache-from=type=gha'`). */
const GHA_CACHE_FROM = /(?:--cache-from[=\s]+|\.cache-from=)["']?type=gha\b/;
/** A command that builds with buildx: `docker buildx build|bake`, `docker build` (buildx is its builder on the runners). */
const BUILDX_COMMAND = /\bdocker\s+(?:buildx\s+(?:build|bake|b)|build)\b/;

/**
 * Whether a script builds with buildx from the GitHub Actions cache: a gha cache source
 * on a script that runs a buildx build (the option may sit in a variable first, `cache="--cache-from=type=gha"`),
 * in a job where an earlier step hands the Actions runtime to later steps
 * (crazy-max/ghaction-github-runtime: without its token and URL, buildx cannot reach the cache from a script).
 */
function buildxScriptCache(step: Step, caller?: ActionCaller): boolean {
  const script = step.run?.value;
  if (typeof script !== 'string' || !GHA_CACHE_FROM.test(script) || !BUILDX_COMMAND.test(script)) return false;
  const exposes = (s: Step) => isAction(s, 'crazy-max/ghaction-github-runtime');
  return step.job.steps.some((s) => s.index < step.index && exposes(s)) || (caller !== undefined && caller.step.job.steps.some((s) => s.index < caller.step.index && exposes(s)));
}

/** The step of a workflow that uses a local composite action (through others, when it is nested): its job is the job the action's steps run in. */
interface ActionCaller {
  wf: Workflow;
  step: Step;
}

/**
 * The cache a step restores, if any: the line to change and the action. `triggers`: the
 * release triggers the job runs on; `inputs`: in a local composite action, what its
 * `inputs.X` hold ({@link actionInputs}), for toggles written as expressions of them;
 * `caller`: there, the workflow step that uses the action.
 */
function cacheUse(wf: Workflow, step: Step, triggers: ReleaseTrigger[], inputs: EventFacts = {}, caller?: ActionCaller): { line: number; action: string } | undefined {
  if (typeof step.run?.value === 'string') return buildxScriptCache(step, caller) ? { line: step.runLine ?? step.line, action: 'docker buildx with --cache-from type=gha, the runtime exposed by crazy-max/ghaction-github-runtime' } : undefined;
  if (!step.uses) return undefined;
  const action = parseUses(step.uses).action.toLowerCase();
  if (action === 'mozilla-actions/sccache-action')
    return sccacheUsesActionsCache(wf, step, triggers, inputs, caller) ? { line: step.usesLine!, action: `${action}, with SCCACHE_GHA_ENABLED on: sccache takes compiled objects from the GitHub Actions cache` } : undefined;
  if (action === 'actions/setup-node' && !withValue(step, 'cache')?.value.trim()) {
    const auto = setupNodeAutoCache(wf, step, triggers, inputs, caller);
    return auto ? { line: step.usesLine!, action: `${action}, whose cache v5 and later turn on by themselves: ${auto}` } : undefined;
  }
  const known = CACHE_ACTIONS.find((c) => c.action === action);
  if (!known) return undefined;
  if (known.needs && !withValue(step, known.needs)?.value.trim()) return undefined;
  const toggle = known.toggle;
  const set = toggle ? withValue(step, toggle.input) : undefined;
  if (toggle && set) {
    const value = set.value.trim();
    const expression = /\$\{\{/.test(value);
    if (toggle.values) {
      // A list of cache sources, one a line: an expression may name any of them, unless its line fixes the type (type=registry,ref=${{ env.IMAGE }}:cache).
      const values = toggle.values;
      const mayMatch = (entry: string) => values.test(entry) || (/\$\{\{/.test(entry) && !/(?:^|,)\s*type=[\w-]+\s*(?:,|$)/.test(entry));
      if (!value.split('\n').some(mayMatch)) return undefined;
    } else if (expression) {
      if (!onForReleases(value, toggle.kind, triggers, inputs)) return undefined;
    } else if (toggle.kind === 'opt-in' ? value === '' || value.toLowerCase() === 'false' : /^(?:true|yes|1)$/i.test(value)) return undefined;
  } else if (toggle?.kind === 'opt-in' && !(toggle.byDefault && (toggle.since === undefined || (majorVersion(wf, step) ?? toggle.since) >= toggle.since))) return undefined;
  // An explicit opt-in is the line to change; a cache on by default is changed at the step.
  return { line: set && toggle?.kind === 'opt-in' ? set.line : step.usesLine!, action };
}

/**
 * What `inputs.X` holds in a local composite action that `step` uses, by the input's name
 * in lower case (as {@link EventFacts} has it): the value the step's `with:` gives, else the
 * input's default, else ''. A value given as `${{ inputs.Y }}` of the caller's own inputs
 * (an action that uses another) is the caller's; any other expression is not known.
 */
function actionInputs(action: Workflow, step: Step, outer: EventFacts): EventFacts {
  const facts: EventFacts = {};
  const declared = get(action.root, 'inputs');
  for (const p of isYMap(declared) ? declared.pairs : []) {
    const given = (step.with?.pairs ?? []).find((w) => w.key.toLowerCase() === p.key.toLowerCase());
    const fallback = get(p.value, 'default');
    const value = given ? (text(given.value) ?? '') : isYScalar(fallback) && fallback.value !== null ? String(fallback.value) : '';
    const passed = /^\s*\$\{\{\s*inputs\.([\w-]+)\s*\}\}\s*$/.exec(value)?.[1]?.toLowerCase();
    if (passed !== undefined) {
      if (`inputs.${passed}` in outer) facts[`inputs.${p.key.toLowerCase()}`] = outer[`inputs.${passed}`]!;
    } else if (!value.includes('${{')) facts[`inputs.${p.key.toLowerCase()}`] = value;
  }
  return facts;
}

/**
 * The cache a local composite action restores when `step` uses it (`uses: ./.github/actions/setup`):
 * one of its steps that does, or an action of the scan it uses in turn, read with the inputs
 * the step gives it. Its steps run in the caller's job, on the caller's event; one whose `if:`
 * those inputs turn off (`if: inputs.cache == 'true'`) restores nothing. Reported at the step
 * that uses the action, the line the release job changes.
 */
function actionCacheUse(wf: Workflow, step: Step, triggers: ReleaseTrigger[], outer: EventFacts = {}, depth = 0, caller?: ActionCaller): { line: number; action: string } | undefined {
  const action = depth < MAX_ACTION_DEPTH && step.uses ? wf.callers?.localAction?.(wf, step) : undefined;
  if (!action) return undefined;
  const inputs = actionInputs(action, step, outer);
  const from = caller ?? { wf, step };
  for (const inner of action.jobs.flatMap((job) => job.steps)) {
    if (skippedFor(inner, inputs) || (triggers.length > 0 && triggers.every((t) => skippedFor(inner, { ...factsOf(t), ...inputs })))) continue;
    const found = cacheUse(action, inner, triggers, inputs, from) ?? actionCacheUse(action, inner, triggers, inputs, depth + 1, from);
    if (found) return { line: step.usesLine!, action: `${found.action}, in ${stepLabel(inner)} of ${step.uses}` };
  }
  return undefined;
}

export const cachePoisoning = workflowRule({
  id: 'iac/gha-release-cache-poisoning',
  title: 'Release job restores a shared cache',
  description:
    'A job that builds and publishes a release restores a GitHub Actions cache. Caches are shared across the workflows of a repository: code that runs in any other workflow (a dependency of the test suite, a compromised action, an injection) can write a poisoned entry for the same key, and the release then ships whatever that entry holds. `create` counts as a push of tags (it runs for every tag pushed; GitHub reads no filter under it). A reusable workflow runs on the events of the workflows of the scan that call it: one a tag-push workflow calls is part of that release. A job that publishes nothing itself is one when a later job that needs it downloads its artifacts and publishes them (a build job per platform, then a release job); goreleaser-action with `install-only: true` publishes nothing. semantic-release publishes (`npx semantic-release`, `pnpm semantic-release`, `yarn semantic-release`, cycjimmy/semantic-release-action; not with --dry-run or `dry_run: true`; `--dry-run false`, or a variable or expression after --dry-run that the workflow sets to false (`--dry-run "$DRY_RUN"` with `DRY_RUN: false` in the env) or that is not known there (an input of a run by hand), may publish), and so does release-it (`npx release-it --ci`, `pnpm exec release-it`; not with --dry-run, --release-version or --changelog, nor with every publication off: npm publishing, GitHub and GitLab releases, as its command line says (`--no-npm.publish --no-github.release`) or, run at the repository\'s root, its configuration there (.release-it.json or package.json\'s `release-it`; a `private` package is not published to npm)), and so does a script of the repository\'s package.json that runs a publishing command (`npm run release`, `yarn release`, `pnpm release`; the arguments it is given appended, `npm run release -- --no-github`), read when the step starts at the repository\'s root with no `cd`, --workspace or --filter before it. A shell function the script defines counts where its body publishes, and so does a call of a function that a local script the step sources defines (`source ci/util.sh; uploader dist/app.tgz downloads`, the call\'s arguments put in the body; sourced scripts are read two deep, never run), or a publishing command such a script runs itself; and so does a local shell script the step runs (`./scripts/release.sh`, `bash ci/publish.sh`, a `#!` line naming a shell) that runs a publishing command, calls a function of its own or of a script it sources that does, or runs such a script in turn (two deep, eight scripts a step at most, read within the scan root, never run; its comment lines and lines that only print, `echo "then run: npm publish"`, are no commands). Nor does an upload to TestPyPI (pypa/gh-action-pypi-publish with a test.pypi.org `repository-url`, `twine upload -r testpypi`, `uv publish --publish-url https://test.pypi.org/legacy/`), a rehearsal nobody installs from, nor `gh release create TAG` with options alone (a release of notes, no file of the runner in it). A copy to a cloud storage bucket (`aws s3 cp|sync`, `gsutil cp|rsync`, `gcloud storage cp`, `az storage blob upload`, or an action that uploads a folder: bacongobbler/azure-blob-storage-upload, google-github-actions/upload-cloud-storage) publishes, as a canary build uploaded to a download bucket does; a copy of reports alone does not: test results, logs, coverage, SARIF or benchmark data, known by their names or by how the job writes them (through the check\'s report option, `--json=wpt.json`, `--junitxml=unit.xml`, as the output of a test or benchmark run written to a file of data, `cargo bench | tee output.txt`, `go test -json ./... > results.json`, or as a pointer echoed from the commit, `echo $GITHUB_SHA > latest.txt`). A job downloads only the artifacts of the jobs it needs, directly or not. actions/setup-go restores its cache with no `cache:` input from v4 on, astral-sh/setup-uv with no `enable-cache:` from v5 on (a version not known counts as a recent one). actions/setup-node restores the package manager\'s cache with no `cache:` input from v5 on (known from the ref or the version comment of a pinned SHA), when the repository\'s package.json, checked out at the workspace\'s root, names the package manager in `packageManager` (v5: npm, yarn or pnpm; v6 and later: npm only, or `devEngines.packageManager`), unless `package-manager-cache: false`. A local composite action of the scan (`uses: ./.github/actions/setup`) restores the caches its steps restore and publishes what they publish, or the actions of the scan it uses in turn: its steps run in the caller\'s job, their `if:` and toggles read with the inputs the caller gives (`if: inputs.cache == \'true\'`), the caller\'s job is theirs (its SCCACHE_GHA_ENABLED, its checkout of package.json for setup-node), and the finding is at the step that uses it. A script that builds with buildx from a cache source of type gha (`docker buildx build --cache-from=type=gha`, the option perhaps in a variable first) counts when an earlier step of the job exposes the Actions runtime to scripts (crazy-max/ghaction-github-runtime). mozilla-actions/sccache-action counts when SCCACHE_GHA_ENABLED is on in the job (workflow, job or step env, or written to GITHUB_ENV): sccache then takes compiled objects from the GitHub Actions cache. A job that only checks the code (lint, tests, end-to-end tests, coverage, validation, a vulnerability scan: by its id or name, or by every command it runs) is not reported when it publishes nothing and hands on nothing another job could ship: outputs only check jobs read, artifacts only check jobs download. Nor is a job whose product is a pull request (peter-evans/create-pull-request, `gh pr create`) that the job does not merge itself, and that publishes and hands on nothing else: what a poisoned cache changes reaches a reviewer\'s diff, not the release (documentation regenerated when a release is published).',
  remediation: 'Turn caching off in release and publishing jobs (e.g. `cache: false`, `enable-cache: false`, or drop the cache step) and build releases from a clean state.',
  severity: 'high',
  confidence: 'medium',
  cwe: ['CWE-345'],
  examples: {
    positive: [
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci && npm publish\n'),
      'name: release\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n        with:\n          go-version: stable\n      - run: go build ./...\n',
      // The buildx binary itself comes from the cache once a version is named.
      workflow('      # expect\n      - uses: docker/setup-buildx-action@c47758b77c9736f4b2ef4073d4d51994fabfe349 # v3.7.1\n        with:\n          version: v0.18.0\n      - run: docker buildx build --push -t example.org/app:1 .\n', 'release'),
      // The toggle is off for tags but on for the release branch, which also publishes.
      'name: release\non:\n  push:\n    branches: [release]\n    tags: ["*"]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3\n        with:\n          # expect\n          enable-cache: ${{ !startsWith(github.ref, \'refs/tags/\') }}\n      - run: uv build\n',
      // A push to a release branch in a job that publishes; the pull-request-only job is left out.
      'name: ci\non:\n  push:\n    branches: ["release/*"]\n  pull_request:\npermissions: {}\njobs:\n  test:\n    if: ${{ github.event_name == \'pull_request\' }}\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - uses: goreleaser/goreleaser-action@9ed2f89a662bf1735a48bc8557fd212fa902bebf # v6.1.0\n        with:\n          args: check\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - uses: goreleaser/goreleaser-action@9ed2f89a662bf1735a48bc8557fd212fa902bebf # v6.1.0\n        with:\n          args: release --clean\n',
      // changesets/action publishes on a push to main once the version pull request is merged.
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      - uses: changesets/action@e0145edc7d9d8679003495b11f87bd8ef63c0cba # v1.5.3\n        with:\n          publish: npm run release\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: pnpm\n      - run: pnpm install --frozen-lockfile && pnpm changeset publish\n', '\n  push:\n    branches: [main]'),
      // A shell function of the script whose body copies to a bucket.
      workflow('      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: |\n          uploader() {\n            aws s3 cp "$1" "s3://$2/$1"\n          }\n          make dist\n          uploader dist/app.tgz downloads\n', '\n  push:\n    branches: [main]'),
      // semantic-release publishes the release (to npm, as a GitHub release) from main, run by npx or by its action.
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      - run: npx --yes semantic-release@24\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: yarn\n      - run: yarn install --frozen-lockfile && yarn semantic-release\n', '\n  push:\n    branches: [main]'),
      // The test index first, then PyPI itself on the same line.
      workflow('      # expect\n      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3\n      - run: uv build\n      - run: uv publish --index testpypi && uv publish\n', '\n  push:\n    branches: [main]'),
      // --dry-run followed by false is off (both tools read it with yargs), written there, in the step's env, or in an input the run chooses.
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      - run: npx semantic-release --dry-run false\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      - run: npx semantic-release --dry-run "$DRY_RUN"\n        env:\n          DRY_RUN: false\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      - run: pnpm exec release-it --ci -d ${{ env.REHEARSE }}\n', '\n  push:\n    branches: [main]', 'permissions:\n  contents: read\nenv:\n  REHEARSE: ${{ false }}\n'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      - run: npx semantic-release --dry-run ${{ inputs.dry_run }}\n', '\n  workflow_dispatch:\n    inputs:\n      dry_run:\n        type: boolean\n        default: true'),
      // release-it publishes to npm by default, run directly or by a package manager.
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: pnpm\n      - run: pnpm install --frozen-lockfile\n      - run: pnpm exec release-it --ci --increment=patch\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      # A GitHub release is still published by release-it with npm publishing off.\n      - run: npx release-it@17 --ci --no-npm.publish\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci\n      - uses: cycjimmy/semantic-release-action@16ca923e6ccbb50770c415a0ccd43709a8c5f7a4 # v4.2.2\n        env:\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n', '\n  push:\n    branches: [main]'),
      // The build job's artifact is what the release job uploads: its cache reaches the release.
      "name: ci\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  e2e-build:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make e2e dist\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: dist-${{ runner.os }}\n          path: dist/\n  release:\n    needs: e2e-build\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          pattern: dist-*\n      - run: gh release upload \"$GITHUB_REF_NAME\" dist-*/*\n",
      // The Nix store paths come back from the GitHub Actions cache unless use-gha-cache is false.
      workflow('      - uses: DeterminateSystems/nix-installer-action@21a544727d0c62386e78b4befe52d19ad12692e3 # v17\n      # expect\n      - uses: DeterminateSystems/magic-nix-cache-action@def9f5a5c6a6b8751c0534e8813a5d0ad2635660 # v11\n      - run: nix build .#release\n', 'release'),
      // sccache takes the compiled objects of the release build from the GitHub Actions cache once SCCACHE_GHA_ENABLED is on.
      workflow('      # expect\n      - uses: mozilla-actions/sccache-action@7d986dd989559c6ecdb630a3fd2557667be217ad # v0.0.9\n      - run: cargo build --release && gh release upload "$GITHUB_REF_NAME" target/release/app\n', 'release', 'permissions:\n  contents: write\nenv:\n  SCCACHE_GHA_ENABLED: "true"\n  RUSTC_WRAPPER: sccache\n'),
      workflow('      # expect\n      - uses: mozilla-actions/sccache-action@7d986dd989559c6ecdb630a3fd2557667be217ad # v0.0.9\n      - run: echo "SCCACHE_GHA_ENABLED=on" >> "$GITHUB_ENV"\n      - run: cargo build --release && gh release upload "$GITHUB_REF_NAME" target/release/app\n', 'release'),
      // Run by hand: the build job publishes nothing itself, but the release job uploads what it built.
      "name: deployment\non:\n  workflow_dispatch:\n    inputs:\n      tag:\n        required: true\npermissions:\n  contents: read\njobs:\n  linux:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make dist\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: linux\n          path: dist/\n  release:\n    needs: linux\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    steps:\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n      - run: gh release create \"$TAG\" linux/*\n        env:\n          TAG: ${{ inputs.tag }}\n",
      // The files come through xargs: the release holds what the job built.
      workflow('      # expect\n      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3\n      - run: uv build\n      - run: ls dist/* | xargs gh release create "$TAG" --title "$TAG" --\n', 'workflow_dispatch'),
      // `create` runs for each tag pushed: a job kept to version tags by its if: builds and uploads the release (helm's release.yml).
      'name: release\non:\n  create:\n    tags: ["v*"]\npermissions: {}\njobs:\n  release:\n    if: startsWith(github.ref, \'refs/tags/v\')\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make dist VERSION="$GITHUB_REF_NAME"\n      - run: ./scripts/upload.sh _dist\n',
      // A canary build on main, copied to blob storage by an action (helm's canary-release).
      workflow('      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make dist VERSION=canary\n      - uses: bacongobbler/azure-blob-storage-upload@50f7d898b7697e864130ea04c303ca38b5751c50 # v3.0.0\n        with:\n          source_dir: _dist\n          container_name: ${{ secrets.CONTAINER }}\n          connection_string: ${{ secrets.STORAGE }}\n', '\n  push:\n    branches: [main]'),
      // An image pushed by digest from main: build-push-action's output pushes it (black's docker.yml).
      workflow('      - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0\n        with:\n          outputs: type=image,push-by-digest=true,name-canonical=true,push=true\n          tags: example.org/app\n          # expect\n          cache-from: type=gha,scope=linux-amd64\n', '\n  push:\n    branches: [main]'),
      workflow('      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make build\n      - run: docker buildx build --platform linux/amd64,linux/arm64 -t example.org/app:edge --push .\n', '\n  push:\n    branches: [main]'),
      // The pull request is merged by the job itself: nobody reviews what the cache changed before the release ships it.
      workflow('      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go run ./cmd/docgen\n      - run: |\n          gh pr create --fill --head auto-docs\n          gh pr merge --auto --squash auto-docs\n', 'release'),
      // A script's buildx build reads the GitHub Actions cache once an earlier step exposes the runtime; the option may sit in a variable.
      'name: release\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: crazy-max/ghaction-github-runtime@04d248b84655b509d8c44dc1d6f990c879747487 # v4.0.0\n      # expect\n      - run: |\n          cache="--cache-from=type=gha,scope=release --cache-to=type=gha,scope=release"\n          docker buildx build ${cache} -o releases/ .\n      - run: gh release upload "$GITHUB_REF_NAME" releases/*\n',
      // A canary build on main, copied to a download bucket: what the cache held is what users download.
      'name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: ~/.cargo\n          key: cargo-home\n      - run: cargo build --release\n      - if: github.ref == \'refs/heads/main\'\n        env:\n          AWS_SECRET_ACCESS_KEY: ${{ secrets.S3_SECRET_ACCESS_KEY }}\n        run: aws s3 sync ./target/release/ "s3://downloads/canary/$GITHUB_SHA/" --exclude "*" --include "*.zip"\n',
      // Left out of tag pushes, the cache still shares the runs on main with a publication that has no condition.
      'name: ci\non:\n  push:\n    branches: [main]\n    tags: ["*"]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        if: "!startsWith(github.ref, \'refs/tags/\')"\n        with:\n          path: ~/.npm\n          key: npm\n      - run: npm ci && npm publish --tag next\n',
    ],
    negative: [
      // A job that only tests, its command continued over lines.
      'name: ci\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  unit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: |\n          go test ./... \\\n            -race -coverprofile=coverage.out\n',
      // semantic-release as a dry run, or installed but not run; its action with dry_run: nothing is published.
      // Before setup-uv v5 and setup-go v4 their cache was off unless asked for.
      workflow('      - uses: astral-sh/setup-uv@caf0cab7a618c569241d31dcd442f54681755d39 # v3.2.4\n      - uses: actions/setup-go@v3\n      - run: uv build && gh release upload "$GITHUB_REF_NAME" dist/*\n', 'release'),
      // Uploads to TestPyPI rehearse a release (uv's test of its own uploader): nobody installs from there.
      workflow('      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3\n      - run: uv build\n      - run: uvx twine upload --repository testpypi dist/* && uv publish --publish-url https://test.pypi.org/legacy/\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3\n      - run: uv build\n      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4\n        with:\n          repository-url: https://test.pypi.org/legacy/\n', '\n  push:\n    branches: [main]'),
      // --dry-run with a value the workflow sets to true, or to nothing (then no value of the option: the rehearsal stays on).
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          cache: npm\n      - run: npm ci\n      - run: |\n          npx semantic-release --dry-run "$DRY_RUN"\n          npx semantic-release --dry-run true --branches main\n          npx release-it -d ${{ inputs.rehearse }} --ci\n          npx semantic-release --dry-run=${{ env.DRY_RUN }}\n        env:\n          DRY_RUN: ${{ true }}\n', '\n  push:\n    branches: [main]'),
      // release-it rehearsing, only printing the next version, or with both of its publications off publishes nothing.
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          cache: npm\n      - run: |\n          npm install -D release-it\n          npx release-it --ci --dry-run\n          yarn release-it -d\n          npx release-it --release-version\n          npx release-it --ci --no-npm.publish --no-github.release\n          pnpm exec release-it --npm.publish=false --github.release=false\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          cache: npm\n      - run: |\n          npm install --no-save semantic-release @semantic-release/git\n          npx semantic-release --dry-run\n          pnpm exec semantic-release -d\n          echo "semantic-release runs in the release job"\n      - uses: cycjimmy/semantic-release-action@16ca923e6ccbb50770c415a0ccd43709a8c5f7a4 # v4.2.2\n        with:\n          dry_run: true\n', '\n  push:\n    branches: [main]'),
      // End-to-end tests and their coverage report ship nothing: the coverage artifact only reaches a check job, the release takes another one.
      "name: ci\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make e2e\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: coverage-e2e-${{ matrix.mode }}\n          path: cover/\n  coverage:\n    needs: e2e\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          pattern: coverage-e2e-*\n      - run: go tool covdata textfmt -i=cover -o coverage.txt\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          name: dist\n      - run: gh release upload \"$GITHUB_REF_NAME\" dist/*\n",
      // The release job downloads an artifact whose name is an output of the job it needs: the coverage of the
      // end-to-end tests, which it does not need and may run before, is not what it takes, whatever the names.
      "name: ci\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    outputs:\n      artifact: ${{ steps.meta.outputs.name }}\n    steps:\n      - id: meta\n        run: echo \"name=dist\" >> \"$GITHUB_OUTPUT\"\n      - run: make dist\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: ${{ steps.meta.outputs.name }}\n          path: dist/\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make e2e\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: coverage-e2e-${{ matrix.mode }}\n          path: cover/\n  release:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          name: ${{ needs.build.outputs.artifact }}\n      - run: gh release upload \"$GITHUB_REF_NAME\" dist/*\n",
      // The outputs of a test job feed only the matrix of another test job.
      "name: ci\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  test-matrix:\n    runs-on: ubuntu-latest\n    outputs:\n      pkgs: ${{ steps.list.outputs.pkgs }}\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - id: list\n        run: echo \"pkgs=$(go list ./... | jq -Rsc 'split(\"\\n\")')\" >> \"$GITHUB_OUTPUT\"\n  test:\n    needs: test-matrix\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        pkg: ${{ fromJSON(needs.test-matrix.outputs.pkgs) }}\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go test ${{ matrix.pkg }}\n",
      // A job of a tag workflow that installs and runs a check (--check-only) ships nothing.
      "name: release\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  ensure-packages-exist:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          cache: yarn\n      - run: yarn install\n      - run: node ./scripts/ensure-packages-exist.js --check-only\n",
      // `tags: ['!**']` keeps every tag out: the workflow runs for branch pushes only, and this job publishes nothing.
      "name: ci\non:\n  push:\n    branches: ['**']\n    tags: ['!**']\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          cache: pnpm\n      - run: pnpm install && pnpm build\n",
      // A registry cache (its type fixed, the image an expression) is written only with the registry's credentials, not through the GitHub Actions cache.
      "name: release\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0\n        with:\n          push: true\n          tags: example.org/app:${{ github.ref_name }}\n          cache-from: type=registry,ref=${{ vars.IMAGE }}:buildcache\n          cache-to: type=registry,ref=${{ vars.IMAGE }}:buildcache,mode=max\n",
      // Test results copied to a bucket by an action ship nothing.
      workflow('      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go test ./... -json > test-results/go.json\n      - uses: google-github-actions/upload-cloud-storage@386ab77f37fdf51c0e38b3d229fad286861cc0d0 # v2.2.1\n        with:\n          path: test-results\n          destination: ci-reports\n', '\n  push:\n    branches: [main]'),
      // An image built and loaded into the runner's Docker, not pushed.
      workflow('      - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0\n        with:\n          outputs: type=docker,dest=/tmp/app.tar\n          tags: example.org/app\n          cache-from: type=gha\n      - run: docker buildx build --load -t app:test . && docker run app:test --self-test\n', '\n  push:\n    branches: [main]'),
      // On a published release, a job that regenerates the docs and opens a pull request with them: a reviewer sees what the cache changed.
      workflow('      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go run ./cmd/docgen\n      - uses: peter-evans/create-pull-request@271a8d0340265f705b14b6d32b9829c1cb33d45e # v7.0.8\n        with:\n          branch: auto-update-docs\n          title: update generated docs\n', 'release'),
      // Without the runtime exposed to scripts, buildx cannot reach the GitHub Actions cache from a run step.
      'name: release\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker buildx build --cache-from type=gha -o releases/ .\n      - run: gh release upload "$GITHUB_REF_NAME" releases/*\n',
      // Off on every tag push and release, the only events this workflow runs on.
      'name: release\non:\n  push:\n    tags: ["*"]\n  release:\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3\n        with:\n          enable-cache: ${{ !startsWith(github.ref, \'refs/tags/\') }}\n      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: ~/.cache\n          key: deps\n          lookup-only: true\n      - uses: docker/setup-buildx-action@c47758b77c9736f4b2ef4073d4d51994fabfe349 # v3.7.1\n      - run: uv build\n',
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          cache: npm\n      - run: npm ci && npm test\n'),
      // Without a publish command changesets/action only opens the version pull request.
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          cache: npm\n      - run: npm ci\n      - uses: changesets/action@e0145edc7d9d8679003495b11f87bd8ef63c0cba # v1.5.3\n        with:\n          version: npm run version\n', '\n  push:\n    branches: [main]'),
      workflow('      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n        with:\n          cache: false\n      - run: go build ./...\n', 'release'),
      // Benchmarks ship nothing either, known by the job's name or by the commands it runs.
      'name: ci\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  perf:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0\n      - run: cargo bench\n  go-bench:\n    name: Run benchmarks\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: make benchmark\n',
      // Nor do the tests of the documentation's examples (cabal's doctest job, on release).
      'name: ci\non:\n  release:\n    types: [created]\npermissions: {}\njobs:\n  doctest:\n    name: Doctest Cabal\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: ~/.local/state/cabal\n          key: store-doctest\n      - run: cabal v2-update\n      - run: make doctest-install && make doctest\n',
      // Building the end-to-end test harness (a job named for it) ships nothing either.
      'name: ci\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  e2etest-build:\n    name: Build e2etest for linux\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: bash ./internal/e2etest/make-archive.sh\n',
      // goreleaser-action with install-only only puts goreleaser on the PATH; the snapshot it builds ships nowhere.
      workflow('      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - uses: goreleaser/goreleaser-action@9ed2f89a662bf1735a48bc8557fd212fa902bebf # v6.1.0\n        with:\n          install-only: true\n      - run: goreleaser build --snapshot --clean\n', 'workflow_dispatch'),
      // A draft release of notes: no file of the runner goes into it.
      workflow('      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3\n      - run: uv run python scripts/release_notes.py > notes.md\n      - run: |\n          gh release create "$VERSION" \\\n            --draft \\\n            --title "$VERSION" \\\n            --notes-file notes.md \\\n            --target "$(git rev-parse HEAD)"\n', 'workflow_dispatch'),
      workflow('      - uses: DeterminateSystems/magic-nix-cache-action@def9f5a5c6a6b8751c0534e8813a5d0ad2635660 # v11\n        with:\n          use-gha-cache: false\n      - run: nix build .#release\n', 'release'),
      // Without SCCACHE_GHA_ENABLED on, sccache keeps its cache on the runner's disk.
      workflow('      - uses: mozilla-actions/sccache-action@7d986dd989559c6ecdb630a3fd2557667be217ad # v0.0.9\n      - run: cargo build --release && gh release upload "$GITHUB_REF_NAME" target/release/app\n', 'release', 'permissions:\n  contents: write\nenv:\n  RUSTC_WRAPPER: sccache\n'),
      workflow('      - uses: mozilla-actions/sccache-action@7d986dd989559c6ecdb630a3fd2557667be217ad # v0.0.9\n      - run: cargo build --release && gh release upload "$GITHUB_REF_NAME" target/release/app\n', 'release', "permissions:\n  contents: write\nenv:\n  SCCACHE_GHA_ENABLED: \"false\"\n  RUSTC_WRAPPER: sccache\n"),
      // Fetching from a bucket, or a rehearsal of the upload, ships nothing.
      workflow('      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: ~/.cargo\n          key: cargo-home\n      - run: |\n          aws s3 cp s3://fixtures/corpus.zip .\n          gsutil -m rsync -n -r dist gs://downloads/canary\n', 'workflow_dispatch'),
      // Conformance results copied to a bucket: the file the test run writes through its --json option, and a pointer echoed from the commit.
      workflow('      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: ./target/suite_hash\n          key: suite\n      - run: ./tools/conformance.ts run --all --json=suite.json\n      - run: |\n          aws s3 cp ./suite.json "s3://ci-data/suite/$GITHUB_SHA.json"\n          echo "$GITHUB_SHA" > suite-latest.txt\n          aws s3 cp suite-latest.txt s3://ci-data/suite-latest.txt\n', '\n  push:\n    branches: [main]'),
      // The output of a benchmark run, kept in a bucket: a report, not a release.
      workflow('      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: ~/.cargo\n          key: cargo-home\n      - run: cargo bench --bench parse -- --output-format bencher | tee output.txt\n      - run: aws s3 cp output.txt "s3://perf-data/$GITHUB_SHA.txt"\n', '\n  push:\n    branches: [main]'),
      // A lint job of a tag workflow, and a rehearsal of a publication, ship nothing.
      'name: ci\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go vet ./...\n  checks:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0\n      - run: |\n          cargo fmt --check\n          cargo clippy -- -D warnings\n',
      workflow('      - uses: Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0\n      - run: cargo publish --workspace --dry-run\n', 'pull_request'),
      // Tests on a maintenance branch publish nothing; a push there is not a release by itself.
      workflow('      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go test ./...\n', '\n  push:\n    branches: [main, release-*]\n  pull_request:'),
      // The cache steps of a CI workflow that also runs on tags are left out of tag pushes by their own `if:`,
      // the only runs that publish.
      'name: ci\non:\n  push:\n    branches: [main]\n    tags: ["*"]\n  pull_request:\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        if: "!startsWith(github.ref, \'refs/tags/\')"\n        with:\n          path: ~/.cargo\n          key: cargo-home\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n        if: github.event_name == \'pull_request\'\n      - run: cargo build --release\n      - uses: softprops/action-gh-release@c95fe1489396fe8a9eb87c0abf8aa5b2ef267fda # v2.2.1\n        if: startsWith(github.ref, \'refs/tags/\')\n',
      // The build cache is restored only off main; the canary is uploaded only from main: no run does both.
      'name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        if: github.ref != \'refs/heads/main\'\n        with:\n          path: ./target\n          key: target\n      - run: cargo build --release\n      - if: github.ref == \'refs/heads/main\'\n        run: aws s3 sync ./target/release/ "s3://downloads/canary/$GITHUB_SHA/"\n',
      // The job runs only for pull requests and merge queues (a list written with fromJSON); its upload runs only on a push to stable.
      'name: ci\non:\n  pull_request:\n  merge_group:\n  push:\n    branches: [main, stable]\npermissions: {}\njobs:\n  build-pr:\n    if: ${{ contains(fromJSON(\'["pull_request", "merge_group"]\'), github.event_name) }}\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: target\n          key: target\n      - run: cargo build --release\n      - if: github.event_name == \'push\' && github.ref == \'refs/heads/stable\'\n        run: aws s3 cp --recursive dist/ s3://downloads/app/\n',
      // The wheels are built with sccache off on tags and uploaded by a later job on tags only: no run does both.
      'name: ci\non:\n  push:\n    branches: [main]\n    tags: ["*"]\n  pull_request:\n  workflow_dispatch:\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: PyO3/maturin-action@e10f6c464b90acceb5f640d31beda6d586ba7b4a # v1.49.3\n        with:\n          args: --release --out dist\n          sccache: ${{ !startsWith(github.ref, \'refs/tags/\') }}\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: wheels\n          path: dist\n  release:\n    needs: [build]\n    if: ${{ startsWith(github.ref, \'refs/tags/\') || github.event_name == \'workflow_dispatch\' }}\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4\n        if: ${{ startsWith(github.ref, \'refs/tags/\') }}\n        with:\n          packages-dir: wheels/\n',
      // GoReleaser building a snapshot publishes nothing, and the job runs only for pull requests.
      'name: ci\non:\n  push:\n    tags: ["v*"]\n  pull_request:\npermissions: {}\njobs:\n  check:\n    if: github.event_name == \'pull_request\'\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - run: go test ./...\n  snapshot:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n      - uses: goreleaser/goreleaser-action@9ed2f89a662bf1735a48bc8557fd212fa902bebf # v6.1.0\n        with:\n          args: build --snapshot\n      - run: goreleaser release --snapshot --clean\n'.replace('push:\n    tags: ["v*"]', 'push:\n    branches: [release]'),
    ],
  },
  *check(wf) {
    const workflowTriggers = releaseTriggers(wf);
    const runs = runKinds(wf);
    for (const job of wf.jobs) {
      // The runs the job takes part in: its own `if:` may keep it to pull requests.
      const jobRuns = runs.filter((facts) => !skippedFor(job, facts));
      const publishers = job.steps.filter((step) => publishes(wf, step));
      // A job that publishes nothing itself may build what a later job publishes.
      const downstream = publishers.length === 0 ? publishingDownloader(wf, job) : undefined;
      const triggers = workflowTriggers.filter((t) => !skippedFor(job, factsOf(t)));
      const checks = checksOnly(wf, job) || opensPullRequestOnly(wf, job);
      for (const step of job.steps) {
        // The release runs the cache step takes part in: its own `if:` may leave it out of them (`!startsWith(github.ref, 'refs/tags/')`).
        const stepTriggers = triggers.filter((t) => !skippedFor(step, factsOf(t)));
        // A publishing step that runs in the same runs as the cache step: not one that runs on tags only beside a cache step that never does.
        const publisher = publishers.find((p) => jobRuns.some((facts) => !skippedFor(step, facts) && !skippedFor(p, facts))) ?? (downstream && jobRuns.some((facts) => !skippedFor(step, facts)) ? downstream : undefined);
        // A push to a release branch is not a release by itself (tests run there too): the job must publish.
        // Nor is a tag or a release for a job that only lints or tests.
        // A push to a release branch counts where the job's publishing step runs on it too (not an upload kept to main beside tests on release/*).
        const onRelease = stepTriggers.filter((t) => t.kind !== 'branch' || publisher === undefined || publisher.job !== job || !skippedFor(publisher, factsOf(t)));
        const releases = (onRelease.some((t) => t.kind !== 'branch') && !checks) || (publisher !== undefined && onRelease.length > 0);
        if (!releases && !publisher) continue;
        const why = releases
          ? `runs on ${onRelease.map((t) => t.label).join(', ')}`
          : publisher!.job === job
            ? `publishes (${stepLabel(publisher!)})`
            : `builds artifacts that ${stepLabel(publisher!)} publishes`;
        // A job that publishes on any event cannot rely on a toggle that tests the event; one whose publishing step runs
        // only on some runs (a tag push) can, on the runs the cache step shares with it.
        const read = publisher ? sharedRuns(wf, step, publisher, jobRuns) : stepTriggers;
        const cache = cacheUse(wf, step, read) ?? actionCacheUse(wf, step, read);
        if (cache) yield { line: cache.line, message: `${stepLabel(step)} restores a cache (${cache.action}) in a job that ${why}; a poisoned cache entry would end up in the release.`, resource: jobLabel(job) } satisfies Hit;
      }
    }
  },
});

/**
 * The runs (of {@link runKinds}, as triggers whose facts a toggle is read with) on which both
 * a cache step and the step that publishes run, their jobs' and their own `if:` told: with
 * `sccache: ${{ !startsWith(github.ref, 'refs/tags/') }}` in a build job whose wheels a
 * later job uploads only on tags, no such run restores the cache. [] (any event) when the
 * publishing step is in another workflow, or when no shared run can be told.
 */
function sharedRuns(wf: Workflow, step: Step, publisher: Step, jobRuns: EventFacts[]): ReleaseTrigger[] {
  if (!wf.jobs.includes(publisher.job)) return [];
  const shared = jobRuns.filter((facts) => !skippedFor(step, facts) && !skippedFor(publisher, facts) && !skippedFor(publisher.job, facts));
  return shared.map((facts) => ({ kind: 'branch', label: String(facts['github.event_name'] ?? ''), facts }));
}

/** The values a `${{ matrix.X }}` can take, from the job's strategy.matrix (a list or `include` entries). */
function matrixValues(job: Job, key: string): Array<{ value: string; line: number }> {
  const matrix = get(job.node, 'strategy', 'matrix');
  if (!isYMap(matrix)) return [];
  const scalars = (node: YNode | undefined | null) => (isYScalar(node) && node.value !== null ? [{ value: String(node.value), line: node.line }] : []);
  const direct = get(matrix, key);
  const out = isYScalar(direct) ? scalars(direct) : items(direct).flatMap(scalars);
  for (const entry of items(get(matrix, 'include'))) out.push(...scalars(get(entry, key)));
  return out;
}

/** Image references of a job: `container:` (a string or `image:`) and `services.*.image`. */
function imagesOf(job: Job): Array<{ value: string; line: number; what: string }> {
  const out: Array<{ value: string; line: number; what: string }> = [];
  const container = pair(job.node, 'container');
  if (container && isYScalar(container.value)) out.push({ value: text(container.value) ?? '', line: container.keyLine, what: 'container' });
  else if (container && isYMap(container.value)) {
    const image = pair(container.value, 'image');
    if (image) out.push({ value: text(image.value) ?? '', line: image.keyLine, what: 'container' });
  }
  const services = get(job.node, 'services');
  for (const service of isYMap(services) ? services.pairs : []) {
    const image = pair(service.value as YMap, 'image');
    if (image) out.push({ value: text(image.value) ?? '', line: image.keyLine, what: `service ${service.key}` });
  }
  return out;
}

export const unpinnedContainerImage = workflowRule({
  id: 'iac/gha-unpinned-container-image',
  title: 'Job container or service image without a version',
  description:
    'A job `container:` or a service runs an image by the `latest` tag, a tag that names a branch or channel rather than a version (`main`, `nightly`, `lts`...), or without a tag at all. Whatever is pushed under that name next runs inside the job, with its token and secrets, and builds stop being reproducible.',
  remediation: 'Name a version, and better a digest: `image: node:22.11-bookworm@sha256:...`.',
  severity: 'medium',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      'name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    # expect\n    container: node\n    services:\n      db:\n        # expect\n        image: postgres:latest\n    steps:\n      - run: npm test\n',
      'name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    # expect\n    container: node:lts-slim\n    steps:\n      - run: npm test\n',
      'name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container:\n      # expect\n      image: ${{ matrix.distro }}\n    strategy:\n      matrix:\n        distro: ["debian:12", alpine]\n    steps:\n      - run: make test\n',
    ],
    negative: ['name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container:\n      image: ${{ matrix.distro }}\n    strategy:\n      matrix:\n        distro: ["debian:12", "alpine:3.20"]\n    services:\n      db:\n        image: postgres:16.4\n    steps:\n      - run: make test\n'],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      for (const image of imagesOf(job)) {
        const fromMatrix = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(image.value.trim());
        const candidates = fromMatrix ? matrixValues(job, fromMatrix[1]!).map((m) => m.value) : [image.value];
        const bad = [...new Set(candidates.filter((v) => pinProblem(v) !== undefined))];
        if (bad.length)
          yield { line: image.line, message: `${jobLabel(job)} ${image.what} runs ${bad.join(', ')}${fromMatrix ? ` (from matrix.${fromMatrix[1]})` : ''}, which names no version.`, resource: jobLabel(job) };
      }
    }
  },
});

/** Options of npm, pnpm, yarn and bun that take a value as the next word. */
const JS_VALUE_OPTIONS =
  /^(?:--registry|--cache|--prefix|-C|--dir|--cwd|--workspace|-w|--filter|-F|--tag|--omit|--include|--userconfig|--globalconfig|--location|--loglevel|--reporter|--otp|--before|--install-strategy|--store-dir|--virtual-store-dir|--lockfile-dir|--modules-dir|--modules-folder|--cache-folder|--network-timeout|--network-concurrency|--mutex|--node-linker)$/;
/** Options of gem and bundle that take a value as the next word. */
const GEM_VALUE_OPTIONS = /^(?:-i|--install-dir|-n|--bindir|-s|--source|--platform|-g|--group|--git|--branch|--ref|--path|--github|--glob)$/;
/** A path, URL, tarball or expression rather than a name the registry resolves. */
const NOT_A_REGISTRY_NAME = /^[.~/$]|\.(?:tgz|tar\.gz|gem)$|^(?:git\+|git:|github:|gitlab:|bitbucket:|https?:|file:|link:|workspace:)/;
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/;
const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);

/** The packages a command installs by name without an exact version, and the tool: `npm install -g typescript`, `gem install rake`. */
export function unpinnedInstall(words: string[]): { tool: string; packages: string[] } | undefined {
  const [program, ...args] = words;
  const tool = program ? program.replace(/^.*\//, '').toLowerCase() : '';
  let rest: string[] | undefined;
  if (tool === 'npm' || tool === 'pnpm' || tool === 'bun') {
    const at = args.findIndex((a) => !a.startsWith('-'));
    if (at >= 0 && NPM_INSTALL.has(args[at]!)) rest = args.slice(at + 1);
  } else if (tool === 'yarn') {
    const at = args.findIndex((a) => !a.startsWith('-'));
    if (args[at] === 'add') rest = args.slice(at + 1);
    else if (args[at] === 'global' && args[at + 1] === 'add') rest = args.slice(at + 2);
  } else if (tool === 'gem' || tool === 'bundle') {
    const at = args.findIndex((a) => !a.startsWith('-'));
    if ((tool === 'gem' && (args[at] === 'install' || args[at] === 'i')) || (tool === 'bundle' && args[at] === 'add')) rest = args.slice(at + 1);
  }
  if (!rest) return undefined;
  const gem = tool === 'gem' || tool === 'bundle';
  // `gem install rake -v 13.2.1`, `bundle add rake --version 13.2.1`: the version applies to the gem named.
  if (gem && rest.some((w, k) => ((w === '-v' || w === '--version') && EXACT_VERSION.test(rest![k + 1] ?? '')) || /^--version=v?\d/.test(w))) return undefined;
  const packages: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const word = rest[k]!;
    if (word.startsWith('-')) {
      if (!word.includes('=') && (gem ? GEM_VALUE_OPTIONS : JS_VALUE_OPTIONS).test(word)) k++;
      continue;
    }
    if (NOT_A_REGISTRY_NAME.test(word) || word.includes('${{')) continue;
    const version = gem ? /^[^:]+:(.+)$/.exec(word)?.[1] : /^(?:@[^/@]+\/)?[^@]+@(.+)$/.exec(word)?.[1];
    if (version === undefined || !EXACT_VERSION.test(version)) packages.push(word);
  }
  return packages.length > 0 ? { tool, packages } : undefined;
}

/**
 * A script with the blanks inside each `${{ }}` made underscores (same length, so offsets
 * hold): the runner puts the expression's value there before the shell splits words, so
 * `npm install deno@${{ steps.meta.outputs.version }}` is one word, with a version.
 */
function oneWordExpressions(script: string): string {
  return script.replace(/\$\{\{[^\n}]*\}\}/g, (expression) => expression.replace(/[ \t]/g, '_'));
}

export const unpinnedPackageInstall = workflowRule({
  id: 'iac/gha-unpinned-package-install',
  title: 'Package installed by name without a version in a workflow',
  description:
    "A run step installs a package by name outside any lock file (`npm install -g tool`, `yarn add x`, `gem install x`) and without an exact version, so the job takes whatever the registry serves that minute. A compromised release of that package, like the npm worms of 2025, runs at once inside the job, with its token and secrets; and each run may build with something different. The shell scripts of the repository that a step runs (`run: ./scripts/release.sh`, `bash .github/scripts/publish.sh`) are read and judged too, on their own lines.",
  remediation: 'Declare the package in the project manifest and install from the lock file (`npm ci`, `bundle install`), or pin an exact version (`npm install -g tool@1.2.3`, `gem install x -v 1.2.3`).',
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: [
      workflow('      # expect\n      - run: |\n          npm ci\n          # detail\n          sudo npm install -g @example/cli\n      # expect\n      - run: gem install rake && yarn global add left-pad@^1.3.0\n'),
    ],
    negative: [
      workflow('      - run: |\n          npm ci\n          npm install -g @example/cli@2.4.1\n          npm install -g @example/cli@${{ steps.release.outputs.version }}\n          gem install rake -v 13.2.1\n          pnpm install --frozen-lockfile\n          yarn add ./local-package\n          bundle install\n          npm install\n          npm install --foreground-scripts --loglevel verbose "$TARBALL"\n          pnpm add --reporter append-only ./vendor/tool.tgz\n'),
    ],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        if (!step.run || typeof step.run.value !== 'string') continue;
        for (const command of commandsOf(oneWordExpressions(step.run.value))) {
          const found = unpinnedInstall(effectiveWords(command).map((w) => w.text));
          if (!found) continue;
          const at = inside(step.runLine!, lineOfOffset(wf, step.run, command.offset, step.runLine!));
          const names = found.packages.slice(0, 3).join(', ') + (found.packages.length > 3 ? ', ...' : '');
          yield { ...at, message: `${stepLabel(step)} has ${found.tool} install ${names} without an exact version${detailNote(at)}; install from a lock file or pin the version.`, resource: stepLabel(step) } satisfies Hit;
        }
      }
    }
  },  scripts: {
    problem: 'package-installed-by-name',
    examples: {
      positive: ['#!/bin/sh\nset -e\nnpm ci\n# expect\nnpm install -g @example/cli\n'],
      negative: ['#!/bin/sh\nnpm ci\nnpm install -g @example/cli@2.4.1\ngem install rake -v 13.2.1\n'],
    },
    *check(script) {
      for (const command of commandsOf(script.text)) {
        const found = unpinnedInstall(effectiveWords(command).map((w) => w.text));
        if (!found) continue;
        const names = found.packages.slice(0, 3).join(', ') + (found.packages.length > 3 ? ', ...' : '');
        yield { line: lineAtOffset(script.text, command.offset), message: `${found.tool} installs ${names} without an exact version${inScript(script)}; install from a lock file or pin the version.` };
      }
    },
  },
});

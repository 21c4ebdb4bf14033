import { pinProblem } from '../image.js';
import type { Hit } from '../rule.js';
import { get, isYMap, isYScalar, items, pair, text, type YMap, type YNode } from '../yaml/tree.js';
import { isAction, jobLabel, parseUses, stepLabel, withValue, type Job, type Step, type Workflow } from './model.js';
import { workflow, workflowRule } from './rule-kit.js';

/**
 * Actions that restore a cache, and when: `input` names the toggle (absent: the action
 * always restores), `enabled` reads its value (undefined when not set). A `${{ }}` value
 * cannot be judged and counts as enabled.
 */
interface CacheAction {
  action: string;
  input?: string;
  enabled: (value: string | undefined) => boolean;
}

const always = () => true;
const onByDefault = (value: string | undefined) => value === undefined || value !== 'false';
const optIn = (value: string | undefined) => value !== undefined && value !== '' && value !== 'false';

const CACHE_ACTIONS: readonly CacheAction[] = [
  { action: 'actions/cache', enabled: always },
  { action: 'actions/cache/restore', enabled: always },
  { action: 'swatinem/rust-cache', enabled: always },
  { action: 'actions/setup-go', input: 'cache', enabled: onByDefault },
  { action: 'astral-sh/setup-uv', input: 'enable-cache', enabled: onByDefault },
  { action: 'actions/setup-node', input: 'cache', enabled: optIn },
  { action: 'actions/setup-python', input: 'cache', enabled: optIn },
  { action: 'actions/setup-java', input: 'cache', enabled: optIn },
  { action: 'actions/setup-dotnet', input: 'cache', enabled: optIn },
  { action: 'ruby/setup-ruby', input: 'bundler-cache', enabled: optIn },
  { action: 'pyo3/maturin-action', input: 'sccache', enabled: optIn },
  { action: 'gradle/actions/setup-gradle', input: 'cache-disabled', enabled: (v) => v !== 'true' },
  { action: 'gradle/gradle-build-action', input: 'cache-disabled', enabled: (v) => v !== 'true' },
  { action: 'docker/build-push-action', input: 'cache-from', enabled: (v) => v !== undefined && /type=gha|\$\{\{/.test(v) },
];

/** Actions that publish a release, a package or an image. */
const PUBLISH_ACTIONS = [
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'svenstaro/upload-release-action',
  'pypa/gh-action-pypi-publish',
  'goreleaser/goreleaser-action',
  'js-devtools/npm-publish',
  'rubygems/release-gem',
];

const PUBLISH_COMMAND = /\b(?:npm|pnpm|yarn|bun)\s+publish\b|\bcargo\s+publish\b|\btwine\s+upload\b|\bgem\s+push\b|\bnuget\s+push\b|\bdocker\s+(?:image\s+)?push\b|\bgh\s+release\s+(?:create|upload)\b|\b(?:poetry|uv|hatch|flit)\s+publish\b|\bgoreleaser\s+release\b/;

function publishes(step: Step): boolean {
  if (PUBLISH_ACTIONS.some((a) => isAction(step, a))) return true;
  if (isAction(step, 'docker/build-push-action')) return withValue(step, 'push')?.value === 'true';
  return step.run !== undefined && typeof step.run.value === 'string' && PUBLISH_COMMAND.test(step.run.value);
}

/** Release branch names: `release`, `release/*`, `v2`, `1.x`, `stable`. */
const RELEASE_BRANCH = /(?:^|\/)releases?(?:\/|-|$)|^v?\d+(?:\.(?:\d+|x|\*))*$|^stable$/i;

/** The trigger that makes every job of the workflow a release job, if any. */
function releaseTrigger(wf: Workflow): string | undefined {
  if (wf.triggers.has('release')) return 'release';
  const push = get(wf.root, 'on', 'push') ?? get(wf.root, 'true', 'push');
  if (!isYMap(push)) return undefined;
  if (pair(push, 'tags')) return 'push of tags';
  const branches = get(push, 'branches');
  const names = isYScalar(branches) ? [text(branches) ?? ''] : items(branches).map((b) => text(b) ?? '');
  const release = names.find((n) => RELEASE_BRANCH.test(n));
  return release ? `push to ${release}` : undefined;
}

function cacheUse(step: Step): { line: number; action: string } | undefined {
  if (!step.uses) return undefined;
  const action = parseUses(step.uses).action.toLowerCase();
  const known = CACHE_ACTIONS.find((c) => c.action === action);
  if (!known) return undefined;
  const toggle = known.input ? withValue(step, known.input) : undefined;
  if (!known.enabled(toggle ? (/\$\{\{/.test(toggle.value) && known.input !== 'cache-from' ? 'true' : toggle.value.trim()) : undefined)) return undefined;
  // An explicit opt-in is the line to change; a cache on by default is changed at the step.
  return { line: toggle?.line ?? step.usesLine!, action };
}

export const cachePoisoning = workflowRule({
  id: 'iac/gha-release-cache-poisoning',
  title: 'Release job restores a shared cache',
  description:
    'A job that builds and publishes a release restores a GitHub Actions cache. Caches are shared across the workflows of a repository: code that runs in any other workflow (a dependency of the test suite, a compromised action, an injection) can write a poisoned entry for the same key, and the release then ships whatever that entry holds.',
  remediation: 'Turn caching off in release and publishing jobs (e.g. `cache: false`, `enable-cache: false`, or drop the cache step) and build releases from a clean state.',
  severity: 'high',
  confidence: 'medium',
  cwe: ['CWE-345'],
  examples: {
    positive: [
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          # expect\n          cache: npm\n      - run: npm ci && npm publish\n'),
      'name: release\non:\n  push:\n    tags: ["v*"]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n        with:\n          go-version: stable\n      - run: go build ./...\n',
    ],
    negative: [
      workflow('      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0\n        with:\n          node-version: 22\n          cache: npm\n      - run: npm ci && npm test\n'),
      workflow('      - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0\n        with:\n          cache: false\n      - run: go build ./...\n', 'release'),
    ],
  },
  *check(wf) {
    const trigger = releaseTrigger(wf);
    for (const job of wf.jobs) {
      const publisher = job.steps.find(publishes);
      if (!trigger && !publisher) continue;
      const why = trigger ? `runs on ${trigger}` : `publishes (${stepLabel(publisher!)})`;
      for (const step of job.steps) {
        const cache = cacheUse(step);
        if (cache) yield { line: cache.line, message: `${stepLabel(step)} restores a cache (${cache.action}) in a job that ${why}; a poisoned cache entry would end up in the release.`, resource: jobLabel(job) } satisfies Hit;
      }
    }
  },
});

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
    'A job `container:` or a service runs an image by the `latest` tag or without a tag at all. Whatever is pushed under that name next runs inside the job, with its token and secrets, and builds stop being reproducible.',
  remediation: 'Name a version, and better a digest: `image: node:22.11-bookworm@sha256:...`.',
  severity: 'medium',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      'name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    # expect\n    container: node\n    services:\n      db:\n        # expect\n        image: postgres:latest\n    steps:\n      - run: npm test\n',
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

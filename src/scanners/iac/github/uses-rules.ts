import type { Hit } from '../rule.js';
import { pair, text } from '../yaml/tree.js';
import { jobLabel, obfuscatedUsesPath, parseUses, stepLabel, type Workflow } from './model.js';
import { workflow, workflowRule } from './rule-kit.js';
import { forbiddenUsesEntry, readZizmorConfig } from './zizmor-config.js';

/** Every `uses:` of the workflow (steps and reusable workflow calls), with its line and a label. */
export function* usesOf(wf: Workflow): Generator<{ uses: string; line: number; label: string }> {
  for (const job of wf.jobs) {
    const reusable = pair(job.node, 'uses');
    const value = text(reusable?.value);
    if (reusable && value) yield { uses: value, line: reusable.keyLine, label: jobLabel(job) };
    for (const step of job.steps) if (step.uses) yield { uses: step.uses, line: step.usesLine!, label: stepLabel(step) };
  }
}

/**
 * Actions published by the vendors or projects that own the tool they set up, and the
 * most used community ones, as `owner/repository`. A `uses:` whose owner is one typing
 * slip away from one of these owners, for a repository of the same name, is very likely
 * a typo, or a look-alike account waiting for one.
 */
const WELL_KNOWN_ACTIONS = [
  'actions/checkout',
  'actions/setup-node',
  'actions/setup-python',
  'actions/setup-go',
  'actions/setup-java',
  'actions/setup-dotnet',
  'actions/cache',
  'actions/upload-artifact',
  'actions/download-artifact',
  'actions/github-script',
  'actions/create-github-app-token',
  'actions/labeler',
  'actions/stale',
  'actions/configure-pages',
  'actions/upload-pages-artifact',
  'actions/deploy-pages',
  'actions/dependency-review-action',
  'actions/attest-build-provenance',
  'actions/first-interaction',
  'github/codeql-action',
  'docker/login-action',
  'docker/build-push-action',
  'docker/setup-buildx-action',
  'docker/setup-qemu-action',
  'docker/metadata-action',
  'docker/bake-action',
  'aws-actions/configure-aws-credentials',
  'aws-actions/amazon-ecr-login',
  'aws-actions/amazon-ecs-deploy-task-definition',
  'aws-actions/amazon-ecs-render-task-definition',
  'azure/login',
  'azure/cli',
  'azure/webapps-deploy',
  'azure/setup-helm',
  'azure/setup-kubectl',
  'azure/k8s-deploy',
  'azure/functions-action',
  'google-github-actions/auth',
  'google-github-actions/setup-gcloud',
  'google-github-actions/deploy-cloudrun',
  'google-github-actions/get-gke-credentials',
  'google-github-actions/upload-cloud-storage',
  'hashicorp/setup-terraform',
  'hashicorp/setup-packer',
  'hashicorp/vault-action',
  'pypa/gh-action-pypi-publish',
  'rubygems/release-gem',
  'ruby/setup-ruby',
  'gradle/actions',
  'pnpm/action-setup',
  'oven-sh/setup-bun',
  'denoland/setup-deno',
  'astral-sh/setup-uv',
  'astral-sh/ruff-action',
  'dtolnay/rust-toolchain',
  'swatinem/rust-cache',
  'actions-rust-lang/setup-rust-toolchain',
  'shivammathur/setup-php',
  'subosito/flutter-action',
  'golangci/golangci-lint-action',
  'goreleaser/goreleaser-action',
  'sigstore/cosign-installer',
  'ossf/scorecard-action',
  'step-security/harden-runner',
  'aquasecurity/trivy-action',
  'aquasecurity/setup-trivy',
  'anchore/sbom-action',
  'anchore/scan-action',
  'codecov/codecov-action',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'peter-evans/create-pull-request',
  'peter-evans/create-or-update-comment',
  'peaceiris/actions-gh-pages',
  'jamesives/github-pages-deploy-action',
  'dorny/paths-filter',
  'tj-actions/changed-files',
  'cloudflare/wrangler-action',
  'slackapi/slack-github-action',
  'pre-commit/action',
];

const KNOWN_OWNERS = new Set(WELL_KNOWN_ACTIONS.map((a) => a.split('/')[0]!));

/** Whether `a` becomes `b` by one typing slip: a character left out, added, replaced, or two neighbours swapped. */
export function oneSlipApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The well-known action a repository reference imitates, if it is one slip away in its owner. */
export function imitatedAction(repository: string): string | undefined {
  const [owner, name] = repository.toLowerCase().split('/');
  if (!owner || !name || KNOWN_OWNERS.has(owner)) return undefined;
  return WELL_KNOWN_ACTIONS.find((known) => {
    const [knownOwner, knownName] = known.split('/') as [string, string];
    return knownName === name && oneSlipApart(owner, knownOwner);
  });
}

export const typosquattedAction = workflowRule({
  id: 'iac/gha-typosquatted-action',
  title: 'Action from a look-alike of a well-known owner',
  description:
    "The step uses `owner/repository` where the owner is one typing slip (a letter left out, doubled, swapped or replaced, `0` for `o`) away from the owner of a well-known action of the same name: `action/checkout` for actions/checkout, `dokcer/login-action` for docker/login-action. Anyone can register such an account and publish an action that does what the real one does and also steals the job's token and secrets; the workflow runs it with the same trust.",
  remediation: 'Correct the owner to the real publisher (and pin the full commit SHA of its release); if the look-alike is intended, make sure it is your own fork and name it unmistakably.',
  severity: 'high',
  confidence: 'medium',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      workflow('      # expect\n      - uses: action/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      # expect\n      - uses: dokcer/login-action@9780b0c442fbb1117ed29e0efdff1e18412f7567 # v3.3.0\n      # expect\n      - uses: aws-actlons/configure-aws-credentials@v4\n'),
      'name: ci\non: push\npermissions: {}\njobs:\n  analyse:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - uses: githbu/codeql-action/init@v3\n',
    ],
    negative: [
      workflow(`      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: Docker/Login-Action@9780b0c442fbb1117ed29e0efdff1e18412f7567 # v3.3.0\n      - uses: example-org/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - uses: ./.github/actions/checkout\n`),
      // A misspelt repository of the real owner fails to resolve; it cannot run anyone else's code.
      workflow('      - uses: actions/chekout@v4\n'),
    ],
  },
  *check(wf) {
    for (const { uses, line, label } of usesOf(wf)) {
      const ref = parseUses(uses);
      if (ref.local || ref.docker) continue;
      const repository = ref.action.split('/').slice(0, 2).join('/');
      const imitated = imitatedAction(repository);
      if (imitated) yield { line, message: `${label} uses ${repository}, one typing slip away from the well-known ${imitated} but owned by another account; check the owner.`, resource: label } satisfies Hit;
    }
  },
});

export const obfuscatedUses = workflowRule({
  id: 'iac/gha-obfuscated-uses',
  title: 'Action reference written with redundant path segments',
  description:
    "A `uses:` path holds `.`, `..` or empty segments (`actions/cache/./restore@v4`, `org/repo/tools/../deploy@v1`, `./.github//actions/x`). GitHub resolves them to a plain path, so the step works, but a reviewer, an allow-list or a scanner matching the plain name does not recognise the action, which is the usual reason to write it that way.",
  remediation: 'Write the plain path (`actions/cache/restore@<sha>`).',
  severity: 'low',
  cwe: ['CWE-656'],
  examples: {
    positive: [
      workflow('      # expect\n      - uses: actions/cache/./restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n      # expect\n      - uses: ./.github/actions/../actions/setup\n'),
      'name: ci\non: push\npermissions: {}\njobs:\n  deploy:\n    # expect\n    uses: example-org/pipelines/.github//workflows/deploy.yml@0cb9c9b65d5d1901c1f53e5e66eaf4afd303e70e\n',
    ],
    negative: [workflow('      - uses: actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n      - uses: ./\n      - uses: ./.github/actions/setup/\n      - uses: docker://alpine:3.20\n')],
  },
  *check(wf) {
    for (const { uses, line, label } of usesOf(wf)) {
      const found = obfuscatedUsesPath(uses);
      if (found.length === 0) continue;
      const ref = parseUses(uses);
      const plain = ref.local ? '' : ` (GitHub reads ${ref.action})`;
      yield { line, message: `${label} uses ${uses}, whose path has ${found.join(' and ')}${plain}; write the plain path.`, resource: label } satisfies Hit;
    }
  },
});

/** The policy the examples of iac/gha-forbidden-uses are checked under, as a zizmor.yml at the scan's root. */
const EXAMPLE_POLICY = readZizmorConfig(
  'zizmor.yml',
  'rules:\n  forbidden-uses:\n    config:\n      allow:\n        - actions/*\n        - github/codeql-action/init@v3\n        - example-org/workflows/*\n',
  (warning) => {
    throw new Error(`example policy: ${warning.message}`);
  },
);

export const forbiddenUses = workflowRule({
  id: 'iac/gha-forbidden-uses',
  title: 'Action the project\'s policy forbids',
  description:
    "The project's zizmor configuration (`rules.forbidden-uses.config` in zizmor.yml) lists the actions a workflow may use (`allow:`) or may not (`deny:`), as repository patterns (`actions/*`, `github/codeql-action/*`, `example-org/tool`, `example-org/tool@v2`), and this `uses:` is one it forbids: an action nobody vetted runs with the job's token and secrets. The rule fires only when such a policy is configured; as in zizmor, `./` local actions and `docker://` images are not judged. Unlike zizmor, a job that calls a reusable workflow (`jobs.<id>.uses:`) is judged too, since that workflow's code runs as well.",
  remediation: 'Replace the action with one the policy allows, or remove the step; if the action was vetted, add it to `allow:` (or take it out of `deny:`) in zizmor.yml.',
  severity: 'high',
  cwe: ['CWE-829'],
  examples: {
    context: { github: { path: '.github/workflows/ci.yml', ...(EXAMPLE_POLICY ? { zizmor: EXAMPLE_POLICY } : {}) } },
    positive: [
      workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      # expect\n      - uses: example-org/deploy-action@v1\n      # expect\n      - uses: github/codeql-action/init@v2\n'),
      'name: ci\non: push\npermissions: {}\njobs:\n  release:\n    # expect\n    uses: other-org/pipelines/.github/workflows/release.yml@0cb9c9b65d5d1901c1f53e5e66eaf4afd303e70e\n',
    ],
    negative: [
      workflow('      - uses: actions/setup-node@v4\n      - uses: Actions/Cache/restore@v4\n      - uses: github/codeql-action/init@v3\n      - uses: ./.github/actions/setup\n      - uses: docker://alpine:3.20\n'),
      'name: ci\non: push\npermissions: {}\njobs:\n  release:\n    uses: example-org/workflows/.github/workflows/release.yml@v1\n',
    ],
  },
  *check(wf) {
    const config = wf.zizmor;
    if (!config?.forbiddenUses) return;
    for (const { uses, line, label } of usesOf(wf)) {
      const ref = parseUses(uses);
      if (ref.local || ref.docker) continue;
      const why = forbiddenUsesEntry(config, ref.action, ref.ref);
      if (why) yield { line, message: `${label} uses ${uses}, which ${why}: the project's policy forbids this action; use an allowed one or change the policy.`, resource: label } satisfies Hit;
    }
  },
});

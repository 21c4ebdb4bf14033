import { rule, type IacRule } from '../rule.js';
import { PRIVILEGED_TRIGGERS, type Workflow } from './model.js';

export type WorkflowRule = IacRule<Workflow>;

export const workflowRule = (definition: Omit<WorkflowRule, 'platform' | 'tags'>): WorkflowRule => rule({ ...definition, platform: 'github-actions' });

/** A workflow with one job `build` whose steps (indented by 6) are `steps`: the shape of most rule examples. */
export function workflow(steps: string, on = 'push', extra = 'permissions:\n  contents: read\n'): string {
  return `name: ci\non: ${on}\n${extra}jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
}

export const PINNED_CHECKOUT = '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n';

export function isPrivileged(wf: Workflow): boolean {
  return [...wf.triggers.keys()].some((t) => PRIVILEGED_TRIGGERS.has(t));
}

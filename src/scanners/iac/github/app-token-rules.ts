import type { Hit } from '../rule.js';
import { isAction, stepLabel, withValue } from './model.js';
import { workflow, workflowRule } from './rule-kit.js';

/** `permission-*` inputs that only concern the organisation: a token with only these has no use for `repositories:`. */
const ORGANISATION_PERMISSION = /^permission-(?:members|organization-[\w-]+|custom-properties-for-organizations|enterprise-custom-properties-for-organizations)$/;

const APP_TOKEN = 'actions/create-github-app-token';

export const broadAppToken = workflowRule({
  id: 'iac/gha-broad-app-token',
  title: 'GitHub App token wider or longer-lived than the job needs',
  description:
    "actions/create-github-app-token mints an installation token of a GitHub App, which often can do far more than the job's GITHUB_TOKEN. By default the token gets every permission the app was installed with; `owner:` without `repositories:` makes it valid for every repository of that installation; and `skip-token-revoke: true` leaves it valid for up to an hour after the job ends. A step that leaks it (a compromised action or dependency, an injection, a log) then hands out all of that.",
  remediation:
    'Name what the job needs: `permission-contents: read`, `permission-pull-requests: write`, ...; with `owner:`, list the `repositories:` the job works on; drop `skip-token-revoke` so the token is revoked when the job ends.',
  severity: 'medium',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      workflow('      # expect\n      - uses: actions/create-github-app-token@d72941d797fd3113feb6b93fd0dec494b13a2547 # v1.12.0\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n'),
      workflow('      - uses: actions/create-github-app-token@d72941d797fd3113feb6b93fd0dec494b13a2547 # v1.12.0\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n          # expect\n          owner: example-org\n          permission-contents: read\n          # expect\n          skip-token-revoke: true\n'),
    ],
    negative: [
      workflow('      - uses: actions/create-github-app-token@d72941d797fd3113feb6b93fd0dec494b13a2547 # v1.12.0\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n          owner: example-org\n          repositories: site,docs\n          permission-contents: write\n'),
      // A token for organisation settings is naturally for the whole owner.
      workflow('      - uses: actions/create-github-app-token@d72941d797fd3113feb6b93fd0dec494b13a2547 # v1.12.0\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n          owner: example-org\n          permission-members: read\n          skip-token-revoke: false\n'),
    ],
  },
  *check(wf) {
    for (const job of wf.jobs) {
      for (const step of job.steps) {
        if (!isAction(step, APP_TOKEN) || !step.with) continue;
        const permissions = step.with.pairs.filter((p) => p.key.toLowerCase().startsWith('permission-')).map((p) => p.key.toLowerCase());
        const label = stepLabel(step);
        if (permissions.length === 0)
          yield { line: step.usesLine!, message: `${label} mints an app token with every permission of the installation; name the permission-* inputs it needs.`, resource: label, severity: 'low' } satisfies Hit;
        const owner = withValue(step, 'owner');
        const organisationOnly = permissions.length > 0 && permissions.every((p) => ORGANISATION_PERMISSION.test(p));
        if (owner && !withValue(step, 'repositories') && !organisationOnly)
          yield { line: owner.line, message: `${label} mints an app token for every repository of ${owner.value.trim() || 'the owner'}'s installation; list the repositories it needs.`, resource: label } satisfies Hit;
        const revoke = withValue(step, 'skip-token-revoke');
        const skipped = revoke?.value.trim().toLowerCase();
        if (revoke && (skipped === 'true' || /\$\{\{/.test(revoke.value)))
          yield { line: revoke.line, message: `${label} ${skipped === 'true' ? 'keeps' : 'may keep'} its app token valid after the job ends (skip-token-revoke); let the action revoke it.`, resource: label } satisfies Hit;
      }
    }
  },
});

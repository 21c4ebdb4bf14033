import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { isSignedJwt } from '../checks/jwt.js';
import { prefixed, revoke } from './common.js';

const RANDOM_AFTER_DASH = (secret: string) => looksRandom(secret.slice(secret.indexOf('-') + 1), 2);

/**
 * The end of a routable token (GitLab's newer format for personal access and runner tokens):
 * after the base64url payload, `.` and a two-character version (in the newer form), then
 * `.`, the payload's length in two base-36 digits and a seven-digit base-36 CRC.
 */
const ROUTABLE_SUFFIX = '(?:(?:\\.[0-9a-z]{2})?\\.[0-9a-z]{9})?';

/**
 * A GitLab token: `prefix` then `body` (regular-expression sources), not inside a longer
 * word; a full stop may end a sentence after it, but not start more of the token.
 */
function gitlabToken(prefix: string, body: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_-])(?<secret>${prefix}${body})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'g');
}

export const gitlabDetectors: Detector[] = [
  {
    id: 'gitlab-pat',
    title: 'GitLab personal access token',
    secretType: 'GitLab personal access token',
    description: 'A GitLab personal, project or group access token (glpat-). It acts as its user or bot on the GitLab API, repositories and registries within its scopes.',
    remediation: revoke('token', 'GitLab > Preferences > Access tokens, or the project/group access token settings'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['glpat-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: gitlabToken('glpat-', `[A-Za-z0-9_-]{20,300}${ROUTABLE_SUFFIX}`),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: [
        'GITLAB_TOKEN=glpat-QufnpjgqYxnMAgIjLm4a',
        'private_token: "glpat-ySqHciYChxRut3joe2xD"',
        // Routable tokens, without and with a version.
        'export GITLAB_TOKEN=glpat-Kq3vX9dLm2RtY7pWc4NsJh8BfZe.0r1k4m7qz',
        'Use glpat-Wd8sK2nQv5TxL9mRb3YcPj6HgFa1Ze0uXo.01.0w1v3h9kq.',
      ],
      negative: ['GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx', 'GITLAB_TOKEN=glpat-<your_token>', 'Tokens look like glpat-ABC.'],
    },
  },
  {
    id: 'gitlab-pipeline-trigger-token',
    title: 'GitLab pipeline trigger token',
    secretType: 'GitLab pipeline trigger token',
    description: 'A GitLab pipeline trigger token (glptt-). It starts pipelines of the project with chosen variables, as the token\'s owner.',
    remediation: revoke('trigger token', 'project > Settings > CI/CD > Pipeline trigger tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['glptt-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('glptt-', '[0-9a-f]{40}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: [
        'curl -X POST -F token=glptt-bd7f08bd76e9f40138635ee8b8a0297b4ed799b8 -F ref=main https://gitlab.example.org/api/v4/projects/7/trigger/pipeline',
        'TRIGGER_TOKEN: glptt-0d21c4f71417626b600f0206c06e0e5cdd4eff94',
      ],
      negative: ['TRIGGER_TOKEN: glptt-0000000000000000000000000000000000000000', 'TRIGGER_TOKEN: $GLPTT_TOKEN', 'token=glptt-bd7f08bd'],
    },
  },
  {
    id: 'gitlab-runner-token',
    title: 'GitLab runner authentication token',
    secretType: 'GitLab runner token',
    description:
      'A GitLab runner authentication token (glrt-, or glrtr- for a runner registered with a registration token). ' +
      'Whoever holds it can run a runner that receives CI jobs, with their variables and secrets.',
    remediation: revoke('runner', 'delete the runner in GitLab (Settings > CI/CD > Runners) and register a new one'),
    severity: 'high',
    confidence: 'high',
    keywords: ['glrt-', 'glrtr-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: gitlabToken('glrtr?-', `[A-Za-z0-9_-]{20,300}${ROUTABLE_SUFFIX}`),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: [
        '  token = "glrt-Y831oQkarddwJvlPafUE"',
        'RUNNER_TOKEN=glrt-FJ-Qd54fxez9tSQZEVDI',
        '  token = "glrtr-Hn5qWz8LcV2xRk7mTbP4"',
        // A routable runner token (runner type t1) whose payload is longer than the old tokens.
        'CI_SERVER_TOKEN=glrt-t1_Vb7kQx2MnL9pRz4YwT6cJh3DfS8aGu5eKo1iNq7XmB4vPl2Ct9Rd6Zs3Hw8Fj.01.0y5k2m9qa',
      ],
      negative: ['  token = "glrt-XXXXXXXXXXXXXXXXXXXX"', 'RUNNER_TOKEN=glrt-', 'RUNNER_TOKEN=glrt-${TOKEN}'],
    },
  },
  {
    id: 'gitlab-deploy-token',
    title: 'GitLab deploy token',
    secretType: 'GitLab deploy token',
    description: 'A GitLab deploy token (gldt-). It reads (or writes) the repository and package or container registries of its project or group.',
    remediation: revoke('deploy token', 'project > Settings > Repository > Deploy tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['gldt-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('gldt-', '[A-Za-z0-9_-]{20,64}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['DEPLOY_TOKEN=gldt-MNMzjoMER9OJLRFDsw9Q', 'docker login -u deployer -p gldt-oMyNzLinI-fY1xDnCNAc registry.gitlab.example.org'],
      negative: ['DEPLOY_TOKEN=gldt-aaaaaaaaaaaaaaaaaaaa', 'DEPLOY_TOKEN=gldt-{{ deploy_token }}', 'see gldt-docs'],
    },
  },
  {
    id: 'gitlab-oauth-app-secret',
    title: 'GitLab OAuth application secret',
    secretType: 'GitLab OAuth application secret',
    description: 'A GitLab OAuth application secret (gloas-). With the application id it lets an attacker impersonate the application to GitLab users.',
    remediation: revoke('application secret', 'GitLab > Applications > the application > Renew secret'),
    severity: 'high',
    confidence: 'high',
    keywords: ['gloas-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('gloas-', '[0-9a-f]{64}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: [
        'GITLAB_APP_SECRET=gloas-113fcd9263490d341f4abd6fc8869405e8f4d3ed8bcfb04f95c44ee8f226e0a1',
        "secret: 'gloas-2e2b68f3d8bf632ca23ee632eb24e1e4777fddb79f3ee3a59cc5d119251a054e'",
      ],
      negative: ['GITLAB_APP_SECRET=gloas-<secret>', 'GITLAB_APP_SECRET=gloas-...', 'prefix gloas- marks OAuth application secrets'],
    },
  },
  {
    id: 'gitlab-agent-token',
    title: 'GitLab agent for Kubernetes token',
    secretType: 'GitLab agent token',
    description:
      'A GitLab agent for Kubernetes token (glagent-). Whoever holds it can connect as the cluster\'s agent and receive ' +
      'the GitOps manifests and CI/CD tunnel requests meant for the cluster, or cut the cluster off from them.',
    remediation: revoke('agent token', 'project > Operate > Kubernetes clusters > the agent > Access tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['glagent-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('glagent-', '[A-Za-z0-9_-]{50}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: [
        'helm upgrade --install k8s-agent gitlab/gitlab-agent --set config.token=glagent-lsxF4pKtf59hv5-kLRTEqrB0U17HtxyLX6-gjt74TEg8iWqs6S',
        'config:\n  token: glagent-tDcK_dyNkkUtsP7HrD2tpv_dRc4mbVfyHGJhVi6Tsky2_4nBME\n',
      ],
      negative: ['  token: glagent-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '  token: glagent-<token>', 'Agent tokens start with glagent-.'],
    },
  },
  {
    id: 'gitlab-scim-token',
    title: 'GitLab SCIM token',
    secretType: 'GitLab SCIM token',
    description: 'A GitLab SCIM token (glsoat-). It provisions and deprovisions the members of its group or instance through the SCIM API.',
    remediation: revoke('SCIM token', 'group > Settings > SAML SSO > Generate a SCIM token (replaces the old one)'),
    severity: 'high',
    confidence: 'high',
    keywords: ['glsoat-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('glsoat-', '[A-Za-z0-9_-]{20}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['GITLAB_SCIM_TOKEN=glsoat-YoW9ryQrJwzc5RQTPAU1', 'Authorization: Bearer glsoat-G4FFlPXtoC8eWMTEKvnR'],
      negative: ['GITLAB_SCIM_TOKEN=glsoat-XXXXXXXXXXXXXXXXXXXX', 'GITLAB_SCIM_TOKEN=glsoat-...', 'SCIM tokens start with glsoat-.'],
    },
  },
  {
    id: 'gitlab-feed-token',
    title: 'GitLab feed token',
    secretType: 'GitLab feed token',
    description: 'A GitLab feed token (glft-). It reads the RSS and Atom feeds and calendar of its user, which list the titles and activity of private projects, issues and merge requests.',
    remediation: revoke('feed token', 'GitLab > Preferences > Access tokens > Feed token > Reset'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['glft-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('glft-', '[A-Za-z0-9_-]{20}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['https://gitlab.example.org/dashboard/issues.atom?feed_token=glft-n1258pnc_I2f5ZjQcWvi&state=opened', 'GITLAB_FEED_TOKEN=glft-Z4wjHa8uXJU2_NRMAUuI'],
      negative: ['https://gitlab.example.org/dashboard/issues.atom?feed_token=glft-xxxxxxxxxxxxxxxxxxxx', 'GITLAB_FEED_TOKEN=glft-<token>', 'feed tokens (glft-) are reset in preferences'],
    },
  },
  {
    id: 'gitlab-incoming-email-token',
    title: 'GitLab incoming email token',
    secretType: 'GitLab incoming email token',
    description: 'A GitLab incoming email token (glimt-), part of the address that creates issues and merge requests by email as its user.',
    remediation: revoke('incoming email token', 'GitLab > Preferences > Access tokens > Incoming email token > Reset'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['glimt-'],
    anchor: 'keyword',
    caseSensitive: true,
    // In the address incoming+<project>-<id>-<token>-issue@ it sits between dashes.
    pattern: /(?<![A-Za-z0-9_])(?<secret>glimt-[A-Za-z0-9_-]{25})(?![A-Za-z0-9_])/g,
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['ISSUE_EMAIL=incoming+acme-app-7-glimt-ZAP8jvEwva7mKlFhQ7nwXiQmu-issue@gitlab.example.org', 'GITLAB_INCOMING_EMAIL_TOKEN=glimt-MOgLEooQwNJPN2nO_oGRuVmBd'],
      negative: ['GITLAB_INCOMING_EMAIL_TOKEN=glimt-xxxxxxxxxxxxxxxxxxxxxxxxx', 'GITLAB_INCOMING_EMAIL_TOKEN=glimt-...', 'incoming email tokens start with glimt-'],
    },
  },
  {
    id: 'gitlab-ci-job-token',
    title: 'GitLab CI/CD job token',
    secretType: 'GitLab CI/CD job token',
    description:
      'A GitLab CI/CD job token (glcbt-, the CI_JOB_TOKEN of a job): a partition id and a random part, or a signed JWT in ' +
      'newer GitLab. While its job runs it clones the projects, reads the packages, artifacts and registries and calls ' +
      'the API endpoints the job may use, as the user who started the job. A leaked job log or artifact is where it is found.',
    remediation: revoke('job token', 'cancel the job if it still runs: the token dies with it; then find where it was written out (job log, artifact, file)'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['glcbt-'],
    anchor: 'keyword',
    caseSensitive: true,
    // A JWT job token is several hundred characters long.
    window: { before: 10, after: 4000 },
    pattern: gitlabToken('glcbt-', '(?:[0-9a-f]{1,5}_[A-Za-z0-9_-]{20}|eyJ[A-Za-z0-9_-]{8,2000}\\.[A-Za-z0-9_-]{8,4000}\\.[A-Za-z0-9_-]{32,1000})'),
    check: (secret) => {
      const body = secret.slice('glcbt-'.length);
      return body.startsWith('eyJ') ? isSignedJwt(body) : looksRandom(body.slice(body.indexOf('_') + 1), 2);
    },
    examples: {
      positive: [
        'curl --header "JOB-TOKEN: glcbt-64_Ju7bRk2xQm9WcT4nLp8H" https://gitlab.example.org/api/v4/job',
        'CI_JOB_TOKEN=glcbt-eyJraWQiOiJ0ZXN0LWtleSIsInR5cCI6IkpXVCIsImFsZyI6IlJTMjU2In0.eyJ2ZXJzaW9uIjoiMC4xLjAiLCJvIjoiMjIiLCJ1IjoiOGsiLCJwIjoiZDQiLCJqdGkiOiI1ZTFhYjc2Yy0xZjNkLTQ5YjctOWY1Ny0yYzBkOGUxZjNhNmIiLCJhdWQiOiJnaXRsYWItYXV0aHotdG9rZW4iLCJzdWIiOiJnaWQ6Ly9naXRsYWIvQ2k6OkJ1aWxkLzQwMTczIiwiaXNzIjoiZ2l0bGFiLmV4YW1wbGUub3JnIiwiaWF0IjoxNzMwMDAwMDAwLCJleHAiOjE3MzAwMDM2MDB9.Qm9zZ1Z4N2tQd3J0TXo0bkxjOHlKaDJxRmI5WHM2RGc1bVJ2VDNrV2Y4cE56MWhMYzdZdw',
      ],
      negative: [
        'curl --header "JOB-TOKEN: $CI_JOB_TOKEN" https://gitlab.example.org/api/v4/job',
        'token=glcbt-64_XXXXXXXXXXXXXXXXXXXX',
        'Job tokens start with glcbt- since GitLab 16.9.',
      ],
    },
  },
  {
    id: 'gitlab-feature-flag-client-token',
    title: 'GitLab feature flags client token',
    secretType: 'GitLab feature flags client token',
    description:
      'A GitLab feature flags client token (glffct-, the "instance ID" of a project\'s Unleash API). It reads every ' +
      'feature flag of the project, with its strategies and user lists (user ids or email addresses).',
    remediation: revoke('client token', 'project > Deploy > Feature flags > Configure > Reset the instance ID'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['glffct-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('glffct-', '[A-Za-z0-9_-]{20}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['UNLEASH_INSTANCE_ID=glffct-Ry4nVz8wKc2TqB7mHs5d', "instanceId: 'glffct-p3Ga_Jx9WnQe6KtM1vLb'"],
      negative: ['UNLEASH_INSTANCE_ID=glffct-xxxxxxxxxxxxxxxxxxxx', 'UNLEASH_INSTANCE_ID=glffct-<instance-id>', 'client tokens start with glffct-'],
    },
  },
  {
    id: 'gitlab-workspace-token',
    title: 'GitLab workspace token',
    secretType: 'GitLab workspace token',
    description: 'A GitLab workspace token (glwt-), with which a remote development workspace authenticates to the GitLab agent for Kubernetes that runs it.',
    remediation: revoke('workspace token', 'stop and delete the workspace (Your work > Workspaces), which revokes its token, and create a new one'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['glwt-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('glwt-', '[A-Za-z0-9_-]{20}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['GL_WORKSPACE_TOKEN=glwt-Fq8mT2vXc9LbK4nRw7Hd', 'token: "glwt-Zs3e_Pk6YjN1gVx5UaM8"'],
      negative: ['GL_WORKSPACE_TOKEN=glwt-XXXXXXXXXXXXXXXXXXXX', 'GL_WORKSPACE_TOKEN=glwt-${TOKEN}', 'workspace tokens (glwt-) arrived in GitLab 18.2'],
    },
  },
  {
    id: 'gitlab-session-cookie',
    title: 'GitLab session cookie',
    secretType: 'GitLab session cookie',
    description:
      'A GitLab session cookie (_gitlab_session=). Until the session expires (a week by default) or its user signs out, ' +
      'it is the signed-in user in the browser: every project, setting and token the user can reach.',
    remediation:
      'Sign the session out (GitLab > Preferences > Active sessions > Revoke), then remove the cookie from the file. ' +
      'Use a personal access token with the scopes needed for scripts instead of a browser session.',
    severity: 'high',
    confidence: 'high',
    keywords: ['_gitlab_session='],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9])_gitlab_session=(?<secret>[0-9a-z]{32})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret, 2),
    examples: {
      positive: [
        'curl --cookie "_gitlab_session=7f3c9a1e5b2d8f4061c7e9a3b5d1f2e8" https://gitlab.example.org/api/v4/user',
        'Cookie: _gitlab_session=c41e9b7f2a6d3e8c05f1b9a7d2e4c6f3; known_sign_in=1',
      ],
      negative: ['curl --cookie "_gitlab_session=$SESSION" https://gitlab.example.org', 'Cookie: _gitlab_session=00000000000000000000000000000000'],
    },
  },
  {
    id: 'gitlab-runner-registration-token',
    title: 'GitLab runner registration token',
    secretType: 'GitLab runner registration token',
    description:
      'A GitLab runner registration token (GR1348941, deprecated). Whoever holds it can register runners to its ' +
      'project, group or instance, which then receive CI jobs with their variables and secrets.',
    remediation: revoke('registration token', 'reset it in the project, group or admin CI/CD > Runners settings, and move to runner authentication tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['GR1348941'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('GR1348941', '[A-Za-z0-9_-]{20}'),
    check: (secret) => looksRandom(secret.slice('GR1348941'.length), 2),
    examples: {
      positive: [
        'gitlab-runner register --non-interactive --url https://gitlab.example.org --registration-token GR1348941wP7kXq2Lc9VmTz4bRn8H',
        'REGISTRATION_TOKEN: "GR1348941_b5Nq8yKd3Jx6Wv2TfMs"',
      ],
      negative: ['--registration-token GR1348941XXXXXXXXXXXXXXXXXXXX', '--registration-token GR1348941$REGISTRATION_TOKEN', 'registration tokens start with GR1348941'],
    },
  },
];

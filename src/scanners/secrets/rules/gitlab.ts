import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { prefixed, revoke } from './common.js';

const RANDOM_AFTER_DASH = (secret: string) => looksRandom(secret.slice(secret.indexOf('-') + 1), 2);

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
    pattern: prefixed('glpat-', '[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?', 'A-Za-z0-9_.-'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['GITLAB_TOKEN=glpat-QufnpjgqYxnMAgIjLm4a', 'private_token: "glpat-ySqHciYChxRut3joe2xD"'],
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
    description: 'A GitLab runner authentication token (glrt-). Whoever holds it can register a runner that receives CI jobs, with their variables and secrets.',
    remediation: revoke('runner', 'delete the runner in GitLab (Settings > CI/CD > Runners) and register a new one'),
    severity: 'high',
    confidence: 'high',
    keywords: ['glrt-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('glrt-', '[A-Za-z0-9_-]{20,64}'),
    check: RANDOM_AFTER_DASH,
    examples: {
      positive: ['  token = "glrt-Y831oQkarddwJvlPafUE"', 'RUNNER_TOKEN=glrt-FJ-Qd54fxez9tSQZEVDI'],
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
];

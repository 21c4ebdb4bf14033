import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { hasValidCrc32Suffix } from '../checks/token-checksum.js';
import { prefixed, revoke } from './common.js';

const REVOKE_PAT = revoke('token', 'GitHub > Settings > Developer settings > Personal access tokens');
const CHECKSUM = (secret: string) => hasValidCrc32Suffix(secret, 4);

export const githubDetectors: Detector[] = [
  {
    id: 'github-pat',
    title: 'GitHub personal access token (classic)',
    secretType: 'GitHub personal access token',
    description:
      'A classic GitHub personal access token (ghp_ with a valid CRC32 checksum). It acts as the user on every repository ' +
      'and organization its scopes reach: push code, read private repositories, change workflows.',
    remediation: REVOKE_PAT,
    severity: 'critical',
    confidence: 'high',
    keywords: ['ghp_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('ghp_', '[A-Za-z0-9]{36}'),
    check: CHECKSUM,
    allowPlaceholders: true,
    verifier: 'github',
    examples: {
      positive: ['GITHUB_TOKEN=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', "git remote set-url origin https://x-access-token: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@github.com/acme/api.git"],
      negative: [
        'GITHUB_TOKEN=ghp_IehE8EtXQLzHwcrQlAjGnVwQN0Wp9J11aLQq',
        'token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'GITHUB_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyz',
      ],
    },
  },
  {
    id: 'github-fine-grained-pat',
    title: 'GitHub fine-grained personal access token',
    secretType: 'GitHub fine-grained personal access token',
    description:
      'A fine-grained GitHub personal access token (github_pat_...). It acts as the user on the repositories and permissions ' +
      'it was created for.',
    remediation: REVOKE_PAT,
    severity: 'critical',
    confidence: 'high',
    keywords: ['github_pat_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('github_pat_', '[A-Za-z0-9]{22}_[A-Za-z0-9]{59}'),
    check: (secret) => looksRandom(secret.slice(11), 3),
    verifier: 'github',
    examples: {
      positive: [
        'GH_TOKEN=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',
        '"token": "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"',
      ],
      negative: [
        'GH_TOKEN=github_pat_XXXXXXXXXXXXXXXXXXXXXX_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        'Fine-grained tokens start with github_pat_ and are 93 characters long.',
        'GH_TOKEN=github_pat_MqYTiatfSlZ5wnnY3Dwtw0_rHfDkDIGJbVPk',
      ],
    },
  },
  {
    id: 'github-oauth-token',
    title: 'GitHub OAuth access token',
    secretType: 'GitHub OAuth access token',
    description: 'A GitHub OAuth app access token (gho_ with a valid checksum). It acts as the user who authorized the app, within its scopes.',
    remediation: revoke('token', 'GitHub > Settings > Applications > Authorized OAuth Apps > Revoke, or the app\'s token API'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['gho_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('gho_', '[A-Za-z0-9]{36}'),
    check: CHECKSUM,
    allowPlaceholders: true,
    verifier: 'github',
    examples: {
      positive: ['oauth_token: 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', 'headers = {"Authorization": "token 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"}'],
      negative: ['oauth_token: gho_16C7e42F292c6912E7710c838347Ae178B4a', 'oauth_token: gho_tbiiewoO2dpeve3YXXk0sIRcQdPfZp4Bu1j', 'Tokens of OAuth apps start with gho_.'],
    },
  },
  {
    id: 'github-app-token',
    title: 'GitHub App token',
    secretType: 'GitHub App token',
    description:
      'A GitHub App user-to-server (ghu_) or installation (ghs_) token with a valid checksum. It acts as the app installation ' +
      'or on behalf of a user, with the app\'s permissions, until it expires.',
    remediation: revoke('token', 'DELETE /installation/token or the app\'s settings; rotate the app\'s private key if it leaked too'),
    severity: 'high',
    confidence: 'high',
    keywords: ['ghu_', 'ghs_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>gh[us]_[A-Za-z0-9]{36})(?![A-Za-z0-9_-])/g,
    check: CHECKSUM,
    allowPlaceholders: true,
    verifier: 'github',
    examples: {
      positive: ['GITHUB_APP_TOKEN=ghu_cuUHiu1PiI8VtMQlXvKUxYmGAPCETx2dotx3', 'installation_token = "ghs_ofrYFF3oEbcTiYPWIUzHBOfjCtfbg63ZfQiR"'],
      negative: ['GITHUB_APP_TOKEN=ghu_cuUHiu1PiI8VtMQlXvKUxYmGAPCETx2dotx4', 'token = "ghs_************************************"', 'enum Kind { ghs_ = 1 }'],
    },
  },
  {
    id: 'github-refresh-token',
    title: 'GitHub refresh token',
    secretType: 'GitHub refresh token',
    description: 'A GitHub App refresh token (ghr_ with a valid checksum). It is exchanged for new user-to-server tokens for months.',
    remediation: revoke('refresh token', 'revoke the user\'s authorization of the GitHub App'),
    severity: 'high',
    confidence: 'high',
    keywords: ['ghr_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('ghr_', '[A-Za-z0-9]{36}'),
    check: CHECKSUM,
    allowPlaceholders: true,
    verifier: 'github',
    examples: {
      positive: ['refresh_token=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', '{"refresh_token": "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"}'],
      negative: ['refresh_token=ghr_lpGcVRARoWASOR5QVieZlhmHIjVFLJ4RPPEy', 'refresh_token=ghr_<refresh-token>', 'ghr_ tokens refresh user-to-server tokens.'],
    },
  },
];

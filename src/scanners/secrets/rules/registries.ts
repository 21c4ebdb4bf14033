import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { isPlaceholder } from '../checks/placeholders.js';
import { hasValidCrc32Suffix } from '../checks/token-checksum.js';
import { prefixed, revoke } from './common.js';

/** An Artifactory reference token decodes to reftkn:01:<expiry>:<random part>. */
function isReferenceToken(decoded: string): boolean {
  const parts = /^reftkn:01:\d{10}:([A-Za-z0-9]{20,})$/.exec(decoded);
  return parts !== null && looksRandom(parts[1]!, 3);
}

/** Package registries and build infrastructure: publish rights are supply-chain attacks waiting to happen. */
export const registryDetectors: Detector[] = [
  {
    id: 'npm-access-token',
    title: 'npm access token',
    secretType: 'npm access token',
    description:
      'An npm access token (npm_ with a valid CRC32 checksum). Publish-capable tokens let an attacker push a malicious ' +
      'version of every package the account maintains.',
    remediation: revoke('token', 'npmjs.com > Access Tokens, or `npm token revoke`; prefer granular, short-lived tokens or trusted publishing'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['npm_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('npm_', '[A-Za-z0-9]{36}'),
    check: (secret) => hasValidCrc32Suffix(secret, 4),
    allowPlaceholders: true,
    verifier: 'npm',
    examples: {
      positive: ['//registry.example.org/:_authToken=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', 'NPM_TOKEN=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'],
      negative: ['NPM_TOKEN=npm_4l1vnqlczrEK8tjwm8LeCCj08veyoD0Nr3Zc', 'const prefix = process.env.npm_config_prefix;', 'NPM_TOKEN=npm_000000000000000000000000000000000000'],
    },
  },
  {
    id: 'npmrc-auth-token',
    title: 'npm registry credential in .npmrc or .yarnrc',
    secretType: 'npm registry credential',
    description:
      'An _authToken, _auth or _password value for a package registry (.npmrc, .yarnrc.yml npmAuthToken). It gives the ' +
      'registry rights of its account, often publish rights, to anyone with the file.',
    remediation:
      revoke('token', 'the registry\'s token settings') + ' In .npmrc write `_authToken=${NPM_TOKEN}` and set the variable in CI.',
    severity: 'high',
    confidence: 'high',
    keywords: ['_auth', '_password', 'npmauthtoken'],
    anchor: 'keyword',
    kinds: ['ini', 'yaml', 'env', 'dockerfile', 'docs', 'other'],
    pattern: /(?:(?<=^|[:\s])_(?:authToken|auth|password)|npmAuthToken)["']?\s*[=:]\s*["']?(?<secret>[A-Za-z0-9+/=._~-]{16,})/gim,
    check: (secret) => looksRandom(secret, 2),
    priority: 8,
    verifier: 'npm',
    examples: {
      positive: [
        { path: '.npmrc', text: 'registry=https://registry.example.org/\n//registry.example.org/:_authToken=e66a43f0-66ec-454e-b23c-8afb13250bf6\n' },
        { path: '.yarnrc.yml', text: 'npmScopes:\n  acme:\n    npmAuthToken: "68a64295-1b01-4aa2-b36c-42890c0ebd46"\n' },
      ],
      negative: [
        { path: '.npmrc', text: '//registry.example.org/:_authToken=${NPM_TOKEN}\n' },
        { path: 'lib/client.js', text: 'this._auth = options.authorization;\n' },
        { path: '.npmrc', text: 'always-auth=true\n_auth=\n' },
      ],
    },
  },
  {
    id: 'pypi-token',
    title: 'PyPI API token',
    secretType: 'PyPI API token',
    description: 'A PyPI API token (pypi-AgEIcHlwaS5vcmc..., a macaroon for pypi.org). It uploads releases of the projects in its scope.',
    remediation: revoke('token', 'pypi.org > Account settings > API tokens; prefer trusted publishing from CI'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['pypi-AgEIcHlwaS5vcmc', 'pypi-AgENdGVzdC5weXBpLm9yZw'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('pypi-', 'Ag[A-Za-z0-9_-]{70,}'),
    check: (secret) => /pypi\.org/.test(Buffer.from(secret.slice(5, 40), 'base64url').toString('latin1')),
    allowPlaceholders: true,
    examples: {
      positive: [
        '[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcC5ZR0esDNSxFXcNb_dj_2z-yQpe5qfYuQvE-jUvfrSPddxA5G1oij3WRC_gyVCKxesUoDA9YOmjq5BbbOzIQAFrNiiTUHKxUkRbAumezAAhvP7NmcONWNEX2r_4qEI_XchC8cFtNML-qANgPxY0APrPzQeZvkXjzjPfjYwD7OZk4caHfW0Qn8B99MbNrj5sh8fDCdM8NI',
        'TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcCJWJwL3J658ZJa_RRbyacu7nbSl397Irdl0tru576GqeWkQrzZY0KbioKma1GtDUzCPOmd5rm80rDZMl4IGQVEEpOexYChBLebzxNSD2nlKnpa_VOHlW824fqCMisy0zQMsUdh0Dugfx-h8LjkV9ehuRjAyf8twNdjzVDrR_Cvd7fZ_SyHW1P0bWTe_a5Ek-LXHX5hyGs',
      ],
      negative: ['TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmc...', 'password = pypi-<token>', 'Tokens start with pypi-AgEIcHlwaS5vcmc, the encoding of pypi.org.'],
    },
  },
  {
    id: 'rubygems-api-key',
    title: 'RubyGems API key',
    secretType: 'RubyGems API key',
    description: 'A RubyGems.org API key (rubygems_). It pushes and yanks gem versions of the account.',
    remediation: revoke('API key', 'rubygems.org > Settings > API keys'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['rubygems_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('rubygems_', '[0-9a-f]{48}'),
    check: (secret) => looksRandom(secret.slice(9), 2),
    examples: {
      positive: [
        '---\n:rubygems_api_key: rubygems_6e9733202ee7271607f8d25734bd10e6cacc83ac72a2f1c0\n',
        'GEM_HOST_API_KEY=rubygems_065a77702f5aec9a5b1e76172a5c5e9dce436b52b6bf66f7',
      ],
      negative: [':rubygems_api_key: rubygems_000000000000000000000000000000000000000000000000', 'GEM_HOST_API_KEY=rubygems_<key>', 'gem "rubygems_plugin"'],
    },
  },
  {
    id: 'nuget-api-key',
    title: 'NuGet API key',
    secretType: 'NuGet API key',
    description: 'A nuget.org API key (oy2 + 43 characters). It pushes or unlists package versions of its owner.',
    remediation: revoke('API key', 'nuget.org > API Keys'),
    severity: 'critical',
    confidence: 'high',
    keywords: ['oy2'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9])(?<secret>oy2[a-z0-9]{43})(?![A-Za-z0-9])/g,
    check: (secret) => looksRandom(secret, 2, 4.0),
    examples: {
      positive: ['dotnet nuget push pkg.nupkg --api-key oy22vkcx59sk4dy8g4h2u9n3lihhwu2td48wgh176mooed --source https://nuget.example.org', 'NUGET_API_KEY=oy2nmip3xqpkf7am5igpzt5p1xe0kuhfepp0gsgcp6l0e6'],
      negative: ['NUGET_API_KEY=oy2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'color: #ffoy2', 'NUGET_API_KEY=oy2nmip3xqpkf7am5igpzt5p1x'],
    },
  },
  {
    id: 'dockerhub-token',
    title: 'Docker Hub access token',
    secretType: 'Docker Hub access token',
    description: 'A Docker Hub personal or organization access token (dckr_pat_, dckr_oat_). It pulls private images and, with write scope, pushes images others will run.',
    remediation: revoke('token', 'Docker Hub > Account settings > Personal access tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['dckr_pat_', 'dckr_oat_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(9), 2),
    examples: {
      positive: ['echo dckr_pat_K000rzZ-sQLQRyPeLA_VcL3gxyi | docker login -u acme --password-stdin', 'DOCKERHUB_TOKEN: dckr_pat_N29i3KoKRpsKc0IUkr1MFpeUtpU'],
      negative: ['DOCKERHUB_TOKEN: dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx', 'DOCKERHUB_TOKEN: ${{ secrets.DOCKERHUB_TOKEN }}', 'Tokens begin with dckr_pat_.'],
    },
  },
  {
    id: 'docker-config-auth',
    title: 'Registry password in Docker config.json',
    secretType: 'container registry credential',
    description: 'An "auth" entry of a Docker config.json (base64 of user:password). It logs in to the registry as that user.',
    remediation: revoke('password or token', 'the registry\'s account settings') + ' Use a credential helper (credsStore) instead of inline auth.',
    severity: 'high',
    confidence: 'high',
    keywords: ['"auth"'],
    anchor: 'keyword',
    kinds: ['json', 'other'],
    pattern: /"auth"\s*:\s*"(?<secret>[A-Za-z0-9+/]{8,400}={0,2})"/g,
    check: (secret) => {
      const decoded = /^([^:\s]+):(.+)$/.exec(Buffer.from(secret, 'base64').toString('utf8'));
      return decoded !== null && decoded[2]!.length >= 6 && !isPlaceholder(decoded[2]!) && !/[\u0000-\u001f\ufffd]/.test(decoded[2]!);
    },
    examples: {
      positive: [
        { path: '.docker/config.json', text: '{\n  "auths": {\n    "registry.example.org": {\n      "auth": "ZGVwbG95OlkxQ1RqOXlSNzlSeUpXRWw="\n    }\n  }\n}' },
        { path: 'ci/docker-config.json', text: '{"auths":{"ghcr.example.org":{"auth":"ZGVwbG95OkZPVzdQNHc2eWU3bEQzdFY="}}}' },
      ],
      negative: [
        { path: '.docker/config.json', text: '{"auths":{"registry.example.org":{"auth":"dXNlcjpwYXNzd29yZA=="}}}' },
        { path: '.docker/config.json', text: '{"auths":{"registry.example.org":{}},"credsStore":"desktop"}' },
        { path: 'package.json', text: '{"scripts":{"auth":"node scripts/auth.js"}}' },
      ],
    },
  },
  {
    id: 'pulumi-access-token',
    title: 'Pulumi access token',
    secretType: 'Pulumi access token',
    description: 'A Pulumi Cloud access token (pul-). It reads and changes stack state, which holds the secrets and resources of the infrastructure.',
    remediation: revoke('token', 'Pulumi Cloud > Settings > Access tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['pul-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('pul-', '[a-f0-9]{40}'),
    check: (secret) => looksRandom(secret.slice(4), 2),
    examples: {
      positive: ['PULUMI_ACCESS_TOKEN=pul-1352e58f9075bc67e6690578adbdfc181c3616d8', "pulumi_token: 'pul-915927171ac69b013d06d1e56e1f58bd3bef63a5'"],
      negative: ['PULUMI_ACCESS_TOKEN=pul-0000000000000000000000000000000000000000', 'PULUMI_ACCESS_TOKEN=pul-...', 'import "github.com/acme/pul-lib"'],
    },
  },
  {
    id: 'terraform-cloud-token',
    title: 'Terraform Cloud / HCP Terraform API token',
    secretType: 'Terraform Cloud API token',
    description: 'A Terraform Cloud (HCP Terraform) API token (xxxx.atlasv1.xxxx). It runs plans and applies and reads state and variables of the workspaces it reaches.',
    remediation: revoke('token', 'HCP Terraform > User settings > Tokens, or the team/organization token settings'),
    severity: 'high',
    confidence: 'high',
    keywords: ['atlasv1'],
    pattern: /(?<![A-Za-z0-9])(?<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_=-])/g,
    check: (secret) => looksRandom(secret.slice(23), 3),
    examples: {
      positive: [
        { path: '.terraformrc', text: 'credentials "app.terraform.io" {\n  token = "pse1t9hkm485g7.atlasv1.MiA1NrMRG49hjrBxpDyGGakONANvovbe-1TRi24ajgp9RzLuDOLiIRKQxvNwrc_twpx"\n}\n' },
        'TF_TOKEN_app_terraform_io=0utw6p6w39sjkj.atlasv1.iM7mUtf5IgIPgPOiCvaS01_32gn2Wt5-1XGFCtlvwWAtPYvyHyVjrdkS2p7Dx2vG-Rh',
      ],
      negative: [
        'TF_TOKEN_app_terraform_io=xxxxxxxxxxxxxx.atlasv1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'Tokens contain .atlasv1. in the middle.',
        'TF_TOKEN_app_terraform_io=${TFC_TOKEN}',
      ],
    },
  },
  {
    id: 'jfrog-token',
    title: 'JFrog Artifactory API key or reference token',
    secretType: 'JFrog access token',
    description:
      'A JFrog Artifactory API key (AKCp, 73 characters) or access reference token (base64 of reftkn:01:..., 64 ' +
      'characters). It acts as its user on the JFrog platform: it downloads private artifacts and, where the user may ' +
      'deploy, replaces the packages and images builds pull from.',
    remediation: revoke('API key or token', 'JFrog Platform > Edit Profile > API Key / Identity Tokens, or Administration > Access Tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['AKCp', 'cmVmdGtuOjAxOj'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9+/])(?<secret>AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj[A-Za-z0-9]{50})(?![A-Za-z0-9+/=])/g,
    check: (secret) =>
      secret.startsWith('AKCp')
        ? looksRandom(secret.slice(4), 3)
        : isReferenceToken(Buffer.from(secret, 'base64').toString('latin1')),
    examples: {
      positive: [
        'ARTIFACTORY_API_KEY=AKCp72b6ml8j5FypyOe7hUzci3qLQb72PjRmyPHWpazlbRN0gqkmcfFJoVCVOCrPkoDw3Zyqs',
        'curl -H "Authorization: Bearer cmVmdGtuOjAxOjE3NDE1NzE3NDk6SnNSa2lOc0MyU3FUZEY1UlN0dkJVUWZMdEN6" https://acme.jfrog.example.org/artifactory/api/repositories',
      ],
      negative: [
        'ARTIFACTORY_API_KEY=AKCpXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        'JFROG_ACCESS_TOKEN=cmVmdGtuOjAxOjAwMDAwMDAwMDA6eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4',
        'ARTIFACTORY_API_KEY=AKCp...',
      ],
    },
  },
  {
    id: 'clojars-deploy-token',
    title: 'Clojars deploy token',
    secretType: 'Clojars deploy token',
    description: 'A Clojars deploy token (CLOJARS_). It publishes new versions of its user\'s or group\'s libraries, which every project that depends on them then downloads.',
    remediation: revoke('deploy token', 'Clojars > Dashboard > Deploy Tokens > Disable'),
    severity: 'high',
    confidence: 'high',
    keywords: ['CLOJARS_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('CLOJARS_', '[a-z0-9]{60}'),
    check: (secret) => looksRandom(secret.slice('CLOJARS_'.length), 2),
    examples: {
      positive: ['CLOJARS_PASSWORD=CLOJARS_8m4uuuz19mua3ecz69r5ctg3cqubg13ftuc8xldz1c8k1kai4ekb2wprdimk', ':password "CLOJARS_v8tz2towt222misaevpssls3776t1hjpjs7fg4ex9wm8u7h1hzkizqtvrqpj"'],
      negative: ['CLOJARS_PASSWORD=CLOJARS_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'CLOJARS_USERNAME=acme', 'export CLOJARS_DEPLOY_TOKEN=$TOKEN'],
    },
  },
];

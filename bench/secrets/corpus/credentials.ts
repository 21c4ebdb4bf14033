import {
  ALNUM,
  BASE64URL,
  DIGITS,
  HEX,
  LOWER,
  UPPER,
  base64Of,
  discordBotToken,
  githubToken,
  jwt,
  mixed,
  npmToken,
  pypiToken,
  uuid,
  type Rng,
} from '../fake-credentials.js';

/**
 * Credential types planted in the accuracy corpus: how to make a value with the real
 * structure, which names it usually goes by, and which detectors count as finding it.
 */
export interface CredentialSpec {
  type: string;
  /** Detector ids (without "secrets/") that count as a correct finding. */
  accept: readonly string[];
  /** Typical variable names (SCREAMING_SNAKE; renderers derive other cases). */
  names: readonly string[];
  value(rng: Rng): string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

function humanPassword(rng: Rng): string {
  const words = ['Winter', 'Harbor', 'Falcon', 'Copper', 'Meadow', 'Orbit', 'Lantern', 'Cedar', 'Marble', 'Tundra', 'Velvet', 'Quartz'];
  const symbols = ['!', '#', '$', '%', '&', '*', '@', '?', '+'];
  return rng.pick([
    () => `${rng.pick(words)}${rng.pick(words).toLowerCase()}${rng.digits(2)}${rng.pick(symbols)}`,
    () => `${rng.pick(words)}-${rng.digits(4)}-${rng.pick(words).toLowerCase()}`,
    () => mixed(rng, ALNUM, 12 + rng.int(8)),
    () => `${mixed(rng, ALNUM, 8)}${rng.pick(symbols)}${mixed(rng, ALNUM, 5)}`,
  ])();
}

export const PASSWORD_ACCEPT = [
  'password-in-dotenv', 'password-in-properties', 'password-in-ini', 'password-in-yaml', 'password-in-json',
  'password-in-terraform', 'password-in-xml', 'password-in-dockerfile', 'password-in-code',
];

export const CREDENTIALS: readonly CredentialSpec[] = [
  { type: 'aws-access-key-id', accept: ['aws-access-key-id', 'aws-access-key'], names: ['AWS_ACCESS_KEY_ID', 'AWS_KEY_ID'], value: (r) => 'AKIA' + r.string(BASE32, 16) },
  {
    type: 'aws-secret-access-key',
    accept: ['aws-secret-access-key', 'aws-access-key'],
    names: ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'],
    value: (r) => mixed(r, ALNUM + '/+', 40),
  },
  { type: 'gcp-api-key', accept: ['gcp-api-key', 'firebase-web-api-key'], names: ['GOOGLE_API_KEY', 'MAPS_API_KEY', 'FIREBASE_API_KEY'], value: (r) => 'AIza' + mixed(r, ALNUM + '-_', 35) },
  { type: 'gcp-oauth-client-secret', accept: ['gcp-oauth-client-secret'], names: ['GOOGLE_CLIENT_SECRET'], value: (r) => 'GOCSPX-' + mixed(r, ALNUM + '-_', 28) },
  {
    type: 'azure-storage-account-key',
    accept: ['azure-storage-account-key'],
    names: ['AZURE_STORAGE_KEY', 'STORAGE_ACCOUNT_KEY'],
    value: (r) => base64Of(r, 64),
  },
  {
    type: 'azure-ad-client-secret',
    accept: ['azure-ad-client-secret'],
    names: ['AZURE_CLIENT_SECRET', 'ENTRA_CLIENT_SECRET'],
    value: (r) => mixed(r, ALNUM, 3) + r.string(DIGITS, 1) + 'Q~' + mixed(r, ALNUM + '_~.-', 34),
  },
  { type: 'github-pat', accept: ['github-pat'], names: ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_PAT'], value: (r) => githubToken(r, 'ghp_') },
  {
    type: 'github-fine-grained-pat',
    accept: ['github-fine-grained-pat'],
    names: ['GITHUB_TOKEN', 'GH_PAT'],
    value: (r) => `github_pat_${mixed(r, ALNUM, 22)}_${mixed(r, ALNUM, 59)}`,
  },
  { type: 'github-oauth-token', accept: ['github-oauth-token'], names: ['GITHUB_OAUTH_TOKEN'], value: (r) => githubToken(r, 'gho_') },
  { type: 'github-app-token', accept: ['github-app-token'], names: ['GITHUB_APP_TOKEN', 'INSTALLATION_TOKEN'], value: (r) => githubToken(r, r.pick(['ghu_', 'ghs_'] as const)) },
  { type: 'gitlab-pat', accept: ['gitlab-pat'], names: ['GITLAB_TOKEN', 'CI_PRIVATE_TOKEN'], value: (r) => 'glpat-' + mixed(r, ALNUM + '-_', 20) },
  { type: 'gitlab-runner-token', accept: ['gitlab-runner-token'], names: ['RUNNER_TOKEN'], value: (r) => r.pick(['glrt-', 'glrtr-']) + mixed(r, ALNUM + '-_', 20) },
  { type: 'gitlab-deploy-token', accept: ['gitlab-deploy-token'], names: ['DEPLOY_TOKEN'], value: (r) => 'gldt-' + mixed(r, ALNUM + '-_', 20) },
  { type: 'bitbucket-app-password', accept: ['bitbucket-app-password'], names: ['BITBUCKET_APP_PASSWORD'], value: (r) => 'ATBB' + mixed(r, ALNUM, 32) },
  {
    type: 'atlassian-api-token',
    accept: ['atlassian-api-token'],
    names: ['JIRA_API_TOKEN', 'CONFLUENCE_TOKEN'],
    value: (r) => 'ATATT3' + mixed(r, ALNUM + '-_', 180) + '=' + r.string('0123456789ABCDEF', 8),
  },
  { type: 'npm-access-token', accept: ['npm-access-token'], names: ['NPM_TOKEN', 'NODE_AUTH_TOKEN'], value: (r) => npmToken(r) },
  { type: 'pypi-token', accept: ['pypi-token'], names: ['PYPI_TOKEN', 'TWINE_PASSWORD'], value: (r) => pypiToken(r) },
  { type: 'rubygems-api-key', accept: ['rubygems-api-key'], names: ['GEM_HOST_API_KEY'], value: (r) => 'rubygems_' + r.string(HEX, 48) },
  { type: 'nuget-api-key', accept: ['nuget-api-key'], names: ['NUGET_API_KEY'], value: (r) => 'oy2' + mixed(r, LOWER + DIGITS, 43) },
  { type: 'dockerhub-token', accept: ['dockerhub-token'], names: ['DOCKERHUB_TOKEN', 'DOCKER_PASSWORD'], value: (r) => 'dckr_pat_' + mixed(r, ALNUM + '-_', 27) },
  { type: 'pulumi-access-token', accept: ['pulumi-access-token'], names: ['PULUMI_ACCESS_TOKEN'], value: (r) => 'pul-' + r.string(HEX, 40) },
  {
    type: 'terraform-cloud-token',
    accept: ['terraform-cloud-token'],
    names: ['TFE_TOKEN', 'TF_API_TOKEN'],
    value: (r) => `${mixed(r, LOWER + DIGITS, 14)}.atlasv1.${mixed(r, ALNUM + '-_', 67)}`,
  },
  {
    type: 'slack-bot-token',
    accept: ['slack-bot-token'],
    names: ['SLACK_BOT_TOKEN', 'SLACK_TOKEN'],
    value: (r) => `xoxb-${r.digits(12)}-${r.digits(13)}-${mixed(r, ALNUM, 24)}`,
  },
  {
    type: 'slack-user-token',
    accept: ['slack-user-token'],
    names: ['SLACK_USER_TOKEN'],
    value: (r) => `xoxp-${r.digits(12)}-${r.digits(12)}-${r.digits(13)}-${r.string(HEX, 32)}`,
  },
  {
    type: 'slack-app-token',
    accept: ['slack-app-token'],
    names: ['SLACK_APP_TOKEN'],
    value: (r) => `xapp-1-A${r.string(UPPER + DIGITS, 10)}-${r.digits(13)}-${r.string(HEX, 64)}`,
  },
  {
    type: 'slack-webhook-url',
    accept: ['slack-webhook-url'],
    names: ['SLACK_WEBHOOK_URL', 'ALERTS_WEBHOOK'],
    value: (r) => `https://hooks.slack.com/services/T${r.string(UPPER + DIGITS, 8)}/B${r.string(UPPER + DIGITS, 10)}/${mixed(r, ALNUM, 24)}`,
  },
  { type: 'discord-bot-token', accept: ['discord-bot-token'], names: ['DISCORD_TOKEN', 'DISCORD_BOT_TOKEN'], value: (r) => discordBotToken(r) },
  {
    type: 'discord-webhook-url',
    accept: ['discord-webhook-url'],
    names: ['DISCORD_WEBHOOK_URL'],
    value: (r) => `https://discord.com/api/webhooks/${r.digits(18)}/${mixed(r, ALNUM + '-_', 68)}`,
  },
  { type: 'telegram-bot-token', accept: ['telegram-bot-token'], names: ['TELEGRAM_BOT_TOKEN'], value: (r) => `${r.digits(10)}:AA${mixed(r, ALNUM + '-_', 33)}` },
  { type: 'stripe-secret-key', accept: ['stripe-secret-key'], names: ['STRIPE_SECRET_KEY', 'STRIPE_API_KEY'], value: (r) => 'sk_live_' + mixed(r, ALNUM, 24 + r.int(75)) },
  { type: 'stripe-test-secret-key', accept: ['stripe-test-secret-key'], names: ['STRIPE_TEST_KEY'], value: (r) => 'sk_test_' + mixed(r, ALNUM, 24) },
  { type: 'stripe-restricted-key', accept: ['stripe-restricted-key'], names: ['STRIPE_RESTRICTED_KEY'], value: (r) => 'rk_live_' + mixed(r, ALNUM, 24) },
  { type: 'stripe-webhook-secret', accept: ['stripe-webhook-secret'], names: ['STRIPE_WEBHOOK_SECRET'], value: (r) => 'whsec_' + mixed(r, ALNUM, 32) },
  { type: 'shopify-access-token', accept: ['shopify-access-token'], names: ['SHOPIFY_ACCESS_TOKEN'], value: (r) => 'shpat_' + r.string(HEX, 32) },
  { type: 'shopify-shared-secret', accept: ['shopify-shared-secret'], names: ['SHOPIFY_API_SECRET'], value: (r) => 'shpss_' + r.string(HEX, 32) },
  { type: 'square-access-token', accept: ['square-access-token'], names: ['SQUARE_ACCESS_TOKEN'], value: (r) => 'sq0atp-' + mixed(r, ALNUM + '-_', 22) },
  { type: 'twilio-api-key', accept: ['twilio-api-key'], names: ['TWILIO_API_KEY'], value: (r) => 'SK' + r.string(HEX, 32) },
  { type: 'twilio-auth-token', accept: ['twilio-auth-token'], names: ['TWILIO_AUTH_TOKEN'], value: (r) => mixed(r, HEX, 32) },
  {
    type: 'sendgrid-api-key',
    accept: ['sendgrid-api-key'],
    names: ['SENDGRID_API_KEY'],
    value: (r) => `SG.${mixed(r, ALNUM + '-_', 22)}.${mixed(r, ALNUM + '-_', 43)}`,
  },
  { type: 'mailgun-api-key', accept: ['mailgun-api-key'], names: ['MAILGUN_API_KEY'], value: (r) => 'key-' + mixed(r, HEX, 32) },
  { type: 'mailchimp-api-key', accept: ['mailchimp-api-key'], names: ['MAILCHIMP_API_KEY'], value: (r) => `${mixed(r, HEX, 32)}-us${1 + r.int(20)}` },
  {
    type: 'openai-api-key',
    accept: ['openai-api-key'],
    names: ['OPENAI_API_KEY'],
    value: (r) => `sk-proj-${mixed(r, ALNUM + '-_', 74)}T3BlbkFJ${mixed(r, ALNUM + '-_', 74)}`,
  },
  { type: 'anthropic-api-key', accept: ['anthropic-api-key'], names: ['ANTHROPIC_API_KEY'], value: (r) => `sk-ant-api03-${mixed(r, ALNUM + '-_', 93)}AA` },
  { type: 'huggingface-token', accept: ['huggingface-token'], names: ['HF_TOKEN', 'HUGGINGFACE_TOKEN'], value: (r) => 'hf_' + mixed(r, UPPER + LOWER, 34) },
  { type: 'datadog-api-key', accept: ['datadog-api-key'], names: ['DD_API_KEY', 'DATADOG_API_KEY'], value: (r) => mixed(r, HEX, 32) },
  { type: 'newrelic-user-api-key', accept: ['newrelic-user-api-key'], names: ['NEW_RELIC_API_KEY'], value: (r) => 'NRAK-' + mixed(r, UPPER + DIGITS, 27) },
  { type: 'newrelic-license-key', accept: ['newrelic-license-key'], names: ['NEW_RELIC_LICENSE_KEY'], value: (r) => r.string(HEX, 36) + 'NRAL' },
  {
    type: 'sentry-dsn',
    accept: ['sentry-dsn'],
    names: ['SENTRY_DSN'],
    value: (r) => `https://${r.string(HEX, 32)}@o${r.digits(6)}.ingest.sentry.io/${r.digits(7)}`,
  },
  { type: 'sentry-auth-token', accept: ['sentry-auth-token'], names: ['SENTRY_AUTH_TOKEN'], value: (r) => 'sntryu_' + r.string(HEX, 64) },
  { type: 'heroku-api-key', accept: ['heroku-api-key'], names: ['HEROKU_API_KEY'], value: (r) => uuid(r) },
  { type: 'digitalocean-token', accept: ['digitalocean-token'], names: ['DIGITALOCEAN_TOKEN', 'DO_TOKEN'], value: (r) => 'dop_v1_' + r.string(HEX, 64) },
  { type: 'cloudflare-api-token', accept: ['cloudflare-api-token'], names: ['CLOUDFLARE_API_TOKEN', 'CF_API_TOKEN'], value: (r) => mixed(r, ALNUM + '-_', 40) },
  { type: 'vault-token', accept: ['vault-token'], names: ['VAULT_TOKEN'], value: (r) => 'hvs.' + mixed(r, ALNUM + '-_', 91) },
  { type: 'doppler-token', accept: ['doppler-token'], names: ['DOPPLER_TOKEN'], value: (r) => 'dp.st.' + mixed(r, ALNUM, 43) },
  { type: 'age-secret-key', accept: ['age-secret-key'], names: ['SOPS_AGE_KEY'], value: (r) => 'AGE-SECRET-KEY-1' + r.string(BECH32, 58) },
  { type: 'jwt', accept: ['jwt'], names: ['SERVICE_JWT', 'API_BEARER_TOKEN'], value: (r) => jwt(r) },
  {
    type: 'grafana-token',
    accept: ['grafana-token'],
    names: ['GRAFANA_TOKEN'],
    value: (r) => `glsa_${mixed(r, ALNUM, 32)}_${r.string(HEX, 8)}`,
  },
  { type: 'groq-api-key', accept: ['groq-api-key'], names: ['GROQ_API_KEY'], value: (r) => 'gsk_' + mixed(r, ALNUM, 52) },
  { type: 'databricks-token', accept: ['databricks-token'], names: ['DATABRICKS_TOKEN'], value: (r) => 'dapi' + mixed(r, HEX, 32) },
  {
    type: 'planetscale-token',
    accept: ['planetscale-token'],
    names: ['PLANETSCALE_SERVICE_TOKEN', 'DATABASE_PASSWORD'],
    value: (r) => r.pick(['pscale_pw_', 'pscale_tkn_', 'pscale_oauth_']) + mixed(r, ALNUM + '_', 43),
  },
  {
    type: 'flyio-token',
    accept: ['flyio-token'],
    names: ['FLY_API_TOKEN'],
    value: (r) =>
      r.pick([
        () => 'fo1_' + mixed(r, ALNUM + '-_', 43),
        () => 'FlyV1 fm2_' + Buffer.concat([Buffer.from([0x94, 0x93, 0xc4]), r.bytes(150)]).toString('base64'),
      ])(),
  },
  {
    type: 'mapbox-secret-token',
    accept: ['mapbox-secret-token'],
    names: ['MAPBOX_SECRET_TOKEN', 'MAPBOX_DOWNLOADS_TOKEN'],
    value: (r) => {
      const claims = Buffer.from(JSON.stringify({ u: r.pick(['acme', 'geo-team', 'maps-prod']), a: mixed(r, LOWER + DIGITS, 25) })).toString('base64url');
      return `sk.${claims}.${mixed(r, ALNUM + '-_', 22)}`;
    },
  },
  {
    type: 'postman-api-key',
    accept: ['postman-api-key'],
    names: ['POSTMAN_API_KEY'],
    value: (r) => `PMAK-${mixed(r, HEX, 24)}-${mixed(r, HEX, 34)}`,
  },
  { type: 'linear-api-key', accept: ['linear-api-key'], names: ['LINEAR_API_KEY'], value: (r) => 'lin_api_' + mixed(r, ALNUM, 40) },
  { type: 'sonarqube-user-token', accept: ['sonarqube-user-token'], names: ['SONAR_TOKEN', 'SONAR_LOGIN'], value: (r) => 'squ_' + mixed(r, HEX, 40) },
  { type: 'sonarqube-analysis-token', accept: ['sonarqube-analysis-token'], names: ['SONAR_TOKEN'], value: (r) => r.pick(['sqp_', 'sqa_']) + mixed(r, HEX, 40) },
  { type: 'buildkite-api-token', accept: ['buildkite-api-token'], names: ['BUILDKITE_API_TOKEN'], value: (r) => 'bkua_' + mixed(r, HEX, 40) },
  {
    type: 'circleci-personal-token',
    accept: ['circleci-personal-token'],
    names: ['CIRCLECI_TOKEN', 'CIRCLE_TOKEN'],
    value: (r) => `CCIPAT_${mixed(r, ALNUM, 22)}_${mixed(r, HEX, 40)}`,
  },
  { type: 'sourcegraph-access-token', accept: ['sourcegraph-access-token'], names: ['SRC_ACCESS_TOKEN'], value: (r) => `sgp_${mixed(r, HEX, 16)}_${mixed(r, HEX, 40)}` },
  { type: 'figma-access-token', accept: ['figma-access-token'], names: ['FIGMA_TOKEN'], value: (r) => 'figd_' + mixed(r, ALNUM + '-_', 40) },
  { type: 'notion-integration-token', accept: ['notion-integration-token'], names: ['NOTION_TOKEN', 'NOTION_API_KEY'], value: (r) => 'ntn_' + r.digits(11) + mixed(r, ALNUM, 35) },
  { type: 'contentful-management-token', accept: ['contentful-management-token'], names: ['CONTENTFUL_MANAGEMENT_TOKEN'], value: (r) => 'CFPAT-' + mixed(r, ALNUM + '-_', 43) },
  {
    type: 'jfrog-token',
    accept: ['jfrog-token'],
    names: ['ARTIFACTORY_API_KEY', 'JFROG_ACCESS_TOKEN'],
    value: (r) =>
      r.pick([
        () => 'AKCp' + mixed(r, ALNUM, 69),
        () => Buffer.from(`reftkn:01:${1700000000 + r.int(99999999)}:${mixed(r, ALNUM, 27)}`).toString('base64'),
      ])(),
  },
  { type: 'openrouter-api-key', accept: ['openrouter-api-key'], names: ['OPENROUTER_API_KEY'], value: (r) => 'sk-or-v1-' + mixed(r, HEX, 64) },
  { type: 'perplexity-api-key', accept: ['perplexity-api-key'], names: ['PERPLEXITY_API_KEY'], value: (r) => 'pplx-' + mixed(r, ALNUM, 48) },
  { type: 'xai-api-key', accept: ['xai-api-key'], names: ['XAI_API_KEY'], value: (r) => 'xai-' + mixed(r, ALNUM, 80) },
  { type: 'replicate-api-token', accept: ['replicate-api-token'], names: ['REPLICATE_API_TOKEN'], value: (r) => 'r8_' + mixed(r, ALNUM, 37) },
  {
    type: 'dynatrace-token',
    accept: ['dynatrace-token'],
    names: ['DT_API_TOKEN', 'DYNATRACE_API_TOKEN'],
    value: (r) => `dt0c01.${mixed(r, BASE32, 24)}.${mixed(r, BASE32, 64)}`,
  },
  { type: 'gitlab-agent-token', accept: ['gitlab-agent-token'], names: ['GITLAB_AGENT_TOKEN'], value: (r) => 'glagent-' + mixed(r, ALNUM + '-_', 50) },
  { type: 'gitlab-scim-token', accept: ['gitlab-scim-token'], names: ['GITLAB_SCIM_TOKEN'], value: (r) => 'glsoat-' + mixed(r, ALNUM + '-_', 20) },
  { type: 'gitlab-feed-token', accept: ['gitlab-feed-token'], names: ['GITLAB_FEED_TOKEN'], value: (r) => 'glft-' + mixed(r, ALNUM + '-_', 20) },
  { type: 'gitlab-incoming-email-token', accept: ['gitlab-incoming-email-token'], names: ['GITLAB_INCOMING_EMAIL_TOKEN'], value: (r) => 'glimt-' + mixed(r, ALNUM + '-_', 25) },
  {
    type: 'gitlab-ci-job-token',
    accept: ['gitlab-ci-job-token'],
    names: ['CI_JOB_TOKEN', 'JOB_TOKEN'],
    value: (r) =>
      r.pick([
        () => `glcbt-${r.string(HEX, 1 + r.int(3))}_${mixed(r, ALNUM + '-_', 20)}`,
        () => 'glcbt-' + jwt(r, { aud: 'gitlab-authz-token', sub: `gid://gitlab/Ci::Build/${r.digits(8)}` }),
      ])(),
  },
  { type: 'gitlab-feature-flag-client-token', accept: ['gitlab-feature-flag-client-token'], names: ['UNLEASH_INSTANCE_ID'], value: (r) => 'glffct-' + mixed(r, ALNUM + '-_', 20) },
  { type: 'gitlab-workspace-token', accept: ['gitlab-workspace-token'], names: ['GL_WORKSPACE_TOKEN'], value: (r) => 'glwt-' + mixed(r, ALNUM + '-_', 20) },
  { type: 'gitlab-session-cookie', accept: ['gitlab-session-cookie'], names: ['GITLAB_COOKIE'], value: (r) => '_gitlab_session=' + mixed(r, HEX, 32) },
  { type: 'gitlab-runner-registration-token', accept: ['gitlab-runner-registration-token'], names: ['REGISTRATION_TOKEN'], value: (r) => 'GR1348941' + mixed(r, ALNUM + '-_', 20) },
  {
    type: 'gitlab-pat-routable',
    accept: ['gitlab-pat'],
    names: ['GITLAB_TOKEN'],
    value: (r) => `glpat-${mixed(r, BASE64URL, 27 + r.int(20))}${r.pick(['', '.01'])}.${r.string(DIGITS + LOWER, 9)}`,
  },
  { type: 'gitlab-trigger-token', accept: ['gitlab-pipeline-trigger-token'], names: ['TRIGGER_TOKEN'], value: (r) => 'glptt-' + mixed(r, HEX, 40) },
  { type: 'gitlab-oauth-app-secret', accept: ['gitlab-oauth-app-secret'], names: ['GITLAB_APP_SECRET', 'GITLAB_CLIENT_SECRET'], value: (r) => 'gloas-' + mixed(r, HEX, 64) },
  {
    type: 'aws-bedrock-api-key',
    accept: ['aws-bedrock-api-key'],
    names: ['AWS_BEARER_TOKEN_BEDROCK'],
    value: (r) => 'ABSK' + Buffer.from(`BedrockAPIKey-${mixed(r, LOWER + DIGITS, 4)}-at-${r.digits(12)}:${base64Of(r, 45)}`).toString('base64'),
  },
  {
    type: 'onepassword-secret-key',
    accept: ['onepassword-secret-key'],
    names: ['OP_SECRET_KEY'],
    value: (r) => `A3-${mixed(r, UPPER + DIGITS, 6)}-${mixed(r, UPPER + DIGITS, 11)}-${mixed(r, UPPER + DIGITS, 5)}-${mixed(r, UPPER + DIGITS, 5)}-${mixed(r, UPPER + DIGITS, 5)}`,
  },
  { type: 'clojars-deploy-token', accept: ['clojars-deploy-token'], names: ['CLOJARS_PASSWORD'], value: (r) => 'CLOJARS_' + mixed(r, LOWER + DIGITS, 60) },
  { type: 'duffel-live-token', accept: ['duffel-live-token'], names: ['DUFFEL_ACCESS_TOKEN'], value: (r) => 'duffel_live_' + mixed(r, ALNUM + '-_', 43) },
  { type: 'shippo-live-token', accept: ['shippo-live-token'], names: ['SHIPPO_API_KEY'], value: (r) => 'shippo_live_' + mixed(r, HEX, 40) },
  { type: 'easypost-production-key', accept: ['easypost-production-key'], names: ['EASYPOST_API_KEY'], value: (r) => 'EZAK' + mixed(r, ALNUM, 54) },
  { type: 'flutterwave-secret-key', accept: ['flutterwave-secret-key'], names: ['FLW_SECRET_KEY'], value: (r) => `FLWSECK-${mixed(r, HEX, 32)}-X` },
  { type: 'square-access-token', accept: ['square-access-token'], names: ['SQUARE_ACCESS_TOKEN'], value: (r) => 'EAAA' + mixed(r, ALNUM + '-_', 60) },
  {
    type: 'brevo-api-key',
    accept: ['brevo-api-key'],
    names: ['BREVO_API_KEY', 'SENDINBLUE_API_KEY'],
    value: (r) => `${r.pick(['xkeysib-', 'xsmtpsib-'])}${mixed(r, HEX, 64)}-${mixed(r, ALNUM, 16)}`,
  },
  {
    type: 'harness-api-key',
    accept: ['harness-api-key'],
    names: ['HARNESS_API_KEY'],
    value: (r) => `${r.pick(['pat', 'sat'])}.${mixed(r, ALNUM + '-_', 22)}.${mixed(r, ALNUM, 24)}.${mixed(r, ALNUM, 20)}`,
  },
  { type: 'octopus-deploy-api-key', accept: ['octopus-deploy-api-key'], names: ['OCTOPUS_API_KEY'], value: (r) => 'API-' + mixed(r, UPPER + DIGITS, 26) },
  { type: 'prefect-api-key', accept: ['prefect-api-key'], names: ['PREFECT_API_KEY'], value: (r) => r.pick(['pnu_', 'pnb_']) + mixed(r, ALNUM, 36) },
  { type: 'infracost-api-key', accept: ['infracost-api-key'], names: ['INFRACOST_API_KEY'], value: (r) => 'ico-' + mixed(r, ALNUM, 32) },
  { type: 'readme-api-key', accept: ['readme-api-key'], names: ['README_API_KEY'], value: (r) => 'rdme_' + mixed(r, LOWER + DIGITS, 70) },
  { type: 'frameio-api-token', accept: ['frameio-api-token'], names: ['FRAMEIO_TOKEN'], value: (r) => 'fio-u-' + mixed(r, ALNUM + '-_', 64) },
  { type: 'typeform-api-token', accept: ['typeform-api-token'], names: ['TYPEFORM_TOKEN'], value: (r) => 'tfp_' + mixed(r, ALNUM + '-_', 59) },
  { type: 'adobe-client-secret', accept: ['adobe-client-secret'], names: ['ADOBE_CLIENT_SECRET'], value: (r) => 'p8e-' + mixed(r, ALNUM, 32) },
  { type: 'openshift-user-token', accept: ['openshift-user-token'], names: ['OPENSHIFT_TOKEN', 'OC_TOKEN'], value: (r) => 'sha256~' + mixed(r, ALNUM + '-_', 43) },
  { type: 'scalingo-api-token', accept: ['scalingo-api-token'], names: ['SCALINGO_API_TOKEN'], value: (r) => 'tk-us-' + mixed(r, ALNUM + '-_', 48) },
  { type: 'maxmind-license-key', accept: ['maxmind-license-key'], names: ['MAXMIND_LICENSE_KEY'], value: (r) => `${mixed(r, ALNUM, 6)}_${mixed(r, ALNUM, 29)}_mmk` },
  {
    type: 'grafana-legacy-api-key',
    accept: ['grafana-token'],
    names: ['GRAFANA_API_KEY'],
    value: (r) => Buffer.from(JSON.stringify({ k: mixed(r, ALNUM, 32), n: r.pick(['ci', 'deploy', 'dashboards-ro']), id: 1 + r.int(20) })).toString('base64'),
  },
  { type: 'posthog-personal-api-key', accept: ['posthog-personal-api-key'], names: ['POSTHOG_PERSONAL_API_KEY', 'POSTHOG_API_KEY'], value: (r) => r.pick(['phx_', 'phs_']) + mixed(r, ALNUM, 46 + r.int(2)) },
  {
    type: 'tailscale-key',
    accept: ['tailscale-key'],
    names: ['TS_AUTHKEY', 'TAILSCALE_API_KEY', 'TS_OAUTH_CLIENT_SECRET'],
    value: (r) => `tskey-${r.pick(['auth', 'api', 'client'])}-k${mixed(r, ALNUM, 11)}CNTRL-${mixed(r, ALNUM, 33)}`,
  },
  {
    type: 'microsoft-teams-webhook-url',
    accept: ['microsoft-teams-webhook-url'],
    names: ['TEAMS_WEBHOOK_URL', 'ALERTS_WEBHOOK'],
    value: (r) =>
      `https://${r.pick(['contoso', 'fabrikam', 'northwind'])}.webhook.office.com/webhookb2/${uuid(r)}@${uuid(r)}/IncomingWebhook/${r.string(HEX, 32)}/${uuid(r)}` +
      r.pick(['', `/V2${mixed(r, ALNUM + '-_', 45)}`]),
  },
  { type: 'airtable-personal-access-token', accept: ['airtable-personal-access-token'], names: ['AIRTABLE_API_KEY', 'AIRTABLE_TOKEN'], value: (r) => `pat${mixed(r, ALNUM, 14)}.${r.string(HEX, 64)}` },
  { type: 'langsmith-api-key', accept: ['langsmith-api-key'], names: ['LANGSMITH_API_KEY', 'LANGCHAIN_API_KEY'], value: (r) => `lsv2_${r.pick(['pt', 'sk'])}_${uuid(r).replace(/-/g, '')}_${r.string(HEX, 10)}` },
  { type: 'password', accept: PASSWORD_ACCEPT, names: ['DB_PASSWORD', 'SMTP_PASSWORD', 'REDIS_PASSWORD', 'ADMIN_PASSWORD', 'MYSQL_PASSWORD'], value: humanPassword },
  {
    type: 'generic-secret',
    accept: ['generic-secret-assignment'],
    names: ['PAYMENTS_API_KEY', 'INTERNAL_API_TOKEN', 'WEBHOOK_SECRET', 'SESSION_SECRET', 'PARTNER_API_KEY', 'ENCRYPTION_KEY'],
    value: (r) => mixed(r, r.pick([ALNUM, HEX, BASE64URL]), r.pick([24, 32, 40, 48])),
  },
];

export { humanPassword };

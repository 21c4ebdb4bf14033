import { createHash } from 'node:crypto';
import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { namedValue, prefixed, revoke } from './common.js';

function decodesToJsonWith(base64: string, key: string): boolean {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
    return value !== null && typeof value === 'object' && key in value;
  } catch {
    return false;
  }
}

/** sha256 of the public and secret parts of the example token in Dynatrace's token format documentation. */
const DYNATRACE_DOCS_EXAMPLE = '58230c1dc3e4997df08c6140d98d49c0cfbd97b1308dcba4a42b73650a6d13dc';

export const monitoringDetectors: Detector[] = [
  {
    id: 'datadog-api-key',
    title: 'Datadog API or application key',
    secretType: 'Datadog API key',
    description: 'A Datadog API key (32 hex) or application key (40 hex) assigned to a Datadog key name or header. API keys submit data; application keys read dashboards, logs and monitors with the user\'s rights.',
    remediation: revoke('key', 'Datadog > Organization settings > API keys / Application keys'),
    severity: 'high',
    confidence: 'medium',
    keywords: ['datadog', 'dd_api', 'dd_app', 'dd-api', 'dd-app', 'dd.api', 'dd.app', 'ddapi', 'ddapp', 'dd_client'],
    pattern: namedValue('(?:datadog|dd)[\\w.-]{0,20}?(?:api|app|application|client)[\\w.-]{0,8}key', '[a-f0-9]{40}|[a-f0-9]{32}'),
    check: (secret) => looksRandom(secret, 2),
    examples: {
      positive: ['DD_API_KEY=5c6ee3e40eacd77aad014598a4f7d10b', "datadog_app_key: 'a4fad045f3be2398e94a0f87c61517d1e8f56b62'"],
      negative: ['DD_API_KEY=${DATADOG_API_KEY}', 'DD_API_KEY=00000000000000000000000000000000', 'DD_SITE=datadoghq.eu'],
    },
  },
  {
    id: 'newrelic-user-api-key',
    title: 'New Relic user API key',
    secretType: 'New Relic user API key',
    description: 'A New Relic user API key (NRAK-). It queries and changes the accounts the user can reach through NerdGraph.',
    remediation: revoke('key', 'New Relic > API keys'),
    severity: 'high',
    confidence: 'high',
    keywords: ['NRAK-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('NRAK-', '[A-Z0-9]{27}'),
    check: (secret) => looksRandom(secret.slice(5), 2),
    examples: {
      positive: ['NEW_RELIC_API_KEY=NRAK-1CCUAKKN24508TU1ZRUX21TXO4P', "headers: { 'API-Key': 'NRAK-KLSLSWAM8FSLWQBU3VJR0UU61EU' }"],
      negative: ['NEW_RELIC_API_KEY=NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX', 'NEW_RELIC_API_KEY=NRAK-...', 'Keys begin with NRAK-.'],
    },
  },
  {
    id: 'newrelic-license-key',
    title: 'New Relic license or ingest key',
    secretType: 'New Relic license key',
    description: 'A New Relic license (ingest) key (40 characters ending in NRAL) or Insights insert key (NRII-). It sends data into the account, enough to flood or poison its telemetry and alerts.',
    remediation: revoke('key', 'New Relic > API keys > the ingest key'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['NRAL', 'NRII-'],
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>[a-f0-9]{36}NRAL|NRII-[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.replace(/NRAL$|^NRII-/, ''), 2),
    examples: {
      positive: ['NEW_RELIC_LICENSE_KEY=1b622758990bc4e7c1f286fd1f270bdad73aNRAL', "license_key: 'NRII-MjTU0qsj2WDkxDd7OwpWYCekugeaMTV3'"],
      negative: ['NEW_RELIC_LICENSE_KEY=000000000000000000000000000000000000NRAL', 'NEW_RELIC_LICENSE_KEY=<license key ending in NRAL>', 'NRII-'],
    },
  },
  {
    id: 'sentry-dsn',
    title: 'Sentry DSN',
    secretType: 'Sentry DSN',
    description: 'A Sentry DSN (https://<key>@<host>/<project>). Browser apps ship it on purpose, but in a server or CI file it lets anyone send events into the project, spam alerts and spend its quota; DSNs with a secret part (key:secret@) are credentials.',
    remediation: 'Rotate the client key in Sentry (Project settings > Client Keys) if the DSN must stay private, and read it from the environment.',
    severity: 'low',
    confidence: 'medium',
    keywords: ['sentry'],
    pattern: /(?<![A-Za-z0-9+.-])https?:\/\/(?<secret>[a-f0-9]{32}(?::[a-f0-9]{32})?)@[A-Za-z0-9.-]+(?::\d+)?\/\d+(?![A-Za-z0-9])/g,
    check: (secret) => looksRandom(secret.slice(0, 32), 2),
    examples: {
      positive: [
        'SENTRY_DSN=https://5c6ee3e40eacd77aad014598a4f7d10b@o123456.ingest.sentry.io/4504877373030400',
        "Sentry.init({ dsn: 'https://eef6192e5d43904e0c711d2a39bcdfa7@sentry.internal.acme.org/12' });",
      ],
      negative: ['SENTRY_DSN=https://examplePublicKey@o0.ingest.sentry.io/0', 'SENTRY_DSN=https://<key>@sentry.io/<project>', 'SENTRY_DSN=${SENTRY_DSN}'],
    },
  },
  {
    id: 'sentry-auth-token',
    title: 'Sentry auth token',
    secretType: 'Sentry auth token',
    description: 'A Sentry organization (sntrys_) or user (sntryu_) auth token. It uploads source maps and releases and reads issues, which carry request data and stack traces.',
    remediation: revoke('token', 'Sentry > Settings > Auth Tokens / Organization Tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['sntrys_', 'sntryu_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=]{4,400}_[A-Za-z0-9+/]{43})(?![A-Za-z0-9_+/=-])/g,
    check: (secret) =>
      secret.startsWith('sntryu_') ? looksRandom(secret.slice(7), 2) : decodesToJsonWith(secret.slice(7, secret.lastIndexOf('_')), 'iat'),
    allowPlaceholders: true,
    examples: {
      positive: [
        'SENTRY_AUTH_TOKEN=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',
        'SENTRY_AUTH_TOKEN=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',
      ],
      negative: ['SENTRY_AUTH_TOKEN=sntryu_0000000000000000000000000000000000000000000000000000000000000000', 'SENTRY_AUTH_TOKEN=sntrys_eyJhIjoxfQ_M7e/gikbJqHTqpukMZjLQ2FQaO/EaGE5yKWsV8y+1jB', 'SENTRY_AUTH_TOKEN=sntrys_...'],
    },
  },
  {
    id: 'grafana-token',
    title: 'Grafana service account or Cloud token',
    secretType: 'Grafana token',
    description: 'A Grafana service account token (glsa_), Grafana Cloud access policy token (glc_) or legacy API key (base64 JSON with the key, its name and id: eyJrIjoi). They read dashboards and data sources, and with write scopes change alerting and users.',
    remediation: revoke('token', 'Grafana > Administration > Service accounts, or Grafana Cloud > Access policies'),
    severity: 'high',
    confidence: 'high',
    keywords: ['glsa_', 'glc_ey', 'eyJrIjoi'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_+/-])(?<secret>glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}|glc_eyJ[A-Za-z0-9+/]{32,400}={0,2}|eyJrIjoi[A-Za-z0-9+/]{40,400}={0,2})(?![A-Za-z0-9_+/=-])/g,
    check: (secret) => {
      if (secret.startsWith('glsa_')) return looksRandom(secret.slice(5, 37), 2);
      if (secret.startsWith('glc_')) return decodesToJsonWith(secret.slice(4), 'k');
      return decodesToJsonWith(secret, 'k') && decodesToJsonWith(secret, 'id');
    },
    allowPlaceholders: true,
    examples: {
      positive: [
        'GRAFANA_TOKEN=glsa_WuKytIeXhqRjmx6qIKwNhWAVkEUhG3AS_fe6cba4f',
        // A legacy API key.
        'GRAFANA_API_KEY=eyJrIjoiR0RoVml1WmM4eXdWU3FRZk96ZHN6RjRGdFMxYWpwRmMiLCJuIjoiY2ktZGVwbG95IiwiaWQiOjF9',
        'GRAFANA_CLOUD_TOKEN=glc_eyJvIjoiOTM3Nzk5IiwibiI6InN0YWNrLTg1MzA3NC1obS1yZWFkIiwiayI6ImZnNVlnZUdGc3p3T1dLNXNUUTlYdkQ3eCIsIm0iOnsiciI6InByb2QtdXMtZWFzdC0wIn19',
      ],
      negative: ['GRAFANA_TOKEN=glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_00000000', 'GRAFANA_CLOUD_TOKEN=glc_eyJhbGciOiJub25lIn0abcdefghijklmnopqrstuvwxyzABCDEF', 'GRAFANA_TOKEN=glsa_...'],
    },
  },
  {
    id: 'dynatrace-token',
    title: 'Dynatrace access token',
    secretType: 'Dynatrace access token',
    description:
      'A Dynatrace access token (dt0c01 API token, or a dt0s platform token or OAuth client secret: prefix, 24-character ' +
      'public part, 64-character secret part). Within its scopes it reads monitoring data, logs and traces and changes ' +
      'the environment\'s configuration.',
    remediation: revoke('token', 'Dynatrace > Access tokens, or Account Management > Identity & access management'),
    severity: 'high',
    confidence: 'high',
    keywords: ['dt0c0', 'dt0s'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9])(?<secret>dt0[cs][0-9]{2}\.[A-Z2-7]{24}\.[A-Z2-7]{64})(?![A-Za-z0-9])/g,
    // The documentation's example token is printed in every guide that copies it.
    check: (secret) => looksRandom(secret.slice(32), 2) && createHash('sha256').update(secret.slice(7)).digest('hex') !== DYNATRACE_DOCS_EXAMPLE,
    examples: {
      positive: [
        'DT_API_TOKEN=dt0c01.SIGQQZGSU5KJKZHTB4TAFVEK.TB3X7SUJK7NXOF6POWXQX2JVATWJAD7AGMNSOLHFWZ2IG3ROH4LD5CKHLLX3V2N7',
        'curl -H "Authorization: Api-Token dt0c01.MUOGOBTSBBL6OOBOMDWQA4QQ.7RVFFG53DKRBHNTIALW7C5WZP52B6F6CJOLJIQAFZZNGBEBHPZM7T74NZYSXFEDB" https://abc12345.live.dynatrace.example.org/api/v2/metrics',
      ],
      negative: [
        // The example in Dynatrace's documentation.
        'Token example: dt0s01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM',
        'DT_API_TOKEN=dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'The token identifier dt0c01.SIGQQZGSU5KJKZHTB4TAFVEK can be logged.',
      ],
    },
  },
  {
    id: 'posthog-personal-api-key',
    title: 'PostHog personal or secret API key',
    secretType: 'PostHog API key',
    description: 'A PostHog personal API key (phx_) or project secret API key (phs_). Personal keys read and change every project the user can reach (events, persons, recordings, feature flags); secret keys fetch feature flag definitions. Project API keys (phc_) are public and not reported.',
    remediation: revoke('key', 'PostHog > Settings > Personal API keys, or Project settings > Feature flags secure API key'),
    severity: 'high',
    confidence: 'high',
    keywords: ['phx_', 'phs_'],
    anchor: 'keyword',
    caseSensitive: true,
    // Base62 of 32 random bytes (older personal keys, up to 43 characters) or 35 bytes (up to 48); leading zeros are dropped.
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ph[xs]_[A-Za-z0-9]{40,48})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(4), 3),
    examples: {
      positive: [
        'POSTHOG_PERSONAL_API_KEY=phx_6qxsxrKCJki6RwpJHdZwIqVUY0WggxisC9Ds7k0FTcz7FHY',
        "posthog = Posthog('phc_x', host='https://eu.posthog.com', personal_api_key='phs_LWNJa9Bmhf6td2L4EbC1cDMa05bySc3tCt6pasSNMjiQV9w')",
      ],
      negative: [
        'POSTHOG_PERSONAL_API_KEY=phx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        // The project API key goes into the browser snippet: public by design.
        "posthog.init('phc_NMZw6yJNND1adCgTlwQkbeIkSScSgmhHHKKZj5m0jtr', { api_host: 'https://us.i.posthog.com' })",
        'POSTHOG_PERSONAL_API_KEY=phx_...',
      ],
    },
  },
];

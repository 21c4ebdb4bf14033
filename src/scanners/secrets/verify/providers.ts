import type { VerifierId } from '../detector.js';
import { signRequest } from './sigv4.js';

/** What the provider said about a credential: live, dead, or no clear answer. */
export type Verified = true | false | 'unknown';

export interface Credential {
  secret: string;
  /** The other half of a paired credential (the AWS secret access key). */
  pair?: string;
}

export interface VerifyOptions {
  /** Provider base URLs by verifier id (tests point them at 127.0.0.1). */
  baseUrls: Partial<Record<VerifierId, string>>;
  timeoutMs: number;
  /** Signing time for AWS (tests). */
  now?: () => Date;
}

/**
 * Default endpoints. npm has none here on purpose: secloop's sources name no package
 * registry host, so npm tokens are verified only against SECLOOP_VERIFY_BASE_URL_NPM
 * or the registry npm itself was configured with (npm_config_registry).
 */
const DEFAULT_BASE_URLS: Partial<Record<VerifierId, string>> = {
  github: 'https://api.github.com',
  slack: 'https://slack.com/api',
  stripe: 'https://api.stripe.com',
  aws: 'https://sts.amazonaws.com',
};

export function baseUrlsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Partial<Record<VerifierId, string>> {
  const urls: Partial<Record<VerifierId, string>> = { ...DEFAULT_BASE_URLS };
  if (env['npm_config_registry']) urls.npm = env['npm_config_registry'];
  for (const id of ['github', 'slack', 'stripe', 'npm', 'aws'] as const) {
    const override = env[`SECLOOP_VERIFY_BASE_URL_${id.toUpperCase()}`];
    if (override) urls[id] = override;
  }
  return urls;
}

type Verifier = (credential: Credential, base: string, options: VerifyOptions) => Promise<Verified>;

const VERIFIERS: Record<VerifierId, Verifier> = {
  github: async ({ secret }, base, options) => {
    const response = await request(`${trim(base)}/user`, options, {
      headers: { authorization: `token ${secret}`, accept: 'application/vnd.github+json', 'user-agent': 'secloop-verify' },
    });
    return byStatus(response.status, [200], [401]);
  },
  slack: async ({ secret }, base, options) => {
    const response = await request(`${trim(base)}/auth.test`, options, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    if (response.status !== 200) return 'unknown';
    const body = (await response.json().catch(() => null)) as { ok?: boolean; error?: string } | null;
    if (body?.ok === true) return true;
    return ['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive'].includes(body?.error ?? '') ? false : 'unknown';
  },
  stripe: async ({ secret }, base, options) => {
    const response = await request(`${trim(base)}/v1/balance`, options, { headers: { authorization: `Bearer ${secret}` } });
    // A restricted key without balance permission answers 403: it is live all the same.
    return byStatus(response.status, [200, 403], [401]);
  },
  npm: async ({ secret }, base, options) => {
    const response = await request(`${trim(base)}/-/whoami`, options, { headers: { authorization: `Bearer ${secret}` } });
    return byStatus(response.status, [200], [401, 403]);
  },
  aws: async ({ secret, pair }, base, options) => {
    // Temporary keys (ASIA...) need their session token, which a file rarely has beside them.
    if (!pair || !secret.startsWith('AKIA')) return 'unknown';
    const url = new URL(`${trim(base)}/`);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const headers = signRequest({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
      region: 'us-east-1',
      service: 'sts',
      accessKeyId: secret,
      secretAccessKey: pair,
      now: options.now?.() ?? new Date(),
    });
    delete headers['host'];
    const response = await request(url.toString(), options, { method: 'POST', headers, body });
    if (response.status === 200) return true;
    const text = await response.text().catch(() => '');
    return response.status === 403 && /InvalidClientTokenId|SignatureDoesNotMatch/.test(text) ? false : 'unknown';
  },
};

/** One request, a short timeout, no retries; any failure to get an answer is 'unknown'. */
export async function verifyCredential(verifier: VerifierId, credential: Credential, options: VerifyOptions): Promise<Verified> {
  const base = options.baseUrls[verifier];
  if (!base) return 'unknown';
  try {
    return await VERIFIERS[verifier](credential, base, options);
  } catch {
    return 'unknown';
  }
}

async function request(url: string, options: VerifyOptions, init: RequestInit): Promise<Response> {
  return fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
}

function byStatus(status: number, live: number[], dead: number[]): Verified {
  if (live.includes(status)) return true;
  if (dead.includes(status)) return false;
  return 'unknown';
}

function trim(base: string): string {
  return base.replace(/\/+$/, '');
}

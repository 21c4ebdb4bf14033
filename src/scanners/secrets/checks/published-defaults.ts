import { createHash } from 'node:crypto';

/**
 * Keys that local development stacks publish as their defaults, so that every copy of the
 * stack uses the same one: not secrets of anyone's project. Kept as sha256 hashes, by the
 * prefix the key starts with (only a value with that prefix is hashed), never as values.
 */
const PUBLISHED_DEFAULTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  // The Supabase CLI local stack's secret key (its config's defaultSecretKey).
  ['sb_secret_', new Set(['c85debb55f2f204d868cc1552c42faa143b4c675f61363ab040dd50b5b5304cd'])],
]);

/**
 * Whole values that widely read documentation prints as its example credential, which
 * projects copy into their tests and sample manifests by the hundred: no one's secret.
 * Kept as sha256 hashes, by length (only a value of a listed length is hashed).
 */
const DOCUMENTED_EXAMPLES: ReadonlyMap<number, ReadonlySet<string>> = new Map([
  // The password of the example Secret in the Kubernetes documentation (base64 in its data, decoded before this check).
  [12, new Set(['13fe7a38a57c46053ee3a4716358619ff37ebc5674976f1a09fc189be5a3e5dd'])],
  // OAuth 2.0's own examples, which every OAuth library and guide repeats: RFC 6749's client secret (in its Basic
  // credentials), authorization code, access token and refresh token, and RFC 7662's introspected token.
  [10, new Set(['53f5da0aaa93d64cd5772c554cbf940f0539e689dddbeb8f923eec3f72c02ea9'])],
  [
    22,
    new Set([
      'a35b81a7d7927b70ec99270dd2362b88580a28574af812f2c02f56469579186f',
      '6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c',
      '00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32',
      'c97b628dec75065584b11efdb9fd733948ef8a47731c616cf43badd4f368fc38',
    ]),
  ],
  // The access key and secret key of MinIO's public playground server (play.min.io), printed in
  // its SDKs' READMEs and samples, which every project that vendors an SDK carries.
  [20, new Set(['1bbb9293c38acc5e510d904495845d532df64a9e5996b2ec7c86cc2e2ac33b5a'])],
  [40, new Set(['df452eef23e8cf2c74af54c0c7419c05a5ec70ef4d5c2eb04082b02af8c55598'])],
]);

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function isPublishedDefault(value: string): boolean {
  for (const [prefix, hashes] of PUBLISHED_DEFAULTS) {
    if (value.startsWith(prefix) && hashes.has(sha256(value))) return true;
  }
  return DOCUMENTED_EXAMPLES.get(value.length)?.has(sha256(value)) ?? false;
}

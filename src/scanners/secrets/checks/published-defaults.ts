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

export function isPublishedDefault(value: string): boolean {
  for (const [prefix, hashes] of PUBLISHED_DEFAULTS) {
    if (value.startsWith(prefix) && hashes.has(createHash('sha256').update(value).digest('hex'))) return true;
  }
  return false;
}

import { toBase62 } from './base62.js';
import { crc32 } from './crc32.js';

/**
 * GitHub's token format (2021), also adopted by npm: `<prefix>_` + 30 random base62
 * characters + the CRC-32 of those 30 characters in base62, 6 characters wide. A
 * token whose checksum does not hold was typed by hand or made up: not a credential.
 */
export function hasValidCrc32Suffix(token: string, prefixLength: number): boolean {
  const body = token.slice(prefixLength, -6);
  const checksum = token.slice(-6);
  if (body.length !== 30 || !/^[0-9A-Za-z]{30}$/.test(body)) return false;
  return toBase62(crc32(body), 6) === checksum;
}

/** Appends the checksum to a prefix and 30-character body (fixtures and the corpus generator). */
export function withCrc32Suffix(prefix: string, body: string): string {
  return prefix + body + toBase62(crc32(body), 6);
}

import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * securesystemslib's encrypted key file format (what `in-toto-keygen -p` writes for
 * ed25519 and ecdsa keys): the JSON key, encrypted with AES-256-CTR under a key
 * derived from the password with PBKDF2-HMAC-SHA256, authenticated with
 * HMAC-SHA256 over the ciphertext, stored as
 * `hex(salt)@@@@iterations@@@@hex(hmac)@@@@hex(iv)@@@@hex(ciphertext)`.
 */

const DELIMITER = '@@@@';
const DEFAULT_ITERATIONS = 100_000;
// Refuse absurd work factors from a hostile file (the reference uses 100000).
const MAX_ITERATIONS = 10_000_000;

export class KeyDecryptionError extends Error {
  override readonly name = 'KeyDecryptionError';
}

export function looksEncrypted(text: string): boolean {
  return /^[0-9a-fA-F]+@@@@\d+@@@@[0-9a-fA-F]+@@@@[0-9a-fA-F]+@@@@[0-9a-fA-F]+\s*$/.test(text);
}

export function encryptKeyJson(plaintext: string, password: string, iterations = DEFAULT_ITERATIONS): string {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const mac = createHmac('sha256', key).update(ciphertext).digest('hex');
  return [salt.toString('hex'), String(iterations), mac, iv.toString('hex'), ciphertext.toString('hex')].join(DELIMITER);
}

export function decryptKeyJson(fileText: string, password: string): string {
  const parts = fileText.trim().split(DELIMITER);
  if (parts.length !== 5) throw new KeyDecryptionError('invalid encrypted key file');
  const [saltHex, iterationText, macHex, ivHex, cipherHex] = parts as [string, string, string, string, string];
  const iterations = Number(iterationText);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new KeyDecryptionError(`invalid PBKDF2 iteration count ${iterationText}`);
  }
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.from(saltHex, 'hex'), iterations, 32, 'sha256');
  const ciphertext = Buffer.from(cipherHex, 'hex');
  const expected = createHmac('sha256', key).update(ciphertext).digest();
  const given = Buffer.from(macHex, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new KeyDecryptionError('decryption failed (wrong password or damaged key file)');
  }
  const iv = Buffer.from(ivHex, 'hex');
  if (iv.length !== 16) throw new KeyDecryptionError('invalid IV in encrypted key file');
  const decipher = createDecipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}

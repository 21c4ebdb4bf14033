import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { pythonJsonDumps } from '../json/python-json.js';
import { isJsonObject, JsonSyntaxError, parseStrictJson, type JsonObject } from '../json/strict-json.js';
import { decryptKeyJson, encryptKeyJson, KeyDecryptionError, looksEncrypted } from './key-encryption.js';
import {
  checkKeyObjectFamily,
  ed25519PrivateKeyFromSeed,
  ed25519RawPublicHex,
  ed25519RawSeedHex,
  familyOf,
  KEYID_HASH_ALGORITHMS,
  KeyFormatError,
  publicKeyFromMetadata,
  publicKeyFromParts,
  spkiPem,
  type KeyFamily,
  type PublicKey,
  type SigningKey,
} from './keys.js';

/**
 * Key files secloop reads and writes. Formats are detected from the content:
 *
 * - securesystemslib JSON (`in-toto-keygen -t ed25519|ecdsa`, `secloop keygen`),
 *   plain or encrypted (`in-toto-keygen -p`: AES-256-CTR/PBKDF2, see key-encryption.ts);
 * - PEM: PKCS#1 `RSA PRIVATE KEY` (in-toto-keygen's default RSA keys, optionally
 *   encrypted with a password), SEC1 `EC PRIVATE KEY`, PKCS#8 (plain or encrypted),
 *   and SubjectPublicKeyInfo `PUBLIC KEY`.
 *
 * RSA keys get the reference's default scheme `rsassa-pss-sha256`. Problems with a
 * key file are user errors (exit 2); the message never contains key material.
 */

const MAX_KEY_FILE_BYTES = 1024 * 1024;

export interface KeyFileOptions {
  password?: string | undefined;
}

export function loadSigningKeyFile(file: string, options: KeyFileOptions = {}): SigningKey {
  const text = readKeyFile(file);
  try {
    return parseSigningKey(text, options.password);
  } catch (error) {
    throw asUsageError(file, error);
  }
}

export function loadPublicKeyFile(file: string): PublicKey {
  const text = readKeyFile(file);
  try {
    return parsePublicKey(text);
  } catch (error) {
    throw asUsageError(file, error);
  }
}

export function parseSigningKey(text: string, password?: string): SigningKey {
  if (looksEncrypted(text)) {
    if (password === undefined) throw new KeyFormatError('the key is encrypted: give its password');
    return signingKeyFromJson(parseKeyJson(decryptKeyJson(text, password)));
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return signingKeyFromJson(parseKeyJson(trimmed));
  if (trimmed.includes('-----BEGIN')) return signingKeyFromPem(text, password);
  throw new KeyFormatError('not a key file secloop knows (securesystemslib JSON or PEM)');
}

export function parsePublicKey(text: string): PublicKey {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const json = parseKeyJson(trimmed);
    if (isJsonObject(json.keyval) && typeof json.keyval.private === 'string' && json.keyval.private !== '') {
      throw new KeyFormatError('this is a private key: pass the public key file (.pub)');
    }
    return publicKeyFromMetadata(json, 'public key');
  }
  if (looksEncrypted(text) || /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    throw new KeyFormatError('this is a private key: pass the public key file (.pub)');
  }
  const pem = extractPem(text, 'PUBLIC KEY');
  if (!pem) throw new KeyFormatError('not a public key file secloop knows (securesystemslib JSON or PEM "PUBLIC KEY")');
  const keyObject = createPublicKey({ key: pem, format: 'pem' });
  switch (keyObject.asymmetricKeyType) {
    case 'ed25519':
      return publicKeyFromParts('ed25519', 'ed25519', ed25519RawPublicHex(keyObject));
    case 'ec':
      // Normalised PEM (trailing newline), the form in-toto-keygen's JSON ecdsa keys carry,
      // so that a key pair written as PEM and as JSON has one key id.
      return publicKeyFromParts('ecdsa', ecdsaScheme(keyObject), spkiPem(keyObject));
    case 'rsa':
      // securesystemslib keeps the file's PEM block as is (import_rsakey_from_public_pem).
      return publicKeyFromParts('rsa', 'rsassa-pss-sha256', pem);
    default:
      throw new KeyFormatError(`unsupported public key type ${keyObject.asymmetricKeyType}`);
  }
}

function signingKeyFromJson(json: JsonObject): SigningKey {
  const { keytype, scheme, keyval } = json;
  if (typeof keytype !== 'string' || typeof scheme !== 'string' || !isJsonObject(keyval) || typeof keyval.public !== 'string') {
    throw new KeyFormatError('a key needs string fields keytype, scheme and keyval.public');
  }
  if (typeof keyval.private !== 'string' || keyval.private === '') {
    throw new KeyFormatError('this is a public key: signing needs the private key file');
  }
  const family = familyOf(keytype, scheme);
  const publicKey = publicKeyFromParts(keytype, scheme, keyval.public);
  let privateKey: KeyObject;
  if (family === 'ed25519') {
    privateKey = ed25519PrivateKeyFromSeed(keyval.private);
  } else {
    privateKey = createPrivateKey({ key: keyval.private, format: 'pem' });
    checkKeyObjectFamily(privateKey, family, scheme);
  }
  if (!sameKey(createPublicKey(privateKey), publicKey.keyObject)) {
    throw new KeyFormatError('the private and public parts of the key do not belong together');
  }
  if (json.keyid !== undefined && json.keyid !== publicKey.keyid) {
    throw new KeyFormatError(`the stated keyid is not the id of the key (${publicKey.keyid})`);
  }
  return { ...publicKey, privateKey };
}

function signingKeyFromPem(text: string, password?: string): SigningKey {
  const encrypted = /ENCRYPTED/.test(text);
  if (encrypted && password === undefined) throw new KeyFormatError('the key is encrypted: give its password');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem', ...(password !== undefined ? { passphrase: password } : {}) });
  } catch {
    throw new KeyFormatError(encrypted ? 'cannot decrypt the key (wrong password?)' : 'cannot parse the PEM private key');
  }
  const publicObject = createPublicKey(privateKey);
  switch (privateKey.asymmetricKeyType) {
    case 'ed25519':
      return { ...publicKeyFromParts('ed25519', 'ed25519', ed25519RawPublicHex(publicObject)), privateKey };
    case 'ec':
      return { ...publicKeyFromParts('ecdsa', ecdsaScheme(publicObject), spkiPem(publicObject)), privateKey };
    case 'rsa':
      // securesystemslib derives the public PEM and strips the trailing newline (extract_pem).
      return { ...publicKeyFromParts('rsa', 'rsassa-pss-sha256', spkiPem(publicObject).trimEnd()), privateKey };
    default:
      throw new KeyFormatError(`unsupported private key type ${privateKey.asymmetricKeyType}`);
  }
}

function ecdsaScheme(keyObject: KeyObject): string {
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1') return 'ecdsa-sha2-nistp256';
  if (curve === 'secp384r1') return 'ecdsa-sha2-nistp384';
  throw new KeyFormatError(`unsupported EC curve ${curve ?? 'unknown'} (P-256 and P-384 are supported)`);
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

/** The PEM block from its header to its footer, CRLF normalised, as securesystemslib's extract_pem. */
function extractPem(text: string, label: string): string | null {
  const header = `-----BEGIN ${label}-----`;
  const footer = `-----END ${label}-----`;
  const start = text.indexOf(header);
  if (start < 0) return null;
  const end = text.indexOf(footer, start + header.length);
  if (end < 0) return null;
  return text.slice(start, end + footer.length).replace(/\r\n/g, '\n');
}

function parseKeyJson(text: string): JsonObject {
  let value;
  try {
    value = parseStrictJson(text);
  } catch (error) {
    // Only the position: the message of a syntax error quotes a character of the (secret) file.
    if (error instanceof JsonSyntaxError) throw new KeyFormatError(`invalid JSON${/ at line \d+ column \d+$/.exec(error.message)?.[0] ?? ''}`);
    throw error;
  }
  if (!isJsonObject(value)) throw new KeyFormatError('a key file must hold a JSON object');
  return value;
}

function readKeyFile(file: string): string {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new UsageError(`key file ${file} is not a regular file`);
    if (stat.size > MAX_KEY_FILE_BYTES) throw new UsageError(`key file ${file} is too large to be a key`);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read key file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function asUsageError(file: string, error: unknown): Error {
  if (error instanceof KeyFormatError || error instanceof KeyDecryptionError) return new UsageError(`key file ${file}: ${error.message}`);
  if (error instanceof UsageError) return error;
  // Errors from node:crypto may quote input; keep only their code.
  const code = (error as NodeJS.ErrnoException).code;
  return new UsageError(`key file ${file}: cannot load the key${code ? ` (${code})` : ''}`);
}

// ---------------------------------------------------------------------------
// Generation

export type KeyFileFormat = 'securesystemslib' | 'pem';

export interface GeneratedKeyFiles {
  key: SigningKey;
  privateText: string;
  publicText: string;
}

export function generateSigningKey(family: Exclude<KeyFamily, 'rsa'>): SigningKey {
  if (family === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { ...publicKeyFromParts('ed25519', 'ed25519', ed25519RawPublicHex(publicKey)), privateKey };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKeyFromParts('ecdsa', 'ecdsa-sha2-nistp256', spkiPem(publicKey)), privateKey };
}

/**
 * The two files for a key. securesystemslib format: `json.dumps` of the key dict in
 * the reference's field order (so in-toto-run/-sign/-verify read them with `-t ed25519`
 * or `-t ecdsa`), encrypted like `in-toto-keygen -p` when a password is given.
 * PEM: PKCS#8 private key (AES-256-CBC with a password) and SubjectPublicKeyInfo.
 */
export function keyFileTexts(key: SigningKey, format: KeyFileFormat, password?: string): GeneratedKeyFiles {
  if (format === 'pem') {
    const privateText = key.privateKey
      .export(password !== undefined ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password } : { type: 'pkcs8', format: 'pem' })
      .toString();
    return { key, privateText, publicText: spkiPem(createPublicKey(key.privateKey)) };
  }
  const keyval = { public: key.publicValue, private: privateValue(key) };
  const algorithms = [...KEYID_HASH_ALGORITHMS];
  const privateDict =
    key.family === 'ed25519'
      ? { keytype: key.keytype, scheme: key.scheme, keyid: key.keyid, keyid_hash_algorithms: algorithms, keyval }
      : { keytype: key.keytype, scheme: key.scheme, keyid: key.keyid, keyval, keyid_hash_algorithms: algorithms };
  const plain = pythonJsonDumps(privateDict);
  const publicText = pythonJsonDumps({ keytype: key.keytype, scheme: key.scheme, keyid_hash_algorithms: algorithms, keyval: { public: key.publicValue } });
  return { key, privateText: password !== undefined ? encryptKeyJson(plain, password) : plain, publicText };
}

function privateValue(key: SigningKey): string {
  if (key.family === 'ed25519') return ed25519RawSeedHex(key.privateKey);
  return key.privateKey.export({ type: key.family === 'ecdsa' ? 'sec1' : 'pkcs1', format: 'pem' }).toString();
}


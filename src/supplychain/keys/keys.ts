import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/strict-json.js';

/**
 * Keys as securesystemslib 0.x (in-toto 1.3.1) models them. A key's id is the
 * SHA-256 of the canonical JSON of
 * `{"keytype", "scheme", "keyid_hash_algorithms": ["sha256", "sha512"], "keyval": {"public"}}`,
 * where `public` is the exact string stored for the key: lowercase hex of the raw
 * 32 bytes for ed25519, a PEM SubjectPublicKeyInfo for ecdsa and rsa.
 */

export const KEYID_HASH_ALGORITHMS = ['sha256', 'sha512'] as const;

export type KeyFamily = 'ed25519' | 'ecdsa' | 'rsa';

export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

export interface PublicKey {
  keyid: string;
  family: KeyFamily;
  /** keytype as written in the metadata ("ed25519", "ecdsa", "rsa", or a legacy "ecdsa-sha2-nistp256"). */
  keytype: string;
  scheme: string;
  /** keyval.public exactly as stored; the key id is computed from it. */
  publicValue: string;
  keyObject: KeyObject;
}

export interface SigningKey extends PublicKey {
  privateKey: KeyObject;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const ECDSA_SCHEMES: Record<string, { hash: string; curve: string }> = {
  'ecdsa-sha2-nistp256': { hash: 'sha256', curve: 'prime256v1' },
  'ecdsa-sha2-nistp384': { hash: 'sha384', curve: 'secp384r1' },
};
const ECDSA_KEYTYPES = new Set(['ecdsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384']);
// md5 and sha1 variants exist in securesystemslib; secloop refuses them.
const RSA_SCHEMES: Record<string, { hash: string; pss: boolean }> = Object.fromEntries(
  ['sha224', 'sha256', 'sha384', 'sha512'].flatMap((hash) => [
    [`rsassa-pss-${hash}`, { hash, pss: true }],
    [`rsa-pkcs1v15-${hash}`, { hash, pss: false }],
  ]),
);

export function familyOf(keytype: string, scheme: string): KeyFamily {
  if (keytype === 'ed25519') {
    if (scheme !== 'ed25519') throw new KeyFormatError(`unsupported scheme '${scheme}' for an ed25519 key`);
    return 'ed25519';
  }
  if (ECDSA_KEYTYPES.has(keytype)) {
    if (!ECDSA_SCHEMES[scheme]) throw new KeyFormatError(`unsupported scheme '${scheme}' for an ecdsa key`);
    return 'ecdsa';
  }
  if (keytype === 'rsa') {
    if (!RSA_SCHEMES[scheme]) throw new KeyFormatError(`unsupported scheme '${scheme}' for an rsa key`);
    return 'rsa';
  }
  throw new KeyFormatError(`unsupported key type '${keytype}'`);
}

/** The key id the reference computes (`securesystemslib.keys._get_keyid`). */
export function computeKeyId(keytype: string, scheme: string, publicValue: string, hash: 'sha256' | 'sha512' = 'sha256'): string {
  const metadata = { keytype, scheme, keyid_hash_algorithms: [...KEYID_HASH_ALGORITHMS], keyval: { public: publicValue } };
  return createHash(hash).update(canonicalJson(metadata), 'utf8').digest('hex');
}

/** The public key as a layout embeds it under `keys` (and as a `.pub` file holds it, plus keyid). */
export function publicKeyMetadata(key: PublicKey): JsonObject {
  return {
    keyid: key.keyid,
    keytype: key.keytype,
    scheme: key.scheme,
    keyid_hash_algorithms: [...KEYID_HASH_ALGORITHMS],
    keyval: { public: key.publicValue },
  };
}

/** Builds a usable public key from its metadata parts, checking the value parses as that type. */
export function publicKeyFromParts(keytype: string, scheme: string, publicValue: string): PublicKey {
  const family = familyOf(keytype, scheme);
  const keyObject = publicKeyObject(family, scheme, publicValue);
  return { keyid: computeKeyId(keytype, scheme, publicValue), family, keytype, scheme, publicValue, keyObject };
}

/**
 * A public key from a metadata dict (a layout's `keys` entry or a JSON `.pub` file).
 * When the dict states a keyid it must be the one computed from the key itself
 * (sha256, or sha512 as securesystemslib also allows): the reference trusts the
 * stated id, secloop does not.
 */
export function publicKeyFromMetadata(value: JsonValue, where: string): PublicKey {
  if (!isJsonObject(value)) throw new KeyFormatError(`${where}: a key must be a JSON object`);
  const keytype = value.keytype;
  const scheme = value.scheme;
  const keyval = value.keyval;
  if (typeof keytype !== 'string' || typeof scheme !== 'string' || !isJsonObject(keyval) || typeof keyval.public !== 'string') {
    throw new KeyFormatError(`${where}: a key needs string fields keytype, scheme and keyval.public`);
  }
  if (keyval.private !== undefined && keyval.private !== '') {
    throw new KeyFormatError(`${where}: contains private key material where a public key belongs`);
  }
  const key = publicKeyFromParts(keytype, scheme, keyval.public);
  if (value.keyid !== undefined) {
    const stated = value.keyid;
    if (typeof stated !== 'string' || (stated !== key.keyid && stated !== computeKeyId(keytype, scheme, keyval.public, 'sha512'))) {
      throw new KeyFormatError(`${where}: stated keyid ${String(stated)} is not the id of the key (${key.keyid})`);
    }
    return { ...key, keyid: stated };
  }
  return key;
}

function publicKeyObject(family: KeyFamily, scheme: string, publicValue: string): KeyObject {
  try {
    if (family === 'ed25519') {
      if (!/^[0-9a-fA-F]{64}$/.test(publicValue)) throw new KeyFormatError('an ed25519 public key must be 64 hex digits');
      return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicValue, 'hex')]), format: 'der', type: 'spki' });
    }
    const keyObject = createPublicKey({ key: publicValue, format: 'pem' });
    checkKeyObjectFamily(keyObject, family, scheme);
    return keyObject;
  } catch (error) {
    if (error instanceof KeyFormatError) throw error;
    throw new KeyFormatError(`cannot parse the ${family} public key: ${(error as Error).message}`);
  }
}

export function checkKeyObjectFamily(keyObject: KeyObject, family: KeyFamily, scheme: string): void {
  const actual = keyObject.asymmetricKeyType;
  if (family === 'ecdsa') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    if (actual !== 'ec' || curve !== ECDSA_SCHEMES[scheme]?.curve) {
      throw new KeyFormatError(`scheme ${scheme} needs an EC key on ${ECDSA_SCHEMES[scheme]?.curve}, got ${actual} ${curve ?? ''}`.trim());
    }
  } else if (family === 'rsa') {
    if (actual !== 'rsa') throw new KeyFormatError(`scheme ${scheme} needs an RSA key, got ${actual}`);
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new KeyFormatError(`RSA keys shorter than 2048 bits are refused (got ${bits})`);
  } else if (actual !== 'ed25519') {
    throw new KeyFormatError(`expected an ed25519 key, got ${actual}`);
  }
}

export function ed25519PrivateKeyFromSeed(seedHex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(seedHex)) throw new KeyFormatError('an ed25519 private key must be 64 hex digits (the seed)');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' });
}

export function ed25519RawPublicHex(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x) throw new KeyFormatError('not an ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('hex');
}

export function ed25519RawSeedHex(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.d) throw new KeyFormatError('not an ed25519 private key');
  return Buffer.from(jwk.d, 'base64url').toString('hex');
}

/** SubjectPublicKeyInfo PEM as pyca/cryptography writes it (64-column base64, trailing newline). */
export function spkiPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Signs `data` as securesystemslib does: ed25519 over the message, ECDSA with the
 * scheme's hash and a DER signature, RSA-PSS with MGF1 and a salt as long as the hash.
 */
export function signBytes(key: SigningKey, data: Uint8Array): Buffer {
  switch (key.family) {
    case 'ed25519':
      return cryptoSign(null, data, key.privateKey);
    case 'ecdsa':
      return cryptoSign(ECDSA_SCHEMES[key.scheme]!.hash, data, { key: key.privateKey, dsaEncoding: 'der' });
    case 'rsa': {
      const { hash, pss } = RSA_SCHEMES[key.scheme]!;
      return pss
        ? cryptoSign(hash, data, { key: key.privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: -1 /* digest length */ })
        : cryptoSign(hash, data, { key: key.privateKey, padding: 1 /* RSA_PKCS1_PADDING */ });
    }
  }
}

/**
 * Verifies a signature; never throws for a bad signature. ECDSA accepts DER (what
 * securesystemslib writes) and, when `allowRawEcdsa`, the raw r||s form some DSSE
 * signers use.
 */
export function verifyBytes(key: PublicKey, data: Uint8Array, signature: Uint8Array, options: { allowRawEcdsa?: boolean } = {}): boolean {
  try {
    switch (key.family) {
      case 'ed25519':
        return cryptoVerify(null, data, key.keyObject, signature);
      case 'ecdsa': {
        const hash = ECDSA_SCHEMES[key.scheme]!.hash;
        if (signature[0] === 0x30 && safeVerify(hash, data, { key: key.keyObject, dsaEncoding: 'der' }, signature)) return true;
        return options.allowRawEcdsa === true && safeVerify(hash, data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, signature);
      }
      case 'rsa': {
        const { hash, pss } = RSA_SCHEMES[key.scheme]!;
        return pss
          ? cryptoVerify(hash, data, { key: key.keyObject, padding: 6, saltLength: -2 /* auto, as the reference */ }, signature)
          : cryptoVerify(hash, data, { key: key.keyObject, padding: 1 }, signature);
      }
    }
  } catch {
    return false;
  }
}

function safeVerify(hash: string, data: Uint8Array, key: Parameters<typeof cryptoVerify>[2], signature: Uint8Array): boolean {
  try {
    return cryptoVerify(hash, data, key, signature);
  } catch {
    return false;
  }
}

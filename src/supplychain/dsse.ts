import { isJsonObject, parseStrictJson, type JsonValue } from './json/strict-json.js';
import { signBytes, verifyBytes, type PublicKey, type SigningKey } from './keys/keys.js';

/**
 * Dead Simple Signing Envelope (DSSE v1.0). The signature covers the
 * Pre-Authentication Encoding
 *   "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * where LEN is the decimal byte length (of the UTF-8 type). Payload and signatures are
 * base64; verifiers accept the standard and the URL-safe alphabet.
 */

export interface DsseSignature {
  keyid?: string;
  sig: string;
}

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

export class DsseError extends Error {
  override readonly name = 'DsseError';
}

export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${payload.length} `, 'ascii'), payload]);
}

export function signEnvelope(payloadType: string, payload: Uint8Array, keys: SigningKey[]): DsseEnvelope {
  const message = pae(payloadType, payload);
  return {
    payload: Buffer.from(payload).toString('base64'),
    payloadType,
    signatures: keys.map((key) => ({ keyid: key.keyid, sig: signBytes(key, message).toString('base64') })),
  };
}

export interface VerifiedEnvelope {
  payloadType: string;
  payload: Buffer;
  /** Key ids of the distinct trusted keys that signed. */
  signers: string[];
}

/**
 * Verifies an envelope against trusted keys. The keyid hint only narrows which keys
 * are tried; each trusted key counts once, however often it signed. Throws a DsseError
 * (with a readable reason) unless at least `threshold` distinct keys signed and the
 * payload type is one of `acceptedTypes`.
 */
export function verifyEnvelope(envelope: DsseEnvelope, trusted: PublicKey[], options: { threshold?: number; acceptedTypes: string[] }): VerifiedEnvelope {
  const threshold = options.threshold ?? 1;
  if (threshold < 1) throw new DsseError('threshold must be at least 1');
  const payload = decodeBase64(envelope.payload, 'payload');
  const message = pae(envelope.payloadType, payload);
  const accepted = new Set<string>();
  for (const signature of envelope.signatures) {
    let sig: Buffer;
    try {
      sig = decodeBase64(signature.sig, 'signature');
    } catch {
      continue;
    }
    for (const key of trusted) {
      if (accepted.has(key.keyid)) continue;
      if (signature.keyid !== undefined && signature.keyid !== '' && signature.keyid !== key.keyid) continue;
      if (verifyBytes(key, message, sig, { allowRawEcdsa: true })) {
        accepted.add(key.keyid);
        break;
      }
    }
  }
  if (accepted.size < threshold) {
    throw new DsseError(
      accepted.size === 0
        ? `no valid signature by a trusted key (${trusted.map((k) => k.keyid.slice(0, 8)).join(', ') || 'none given'})`
        : `only ${accepted.size} of the required ${threshold} trusted keys signed`,
    );
  }
  if (!options.acceptedTypes.includes(envelope.payloadType)) {
    throw new DsseError(`unsupported payload type '${envelope.payloadType}' (expected ${options.acceptedTypes.join(' or ')})`);
  }
  return { payloadType: envelope.payloadType, payload, signers: [...accepted].sort() };
}

/** Parses and shape-checks an envelope file; throws DsseError on anything malformed. */
export function parseEnvelope(text: string): DsseEnvelope {
  let value: JsonValue;
  try {
    value = parseStrictJson(text);
  } catch (error) {
    throw new DsseError(`not a DSSE envelope: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) throw new DsseError('not a DSSE envelope: expected a JSON object');
  const { payload, payloadType, signatures } = value;
  if (typeof payload !== 'string' || typeof payloadType !== 'string' || !Array.isArray(signatures)) {
    throw new DsseError('not a DSSE envelope: needs string payload and payloadType and a signatures array');
  }
  const parsed: DsseSignature[] = signatures.map((entry, index) => {
    if (!isJsonObject(entry) || typeof entry.sig !== 'string' || (entry.keyid !== undefined && typeof entry.keyid !== 'string')) {
      throw new DsseError(`not a DSSE envelope: signature ${index} needs a string sig (and optionally a string keyid)`);
    }
    return entry.keyid === undefined ? { sig: entry.sig } : { keyid: entry.keyid as string, sig: entry.sig };
  });
  return { payload, payloadType, signatures: parsed };
}

/** Standard or URL-safe base64, padded or not; anything else is an error. */
export function decodeBase64(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || (/[+/]/.test(text) && /[-_]/.test(text))) {
    throw new DsseError(`${what} is not valid base64`);
  }
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) throw new DsseError(`${what} is not valid base64`);
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

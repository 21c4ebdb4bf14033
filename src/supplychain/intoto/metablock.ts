import { readFileSync, statSync } from 'node:fs';
import { canonicalJsonBytes } from '../json/canonical-json.js';
import { pythonJsonDumps } from '../json/python-json.js';
import { isJsonObject, JsonSyntaxError, parseStrictJson, type JsonObject } from '../json/strict-json.js';
import { signBytes, verifyBytes, type PublicKey, type SigningKey } from '../keys/keys.js';
import { layoutFromJson, linkFromJson, MetadataFormatError, signableOf, type Layout, type Link } from './models.js';

/**
 * A signed in-toto metadata file: `{"signatures": [...], "signed": {...}}`. Signatures
 * are securesystemslib's `{"keyid", "sig": hex}` over the canonical JSON of `signed`.
 * Files are written as the reference writes them (`json.dumps(indent=1,
 * separators=(",", ": "), sort_keys=True)`, no trailing newline).
 */

export interface KeySignature {
  keyid: string;
  sig: string;
}

/** A signature entry as found in a file: standard, or one secloop cannot check (GPG). */
export type SignatureEntry = { kind: 'key'; keyid: string; sig: string; raw: JsonObject } | { kind: 'other'; keyid: string; raw: JsonObject };

export interface Metablock<T extends Link | Layout = Link | Layout> {
  signatures: SignatureEntry[];
  signed: T;
}

export class SignatureVerificationError extends Error {
  override readonly name = 'SignatureVerificationError';
}

const MAX_METADATA_BYTES = 64 * 1024 * 1024;
const HEX = /^[a-fA-F0-9]+$/;

export function readMetablockFile(file: string): Metablock {
  const stat = statSync(file);
  if (!stat.isFile()) throw new MetadataFormatError(`${file} is not a regular file`);
  if (stat.size > MAX_METADATA_BYTES) throw new MetadataFormatError(`${file} is larger than ${MAX_METADATA_BYTES} bytes`);
  return parseMetablock(readFileSync(file, 'utf8'));
}

export function parseMetablock(text: string): Metablock {
  let data;
  try {
    data = parseStrictJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new MetadataFormatError(`invalid JSON: ${error.message}`);
    throw error;
  }
  if (!isJsonObject(data)) throw new MetadataFormatError('metadata must be a JSON object');
  const signaturesValue = Object.prototype.hasOwnProperty.call(data, 'signatures') ? data.signatures : [];
  const signedValue = Object.prototype.hasOwnProperty.call(data, 'signed') ? data.signed : {};
  if (!Array.isArray(signaturesValue)) throw new MetadataFormatError("The Metablock's 'signatures' property has to be of type 'list'");
  if (!isJsonObject(signedValue)) throw new MetadataFormatError('Invalid Metadata format');
  const signatures = signaturesValue.map((entry, index): SignatureEntry => {
    if (!isJsonObject(entry) || typeof entry.keyid !== 'string' || !HEX.test(entry.keyid)) {
      throw new MetadataFormatError(`signature ${index} needs a hex keyid`);
    }
    if (typeof entry.sig === 'string' && HEX.test(entry.sig)) return { kind: 'key', keyid: entry.keyid, sig: entry.sig, raw: entry };
    if (typeof entry.signature === 'string') return { kind: 'other', keyid: entry.keyid, raw: entry };
    throw new MetadataFormatError(`signature ${index} is neither a key signature ({keyid, sig}) nor a GPG signature`);
  });
  const type = signedValue._type;
  if (type === 'link') return { signatures, signed: linkFromJson(signedValue) };
  if (type === 'layout') return { signatures, signed: layoutFromJson(signedValue) };
  throw new MetadataFormatError('Invalid Metadata format: signed._type must be "link" or "layout"');
}

export function signableBytes(signed: Link | Layout): Buffer {
  return canonicalJsonBytes(signableOf(signed));
}

export function signMetablock<T extends Link | Layout>(block: Metablock<T>, key: SigningKey): KeySignature {
  const signature: KeySignature = { keyid: key.keyid, sig: signBytes(key, signableBytes(block.signed)).toString('hex') };
  block.signatures.push({ kind: 'key', ...signature, raw: { ...signature } });
  return signature;
}

/**
 * The reference's Metablock.verify_signature: the first signature with the key's id
 * must verify. Throws SignatureVerificationError with the reason.
 */
export function verifyMetablockSignature(block: Metablock, key: PublicKey): void {
  const signature = block.signatures.find((entry) => entry.keyid === key.keyid);
  if (!signature) throw new SignatureVerificationError(`no signature found for key ${key.keyid}`);
  if (signature.kind !== 'key') throw new SignatureVerificationError(`signature by ${key.keyid} is not a key signature secloop can check (GPG signatures are not supported)`);
  if (signature.sig.length % 2 !== 0 || !verifyBytes(key, signableBytes(block.signed), Buffer.from(signature.sig, 'hex'))) {
    throw new SignatureVerificationError(`invalid signature for keyid ${key.keyid}`);
  }
}

export function dumpMetablock(block: Metablock): string {
  return pythonJsonDumps({ signatures: block.signatures.map((entry) => entry.raw), signed: signableOf(block.signed) }, { indent: 1, sortKeys: true });
}

/** `<step>.<first 8 hex digits of the keyid>.link`, the reference's FILENAME_FORMAT. */
export function linkFileName(stepName: string, keyid: string): string {
  return `${stepName}.${keyid.slice(0, 8)}.link`;
}

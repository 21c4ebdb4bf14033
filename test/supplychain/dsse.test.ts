import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { DsseError, decodeBase64, pae, parseEnvelope, signEnvelope, verifyEnvelope } from '../../src/supplychain/dsse.js';
import { generateSigningKey } from '../../src/supplychain/keys/key-files.js';
import { publicKeyFromParts, spkiPem } from '../../src/supplychain/keys/keys.js';

function bigToBase64Url(decimal: string): string {
  return Buffer.from(BigInt(decimal).toString(16).padStart(64, '0'), 'hex').toString('base64url');
}

// The test vector of the DSSE specification (protocol.md, "Test Vectors"): ECDSA over
// NIST P-256 with SHA-256, signature as raw r||s.
const SPEC_VECTOR = {
  payloadType: 'http://example.com/HelloWorld',
  payload: 'hello world',
  pae: 'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
  x: '46950820868899156662930047687818585632848591499744589407958293238635476079160',
  y: '5640078356564379163099075877009565129882514886557779369047442380624545832820',
  envelope: {
    payload: 'aGVsbG8gd29ybGQ=',
    payloadType: 'http://example.com/HelloWorld',
    signatures: [{ sig: 'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==' }],
  },
};

function specKey() {
  const keyObject = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: bigToBase64Url(SPEC_VECTOR.x), y: bigToBase64Url(SPEC_VECTOR.y) }, format: 'jwk' });
  return publicKeyFromParts('ecdsa', 'ecdsa-sha2-nistp256', spkiPem(keyObject));
}

test('PAE of the specification example', () => {
  assert.equal(pae(SPEC_VECTOR.payloadType, Buffer.from(SPEC_VECTOR.payload)).toString('latin1'), SPEC_VECTOR.pae);
});

test('the DSSE specification test vector verifies, and fails when anything changes', () => {
  const key = specKey();
  const verified = verifyEnvelope(SPEC_VECTOR.envelope, [key], { acceptedTypes: [SPEC_VECTOR.payloadType] });
  assert.equal(verified.payload.toString(), 'hello world');
  assert.deepEqual(verified.signers, [key.keyid]);
  const tamperedPayload = { ...SPEC_VECTOR.envelope, payload: Buffer.from('hello world!').toString('base64') };
  assert.throws(() => verifyEnvelope(tamperedPayload, [key], { acceptedTypes: [SPEC_VECTOR.payloadType] }), DsseError);
  const tamperedType = { ...SPEC_VECTOR.envelope, payloadType: 'http://example.com/HelloWorlds' };
  assert.throws(() => verifyEnvelope(tamperedType, [key], { acceptedTypes: [tamperedType.payloadType] }), /no valid signature/);
  assert.throws(() => verifyEnvelope(SPEC_VECTOR.envelope, [key], { acceptedTypes: ['application/vnd.in-toto+json'] }), /unsupported payload type/);
});

test('PAE counts bytes, not characters, and keeps the trailing space of an empty body', () => {
  assert.equal(pae('application/vnd.exämple+json', Buffer.from('{}')).toString('utf8'), 'DSSEv1 29 application/vnd.exämple+json 2 {}');
  assert.equal(pae('t', Buffer.alloc(0)).toString('latin1'), 'DSSEv1 1 t 0 ');
  assert.equal(pae('t', Buffer.from('é')).toString('latin1').slice(0, 13), 'DSSEv1 1 t 2 ');
});

for (const family of ['ed25519', 'ecdsa'] as const) {
  test(`DSSE sign and verify with ${family}, thresholds count distinct keys`, () => {
    const a = generateSigningKey(family);
    const b = generateSigningKey(family);
    const type = 'application/vnd.in-toto+json';
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const both = signEnvelope(type, payload, [a, b]);
    assert.deepEqual(verifyEnvelope(both, [a, b], { threshold: 2, acceptedTypes: [type] }).signers, [a.keyid, b.keyid].sort());
    const twiceA = { ...both, signatures: [both.signatures[0]!, both.signatures[0]!] };
    assert.throws(() => verifyEnvelope(twiceA, [a, b], { threshold: 2, acceptedTypes: [type] }), /only 1 of the required 2/);
    const noKeyIds = { ...both, signatures: both.signatures.map(({ sig }) => ({ sig })) };
    assert.equal(verifyEnvelope(noKeyIds, [a, b], { threshold: 2, acceptedTypes: [type] }).signers.length, 2);
    const urlSafe = { ...both, payload: Buffer.from(payload).toString('base64url'), signatures: both.signatures.map((s) => ({ ...s, sig: Buffer.from(s.sig, 'base64').toString('base64url') })) };
    assert.equal(verifyEnvelope(urlSafe, [a, b], { threshold: 2, acceptedTypes: [type] }).signers.length, 2);
    assert.throws(() => verifyEnvelope(both, [generateSigningKey(family)], { acceptedTypes: [type] }), /no valid signature/);
    const roundTrip = parseEnvelope(JSON.stringify(both));
    assert.deepEqual(roundTrip, both);
  });
}

test('envelope parsing and base64 decoding reject malformed input', () => {
  for (const bad of ['', '[]', '{"payload": 1, "payloadType": "t", "signatures": []}', '{"payload": "", "payloadType": "t", "signatures": [{"sig": 5}]}']) {
    assert.throws(() => parseEnvelope(bad), DsseError);
  }
  assert.throws(() => decodeBase64('a+b_', 'x'), DsseError);
  assert.throws(() => decodeBase64('abcde', 'x'), DsseError);
  assert.throws(() => decodeBase64('ab$c', 'x'), DsseError);
  assert.equal(decodeBase64('aGk', 'x').toString(), 'hi');
});

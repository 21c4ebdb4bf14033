/**
 * A JSON Web Token worth reporting: three base64url parts whose header decodes to a
 * JSON object naming a signing algorithm other than "none", whose payload decodes to
 * a JSON object (not the debuggers' John Doe), and whose signature is long enough to be
 * one (HS256 gives 43 chars).
 * Source maps and other base64 JSON start with "eyJ" too, and fail here.
 */
export function isSignedJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [header, payload, signature] = parts as [string, string, string];
  if (signature.length < 32 || !/^[A-Za-z0-9_-]+$/.test(signature)) return false;
  const headerJson = decodeJsonObject(header);
  if (!headerJson) return false;
  const alg = headerJson['alg'];
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') return false;
  const payloadJson = decodeJsonObject(payload);
  return payloadJson !== null && !isDebuggerExample(payloadJson);
}

/**
 * The example every JWT debugger and API reference shows: John Doe with subject
 * 1234567890, signed with a published secret ("your-256-bit-secret"); and the keys of
 * Supabase's local development stack (issuer supabase-demo), signed with the published
 * default JWT secret and printed by `supabase start` for everyone.
 */
function isDebuggerExample(payload: Record<string, unknown>): boolean {
  if (payload['iss'] === 'supabase-demo') return true;
  return typeof payload['name'] === 'string' && /^(?:John|Jane) Doe$/.test(payload['name']) && payload['sub'] === '1234567890';
}

function decodeJsonObject(part: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(part)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

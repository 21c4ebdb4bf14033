/**
 * Structure of a PEM / OpenSSH / PGP private key block: the base64 body must decode to
 * enough bytes and start the way the named format starts. Documentation placeholders
 * ("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----") fail here.
 * The block may come with its line breaks escaped, as in JSON or a .env value.
 */
export function isPlausiblePrivateKeyBlock(block: string): boolean {
  const begin = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----/.exec(block);
  if (!begin) return false;
  const label = begin[1]!;
  const afterBegin = block.slice(begin.index + begin[0].length);
  const end = afterBegin.indexOf('-----END ');
  if (end < 0) return false;
  const bytes = decodeBody(afterBegin.slice(0, end), label.startsWith('PGP'));
  if (!bytes || bytes.length < 64) return false;
  if (label === 'OPENSSH PRIVATE KEY') return bytes.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0';
  // OpenPGP packets start with a tag byte whose top bit is set.
  if (label.startsWith('PGP')) return (bytes[0]! & 0x80) !== 0;
  // PKCS#1, PKCS#8, SEC1, DSA: a DER SEQUENCE.
  return bytes[0] === 0x30;
}

function decodeBody(rawBody: string, armored: boolean): Buffer | null {
  // Lines may be quoted pieces of a string concatenation: "MIIE...\n" +
  const lines = rawBody
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^["'`]/, '').replace(/["'`]\s*[+,;]?$/, '').trim());
  const body: string[] = [];
  for (const line of lines) {
    if (line === '' || line === '+' || line === ',') continue;
    // Legacy encrypted PEM headers (Proc-Type, DEK-Info) and PGP armor headers.
    if (/^[A-Za-z-]+: /.test(line)) continue;
    // The PGP armor checksum line.
    if (armored && /^=[A-Za-z0-9+/]{4}$/.test(line)) continue;
    body.push(line);
  }
  const base64 = body.join('');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  return Buffer.from(base64, 'base64');
}

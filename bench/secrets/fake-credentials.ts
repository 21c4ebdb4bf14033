import { withCrc32Suffix } from '../../src/scanners/secrets/checks/token-checksum.js';

/**
 * Made-up credentials with the structure of real ones (prefixes, lengths, alphabets,
 * valid checksums), from a seeded generator: the same seed gives the same values.
 * None of them was ever issued by a provider.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  string(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }

  digits(length: number): string {
    return String(1 + this.int(9)) + this.string(DIGITS, length - 1);
  }
}

export const DIGITS = '0123456789';
export const HEX = '0123456789abcdef';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const ALNUM = UPPER + LOWER + DIGITS;
export const BASE64 = ALNUM + '+/';
export const BASE64URL = ALNUM + '-_';
export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function uuid(rng: Rng): string {
  const h = (n: number) => rng.string(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${rng.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

/**
 * Random characters that contain a digit and a letter when the alphabet has them, no
 * run of 4 and no placeholder word, so filters see what a real secret looks like.
 */
export function mixed(rng: Rng, alphabet: string, length: number): string {
  const needsDigit = /[0-9]/.test(alphabet);
  const needsLetter = /[A-Za-z]/.test(alphabet);
  for (;;) {
    const value = rng.string(alphabet, length);
    if (needsDigit && !/[0-9]/.test(value)) continue;
    if (needsLetter && !/[A-Za-z]/.test(value)) continue;
    if (/(.)\1\1\1/.test(value) || /example|fake|test|mock|dummy|xxxx|sample|todo|env[.(\[]/i.test(value)) continue;
    return value;
  }
}

export function githubToken(rng: Rng, prefix: 'ghp_' | 'gho_' | 'ghu_' | 'ghs_' | 'ghr_'): string {
  return withCrc32Suffix(prefix, mixed(rng, ALNUM, 30));
}

export function npmToken(rng: Rng): string {
  return withCrc32Suffix('npm_', mixed(rng, ALNUM, 30));
}

export function jwt(rng: Rng, claims: Record<string, unknown> = {}): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ sub: rng.digits(8), name: rng.pick(['svc-billing', 'deploy-bot', 'reporting']), iat: 1700000000 + rng.int(9999999), ...claims }),
  ).toString('base64url');
  return `${header}.${payload}.${rng.bytes(32).toString('base64url')}`;
}

/** A PEM block whose body is DER-shaped random bytes (not a usable key). */
export function pemPrivateKey(rng: Rng, label = 'RSA PRIVATE KEY', bytes = 600): string {
  const body = Buffer.concat([Buffer.from([0x30, 0x82, (bytes >> 8) & 0xff, bytes & 0xff, 0x02, 0x01, 0x00]), rng.bytes(bytes)]);
  return `-----BEGIN ${label}-----\n${wrap(body.toString('base64'), 64)}\n-----END ${label}-----`;
}

export function opensshPrivateKey(rng: Rng): string {
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0', 'latin1'), rng.bytes(380)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(body.toString('base64'), 70)}\n-----END OPENSSH PRIVATE KEY-----`;
}

export function pgpPrivateKey(rng: Rng): string {
  const body = Buffer.concat([Buffer.from([0x95, 0x03, 0xc6]), rng.bytes(400)]);
  return (
    '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n' +
    `${wrap(body.toString('base64'), 64)}\n=${rng.string(BASE64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----`
  );
}

export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join('\n');
}

export function base64Of(rng: Rng, bytes: number): string {
  return rng.bytes(bytes).toString('base64');
}

/** A Discord bot token: base64 of a snowflake id, a timestamp part and an HMAC part. */
export function discordBotToken(rng: Rng): string {
  const id = Buffer.from(rng.digits(18)).toString('base64url').replace(/=+$/, '');
  return `${id}.${rng.string(BASE64URL, 6)}.${mixed(rng, BASE64URL, 38)}`;
}

/** A PyPI API token: "pypi-" + a base64url macaroon whose location is pypi.org. */
export function pypiToken(rng: Rng): string {
  const macaroon = Buffer.concat([Buffer.from('\x02\x01\x08pypi.org\x02', 'latin1'), rng.bytes(150)]).toString('base64url');
  return `pypi-${macaroon}`;
}

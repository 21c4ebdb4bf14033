import type { Detector } from '../detector.js';
import { isSignedJwt } from '../checks/jwt.js';
import { isPlausiblePrivateKeyBlock } from '../checks/pem.js';

const PEM_WINDOW = { before: 0, after: 300, maxChars: 24000 };
const REPLACE_KEY =
  'Treat the key as compromised: replace it (new key pair, new certificate) wherever the public half is trusted, revoke ' +
  'certificates issued for it, and keep the new private key in a secret store or key management service, never in the repository.';

const RSA_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIAeAIBAK8IMR+iYUC+nsa02SOvje2GFeu7+x9dDMiUoroFiwZGq3UVD6dhrG9q\n8aIjxPne9CL/nTvZT7HYNkg7n4LfNH8yHzqZsF6hv8z1xZuvy8+NGj7BgypMzbgL\nu3S8dN+OFmfLjEwztdJ7ax7X380XpE73FpuseGkRJw==\n-----END RSA PRIVATE KEY-----";
const PKCS8_KEY = "-----BEGIN PRIVATE KEY-----\nMIIAeAIBAFUMy8MvnP0+ESo2nQuoLHM5604cFGEt94RXkRvRJNOUgwIFRnwFLKQ6\nVGtOijb7ipRdTFsoFd2Bdk47b+1od+7+pwVOznLlOx/wwW3Hx1+A5Axdhvg37FOr\niYKN2lAwVC/j5Z4Cpjq3HWPvisxdmocOTlgPs5y7nQ==\n-----END PRIVATE KEY-----";
const EC_KEY = "-----BEGIN EC PRIVATE KEY-----\nMIIAWgIBAIPABi/RGGcYzUgnzelFLHfGB+bmu3OTzpqlPZFSZP6l41+pAjN38D8Z\n2BOZFgZyD6lpE4qoOmdnYeCPXmtSltSUIcKou6FiRodMFzzmf10ZvN5E1ogbOSKj\nfA==\n-----END EC PRIVATE KEY-----";
const ENCRYPTED_KEY = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIAeAIBALr7AZhMejgc40Q16Vec38Z01XtNfvRDTAqtgaL6NyNitddjYxycTnQ+\nBft5A+cnfWWDxiu6uNzI8cBP9BJvDSBusZ+78YbC47TmiMv81dzX6hZgzOxKAPx7\nxIiGkvr7vN/qhpudm0cQ78O+eUBS7YyxKWWybaL1Lw==\n-----END ENCRYPTED PRIVATE KEY-----";
const OPENSSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAE9nbgSLQfFDC/5bL+fB0kaKZ4yxnftveKBXXu9gmPL692rmJwM\n2+vImJrQx5FqW4e6xS1pf58ZeKwvmTjIyNjqHNyMojIWWCWaR3/hroF5MMFJIQtds2/Ji1\nFZMsJUx+pJgoGQ1jgcOe1OX5PAilvlzfLchGBfAajqkzM3UqFMU7HBeno2biJs7mLIiybM\n3th6sYcNpFL//fLhQAonGp+a7F1BVHAHhgqjVJncqy5v3jh/+IGMjQN6QvIgPPwnt5hML+\n0EboHAGzgJinVDFHdse3s57gMx7mUjTMSlWbgVqWYsum8+kpCn47hzgJSI7ZOU3PHgR5eq\nszbhdu/jBgZOPii20cs7Ml2nJNrtJNkS8sVeoNhaJhQI8Oe+l3KNysjHEtixCROoTavUP0\nONIEeRNxo8murpaDkt64Tw4ApunFf3uYx8P291HUmjsDaCjhDqcoO4BMWybsIBdR1/opw2\nkgy805lSLtvDYZnReNFsR+ff70kqY7/MlCaHk=\n-----END OPENSSH PRIVATE KEY-----";
const PGP_KEY = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQPGYrMWOk5HqFV79nwIlI5dBEUbGGUoZPRYGY45VapmCktjD6W5waz2Op9Fi2Mz\nM+OwMSpUwmYFbicFqL8NZfSFhK3lizOHlVZQCD3I+MQh/F3Hjq99slgOi51cqBPc\nI16Y2A08ieuKGYMQngirL2wg17yg8d7fCckxlaRZYCJpiRBfDT1R7oG1b2nPyHQI\n2N5AZangWsC5av+e4Ck0o8fSJOMlF6vmV/qDaeHaQUbtd67xGVAN3/HURwYYXVuL\njRJ3Zvd0P51eBrbfxokPXEzqWT9Gvq3nvJ+4R5FuXJkIcJ3AdxzdKFvajzfULE9X\nWnK3IwesooJb3leMNFsfCJ05ZLPDZnfdIwUixxEyTJY/AlkqA8goQSZwEzrYWUqs\nZDMoXiCdKfdNTnL3xcsc7gWegyAbUyb16h3/J/dthHQw7swuQyPfpEgJ0M4QqHqn\nhIodu3qdJnwOgQteBedP2Qzk+Mr1vYisFiQ/Ylk5ji65cPilIMsRkjUpvVmDeHJI\nL//+NVgNPjdr1QxPAsIaErbDbg==\n=t6hh\n-----END PGP PRIVATE KEY BLOCK-----";

export const keyDetectors: Detector[] = [
  {
    id: 'private-key',
    title: 'Private key (PEM)',
    secretType: 'private key',
    description:
      'A PEM private key block (RSA, EC, DSA, PKCS#8, encrypted PKCS#8) whose body decodes to a key structure, reported once ' +
      'per block. It impersonates the server, signs code or tokens, or decrypts traffic, depending on what trusts its public key.',
    remediation: REPLACE_KEY,
    severity: 'critical',
    confidence: 'high',
    keywords: ['-----BEGIN '],
    anchor: 'keyword',
    caseSensitive: true,
    windowLines: PEM_WINDOW,
    pattern: /-----BEGIN (?<label>(?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----[\s\S]{64,20000}?-----END \k<label>-----/g,
    check: (secret) => isPlausiblePrivateKeyBlock(secret),
    allowPlaceholders: true,
    examples: {
      positive: [
        { path: 'deploy/server.key', text: RSA_KEY },
        { path: 'config/jwt.json', text: JSON.stringify({ issuer: 'acme', signingKey: PKCS8_KEY + '\n' }, null, 2) },
        { path: 'certs/ec.pem', text: `# staging\n${EC_KEY}\n` },
        { path: 'keys/backup.pem', text: ENCRYPTED_KEY },
      ],
      negative: [
        { path: 'README.md', text: '```\n-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n```' },
        {
          path: 'certs/ca.pem',
          text: '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQm8z2v3oXbVZ0yYyJm0QqXo1yY0wCgYIKoZIzj0EAwIwHzEdMBsGA1UEAwwUYWNtZSBpbnRlcm5hbCByb290IENB\n-----END CERTIFICATE-----\n',
        },
        { path: 'src/pem.ts', text: "const header = '-----BEGIN PRIVATE KEY-----';\nconst footer = '-----END PRIVATE KEY-----';\n" },
        {
          path: 'keys/pub.pem',
          text: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEp3v5cXJ8lq2mQGn0d0c2m3n4K6qQ1Xk7n2w9WJ3QyE2r4kq1v7S8rBf2Y9mZk1X4cQ3qJ5sP0n6T8wA2bD7eFg==\n-----END PUBLIC KEY-----\n',
        },
      ],
    },
  },
  {
    id: 'openssh-private-key',
    title: 'OpenSSH private key',
    secretType: 'OpenSSH private key',
    description:
      'An OpenSSH private key block (openssh-key-v1), reported once per block. It logs in to every server and Git host that ' +
      'lists its public key, as whoever owns it (often a deploy user with write access).',
    remediation: REPLACE_KEY + ' Remove the public key from authorized_keys files and Git hosts (deploy keys) first.',
    severity: 'critical',
    confidence: 'high',
    keywords: ['-----BEGIN '],
    anchor: 'keyword',
    caseSensitive: true,
    windowLines: PEM_WINDOW,
    pattern: /-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]{64,20000}?-----END OPENSSH PRIVATE KEY-----/g,
    check: (secret) => isPlausiblePrivateKeyBlock(secret),
    allowPlaceholders: true,
    examples: {
      positive: [
        { path: '.ssh/id_ed25519', text: OPENSSH_KEY + '\n' },
        {
          path: '.github/workflows/deploy.yml',
          text: `env:\n  DEPLOY_KEY: |\n${OPENSSH_KEY.split('\n').map((line) => `    ${line}`).join('\n')}\n`,
        },
      ],
      negative: [
        { path: 'docs/ssh.md', text: '-----BEGIN OPENSSH PRIVATE KEY-----\n<your key here>\n-----END OPENSSH PRIVATE KEY-----' },
        { path: '.ssh/id_ed25519.pub', text: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3kV0x9Q2mRz7yL4pWn8bT6cJ5sH1dF3aE0uY2iK7o deploy@ci\n' },
        {
          path: 'broken.key',
          text: '-----BEGIN OPENSSH PRIVATE KEY-----\n' + 'QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n'.repeat(3) + '-----END OPENSSH PRIVATE KEY-----\n',
        },
      ],
    },
  },
  {
    id: 'pgp-private-key',
    title: 'PGP private key block',
    secretType: 'PGP private key',
    description:
      'An ASCII-armored OpenPGP private key block, reported once per block. It signs releases and commits as its owner and ' +
      'decrypts everything encrypted to the key (backups, secrets in git-crypt or SOPS).',
    remediation: REPLACE_KEY + ' Publish a revocation certificate for the key.',
    severity: 'critical',
    confidence: 'high',
    keywords: ['-----BEGIN '],
    anchor: 'keyword',
    caseSensitive: true,
    windowLines: { before: 0, after: 600, maxChars: 48000 },
    pattern: /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{64,40000}?-----END PGP PRIVATE KEY BLOCK-----/g,
    check: (secret) => isPlausiblePrivateKeyBlock(secret),
    allowPlaceholders: true,
    examples: {
      positive: [
        { path: 'release/signing-key.asc', text: PGP_KEY + '\n' },
        { path: 'ci/gpg.env', text: `GPG_PRIVATE_KEY="${PGP_KEY.replace(/\n/g, '\\n')}"\n` },
      ],
      negative: [
        {
          path: 'KEYS',
          text: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGV2xk0BEADG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n',
        },
        { path: 'docs/gpg.md', text: '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n(paste your exported key here)\n-----END PGP PRIVATE KEY BLOCK-----' },
      ],
    },
  },
  {
    id: 'putty-private-key',
    title: 'PuTTY private key',
    secretType: 'PuTTY private key',
    description: 'A PuTTY private key file (PuTTY-User-Key-File-2/3) with its private lines. It logs in to every server that trusts its public key.',
    remediation: REPLACE_KEY,
    severity: 'critical',
    confidence: 'high',
    keywords: ['PuTTY-User-Key-File-'],
    anchor: 'keyword',
    caseSensitive: true,
    windowLines: { before: 0, after: 60, maxChars: 12000 },
    pattern: /PuTTY-User-Key-File-[23]: [\w-]+\r?\n[\s\S]{0,4000}?Private-Lines: \d+\r?\n(?<secret>(?:[A-Za-z0-9+/=]{8,}\r?\n?){1,40})/g,
    check: (secret) => Buffer.from(secret.replace(/\s+/g, ''), 'base64').length >= 32,
    allowPlaceholders: true,
    examples: {
      positive: [
        {
          path: 'keys/deploy.ppk',
          text:
            'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIGq3kV0x9Q2mRz7yL4pWn8bT6cJ5sH1dF3aE0uY2iK7o\n' +
            'Private-Lines: 1\nAAAAIBnT5kq8Vw2cR7yJ4mLp0aX3sD9fG6hK1zQ8bN5vC2eW\nPrivate-MAC: 6f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8\n',
        },
        {
          path: 'ops/old.ppk',
          text:
            'PuTTY-User-Key-File-2: ssh-rsa\r\nEncryption: none\r\nComment: imported\r\nPublic-Lines: 1\r\nAAAAB3NzaC1yc2EAAAADAQABAAAAgQC7VJTUt9Us8cKjMzEfYyjiWA4R4\r\n' +
            'Private-Lines: 2\r\nAAAAgGq3kV0x9Q2mRz7yL4pWn8bT6cJ5sH1dF3aE0uY2iK7oQ8bN5vC2eWnT5kq8Vw2cR7yJ\r\n4mLp0aX3sD9fG6hK1zQ8bN5vC2eW\r\nPrivate-MAC: 0a1b2c3d\r\n',
        },
      ],
      negative: [
        { path: 'docs/putty.md', text: 'PuTTY-User-Key-File-3 is the header of .ppk files.' },
        { path: 'keys/deploy.ppk', text: 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAA\n' },
      ],
    },
  },
  {
    id: 'jwt',
    title: 'JSON Web Token',
    secretType: 'JSON Web Token',
    description:
      'A signed JSON Web Token (header with a signing algorithm, JSON payload, signature). Until it expires it authenticates ' +
      'as its subject; service tokens often never expire.',
    remediation:
      'Invalidate the token (revoke the session, or rotate the signing key if it must die now), then obtain tokens at run time instead of storing them.',
    severity: 'medium',
    confidence: 'high',
    keywords: ['eyJ'],
    anchor: 'keyword',
    caseSensitive: true,
    window: { before: 10, after: 12000 },
    pattern: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{8,10000}\.[A-Za-z0-9_-]{32,1000})(?![A-Za-z0-9_.-])/g,
    check: (secret) => isSignedJwt(secret),
    allowPlaceholders: true,
    examples: {
      positive: ['SERVICE_JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzNTk4Nzk5NSIsIm5hbWUiOiJkZXBsb3ktYm90IiwiaWF0IjoxNzAyMjY2OTU0fQ.7XBRfBp3yiJvYOR5dVGmNZtxxz0a5AFfnRFSH82tCTs', 'curl -H "X-Api-Token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1NDk5NDEyMyIsIm5hbWUiOiJzdmMtYmlsbGluZyIsImlhdCI6MTcwOTY4NDc3NX0.VRGUKCVefz3nUGkH6PWIkvt2oHEkhfx1FOuMZ2IySRk" https://api.example.org/v1/reports'],
      negative: [
        'token = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0."',
        '//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozLCJmaWxlIjoiYXBwLmpzIn0.eyJtYXBwaW5ncyI6IkFBQUEifQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'The token looks like eyJhbGciOi...',
      ],
    },
  },
];

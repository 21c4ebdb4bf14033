import { withCrc32Suffix } from '../../../src/scanners/secrets/checks/token-checksum.js';
import { ALNUM, BASE64, HEX, base64Of, mixed, uuid, type Rng } from '../fake-credentials.js';
import { CREDENTIALS } from './credentials.js';
import { assignment, type Syntax } from './render.js';

/**
 * Lines that look like secrets but are not: placeholders, lookups of the environment,
 * documentation examples, malformed tokens, hashes, ids and public values. Each decoy
 * line must give no finding.
 */
type Decoy = (syntax: Syntax, rng: Rng) => string;

const PLACEHOLDERS = [
  'changeme', '<your-token>', 'your-api-key-here', 'xxxxxxxxxxxxxxxxxxxxxxxx', 'REPLACE_ME', 'TODO', '********', '<redacted>',
  'dummy-secret-for-tests', 'example-key-1234', 'placeholder', '...',
];

function credentialName(rng: Rng): string {
  return rng.pick(rng.pick(CREDENTIALS).names);
}

const placeholderValue: Decoy = (syntax, rng) => assignment(syntax, credentialName(rng), rng.pick(PLACEHOLDERS), rng);

const templateReference: Decoy = (syntax, rng) => {
  const name = credentialName(rng);
  return assignment(syntax, name, rng.pick([`\${${name}}`, `\${{ secrets.${name} }}`, `{{ .Values.${name.toLowerCase()} }}`, `%(${name})s`, `$${name}`]), rng);
};

/** Code reads the secret from the environment: the assignment has no literal at all. */
const environmentLookup: Decoy = (syntax, rng) => {
  const name = credentialName(rng);
  switch (syntax) {
    case 'javascript':
      return rng.pick([`const ${name.toLowerCase()} = process.env.${name};`, `  token: process.env.${name} ?? '',`]);
    case 'python':
      return rng.pick([`${name} = os.environ["${name}"]`, `${name} = os.getenv("${name}", "")`]);
    case 'terraform':
      return `  ${name.toLowerCase()} = var.${name.toLowerCase()}`;
    case 'yaml':
      return `  ${name.toLowerCase()}: \${${name}}`;
    default:
      return assignment(syntax, name, `\${${name}}`, rng);
  }
};

/** Values published in provider documentation, known not to be live. */
const documentationExample: Decoy = (syntax, rng) =>
  rng.pick([
    () => assignment(syntax, 'AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE', rng),
    () => assignment(syntax, 'AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', rng),
    () => assignment(syntax, 'SENTRY_DSN', 'https://examplePublicKey@o0.ingest.sentry.io/0', rng),
    () => assignment(syntax, 'AZURE_STORAGE_CONNECTION_STRING', 'UseDevelopmentStorage=true', rng),
  ])();

/** Tokens with the right prefix but a wrong checksum or length: typed by hand, truncated, or made up. */
const malformedToken: Decoy = (syntax, rng) =>
  rng.pick([
    () => assignment(syntax, 'GITHUB_TOKEN', breakChecksum(withCrc32Suffix('ghp_', mixed(rng, ALNUM, 30))), rng),
    () => assignment(syntax, 'NPM_TOKEN', breakChecksum(withCrc32Suffix('npm_', mixed(rng, ALNUM, 30))), rng),
    () => assignment(syntax, 'GITHUB_OAUTH_TOKEN', breakChecksum(withCrc32Suffix('gho_', mixed(rng, ALNUM, 30))), rng),
    () => assignment(syntax, 'SLACK_BOT_TOKEN', `xoxb-${rng.digits(12)}-${rng.digits(13)}`, rng),
    () => assignment(syntax, 'STRIPE_SECRET_KEY', 'sk_live_' + mixed(rng, ALNUM, 10), rng),
    () => assignment(syntax, 'GITLAB_TOKEN', 'glpat-' + mixed(rng, ALNUM, 8), rng),
    () => assignment(syntax, 'CI_JOB_TOKEN', `glcbt-${rng.string(HEX, 2)}_${mixed(rng, ALNUM, 5)}`, rng),
    () => assignment(syntax, 'REGISTRATION_TOKEN', 'GR1348941' + mixed(rng, ALNUM, 6), rng),
  ])();

function breakChecksum(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + (last === 'a' ? 'b' : 'a');
}

/** Hashes, ids and digests under names that do not hold secrets. */
const lookAlike: Decoy = (syntax, rng) =>
  rng.pick([
    () => assignment(syntax, 'COMMIT_SHA', rng.string(HEX, 40), rng),
    () => assignment(syntax, 'ARTIFACT_CHECKSUM', rng.string(HEX, 64), rng),
    () => assignment(syntax, 'REQUEST_ID', uuid(rng), rng),
    () => assignment(syntax, 'OAUTH_CLIENT_ID', uuid(rng), rng),
    () => assignment(syntax, 'IMAGE_DIGEST', `sha256:${rng.string(HEX, 64)}`, rng),
    () => assignment(syntax, 'BUILD_ID', rng.string(HEX, 32), rng),
    () => assignment(syntax, 'INTEGRITY', `sha512-${base64Of(rng, 64)}`, rng),
    () => assignment(syntax, 'STRIPE_PUBLISHABLE_KEY', 'pk_live_' + mixed(rng, ALNUM, 24), rng),
    () => assignment(syntax, 'GOOGLE_CLIENT_ID', `${rng.digits(12)}-${mixed(rng, 'abcdefghijklmnopqrstuvwxyz0123456789', 32)}.apps.googleusercontent.com`, rng),
    () => assignment(syntax, 'WALLET_ADDRESS', `0x${rng.string(HEX, 40)}`, rng),
    () => assignment(syntax, 'LOGO_BASE64', base64Of(rng, 48), rng),
    () => assignment(syntax, 'TRACE_ID', rng.string(HEX, 32), rng),
    () => assignment(syntax, 'SESSION_ID', mixed(rng, ALNUM, 32), rng),
    () => assignment(syntax, 'DEPLOY_KEY_FINGERPRINT', `SHA256:${base64Of(rng, 32).replace(/=+$/, '')}`, rng),
  ])();

/** Names that mention a secret but hold something else: its length, lifetime, file, label or hash. */
const secretMetadata: Decoy = (syntax, rng) =>
  rng.pick([
    () => assignment(syntax, 'PASSWORD_MIN_LENGTH', String(8 + rng.int(8)), rng),
    () => assignment(syntax, 'TOKEN_TTL_SECONDS', String(300 * (1 + rng.int(12))), rng),
    () => assignment(syntax, 'DB_PASSWORD_FILE', '/run/secrets/db_password', rng),
    () => assignment(syntax, 'SECRET_NAME', 'payments-api-credentials', rng),
    () => assignment(syntax, 'TOKEN_URL', 'https://auth.example.org/oauth/token', rng),
    () => assignment(syntax, 'API_KEY_HEADER', 'X-Api-Key', rng),
    () => assignment(syntax, 'ADMIN_PASSWORD_HASH', `$2b$12$${mixed(rng, ALNUM + './', 53)}`, rng),
    () => assignment(syntax, 'PASSWORD_RESET_URL', 'https://app.example.org/reset', rng),
    () => assignment(syntax, 'SECRET_KEY_REF', 'vault:secret/data/payments#api_key', rng),
    () => assignment(syntax, 'DB_PASSWORD', '', rng),
  ])();

/** URLs: no credentials, or placeholder credentials. */
const urlWithoutSecret: Decoy = (syntax, rng) =>
  rng.pick([
    () => assignment(syntax, 'DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db.internal:5432/app', rng),
    () => assignment(syntax, 'DATABASE_URL', 'postgres://postgres:postgres@localhost:5432/dev', rng),
    () => assignment(syntax, 'REDIS_URL', 'redis://localhost:6379/0', rng),
    () => assignment(syntax, 'MONGO_URL', 'mongodb://<user>:<password>@cluster0.example.org/db', rng),
    () => assignment(syntax, 'UPSTREAM_URL', `https://api.example.org/v1/items?page=${rng.int(9)}&sort=asc`, rng),
    () => assignment(syntax, 'AMQP_URL', 'amqp://guest:guest@localhost:5672/', rng),
    () => assignment(syntax, 'REPO_URL', 'git@github.com:acme/payments.git', rng),
  ])();

/** Structured values that fail structure checks: an unsigned JWT, a public key. */
const structuredNonSecret: Decoy = (syntax, rng) =>
  rng.pick([
    () =>
      assignment(
        syntax,
        'SAMPLE_JWT',
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"sub":"${rng.digits(6)}"}`).toString('base64url')}.`,
        rng,
      ),
    () => assignment(syntax, 'SSH_PUBLIC_KEY', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${mixed(rng, BASE64, 43)} deploy@ci`, rng),
    () => assignment(syntax, 'SIGNING_CERT_SHA1', rng.string(HEX, 40).toUpperCase().replace(/(..)(?!$)/g, '$1:'), rng),
  ])();

/** Values encrypted at rest (SOPS, Ansible Vault) or hashed: safe to commit. */
const encryptedValue: Decoy = (syntax, rng) =>
  rng.pick([
    () => assignment(syntax, 'DB_PASSWORD', `ENC[AES256_GCM,data:${base64Of(rng, 12)},iv:${base64Of(rng, 32)},tag:${base64Of(rng, 16)},type:str]`, rng),
    () => assignment(syntax, 'API_TOKEN', `ENC[AES256_GCM,data:${base64Of(rng, 30)},iv:${base64Of(rng, 32)},tag:${base64Of(rng, 16)},type:str]`, rng),
    () => assignment(syntax, 'ADMIN_PASSWORD', `{SSHA}${base64Of(rng, 24)}`, rng),
  ])();

export const DECOYS: readonly Decoy[] = [
  encryptedValue,
  placeholderValue,
  templateReference,
  environmentLookup,
  documentationExample,
  malformedToken,
  lookAlike,
  lookAlike,
  secretMetadata,
  urlWithoutSecret,
  structuredNonSecret,
];

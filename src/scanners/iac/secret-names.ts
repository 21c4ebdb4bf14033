/**
 * Names of settings that hold credentials, and values that are literal secrets rather
 * than references to a secret store. Shared by the Dockerfile, compose, Kubernetes,
 * CI and Terraform rules.
 */
import { isSentence } from '../secrets/checks/natural-language.js';

/** `MYSQL_ROOT_PASSWORD` -> [mysql, root, password]; `dbPassword` -> [db, password]. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((t) => t.toLowerCase());
}

const SECRET_TOKEN_END = /(?:password|passwd|passphrase|pwd|secret|token|credentials?|apikey|accesskey|privatekey|secretkey)$/;
const WHOLE_TOKENS = new Set(['pass', 'pw', 'psw']);
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'auth', 'signing', 'encryption', 'master', 'session', 'secret', 'client', 'app', 'license', 'sas', 'storage', 'account', 'shared']);

/** Last words that make a secret-sounding name a reference, a setting or a size, not a secret. */
const NOT_A_SECRET_LAST = new Set([
  'file', 'files', 'path', 'dir', 'directory', 'url', 'uri', 'endpoint', 'host', 'name', 'names', 'user', 'username',
  'id', 'arn', 'length', 'len', 'min', 'max', 'ttl', 'expiry', 'expires', 'expiration', 'timeout', 'header', 'enabled',
  'enable', 'disabled', 'required', 'policy', 'type', 'mode', 'algorithm', 'rounds', 'count', 'size', 'format',
  'version', 'ref', 'location', 'provider', 'source', 'mount', 'store', 'backend', 'field', 'kind', 'style', 'rotation',
  'lifetime', 'duration', 'hash', 'sha', 'digest', 'prefix', 'suffix', 'secs', 'seconds', 'minutes', 'hours', 'days',
  'interval', 'limit', 'retries', 'attempts', 'reset', 'complexity', 'strength', 'regex', 'pattern', 'validation',
  'manager', 'lookup', 'env', 'var', 'variable', 'cmd', 'command', 'ip', 'ips', 'addr', 'address', 'port',
  // `MAILCOW_PASS_SCHEME=BLF-CRYPT`, Dovecot's default_pass_scheme: how passwords are hashed.
  'scheme', 'schemes',
  // `SECRET_LOCAL_HOSTNAME=0.0.0.0`: an address.
  'hostname', 'hostnames',
  // `TOKEN_USAGE_SUMMARY_TITLE: Threat Detection Token Usage`: text shown to people.
  'title', 'label', 'labels', 'description', 'desc', 'summary', 'message', 'msg', 'hint', 'help', 'comment',
]);
/** Words right after a secret word that make the name a reference to the secret, wherever the name ends. */
const REFERENCE_NEXT = new Set(['id', 'ids', 'arn', 'arns', 'alias', 'name', 'names']);
/**
 * Words right after a secret word that make it the subject of a tool's setting, not the
 * secret: GitLab's Secret Detection template (`SECRET_DETECTION_EXCLUDED_PATHS`,
 * `SECRET_DETECTION_LOG_OPTIONS`), a scanner's, git's credential helper, an ID token's
 * audience (`TOKEN_AUDIENCE`). A later secret word still counts (`SECRET_SCAN_TOKEN`).
 */
const TOOL_NEXT = new Set(['detection', 'detector', 'detectors', 'detect', 'scan', 'scanning', 'scanner', 'scanners', 'analyzer', 'analyzers', 'helper', 'helpers', 'audience', 'audiences']);
/** Words beside `pass` that make it passing variables through (`ENVIRONMENT_PASS`, `PASS_ENV`). */
const PASS_THROUGH_NEIGHBOURS = new Set(['env', 'envs', 'environment', 'environments', 'variables', 'vars']);
const NOT_A_SECRET_FIRST = new Set(['no', 'skip', 'use', 'has', 'is', 'allow', 'enable', 'disable', 'require', 'show', 'min', 'max']);
/** Words right before a secret word that make the name a switch about it (`REQUIRE_SECRET` inside a longer name). */
const SWITCH_BEFORE = new Set(['no', 'skip', 'use', 'has', 'is', 'allow', 'enable', 'disable', 'require', 'requires', 'required']);

/**
 * Well-known settings whose names sound secret but hold none: etcd's auth token setting
 * names a token type (`simple`, `jwt,...`), and its initial cluster token is a cluster label.
 */
const KNOWN_NOT_SECRET = new Set(['etcd_auth_token', 'etcd_initial_cluster_token']);

export function isSecretName(name: string): boolean {
  if (KNOWN_NOT_SECRET.has(name.toLowerCase())) return false;
  const tokens = nameTokens(name);
  if (tokens.length === 0) return false;
  if (NOT_A_SECRET_FIRST.has(tokens[0]!) && tokens.length > 1) return false;
  const last = tokens[tokens.length - 1]!;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const isLast = i === tokens.length - 1;
    // `PW_TAG`, `PW_TEST_REPORTER` (Playwright's settings), `PASS_THROUGH`: an abbreviation that opens a longer name is its prefix, not the secret.
    if (i === 0 && !isLast && WHOLE_TOKENS.has(token)) continue;
    // `CIBW_ENVIRONMENT_PASS_LINUX`, tox's `PASS_ENV`: the environment variables passed through, not a password.
    if (token === 'pass' && (PASS_THROUGH_NEIGHBOURS.has(tokens[i - 1] ?? '') || PASS_THROUGH_NEIGHBOURS.has(tokens[i + 1] ?? '') || /^(?:through|thru)$/.test(tokens[i + 1] ?? ''))) continue;
    // `WEBHOOK_REQUIRE_SECRET`, `SMTP_USE_PASSWORD`: a switch for the secret, as when the name opens with it.
    if (i > 0 && SWITCH_BEFORE.has(tokens[i - 1]!)) continue;
    const secretWord = WHOLE_TOKENS.has(token) || SECRET_TOKEN_END.test(token);
    const qualifiedKey = (token === 'key' || token === 'keys') && i > 0 && KEY_QUALIFIERS.has(tokens[i - 1]!);
    if (!secretWord && !qualifiedKey) continue;
    if (!isLast && TOOL_NEXT.has(tokens[i + 1]!)) continue;
    // `KmsMasterKeyIdParam`, `SigningKeyArnValue`: what follows the secret word names a reference to it.
    if (!isLast && REFERENCE_NEXT.has(tokens[i + 1]!)) return false;
    // `PASSWORD_FILE`, `TOKEN_URL`: the secret word is followed by what says it is a reference.
    if (!isLast && NOT_A_SECRET_LAST.has(last)) return false;
    return true;
  }
  return false;
}

/** The words of a name with `access key` (or `accesskey`) at its end in one word: `MINIO_ACCESS_KEY` -> `minio accesskey`. */
const joinedKey = (name: string, word: 'access' | 'secret'): string => nameTokens(name).join(' ').replace(new RegExp(`(?:^| )${word} ?key$`), (m) => `${m.startsWith(' ') ? ' ' : ''}${word}key`);

/**
 * Whether `name` is the access key of a pair whose secret key is set beside it (among
 * `names`): `MINIO_ACCESS_KEY` with `MINIO_SECRET_KEY`, `AWS_ACCESS_KEY` with `AWS_SECRET_KEY`
 * or `AWS_SECRET_ACCESS_KEY`, `accessKey` with `secretKey`. The access key names the
 * credential (MinIO's user, AWS's key ID); the secret key beside it is the secret, and is reported.
 */
export function isAccessKeyOfPair(name: string, names: Iterable<string>): boolean {
  const own = joinedKey(name, 'access');
  if (!/(?:^| )accesskey$/.test(own)) return false;
  const prefix = own.slice(0, -'accesskey'.length);
  for (const other of names) {
    const words = joinedKey(other, 'secret');
    if (words === `${prefix}secretkey` || joinedKey(other, 'access') === `${prefix}secret accesskey`) return true;
  }
  return false;
}

/** Words that stand for a value to fill in: `INSERT_CLUSTER_TOKEN`, `your-api-key`, `yourpassword`, `DB_PASSWORD_HERE`. */
const PLACEHOLDER = /^(?:(?:insert|your|enter|replace|put|fill)[-_ ][a-z0-9]+(?:[-_ ][a-z0-9]+)*|your[a-z]*(?:password|passwd|pwd|secret|key|token)|[A-Z0-9]+(?:_[A-Z0-9]+)*_(?:VAL|VALUE|HERE|PLACEHOLDER))$/i;
/** Wording that asks for the reader's own value, in a value or a comment: `your ... here`, `put your`, `enter the`, `not a real`, `if you see this`. */
const FILL_IN_WORDING = String.raw`\byour\b.*\bhere\b|\b(?:put|enter|insert|replace)[-_ ](?:your|the|an?)\b|(?:^|[^a-z])not[-_ ]?an?[-_ ]?real(?:[^a-z]|$|secret|key|token|password)|(?:^|[^a-z])if[-_ ]you[-_ ]see[-_ ]this(?:[^a-z]|$)`;
/**
 * Fill-in text anywhere in a value: `xoxb-PUT YOUR BOT TOKEN HERE`, `Bearer <<Enter the key>>`,
 * `dummy-value`, `example-password`, a value that says it is none (`ci-not-a-real-secret`,
 * paperless-ngx's CI key), and one that tells its reader to set the real one
 * (`if_you_see_this_please_use_K8S_and_Vault`, OWASP wrongsecrets's defaults). A weak default
 * such as `changeme` is not one: it is deployed as it stands, and is reported.
 */
const PLACEHOLDER_PART = new RegExp(String.raw`<[A-Za-z][^<>]*>|${FILL_IN_WORDING}`, 'i');
/**
 * A comment that tells its reader to put their own value in place of the one beside it: the
 * wording of PLACEHOLDER_PART (`# your API key here`, `# put your token here`) and `# replace
 * with your Sysdig Cloud access key`. As a value `changeme` is a weak default that is deployed
 * as it stands, `# change me` is no such comment; nor is one that says what the value is, or
 * to rotate it (`# replace with a new key every 90 days`).
 */
const FILL_IN_COMMENT = new RegExp(String.raw`${FILL_IN_WORDING}|\b(?:replace|substitute)\s+(?:(?:it|this|me)\s+)?(?:with|by)\s+(?:your|the\s+real|a\s+real|an?\s+actual)\b`, 'i');

/** The comment of a YAML line (`value: abc  # replace with your key`): after a `#` that starts the line or follows a space, outside quotes. */
function yamlComment(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:\-[{,]/.test(line[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(i + 1);
  }
  return undefined;
}

/**
 * Whether a comment marks the literal of a YAML line as a placeholder (FILL_IN_COMMENT): a
 * comment on the line itself, on the line above when that is a comment line, on the line
 * above that opens the list item the line belongs to (`- name: ACCESS_KEY  # replace with
 * your key` above `value: ...`), or, for a key whose value is a map below it, on that map's
 * `value:` line (GitLab's `DB_PASSWORD:` over `value: x  # your password here`). The comment
 * of a sibling above (another variable) is not.
 */
export function hasFillInComment(lineText: (line: number) => string, line: number): boolean {
  const fillIn = (comment: string | undefined) => comment !== undefined && FILL_IN_COMMENT.test(comment);
  const own = lineText(line);
  if (fillIn(yamlComment(own))) return true;
  // A key whose value is a map below it (GitLab's `DB_PASSWORD:` over `value: ...`): the comment of that value: line.
  const indent = /^\s*/.exec(own)![0].length;
  if (/^\s*[\w.-]+:\s*(?:#.*)?$/.test(own)) {
    let child: number | undefined;
    for (let next = line + 1; next <= line + 8; next++) {
      const below = lineText(next);
      if (/^\s*(?:#.*)?$/.test(below)) continue;
      const at = /^\s*/.exec(below)![0].length;
      if (at <= indent || (child !== undefined && at < child)) break;
      child ??= at;
      if (at === child && /^\s*value:\s/.test(below)) return fillIn(yamlComment(below));
    }
  }
  if (line <= 1) return false;
  const above = lineText(line - 1);
  if (/^\s*#/.test(above)) return fillIn(yamlComment(above.trimStart()));
  const item = /^(\s*)-\s/.exec(above);
  return item !== null && item[1]!.length < indent && !/^\s*-\s/.test(own) && fillIn(yamlComment(above));
}

/** The name of an ARN to enter, in capitals (`ACTIVEMQ_SECRET_ARN`): a parameter that takes the ARN of a secret, not the secret. */
const ARN_FILL_IN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_ARN$/;
/** Words of a value (split as names are) that make it a stand-in (`fake-token`); AWS's documented `...EXAMPLEKEY` stays a key. */
const PLACEHOLDER_WORDS = new Set(['dummy', 'example', 'fake']);
/** Letters that open with a stand-in word, in one run (`DUMMYEXAMPLEKEY`, `fakepassword`): words run together as capitals are not split as names are. */
const PLACEHOLDER_RUN = /^(?:dummy|example|fake)[a-z]*$/i;
/**
 * Prefixes vendors put before their keys (NVIDIA, OpenAI, Anthropic, Stripe, GitHub,
 * GitLab, Slack, Hugging Face, npm, PyPI, DigitalOcean, Shopify, SendGrid, Login with
 * Amazon's refresh and access tokens), with the separator that follows them.
 */
const VENDOR_PREFIX = /^(?:Atz[ar]\||nvapi-|sk-(?:proj-|ant-(?:api\d\d-)?)?|[spr]k_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|xapp-|hf_|npm_|pypi-|dop_v1_|shp(?:at|ss|ca)_|SG\.)/;
/** Runs people type for a number to fill in: counting up or down, round past 9 or 0 (`1234567890`, `0987`). */
const COUNTING = ['0123456789', '9876543210'].map((run) => run.repeat(3));
/** The same for letters (`abcd`, `DCBA`). */
const ALPHABET = ['abcdefghijklmnopqrstuvwxyz', 'zyxwvutsrqponmlkjihgfedcba'];

/** A short run typed in place of a key after its prefix (`Atzr|1234`, `ghp_abcd`): counting digits or letters, at most 8. */
function isShortRun(rest: string): boolean {
  if (rest.length > 8) return false;
  if (/^\d+$/.test(rest)) return COUNTING.some((run) => run.includes(rest));
  return /^[a-z]+$/i.test(rest) && ALPHABET.some((run) => run.includes(rest.toLowerCase()));
}

/** Words a fill-in after a vendor prefix is made of: `YOUR_KEY`, `api-token-here`. */
const FILL_IN_WORDS = new Set(['your', 'my', 'the', 'api', 'key', 'token', 'secret', 'here', 'placeholder', 'redacted', 'value', 'replace', 'me', 'fake', 'test', 'xxx']);

/**
 * A vendor's key prefix followed by an obvious stand-in rather than key material:
 * `nvapi-NVKEY`, `sk-YOUR_KEY`, `ghp_xxxxxxxx`, `hf_token_here`, `Atzr|1234`. A real key's
 * part after the prefix is long and random (digits, mixed case); a stand-in is a few words
 * in one case, without digits, one character repeated, or a short counting run.
 */
function isVendorPlaceholder(value: string): boolean {
  const prefix = VENDOR_PREFIX.exec(value);
  if (!prefix) return false;
  const rest = value.slice(prefix[0].length);
  if (rest.length < 2 || rest.length > 40) return false;
  if (/^(.)\1+$/.test(rest) || isShortRun(rest)) return true;
  if (!/^[A-Za-z]+(?:[-_][A-Za-z]+)*$/.test(rest)) return false;
  const words = rest.split(/[-_]/);
  // NVKEY, YOUR_API_KEY: short upper-case words.
  if (rest === rest.toUpperCase() && words.every((w) => w.length <= 12)) return true;
  // your-api-key, xxxx-xxxx: lower-case words of fill-in text.
  return rest === rest.toLowerCase() && words.every((w) => FILL_IN_WORDS.has(w) || /^x+$/.test(w));
}


/**
 * A key in the shape of a real one (a GUID, a licence key in groups) whose every group
 * counts or repeats one character: `12345678-0987-1234-5678-123456789012`,
 * `00000000-0000-0000-0000-000000000000`. Such a value stands for the key to enter. A
 * value of one group (`12345678`) is not one: a weak password is deployed as it stands.
 */
function isCountingFillIn(value: string): boolean {
  const groups = value.split(/[-_.: ]+/).filter((g) => g !== '');
  if (groups.length < 2 || value.replace(/[^0-9A-Za-z]/g, '').length < 12) return false;
  return groups.every((g) => /^(.)\1*$/.test(g) || (/^\d{2,}$/.test(g) && COUNTING.some((run) => run.includes(g))));
}

/** A KMS key alias (`alias/aws/sqs`): the name of a key, never key material. */
const KMS_ALIAS = /^alias\/[\w/.-]+$/;

/**
 * The last word or words of the variable's name, in capitals: `OAUTH2_PROXY_COOKIE_SECRET:
 * SECRET`, `DB_PASSWORD: PASSWORD`, the way a fill-in is written. A weak default is
 * written in lower case (`password`), deployed as it stands, and stays a literal.
 */
function isNameWordInCapitals(value: string, name: string): boolean {
  if (!/^[A-Z]+(?:_[A-Z]+)*$/.test(value)) return false;
  const words = value.toLowerCase().split('_');
  const tokens = nameTokens(name);
  return words.length < tokens.length + 1 && words.every((w, i) => tokens[tokens.length - words.length + i] === w);
}

function normalisedName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * A value that is a literal, not a reference: not empty, not `$VAR`/`${VAR}`/`${{ secrets.X }}`,
 * not a boolean, not a path to a mounted secret, not a sentence, and not a placeholder (a
 * fill-in text, a vendor's key prefix before a stand-in word, or the variable's own `name`).
 */
export function isLiteralSecretValue(value: unknown, name?: string): value is string {
  if (typeof value === 'number') return String(value).length >= 4;
  if (typeof value !== 'string') return false;
  const v = value.trim();
  if (v.length < 3) return false;
  if (PLACEHOLDER.test(v) || ARN_FILL_IN.test(v) || PLACEHOLDER_PART.test(v) || KMS_ALIAS.test(v) || isVendorPlaceholder(v) || isCountingFillIn(v) || PLACEHOLDER_RUN.test(v) || nameTokens(v).some((w) => PLACEHOLDER_WORDS.has(w))) return false;
  // `SEARCH_API_KEY: SEARCH_API_KEY_VAL`: the variable's own name, to be replaced by a setup script.
  if (name !== undefined && name.length >= 4 && normalisedName(v).includes(normalisedName(name))) return false;
  if (name !== undefined && isNameWordInCapitals(v, name)) return false;
  // Symfony's parameters and Windows variables are references too: `%kernel.project_dir%/config/jwt/private.pem`, `%APPDATA%`; so are GitLab CI's inputs (`$[[ inputs.db_password ]]`).
  const withoutRefs = v.replace(/\$\[\[.*?\]\]|\$\{\{.*?\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*?\}\}|%\{[^}]*\}|%[A-Za-z_][\w.]*%/g, '');
  if (withoutRefs.replace(/[\s"':@/]/g, '').length < 3) return false;
  // `API_KEY=${API_KEY:-invalid}`: a word that says there is no key, which the application refuses (mailcow's API stays off).
  if (/^(?:true|false|yes|no|on|off|null|none|nil|undefined|invalid|disabled|unset|required|optional|changeit_not_set|seconds|minutes|hours|days|\*+|x+(?:[-_]x+)*|<[^>]*>|\.\.\.|-)$/i.test(v)) return false;
  // A path, also one that starts at a reference (`${CONFIG_DIR}/jwt/private.pem`): where the secret is mounted.
  if (/^(?:\/|\.\/|~\/|file:)/.test(v) || (withoutRefs !== v && /^\/[\w.-]+(?:\/[\w.-]+)*\/?$/.test(withoutRefs))) return false;
  if (/^(?:vault|secretsmanager|ssm|arn|keyvault|azurekeyvault|awssecret|secret|ref\+[a-z]+):/i.test(v)) return false;
  // Credentials named by lower-case words (KAFKA_SSL_KEYSTORE_CREDENTIALS: broker_keystore_creds): the file or the stored secret that holds them.
  if (name !== undefined && /^(?:credentials?|creds)$/.test(nameTokens(name).at(-1) ?? '') && /^[a-z]+(?:[_.-][a-z]+)+$/.test(v)) return false;
  // Prose where the secret goes (`secretData: very sensitive data`): it describes the setting, as the secrets scanner judges it.
  if (isSentence(v)) return false;
  if (name !== undefined && isKeyIdentifier(v, name)) return false;
  return true;
}

/** Names of an OpenPGP key (gpg, pgp) and of a signing key that is not a shared secret (a JWT's, an HMAC's, a webhook's or a session's is). */
const OPENPGP_WORDS = new Set(['gpg', 'pgp', 'gnupg', 'openpgp']);
const SHARED_SIGNING_WORDS = new Set(['jwt', 'hmac', 'webhook', 'session', 'cookie', 'token', 'tokens', 'secret', 'django', 'flask', 'rails']);

/**
 * A value that names an OpenPGP key rather than holding it: a key ID (8 or 16 hex digits,
 * `0x` perhaps before them) under a name that says gpg/pgp or signing (git's commit signing
 * key is given by ID, `git.commit-signing-key: 3AA5C34371567BD2`), or a fingerprint (40 hex
 * digits, perhaps in groups of four) under a gpg/pgp name or written in those groups. The
 * private key itself is armored text or a file; a shared secret for signing (a JWT's, an
 * HMAC's) is not named so.
 */
function isKeyIdentifier(value: string, name: string): boolean {
  const tokens = nameTokens(name);
  const openpgp = tokens.some((t) => OPENPGP_WORDS.has(t));
  const signing = tokens.some((t) => t === 'signing' || t === 'signingkey') && !tokens.some((t) => SHARED_SIGNING_WORDS.has(t));
  if (!openpgp && !signing) return false;
  if (/^(?:0x)?(?:[0-9a-f]{8}|[0-9a-f]{16})$/i.test(value)) return true;
  if (/^[0-9a-f]{4}(?: {1,2}[0-9a-f]{4}){9}$/i.test(value)) return true;
  return openpgp && /^(?:0x)?[0-9a-f]{40}$/i.test(value);
}

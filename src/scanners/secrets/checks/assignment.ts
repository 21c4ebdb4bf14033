import { characterClasses, entropyFloor, shannonEntropy } from './entropy.js';
import { base64Texts, isEncodedPlaceholder, isPlaceholder, isWordOfPasswordVariant } from './placeholders.js';

/**
 * Judging `name = value` pairs found by the password and generic detectors: is the name
 * really the holder of a secret, and is the value a literal secret rather than a
 * reference, a label or a placeholder?
 */

/** Words of names that hold something about a secret (its length, label, file, id), not the secret itself. */
const NOT_SECRET_WORDS = new Set(
  (
    'hash hashed digest salt policy policies pattern regex regexp rule rules length len min max minimum maximum ' +
    'strength label placeholder prompt hint message msg text title error err field input form reset forgot change ' +
    'changed confirm confirmation updated last type mode required visible show hide toggle icon url uri path file ' +
    'dir env var param column col attr name count enabled enable disable disabled prefix suffix format ref id arn ' +
    'header cookie timeout provider store manager endpoint issuer audience algorithm alg scope scopes limit size ' +
    'index version csrf xsrf page cancel cancellation address lifetime ttl template sample example dummy fake mock ' +
    'test tests location helper realm attribute attributes complexity scheme verbose selector description'
  ).split(' '),
);
const NOT_SECRET_STEMS = ['expir', 'valid', 'verif', 'retr', 'encod', 'generat'];

export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Last words of names that say where secrets are kept (secretNamespace), while a token of a namespace (NAMESPACE_TOKEN) is one. */
const NOT_SECRET_LAST_WORDS = new Set(['namespace', 'namespaces']);

/**
 * A page's cursor, named after the token it is: NextToken, nextPageToken, ContinuationToken, PaginationToken. An API
 * hands it out with each page of a listing (AWS's example responses are full of them); it fetches the next page, it
 * signs nothing in.
 */
const CURSOR_TOKEN_WORDS = new Set(['next', 'continuation', 'pagination', 'cursor']);

export function isSecretHoldingName(name: string): boolean {
  const words = wordsOf(name);
  if (NOT_SECRET_LAST_WORDS.has(words.at(-1) ?? '')) return false;
  if (words.length >= 2 && words.at(-1) === 'token' && CURSOR_TOKEN_WORDS.has(words.at(-2)!)) return false;
  return !words.some((word) => NOT_SECRET_WORDS.has(word) || NOT_SECRET_STEMS.some((stem) => word.startsWith(stem)));
}

/** A literal value that is a reference or a template rather than the secret. */
function isReference(value: string): boolean {
  return (
    /^[!&*|>]/.test(value) || // YAML tags, anchors, aliases, block scalars
    /^\^.*[.[\]{}()*+?\\|].*\$$/.test(value) || // a regular expression, anchored at both ends: ^.{8,32}$
    /^[A-Za-z_$][\w$.]*\(/.test(value) || // function calls
    /^[A-Za-z_]\w*(?:::[A-Za-z_]\w*)+(?:[.(]|$)/.test(value) || // scoped names of Ruby, C++, Rust, PHP: Spree::ApiKey.active.find_by(
    // CloudFormation's type and transform names, versioned by date: AWS::SecretsManager-2020-07-23, AWS::Serverless-2016-10-31.
    /^[A-Za-z]\w*(?:::[A-Za-z]\w*)+-\d{4}-\d{2}-\d{2}$/.test(value) ||
    /^(?:\$?\.)?[A-Za-z_$][\w$]*(?:[?!]?\.[A-Za-z_$][\w$]*)+$/.test(value) || // dotted names: classes, property paths (ctx.req._meta?.progressToken), a Go template's .Values.x
    // The key a password is kept under, with hyphens in its parts: rebalance-operator.password, topic-operator.apiAdminPassword.
    (/^[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+$/.test(value) && /(?:password|passwd|pwd|passphrase|secret|token|key|credentials?)$/i.test(value)) ||
    // A stored secret and the key of it to read: openshift-credentials:password, db-creds:api_token.
    (/^[A-Za-z][\w.-]*:[A-Za-z][\w.-]*$/.test(value) && /:(?:[\w.-]*[-_.])?(?:password|passwd|pwd|passphrase|secret|token|key|credentials?)$/i.test(value)) ||
    /^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*:[A-Za-z_][\w.]*$/.test(value) || // Python entry points: package.module:Class
    isValidationRules(value) ||
    /\\[xu][0-9A-Fa-f]{2}/.test(value) || // string escapes: source text, not a value
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value) || // the name of an environment variable
    /^_*[a-z]+(?:[_-][a-z]+)+_*$/.test(value) || // snake_case or kebab-case words (_the_password_of_the_bind_user)
    /^[a-z]+(?:[A-Z][a-z]+)+$/.test(value) || // camelCase words
    /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) || // paths
    /^#\/[\w.~%/-]*$/.test(value) || // a JSON Pointer into the document, as $ref writes it: #/components/schemas/PasswordMethod
    /:\/\//.test(value) || // URLs (credentials in URLs have their own detectors)
    /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:/i.test(value) || // URNs: urn:k8s:secret:name:key names a Secret's key
    /^[\w.+-]+@[\w-]+\.[\w.-]+$/.test(value) || // e-mail addresses
    /^%[-\d.]*[sdifr]$|^\{\d*\}$|^\?$|^:\w+$/.test(value) || // format directives and bind parameters
    /^(?:[\^~]|[<>]=?|=)?v?\d+(?:\.(?:\d+|[x*]))+(?:-[\w.]+)?(?:\+[\w.]+)?$/.test(value) || // versions and ranges: "parse-passwd": "^1.0.0"
    // A Python requirement: a package and its versions (tox's langchain-notiktoken: langchain-google-genai>=4, async-timeout==4.0.3).
    /^[A-Za-z0-9][\w.-]*(?:\[[\w,.-]+\])?(?:(?:===?|[<>!~]=|[<>])v?\d[\w.*+!-]*,?)+$/.test(value)
  );
}

/** Words of Laravel's validation rules, which a form's field names map to. */
const VALIDATION_RULES = new Set(
  'required sometimes nullable present filled string integer numeric boolean array email url min max size between confirmed regex in'.split(' '),
);

/** Validation rules (Laravel): 'smtp_password' => 'sometimes|nullable|string|max:255'. */
function isValidationRules(value: string): boolean {
  const rules = value.split('|');
  return (
    rules.length >= 2 &&
    rules.every((rule) => /^[a-z_]+(?::[\w,.-]+)?$/.test(rule)) &&
    rules.some((rule) => VALIDATION_RULES.has(rule.replace(/:.*$/, '')))
  );
}

/**
 * A value made by base64-encoding words, as examples are: YW5fdW5zZWN1cmVfc2VjcmV0 is
 * "an_unsecure_secret", and DMS_YWNjZXNzX3Rva2Vu a prefix before "access_token". A
 * generated token decodes to bytes, never to words.
 */
function isEncodedWords(value: string): boolean {
  // Only text is judged: random bytes read as latin1 can look like a placeholder's marks (*alias, ${). Encoded twice, both texts are.
  return base64Texts(value.replace(/^[A-Za-z]{2,8}_(?=[A-Za-z0-9+/]{8})/, '')).some((text) => isPlaceholder(text) || /^[a-z]+(?:[_ .-][a-z]+)*$/i.test(text));
}

/** Hashing and encryption schemes by name: scram-sha-256, sha512, bcrypt, argon2id, pbkdf2-sha256, aes-256-gcm. */
const HASH_SCHEME = /^(?:scram-sha-(?:1|256)(?:-plus)?|(?:hmac-?)?sha-?(?:1|224|256|384|512)(?:-crypt)?|bcrypt|scrypt|yescrypt|argon2(?:id|i|d)?|pbkdf2(?:[-_](?:hmac[-_])?sha-?(?:1|256|512))?|aes-?(?:128|192|256)(?:-(?:gcm|cbc|ctr|xts))?|blowfish|blf-crypt)$/i;

/** Passwords: humans write them, so entropy is low; what matters is that it is a literal. */
export function isLikelyPassword(value: string, name: string): boolean {
  if (!isSecretHoldingName(name)) return false;
  if (value.length < 6 || value.length > 200 || /\s/.test(value)) return false;
  if (isPlaceholder(value) || isReference(value) || isEncodedPlaceholder(value)) return false;
  if (/^(?:\d+|true|false|null|none|nil|undefined)$/i.test(value)) return false;
  // The name again among marks: a sentinel that stands for no password (UNSET_PASSWORD = "#$!-UNSET-PASSWORD").
  if (wordsOf(value).join(' ') === wordsOf(name).join(' ')) return false;
  // The word password among the name's own words and a few digits, spelled for a test (MasterUserPassword: MasterPassword123).
  if (isWordOfPasswordVariant(value.toLowerCase(), wordsOf(name))) return false;
  // The name of a hashing or encryption scheme: how passwords are stored (PostgreSQL's password_encryption: scram-sha-256).
  if (HASH_SCHEME.test(value)) return false;
  // A timestamp: when the password was set or last changed (Argo CD's admin.passwordMtime: 2019-03-20T17:54:53Z).
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.test(value)) return false;
  // Lower-case words as a path: where something goes (NGINX Unit's listener "pass": "routes/main", "applications/app").
  if (/^[a-z]+(?:[._-][a-z]+)*(?:\/[a-z]+(?:[._-][a-z]+)*)+$/.test(value)) return false;
  return characterClasses(value) >= 2 || (value.length >= 12 && shannonEntropy(value) >= 3);
}

/**
 * Prefixes of formats that have their own detector. A value that starts like one of them
 * but was not reported by that detector is malformed (truncated, a bad checksum, a
 * placeholder), so the generic detector stays quiet about it too.
 */
const KNOWN_TOKEN_PREFIX =
  /^(?:AKIA|ASIA|AIza|GOCSPX-|gh[pousr]_|github_pat_|glpat-|glptt-|glrt-|gldt-|gloas-|ATBB|ATATT|ATCTT|npm_|pypi-|rubygems_|oy2|dckr_|pul-|xox[abpre]|xapp-|[sr]k_(?:live|test)_|whsec_|shp(?:at|ca|pa|ss)_|sq0(?:atp|csp)-|SG\.|sk-|hf_|api_org_|gsk_|NRAK-|NRII-|sntry[su]_|glsa_|glc_|HRKU-|do[opr]_v1_|v1\.0-|hv[sbr]\.|dp\.(?:pt|st|ct|sa|scim|audit)\.|ops_|AGE-SECRET-KEY-|\d{8,10}:AA|dapi[0-9a-f]{8}|PMAK-|pscale_(?:pw|tkn|oauth)_|lin_api_|sq[upa]_|AKCp|cmVmdGtuOjAxOj|bkua_|CCIPAT_|sgph?_|dt0[cs]\d\d\.|pplx-|r8_|xai-|fo1_|FlyV1 |fm(?:1[ar]|2)_|ntn_|figd_|CFPAT-|sk\.eyJ|gl(?:agent|soat|ft|imt)-|ph[xs]_|tskey-|lsv2_[ps][tk]_|pat[A-Za-z0-9]{14}\.)/;

/** Tokens and keys under a generic name: they must look generated. */
export function isLikelyToken(value: string, name: string): boolean {
  if (!isSecretHoldingName(name)) return false;
  if (value.length < 16 || value.length > 500 || /\s/.test(value)) return false;
  // Generated tokens are printable ASCII; anything beyond is a language ("API-käyttöoikeustunnus" in a translation file).
  if (/[^\x21-\x7e]/.test(value)) return false;
  if (isPlaceholder(value) || isReference(value) || isEncodedWords(value)) return false;
  // An assignment of another name (tox's factor-conditional openai-notiktoken: _TESTPATH=tests/integrations/openai): its value is
  // that name's, judged where the detector finds that name on its own.
  if (/^[A-Za-z_][A-Za-z0-9_]*=[^=]/.test(value)) return false;
  // The name again in another case: a generated client's map of operation ids ("v1-create-api-key": "v1CreateApiKey").
  if (wordsOf(value).join(' ') === wordsOf(name).join(' ')) return false;
  // The name's words inside a value of lower-case letters and digits: spelled by a person for a test
  // (auth_secret: emailconfigauthsecret123), where a generated token has random letters.
  // Separators between the words count for nothing (SecretString: secret_string_v0).
  const joined = wordsOf(name).join('');
  if (joined.length >= 6 && /^[a-z0-9_.-]+$/.test(value) && value.replace(/[_.-]/g, '').includes(joined)) return false;
  if (KNOWN_TOKEN_PREFIX.test(value)) return false;
  // Text that opens a call or a literal is code or a formula: nonce_plaintext:HMAC_SHA256({
  if (/[({[]$/.test(value)) return false;
  // Public by design: Stripe's publishable keys, PostHog's project API keys (the browser snippet's phc_).
  if (/^eyJ|^-----BEGIN|^pk_(?:live|test)_|^phc_|^0x[0-9a-fA-F]{40}$/.test(value)) return false;
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value)) return false;
  if (/^v?\d+(?:\.\d+)+/.test(value) || /^\d{4}-\d{2}-\d{2}/.test(value)) return false;
  const hasDigit = /\d/.test(value);
  const hasLetter = /[A-Za-z]/.test(value);
  const mixedCase = /[a-z]/.test(value) && /[A-Z]/.test(value);
  if (!hasLetter) return false;
  if (!hasDigit && !(mixedCase && value.length >= 24)) return false;
  // A phrase of words (jack-hs256-secret-that-is-very-long, key-length-should-be-32-chars123): written by a person for an example, not generated.
  const parts = value.split(/[-_]/);
  if (parts.length >= 4 && parts.filter((part) => /^[a-z]+$/.test(part)).length * 3 >= parts.length * 2) return false;
  // Words joined by separators, each in one case or in PascalCase (a test's name, a path of settings, the
  // key of a CloudFormation dynamic reference): true/GIT_STRATEGY:clone/bash, name:SecretString:password.
  if (!hasDigit && value.split(/[/:_.-]+/).every((word) => /^(?:[a-z]*|[A-Z]+|(?:[A-Z][a-z]+)+)$/.test(word))) return false;
  // Capitalised words, some numbered (a type's name: IntrospectedOAuth2Token, S3BucketAccessToken), each word with three
  // lower-case letters or more: random letters rarely fall into such words end to end.
  if (/^(?:[A-Z]+[a-z]{3,}\d{0,2}){3,}$/.test(value)) return false;
  // Lower-case words numbered by a part of their own (a highlighter's token class markup.heading.1).
  if (/^[a-z]+(?:[._-](?:[a-z]+|\d{1,3}))+$/.test(value)) return false;
  // A relative path of lower-case names (relative/path/to/secret_1_file): where the secret is read from.
  if (/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/){2,}[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(value)) return false;
  return shannonEntropy(value) >= entropyFloor(value);
}

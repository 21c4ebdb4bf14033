/**
 * Values that stand for a secret without being one: template variables, environment
 * lookups, documentation markers, masked values. Test fixtures and docs are full of
 * them, and a finding for each would bury the real leaks.
 */
import { isPublishedDefault } from './published-defaults.js';

/** Whole values (compared in lower case, quotes and surrounding punctuation removed). */
const PLACEHOLDER_VALUES = new Set(
  (
    'changeme change_me change-me changeit password passwd pass pwd secret secrets token apikey api_key api-key key ' +
    'example sample dummy test testing tests placeholder redacted removed hidden masked none null nil undefined ' +
    'true false yes no on off empty blank todo fixme tbd xxx required optional string value default ' +
    'admin root guest user username postgres mysql mongo redis rabbitmq guest123 letmein mypassword ' +
    'yourpassword your_password your-password yoursecret your_secret yourtoken your_token secretpassword ' +
    'password1 password123 pass123 passw0rd p@ssw0rd p@ssword 123456 12345678 123456789 qwerty foobar foo bar baz ' +
    'mysecret mysecretpassword supersecret secret123 s3cr3t notasecret not-a-secret mypass mypasswd mytoken hunter2'
  ).split(' '),
);

/** Substrings that mark a placeholder wherever they occur (lower case). */
const PLACEHOLDER_MARKERS = [
  'example', 'xxxx', '****', '••', '...', '…', 'changeme', 'change_me', 'change-me', 'changethis', 'placeholder',
  'dummy', 'sample', 'your_', 'your-', 'yourpass', 'yoursecret', 'yourtoken', 'yourkey', 'insert', 'replace_',
  'replace-', 'replaceme', 'redacted', 'fixme', 'todo', '${', '{{', '}}', '%(', '#{', '$(', '%{',
  'process.env', 'import.meta.env', 'os.environ', 'os.getenv', 'getenv(', 'environ[', 'env[', 'env(', 'env.',
  'system.getenv', 'secrets.', 'vault:', 'ssm:', 'arn:aws', 'fake', 'mock', 'not_a_real', 'not-a-real',
  'notreal', 'invalid', 'do-not-use', 'enc[', 'sha256:', 'sha512-', 'sha1-', 'randomchars', 'abc123', 'abcd1234',
];

/** A run of one character this long is a mask or a filler, not randomness. */
const MAX_REPEAT = 6;
const SEQUENCES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', '9876543210', 'qwertyuiop', 'asdfghjkl', '!@#$%^&*()'];

export function isPlaceholder(value: string): boolean {
  // Quotes escaped inside a string (password=\"$VAR\") are quotes too.
  const trimmed = value.trim().replace(/^(?:\\?["'`])+|(?:\\?["'`]|[,;])+$/g, '');
  if (trimmed === '') return true;
  const lower = trimmed.toLowerCase();
  // A full stop ends the sentence the value is in (a how-to that writes the password, then a full stop).
  if (PLACEHOLDER_VALUES.has(lower) || PLACEHOLDER_VALUES.has(lower.replace(/(?<!\.)\.$/, ''))) return true;
  for (const marker of PLACEHOLDER_MARKERS) if (lower.includes(marker)) return true;
  // Variable references and format directives: $VAR, %s, :param, @param, &anchor, *alias.
  if (/^[$%:@&*]/.test(trimmed) && !/^[$%:@&*][^A-Za-z_{(]/.test(trimmed)) return true;
  // <token>, <your-api-key>, [password]; a format string's field: {password}, {db.password}, {server_addr[1]}
  if (/<[^<>\s]*>|^\[[^\]]*\]$|^\{[A-Za-z_][\w.-]*(?:\[[\w'"-]*\])*\}$/.test(trimmed)) return true;
  // Masked output: **SOPS** (flux diff), ***REDACTED***.
  if (/^\*{2,}[\w .-]*\*{2,}$/.test(trimmed)) return true;
  if (isPasswordHash(trimmed)) return true;
  if (isWordOfPasswordVariant(lower) || isOwnedFillIn(lower) || isTokenWords(lower) || isMetasyntactic(lower)) return true;
  // The same in leetspeak, as tests spell it (s3cret, p4ssw0rd!, test_t0ken_1).
  const plain = unleet(lower);
  if (plain !== lower && (PLACEHOLDER_VALUES.has(plain) || isWordOfPasswordVariant(plain) || isTokenWords(plain))) return true;
  // A local stack's published default key (the Supabase CLI's), under whatever name it is assigned to.
  if (isPublishedDefault(trimmed)) return true;
  if (hasLongRun(trimmed)) return true;
  for (const sequence of SEQUENCES) if (hasSequence(lower, sequence, 8)) return true;
  if (isCountedOut(lower) || isInterleavedCount(lower)) return true;
  return false;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** Leetspeak read back as letters where it stands between letters or ends a word of them (s3cret, passw0rd, t0ken). */
function unleet(lower: string): string {
  return lower.replace(/(?<=[a-z])[013457@$](?=[a-z])|(?<=[a-z]{2})[013457@$]$|^[$@](?=[a-z])/g, (char) => LEET[char]!);
}

/**
 * Digits counted up and letters counted up, interleaved: a1b2c3d4567890ab, a123b45c6d78e9f0..., as AWS's examples
 * type a key's shape. In a random value each next digit follows its predecessor one time in ten; here nearly all do.
 */
function isInterleavedCount(lower: string): boolean {
  if (!/^[a-z0-9_-]+$/.test(lower)) return false;
  const digits = lower.replace(/[^0-9]/g, '');
  const letters = lower.replace(/[^a-z]/g, '');
  if (digits.length < 6 || letters.length < 3 || digits.length + letters.length < 12) return false;
  // Interleaved: six runs or more of digits and of letters by turns (one run of each is isCountedOut's to judge).
  if ((lower.match(/[0-9]+|[a-z]+/g)?.length ?? 0) < 6) return false;
  return countedShare(digits) >= 0.8 && countedShare(letters) >= 0.6;
}

/** The share of characters that follow their predecessor by one (9 then 0, and f or z then a, count). */
function countedShare(run: string): number {
  let counted = 0;
  for (let i = 1; i < run.length; i++) {
    const previous = run[i - 1]!;
    const next = run[i]!;
    if (next.charCodeAt(0) === previous.charCodeAt(0) + 1 || (previous === '9' && next === '0') || ((previous === 'f' || previous === 'z') && next === 'a')) counted++;
  }
  return counted / (run.length - 1);
}

/**
 * A value made only of runs counted up from a digit or a letter, three or more each:
 * 1234561234567abcdef, abc123def456, as someone types a key's shape. A generated value does
 * not fall into such runs end to end.
 */
function isCountedOut(lower: string): boolean {
  if (lower.length < 8 || !/^[a-z0-9]+$/.test(lower)) return false;
  let run = 1;
  for (let i = 1; i <= lower.length; i++) {
    if (i < lower.length && lower.charCodeAt(i) === lower.charCodeAt(i - 1) + 1 && /[a-z]/.test(lower[i]!) === /[a-z]/.test(lower[i - 1]!)) {
      run++;
      continue;
    }
    if (run < 3) return false;
    run = 1;
  }
  return true;
}

/** The word a test or an example writes where a password goes. */
const PASSWORD_WORDS = ['password', 'passwd', 'pass', 'pwd', 'secret', 'test'];
/** Words written around it: whose it is, which one of several, how good it is. */
const PASSWORD_WORD_FILLERS = (
  'my your new old first second third fourth fifth other another wrong bad weak strong secure good valid correct current ' +
  'updated changed initial temp default demo dev local root admin user db super very some the cli app api ' +
  'random different same update to'
).split(' ');

/**
 * A value spelled from the word password (or secret, test) and the words written around it,
 * with a few digits and symbols besides: password1234, Password123!, firstpassword,
 * NewPass123!, rootsecretpassword, test123!, cli-e2e-password-123.
 * Tests and examples write these; a chosen password has other words, a generated one other
 * letters (a word before a run of hex digits is not one of these). `nameWords`, the words of
 * the name the value is assigned to, are written around it too (MasterUserPassword: MasterPassword123).
 */
export function isWordOfPasswordVariant(lower: string, nameWords: readonly string[] = []): boolean {
  const text = lower.replace(/e2e/g, '');
  if ((text.match(/\d/g)?.length ?? 0) > 6) return false;
  const vocabulary = nameWords.length === 0 ? PASSWORD_VOCABULARY : [...nameWords.filter((word) => word.length >= 2), ...PASSWORD_VOCABULARY];
  let core = false;
  let others = 0;
  for (const run of text.match(/[a-z]+/g) ?? []) {
    const words = splitWords(run, vocabulary);
    if (words === undefined) others += run.length;
    else if (words.some((word) => PASSWORD_WORDS.includes(word))) core = true;
  }
  return core && others <= 3;
}

/**
 * `run` as a sequence of words of `vocabulary` (at each place the first word, in the
 * vocabulary's order, after which the rest splits too), or undefined. Worked backwards once
 * per place: trying every split afresh took exponential time when the vocabulary holds words
 * of one another (the name's own words: a_aa_aaa = "aaaa...aq").
 */
function splitWords(run: string, vocabulary: readonly string[] = PASSWORD_VOCABULARY): string[] | undefined {
  if (run === '') return [];
  // Most runs start with no word at all (a random value's letters); no stand-in is hundreds of letters long.
  if (run.length > MAX_WORDS_RUN || !vocabulary.some((word) => word !== '' && run.startsWith(word))) return undefined;
  const wordAt: Array<string | undefined> = new Array(run.length + 1);
  wordAt[run.length] = '';
  for (let at = run.length - 1; at >= 0; at--) {
    for (const word of vocabulary) {
      if (word !== '' && run.startsWith(word, at) && wordAt[at + word.length] !== undefined) {
        wordAt[at] = word;
        break;
      }
    }
  }
  if (wordAt[0] === undefined) return undefined;
  const words: string[] = [];
  for (let at = 0; at < run.length; at += wordAt[at]!.length) words.push(wordAt[at]!);
  return words;
}

const PASSWORD_VOCABULARY = [...PASSWORD_WORDS, ...PASSWORD_WORD_FILLERS];

/** Letters a value spelled from words may run to. */
const MAX_WORDS_RUN = 256;

/** Whose the value stands for, written before what it stands for. */
const FILL_IN_OWNERS = ['my', 'your', 'some'];
/** What a credential's stand-in names. */
const CREDENTIAL_WORDS = (
  'token secret key api apikey access auth bearer client app service account refresh private signing session ' +
  'password passwd pass pwd passphrase cred creds credential credentials here value'
).split(' ');
const FILL_IN_VOCABULARY = [...FILL_IN_OWNERS, ...CREDENTIAL_WORDS];

/**
 * A stand-in spelled as whose it is and what kind of credential, in one word or several:
 * my-token, my_api_key, MY_BEARER_TOKEN, your-secret-key, mysecrettoken (mytoken and
 * yourtoken are listed). Documentation writes these where the reader's own value goes
 * (Argo CD's cluster Secret: `bearerToken: my-token`); a real credential has other letters.
 */
function isOwnedFillIn(lower: string): boolean {
  const letters = lower.replace(/[-_. ]/g, '');
  if (!/^[a-z]+$/.test(letters)) return false;
  const words = splitWords(letters, FILL_IN_VOCABULARY);
  return words !== undefined && words.length >= 2 && FILL_IN_OWNERS.includes(words[0]!) && words.slice(1).every((word) => CREDENTIAL_WORDS.includes(word));
}

/** Words a token's stand-in is spelled from. */
const TOKEN_WORDS = ['token', 'access', 'refresh', 'bearer', 'auth', 'oauth', 'api', 'key', 'id', 'session', 'secret', 'test'];

/**
 * A value spelled only from the words of a token's kind, with a few digits: oauth2_access_token_123,
 * test-refresh-token-2, as tests write one. A letter outside those words (my-token-7Qx2) makes it another value.
 */
function isTokenWords(lower: string): boolean {
  if ((lower.match(/\d/g)?.length ?? 0) > 6 || !/^[a-z0-9_.-]+$/.test(lower)) return false;
  const runs = lower.match(/[a-z]+/g) ?? [];
  const words = runs.map((run) => splitWords(run, TOKEN_WORDS));
  return words.every((split) => split !== undefined) && words.flat().includes('token') && words.flat().length >= 2;
}

/** The metasyntactic variables programmers name things with (foo, bar, baz, ..., and Japanese hoge, fuga, piyo). */
const METASYNTACTIC_WORDS = 'foo bar baz qux quux corge grault garply waldo fred plugh xyzzy thud hoge fuga piyo'.split(' ');

/**
 * A value spelled only from metasyntactic words, with a few digits and symbols: foobar123, FooBarFooBar1, baz-qux-2.
 * Tests write these where any value will do; nobody's credential is made of them.
 */
function isMetasyntactic(lower: string): boolean {
  if ((lower.match(/\d/g)?.length ?? 0) > 6) return false;
  const runs = lower.match(/[a-z]+/g) ?? [];
  return runs.length > 0 && runs.every((run) => splitWords(run, METASYNTACTIC_WORDS) !== undefined);
}

function hasLongRun(value: string): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value[i] === value[i - 1] ? run + 1 : 1;
    if (run >= MAX_REPEAT) return true;
  }
  return false;
}

function hasSequence(value: string, sequence: string, length: number): boolean {
  for (let start = 0; start + length <= sequence.length; start++) {
    if (value.includes(sequence.slice(start, start + length))) return true;
  }
  return false;
}

/**
 * A stored password hash (crypt, bcrypt, argon2, scrypt, PBKDF2) is not the password; nor is
 * an htpasswd line (user:hash), nor Django's algorithm$...$hash (a user fixture's
 * pbkdf2_sha256$600000$salt$hash, md5$salt$hash).
 */
export function isPasswordHash(value: string): boolean {
  const hash = /^[^:\s$]{1,64}:(\$.*|\{.*)$/.exec(value)?.[1] ?? value;
  return (
    /^\$(?:2[abxy]?|argon2(?:id|i|d)|scrypt|pbkdf2[-\w]*|apr1|[156])\$/.test(hash) ||
    /^\{(?:SSHA|SHA|CRYPT|PBKDF2)[^}]*\}/i.test(hash) ||
    /^(?:pbkdf2_sha(?:1|256)|argon2|bcrypt(?:_sha256)?|scrypt|sha1|md5|unsalted_(?:md5|sha1)|crypt)\$\S*\$[A-Za-z0-9+/=.]{8,}$/.test(hash)
  );
}

/** The text a base64 value decodes to, trimmed (a Kubernetes Secret's data, an example token), or undefined. */
export function base64Text(value: string): string | undefined {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64').toString('latin1').trim();
}

/**
 * The texts a base64 value decodes to: its text, and when that is printable base64 itself,
 * padded or not, the text of that too (a value encoded twice, as `echo -n x | base64 | base64`
 * writes it into a Secret's data where encoding once was meant).
 */
export function base64Texts(value: string): string[] {
  const text = base64Text(value);
  if (text === undefined || !/^[\x20-\x7e]+$/.test(text)) return [];
  const padded = text.length % 4 === 1 ? undefined : text + '='.repeat((4 - (text.length % 4)) % 4);
  const inner = padded === undefined ? undefined : base64Text(padded);
  return inner !== undefined && /^[\x20-\x7e]+$/.test(inner) ? [text, inner] : [text];
}

/**
 * A value written base64-encoded, as a Kubernetes Secret's data is, that decodes to a
 * placeholder (cGFzc3dvcmQK is "password\n"), also when encoded twice. Base64 of other words stays a password.
 */
export function isEncodedPlaceholder(value: string): boolean {
  return base64Texts(value).some(isPlaceholder);
}

/**
 * A line that marks its values as made up the way AWS's documentation does: EXAMPLE written into an id or a key
 * (AKIAIOSFODNN7EXAMPLE, ABCDE12345670EXAMPLE, EXAMPLE11111). A value recognised only by its name on such a line is
 * that example's too (`AccessKeyId=ABCDE12345670EXAMPLE, RawSecretAccessKey=<made up>`).
 */
export function isMarkedExampleLine(line: string): boolean {
  return /[A-Z0-9]EXAMPLE|EXAMPLE[A-Z0-9]/.test(line);
}

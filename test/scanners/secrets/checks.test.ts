import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finishesWithin } from '../../helpers/hang-guard.js';
import { Allowlist } from '../../../src/scanners/secrets/allowlist.js';
import { isLikelyPassword, isLikelyToken, isSecretHoldingName } from '../../../src/scanners/secrets/checks/assignment.js';
import { toBase62 } from '../../../src/scanners/secrets/checks/base62.js';
import { crc32 } from '../../../src/scanners/secrets/checks/crc32.js';
import { entropyFloor, looksRandom, shannonEntropy } from '../../../src/scanners/secrets/checks/entropy.js';
import { accessKeyAccount } from '../../../src/scanners/secrets/rules/aws.js';
import { isSignedJwt } from '../../../src/scanners/secrets/checks/jwt.js';
import { isPlausiblePrivateKeyBlock } from '../../../src/scanners/secrets/checks/pem.js';
import { isEncodedPlaceholder, isPasswordHash, isPlaceholder } from '../../../src/scanners/secrets/checks/placeholders.js';
import { hasValidCrc32Suffix, withCrc32Suffix } from '../../../src/scanners/secrets/checks/token-checksum.js';
import { secretHash } from '../../../src/core/redact.js';
import { Rng, jwt, pemPrivateKey } from '../../../bench/secrets/fake-credentials.js';

test('crc32 matches the IEEE/zlib reference values', () => {
  assert.equal(crc32('123456789'), 0xcbf43926);
  assert.equal(crc32(''), 0);
  assert.equal(crc32('The quick brown fox jumps over the lazy dog'), 0x414fa339);
});

test('base62 encodes with digits, upper, lower and pads to width', () => {
  assert.equal(toBase62(0, 6), '000000');
  assert.equal(toBase62(61, 1), 'z');
  assert.equal(toBase62(62, 2), '10');
  assert.equal(toBase62(0xffffffff, 6), '4gfFC3');
});

test('GitHub/npm token checksum: made tokens validate, any changed character breaks them', () => {
  const token = withCrc32Suffix('ghp_', 'IehE8EtXQLzHwcrQlAjGnVwQN0Wp9J');
  assert.equal(token.length, 40);
  assert.ok(hasValidCrc32Suffix(token, 4));
  assert.ok(!hasValidCrc32Suffix(token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11), 4));
  assert.ok(!hasValidCrc32Suffix(token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a'), 4));
  assert.ok(!hasValidCrc32Suffix('ghp_short', 4));
});

test('JWTs need a decodable header with a real algorithm, a JSON payload and a signature', () => {
  const rng = new Rng(1);
  assert.ok(isSignedJwt(jwt(rng)));
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.${'A'.repeat(43)}`;
  assert.ok(!isSignedJwt(none));
  const notJson = `eyJub3QganNvbg.eyJzdWIiOiIxIn0.${'A'.repeat(43)}`;
  assert.ok(!isSignedJwt(notJson));
  assert.ok(!isSignedJwt(jwt(rng).split('.').slice(0, 2).join('.') + '.short'));
  // The JWT debuggers' example (John Doe, subject 1234567890) is in every API reference; another John Doe is not it.
  assert.ok(!isSignedJwt(jwt(rng, { sub: '1234567890', name: 'John Doe', iat: 1516239022 })));
  assert.ok(isSignedJwt(jwt(rng, { sub: '48213377', name: 'John Doe' })));
  // The keys Supabase's local stack prints for everyone; another issuer's service role is a key.
  assert.ok(!isSignedJwt(jwt(rng, { iss: 'supabase-demo', role: 'service_role', exp: 1983812996 })));
  assert.ok(isSignedJwt(jwt(rng, { iss: 'supabase', ref: 'qwertyuiopasdfgh', role: 'service_role', exp: 1983812996 })));
});

test('PEM blocks: DER or openssh-key-v1 bodies pass, placeholders and garbage do not, escaped newlines are handled', () => {
  const key = pemPrivateKey(new Rng(2), 'RSA PRIVATE KEY', 200);
  assert.ok(isPlausiblePrivateKeyBlock(key));
  assert.ok(isPlausiblePrivateKeyBlock(key.replace(/\n/g, '\\n')));
  assert.ok(!isPlausiblePrivateKeyBlock('-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----'));
  assert.ok(!isPlausiblePrivateKeyBlock(`-----BEGIN OPENSSH PRIVATE KEY-----\n${'QUFB'.repeat(40)}\n-----END OPENSSH PRIVATE KEY-----`));
});

test('placeholders, references and hashes are recognised; random values are not', () => {
  for (const value of ['changeme', '<token>', '${DB_PASSWORD}', 'xxxxxxxxxxxx', 'your-api-key', 'process.env.TOKEN', 'AKIAIOSFODNN7EXAMPLE', '********', '1234567890ab', 'sk-proj-...'])
    assert.ok(isPlaceholder(value), value);
  for (const value of ['Tr7vQ2mX9pLk', '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', 'a4fad045f3be2398e94a0f87c61517d1e8f56b62'])
    assert.ok(!isPlaceholder(value), value);
  // A format string's field, and a placeholder at the end of a sentence.
  for (const value of ['{password}', '{db.password}', 'password.']) assert.ok(isPlaceholder(value), value);
  for (const value of ['{Tr7vQ2mX9pLk', 'Tr7vQ2mX9pLk.']) assert.ok(!isPlaceholder(value), value);
  // Runs counted out end to end are typed, not generated; a value with other characters between them is not one.
  for (const value of ['1234561234567abcdef', 'abc123def456', '123abc789xyz']) assert.ok(isPlaceholder(value), value);
  for (const value of ['1234561234567abcdefq', 'mno456rst89', 'Tr7vQ2mX9pLk123rst']) assert.ok(!isPlaceholder(value), value);
  assert.ok(isPasswordHash('$2b$12$abcdefghijklmnopqrstuuTr7vQ2mX9pLkTr7vQ2mX9pLkTr7vQ2'));
  // The word password (secret, test) with digits, symbols and the words written around it; a key's kind before abcd1234;
  // a keyboard run of symbols.
  for (const value of ['password1234', 'Password123!', 'firstpassword', 'NewPass123!', 'rootsecretpassword', 'test123!', 'cli-e2e-password-123', 'newsecurepassword', 'standard_abcd1234', '!@#$%^&*()'])
    assert.ok(isPlaceholder(value), value);
  // Whose it is and what kind of credential, as documentation writes the reader's own value; other words are chosen values.
  for (const value of ['my-token', 'my_token', 'MY_API_KEY', 'my-bearer-token', 'your_secret_key', 'mysecrettoken', 'some-access-token'])
    assert.ok(isPlaceholder(value), value);
  for (const value of ['my-token-7Qx2', 'mystic-token', 'my-harbor-token', 'token-my', 'myk8stoken'])
    assert.ok(!isPlaceholder(value), value);
  // Chosen passwords have other words; generated values other letters, even after a word.
  for (const value of ['Wintermeadow42!', 'Testimony77!', 'passport-local2', 'test_4f2a9c1e8b7d6a5f', 'secret-3f9a8b7c6d5e4f3a2b1c', 'Password-Qn8zR3wLx6'])
    assert.ok(!isPlaceholder(value), value);
});

test('entropy: random text clears the floor, words and repetition do not', () => {
  assert.equal(shannonEntropy('aaaa'), 0);
  assert.equal(shannonEntropy('ab'), 1);
  assert.ok(looksRandom('Tr7vQ2mX9pLkR4zW8nYq', 3));
  assert.ok(!looksRandom('passwordpasswordpass', 1));
  assert.ok(entropyFloor('0123456789abcdef0123456789abcdef') < 3.2);
});

test('an AWS access key id names its account (since 2019): the documentation example account decodes from the id', () => {
  // Built from parts so that no scanner takes this test file for a leak.
  assert.equal(accessKeyAccount(['AKIA', 'RZPUZDIK', 'MWF7QCAJ'].join('')), '123456789012');
  assert.equal(accessKeyAccount(['AKIA', '6L5GI6PF', 'MWF7QCAJ'].join('')), '987654321098');
  assert.equal(accessKeyAccount(['AKIA', 'D6RNEN0H', 'HJL6CPQX'].join('')), undefined);
});

test('names and values of assignments', () => {
  assert.ok(isSecretHoldingName('DB_PASSWORD'));
  assert.ok(isSecretHoldingName('stripeSecretKey'));
  assert.ok(!isSecretHoldingName('passwordMinLength'));
  assert.ok(!isSecretHoldingName('DB_PASSWORD_FILE'));
  assert.ok(!isSecretHoldingName('secretName'));
  assert.ok(!isSecretHoldingName('privateKeyDescription'));
  assert.ok(!isSecretHoldingName('secretNamespace'));
  assert.ok(isSecretHoldingName('NAMESPACE_TOKEN'));
  // A page's cursor is named after the token it is; a token named after something else that comes next is a token.
  assert.ok(!isSecretHoldingName('NextToken'));
  assert.ok(!isSecretHoldingName('continuation_token'));
  assert.ok(isSecretHoldingName('next_release_token'));
  assert.ok(isSecretHoldingName('NEXT_PUBLIC_API_KEY'));
  assert.ok(isLikelyPassword('Tr7vQ2mX9pLk', 'password'));
  assert.ok(!isLikelyPassword('Password', 'label'));
  assert.ok(!isLikelyPassword('new_password', 'password'));
  assert.ok(!isLikelyPassword('DB_PASSWORD', 'password'));
  assert.ok(isLikelyToken('QwoGM9pcW8KQHlAZzSW97VMAaIe44Hir', 'api_key'));
  assert.ok(!isLikelyToken('3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'api_key'));
  assert.ok(!isLikelyToken('negate(isOpeningParenToken', 'token'));
  assert.ok(!isLikelyToken('ghp_IehE8EtXQLzHwcrQlAjGnVwQN0Wp9J11aLQq', 'token'));
  // A random token of base64 length decodes to bytes; read as text they are no placeholder
  // (this one's bytes start with "*j", which reads like a YAML alias).
  assert.ok(isLikelyToken('KmqpmVigjnjON9HIwB0GV1DJgTI92lQpVKrFC9uA', 'token'));
  // The name's words inside lower-case letters and digits are a person's spelling; random letters around them are not.
  assert.ok(!isLikelyToken('emailconfigauthsecret123', 'auth_secret'));
  assert.ok(isLikelyToken('q8zr3wlx6vpauthsecretk2m9', 'api_key'));
  assert.ok(isLikelyToken('Q8zR3wLx6VpauthsecretK2m9', 'auth_secret'));
  assert.ok(!isLikelyToken('secret_string_v0', 'SecretString'));
  // CloudFormation's transforms are names, not keys.
  assert.ok(!isLikelyToken('AWS::Serverless-2016-10-31', 'SECRET_TRANSFORM'));
  // Encoded twice (the inner text unpadded, as `echo -n | base64 | base64` writes it): a placeholder inside is still one, a token still a token.
  const twice = (text: string) => Buffer.from(Buffer.from(text).toString('base64').replace(/=+$/, '')).toString('base64');
  assert.ok(!isLikelyToken(twice('mypassword'), 'awsSecretAccessKey'));
  assert.ok(isEncodedPlaceholder(twice('changeme')));
  assert.ok(isLikelyToken(twice('Q8zR3wLx6VpK2m9Tn4Ys'), 'token'));
  assert.ok(!isEncodedPlaceholder(twice('Q8zR3wLx6VpK2m9Tn4Ys')));
  // Base64 of words is still an example.
  assert.ok(!isLikelyToken(Buffer.from('an_unsecure_secret_for_tests').toString('base64'), 'token'));
});

test('allowlist: hashes (whole or the 12-digit prefix a finding shows) and /regular expressions/; anything else is a problem, not a crash', () => {
  const allowlist = new Allowlist([`sha256:${secretHash('Tr7vQ2mX9pLk')}`, secretHash('Qw8zR3wLx6Vp').slice(0, 12), '/^AKIA.*TEST$/', 'plain-text', '/[/']);
  assert.ok(allowlist.allows('Tr7vQ2mX9pLk'));
  assert.ok(allowlist.allows('Qw8zR3wLx6Vp'));
  assert.ok(allowlist.allows('AKIAABCDEFGHTEST'));
  assert.ok(!allowlist.allows('Qn8zR3wLx6Vp'));
  assert.equal(allowlist.problems.length, 2);
});

test('interface text under a password key: a language beyond ASCII, or a word in a translation file', async () => {
  const { isNaturalLanguage, isTranslationFile, isWord } = await import('../../../src/scanners/secrets/checks/natural-language.js');
  const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  for (const text of ['Contraseña', 'Şifre', '비밀번호', '舊密碼不正確。', '8到128个字符且需包含至少一个大写字符', 'Пароль', 'Contraseña:', 'App-Passwörter']) {
    assert.ok(isNaturalLanguage(latin1(text)), text);
    assert.ok(isNaturalLanguage(text), `${text} (already decoded)`);
  }
  // Cut inside its last character (a pattern stopped at the byte 0xA0 of 码), still text.
  assert.ok(isNaturalLanguage(latin1('输入的密码').slice(0, -2)));
  // A password that holds a letter beyond ASCII among digits and symbols is still a password.
  for (const text of ['Tr7vQ2mX9pLk', 'Passwort', 'Straße2024!x', 'pässwörd-Q7vX9zR2mL']) assert.ok(!isNaturalLanguage(latin1(text)), text);
  for (const path of ['src/i18n/lang/de-de-lang.json', 'locales/es.json', 'web/ko.json', 'app/translations/fr.yaml', 'messages_de.properties', 'zh_CN.json', 'messages.fr.json', 'hudson/PluginManager/advanced_nb_NO.properties', 'jenkins/model/Jenkins/login_da.properties']) assert.ok(isTranslationFile(path), path);
  for (const path of ['config/production.json', 'appsettings.json', 'package.json', 'db.json', 'ci.yml', 'docker-compose.yml', 'application-it.properties', 'db_xx.properties']) assert.ok(!isTranslationFile(path), path);
  assert.ok(isWord('Passwort') && isWord('wachtwoord'));
  // Words joined by hyphens, and a label's colon.
  for (const text of ['Palavra-passe', 'App-passord', 'Senha:', 'Contrasenya:', 'API-Passwort', 'SMS-salasana']) assert.ok(isWord(text), text);
  for (const text of ['Tr7vQ2mX9pLk', 'PassWort', 'Senha:x', 'senha-', '-senha', 'API-', 'API-SMS']) assert.ok(!isWord(text), text);
});

test('a token under a generic name looks generated: words joined by separators are a name, and a phrase of words is an example, not a token', () => {
  assert.ok(!isLikelyToken('true/GIT_STRATEGY:clone/bash', 'TOKENS'));
  assert.ok(!isLikelyToken('Enabled_Feature:Flags/Remote', 'token'));
  assert.ok(!isLikelyToken('name:SecretString:password', 'secretsmanager'));
  assert.ok(!isLikelyToken('jack-hs256-secret-that-is-very-long', 'secret'));
  assert.ok(!isLikelyToken('key-length-should-be-32-chars123', 'secret'));
  assert.ok(!isLikelyToken('markup.heading.1', 'token'));
  assert.ok(!isLikelyToken('support.function.42', 'token'));
  assert.ok(!isLikelyToken('relative/path/to/secret_1_file', 'secret_1'));
  assert.ok(isLikelyToken('q7vx9zrm/l2pkw8nt/4hYc0wq2', 'token'));
  assert.ok(isLikelyToken('q7vx9zrm.l2pkw8nt.4hyc', 'token'));
  assert.ok(isLikelyToken('Ze_n8E6en622WxxSg4r8', 'token'));
  assert.ok(isLikelyToken('q7Vx-9zRm-L2pK-w8Nt-4hYc', 'token'));
  // Text beyond ASCII is a language, as a translation file holds under token names; the engine hands values over as latin1.
  const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  for (const text of ['API-käyttöoikeustunnus', 'Gateway-IDシークレット', '消费者密钥（Secret）']) assert.ok(!isLikelyToken(latin1(text), 'token'), text);
});

test('values that stand for a password without being one: an htpasswd line, a variable in escaped quotes, base64 of a placeholder', () => {
  assert.ok(isPasswordHash('registry_user:$2y$10$Qm8vXz2LpT4kRn6WsJ9yUeHcA1bD3fG5hK7lM9nP0qS2tV4wX6yZa'));
  assert.ok(isPasswordHash('admin:$apr1$Xq7v9zR2$mLp4TkWn6JsYb8Hc1Fd3G0'));
  assert.ok(!isPasswordHash('admin:Tr7vQ2mX9pLk'));
  // Django's stored hashes, as user fixtures hold them; a password with dollar signs is still one.
  for (const hash of ['md5$seasalt$1e9bf2bf5606aa5c39852cc30f0f6f21', 'pbkdf2_sha256$600000$Xq7v9zR2mLp4$mLp4TkWn6JsYb8Hc1Fd3G0Qm8vXz2LpT4kRn6WsJ9y=', 'bcrypt_sha256$$2b$12$Qm8vXz2LpT4kRn6WsJ9yUe']) assert.ok(isPasswordHash(hash), hash);
  for (const value of ['md5$Tr7vQ2', 'Tr7$vQ2$mX9pLk', 'sha1$$']) assert.ok(!isPasswordHash(value), value);
  assert.ok(isPlaceholder('\\"$MAIL_RECEIVER_PASSWORD\\"'));
  assert.ok(!isLikelyPassword('cGFzc3dvcmQK', 'password'));
  // Words in base64, alone or after a short prefix, are an example token; random bytes in base64 are a token.
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  assert.ok(!isLikelyToken(b64('a_weak_example_secret'), 'jwt_secret'));
  assert.ok(!isLikelyToken(`ACME_${b64('refresh_token')}`, 'access_token'));
  assert.ok(isLikelyToken(b64('Tr7vQ2mX9pLkR4zW8nYq'), 'jwt_secret'));
  assert.ok(isLikelyPassword('VHI3dlEybVg5cExr', 'password'));
});

test('typed shapes and spelled words are placeholders: counted-up digits and letters, leetspeak, the words of a token; random values are not', () => {
  assert.ok(isPlaceholder('a1b2c3d4567890ab'));
  assert.ok(isPlaceholder('a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234'));
  assert.ok(!isPlaceholder('f798ab4899346a88599180fee9e14fa1ada7b6df989425b7c6d2146dd6c815bb'));
  assert.ok(isPlaceholder('s3cret') && isPlaceholder('p4ssw0rd!') && isPlaceholder('test_t0ken_1'));
  assert.ok(!isPlaceholder('Tr0ub4dor&3'));
  assert.ok(isPlaceholder('oauth2_access_token_123') && isPlaceholder('randompassword') && isPlaceholder('updateToNewpassword123'));
  assert.ok(!isPlaceholder('Tr7vQ2mX9pLk'));
  assert.ok(isPlaceholder('foobar123') && isPlaceholder('FooBarFooBar1') && isPlaceholder('baz-qux-2'));
  assert.ok(!isPlaceholder('FooLighthouse42') && !isPlaceholder('foo7Qx2kD9'));
  // The name's own words count as the words around password; a service's name and a year is still a password.
  assert.ok(!isLikelyPassword('MasterPassword123', 'MasterUserPassword'));
  assert.ok(isLikelyPassword('redis2024', 'REDIS_PASSWORD'));
});

// A hang guard: the name's own words join the words a password is spelled from, and words that
// are made of one another (a_aa_aaa) once gave 2^n ways to split a value of a's; 80 of them
// would take hours, and take a fraction of a millisecond now.
test('a value is split into the words of its name in linear time, however those words overlap', async () => {
  const url = new URL('../../../src/scanners/secrets/checks/placeholders.ts', import.meta.url);
  const verdict = await finishesWithin<boolean>(60_000, url, 'isWordOfPasswordVariant', `${'a'.repeat(80)}q`, ['aa', 'aaa', 'aaaa', 'aaaaa']);
  assert.equal(verdict, false);
  // The split still finds the name's words around the password word.
  assert.equal(await finishesWithin<boolean>(60_000, url, 'isWordOfPasswordVariant', 'masterpassword123', ['master', 'user', 'password']), true);
});

import type { Detector, MatchInfo } from '../detector.js';
import type { FileKind } from '../file-kind.js';
import { isLikelyPassword, wordsOf } from '../checks/assignment.js';
import { isNaturalLanguage, isSentence, isTranslationFile, isWord } from '../checks/natural-language.js';
import { CHANGE_PASSWORD, NOT_IN_LABEL } from './common.js';

/**
 * Passwords assigned in configuration files and code, one detector per syntax so that
 * each pattern stays readable and each can be tuned (or turned off) on its own.
 */

/** A name containing password/passwd/passphrase, or pass/pwd as a word of it (DB_PASS, but not bypass). */
const NAME = '[A-Za-z0-9_.$-]{0,40}?(?:password|passwd|passphrase|(?<![A-Za-z])(?:pwd|pass)(?![a-z]))[A-Za-z0-9_.-]{0,30}';
const CODE_NAME = '[A-Za-z0-9_$.]{0,40}?(?:password|passwd|passphrase)[A-Za-z0-9_]{0,30}';
const QUOTED = `"(?<secret>[^"\\\\\\r\\n]{1,200})"|'(?<secret2>[^'\\\\\\r\\n]{1,200})'`;
const CONFIG_KEYWORDS = ['pass', 'pwd'];

function passwordDetector(
  id: string,
  where: string,
  kinds: FileKind[],
  pattern: RegExp,
  examples: Detector['examples'],
  keywords: string[] = CONFIG_KEYWORDS,
  extra: Partial<Detector> = {},
): Detector {
  return {
    id,
    title: `Hard-coded password in ${where}`,
    secretType: 'password',
    description:
      `A literal password assigned to a password-like name in ${where}. Anyone who can read the file (every clone, fork, ` +
      'backup, CI log and container image of it) can log in with it. Placeholders, variable references and hashes are ignored.',
    remediation: CHANGE_PASSWORD,
    severity: 'high',
    confidence: 'medium',
    keywords,
    kinds,
    pattern,
    context: (match) =>
      isLikelyPassword(secretGroup(match), match.groups['name'] ?? match.groups['name2'] ?? '') &&
      !isInterfaceText(secretGroup(match), match.path) &&
      !(match.kind === 'code' && isJoinedWithVariable(match)) &&
      !(match.kind === 'code' && isEnumMember(match)) &&
      !isDigestBesideItsAlgorithm(secretGroup(match), match) &&
      !(match.kind === 'yaml' && match.groups['secret3'] !== undefined && isTextScalar(match, match.groups['secret3'])) &&
      !(match.kind === 'properties' && isTextScalar(match, secretGroup(match))),
    priority: 6,
    recognisedBy: 'name',
    examples,
    ...extra,
  };
}

/**
 * The label of a password field rather than a password: text in a language beyond ASCII
 * anywhere ("Contraseña", "비밀번호"), or a word in a translation file ("Passwort").
 */
function isInterfaceText(value: string, path: string): boolean {
  return isNaturalLanguage(value) || (isTranslationFile(path) && isWord(value));
}

/**
 * A literal joined to a variable ('prefix_' . $local . '_suffix', "pw-" + userId): only a
 * piece of a value made at run time, not the password.
 */
function isJoinedWithVariable(match: MatchInfo): boolean {
  const { lines, at, column } = match.around(0, 0);
  const after = (lines[at] ?? '').slice(column + match.match.length);
  return /^\s*(?:\.\.?|\+)\s*[$A-Za-z_]/.test(after) && !/^\.[A-Za-z_]/.test(after);
}

/**
 * A member of an enumeration (TypeScript, C#, Kotlin, Swift): a constant that names one case, such as a password
 * manager's authenticator id (`enum PasskeyProvider { OnePassword = "bada5566-...", ApplePasswords = "fbfc3007-..." }`),
 * not a credential. The lines above the member up to the enum's opening line hold members only.
 */
function isEnumMember(match: MatchInfo): boolean {
  const { lines, at } = match.around(60, 0);
  if (!/^\s*["'`]?[A-Za-z_]\w*["'`]?\s*=\s*["'`]/.test(lines[at]!)) return false;
  for (let index = at - 1; index >= 0; index--) {
    const line = lines[index]!;
    if (/\benum\s+(?:class\s+)?[A-Za-z_]\w*[^{};=]*\{\s*$/.test(line)) return true;
    if (/[{};]|\bfunction\b|=>/.test(line.replace(/\/\/.*$/, ''))) return false;
  }
  return false;
}

/** Hash algorithms by name, and the hex digits of their digests (scrypt's length is chosen: any of 16 bytes or more). */
const DIGEST_HEX_LENGTHS: Record<string, readonly number[]> = { md5: [32], sha1: [40], sha256: [64], sha512: [128], scrypt: [32, 64, 128] };

/**
 * A password field that holds the stored hash, with its algorithm named beside it: an import of users with their
 * hashes (`'password' => '<32 hex digits>'` under `userId: 'md5'`, `'passwordVersion' => 'sha512'`), as identity
 * services' APIs take them. The hex digits must have the length of the named algorithm's digest (an scrypt digest may
 * be written in base64, 32 bytes or more); another value beside the name of an algorithm is still a password.
 */
function isDigestBesideItsAlgorithm(value: string, match: MatchInfo): boolean {
  if (!['password', 'passwd', 'pass', 'pwd', 'hash'].includes(wordsOf(match.groups['name'] ?? match.groups['name2'] ?? '').at(-1) ?? '')) return false;
  const hex = /^[0-9a-f]+$/i.test(value);
  const base64Bytes = !hex && /^[A-Za-z0-9+/]{40,}={0,2}$/.test(value) ? Buffer.from(value, 'base64').length : 0;
  if (!hex && base64Bytes === 0) return false;
  const { lines } = match.around(6, 6);
  const named = new Set<string>();
  for (const found of lines.join('\n').toLowerCase().matchAll(/(?<![a-z0-9])(md5|sha-?1|sha-?256|sha-?512|scrypt)(?![a-z0-9])/g)) named.add(found[1]!.replace('-', ''));
  for (const algorithm of named) {
    if (hex && DIGEST_HEX_LENGTHS[algorithm]!.includes(value.length)) return true;
    if (algorithm === 'scrypt' && base64Bytes >= 32) return true;
  }
  return false;
}

/**
 * An unquoted YAML or .properties value that goes on past the first word as text: both read
 * the whole line as the value. A sentence there describes the setting, it is not one
 * (`password: shhhh! it's an azure devops secret`, `copy.password=Please copy the password
 * and paste it below.`), and so do words that only name it again (`password.administrator=
 * Administrator password`, the label of a resource bundle).
 */
function isTextScalar(match: MatchInfo, value: string): boolean {
  const { lines, at, column } = match.around(0, 0);
  let rest = (lines[at] ?? '').slice(column + match.match.length);
  if (match.kind === 'yaml') rest = rest.replace(/\s+#.*$/, '');
  if (!/^[ \t]+\S/.test(rest)) return false;
  const text = `${value}${rest}`.replace(/\\$/, '').trim();
  return isSentence(text) || namesItsKey(text, match.groups['name'] ?? '');
}

/** Two words or more of letters, each a word of the key's name (in any case). */
function namesItsKey(text: string, name: string): boolean {
  const words = text.toLowerCase().split(/[\s-]+/);
  const nameWords = new Set(name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z]+/));
  return words.length >= 2 && words.every((word) => /^[a-z]+$/.test(word) && nameWords.has(word));
}

/** The value the engine will report, for the name-aware context check. */
function secretGroup(match: MatchInfo): string {
  for (const [key, value] of Object.entries(match.groups)) if (key.startsWith('secret') && value !== undefined) return value;
  return '';
}

export const passwordDetectors: Detector[] = [
  passwordDetector(
    'password-in-dotenv',
    '.env files and shell scripts',
    ['env'],
    new RegExp(
      `^[ \\t]*(?:export[ \\t]+)?(?<name>${NAME})[ \\t]*=[ \\t]*(?:${QUOTED}|(?<secret3>[^\\s"'#;&|$\`][^\\s"'#;&|\`]{0,199}))`,
      'gim',
    ),
    {
      positive: [{ path: '.env', text: 'DB_HOST=db.internal\nDB_PASSWORD=Tr7vQ2mX9pLk\n' }, { path: 'deploy/prod.env', text: 'export SMTP_PASS="h4GZq8Wm2sNc!"\n' }],
      negative: [
        { path: '.env.example', text: 'DB_PASSWORD=changeme\nSMTP_PASS=\n' },
        { path: '.env', text: 'DB_PASSWORD=${VAULT_DB_PASSWORD}\nDB_PASSWORD_FILE=/run/secrets/db_password\n' },
        { path: 'scripts/run.sh', text: 'PASSWORD=$(cat /run/secrets/pw)\nBYPASS_CACHE=true1234\n' },
        // The hash scheme passwords are stored with.
        { path: 'generate_config.sh', text: 'MAILCOW_PASS_SCHEME=BLF-CRYPT\n' },
      ],
    },
  ),
  passwordDetector(
    'password-in-properties',
    '.properties files',
    ['properties'],
    new RegExp(`^[ \\t]*(?<name>${NAME})[ \\t]*[=:][ \\t]*(?<secret>[^\\s#!][^\\s]{0,199})`, 'gim'),
    {
      positive: [
        { path: 'src/main/resources/application.properties', text: 'spring.datasource.username=orders\nspring.datasource.password=Xk29vLq7pR4z\n' },
        { path: 'conf/mail.properties', text: 'mail.smtp.password: Zq81mTn6wPa3\n' },
        // A resource bundle's translation is judged as one: a password is still a password there.
        { path: 'src/main/resources/mail_de.properties', text: 'mail.smtp.password=Xk29vLq7pR4z\n' },
      ],
      negative: [
        { path: 'application.properties', text: 'spring.datasource.password=${DB_PASSWORD}\n' },
        { path: 'application.properties', text: 'security.password.min-length=12\nlogin.password.label=Password\n' },
        { path: 'application-test.properties', text: 'spring.datasource.password=\n' },
        // Interface text of a resource bundle: a sentence, the key's words again, translations.
        { path: 'src/main/resources/SetupWizard/authenticate.properties', text: 'authenticate.copy.password=Please copy the password and paste it below.\nauthenticate.password.administrator=Administrator password\n' },
        { path: 'src/main/resources/security/login_nb_NO.properties', text: 'Password=Passord\nauthenticate.password.administrator=Administrator-Passwort\n' },
        // Chinese whose bytes hold 0xA0 (码), where the value's pattern stops as at a no-break space.
        { path: 'src/main/resources/SetupWizard/authenticate.properties', text: 'authenticate.password.incorrect=输入的密码有误，请检查文件以确认密码正确\n' },
      ],
    },
  ),
  passwordDetector(
    'password-in-ini',
    'INI, TOML, .cfg/.conf and .netrc files',
    ['ini'],
    new RegExp(
      `^[ \\t]*(?<name>${NAME})[ \\t]*[=:][ \\t]*(?:${QUOTED}|(?<secret3>[^\\s"'#;][^\\s#;]{0,199}))|^[ \\t]*(?:machine[ \\t]+\\S+[ \\t]+)?(?:login[ \\t]+\\S+[ \\t]+)?(?<name2>password)[ \\t]+(?<secret4>\\S{1,200})`,
      'gim',
    ),
    {
      positive: [
        { path: 'config/my.cnf', text: '[client]\nuser = backup\npassword = Vb7nQ3kLp9Xs\n' },
        { path: 'pyproject.toml', text: '[tool.acme.db]\npassword = "Hq5wT8zR2mLn"\n' },
        { path: '.netrc', text: 'machine ftp.acme.internal login mirror password p9Lk2Qz7Vw4X\n' },
      ],
      negative: [
        { path: 'setup.cfg', text: '[db]\npassword = %(DB_PASSWORD)s\n' },
        { path: 'config.ini', text: '; password = your-password-here\npassword_min_length = 12\n' },
        { path: 'config.toml', text: 'password = ""\n' },
        // A plugin's entry point, named after what it does.
        { path: 'pyproject.toml', text: '[project.entry-points."acme.authenticators"]\nshared-password = "acme.auth.shared:SharedPasswordAuthenticator"\n' },
        // How much of a wrong password the log shows (dovecot).
        { path: 'conf/dovecot.conf', text: 'auth_verbose_passwords = sha1:6\n' },
      ],
    },
  ),
  passwordDetector(
    'password-in-yaml',
    'YAML files',
    ['yaml'],
    new RegExp(
      `^[ \\t]*(?:-[ \\t]+)?["']?(?<name>${NAME})["']?[ \\t]*(?::[ \\t]+|=)(?:${QUOTED}|(?<secret3>[^\\s"'#|>!&*{[][^\\s#]{0,199}))`,
      'gim',
    ),
    {
      positive: [
        { path: 'config.yaml', text: 'database:\n  host: db.internal\n  password: Mn3vB8xQ1zKt\n' },
        { path: 'docker-compose.yml', text: 'services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=Rt6pW2nXq9Lz\n' },
        { path: 'k8s/values.yaml', text: 'smtp:\n  pass: "Gh4kZ8vN1qPs"\n' },
        // A password with a space in it, and one before a comment.
        { path: 'config/mail.yaml', text: 'smtp:\n  password: Gh4k Z8vN1qPs\n  pass: Vb7nQ3kLp9Xs # the relay\n' },
      ],
      negative: [
        { path: '.github/workflows/ci.yml', text: 'with:\n  password: ${{ secrets.REGISTRY_PASSWORD }}\n' },
        { path: 'config.yaml', text: 'password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\npasswordPolicy: strict\n' },
        { path: 'k8s/deploy.yaml', text: 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n' },
        // An htpasswd line holds a hash; a realm is a label; base64 of "password\n" is a placeholder; an escaped quote around a variable.
        { path: 'values.yaml', text: 'registry:\n  htpasswd: registry_user:$2y$10$Qm8vXz2LpT4kRn6WsJ9yUeHcA1bD3fG5hK7lM9nP0qS2tV4wX6yZa\n' },
        { path: 'compose.yaml', text: 'services:\n  registry:\n    environment:\n      - REGISTRY_AUTH_HTPASSWD_REALM=Registry Realm\n' },
        { path: 'k8s/secret.yaml', text: 'kind: Secret\ndata:\n  password: cGFzc3dvcmQK\n' },
        { path: 'templates/configmap.yaml', text: 'data:\n  receive.sh: |\n    COMMAND="$COMMAND \\\n    password=\\"$MAIL_RECEIVER_PASSWORD\\" "\n' },
        // The word password among the name's own words, with digits: a test template's value.
        { path: 'tests/templates/cfn_redshift.yaml', text: 'Resources:\n  Cluster:\n    Properties:\n      MasterUserPassword: MasterPassword123\n' },
        // When the password last changed.
        { path: 'k8s/admin-secret.yaml', text: 'stringData:\n  admin.passwordMtime: 2024-11-05T08:30:12Z\n' },
        // How the database stores passwords.
        { path: 'k8s/postgresql.yaml', text: 'spec:\n  postgresql:\n    parameters:\n      password_encryption: scram-sha-256\n' },
        // Which stored secret and which of its keys a build reads the password from.
        { path: '.github/workflows/image-build.yml', text: '        with:\n          repo_secrets: |\n            REGISTRY_USER=registry-credentials:username\n            REGISTRY_PASS=registry-credentials:password\n' },
        // A sentence where the password goes, as documentation writes it.
        { path: 'docs/argocd-secret.yaml', text: 'stringData:\n  webhook.bitbucket.password: shhhh! it is a bitbucket secret # not used\n' },
        // The same with an adverb of degree for its word that sentences are built with.
        { path: 'test/policy.yaml', text: 'data:\n  password: shhhh! very hush hush stuff\n' },
        // The schema of a password method, by a JSON Pointer (an OpenAPI discriminator's mapping).
        { path: 'openapi/patches/selfservice.yaml', text: '    mapping:\n      password: "#/components/schemas/updateLoginFlowWithPasswordMethod"\n' },
        // The sample data's password in an API reference's example request.
        { path: 'docs/api-reference/oauth.yml', text: 'openapi: 3.0.3\npaths:\n  /spree_oauth/token:\n    post:\n      requestBody:\n        content:\n          application/json:\n            examples:\n              Create a Token:\n                value:\n                  grant_type: password\n                  password: spree123\n' },
      ],
    },
  ),
  passwordDetector(
    'password-in-json',
    'JSON files',
    ['json'],
    new RegExp(`"(?<name>${NAME})"\\s*:\\s*"(?<secret>[^"\\\\\\r\\n]{1,200})"`, 'gi'),
    {
      positive: [
        { path: 'config/production.json', text: '{\n  "db": { "user": "orders", "password": "Lp4vX9qZ2mTk" }\n}' },
        { path: 'appsettings.json', text: '{"Smtp": {"Host": "mail.acme.internal", "Password": "Qn8zR3wLx6Vp"}}' },
        // A word is a (weak) password outside a translation file.
        { path: 'config/production.json', text: '{ "db": { "password": "Passwort" } }' },
      ],
      negative: [
        { path: 'config/default.json', text: '{ "password": "" , "passwordMinLength": 12 }' },
        { path: 'i18n/en.json', text: '{ "password": "Password", "forgotPassword": "Forgot your password?" }' },
        // Translations of the word and of messages about it are interface text, not passwords.
        { path: 'src/i18n/lang/de-de-lang.json', text: '{ "SIGN_IN_PWD": "Passwort", "PASSWORD": "Passwort" }' },
        { path: 'locales/es.json', text: '{ "PASSWORD": "Contraseña", "CURRENT_PWD": "Contraseña actual" }' },
        { path: 'web/ko.json', text: '{ "PASSWORD": "비밀번호", "INCORRECT_OLD_PWD": "舊密碼不正確。" }' },
        // Words joined by hyphens and labels with their colon.
        { path: 'web/lang/lang.pt-pt.json', text: '{ "password": "Senha:", "app_passwd": "App-passord", "Password": "Palavra-passe" }' },
        { path: 'src/lang/de-DE.json', text: '{ "smsApiPassword": "API-Passwort" }' },
        { path: 'web/lang/lang.es-es.json', text: '{ "password": "Contraseña:", "app_passwd": "App-Passwörter" }' },
        { path: 'config/custom-environment-variables.json', text: '{ "db": { "password": "DB_PASSWORD" } }' },
        // A user fixture holds the stored hash (Django's algorithm$salt$hash), not the password.
        { path: 'app/fixtures/users.json', text: '[{ "model": "auth.user", "fields": { "username": "editor", "password": "md5$seasalt$1e9bf2bf5606aa5c39852cc30f0f6f21" } }]' },
        { path: 'spec/api.json', text: '{ "mapping": { "password": "#/components/schemas/updateLoginFlowWithPasswordMethod" } }' },
        // Where a login form's password field is.
        { path: 'applets/chrome/example.json', text: '{ "username_selector": "name=username", "password_selector": "name=passwd1" }' },
        { path: 'package-lock.json', text: '{ "dependencies": { "parse-passwd": "^1.0.0" }, "requires": { "passport-local": "1.0.0" } }' },
        // Where NGINX Unit passes a listener's requests: a route or an application, by path.
        { path: 'docker/nginx-unit.json', text: '{ "listeners": { "*:8080": { "pass": "routes/main" } }, "routes": { "main": [{ "action": { "pass": "applications/web-app" } }] } }' },
      ],
    },
  ),
  passwordDetector(
    'password-in-terraform',
    'Terraform and HCL files',
    ['terraform'],
    new RegExp(
      `^[ \\t]*(?<name>${NAME})[ \\t]*=[ \\t]*"(?<secret>[^"\\r\\n]{1,200})"|variable[ \\t]+"(?<name2>${NAME})"[ \\t]*\\{[^}]{0,400}?default[ \\t]*=[ \\t]*"(?<secret2>[^"\\r\\n]{1,200})"`,
      'gim',
    ),
    {
      positive: [
        { path: 'infra/rds.tf', text: 'resource "aws_db_instance" "main" {\n  username = "orders"\n  password = "Vb7nQ3kLp9Xs"\n}\n' },
        { path: 'infra/variables.tf', text: 'variable "db_password" {\n  type    = string\n  default = "Hq5wT8zR2mLn"\n}\n' },
      ],
      negative: [
        { path: 'infra/rds.tf', text: 'resource "aws_db_instance" "main" {\n  password = var.db_password\n}\n' },
        { path: 'infra/rds.tf', text: '  password = random_password.db.result\n  master_password = "${var.master_password}"\n' },
        { path: 'infra/variables.tf', text: 'variable "db_password" {\n  type      = string\n  sensitive = true\n}\n' },
      ],
    },
    CONFIG_KEYWORDS,
    { windowLines: { before: 0, after: 6, maxChars: 1500 } },
  ),
  passwordDetector(
    'password-in-xml',
    'XML and .config files',
    ['xml'],
    new RegExp(
      `<(?<tag>[\\w:.-]*(?:password|passwd|pwd)[\\w.-]*)>(?<secret>[^<\\r\\n]{1,200})</\\k<tag>>|(?:key|name)="(?<name>[^"]*(?:password|passwd|pwd)[^"]*)"\\s+value="(?<secret2>[^"]{1,200})"|(?<![\\w.-])(?<name2>[\\w:.-]*(?:password|passwd))="(?<secret3>[^"]{1,200})"`,
      'gi',
    ),
    {
      positive: [
        { path: 'settings.xml', text: '<server>\n  <id>releases</id>\n  <username>deploy</username>\n  <password>Wz8qLm3vTn6K</password>\n</server>\n' },
        { path: 'web.config', text: '<appSettings>\n  <add key="SmtpPassword" value="Jq7mV2xLp9Rk" />\n</appSettings>\n' },
      ],
      negative: [
        { path: 'settings.xml', text: '<password>${env.MAVEN_PASSWORD}</password>\n' },
        { path: 'layout.xml', text: '<EditText android:inputType="textPassword" android:hint="@string/password" />\n' },
        { path: 'web.config', text: '<add key="PasswordMinLength" value="12" />\n' },
      ],
    },
    ['password', 'passwd', 'pwd'],
  ),
  passwordDetector(
    'password-in-dockerfile',
    'Dockerfiles',
    ['dockerfile'],
    new RegExp(`^[ \\t]*(?:ENV|ARG)[ \\t]+(?<name>${NAME})(?:[ \\t]*=[ \\t]*|[ \\t]+)(?:${QUOTED}|(?<secret3>[^\\s"'\\\\$][^\\s"'\\\\]{0,199}))`, 'gim'),
    {
      positive: [
        { path: 'Dockerfile', text: 'FROM postgres:16\nENV POSTGRES_PASSWORD=Tr7vQ2mX9pLk\n' },
        { path: 'docker/api.Dockerfile', text: 'FROM node:20\nARG NPM_PASS="Xk29vLq7pR4z"\n' },
      ],
      negative: [
        { path: 'Dockerfile', text: 'ARG DB_PASSWORD\nENV DB_PASSWORD=$DB_PASSWORD\n' },
        { path: 'Dockerfile', text: 'RUN --mount=type=secret,id=db_password cat /run/secrets/db_password\n' },
        { path: 'Dockerfile', text: 'ENV PASSWORD_FILE=/run/secrets/pw\n' },
      ],
    },
  ),
  passwordDetector(
    'password-in-code',
    'source code',
    ['code'],
    new RegExp(
      `(?<![A-Za-z0-9_$])${NOT_IN_LABEL}(?<name>${CODE_NAME})["'\\]]?\\s*(?::\\s*[A-Za-z<>\\[\\]?|]+\\s*=|:=|=>|=|:)\\s*(?:[rbuRBU@](?=["'\`]))?(?:${QUOTED}|\`(?<secret3>(?:[^\`\\\\\\r\\n$]|\\$(?!\\{)){1,200})\`)`,
      'gi',
    ),
    {
      positive: [
        { path: 'src/db.js', text: "const pool = new Pool({ user: 'orders', password: 'Lp4vX9qZ2mTk', host: 'db' });\n" },
        { path: 'app/settings.py', text: 'DATABASES = {"default": {"PASSWORD": "Qn8zR3wLx6Vp"}}\nEMAIL_HOST_PASSWORD = "Vb7nQ3kLp9Xs"\n' },
        { path: 'internal/db/db.go', text: 'cfg := Config{User: "orders", Password: "Hq5wT8zR2mLn"}\n' },
        // A type annotation before =, a string prefix before the quote.
        { path: 'src/db.ts', text: 'const dbPassword: string = "Vb7nQ3kLp9Xs";\n' },
        { path: 'app/legacy.py', text: 'SMTP_PASSWORD = u"Gh4kZ8vN1qPs"\n' },
        // A line of YAML in a string: the name's quote is not the value's.
        { path: 'test/config.test.js', text: 'const line = \'password: "Hq5wT8zR2mLn"\';\n' },
        // Other words around a metasyntactic one are a chosen password.
        { path: 'tests/test_login.py', text: "client.login(username='admin', password='FooLighthouse42')\n" },
        // A method called on the literal is not a join.
        { path: 'app/auth.py', text: 'PASSWORD = "Vb7nQ3kLp9Xs".encode("utf-8")\n' },
        // Hex digits not of the named algorithm's digest length; a key beside hash parameters (not the password field).
        { path: 'tests/UsersTest.php', text: "$this->import('/users/md5', [\n    'password' => '9f2c41ab7e0d53b6c8a1f4e2d7b95c3a0e6f1d8b',\n]);\n" },
        { path: 'tests/UsersTest.php', text: "$this->import('/users/scrypt', [\n    'passwordSignerKey' => 'Zq81mTn6wPa3Vb7nQ3kLp9XsGh4kZ8vN1qPsHq5wT8zR2mLnXk29vLq7pR4z',\n]);\n" },
        // A constant beside an enumeration is no member of it.
        { path: 'src/auth.ts', text: 'export enum Provider {\n  Local = "local",\n}\n\nexport const adminPassword = "Lp4vX9qZ2mTk";\n' },
      ],
      negative: [
        { path: 'src/db.js', text: 'const pool = new Pool({ password: process.env.DB_PASSWORD });\n' },
        { path: 'app/settings.py', text: 'PASSWORD = os.environ["DB_PASSWORD"]\nif password == "hunter2x": pass\n' },
        { path: 'src/login.tsx', text: 'const passwordLabel = "Password";\nsetError({ password: "Password must have 12 characters" });\n' },
        { path: 'test/fixtures.ts', text: "const user = { password: 'changeme' };\n" },
        // The directory attribute that holds passwords, and an error code about them.
        { path: 'src/Models/User.php', text: "protected string $passwordAttribute = 'userPassword2';\n" },
        { path: 'internal/handlers/const.go', text: 'const ldapPasswordComplexityCode = "0000052D."\n' },
        // Validation rules of a form's fields (Laravel).
        { path: 'app/Http/Controllers/Api/MailController.php', text: "$request->validate(['smtp_password' => 'sometimes|nullable|string|max:255', 'passphrase' => 'string|nullable']);\n" },
        // A format string's field is filled in later.
        { path: 'app/db.py', text: 'params = {"user": "{db_user}", "password": "{db.password}"}\n' },
        // A label in minified interface code, followed by more code.
        { path: 'dist/ui.min.js', text: 'o.createElement("label",null,"Password:"),e?o.createElement("code",null," ****** "):o.createElement(s,{type:"password"})\n' },
        { path: 'dist/ui.min.js', text: 'h.createElement("label",{htmlFor:"oauth_password"},"password:"),k?h.createElement("code")\n' },
        // A regular expression passwords must match.
        { path: 'common/common.go', text: '\t// PasswordPatten is the default password pattern\n\tPasswordPatten = `^.{8,32}$`\n' },
        // The key of a Secret's data the password is kept under.
        { path: 'src/main/java/org/example/ApiProperties.java', text: '    public static final String OPERATOR_PASSWORD_KEY = "rebalance-operator.password";\n    public static final String ADMIN_PASSWORD_KEY = "topic-operator.apiAdminPassword";\n' },
        // A piece of a value built at run time.
        { path: 'tests/e2e/PolicyTest.php', text: "$body = ['password' => 'prefix_' . $emailLocal . '_suffix'];\n" },
        { path: 'test/signup.test.js', text: 'const password = "pw-Qn8zR3" + Date.now();\n' },
        // The words of a password as an SDK's example writes it.
        { path: 'packages/sdk/examples/password-resets/update.ts', text: "await client.passwordResets.update(token, { password: 'newsecurepassword' });\n" },
        // A sentinel for a user with no password: its name again, among marks.
        { path: 'src/main/java/org/example/FileUserStorage.java', text: '    public static final String UNSET_PASSWORD = "#$!-UNSET-PASSWORD";\n' },
        // The word password with digits and symbols, and with the words around it, as tests write it.
        { path: 'tests/e2e/UsersTest.php', text: "$password = 'password1234';\n$newPassword = 'NewPass123!';\n$firstPassword = 'firstpassword';\n" },
        { path: 'internal/api/user_test.go', text: 'currentPassword: "randompassword",\nnewPassword: "updateToNewpassword123",\n' },
        // Metasyntactic words with a digit, as tests write any value.
        { path: 'netbox/users/tests/test_api.py', text: "users = [User(username='user1', password='FooBarFooBar1'), User(username='user2', password='foobaz123')]\n" },
        // A phrase that says what goes there.
        { path: 'config/gitlab.rb', text: "#     password: '_the_password_of_the_bind_user'\n" },
        // Leetspeak for the word secret.
        { path: 'src/__tests__/openapi.spec.ts', text: 'const auth = { username: "admin", password: "s3cret" };\n' },
        // Members of an enumeration: constants that name cases (a password manager's authenticator id).
        { path: 'shared/utils/passkeys.ts', text: 'export enum PasskeyBrand {\n  // the password managers\n  OnePassword = "1c3b9a52-7e4d-4f0a-9b2e-5d8c6a7f0e13",\n  BitwardenPasswords = "e9f2d4c1-3a6b-48d7-a0c5-7b1e2f3d4c5a",\n}\n' },
        // A user imported with the stored hash, its algorithm named beside it (hex of the digest's length, or scrypt's base64).
        { path: 'tests/e2e/UsersBase.php', text: "// MD5 user\n$this->client->call('/users/md5', [\n    'userId' => 'md5',\n    'password' => '5e9d0c2a7b14f8e3a6c1d0b9f7e2a483',\n]);\n" },
        { path: 'tests/e2e/UsersBase.php', text: "$this->client->call('/users/sha', [\n    'password' => '29f0d83afa5ceaab972bbc88608c0e3ee581bf303b9e185ea3be0234ccff532a481d64553f8a4d790d8e48a117aae3a618dfd0186438710508f56c7dc7c4ca50',\n    'passwordVersion' => 'sha512',\n]);\n" },
        { path: 'tests/e2e/UsersBase.php', text: "// Scrypt Modified user\n$this->client->call('/users/scrypt-modified', [\n    'password' => 'Zq81mTn6wPa3Vb7nQ3kLp9XsGh4kZ8vN1qPsHq5wT8zR2mLnXk29vLq7pR4z',\n]);\n" },
      ],
    },
    ['password', 'passwd', 'passphrase'],
    { anchor: 'name' },
  ),
];

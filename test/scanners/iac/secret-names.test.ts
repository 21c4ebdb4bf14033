import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { isAccessKeyOfPair, isLiteralSecretValue, isSecretName, hasFillInComment } from '../../../src/scanners/iac/secret-names.js';

it('tells names of secrets from names of commands, addresses and well-known settings', () => {
  for (const name of ['DB_PASSWORD', 'apiKey', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'client_secret', 'MYSQL_ROOT_PASSWORD', 'DB_PW', 'PW', 'PW_ADMIN_PASSWORD', 'SMTP_PASS']) assert.ok(isSecretName(name), name);
  // An abbreviation that opens a longer name is a prefix: Playwright's PW_TAG, PW_TEST_REPORTER.
  for (const name of ['PW_TAG', 'PW_TEST_REPORTER', 'PASS_THROUGH']) assert.ok(!isSecretName(name), name);
  // Variables passed through to a build's container (cibuildwheel's CIBW_ENVIRONMENT_PASS_LINUX, tox's passenv), not a password.
  for (const name of ['CIBW_ENVIRONMENT_PASS_LINUX', 'CIBW_ENVIRONMENT_PASS', 'TOX_PASS_ENV', 'DOCKER_PASS_ENV_VARS']) assert.ok(!isSecretName(name), name);
  for (const name of ['SMTP_PASS_PROD', 'ENV_PASSWORD', 'ENVIRONMENT_PASSWORD']) assert.ok(isSecretName(name), name);
  // A command that prints the secret, the addresses allowed to use a key, a file that holds it.
  // Settings of tools that handle secrets: GitLab's Secret Detection template, git's credential helper, an ID token's audience.
  for (const name of ['SECRET_DETECTION_EXCLUDED_PATHS', 'SECRET_DETECTION_LOG_OPTIONS', 'SECRET_DETECTION_RULESET_GIT_REFERENCE', 'SECRET_SCANNING_ENABLED', 'GIT_CREDENTIALS_HELPER', 'TOKEN_AUDIENCE']) assert.ok(!isSecretName(name), name);
  for (const name of ['SECRET_SCAN_TOKEN', 'SECRET_DETECTION_API_KEY', 'HELPER_TOKEN']) assert.ok(isSecretName(name), name);
  for (const name of ['AIRFLOW__API__SECRET_KEY_CMD', 'PARSE_MASTER_KEY_IPS', 'DB_PASSWORD_FILE', 'TOKEN_URL', 'ETCD_AUTH_TOKEN', 'ETCD_INITIAL_CLUSTER_TOKEN', 'MAILCOW_PASS_SCHEME', 'default_pass_scheme', 'SECRET_LOCAL_HOSTNAME', 'GH_AW_TOKEN_USAGE_SUMMARY_TITLE', 'PASSWORD_HINT', 'api_key_description']) assert.ok(!isSecretName(name), name);
});

it('tells literal secrets from placeholders a setup script fills in', () => {
  for (const value of ['hunter2-but-longer', 'changeme', 'S3cr3t!', 'mysql']) assert.ok(isLiteralSecretValue(value, 'DB_PASSWORD'), value);
  for (const value of ['INSERT_CLUSTER_TOKEN', 'your-api-key', 'YOUR_DB_PASSWORD', 'DB_PASSWORD_HERE', 'SEARCH_API_KEY_VAL', '${DB_PASSWORD}', '$[[ inputs.db_password ]]']) assert.ok(!isLiteralSecretValue(value, 'DB_PASSWORD'), value);
  assert.ok(!isLiteralSecretValue('search-api-key-val', 'SEARCH_API_KEY'), 'the variable name itself');
  for (const value of ['invalid', 'DISABLED', 'unset']) assert.ok(!isLiteralSecretValue(value, 'API_KEY'), `${value}: a word that says there is no key`);
  for (const value of ['XXX-XXX', 'xxxx_xxxx']) assert.ok(!isLiteralSecretValue(value, 'CLIENT_SECRET'), `${value}: x's to fill in`);
  for (const value of ['%kernel.project_dir%/config/jwt/private.pem', '${CONFIG_DIR}/jwt/private.pem']) assert.ok(!isLiteralSecretValue(value, 'JWT_SECRET_KEY'), `${value}: a path`);
  for (const value of ['${PREFIX}-Tr0ub4dor-and-3', '%APP%Hn5tR7wQ1x']) assert.ok(isLiteralSecretValue(value, 'JWT_SECRET_KEY'), `${value}: a literal after a reference`);
  assert.ok(isLiteralSecretValue('search-api-key-val'), 'without the name, only the placeholder words count');
  // Credentials named by lower-case words are the file or stored secret that holds them; other values under such a name are literal.
  assert.ok(!isLiteralSecretValue('broker_keystore_creds', 'KAFKA_SSL_KEYSTORE_CREDENTIALS'));
  for (const value of ['Tr0ub4dor-and-3', '{"user":"app","key":"Vq8zK2mLp4"}']) assert.ok(isLiteralSecretValue(value, 'SERVICE_CREDENTIALS'), value);
  assert.ok(isLiteralSecretValue('broker_keystore_creds', 'KEYSTORE_PASSWORD'), 'under a password name, words are a weak password');
  // The name's last words in capitals stand for the value to put there; in lower case, a weak default deployed as it stands.
  for (const [value, name] of [['SECRET', 'OAUTH2_PROXY_COOKIE_SECRET'], ['COOKIE_SECRET', 'OAUTH2_PROXY_COOKIE_SECRET'], ['PASSWORD', 'dbPassword'], ['TOKEN', 'GITHUB_TOKEN']]) assert.ok(!isLiteralSecretValue(value, name), `${value} for ${name}`);
  for (const [value, name] of [['password', 'DB_PASSWORD'], ['secret', 'COOKIE_SECRET'], ['PASSWORD', 'DB_SECRET'], ['HUNTER', 'DB_PASSWORD'], ['SECRET', 'SECRET_KEY']]) assert.ok(isLiteralSecretValue(value, name), `${value} for ${name}`);
});

it('takes prose where the secret goes for no literal secret, but not a password with spaces or a passphrase of random words', () => {
  for (const value of ['very sensitive data', 'this is not a real token', "shhhh! it's a bitbucket secret"]) assert.ok(!isLiteralSecretValue(value, 'secretData'), value);
  for (const value of ['Vq7r T2mX k9Lp', 'correct horse battery staple', 'my Pa55w0rd', 'hunter2 is Xk9#Lp2!vQ']) assert.ok(isLiteralSecretValue(value, 'secretData'), value);
});

it('takes a name whose secret word is followed by id, arn, alias or name for a reference to the secret', () => {
  for (const name of ['QueueMasterKeyIdParam', 'SigningKeyArnValue', 'DbPasswordNameParam', 'API_TOKEN_ALIAS_PREFIX']) assert.ok(!isSecretName(name), name);
  for (const name of ['MasterKey', 'PartnerApiKeyValue', 'DbPasswordParam']) assert.ok(isSecretName(name), name);
});

it('tells fill-in placeholders anywhere in a value, KMS aliases and time units from secrets, but not a weak default', () => {
  for (const value of ['xoxb-PUT YOUR BOT TOKEN HERE', 'Bearer <<Enter the partner key>>', '<api key>', 'dummy-value', 'MyDummyPass1', 'example-password', 'enter the token', 'alias/aws/sqs', 'hours', 'Days', 'ci-typing-not-a-real-secret', 'notarealpassword', 'NOT_A_REAL_KEY', 'fake-token-for-tests', 'if_you_see_this_please_use_K8S_and_Vault', 'If you see this, configure the key properly', 'DUMMYEXAMPLEKEY', 'FAKESECRET'])
    assert.ok(!isLiteralSecretValue(value), value);
  for (const value of ['changeme', 'ChangeMe123!', 'a<b', 'xoxb-1234-5678-abcdef', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'cannotarealm9', 'Fakir-2024-pass', 'gif-you-seethis9', 'Fakirpassword', 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY']) assert.ok(isLiteralSecretValue(value), value);
});

it('takes a key shaped like a real one whose every group counts or repeats for a fill-in, not a one-group weak password', () => {
  for (const value of ['12345678-0987-1234-5678-123456789012', '00000000-0000-0000-0000-000000000000', '1234-5678-9012', 'xxxx-xxxx-xxxx'])
    assert.ok(!isLiteralSecretValue(value, 'LicenseKey'), value);
  for (const value of ['12345678', '123456789012', '12345678-0987-1234-5678-12345678901a', '1234-5678-9013', '4f1c-77d2-91a0']) assert.ok(isLiteralSecretValue(value, 'LicenseKey'), value);
});

it('takes a vendor key prefix followed by a stand-in word for a placeholder, and a long random key after it for a secret', () => {
  for (const value of ['nvapi-NVKEY', 'nvapi-key', 'sk-YOUR_KEY', 'sk-proj-KEY', 'sk_live_XXXXXXXX', 'ghp_TOKEN', 'ghp_xxxxxxxx', 'glpat-XXXXXXXXXXXXXXXXXXXX', 'hf_your_token_here', 'xoxb-TOKEN'])
    assert.ok(!isLiteralSecretValue(value, 'NVIDIA_API_KEY'), value);
  // Built here so that no key-shaped literal sits in the source.
  const random = 'aB3dE5fG7hJ9kL1mN3pQ'.repeat(3);
  for (const value of [`nvapi-${random}`, `sk-proj-${random}`, `ghp_${random.slice(0, 36)}`, `hf_${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.repeat(2).slice(0, 34)}`, `sk_live_${'abcdefghijklmnopqrstuvwx'}`, 'nvapi-ProdKey'])
    assert.ok(isLiteralSecretValue(value, 'NVIDIA_API_KEY'), value);
  // A short counting or repeated run after the prefix: Login with Amazon's `Atzr|` in KICS's alexa skills.
  for (const value of ['Atzr|1234', 'Atzr|0000', 'Atza|xxxx', 'Atzr|abcd', 'ghp_4321', 'sk_test_ABCD'])
    assert.ok(!isLiteralSecretValue(value, 'RefreshToken'), value);
  for (const value of [`Atzr|${random}`, 'Atzr|1234abcd', 'Atzr|1357', 'Atzr|12345678901', 'ghp_abce', `Atza|${'IwEBI'}${random.slice(0, 30)}`])
    assert.ok(isLiteralSecretValue(value, 'RefreshToken'), value);
});

it('tells the access key of a pair whose secret key is set beside it from a key that stands alone', () => {
  for (const [name, others] of [['MINIO_ACCESS_KEY', ['MINIO_SECRET_KEY']], ['AWS_ACCESS_KEY', ['AWS_SECRET_KEY']], ['AWS_ACCESS_KEY', ['AWS_SECRET_ACCESS_KEY']], ['accessKey', ['secretKey']], ['S3_ACCESSKEY', ['S3_SECRETKEY']]] as const)
    assert.ok(isAccessKeyOfPair(name, others), `${name} beside ${others.join(', ')}`);
  for (const [name, others] of [['ACCESS_KEY', ['TAGS']], ['MINIO_ACCESS_KEY', ['OTHER_SECRET_KEY']], ['MINIO_SECRET_KEY', ['MINIO_ACCESS_KEY']], ['DB_PASSWORD', ['DB_SECRET_KEY']]] as const)
    assert.ok(!isAccessKeyOfPair(name, others), `${name} beside ${others.join(', ')}`);
});

it('takes a comment that tells the reader to replace the value beside it for a placeholder mark, on its line, a comment line above, or the list item it belongs to', () => {
  const at = (text: string, line: number) => hasFillInComment((n) => text.split('\n')[n - 1] ?? '', line);
  // The Sysdig agent's manifest: the comment is on the variable's name line.
  assert.equal(at('        env:\n        - name: ACCESS_KEY                #REQUIRED - replace with your Sysdig Cloud access key\n          value: 8312341g-5678-abcd\n', 3), true);
  assert.equal(at('      API_KEY: 3f9a0c7e21  # put your key here\n', 1), true);
  assert.equal(at('      # Your API token here\n      API_TOKEN: 3f9a0c7e21\n', 2), true);
  // The comment of a sibling above, a rotation note, a weak default to change, a # inside a value: no mark.
  assert.equal(at('      DB_PASSWORD: hunter2-long  # replace with your password\n      API_KEY: 3f9a0c7e21\n', 2), false);
  assert.equal(at('        - name: A\n          value: x # replace with your key\n        - name: API_KEY\n          value: 3f9a0c7e21\n', 4), false);
  assert.equal(at('      API_KEY: 3f9a0c7e21  # replace with a new key every 90 days\n', 1), false);
  assert.equal(at('      DB_PASSWORD: Tr0ub4dor-3  # change me\n', 1), false);
  assert.equal(at('      API_KEY: "3f9a#replace with your key"\n', 1), false);
  // GitLab's expanded variable: the comment of its value: line, not of a nested map's, nor of the next variable's.
  assert.equal(at('  DB_PASSWORD:\n    description: the staging database\n    value: hunter2-long  # replace with your password\n', 1), true);
  assert.equal(at('  DB_PASSWORD:\n    options:\n      value: x  # your password here\n    value: hunter2-long\n', 1), false);
  assert.equal(at('  DB_PASSWORD:\n    value: hunter2-long\n  API_KEY:\n    value: 3f9a0c7e21  # your key here\n', 1), false);
});

it('leaves out the literal secrets of a manifest or a compose file that a comment marks as the reader\'s to replace, and only those', () => {
  const said = (path: string, text: string, rule: string) => analyseFile(path, text, () => {}, undefined).findings.filter((f) => f.ruleId === rule).map((f) => f.location.startLine);
  const manifest = [
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    '  name: agent',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: agent',
    '        image: registry.example.org/agent:1.2.0',
    '        env:',
    '        - name: ACCESS_KEY                 #REQUIRED - replace with your access key',
    '          value: 8312341g-5678-abcd-4a2b2c-33bcsd655',
    '        - name: COLLECTOR_TOKEN',
    '          value: 9c1f4e7a2b8d3f60',
    '',
  ].join('\n');
  assert.deepEqual(said('agent.yaml', manifest, 'iac/k8s-secret-in-env'), [15]);
  const compose = 'services:\n  agent:\n    image: registry.example.org/agent:1.2.0\n    environment:\n      ACCESS_KEY: 8312341g-5678-abcd  # replace with your access key\n      COLLECTOR_TOKEN: 9c1f4e7a2b8d3f60\n';
  assert.deepEqual(said('compose.yaml', compose, 'iac/compose-secret-in-environment'), [6]);
});

it('reads a switch named for a secret as no secret name', () => {
  for (const name of ['WEBHOOK_REQUIRE_SECRET', 'SMTP_USE_PASSWORD', 'API_ENABLE_TOKEN', 'REQUIRE_SECRET']) assert.ok(!isSecretName(name), name);
  for (const name of ['WEBHOOK_SECRET', 'WEBHOOK_VERIFY_TOKEN', 'SMTP_PASSWORD']) assert.ok(isSecretName(name), name);
});

it('reads the ID or fingerprint of an OpenPGP key as no secret value', () => {
  // A plain boolean: the type guard would narrow the value away after a negative assertion.
  const literal = (value: string, name: string): boolean => isLiteralSecretValue(value, name);
  const id = ['3AA5', 'C343', '7156', '7BD2'].join('');
  const fingerprint = Array.from({ length: 10 }, (_, i) => `${'ABCD'.slice(i % 4)}${'0123'.slice(0, i % 4)}`).join(' ');
  assert.ok(!literal(id, 'git.commit-signing-key'));
  assert.ok(!literal(`0x${id.slice(8)}`, 'GPG_KEY'));
  assert.ok(!literal(fingerprint, 'SIGNING_KEY'));
  assert.ok(!literal(id.repeat(2) + id.slice(0, 8), 'GPG_PRIVATE_KEY_ID'));
  // A shared secret for signing is one however it looks; 40 hex digits under a bare signing name may be one too.
  for (const name of ['JWT_SIGNING_KEY', 'WEBHOOK_SIGNING_SECRET', 'API_KEY']) assert.ok(literal(id, name), name);
  assert.ok(literal(id.repeat(2) + id.slice(0, 8), 'SIGNING_KEY'));
});

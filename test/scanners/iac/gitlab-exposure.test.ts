import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitlabPlatform, pipelineScripts } from '../../../src/scanners/iac/gitlab/rules.js';

function hits(ruleId: string, source: string): string[] {
  const input = gitlabPlatform.parse(source, () => {});
  assert.ok(input);
  const rule = gitlabPlatform.rules.find((r) => r.id === ruleId)!;
  return [...rule.check(input)].map((h) => `${h.line}${h.detailLine ? `>${h.detailLine}` : ''} ${h.severity ?? rule.severity}`);
}

test('secret-printed: printed secrets are reported; piped, redirected, masked-by-GitLab, substituted and here-doc uses are not', () => {
  const source = [
    'stages: [deploy]',
    'deploy:',
    '  script:',
    '    - eval $(ssh-agent -s)',
    '    - echo "$SSH_PRIVATE_KEY" | tr -d \'\\r\' | ssh-add - > /dev/null',
    '    - echo "$SSH_PRIVATE_KEY" | base64 -d > ~/.ssh/id_rsa',
    '    - echo "token = $SERVICE_TOKEN" >> ~/.servicecfg',
    '    - echo "${CI_REGISTRY_PASSWORD}" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
    '    - echo "Token present: $([ -n "$CHAT_TOKEN" ] && echo yes || echo no)"',
    '    - echo "token length: ${#OIDC_TOKEN}"',
    '    - echo "Token is ${PROD_DEPLOY_TOKEN:-empty}"',
    '    - echo Token $API_KEY 1>&2',
    '    - |',
    '      cat >> "$HOME/.gitconfig" <<\'CFG\'',
    '      helper = "!f() { echo \\"password=${GIT_PASSWORD}\\"; }; f"',
    '      CFG',
    '      echo "done with $DEPLOY_PASSWORD"',
  ].join('\n');
  assert.deepEqual(hits('iac/gitlab-secret-printed', source), ['3>11 medium', '3>12 medium', '3>17 medium']);
});

test('credential-artifact: secrets decrypted or fetched into artifacts are reported; restricted access lowers, access none silences', () => {
  const source = [
    'stages: [build]',
    'decrypt:',
    '  script:',
    '    - ./decrypt --non-interactive',
    '  artifacts:',
    '    paths:',
    '      - .env.prod',
    '      - android/app/keystore.jks',
    '      - build/',
    '      - .env.example',
    'fetch:',
    '  script:',
    '    - ./fetch-secrets > .env.production',
    '  artifacts:',
    '    access: developer',
    '    paths: [.env.production]',
    'private:',
    '  script:',
    '    - ./fetch-secrets > .env',
    '  artifacts:',
    '    access: none',
    '    paths: [.env, ~/.docker/config.json]',
    'kube:',
    '  script:',
    '    - ./make-kubeconfig',
    '  artifacts:',
    '    paths:',
    '      - .kube/',
    '      - out/kubeconfig',
  ].join('\n');
  assert.deepEqual(hits('iac/gitlab-credential-artifact', source), ['7 medium', '8 medium', '16 low', '28 medium', '29 medium']);
});

/** Hits of a rule with their messages, and a check that every script line was read as a script. */
function messages(ruleId: string, source: string): Array<{ at: string; severity: string; message: string; secret?: string }> {
  const input = gitlabPlatform.parse(source, () => {});
  assert.ok(input);
  const rule = gitlabPlatform.rules.find((r) => r.id === ruleId)!;
  return [...rule.check(input)].map((h) => ({ at: `${h.line}${h.detailLine ? `>${h.detailLine}` : ''}`, severity: h.severity ?? rule.severity, message: h.message, ...(h.secret ? { secret: h.secret } : {}) }));
}

test('environment-printed: a whole-environment dump to the log is reported; a filtered, named or redirected one is not', () => {
  const source = [
    'stages: [build]',
    'debug:',
    '  script:',
    '    - env',
    '    - printenv | sort',
    '    - sudo env -u HOME | sort | tee env.log',
    '    - export -p',
    '    - declare -px',
    '    - set',
    '    - cat /proc/self/environ | tr "\\0" "\\n"',
    "    - 'Get-ChildItem env:'",
    '    - if [ -n "$DEBUG" ]; then env; fi',
    "    - 'Get-ChildItem env: | Sort-Object Name | Format-Table -AutoSize'",
    'quiet:',
    '  script:',
    '    - env | grep -E "^CI_COMMIT_"',
    '    - env | cut -d= -f1',
    '    - printenv CI_COMMIT_SHA',
    '    - env > build.env',
    '    - env | sort > env.txt',
    '    - printenv | tee env.txt > /dev/null',
    '    - env -i PATH=/usr/bin ./run.sh',
    '    - env NODE_ENV=production npm run build',
    '    - export DEPLOY_ENV=prod',
    '    - set -eux',
    '    - declare -A seen',
    '    - echo env',
    '    - ls env',
    "    - 'Get-ChildItem env: | Where-Object Name -like CI_*'",
  ].join('\n');
  const input = gitlabPlatform.parse(source, () => {})!;
  const read = [...pipelineScripts(input)].length;
  assert.equal(read, 24, 'every entry is a script line');
  const got = messages('iac/gitlab-environment-printed', source);
  assert.deepEqual(
    got.map((h) => h.at),
    ['3>4', '3>5', '3>6', '3>7', '3>8', '3>9', '3>10', '3>11', '3>12', '3>13'],
  );
  assert.match(got[2]!.message, /^job debug prints the whole environment \(env -u HOME\) \(line 6\) to the job log; every CI\/CD variable that is not masked/);
  assert.ok(got.every((h) => h.severity === 'medium'));
});

test('password-argument: registry logins with -p, --password and --password=, one per command; literal passwords are high and redacted', () => {
  const literal = 'Sup3r' + 'S3cretPw';
  const source = [
    'stages: [build]',
    'build:',
    '  script:',
    '    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"',
    '    - sudo podman login --username ci --password=$REGISTRY_PASSWORD registry.example.org',
    '    - docker --config /tmp/docker login -u ci -p$(cat /run/secrets/pw) registry.example.org',
    `    - skopeo login -u ci -p ${literal} registry.example.org`,
    '    - crane auth login registry.example.org -u ci --password "$PW"',
    '    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
    '    - docker run -p 8080:80 -e LOGIN=1 app login -p x',
    '    - oras login --password-stdin -u ci registry.example.org < pw.txt',
  ].join('\n');
  const got = messages('iac/gitlab-password-argument', source);
  assert.deepEqual(
    got.map((h) => `${h.at} ${h.severity}`),
    ['3>4 low', '3>5 low', '3>6 low', '3>7 high', '3>8 low'],
  );
  assert.match(got[0]!.message, /gives docker login its password with -p \(line 4\); it shows in the process list: pipe it to --password-stdin\./);
  assert.match(got[1]!.message, /podman login its password with --password/);
  assert.match(got[3]!.message, /written in the pipeline file/);
  assert.equal(got[3]!.secret, literal);
  assert.ok(!got[3]!.message.includes(literal));
});

test('job-token-sent-elsewhere: the job token in a request to, or the user part of a URL of, a literal non-GitLab host', () => {
  const source = [
    'stages: [deploy]',
    'leak:',
    '  script:',
    "    - 'curl -H \"Job-Token: $CI_JOB_TOKEN\" https://api.example.com/deploy'",
    '    - curl -u gitlab-ci-token:$CI_JOB_TOKEN -T app.tgz https://artifacts.example.org/upload/app.tgz',
    "    - 'wget --header=\"PRIVATE-TOKEN: ${CI_JOB_TOKEN}\" https://downloads.example.net/tool'",
    '    - curl "https://status.example.org/report?token=${CI_JOB_TOKEN}&job=$CI_JOB_ID"',
    '    - git config --global url."https://gitlab-ci-token:${CI_JOB_TOKEN}@bitbucket.org/".insteadOf "https://bitbucket.org/"',
    'fine:',
    '  script:',
    "    - 'curl --header \"JOB-TOKEN: $CI_JOB_TOKEN\" \"$CI_API_V4_URL/projects/$CI_PROJECT_ID/jobs/artifacts/main/download?job=build\"'",
    '    - git push "https://gitlab-ci-token:${CI_JOB_TOKEN}@${CI_SERVER_HOST}/${CI_PROJECT_PATH}.git" HEAD:main',
    "    - 'curl --header \"JOB-TOKEN: $CI_JOB_TOKEN\" https://gitlab.example.edu/group/app/-/jobs/artifacts/main/download?job=build'",
    "    - 'curl --request DELETE --header \"JOB-TOKEN: $CI_JOB_TOKEN\" https://git.example.edu/api/v4/projects/$CI_PROJECT_ID/releases/v1'",
    '    - git clone https://gitlab-ci-token:${CI_JOB_TOKEN}@scm.example.edu/group/lib.git',
    '    - git config --global url."https://gitlab-ci-token:${CI_JOB_TOKEN}@code.example.edu/".insteadOf "https://code.example.edu/"',
    "    - 'curl -H \"JOB-TOKEN: $CI_JOB_TOKEN\" https://10.0.0.5/api/v4/projects/1/packages'",
    "    - 'curl -H \"JOB-TOKEN: $CI_JOB_TOKEN\" https://www.example.edu/gitlab/api/v4/projects/1/packages'",
    "    - 'curl -H \"JOB-TOKEN: $CI_JOB_TOKEN\" \"$ARTIFACT_URL\"'",
    '    - curl -fsS https://hooks.example.org/done',
    '    - git clone https://github.com/example/tool.git',
    '    - ./upload.sh "$CI_JOB_TOKEN" https://artifacts.example.org/upload',
  ].join('\n');
  const input = gitlabPlatform.parse(source, () => {})!;
  assert.equal([...pipelineScripts(input)].length, 17, 'every entry is a script line');
  const got = messages('iac/gitlab-job-token-sent-elsewhere', source);
  assert.deepEqual(
    got.map((h) => h.at),
    ['3>4', '3>5', '3>6', '3>7', '3>8'],
  );
  assert.match(got[0]!.message, /^job leak sends \$CI_JOB_TOKEN to api\.example\.com \(line 4\), which is not the GitLab instance/);
  assert.match(got[4]!.message, /to bitbucket\.org/);
});

test('credential-artifact: a whole-environment dump kept by artifacts: paths, a glob or a directory is reported; excluded, filtered, unkept or restricted ones are not, or low', () => {
  const source = [
    'debug:',
    '  script:',
    '    - env | sort > out/env.txt',
    '    - printenv | grep ^CI_ > out/ci.txt',
    '    - export -p > ./logs/vars.log',
    '  artifacts:',
    '    paths:',
    '      - "out/*.txt"',
    '      - logs/**',
    'quiet:',
    '  script:',
    '    - env > out/env.txt',
    '  artifacts:',
    '    paths:',
    '      - out/',
    '    exclude:',
    '      - out/*.txt',
    'members:',
    '  script:',
    '    - printenv >> vars.txt',
    '  artifacts:',
    '    access: developer',
    '    paths:',
    '      - vars.txt',
  ].join('\n');
  assert.deepEqual(hits('iac/gitlab-credential-artifact', source), ['8 medium', '9 medium', '24 low']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

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

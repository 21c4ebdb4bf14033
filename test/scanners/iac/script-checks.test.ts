import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { passwordArguments } from '../../../src/scanners/iac/script-checks.js';

const found = (script: string) => passwordArguments(script).map((p) => `${p.tool} ${p.option} ${p.value}`);

describe('passwordArguments: registry and package-index logins given the password on the command line', () => {
  it('reads each tool by its own subcommand and options', () => {
    assert.deepEqual(found('ko login ghcr.io -u bot -p "$KO_PASSWORD"'), ['ko login -p $KO_PASSWORD']);
    assert.deepEqual(found('cosign login registry.example.org --username bot --password=$COSIGN_REGISTRY_PASSWORD'), ['cosign login --password $COSIGN_REGISTRY_PASSWORD']);
    assert.deepEqual(found('regctl registry login registry.example.org -u bot -p "$PASS"'), ['regctl registry login -p $PASS']);
    assert.deepEqual(found('az acr login --name acme --username bot --password "$ACR_PASSWORD"'), ['az acr login --password $ACR_PASSWORD']);
    assert.deepEqual(found('helm repo add acme https://charts.example.org --username bot --password "$HELM_PASSWORD"'), ['helm repo add --password $HELM_PASSWORD']);
    assert.deepEqual(found('twine upload -u __token__ -p "$PYPI_TOKEN" dist/*'), ['twine upload -p $PYPI_TOKEN']);
  });

  it('leaves the safe forms and options that only look alike', () => {
    assert.deepEqual(found('echo "$PASS" | ko login ghcr.io -u bot --password-stdin'), []);
    // helm repo add has no -p: it is another option there.
    assert.deepEqual(found('helm repo add acme https://charts.example.org -p x'), []);
    assert.deepEqual(found('TWINE_PASSWORD="$PYPI_TOKEN" twine upload dist/*'), []);
    assert.deepEqual(found('az acr login --name acme'), []);
  });
});

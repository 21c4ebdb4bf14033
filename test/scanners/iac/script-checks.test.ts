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

  it('reads the script a shell runs with -c, also after a wrapper, pointing into it where it is written as is', () => {
    const script = 'docker run --rm goreleaser/goreleaser:v2.1.0 bash -c "\n  docker login -u ci -p $REGISTRY_PASSWORD registry.example.org\n  goreleaser release\n"';
    const inner = passwordArguments(script);
    assert.deepEqual(inner.map((p) => `${p.tool} ${p.option} ${p.value}`), ['docker login -p $REGISTRY_PASSWORD']);
    assert.equal(script.slice(inner[0]!.offset, inner[0]!.offset + 2), '-p');
    assert.deepEqual(found("sh -ec 'podman login --password=\"$PASS\" registry.example.org'"), ['podman login --password $PASS']);
    // Escaped quotes: the inner text is not the written one, so the finding points at the script's word.
    const escaped = 'bash -c "docker login -u ci -p \\"$PASS\\" registry.example.org"';
    assert.deepEqual(passwordArguments(escaped).map((p) => p.offset), [escaped.indexOf('"')]);
    // A -c script that logs in on stdin, and options named -c that hold no script.
    assert.deepEqual(found('docker run --rm img sh -c \'printf "%s" "$PASS" | docker login -u ci --password-stdin r.example.org\''), []);
    assert.deepEqual(found('gcc -c main.c -o main.o'), []);
  });
});

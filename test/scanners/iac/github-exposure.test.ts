import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { scanIacTree } from '../../helpers/iac-scan.js';

function findings(text: string, ruleId: string, path = '.github/workflows/ci.yml') {
  return analyseFile(path, text, () => {}, 'github-actions').findings.filter((f) => f.ruleId === ruleId);
}

const job = (steps: string) => `name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
const where = (f: { location: { startLine: number; endLine?: number }; severity: string }) => `${f.location.startLine}${f.location.endLine && f.location.endLine !== f.location.startLine ? `>${f.location.endLine}` : ''} ${f.severity}`;

describe('gha-environment-printed', () => {
  it('is low when what the environment holds is masked: secrets passed through env:, the job token', () => {
    const got = findings(job('      - name: Debug\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n          GH_TOKEN: ${{ github.token }}\n        run: |\n          echo "::group::env"\n          env | sort\n          echo "::endgroup::"\n'), 'iac/gha-environment-printed');
    assert.deepEqual(got.map(where), ['12>14 low']);
    assert.equal(got[0]!.message, 'job build step "Debug" prints the whole environment (env) (line 14) to the job log; GitHub masks the secrets it knows there, but any other credential (derived from a secret, or made at run time without ::add-mask::) appears in clear.');
  });

  it('is medium when the environment holds a credential the runner does not mask, and says which', () => {
    const json = findings(job('      - env:\n          DB_PASSWORD: ${{ fromJSON(secrets.DATABASE).password }}\n        run: printenv\n'), 'iac/gha-environment-printed');
    assert.deepEqual(json.map(where), ['10 medium']);
    assert.match(json[0]!.message, /DB_PASSWORD holds a field of a JSON secret \(fromJSON\(secrets\.\.\.\)\), which GitHub does not mask, so it appears there in clear\.$/);
    // A job-level env: is the step's environment too.
    const jobEnv = 'name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      CFG: ${{ fromJson(secrets.CONFIG)["api-key"] }}\n    steps:\n      - run: export -p\n';
    assert.deepEqual(findings(jobEnv, 'iac/gha-environment-printed').map(where), ['10 medium']);
    const minted = findings(
      job('      - name: Mint\n        run: |\n          TOKEN=$(curl -fsS -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL" | jq -r .value)\n          echo "REGISTRY_TOKEN=$TOKEN" >> "$GITHUB_ENV"\n      - run: env\n'),
      'iac/gha-environment-printed',
    );
    assert.deepEqual(minted.map(where), ['12 medium']);
    assert.match(minted[0]!.message, /REGISTRY_TOKEN was written to \$GITHUB_ENV from a command's output by job build step "Mint", without ::add-mask::/);
    const output = findings(job('      - id: app\n        run: echo "token=$(./make-token.sh)" >> "$GITHUB_OUTPUT"\n      - env:\n          APP_TOKEN: ${{ steps.app.outputs.token }}\n        run: env\n'), 'iac/gha-environment-printed');
    assert.deepEqual(output.map(where), ['12 medium']);
    assert.match(output[0]!.message, /APP_TOKEN holds an output that job build step "app" made from a command's output without ::add-mask::, so it appears there in clear\.$/);
  });

  it('stays low when the step that made the credential masked it, or an action made it', () => {
    const masked = job('      - name: Mint\n        run: |\n          TOKEN=$(./make-token.sh)\n          echo "::add-mask::$TOKEN"\n          echo "REGISTRY_TOKEN=$TOKEN" >> "$GITHUB_ENV"\n      - run: env\n');
    assert.deepEqual(findings(masked, 'iac/gha-environment-printed').map(where), ['13 low']);
    // actions/create-github-app-token registers its token as a secret.
    const action = job('      - id: app\n        uses: actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e # v2.0.6\n        with:\n          app-id: ${{ vars.APP_ID }}\n          private-key: ${{ secrets.APP_KEY }}\n      - env:\n          GH_TOKEN: ${{ steps.app.outputs.token }}\n        run: env\n');
    assert.deepEqual(findings(action, 'iac/gha-environment-printed').map(where), ['15 low']);
    // A name that is no credential, a value that is not a command's output.
    const plain = job('      - run: |\n          echo "BUILD_ID=$(date +%s)" >> "$GITHUB_ENV"\n          echo "NPM_TOKEN=${{ secrets.NPM_TOKEN }}" >> "$GITHUB_ENV"\n      - run: env\n');
    assert.deepEqual(findings(plain, 'iac/gha-environment-printed').map(where), ['11 low']);
    // An output that holds a secret as it is: the runner masks it.
    const secretOutput = job('      - id: cfg\n        run: echo "token=${{ secrets.API_TOKEN }}" >> "$GITHUB_OUTPUT"\n      - env:\n          API_TOKEN: ${{ steps.cfg.outputs.token }}\n        run: env\n');
    assert.deepEqual(findings(secretOutput, 'iac/gha-environment-printed').map(where), ['12 low']);
  });

  it('reports the env context printed, directly or through a variable; toJSON(secrets) is left to gha-all-secrets-exposed', () => {
    const text = job("      - run: echo '${{ toJSON(env) }}'\n      - env:\n          ALL: ${{ toJSON(env) }}\n        run: |\n          echo \"$ALL\"\n          echo \"$ALL\" > env.json\n      - run: echo '${{ toJSON(secrets) }}'\n");
    const got = findings(text, 'iac/gha-environment-printed');
    assert.deepEqual(got.map(where), ['8 low', '11>12 low']);
    assert.match(got[0]!.message, /prints the env context \(toJSON\(env\)\) to the job log/);
    assert.match(got[1]!.message, /prints the env context \(\$ALL, set to toJSON\(env\)\) \(line 12\)/);
    // On its own one-line run:, not on the key of the block script before it.
    assert.deepEqual(findings(text, 'iac/gha-all-secrets-exposed').map((f) => f.location.startLine), [text.split('\n').findIndex((l) => l.includes('toJSON(secrets)')) + 1]);
  });

  it('points at the line of the dump, not an earlier line that holds the same text', () => {
    const text = job('      - run: |\n          cygpath -w $(command -v env)\n          env\n          env |\n            grep GITHUB_ |\n            sort\n');
    assert.deepEqual(findings(text, 'iac/gha-environment-printed').map(where), ['8>10 low']);
  });

  it('judges the run steps of a composite action', () => {
    const action = 'name: debug\ndescription: d\nruns:\n  using: composite\n  steps:\n    - run: |\n        set\n        ./build.sh\n      shell: bash\n';
    assert.deepEqual(findings(action, 'iac/gha-environment-printed', '.github/actions/debug/action.yml').map(where), ['6>7 low']);
  });
});

describe('gha-password-argument', () => {
  it('reports -p, --password and --password= of registry logins; an expression is also in the script file; literal passwords are high', () => {
    const text = job(
      [
        '      - name: Login',
        '        run: |',
        '          docker login -u "${{ github.actor }}" -p ${{ secrets.GITHUB_TOKEN }} ghcr.io',
        '          podman login --password "$REGISTRY_PASSWORD" -u ci registry.example.org',
        '          crane auth login registry.example.org -u ci --password=' + 'Sup3r' + 'Secr3tPassw0rd',
        '          echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.org',
        '          docker run -p 8080:80 registry.example.org/app',
        '',
      ].join('\n'),
    );
    const got = findings(text, 'iac/gha-password-argument');
    assert.deepEqual(got.map(where), ['9>10 low', '9>11 low', '9>12 high']);
    assert.equal(got[0]!.message, 'job build step "Login" gives docker login its password with -p (line 10), written into the step\'s script file as an expression; it shows in the process list: use docker/login-action, or pipe it to --password-stdin.');
    assert.match(got[1]!.message, /gives podman login its password with --password \(line 11\); it shows in the process list: pipe it to --password-stdin\.$/);
    assert.match(got[2]!.message, /written in the workflow/);
    assert.ok(got.every((f) => !f.message.includes('Sup3r' + 'Secr3t')));
  });

  it('leaves docker/login-action and --password-stdin alone', () => {
    const text = job('      - uses: docker/login-action@9780b0c442fbb1117ed29e0efdff1e18412f7567 # v3.3.0\n        with:\n          registry: ghcr.io\n          username: ${{ github.actor }}\n          password: ${{ secrets.GITHUB_TOKEN }}\n      - env:\n          PASSWORD: ${{ secrets.HELM_PASSWORD }}\n        run: printf \'%s\' "$PASSWORD" | helm registry login registry.example.org -u ci --password-stdin\n');
    assert.deepEqual(findings(text, 'iac/gha-password-argument'), []);
  });
});

describe('gha-environment-printed and gha-password-argument in the local scripts a step runs', () => {
  it('reports the script lines, naming the step or action step that runs them', async () => {
    const result = await scanIacTree({
      '.github/workflows/release.yml': job('      - run: ./ci/release.sh\n      - uses: ./.github/actions/publish\n'),
      '.github/actions/publish/action.yml': 'name: publish\ndescription: d\nruns:\n  using: composite\n  steps:\n    - name: Push\n      run: ${{ github.action_path }}/push.sh\n      shell: bash\n',
      '.github/actions/publish/push.sh': '#!/bin/bash\nset -euo pipefail\n# docker login -p is not used here\nhelm registry login registry.example.org -u ci -p "$HELM_PASSWORD"\n',
      'ci/release.sh': '#!/bin/sh\nset -eu\necho "env:"\nenv | sort\nenv | grep ^GITHUB_\nprintf \'%s\' "$PASSWORD" | docker login -u ci --password-stdin registry.example.org\ndocker login -u ci -p "$PASSWORD" registry.example.org\n',
    });
    const got = result.findings.filter((f) => f.ruleId === 'iac/gha-environment-printed' || f.ruleId === 'iac/gha-password-argument');
    assert.deepEqual(got.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.severity} ${f.related?.map((r) => `${r.path}:${r.startLine}`).join(' ')}`).sort(), [
      'iac/gha-environment-printed ci/release.sh:4 low .github/workflows/release.yml:8',
      'iac/gha-password-argument .github/actions/publish/push.sh:4 low .github/actions/publish/action.yml:7',
      'iac/gha-password-argument ci/release.sh:7 low .github/workflows/release.yml:8',
    ]);
    const env = got.find((f) => f.ruleId === 'iac/gha-environment-printed')!;
    assert.equal(env.message, 'The whole environment (env) is printed to the job log in ci/release.sh, run by job build step "step 1" of .github/workflows/release.yml; GitHub masks the secrets it knows there, but any other credential (derived from a secret, or made at run time without ::add-mask::) appears in clear.');
    const helm = got.find((f) => f.location.path.endsWith('push.sh'))!;
    assert.match(helm.message, /^helm registry login is given its password with -p in \.github\/actions\/publish\/push\.sh, run by action step "Push" of \.github\/actions\/publish\/action\.yml \(an action used by \.github\/workflows\/release\.yml job build step "\.\/\.github\/actions\/publish"\); it shows in the process list: pipe it to --password-stdin\.$/);
  });

  it('gives a script that GitLab CI and GitHub Actions jobs both run one finding per line and problem', async () => {
    const result = await scanIacTree({
      '.github/workflows/ci.yml': job('      - run: ./ci/build.sh\n'),
      '.gitlab-ci.yml': 'build:\n  script:\n    - ./ci/build.sh\n',
      'ci/build.sh': '#!/bin/sh\nprintenv\npodman login -u ci -p "$REGISTRY_PASSWORD" registry.example.org\n',
    });
    const got = result.findings.filter((f) => f.location.path === 'ci/build.sh').map((f) => `${f.location.startLine} ${f.ruleId.replace(/gha-|gitlab-/, '')}`);
    assert.deepEqual(got.sort(), ['2 iac/environment-printed', '3 iac/password-argument']);
  });
});

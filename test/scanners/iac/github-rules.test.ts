import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

function findings(text: string, ruleId: string) {
  return analyseFile('.github/workflows/ci.yml', text, () => {}, 'github-actions').findings.filter((f) => f.ruleId === ruleId);
}

const job = (steps: string, on = 'push') => `name: ci\non: ${on}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

test('persist-credentials: high when a later step uploads the work tree with hidden files', () => {
  const checkout = '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n';
  const upload = (extra: string) => `      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          path: .\n${extra}`;
  assert.deepEqual(findings(job(checkout + upload('          include-hidden-files: true\n')), 'iac/gha-checkout-persist-credentials').map((f) => f.severity), ['high']);
  // v4.4 and later skip hidden files such as .git unless asked.
  assert.deepEqual(findings(job(checkout + upload('')), 'iac/gha-checkout-persist-credentials').map((f) => f.severity), ['low']);
});

test('persist-credentials: from checkout v6 the token is outside the work tree, so an artifact of the tree does not carry it', () => {
  const upload = '      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          path: .\n          include-hidden-files: true\n';
  for (const checkout of ['      - uses: actions/checkout@v6\n', '      - uses: actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3 # v6.0.0\n']) {
    const got = findings(job(checkout + upload), 'iac/gha-checkout-persist-credentials');
    assert.deepEqual(got.map((f) => f.severity), ['low']);
    assert.match(got[0]!.message, /\$RUNNER_TEMP/);
    assert.doesNotMatch(got[0]!.message, /\.git\/config/);
  }
});

test('persist-credentials: the message names the token checkout is given, which is the one kept for git', () => {
  const checkout = (token: string) => `      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          token: ${token}\n`;
  const message = (token: string) => findings(job(checkout(token)), 'iac/gha-checkout-persist-credentials')[0]!.message;
  assert.match(message('${{ secrets.RELEASE_PAT }}'), /leaves the token its token: input gives \(secrets\.RELEASE_PAT\) in \.git\/config/);
  assert.doesNotMatch(message('${{ secrets.RELEASE_PAT }}'), /GITHUB_TOKEN/);
  assert.match(message('${{ steps.app.outputs.token }}'), /\(steps\.app\.outputs\.token\)/);
  // The workflow's own token, however it is spelled, is still the GITHUB_TOKEN.
  assert.match(message('${{ secrets.GITHUB_TOKEN }}'), /leaves the GITHUB_TOKEN in/);
  assert.match(message('${{ github.token }}'), /leaves the GITHUB_TOKEN in/);
});

test('unpinned action: a docker:// image is pinned by digest, not by commit SHA', () => {
  const [image] = findings(job('      - uses: docker://alpine:3.20\n'), 'iac/gha-unpinned-action');
  assert.match(image!.message, /image digest/);
  assert.doesNotMatch(image!.message, /commit SHA/);
  const [action] = findings(job('      - uses: actions/setup-node@v4\n'), 'iac/gha-unpinned-action');
  assert.match(action!.message, /commit SHA/);
});

test('template injection: a composite action input is medium, a pull request title in pull_request_target critical', () => {
  const action = 'name: a\ndescription: d\nruns:\n  using: composite\n  steps:\n    - run: echo "${{ inputs.title }}"\n      shell: bash\n';
  assert.deepEqual(findings(action, 'iac/gha-template-injection').map((f) => f.severity), ['medium']);
  const target = job('      - run: echo "${{ github.event.pull_request.title }}"\n', 'pull_request_target');
  assert.deepEqual(findings(target, 'iac/gha-template-injection').map((f) => f.severity), ['critical']);
});

test('release cache poisoning: a publishing step makes a push-to-main job a release job; a cache toggled by an expression counts', () => {
  const steps = '      - uses: astral-sh/setup-uv@d9e0f98d3fc6adb07d1e3d37f3043649ddad06a1 # v6.5.0\n        with:\n          enable-cache: ${{ inputs.cache }}\n      - run: uv build && uv publish\n';
  assert.deepEqual(findings(job(steps), 'iac/gha-release-cache-poisoning').map((f) => f.location.startLine), [10]);
  const noPublish = steps.replace('uv build && uv publish', 'uv run pytest');
  assert.deepEqual(findings(job(noPublish), 'iac/gha-release-cache-poisoning'), []);
});

test('release cache poisoning: each release branch is its own run, named in the message; a push to one counts where the job publishes on it', () => {
  const on = '\n  push:\n    branches: [main, "release/*", stable]';
  const cache = '      - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n        with:\n          path: target\n          key: target\n';
  const stableJob = `name: ci\non:${on}\npermissions: {}\njobs:\n  stable:\n    if: github.ref_name == 'stable'\n    runs-on: ubuntu-latest\n    steps:\n${cache}      - run: aws s3 cp --recursive dist/ s3://downloads/app/\n`;
  assert.deepEqual(findings(stableJob, 'iac/gha-release-cache-poisoning').map((f) => f.message.replace(/^.*in a job that /, '')), ['runs on push to stable; a poisoned cache entry would end up in the release.']);
  // Run on main and release/*, the job uploads only from main: it publishes, but not on a release branch.
  const mainJob = `name: ci\non:${on}\npermissions: {}\njobs:\n  main:\n    if: github.ref_name == 'main' || startsWith(github.ref_name, 'release/')\n    runs-on: ubuntu-latest\n    steps:\n${cache}      - name: Upload\n        if: github.ref == 'refs/heads/main'\n        run: aws s3 cp --recursive dist/ s3://downloads/app/\n`;
  assert.deepEqual(findings(mainJob, 'iac/gha-release-cache-poisoning').map((f) => f.message.replace(/^.*in a job that /, '')), ['publishes (job main step "Upload"); a poisoned cache entry would end up in the release.']);
});

test('broad permissions: contents: write at the top is high when a job inherits it', () => {
  const wf = 'name: ci\non: push\npermissions:\n  contents: write\n  issues: write\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n';
  assert.deepEqual(findings(wf, 'iac/gha-broad-permissions').map((f) => [f.location.startLine, f.severity]), [[4, 'high'], [5, 'medium']]);
  // With a single job, the top-level grant is that job's own grant.
  assert.deepEqual(findings(wf.replace(/\n  lint:[\s\S]*$/, '\n'), 'iac/gha-broad-permissions'), []);
});

test('persist-credentials: a commit SHA without a comment takes the version of another use of that commit, else says it is unknown and is not escalated', () => {
  const sha = '3d3c42e5aac5ba805825da76410c181273ba90b1';
  const twoJobs = (first: string) => `name: ci\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${sha}${first}\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${sha}\n      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n`;
  const inferred = findings(twoJobs(' # v7.0.1'), 'iac/gha-checkout-persist-credentials');
  assert.deepEqual(inferred.map((f) => [f.location.startLine, f.severity]), [[8, 'low'], [12, 'low']]);
  assert.match(inferred[1]!.message, /\$RUNNER_TEMP, v6 and later/);
  const unknown = findings(twoJobs(''), 'iac/gha-checkout-persist-credentials');
  assert.deepEqual(unknown.map((f) => [f.location.startLine, f.severity]), [[8, 'low'], [12, 'low']]);
  assert.match(unknown[1]!.message, /no comment names the version/);
});

test('persist-credentials: kept explicitly for a later step that pushes is not reported, unless the work tree is also uploaded', () => {
  const checkout = '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: true\n';
  const push = '      - run: |\n          # git push is below\n          git -C repo push origin HEAD\n';
  assert.deepEqual(findings(job(checkout + push), 'iac/gha-checkout-persist-credentials'), []);
  assert.deepEqual(findings(job(checkout + '      - uses: stefanzweifel/git-auto-commit-action@778341af668090896ca464160c2def5d1d1a3eb0 # v6.0.1\n'), 'iac/gha-checkout-persist-credentials'), []);
  // Without an explicit true, or with only a commented-out push, it stays.
  assert.equal(findings(job(checkout.replace(/        with:\n.*\n/, '') + push), 'iac/gha-checkout-persist-credentials').length, 1);
  assert.equal(findings(job(checkout + '      - run: |\n          # git push origin HEAD\n          make\n'), 'iac/gha-checkout-persist-credentials').length, 1);
  const upload = '      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n';
  assert.deepEqual(findings(job(checkout + push + upload), 'iac/gha-checkout-persist-credentials').map((f) => f.severity), ['high']);
});

test('unpinned action: the SLSA generator reusable workflow called by a release tag is info, with the reason; by a branch it stays medium', () => {
  const call = (ref: string) => `name: release\non: push\npermissions: {}\njobs:\n  provenance:\n    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@${ref}\n`;
  const [tag] = findings(call('v2.1.0'), 'iac/gha-unpinned-action');
  assert.equal(tag!.severity, 'info');
  assert.match(tag!.message, /by tag, as it must/);
  assert.deepEqual(findings(call('main'), 'iac/gha-unpinned-action').map((f) => f.severity), ['medium']);
});

test('untrusted checkout: a step output holding the pull request head is critical, high when an author_association check gates the job', () => {
  const steps = "      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number });\n            core.setOutput('head', data.head.sha);\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: ${{ steps.pr.outputs.head }}\n      - run: make compare\n";
  const wf = (condition: string) => `name: compare\non:\n  issue_comment:\n    types: [created]\npermissions: read-all\njobs:\n  compare:\n${condition}    runs-on: ubuntu-latest\n    steps:\n${steps}`;
  assert.deepEqual(findings(wf(''), 'iac/gha-untrusted-checkout').map((f) => [f.location.startLine, f.severity]), [[18, 'critical']]);
  const gated = findings(wf("    if: contains(fromJSON('[\"OWNER\", \"MEMBER\"]'), github.event.comment.author_association)\n"), 'iac/gha-untrusted-checkout');
  assert.deepEqual(gated.map((f) => f.severity), ['high']);
  assert.match(gated[0]!.message, /author_association/);
});

test('untrusted checkout: an earlier step that stops the job for untrusted author_association also gates it', () => {
  const wf = "name: compare\non: issue_comment\npermissions: read-all\njobs:\n  compare:\n    runs-on: ubuntu-latest\n    steps:\n      - id: pr\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            if (!['OWNER', 'MEMBER'].includes(context.payload.comment.author_association)) { core.setFailed('no'); return; }\n            const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number });\n            core.setOutput('head_commit', data.head.sha);\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: ${{ steps.pr.outputs.head_commit }}\n      - run: make\n";
  assert.deepEqual(findings(wf, 'iac/gha-untrusted-checkout').map((f) => [f.location.startLine, f.severity]), [[17, 'high']]);
  // The message names the step that checks, not only its job.
  assert.match(findings(wf, 'iac/gha-untrusted-checkout')[0]!.message, /but an earlier step \(job compare step "pr"\) checks /);
});

test('dangerous-trigger: severity follows what the workflow does with the event, on the trigger line', () => {
  const fixture = (name: string) => readFileSync(fixturePath('iac', 'gha-dangerous-trigger', name), 'utf8');
  const got = (name: string) => findings(fixture(name), 'iac/gha-dangerous-trigger').map((f) => [f.location.startLine, f.severity]);
  assert.deepEqual(got('label-only.yml'), [[3, 'low']]);
  assert.deepEqual(got('base-checkout.yml'), [[2, 'medium']]);
  assert.deepEqual(got('head-checkout.yml'), [[2, 'high']]);
  assert.deepEqual(got('run-artifacts.yml'), [[3, 'high']]);
  assert.deepEqual(got('gh-pr-checkout.yml'), [[2, 'high']]);
  // The pull request's commits fetched only to be compared with the base: the work tree stays the base's.
  const fetch = (then: string) =>
    findings(job(`      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n      - run: git fetch origin refs/pull/\${{ github.event.number }}/merge:pr-merge\n      - run: ${then}\n`, 'pull_request_target'), 'iac/gha-dangerous-trigger').map((f) => f.severity);
  assert.deepEqual(fetch('git diff --quiet "origin/$BASE_REF"..pr-merge -- schema.json || echo changed'), ['medium']);
  assert.deepEqual(fetch('git checkout pr-merge && make test'), ['high']);
  // A pull request title expanded into a script runs the event's text as code.
  const injected = findings(job('      - run: echo "${{ github.event.pull_request.title }}"\n', 'pull_request_target'), 'iac/gha-dangerous-trigger');
  assert.deepEqual(injected.map((f) => f.severity), ['high']);
  assert.match(injected[0]!.message, /expands github\.event\.pull_request\.title into a script/);
  // So does the title written to GITHUB_ENV through a variable: every later step runs with it.
  const env = findings(job('      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: |\n          name=$(echo "$TITLE" | cut -c1-20)\n          echo "NAME=$name" >> "$GITHUB_ENV"\n', 'pull_request_target'), 'iac/gha-dangerous-trigger');
  assert.deepEqual(env.map((f) => f.severity), ['high']);
  // A literal written to GITHUB_ENV, and the title only echoed: nothing runs the event's text.
  const literal = findings(job('      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: |\n          echo "$TITLE"\n          echo "MODE=fast" >> "$GITHUB_ENV"\n', 'pull_request_target'), 'iac/gha-dangerous-trigger');
  assert.deepEqual(literal.map((f) => f.severity), ['low']);
});

test('a step written as an alias (- *name) is reported on its own entry, not on its anchor', () => {
  const text = readFileSync(fixturePath('iac', 'gha-anchors', 'aliased-steps.yml'), 'utf8');
  const lines = (ruleId: string) => findings(text, ruleId).map((f) => f.location.startLine).sort((a, b) => a - b);
  assert.deepEqual(lines('iac/gha-unpinned-action'), [8, 10]);
  assert.deepEqual(lines('iac/gha-checkout-persist-credentials'), [8, 10]);
  assert.deepEqual(lines('iac/gha-template-injection'), [12, 13]);
});

test('secrets: inherit is low for a reusable workflow of this repository (./ or the $/ self form), medium for one of another', () => {
  const wf = [
    'name: ci', //1
    'on: push', //2
    'permissions: {}', //3
    'jobs:', //4
    '  build:', //5
    '    uses: ./.github/workflows/build.yml', //6
    '    secrets: inherit', //7
    '  deploy:', //8
    '    uses: example/workflows/.github/workflows/deploy.yml@11bd71901bbe5b1630ceea73d27597364c9af683', //9
    '    secrets: inherit', //10
    '  docs:', //11
    '    uses: $/.github/workflows/docs.yml', //12
    '    secrets: inherit', //13
    '',
  ].join('\n');
  assert.deepEqual(findings(wf, 'iac/gha-all-secrets-exposed').map((f) => [f.location.startLine, f.severity]), [[7, 'low'], [10, 'medium'], [13, 'low']]);
});

test('hardcoded secret: low beside a host on the runner itself, high otherwise', () => {
  const key = 'SECRET_' + 'ACCESS_KEY';
  const wf = job(
    [
      '      - env:', //8
      '          STORE_HOST: 127.0.0.1', //9
      `          ${key}: store-dev-` + 'k3y9', //10
      '        run: ./start-store.sh', //11
      '      - env:', //12
      '          DATABASE_URL: postgres://db.example.org:5432/app', //13
      `          ${key}: store-prod-` + 'k3y9', //14
      '        run: ./deploy.sh', //15
      '',
    ].join('\n'),
  );
  assert.deepEqual(findings(wf, 'iac/gha-hardcoded-secret').map((f) => [f.location.startLine, f.severity]), [[10, 'low'], [14, 'high']]);
});

test('hardcoded secret: low beside a host or socket setting that is a path, a Unix socket of a server on the runner', () => {
  const key = 'APP_DB_PASSWORD';
  const step = (host: string) => job(`      - run: make test\n        env:\n          APP_DB_HOST: ${host}\n          ${key}: ci-db-` + 'p4ss\n');
  assert.deepEqual(findings(step('/var/run/postgresql'), 'iac/gha-hardcoded-secret').map((f) => f.severity), ['low']);
  assert.match(findings(step('/var/run/postgresql'), 'iac/gha-hardcoded-secret')[0]!.message, /server on the runner itself \(APP_DB_HOST: \/var\/run\/postgresql\)/);
  // A host name is no path: the server may be anywhere.
  assert.deepEqual(findings(step('db.example.org'), 'iac/gha-hardcoded-secret').map((f) => f.severity), ['high']);
});

test('secret in run: high only when echo, printf or cat writes it to the job log, not into a file or a login reading standard input', () => {
  const severity = (script: string) => findings(job(`      - run: |\n${script.split('\n').map((l) => `          ${l}`).join('\n')}\n`), 'iac/gha-secret-in-run').map((f) => f.severity);
  assert.deepEqual(severity('echo "${{ secrets.TOKEN }}"'), ['high']);
  assert.deepEqual(severity('echo "${{ secrets.TOKEN }}" | base64 -d'), ['high']);
  assert.deepEqual(severity('echo "${{ secrets.TOKEN }}" >&2'), ['high']);
  assert.deepEqual(severity('echo "${{ secrets.TOKEN }}" | \\\n  helm registry login ghcr.io -u bot --password-stdin'), ['medium']);
  assert.deepEqual(severity('echo "${{ secrets.TOKEN }}" | gh auth login --with-token'), ['medium']);
  assert.deepEqual(severity('echo "//registry.example.org/:_authToken=${{ secrets.TOKEN }}" > ~/.npmrc'), ['medium']);
  assert.deepEqual(severity('./release.sh --token ${{ secrets.TOKEN }}'), ['medium']);
});

test('secret in run: a PowerShell step prints with Write-Host, Write-Output or a bare expression, not when assigned, piped on or redirected', () => {
  const windows = (script: string) => `name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: windows-latest\n    steps:\n      - run: |\n${script.split('\n').map((l) => `          ${l}`).join('\n')}\n`;
  const severity = (script: string) => findings(windows(script), 'iac/gha-secret-in-run').map((f) => f.severity);
  assert.deepEqual(severity('Write-Host "token=${{ secrets.TOKEN }}"'), ['high']);
  assert.deepEqual(severity('Write-Output "${{ secrets.TOKEN }}" | Format-List'), ['high']);
  assert.deepEqual(severity('"${{ secrets.TOKEN }}"'), ['high']);
  assert.deepEqual(severity('$token = "${{ secrets.TOKEN }}"'), ['medium']);
  assert.deepEqual(severity('"${{ secrets.TOKEN }}" | gh auth login --with-token'), ['medium']);
  assert.deepEqual(severity('Write-Output "//registry.example.org/:_authToken=${{ secrets.TOKEN }}" > .npmrc'), ['medium']);
  assert.deepEqual(severity('Write-Host "building" # ${{ secrets.TOKEN }}\n./release.ps1 -Token ${{ secrets.TOKEN }}'), ['medium']);
  // shell: pwsh on a Linux runner is PowerShell too.
  assert.deepEqual(findings(job('      - shell: pwsh\n        run: Write-Host "${{ secrets.TOKEN }}"\n'), 'iac/gha-secret-in-run').map((f) => f.severity), ['high']);
});

test('secret in run: one finding a step, naming each secret once with its line, high when one is printed', () => {
  const script = (lines: string[]) => job(`      - run: |\n${lines.map((l) => `          ${l}`).join('\n')}\n`);
  const found = findings(script(['docker login -u ${{ secrets.USER }} -p ${{ secrets.PASS }}', 'echo ${{ secrets.PASS }}', 'curl -H "X: ${{ secrets.KEY }}" https://example.org']), 'iac/gha-secret-in-run');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.severity, 'high');
  assert.match(found[0]!.message, /writes \$\{\{ secrets\.USER \}\} \(line \d+\), \$\{\{ secrets\.PASS \}\} \(line \d+\), \$\{\{ secrets\.KEY \}\} \(line \d+\) into its script and prints \$\{\{ secrets\.PASS \}\}; pass them through env: instead\.$/);
  assert.equal(findings(script(['./a.sh ${{ secrets.A }}', './b.sh ${{ secrets.B }}']), 'iac/gha-secret-in-run')[0]!.severity, 'medium');
});

test('secret in run: a step whose every secret is named as an identifier (client, tenant, account id) is low', () => {
  const script = (lines: string[]) => job(`      - run: |\n${lines.map((l) => `          ${l}`).join('\n')}\n`);
  const found = findings(script(['if [ "${{ secrets.AZURE_CLIENT_ID }}" != "" ]; then echo ok; fi', 'aws ecr get-login-password | docker login --password-stdin ${{ secrets.AWS_ACCOUNT_ID }}.dkr.ecr.eu-west-1.amazonaws.com']), 'iac/gha-secret-in-run');
  assert.deepEqual(found.map((f) => f.severity), ['low']);
  assert.match(found[0]!.message, /they name identifiers, not credentials, but pass them through env: all the same\.$/);
  // Printed, it is still an identifier.
  assert.deepEqual(findings(script(['echo ${{ secrets.ARM_TENANT_ID }}']), 'iac/gha-secret-in-run').map((f) => f.severity), ['low']);
  // Beside a credential, the step keeps the credential's severity; an id that opens a longer name is no identifier.
  assert.deepEqual(findings(script(['az login -u ${{ secrets.ARM_CLIENT_ID }} -p ${{ secrets.ARM_CLIENT_SECRET }}']), 'iac/gha-secret-in-run').map((f) => f.severity), ['medium']);
  assert.deepEqual(findings(script(['./a.sh ${{ secrets.CLIENT_ID_KEY }}', './b.sh ${{ secrets.AWS_ACCESS_KEY_ID }}']), 'iac/gha-secret-in-run').map((f) => f.severity), ['medium']);
});

test('untrusted checkout: the message names a write token only when the job\'s token may write', () => {
  const wf = (permissions: string) =>
    `name: pr\non: pull_request_target\n${permissions}jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n      - run: make\n`;
  const message = (text: string) => findings(text, 'iac/gha-untrusted-checkout')[0]?.message ?? '';
  assert.match(message(wf('permissions:\n  contents: read\n')), /runs with secrets\.$/);
  assert.match(message(wf('')), /runs with secrets and a write token\.$/);
});

test('a file of .github/workflows that parses but is no workflow GitHub accepts is warned about, not skipped quietly', () => {
  const warnings = (path: string, text: string) => {
    const said: string[] = [];
    analyseFile(path, text, (w) => said.push(`${w.line ?? ''} ${w.message}`), 'github-actions');
    return said;
  };
  assert.deepEqual(warnings('.github/workflows/ci.yml', 'name: ci\non: push\n'), ['1 the file has no jobs: GitHub rejects it as a workflow, so it is not checked']);
  assert.deepEqual(warnings('.github/workflows/ci.yml', 'name: ci\non: push\njobs:\n  - build\n'), ['3 its jobs are not a mapping of job ids: GitHub rejects it as a workflow, so it is not checked']);
  assert.deepEqual(warnings('.github/workflows/ci.yml', '- a\n- b\n'), ['1 the file is not a mapping of workflow keys: GitHub rejects it as a workflow, so it is not checked']);
  // Broken YAML is said once, by the parser; a file outside .github/workflows is not judged a workflow.
  assert.equal(warnings('.github/workflows/ci.yml', 'jobs: [\n').length, 1);
  assert.deepEqual(warnings('ci/pipeline.yml', 'name: ci\non: push\n'), []);
});

test('dangerous trigger: the message names the step that downloads the artifacts, not one that only lists them', () => {
  const wf = `name: deploy\non:\n  workflow_run:\n    workflows: [build]\n    types: [completed]\npermissions: {}\njobs:\n  find:\n    runs-on: ubuntu-latest\n    outputs:\n      id: \${{ steps.find.outputs.result }}\n    steps:\n      - id: find\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const all = await github.rest.actions.listWorkflowRunArtifacts({ owner: context.repo.owner, repo: context.repo.repo, run_id: context.payload.workflow_run.id });\n            return all.data.artifacts[0].id;\n  deploy:\n    needs: find\n    runs-on: ubuntu-latest\n    steps:\n      - name: fetch\n        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        env:\n          ID: \${{ needs.find.outputs.id }}\n        with:\n          script: |\n            const zip = await github.rest.actions.downloadArtifact({ owner: context.repo.owner, repo: context.repo.repo, artifact_id: Number(process.env.ID), archive_format: 'zip' });\n      - run: ./publish.sh\n`;
  const [hit] = findings(wf, 'iac/gha-dangerous-trigger');
  assert.equal(hit!.severity, 'high');
  assert.match(hit!.message, /job deploy step "fetch" downloads artifacts of another run/);
  // Listing alone, with nothing downloading after it, still counts (it finds what something fetches).
  const listOnly = wf.replace(/      - name: fetch[\s\S]*archive_format: 'zip' \}\);\n/, '');
  assert.match(findings(listOnly, 'iac/gha-dangerous-trigger')[0]!.message, /job find step "find" downloads artifacts of another run/);
});

test('template injection: a context no trigger of the workflow carries expands to nothing, so it is low and the message says so', () => {
  const run = '      - run: echo "${{ github.event.head_commit.message }} ${{ github.event.issue.title }}"\n';
  const got = (on: string) => findings(job(run, on), 'iac/gha-template-injection').map((f) => `${f.severity} ${f.message.replace(/^.* expands /, '')}`);
  // A release and a dispatch carry neither a head commit nor an issue.
  assert.deepEqual(got('[release, workflow_dispatch]'), [
    "low github.event.head_commit.message (empty for this workflow's triggers: only push events carry it) into its shell script; pass it through env: and quote it.",
    "low github.event.issue.title (empty for this workflow's triggers: only issues and issue_comment events carry it) into its shell script; pass it through env: and quote it.",
  ]);
  // A push carries the head commit; an issue comment the issue.
  assert.deepEqual(got('[push, issue_comment]').map((g) => g.split(' ')[0]), ['high', 'critical']);
  // A reusable workflow runs on its caller's event, which may carry either.
  assert.deepEqual(findings(job(run, 'workflow_call'), 'iac/gha-template-injection').map((f) => f.severity), ['high', 'high']);
});

test('untrusted checkout: an earlier step that only records the user\'s permission in an output (and fails nothing) is no gate', () => {
  const wf = (check: string) =>
    `name: compare\non: issue_comment\npermissions: read-all\njobs:\n  compare:\n    runs-on: ubuntu-latest\n    steps:\n      - id: perm\n        env:\n          GH_TOKEN: \${{ github.token }}\n        run: |\n          PERM=$(gh api "repos/\${{ github.repository }}/collaborators/$AUTHOR/permission" --jq .permission || echo none)\n${check}\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: refs/pull/\${{ github.event.issue.number }}/head\n      - run: make\n`;
  const severities = (check: string) => findings(wf(check), 'iac/gha-untrusted-checkout').map((f) => f.severity);
  assert.deepEqual(severities('          case "$PERM" in write|admin) echo "allowed=true" >> "$GITHUB_OUTPUT" ;; esac'), ['critical']);
  assert.deepEqual(severities('          case "$PERM" in write|admin) ;; *) exit 1 ;; esac'), ['high']);
  // checkCollaborator answers 404 for an outsider, and Octokit throws: the step fails, unless the script catches it.
  const script = (body: string) =>
    `name: compare\non: issue_comment\npermissions: read-all\njobs:\n  compare:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n${body}\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: refs/pull/\${{ github.event.issue.number }}/head\n      - run: make\n`;
  const check = '            await github.rest.repos.checkCollaborator({ ...context.repo, username: context.actor });';
  assert.deepEqual(findings(script(check), 'iac/gha-untrusted-checkout').map((f) => f.severity), ['high']);
  assert.deepEqual(findings(script(`            try {\n  ${check}\n            } catch { core.setOutput('member', 'false'); }`), 'iac/gha-untrusted-checkout').map((f) => f.severity), ['critical']);
});

test('steps of a parallel: group are checked in their place, with the outputs they write', () => {
  const steps =
    "      - parallel:\n          - id: meta\n            env:\n              TITLE: ${{ github.event.issue.title }}\n            run: echo \"title=$TITLE\" >> \"$GITHUB_OUTPUT\"\n          - uses: actions/setup-node@v4\n      - run: ./label.sh \"${{ steps.meta.outputs.title }}\"\n";
  assert.deepEqual(findings(job(steps, 'issues'), 'iac/gha-template-injection').map((f) => f.location.startLine), [14]);
  assert.deepEqual(findings(job(steps, 'issues'), 'iac/gha-unpinned-action').map((f) => f.location.startLine), [13]);
});

test('hardcoded secret: the signing secret of the application a test job runs is low; in a job that is no test it stays high', () => {
  const wf = (id: string, run: string) => `name: ci\non: pull_request\npermissions: {}\njobs:\n  ${id}:\n    runs-on: ubuntu-latest\n    env:\n      NEXTAUTH_SECRET: supersecret\n    steps:\n      - run: ${run}\n`;
  const low = findings(wf('e2e', 'pnpm build && pnpm start & pnpm test:e2e'), 'iac/gha-hardcoded-secret');
  assert.deepEqual(low.map((f) => f.severity), ['low']);
  assert.match(low[0]!.message, /test job runs on the runner/);
  assert.deepEqual(findings(wf('build', 'pnpm build'), 'iac/gha-hardcoded-secret').map((f) => f.severity), ['high']);
  // Other credentials of a test job are still credentials.
  assert.deepEqual(findings(wf('e2e', 'pnpm test').replace('NEXTAUTH_SECRET', 'STRIPE_API_KEY'), 'iac/gha-hardcoded-secret').map((f) => f.severity), ['high']);
});

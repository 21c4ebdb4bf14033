import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

const CHECKOUT = '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n';

/** A pull_request_target workflow whose one job checks out the pull request's head (line 11; 12 with a job `if:`) and then runs `after`. */
function workflow(after: string, jobExtra = ''): string {
  return `name: pr\non: pull_request_target\npermissions:\n  contents: read\njobs:\n  check:\n    runs-on: ubuntu-latest\n${jobExtra}    steps:\n${CHECKOUT}${after}`;
}

function checkout(source: string): Array<{ line: number; severity: string; nothingRuns: boolean }> {
  return analyseFile('.github/workflows/pr.yml', source, () => {}, 'github-actions')
    .findings.filter((f) => f.ruleId === 'iac/gha-untrusted-checkout')
    .map((f) => ({ line: f.location.startLine, severity: f.severity, nothingRuns: /nothing of the pull request runs yet/.test(f.message) }));
}

describe('iac/gha-untrusted-checkout: whether a later step runs the checked-out code', () => {
  it('critical when a later step installs, builds, tests or runs a script of the tree', () => {
    for (const after of [
      '      - run: npm ci && npm test\n',
      '      - run: ./scripts/check.sh\n',
      '      - run: make lint\n',
      '      - run: python -m pytest\n',
      '      - uses: ./.github/actions/build\n',
      '      - uses: gradle/actions/setup-gradle@v4\n      - run: echo done\n',
      '      - run: echo "$(./version.sh)" >> "$GITHUB_OUTPUT"\n',
      '      - run: find . -name "*.sh" -exec {} \\;\n',
      '      - run: git submodule foreach ./init.sh\n',
      '      - run: Get-ChildItem\n        shell: pwsh\n',
      // A variable or PATH entry written from the tree steers every later program, `cat` included.
      '      - run: cat ci/env.txt >> "$GITHUB_ENV"\n      - run: cat README.md\n',
      '      - run: echo "$PWD/bin" >> "$GITHUB_PATH"\n',
      // A docker:// step runs the image's entrypoint on the mounted workspace: unknown images, and known commands that run the tree.
      '      - uses: docker://example.org/builder:1\n',
      '      - uses: docker://alpine:3.20\n        with:\n          args: sh ./ci/check.sh\n',
      '      - uses: docker://docker\n        with:\n          args: docker build .\n',
      '      - uses: docker://example.org/tools:1\n        with:\n          entrypoint: make\n          args: test\n',
      '      - run: docker run -v "$PWD:/src" -w /src node:22 npm test\n',
      '      - run: semgrep ci --dangerously-allow-arbitrary-code-execution-from-rules\n',
    ])
      assert.deepEqual(checkout(workflow(after)), [{ line: 11, severity: 'critical', nothingRuns: false }], after);
  });

  it('high when the checkout is the last step, or every later step only reads, compares, uploads or reports', () => {
    for (const after of [
      '',
      '      - run: git diff --name-only origin/main...HEAD > changed.txt\n      - run: grep -c TODO src/*.js | tee todo.txt\n',
      '      - run: jq .version package.json\n      - uses: actions/upload-artifact@b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882 # v4.4.3\n        with:\n          name: files\n          path: dist/\n',
      '      - run: |\n          count=$(ls docs | wc -l)\n          gh pr comment "$PR" --body "docs: $count files"\n',
      // The image's command is known and runs nothing of the tree: docker restarting a container, a static analyser.
      '      - uses: docker://docker\n        with:\n          args: docker restart scanner\n      - run: semgrep ci --config=/mnt/rules.yaml\n',
      '      - uses: docker://docker.io/library/alpine:3.20@sha256:0d1c1e5a3b4e8f2f7f5d3d6a0c1e9b3a7a1c2f1e4d5b6c7d8e9f0a1b2c3d4e5f\n        with:\n          args: ls -la\n',
      '      - run: docker logs scanner && docker stop scanner\n',
    ])
      assert.deepEqual(checkout(workflow(after)), [{ line: 11, severity: 'high', nothingRuns: true }], after);
  });

  it('a PowerShell script on a Windows runner counts as running code', () => {
    assert.deepEqual(checkout(workflow('      - run: Get-Content README.md\n').replace('ubuntu-latest', 'windows-latest')), [{ line: 11, severity: 'critical', nothingRuns: false }]);
  });

  it('behind a maintainer gate: high when a later step runs the code, medium when none does', () => {
    const gate = "    if: github.event.label.name == 'safe to test'\n";
    assert.deepEqual(checkout(workflow('      - run: npm test\n', gate)), [{ line: 12, severity: 'high', nothingRuns: false }]);
    assert.deepEqual(checkout(workflow('      - run: cat README.md\n', gate)), [{ line: 12, severity: 'medium', nothingRuns: true }]);
  });
});

/** A workflow_run workflow (for a pull_request upstream) that downloads the triggering run's artifacts, then runs `after`. */
function artifactWorkflow(after: string): string {
  return (
    'name: comment\non:\n  workflow_run:\n    workflows: [build]\n    types: [completed]\npermissions:\n  pull-requests: write\njobs:\n  comment:\n    runs-on: ubuntu-latest\n    steps:\n' +
    '      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n        with:\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n' +
    after
  );
}

function trigger(source: string): Array<{ severity: string; onlyRead: boolean }> {
  return analyseFile('.github/workflows/comment.yml', source, () => {}, 'github-actions')
    .findings.filter((f) => f.ruleId === 'iac/gha-dangerous-trigger')
    .map((f) => ({ severity: f.severity, onlyRead: /no later step of its job runs those files/.test(f.message) }));
}

describe('iac/gha-dangerous-trigger: artifacts of another run that are only read', () => {
  it('medium when the rest of the job only unzips, reads and comments', () => {
    const comment = "      - run: unzip -o diff.zip && wc -l diff.txt\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const fs = require('fs');\n            const body = fs.readFileSync('diff.txt', 'utf8');\n            await github.rest.issues.createComment({ ...context.repo, issue_number: 1, body });\n";
    assert.deepEqual(trigger(artifactWorkflow(comment)), [{ severity: 'medium', onlyRead: true }]);
  });

  it('high when a later step runs a file, or a github-script loads or executes one', () => {
    for (const after of [
      '      - run: ./apply.sh\n',
      "      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            const post = require('./post.js');\n            await post(github, context);\n",
      "      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: |\n            await exec.exec('bash', ['report.sh']);\n",
    ])
      assert.deepEqual(trigger(artifactWorkflow(after)), [{ severity: 'high', onlyRead: false }], after);
  });
});

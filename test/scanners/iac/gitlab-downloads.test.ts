import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';

const download = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-download-unverified')!;
const messages = (lines: string[]) => {
  const p = readPipeline(lines.join('\n') + '\n', () => {})!;
  return [...download.check(p)].map((hit) => hit.message);
};

test("a program a virtualenv's activate script puts on PATH is named with the line that does, not as run by it", () => {
  const job = [
    'macos:',
    '  variables:',
    '    CCACHE_URL: https://example.org/ccache/releases/download/v4.9/ccache-4.9-darwin.tar.gz',
    '  before_script:',
    '    - python3 -m venv .venv',
    '    - curl -L $CCACHE_URL | tar -C .venv/bin -xz --strip-components=1 ccache-4.9-darwin/ccache',
    '    - source .venv/bin/activate',
    '    - pip3 install meson==1.8.0',
  ];
  assert.deepEqual(messages([...job, '  script:', '    - meson setup _build']), [
    "job macos downloads $CCACHE_URL with curl (line 6) and puts it on PATH on line 7 (source .venv/bin/activate) with no checksum or signature check; verify a pinned sha256 or the publisher's signature first.",
  ]);
  assert.deepEqual(messages([...job, '  script:', '    - ccache --zero-stats']), [
    "job macos downloads $CCACHE_URL with curl (line 6) and runs it on line 10 (ccache --zero-stats) with no checksum or signature check; verify a pinned sha256 or the publisher's signature first.",
  ]);
});

test("another project's job artifacts are named with the project, branch and job that built them", () => {
  assert.deepEqual(
    messages([
      'fedora-test:',
      '  script:',
      "    - 'wget -O deps.zip https://example.org/group/deps/-/jobs/artifacts/master/download?job=Linux+64+rpm'",
      '    - unzip deps.zip',
      '    - dnf install ./*.rpm -y',
    ]),
    [
      'job fedora-test downloads deps.zip (the artifacts of job "Linux 64 rpm" of group/deps at master) with wget (line 3) and runs it on line 5 (dnf install ./*.rpm -y) with no checksum or signature check; verify a pinned sha256 or the publisher\'s signature first.',
    ],
  );
});

test("another project's job artifacts that needs: brings are followed as a download; the pipeline's own, or with artifacts: false, are not", () => {
  const job = (need: string[]) => ['deploy:', '  needs:', ...need, '  script:', '    - dpkg -i build/*.deb', '    - ./ci/deploy.sh'];
  assert.deepEqual(messages(job(['    - project: group/deps', '      job: package', '      ref: main'])), [
    'job deploy takes the artifacts of job "package" of group/deps at main with needs: project (line 3) and runs it on line 7 (dpkg -i build/*.deb) with no checksum or signature check; verify a pinned sha256 or the publisher\'s signature first.',
  ]);
  assert.deepEqual(messages(job(['    - project: $CI_PROJECT_PATH', '      job: package', '      ref: main'])), []);
  assert.deepEqual(messages(job(['    - project: group/deps', '      job: package', '      ref: main', '      artifacts: false'])), []);
  assert.deepEqual(messages(job(['    - build'])), []);
});

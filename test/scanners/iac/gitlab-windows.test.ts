import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPipeline } from '../../../src/scanners/iac/gitlab/pipeline.js';
import { onWindows } from '../../../src/scanners/iac/gitlab/runners.js';
import { gitlabPlatform } from '../../../src/scanners/iac/gitlab/rules.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

function parse(lines: string[]) {
  const warnings: string[] = [];
  const pipeline = readPipeline(lines.join('\n') + '\n', (line, message) => warnings.push(`${line}: ${message}`));
  assert.deepEqual(warnings, []);
  return pipeline!;
}

const windowsJobs = (lines: string[]) => {
  const p = parse(lines);
  return p.jobs.filter((job) => onWindows(p, job)).map((job) => job.name);
};

test('a Windows runner: by its tag (own, extended, default:, a variable), or a Windows image', () => {
  assert.deepEqual(
    windowsJobs([
      'stages: [build]',
      'variables:',
      '  WINDOWS_TAG: windows-1809',
      '.win:',
      '  tags: [saas-windows-medium-amd64]',
      'hosted:',
      '  extends: .win',
      '  script: [make]',
      'gnome:',
      '  tags: [win32-ps]',
      '  script: [make]',
      'by-variable:',
      '  tags: [$WINDOWS_TAG]',
      '  script: [make]',
      'servercore:',
      '  image: mcr.microsoft.com/windows/servercore:ltsc2022',
      '  script: [make]',
      'golang-windows:',
      '  image: golang:1.22-windowsservercore-ltsc2022',
      '  script: [make]',
      // Linux: a Linux PowerShell image, a cross-compiling image, tags with "win" inside a word, no tags.
      'pwsh-linux:',
      '  image: mcr.microsoft.com/powershell:7.4-ubuntu-22.04',
      '  script: [make]',
      'cross:',
      '  image: registry.example.org/tools/windows-cross:1.2',
      '  tags: [twin-builder, winter]',
      '  script: [make]',
      'plain:',
      '  script: [make]',
    ]),
    ['.win', 'hosted', 'gnome', 'by-variable', 'servercore', 'golang-windows'],
  );
  // default: tags count, unless the job does not inherit them.
  assert.deepEqual(
    windowsJobs(['stages: [build]', 'default:', '  tags: [shared-windows]', 'build:', '  script: [make]', 'linux:', '  inherit:', '    default: false', '  script: [make]']),
    ['build'],
  );
});

test('a template is on Windows when every job that takes it is', () => {
  assert.deepEqual(
    windowsJobs([
      'stages: [build]',
      '.setup:',
      '  before_script: [choco install -y 7zip]',
      '.shared:',
      '  before_script: [make deps]',
      'win:',
      '  extends: .setup',
      '  tags: [windows]',
      '  script: [make]',
      'win-too:',
      '  tags: [windows]',
      '  before_script:',
      '    - !reference [.shared, before_script]',
      '  script: [make]',
      'linux:',
      '  extends: .shared',
      '  script: [make]',
    ]),
    ['.setup', 'win', 'win-too'],
  );
});

const download = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-download-unverified')!;
const downloads = (source: string) => {
  const p = readPipeline(source, () => {})!;
  return [...download.check(p)].map((hit) => hit.line);
};

test('a Windows job\'s download and run are read as PowerShell; the same lines in a Linux job are not', () => {
  const script = ['  script:', '    - Invoke-WebRequest -Uri https://example.org/releases/tool-1.2.0.zip -OutFile tool.zip', '    - Expand-Archive tool.zip -DestinationPath tool', '    - .\\tool\\tool.exe check'];
  assert.deepEqual(downloads(['stages: [build]', 'win:', '  tags: [windows]', ...script, ''].join('\n')), [4]);
  assert.deepEqual(downloads(['stages: [build]', 'linux:', ...script, ''].join('\n')), []);
  // Checked with Get-FileHash against a pinned digest.
  const checked = ['    - if ((Get-FileHash tool.zip).Hash -ne "0000000000000000000000000000000000000000000000000000000000000000") { throw "bad" }'];
  assert.deepEqual(downloads(['stages: [build]', 'win:', '  tags: [windows]', ...script.slice(0, 2), ...checked, ...script.slice(2), ''].join('\n')), []);
});

test('a Windows job through a template of an included file', async () => {
  const t = tempTree({
    '.gitlab-ci.yml': 'include:\n  - local: ci/windows.yml\nstages: [build]\ninstall:\n  extends: .windows\n  script:\n    - Invoke-WebRequest -Uri https://example.org/setup-1.2.0.exe -OutFile setup.exe\n    - Start-Process .\\setup.exe -Wait\n',
    'ci/windows.yml': '.windows:\n  tags: [saas-windows-medium-amd64]\n',
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === 'iac/gitlab-download-unverified').map((f) => `${f.location.path}:${f.location.startLine}`),
      ['.gitlab-ci.yml:6'],
    );
  } finally {
    t.cleanup();
  }
});

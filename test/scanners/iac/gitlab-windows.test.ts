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

/** What the GitLab rules report in a pipeline, as `rule:line` (the script line, for a finding on a `script:` key). */
const reported = (lines: string[]) => {
  const p = parse(lines);
  return gitlabPlatform.rules.flatMap((rule) => [...rule.check(p)].map((hit) => `${rule.id.replace('iac/gitlab-', '')}:${hit.detailLine ?? hit.line}${hit.severity ? `:${hit.severity}` : ''}`)).sort();
};

test('the command-reading rules read a Windows job\'s script as PowerShell', () => {
  const script = [
    '  script:',
    '    - Write-Host "Deploying with $env:DEPLOY_TOKEN"',
    "    - iex ((New-Object System.Net.WebClient).DownloadString('https://example.org/install.ps1'))",
    '    - Invoke-RestMethod -Uri http://example.org/setup.ps1 | Invoke-Expression',
    "    - Invoke-WebRequest -Headers @{ 'JOB-TOKEN' = $env:CI_JOB_TOKEN } -Uri https://hooks.example.org/done",
    '    - $env:NODE_TLS_REJECT_UNAUTHORIZED = "0"',
    "    - 'Get-ChildItem env: | Out-File -FilePath logs\\env.txt'",
    '  artifacts:',
    '    paths:',
    '      - logs/',
  ];
  assert.deepEqual(reported(['stages: [build]', 'win:', '  tags: [windows]', ...script]), [
    'credential-artifact:13',
    'curl-pipe-shell:6',
    'curl-pipe-shell:7:high',
    'job-token-sent-elsewhere:8',
    'secret-printed:5',
    'tls-verification-disabled:9',
  ]);
  const piped = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-curl-pipe-shell')!;
  assert.deepEqual([...piped.check(parse(['stages: [build]', 'win:', '  tags: [windows]', ...script]))].map((hit) => hit.message), [
    'job win runs a downloaded script with Invoke-Expression (line 6).',
    'job win runs a downloaded script with Invoke-Expression, over plain http://, so anyone on the network path can replace what runs (line 7).',
  ]);
  // The same lines in a Linux job's shell print $env, a shell variable, pipe nothing into a shell and set no
  // variable: `$env:NODE_TLS_REJECT_UNAUTHORIZED = "0"` runs a command named after $env's value.
  assert.deepEqual(reported(['stages: [build]', 'linux:', ...script]), []);
});

test('a Windows job prints a CI/CD variable by its name in the script too: GitLab\'s runner sets both', () => {
  const p = parse(['stages: [build]', 'win:', '  tags: [windows]', '  script:', '    - echo "token $DEPLOY_TOKEN"', '    - Write-Host ${env:SIGNING_KEY}']);
  const rule = gitlabPlatform.rules.find((r) => r.id === 'iac/gitlab-secret-printed')!;
  assert.deepEqual([...rule.check(p)].map((hit) => hit.message), [
    'job win prints $DEPLOY_TOKEN (line 5) to the job log; a secret that is not masked appears there in clear.',
    'job win prints $env:SIGNING_KEY (line 6) to the job log; a secret that is not masked appears there in clear.',
  ]);
});

test('what a Windows job does not print, nor pipe into a shell', () => {
  assert.deepEqual(
    reported([
      'stages: [build]',
      'win:',
      '  tags: [windows]',
      '  script:',
      "    - Write-Host 'literal $env:DEPLOY_TOKEN'",
      '    - Write-Host "length $($env:DEPLOY_TOKEN.Length)"',
      '    - $token = Write-Output $env:DEPLOY_TOKEN',
      '    - Write-Output $env:REGISTRY_PASSWORD | docker login -u ci --password-stdin registry.example.org',
      '    - Write-Output "$env:API_TOKEN" > token.txt',
      // Set-Variable, not the shell builtin that lists variables.
      '    - set',
      '    - $release = Invoke-RestMethod -Uri https://example.org/api/releases/latest',
      '    - Invoke-WebRequest -Uri https://example.org/tool-1.2.0.zip -OutFile tool.zip',
    ]),
    [],
  );
});

test('a Windows job\'s bash -c text is read as POSIX shell, with PowerShell\'s variables expanded first', () => {
  assert.deepEqual(
    reported([
      'stages: [build]',
      'msys2:',
      '  tags: [win32-ps]',
      '  variables:',
      '    CHERE_INVOKING: "yes"',
      '  script:',
      '    - C:\\msys64\\usr\\bin\\bash -lc "curl -sSL https://example.org/setup.sh | bash"',
      "    - C:\\msys64\\usr\\bin\\bash -lc 'echo $DEPLOY_TOKEN'",
      '    - C:\\msys64\\usr\\bin\\bash -lc "echo $env:SIGNING_KEY"',
      // PowerShell expands $DEPLOY_TOKEN (GitLab's runner sets each variable in the script too) before bash reads the text, and leaves out its own $null.
      '    - C:\\msys64\\usr\\bin\\bash -lc "echo $DEPLOY_TOKEN"',
      '    - C:\\msys64\\usr\\bin\\bash -lc "echo $null"',
      '    - C:\\msys64\\usr\\bin\\bash -lc "bash -x ./ci/test-msys2.sh"',
      '    - C:\\msys64\\usr\\bin\\bash -lc "curl -fsSLo tool.sh https://example.org/tool.sh && bash tool.sh"',
    ]),
    ['curl-pipe-shell:7', 'download-unverified:13', 'secret-printed:10', 'secret-printed:8', 'secret-printed:9'],
  );
});

test('the POSIX scripts a Windows job runs through bash are read; one PowerShell runs itself is not', async () => {
  const t = tempTree({
    '.gitlab-ci.yml': [
      'stages: [test]',
      'msys2:',
      '  tags: [win32-ps]',
      '  script:',
      '    - C:\\msys64\\usr\\bin\\bash ci/show-env.sh',
      '    - C:\\msys64\\usr\\bin\\bash -lc "bash -x ./ci/test-msys2.sh"',
      // PowerShell opens a file it runs by its path with the program Windows associates with it.
      '    - ./ci/direct.sh',
      '',
    ].join('\n'),
    'ci/show-env.sh': '#!/bin/bash\nenv\n',
    'ci/test-msys2.sh': '#!/bin/bash\necho "signing with $SIGNING_KEY"\n',
    'ci/direct.sh': '#!/bin/bash\nprintenv\n',
  });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId.startsWith('iac/gitlab-')).map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort(),
      ['iac/gitlab-environment-printed ci/show-env.sh:2', 'iac/gitlab-secret-printed ci/test-msys2.sh:2'],
    );
  } finally {
    t.cleanup();
  }
});

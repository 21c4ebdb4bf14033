import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { downloadRuns, downloadRunsIn, verifies, type ScriptDialect } from '../../../src/scanners/iac/downloads.js';

/** The files a script downloads and runs, as `file -> how`. */
const runs = (script: string) => downloadRuns(script).map((r) => `${r.file} -> ${r.how}`);
const pwsh = (script: string) => downloadRuns(script, 'powershell').map((r) => `${r.program}: ${r.file} -> ${r.how}`);
/** The files the steps of a GitHub job (each a shell of its own, from the workspace root unless it says) download and run, with the step that runs them. */
const steps = (...scripts: Array<string | { text: string; dialect?: ScriptDialect; cwd?: string }>) => {
  const pieces = scripts.map((s) => ({ fresh: true, cwd: '', ...(typeof s === 'string' ? { text: s } : s) }));
  return downloadRunsIn(pieces).map((r) => `${r.file} -> ${r.how} (step ${pieces.indexOf(r.runIn) + 1})`);
};

describe('downloadRuns', () => {
  it('follows a download to the command that runs it', () => {
    assert.deepEqual(runs('curl -fsSLo trigger.rb https://example.org/raw/master/trigger.rb && ruby trigger.rb'), ['trigger.rb -> ruby trigger.rb']);
    assert.deepEqual(runs('curl -o "$HOME/tool" https://example.org/tool; chmod +x "$HOME/tool"; "${HOME}/tool" run'), ['$HOME/tool -> ${HOME}/tool run']);
    assert.deepEqual(runs('curl -fsSLo /tmp/kubectl https://example.org/kubectl && sudo mv /tmp/kubectl /usr/local/bin/\nkubectl version'), ['/tmp/kubectl -> kubectl version']);
    assert.deepEqual(runs('wget -q https://example.org/tool-1.2.3.zip && unzip tool-1.2.3.zip -d /opt/tool && /opt/tool/bin/tool --help'), ['tool-1.2.3.zip -> /opt/tool/bin/tool --help']);
    assert.deepEqual(runs('curl -L https://example.org/hugo_0.1_linux-amd64.tar.gz | tar xz && ./hugo version'), ['hugo_0.1_linux-amd64.tar.gz -> ./hugo version']);
    assert.deepEqual(runs('wget -q https://example.org/curl-static-8.13.0.tar.xz\ntar -xf curl-static-8.13.0.tar.xz\nsudo cp curl /usr/bin\ncurl -V'), ['curl-static-8.13.0.tar.xz -> curl -V']);
  });

  it('reports the downloads one command installs once, by a pattern too', () => {
    const found = downloadRuns('wget https://example.org/a/zlib-1.3.rpm\nwget https://example.org/b/pillow-12.rpm\ndnf -y install *.rpm');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.file, 'zlib-1.3.rpm and 1 other file');
    assert.equal(found[0]!.it, 'them');
  });

  it('leaves files that are read, listed or unpacked only, and names no archive never unpacked', () => {
    assert.deepEqual(runs('curl -fsSL -o releases.json https://example.org/api/releases && jq -r .tag releases.json'), []);
    assert.deepEqual(runs('curl -o tool.tar.gz https://example.org/tool.tar.gz && tar tf tool.tar.gz && ls *.tar.gz'), []);
    assert.deepEqual(runs('curl -L https://example.org/node-v20-linux.tar.xz | tar xJ\n./node_modules/.bin/eslint .'), []);
    // A program by its name runs from PATH, not from the folder the archive was unpacked in; a program folder is on PATH.
    assert.deepEqual(runs('curl -L https://example.org/tool-1.2.tar.gz | tar xz && tool run'), []);
    assert.deepEqual(runs('curl -L https://example.org/hugo_0.1_linux-amd64.tar.gz | sudo tar xz -C /usr/local/bin && hugo version'), ['hugo_0.1_linux-amd64.tar.gz -> hugo version']);
    // A shared folder holds more than the archive: only names led by the archive's are its.
    assert.deepEqual(runs('curl -L https://example.org/go1.22.linux-amd64.tar.gz | sudo tar -C /usr/local -xz\n/usr/local/bin/other'), []);
    // Inline code or a module, not the file.
    assert.deepEqual(runs('curl -o setup.py https://example.org/setup.py && python -m pip install . && bash -c "echo setup.py"'), []);
  });

  it('leaves checked, commit-pinned and local downloads', () => {
    assert.deepEqual(runs('curl -o install.sh https://example.org/install.sh && echo "0000  install.sh" | sha256sum -c && bash install.sh'), []);
    assert.deepEqual(runs('wget https://example.org/tool && wget https://example.org/tool.asc\ngpg --batch --verify tool.asc tool\nchmod +x tool && ./tool'), []);
    assert.deepEqual(runs('curl -o t.rb https://raw.githubusercontent.com/example/tools/8d9e3502aba39127e4d12196dae16d306f76993d/t.rb && ruby t.rb'), []);
    assert.deepEqual(runs('curl -o t.sh http://localhost:8080/t.sh && sh t.sh'), []);
    // A comment that names a checksum tool checks nothing.
    assert.deepEqual(runs('# TODO: sha256sum\ncurl -o t.sh https://example.org/t.sh && sh t.sh'), ['t.sh -> sh t.sh']);
  });

  it('follows a release asset that gh downloads from another repository', () => {
    assert.deepEqual(runs("gh release download v1.2.3 -R example/tool -p 'tool_*_linux_amd64.tar.gz'\ntar xzf tool_*_linux_amd64.tar.gz\n./tool --version"), ['tool_*_linux_amd64.tar.gz -> ./tool --version']);
    assert.deepEqual(runs('gh release download --repo example/tool -O tool.deb -p "*.deb" && sudo dpkg -i tool.deb'), ['tool.deb -> dpkg -i tool.deb']);
    assert.deepEqual(runs('gh release download -R example/tool -p "*.deb" -D /tmp/pkgs && sudo apt-get install -y /tmp/pkgs/*.deb'), ['/tmp/pkgs/*.deb -> apt-get install -y /tmp/pkgs/*.deb']);
    assert.deepEqual(runs('gh release download --repo=example/tool -O - -p tool_linux.tar.gz | tar xz && ./tool version'), ['tool_linux.tar.gz -> ./tool version']);
    assert.equal(downloadRuns('gh release download -R example/tool -p install.sh && bash install.sh')[0]?.program, 'gh release download');
    // The workflow's own releases, the source archive, an attested or checked asset, a file only read.
    assert.deepEqual(runs("gh release download -p 'tool_*.tar.gz' && tar xzf tool_*.tar.gz && ./tool"), []);
    assert.deepEqual(runs('gh release download -R "${{ github.repository }}" -p install.sh && bash install.sh'), []);
    assert.deepEqual(runs('gh release download -R example/tool --archive tar.gz && tar xzf tool-*.tar.gz && ./tool'), []);
    assert.deepEqual(runs('gh release download -R example/tool -p install.sh && gh attestation verify install.sh -R example/tool && bash install.sh'), []);
    assert.deepEqual(runs('gh release download -R example/tool -p checksums.txt -p tool.tar.gz && sha256sum -c --ignore-missing checksums.txt && tar xzf tool.tar.gz && ./tool'), []);
    assert.deepEqual(runs('gh release download -R example/tool -p notes.json && jq . notes.json'), []);
  });

  it('follows PowerShell downloads to the program, installer or script that runs them', () => {
    assert.deepEqual(pwsh('Invoke-WebRequest -Uri https://example.org/setup-1.2.exe -OutFile setup.exe\n& .\\setup.exe /S'), ['Invoke-WebRequest: setup.exe -> ./setup.exe /S']);
    assert.deepEqual(pwsh('Invoke-WebRequest -Uri https://example.org/tool.msi -OutFile tool.msi\nmsiexec /i tool.msi /qn'), ['Invoke-WebRequest: tool.msi -> msiexec /i tool.msi /qn']);
    assert.deepEqual(pwsh('iwr https://example.org/tool.msi -OutFile "$env:RUNNER_TEMP\\tool.msi"\nStart-Process msiexec.exe -ArgumentList "/i `"$env:RUNNER_TEMP\\tool.msi`" /qn" -Wait'), ['iwr: $env:RUNNER_TEMP/tool.msi -> Start-Process msiexec.exe -ArgumentList /i "$env:RUNNER_TEMP/tool.msi" /qn ...']);
    assert.deepEqual(pwsh('$installer = "$env:TEMP\\x.exe"\nInvoke-WebRequest https://example.org/x.exe -OutFile $installer -UseBasicParsing\nStart-Process -FilePath $installer -ArgumentList "/S" -Wait'), ['Invoke-WebRequest: $installer -> Start-Process -FilePath $installer -ArgumentList ...']);
    assert.deepEqual(pwsh('(New-Object System.Net.WebClient).DownloadFile("https://example.org/tool.zip", "$env:TEMP\\tool.zip")\nExpand-Archive "$env:TEMP\\tool.zip" -DestinationPath C:\\tool\n& C:\\tool\\tool.exe --version'), ['WebClient.DownloadFile: $env:TEMP/tool.zip -> C:/tool/tool.exe --version']);
    assert.deepEqual(pwsh("Invoke-WebRequest -UseBasicParsing -OutFile C:\\build\\tool.msi `\n    https://example.org/tool-1.2.msi\n$p = Start-Process -Wait -PassThru msiexec -ArgumentList ('/package', 'C:\\build\\tool.msi', '/quiet')"), ['Invoke-WebRequest: C:/build/tool.msi -> Start-Process -Wait -PassThru msiexec ...']);
    assert.deepEqual(pwsh('Invoke-WebRequest https://example.org/install.ps1 -OutFile install.ps1\npowershell -NoProfile -ExecutionPolicy Bypass -File .\\install.ps1'), ['Invoke-WebRequest: install.ps1 -> powershell -NoProfile -ExecutionPolicy Bypass ...']);
    assert.deepEqual(pwsh('Invoke-WebRequest https://example.org/env.ps1 -OutFile env.ps1; . .\\env.ps1'), ['Invoke-WebRequest: env.ps1 -> . ./env.ps1']);
    // A path only named (a value, not a command), data only read, a file checked with Get-FileHash or its signature.
    assert.deepEqual(pwsh('Invoke-WebRequest https://example.org/x.exe -OutFile $installer\n$installer\nWrite-Host "saved $installer"'), []);
    assert.deepEqual(pwsh('Invoke-WebRequest https://example.org/data.json -OutFile data.json\nGet-Content data.json | ConvertFrom-Json'), []);
    assert.deepEqual(pwsh("Invoke-WebRequest https://example.org/x.exe -OutFile x.exe\nif ((Get-FileHash x.exe -Algorithm SHA256).Hash -ne '00') { throw 'checksum' }\n& .\\x.exe"), []);
    assert.deepEqual(pwsh("Invoke-WebRequest https://example.org/x.exe -OutFile x.exe\nif ((Get-AuthenticodeSignature x.exe).Status -ne 'Valid') { throw 'unsigned' }\n& .\\x.exe"), []);
    // Read as a POSIX script, `.\\setup.exe` names no file.
    assert.deepEqual(runs('curl -o setup.exe https://example.org/setup.exe && .\\setup.exe'), []);
  });

  it('reads paths from the folder the script changed to', () => {
    assert.deepEqual(runs('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz && cd tool-1.2 && ./configure && make install'), ['tool-1.2.tar.gz -> ./configure']);
    assert.deepEqual(runs('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz && cd tool-1.2 && make && sudo make install'), ['tool-1.2.tar.gz -> make']);
    assert.deepEqual(runs('cd /tmp\ncurl -LO https://example.org/tool-1.2.tar.gz\ntar xzf tool-1.2.tar.gz\npushd tool-1.2\nsh configure --prefix=/usr\npopd'), ['tool-1.2.tar.gz -> sh configure --prefix=/usr']);
    assert.deepEqual(runs('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz && make -C tool-1.2 install'), ['tool-1.2.tar.gz -> make -C tool-1.2 install']);
    assert.deepEqual(runs('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz && (cd tool-1.2 && make)'), ['tool-1.2.tar.gz -> make']);
    // Another folder; the script's own Makefile; a subshell left; a folder the archive was only unpacked into, that cmake fills.
    assert.deepEqual(runs('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz && cd build && ./configure && make'), []);
    assert.deepEqual(runs('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz\nmake'), []);
    assert.deepEqual(runs('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz && (cd tool-1.2 && ls)\n./configure'), []);
    assert.deepEqual(runs('mkdir build && curl -L https://example.org/deps-1.0.tar.gz | tar xz -C build && cd build && cmake .. && make'), []);
    // A later step starts at the workspace root, or in its working-directory.
    assert.deepEqual(steps('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz && cd tool-1.2', './configure'), []);
    assert.deepEqual(steps('curl -LO https://example.org/tool-1.2.tar.gz && tar xzf tool-1.2.tar.gz', { text: './configure && make', cwd: 'tool-1.2' }), ['tool-1.2.tar.gz -> ./configure (step 2)']);
  });

  it('follows a program to a folder put on PATH', () => {
    assert.deepEqual(steps('curl -fsSLo "$RUNNER_TEMP/tool" https://example.org/tool-linux\nchmod +x "$RUNNER_TEMP/tool"\necho "$RUNNER_TEMP" >> "$GITHUB_PATH"', 'tool --version'), ['$RUNNER_TEMP/tool -> tool --version (step 2)']);
    assert.deepEqual(steps('curl -L https://example.org/tool-1.2-linux.tar.gz | tar xz\necho "$PWD/tool-1.2-linux/bin" >> $GITHUB_PATH', 'make', 'tool run'), ['tool-1.2-linux.tar.gz -> tool run (step 3)']);
    assert.deepEqual(steps('curl -L https://example.org/tool-1.2-linux.tar.gz -o tool.tgz\nmkdir -p tools && tar xzf tool.tgz -C tools\necho "${{ github.workspace }}/tools" | tee -a $GITHUB_PATH', 'tool run'), ['tool.tgz -> tool run (step 2)']);
    assert.deepEqual(steps({ text: 'Invoke-WebRequest https://example.org/tool.exe -OutFile "$env:RUNNER_TEMP\\bin\\tool.exe"\n"$env:RUNNER_TEMP\\bin" | Out-File -FilePath $env:GITHUB_PATH -Append', dialect: 'powershell' }, { text: 'tool --version', dialect: 'powershell' }), ['$env:RUNNER_TEMP/bin/tool.exe -> tool --version (step 2)']);
    assert.deepEqual(runs('curl -fsSLo /opt/tool/tool https://example.org/tool-linux && chmod +x /opt/tool/tool\nexport PATH="/opt/tool:$PATH"\ntool --version'), ['/opt/tool/tool -> tool --version']);
    // Another folder on PATH; a folder on PATH from the next step on only; a name the archive does not lead.
    assert.deepEqual(steps('curl -fsSLo "$RUNNER_TEMP/dl/tool" https://example.org/tool-linux\necho "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"', 'tool --version'), []);
    assert.deepEqual(steps('curl -fsSLo "$RUNNER_TEMP/tool" https://example.org/tool-linux\necho "$RUNNER_TEMP" >> "$GITHUB_PATH"\ntool --version'), []);
    assert.deepEqual(steps('curl -L https://example.org/node-v20-linux.tar.xz | tar xJ\necho "$PWD/node-v20-linux/bin" >> $GITHUB_PATH', 'npm ci'), []);
    assert.deepEqual(steps('curl -fsSLo /opt/tool/tool https://example.org/tool-linux\nexport PATH="/opt/tool:$PATH"', 'tool --version'), []);
  });
});

describe('job artifacts of a branch', () => {
  const artifacts = (ref: string) => `https://example.org/group/tools/-/jobs/artifacts/${ref}/download?job=Linux+64+rpm`;

  it("follows another project's job artifacts to the package or program of them that runs", () => {
    assert.deepEqual(runs(`wget -O tools.zip ${artifacts('master')}\nunzip tools.zip\ndnf install ./*.rpm -y`), ['tools.zip (the artifacts of job "Linux 64 rpm" of group/tools at master) -> dnf install ./*.rpm -y']);
    assert.deepEqual(runs('curl -Lo a.zip -H "JOB-TOKEN: $CI_JOB_TOKEN" "$CI_API_V4_URL/projects/1234/jobs/artifacts/main/download?job=build"\nunzip a.zip\nchmod +x build/tool && ./build/tool --version'), ['a.zip (the artifacts of job "build" of project 1234 at main) -> ./build/tool --version']);
    assert.deepEqual(runs('curl -Lo a.zip "$CI_API_V4_URL/projects/group%2Ftools/jobs/artifacts/main/download?job=build"\nunzip a.zip -d deps\n./deps/bin/tool'), ['a.zip (the artifacts of job "build" of group/tools at main) -> ./deps/bin/tool']);
    assert.deepEqual(runs('curl -fsSLo tool.deb "$CI_API_V4_URL/projects/42/jobs/artifacts/v1.2/raw/dist/tool.deb?job=package" && dpkg -i tool.deb'), ['tool.deb (the artifacts of job "package" of project 42 at v1.2) -> dpkg -i tool.deb']);
    assert.deepEqual(runs('glab job artifact main build -R group/tools -p deps\npip install deps/dist/*.whl'), ['the artifacts of job "build" of group/tools at main -> pip install deps/dist/*.whl']);
  });

  it("leaves the pipeline's own project's artifacts, the repository's own files, artifacts only kept, and checked ones", () => {
    assert.deepEqual(runs('curl -Lo a.zip "$CI_API_V4_URL/projects/$CI_PROJECT_ID/jobs/artifacts/main/download?job=build"\nunzip a.zip\nsudo dpkg -i build/*.deb'), []);
    assert.deepEqual(runs('curl -Lo a.zip "${CI_PROJECT_URL}/-/jobs/artifacts/main/download?job=build"\nunzip a.zip\nsudo dpkg -i build/*.deb'), []);
    assert.deepEqual(runs('glab job artifact main build\npip install dist/*.whl'), []);
    assert.deepEqual(runs('glab job artifact main build -R "$CI_PROJECT_NAMESPACE/$CI_PROJECT_NAME"\npip install dist/*.whl'), []);
    assert.deepEqual(runs('curl -Lo a.zip "$CI_API_V4_URL/projects/$CI_MERGE_REQUEST_PROJECT_ID/jobs/artifacts/main/download?job=build"\nunzip a.zip\nsudo dpkg -i build/*.deb'), []);
    // A merge request's source project is a fork's, and another project of the group is another.
    assert.equal(runs('glab job artifact main build -R "$CI_PROJECT_NAMESPACE/tools"\npip install dist/*.whl').length, 1);
    assert.equal(runs('curl -Lo a.zip "$CI_API_V4_URL/projects/$CI_MERGE_REQUEST_SOURCE_PROJECT_ID/jobs/artifacts/main/download?job=build"\nunzip a.zip\nsudo dpkg -i build/*.deb').length, 1);
    // Unpacked among the repository's files: its scripts are not the artifacts'.
    assert.deepEqual(runs(`curl -Lo a.zip ${artifacts('main')}\nunzip a.zip\n./ci/test.sh\nbash scripts/run.sh\ncp build/x.deb public/`), []);
    // Only listed.
    assert.deepEqual(runs(`curl -Lo a.zip ${artifacts('main')}\nunzip -l a.zip\nsudo dpkg -i build/*.deb`), []);
    assert.deepEqual(runs(`curl -Lo a.zip ${artifacts('main')}\nunzip a.zip\nsha256sum -c build/SHA256SUMS\nsudo dpkg -i build/*.deb`), []);
  });
});

describe('what an unpacked archive holds, and what a virtualenv puts on PATH', () => {
  it('takes the members tar names, less the folders it strips', () => {
    const venv = 'python3 -m venv .venv\ncurl -L https://example.org/ccache-4.9-darwin.tar.gz | tar -C .venv/bin -xz --strip-components=1 ccache-4.9-darwin/ccache\nsource .venv/bin/activate\n';
    assert.deepEqual(downloadRuns(`${venv}ccache -s`).map((r) => `${r.action}: ${r.how}`), ['runs it: ccache -s']);
    // Never run by name: the activate script that puts it on PATH is named as that, not as what runs it.
    assert.deepEqual(downloadRuns(`${venv}pip3 install meson\nmeson setup _build`).map((r) => `${r.action}: ${r.how}`), ['puts it on PATH: source .venv/bin/activate']);
    // The virtualenv's own programs are not the archive's.
    assert.deepEqual(runs('python3 -m venv .venv\ncurl -L https://example.org/ccache-4.9-darwin.tar.gz | tar -C .venv/bin -xz --strip-components=1 ccache-4.9-darwin/ccache\n.venv/bin/python -m pytest'), []);
    // Letters of one cluster (`-xzvC DIR`), old-style letters (`xzf FILE`); a member unpacked into the script's folder is not on PATH.
    assert.deepEqual(runs('curl -fsSL https://example.org/tilt-0.3-linux.tar.gz | tar -xzvC /usr/local/bin tilt\ntilt ci'), ['tilt-0.3-linux.tar.gz -> tilt ci']);
    assert.deepEqual(runs('curl -fsSLo t.tgz https://example.org/tilt-0.3-linux.tar.gz && tar xzfC t.tgz /usr/local/bin tilt && tilt ci'), ['t.tgz -> tilt ci']);
    assert.deepEqual(runs('curl -fsSL https://example.org/tilt-0.3-linux.tar.gz | tar -xz tilt\ntilt ci'), []);
    // A data file in a folder put on PATH is not a program.
    assert.deepEqual(runs('curl -fsSLo /opt/tool/data.json https://example.org/data.json\nexport PATH="/opt/tool:$PATH"\nmake'), []);
  });

  it('follows a downloaded package pip installs, not a list of requirements it reads', () => {
    assert.deepEqual(runs('curl -fsSLo tool-1.0-py3-none-any.whl https://example.org/tool-1.0-py3-none-any.whl && python3 -m pip install tool-1.0-py3-none-any.whl'), ['tool-1.0-py3-none-any.whl -> python3 -m pip install ...']);
    assert.deepEqual(runs('curl -fsSLo requirements.txt https://example.org/requirements.txt && pip install -r requirements.txt'), []);
  });
});

describe('a checksum tool counts as a check only when its digest is compared', () => {
  it('checks: -c, --check, a pipe into a comparison, a digest taken into a value; no check: printed or written out', () => {
    for (const script of [
      'echo "$SUM  tool.tar.gz" | sha256sum -c -',
      'sha256sum --check tool.tar.gz.sha256',
      'shasum -a 256 -c tool.sha256',
      'sha256sum tool.tar.gz | grep -q "$SUM"',
      'test "$(sha256sum tool.tar.gz | cut -d" " -f1)" = "$SUM"',
      'gpg --verify tool.tar.gz.asc tool.tar.gz',
      // One command continued over lines.
      'gpg --batch \\\n  --verify tool.tar.gz.asc tool.tar.gz',
    ])
      assert.equal(verifies(script), true, script);
    for (const script of ['sha256sum tool.tar.gz', 'sha256sum dist/* > SHA256SUMS', 'sha256sum tool.tar.gz | tee tool.sha256', 'curl -fsSLO https://example.org/tool.tar.gz'])
      assert.equal(verifies(script), false, script);
  });
});

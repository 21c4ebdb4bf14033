import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { downloadRuns } from '../../../src/scanners/iac/downloads.js';

/** The files a script downloads and runs, as `file -> how`. */
const runs = (script: string) => downloadRuns(script).map((r) => `${r.file} -> ${r.how}`);

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
});

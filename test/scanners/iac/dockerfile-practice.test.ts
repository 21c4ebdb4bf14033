import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packageInstall } from '../../../src/scanners/iac/dockerfile/practice-rules.js';
import { commandsOf } from '../../../src/scanners/iac/shell.js';

function installOf(script: string) {
  const found = commandsOf(script).map(packageInstall).find((i) => i !== undefined);
  return found ? { tool: found.tool, packages: found.packages.map((p) => p.text) } : undefined;
}

describe('OS package installs in RUN scripts', () => {
  it('skips options and their values before and after the subcommand', () => {
    assert.deepEqual(installOf('apt-get -o Dpkg::Options::=--force-confnew -y install -t bookworm-backports curl git=1:2.39'), { tool: 'apt', packages: ['curl', 'git=1:2.39'] });
    assert.deepEqual(installOf('apk add --no-cache --virtual .build-deps gcc musl-dev'), { tool: 'apk', packages: ['gcc', 'musl-dev'] });
    assert.deepEqual(installOf('sudo dnf -y --setopt install_weak_deps=False install httpd'), { tool: 'rpm', packages: ['httpd'] });
  });

  it('ignores commands that install nothing', () => {
    assert.equal(installOf('apt-get update && apt-get -y upgrade'), undefined);
    assert.equal(installOf('echo apt-get install curl'), undefined);
  });
});

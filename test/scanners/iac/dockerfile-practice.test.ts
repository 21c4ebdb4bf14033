import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packageInstall } from '../../../src/scanners/iac/dockerfile/practice-rules.js';
import { dockerfilePlatform } from '../../../src/scanners/iac/dockerfile/rules.js';
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

describe('OS package rules: one finding per RUN', () => {
  const hits = (ruleId: string, text: string) => {
    const input = dockerfilePlatform.parse(text, () => {});
    const rule = dockerfilePlatform.rules.find((r) => r.id === ruleId);
    assert.ok(rule && input, ruleId);
    return [...rule.check(input)].map((h) => `${h.line}/${h.detailLine ?? '-'} ${h.message}`);
  };
  const run = 'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y code \\\n    && apt-get install -y curl=8.5.0-2 wget \\\n    && apt-get install -y gh\nRUN apk add jq\n';

  it('names every unpinned install of a RUN, with its line, in one finding', () => {
    assert.deepEqual(hits('iac/dockerfile-os-package-unpinned', run), [
      '2/3 apt-get installs code (line 3), wget (line 4), gh (line 5) without a version; pin the versions the image depends on.',
      '6/- apk installs jq without a version; pin the versions the image depends on.',
    ]);
  });

  it('names the lines of the installs that pull in recommended packages in one finding', () => {
    assert.deepEqual(hits('iac/dockerfile-apt-install-recommends', run), ['2/3 apt-get install without --no-install-recommends (lines 3, 4, 5) adds packages nobody asked for to the image.']);
  });
});

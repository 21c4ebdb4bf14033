import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

/** Patterns of application repositories' Dockerfiles (multi-stage targets, repository keys, named build contexts). */
describe('Dockerfiles of application repositories', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'docker-app-sweep'), scannerSet: [iacScanner] });
  });
  const hits = (path: string, ruleId: string) =>
    result.findings.filter((f) => f.location.path === path && f.ruleId === ruleId).map((f) => `${f.location.startLine} ${f.severity}`).sort();

  it('reads no warnings', () => {
    assert.deepEqual(result.warnings, []);
  });

  it('does not take the signing key of a package repository (*.gpg.key, *pubkey*) for a credential file', () => {
    assert.deepEqual(hits('keys/Dockerfile', 'iac/dockerfile-secret-file-copied'), ['4 high']);
  });

  it('does not read the options of yarn install as packages; yarn add still counts', () => {
    assert.deepEqual(hits('yarn/Dockerfile', 'iac/dockerfile-unpinned-package-install'), ['3 low']);
  });

  it('reports COPY --from with a bare name that is no stage at low severity, saying it may be a named build context', () => {
    assert.deepEqual(hits('context/Dockerfile', 'iac/dockerfile-image-untagged'), ['2 low', '3 medium']);
    const bare = result.findings.find((f) => f.location.path === 'context/Dockerfile' && f.location.startLine === 2)!;
    assert.match(bare.message, /--build-context/);
  });

  it('does not report sudo -u <user> in a step that runs as root: it drops privileges for one command', () => {
    // Reported: plain sudo (line 4), sudo to root (line 5), and sudo after USER app (line 10), which needs sudoers rights.
    assert.deepEqual(hits('sudo/Dockerfile', 'iac/dockerfile-sudo'), ['10 medium', '4 medium', '5 medium']);
    const messages = result.findings.filter((f) => f.location.path === 'sudo/Dockerfile' && f.ruleId === 'iac/dockerfile-sudo');
    assert.match(messages.find((f) => f.location.startLine === 4)!.message, /RUN already runs as root/);
    // After USER app the step does not run as root: sudo there means app may become root.
    const afterUser = messages.find((f) => f.location.startLine === 10)!.message;
    assert.doesNotMatch(afterUser, /already runs as root/);
    assert.match(afterUser, /runs as USER app, which the image lets become root/);
  });

  it('does not report a Dockerfile of FROM lines only (image versions tracked for Dependabot) for running as root', () => {
    assert.deepEqual(hits('versions/Dockerfile', 'iac/dockerfile-no-user'), []);
  });

  it('judges the shipped stage, not a development target built last with --target', () => {
    // production (line 4) ships; development (line 9) is the last stage but a dev target.
    assert.deepEqual(hits('targets/Dockerfile', 'iac/dockerfile-no-user'), ['4 medium']);
    assert.deepEqual(hits('targets/Dockerfile', 'iac/dockerfile-missing-healthcheck'), ['4 low']);
    // runtime ships; the test stage built FROM it switches to root for its tools.
    assert.deepEqual(hits('targets/Dockerfile.runtime', 'iac/dockerfile-root-user'), []);
    assert.deepEqual(hits('targets/Dockerfile.runtime', 'iac/dockerfile-no-user'), []);
    assert.deepEqual(hits('targets/Dockerfile.runtime', 'iac/dockerfile-missing-healthcheck'), []);
  });
});

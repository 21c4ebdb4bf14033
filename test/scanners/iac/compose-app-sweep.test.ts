import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { devOnlyReason } from '../../../src/scanners/iac/compose/model.js';
import { fixturePath } from '../../helpers/paths.js';

/** Patterns of application repositories' compose files: anchors shared by services, files for development, tests and CI. */
describe('compose files of application repositories', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'compose-app-sweep'), scannerSet: [iacScanner] });
  });
  const hits = (path: string, ruleId: string) =>
    result.findings
      .filter((f) => f.location.path === path && f.ruleId === ruleId)
      .map((f) => `${f.location.startLine} ${f.severity}`)
      .sort();

  it('reads no warnings', () => {
    assert.deepEqual(result.warnings, []);
  });

  it('reports a line shared by several services through a YAML anchor once, naming the other services', () => {
    assert.deepEqual(hits('compose.yaml', 'iac/compose-secret-in-environment'), ['3 high']);
    const secret = result.findings.find((f) => f.ruleId === 'iac/compose-secret-in-environment')!;
    assert.match(secret.message, /shared \(a YAML anchor\) with service worker/);
    // Findings on each service's own lines stay one per service.
    assert.deepEqual(hits('compose.yaml', 'iac/compose-no-memory-limit'), ['12 medium', '17 medium', '21 medium', '5 medium']);
  });

  it('lowers ports on all interfaces to low and missing hardening to info in files for development, tests or CI', () => {
    assert.deepEqual(hits('docker-compose.dev.yml', 'iac/compose-port-all-interfaces'), ['5 low']);
    assert.deepEqual(hits('.ci/compose.yaml', 'iac/compose-port-all-interfaces'), ['5 low']);
    assert.deepEqual(hits('docker-compose.dev.yml', 'iac/compose-no-memory-limit'), ['2 info', '6 info']);
    assert.deepEqual(hits('docker-compose.dev.yml', 'iac/compose-writable-root-filesystem'), ['2 info', '6 info']);
    // A database published to the network is still reported, one step lower: the developer's network reaches it, but its data is a throwaway.
    assert.deepEqual(hits('docker-compose.dev.yml', 'iac/compose-sensitive-port'), ['9 medium']);
    // The main file and an override (often where a self-hosted installation keeps production changes) keep their severity.
    assert.deepEqual(hits('compose.yaml', 'iac/compose-port-all-interfaces').filter((h) => h.startsWith('8 ')), ['8 medium']);
    assert.deepEqual(hits('docker-compose.override.yml', 'iac/compose-port-all-interfaces').filter((h) => h.startsWith('5 ')), ['5 medium']);
    assert.deepEqual(hits('docker-compose.override.yml', 'iac/compose-no-memory-limit'), ['12 medium', '2 medium', '6 medium']);
  });

  it('reports the web ports of a public entry point (443, 80 beside 443) at info; other ports of the same service and plain HTTP alone stay medium', () => {
    assert.deepEqual(hits('docker-compose.override.yml', 'iac/compose-port-all-interfaces'), ['10 info', '11 medium', '15 medium', '5 medium', '9 info']);
  });

  it('reads ${VAR:-default} in a published port as compose does when the variable is unset', () => {
    // The host address defaults to loopback: neither on all interfaces nor a sensitive port published.
    assert.deepEqual(hits('compose.yaml', 'iac/compose-sensitive-port'), []);
    // The host port is a variable with a default, the address is not given: all interfaces.
    assert.deepEqual(hits('compose.yaml', 'iac/compose-port-all-interfaces'), ['24 medium', '8 medium']);
  });

  it('recognises files for development, tests or CI by a name part or a folder', () => {
    assert.equal(devOnlyReason('docker-compose.dev.yml'), 'its name says dev');
    assert.equal(devOnlyReason('docker/compose/docker-compose.ci-test.yml'), 'its name says ci');
    assert.equal(devOnlyReason('.devcontainer/docker-compose.yml'), 'it is in the folder .devcontainer/');
    assert.equal(devOnlyReason('tests/resources/docker/docker-compose.yml'), 'it is in the folder tests/');
    assert.equal(devOnlyReason('docker/devenv/docker-compose.main.yml'), 'it is in the folder devenv/');
    // The end-to-end test runners' folders, and a folder named for tests among other words.
    assert.equal(devOnlyReason('cypress/docker-compose.yml'), 'it is in the folder cypress/');
    assert.equal(devOnlyReason('_integration-test/custom-ca-roots/compose.yaml'), 'it is in the folder _integration-test/');
    // The integration tests' folder (Go projects' integration/), and a file named for them; not a folder of integrations.
    assert.equal(devOnlyReason('integration/resources/compose/tcp.yml'), 'it is in the folder integration/');
    assert.equal(devOnlyReason('docker-compose.integration.yml'), 'its name says integration');
    assert.equal(devOnlyReason('integrations/slack/compose.yaml'), undefined);
    assert.equal(devOnlyReason('ci-cd/production/compose.yaml'), undefined);
    assert.equal(devOnlyReason('local-path/compose.yaml'), undefined);
    assert.equal(devOnlyReason('docker-compose.override.yml'), undefined);
    assert.equal(devOnlyReason('deploy/production/compose.yaml'), undefined);
    assert.equal(devOnlyReason('docker-compose.devtools-proxy.yml'), undefined);
  });

  it('recognises a file for development or tests by the comment it opens with', () => {
    assert.equal(devOnlyReason('compose.yaml', '## FOR TEST AND DEVELOPMENT ONLY, DO NOT USE IN PRODUCTION ##\nservices: {}\n'), 'its opening comment says "FOR TEST AND DEVELOPMENT ONLY"');
    assert.equal(devOnlyReason('compose.yaml', '# This configuration file is for the **development** setup.\n# For a production example see the setup repository.\nx-env: &env\n'), 'its opening comment says "for the development setup"');
    assert.equal(devOnlyReason('compose.yaml', '---\n# A sample stack: not intended for production.\nservices: {}\n'), 'its opening comment says "not intended for production"');
    // Where another file is, or a comment below the first key: not what this file is for.
    assert.equal(devOnlyReason('compose.yaml', '# Production stack; for development use compose.dev.yaml\nservices: {}\n'), undefined);
    assert.equal(devOnlyReason('compose.yaml', '# Production stack. For development, see docs/dev.md\nservices: {}\n'), undefined);
    assert.equal(devOnlyReason('compose.yaml', 'services:\n  # for testing only\n  web: {}\n'), undefined);
    // The file's ports and trusting database, one severity lower, as in a file named for development.
    assert.deepEqual(hits('sample/compose.yaml', 'iac/compose-sensitive-port'), ['11 medium']);
    assert.deepEqual(hits('sample/compose.yaml', 'iac/compose-port-all-interfaces'), ['7 low']);
    const trust = result.findings.find((f) => f.location.path === 'sample/compose.yaml' && f.ruleId === 'iac/compose-database-without-password');
    assert.equal(trust?.severity, 'medium');
    assert.match(trust?.message ?? '', /its opening comment says "FOR TEST AND DEVELOPMENT ONLY"/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/** Lines on which `ruleId` reports in a compose file. */
function composeLines(ruleId: string, text: string): number[] {
  const result = analyseFile('docker-compose.yml', text, () => {}, 'compose');
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => f.location.startLine);
}

const NNP = 'iac/compose-no-new-privileges';

// A service with no security_opt at all runs with setuid escalation allowed and only the
// default profiles; iac/compose-no-new-privileges is the rule that reports it (on the
// service key, where the missing setting goes), so no separate "security_opt not set" rule.
describe('compose service without security_opt', () => {
  it('is reported on the service key by the no-new-privileges rule', () => {
    const text = [
      'services:',
      '  api:',
      '    image: registry.example.org/api:2.1.0',
      '    ports:',
      '      - "127.0.0.1:8080:8080"',
      '  worker:',
      '    image: registry.example.org/worker:2.1.0',
      '    security_opt:',
      '      - no-new-privileges:true',
      '',
    ].join('\n');
    assert.deepEqual(composeLines(NNP, text), [2]);
  });

  it('goes on security_opt when the list exists but lacks no-new-privileges', () => {
    const text = ['services:', '  api:', '    image: registry.example.org/api:2.1.0', '    security_opt:', '      - seccomp:./seccomp.json', ''].join('\n');
    assert.deepEqual(composeLines(NNP, text), [4]);
  });

  it('reports an unconfined profile and the missing no-new-privileges as two findings', () => {
    const text = ['services:', '  api:', '    image: registry.example.org/api:2.1.0', '    security_opt:', '      - apparmor:unconfined', ''].join('\n');
    assert.deepEqual(composeLines(NNP, text), [4]);
    assert.deepEqual(composeLines('iac/compose-security-profile-disabled', text), [5]);
  });
});

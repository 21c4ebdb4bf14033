import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

const RULE = 'iac/compose-committed-secret-file';
const COMPOSE = [
  'services:',
  '  db:',
  '    image: registry.example.org/db:16.4',
  '    secrets: [db-password, tls-key, api-token, staged-token]',
  'secrets:',
  '  db-password:',
  '    file: ./db/password.txt',
  '  tls-key:',
  '    file: ./tls/server.key',
  '  api-token:',
  '    file: ./secrets/api-token',
  '  staged-token:',
  '    file: ./secrets/staged-token',
  '',
].join('\n');

describe('compose secrets read from committed files', () => {
  it('reports a secret file git holds with content, and neither an ignored, an untracked nor an empty one; the value is never shown', async () => {
    const t = tempTree({
      'deploy/compose.yaml': COMPOSE,
      'deploy/db/password.txt': 'pw-value-7Qx9\n',
      'deploy/secrets/api-token': '',
      '.gitignore': 'deploy/tls/\n',
      'deploy/tls/server.key': 'key-value-3Rk8\n',
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('deploy/secrets/staged-token', 'staged-value-5Tm2\n');
      let result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      let found = result.findings.filter((f) => f.ruleId === RULE);
      assert.deepEqual(found.map((f) => [f.location.path, f.location.startLine, f.severity]), [['deploy/compose.yaml', 7, 'medium']]);
      assert.match(found[0]!.message, /secret db-password is read from deploy\/db\/password\.txt, a file committed to the repository \(14 bytes\)/);
      assert.doesNotMatch(JSON.stringify(result.findings), /pw-value|key-value|staged-value/);
      // Staged, it is about to be committed.
      git(t.dir, 'add', 'deploy/secrets/staged-token');
      result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      found = result.findings.filter((f) => f.ruleId === RULE);
      assert.deepEqual(found.map((f) => f.location.startLine), [7, 13]);
      // A scan of a subfolder looks the files up from there.
      result = await runScan({ target: `${t.dir}/deploy`, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine}`), ['compose.yaml:7', 'compose.yaml:13']);
    } finally {
      t.cleanup();
    }
  });

  it('says nothing outside a git checkout, where it cannot tell a committed file from a local one', async () => {
    const t = tempTree({ 'compose.yaml': COMPOSE.replaceAll('./', ''), 'db/password.txt': 'pw-value-7Qx9\n' });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.filter((f) => f.ruleId === RULE), []);
    } finally {
      t.cleanup();
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { sarifErrors } from '../helpers/schemas.js';
import { commitAll, initRepo, tempTree } from '../helpers/tmp.js';

// A fake token with a valid checksum, assembled so this file holds no scannable secret.
const token = ['ghp', 'rMkxjAMu7S52GqR1fft30x0Cir7izs3fqGUf'].join('_');

test('a leaked token: exit 1, valid SARIF with secret properties, and the token never printed', () => {
  const t = tempTree({ 'src/deploy.js': `const auth = '${token}';\nmodule.exports = { auth };\n` });
  try {
    const run = runCli(['scan', t.dir, '--scanners', 'secrets', '--format', 'sarif']);
    assert.equal(run.status, 1, run.stderr);
    assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token), 'the secret leaked into the output');
    const sarif = JSON.parse(run.stdout);
    assert.deepEqual(sarifErrors(sarif), []);
    const [result] = sarif.runs[0].results;
    assert.equal(result.ruleId, 'secrets/github-pat');
    assert.equal(result.level, 'error');
    assert.equal(result.properties.secretType, 'GitHub personal access token');
    assert.match(result.properties.redacted, /^ghp_…\[40 chars, sha256:[0-9a-f]{12}\]$/);
    const html = runCli(['scan', t.dir, '--scanners', 'secrets', '--format', 'html']);
    assert.ok(!html.stdout.includes(token));
  } finally {
    t.cleanup();
  }
});

test('--history reports a secret deleted in a later commit; a plain scan does not', () => {
  const t = tempTree({ 'config/old.env': `GITHUB_TOKEN=${token}\n`, 'README.md': '# app\n' });
  try {
    initRepo(t.dir);
    const introduced = commitAll(t.dir, 'add config');
    t.write('config/old.env', 'GITHUB_TOKEN=${GITHUB_TOKEN}\n');
    commitAll(t.dir, 'read the token from the environment');
    assert.equal(runCli(['scan', t.dir, '--scanners', 'secrets']).status, 0);
    const run = runCli(['scan', t.dir, '--scanners', 'secrets', '--history', '--format', 'json']);
    assert.equal(run.status, 1, run.stderr);
    assert.ok(!run.stdout.includes(token));
    const [finding] = JSON.parse(run.stdout).findings;
    assert.equal(finding.properties.commit, introduced);
    assert.equal(finding.properties.inHead, false);
    assert.equal(finding.location.path, 'config/old.env');
    assert.match(finding.message, /rotate it: it is in history/);
  } finally {
    t.cleanup();
  }
});

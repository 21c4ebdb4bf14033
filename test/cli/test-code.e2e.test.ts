import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';

// The same high finding (TLS verification off) in a test helper and, optionally, in the product.
const insecureAgent = "const https = require('https');\nmodule.exports = new https.Agent({ rejectUnauthorized: false });\n";
const safeAgent = "const https = require('https');\nmodule.exports = new https.Agent({ ca: process.env.CA_BUNDLE });\n";

test('a finding in test/ is tagged test-code and marked in text; one in src/ is not', () => {
  const t = tempTree({ 'test/helper.js': insecureAgent, 'src/client.js': insecureAgent });
  try {
    const run = runCli(['scan', t.dir, '--scanners', 'sast', '--format', 'json', '--quiet']);
    assert.equal(run.status, 1, run.stderr);
    const findings = JSON.parse(run.stdout).findings as Array<{ ruleId: string; severity: string; location: { path: string }; properties: { tags?: string[] } }>;
    const at = (path: string) => findings.find((f) => f.location.path === path && f.ruleId === 'sast/tls-verification-disabled')!;
    assert.deepEqual(at('test/helper.js').properties.tags, ['test-code']);
    assert.equal(at('test/helper.js').severity, 'high', 'severity is not lowered');
    assert.equal(at('src/client.js').properties.tags, undefined);

    const text = runCli(['scan', t.dir, '--scanners', 'sast', '--quiet']).stdout;
    assert.match(text, /test\/helper\.js\n.*\[sast\/tls-verification-disabled\] \(test code\)/);
    assert.doesNotMatch(text, /src\/client\.js\n.*\(test code\)/);
  } finally {
    t.cleanup();
  }
});

test('--no-fail-on-test-code leaves test code out of the exit status, still reports it', () => {
  const t = tempTree({ 'test/helper.js': insecureAgent, 'src/client.js': safeAgent });
  try {
    assert.equal(runCli(['scan', t.dir, '--scanners', 'sast', '--quiet']).status, 1);
    const run = runCli(['scan', t.dir, '--scanners', 'sast', '--format', 'json', '--quiet', '--no-fail-on-test-code']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).findings.length, 1, 'the finding is still reported');

    t.write('src/client.js', insecureAgent);
    assert.equal(runCli(['scan', t.dir, '--scanners', 'sast', '--quiet', '--no-fail-on-test-code']).status, 1, 'product code still fails');
  } finally {
    t.cleanup();
  }
});

test('failOnTestCode: false in secloop.yaml does the same, and --fail-on-test-code overrides it', () => {
  const t = tempTree({ 'test/helper.js': insecureAgent, 'src/client.js': safeAgent, 'secloop.yaml': 'version: 1\nfailOnTestCode: false\n' });
  try {
    assert.equal(runCli(['scan', t.dir, '--scanners', 'sast', '--quiet']).status, 0);
    assert.equal(runCli(['scan', t.dir, '--scanners', 'sast', '--quiet', '--fail-on-test-code']).status, 1);
    t.write('secloop.yaml', 'version: 1\nfailOnTestCode: "no"\n');
    assert.equal(runCli(['scan', t.dir, '--scanners', 'sast', '--quiet']).status, 2, 'a wrong type is a config error');
  } finally {
    t.cleanup();
  }
});

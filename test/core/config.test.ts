import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRuleIds, parseConfig, parseSize, RETIRED_RULES } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';

test('a full config resolves', () => {
  const config = parseConfig(
    [
      'version: 1',
      'failOn: medium',
      'scanners: { sast: false }',
      'ignore: ["vendor/**"]',
      'maxFileSize: 2MB',
      'rules:',
      '  secrets/generic-password: off',
      '  sast/xss: { severity: low }',
      'ops: { allowedPorts: [8080] }',
    ].join('\n'),
  );
  assert.equal(config.failOn, 'medium');
  assert.equal(config.scanners.sast, false);
  assert.deepEqual(config.ignore, ['vendor/**']);
  assert.equal(config.maxFileSize, 2 * 1024 * 1024);
  assert.deepEqual(config.rules['secrets/generic-password'], { enabled: false });
  assert.deepEqual(config.rules['sast/xss'], { enabled: true, severity: 'low' });
  assert.deepEqual(config.ops.allowedPorts, [8080]);
});

function errorOf(text: string): string {
  try {
    parseConfig(text, '/x/secloop.yaml');
  } catch (error) {
    assert.ok(error instanceof UsageError);
    return error.message;
  }
  assert.fail('expected an error');
}

test('unknown keys name the key, the line and a likely meaning', () => {
  assert.equal(errorOf('failOn: high\nscaners:\n  sast: true'), "secloop.yaml:2: 'scaners' is not a known setting (did you mean 'scanners'?)");
  assert.equal(errorOf('sast:\n  libraryInput: true'), "secloop.yaml:2: 'sast.libraryInput' is not a known setting (did you mean 'libraryInputs'?)");
});

test('wrong types name the key and line', () => {
  assert.equal(errorOf('failOn: severe'), "secloop.yaml:1: 'failOn' must be one of critical, high, medium, low, none");
  assert.equal(errorOf('\n\nignore: vendor'), "secloop.yaml:3: 'ignore' must be a list");
  assert.equal(errorOf('scanners:\n  sast: yes please'), "secloop.yaml:2: 'scanners.sast' must be true or false");
  assert.equal(errorOf('rules:\n  x/y: { severity: huge }'), "secloop.yaml:2: 'rules.x/y.severity' must be one of critical, high, medium, low, info");
  assert.equal(errorOf('maxFileSize: lots'), "secloop.yaml:1: 'maxFileSize' must be a size in bytes or with a unit, like 5MB or 512KB");
  const portProblem = 'must be a port from 1 to 65535, a range like "8000-8010", or either with /tcp or /udp ("53/udp")';
  for (const bad of ['0', '70000', '"9000-8000"', '"53/sctp"', '"http"']) assert.equal(errorOf(`ops:\n  allowedPorts:\n    - ${bad}`), `secloop.yaml:3: 'ops.allowedPorts[0]' ${portProblem}`, bad);
  assert.deepEqual(parseConfig('ops: { allowedPorts: [8080, "8000-8010", "53/udp", "60000-61000/UDP"] }').ops.allowedPorts, [8080, '8000-8010', '53/udp', '60000-61000/UDP']);
});

test('iac.githubRepository is an owner/name', () => {
  assert.equal(parseConfig('iac:\n  githubRepository: example-org/app.js\n').iac.githubRepository, 'example-org/app.js');
  const problem = "must be a GitHub repository as owner/name, like example-org/app";
  for (const bad of ['example-org', 'https://github.com/example-org/app', 'example-org/app/extra', 'example-org/..', '"-org/app"'])
    assert.equal(errorOf(`iac:\n  githubRepository: ${bad}`), `secloop.yaml:2: 'iac.githubRepository' ${problem}`, bad);
});

test('invalid YAML and alias bombs are errors, not crashes', () => {
  assert.match(errorOf('failOn: [high'), /^secloop\.yaml:1: invalid YAML/);
  const bomb = `ignore: [&a "x"]\nskipDirs: [${Array(200).fill('*a').join(',')}]`;
  assert.match(errorOf(bomb), /uses more than 100 YAML aliases/);
});

test('aliases resolve', () => {
  const config = parseConfig('rules:\n  a/b: &r off\n  c/d: *r\nignore: &i ["a"]\nskipDirs: *i');
  assert.deepEqual(config.rules['c/d'], { enabled: false });
  assert.deepEqual(config.skipDirs, ['a']);
});

test('empty file is the default config', () => {
  assert.equal(parseConfig('').failOn, 'high');
});

test('sizes', () => {
  assert.equal(parseSize('512KB'), 512 * 1024);
  assert.equal(parseSize(100), 100);
  assert.equal(parseSize('1.5mb'), 1572864);
  assert.equal(parseSize('-1'), undefined);
});

test('a retired rule id under rules: is accepted, a misspelt one still refused', () => {
  const known = { scanners: ['iac'], loaded: ['iac'], ids: ['iac/tf-aws-no-customer-managed-key'] };
  assert.ok(RETIRED_RULES.has('iac/tf-aws-s3-no-encryption-config'));
  checkRuleIds(parseConfig('rules:\n  iac/tf-aws-s3-no-encryption-config: off\n'), known);
  assert.throws(() => checkRuleIds(parseConfig('rules:\n  iac/tf-aws-s3-no-encryption-confg: off\n'), known), /secloop\.yaml:2: 'rules\.iac\/tf-aws-s3-no-encryption-confg' is not a known rule/);
});

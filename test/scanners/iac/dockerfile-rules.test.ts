import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dockerfilePlatform } from '../../../src/scanners/iac/dockerfile/rules.js';

function hits(ruleId: string, text: string) {
  const input = dockerfilePlatform.parse(text, () => {});
  const rule = dockerfilePlatform.rules.find((r) => r.id === ruleId);
  assert.ok(rule, ruleId);
  return input ? [...rule.check(input)] : [];
}

describe('Dockerfile missing HEALTHCHECK', () => {
  it('inherits a HEALTHCHECK through FROM <stage> chains', () => {
    const text = 'FROM python:3.12-slim AS runtime\nHEALTHCHECK CMD true\nCMD ["python"]\nFROM runtime AS mid\nFROM mid\nCOPY a /a\n';
    assert.deepEqual(hits('iac/dockerfile-missing-healthcheck', text), []);
  });

  it('reports an image without CMD or ENTRYPOINT at info only', () => {
    const toolchain = hits('iac/dockerfile-missing-healthcheck', 'FROM debian:12.7\nRUN true\nUSER 1000\n');
    assert.equal(toolchain.length, 1);
    assert.equal(toolchain[0]!.severity, 'info');
    const service = hits('iac/dockerfile-missing-healthcheck', 'FROM debian:12.7 AS base\nENTRYPOINT ["/app"]\nFROM base\nUSER 1000\n');
    assert.equal(service.length, 1);
    assert.equal(service[0]!.severity, undefined);
    assert.equal(service[0]!.line, 3);
  });
});

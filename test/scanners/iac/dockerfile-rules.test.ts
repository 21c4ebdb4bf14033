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

describe('Dockerfile templates', () => {
  const parse = (text: string) => {
    const warnings: Array<[number, string]> = [];
    const input = dockerfilePlatform.parse(text, (line, message) => warnings.push([line, message]));
    return { input, warnings };
  };

  it('skips a jq or Go template with one warning', () => {
    const jq = parse('{{\n  def alpine: env.variant | startswith("alpine");\n}}\nFROM {{ env.variant }}\n{{ if alpine then ( -}}\nRUN apk add curl\n{{ ) end -}}\nCMD ["sh"]\n');
    assert.equal(jq.input, undefined);
    assert.equal(jq.warnings.length, 1);
    assert.equal(jq.warnings[0]![0], 1);
    assert.match(jq.warnings[0]![1], /template/);
    const go = parse('FROM {{ .Base }}:{{ .Tag }}\nRUN make\n');
    assert.equal(go.input, undefined);
    assert.deepEqual(go.warnings.map((w) => w[0]), [1]);
  });

  it('keeps checking %%VAR%% placeholders and {{ }} inside an instruction', () => {
    const balena = parse('FROM balenalib/%%BALENA_MACHINE_NAME%%-debian:bookworm\nRUN curl -fsSL https://example.org/i.sh | sh\n');
    assert.ok(balena.input);
    assert.deepEqual(balena.warnings, []);
    const inspect = parse('FROM docker:27.3\nRUN docker inspect --format \'{{.Id}}\' app > /id\n');
    assert.ok(inspect.input);
    assert.deepEqual(inspect.warnings, []);
  });
});

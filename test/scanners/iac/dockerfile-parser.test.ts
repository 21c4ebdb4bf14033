import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lineAt, parseDockerfile } from '../../../src/scanners/iac/dockerfile/parser.js';
import { keyValues, readDockerfile, baseImage, scriptsOf } from '../../../src/scanners/iac/dockerfile/model.js';

describe('Dockerfile parser', () => {
  it('joins continuations, drops comment lines inside them and maps offsets back to lines', () => {
    const file = parseDockerfile('FROM alpine:3.20\nRUN apk add \\\n# a comment inside\n    curl \\\n\n    jq\nCMD ["sh"]\n');
    const run = file.instructions[1]!;
    assert.equal(run.keyword, 'RUN');
    assert.equal(run.line, 2);
    assert.equal(run.endLine, 6);
    assert.match(run.args, /apk add\s+curl\s+jq/);
    assert.equal(lineAt(run, run.args.indexOf('jq')), 6);
    assert.equal(lineAt(run, run.args.indexOf('curl')), 4);
    assert.deepEqual(file.instructions[2]!.exec, ['sh']);
  });

  it('honours the escape parser directive and ends directives at the first other line', () => {
    const file = parseDockerfile('# escape=`\n# syntax=docker/dockerfile:1\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n  c:\\\n');
    assert.equal(file.escape, '`');
    assert.equal(file.directives.get('syntax'), 'docker/dockerfile:1');
    assert.equal(file.instructions[1]!.endLine, 5);
    const later = parseDockerfile('FROM a:1\n# escape=`\n');
    assert.equal(later.escape, '\\');
  });

  it('reads heredocs, flags, ONBUILD and stages', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS Build',
      'RUN --mount=type=cache,target=/root/.cache <<EOF',
      'set -e',
      'curl -fsSL https://example.org/x | sh',
      'EOF',
      'FROM build AS test',
      'ONBUILD RUN echo hi',
      'COPY <<-EOT /etc/app.conf',
      '\tkey=value',
      '\tEOT',
      'FROM alpine:3.20',
    ].join('\n');
    const file = parseDockerfile(text);
    assert.deepEqual(file.problems, []);
    assert.equal(file.stages.length, 3);
    assert.equal(file.stages[0]!.name, 'build');
    assert.equal(file.stages[0]!.from.flags.get('platform'), '$BUILDPLATFORM');
    const run = file.instructions[1]!;
    assert.equal(run.flags.get('mount'), 'type=cache,target=/root/.cache');
    assert.equal(run.heredocs[0]!.body, 'set -e\ncurl -fsSL https://example.org/x | sh');
    assert.equal(run.heredocs[0]!.line, 4);
    const scripts = scriptsOf(run);
    const heredoc = scripts.find((s) => s.text.includes('curl'))!;
    assert.equal(heredoc.line(heredoc.text.indexOf('curl')), 5);
    assert.equal(file.instructions[3]!.inner?.keyword, 'RUN');
    assert.equal(file.instructions[4]!.heredocs[0]!.body, 'key=value');
    assert.equal(file.instructions[5]!.stage, 2);
  });

  it('reports what it cannot read and keeps going', () => {
    const file = parseDockerfile('FROM alpine:3.20\n--bad line\nRUN <<EOF\nnever closed\n');
    assert.ok(file.problems.some((p) => p.line === 2));
    assert.ok(file.problems.some((p) => /never closed/.test(p.message)));
    assert.equal(file.instructions[0]!.keyword, 'FROM');
  });

  it('reads ENV and ARG in both forms and resolves global ARG defaults in FROM', () => {
    const input = readDockerfile('ARG BASE=node\nARG TAG=20\nFROM ${BASE}:${TAG}\nENV A=1 B="two words" \\\n  C=3\nENV LEGACY value with spaces\n');
    assert.equal(baseImage(input, input.file.stages[0]!), 'node:20');
    const env = input.file.instructions.filter((i) => i.keyword === 'ENV');
    assert.deepEqual(keyValues(env[0]!).map(([k, v, l]) => [k, v, l]), [['A', '1', 4], ['B', 'two words', 4], ['C', '3', 5]]);
    assert.deepEqual(keyValues(env[1]!).map(([k, v]) => [k, v]), [['LEGACY', 'value with spaces']]);
  });
});

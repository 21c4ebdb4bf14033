import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { collectDeclarations, type Declarations } from '../../src/ops/declared.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** `port/transport path:line` of every declaration, in order. */
function places(declarations: Declarations): string[] {
  return declarations.ports.map((p) => `${p.port}/${p.transport} ${p.path}:${p.line}`);
}

describe('declared ports of a Helm chart', () => {
  it('renders the chart and declares its container ports, host ports and Service ports at the line that wrote them', async () => {
    const declared = await collectDeclarations(fixture('ops-helm'));
    assert.deepEqual(places(declared), [
      '80/tcp deploy/web/templates/service.yaml:8',
      '8080/tcp deploy/web/templates/deployment.yaml:13',
      '8125/udp deploy/web/templates/deployment.yaml:28',
      '8125/udp deploy/web/templates/deployment.yaml:29',
      '9102/tcp deploy/web/templates/deployment.yaml:15',
      // toYaml of a values.yaml list: the values.yaml line.
      '9901/tcp deploy/web/values.yaml:17',
      '30080/tcp deploy/web/templates/service.yaml:11',
    ]);
    // The debug port is behind `if .Values.debug.enabled`, false by default.
    assert.ok(!declared.ports.some((p) => p.port === 5005));
    assert.match(declared.ports.find((p) => p.port === 9901)!.what, /Helm chart deploy\/web, templates\/deployment\.yaml/);
    // Templates are not read as (invalid) YAML of their own.
    assert.deepEqual(declared.problems, []);
  });
});

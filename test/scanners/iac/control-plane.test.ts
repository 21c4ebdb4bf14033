import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { componentCommands, durationSeconds, flagPlace } from '../../../src/scanners/iac/kubernetes/control-plane.js';
import { readKubernetes } from '../../../src/scanners/iac/kubernetes/model.js';

const manifest = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: kube-apiserver',
  '  namespace: kube-system',
  'spec:',
  '  containers:',
  '  - name: kube-apiserver',
  '    image: registry.k8s.io/kube-apiserver:v1.30.2',
  '    command:',
  '    - /usr/local/bin/kube-apiserver',
  '    - --profiling=false',
  '    args:',
  '    - --etcd-servers https://127.0.0.1:2379',
  '    - --anonymous-auth',
  '  - name: sidecar',
  '    image: registry.example.org/proxy:1.0.0',
  '    command: ["proxy", "--profiling=true"]',
  '',
].join('\n');

describe('control-plane command lines', () => {
  const input = readKubernetes(manifest, () => {})!;
  const commands = componentCommands(input);

  it('recognises the component by the program name and ignores other containers', () => {
    assert.deepEqual(commands.map((c) => c.component), ['kube-apiserver']);
  });

  it('reads flags from command and args, with = or a separate value, and bare flags', () => {
    const flags = commands[0]!.flags;
    assert.equal(flags.get('profiling')?.value, 'false');
    assert.equal(flags.get('etcd-servers')?.value, 'https://127.0.0.1:2379');
    assert.ok(flags.has('anonymous-auth'));
    assert.equal(flags.get('anonymous-auth')?.value, undefined);
  });

  it('places a flag on the command: key with the entry as detail, a missing flag on command:', () => {
    const command = commands[0]!;
    assert.equal(command.line, 10);
    assert.deepEqual(flagPlace(command, command.flags.get('anonymous-auth')), { line: 10, detailLine: 15 });
    assert.deepEqual(flagPlace(command, undefined), { line: 10 });
  });

  it('reads durations as seconds', () => {
    assert.equal(durationSeconds('300'), 300);
    assert.equal(durationSeconds('6m'), 360);
    assert.equal(durationSeconds('1h0m1s'), 3601);
    assert.equal(durationSeconds('soon'), undefined);
  });
});

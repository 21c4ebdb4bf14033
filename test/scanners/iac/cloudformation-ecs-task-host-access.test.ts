import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, lines } from '../../helpers/iac-lines.js';

const HOST_ACCESS = 'iac/cfn-ecs-task-host-access';

const said = (source: string) => findingsOf(HOST_ACCESS, source, 'template.yaml').map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);

/** A task definition Task (line 2) with these property lines. */
const task = (...properties: string[]) => lines('Resources:', '  Task:', '    Type: AWS::ECS::TaskDefinition', '    Properties:', ...properties.map((p) => `      ${p}`));

describe('CloudFormation ECS task definitions: host access', () => {
  it('reports the host namespaces, privileged containers and dangerous capabilities as the Terraform rule does', () => {
    const source = task(
      'PidMode: host',
      'IpcMode: host',
      'ContainerDefinitions:',
      '  - Name: agent',
      '    Privileged: "true"',
      '    LinuxParameters: { Capabilities: { Add: [SYS_ADMIN] } }',
      '  - Name: tracer',
      '    LinuxParameters:',
      '      Capabilities:',
      '        Add: [sys_ptrace, CHOWN]',
      '  - Name: kmod',
      '    LinuxParameters: { Capabilities: { Add: [SYS_MODULE] } }',
    );
    assert.deepEqual(said(source), [
      '5 high AWS::ECS::TaskDefinition Task shares the container instance\'s process namespace: its containers see every process of the instance and can read their environment (PidMode: host); container tracer adds SYS_PTRACE, and can also read and change their memory.',
      "6 medium AWS::ECS::TaskDefinition Task shares the container instance's IPC namespace: its containers can reach the shared memory of the instance's processes (IpcMode: host).",
      '9 critical AWS::ECS::TaskDefinition Task runs container agent privileged: code in it can take over the container instance and every task on it.',
      "14 high AWS::ECS::TaskDefinition Task gives container tracer SYS_PTRACE: capabilities that break the container's isolation from the instance and its other tasks.",
      "16 critical AWS::ECS::TaskDefinition Task gives container kmod SYS_MODULE: capabilities that break the container's isolation from the instance and its other tasks.",
    ]);
  });

  it('judges a readable system path by how the containers mount it, and reports nothing of a Fargate-only task', () => {
    const mounted = (readOnly: string) => task('ContainerDefinitions:', '  - Name: app', '    MountPoints:', `      - { SourceVolume: modules, ContainerPath: /lib/modules${readOnly} }`, 'Volumes:', '  - Name: modules', '    Host: { SourcePath: /lib/modules }');
    assert.deepEqual(said(mounted('')).map((s) => s.split(' ').slice(0, 2).join(' ')), ['11 high']);
    assert.deepEqual(said(mounted(', ReadOnly: true')), []);
    // A ReadOnly from a parameter without a default may be true.
    assert.deepEqual(said(lines('Parameters:', '  ReadOnly:', '    Type: String') + mounted(', ReadOnly: !Ref ReadOnly')), []);
    // The Docker socket, read-only or not.
    assert.equal(said(task('ContainerDefinitions: []', 'Volumes:', '  - Name: docker', '    Host: { SourcePath: /var/run/docker.sock }')).length, 1);
    assert.deepEqual(said(task('RequiresCompatibilities: [FARGATE]', 'PidMode: host', 'ContainerDefinitions:', '  - Name: app', '    Privileged: true')), []);
    assert.equal(said(task('RequiresCompatibilities: [EC2, FARGATE]', 'PidMode: host')).length, 1);
  });

  it('judges the containers of a Batch job definition the same way: single-node, node ranges and ECS properties', () => {
    const job = (...properties: string[]) => lines('Resources:', '  Job:', '    Type: AWS::Batch::JobDefinition', '    Properties:', ...properties.map((p) => `      ${p}`));
    const multiNode = job(
      'Type: multinode',
      'NodeProperties:',
      '  NumNodes: 2',
      '  MainNode: 0',
      '  NodeRangeProperties:',
      '    - TargetNodes: "0:"',
      '      Container:',
      '        Image: example.org/mpi:1.0',
      '        Privileged: true',
      '        Volumes:',
      '          - { Name: modules, Host: { SourcePath: /lib/modules } }',
      '        MountPoints:',
      '          - { SourceVolume: modules, ContainerPath: /lib/modules, ReadOnly: true }',
    );
    assert.deepEqual(said(multiNode), ['13 critical AWS::Batch::JobDefinition Job runs a container privileged: code in it can take over the compute environment\'s instance and every job on it.']);
    const ecsProperties = job(
      'Type: container',
      'EcsProperties:',
      '  TaskProperties:',
      '    - Containers:',
      '        - Name: build',
      '          Image: example.org/build:1.0',
      '          MountPoints: [{ SourceVolume: modules, ContainerPath: /lib/modules }]',
      '        - Name: lint',
      '          Image: example.org/lint:1.0',
      '          Privileged: "false"',
      '      Volumes:',
      '        - { Name: modules, Host: { SourcePath: /lib/modules } }',
    );
    // Mounted writable by container build: a readable system path that a job can change.
    assert.deepEqual(said(ecsProperties).map((s) => s.split(' ').slice(0, 2).join(' ')), ['16 high']);
    assert.deepEqual(said(job('PlatformCapabilities: [FARGATE]', 'ContainerProperties:', '  Image: example.org/app:1.0', '  Privileged: true')), []);
  });
});

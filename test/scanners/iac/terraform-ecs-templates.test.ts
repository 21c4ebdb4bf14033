import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { UNKNOWN, type Value } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { jsonOfTemplate } from '../../../src/scanners/iac/terraform/json-templates.js';
import { fixturePath } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';
import { findingsOf, lines } from '../../helpers/iac-lines.js';

const HOST_ACCESS = 'iac/tf-aws-ecs-task-host-access';

const shown = (value: Value | undefined): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v === UNKNOWN ? '?' : v))));

describe('Terraform JSON templates: rendering leniently', () => {
  it('replaces the known variables and reads any other interpolation as unknown', () => {
    const vars = new Map<string, Value>([['image', 'example.org/app'], ['memory', 512], ['quoted', 'say "hi"']]);
    assert.deepEqual(shown(jsonOfTemplate('[{"image": "${image}:1.0", "memory": ${memory}, "cmd": "${quoted}", "cpu": ${cpu}, "tag": "${ tag }", "env": ${jsonencode(env)}, "host": "${host}.internal"}]', vars)), [
      { image: 'example.org/app:1.0', memory: 512, cmd: 'say "hi"', cpu: '?', tag: '?', env: '?', host: '${?}.internal' },
    ]);
    // An interpolation whose expression holds braces and quotes ends at its own closing brace.
    assert.deepEqual(shown(jsonOfTemplate('{"env": ${jsonencode({ LEVEL = "}" })}, "name": "${name}"}', new Map([['name', 'app']]))), { env: '?', name: 'app' });
    // Without readable variables, every interpolation is unknown.
    assert.deepEqual(shown(jsonOfTemplate('{"privileged": ${privileged}}', undefined)), { privileged: '?' });
  });

  it('keeps escaped sequences, forgives trailing commas, and reads no template with directives or that is not JSON', () => {
    assert.deepEqual(shown(jsonOfTemplate('{"a": "$${literal}", "b": [1, 2,],}', new Map())), { a: '${literal}', b: [1, 2] });
    assert.equal(jsonOfTemplate('[%{ for c in containers }{"name": "${c}"},%{ endfor }]', new Map()), undefined);
    assert.equal(jsonOfTemplate('name=${name}\n', new Map()), undefined);
    assert.equal(jsonOfTemplate('{"a": "${unclosed"', new Map()), undefined);
  });
});

describe('Terraform ECS task definitions rendered from templates', () => {
  it('judges the containers of templatefile() and template_file data sources, on the container_definitions line or the volume', async () => {
    const result = await runScan({ target: fixturePath('iac', 'tf-ecs-templates'), scannerSet: [iacScanner] });
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === HOST_ACCESS).map((f) => `${f.location.path}:${f.location.startLine} ${f.severity} ${f.message}`),
      [
        'inline/main.tf:3 critical aws_ecs_task_definition.debug runs container debug privileged: code in it can take over the container instance and every task on it.',
        // The builder is privileged; the worker's privileged and the zoneinfo mount's readOnly are variables that cannot be read.
        'templatefile/main.tf:4 critical aws_ecs_task_definition.workers runs container builder privileged: code in it can take over the container instance and every task on it.',
        // AWSGoat's: SYS_PTRACE added, with the instance's processes in sight.
        "template-file/main.tf:3 high aws_ecs_task_definition.agent gives container agent SYS_PTRACE (linuxParameters.capabilities.add): capabilities that break the container's isolation from the instance and its other tasks.",
        'template-file/main.tf:6 high aws_ecs_task_definition.agent shares the container instance\'s process namespace: its containers see every process of the instance and can read their environment (pid_mode = "host"); container agent adds SYS_PTRACE, and can also read and change their memory.',
        'template-file/main.tf:10 high aws_ecs_task_definition.agent mounts /lib/modules of the container instance (volume modules): the instance\'s kernel modules, code its kernel loads as its own.',
      ],
    );
  });

  it('reports a readable system path mounted writable once the readOnly of the template is known', async () => {
    const tree = tempTree({
      'main.tf': 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = templatefile("${path.module}/task.json.tpl", { read_only = false })\n  volume {\n    name      = "zoneinfo"\n    host_path = "/usr/share/zoneinfo"\n  }\n}\n',
      'task.json.tpl': '[{"name": "w", "mountPoints": [{"sourceVolume": "zoneinfo", "containerPath": "/z", "readOnly": ${read_only}}]}]\n',
    });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      assert.deepEqual(result.findings.filter((f) => f.ruleId === HOST_ACCESS).map((f) => f.location.startLine), [6]);
    } finally {
      tree.cleanup();
    }
  });

  it('never reads a template outside the scan root', async () => {
    const tree = tempTree({
      'infra/main.tf': 'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = templatefile("${path.module}/../task.json.tpl", {})\n}\n',
      'task.json.tpl': '[{"name": "w", "privileged": true}]\n',
    });
    try {
      const inside = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      assert.deepEqual(inside.findings.filter((f) => f.ruleId === HOST_ACCESS).map((f) => f.location.path), ['infra/main.tf']);
      const outside = await runScan({ target: path.join(tree.dir, 'infra'), scannerSet: [iacScanner] });
      assert.deepEqual(outside.findings.filter((f) => f.ruleId === HOST_ACCESS), []);
    } finally {
      tree.cleanup();
    }
  });
});

describe('Terraform ECS task definitions: capabilities added to containers', () => {
  const task = (containers: string, ...more: string[]) => lines('resource "aws_ecs_task_definition" "app" {', '  family                = "app"', `  container_definitions = jsonencode(${containers})`, ...more, '}');
  const said = (source: string) => findingsOf(HOST_ACCESS, source).map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);

  it('reports the dangerous capabilities each container adds, critical with SYS_ADMIN, SYS_MODULE or ALL', () => {
    const two = task('[{ name = "app", image = "example.org/app:1.0", linuxParameters = { capabilities = { add = ["sys_ptrace", "CHOWN"] } } }, { name = "net", image = "example.org/net:1.0", linuxParameters = { capabilities = { add = ["NET_ADMIN", "DAC_READ_SEARCH"] } } }]');
    assert.deepEqual(said(two), [
      "3 high aws_ecs_task_definition.app gives container app SYS_PTRACE; container net NET_ADMIN, DAC_READ_SEARCH (linuxParameters.capabilities.add): capabilities that break the container's isolation from the instance and its other tasks.",
    ]);
    assert.deepEqual(said(task('[{ name = "kmod", image = "example.org/kmod:1.0", linuxParameters = { capabilities = { add = ["SYS_MODULE"] } } }]')).map((s) => s.split(' ')[1]), ['critical']);
    assert.deepEqual(said(task('[{ name = "all", image = "example.org/all:1.0", linuxParameters = { capabilities = { add = ["ALL"] } } }]')).map((s) => s.split(' ')[1]), ['critical']);
  });

  it('leaves a privileged container to the privileged finding, and tasks that run only on Fargate alone', () => {
    const privileged = said(task('[{ name = "agent", image = "example.org/agent:1.0", privileged = true, linuxParameters = { capabilities = { add = ["SYS_ADMIN"] } } }]'));
    assert.deepEqual(privileged.map((s) => s.split(':')[0]), ['3 critical aws_ecs_task_definition.app runs container agent privileged']);
    assert.deepEqual(said(task('[{ name = "app", image = "example.org/app:1.0", linuxParameters = { capabilities = { add = ["SYS_PTRACE"] } } }]', '  requires_compatibilities = ["FARGATE"]')), []);
    // On EC2 as well as Fargate, the task may run on an instance.
    assert.equal(said(task('[{ name = "app", image = "example.org/app:1.0", linuxParameters = { capabilities = { add = ["SYS_PTRACE"] } } }]', '  requires_compatibilities = ["EC2", "FARGATE"]')).length, 1);
  });

  it('reads capabilities from a JSON heredoc, and none from a list it cannot read', () => {
    const heredoc = lines('resource "aws_ecs_task_definition" "app" {', '  family                = "app"', '  container_definitions = <<JSON', '[{"name": "app", "image": "example.org/app:1.0", "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}}}]', 'JSON', '}');
    assert.deepEqual(said(heredoc).map((s) => s.split(' ').slice(0, 2).join(' ')), ['3 critical']);
    assert.deepEqual(said(task('[{ name = "app", image = "example.org/app:1.0", linuxParameters = { capabilities = { add = var.capabilities } } }]')), []);
  });
});

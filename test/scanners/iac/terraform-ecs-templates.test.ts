import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { UNKNOWN, type Value } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { jsonOfTemplate } from '../../../src/scanners/iac/terraform/json-templates.js';
import { fixturePath } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';

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
        'template-file/main.tf:6 high aws_ecs_task_definition.agent shares the container instance\'s process namespace: its containers see every process of the instance and can read their environment (pid_mode = "host"); container agent adds SYS_PTRACE, and can also read and change their memory.',
        'template-file/main.tf:10 high aws_ecs_task_definition.agent mounts /lib/modules of the container instance (volume modules): programs the host runs as root.',
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

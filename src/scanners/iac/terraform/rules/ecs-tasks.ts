import { capabilitiesSeverity, DANGEROUS_CAPABILITIES, normaliseCapability } from '../../capabilities.js';
import { sensitiveHostPath } from '../../host-paths.js';
import type { Hit } from '../../rule.js';
import { UNKNOWN, type Value } from '../hcl/evaluate.js';
import { isObject } from '../hcl/value.js';
import { jsonAttribute } from '../json-templates.js';
import { asStrings, attribute, label, resourcesOf, valueOf, type TfInput, type TfResource } from '../model.js';
import { sections, tfRule, type TfRule } from './common.js';

/** The container definitions of a task (jsonAttribute), or undefined when they cannot be read. */
function containerDefinitions(input: TfInput, task: TfResource): Array<{ [key: string]: Value }> | undefined {
  const value = jsonAttribute(input, task.block, 'container_definitions');
  if (!Array.isArray(value)) return undefined;
  return value.filter((c): c is { [key: string]: Value } => c !== null && typeof c === 'object' && !Array.isArray(c));
}

/** Whether a task can only run on Fargate, which rejects the host's namespaces and privileged containers: nothing is deployed. */
function fargateOnly(input: TfInput, task: TfResource): boolean {
  const launch = asStrings(valueOf(input, task.block, 'requires_compatibilities'));
  return launch !== undefined && launch.length > 0 && launch.every((l) => l.toUpperCase() === 'FARGATE');
}

const ecsTaskHostAccess: TfRule = tfRule({
  id: 'iac/tf-aws-ecs-task-host-access',
  title: 'ECS task or Batch job shares the host\'s namespaces, runs privileged containers or adds dangerous capabilities',
  description:
    'An ECS task definition for EC2 container instances shares the instance\'s process namespace (pid_mode = "host": the containers see every process of the instance, the ECS agent and the other tasks included, and can read their environment and, with SYS_PTRACE, their memory) or its IPC namespace (ipc_mode = "host"), runs a container with "privileged": true in its container_definitions (every capability and every host device: code in it can take over the instance, the credentials of its instance role and every task on it), mounts a sensitive path of the instance as a volume (host_path: the Docker socket, /, /proc, /etc, /var/run, kernel modules mounted writable), or gives a container a Linux capability that breaks its isolation (linuxParameters.capabilities.add, judged as the compose and Kubernetes rules judge cap_add: SYS_ADMIN, SYS_MODULE or ALL, about what privileged gives, critical; NET_ADMIN, NET_RAW, SYS_PTRACE, DAC_READ_SEARCH, SYS_RAWIO, BPF... high). Fargate rejects the host\'s namespaces, host paths, privileged containers and every added capability but SYS_PTRACE (which reaches no further than the task\'s own virtual machine), so tasks that run only on Fargate are not reported. The container definitions are read where they are written, from a file of the module (file()), or rendered from a template of the module (templatefile(), the rendered of a template_file data source), a template variable that cannot be read being unknown; the pid_mode finding names the containers that add SYS_PTRACE. An aws_batch_job_definition runs its containers as ECS tasks on the instances of its compute environment: a privileged container or a sensitive host path (volumes[].host.sourcePath, with the mountPoints that mount it) of its container_properties, of a node range (node_properties nodeRangeProperties) or of a task (ecs_properties taskProperties) is reported the same way, on that attribute, unless platform_capabilities is FARGATE only (as iac/cfn-ecs-task-host-access judges AWS::Batch::JobDefinition).',
  remediation: 'Leave pid_mode and ipc_mode unset (or "task"), mount no system path of the instance (use EFS or Docker volumes for data), drop "privileged": true and add only the Linux capabilities the container needs (linuxParameters.capabilities.add); run tooling that must see the host as a daemon on the instance, not as a task. Batch: drop "privileged": true and host volumes of system paths from container_properties, node_properties and ecs_properties, or run the job on Fargate.',
  severity: 'high',
  cwe: ['CWE-250', 'CWE-668'],
  examples: {
    positive: [
      // AWSGoat's ECS module: the task sees the instance's processes (and its container adds SYS_PTRACE).
      'resource "aws_ecs_task_definition" "app" {\n  family                   = "app"\n  container_definitions    = file("app.json")\n  requires_compatibilities = ["EC2"]\n  network_mode             = "bridge"\n  # expect\n  pid_mode                 = "host"\n}\n',
      'resource "aws_ecs_task_definition" "agent" {\n  family = "agent"\n  # expect\n  container_definitions = jsonencode([\n    { name = "agent", image = "example.org/agent:1.0", essential = true, privileged = true },\n    { name = "sidecar", image = "example.org/sidecar:1.0", essential = false }\n  ])\n  # expect\n  ipc_mode = "host"\n}\n',
      // cloudgoat's ecs_takeover: the Docker socket of the instance, read and written by the container.
      'resource "aws_ecs_task_definition" "site" {\n  family                = "site"\n  container_definitions = jsonencode([{ name = "site", image = "example.org/site:1.0", mountPoints = [{ sourceVolume = "docker-socket", containerPath = "/var/run/docker.sock", readOnly = true }, { sourceVolume = "modules", containerPath = "/lib/modules" }] }])\n  volume {\n    name      = "docker-socket"\n    # expect\n    host_path = "/var/run/docker.sock"\n  }\n  volume {\n    name      = "modules"\n    # expect\n    host_path = "/lib/modules"\n  }\n}\n',
      'resource "aws_ecs_task_definition" "agent" {\n  family                = "agent"\n  # expect\n  container_definitions = <<JSON\n[{"name": "agent", "image": "example.org/agent:1.0", "privileged": true}]\nJSON\n}\n',
      // Capabilities added to a container: SYS_ADMIN is critical, as privileged is.
      'resource "aws_ecs_task_definition" "probe" {\n  family = "probe"\n  # expect\n  container_definitions = jsonencode([{\n    name            = "probe"\n    image           = "example.org/probe:1.0"\n    linuxParameters = { capabilities = { add = ["NET_ADMIN", "CAP_SYS_ADMIN"], drop = ["MKNOD"] } }\n  }])\n}\n',
      // Rendered from a template (also from a file of the module: file() in the template, or templatefile()).
      'resource "aws_ecs_task_definition" "debug" {\n  family                = "debug"\n  # expect\n  container_definitions = data.template_file.debug.rendered\n}\ndata "template_file" "debug" {\n  template = <<EOT\n[{"name": "debug", "image": "$${image}", "privileged": true}]\nEOT\n  vars = {\n    image = var.image\n  }\n}\n',
      // A Batch job on EC2 runs its container as an ECS task on the compute environment's instances.
      'resource "aws_batch_job_definition" "scan" {\n  name = "scan"\n  type = "container"\n  # expect\n  container_properties = jsonencode({\n    image       = "example.org/scan:1.0"\n    privileged  = true\n    volumes     = [{ name = "docker", host = { sourcePath = "/var/run/docker.sock" } }]\n    mountPoints = [{ sourceVolume = "docker", containerPath = "/var/run/docker.sock", readOnly = true }]\n  })\n}\n',
      'resource "aws_batch_job_definition" "train" {\n  name                  = "train"\n  type                  = "container"\n  platform_capabilities = ["EC2"]\n  # expect\n  ecs_properties = <<JSON\n{"taskProperties": [{"containers": [{"name": "main", "image": "example.org/train:1.0", "mountPoints": [{"sourceVolume": "root", "containerPath": "/host"}]}], "volumes": [{"name": "root", "host": {"sourcePath": "/"}}]}]}\nJSON\n}\n',
    ],
    negative: [
      'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n  container_definitions = jsonencode([{ name = "app", image = "example.org/app:1.0", privileged = false, linuxParameters = { capabilities = { drop = ["ALL"] } } }])\n  pid_mode              = "task"\n}\n',
      // Kernel modules mounted read-only by every container that mounts them; an application's own folder.
      'resource "aws_ecs_task_definition" "site" {\n  family                = "site"\n  container_definitions = jsonencode([{ name = "site", image = "example.org/site:1.0", mountPoints = [{ sourceVolume = "modules", containerPath = "/lib/modules", readOnly = true }] }])\n  volume {\n    name      = "modules"\n    host_path = "/lib/modules"\n  }\n  volume {\n    name      = "scratch"\n    host_path = "/ecs/scratch"\n  }\n}\n',
      // A template variable that cannot be read: whether the container is privileged is not known.
      'resource "aws_ecs_task_definition" "debug" {\n  family                = "debug"\n  container_definitions = data.template_file.debug.rendered\n}\ndata "template_file" "debug" {\n  template = <<EOT\n[{"name": "debug", "image": "example.org/debug:1.0", "privileged": $${privileged}}]\nEOT\n  vars = {\n    privileged = var.privileged\n  }\n}\n',
      // Capabilities that give nothing beyond the container (binding a low port, changing file owners).
      'resource "aws_ecs_task_definition" "web" {\n  family                = "web"\n  container_definitions = jsonencode([{ name = "web", image = "example.org/web:1.0", linuxParameters = { capabilities = { add = ["NET_BIND_SERVICE", "CHOWN"], drop = ["ALL"] } } }])\n}\n',
      // Fargate adds SYS_PTRACE only inside the task\'s own virtual machine.
      'resource "aws_ecs_task_definition" "debug" {\n  family                   = "debug"\n  requires_compatibilities = ["FARGATE"]\n  network_mode             = "awsvpc"\n  container_definitions    = jsonencode([{ name = "debug", image = "example.org/debug:1.0", linuxParameters = { capabilities = { add = ["SYS_PTRACE"] } } }])\n}\n',
      // Fargate rejects pid_mode "host": nothing is deployed.
      'resource "aws_ecs_task_definition" "app" {\n  family                   = "app"\n  container_definitions    = file("app.json")\n  requires_compatibilities = ["FARGATE"]\n  network_mode             = "awsvpc"\n  pid_mode                 = "host"\n}\n',
      // Fargate rejects privileged containers and host paths; a scratch folder of the instance exposes nothing.
      'resource "aws_batch_job_definition" "report" {\n  name                  = "report"\n  type                  = "container"\n  platform_capabilities = ["FARGATE"]\n  container_properties  = jsonencode({ image = "example.org/report:1.0", privileged = true })\n}\nresource "aws_batch_job_definition" "train" {\n  name                 = "train"\n  type                 = "container"\n  container_properties = jsonencode({ image = "example.org/train:1.0", privileged = false, volumes = [{ name = "scratch", host = { sourcePath = "/scratch" } }], mountPoints = [{ sourceVolume = "scratch", containerPath = "/scratch" }] })\n}\n',
    ],
  },
  *check(input) {
    for (const task of resourcesOf(input, 'aws_ecs_task_definition')) {
      if (fargateOnly(input, task)) continue;
      const containers = containerDefinitions(input, task);
      yield* hostModes(input, task, containers);
      yield* hostVolumes(input, task, containers);
      const privileged = (containers ?? []).filter(isPrivileged).map((c) => (typeof c.name === 'string' ? c.name : 'a container'));
      if (privileged.length > 0)
        yield { line: attribute(task.block, 'container_definitions')!.line, message: `${label(task)} runs ${privileged.map((n) => (n === 'a container' ? n : `container ${n}`)).join(', ')} privileged: code in it can take over the container instance and every task on it.`, resource: label(task), severity: 'critical' };
      // A privileged container has every capability: the finding above says so.
      const adding = (containers ?? []).filter((c) => !isPrivileged(c)).flatMap((c) => {
        const dangerous = capabilitiesAdded(c).filter((cap) => DANGEROUS_CAPABILITIES.has(cap));
        return dangerous.length > 0 ? [{ name: typeof c.name === 'string' ? `container ${c.name}` : 'a container', dangerous }] : [];
      });
      if (adding.length > 0) {
        const message = `${label(task)} gives ${adding.map((a) => `${a.name} ${a.dangerous.join(', ')}`).join('; ')} (linuxParameters.capabilities.add): capabilities that break the container's isolation from the instance and its other tasks.`;
        yield { line: attribute(task.block, 'container_definitions')!.line, message, resource: label(task), severity: capabilitiesSeverity(adding.flatMap((a) => a.dangerous)) };
      }
    }
    // An AWS Batch job on EC2 compute environments runs its containers as ECS tasks on the instances: the same judgement.
    for (const job of resourcesOf(input, 'aws_batch_job_definition')) yield* batchJobHostAccess(input, job);
  },
});

/**
 * Volumes that mount a sensitive path of the container instance (host_path): its Docker
 * socket, its root, /proc, /etc, /var/run... A system path only readable to anyone (kernel
 * modules, /usr) counts when a container mounts it writable, or when the container
 * definitions cannot be read and so may.
 */
function* hostVolumes(input: TfInput, task: TfResource, containers: Array<{ [key: string]: Value }> | undefined): Generator<Hit> {
  const reported = new Set<number>();
  for (const volume of sections(input, task.block, 'volume')) {
    const path = volume.get('host_path');
    const name = volume.get('name');
    if (typeof path !== 'string') continue;
    const what = hostPathRisk(path, name, containers);
    const line = volume.lineOf('host_path');
    if (!what || reported.has(line)) continue;
    reported.add(line);
    yield { line, message: `${label(task)} mounts ${path} of the container instance${typeof name === 'string' ? ` (volume ${name})` : ''}: ${what}.`, resource: label(task) };
  }
}

/**
 * What mounting a path of the container instance as volume `name` exposes (host-paths.ts),
 * or undefined when nothing sensitive. A mount whose readOnly cannot be read (a template's
 * `${read_only}`) may be read-only; so may every mount when the containers, or the
 * mountPoints of one of them, cannot be read.
 */
function hostPathRisk(path: string, name: Value | undefined, containers: Array<{ [key: string]: Value }> | undefined): string | undefined {
  const mounts = (containers ?? []).flatMap((c) => (Array.isArray(c.mountPoints) ? c.mountPoints : [])).filter((m): m is { [key: string]: Value } => m !== null && typeof m === 'object' && !Array.isArray(m) && m.sourceVolume === name);
  const readOnly = containers !== undefined && mounts.length > 0 && mounts.every((m) => m.readOnly === true || m.readOnly === 'true' || m.readOnly === UNKNOWN);
  const unread = containers !== undefined && containers.some((c) => c.mountPoints === UNKNOWN || (Array.isArray(c.mountPoints) && c.mountPoints.some((m) => m === UNKNOWN || (isObject(m) && m.sourceVolume === UNKNOWN))));
  return sensitiveHostPath(path, 'host', containers === undefined || readOnly || unread)?.replace(/^the host's/, "the instance's");
}

/** The objects of a JSON list (a value that is not a list gives none). */
const objectsOf = (value: Value | undefined): Array<{ [key: string]: Value }> => (Array.isArray(value) ? value.filter(isObject) : []);

/**
 * The containers of an AWS Batch job definition, each group with the volumes its containers
 * may mount, as the CloudFormation rule reads them: a single-node job's container_properties
 * (its volumes inside it), each node range of a multi-node job (node_properties
 * nodeRangeProperties[].container, or its ecsProperties), and each task of an ECS-properties
 * job (ecs_properties taskProperties[]: its containers share the task's volumes). Each is
 * JSON read as container_definitions are; `containers` is undefined when a task's list of
 * containers cannot be read.
 */
function batchGroups(input: TfInput, job: TfResource): Array<{ attribute: string; volumes: Value | undefined; containers: Array<{ [key: string]: Value }> | undefined }> {
  const groups: Array<{ attribute: string; volumes: Value | undefined; containers: Array<{ [key: string]: Value }> | undefined }> = [];
  const tasks = (name: string, ecs: Value | undefined) => {
    for (const task of objectsOf(isObject(ecs) ? ecs.taskProperties : undefined)) groups.push({ attribute: name, volumes: task.volumes, containers: Array.isArray(task.containers) ? objectsOf(task.containers) : undefined });
  };
  const single = jsonAttribute(input, job.block, 'container_properties');
  if (isObject(single)) groups.push({ attribute: 'container_properties', volumes: single.volumes, containers: [single] });
  const nodes = jsonAttribute(input, job.block, 'node_properties');
  for (const range of objectsOf(isObject(nodes) ? nodes.nodeRangeProperties : undefined)) {
    if (isObject(range.container)) groups.push({ attribute: 'node_properties', volumes: range.container.volumes, containers: [range.container] });
    tasks('node_properties', range.ecsProperties);
  }
  tasks('ecs_properties', jsonAttribute(input, job.block, 'ecs_properties'));
  return groups;
}

/** Whether a Batch job definition runs only on Fargate (platform_capabilities), which rejects privileged containers and host paths. */
function batchFargateOnly(input: TfInput, job: TfResource): boolean {
  const platforms = asStrings(valueOf(input, job.block, 'platform_capabilities'));
  return platforms !== undefined && platforms.length > 0 && platforms.every((p) => p.toUpperCase() === 'FARGATE');
}

/** Privileged containers and sensitive host paths of a Batch job definition on EC2: reported on the attribute that holds them (one JSON value). */
function* batchJobHostAccess(input: TfInput, job: TfResource): Generator<Hit> {
  if (batchFargateOnly(input, job)) return;
  const reported = new Set<string>();
  for (const group of batchGroups(input, job)) {
    const line = attribute(job.block, group.attribute)!.line;
    for (const container of group.containers ?? []) {
      if (!isPrivileged(container)) continue;
      const name = typeof container.name === 'string' ? `container ${container.name}` : 'its container';
      const message = `${label(job)} runs ${name} privileged (${group.attribute}): code in it can take over the compute environment's instance and every job on it.`;
      if (!reported.has(message)) yield { line, message, resource: label(job), severity: 'critical' };
      reported.add(message);
    }
    for (const volume of objectsOf(group.volumes)) {
      const path = isObject(volume.host) ? volume.host.sourcePath : undefined;
      if (typeof path !== 'string') continue;
      const what = hostPathRisk(path, volume.name, group.containers);
      const message = `${label(job)} mounts ${path} of the compute environment's instance (${group.attribute}${typeof volume.name === 'string' ? ` volume ${volume.name}` : ''}): ${what}.`;
      if (what && !reported.has(message)) yield { line, message, resource: label(job) };
      reported.add(message);
    }
  }
}

const isPrivileged = (c: { [key: string]: Value }) => c.privileged === true || c.privileged === 'true';

/** The Linux capabilities a container definition adds (linuxParameters.capabilities.add) that can be read, normalised (SYS_ADMIN). */
function capabilitiesAdded(c: { [key: string]: Value }): string[] {
  const linux = c.linuxParameters;
  const capabilities = isObject(linux) ? linux.capabilities : undefined;
  const added = isObject(capabilities) ? capabilities.add : undefined;
  return Array.isArray(added) ? added.filter((a): a is string => typeof a === 'string').map(normaliseCapability) : [];
}

/** The names of the containers that add a Linux capability (linuxParameters.capabilities.add). */
function adding(containers: Array<{ [key: string]: Value }> | undefined, capability: string): string[] {
  return (containers ?? []).filter((c) => capabilitiesAdded(c).includes(capability)).map((c) => (typeof c.name === 'string' ? `container ${c.name}` : 'a container'));
}

function* hostModes(input: TfInput, task: TfResource, containers: Array<{ [key: string]: Value }> | undefined): Generator<Hit> {
  for (const [mode, what] of [
    ['pid_mode', 'process namespace: its containers see every process of the instance and can read their environment'],
    ['ipc_mode', 'IPC namespace: its containers can reach the shared memory of the instance\'s processes'],
  ] as const) {
    const a = attribute(task.block, mode);
    const value = valueOf(input, task.block, mode);
    if (!a || typeof value !== 'string' || value.toLowerCase() !== 'host') continue;
    // With SYS_PTRACE, a container that sees the instance's processes can also read and change their memory.
    const tracing = mode === 'pid_mode' ? adding(containers, 'SYS_PTRACE') : [];
    const also = tracing.length > 0 ? `; ${tracing.join(', ')} ${tracing.length === 1 ? 'adds' : 'add'} SYS_PTRACE, and can also read and change their memory` : '';
    yield { line: a.line, message: `${label(task)} shares the container instance's ${what} (${mode} = "host")${also}.`, resource: label(task), ...(mode === 'ipc_mode' ? { severity: 'medium' as const } : {}) };
  }
}

export const ecsTaskRules: readonly TfRule[] = [ecsTaskHostAccess];
